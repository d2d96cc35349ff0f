/*
 * Helpers shared by the unit tests: a private temporary directory holding a
 * SQLite database file (removed with its WAL and SHM companions when the
 * test ends) and small store queries for checking what is in the database.
 * Everything here is static inline so a test that does not use a helper
 * does not warn about it. Include after the cmocka prerequisites.
 */
#ifndef XZ_TESTUTIL_H
#define XZ_TESTUTIL_H

#include "core/mem.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tmpdb {
	char dir[64];
	char path[96];
};

/* Makes a fresh directory and names a database file inside it. */
static inline void tmpdb_init(struct tmpdb *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/xz-unit-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/test.db", t->dir);
}

/* Removes the database file, its -wal/-shm files and the directory. */
static inline void tmpdb_remove(struct tmpdb *t)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char p[128];
		snprintf(p, sizeof(p), "%s%s", t->path, suffixes[i]);
		unlink(p);
	}
	rmdir(t->dir);
}

/* First column of the first row as an integer; the query must succeed. */
static inline int64_t query_int(struct store *db, const char *sql)
{
	int64_t v = -1;
	assert_int_equal(store_query_int(db, sql, &v, 0, NULL), XZ_OK);
	return v;
}

/* Same with one text parameter. */
static inline int64_t query_int1(struct store *db, const char *sql, const char *param)
{
	int64_t v = -1;
	const char *params[] = { param };
	assert_int_equal(store_query_int(db, sql, &v, 1, params), XZ_OK);
	return v;
}

/* First column of the first row as text (caller frees), NULL when no row or NULL. */
static inline char *query_text(struct store *db, const char *sql)
{
	struct store_stmt *st = NULL;
	char *out = NULL;
	assert_int_equal(store_prepare(db, sql, &st), XZ_OK);
	if (store_step(st) == STORE_ROW && store_column_text(st, 0))
		out = xstrdup(store_column_text(st, 0));
	store_finalize(st);
	return out;
}

/* 1 when a table of that name exists. */
static inline int table_exists(struct store *db, const char *name)
{
	return (int)query_int1(
	    db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", name);
}

#endif
