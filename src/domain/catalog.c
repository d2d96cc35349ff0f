/*
 * Compiling, publishing, comparing and exporting the talent-shortage
 * catalog. Compilation reads the open needs and the talent pool with its
 * own SQL (a city-wide aggregate, not a scoped list), groups needs by chain
 * and normalized post name, weighs them by urgency and age against a fixed
 * reference date, counts the qualified supply through the skill taxonomy,
 * and scores each post on five dimensions in the manner of the Zhengzhou
 * catalog, banded into grades as Hangzhou does. Every input is read in a
 * fixed order and every tie is broken explicitly, so the same data always
 * yields the same entries in the same order; the method is written into the
 * catalog row for reproduction.
 */
#include "domain/catalog.h"
#include "domain/taxonomy.h"

#include "auth/audit.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/util.h"
#include "io/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define METHOD_VERSION "v1"
#define W_GAP 0.4
#define W_EDU 0.15
#define W_EXP 0.15
#define W_BREADTH 0.1
#define W_PAY 0.2
#define HALF_LIFE_DAYS 180.0
#define MAX_TYPICAL_SKILLS 8
#define TALENT_BITS 512

static const char *const edu_names[] = {"不限", "大学专科", "大学本科", "硕士研究生", "博士研究生"};
static const char *const exp_names[] = {"不限", "1年以下", "1-3年", "4-6年", "7-9年", "10年及以上"};
static const int exp_lower[] = {0, 0, 1, 4, 7, 10};

/* 中专及以下 and unknown values rank with 不限: they meet no stated requirement */
static int edu_rank(const char *s)
{
	for (int i = 1; s && i < 5; i++)
		if (!strcmp(s, edu_names[i]))
			return i;
	return 0;
}

static int exp_band(const char *s)
{
	for (int i = 1; s && i < 6; i++)
		if (!strcmp(s, exp_names[i]))
			return i;
	return 0;
}

static double urgency_weight(const char *s)
{
	if (s && !strcmp(s, "紧急"))
		return 1.6;
	if (s && !strcmp(s, "较急"))
		return 1.3;
	return 1.0;
}

/* days since 1970-01-01 of a civil date (proleptic Gregorian) */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* halves per HALF_LIFE_DAYS from publication to the reference date; an
 * undated need or one dated after the reference counts fully */
static double age_factor(const char *published, long ref_days)
{
	int y, m, d;
	if (!published || sscanf(published, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return 1.0;
	long age = ref_days - days_from_civil(y, m, d);
	return age <= 0 ? 1.0 : pow(0.5, (double)age / HALF_LIFE_DAYS);
}

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* rounds to 1/scale (scale 10000: four decimals) */
static double round_to(double x, double scale)
{
	return round(x * scale) / scale;
}

/* Post names are matched after dropping white space (ASCII and U+3000) and
 * folding full-width ASCII to half-width, so "数字IC 设计工程师" and
 * "数字ＩＣ设计工程师" are one post. */
static char *normalize_post(const char *s)
{
	struct buf b = {0};
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			p++;
		} else if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 3;
		} else if (p[0] == 0xef && (p[1] == 0xbc || p[1] == 0xbd) && p[2]) {
			unsigned cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
			if (cp >= 0xff01 && cp <= 0xff5e) {
				buf_putc(&b, (char)(cp - 0xff01 + 0x21));
				p += 3;
			} else {
				buf_append(&b, (const char *)p, 3);
				p += 3;
			}
		} else {
			buf_putc(&b, (char)*p++);
		}
	}
	return buf_steal(&b);
}

/* ---- the talent pool ---- */

struct talent {
	int64_t chain_id, id;
	int edu, exp_years;
	int *skills; /* canonical ids plus every ancestor, sorted, unique */
	size_t nskills;
	/* the ids below TALENT_BITS of skills as a bit set: the supply count
	 * tests these without reaching into skills */
	uint64_t bits[TALENT_BITS / 64];
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Length of the UTF-8 sequence at p as jansson accepts it (no overlong
 * forms, no surrogates, nothing past U+10FFFF), 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned c = p[0], n, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* The strings of a JSON array of plain strings ("[\"a\", \"b\"]": no escapes,
 * no other values), NUL-separated into buf; false when the text is anything
 * else, for jansson to read. The skills columns are written by xinzhi
 * itself, so this is nearly every row, without a json_t per string. */
static bool plain_strings(const char *json, struct buf *out, size_t *count)
{
	const unsigned char *p = (const unsigned char *)json;
	*count = 0;
	out->len = 0;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p++ != '[')
		return false;
	for (bool first = true;; first = false) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == ']' && first) {
			p++;
			break;
		}
		if (*p++ != '"')
			return false;
		const unsigned char *s0 = p;
		while (*p != '"') {
			size_t n = *p < 0x20 || *p == '\\' ? 0 : utf8_len(p);
			if (!n)
				return false;
			p += n;
		}
		buf_append(out, (const char *)s0, (size_t)(p - s0));
		buf_putc(out, '\0');
		(*count)++;
		p++;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == ']') {
			p++;
			break;
		}
		if (*p++ != ',')
			return false;
	}
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return *p == 0;
}

static void add_with_ancestors(struct taxonomy *t, const char *name, struct talent *out,
                               size_t *cap)
{
	int c = taxonomy_canonical(t, name);
	for (int depth = 0; c >= 0 && depth < 32; depth++) {
		if (out->nskills == *cap)
			out->skills = xrealloc(out->skills, (*cap *= 2) * sizeof(int));
		out->skills[out->nskills++] = c;
		c = c < t->nskills ? t->parent[c] : -1;
	}
}

