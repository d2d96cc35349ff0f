// 干部画像 over the API on the small demo city: one call returns the cadre's
// profile (personal data masked), the 专家型 verdict with its rule and the
// evidence per area, a timeline sorted by date that holds every 任职经历,
// 琢璞 placement and key project, training hours per year that add up to
// the enrolments, published evaluations, awards and the breadth; a district
// user gets 404 for a cadre outside the district.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { World } from './harness.mjs';

const w = new World('portrait');
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

test('everything about a cadre in one answer', async () => {
  const placed = (await admin.list('tempering', { size: 1 })).items[0];
  assert.ok(placed, 'the demo has 琢璞 placements');
  const id = placed.cadre_id;
  const r = await admin.get(`/api/v1/cadre/${id}/portrait`);
  assert.equal(r.status, 200, String(r));
  const p = r.body;
  assert.equal(p.cadre.id, id);
  assert.match(p.person.idcard, /\*{11}/, 'personal data masked');
  assert.match(p.expert.rule, /产业经济、科技创新或现代金融/);
  for (const a of p.expert.areas) assert.ok(['产业经济', '科技创新', '现代金融'].includes(a.area));
  assert.equal(p.expert.is_expert, p.expert.areas.some((a) => a.evidence.length > 0));

  const careers = (await admin.list('career', { person_id: p.cadre.person_id, size: 100 })).items;
  const temperings = (await admin.list('tempering', { cadre_id: id, size: 100 })).items;
  const projects = (await admin.list('project_member', { cadre_id: id, size: 100 })).items;
  const kinds = (k) => p.timeline.filter((t) => t.kind === k).length;
  assert.equal(kinds('任职'), careers.length);
  assert.equal(kinds('琢璞历练'), temperings.length);
  assert.equal(kinds('百项攻坚'), projects.length);
  const dates = p.timeline.map((t) => t.date);
  assert.deepEqual(dates, [...dates].sort(), 'sorted by date');

  const enrol = (await admin.list('enrollment', { cadre_id: id, size: 200 })).items;
  const hours = enrol.reduce((s, e) => s + (e.hours || 0), 0);
  assert.ok(Math.abs(p.training.total - hours) < 1e-6, `${p.training.total} vs ${hours}`);
  assert.ok(Math.abs(p.training.years.reduce((s, y) => s + y.hours, 0) - hours) < 1e-6);
  assert.ok(Array.isArray(p.evaluations) && Array.isArray(p.awards));
  assert.equal(typeof p.breadth.score, 'number');
});

test('a cadre with an evaluation and an award shows both; scope applies', async () => {
  const subject = (await admin.list('eval_subject', { size: 200 })).items.find((s) => s.cadre_id);
  const p = (await admin.get(`/api/v1/cadre/${subject.cadre_id}/portrait`)).body;
  const rounds = (await admin.list('eval_round', { size: 50 })).items;
  const published = new Set(rounds.filter((x) => x.status === '已发布').map((x) => x.id));
  const mine = (await admin.list('eval_subject', { cadre_id: subject.cadre_id, size: 50 })).items
    .filter((s) => published.has(s.round_id));
  assert.equal(p.evaluations.length, mine.length);
  for (const e of p.evaluations) assert.ok(e.grade && e.rank >= 1 && e.rank <= e.group_size);

  const kind = (await admin.list('award_kind', { name: '好助手' })).items[0];
  const city = (await admin.list('region', { level: '市' })).items[0];
  const made = await admin.post('/api/v1/award', { kind_id: kind.id, year: 2026, cadre_id: subject.cadre_id,
    unit: '市委组织部', region_id: city.id, deeds: '配合主要负责同志推进干部工作。' });
  assert.equal(made.status, 201, String(made));
  const again = (await admin.get(`/api/v1/cadre/${subject.cadre_id}/portrait`)).body;
  assert.ok(again.awards.some((a) => a.kind === '好助手' && a.status === '草稿'));

  const codes = new Map((await admin.listAll('region')).items.map((x) => [x.id, x.code]));
  const outside = (await admin.list('cadre', { size: 200 })).items
    .find((c) => !String(codes.get(c.region_id)).startsWith('320281'));
  assert.equal((await district.get(`/api/v1/cadre/${outside.id}/portrait`)).status, 404);
  assert.equal((await admin.get('/api/v1/cadre/999999/portrait')).status, 404);
});
