/*
 * The dialect-independent half of store.h: choosing a backend by URL,
 * running the versioned migrations of its dialect, the connection pool and
 * the helpers built on the primitive calls. Every other call goes to the
 * backend's table of operations (store_impl.h).
 */
#include "core/log.h"
#include "core/mem.h"
#include "core/util.h"
#include "store/store_impl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_pg_url(const char *url)
{
	return !strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13);
}

static const struct store_ops *ops_for(const char *url)
{
	return is_pg_url(url) ? &store_pg_ops : &store_sqlite_ops;
}

bool store_url_is_postgres(const char *url)
{
	return url && is_pg_url(url);
}

enum xz_result store_open(const char *url, struct store **out)
{
	const struct store_ops *ops = ops_for(url);
	struct store *db = NULL;
	*out = NULL;
	enum xz_result r = ops->open(url, &db);
	if (r)
		return r;
	if ((r = store_migrate(db))) {
		ops->close(db);
		return r;
	}
	*out = db;
	return XZ_OK;
}

void store_close(struct store *db)
{
	if (db)
		db->ops->close(db);
}

enum store_dialect store_dialect(const struct store *db)
{
	return db->ops->dialect;
}

const char *store_errmsg(struct store *db)
{
	return db->ops->errmsg(db);
}

int store_schema_version(struct store *db)
{
	int64_t v = 0;
	store_query_int(db, "SELECT coalesce(max(version), 0) FROM schema_version", &v, 0, NULL);
	return (int)v;
}

/* ---- migrations ---- */

int store_migrations_newest(const struct store_ops *ops)
{
	int newest = 0;
	for (size_t i = 0; i < *ops->nmigrations; i++)
		if (ops->migrations[i].version > newest)
			newest = ops->migrations[i].version;
	return newest;
}

/* the migration with the lowest version above after, or NULL */
static const struct migration *migrate_next(const struct store_ops *ops, int after)
{
	const struct migration *best = NULL;
	for (size_t i = 0; i < *ops->nmigrations; i++) {
		const struct migration *m = &ops->migrations[i];
		if (m->version > after && (!best || m->version < best->version))
			best = m;
	}
	return best;
}

/* Each migration runs in its own write transaction, which on PostgreSQL
 * also holds the writers' lock: two servers starting together over one new
 * database apply each migration once, the second finding it done. */
static enum xz_result migrate_one(struct store *db, const struct migration *m, bool *skipped)
{
	struct store_stmt *st = NULL;
	int64_t done = 0;
	char version[16];
	const char *params[] = {version};
	snprintf(version, sizeof(version), "%d", m->version);
	enum xz_result r = store_begin(db);
	if (r)
		return r;
	r = store_query_int(db, "SELECT count(*) FROM schema_version WHERE version = ?", &done, 1,
	                    params);
	*skipped = done > 0;
	if (!r && !done)
		r = store_exec(db, m->sql);
	if (!r && !done)
		r = store_prepare(db,
		                  "INSERT INTO schema_version (version, name, applied_at)"
		                  " VALUES (?, ?, ?)",
		                  &st);
	if (!r && !done) {
		char ts[32];
		util_now_iso(ts, sizeof(ts));
		store_bind_int(st, 1, m->version);
		store_bind_text(st, 2, m->name);
		store_bind_text(st, 3, ts);
		if (store_step(st) != STORE_DONE)
			r = XZ_ERR_STORE;
		store_finalize(st);
	}
	if (!r)
		r = store_commit(db);
	if (r) {
		store_rollback(db);
		log_error("migration %d (%s) failed", m->version, m->name);
	}
	return r;
}

enum xz_result store_migrate(struct store *db)
{
	const struct store_ops *ops = db->ops;
	enum xz_result r = store_exec(db, ops->version_table_sql);
	if (r)
		return r;
	int have = store_schema_version(db);
	int newest = store_migrations_newest(ops);
	if (have > newest) {
		log_error("database schema version %d is newer than this program (%d); "
		          "upgrade xinzhi",
		          have, newest);
		return XZ_ERR_STORE;
	}
	const char *limit = getenv("XINZHI_MIGRATE_TO"); /* tests build old databases */
	int upto = limit ? atoi(limit) : newest;
	/* in version order, whatever the order of the table */
	for (const struct migration *m; (m = migrate_next(ops, have)) && m->version <= upto;
	     have = m->version) {
		bool skipped = false;
		if ((r = migrate_one(db, m, &skipped)))
			return r;
		if (!skipped)
			log_debug("applied migration %d: %s", m->version, m->name);
	}
	return XZ_OK;
}

/* ---- forwarded calls ---- */

enum xz_result store_exec(struct store *db, const char *sql)
{
	return db->ops->exec(db, sql);
}

enum xz_result store_begin(struct store *db)
{
	return db->ops->begin(db);
}

enum xz_result store_commit(struct store *db)
{
	return db->ops->commit(db);
}

void store_rollback(struct store *db)
{
	db->ops->rollback(db);
}

void store_rollback_all(struct store *db)
{
	db->ops->rollback_all(db);
}

bool store_in_tx(struct store *db)
{
	return db->ops->in_tx(db);
}

enum xz_result store_prepare(struct store *db, const char *sql, struct store_stmt **out)
{
	return db->ops->prepare(db, sql, 0, out);
}

enum xz_result store_prepare_flags(struct store *db, const char *sql, int flags,
                                   struct store_stmt **out)
{
	return db->ops->prepare(db, sql, flags, out);
}

void store_bind_text(struct store_stmt *st, int idx, const char *v)
{
	st->db->ops->bind_text(st, idx, v);
}

