// 一张图 (issue #7): GET /api/v1/onemap at the city, cluster and chain
// levels, checked against a small set made here — a cluster Z of its own
// with two chains, three enterprises, four talents, needs, organizations,
// duties and problems — whose every figure is worked out by hand in the
// comments. A district user (江阴) counts only what lies in the district.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { World, makeUscc } from './harness.mjs';

const w = new World('onemap');
let admin, district, jiangyin, xinwu, Z, Z1, Z2, S1, S2, A, B, C, city0;
const T = {};

before(async () => {
  w.seed();
  w.addUser('jiangyin', { role: 'operator', region: '320281' });
  await w.start();
  admin = await w.login('admin');
  district = await w.login('jiangyin');
});

after(() => w.teardown());

const created = async (p, body) => {
  const r = await admin.post(`/api/v1/${p}`, body);
  assert.equal(r.status, 201, `${p}: ${r}`);
  return r.body;
};
const figures = (o) => (({ enterprises, enterprise_revenue, talents, open_needs, open_headcount, orgs, duties,
  open_problems }) => ({ enterprises, enterprise_revenue, talents, open_needs, open_headcount, orgs, duties,
  open_problems }))(o);

test('the city level lists every cluster with its figures and the city totals', async () => {
  const r = await admin.get('/api/v1/onemap');
  assert.equal(r.status, 200, String(r));
  city0 = r.body;
  assert.equal(city0.level, 'city');
  assert.equal(city0.breadcrumb.length, 1);
  assert.equal(city0.rows.length, 15);
  assert.ok(city0.year >= 2023);
  const sum = (k) => city0.rows.reduce((s, x) => s + (x[k] || 0), 0);
  // 规上营收: the rows add up to the city; chains and talents each belong to one cluster
  assert.ok(Math.abs(sum('revenue') - city0.totals.revenue) < 0.01);
  assert.equal(sum('chains'), city0.totals.chains);
  assert.equal(sum('talents'), city0.totals.talents);
  // an enterprise on chains of two clusters counts once for the city
  assert.ok(city0.totals.enterprises <= sum('enterprises'));
  assert.ok(city0.totals.enterprises > 0 && city0.totals.open_needs > 0);
  for (const row of city0.rows) assert.equal(row.next, 'cluster');
  const bad = await admin.get('/api/v1/onemap?level=town');
  assert.equal(bad.status, 400, String(bad));
  assert.equal((await admin.get('/api/v1/onemap?level=cluster')).status, 400);
  assert.equal((await admin.get('/api/v1/onemap?level=chain&id=999999')).status, 404);
});

