/*
 * Hash-chained audit log: the writer, the verifier and the retention purge.
 *
 * Each row's hash is SM3 over the previous row's hash and the row's fields
 * (older databases began with SHA-256 rows: the verifier accepts those only
 * before the first SM3 row, so a chain cannot be downgraded). A purge
 * deletes a prefix of the chain older than the retention period and records
 * the last deleted row's id and hash as the anchor the remaining chain
 * starts from, both in the setting audit_anchor and in the purge's own
 * (chained) audit row.
 */
#include "auth/audit.h"
#include "core/buf.h"
#include "core/util.h"
#include "core/valid.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define ANCHOR_SETTING "audit_anchor"

enum chain_hash { HASH_SM3, HASH_SHA256 };

static void sm3_hex(const void *data, size_t n, char out[65])
{
	unsigned char h[32];
	unsigned int len = sizeof(h);
	if (EVP_Digest(data, n, h, &len, EVP_sm3(), NULL) != 1)
		abort(); /* SM3 exists in every OpenSSL 3 build we run on */
	util_hex(h, sizeof(h), out);
}

static void row_hash(enum chain_hash alg, const char *prev, const char *ts, int64_t user_id,
                     const char *username, const char *ip, const char *action,
                     const char *entity, int64_t entity_id, const char *result,
                     const char *detail, char *out)
{
	struct buf b = BUF_INIT;
	/* unit separators keep ("ab","c") and ("a","bc") apart */
	buf_printf(&b, "%s\x1f%s\x1f%" PRId64 "\x1f%s\x1f%s\x1f%s\x1f%s\x1f%" PRId64 "\x1f%s\x1f%s",
	           prev, ts, user_id, username ? username : "", ip ? ip : "", action,
	           entity ? entity : "", entity_id, result, detail ? detail : "");
	if (alg == HASH_SM3)
		sm3_hex(b.data, b.len, out);
	else
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
	row_hash(HASH_SM3, prev, ts, a->user_id, a->username, a->ip, action, entity, entity_id,
	         result, detail_s, hash);
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

/* The anchor a purge left: the id and hash of the last row it deleted. */
static bool read_anchor(struct store *db, int64_t *id, char hash[65])
{
	struct store_stmt *st = NULL;
	bool found = false;
	if (store_prepare(db, "SELECT value FROM setting WHERE key = ?", &st))
		return false;
	store_bind_text(st, 1, ANCHOR_SETTING);
	if (store_step(st) == STORE_ROW) {
		const char *v = store_column_text(st, 0);
		long long n = 0;
		char h[65] = "";
		found = v && sscanf(v, "%lld:%64[0-9a-f]", &n, h) == 2 && strlen(h) == 64;
		*id = n;
		memcpy(hash, h, 65);
	}
	store_finalize(st);
	return found;
}

enum xz_result audit_verify(struct store *db, int64_t *bad_id, int64_t *rows)
{
	struct store_stmt *st = NULL;
	*bad_id = 0;
	*rows = 0;
	char prev[65] = GENESIS, hash[65];
	int64_t anchor_id = 0;
	if (!read_anchor(db, &anchor_id, prev))
		memcpy(prev, GENESIS, sizeof(prev));
	enum xz_result r = store_prepare(db,
	                                 "SELECT id, ts, coalesce(user_id, 0), username, ip, action,"
	                                 " entity, coalesce(entity_id, 0), result, detail,"
	                                 " prev_hash, hash FROM audit_log ORDER BY id",
	                                 &st);
	if (r)
		return r;
	bool sm3_seen = false;
	while (store_step(st) == STORE_ROW) {
		(*rows)++;
		const char *stored_prev = store_column_text(st, 10);
		const char *stored = store_column_text(st, 11);
		bool ok = store_column_int(st, 0) > anchor_id && !strcmp(stored_prev, prev);
		for (int alg = HASH_SM3; ok && alg <= (sm3_seen ? HASH_SM3 : HASH_SHA256); alg++) {
			row_hash((enum chain_hash)alg, prev, store_column_text(st, 1),
			         store_column_int(st, 2), store_column_text(st, 3),
			         store_column_text(st, 4), store_column_text(st, 5),
			         store_column_text(st, 6), store_column_int(st, 7),
			         store_column_text(st, 8), store_column_text(st, 9), hash);
			if (!strcmp(stored, hash)) {
				sm3_seen |= alg == HASH_SM3;
				break;
			}
			if (alg == (sm3_seen ? HASH_SM3 : HASH_SHA256))
				ok = false;
		}
		if (!ok) {
			*bad_id = store_column_int(st, 0);
			break;
		}
		snprintf(prev, sizeof(prev), "%s", stored);
	}
	store_finalize(st);
	return XZ_OK;
}

enum xz_result audit_purge(struct store *db, const struct actor *a, const char *before,
                           int64_t *deleted, char *msg, size_t n)
{
	struct store_stmt *st = NULL;
	char limit[32], anchor[65] = "";
	int64_t keep_from = 0, anchor_id = 0;
	*deleted = 0;
	/* at least six months are kept: 等保 asks for 180 days */
	time_t cutoff = (time_t)util_now_unix() - (time_t)AUDIT_MIN_RETENTION_DAYS * 86400;
	struct tm tm;
	gmtime_r(&cutoff, &tm);
	strftime(limit, sizeof(limit), "%Y-%m-%d", &tm);
	if (strlen(before) != 10 || !valid_date(before) || strcmp(before, limit) > 0) {
		snprintf(msg, n, "清理日期应为不晚于 %s 的日期（YYYY-MM-DD）：审计日志至少保留 %d 天",
		         limit, AUDIT_MIN_RETENTION_DAYS);
		return XZ_ERR_VALIDATION;
	}
	enum xz_result r = store_begin(db);
	if (r)
		return r;
	/* the prefix of the chain before the first row at or after the date */
	if ((r = store_prepare(db,
	                       "SELECT coalesce((SELECT min(id) FROM audit_log WHERE ts >= ?),"
	                       " (SELECT coalesce(max(id), 0) + 1 FROM audit_log))",
	                       &st)))
		goto fail;
	store_bind_text(st, 1, before);
	if (store_step(st) == STORE_ROW)
		keep_from = store_column_int(st, 0);
	store_finalize(st);
	st = NULL;
	if ((r = store_prepare(db, "SELECT id, hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1",
	                       &st)))
		goto fail;
	store_bind_int(st, 1, keep_from);
	if (store_step(st) == STORE_ROW) {
		anchor_id = store_column_int(st, 0);
		snprintf(anchor, sizeof(anchor), "%s", store_column_text(st, 1));
	}
	store_finalize(st);
	st = NULL;
	if (anchor_id) {
		char value[96];
		snprintf(value, sizeof(value), "%" PRId64 ":%s", anchor_id, anchor);
		if ((r = store_prepare(db, "DELETE FROM audit_log WHERE id <= ?", &st)))
			goto fail;
		store_bind_int(st, 1, anchor_id);
		if (store_step(st) != STORE_DONE) {
			r = store_stmt_result(st);
			goto fail;
		}
		*deleted = store_changes(db);
		store_finalize(st);
		st = NULL;
		if ((r = store_prepare(db,
		                       "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key)"
		                       " DO UPDATE SET value = excluded.value",
		                       &st)))
			goto fail;
		store_bind_text(st, 1, ANCHOR_SETTING);
		store_bind_text(st, 2, value);
		if (store_step(st) != STORE_DONE) {
			r = store_stmt_result(st);
			goto fail;
		}
		store_finalize(st);
		st = NULL;
	}
	json_t *d = json_pack("{s:s, s:I, s:I, s:s}", "before", before, "deleted",
	                      (json_int_t)*deleted, "anchor_id", (json_int_t)anchor_id,
	                      "anchor_hash", anchor);
	r = audit_write(db, a, "audit_purge", "audit_log", 0, "ok", d);
	json_decref(d);
	if (r)
		goto fail;
	return store_commit(db);
fail:
	store_finalize(st);
	store_rollback(db);
	*deleted = 0;
	return r;
}
