/*
 * The database behind one interface. Callers write SQL with '?' placeholders
 * and bind every value; a backend rewrites placeholders to its own form, so
 * the same statement text runs on each dialect. SQL that differs between
 * dialects (tag containment, LIKE escapes, schema) comes from the store_sql_*
 * helpers and the per-dialect migrations, never from callers.
 *
 * Ownership: store_open() returns a connection the caller closes with
 * store_close(); a statement from store_prepare() is finalized with
 * store_finalize(). Text returned by store_column_text() belongs to the
 * statement and is valid until the next step or finalize. A connection is
 * used by one thread at a time; struct store_pool hands connections to
 * threads.
 */
#ifndef XZ_STORE_H
#define XZ_STORE_H

#include "core/buf.h"
#include "core/result.h"

#include <stdbool.h>
#include <stdint.h>

struct store;
struct store_stmt;

enum store_dialect { STORE_SQLITE, STORE_POSTGRES };

enum store_step { STORE_ROW, STORE_DONE, STORE_FAIL };

enum store_type { STORE_NULL, STORE_INT, STORE_FLOAT, STORE_TEXT };

/* Opens (creating if needed) the database at url: a file path for SQLite,
 * or a postgres:// (postgresql://) connection URI for PostgreSQL, whose
 * database must exist. Applies pending migrations. Fails with XZ_ERR_STORE
 * and a message on stderr when the database cannot be opened or a migration
 * fails. */
enum xz_result store_open(const char *url, struct store **out);
void store_close(struct store *db);
enum store_dialect store_dialect(const struct store *db);
/* true for a postgres:// or postgresql:// URL */
bool store_url_is_postgres(const char *url);
const char *store_errmsg(struct store *db);
/* schema version after migrations */
int store_schema_version(struct store *db);

/* Write transaction: on SQLite BEGIN IMMEDIATE, so the write lock is taken
 * up front and concurrent writers queue on the busy timeout instead of
 * failing at commit. Calls nest: an inner begin is a savepoint, and an
 * inner rollback undoes only the work since its begin. */
enum xz_result store_begin(struct store *db);
enum xz_result store_commit(struct store *db);
void store_rollback(struct store *db);
/* Ends every level of an open transaction, undoing all of it. */
void store_rollback_all(struct store *db);
bool store_in_tx(struct store *db);

/* Runs parameterless SQL (DDL, PRAGMA); several statements allowed. */
enum xz_result store_exec(struct store *db, const char *sql);

enum xz_result store_prepare(struct store *db, const char *sql, struct store_stmt **out);

/* Statements for bulk writes (imports), by flag:
 * - STORE_QUEUE: an "INSERT INTO t (c1, …) VALUES (?, …)" whose rows may be
 *   queued. On PostgreSQL a step queues its row and takes the id from a
 *   block reserved ahead on the table's identity (store_last_insert_id()
 *   has it at once); queued rows go in with COPY … FROM STDIN, table by
 *   table in the order they were first queued: before the next statement
 *   that names one of those tables or writes anything, before a savepoint,
 *   at commit, and every STORE_QUEUE_ROWS rows. A COPY that fails fails the
 *   statement (or commit) that set it off, and the transaction with it.
 *   Other statements, and every statement on SQLite, run at once.
 * - STORE_NO_FLUSH: a read that need not see queued rows (its caller keeps
 *   track of them), so it does not set the COPY off. */
enum { STORE_QUEUE = 1, STORE_NO_FLUSH = 2 };
#define STORE_QUEUE_ROWS 5000
enum xz_result store_prepare_flags(struct store *db, const char *sql, int flags,
                                   struct store_stmt **out);
void store_bind_text(struct store_stmt *st, int idx, const char *v); /* 1-based; NULL binds NULL */
void store_bind_int(struct store_stmt *st, int idx, int64_t v);
void store_bind_double(struct store_stmt *st, int idx, double v);
void store_bind_null(struct store_stmt *st, int idx);
/* binary data (a photo); copied, so data need not outlive the call */
void store_bind_blob(struct store_stmt *st, int idx, const void *data, size_t len);
enum store_step store_step(struct store_stmt *st);
/* Makes the statement ready to run again; bindings are kept. */
void store_reset(struct store_stmt *st);
/* The result of the last failed step: XZ_ERR_DUPLICATE for a unique
 * violation, XZ_ERR_REFERENCED for a foreign key, XZ_ERR_BUSY, else
 * XZ_ERR_STORE. */
