/*
 * The demo city's cadres: every party and government body of the city, its
 * districts and its towns (demo_units in demo_people_data.c) laid out as
 * posts — one head, a few deputies, the heads of internal sections — and
 * staff, then cadres drawn onto those posts so that no two people hold the
 * same 局长 post. Each cadre gets a consistent record: age, education,
 * 职务层次 and 职级 follow the post's grade, and a 任职经历 of two to six
 * periods climbs from a first job in a town or a district section to the
 * current post, written like the 简历 lines of a 任免审批表.
 */
#include "domain/demo_people_gen.h"

#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum level { LV_CITY, LV_DISTRICT, LV_TOWN };

static const char *const level_names[] = {"市", "县", "乡"};
static const char *const position_levels[] = {"无领导职务", "乡科级副职", "乡科级正职",
                                               "县处级副职", "县处级正职"};
#define MAX_GRADE 4

/* one body: a template at one place */
struct unit_rt {
	const struct demo_unit *tmpl;
	enum level level;
	int district, town; /* -1 when not applicable */
	int shift;          /* grades below the template's: a district's bureau is two */
	int ndivs;
	char *place, *name;
};

enum slot_kind { SLOT_LEADER, SLOT_DIV_HEAD, SLOT_DIV_DEPUTY, SLOT_STAFF };

struct slot {
	int unit;
	signed char grade, kind;
	short div;
	const char *title; /* leader title as in the template */
};

struct demo_cadres {
	struct unit_rt *units;
	int nunits;
	struct slot *posts; /* every leading post in the city */
	int nposts;
	int *by_grade[MAX_GRADE + 1], nby_grade[MAX_GRADE + 1];
	int *staff_units[3], nstaff_units[3]; /* bodies with sections, per level */
	double *staff_cum[3];
	struct slot *plan;
	int nplan, next;
};

struct period {
	int start, grade;
	char unit_post[256];
};

/* ---- bodies and posts ---- */

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && !strcmp(s + n - m, tail);
}

static void add_unit(struct demo_cadres *c, const struct demo_unit *t, enum level level,
                     int district, int town, int shift, const char *place)
{
	struct unit_rt *u = &c->units[c->nunits++];
	u->tmpl = t;
	u->level = level;
	u->district = district;
	u->town = town;
	u->shift = shift;
	u->ndivs = demo_word_count(t->divisions);
	u->place = xstrdup(place);
	u->name = xasprintf(t->name, place);
}

static void build_units(struct demo_cadres *c)
{
	int cap = 0;
	for (int d = 0; d < DEMO_NDISTRICTS; d++)
		for (int t = 0; demo_districts[d].towns[t]; t++)
			cap++;
	cap = (int)demo_nunits * (1 + DEMO_NDISTRICTS + cap);
	c->units = xcalloc((size_t)cap, sizeof(*c->units));
	for (size_t i = 0; i < demo_nunits; i++) {
		enum demo_unit_scope s = demo_units[i].scope;
		if (s == UNIT_CITY_AND_DISTRICT || s == UNIT_CITY)
			add_unit(c, &demo_units[i], LV_CITY, -1, -1, 0, demo_city_name);
	}
	for (int d = 0; d < DEMO_NDISTRICTS; d++) {
		const struct demo_district *dd = &demo_districts[d];
		for (size_t i = 0; i < demo_nunits; i++) {
			enum demo_unit_scope s = demo_units[i].scope;
			if (s == UNIT_CITY_AND_DISTRICT || s == UNIT_DISTRICT)
				add_unit(c, &demo_units[i], LV_DISTRICT, d, -1,
				         s == UNIT_CITY_AND_DISTRICT ? 2 : 0, dd->name);
		}
		for (int t = 0; dd->towns[t]; t++) {
			char place[96];
			snprintf(place, sizeof(place), "%s%s", dd->name, dd->towns[t]);
			bool street = ends_with(dd->towns[t], "街道");
			for (size_t i = 0; i < demo_nunits; i++)
				if (demo_units[i].scope == (street ? UNIT_STREET : UNIT_TOWN))
					add_unit(c, &demo_units[i], LV_TOWN, d, t, 0, place);
		}
	}
}

