/*
 * The PostgreSQL backend's operations beside statements: `xinzhi check`
 * (every table reads, every foreign key holds), backups and restores
 * through pg_dump and pg_restore, the lock between servers and the
 * commands that must run alone (a session advisory lock on a connection of
 * its own), and the walk over every text column that key rotation needs.
 */
#include "core/log.h"
#include "core/mem.h"
#include "store/store_pg.h"

#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* the key of the lock between servers and rekey/restore ("xzpr") */
#define PROCESS_LOCK_KEY 0x787a7072

/* Every row whose single-column foreign key names no row: PostgreSQL
 * enforces them, so one turns up only when triggers were switched off
 * (session_replication_role) or after damage. The names come from the
 * catalog and are quoted. */
static enum xz_result check_foreign_keys(struct pg *db, void (*fn)(void *arg, const char *problem),
                                         void *arg, int *problems)
{
	PGresult *fks = PQexec(
	    db->conn, "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text,"
	              " b.attname, EXISTS (SELECT 1 FROM pg_attribute i WHERE i.attrelid ="
	              " c.conrelid AND i.attname = 'id') FROM pg_constraint c"
	              " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
	              " JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1]"
	              " WHERE c.contype = 'f' AND cardinality(c.conkey) = 1"
	              " AND c.connamespace = current_schema()::regnamespace ORDER BY 1, 2");
	if (PQresultStatus(fks) != PGRES_TUPLES_OK) {
		store_pg_set_error(db, PQresultErrorMessage(fks));
		PQclear(fks);
		return XZ_ERR_STORE;
	}
	enum xz_result r = XZ_OK;
	for (int i = 0; i < PQntuples(fks) && !r; i++) {
		const char *table = PQgetvalue(fks, i, 0), *col = PQgetvalue(fks, i, 1),
		           *ref = PQgetvalue(fks, i, 2), *refcol = PQgetvalue(fks, i, 3);
		bool has_id = *PQgetvalue(fks, i, 4) == 't';
		char *qc = PQescapeIdentifier(db->conn, col, strlen(col));
		char *qrc = PQescapeIdentifier(db->conn, refcol, strlen(refcol));
		/* regclass text is already quoted where it must be */
		char *sql = xasprintf("SELECT %s FROM %s c WHERE c.%s IS NOT NULL AND NOT EXISTS"
		                      " (SELECT 1 FROM %s r WHERE r.%s = c.%s) LIMIT 100",
		                      has_id ? "c.id" : "0", table, qc, ref, qrc, qc);
		PGresult *bad = PQexec(db->conn, sql);
		if (PQresultStatus(bad) != PGRES_TUPLES_OK) {
			store_pg_set_error(db, PQresultErrorMessage(bad));
			r = XZ_ERR_STORE;
		}
		for (int k = 0; !r && k < PQntuples(bad); k++) {
			char line[512];
			snprintf(line, sizeof(line),
			         "外键不一致：%s 表第 %s 行引用的 %s 记录不存在", table,
			         PQgetvalue(bad, k, 0), ref);
			++*problems;
			fn(arg, line);
		}
		PQclear(bad);
		free(sql);
		PQfreemem(qc);
		PQfreemem(qrc);
	}
	PQclear(fks);
	return r;
}

/* PostgreSQL checks its own pages (data checksums, amcheck); here every
 * table must read and every foreign key hold. */
enum xz_result store_pg_check(struct store *base, void (*fn)(void *arg, const char *problem),
                              void *arg, int *problems)
{
	struct pg *db = (struct pg *)base;
	*problems = 0;
	PGresult *tables = PQexec(db->conn, "SELECT c.relname FROM pg_class c JOIN pg_namespace n"
	                                    " ON n.oid = c.relnamespace WHERE c.relkind = 'r'"
	                                    " AND n.nspname = current_schema() ORDER BY 1");
	if (PQresultStatus(tables) != PGRES_TUPLES_OK) {
		store_pg_set_error(db, PQresultErrorMessage(tables));
		PQclear(tables);
		return XZ_ERR_STORE;
	}
	for (int i = 0; i < PQntuples(tables); i++) {
		char *q = PQescapeIdentifier(db->conn, PQgetvalue(tables, i, 0),
		                             strlen(PQgetvalue(tables, i, 0)));
		char *sql = xasprintf("SELECT count(*) FROM %s", q);
		PGresult *res = PQexec(db->conn, sql);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			char line[600];
			snprintf(line, sizeof(line), "表 %s 无法读取：%s", PQgetvalue(tables, i, 0),
			         PQresultErrorMessage(res));
			++*problems;
			fn(arg, line);
		}
		PQclear(res);
		free(sql);
		PQfreemem(q);
	}
	PQclear(tables);
	return check_foreign_keys(db, fn, arg, problems);
}

/* ---- backup and restore through pg_dump and pg_restore ---- */

/* Runs a PostgreSQL client program (no shell: argv as given) and waits.
 * With out, its standard output is collected there (caller frees). The
 * exit status, or -1 when it could not be started. */
