// Session lifetime is enforced by the server (等保: 会话超时): a session
// idle for more than 30 minutes is over, and so is one older than 12 hours
// however busy it was. The test build's clock offset (XINZHI_TEST_CLOCK_OFFSET,
// compiled only into the sanitized build ctest runs) moves the server's
// clock instead of waiting.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { World } from './harness.mjs';

const w = new World('session-timeout');
const at = (seconds) => ({ env: { XINZHI_TEST_CLOCK_OFFSET: String(seconds) } });

before(() => w.seed());
after(() => w.teardown());

let client;

/** Restarts the server with its clock moved; the signed-in client follows it to the new port. */
async function restartAt(seconds) {
  await w.stop();
  await w.start(at(seconds));
  if (client) client.base = w.base;
}

test('29 idle minutes keep the session, 31 end it', async () => {
  await w.start(at(0));
  const c = client = await w.login('admin');
  await restartAt(29 * 60);
  assert.equal((await c.get('/api/v1/auth/me')).status, 200, 'still alive after 29 minutes');
  await restartAt(29 * 60 + 31 * 60);
  const r = await c.get('/api/v1/auth/me');
  assert.equal(r.status, 401, String(r));
});

test('a busy session still ends 12 hours after sign-in', async () => {
  client = null;
  await restartAt(0);
  const c = client = await w.login('admin');
  // used every 25 minutes for 11 h 50 min: never idle for 30
  for (let t = 25 * 60; t < 11 * 3600 + 50 * 60; t += 25 * 60) {
    await restartAt(t);
    assert.equal((await c.get('/api/v1/auth/me')).status, 200, `alive at ${t / 60} min`);
  }
  await restartAt(11 * 3600 + 50 * 60);
  assert.equal((await c.get('/api/v1/auth/me')).status, 200);
  await restartAt(12 * 3600 + 5 * 60);
  assert.equal((await c.get('/api/v1/auth/me')).status, 401, 'over after 12 hours');
});
