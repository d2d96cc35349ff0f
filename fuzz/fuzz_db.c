/*
 * The in-memory database of the engine harnesses (see fuzz_db.h). Seed rows
 * are built from the descriptors rather than written out by hand, so the
 * harnesses follow the model as entities gain required fields: every
 * required field gets a plain valid value (the first enum value, a date, a
 * fresh credit code or 身份证号, the seeded row of the referenced entity).
 */
#include "fuzz_db.h"
#include "fuzz.h"

#include "auth/crypto.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/valid.h"
#include "engine/query.h"

static struct store *db;
static unsigned serial; /* makes unique values unique */

static struct {
	const char *name;
	int64_t id;
} seeds[64];
static size_t nseeds;

static const struct actor county = {
    .user_id = 42,
    .username = "fuzz_county",
    .role = "operator",
    .ip = "127.0.0.1",
    .perms = PERM_DATA_READ | PERM_DATA_WRITE | PERM_PII_REVEAL,
    .region_code = "320281",
    .region_prefix = "320281",
    .city_wide = false,
};

const struct actor *fuzz_county_actor(void)
{
	return &county;
}

static json_t *seed_value(const struct field *f);

/* Adds a value for every field a failed create said is required (a
 * domain hook may require more than the descriptor); false when none. */
static bool add_required(const struct entity *e, json_t *details, json_t *in)
{
	bool added = false;
	size_t i;
	json_t *d;
	json_array_foreach(details, i, d)
	{
		const char *code = json_string_value(json_object_get(d, "code"));
		const char *name = json_string_value(json_object_get(d, "field"));
		const struct field *f = name ? model_field(e, name) : NULL;
		if (f && code && !strcmp(code, "required") && !json_object_get(in, f->name)) {
			json_object_set_new(in, f->name, seed_value(f));
			added = true;
		}
	}
	return added;
}

static int64_t create(const char *name, json_t *in)
{
	const struct entity *e = model_find(name);
	FUZZ_CHECK(e != NULL);
	struct engine_ctx ctx;
	json_t *out = NULL;
	engine_ctx_init(&ctx, db, engine_system_actor());
	ctx.confirm_warnings = true;
	enum xz_result r;
	while ((r = engine_create(&ctx, e, in, &out)) == XZ_ERR_VALIDATION &&
	       add_required(e, ctx.errs.details, in)) {
		engine_ctx_free(&ctx);
		engine_ctx_init(&ctx, db, engine_system_actor());
		ctx.confirm_warnings = true;
	}
	if (r != XZ_OK) {
		char *d = json_dumps(ctx.errs.details, JSON_COMPACT);
		char *j = json_dumps(in, JSON_COMPACT);
		fprintf(stderr, "fuzz seed %s %s: %s %s %s\n", name, j, result_info(r)->code,
		        d ? d : "", ctx.message);
		abort();
	}
	int64_t id = json_integer_value(json_object_get(out, "id"));
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
	int64_t id = create("region", in);
	seeds[nseeds].name = "region"; /* the last one made is the county's own */
	seeds[nseeds++].id = id;
	return id;
}

/* A plain valid value for a required field. */
static json_t *seed_value(const struct field *f)
{
	char s[32];
	switch (f->type) {
	case FT_TEXT:
		snprintf(s, sizeof(s), "种子%u", ++serial);
		return json_string(s);
	case FT_INT:
		return json_integer(f->min < f->max ? (json_int_t)f->min + 1 : 1);
	case FT_DECIMAL:
		return json_real(f->min < f->max ? f->min : 1.0);
	case FT_DATE:
		return json_string("2020-01-01");
	case FT_ENUM:
		return json_string(f->enum_values[0]);
	case FT_REF:
		return json_integer(fuzz_seed_id(f->ref));
	case FT_TAGS:
		return json_pack("[s]", "种子");
	case FT_BOOL:
		return json_false();
	case FT_IDCARD:
		snprintf(s, sizeof(s), "32028119800101%03u", ++serial % 1000);
		s[17] = valid_idcard_check(s);
		s[18] = '\0';
		return json_string(s);
	case FT_USCC:
		snprintf(s, sizeof(s), "91320281MA%07u", ++serial % 10000000u);
		s[17] = valid_uscc_check(s);
		s[18] = '\0';
		return json_string(s);
	case FT_MOBILE:
		return json_string("13800000000");
	case FT_DATETIME:
		break;
	}
	return NULL;
}

