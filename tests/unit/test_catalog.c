/*
 * The talent-shortage catalog (src/domain/catalog.c) on a small hand-made
 * city whose numbers can be worked out on paper: demand weighted by urgency
 * and age, supply through skill synonyms and children with the education
 * and experience bars, the five-dimension index, stars and grades; the same
 * data compiled twice gives identical entries; a published catalog is
 * frozen; and a diff finds new, gone, up and down posts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/catalog.h"
#include "testutil.h"

#include <math.h>

static struct tmpdb tmp;
static struct store *db;

/* Rows are written with SQL rather than through the engine: the catalog
 * reads the tables, and this keeps the fixture readable. */
static const char fixture_sql[] =
	"INSERT INTO region (id, code, name, level) VALUES (1, '320200', '无锡市', '市'),"
	" (2, '320281', '江阴市', '区县');"
	"INSERT INTO cluster (id, name, tier, sort_order) VALUES (1, '集成电路', '地标产业', 2),"
	" (2, '高端装备', '优势产业', 1);"
	"INSERT INTO chain (id, name, cluster_id) VALUES (1, '芯片设计产业链', 1), (2, '焊接装备产业链', 2);"
	"INSERT INTO segment (id, chain_id, name, stage) VALUES (1, 1, '数字芯片', '上游'),"
	" (2, 2, '焊接', '中游');"
	"INSERT INTO enterprise (id, name, uscc, region_id) VALUES (1, '甲公司', 'X', 1);"
	"INSERT INTO skill (id, name, parent_id, synonyms) VALUES (1, '芯片设计', NULL, '[\"IC设计\"]'),"
	" (2, '数字IC设计', 1, NULL), (3, '模拟IC设计', 1, NULL), (4, '焊接', NULL, NULL);"
	"INSERT INTO person (id, name, idcard, idcard_hash, region_id, education) VALUES"
	" (1, 'a', 'x', 'h1', 1, '博士研究生'), (2, 'b', 'x', 'h2', 1, '硕士研究生'),"
	" (3, 'c', 'x', 'h3', 1, '大学本科'), (4, 'd', 'x', 'h4', 1, '硕士研究生'),"
	" (5, 'e', 'x', 'h5', 1, '硕士研究生'), (6, 'f', 'x', 'h6', 1, '大学专科'),"
	" (7, 'g', 'x', 'h7', 1, '中专及以下');"
	/* chain 1: a child skill and a synonym qualify; too little education or
	 * experience, or having left the city, does not */
	"INSERT INTO talent (person_id, category, skills, chain_id, experience_years, status) VALUES"
	" (1, '青年人才', '[\"数字IC设计\"]', 1, 10, '在锡'),"
	" (2, '青年人才', '[\"IC设计\"]', 1, 5, '在锡'),"
	" (3, '青年人才', '[\"芯片设计\"]', 1, 8, '在锡'),"
	" (4, '青年人才', '[\"芯片设计\"]', 1, 2, '在锡'),"
	" (5, '青年人才', '[\"芯片设计\"]', 1, 6, '已离锡'),"
	" (6, '高技能人才', '[\"焊接\"]', 2, 3, '在锡'),"
	" (7, '高技能人才', '[\"焊接\"]', 2, 3, '在锡');"
	"INSERT INTO need (id, enterprise_id, segment_id, post_name, post_category, headcount,"
	" education, skills, experience, certificate, salary_min, salary_max, urgency, status,"
	" published) VALUES"
	" (1, 1, 1, '数字IC设计工程师', '研发设计', 4, '硕士研究生', '[\"芯片设计\"]', '4-6年', NULL,"
	"  20, 40, '紧急', '开放', '2026-12-31'),"
	" (2, 1, 1, ' 数字IC设计 工程师', '研发设计', 2, '硕士研究生', '[\"芯片设计\"]', '4-6年', NULL,"
	"  20, 40, '一般', '开放', '2026-07-04'),"
	" (3, 1, 2, '焊工', '技术技能', 10, '大学专科', '[\"焊接\"]', '1-3年', '焊工证',"
	"  6, 10, '较急', '开放', '2026-12-31'),"
	" (4, 1, 1, '数字IC设计工程师', '研发设计', 50, '博士研究生', '[\"芯片设计\"]', '10年及以上',"
	"  NULL, 90, 99, '紧急', '已满足', '2026-12-31'),"
	" (5, 1, 2, '普工', '生产制造', 1, '不限', '[]', '不限', NULL, NULL, NULL, '一般', '开放',"
	"  '2025-12-31');";

