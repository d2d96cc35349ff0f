/*
 * What a backend of store.h provides, private to src/store. store.c picks
 * the backend from the URL (postgres:// or postgresql:// for PostgreSQL,
 * anything else a SQLite file), runs the migrations of its dialect and
 * forwards every call through the backend's table of operations. A
 * backend's connection and statement structs begin with struct store and
 * struct store_stmt, so the same pointer serves both levels.
 *
 * Ownership is as in store.h: open() returns a connection that close()
 * frees; prepare() a statement that finalize() frees.
 */
#ifndef XZ_STORE_IMPL_H
#define XZ_STORE_IMPL_H

#include "store/migrate.h"
#include "store/store.h"

struct store_ops {
	enum store_dialect dialect;
	const struct migration *migrations;
	const size_t *nmigrations;
	/* the schema_version table, created before any migration runs */
	const char *version_table_sql;

	enum xz_result (*open)(const char *url, struct store **out);
	void (*close)(struct store *db);
	const char *(*errmsg)(struct store *db);
	enum xz_result (*exec)(struct store *db, const char *sql);
	enum xz_result (*begin)(struct store *db);
	enum xz_result (*commit)(struct store *db);
	void (*rollback)(struct store *db);
	void (*rollback_all)(struct store *db);
	bool (*in_tx)(struct store *db);

	enum xz_result (*prepare)(struct store *db, const char *sql, int flags,
	                          struct store_stmt **out);
	void (*bind_text)(struct store_stmt *st, int idx, const char *v);
	void (*bind_int)(struct store_stmt *st, int idx, int64_t v);
	void (*bind_double)(struct store_stmt *st, int idx, double v);
	void (*bind_null)(struct store_stmt *st, int idx);
	void (*bind_blob)(struct store_stmt *st, int idx, const void *data, size_t len);
	enum store_step (*step)(struct store_stmt *st);
	void (*reset)(struct store_stmt *st);
	enum xz_result (*stmt_result)(struct store_stmt *st);
	int (*column_count)(struct store_stmt *st);
	const char *(*column_name)(struct store_stmt *st, int col);
	enum store_type (*column_type)(struct store_stmt *st, int col);
	const char *(*column_text)(struct store_stmt *st, int col);
	int64_t (*column_int)(struct store_stmt *st, int col);
	double (*column_double)(struct store_stmt *st, int col);
	const void *(*column_blob)(struct store_stmt *st, int col, size_t *len);
	void (*finalize)(struct store_stmt *st);
	int64_t (*last_insert_id)(struct store *db);
	int (*changes)(struct store *db);

	void (*sql_tag_contains)(struct buf *b, const char *col);
	void (*sql_id_array)(struct buf *b, const char *other, const char *table, const char *self);
	void (*sql_like)(struct buf *b, const char *col);
	void (*sql_json_ids)(struct buf *b);

	enum xz_result (*check)(struct store *db, void (*fn)(void *arg, const char *problem),
	                        void *arg, int *problems);
	enum xz_result (*backup)(struct store *db, const char *path);
	enum xz_result (*restore)(const char *path, const char *url, char *msg, size_t n);
	enum xz_result (*lock)(const char *url, bool exclusive, int *fd);
	void (*unlock)(int fd);
	enum xz_result (*rewrite_text)(struct store *db, const char *prefix,
	                               const char *const *skip, store_rewrite_fn fn, void *cls,
	                               long *count);
};

struct store {
	const struct store_ops *ops;
};

struct store_stmt {
	struct store *db;
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/* Releases a lock store_pg_ops.lock() handed out as fd: false when fd is
 * not one of them (a lock file's descriptor). */
bool store_pg_release_lock(int fd);

/* The PostgreSQL backend's text handling, for its unit tests: a caller's
 * statement in PostgreSQL's form (caller frees; *nparams placeholders); the
 * table and column list of a plain "INSERT INTO t (…) VALUES ($1, …)"
 * (caller frees both); a value in COPY's text format (NULL: \N). */
char *store_pg_rewrite(const char *sql, int *nparams);
bool store_pg_plain_insert(const char *sql, char **table, char **columns);
void store_pg_copy_field(struct buf *b, const char *v);

/* Applies the migrations of db's dialect newer than its schema version. */
enum xz_result store_migrate(struct store *db);
/* the newest migration of a dialect */
int store_migrations_newest(const struct store_ops *ops);
/* a table name that callers may pass to skip lists and rewrite */
bool store_name_skipped(const char *name, const char *const *skip);

#endif