int64_t fuzz_seed_id(const char *name)
{
	fuzz_db();
	for (size_t i = nseeds; i-- > 0;)
		if (!strcmp(seeds[i].name, name))
			return seeds[i].id;
	const struct entity *e = model_find(name);
	FUZZ_CHECK(e != NULL && nseeds < sizeof(seeds) / sizeof(seeds[0]));
	json_t *in = json_object();
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if ((f->flags & F_REQUIRED) && !(f->flags & F_READONLY))
			json_object_set_new(in, f->name, seed_value(f));
	}
	int64_t id = create(name, in);
	seeds[nseeds].name = name;
	seeds[nseeds++].id = id;
	return id;
}

struct store *fuzz_db(void)
{
	if (db)
		return db;
	crypto_use_ephemeral_key();
	FUZZ_CHECK(store_open(":memory:", &db) == XZ_OK);
	nseeds = 0;
	int64_t city = region("320200", "无锡市", "市", 0);
	region("320282", "宜兴市", "区县", city);
	int64_t county_id = region("320281", "江阴市", "区县", city);
	region("320281001", "澄江街道", "乡镇", county_id);
	/* rows refer to the county itself, which the county actor sees */
	seeds[nseeds].name = "region";
	seeds[nseeds++].id = county_id;
	return db;
}

void fuzz_db_reset(void)
{
	store_close(db);
	db = NULL;
	nseeds = 0;
}

char *fuzz_db_fingerprint(struct store *d, const char *table, bool audit)
{
	struct store_stmt *st = NULL;
	struct buf sql = BUF_INIT;
	FUZZ_CHECK(store_prepare(d,
	                         "SELECT m.name, EXISTS (SELECT 1 FROM pragma_table_info(m.name)"
	                         " WHERE name = 'version') FROM sqlite_master m"
	                         " WHERE m.type = 'table' ORDER BY m.name",
	                         &st) == XZ_OK);
	buf_puts(&sql, "SELECT ''");
	while (store_step(st) == STORE_ROW) {
		const char *t = store_column_text(st, 0);
		if (!audit && !strcmp(t, "audit_log"))
			continue;
		/* a failed write is audited (crud.c audit_failure): only rows of
		 * successful writes count here; the harness checks the rest */
		buf_printf(&sql, " || '%s:' || (SELECT count(*) || '/' || %s FROM \"%s\"%s) || ' '",
		           t, store_column_int(st, 1) ? "total(version)" : "0", t,
		           strcmp(t, "audit_log") ? "" : " WHERE result = 'ok'");
	}
	store_finalize(st);
	st = NULL;
	FUZZ_CHECK(store_prepare(d, buf_cstr(&sql), &st) == XZ_OK);
	FUZZ_CHECK(store_step(st) == STORE_ROW);
	struct buf fp = BUF_INIT;
	buf_puts(&fp, store_column_text(st, 0));
	store_finalize(st);
	if (!table)
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "SELECT * FROM \"%s\" ORDER BY rowid", table);
	FUZZ_CHECK(store_prepare(d, buf_cstr(&sql), &st) == XZ_OK);
	while (store_step(st) == STORE_ROW) {
		buf_putc(&fp, '\n');
		for (int i = 0; i < store_column_count(st); i++) {
			const char *v = store_column_text(st, i);
			buf_printf(&fp, "%s|", v ? v : "<null>");
		}
	}
	store_finalize(st);
out:
	buf_free(&sql);
	return buf_steal(&fp);
}
