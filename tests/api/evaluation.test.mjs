// 季季评 quarterly evaluation: a scheme activates only when its weights sum
// to 100; a round goes 草稿 → 评分中 → 已发布; bulk score entry checks every
// row first and saves all or nothing; results match a hand computation
// (dimension averages, weighted totals, shared ranks for ties, grades by
// quota with a tie at the boundary dropping whole, the fail line); publish
// needs a score in every dimension for every subject and a city-level user;
// afterwards every write to the round, its subjects and scores, and its
// scheme is refused with 409 and a Chinese message; 攻坚成效 fills from
// completed key projects; the yearly roll-up and both xlsx exports.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { World } from './harness.mjs';

const w = new World('evaluation');
let admin;
let op;
let viewer;
let district;
let scheme;
let dims; // [A, B, C, D] weights 25, 25, 30, 20; C from projects
let round;
let subjects; // S1, S2, S3 in 市直; S4 in 区县 (Jiangyin)
let cadres;
let jiangyinCadre;

const ok = (r, status = 200) => { assert.equal(r.status, status, String(r)); return r.body; };

function rows(subject, evaluator, values) {
  return values.map((score, i) => ({ subject_id: subject.id, evaluator, dimension_id: dims[i].id, score }));
}

before(async () => {
  w.seed();
  w.addUser('op1', { role: 'operator' });
  w.addUser('viewer1', { role: 'viewer' });
  w.addUser('jiangyin', { role: 'operator', region: '320281' });
  await w.start();
  [admin, op, viewer, district] = await Promise.all(
    ['admin', 'op1', 'viewer1', 'jiangyin'].map((u) => w.login(u)));
  cadres = (await admin.list('cadre', { level: '市', size: 3 })).items;
  jiangyinCadre = (await district.list('cadre', { size: 1 })).items[0];
  assert.equal(cadres.length, 3);
  assert.ok(jiangyinCadre);
});

after(() => w.teardown());

test('the demo city has a scheme, a published round and a round in 评分中', async () => {
  const rounds = (await admin.list('eval_round', { sort: 'id' })).items;
  assert.deepEqual(rounds.map((r) => r.status), ['已发布', '评分中']);
  const res = ok(await admin.get(`/api/v1/eval_round/${rounds[0].id}/results`));
  assert.deepEqual(res.dimensions.map((d) => [d.name, d.weight]),
    [['担使命', 25], ['作贡献', 25], ['攻坚成效', 30], ['群众评价', 20]]);
  assert.ok(res.items.length >= 6);
  assert.ok(res.items.every((i) => i.complete));
  for (const g of res.groups) {
    const top = g.grades['好'] ?? 0;
    assert.ok(top <= Math.max(1, Math.floor(g.size * 0.3)), JSON.stringify(g));
  }
  const current = ok(await admin.get(`/api/v1/eval_round/${rounds[1].id}/results`));
  assert.ok(current.incomplete > 0, 'the current round is still being scored');
});

test('a scheme is activated only when its weights sum to 100; rounds need an active scheme', async () => {
  const bad = await op.post('/api/v1/eval_scheme', {
    name: '测试方案', year: 2025, target: '干部', grades: '好:80,较好:40,一般', active: false,
  });
  assert.equal(bad.status, 422, String(bad));
  assert.ok(bad.details.some((d) => d.field === 'grades'));
  scheme = ok(await op.post('/api/v1/eval_scheme', {
    name: '测试方案', year: 2025, target: '干部', grades: '好:30,较好:40,一般:30,较差',
    fail_below: 60, active: false,
  }), 201);
  const spec = [['担使命', 25], ['作贡献', 25], ['攻坚成效', 30], ['群众评价', 10]];
  dims = [];
  for (const [i, [name, weight]] of spec.entries()) {
    dims.push(ok(await op.post('/api/v1/eval_dimension', {
      scheme_id: scheme.id, name, weight, sort_order: i + 1, from_projects: name === '攻坚成效',
    }), 201));
  }
  const early = await op.post('/api/v1/eval_round', { scheme_id: scheme.id, year: 2025, quarter: 2, title: '测试轮次' });
  assert.equal(early.status, 422, String(early));
  assert.match(early.details[0].message, /未启用/);
  const activate = await op.patch(`/api/v1/eval_scheme/${scheme.id}`, { active: true, version: scheme.version });
  assert.equal(activate.status, 422, String(activate));
  assert.match(activate.details[0].message, /90/);
  dims[3] = ok(await op.patch(`/api/v1/eval_dimension/${dims[3].id}`, { weight: 20, version: dims[3].version }));
  scheme = ok(await op.patch(`/api/v1/eval_scheme/${scheme.id}`, { active: true, version: scheme.version }));
  assert.equal(scheme.active, true);
  // an active scheme keeps its sum: a weight change alone is refused
  const drift = await op.patch(`/api/v1/eval_dimension/${dims[0].id}`, { weight: 30, version: dims[0].version });
  assert.equal(drift.status, 422, String(drift));
  const quarter5 = await op.post('/api/v1/eval_round', { scheme_id: scheme.id, year: 2025, quarter: 5, title: 'x' });
  assert.equal(quarter5.status, 422);
  round = ok(await op.post('/api/v1/eval_round', { scheme_id: scheme.id, year: 2025, quarter: 2, title: '2025年第二季度测试' }), 201);
  assert.equal(round.status, '草稿');
});