static void add_post(struct demo_cadres *c, int *cap, int unit, int grade, int kind, int div,
                     const char *title)
{
	if (c->nposts == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		c->posts = xrealloc(c->posts, (size_t)*cap * sizeof(*c->posts));
	}
	c->posts[c->nposts++] = (struct slot){unit, (signed char)(grade < 0 ? 0 : grade),
	                                      (signed char)kind, (short)div, title};
}

/* Every leading post: the template's leaders (two grades lower in a
 * district's counterpart of a city body) and the heads of sections, with
 * deputies in the city's bodies, whose sections (处) rank as 乡科级. */
static void build_posts(struct demo_cadres *c)
{
	int cap = 0;
	for (int i = 0; i < c->nunits; i++) {
		const struct unit_rt *u = &c->units[i];
		for (const struct demo_post *l = u->tmpl->leaders; l->title; l++)
			for (int k = 0; k < l->count; k++)
				add_post(c, &cap, i, l->grade - u->shift, SLOT_LEADER, -1, l->title);
		for (int k = 0; k < u->ndivs; k++) {
			add_post(c, &cap, i, u->level == LV_CITY ? 2 : 0, SLOT_DIV_HEAD, k, NULL);
			if (u->level == LV_CITY)
				add_post(c, &cap, i, 1, SLOT_DIV_DEPUTY, k, NULL);
		}
	}
	for (int g = 0; g <= MAX_GRADE; g++)
		c->by_grade[g] = xcalloc((size_t)c->nposts + 1, sizeof(int));
	for (int i = 0; i < c->nposts; i++) {
		int g = c->posts[i].grade;
		c->by_grade[g][c->nby_grade[g]++] = i;
	}
}

static void division_name(const struct unit_rt *u, int k, char *out, size_t n)
{
	char base[64];
	demo_word_at(u->tmpl->divisions, k, base, sizeof(base));
	if (ends_with(base, "室") || ends_with(base, "局") || ends_with(base, "中心"))
		snprintf(out, n, "%s", base);
	else
		snprintf(out, n, "%s%s", base, u->level == LV_CITY ? "处" : "科");
}

static void division_post(const char *div, bool deputy, char *out, size_t n)
{
	const char *head = ends_with(div, "处") ? "处长" : ends_with(div, "科") ? "科长"
	                 : ends_with(div, "局") ? "局长" : "主任";
	snprintf(out, n, "%s%s%s", div, deputy ? "副" : "", head);
}

/* a leader title with '@' replaced by the place's last character (区 or 市) */
static void leader_title(const struct unit_rt *u, const char *title, char *out, size_t n)
{
	const char *at = strchr(title, '@');
	if (!at) {
		snprintf(out, n, "%s", title);
		return;
	}
	size_t len = strlen(u->place);
	const char *last = len >= 3 ? u->place + len - 3 : u->place;
	snprintf(out, n, "%.*s%s%s", (int)(at - title), title, last, at + 1);
}

/* The text of a post (without the body's name). Staff carry their 职级. */
static void post_text(const struct unit_rt *u, const struct slot *s, const char *rank, char *out,
                      size_t n)
{
	char div[96];
	switch (s->kind) {
	case SLOT_LEADER:
		leader_title(u, s->title, out, n);
		break;
	case SLOT_DIV_HEAD:
	case SLOT_DIV_DEPUTY:
		division_name(u, s->div, div, sizeof(div));
		division_post(div, s->kind == SLOT_DIV_DEPUTY, out, n);
		break;
	default:
		if (s->div >= 0) {
			division_name(u, s->div, div, sizeof(div));
			snprintf(out, n, "%s%s", div, rank);
		} else {
			snprintf(out, n, "%s", rank);
		}
	}
}

/* How a 简历 line names a post: the party committees of districts and
 * towns by their short names (中共江阴市委书记, 梁溪区崇安寺街道党工委副书记),
 * every other body by its full name. */
static void career_text(const struct unit_rt *u, const char *post, char *out, size_t n)
{
	if (u->level == LV_TOWN && !strncmp(u->tmpl->name, "中共", strlen("中共")))
		snprintf(out, n, "%s%s", u->place, post);
	else if (!strcmp(u->tmpl->name, "中共%s委员会"))
		snprintf(out, n, "中共%s委%s", u->place, post);
	else
		snprintf(out, n, "%s%s", u->name, post);
}

/* ---- the plan ---- */

