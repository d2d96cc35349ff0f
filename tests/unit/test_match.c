/*
 * Matching (src/domain/match.c) against an exhaustive scoring written here
 * from the test's own copy of the data: a seeded random city (a small skill
 * taxonomy with synonyms, parents and siblings, a few unknown skill names,
 * a few hundred talents and needs written through engine_create) is queried
 * many times, and every top-k, in order and with its scores, must equal the
 * brute force over all candidates. After updates of a talent's skills, a
 * need's education and a person's education, and after a delete, the very
 * next query must agree again. The data scope is checked too: a district
 * actor sees only candidates in its district and cannot query outside it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/crypto.h"
#include "core/valid.h"
#include "domain/match.h"
#include "engine/engine.h"
#include "testutil.h"

#include <math.h>

#define NSKILL   16
#define NUNKNOWN 3
#define NPERSON  300
#define NTALENT  280
#define NNEED    220
#define NCHAIN   3
#define NREGION  6
#define NENT     8

/* The taxonomy: index, name, parent index, synonyms (JSON). */
static const struct {
	const char *name;
	int parent;
	const char *syn;
} skills[NSKILL] = {
    {"芯片设计", -1, "[\"IC设计\"]"},
    {"数字IC设计", 0, "[\"数字前端\"]"},
    {"模拟IC设计", 0, NULL},
    {"版图设计", 0, NULL},
    {"软件开发", -1, NULL},
    {"Java开发", 4, "[\"Java\"]"},
    {"嵌入式开发", 4, NULL},
    {"Spring开发", 5, NULL},
    {"焊接", -1, "[\"电焊\"]"},
    {"激光焊", 8, NULL},
    {"氩弧焊", 8, NULL},
    {"生物医药", -1, NULL},
    {"抗体药物研发", 11, NULL},
    {"药理毒理", 11, NULL},
    {"药品注册", 11, "[\"注册申报\"]"},
    {"数据分析", -1, NULL},
};
static const char *const unknown_names[NUNKNOWN] = {"区块链", "量子计算", "元宇宙"};

static const char *const regions[NREGION] = {"320205",    "320205001", "320206",
                                             "320206002", "320211",    "320211003"};
static const char *const person_edu[] = {"中专及以下", "大学专科", "大学本科", "硕士研究生",
                                         "博士研究生"};
static const char *const need_edu[] = {"不限", "大学专科", "大学本科", "硕士研究生", "博士研究生"};
static const char *const bands[] = {"不限", "1年以下", "1-3年", "4-6年", "7-9年", "10年及以上"};
static const int band_lower[] = {0, 0, 1, 4, 7, 10};

/* The test's own copy of the data. Skill ids: 0..NSKILL-1 known,
 * 100+i unknown; -1 ends a list. */
struct t_person {
	int64_t id;
	int edu; /* -1: NULL */
	int region;
};
struct t_talent {
	int64_t id;
	int person;
	int skills[8], nskills;
	int exp, chain;
	bool live, deleted;
};
struct t_need {
	int64_t id;
	int ent, seg;
	int skills[6], nskills;
	int edu, band;
	bool live, deleted;
};

static struct {
	struct tmpdb tmp;
	struct store *db;
	uint64_t rng;
	int parent[NSKILL]; /* the taxonomy as it is now */
	int64_t skill_ids[NSKILL];
	int64_t region_ids[NREGION], chain_ids[NCHAIN], seg_ids[NCHAIN * 2], ent_ids[NENT];
	int ent_region[NENT];
	struct t_person persons[NPERSON];
	struct t_talent talents[NTALENT];
	struct t_need needs[NNEED];
} F;

static uint32_t rnd(uint32_t n)
{
	F.rng = F.rng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(F.rng >> 33) % n;
}

static int64_t create(const char *entity, json_t *in)
{
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, F.db, engine_system_actor());
	enum xz_result r = engine_create(&ctx, model_find(entity), in, &out);
	if (r) {
		char *d = json_dumps(ctx.errs.details, 0);
		fprintf(stderr, "create %s: %d %s %s\n", entity, r, d, ctx.message);
		free(d);
	}
	assert_int_equal(r, XZ_OK);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(in);
	engine_ctx_free(&ctx);
	return id;
}

/* engine_update with the current version; patch is consumed */
static void update(const char *entity, int64_t id, json_t *patch)
{
	struct engine_ctx ctx;
	json_t *row = NULL, *out = NULL;
	engine_ctx_init(&ctx, F.db, engine_system_actor());
	assert_int_equal(engine_get(&ctx, model_find(entity), id, &row), XZ_OK);
	json_object_set(patch, "version", json_object_get(row, "version"));
	assert_int_equal(engine_update(&ctx, model_find(entity), id, patch, &out), XZ_OK);
	json_decref(row);
	json_decref(out);
	json_decref(patch);
	engine_ctx_free(&ctx);
}

