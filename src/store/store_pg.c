/*
 * The PostgreSQL backend of store.h, over libpq. Callers' statements are
 * SQLite-flavoured text with '?' placeholders; each is rewritten once at
 * prepare time: placeholders become $1..$n (CAST($n AS TEXT) before IS
 * [NOT] NULL, where nothing gives the type) and the table name user (a
 * reserved word here) is quoted. Values travel as text of unknown type, so
 * PostgreSQL infers each parameter's type from where it stands (an id
 * compared with a BIGINT column is a BIGINT), the way SQLite's loose typing
 * let callers bind an id as text; photos travel as binary BYTEA. The
 * SQLite functions callers use that PostgreSQL lacks are made by the first
 * PostgreSQL migration (migrations_pg.c).
 *
 * The semantics callers were written against are kept:
 * - A write transaction (store_begin) takes one advisory lock for its
 *   whole life, as SQLite's BEGIN IMMEDIATE takes the write lock: writers
 *   queue, so the audit hash chain, the change feed's sequence and the
 *   check-then-insert validations see one writer at a time, across every
 *   process on the database. Readers never wait for it.
 * - A failed statement inside a transaction fails alone: each write in a
 *   transaction runs under its own savepoint, where PostgreSQL would
 *   otherwise abort the whole transaction.
 * - store_last_insert_id() is the identity value of the last INSERT on the
 *   connection: the rewrite appends RETURNING for tables that have one.
 * Imports queue their new rows (STORE_QUEUE) and send them with COPY; the
 * rules for when are in store.h. A result is fetched whole at its first
 * step, so a statement's whole answer is in memory at once, as the index
 * builds that read every talent expect.
 */
#include "core/log.h"
#include "core/mem.h"
#include "store/store_pg.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the key of the writers' advisory lock ("xzwr") */
#define WRITE_LOCK_KEY 0x787a7772
/* a writer waiting longer than this gets XZ_ERR_BUSY, like SQLite's busy
 * timeout */
#define LOCK_TIMEOUT "10s"

#define OID_BOOL    16
#define OID_BYTEA   17
#define OID_INT8    20
#define OID_INT2    21
#define OID_INT4    23
#define OID_OID     26
#define OID_FLOAT4  700
#define OID_FLOAT8  701
#define OID_NUMERIC 1700

/* tables with an identity column, by name, filled on first use and
 * forgotten after DDL */
struct ident {
	char *table;
	char *column; /* NULL: the table has none */
};

/* Rows for one table and column list, in COPY's text format. Queues are
 * sent table by table in the order the tables were first queued (a person
 * before the talent that refers to it); ids come from a block reserved on
 * the table's identity. */
struct queue {
	char *table;
	char *columns; /* the INSERT's column list, plus the identity column */
	int first;     /* the order of the table's first queued row */
	struct buf rows;
	long nrows;
	int64_t ids[256];
	int nids, used;
};

struct pg_stmt {
	struct store_stmt base;
	struct pg *db;
	char *sql; /* rewritten */
	int nparams;
	char **values;
	int *lengths, *formats;
	Oid *types;
	bool write;              /* INSERT, UPDATE or DELETE: runs under a savepoint in a tx */
	bool returning_added;    /* RETURNING <identity> was appended */
	bool nomem;              /* a parameter could not be copied */
	int flags;               /* STORE_QUEUE, STORE_NO_FLUSH */
	char *queue_table;       /* STORE_QUEUE on an INSERT of the plain form: its table */
	char *queue_columns;     /* and its column list */
	const char *queue_ident; /* the table's identity column, when the INSERT leaves it out */
	PGresult *res;
	int row, nrows;
	bool executed;
	enum xz_result result;
	unsigned char *blob;
};

static enum xz_result flush_queues(struct pg *db);

void store_pg_set_error(struct pg *db, const char *what)
{
	snprintf(db->errmsg, sizeof(db->errmsg), "%s", what ? what : "");
	size_t n = strlen(db->errmsg);
	while (n && (db->errmsg[n - 1] == '\n' || db->errmsg[n - 1] == ' '))
		db->errmsg[--n] = 0;
}

enum xz_result store_pg_failure(const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (!state)
		return XZ_ERR_STORE;
	if (!strcmp(state, "23505"))
		return XZ_ERR_DUPLICATE;
	if (!strcmp(state, "23503"))
		return XZ_ERR_REFERENCED;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") ||
	    !strcmp(state, "57014"))
		return XZ_ERR_BUSY;
	if (!strcmp(state, "53100"))
		return XZ_ERR_FULL;
	if (!strcmp(state, "53200"))
		return XZ_ERR_NOMEM;
	if (!strncmp(state, "08", 2) || !strncmp(state, "58", 2))
		return XZ_ERR_IO;
	return XZ_ERR_STORE;
}

