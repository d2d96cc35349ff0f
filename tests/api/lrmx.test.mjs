// 任免审批表 (.lrmx) through the API: one file and a zip of several are
// imported into person + cadre + careers in one transaction (re-importing
// updates instead of duplicating; one bad 身份证号 in a zip rejects the
// whole upload naming the file); the export imports back to the same rows;
// the print view masks the ID number; the dossier export needs the reveal
// permission; everything leaves audit rows; the upload route takes bodies
// over the 1 MiB JSON limit; the CLI does the same through import/export.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, test } from 'node:test';
import { World } from './harness.mjs';

const w = new World('lrmx');
let admin, viewer, jyOp;
let jiangyin, xinwu; // region ids of 320281 and 320214

// ---- data helpers --------------------------------------------------------

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A valid 18-digit 身份证号 (GB 11643) for a region, birth date and sequence. */
function makeId(region, birth8, seq3) {
  const first17 = `${region}${birth8}${seq3}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return first17 + '10X98765432'[sum % 11];
}
const masked = (id) => `${id.slice(0, 3)}${'*'.repeat(11)}${id.slice(14)}`;

// a real 25×35 PNG, so the print view has a photo to show
const PHOTO = 'iVBORw0KGgoAAAANSUhEUgAAABkAAAAjCAIAAADuajb/AAAAJ0lEQVR4nGM4sWUBtRDDqFmjZo2aNWrWqFmjZo2aNWrWqFmjZgERAMY9Nh5zQBxAAAAAAElFTkSuQmCC';

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A .lrmx document as the 任免审批表 software writes it. */
function lrmx({ name, id, post, unit = '', photo = PHOTO, resume, birth }) {
  const born = birth ?? id.slice(6, 12);
  const lines = resume ?? [
    '1993.09--1997.07  南京大学经济学院国际贸易专业学习',
    '1997.07-2003.05 无锡市计划委员会科员',
    '2003.05—2008.12　无锡市发展计划委员会副科长、科长',
    '　　　　　　　　（其间：2005.09--2008.07在中央党校在职研究生班学习）',
    '2008.13--2010.01  这一行月份错误',
    `2008.12--         ${post}`,
  ];
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Person>
<XingMing>${esc(name)}</XingMing>
<XingBie>${'13579'.includes(id[16]) ? '男' : '女'}</XingBie>
<ChuShengNianYue>${born}</ChuShengNianYue>
<MinZu>汉族</MinZu>
<JiGuan>江苏无锡</JiGuan>
<RuDangShiJian>1998.06</RuDangShiJian>
<CanJiaGongZuoShiJian>199707</CanJiaGongZuoShiJian>
<ZhuanYeJiShuZhiWu>高级经济师</ZhuanYeJiShuZhiWu>
<QuanRiZhiJiaoYu_XueLi>大学本科</QuanRiZhiJiaoYu_XueLi>
<QuanRiZhiJiaoYu_XueWei>经济学学士</QuanRiZhiJiaoYu_XueWei>
<QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>南京大学经济学院国际贸易专业</QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>
<XianRenZhiWu>${esc(post)}</XianRenZhiWu>
<JianLi>${lines.map(esc).join('\r\n')}</JianLi>
<JiaTingChengYuan>
<Item><ChengWei>妻子</ChengWei><XingMing>李梅</XingMing><ChuShengRiQi>197608</ChuShengRiQi><ZhengZhiMianMao>中共党员</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>无锡市第一人民医院 主治医师</GongZuoDanWeiJiZhiWu></Item>
<Item><ChengWei>儿子</ChengWei><XingMing>王小明</XingMing><ChuShengRiQi>200205</ChuShengRiQi><ZhengZhiMianMao>共青团员</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>南京大学学生</GongZuoDanWeiJiZhiWu></Item>
</JiaTingChengYuan>
<ChengBaoDanWei>${esc(unit)}</ChengBaoDanWei>
<ShenFenZheng>${id}</ShenFenZheng>
<ZhaoPian>${photo}</ZhaoPian>
</Person>
`;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xFFFFFFFF;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >>> 8);
  return (c ^ 0xFFFFFFFF) >>> 0;
}

/** A zip (deflate, UTF-8 names) of [{name, data}]: the smallest writer that
 * libzip and every unzip read. */
