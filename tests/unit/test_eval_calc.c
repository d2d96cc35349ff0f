/*
 * 季季评 computation (src/domain/eval_calc.c): weighted totals rounded to
 * two decimals, competition ranks with shared ranks for ties, and grades by
 * quota: ⌊n × cumulative share⌋ positions per grade, the top grade at least
 * one when the group is not empty, a tie block never split (it drops whole
 * to the next grade when it would cross the boundary), the fail line, and
 * the grade-rule parser's refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/eval_calc.h"

#include <string.h>

static struct eval_grade_rule rule(const char *text, double fail)
{
	struct eval_grade_rule g;
	char msg[200] = "";
	assert_int_equal(eval_calc_parse_grades(text, fail, &g, msg, sizeof(msg)), XZ_OK);
	return g;
}

static void test_total(void **state)
{
	(void)state;
	double w[] = {25, 25, 30, 20};
	double a[] = {90, 80, 70, 60};
	bool p[] = {true, true, true, true};
	/* 22.5 + 20 + 21 + 12 */
	assert_true(eval_calc_total(a, p, w, 4) == 75.5);
	/* a missing dimension counts 0 */
	p[3] = false;
	assert_true(eval_calc_total(a, p, w, 4) == 63.5);
	/* two decimals, half away from zero: 85.555 × 100 / 100 */
	double w1[] = {100};
	double a1[] = {256.0 / 3.0}; /* 85.333… */
	bool p1[] = {true};
	assert_true(eval_calc_total(a1, p1, w1, 1) == 85.33);
	double a2[] = {88.125}, w2[] = {40}, a3[] = {0}; /* 35.25 exactly */
	assert_true(eval_calc_total(a2, p1, w2, 1) == 35.25);
	(void)a3;
}

static void test_ranks_ties(void **state)
{
	(void)state;
	struct eval_grade_rule g = rule("好:30,较好:40,一般:30,较差", 0);
	double t[] = {95, 90, 90, 80, 70};
	int rank[5], grade[5];
	eval_calc_grade_group(t, 5, &g, rank, grade);
	assert_int_equal(rank[0], 1);
	assert_int_equal(rank[1], 2);
	assert_int_equal(rank[2], 2);
	assert_int_equal(rank[3], 4);
	assert_int_equal(rank[4], 5);
}

static void test_quota_rounding(void **state)
{
	(void)state;
	struct eval_grade_rule g = rule("好:30,较好:40,一般:30,较差", 0);
	/* n = 10: caps 3, 7, 10 */
	double t[10] = {99, 98, 97, 96, 95, 94, 93, 92, 91, 90};
	int rank[10], grade[10];
	eval_calc_grade_group(t, 10, &g, rank, grade);
	int want[10] = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
	for (int i = 0; i < 10; i++)
		assert_int_equal(grade[i], want[i]);
	/* n = 7: ⌊2.1⌋ = 2 好, ⌊4.9⌋ = 4 → 2 较好, the rest 一般 */
	eval_calc_grade_group(t, 7, &g, rank, grade);
	int want7[7] = {0, 0, 1, 1, 2, 2, 2};
	for (int i = 0; i < 7; i++)
		assert_int_equal(grade[i], want7[i]);
	/* n = 3: ⌊0.9⌋ = 0 raised to 1 好; ⌊2.1⌋ = 2 → 1 较好; 1 一般 */
	eval_calc_grade_group(t, 3, &g, rank, grade);
	assert_int_equal(grade[0], 0);
	assert_int_equal(grade[1], 1);
	assert_int_equal(grade[2], 2);
}

static void test_group_of_one(void **state)
{
	(void)state;
	struct eval_grade_rule g = rule("好:30,较好:40,一般:30,较差", 0);
	double t[] = {61};
	int rank[1], grade[1];
	eval_calc_grade_group(t, 1, &g, rank, grade);
	assert_int_equal(rank[0], 1);
	assert_int_equal(grade[0], 0);
	/* a top share of 0 gives nobody the top grade, not even one */
	struct eval_grade_rule z = rule("优秀:0,称职:100,不称职", 0);
	eval_calc_grade_group(t, 1, &z, rank, grade);
	assert_int_equal(grade[0], 1);
	/* empty group: nothing to do, nothing written */
	eval_calc_grade_group(t, 0, &g, rank, grade);
}

