// 三权分立 (issue #8, 等保2.0 三级): the system administrator (sysadmin: user
// accounts), the security administrator (secadmin: security policy, the
// role × route matrix) and the audit administrator (auditadmin: the audit
// log and its hash chain) each reach their own functions and nothing else,
// and none of them reads personal data; the business administrator (admin)
// reaches business data only. The role × route matrix is generated from the
// route table (GET /api/v1/meta/routes): every route is called by every
// role and must answer 403 exactly where the role lacks the permission, and
// 401 without a sign-in unless the route is public. Also: the account
// administration API (create with a one-time password, role/region/disable,
// reset, unlock, end sessions, the self and separation rules), the security
// settings API with the CLI's validation, the audit chain check, and the
// accounts `demo --admin` makes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { DEFAULT_PASSWORD, World, sql as dbSql } from './harness.mjs';

const w = new World('separation');
const ADMIN_ROLES = ['sysadmin', 'secadmin', 'auditadmin'];
const CJK = /[\u4e00-\u9fff]/;
let seedOut, admin, sys, sec, aud, personId;

const sqlite = (sql) => {
  const r = dbSql(w.db, sql);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

before(async () => {
  seedOut = w.seed().stdout;
  w.addUser('viewer1', { role: 'viewer' });
  w.addUser('operator1', { role: 'operator' });
  await w.start();
  admin = await w.login('admin');
  sys = await w.loginRole('sysadmin');
  sec = await w.loginRole('secadmin');
  aud = await w.loginRole('auditadmin');
  personId = (await admin.list('person', { size: 1 })).items[0].id;
});

after(() => w.teardown());

test('demo --admin makes admin (业务管理员) and the three administrators with one-time passwords', async () => {
  assert.match(seedOut, /业务管理员账号：admin/);
  assert.equal(admin.user.role_label, '业务管理员');
  for (const role of ADMIN_ROLES) {
    const m = new RegExp(`${role}\\n一次性密码：([A-Za-z2-9]{16})`).exec(seedOut);
    assert.ok(m, `${role} and its password printed:\n${seedOut}`);
    const c = w.client();
    const r = await c.login(role, m[1]);
    assert.equal(r.status, 200, String(r));
    assert.equal(r.body.must_change_password, true, 'a one-time password must be changed');
    assert.equal(r.body.user.role, role);
    // nothing but the password change works until it is done
    assert.equal((await c.get('/api/v1/auth/me')).status, 200);
    const blocked = await c.get(role === 'sysadmin' ? '/api/v1/users'
      : role === 'secadmin' ? '/api/v1/settings/security' : '/api/v1/audit_log');
    assert.equal(blocked.status, 403, String(blocked));
    assert.equal(blocked.code, 'password_change_required');
  }
  const list = w.cli(['user', 'list']).stdout;
  for (const role of ADMIN_ROLES) assert.match(list, new RegExp(`${role} +${role} .*待改密码`));
});

test('roles: three administrator roles with one permission each, none with business data', async () => {
  const m = await sec.get('/api/v1/meta/routes');
  assert.equal(m.status, 200, String(m));
  const roles = Object.fromEntries(m.body.roles.map((r) => [r.name, r]));
  assert.deepEqual(Object.keys(roles), ['sysadmin', 'secadmin', 'auditadmin', 'admin', 'operator', 'viewer']);
  assert.deepEqual(roles.sysadmin.permissions, ['user.admin']);
  assert.deepEqual(roles.secadmin.permissions, ['security.admin']);
  assert.deepEqual(roles.auditadmin.permissions, ['audit.read']);
  assert.deepEqual(roles.admin.permissions, ['data.read', 'data.write', 'structure.write', 'pii.reveal']);
  assert.equal(roles.sysadmin.label, '系统管理员');
  assert.equal(roles.secadmin.label, '安全管理员');
  assert.equal(roles.auditadmin.label, '审计管理员');
  assert.equal(roles.admin.label, '业务管理员');
  for (const r of Object.values(roles)) assert.match(r.label, CJK);
  // every administrator permission is held by exactly one role
  for (const p of ['user.admin', 'security.admin', 'audit.read']) {
    assert.equal(m.body.roles.filter((r) => r.permissions.includes(p)).length, 1, p);
  }
  for (const c of [sys, sec, aud]) {
    assert.ok(!c.user.permissions.includes('data.read'), c.user.username);
    assert.ok(!c.user.permissions.includes('pii.reveal'), c.user.username);
    assert.equal(c.user.permissions.length, 1);
  }
  // the old role name auditor still makes an audit administrator
  w.addUser('old_auditor', { role: 'auditor' });
  assert.match(w.cli(['user', 'list']).stdout, /old_auditor +auditadmin/);
});

test('each administrator reaches its own functions and nothing else; none reads personal data', async () => {
  const own = {
    sysadmin: ['/api/v1/users', '/api/v1/users/regions'],
    secadmin: ['/api/v1/settings/security', '/api/v1/meta/routes'],
    auditadmin: ['/api/v1/audit_log?size=5', '/api/v1/audit/verify', '/api/v1/audit_log/export?format=csv'],
    admin: ['/api/v1/person?size=1', `/api/v1/person/${personId}/reveal?field=idcard`, '/api/v1/enterprise?size=1',
      '/api/v1/dashboard/overview'],
  };
  const business = ['/api/v1/person?size=1', `/api/v1/person/${personId}`,
    `/api/v1/person/${personId}/reveal?field=idcard`, `/api/v1/person/${personId}/lrmx`,
    '/api/v1/person/export?format=csv', '/api/v1/enterprise?size=1', '/api/v1/talent?size=1',
    '/api/v1/cadre?size=1', '/api/v1/dashboard/overview'];
  const clients = { sysadmin: sys, secadmin: sec, auditadmin: aud, admin };
  for (const [role, c] of Object.entries(clients)) {
    for (const [owner, paths] of Object.entries(own)) {
      for (const p of paths) {
        const r = await c.get(p);
        if (owner === role) assert.equal(r.status, 200, `${role} ${p}: ${r}`);
        else assert.equal(r.status, 403, `${role} must not reach ${p}: ${r}`);
      }
    }
    if (role === 'admin') continue;
    for (const p of business) {
      const r = await c.get(p);
      assert.equal(r.status, 403, `${role} ${p}: ${r}`);
      assert.equal(r.code, 'forbidden');
      assert.match(r.body.error.message, CJK);
    }
  }
  // no write either: a new person, an enterprise change, settings through the
  // generic routes
  for (const c of [sys, sec, aud]) {
    assert.equal((await c.post('/api/v1/person', { name: '某某' })).status, 403);
    assert.equal((await c.post('/api/v1/users', { username: 'x', role: 'viewer' })).status,
      c === sys ? 422 : 403);
  }
  // the denials are audited
  const denied = await aud.list('audit_log', { action: 'access_denied', username: 'secadmin1' });
  assert.ok(denied.total >= business.length, `denials audited: ${denied.total}`);
});

test('sysadmin creates a user with a one-time password shown once; the user must change it', async () => {
  const r = await sys.post('/api/v1/users',
    { username: 'zhang_san', role: 'operator', region_code: '320281', display_name: '张三' });
  assert.equal(r.status, 201, String(r));
  assert.match(r.body.password, /^[A-Za-z2-9]{16}$/);
  assert.match(r.body.message, /只显示这一次/);
  const u = r.body.user;
  assert.equal(u.username, 'zhang_san');
  assert.equal(u.role, 'operator');
  assert.equal(u.role_label, '业务经办人员');
  assert.equal(u.region_code, '320281');
  assert.equal(u.region_name, '江阴市');
  assert.equal(u.display_name, '张三');
  assert.equal(u.must_change_password, true);
  // the password is nowhere in the database, the list or the audit row
  assert.ok(!sqlite('SELECT password_hash FROM user').includes(r.body.password));
  const list = await sys.get('/api/v1/users');
  assert.equal(list.status, 200);
  assert.ok(!list.text.includes(r.body.password));
  const row = list.body.items.find((x) => x.username === 'zhang_san');
  for (const k of ['role', 'region_code', 'disabled', 'locked', 'locked_until', 'totp_enabled', 'last_login_at'])
    assert.ok(k in row, k);
  assert.equal(row.password_hash, undefined);
  // first sign-in: only the password change works
  const c = w.client();
  const first = await c.login('zhang_san', r.body.password);
  assert.equal(first.status, 200);
  assert.equal(first.body.must_change_password, true);
  assert.equal((await c.get('/api/v1/enterprise?size=1')).code, 'password_change_required');
  const ch = await c.post('/api/v1/auth/password', { old_password: r.body.password, new_password: 'Zhang-San-2026' });
  assert.equal(ch.status, 200, String(ch));
  assert.equal((await c.get('/api/v1/enterprise?size=1')).status, 200);
  // refusals: bad name, unknown role or region, duplicate; all in Chinese
  for (const [body, status] of [
    [{ username: 'a', role: 'viewer' }, 422],
    [{ username: 'li_si', role: 'emperor' }, 422],
    [{ username: 'li_si', role: 'viewer', region_code: '999999' }, 422],
    [{ username: 'zhang_san', role: 'viewer' }, 409],
    [{ role: 'viewer' }, 422],
  ]) {
    const bad = await sys.post('/api/v1/users', body);
    assert.equal(bad.status, status, `${JSON.stringify(body)}: ${bad}`);
    assert.match(bad.body.error.message, CJK);
  }
  // audited with the administrator as actor
  const audit = await aud.list('audit_log', { action: 'user_create', username: 'sysadmin1' });
  assert.equal(audit.total, 1);
  assert.equal(JSON.parse(audit.items[0].detail).username, 'zhang_san');
  assert.ok(!audit.items[0].detail.includes(r.body.password));
});

test('sysadmin changes role, region and disabled; disabling ends the sessions', async () => {
  const id = (await sys.get('/api/v1/users')).body.items.find((x) => x.username === 'operator1').id;
  const op = await w.login('operator1');
  const p1 = await sys.patch(`/api/v1/users/${id}`, { role: 'viewer', region_code: '320214' });
  assert.equal(p1.status, 200, String(p1));
  assert.equal(p1.body.role, 'viewer');
  assert.equal(p1.body.region_code, '320214');
  assert.equal((await op.get('/api/v1/auth/me')).status, 401, 'a role change ends the sessions');
  const p2 = await sys.patch(`/api/v1/users/${id}`, { region_code: null, role: 'operator' });
  assert.equal(p2.body.region_code, null);
  assert.equal(p2.body.region_name, '全市');
  const op2 = await w.login('operator1');
  const d = await sys.patch(`/api/v1/users/${id}`, { disabled: true });
  assert.equal(d.status, 200);
  assert.equal(d.body.disabled, true);
  assert.equal((await op2.get('/api/v1/auth/me')).status, 401);
  const refused = await w.client().login('operator1', DEFAULT_PASSWORD);
  assert.equal(refused.status, 401);
  assert.equal((await sys.patch(`/api/v1/users/${id}`, { disabled: false })).body.disabled, false);
  await w.login('operator1');
  // bad input
  for (const body of [{ role: ['viewer', 'sysadmin'] }, { disabled: 'yes' }, { password_hash: 'x' },
    { region_code: '999999' }, { role: 'emperor' }]) {
    const r = await sys.patch(`/api/v1/users/${id}`, body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r}`);
    assert.match(r.body.error.message, CJK);
  }
  assert.equal((await sys.patch('/api/v1/users/999999', { disabled: true })).status, 404);
  const audit = await aud.list('audit_log', { action: 'user_update', entity_id: id, result: 'ok', sort: 'id' });
  assert.ok(audit.total >= 4);
  const first = JSON.parse(audit.items[0].detail);
  assert.equal(first.before.role, 'operator');
  assert.equal(first.after.role, 'viewer');
});

test('separation rules: no own role change, no self-disable, no second administrator role', async () => {
  const users = (await sys.get('/api/v1/users')).body.items;
  const me = users.find((x) => x.username === 'sysadmin1');
  const own = await sys.patch(`/api/v1/users/${me.id}`, { role: 'admin' });
  assert.equal(own.status, 403, String(own));
  assert.match(own.body.error.message, /本人的角色/);
  const off = await sys.patch(`/api/v1/users/${me.id}`, { disabled: true });
  assert.equal(off.status, 403, String(off));
  assert.match(off.body.error.message, /停用本人/);
  // an administrator account never moves to another administrator role
  for (const [name, to] of [['secadmin1', 'auditadmin'], ['auditadmin1', 'sysadmin'], ['secadmin1', 'sysadmin']]) {
    const id = users.find((x) => x.username === name).id;
    const r = await sys.patch(`/api/v1/users/${id}`, { role: to });
    assert.equal(r.status, 422, `${name} → ${to}: ${r}`);
    assert.match(r.body.error.message, /三权分立/);
  }
  assert.equal((await sys.get('/api/v1/users')).body.items.find((x) => x.username === 'secadmin1').role, 'secadmin');
  // nor in two steps, through a business role: the account remembers the
  // administrator role it held (by the API and by `xinzhi user role`)
  w.addUser('secadmin2', { role: 'secadmin' });
  const sec = (await sys.get('/api/v1/users')).body.items.find((x) => x.username === 'secadmin2').id;
  assert.equal((await sys.patch(`/api/v1/users/${sec}`, { role: 'viewer' })).status, 200);
  const detour = await sys.patch(`/api/v1/users/${sec}`, { role: 'auditadmin' });
  assert.equal(detour.status, 422, String(detour));
  assert.match(detour.body.error.message, /曾担任安全管理员/);
  const cli = w.cli(['user', 'role', 'secadmin2', '--role', 'sysadmin'], { check: false });
  assert.equal(cli.status, 1, cli.stderr);
  assert.match(cli.stderr, /曾担任/);
  assert.equal((await sys.patch(`/api/v1/users/${sec}`, { role: 'secadmin' })).status, 200, 'back to its own');
  // one role per account: the answer always carries one role
  assert.equal(typeof me.role, 'string');
  const refusals = await aud.list('audit_log', { action: 'user_update', result: 'refused' });
  assert.ok(refusals.total >= 5, `refusals audited: ${refusals.total}`);
  // a sysadmin cannot reset its own password here either
  assert.equal((await sys.post(`/api/v1/users/${me.id}/reset_password`)).status, 403);
});

test('reset password: one-time, forced change, sessions ended; unlock; end sessions', async () => {
  const id = (await sys.get('/api/v1/users')).body.items.find((x) => x.username === 'viewer1').id;
  const v = await w.login('viewer1');
  const r = await sys.post(`/api/v1/users/${id}/reset_password`);
  assert.equal(r.status, 200, String(r));
  assert.match(r.body.password, /^[A-Za-z2-9]{16}$/);
  assert.equal(r.body.user.must_change_password, true);
  assert.equal((await v.get('/api/v1/auth/me')).status, 401, 'the old session ended');
  assert.equal((await w.client().login('viewer1', DEFAULT_PASSWORD)).status, 401, 'old password gone');
  const c = w.client();
  const li = await c.login('viewer1', r.body.password);
  assert.equal(li.body.must_change_password, true);
  assert.equal((await c.post('/api/v1/auth/password', { old_password: r.body.password, new_password: DEFAULT_PASSWORD })).status, 200);

  // five failures lock the account; sysadmin unlocks it
  for (let i = 0; i < 5; i++) await w.client().login('viewer1', 'Wrong-Pass-999');
  const locked = (await sys.get('/api/v1/users')).body.items.find((x) => x.username === 'viewer1');
  assert.equal(locked.locked, true);
  assert.ok(locked.locked_until > Date.now() / 1000);
  assert.equal((await w.client().login('viewer1', DEFAULT_PASSWORD)).status, 401);
  const un = await sys.post(`/api/v1/users/${id}/unlock`);
  assert.equal(un.status, 200, String(un));
  assert.equal(un.body.user.locked, false);
  const again = await w.login('viewer1');

  // end every session of the user
  const s = await sys.del(`/api/v1/users/${id}/sessions`);
  assert.equal(s.status, 200, String(s));
  assert.ok(s.body.ended >= 1);
  assert.equal((await again.get('/api/v1/auth/me')).status, 401);
  for (const action of ['user_reset_password', 'user_unlock', 'user_sessions_end']) {
    const a = await aud.list('audit_log', { action, entity_id: id, username: 'sysadmin1' });
    assert.equal(a.total, 1, action);
  }
  for (const p of [`/api/v1/users/999999/reset_password`, `/api/v1/users/999999/unlock`]) {
    assert.equal((await sys.post(p)).status, 404);
  }
});

test('secadmin reads and changes the security settings with the CLI\'s validation, all or nothing', async () => {
  const g = await sec.get('/api/v1/settings/security');
  assert.equal(g.status, 200, String(g));
  const byKey = Object.fromEntries(g.body.items.map((x) => [x.key, x]));
  for (const k of ['password_policy', 'password_max_age_days', 'login_max_failures', 'login_lock_minutes',
    'login_rate_per_minute', 'totp_required_roles']) {
    assert.ok(byKey[k], k);
    assert.match(byKey[k].label, CJK);
  }
  assert.equal(byKey.totp_required_roles.default, 'sysadmin,secadmin,auditadmin,admin');
  assert.equal(byKey.login_max_failures.value, '5');
  // one bad value and nothing is stored
  const bad = await sec.patch('/api/v1/settings/security',
    { login_max_failures: 7, password_policy: 'weak', totp_required_roles: 'admin,emperor', nope: 1 });
  assert.equal(bad.status, 422, String(bad));
  assert.deepEqual(bad.details.map((d) => d.field).sort(), ['nope', 'password_policy', 'totp_required_roles']);
  for (const d of bad.details) assert.match(d.message, CJK);
  assert.equal(w.cli(['setting', 'get', 'login_max_failures']).stdout.trim(), '5');
  assert.equal((await sec.patch('/api/v1/settings/security', {})).status, 400);
  assert.equal((await sec.patch('/api/v1/settings/security', { login_lock_minutes: true })).status, 422);
  // a good change takes effect and is audited with before/after
  const ok = await sec.patch('/api/v1/settings/security', { password_policy: 'asvs', login_max_failures: 7 });
  assert.equal(ok.status, 200, String(ok));
  assert.equal(ok.body.items.find((x) => x.key === 'password_policy').value, 'asvs');
  assert.equal(w.cli(['setting', 'get', 'login_max_failures']).stdout.trim(), '7');
  const info = await (await w.login('operator1')).get('/api/v1/auth/security');
  assert.equal(info.body.password_policy.preset, 'asvs');
  const audit = await aud.list('audit_log', { action: 'settings_update', username: 'secadmin1' });
  assert.equal(audit.total, 1);
  assert.deepEqual(JSON.parse(audit.items[0].detail).changes.login_max_failures, { before: '5', after: '7' });
  assert.equal((await sec.patch('/api/v1/settings/security',
    { password_policy: 'dengbao', login_max_failures: '5' })).status, 200);
  // only secadmin: the business and the other administrators get 403
  for (const c of [admin, sys, aud]) {
    assert.equal((await c.patch('/api/v1/settings/security', { login_max_failures: 9 })).status, 403);
  }
});

test('the role × route matrix from the route table: 403 exactly where the role lacks the permission', async () => {
  const m = await sec.get('/api/v1/meta/routes');
  const routes = m.body.routes;
  const roles = m.body.roles.map((r) => r.name);
  const known = new Set(['public', 'signed_in', 'none', ...m.body.permissions.map((p) => p.name)]);
  // every route of the table is there, and names a permission
  const doc = (await w.client().get('/api/v1/openapi.json')).body;
  const openapiOps = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
  assert.ok(routes.length >= 60, `routes: ${routes.length}`);
  assert.ok(openapiOps > 0);
  for (const r of routes) {
    assert.ok(known.has(r.permission), `${r.method} ${r.path}: ${r.permission}`);
    assert.match(r.summary, CJK);
    for (const role of r.roles) assert.ok(roles.includes(role));
    // no administrator role reaches business data or personal data
    if (['data.read', 'data.write', 'structure.write', 'pii.reveal'].includes(r.permission)) {
      for (const a of ADMIN_ROLES) assert.ok(!r.roles.includes(a), `${a} on ${r.method} ${r.path}`);
    }
  }
  assert.ok(routes.filter((r) => r.public).every((r) => ['/healthz', '/metrics', '/api/v1/openapi.json',
    '/api/v1/auth/login'].includes(r.path)), 'only the documented public routes');
  // a bearer token for each role (no CSRF, no TOTP, logout leaves it valid)
  const users = { sysadmin: 'sysadmin1', secadmin: 'secadmin1', auditadmin: 'auditadmin1', admin: 'admin',
    operator: 'operator1', viewer: 'viewer1' };
  assert.deepEqual(Object.keys(users).sort(), [...roles].sort(), 'a user for every role');
  const clients = Object.fromEntries(Object.entries(users).map(([role, u]) => [role, w.client({ bearer: w.token(u) })]));
  const anon = w.client();
  let calls = 0;
  for (const r of routes) {
    if (r.public) continue;
    const entity = r.entities?.[0] ?? 'person';
    const path = r.path.replace(':entity', entity).replace(':id', '999999');
    const body = r.method === 'GET' || r.method === 'DELETE' ? undefined
      : path.endsWith('/import') || path.endsWith('/import_lrmx') ? '' : {};
    const opts = body === '' ? { headers: { 'content-type': 'text/csv' } } : {};
    const a = await anon.request(r.method, path, body, opts);
    assert.equal(a.status, 401, `anonymous ${r.method} ${path}: ${a}`);
    for (const role of roles) {
      const res = await clients[role].request(r.method, path, body, opts);
      calls++;
      if (r.roles.includes(role)) {
        assert.ok(res.status !== 401 && res.status !== 403,
          `${role} holds ${r.permission} for ${r.method} ${path} but got ${res}`);
      } else {
        assert.equal(res.status, 403, `${role} lacks ${r.permission} for ${r.method} ${path}: ${res}`);
        assert.equal(res.code, 'forbidden');
      }
    }
  }
  assert.ok(calls >= 6 * 55, `calls: ${calls}`);
});

test('auditadmin: search, export (itself audited) and the hash-chain check', async () => {
  const s = await aud.list('audit_log', { action: 'login', username: 'admin', 'ts.gte': '2000-01-01', sort: '-id' });
  assert.ok(s.total >= 1);
  for (const row of s.items) assert.equal(row.username, 'admin');
  const q = await aud.list('audit_log', { q: 'zhang_san' });
  assert.ok(q.total >= 1);
  const before = (await aud.list('audit_log', { action: 'export', entity: 'audit_log' })).total;
  const x = await aud.get('/api/v1/audit_log/export?format=xlsx&action=login');
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-disposition'), /attachment/);
  const csv = await aud.get('/api/v1/audit_log/export?format=csv&action=user_create');
  assert.equal(csv.status, 200);
  assert.match(csv.text, /user_create/);
  assert.equal((await aud.list('audit_log', { action: 'export', entity: 'audit_log' })).total, before + 2);
  const v = await aud.get('/api/v1/audit/verify');
  assert.equal(v.status, 200, String(v));
  assert.equal(v.body.ok, true);
  assert.equal(v.body.bad_id, 0);
  assert.ok(v.body.rows > 20);
  assert.equal((await aud.list('audit_log', { action: 'audit_verify' })).items[0].result, 'ok');
  // an edited row is found, through the API as by `xinzhi audit verify`
  sqlite("UPDATE audit_log SET result = 'ok2' WHERE id = 5");
  const broken = await aud.get('/api/v1/audit/verify');
  assert.deepEqual([broken.body.ok, broken.body.bad_id], [false, 5]);
  assert.match(broken.body.message, /校验失败/);
  assert.equal(w.cli(['audit', 'verify']).status, 1);
});

test('server stops cleanly (exit 0, no sanitizer report)', async () => {
  await w.stop();
});
