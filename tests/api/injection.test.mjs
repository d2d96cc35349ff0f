// Hostile list parameters: SQL-ish text in q, filters, sort, page and size
// must answer 200 with literal matching or 400 with details, never 500, and
// leave the data as it was. Hostile values in bodies are stored literally.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, World, makeUscc, sql as dbSql } from './harness.mjs';

const w = new World('inject');
let admin, auditor;
let meta; // entity name → descriptor
let counts; // entity → total before the attacks
let regionId; // 新吴区

const LIST_ENTITIES = ['region', 'cluster', 'cluster_stat', 'chain', 'segment', 'park',
  'enterprise', 'institution', 'audit_log'];

const SQLISH = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR ""="',
  "'; DROP TABLE enterprise; --",
  "1; DELETE FROM enterprise",
  "芯片' UNION SELECT password_hash, 1, 1 FROM user --",
  ') OR (1=1',
  '%',
  '_',
  '\\',
  '%\\_%',
  "admin'--",
  '*/ OR /*',
  '\u0000',
  'a\u0000b',
  '🙂',
  'x'.repeat(101),
  '名'.repeat(300),
  "' AND (SELECT count(*) FROM sqlite_master) > 0 AND '1'='1",
];

before(async () => {
  w.seed();
  await w.start();
  admin = await w.login('admin');
  auditor = await w.loginRole('auditadmin');
  const m = await admin.get('/api/v1/meta/entities');
  meta = Object.fromEntries(m.body.entities.map((e) => [e.name, e]));
  counts = await totals();
  regionId = (await admin.list('region', { code: '320214' })).items[0].id;
});

after(() => w.teardown());

async function totals() {
  const out = {};
  for (const e of LIST_ENTITIES) {
    if (e === 'audit_log') continue; // grows with every refused write
    out[e] = (await admin.list(e, { size: 1 })).total;
  }
  return out;
}

/** GET with raw query parameters; asserts 200 or 400 (with details), never 5xx. */
async function probe(entity, params) {
  const qs = new URLSearchParams(params).toString();
  // the audit log is read by the audit administrator (三权分立)
  const r = await (entity === 'audit_log' ? auditor : admin).get(`/api/v1/${entity}?${qs}`);
  assert.ok(r.status === 200 || r.status === 400, `${entity}?${qs} → ${r}`);
  assert.ok(r.body, `${entity}?${qs}: JSON body`);
  if (r.status === 400) {
    assert.equal(r.code, 'bad_request');
    assert.ok(r.details.length >= 1, `${entity}?${qs}: details in ${r}`);
    for (const d of r.details) {
      assert.equal(typeof d.field, 'string');
      assert.equal(typeof d.code, 'string');
      assert.match(d.message, /[\u4e00-\u9fff]/);
    }
  } else {
    assert.ok(Array.isArray(r.body.items));
    assert.equal(typeof r.body.total, 'number');
  }
  return r;
}

function searchable(entity) {
  return meta[entity].fields.filter((f) => f.searchable && !f.sensitive).map((f) => f.name);
}

test('q with SQL-ish text: 200 with literal substring matches or 400, never 500', async () => {
  for (const entity of LIST_ENTITIES) {
    for (const q of SQLISH) {
      const r = await probe(entity, { q, size: 200 });
      if (r.status !== 200) continue;
      // every term (split on spaces) appears literally in some searchable
      // field; a NUL ends the value (C strings), so only what precedes it counts
      const terms = q.split('\u0000')[0].split(/[ \t\u3000]+/).filter(Boolean);
      for (const row of r.body.items) {
        for (const term of terms) {
          const hit = searchable(entity).some((f) =>
            String(row[f] ?? '').toLowerCase().includes(term.toLowerCase()));
          assert.ok(hit, `${entity} q=${JSON.stringify(q)}: row ${row.id} lacks ${JSON.stringify(term)}`);
        }
      }
      // nothing like "OR 1=1" widens the result to everything
      if (/OR|UNION|--|;/.test(q)) {
        const all = (await (entity === 'audit_log' ? auditor : admin).list(entity, { size: 1 })).total;
        assert.ok(r.body.total < all || all === 0, `${entity} q=${q}: ${r.body.total} of ${all}`);
      }
    }
  }
});

