/*
 * Unit tests of the generic engine (src/engine/): the list query builder
 * behind engine_list (filters by enum, reference, comma set, ranges, LIKE,
 * links and null; q text search including Chinese words inside longer text
 * and several terms; sorting; paging and its limits; rejection of unknown
 * parameters and sort keys), its resistance to SQL injection through every
 * parameter (values are rejected or matched literally, and the tables stay
 * intact), data scope (an actor bound to 江阴市 sees and writes only rows
 * under 320281), and the write path: per-field validation details, optimistic
 * versions, reference protection on delete, soft delete, the credit-code
 * checksum warning, uniqueness among live rows, and the hash-chained audit
 * log with field-level changes that audit_verify() checks.
 *
 * Each test gets a fresh temporary database seeded by setup() through
 * engine_create() with the system actor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/audit.h"
#include "core/valid.h"
#include "engine/engine.h"
#include "engine/query.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NENT 8

struct fixture {
	struct tmpdb tmp;
	struct store *db;
	int uscc_seq;
	int64_t r_city, r_jiangyin, r_yixing, r_liangxi, r_chengjiang;
	int64_t c_iot, c_ic, c_ne, c_ai;
	int64_t ch_ic, s_design, s_fab;
	int64_t e[NENT];
};

static struct fixture *F; /* the current test's fixture */

/* An operator bound to 江阴市 (320281) and everything below it. */
static const struct actor jiangyin = {
	.user_id = 42,
	.username = "jiangyin_op",
	.role = "operator",
	.ip = "10.0.0.7",
	.perms = PERM_DATA_READ | PERM_DATA_WRITE,
	.region_code = "320281",
	.region_prefix = "320281",
	.city_wide = false,
};

static const char *const evil_strings[] = {
	"' OR 1=1 --",
	"x'); DROP TABLE enterprise; --",
	"%",
	"_",
	"\\",
	"\" OR \"\"=\"",
	"1; DELETE FROM enterprise",
	"1 OR 1=1",
	"*/ OR /*",
	"';--",
	"%' OR '%'='",
	"1) UNION SELECT id, name FROM user --",
	"\\' OR 1=1 --",
};
#define NEVIL (sizeof(evil_strings) / sizeof(evil_strings[0]))

/* ---- engine call wrappers ---- */

struct outcome {
	enum xz_result r;
	json_t *out;      /* the result on success */
	json_t *details;  /* ctx.errs.details */
	json_t *warnings; /* ctx.errs.warnings */
};

static struct outcome finish(struct engine_ctx *ctx, enum xz_result r, json_t *out)
{
	struct outcome o = { r, out, json_incref(ctx->errs.details),
		             json_incref(ctx->errs.warnings) };
	engine_ctx_free(ctx);
	return o;
}

static void outcome_free(struct outcome *o)
{
	json_decref(o->out);
	json_decref(o->details);
	json_decref(o->warnings);
	memset(o, 0, sizeof(*o));
}

static const struct entity *entity(const char *name)
{
	const struct entity *e = model_find(name);
	assert_non_null(e);
	return e;
}

/* Takes ownership of in. */
static struct outcome do_create(const struct actor *a, bool confirm, const char *name, json_t *in)
{
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, F->db, a);
	ctx.confirm_warnings = confirm;
	enum xz_result r = engine_create(&ctx, entity(name), in, &out);
	json_decref(in);
	return finish(&ctx, r, out);
}

/* Takes ownership of patch. */
static struct outcome do_update(const struct actor *a, const char *name, int64_t id, json_t *patch)
{
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, F->db, a);
	enum xz_result r = engine_update(&ctx, entity(name), id, patch, &out);
	json_decref(patch);
	return finish(&ctx, r, out);
}

static struct outcome do_delete(const struct actor *a, const char *name, int64_t id)
{
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, F->db, a);
	enum xz_result r = engine_delete(&ctx, entity(name), id);
	return finish(&ctx, r, NULL);
}

static struct outcome do_get(const struct actor *a, const char *name, int64_t id)
{
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, F->db, a);
	enum xz_result r = engine_get(&ctx, entity(name), id, &out);
	return finish(&ctx, r, out);
}

static struct outcome list_kv(const struct actor *a, const char *name, const struct kv *kv,
                              size_t n)
{
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, F->db, a);
	enum xz_result r = engine_list(&ctx, entity(name), kv, n, &out);
	if (r == XZ_OK) {
		assert_non_null(out);
		assert_true(json_is_array(json_object_get(out, "items")));
	} else {
		assert_null(out);
	}
	return finish(&ctx, r, out);
}

/* Lists with key, value pairs ending in NULL. */
static struct outcome list_as(const struct actor *a, const char *name, ...)
{
	struct kv kv[16];
	size_t n = 0;
	va_list ap;
	va_start(ap, name);
	for (const char *k; (k = va_arg(ap, const char *));) {
		assert_true(n < 16);
		kv[n].key = k;
		kv[n++].value = va_arg(ap, const char *);
	}
	va_end(ap);
	return list_kv(a, name, kv, n);
}

#define LIST(...) list_as(engine_system_actor(), __VA_ARGS__, NULL)

static void dump_failure(const struct outcome *o, const char *what)
{
	char *d = json_dumps(o->details, JSON_COMPACT);
	print_error("%s: result %s, details %s\n", what, result_info(o->r)->code, d ? d : "null");
	free(d);
}

static bool has_detail(json_t *details, const char *field, const char *code)
{
	size_t i;
	json_t *d;
	json_array_foreach(details, i, d)
	{
		const char *f = json_string_value(json_object_get(d, "field"));
		const char *c = json_string_value(json_object_get(d, "code"));
		const char *m = json_string_value(json_object_get(d, "message"));
		if (f && c && m && *m && !strcmp(f, field) && (!code || !strcmp(c, code)))
			return true;
	}
	return false;
}

/* Asserts the outcome failed with r and (when field is set) a detail naming
 * field with code; frees it. */
static void expect_fail(struct outcome o, enum xz_result r, const char *field, const char *code)
{
	if (o.r != r || (field && !has_detail(o.details, field, code))) {
		dump_failure(&o, "unexpected outcome");
		fail_msg("wanted %s with detail %s/%s", result_info(r)->code, field ? field : "-",
		         code ? code : "-");
	}
	outcome_free(&o);
}

static void expect_ok(const struct outcome *o)
{
	if (o->r != XZ_OK) {
		dump_failure(o, "unexpected failure");
		fail();
	}
}

static int64_t create_ok(const char *name, json_t *in)
{
	struct outcome o = do_create(engine_system_actor(), false, name, in);
	expect_ok(&o);
	int64_t id = json_integer_value(json_object_get(o.out, "id"));
	assert_true(id > 0);
	outcome_free(&o);
	return id;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The ids of a list result, in order; returns the count (at most max). */
static size_t item_ids(json_t *out, int64_t *ids, size_t max)
{
	json_t *items = json_object_get(out, "items"), *row;
	size_t i, n = 0;
	json_array_foreach(items, i, row)
	{
		assert_true(n < max);
		ids[n++] = json_integer_value(json_object_get(row, "id"));
	}
	return n;
}

/* Asserts a successful list whose items are exactly the set want (total
 * too, when all fit on the page); frees the outcome. */
static void expect_ids(struct outcome o, const int64_t *want, size_t nwant)
{
	expect_ok(&o);
	int64_t got[256], exp[64];
	size_t n = item_ids(o.out, got, 256);
	assert_true(nwant <= 64);
	if (nwant)
		memcpy(exp, want, nwant * sizeof(*want));
	qsort(got, n, sizeof(*got), cmp_i64);
	qsort(exp, nwant, sizeof(*exp), cmp_i64);
	bool same = n == nwant && !memcmp(got, exp, n * sizeof(*got));
	if (!same) {
		char *s = json_dumps(o.out, JSON_COMPACT);
		print_error("list gave %s\n", s);
		free(s);
		fail_msg("expected %zu ids, got %zu", nwant, n);
	}
	assert_int_equal(json_integer_value(json_object_get(o.out, "total")), (int64_t)nwant);
	outcome_free(&o);
}

#define IDS(...)                                                                                   \
	(const int64_t[]){ __VA_ARGS__ }, sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)
