/*
 * libFuzzer harness for the list query parser (src/engine/query.c,
 * query_parse, behind every list, filter, search and export): the first
 * byte picks an entity, the rest is a query string of key=value pairs
 * separated by '&' (already URL-decoded, as the server hands them over).
 * When the parameters are accepted, the WHERE and ORDER BY text must
 * prepare as SQL with exactly one '?' per bound value, and run; the full
 * engine_list() then runs for the system actor and for the operator bound
 * to 江阴市, who may never see more rows than the system. Rejected
 * parameters must be named in the error details.
 */
#include "fuzz.h"
#include "fuzz_db.h"

#include "core/buf.h"
#include "core/util.h"
#include "engine/query.h"

#define MAX_PARAMS 24

static const char *const entities[] = {
    "enterprise",    "person",          "talent", "need",      "problem", "project", "visit",
    "career",        "cadre",           "region", "audit_log", "segment", "award",   "park",
    "catalog_entry", "service_request",
};
#define NENTITIES (sizeof(entities) / sizeof(entities[0]))

static size_t count_marks(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += *s == '?';
	return n;
}

/* engine_list's total, or -1 when it refused the parameters. */
static int64_t list_total(struct store *db, const struct entity *e, const struct actor *a,
                          const struct kv *kv, size_t n, enum xz_result want)
{
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, db, a);
	enum xz_result r = engine_list(&ctx, e, kv, n, &out);
	if (r != want)
		fprintf(stderr, "engine_list: %s, query_parse said %s\n", result_info(r)->code,
		        result_info(want)->code);
	FUZZ_CHECK(r == want);
	int64_t total = -1;
	if (r == XZ_OK) {
		FUZZ_CHECK(json_is_array(json_object_get(out, "items")));
		total = json_integer_value(json_object_get(out, "total"));
		FUZZ_CHECK(total >= 0);
	}
	json_decref(out);
	engine_ctx_free(&ctx);
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct store *db = fuzz_db();
	const struct entity *e = model_find(entities[data[0] % NENTITIES]);
	FUZZ_CHECK(e != NULL);
	if (!(e->flags & E_READONLY))
		fuzz_seed_id(e->name); /* at least one row to find */
	char *text = fuzz_cstr(data + 1, size - 1);
	struct kv kv[MAX_PARAMS];
	size_t n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(text, "&", &save); tok && n < MAX_PARAMS;
	     tok = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(tok, '=');
		if (eq)
			*eq = '\0';
		kv[n].key = tok;
		kv[n++].value = eq ? eq + 1 : NULL;
	}

	struct list_query q;
	struct model_errors errs = {json_array(), json_array()};
	enum xz_result r = query_parse(db, e, kv, n, &q, &errs);
	if (r == XZ_OK) {
		FUZZ_CHECK(json_array_size(errs.details) == 0);
		FUZZ_CHECK(q.page >= 1 && q.size >= 1);
		FUZZ_CHECK(count_marks(q.where.data) == q.where_params.n);
		struct buf sql = BUF_INIT;
		buf_printf(&sql, "SELECT t.id FROM %s t WHERE 1 = 1%s ORDER BY %s LIMIT ? OFFSET ?",
		           e->table, q.where.data ? q.where.data : "", buf_cstr(&q.order));
		struct store_stmt *st = NULL;
		if (store_prepare(db, buf_cstr(&sql), &st) != XZ_OK)
			fprintf(stderr, "does not prepare: %s\n%s\n", store_errmsg(db),
			        buf_cstr(&sql));
		FUZZ_CHECK(st != NULL);
		params_bind(&q.where_params, st, 1);
		store_bind_int(st, (int)q.where_params.n + 1, q.size);
		store_bind_int(st, (int)q.where_params.n + 2, (q.page - 1) * q.size);
		enum store_step s;
		while ((s = store_step(st)) == STORE_ROW)
			;
		if (s != STORE_DONE)
			fprintf(stderr, "does not run: %s\n%s\n", store_errmsg(db), buf_cstr(&sql));
		FUZZ_CHECK(s == STORE_DONE);
		store_finalize(st);
		buf_free(&sql);
	} else {
		FUZZ_CHECK(r == XZ_ERR_BAD_REQUEST);
		FUZZ_CHECK(json_array_size(errs.details) > 0);
	}
	size_t i;
	json_t *d;
	json_array_foreach(errs.details, i, d)
	{
		const char *m = json_string_value(json_object_get(d, "message"));
		FUZZ_CHECK(m && util_utf8_valid(m, strlen(m)));
	}
	query_free(&q);
	json_decref(errs.details);
	json_decref(errs.warnings);

	int64_t all = list_total(db, e, engine_system_actor(), kv, n, r);
	int64_t mine = list_total(db, e, fuzz_county_actor(), kv, n, r);
	FUZZ_CHECK(mine <= all);
	free(text);
	return 0;
}
