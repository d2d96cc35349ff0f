/*
 * The SQLite backend of store.h. A connection runs in WAL mode with foreign
 * keys on, a busy timeout, and synchronous=FULL so that a write acknowledged
 * to a client has reached the disk (the crash tests rely on this).
 * secure_delete overwrites freed pages so deleted personal data does not
 * linger in the file.
 */
#include "core/log.h"
#include "core/mem.h"
#include "store/store_impl.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <fcntl.h>

/* Prepared statements are kept by their SQL text and reused: the engine
 * builds the same few statements for every row of an import, and parsing
 * them again each time was the largest single cost. A statement in use is
 * never handed out twice; a nested use of the same text gets a fresh one. */
#define STMT_CACHE 96

struct cached_stmt {
	char *sql;
	uint64_t hash; /* of sql: most lookups miss on it without a strcmp */
	sqlite3_stmt *st;
	bool busy;
	uint64_t used;
};

struct sq {
	struct store base;
	sqlite3 *db;
	int tx_depth;
	/* SQLite rolls a transaction back by itself after some failures (out
	 * of memory, a full disk, an I/O error). Its code is kept here while
	 * the caller still thinks it is inside the transaction, and every later
	 * statement fails with it: otherwise each would commit on its own, and
	 * an import would keep the rows after the failure. */
	int lost_rc;
	struct cached_stmt cache[STMT_CACHE];
	uint64_t tick;
};

struct sq_stmt {
	struct store_stmt base;
	struct sq *db;
	sqlite3_stmt *st;
	int last_rc;
	struct cached_stmt *cached; /* the cache slot it came from, or NULL */
};

#define BUSY_TIMEOUT_MS 5000

static void sq_close(struct store *base);
static enum xz_result sq_prepare(struct store *base, const char *sql, int flags,
                                 struct store_stmt **out);
static enum store_step sq_step(struct store_stmt *base);
static enum xz_result sq_stmt_result(struct store_stmt *base);
static void sq_finalize(struct store_stmt *base);

/* A failed SQLite call as a result code. A full disk is its own code (the
 * user is told nothing was saved, the operator what to do); SQLite reports
 * it as SQLITE_FULL, or as a write error when the file system refuses a
 * WAL or journal write with ENOSPC. */
static enum xz_result failure(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return XZ_ERR_BUSY;
	case SQLITE_FULL:
		return XZ_ERR_FULL;
	case SQLITE_NOMEM:
		return XZ_ERR_NOMEM;
	case SQLITE_IOERR:
		return rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC ||
		               rc == SQLITE_IOERR_TRUNCATE || rc == SQLITE_IOERR_SHMSIZE
		           ? XZ_ERR_FULL
		           : XZ_ERR_IO;
	default:
		return XZ_ERR_STORE;
	}
}

