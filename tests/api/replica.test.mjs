// The PostgreSQL deployment of docs/deployment.md, run for real: a
// streaming replica of the cluster the apipg tests use is made with
// pg_basebackup, follows the writes a server acknowledges, and, promoted
// after the primary is gone from the picture, serves the same data to a
// new server with the same key file (the failover path). PostgreSQL runs only
// (apipg_replica); on SQLite there is no replica to make.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ON_PG, PG_URL, World, freePort, makeUscc, runCli, startServer, sql } from './harness.mjs';

const PGBIN = fs.existsSync('/usr/lib/postgresql/15/bin') ? '/usr/lib/postgresql/15/bin' : null;
const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
const skip = (!ON_PG && 'PostgreSQL only: a streaming replica of the test cluster')
  || (!PGBIN && 'PostgreSQL 15 server binaries are not installed');

function run(argv, what) {
  const [prog, ...args] = [...asPostgres, ...argv];
  const r = spawnSync(prog, args, { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${what}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (fn()) return;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(200);
  }
}

let w;
let standby; // { dir, port, url }
before(async () => {
  if (skip) return;
  w = new World('replica');
  w.seed();
  await w.start();
});
after(async () => {
  if (standby) {
    const [prog, ...args] = [...asPostgres, `${PGBIN}/pg_ctl`, '-D', path.join(standby.dir, 'data'),
      '-m', 'immediate', 'stop'];
    spawnSync(prog, args, { encoding: 'utf8' });
  }
  await w?.teardown();
});

test('a streaming replica follows acknowledged writes and takes over with the same data',
  { skip }, async () => {
    const admin = await w.login('admin');
    const region = (await admin.list('region', { level: '区县' })).items[0];
    const company = async (name) => {
      const r = await admin.post('/api/v1/enterprise',
        { name, uscc: makeUscc(region.code.slice(0, 6)), region_id: region.id });
      assert.equal(r.status, 201, String(r));
      return r.body;
    };
    const before = await company('复制测试甲有限公司');

    // the replica: a base backup of the primary, streaming from it (-R)
    const primary = new URL(PG_URL);
    const dir = path.join(w.dir, 'standby');
    fs.mkdirSync(path.join(dir, 'sock'), { recursive: true });
    fs.chmodSync(w.dir, 0o755);
    fs.chmodSync(dir, 0o755);
    if (asPostgres.length) spawnSync('chown', ['-R', 'postgres', dir]);
    run([`${PGBIN}/pg_basebackup`, '-D', path.join(dir, 'data'), '-R', '-X', 'stream', '--checkpoint=fast', '-h',
      primary.hostname, '-p', primary.port, '-U', 'postgres'], 'pg_basebackup');
    const port = await freePort();
    run([`${PGBIN}/pg_ctl`, '-D', path.join(dir, 'data'), '-l', path.join(dir, 'sock', 'log'), '-w',
      '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${path.join(dir, 'sock')} -c hot_standby=on`,
      'start'], 'start the standby');
    const dbName = w.db.slice(w.db.lastIndexOf('/') + 1);
    standby = { dir, port, url: `postgres://postgres@127.0.0.1:${port}/${dbName}` };

    const onStandby = (q) => sql(standby.url, q);
    assert.equal(onStandby('SELECT pg_is_in_recovery()').stdout.trim(), 't');
    assert.equal(onStandby(`SELECT count(*) FROM enterprise WHERE id = ${before.id}`).stdout.trim(), '1');
    const streaming = sql(w.db, 'SELECT state FROM pg_stat_replication');
    assert.match(streaming.stdout, /streaming/, 'the primary streams to the standby');

    // writes acknowledged after the copy reach the replica by streaming
    const later = await company('复制测试乙有限公司');
    const patched = await admin.patch(`/api/v1/enterprise/${before.id}`,
      { version: before.version, employees: 321 });
    assert.equal(patched.status, 200, String(patched));
    await until('the replica has the later writes', () =>
      onStandby(`SELECT count(*) FROM enterprise WHERE id = ${later.id}`).stdout.trim() === '1'
      && onStandby(`SELECT employees FROM enterprise WHERE id = ${before.id}`).stdout.trim() === '321');
    // a standby is read-only: xinzhi refuses to run its migrations there
    const ro = onStandby("INSERT INTO setting (key, value) VALUES ('x', 'y')");
    assert.notEqual(ro.status, 0);
    assert.match(ro.stderr, /read-only/);

    // failover: the primary's server stops, the replica is promoted, and a
    // server on it (same key file) reads everything the old one acknowledged
    await w.stop();
    run([`${PGBIN}/pg_ctl`, '-D', path.join(dir, 'data'), '-w', 'promote'], 'promote');
    await until('the promoted replica accepts writes',
      () => onStandby('SELECT pg_is_in_recovery()').stdout.trim() === 'f');
    const server = await startServer(standby.url, { cwd: w.dir });
    try {
      const c = new (admin.constructor)(server.base);
      assert.equal((await c.login('admin', 'Chief-Test-Pass-2024')).status, 200);
      const a = await c.get(`/api/v1/enterprise/${before.id}`);
      assert.equal(a.status, 200, String(a));
      assert.equal(a.body.employees, 321);
      assert.equal((await c.get(`/api/v1/enterprise/${later.id}`)).status, 200);
      const person = (await c.list('person', { size: 1 })).items[0];
      const id = await c.get(`/api/v1/person/${person.id}/reveal?field=idcard`);
      assert.equal(id.status, 200, 'personal data opens with the same key file');
      const r = await c.post('/api/v1/enterprise',
        { name: '复制测试丙有限公司', uscc: makeUscc(region.code.slice(0, 6)), region_id: region.id });
      assert.equal(r.status, 201, 'the promoted replica takes writes');
    } finally {
      await server.stop();
    }
    const check = runCli(['--db', standby.url, 'check'], { cwd: w.dir, check: true });
    assert.equal(check.status, 0, check.stderr);
  });