/* A talent's skill covers a requirement when it is the same skill (by name
 * or synonym) or a descendant of it, so each held skill adds its ancestors. */
static void expand_skills(struct taxonomy *t, const char *json, struct buf *scratch,
                          struct talent *out)
{
	size_t cap = 8, k;
	out->skills = xmalloc(cap * sizeof(int));
	out->nskills = 0;
	if (json && plain_strings(json, scratch, &k)) {
		const char *name = scratch->data;
		for (; k > 0; k--, name += strlen(name) + 1)
			add_with_ancestors(t, name, out, &cap);
	} else {
		json_t *arr = json ? json_loads(json, 0, NULL) : NULL;
		json_t *v;
		json_array_foreach(arr, k, v) if (json_is_string(v))
		    add_with_ancestors(t, json_string_value(v), out, &cap);
		json_decref(arr);
	}
	if (out->nskills)
		qsort(out->skills, out->nskills, sizeof(int), cmp_int);
	size_t u = 0;
	for (size_t i = 0; i < out->nskills; i++)
		if (!u || out->skills[u - 1] != out->skills[i])
			out->skills[u++] = out->skills[i];
	out->nskills = u;
	memset(out->bits, 0, sizeof(out->bits));
	for (size_t i = 0; i < u; i++)
		if (out->skills[i] >= 0 && out->skills[i] < TALENT_BITS)
			out->bits[out->skills[i] / 64] |= 1ull << (out->skills[i] % 64);
}

static int cmp_talent(const void *a, const void *b)
{
	const struct talent *x = a, *y = b;
	if (x->chain_id != y->chain_id)
		return x->chain_id < y->chain_id ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Sorts the pool by chain, then id: when it is already in id order, a
 * stable counting sort over the few chains, else qsort. */
static void sort_by_chain(struct talent **pool, size_t n, bool by_id)
{
	if (!by_id) {
		qsort(*pool, n, sizeof(**pool), cmp_talent);
		return;
	}
	int64_t *chains = xmalloc(n * sizeof(*chains));
	for (size_t i = 0; i < n; i++)
		chains[i] = (*pool)[i].chain_id;
	qsort(chains, n, sizeof(*chains), cmp_int64);
	size_t nc = 0;
	for (size_t i = 0; i < n; i++)
		if (!nc || chains[nc - 1] != chains[i])
			chains[nc++] = chains[i];
	size_t *start = xcalloc(nc + 1, sizeof(*start));
	for (size_t i = 0; i < n; i++) {
		int64_t *c = bsearch(&(*pool)[i].chain_id, chains, nc, sizeof(*chains), cmp_int64);
		start[c - chains + 1]++;
	}
	for (size_t i = 0; i < nc; i++)
		start[i + 1] += start[i];
	struct talent *sorted = xmalloc(n * sizeof(*sorted));
	for (size_t i = 0; i < n; i++) {
		int64_t *c = bsearch(&(*pool)[i].chain_id, chains, nc, sizeof(*chains), cmp_int64);
		sorted[start[c - chains]++] = (*pool)[i];
	}
	free(start);
	free(chains);
	free(*pool);
	*pool = sorted;
}

/* The pool sorted by chain, then id. The rows are read in table order and
 * sorted here: walking the chain index instead reads the table at random,
 * page by page, which took a third of a city-scale compile (the coalesce()
 * and the unary + keep SQLite's planner off the partial person index and the
 * chain index; deleted_at is never ''). */
static enum xz_result load_talents(struct store *db, struct taxonomy *t, struct talent **out,
                                   size_t *n)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(
	    db,
	    "SELECT t.chain_id, t.skills, t.experience_years, p.education, t.id FROM talent t"
	    " JOIN person p ON p.id = t.person_id"
	    " WHERE coalesce(t.deleted_at, '') = '' AND p.deleted_at IS NULL"
	    " AND coalesce(t.status, '在锡') = '在锡' AND +t.chain_id IS NOT NULL",
	    &st);
	size_t cap = 0;
	struct buf scratch = BUF_INIT;
	bool by_id = true; /* rows came in id order (a table scan does) */
	*out = NULL;
	*n = 0;
	if (r)
		return r;
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		if (*n == cap)
			*out = xrealloc(*out, (cap = cap ? cap * 2 : 1024) * sizeof(**out));
		struct talent *x = &(*out)[(*n)++];
		x->chain_id = store_column_int(st, 0);
		x->id = store_column_int(st, 4);
		by_id &= *n == 1 || x[-1].id < x->id;
		x->exp_years = (int)store_column_int(st, 2);
		x->edu = edu_rank(store_column_text(st, 3));
		expand_skills(t, store_column_text(st, 1), &scratch, x);
	}
	if (s == STORE_FAIL)
		r = store_stmt_result(st);
	store_finalize(st);
	buf_free(&scratch);
	if (!r && *n)
		sort_by_chain(out, *n, by_id);
	return r;
}

static bool talent_has(const struct talent *x, int skill)
{
	if (skill >= 0 && skill < TALENT_BITS)
		return x->bits[skill / 64] >> (skill % 64) & 1;
	return bsearch(&skill, x->skills, x->nskills, sizeof(int), cmp_int) != NULL;
}

/* ---- grouping the needs ---- */

