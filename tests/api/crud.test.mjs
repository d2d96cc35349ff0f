// The generic entity routes on enterprise (and a few other entities):
// create/get/list/filter/sort/page, optimistic concurrency, validation
// details, the credit-code checksum warning, soft delete, reference
// protection, routing errors, field-level audit rows and the audit chain.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { World, auditDetail, badChecksum, makeUscc, sql as dbSql } from './harness.mjs';

const w = new World('crud');
let admin;
let wangzhuang; // region id of 旺庄街道 (320214001)
let created; // the enterprise created below
let segment; // a segment to link it to

const CJK = /[\u4e00-\u9fff]/;

before(async () => {
  w.seed();
  await w.start();
  admin = await w.login('admin');
  wangzhuang = (await admin.list('region', { code: '320214001' })).items[0].id;
  segment = (await admin.list('segment', { size: 1, sort: 'id' })).items[0];
});

after(() => w.teardown());

function assertDetail(reply, field, code) {
  const d = reply.details.find((x) => x.field === field);
  assert.ok(d, `a detail for ${field} in ${reply}`);
  assert.equal(d.code, code, `code for ${field}: ${JSON.stringify(d)}`);
  assert.match(d.message, CJK, `Chinese message for ${field}`);
  return d;
}

test('create returns 201 and the row with version 1 and _labels', async () => {
  const body = {
    name: '无锡测试芯片科技有限公司',
    uscc: makeUscc('320214'),
    region_id: wangzhuang,
    legal_rep: '张三',
    established: '2020-05-01',
    registered_capital: 1000,
    employees: 50,
    revenue: 12345.5,
    above_scale: true,
    high_tech: true,
    srdi: false,
    main_products: '测试用功率芯片',
    address: '无锡市新吴区旺庄街道长江路1号',
    segment_ids: [segment.id],
  };
  const r = await admin.post('/api/v1/enterprise', body);
  assert.equal(r.status, 201, String(r));
  created = r.body;
  assert.ok(Number.isInteger(created.id) && created.id > 0);
  assert.equal(created.version, 1);
  for (const [k, v] of Object.entries(body)) assert.deepEqual(created[k], v, k);
  assert.equal(created._labels.region_id, '旺庄街道');
  assert.equal(created.park_id, null);
  assert.ok(created.created_at && created.updated_at);
  assert.equal(created._warnings, undefined);
});

test('get returns the same row; list finds it', async () => {
  const r = await admin.get(`/api/v1/enterprise/${created.id}`);
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.body, created);
  const l = await admin.list('enterprise', { id: created.id });
  assert.equal(l.total, 1);
  assert.deepEqual(l.items[0], created);
});

test('q=芯片 finds rows and every row has 芯片 in name or main_products', async () => {
  const { items, total } = await admin.listAll('enterprise', { q: '芯片' });
  assert.ok(total >= 1, 'at least one');
  assert.equal(items.length, total);
  for (const e of items) {
    assert.ok(e.name.includes('芯片') || (e.main_products || '').includes('芯片'),
      `${e.name} / ${e.main_products}`);
  }
  assert.ok(items.some((e) => e.id === created.id));
  const none = await admin.list('enterprise', { q: '不存在的词汇甲乙丙' });
  assert.equal(none.total, 0);
  assert.deepEqual(none.items, []);
});