static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	log_debug("postgres: %s", message);
}

/* Runs parameterless SQL on the connection; result code and message kept. */
static enum xz_result run(struct pg *db, const char *sql)
{
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType s = PQresultStatus(res);
	enum xz_result r = XZ_OK;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		store_pg_set_error(db, PQresultErrorMessage(res));
		r = store_pg_failure(res);
		if (r == XZ_ERR_STORE && !PQresultErrorField(res, PG_DIAG_SQLSTATE) &&
		    PQstatus(db->conn) != CONNECTION_OK)
			r = XZ_ERR_IO;
		log_error("sql failed: %s: %s", db->errmsg, sql);
	}
	PQclear(res);
	return r;
}

static enum xz_result pg_exec(struct store *base, const char *sql)
{
	struct pg *db = (struct pg *)base;
	db->idents_loaded = false; /* DDL may have made tables */
	enum xz_result r = flush_queues(db);
	if (r)
		return r;
	r = run(db, sql);
	if (r && db->tx_depth > 0)
		db->aborted = true;
	return r;
}

static void forget_idents(struct pg *db)
{
	for (int i = 0; i < db->nidents; i++) {
		free(db->idents[i].table);
		free(db->idents[i].column);
	}
	free(db->idents);
	db->idents = NULL;
	db->nidents = 0;
}

static void load_idents(struct pg *db)
{
	forget_idents(db);
	PGresult *res = PQexec(db->conn, "SELECT c.relname, a.attname FROM pg_class c"
	                                 " JOIN pg_namespace n ON n.oid = c.relnamespace"
	                                 " LEFT JOIN pg_attribute a ON a.attrelid = c.oid"
	                                 " AND a.attidentity <> '' AND a.attnum > 0"
	                                 " WHERE c.relkind = 'r' AND n.nspname = current_schema()");
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		db->nidents = PQntuples(res);
		db->idents = xcalloc((size_t)db->nidents + 1, sizeof(*db->idents));
		for (int i = 0; i < db->nidents; i++) {
			db->idents[i].table = xstrdup(PQgetvalue(res, i, 0));
			if (!PQgetisnull(res, i, 1))
				db->idents[i].column = xstrdup(PQgetvalue(res, i, 1));
		}
		db->idents_loaded = true;
	}
	PQclear(res);
}

static const char *identity_of(struct pg *db, const char *table, size_t len)
{
	if (!db->idents_loaded)
		load_idents(db);
	for (int i = 0; i < db->nidents; i++)
		if (strlen(db->idents[i].table) == len && !strncmp(db->idents[i].table, table, len))
			return db->idents[i].column;
	return NULL;
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (unsigned char)c >= 0x80;
}

static bool starts_word(const char *p, const char *word)
{
	size_t n = strlen(word);
	return !strncasecmp(p, word, n) && !is_word_char(p[n]);
}

/* The statement in PostgreSQL's form: '?' outside literals and quoted
 * names becomes $n; a bare word user becomes "user". Counts the
 * placeholders. */
char *store_pg_rewrite(const char *sql, int *nparams)
{
	struct buf b = BUF_INIT;
	int n = 0;
	for (const char *p = sql; *p;) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			const char *e = p + 1;
			while (*e && !(*e == q && e[1] != q))
				e += *e == q ? 2 : 1;
			if (*e)
				e++;
			buf_append(&b, p, (size_t)(e - p));
			p = e;
		} else if (*p == '-' && p[1] == '-') {
			const char *e = strchr(p, '\n');
			e = e ? e : p + strlen(p);
			buf_append(&b, p, (size_t)(e - p));
			p = e;
		} else if (*p == '?') {
			/* "? IS NULL" gives PostgreSQL nothing to infer a type from */
			const char *q = p + 1;
			while (*q == ' ')
				q++;
			if (starts_word(q, "IS"))
				buf_printf(&b, "CAST($%d AS TEXT)", ++n);
			else
				buf_printf(&b, "$%d", ++n);
			p++;
		} else if (is_word_char(*p)) {
			const char *e = p;
			while (is_word_char(*e))
				e++;
			bool qualified = p > sql && p[-1] == '.';
			if (e - p == 4 && !strncasecmp(p, "user", 4) && !qualified)
				buf_puts(&b, "\"user\"");
			else
				buf_append(&b, p, (size_t)(e - p));
			p = e;
		} else {
			buf_putc(&b, *p++);
		}
	}
	*nparams = n;
	return buf_steal(&b);
}

