// Sign-in security of issue #8 (等保2.0 三级): the password policy presets
// (等保 and ASVS, common-password list, user name, periodic change), account
// lockout with one answer for every kind of failure, audited attempts, the
// per-IP login rate limit, a user's own sessions, and the TOTP second factor
// (enrolment, two-step login, replay refused, forced enrolment of admin).
// Settings are changed with `xinzhi setting set` while the server runs: the
// server reads them on each use. Password age uses the test builds' clock
// offset (XINZHI_TEST_CLOCK_OFFSET) on a restarted server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, DEFAULT_PASSWORD, World, totpCode, totpStep, ON_PG, dumpDatabase } from './harness.mjs';

const w = new World('security');
const CJK = /[\u4e00-\u9fff]/;

before(async () => {
  // TOTP stays required of admin (the default); only the rate limit is raised
  w.seed({ settings: { login_rate_per_minute: 6000 } });
  w.addUser('pol_user', { role: 'operator' });
  w.addUser('aged_user', { role: 'operator' });
  w.addUser('locky', { role: 'viewer' });
  w.addUser('sess_user', { role: 'viewer' });
  w.addUser('auditor1', { role: 'auditor' });
  await w.start();
});

after(() => w.teardown());

/** Signs in a non-admin user (no TOTP needed). */
async function signIn(name, password = DEFAULT_PASSWORD) {
  return w.login(name, password);
}

let auditToken;
async function auditRows(params) {
  // the audit administrator must use TOTP by default (totp_required_roles);
  // an API token is not affected by it
  auditToken ??= w.token('auditor1');
  const a = w.client({ bearer: auditToken });
  return (await a.list('audit_log', { ...params, size: 200 })).items;
}

test('等保 preset (default): length, three character classes, user name, common passwords', async () => {
  const c = await signIn('pol_user');
  const info = await c.get('/api/v1/auth/security');
  assert.equal(info.status, 200, String(info));
  assert.equal(info.body.password_policy.preset, 'dengbao');
  assert.equal(info.body.password_policy.min_classes, 3);
  assert.equal(info.body.password_policy.max_age_days, 90);
  assert.match(info.body.password_policy.description, /等保/);

  const change = (pw) => c.post('/api/v1/auth/password',
    { old_password: DEFAULT_PASSWORD, new_password: pw });
  const cases = [
    ['Ab1-xyz', /8到128个字符/],
    ['alllowercase-only', /至少3类/],
    ['lowercase1234', /至少3类/],
    ['My-Pol_User-2024', /用户名/],
    ['Password1', /常见密码/],
    ['Qwerty123', /常见密码/],
  ];
  for (const [pw, re] of cases) {
    const r = await change(pw);
    assert.equal(r.status, 422, `${pw}: ${r}`);
    assert.equal(r.code, 'validation_failed');
    assert.match(r.body.error.message, re, pw);
  }
  const ok = await change('Sturdy-Lamp-77');
  assert.equal(ok.status, 200, String(ok));
  // the CLI applies the same policy
  const cli = w.cli(['user', 'add', 'weak_cli', '--role', 'viewer'], { input: 'onlylowercase\n' });
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /至少3类/);
});

test('ASVS preset: 12 to 128 characters, no composition rule, common list still applies', async () => {
  assert.equal(w.cli(['setting', 'set', 'password_policy', 'asvs']).status, 0);
  try {
    const c = await signIn('pol_user', 'Sturdy-Lamp-77');
    const info = await c.get('/api/v1/auth/security');
    assert.equal(info.body.password_policy.preset, 'asvs');
    assert.equal(info.body.password_policy.min_length, 12);
    const change = (pw) => c.post('/api/v1/auth/password',
      { old_password: 'Sturdy-Lamp-77', new_password: pw });
    let r = await change('Sturdy-Lamp');
    assert.equal(r.status, 422, String(r));
    assert.match(r.body.error.message, /12到128个字符/);
    r = await change('x'.repeat(129));
    assert.equal(r.status, 422, String(r));
    r = await change('qwerty123456');
    assert.equal(r.status, 422, String(r));
    assert.match(r.body.error.message, /常见密码/);
    r = await change('pol_user and friends');
    assert.equal(r.status, 422, String(r));
    assert.match(r.body.error.message, /用户名/);
    // lower case only: fine under ASVS, refused under 等保
    r = await change('purple elephants dance slowly');
    assert.equal(r.status, 200, String(r));
  } finally {
    assert.equal(w.cli(['setting', 'set', 'password_policy', 'dengbao']).status, 0);
  }
  const bad = w.cli(['setting', 'set', 'password_policy', 'weak'], { check: true });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /dengbao/);
});

