/*
 * Unit tests of the data scope rules in engine/scope.c: the kind names, the
 * default kind's resolution, the SQL each kind appends (text and bound
 * values) for an entity scoped directly, through a path, the region entity
 * itself and unscoped reference data, the region predicate domain code
 * uses, the home region of new rows, and the sorted id set lookup. Pure
 * logic over the descriptors: no database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/query.h"

#include <string.h>

static const char *const two[] = {"320281", "320282000000"};

static struct actor make(enum scope_kind k, const char *region)
{
	struct actor a = {.user_id = 7, .username = "u", .role = "operator", .scope = k};
	a.region_code = region;
	if (k == SCOPE_CUSTOM) {
		a.scope_regions = two;
		a.nscope_regions = 2;
	}
	return a;
}

/* query_scope(e, a) as text, with the bound values joined by '|'. */
static void scope_sql(const char *entity, const struct actor *a, char *sql, size_t n, char *vals,
                      size_t m)
{
	struct buf b = BUF_INIT;
	struct sqlparams p = {0};
	query_scope(model_find(entity), a, &b, &p);
	snprintf(sql, n, "%s", buf_cstr(&b));
	vals[0] = '\0';
	for (size_t i = 0; i < p.n; i++) {
		size_t len = strlen(vals);
		if (p.v[i].type == SV_TEXT)
			snprintf(vals + len, m - len, "%s%s", i ? "|" : "", p.v[i].s);
		else
			snprintf(vals + len, m - len, "%s%lld", i ? "|" : "", (long long)p.v[i].i);
	}
	params_free(&p);
	buf_free(&b);
}

static void test_names(void **state)
{
	(void)state;
	static const char *const names[] = {"", "all", "custom", "region", "region_tree", "own"};
	for (size_t i = 0; i < 6; i++) {
		enum scope_kind k;
		assert_true(engine_scope_parse(names[i], &k));
		assert_int_equal(k, (int)i);
		assert_string_equal(engine_scope_name(k), names[i]);
	}
	enum scope_kind k = SCOPE_ALL;
	assert_false(engine_scope_parse("everything", &k));
	assert_false(engine_scope_parse(NULL, &k));
	assert_false(engine_scope_parse("ALL", &k));
}

static void test_default_resolves(void **state)
{
	(void)state;
	struct actor a = make(SCOPE_DEFAULT, NULL);
	assert_int_equal(engine_scope_effective(&a), SCOPE_ALL);
	a.region_code = "320281";
	assert_int_equal(engine_scope_effective(&a), SCOPE_REGION_TREE);
	/* an actor made before the kinds, with only a prefix */
	struct actor old = {.region_prefix = "320205"};
	assert_int_equal(engine_scope_effective(&old), SCOPE_REGION_TREE);
	assert_true(query_scope_region_visible(&old, "320205001"));
	assert_false(query_scope_region_visible(&old, "320206"));
}

static void test_sql_per_kind(void **state)
{
	(void)state;
	char sql[1024], vals[256];
	struct actor a = make(SCOPE_ALL, "320281");
	scope_sql("enterprise", &a, sql, sizeof(sql), vals, sizeof(vals));
	assert_string_equal(sql, "");

	a = make(SCOPE_REGION_TREE, "320281");
	scope_sql("enterprise", &a, sql, sizeof(sql), vals, sizeof(vals));
	assert_string_equal(
	    sql, " AND t.region_id IN (SELECT id FROM region WHERE code LIKE ? ESCAPE '\\')");
	assert_string_equal(vals, "320281%");

	a = make(SCOPE_REGION, "320281");
	scope_sql("talent", &a, sql, sizeof(sql), vals, sizeof(vals));
	assert_string_equal(sql, " AND t.person_id IN (SELECT id FROM person WHERE region_id IN "
	                         "(SELECT id FROM region WHERE code = ?))");
	assert_string_equal(vals, "320281");

	a = make(SCOPE_CUSTOM, NULL);
	scope_sql("region", &a, sql, sizeof(sql), vals, sizeof(vals));
	assert_string_equal(sql, " AND (t.code LIKE ? ESCAPE '\\' OR t.code LIKE ? ESCAPE '\\')");
	assert_string_equal(vals, "320281%|320282%");

	a = make(SCOPE_OWN, NULL);
	scope_sql("need", &a, sql, sizeof(sql), vals, sizeof(vals));
	assert_string_equal(sql, " AND t.created_by = ?");
	assert_string_equal(vals, "7");
	/* a descriptor showing the creator's name keeps the id beside it */
	scope_sql("staffing_plan", &a, sql, sizeof(sql), vals, sizeof(vals));
	assert_string_equal(sql, " AND t.created_by_id = ?");
	/* regions are nobody's records: readable under own */
	scope_sql("region", &a, sql, sizeof(sql), vals, sizeof(vals));
	assert_string_equal(sql, "");

	/* reference data is never filtered */
	for (int k = SCOPE_DEFAULT; k <= SCOPE_OWN; k++) {
		a = make((enum scope_kind)k, "320281");
		scope_sql("cluster", &a, sql, sizeof(sql), vals, sizeof(vals));
		assert_string_equal(sql, "");
		assert_false(query_scope_restricted(&a, model_find("skill")));
	}
}

