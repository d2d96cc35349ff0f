// Saved staffing plans (配备方案) over the API on the small demo city: two
// projects on real chains; plan A saved as solved, plan B with one cadre
// excluded; the server solves what it stores (a client-sent result is
// refused, generic creation too); list, get, rename through the generic
// routes; compare A and B (the excluded cadre only in A); a viewer may solve
// and read but not save or apply; a district user sees only plans in its
// region; apply A once (members written, status 已应用, audited), then 409
// for A again and for B, which is stale since A filled its seats.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { World } from './harness.mjs';

const w = new World('staffing_plan');
let admin;
let viewer;
let district;
const projectIds = [];
let planA;
let planB;
let excluded; // {project_id, cadre_id} of plan B

before(async () => {
  w.seed();
  w.addUser('viewer1', { role: 'viewer' });
  w.addUser('district_op', { role: 'operator', region: '320281' });
  await w.start();
  admin = await w.login('admin');
  viewer = await w.login('viewer1');
  district = await w.login('district_op');
  const chains = (await admin.list('chain', { size: 2 })).items;
  const city = (await admin.list('region', { level: '市' })).items[0];
  const cadres = (await admin.listAll('cadre')).items.filter((c) => (c.expertise || []).length);
  const tags = [...new Set(cadres.slice(0, 3).flatMap((c) => c.expertise))].slice(0, 3);
  for (const [i, chain] of chains.entries()) {
    const r = await admin.post('/api/v1/project', {
      name: `方案测试项目${i + 1}`, chain_id: chain.id, headcount: 3, expertise: tags,
      status: '筹备', region_id: city.id, lead_unit: '市发改委',
    });
    assert.equal(r.status, 201, String(r));
    projectIds.push(r.body.id);
  }
});

after(() => w.teardown());

test('save: the server solves and stores request and result as a draft', async () => {
  const solved = await admin.post('/api/v1/assignments/solve', { project_ids: projectIds });
  assert.equal(solved.status, 200, String(solved));
  const r = await admin.post('/api/v1/assignments/plans', {
    name: ' 方案甲 ', note: '按求解结果', request: { project_ids: projectIds },
  });
  assert.equal(r.status, 201, String(r));
  planA = r.body;
  assert.equal(planA.name, '方案甲');
  assert.equal(planA.note, '按求解结果');
  assert.equal(planA.status, '草稿');
  assert.equal(planA.created_by, 'admin');
  assert.equal(planA.total, solved.body.total);
  assert.equal(planA.filled, solved.body.filled);
  assert.equal(planA.unfilled, solved.body.unfilled);
  assert.ok(planA.filled >= 2, `filled ${planA.filled}`);
  assert.deepEqual(JSON.parse(planA.result), solved.body);
  assert.deepEqual(JSON.parse(planA.request),
    { project_ids: projectIds, pins: [], exclusions: [], one_project: true });

  const audit = await (await w.loginRole('auditadmin')).list('audit_log', { entity: 'staffing_plan', action: 'create' });
  assert.equal(audit.total, 1);
  assert.equal(audit.items[0].entity_id, planA.id);
});

test('save refuses a client result, bad bodies, generic creation; viewers cannot save', async () => {
  const withResult = await admin.post('/api/v1/assignments/plans', {
    name: '伪造', request: { project_ids: projectIds }, result: { total: 999999, projects: [] },
  });
  assert.equal(withResult.status, 400, String(withResult));
  assert.match(withResult.body.error.message, /服务器求解/);

  const noName = await admin.post('/api/v1/assignments/plans', { name: '  ', request: {} });
  assert.equal(noName.status, 422, String(noName));
  assert.equal(noName.details[0].field, 'name');

  const badReq = await admin.post('/api/v1/assignments/plans', {
    name: '乙', request: { project_ids: projectIds, plan: {} },
  });
  assert.equal(badReq.status, 400, String(badReq));
  const noReq = await admin.post('/api/v1/assignments/plans', { name: '乙' });
  assert.equal(noReq.status, 400, String(noReq));
  const missing = await admin.post('/api/v1/assignments/plans', {
    name: '乙', request: { project_ids: [999999] },
  });
  assert.equal(missing.status, 404, String(missing));
  const none = await admin.post('/api/v1/assignments/plans', { name: '乙', request: { project_ids: [] } });
  assert.equal(none.status, 422, String(none));

  const generic = await admin.post('/api/v1/staffing_plan', {
    name: '直接新增',
  });
  assert.equal(generic.status, 422, String(generic));
  const forged = await admin.post('/api/v1/staffing_plan', { name: '直接新增', result: '{}' });
  assert.equal(forged.status, 422, String(forged));

  const denied = await viewer.post('/api/v1/assignments/plans', {
    name: '只读用户的方案', request: { project_ids: projectIds },
  });
  assert.equal(denied.status, 403, String(denied));
  const solve = await viewer.post('/api/v1/assignments/solve', { project_ids: projectIds });
  assert.equal(solve.status, 200, String(solve));

  const list = await admin.list('staffing_plan');
  assert.equal(list.total, 1, 'nothing was stored by the refused calls');
});

