/*
 * libFuzzer harness for spreadsheet import through the engine
 * (src/engine/transfer.c engine_import, behind `xinzhi import` and the
 * import upload): the first byte picks an entity (low four bits), a real
 * import rather than a dry run (0x10) and the operator bound to 江阴市
 * rather than the system actor (0x20); the rest is the uploaded file,
 * opened as TABLE_AUTO. What the README promises is checked: any bad row
 * and nothing is written (nor is anything by a dry run), one audit row
 * records each attempt (plus one per row a committed import updated), no
 * transaction is left open, a success accounts for every row, and the error
 * workbook of the bad rows is a readable xlsx with one row per bad row
 * under its header.
 */
#include "fuzz.h"
#include "fuzz_db.h"
#include "fuzz_table.h"

#include "engine/transfer.h"

static const char *const entities[] = {
    "enterprise", "person",    "talent",       "need",           "problem", "park",
    "project",    "visit",     "career",       "cadre",          "award",   "region",
    "segment",    "tempering", "party_member", "training_class",
};
#define NENTITIES (sizeof(entities) / sizeof(entities[0]))

static unsigned writes; /* rows imported since the database was made */

static void check_messages(json_t *arr)
{
	size_t i;
	json_t *d;
	json_array_foreach(arr, i, d)
	{
		const char *m = json_string_value(json_object_get(d, "message"));
		if (!m)
			m = json_string_value(json_object_get(d, "reason"));
		FUZZ_CHECK(!m || util_utf8_valid(m, strlen(m)));
	}
}

static int64_t audit_rows(struct store *db)
{
	int64_t n = 0;
	FUZZ_CHECK(store_query_int(db, "SELECT count(*) FROM audit_log", &n, 0, NULL) == XZ_OK);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct store *db = fuzz_db();
	const struct entity *e = model_find(entities[(data[0] & 0x0F) % NENTITIES]);
	FUZZ_CHECK(e != NULL);
	bool dry = !(data[0] & 0x10);
	const struct actor *a = (data[0] & 0x20) ? fuzz_county_actor() : engine_system_actor();
	fuzz_seed_id(e->name); /* what its references name exists */

	char msg[256];
	struct table_reader *r = NULL;
	if (table_open_mem(data + 1, size - 1, TABLE_AUTO, NULL, &r, msg, sizeof(msg)) != XZ_OK)
		return 0;
	char *before = fuzz_db_fingerprint(db, NULL, false);
	int64_t audits = audit_rows(db);
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, db, a);
	struct import_report rep;
	enum xz_result rc = engine_import(&ctx, e, r, "fuzz.csv", dry, &rep, NULL, NULL);
	table_close(r);
	if (getenv("FUZZ_VERBOSE")) /* for writing seeds: what the input reached */
		fprintf(stderr, "import %s %s: %s rows %lld +%lld ~%lld =%lld errors %zu %s\n",
		        e->name, dry ? "dry" : "real", result_info(rc)->code, (long long)rep.rows,
		        (long long)rep.inserted, (long long)rep.updated, (long long)rep.unchanged,
		        json_array_size(rep.errors), ctx.message);
	FUZZ_CHECK(!store_in_tx(db));
	FUZZ_CHECK(!ctx.bulk);
	/* one row for the attempt, and (engine.h: bulk mode leaves updates as they are)
	 * one per row a committed import updated */
	int64_t want = audits + 1 + (rc == XZ_OK && !dry ? rep.updated : 0);
	if (audit_rows(db) != want)
		fprintf(stderr, "audit rows %lld before, %lld after, %lld updated\n",
		        (long long)audits, (long long)audit_rows(db), (long long)rep.updated);
	FUZZ_CHECK(audit_rows(db) == want);
	FUZZ_CHECK(util_utf8_valid(ctx.message, strlen(ctx.message)));
	check_messages(rep.errors);
	check_messages(rep.warnings);
	check_messages(rep.bad_rows);
	if (rc == XZ_ERR_STORE || rc == XZ_ERR_INTERNAL || rc == XZ_ERR_BUSY) {
		fprintf(stderr, "import gave %s: %s\n", result_info(rc)->code, ctx.message);
		FUZZ_CHECK(!"a file gave a server error");
	}
	char *after = fuzz_db_fingerprint(db, NULL, false);
	if (rc != XZ_OK || dry) {
		if (strcmp(before, after))
			fprintf(stderr, "import (%s, %s) wrote:\n%s\n---\n%s\n",
			        dry ? "dry" : "real", result_info(rc)->code, before, after);
		FUZZ_CHECK(!strcmp(before, after));
	}
	if (rc == XZ_OK) {
		FUZZ_CHECK(json_array_size(rep.errors) == 0 && json_array_size(rep.bad_rows) == 0);
		FUZZ_CHECK(rep.rows == rep.inserted + rep.updated + rep.unchanged);
		if (!dry)
			writes += (unsigned)(rep.inserted + rep.updated);
	}
	json_t *j = import_report_json(&rep);
	FUZZ_CHECK(j != NULL);
	json_decref(j);

	size_t nbad = json_array_size(rep.bad_rows);
	if (nbad) {
		char *book = NULL;
		size_t len = 0;
		FUZZ_CHECK(import_error_workbook(&rep, &book, &len) == XZ_OK);
		struct fuzz_table_sum sum =
		    fuzz_read_table((const uint8_t *)book, len, TABLE_XLSX, NULL, 256);
		if (sum.rc != XZ_OK) {
			char m[256];
			struct table_reader *t = NULL;
			if (table_open_mem(book, len, TABLE_XLSX, NULL, &t, m, sizeof(m)) == XZ_OK) {
				struct table_row row;
				while (table_next(t, &row, m, sizeof(m)) == XZ_OK && row.cells)
					;
			}
			table_close(t);
			fprintf(stderr, "error workbook unreadable: %s\n", m);
		}
		FUZZ_CHECK(sum.rc == XZ_OK);
		FUZZ_CHECK(sum.rows == nbad + 1);
		free(book);
	}
	import_report_free(&rep);
	engine_ctx_free(&ctx);
	free(before);
	free(after);
	if (writes >= 500) {
		fuzz_db_reset();
		writes = 0;
	}
	return 0;
}