static struct slot staff_slot(struct demo_pop *p, struct demo_cadres *c)
{
	/* a quarter of the staff in the city's bodies, the rest in districts
	 * and towns, in proportion to each body's sections */
	double x = demo_uniform(p);
	int level = x < 0.25 ? LV_CITY : x < 0.7 ? LV_DISTRICT : LV_TOWN;
	double pick = demo_uniform(p) * c->staff_cum[level][c->nstaff_units[level] - 1];
	int k = 0;
	while (k < c->nstaff_units[level] - 1 && c->staff_cum[level][k] <= pick)
		k++;
	int unit = c->staff_units[level][k];
	int div = demo_below(p, c->units[unit].ndivs);
	return (struct slot){unit, 0, SLOT_STAFF, (short)div, NULL};
}

static void build_staff_pools(struct demo_cadres *c)
{
	for (int l = 0; l < 3; l++) {
		c->staff_units[l] = xcalloc((size_t)c->nunits, sizeof(int));
		c->staff_cum[l] = xcalloc((size_t)c->nunits, sizeof(double));
	}
	for (int i = 0; i < c->nunits; i++) {
		const struct unit_rt *u = &c->units[i];
		if (!u->ndivs)
			continue;
		int l = u->level, k = c->nstaff_units[l]++;
		c->staff_units[l][k] = i;
		c->staff_cum[l][k] = (k ? c->staff_cum[l][k - 1] : 0) + u->ndivs + 1;
	}
}

struct demo_cadres *demo_cadres_plan(struct demo_pop *p, int total)
{
	struct demo_cadres *c = xcalloc(1, sizeof(*c));
	build_units(c);
	build_posts(c);
	build_staff_pools(c);
	/* A city fills every leading post and staffs the rest; a small demo
	 * takes a random third of its cadres from the leading posts so the
	 * few rows still show 局长, 科长 and 镇长. */
	int leaders = total >= 5 * c->nposts ? c->nposts : total * 35 / 100;
	int *order = xcalloc((size_t)c->nposts, sizeof(int));
	for (int i = 0; i < c->nposts; i++)
		order[i] = i;
	for (int i = 0; i < leaders; i++) {
		int j = i + demo_below(p, c->nposts - i), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	c->plan = xcalloc((size_t)total + 1, sizeof(*c->plan));
	for (int i = 0; i < leaders; i++)
		c->plan[c->nplan++] = c->posts[order[i]];
	while (c->nplan < total)
		c->plan[c->nplan++] = staff_slot(p, c);
	for (int i = c->nplan - 1; i > 0; i--) {
		int j = demo_below(p, i + 1);
		struct slot t = c->plan[i];
		c->plan[i] = c->plan[j];
		c->plan[j] = t;
	}
	free(order);
	return c;
}

void demo_cadres_free(struct demo_cadres *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nunits; i++) {
		free(c->units[i].place);
		free(c->units[i].name);
	}
	free(c->units);
	free(c->posts);
	for (int g = 0; g <= MAX_GRADE; g++)
		free(c->by_grade[g]);
	for (int l = 0; l < 3; l++) {
		free(c->staff_units[l]);
		free(c->staff_cum[l]);
	}
	free(c->plan);
	free(c);
}

/* ---- one cadre ---- */

/* 职级 that goes with the post; staff rise with their years of service */
static const char *rank_for(struct demo_pop *p, int grade, int years, enum level level)
{
	bool upper = demo_chance(p, 0.6);
	switch (grade) {
	case 4:
		return upper ? "一级调研员" : "二级调研员";
	case 3:
		return upper ? "三级调研员" : "四级调研员";
	case 2:
		return upper ? "一级主任科员" : "二级主任科员";
	case 1:
		return upper ? "三级主任科员" : "四级主任科员";
	default:
		return years < 1 ? "二级科员" : years < 5 ? "一级科员" : years < 10 ? "四级主任科员"
		     : years < 15 ? "三级主任科员" : years < 20 ? "二级主任科员"
		     : years >= 26 && level == LV_CITY && upper ? "四级调研员" : "一级主任科员";
	}
}

/* May a body appear in the career of a cadre whose current body is cur?
 * Careers stay in one district (home); a city cadre started there. */
static bool fits(const struct unit_rt *u, const struct unit_rt *cur, int home, bool early)
{
	if (cur->level == LV_CITY)
		return early ? u->level != LV_CITY && u->district == home : u->level == LV_CITY;
	return u->district == cur->district;
}

