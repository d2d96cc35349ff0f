// Personal data at rest and the files that carry it (等保 三级): a known
// 身份证号 and mobile are found in clear in none of the database, its WAL and
// a backup; `xinzhi backup` runs while writers go on and gives an encrypted,
// consistent copy that `xinzhi restore` brings back (integrity_check ok,
// every write acknowledged before the backup present); an altered backup or
// one made with another key is refused before anything changes; restore and
// rekey refuse to run beside a server; `xinzhi rekey` reseals every value
// and recomputes the lookup hashes so that the data reads and is found as
// before; a key file that lacks the database's key is refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { World, makeUscc, runCli, sql as dbSql, ON_PG, dumpDatabase, newDatabase } from './harness.mjs';

const w = new World('keys');
let admin;
let person;
let idcard;
let mobile;

const sqlite = (db, sql) => dbSql(db, sql);

/** A new, empty database to restore into, with a copy of the key file
 * keyFrom (none: no key file yet): a file beside the world's on SQLite, a
 * database whose key file is in a dir of its own on PostgreSQL. */
function freshTarget(name, keyFrom) {
  let db;
  let key;
  if (ON_PG) {
    const dir = path.join(w.dir, name);
    fs.mkdirSync(dir);
    db = newDatabase(dir, name);
    key = path.join(dir, 'xinzhi.key');
  } else {
    db = path.join(w.dir, `${name}.db`);
    key = `${db}.key`;
  }
  if (keyFrom) {
    fs.copyFileSync(keyFrom, key);
    fs.chmodSync(key, 0o600);
  }
  return { db, key };
}

/** Nothing was written to a target: no file (SQLite) or no table (PostgreSQL). */
function untouched(db) {
  if (!ON_PG) return !fs.existsSync(db) || fs.statSync(db).size === 0;
  return sqlite(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").stdout.trim() === '0';
}
const contains = (file, text) => fs.existsSync(file) && fs.readFileSync(file).includes(Buffer.from(text));

async function reveal(client, id, field) {
  const r = await client.get(`/api/v1/person/${id}/reveal?field=${field}`);
  assert.equal(r.status, 200, String(r));
  return r.body.value;
}

before(async () => {
  w.seed();
  await w.start();
  admin = await w.login('admin');
  const withMobile = (await admin.list('person', { size: 50 })).items.find((p) => p.mobile);
  assert.ok(withMobile, 'a demo person with a mobile');
  person = withMobile;
  idcard = await reveal(admin, person.id, 'idcard');
  mobile = await reveal(admin, person.id, 'mobile');
  assert.match(idcard, /^\d{17}[\dX]$/);
  assert.match(mobile, /^1\d{10}$/);
});

after(() => w.teardown());

test('no 身份证号 or mobile in clear in the database, its WAL or a backup', async () => {
  // a change while the server runs leaves pages in the WAL
  const r = await admin.patch(`/api/v1/person/${person.id}`, { version: person.version, mobile });
  assert.ok([200, 409].includes(r.status), String(r));
  if (ON_PG) {
    const dump = dumpDatabase(w.db);
    assert.ok(dump.includes('CREATE TABLE public.person'), 'the dump has the tables');
    assert.ok(!dump.includes(idcard), 'the database holds the 身份证号 in clear');
    assert.ok(!dump.includes(mobile), 'the database holds the mobile in clear');
  }
  for (const f of ON_PG ? [] : [w.db, `${w.db}-wal`]) {
    assert.ok(!contains(f, idcard), `${path.basename(f)} holds the 身份证号 in clear`);
    assert.ok(!contains(f, mobile), `${path.basename(f)} holds the mobile in clear`);
  }
  const bak = path.join(w.dir, 'grep.bak');
  w.cli(['backup', bak]);
  const bytes = fs.readFileSync(bak);
  assert.equal(bytes.subarray(0, 6).toString(), 'XZBK1\n');
  assert.ok(!bytes.includes(Buffer.from('SQLite format 3')), 'the backup is not a plain database');
  assert.ok(!bytes.includes(Buffer.from('PGDMP')), 'the backup is not a plain pg_dump');
  assert.ok(!bytes.includes(Buffer.from(idcard)) && !bytes.includes(Buffer.from(mobile)));
  assert.ok(!bytes.includes(Buffer.from('enterprise')), 'not even table names in clear');
});

test('a backup taken under write load restores to a consistent copy', async () => {
  const region = (await admin.list('region', { level: '区县' })).items[0];
  const count = async () => (await admin.list('enterprise', { size: 1 })).total;
  const acknowledged = [];
  let stop = false;
  const writer = async (k) => {
    for (let i = 0; !stop; i++) {
      const r = await admin.post('/api/v1/enterprise', {
        name: `备份压力测试企业${k}-${i}`, uscc: makeUscc(region.code.slice(0, 6)), region_id: region.id,
      });
      if (r.status === 201) acknowledged.push(r.body.id);
    }
  };
  const writers = [writer(1), writer(2), writer(3)];
  await new Promise((r) => setTimeout(r, 300));
  const ackedBefore = [...acknowledged];
  const bak = path.join(w.dir, 'load.bak');
  const b = w.cli(['backup', bak]);
  assert.match(b.stdout, /已备份到/);
  await new Promise((r) => setTimeout(r, 200));
  stop = true;
  await Promise.all(writers);
  assert.ok(acknowledged.length > ackedBefore.length, 'writes went on during the backup');
  const total = await count();

  const { db: target } = freshTarget('restored', w.keyFile);
  const r = runCli(['--db', target, 'restore', bak]);
  assert.equal(r.status, 0, r.stderr);
  const check = runCli(['--db', target, 'check']);
  assert.equal(check.status, 0, check.stdout + check.stderr);
  const restored = Number(sqlite(target, 'SELECT count(*) FROM enterprise WHERE deleted_at IS NULL').stdout);
  assert.ok(restored <= total, `${restored} <= ${total}`);
  const ids = new Set(sqlite(target, 'SELECT id FROM enterprise').stdout.split('\n').filter(Boolean).map(Number));
  for (const id of ackedBefore) assert.ok(ids.has(id), `write ${id} acknowledged before the backup is in it`);
  // the personal data of the copy opens with the same key
  const exp = runCli(['--db', target, 'export', 'person', '--unmasked', '--format', 'csv', '-o', '-']);
  assert.ok(exp.stdout.includes(idcard), 'the restored copy decrypts');
});

test('an altered backup, or one made with another key, is refused and nothing changes', async () => {
  const bak = path.join(w.dir, 'tamper.bak');
  w.cli(['backup', bak]);
  const bytes = fs.readFileSync(bak);
  bytes[bytes.length >> 1] ^= 0x01;
  const bad = path.join(w.dir, 'tampered.bak');
  fs.writeFileSync(bad, bytes);
  const { db: target } = freshTarget('untouched', w.keyFile);
  const r = runCli(['--db', target, 'restore', bad], { check: false });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /已损坏或被改动/);
  assert.ok(untouched(target), 'no database was written');

  const { db: other, key: otherKey } = freshTarget('other');
  runCli(['keygen', otherKey]);
  const o = runCli(['--db', other, 'restore', bak], { check: false });
  assert.equal(o.status, 1);
  assert.match(o.stderr, /另一个数据密钥/);
});