static void test_tie_at_boundary(void **state)
{
	(void)state;
	struct eval_grade_rule g = rule("好:30,较好:40,一般:30,较差", 0);
	/* n = 10, cap 好 = 3; positions 3 and 4 tie at 97: the block 3–4 would
	 * cross the cap, so both drop to 较好 and only two get 好 */
	double t[10] = {99, 98, 97, 97, 95, 94, 93, 92, 91, 90};
	int rank[10], grade[10];
	eval_calc_grade_group(t, 10, &g, rank, grade);
	assert_int_equal(grade[0], 0);
	assert_int_equal(grade[1], 0);
	assert_int_equal(grade[2], 1);
	assert_int_equal(grade[3], 1);
	assert_int_equal(rank[2], 3);
	assert_int_equal(rank[3], 3);
	/* a tie inside the cap stays: 99, 99, 98 all within 3 */
	double u[10] = {99, 99, 98, 97, 95, 94, 93, 92, 91, 90};
	eval_calc_grade_group(u, 10, &g, rank, grade);
	assert_int_equal(grade[2], 0);
	assert_int_equal(grade[3], 1);
	/* two tied at the top of a group of 3 with cap 1: nobody gets 好 */
	double v[3] = {90, 90, 80};
	eval_calc_grade_group(v, 3, &g, rank, grade);
	assert_int_equal(grade[0], 1);
	assert_int_equal(grade[1], 1);
	assert_int_equal(rank[1], 1);
	/* all equal: everybody shares rank 1 and gets the first grade whose
	 * cumulative cap holds the whole block: 一般 (30 + 40 + 30 = 100%) */
	double all[4] = {80, 80, 80, 80};
	eval_calc_grade_group(all, 4, &g, rank, grade);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(rank[i], 1);
		assert_int_equal(grade[i], 2);
	}
	/* with shares short of 100%, the rest goes to the catch-all last grade */
	struct eval_grade_rule h = rule("好:20,较好:30,一般:30,较差", 0);
	eval_calc_grade_group(all, 4, &h, rank, grade);
	assert_int_equal(grade[0], 3);
}

static void test_fail_line(void **state)
{
	(void)state;
	struct eval_grade_rule g = rule("好:30,较好:40,一般:30,较差", 60);
	double t[4] = {90, 80, 59.99, 50};
	int rank[4], grade[4];
	eval_calc_grade_group(t, 4, &g, rank, grade);
	assert_int_equal(grade[0], 0);
	assert_int_equal(grade[1], 1);
	assert_int_equal(grade[2], 3);
	assert_int_equal(grade[3], 3);
}

static void test_rank_groups(void **state)
{
	(void)state;
	struct eval_grade_rule g = rule("好:30,较好:40,一般:30,较差", 0);
	struct eval_calc_item it[] = {
	    {.group = "区县", .id = 1, .total = 80}, {.group = "市直", .id = 2, .total = 70},
	    {.group = "区县", .id = 3, .total = 90}, {.group = "市直", .id = 4, .total = 70},
	    {.group = "区县", .id = 5, .total = 80},
	};
	assert_int_equal(eval_calc_rank(it, 5, &g), XZ_OK);
	assert_int_equal(it[2].rank, 1);
	assert_int_equal(it[2].grade, 0);
	assert_int_equal(it[0].rank, 2);
	assert_int_equal(it[4].rank, 2);
	assert_int_equal(it[0].group_size, 3);
	/* 市直: two tied at 70, cap 好 = 1 → both 较好? cap 较好 = ⌊2×0.7⌋ = 1 → no: 一般 */
	assert_int_equal(it[1].rank, 1);
	assert_int_equal(it[3].rank, 1);
	assert_int_equal(it[1].grade, 2);
	assert_int_equal(it[1].group_size, 2);
}

static void test_parse(void **state)
{
	(void)state;
	struct eval_grade_rule g;
	char msg[200];
	assert_int_equal(eval_calc_parse_grades("好：30，较好：40，一般", 0, &g, msg, sizeof(msg)),
	                 XZ_OK);
	assert_int_equal(g.ngrades, 3);
	assert_string_equal(g.names[1], "较好");
	assert_int_equal(g.shares[1], 40);
	assert_int_equal(eval_calc_parse_grades("好:30%, 较好:40% ,一般", 0, &g, msg, sizeof(msg)),
	                 XZ_OK);
	assert_int_equal(g.shares[0], 30);
	assert_int_equal(eval_calc_parse_grades("好:30", 0, &g, msg, sizeof(msg)),
	                 XZ_ERR_VALIDATION);
	assert_int_equal(eval_calc_parse_grades("好:80,较好:40,一般", 0, &g, msg, sizeof(msg)),
	                 XZ_ERR_VALIDATION);
	assert_non_null(strstr(msg, "120"));
	assert_int_equal(eval_calc_parse_grades("好:x,一般", 0, &g, msg, sizeof(msg)),
	                 XZ_ERR_VALIDATION);
	assert_int_equal(eval_calc_parse_grades("好:10,好", 0, &g, msg, sizeof(msg)),
	                 XZ_ERR_VALIDATION);
	/* empty items between separators are skipped */
	assert_int_equal(eval_calc_parse_grades("好:10,,一般", 0, &g, msg, sizeof(msg)), XZ_OK);
	assert_int_equal(g.ngrades, 2);
	assert_int_equal(eval_calc_parse_grades("好:10,一般", 101, &g, msg, sizeof(msg)),
	                 XZ_ERR_VALIDATION);
	assert_int_equal(eval_calc_parse_grades("", 0, &g, msg, sizeof(msg)), XZ_ERR_VALIDATION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_total),           cmocka_unit_test(test_ranks_ties),
	    cmocka_unit_test(test_quota_rounding),  cmocka_unit_test(test_group_of_one),
	    cmocka_unit_test(test_tie_at_boundary), cmocka_unit_test(test_fail_line),
	    cmocka_unit_test(test_rank_groups),     cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
