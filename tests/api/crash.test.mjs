// Crash safety: writers run against the real server, which is killed with
// SIGKILL at a random moment, restarted on the same database and checked:
// `xinzhi check` (SQLite integrity, foreign keys, the audit hash chain)
// passes, and every write the server acknowledged is there. An import
// killed half-way leaves all of its rows or none. XINZHI_CRASH_ROUNDS sets
// the number of rounds (20 here; `make test-reliability` runs 500) and
// XINZHI_CRASH_SEED the random seed, printed so a failure can be replayed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { World, makeUscc, runCli, sql as dbSql, cloneDatabase, withoutForeignKeys, dropDatabase } from './harness.mjs';

const ROUNDS = Number(process.env.XINZHI_CRASH_ROUNDS ?? 20);
const SEED = Number(process.env.XINZHI_CRASH_SEED ?? Date.now() % 1_000_000);
const WRITERS = 4;
const IMPORT_ROWS = 3000;

// a small deterministic generator (mulberry32), so a seed replays a run
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(SEED);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let w;
let regionId;
// id → {name, version, employees}: what the server said it stored
const acked = new Map();
let serial = 0;

before(async () => {
  console.log(`crash test: ${ROUNDS} rounds, seed ${SEED}`);
  w = new World('crash');
  w.seed();
  await w.start();
  const admin = await w.login('admin');
  regionId = (await admin.list('region', { code: '320214' })).items[0].id;
  await w.stop();
});

after(async () => { await w?.teardown(); });

// One writer: creates an enterprise, then updates it with the version it
// holds, over and over; records only what came back acknowledged. Stops at
// the first failed request (the server is gone).
async function writer(client, stop) {
  let mine = null;
  while (!stop.done) {
    try {
      if (!mine || rand() < 0.3) {
        const n = ++serial;
        const name = `崩溃测试企业${n}有限公司`;
        const r = await client.post('/api/v1/enterprise',
          { name, uscc: makeUscc('320214'), region_id: regionId, employees: 0 });
        if (r.status !== 201) {
          assert.ok(r.status >= 500 || r.status === 0, `create: ${r}`);
          return;
        }
        mine = { id: r.body.id, name, version: r.body.version, employees: 0 };
        acked.set(mine.id, { ...mine });
      } else {
        const employees = mine.employees + 1;
        const r = await client.patch(`/api/v1/enterprise/${mine.id}`,
          { version: mine.version, employees });
        if (r.status !== 200) {
          assert.ok(r.status >= 500, `update: ${r}`);
          return;
        }
        mine = { ...mine, version: r.body.version, employees };
        acked.set(mine.id, { ...mine });
      }
    } catch {
      return; // connection reset by the kill
    }
  }
}

async function verify(admin, round) {
  const check = w.cli(['check'], { check: false });
  assert.equal(check.status, 0, `round ${round} (seed ${SEED}): xinzhi check failed:\n${check.stderr}`);
  assert.match(check.stdout, /数据库文件完整/);
  for (const [id, want] of acked) {
    const r = await admin.get(`/api/v1/enterprise/${id}`);
    assert.equal(r.status, 200, `round ${round} (seed ${SEED}): acknowledged enterprise ${id} is gone`);
    assert.equal(r.body.name, want.name);
    // a write after the last acknowledged one may have committed before the
    // kill without its answer arriving: never older than acknowledged
    assert.ok(r.body.version >= want.version,
      `round ${round} (seed ${SEED}): enterprise ${id} is at version ${r.body.version}, ` +
      `${want.version} was acknowledged`);
    if (r.body.version === want.version) assert.equal(r.body.employees, want.employees);
    else assert.ok(r.body.employees > want.employees);
  }
}