void store_bind_int(struct store_stmt *st, int idx, int64_t v)
{
	st->db->ops->bind_int(st, idx, v);
}

void store_bind_double(struct store_stmt *st, int idx, double v)
{
	st->db->ops->bind_double(st, idx, v);
}

void store_bind_null(struct store_stmt *st, int idx)
{
	st->db->ops->bind_null(st, idx);
}

void store_bind_blob(struct store_stmt *st, int idx, const void *data, size_t len)
{
	st->db->ops->bind_blob(st, idx, data, len);
}

enum store_step store_step(struct store_stmt *st)
{
	return st->db->ops->step(st);
}

void store_reset(struct store_stmt *st)
{
	st->db->ops->reset(st);
}

enum xz_result store_stmt_result(struct store_stmt *st)
{
	return st->db->ops->stmt_result(st);
}

int store_column_count(struct store_stmt *st)
{
	return st->db->ops->column_count(st);
}

const char *store_column_name(struct store_stmt *st, int col)
{
	return st->db->ops->column_name(st, col);
}

enum store_type store_column_type(struct store_stmt *st, int col)
{
	return st->db->ops->column_type(st, col);
}

const char *store_column_text(struct store_stmt *st, int col)
{
	return st->db->ops->column_text(st, col);
}

int64_t store_column_int(struct store_stmt *st, int col)
{
	return st->db->ops->column_int(st, col);
}

double store_column_double(struct store_stmt *st, int col)
{
	return st->db->ops->column_double(st, col);
}

const void *store_column_blob(struct store_stmt *st, int col, size_t *len)
{
	return st->db->ops->column_blob(st, col, len);
}

void store_finalize(struct store_stmt *st)
{
	if (st)
		st->db->ops->finalize(st);
}

int64_t store_last_insert_id(struct store *db)
{
	return db->ops->last_insert_id(db);
}

int store_changes(struct store *db)
{
	return db->ops->changes(db);
}

void store_sql_tag_contains(struct store *db, struct buf *b, const char *col)
{
	db->ops->sql_tag_contains(b, col);
}

void store_sql_id_array(struct store *db, struct buf *b, const char *other, const char *table,
                        const char *self)
{
	db->ops->sql_id_array(b, other, table, self);
}

void store_sql_like(struct store *db, struct buf *b, const char *col)
{
	db->ops->sql_like(b, col);
}

void store_sql_json_ids(struct store *db, struct buf *b)
{
	db->ops->sql_json_ids(b);
}

enum xz_result store_check(struct store *db, void (*fn)(void *arg, const char *problem), void *arg,
                           int *problems)
{
	return db->ops->check(db, fn, arg, problems);
}

enum xz_result store_backup(struct store *db, const char *path)
{
	return db->ops->backup(db, path);
}

enum xz_result store_restore(const char *path, const char *url, char *msg, size_t n)
{
	return ops_for(url)->restore(path, url, msg, n);
}

enum xz_result store_lock_file(const char *url, bool exclusive, int *fd)
{
	return ops_for(url)->lock(url, exclusive, fd);
}

void store_unlock_file(int fd)
{
	/* a PostgreSQL lock is a connection; any other descriptor a lock file */
	if (!store_pg_release_lock(fd))
		store_sqlite_ops.unlock(fd);
}

enum xz_result store_rewrite_text(struct store *db, const char *prefix, const char *const *skip,
                                  store_rewrite_fn fn, void *cls, long *count)
{
	return db->ops->rewrite_text(db, prefix, skip, fn, cls, count);
}

bool store_name_skipped(const char *name, const char *const *skip)
{
	for (; skip && *skip; skip++)
		if (!strcmp(name, *skip))
			return true;
	return false;
}

/* ---- helpers over the primitives ---- */

enum xz_result store_query_int(struct store *db, const char *sql, int64_t *out, int nparams,
                               const char *const *params)
{
	struct store_stmt *st = NULL;
	*out = 0;
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	for (int i = 0; i < nparams; i++)
		store_bind_text(st, i + 1, params[i]);
	enum store_step s = store_step(st);
	if (s == STORE_ROW)
		*out = store_column_int(st, 0);
	else if (s == STORE_FAIL)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

char *store_like_pattern(const char *needle, bool prefix_only)
{
	struct buf b = BUF_INIT;
	if (!prefix_only)
		buf_putc(&b, '%');
	for (const char *p = needle; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '%');
	return buf_steal(&b);
}

/* ---- connection pool ---- */

struct store_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct store **free_list;
	int nfree, size;
};

enum xz_result store_pool_open(const char *url, int size, struct store_pool **out)
{
	struct store_pool *p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->free_list = xcalloc((size_t)size, sizeof(*p->free_list));
	p->size = size;
	for (int i = 0; i < size; i++) {
		enum xz_result r = store_open(url, &p->free_list[i]);
		if (r) {
			p->nfree = i;
			store_pool_close(p);
			*out = NULL;
			return r;
		}
	}
	p->nfree = size;
	*out = p;
	return XZ_OK;
}

struct store *store_pool_get(struct store_pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->nfree == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	struct store *db = p->free_list[--p->nfree];
	pthread_mutex_unlock(&p->mu);
	return db;
}

void store_pool_put(struct store_pool *p, struct store *db)
{
	store_rollback_all(db); /* a handler that bailed out mid-transaction */
	pthread_mutex_lock(&p->mu);
	p->free_list[p->nfree++] = db;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void store_pool_close(struct store_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->nfree; i++)
		store_close(p->free_list[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->free_list);
	free(p);
}
