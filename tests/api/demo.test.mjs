// The small demo city's people and talent work: how many people, talents,
// cadres and needs it seeds; that every 身份证号 and mobile number is sealed
// in the database file and masked in lists; that skills, talents' skills and
// needs' skills come from the taxonomy; that cadres' careers and needs'
// segments are consistent; and that a seed always gives the same people.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { World, runCli, sql as dbSql, dumpDatabase, newDatabase, dropDatabase } from './harness.mjs';

const w = new World('demo');
let admin;

// an 18-character 身份证号 standing alone (not inside a hash or base64 text)
const IDCARD_RE = /(?<![0-9A-Za-z+/])[1-8]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX](?![0-9A-Za-z+/])/;

function sqlite(db, sql) {
  const r = dbSql(db, sql);
  assert.equal(r.status, 0, `sqlite3 failed: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  w.seed();
  await w.start();
  admin = await w.login('admin');
});

after(() => w.teardown());

test('the small demo seeds about 600 people, their roles and 150 needs', async () => {
  const total = async (entity, params = {}) =>
    (await admin.list(entity, { ...params, size: 1 })).total;
  assert.equal(await total('person'), 600);
  assert.equal(await total('talent'), 300);
  assert.equal(await total('cadre'), 200);
  assert.equal(await total('need'), 150);
  const skills = await total('skill');
  assert.ok(skills >= 300 && skills <= 500, `300–500 skills (${skills})`);
  const careers = await total('career');
  assert.ok(careers >= 400 && careers <= 1200, `2–6 careers per cadre (${careers})`);
  const members = await total('party_member');
  assert.ok(members > 200 && members < 600, `party members (${members})`);
  // most cadres are party members, so a 中共党员 filter finds most of them
  const party = await total('person', { political_status: '中共党员,中共预备党员' });
  assert.equal(party, members, 'every 中共党员 person has a party_member row');

  // the summary audit row counts them too
  const auditor = await w.loginRole('auditadmin'); // the audit log is its to read (三权分立)
  const audit = (await auditor.list('audit_log', { action: 'demo_seed' })).items[0];
  const { counts } = JSON.parse(audit.detail);
  assert.equal(counts.person, 600);
  assert.equal(counts.talent, 300);
  assert.equal(counts.need, 150);
  assert.equal(counts.career, careers);
});

test('身份证号 and mobile numbers are sealed in the database file', async () => {
  const dump = dumpDatabase(w.db);
  assert.ok(dump.length > 100_000, 'the dump has the demo city');
  const m = IDCARD_RE.exec(dump);
  assert.equal(m, null, `an ID number in clear in the dump: ${m?.[0]}`);
  // reveal a few (audited) and make sure those exact values are not stored
  const some = (await admin.list('person', { size: 5, sort: 'id' })).items;
  for (const p of some) {
    const id = await admin.get(`/api/v1/person/${p.id}/reveal?field=idcard`);
    assert.equal(id.status, 200, String(id));
    assert.match(id.body.value, /^\d{17}[\dX]$/);
    const mobile = await admin.get(`/api/v1/person/${p.id}/reveal?field=mobile`);
    assert.match(mobile.body.value, /^1[3-9]\d{9}$/);
    assert.ok(!dump.includes(id.body.value), 'the revealed ID number is not in the file');
    assert.ok(!dump.includes(mobile.body.value), 'the revealed mobile is not in the file');
  }
  const stored = sqlite(w.db, 'SELECT idcard, mobile FROM person LIMIT 3').trim().split('\n');
  for (const line of stored) assert.match(line, /^s1:[A-Za-z0-9+/=]+\|s1:[A-Za-z0-9+/=]+$/);
});

test('lists mask 身份证号 and mobile; a revealed 身份证号 agrees with birth date and gender', async () => {
  const { items } = await admin.list('person', { size: 200 });
  assert.equal(items.length, 200);
  for (const p of items) {
    assert.match(p.idcard, /^\d{3}\*{11}\d{3}[\dX]$/, `${p.name}: ${p.idcard}`);
    assert.match(p.mobile, /^1\d{2}\*{4}\d{4}$/, `${p.name}: ${p.mobile}`);
  }
  assert.ok(items.some((p) => p.idcard.startsWith('320')), 'people born in Jiangsu');
  for (const p of items.slice(0, 10)) {
    const { body } = await admin.get(`/api/v1/person/${p.id}/reveal?field=idcard`);
    const id = body.value;
    const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
    assert.equal(p.birth_date, birth);
    assert.equal(p.gender, Number(id[16]) % 2 ? '男' : '女');
    // the masked form keeps the first three and last four characters
    assert.equal(p.idcard, `${id.slice(0, 3)}${'*'.repeat(11)}${id.slice(14)}`);
  }
});

test('talents and needs draw their skills from the taxonomy of their chain', async () => {
  const skills = (await admin.listAll('skill')).items;
  const byName = new Map(skills.map((s) => [s.name, s]));
  assert.equal(byName.size, skills.length, 'skill names are unique');
  for (const name of ['集成电路技术', '数字IC设计', '模拟IC设计', '版图设计', '抗体药物研发',
    'GMP质量管理', '纺丝工艺'])
    assert.ok(byName.has(name), `skill ${name}`);
  const ic = byName.get('数字IC设计');
  assert.ok(ic.synonyms.includes('RTL设计'), 'synonyms');
  assert.ok(ic.parent_id && ic.cluster_id, 'a leaf has a parent and a cluster');
  const roots = skills.filter((s) => s.parent_id === null);
  assert.equal(roots.length, 15, 'a root per cluster');

  const chains = new Map((await admin.listAll('chain')).items.map((c) => [c.id, c]));
  const clusterOf = (skill) => byName.get(skill).cluster_id;

  const talents = (await admin.listAll('talent')).items;
  assert.equal(talents.length, 300);
  const categories = new Set(talents.map((t) => t.category));
  for (const c of ['青年人才', '高层次人才', '高技能人才']) assert.ok(categories.has(c), c);
  for (const t of talents) {
    assert.ok(t.skills.length >= 2 && t.skills.length <= 6, `2–6 skills: ${t.skills}`);
    for (const s of t.skills) {
      assert.ok(byName.has(s), `talent skill ${s} is in the taxonomy`);
      assert.equal(clusterOf(s), chains.get(t.chain_id).cluster_id,
        `${s} belongs to the cluster of the talent's chain`);
    }
    assert.ok(t.experience_years >= 0 && t.experience_years < 50);
  }
  assert.ok(talents.filter((t) => t.enterprise_id).length > 150, 'most talents work in an enterprise');

  const enterprises = new Map((await admin.listAll('enterprise')).items.map((e) => [e.id, e]));
  const needs = (await admin.listAll('need')).items;
  assert.equal(needs.length, 150);
  for (const n of needs) {
    assert.ok(n.skills.length >= 1 && n.skills.length <= 4, `1–4 skills: ${n.skills}`);
    for (const s of n.skills) assert.ok(byName.has(s), `need skill ${s} is in the taxonomy`);
    assert.ok(enterprises.get(n.enterprise_id).segment_ids.includes(n.segment_id),
      `need ${n.post_name}: the segment is one of the enterprise's`);
    assert.ok(n.headcount >= 1 && n.headcount <= 20);
    assert.ok(n.salary_min > 0 && n.salary_min < n.salary_max, `${n.salary_min}–${n.salary_max}`);
    assert.ok(n.published >= '2025-01-01' && n.published <= '2026-11-26', n.published);
    assert.ok(n.deadline > n.published);
  }
  assert.ok(needs.filter((n) => n.status === '开放').length > 75, 'most needs are open');
});

