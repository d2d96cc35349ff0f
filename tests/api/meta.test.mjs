// Descriptors, the OpenAPI document, probes, metrics, and the demo city's
// 465 clusters and their 2023 figures.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ON_PG, World } from './harness.mjs';

// The 15 clusters of the 465 system (shared/reference/clusters-465.tsv):
// tier, name, 2025 target in 亿元 (null for 未来产业).
const CLUSTERS = [
  ['地标产业', '物联网', 5000],
  ['地标产业', '集成电路', 2000],
  ['地标产业', '生物医药', 2000],
  ['地标产业', '软件与信息技术服务', 2000],
  ['优势产业', '高端装备', 2000],
  ['优势产业', '高端纺织服装', 1500],
  ['优势产业', '节能环保', 1500],
  ['优势产业', '特色新材料', 3000],
  ['优势产业', '新能源', 2000],
  ['优势产业', '汽车及零部件(含新能源汽车)', 3000],
  ['未来产业', '人工智能和元宇宙', null],
  ['未来产业', '量子科技', null],
  ['未来产业', '第三代半导体', null],
  ['未来产业', '氢能和储能', null],
  ['未来产业', '深海装备', null],
];

const ENTITIES = ['region', 'cluster', 'cluster_stat', 'chain', 'segment', 'park', 'enterprise',
  'institution', 'audit_log'];

const w = new World('meta');
let admin;

before(async () => {
  w.seed();
  await w.start();
  admin = await w.login('admin');
});

after(() => w.teardown());

test('/healthz answers 200 without signing in', async () => {
  const r = await w.client().get('/healthz');
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.status, 'ok');
  assert.match(r.body.version, /^\d+\.\d+\.\d+/);
  assert.ok(Number.isInteger(r.body.schema) && r.body.schema >= 1);
  assert.equal(r.body.database, ON_PG ? 'postgresql' : 'sqlite');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
});

test('/api/v1/meta/entities lists every entity with fields, labels and enums', async () => {
  const anon = await w.client().get('/api/v1/meta/entities');
  assert.equal(anon.status, 401);
  const r = await admin.get('/api/v1/meta/entities');
  assert.equal(r.status, 200, String(r));
  const { entities, roles } = r.body;
  const names = entities.map((e) => e.name);
  for (const want of ENTITIES) assert.ok(names.includes(want), `entity ${want} listed`);
  assert.equal(new Set(names).size, names.length, 'entity names are unique');
  for (const e of entities) {
    assert.match(e.label, /[\u4e00-\u9fff]/, `${e.name} label`);
    assert.ok(Array.isArray(e.fields) && e.fields.length > 0, e.name);
    for (const f of e.fields) {
      assert.equal(typeof f.name, 'string');
      assert.equal(typeof f.type, 'string');
      assert.match(f.label, /\S/, `${e.name}.${f.name} label`);
      assert.equal(typeof f.required, 'boolean');
      if (f.type === 'enum') {
        assert.ok(Array.isArray(f.enum) && f.enum.length > 0, `${e.name}.${f.name} enum`);
        for (const v of f.enum) assert.equal(typeof v, 'string');
      }
      if (f.type === 'ref') assert.ok(names.includes(f.ref), `${e.name}.${f.name} ref ${f.ref}`);
    }
  }
  const ent = entities.find((e) => e.name === 'enterprise');
  const byName = Object.fromEntries(ent.fields.map((f) => [f.name, f]));
  assert.equal(byName.uscc.type, 'uscc');
  assert.equal(byName.uscc.label, '统一社会信用代码');
  assert.equal(byName.uscc.required, true);
  assert.equal(byName.region_id.ref, 'region');
  assert.deepEqual(ent.links.map((l) => l.name), ['segment_ids']);
  const seg = entities.find((e) => e.name === 'segment');
  assert.deepEqual(seg.fields.find((f) => f.name === 'stage').enum, ['上游', '中游', '下游']);
  const cluster = entities.find((e) => e.name === 'cluster');
  assert.deepEqual(cluster.fields.find((f) => f.name === 'tier').enum, ['地标产业', '优势产业', '未来产业']);
  assert.deepEqual(roles.map((x) => x.name),
    ['sysadmin', 'secadmin', 'auditadmin', 'admin', 'operator', 'viewer']);
  assert.equal(entities.find((e) => e.name === 'audit_log').readonly, true);
});