test('等保 periodic change: a password older than 90 days must be changed at login', async () => {
  await w.stop();
  await w.start({ env: { XINZHI_TEST_CLOCK_OFFSET: String(91 * 86400) } });
  try {
    const c = w.client();
    const r = await c.login('aged_user', DEFAULT_PASSWORD);
    assert.equal(r.status, 200, String(r));
    assert.equal(r.body.must_change_password, true, 'expired password');
    const blocked = await c.get('/api/v1/enterprise?size=1');
    assert.equal(blocked.status, 403);
    assert.equal(blocked.code, 'password_change_required');
    const changed = await c.post('/api/v1/auth/password',
      { old_password: DEFAULT_PASSWORD, new_password: 'Fresh-Season-91' });
    assert.equal(changed.status, 200, String(changed));
    c.csrf = changed.body.csrf_token;
    assert.equal((await c.get('/api/v1/enterprise?size=1')).status, 200);
    const again = await w.client().login('aged_user', 'Fresh-Season-91');
    assert.equal(again.body.must_change_password, false);
  } finally {
    await w.stop();
    await w.start();
  }
  // at today's clock the same kind of account is not expired
  const fresh = await w.client().login('pol_user', 'purple elephants dance slowly');
  assert.equal(fresh.status, 200, String(fresh));
  assert.equal(fresh.body.must_change_password, false);
});

test('lockout: 5 failures lock the account; locked, unknown and wrong answer alike; unlock after the time', async () => {
  assert.equal(w.cli(['setting', 'set', 'login_lock_minutes', '0.05']).status, 0); // 3 seconds
  try {
    const unknown = await w.client().login('nobody_here', 'Wrong-Pass-1');
    assert.equal(unknown.status, 401);
    for (let i = 0; i < 5; i++) {
      const r = await w.client().login('locky', `Wrong-Pass-${i}`);
      assert.equal(r.status, 401, String(r));
      assert.deepEqual(r.body, unknown.body, 'wrong password answers as an unknown user');
    }
    // locked: even the right password gets the same answer
    const locked = await w.client().login('locky', DEFAULT_PASSWORD);
    assert.equal(locked.status, 401, String(locked));
    assert.deepEqual(locked.body, unknown.body, 'locked answers as an unknown user');
    assert.equal(locked.headers.getSetCookie().length, 0);
    assert.match(locked.body.error.message, CJK);

    await new Promise((r) => setTimeout(r, 3500));
    const back = await w.client().login('locky', DEFAULT_PASSWORD);
    assert.equal(back.status, 200, `unlocked after the lock time: ${back}`);
  } finally {
    assert.equal(w.cli(['setting', 'set', 'login_lock_minutes', '15']).status, 0);
  }
  const rows = await auditRows({ username: 'locky' });
  const results = rows.filter((r) => r.action === 'login').map((r) => r.result);
  assert.ok(results.includes('bad_credentials'), results.join());
  assert.ok(results.includes('locked'), results.join());
  assert.ok(results.includes('ok'), results.join());
  assert.ok(rows.some((r) => r.action === 'account_lock' && r.result === 'locked'));
  for (const r of rows.filter((x) => x.action === 'login')) assert.equal(r.ip, '127.0.0.1');
  const lockedRow = rows.find((r) => r.action === 'login' && r.result === 'locked');
  assert.equal(JSON.parse(lockedRow.detail).reason, 'account_locked');
});