enum xz_result store_stmt_result(struct store_stmt *st);
int store_column_count(struct store_stmt *st);
const char *store_column_name(struct store_stmt *st, int col);
enum store_type store_column_type(struct store_stmt *st, int col);
const char *store_column_text(struct store_stmt *st, int col); /* NULL for SQL NULL */
int64_t store_column_int(struct store_stmt *st, int col);
double store_column_double(struct store_stmt *st, int col);
/* Bytes of a binary column (*len set; NULL for SQL NULL or no bytes), owned
 * by the statement like store_column_text(). */
const void *store_column_blob(struct store_stmt *st, int col, size_t *len);
void store_finalize(struct store_stmt *st);

int64_t store_last_insert_id(struct store *db);
int store_changes(struct store *db);

/* Convenience: prepare, bind the given text params, step once; *out gets
 * the first column of the first row as int (0 when no row). */
enum xz_result store_query_int(struct store *db, const char *sql, int64_t *out, int nparams,
                               const char *const *params);

/* Dialect SQL fragments, appended to b. */
/* "<col> contains tag ?" for a tag-list column holding a JSON array */
void store_sql_tag_contains(struct store *db, struct buf *b, const char *col);
/* a subquery yielding the JSON array of link.other for the row t.id */
void store_sql_id_array(struct store *db, struct buf *b, const char *other, const char *table,
                        const char *self);
/* "(subquery)" yielding the integers of a JSON array bound to one ?, for
 * "id IN <it>" */
void store_sql_json_ids(struct store *db, struct buf *b);
/* "<col> LIKE ? ESCAPE '\'" and the matching escaped pattern */
void store_sql_like(struct store *db, struct buf *b, const char *col);
char *store_like_pattern(const char *needle, bool prefix_only); /* caller frees */

/* Checks the database: SQLite's integrity check (pages, indexes, free
 * list), or on PostgreSQL that every table reads; and on both every foreign
 * key. Calls fn once per problem found, with
 * the checker's own text; *problems counts them (0: sound). XZ_ERR_* only
 * when the checks themselves cannot run. */
enum xz_result store_check(struct store *db, void (*fn)(void *arg, const char *problem), void *arg,
                           int *problems);

/* Writes a consistent, compacted copy of the database to path (which must
 * not exist), also while other connections write: an SQLite file, or on
 * PostgreSQL a pg_dump archive (custom format; pg_dump must be installed). */
enum xz_result store_backup(struct store *db, const char *path);
/* Replaces the database at url with the backup at path, after checking that
 * the backup is an xinzhi database no newer than this program; the backup
 * file is only read. Servers using url must be stopped first. On
 * PostgreSQL the database must exist; pg_restore replaces its contents in
 * one transaction. */
enum xz_result store_restore(const char *path, const char *url, char *msg, size_t n);

/* Calls fn for every text value starting with prefix in every column of
 * every table except those named in skip (NULL-terminated), inside the
 * caller's transaction. fn returns XZ_OK with *replace (stored instead of the
 * value, freed here) and optionally *hash (stored in the column
 * "<column>_hash" of the same row when the table has one, freed here), or a
 * code that stops the walk and is returned. For key rotation. */
typedef enum xz_result (*store_rewrite_fn)(void *cls, const char *table, const char *column,
                                           const char *value, char **replace, char **hash);
enum xz_result store_rewrite_text(struct store *db, const char *prefix, const char *const *skip,
                                  store_rewrite_fn fn, void *cls, long *count);

/* An advisory lock on the database between xinzhi processes (not SQLite's
 * own locking): a server holds it shared while it runs; commands that must
 * not run beside a server (rekey, restore) take it exclusively. XZ_ERR_BUSY
 * when it is held the other way. Release with store_unlock_file(). A file
 * lock beside an SQLite database; on PostgreSQL a session advisory lock on a
 * connection of its own, which *fd stands for. */
enum xz_result store_lock_file(const char *url, bool exclusive, int *fd);
void store_unlock_file(int fd);

/* A fixed set of connections shared by server threads. */
struct store_pool;
enum xz_result store_pool_open(const char *url, int size, struct store_pool **out);
struct store *store_pool_get(struct store_pool *p); /* blocks until one is free */
void store_pool_put(struct store_pool *p, struct store *db);
void store_pool_close(struct store_pool *p);

#endif