#define NO_IDS NULL, 0

static int64_t enterprise_rows(void)
{
	return query_int(F->db, "SELECT count(*) FROM enterprise");
}

static void expect_tables_intact(void)
{
	assert_true(table_exists(F->db, "enterprise"));
	assert_true(table_exists(F->db, "region"));
	assert_true(table_exists(F->db, "user"));
	assert_int_equal(enterprise_rows(), NENT);
	assert_int_equal(
	    query_int(F->db, "SELECT count(*) FROM enterprise WHERE deleted_at IS NULL"), NENT);
}

/* ---- fixture ---- */

/* A valid credit code, different on every call. */
static void next_uscc(char out[19])
{
	snprintf(out, 19, "91320200MA%07u", (unsigned)++F->uscc_seq % 10000000u);
	out[17] = valid_uscc_check(out);
	out[18] = '\0';
	char msg[128];
	assert_int_equal(valid_uscc(out, msg, sizeof(msg)), VALID_OK);
}

static json_t *enterprise_json(const char *name, int64_t region, double revenue, bool above,
                               const char *products)
{
	char uscc[19];
	next_uscc(uscc);
	return json_pack("{s:s, s:s, s:I, s:f, s:b, s:s}", "name", name, "uscc", uscc, "region_id",
	                 (json_int_t)region, "revenue", revenue, "above_scale", above,
	                 "main_products", products);
}

static int64_t region(const char *code, const char *name, const char *level, int64_t parent)
{
	json_t *in = json_pack("{s:s, s:s, s:s}", "code", code, "name", name, "level", level);
	if (parent)
		json_object_set_new(in, "parent_id", json_integer(parent));
	return create_ok("region", in);
}

static int64_t cluster(const char *name, const char *tier, double target, int order)
{
	return create_ok("cluster", json_pack("{s:s, s:s, s:f, s:i}", "name", name, "tier", tier,
	                                      "target_2025", target, "sort_order", order));
}

static int setup(void **state)
{
	F = xcalloc(1, sizeof(*F));
	tmpdb_init(&F->tmp);
	assert_int_equal(store_open(F->tmp.path, &F->db), XZ_OK);

	F->r_city = region("320200", "无锡市", "市", 0);
	F->r_jiangyin = region("320281", "江阴市", "区县", F->r_city);
	F->r_yixing = region("320282", "宜兴市", "区县", F->r_city);
	F->r_liangxi = region("320213", "梁溪区", "区县", F->r_city);
	F->r_chengjiang = region("320281001", "澄江街道", "乡镇", F->r_jiangyin);

	F->c_iot = cluster("物联网", "地标产业", 5000, 1);
	F->c_ic = cluster("集成电路", "地标产业", 2000, 2);
	F->c_ne = cluster("新能源", "优势产业", 2000, 9);
	F->c_ai = cluster("人工智能和元宇宙", "未来产业", 0, 11);
	F->ch_ic =
	    create_ok("chain", json_pack("{s:s, s:I, s:s}", "name", "集成电路产业链", "cluster_id",
	                                 (json_int_t)F->c_ic, "chain_leader", "市领导"));
	F->s_design =
	    create_ok("segment", json_pack("{s:I, s:s, s:s}", "chain_id", (json_int_t)F->ch_ic,
	                                   "name", "芯片设计", "stage", "上游"));
	F->s_fab =
	    create_ok("segment", json_pack("{s:I, s:s, s:s, s:b}", "chain_id", (json_int_t)F->ch_ic,
	                                   "name", "晶圆制造", "stage", "中游", "bottleneck", 1));

	json_t *e0 = enterprise_json("江阴长电先进封装有限公司", F->r_jiangyin, 500.5, true,
	                             "集成电路芯片封装测试");
	json_object_set_new(e0, "segment_ids", json_pack("[I]", (json_int_t)F->s_fab));
	F->e[0] = create_ok("enterprise", e0);
	F->e[1] = create_ok("enterprise", enterprise_json("江阴澄星新材料有限公司", F->r_chengjiang,
	                                                  120, false, "电子化学品"));
	F->e[2] = create_ok("enterprise", enterprise_json("宜兴环保科技有限公司", F->r_yixing, 80,
	                                                  true, "水处理设备"));
	json_t *e3 = enterprise_json("无锡华芯半导体科技有限公司", F->r_liangxi, 1000, true,
	                             "车规级芯片设计");
	json_object_set_new(e3, "segment_ids", json_pack("[I]", (json_int_t)F->s_design));
	F->e[3] = create_ok("enterprise", e3);
	F->e[4] = create_ok("enterprise", enterprise_json("百分百%光伏有限公司", F->r_liangxi, 50,
	                                                  false, "光伏组件"));
	F->e[5] = create_ok("enterprise", enterprise_json("下划线_测试科技有限公司", F->r_liangxi,
	                                                  60, false, "工业软件"));
	F->e[6] = create_ok("enterprise", enterprise_json("反斜杠测试有限公司", F->r_yixing, 70,
	                                                  false, "路径C:\\temp处理"));
	F->e[7] = create_ok("enterprise", enterprise_json("x'); DROP TABLE enterprise; --",
	                                                  F->r_liangxi, 10, false, "' OR 1=1 --"));
	*state = F;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(F->db);
	tmpdb_remove(&F->tmp);
	free(F);
	F = NULL;
	return 0;
}

/* ---- literal-match oracle for q ---- */

/* The ids of live enterprises in which every whitespace-separated term of q
 * occurs literally (ASCII case-insensitively, as SQL LIKE does) in one of
 * the searchable fields name, uscc, main_products. */
static size_t q_oracle(const char *q, int64_t *ids, size_t max)
{
	struct store_stmt *st = NULL;
	size_t n = 0;
	assert_int_equal(store_prepare(F->db,
	                               "SELECT id, name, uscc, coalesce(main_products, '') FROM"
	                               " enterprise WHERE deleted_at IS NULL",
	                               &st),
	                 XZ_OK);
	while (store_step(st) == STORE_ROW) {
		char *copy = xstrdup(q), *save = NULL;
		bool all = true;
		for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
			bool any = false;
			for (int c = 1; c <= 3; c++)
				any |= strcasestr(store_column_text(st, c), t) != NULL;
			all &= any;
		}
		free(copy);
		if (all) {
			assert_true(n < max);
			ids[n++] = store_column_int(st, 0);
		}
	}
	store_finalize(st);
	return n;
}

/* ---- filters ---- */

static void test_filter_enum(void **state)
{
	(void)state;
	expect_ids(LIST("cluster", "tier", "地标产业"), IDS(F->c_iot, F->c_ic));
	expect_ids(LIST("cluster", "tier", "未来产业"), IDS(F->c_ai));
	expect_ids(LIST("region", "level", "区县"), IDS(F->r_jiangyin, F->r_yixing, F->r_liangxi));
	expect_ids(LIST("cluster", "tier.ne", "地标产业"), IDS(F->c_ne, F->c_ai));
	expect_fail(LIST("cluster", "tier", "不存在的类别"), XZ_ERR_BAD_REQUEST, "tier",
	            "invalid_filter");
}

static void test_filter_ref(void **state)
{
	(void)state;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)F->r_jiangyin);
	expect_ids(LIST("enterprise", "region_id", id), IDS(F->e[0]));
	snprintf(id, sizeof(id), "%lld", (long long)F->r_liangxi);
	expect_ids(LIST("enterprise", "region_id", id), IDS(F->e[3], F->e[4], F->e[5], F->e[7]));
	snprintf(id, sizeof(id), "%lld", (long long)F->r_city);
	expect_ids(LIST("region", "parent_id", id), IDS(F->r_jiangyin, F->r_yixing, F->r_liangxi));
	expect_ids(LIST("enterprise", "region_id", "999999"), NO_IDS);
	expect_fail(LIST("enterprise", "region_id", "江阴"), XZ_ERR_BAD_REQUEST, "region_id",
	            "invalid_filter");

	/* the reference's label comes with the row */
	struct outcome o = do_get(engine_system_actor(), "enterprise", F->e[0]);
	expect_ok(&o);
	json_t *labels = json_object_get(o.out, "_labels");
	assert_string_equal(json_string_value(json_object_get(labels, "region_id")), "江阴市");
	outcome_free(&o);
}