function makeZip(entries) {
  const locals = [], centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const raw = Buffer.from(data);
    const packed = zlib.deflateRawSync(raw);
    const fname = Buffer.from(name, 'utf8');
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(fname.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(fname.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fname, packed);
    centrals.push(central, fname);
    offset += local.length + fname.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

function upload(client, body, query = '') {
  return client.request('POST', `/api/v1/person/import_lrmx${query}`, Buffer.from(body),
    { headers: { 'Content-Type': 'application/octet-stream' } });
}

async function personByIdcard(client, id) {
  return (await client.list('person', { idcard: id })).items;
}

/** person, cadre and careers of a person, without what a rewrite changes */
async function snapshot(client, personId) {
  const strip = (row) => {
    const { version, updated_at, created_at, ...rest } = row;
    return rest;
  };
  const person = (await client.get(`/api/v1/person/${personId}`)).body;
  const cadres = (await client.list('cadre', { person_id: personId })).items.map(strip);
  const careers = (await client.listAll('career', { person_id: personId, sort: 'start_date' }))
    .items.map(({ id, ...rest }) => strip(rest));
  return { person: strip(person), cadres, careers };
}

// ---- the tests -----------------------------------------------------------

const ONE = { name: '王建国', id: makeId('320202', '19750314', '913'), post: '无锡市发展和改革委员会党组成员、副主任' };
let onePersonId;

before(async () => {
  w.seed();
  w.addUser('viewer1', { role: 'viewer' });
  w.addUser('jy_op', { role: 'operator', region: '320281' });
  await w.start();
  admin = await w.login('admin');
  viewer = await w.login('viewer1');
  jyOp = await w.login('jy_op');
  jiangyin = (await admin.list('region', { code: '320281' })).items[0].id;
  xinwu = (await admin.list('region', { code: '320214' })).items[0].id;
});

after(() => w.teardown());

test('one .lrmx file creates the person, the cadre, the careers and keeps unreadable lines', async () => {
  const r = await upload(admin, lrmx(ONE), '?filename=' + encodeURIComponent('王建国.lrmx'));
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.body.errors, []);
  assert.equal(r.body.created, 1);
  const f = r.body.files[0];
  assert.equal(f.file, '王建国.lrmx');
  assert.equal(f.action, 'created');
  assert.equal(f.name, '王建国');
  assert.equal(f.careers, 4);
  assert.deepEqual(f.unparsed_lines, [{ line: 5, text: '2008.13--2010.01  这一行月份错误' }]);
  onePersonId = f.person_id;

  const people = await personByIdcard(admin, ONE.id);
  assert.equal(people.length, 1);
  const p = people[0];
  assert.equal(p.id, onePersonId);
  assert.equal(p.idcard, masked(ONE.id), 'the list masks the ID number');
  assert.equal(p.birth_date, '1975-03-14');
  assert.equal(p.gender, '男');
  assert.equal(p.education, '大学本科');
  assert.equal(p.degree, '学士');
  assert.equal(p.school, '南京大学');
  assert.equal(p.major, '国际贸易');
  assert.equal(p.political_status, '中共党员');
  assert.equal(p.family, '******', 'the family is sensitive and masked');

  const cadre = (await admin.list('cadre', { person_id: onePersonId })).items[0];
  assert.equal(cadre.post, ONE.post);
  assert.equal(cadre.unit, '无锡市发展和改革委员会');
  assert.equal(cadre.level, '市');
  assert.equal(cadre.appointed, '2008-12-01');
  const careers = (await admin.listAll('career', { person_id: onePersonId, sort: 'start_date' })).items;
  assert.equal(careers.length, 4);
  assert.equal(careers[2].unit_post,
    '无锡市发展计划委员会副科长、科长（其间：2005.09--2008.07在中央党校在职研究生班学习）');
  assert.match(careers[2].raw_line, /这一行月份错误/, 'the unreadable line is kept beside its neighbour');
  assert.equal(careers[3].end_date, null);
  const party = (await admin.list('party_member', { person_id: onePersonId })).items[0];
  assert.equal(party.join_date, '1998-06-01');

  const fam = await admin.get(`/api/v1/person/${onePersonId}/reveal?field=family`);
  assert.equal(fam.status, 200, String(fam));
  assert.match(fam.body.value, /^妻子 李梅 1976-08-01 中共党员 无锡市第一人民医院 主治医师\n儿子 王小明/);
});

test('importing the same file again updates the person instead of duplicating', async () => {
  const r = await upload(admin, lrmx(ONE));
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.files[0].action, 'updated');
  assert.equal(r.body.files[0].person_id, onePersonId);
  assert.equal((await personByIdcard(admin, ONE.id)).length, 1);
  assert.equal((await admin.list('career', { person_id: onePersonId })).total, 4, 'careers replaced');
  assert.equal((await admin.list('cadre', { person_id: onePersonId })).total, 1);
});