struct skill_count {
	char *name;
	double heads;
};

struct group {
	int64_t chain_id, cluster_id;
	int cluster_order;
	char *post;
	double demand, salary_w, min_sum, max_sum, mid_sum;
	int64_t heads;
	double edu_heads[5], exp_heads[6];
	struct skill_count *skills;
	size_t nskills, cap_skills;
	bool certificate;
	/* results */
	int edu, exp;
	char **typical; /* the typical skills, MAX_TYPICAL_SKILLS at most */
	size_t ntypical;
	int64_t supply;
	double index, salary_min, salary_max;
	bool has_salary;
};

struct chain_info {
	int64_t id, cluster_id;
	int cluster_order;
};

static void group_add_skill(struct group *g, const char *name, double heads)
{
	for (size_t i = 0; i < g->nskills; i++)
		if (!strcmp(g->skills[i].name, name)) {
			g->skills[i].heads += heads;
			return;
		}
	if (g->nskills == g->cap_skills)
		g->skills = xrealloc(g->skills, (g->cap_skills = g->cap_skills ? g->cap_skills * 2 : 8) *
		                                    sizeof(*g->skills));
	g->skills[g->nskills++] = (struct skill_count){xstrdup(name), heads};
}

static int cmp_skill_count(const void *a, const void *b)
{
	const struct skill_count *x = a, *y = b;
	if (x->heads != y->heads)
		return x->heads > y->heads ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* the most-demanded level; a tie goes to the higher requirement */
static int mode_of(const double *heads, int n)
{
	int best = 0;
	for (int i = 1; i < n; i++)
		if (heads[i] >= heads[best])
			best = i;
	return best;
}

/* Typical skills: those asked for by at least half of the post's headcount,
 * or else the single most asked-for one. */
static void choose_typical(struct group *g)
{
	if (g->nskills)
		qsort(g->skills, g->nskills, sizeof(*g->skills), cmp_skill_count);
	g->typical = xcalloc(MAX_TYPICAL_SKILLS, sizeof(char *));
	for (size_t i = 0; i < g->nskills && g->ntypical < MAX_TYPICAL_SKILLS; i++)
		if (2 * g->skills[i].heads >= (double)g->heads || i == 0)
			g->typical[g->ntypical++] = g->skills[i].name;
}

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = *(struct group *const *)a, *y = *(struct group *const *)b;
	if (x->cluster_order != y->cluster_order)
		return x->cluster_order < y->cluster_order ? -1 : 1;
	if (x->cluster_id != y->cluster_id)
		return x->cluster_id < y->cluster_id ? -1 : 1;
	if (x->chain_id != y->chain_id)
		return x->chain_id < y->chain_id ? -1 : 1;
	if (x->index != y->index)
		return x->index > y->index ? -1 : 1;
	return strcmp(x->post, y->post);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static enum xz_result load_chains(struct store *db, struct chain_info **out, size_t *n)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(
	    db,
	    "SELECT c.id, c.cluster_id, COALESCE(k.sort_order, 1000000) FROM chain c"
	    " JOIN cluster k ON k.id = c.cluster_id WHERE c.deleted_at IS NULL ORDER BY c.id",
	    &st);
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (r)
		return r;
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		if (*n == cap)
			*out = xrealloc(*out, (cap = cap ? cap * 2 : 64) * sizeof(**out));
		(*out)[(*n)++] = (struct chain_info){store_column_int(st, 0), store_column_int(st, 1),
		                                     (int)store_column_int(st, 2)};
	}
	if (s == STORE_FAIL)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

