/*
 * The matching index's fast path for needs (top_for_need in
 * src/domain/match.c, the index in match_index.c) at a size where its
 * machinery switches on: 4,000 talents written straight into the tables
 * (and NTIE identical ones, so that the k-th score is a tie broken by id),
 * with skills drawn so that the
 * commonest ones are held by more than a thirty-second of the pool (their
 * postings become bit sets) and the rarest by a few, a three-level
 * taxonomy, and filters by education, experience and region. Every top-k,
 * with its scores and its total, must equal a brute force computed here
 * from the test's own copy of the data — first as built, then after rows
 * change behind the index (skills, education, a region, deletions, new
 * talents), reported through match_entity_changed as the engine's commit
 * hook does, so the re-read slots, the appended postings and the filter bit
 * sets are exercised too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/crypto.h"
#include "domain/match.h"
#include "engine/engine.h"
#include "model/entities.h"
#include "testutil.h"

#include <math.h>

#define NSKILL    60 /* 3 roots, 12 areas, 45 leaves */
#define NTALENT   4000
#define NEXTRA    40 /* talents added after the build */
#define NTIE      30 /* identical talents holding need 1's skills */
#define NNEED     40
#define NDISTRICT 4
#define NCHAIN    3
#define MAXSK     12

static const char *const edu_names[] = {"中专及以下", "大学专科", "大学本科", "硕士研究生",
                                        "博士研究生"};
static const char *const need_edu[] = {"不限", "大学专科", "大学本科", "硕士研究生", "博士研究生"};
static const char *const bands[] = {"不限", "1年以下", "1-3年", "4-6年", "7-9年", "10年及以上"};
static const int band_lower[] = {0, 0, 1, 4, 7, 10};

struct t_talent {
	int skills[MAXSK], n;
	int edu, exp, chain, district;
	bool gone;
};
struct t_need {
	int skills[MAXSK], n;
	int edu, band, chain, district;
};

static struct {
	struct tmpdb tmp;
	struct store *db;
	uint64_t rng;
	int parent[NSKILL];
	struct t_talent t[NTALENT + NTIE + NEXTRA];
	int nt;
	struct t_need q[NNEED];
} F;

static uint32_t rnd(uint32_t n)
{
	F.rng = F.rng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(F.rng >> 33) % n;
}

/* skewed: skill s with weight ~ 1/(s+1), over a shuffled order */
static int draw_skill(void)
{
	static int order[NSKILL];
	static bool ready;
	if (!ready) {
		for (int i = 0; i < NSKILL; i++)
			order[i] = i;
		for (int i = NSKILL - 1; i > 0; i--) {
			int j = (int)rnd((uint32_t)i + 1), x = order[i];
			order[i] = order[j];
			order[j] = x;
		}
		ready = true;
	}
	double h = 0, u;
	for (int i = 0; i < NSKILL; i++)
		h += 1.0 / (i + 1);
	u = (double)rnd(1000000) / 1000000.0 * h;
	for (int i = 0; i < NSKILL; i++) {
		u -= 1.0 / (i + 1);
		if (u <= 0)
			return order[i];
	}
	return order[NSKILL - 1];
}

static void draw_skills(int *out, int *n, int lo, int hi)
{
	*n = lo + (int)rnd((uint32_t)(hi - lo + 1));
	for (int k = 0; k < *n;) {
		int s = draw_skill();
		bool dup = false;
		for (int j = 0; j < k; j++)
			dup |= out[j] == s;
		if (!dup)
			out[k++] = s;
	}
}

static void exec(const char *sql)
{
	assert_int_equal(store_exec(F.db, sql), XZ_OK);
}

static void skills_json(const int *s, int n, char *out)
{
	size_t len = 0;
	out[len++] = '[';
	for (int k = 0; k < n; k++)
		len += (size_t)sprintf(out + len, "%s\"技能%02d\"", k ? "," : "", s[k]);
	strcpy(out + len, "]");
}