/* For "INSERT INTO t ..." into a table with an identity column and no
 * RETURNING of its own: the identity column's name, and the table's name
 * in *table, *len. */
static const char *insert_identity(struct pg *db, const char *sql)
{
	const char *p = sql;
	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	if (!starts_word(p, "INSERT"))
		return NULL;
	p += 6;
	while (*p == ' ')
		p++;
	if (!starts_word(p, "INTO"))
		return NULL;
	p += 4;
	while (*p == ' ')
		p++;
	const char *t = p;
	if (*t == '"')
		t++;
	const char *e = t;
	while (is_word_char(*e))
		e++;
	if (strcasestr(sql, "RETURNING"))
		return NULL;
	return identity_of(db, t, (size_t)(e - t));
}

static bool is_write(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
		sql++;
	return starts_word(sql, "INSERT") || starts_word(sql, "UPDATE") ||
	       starts_word(sql, "DELETE") || starts_word(sql, "WITH");
}

/* ---- queued rows (STORE_QUEUE) and COPY ---- */

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	return p;
}

/* "INSERT INTO t (a, b) VALUES ($1, $2)" and nothing else (the rewritten
 * text): its table and column list (caller frees both). */
bool store_pg_plain_insert(const char *sql, char **table, char **columns)
{
	const char *p = skip_space(sql);
	if (!starts_word(p, "INSERT"))
		return false;
	p = skip_space(p + 6);
	if (!starts_word(p, "INTO"))
		return false;
	p = skip_space(p + 4);
	const char *t = p;
	if (*p == '"')
		p = strchr(p + 1, '"') ? strchr(p + 1, '"') + 1 : p;
	while (is_word_char(*p))
		p++;
	const char *t_end = p;
	p = skip_space(p);
	if (t_end == t || *p != '(')
		return false;
	const char *c = ++p;
	while (*p && *p != ')')
		if (!is_word_char(*p) && *p != ',' && *p != ' ')
			return false;
		else
			p++;
	const char *c_end = p;
	if (*p != ')')
		return false;
	p = skip_space(p + 1);
	if (!starts_word(p, "VALUES"))
		return false;
	p = skip_space(p + 6);
	if (*p != '(')
		return false;
	/* one placeholder per column, and nothing else */
	int ncolumns = 1, nvalues = 0;
	for (const char *k = c; k < c_end; k++)
		ncolumns += *k == ',';
	for (p = skip_space(p + 1);; p = skip_space(p + 1)) {
		if (*p != '$' || !(p[1] >= '0' && p[1] <= '9'))
			return false;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
		nvalues++;
		p = skip_space(p);
		if (*p != ',')
			break;
	}
	if (*p != ')' || *skip_space(p + 1) || nvalues != ncolumns)
		return false;
	*table = xstrndup(t, (size_t)(t_end - t));
	*columns = xstrndup(c, (size_t)(c_end - c));
	return true;
}

static void discard_queues(struct pg *db)
{
	for (int i = 0; i < db->nqueues; i++) {
		free(db->queues[i].table);
		free(db->queues[i].columns);
		buf_free(&db->queues[i].rows);
	}
	free(db->queues);
	db->queues = NULL;
	db->nqueues = 0;
	db->queued = 0;
	db->tables_queued = 0;
}

static struct queue *queue_for(struct pg *db, const char *table, const char *columns)
{
	int first = 0;
	for (int i = 0; i < db->nqueues; i++) {
		struct queue *q = &db->queues[i];
		if (strcmp(q->table, table))
			continue;
		if (!strcmp(q->columns, columns))
			return q;
		first = q->first;
	}
	db->queues = xrealloc(db->queues, (size_t)(db->nqueues + 1) * sizeof(*db->queues));
	struct queue *q = &db->queues[db->nqueues++];
	memset(q, 0, sizeof(*q));
	q->table = xstrdup(table);
	q->columns = xstrdup(columns);
	q->first = first ? first : ++db->tables_queued;
	return q;
}

/* the next id of a table's identity, from a block reserved ahead */
static enum xz_result next_id(struct pg *db, struct queue *q, const char *ident, int64_t *id)
{
	if (q->used == q->nids) {
		char n[8];
		snprintf(n, sizeof(n), "%d", (int)(sizeof(q->ids) / sizeof(q->ids[0])));
		const char *params[] = {q->table, ident, n};
		PGresult *res = PQexecParams(db->conn,
		                             "SELECT nextval(pg_get_serial_sequence($1, $2))"
		                             " FROM generate_series(1, CAST($3 AS integer))",
		                             3, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			store_pg_set_error(db, PQresultErrorMessage(res));
			enum xz_result r = store_pg_failure(res);
			PQclear(res);
			return r;
		}
		q->nids = PQntuples(res);
		q->used = 0;
		for (int i = 0; i < q->nids; i++)
			q->ids[i] = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		PQclear(res);
		if (!q->nids)
			return XZ_ERR_STORE;
	}
	*id = q->ids[q->used++];
	return XZ_OK;
}