static const struct chain_info *find_chain(const struct chain_info *c, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c[mid].id == id)
			return &c[mid];
		if (c[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct compile_state {
	struct taxonomy tax;
	struct talent *talents;
	size_t ntalents;
	struct chain_info *chains;
	size_t nchains;
	struct strmap keys;
	struct group **groups;
	size_t ngroups, cap_groups;
	double *mids;
	size_t nmids, cap_mids;
};

/* A need's chain is its segment's; a need without a segment belongs to the
 * chain of its enterprise's first segment, and is left out when it has none. */
static enum xz_result group_needs(struct store *db, struct compile_state *cs, long ref_days)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(
	    db,
	    "SELECT COALESCE(s.chain_id, (SELECT s2.chain_id FROM enterprise_segment es"
	    " JOIN segment s2 ON s2.id = es.segment_id WHERE es.enterprise_id = n.enterprise_id"
	    " ORDER BY s2.id LIMIT 1)), n.post_name, n.headcount, n.education, n.skills,"
	    " n.experience, n.certificate, n.salary_min, n.salary_max, n.urgency, n.published"
	    " FROM need n LEFT JOIN segment s ON s.id = n.segment_id"
	    " WHERE n.deleted_at IS NULL AND n.status = '开放' ORDER BY n.id",
	    &st);
	if (r)
		return r;
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		int64_t chain_id = store_column_int(st, 0);
		const struct chain_info *ci = find_chain(cs->chains, cs->nchains, chain_id);
		if (!ci)
			continue;
		char *post = normalize_post(store_column_text(st, 1) ? store_column_text(st, 1) : "");
		char *key = xasprintf("%lld\x1f%s", (long long)chain_id, post);
		int gi = strmap_put(&cs->keys, key, (int)cs->ngroups);
		free(key);
		if ((size_t)gi == cs->ngroups) {
			if (cs->ngroups == cs->cap_groups)
				cs->groups = xrealloc(cs->groups, (cs->cap_groups = cs->cap_groups
				                                                        ? cs->cap_groups * 2
				                                                        : 64) *
				                                      sizeof(*cs->groups));
			struct group *ng = xcalloc(1, sizeof(*ng));
			ng->chain_id = chain_id;
			ng->cluster_id = ci->cluster_id;
			ng->cluster_order = ci->cluster_order;
			ng->post = post;
			post = NULL;
			cs->groups[cs->ngroups++] = ng;
		}
		free(post);
		struct group *g = cs->groups[gi];
		int64_t heads = store_column_int(st, 2);
		double h = (double)heads;
		g->heads += heads;
		g->demand += h * urgency_weight(store_column_text(st, 9)) *
		             age_factor(store_column_text(st, 10), ref_days);
		g->edu_heads[edu_rank(store_column_text(st, 3))] += h;
		g->exp_heads[exp_band(store_column_text(st, 5))] += h;
		json_t *skills = json_loads(store_column_text(st, 4) ? store_column_text(st, 4) : "[]",
		                            0, NULL);
		size_t k;
		json_t *v;
		json_array_foreach(skills, k, v) if (json_is_string(v))
		    group_add_skill(g, json_string_value(v), h);
		json_decref(skills);
		const char *cert = store_column_text(st, 6);
		g->certificate |= cert && *cert;
		bool has_min = store_column_type(st, 7) != STORE_NULL,
		     has_max = store_column_type(st, 8) != STORE_NULL;
		if (has_min || has_max) {
			double lo = has_min ? store_column_double(st, 7) : store_column_double(st, 8);
			double hi = has_max ? store_column_double(st, 8) : lo;
			g->min_sum += lo * h;
			g->max_sum += hi * h;
			g->mid_sum += (lo + hi) / 2 * h;
			g->salary_w += h;
			if (cs->nmids == cs->cap_mids)
				cs->mids = xrealloc(cs->mids, (cs->cap_mids = cs->cap_mids ? cs->cap_mids * 2
				                                                           : 256) *
				                                  sizeof(double));
			cs->mids[cs->nmids++] = (lo + hi) / 2;
		}
	}
	if (s == STORE_FAIL)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

static void score_group(struct compile_state *cs, struct group *g, double median)
{
	choose_typical(g);
	g->edu = mode_of(g->edu_heads, 5);
	g->exp = mode_of(g->exp_heads, 6);
	int req[MAX_TYPICAL_SKILLS];
	for (size_t i = 0; i < g->ntypical; i++)
		req[i] = taxonomy_canonical(&cs->tax, g->typical[i]);
	/* talents are sorted by chain: find this chain's run */
	size_t lo = 0, hi = cs->ntalents;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cs->talents[mid].chain_id < g->chain_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < cs->ntalents && cs->talents[i].chain_id == g->chain_id; i++) {
		const struct talent *x = &cs->talents[i];
		if (x->edu < g->edu || x->exp_years < exp_lower[g->exp])
			continue;
		bool ok = true;
		for (size_t k = 0; ok && k < g->ntypical; k++)
			ok = talent_has(x, req[k]);
		g->supply += ok;
	}
	double gap = g->demand > 0 ? clamp01((g->demand - (double)g->supply) / g->demand) : 0;
	double edu = g->edu / 4.0;
	double exp = exp_lower[g->exp] / 10.0;
	double breadth = clamp01(((double)g->ntypical + (g->certificate ? 1 : 0)) / 5.0);
	double pay = 0.5; /* no stated pay, or no city median: neutral */
	if (g->salary_w > 0) {
		g->has_salary = true;
		g->salary_min = round_to(g->min_sum / g->salary_w, 10);
		g->salary_max = round_to(g->max_sum / g->salary_w, 10);
		if (median > 0)
			pay = clamp01(g->mid_sum / g->salary_w / (2 * median));
	}
	g->index = round_to(
	    clamp01(W_GAP * gap + W_EDU * edu + W_EXP * exp + W_BREADTH * breadth + W_PAY * pay),
	    10000);
}

static int stars_of(double index)
{
	int s = 1 + (int)floor(index * 5 + 1e-9);
	return s > 5 ? 5 : s;
}

static const char *grade_of(double index)
{
	return index < 0.2 ? "一般紧缺" : index < 0.5 ? "紧缺" : "非常紧缺";
}

static json_t *method_json(int year)
{
	char ref[16];
	snprintf(ref, sizeof(ref), "%04d-12-31", year);
	return json_pack(
	    "{s:s, s:s, s:{s:f, s:f, s:f, s:f, s:f}, s:{s:f, s:f, s:f}, s:s, s:f,"
	    " s:[{s:s, s:f, s:f}, {s:s, s:f, s:f}, {s:s, s:f, s:f}], s:s, s:s, s:s}",
	    "version", METHOD_VERSION, "reference_date", ref, "weights", "gap", W_GAP, "education",
	    W_EDU, "experience", W_EXP, "breadth", W_BREADTH, "pay", W_PAY, "urgency", "一般", 1.0,
	    "较急", 1.3, "紧急", 1.6, "age", "每180天减半（发布日期至参考日期）", "half_life_days",
	    HALF_LIFE_DAYS, "bands", "grade", "一般紧缺", "from", 0.0, "to", 0.2, "grade", "紧缺",
	    "from", 0.2, "to", 0.5, "grade", "非常紧缺", "from", 0.5, "to", 1.0, "stars",
	    "1 + floor(指数×5)，最多5星", "supply",
	    "在锡人才：同一产业链，技能覆盖典型专业要求（同名、同义词或下级技能），学历与工作年限达到要求",
	    "pay", "起薪中位数 ÷ (2 × 全市开放需求起薪中位数)，无起薪时取0.5");
}

