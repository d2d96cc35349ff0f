// Data scope variants (数据权限: 全部 / 自定义 / 本区划 / 本区划及下级 / 仅本人),
// set with `xinzhi user add … --scope` and `xinzhi user scope`. For each kind
// a user of that kind tries every path on scoped entities (enterprise,
// person, talent): list counts, get/PATCH/DELETE of an out-of-scope id → 404,
// create in another region → 422 out_of_scope, import of a CSV with an
// out-of-scope row → rejected naming the row, export with only in-scope
// rows; the own kind sees only what it created. Matching, staffing and the
// catalog honour the scope too (one assertion each).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { World, makeUscc, DEFAULT_PASSWORD } from './harness.mjs';

const w = new World('scope-variants');
let admin;
const users = {}; // kind → signed-in client
const regionCodeById = new Map();
const ids = {}; // code → region id
let fixtures; // enterprises the admin makes at known regions

const SCOPES = {
  all: { region: '320281', scope: 'all' },
  custom: { scope: 'custom', regions: '320281,320282' },
  region: { region: '320281', scope: 'region' },
  region_tree: { region: '320281', scope: 'region_tree' },
  own: { scope: 'own' },
};

// whether a region code is in the kind's regions (own: decided by creator)
const inRegions = {
  all: () => true,
  custom: (c) => c.startsWith('320281') || c.startsWith('320282'),
  region: (c) => c === '320281',
  region_tree: (c) => c.startsWith('320281'),
};

function addUser(name, { role = 'operator', region, scope, regions }) {
  const args = ['user', 'add', name, '--role', role];
  if (region) args.push('--region', region);
  if (scope) args.push('--scope', scope);
  if (regions) args.push('--regions', regions);
  return w.cli(args, { input: `${DEFAULT_PASSWORD}\n`, check: true });
}

function upload(client, entity, text) {
  return client.request('POST', `/api/v1/${entity}/import`, text,
    { headers: { 'Content-Type': 'application/octet-stream' } });
}

async function exportText(client, entity) {
  const r = await client.request('GET', `/api/v1/${entity}/export?format=csv`);
  assert.equal(r.status, 200, String(r));
  return r.text;
}

before(async () => {
  w.seed();
  for (const [kind, opts] of Object.entries(SCOPES)) {
    const r = addUser(`sv_${kind}`, opts);
    assert.equal(r.status, 0, r.stderr);
  }
  await w.start();
  admin = await w.login('admin');
  for (const r of (await admin.listAll('region')).items) {
    regionCodeById.set(r.id, r.code);
    ids[r.code] = r.id;
  }
  for (const kind of Object.keys(SCOPES)) users[kind] = await w.login(`sv_${kind}`);
  // one enterprise exactly at each of these regions, made by the admin
  fixtures = {};
  const town = [...regionCodeById.values()].find((c) => c.startsWith('320281') && c.length > 6);
  for (const code of ['320281', town, '320282', '320214']) {
    const r = await admin.post('/api/v1/enterprise', {
      name: `范围夹具企业${code}`, uscc: makeUscc(code.slice(0, 6)), region_id: ids[code],
    });
    assert.equal(r.status, 201, String(r));
    fixtures[code] = r.body;
  }
  fixtures.town = fixtures[town];
});

after(() => w.teardown());

