/*
 * Personal data through the engine: 身份证号 and mobile are sealed with
 * SM4/HMAC-SM3 in the database, found again by their keyed hash, masked in
 * every read, shown in clear only by the audited reveal; the ID number
 * fills in and checks birth date and gender; roles on a person inherit its
 * data scope. Also the sealing primitives themselves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/crypto.h"
#include "core/valid.h"
#include "engine/engine.h"
#include "testutil.h"

struct fixture {
	struct tmpdb tmp;
	struct store *db;
	int64_t city, jiangyin, yixing;
};

static struct fixture *F;

static const struct actor jiangyin_actor = {
	.user_id = 7, .username = "jy", .role = "operator", .ip = "127.0.0.1",
	.perms = PERM_DATA_READ | PERM_DATA_WRITE, .region_code = "320281",
	.region_prefix = "320281", .city_wide = false,
};

/* A valid 身份证号 for a birth date and sequence. */
static void make_id(const char *region6, const char *birth8, const char *seq3, char out[19])
{
	snprintf(out, 19, "%s%s%s", region6, birth8, seq3);
	out[17] = valid_idcard_check(out);
	out[18] = '\0';
}

static int64_t create(const struct actor *a, const char *entity, json_t *in, enum xz_result want,
                      json_t **details)
{
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, F->db, a);
	enum xz_result r = engine_create(&ctx, model_find(entity), in, &out);
	if (r != want) {
		char *d = json_dumps(ctx.errs.details, 0);
		fprintf(stderr, "create %s: got %d want %d: %s %s\n", entity, r, want, d, ctx.message);
		free(d);
	}
	assert_int_equal(r, want);
	int64_t id = out ? json_integer_value(json_object_get(out, "id")) : 0;
	if (details)
		*details = json_incref(ctx.errs.details);
	json_decref(out);
	json_decref(in);
	engine_ctx_free(&ctx);
	return id;
}

static int64_t region(const char *code, const char *name, const char *level, int64_t parent)
{
	json_t *in = json_pack("{s:s, s:s, s:s}", "code", code, "name", name, "level", level);
	if (parent)
		json_object_set_new(in, "parent_id", json_integer(parent));
	return create(engine_system_actor(), "region", in, XZ_OK, NULL);
}

static int setup(void **state)
{
	(void)state;
	crypto_use_ephemeral_key();
	F = xcalloc(1, sizeof(*F));
	tmpdb_init(&F->tmp);
	assert_int_equal(store_open(F->tmp.path, &F->db), XZ_OK);
	F->city = region("320200", "无锡市", "市", 0);
	F->jiangyin = region("320281", "江阴市", "区县", F->city);
	F->yixing = region("320282", "宜兴市", "区县", F->city);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(F->db);
	tmpdb_remove(&F->tmp);
	free(F);
	return 0;
}

static json_t *person_json(const char *name, const char *id, const char *mobile, int64_t region_id)
{
	return json_pack("{s:s, s:s, s:s, s:I}", "name", name, "idcard", id, "mobile", mobile,
	                 "region_id", (json_int_t)region_id);
}

static void test_seal_roundtrip_and_tamper(void **state)
{
	(void)state;
	char *sealed = crypto_seal("32028119800101001X");
	assert_true(crypto_is_sealed(sealed));
	assert_null(strstr(sealed, "19800101"));
	char *plain = NULL;
	assert_int_equal(crypto_open(sealed, &plain), XZ_OK);
	assert_string_equal(plain, "32028119800101001X");
	free(plain);
	/* the same value seals differently each time (random IV) */
	char *again = crypto_seal("32028119800101001X");
	assert_string_not_equal(sealed, again);
	/* one changed character anywhere fails authentication */
	size_t mid = strlen(sealed) / 2;
	sealed[mid] = sealed[mid] == 'A' ? 'B' : 'A';
	assert_int_equal(crypto_open(sealed, &plain), XZ_ERR_STORE);
	assert_null(plain);
	/* lookup hashes are deterministic and differ per value */
	char h1[65], h2[65], h3[65];
	crypto_lookup_hash("13800001111", h1);
	crypto_lookup_hash("13800001111", h2);
	crypto_lookup_hash("13800001112", h3);
	assert_string_equal(h1, h2);
	assert_string_not_equal(h1, h3);
	free(sealed);
	free(again);
}

