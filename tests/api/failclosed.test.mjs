// An internal error never turns into access: when the server cannot read
// its sessions, tokens or users (here: the tables are renamed away under the
// running server), requests with a valid cookie or bearer token and logins
// with the right password are refused (401/500), never answered with data;
// once the tables are back, the same credentials work again.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, World, sql as dbSql } from './harness.mjs';

const w = new World('failclosed');
let admin;
let token;

const sqlite = (sql) => {
  const r = dbSql(w.db, sql);
  assert.equal(r.status, 0, r.stderr);
};

before(async () => {
  w.seed();
  token = w.token('admin');
  await w.start();
  admin = await w.login('admin');
});

after(() => w.teardown());

test('sessions unreadable: cookie and bearer requests are refused, not served', async () => {
  assert.equal((await admin.get('/api/v1/enterprise?size=1')).status, 200);
  const bearer = w.client({ bearer: token });
  assert.equal((await bearer.get('/api/v1/enterprise?size=1')).status, 200);
  sqlite('ALTER TABLE session RENAME TO session_away; ALTER TABLE api_token RENAME TO api_token_away;');
  try {
    for (const c of [admin, bearer]) {
      const r = await c.get('/api/v1/enterprise?size=1');
      assert.ok([401, 500, 503].includes(r.status), `status ${r.status}`);
      assert.equal(r.body?.items, undefined, 'no data in the answer');
    }
    const write = await admin.post('/api/v1/enterprise', { name: 'x' });
    assert.ok([401, 403, 500, 503].includes(write.status), `status ${write.status}`);
  } finally {
    sqlite('ALTER TABLE session_away RENAME TO session; ALTER TABLE api_token_away RENAME TO api_token;');
  }
  assert.equal((await admin.get('/api/v1/enterprise?size=1')).status, 200);
  assert.equal((await bearer.get('/api/v1/enterprise?size=1')).status, 200);
});

test('users unreadable: the right password does not sign in', async () => {
  sqlite('ALTER TABLE user RENAME TO user_away;');
  try {
    const c = w.client();
    const r = await c.login('admin', ADMIN_PASSWORD);
    assert.ok([401, 500, 503].includes(r.status), `status ${r.status}`);
    assert.equal(c.cookie, null, 'no session cookie');
  } finally {
    sqlite('ALTER TABLE user_away RENAME TO user;');
  }
  const c = w.client();
  assert.equal((await c.login('admin', ADMIN_PASSWORD)).status, 200);
});