test('filters: above_scale, region_id (single and set), segment_ids', async () => {
  const all = await admin.list('enterprise', { size: 1 });
  const yes = await admin.listAll('enterprise', { above_scale: 'true' });
  const no = await admin.list('enterprise', { above_scale: 'false', size: 1 });
  assert.ok(yes.total > 0 && no.total > 0);
  assert.equal(yes.total + no.total, all.total);
  for (const e of yes.items) assert.equal(e.above_scale, true, e.name);

  const byRegion = await admin.listAll('enterprise', { region_id: wangzhuang });
  assert.ok(byRegion.total >= 1);
  for (const e of byRegion.items) assert.equal(e.region_id, wangzhuang);
  const other = byRegion.items.length ? (await admin.list('enterprise', { size: 1, 'region_id.ne': wangzhuang })).items[0].region_id : 0;
  const set = await admin.listAll('enterprise', { region_id: `${wangzhuang},${other}` });
  const single = await admin.list('enterprise', { region_id: other, size: 1 });
  assert.equal(set.total, byRegion.total + single.total);
  for (const e of set.items) assert.ok([wangzhuang, other].includes(e.region_id));

  const bySegment = await admin.listAll('enterprise', { segment_ids: segment.id });
  assert.ok(bySegment.items.some((e) => e.id === created.id));
  for (const e of bySegment.items) assert.ok(e.segment_ids.includes(segment.id), e.name);

  const combined = await admin.listAll('enterprise', { above_scale: 'true', q: '芯片' });
  for (const e of combined.items) {
    assert.equal(e.above_scale, true);
    assert.ok(e.name.includes('芯片') || (e.main_products || '').includes('芯片'));
  }
  const gte = await admin.listAll('enterprise', { 'employees.gte': 100, 'employees.lte': 500 });
  for (const e of gte.items) assert.ok(e.employees >= 100 && e.employees <= 500);
});

test('sort=-revenue orders by revenue descending', async () => {
  const { items } = await admin.listAll('enterprise', { sort: '-revenue' });
  const revenues = items.map((e) => e.revenue);
  const firstNull = revenues.indexOf(null);
  const numbers = firstNull < 0 ? revenues : revenues.slice(0, firstNull);
  if (firstNull >= 0) assert.ok(revenues.slice(firstNull).every((v) => v === null), 'nulls last');
  assert.ok(numbers.length > 10);
  for (let i = 1; i < numbers.length; i++)
    assert.ok(numbers[i - 1] >= numbers[i], `revenue order at ${i}: ${numbers[i - 1]} < ${numbers[i]}`);
  const asc = await admin.list('enterprise', { sort: 'revenue', 'revenue.null': '0', size: 5 });
  for (let i = 1; i < asc.items.length; i++) assert.ok(asc.items[i - 1].revenue <= asc.items[i].revenue);
  const multi = await admin.list('enterprise', { sort: 'above_scale,-employees', size: 200 });
  for (let i = 1; i < multi.items.length; i++) {
    const [a, b] = [multi.items[i - 1], multi.items[i]];
    assert.ok(a.above_scale <= b.above_scale);
    if (a.above_scale === b.above_scale && a.employees !== null && b.employees !== null)
      assert.ok(a.employees >= b.employees);
  }
});

test('page, size and total are consistent; size is capped at 200', async () => {
  const total = (await admin.list('enterprise', { size: 1 })).total;
  assert.ok(total > 200, `small demo has more than 200 enterprises (${total})`);
  const p1 = await admin.list('enterprise', { page: 1, size: 7, sort: 'id' });
  const p2 = await admin.list('enterprise', { page: 2, size: 7, sort: 'id' });
  assert.equal(p1.page, 1);
  assert.equal(p2.page, 2);
  assert.equal(p1.size, 7);
  assert.equal(p1.total, total);
  assert.equal(p2.total, total);
  assert.equal(p1.items.length, 7);
  assert.ok(p1.items.at(-1).id < p2.items[0].id, 'page 2 follows page 1');
  const lastPage = Math.ceil(total / 7);
  const last = await admin.list('enterprise', { page: lastPage, size: 7, sort: 'id' });
  assert.equal(last.items.length, total - (lastPage - 1) * 7);
  const beyond = await admin.list('enterprise', { page: lastPage + 1, size: 7 });
  assert.deepEqual(beyond.items, []);
  assert.equal(beyond.total, total);

  const big = await admin.list('enterprise', { size: 1000 });
  assert.equal(big.size, 200);
  assert.equal(big.items.length, 200);
  const dflt = await admin.list('enterprise');
  assert.equal(dflt.page, 1);
  assert.equal(dflt.size, 20);
  assert.equal(dflt.items.length, 20);

  // all pages together are every row once
  const { items } = await admin.listAll('enterprise', { sort: 'id' });
  assert.equal(items.length, total);
  assert.equal(new Set(items.map((e) => e.id)).size, total);
});

