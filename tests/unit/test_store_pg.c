/*
 * The PostgreSQL backend: its statement rewriting, the plain-INSERT parser
 * and COPY escaping (no server needed), the PostgreSQL migrations against
 * the SQLite ones, and, when ctest hands it a cluster (XINZHI_TEST_PG_FILE,
 * the apipg fixture), the backend's semantics on a fresh database:
 * savepoints that keep a transaction usable, queued rows and COPY, ids,
 * types, and the dialect fragments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/mem.h"
#include "store/migrate.h"
#include "store/store_impl.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void expect_rewrite(const char *in, const char *out, int n)
{
	int got = -1;
	char *r = store_pg_rewrite(in, &got);
	assert_string_equal(r, out);
	assert_int_equal(got, n);
	free(r);
}

static void test_rewrite(void **state)
{
	(void)state;
	expect_rewrite("SELECT a FROM t WHERE id = ? AND b = ?",
	               "SELECT a FROM t WHERE id = $1 AND b = $2", 2);
	/* literals, quoted names and comments keep their question marks */
	expect_rewrite("SELECT '?', \"a?\" FROM t WHERE x = ? -- why?\n AND y = 'it''s ?'",
	               "SELECT '?', \"a?\" FROM t WHERE x = $1 -- why?\n AND y = 'it''s ?'", 1);
	/* the reserved word user as a table, not as part of other names */
	expect_rewrite("SELECT u.user_id FROM user u JOIN session s ON s.user_id = u.id",
	               "SELECT u.user_id FROM \"user\" u JOIN session s ON s.user_id = u.id", 0);
	expect_rewrite("UPDATE user SET x = 1", "UPDATE \"user\" SET x = 1", 0);
	expect_rewrite("SELECT \"user\" FROM t", "SELECT \"user\" FROM t", 0);
	/* nothing to infer a type from before IS */
	expect_rewrite("WHERE (? IS NULL OR a = ?)", "WHERE (CAST($1 AS TEXT) IS NULL OR a = $2)",
	               2);
}

static void test_plain_insert(void **state)
{
	(void)state;
	char *t = NULL, *c = NULL;
	assert_true(
	    store_pg_plain_insert("INSERT INTO person (name, idcard) VALUES ($1, $2)", &t, &c));
	assert_string_equal(t, "person");
	assert_string_equal(c, "name, idcard");
	free(t);
	free(c);
	assert_true(store_pg_plain_insert("INSERT INTO \"user\" (a) VALUES ($1)", &t, &c));
	assert_string_equal(t, "\"user\"");
	free(t);
	free(c);
	/* anything more than plain values cannot be queued */
	assert_false(
	    store_pg_plain_insert("INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING", &t, &c));
	assert_false(store_pg_plain_insert("INSERT INTO t (a) VALUES (lower($1))", &t, &c));
	assert_false(store_pg_plain_insert("INSERT INTO t (a, b, c) VALUES ($1, $2, 1)", &t, &c));
	assert_false(store_pg_plain_insert("INSERT INTO t (a, b) VALUES ($1)", &t, &c));
	assert_false(store_pg_plain_insert("INSERT INTO t (a) VALUES ()", &t, &c));
	assert_false(store_pg_plain_insert("INSERT INTO t (a) SELECT $1", &t, &c));
	assert_false(store_pg_plain_insert("UPDATE t SET a = $1", &t, &c));
}

static void test_copy_field(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	store_pg_copy_field(&b, "a\tb\nc\\d\re");
	buf_putc(&b, '|');
	store_pg_copy_field(&b, NULL);
	buf_putc(&b, '|');
	store_pg_copy_field(&b, "无锡");
	assert_string_equal(buf_cstr(&b), "a\\tb\\nc\\\\d\\re|\\N|无锡");
	buf_free(&b);
}