test(`${ROUNDS} rounds of SIGKILL under concurrent writes lose no acknowledged write`, async () => {
  for (let round = 1; round <= ROUNDS; round++) {
    const server = await w.start();
    const clients = [];
    for (let i = 0; i < WRITERS; i++) clients.push(await w.login('admin'));
    if (round > 1) await verify(clients[0], round);
    const stop = { done: false };
    const running = clients.map((c) => writer(c, stop));
    await sleep(50 + Math.floor(rand() * 450));
    server.kill();
    stop.done = true;
    await server.exitPromise;
    assert.equal(server.exited.signal, 'SIGKILL');
    await Promise.all(running);
  }
  await w.start();
  await verify(await w.login('admin'), ROUNDS + 1);
  await w.stop();
  assert.ok(acked.size > ROUNDS, `only ${acked.size} writes were acknowledged in ${ROUNDS} rounds`);
  console.log(`${acked.size} enterprises written, each checked after every restart`);
});

test('an import killed at a random moment leaves all of its rows or none', async () => {
  const rounds = Math.max(3, Math.ceil(ROUNDS / 4));
  const outcomes = { all: 0, none: 0 };
  const csvOf = (prefix) => {
    let csv = '企业名称,统一社会信用代码,所在区划,从业人数\r\n';
    for (let i = 0; i < IMPORT_ROWS; i++) csv += `${prefix}${i}有限公司,${makeUscc('320214')},320214,${i}\r\n`;
    return csv;
  };
  // one import left to finish tells how long one takes, so that the kills
  // below land before, during and just after the commit
  await w.start();
  const t0 = Date.now();
  const whole = await (await w.login('admin')).request('POST', '/api/v1/enterprise/import',
    csvOf('导入计时'), { headers: { 'Content-Type': 'text/csv' } });
  const took = Date.now() - t0;
  assert.equal(whole.status, 200, String(whole));
  await w.stop();
  for (let round = 1; round <= rounds; round++) {
    const prefix = `导入崩溃${round}号`;
    const csv = csvOf(prefix);
    const server = await w.start();
    const admin = await w.login('admin');
    const pending = admin.request('POST', '/api/v1/enterprise/import', csv,
      { headers: { 'Content-Type': 'text/csv' } }).catch(() => null);
    await sleep(Math.floor(rand() * took * 1.2));
    server.kill();
    await server.exitPromise;
    const answer = await pending;
    await w.start();
    const check = w.cli(['check'], { check: false });
    assert.equal(check.status, 0, `import round ${round}: xinzhi check failed:\n${check.stderr}`);
    const got = (await (await w.login('admin')).list('enterprise', { q: prefix, size: 1 })).total;
    await w.stop();
    assert.ok(got === 0 || got === IMPORT_ROWS,
      `import round ${round} (seed ${SEED}): ${got} of ${IMPORT_ROWS} rows survived the kill`);
    if (answer && answer.status === 200) assert.equal(got, IMPORT_ROWS, 'an acknowledged import is whole');
    outcomes[got ? 'all' : 'none']++;
  }
  console.log(`import of ${IMPORT_ROWS} rows takes ${took} ms; kills: ${outcomes.all} complete, ${outcomes.none} rolled back`);
});

test('xinzhi check reports a broken reference and a tampered audit row, and exits 1', () => {
  const copy = cloneDatabase(w.db, w.dir, 'broken');
  const sql = (s) => {
    const r = dbSql(copy, s);
    assert.equal(r.status, 0, r.stderr);
  };
  sql(withoutForeignKeys(copy, 'UPDATE enterprise SET region_id = 987654 WHERE id = (SELECT min(id) FROM enterprise);'));
  let r = runCli(['--db', copy, 'check'], { check: false });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /外键不一致：enterprise 表第 \d+ 行引用的 region 记录不存在/);
  sql(withoutForeignKeys(copy, "UPDATE enterprise SET region_id = (SELECT min(id) FROM region); UPDATE audit_log SET detail = 'x' WHERE id = (SELECT max(id) FROM audit_log);"));
  r = runCli(['--db', copy, 'check'], { check: false });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /数据库文件完整，外键一致/);
  assert.match(r.stderr, /审计日志校验失败/);
  dropDatabase(copy);
});