static void write_talent(int i, bool insert)
{
	const struct t_talent *t = &F.t[i];
	char json[MAXSK * 16 + 4], sql[512];
	skills_json(t->skills, t->n, json);
	struct store_stmt *st = NULL;
	if (insert) {
		snprintf(sql, sizeof(sql),
		         "INSERT INTO person (id, name, idcard, idcard_hash, education, region_id)"
		         " VALUES (%d, '人才%d', 'x', 'h%d', ?, %d)",
		         i + 1, i + 1, i + 1, t->district + 2);
		assert_int_equal(store_prepare(F.db, sql, &st), XZ_OK);
		store_bind_text(st, 1, edu_names[t->edu]);
		assert_int_equal(store_step(st), STORE_DONE);
		store_finalize(st);
		snprintf(sql, sizeof(sql),
		         "INSERT INTO talent (id, person_id, category, skills, chain_id,"
		         " experience_years, status) VALUES (%d, %d, '专业技术人才', ?, %d, %d, '在锡')",
		         i + 1, i + 1, t->chain + 1, t->exp);
	} else {
		snprintf(sql, sizeof(sql),
		         "UPDATE talent SET skills = ?, experience_years = %d, deleted_at = %s"
		         " WHERE id = %d",
		         t->exp, t->gone ? "'2026-01-01'" : "NULL", i + 1);
	}
	assert_int_equal(store_prepare(F.db, sql, &st), XZ_OK);
	store_bind_text(st, 1, json);
	assert_int_equal(store_step(st), STORE_DONE);
	store_finalize(st);
}

static void new_talent(int i)
{
	struct t_talent *t = &F.t[i];
	draw_skills(t->skills, &t->n, 2, MAXSK);
	t->edu = (int)rnd(5);
	t->exp = (int)rnd(16);
	t->chain = (int)rnd(NCHAIN);
	t->district = (int)rnd(NDISTRICT);
	t->gone = false;
}

static int setup(void **state)
{
	(void)state;
	crypto_use_ephemeral_key();
	match_reset();
	memset(&F, 0, sizeof(F));
	F.rng = 5202611;
	tmpdb_init(&F.tmp);
	assert_int_equal(store_open(F.tmp.path, &F.db), XZ_OK);
	exec("BEGIN");
	exec("INSERT INTO region (id, code, name, level) VALUES (1, '320200', '无锡市', '市')");
	char sql[256];
	for (int d = 0; d < NDISTRICT; d++) {
		snprintf(sql, sizeof(sql),
		         "INSERT INTO region (id, code, name, level, parent_id)"
		         " VALUES (%d, '3202%02d', '区县%d', '区县', 1)",
		         d + 2, d + 1, d + 1);
		exec(sql);
		snprintf(sql, sizeof(sql),
		         "INSERT INTO enterprise (id, name, uscc, region_id)"
		         " VALUES (%d, '企业%d', 'U%d', %d)",
		         d + 1, d + 1, d + 1, d + 2);
		exec(sql);
	}
	exec("INSERT INTO cluster (id, name, tier) VALUES (1, '集群', '地标产业')");
	for (int c = 0; c < NCHAIN; c++) {
		snprintf(sql, sizeof(sql),
		         "INSERT INTO chain (id, name, cluster_id) VALUES (%d, '链%d', 1)", c + 1, c + 1);
		exec(sql);
		snprintf(sql, sizeof(sql),
		         "INSERT INTO segment (id, chain_id, name, stage) VALUES (%d, %d, '环节%d', '上游')",
		         c + 1, c + 1, c + 1);
		exec(sql);
	}
	for (int s = 0; s < NSKILL; s++) {
		F.parent[s] = s < 3 ? -1 : s < 15 ? (s - 3) % 3 : 3 + (s - 15) % 12;
		if (F.parent[s] < 0)
			snprintf(sql, sizeof(sql),
			         "INSERT INTO skill (id, name) VALUES (%d, '技能%02d')", s + 1, s);
		else
			snprintf(sql, sizeof(sql),
			         "INSERT INTO skill (id, name, parent_id) VALUES (%d, '技能%02d', %d)", s + 1,
			         s, F.parent[s] + 1);
		exec(sql);
	}
	F.nt = NTALENT;
	for (int i = 0; i < NTALENT; i++) {
		new_talent(i);
		write_talent(i, true);
	}
	for (int i = 0; i < NNEED; i++) {
		struct t_need *q = &F.q[i];
		draw_skills(q->skills, &q->n, 3, MAXSK);
		q->edu = (int)rnd(4);
		q->band = (int)rnd(6);
		q->chain = (int)rnd(NCHAIN);
		q->district = (int)rnd(NDISTRICT);
		char json[MAXSK * 16 + 4];
		skills_json(q->skills, q->n, json);
		snprintf(sql, sizeof(sql),
		         "INSERT INTO need (id, enterprise_id, segment_id, post_name, post_category,"
		         " headcount, education, skills, experience, urgency, status)"
		         " VALUES (%d, %d, %d, '岗位', '研发设计', 1, ?, ?, ?, '一般', '开放')",
		         i + 1, q->district + 1, q->chain + 1);
		struct store_stmt *st = NULL;
		assert_int_equal(store_prepare(F.db, sql, &st), XZ_OK);
		store_bind_text(st, 1, need_edu[q->edu]);
		store_bind_text(st, 2, json);
		store_bind_text(st, 3, bands[q->band]);
		assert_int_equal(store_step(st), STORE_DONE);
		store_finalize(st);
	}
	/* talents that all score alike for need 1, near its top */
	for (int i = NTALENT; i < NTALENT + NTIE; i++) {
		struct t_talent *t = &F.t[i];
		t->n = F.q[0].n < 3 ? F.q[0].n : 3;
		memcpy(t->skills, F.q[0].skills, (size_t)t->n * sizeof(int));
		t->edu = 4;
		t->exp = 15;
		t->chain = F.q[0].chain;
		t->district = (F.q[0].district + 1) % NDISTRICT;
		write_talent(i, true);
	}
	F.nt = NTALENT + NTIE;
	exec("COMMIT");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	match_reset();
	store_close(F.db);
	tmpdb_remove(&F.tmp);
	return 0;
}