test('% and _ are literal in q, not wildcards', async () => {
  const pct = await probe('enterprise', { q: '%' });
  assert.equal(pct.body.total, 0);
  const us = await probe('enterprise', { q: '_' });
  assert.equal(us.body.total, 0);
  const created = await admin.post('/api/v1/enterprise',
    { name: '百分之百_测试%公司', uscc: makeUscc(), region_id: regionId, main_products: "O'Reilly \"书\" \\ 反斜杠" });
  assert.equal(created.status, 201, String(created));
  const found = await probe('enterprise', { q: '%' });
  assert.deepEqual(found.body.items.map((e) => e.id), [created.body.id]);
  assert.deepEqual((await probe('enterprise', { q: '_测试%' })).body.items.map((e) => e.id), [created.body.id]);
  assert.deepEqual((await probe('enterprise', { q: "O'Reilly" })).body.items.map((e) => e.id), [created.body.id]);
  assert.deepEqual((await probe('enterprise', { q: '\\' })).body.items.map((e) => e.id), [created.body.id]);
  assert.deepEqual((await probe('enterprise', { 'name.like': '%' })).body.items.map((e) => e.id), [created.body.id]);
  const del = await admin.del(`/api/v1/enterprise/${created.body.id}`);
  assert.equal(del.status, 200);
});