test('PATCH with the current version → version 2; stale → 409; without → 422', async () => {
  const r = await admin.patch(`/api/v1/enterprise/${created.id}`,
    { version: 1, name: '无锡测试芯片科技股份有限公司', employees: 60 });
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.version, 2);
  assert.equal(r.body.name, '无锡测试芯片科技股份有限公司');
  assert.equal(r.body.employees, 60);
  assert.equal(r.body.uscc, created.uscc, 'untouched fields stay');
  assert.deepEqual(r.body.segment_ids, [segment.id]);

  const stale = await admin.patch(`/api/v1/enterprise/${created.id}`, { version: 1, name: '过期的修改' });
  assert.equal(stale.status, 409, String(stale));
  assert.equal(stale.code, 'version_conflict');
  assert.match(stale.body.error.message, CJK);

  const noVersion = await admin.patch(`/api/v1/enterprise/${created.id}`, { name: '没有版本号' });
  assert.equal(noVersion.status, 422, String(noVersion));
  assert.equal(noVersion.code, 'validation_failed');
  assertDetail(noVersion, 'version', 'required');

  const now = await admin.get(`/api/v1/enterprise/${created.id}`);
  assert.equal(now.body.version, 2);
  assert.equal(now.body.name, '无锡测试芯片科技股份有限公司');
  created = now.body;
});

test('422 with one detail per bad field, each with field, code and a Chinese message', async () => {
  const r = await admin.post('/api/v1/enterprise', {
    name: '校验失败企业',
    uscc: '91320214ABC',
    region_id: wangzhuang,
    established: '2023-02-30',
    no_such_field: 1,
  });
  assert.equal(r.status, 422, String(r));
  assert.equal(r.code, 'validation_failed');
  assert.match(r.body.error.message, CJK);
  assert.equal(r.details.length, 3, JSON.stringify(r.details));
  assertDetail(r, 'uscc', 'invalid_uscc');
  assertDetail(r, 'established', 'invalid_date');
  assertDetail(r, 'no_such_field', 'unknown_field');

  // enums (institution.kind, institution.level) and more types
  const inst = await admin.post('/api/v1/institution', {
    name: '测试研究院', kind: '工厂', level: '宇宙级', region_id: wangzhuang, bogus: true,
  });
  assert.equal(inst.status, 422, String(inst));
  assert.equal(inst.details.length, 3, JSON.stringify(inst.details));
  assertDetail(inst, 'kind', 'invalid_enum');
  assertDetail(inst, 'level', 'invalid_enum');
  assertDetail(inst, 'bogus', 'unknown_field');

  const types = await admin.post('/api/v1/enterprise', {
    uscc: makeUscc(), region_id: 'abc', employees: -5, above_scale: 'maybe',
  });
  assert.equal(types.status, 422, String(types));
  assertDetail(types, 'name', 'required');
  assertDetail(types, 'region_id', 'invalid_integer');
  assertDetail(types, 'employees', 'out_of_range');
  assertDetail(types, 'above_scale', 'invalid_bool');

  const ref = await admin.post('/api/v1/enterprise', { name: '引用无效', uscc: makeUscc(), region_id: 999999 });
  assert.equal(ref.status, 422, String(ref));
  assertDetail(ref, 'region_id', 'invalid_reference');

  const future = await admin.post('/api/v1/enterprise',
    { name: '未来企业', uscc: makeUscc(), region_id: wangzhuang, established: '2100-01-01' });
  assert.equal(future.status, 422, String(future));
  assertDetail(future, 'established', 'future_date');

  const count = await admin.list('enterprise', { q: '校验失败企业' });
  assert.equal(count.total, 0, 'nothing was stored');
});