static enum xz_result city_name(struct store *db, char *out, size_t n)
{
	struct store_stmt *st = NULL;
	snprintf(out, n, "无锡市");
	enum xz_result r = store_prepare(
	    db, "SELECT name FROM region WHERE level = '市' AND deleted_at IS NULL ORDER BY id LIMIT 1",
	    &st);
	if (r)
		return r;
	if (store_step(st) == STORE_ROW && store_column_text(st, 0))
		snprintf(out, n, "%s", store_column_text(st, 0));
	store_finalize(st);
	return XZ_OK;
}

static enum xz_result write_catalog(struct engine_ctx *ctx, int year, struct compile_state *cs,
                                    int64_t *catalog_id)
{
	struct store *db = ctx->db;
	struct store_stmt *st = NULL;
	char city[128], now[32], year_s[8], *title = NULL, *method = NULL;
	json_t *m = method_json(year);
	enum xz_result r = city_name(db, city, sizeof(city));
	if (r)
		goto out;
	util_now_iso(now, sizeof(now));
	snprintf(year_s, sizeof(year_s), "%d", year);
	title = xasprintf("%d年%s重点产业紧缺人才需求目录", year, city);
	method = json_dumps(m, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(10));
	if ((r = store_begin(db)))
		goto out;
	if ((r = store_prepare(db,
	                       "INSERT INTO catalog (year, title, status, method, compiled_at,"
	                       " entry_count) VALUES (?, ?, '草稿', ?, ?, ?)",
	                       &st)))
		goto rollback;
	store_bind_int(st, 1, year);
	store_bind_text(st, 2, title);
	store_bind_text(st, 3, method);
	store_bind_text(st, 4, now);
	store_bind_int(st, 5, (int64_t)cs->ngroups);
	if (store_step(st) != STORE_DONE) {
		r = store_stmt_result(st);
		goto rollback;
	}
	store_finalize(st);
	st = NULL;
	*catalog_id = store_last_insert_id(db);
	if ((r = store_prepare(db,
	                       "INSERT INTO catalog_entry (catalog_id, cluster_id, chain_id, post_name,"
	                       " demand, demand_count, supply, shortage_index, stars, grade,"
	                       " typical_education, typical_experience, typical_skills, salary_min,"
	                       " salary_max, sort_order) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	                       &st)))
		goto rollback;
	for (size_t i = 0; i < cs->ngroups; i++) {
		const struct group *g = cs->groups[i];
		json_t *tags = json_array();
		for (size_t k = 0; k < g->ntypical; k++)
			json_array_append_new(tags, json_string(g->typical[k]));
		char *tags_s = json_dumps(tags, JSON_COMPACT);
		json_decref(tags);
		store_reset(st);
		store_bind_int(st, 1, *catalog_id);
		store_bind_int(st, 2, g->cluster_id);
		store_bind_int(st, 3, g->chain_id);
		store_bind_text(st, 4, g->post);
		store_bind_double(st, 5, round_to(g->demand, 1000));
		store_bind_int(st, 6, g->heads);
		store_bind_int(st, 7, g->supply);
		store_bind_double(st, 8, g->index);
		store_bind_int(st, 9, stars_of(g->index));
		store_bind_text(st, 10, grade_of(g->index));
		store_bind_text(st, 11, edu_names[g->edu]);
		store_bind_text(st, 12, exp_names[g->exp]);
		store_bind_text(st, 13, tags_s);
		if (g->has_salary) {
			store_bind_double(st, 14, g->salary_min);
			store_bind_double(st, 15, g->salary_max);
		} else {
			store_bind_null(st, 14);
			store_bind_null(st, 15);
		}
		store_bind_int(st, 16, (int64_t)i + 1);
		enum store_step s = store_step(st);
		free(tags_s);
		if (s != STORE_DONE) {
			r = store_stmt_result(st);
			goto rollback;
		}
	}
	json_t *detail = json_pack("{s:i, s:I, s:s}", "year", year, "entries",
	                           (json_int_t)cs->ngroups, "method", METHOD_VERSION);
	r = audit_write(db, ctx->actor, "catalog_compile", "catalog", *catalog_id, "ok", detail);
	json_decref(detail);
	if (r)
		goto rollback;
	r = store_commit(db);
	goto out;
rollback:
	store_rollback(db);
out:
	store_finalize(st);
	free(title);
	free(method);
	json_decref(m);
	return r;
}

static enum xz_result need_city_wide(struct engine_ctx *ctx)
{
	if (ctx->actor->city_wide)
		return XZ_OK;
	snprintf(ctx->message, sizeof(ctx->message), "紧缺人才目录为全市目录，只能由不限区划的用户编制和发布");
	return XZ_ERR_FORBIDDEN;
}

enum xz_result catalog_compile(struct engine_ctx *ctx, int year, int64_t *catalog_id)
{
	struct compile_state cs = {0};
	enum xz_result r = need_city_wide(ctx);
	*catalog_id = 0;
	if (r)
		return r;
	if (year < 2000 || year > 2100) {
		snprintf(ctx->message, sizeof(ctx->message), "年度应在2000到2100之间");
		return XZ_ERR_BAD_REQUEST;
	}
	if ((r = taxonomy_load(ctx->db, &cs.tax)) ||
	    (r = load_talents(ctx->db, &cs.tax, &cs.talents, &cs.ntalents)) ||
	    (r = load_chains(ctx->db, &cs.chains, &cs.nchains)) ||
	    (r = group_needs(ctx->db, &cs, days_from_civil(year, 12, 31))))
		goto out;
	double median = 0;
	if (cs.nmids) {
		qsort(cs.mids, cs.nmids, sizeof(double), cmp_double);
		median = cs.nmids % 2 ? cs.mids[cs.nmids / 2]
		                      : (cs.mids[cs.nmids / 2 - 1] + cs.mids[cs.nmids / 2]) / 2;
	}
	for (size_t i = 0; i < cs.ngroups; i++)
		score_group(&cs, cs.groups[i], median);
	if (cs.ngroups)
		qsort(cs.groups, cs.ngroups, sizeof(*cs.groups), cmp_group);
	r = write_catalog(ctx, year, &cs, catalog_id);
out:
	for (size_t i = 0; i < cs.ngroups; i++) {
		struct group *g = cs.groups[i];
		for (size_t k = 0; k < g->nskills; k++)
			free(g->skills[k].name);
		free(g->skills);
		free(g->typical);
		free(g->post);
		free(g);
	}
	free(cs.groups);
	for (size_t i = 0; i < cs.ntalents; i++)
		free(cs.talents[i].skills);
	free(cs.talents);
	free(cs.chains);
	free(cs.mids);
	strmap_free(&cs.keys);
	taxonomy_free(&cs.tax);
	return r;
}

/* ---- publish, summary ---- */

static enum xz_result catalog_status(struct store *db, int64_t id, char *status, size_t n)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db, "SELECT status FROM catalog WHERE id = ?", &st);
	if (r)
		return r;
	store_bind_int(st, 1, id);
	enum store_step s = store_step(st);
	if (s == STORE_ROW)
		snprintf(status, n, "%s", store_column_text(st, 0));
	r = s == STORE_ROW ? XZ_OK : s == STORE_DONE ? XZ_ERR_NOT_FOUND : store_stmt_result(st);
	store_finalize(st);
	return r;
}

enum xz_result catalog_publish(struct engine_ctx *ctx, int64_t id)
{
	char status[32], now[32];
	struct store_stmt *st = NULL;
	enum xz_result r = need_city_wide(ctx);
	if (r)
		return r;
	if ((r = store_begin(ctx->db)))
		return r;
	if ((r = catalog_status(ctx->db, id, status, sizeof(status))))
		goto rollback;
	if (strcmp(status, "草稿")) {
		snprintf(ctx->message, sizeof(ctx->message),
		         "该目录已发布，发布后不能再修改；如需调整请重新编制新的草稿");
		r = XZ_ERR_CONFLICT;
		goto rollback;
	}
	util_now_iso(now, sizeof(now));
	if ((r = store_prepare(ctx->db,
	                       "UPDATE catalog SET status = '已发布', published_at = ?,"
	                       " updated_at = ?, version = version + 1 WHERE id = ? AND status = '草稿'",
	                       &st)))
		goto rollback;
	store_bind_text(st, 1, now);
	store_bind_text(st, 2, now);
	store_bind_int(st, 3, id);
	if (store_step(st) != STORE_DONE) {
		r = store_stmt_result(st);
		goto rollback;
	}
	if ((r = audit_write(ctx->db, ctx->actor, "catalog_publish", "catalog", id, "ok", NULL)))
		goto rollback;
	store_finalize(st);
	return store_commit(ctx->db);
rollback:
	store_finalize(st);
	store_rollback(ctx->db);
	return r;
}

enum xz_result catalog_summary(struct engine_ctx *ctx, int64_t id, json_t **out)
{
	return engine_get(ctx, model_find("catalog"), id, out);
}

/* ---- entries as JSON, for diff and export ---- */

static enum xz_result load_entries(struct store *db, int64_t id, const char *order, json_t **out)
{
	struct store_stmt *st = NULL;
	char *sql = xasprintf(
	    "SELECT e.chain_id, c.name AS chain, k.name AS cluster, e.post_name, e.demand,"
	    " e.demand_count, e.supply, e.shortage_index, e.stars, e.grade, e.typical_education,"
	    " e.typical_experience, e.typical_skills, e.salary_min, e.salary_max, e.cluster_id"
	    " FROM catalog_entry e JOIN chain c ON c.id = e.chain_id"
	    " LEFT JOIN cluster k ON k.id = e.cluster_id WHERE e.catalog_id = ? ORDER BY %s",
	    order);
	enum xz_result r = store_prepare(db, sql, &st);
	free(sql);
	*out = json_array();
	if (r)
		return r;
	store_bind_int(st, 1, id);
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		json_t *row = json_object();
		for (int c = 0; c < store_column_count(st); c++) {
			const char *name = store_column_name(st, c);
			switch (store_column_type(st, c)) {
			case STORE_INT:
				json_object_set_new(row, name, json_integer(store_column_int(st, c)));
				break;
			case STORE_FLOAT:
				json_object_set_new(row, name, json_real(store_column_double(st, c)));
				break;
			case STORE_TEXT:
				if (!strcmp(name, "typical_skills"))
					json_object_set_new(row, name, json_loads(store_column_text(st, c), 0, NULL));
				else
					json_object_set_new(row, name, json_string(store_column_text(st, c)));
				break;
			default:
				json_object_set_new(row, name, json_null());
			}
		}
		json_array_append_new(*out, row);
	}
	if (s == STORE_FAIL)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

static int cmp_key(json_t *a, json_t *b)
{
	json_int_t x = json_integer_value(json_object_get(a, "chain_id")),
	           y = json_integer_value(json_object_get(b, "chain_id"));
	if (x != y)
		return x < y ? -1 : 1;
	return strcmp(json_string_value(json_object_get(a, "post_name")),
	              json_string_value(json_object_get(b, "post_name")));
}

static double num(json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

enum xz_result catalog_diff(struct engine_ctx *ctx, int64_t old_id, int64_t new_id, json_t **out)
{
	json_t *from = NULL, *to = NULL, *a = NULL, *b = NULL;
	json_t *added = json_array(), *gone = json_array(), *up = json_array(), *down = json_array();
	enum xz_result r;
	int64_t same = 0;
	*out = NULL;
	if ((r = catalog_summary(ctx, old_id, &from)) || (r = catalog_summary(ctx, new_id, &to)) ||
	    (r = load_entries(ctx->db, old_id, "e.chain_id, e.post_name", &a)) ||
	    (r = load_entries(ctx->db, new_id, "e.chain_id, e.post_name", &b)))
		goto out;
	size_t i = 0, j = 0, na = json_array_size(a), nb = json_array_size(b);
	while (i < na || j < nb) {
		json_t *x = i < na ? json_array_get(a, i) : NULL, *y = j < nb ? json_array_get(b, j) : NULL;
		int c = !x ? 1 : !y ? -1 : cmp_key(x, y);
		if (c < 0) {
			json_array_append(gone, x);
			i++;
		} else if (c > 0) {
			json_array_append(added, y);
			j++;
		} else {
			double d = round_to(num(y, "shortage_index") - num(x, "shortage_index"), 10000);
			if (fabs(d) < 1e-9) {
				same++;
			} else {
				json_t *ch = json_pack(
				    "{s:O, s:O, s:O, s:f, s:f, s:f, s:O, s:O, s:O, s:O}", "chain_id",
				    json_object_get(y, "chain_id"), "chain", json_object_get(y, "chain"),
				    "post_name", json_object_get(y, "post_name"), "from",
				    num(x, "shortage_index"), "to", num(y, "shortage_index"), "delta", d,
				    "stars_from", json_object_get(x, "stars"), "stars_to",
				    json_object_get(y, "stars"), "grade_from", json_object_get(x, "grade"),
				    "grade_to", json_object_get(y, "grade"));
				json_array_append_new(d > 0 ? up : down, ch);
			}
			i++, j++;
		}
	}
	*out = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:I}", "from", from, "to", to, "new", added,
	                 "gone", gone, "up", up, "down", down, "unchanged", (json_int_t)same);
out:
	json_decref(from);
	json_decref(to);
	json_decref(a);
	json_decref(b);
	json_decref(added);
	json_decref(gone);
	json_decref(up);
	json_decref(down);
	return r;
}

