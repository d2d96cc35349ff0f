// The party-organization network along the chains (issue #7) over the API,
// on the small demo city plus small hand-built sets whose expected numbers
// are worked out below:
//  - the rules: no cycle in either hierarchy (parent_id, chain_org_id, an
//    alliance's 党组织 members), chain parents are 产业链党委/党建联盟, kind
//    rules (chain committee needs its chain, only 功能型 may be temporary or
//    tied to a project, a temporary org needs an end date), dates in order,
//    a member unit names exactly the reference its kind asks for, a chain
//    duty's enterprise off the chain is a warning, attendance ≤ expected;
//  - GET /org/:id/subtree in both hierarchies and GET /org/tree;
//  - GET /study_session/quarterly on a fixed year;
//  - GET /chain/:id/health on a fresh chain;
//  - data scope: a district user sees its district's orgs only;
//  - the demo seeds both hierarchies, duties, sessions and org_id.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { World, makeUscc, sql as dbSql } from './harness.mjs';

const w = new World('org');
let admin;
let district;
let city; // region rows
let xinwu;
let jiangyin;
let clusterId;
let uniq = 0;

before(async () => {
  w.seed();
  w.addUser('jiangyin', { role: 'operator', region: '320281' });
  await w.start();
  admin = await w.login('admin');
  district = await w.login('jiangyin');
  const regions = (await admin.listAll('region')).items;
  city = regions.find((r) => r.level === '市');
  xinwu = regions.find((r) => r.code === '320214');
  jiangyin = regions.find((r) => r.code === '320281');
  clusterId = (await admin.list('cluster', { size: 1 })).items[0].id;
});

after(() => w.teardown());

async function make(entity, body, query = '') {
  const r = await admin.post(`/api/v1/${entity}${query}`, body);
  assert.equal(r.status, 201, `${entity} ${JSON.stringify(body)}: ${r}`);
  return r.body;
}

async function org(name, kind, extra = {}) {
  return make('org', { name: `${name}-${++uniq}`, kind, region_id: city.id, ...extra });
}

async function patch(entity, row, change) {
  const cur = (await admin.get(`/api/v1/${entity}/${row.id}`)).body;
  return admin.patch(`/api/v1/${entity}/${row.id}`, { version: cur.version, ...change });
}

function refused(r, field, code) {
  assert.equal(r.status, 422, String(r));
  const d = r.details.find((x) => x.field === field);
  assert.ok(d, `a detail on ${field}: ${r}`);
  if (code) assert.equal(d.code, code, String(r));
  assert.match(d.message, /[\u4e00-\u9fff]/, 'a Chinese message');
  return d;
}

async function chainWithSegments(name, n = 2) {
  const chain = await make('chain', { name: `${name}${++uniq}产业链`, cluster_id: clusterId });
  const segs = [];
  for (let i = 0; i < n; i++) {
    segs.push(await make('segment', { chain_id: chain.id, name: `环节${i}`, stage: '中游' }));
  }
  return { chain, segs };
}

async function enterprise(name, segmentIds, flags = {}, region = xinwu) {
  return make('enterprise', {
    name: `${name}${++uniq}有限公司`, uscc: makeUscc(region.code), region_id: region.id,
    segment_ids: segmentIds, above_scale: false, srdi: false, high_tech: false, ...flags,
  });
}

// ---- demo ------------------------------------------------------------------

test('the demo seeds both hierarchies, member units, duties, sessions and org_id', async () => {
  const committees = (await admin.list('org', { kind: '产业链党委', size: 1 })).total;
  const chains = (await admin.list('chain', { size: 1 })).total;
  assert.equal(committees, chains, 'a committee per demo chain');
  assert.ok((await admin.list('org', { kind: '党建联盟', size: 1 })).total > 0);
  const fn = (await admin.list('org', { kind: '功能型党组织', temporary: 'true', size: 5 })).items;
  assert.ok(fn.some((o) => o.end_date && o.project_id));
  for (const kind of ['党员蹲链指导', '干部挂链服务', '人才赴链攻关']) {
    assert.ok((await admin.list('chain_duty', { kind, size: 1 })).total > 0, kind);
  }
  assert.ok((await admin.list('org_link', { member_kind: '企业', size: 1 })).total > 0);
  assert.ok((await admin.list('study_session', { kind: '第一议题', size: 1 })).total > 100);
  const chain = (await admin.list('chain', { size: 1, sort: 'id' })).items[0];
  const h = (await admin.get(`/api/v1/chain/${chain.id}/health`)).body;
  assert.ok(h.committee && h.alliances.length === 1);
  assert.ok(h.key_enterprises.total >= h.key_enterprises.covered);
  const sub = (await admin.get(`/api/v1/org/${h.committee.id}/subtree?hierarchy=chain`)).body;
  assert.ok(sub.items.some((x) => x.kind === '党建联盟'));
  assert.ok(sub.items.some((x) => x.kind === '党支部'));
});