void store_pg_copy_field(struct buf *b, const char *v)
{
	if (!v) {
		buf_puts(b, "\\N");
		return;
	}
	for (; *v; v++) {
		switch (*v) {
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		default:
			buf_putc(b, *v);
		}
	}
}

/* Sends every queued row with COPY, table by table. On failure the queues
 * are dropped and the transaction can only be rolled back. */
static enum xz_result send_queues(struct pg *db)
{
	enum xz_result r = XZ_OK;
	for (int order = 1; order <= db->tables_queued && !r; order++) {
		for (int i = 0; i < db->nqueues && !r; i++) {
			struct queue *q = &db->queues[i];
			if (q->first != order || !q->nrows)
				continue;
			log_debug("COPY %ld rows into %s", q->nrows, q->table);
			char *sql = xasprintf("COPY %s (%s) FROM STDIN", q->table, q->columns);
			PGresult *res = PQexec(db->conn, sql);
			free(sql);
			if (PQresultStatus(res) != PGRES_COPY_IN) {
				store_pg_set_error(db, PQresultErrorMessage(res));
				r = store_pg_failure(res);
				PQclear(res);
				break;
			}
			PQclear(res);
			bool sent = PQputCopyData(db->conn, q->rows.data, (int)q->rows.len) == 1;
			PQputCopyEnd(db->conn, sent ? NULL : "xinzhi could not send the rows");
			while ((res = PQgetResult(db->conn))) {
				if (PQresultStatus(res) != PGRES_COMMAND_OK && !r) {
					store_pg_set_error(db, PQresultErrorMessage(res));
					r = store_pg_failure(res);
				}
				PQclear(res);
			}
			if (!r && !sent)
				r = XZ_ERR_IO;
		}
	}
	if (r) {
		log_error("COPY of queued rows failed: %s", db->errmsg);
		if (db->tx_depth > 0)
			db->aborted = true;
	}
	discard_queues(db);
	return r;
}

static enum xz_result flush_queues(struct pg *db)
{
	return db->queued ? send_queues(db) : XZ_OK;
}

/* whether sql names a table that has queued rows */
static bool names_queued_table(struct pg *db, const char *sql)
{
	for (int i = 0; i < db->nqueues; i++) {
		const char *t = db->queues[i].table;
		size_t n = strlen(t);
		for (const char *p = strstr(sql, t); p; p = strstr(p + 1, t))
			if ((p == sql || !is_word_char(p[-1])) && !is_word_char(p[n]))
				return true;
	}
	return false;
}

/* Queues the row a STORE_QUEUE statement's bindings make. */
static enum xz_result queue_row(struct pg_stmt *st)
{
	struct pg *db = st->db;
	char *columns = st->queue_ident ? xasprintf("%s, %s", st->queue_columns, st->queue_ident)
	                                : xstrdup(st->queue_columns);
	struct queue *q = queue_for(db, st->queue_table, columns);
	free(columns);
	int64_t id = 0;
	enum xz_result r = st->queue_ident ? next_id(db, q, st->queue_ident, &id) : XZ_OK;
	if (r)
		return r;
	for (int i = 0; i < st->nparams; i++) {
		if (i)
			buf_putc(&q->rows, '\t');
		store_pg_copy_field(&q->rows, st->values[i]);
	}
	if (st->queue_ident)
		buf_printf(&q->rows, "\t%lld", (long long)id);
	buf_putc(&q->rows, '\n');
	q->nrows++;
	db->queued++;
	db->changes = 1;
	if (st->queue_ident)
		db->last_id = id;
	return db->queued >= STORE_QUEUE_ROWS ? send_queues(db) : XZ_OK;
}

static void pg_close(struct store *base)
{
	struct pg *db = (struct pg *)base;
	if (!db)
		return;
	forget_idents(db);
	discard_queues(db);
	PQfinish(db->conn);
	free(db->url);
	free(db);
}

/* A session as the callers expect: UTF-8, UTC, writers' lock wait bounded. */
static enum xz_result session_setup(struct pg *db)
{
	PQsetNoticeProcessor(db->conn, quiet_notice, NULL);
	if (PQsetClientEncoding(db->conn, "UTF8"))
		return XZ_ERR_STORE;
	return run(db, "SET TIME ZONE 'UTC'; SET lock_timeout = '" LOCK_TIMEOUT "';"
	               " SET client_min_messages = warning");
}