test('wrong check digit: 422 uscc_checksum, then ?confirm=1 stores it with _warnings', async () => {
  const uscc = badChecksum(makeUscc('320214'));
  const body = { name: '试点地区早期代码企业', uscc, region_id: wangzhuang };
  const r = await admin.post('/api/v1/enterprise', body);
  assert.equal(r.status, 422, String(r));
  assertDetail(r, 'uscc', 'uscc_checksum');
  assert.equal((await admin.list('enterprise', { q: uscc })).total, 0);

  const ok = await admin.post('/api/v1/enterprise?confirm=1', body);
  assert.equal(ok.status, 201, String(ok));
  assert.equal(ok.body.uscc, uscc);
  assert.ok(Array.isArray(ok.body._warnings) && ok.body._warnings.length === 1, String(ok));
  assert.equal(ok.body._warnings[0].field, 'uscc');
  assert.equal(ok.body._warnings[0].code, 'uscc_checksum');
  assert.match(ok.body._warnings[0].message, CJK);
  // the warning is recorded in the audit log
  const audit = await (await w.loginRole('auditadmin')).list('audit_log', { entity: 'enterprise', entity_id: ok.body.id, action: 'create' });
  assert.equal(audit.total, 1);
  assert.equal(auditDetail(audit.items[0]).warnings[0].code, 'uscc_checksum');
  // the stored row reads back without warnings
  const back = await admin.get(`/api/v1/enterprise/${ok.body.id}`);
  assert.equal(back.body._warnings, undefined);
});

test('duplicate uscc → 422 with a duplicate detail', async () => {
  const r = await admin.post('/api/v1/enterprise',
    { name: '重复代码企业', uscc: created.uscc, region_id: wangzhuang });
  assert.equal(r.status, 422, String(r));
  assertDetail(r, 'uscc', 'duplicate');
  // lower case is the same code
  const lower = await admin.post('/api/v1/enterprise',
    { name: '重复代码企业', uscc: created.uscc.toLowerCase(), region_id: wangzhuang });
  assert.equal(lower.status, 422, String(lower));
  assertDetail(lower, 'uscc', 'duplicate');
});

test('DELETE → 200, then GET 404 and gone from lists', async () => {
  const tmp = await admin.post('/api/v1/enterprise',
    { name: '待删除企业', uscc: makeUscc(), region_id: wangzhuang });
  assert.equal(tmp.status, 201, String(tmp));
  const before = (await admin.list('enterprise', { size: 1 })).total;
  const r = await admin.del(`/api/v1/enterprise/${tmp.body.id}`);
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.body, { deleted: true, id: tmp.body.id });
  const get = await admin.get(`/api/v1/enterprise/${tmp.body.id}`);
  assert.equal(get.status, 404, String(get));
  assert.equal(get.code, 'not_found');
  assert.equal((await admin.list('enterprise', { size: 1 })).total, before - 1);
  assert.equal((await admin.list('enterprise', { id: tmp.body.id })).total, 0);
  assert.equal((await admin.list('enterprise', { q: '待删除企业' })).total, 0);
  const again = await admin.del(`/api/v1/enterprise/${tmp.body.id}`);
  assert.equal(again.status, 404, String(again));
  const patch = await admin.patch(`/api/v1/enterprise/${tmp.body.id}`, { version: 2, name: 'x' });
  assert.equal(patch.status, 404, String(patch));
  // its credit code is free again
  const reuse = await admin.post('/api/v1/enterprise',
    { name: '复用代码企业', uscc: tmp.body.uscc, region_id: wangzhuang });
  assert.equal(reuse.status, 201, String(reuse));
});

test('deleting a cluster that chains refer to → 409 referenced with details', async () => {
  const chain = (await admin.list('chain', { size: 1 })).items[0];
  const r = await admin.del(`/api/v1/cluster/${chain.cluster_id}`);
  assert.equal(r.status, 409, String(r));
  assert.equal(r.code, 'referenced');
  assert.match(r.body.error.message, CJK);
  const d = assertDetail(r, 'chain', 'referenced');
  assert.match(d.message, /\d+ 条产业链/);
  assert.equal((await admin.get(`/api/v1/cluster/${chain.cluster_id}`)).status, 200, 'still there');
  // a region with enterprises cannot go either
  const reg = await admin.del(`/api/v1/region/${wangzhuang}`);
  assert.equal(reg.status, 409, String(reg));
  assertDetail(reg, 'enterprise', 'referenced');
});

