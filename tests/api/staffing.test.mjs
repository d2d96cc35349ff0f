// 百项攻坚 staffing over the API and the CLI on the small demo city: two
// projects created through the generic API on real chains, an optimal plan
// solved (every staff member with reasons), a viewer may solve but not apply,
// the plan applied once (project_member rows from 方案) and refused the second
// time because its seats were filled meanwhile; a project's top-k candidates
// ranked with reasons, within the caller's data scope.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { World } from './harness.mjs';

const w = new World('staffing');
let admin;
let viewer;
const projectIds = [];
let plan;

before(async () => {
  w.seed();
  w.addUser('viewer1', { role: 'viewer' });
  await w.start();
  admin = await w.login('admin');
  viewer = await w.login('viewer1');
  const chains = (await admin.list('chain', { size: 2 })).items;
  const city = (await admin.list('region', { level: '市' })).items[0];
  const cadres = (await admin.listAll('cadre')).items.filter((c) => (c.expertise || []).length);
  assert.ok(cadres.length >= 3, `cadres with expertise (${cadres.length})`);
  const tags = [...new Set(cadres.slice(0, 3).flatMap((c) => c.expertise))].slice(0, 3);
  for (const [i, chain] of chains.entries()) {
    const r = await admin.post('/api/v1/project', {
      name: `测试攻坚项目${i + 1}`, chain_id: chain.id, headcount: 3, expertise: tags,
      status: '筹备', region_id: city.id, lead_unit: '市发改委',
    });
    assert.equal(r.status, 201, String(r));
    projectIds.push(r.body.id);
  }
});

after(() => w.teardown());