static void test_filter_comma_set(void **state)
{
	(void)state;
	char set[64];
	snprintf(set, sizeof(set), "%lld,%lld", (long long)F->r_jiangyin,
	         (long long)F->r_chengjiang);
	expect_ids(LIST("enterprise", "region_id", set), IDS(F->e[0], F->e[1]));
	snprintf(set, sizeof(set), "%lld, %lld", (long long)F->r_yixing,
	         (long long)F->r_chengjiang);
	expect_ids(LIST("enterprise", "region_id", set), IDS(F->e[1], F->e[2], F->e[6]));
	expect_ids(LIST("region", "level", "区县,乡镇"),
	           IDS(F->r_jiangyin, F->r_yixing, F->r_liangxi, F->r_chengjiang));
	expect_ids(LIST("cluster", "tier", "优势产业,未来产业"), IDS(F->c_ne, F->c_ai));
	/* one bad member spoils the set */
	expect_fail(LIST("region", "level", "区县,省"), XZ_ERR_BAD_REQUEST, "level",
	            "invalid_filter");
	snprintf(set, sizeof(set), "%lld,x", (long long)F->r_yixing);
	expect_fail(LIST("enterprise", "region_id", set), XZ_ERR_BAD_REQUEST, "region_id",
	            "invalid_filter");
	/* a comma in a text value is not a set */
	expect_ids(LIST("enterprise", "name", "a,b"), NO_IDS);
}

static void test_filter_range(void **state)
{
	(void)state;
	expect_ids(LIST("enterprise", "revenue.gte", "100", "revenue.lte", "600"),
	           IDS(F->e[0], F->e[1]));
	expect_ids(LIST("enterprise", "revenue.gte", "500.5"), IDS(F->e[0], F->e[3]));
	expect_ids(LIST("enterprise", "revenue.lte", "60"), IDS(F->e[4], F->e[5], F->e[7]));
	expect_ids(LIST("enterprise", "revenue.ne", "1000"),
	           IDS(F->e[0], F->e[1], F->e[2], F->e[4], F->e[5], F->e[6], F->e[7]));
	expect_ids(LIST("cluster", "target_2025.gte", "2000", "target_2025.lte", "2000"),
	           IDS(F->c_ic, F->c_ne));
	expect_fail(LIST("enterprise", "revenue.gte", "abc"), XZ_ERR_BAD_REQUEST, "revenue.gte",
	            "invalid_filter");
	expect_fail(LIST("enterprise", "revenue.lte", ""), XZ_ERR_BAD_REQUEST, "revenue.lte",
	            "invalid_filter");
	expect_fail(LIST("enterprise", "revenue.gte", "1e999"), XZ_ERR_BAD_REQUEST, "revenue.gte",
	            "invalid_filter");
	expect_fail(LIST("enterprise", "revenue.gte", "nan"), XZ_ERR_BAD_REQUEST, "revenue.gte",
	            "invalid_filter");
}

static void test_filter_like_bool_null(void **state)
{
	(void)state;
	expect_ids(LIST("enterprise", "name.like", "江阴"), IDS(F->e[0], F->e[1]));
	expect_ids(LIST("enterprise", "name.like", "科技"), IDS(F->e[2], F->e[3], F->e[5]));
	expect_ids(LIST("enterprise", "main_products.like", "芯片"), IDS(F->e[0], F->e[3]));
	expect_ids(LIST("enterprise", "above_scale", "1"), IDS(F->e[0], F->e[2], F->e[3]));
	expect_ids(LIST("enterprise", "above_scale", "是"), IDS(F->e[0], F->e[2], F->e[3]));
	expect_ids(LIST("enterprise", "above_scale", "false"),
	           IDS(F->e[1], F->e[4], F->e[5], F->e[6], F->e[7]));
	expect_fail(LIST("enterprise", "above_scale", "maybe"), XZ_ERR_BAD_REQUEST, "above_scale",
	            "invalid_filter");
	expect_ids(LIST("segment", "bottleneck", "true"), IDS(F->s_fab));
	expect_ids(LIST("region", "parent_id.null", "1"), IDS(F->r_city));
	expect_ids(LIST("region", "parent_id.null", "0"),
	           IDS(F->r_jiangyin, F->r_yixing, F->r_liangxi, F->r_chengjiang));
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)F->e[2]);
	expect_ids(LIST("enterprise", "id", id), IDS(F->e[2]));
	expect_fail(LIST("enterprise", "name.between", "a"), XZ_ERR_BAD_REQUEST, "name.between",
	            "unknown_operator");
}

static void test_filter_link(void **state)
{
	(void)state;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)F->s_design);
	expect_ids(LIST("enterprise", "segment_ids", id), IDS(F->e[3]));
	snprintf(id, sizeof(id), "%lld", (long long)F->s_fab);
	expect_ids(LIST("enterprise", "segment_ids", id), IDS(F->e[0]));
	expect_ids(LIST("enterprise", "segment_ids", "999999"), NO_IDS);
	expect_fail(LIST("enterprise", "segment_ids", "芯片"), XZ_ERR_BAD_REQUEST, "segment_ids",
	            "invalid_integer");

	/* the link comes back as an id array */
	struct outcome o = do_get(engine_system_actor(), "enterprise", F->e[3]);
	expect_ok(&o);
	json_t *segs = json_object_get(o.out, "segment_ids");
	assert_int_equal(json_array_size(segs), 1);
	assert_int_equal(json_integer_value(json_array_get(segs, 0)), F->s_design);
	outcome_free(&o);
}

/* ---- q ---- */

static void test_q_search(void **state)
{
	(void)state;
	/* a two-character word inside a longer text */
	expect_ids(LIST("enterprise", "q", "芯片"), IDS(F->e[0], F->e[3]));
	/* two terms must both match, each in any searchable field */
	expect_ids(LIST("enterprise", "q", "科技 芯片"), IDS(F->e[3]));
	expect_ids(LIST("enterprise", "q", "江阴 封装"), IDS(F->e[0]));
	expect_ids(LIST("enterprise", "q", "半导体\xE3\x80\x80设计"), IDS(F->e[3])); /* U+3000 */
	expect_ids(LIST("enterprise", "q", "  芯片  "), IDS(F->e[0], F->e[3]));
	expect_ids(LIST("enterprise", "q", "芯片 水处理"), NO_IDS);
	/* the credit code is searchable too */
	char *uscc = query_text(F->db, "SELECT uscc FROM enterprise ORDER BY id LIMIT 1 OFFSET 2");
	expect_ids(LIST("enterprise", "q", uscc), IDS(F->e[2]));
	free(uscc);
	/* other entities search their own fields */
	expect_ids(LIST("chain", "q", "市领导"), IDS(F->ch_ic));
	expect_ids(LIST("region", "q", "320281"), IDS(F->r_jiangyin, F->r_chengjiang));
	/* long queries are refused */
	char longq[400] = "";
	for (int i = 0; i < 101; i++)
		strcat(longq, "芯");
	expect_fail(LIST("enterprise", "q", longq), XZ_ERR_BAD_REQUEST, "q", "too_long");
	/* an empty q is no filter */
	struct outcome o = LIST("enterprise", "q", "");
	expect_ok(&o);
	assert_int_equal(json_integer_value(json_object_get(o.out, "total")), NENT);
	outcome_free(&o);
}

/* ---- sort and paging ---- */

static const char *item_str(json_t *out, size_t i, const char *field)
{
	return json_string_value(
	    json_object_get(json_array_get(json_object_get(out, "items"), i), field));
}