/* what a clerk was called: 科员, 副主任科员, 主任科员 until the 2019 reform
 * (职务与职级并行), 职级 names after it */
static const char *clerk_title(int start, int work_start)
{
	int years = (start - work_start) / 365;
	if (start < demo_days(2019, 6, 1))
		return years < 3 ? "科员" : years < 8 ? "副主任科员" : "主任科员";
	return years < 5 ? "一级科员" : years < 10 ? "四级主任科员" : years < 15 ? "三级主任科员"
	                                                                        : "二级主任科员";
}

/* an earlier post of grade g for a cadre now in cur: unit_post text;
 * clerk names a post of grade 0 */
static void earlier_post(struct demo_pop *p, struct demo_cadres *c, const struct unit_rt *cur,
                         int home, int grade, bool early, const char *clerk, char *out,
                         size_t n)
{
	char post[160];
	if (grade == 0) {
		const struct unit_rt *u = cur;
		for (int tries = 0; tries < 40; tries++) {
			int l = demo_below(p, 3);
			if (!c->nstaff_units[l])
				continue;
			const struct unit_rt *v = &c->units[c->staff_units[l][demo_below(
				p, c->nstaff_units[l])]];
			if (fits(v, cur, home, early)) {
				u = v;
				break;
			}
		}
		struct slot s = {0, 0, SLOT_STAFF, (short)(u->ndivs ? demo_below(p, u->ndivs) : -1),
		                 NULL};
		post_text(u, &s, clerk, post, sizeof(post));
		career_text(u, post, out, n);
		return;
	}
	const struct slot *s = NULL;
	for (int tries = 0; tries < 60 && c->nby_grade[grade]; tries++) {
		const struct slot *t = &c->posts[c->by_grade[grade][demo_below(p, c->nby_grade[grade])]];
		if (fits(&c->units[t->unit], cur, home, early) || tries >= 40) {
			s = t;
			break;
		}
	}
	if (!s) { /* no such post anywhere: keep the cadre where they are */
		career_text(cur, position_levels[grade], out, n);
		return;
	}
	post_text(&c->units[s->unit], s, "", post, sizeof(post));
	career_text(&c->units[s->unit], post, out, n);
}

/* The 任职经历: n periods from the first job to the current post, each
 * starting on the first of a month, grades never falling. Returns n. */
static int plan_career(struct demo_pop *p, struct demo_cadres *c, const struct unit_rt *cur,
                       int home, int grade, const char *current, int work_start,
                       struct period *rows)
{
	int years = (p->ref - work_start) / 365;
	int n = 2 + years / 7 + demo_below(p, 2);
	if (n > 6)
		n = 6;
	/* in the current post for half a year to six years */
	int appointed = p->ref - 180 - demo_below(p, 365 * 5 + 180);
	int earliest = work_start + (n - 1) * 240;
	if (appointed < earliest)
		appointed = earliest;
	if (appointed > p->ref - 31)
		appointed = p->ref - 31;
	double w[6], total = 0;
	for (int i = 0; i < n - 1; i++) {
		w[i] = 0.5 + demo_uniform(p);
		total += w[i];
	}
	double at = work_start;
	for (int i = 0; i < n; i++) {
		rows[i].start = demo_month_start(i == n - 1 ? appointed : (int)at);
		if (i > 0 && rows[i].start <= rows[i - 1].start)
			rows[i].start = demo_month_start(rows[i - 1].start + 40);
		if (i < n - 1)
			at += (appointed - work_start) * w[i] / total;
		int g = i == n - 1 ? grade : grade * i / (n - 1) + (demo_chance(p, 0.3) ? 1 : 0);
		if (g > grade)
			g = grade;
		if (i > 0 && g < rows[i - 1].grade)
			g = rows[i - 1].grade;
		rows[i].grade = i == 0 ? 0 : g;
		if (i == n - 1)
			career_text(cur, current, rows[i].unit_post, sizeof(rows[i].unit_post));
		else
			earlier_post(p, c, cur, home, rows[i].grade, i < (n - 1) / 2 + 1,
			             clerk_title(rows[i].start, work_start), rows[i].unit_post,
			             sizeof(rows[i].unit_post));
	}
	return n;
}

