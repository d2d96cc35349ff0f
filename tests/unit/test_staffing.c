/*
 * Staffing of 百项攻坚 projects (src/domain/staffing.c) on a hand-made pool
 * whose optimum can be worked out on paper: scores from expertise overlap,
 * the first-time-on-chain and same-district bonuses, cadres busy on a 实施中
 * project left out, the solver's optimum checked by assign_verify, pins and
 * exclusions respected, a plan applied once but refused the second time,
 * and a project's ranked candidates scored exactly as the solver's arcs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/crypto.h"
#include "core/valid.h"
#include "domain/staffing.h"
#include "testutil.h"

static struct tmpdb tmp;
static struct store *db;
static int64_t p1, p2, p3, c[6];

static int64_t create(const char *entity, json_t *in)
{
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, db, engine_system_actor());
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

static int64_t cadre(int seq, int64_t region, json_t *expertise, int64_t chain)
{
	char idcard[19], name[16];
	snprintf(idcard, sizeof(idcard), "32028119800101%03d", seq);
	idcard[17] = valid_idcard_check(idcard);
	idcard[18] = '\0';
	snprintf(name, sizeof(name), "干部%d", seq);
	int64_t person = create("person", json_pack("{s:s, s:s, s:I}", "name", name, "idcard",
	                                            idcard, "region_id", (json_int_t)region));
	json_t *in = json_pack("{s:I, s:s, s:s, s:s, s:I, s:o}", "person_id", (json_int_t)person,
	                       "unit", "发改委", "post", "科员", "level", "县", "region_id",
	                       (json_int_t)region, "expertise", expertise);
	if (chain)
		json_object_set_new(in, "chain_id", json_integer(chain));
	return create("cadre", in);
}

static int64_t project(const char *name, int64_t chain, int headcount, json_t *expertise,
                       const char *status, int64_t region)
{
	return create("project",
	              json_pack("{s:s, s:I, s:i, s:o, s:s, s:I}", "name", name, "chain_id",
	                        (json_int_t)chain, "headcount", headcount, "expertise", expertise,
	                        "status", status, "region_id", (json_int_t)region));
}

/* Regions 1 无锡市, 2 江阴市, 3 宜兴市; chains 1 (A) and 2 (B).
 *  P1 chain A, 2 seats, [产业经济, 科技创新], 江阴;  P2 chain B, 2 seats, [现代金融], 宜兴;
 *  P3 chain B, 实施中, 1 seat already taken by c5.
 *  c1 [产业经济, 科技创新] 江阴 chain A; c2 [科技创新] 江阴; c3 [现代金融, 产业经济] 宜兴;
 *  c4 [现代金融] 市; c5 [科技创新, 现代金融] 市 (busy on P3).
 * Scores: P1: c1 1000+100 = 1100, c2 500+200+100 = 800, c3 500+200 = 700;
 *         P2: c3 1000+200+100 = 1300, c4 1000+200 = 1200. */
static int setup(void **state)
{
	(void)state;
	crypto_use_ephemeral_key();
	tmpdb_init(&tmp);
	assert_int_equal(store_open(tmp.path, &db), XZ_OK);
	assert_int_equal(
	    store_exec(
	        db,
	        "INSERT INTO region (id, code, name, level) VALUES (1, '320200', '无锡市', '市'),"
	        " (2, '320281', '江阴市', '区县'), (3, '320282', '宜兴市', '区县');"
	        "INSERT INTO cluster (id, name, tier) VALUES (1, '集成电路', '地标产业');"
	        "INSERT INTO chain (id, name, cluster_id) VALUES (1, '链A', 1), (2, '链B', 1);"),
	    XZ_OK);
	p1 = project("攻坚一", 1, 2, json_pack("[s,s]", "产业经济", "科技创新"), "筹备", 2);
	p2 = project("攻坚二", 2, 2, json_pack("[s]", "现代金融"), "筹备", 3);
	p3 = project("攻坚三", 2, 1, json_pack("[s]", "科技创新"), "实施中", 1);
	c[1] = cadre(1, 2, json_pack("[s,s]", "产业经济", "科技创新"), 1);
	c[2] = cadre(2, 2, json_pack("[s]", "科技创新"), 0);
	c[3] = cadre(3, 3, json_pack("[s,s]", "现代金融", "产业经济"), 0);
	c[4] = cadre(4, 1, json_pack("[s]", "现代金融"), 0);
	c[5] = cadre(5, 1, json_pack("[s,s]", "科技创新", "现代金融"), 0);
	create("project_member", json_pack("{s:I, s:I, s:s}", "project_id", (json_int_t)p3,
	                                   "cadre_id", (json_int_t)c[5], "role", "成员"));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(db);
	tmpdb_remove(&tmp);
	return 0;
}

static json_t *solve(json_t *req, enum xz_result want)
{
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, db, engine_system_actor());
	enum xz_result r = staffing_solve(&ctx, req, &out);
	if (r != want)
		fprintf(stderr, "solve: %d %s\n", r, ctx.message);
	assert_int_equal(r, want);
	engine_ctx_free(&ctx);
	json_decref(req);
	return out;
}