test('the fixed set, worked out by hand at the city, cluster and chain levels', async () => {
  const regions = (await admin.listAll('region')).items;
  jiangyin = regions.find((x) => x.code === '320281');
  xinwu = regions.find((x) => x.code === '320214');
  assert.ok(jiangyin && xinwu);

  Z = await created('cluster', { name: '一张图测试集群', tier: '未来产业' });
  Z1 = await created('chain', { name: '一张图测试链一', cluster_id: Z.id });
  Z2 = await created('chain', { name: '一张图测试链二', cluster_id: Z.id });
  S1 = await created('segment', { chain_id: Z1.id, name: '环节一', stage: '上游' });
  S2 = await created('segment', { chain_id: Z2.id, name: '环节二', stage: '中游' });
  // the newest year's figures for Z: 123.45 亿元, 40% / 60%
  await created('cluster_stat', { cluster_id: Z.id, year: city0.year, revenue: 123.45,
    strategic_share: 40, hightech_share: 60 });

  // A (江阴, 5亿, on Z1), B (新吴, 3亿, on Z1 and Z2), C (新吴, 2亿, on Z2); 上年营收 in 万元
  const ent = (name, region, revenue, segs) => created('enterprise', {
    name, uscc: makeUscc(region.code), region_id: region.id, revenue, segment_ids: segs });
  A = await ent('一张图甲公司', jiangyin, 50000, [S1.id]);
  B = await ent('一张图乙公司', xinwu, 30000, [S1.id, S2.id]);
  C = await ent('一张图丙公司', xinwu, 20000, [S2.id]);

  // talents: t1 (a person of 江阴) on Z1 at A; t2 on Z1 at B; t3 on Z2 at B
  // but 已离锡 (not counted); t4 on Z2 at C
  const insideIds = new Set((await district.listAll('talent')).items.map((t) => t.id));
  const all = (await admin.list('talent', { size: 60 })).items;
  const inside = all.filter((t) => insideIds.has(t.id));
  const outside = all.filter((t) => !insideIds.has(t.id));
  assert.ok(inside.length >= 1 && outside.length >= 3, 'talents in and out of 江阴 among the first 60');
  [T.t1] = inside;
  [T.t2, T.t3, T.t4] = outside;
  const place = async (t, chain, enterprise, status = '在锡') => {
    const cur = (await admin.get(`/api/v1/talent/${t.id}`)).body;
    const r = await admin.patch(`/api/v1/talent/${t.id}`,
      { version: cur.version, chain_id: chain.id, enterprise_id: enterprise.id, status });
    assert.equal(r.status, 200, String(r));
  };
  await place(T.t1, Z1, A);
  await place(T.t2, Z1, B);
  await place(T.t3, Z2, B, '已离锡');
  await place(T.t4, Z2, C);

  // needs: N1 A on S1 (Z1) 3 人; N2 B without a segment (so on Z1 and Z2)
  // 2 人; N3 C on S2 已满足 (not open); N4 C on S2 (Z2) 5 人
  const need = (enterprise, segment, headcount, status = '开放') => created('need', {
    enterprise_id: enterprise.id, segment_id: segment ? segment.id : null, post_name: '测试岗位',
    post_category: '研发设计', headcount, urgency: '一般', status });
  await need(A, S1, 3);
  await need(B, null, 2);
  await need(C, S2, 4, '已满足');
  await need(C, S2, 5);

  // organizations: O1 on Z1 in 江阴; O2 on Z2 in 新吴; O3 on no chain, C a member unit of it
  const O1 = await created('org', { name: '一张图测试支部一', kind: '党支部', chain_id: Z1.id, region_id: jiangyin.id });
  await created('org', { name: '一张图测试支部二', kind: '党支部', chain_id: Z2.id, region_id: xinwu.id });
  const O3 = await created('org', { name: '一张图测试联盟', kind: '党建联盟', region_id: xinwu.id });
  await created('org_link', { org_id: O3.id, member_kind: '企业', enterprise_id: C.id, role: '成员单位' });

  // duties: D1 t1's person on Z1 at A, sent by O1, active; D2 t2's person on
  // Z2 at C, ended 2025-06-30; D3 t2's person on Z2 at B, active
  const duty = (kind, t, chain, enterprise, extra) => created('chain_duty', {
    kind, person_id: t.person_id, chain_id: chain.id, enterprise_id: enterprise.id,
    start_date: '2025-01-01', ...extra });
  await duty('党员蹲链指导', T.t1, Z1, A, { org_id: O1.id });
  await duty('干部挂链服务', T.t2, Z2, C, { end_date: '2025-06-30' });
  await duty('人才赴链攻关', T.t2, Z2, B, { start_date: '2025-03-01' });

  // problems: P1 at A (chain from A: Z1) 待受理; P2 at B (on two chains, so
  // on both) 待受理; P3 at C on Z2 accepted (办理中); P4 at C on Z2 closed
  const problem = (enterprise, chain) => created('problem', {
    enterprise_id: enterprise.id, chain_id: chain ? chain.id : null, category: '用工',
    description: '一张图测试问题', resp_unit: '市人社局', found_date: '2026-01-05', deadline: '2026-12-31' });
  await problem(A, null);
  await problem(B, null);
  const p3 = await problem(C, Z2);
  const p4 = await problem(C, Z2);
  const step = async (p, action, comment) => {
    const r = await admin.post(`/api/v1/problem/${p.id}/transition`, { action, comment });
    assert.equal(r.status, 200, String(r));
  };
  await step(p3, 'accept');
  await step(p4, 'accept');
  await step(p4, 'close', '已协调解决');

  // ---- the chain level, Z1: enterprises A (5亿) and B (3亿), largest first
  let r = await admin.get(`/api/v1/onemap?level=chain&id=${Z1.id}`);
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.body.breadcrumb.map((c) => c.level), ['city', 'cluster', 'chain']);
  assert.deepEqual(r.body.breadcrumb.map((c) => c.name).slice(1), ['一张图测试集群', '一张图测试链一']);
  assert.deepEqual(r.body.rows.map((x) => x.name), ['一张图甲公司', '一张图乙公司']);
  const row = (body, e) => body.rows.find((x) => x.id === e.id);
  const efig = (o) => [o.enterprise_revenue, o.talents, o.open_needs, o.open_headcount, o.orgs, o.duties,
    o.open_problems];
  // A: t1; N1 (3); P1; O1 (sent D1 to it); D1
  assert.deepEqual(efig(row(r.body, A)), [5, 1, 1, 3, 1, 1, 1]);
  // B: t2 (t3 has left); N2 (2); P2; no organization (D3 names none); D3
  assert.deepEqual(efig(row(r.body, B)), [3, 1, 1, 2, 0, 1, 1]);
  assert.equal(row(r.body, A).next, 'enterprise');
  // Z1 itself: A, B; 5+3 = 8亿; t1, t2; N1, N2 (3+2 = 5 人); O1; D1; P1, P2
  const z1 = { enterprises: 2, enterprise_revenue: 8, talents: 2, open_needs: 2, open_headcount: 5, orgs: 1,
    duties: 1, open_problems: 2 };
  assert.deepEqual(figures(r.body.totals), z1);

  // ---- Z2: B (3亿) and C (2亿)
  r = await admin.get(`/api/v1/onemap?level=chain&id=${Z2.id}`);
  // C: t4; N4 (5; N3 is met); P3 (P4 is closed); O3 (member unit); D2 ended
  assert.deepEqual(efig(row(r.body, C)), [2, 1, 1, 5, 1, 0, 1]);
  // Z2 itself: B, C; 3+2 = 5亿; t4; N2, N4 (2+5 = 7 人); O2; D3; P2, P3
  const z2 = { enterprises: 2, enterprise_revenue: 5, talents: 1, open_needs: 2, open_headcount: 7, orgs: 1,
    duties: 1, open_problems: 2 };
  assert.deepEqual(figures(r.body.totals), z2);

  // ---- the cluster level: one row per chain, equal to the chain's totals
  r = await admin.get(`/api/v1/onemap?level=cluster&id=${Z.id}`);
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.body.rows.map((x) => x.name), ['一张图测试链一', '一张图测试链二']);
  assert.deepEqual(figures(row(r.body, Z1)), z1);
  assert.deepEqual(figures(row(r.body, Z2)), z2);
  assert.equal(row(r.body, Z1).next, 'chain');
  // Z: A, B, C once each (B is on both chains) → 3, 5+3+2 = 10亿; t1, t2, t4;
  // N1, N2, N4 once each (N2 is on both) → 3, 3+2+5 = 10 人; O1, O2; D1, D3;
  // P1, P2, P3 (P2 on both chains, once)
  const z = { enterprises: 3, enterprise_revenue: 10, talents: 3, open_needs: 3, open_headcount: 10, orgs: 2,
    duties: 2, open_problems: 3 };
  assert.deepEqual(figures(r.body.totals), z);
  assert.equal(r.body.totals.chains, 2);
  assert.deepEqual([r.body.totals.revenue, r.body.totals.strategic_share, r.body.totals.hightech_share],
    [123.45, 40, 60]);

  // ---- the city level: Z's row is the cluster's totals; its share of the
  // city's 规上营收 is 123.45 / (the total before + 123.45)
  r = await admin.get('/api/v1/onemap?level=city');
  const zr = row(r.body, Z);
  assert.deepEqual(figures(zr), z);
  assert.equal(zr.chains, 2);
  assert.equal(zr.revenue, 123.45);
  const total = city0.totals.revenue + 123.45;
  assert.ok(Math.abs(r.body.totals.revenue - total) < 0.01);
  assert.equal(zr.revenue_share, Math.round((123.45 / total) * 10000) / 100);
  // the city's distinct enterprises grew by A, B, C (new rows)
  assert.equal(r.body.totals.enterprises, city0.totals.enterprises + 3);
});

