// Cadre training (干部培训, issue #6): classes and enrolments are generic
// entities whose rules are validation hooks (hours to 0.1 and within the
// class's, capacity, a cadre once per class); bulk enrolment by ids or by a
// filter through the caller's scope reports added / skipped / refused in one
// transaction; the generic import resolves a cadre by 身份证号 or
// “姓名（单位）”; coverage by level / unit / region and the below-hours list
// (with its xlsx export) are checked against a hand computation on a year
// only these tests write (2030).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { World, sql as dbSql } from './harness.mjs';

const w = new World('training');
const YEAR = 2030;
let admin, district, city, jiangyin, cadres, regions;

const sqlite = (sql) => {
  const r = dbSql(w.db, sql);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

async function makeClass(client, extra = {}) {
  const r = await client.post('/api/v1/training_class', {
    name: `测试班${Math.random().toString(36).slice(2, 8)}`, kind: '新质生产力专题班', level: '市',
    start_date: `${YEAR}-03-01`, end_date: `${YEAR}-03-05`, hours: 12.5, capacity: 2,
    organizer: '中共无锡市委组织部', region_id: city.id, ...extra,
  });
  assert.equal(r.status, 201, String(r));
  return r.body;
}

const enrol = (client, body) => client.post('/api/v1/enrollment', body);
const inJiangyin = (c) => regions.get(c.region_id).code.startsWith('320281');

before(async () => {
  w.seed();
  w.addUser('jiangyin', { role: 'operator', region: '320281' });
  await w.start();
  admin = await w.login('admin');
  district = await w.login('jiangyin');
  const all = (await admin.listAll('region')).items;
  regions = new Map(all.map((r) => [r.id, r]));
  city = all.find((r) => r.level === '市');
  jiangyin = all.find((r) => r.code === '320281');
  cadres = (await admin.listAll('cadre')).items;
  assert.ok(cadres.length >= 100);
});

after(() => w.teardown());

test('the demo has classes at every level for two years, with enrolments', async () => {
  const meta = await admin.get('/api/v1/meta/entities');
  for (const name of ['training_class', 'enrollment', 'tempering']) {
    const e = meta.body.entities.find((x) => x.name === name);
    assert.ok(e, name);
    assert.equal(e.group, '干部');
  }
  for (const year of [2025, 2026]) {
    for (const level of ['市', '县', '乡']) {
      const r = await admin.list('training_class', {
        level, 'start_date.gte': `${year}-01-01`, 'start_date.lte': `${year}-12-31`, size: 1 });
      assert.ok(r.total >= 1, `${year} ${level}`);
    }
  }
  assert.ok((await admin.list('enrollment', { size: 1 })).total > 100);
  const cov = await admin.get('/api/v1/training/coverage?year=2026&group=level');
  assert.equal(cov.status, 200, String(cov));
  assert.ok(cov.body.total.trained > 0 && cov.body.total.share > 0 && cov.body.total.share <= 1);
});

test('rules: hours to 0.1 within the class, a cadre once per class, capacity', async () => {
  const bad = await admin.post('/api/v1/training_class', {
    name: '学时有误的班', kind: '主体班', level: '市', start_date: `${YEAR}-01-01`, hours: 12.55,
    region_id: city.id });
  assert.equal(bad.status, 422, String(bad));
  assert.ok(bad.details.some((d) => d.field === 'hours'));
  const ends = await admin.post('/api/v1/training_class', {
    name: '日期有误的班', kind: '主体班', level: '市', start_date: `${YEAR}-05-01`,
    end_date: `${YEAR}-04-01`, hours: 8, region_id: city.id });
  assert.equal(ends.status, 422, String(ends));

  const k = await makeClass(admin);
  const [a, b, c] = cadres;
  const over = await enrol(admin, { class_id: k.id, cadre_id: a.id, hours: 13 });
  assert.equal(over.status, 422, String(over));
  assert.match(over.details[0].message, /超过班次学时/);
  const fine = await enrol(admin, { class_id: k.id, cadre_id: a.id, hours: 12.55 });
  assert.equal(fine.status, 422, String(fine));
  assert.match(fine.details[0].message, /0\.1/);
  const ok = await enrol(admin, { class_id: k.id, cadre_id: a.id, hours: 12.5,
    attendance: '全勤', result: '合格' });
  assert.equal(ok.status, 201, String(ok));
  const dup = await enrol(admin, { class_id: k.id, cadre_id: a.id });
  assert.equal(dup.status, 422, String(dup));
  assert.equal(dup.details[0].code, 'duplicate');
  // 全勤 without hours credits the class's hours
  const full = await enrol(admin, { class_id: k.id, cadre_id: b.id, attendance: '全勤' });
  assert.equal(full.status, 201, String(full));
  assert.equal(full.body.hours, 12.5);
  const absent = await admin.patch(`/api/v1/enrollment/${full.body.id}`,
    { version: full.body.version, attendance: '缺勤', hours: 3 });
  assert.equal(absent.status, 422, String(absent));
  const third = await enrol(admin, { class_id: k.id, cadre_id: c.id });
  assert.equal(third.status, 422, String(third));
  assert.equal(third.details[0].code, 'class_full');
  const shrink = await admin.patch(`/api/v1/training_class/${k.id}`, { version: k.version, capacity: 1 });
  assert.equal(shrink.status, 422, String(shrink));
  assert.equal(shrink.details[0].code, 'below_enrolled');
  const fewer = await admin.patch(`/api/v1/training_class/${k.id}`, { version: k.version, hours: 10 });
  assert.equal(fewer.status, 422, String(fewer));
  assert.equal(fewer.details[0].code, 'below_credited');
});

test('bulk enrolment by ids and by filter: added, skipped, refused, in one transaction', async () => {
  const k = await makeClass(admin, { capacity: 5, level: '县', hours: 20 });
  const [a, b] = cadres;
  let r = await admin.post(`/api/v1/training_class/${k.id}/enroll`, { cadre_ids: [a.id, b.id, a.id] });
  assert.equal(r.status, 200, String(r));
  assert.deepEqual([r.body.added, r.body.skipped, r.body.refused], [2, 0, 0]);

  // a listed cadre that does not exist: nothing written
  r = await admin.post(`/api/v1/training_class/${k.id}/enroll`, { cadre_ids: [cadres[2].id, 99999999] });
  assert.equal(r.status, 422, String(r));
  assert.equal((await admin.list('enrollment', { class_id: k.id })).total, 2);
  r = await admin.post(`/api/v1/training_class/${k.id}/enroll`, { filter: { colour: '红' } });
  assert.equal(r.status, 422, String(r));
  r = await admin.post(`/api/v1/training_class/${k.id}/enroll`, { something: 1 });
  assert.equal(r.status, 400, String(r));

  const filter = { level: '县', region_id: jiangyin.id };
  const expected = cadres.filter((c) => c.level === '县' && inJiangyin(c)).map((c) => c.id).sort((x, y) => x - y);
  assert.ok(expected.length > 3, 'enough 江阴 county cadres in the demo');
  r = await admin.post(`/api/v1/training_class/${k.id}/enroll`, { filter });
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.matched, expected.length);
  const already = expected.filter((id) => id === a.id || id === b.id).length;
  assert.equal(r.body.skipped, already);
  assert.equal(r.body.added, 3);
  assert.equal(r.body.refused, expected.length - already - 3);
  assert.deepEqual(r.body.added_ids, expected.filter((id) => id !== a.id && id !== b.id).slice(0, 3));
  assert.equal(r.body.enrolled, 5);
  // again: the added ones are now skipped, the rest still refused
  const again = await admin.post(`/api/v1/training_class/${k.id}/enroll`, { filter });
  assert.equal(again.body.added, 0);
  assert.equal(again.body.skipped, already + 3);
  assert.equal(again.body.refused, expected.length - already - 3);

  // a filter by expertise and unit text
  const tagged = cadres.find((c) => (c.expertise || []).length);
  const k2 = await makeClass(admin, { capacity: null });
  const byTag = await admin.post(`/api/v1/training_class/${k2.id}/enroll`,
    { filter: { expertise: tagged.expertise[0], unit: tagged.unit } });
  assert.equal(byTag.status, 200, String(byTag));
  assert.ok(byTag.body.added_ids.includes(tagged.id));
  assert.equal(byTag.body.refused, 0);
  const audit = await admin.list('audit_log', { action: 'enroll', size: 5 }).catch(() => null);
  assert.ok(audit === null || audit.total >= 0);
});

