// The command line: help, --db placement, exit statuses (0 ok, 1 failure,
// 2 usage) and Chinese messages on stderr.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { ADMIN_PASSWORD, makeTempDir, removeTempDir, runCli } from './harness.mjs';

const dir = makeTempDir('cli');
after(() => removeTempDir(dir));

const CJK = /[\u4e00-\u9fff]/;
// the commands the README documents
const DOCUMENTED = ['init', 'demo', 'serve', 'user', 'token', 'audit', 'version', 'help'];

function sub(name) {
  const d = path.join(dir, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

function commandsFromHelp(text) {
  const names = [];
  for (const line of text.split('\n')) {
    const m = /^ {2}([a-z][a-z-]*) +\S/.exec(line);
    if (m) names.push(m[1]);
  }
  return names;
}

test('xinzhi --help lists the commands in Chinese and exits 0', () => {
  const r = runCli(['--help'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /用法：xinzhi/);
  assert.match(r.stdout, CJK);
  const names = commandsFromHelp(r.stdout);
  for (const c of DOCUMENTED) assert.ok(names.includes(c), `${c} in --help:\n${r.stdout}`);
  assert.equal(runCli(['-h'], { cwd: dir }).status, 0);
  const bare = runCli([], { cwd: dir });
  assert.equal(bare.status, 2, 'no command is a usage error');
  assert.match(bare.stdout + bare.stderr, /用法/);
});

test('xinzhi <command> --help prints Chinese usage and exits 0 for every command', () => {
  const names = commandsFromHelp(runCli(['--help'], { cwd: dir }).stdout);
  assert.ok(names.length >= DOCUMENTED.length);
  const cwd = sub('help');
  for (const c of names) {
    for (const flag of ['--help', '-h']) {
      const r = runCli([c, flag], { cwd });
      assert.equal(r.status, 0, `${c} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`用法：xinzhi .*${c}`), `${c} ${flag}:\n${r.stdout}`);
      assert.match(r.stdout, CJK);
    }
    const h = runCli(['help', c], { cwd });
    assert.equal(h.status, 0);
    assert.match(h.stdout, new RegExp(`用法：xinzhi .*${c}`));
  }
  // --help opens no database
  assert.deepEqual(fs.readdirSync(cwd), []);
  const v = runCli(['version'], { cwd });
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^xinzhi \d+\.\d+\.\d+/);
  assert.equal(runCli(['--version'], { cwd }).stdout, v.stdout);
});

test('--db works before and after the command; the file appears where asked', () => {
  const cwd = sub('cwd');
  const before = path.join(sub('before'), 'a.db');
  const afterDb = path.join(sub('after'), 'b.db');
  const eq = path.join(sub('eq'), 'c.db');
  const r1 = runCli(['--db', before, 'demo', '--scale', 'small'], { cwd });
  assert.equal(r1.status, 0, r1.stderr);
  assert.match(r1.stdout, /已生成示范城市/);
  const r2 = runCli(['demo', '--scale', 'small', '--db', afterDb], { cwd });
  assert.equal(r2.status, 0, r2.stderr);
  const r3 = runCli(['init', `--db=${eq}`], { cwd });
  assert.equal(r3.status, 0, r3.stderr);
  for (const f of [before, afterDb, eq]) assert.ok(fs.existsSync(f), `${f} exists`);
  assert.ok(!fs.existsSync(path.join(cwd, 'xinzhi.db')), 'nothing in the working directory');
  assert.deepEqual(fs.readdirSync(cwd), []);
  // the same seed gives the same city
  assert.equal(r1.stdout.replace(/用时 [\d.]+ 秒/, ''), r2.stdout.replace(/用时 [\d.]+ 秒/, ''));
  // XINZHI_DB is the default
  const envDb = path.join(sub('env'), 'e.db');
  const r4 = runCli(['init'], { cwd, env: { XINZHI_DB: envDb } });
  assert.equal(r4.status, 0, r4.stderr);
  assert.ok(fs.existsSync(envDb));
  // --db without a value is a usage error
  const r5 = runCli(['init', '--db'], { cwd });
  assert.equal(r5.status, 2);
  assert.match(r5.stderr, CJK);
});

test('unknown command → exit 2 with the message on stderr', () => {
  const r = runCli(['frobnicate'], { cwd: dir });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /未知命令/);
  assert.match(r.stderr, /frobnicate/);
  const opt = runCli(['--db', path.join(dir, 'opt.db'), 'init', '--bogus'], { cwd: dir });
  assert.equal(opt.status, 2);
  assert.match(opt.stderr, /未知选项/);
});

test('user add: password from stdin; too short → exit 1 with a Chinese reason', () => {
  const db = path.join(sub('users'), 'u.db');
  assert.equal(runCli(['--db', db, 'demo'], { cwd: dir }).status, 0);
  const short = runCli(['--db', db, 'user', 'add', 'alice', '--role', 'operator'], { input: 'short\n' });
  assert.equal(short.status, 1);
  assert.match(short.stderr, /密码长度应为8到128个字符/);
  const same = runCli(['--db', db, 'user', 'add', 'alice.wang', '--role', 'operator'], { input: 'alice.wang\n' });
  assert.equal(same.status, 1);
  assert.match(same.stderr, /不能与用户名相同/);
  const role = runCli(['--db', db, 'user', 'add', 'bob', '--role', 'emperor'], { input: 'Long-Enough-1\n' });
  assert.equal(role.status, 1);
  assert.match(role.stderr, /未知角色/);
  const region = runCli(['--db', db, 'user', 'add', 'bob', '--role', 'viewer', '--region', '999999'],
    { input: 'Long-Enough-1\n' });
  assert.equal(region.status, 1);
  assert.match(region.stderr, /未知区划代码/);
  const noRole = runCli(['--db', db, 'user', 'add', 'bob'], { input: 'Long-Enough-1\n' });
  assert.equal(noRole.status, 2);
  const ok = runCli(['--db', db, 'user', 'add', 'bob', '--role', 'viewer', '--region', '320281'],
    { input: 'Long-Enough-1\n' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /已创建用户 bob/);
  const dup = runCli(['--db', db, 'user', 'add', 'bob', '--role', 'viewer'], { input: 'Long-Enough-1\n' });
  assert.equal(dup.status, 1);
  assert.match(dup.stderr, /已存在/);
  const list = runCli(['--db', db, 'user', 'list']);
  assert.equal(list.status, 0);
  assert.match(list.stdout, /bob +viewer +320281/);
  // passwd and role
  const pw = runCli(['--db', db, 'user', 'passwd', 'bob'], { input: 'Another-Pass-2\n' });
  assert.equal(pw.status, 0, pw.stderr);
  const pwShort = runCli(['--db', db, 'user', 'passwd', 'bob'], { input: 'x\n' });
  assert.equal(pwShort.status, 1);
  const pwNobody = runCli(['--db', db, 'user', 'passwd', 'nobody'], { input: 'Another-Pass-2\n' });
  assert.equal(pwNobody.status, 1);
  const rl = runCli(['--db', db, 'user', 'role', 'bob', '--role', 'operator']);
  assert.equal(rl.status, 0, rl.stderr);
  assert.match(runCli(['--db', db, 'user', 'list']).stdout, /bob +operator +全市/);
  // no password on stdin
  const none = runCli(['--db', db, 'user', 'add', 'carol', '--role', 'viewer'], { input: '' });
  assert.equal(none.status, 1);
  assert.match(none.stderr, CJK);
});

test('demo twice → exit 1, refused', () => {
  const db = path.join(sub('twice'), 't.db');
  const first = runCli(['--db', db, 'demo', '--admin'], { env: { XINZHI_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /XINZHI_ADMIN_PASSWORD/);
  assert.ok(!first.stdout.includes(ADMIN_PASSWORD), 'the password is not echoed');
  const second = runCli(['--db', db, 'demo']);
  assert.equal(second.status, 1);
  assert.match(second.stderr, /只能写入空数据库/);
  const bad = runCli(['--db', path.join(dir, 'scale.db'), 'demo', '--scale', 'galaxy']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /small 或 city/);
  // without XINZHI_ADMIN_PASSWORD a password is generated and printed once
  const gen = runCli(['--db', path.join(sub('gen'), 'g.db'), 'demo', '--admin']);
  assert.equal(gen.status, 0, gen.stderr);
  assert.match(gen.stdout, /管理员密码：[A-Za-z2-9]{16}/);
});

test('init prints the schema version and is idempotent', () => {
  const db = path.join(sub('init'), 'i.db');
  const r = runCli(['--db', db, 'init']);
  assert.equal(r.status, 0, r.stderr);
  const m = /结构版本 (\d+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) >= 1);
  const again = runCli(['--db', db, 'init']);
  assert.equal(again.status, 0);
  assert.equal(again.stdout, r.stdout);
  const unopenable = runCli(['--db', path.join(dir, 'no', 'such', 'dir', 'x.db'), 'init']);
  assert.equal(unopenable.status, 1);
  assert.match(unopenable.stderr, /无法打开数据库/);
});

test('serve with a bad --listen → exit 2', () => {
  const db = path.join(sub('serve'), 's.db');
  for (const listen of ['bad', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', 'localhost:8080', ':x']) {
    const r = runCli(['--db', db, 'serve', '--listen', listen]);
    assert.equal(r.status, 2, `${listen}: ${r.stderr}`);
    assert.match(r.stderr, /监听地址/);
  }
  const threads = runCli(['--db', db, 'serve', '--threads', '0']);
  assert.equal(threads.status, 2);
  for (const n of ['0', 'many', '70000']) {
    const perIp = runCli(['--db', db, 'serve', '--per-ip', n]);
    assert.equal(perIp.status, 2, perIp.stderr);
    assert.match(perIp.stderr, /--per-ip/);
  }
  const noValue = runCli(['--db', db, 'serve', '--listen']);
  assert.equal(noValue.status, 2);
});

test('token and audit usage errors → exit 2', () => {
  const db = path.join(sub('usage'), 'x.db');
  assert.equal(runCli(['--db', db, 'token']).status, 2);
  assert.equal(runCli(['--db', db, 'token', 'create']).status, 2);
  assert.equal(runCli(['--db', db, 'audit']).status, 2);
  assert.equal(runCli(['--db', db, 'audit', 'frob']).status, 2);
  assert.equal(runCli(['--db', db, 'user']).status, 2);
  const ok = runCli(['--db', db, 'audit', 'verify']);
  assert.equal(ok.status, 0, ok.stderr);
});
