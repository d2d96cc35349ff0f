// 琢璞 secondments (issue #6): the tempering entity's rules, a cadre's
// experience breadth (post kinds from the 任职经历 lines, regions, levels,
// chains from key-project memberships and the cadre's own chain, placement
// kinds) with its score by the stated rule, and the candidates for 历练
// (never tempered, narrowest first, with Chinese reasons), all through the
// caller's data scope.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { World } from './harness.mjs';

const w = new World('tempering');
let admin, district, cadres, regions;

const inJiangyin = (c) => regions.get(c.region_id).code.startsWith('320281');
const score = (b) => Math.min(b.post_kinds.length, 4) * 8 + Math.min(b.regions.length, 3) * 8
  + Math.min(b.levels.length, 3) * 8 + Math.min(b.chains.length, 2) * 5
  + Math.min(b.tempering_kinds.length, 2) * 5;

before(async () => {
  w.seed();
  w.addUser('jiangyin', { role: 'operator', region: '320281' });
  await w.start();
  admin = await w.login('admin');
  district = await w.login('jiangyin');
  regions = new Map((await admin.listAll('region')).items.map((r) => [r.id, r]));
  cadres = (await admin.listAll('cadre')).items;
});

after(() => w.teardown());

test('a placement names a known destination kind and ordered dates', async () => {
  const c = cadres[0];
  const bad = await admin.post('/api/v1/tempering', { cadre_id: c.id, destination_kind: '海外',
    destination: '某地', kind: '挂职', start_date: '2026-01-01' });
  assert.equal(bad.status, 422, String(bad));
  const order = await admin.post('/api/v1/tempering', { cadre_id: c.id, destination_kind: '国家部委',
    destination: '工业和信息化部', kind: '挂职', start_date: '2026-06-01', end_date: '2026-01-01' });
  assert.equal(order.status, 422, String(order));
  assert.equal(order.details[0].field, 'end_date');
  const demo = await admin.list('tempering', { size: 1 });
  assert.ok(demo.total > 0, 'the demo has 琢璞 placements');
});

test('breadth: careers classified, score by the rule, placements and chains count', async () => {
  const untempered = (await admin.get('/api/v1/tempering/candidates?k=200&threshold=101')).body.items;
  const c = cadres.find((x) => untempered.some((u) => u.cadre_id === x.id) && !x.chain_id);
  assert.ok(c, 'an untempered cadre without a chain');
  const before = (await admin.get(`/api/v1/cadre/${c.id}/breadth`)).body;
  const careers = (await admin.list('career', { person_id: c.person_id, size: 50 })).items;
  assert.equal(before.careers.length, careers.length);
  assert.ok(before.post_kinds.length >= 1);
  assert.equal(before.score, score(before));
  assert.match(before.rule, /满分100分/);
  assert.ok(before.reasons.includes('尚未参加琢璞历练'));
  assert.ok(before.reasons.includes('未联系或服务过产业链'));
  assert.deepEqual(before.tempering_kinds, []);

  const t = await admin.post('/api/v1/tempering', { cadre_id: c.id, destination_kind: '顶尖高校',
    destination: '清华大学', kind: '专业训练', start_date: '2026-03-01', end_date: '2026-08-31',
    assessment: '优秀' });
  assert.equal(t.status, 201, String(t));
  const chain = (await admin.list('chain', { size: 1 })).items[0];
  const project = await admin.post('/api/v1/project', { name: '琢璞测试攻坚项目', chain_id: chain.id,
    headcount: 3, status: '筹备', region_id: c.region_id });
  assert.equal(project.status, 201, String(project));
  const m = await admin.post('/api/v1/project_member', { project_id: project.body.id, cadre_id: c.id, role: '成员' });
  assert.equal(m.status, 201, String(m));
  const after2 = (await admin.get(`/api/v1/cadre/${c.id}/breadth`)).body;
  assert.deepEqual(after2.tempering_kinds, ['顶尖高校']);
  assert.equal(after2.temperings, 1);
  assert.deepEqual(after2.chains.map((x) => x.id), [chain.id]);
  assert.equal(after2.score, before.score + 10);
  assert.equal(after2.score, score(after2));
  assert.ok(!after2.reasons.includes('尚未参加琢璞历练'));
  // now tempered: no longer a candidate
  const all = (await admin.get('/api/v1/tempering/candidates?k=200&threshold=101')).body;
  assert.ok(!all.items.some((i) => i.cadre_id === c.id));
  const missing = await admin.get('/api/v1/cadre/99999999/breadth');
  assert.equal(missing.status, 404, String(missing));
});

test('candidates: never tempered, below the threshold, narrowest first, with reasons', async () => {
  const r = await admin.get('/api/v1/tempering/candidates?k=10');
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.threshold, 50);
  assert.ok(r.body.items.length > 0 && r.body.items.length <= 10);
  const scores = r.body.items.map((i) => i.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => a - b));
  const tempered = new Set((await admin.listAll('tempering')).items.map((t) => t.cadre_id));
  for (const i of r.body.items) {
    assert.ok(i.score < 50);
    assert.ok(!tempered.has(i.cadre_id));
    assert.ok(i.reasons.length > 0 && i.reasons.every((s) => /[\u4e00-\u9fff]/.test(s)));
    assert.ok(i.reasons.includes('尚未参加琢璞历练'));
    const b = (await admin.get(`/api/v1/cadre/${i.cadre_id}/breadth`)).body;
    assert.equal(b.score, i.score);
  }
  // everything below 101: every cadre never tempered
  const all = await admin.get('/api/v1/tempering/candidates?k=200&threshold=101');
  assert.equal(all.body.total + new Set([...tempered].filter((id) => cadres.some((c) => c.id === id))).size,
    cadres.length);
  const bad = await admin.get('/api/v1/tempering/candidates?k=0');
  assert.equal(bad.status, 400, String(bad));
});

test('a district user sees breadth and candidates of its own cadres only', async () => {
  const mine = new Set(cadres.filter(inJiangyin).map((c) => c.id));
  const r = await district.get('/api/v1/tempering/candidates?k=200&threshold=101');
  assert.equal(r.status, 200, String(r));
  assert.ok(r.body.items.length > 0);
  assert.ok(r.body.items.every((i) => mine.has(i.cadre_id)));
  assert.equal(r.body.cadres, mine.size);
  const outside = cadres.find((c) => !inJiangyin(c));
  assert.equal((await district.get(`/api/v1/cadre/${outside.id}/breadth`)).status, 404);
  const inside = cadres.find(inJiangyin);
  assert.equal((await district.get(`/api/v1/cadre/${inside.id}/breadth`)).status, 200);
  const list = await district.listAll('tempering');
  assert.ok(list.items.every((t) => mine.has(t.cadre_id)));
});