/* ---- the brute force ---- */

static double sim(int a, int b)
{
	if (a == b)
		return 1.0;
	if (F.parent[a] == b || F.parent[b] == a)
		return 0.6;
	if (F.parent[a] >= 0 && F.parent[a] == F.parent[b])
		return 0.3;
	return 0.0;
}

struct hit {
	double score;
	int64_t id;
};

static int cmp_hit(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* top k of need qi within district d (-1: all); *total the count */
static int reference(int qi, int d, int k, struct hit *out, int *total)
{
	const struct t_need *q = &F.q[qi];
	int live = 0, df[NSKILL] = {0};
	for (int i = 0; i < F.nt; i++)
		if (!F.t[i].gone) {
			live++;
			for (int s = 0; s < F.t[i].n; s++)
				df[F.t[i].skills[s]]++;
		}
	struct hit *h = xmalloc((size_t)F.nt * sizeof(*h));
	int n = 0;
	for (int i = 0; i < F.nt; i++) {
		const struct t_talent *t = &F.t[i];
		if (t->gone || t->edu < q->edu || t->exp < band_lower[q->band] ||
		    (d >= 0 && t->district != d))
			continue;
		double num = 0, den = 0;
		bool any = false;
		for (int s = 0; s < q->n; s++) {
			double w = log(1.0 + (double)live / (1.0 + (double)df[q->skills[s]])), best = 0;
			for (int m = 0; m < t->n; m++)
				best = fmax(best, sim(q->skills[s], t->skills[m]));
			den += w;
			num += w * best;
			any |= best > 0;
		}
		if (!any)
			continue;
		double sc = den > 0 ? num / den : 0;
		if (t->chain == q->chain)
			sc += 0.1;
		if (t->district == q->district)
			sc += 0.05;
		h[n++] = (struct hit){round(sc * 10000.0) / 10000.0, i + 1};
	}
	qsort(h, (size_t)n, sizeof(*h), cmp_hit);
	*total = n;
	int m = n < k ? n : k;
	memcpy(out, h, (size_t)m * sizeof(*h));
	free(h);
	return m;
}

/* need qi + 1's top k within district d (-1: all; -2: a region no talent
 * is in) against the brute force */
static void check_one(int qi, int d, int k)
{
	int total;
	struct hit want[MATCH_MAX_K];
	int n = d == -2 ? (total = 0) : reference(qi, d, k, want, &total);
	char code[16];
	snprintf(code, sizeof(code), d == -2 ? "329999" : "3202%02d", d + 1);
	struct engine_ctx ctx;
	json_t *res = NULL;
	engine_ctx_init(&ctx, F.db, engine_system_actor());
	assert_int_equal(match_for_need(&ctx, qi + 1, k, d != -1 ? code : NULL, &res), XZ_OK);
	json_t *items = json_object_get(res, "items");
	int got_total = (int)json_integer_value(json_object_get(res, "total"));
	if ((int)json_array_size(items) != n || got_total != total)
		fprintf(stderr, "need %d district %d: %zu items, total %d; want %d, %d\n",
		        qi + 1, d, json_array_size(items), got_total, n, total);
	assert_int_equal(json_array_size(items), n);
	assert_int_equal(got_total, total);
	for (int i = 0; i < n; i++) {
		json_t *it = json_array_get(items, (size_t)i);
		int64_t id = json_integer_value(json_object_get(it, "id"));
		double sc = json_real_value(json_object_get(it, "score"));
		if (id != want[i].id || sc != want[i].score)
			fprintf(stderr, "need %d district %d rank %d: %lld/%.4f want %lld/%.4f\n",
			        qi + 1, d, i, (long long)id, sc, (long long)want[i].id,
			        want[i].score);
		assert_int_equal(id, want[i].id);
		assert_true(sc == want[i].score);
	}
	json_decref(res);
	engine_ctx_free(&ctx);
}

static void check_all(void)
{
	for (int qi = 0; qi < NNEED; qi++)
		for (int d = -1; d < NDISTRICT; d += 2)
			check_one(qi, d, 1 + (qi * 7 + d + 1) % 25);
}

/* ties at the k-th score, k beyond the candidates, a region nobody is in */
static void check_edges(void)
{
	static const int ks[] = {1, 2, 5, 10, 29, 30, 31, 45, MATCH_MAX_K};
	for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++)
		for (int d = -1; d < NDISTRICT; d++)
			check_one(0, d, ks[i]);
	for (int qi = 1; qi < NNEED; qi += 7) {
		check_one(qi, -2, 10);
		for (int d = 0; d < NDISTRICT; d++)
			check_one(qi, d, MATCH_MAX_K);
	}
}