/* The URL with any password replaced, for messages. */
static void safe_url(const char *url, char *out, size_t n)
{
	const char *at = strchr(url, '@'), *scheme = strstr(url, "://");
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (at && colon && colon < at)
		snprintf(out, n, "%.*s:***%s", (int)(colon - url), url, at);
	else
		snprintf(out, n, "%s", url);
}

static enum xz_result pg_open(const char *url, struct store **out)
{
	struct pg *db = xcalloc(1, sizeof(*db));
	char shown[256];
	db->base.ops = &store_pg_ops;
	db->url = xstrdup(url);
	const char *queue = getenv("XINZHI_PG_QUEUE");
	db->no_queue = queue && !strcmp(queue, "0");
	*out = NULL;
	safe_url(url, shown, sizeof(shown));
	db->conn = PQconnectdb(url);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		store_pg_set_error(db, PQerrorMessage(db->conn));
		fprintf(stderr, "xinzhi: 无法连接数据库 %s：%s\n", shown, db->errmsg);
		pg_close(&db->base);
		return XZ_ERR_STORE;
	}
	if (PQserverVersion(db->conn) < 150000) {
		fprintf(stderr, "xinzhi: 数据库 %s 的 PostgreSQL 版本过低（需要 15 或更高）\n",
		        shown);
		pg_close(&db->base);
		return XZ_ERR_STORE;
	}
	if (session_setup(db)) {
		fprintf(stderr, "xinzhi: 数据库 %s 不可用：%s\n", shown, db->errmsg);
		pg_close(&db->base);
		return XZ_ERR_STORE;
	}
	*out = &db->base;
	return XZ_OK;
}

static const char *pg_errmsg(struct store *base)
{
	return ((struct pg *)base)->errmsg;
}

/* A connection the server dropped (a restart, a failover) is opened again
 * before a statement that is not inside a transaction. */
static void revive(struct pg *db)
{
	if (db->tx_depth == 0 && PQstatus(db->conn) != CONNECTION_OK) {
		log_warn("database connection lost; reconnecting");
		PQreset(db->conn);
		if (PQstatus(db->conn) == CONNECTION_OK)
			session_setup(db);
	}
}

static enum xz_result pg_begin(struct store *base)
{
	struct pg *db = (struct pg *)base;
	char sql[96];
	if (db->tx_depth == 0) {
		revive(db);
		db->aborted = false;
		snprintf(sql, sizeof(sql), "BEGIN; SELECT pg_advisory_xact_lock(%d)",
		         WRITE_LOCK_KEY);
	} else {
		/* rows queued before the savepoint must survive a rollback to it */
		enum xz_result r = flush_queues(db);
		if (r)
			return r;
		snprintf(sql, sizeof(sql), "SAVEPOINT s%d", db->tx_depth);
	}
	enum xz_result r = run(db, sql);
	if (!r)
		db->tx_depth++;
	else if (db->tx_depth == 0)
		run(db, "ROLLBACK");
	else
		db->aborted = true;
	return r;
}

static void pg_rollback_all(struct store *base)
{
	struct pg *db = (struct pg *)base;
	discard_queues(db);
	if (db->tx_depth > 0 || PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		run(db, "ROLLBACK");
	db->tx_depth = 0;
	db->aborted = false;
}

static enum xz_result pg_commit(struct store *base)
{
	struct pg *db = (struct pg *)base;
	char sql[32];
	if (db->tx_depth == 0)
		return XZ_ERR_INTERNAL;
	if (db->tx_depth == 1 && flush_queues(db)) {
		log_error("commit: the queued rows could not be written; rolled back");
		pg_rollback_all(base);
		return XZ_ERR_STORE;
	}
	if (db->aborted) {
		/* PostgreSQL would answer COMMIT with a silent ROLLBACK */
		log_error("commit of a failed transaction: rolled back");
		pg_rollback_all(base);
		return XZ_ERR_STORE;
	}
	db->tx_depth--;
	if (db->tx_depth == 0)
		snprintf(sql, sizeof(sql), "COMMIT");
	else
		snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT s%d", db->tx_depth);
	enum xz_result r = run(db, sql);
	if (r && db->tx_depth == 0)
		db->tx_depth = 1; /* still open: the caller rolls back */
	else if (r)
		db->aborted = true;
	return r;
}

static void pg_rollback(struct store *base)
{
	struct pg *db = (struct pg *)base;
	char sql[64];
	if (db->tx_depth > 1) {
		db->tx_depth--;
		discard_queues(db); /* queued after the savepoint: begin sent the others */
		snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT s%d; RELEASE SAVEPOINT s%d",
		         db->tx_depth, db->tx_depth);
		/* the savepoint undoes the failure too: the outer level goes on */
		if (run(db, sql) == XZ_OK)
			db->aborted = false;
		return;
	}
	pg_rollback_all(base);
}