static void test_fail_closed(void **state)
{
	(void)state;
	char sql[512], vals[64];
	struct actor a = make(SCOPE_REGION, NULL);
	scope_sql("enterprise", &a, sql, sizeof(sql), vals, sizeof(vals));
	assert_non_null(strstr(sql, "1=0"));
	assert_false(query_scope_region_visible(&a, "320281"));
	a = make(SCOPE_REGION_TREE, NULL);
	scope_sql("enterprise", &a, sql, sizeof(sql), vals, sizeof(vals));
	assert_non_null(strstr(sql, "1=0"));
	a = make(SCOPE_CUSTOM, NULL);
	a.nscope_regions = 0;
	scope_sql("person", &a, sql, sizeof(sql), vals, sizeof(vals));
	assert_non_null(strstr(sql, "1=0"));
	assert_false(query_scope_region_visible(&a, "320281"));
}

static void test_region_visible(void **state)
{
	(void)state;
	struct actor a = make(SCOPE_REGION, "320281");
	assert_true(query_scope_region_visible(&a, "320281"));
	assert_false(query_scope_region_visible(&a, "320281001"));
	a = make(SCOPE_REGION_TREE, "320281");
	assert_true(query_scope_region_visible(&a, "320281001"));
	assert_false(query_scope_region_visible(&a, "320282"));
	a = make(SCOPE_REGION_TREE, "320200"); /* the city: its prefix is 3202 */
	assert_true(query_scope_region_visible(&a, "320214"));
	a = make(SCOPE_CUSTOM, NULL);
	assert_true(query_scope_region_visible(&a, "320281"));
	assert_true(query_scope_region_visible(&a, "320282000000"));
	assert_false(query_scope_region_visible(&a, "320214"));
	assert_false(query_scope_region_visible(&a, NULL));
	a = make(SCOPE_OWN, "320281");
	assert_true(query_scope_region_visible(&a, "320214")); /* own is not a region rule */

	struct buf b = BUF_INIT;
	struct sqlparams p = {0};
	a = make(SCOPE_ALL, NULL);
	query_scope_region_sql(&a, "r.code", &b, &p);
	assert_string_equal(buf_cstr(&b), "1=1");
	assert_int_equal(p.n, 0);
	buf_free(&b);
	b = (struct buf)BUF_INIT;
	a = make(SCOPE_REGION, "320281");
	query_scope_region_sql(&a, "r.code", &b, &p);
	assert_string_equal(buf_cstr(&b), "r.code = ?");
	assert_int_equal(p.n, 1);
	params_free(&p);
	buf_free(&b);
}

static void test_home_region(void **state)
{
	(void)state;
	struct actor a = make(SCOPE_REGION_TREE, "320281");
	assert_string_equal(query_scope_home_region(&a), "320281");
	a = make(SCOPE_CUSTOM, NULL);
	assert_string_equal(query_scope_home_region(&a), "320281");
	a = make(SCOPE_CUSTOM, "320214"); /* its own region is not among the custom ones */
	assert_string_equal(query_scope_home_region(&a), "320281");
	a = make(SCOPE_ALL, NULL);
	assert_null(query_scope_home_region(&a));
}

static void test_ids_has(void **state)
{
	(void)state;
	const int64_t ids[] = {2, 5, 9, 40};
	assert_true(query_scope_ids_has(ids, 4, 2));
	assert_true(query_scope_ids_has(ids, 4, 40));
	assert_false(query_scope_ids_has(ids, 4, 3));
	assert_false(query_scope_ids_has(ids, 0, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),          cmocka_unit_test(test_default_resolves),
	    cmocka_unit_test(test_sql_per_kind),   cmocka_unit_test(test_fail_closed),
	    cmocka_unit_test(test_region_visible), cmocka_unit_test(test_home_region),
	    cmocka_unit_test(test_ids_has),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
