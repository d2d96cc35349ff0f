/*
 * Seeds the demo city's people (see demo_people.h) from demo_people_data.c
 * and a deterministic generator: the skill taxonomy first, then talents,
 * cadres (demo_cadres.c) and plain party members in one shuffled stream so
 * that lists do not group by kind, then enterprises' talent needs. It reads
 * back the regions, chains, segments and enterprises demo.c wrote rather
 * than sharing its private state, and writes every row through
 * engine_create, so people obey the same validation (check digits, the
 * 身份证号 ↔ birth date hook, sealing of personal data) as user input.
 * Randomness is splitmix64 from the caller's seed and dates count from a
 * fixed reference day, never the clock, so one seed is one city.
 */
#include "domain/demo_people_gen.h"

#include "core/log.h"
#include "core/mem.h"
#include "core/valid.h"
#include "model/model.h"
#include "store/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The demo's "today": needs are published up to it, ages count to it. */
#define REF_YEAR 2026
#define REF_MONTH 11
#define REF_DAY 26
/* the talent-needs census the demo pretends to hold started in 2025 */
#define NEEDS_FROM_YEAR 2025

struct scale {
	const char *name;
	int talents, cadres, members, needs;
};

/* members: party members who are neither talents nor cadres (enterprise
 * staff), so 党员 lists are not only officials and experts */
static const struct scale scales[] = {
	{"small", 300, 200, 100, 150},
	{"city", 500000, 60000, 10000, 30000},
};

enum kind { K_TALENT, K_CADRE, K_MEMBER };

const char *const demo_edu_names[5] = {"博士研究生", "硕士研究生", "大学本科", "大学专科",
                                       "中专及以下"};
static const char *const degree_names[5] = {"博士", "硕士", "学士", "无", "无"};

static const char *const categories[] = {"顶尖人才", "领军人才", "高层次人才", "青年人才",
                                          "高技能人才"};
static const char *const sources[] = {"本土培养", "高校毕业", "海外引进", "国内引进",
                                       "“531”招引"};
enum source { SRC_LOCAL, SRC_GRADUATE, SRC_OVERSEAS, SRC_DOMESTIC, SRC_531 };

/* ---- randomness ---- */

