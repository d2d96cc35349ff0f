// A full disk: the server runs on a database inside a small tmpfs (mounted
// in a private mount namespace with `unshare`, so no privilege is needed and
// nothing is left mounted), writes until the file system refuses them, and
// must answer each refused write with 507 and a clear Chinese message while
// reads go on; once space is freed, writes succeed again. Afterwards
// `xinzhi check` passes inside the namespace and every acknowledged write is
// there.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, Client, Server, World, assertNoSanitizerReport, childEnv, freePort, makeUscc,
  ADMIN_PASSWORD, ON_PG } from './harness.mjs';

const canUnshare = spawnSync('unshare', ['-rm', 'true']).status === 0;

// Runs inside the namespace: mount, copy the seeded database in beside a
// filler file, serve; SIGUSR1 deletes the filler (frees space), SIGTERM stops
// the server; then `xinzhi check` on the database before the mount goes.
const SCRIPT = `
set -e
mount -t tmpfs -o size="$SIZE" tmpfs "$MNT"
cp "$SRC" "$MNT/xinzhi.db"
head -c "$FILLER" /dev/zero > "$MNT/filler"
set +e
"$BIN" --db "$MNT/xinzhi.db" serve --listen "127.0.0.1:$PORT" --threads 2 &
pid=$!
trap 'rm -f "$MNT/filler"' USR1
trap 'kill -TERM $pid' TERM
rc=0
while kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done
echo $rc > "$OUT/serve.rc"
"$BIN" --db "$MNT/xinzhi.db" check > "$OUT/check.out" 2>&1
echo $? > "$OUT/check.rc"
`;

let w;
before(() => {
  w = new World('diskfull');
  w.seed();
});
after(async () => { await w?.teardown(); });

test('a full disk gives 507 with a clear message, keeps reads going, and loses nothing', { skip: (ON_PG && 'the full disk here is a tmpfs under the SQLite file; PostgreSQL reports its own (SQLSTATE 53100), which the store maps to the same 507') || (!canUnshare && 'unshare -rm is not permitted here') }, async () => {
  const mnt = path.join(w.dir, 'mnt');
  fs.mkdirSync(mnt);
  w.cli(['check']); // checkpoints the WAL into the file we copy
  const dbSize = fs.statSync(w.db).size;
  const port = await freePort();
  const child = spawn('unshare', ['-rm', 'sh', '-c', SCRIPT], {
    env: childEnv({
      BIN, MNT: mnt, SRC: w.db, OUT: w.dir, PORT: String(port),
      // the database, its WAL headroom, and 2 MB of filler to free later
      SIZE: String(dbSize + 3 * 1024 * 1024), FILLER: String(2 * 1024 * 1024),
      XINZHI_KEY_FILE: `${w.db}.key`,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = new Server(child, port);
  await server.waitReady();
  const admin = new Client(server.base);
  assert.equal((await admin.login('admin', ADMIN_PASSWORD)).status, 200);
  const region = (await admin.list('region', { code: '320214' })).items[0].id;
  const big = '集成电路设计与制造'.repeat(55); // 495 characters, near the field's limit

  const acked = [];
  let full = null;
  for (let i = 0; i < 20000 && !full; i++) {
    const r = await admin.post('/api/v1/enterprise', {
      name: `磁盘测试企业${i}有限公司`, uscc: makeUscc('320214'), region_id: region,
      main_products: big, address: big.slice(0, 190),
    });
    if (r.status === 201) acked.push(r.body.id);
    else full = r;
  }
  assert.ok(full, 'the tmpfs never filled up');
  assert.equal(full.status, 507, String(full));
  assert.equal(full.body.error.code, 'storage_full');
  assert.match(full.body.error.message, /磁盘空间已满/);
  assert.ok(acked.length > 10, `only ${acked.length} writes fit`);
  console.log(`${acked.length} writes fit in ${dbSize + 3 * 1024 * 1024} bytes; then: ${full.body.error.message}`);

  // reads go on, and later writes are refused the same way, not crashed on
  assert.equal((await admin.list('enterprise', { size: 5 })).items.length, 5);
  assert.equal((await admin.get(`/api/v1/enterprise/${acked.at(-1)}`)).status, 200);
  const again = await admin.post('/api/v1/enterprise',
    { name: '磁盘测试再写有限公司', uscc: makeUscc('320214'), region_id: region, main_products: big });
  assert.equal(again.status, 507, String(again));

  // space comes back: writes work again
  child.kill('SIGUSR1');
  let ok = null;
  for (let i = 0; i < 50 && !ok; i++) {
    const r = await admin.post('/api/v1/enterprise',
      { name: `磁盘恢复后企业${i}有限公司`, uscc: makeUscc('320214'), region_id: region });
    if (r.status === 201) ok = r;
    else await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(ok, 'writes did not resume after space was freed');
  acked.push(ok.body.id);
  for (const id of acked) assert.equal((await admin.get(`/api/v1/enterprise/${id}`)).status, 200, `enterprise ${id}`);
  // the refused writes left nothing behind
  for (const name of [`磁盘测试企业${acked.length - 1}有限公司`, '磁盘测试再写有限公司'])
    assert.equal((await admin.list('enterprise', { q: name })).total, 0, name);

  child.kill('SIGTERM');
  await server.exitPromise;
  assertNoSanitizerReport(server.stderr, 'xinzhi serve');
  assert.equal(fs.readFileSync(path.join(w.dir, 'serve.rc'), 'utf8').trim(), '0', server.stderr);
  const check = fs.readFileSync(path.join(w.dir, 'check.out'), 'utf8');
  assert.equal(fs.readFileSync(path.join(w.dir, 'check.rc'), 'utf8').trim(), '0', check);
  assert.match(check, /数据库文件完整，外键一致/);
  assert.match(check, /哈希链校验通过/);
});