test('a zip of three files imports them all; other entries are listed as skipped', async () => {
  const people = [
    { name: '陈晓东', id: makeId('320282', '19800102', '915'), post: '宜兴市人民政府副市长' },
    { name: '刘芳', id: makeId('320281', '19830715', '926'), post: '江阴市科学技术局局长' },
    { name: '赵&测试', id: makeId('320211', '19790930', '937'), post: '无锡市滨湖区商务局副局长', unit: '无锡市滨湖区商务局' },
  ];
  const zip = makeZip([
    ...people.map((p) => ({ name: `干部/${p.name}.lrmx`, data: lrmx(p) })),
    { name: '说明.txt', data: '三份任免审批表' },
    { name: '__MACOSX/._a.lrmx', data: 'x' },
  ]);
  const r = await upload(admin, zip, '?filename=batch.zip');
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.files.length, 3);
  assert.equal(r.body.created, 3);
  assert.deepEqual(r.body.skipped.map((s) => s.file).sort(), ['__MACOSX/._a.lrmx', '说明.txt']);
  for (const p of people) {
    const found = await personByIdcard(admin, p.id);
    assert.equal(found.length, 1, p.name);
    assert.equal(found[0].name, p.name);
  }
  const zhao = (await personByIdcard(admin, people[2].id))[0];
  const cadre = (await admin.list('cadre', { person_id: zhao.id })).items[0];
  assert.equal(cadre.unit, '无锡市滨湖区商务局', '呈报单位 names the unit');
});

test('one invalid 身份证号 in a zip: 422 naming the file, and nothing written', async () => {
  const good1 = { name: '孙一', id: makeId('320202', '19850101', '941'), post: '无锡市财政局副局长' };
  const good2 = { name: '孙二', id: makeId('320202', '19850202', '952'), post: '无锡市财政局局长' };
  const badId = makeId('320202', '19850303', '963');
  const bad = { name: '孙三', id: badId.slice(0, 17) + (badId[17] === '0' ? '1' : '0'), post: '无锡市财政局科员' };
  const before1 = (await (await w.loginRole('auditadmin')).list('audit_log', { action: 'create', entity: 'person' })).total;
  const zip = makeZip([
    { name: 'good1.lrmx', data: lrmx(good1) },
    { name: 'bad.lrmx', data: lrmx(bad) },
    { name: 'good2.lrmx', data: lrmx(good2) },
  ]);
  const r = await upload(admin, zip, '?filename=mixed.zip');
  assert.equal(r.status, 422, String(r));
  assert.equal(r.code, 'validation_failed');
  assert.equal(r.details.length, 1);
  assert.equal(r.details[0].file, 'bad.lrmx');
  assert.equal(r.details[0].field, 'ShenFenZheng');
  assert.match(r.body.error.message, /bad\.lrmx/);
  assert.match(r.body.error.message, /身份证号/);
  for (const p of [good1, good2])
    assert.equal((await personByIdcard(admin, p.id)).length, 0, `${p.name} not written`);
  assert.equal((await (await w.loginRole('auditadmin')).list('audit_log', { action: 'create', entity: 'person' })).total, before1);
});

test('an engine refusal inside the transaction rolls back the files before it', async () => {
  // the second file's 现任职务 is over the cadre post's 200 characters: only
  // the engine sees that, after the first file was written in the transaction
  const first = { name: '周一', id: makeId('320202', '19860101', '971'), post: '无锡市教育局副局长' };
  const second = { name: '周二', id: makeId('320202', '19860202', '982'), post: '无锡市教育局' + '副局长'.repeat(80), unit: '无锡市教育局' };
  const zip = makeZip([{ name: 'a.lrmx', data: lrmx(first) }, { name: 'b.lrmx', data: lrmx(second) }]);
  const r = await upload(admin, zip);
  assert.equal(r.status, 422, String(r));
  assert.equal(r.details[0].file, 'b.lrmx');
  assert.match(r.details[0].field, /^cadre\./);
  assert.equal((await personByIdcard(admin, first.id)).length, 0, 'the first file rolled back');
});

test('dry_run validates and reports without writing', async () => {
  const p = { name: '吴试', id: makeId('320202', '19870101', '991'), post: '无锡市商务局副局长' };
  const r = await upload(admin, lrmx(p), '?dry_run=1');
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.dry_run, true);
  assert.equal(r.body.files[0].action, 'created');
  assert.equal((await personByIdcard(admin, p.id)).length, 0);
});