static enum xz_result sq_exec(struct store *base, const char *sql)
{
	struct sq *db = (struct sq *)base;
	if (db->lost_rc)
		return failure(db->lost_rc);
	char *err = NULL;
	int rc = sqlite3_exec(db->db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		log_error("sql failed: %s", err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		return failure(rc);
	}
	return XZ_OK;
}

#ifdef XZ_TEST_HOOKS
/* SQLite's memory through the fallible wrappers of core/mem.c, so that the
 * fault tests reach SQLite's own out-of-memory paths. Each block carries its
 * size in front (8 bytes, keeping SQLite's 8-byte alignment). */
static void *sq_malloc(int n)
{
	int64_t *p = try_malloc((size_t)n + 8);
	if (!p)
		return NULL;
	p[0] = n;
	return p + 1;
}

static void sq_free(void *p)
{
	if (p)
		free((int64_t *)p - 1);
}

static void *sq_realloc(void *p, int n)
{
	int64_t *q = try_realloc(p ? (int64_t *)p - 1 : NULL, (size_t)n + 8);
	if (!q)
		return NULL;
	q[0] = n;
	return q + 1;
}

static int sq_size(void *p)
{
	return p ? (int)((int64_t *)p)[-1] : 0;
}

static int sq_roundup(int n)
{
	return (n + 7) & ~7;
}

static int sq_init(void *arg)
{
	(void)arg;
	return SQLITE_OK;
}

static void sq_shutdown(void *arg)
{
	(void)arg;
}
#endif

static void sqlite_setup(void)
{
#ifdef XZ_TEST_HOOKS
	static const sqlite3_mem_methods methods = {sq_malloc,  sq_free, sq_realloc,  sq_size,
	                                            sq_roundup, sq_init, sq_shutdown, NULL};
	const char *fault = getenv("XINZHI_FAULT_ALLOC");
	if (fault && *fault)
		sqlite3_config(SQLITE_CONFIG_MALLOC, &methods);
#endif
}

static enum xz_result sq_open(const char *url, struct store **out)
{
	static pthread_once_t setup = PTHREAD_ONCE_INIT;
	pthread_once(&setup, sqlite_setup);
	enum xz_result r = XZ_OK;
	struct sq *db = xcalloc(1, sizeof(*db));
	db->base.ops = &store_sqlite_ops;
	*out = NULL;
	int rc = sqlite3_open_v2(
	    url, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "xinzhi: 无法打开数据库 %s：%s\n", url,
		        db->db ? sqlite3_errmsg(db->db) : sqlite3_errstr(rc));
		r = XZ_ERR_STORE;
		goto out;
	}
	sqlite3_busy_timeout(db->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db->db, 1);
	r = sq_exec(&db->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                       " PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
	                       " PRAGMA temp_store=MEMORY;");
	if (r) {
		fprintf(stderr, "xinzhi: 数据库 %s 不可用：%s\n", url, sqlite3_errmsg(db->db));
		goto out;
	}
out:
	if (r) {
		sq_close(&db->base);
		return r;
	}
	*out = &db->base;
	return XZ_OK;
}

static void sq_close(struct store *base)
{
	struct sq *db = (struct sq *)base;
	if (!db)
		return;
	for (int i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(db->cache[i].st);
		free(db->cache[i].sql);
	}
	sqlite3_close(db->db);
	free(db);
}

static const char *sq_errmsg(struct store *base)
{
	struct sq *db = (struct sq *)base;
	return sqlite3_errmsg(db->db);
}

/* Nested transactions are savepoints, so an inner failure (one bad row of
 * an import) undoes only its own work and the outer transaction goes on. */
/* A one-statement command through the statement cache: savepoints are
 * taken for every row of an import, and parsing them each time showed. */
static enum xz_result run_cached(struct sq *db, const char *sql)
{
	struct store_stmt *st = NULL;
	enum xz_result r = sq_prepare(&db->base, sql, 0, &st);
	if (r)
		return r;
	if (sq_step(st) == STORE_FAIL) {
		r = sq_stmt_result(st);
		if (!r)
			r = XZ_ERR_STORE;
		log_error("sql failed: %s: %s", sql, sqlite3_errmsg(db->db));
	}
	sq_finalize(st);
	return r;
}

static enum xz_result sq_begin(struct store *base)
{
	struct sq *db = (struct sq *)base;
	char sql[32];
	if (db->tx_depth == 0)
		snprintf(sql, sizeof(sql), "BEGIN IMMEDIATE");
	else
		snprintf(sql, sizeof(sql), "SAVEPOINT s%d", db->tx_depth);
	enum xz_result r = run_cached(db, sql);
	if (!r)
		db->tx_depth++;
	return r;
}

static enum xz_result sq_commit(struct store *base)
{
	struct sq *db = (struct sq *)base;
	char sql[32];
	if (db->tx_depth == 0)
		return XZ_ERR_INTERNAL;
	db->tx_depth--;
	if (db->tx_depth == 0)
		snprintf(sql, sizeof(sql), "COMMIT");
	else
		snprintf(sql, sizeof(sql), "RELEASE s%d", db->tx_depth);
	enum xz_result r = run_cached(db, sql);
	if (r && db->tx_depth == 0 && !sqlite3_get_autocommit(db->db))
		db->tx_depth = 1; /* COMMIT failed: still open, the caller rolls back */
	else if (db->tx_depth == 0)
		db->lost_rc = 0; /* committed, or reported lost by r: either way over */
	return r;
}