static void test_person_sealed_masked_revealed(void **state)
{
	(void)state;
	char id[19];
	make_id("320281", "19850612", "123", id);
	int64_t pid = create(engine_system_actor(), "person",
	                     person_json("王建国", id, "13912345678", F->jiangyin), XZ_OK, NULL);
	/* nothing in clear in the table */
	char *raw = query_text(F->db, "SELECT idcard || '|' || mobile || '|' || idcard_hash FROM person");
	assert_null(strstr(raw, id));
	assert_null(strstr(raw, "13912345678"));
	assert_null(strstr(raw, "19850612"));
	free(raw);
	/* derived from the ID number */
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, F->db, engine_system_actor());
	assert_int_equal(engine_get(&ctx, model_find("person"), pid, &out), XZ_OK);
	assert_string_equal(json_string_value(json_object_get(out, "birth_date")), "1985-06-12");
	assert_string_equal(json_string_value(json_object_get(out, "gender")), "男");
	/* masked in get */
	char want_mask[32];
	snprintf(want_mask, sizeof(want_mask), "320***********%s", id + 14);
	assert_string_equal(json_string_value(json_object_get(out, "idcard")), want_mask);
	assert_string_equal(json_string_value(json_object_get(out, "mobile")), "139****5678");
	json_decref(out);
	/* masked in lists, found by full number */
	struct kv by_id[] = {{"idcard", id}};
	assert_int_equal(engine_list(&ctx, model_find("person"), by_id, 1, &out), XZ_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
	json_t *item = json_array_get(json_object_get(out, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(item, "idcard")), want_mask);
	json_decref(out);
	/* partial numbers are not searchable */
	struct kv partial[] = {{"idcard.like", "320281"}};
	assert_int_equal(engine_list(&ctx, model_find("person"), partial, 1, &out), XZ_ERR_BAD_REQUEST);
	/* reveal gives the clear value and leaves an audit row */
	int64_t before = query_int(F->db, "SELECT count(*) FROM audit_log WHERE action = 'reveal'");
	assert_int_equal(engine_reveal(&ctx, model_find("person"), pid, "idcard", &out), XZ_OK);
	assert_string_equal(json_string_value(json_object_get(out, "value")), id);
	json_decref(out);
	assert_int_equal(query_int(F->db, "SELECT count(*) FROM audit_log WHERE action = 'reveal'"),
	                 before + 1);
	assert_int_equal(engine_reveal(&ctx, model_find("person"), pid, "name", &out),
	                 XZ_ERR_BAD_REQUEST);
	/* the audit trail of the create never holds the number */
	raw = query_text(F->db, "SELECT group_concat(coalesce(detail, ''), '|') FROM audit_log");
	assert_null(strstr(raw, id));
	assert_null(strstr(raw, "13912345678"));
	free(raw);
	engine_ctx_free(&ctx);
}

static void test_person_checks(void **state)
{
	(void)state;
	char id[19], id2[19];
	make_id("320281", "19900228", "222", id); /* even sequence: 女 */
	json_t *details = NULL;
	/* gender and birth date that contradict the number */
	json_t *in = person_json("李娜", id, "13600001111", F->jiangyin);
	json_object_set_new(in, "gender", json_string("男"));
	json_object_set_new(in, "birth_date", json_string("1990-03-01"));
	create(engine_system_actor(), "person", in, XZ_ERR_VALIDATION, &details);
	assert_int_equal(json_array_size(details), 2);
	json_decref(details);
	/* a wrong check digit, a bad mobile */
	strcpy(id2, id);
	id2[17] = id2[17] == '0' ? '1' : '0';
	create(engine_system_actor(), "person", person_json("李娜", id2, "12600001111", F->jiangyin),
	       XZ_ERR_VALIDATION, &details);
	assert_int_equal(json_array_size(details), 2);
	json_decref(details);
	/* duplicates are found through the hash, without echoing the number */
	create(engine_system_actor(), "person", person_json("李娜", id, "13600001111", F->jiangyin),
	       XZ_OK, NULL);
	create(engine_system_actor(), "person", person_json("李娜二", id, "13600001112", F->yixing),
	       XZ_ERR_VALIDATION, &details);
	const char *msg = json_string_value(json_object_get(json_array_get(details, 0), "message"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(details, 0), "code")),
	                    "duplicate");
	assert_null(strstr(msg, id));
	json_decref(details);
}