test('the demo network is the same for the same seed', () => {
  const dump = (label) => {
    const x = new World(label);
    try {
      x.seed({ settings: {} });
      const q = (sql) => {
        const r = dbSql(x.db, sql);
        assert.equal(r.status, 0, r.stderr);
        return r.stdout;
      };
      return q('SELECT id, name, kind, parent_id, chain_org_id, chain_id, region_id, member_count, temporary,'
        + ' end_date FROM org ORDER BY id;'
        + ' SELECT org_id, member_kind, enterprise_id, institution_id, park_id, member_org_id, role, end_date'
        + ' FROM org_link ORDER BY id;'
        + ' SELECT kind, person_id, chain_id, enterprise_id, start_date, end_date FROM chain_duty ORDER BY id;'
        + ' SELECT org_id, session_date, kind, expected, attendance FROM study_session ORDER BY id;'
        + ' SELECT id, org_id FROM party_member ORDER BY id;');
    } finally {
      x.teardown();
    }
  };
  const a = dump('org-seed-a');
  assert.ok(a.length > 10000);
  assert.equal(dump('org-seed-b'), a);
});

// ---- rules ---------------------------------------------------------------

test('cycles are refused in both hierarchies with a clear field error', async () => {
  const a = await org('甲党委', '党委');
  const b = await org('乙党总支', '党总支', { parent_id: a.id });
  const c = await org('丙党支部', '党支部', { parent_id: b.id });
  refused(await patch('org', a, { parent_id: c.id }), 'parent_id', 'cycle');
  refused(await patch('org', a, { parent_id: a.id }), 'parent_id', 'cycle');
  assert.equal((await patch('org', c, { parent_id: a.id })).status, 200, 'a non-cycle move is fine');

  const { chain } = await chainWithSegments('环测');
  const k = await org('环测链党委', '产业链党委', { chain_id: chain.id });
  const l = await org('环测联盟一', '党建联盟', { chain_id: chain.id, chain_org_id: k.id });
  const m = await org('环测联盟二', '党建联盟', { chain_org_id: l.id });
  const d = refused(await patch('org', k, { chain_org_id: m.id }), 'chain_org_id', 'cycle');
  assert.match(d.message, /循环/);
  refused(await patch('org', k, { chain_org_id: k.id }), 'chain_org_id', 'cycle');
  // an alliance's 党组织 member is its chain child: its chain ancestor cannot join
  const r = await admin.post('/api/v1/org_link', { org_id: m.id, member_kind: '党组织', member_org_id: k.id,
    role: '成员单位' });
  refused(r, 'member_org_id', 'cycle');
  // ... and once a 党支部 is an alliance member, the alliance cannot become its chain child
  const s = await org('环测支部', '党支部', { chain_org_id: k.id });
  await make('org_link', { org_id: m.id, member_kind: '党组织', member_org_id: s.id, role: '成员单位' });
  const s2 = await org('环测联盟三', '党建联盟', { chain_org_id: m.id });
  refused(await patch('org', m, { chain_org_id: s2.id }), 'chain_org_id', 'cycle');
  // chain parents are committees or alliances; a committee that has chain children keeps its kind
  refused(await admin.post('/api/v1/org', { name: `链上挂支部-${++uniq}`, kind: '党支部', region_id: city.id,
    chain_org_id: c.id }), 'chain_org_id', 'invalid_kind');
  refused(await patch('org', k, { kind: '党委' }), 'kind', 'has_chain_members');
  // a 党委 whose member alliance is above it along the chain cannot become an alliance
  const x = await org('环测联盟四', '党建联盟');
  const p = await org('环测党委', '党委', { chain_org_id: x.id });
  await make('org_link', { org_id: p.id, member_kind: '党组织', member_org_id: x.id, role: '共建单位' });
  refused(await patch('org', p, { kind: '党建联盟' }), 'kind', 'cycle');
});