/* ---- export ---- */

static void stars_text(int stars, char *out, size_t n)
{
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < 5 && o + 4 < n; i++)
		o += (size_t)snprintf(out + o, n - o, "%s", i < stars ? "★" : "☆");
}

static char *skills_text(json_t *tags)
{
	struct buf b = {0};
	size_t k;
	json_t *v;
	json_array_foreach(tags, k, v)
	{
		if (k)
			buf_puts(&b, "、");
		buf_puts(&b, json_string_value(v));
	}
	return buf_steal(&b);
}

static void salary_text(json_t *e, char *out, size_t n)
{
	if (json_is_null(json_object_get(e, "salary_min")) || !json_object_get(e, "salary_min"))
		snprintf(out, n, "面议");
	else
		snprintf(out, n, "%g-%g", num(e, "salary_min"), num(e, "salary_max"));
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static enum xz_result export_xlsx(const char *title, json_t *entries, char **data, size_t *len)
{
	static const struct table_column cols[] = {
	    {"产业集群", CELL_TEXT, 16}, {"产业链", CELL_TEXT, 18},
	    {"岗位名称", CELL_TEXT, 22}, {"学历要求", CELL_TEXT, 12},
	    {"工作经验", CELL_TEXT, 12}, {"专业要求", CELL_TEXT, 30},
	    {"起薪范围(万元/年)", CELL_TEXT, 16}, {"需求人数", CELL_NUMBER, 10},
	    {"紧缺指数", CELL_NUMBER, 10}, {"紧缺程度", CELL_TEXT, 14},
	    {"紧缺等级", CELL_TEXT, 12},
	};
	struct table_writer *w = NULL;
	enum xz_result r = table_writer_open(TABLE_XLSX, "紧缺人才需求目录", title, cols,
	                                     sizeof(cols) / sizeof(cols[0]), &w);
	size_t k;
	json_t *e;
	if (r)
		return r;
	json_array_foreach(entries, k, e)
	{
		char heads[32], index[32], stars[32], salary[64];
		snprintf(heads, sizeof(heads), "%lld",
		         (long long)json_integer_value(json_object_get(e, "demand_count")));
		snprintf(index, sizeof(index), "%.2f", num(e, "shortage_index"));
		stars_text((int)json_integer_value(json_object_get(e, "stars")), stars, sizeof(stars));
		salary_text(e, salary, sizeof(salary));
		char *skills = skills_text(json_object_get(e, "typical_skills"));
		const char *cells[] = {str(e, "cluster"), str(e, "chain"), str(e, "post_name"),
		                       str(e, "typical_education"), str(e, "typical_experience"),
		                       skills, salary, heads, index, stars, str(e, "grade")};
		r = table_writer_row(w, cells);
		free(skills);
		if (r)
			break;
	}
	if (!r)
		r = table_writer_finish(w, data, len);
	if (r)
		table_writer_free(w);
	return r;
}

static void html_text(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		default: buf_putc(b, *s);
		}
}