test('failures are counted in a row: a success resets the count', async () => {
  for (let i = 0; i < 4; i++) assert.equal((await w.client().login('locky', 'Nope-Pass-1')).status, 401);
  assert.equal((await w.client().login('locky', DEFAULT_PASSWORD)).status, 200);
  for (let i = 0; i < 4; i++) assert.equal((await w.client().login('locky', 'Nope-Pass-1')).status, 401);
  assert.equal((await w.client().login('locky', DEFAULT_PASSWORD)).status, 200, 'not locked');
});

test('sessions: list own sessions, end another one, end the current one', async () => {
  const a = await signIn('sess_user');
  const b = w.client();
  assert.equal((await b.request('POST', '/api/v1/auth/login',
    { username: 'sess_user', password: DEFAULT_PASSWORD },
    { headers: { 'User-Agent': 'SecondDevice/1.0' } })).status, 200);
  b.csrf = (await b.get('/api/v1/auth/me')).body.csrf_token;
  const other = await signIn('locky');

  const list = await a.get('/api/v1/auth/sessions');
  assert.equal(list.status, 200, String(list));
  const items = list.body.items;
  assert.ok(items.length >= 2, JSON.stringify(items));
  for (const s of items) {
    for (const k of ['id', 'created_at', 'last_seen_at', 'ip', 'user_agent', 'current']) assert.ok(k in s, k);
    assert.equal(s.ip, '127.0.0.1');
  }
  assert.equal(items.filter((s) => s.current).length, 1);
  const bSession = items.find((s) => s.user_agent === 'SecondDevice/1.0');
  assert.ok(bSession && !bSession.current, JSON.stringify(items));

  // another user's session cannot be seen or ended
  const otherId = (await other.get('/api/v1/auth/sessions')).body.items.find((s) => s.current).id;
  assert.ok(!items.some((s) => s.id === otherId));
  const foreign = await a.del(`/api/v1/auth/sessions/${otherId}`);
  assert.equal(foreign.status, 404, String(foreign));
  assert.equal((await other.get('/api/v1/auth/me')).status, 200);

  const end = await a.del(`/api/v1/auth/sessions/${bSession.id}`);
  assert.equal(end.status, 200, String(end));
  assert.equal(end.body.current, false);
  assert.equal((await b.get('/api/v1/auth/me')).status, 401, 'the ended session is gone');
  assert.equal((await a.get('/api/v1/auth/me')).status, 200);
  // without CSRF the delete is refused
  const current = (await a.get('/api/v1/auth/sessions')).body.items.find((s) => s.current);
  assert.equal((await a.del(`/api/v1/auth/sessions/${current.id}`, { csrf: false })).status, 403);
  const self = await a.del(`/api/v1/auth/sessions/${current.id}`);
  assert.equal(self.status, 200, String(self));
  assert.equal(self.body.current, true);
  assert.equal(a.cookie, null, 'cookie cleared');
  const rows = await auditRows({ action: 'session_end', username: 'sess_user' });
  assert.equal(rows.length, 2);
});

test('password change ends the other sessions and keeps the caller signed in', async () => {
  const a = await signIn('sess_user');
  const b = await signIn('sess_user');
  const r = await a.post('/api/v1/auth/password',
    { old_password: DEFAULT_PASSWORD, new_password: 'Another-Sess-Pass-9' });
  assert.equal(r.status, 200, String(r));
  a.csrf = r.body.csrf_token;
  assert.equal((await b.get('/api/v1/auth/me')).status, 401, 'other session ended');
  assert.equal((await a.get('/api/v1/auth/me')).status, 200, 'caller continues');
  const items = (await a.get('/api/v1/auth/sessions')).body.items;
  assert.equal(items.length, 1);
  assert.equal(items[0].current, true);
});

