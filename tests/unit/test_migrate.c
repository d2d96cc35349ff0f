/*
 * Unit tests of the SQLite store's opening and migrations
 * (src/store/store_sqlite.c): a new database gets the newest schema
 * version; an old database (built with XINZHI_MIGRATE_TO) is upgraded on
 * open with its rows intact; a database newer than the program, or one
 * whose next migration fails, is refused without being changed; and every
 * connection runs with the documented PRAGMAs (WAL, foreign keys on,
 * synchronous=FULL, secure_delete). Also a few store API basics that the
 * engine relies on: bound parameters, constraint result codes and nested
 * transactions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/migrate.h"
#include "store/store.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int newest_version(void)
{
	return migrations_sqlite[migrations_sqlite_count - 1].version;
}

static int setup(void **state)
{
	struct tmpdb *t = xcalloc(1, sizeof(*t));
	tmpdb_init(t);
	unsetenv("XINZHI_MIGRATE_TO");
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmpdb *t = *state;
	unsetenv("XINZHI_MIGRATE_TO");
	tmpdb_remove(t);
	free(t);
	return 0;
}

static struct store *open_ok(const char *path)
{
	struct store *db = NULL;
	assert_int_equal(store_open(path, &db), XZ_OK);
	assert_non_null(db);
	return db;
}

static void test_migrations_list_sane(void **state)
{
	(void)state;
	assert_true(migrations_sqlite_count > 0);
	for (size_t i = 0; i < migrations_sqlite_count; i++) {
		/* versions are 1..n in order, so the newest equals the count */
		assert_int_equal(migrations_sqlite[i].version, (int)i + 1);
		assert_non_null(migrations_sqlite[i].name);
		assert_non_null(migrations_sqlite[i].sql);
	}
}

static void test_new_database_newest(void **state)
{
	struct tmpdb *t = *state;
	struct store *db = open_ok(t->path);
	assert_int_equal(store_schema_version(db), newest_version());
	assert_int_equal(store_schema_version(db), (int)migrations_sqlite_count);
	assert_int_equal(query_int(db, "SELECT count(*) FROM schema_version"),
	                 (int64_t)migrations_sqlite_count);
	assert_true(table_exists(db, "region"));
	assert_true(table_exists(db, "user"));
	assert_true(table_exists(db, "audit_log"));
	store_close(db);

	/* reopening applies nothing more */
	db = open_ok(t->path);
	assert_int_equal(store_schema_version(db), newest_version());
	assert_int_equal(query_int(db, "SELECT count(*) FROM schema_version"),
	                 (int64_t)migrations_sqlite_count);
	store_close(db);
}

static void test_old_database_upgraded(void **state)
{
	struct tmpdb *t = *state;
	setenv("XINZHI_MIGRATE_TO", "1", 1);
	struct store *db = open_ok(t->path);
	assert_int_equal(store_schema_version(db), 1);
	assert_true(table_exists(db, "region"));
	assert_false(table_exists(db, "user"));
	assert_int_equal(store_exec(db, "INSERT INTO region (code, name, level)"
	                                " VALUES ('320200', '无锡市', '市')"),
	                 XZ_OK);
	store_close(db);
	unsetenv("XINZHI_MIGRATE_TO");

	db = open_ok(t->path);
	assert_int_equal(store_schema_version(db), newest_version());
	assert_int_equal(query_int1(db, "SELECT count(*) FROM region WHERE code = ?", "320200"), 1);
	char *name = query_text(db, "SELECT name FROM region WHERE code = '320200'");
	assert_non_null(name);
	assert_string_equal(name, "无锡市");
	free(name);
	assert_true(table_exists(db, "user"));
	assert_true(table_exists(db, "session"));
	/* the new table works and refers to the old one */
	assert_int_equal(store_exec(db,
	                            "INSERT INTO user (username, password_hash, role, region_id,"
	                            " created_at) SELECT 'u1', 'x', 'viewer', id, 'now'"
	                            " FROM region WHERE code = '320200'"),
	                 XZ_OK);
	store_close(db);
}

static void test_newer_database_refused(void **state)
{
	struct tmpdb *t = *state;
	struct store *db = open_ok(t->path);
	char sql[160];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO schema_version (version, name, applied_at)"
	         " VALUES (%d, 'from the future', '2099-01-01T00:00:00Z')",
	         newest_version() + 1);
	assert_int_equal(store_exec(db, sql), XZ_OK);
	store_close(db);

	db = (struct store *)0x1; /* must be reset to NULL */
	assert_int_equal(store_open(t->path, &db), XZ_ERR_STORE);
	assert_null(db);
}

/* A migration that fails leaves the previous version intact: nothing of the
 * failed step is kept. */
static void test_failed_migration_rolls_back(void **state)
{
	struct tmpdb *t = *state;
	setenv("XINZHI_MIGRATE_TO", "1", 1);
	struct store *db = open_ok(t->path);
	/* a table in the way of migration 2's CREATE TABLE user */
	assert_int_equal(store_exec(db, "CREATE TABLE user (x INTEGER)"), XZ_OK);
	store_close(db);
	unsetenv("XINZHI_MIGRATE_TO");

	db = (struct store *)0x1;
	assert_int_equal(store_open(t->path, &db), XZ_ERR_STORE);
	assert_null(db);

	setenv("XINZHI_MIGRATE_TO", "1", 1);
	db = open_ok(t->path);
	assert_int_equal(store_schema_version(db), 1);
	assert_false(table_exists(db, "session"));
	assert_false(table_exists(db, "audit_log"));
	assert_false(store_in_tx(db));
	store_close(db);
}

