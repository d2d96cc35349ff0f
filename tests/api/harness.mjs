// Shared helpers for the API tests: each test file gets its own temporary
// directory and database, runs the real xinzhi binary (built with ASan and
// UBSan under ctest) through its CLI, and serves it on 127.0.0.1 on a free
// port. Stopping a server asserts that it exits with status 0 and printed
// no sanitizer report, which is how leaks and undefined behaviour in the
// server fail the suite. Temp dirs and processes are removed even when a
// test fails (after hooks, plus a process 'exit' safety net).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const TESTS_DIR = path.resolve(here, '..');
export const REPO_DIR = path.resolve(here, '..', '..');

// ---- preconditions -------------------------------------------------------

if (!fs.existsSync(path.join(TESTS_DIR, 'node_modules', '@apidevtools', 'swagger-parser'))) {
  throw new Error(
    `tests/node_modules is missing (${path.join(TESTS_DIR, 'node_modules')}): ` +
      'run scripts/bootstrap (or `npm ci` in tests/) before the API tests');
}

function findBinary() {
  if (process.env.XINZHI_BIN) return process.env.XINZHI_BIN;
  const fallback = path.join(REPO_DIR, 'build-asan', 'xinzhi');
  if (fs.existsSync(fallback)) return fallback;
  throw new Error('XINZHI_BIN is not set and build-asan/xinzhi does not exist: ' +
    'run the API tests through ctest (cd build-asan && ctest -L api)');
}
export const BIN = findBinary();
if (!fs.existsSync(BIN)) throw new Error(`XINZHI_BIN ${BIN} does not exist: build it first`);

// XINZHI_VALGRIND=1 (make test-valgrind, on a build without ASan) runs every
// server and CLI command under valgrind's memcheck: any invalid access,
// uninitialised read or definite leak makes the process exit 97, which the
// clean-exit assertions below turn into a failed test.
const VALGRIND = process.env.XINZHI_VALGRIND === '1';
const VALGRIND_ARGS = ['-q', '--error-exitcode=97', '--leak-check=full',
  '--show-leak-kinds=definite', '--errors-for-leak-kinds=definite', '--track-origins=yes'];
/** [program, args] that run xinzhi with args, under valgrind when asked. */
// Seeding the demo city is the one command left native: it would take
// minutes per test file under memcheck and is the same code every time.
export function command(args) {
  return VALGRIND && !args.includes('demo') ? ['valgrind', [...VALGRIND_ARGS, BIN, ...args]] : [BIN, args];
}
/** How much longer things take under valgrind (for start-up waits). */
export const SLOWDOWN = VALGRIND ? 20 : 1;

// ---- the database under test: SQLite files, or PostgreSQL ---------------------

// XINZHI_TEST_PG (the base URL of a cluster, such as the throwaway one
// scripts/pg-cluster starts; ctest's apipg_* entries name the file holding it
// in XINZHI_TEST_PG_FILE) runs every world on
// PostgreSQL: each World gets a database of its own, dropped at teardown,
// and its key file in its temp dir (xinzhi.key in the working directory is
// the default for a postgres:// database).
export const PG_URL = process.env.XINZHI_TEST_PG_FILE
  ? fs.readFileSync(process.env.XINZHI_TEST_PG_FILE, 'utf8').trim()
  : (process.env.XINZHI_TEST_PG ?? '');
export const ON_PG = PG_URL !== '';
const isUrl = (db) => /^postgres(ql)?:\/\//.test(db);
const liveDatabases = new Set();
const urlDirs = new Map(); // database URL → the temp dir its key file is in

function psql(url, args, input) {
  return spawnSync('psql', [url, '-qAtX', '-v', 'ON_ERROR_STOP=1', ...args],
    { encoding: 'utf8', input, timeout: 120_000 });
}

function pgAdmin(statement) {
  const r = psql(`${PG_URL}/postgres`, ['-c', statement]);
  if (r.status !== 0) throw new Error(`psql ${statement}: ${r.stderr}`);
  return r.stdout;
}

/** A fresh database for dir: dir/<name>.db, or on PostgreSQL a new database
 * whose key file lives in dir. */
export function newDatabase(dir, name = 'xinzhi') {
  if (!ON_PG) return path.join(dir, `${name}.db`);
  const db = `xz_${name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${crypto.randomBytes(6).toString('hex')}`;
  pgAdmin(`CREATE DATABASE ${db}`);
  const url = `${PG_URL}/${db}`;
  liveDatabases.add(db);
  urlDirs.set(url, dir);
  return url;
}