static void test_sort(void **state)
{
	(void)state;
	struct outcome o = LIST("enterprise", "sort", "-name", "size", "50");
	expect_ok(&o);
	json_t *items = json_object_get(o.out, "items");
	assert_int_equal(json_array_size(items), NENT);
	for (size_t i = 1; i < json_array_size(items); i++)
		assert_true(strcmp(item_str(o.out, i - 1, "name"), item_str(o.out, i, "name")) >=
		            0);
	outcome_free(&o);

	o = LIST("enterprise", "sort", "+name");
	expect_ok(&o);
	for (size_t i = 1; i < NENT; i++)
		assert_true(strcmp(item_str(o.out, i - 1, "name"), item_str(o.out, i, "name")) <=
		            0);
	outcome_free(&o);

	/* several keys: above_scale first (true first), then name ascending */
	o = LIST("enterprise", "sort", "-above_scale,name");
	expect_ok(&o);
	items = json_object_get(o.out, "items");
	for (size_t i = 1; i < json_array_size(items); i++) {
		json_t *a = json_array_get(items, i - 1), *b = json_array_get(items, i);
		int sa = json_is_true(json_object_get(a, "above_scale"));
		int sb = json_is_true(json_object_get(b, "above_scale"));
		assert_true(sa >= sb);
		if (sa == sb)
			assert_true(strcmp(json_string_value(json_object_get(a, "name")),
			                   json_string_value(json_object_get(b, "name"))) <= 0);
	}
	outcome_free(&o);

	/* numeric sort and the entity's default sort (-id for enterprise) */
	o = LIST("enterprise", "sort", "revenue");
	expect_ok(&o);
	int64_t ids[NENT];
	assert_int_equal(item_ids(o.out, ids, NENT), NENT);
	const int64_t by_revenue[NENT] = { F->e[7], F->e[4], F->e[5], F->e[6],
		                           F->e[2], F->e[1], F->e[0], F->e[3] };
	assert_memory_equal(ids, by_revenue, sizeof(ids));
	outcome_free(&o);
	o = LIST("enterprise", "size", "50");
	expect_ok(&o);
	assert_int_equal(item_ids(o.out, ids, NENT), NENT);
	for (size_t i = 0; i < NENT; i++)
		assert_int_equal(ids[i], F->e[NENT - 1 - i]);
	outcome_free(&o);

	o = LIST("cluster", "sort", "tier,-sort_order");
	expect_ok(&o);
	assert_int_equal(item_ids(o.out, ids, NENT), 4);
	assert_int_equal(ids[0], F->c_ne); /* 优 U+4F18 < 地 U+5730 < 未 U+672A */
	assert_int_equal(ids[1], F->c_ic); /* 地标产业: sort_order 2 before 1 */
	assert_int_equal(ids[2], F->c_iot);
	assert_int_equal(ids[3], F->c_ai);
	outcome_free(&o);

	expect_fail(LIST("enterprise", "sort", "nosuch"), XZ_ERR_BAD_REQUEST, "sort",
	            "invalid_sort");
	expect_fail(LIST("enterprise", "sort", "name,-nosuch"), XZ_ERR_BAD_REQUEST, "sort",
	            "invalid_sort");
	expect_fail(LIST("enterprise", "sort", "segment_ids"), XZ_ERR_BAD_REQUEST, "sort",
	            "invalid_sort");
	expect_fail(LIST("enterprise", "sort", "-"), XZ_ERR_BAD_REQUEST, "sort", "invalid_sort");
}

static void test_paging(void **state)
{
	(void)state;
	int64_t seen[NENT], ids[NENT];
	size_t nseen = 0;
	for (int page = 1; page <= 3; page++) {
		char p[8];
		snprintf(p, sizeof(p), "%d", page);
		struct outcome o = LIST("enterprise", "page", p, "size", "3", "sort", "id");
		expect_ok(&o);
		assert_int_equal(json_integer_value(json_object_get(o.out, "total")), NENT);
		assert_int_equal(json_integer_value(json_object_get(o.out, "page")), page);
		assert_int_equal(json_integer_value(json_object_get(o.out, "size")), 3);
		size_t n = item_ids(o.out, ids, NENT);
		assert_int_equal(n, page < 3 ? 3 : 2);
		memcpy(seen + nseen, ids, n * sizeof(*ids));
		nseen += n;
		outcome_free(&o);
	}
	/* the pages together are every row once, in order */
	assert_int_equal(nseen, NENT);
	for (size_t i = 0; i < NENT; i++)
		assert_int_equal(seen[i], F->e[i]);

	struct outcome o = LIST("enterprise", "page", "4", "size", "3");
	expect_ok(&o);
	assert_int_equal(json_array_size(json_object_get(o.out, "items")), 0);
	assert_int_equal(json_integer_value(json_object_get(o.out, "total")), NENT);
	outcome_free(&o);

	o = LIST("enterprise", NULL);
	expect_ok(&o);
	assert_int_equal(json_integer_value(json_object_get(o.out, "page")), 1);
	assert_int_equal(json_integer_value(json_object_get(o.out, "size")), 20);
	outcome_free(&o);

	o = LIST("enterprise", "size", "500");
	expect_ok(&o);
	assert_int_equal(json_integer_value(json_object_get(o.out, "size")), 200);
	assert_int_equal(json_array_size(json_object_get(o.out, "items")), NENT);
	outcome_free(&o);

	expect_fail(LIST("enterprise", "size", "0"), XZ_ERR_BAD_REQUEST, "size", "invalid_size");
	expect_fail(LIST("enterprise", "size", "-5"), XZ_ERR_BAD_REQUEST, "size", "invalid_size");
	expect_fail(LIST("enterprise", "size", "ten"), XZ_ERR_BAD_REQUEST, "size", "invalid_size");
	expect_fail(LIST("enterprise", "size", ""), XZ_ERR_BAD_REQUEST, "size", "invalid_size");
	expect_fail(LIST("enterprise", "page", "0"), XZ_ERR_BAD_REQUEST, "page", "invalid_page");
	expect_fail(LIST("enterprise", "page", "-1"), XZ_ERR_BAD_REQUEST, "page", "invalid_page");
	expect_fail(LIST("enterprise", "page", "2.5"), XZ_ERR_BAD_REQUEST, "page", "invalid_page");
	expect_fail(LIST("enterprise", "page", "99999999999999999999"), XZ_ERR_BAD_REQUEST, "page",
	            "invalid_page");
}

static void test_unknown_parameter(void **state)
{
	(void)state;
	expect_fail(LIST("enterprise", "colour", "red"), XZ_ERR_BAD_REQUEST, "colour",
	            "unknown_parameter");
	struct outcome o = LIST("enterprise", "colour", "red");
	char *s = json_dumps(o.details, 0);
	assert_non_null(strstr(s, "colour")); /* the message names it too */
	free(s);
	outcome_free(&o);
	/* every bad parameter is reported, not just the first */
	o = LIST("enterprise", "colour", "red", "size", "0", "sort", "nosuch");
	assert_int_equal(o.r, XZ_ERR_BAD_REQUEST);
	assert_true(has_detail(o.details, "colour", "unknown_parameter"));
	assert_true(has_detail(o.details, "size", "invalid_size"));
	assert_true(has_detail(o.details, "sort", "invalid_sort"));
	outcome_free(&o);
	/* names are matched exactly */
	expect_fail(LIST("enterprise", "Name", "x"), XZ_ERR_BAD_REQUEST, "Name",
	            "unknown_parameter");
	expect_fail(LIST("enterprise", "name ", "x"), XZ_ERR_BAD_REQUEST, "name ",
	            "unknown_parameter");
	/* underscore-prefixed parameters are client markers and ignored */
	o = LIST("enterprise", "_t", "12345");
	expect_ok(&o);
	assert_int_equal(json_integer_value(json_object_get(o.out, "total")), NENT);
	outcome_free(&o);
}

/* ---- injection ---- */

