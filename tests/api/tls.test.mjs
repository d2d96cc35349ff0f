// HTTPS and the transport controls of 等保: `serve --tls-cert/--tls-key`
// answers over TLS 1.2/1.3 only, with HSTS and the security headers, and the
// session cookie marked Secure; plain HTTP to the TLS port gets no answer;
// a half-given TLS option or a file that is not PEM is refused at start; a
// client that sends half a request and then stalls is cut off after
// --timeout (slowloris).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, BIN, Server, World, freePort, runCli } from './harness.mjs';

const w = new World('tls');
let cert;
let key;
let srv;

const env = {
  ...process.env,
  ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=1:abort_on_error=1',
  UBSAN_OPTIONS: process.env.UBSAN_OPTIONS ?? 'halt_on_error=1:print_stacktrace=1',
};

/** An HTTPS request trusting our self-signed certificate. */
function httpsRequest(port, method, p, { body, headers = {}, tlsOptions = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port, method, path: p, ca: cert, servername: 'localhost',
      headers: body ? { 'content-type': 'application/json', ...headers } : headers,
      ...tlsOptions,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    if (body) req.write(JSON.stringify(body));
    req.end();
  });
}

async function startTls(extra = []) {
  const port = await freePort();
  const child = spawn(BIN, ['--db', w.db, 'serve', '--listen', `127.0.0.1:${port}`, '--threads', '2',
    '--tls-cert', path.join(w.dir, 'cert.pem'), '--tls-key', path.join(w.dir, 'key.pem'), ...extra],
  { env, cwd: w.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const s = new Server(child, port);
  for (let i = 0; i < 300; i++) {
    if (s.exited) throw new Error(`serve exited: ${s.stderr}`);
    try {
      const r = await httpsRequest(port, 'GET', '/healthz');
      if (r.status === 200) return s;
    } catch { /* not yet listening */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  s.kill();
  throw new Error(`TLS server did not come up: ${s.stderr}`);
}

before(async () => {
  w.seed();
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-keyout', path.join(w.dir, 'key.pem'), '-out', path.join(w.dir, 'cert.pem'), '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  cert = fs.readFileSync(path.join(w.dir, 'cert.pem'));
  key = fs.readFileSync(path.join(w.dir, 'key.pem'));
  assert.ok(key.length > 0);
  srv = await startTls(['--timeout', '2']);
});

after(async () => {
  if (srv) await srv.stop();
  await w.teardown();
});

test('HTTPS answers with HSTS and the security headers', async () => {
  const r = await httpsRequest(srv.port, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers['strict-transport-security'], /max-age=\d{7,}/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['x-frame-options'], 'DENY');
  assert.ok(r.headers['referrer-policy']);
});

test('the session cookie is Secure, HttpOnly and SameSite=Strict under TLS', async () => {
  const r = await httpsRequest(srv.port, 'POST', '/api/v1/auth/login',
    { body: { username: 'admin', password: ADMIN_PASSWORD } });
  assert.equal(r.status, 200, r.text);
  const cookie = [].concat(r.headers['set-cookie'])[0];
  assert.match(cookie, /; Secure/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
});

test('TLS 1.1 and plain HTTP are refused', async () => {
  await assert.rejects(httpsRequest(srv.port, 'GET', '/healthz',
    { tlsOptions: { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' } }));
  const plain = await new Promise((resolve) => {
    const sock = net.connect(srv.port, '127.0.0.1', () => sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    let got = '';
    sock.on('data', (d) => { got += d.toString('latin1'); });
    sock.on('close', () => resolve(got));
    sock.on('error', () => resolve(got));
    sock.setTimeout(5000, () => sock.destroy());
  });
  assert.doesNotMatch(plain, /HTTP\/1\.1 200/);
});

test('a stalled half request is cut off after --timeout', async () => {
  const started = Date.now();
  const closedAfter = await new Promise((resolve) => {
    const sock = tls.connect({ port: srv.port, host: '127.0.0.1', ca: cert, servername: 'localhost' }, () => {
      sock.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    });
    sock.on('error', () => {});
    sock.on('close', () => resolve(Date.now() - started));
    setTimeout(() => sock.destroy(), 20_000);
  });
  assert.ok(closedAfter < 15_000, `closed after ${closedAfter} ms`);
  assert.ok(closedAfter >= 1_000, `closed too early (${closedAfter} ms)`);
});

test('half-given or non-PEM TLS options are refused at start', () => {
  const a = runCli(['--db', w.db, 'serve', '--listen', '127.0.0.1:1', '--tls-cert', path.join(w.dir, 'cert.pem')],
    { check: false });
  assert.equal(a.status, 2);
  assert.match(a.stderr, /须同时给出/);
  fs.writeFileSync(path.join(w.dir, 'bad.pem'), 'not a certificate');
  const b = runCli(['--db', w.db, 'serve', '--listen', '127.0.0.1:1', '--tls-cert', path.join(w.dir, 'bad.pem'),
    '--tls-key', path.join(w.dir, 'key.pem')], { check: false });
  assert.equal(b.status, 2);
  assert.match(b.stderr, /不是 PEM 格式/);
  const c = runCli(['--db', w.db, 'serve', '--timeout', '0'], { check: false });
  assert.equal(c.status, 2);
  assert.match(c.stderr, /--timeout/);
});
