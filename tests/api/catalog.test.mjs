// The talent-shortage catalog over the API and the CLI on the small demo
// city: compile a draft, its entries with stars and grades through the
// generic lists, publish (then frozen), a re-compile makes a new draft, diff,
// export to xlsx (read back with openpyxl) and to the print page, and the
// permissions (a viewer cannot compile).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { World } from './harness.mjs';

const w = new World('catalog');
let admin;
let first;
let second;
const TITLE = '2026年无锡市重点产业紧缺人才需求目录';

function python(code, args = []) {
  const r = spawnSync('/usr/bin/python3', ['-c', code, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  w.seed();
  w.addUser('viewer1', { role: 'viewer' });
  await w.start();
  admin = await w.login('admin');
});

after(() => w.teardown());

test('compile makes a draft whose entries carry demand, supply, index, stars and grade', async () => {
  const r = await admin.post('/api/v1/catalog/compile', { year: 2026 });
  assert.equal(r.status, 201, String(r));
  first = r.body;
  assert.equal(first.status, '草稿');
  assert.equal(first.year, 2026);
  assert.equal(first.title, TITLE);
  assert.ok(first.entry_count > 10, `entries (${first.entry_count})`);
  const method = JSON.parse(first.method);
  assert.equal(method.version, 'v1');
  assert.equal(method.weights.gap, 0.4);

  const entries = (await admin.listAll('catalog_entry', { catalog_id: first.id, sort: 'sort_order' })).items;
  assert.equal(entries.length, first.entry_count);
  for (const e of entries) {
    assert.ok(e.stars >= 1 && e.stars <= 5, `stars ${e.stars}`);
    assert.ok(e.shortage_index >= 0 && e.shortage_index <= 1, `index ${e.shortage_index}`);
    const grade = e.shortage_index < 0.2 ? '一般紧缺' : e.shortage_index < 0.5 ? '紧缺' : '非常紧缺';
    assert.equal(e.grade, grade);
    assert.equal(e.stars, Math.min(5, 1 + Math.floor(e.shortage_index * 5 + 1e-9)));
    assert.ok(e.demand_count >= 1 && e.supply >= 0);
    assert.ok(Array.isArray(e.typical_skills));
  }
  // the generic list of catalogs shows it; the generic API cannot change it
  const list = await admin.list('catalog');
  assert.ok(list.items.some((c) => c.id === first.id));
  const patch = await admin.patch(`/api/v1/catalog/${first.id}`, { title: 'x', version: 1 });
  assert.ok(patch.status >= 400, String(patch));
});

test('publish freezes; a re-compile makes a new draft with the same entries', async () => {
  const p = await admin.post(`/api/v1/catalog/${first.id}/publish`);
  assert.equal(p.status, 200, String(p));
  assert.equal(p.body.status, '已发布');
  assert.ok(p.body.published_at);
  const again = await admin.post(`/api/v1/catalog/${first.id}/publish`);
  assert.equal(again.status, 409, String(again));

  const r = await admin.post('/api/v1/catalog/compile', { year: 2026 });
  assert.equal(r.status, 201, String(r));
  second = r.body;
  assert.notEqual(second.id, first.id);
  assert.equal(second.status, '草稿');
  const strip = (rows) => rows.map(({ id, catalog_id, created_at, updated_at, version, _labels, ...rest }) => rest);
  const a = (await admin.listAll('catalog_entry', { catalog_id: first.id, sort: 'sort_order' })).items;
  const b = (await admin.listAll('catalog_entry', { catalog_id: second.id, sort: 'sort_order' })).items;
  assert.deepEqual(strip(b), strip(a), 'same data, same catalog');
  const still = await admin.get(`/api/v1/catalog/${first.id}`);
  assert.equal(still.body.status, '已发布');
});

test('diff reports new, gone, up and down posts', async () => {
  // close one post's needs and add a fresh one, then compile a third catalog
  const entries = (await admin.listAll('catalog_entry', { catalog_id: second.id, sort: 'sort_order' })).items;
  const closed = entries[0];
  const seg = (await admin.list('segment', { chain_id: closed.chain_id, size: 1 })).items[0];
  const needs = (await admin.listAll('need', { status: '开放' })).items;
  for (const n of needs.filter((x) => x.post_name.replace(/\s/g, '') === closed.post_name)) {
    const r = await admin.patch(`/api/v1/need/${n.id}`, { status: '已关闭', version: n.version });
    assert.equal(r.status, 200, String(r));
  }
  const ent = (await admin.list('enterprise', { size: 1 })).items[0];
  const created = await admin.post('/api/v1/need', {
    enterprise_id: ent.id, segment_id: seg.id, post_name: '目录测试专用岗位', post_category: '研发设计',
    headcount: 3, education: '硕士研究生', experience: '4-6年', urgency: '紧急', status: '开放',
    published: '2026-06-01', salary_min: 30, salary_max: 50,
  });
  assert.equal(created.status, 201, String(created));
  const third = (await admin.post('/api/v1/catalog/compile', { year: 2026 })).body;
  const d = await admin.get(`/api/v1/catalog/${third.id}/diff?against=${second.id}`);
  assert.equal(d.status, 200, String(d));
  assert.ok(d.body.new.some((e) => e.post_name === '目录测试专用岗位'), JSON.stringify(d.body.new));
  assert.ok(d.body.gone.some((e) => e.post_name === closed.post_name));
  // a new stated pay moves the city median, so other posts move up or down
  for (const c of [...d.body.up, ...d.body.down]) assert.ok(Math.abs(c.delta - (c.to - c.from)) < 1e-6);
  assert.ok(d.body.up.every((c) => c.delta > 0) && d.body.down.every((c) => c.delta < 0));
  assert.equal(d.body.from.id, second.id);
  assert.equal(d.body.to.id, third.id);
  const bad = await admin.get(`/api/v1/catalog/${third.id}/diff`);
  assert.equal(bad.status, 400);

  const cli = w.cli(['catalog', 'diff', String(second.id), String(third.id)]);
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /新增岗位（\d+）/);
  assert.match(cli.stdout, /目录测试专用岗位/);
});

