// Sign-in, sessions, CSRF, bearer tokens, forced password change, roles,
// and the audit rows sign-in leaves behind.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, World, makeUscc } from './harness.mjs';

const w = new World('auth');
let admin; // signed-in admin client
let sampleId; // an enterprise to aim writes at
let xinwu; // region id of 新吴区 (320214)

before(async () => {
  w.seed();
  w.addUser('viewer1', { role: 'viewer' });
  w.addUser('auditor1', { role: 'auditor' });
  w.addUser('newbie', { role: 'operator', mustChange: true, password: 'Initial-Pass-1' });
  await w.start();
  admin = await w.login('admin');
  sampleId = (await admin.list('enterprise', { size: 1 })).items[0].id;
  xinwu = (await admin.list('region', { code: '320214' })).items[0].id;
});

after(() => w.teardown());

test('login answers {user, csrf_token, must_change_password:false} and a strict cookie', async () => {
  const c = w.client();
  const r = await c.login('admin', ADMIN_PASSWORD);
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(Object.keys(r.body).sort(), ['csrf_token', 'must_change_password', 'user']);
  assert.equal(r.body.must_change_password, false);
  assert.match(r.body.csrf_token, /^[0-9a-f]{64}$/);
  assert.equal(r.body.user.username, 'admin');
  assert.equal(r.body.user.role, 'admin');
  assert.ok(Array.isArray(r.body.user.permissions));
  const cookies = r.headers.getSetCookie();
  assert.equal(cookies.length, 1, `one Set-Cookie: ${cookies}`);
  const cookie = cookies[0];
  assert.match(cookie, /^xz_session=[0-9a-f]{64};/);
  assert.match(cookie, /;\s*HttpOnly(;|$)/i);
  assert.match(cookie, /;\s*SameSite=Strict(;|$)/i);
  assert.equal(r.headers.get('cache-control'), 'no-store');

  const me = await c.get('/api/v1/auth/me');
  assert.equal(me.status, 200, String(me));
  assert.equal(me.body.user.username, 'admin');
  assert.equal(me.body.csrf_token, r.body.csrf_token);
});

test('wrong password and unknown user both answer 401 with the same body', async () => {
  const bad = await w.client().login('admin', 'not-the-password');
  const unknown = await w.client().login('nosuchuser', 'not-the-password');
  assert.equal(bad.status, 401, String(bad));
  assert.equal(unknown.status, 401, String(unknown));
  assert.equal(bad.code, 'bad_credentials');
  assert.deepEqual(bad.body, unknown.body);
  assert.match(bad.body.error.message, /[\u4e00-\u9fff]/, 'Chinese message');
  assert.equal(bad.headers.getSetCookie().length, 0, 'no cookie on failure');
  assert.equal(unknown.headers.getSetCookie().length, 0, 'no cookie on failure');
});