static enum xz_result write_career(struct demo_pop *p, int64_t person_id,
                                   const struct period *rows, int n)
{
	enum xz_result r = XZ_OK;
	for (int i = 0; !r && i < n; i++) {
		char start[11], end[11], raw[320];
		int y, m, d, ey = 0, em = 0;
		demo_date(rows[i].start, start);
		demo_civil(rows[i].start, &y, &m, &d);
		/* 简历 lines share the boundary month: 2015.03--2018.06 then 2018.06-- */
		if (i + 1 < n) {
			demo_date(rows[i + 1].start, end);
			demo_civil(rows[i + 1].start, &ey, &em, &d);
			snprintf(raw, sizeof(raw), "%04d.%02d--%04d.%02d  %s", y, m, ey, em,
			         rows[i].unit_post);
		} else {
			snprintf(raw, sizeof(raw), "%04d.%02d--         %s", y, m, rows[i].unit_post);
		}
		int64_t id;
		r = demo_row_create(p, "career",
		                    json_pack("{s:I, s:s, s:s*, s:s, s:s}", "person_id",
		                              (json_int_t)person_id, "start_date", start, "end_date",
		                              i + 1 < n ? end : NULL, "unit_post", rows[i].unit_post,
		                              "raw_line", raw),
		                    &id);
		p->counts->career += !r;
	}
	return r;
}

/* 1–3 expertise tags, led by what the body deals in */
static json_t *expertise(struct demo_pop *p, const struct unit_rt *u)
{
	json_t *tags = json_array();
	char tag[64];
	int want = 1 + demo_below(p, 2);
	want += demo_chance(p, 0.25);
	for (int tries = 0; (int)json_array_size(tags) < want && tries < 20; tries++) {
		if (tries < 6)
			demo_word_pick(p, u->tmpl->tags, tag, sizeof(tag));
		else
			snprintf(tag, sizeof(tag), "%s", demo_tags[demo_below(p, (int)demo_ntags)].name);
		bool dup = false;
		json_t *v;
		size_t i;
		json_array_foreach(tags, i, v) dup |= !strcmp(json_string_value(v), tag);
		if (!dup)
			json_array_append_new(tags, json_string(tag));
	}
	return tags;
}

/* the chain a cadre is linked to (挂链), near their district, or 0 */
static int64_t linked_chain(struct demo_pop *p, const struct unit_rt *u)
{
	if (!demo_chance(p, u->tmpl->economic ? 0.35 : 0.03))
		return 0;
	int e = demo_pick_enterprise(p, -1);
	for (int tries = 0; u->district >= 0 && p->ents[e].district != u->district && tries < 20;
	     tries++)
		e = demo_pick_enterprise(p, -1);
	return p->chains[p->ents[e].chain].id;
}

static void cadre_major(struct demo_pop *p, const struct unit_rt *u, enum demo_edu edu,
                        char *out, size_t n)
{
	char tag[64];
	if (edu >= EDU_COLLEGE) {
		snprintf(out, n, "%s", demo_chance(p, 0.5) ? "行政管理" : "法律事务");
		return;
	}
	if (demo_chance(p, 0.6))
		demo_word_pick(p, u->tmpl->tags, tag, sizeof(tag));
	else
		snprintf(tag, sizeof(tag), "%s", demo_tags[demo_below(p, (int)demo_ntags)].name);
	for (size_t i = 0; i < demo_ntags; i++)
		if (!strcmp(demo_tags[i].name, tag)) {
			demo_word_pick(p, demo_tags[i].majors, out, n);
			return;
		}
	snprintf(out, n, "行政管理");
}

static const char *cadre_political(struct demo_pop *p, int grade, int age)
{
	double u = demo_uniform(p);
	if (grade >= 1)
		return u < 0.96 ? "中共党员" : u < 0.99 ? "民主党派" : "无党派人士";
	if (age < 30 && u < 0.04)
		return "中共预备党员";
	if (u < 0.84)
		return "中共党员";
	if (age < 29 && u < 0.9)
		return "共青团员";
	return u < 0.93 ? "民主党派" : u < 0.95 ? "无党派人士" : "群众";
}

static const char *cadre_title(struct demo_pop *p, int age)
{
	double u = demo_uniform(p);
	if (u < 0.05 && age >= 40)
		return "高级经济师";
	if (u < 0.12)
		return "经济师";
	if (u < 0.15)
		return "政工师";
	return NULL;
}