test('subjects name a cadre; scores wait for 开始评分', async () => {
  const noCadre = await op.post('/api/v1/eval_subject', {
    round_id: round.id, name: '某班子', unit: '某单位', peer_group: '市直', region_id: cadres[0].region_id,
  });
  assert.equal(noCadre.status, 422, String(noCadre));
  subjects = [];
  for (const c of cadres) {
    subjects.push(ok(await op.post('/api/v1/eval_subject', {
      round_id: round.id, name: `干部${c.id}`, cadre_id: c.id, unit: c.unit, peer_group: '市直',
      region_id: c.region_id,
    }), 201));
  }
  subjects.push(ok(await district.post('/api/v1/eval_subject', {
    round_id: round.id, name: `干部${jiangyinCadre.id}`, cadre_id: jiangyinCadre.id,
    unit: jiangyinCadre.unit, peer_group: '区县', region_id: jiangyinCadre.region_id,
  }), 201));
  const early = await op.post(`/api/v1/eval_round/${round.id}/scores`, { scores: rows(subjects[0], '甲', [90, 80, 70, 60]) });
  assert.equal(early.status, 409, String(early));
  assert.match(early.body.error.message, /开始评分/);
  const started = ok(await op.post(`/api/v1/eval_round/${round.id}/transition`, { action: 'start' }));
  assert.equal(started.status, '评分中');
  round = started;
});

test('bulk entry checks every row and saves nothing when one is wrong', async () => {
  const scores = [
    ...rows(subjects[0], '甲', [90, 80, 70, 60]),
    { subject_id: subjects[0].id, evaluator: '乙', dimension_id: dims[0].id, score: 101 },
    { subject_id: subjects[0].id, evaluator: '乙', dimension_id: 999999, score: 80 },
    { subject_id: subjects[0].id, evaluator: '甲', dimension_id: dims[0].id, score: 70 },
    { subject_id: 999999, evaluator: '乙', dimension_id: dims[1].id, score: 80 },
    { subject_id: subjects[1].id, evaluator: '', dimension_id: dims[1].id, score: 80 },
  ];
  const r = await op.post(`/api/v1/eval_round/${round.id}/scores`, { scores });
  assert.equal(r.status, 422, String(r));
  const at = (row) => r.details.filter((d) => d.row === row).map((d) => d.field);
  assert.deepEqual(at(5), ['score']);
  assert.deepEqual(at(6), ['dimension_id']);
  assert.deepEqual(at(7), ['scores']);
  assert.match(r.details.find((d) => d.row === 7).message, /第7条与第1条重复/);
  assert.deepEqual(at(8), ['subject_id']);
  assert.deepEqual(at(9), ['evaluator']);
  const res = ok(await op.get(`/api/v1/eval_round/${round.id}/results`));
  assert.ok(res.items.every((i) => i.evaluators === 0), 'nothing saved');
  assert.equal((await op.post(`/api/v1/eval_round/${round.id}/scores`, { scores: [] })).status, 400);
  assert.equal((await viewer.post(`/api/v1/eval_round/${round.id}/scores`, { scores })).status, 403);
  // a district user scores only its own subjects
  const out = await district.post(`/api/v1/eval_round/${round.id}/scores`, { scores: rows(subjects[0], '丙', [80, 80, 80, 80]) });
  assert.equal(out.status, 422, String(out));
});

