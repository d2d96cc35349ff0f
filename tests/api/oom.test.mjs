// Out of memory: failures injected in the fallible allocations of the
// allocator wrapper (src/core/mem.c: uploaded bodies and all of SQLite's
// memory; XINZHI_FAULT_ALLOC in test builds) on the import and API paths.
// Each must end in an error answer or exit status, never a crash, a leak
// (ASan checks at exit) or a half-written import; the database passes
// `xinzhi check` afterwards.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { World, makeUscc, runCli, startServer, cloneDatabase, dropDatabase } from './harness.mjs';

const ROWS = 120;
let w;
let csvPath;

before(() => {
  w = new World('oom');
  w.seed();
  let csv = '企业名称,统一社会信用代码,所在区划,从业人数\r\n';
  for (let i = 0; i < ROWS; i++) csv += `内存测试企业${i}有限公司,${makeUscc('320214')},320214,${i}\r\n`;
  csvPath = path.join(w.dir, 'rows.csv');
  fs.writeFileSync(csvPath, csv);
});
after(async () => { await w?.teardown(); });

const made = (stderr) => Number(/fallible allocations: (\d+) made/.exec(stderr)?.[1] ?? NaN);
// rows of a database whose name holds marker, through an export
function rowsIn(db, marker) {
  const out = path.join(w.dir, 'count.csv');
  const r = runCli(['--db', db, 'export', 'enterprise', '-o', out, '--format', 'csv']);
  assert.equal(r.status, 0, r.stderr);
  return fs.readFileSync(out, 'utf8').split('\n').filter((l) => l.includes(marker)).length;
}

test('a CLI import hit by one failed allocation anywhere ends in an error and writes nothing', () => {
  const full = w.cli(['import', 'enterprise', csvPath, '--dry-run'],
    { env: { XINZHI_FAULT_ALLOC: 'after:1000000000' } });
  assert.equal(full.status, 0, full.stderr);
  const total = made(full.stderr);
  assert.ok(total > 1000, `only ${total} fallible allocations in an import`);
  // 40 points spread over the whole import: opening, reading, validating,
  // writing, committing, auditing
  const outcomes = { failed: 0, done: 0 };
  for (let k = 1; k <= 40; k++) {
    const n = Math.max(1, Math.floor((total * k) / 41));
    const copy = cloneDatabase(w.db, w.dir, 'point');
    const r = runCli(['--db', copy, 'import', 'enterprise', csvPath],
      { env: { XINZHI_FAULT_ALLOC: String(n) } });
    assert.ok(r.status === 0 || r.status === 1, `N=${n}: exit ${r.status} ${r.signal}\n${r.stderr}`);
    const rows = rowsIn(copy, '内存测试企业');
    if (r.status === 0) {
      // a failure SQLite works around (its page cache spills instead)
      assert.equal(rows, ROWS, `N=${n}: the import said done`);
      outcomes.done++;
    } else {
      assert.match(r.stderr, /^xinzhi: .+/m, `N=${n}: no error message\n${r.stderr}`);
      assert.equal(rows, 0, `N=${n}: a failed import left ${rows} rows\n${r.stderr}`);
      outcomes.failed++;
    }
    const check = runCli(['--db', copy, 'check'], { check: false, cwd: w.dir });
    assert.equal(check.status, 0, `N=${n}: ${check.stderr}`);
    dropDatabase(copy);
  }
  console.log(`import: ${total} fallible allocations; ${outcomes.failed} injected failures ended in an error, ${outcomes.done} completed`);
});

test('a server failing every N-th allocation answers errors, never crashes or leaks', async () => {
  // how many fallible allocations starting up takes, to begin injecting after it
  const probe = await startServer(w.db, { env: { XINZHI_FAULT_ALLOC: 'after:1000000000' } });
  await probe.stop();
  const startup = made(probe.stderr);
  assert.ok(startup > 0, probe.stderr);
  const statuses = new Map();
  for (const every of [263, 613, 1999]) {
    w.server = await startServer(w.db,
      { env: { XINZHI_FAULT_ALLOC: `every:${every}@${startup + 200}` } });
    const c = w.client();
    const seen = (r) => {
      assert.ok([200, 201, 401, 500, 503].includes(r.status), `every:${every}: ${r}`);
      if (r.status >= 400) assert.ok(r.body?.error?.code, `every:${every}: an error without a code: ${r}`);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      return r;
    };
    let signedIn = false;
    for (let i = 0; i < 30 && !signedIn; i++)
      signedIn = seen(await c.login('admin', 'Chief-Test-Pass-2024')).status === 200;
    assert.ok(signedIn, `every:${every}: could not sign in 30 times in a row: ${JSON.stringify(Object.fromEntries(statuses))}\n${w.server.stderr.slice(-3000)}`);
    const body = fs.readFileSync(csvPath, 'utf8').replaceAll('内存测试企业', `内存测试${every}号企业`);
    for (let round = 0; round < 6; round++) {
      seen(await c.get('/api/v1/enterprise?size=50&sort=-id'));
      seen(await c.get('/api/v1/talent?size=20'));
      seen(await c.get('/api/v1/enterprise/1'));
      seen(await c.post('/api/v1/enterprise',
        { name: `内存测试新增${every}-${round}有限公司`, uscc: makeUscc('320214'), region_id: 1 }));
      const imp = seen(await c.request('POST', '/api/v1/enterprise/import', body,
        { headers: { 'Content-Type': 'text/csv' } }));
      if (imp.status === 200) break;
    }
    await w.server.stop(); // exit 0 and no ASan or LeakSanitizer report
    assert.ok(made(w.server.stderr) > startup);
    const rows = rowsIn(w.db, `内存测试${every}号企业`);
    assert.ok(rows === 0 || rows === ROWS, `every:${every}: an import left ${rows} of ${ROWS} rows`);
  }
  const check = w.cli(['check'], { check: false });
  assert.equal(check.status, 0, check.stderr);
  console.log(`server answers under injection: ${JSON.stringify(Object.fromEntries(statuses))}`);
});