static void sq_rollback(struct store *base)
{
	struct sq *db = (struct sq *)base;
	char sql[64];
	if (db->tx_depth > 1) {
		db->tx_depth--;
		snprintf(sql, sizeof(sql), "ROLLBACK TO s%d; RELEASE s%d", db->tx_depth,
		         db->tx_depth);
		sqlite3_exec(db->db, sql, NULL, NULL, NULL);
		return;
	}
	db->tx_depth = 0;
	db->lost_rc = 0;
	if (!sqlite3_get_autocommit(db->db))
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
}

static void sq_rollback_all(struct store *base)
{
	struct sq *db = (struct sq *)base;
	db->tx_depth = 0;
	db->lost_rc = 0;
	if (!sqlite3_get_autocommit(db->db))
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
}

static bool sq_in_tx(struct store *base)
{
	struct sq *db = (struct sq *)base;
	return db->tx_depth > 0;
}

/* flags do not matter here: SQLite writes a queued row at once */
static enum xz_result sq_prepare(struct store *base, const char *sql, int flags,
                                 struct store_stmt **out)
{
	(void)flags;
	struct sq *db = (struct sq *)base;
	struct sq_stmt *s = xcalloc(1, sizeof(*s));
	struct cached_stmt *victim = NULL;
	uint64_t hash = 14695981039346656037u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		hash = (hash ^ *p) * 1099511628211u;
	s->db = db;
	s->base.db = base;
	db->tick++;
	for (int i = 0; i < STMT_CACHE; i++) {
		struct cached_stmt *c = &db->cache[i];
		if (c->busy)
			continue;
		if (c->sql && c->hash == hash && !strcmp(c->sql, sql)) {
			c->busy = true;
			c->used = db->tick;
			s->st = c->st;
			s->cached = c;
			*out = &s->base;
			return XZ_OK;
		}
		if (!victim || !c->sql || (victim->sql && c->used < victim->used))
			victim = c;
	}
	int rc = sqlite3_prepare_v3(db->db, sql, -1, victim ? SQLITE_PREPARE_PERSISTENT : 0, &s->st,
	                            NULL);
	if (rc != SQLITE_OK) {
		log_error("prepare failed: %s in: %s", sqlite3_errmsg(db->db), sql);
		free(s);
		*out = NULL;
		return failure(rc);
	}
	if (victim) {
		sqlite3_finalize(victim->st);
		free(victim->sql);
		victim->sql = xstrdup(sql);
		victim->hash = hash;
		victim->st = s->st;
		victim->busy = true;
		victim->used = db->tick;
		s->cached = victim;
	}
	*out = &s->base;
	return XZ_OK;
}

static void sq_bind_text(struct store_stmt *base, int idx, const char *v)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	if (v)
		sqlite3_bind_text(st->st, idx, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->st, idx);
}

static void sq_bind_int(struct store_stmt *base, int idx, int64_t v)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	sqlite3_bind_int64(st->st, idx, v);
}

static void sq_bind_double(struct store_stmt *base, int idx, double v)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	sqlite3_bind_double(st->st, idx, v);
}

static void sq_bind_null(struct store_stmt *base, int idx)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	sqlite3_bind_null(st->st, idx);
}

static void sq_bind_blob(struct store_stmt *base, int idx, const void *data, size_t len)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	if (data)
		sqlite3_bind_blob64(st->st, idx, data, (sqlite3_uint64)len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->st, idx);
}

static enum store_step sq_step(struct store_stmt *base)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	struct sq *db = st->db;
	if (db->lost_rc) {
		st->last_rc = db->lost_rc;
		return STORE_FAIL;
	}
	int rc = sqlite3_step(st->st);
	st->last_rc = rc;
	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_DONE;
	log_debug("step failed: %s", sqlite3_errmsg(db->db));
	if (db->tx_depth > 0 && sqlite3_get_autocommit(db->db)) {
		log_error("transaction rolled back by SQLite: %s", sqlite3_errstr(rc));
		db->lost_rc = rc;
	}
	return STORE_FAIL;
}

static void sq_reset(struct store_stmt *base)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	sqlite3_reset(st->st);
}

static enum xz_result sq_stmt_result(struct store_stmt *base)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	switch (st->last_rc) {
	case SQLITE_ROW:
	case SQLITE_DONE:
		return XZ_OK;
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return XZ_ERR_DUPLICATE;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return XZ_ERR_REFERENCED;
	default:
		log_error("sql error: %s", sqlite3_errmsg(st->db->db));
		return failure(st->last_rc);
	}
}