test('a district user enrols only its own cadres, into classes it can see', async () => {
  const cityClass = await makeClass(admin, { capacity: 100 });
  const r = await district.post(`/api/v1/training_class/${cityClass.id}/enroll`, { filter: {} });
  assert.equal(r.status, 404, String(r));
  const own = await makeClass(district, { region_id: jiangyin.id, level: '县', capacity: 500 });
  const all = await district.post(`/api/v1/training_class/${own.id}/enroll`, { filter: {} });
  assert.equal(all.status, 200, String(all));
  const mine = cadres.filter(inJiangyin);
  assert.equal(all.body.added, mine.length);
  const outside = cadres.find((c) => !inJiangyin(c));
  const refused = await district.post(`/api/v1/training_class/${own.id}/enroll`, { cadre_ids: [outside.id] });
  assert.equal(refused.status, 422, String(refused));
  // the district sees the enrolments of its cadres only
  const list = await district.list('enrollment', { class_id: own.id, size: 1 });
  assert.equal(list.total, mine.length);
});

test('coverage by level, unit and region matches a hand computation', async () => {
  // year 2030 holds only what these tests wrote; credit hours on a few
  const k = await makeClass(admin, { name: '学时达标班', hours: 60, capacity: null, kind: '主体班' });
  const x = cadres[10];
  const full = await enrol(admin, { class_id: k.id, cadre_id: x.id, attendance: '全勤' });
  assert.equal(full.status, 201, String(full));
  const part = await enrol(admin, { class_id: k.id, cadre_id: cadres[11].id, attendance: '部分出勤', hours: 33.3 });
  assert.equal(part.status, 201, String(part));

  const rows = (await admin.listAll('enrollment')).items;
  const classes = new Map((await admin.listAll('training_class')).items.map((c) => [c.id, c]));
  const hours = new Map();
  for (const e of rows) {
    const c = classes.get(e.class_id);
    if (!c || !c.start_date.startsWith(String(YEAR))) continue;
    hours.set(e.cadre_id, (hours.get(e.cadre_id) || 0) + (e.hours || 0));
  }
  const groups = { level: (c) => c.level, unit: (c) => c.unit,
    region: (c) => regions.get(c.region_id).code.slice(0, 6) };
  for (const [group, keyOf] of Object.entries(groups)) {
    const want = new Map();
    for (const c of cadres) {
      const g = want.get(keyOf(c)) || { cadres: 0, trained: 0, hours: 0 };
      const h = hours.get(c.id) || 0;
      g.cadres++; g.hours += h; if (h > 0) g.trained++;
      want.set(keyOf(c), g);
    }
    const r = await admin.get(`/api/v1/training/coverage?year=${YEAR}&group=${group}`);
    assert.equal(r.status, 200, String(r));
    assert.equal(r.body.items.length, want.size, group);
    for (const item of r.body.items) {
      const g = want.get(item.key);
      assert.ok(g, `${group} ${item.key}`);
      assert.equal(item.cadres, g.cadres);
      assert.equal(item.trained, g.trained);
      assert.equal(item.hours, Math.round(g.hours * 10) / 10);
      assert.equal(item.share, Math.round((g.trained / g.cadres) * 1e4) / 1e4);
      assert.equal(item.hours_per_cadre, Math.round((g.hours / g.cadres) * 100) / 100);
    }
    const total = [...want.values()].reduce((s, g) => s + g.cadres, 0);
    assert.equal(r.body.total.cadres, total);
  }
  const region = await admin.get(`/api/v1/training/coverage?year=${YEAR}&group=region`);
  assert.ok(region.body.items.some((i) => i.label === '无锡市（市本级）'));
  const bad = await admin.get('/api/v1/training/coverage?group=colour');
  assert.equal(bad.status, 400, String(bad));
});

