// The audit trail as 等保 三级 asks for it: rows chained with SM3, so that a
// deleted or reordered row (not only an edited one, see crud.test.mjs) is
// reported by `xinzhi audit verify`; no API changes or deletes audit rows;
// a failed login with control characters in the user name neither forges an
// audit row nor a line of the server log; the retention purge keeps at
// least 183 days, deletes only the oldest part of the chain, is audited
// itself, and leaves a chain that still verifies.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { World, makeUscc, sql as dbSql, ON_PG } from './harness.mjs';

const w = new World('audit');
let admin;

const daysAgo = (n) => new Date(Date.now() - n * 86400e3).toISOString().slice(0, 10);
const sqlite = (sql) => {
  const r = dbSql(w.db, sql);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

before(async () => {
  w.seed();
  await w.start();
  admin = await w.login('admin');
});

after(() => w.teardown());

test('rows are chained with SM3', () => {
  const [id, ts, userId, username, ip, action, entity, entityId, result, detail, prev, hash] =
    sqlite("SELECT id, ts, coalesce(user_id, 0), coalesce(username, ''), coalesce(ip, ''), action,"
      + " coalesce(entity, ''), coalesce(entity_id, 0), result, coalesce(detail, ''), prev_hash, hash"
      + ' FROM audit_log ORDER BY id DESC LIMIT 1').split('|');
  assert.ok(Number(id) > 0);
  const text = [prev, ts, userId, username, ip, action, entity, entityId, result, detail].join('\x1f');
  assert.equal(hash, crypto.createHash('sm3').update(text).digest('hex'));
});

test('no API changes or deletes audit rows', async () => {
  const auditor = await w.loginRole('auditadmin');
  const row = (await auditor.list('audit_log', { size: 1 })).items[0];
  // neither the business administrator nor the audit administrator can change a row
  for (const c of [admin, auditor]) {
    assert.equal((await c.patch(`/api/v1/audit_log/${row.id}`, { action: 'x', version: 1 })).status, 403);
    assert.equal((await c.del(`/api/v1/audit_log/${row.id}`)).status, 403);
  }
  const patch = await admin.patch(`/api/v1/audit_log/${row.id}`, { action: 'x', version: 1 });
  assert.ok([403, 405].includes(patch.status), String(patch));
  const del = await admin.del(`/api/v1/audit_log/${row.id}`);
  assert.ok([403, 405].includes(del.status), String(del));
  const post = await admin.post('/api/v1/audit_log', { action: 'login', result: 'ok' });
  assert.ok([403, 405].includes(post.status), String(post));
  const imp = await admin.request('POST', '/api/v1/audit_log/import', 'ts,action\n2020-01-01,login\n',
    { headers: { 'content-type': 'text/csv' } });
  assert.ok([403, 405].includes(imp.status), String(imp));
});

test('control characters in a user name forge neither an audit row nor a log line', async () => {
  const forged = 'ghost\n2026-01-01T00:00:00Z info login ok user=admin\r\x1b[2J';
  const c = w.client();
  const r = await c.login(forged, 'wrong-password-1');
  assert.equal(r.status, 401);
  const rows = sqlite("SELECT count(*) FROM audit_log WHERE username LIKE 'ghost%'");
  assert.ok(Number(rows) <= 1, 'at most the one failure row');
  const log = w.server.stderr;
  for (const line of log.split('\n')) {
    assert.ok(!line.startsWith('2026-01-01T00:00:00Z'), `forged log line: ${line}`);
    assert.ok(!line.includes('\x1b'), 'escape sequences reach the log');
  }
  const v = w.cli(['audit', 'verify']);
  assert.equal(v.status, 0, v.stderr);
});

test('a deleted or reordered row breaks the chain there', async () => {
  const region = (await admin.list('region', { level: '区县' })).items[0];
  for (let i = 0; i < 8; i++) {
    const r = await admin.post('/api/v1/enterprise',
      { name: `审计链测试企业${i}`, uscc: makeUscc(region.code.slice(0, 6)), region_id: region.id });
    assert.equal(r.status, 201, String(r));
  }
  await w.stop();
  // a copy to go back to: a backup file on SQLite (restored with `xinzhi
  // restore`), a copy of the table on PostgreSQL (backups there are pg_dump's)
  const copy = `${w.dir}/audit.copy`;
  const restore = () => {
    if (ON_PG) {
      sqlite('DELETE FROM audit_log; INSERT INTO audit_log SELECT * FROM audit_copy');
    } else {
      const r = w.cli(['restore', copy], { check: false });
      assert.equal(r.status, 0, r.stderr);
    }
  };
  sqlite(ON_PG ? 'CREATE TABLE audit_copy AS SELECT * FROM audit_log' : `VACUUM INTO '${copy}'`);
  const n = Number(sqlite('SELECT count(*) FROM audit_log'));
  assert.ok(n > 5);
  sqlite('DELETE FROM audit_log WHERE id = 4');
  let v = w.cli(['audit', 'verify'], { check: false });
  assert.equal(v.status, 1);
  assert.match(v.stderr, /第 5 条/);

  // restore, then swap two rows' places
  restore();
  sqlite('UPDATE audit_log SET id = -1 WHERE id = 6; UPDATE audit_log SET id = 6 WHERE id = 7;'
    + ' UPDATE audit_log SET id = 7 WHERE id = -1');
  v = w.cli(['audit', 'verify'], { check: false });
  assert.equal(v.status, 1);
  assert.match(v.stderr, /第 6 条/);
  restore();
  if (ON_PG) sqlite('DROP TABLE audit_copy');
  await w.start();
  admin = await w.login('admin');
});

test('the purge keeps at least 183 days and leaves a chain that verifies', async () => {
  const recent = new Date(Date.now() - 30 * 86400e3).toISOString().slice(0, 10);
  const refused = w.cli(['audit', 'purge', '--before', recent], { check: false });
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /至少保留 183 天/);
  const bad = w.cli(['audit', 'purge', '--before', '2026-13-45'], { check: false });
  assert.equal(bad.status, 2);

  // rows written 400 days ago (the test clock), then today's rows
  await w.stop();
  const old = w.cli(['user', 'add', 'olduser', '--role', 'viewer'],
    { input: 'Old-User-Pass-2024\n', env: { XINZHI_TEST_CLOCK_OFFSET: String(-400 * 86400) } });
  assert.equal(old.status, 0, old.stderr);
  const oldRows = Number(sqlite(`SELECT count(*) FROM audit_log WHERE ts < '${daysAgo(300)}'`));
  assert.ok(oldRows >= 1, 'the test clock dated some rows 400 days back');
  const total = Number(sqlite('SELECT count(*) FROM audit_log'));
  const cutoff = new Date(Date.now() - 200 * 86400e3).toISOString().slice(0, 10);
  // the old rows are not the oldest part of the chain: nothing before them is older
  const p = w.cli(['audit', 'purge', '--before', cutoff]);
  const deleted = Number(/审计日志 (\d+) 条/.exec(p.stdout)[1]);
  assert.equal(deleted, 0, 'only a prefix of the chain is ever purged');
  const v = w.cli(['audit', 'verify']);
  assert.match(v.stdout, /哈希链校验通过/);
  assert.equal(Number(sqlite('SELECT count(*) FROM audit_log')), total + 1, 'the purge is audited');
  await w.start();
  admin = await w.login('admin');
});