test('a plan with one cadre excluded; list, get and rename through the generic routes', async () => {
  const first = JSON.parse(planA.result).projects[0].staff[0];
  excluded = { project_id: projectIds[0], cadre_id: first.cadre_id };
  const r = await admin.post('/api/v1/assignments/plans', {
    name: '方案乙', request: { project_ids: projectIds, exclusions: [excluded] },
  });
  assert.equal(r.status, 201, String(r));
  planB = r.body;
  const res = JSON.parse(planB.result);
  assert.ok(!res.projects[0].staff.some((m) => m.cadre_id === first.cadre_id));
  assert.deepEqual(JSON.parse(planB.request).exclusions, [excluded]);

  const list = await admin.list('staffing_plan', { sort: '-id' });
  assert.equal(list.total, 2);
  assert.deepEqual(list.items.map((p) => p.id), [planB.id, planA.id]);
  const drafts = await viewer.list('staffing_plan', { status: '草稿' });
  assert.equal(drafts.total, 2, 'a viewer reads plans');

  const got = await viewer.get(`/api/v1/staffing_plan/${planB.id}`);
  assert.equal(got.status, 200, String(got));
  assert.equal(got.body.result, planB.result);

  const renamed = await admin.patch(`/api/v1/staffing_plan/${planB.id}`,
    { name: '方案乙（排除一人）', version: got.body.version });
  assert.equal(renamed.status, 200, String(renamed));
  planB = renamed.body;
  const status = await admin.patch(`/api/v1/staffing_plan/${planB.id}`,
    { status: '已应用', version: planB.version });
  assert.equal(status.status, 422, String(status));
  const result = await admin.patch(`/api/v1/staffing_plan/${planB.id}`,
    { result: '{"projects":[]}', version: planB.version });
  assert.equal(result.status, 422, String(result));

  const meta = (await admin.get('/api/v1/meta/entities')).body.entities
    .find((e) => e.name === 'staffing_plan');
  assert.equal(meta.label, '配备方案');
});

test('compare: the excluded cadre is only in A; totals, filled and delta', async () => {
  const r = await viewer.get(`/api/v1/assignments/plans/compare?a=${planA.id}&b=${planB.id}`);
  assert.equal(r.status, 200, String(r));
  const c = r.body;
  assert.equal(c.a.id, planA.id);
  assert.equal(c.b.id, planB.id);
  assert.equal(c.a.total, planA.total);
  assert.equal(c.b.filled, planB.filled);
  assert.equal(c.delta.total, planB.total - planA.total);
  assert.equal(c.delta.filled, planB.filled - planA.filled);
  assert.ok(c.delta.total <= 0, 'excluding a cadre cannot improve an optimum');
  assert.equal(c.projects.length, 2);
  const p0 = c.projects.find((p) => p.project_id === projectIds[0]);
  assert.ok(p0.in_a && p0.in_b);
  assert.ok(p0.only_a.some((m) => m.cadre_id === excluded.cadre_id), JSON.stringify(p0));
  assert.ok(!p0.only_b.some((m) => m.cadre_id === excluded.cadre_id));
  assert.ok(!p0.both.some((m) => m.cadre_id === excluded.cadre_id));
  assert.ok(c.changed >= 1);
  const resA = JSON.parse(planA.result);
  for (const p of c.projects) {
    const src = resA.projects.find((q) => q.project_id === p.project_id);
    assert.equal(p.filled_a, src.staff.length);
    assert.equal(p.only_a.length + p.both.length, p.filled_a);
    assert.equal(p.only_b.length + p.both.length, p.filled_b);
  }

  const same = await admin.get(`/api/v1/assignments/plans/compare?a=${planA.id}&b=${planA.id}`);
  assert.equal(same.body.changed, 0);
  assert.equal(same.body.delta.total, 0);

  const bad = await admin.get(`/api/v1/assignments/plans/compare?a=${planA.id}`);
  assert.equal(bad.status, 400, String(bad));
  const gone = await admin.get(`/api/v1/assignments/plans/compare?a=${planA.id}&b=999999`);
  assert.equal(gone.status, 404, String(gone));
});