/** Drops a database newDatabase() made (no-op for SQLite files). */
export function dropDatabase(db) {
  if (!isUrl(db)) return;
  const name = db.slice(db.lastIndexOf('/') + 1);
  pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  liveDatabases.delete(name);
  urlDirs.delete(db);
}

/** The key file xinzhi uses for db by default. */
export function keyFileOf(db) {
  return isUrl(db) ? path.join(urlDirs.get(db), 'xinzhi.key') : `${db}.key`;
}

/** Runs SQL on db with the sqlite3 or psql shell: {status, stdout, stderr},
 * rows one per line, columns separated by '|', as both print them. On
 * PostgreSQL the table name user is quoted, as the program does. */
export function sql(db, query) {
  if (!isUrl(db)) return spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, query], { encoding: 'utf8' });
  return psql(db, ['-c', query.replace(/(?<![."\w])user(?![\w"])/g, '"user"')]);
}

/** A copy of db (no server may be using it) under dir: the file and its
 * key file on SQLite, a database made from db as template on PostgreSQL
 * (same dir, so the same key file). */
export function cloneDatabase(db, dir, name) {
  if (!isUrl(db)) {
    const copy = path.join(dir, `${name}.db`);
    for (const f of ['', '-wal', '-shm']) fs.rmSync(copy + f, { force: true });
    fs.copyFileSync(db, copy);
    fs.copyFileSync(`${db}.key`, `${copy}.key`);
    return copy;
  }
  const copy = newDatabase(dir, name);
  const target = copy.slice(copy.lastIndexOf('/') + 1);
  pgAdmin(`DROP DATABASE ${target}`);
  pgAdmin(`CREATE DATABASE ${target} TEMPLATE ${db.slice(db.lastIndexOf('/') + 1)}`);
  return copy;
}

/** SQL that runs sql with foreign keys unchecked (to break a reference). */
export function withoutForeignKeys(db, statements) {
  return isUrl(db) ? `SET session_replication_role = replica; ${statements}`
    : `PRAGMA foreign_keys=OFF; ${statements}`;
}