static bool pg_in_tx(struct store *base)
{
	return ((struct pg *)base)->tx_depth > 0;
}

/* A zeroed block from the fallible allocator (NULL when it fails). */
static void *try_zalloc(size_t n)
{
	void *p = try_malloc(n);
	if (p)
		memset(p, 0, n);
	return p;
}

/* The statement and its parameter arrays come from the fallible allocator:
 * like SQLite's own memory on the other backend, an allocation failure
 * here is XZ_ERR_NOMEM to the caller, never an abort (the fault tests
 * inject them). */
static enum xz_result pg_prepare(struct store *base, const char *sql, int flags,
                                 struct store_stmt **out)
{
	struct pg *db = (struct pg *)base;
	struct pg_stmt *s = try_zalloc(sizeof(*s));
	*out = NULL;
	if (!s)
		return XZ_ERR_NOMEM;
	s->base.db = base;
	s->db = db;
	s->sql = store_pg_rewrite(sql, &s->nparams);
	s->write = is_write(sql);
	s->flags = flags;
	const char *ident = s->write ? insert_identity(db, s->sql) : NULL;
	if ((flags & STORE_QUEUE) && !db->no_queue &&
	    store_pg_plain_insert(s->sql, &s->queue_table, &s->queue_columns)) {
		/* the identity goes in with the row when the INSERT leaves it out */
		s->queue_ident = ident;
		ident = NULL;
	}
	if (ident) {
		char *with = xasprintf("%s RETURNING \"%s\"", s->sql, ident);
		free(s->sql);
		s->sql = with;
		s->returning_added = true;
	}
	size_t n = (size_t)(s->nparams ? s->nparams : 1);
	s->values = try_zalloc(n * sizeof(*s->values));
	s->lengths = try_zalloc(n * sizeof(*s->lengths));
	s->formats = try_zalloc(n * sizeof(*s->formats));
	s->types = try_zalloc(n * sizeof(*s->types));
	if (!s->values || !s->lengths || !s->formats || !s->types) {
		free(s->values);
		free(s->lengths);
		free(s->formats);
		free(s->types);
		free(s->sql);
		free(s->queue_table);
		free(s->queue_columns);
		free(s);
		return XZ_ERR_NOMEM;
	}
	*out = &s->base;
	return XZ_OK;
}

static void clear_result(struct pg_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->executed = false;
	st->row = -1;
	st->nrows = 0;
	free(st->blob);
	st->blob = NULL;
}

/* Keeps a copy of a parameter's bytes (len of them, or a string when len
 * is -1; NULL binds NULL). A copy that cannot be made fails the statement
 * with XZ_ERR_NOMEM at its step. */
static void set_param(struct pg_stmt *st, int idx, const char *value, int len, int format, Oid type)
{
	if (idx < 1 || idx > st->nparams) {
		log_error("bind index %d outside 1..%d in: %s", idx, st->nparams, st->sql);
		return;
	}
	char *copy = NULL;
	if (value) {
		size_t n = len < 0 ? strlen(value) : (size_t)len;
		if (!(copy = try_malloc(n + 1))) {
			st->nomem = true;
			return;
		}
		memcpy(copy, value, n);
		copy[n] = 0;
	}
	free(st->values[idx - 1]);
	st->values[idx - 1] = copy;
	st->lengths[idx - 1] = len < 0 ? 0 : len;
	st->formats[idx - 1] = format;
	st->types[idx - 1] = type;
}

static void pg_bind_text(struct store_stmt *base, int idx, const char *v)
{
	set_param((struct pg_stmt *)base, idx, v, -1, 0, 0);
}

static void pg_bind_int(struct store_stmt *base, int idx, int64_t v)
{
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)v);
	set_param((struct pg_stmt *)base, idx, text, -1, 0, 0);
}

static void pg_bind_double(struct store_stmt *base, int idx, double v)
{
	char text[40];
	snprintf(text, sizeof(text), "%.17g", v);
	set_param((struct pg_stmt *)base, idx, text, -1, 0, 0);
}

static void pg_bind_null(struct store_stmt *base, int idx)
{
	set_param((struct pg_stmt *)base, idx, NULL, 0, 0, 0);
}

static void pg_bind_blob(struct store_stmt *base, int idx, const void *data, size_t len)
{
	set_param((struct pg_stmt *)base, idx, data, (int)len, 1, OID_BYTEA);
}

/* Runs the statement; in a transaction a write runs under a savepoint so
 * that its failure leaves the transaction usable, as on SQLite. */
