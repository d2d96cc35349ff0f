/*
 * libFuzzer harness for JSON request bodies through the entity engine: the
 * first byte picks an entity (low four bits), create or update (0x10), the
 * system actor or the operator bound to 江阴市 (0x20) and whether warnings
 * are confirmed (0x40); the rest is the body, loaded as the HTTP server
 * loads it (jansson, duplicate keys refused). An update goes to the seeded
 * row and gets that row's current version when the body names none, so
 * the fuzzer reaches validation rather than stopping at the version check.
 * Checked on every call: no transaction is left open; a failure writes
 * nothing anywhere (every table's count and versions, every value of the
 * written table) but at most its own audit row, and returns no row; only client-error codes come
 * back; messages are UTF-8; a row the county operator created is one it can read.
 */
#include "fuzz.h"
#include "fuzz_db.h"

#include "core/mem.h"
#include "core/util.h"
#include "engine/engine.h"

static const char *const entities[] = {
    "enterprise", "person",    "talent",       "need",           "problem", "park",
    "project",    "visit",     "career",       "cadre",          "award",   "region",
    "segment",    "tempering", "party_member", "training_class",
};
#define NENTITIES (sizeof(entities) / sizeof(entities[0]))

/* Successful writes since the database was made; it is remade past a bound
 * so that long runs stay fast and unique values do not run out. */
static unsigned writes;

static void check_details(json_t *arr)
{
	size_t i;
	json_t *d;
	json_array_foreach(arr, i, d)
	{
		const char *m = json_string_value(json_object_get(d, "message"));
		const char *f = json_string_value(json_object_get(d, "field"));
		FUZZ_CHECK(m && util_utf8_valid(m, strlen(m)));
		FUZZ_CHECK(f && util_utf8_valid(f, strlen(f)));
	}
}

static json_int_t current_version(struct store *db, const struct entity *e, int64_t id)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT version FROM \"%s\" WHERE id = %lld", e->table,
	         (long long)id);
	int64_t v = 0;
	FUZZ_CHECK(store_query_int(db, sql, &v, 0, NULL) == XZ_OK);
	return (json_int_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct store *db = fuzz_db();
	const struct entity *e = model_find(entities[(data[0] & 0x0F) % NENTITIES]);
	FUZZ_CHECK(e != NULL);
	bool update = data[0] & 0x10;
	const struct actor *a = (data[0] & 0x20) ? fuzz_county_actor() : engine_system_actor();
	json_error_t jerr;
	json_t *in = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, &jerr);
	if (!in)
		return 0;
	int64_t id = fuzz_seed_id(e->name);
	if (update && json_is_object(in) && !json_object_get(in, "version"))
		json_object_set_new(in, "version", json_integer(current_version(db, e, id)));

	char *before = fuzz_db_fingerprint(db, e->table, true);
	int64_t audits = 0, audits_after = 0;
	FUZZ_CHECK(store_query_int(db, "SELECT count(*) FROM audit_log", &audits, 0, NULL) ==
	           XZ_OK);
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, db, a);
	ctx.confirm_warnings = data[0] & 0x40;
	enum xz_result r =
	    update ? engine_update(&ctx, e, id, in, &out) : engine_create(&ctx, e, in, &out);
	if (getenv("FUZZ_VERBOSE")) { /* for writing seeds: what the input reached */
		char *d = json_dumps(ctx.errs.details, JSON_COMPACT);
		fprintf(stderr, "%s %s: %s %s %s\n", update ? "update" : "create", e->name,
		        result_info(r)->code, d ? d : "", ctx.message);
		free(d);
	}
	FUZZ_CHECK(!store_in_tx(db));
	FUZZ_CHECK(util_utf8_valid(ctx.message, strlen(ctx.message)));
	check_details(ctx.errs.details);
	check_details(ctx.errs.warnings);
	if (r != XZ_OK) {
		if (r != XZ_ERR_BAD_REQUEST && r != XZ_ERR_VALIDATION && r != XZ_ERR_NOT_FOUND &&
		    r != XZ_ERR_CONFLICT && r != XZ_ERR_DUPLICATE && r != XZ_ERR_REFERENCED &&
		    r != XZ_ERR_FORBIDDEN) {
			fprintf(stderr, "unexpected %s: %s\n", result_info(r)->code, ctx.message);
			FUZZ_CHECK(!"client input gave a server error");
		}
		FUZZ_CHECK(out == NULL);
		char *after = fuzz_db_fingerprint(db, e->table, true);
		if (strcmp(before, after))
			fprintf(stderr, "failed %s %s wrote:\n%s\n---\n%s\n",
			        update ? "update" : "create", e->name, before, after);
		FUZZ_CHECK(!strcmp(before, after));
		free(after);
		/* the failure's own audit row, naming the failure */
		FUZZ_CHECK(store_query_int(db, "SELECT count(*) FROM audit_log", &audits_after, 0,
		                           NULL) == XZ_OK);
		FUZZ_CHECK(audits_after == audits || audits_after == audits + 1);
		if (audits_after > audits) {
			int64_t same = 0;
			const char *code[] = {result_info(r)->code};
			FUZZ_CHECK(store_query_int(db,
			                           "SELECT result = ? FROM audit_log"
			                           " ORDER BY id DESC LIMIT 1",
			                           &same, 1, code) == XZ_OK);
			FUZZ_CHECK(same == 1);
		}
	} else {
		FUZZ_CHECK(json_is_object(out));
		int64_t got = json_integer_value(json_object_get(out, "id"));
		FUZZ_CHECK(got > 0 && (!update || got == id));
		/* data scope: what the county operator wrote stays within its reach */
		json_t *row = NULL;
		struct engine_ctx g;
		engine_ctx_init(&g, db, a);
		FUZZ_CHECK(engine_get(&g, e, got, &row) == XZ_OK);
		json_decref(row);
		engine_ctx_free(&g);
		writes++;
	}
	json_decref(out);
	json_decref(in);
	engine_ctx_free(&ctx);
	free(before);
	if (writes >= 500) {
		fuzz_db_reset();
		writes = 0;
	}
	return 0;
}