static uint64_t next_u64(struct demo_pop *p)
{
	uint64_t z = (p->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double demo_uniform(struct demo_pop *p)
{
	return (double)(next_u64(p) >> 11) * 0x1.0p-53;
}

int demo_below(struct demo_pop *p, int n)
{
	return n > 0 ? (int)(demo_uniform(p) * n) : 0;
}

bool demo_chance(struct demo_pop *p, double x)
{
	return demo_uniform(p) < x;
}

int demo_between(struct demo_pop *p, int lo, int hi)
{
	/* two draws in separate statements: evaluation order must not decide
	 * which comes first, or compilers would disagree on the city */
	int a = demo_below(p, hi - lo + 1);
	int b = demo_below(p, hi - lo + 1);
	return lo + (a + b) / 2;
}

/* index into cum (n ascending cumulative weights) of a weighted draw */
static int pick_cum(struct demo_pop *p, const double *cum, int n)
{
	double x = demo_uniform(p) * cum[n - 1];
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int pick_weight(struct demo_pop *p, const unsigned char *w, int n)
{
	double cum[16];
	for (int i = 0; i < n && i < 16; i++)
		cum[i] = (i ? cum[i - 1] : 0) + w[i];
	return pick_cum(p, cum, n < 16 ? n : 16);
}

/* ---- sets ---- */

static void set_init(struct demo_set *s, size_t expect)
{
	s->cap = 1024;
	while (s->cap < expect * 2)
		s->cap *= 2;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	s->n = 0;
}

static size_t slot_of(const struct demo_set *s, uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & (s->cap - 1);
}

/* Adds key (nonzero); false when it was already there. */
static bool set_add(struct demo_set *s, uint64_t key)
{
	if ((s->n + 1) * 2 > s->cap) {
		struct demo_set bigger = {xcalloc(s->cap * 2, sizeof(uint64_t)), s->cap * 2, 0};
		for (size_t i = 0; i < s->cap; i++)
			if (s->slots[i])
				set_add(&bigger, s->slots[i]);
		free(s->slots);
		*s = bigger;
	}
	for (size_t i = slot_of(s, key);; i = (i + 1) & (s->cap - 1)) {
		if (s->slots[i] == key)
			return false;
		if (!s->slots[i]) {
			s->slots[i] = key;
			s->n++;
			return true;
		}
	}
}

static void set_free(struct demo_set *s)
{
	free(s->slots);
	s->slots = NULL;
}

/* ---- words ---- */

#define SEP "、"
#define SEP_LEN 3

int demo_word_count(const char *list)
{
	if (!list || !*list)
		return 0;
	int n = 1;
	for (const char *q = list; (q = strstr(q, SEP)); q += SEP_LEN)
		n++;
	return n;
}

void demo_word_at(const char *list, int k, char *out, size_t n)
{
	const char *s = list;
	for (; k > 0; k--) {
		const char *next = strstr(s, SEP);
		if (!next)
			break;
		s = next + SEP_LEN;
	}
	const char *end = strstr(s, SEP);
	snprintf(out, n, "%.*s", (int)(end ? (size_t)(end - s) : strlen(s)), s);
}

void demo_word_pick(struct demo_pop *p, const char *list, char *out, size_t n)
{
	demo_word_at(list, demo_below(p, demo_word_count(list)), out, n);
}

static json_t *word_array(const char *list)
{
	json_t *a = json_array();
	char w[128];
	for (int i = 0, n = demo_word_count(list); i < n; i++) {
		demo_word_at(list, i, w, sizeof(w));
		json_array_append_new(a, json_string(w));
	}
	return a;
}

/* a random character of a run of three-byte UTF-8 characters */
static void pick_char(struct demo_pop *p, const char *run, char *out)
{
	int k = demo_below(p, (int)(strlen(run) / 3));
	memcpy(out, run + 3 * k, 3);
	out[3] = '\0';
}

/* ---- dates (proleptic Gregorian, days since 1970-01-01) ---- */

int demo_days(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void demo_civil(int days, int *y, int *m, int *d)
{
	int z = days + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

void demo_date(int days, char *out)
{
	int y, m, d;
	demo_civil(days, &y, &m, &d);
	/* the moduli only tell the compiler the fields fit */
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)d % 100u);
}

int demo_month_start(int days)
{
	int y, m, d;
	demo_civil(days, &y, &m, &d);
	return demo_days(y, m, 1);
}

int demo_birth_for_age(struct demo_pop *p, int age)
{
	/* born between age+1 years and age years before the reference day */
	return p->ref - (int)(age * 365.2425) - 1 - demo_below(p, 364);
}

int demo_grad_age(enum demo_edu edu)
{
	static const int ages[] = {29, 25, 22, 20, 18};
	return ages[edu];
}

/* ---- places ---- */

int64_t demo_place_id(const struct demo_pop *p, int district, int town)
{
	if (district < 0)
		return p->city_id;
	return town >= 0 ? p->town_id[district][town] : p->district_id[district];
}

int demo_pick_enterprise(struct demo_pop *p, int chain)
{
	if (chain < 0)
		return pick_cum(p, p->ent_cum, p->nents);
	const struct demo_chain_rt *c = &p->chains[chain];
	return c->ents[pick_cum(p, c->cum, c->nents)];
}

/* a district by the cluster's weights and, mostly, one of its towns */
static void pick_place(struct demo_pop *p, int cluster, int *district, int *town)
{
	*district = pick_weight(p, demo_clusters[cluster].district_weight, DEMO_NDISTRICTS);
	*town = demo_chance(p, 0.85) ? demo_below(p, p->ntowns[*district]) : -1;
}

/* ---- writing rows ---- */

enum xz_result demo_row_create(struct demo_pop *p, const char *entity, json_t *in, int64_t *id)
{
	const struct entity *e = model_find(entity);
	json_t *out = NULL;
	enum xz_result r;
	if (!e || !in) {
		snprintf(p->msg, p->n, "内部错误：无法构造%s数据", entity);
		r = XZ_ERR_INTERNAL;
		goto out;
	}
	r = engine_create(p->ctx, e, in, &out);
	if (r) {
		json_t *first = json_array_get(p->ctx->errs.details, 0);
		const char *why = json_string_value(json_object_get(first, "message"));
		const char *row = json_string_value(json_object_get(in, e->display));
		if (!why)
			why = *p->ctx->message ? p->ctx->message : result_info(r)->message;
		snprintf(p->msg, p->n, "创建%s“%s”失败：%s", e->label, row ? row : "", why);
		goto out;
	}
	*id = json_integer_value(json_object_get(out, "id"));
out:
	json_decref(in);
	json_decref(out);
	return r;
}

/* ---- people ---- */

static void person_name(struct demo_pop *p, const struct demo_person *who, char *out, size_t n)
{
	const char *surname =
		demo_surnames_freq[pick_cum(p, p->surname_cum[who->local], p->nsurnames)].name;
	int by, bm, bd;
	demo_civil(who->birth, &by, &bm, &bd);
	int era = by < 1975 ? 0 : by < 1990 ? 1 : 2;
	char first[4], second[4];
	if (demo_chance(p, 0.12)) { /* a one-character given name */
		pick_char(p, demo_given_single[who->gender], second);
		snprintf(out, n, "%s%s", surname, second);
		return;
	}
	pick_char(p, demo_given_second[who->gender][era], second);
	do
		pick_char(p, demo_given_first[who->gender][era], first);
	while (!strcmp(first, second));
	snprintf(out, n, "%s%s%s", surname, first, second);
}

static const struct demo_origin *pick_origin(struct demo_pop *p)
{
	int total = 0;
	for (size_t i = 0; i < demo_norigins; i++)
		total += demo_origins[i].weight;
	int x = demo_below(p, total);
	for (size_t i = 0; i < demo_norigins; i++) {
		if (x < demo_origins[i].weight)
			return &demo_origins[i];
		x -= demo_origins[i].weight;
	}
	return &demo_origins[0];
}

/* A 身份证号 unique in the city: the birthplace code, the birth date, a
 * sequence whose last digit is odd for men, and the GB 11643 check digit.
 * Each birthplace and birthday has 500 sequences per gender; the city's
 * busiest share a few, so the retry loop ends at once. */
static void make_idcard(struct demo_pop *p, const char *code, int birth, int gender, char *out)
{
	int y, m, d;
	demo_civil(birth, &y, &m, &d);
	for (;;) {
		int seq = demo_below(p, 500) * 2 + (gender == 0);
		snprintf(out, 18, "%.6s%04d%02d%02d%03d", code, y, m, d, seq);
		if (set_add(&p->idcards, strtoull(out, NULL, 10)))
			break;
	}
	out[17] = valid_idcard_check(out);
	out[18] = '\0';
}

static void make_mobile(struct demo_pop *p, char *out)
{
	/* the carriers' real number blocks */
	static const char prefixes[] = "134135136137138139150151152157158159182183187188130131"
	                               "132155156185186133153180181189177173199191198195";
	int nprefix = (int)(sizeof(prefixes) - 1) / 3;
	do {
		int k = demo_below(p, nprefix);
		uint64_t tail = next_u64(p) % 100000000ULL;
		snprintf(out, 12, "%.3s%08llu", prefixes + 3 * k, (unsigned long long)tail);
	} while (!set_add(&p->mobiles, strtoull(out, NULL, 10)));
}

enum xz_result demo_person_create(struct demo_pop *p, const struct demo_person *who, int64_t *id)
{
	char name[32], idcard[19], mobile[12], birth[11], work[11], ethnicity[16], native[32];
	const char *code;
	if (who->local) { /* 籍贯 江苏江阴, 江苏宜兴 or 江苏无锡 */
		code = demo_districts[who->district].code;
		snprintf(native, sizeof(native), "江苏%s", demo_districts[who->district].place);
	} else {
		const struct demo_origin *o = pick_origin(p);
		code = o->code;
		snprintf(native, sizeof(native), "%s", o->place);
	}
	person_name(p, who, name, sizeof(name));
	make_idcard(p, code, who->birth, who->gender, idcard);
	make_mobile(p, mobile);
	if (demo_chance(p, 0.03))
		demo_word_pick(p, demo_ethnicities, ethnicity, sizeof(ethnicity));
	else
		snprintf(ethnicity, sizeof(ethnicity), "汉族");
	demo_date(who->birth, birth);
	demo_date(who->work_start, work);
	/* gender and birth date are given although the 身份证号 implies them, so
	 * the engine's consistency hook checks this generator on every row */
	json_t *in = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s*, s:s*, s:s*, s:s, s:s, s:I}",
		"name", name, "idcard", idcard, "gender", who->gender ? "女" : "男", "birth_date",
		birth, "ethnicity", ethnicity, "native_place", native, "mobile", mobile, "education",
		demo_edu_names[who->edu], "degree", degree_names[who->edu], "school", who->school,
		"major", who->major, "title", who->title, "political_status", who->political,
		"work_start", work, "region_id", (json_int_t)who->region_id);
	enum xz_result r = demo_row_create(p, "person", in, id);
	if (!r)
		p->counts->person++;
	return r;
}

enum xz_result demo_party_member_create(struct demo_pop *p, int64_t person_id, const char *org,
                                        int joined, bool probation)
{
	char date[11];
	int64_t id;
	demo_date(joined, date);
	enum xz_result r = demo_row_create(
		p, "party_member",
		json_pack("{s:I, s:s, s:s, s:s}", "person_id", (json_int_t)person_id, "org_name",
	                  org, "join_date", date, "status", probation ? "预备党员" : "正式党员"),
		&id);
	if (!r)
		p->counts->party_member++;
	return r;
}

int demo_join_date(struct demo_pop *p, int birth, int work_start, bool probation)
{
	if (probation)
		return p->ref - 20 - demo_below(p, 330);
	int when = demo_chance(p, 0.35) ? birth + (int)((20 + demo_below(p, 3)) * 365.25)
	                                : work_start + 365 * (1 + demo_below(p, 8));
	when += demo_below(p, 300);
	int latest = p->ref - 400; /* a full member has passed a year's probation */
	int earliest = birth + (int)(18.5 * 365.25);
	if (when > latest) /* spread, not piled up on the last possible day */
		when = latest - demo_below(p, 3 * 365);
	return when < earliest ? earliest : when;
}

/* ---- schools ---- */

static void pick_school(struct demo_pop *p, enum demo_edu edu, int cluster, bool overseas,
                        char *out, size_t n)
{
	const char *pool;
	double u = demo_uniform(p);
	if (edu == EDU_SECONDARY)
		pool = demo_schools_secondary;
	else if (edu == EDU_COLLEGE)
		pool = demo_schools_vocational;
	else if (overseas)
		pool = demo_schools_overseas;
	else if (edu == EDU_PHD)
		pool = u < 0.35 ? demo_schools_elite : u < 0.6 ? demo_schools_strong
		                                               : demo_cluster_edu[cluster].schools;
	else if (edu == EDU_MASTER)
		pool = u < 0.2 ? demo_schools_elite : u < 0.5 ? demo_schools_strong
		     : u < 0.8 ? demo_cluster_edu[cluster].schools : demo_schools_regional;
	else
		pool = u < 0.05 ? demo_schools_elite : u < 0.2 ? demo_schools_strong
		     : u < 0.45 ? demo_cluster_edu[cluster].schools
		     : u < 0.85 ? demo_schools_regional : demo_schools_local;
	demo_word_pick(p, pool, out, n);
}

static void pick_major(struct demo_pop *p, enum demo_edu edu, int cluster, char *out, size_t n)
{
	const struct demo_cluster_edu *ce = &demo_cluster_edu[cluster];
	demo_word_pick(p, edu >= EDU_COLLEGE ? ce->vocational : ce->majors, out, n);
}

int demo_work_start(struct demo_pop *p, int birth, enum demo_edu edu)
{
	int by, bm, bd;
	demo_civil(birth, &by, &bm, &bd);
	int start = demo_days(by + demo_grad_age(edu) + (bm > 8), 7 + demo_below(p, 2), 1);
	int latest = demo_month_start(p->ref - 31);
	return start > latest ? latest : start;
}

/* ---- skills ---- */

static enum xz_result seed_skills(struct demo_pop *p)
{
	int64_t root[DEMO_NCLUSTERS];
	enum xz_result r = XZ_OK;
	for (int i = 0; !r && i < DEMO_NCLUSTERS; i++) {
		char *desc = xasprintf("%s产业集群的技能分类", demo_clusters[i].name);
		r = demo_row_create(p, "skill",
		                    json_pack("{s:s, s:o, s:I, s:s}", "name", demo_skill_roots[i],
		                              "synonyms", word_array(demo_skill_root_synonyms[i]),
		                              "cluster_id", (json_int_t)p->cluster_id[i],
		                              "description", desc),
		                    &root[i]);
		free(desc);
		p->counts->skill += !r;
	}
	for (size_t a = 0; !r && a < demo_nskill_areas; a++) {
		const struct demo_skill_area *sa = &demo_skill_areas[a];
		int chain = -1;
		for (size_t c = 0; c < demo_nchains; c++)
			if (!strcmp(demo_chains[c].name, sa->chain))
				chain = (int)c;
		if (chain < 0) {
			snprintf(p->msg, p->n, "内部错误：技能分类“%s”所属的产业链“%s”不存在", sa->name,
			         sa->chain);
			return XZ_ERR_INTERNAL;
		}
		int cluster = demo_chains[chain].cluster;
		int64_t area_id;
		char *desc = xasprintf("服务%s的技能", sa->chain);
		r = demo_row_create(p, "skill",
		                    json_pack("{s:s, s:I, s:o, s:I, s:s}", "name", sa->name,
		                              "parent_id", (json_int_t)root[cluster], "synonyms",
		                              word_array(sa->synonyms), "cluster_id",
		                              (json_int_t)p->cluster_id[cluster], "description", desc),
		                    &area_id);
		free(desc);
		p->counts->skill += !r;
		for (const struct demo_skill *k = sa->skills; !r && k->name; k++) {
			int64_t id;
			desc = xasprintf("产业链环节：%s；典型岗位：%s", k->top, k->post);
			r = demo_row_create(p, "skill",
			                    json_pack("{s:s, s:I, s:o, s:I, s:s}", "name", k->name,
			                              "parent_id", (json_int_t)area_id, "synonyms",
			                              word_array(k->synonyms), "cluster_id",
			                              (json_int_t)p->cluster_id[cluster], "description",
			                              desc),
			                    &id);
			free(desc);
			p->counts->skill += !r;
		}
	}
	return r;
}

enum craft { CRAFT_ANY, CRAFT_SHOP, CRAFT_DESK };

/* posts on the shop floor (生产制造, 技术技能) or not */
static bool shop_floor(const struct demo_skill *k)
{
	return !strcmp(k->category, "生产制造") || !strcmp(k->category, "技术技能");
}

/* the leaf skills of area a serving top (any top when none does) and
 * matching craft (any when none does), as pointers in out (at most 32);
 * returns how many */
static int leaves_of(int a, const char *top, enum craft craft, const struct demo_skill **out)
{
	int n = 0;
	for (const struct demo_skill *k = demo_skill_areas[a].skills; k->name && n < 32; k++)
		if ((!top || !strcmp(k->top, top)) &&
		    (craft == CRAFT_ANY || shop_floor(k) == (craft == CRAFT_SHOP)))
			out[n++] = k;
	if (n)
		return n;
	/* the craft matters more than the segment: a welder stays a welder */
	if (craft != CRAFT_ANY && top && (n = leaves_of(a, NULL, craft, out)))
		return n;
	return craft != CRAFT_ANY || top ? leaves_of(a, NULL, CRAFT_ANY, out) : 0;
}

static int leaves_for(int a, const char *top, const struct demo_skill **out)
{
	return leaves_of(a, top, CRAFT_ANY, out);
}

/* Adds up to want distinct skill names to tags, the first being first:
 * mostly leaves of the same top, some of the whole chain, of the craft. */
static void draw_skills(struct demo_pop *p, int area, const struct demo_skill *first,
                        enum craft craft, int want, json_t *tags)
{
	const struct demo_skill *same[32], *all[32], *any[32];
	int nsame = leaves_of(area, first->top, craft, same);
	int nall = leaves_of(area, NULL, craft, all);
	int nany = leaves_of(area, NULL, CRAFT_ANY, any);
	json_array_append_new(tags, json_string(first->name));
	/* after 20 draws a chain with few skills of the craft lends the others */
	for (int tries = 0; (int)json_array_size(tags) < want && tries < 60; tries++) {
		const struct demo_skill *k = tries >= 20          ? any[demo_below(p, nany)]
		                           : demo_chance(p, 0.65) ? same[demo_below(p, nsame)]
		                                                  : all[demo_below(p, nall)];
		bool dup = false;
		json_t *v;
		size_t i;
		json_array_foreach(tags, i, v) dup |= !strcmp(json_string_value(v), k->name);
		if (!dup)
			json_array_append_new(tags, json_string(k->name));
	}
}

/* ---- talents ---- */

static enum demo_edu talent_edu(struct demo_pop *p, int category)
{
	static const double cut[5][4] = {
		/* ≤博士, ≤硕士, ≤本科, ≤专科 (cumulative) */
		{0.95, 1.00, 1.00, 1.00}, {0.70, 0.95, 1.00, 1.00}, {0.35, 0.80, 1.00, 1.00},
		{0.10, 0.55, 0.95, 1.00}, {0.00, 0.00, 0.10, 0.65},
	};
	double u = demo_uniform(p);
	for (int e = 0; e < 4; e++)
		if (u < cut[category][e])
			return (enum demo_edu)e;
	return EDU_SECONDARY;
}

static enum source talent_source(struct demo_pop *p, int category)
{
	static const double cut[5][4] = {
		/* ≤本土, ≤高校, ≤海外, ≤国内 (cumulative), the rest “531” */
		{0.05, 0.05, 0.50, 0.85}, {0.15, 0.15, 0.45, 0.75}, {0.30, 0.40, 0.52, 0.82},
		{0.30, 0.75, 0.80, 0.95}, {0.70, 0.90, 0.90, 1.00},
	};
	double u = demo_uniform(p);
	for (int s = 0; s < 4; s++)
		if (u < cut[category][s])
			return (enum source)s;
	return SRC_531;
}

static const char *talent_title(struct demo_pop *p, int category, int cluster, int age)
{
	/* 研究员 series where research institutes employ most experts */
	bool research = (cluster == 2 || cluster == 11) && demo_chance(p, 0.5);
	double u = demo_uniform(p);
	switch (category) {
	case 0:
		return research ? "研究员" : "正高级工程师";
	case 1:
		return u < 0.5 && age >= 40 ? (research ? "研究员" : "正高级工程师")
		                            : (research ? "副研究员" : "高级工程师");
	case 2:
		return u < 0.6 && age >= 33 ? (research ? "副研究员" : "高级工程师")
		                            : (research ? "助理研究员" : "工程师");
	case 3:
		return u < 0.5 && age >= 27 ? "工程师" : u < 0.8 ? "助理工程师" : NULL;
	default:
		return u < 0.25 && age >= 32 ? "高级技师" : u < 0.65 && age >= 26 ? "技师" : "高级工";
	}
}

static const char *talent_level(struct demo_pop *p, int category)
{
	double u = demo_uniform(p);
	switch (category) {
	case 0:
		return "国家级";
	case 1:
		return u < 0.35 ? "国家级" : "省级";
	case 2:
		return u < 0.3 ? "省级" : "市级";
	case 3:
		return u < 0.45 ? "市级" : "其他";
	default:
		return u < 0.3 ? "市级" : "其他";
	}
}

/* 政治面貌: more party members among senior experts, 共青团员 only young */
static const char *political_status(struct demo_pop *p, int age, double party,
                                    double democratic)
{
	double u = demo_uniform(p);
	if (u < party)
		return age < 30 && demo_chance(p, 0.08) ? "中共预备党员" : "中共党员";
	if (u < party + democratic)
		return demo_chance(p, 0.8) ? "民主党派" : "无党派人士";
	if (age <= 28 && demo_chance(p, 0.6))
		return "共青团员";
	return "群众";
}

/* the party organization of someone working at enterprise e (or nowhere) */
static void enterprise_org(const struct demo_pop *p, int e, int district, char *out, size_t n)
{
	if (e >= 0)
		snprintf(out, n, "%s党支部", p->ents[e].name);
	else
		snprintf(out, n, "中共%s新经济组织联合委员会", demo_districts[district].name);
}

static enum xz_result seed_talent(struct demo_pop *p)
{
	static const int age_lo[] = {45, 36, 30, 23, 21}, age_hi[] = {68, 60, 55, 35, 58};
	static const double party[] = {0.35, 0.40, 0.35, 0.25, 0.15};
	static const double democratic[] = {0.18, 0.15, 0.06, 0.01, 0.01};
	int e = demo_pick_enterprise(p, -1);
	int chain = p->ents[e].chain, cluster = demo_chains[chain].cluster;
	int area = p->chains[chain].area;
	double u = demo_uniform(p);
	int category = u < 0.002 ? 0 : u < 0.022 ? 1 : u < 0.172 ? 2 : u < 0.622 ? 3 : 4;
	enum source source = talent_source(p, category);
	enum demo_edu edu = talent_edu(p, category);
	if (source == SRC_OVERSEAS && edu > EDU_MASTER)
		edu = EDU_MASTER;
	int age = demo_between(p, age_lo[category], age_hi[category]);
	if (age < demo_grad_age(edu) + 1)
		age = demo_grad_age(edu) + 1 + demo_below(p, 3);
	bool left = demo_chance(p, 0.04);
	bool employed = !left && demo_chance(p, 0.8);
	int district, town;
	if (employed) {
		district = p->ents[e].district;
		town = p->ents[e].town;
	} else {
		pick_place(p, cluster, &district, &town);
	}
	static const double local_share[] = {0.85, 0.35, 0.10, 0.15, 0.15};
	char school[64], major[64];
	/* one draw per statement: the order of evaluation inside an
	 * initializer or an argument list is unspecified, and the same seed
	 * must give the same people with any compiler */
	struct demo_person who = {.district = district, .edu = edu, .school = school,
	                          .major = major};
	who.region_id = demo_place_id(p, district, town);
	who.gender = demo_chance(p, category == 4 ? 0.22 : category <= 1 ? 0.12 : 0.32);
	who.birth = demo_birth_for_age(p, age);
	who.local = demo_chance(p, local_share[source]);
	who.title = talent_title(p, category, cluster, age);
	who.political = political_status(p, age, party[category], democratic[category]);
	pick_school(p, edu, cluster, source == SRC_OVERSEAS && edu <= EDU_MASTER, school,
	            sizeof(school));
	pick_major(p, edu, cluster, major, sizeof(major));
	who.work_start = demo_work_start(p, who.birth, edu);

	int64_t person_id, talent_id;
	enum xz_result r = demo_person_create(p, &who, &person_id);
	if (r)
		return r;

	/* skills: the segment the enterprise works in decides the first */
	const struct demo_skill *leaves[32];
	const char *top = p->segs[p->ents[e].segs[0]].top;
	/* skilled workers (高技能) mostly hold shop-floor skills, experts desk ones */
	bool at_top = demo_chance(p, 0.7);
	double c = demo_uniform(p);
	enum craft craft = category == 4 ? (c < 0.85 ? CRAFT_SHOP : CRAFT_ANY)
	                 : category <= 2 ? (c < 0.7 ? CRAFT_DESK : CRAFT_ANY) : CRAFT_ANY;
	int nleaves = leaves_of(area, at_top ? top : NULL, craft, leaves);
	const struct demo_skill *first = leaves[demo_below(p, nleaves)];
	int want = 2 + demo_below(p, 3);
	want += demo_below(p, 3); /* 2–6, mostly 3–5 */
	json_t *skills = json_array();
	draw_skills(p, area, first, craft, want, skills);
	if (demo_chance(p, 0.08) && json_array_size(skills) < 6) /* the broad area itself */
		json_array_append_new(skills, json_string(demo_skill_areas[area].name));
	const char *field = category <= 2 ? demo_skill_areas[area].name : first->name;
	int experience = (p->ref - who.work_start) / 365;
	r = demo_row_create(
		p, "talent",
		json_pack("{s:I, s:s, s:s, s:o, s:s, s:I, s:o, s:i, s:s, s:s}", "person_id",
	                  (json_int_t)person_id, "category", categories[category], "level",
	                  talent_level(p, category), "skills", skills, "field", field, "chain_id",
	                  (json_int_t)p->chains[chain].id, "enterprise_id",
	                  employed ? json_integer(p->ents[e].id) : json_null(), "experience_years",
	                  experience < 0 ? 0 : experience, "source", sources[source], "status",
	                  left ? "已离锡" : "在锡"),
		&talent_id);
	if (r)
		return r;
	p->counts->talent++;
	if (strncmp(who.political, "中共", strlen("中共")))
		return XZ_OK;
	bool probation = !strcmp(who.political, "中共预备党员");
	char org[160];
	enterprise_org(p, employed ? e : -1, district, org, sizeof(org));
	return demo_party_member_create(p, person_id, org,
	                                demo_join_date(p, who.birth, who.work_start, probation),
	                                probation);
}

/* An enterprise's party member who is neither a talent nor a cadre. */
static enum xz_result seed_member(struct demo_pop *p)
{
	int e = demo_pick_enterprise(p, -1);
	int cluster = demo_chains[p->ents[e].chain].cluster;
	double u = demo_uniform(p);
	enum demo_edu edu = u < 0.1 ? EDU_MASTER : u < 0.55 ? EDU_BACHELOR
	                  : u < 0.9 ? EDU_COLLEGE : EDU_SECONDARY;
	int age = demo_between(p, 24, 60);
	char school[64], major[64], org[160];
	bool probation = age < 35 && demo_chance(p, 0.06);
	struct demo_person who = {.district = p->ents[e].district, .edu = edu, .school = school,
	                          .major = major};
	who.region_id = demo_place_id(p, p->ents[e].district, p->ents[e].town);
	who.political = probation ? "中共预备党员" : "中共党员";
	who.gender = demo_chance(p, 0.38);
	who.birth = demo_birth_for_age(p, age);
	who.local = demo_chance(p, 0.6);
	pick_school(p, edu, cluster, false, school, sizeof(school));
	pick_major(p, edu, cluster, major, sizeof(major));
	who.work_start = demo_work_start(p, who.birth, edu);
	int64_t person_id;
	enum xz_result r = demo_person_create(p, &who, &person_id);
	if (r)
		return r;
	enterprise_org(p, e, who.district, org, sizeof(org));
	return demo_party_member_create(p, person_id, org,
	                                demo_join_date(p, who.birth, who.work_start, probation),
	                                probation);
}

/* ---- needs ---- */

static double cluster_pay(int cluster)
{
	/* chips, AI, quantum and wide-bandgap pay most; textiles least */
	static const double factor[DEMO_NCLUSTERS] = {1.05, 1.3, 1.1, 1.15, 1.0, 0.8, 0.9,
	                                               0.9,  1.0, 1.0, 1.3,  1.3, 1.25, 1.1, 1.05};
	return factor[cluster];
}

/* rounded to half a 万元 */
static double half(double x)
{
	return round(x * 2) / 2;
}

static enum xz_result seed_need(struct demo_pop *p)
{
	int e = demo_pick_enterprise(p, -1);
	const struct demo_ent *ent = &p->ents[e];
	int cluster = demo_chains[ent->chain].cluster, area = p->chains[ent->chain].area;
	const struct demo_seg *seg = &p->segs[ent->segs[demo_below(p, ent->nsegs)]];
	const struct demo_skill *leaves[32];
	int nleaves = leaves_for(area, seg->top, leaves);
	const struct demo_skill *first = leaves[demo_below(p, nleaves)];
	const char *cat = first->category;
	bool rd = !strcmp(cat, "研发设计");
	bool shop = shop_floor(first);

	/* seniority: a 高级/资深 post asks for more experience and pays more */
	int senior = demo_chance(p, 0.18) ? 1 : demo_chance(p, 0.05) ? 2 : 0;
	bool engineer = strstr(first->post, "工程师") && !strstr(first->post, "高级");
	char post[128];
	const char *grade = !engineer || !senior ? "" : senior == 2 ? "资深" : "高级";
	snprintf(post, sizeof(post), "%s%s", grade, first->post);

	/* headcount: mostly one or two, shop-floor posts in batches */
	double u = demo_uniform(p);
	int headcount = shop ? (u < 0.2 ? 1 : u < 0.5 ? 2 + demo_below(p, 2)
	                      : u < 0.7 ? 4 + demo_below(p, 2) : u < 0.9 ? 6 + demo_below(p, 5)
	                                                       : 11 + demo_below(p, 10))
	                     : (u < 0.5 ? 1 : u < 0.75 ? 2 : u < 0.9 ? 3 : 4 + demo_below(p, 3));

	static const char *const educations[] = {"博士研究生", "硕士研究生", "大学本科", "大学专科",
	                                          "不限"};
	static const double base_pay[] = {40, 22, 14, 9, 7}; /* 万元/年 */
	u = demo_uniform(p);
	int edu = rd ? (u < 0.12 ? 0 : u < 0.57 ? 1 : 2)
	        : shop ? (u < 0.08 ? 1 : u < 0.45 ? 2 : u < 0.85 ? 3 : 4)
	               : (u < 0.1 ? 1 : u < 0.75 ? 2 : u < 0.9 ? 3 : 4);
	if (senior && edu > 2)
		edu = 2;
	if ((strstr(post, "科学家") || strstr(post, "研究员")) && edu > 1)
		edu = 1; /* research posts ask for a graduate degree */

	static const char *const experiences[] = {"不限", "1年以下", "1-3年", "4-6年", "7-9年",
	                                          "10年及以上"};
	u = demo_uniform(p);
	int band = senior == 2 ? (u < 0.4 ? 4 : 5) : senior ? (u < 0.45 ? 3 : u < 0.75 ? 4 : 5)
	         : (u < 0.2 ? 0 : u < 0.3 ? 1 : u < 0.75 ? 2 : 3);

	const char *urgency;
	u = demo_uniform(p);
	if (seg->bottleneck) /* 卡脖子 segments are short of people most */
		urgency = u < 0.35 ? "紧急" : u < 0.75 ? "较急" : "一般";
	else
		urgency = u < 0.1 ? "紧急" : u < 0.4 ? "较急" : "一般";

	double pay = base_pay[edu] * (senior == 2 ? 1.8 : senior ? 1.45 : 1.0) *
	             cluster_pay(cluster) * (shop ? 0.9 : 1.0) *
	             (!strcmp(urgency, "紧急") ? 1.1 : 1.0) * (0.85 + 0.3 * demo_uniform(p));
	double lo = half(fmax(pay, 5)), hi = half(lo * (1.3 + 0.4 * demo_uniform(p)));
	if (hi <= lo)
		hi = lo + 0.5;

	/* published: recent needs are most common; deadlines 2–12 months later */
	int from = demo_days(NEEDS_FROM_YEAR, 1, 1);
	int ago = (int)(-log(1.0 - demo_uniform(p)) * 150);
	if (ago > p->ref - from)
		ago = demo_below(p, p->ref - from + 1);
	int published = p->ref - ago, deadline = published + 30 * (2 + demo_below(p, 11));
	const char *status;
	u = demo_uniform(p);
	if (deadline < p->ref)
		status = u < 0.55 ? "已满足" : "已关闭";
	else
		status = u < 0.92 ? "开放" : u < 0.96 ? "草稿" : "已满足";
	char pub[11], due[11];
	demo_date(published, pub);
	demo_date(deadline, due);

	json_t *skills = json_array();
	draw_skills(p, area, first, shop ? CRAFT_SHOP : CRAFT_DESK, 1 + demo_below(p, 4), skills);
	char certificate[128] = "";
	if (demo_chance(p, 0.2))
		demo_word_pick(p, demo_cluster_edu[cluster].certificates, certificate,
		               sizeof(certificate));
	buf_reset(&p->scratch);
	buf_printf(&p->scratch, "负责%s环节的%s工作", seg->top, first->name);
	if (json_array_size(skills) > 1) {
		buf_puts(&p->scratch, "；熟悉");
		for (size_t i = 1; i < json_array_size(skills); i++)
			buf_printf(&p->scratch, "%s%s", i > 1 ? "、" : "",
			           json_string_value(json_array_get(skills, i)));
		buf_puts(&p->scratch, "者优先");
	}
	buf_puts(&p->scratch, "。");

	int64_t id;
	enum xz_result r = demo_row_create(
		p, "need",
		json_pack("{s:I, s:I, s:s, s:s, s:i, s:s, s:o, s:s, s:s*, s:f, s:f, s:s, s:s, s:s, "
	                  "s:s, s:s}",
	                  "enterprise_id", (json_int_t)ent->id, "segment_id", (json_int_t)seg->id,
	                  "post_name", post, "post_category", cat, "headcount", headcount,
	                  "education", educations[edu], "skills", skills, "experience",
	                  experiences[band], "certificate", *certificate ? certificate : NULL,
	                  "salary_min", lo, "salary_max", hi, "urgency", urgency, "status", status,
	                  "published", pub, "deadline", due, "description", buf_cstr(&p->scratch)),
		&id);
	if (!r)
		p->counts->need++;
	return r;
}

/* ---- reading back what demo.c wrote ---- */

static enum xz_result query_failed(struct demo_pop *p, const char *what)
{
	snprintf(p->msg, p->n, "读取%s失败：%s", what, store_errmsg(p->ctx->db));
	return XZ_ERR_STORE;
}

static enum xz_result load_regions(struct demo_pop *p)
{
	struct store_stmt *st = NULL;
	if (store_prepare(p->ctx->db, "SELECT id, code FROM region WHERE deleted_at IS NULL", &st))
		return query_failed(p, "行政区划");
	for (int d = 0; d < DEMO_NDISTRICTS; d++) {
		int nt = 0;
		while (demo_districts[d].towns[nt])
			nt++;
		p->ntowns[d] = nt;
		p->town_id[d] = xcalloc((size_t)nt, sizeof(int64_t));
	}
	while (store_step(st) == STORE_ROW) {
		int64_t id = store_column_int(st, 0);
		const char *code = store_column_text(st, 1);
		if (!code)
			continue;
		if (!strcmp(code, demo_city_code))
			p->city_id = id;
		for (int d = 0; d < DEMO_NDISTRICTS; d++) {
			if (strncmp(code, demo_districts[d].code, 6))
				continue;
			int t = code[6] ? atoi(code + 6) - 1 : -1;
			if (t < 0)
				p->district_id[d] = id;
			else if (t < p->ntowns[d])
				p->town_id[d][t] = id;
		}
	}
	store_finalize(st);
	bool complete = p->city_id;
	for (int d = 0; d < DEMO_NDISTRICTS; d++) {
		complete &= p->district_id[d] != 0;
		for (int t = 0; t < p->ntowns[d]; t++)
			complete &= p->town_id[d][t] != 0;
	}
	if (!complete) {
		snprintf(p->msg, p->n, "内部错误：示范城市的行政区划不完整");
		return XZ_ERR_INTERNAL;
	}
	return XZ_OK;
}

static enum xz_result load_chains(struct demo_pop *p)
{
	struct store_stmt *st = NULL;
	if (store_prepare(p->ctx->db, "SELECT id, name FROM cluster WHERE deleted_at IS NULL", &st))
		return query_failed(p, "产业集群");
	while (store_step(st) == STORE_ROW)
		for (int i = 0; i < DEMO_NCLUSTERS; i++)
			if (!strcmp(demo_clusters[i].name, store_column_text(st, 1)))
				p->cluster_id[i] = store_column_int(st, 0);
	store_finalize(st);
	p->chains = xcalloc(demo_nchains, sizeof(*p->chains));
	if (store_prepare(p->ctx->db, "SELECT id, name FROM chain WHERE deleted_at IS NULL", &st))
		return query_failed(p, "产业链");
	while (store_step(st) == STORE_ROW)
		for (size_t c = 0; c < demo_nchains; c++)
			if (!strcmp(demo_chains[c].name, store_column_text(st, 1)))
				p->chains[c].id = store_column_int(st, 0);
	store_finalize(st);
	for (size_t c = 0; c < demo_nchains; c++) {
		p->chains[c].area = -1;
		for (size_t a = 0; a < demo_nskill_areas; a++)
			if (!strcmp(demo_skill_areas[a].chain, demo_chains[c].name))
				p->chains[c].area = (int)a;
		if (!p->chains[c].id || p->chains[c].area < 0) {
			snprintf(p->msg, p->n, "内部错误：产业链“%s”缺少数据或技能分类",
			         demo_chains[c].name);
			return XZ_ERR_INTERNAL;
		}
	}
	for (int i = 0; i < DEMO_NCLUSTERS; i++)
		if (!p->cluster_id[i]) {
			snprintf(p->msg, p->n, "内部错误：产业集群“%s”不存在", demo_clusters[i].name);
			return XZ_ERR_INTERNAL;
		}
	return XZ_OK;
}

static int find_segment(const struct demo_pop *p, int64_t id)
{
	int lo = 0, hi = p->nsegs - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (p->segs[mid].id == id)
			return mid;
		if (p->segs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static enum xz_result load_segments(struct demo_pop *p)
{
	struct store_stmt *st = NULL;
	int64_t n = 0;
	store_query_int(p->ctx->db, "SELECT count(*) FROM segment WHERE deleted_at IS NULL", &n, 0,
	                NULL);
	p->segs = xcalloc((size_t)n + 1, sizeof(*p->segs));
	int64_t *parent = xcalloc((size_t)n + 1, sizeof(int64_t));
	char **names = xcalloc((size_t)n + 1, sizeof(char *));
	enum xz_result r = XZ_OK;
	if (store_prepare(p->ctx->db,
	                  "SELECT id, chain_id, parent_id, name, bottleneck FROM segment"
	                  " WHERE deleted_at IS NULL ORDER BY id",
	                  &st)) {
		r = query_failed(p, "产业链环节");
		goto out;
	}
	while (p->nsegs < n && store_step(st) == STORE_ROW) {
		struct demo_seg *s = &p->segs[p->nsegs];
		s->id = store_column_int(st, 0);
		int64_t chain_id = store_column_int(st, 1);
		for (size_t c = 0; c < demo_nchains; c++)
			if (p->chains[c].id == chain_id)
				s->chain = (int)c;
		parent[p->nsegs] = store_column_int(st, 2);
		names[p->nsegs] = xstrdup(store_column_text(st, 3));
		s->bottleneck = store_column_int(st, 4) != 0;
		p->nsegs++;
	}
	/* a node's top is its own name at the top, else its parent's top; parents
	 * were written (and numbered) before their children */
	for (int i = 0; i < p->nsegs; i++) {
		int up = parent[i] ? find_segment(p, parent[i]) : -1;
		p->segs[i].top = xstrdup(up >= 0 && up < i ? p->segs[up].top : names[i]);
	}
out:
	store_finalize(st);
	for (int64_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(parent);
	return r;
}

static void region_place(const struct demo_pop *p, int64_t region_id, int *district, int *town)
{
	*district = 0;
	*town = -1;
	for (int d = 0; d < DEMO_NDISTRICTS; d++) {
		if (p->district_id[d] == region_id) {
			*district = d;
			return;
		}
		for (int t = 0; t < p->ntowns[d]; t++)
			if (p->town_id[d][t] == region_id) {
				*district = d;
				*town = t;
				return;
			}
	}
}

/* Enterprises with their segments; bigger firms weigh more in every draw
 * (they employ more talents and post more needs), by the square root of
 * their headcount so the giants do not swallow the city. */
static enum xz_result load_enterprises(struct demo_pop *p)
{
	struct store_stmt *st = NULL;
	int64_t n = 0;
	store_query_int(p->ctx->db, "SELECT count(*) FROM enterprise WHERE deleted_at IS NULL", &n,
	                0, NULL);
	p->ents = xcalloc((size_t)n + 1, sizeof(*p->ents));
	double *weight = xcalloc((size_t)n + 1, sizeof(double));
	enum xz_result r = XZ_OK;
	if (store_prepare(p->ctx->db,
	                  "SELECT e.id, e.region_id, e.employees, e.name, x.segment_id"
	                  " FROM enterprise e JOIN enterprise_segment x ON x.enterprise_id = e.id"
	                  " WHERE e.deleted_at IS NULL ORDER BY e.id, x.segment_id",
	                  &st)) {
		r = query_failed(p, "企业");
		goto out;
	}
	while (store_step(st) == STORE_ROW) {
		int64_t id = store_column_int(st, 0);
		int k = find_segment(p, store_column_int(st, 4));
		if (k < 0)
			continue;
		struct demo_ent *e = p->nents ? &p->ents[p->nents - 1] : NULL;
		if (!e || e->id != id) {
			if (p->nents >= n)
				break;
			e = &p->ents[p->nents];
			e->id = id;
			region_place(p, store_column_int(st, 1), &e->district, &e->town);
			e->name = xstrdup(store_column_text(st, 3));
			e->chain = p->segs[k].chain;
			weight[p->nents++] = 2 + sqrt((double)store_column_int(st, 2));
		}
		if (e->nsegs < 3 && p->segs[k].chain == e->chain)
			e->segs[e->nsegs++] = k;
	}
	if (!p->nents) {
		snprintf(p->msg, p->n, "内部错误：示范城市中没有企业");
		r = XZ_ERR_INTERNAL;
		goto out;
	}
	p->ent_cum = xcalloc((size_t)p->nents, sizeof(double));
	for (int i = 0; i < p->nents; i++) {
		p->ent_cum[i] = (i ? p->ent_cum[i - 1] : 0) + weight[i];
		p->chains[p->ents[i].chain].nents++;
	}
	for (size_t c = 0; c < demo_nchains; c++) {
		struct demo_chain_rt *ch = &p->chains[c];
		ch->ents = xcalloc((size_t)ch->nents + 1, sizeof(int));
		ch->cum = xcalloc((size_t)ch->nents + 1, sizeof(double));
		if (!ch->nents) {
			snprintf(p->msg, p->n, "内部错误：产业链“%s”没有企业", demo_chains[c].name);
			r = XZ_ERR_INTERNAL;
			goto out;
		}
		ch->nents = 0;
	}
	for (int i = 0; i < p->nents; i++) {
		struct demo_chain_rt *ch = &p->chains[p->ents[i].chain];
		ch->ents[ch->nents] = i;
		ch->cum[ch->nents] = (ch->nents ? ch->cum[ch->nents - 1] : 0) + weight[i];
		ch->nents++;
	}
out:
	store_finalize(st);
	free(weight);
	return r;
}

/* ---- the whole population ---- */

static void init_surnames(struct demo_pop *p)
{
	double national = 0, local = 0;
	for (size_t i = 0; i < demo_nsurnames && i < DEMO_MAX_SURNAMES; i++) {
		national += demo_surnames_freq[i].national;
		local += demo_surnames_freq[i].local;
		p->surname_cum[0][i] = national;
		p->surname_cum[1][i] = local;
		p->nsurnames = (int)i + 1;
	}
}

static void pop_free(struct demo_pop *p)
{
	for (int d = 0; d < DEMO_NDISTRICTS; d++)
		free(p->town_id[d]);
	if (p->chains)
		for (size_t c = 0; c < demo_nchains; c++) {
			free(p->chains[c].ents);
			free(p->chains[c].cum);
		}
	free(p->chains);
	for (int i = 0; i < p->nents; i++)
		free(p->ents[i].name);
	free(p->ents);
	free(p->ent_cum);
	for (int i = 0; i < p->nsegs; i++)
		free(p->segs[i].top);
	free(p->segs);
	set_free(&p->idcards);
	set_free(&p->mobiles);
	buf_free(&p->scratch);
}

/* SQLite's default page cache (2 MB) thrashes once the person indexes
 * outgrow it, and pages spilled from it are written to the WAL again and
 * again inside the one transaction. For the city, 64 MB for the seeding
 * connection cut system time from 11 s to 3 s (peak RSS 126 MB; 256 MB
 * bought nothing more). The previous setting (in *before) is restored at
 * the end. */
static bool widen_cache(struct store *db, int64_t kib, int64_t *before)
{
	char sql[64];
	if (store_dialect(db) != STORE_SQLITE ||
	    store_query_int(db, "PRAGMA cache_size", before, 0, NULL))
		return false;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=%lld", (long long)-kib);
	return store_exec(db, sql) == XZ_OK;
}

static void restore_cache(struct store *db, int64_t before)
{
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=%lld", (long long)before);
	store_exec(db, sql);
}

enum xz_result demo_people_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed,
                                struct demo_people_counts *counts, char *msg, size_t n)
{
	/* people draw from their own stream, so adding them left the
	 * enterprises of a given seed exactly as they were */
	struct demo_pop p = {.ctx = ctx, .rng = seed ^ 0x70656f706c65ULL, .msg = msg, .n = n,
	                     .counts = counts};
	unsigned char *kinds = NULL;
	struct demo_cadres *cadres = NULL;
	int64_t cache = 0;
	bool widened = false;
	enum xz_result r = XZ_OK;
	memset(counts, 0, sizeof(*counts));
	p.ref = demo_days(REF_YEAR, REF_MONTH, REF_DAY);
	const struct scale *sc = NULL;
	for (size_t i = 0; i < sizeof(scales) / sizeof(scales[0]); i++)
		if (scale && !strcmp(scale, scales[i].name))
			sc = &scales[i];
	if (!sc) {
		snprintf(msg, n, "未知的示范数据规模“%s”", scale ? scale : "");
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	int people = sc->talents + sc->cadres + sc->members;
	set_init(&p.idcards, (size_t)people);
	set_init(&p.mobiles, (size_t)people);
	init_surnames(&p);
	if (people > 100000)
		widened = widen_cache(ctx->db, 64 * 1024, &cache);
	if ((r = load_regions(&p)) || (r = load_chains(&p)) || (r = load_segments(&p)) ||
	    (r = load_enterprises(&p)) || (r = seed_skills(&p)))
		goto out;

	/* one shuffled stream of kinds, so ids and lists mix talents, cadres
	 * and members as a real register would */
	kinds = xmalloc((size_t)people);
	memset(kinds, K_TALENT, (size_t)sc->talents);
	memset(kinds + sc->talents, K_CADRE, (size_t)sc->cadres);
	memset(kinds + sc->talents + sc->cadres, K_MEMBER, (size_t)sc->members);
	for (int i = people - 1; i > 0; i--) {
		int j = demo_below(&p, i + 1);
		unsigned char t = kinds[i];
		kinds[i] = kinds[j];
		kinds[j] = t;
	}
	cadres = demo_cadres_plan(&p, sc->cadres);
	for (int i = 0; !r && i < people; i++) {
		r = kinds[i] == K_TALENT ? seed_talent(&p)
		  : kinds[i] == K_CADRE  ? demo_cadre_next(&p, cadres)
		                         : seed_member(&p);
		if ((i + 1) % 100000 == 0)
			log_info("示范数据：已生成 %d / %d 人", i + 1, people);
	}
	for (int i = 0; !r && i < sc->needs; i++)
		r = seed_need(&p);
out:
	if (widened)
		restore_cache(ctx->db, cache);
	free(kinds);
	demo_cadres_free(cadres);
	pop_free(&p);
	return r;
}

void demo_people_counts_json(const struct demo_people_counts *c, json_t *counts)
{
	json_object_set_new(counts, "skill", json_integer(c->skill));
	json_object_set_new(counts, "person", json_integer(c->person));
	json_object_set_new(counts, "talent", json_integer(c->talent));
	json_object_set_new(counts, "cadre", json_integer(c->cadre));
	json_object_set_new(counts, "career", json_integer(c->career));
	json_object_set_new(counts, "party_member", json_integer(c->party_member));
	json_object_set_new(counts, "need", json_integer(c->need));
}