test('solve fills the seats with reasons; a viewer may solve too', async () => {
  const r = await admin.post('/api/v1/assignments/solve', { project_ids: projectIds });
  assert.equal(r.status, 200, String(r));
  plan = r.body;
  assert.equal(plan.projects.length, 2);
  assert.equal(plan.filled + plan.unfilled, 6);
  assert.ok(plan.filled >= 1, `filled ${plan.filled}`);
  const seen = new Set();
  let total = 0;
  for (const p of plan.projects) {
    assert.equal(p.staff.length + p.unfilled, p.seats);
    if (p.unfilled) assert.ok(p.unfilled_reason, 'unfilled seats give a reason');
    for (const m of p.staff) {
      assert.ok(!seen.has(m.cadre_id), 'one project per cadre by default');
      seen.add(m.cadre_id);
      assert.match(m.reasons[0], /^专业特长匹配 \[/);
      total += m.score;
    }
  }
  assert.equal(plan.total, total);

  const v = await viewer.post('/api/v1/assignments/solve', { project_ids: projectIds });
  assert.equal(v.status, 200, String(v));
  assert.equal(v.body.total, plan.total);

  const bad = await admin.post('/api/v1/assignments/solve', { project_ids: 'x' });
  assert.equal(bad.status, 400, String(bad));
});

test('the demo city has 10 key projects on real chains', async () => {
  const list = await admin.list('project', { status: '筹备,实施中' });
  assert.equal(list.total, 12, 'ten demo projects and the two made here');
  for (const p of list.items) {
    assert.ok(p.headcount >= 3 && p.headcount <= 15, `headcount ${p.headcount}`);
    assert.ok(p.expertise.length >= 1);
  }
});

test('pins and exclusions are respected', async () => {
  const first = plan.projects[0].staff[0];
  const r = await admin.post('/api/v1/assignments/solve', {
    project_ids: projectIds,
    exclusions: [{ project_id: projectIds[0], cadre_id: first.cadre_id }],
    pins: [{ project_id: projectIds[1], cadre_id: first.cadre_id }],
  });
  assert.equal(r.status, 200, String(r));
  assert.ok(!r.body.projects[0].staff.some((m) => m.cadre_id === first.cadre_id));
  const pinned = r.body.projects[1].staff.find((m) => m.cadre_id === first.cadre_id);
  assert.ok(pinned && pinned.pinned && pinned.reasons.includes('人工指定'));
});

test('project candidates: at most k, sorted, with reasons; 404 and data scope', async () => {
  const r = await admin.get(`/api/v1/project/${projectIds[0]}/candidates?k=5`);
  assert.equal(r.status, 200, String(r));
  const items = r.body.items;
  assert.ok(items.length >= 1 && items.length <= 5, `items ${items.length}`);
  for (const [i, it] of items.entries()) {
    assert.match(it.reasons[0], /^专业特长匹配 \[/);
    assert.ok(it.name && typeof it.unit === 'string' && typeof it.post === 'string');
    assert.equal(it.busy, it.reasons.includes('已在实施中项目'));
    if (i) {
      const prev = items[i - 1];
      assert.ok(prev.score > it.score || (prev.score === it.score && prev.cadre_id < it.cadre_id),
        'score desc, then cadre id');
    }
  }
  const all = await admin.get(`/api/v1/project/${projectIds[0]}/candidates?k=200`);
  assert.deepEqual(all.body.items.slice(0, items.length), items);

  const missing = await admin.get('/api/v1/project/999999/candidates');
  assert.equal(missing.status, 404, String(missing));
  const badK = await admin.get(`/api/v1/project/${projectIds[0]}/candidates?k=0`);
  assert.equal(badK.status, 400, String(badK));

  // a district user: a city-wide project is out of scope, a project in the
  // district lists only the district's cadres
  const regions = new Map((await admin.listAll('region')).items.map((g) => [g.id, g.code]));
  const cadres = (await admin.listAll('cadre')).items.filter((c) => (c.expertise || []).length);
  const count = new Map(); // 区县 code (streets fall under theirs) → cadres
  for (const c of cadres) {
    const d = (regions.get(c.region_id) || '').slice(0, 6);
    if (d.length === 6 && !d.endsWith('00')) count.set(d, (count.get(d) || 0) + 1);
  }
  const [code] = [...count.entries()].sort((a, b) => b[1] - a[1])[0];
  const [districtId] = [...regions.entries()].find(([, c]) => c === code);
  const tags = [...new Set(cadres.flatMap((c) => c.expertise))];
  const made = await admin.post('/api/v1/project', {
    name: '区县攻坚项目', chain_id: (await admin.list('chain', { size: 1 })).items[0].id,
    headcount: 3, expertise: tags, status: '筹备', region_id: districtId, lead_unit: '区发改局',
  });
  assert.equal(made.status, 201, String(made));
  w.addUser('district_op', { role: 'operator', region: code });
  const district = await w.login('district_op');
  const d = await district.get(`/api/v1/project/${made.body.id}/candidates?k=200`);
  assert.equal(d.status, 200, String(d));
  assert.ok(d.body.items.length >= 1);
  const byId = new Map(cadres.map((c) => [c.id, c]));
  for (const it of d.body.items) assert.ok(regions.get(byId.get(it.cadre_id).region_id).startsWith(code));
  const wide = await admin.get(`/api/v1/project/${made.body.id}/candidates?k=200`);
  assert.ok(wide.body.items.length > d.body.items.length, 'the city sees more cadres');
  const out = await district.get(`/api/v1/project/${projectIds[0]}/candidates`);
  assert.equal(out.status, 404, String(out));
  assert.equal((await admin.del(`/api/v1/project/${made.body.id}`)).status, 200);
});

test('xinzhi match project prints the candidates', () => {
  const r = w.cli(['match', 'project', String(projectIds[0]), '--k', '3']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /候选干部/);
  assert.match(r.stdout, /专业特长匹配/);
});

test('a viewer cannot apply; apply writes members once and refuses a stale plan', async () => {
  const denied = await viewer.post('/api/v1/assignments/apply', { plan });
  assert.equal(denied.status, 403, String(denied));

  const r = await admin.post('/api/v1/assignments/apply', { plan });
  assert.equal(r.status, 201, String(r));
  assert.equal(r.body.created, plan.filled);
  const members = (await admin.listAll('project_member', { project_id: projectIds[0] })).items;
  assert.equal(members.length, plan.projects[0].staff.length);
  assert.ok(members.every((m) => m.source === '方案' && m.role === '成员'));

  const again = await admin.post('/api/v1/assignments/apply', { plan });
  assert.equal(again.status, 409, String(again));
  const after2 = (await admin.listAll('project_member', { project_id: projectIds[0] })).items;
  assert.equal(after2.length, members.length);
});

test('xinzhi assign prints the plan in Chinese', () => {
  const r = w.cli(['assign', '--project', String(projectIds[0]), '--project', String(projectIds[1])]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /百项攻坚干部配置方案/);
  assert.match(r.stdout, /测试攻坚项目1/);
});
