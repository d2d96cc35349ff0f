// Two `xinzhi serve` processes over one database stay correct together: a
// session made on one is honoured by the other (sessions live in the
// database), a write through one is in the very next match answer of the
// other (its in-memory index follows the change feed), both answer the same
// ranking, and the version check holds across them (no lost update).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client, World, startServer } from './harness.mjs';

const w = new World('multiprocess');
let a, b, serverB;

before(async () => {
  w.seed();
  await w.start();
  serverB = await startServer(w.db);
  a = await w.login('admin');
  b = new Client(serverB.base);
  assert.equal((await b.login('admin', 'Chief-Test-Pass-2024')).status, 200);
});

after(async () => {
  try {
    if (serverB && !serverB.exited) await serverB.stop();
  } finally {
    serverB?.kill();
    await w.teardown();
  }
});

const matches = async (c, needId) => {
  const r = await c.get(`/api/v1/need/${needId}/matches?k=20`);
  assert.equal(r.status, 200, String(r));
  return r.body.items.map((it) => ({ id: it.id, score: it.score }));
};

test('a session made by one process is honoured by the other', async () => {
  const onB = new Client(serverB.base);
  onB.cookie = a.cookie;
  onB.csrf = a.csrf;
  const me = await onB.get('/api/v1/auth/me');
  assert.equal(me.status, 200, String(me));
  assert.equal(me.body.user.username, 'admin');
});

test('a write through one process is in the next match answer of the other', async () => {
  const needs = (await a.list('need', { status: '开放', size: 40 })).items;
  let need, list;
  for (const n of needs) {
    const l = await matches(b, n.id);
    if (l.length >= 3 && n.skills?.length) { need = n; list = l; break; }
  }
  assert.ok(need, 'an open need with at least three matches');
  assert.deepEqual(await matches(a, need.id), list, 'both processes rank alike');

  // the last of B's list, given exactly the need's skills through A
  const target = list.at(-1);
  const t = (await a.get(`/api/v1/talent/${target.id}`)).body;
  const r = await a.patch(`/api/v1/talent/${target.id}`, { version: t.version, skills: need.skills });
  assert.equal(r.status, 200, String(r));
  const afterA = await matches(a, need.id);
  const afterB = await matches(b, need.id);
  assert.deepEqual(afterB, afterA, 'B answers what A answers right after A wrote');
  const moved = afterB.find((it) => it.id === target.id);
  assert.ok(moved && moved.score > target.score,
    `talent ${target.id} moved up on B: ${JSON.stringify(moved)} from ${target.score}`);

  // and a talent who left the city, written through B, leaves A's next answer
  const cur = (await b.get(`/api/v1/talent/${target.id}`)).body;
  const left = await b.patch(`/api/v1/talent/${target.id}`, { version: cur.version, status: '已离锡' });
  assert.equal(left.status, 200, String(left));
  const gone = await matches(a, need.id);
  assert.ok(!gone.some((it) => it.id === target.id), 'the talent who left is gone on A');
  assert.deepEqual(gone, await matches(b, need.id));
});

test('the version check holds across processes: one of two concurrent updates wins', async () => {
  const e = (await a.list('enterprise', { size: 1 })).items[0];
  for (let round = 0; round < 5; round++) {
    const cur = (await a.get(`/api/v1/enterprise/${e.id}`)).body;
    const [ra, rb] = await Promise.all([
      a.patch(`/api/v1/enterprise/${e.id}`, { version: cur.version, employees: 1000 + round }),
      b.patch(`/api/v1/enterprise/${e.id}`, { version: cur.version, employees: 2000 + round }),
    ]);
    const statuses = [ra.status, rb.status].sort();
    assert.deepEqual(statuses, [200, 409], `round ${round}: ${ra} / ${rb}`);
    const winner = ra.status === 200 ? 1000 + round : 2000 + round;
    const now = (await b.get(`/api/v1/enterprise/${e.id}`)).body;
    assert.equal(now.employees, winner);
    assert.equal(now.version, cur.version + 1);
  }
});