test('kind and date rules of org, member units, duties and study sessions', async () => {
  const post = (body) => admin.post('/api/v1/org', { name: `规则-${++uniq}`, region_id: city.id, ...body });
  refused(await post({ kind: '产业链党委' }), 'chain_id', 'required');
  refused(await post({ kind: '党支部', temporary: true, end_date: '2027-01-01' }), 'temporary', 'not_functional');
  refused(await post({ kind: '功能型党组织', temporary: true }), 'end_date', 'required');
  const project = (await admin.list('project', { size: 1 })).items[0];
  refused(await post({ kind: '党委', project_id: project.id }), 'project_id', 'not_functional');
  refused(await post({ kind: '党支部', established: '2025-05-01', end_date: '2025-04-30' }), 'end_date',
    'before_established');
  const fn = await make('org', { name: `功能型-${++uniq}`, kind: '功能型党组织', region_id: city.id,
    temporary: true, project_id: project.id, established: '2026-03-01', end_date: '2027-12-31' });
  assert.equal(fn.temporary, true);

  const host = await org('成员规则联盟', '党建联盟');
  const inst = (await admin.list('institution', { size: 1 })).items[0];
  const bad = await admin.post('/api/v1/org_link', { org_id: host.id, member_kind: '企业',
    institution_id: inst.id, role: '成员单位' });
  refused(bad, 'enterprise_id', 'required');
  refused(bad, 'institution_id', 'not_applicable');
  refused(await admin.post('/api/v1/org_link', { org_id: host.id, member_kind: '党组织', member_org_id: host.id,
    role: '成员单位' }), 'member_org_id', 'self');
  refused(await admin.post('/api/v1/org_link', { org_id: host.id, member_kind: '高校院所', institution_id: inst.id,
    role: '成员单位', start_date: '2025-02-01', end_date: '2025-01-31' }), 'end_date', 'before_start');
  await make('org_link', { org_id: host.id, member_kind: '高校院所', institution_id: inst.id, role: '成员单位' });

  const { chain, segs } = await chainWithSegments('规则');
  const other = await chainWithSegments('规则外');
  const on = await enterprise('链上企业', [segs[0].id]);
  const off = await enterprise('链外企业', [other.segs[0].id]);
  const person = (await admin.list('person', { size: 1 })).items[0];
  const duty = { kind: '干部挂链服务', person_id: person.id, chain_id: chain.id, start_date: '2025-03-01' };
  refused(await admin.post('/api/v1/chain_duty', { ...duty, end_date: '2025-02-28' }), 'end_date', 'before_start');
  const warn = await admin.post('/api/v1/chain_duty', { ...duty, enterprise_id: off.id });
  refused(warn, 'enterprise_id', 'off_chain');
  await make('chain_duty', { ...duty, enterprise_id: off.id }, '?confirm=1');
  await make('chain_duty', { ...duty, enterprise_id: on.id });

  refused(await admin.post('/api/v1/study_session', { org_id: host.id, session_date: '2025-03-01', kind: '第一议题',
    topic: '学习', expected: 10, attendance: 11 }), 'attendance', 'above_expected');
  await make('study_session', { org_id: host.id, session_date: '2025-03-01', kind: '第一议题', topic: '学习',
    expected: 10, attendance: 10 });
  await make('study_session', { org_id: host.id, session_date: '2025-03-02', kind: '第一议题', topic: '学习',
    attendance: 10 });
});

// ---- both hierarchies ------------------------------------------------------