static int sq_column_count(struct store_stmt *base)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	return sqlite3_column_count(st->st);
}

static const char *sq_column_name(struct store_stmt *base, int col)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	return sqlite3_column_name(st->st, col);
}

static enum store_type sq_column_type(struct store_stmt *base, int col)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	switch (sqlite3_column_type(st->st, col)) {
	case SQLITE_INTEGER:
		return STORE_INT;
	case SQLITE_FLOAT:
		return STORE_FLOAT;
	case SQLITE_NULL:
		return STORE_NULL;
	default:
		return STORE_TEXT;
	}
}

static const char *sq_column_text(struct store_stmt *base, int col)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	return (const char *)sqlite3_column_text(st->st, col);
}

static int64_t sq_column_int(struct store_stmt *base, int col)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	return sqlite3_column_int64(st->st, col);
}

static double sq_column_double(struct store_stmt *base, int col)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	return sqlite3_column_double(st->st, col);
}

static const void *sq_column_blob(struct store_stmt *base, int col, size_t *len)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	/* blob first, then bytes: the order SQLite documents for a valid length */
	const void *p = sqlite3_column_blob(st->st, col);
	*len = (size_t)sqlite3_column_bytes(st->st, col);
	return p;
}

static void sq_finalize(struct store_stmt *base)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	if (!st)
		return;
	if (st->cached) {
		/* back to the cache, reset so it holds no read lock */
		sqlite3_reset(st->st);
		sqlite3_clear_bindings(st->st);
		st->cached->busy = false;
	} else {
		sqlite3_finalize(st->st);
	}
	free(st);
}

static int64_t sq_last_insert_id(struct store *base)
{
	struct sq *db = (struct sq *)base;
	return sqlite3_last_insert_rowid(db->db);
}

static int sq_changes(struct store *base)
{
	struct sq *db = (struct sq *)base;
	return sqlite3_changes(db->db);
}

static void sq_sql_tag_contains(struct buf *b, const char *col)
{
	buf_printf(b, "EXISTS (SELECT 1 FROM json_each(%s) WHERE json_each.value = ?)", col);
}

static void sq_sql_id_array(struct buf *b, const char *other, const char *table, const char *self)
{
	buf_printf(b,
	           "(SELECT json_group_array(x) FROM (SELECT %s AS x FROM %s WHERE %s = t.id"
	           " ORDER BY 1))",
	           other, table, self);
}

static void sq_sql_like(struct buf *b, const char *col)
{
	buf_printf(b, "%s LIKE ? ESCAPE '\\'", col);
}

static void sq_sql_json_ids(struct buf *b)
{
	buf_puts(b, "(SELECT value FROM json_each(?))");
}

static enum xz_result sq_check(struct store *base, void (*fn)(void *arg, const char *problem),
                               void *arg, int *problems)
{
	struct sq *db = (struct sq *)base;
	static const char *const checks[] = {"PRAGMA integrity_check", "PRAGMA foreign_key_check"};
	enum xz_result r = XZ_OK;
	*problems = 0;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]) && !r; i++) {
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(db->db, checks[i], -1, &st, NULL);
		while (rc == SQLITE_OK || rc == SQLITE_ROW) {
			if ((rc = sqlite3_step(st)) != SQLITE_ROW)
				break;
			char line[512];
			if (i == 0) {
				const char *t = (const char *)sqlite3_column_text(st, 0);
				if (t && !strcmp(t, "ok"))
					continue;
				snprintf(line, sizeof(line), "%s", t ? t : "?");
			} else {
				/* table, rowid, referenced table, constraint index */
				snprintf(line, sizeof(line),
				         "外键不一致：%s 表第 %lld 行引用的 %s 记录不存在",
				         (const char *)sqlite3_column_text(st, 0),
				         (long long)sqlite3_column_int64(st, 1),
				         (const char *)sqlite3_column_text(st, 2));
			}
			++*problems;
			fn(arg, line);
		}
		if (rc != SQLITE_DONE) {
			log_error("%s failed: %s", checks[i], sqlite3_errmsg(db->db));
			r = failure(rc);
		}
		sqlite3_finalize(st);
	}
	return r;
}