test('a district user counts only what lies in the district', async () => {
  // 江阴 holds A, t1 (and its duty D1), O1, N1 (A's) and P1 (A's)
  let r = await district.get(`/api/v1/onemap?level=cluster&id=${Z.id}`);
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(figures(r.body.totals), { enterprises: 1, enterprise_revenue: 5, talents: 1, open_needs: 1,
    open_headcount: 3, orgs: 1, duties: 1, open_problems: 1 });
  assert.match(r.body.scope, /320281/);
  // Z2's figures in 江阴: nothing
  const z2 = r.body.rows.find((x) => x.id === Z2.id);
  assert.deepEqual([z2.enterprises, z2.talents, z2.open_needs, z2.orgs, z2.duties, z2.open_problems],
    [0, 0, 0, 0, 0, 0]);
  // the chain's enterprises: A only
  r = await district.get(`/api/v1/onemap?level=chain&id=${Z1.id}`);
  assert.deepEqual(r.body.rows.map((x) => x.name), ['一张图甲公司']);
  assert.deepEqual([r.body.rows[0].talents, r.body.rows[0].open_needs, r.body.rows[0].orgs,
    r.body.rows[0].duties, r.body.rows[0].open_problems], [1, 1, 1, 1, 1]);
  // the city: every count within the admin's, and 规上营收 the same (city-wide statistics)
  const mine = (await district.get('/api/v1/onemap')).body;
  const all = (await admin.get('/api/v1/onemap')).body;
  for (const k of ['enterprises', 'talents', 'open_needs', 'orgs', 'duties', 'open_problems'])
    assert.ok(mine.totals[k] <= all.totals[k], k);
  assert.ok(mine.totals.enterprises < all.totals.enterprises);
  assert.equal(mine.totals.revenue, all.totals.revenue);
  // and the district's enterprise count is the enterprises it can list on chains
  const listed = (await district.list('enterprise', { size: 1 })).total;
  assert.ok(mine.totals.enterprises <= listed);
});