test('TOTP: admin is forced to enrol; enrolment with QR; two-step login; a code works once', async () => {
  const c = w.client();
  const first = await c.login('admin', ADMIN_PASSWORD);
  assert.equal(first.status, 200, String(first));
  assert.equal(first.body.user.must_enroll_totp, true);
  assert.equal(first.body.user.totp_enabled, false);
  // nothing else works until TOTP is on
  for (const p of ['/api/v1/enterprise?size=1', '/api/v1/meta/entities', '/api/v1/auth/sessions']) {
    const r = await c.get(p);
    assert.equal(r.status, 403, `${p}: ${r}`);
    assert.equal(r.code, 'totp_enrollment_required');
    assert.match(r.body.error.message, /动态验证码/);
  }
  assert.equal((await c.get('/api/v1/auth/me')).status, 200);
  assert.equal((await c.get('/api/v1/auth/security')).body.totp_required, true);

  const setup = await c.post('/api/v1/auth/totp/setup');
  assert.equal(setup.status, 200, String(setup));
  const { secret, otpauth_uri: uri, qr_svg: qr } = setup.body;
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.equal(uri, `otpauth://totp/xinzhi:admin?secret=${secret}&issuer=xinzhi&algorithm=SHA1&digits=6&period=30`);
  assert.match(qr, /^data:image\/svg\+xml;base64,/);
  const svg = Buffer.from(qr.split(',')[1], 'base64').toString();
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.length > 1000);

  const wrong = await c.post('/api/v1/auth/totp/enable', { code: '000000' === totpCode(secret) ? '111111' : '000000' });
  assert.equal(wrong.status, 422, String(wrong));
  assert.match(wrong.body.error.message, /验证码不正确/);
  const missing = await c.post('/api/v1/auth/totp/enable', {});
  assert.equal(missing.status, 400);

  const step = totpStep();
  const enable = await c.post('/api/v1/auth/totp/enable', { code: totpCode(secret, step) });
  assert.equal(enable.status, 200, String(enable));
  assert.equal(enable.body.user.totp_enabled, true);
  assert.equal(enable.body.user.must_enroll_totp, false);
  assert.equal((await c.get('/api/v1/enterprise?size=1')).status, 200, 'works once enrolled');
  const again = await c.post('/api/v1/auth/totp/setup');
  assert.equal(again.status, 409, 'no second enrolment while on');

  // two-step login: the password alone gives totp_required and no session
  const pwOnly = await w.client().login('admin', ADMIN_PASSWORD);
  assert.equal(pwOnly.status, 200, String(pwOnly));
  assert.deepEqual(Object.keys(pwOnly.body).sort(), ['message', 'totp_required']);
  assert.equal(pwOnly.body.totp_required, true);
  assert.equal(pwOnly.headers.getSetCookie().length, 0, 'no session before the code');
  // a wrong password with a code is still only bad credentials
  const badPw = await w.client().post('/api/v1/auth/login',
    { username: 'admin', password: 'Wrong-Pass-1', totp: totpCode(secret, step + 1) });
  assert.equal(badPw.status, 401);
  assert.equal(badPw.code, 'bad_credentials');

  const login = (code) => w.client().post('/api/v1/auth/login',
    { username: 'admin', password: ADMIN_PASSWORD, totp: code });
  // the code that confirmed enrolment was used: refused
  let r = await login(totpCode(secret, step));
  assert.equal(r.status, 401, String(r));
  assert.match(r.body.error.message, /动态验证码/);
  // the next step's code is within the window
  r = await login(totpCode(secret, step + 1));
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.user.totp_enabled, true);
  assert.equal(r.headers.getSetCookie().length, 1);
  // used once: refused the second time, and so is anything older
  r = await login(totpCode(secret, step + 1));
  assert.equal(r.status, 401, 'replay refused');
  r = await login('12345');
  assert.equal(r.status, 401);
  // codes far from now are refused
  r = await login(totpCode(secret, step + 10));
  assert.equal(r.status, 401);

  const rows = await auditRows({ username: 'admin' });
  assert.ok(rows.some((x) => x.action === 'totp_enable' && x.result === 'ok'));
  assert.ok(rows.some((x) => x.action === 'login' && x.result === 'totp_required'));
  assert.ok(rows.some((x) => x.action === 'login' && x.result === 'bad_credentials' &&
    JSON.parse(x.detail).reason === 'bad_totp'));
  assert.ok(rows.some((x) => x.action === 'login' && x.result === 'ok' && JSON.parse(x.detail).totp));
  // the secret is stored sealed, never in clear: not in the database or its WAL
  if (ON_PG) assert.ok(!dumpDatabase(w.db).includes(secret), 'secret in clear in the database');
  for (const f of ON_PG ? [] : [w.db, `${w.db}-wal`]) {
    if (!fs.existsSync(f)) continue;
    assert.ok(!fs.readFileSync(f).includes(Buffer.from(secret)), `secret in clear in ${f}`);
  }
});