static enum xz_result sq_backup(struct store *base, const char *path)
{
	struct sq *db = (struct sq *)base;
	struct store_stmt *st = NULL;
	enum xz_result r = sq_prepare(base, "VACUUM INTO ?", 0, &st);
	if (r)
		return r;
	sq_bind_text(st, 1, path);
	if (sq_step(st) != STORE_DONE) {
		log_error("backup to %s failed: %s", path, sqlite3_errmsg(db->db));
		r = XZ_ERR_IO;
	}
	sq_finalize(st);
	return r;
}

static enum xz_result sq_restore(const char *path, const char *url, char *msg, size_t n)
{
	sqlite3 *src = NULL, *dst = NULL;
	enum xz_result r = XZ_ERR_VALIDATION;
	sqlite3_stmt *st = NULL;
	int newest = store_migrations_newest(&store_sqlite_ops);
	if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(msg, n, "无法打开备份文件 %s", path);
		goto out;
	}
	if (sqlite3_prepare_v2(src, "SELECT max(version) FROM schema_version", -1, &st, NULL) !=
	        SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(msg, n, "%s 不是新质数据库的备份", path);
		goto out;
	}
	int version = sqlite3_column_int(st, 0);
	if (version > newest) {
		snprintf(msg, n, "备份的数据结构版本 %d 比本程序（%d）新，请先升级程序", version,
		         newest);
		goto out;
	}
	if (sqlite3_open_v2(url, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(msg, n, "无法打开数据库 %s", url);
		r = XZ_ERR_STORE;
		goto out;
	}
	sqlite3_busy_timeout(dst, BUSY_TIMEOUT_MS);
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(msg, n, "恢复失败：%s", sqlite3_errmsg(dst));
		r = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? XZ_ERR_BUSY : XZ_ERR_STORE;
		goto out;
	}
	r = XZ_OK;
out:
	sqlite3_finalize(st);
	sqlite3_close(src);
	sqlite3_close(dst);
	return r;
}

/* ---- process lock ---- */