static void test_pragmas(void **state)
{
	struct tmpdb *t = *state;
	struct store *db = open_ok(t->path);
	char *mode = query_text(db, "PRAGMA journal_mode");
	assert_non_null(mode);
	assert_string_equal(mode, "wal");
	free(mode);
	assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(query_int(db, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(query_int(db, "PRAGMA secure_delete"), 1);
	assert_int_equal(store_dialect(db), STORE_SQLITE);

	/* foreign keys are enforced and reported as XZ_ERR_REFERENCED */
	struct store_stmt *st = NULL;
	assert_int_equal(store_prepare(db, "INSERT INTO park (name, region_id) VALUES (?, ?)", &st),
	                 XZ_OK);
	store_bind_text(st, 1, "无此区划的园区");
	store_bind_int(st, 2, 424242);
	assert_int_equal(store_step(st), STORE_FAIL);
	assert_int_equal(store_stmt_result(st), XZ_ERR_REFERENCED);
	store_finalize(st);
	store_close(db);
}

static void test_bound_values_and_unique(void **state)
{
	struct tmpdb *t = *state;
	struct store *db = open_ok(t->path);
	const char *evil = "x'); DROP TABLE region; --";
	struct store_stmt *st = NULL;
	assert_int_equal(
	    store_prepare(db, "INSERT INTO region (code, name, level) VALUES (?, ?, ?)", &st),
	    XZ_OK);
	store_bind_text(st, 1, "320200");
	store_bind_text(st, 2, evil);
	store_bind_text(st, 3, "市");
	assert_int_equal(store_step(st), STORE_DONE);
	assert_int_equal(store_changes(db), 1);
	assert_true(store_last_insert_id(db) > 0);
	/* the same live code again: the partial unique index refuses it */
	store_reset(st);
	assert_int_equal(store_step(st), STORE_FAIL);
	assert_int_equal(store_stmt_result(st), XZ_ERR_DUPLICATE);
	store_finalize(st);
	assert_true(table_exists(db, "region"));
	assert_int_equal(query_int1(db, "SELECT count(*) FROM region WHERE name = ?", evil), 1);

	/* a soft-deleted row frees its code */
	assert_int_equal(store_exec(db, "UPDATE region SET deleted_at = 'x'"), XZ_OK);
	assert_int_equal(store_exec(db, "INSERT INTO region (code, name, level)"
	                                " VALUES ('320200', '无锡市', '市')"),
	                 XZ_OK);
	store_close(db);
}

static void test_like_pattern_escapes(void **state)
{
	(void)state;
	char *p = store_like_pattern("a%b_c\\d", false);
	assert_string_equal(p, "%a\\%b\\_c\\\\d%");
	free(p);
	p = store_like_pattern("3202", true);
	assert_string_equal(p, "3202%");
	free(p);
}

static void test_nested_transactions(void **state)
{
	struct tmpdb *t = *state;
	struct store *db = open_ok(t->path);
	assert_false(store_in_tx(db));
	assert_int_equal(store_begin(db), XZ_OK);
	assert_int_equal(store_begin(db), XZ_OK); /* joins */
	assert_int_equal(store_exec(db, "INSERT INTO setting (key, value) VALUES ('a', '1')"),
	                 XZ_OK);
	assert_int_equal(store_commit(db), XZ_OK); /* inner: nothing yet */
	assert_true(store_in_tx(db));
	store_rollback(db); /* the outer rollback undoes the inner work */
	assert_false(store_in_tx(db));
	assert_int_equal(query_int(db, "SELECT count(*) FROM setting"), 0);
	assert_int_equal(store_commit(db), XZ_ERR_INTERNAL); /* no transaction */

	assert_int_equal(store_begin(db), XZ_OK);
	assert_int_equal(store_exec(db, "INSERT INTO setting (key, value) VALUES ('b', '2')"),
	                 XZ_OK);
	assert_int_equal(store_commit(db), XZ_OK);
	assert_int_equal(query_int(db, "SELECT count(*) FROM setting"), 1);

	/* an inner rollback undoes only the inner work (a savepoint) */
	assert_int_equal(store_begin(db), XZ_OK);
	assert_int_equal(store_exec(db, "INSERT INTO setting (key, value) VALUES ('c', '3')"),
	                 XZ_OK);
	assert_int_equal(store_begin(db), XZ_OK);
	assert_int_equal(store_exec(db, "INSERT INTO setting (key, value) VALUES ('d', '4')"),
	                 XZ_OK);
	store_rollback(db);
	assert_true(store_in_tx(db));
	assert_int_equal(store_commit(db), XZ_OK);
	assert_false(store_in_tx(db));
	assert_int_equal(query_int(db, "SELECT count(*) FROM setting"), 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM setting WHERE key = 'd'"), 0);
	store_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrations_list_sane),
		cmocka_unit_test_setup_teardown(test_new_database_newest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_database_upgraded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_database_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_migration_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pragmas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound_values_and_unique, setup, teardown),
		cmocka_unit_test(test_like_pattern_escapes),
		cmocka_unit_test_setup_teardown(test_nested_transactions, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