static void test_roles_follow_person_scope(void **state)
{
	(void)state;
	char a[19], b[19];
	make_id("320281", "19780101", "011", a);
	make_id("320282", "19790101", "013", b);
	int64_t pa = create(engine_system_actor(), "person", person_json("江阴人", a, "13700000001", F->jiangyin), XZ_OK, NULL);
	int64_t pb = create(engine_system_actor(), "person", person_json("宜兴人", b, "13700000002", F->yixing), XZ_OK, NULL);
	create(&jiangyin_actor, "talent",
	       json_pack("{s:I, s:s, s:[s,s]}", "person_id", (json_int_t)pa, "category", "青年人才",
	                 "skills", "数字IC设计", "版图设计"),
	       XZ_OK, NULL);
	/* a district user cannot attach a role to someone outside its region */
	json_t *details = NULL;
	create(&jiangyin_actor, "talent",
	       json_pack("{s:I, s:s}", "person_id", (json_int_t)pb, "category", "青年人才"),
	       XZ_ERR_VALIDATION, &details);
	assert_string_equal(json_string_value(json_object_get(json_array_get(details, 0), "code")),
	                    "out_of_scope");
	json_decref(details);
	create(engine_system_actor(), "talent",
	       json_pack("{s:I, s:s}", "person_id", (json_int_t)pb, "category", "领军人才"), XZ_OK,
	       NULL);
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, F->db, &jiangyin_actor);
	struct kv tag[] = {{"skills", "版图设计"}};
	assert_int_equal(engine_list(&ctx, model_find("talent"), tag, 1, &out), XZ_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
	json_decref(out);
	assert_int_equal(engine_list(&ctx, model_find("talent"), NULL, 0, &out), XZ_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
	json_decref(out);
	engine_ctx_free(&ctx);
}

static void test_need_checks(void **state)
{
	(void)state;
	char uscc[19] = "91320281MA1N00000";
	uscc[17] = valid_uscc_check(uscc);
	uscc[18] = '\0';
	int64_t ent = create(engine_system_actor(), "enterprise",
	                     json_pack("{s:s, s:s, s:I}", "name", "江阴需求企业", "uscc", uscc,
	                               "region_id", (json_int_t)F->jiangyin),
	                     XZ_OK, NULL);
	json_t *details = NULL;
	create(engine_system_actor(), "need",
	       json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:f, s:f, s:s, s:s}", "enterprise_id",
	                 (json_int_t)ent, "post_name", "模拟IC设计工程师", "post_category", "研发设计",
	                 "headcount", 3, "urgency", "紧急", "status", "开放", "salary_min", 40.0,
	                 "salary_max", 25.0, "published", "2026-10-01", "deadline", "2026-09-01"),
	       XZ_ERR_VALIDATION, &details);
	assert_int_equal(json_array_size(details), 2);
	json_decref(details);
	create(engine_system_actor(), "need",
	       json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:[s], s:s}", "enterprise_id",
	                 (json_int_t)ent, "post_name", "模拟IC设计工程师", "post_category", "研发设计",
	                 "headcount", 3, "urgency", "紧急", "status", "开放", "skills", "模拟IC设计",
	                 "experience", "4-6年"),
	       XZ_OK, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seal_roundtrip_and_tamper, setup, teardown),
		cmocka_unit_test_setup_teardown(test_person_sealed_masked_revealed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_person_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles_follow_person_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_need_checks, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