test('results follow the hand computation; publish needs every dimension scored', async () => {
  ok(await op.post(`/api/v1/eval_round/${round.id}/scores`, {
    scores: [
      ...rows(subjects[0], '甲', [90, 80, 70, 60]), ...rows(subjects[0], '乙', [80, 90, 80, 70]),
      ...rows(subjects[1], '甲', [80, 80, 80, 80]), ...rows(subjects[1], '乙', [80, 80, 80, 80]),
      ...rows(subjects[2], '甲', [78, 78, 78]),
    ],
  }));
  const saved = ok(await district.post(`/api/v1/eval_round/${round.id}/scores`, { scores: rows(subjects[3], '甲', [50, 50, 50, 50]) }));
  assert.equal(saved.inserted, 4);
  // replacing a score: same subject, evaluator and dimension
  const again = ok(await op.post(`/api/v1/eval_round/${round.id}/scores`, { scores: rows(subjects[1], '乙', [80, 80, 80, 80]) }));
  assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 4]);

  const missing = await admin.post(`/api/v1/eval_round/${round.id}/publish`);
  assert.equal(missing.status, 422, String(missing));
  assert.match(missing.body.error.message, /1项评分未录入/);
  assert.match(missing.details[0].message, /群众评价/);

  ok(await op.post(`/api/v1/eval_round/${round.id}/scores`, {
    scores: [...rows(subjects[2], '甲', [78, 78, 78, 78]), ...rows(subjects[2], '乙', [78, 78, 78, 78])],
  }));
  const res = ok(await op.get(`/api/v1/eval_round/${round.id}/results`));
  const by = Object.fromEntries(res.items.map((i) => [i.subject_id, i]));
  const [s1, s2, s3, s4] = subjects.map((s) => by[s.id]);
  // S1: averages 85, 85, 75, 65 → 21.25 + 21.25 + 22.5 + 13 = 78
  assert.deepEqual(s1.scores, [85, 85, 75, 65]);
  assert.equal(s1.total, 78);
  assert.equal(s2.total, 80);
  assert.equal(s3.total, 78);
  assert.equal(s4.total, 50);
  // 市直 (3): S2 first; S1 and S3 tie at rank 2
  assert.deepEqual([s2.rank, s1.rank, s3.rank], [1, 2, 2]);
  assert.equal(s1.group_size, 3);
  // quota: 好 ⌊0.9⌋ → 1 (at least one), 较好 ⌊2.1⌋ = 2 → the tie S1/S3 would
  // cross it, so both drop to 一般
  assert.deepEqual([s2.grade, s1.grade, s3.grade], ['好', '一般', '一般']);
  // 区县 (1): rank 1, but below the fail line 60 → 较差
  assert.deepEqual([s4.rank, s4.group_size, s4.grade], [1, 1, '较差']);
  assert.equal(s1.evaluators, 2);
  assert.match(res.scheme.rule, /同分者不拆分/);
  // the district user sees its own subject only, ranked in the whole group
  const mine = ok(await district.get(`/api/v1/eval_round/${round.id}/results`));
  assert.deepEqual(mine.items.map((i) => i.subject_id), [subjects[3].id]);
  assert.equal((await viewer.get(`/api/v1/eval_round/${round.id}/results`)).status, 200);
});

test('publishing needs a city-level writer and freezes the round, its scores and its scheme', async () => {
  assert.equal((await viewer.post(`/api/v1/eval_round/${round.id}/publish`)).status, 403);
  assert.equal((await district.post(`/api/v1/eval_round/${round.id}/publish`)).status, 403);
  const pub = ok(await op.post(`/api/v1/eval_round/${round.id}/publish`));
  assert.equal(pub.round.status, '已发布');
  assert.equal((await op.post(`/api/v1/eval_round/${round.id}/publish`)).status, 409);
  const hist = ok(await op.get(`/api/v1/eval_round/${round.id}/history`));
  assert.deepEqual(hist.items.map((h) => h.action), ['start', 'publish']);

  const fresh = ok(await op.get(`/api/v1/eval_round/${round.id}`));
  const score = (await op.list('eval_score', { subject_id: subjects[0].id })).items[0];
  const conflicts = [
    await op.patch(`/api/v1/eval_round/${round.id}`, { title: '改名', version: fresh.version }),
    await op.del(`/api/v1/eval_round/${round.id}`),
    await op.patch(`/api/v1/eval_score/${score.id}`, { score: 100, version: score.version }),
    await op.del(`/api/v1/eval_score/${score.id}`),
    await op.post(`/api/v1/eval_round/${round.id}/scores`, { scores: rows(subjects[0], '甲', [100, 100, 100, 100]) }),
    await op.post('/api/v1/eval_score', { round_id: round.id, subject_id: subjects[0].id, evaluator: '丁', dimension_id: dims[0].id, score: 99 }),
    await op.patch(`/api/v1/eval_subject/${subjects[0].id}`, { peer_group: '区县', version: subjects[0].version }),
    await op.del(`/api/v1/eval_subject/${subjects[0].id}`),
    await op.post('/api/v1/eval_subject', { round_id: round.id, name: '新增', cadre_id: cadres[0].id, unit: 'x', peer_group: '市直', region_id: cadres[0].region_id }),
    await op.patch(`/api/v1/eval_dimension/${dims[0].id}`, { name: '担当', version: dims[0].version }),
    await op.patch(`/api/v1/eval_scheme/${scheme.id}`, { grades: '好:50,一般', version: scheme.version }),
  ];
  for (const r of conflicts) {
    assert.equal(r.status, 409, String(r));
    assert.match(r.body.error.message, /已发布/);
  }
  const still = ok(await op.get(`/api/v1/eval_round/${round.id}/results`));
  assert.equal(still.items.find((i) => i.subject_id === subjects[0].id).total, 78);
});

