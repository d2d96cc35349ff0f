// Talent service requests (人才服务): the promised date defaults to the
// submitted date plus the kind's promised days (安居 15, 人才金融 10,
// 子女入学 30, 医疗 3, 出入境便利 5, 其他 15 calendar days) and never
// precedes it; an amount only for 人才金融; 待受理 → 办理中 → 已办结 (or
// 已退回) by the roles named, 受理 and 办结 stamping their dates and 办结
// keeping its comment as the result; the board on a fixed data set worked
// out by hand; a district user's board counts its own requests only.
//
// The server runs on the test clock so that its today is 2026-06-15 (UTC+8).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { World, sql as dbSql } from './harness.mjs';

const TODAY = '2026-06-15';
const clockOffset = () => String(Math.round((Date.UTC(2026, 5, 15, 4, 0, 0) - Date.now()) / 1000));

const w = new World('service');
let admin, op, viewer, district;
let talents;

const sql = (q) => {
  const r = dbSql(w.db, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};
const step = (c, id, body) => c.post(`/api/v1/service_request/${id}/transition`, body);

async function request(client, extra = {}) {
  return client.post('/api/v1/service_request', {
    talent_id: talents[0].id, kind: '医疗', detail: '父母就医预约专家门诊', submitted_date: '2026-06-01',
    handler_unit: '市卫生健康委员会', ...extra,
  });
}

before(async () => {
  w.seed();
  w.addUser('op1', { role: 'operator' });
  w.addUser('viewer1', { role: 'viewer' });
  w.addUser('jiangyin', { role: 'operator', region: '320281' });
  await w.start({ env: { XINZHI_TEST_CLOCK_OFFSET: clockOffset() } });
  [admin, op, viewer, district] = await Promise.all(
    ['admin', 'op1', 'viewer1', 'jiangyin'].map((u) => w.login(u)));
  talents = (await admin.list('talent', { size: 5 })).items;
});

after(() => w.teardown());

test('the promised date follows the kind; amounts only for 人才金融', async () => {
  const cases = [['医疗', '2026-06-04'], ['子女入学', '2026-07-01'], ['安居', '2026-06-16'],
    ['人才金融', '2026-06-11'], ['出入境便利', '2026-06-06'], ['其他', '2026-06-16']];
  for (const [kind, promised] of cases) {
    const r = await request(op, { kind });
    assert.equal(r.status, 201, `${kind}: ${r}`);
    assert.equal(r.body.promised_date, promised, kind);
    assert.equal(r.body.status, '待受理');
  }
  const given = await request(op, { promised_date: '2026-06-20' });
  assert.equal(given.body.promised_date, '2026-06-20', 'a promised date given is kept');
  const before = await request(op, { promised_date: '2026-05-30' });
  assert.equal(before.status, 422);
  assert.ok(before.details.some((d) => d.field === 'promised_date' && d.code === 'before_submitted'));
  const amount = await request(op, { kind: '安居', amount: 30 });
  assert.equal(amount.status, 422);
  assert.ok(amount.details.some((d) => d.field === 'amount'));
  const loan = await request(op, { kind: '人才金融', amount: 200, detail: '申请人才贷' });
  assert.equal(loan.status, 201, String(loan));
  assert.equal(loan.body.amount, 200);
  const forced = await request(op, { status: '已办结' });
  assert.equal(forced.status, 422);
});

test('受理 → 办结, and 退回 → 重新提交: roles, states, comments, stamps', async () => {
  const s = (await request(op)).body;
  assert.equal((await step(viewer, s.id, { action: 'accept' })).status, 403);
  const early = await step(op, s.id, { action: 'close', comment: '办好了' });
  assert.equal(early.status, 422);
  assert.equal(early.details[0].code, 'invalid_state');
  const acc = await step(op, s.id, { action: 'accept' });
  assert.equal(acc.status, 200, String(acc));
  assert.deepEqual([acc.body.status, acc.body.accepted_date, acc.body.closed_date], ['办理中', TODAY, null]);
  assert.equal((await step(op, s.id, { action: 'accept' })).status, 422, 'not twice');
  const bare = await step(op, s.id, { action: 'close' });
  assert.equal(bare.status, 422);
  assert.equal(bare.details[0].field, 'comment');
  const done = await step(admin, s.id, { action: 'close', comment: '已预约市人民医院专家门诊' });
  assert.equal(done.status, 200, String(done));
  assert.deepEqual([done.body.status, done.body.closed_date, done.body.result],
    ['已办结', TODAY, '已预约市人民医院专家门诊']);
  assert.equal((await op.patch(`/api/v1/service_request/${s.id}`, { version: done.body.version, detail: 'x' })).status, 409);

  const r = (await request(op)).body;
  assert.equal((await step(op, r.id, { action: 'return' })).status, 422);
  const back = await step(op, r.id, { action: 'return', comment: '请补充社保缴纳证明' });
  assert.equal(back.body.status, '已退回');
  const again = await step(op, r.id, { action: 'resubmit' });
  assert.equal(again.body.status, '待受理');
  const hist = (await admin.get(`/api/v1/service_request/${r.id}/history`)).body.items;
  assert.deepEqual(hist.map((h) => h.action), ['return', 'resubmit']);
});

// The fixed data set, all with handler_unit KPI服务中心 (the board's filter
// isolates it from the demo's requests). Today is 2026-06-15.
//
//      kind        submitted   promised (default)  state   closed
//  S1  医疗        2026-06-01  2026-06-04 (+3)     办理中  —           overdue 06-15 − 06-04 = 11 days
//  S2  安居        2026-06-01  2026-06-16 (+15)    待受理  —           open, not yet due
//  S3  人才金融    2026-05-01  2026-05-11 (+10)    已办结  2026-05-08  on time; 7 days
//  S4  子女入学    2026-04-01  2026-05-01 (+30)    已办结  2026-05-06  5 days late; 35 days
//  S5  出入境便利  2026-06-05  2026-06-10 (+5)     已退回  —           returned: not overdue
//  S6  医疗        2026-06-10  2026-06-13 (+3)     待受理  —           overdue 2 days
//
// total 6; open 3 (S1 S2 S6); closed 2; returned 1; overdue 2 (S1 S6); closed late 1 (S4);
// on-time rate 1/2 = 50.0; average days (7 + 35) / 2 = 21.0.
// 医疗: total 2, open 2, overdue 2, promised 3 days, avg null.
// 子女入学: total 1, closed 1, late 1, avg 35.0. Overdue list: S1 (11), S6 (2).
const UNIT = 'KPI服务中心';
const SET = [
  ['S1', '医疗', '2026-06-01', '办理中', null],
  ['S2', '安居', '2026-06-01', '待受理', null],
  ['S3', '人才金融', '2026-05-01', '已办结', '2026-05-08'],
  ['S4', '子女入学', '2026-04-01', '已办结', '2026-05-06'],
  ['S5', '出入境便利', '2026-06-05', '已退回', null],
  ['S6', '医疗', '2026-06-10', '待受理', null],
];

test('the board on a fixed data set, worked out by hand', async () => {
  const ids = {};
  for (const [name, kind, submitted, status, closed] of SET) {
    const r = await request(admin, { kind, submitted_date: submitted, handler_unit: UNIT, detail: `${name} 诉求` });
    assert.equal(r.status, 201, String(r));
    ids[r.body.id] = name;
    sql(`UPDATE service_request SET status = '${status}', closed_date = ${closed ? `'${closed}'` : 'NULL'}
      WHERE id = ${r.body.id}`);
  }
  const r = await admin.get(`/api/v1/service_request/board?handler_unit=${encodeURIComponent(UNIT)}`);
  assert.equal(r.status, 200, String(r));
  const b = r.body;
  assert.equal(b.today, TODAY);
  const s = b.summary;
  assert.deepEqual([s.total, s.open, s.closed, s.returned, s.overdue, s.closed_late, s.on_time_rate, s.avg_days],
    [6, 3, 2, 1, 2, 1, 50.0, 21.0]);
  const kind = (n) => b.by_kind.find((k) => k.name === n);
  assert.deepEqual([kind('医疗').total, kind('医疗').open, kind('医疗').overdue, kind('医疗').promised_days, kind('医疗').avg_days],
    [2, 2, 2, 3, null]);
  assert.deepEqual([kind('子女入学').closed, kind('子女入学').closed_late, kind('子女入学').avg_days], [1, 1, 35.0]);
  assert.deepEqual(b.by_unit.map((u) => [u.name, u.total, u.overdue]), [[UNIT, 6, 2]]);
  assert.deepEqual(b.overdue.map((o) => [ids[o.id], o.days_overdue, o.promised_date]),
    [['S1', 11, '2026-06-04'], ['S6', 2, '2026-06-13']]);
  assert.equal(b.promised_days['子女入学'], 30);
  const med = (await admin.get(`/api/v1/service_request/board?handler_unit=${encodeURIComponent(UNIT)}&kind=${encodeURIComponent('医疗')}`)).body;
  assert.equal(med.summary.total, 2);
  assert.equal((await admin.get('/api/v1/service_request/board?frob=1')).status, 400);
  assert.equal((await admin.get(`/api/v1/service_request/board?kind=${encodeURIComponent('旅游')}`)).status, 400);
});

test('scope: a district user\'s board counts its own requests only', async () => {
  const all = (await admin.get('/api/v1/service_request/board')).body.summary.total;
  const mine = await district.get('/api/v1/service_request/board');
  assert.equal(mine.status, 200);
  const listed = await district.list('service_request', { size: 1 });
  assert.equal(mine.body.summary.total, listed.total, 'the same rows the list shows');
  assert.ok(mine.body.summary.total < all);
  assert.equal((await viewer.get('/api/v1/service_request/board')).status, 200);
});