test('data scope: a district user sees only its own plans', async () => {
  const list = await district.list('staffing_plan');
  assert.equal(list.total, 0, 'city plans are out of a district user\'s scope');
  assert.equal((await district.get(`/api/v1/staffing_plan/${planA.id}`)).status, 404);
  const cmp = await district.get(`/api/v1/assignments/plans/compare?a=${planA.id}&b=${planB.id}`);
  assert.equal(cmp.status, 404, String(cmp));
  const apply = await district.post(`/api/v1/assignments/plans/${planA.id}/apply`);
  assert.equal(apply.status, 404, String(apply));
  const out = await district.post('/api/v1/assignments/plans', {
    name: '越权方案', request: { project_ids: projectIds },
  });
  assert.equal(out.status, 404, 'the city projects are out of scope too');

  // a plan over a 江阴 project is stored in 江阴 and seen by both
  const jiangyin = (await admin.list('region', { code: '320281' })).items[0];
  const cadres = (await admin.listAll('cadre')).items.filter((c) => (c.expertise || []).length);
  const made = await admin.post('/api/v1/project', {
    name: '江阴方案测试项目', chain_id: (await admin.list('chain', { size: 1 })).items[0].id,
    headcount: 2, expertise: [...new Set(cadres.flatMap((c) => c.expertise))],
    status: '筹备', region_id: jiangyin.id, lead_unit: '江阴市发改委',
  });
  assert.equal(made.status, 201, String(made));
  const own = await district.post('/api/v1/assignments/plans', {
    name: '江阴方案', request: { project_ids: [made.body.id] },
  });
  assert.equal(own.status, 201, String(own));
  assert.equal(own.body.region_id, jiangyin.id);
  assert.equal((await district.list('staffing_plan')).total, 1);
  assert.equal((await admin.list('staffing_plan')).total, 3);
  const del = await district.del(`/api/v1/staffing_plan/${own.body.id}`);
  assert.equal(del.status, 200, String(del));
  assert.equal((await admin.list('staffing_plan')).total, 2);
  assert.equal((await admin.del(`/api/v1/project/${made.body.id}`)).status, 200);
});

test('apply once: members written, 已应用, audited; then 409 for A again and for stale B', async () => {
  const denied = await viewer.post(`/api/v1/assignments/plans/${planA.id}/apply`);
  assert.equal(denied.status, 403, String(denied));

  const r = await admin.post(`/api/v1/assignments/plans/${planA.id}/apply`);
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.created, planA.filled);
  assert.equal(r.body.status, '已应用');
  const resA = JSON.parse(planA.result);
  for (const p of resA.projects) {
    const members = (await admin.listAll('project_member', { project_id: p.project_id })).items;
    assert.deepEqual(members.map((m) => m.cadre_id).sort((x, y) => x - y),
      p.staff.map((m) => m.cadre_id).sort((x, y) => x - y));
    assert.ok(members.every((m) => m.source === '方案'));
  }
  const row = (await admin.get(`/api/v1/staffing_plan/${planA.id}`)).body;
  assert.equal(row.status, '已应用');
  assert.equal(row.applied_by, 'admin');
  assert.ok(row.applied_at);

  const again = await admin.post(`/api/v1/assignments/plans/${planA.id}/apply`);
  assert.equal(again.status, 409, String(again));
  assert.match(again.body.error.message, /已.*应用/);

  const stale = await admin.post(`/api/v1/assignments/plans/${planB.id}/apply`);
  assert.equal(stale.status, 409, String(stale));
  assert.match(stale.body.error.message, /成员已变动/);
  assert.equal((await admin.get(`/api/v1/staffing_plan/${planB.id}`)).body.status, '草稿');
  const total = (await admin.listAll('project_member', { project_id: projectIds[0] })).items.length;
  assert.equal(total, resA.projects[0].staff.length, 'the refused apply wrote nothing');

  const audit = await (await w.loginRole('auditadmin')).list('audit_log', { entity: 'staffing_plan', action: 'apply', sort: 'id' });
  assert.deepEqual(audit.items.map((a) => a.result), ['ok', 'version_conflict', 'version_conflict']);
  assert.equal(audit.items[0].entity_id, planA.id);
  const verify = w.cli(['audit', 'verify']);
  assert.equal(verify.status, 0, verify.stderr);
});

test('a deleted plan is gone from lists and comparisons', async () => {
  const del = await admin.del(`/api/v1/staffing_plan/${planB.id}`);
  assert.equal(del.status, 200, String(del));
  assert.equal((await admin.list('staffing_plan')).total, 1);
  const cmp = await admin.get(`/api/v1/assignments/plans/compare?a=${planA.id}&b=${planB.id}`);
  assert.equal(cmp.status, 404, String(cmp));
});