test('restore and rekey refuse to run beside a server', () => {
  const bak = path.join(w.dir, 'busy.bak');
  w.cli(['backup', bak]);
  const r = w.cli(['restore', bak], { check: false });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /请先停止服务/);
  const k = w.cli(['rekey'], { check: false });
  assert.equal(k.status, 1);
  assert.match(k.stderr, /请先停止服务/);
});

test('rekey reseals everything: data reads, is found by 身份证号, old backups need the old key', async () => {
  const oldBak = path.join(w.dir, 'before-rekey.bak');
  w.cli(['backup', oldBak]);
  const oldKey = path.join(w.dir, 'old.key');
  fs.copyFileSync(w.keyFile, oldKey);
  fs.chmodSync(oldKey, 0o600);
  const sealedBefore = sqlite(w.db, `SELECT idcard, idcard_hash FROM person WHERE id = ${person.id}`).stdout;
  await w.stop();

  const r = w.cli(['rekey']);
  assert.match(r.stdout, /已轮换数据密钥：([0-9a-f]{16}) → ([0-9a-f]{16})/);
  assert.notEqual(fs.readFileSync(w.keyFile, 'utf8'), fs.readFileSync(oldKey, 'utf8'));
  assert.equal(fs.readFileSync(w.keyFile, 'utf8').trim().split('\n').length, 2, 'one key left in the file');
  const sealedAfter = sqlite(w.db, `SELECT idcard, idcard_hash FROM person WHERE id = ${person.id}`).stdout;
  assert.notEqual(sealedAfter, sealedBefore);
  assert.equal(sqlite(w.db, "SELECT count(*) FROM audit_log WHERE action = 'rekey'").stdout.trim(), '1');

  await w.start();
  admin = await w.login('admin');
  assert.equal(await reveal(admin, person.id, 'idcard'), idcard);
  assert.equal(await reveal(admin, person.id, 'mobile'), mobile);
  const found = await admin.list('person', { idcard });
  assert.equal(found.total, 1, 'found again through the new lookup hash');
  assert.equal(found.items[0].id, person.id);
  await w.stop();

  const { db: target } = freshTarget('old-backup', w.keyFile);
  const refused = runCli(['--db', target, 'restore', oldBak], { check: false });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /另一个数据密钥/);
  const ok = runCli(['--db', target, 'restore', oldBak], { env: { XINZHI_KEY_FILE: oldKey } });
  assert.equal(ok.status, 0, ok.stderr);
  await w.start();
});

test('a key file without the database key is refused', () => {
  const stray = path.join(w.dir, 'stray.key');
  runCli(['keygen', stray]);
  const r = w.cli(['export', 'person', '-o', '-'], { check: false, env: { XINZHI_KEY_FILE: stray } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /密钥文件与数据库不匹配/);
});