test('export → import gives the same person, cadre and careers', async () => {
  const beforeRows = await snapshot(admin, onePersonId);
  const r = await admin.get(`/api/v1/person/${onePersonId}/lrmx`);
  assert.equal(r.status, 200, String(r));
  assert.match(r.headers.get('content-type'), /^application\/xml/);
  const cd = r.headers.get('content-disposition');
  assert.match(cd, /^attachment;/);
  assert.ok(cd.includes(`filename*=UTF-8''${encodeURIComponent('王建国')}.lrmx`), cd);
  assert.ok(r.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Person>'));
  assert.ok(r.text.includes(`<ShenFenZheng>${ONE.id}</ShenFenZheng>`), 'the dossier is unmasked');
  assert.ok(r.text.includes('2008.13--2010.01  这一行月份错误'), 'the unreadable line comes back');
  assert.ok(r.text.includes(`<ZhaoPian>${PHOTO}</ZhaoPian>`), 'the photo comes back');
  assert.ok(r.text.includes('<ChengWei>妻子</ChengWei>'));

  const again = await upload(admin, r.text, '?filename=export.lrmx');
  assert.equal(again.status, 200, String(again));
  assert.equal(again.body.files[0].action, 'updated');
  assert.equal(again.body.files[0].person_id, onePersonId);
  assert.deepEqual(await snapshot(admin, onePersonId), beforeRows);

  // and exporting once more gives the same document but for today's dates
  const second = await admin.get(`/api/v1/person/${onePersonId}/lrmx`);
  const noDates = (s) => s.replace(/<(JiSuanNianLingShiJian|TianBiaoShiJian)>\d+</g, '<$1><');
  assert.equal(noDates(second.text), noDates(r.text));
});

test('the print view is an A4 page with the masked ID number, not the clear one', async () => {
  const r = await viewer.get(`/api/v1/person/${onePersonId}/lrmx.html`);
  assert.equal(r.status, 200, String(r));
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.headers.get('content-security-policy'), /default-src 'none'/);
  assert.ok(r.text.includes(masked(ONE.id)), 'masked number shown');
  assert.ok(!r.text.includes(ONE.id), 'clear number absent');
  assert.ok(!r.text.includes('李梅'), 'family hidden without the reveal permission');
  assert.ok(r.text.includes('@page{size:A4'));
  assert.ok(r.text.includes('干部任免审批表'));
  assert.ok(r.text.includes('data:image/png;base64,'));
  assert.ok(r.text.includes('1993.09--1997.07'));

  const denied = await viewer.get(`/api/v1/person/${onePersonId}/lrmx.html?reveal=1`);
  assert.equal(denied.status, 403, String(denied));
  const clear = await admin.get(`/api/v1/person/${onePersonId}/lrmx.html?reveal=1`);
  assert.equal(clear.status, 200);
  assert.ok(clear.text.includes(ONE.id));
  assert.ok(clear.text.includes('李梅'));
});

test('the dossier export needs the reveal permission; import needs write', async () => {
  const r = await viewer.get(`/api/v1/person/${onePersonId}/lrmx`);
  assert.equal(r.status, 403, String(r));
  assert.ok(!r.text.includes(ONE.id));
  const up = await upload(viewer, lrmx(ONE));
  assert.equal(up.status, 403, String(up));
  assert.equal((await admin.get('/api/v1/person/999999/lrmx')).status, 404);
});

test('imports, exports, prints and refusals leave audit rows', async () => {
  const rows = async (q) => (await (await w.loginRole('auditadmin')).list('audit_log', q)).total;
  assert.ok(await rows({ action: 'import_lrmx' }) >= 4);
  const exp = (await (await w.loginRole('auditadmin')).list('audit_log', { action: 'export_lrmx', entity: 'person' })).items;
  assert.ok(exp.length >= 2);
  assert.equal(exp[0].entity_id, onePersonId);
  assert.equal(exp[0].username, 'admin');
  assert.ok(!(exp[0].detail ?? '').includes(ONE.id), 'no ID number in the audit trail');
  assert.ok(await rows({ action: 'print_lrmx', entity_id: onePersonId }) >= 1);
  assert.ok(await rows({ action: 'access_denied', username: 'viewer1' }) >= 2);
  assert.ok(await rows({ action: 'create', entity: 'career' }) >= 4);
  assert.ok(await rows({ action: 'delete', entity: 'career' }) >= 4, 're-imports replace careers');
});