test('攻坚成效 fills from the quarter\'s completed key projects', async () => {
  const r2 = ok(await op.post('/api/v1/eval_round', { scheme_id: scheme.id, year: 2025, quarter: 3, title: '2025年第三季度测试' }), 201);
  const s = ok(await op.post('/api/v1/eval_subject', {
    round_id: r2.id, name: `干部${cadres[0].id}`, cadre_id: cadres[0].id, unit: cadres[0].unit,
    peer_group: '市直', region_id: cadres[0].region_id,
  }), 201);
  ok(await op.post(`/api/v1/eval_round/${r2.id}/transition`, { action: 'start' }));
  const chain = (await op.list('chain', { size: 1 })).items[0];
  const mk = async (name, status, end, role) => {
    const p = ok(await op.post('/api/v1/project', {
      name, chain_id: chain.id, headcount: 5, status, start_date: '2025-01-01', end_date: end,
      region_id: cadres[0].region_id,
    }), 201);
    ok(await op.post('/api/v1/project_member', { project_id: p.id, cadre_id: cadres[0].id, role }), 201);
  };
  await mk('测试攻坚一', '已完成', '2025-08-15', '牵头');
  await mk('测试攻坚二', '已完成', '2025-09-30', '成员');
  await mk('测试攻坚三', '已完成', '2025-10-01', '牵头'); // next quarter
  await mk('测试攻坚四', '实施中', '2025-08-01', '牵头'); // not finished
  const fill = ok(await op.post(`/api/v1/eval_round/${r2.id}/fill_projects`));
  assert.deepEqual([fill.dimension_id, fill.filled, fill.projects], [dims[2].id, 1, 2]);
  const scores = (await op.list('eval_score', { subject_id: s.id })).items;
  assert.deepEqual(scores.map((x) => [x.evaluator, x.dimension_id, x.score]),
    [['攻坚项目（系统）', dims[2].id, 95]]);
  ok(await op.post(`/api/v1/eval_round/${r2.id}/scores`, {
    scores: [0, 1, 3].map((i) => ({ subject_id: s.id, evaluator: '甲', dimension_id: dims[i].id, score: 90 })),
  }));
  const pub = ok(await op.post(`/api/v1/eval_round/${r2.id}/publish`));
  // 90 × 0.7 + 95 × 0.3 = 91.5, alone in its group → 好
  assert.deepEqual([pub.items[0].total, pub.items[0].grade], [91.5, '好']);
});

test('the yearly roll-up and the xlsx exports', async () => {
  const y = ok(await op.get('/api/v1/eval/yearly?year=2025&target=干部'));
  assert.deepEqual(y.rounds.map((r) => r.quarter), [2, 3]);
  const s1 = y.items.find((i) => i.cadre_id === cadres[0].id);
  assert.deepEqual(s1.quarters.map((q) => [q.quarter, q.total, q.grade]), [[2, 78, '一般'], [3, 91.5, '好']]);
  assert.equal(s1.average, 84.75);
  assert.deepEqual([s1.best_quarter, s1.worst_quarter], [3, 2]);
  assert.deepEqual(s1.grades, { 一般: 1, 好: 1 });
  assert.equal(y.items[0].cadre_id, cadres[0].id, 'sorted by average, highest first');
  const none = ok(await op.get('/api/v1/eval/yearly?year=2025&target=班子'));
  assert.equal(none.items.length, 0);
  assert.equal((await op.get('/api/v1/eval/yearly')).status, 400);
  assert.equal((await op.get('/api/v1/eval/yearly?year=2025&target=x')).status, 400);
  // the district user's roll-up holds its own subject only
  const mine = ok(await district.get('/api/v1/eval/yearly?year=2025'));
  assert.deepEqual(mine.items.map((i) => i.cadre_id), [jiangyinCadre.id]);

  for (const url of [`/api/v1/eval_round/${round.id}/results?format=xlsx`, '/api/v1/eval/yearly?year=2025&format=xlsx']) {
    const r = await viewer.get(url);
    assert.equal(r.status, 200, String(r));
    assert.match(r.headers.get('content-type'), /spreadsheetml/);
    assert.match(r.headers.get('content-disposition'), /xlsx/);
    assert.ok(r.text.startsWith('PK'));
  }
  assert.equal((await op.get(`/api/v1/eval_round/${round.id}/results?format=pdf`)).status, 400);
});
