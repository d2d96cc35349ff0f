/*
 * The comparison of two saved staffing plans (staffing_plan_diff in
 * src/domain/staffing_plan.c) on hand-made solver results: cadres only in
 * one plan, in both (with both scores), projects present in one plan only,
 * per-project totals and filled seats, the count of changes, identical
 * plans, and malformed results refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/staffing_plan.h"

#include <stdlib.h>

static json_t *load(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, 0, &err);
	if (!v)
		fail_msg("bad test JSON: %s", err.text);
	return v;
}

static const char plan_a[] =
    "{\"total\": 2300, \"filled\": 3, \"unfilled\": 1, \"projects\": ["
    " {\"project_id\": 10, \"name\": \"甲项目\", \"unfilled\": 0, \"staff\": ["
    "  {\"cadre_id\": 1, \"name\": \"张一\", \"score\": 1000},"
    "  {\"cadre_id\": 2, \"name\": \"李二\", \"score\": 700}]},"
    " {\"project_id\": 20, \"name\": \"乙项目\", \"unfilled\": 1, \"staff\": ["
    "  {\"cadre_id\": 3, \"name\": \"王三\", \"score\": 600}]}]}";

/* 张一 excluded from 甲: 赵四 takes the seat; 乙 unchanged; 丙 only here */
static const char plan_b[] =
    "{\"total\": 2100, \"filled\": 3, \"unfilled\": 1, \"projects\": ["
    " {\"project_id\": 10, \"name\": \"甲项目\", \"unfilled\": 0, \"staff\": ["
    "  {\"cadre_id\": 2, \"name\": \"李二\", \"score\": 700},"
    "  {\"cadre_id\": 4, \"name\": \"赵四\", \"score\": 500}]},"
    " {\"project_id\": 30, \"name\": \"丙项目\", \"unfilled\": 1, \"staff\": ["
    "  {\"cadre_id\": 5, \"name\": \"钱五\", \"score\": 300}]}]}";

static json_int_t num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static json_t *ids(json_t *list)
{
	json_t *out = json_array(), *m;
	size_t i;
	json_array_foreach(list, i, m) json_array_append(out, json_object_get(m, "cadre_id"));
	return out;
}

static void assert_ids(json_t *list, const char *want)
{
	json_t *got = ids(list), *exp = load(want);
	char *g = json_dumps(got, JSON_COMPACT);
	if (!json_equal(got, exp))
		fail_msg("cadres %s, expected %s", g, want);
	free(g);
	json_decref(got);
	json_decref(exp);
}

static void test_diff_by_project(void **state)
{
	json_t *a = load(plan_a), *b = load(plan_b), *d = NULL;
	assert_int_equal(staffing_plan_diff(a, b, &d), XZ_OK);
	json_t *projects = json_object_get(d, "projects");
	assert_int_equal(json_array_size(projects), 3);
	/* a's projects in a's order, then b's own */
	json_t *p10 = json_array_get(projects, 0), *p20 = json_array_get(projects, 1),
	       *p30 = json_array_get(projects, 2);
	assert_int_equal(num(p10, "project_id"), 10);
	assert_int_equal(num(p20, "project_id"), 20);
	assert_int_equal(num(p30, "project_id"), 30);

	assert_true(json_is_true(json_object_get(p10, "in_a")));
	assert_true(json_is_true(json_object_get(p10, "in_b")));
	assert_ids(json_object_get(p10, "only_a"), "[1]");
	assert_ids(json_object_get(p10, "only_b"), "[4]");
	assert_ids(json_object_get(p10, "both"), "[2]");
	json_t *both = json_array_get(json_object_get(p10, "both"), 0);
	assert_int_equal(num(both, "score_a"), 700);
	assert_int_equal(num(both, "score_b"), 700);
	assert_string_equal(json_string_value(json_object_get(both, "name")), "李二");
	assert_int_equal(num(p10, "total_a"), 1700);
	assert_int_equal(num(p10, "total_b"), 1200);
	assert_int_equal(num(p10, "filled_a"), 2);
	assert_int_equal(num(p10, "filled_b"), 2);

	assert_true(json_is_false(json_object_get(p20, "in_b")));
	assert_ids(json_object_get(p20, "only_a"), "[3]");
	assert_int_equal(json_array_size(json_object_get(p20, "only_b")), 0);
	assert_int_equal(num(p20, "filled_b"), 0);
	assert_int_equal(num(p20, "unfilled_a"), 1);

	assert_true(json_is_false(json_object_get(p30, "in_a")));
	assert_string_equal(json_string_value(json_object_get(p30, "name")), "丙项目");
	assert_ids(json_object_get(p30, "only_b"), "[5]");
	assert_int_equal(num(p30, "total_b"), 300);

	/* 张一, 赵四, 王三, 钱五 */
	assert_int_equal(num(d, "changed"), 4);
	json_decref(d);
	json_decref(a);
	json_decref(b);
}

static void test_same_plan_has_no_change(void **state)
{
	json_t *a = load(plan_a), *d = NULL;
	assert_int_equal(staffing_plan_diff(a, a, &d), XZ_OK);
	assert_int_equal(num(d, "changed"), 0);
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(d, "projects"), i, p)
	{
		assert_int_equal(json_array_size(json_object_get(p, "only_a")), 0);
		assert_int_equal(json_array_size(json_object_get(p, "only_b")), 0);
		assert_int_equal(num(p, "filled_a"), num(p, "filled_b"));
		assert_int_equal(num(p, "total_a"), num(p, "total_b"));
	}
	json_decref(d);
	json_decref(a);
}

static void test_malformed_results_refused(void **state)
{
	static const char *const bad[] = {
	    "[]",
	    "{}",
	    "{\"projects\": {}}",
	    "{\"projects\": [{\"name\": \"无ID\", \"staff\": []}]}",
	    "{\"projects\": [{\"project_id\": 1, \"staff\": {}}]}",
	    "{\"projects\": [{\"project_id\": 1, \"staff\": [{\"name\": \"无ID\"}]}]}",
	};
	json_t *good = load(plan_a);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *v = load(bad[i]), *d = (json_t *)1;
		assert_int_equal(staffing_plan_diff(v, good, &d), XZ_ERR_BAD_REQUEST);
		assert_null(d);
		assert_int_equal(staffing_plan_diff(good, v, &d), XZ_ERR_BAD_REQUEST);
		json_decref(v);
	}
	json_t *d = NULL;
	assert_int_equal(staffing_plan_diff(NULL, good, &d), XZ_ERR_BAD_REQUEST);
	json_decref(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_diff_by_project),
	    cmocka_unit_test(test_same_plan_has_no_change),
	    cmocka_unit_test(test_malformed_results_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