test('roles outside totp_required_roles are not forced; the setting can name them', async () => {
  const op = await signIn('pol_user', 'purple elephants dance slowly');
  assert.equal(op.user.must_enroll_totp, false);
  assert.equal((await op.get('/api/v1/enterprise?size=1')).status, 200);
  assert.equal(w.cli(['setting', 'set', 'totp_required_roles', 'admin,operator']).status, 0);
  try {
    const r = await op.get('/api/v1/enterprise?size=1');
    assert.equal(r.status, 403, String(r));
    assert.equal(r.code, 'totp_enrollment_required');
  } finally {
    assert.equal(w.cli(['setting', 'set', 'totp_required_roles', 'admin']).status, 0);
  }
  assert.equal((await op.get('/api/v1/enterprise?size=1')).status, 200);
  // unknown roles and keys are refused; list shows every setting with its value
  const typo = w.cli(['setting', 'set', 'totp_required_roles', 'admin,operatr']);
  assert.equal(typo.status, 1);
  assert.match(typo.stderr, /未知角色“operatr”/);
  const unknown = w.cli(['setting', 'set', 'no_such_key', '1']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /未知设置项/);
  const list = w.cli(['setting', 'list']);
  assert.equal(list.status, 0);
  for (const k of ['password_policy', 'password_max_age_days', 'login_max_failures',
    'login_lock_minutes', 'login_rate_per_minute', 'totp_required_roles']) assert.match(list.stdout, new RegExp(k));
  assert.equal(w.cli(['setting', 'get', 'totp_required_roles']).stdout.trim(), 'admin');
});

// counts attempts within a minute: under valgrind (make test-valgrind) 15
// sign-ins (argon2 hashing) take longer than that, so the limit is not reached
test('per-IP login rate limit: 10 a minute, then 429 with Retry-After',
  { skip: process.env.XINZHI_VALGRIND === '1' && 'timing: a minute is too short under valgrind' }, async () => {
  assert.equal(w.cli(['setting', 'set', 'login_rate_per_minute', '10']).status, 0);
  try {
    let limited = null;
    for (let i = 0; i < 15 && !limited; i++) {
      const r = await w.client().login('nobody_here', 'Wrong-Pass-1');
      if (r.status === 429) limited = r;
      else assert.equal(r.status, 401, String(r));
    }
    assert.ok(limited, 'a 429 within 15 attempts');
    assert.equal(limited.code, 'rate_limited');
    assert.match(limited.body.error.message, /频繁/);
    const retry = Number(limited.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    // the right password does not get past the limit either
    const ok = await w.client().login('locky', DEFAULT_PASSWORD);
    assert.equal(ok.status, 429);
    const rows = await (async () => {
      assert.equal(w.cli(['setting', 'set', 'login_rate_per_minute', '6000']).status, 0);
      return auditRows({ action: 'login', result: 'rate_limited' });
    })();
    assert.ok(rows.length >= 1);
    assert.equal(rows[0].ip, '127.0.0.1');
  } finally {
    assert.equal(w.cli(['setting', 'set', 'login_rate_per_minute', '6000']).status, 0);
  }
});