/** Everything db holds, as text: sqlite3's .dump, or pg_dump's. */
export function dumpDatabase(db) {
  const r = isUrl(db)
    ? spawnSync('pg_dump', ['--no-owner', db], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    : spawnSync('sqlite3', [db, '.dump'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(r.status, 0, `dump failed: ${r.stderr}`);
  return r.stdout;
}

export const ADMIN_PASSWORD = 'Chief-Test-Pass-2024';
export const DEFAULT_PASSWORD = 'Test-Pass-12345';
/** Settings most test worlds run with (see World.seed). */
export const TEST_SETTINGS = { totp_required_roles: '', login_rate_per_minute: 6000 };

// The sanitizer settings ctest gives the unit tests; defaults when the files
// are run by hand with node --test.
const SANITIZER_ENV = {
  ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=1:abort_on_error=1',
  UBSAN_OPTIONS: process.env.UBSAN_OPTIONS ?? 'halt_on_error=1:print_stacktrace=1',
};

const SANITIZER_RE = /AddressSanitizer|LeakSanitizer|runtime error|UndefinedBehaviorSanitizer/;

/** Fails when a process's stderr carries a sanitizer report. */
export function assertNoSanitizerReport(stderr, what) {
  const m = SANITIZER_RE.exec(stderr);
  assert.ok(!m, `${what}: sanitizer report in stderr:\n${stderr}`);
}

// Environment for child processes: ours plus the sanitizer settings, without
// any XINZHI_* setting of the caller (so no test touches ./xinzhi.db or a
// listen address from the developer's shell).
export function childEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('XINZHI_')) env[k] = v;
  return { ...env, ...SANITIZER_ENV, XINZHI_LOG: 'warn', ...extra };
}

// ---- cleanup safety net -----------------------------------------------------

const liveChildren = new Set();
const liveDirs = new Set();
process.on('exit', () => {
  for (const child of liveChildren) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const dir of liveDirs) {
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
  }
  for (const db of liveDatabases) {
    try { pgAdmin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`); } catch { /* best effort */ }
  }
});

export function makeTempDir(label = 'api') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `xinzhi-${label}-`));
  liveDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

// ---- CLI --------------------------------------------------------------------

/**
 * Runs the binary with args; input goes to stdin (passwords). Returns
 * {status, signal, stdout, stderr}. Asserts that no sanitizer report was
 * printed, so leaks in CLI commands fail too.
 */
export function runCli(args, { input, env = {}, cwd, check = true } = {}) {
  const [prog, argv] = command(args);
  const r = spawnSync(prog, argv, {
    input: input ?? '',
    encoding: 'utf8',
    env: childEnv(env),
    // a PostgreSQL database's key file is xinzhi.key in its world's dir
    cwd: cwd ?? urlDirs.get(args[args.indexOf('--db') + 1]) ?? os.tmpdir(),
    timeout: 120_000 * SLOWDOWN,
  });
  // a command that refuses its arguments exits before reading stdin: writing
  // the password then fails with EPIPE, but the exit status is what counts
  if (r.error && !(r.error.code === 'EPIPE' && r.status !== null)) throw r.error;
  const out = { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  if (check) {
    assertNoSanitizerReport(r.stderr, `xinzhi ${args.join(' ')}`);
    assert.ok(r.signal === null, `xinzhi ${args.join(' ')} died of ${r.signal}:\n${r.stderr}`);
  }
  return out;
}

// ---- ports and the server --------------------------------------------------

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Server {
  constructor(child, port) {
    this.child = child;
    this.port = port;
    this.base = `http://127.0.0.1:${port}`;
    this.stderr = '';
    this.stdout = '';
    this.exited = null; // {code, signal} once the process is gone
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { this.stdout += d; });
    child.stderr.on('data', (d) => { this.stderr += d; });
    this.exitPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exited = { code, signal };
        liveChildren.delete(child);
        resolve(this.exited);
      });
    });
  }

  /** Waits for /healthz; rejects when the process exits or time runs out. */
  async waitReady(timeoutMs = 30_000 * SLOWDOWN) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(`xinzhi serve exited early (${JSON.stringify(this.exited)}):\n${this.stderr}`);
      }
      try {
        const res = await fetch(`${this.base}/healthz`);
        if (res.status === 200) {
          await res.arrayBuffer();
          return;
        }
      } catch { /* not listening yet */ }
      await sleep(50);
    }
    throw new Error(`xinzhi serve did not answer /healthz within ${timeoutMs} ms:\n${this.stderr}`);
  }

  /**
   * SIGTERM, then asserts exit status 0 and no ASan/LSan/UBSan report.
   * Idempotent: later calls only repeat the assertions.
   */
  async stop(timeoutMs = 60_000 * SLOWDOWN) {
    if (!this.exited) {
      this.child.kill('SIGTERM');
      let timer;
      const timeout = new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs, 'timeout'); });
      const r = await Promise.race([this.exitPromise, timeout]);
      clearTimeout(timer);
      if (r === 'timeout') {
        this.child.kill('SIGKILL');
        await this.exitPromise;
        assert.fail(`xinzhi serve did not exit within ${timeoutMs} ms of SIGTERM:\n${this.stderr}`);
      }
    }
    if (process.env.XINZHI_TEST_SHOW_STDERR && this.stderr) process.stderr.write(this.stderr);
    assertNoSanitizerReport(this.stderr, 'xinzhi serve');
    assert.deepEqual(this.exited, { code: 0, signal: null },
      `xinzhi serve should exit 0 after SIGTERM; stderr:\n${this.stderr}`);
  }

  kill() {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** Starts `xinzhi --db DB serve` on a free 127.0.0.1 port and waits for it. */
export async function startServer(db, { threads = 4, env = {}, args = [], cwd } = {}) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const [prog, argv] = command(['--db', db, 'serve', '--listen', `127.0.0.1:${port}`,
      '--threads', String(threads), ...args]);
    const child = spawn(prog, argv, {
      env: childEnv(env),
      cwd: cwd ?? (isUrl(db) ? urlDirs.get(db) : path.dirname(db)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    liveChildren.add(child);
    const server = new Server(child, port);
    try {
      await server.waitReady();
      return server;
    } catch (e) {
      lastError = e;
      server.kill();
      await server.exitPromise;
      // another process took the port between our probe and the bind: retry
      if (!/无法在|Address already in use/.test(server.stderr)) break;
    }
  }
  throw lastError;
}

// ---- HTTP client -------------------------------------------------------------

/** One HTTP answer: status, headers, parsed JSON body (or text). */
export class Reply {
  constructor(res, text) {
    this.status = res.status;
    this.headers = res.headers;
    this.text = text;
    const type = res.headers.get('content-type') || '';
    this.body = undefined;
    if (type.includes('application/json') && text.length) {
      this.body = JSON.parse(text);
    }
  }
  /** error.code of an error body */
  get code() { return this.body?.error?.code; }
  get details() { return this.body?.error?.details ?? []; }
  toString() { return `${this.status} ${this.text.slice(0, 2000)}`; }
}

/**
 * A signed-in (or anonymous) caller. Keeps the session cookie from
 * Set-Cookie and the csrf_token from login, and sends X-CSRF-Token on
 * every non-GET unless told not to. With bearer set, sends
 * Authorization: Bearer instead of the cookie.
 */
export class Client {
  constructor(base, { bearer } = {}) {
    this.base = base;
    this.cookie = null; // "xz_session=…"
    this.csrf = null;
    this.bearer = bearer ?? null;
    this.user = null;
  }

  absorbCookie(res) {
    const cookies = typeof res.headers.getSetCookie === 'function'
      ? res.headers.getSetCookie()
      : [res.headers.get('set-cookie')].filter(Boolean);
    for (const c of cookies) {
      const pair = c.split(';')[0];
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (name !== 'xz_session') continue;
      this.cookie = value && !/max-age=0/i.test(c) ? `${name}=${value}` : null;
    }
  }

  /**
   * method, path (with query), body (object → JSON; string/Buffer sent as is).
   * opts: headers, csrf (false: omit X-CSRF-Token; a string: send that),
   * cookie (false: omit), raw (don't parse).
   */
  async request(method, urlPath, body, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (this.bearer) headers.Authorization = `Bearer ${this.bearer}`;
    if (this.cookie && opts.cookie !== false) headers.Cookie = this.cookie;
    const safe = method === 'GET' || method === 'HEAD';
    if (!safe && opts.csrf !== false) {
      const token = typeof opts.csrf === 'string' ? opts.csrf : this.csrf;
      if (token) headers['X-CSRF-Token'] = token;
    }
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        payload = body;
      } else {
        payload = JSON.stringify(body);
      }
      headers['Content-Type'] ??= 'application/json';
    }
    let res;
    try {
      res = await fetch(this.base + urlPath, { method, headers, body: payload });
    } catch (e) {
      // a kept-alive connection the server closed after its idle timeout
      // while this process was blocked (a synchronous seed of another world):
      // the request never left, so sending it again on a new one is safe
      if (!['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'].includes(e.cause?.code)) throw e;
      res = await fetch(this.base + urlPath, { method, headers, body: payload });
    }
    const text = await res.text();
    this.absorbCookie(res);
    return new Reply(res, text);
  }

  get(p, opts) { return this.request('GET', p, undefined, opts); }
  post(p, body, opts) { return this.request('POST', p, body ?? {}, opts); }
  patch(p, body, opts) { return this.request('PATCH', p, body ?? {}, opts); }
  del(p, opts) { return this.request('DELETE', p, undefined, opts); }

  /** POST /api/v1/auth/login; on 200 keeps the cookie and CSRF token. */
  async login(username, password) {
    const r = await this.post('/api/v1/auth/login', { username, password });
    if (r.status === 200) {
      this.csrf = r.body.csrf_token;
      this.user = r.body.user;
    }
    return r;
  }

  /** GET a list and return the body, asserting 200. */
  async list(entity, params = {}) {
    const qs = new URLSearchParams(params).toString();
    const r = await this.get(`/api/v1/${entity}${qs ? `?${qs}` : ''}`);
    assert.equal(r.status, 200, `GET ${entity}?${qs}: ${r}`);
    return r.body;
  }

  /** Every row of a list, following pages of 200. */
  async listAll(entity, params = {}) {
    const items = [];
    for (let page = 1; ; page++) {
      const b = await this.list(entity, { ...params, size: 200, page });
      items.push(...b.items);
      if (items.length >= b.total || b.items.length === 0) return { items, total: b.total };
    }
  }
}