/* version n makes the same schema step in both dialects */
static void test_migrations_match(void **state)
{
	(void)state;
	assert_int_equal(migrations_pg_count, migrations_sqlite_count);
	for (size_t i = 0; i < migrations_pg_count; i++) {
		assert_int_equal(migrations_pg[i].version, (int)i + 1);
		assert_int_equal(migrations_pg[i].version, migrations_sqlite[i].version);
		assert_string_equal(migrations_pg[i].name, migrations_sqlite[i].name);
		assert_null(strstr(migrations_pg[i].sql, "strftime"));
		assert_null(strstr(migrations_pg[i].sql, "WITHOUT ROWID"));
	}
}

/* ---- against a live cluster ---- */

static char base_url[256];
static char db_url[320];
static char db_name[64];

static bool admin(const char *sql)
{
	char url[300];
	snprintf(url, sizeof(url), "%s/postgres", base_url);
	PGconn *c = PQconnectdb(url);
	bool ok = PQstatus(c) == CONNECTION_OK;
	if (ok) {
		PGresult *r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
	}
	PQfinish(c);
	return ok;
}

static int live_setup(void **state)
{
	const char *file = getenv("XINZHI_TEST_PG_FILE");
	FILE *f = file ? fopen(file, "r") : NULL;
	*state = NULL;
	if (!f)
		return 0;
	if (fgets(base_url, sizeof(base_url), f))
		base_url[strcspn(base_url, "\n")] = 0;
	fclose(f);
	snprintf(db_name, sizeof(db_name), "xz_unit_%ld", (long)getpid());
	snprintf(db_url, sizeof(db_url), "%s/%s", base_url, db_name);
	char sql[128];
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db_name);
	if (!admin(sql))
		return -1;
	struct store *db = NULL;
	if (store_open(db_url, &db))
		return -1;
	*state = db;
	return 0;
}

static int live_teardown(void **state)
{
	store_close(*state);
	if (*state) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)", db_name);
		admin(sql);
	}
	return 0;
}

static int64_t count_of(struct store *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(store_query_int(db, sql, &n, 0, NULL), XZ_OK);
	return n;
}

static void insert_region(struct store *db, const char *code, int flags, enum xz_result want)
{
	struct store_stmt *st = NULL;
	assert_int_equal(
	    store_prepare_flags(db, "INSERT INTO region (code, name, level) VALUES (?, ?, ?)",
	                        flags, &st),
	    XZ_OK);
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, "测试区");
	store_bind_text(st, 3, "区县");
	enum store_step s = store_step(st);
	assert_int_equal(s == STORE_DONE ? XZ_OK : store_stmt_result(st), want);
	store_finalize(st);
}

static void test_live_schema(void **state)
{
	struct store *db = *state;
	if (!db)
		skip();
	assert_int_equal(store_dialect(db), STORE_POSTGRES);
	assert_int_equal(store_schema_version(db), (int)migrations_pg_count);
	/* a second open finds every migration applied */
	struct store *again = NULL;
	assert_int_equal(store_open(db_url, &again), XZ_OK);
	assert_int_equal(store_schema_version(again), (int)migrations_pg_count);
	store_close(again);
}

static void test_live_transactions(void **state)
{
	struct store *db = *state;
	if (!db)
		skip();
	assert_int_equal(store_begin(db), XZ_OK);
	insert_region(db, "990001", 0, XZ_OK);
	int64_t first = store_last_insert_id(db);
	assert_true(first > 0);
	/* a duplicate fails alone: the transaction goes on */
	insert_region(db, "990001", 0, XZ_ERR_DUPLICATE);
	insert_region(db, "990002", 0, XZ_OK);
	assert_true(store_last_insert_id(db) > first); /* the failed one took a number too */
	/* an inner level rolled back undoes only its own work */
	assert_int_equal(store_begin(db), XZ_OK);
	insert_region(db, "990003", 0, XZ_OK);
	store_rollback(db);
	assert_int_equal(store_commit(db), XZ_OK);
	assert_int_equal(count_of(db, "SELECT count(*) FROM region WHERE code LIKE '99000%'"), 2);
	/* a reference to nothing is XZ_ERR_REFERENCED */
	struct store_stmt *st = NULL;
	assert_int_equal(store_prepare(db, "INSERT INTO park (name, region_id) VALUES (?, ?)", &st),
	                 XZ_OK);
	store_bind_text(st, 1, "无此区的园区");
	store_bind_int(st, 2, 987654);
	assert_int_equal(store_step(st), STORE_FAIL);
	assert_int_equal(store_stmt_result(st), XZ_ERR_REFERENCED);
	store_finalize(st);
}