test('below the required hours: the list, the setting, the xlsx export', async () => {
  const r = await admin.get(`/api/v1/training/below?year=${YEAR}&size=200`);
  assert.equal(r.status, 200, String(r));
  assert.equal(r.body.required_hours, 50);
  // only cadres[10] reached 50 hours in 2030 (60 in the 学时达标班)
  assert.equal(r.body.total, cadres.length - 1);
  assert.ok(!r.body.items.some((i) => i.cadre_id === cadres[10].id));
  const hrs = r.body.items.map((i) => i.hours);
  assert.deepEqual(hrs, [...hrs].sort((a, b) => a - b));
  const part = (await admin.get(`/api/v1/training/below?year=${YEAR}&size=200&page=${Math.ceil(r.body.total / 200)}`))
    .body.items.find((i) => i.cadre_id === cadres[11].id);
  assert.ok(part, 'the 33.3-hour cadre is listed');
  assert.equal(part.gap, 16.7);

  // the setting training_required_hours, read on each use
  sqlite("INSERT INTO setting (key, value) VALUES ('training_required_hours', '20')");
  const lower = await admin.get(`/api/v1/training/below?year=${YEAR}&size=1`);
  assert.equal(lower.body.required_hours, 20);
  assert.equal(lower.body.total, r.body.total - 1, 'the 33.3-hour cadre reaches 20');
  sqlite("DELETE FROM setting WHERE key = 'training_required_hours'");

  const x = await admin.request('GET', `/api/v1/training/below?year=${YEAR}&format=xlsx`);
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assert.match(decodeURIComponent(x.headers.get('content-disposition')), /学时未达标/);
  const res = await fetch(`${w.base}/api/v1/training/below?year=${YEAR}&format=xlsx`,
    { headers: { Cookie: admin.cookie } });
  const file = path.join(w.dir, 'below.xlsx');
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const py = spawnSync('/usr/bin/python3', ['-c', `
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = list(ws.iter_rows(values_only=True))
print(len(rows)); print(rows[0][0]); print('|'.join(str(c) for c in rows[1]))`, file], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const [n, title, header] = py.stdout.trim().split('\n');
  assert.equal(Number(n), r.body.total + 2);
  assert.match(title, /2030年度培训学时未达标干部名单/);
  assert.match(header, /姓名\|工作单位\|现任职务/);
});

test('a district user sees coverage and the list of its own cadres only', async () => {
  const mine = cadres.filter(inJiangyin);
  const cov = await district.get(`/api/v1/training/coverage?year=${YEAR}&group=region`);
  assert.equal(cov.status, 200, String(cov));
  assert.equal(cov.body.total.cadres, mine.length);
  assert.deepEqual(cov.body.items.map((i) => i.key), ['320281']);
  const below = await district.get(`/api/v1/training/below?year=${YEAR}&size=200`);
  const ids = new Set(mine.map((c) => c.id));
  assert.ok(below.body.items.every((i) => ids.has(i.cadre_id)));
  assert.equal(below.body.total, mine.length - (ids.has(cadres[10].id) ? 1 : 0));
});

test('enrolling from a spreadsheet: the cadre by 身份证号 or “姓名（单位）”', async () => {
  const k = await makeClass(admin, { name: '导入测试班', capacity: 10, hours: 16 });
  const [p, q] = [cadres[20], cadres[21]];
  const id = await admin.get(`/api/v1/person/${p.person_id}/reveal?field=idcard`);
  assert.equal(id.status, 200, String(id));
  const person = (await admin.get(`/api/v1/person/${q.person_id}`)).body;
  const csv = '培训班次,干部,认定学时,出勤情况,结业情况\n'
    + `导入测试班,${id.body.value},8,部分出勤,合格\n`
    + `导入测试班,${person.name}（${q.unit}）,,全勤,合格\n`;
  const up = await admin.request('POST', '/api/v1/enrollment/import', csv,
    { headers: { 'Content-Type': 'text/csv' } });
  assert.equal(up.status, 200, String(up));
  assert.equal(up.body.inserted, 2);
  const rows = (await admin.list('enrollment', { class_id: k.id })).items;
  assert.deepEqual(rows.map((r) => r.cadre_id).sort(), [p.id, q.id].sort());
  assert.equal(rows.find((r) => r.cadre_id === q.id).hours, 16);
  const wrong = await admin.request('POST', '/api/v1/enrollment/import',
    '培训班次,干部,认定学时\n导入测试班,查无此人（某单位）,1\n', { headers: { 'Content-Type': 'text/csv' } });
  assert.equal(wrong.status, 422, String(wrong));
  assert.match(JSON.stringify(wrong.body), /找不到干部/);
});