test('subtree in the territorial and the chain hierarchy, with totals', async () => {
  // territory:  T0 ── T1 ── S1, S2
  //              └── T2 ── S3
  const t0 = await org('属地党委', '党委', { member_count: 10 });
  const t1 = await org('属地总支一', '党总支', { parent_id: t0.id, member_count: 5 });
  const t2 = await org('属地总支二', '党总支', { parent_id: t0.id, member_count: 6 });
  const s1 = await org('属地支部一', '党支部', { parent_id: t1.id, member_count: 3 });
  const s2 = await org('属地支部二', '党支部', { parent_id: t1.id, member_count: 4 });
  const s3 = await org('属地支部三', '党支部', { parent_id: t2.id, member_count: 7 });
  // two party members registered in S1 and S3
  const pms = (await admin.list('party_member', { size: 2, sort: 'id' })).items;
  assert.equal((await patch('party_member', pms[0], { org_id: s1.id })).status, 200);
  assert.equal((await patch('party_member', pms[1], { org_id: s3.id })).status, 200);

  const t = await admin.get(`/api/v1/org/${t0.id}/subtree?hierarchy=territory`);
  assert.equal(t.status, 200, String(t));
  assert.equal(t.body.hierarchy, 'territory');
  const got = (r) => r.body.items.map((x) => [x.id, x.depth, x.parent_id]);
  assert.deepEqual(got(t), [[t1.id, 1, t0.id], [t2.id, 1, t0.id], [s1.id, 2, t1.id], [s2.id, 2, t1.id],
    [s3.id, 2, t2.id]]);
  assert.equal(t.body.totals.orgs, 6);
  assert.equal(t.body.totals.by_kind['党委'], 1);
  assert.equal(t.body.totals.by_kind['党总支'], 2);
  assert.equal(t.body.totals.by_kind['党支部'], 3);
  assert.equal(t.body.totals.member_count, 10 + 5 + 6 + 3 + 4 + 7);
  assert.equal(t.body.totals.party_members, 2);
  const t1sub = (await admin.get(`/api/v1/org/${t1.id}/subtree`)).body; // territory by default
  assert.deepEqual(t1sub.items.map((x) => x.id), [s1.id, s2.id]);
  assert.equal(t1sub.totals.orgs, 3);
  assert.equal(t1sub.totals.party_members, 1);

  // chain:  K ── L ── S1 (chain_org_id)
  //         │    └── S3 (党组织 member of the alliance)
  //         └── S2 (chain_org_id)
  // not edges: T2 an ended member of L; S1 a member of the 党委 T0 (no chain parent kind)
  const { chain } = await chainWithSegments('层级');
  const k = await org('层级链党委', '产业链党委', { chain_id: chain.id, member_count: 9 });
  const l = await org('层级联盟', '党建联盟', { chain_id: chain.id, chain_org_id: k.id });
  assert.equal((await patch('org', s1, { chain_org_id: l.id })).status, 200);
  assert.equal((await patch('org', s2, { chain_org_id: k.id })).status, 200);
  await make('org_link', { org_id: l.id, member_kind: '党组织', member_org_id: s3.id, role: '成员单位' });
  await make('org_link', { org_id: l.id, member_kind: '党组织', member_org_id: t2.id, role: '成员单位',
    start_date: '2020-01-01', end_date: '2020-12-31' });
  await make('org_link', { org_id: t0.id, member_kind: '党组织', member_org_id: s1.id, role: '共建单位' });

  const c = await admin.get(`/api/v1/org/${k.id}/subtree?hierarchy=chain`);
  assert.equal(c.status, 200, String(c));
  assert.equal(c.body.hierarchy, 'chain');
  // by depth, then id
  const byDepth = (a, b) => a[1] - b[1] || a[0] - b[0];
  assert.deepEqual(c.body.items.map((x) => [x.id, x.depth, x.parent_id, x.via]),
    [[l.id, 1, k.id, 'chain_org'], [s2.id, 1, k.id, 'chain_org'], [s1.id, 2, l.id, 'chain_org'],
      [s3.id, 2, l.id, 'link']].sort(byDepth));
  assert.equal(c.body.totals.orgs, 5);
  assert.deepEqual(c.body.totals.by_kind, { 产业链党委: 1, 党建联盟: 1, 党委: 0, 党总支: 0, 党支部: 3,
    功能型党组织: 0 });
  assert.equal(c.body.totals.member_count, 9 + 3 + 4 + 7);
  assert.equal(c.body.totals.party_members, 2);
  assert.deepEqual((await admin.get(`/api/v1/org/${t0.id}/subtree?hierarchy=chain`)).body.items, []);
  // the ended membership would make T2 a chain child of L: it does not
  assert.ok(!c.body.items.some((x) => x.id === t2.id));

  // the tree: parents per hierarchy
  const tt = (await admin.get('/api/v1/org/tree?hierarchy=territory')).body;
  const node = (tree, id) => tree.items.find((x) => x.id === id);
  assert.equal(node(tt, s3.id).parent, t2.id);
  assert.equal(node(tt, t0.id).parent, null);
  const ct = (await admin.get('/api/v1/org/tree?hierarchy=chain')).body;
  assert.equal(node(ct, s1.id).parent, l.id);
  assert.equal(node(ct, s3.id).parent, l.id, 'a membership gives a chain parent');
  assert.deepEqual(node(ct, s3.id).link_parents, [l.id]);
  assert.equal(node(ct, l.id).parent, k.id);
  assert.equal(node(ct, t0.id), undefined, 'orgs off every chain are not in the chain tree');
  assert.equal(node(ct, k.id).chain_id, chain.id);

  assert.equal((await admin.get(`/api/v1/org/${k.id}/subtree?hierarchy=up`)).status, 400);
  assert.equal((await admin.get('/api/v1/org/999999/subtree')).status, 404);
  assert.equal((await admin.get('/api/v1/org/tree?region=32x')).status, 400);
});