test('filters with SQL-ish values or names answer 200 or 400, never 500', async () => {
  const filters = [];
  for (const v of SQLISH) {
    filters.push({ region_id: v }, { 'region_id.ne': v }, { above_scale: v }, { 'employees.gte': v },
      { 'revenue.lte': v }, { name: v }, { 'name.like': v }, { 'uscc.ne': v }, { established: v },
      { 'name.null': v }, { segment_ids: v }, { id: v }, { region_id: `1,${v}` }, { park_id: `${v},2` });
    filters.push({ [v]: '1' }, { [`name.${v}`]: '1' }, { [`${v}.gte`]: '1' });
  }
  filters.push({ 'region_id.null': '1; DROP TABLE x' }, { 'name.eq': 'x' }, { 'name.in': 'x' },
    { 'name.gte.lte': '1' }, { '.': '1' }, { '': '' }, { 'deleted_at.null': '0' }, { password_hash: 'x' },
    { 'segment_ids.ne': '1' }, { 'version': '1' });
  for (const f of filters) await probe('enterprise', f);
  for (const f of [{ level: "市' OR '1'='1" }, { level: '市,区县,乡镇,x' }, { parent_id: '1 OR 1=1' }])
    await probe('region', f);
  for (const f of [{ action: "login' OR '1'='1" }, { username: "admin'--" }, { entity_id: '1 OR 1=1' }])
    await probe('audit_log', f);

  // wrong types are 400 with a detail naming the parameter
  const r = await probe('enterprise', { region_id: '1 OR 1=1' });
  assert.equal(r.status, 400);
  assert.equal(r.details[0].field, 'region_id');
  const unknown = await probe('enterprise', { "name) OR 1=1 --": 'x' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.details[0].code, 'unknown_parameter');
  const hidden = await probe('enterprise', { deleted_at: '' });
  assert.equal(hidden.status, 400, 'columns outside the descriptor are not filters');
  // text equality is literal
  const lit = await probe('enterprise', { name: "' OR '1'='1" });
  assert.equal(lit.status, 200);
  assert.equal(lit.body.total, 0);
});

test('sort, page and size with SQL-ish values answer 400 with details', async () => {
  const sorts = ['name;DROP TABLE enterprise', '-id--', '(SELECT 1)', 'id DESC', 'id,', ',', '-',
    '1', 'name COLLATE NOCASE', 'password_hash', 'deleted_at', 'segment_ids', 'random()', "name'",
    '名'.repeat(300), '\u00ff'];
  for (const s of sorts) {
    const r = await probe('enterprise', { sort: s });
    if (r.status === 200) {
      // only lists of valid names with empty items may pass
      assert.ok(/^(id)?(,(id)?)*$/.test(s), `sort ${JSON.stringify(s)} was accepted`);
    } else {
      assert.ok(r.details.some((d) => d.field === 'sort'), String(r));
    }
  }
  for (const p of ['0', '-1', 'abc', '1; DROP TABLE x', '1 OR 1=1', '1e3', '99999999999999999999',
    '', ' ', '1.5', '0x10']) {
    const r = await probe('enterprise', { page: p });
    assert.equal(r.status, 400, `page ${JSON.stringify(p)}: ${r}`);
    assert.ok(r.details.some((d) => d.field === 'page'));
  }
  for (const s of ['0', '-5', 'abc', '10; DROP TABLE x', '1 OR 1=1', '', '99999999999999999999']) {
    const r = await probe('enterprise', { size: s });
    assert.equal(r.status, 400, `size ${JSON.stringify(s)}: ${r}`);
    assert.ok(r.details.some((d) => d.field === 'size'));
  }
  const far = await probe('enterprise', { page: '1000000', size: '200' });
  assert.equal(far.status, 200);
  assert.deepEqual(far.body.items, []);
  const many = await probe('enterprise', { size: '1000000000' });
  assert.equal(many.body.size, 200);
});

test('invalid UTF-8 and odd encodings in the query string never give 500', async () => {
  for (const raw of ['q=%FF%FE', 'q=%C3', 'sort=%FF', '%FF=1', 'name=%ED%A0%80', 'q=%00',
    'region_id=%FF', 'q=%E5%90', 'q=' + '%E5%90%8D'.repeat(170) + '%E5', 'a=1&a=2&a=3',
    'q=1&q=2', 'q', '=', '&&&', 'size=1&' + 'x=1&'.repeat(70)]) {
    const r = await admin.get(`/api/v1/enterprise?${raw}`);
    assert.ok(r.status === 200 || r.status === 400, `${raw.slice(0, 80)} → ${r}`);
    assert.ok(r.body, `${raw.slice(0, 80)}: a JSON body`);
  }
  // arguments that are not UTF-8, hold a NUL byte or come in the hundreds
  // are refused as a whole rather than cut short or half read
  for (const raw of ['%FF=1', 'sort=%FF', 'q=a%00b', 'name%00x=1', 'size=1&' + 'x=1&'.repeat(70)]) {
    const r = await admin.get(`/api/v1/enterprise?${raw}`);
    assert.equal(r.status, 400, `${raw.slice(0, 40)}: ${r}`);
    assert.equal(r.code, 'bad_request');
    assert.match(r.body.error.message, /查询参数/);
  }
  // paths outside the API that are not UTF-8 answer 404 JSON; this used to
  // kill the server (json_dumps(NULL) → strlen(NULL))
  const anon = w.client();
  for (const p of ['/assets/%FF', '/assets/%E5%90', `/assets/${'%E5%90%8D'.repeat(90)}`, '/%FF.js']) {
    const r = await anon.get(p);
    assert.equal(r.status, 404, `${p}: ${r}`);
    assert.equal(r.code, 'not_found');
  }
  assert.equal((await anon.get('/healthz')).status, 200, 'the server is still up');
  // a long unsortable name is refused too (the message is cut, not dropped)
  const longSort = await admin.get(`/api/v1/enterprise?sort=${encodeURIComponent('名'.repeat(300))}`);
  assert.equal(longSort.status, 400, String(longSort).slice(0, 300));
  assert.equal(longSort.details[0].field, 'sort');
});

test('hostile values in bodies are stored literally', async () => {
  const name = "Robert'); DROP TABLE enterprise; --";
  const r = await admin.post('/api/v1/enterprise', {
    name, uscc: makeUscc(), region_id: regionId, main_products: '<script>alert(1)</script> %_\\',
    legal_rep: "'||(SELECT password_hash FROM user)||'",
  });
  assert.equal(r.status, 201, String(r));
  const back = await admin.get(`/api/v1/enterprise/${r.body.id}`);
  assert.equal(back.body.name, name);
  assert.equal(back.body.main_products, '<script>alert(1)</script> %_\\');
  assert.equal(back.body.legal_rep, "'||(SELECT password_hash FROM user)||'");
  const p = await admin.patch(`/api/v1/enterprise/${r.body.id}`,
    { version: 1, name: "x' WHERE 1=1; UPDATE enterprise SET name='pwned" });
  assert.equal(p.status, 200, String(p));
  const pwned = await admin.list('enterprise', { name: 'pwned' });
  assert.equal(pwned.total, 0);
  // a field name that is SQL is an unknown field
  const f = await admin.post('/api/v1/enterprise',
    { name: 'x', uscc: makeUscc(), region_id: regionId, 'name = 1; --': 1 });
  assert.equal(f.status, 422, String(f));
  assert.equal(f.details[0].code, 'unknown_field');
  assert.equal((await admin.del(`/api/v1/enterprise/${r.body.id}`)).status, 200);
});

test('the data is intact afterwards', async () => {
  assert.deepEqual(await totals(), counts);
  const health = await w.client().get('/healthz');
  assert.equal(health.status, 200);
  const users = await admin.login('admin', ADMIN_PASSWORD);
  assert.equal(users.status, 200, 'the user table still works');
  await w.stop();
  // the database's own check (SQLite's integrity check and foreign keys, or
  // every table readable on PostgreSQL) and the audit chain
  const sound = w.cli(['check']);
  assert.equal(sound.status, 0, sound.stdout + sound.stderr);
  const check = dbSql(w.db, 'SELECT count(*) FROM enterprise; SELECT count(*) FROM user;');
  assert.equal(check.status, 0, check.stderr);
  const [enterprises, userCount] = check.stdout.trim().split('\n');
  assert.ok(Number(enterprises) >= counts.enterprise);
  // admin, the three administrators demo --admin makes (三权分立) and auditadmin1
  assert.equal(Number(userCount), 5);
  const verify = w.cli(['audit', 'verify']);
  assert.equal(verify.status, 0, verify.stderr);
});
