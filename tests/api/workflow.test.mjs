// The generic workflow on its first user, 一建设、五争当 award nominations:
// a new nomination is a 草稿; steps move it only from the states they start
// from, only for the roles they name, with a comment where one is required,
// never by the user who took the previous step when the step asks for
// another; a submitted nomination is frozen; every step leaves a history
// row (read through the record's scope) and an audit row.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { World, sql as dbSql } from './harness.mjs';

const w = new World('workflow');
let admin;
let admin2;
let op;
let viewer;
let district;
let kinds;
let cadres;
let city;

const kind = (name) => kinds.find((k) => k.name === name);

async function nominate(client, extra = {}) {
  return client.post('/api/v1/award', {
    kind_id: kind('好班长').id, year: 2026, cadre_id: cadres[0].id, unit: '市工业和信息化局',
    region_id: city.id, deeds: '牵头推进集成电路产业链强链补链，成效突出。', ...extra,
  });
}

const step = (client, id, body) => client.post(`/api/v1/award/${id}/transition`, body);

before(async () => {
  w.seed();
  w.addUser('admin2', { role: 'admin' });
  w.addUser('op1', { role: 'operator' });
  w.addUser('viewer1', { role: 'viewer' });
  w.addUser('jiangyin', { role: 'operator', region: '320281' });
  await w.start();
  [admin, admin2, op, viewer, district] = await Promise.all(
    ['admin', 'admin2', 'op1', 'viewer1', 'jiangyin'].map((u) => w.login(u)));
  kinds = (await admin.list('award_kind')).items;
  cadres = (await admin.list('cadre', { size: 5 })).items;
  city = (await admin.list('region', { level: '市' })).items[0];
});

after(() => w.teardown());

test('the descriptor carries the workflow; the kinds the work plan names are there', async () => {
  const meta = await admin.get('/api/v1/meta/entities');
  const award = meta.body.entities.find((e) => e.name === 'award');
  assert.equal(award.workflow.field, 'status');
  assert.ok(award.workflow.steps.some((s) => s.action === 'approve' && s.other_user));
  assert.deepEqual(kinds.map((k) => k.name).sort(), ['好班子', '好班长', '好助手'].sort());
});

test('a nomination names a cadre or a team as its kind asks, once per year', async () => {
  const noCadre = await nominate(op, { cadre_id: null });
  assert.equal(noCadre.status, 422);
  assert.ok(noCadre.details.some((d) => d.field === 'cadre_id'), String(noCadre));
  const noTeam = await nominate(op, { kind_id: kind('好班子').id, cadre_id: null });
  assert.equal(noTeam.status, 422);
  assert.ok(noTeam.details.some((d) => d.field === 'team_name'));
  const forced = await nominate(op, { status: '已批准' });
  assert.equal(forced.status, 422, 'the state is not the client\'s to set');
  const ok = await nominate(op);
  assert.equal(ok.status, 201, String(ok));
  assert.equal(ok.body.status, '草稿');
  const again = await nominate(op);
  assert.equal(again.status, 422);
  assert.ok(again.details.some((d) => d.code === 'duplicate'));
});

test('submit → review → approve, by the right roles and by different people', async () => {
  const a = (await nominate(op, { cadre_id: cadres[1].id })).body;
  const early = await step(op, a.id, { action: 'approve' });
  assert.equal(early.status, 422);
  assert.match(early.details[0].message, /当前状态为“草稿”/);

  const sub = await step(op, a.id, { action: 'submit', version: a.version });
  assert.equal(sub.status, 200, String(sub));
  assert.equal(sub.body.status, '待审核');

  const patch = await op.patch(`/api/v1/award/${a.id}`, { version: sub.body.version, deeds: '改写' });
  assert.equal(patch.status, 409, 'a submitted nomination is frozen');
  assert.match(patch.body.error.message, /待审核/);
  assert.equal((await op.del(`/api/v1/award/${a.id}`)).status, 409);

  const byOp = await step(op, a.id, { action: 'review' });
  assert.equal(byOp.status, 403);
  assert.match(byOp.body.error.message, /审核通过.*须由/);
  assert.equal((await step(viewer, a.id, { action: 'review' })).status, 403);

  const stale = await step(admin, a.id, { action: 'review', version: a.version });
  assert.equal(stale.status, 409);
  const rev = await step(admin, a.id, { action: 'review' });
  assert.equal(rev.status, 200, String(rev));
  assert.equal(rev.body.status, '待审批');

  const self = await step(admin, a.id, { action: 'approve' });
  assert.equal(self.status, 403);
  assert.match(self.body.error.message, /另一位/);
  const appr = await step(admin2, a.id, { action: 'approve' });
  assert.equal(appr.status, 200, String(appr));
  assert.equal(appr.body.status, '已批准');

  const hist = await op.get(`/api/v1/award/${a.id}/history`);
  assert.equal(hist.status, 200);
  assert.deepEqual(hist.body.items.map((h) => [h.action, h.from, h.to, h.username]), [
    ['submit', '草稿', '待审核', 'op1'],
    ['review', '待审核', '待审批', 'admin'],
    ['approve', '待审批', '已批准', 'admin2'],
  ]);
  const audit = dbSql(w.db, `SELECT count(*) FROM audit_log WHERE action = 'transition' AND entity = 'award' AND entity_id = ${a.id}`);
  assert.equal(audit.stdout.trim(), '3');
});

test('a return needs a reason, unfreezes the nomination, and it can be submitted again', async () => {
  const a = (await nominate(op, { cadre_id: cadres[2].id })).body;
  await step(op, a.id, { action: 'submit' });
  const bare = await step(admin, a.id, { action: 'return' });
  assert.equal(bare.status, 422);
  assert.equal(bare.details[0].field, 'comment');
  const back = await step(admin, a.id, { action: 'return', comment: '事迹材料请补充量化成效' });
  assert.equal(back.status, 200, String(back));
  assert.equal(back.body.status, '退回修改');
  const edit = await op.patch(`/api/v1/award/${a.id}`, { version: back.body.version, deeds: '补充：新增投产项目12个。' });
  assert.equal(edit.status, 200, String(edit));
  const again = await step(op, a.id, { action: 'submit' });
  assert.equal(again.status, 200);
  assert.equal(again.body.status, '待审核');
  const rej = await step(admin, a.id, { action: 'reject', comment: '不符合评选条件' });
  assert.equal(rej.body.status, '未通过');
  const hist = (await admin.get(`/api/v1/award/${a.id}/history`)).body.items;
  assert.equal(hist[1].comment, '事迹材料请补充量化成效');
  assert.equal(hist.at(-1).label, '不予通过');
});

test('bad requests and other districts', async () => {
  const a = (await nominate(op, { cadre_id: cadres[3].id })).body;
  assert.equal((await step(op, a.id, { action: 'fly' })).status, 422);
  assert.equal((await step(op, a.id, {})).status, 400);
  assert.equal((await step(op, a.id, { action: 'submit', comment: 5 })).status, 400);
  assert.equal((await step(op, 999999, { action: 'submit' })).status, 404);
  // a city-level nomination is outside a district operator's scope
  assert.equal((await step(district, a.id, { action: 'submit' })).status, 404);
  assert.equal((await district.get(`/api/v1/award/${a.id}/history`)).status, 404);
  assert.equal((await admin.post('/api/v1/enterprise/1/transition', { action: 'submit' })).status, 404,
    'an entity without a workflow');
});