test('/api/v1/openapi.json is a valid OpenAPI 3 document with the entity paths', async () => {
  const r = await w.client().get('/api/v1/openapi.json');
  assert.equal(r.status, 200, String(r));
  const doc = r.body;
  assert.match(doc.openapi, /^3\./);
  for (const p of ['/api/v1/enterprise', '/api/v1/enterprise/{id}', '/api/v1/auth/login',
    '/healthz', '/api/v1/meta/entities']) {
    assert.ok(doc.paths[p], `path ${p} in ${Object.keys(doc.paths).join(' ')}`);
  }
  for (const e of ENTITIES) {
    assert.ok(doc.paths[`/api/v1/${e}`]?.get, `list ${e}`);
    assert.ok(doc.paths[`/api/v1/${e}/{id}`]?.get, `get ${e}`);
  }
  assert.ok(doc.paths['/api/v1/enterprise'].post, 'POST enterprise');
  assert.ok(doc.paths['/api/v1/enterprise/{id}'].patch, 'PATCH enterprise');
  assert.ok(doc.paths['/api/v1/enterprise/{id}'].delete, 'DELETE enterprise');
  // imported here so a missing tests/node_modules fails with the harness's message
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  // validate() dereferences in place: hand it a copy
  const api = await SwaggerParser.validate(structuredClone(doc));
  assert.equal(api.info.title, doc.info.title);
});

test('the 15 clusters of the 465 system are listed with their tiers and targets', async () => {
  const list = await admin.list('cluster', { size: 100, sort: 'sort_order' });
  assert.equal(list.total, 15);
  assert.deepEqual(list.items.map((c) => c.name), CLUSTERS.map((c) => c[1]));
  for (const [i, [tier, name, target]] of CLUSTERS.entries()) {
    const c = list.items[i];
    assert.equal(c.tier, tier, name);
    if (target === null) assert.ok(c.target_2025 === null || c.target_2025 === 0, `${name} has no target`);
    else assert.equal(c.target_2025, target, name);
  }
  const landmarks = await admin.list('cluster', { tier: '地标产业' });
  assert.equal(landmarks.total, 4);
  const future = await admin.list('cluster', { tier: '未来产业,优势产业' });
  assert.equal(future.total, 11);
});

test('cluster_stat 2023: revenues sum to 19900 亿元, weighted shares ≈ 41.4% / 51.8%', async () => {
  const stats = await admin.listAll('cluster_stat', { year: 2023 });
  assert.equal(stats.total, 15);
  const clusterIds = new Set(stats.items.map((s) => s.cluster_id));
  assert.equal(clusterIds.size, 15, 'one row per cluster');
  const sum = stats.items.reduce((a, s) => a + s.revenue, 0);
  assert.ok(Math.abs(sum - 19900) < 0.01, `sum ${sum}`);
  const weighted = (field) => stats.items.reduce((a, s) => a + s.revenue * s[field], 0) / sum;
  const strategic = weighted('strategic_share');
  const hightech = weighted('hightech_share');
  assert.ok(Math.abs(strategic - 41.4) < 0.05, `strategic ${strategic}`);
  assert.ok(Math.abs(hightech - 51.8) < 0.05, `hightech ${hightech}`);
  for (const s of stats.items) assert.ok(s._labels.cluster_id, 'label of the cluster');
});

test('/metrics is Prometheus text with request counters per route', async () => {
  for (let i = 0; i < 3; i++) await admin.get('/api/v1/chain?size=1');
  await admin.get('/api/v1/chain/99999999');
  const r = await w.client().get('/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const lines = r.text.split('\n').filter((l) => l.length);
  for (const l of lines) {
    if (l.startsWith('#')) {
      assert.match(l, /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/, l);
    } else {
      assert.match(l, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (?:[-+0-9.eE]+|[+-]Inf|NaN)$/, l);
    }
  }
  assert.ok(lines.includes('# TYPE xinzhi_http_requests_total counter'));
  const m = /^xinzhi_http_requests_total\{route="GET \/api\/v1\/:entity",status="2xx"\} (\d+)$/m.exec(r.text);
  assert.ok(m, r.text.slice(0, 1500));
  assert.ok(Number(m[1]) >= 3);
  assert.match(r.text, /^xinzhi_http_requests_total\{route="GET \/api\/v1\/:entity\/:id",status="4xx"\} [1-9]\d*$/m);
  assert.match(r.text, /^xinzhi_http_requests_total\{route="POST \/api\/v1\/auth\/login",status="2xx"\} [1-9]\d*$/m);
  assert.match(r.text, /^xinzhi_http_request_duration_seconds_count\{route="GET \/api\/v1\/:entity"\} [1-9]\d*$/m);
  assert.match(r.text, /^xinzhi_http_request_duration_seconds_bucket\{route="GET \/api\/v1\/:entity",le="\+Inf"\} [1-9]\d*$/m);
});

test('unknown paths outside the API are 404 JSON', async () => {
  const r = await w.client().get('/api/nothing');
  assert.equal(r.status, 404);
  assert.equal(r.code, 'not_found');
});

test('server stops cleanly', async () => {
  await w.stop();
});
