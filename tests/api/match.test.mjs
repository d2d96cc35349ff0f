// Talent–need matching over HTTP and the CLI on the demo city: ranked,
// scored results with Chinese reasons; a district operator's results stay in
// its district; a PATCH to a talent moves it in the very next call; an
// unknown or out-of-scope need answers 404.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { World } from './harness.mjs';

const w = new World('match');
let admin, op;
const DISTRICT = '320214';

before(async () => {
  w.seed();
  w.addUser('xw_op', { role: 'operator', region: DISTRICT });
  await w.start();
  admin = await w.login('admin');
  op = await w.login('xw_op');
});

after(() => w.teardown());

function assertRanked(body, k) {
  assert.ok(Array.isArray(body.items));
  assert.ok(body.items.length <= k, `${body.items.length} ≤ ${k}`);
  for (let i = 0; i < body.items.length; i++) {
    const it = body.items[i];
    assert.equal(typeof it.score, 'number');
    assert.equal(it.score, Math.round(it.score * 10000) / 10000, 'four decimals');
    assert.equal(it.reasons.length, 3);
    assert.match(it.reasons[0], /^匹配技能 \[/);
    assert.match(it.reasons[1], /^缺少技能 \[/);
    assert.match(it.reasons[2], /^满足条件 \[/);
    if (i > 0) {
      const p = body.items[i - 1];
      assert.ok(p.score > it.score || (p.score === it.score && p.id < it.id),
        `sorted at ${i}: ${p.id}/${p.score} before ${it.id}/${it.score}`);
    }
  }
}

async function matches(client, entity, id, params = {}) {
  const qs = new URLSearchParams(params).toString();
  return client.get(`/api/v1/${entity}/${id}/matches${qs ? `?${qs}` : ''}`);
}

/** Open needs with at least `min` matches for the admin. */
async function needsWithMatches(min, params = {}) {
  const needs = (await admin.list('need', { status: '开放', size: 60, ...params })).items;
  const found = [];
  for (const n of needs) {
    const r = await matches(admin, 'need', n.id, { k: 50 });
    assert.equal(r.status, 200, String(r));
    if (r.body.items.length >= min) found.push({ need: n, body: r.body });
  }
  assert.ok(found.length > 0, `some open need has ≥ ${min} matches`);
  return found;
}

test('need matches: at most k items, scored, sorted, with Chinese reasons', async () => {
  const [{ need }] = await needsWithMatches(4);
  for (const k of [1, 3, 10]) {
    const r = await matches(admin, 'need', need.id, { k });
    assert.equal(r.status, 200, String(r));
    assertRanked(r.body, k);
    assert.equal(r.body.query.id, need.id);
    assert.ok(r.body.items.length >= Math.min(k, 4));
  }
  const t = (await matches(admin, 'need', need.id, { k: 1 })).body.items[0];
  const back = await matches(admin, 'talent', t.id, { k: 20 });
  assert.equal(back.status, 200, String(back));
  assertRanked(back.body, 20);
  assert.ok(back.body.items.some((n) => n.id === need.id), 'the need is among the talent\'s');
  assert.equal((await matches(admin, 'need', need.id, { k: 0 })).status, 400);
  assert.equal((await matches(admin, 'need', need.id, { k: 'x' })).status, 400);
});

test('a district operator sees only candidates in its district', async () => {
  const mine = await op.listAll('need', { status: '开放' });
  assert.ok(mine.total > 0, 'open needs in the district');
  let checked = 0;
  for (const n of mine.items.slice(0, 15)) {
    const r = await matches(op, 'need', n.id, { k: 50 });
    assert.equal(r.status, 200, String(r));
    assertRanked(r.body, 50);
    for (const it of r.body.items) assert.ok(it.region_code.startsWith(DISTRICT), it.region_code);
    const all = await matches(admin, 'need', n.id, { k: 50 });
    assert.ok(all.body.total >= r.body.total);
    checked += r.body.items.length;
  }
  assert.ok(checked > 0, 'some candidates in the district');
  // a region filter narrows the admin's results the same way
  const [{ need }] = await needsWithMatches(1);
  const r = await matches(admin, 'need', need.id, { k: 50, region: DISTRICT });
  assert.equal(r.status, 200, String(r));
  for (const it of r.body.items) assert.ok(it.region_code.startsWith(DISTRICT));
  // a need outside the district does not exist for the operator
  const outside = (await admin.list('need', { status: '开放', size: 200 })).items;
  const mineIds = new Set(mine.items.map((n) => n.id));
  const other = outside.find((n) => !mineIds.has(n.id));
  assert.ok(other, 'a need outside the district');
  assert.equal((await matches(op, 'need', other.id)).status, 404);
});

test('a PATCH to a talent changes its rank in the very next call', async () => {
  const found = await needsWithMatches(3);
  let target, need, before;
  for (const f of found) {
    const i = f.body.items.findIndex((it, idx) => idx > 0 && it.score < 1);
    if (i > 0 && f.need.skills?.length) {
      target = f.body.items[i];
      need = f.need;
      before = i;
      break;
    }
  }
  assert.ok(target, 'a talent ranked below first with a partial skill match');
  const t = await admin.get(`/api/v1/talent/${target.id}`);
  assert.equal(t.status, 200, String(t));
  const p = await admin.patch(`/api/v1/talent/${target.id}`,
    { version: t.body.version, skills: need.skills });
  assert.equal(p.status, 200, String(p));
  const r = await matches(admin, 'need', need.id, { k: 50 });
  assert.equal(r.status, 200, String(r));
  const after = r.body.items.findIndex((it) => it.id === target.id);
  assert.ok(after >= 0, 'still matched');
  assert.ok(r.body.items[after].score >= 1, `full skill match: ${r.body.items[after].score}`);
  assert.ok(after < before, `rank ${before + 1} → ${after + 1}`);
  assert.deepEqual(r.body.items[after].missing_skills, []);
  // and marking it gone removes it at once
  const t2 = await admin.get(`/api/v1/talent/${target.id}`);
  const gone = await admin.patch(`/api/v1/talent/${target.id}`,
    { version: t2.body.version, status: '已离锡' });
  assert.equal(gone.status, 200, String(gone));
  const r2 = await matches(admin, 'need', need.id, { k: 50 });
  assert.ok(!r2.body.items.some((it) => it.id === target.id));
});

test('unknown need or talent → 404', async () => {
  const r = await matches(admin, 'need', 99999999);
  assert.equal(r.status, 404, String(r));
  assert.equal((await matches(admin, 'talent', 99999999)).status, 404);
});

test('CLI: xinzhi match need ID prints a Chinese table', async () => {
  const [{ need }] = await needsWithMatches(2);
  const r = w.cli(['match', 'need', String(need.id), '--k', '2']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /匹配结果/);
  assert.match(r.stdout, /匹配技能/);
  const bad = w.cli(['match', 'need', '99999999'], { check: false });
  assert.equal(bad.status, 1);
});

test('talents imported from a spreadsheet are matched in the very next call', async () => {
  const need = (await admin.list('need', { status: '开放', size: 50 })).items
    .find((n) => n.skills.length > 0 && n.education !== '博士研究生');
  assert.ok(need, 'an open need with skills');
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const first = '320214' + '19900101' + '777';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first[i]) * weights[i];
  const id = first + '10X98765432'[sum % 11];
  const csv = '姓名,身份证号,所在区划,学历,人才类别,专业技能,工作年限\n'
    + `导入匹配测试,${id},320214,博士研究生,领军人才,${need.skills.join('、')},20\n`;
  const imp = await admin.request('POST', '/api/v1/talent/import', csv,
    { headers: { 'Content-Type': 'text/csv' } });
  assert.equal(imp.status, 200, String(imp));
  assert.equal(imp.body.inserted, 1);
  const r = await admin.get(`/api/v1/need/${need.id}/matches?k=200`);
  assert.equal(r.status, 200, String(r));
  assert.ok(r.body.items.some((it) => it.label && it.label.includes('导入匹配测试')),
    `the imported talent is a candidate: ${JSON.stringify(r.body.items.slice(0, 3))} total ${r.body.total}`);
});