test('purging an old prefix: the rest verifies from the anchor, the purge row says what went', () => {
  {
    // a fresh database whose first rows the test clock dates 400 days back
    const fresh = new World('audit-old');
    try {
      const r = fresh.cli(['init'], { env: { XINZHI_TEST_CLOCK_OFFSET: String(-400 * 86400) } });
      assert.equal(r.status, 0, r.stderr);
      fresh.cli(['user', 'add', 'a1', '--role', 'viewer'],
        { input: 'Old-User-Pass-2024\n', env: { XINZHI_TEST_CLOCK_OFFSET: String(-400 * 86400) } });
      fresh.cli(['user', 'add', 'a2', '--role', 'viewer'], { input: 'New-User-Pass-2024\n' });
      const q = (sql) => dbSql(fresh.db, sql).stdout.trim();
      const before = Number(q('SELECT count(*) FROM audit_log'));
      const oldCount = Number(q(`SELECT count(*) FROM audit_log WHERE ts < '${daysAgo(300)}'`));
      assert.ok(oldCount >= 1 && oldCount < before);
      const cutoff = new Date(Date.now() - 200 * 86400e3).toISOString().slice(0, 10);
      const p = fresh.cli(['audit', 'purge', '--before', cutoff]);
      assert.match(p.stdout, new RegExp(`审计日志 ${oldCount} 条`));
      const v = fresh.cli(['audit', 'verify']);
      assert.equal(v.status, 0, v.stderr);
      assert.equal(Number(q('SELECT count(*) FROM audit_log')), before - oldCount + 1);
      const detail = JSON.parse(q("SELECT detail FROM audit_log WHERE action = 'audit_purge'"));
      assert.equal(detail.deleted, oldCount);
      assert.match(detail.anchor_hash, /^[0-9a-f]{64}$/);
      // deleting the first remaining row is still caught
      q('DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)');
      const bad = fresh.cli(['audit', 'verify'], { check: false });
      assert.equal(bad.status, 1);
    } finally {
      fresh.teardown();
    }
  }
});