static void test_live_queue(void **state)
{
	struct store *db = *state;
	if (!db)
		skip();
	/* queued rows have their ids at once and are seen by the next read */
	assert_int_equal(store_begin(db), XZ_OK);
	insert_region(db, "880001", STORE_QUEUE, XZ_OK);
	int64_t a = store_last_insert_id(db);
	insert_region(db, "880002", STORE_QUEUE, XZ_OK);
	assert_int_equal(store_last_insert_id(db), a + 1);
	assert_int_equal(count_of(db, "SELECT count(*) FROM region WHERE code LIKE '88000%'"), 2);
	insert_region(db, "880003", STORE_QUEUE, XZ_OK);
	assert_int_equal(store_commit(db), XZ_OK);
	assert_int_equal(count_of(db, "SELECT count(*) FROM region WHERE code LIKE '88000%'"), 3);

	/* a rollback drops queued rows with the rest */
	assert_int_equal(store_begin(db), XZ_OK);
	insert_region(db, "770001", STORE_QUEUE, XZ_OK);
	store_rollback(db);
	assert_int_equal(count_of(db, "SELECT count(*) FROM region WHERE code = '770001'"), 0);

	/* a queued duplicate fails the commit, and nothing of it is kept */
	assert_int_equal(store_begin(db), XZ_OK);
	insert_region(db, "770002", STORE_QUEUE, XZ_OK);
	insert_region(db, "880001", STORE_QUEUE, XZ_OK);
	assert_int_not_equal(store_commit(db), XZ_OK);
	assert_false(store_in_tx(db));
	assert_int_equal(count_of(db, "SELECT count(*) FROM region WHERE code = '770002'"), 0);

	/* queued before a savepoint survives a rollback to it */
	assert_int_equal(store_begin(db), XZ_OK);
	insert_region(db, "660001", STORE_QUEUE, XZ_OK);
	assert_int_equal(store_begin(db), XZ_OK);
	insert_region(db, "660002", STORE_QUEUE, XZ_OK);
	store_rollback(db);
	assert_int_equal(store_commit(db), XZ_OK);
	assert_int_equal(count_of(db, "SELECT count(*) FROM region WHERE code LIKE '66000%'"), 1);
}

static void test_live_types(void **state)
{
	struct store *db = *state;
	if (!db)
		skip();
	struct store_stmt *st = NULL;
	assert_int_equal(store_prepare(db,
	                               "SELECT 1 = 1, sum(x), avg(x), round(2.345, 2), NULL, 'a'"
	                               " FROM (SELECT 1 AS x UNION ALL SELECT 2) AS t",
	                               &st),
	                 XZ_OK);
	assert_int_equal(store_step(st), STORE_ROW);
	assert_int_equal(store_column_type(st, 0), STORE_INT);
	assert_string_equal(store_column_text(st, 0), "1");
	assert_int_equal(store_column_type(st, 1), STORE_INT); /* sum of integers */
	assert_int_equal(store_column_int(st, 1), 3);
	assert_int_equal(store_column_type(st, 2), STORE_FLOAT);
	assert_float_equal(store_column_double(st, 2), 1.5, 1e-9);
	assert_float_equal(store_column_double(st, 3), 2.35, 1e-9);
	assert_int_equal(store_column_type(st, 4), STORE_NULL);
	assert_null(store_column_text(st, 4));
	assert_int_equal(store_column_type(st, 5), STORE_TEXT);
	assert_int_equal(store_step(st), STORE_DONE);
	store_finalize(st);

	/* binary data round trip, zero bytes included */
	unsigned char photo[] = {0x89, 'P', 'N', 'G', 0, 1, 2, 0xff};
	int64_t pid = count_of(db, "SELECT min(id) FROM region");
	assert_int_equal(store_exec(db, "CREATE TEMP TABLE blobs (id BIGINT, data BYTEA)"), XZ_OK);
	assert_int_equal(store_prepare(db, "INSERT INTO blobs (id, data) VALUES (?, ?)", &st),
	                 XZ_OK);
	store_bind_int(st, 1, pid);
	store_bind_blob(st, 2, photo, sizeof(photo));
	assert_int_equal(store_step(st), STORE_DONE);
	store_finalize(st);
	assert_int_equal(store_prepare(db, "SELECT data FROM blobs WHERE id = ?", &st), XZ_OK);
	store_bind_int(st, 1, pid);
	assert_int_equal(store_step(st), STORE_ROW);
	size_t len = 0;
	const void *got = store_column_blob(st, 0, &len);
	assert_int_equal(len, sizeof(photo));
	assert_memory_equal(got, photo, sizeof(photo));
	store_finalize(st);
}