static json_t *project_of(json_t *res, int64_t id)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(res, "projects"), i, p)
	{
		if (json_integer_value(json_object_get(p, "project_id")) == id)
			return p;
	}
	fail_msg("project %lld not in the result", (long long)id);
	return NULL;
}

static json_t *staff_of(json_t *proj, int64_t cadre_id)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(proj, "staff"), i, m)
	{
		if (json_integer_value(json_object_get(m, "cadre_id")) == cadre_id)
			return m;
	}
	return NULL;
}

static bool has_reason(json_t *m, const char *reason)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(m, "reasons"), i, r)
	{
		if (!strcmp(json_string_value(r), reason))
			return true;
	}
	return false;
}

/* The same instance solved directly satisfies the optimality conditions and
 * has the total the service reports. */
static void verify_optimal(json_t *req, int64_t total)
{
	struct engine_ctx ctx;
	struct staffing_instance *inst = NULL;
	struct assign_solution *sol = NULL;
	char msg[256] = "";
	engine_ctx_init(&ctx, db, engine_system_actor());
	assert_int_equal(staffing_build(&ctx, req, &inst), XZ_OK);
	assert_int_equal(assign_solve(&inst->problem, &sol, msg, sizeof(msg)), XZ_OK);
	bool ok = assign_verify(&inst->problem, sol, msg, sizeof(msg));
	if (!ok)
		fprintf(stderr, "verify: %s\n", msg);
	assert_true(ok);
	assert_int_equal(sol->total_score, total);
	assign_solution_free(sol);
	staffing_instance_free(inst);
	engine_ctx_free(&ctx);
	json_decref(req);
}

static void test_solve_optimal_with_reasons(void **state)
{
	(void)state;
	json_t *res = solve(json_object(), XZ_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 4400);
	assert_int_equal(json_integer_value(json_object_get(res, "filled")), 4);
	assert_int_equal(json_integer_value(json_object_get(res, "unfilled")), 0);
	json_t *a = project_of(res, p1), *b = project_of(res, p2);
	assert_non_null(staff_of(a, c[1]));
	json_t *m2 = staff_of(a, c[2]);
	assert_non_null(m2);
	assert_true(has_reason(m2, "专业特长匹配 [科技创新]"));
	assert_true(has_reason(m2, "首次参与该产业链"));
	assert_true(has_reason(m2, "同区县"));
	assert_false(has_reason(staff_of(a, c[1]), "首次参与该产业链")); /* c1 liaises chain A */
	assert_non_null(staff_of(b, c[3]));
	assert_non_null(staff_of(b, c[4]));
	/* c5 is busy on the 实施中 P3, whose only seat is taken */
	assert_int_equal(json_integer_value(json_object_get(project_of(res, p3), "seats")), 0);
	json_decref(res);
	verify_optimal(json_object(), 4400);

	/* without one_project c5 may join too: P1 700 (chain B before), P2 1000 (served B) */
	res = solve(json_pack("{s:b}", "one_project", 0), XZ_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "filled")), 4);
	json_decref(res);
	verify_optimal(json_pack("{s:b}", "one_project", 0), 4400);
}

static void test_pins_and_exclusions(void **state)
{
	(void)state;
	json_t *req = json_pack("{s:[I,I], s:[{s:I, s:I}], s:[{s:I, s:I}]}", "project_ids",
	                        (json_int_t)p1, (json_int_t)p2, "pins", "project_id",
	                        (json_int_t)p1, "cadre_id", (json_int_t)c[3], "exclusions",
	                        "project_id", (json_int_t)p1, "cadre_id", (json_int_t)c[1]);
	json_t *res = solve(json_incref(req), XZ_OK);
	json_t *a = project_of(res, p1), *b = project_of(res, p2);
	json_t *pinned = staff_of(a, c[3]);
	assert_non_null(pinned);
	assert_true(json_is_true(json_object_get(pinned, "pinned")));
	assert_true(has_reason(pinned, "人工指定"));
	assert_null(staff_of(a, c[1]));
	assert_non_null(staff_of(a, c[2]));
	assert_non_null(staff_of(b, c[4]));
	assert_int_equal(json_integer_value(json_object_get(b, "unfilled")), 1);
	assert_true(json_is_string(json_object_get(b, "unfilled_reason")));
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 700 + 800 + 1200);
	json_decref(res);
	verify_optimal(req, 2700);

	/* a pin on a busy cadre, or on an unknown project, is refused */
	json_decref(solve(json_pack("{s:[{s:I, s:I}]}", "pins", "project_id", (json_int_t)p1,
	                            "cadre_id", (json_int_t)c[5]),
	                  XZ_ERR_VALIDATION));
	json_decref(solve(json_pack("{s:[I]}", "project_ids", (json_int_t)9999), XZ_ERR_NOT_FOUND));
}