test('cadres have 2–6 careers in order, the last one open and matching the post', async () => {
  const cadres = (await admin.listAll('cadre')).items;
  const careers = (await admin.listAll('career', { sort: 'person_id,start_date' })).items;
  const byPerson = new Map();
  for (const c of careers) {
    if (!byPerson.has(c.person_id)) byPerson.set(c.person_id, []);
    byPerson.get(c.person_id).push(c);
  }
  const levels = new Set();
  for (const cadre of cadres) {
    levels.add(cadre.level);
    const rows = byPerson.get(cadre.person_id) ?? [];
    assert.ok(rows.length >= 2 && rows.length <= 6, `${cadre.unit}${cadre.post}: ${rows.length}`);
    for (let i = 0; i < rows.length; i++) {
      assert.match(rows[i].start_date, /^\d{4}-\d{2}-01$/);
      assert.match(rows[i].raw_line, /^\d{4}\.\d{2}--(\d{4}\.\d{2})?\s+\S/);
      if (i + 1 < rows.length) {
        assert.equal(rows[i].end_date, rows[i + 1].start_date);
        assert.ok(rows[i].start_date < rows[i + 1].start_date);
      }
    }
    const last = rows[rows.length - 1];
    assert.equal(last.end_date, null, 'the current post is open-ended');
    // the 简历 names a party committee by its short name (中共江阴市委书记)
    assert.ok(last.unit_post.endsWith(cadre.post), `${last.unit_post} / ${cadre.post}`);
    if (!cadre.unit.startsWith('中共')) assert.equal(last.unit_post, `${cadre.unit}${cadre.post}`);
    assert.equal(cadre.appointed, last.start_date);
    assert.ok(cadre.expertise.length >= 1 && cadre.expertise.length <= 3);
  }
  assert.deepEqual([...levels].sort(), ['乡', '县', '市']);
});

test('the same seed gives the same people', () => {
  const other = newDatabase(w.dir, 'again');
  try {
    const r = runCli(['--db', other, 'demo', '--scale', 'small', '--seed', '20231990'], { cwd: w.dir });
    assert.equal(r.status, 0, r.stderr);
    const people = (db) => sqlite(db, 'SELECT name, gender, birth_date, school, region_id FROM person ORDER BY id');
    assert.equal(people(other), people(w.db));
    const needs = (db) => sqlite(db, 'SELECT post_name, skills, salary_min FROM need ORDER BY id');
    assert.equal(needs(other), needs(w.db));
  } finally {
    dropDatabase(other);
  }
});