test('auth/me shows the scope in force and the custom regions', async () => {
  assert.equal(users.custom.user.scope, 'custom');
  assert.deepEqual(users.custom.user.scope_regions, ['320281', '320282']);
  assert.equal(users.custom.user.city_wide, false);
  assert.equal(users.region.user.scope, 'region');
  assert.equal(users.own.user.scope, 'own');
  assert.equal(users.own.user.city_wide, false);
  assert.equal(users.all.user.scope, 'all');
  assert.equal(users.all.user.city_wide, true, 'all is city-wide even with a region');
  assert.equal(admin.user.scope, 'all', "'' resolves to all without a region");
  const me = await users.region_tree.get('/api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.scope, 'region_tree');
  assert.deepEqual(me.body.user.scope_regions, []);
});

test('the CLI validates scopes with Chinese messages', () => {
  const cases = [
    [['--scope', 'custom'], /至少指定一个区划代码/],
    [['--scope', 'custom', '--regions', '320281,999999'], /未知区划代码“999999”/],
    [['--scope', 'region'], /须先为用户指定所属区划/],
    [['--scope', 'region_tree'], /须先为用户指定所属区划/],
    [['--scope', 'everything'], /未知数据范围/],
    [['--scope', 'all', '--regions', '320281'], /只有自定义区划/],
  ];
  for (const [i, [extra, re]] of cases.entries()) {
    const r = w.cli(['user', 'add', `sv_bad${i}`, '--role', 'operator', ...extra],
      { input: `${DEFAULT_PASSWORD}\n` });
    assert.equal(r.status, 1, `${extra.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, re);
  }
  // nothing was created by the failures
  const list = w.cli(['user', 'list']);
  assert.doesNotMatch(list.stdout, /sv_bad/);
  assert.match(list.stdout, /sv_custom .* custom \["320281","320282"\]/);
  assert.match(list.stdout, /sv_region_tree .* region_tree /);
  assert.match(list.stdout, /admin .* 默认 /);
  // user scope changes an existing user, with the same checks
  assert.equal(addUser('sv_later', { region: '320282' }).status, 0);
  let r = w.cli(['user', 'scope', 'sv_later', '--scope', 'custom']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /至少指定一个区划代码/);
  r = w.cli(['user', 'scope', 'nobody', '--scope', 'all']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /不存在/);
  r = w.cli(['user', 'scope', 'sv_later', '--scope', 'region']);
  assert.equal(r.status, 0, r.stderr);
});

for (const kind of ['all', 'custom', 'region', 'region_tree']) {
  test(`${kind}: list, get, PATCH, DELETE, create, import and export of enterprises`, async () => {
    const u = users[kind];
    const visible = inRegions[kind];
    const all = await admin.listAll('enterprise');
    const expected = all.items.filter((e) => visible(regionCodeById.get(e.region_id)));
    const mine = await u.listAll('enterprise');
    assert.equal(mine.total, expected.length, `${kind} list count`);
    assert.deepEqual(mine.items.map((e) => e.id).sort((a, b) => a - b),
      expected.map((e) => e.id).sort((a, b) => a - b));
    for (const [code, row] of Object.entries(fixtures)) {
      if (code === 'town') continue;
      const inside = visible(code);
      const get = await u.get(`/api/v1/enterprise/${row.id}`);
      assert.equal(get.status, inside ? 200 : 404, `${kind} GET ${code}: ${get}`);
      if (inside) continue;
      const patch = await u.patch(`/api/v1/enterprise/${row.id}`, { version: row.version, employees: 9 });
      assert.equal(patch.status, 404, `${kind} PATCH ${code}: ${patch}`);
      const del = await u.del(`/api/v1/enterprise/${row.id}`);
      assert.equal(del.status, 404, `${kind} DELETE ${code}: ${del}`);
      assert.equal((await admin.get(`/api/v1/enterprise/${row.id}`)).body.version, row.version, 'unchanged');
      // create there → 422 out_of_scope
      const post = await u.post('/api/v1/enterprise', {
        name: `越界企业${kind}${code}`, uscc: makeUscc(code.slice(0, 6)), region_id: ids[code],
      });
      assert.equal(post.status, 422, `${kind} POST in ${code}: ${post}`);
      assert.equal(post.details.find((d) => d.field === 'region_id')?.code, 'out_of_scope', String(post));
    }
    // import: row 2 inside (when the kind has one), row 3 outside → rejected naming row 3
    if (kind !== 'all') {
      const csv = '企业名称,统一社会信用代码,所在区划\r\n'
        + `范围导入内${kind},${makeUscc('320281')},320281\r\n`
        + `范围导入外${kind},${makeUscc('320214')},320214\r\n`;
      const r = await upload(u, 'enterprise', csv);
      assert.equal(r.status, 422, `${kind} import: ${r}`);
      const bad = [...new Set(r.body.errors.map((e) => e.row))];
      assert.deepEqual(bad, [3], `${kind} import names row 3: ${JSON.stringify(r.body.errors)}`);
      assert.equal((await admin.list('enterprise', { q: `范围导入内${kind}` })).total, 0, 'nothing written');
    }
    // export: exactly the rows in scope
    const text = await exportText(u, 'enterprise');
    for (const e of all.items) {
      const present = text.includes(e.uscc);
      assert.equal(present, visible(regionCodeById.get(e.region_id)), `${kind} export ${e.uscc}`);
    }
  });
}

test('region is exactly the region; region_tree and custom include the towns below', async () => {
  const town = fixtures.town;
  assert.equal((await users.region.get(`/api/v1/enterprise/${town.id}`)).status, 404);
  assert.equal((await users.region_tree.get(`/api/v1/enterprise/${town.id}`)).status, 200);
  assert.equal((await users.custom.get(`/api/v1/enterprise/${town.id}`)).status, 200);
  // a region-scoped user may not create in a town below its region
  const r = await users.region.post('/api/v1/enterprise', {
    name: '本区划下级企业', uscc: makeUscc('320281'), region_id: town.region_id,
  });
  assert.equal(r.status, 422, String(r));
  assert.equal(r.details[0].code, 'out_of_scope');
  const ok = await users.region.post('/api/v1/enterprise', {
    name: '本区划企业', uscc: makeUscc('320281'), region_id: ids['320281'],
  });
  assert.equal(ok.status, 201, String(ok));
});

test('person and talent: lists, get/PATCH/DELETE out of scope → 404, export in scope', async () => {
  const people = (await admin.listAll('person')).items;
  const personRegion = new Map(people.map((p) => [p.id, regionCodeById.get(p.region_id)]));
  const talents = (await admin.listAll('talent')).items;
  for (const kind of ['custom', 'region', 'region_tree']) {
    const u = users[kind];
    const visible = inRegions[kind];
    const expPeople = people.filter((p) => visible(personRegion.get(p.id)));
    assert.equal((await u.list('person', { size: 1 })).total, expPeople.length, `${kind} person count`);
    const expTalents = talents.filter((t) => visible(personRegion.get(t.person_id)));
    const got = await u.listAll('talent');
    assert.equal(got.total, expTalents.length, `${kind} talent count`);
    for (const t of got.items) assert.ok(visible(personRegion.get(t.person_id)));
    const outPerson = people.find((p) => !visible(personRegion.get(p.id)));
    const outTalent = talents.find((t) => !visible(personRegion.get(t.person_id)));
    for (const [entity, row] of [['person', outPerson], ['talent', outTalent]]) {
      assert.equal((await u.get(`/api/v1/${entity}/${row.id}`)).status, 404, `${kind} GET ${entity}`);
      assert.equal((await u.patch(`/api/v1/${entity}/${row.id}`, { version: row.version })).status, 404);
      assert.equal((await u.del(`/api/v1/${entity}/${row.id}`)).status, 404);
    }
    // the export has one masked ID number per person in scope
    const text = await exportText(u, 'person');
    const masked = text.match(/\d{3}\*{11}[\dX]{4}/g) || [];
    assert.equal(masked.length, expPeople.length, `${kind} person export rows`);
  }
});

test('own: sees only what it created, and its new rows are its own', async () => {
  const u = users.own;
  assert.equal((await u.list('enterprise')).total, 0, 'nothing of its own yet');
  assert.equal((await u.list('person')).total, 0);
  assert.equal((await u.list('talent')).total, 0);
  // others' rows: 404 on every path
  const other = fixtures['320214'];
  assert.equal((await u.get(`/api/v1/enterprise/${other.id}`)).status, 404);
  assert.equal((await u.patch(`/api/v1/enterprise/${other.id}`, { version: other.version, employees: 1 })).status, 404);
  assert.equal((await u.del(`/api/v1/enterprise/${other.id}`)).status, 404);
  // it creates in any region; the row is then its own
  const made = await u.post('/api/v1/enterprise', {
    name: '本人录入企业', uscc: makeUscc('320214'), region_id: ids['320214'],
  });
  assert.equal(made.status, 201, String(made));
  const list = await u.list('enterprise');
  assert.deepEqual(list.items.map((e) => e.id), [made.body.id]);
  const patch = await u.patch(`/api/v1/enterprise/${made.body.id}`, { version: made.body.version, employees: 5 });
  assert.equal(patch.status, 200, String(patch));
  // another scoped user in the same region does not own it, but region users see it
  assert.equal((await users.all.get(`/api/v1/enterprise/${made.body.id}`)).status, 200);
  // import: its own row updates, another's row (by natural key) is out of scope → named row
  const csv = '企业名称,统一社会信用代码,所在区划\r\n'
    + `本人录入企业改名,${made.body.uscc},320214\r\n`
    + `别人的企业,${other.uscc},320214\r\n`;
  const r = await upload(u, 'enterprise', csv);
  assert.equal(r.status, 422, String(r));
  assert.deepEqual([...new Set(r.body.errors.map((e) => e.row))], [3]);
  assert.equal(r.body.errors[0].code, 'out_of_scope');
  // export: only its own row
  const text = await exportText(u, 'enterprise');
  assert.ok(text.includes(made.body.uscc));
  assert.ok(!text.includes(other.uscc));
  assert.equal(text.trim().split(/\r?\n/).length, 2, 'header and one row');
  // reference data stays readable, but not writable (not city-wide)
  assert.ok((await u.list('cluster')).total > 0);
  const cluster = (await admin.list('cluster', { size: 1 })).items[0];
  assert.equal((await u.patch(`/api/v1/cluster/${cluster.id}`, { version: cluster.version, description: 'x' })).status, 403);
  // and the own user's delete of its own row works
  const cur = (await u.get(`/api/v1/enterprise/${made.body.id}`)).body;
  assert.equal((await u.del(`/api/v1/enterprise/${made.body.id}`)).status, 200);
  assert.equal((await u.list('enterprise')).total, 0, `deleted ${cur.id}`);
});

test('matching honours the scope: every matched talent is in the user\'s regions', async () => {
  for (const kind of ['custom', 'region_tree']) {
    const u = users[kind];
    const needs = (await u.list('need', { size: 20 })).items;
    let checked = 0;
    for (const need of needs) {
      const r = await u.get(`/api/v1/need/${need.id}/matches?k=50`);
      assert.equal(r.status, 200, String(r));
      for (const it of r.body.items) assert.ok(inRegions[kind](it.region_code), `${kind}: ${it.region_code}`);
      checked += r.body.items.length;
    }
    assert.ok(checked > 0, `${kind}: some matches to check`);
  }
  // own: another's need is out of scope
  const need = (await admin.list('need', { size: 1 })).items[0];
  assert.equal((await users.own.get(`/api/v1/need/${need.id}/matches`)).status, 404);
  // own: the same need entered by the own user matches only talents it
  // entered (none), though the admin sees matches for it
  let model = null;
  for (const n of (await admin.list('need', { size: 50 })).items) {
    if ((n.skills || []).length && (await admin.get(`/api/v1/need/${n.id}/matches?k=5`)).body.items.length) {
      model = n;
      break;
    }
  }
  assert.ok(model, 'a need with skills and matches');
  const ent = await users.own.post('/api/v1/enterprise', {
    name: '本人录入用人单位', uscc: makeUscc('320214'), region_id: ids['320214'],
  });
  assert.equal(ent.status, 201, String(ent));
  const fields = ['post_name', 'post_category', 'headcount', 'education', 'skills', 'experience',
    'urgency', 'status', 'segment_id', 'salary_min', 'salary_max'];
  const body = { enterprise_id: ent.body.id };
  for (const f of fields) if (model[f] !== null && model[f] !== undefined) body[f] = model[f];
  const ownNeed = await users.own.post('/api/v1/need', body);
  assert.equal(ownNeed.status, 201, String(ownNeed));
  const seenByAdmin = await admin.get(`/api/v1/need/${ownNeed.body.id}/matches?k=5`);
  assert.ok(seenByAdmin.body.items.length > 0, 'the admin sees matches');
  const seenByOwn = await users.own.get(`/api/v1/need/${ownNeed.body.id}/matches?k=5`);
  assert.equal(seenByOwn.status, 200, String(seenByOwn));
  assert.deepEqual(seenByOwn.body.items, [], 'the own user entered no talent');
  assert.equal(seenByOwn.body.total, 0);
});

test('staffing honours the scope: candidates are only cadres in the user\'s regions', async () => {
  const u = users.custom;
  const cadreRows = (await admin.listAll('cadre')).items;
  const tags = [...new Set(cadreRows.flatMap((c) => c.expertise || []))];
  const chain = (await admin.list('chain', { size: 1 })).items[0];
  for (const code of ['320281', '320214']) {
    const made = await admin.post('/api/v1/project', {
      name: `范围攻坚项目${code}`, chain_id: chain.id, headcount: 3, expertise: tags,
      status: '筹备', region_id: ids[code], lead_unit: '发改局',
    });
    assert.equal(made.status, 201, String(made));
  }
  const projects = (await u.list('project', { size: 50 })).items;
  const cadres = new Map(cadreRows.map((c) => [c.id, regionCodeById.get(c.region_id)]));
  let checked = 0;
  for (const p of projects) {
    const r = await u.get(`/api/v1/project/${p.id}/candidates?k=50`);
    assert.equal(r.status, 200, String(r));
    for (const it of r.body.items) assert.ok(inRegions.custom(cadres.get(it.cadre_id)), `cadre ${it.cadre_id}`);
    checked += r.body.items.length;
  }
  const outside = (await admin.listAll('project')).items.find((p) => !inRegions.custom(regionCodeById.get(p.region_id)));
  assert.ok(outside, 'a project outside 江阴 and 宜兴');
  assert.equal((await u.get(`/api/v1/project/${outside.id}/candidates`)).status, 404);
  assert.ok(projects.length > 0 && checked > 0, `${projects.length} projects, ${checked} candidates`);
  // a plan saved by the custom user (no region of its own) lies in its first
  // custom region, so it sees the plan; the own user does not
  const inside = projects.find((p) => regionCodeById.get(p.region_id) === '320281');
  const plan = await u.post('/api/v1/assignments/plans', { name: '自定义区划方案', request: { project_ids: [inside.id] } });
  assert.equal(plan.status, 201, String(plan));
  assert.equal(plan.body.region_id, ids['320281']);
  assert.ok((await u.list('staffing_plan')).items.some((x) => x.id === plan.body.id));
  assert.equal((await users.own.get(`/api/v1/staffing_plan/${plan.body.id}`)).status, 404);
});

test('the catalog is city-wide: compiled by the all scope, refused to custom and own', async () => {
  for (const kind of ['custom', 'own', 'region']) {
    const r = await users[kind].post('/api/v1/catalog/compile', { year: 2026 });
    assert.equal(r.status, 403, `${kind}: ${r}`);
  }
  const ok = await users.all.post('/api/v1/catalog/compile', { year: 2026 });
  assert.ok(ok.status === 201 || ok.status === 200, String(ok));
});

test('`xinzhi user scope` takes effect on the next request of a live session', async () => {
  const town = fixtures.town;
  assert.equal((await users.region.get(`/api/v1/enterprise/${town.id}`)).status, 404);
  const r = w.cli(['user', 'scope', 'sv_region', '--scope', 'region_tree']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await users.region.get(`/api/v1/enterprise/${town.id}`)).status, 200);
  assert.equal((await users.region.get('/api/v1/auth/me')).body.user.scope, 'region_tree');
});

test('server stops cleanly', async () => {
  await w.stop();
});