// ---- one test file's world ---------------------------------------------------

/**
 * A temp dir with a database, the CLI bound to it, and (after start()) a
 * server. setup() seeds the demo city (small) with admin; teardown() stops
 * the server and removes the directory.
 */
export class World {
  constructor(label) {
    this.label = label;
    this.dir = makeTempDir(label);
    this.db = newDatabase(this.dir);
    this.server = null;
  }

  get base() { return this.server.base; }

  /** The key file sealing this world's personal data. */
  get keyFile() { return keyFileOf(this.db); }

  /** SQL on this world's database (see sql()). */
  sql(query) { return sql(this.db, query); }

  /** xinzhi --db <db> args… */
  cli(args, opts = {}) {
    return runCli(['--db', this.db, ...args], { cwd: this.dir, ...opts });
  }

  /**
   * Seeds the demo city with admin. settings are `xinzhi setting set` pairs
   * applied afterwards; by default TOTP is not required of admin and the
   * per-IP login limit is raised, since every test signs in from 127.0.0.1
   * many times (tests/api/security_auth.test.mjs tests both at their
   * defaults).
   */
  seed({ scale = 'small', settings = TEST_SETTINGS } = {}) {
    const r = this.cli(['demo', '--scale', scale, '--admin'],
      { env: { XINZHI_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    assert.equal(r.status, 0, `demo failed:\n${r.stderr}`);
    this.settings(settings);
    return r;
  }

  /** xinzhi setting set k v … for an object of settings (none: no call). */
  settings(obj) {
    const pairs = Object.entries(obj).flat().map(String);
    if (!pairs.length) return;
    const s = this.cli(['setting', 'set', ...pairs]);
    assert.equal(s.status, 0, `setting set failed:\n${s.stderr}`);
  }

  addUser(name, { role, region, mustChange = false, password = DEFAULT_PASSWORD } = {}) {
    const args = ['user', 'add', name, '--role', role];
    if (region) args.push('--region', region);
    if (mustChange) args.push('--must-change');
    const r = this.cli(args, { input: `${password}\n` });
    assert.equal(r.status, 0, `user add ${name} failed:\n${r.stderr}`);
    return r;
  }

  /**
   * A client signed in with one of the separated administrator roles
   * (三权分立: 'sysadmin', 'secadmin', 'auditadmin') or any other role: the
   * account `<role>1` is made with `xinzhi user add` on first use (a console
   * password, so no forced change) and reused afterwards.
   */
  async loginRole(role) {
    const name = `${role}1`;
    this.roleUsers ??= new Set();
    if (!this.roleUsers.has(name)) {
      this.addUser(name, { role });
      this.roleUsers.add(name);
    }
    return this.login(name);
  }

  token(user, extra = []) {
    const r = this.cli(['token', 'create', '--user', user, ...extra]);
    assert.equal(r.status, 0, `token create failed:\n${r.stderr}`);
    const token = r.stdout.trim();
    assert.match(token, /^[0-9a-f]{64}$/);
    return token;
  }

  async start(opts) {
    assert.ok(!this.server || this.server.exited, 'server already running');
    this.server = await startServer(this.db, opts);
    return this.server;
  }

  async stop() {
    if (this.server) await this.server.stop();
  }

  client(opts) { return new Client(this.base, opts); }

  /** A client signed in as username (asserting 200). */
  async login(username, password = username === 'admin' ? ADMIN_PASSWORD : DEFAULT_PASSWORD) {
    const c = this.client();
    const r = await c.login(username, password);
    assert.equal(r.status, 200, `login ${username}: ${r}`);
    return c;
  }

  /** Stops the server (asserting a clean exit) and removes the temp dir. */
  async teardown() {
    try {
      if (this.server && !this.server.exited) await this.server.stop();
    } finally {
      if (this.server) this.server.kill();
      if (this.server && !this.server.exited) await this.server.exitPromise;
      dropDatabase(this.db);
      removeTempDir(this.dir);
    }
  }
}

// ---- data helpers -------------------------------------------------------------

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The GB 32100 check character for the first 17 characters. */
export function usccCheck(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** A fresh valid 统一社会信用代码 (registered in region, default 320214). */
export function makeUscc(region = '320214') {
  let tail = '';
  for (const b of crypto.randomBytes(9)) tail += USCC_ALPHABET[b % 31];
  const first17 = `91${region}${tail}`;
  return first17 + usccCheck(first17);
}

/** The same code with a wrong check character. */
export function badChecksum(uscc) {
  const good = uscc[17];
  const wrong = USCC_ALPHABET[(USCC_ALPHABET.indexOf(good) + 1) % 31];
  return uscc.slice(0, 17) + wrong;
}

// ---- TOTP (RFC 6238), computed here as an authenticator app would -------------

/** Bytes of an RFC 4648 base32 string. */
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = ((value << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit code of a base32 secret for a 30-second time step. */
export function totpCode(secret, step = totpStep()) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = crypto.createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const o = h[h.length - 1] & 15;
  const n = (((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1_000_000;
  return String(n).padStart(6, '0');
}

/** The current time step (unix seconds / 30). */
export function totpStep(now = Date.now()) {
  return Math.floor(now / 1000 / 30);
}

/** Parses an audit row's detail (a JSON string) or returns null. */
export function auditDetail(row) {
  if (!row.detail) return null;
  return JSON.parse(row.detail);
}
