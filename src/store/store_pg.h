/*
 * The PostgreSQL backend's connection, shared by its two files: store_pg.c
 * (statements, transactions, the COPY queue) and store_pg_admin.c (check,
 * backup and restore, the process lock, key rotation). Private to
 * src/store. A struct pg is made by store_pg_ops.open() and freed by its
 * close(); everything it points to belongs to it.
 */
#ifndef XZ_STORE_PG_H
#define XZ_STORE_PG_H

#include "core/buf.h"
#include "store/store_impl.h"

#include <libpq-fe.h>

struct ident;
struct queue;

struct pg {
	struct store base;
	PGconn *conn;
	char *url; /* for pg_dump */
	int tx_depth;
	bool aborted; /* a statement failed outside a savepoint: only rollback works */
	int64_t last_id;
	int changes;
	char errmsg[512];
	struct ident *idents;
	int nidents;
	bool idents_loaded;
	/* rows queued by STORE_QUEUE statements, not yet sent with COPY */
	struct queue *queues;
	int nqueues;
	long queued;
	int tables_queued; /* how many tables have had a queue since the last send */
	bool no_queue;     /* XINZHI_PG_QUEUE=0: row by row (the benchmark's baseline) */
};

/* Keeps a failure's message (trimmed) for store_errmsg(). */
void store_pg_set_error(struct pg *db, const char *what);
/* A failed result as a code, by SQLSTATE. */
enum xz_result store_pg_failure(const PGresult *res);

/* the operations store_pg_admin.c implements for store_pg_ops */
enum xz_result store_pg_check(struct store *base, void (*fn)(void *arg, const char *problem),
                              void *arg, int *problems);
enum xz_result store_pg_backup(struct store *base, const char *path);
enum xz_result store_pg_restore(const char *path, const char *url, char *msg, size_t n);
enum xz_result store_pg_lock(const char *url, bool exclusive, int *fd);
void store_pg_unlock(int fd);
enum xz_result store_pg_rewrite_text(struct store *base, const char *prefix,
                                     const char *const *skip, store_rewrite_fn fn, void *cls,
                                     long *count);

#endif