// ---- study sessions ---------------------------------------------------------

test('quarterly study-session counts, attendance and the quarters without 第一议题', async () => {
  const a = await org('学习支部甲', '党支部', { established: '2020-01-01' });
  const b = await org('学习支部乙', '党支部', { established: '2025-05-10' });
  const u = await org('学习联盟', '党建联盟', { established: '2020-01-01' }); // no sessions, never flagged
  const s = (o, date, kind, expected, attendance) => make('study_session', {
    org_id: o.id, session_date: date, kind, topic: '学习', expected, attendance });
  // 甲: Q1 第一议题×2 (10/9, 10/10) + 专题党课 (10/8); Q2 专题党课 only (10/7);
  //     Q3 第一议题 without 应到 (not in the rate); Q4 第一议题 (12/12) + 主题党日 (12/6);
  //     outside 2025: 2024-12-31 and 2026-01-01
  await s(a, '2025-01-10', '第一议题', 10, 9);
  await s(a, '2025-02-10', '第一议题', 10, 10);
  await s(a, '2025-03-31', '专题党课', 10, 8);
  await s(a, '2025-05-08', '专题党课', 10, 7);
  await s(a, '2025-07-01', '第一议题', null, 5);
  await s(a, '2025-10-20', '第一议题', 12, 12);
  await s(a, '2025-12-31', '主题党日', 12, 6);
  await s(a, '2024-12-31', '第一议题', 10, 10);
  await s(a, '2026-01-01', '第一议题', 10, 10);
  // 乙 (established 2025-05-10, so Q1 does not count): Q2 第一议题 (5/5), Q3 none (one deleted), Q4 第一议题 (5/4)
  await s(b, '2025-06-01', '第一议题', 5, 5);
  const gone = await s(b, '2025-08-01', '第一议题', 5, 5);
  assert.equal((await admin.del(`/api/v1/study_session/${gone.id}`)).status, 200);
  await s(b, '2025-11-11', '第一议题', 5, 4);

  const r = await admin.get('/api/v1/study_session/quarterly?year=2025');
  assert.equal(r.status, 200, String(r));
  const ia = r.body.items.find((x) => x.org_id === a.id);
  const ib = r.body.items.find((x) => x.org_id === b.id);
  const q = (item, n) => item.quarters[n - 1];
  assert.deepEqual(q(ia, 1).counts, { 第一议题: 2, 专题党课: 1, 主题党日: 0, 其他: 0 });
  assert.equal(q(ia, 1).total, 3);
  assert.equal(q(ia, 1).first_topic_months, 2, 'January and February');
  assert.equal(q(ia, 2).first_topic_months, 0);
  assert.equal(q(ia, 1).expected, 30);
  assert.equal(q(ia, 1).attendance, 27);
  assert.equal(q(ia, 1).attendance_rate, 90);
  assert.deepEqual(q(ia, 2).counts, { 第一议题: 0, 专题党课: 1, 主题党日: 0, 其他: 0 });
  assert.equal(q(ia, 2).attendance_rate, 70);
  assert.equal(q(ia, 2).no_first_topic, true);
  assert.equal(q(ia, 3).counts['第一议题'], 1);
  assert.equal(q(ia, 3).attendance_rate, null, 'no session gave both numbers');
  assert.equal(q(ia, 4).total, 2);
  assert.equal(q(ia, 4).attendance_rate, 75); // 18 / 24
  assert.equal(ia.total, 7);
  assert.equal(ia.attendance_rate, 81.3); // (27 + 7 + 18) / (30 + 10 + 24) = 52 / 64
  assert.deepEqual(ia.flagged_quarters, [2]);
  assert.equal(q(ib, 1).applicable, false);
  assert.equal(q(ib, 1).no_first_topic, false, 'not yet established');
  assert.deepEqual(ib.flagged_quarters, [3]);
  assert.equal(ib.total, 2);
  assert.equal(ib.attendance_rate, 90); // 9 / 10
  const iu = r.body.items.find((x) => x.org_id === u.id);
  assert.deepEqual(iu.flagged_quarters, [], 'an alliance holds no 第一议题 of its own');
  assert.equal(iu.total, 0);
  assert.ok(r.body.flagged >= 2);
  assert.equal((await admin.get('/api/v1/study_session/quarterly?year=20x5')).status, 400);

  // a district user counts its district's orgs only
  const mine = (await district.get('/api/v1/study_session/quarterly?year=2025')).body;
  assert.ok(mine.items.length > 0);
  for (const it of mine.items) assert.ok(it.region_code.startsWith('320281'), it.region_code);
});

