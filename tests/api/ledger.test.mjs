// 百项攻坚 ledger and post recommendation on the small demo city: the ledger
// counts each project's milestones and members, computes progress, lists
// the milestones past their date first (and projects past their end), takes
// the project list's filters and overdue=1, exports the same rows to xlsx,
// and stays inside a district user's scope; a vacant post's candidates are
// ranked by the rules the answer explains, below-floor ranks left out.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { World } from './harness.mjs';

const w = new World('ledger');
let admin;
let district;

before(async () => {
  w.seed();
  w.addUser('jiangyin', { role: 'operator', region: '320281' });
  await w.start();
  admin = await w.login('admin');
  district = await w.login('jiangyin');
});

after(() => w.teardown());

const today = () => new Date().toISOString().slice(0, 10);

test('the ledger: milestones, members, progress, overdue first', async () => {
  const r = await admin.get('/api/v1/project/ledger');
  assert.equal(r.status, 200, String(r));
  const { items, total, overdue } = r.body;
  const projects = await admin.list('project', { size: 1 });
  assert.equal(total, projects.total);
  assert.ok(items.length === total && total >= 10);
  for (const p of items) {
    const ms = (await admin.list('project_milestone', { project_id: p.project_id, size: 50 })).items;
    assert.equal(p.milestones, ms.length);
    const done = ms.filter((m) => m.done_date).length;
    assert.equal(p.done, done);
    assert.equal(p.progress, Math.floor((done * 100) / ms.length));
    const late = ms.filter((m) => !m.done_date && m.due_date < today()).map((m) => m.name);
    assert.deepEqual(p.overdue_milestones.map((m) => m.name), late);
    for (const m of p.overdue_milestones) assert.ok(m.days > 0);
  }
  const isLate = (p) => p.overdue_milestones.length > 0 || p.past_end;
  assert.equal(overdue, items.filter(isLate).length);
  assert.ok(overdue > 0, 'the demo has late milestones');
  const firstOnTime = items.findIndex((p) => !isLate(p));
  assert.ok(firstOnTime === -1 || items.slice(firstOnTime).every((p) => !isLate(p)), 'overdue first');

  // members count what project_member holds
  const p0 = items[0];
  const cadre = (await admin.list('cadre', { size: 1 })).items[0];
  const m = await admin.post('/api/v1/project_member', { project_id: p0.project_id, cadre_id: cadre.id, role: '成员', source: '手工' });
  assert.equal(m.status, 201, String(m));
  const again = (await admin.get('/api/v1/project/ledger')).body.items.find((x) => x.project_id === p0.project_id);
  assert.equal(again.members, p0.members + 1);

  // finishing a late milestone takes the project out of the overdue list
  const late = items.find((p) => p.overdue_milestones.length === 1 && !p.past_end);
  const ms = (await admin.list('project_milestone', { project_id: late.project_id, size: 50 })).items
    .find((x) => x.name === late.overdue_milestones[0].name);
  const fix = await admin.patch(`/api/v1/project_milestone/${ms.id}`, { version: ms.version, done_date: today() });
  assert.equal(fix.status, 200, String(fix));
  const after = (await admin.get('/api/v1/project/ledger')).body;
  assert.equal(after.overdue, overdue - 1);
});

test('filters, overdue=1, scope and a bad filter', async () => {
  const chain = (await admin.get('/api/v1/project/ledger')).body.items[0];
  const only = await admin.get('/api/v1/project/ledger?overdue=1');
  assert.ok(only.body.items.every((p) => p.overdue_milestones.length || p.past_end));
  assert.equal(only.body.items.length, only.body.overdue);
  const status = await admin.get(`/api/v1/project/ledger?status=${encodeURIComponent('实施中')}`);
  assert.ok(status.body.items.length > 0 && status.body.items.every((p) => p.status === '实施中'));
  assert.ok(chain.chain, 'chain named');
  const all = (await admin.get('/api/v1/project/ledger')).body.total;
  const mine = await district.get('/api/v1/project/ledger');
  assert.equal(mine.status, 200);
  assert.ok(mine.body.total < all, `${mine.body.total} < ${all}`);
  const projects = await district.list('project', { size: 1 });
  assert.equal(mine.body.total, projects.total, 'the same rows the project list shows');
  const bad = await admin.get('/api/v1/project/ledger?frob=1');
  assert.equal(bad.status, 400);
  assert.equal((await admin.get('/api/v1/project/ledger?format=pdf')).status, 400);
});

test('the ledger as xlsx: a title row and one row per project', async () => {
  const r = await fetch(`${w.base}/api/v1/project/ledger?format=xlsx`, { headers: { Cookie: admin.cookie } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  const file = path.join(w.dir, 'ledger.xlsx');
  fs.writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  const py = spawnSync('/usr/bin/python3', ['-c', `
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
rows = [[c.value for c in r] for r in ws.iter_rows()]
print(json.dumps({"title": rows[0][0], "header": rows[1], "n": len(rows) - 2, "first": rows[2]}, ensure_ascii=False, default=str))`, file],
  { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const out = JSON.parse(py.stdout);
  assert.match(out.title, /百项攻坚项目台账/);
  assert.ok(out.header.includes('逾期事项') && out.header.includes('进度(%)'));
  const ledger = (await admin.get('/api/v1/project/ledger')).body;
  assert.equal(out.n, ledger.total);
  assert.equal(out.first[0], ledger.items[0].name);
});

test('post candidates: ranked with reasons, rank floor respected, scope applies', async () => {
  const posts = (await admin.list('post', { size: 50 })).items;
  assert.ok(posts.length >= 8);
  const withFloor = posts.find((p) => p.min_rank);
  const r = await admin.get(`/api/v1/post/${withFloor.id}/candidates?k=15`);
  assert.equal(r.status, 200, String(r));
  const { items } = r.body;
  assert.ok(items.length > 0);
  const ranks = (await admin.get('/api/v1/meta/entities')).body.entities.find((e) => e.name === 'cadre')
    .fields.find((f) => f.name === 'rank').enum;
  const floor = ranks.indexOf(withFloor.min_rank);
  for (let i = 0; i < items.length; i++) {
    const c = items[i];
    assert.ok(ranks.indexOf(c.rank) >= 0 && ranks.indexOf(c.rank) <= floor, `${c.rank} meets ${withFloor.min_rank}`);
    if (i) assert.ok(items[i - 1].score > c.score || (items[i - 1].score === c.score && items[i - 1].cadre_id < c.cadre_id));
    assert.ok(c.reasons.length > 0);
    assert.ok(c.reasons.some((x) => x.startsWith('职级符合')));
  }
  const top = items[0];
  const cadre = (await admin.get(`/api/v1/cadre/${top.cadre_id}`)).body;
  const matched = withFloor.expertise.filter((t) => (cadre.expertise || []).includes(t));
  let score = withFloor.expertise.length ? Math.floor((600 * matched.length) / withFloor.expertise.length) : 300;
  if (cadre.level === withFloor.level) score += 150;
  score += 100;
  if (withFloor.chain_id && cadre.chain_id === withFloor.chain_id) score += 100;
  if (cadre.region_id === withFloor.region_id) score += 50;
  assert.equal(top.score, score, 'the score is the sum the reasons explain');
  assert.equal((await admin.get(`/api/v1/post/${withFloor.id}/candidates?k=0`)).status, 400);
  assert.equal((await admin.get('/api/v1/post/999999/candidates')).status, 404);
  const cityPost = posts.find((p) => p.level === '市');
  assert.equal((await district.get(`/api/v1/post/${cityPost.id}/candidates`)).status, 404, 'a city post is out of a district scope');
});