static void test_injection_q(void **state)
{
	(void)state;
	/* q='%' finds only rows holding a literal % */
	expect_ids(LIST("enterprise", "q", "%"), IDS(F->e[4]));
	expect_ids(LIST("enterprise", "q", "_"), IDS(F->e[5]));
	expect_ids(LIST("enterprise", "q", "\\"), IDS(F->e[6]));
	expect_ids(LIST("enterprise", "q", "' OR 1=1 --"), IDS(F->e[7]));
	expect_ids(LIST("enterprise", "q", "DROP TABLE"), IDS(F->e[7]));
	for (size_t i = 0; i < NEVIL; i++) {
		int64_t want[NENT];
		size_t n = q_oracle(evil_strings[i], want, NENT);
		expect_ids(LIST("enterprise", "q", evil_strings[i]), want, n);
		expect_tables_intact();
	}
}

/* Filters that take text compare literally; the others reject the value. */
static void test_injection_filter_values(void **state)
{
	(void)state;
	static const char *const rejecting[] = {
		"region_id",     "park_id",     "revenue.gte",  "revenue.lte",
		"employees",     "above_scale", "id",           "segment_ids",
		"established",   "uscc",        "region_id.ne", "established.gte",
		"employees.lte",
	};
	for (size_t i = 0; i < NEVIL; i++) {
		const char *v = evil_strings[i];
		for (size_t k = 0; k < sizeof(rejecting) / sizeof(*rejecting); k++) {
			struct outcome o = LIST("enterprise", rejecting[k], v);
			if (o.r != XZ_ERR_BAD_REQUEST ||
			    !has_detail(o.details, rejecting[k], NULL)) {
				dump_failure(&o, rejecting[k]);
				fail_msg("filter %s=%s was not rejected", rejecting[k], v);
			}
			outcome_free(&o);
		}
		/* text equality: only a row whose name is exactly v */
		int64_t id = 0;
		const char *params[] = { v };
		assert_int_equal(store_query_int(F->db, "SELECT id FROM enterprise WHERE name = ?",
		                                 &id, 1, params),
		                 XZ_OK);
		if (id)
			expect_ids(LIST("enterprise", "name", v), IDS(id));
		else
			expect_ids(LIST("enterprise", "name", v), NO_IDS);
		/* LIKE: rows whose name contains v literally */
		int64_t want[NENT];
		size_t n = 0;
		for (size_t e = 0; e < NENT; e++) {
			char *name = NULL;
			struct outcome g = do_get(engine_system_actor(), "enterprise", F->e[e]);
			expect_ok(&g);
			name = xstrdup(json_string_value(json_object_get(g.out, "name")));
			outcome_free(&g);
			if (strcasestr(name, v))
				want[n++] = F->e[e];
			free(name);
		}
		expect_ids(LIST("enterprise", "name.like", v), want, n);
		/* not-equal keeps everything but the exact match */
		struct outcome o = LIST("enterprise", "name.ne", v);
		expect_ok(&o);
		assert_int_equal(json_integer_value(json_object_get(o.out, "total")),
		                 NENT - (id != 0));
		outcome_free(&o);
		/* enums reject anything not in their list */
		expect_fail(LIST("region", "level", v), XZ_ERR_BAD_REQUEST, "level",
		            "invalid_filter");
		/* .null only ever reads the value as a flag */
		expect_ids(LIST("enterprise", "name.null", v), NO_IDS);
		expect_tables_intact();
	}
	/* the stored injection text reads back unchanged */
	struct outcome g = do_get(engine_system_actor(), "enterprise", F->e[7]);
	expect_ok(&g);
	assert_string_equal(json_string_value(json_object_get(g.out, "name")),
	                    "x'); DROP TABLE enterprise; --");
	assert_string_equal(json_string_value(json_object_get(g.out, "main_products")),
	                    "' OR 1=1 --");
	outcome_free(&g);
}

static void test_injection_sort_page_size_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < NEVIL; i++) {
		const char *v = evil_strings[i];
		expect_fail(LIST("enterprise", "sort", v), XZ_ERR_BAD_REQUEST, "sort",
		            "invalid_sort");
		char spec[128];
		snprintf(spec, sizeof(spec), "name,%s", v);
		expect_fail(LIST("enterprise", "sort", spec), XZ_ERR_BAD_REQUEST, "sort",
		            "invalid_sort");
		snprintf(spec, sizeof(spec), "-name %s", v);
		expect_fail(LIST("enterprise", "sort", spec), XZ_ERR_BAD_REQUEST, "sort",
		            "invalid_sort");
		expect_fail(LIST("enterprise", "page", v), XZ_ERR_BAD_REQUEST, "page",
		            "invalid_page");
		expect_fail(LIST("enterprise", "size", v), XZ_ERR_BAD_REQUEST, "size",
		            "invalid_size");
		/* as a parameter name, and as an operator after a real field */
		char key[128];
		snprintf(key, sizeof(key), "%s", v);
		struct outcome o = LIST("enterprise", key, "1");
		if (v[0] == '_') {
			expect_ok(&o); /* ignored marker */
			assert_int_equal(json_integer_value(json_object_get(o.out, "total")), NENT);
		} else {
			assert_int_equal(o.r, XZ_ERR_BAD_REQUEST);
			assert_true(has_detail(o.details, key, NULL));
		}
		outcome_free(&o);
		snprintf(key, sizeof(key), "name.%s", v);
		expect_fail(LIST("enterprise", key, "1"), XZ_ERR_BAD_REQUEST, key, NULL);
		snprintf(key, sizeof(key), "name%s.like", v);
		expect_fail(LIST("enterprise", key, "1"), XZ_ERR_BAD_REQUEST, key, NULL);
		snprintf(key, sizeof(key), "segment_ids%s", v);
		expect_fail(LIST("enterprise", key, "1"), XZ_ERR_BAD_REQUEST, key, NULL);
		expect_tables_intact();
	}
	/* an over-long name */
	char key[300];
	memset(key, 'a', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	expect_fail(LIST("enterprise", key, "1"), XZ_ERR_BAD_REQUEST, key, "unknown_parameter");
	expect_tables_intact();
}

/* Writes store hostile text as data. */
static void test_injection_writes(void **state)
{
	(void)state;
	for (size_t i = 0; i < NEVIL; i++) {
		const char *v = evil_strings[i];
		char name[128];
		snprintf(name, sizeof(name), "%s 有限公司", v);
		struct outcome o = do_create(engine_system_actor(), false, "enterprise",
		                             enterprise_json(name, F->r_yixing, 1, false, v));
		expect_ok(&o);
		int64_t id = json_integer_value(json_object_get(o.out, "id"));
		assert_string_equal(json_string_value(json_object_get(o.out, "name")), name);
		assert_string_equal(json_string_value(json_object_get(o.out, "main_products")), v);
		outcome_free(&o);
		o = do_update(engine_system_actor(), "enterprise", id,
		              json_pack("{s:i, s:s}", "version", 1, "address", v));
		expect_ok(&o);
		assert_string_equal(json_string_value(json_object_get(o.out, "address")), v);
		outcome_free(&o);
		assert_true(table_exists(F->db, "enterprise"));
		assert_int_equal(
		    query_int1(F->db, "SELECT count(*) FROM enterprise WHERE name = ?", name), 1);
	}
	assert_int_equal(enterprise_rows(), NENT + NEVIL);
	/* an unknown field name in a write is refused, never used as a column */
	expect_fail(do_create(engine_system_actor(), false, "enterprise",
	                      json_pack("{s:s, s:s}", "name", "x", "uscc) VALUES (1); --", "y")),
	            XZ_ERR_VALIDATION, "uscc) VALUES (1); --", "unknown_field");
}

/* ---- data scope ---- */