test('a district operator imports into their region; another region is refused', async () => {
  const p = { name: '钱江', id: makeId('320281', '19880808', '517'), post: '江阴市工业和信息化局副局长' };
  const r = await upload(jyOp, lrmx(p));
  assert.equal(r.status, 200, String(r));
  const row = (await personByIdcard(admin, p.id))[0];
  assert.equal(row.region_id, jiangyin);
  const cadre = (await admin.list('cadre', { person_id: row.id })).items[0];
  assert.equal(cadre.region_id, jiangyin);
  assert.equal(cadre.level, '县');

  const q = { name: '钱塘', id: makeId('320281', '19880909', '528'), post: '新吴区商务局局长' };
  const out = await upload(jyOp, lrmx(q), `?region_id=${xinwu}`);
  assert.equal(out.status, 422, String(out));
  assert.equal(out.details[0].field, 'region_id');
  assert.equal((await personByIdcard(admin, q.id)).length, 0);
  // the district operator cannot export someone outside their region
  assert.equal((await jyOp.get(`/api/v1/person/${onePersonId}/lrmx`)).status, 404);
  assert.equal((await upload(jyOp, lrmx(q), '?region_id=abc')).status, 400);
  assert.equal((await upload(jyOp, lrmx(q), '?bogus=1')).status, 400);
});

test('broken uploads are refused with a reason', async () => {
  const notXml = await upload(admin, 'hello');
  assert.equal(notXml.status, 422);
  assert.match(notXml.body.error.message, /XML/);
  const wrongRoot = await upload(admin, '<Root/>', '?filename=x.lrmx');
  assert.equal(wrongRoot.status, 422);
  assert.match(wrongRoot.details[0].message, /Person/);
  const emptyZip = await upload(admin, makeZip([{ name: 'a.txt', data: 'x' }]));
  assert.equal(emptyZip.status, 422);
  assert.match(emptyZip.body.error.message, /没有 \.lrmx/);
  const badZip = await upload(admin, 'PK\x03\x04garbage', '?filename=x.zip');
  assert.equal(badZip.status, 422);
  const empty = await admin.request('POST', '/api/v1/person/import_lrmx', '',
    { headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(empty.status, 400);
});

test('the upload route takes files over the 1 MiB JSON body limit', async () => {
  const big = Buffer.alloc(1_500_000, 7);
  big.set(Buffer.from([0xFF, 0xD8, 0xFF]), 0); // a JPEG, as far as the type goes
  const p = { name: '郑大', id: makeId('320202', '19900101', '538'), post: '无锡市档案馆馆长', photo: big.toString('base64') };
  const r = await upload(admin, lrmx(p));
  assert.equal(r.status, 200, String(r));
  const exp = await admin.get(`/api/v1/person/${r.body.files[0].person_id}/lrmx`);
  assert.ok(exp.text.includes(big.toString('base64')));
  // a JSON route still stops at 1 MiB
  const json = await admin.post('/api/v1/person', { name: 'x'.repeat(1_100_000) });
  assert.equal(json.status, 413);
});

test('the CLI imports .lrmx and zip files and exports a dossier', () => {
  const a = { name: '冯一', id: makeId('320281', '19910101', '547'), post: '江阴市人民政府办公室副主任' };
  const b = { name: '冯二', id: makeId('320281', '19920202', '556'), post: '江阴市人民政府办公室主任' };
  const fa = path.join(w.dir, '冯一.lrmx');
  const fz = path.join(w.dir, 'batch.zip');
  fs.writeFileSync(fa, lrmx(a));
  fs.writeFileSync(fz, makeZip([{ name: '冯二.lrmx', data: lrmx(b) }]));
  const r = w.cli(['import', 'person', fa, fz, '--region', '320281']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /新增 冯一/);
  assert.match(r.stdout, /新增 冯二/);
  assert.match(r.stdout, /简历第5行未能识别/);

  const bad = path.join(w.dir, 'bad.lrmx');
  fs.writeFileSync(bad, lrmx({ ...a, id: a.id.slice(0, 17) + (a.id[17] === '1' ? '2' : '1') }));
  const fail = w.cli(['import', 'person', fz, bad]);
  assert.equal(fail.status, 1);
  assert.match(fail.stderr, /bad\.lrmx/);
  assert.match(fail.stderr, /未写入任何数据/);

  const id = Number(/人员ID (\d+)/.exec(r.stdout)[1]);
  const out = path.join(w.dir, 'out.lrmx');
  const e = w.cli(['export', 'person', '--id', String(id), '-o', out]);
  assert.equal(e.status, 0, e.stderr);
  assert.ok(fs.readFileSync(out, 'utf8').includes(`<ShenFenZheng>${a.id}</ShenFenZheng>`));
  const html = w.cli(['export', 'person', '--id', String(id), '--format', 'html']);
  assert.equal(html.status, 0, html.stderr);
  assert.ok(html.stdout.includes(masked(a.id)));
  assert.ok(!html.stdout.includes(a.id));
  const help = w.cli(['import', '--help']);
  assert.match(help.stdout, /任免审批表/);
});
