// Data scope: an operator bound to 江阴市 (320281) sees and changes only
// rows in that county and below; rows elsewhere answer 404 and never appear
// in lists or counts; city-wide reference data is read-only for them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { World, makeUscc } from './harness.mjs';

const w = new World('scope');
let admin, op;
const regionCode = new Map(); // region id → code, looked up as admin
let jiangyin, xinwu; // region ids of 320281 and 320214
let outside; // an enterprise in 320214
let mine; // an enterprise the operator creates in 320281

before(async () => {
  w.seed();
  w.addUser('jy_op', { role: 'operator', region: '320281' });
  w.addUser('city_op', { role: 'operator' });
  w.addUser('jy_admin', { role: 'admin', region: '320281' });
  await w.start();
  admin = await w.login('admin');
  op = await w.login('jy_op');
  jiangyin = (await admin.list('region', { code: '320281' })).items[0].id;
  xinwu = (await admin.list('region', { code: '320214' })).items[0].id;
  const xinwuTree = (await admin.listAll('region', { 'code.like': '320214' })).items
    .filter((r) => r.code.startsWith('320214')).map((r) => r.id);
  outside = (await admin.list('enterprise', { region_id: xinwuTree.join(','), size: 1 })).items[0];
  assert.ok(outside, 'an enterprise in 新吴区');
});

after(() => w.teardown());

async function codeOf(regionId) {
  if (!regionCode.has(regionId)) {
    const r = await admin.get(`/api/v1/region/${regionId}`);
    assert.equal(r.status, 200, String(r));
    regionCode.set(regionId, r.body.code);
  }
  return regionCode.get(regionId);
}

test('the district operator signs in bound to 江阴市', () => {
  assert.equal(op.user.region_code, '320281');
  assert.equal(op.user.region_name, '江阴市');
  assert.equal(op.user.city_wide, false);
});

test('every enterprise the district operator lists is in 320281…, and there are fewer', async () => {
  const mineAll = await op.listAll('enterprise');
  const all = await admin.list('enterprise', { size: 1 });
  assert.ok(mineAll.total > 0, 'some enterprises in 江阴');
  assert.ok(mineAll.total < all.total, `${mineAll.total} < ${all.total}`);
  assert.equal(mineAll.items.length, mineAll.total);
  for (const e of mineAll.items) {
    const code = await codeOf(e.region_id);
    assert.ok(code.startsWith('320281'), `${e.name} is in ${code}`);
  }
  // the admin's count of the same subtree agrees
  const tree = (await admin.listAll('region', { 'code.like': '320281' })).items
    .filter((r) => r.code.startsWith('320281')).map((r) => r.id);
  const adminCount = await admin.list('enterprise', { region_id: tree.join(','), size: 1 });
  assert.equal(adminCount.total, mineAll.total);
  // filters and search stay inside the scope
  const q = await op.listAll('enterprise', { q: '无锡' });
  for (const e of q.items) assert.ok((await codeOf(e.region_id)).startsWith('320281'));
  const elsewhere = await op.list('enterprise', { region_id: outside.region_id });
  assert.equal(elsewhere.total, 0);
  assert.deepEqual(elsewhere.items, []);
  const byId = await op.list('enterprise', { id: outside.id });
  assert.equal(byId.total, 0);
});

test('regions, parks and institutions are scoped too', async () => {
  const regions = await op.listAll('region');
  assert.ok(regions.total > 1);
  for (const r of regions.items) assert.ok(r.code.startsWith('320281'), r.code);
  for (const entity of ['park', 'institution']) {
    const rows = await op.listAll(entity);
    const total = (await admin.list(entity, { size: 1 })).total;
    assert.ok(rows.total <= total);
    for (const row of rows.items) assert.ok((await codeOf(row.region_id)).startsWith('320281'), `${entity} ${row.name}`);
  }
  // city-wide reference data is readable
  const clusters = await op.list('cluster');
  assert.equal(clusters.total, 15);
});

test('GET/PATCH/DELETE of an enterprise in 320214 → 404', async () => {
  const get = await op.get(`/api/v1/enterprise/${outside.id}`);
  assert.equal(get.status, 404, String(get));
  assert.equal(get.code, 'not_found');
  const patch = await op.patch(`/api/v1/enterprise/${outside.id}`, { version: outside.version, name: '越权修改' });
  assert.equal(patch.status, 404, String(patch));
  const del = await op.del(`/api/v1/enterprise/${outside.id}`);
  assert.equal(del.status, 404, String(del));
  const still = await admin.get(`/api/v1/enterprise/${outside.id}`);
  assert.equal(still.status, 200);
  assert.deepEqual(still.body, outside, 'unchanged');
  const region = await op.get(`/api/v1/region/${xinwu}`);
  assert.equal(region.status, 404, String(region));
});

test('POST with a region outside the scope → 422 out_of_scope', async () => {
  for (const region_id of [xinwu, (await admin.list('region', { code: '320214001' })).items[0].id]) {
    const r = await op.post('/api/v1/enterprise', { name: '越界新增企业', uscc: makeUscc('320214'), region_id });
    assert.equal(r.status, 422, String(r));
    const d = r.details.find((x) => x.field === 'region_id');
    assert.ok(d, String(r));
    assert.equal(d.code, 'out_of_scope');
    assert.match(d.message, /[\u4e00-\u9fff]/);
  }
  assert.equal((await admin.list('enterprise', { q: '越界新增企业' })).total, 0);
});