test('a segment whose parent is in another chain → 422', async () => {
  const chains = (await admin.list('chain', { size: 2, sort: 'id' })).items;
  const parentInOther = (await admin.list('segment', { chain_id: chains[1].id, size: 1 })).items[0];
  const r = await admin.post('/api/v1/segment', {
    chain_id: chains[0].id, parent_id: parentInOther.id, name: '跨链环节', stage: '中游',
  });
  assert.equal(r.status, 422, String(r));
  assertDetail(r, 'parent_id', 'chain_mismatch');
  const sameChain = (await admin.list('segment', { chain_id: chains[0].id, size: 1 })).items[0];
  const ok = await admin.post('/api/v1/segment', {
    chain_id: chains[0].id, parent_id: sameChain.id, name: '同链环节', stage: '中游',
  });
  assert.equal(ok.status, 201, String(ok));
  // a segment cannot become its own descendant's child
  const cycle = await admin.patch(`/api/v1/segment/${sameChain.id}`,
    { version: sameChain.version, parent_id: ok.body.id });
  assert.equal(cycle.status, 422, String(cycle));
  assertDetail(cycle, 'parent_id', 'cycle');
});

test('unknown entity, bad ids, wrong method: 404/404/405', async () => {
  for (const p of ['/api/v1/nosuch', '/api/v1/nosuch/1', '/api/v1/user', '/api/v1/session/1',
    '/api/v1/', '/api/v2/enterprise']) {
    const r = await admin.get(p);
    assert.equal(r.status, 404, `${p}: ${r}`);
    assert.equal(r.code, 'not_found');
  }
  assert.equal((await admin.post('/api/v1/nosuch', { name: 'x' })).status, 404);
  for (const id of ['abc', '0', '-1', '1.5', '1abc', '99999999', '99999999999999999999999']) {
    const r = await admin.get(`/api/v1/enterprise/${id}`);
    assert.equal(r.status, 404, `id ${id}: ${r}`);
    assert.equal(r.code, 'not_found');
    const p = await admin.patch(`/api/v1/enterprise/${id}`, { version: 1, name: 'x' });
    assert.equal(p.status, 404, `PATCH id ${id}: ${p}`);
    const d = await admin.del(`/api/v1/enterprise/${id}`);
    assert.equal(d.status, 404, `DELETE id ${id}: ${d}`);
  }
  for (const [method, p] of [['PUT', `/api/v1/enterprise/${created.id}`], ['DELETE', '/api/v1/enterprise'],
    ['PATCH', '/api/v1/enterprise'], ['POST', `/api/v1/enterprise/${created.id}`], ['GET', '/api/v1/auth/login'],
    ['DELETE', '/healthz']]) {
    const r = await admin.request(method, p, method === 'DELETE' || method === 'GET' ? undefined : {});
    assert.equal(r.status, 405, `${method} ${p}: ${r}`);
    assert.equal(r.code, 'method_not_allowed');
  }
});

test('malformed JSON → 400; body over 1 MiB → 413', async () => {
  for (const body of ['{bad', '{"name": "x",}', '[1,2]', '"text"', '{"a":1}{"b":2}',
    '{"name":"a","name":"b"}']) {
    const r = await admin.post('/api/v1/enterprise', body);
    assert.equal(r.status, 400, `${body}: ${r}`);
    assert.equal(r.code, 'bad_request');
    assert.match(r.body.error.message, CJK);
    const p = await admin.patch(`/api/v1/enterprise/${created.id}`, body);
    assert.equal(p.status, 400, `PATCH ${body}: ${p}`);
  }
  const empty = await admin.request('POST', '/api/v1/enterprise');
  assert.equal(empty.status, 400, String(empty));

  const huge = JSON.stringify({ name: 'x', main_products: 'a'.repeat((1 << 20) + 100) });
  const r = await admin.post('/api/v1/enterprise', huge);
  assert.equal(r.status, 413, String(r));
  assert.equal(r.code, 'payload_too_large');
  // just under the limit is parsed (and then refused for its content)
  const under = JSON.stringify({ name: 'x', uscc: makeUscc(), region_id: wangzhuang,
    main_products: 'a'.repeat((1 << 20) - 200) });
  const u = await admin.post('/api/v1/enterprise', under);
  assert.equal(u.status, 422, String(u).slice(0, 300));
  assertDetail(u, 'main_products', 'too_long');
  // the server still answers
  assert.equal((await admin.get(`/api/v1/enterprise/${created.id}`)).status, 200);
});