static void test_live_fragments(void **state)
{
	struct store *db = *state;
	if (!db)
		skip();
	struct buf sql = BUF_INIT;
	struct store_stmt *st = NULL;
	/* tags in a JSON array column, ILIKE with escapes, ids from a JSON array */
	buf_puts(&sql, "SELECT count(*) FROM (SELECT '[\"芯片\",\"Java开发\"]' AS tags UNION ALL"
	               " SELECT '' UNION ALL SELECT NULL) AS x WHERE ");
	store_sql_tag_contains(db, &sql, "x.tags");
	assert_int_equal(store_prepare(db, buf_cstr(&sql), &st), XZ_OK);
	store_bind_text(st, 1, "芯片");
	assert_int_equal(store_step(st), STORE_ROW);
	assert_int_equal(store_column_int(st, 0), 1);
	store_finalize(st);

	buf_reset(&sql);
	buf_puts(&sql,
	         "SELECT count(*) FROM (SELECT 'Java_Dev 50%' AS v UNION ALL SELECT 'javaXdev')"
	         " AS x WHERE ");
	store_sql_like(db, &sql, "x.v");
	char *pattern = store_like_pattern("java_dev 50%", false);
	assert_int_equal(store_prepare(db, buf_cstr(&sql), &st), XZ_OK);
	store_bind_text(st, 1, pattern);
	assert_int_equal(store_step(st), STORE_ROW);
	assert_int_equal(store_column_int(st, 0), 1); /* case aside, _ and % are literal */
	store_finalize(st);
	free(pattern);

	buf_reset(&sql);
	buf_puts(&sql, "SELECT count(*) FROM region WHERE id IN ");
	store_sql_json_ids(db, &sql);
	assert_int_equal(store_prepare(db, buf_cstr(&sql), &st), XZ_OK);
	char ids[64];
	snprintf(ids, sizeof(ids), "[%lld, 987654]",
	         (long long)count_of(db, "SELECT min(id) FROM region"));
	store_bind_text(st, 1, ids);
	assert_int_equal(store_step(st), STORE_ROW);
	assert_int_equal(store_column_int(st, 0), 1);
	store_finalize(st);
	buf_free(&sql);
}

int main(void)
{
	const struct CMUnitTest offline[] = {
	    cmocka_unit_test(test_rewrite),
	    cmocka_unit_test(test_plain_insert),
	    cmocka_unit_test(test_copy_field),
	    cmocka_unit_test(test_migrations_match),
	};
	const struct CMUnitTest live[] = {
	    cmocka_unit_test(test_live_schema),    cmocka_unit_test(test_live_transactions),
	    cmocka_unit_test(test_live_queue),     cmocka_unit_test(test_live_types),
	    cmocka_unit_test(test_live_fragments),
	};
	int failed = cmocka_run_group_tests(offline, NULL, NULL);
	failed += cmocka_run_group_tests(live, live_setup, live_teardown);
	return failed;
}
