// 进园助企大走访: problems move 待受理 → 办理中 → 已办结 → 已回访 (or are
// returned), each step by the roles it names; a step may set fields of the
// row — 受理 stamps 受理日期, 办结 stamps 办结日期 and keeps its comment as
// 办理结果, 回访 records the enterprise's satisfaction (required, one of the
// enum's values), 重新办理 clears 办结日期. The ledger computes overdue from
// the dates and the KPIs on a fixed data set worked out by hand below; its
// workbook opens; a district user sees its district only; a cadre's problems
// show in 季季评 results and in the portrait.
//
// The server runs on the test clock (XINZHI_TEST_CLOCK_OFFSET) so that its
// today is 2026-06-15 (UTC+8) whatever day the suite runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { World, sql as dbSql } from './harness.mjs';

const TODAY = '2026-06-15';
// noon in Beijing on TODAY, as seconds added to the wall clock
const clockOffset = () => String(Math.round((Date.UTC(2026, 5, 15, 4, 0, 0) - Date.now()) / 1000));

const w = new World('problem');
let admin, admin2, op, viewer, district;
let ents; // [E1, E2]: enterprises in two different districts
let districtName; // {E1: name, E2: name}
let jiangyinEnt; // an enterprise in 江阴市 (320281)
let otherEnt; // an enterprise outside it