test('the district operator creates in 江阴 and cannot move it to another district', async () => {
  const street = (await op.list('region', { level: '乡镇', size: 1 })).items[0];
  for (const region_id of [jiangyin, street.id]) {
    const r = await op.post('/api/v1/enterprise', { name: `江阴本地企业${region_id}`, uscc: makeUscc('320281'), region_id });
    assert.equal(r.status, 201, String(r));
    mine = r.body;
  }
  const move = await op.patch(`/api/v1/enterprise/${mine.id}`, { version: mine.version, region_id: xinwu });
  assert.equal(move.status, 422, String(move));
  const d = move.details.find((x) => x.field === 'region_id');
  assert.ok(d, String(move));
  assert.equal(d.code, 'out_of_scope');
  const back = await op.get(`/api/v1/enterprise/${mine.id}`);
  assert.equal(back.status, 200);
  assert.equal(back.body.region_id, mine.region_id);
  assert.equal(back.body.version, mine.version);
  // a change inside the scope works
  const rename = await op.patch(`/api/v1/enterprise/${mine.id}`, { version: mine.version, region_id: jiangyin, employees: 12 });
  assert.equal(rename.status, 200, String(rename));
  assert.equal(rename.body.region_id, jiangyin);
  mine = rename.body;
  // and the admin sees the operator's row, with the operator in the audit log
  const seen = await admin.get(`/api/v1/enterprise/${mine.id}`);
  assert.equal(seen.status, 200);
  // (the audit log is the audit administrator's to read: 三权分立)
  const auditor = await w.loginRole('auditadmin');
  const audit = await auditor.list('audit_log', { entity: 'enterprise', entity_id: mine.id, action: 'create' });
  assert.equal(audit.items[0].username, 'jy_op');
});

test('city-wide reference data: 403 for users bound to a district, allowed city-wide', async () => {
  const cluster = (await admin.list('cluster', { size: 1 })).items[0];
  const patch = await op.patch(`/api/v1/cluster/${cluster.id}`, { version: cluster.version, description: '区县改集群' });
  assert.equal(patch.status, 403, String(patch));
  assert.equal(patch.code, 'forbidden');
  const chain = (await admin.list('chain', { size: 1 })).items[0];
  const chainPatch = await op.patch(`/api/v1/chain/${chain.id}`, { version: chain.version, chain_leader: 'x' });
  assert.equal(chainPatch.status, 403, String(chainPatch));
  const post = await op.post('/api/v1/segment', { chain_id: chain.id, name: '区县新增环节', stage: '上游' });
  assert.equal(post.status, 403, String(post));
  const del = await op.del(`/api/v1/cluster/${cluster.id}`);
  assert.equal(del.status, 403, String(del));
  const region = await op.patch(`/api/v1/region/${jiangyin}`, { version: 1, name: '江阴' });
  assert.equal(region.status, 403, String(region));
  const unchanged = await admin.get(`/api/v1/cluster/${cluster.id}`);
  assert.deepEqual(unchanged.body, cluster);

  // the rule is the region binding, not only the role: an admin bound to
  // 江阴 may not change city-wide data either, the city-wide admin may
  const jyAdmin = await w.login('jy_admin');
  const scoped = await jyAdmin.patch(`/api/v1/cluster/${cluster.id}`, { version: cluster.version, description: '区县管理员改集群' });
  assert.equal(scoped.status, 403, String(scoped));
  assert.equal(scoped.code, 'forbidden');
  assert.match(scoped.body.error.message, /全市/);
  const scopedSeg = await jyAdmin.post('/api/v1/segment', { chain_id: chain.id, name: '区县新增环节', stage: '上游' });
  assert.equal(scopedSeg.status, 403, String(scopedSeg));
  assert.equal((await jyAdmin.get(`/api/v1/enterprise/${outside.id}`)).status, 404);
  const cityWide = await admin.patch(`/api/v1/cluster/${cluster.id}`, { version: cluster.version, description: '市级管理员改集群' });
  assert.equal(cityWide.status, 200, String(cityWide));
  assert.equal(cityWide.body.version, cluster.version + 1);

  // an operator not bound to a district sees the whole city
  const cityOp = await w.login('city_op');
  const cityList = await cityOp.list('enterprise', { size: 1 });
  assert.equal(cityList.total, (await admin.list('enterprise', { size: 1 })).total);
  assert.equal((await cityOp.get(`/api/v1/enterprise/${outside.id}`)).status, 200);
});

test('the city-wide admin sees everything', async () => {
  const all = await admin.listAll('enterprise');
  const ids = new Set(all.items.map((e) => e.id));
  assert.ok(ids.has(outside.id));
  assert.ok(ids.has(mine.id));
  const codes = new Set();
  for (const e of all.items) codes.add((await codeOf(e.region_id)).slice(0, 6));
  assert.ok(codes.size >= 5, `several districts: ${[...codes]}`);
  assert.ok(codes.has('320281') && codes.has('320214'));
  const regions = await admin.list('region', { size: 1 });
  const opRegions = await op.list('region', { size: 1 });
  assert.ok(regions.total > opRegions.total);
});

test('server stops cleanly', async () => {
  await w.stop();
});