static int setup(void **state)
{
	(void)state;
	tmpdb_init(&tmp);
	assert_int_equal(store_open(tmp.path, &db), XZ_OK);
	assert_int_equal(store_exec(db, fixture_sql), XZ_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(db);
	tmpdb_remove(&tmp);
	return 0;
}

static int64_t compile(int year)
{
	struct engine_ctx ctx;
	int64_t id = 0;
	engine_ctx_init(&ctx, db, engine_system_actor());
	assert_int_equal(catalog_compile(&ctx, year, &id), XZ_OK);
	engine_ctx_free(&ctx);
	assert_true(id > 0);
	return id;
}

struct entry {
	char post[64], grade[32], education[32], experience[32];
	double demand, index;
	int64_t count, supply, stars, chain;
};

static struct entry entry_at(int64_t catalog, int sort)
{
	struct store_stmt *st = NULL;
	struct entry e = {0};
	assert_int_equal(store_prepare(db,
	                               "SELECT post_name, grade, typical_education, typical_experience,"
	                               " demand, shortage_index, demand_count, supply, stars, chain_id"
	                               " FROM catalog_entry WHERE catalog_id = ? AND sort_order = ?",
	                               &st),
	                 XZ_OK);
	store_bind_int(st, 1, catalog);
	store_bind_int(st, 2, sort);
	assert_int_equal(store_step(st), STORE_ROW);
	snprintf(e.post, sizeof(e.post), "%s", store_column_text(st, 0));
	snprintf(e.grade, sizeof(e.grade), "%s", store_column_text(st, 1));
	snprintf(e.education, sizeof(e.education), "%s", store_column_text(st, 2));
	snprintf(e.experience, sizeof(e.experience), "%s", store_column_text(st, 3));
	e.demand = store_column_double(st, 4);
	e.index = store_column_double(st, 5);
	e.count = store_column_int(st, 6);
	e.supply = store_column_int(st, 7);
	e.stars = store_column_int(st, 8);
	e.chain = store_column_int(st, 9);
	store_finalize(st);
	return e;
}

/* Worked by hand (reference date 2026-12-31, city median of midpoints 30):
 *  焊工: demand 10×1.3 = 13, supply 1 (the 中专 welder lacks 大学专科), gap 12/13,
 *   edu 1/4, exp 1/10, breadth (1 skill + certificate)/5, pay 8/60 → 0.4884, 3★, 紧缺.
 *  普工: demand 1×0.5^(365/180), supply 2, gap 0, pay neutral 0.5 → 0.1, 1★, 一般紧缺.
 *  数字IC设计工程师 (two spellings, one post): demand 4×1.6 + 2×1.0×0.5 = 7.4,
 *   supply 2 (child skill, synonym), gap 5.4/7.4, edu 3/4, exp 4/10, breadth 1/5,
 *   pay 30/60 → 0.5844, 3★, 非常紧缺.
 * Order: cluster sort_order (高端装备 first), chain, index descending. */
static void test_index_stars_grade(void **state)
{
	(void)state;
	int64_t id = compile(2026);
	assert_int_equal(query_int(db, "SELECT entry_count FROM catalog ORDER BY id DESC LIMIT 1"), 3);
	assert_int_equal(query_int(db, "SELECT count(*) FROM catalog_entry WHERE catalog_id ="
	                                " (SELECT max(id) FROM catalog)"),
	                 3);

	struct entry w = entry_at(id, 1);
	assert_string_equal(w.post, "焊工");
	assert_int_equal(w.chain, 2);
	assert_true(fabs(w.demand - 13.0) < 1e-9);
	assert_int_equal(w.count, 10);
	assert_int_equal(w.supply, 1);
	double want = 0.4 * 12.0 / 13 + 0.15 * 0.25 + 0.15 * 0.1 + 0.1 * 0.4 + 0.2 * 8.0 / 60;
	assert_true(fabs(w.index - round(want * 10000) / 10000) < 1e-9);
	assert_int_equal(w.stars, 3);
	assert_string_equal(w.grade, "紧缺");
	assert_string_equal(w.education, "大学专科");
	assert_string_equal(w.experience, "1-3年");

	struct entry p = entry_at(id, 2);
	assert_string_equal(p.post, "普工");
	assert_int_equal(p.supply, 2);
	assert_true(fabs(p.demand - round(pow(0.5, 365.0 / 180) * 1000) / 1000) < 1e-9);
	assert_true(fabs(p.index - 0.1) < 1e-9);
	assert_int_equal(p.stars, 1);
	assert_string_equal(p.grade, "一般紧缺");

	struct entry ic = entry_at(id, 3);
	assert_string_equal(ic.post, "数字IC设计工程师");
	assert_true(fabs(ic.demand - 7.4) < 1e-9);
	assert_int_equal(ic.count, 6);
	assert_int_equal(ic.supply, 2);
	want = 0.4 * 5.4 / 7.4 + 0.15 * 0.75 + 0.15 * 0.4 + 0.1 * 0.2 + 0.2 * 0.5;
	assert_true(fabs(ic.index - round(want * 10000) / 10000) < 1e-9);
	assert_int_equal(ic.stars, 3);
	assert_string_equal(ic.grade, "非常紧缺");

	char *method = query_text(db, "SELECT method FROM catalog ORDER BY id DESC LIMIT 1");
	assert_non_null(strstr(method, "\"version\":\"v1\""));
	assert_non_null(strstr(method, "\"reference_date\":\"2026-12-31\""));
	free(method);
}

static char *entries_text(int64_t id)
{
	char sql[1024];
	snprintf(sql, sizeof(sql),
	         "SELECT group_concat(row, '|') FROM (SELECT quote(cluster_id) || ',' ||"
	         " quote(chain_id) || ',' || quote(post_name) || ',' || quote(demand) || ',' ||"
	         " quote(demand_count) || ',' || quote(supply) || ',' || quote(shortage_index) || ',' ||"
	         " quote(stars) || ',' || quote(grade) || ',' || quote(typical_education) || ',' ||"
	         " quote(typical_experience) || ',' || quote(typical_skills) || ',' ||"
	         " quote(salary_min) || ',' || quote(salary_max) || ',' || quote(sort_order) AS row FROM catalog_entry WHERE catalog_id = %lld ORDER BY sort_order)",
	         (long long)id);
	return query_text(db, sql);
}

static void test_deterministic(void **state)
{
	(void)state;
	int64_t a = compile(2026), b = compile(2026);
	assert_true(b > a);
	char *x = entries_text(a), *y = entries_text(b);
	assert_non_null(x);
	assert_string_equal(x, y);
	free(x);
	free(y);
}

static void test_publish_freezes(void **state)
{
	(void)state;
	int64_t id = compile(2026);
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, db, engine_system_actor());
	assert_int_equal(catalog_publish(&ctx, id), XZ_OK);
	assert_int_equal(catalog_publish(&ctx, id), XZ_ERR_CONFLICT);
	assert_int_equal(catalog_publish(&ctx, 999999), XZ_ERR_NOT_FOUND);
	engine_ctx_free(&ctx);
	char *before = entries_text(id);
	assert_int_equal(store_exec(db, "UPDATE need SET headcount = 9 WHERE id = 3"), XZ_OK);
	int64_t next = compile(2026);
	char *status = query_text(db, "SELECT status FROM catalog ORDER BY id DESC LIMIT 1");
	assert_string_equal(status, "草稿");
	free(status);
	char *after = entries_text(id), *fresh = entries_text(next);
	assert_string_equal(before, after);
	assert_string_not_equal(before, fresh);
	free(before);
	free(after);
	free(fresh);
	assert_int_equal(store_exec(db, "UPDATE need SET headcount = 10 WHERE id = 3"), XZ_OK);

	/* a district user cannot compile the city's catalog */
	static const struct actor district = {
	    .user_id = 5, .username = "jy", .role = "operator", .perms = PERM_DATA_READ | PERM_DATA_WRITE,
	    .region_code = "320281", .region_prefix = "320281", .city_wide = false};
	int64_t none = 0;
	engine_ctx_init(&ctx, db, &district);
	assert_int_equal(catalog_compile(&ctx, 2026, &none), XZ_ERR_FORBIDDEN);
	assert_int_equal(catalog_publish(&ctx, next), XZ_ERR_FORBIDDEN);
	engine_ctx_free(&ctx);
}