const step = (c, id, body) => c.post(`/api/v1/problem/${id}/transition`, body);
const sql = (q) => {
  const r = dbSql(w.db, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

async function newProblem(client, extra = {}) {
  const r = await client.post('/api/v1/problem', {
    enterprise_id: ents[0].id, category: '融资', description: '扩产流动资金缺口约2000万元',
    countermeasure: '组织银企对接', resp_unit: '市地方金融管理局', found_date: '2026-06-01',
    deadline: '2026-06-30', ...extra,
  });
  assert.equal(r.status, 201, String(r));
  return r.body;
}

before(async () => {
  w.seed();
  w.addUser('admin2', { role: 'admin' });
  w.addUser('op1', { role: 'operator' });
  w.addUser('viewer1', { role: 'viewer' });
  w.addUser('jiangyin', { role: 'operator', region: '320281' });
  await w.start({ env: { XINZHI_TEST_CLOCK_OFFSET: clockOffset() } });
  [admin, admin2, op, viewer, district] = await Promise.all(
    ['admin', 'admin2', 'op1', 'viewer1', 'jiangyin'].map((u) => w.login(u)));
  // enterprises with the district (6-digit code) and its name
  const rows = sql(`SELECT e.id, substr(r.code, 1, 6), d.name FROM enterprise e
    JOIN region r ON r.id = e.region_id JOIN region d ON d.code = substr(r.code, 1, 6)
    WHERE e.deleted_at IS NULL ORDER BY e.id`).split('\n').map((l) => l.split('|'));
  const get = async (id) => (await admin.get(`/api/v1/enterprise/${id}`)).body;
  const first = rows[0];
  const second = rows.find((r) => r[1] !== first[1]);
  ents = [await get(first[0]), await get(second[0])];
  districtName = { E1: first[2], E2: second[2] };
  jiangyinEnt = await get(rows.find((r) => r[1] === '320281')[0]);
  otherEnt = await get(rows.find((r) => r[1] !== '320281')[0]);
});

after(() => w.teardown());

test('the descriptor: steps declare what they write', async () => {
  const meta = (await admin.get('/api/v1/meta/entities')).body;
  const steps = meta.entities.find((e) => e.name === 'problem').workflow.steps;
  const by = Object.fromEntries(steps.map((s) => [s.action, s]));
  assert.equal(by.accept.stamp, 'accepted_date');
  assert.equal(by.close.stamp, 'closed_date');
  assert.equal(by.close.comment_to, 'result');
  assert.equal(by.reopen.clear, 'closed_date');
  assert.equal(by.revisit.input.name, 'satisfaction');
  assert.equal(by.revisit.input.required, true);
  assert.deepEqual(by.revisit.input.enum, ['满意', '基本满意', '不满意']);
  // the older flows are unchanged: no stamps or inputs
  const award = meta.entities.find((e) => e.name === 'award').workflow.steps;
  assert.ok(award.every((s) => !s.input && !s.stamp));
});

test('validation: deadline after the found date, the visit\'s enterprise, the chain by default', async () => {
  const early = await op.post('/api/v1/problem', {
    enterprise_id: ents[0].id, category: '用地', description: '新增用地50亩', resp_unit: '市自然资源和规划局',
    found_date: '2026-06-10', deadline: '2026-06-01',
  });
  assert.equal(early.status, 422);
  assert.ok(early.details.some((d) => d.field === 'deadline' && d.code === 'before_found'), String(early));

  const visit = await op.post('/api/v1/visit', {
    visit_date: '2026-06-01', enterprise_id: ents[1].id, summary: '座谈了解企业经营情况',
  });
  assert.equal(visit.status, 201, String(visit));
  const other = await op.post('/api/v1/problem', {
    enterprise_id: ents[0].id, visit_id: visit.body.id, category: '用工', description: '缺熟练工',
    resp_unit: '市人社局', found_date: '2026-06-01', deadline: '2026-06-20',
  });
  assert.equal(other.status, 422);
  assert.ok(other.details.some((d) => d.field === 'visit_id' && d.code === 'other_enterprise'));
  const same = await op.post('/api/v1/problem', {
    enterprise_id: ents[1].id, visit_id: visit.body.id, category: '用工', description: '缺熟练工',
    resp_unit: '市人社局', found_date: '2026-06-01', deadline: '2026-06-20',
  });
  assert.equal(same.status, 201, String(same));
  // the visit's problems through the generic list
  const listed = await op.list('problem', { visit_id: visit.body.id });
  assert.deepEqual(listed.items.map((p) => p.id), [same.body.id]);

  // an enterprise whose segments all lie on one chain gives its chain
  const chains = sql(`SELECT es.enterprise_id, min(s.chain_id) FROM enterprise_segment es
    JOIN segment s ON s.id = es.segment_id GROUP BY es.enterprise_id
    HAVING count(DISTINCT s.chain_id) = 1 LIMIT 1`).split('|').map(Number);
  const p = await op.post('/api/v1/problem', {
    enterprise_id: chains[0], category: '技术', description: '中试平台不足', resp_unit: '市科技局',
    found_date: '2026-06-01', deadline: '2026-07-01',
  });
  assert.equal(p.status, 201, String(p));
  assert.equal(p.body.chain_id, chains[1]);
  assert.equal(p.body.status, '待受理');

  // the fields the steps set are not the client's
  const forced = await op.patch(`/api/v1/problem/${p.body.id}`, { version: p.body.version, satisfaction: '满意' });
  assert.equal(forced.status, 422, String(forced));
  const forced2 = await op.post('/api/v1/problem', {
    enterprise_id: ents[0].id, category: '技术', description: 'x', resp_unit: 'y',
    found_date: '2026-06-01', deadline: '2026-07-01', closed_date: '2026-06-02',
  });
  assert.equal(forced2.status, 422);
});

test('受理 → 办结 → 回访: roles, legal states, comment, stamps, satisfaction', async () => {
  const p = await newProblem(op);
  // wrong role: 受理 is the department's (admin)
  assert.equal((await step(viewer, p.id, { action: 'accept' })).status, 403);
  const byOp = await step(op, p.id, { action: 'accept' });
  assert.equal(byOp.status, 403);
  assert.match(byOp.body.error.message, /受理.*须由/);
  // illegal transitions from 待受理
  for (const action of ['close', 'revisit', 'reopen']) {
    const r = await step(admin, p.id, { action, comment: '意见', satisfaction: '满意' });
    assert.equal(r.status, 422, `${action}: ${r}`);
    assert.equal(r.details[0].code, 'invalid_state');
  }
  assert.equal((await step(admin, p.id, { action: 'fly' })).status, 422);

  const acc = await step(admin, p.id, { action: 'accept', version: p.version });
  assert.equal(acc.status, 200, String(acc));
  assert.equal(acc.body.status, '办理中');
  assert.equal(acc.body.accepted_date, TODAY, 'stamped with the (test) clock\'s date');
  assert.equal(acc.body.closed_date, null);

  const bare = await step(op, p.id, { action: 'close' });
  assert.equal(bare.status, 422);
  assert.equal(bare.details[0].field, 'comment');
  const closed = await step(admin, p.id, { action: 'close', comment: '已对接2家银行，授信1500万元' });
  assert.equal(closed.status, 200, String(closed));
  assert.equal(closed.body.status, '已办结');
  assert.equal(closed.body.closed_date, TODAY);
  assert.equal(closed.body.result, '已对接2家银行，授信1500万元', 'the comment is kept as the result');

  // 回访: by an admin other than the one who closed it, with the satisfaction
  assert.equal((await step(op, p.id, { action: 'revisit', satisfaction: '满意' })).status, 403);
  const self = await step(admin, p.id, { action: 'revisit', satisfaction: '满意' });
  assert.equal(self.status, 403);
  assert.match(self.body.error.message, /另一位/);
  const none = await step(admin2, p.id, { action: 'revisit' });
  assert.equal(none.status, 422);
  assert.equal(none.details[0].field, 'satisfaction');
  assert.equal(none.details[0].code, 'required');
  const wrong = await step(admin2, p.id, { action: 'revisit', satisfaction: '非常好' });
  assert.equal(wrong.status, 422);
  assert.equal(wrong.details[0].code, 'invalid_enum');
  assert.match(wrong.details[0].message, /满意、基本满意、不满意/);
  const rv = await step(admin2, p.id, { action: 'revisit', satisfaction: '基本满意' });
  assert.equal(rv.status, 200, String(rv));
  assert.equal(rv.body.status, '已回访');
  assert.equal(rv.body.satisfaction, '基本满意');
  assert.equal(rv.body.closed_date, TODAY, 'later steps keep the earlier stamps');

  // a visited problem is frozen and has no further step
  assert.equal((await op.patch(`/api/v1/problem/${p.id}`, { version: rv.body.version, countermeasure: 'x' })).status, 409);
  const hist = (await op.get(`/api/v1/problem/${p.id}/history`)).body.items;
  assert.deepEqual(hist.map((h) => [h.action, h.to, h.username]), [
    ['accept', '办理中', 'admin'], ['close', '已办结', 'admin'], ['revisit', '已回访', 'admin2'],
  ]);
  const audit = sql(`SELECT detail FROM audit_log WHERE action = 'transition' AND entity = 'problem'
    AND entity_id = ${p.id} ORDER BY id DESC LIMIT 1`);
  assert.match(audit, /基本满意/, 'the audit row names the recorded satisfaction');
});

test('退回 needs a reason and 重新提交 brings it back; 重新办理 clears the closing date', async () => {
  const p = await newProblem(op, { description: '审批材料重复提交' });
  assert.equal((await step(admin, p.id, { action: 'return' })).status, 422);
  const back = await step(admin, p.id, { action: 'return', comment: '属企业内部事项' });
  assert.equal(back.status, 200, String(back));
  assert.equal(back.body.status, '已退回');
  const again = await step(op, p.id, { action: 'resubmit' });
  assert.equal(again.body.status, '待受理');

  await step(admin, p.id, { action: 'accept' });
  const closed = (await step(op, p.id, { action: 'close', comment: '已协调' })).body;
  assert.equal(closed.closed_date, TODAY);
  assert.equal((await step(op, p.id, { action: 'reopen', comment: '企业反映未解决' })).status, 403);
  assert.equal((await step(admin, p.id, { action: 'reopen' })).status, 422, 'a reason is required');
  const re = await step(admin, p.id, { action: 'reopen', comment: '企业反映未解决' });
  assert.equal(re.status, 200, String(re));
  assert.equal(re.body.status, '办理中');
  assert.equal(re.body.closed_date, null, '重新办理 clears 办结日期');
  assert.equal(re.body.accepted_date, TODAY);
});

// The fixed data set, all with resp_unit KPI测试局 (the ledger's filter
// isolates it from the demo's problems). Today is 2026-06-15.
//
//      ent cat   found       deadline    state   closed      satisf.
//  P1  E1  融资  2026-05-01  2026-05-31  办理中  —           —        overdue: 06-15 − 05-31 = 15 days
//  P2  E1  用工  2026-05-10  2026-06-30  办理中  —           —        open, not yet due
//  P3  E1  融资  2026-04-01  2026-04-30  已办结  2026-04-21  —        on time; 20 days to close
//  P4  E2  融资  2026-04-01  2026-04-15  已回访  2026-04-25  满意     closed late by 10 days; 24 days
//  P5  E2  用地  2026-03-01  2026-03-31  已回访  2026-03-11  不满意   on time; 10 days
//  P6  E1  用地  2026-06-01  2026-06-10  待受理  —           —        overdue: 5 days
//  P7  E2  其他  2026-05-20  2026-06-01  已退回  —           —        returned: never overdue
//
// total 7; closed (已办结+已回访) 3: P3 P4 P5; open (待受理, 办理中) 3: P1 P2 P6;
// returned 1; overdue 2: P1 P6; closed late 1: P4; closure rate 3/7 = 42.857 → 42.9;
// average days to close (20 + 24 + 10) / 3 = 18.0; satisfaction 满意 1, 不满意 1.
// Order: the overdue first by deadline (P1 05-31, P6 06-10), then by deadline:
// P5 03-31, P4 04-15, P3 04-30, P7 06-01, P2 06-30.
// By region: E1's district: P1 P2 P3 P6 → total 4, closed 1, open 3, overdue 2,
//   late 0, rate 1/4 = 25.0, avg 20.0; E2's: P4 P5 P7 → total 3, closed 2,
//   returned 1, overdue 0, late 1, rate 2/3 = 66.7, avg (24 + 10) / 2 = 17.0.
// By category: 融资 P1 P3 P4 → 3, closed 2, overdue 1, late 1, 66.7, avg (20 + 24) / 2 = 22.0;
//   用地 P5 P6 → 2, closed 1, overdue 1, 50.0, avg 10.0; 用工 P2 → 1, 0.0, avg null;
//   其他 P7 → 1, returned 1, 0.0.
const UNIT = 'KPI测试局';
const SET = [
  ['P1', 0, '融资', '2026-05-01', '2026-05-31', '办理中', '2026-05-03', null, null],
  ['P2', 0, '用工', '2026-05-10', '2026-06-30', '办理中', '2026-05-11', null, null],
  ['P3', 0, '融资', '2026-04-01', '2026-04-30', '已办结', '2026-04-02', '2026-04-21', null],
  ['P4', 1, '融资', '2026-04-01', '2026-04-15', '已回访', '2026-04-02', '2026-04-25', '满意'],
  ['P5', 1, '用地', '2026-03-01', '2026-03-31', '已回访', '2026-03-02', '2026-03-11', '不满意'],
  ['P6', 0, '用地', '2026-06-01', '2026-06-10', '待受理', null, null, null],
  ['P7', 1, '其他', '2026-05-20', '2026-06-01', '已退回', null, null, null],
];
const ids = {};

test('ledger KPIs on a fixed data set, worked out by hand', async () => {
  for (const [name, e, category, found, deadline, status, accepted, closed, sat] of SET) {
    const p = await newProblem(admin, {
      enterprise_id: ents[e].id, category, description: `${name} 堵点`, resp_unit: UNIT,
      found_date: found, deadline,
    });
    ids[name] = p.id;
    const q = (v) => (v === null ? 'NULL' : `'${v}'`);
    // the states the steps would have left, written as of their own dates
    sql(`UPDATE problem SET status = '${status}', accepted_date = ${q(accepted)},
      closed_date = ${q(closed)}, satisfaction = ${q(sat)} WHERE id = ${p.id}`);
  }
  const r = await admin.get(`/api/v1/problem/ledger?resp_unit=${encodeURIComponent(UNIT)}`);
  assert.equal(r.status, 200, String(r));
  const l = r.body;
  assert.equal(l.today, TODAY);
  const s = l.summary;
  assert.deepEqual(
    [s.total, s.closed, s.open, s.returned, s.overdue, s.closed_late, s.closure_rate, s.avg_days],
    [7, 3, 3, 1, 2, 1, 42.9, 18.0]);
  assert.deepEqual(s.satisfaction, { 满意: 1, 基本满意: 0, 不满意: 1 });
  assert.deepEqual(s.by_status, { 办理中: 2, 已办结: 1, 已回访: 2, 待受理: 1, 已退回: 1 });

  const name = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  assert.deepEqual(l.items.map((i) => name[i.id]), ['P1', 'P6', 'P5', 'P4', 'P3', 'P7', 'P2']);
  const it = Object.fromEntries(l.items.map((i) => [name[i.id], i]));
  assert.deepEqual([it.P1.overdue, it.P1.late_kind, it.P1.days_overdue], [true, '逾期未办结', 15]);
  assert.deepEqual([it.P6.overdue, it.P6.days_overdue], [true, 5]);
  assert.deepEqual([it.P4.overdue, it.P4.late_kind, it.P4.days_overdue], [false, '逾期办结', 10]);
  assert.deepEqual([it.P2.overdue, it.P2.late_kind, it.P3.late_kind, it.P7.overdue], [false, null, null, false]);
  assert.equal(it.P1.region, districtName.E1);
  assert.equal(it.P4.region, districtName.E2);

  const row = (list, n) => {
    const g = list.find((x) => x.name === n);
    assert.ok(g, `${n} in ${JSON.stringify(list)}`);
    return [g.total, g.closed, g.open, g.returned, g.overdue, g.closed_late, g.closure_rate, g.avg_days];
  };
  assert.deepEqual(row(l.by_region, districtName.E1), [4, 1, 3, 0, 2, 0, 25.0, 20.0]);
  assert.deepEqual(row(l.by_region, districtName.E2), [3, 2, 0, 1, 0, 1, 66.7, 17.0]);
  assert.deepEqual(row(l.by_category, '融资'), [3, 2, 1, 0, 1, 1, 66.7, 22.0]);
  assert.deepEqual(row(l.by_category, '用地'), [2, 1, 1, 0, 1, 0, 50.0, 10.0]);
  assert.deepEqual(row(l.by_category, '用工'), [1, 0, 1, 0, 0, 0, 0, null]);
  assert.deepEqual(row(l.by_category, '其他'), [1, 0, 0, 1, 0, 0, 0, null]);
  assert.deepEqual(row(l.by_unit, UNIT), [7, 3, 3, 1, 2, 1, 42.9, 18.0]);

  // filters: overdue only, a category, a status, a found-date range
  const q = async (extra) => (await admin.get(`/api/v1/problem/ledger?resp_unit=${encodeURIComponent(UNIT)}&${extra}`)).body;
  assert.deepEqual((await q('overdue=1')).items.map((i) => name[i.id]), ['P1', 'P6']);
  assert.equal((await q(`category=${encodeURIComponent('融资')}`)).summary.total, 3);
  assert.equal((await q(`status=${encodeURIComponent('已回访')}`)).summary.total, 2);
  assert.deepEqual((await q('from=2026-04-01&to=2026-04-30')).items.map((i) => name[i.id]), ['P4', 'P3']);
  assert.equal((await admin.get('/api/v1/problem/ledger?frob=1')).status, 400);
  assert.equal((await admin.get('/api/v1/problem/ledger?from=2026-13-01')).status, 400);
  assert.equal((await admin.get(`/api/v1/problem/ledger?category=${encodeURIComponent('天气')}`)).status, 400);
});

test('the ledger\'s workbook: title, Chinese columns, one row per problem, the summary rows', async () => {
  const r = await fetch(`${w.base}/api/v1/problem/ledger.xlsx?resp_unit=${encodeURIComponent(UNIT)}`,
    { headers: { Cookie: admin.cookie } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  const bytes = Buffer.from(await r.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a zip');
  const file = path.join(w.dir, 'problems.xlsx');
  fs.writeFileSync(file, bytes);
  const py = spawnSync('/usr/bin/python3', ['-c', `
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
rows = [[c.value for c in r] for r in ws.iter_rows()]
print(json.dumps(rows, ensure_ascii=False, default=str))`, file], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const rows = JSON.parse(py.stdout);
  assert.match(rows[0][0], /进园助企大走访问题台账（截至2026-06-15）/);
  for (const h of ['企业', '堵点卡点', '责任单位', '办结时限', '办理状态', '逾期情况', '企业满意度'])
    assert.ok(rows[1].includes(h), h);
  const data = rows.slice(2, 9);
  assert.equal(data.length, 7);
  assert.equal(data[0][5], 'P1 堵点');
  assert.equal(data[0][13], '逾期未办结15天');
  const text = rows.map((row) => row.filter((c) => c !== null).join(' ')).join('\n');
  assert.match(text, /问题总数 7 件/);
  assert.match(text, /办结率 42\.9%，平均办结天数 18\.0 天/);
  assert.match(text, /逾期未办结 2 件，逾期办结 1 件/);
  assert.match(text, /按地区/);
  assert.match(text, /按责任单位/);
});

test('scope: a district user sees its district\'s problems only', async () => {
  const inside = await newProblem(admin, { enterprise_id: jiangyinEnt.id, resp_unit: '江阴测试单位' });
  const outside = await newProblem(admin, { enterprise_id: otherEnt.id, resp_unit: '江阴测试单位' });
  const mine = await district.get('/api/v1/problem/ledger');
  assert.equal(mine.status, 200);
  const all = (await admin.get('/api/v1/problem/ledger')).body;
  assert.ok(mine.body.summary.total < all.summary.total);
  const listed = await district.list('problem', { size: 1 });
  assert.equal(mine.body.summary.total, listed.total, 'the same rows the problem list shows');
  const got = new Set(mine.body.items.map((i) => i.id));
  assert.ok(got.has(inside.id) && !got.has(outside.id));
  assert.deepEqual(mine.body.by_region.map((g) => g.name), ['江阴市']);
  // the same as the admin's ledger of 江阴市
  const jy = sql("SELECT id FROM region WHERE code = '320281'");
  const byRegion = (await admin.get(`/api/v1/problem/ledger?region_id=${jy}`)).body;
  assert.equal(byRegion.summary.total, mine.body.summary.total);
  const byCode = (await admin.get('/api/v1/problem/ledger?region=320281')).body;
  assert.equal(byCode.summary.total, mine.body.summary.total, 'the region by its code');
  assert.equal((await admin.get('/api/v1/problem/ledger?region=999999')).status, 400);
  // steps and history of a row outside are not found
  assert.equal((await district.post(`/api/v1/problem/${outside.id}/transition`, { action: 'resubmit' })).status, 404);
  assert.equal((await district.get(`/api/v1/problem/${outside.id}/history`)).status, 404);
  const x = await fetch(`${w.base}/api/v1/problem/ledger.xlsx`, { headers: { Cookie: district.cookie } });
  assert.equal(x.status, 200);
  await x.arrayBuffer();
});

test('a cadre\'s problems are evidence in the portrait and in 季季评 results', async () => {
  // a cadre the demo gave no problem
  const free = sql(`SELECT id FROM cadre WHERE deleted_at IS NULL AND id NOT IN
    (SELECT owner_cadre_id FROM problem WHERE owner_cadre_id IS NOT NULL) ORDER BY id LIMIT 1`);
  const cadre = (await admin.get(`/api/v1/cadre/${free}`)).body;
  // Q2 2026 (04-01 … 06-30): on time, late, open overdue; one due in Q3 does not count
  const mk = async (deadline, extra) => {
    const p = await newProblem(admin, { owner_cadre_id: cadre.id, resp_unit: '画像测试局', found_date: '2026-03-01', deadline, ...extra });
    return p.id;
  };
  const onTime = await mk('2026-05-31');
  const late = await mk('2026-04-30');
  const overdue = await mk('2026-06-01');
  await mk('2026-08-31');
  sql(`UPDATE problem SET status = '已办结', closed_date = '2026-05-20' WHERE id = ${onTime}`);
  sql(`UPDATE problem SET status = '已回访', closed_date = '2026-05-10', satisfaction = '满意' WHERE id = ${late}`);
  sql(`UPDATE problem SET status = '办理中' WHERE id = ${overdue}`);
  const portrait = (await admin.get(`/api/v1/cadre/${cadre.id}/portrait`)).body;
  const pr = portrait.problems;
  assert.deepEqual([pr.total, pr.closed_on_time, pr.closed_late, pr.open_overdue, pr.open],
    [4, 1, 1, 1, 1]);
  assert.equal(pr.items.length, 4);
  assert.equal(pr.items[0].id, overdue, 'open overdue first');
  assert.equal(pr.items[0].late_kind, '逾期未办结');

  // a round of Q2 2026 with this cadre as a subject
  const scheme = (await admin.list('eval_scheme', { size: 50 })).items.find((x) => x.active);
  const round = await admin.post('/api/v1/eval_round', { title: '2026年第二季度测试', scheme_id: scheme.id, year: 2026, quarter: 2 });
  assert.equal(round.status, 201, String(round));
  const subj = await admin.post('/api/v1/eval_subject', {
    round_id: round.body.id, name: '测试干部', cadre_id: cadre.id, unit: cadre.unit || '测试单位',
    peer_group: '测试组', region_id: cadre.region_id,
  });
  assert.equal(subj.status, 201, String(subj));
  const res = await admin.get(`/api/v1/eval_round/${round.body.id}/results`);
  assert.equal(res.status, 200, String(res));
  const item = res.body.items.find((i) => i.subject_id === subj.body.id);
  assert.deepEqual(
    [item.problems.from, item.problems.to, item.problems.total, item.problems.closed_on_time,
      item.problems.closed_late, item.problems.open_overdue],
    ['2026-04-01', '2026-06-30', 3, 1, 1, 1]);
});