static void test_scope_reads(void **state)
{
	(void)state;
	expect_ids(list_as(&jiangyin, "enterprise", NULL), IDS(F->e[0], F->e[1]));
	expect_ids(list_as(&jiangyin, "enterprise", "q", "芯片", NULL), IDS(F->e[0]));
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)F->r_yixing);
	expect_ids(list_as(&jiangyin, "enterprise", "region_id", id, NULL), NO_IDS);
	expect_ids(list_as(&jiangyin, "region", NULL), IDS(F->r_jiangyin, F->r_chengjiang));
	/* unscoped reference data is visible to everyone */
	expect_ids(list_as(&jiangyin, "cluster", "tier", "地标产业", NULL), IDS(F->c_iot, F->c_ic));

	struct outcome o = do_get(&jiangyin, "enterprise", F->e[1]);
	expect_ok(&o);
	outcome_free(&o);
	for (size_t i = 2; i < NENT; i++)
		expect_fail(do_get(&jiangyin, "enterprise", F->e[i]), XZ_ERR_NOT_FOUND, NULL, NULL);
	expect_fail(do_get(&jiangyin, "region", F->r_yixing), XZ_ERR_NOT_FOUND, NULL, NULL);

	/* a prefix actor (the city) sees everything under 3202 */
	struct actor city = jiangyin;
	city.region_code = "320200";
	city.region_prefix = "3202";
	city.city_wide = true;
	o = list_as(&city, "enterprise", NULL);
	expect_ok(&o);
	assert_int_equal(json_integer_value(json_object_get(o.out, "total")), NENT);
	outcome_free(&o);
}

static void test_scope_writes(void **state)
{
	(void)state;
	expect_fail(do_update(&jiangyin, "enterprise", F->e[3],
	                      json_pack("{s:i, s:s}", "version", 1, "name", "改名")),
	            XZ_ERR_NOT_FOUND, NULL, NULL);
	expect_fail(do_delete(&jiangyin, "enterprise", F->e[3]), XZ_ERR_NOT_FOUND, NULL, NULL);
	struct outcome o = do_get(engine_system_actor(), "enterprise", F->e[3]);
	expect_ok(&o);
	assert_string_equal(json_string_value(json_object_get(o.out, "name")),
	                    "无锡华芯半导体科技有限公司");
	outcome_free(&o);

	/* creating in another region is out of scope */
	expect_fail(do_create(&jiangyin, false, "enterprise",
	                      enterprise_json("越界企业", F->r_yixing, 1, false, "x")),
	            XZ_ERR_VALIDATION, "region_id", "out_of_scope");
	assert_int_equal(enterprise_rows(), NENT);
	/* in its own town it works */
	o = do_create(&jiangyin, false, "enterprise",
	              enterprise_json("澄江新企业", F->r_chengjiang, 1, false, "x"));
	expect_ok(&o);
	int64_t mine = json_integer_value(json_object_get(o.out, "id"));
	outcome_free(&o);
	/* and it cannot move its row out of its region */
	expect_fail(
	    do_update(&jiangyin, "enterprise", mine,
	              json_pack("{s:i, s:I}", "version", 1, "region_id", (json_int_t)F->r_liangxi)),
	    XZ_ERR_VALIDATION, "region_id", "out_of_scope");
	o = do_get(engine_system_actor(), "enterprise", mine);
	expect_ok(&o);
	assert_int_equal(json_integer_value(json_object_get(o.out, "region_id")), F->r_chengjiang);
	outcome_free(&o);
	/* its own rows it may change and delete */
	o = do_update(&jiangyin, "enterprise", mine,
	              json_pack("{s:i, s:I}", "version", 1, "employees", (json_int_t)30));
	expect_ok(&o);
	outcome_free(&o);
	o = do_delete(&jiangyin, "enterprise", mine);
	expect_ok(&o);
	outcome_free(&o);
	/* city-wide reference data is not writable by a county user */
	expect_fail(do_create(&jiangyin, false, "cluster",
	                      json_pack("{s:s, s:s}", "name", "县级集群", "tier", "未来产业")),
	            XZ_ERR_FORBIDDEN, NULL, NULL);
	expect_fail(do_delete(&jiangyin, "cluster", F->c_ai), XZ_ERR_FORBIDDEN, NULL, NULL);
	/* regions are scoped by their own code: a town of its own county only */
	char parent[24];
	snprintf(parent, sizeof(parent), "%lld", (long long)F->r_jiangyin);
	expect_fail(do_create(&jiangyin, false, "region",
	                      json_pack("{s:s, s:s, s:s, s:I}", "code", "320282100", "name",
	                                "邻县的镇", "level", "乡镇", "parent_id",
	                                (json_int_t)F->r_jiangyin)),
	            XZ_ERR_VALIDATION, "code", "out_of_scope");
	o = do_create(&jiangyin, false, "region",
	              json_pack("{s:s, s:s, s:s, s:I}", "code", "320281100", "name", "华士镇",
	                        "level", "乡镇", "parent_id", (json_int_t)F->r_jiangyin));
	expect_ok(&o);
	int64_t town = json_integer_value(json_object_get(o.out, "id"));
	outcome_free(&o);
	expect_ids(list_as(&jiangyin, "region", "parent_id", parent, NULL),
	           IDS(F->r_chengjiang, town));
}

static void test_region_prefix(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "320200", "3202" },         { "320000", "32" },
		{ "320281", "320281" },       { "320213", "320213" },
		{ "320281001", "320281001" }, { "320281000", "320281" },
		{ "320281100", "320281100" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[16];
		engine_region_prefix(cases[i][0], out);
		assert_string_equal(out, cases[i][1]);
	}
}

/* ---- writes ---- */

static void test_create_invalid_fields(void **state)
{
	(void)state;
	json_t *in =
	    json_pack("{s:s, s:s, s:I, s:i, s:s, s:s, s:s, s:s}", "name", "  ", "uscc", "123",
	              "region_id", (json_int_t)999999, "employees", -5, "established", "2020-02-30",
	              "above_scale", "maybe", "colour", "red", "revenue", "很多");
	struct outcome o = do_create(engine_system_actor(), false, "enterprise", in);
	assert_int_equal(o.r, XZ_ERR_VALIDATION);
	static const char *const want[][2] = {
		{ "name", "required" },
		{ "uscc", "invalid_uscc" },
		{ "region_id", "invalid_reference" },
		{ "employees", "out_of_range" },
		{ "established", "invalid_date" },
		{ "above_scale", "invalid_bool" },
		{ "colour", "unknown_field" },
		{ "revenue", "invalid_number" },
	};
	size_t n = sizeof(want) / sizeof(want[0]);
	for (size_t i = 0; i < n; i++) {
		if (!has_detail(o.details, want[i][0], want[i][1])) {
			dump_failure(&o, "create");
			fail_msg("no detail %s/%s", want[i][0], want[i][1]);
		}
	}
	assert_int_equal(json_array_size(o.details), n); /* one per bad field */
	outcome_free(&o);

	/* a missing required field is named even when absent */
	o = do_create(engine_system_actor(), false, "enterprise",
	              json_pack("{s:s}", "name", "只有名称"));
	assert_int_equal(o.r, XZ_ERR_VALIDATION);
	assert_true(has_detail(o.details, "uscc", "required"));
	assert_true(has_detail(o.details, "region_id", "required"));
	assert_int_equal(json_array_size(o.details), 2);
	outcome_free(&o);

	/* a domain hook: founded in the future */
	json_t *fut = enterprise_json("未来企业", F->r_yixing, 1, false, "x");
	json_object_set_new(fut, "established", json_string("2199-01-01"));
	expect_fail(do_create(engine_system_actor(), false, "enterprise", fut), XZ_ERR_VALIDATION,
	            "established", "future_date");
	/* wrong JSON types */
	expect_fail(
	    do_create(engine_system_actor(), false, "enterprise", json_pack("{s:i}", "name", 5)),
	    XZ_ERR_VALIDATION, "name", "invalid_type");
	expect_fail(do_create(engine_system_actor(), false, "enterprise", json_array()),
	            XZ_ERR_BAD_REQUEST, NULL, NULL);
	/* text over its limit */
	char longname[400] = "";
	for (int i = 0; i < 101; i++)
		strcat(longname, "长");
	json_t *lj = enterprise_json(longname, F->r_yixing, 1, false, "x");
	expect_fail(do_create(engine_system_actor(), false, "enterprise", lj), XZ_ERR_VALIDATION,
	            "name", "too_long");
	assert_int_equal(enterprise_rows(), NENT); /* nothing half-written */
}