static const char *spell(int s)
{
	if (s >= 100)
		return unknown_names[s - 100];
	/* a synonym now and then: the index must see the same skill */
	if (skills[s].syn && rnd(2)) {
		json_t *a = json_loads(skills[s].syn, 0, NULL);
		static char buf[64];
		snprintf(buf, sizeof(buf), "%s", json_string_value(json_array_get(a, 0)));
		json_decref(a);
		return buf;
	}
	return skills[s].name;
}

static int random_skill(void)
{
	return rnd(12) == 0 ? 100 + (int)rnd(NUNKNOWN) : (int)rnd(NSKILL);
}

static json_t *skills_json(const int *s, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(spell(s[i])));
	return a;
}

/* unique skills, in order */
static int pick_skills(int *out, int max)
{
	int n = 1 + (int)rnd((uint32_t)max), k = 0;
	for (int i = 0; i < n; i++) {
		int s = random_skill();
		bool dup = false;
		for (int j = 0; j < k; j++)
			dup |= out[j] == s;
		if (!dup)
			out[k++] = s;
	}
	return k;
}

static void set_talent_skills(int i)
{
	struct t_talent *t = &F.talents[i];
	t->nskills = pick_skills(t->skills, 6);
}

static int setup(void **state)
{
	(void)state;
	crypto_use_ephemeral_key();
	match_reset();
	memset(&F, 0, sizeof(F));
	F.rng = 20261126;
	tmpdb_init(&F.tmp);
	assert_int_equal(store_open(F.tmp.path, &F.db), XZ_OK);
	int64_t city = create("region", json_pack("{s:s, s:s, s:s}", "code", "320200", "name",
	                                          "无锡市", "level", "市"));
	for (int i = 0; i < NREGION; i++) {
		char name[32];
		bool town = strlen(regions[i]) == 9;
		snprintf(name, sizeof(name), "区划%d", i);
		int64_t parent = town ? F.region_ids[i - 1] : city;
		F.region_ids[i] =
		    create("region", json_pack("{s:s, s:s, s:s, s:I}", "code", regions[i], "name",
		                               name, "level", town ? "乡镇" : "区县", "parent_id",
		                               (json_int_t)parent));
	}
	int64_t cluster =
	    create("cluster", json_pack("{s:s, s:s}", "name", "测试集群", "tier", "地标产业"));
	for (int c = 0; c < NCHAIN; c++) {
		char name[32];
		snprintf(name, sizeof(name), "产业链%d", c);
		F.chain_ids[c] = create("chain", json_pack("{s:s, s:I}", "name", name, "cluster_id",
		                                           (json_int_t)cluster));
		for (int s = 0; s < 2; s++) {
			snprintf(name, sizeof(name), "环节%d-%d", c, s);
			F.seg_ids[c * 2 + s] =
			    create("segment", json_pack("{s:I, s:s, s:s}", "chain_id",
			                                (json_int_t)F.chain_ids[c], "name", name,
			                                "stage", "中游"));
		}
	}
	int64_t *sk_ids = F.skill_ids;
	for (int s = 0; s < NSKILL; s++) {
		F.parent[s] = skills[s].parent;
		json_t *in = json_pack("{s:s}", "name", skills[s].name);
		if (skills[s].parent >= 0)
			json_object_set_new(in, "parent_id",
			                    json_integer(sk_ids[skills[s].parent]));
		if (skills[s].syn)
			json_object_set_new(in, "synonyms", json_loads(skills[s].syn, 0, NULL));
		sk_ids[s] = create("skill", in);
	}
	for (int e = 0; e < NENT; e++) {
		char uscc[19], name[32];
		snprintf(uscc, sizeof(uscc), "91320200MA1N%05d", e);
		uscc[17] = valid_uscc_check(uscc);
		uscc[18] = '\0';
		snprintf(name, sizeof(name), "企业%d", e);
		F.ent_region[e] = (int)rnd(NREGION);
		F.ent_ids[e] =
		    create("enterprise",
		           json_pack("{s:s, s:s, s:I}", "name", name, "uscc", uscc, "region_id",
		                     (json_int_t)F.region_ids[F.ent_region[e]]));
	}
	for (int i = 0; i < NPERSON; i++) {
		struct t_person *p = &F.persons[i];
		char idcard[19], name[32];
		snprintf(idcard, sizeof(idcard), "32020519850101%03d", i);
		idcard[17] = valid_idcard_check(idcard);
		idcard[18] = '\0';
		snprintf(name, sizeof(name), "人员%d", i);
		p->edu = (int)rnd(6) - 1;
		p->region = (int)rnd(NREGION);
		json_t *in = json_pack("{s:s, s:s, s:I}", "name", name, "idcard", idcard,
		                       "region_id", (json_int_t)F.region_ids[p->region]);
		if (p->edu >= 0)
			json_object_set_new(in, "education", json_string(person_edu[p->edu]));
		p->id = create("person", in);
	}
	for (int i = 0; i < NTALENT; i++) {
		struct t_talent *t = &F.talents[i];
		t->person = i; /* one talent per person */
		set_talent_skills(i);
		t->exp = (int)rnd(15);
		t->chain = (int)rnd(NCHAIN + 1) - 1;
		t->live = rnd(8) != 0;
		json_t *in =
		    json_pack("{s:I, s:s, s:o, s:i, s:s}", "person_id", (json_int_t)F.persons[i].id,
		              "category", "青年人才", "skills", skills_json(t->skills, t->nskills),
		              "experience_years", t->exp, "status", t->live ? "在锡" : "已离锡");
		if (t->chain >= 0)
			json_object_set_new(in, "chain_id", json_integer(F.chain_ids[t->chain]));
		t->id = create("talent", in);
	}
	for (int i = 0; i < NNEED; i++) {
		struct t_need *n = &F.needs[i];
		char post[32];
		snprintf(post, sizeof(post), "岗位%d", i);
		n->ent = (int)rnd(NENT);
		n->seg = (int)rnd(NCHAIN * 2 + 1) - 1;
		n->nskills = rnd(10) == 0 ? 0 : pick_skills(n->skills, 5);
		n->edu = (int)rnd(5);
		n->band = (int)rnd(6);
		n->live = rnd(6) != 0;
		json_t *in =
		    json_pack("{s:I, s:s, s:s, s:i, s:s, s:o, s:s, s:s, s:s}", "enterprise_id",
		              (json_int_t)F.ent_ids[n->ent], "post_name", post, "post_category",
		              "研发设计", "headcount", 1, "education", need_edu[n->edu], "skills",
		              skills_json(n->skills, n->nskills), "experience", bands[n->band],
		              "urgency", "一般", "status", n->live ? "开放" : "草稿");
		if (n->seg >= 0)
			json_object_set_new(in, "segment_id", json_integer(F.seg_ids[n->seg]));
		n->id = create("need", in);
	}
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

/* ---- the exhaustive reference ---- */

static int parent(int s)
{
	return s < 100 ? F.parent[s] : -1;
}

static double sim(int a, int b)
{
	if (a == b)
		return 1.0;
	if (parent(a) == b || parent(b) == a)
		return 0.6;
	if (parent(a) >= 0 && parent(a) == parent(b))
		return 0.3;
	return 0.0;
}

static const char *region_of_talent(const struct t_talent *t)
{
	return regions[F.persons[t->person].region];
}

static bool eligible_talent(const struct t_talent *t)
{
	return t->live && !t->deleted;
}

static int df(int s, int *pool)
{
	int n = 0, total = 0;
	for (int i = 0; i < NTALENT; i++) {
		const struct t_talent *t = &F.talents[i];
		if (!eligible_talent(t))
			continue;
		total++;
		for (int k = 0; k < t->nskills; k++)
			if (t->skills[k] == s)
				n++;
	}
	*pool = total;
	return n;
}

static bool ref_score(const struct t_talent *t, const struct t_need *n, double *out)
{
	int tedu = F.persons[t->person].edu < 0 ? 0 : F.persons[t->person].edu;
	if (tedu < n->edu || t->exp < band_lower[n->band])
		return false;
	double num = 0, den = 0;
	bool any = false;
	for (int i = 0; i < n->nskills; i++) {
		int pool, d = df(n->skills[i], &pool);
		double w = log(1.0 + (double)pool / (1.0 + (double)d));
		double best = 0;
		for (int k = 0; k < t->nskills; k++)
			best = fmax(best, sim(n->skills[i], t->skills[k]));
		den += w;
		num += w * best;
		any |= best > 0;
	}
	if (n->nskills && !any)
		return false;
	double sc = den > 0 ? num / den : 0;
	int nchain = n->seg >= 0 ? n->seg / 2 : -1;
	if (t->chain >= 0 && t->chain == nchain)
		sc += 0.1;
	const char *a = region_of_talent(t), *b = regions[F.ent_region[n->ent]];
	if (!strncmp(a, b, 6))
		sc += 0.05;
	*out = round(sc * 10000.0) / 10000.0;
	return true;
}

struct ref_hit {
	double score;
	int64_t id;
};

static int cmp_hit(const void *x, const void *y)
{
	const struct ref_hit *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static bool prefixed(const char *code, const char *prefix)
{
	return !prefix || !strncmp(code, prefix, strlen(prefix));
}

/* The reference top-k, as a JSON array of [id, score]. */
static json_t *reference(bool for_need, int qi, int k, const char *p1, const char *p2)
{
	struct ref_hit *hits = xmalloc((NTALENT + NNEED) * sizeof(*hits));
	int nh = 0;
	if (for_need) {
		for (int i = 0; i < NTALENT; i++) {
			const struct t_talent *t = &F.talents[i];
			double sc;
			if (eligible_talent(t) && prefixed(region_of_talent(t), p1) &&
			    prefixed(region_of_talent(t), p2) && ref_score(t, &F.needs[qi], &sc))
				hits[nh++] = (struct ref_hit){sc, t->id};
		}
	} else {
		for (int i = 0; i < NNEED; i++) {
			const struct t_need *n = &F.needs[i];
			const char *code = regions[F.ent_region[n->ent]];
			double sc;
			if (n->live && !n->deleted && prefixed(code, p1) && prefixed(code, p2) &&
			    ref_score(&F.talents[qi], n, &sc))
				hits[nh++] = (struct ref_hit){sc, n->id};
		}
	}
	qsort(hits, (size_t)nh, sizeof(*hits), cmp_hit);
	json_t *a = json_array();
	for (int i = 0; i < nh && i < k; i++)
		json_array_append_new(a,
		                      json_pack("[I, f]", (json_int_t)hits[i].id, hits[i].score));
	free(hits);
	return a;
}

static const struct actor district_actor = {
    .user_id = 9,
    .username = "bh",
    .role = "operator",
    .ip = "127.0.0.1",
    .perms = PERM_DATA_READ,
    .region_code = "320205",
    .region_prefix = "320205",
    .city_wide = false,
};

/* Runs the index query and compares it with the reference. */
static void check(bool for_need, int qi, int k, const struct actor *a, const char *region)
{
	struct engine_ctx ctx;
	json_t *res = NULL;
	engine_ctx_init(&ctx, F.db, a ? a : engine_system_actor());
	int64_t id = for_need ? F.needs[qi].id : F.talents[qi].id;
	enum xz_result r = for_need ? match_for_need(&ctx, id, k, region, &res)
	                            : match_for_talent(&ctx, id, k, region, &res);
	assert_int_equal(r, XZ_OK);
	json_t *want = reference(for_need, qi, k, a ? a->region_prefix : NULL, region);
	json_t *items = json_object_get(res, "items");
	if (json_array_size(items) != json_array_size(want)) {
		char *w = json_dumps(want, 0);
		fprintf(stderr, "%s %d k=%d: got %zu items, want %s\n",
		        for_need ? "need" : "talent", qi, k, json_array_size(items), w);
		free(w);
	}
	assert_int_equal(json_array_size(items), json_array_size(want));
	for (size_t i = 0; i < json_array_size(want); i++) {
		json_t *got = json_array_get(items, i), *exp = json_array_get(want, i);
		int64_t gid = json_integer_value(json_object_get(got, "id"));
		double gs = json_real_value(json_object_get(got, "score"));
		int64_t wid = json_integer_value(json_array_get(exp, 0));
		double ws = json_real_value(json_array_get(exp, 1));
		if (gid != wid || gs != ws)
			fprintf(stderr, "%s %d rank %zu: got %lld/%.6f want %lld/%.6f\n",
			        for_need ? "need" : "talent", qi, i, (long long)gid, gs,
			        (long long)wid, ws);
		assert_int_equal(gid, wid);
		assert_true(gs == ws);
		assert_int_equal(json_array_size(json_object_get(got, "reasons")), 3);
	}
	json_decref(want);
	json_decref(res);
	engine_ctx_free(&ctx);
}

static void check_many(int rounds)
{
	for (int i = 0; i < rounds; i++) {
		int k = 1 + (int)rnd(20);
		const char *region = rnd(4) == 0 ? regions[rnd(NREGION)] : NULL;
		int ni = (int)rnd(NNEED), ti = (int)rnd(NTALENT);
		if (!F.needs[ni].deleted)
			check(true, ni, k, NULL, region);
		if (!F.talents[ti].deleted)
			check(false, ti, k, NULL, region);
	}
}

static void test_equals_exhaustive(void **state)
{
	(void)state;
	check_many(150);
	/* every need once with a large k */
	for (int i = 0; i < NNEED; i++)
		check(true, i, 50, NULL, NULL);
}

static void test_writes_visible_next_query(void **state)
{
	(void)state;
	check(true, 0, 10, NULL, NULL);
	for (int round = 0; round < 25; round++) {
		/* a talent's skills */
		int ti = (int)rnd(NTALENT);
		set_talent_skills(ti);
		update("talent", F.talents[ti].id,
		       json_pack("{s:o}", "skills",
		                 skills_json(F.talents[ti].skills, F.talents[ti].nskills)));
		check(true, (int)rnd(NNEED), 15, NULL, NULL);
		check(false, ti, 15, NULL, NULL);
		/* a need's education */
		int ni = (int)rnd(NNEED);
		F.needs[ni].edu = (int)rnd(5);
		update("need", F.needs[ni].id,
		       json_pack("{s:s}", "education", need_edu[F.needs[ni].edu]));
		check(true, ni, 15, NULL, NULL);
		/* a person's education */
		int pi = (int)rnd(NTALENT);
		F.persons[pi].edu = (int)rnd(5);
		update("person", F.persons[pi].id,
		       json_pack("{s:s}", "education", person_edu[F.persons[pi].edu]));
		check(true, (int)rnd(NNEED), 20, NULL, NULL);
		check(false, pi, 20, NULL, NULL);
	}
	/* deletes: a talent that ranks first somewhere, and a need */
	for (int round = 0; round < 10; round++) {
		int ni = (int)rnd(NNEED);
		struct engine_ctx ctx;
		json_t *res = NULL;
		engine_ctx_init(&ctx, F.db, engine_system_actor());
		assert_int_equal(match_for_need(&ctx, F.needs[ni].id, 1, NULL, &res), XZ_OK);
		json_t *first = json_array_get(json_object_get(res, "items"), 0);
		if (first) {
			int64_t tid = json_integer_value(json_object_get(first, "id"));
			assert_int_equal(engine_delete(&ctx, model_find("talent"), tid), XZ_OK);
			for (int i = 0; i < NTALENT; i++)
				if (F.talents[i].id == tid)
					F.talents[i].deleted = true;
		}
		json_decref(res);
		check(true, ni, 10, NULL, NULL);
		int nd = (int)rnd(NNEED);
		if (!F.needs[nd].deleted && nd != ni) {
			assert_int_equal(engine_delete(&ctx, model_find("need"), F.needs[nd].id),
			                 XZ_OK);
			F.needs[nd].deleted = true;
			json_t *gone = NULL;
			assert_int_equal(match_for_need(&ctx, F.needs[nd].id, 5, NULL, &gone),
			                 XZ_ERR_NOT_FOUND);
			assert_null(gone);
		}
		engine_ctx_free(&ctx);
		int ti = (int)rnd(NTALENT);
		if (!F.talents[ti].deleted)
			check(false, ti, 10, NULL, NULL);
	}
	/* a taxonomy change rebuilds: Spring开发 moves from Java开发 to 软件开发,
	 * 数据分析 under 生物医药 */
	update("skill", F.skill_ids[7],
	       json_pack("{s:I}", "parent_id", (json_int_t)F.skill_ids[4]));
	F.parent[7] = 4;
	check_many(20);
	update("skill", F.skill_ids[15],
	       json_pack("{s:I}", "parent_id", (json_int_t)F.skill_ids[11]));
	F.parent[15] = 11;
	check_many(20);
}

static void test_scope(void **state)
{
	(void)state;
	int seen = 0;
	for (int i = 0; i < NNEED; i++) {
		const char *code = regions[F.ent_region[F.needs[i].ent]];
		if (!strncmp(code, "320205", 6)) {
			check(true, i, 30, &district_actor, NULL);
			seen++;
		} else {
			struct engine_ctx ctx;
			json_t *res = NULL;
			engine_ctx_init(&ctx, F.db, &district_actor);
			assert_int_equal(match_for_need(&ctx, F.needs[i].id, 5, NULL, &res),
			                 XZ_ERR_NOT_FOUND);
			engine_ctx_free(&ctx);
		}
	}
	assert_true(seen > 0);
	for (int i = 0; i < NTALENT; i++)
		if (!strncmp(region_of_talent(&F.talents[i]), "320205", 6))
			check(false, i, 30, &district_actor, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_equals_exhaustive, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writes_visible_next_query, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