static void test_apply_once(void **state)
{
	(void)state;
	json_t *plan = solve(json_object(), XZ_OK), *out = NULL;
	int64_t before = query_int(db, "SELECT count(*) FROM project_member");
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, db, engine_system_actor());
	assert_int_equal(staffing_apply(&ctx, plan, &out), XZ_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "created")), 4);
	json_decref(out);
	assert_int_equal(query_int(db, "SELECT count(*) FROM project_member"), before + 4);
	assert_int_equal(query_int(db, "SELECT count(*) FROM project_member WHERE source = '方案'"
	                               " AND role = '成员'"),
	                 4);
	assert_int_equal(
	    query_int(db, "SELECT count(*) FROM audit_log WHERE action = 'assignment_apply'"), 1);
	/* the seats were filled meanwhile: refused, nothing written */
	out = NULL;
	assert_int_equal(staffing_apply(&ctx, plan, &out), XZ_ERR_CONFLICT);
	assert_null(out);
	assert_int_equal(query_int(db, "SELECT count(*) FROM project_member"), before + 4);
	engine_ctx_free(&ctx);
	json_decref(plan);

	/* now every seat is taken */
	json_t *res = solve(json_object(), XZ_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "filled")), 0);
	json_decref(res);
}

static json_t *candidates(const struct actor *who, int64_t id, int k, enum xz_result want)
{
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, db, who);
	enum xz_result r = staffing_candidates(&ctx, id, k, &out);
	if (r != want)
		fprintf(stderr, "candidates: %d %s\n", r, ctx.message);
	assert_int_equal(r, want);
	engine_ctx_free(&ctx);
	return out;
}

/* P1's candidates: c1 1100, c2 800, then c3 and the busy c5 tied at 700
 * (500 + 200, no district) in cadre id order; c4 shares no tag. */
static void test_candidates_ranked_like_solver(void **state)
{
	(void)state;
	json_t *res = candidates(engine_system_actor(), p1, 10, XZ_OK);
	json_t *items = json_object_get(res, "items");
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 4);
	assert_int_equal(json_array_size(items), 4);
	const int64_t want_id[] = {c[1], c[2], c[3], c[5]};
	const int want_score[] = {1100, 800, 700, 700};
	for (size_t i = 0; i < 4; i++) {
		json_t *it = json_array_get(items, i);
		assert_int_equal(json_integer_value(json_object_get(it, "cadre_id")), want_id[i]);
		assert_int_equal(json_integer_value(json_object_get(it, "score")), want_score[i]);
		assert_string_equal(json_string_value(json_object_get(it, "unit")), "发改委");
	}
	json_t *c2 = json_array_get(items, 1), *c3 = json_array_get(items, 2),
	       *c5 = json_array_get(items, 3);
	assert_true(has_reason(c2, "专业特长匹配 [科技创新]"));
	assert_true(has_reason(c2, "缺少特长 [产业经济]"));
	assert_true(has_reason(c2, "首次参与该产业链"));
	assert_true(has_reason(c2, "同区县"));
	assert_false(has_reason(c3, "同区县"));
	assert_true(json_is_true(json_object_get(c5, "busy")));
	assert_true(has_reason(c5, "已在实施中项目"));
	assert_false(has_reason(json_array_get(items, 0), "已在实施中项目"));

	/* each candidate's score is the solver's arc score for that pair */
	struct engine_ctx ctx;
	struct staffing_instance *inst = NULL;
	json_t *req = json_pack("{s:[I], s:b}", "project_ids", (json_int_t)p1, "one_project", 0);
	engine_ctx_init(&ctx, db, engine_system_actor());
	assert_int_equal(staffing_build(&ctx, req, &inst), XZ_OK);
	assert_int_equal(inst->problem.narcs, 4);
	for (size_t a = 0; a < inst->problem.narcs; a++) {
		const struct assign_arc *arc = &inst->arcs[a];
		int64_t id = c[1] + arc->cadre; /* cadres are created in order */
		bool found = false;
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			if (json_integer_value(json_object_get(it, "cadre_id")) != id)
				continue;
			assert_int_equal(json_integer_value(json_object_get(it, "score")),
			                 arc->score);
			found = true;
		}
		assert_true(found);
	}
	staffing_instance_free(inst);
	engine_ctx_free(&ctx);
	json_decref(req);
	json_decref(res);

	res = candidates(engine_system_actor(), p1, 2, XZ_OK);
	assert_int_equal(json_array_size(json_object_get(res, "items")), 2);
	json_decref(res);
	json_decref(candidates(engine_system_actor(), 9999, 10, XZ_ERR_NOT_FOUND));

	/* a 江阴 user sees P1 and only 江阴's cadres; 宜兴's P2 is out of scope */
	struct actor jiangyin = *engine_system_actor();
	jiangyin.region_code = "320281";
	jiangyin.region_prefix = "320281";
	jiangyin.city_wide = false;
	res = candidates(&jiangyin, p1, 10, XZ_OK);
	items = json_object_get(res, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "cadre_id")),
	                 c[1]);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "cadre_id")),
	                 c[2]);
	json_decref(res);
	json_decref(candidates(&jiangyin, p2, 10, XZ_ERR_NOT_FOUND));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_solve_optimal_with_reasons, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pins_and_exclusions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_apply_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_candidates_ranked_like_solver, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