enum xz_result demo_cadre_next(struct demo_pop *p, struct demo_cadres *c)
{
	static const int age_lo[] = {25, 29, 33, 40, 45}, age_hi[] = {59, 55, 56, 57, 58};
	static const double women[] = {0.45, 0.3, 0.28, 0.2, 0.15};
	if (c->next >= c->nplan) {
		snprintf(p->msg, p->n, "内部错误：干部岗位计划已用完");
		return XZ_ERR_INTERNAL;
	}
	const struct slot *s = &c->plan[c->next++];
	const struct unit_rt *u = &c->units[s->unit];
	int grade = s->grade;
	int age = demo_between(p, age_lo[grade], age_hi[grade]);
	double x = demo_uniform(p);
	enum demo_edu edu = grade >= 3 ? (x < 0.03 ? EDU_PHD : x < 0.58 ? EDU_MASTER : EDU_BACHELOR)
	                  : grade >= 1 ? (x < 0.35 ? EDU_MASTER : x < 0.95 ? EDU_BACHELOR
	                                                                  : EDU_COLLEGE)
	                               : (x < 0.3 ? EDU_MASTER : x < 0.92 ? EDU_BACHELOR
	                                                                 : EDU_COLLEGE);
	if (age < demo_grad_age(edu) + 2 && edu < EDU_BACHELOR)
		edu = EDU_BACHELOR;
	if (age < demo_grad_age(edu) + 2)
		age = demo_grad_age(edu) + 2;

	char school[64], major[64], post[160], org[200];
	struct demo_person who = {.edu = edu, .school = school, .major = major};
	who.district = u->district >= 0 ? u->district : demo_below(p, DEMO_NDISTRICTS);
	who.region_id = demo_place_id(p, u->district, u->town);
	who.gender = demo_chance(p, women[grade]);
	who.birth = demo_birth_for_age(p, age);
	who.local = demo_chance(p, 0.75);
	who.political = cadre_political(p, grade, age);
	who.title = cadre_title(p, age);
	if (edu >= EDU_COLLEGE)
		demo_word_pick(p, demo_schools_vocational, school, sizeof(school));
	else if (demo_chance(p, 0.1))
		demo_word_pick(p, demo_schools_elite, school, sizeof(school));
	else
		demo_word_pick(p, demo_schools_cadre, school, sizeof(school));
	cadre_major(p, u, edu, major, sizeof(major));
	who.work_start = demo_work_start(p, who.birth, edu);

	int years = (p->ref - who.work_start) / 365;
	const char *rank = rank_for(p, grade, years, u->level);
	post_text(u, s, rank, post, sizeof(post));
	struct period rows[6];
	int nrows = plan_career(p, c, u, who.district, grade, post, who.work_start, rows);

	int64_t person_id, cadre_id;
	enum xz_result r = demo_person_create(p, &who, &person_id);
	if (r)
		return r;
	char appointed[11];
	demo_date(rows[nrows - 1].start, appointed);
	json_t *tags = expertise(p, u);
	int64_t chain = linked_chain(p, u);
	r = demo_row_create(
		p, "cadre",
		json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:s}", "person_id",
	                  (json_int_t)person_id, "unit", u->name, "post", post, "rank", rank,
	                  "position_level", position_levels[grade], "level", level_names[u->level],
	                  "region_id", (json_int_t)demo_place_id(p, u->district, u->town),
	                  "expertise", tags, "chain_id", chain ? json_integer(chain) : json_null(),
	                  "appointed", appointed),
		&cadre_id);
	if (r)
		return r;
	p->counts->cadre++;
	if ((r = write_career(p, person_id, rows, nrows)))
		return r;
	if (strncmp(who.political, "中共", strlen("中共")))
		return XZ_OK;
	bool probation = !strcmp(who.political, "中共预备党员");
	if (u->level == LV_CITY)
		snprintf(org, sizeof(org), "%s机关党委", u->name);
	else if (u->level == LV_TOWN)
		snprintf(org, sizeof(org), "%s机关党支部", u->place);
	else
		snprintf(org, sizeof(org), "%s机关党支部", u->name);
	return demo_party_member_create(p, person_id, org,
	                                demo_join_date(p, who.birth, who.work_start, probation),
	                                probation);
}
