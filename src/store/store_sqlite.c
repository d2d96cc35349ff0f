/*
 * The SQLite backend of store.h. A connection runs in WAL mode with foreign
 * keys on, a busy timeout, and synchronous=FULL so that a write acknowledged
 * to a client has reached the disk (the crash tests rely on this).
 * secure_delete overwrites freed pages so deleted personal data does not
 * linger in the file.
 */
#include "core/log.h"
#include "core/mem.h"
#include "store/migrate.h"
#include "store/store.h"

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

struct store {
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

struct store_stmt {
	struct store *db;
	sqlite3_stmt *st;
	int last_rc;
	struct cached_stmt *cached; /* the cache slot it came from, or NULL */
};

#define BUSY_TIMEOUT_MS 5000

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

enum xz_result store_exec(struct store *db, const char *sql)
{
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

int store_schema_version(struct store *db)
{
	int64_t v = 0;
	store_query_int(db, "SELECT coalesce(max(version), 0) FROM schema_version", &v, 0, NULL);
	return (int)v;
}

static int migrate_newest(void)
{
	int newest = 0;
	for (size_t i = 0; i < migrations_sqlite_count; i++)
		if (migrations_sqlite[i].version > newest)
			newest = migrations_sqlite[i].version;
	return newest;
}

/* the migration with the lowest version above after, or NULL */
static const struct migration *migrate_next(int after)
{
	const struct migration *best = NULL;
	for (size_t i = 0; i < migrations_sqlite_count; i++) {
		const struct migration *m = &migrations_sqlite[i];
		if (m->version > after && (!best || m->version < best->version))
			best = m;
	}
	return best;
}

static enum xz_result migrate(struct store *db)
{
	enum xz_result r = store_exec(db, "CREATE TABLE IF NOT EXISTS schema_version ("
	                                  "version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	                                  " applied_at TEXT NOT NULL)");
	if (r)
		return r;
	int have = store_schema_version(db);
	int newest = migrate_newest();
	if (have > newest) {
		log_error("database schema version %d is newer than this program (%d); "
		          "upgrade xinzhi",
		          have, newest);
		return XZ_ERR_STORE;
	}
	const char *limit = getenv("XINZHI_MIGRATE_TO"); /* tests build old databases */
	int upto = limit ? atoi(limit) : newest;
	/* in version order, whatever the order of the table */
	for (const struct migration *m; (m = migrate_next(have)) && m->version <= upto;
	     have = m->version) {
		if ((r = store_begin(db)))
			return r;
		struct store_stmt *st = NULL;
		r = store_exec(db, m->sql);
		if (!r)
			r = store_prepare(db,
			                  "INSERT INTO schema_version (version, name, applied_at)"
			                  " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
			                  &st);
		if (!r) {
			store_bind_int(st, 1, m->version);
			store_bind_text(st, 2, m->name);
			if (store_step(st) != STORE_DONE)
				r = XZ_ERR_STORE;
			store_finalize(st);
		}
		if (!r)
			r = store_commit(db);
		if (r) {
			store_rollback(db);
			log_error("migration %d (%s) failed", m->version, m->name);
			return r;
		}
		log_debug("applied migration %d: %s", m->version, m->name);
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
	static const sqlite3_mem_methods methods = {sq_malloc, sq_free,     sq_realloc, sq_size,
	                                            sq_roundup, sq_init, sq_shutdown, NULL};
	const char *fault = getenv("XINZHI_FAULT_ALLOC");
	if (fault && *fault)
		sqlite3_config(SQLITE_CONFIG_MALLOC, &methods);
#endif
}

enum xz_result store_open(const char *url, struct store **out)
{
	static pthread_once_t setup = PTHREAD_ONCE_INIT;
	pthread_once(&setup, sqlite_setup);
	enum xz_result r = XZ_OK;
	struct store *db = xcalloc(1, sizeof(*db));
	*out = NULL;
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13)) {
		fprintf(stderr, "xinzhi: 此版本尚未包含 PostgreSQL 后端：%s\n", url);
		r = XZ_ERR_STORE;
		goto out;
	}
	int rc = sqlite3_open_v2(url, &db->db,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                         NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "xinzhi: 无法打开数据库 %s：%s\n", url,
		        db->db ? sqlite3_errmsg(db->db) : sqlite3_errstr(rc));
		r = XZ_ERR_STORE;
		goto out;
	}
	sqlite3_busy_timeout(db->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db->db, 1);
	r = store_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                   " PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
	                   " PRAGMA temp_store=MEMORY;");
	if (r) {
		fprintf(stderr, "xinzhi: 数据库 %s 不可用：%s\n", url, sqlite3_errmsg(db->db));
		goto out;
	}
	r = migrate(db);