static enum xz_result sq_lock_file(const char *url, bool exclusive, int *fd)
{
	*fd = -1;
	if (!strcmp(url, ":memory:"))
		return XZ_OK;
	char *path = xasprintf("%s.lock", url);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	if (*fd < 0)
		return XZ_ERR_IO;
	if (flock(*fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
		close(*fd);
		*fd = -1;
		return XZ_ERR_BUSY;
	}
	return XZ_OK;
}

static void sq_unlock_file(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* ---- key rotation ---- */

/* Table and column names come from sqlite_master and PRAGMA table_info, never
 * from a user: they are quoted as identifiers; every value is bound. */
static enum xz_result rewrite_column(struct sq *db, const char *table, const char *column,
                                     bool has_hash, const char *prefix, store_rewrite_fn fn,
                                     void *cls, long *count)
{
	char *sel =
	    sqlite3_mprintf("SELECT rowid, \"%w\" FROM \"%w\" WHERE substr(\"%w\", 1, %d) = ?",
	                    column, table, column, (int)strlen(prefix));
	char *upd = has_hash ? sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = ?, \"%w_hash\" = "
	                                       "coalesce(?, \"%w_hash\") WHERE rowid = ?",
	                                       table, column, column, column)
	                     : sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = ? WHERE rowid = ?",
	                                       table, column);
	sqlite3_stmt *s = NULL, *u = NULL;
	enum xz_result r = XZ_ERR_STORE;
	if (sqlite3_prepare_v2(db->db, sel, -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->db, upd, -1, &u, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(s, 1, prefix, -1, SQLITE_STATIC);
	int rc;
	r = XZ_OK;
	while (!r && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		char *replace = NULL, *hash = NULL;
		r = fn(cls, table, column, (const char *)sqlite3_column_text(s, 1), &replace,
		       &hash);
		if (r)
			break;
		int i = 1;
		sqlite3_bind_text(u, i++, replace, -1, free);
		if (has_hash)
			sqlite3_bind_text(u, i++, hash, -1, free);
		else
			free(hash);
		sqlite3_bind_int64(u, i, sqlite3_column_int64(s, 0));
		if (sqlite3_step(u) != SQLITE_DONE)
			r = XZ_ERR_STORE;
		sqlite3_reset(u);
		sqlite3_clear_bindings(u);
		(*count)++;
	}
	if (!r && rc != SQLITE_DONE)
		r = XZ_ERR_STORE;
out:
	if (r == XZ_ERR_STORE)
		log_error("rewriting %s.%s failed: %s", table, column, sqlite3_errmsg(db->db));
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	sqlite3_free(sel);
	sqlite3_free(upd);
	return r;
}

static enum xz_result sq_rewrite_text(struct store *base, const char *prefix,
                                      const char *const *skip, store_rewrite_fn fn, void *cls,
                                      long *count)
{
	struct sq *db = (struct sq *)base;
	sqlite3_stmt *tables = NULL;
	enum xz_result r = XZ_OK;
	*count = 0;
	if (sqlite3_prepare_v2(db->db,
	                       "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
	                       "LIKE 'sqlite_%' ORDER BY name",
	                       -1, &tables, NULL) != SQLITE_OK)
		return XZ_ERR_STORE;
	while (!r && sqlite3_step(tables) == SQLITE_ROW) {
		char *table = xstrdup((const char *)sqlite3_column_text(tables, 0));
		if (store_name_skipped(table, skip)) {
			free(table);
			continue;
		}
		sqlite3_stmt *cols = NULL;
		/* sealed values are text; a WITHOUT ROWID table (the link tables)
		 * has only integer columns */
		char *sql =
		    sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q) WHERE type = 'TEXT' "
		                    "AND NOT EXISTS (SELECT 1 FROM sqlite_master WHERE name = %Q "
		                    "AND sql LIKE '%%WITHOUT ROWID%%')",
		                    table, table);
		char *names[128];
		int n = 0;
		if (sqlite3_prepare_v2(db->db, sql, -1, &cols, NULL) == SQLITE_OK)
			while (n < 128 && sqlite3_step(cols) == SQLITE_ROW)
				names[n++] = xstrdup((const char *)sqlite3_column_text(cols, 0));
		sqlite3_finalize(cols);
		sqlite3_free(sql);
		for (int i = 0; i < n && !r; i++) {
			char want[256];
			snprintf(want, sizeof(want), "%s_hash", names[i]);
			bool has_hash = false;
			for (int k = 0; k < n; k++)
				has_hash |= !strcmp(names[k], want);
			r = rewrite_column(db, table, names[i], has_hash, prefix, fn, cls, count);
		}
		for (int i = 0; i < n; i++)
			free(names[i]);
		free(table);
	}
	sqlite3_finalize(tables);
	return r;
}

const struct store_ops store_sqlite_ops = {
    .dialect = STORE_SQLITE,
    .migrations = migrations_sqlite,
    .nmigrations = &migrations_sqlite_count,
    .version_table_sql = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                         " name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    .open = sq_open,
    .close = sq_close,
    .errmsg = sq_errmsg,
    .exec = sq_exec,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .rollback_all = sq_rollback_all,
    .in_tx = sq_in_tx,
    .prepare = sq_prepare,
    .bind_text = sq_bind_text,
    .bind_int = sq_bind_int,
    .bind_double = sq_bind_double,
    .bind_null = sq_bind_null,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .reset = sq_reset,
    .stmt_result = sq_stmt_result,
    .column_count = sq_column_count,
    .column_name = sq_column_name,
    .column_type = sq_column_type,
    .column_text = sq_column_text,
    .column_int = sq_column_int,
    .column_double = sq_column_double,
    .column_blob = sq_column_blob,
    .finalize = sq_finalize,
    .last_insert_id = sq_last_insert_id,
    .changes = sq_changes,
    .sql_tag_contains = sq_sql_tag_contains,
    .sql_id_array = sq_sql_id_array,
    .sql_like = sq_sql_like,
    .sql_json_ids = sq_sql_json_ids,
    .check = sq_check,
    .backup = sq_backup,
    .restore = sq_restore,
    .lock = sq_lock_file,
    .unlock = sq_unlock_file,
    .rewrite_text = sq_rewrite_text,
};