static void export_html(const char *title, json_t *catalog, json_t *entries, char **data,
                        size_t *len)
{
	struct buf b = {0};
	buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
	html_text(&b, title);
	buf_puts(&b,
	         "</title><style>\n"
	         "@page { size: A4 portrait; margin: 18mm 14mm; }\n"
	         "body { font-family: 'Noto Serif CJK SC', 'Source Han Serif SC', 'Songti SC',"
	         " SimSun, serif; font-size: 10.5pt; color: #000; }\n"
	         "h1 { text-align: center; font-size: 18pt; margin: 0 0 4mm; }\n"
	         "p.meta { text-align: center; font-size: 9pt; margin: 0 0 6mm; }\n"
	         "h2 { font-size: 14pt; margin: 6mm 0 2mm; }\n"
	         "h3 { font-size: 12pt; margin: 4mm 0 2mm; }\n"
	         "table { width: 100%; border-collapse: collapse; page-break-inside: auto; }\n"
	         "tr { page-break-inside: avoid; }\n"
	         "th, td { border: 0.5pt solid #000; padding: 1.2mm 1.5mm; vertical-align: top; }\n"
	         "th { background: #eee; font-weight: bold; }\n"
	         "td.n { text-align: right; } td.s { color: #b00; white-space: nowrap; }\n"
	         "</style></head><body>\n<h1>");
	html_text(&b, title);
	buf_printf(&b, "</h1>\n<p class=\"meta\">%s · 编制时间 %s · 共 %zu 个岗位</p>\n",
	           str(catalog, "status"), str(catalog, "compiled_at"), json_array_size(entries));
	const char *cluster = NULL, *chain = NULL;
	size_t k;
	json_t *e;
	json_array_foreach(entries, k, e)
	{
		bool new_cluster = !cluster || strcmp(cluster, str(e, "cluster"));
		if (new_cluster || strcmp(chain, str(e, "chain"))) {
			if (cluster)
				buf_puts(&b, "</tbody></table>\n");
			if (new_cluster) {
				buf_puts(&b, "<h2>");
				html_text(&b, str(e, "cluster"));
				buf_puts(&b, "</h2>\n");
			}
			buf_puts(&b, "<h3>");
			html_text(&b, str(e, "chain"));
			buf_puts(&b, "</h3>\n<table><thead><tr><th>岗位名称</th><th>学历要求</th>"
			             "<th>工作经验</th><th>专业要求</th><th>起薪范围(万元/年)</th>"
			             "<th>需求人数</th><th>紧缺指数</th><th>紧缺程度</th><th>紧缺等级</th>"
			             "</tr></thead><tbody>\n");
			cluster = str(e, "cluster");
			chain = str(e, "chain");
		}
		char stars[32], salary[64];
		stars_text((int)json_integer_value(json_object_get(e, "stars")), stars, sizeof(stars));
		salary_text(e, salary, sizeof(salary));
		char *skills = skills_text(json_object_get(e, "typical_skills"));
		buf_puts(&b, "<tr><td>");
		html_text(&b, str(e, "post_name"));
		buf_puts(&b, "</td><td>");
		html_text(&b, str(e, "typical_education"));
		buf_puts(&b, "</td><td>");
		html_text(&b, str(e, "typical_experience"));
		buf_puts(&b, "</td><td>");
		html_text(&b, skills);
		buf_printf(&b, "</td><td>%s</td><td class=\"n\">%lld</td><td class=\"n\">%.2f</td>"
		               "<td class=\"s\">%s</td><td>",
		           salary, (long long)json_integer_value(json_object_get(e, "demand_count")),
		           num(e, "shortage_index"), stars);
		html_text(&b, str(e, "grade"));
		buf_puts(&b, "</td></tr>\n");
		free(skills);
	}
	if (cluster)
		buf_puts(&b, "</tbody></table>\n");
	buf_puts(&b, "</body></html>\n");
	*len = b.len;
	*data = buf_steal(&b);
}

enum xz_result catalog_export(struct engine_ctx *ctx, int64_t id, enum catalog_format fmt,
                              char **data, size_t *len)
{
	json_t *catalog = NULL, *entries = NULL;
	char *title = NULL;
	*data = NULL;
	*len = 0;
	enum xz_result r = catalog_summary(ctx, id, &catalog);
	if (r || (r = load_entries(ctx->db, id, "e.sort_order", &entries)))
		goto out;
	/* a printed draft must never pass for the published catalog */
	title = xasprintf("%s%s", str(catalog, "title"),
	                  strcmp(str(catalog, "status"), "草稿") ? "" : "（草稿）");
	if (fmt == CATALOG_XLSX)
		r = export_xlsx(title, entries, data, len);
	else
		export_html(title, catalog, entries, data, len);
out:
	free(title);
	json_decref(catalog);
	json_decref(entries);
	return r;
}