out:
	if (r) {
		store_close(db);
		return r;
	}
	*out = db;
	return XZ_OK;
}

void store_close(struct store *db)
{
	if (!db)
		return;
	for (int i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(db->cache[i].st);
		free(db->cache[i].sql);
	}
	sqlite3_close(db->db);
	free(db);
}

enum store_dialect store_dialect(const struct store *db)
{
	(void)db;
	return STORE_SQLITE;
}

const char *store_errmsg(struct store *db)
{
	return sqlite3_errmsg(db->db);
}

/* Nested transactions are savepoints, so an inner failure (one bad row of
 * an import) undoes only its own work and the outer transaction goes on. */
/* A one-statement command through the statement cache: savepoints are
 * taken for every row of an import, and parsing them each time showed. */
static enum xz_result run_cached(struct store *db, const char *sql)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	if (store_step(st) == STORE_FAIL) {
		r = store_stmt_result(st);
		if (!r)
			r = XZ_ERR_STORE;
		log_error("sql failed: %s: %s", sql, sqlite3_errmsg(db->db));
	}
	store_finalize(st);
	return r;
}

enum xz_result store_begin(struct store *db)
{
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

enum xz_result store_commit(struct store *db)
{
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

void store_rollback(struct store *db)
{
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

void store_rollback_all(struct store *db)
{
	db->tx_depth = 0;
	db->lost_rc = 0;
	if (!sqlite3_get_autocommit(db->db))
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
}

bool store_in_tx(struct store *db)
{
	return db->tx_depth > 0;
}

enum xz_result store_prepare(struct store *db, const char *sql, struct store_stmt **out)
{
	struct store_stmt *s = xcalloc(1, sizeof(*s));
	struct cached_stmt *victim = NULL;
	uint64_t hash = 14695981039346656037u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		hash = (hash ^ *p) * 1099511628211u;
	s->db = db;
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
			*out = s;
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
	*out = s;
	return XZ_OK;
}

void store_bind_text(struct store_stmt *st, int idx, const char *v)
{
	if (v)
		sqlite3_bind_text(st->st, idx, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->st, idx);
}

void store_bind_int(struct store_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(st->st, idx, v);
}

void store_bind_double(struct store_stmt *st, int idx, double v)
{
	sqlite3_bind_double(st->st, idx, v);
}

void store_bind_null(struct store_stmt *st, int idx)
{
	sqlite3_bind_null(st->st, idx);
}

void store_bind_blob(struct store_stmt *st, int idx, const void *data, size_t len)
{
	if (data)
		sqlite3_bind_blob64(st->st, idx, data, (sqlite3_uint64)len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->st, idx);
}

enum store_step store_step(struct store_stmt *st)
{
	struct store *db = st->db;
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

void store_reset(struct store_stmt *st)
{
	sqlite3_reset(st->st);
}

enum xz_result store_stmt_result(struct store_stmt *st)
{
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

int store_column_count(struct store_stmt *st)
{
	return sqlite3_column_count(st->st);
}

const char *store_column_name(struct store_stmt *st, int col)
{
	return sqlite3_column_name(st->st, col);
}

enum store_type store_column_type(struct store_stmt *st, int col)
{
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

const char *store_column_text(struct store_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->st, col);
}

int64_t store_column_int(struct store_stmt *st, int col)
{
	return sqlite3_column_int64(st->st, col);
}

double store_column_double(struct store_stmt *st, int col)
{
	return sqlite3_column_double(st->st, col);
}

const void *store_column_blob(struct store_stmt *st, int col, size_t *len)
{
	/* blob first, then bytes: the order SQLite documents for a valid length */
	const void *p = sqlite3_column_blob(st->st, col);
	*len = (size_t)sqlite3_column_bytes(st->st, col);
	return p;
}

void store_finalize(struct store_stmt *st)
{
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

int64_t store_last_insert_id(struct store *db)
{
	return sqlite3_last_insert_rowid(db->db);
}

int store_changes(struct store *db)
{
	return sqlite3_changes(db->db);
}

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

void store_sql_tag_contains(struct store *db, struct buf *b, const char *col)
{
	(void)db;
	buf_printf(b, "EXISTS (SELECT 1 FROM json_each(%s) WHERE json_each.value = ?)", col);
}

void store_sql_id_array(struct store *db, struct buf *b, const char *other, const char *table,
                        const char *self)
{
	(void)db;
	buf_printf(b,
	           "(SELECT json_group_array(x) FROM (SELECT %s AS x FROM %s WHERE %s = t.id"
	           " ORDER BY 1))",
	           other, table, self);
}

void store_sql_like(struct store *db, struct buf *b, const char *col)
{
	(void)db;
	buf_printf(b, "%s LIKE ? ESCAPE '\\'", col);
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

enum xz_result store_check(struct store *db, void (*fn)(void *arg, const char *problem),
                           void *arg, int *problems)
{
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
				snprintf(line, sizeof(line), "外键不一致：%s 表第 %lld 行引用的 %s 记录不存在",
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

enum xz_result store_backup(struct store *db, const char *path)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db, "VACUUM INTO ?", &st);
	if (r)
		return r;
	store_bind_text(st, 1, path);
	if (store_step(st) != STORE_DONE) {
		log_error("backup to %s failed: %s", path, sqlite3_errmsg(db->db));
		r = XZ_ERR_IO;
	}
	store_finalize(st);
	return r;
}

enum xz_result store_restore(const char *path, const char *url, char *msg, size_t n)
{
	sqlite3 *src = NULL, *dst = NULL;
	enum xz_result r = XZ_ERR_VALIDATION;
	sqlite3_stmt *st = NULL;
	int newest = migrate_newest();
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
		snprintf(msg, n, "备份的数据结构版本 %d 比本程序（%d）新，请先升级程序", version, newest);
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

enum xz_result store_lock_file(const char *url, bool exclusive, int *fd)
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

void store_unlock_file(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* ---- key rotation ---- */

static bool skipped(const char *name, const char *const *skip)
{
	for (; skip && *skip; skip++)
		if (!strcmp(name, *skip))
			return true;
	return false;
}

/* Table and column names come from sqlite_master and PRAGMA table_info, never
 * from a user: they are quoted as identifiers; every value is bound. */
static enum xz_result rewrite_column(struct store *db, const char *table, const char *column,
                                     bool has_hash, const char *prefix, store_rewrite_fn fn,
                                     void *cls, long *count)
{
	char *sel = sqlite3_mprintf("SELECT rowid, \"%w\" FROM \"%w\" WHERE substr(\"%w\", 1, %d) = ?",
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
		r = fn(cls, table, column, (const char *)sqlite3_column_text(s, 1), &replace, &hash);
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

enum xz_result store_rewrite_text(struct store *db, const char *prefix, const char *const *skip,
                                  store_rewrite_fn fn, void *cls, long *count)
{
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
		if (skipped(table, skip)) {
			free(table);
			continue;
		}
		sqlite3_stmt *cols = NULL;
		/* sealed values are text; a WITHOUT ROWID table (the link tables)
		 * has only integer columns */
		char *sql = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q) WHERE type = 'TEXT' "
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