static enum store_step execute(struct pg_stmt *st)
{
	struct pg *db = st->db;
	bool guard = st->write && db->tx_depth > 0 && !db->aborted;
	st->executed = true;
	st->row = -1;
	if (db->aborted || st->nomem) {
		st->result = st->nomem ? XZ_ERR_NOMEM : XZ_ERR_STORE;
		if (st->nomem && db->tx_depth > 0)
			db->aborted = true; /* as SQLite's lost transaction: only rollback now */
		return STORE_FAIL;
	}
	if (st->queue_table) {
		bool binary = false;
		for (int i = 0; i < st->nparams; i++)
			binary |= st->formats[i] != 0;
		if (!binary && db->tx_depth > 0) {
			st->result = queue_row(st);
			st->nrows = 0;
			return st->result ? STORE_FAIL : STORE_DONE;
		}
	}
	/* a write, or a read of a table with queued rows, sees them sent first */
	if (db->queued && !(st->flags & STORE_NO_FLUSH) &&
	    (st->write || names_queued_table(db, st->sql)) && (st->result = send_queues(db)))
		return STORE_FAIL;
	revive(db);
	if (guard && run(db, "SAVEPOINT xz_stmt")) {
		db->aborted = true;
		st->result = XZ_ERR_STORE;
		return STORE_FAIL;
	}
	st->res = PQexecParams(db->conn, st->sql, st->nparams, st->types,
	                       (const char *const *)st->values, st->lengths, st->formats, 0);
	ExecStatusType s = PQresultStatus(st->res);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		store_pg_set_error(db, st->res ? PQresultErrorMessage(st->res)
		                               : "out of memory in libpq");
		st->result = st->res ? store_pg_failure(st->res) : XZ_ERR_NOMEM;
		if (st->result == XZ_ERR_STORE && PQstatus(db->conn) != CONNECTION_OK)
			st->result = XZ_ERR_IO;
		if (st->result == XZ_ERR_DUPLICATE || st->result == XZ_ERR_REFERENCED)
			log_debug("step failed: %s", db->errmsg);
		else
			log_error("step failed: %s in: %s", db->errmsg, st->sql);
		if (guard) {
			if (run(db, "ROLLBACK TO SAVEPOINT xz_stmt; RELEASE SAVEPOINT xz_stmt"))
				db->aborted = true;
		} else if (db->tx_depth > 0) {
			db->aborted = true;
		}
		return STORE_FAIL;
	}
	if (guard && run(db, "RELEASE SAVEPOINT xz_stmt")) {
		db->aborted = true;
		st->result = XZ_ERR_STORE;
		return STORE_FAIL;
	}
	st->result = XZ_OK;
	const char *tuples = PQcmdTuples(st->res);
	if (*tuples)
		db->changes = atoi(tuples);
	if (st->returning_added) {
		if (PQntuples(st->res) > 0)
			db->last_id = strtoll(PQgetvalue(st->res, 0, 0), NULL, 10);
		st->nrows = 0;
	} else {
		st->nrows = s == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
	}
	return STORE_DONE;
}

static enum store_step pg_step(struct store_stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (!st->executed && execute(st) == STORE_FAIL)
		return STORE_FAIL;
	if (st->result)
		return STORE_FAIL;
	free(st->blob);
	st->blob = NULL;
	if (st->row + 1 < st->nrows) {
		st->row++;
		return STORE_ROW;
	}
	st->row = st->nrows;
	return STORE_DONE;
}

static void pg_reset(struct store_stmt *base)
{
	clear_result((struct pg_stmt *)base);
}

static enum xz_result pg_stmt_result(struct store_stmt *base)
{
	return ((struct pg_stmt *)base)->result;
}

static int pg_column_count(struct store_stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (!st->executed)
		execute(st);
	return st->res && !st->returning_added ? PQnfields(st->res) : 0;
}

static const char *pg_column_name(struct store_stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (!st->executed)
		execute(st);
	return st->res ? PQfname(st->res, col) : NULL;
}

static bool has_row(struct pg_stmt *st, int col)
{
	return st->res && st->row >= 0 && st->row < st->nrows && col >= 0 &&
	       col < PQnfields(st->res);
}

/* NUMERIC (sum() of integers) reads as an integer when it is one, as
 * SQLite's sum() of integers is */
static bool integral(const char *t)
{
	return !strpbrk(t, ".eEN");
}

static enum store_type pg_column_type(struct store_stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (!has_row(st, col) || PQgetisnull(st->res, st->row, col))
		return STORE_NULL;
	switch (PQftype(st->res, col)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		return STORE_INT;
	case OID_FLOAT4:
	case OID_FLOAT8:
		return STORE_FLOAT;
	case OID_NUMERIC:
		return integral(PQgetvalue(st->res, st->row, col)) ? STORE_INT : STORE_FLOAT;
	default:
		return STORE_TEXT;
	}
}