// ---- chain health card --------------------------------------------------------

function shanghaiToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function previousQuarter(date) {
  let y = Number(date.slice(0, 4));
  let q = Math.floor((Number(date.slice(5, 7)) - 1) / 3) - 1;
  if (q < 0) { q = 3; y -= 1; }
  const from = `${y}-${['01-01', '04-01', '07-01', '10-01'][q]}`;
  const to = `${y}-${['03-31', '06-30', '09-30', '12-31'][q]}`;
  const before = new Date(Date.parse(`${from}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
  return { from, to, before, mid: `${y}-${['02-15', '05-15', '08-15', '11-15'][q]}` };
}

test('the chain health card on a fresh chain, numbers worked out by hand', async () => {
  const { chain, segs } = await chainWithSegments('健康');
  const other = await chainWithSegments('健康外');
  const [sa, sb] = segs;
  // key on the chain: E1 (规上), E2 (专精特新), E3 (高新, also on the other chain), E6 (规上, 江阴)
  const e1 = await enterprise('健康一', [sa.id], { above_scale: true });
  const e2 = await enterprise('健康二', [sb.id], { srdi: true });
  const e3 = await enterprise('健康三', [sa.id, other.segs[0].id], { high_tech: true });
  const e4 = await enterprise('健康四', [sa.id]); // not key
  const e5 = await enterprise('健康五', [other.segs[0].id], { above_scale: true }); // other chain
  const e6 = await enterprise('健康六', [sa.id], { above_scale: true }, jiangyin);

  const k = await org('健康链党委', '产业链党委', { chain_id: chain.id, secretary: '王书记', member_count: 8 });
  const l = await org('健康联盟', '党建联盟', { chain_id: chain.id, chain_org_id: k.id });
  const z = await org('健康外联盟', '党建联盟', { chain_id: other.chain.id });
  const s = await org('健康支部', '党支部');
  const inst = (await admin.list('institution', { size: 1 })).items[0];
  const park = (await admin.list('park', { size: 1 })).items[0];
  const member = (o, kind, field, id, extra = {}) => make('org_link', { org_id: o.id, member_kind: kind,
    [field]: id, role: '成员单位', ...extra });
  await member(l, '企业', 'enterprise_id', e1.id);
  await member(k, '企业', 'enterprise_id', e2.id, { start_date: '2020-01-01', end_date: '2020-12-31' });
  await member(l, '企业', 'enterprise_id', e4.id);
  await member(k, '企业', 'enterprise_id', e4.id); // the same unit twice counts once
  await member(l, '高校院所', 'institution_id', inst.id);
  await member(l, '园区', 'park_id', park.id);
  await member(l, '党组织', 'member_org_id', s.id);
  await member(z, '企业', 'enterprise_id', e3.id); // covers E3 on the other chain only

  // duties: p1 蹲链 (open) and 挂链 (open); p2 挂链 ended; p3 赴链 until 2099; p4 starts in 2099
  const people = (await admin.list('person', { size: 4, sort: 'id' })).items;
  const duty = (p, kind, start, end) => make('chain_duty', { kind, person_id: p.id, chain_id: chain.id,
    enterprise_id: e1.id, start_date: start, end_date: end });
  await duty(people[0], '党员蹲链指导', '2025-01-01', null);
  await duty(people[0], '干部挂链服务', '2025-01-01', null);
  await duty(people[1], '干部挂链服务', '2025-01-01', '2025-06-30');
  await duty(people[2], '人才赴链攻关', '2025-01-01', '2099-12-31');
  await duty(people[3], '人才赴链攻关', '2099-01-01', null);

  // visits: in the last quarter E1 twice (its first and last day) and E2; E5 is off the
  // chain; the day before the quarter and today do not count → 3 visits, 2 enterprises
  const lq = previousQuarter(shanghaiToday());
  const visit = (e, date) => make('visit', { enterprise_id: e.id, visit_date: date, summary: '走访了解企业诉求' });
  await visit(e1, lq.from);
  await visit(e1, lq.to);
  await visit(e2, lq.mid);
  await visit(e5, lq.mid);
  await visit(e1, lq.before);
  await visit(e3, shanghaiToday());

  // problems: P1 E1 open; P2 E5 naming the chain, open and overdue; P3 E2 naming the other
  // chain; P4 E1 closed; P5 E3 returned (open) and overdue → open 3, overdue 2
  const problem = (e, extra) => make('problem', { enterprise_id: e.id, category: '用工', description: '招工难',
    resp_unit: '人社局', found_date: '2019-12-01', deadline: '2099-12-31', ...extra });
  await problem(e1, {});
  await problem(e5, { chain_id: chain.id, deadline: '2020-01-01' });
  await problem(e2, { chain_id: other.chain.id });
  const p4 = await problem(e1, {});
  const p5 = await problem(e3, { deadline: '2020-06-30' });
  const step = async (p, action, comment) => {
    const cur = (await admin.get(`/api/v1/problem/${p.id}`)).body;
    const r = await admin.post(`/api/v1/problem/${p.id}/transition`, { action, comment, version: cur.version });
    assert.equal(r.status, 200, String(r));
  };
  await step(p4, 'accept');
  await step(p4, 'close', '已协调解决');
  await step(p5, 'return', '材料不全');

  // a published catalog with an entry on the chain
  await make('need', { enterprise_id: e1.id, segment_id: sa.id, post_name: '健康测试工程师', post_category: '研发设计',
    headcount: 3, urgency: '紧急', status: '开放', published: '2026-06-01' });
  const compiled = await admin.post('/api/v1/catalog/compile', { year: 2026 });
  assert.equal(compiled.status, 201, String(compiled));
  assert.equal((await admin.post(`/api/v1/catalog/${compiled.body.id}/publish`)).status, 200);

  const r = await admin.get(`/api/v1/chain/${chain.id}/health`);
  assert.equal(r.status, 200, String(r));
  const h = r.body;
  assert.equal(h.chain.id, chain.id);
  assert.equal(h.committee.id, k.id);
  assert.equal(h.committee.secretary, '王书记');
  assert.deepEqual(h.alliances.map((x) => x.id), [l.id]);
  assert.deepEqual(h.member_units, { 企业: 2, 高校院所: 1, 园区: 1, 党组织: 1 });
  assert.equal(h.key_enterprises.total, 4);
  assert.equal(h.key_enterprises.covered, 1);
  assert.equal(h.key_enterprises.uncovered, 3);
  assert.equal(h.key_enterprises.coverage_rate, 25);
  assert.deepEqual(h.key_enterprises.uncovered_list.map((x) => x.id).sort((a, b) => a - b),
    [e2.id, e3.id, e6.id].sort((a, b) => a - b));
  assert.deepEqual(h.on_duty.by_kind, { 党员蹲链指导: 1, 干部挂链服务: 1, 人才赴链攻关: 1 });
  assert.equal(h.on_duty.persons, 2);
  assert.deepEqual(h.visits_last_quarter, { from: lq.from, to: lq.to, count: 3, enterprises: 2 });
  assert.deepEqual(h.problems, { open: 3, overdue: 2 });
  assert.equal(h.catalog.id, compiled.body.id);
  const entries = (await admin.listAll('catalog_entry', { catalog_id: compiled.body.id, chain_id: chain.id })).items;
  assert.ok(entries.some((e) => e.post_name === '健康测试工程师'));
  assert.deepEqual(h.catalog_entries.map((e) => [e.post_name, e.grade, e.shortage_index]),
    entries.map((e) => [e.post_name, e.grade, e.shortage_index]));
  // orgs along the chain: K, L (chain_id) and S (L's member)
  assert.equal(h.org_totals.orgs, 3);
  assert.equal(h.org_totals.by_kind['产业链党委'], 1);
  assert.equal(h.org_totals.by_kind['党建联盟'], 1);
  assert.equal(h.org_totals.by_kind['党支部'], 1);

  // scope: the 江阴 user sees E6 only, and no city-level committee
  const d = (await district.get(`/api/v1/chain/${chain.id}/health`)).body;
  assert.equal(d.committee, null);
  assert.equal(d.key_enterprises.total, 1);
  assert.deepEqual(d.key_enterprises.uncovered_list.map((x) => x.id), [e6.id]);
  assert.equal(d.org_totals.orgs, 0);
  assert.equal((await admin.get('/api/v1/chain/999999/health')).status, 404);
});

// ---- scope -------------------------------------------------------------

test('a district user sees only its district\'s orgs', async () => {
  const codes = new Map((await admin.listAll('region')).items.map((x) => [x.id, x.code]));
  const tree = (await district.get('/api/v1/org/tree?hierarchy=territory')).body;
  assert.ok(tree.items.length > 0, 'the demo has orgs in 江阴');
  for (const o of tree.items) assert.ok(o.region_code.startsWith('320281'), o.region_code);
  const all = (await admin.get('/api/v1/org/tree?hierarchy=territory')).body;
  assert.ok(all.items.length > tree.items.length);
  const outside = all.items.find((o) => !o.region_code.startsWith('320281'));
  assert.equal((await district.get(`/api/v1/org/${outside.id}/subtree`)).status, 404);
  const mine = tree.items.find((o) => o.kind === '党委');
  const sub = (await district.get(`/api/v1/org/${mine.id}/subtree`)).body;
  for (const o of sub.items) assert.ok(codes.get(o.region_id).startsWith('320281'));
  const list = (await district.list('org', { size: 200 })).items;
  assert.equal(list.length, tree.items.length);
  // region filter on the tree
  const jy = (await admin.get('/api/v1/org/tree?hierarchy=territory&region=320281')).body;
  assert.equal(jy.items.length, tree.items.length);
});

test('the cadre portrait lists the chain duties', async () => {
  const cadre = (await admin.list('cadre', { size: 1 })).items[0];
  const { chain, segs } = await chainWithSegments('画像');
  const e = await enterprise('画像企业', [segs[0].id]);
  await make('chain_duty', { kind: '干部挂链服务', person_id: cadre.person_id, chain_id: chain.id,
    enterprise_id: e.id, start_date: '2026-01-05', tasks: '联系链主企业', outcomes: '协调用地1宗' });
  const p = (await admin.get(`/api/v1/cadre/${cadre.id}/portrait`)).body;
  const d = p.chain_duties.find((x) => x.chain_id === chain.id);
  assert.ok(d, JSON.stringify(p.chain_duties));
  assert.equal(d.kind, '干部挂链服务');
  assert.equal(d.chain, chain.name);
  assert.equal(d.enterprise, e.name);
  assert.equal(d.start_date, '2026-01-05');
  assert.equal(d.tasks, '联系链主企业');
  assert.equal(d.outcomes, '协调用地1宗');
});