test('login with missing fields or a bad body is 400', async () => {
  const c = w.client();
  for (const body of [{}, { username: 'admin' }, { password: ADMIN_PASSWORD },
    { username: '', password: '' }, { username: 'admin', password: 123 }]) {
    const r = await c.post('/api/v1/auth/login', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r}`);
    assert.equal(r.code, 'bad_request');
    assert.match(r.body.error.message, /[\u4e00-\u9fff]/);
  }
  const notJson = await c.post('/api/v1/auth/login', 'username=admin&password=x');
  assert.equal(notJson.status, 400, String(notJson));
  const empty = await c.request('POST', '/api/v1/auth/login');
  assert.equal(empty.status, 400, String(empty));
});

test('no session: 401 on entity routes and auth/me', async () => {
  const c = w.client();
  for (const p of ['/api/v1/enterprise', `/api/v1/enterprise/${sampleId}`, '/api/v1/auth/me',
    '/api/v1/meta/entities']) {
    const r = await c.get(p);
    assert.equal(r.status, 401, `${p}: ${r}`);
    assert.equal(r.code, 'unauthenticated');
    assert.match(r.headers.get('www-authenticate') || '', /Bearer/);
  }
  const post = await c.post('/api/v1/enterprise', { name: 'x' });
  assert.equal(post.status, 401, String(post));
  const garbage = w.client();
  garbage.cookie = 'xz_session=deadbeef';
  assert.equal((await garbage.get('/api/v1/enterprise')).status, 401);
  garbage.cookie = `xz_session=${'0'.repeat(64)}`;
  assert.equal((await garbage.get('/api/v1/enterprise')).status, 401);
});

test('cookie without X-CSRF-Token: 403 csrf_failed on POST, PATCH and DELETE', async () => {
  const body = { name: '无令牌企业', uscc: makeUscc(), region_id: xinwu };
  const post = await admin.post('/api/v1/enterprise', body, { csrf: false });
  assert.equal(post.status, 403, String(post));
  assert.equal(post.code, 'csrf_failed');
  const patch = await admin.patch(`/api/v1/enterprise/${sampleId}`, { version: 1, name: '改名' },
    { csrf: false });
  assert.equal(patch.status, 403, String(patch));
  assert.equal(patch.code, 'csrf_failed');
  const del = await admin.del(`/api/v1/enterprise/${sampleId}`, { csrf: false });
  assert.equal(del.status, 403, String(del));
  assert.equal(del.code, 'csrf_failed');
  const logout = await admin.post('/api/v1/auth/logout', {}, { csrf: false });
  assert.equal(logout.status, 403, String(logout));

  // nothing happened
  const row = await admin.get(`/api/v1/enterprise/${sampleId}`);
  assert.equal(row.status, 200);
  assert.equal(row.body.version, 1);
  assert.notEqual(row.body.name, '改名');
  const none = await admin.list('enterprise', { q: '无令牌企业' });
  assert.equal(none.total, 0);
});

test('cookie with a wrong X-CSRF-Token: 403', async () => {
  const other = await w.login('admin'); // a second session has its own token
  assert.notEqual(other.csrf, admin.csrf);
  for (const token of ['wrong', 'a'.repeat(64), other.csrf]) {
    const r = await admin.patch(`/api/v1/enterprise/${sampleId}`, { version: 1, name: '改名' },
      { csrf: token });
    assert.equal(r.status, 403, `${token}: ${r}`);
    assert.equal(r.code, 'csrf_failed');
  }
  const ok = await admin.get(`/api/v1/enterprise/${sampleId}`);
  assert.equal(ok.body.version, 1);
});

test('GET works with the cookie alone', async () => {
  const r = await admin.get(`/api/v1/enterprise/${sampleId}`, { csrf: false });
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.id, sampleId);
  const l = await admin.get('/api/v1/enterprise?size=5');
  assert.equal(l.status, 200);
  assert.equal(l.body.items.length, 5);
});

test('logout ends the session: the old cookie answers 401', async () => {
  const c = await w.login('admin');
  const oldCookie = c.cookie;
  assert.equal((await c.get('/api/v1/auth/me')).status, 200);
  const r = await c.post('/api/v1/auth/logout', {});
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.body, { ok: true });
  const cleared = r.headers.getSetCookie().join('\n');
  assert.match(cleared, /xz_session=;/);
  assert.match(cleared, /Max-Age=0/i);
  assert.equal(c.cookie, null);

  const stale = w.client();
  stale.cookie = oldCookie;
  for (const p of ['/api/v1/auth/me', '/api/v1/enterprise']) {
    const again = await stale.get(p);
    assert.equal(again.status, 401, `${p}: ${again}`);
    assert.equal(again.code, 'unauthenticated');
  }
  // the other sessions of the same user go on
  assert.equal((await admin.get('/api/v1/auth/me')).status, 200);
});

test('a bearer token from `xinzhi token create` works without CSRF', async () => {
  const token = w.token('admin', ['--name', 'api-test']);
  const c = w.client({ bearer: token });
  const me = await c.get('/api/v1/auth/me');
  assert.equal(me.status, 200, String(me));
  assert.equal(me.body.user.username, 'admin');
  const list = await c.get('/api/v1/enterprise?size=1');
  assert.equal(list.status, 200, String(list));
  const created = await c.post('/api/v1/enterprise',
    { name: '令牌创建的企业', uscc: makeUscc(), region_id: xinwu });
  assert.equal(created.status, 201, String(created));
  assert.equal(created.body.name, '令牌创建的企业');
  const del = await c.del(`/api/v1/enterprise/${created.body.id}`);
  assert.equal(del.status, 200, String(del));

  for (const bad of ['0'.repeat(64), 'nonsense', `${token}x`]) {
    const r = await w.client({ bearer: bad }).get('/api/v1/enterprise');
    assert.equal(r.status, 401, `${bad}: ${r}`);
  }
  const unknownUser = w.cli(['token', 'create', '--user', 'nobody']);
  assert.equal(unknownUser.status, 1, unknownUser.stderr);
});

test('must-change user: only password change works until it is done', async () => {
  const c = w.client();
  const login = await c.login('newbie', 'Initial-Pass-1');
  assert.equal(login.status, 200, String(login));
  assert.equal(login.body.must_change_password, true);

  for (const p of ['/api/v1/enterprise', '/api/v1/meta/entities', `/api/v1/enterprise/${sampleId}`]) {
    const r = await c.get(p);
    assert.equal(r.status, 403, `${p}: ${r}`);
    assert.equal(r.code, 'password_change_required');
  }
  const post = await c.post('/api/v1/enterprise', { name: 'x', uscc: makeUscc(), region_id: xinwu });
  assert.equal(post.status, 403, String(post));
  assert.equal(post.code, 'password_change_required');
  const me = await c.get('/api/v1/auth/me');
  assert.equal(me.status, 200, String(me));
  assert.equal(me.body.must_change_password, true);

  const wrongOld = await c.post('/api/v1/auth/password',
    { old_password: 'Not-The-Old-1', new_password: 'Brand-New-Pass-2' });
  assert.equal(wrongOld.status, 422, String(wrongOld));
  assert.match(wrongOld.body.error.message, /[\u4e00-\u9fff]/);
  const missing = await c.post('/api/v1/auth/password', { old_password: 'Initial-Pass-1' });
  assert.equal(missing.status, 400, String(missing));
  const tooShort = await c.post('/api/v1/auth/password',
    { old_password: 'Initial-Pass-1', new_password: 'short' });
  assert.equal(tooShort.status, 422, String(tooShort));
  const noCsrf = await c.post('/api/v1/auth/password',
    { old_password: 'Initial-Pass-1', new_password: 'Brand-New-Pass-2' }, { csrf: false });
  assert.equal(noCsrf.status, 403, String(noCsrf));
  assert.equal(noCsrf.code, 'csrf_failed');

  const oldCookie = c.cookie;
  const changed = await c.post('/api/v1/auth/password',
    { old_password: 'Initial-Pass-1', new_password: 'Brand-New-Pass-2' });
  assert.equal(changed.status, 200, String(changed));
  assert.equal(changed.body.must_change_password, false);
  assert.match(changed.body.csrf_token, /^[0-9a-f]{64}$/);
  assert.notEqual(c.cookie, oldCookie, 'a fresh session cookie');
  c.csrf = changed.body.csrf_token;

  const list = await c.get('/api/v1/enterprise?size=1');
  assert.equal(list.status, 200, String(list));
  // the session the change was made from was ended and replaced
  const stale = w.client();
  stale.cookie = oldCookie;
  assert.equal((await stale.get('/api/v1/auth/me')).status, 401);
  // old password no longer works, the new one does and needs no change
  assert.equal((await w.client().login('newbie', 'Initial-Pass-1')).status, 401);
  const fresh = await w.client().login('newbie', 'Brand-New-Pass-2');
  assert.equal(fresh.status, 200, String(fresh));
  assert.equal(fresh.body.must_change_password, false);
});

test('viewer can read but gets 403 on writes', async () => {
  const v = await w.login('viewer1');
  assert.equal(v.user.role, 'viewer');
  assert.equal((await v.get('/api/v1/enterprise?size=1')).status, 200);
  const post = await v.post('/api/v1/enterprise', { name: '查询员企业', uscc: makeUscc(), region_id: xinwu });
  assert.equal(post.status, 403, String(post));
  assert.equal(post.code, 'forbidden');
  const patch = await v.patch(`/api/v1/enterprise/${sampleId}`, { version: 1, name: 'x' });
  assert.equal(patch.status, 403, String(patch));
  const del = await v.del(`/api/v1/enterprise/${sampleId}`);
  assert.equal(del.status, 403, String(del));
  const audit = await v.get('/api/v1/audit_log');
  assert.equal(audit.status, 403, String(audit));
});

test('auditor can list audit_log but not enterprise', async () => {
  const a = await w.login('auditor1');
  const audit = await a.get('/api/v1/audit_log?size=5');
  assert.equal(audit.status, 200, String(audit));
  assert.ok(audit.body.total > 0);
  const ent = await a.get('/api/v1/enterprise');
  assert.equal(ent.status, 403, String(ent));
  assert.equal(ent.code, 'forbidden');
  const one = await a.get(`/api/v1/enterprise/${sampleId}`);
  assert.equal(one.status, 403, String(one));
  // the audit log is read-only, even for admin
  const write = await admin.post('/api/v1/audit_log', { action: 'x' });
  assert.equal(write.status, 403, String(write));
  const rowId = audit.body.items[0].id;
  assert.equal((await admin.del(`/api/v1/audit_log/${rowId}`)).status, 403);
});

test('audit_log records sign-in successes and failures', async () => {
  const a = await w.login('auditor1');
  const ok = await a.list('audit_log', { action: 'login', username: 'admin', result: 'ok' });
  assert.ok(ok.total >= 3, `admin logins: ${ok.total}`);
  for (const row of ok.items) {
    assert.equal(row.action, 'login');
    assert.equal(row.username, 'admin');
    assert.equal(row.ip, '127.0.0.1');
    assert.equal(row.result, 'ok');
  }
  const failed = await a.list('audit_log', { action: 'login', username: 'admin', result: 'bad_credentials' });
  assert.ok(failed.total >= 1, 'the wrong-password attempt');
  assert.equal(failed.items[0].ip, '127.0.0.1');
  assert.equal(JSON.parse(failed.items[0].detail).reason, 'bad_password');
  const unknown = await a.list('audit_log', { action: 'login', username: 'nosuchuser' });
  assert.ok(unknown.total >= 1, 'the unknown-user attempt');
  assert.equal(unknown.items[0].result, 'bad_credentials');
  assert.equal(JSON.parse(unknown.items[0].detail).reason, 'unknown_user');
  // denied accesses are audited too
  const denied = await a.list('audit_log', { action: 'access_denied', username: 'viewer1' });
  assert.ok(denied.total >= 1);
});

test('server stops cleanly (exit 0, no sanitizer report)', async () => {
  await w.stop();
  const verify = w.cli(['audit', 'verify']);
  assert.equal(verify.status, 0, verify.stderr);
});