static const char *pg_column_text(struct store_stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (!has_row(st, col) || PQgetisnull(st->res, st->row, col))
		return NULL;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (PQftype(st->res, col) == OID_BOOL)
		return *v == 't' ? "1" : "0";
	return v;
}

static int64_t pg_column_int(struct store_stmt *base, int col)
{
	const char *v = pg_column_text(base, col);
	if (!v)
		return 0;
	if (strpbrk(v, ".eE"))
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

static double pg_column_double(struct store_stmt *base, int col)
{
	const char *v = pg_column_text(base, col);
	return v ? strtod(v, NULL) : 0.0;
}

static const void *pg_column_blob(struct store_stmt *base, int col, size_t *len)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	*len = 0;
	if (!has_row(st, col) || PQgetisnull(st->res, st->row, col))
		return NULL;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (PQftype(st->res, col) != OID_BYTEA) {
		*len = (size_t)PQgetlength(st->res, st->row, col);
		return *len ? v : NULL;
	}
	free(st->blob);
	st->blob = NULL;
	size_t n = 0;
	unsigned char *raw = PQunescapeBytea((const unsigned char *)v, &n);
	if (!raw) {
		log_error("out of memory decoding a BYTEA column");
		abort();
	}
	st->blob = xmalloc(n ? n : 1);
	memcpy(st->blob, raw, n);
	PQfreemem(raw);
	*len = n;
	return n ? st->blob : NULL;
}

static void pg_finalize(struct store_stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	clear_result(st);
	for (int i = 0; i < st->nparams; i++)
		free(st->values[i]);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->types);
	free(st->sql);
	free(st->queue_table);
	free(st->queue_columns);
	free(st);
}

static int64_t pg_last_insert_id(struct store *base)
{
	return ((struct pg *)base)->last_id;
}

static int pg_changes(struct store *base)
{
	return ((struct pg *)base)->changes;
}

/* tag lists are JSON arrays in text columns ('' and NULL: none) */
static void pg_sql_tag_contains(struct buf *b, const char *col)
{
	buf_printf(b,
	           "EXISTS (SELECT 1 FROM json_array_elements_text(CAST(coalesce(nullif(%s, ''),"
	           " '[]') AS json)) AS tag(value) WHERE tag.value = ?)",
	           col);
}

static void pg_sql_id_array(struct buf *b, const char *other, const char *table, const char *self)
{
	buf_printf(
	    b,
	    "(SELECT coalesce(json_agg(x ORDER BY x), '[]')::text FROM (SELECT %s AS x FROM %s"
	    " WHERE %s = t.id) AS ids)",
	    other, table, self);
}

/* LIKE in SQLite ignores the case of ASCII letters; ILIKE does */
static void pg_sql_like(struct buf *b, const char *col)
{
	buf_printf(b, "%s ILIKE ? ESCAPE '\\'", col);
}

static void pg_sql_json_ids(struct buf *b)
{
	buf_puts(b, "(SELECT CAST(j.value AS BIGINT) FROM json_array_elements_text(CAST(? AS json))"
	            " AS j(value))");
}

const struct store_ops store_pg_ops = {
    .dialect = STORE_POSTGRES,
    .migrations = migrations_pg,
    .nmigrations = &migrations_pg_count,
    .version_table_sql = "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY,"
                         " name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    .open = pg_open,
    .close = pg_close,
    .errmsg = pg_errmsg,
    .exec = pg_exec,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .rollback_all = pg_rollback_all,
    .in_tx = pg_in_tx,
    .prepare = pg_prepare,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .bind_double = pg_bind_double,
    .bind_null = pg_bind_null,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .reset = pg_reset,
    .stmt_result = pg_stmt_result,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .column_type = pg_column_type,
    .column_text = pg_column_text,
    .column_int = pg_column_int,
    .column_double = pg_column_double,
    .column_blob = pg_column_blob,
    .finalize = pg_finalize,
    .last_insert_id = pg_last_insert_id,
    .changes = pg_changes,
    .sql_tag_contains = pg_sql_tag_contains,
    .sql_id_array = pg_sql_id_array,
    .sql_like = pg_sql_like,
    .sql_json_ids = pg_sql_json_ids,
    .check = store_pg_check,
    .backup = store_pg_backup,
    .restore = store_pg_restore,
    .lock = store_pg_lock,
    .unlock = store_pg_unlock,
    .rewrite_text = store_pg_rewrite_text,
};