static int run_tool(char *const argv[], char **out)
{
	int pipefd[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (out) {
		*out = NULL;
		if (pipe(pipefd)) {
			posix_spawn_file_actions_destroy(&fa);
			return -1;
		}
		posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
		posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	}
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (out)
		close(pipefd[1]);
	if (rc) {
		if (out)
			close(pipefd[0]);
		log_error("cannot run %s: %s", argv[0], strerror(rc));
		return -1;
	}
	if (out) {
		struct buf b = BUF_INIT;
		char chunk[8192];
		ssize_t n;
		while ((n = read(pipefd[0], chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR))
			if (n > 0)
				buf_append(&b, chunk, (size_t)n);
		close(pipefd[0]);
		*out = buf_steal(&b);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A consistent snapshot in pg_dump's custom format, while others write. */
enum xz_result store_pg_backup(struct store *base, const char *path)
{
	struct pg *db = (struct pg *)base;
	char *file = xasprintf("--file=%s", path), *dbname = xasprintf("--dbname=%s", db->url);
	char *argv[] = {"pg_dump", "--format=custom", "--no-owner", "--no-privileges", file, dbname,
	                NULL};
	int rc = run_tool(argv, NULL);
	free(file);
	free(dbname);
	if (rc) {
		store_pg_set_error(db, rc < 0 ? "无法运行 pg_dump（请安装 postgresql-client）"
		                              : "pg_dump 失败");
		return XZ_ERR_IO;
	}
	return XZ_OK;
}

/* The highest schema version in a dump's schema_version data, or -1 when
 * the dump has none (not an xinzhi database). */
static int dump_version(const char *path)
{
	char *file = xstrdup(path), *out = NULL;
	char *argv[] = {"pg_restore", "--data-only", "--table=schema_version",
	                "--file=-",   file,          NULL};
	int version = -1;
	if (run_tool(argv, &out) == 0 && out && strstr(out, "COPY public.schema_version")) {
		const char *p = strstr(out, "COPY public.schema_version");
		p = strchr(p, '\n');
		while (p && *++p && strncmp(p, "\\.", 2)) {
			int v = atoi(p);
			if (v > version)
				version = v;
			p = strchr(p, '\n');
		}
	}
	free(out);
	free(file);
	return version;
}

/* Checks the dump first (an xinzhi database, no newer than this program),
 * then replaces the database's contents in one transaction. */
enum xz_result store_pg_restore(const char *path, const char *url, char *msg, size_t n)
{
	int version = dump_version(path);
	int newest = store_migrations_newest(&store_pg_ops);
	if (version < 0) {
		snprintf(msg, n, "%s 不是新质 PostgreSQL 数据库的备份", path);
		return XZ_ERR_VALIDATION;
	}
	if (version > newest) {
		snprintf(msg, n, "备份的数据结构版本 %d 比本程序（%d）新，请先升级程序", version,
		         newest);
		return XZ_ERR_VALIDATION;
	}
	char *file = xstrdup(path), *dbname = xasprintf("--dbname=%s", url);
	char *argv[] = {"pg_restore",
	                "--clean",
	                "--if-exists",
	                "--no-owner",
	                "--no-privileges",
	                "--single-transaction",
	                "--exit-on-error",
	                dbname,
	                file,
	                NULL};
	int rc = run_tool(argv, NULL);
	free(file);
	free(dbname);
	if (rc) {
		snprintf(msg, n, "恢复失败：pg_restore %s，数据库未改变",
		         rc < 0 ? "无法运行（请安装 postgresql-client）" : "报错");
		return XZ_ERR_STORE;
	}
	return XZ_OK;
}

/* ---- process lock: a session-level advisory lock on its own connection ---- */

#define MAX_LOCKS 8

static pthread_mutex_t locks_mu = PTHREAD_MUTEX_INITIALIZER;
static PGconn *locks[MAX_LOCKS];

enum xz_result store_pg_lock(const char *url, bool exclusive, int *fd)
{
	*fd = -1;
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return XZ_ERR_IO;
	}
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT pg_try_advisory_lock%s(%d)", exclusive ? "" : "_shared",
	         PROCESS_LOCK_KEY);
	PGresult *res = PQexec(c, sql);
	bool got = PQresultStatus(res) == PGRES_TUPLES_OK && *PQgetvalue(res, 0, 0) == 't';
	PQclear(res);
	if (!got) {
		PQfinish(c);
		return XZ_ERR_BUSY;
	}
	pthread_mutex_lock(&locks_mu);
	for (int i = 0; i < MAX_LOCKS; i++)
		if (!locks[i]) {
			locks[i] = c;
			*fd = PQsocket(c);
			break;
		}
	pthread_mutex_unlock(&locks_mu);
	if (*fd < 0) {
		PQfinish(c);
		return XZ_ERR_BUSY;
	}
	return XZ_OK;
}

bool store_pg_release_lock(int fd)
{
	bool found = false;
	pthread_mutex_lock(&locks_mu);
	for (int i = 0; i < MAX_LOCKS && fd >= 0; i++)
		if (locks[i] && PQsocket(locks[i]) == fd) {
			PQfinish(locks[i]);
			locks[i] = NULL;
			found = true;
			break;
		}
	pthread_mutex_unlock(&locks_mu);
	return found;
}

void store_pg_unlock(int fd)
{
	store_pg_release_lock(fd);
}

/* ---- key rotation ---- */

/* Table and column names come from the catalog, never from a user: they
 * are quoted as identifiers; every value is bound. Rows are found again by
 * their ctid, which holds within the caller's transaction until the row's
 * one update. */
static enum xz_result rewrite_column(struct pg *db, const char *table, const char *column,
                                     bool has_hash, const char *prefix, store_rewrite_fn fn,
                                     void *cls, long *count)
{
	char *qt = PQescapeIdentifier(db->conn, table, strlen(table));
	char *qc = PQescapeIdentifier(db->conn, column, strlen(column));
	char *hash_col = xasprintf("%s_hash", column);
	char *qh = PQescapeIdentifier(db->conn, hash_col, strlen(hash_col));
	char *sel = xasprintf("SELECT ctid::text, %s FROM %s WHERE substr(%s, 1, %d) = $1", qc, qt,
	                      qc, (int)strlen(prefix));
	char *upd = has_hash
	                ? xasprintf("UPDATE %s SET %s = $1, %s = coalesce($2, %s)"
	                            " WHERE ctid = CAST($3 AS tid)",
	                            qt, qc, qh, qh)
	                : xasprintf("UPDATE %s SET %s = $1 WHERE ctid = CAST($2 AS tid)", qt, qc);
	enum xz_result r = XZ_OK;
	const char *sel_params[] = {prefix};
	PGresult *rows = PQexecParams(db->conn, sel, 1, NULL, sel_params, NULL, NULL, 0);
	if (PQresultStatus(rows) != PGRES_TUPLES_OK) {
		store_pg_set_error(db, PQresultErrorMessage(rows));
		r = XZ_ERR_STORE;
		goto out;
	}
	for (int i = 0; i < PQntuples(rows) && !r; i++) {
		char *replace = NULL, *hash = NULL;
		r = fn(cls, table, column, PQgetvalue(rows, i, 1), &replace, &hash);
		if (r)
			break;
		const char *params[3] = {replace, has_hash ? hash : PQgetvalue(rows, i, 0),
		                         PQgetvalue(rows, i, 0)};
		PGresult *u =
		    PQexecParams(db->conn, upd, has_hash ? 3 : 2, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(u) != PGRES_COMMAND_OK) {
			store_pg_set_error(db, PQresultErrorMessage(u));
			r = XZ_ERR_STORE;
		}
		PQclear(u);
		free(replace);
		free(hash);
		(*count)++;
	}
out:
	if (r == XZ_ERR_STORE)
		log_error("rewriting %s.%s failed: %s", table, column, db->errmsg);
	PQclear(rows);
	free(sel);
	free(upd);
	free(hash_col);
	PQfreemem(qt);
	PQfreemem(qc);
	PQfreemem(qh);
	return r;
}

enum xz_result store_pg_rewrite_text(struct store *base, const char *prefix,
                                     const char *const *skip, store_rewrite_fn fn, void *cls,
                                     long *count)
{
	struct pg *db = (struct pg *)base;
	enum xz_result r = XZ_OK;
	*count = 0;
	PGresult *cols = PQexec(db->conn, "SELECT c.relname, a.attname FROM pg_class c"
	                                  " JOIN pg_namespace n ON n.oid = c.relnamespace"
	                                  " JOIN pg_attribute a ON a.attrelid = c.oid"
	                                  " WHERE c.relkind = 'r' AND n.nspname = current_schema()"
	                                  " AND a.attnum > 0 AND NOT a.attisdropped"
	                                  " AND a.atttypid = 'text'::regtype ORDER BY 1, a.attnum");
	if (PQresultStatus(cols) != PGRES_TUPLES_OK) {
		store_pg_set_error(db, PQresultErrorMessage(cols));
		PQclear(cols);
		return XZ_ERR_STORE;
	}
	int n = PQntuples(cols);
	for (int i = 0; i < n && !r; i++) {
		const char *table = PQgetvalue(cols, i, 0), *column = PQgetvalue(cols, i, 1);
		if (store_name_skipped(table, skip))
			continue;
		char want[256];
		snprintf(want, sizeof(want), "%s_hash", column);
		bool has_hash = false;
		for (int k = 0; k < n; k++)
			has_hash |= !strcmp(PQgetvalue(cols, k, 0), table) &&
			            !strcmp(PQgetvalue(cols, k, 1), want);
		r = rewrite_column(db, table, column, has_hash, prefix, fn, cls, count);
	}
	PQclear(cols);
	return r;
}