test('export: xlsx with the title and the published columns, and the print page', async () => {
  const res = await fetch(`${w.base}/api/v1/catalog/${first.id}/export?format=xlsx`,
    { headers: { Cookie: admin.cookie } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  const file = path.join(w.dir, 'catalog.xlsx');
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const out = JSON.parse(python(`
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
print(json.dumps({"title": ws["A1"].value, "header": [c.value for c in ws[2]],
  "first": [c.value for c in ws[3]], "rows": ws.max_row}, ensure_ascii=False))`, [file]));
  assert.equal(out.title, TITLE);
  assert.deepEqual(out.header, ['产业集群', '产业链', '岗位名称', '学历要求', '工作经验', '专业要求',
    '起薪范围(万元/年)', '需求人数', '紧缺指数', '紧缺程度', '紧缺等级']);
  assert.match(out.first[9], /^[★☆]{5}$/);
  assert.equal(out.rows, first.entry_count + 2);

  const html = await admin.get(`/api/v1/catalog/${second.id}/export?format=html`);
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-type'), /text\/html/);
  assert.ok(html.text.includes(TITLE), 'title on the page');
  assert.ok(html.text.includes('（草稿）'), 'a draft says so');
  assert.match(html.text, /@page \{ size: A4/);

  const cliFile = path.join(w.dir, 'cli.html');
  const r = w.cli(['catalog', 'export', String(first.id), '-o', cliFile]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(fs.readFileSync(cliFile, 'utf8').includes(TITLE));
  assert.equal((await admin.get(`/api/v1/catalog/${first.id}/export?format=pdf`)).status, 400);
  assert.equal((await admin.get('/api/v1/catalog/999999/export')).status, 404);
});

test('a viewer reads catalogs but cannot compile or publish; CLI help is in Chinese', async () => {
  const viewer = await w.login('viewer1');
  assert.equal((await viewer.post('/api/v1/catalog/compile', { year: 2026 })).status, 403);
  assert.equal((await viewer.post(`/api/v1/catalog/${second.id}/publish`)).status, 403);
  assert.equal((await viewer.list('catalog')).total >= 2, true);
  const help = w.cli(['catalog', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /紧缺人才需求目录/);
  const bad = w.cli(['catalog', 'compile'], { check: false });
  assert.equal(bad.status, 2);
  const pub = w.cli(['catalog', 'publish', String(first.id)], { check: false });
  assert.equal(pub.status, 1);
  assert.match(pub.stderr, /已发布/);
});