static void test_update_versions(void **state)
{
	(void)state;
	struct outcome o = do_get(engine_system_actor(), "enterprise", F->e[2]);
	expect_ok(&o);
	json_int_t v = json_integer_value(json_object_get(o.out, "version"));
	outcome_free(&o);

	o = do_update(engine_system_actor(), "enterprise", F->e[2],
	              json_pack("{s:I, s:f}", "version", v, "revenue", 90.0));
	expect_ok(&o);
	assert_int_equal(json_integer_value(json_object_get(o.out, "version")), v + 1);
	assert_true(json_real_value(json_object_get(o.out, "revenue")) == 90.0);
	outcome_free(&o);

	/* the same stale version again */
	expect_fail(do_update(engine_system_actor(), "enterprise", F->e[2],
	                      json_pack("{s:I, s:f}", "version", v, "revenue", 95.0)),
	            XZ_ERR_CONFLICT, NULL, NULL);
	expect_fail(do_update(engine_system_actor(), "enterprise", F->e[2],
	                      json_pack("{s:f}", "revenue", 95.0)),
	            XZ_ERR_VALIDATION, "version", "required");
	expect_fail(do_update(engine_system_actor(), "enterprise", F->e[2],
	                      json_pack("{s:s, s:f}", "version", "2", "revenue", 95.0)),
	            XZ_ERR_VALIDATION, "version", "required");
	expect_fail(do_update(engine_system_actor(), "enterprise", 999999,
	                      json_pack("{s:i}", "version", 1)),
	            XZ_ERR_NOT_FOUND, NULL, NULL);
	/* a required field cannot be cleared */
	expect_fail(do_update(engine_system_actor(), "enterprise", F->e[2],
	                      json_pack("{s:I, s:n}", "version", v + 1, "name")),
	            XZ_ERR_VALIDATION, "name", "required");
	o = do_get(engine_system_actor(), "enterprise", F->e[2]);
	expect_ok(&o);
	assert_true(json_real_value(json_object_get(o.out, "revenue")) == 90.0);
	assert_int_equal(json_integer_value(json_object_get(o.out, "version")), v + 1);
	outcome_free(&o);
}

static void test_delete_referenced(void **state)
{
	(void)state;
	expect_fail(do_delete(engine_system_actor(), "cluster", F->c_ic), XZ_ERR_REFERENCED,
	            "chain", "referenced");
	expect_fail(do_delete(engine_system_actor(), "segment", F->s_design), XZ_ERR_REFERENCED,
	            "enterprise", "referenced");
	struct outcome o = do_delete(engine_system_actor(), "region", F->r_jiangyin);
	assert_int_equal(o.r, XZ_ERR_REFERENCED);
	assert_true(has_detail(o.details, "enterprise", "referenced"));
	assert_true(has_detail(o.details, "region", "referenced")); /* 澄江街道's parent */
	outcome_free(&o);
	o = do_get(engine_system_actor(), "cluster", F->c_ic);
	expect_ok(&o);
	outcome_free(&o);
	/* an unreferenced cluster goes */
	o = do_delete(engine_system_actor(), "cluster", F->c_ai);
	expect_ok(&o);
	outcome_free(&o);
	/* once the only referring enterprise is deleted, the segment may go */
	o = do_delete(engine_system_actor(), "enterprise", F->e[3]);
	expect_ok(&o);
	outcome_free(&o);
	o = do_delete(engine_system_actor(), "segment", F->s_design);
	expect_ok(&o);
	outcome_free(&o);
}

static void test_soft_delete(void **state)
{
	(void)state;
	struct outcome o = do_delete(engine_system_actor(), "enterprise", F->e[5]);
	expect_ok(&o);
	outcome_free(&o);
	expect_ids(LIST("enterprise", "q", "下划线"), NO_IDS);
	o = LIST("enterprise", NULL);
	expect_ok(&o);
	assert_int_equal(json_integer_value(json_object_get(o.out, "total")), NENT - 1);
	outcome_free(&o);
	expect_fail(do_get(engine_system_actor(), "enterprise", F->e[5]), XZ_ERR_NOT_FOUND, NULL,
	            NULL);
	expect_fail(do_delete(engine_system_actor(), "enterprise", F->e[5]), XZ_ERR_NOT_FOUND, NULL,
	            NULL);
	expect_fail(do_update(engine_system_actor(), "enterprise", F->e[5],
	                      json_pack("{s:i}", "version", 2)),
	            XZ_ERR_NOT_FOUND, NULL, NULL);
	/* the row stays, marked */
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)F->e[5]);
	assert_int_equal(
	    query_int1(F->db,
	               "SELECT count(*) FROM enterprise WHERE id = ?"
	               " AND deleted_at IS NOT NULL AND name = '下划线_测试科技有限公司'",
	               id),
	    1);
	assert_int_equal(enterprise_rows(), NENT);
	/* its credit code is free for a new live row */
	char *uscc = query_text(F->db, "SELECT uscc FROM enterprise WHERE deleted_at IS NOT NULL");
	json_t *in = enterprise_json("继任企业", F->r_liangxi, 1, false, "x");
	json_object_set_new(in, "uscc", json_string(uscc));
	free(uscc);
	o = do_create(engine_system_actor(), false, "enterprise", in);
	expect_ok(&o);
	outcome_free(&o);
}

static void test_uscc_checksum_warning(void **state)
{
	(void)state;
	char bad[19];
	next_uscc(bad);
	bad[17] = bad[17] == 'A' ? 'B' : 'A';
	json_t *in = enterprise_json("试点地区老代码企业", F->r_yixing, 1, false, "x");
	json_object_set_new(in, "uscc", json_string(bad));

	struct outcome o =
	    do_create(engine_system_actor(), false, "enterprise", json_deep_copy(in));
	assert_int_equal(o.r, XZ_ERR_VALIDATION);
	assert_true(has_detail(o.details, "uscc", "uscc_checksum"));
	outcome_free(&o);
	assert_int_equal(enterprise_rows(), NENT);

	o = do_create(engine_system_actor(), true, "enterprise", in);
	expect_ok(&o);
	assert_string_equal(json_string_value(json_object_get(o.out, "uscc")), bad);
	assert_true(has_detail(o.warnings, "uscc", "uscc_checksum"));
	int64_t id = json_integer_value(json_object_get(o.out, "id"));
	outcome_free(&o);
	assert_int_equal(enterprise_rows(), NENT + 1);
	/* the accepted warning is on the audit record */
	char sql[160];
	snprintf(sql, sizeof(sql),
	         "SELECT detail FROM audit_log WHERE action = 'create' AND entity = 'enterprise'"
	         " AND entity_id = %lld",
	         (long long)id);
	char *detail = query_text(F->db, sql);
	assert_non_null(detail);
	assert_non_null(strstr(detail, "uscc_checksum"));
	free(detail);

	/* a malformed code is an error that no confirmation overrides */
	json_t *worse = enterprise_json("坏代码企业", F->r_yixing, 1, false, "x");
	json_object_set_new(worse, "uscc", json_string("91320200MA1MXXXXIO"));
	expect_fail(do_create(engine_system_actor(), true, "enterprise", worse), XZ_ERR_VALIDATION,
	            "uscc", "invalid_uscc");
	/* lowercase input is stored uppercase */
	char good[19];
	next_uscc(good);
	for (char *p = good; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	json_t *lower = enterprise_json("小写代码企业", F->r_yixing, 1, false, "x");
	json_object_set_new(lower, "uscc", json_string(good));
	o = do_create(engine_system_actor(), false, "enterprise", lower);
	expect_ok(&o);
	assert_non_null(strstr(json_string_value(json_object_get(o.out, "uscc")), "MA"));
	outcome_free(&o);
}

static void test_duplicate(void **state)
{
	(void)state;
	char *uscc = query_text(F->db, "SELECT uscc FROM enterprise ORDER BY id LIMIT 1");
	json_t *in = enterprise_json("重复代码企业", F->r_yixing, 1, false, "x");
	json_object_set_new(in, "uscc", json_string(uscc));
	expect_fail(do_create(engine_system_actor(), false, "enterprise", in), XZ_ERR_VALIDATION,
	            "uscc", "duplicate");
	/* and by update */
	expect_fail(do_update(engine_system_actor(), "enterprise", F->e[1],
	                      json_pack("{s:i, s:s}", "version", 1, "uscc", uscc)),
	            XZ_ERR_VALIDATION, "uscc", "duplicate");
	free(uscc);
	/* an update that keeps its own code is fine */
	struct outcome o = do_update(engine_system_actor(), "enterprise", F->e[0],
	                             json_pack("{s:i, s:s}", "version", 1, "legal_rep", "张三"));
	expect_ok(&o);
	outcome_free(&o);
	expect_fail(do_create(engine_system_actor(), false, "region",
	                      json_pack("{s:s, s:s, s:s}", "code", "320281", "name", "江阴",
	                                "level", "区县")),
	            XZ_ERR_VALIDATION, "code", "duplicate");
	assert_int_equal(enterprise_rows(), NENT);
}

/* The latest audit detail for (action, entity, id), parsed; caller decrefs. */
static json_t *audit_detail(const char *action, const char *ent, int64_t id, const char *result)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "SELECT detail FROM audit_log WHERE action = '%s' AND entity = '%s'"
	         " AND coalesce(entity_id, 0) = %lld AND result = '%s' ORDER BY id DESC LIMIT 1",
	         action, ent, (long long)id, result);
	char *s = query_text(F->db, sql);
	if (!s)
		fail_msg("no audit row %s %s %lld %s", action, ent, (long long)id, result);
	json_t *j = json_loads(s, 0, NULL);
	free(s);
	assert_non_null(j);
	return j;
}