static json_t *post_names(json_t *list)
{
	json_t *names = json_array();
	size_t k;
	json_t *v;
	json_array_foreach(list, k, v) json_array_append(names, json_object_get(v, "post_name"));
	return names;
}

static void test_diff(void **state)
{
	(void)state;
	int64_t a = compile(2026);
	/* 焊工 closes, a new post opens, the IC post grows, 普工 states a low pay */
	assert_int_equal(
	    store_exec(db,
	               "UPDATE need SET status = '已关闭' WHERE id = 3;"
	               "UPDATE need SET headcount = 8 WHERE id = 1;"
	               "UPDATE need SET salary_min = 2, salary_max = 2 WHERE id = 5;"
	               "INSERT INTO need (enterprise_id, segment_id, post_name, post_category, headcount,"
	               " education, skills, experience, salary_min, salary_max, urgency, status, published)"
	               " VALUES (1, 1, '芯片测试工程师', '研发设计', 2, '大学本科', '[\"模拟IC设计\"]',"
	               " '1-3年', 10, 20, '一般', '开放', '2026-12-31');"),
	    XZ_OK);
	int64_t b = compile(2026);
	struct engine_ctx ctx;
	json_t *d = NULL;
	engine_ctx_init(&ctx, db, engine_system_actor());
	assert_int_equal(catalog_diff(&ctx, a, b, &d), XZ_OK);
	json_t *added = post_names(json_object_get(d, "new")), *gone = post_names(json_object_get(d, "gone")),
	       *up = post_names(json_object_get(d, "up")), *down = post_names(json_object_get(d, "down"));
	char *s = json_dumps(d, 0);
	json_t *want = json_pack("[[s],[s],[s],[s]]", "芯片测试工程师", "焊工", "数字IC设计工程师", "普工");
	json_t *got = json_pack("[o,o,o,o]", added, gone, up, down);
	if (!json_equal(want, got))
		fprintf(stderr, "diff: %s\n", s);
	assert_true(json_equal(want, got));
	assert_true(json_number_value(json_object_get(json_array_get(json_object_get(d, "up"), 0),
	                                              "delta")) > 0);
	assert_int_equal(json_integer_value(json_object_get(d, "unchanged")), 0);
	free(s);
	json_decref(want);
	json_decref(got);
	json_decref(d);
	assert_int_equal(catalog_diff(&ctx, a, 999999, &d), XZ_ERR_NOT_FOUND);
	assert_null(d);

	/* the export carries the title in both formats */
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(catalog_export(&ctx, b, CATALOG_XLSX, &data, &len), XZ_OK);
	assert_true(len > 100 && !memcmp(data, "PK", 2));
	free(data);
	assert_int_equal(catalog_export(&ctx, b, CATALOG_HTML, &data, &len), XZ_OK);
	assert_non_null(strstr(data, "2026年无锡市重点产业紧缺人才需求目录（草稿）"));
	assert_non_null(strstr(data, "芯片测试工程师"));
	free(data);

	/* catalogs are history: they do not stop a chain from being retired,
	 * and still show it afterwards */
	assert_int_equal(store_exec(db, "UPDATE talent SET deleted_at = '2026-01-01' WHERE chain_id = 2;"
	                                "UPDATE segment SET deleted_at = '2026-01-01' WHERE chain_id = 2;"),
	                 XZ_OK);
	assert_int_equal(engine_delete(&ctx, model_find("chain"), 2), XZ_OK);
	assert_int_equal(catalog_export(&ctx, a, CATALOG_HTML, &data, &len), XZ_OK);
	assert_non_null(strstr(data, "焊接装备产业链"));
	free(data);
	int64_t c = compile(2026);
	assert_int_equal(query_int(db, "SELECT count(*) FROM catalog_entry WHERE chain_id = 2 AND"
	                                " catalog_id = (SELECT max(id) FROM catalog)"),
	                 0);
	assert_true(c > b);
	engine_ctx_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_index_stars_grade),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_publish_freezes),
	    cmocka_unit_test(test_diff),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