static void test_as_built(void **state)
{
	(void)state;
	check_all();
	check_edges();
}

/* rows change behind the index; the hook queues them as the engine would */
static void test_after_changes(void **state)
{
	(void)state;
	const struct entity *te = model_find("talent"), *pe = model_find("person");
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < 60; c++) {
			int i = (int)rnd((uint32_t)F.nt);
			struct t_talent *t = &F.t[i];
			switch (rnd(4)) {
			case 0: /* new skills, often a common one */
				draw_skills(t->skills, &t->n, 1, MAXSK);
				t->exp = (int)rnd(16);
				write_talent(i, false);
				match_entity_changed(te, i + 1, CHANGE_UPDATE);
				break;
			case 1: { /* education and district, on the person */
				char sql[160];
				t->edu = (int)rnd(5);
				t->district = (int)rnd(NDISTRICT);
				snprintf(sql, sizeof(sql),
				         "UPDATE person SET education = '%s', region_id = %d WHERE id = %d",
				         edu_names[t->edu], t->district + 2, i + 1);
				exec(sql);
				match_entity_changed(pe, i + 1, CHANGE_UPDATE);
				break;
			}
			case 2: /* gone, or back */
				t->gone = !t->gone;
				write_talent(i, false);
				match_entity_changed(te, i + 1, t->gone ? CHANGE_DELETE : CHANGE_UPDATE);
				break;
			default: /* a new talent, while there is room */
				if (F.nt < NTALENT + NTIE + NEXTRA) {
					new_talent(F.nt);
					write_talent(F.nt, true);
					match_entity_changed(te, F.nt + 1, CHANGE_CREATE);
					F.nt++;
				}
				break;
			}
		}
		check_all();
		check_edges();
	}
	/* the tied talents leave, then everything is read afresh: what was
	 * re-read one by one is now in the bit sets */
	const struct entity *te2 = model_find("talent");
	for (int i = NTALENT; i < NTALENT + NTIE; i += 2) {
		F.t[i].gone = true;
		write_talent(i, false);
		match_entity_changed(te2, i + 1, CHANGE_DELETE);
	}
	check_edges();
	match_reset();
	check_all();
	check_edges();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_as_built),
	    cmocka_unit_test(test_after_changes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
