// The documented deployment (docs/deployment.md): deploy/nginx.conf in
// front of two `xinzhi serve` processes over one database. Through nginx a
// user signs in, writes and reads whichever process answers; matching
// answers alike on both; the audit log records the client's address from
// nginx, and a client cannot forge it, neither through nginx nor directly.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, REPO_DIR, World, freePort, makeUscc, startServer } from './harness.mjs';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
const w = new World('deploy');
let servers = [];
let nginx, base;

// deploy/nginx.conf with the test's ports, without TLS and the port-80 block
function siteConfig(ports, listen) {
  let conf = fs.readFileSync(path.join(REPO_DIR, 'deploy', 'nginx.conf'), 'utf8');
  const upstream = /(upstream xinzhi \{)([\s\S]*?)(\n\s*keepalive)/;
  assert.match(conf, upstream, 'deploy/nginx.conf has the upstream block');
  conf = conf.replace(upstream, (_, open, _body, rest) =>
    `${open}\n${ports.map((p) => `    server 127.0.0.1:${p} max_fails=3 fail_timeout=10s;`).join('\n')}${rest}`);
  conf = conf.replace(/server \{\s*listen 80;[\s\S]*?\n\}\n/, '');
  conf = conf.replace(/listen 443 ssl;/, `listen 127.0.0.1:${listen};`);
  conf = conf.split('\n').filter((l) => !/^\s*ssl_/.test(l)).join('\n');
  return conf;
}

before(async () => {
  w.seed();
  const args = ['--trusted-proxy', '127.0.0.1', '--per-ip', '4096'];
  servers = [await startServer(w.db, { args }), await startServer(w.db, { args })];
  w.server = servers[0]; // for w.login and w.loginRole; teardown stops it
  if (!NGINX) return;
  const prefix = path.join(w.dir, 'nginx');
  fs.mkdirSync(prefix);
  const listen = await freePort();
  fs.writeFileSync(path.join(prefix, 'nginx.conf'), `
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fcgi; uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
${siteConfig(servers.map((s) => s.port), listen)}
}
`);
  const check = spawnSync(NGINX, ['-t', '-c', path.join(prefix, 'nginx.conf'), '-p', prefix],
    { encoding: 'utf8' });
  assert.equal(check.status, 0, `nginx -t: ${check.stderr}`);
  nginx = spawn(NGINX, ['-c', path.join(prefix, 'nginx.conf'), '-p', prefix], { stdio: 'ignore' });
  base = `http://127.0.0.1:${listen}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).status === 200) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`nginx did not come up: ${fs.readFileSync(path.join(prefix, 'error.log'), 'utf8')}`);
});

after(async () => {
  nginx?.kill('SIGQUIT');
  try {
    await servers[1]?.stop();
  } finally {
    servers[1]?.kill();
    await w.teardown();
  }
});

test('through nginx: sign in, write on one process, read on either', { skip: !NGINX && 'nginx is not installed (scripts/bootstrap installs nginx-light)' }, async () => {
  const c = new Client(base);
  assert.equal((await c.login('admin', 'Chief-Test-Pass-2024')).status, 200);
  const region = (await c.list('region', { code: '320214' })).items[0].id;
  const ids = [];
  for (let i = 0; i < 6; i++) {
    const r = await c.post('/api/v1/enterprise',
      { name: `部署测试企业${i}有限公司`, uscc: makeUscc('320214'), region_id: region });
    assert.equal(r.status, 201, String(r));
    ids.push(r.body.id);
  }
  // keep-alive connections are spread over both servers: every read finds every write
  for (let round = 0; round < 4; round++)
    for (const id of ids) assert.equal((await c.get(`/api/v1/enterprise/${id}`)).status, 200);
  // and so does matching, whichever process answers
  const need = (await c.list('need', { status: '开放', size: 1 })).items[0];
  const first = (await c.get(`/api/v1/need/${need.id}/matches?k=10`)).body.items;
  for (let i = 0; i < 6; i++)
    assert.deepEqual((await c.get(`/api/v1/need/${need.id}/matches?k=10`)).body.items, first);
});

test('the audit log has the address nginx saw, which a client cannot forge', { skip: !NGINX && 'nginx is not installed' }, async () => {
  const c = new Client(base);
  const r = await c.request('POST', '/api/v1/auth/login', { username: 'admin', password: 'wrong-password-1' },
    { headers: { 'X-Real-IP': '6.6.6.6' } });
  assert.equal(r.status, 401);
  // straight to a server that trusts 127.0.0.1 (as nginx does it)
  const direct = new Client(servers[0].base);
  const d = await direct.request('POST', '/api/v1/auth/login', { username: 'admin', password: 'wrong-password-2' },
    { headers: { 'X-Real-IP': '10.20.30.40' } });
  assert.equal(d.status, 401);
  // an answer that is not an address is ignored
  const junk = await direct.request('POST', '/api/v1/auth/login', { username: 'admin', password: 'wrong-password-3' },
    { headers: { 'X-Real-IP': '1.2.3.4\r\nforged: yes' } }).catch(() => null);
  assert.ok(!junk || junk.status === 401 || junk.status === 400);
  const aud = await w.loginRole('auditadmin');
  const rows = (await aud.list('audit_log', { action: 'login', result: 'bad_credentials', size: 10, sort: '-id' })).items;
  const ips = rows.map((x) => x.ip);
  assert.ok(ips.includes('10.20.30.40'), `the proxy's X-Real-IP is the client: ${ips}`);
  assert.ok(!ips.includes('6.6.6.6'), `nginx overwrote the forged header: ${ips}`);
  assert.ok(ips.every((ip) => /^[0-9a-f.:]+$/.test(ip)), `only addresses: ${ips}`);
});
