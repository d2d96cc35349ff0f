/*
 * Hash-chained audit log writer and verifier.
 */
#include "auth/audit.h"
#include "core/buf.h"
#include "core/util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static void row_hash(const char *prev, const char *ts, int64_t user_id, const char *username,
                     const char *ip, const char *action, const char *entity, int64_t entity_id,
                     const char *result, const char *detail, char *out)
{
	struct buf b = BUF_INIT;
	/* unit separators keep ("ab","c") and ("a","bc") apart */
	buf_printf(&b, "%s\x1f%s\x1f%" PRId64 "\x1f%s\x1f%s\x1f%s\x1f%s\x1f%" PRId64 "\x1f%s\x1f%s",
	           prev, ts, user_id, username ? username : "", ip ? ip : "", action,
	           entity ? entity : "", entity_id, result, detail ? detail : "");
	util_sha256_hex(b.data, b.len, out);
	buf_free(&b);
}

enum xz_result audit_write(struct store *db, const struct actor *a, const char *action,
                           const char *entity, int64_t entity_id, const char *result,
                           json_t *detail)
{
	char ts[32], hash[65], prev[65] = GENESIS;
	char *detail_s = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	struct store_stmt *st = NULL;
	enum xz_result r = store_begin(db);
	if (r)
		goto out;
	util_now_iso(ts, sizeof(ts));
	r = store_prepare(db, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1", &st);
	if (r)
		goto fail;
	if (store_step(st) == STORE_ROW)
		snprintf(prev, sizeof(prev), "%s", store_column_text(st, 0));
	store_finalize(st);
	st = NULL;
	row_hash(prev, ts, a->user_id, a->username, a->ip, action, entity, entity_id, result,
	         detail_s, hash);
	r = store_prepare(db,
	                  "INSERT INTO audit_log (ts, user_id, username, ip, action, entity,"
	                  " entity_id, result, detail, prev_hash, hash)"
	                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                  &st);
	if (r)
		goto fail;
	store_bind_text(st, 1, ts);
	if (a->user_id)
		store_bind_int(st, 2, a->user_id);
	else
		store_bind_null(st, 2);
	store_bind_text(st, 3, a->username);
	store_bind_text(st, 4, a->ip);
	store_bind_text(st, 5, action);
	store_bind_text(st, 6, entity);
	if (entity_id)
		store_bind_int(st, 7, entity_id);
	else
		store_bind_null(st, 7);
	store_bind_text(st, 8, result);
	store_bind_text(st, 9, detail_s);
	store_bind_text(st, 10, prev);
	store_bind_text(st, 11, hash);
	if (store_step(st) != STORE_DONE) {
		r = store_stmt_result(st);
		goto fail;
	}
	store_finalize(st);
	st = NULL;
	r = store_commit(db);
	goto out;
fail:
	store_finalize(st);
	st = NULL;
	store_rollback(db);
out:
	free(detail_s);
	return r;
}

enum xz_result audit_verify(struct store *db, int64_t *bad_id, int64_t *rows)
{
	struct store_stmt *st = NULL;
	*bad_id = 0;
	*rows = 0;
	enum xz_result r = store_prepare(db,
	                                 "SELECT id, ts, coalesce(user_id, 0), username, ip, action,"
	                                 " entity, coalesce(entity_id, 0), result, detail,"
	                                 " prev_hash, hash FROM audit_log ORDER BY id",
	                                 &st);
	if (r)
		return r;
	char prev[65] = GENESIS, hash[65];
	while (store_step(st) == STORE_ROW) {
		(*rows)++;
		row_hash(prev, store_column_text(st, 1), store_column_int(st, 2),
		         store_column_text(st, 3), store_column_text(st, 4), store_column_text(st, 5),
		         store_column_text(st, 6), store_column_int(st, 7), store_column_text(st, 8),
		         store_column_text(st, 9), hash);
		const char *stored_prev = store_column_text(st, 10);
		const char *stored = store_column_text(st, 11);
		if (strcmp(stored_prev, prev) || strcmp(stored, hash)) {
			*bad_id = store_column_int(st, 0);
			break;
		}
		snprintf(prev, sizeof(prev), "%s", stored);
	}
	store_finalize(st);
	return XZ_OK;
}