test('audit_log holds create/update/delete rows with field-level changes', async () => {
  const e = await admin.post('/api/v1/enterprise',
    { name: '审计测试企业', uscc: makeUscc(), region_id: wangzhuang, employees: 10 });
  assert.equal(e.status, 201, String(e));
  const id = e.body.id;
  const up = await admin.patch(`/api/v1/enterprise/${id}`, { version: 1, name: '审计测试企业（改名）', employees: 11 });
  assert.equal(up.status, 200, String(up));
  assert.equal((await admin.del(`/api/v1/enterprise/${id}`)).status, 200);

  const rows = (await (await w.loginRole('auditadmin')).list('audit_log', { entity: 'enterprise', entity_id: id, sort: 'id' })).items;
  assert.deepEqual(rows.map((r) => r.action), ['create', 'update', 'delete']);
  for (const r of rows) {
    assert.equal(r.username, 'admin');
    assert.equal(r.ip, '127.0.0.1');
    assert.equal(r.result, 'ok');
  }
  const [c, u, d] = rows.map(auditDetail);
  assert.deepEqual(c.changes.name, { old: null, new: '审计测试企业' });
  assert.deepEqual(c.changes.employees, { old: null, new: 10 });
  assert.deepEqual(u.changes.name, { old: '审计测试企业', new: '审计测试企业（改名）' });
  assert.deepEqual(u.changes.employees, { old: 10, new: 11 });
  assert.equal(u.changes.uscc, undefined, 'only changed fields');
  assert.equal(u.version, 2);
  assert.deepEqual(d.changes.name, { old: '审计测试企业（改名）', new: null });

  // the earlier enterprise's update too
  const mine = (await (await w.loginRole('auditadmin')).list('audit_log', { entity: 'enterprise', entity_id: created.id, action: 'update', result: 'ok' })).items;
  assert.equal(mine.length, 1);
  assert.deepEqual(auditDetail(mine[0]).changes.name,
    { old: '无锡测试芯片科技有限公司', new: '无锡测试芯片科技股份有限公司' });
  // refused writes are audited as failures
  const failed = await (await w.loginRole('auditadmin')).list('audit_log', { entity: 'enterprise', action: 'create', result: 'validation_failed' });
  assert.ok(failed.total >= 1);
  const conflict = await (await w.loginRole('auditadmin')).list('audit_log', { entity: 'enterprise', entity_id: created.id, result: 'version_conflict' });
  assert.equal(conflict.total, 1, JSON.stringify(conflict.items));
});

test('audit verify passes, then fails naming the row after tampering', async () => {
  const okWhileServing = w.cli(['audit', 'verify']);
  assert.equal(okWhileServing.status, 0, okWhileServing.stderr);
  await w.stop();
  const ok = w.cli(['audit', 'verify']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /哈希链校验通过/);
  const rows = Number(/共 (\d+) 条/.exec(ok.stdout)[1]);
  assert.ok(rows > 20, `rows: ${rows}`);

  const { spawnSync } = await import('node:child_process');
  const s = dbSql(w.db, "UPDATE audit_log SET detail='x' WHERE id=3");
  assert.equal(s.status, 0, s.stderr);
  const bad = w.cli(['audit', 'verify']);
  assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  assert.match(bad.stderr, /第 3 条/);
  assert.match(bad.stderr, /篡改/);
});