static void test_audit_changes(void **state)
{
	(void)state;
	struct outcome o =
	    do_create(&jiangyin, false, "enterprise",
	              enterprise_json("审计测试企业", F->r_jiangyin, 300, false, "审计"));
	expect_ok(&o);
	int64_t id = json_integer_value(json_object_get(o.out, "id"));
	outcome_free(&o);
	json_t *d = audit_detail("create", "enterprise", id, "ok");
	json_t *ch = json_object_get(d, "changes");
	assert_string_equal(json_string_value(json_object_get(json_object_get(ch, "name"), "new")),
	                    "审计测试企业");
	assert_true(json_is_null(json_object_get(json_object_get(ch, "name"), "old")));
	assert_non_null(json_object_get(ch, "uscc"));
	json_decref(d);
	char sql[200];
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM audit_log WHERE entity_id = %lld AND user_id = 42"
	         " AND username = 'jiangyin_op' AND ip = '10.0.0.7'",
	         (long long)id);
	assert_int_equal(query_int(F->db, sql), 1);

	o = do_update(&jiangyin, "enterprise", id,
	              json_pack("{s:i, s:s, s:f}", "version", 1, "name", "审计测试企业（更名）",
	                        "revenue", 300.0));
	expect_ok(&o);
	outcome_free(&o);
	d = audit_detail("update", "enterprise", id, "ok");
	ch = json_object_get(d, "changes");
	assert_string_equal(json_string_value(json_object_get(json_object_get(ch, "name"), "old")),
	                    "审计测试企业");
	assert_string_equal(json_string_value(json_object_get(json_object_get(ch, "name"), "new")),
	                    "审计测试企业（更名）");
	assert_null(json_object_get(ch, "revenue")); /* unchanged value: not a change */
	assert_int_equal(json_object_size(ch), 1);
	assert_int_equal(json_integer_value(json_object_get(d, "version")), 2);
	json_decref(d);

	o = do_delete(&jiangyin, "enterprise", id);
	expect_ok(&o);
	outcome_free(&o);
	d = audit_detail("delete", "enterprise", id, "ok");
	ch = json_object_get(d, "changes");
	assert_string_equal(json_string_value(json_object_get(json_object_get(ch, "name"), "old")),
	                    "审计测试企业（更名）");
	assert_true(json_is_null(json_object_get(json_object_get(ch, "name"), "new")));
	assert_true(json_is_true(json_object_get(d, "soft")));
	json_decref(d);

	/* refused writes are audited with their result and errors */
	expect_fail(do_create(engine_system_actor(), false, "enterprise",
	                      json_pack("{s:s}", "name", "缺字段")),
	            XZ_ERR_VALIDATION, "uscc", "required");
	d = audit_detail("create", "enterprise", 0, "validation_failed");
	assert_true(json_array_size(json_object_get(d, "errors")) >= 2);
	json_decref(d);
	expect_fail(do_delete(engine_system_actor(), "cluster", F->c_ic), XZ_ERR_REFERENCED, NULL,
	            NULL);
	d = audit_detail("delete", "cluster", F->c_ic, "referenced");
	json_decref(d);
}

static void test_audit_verify(void **state)
{
	(void)state;
	struct outcome o = do_update(engine_system_actor(), "enterprise", F->e[1],
	                             json_pack("{s:i, s:i}", "version", 1, "employees", 88));
	expect_ok(&o);
	outcome_free(&o);
	int64_t bad = -1, rows = -1;
	assert_int_equal(audit_verify(F->db, &bad, &rows), XZ_OK);
	assert_int_equal(bad, 0);
	int64_t total = query_int(F->db, "SELECT count(*) FROM audit_log");
	assert_true(total > NENT);
	assert_int_equal(rows, total);

	/* tamper with one row in the middle */
	int64_t mid = query_int(F->db, "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 5");
	char sql[200];
	snprintf(
	    sql, sizeof(sql),
	    "UPDATE audit_log SET detail = replace(detail, '\"new\"', '\"NEW\"') WHERE id = %lld",
	    (long long)mid);
	assert_int_equal(store_exec(F->db, sql), XZ_OK);
	assert_int_equal(store_changes(F->db), 1);
	assert_int_equal(audit_verify(F->db, &bad, &rows), XZ_OK);
	assert_int_equal(bad, mid);
	assert_int_equal(rows, 6);
}

static void test_audit_verify_deleted_row(void **state)
{
	(void)state;
	int64_t bad = -1, rows = -1;
	int64_t second = query_int(F->db, "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 1");
	int64_t third = query_int(F->db, "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2");
	char sql[120];
	snprintf(sql, sizeof(sql), "DELETE FROM audit_log WHERE id = %lld", (long long)second);
	assert_int_equal(store_exec(F->db, sql), XZ_OK);
	assert_int_equal(audit_verify(F->db, &bad, &rows), XZ_OK);
	assert_int_equal(bad, third);

	/* an empty log verifies trivially */
	assert_int_equal(store_exec(F->db, "DELETE FROM audit_log"), XZ_OK);
	assert_int_equal(audit_verify(F->db, &bad, &rows), XZ_OK);
	assert_int_equal(bad, 0);
	assert_int_equal(rows, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_filter_enum),
		T(test_filter_ref),
		T(test_filter_comma_set),
		T(test_filter_range),
		T(test_filter_like_bool_null),
		T(test_filter_link),
		T(test_q_search),
		T(test_sort),
		T(test_paging),
		T(test_unknown_parameter),
		T(test_injection_q),
		T(test_injection_filter_values),
		T(test_injection_sort_page_size_names),
		T(test_injection_writes),
		T(test_scope_reads),
		T(test_scope_writes),
		cmocka_unit_test(test_region_prefix),
		T(test_create_invalid_fields),
		T(test_update_versions),
		T(test_delete_referenced),
		T(test_soft_delete),
		T(test_uscc_checksum_warning),
		T(test_duplicate),
		T(test_audit_changes),
		T(test_audit_verify),
		T(test_audit_verify_deleted_row),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
