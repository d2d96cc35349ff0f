/*
 * A signed-in user's own account security: the list of their sessions and
 * ending one of them, TOTP enrolment (a pending secret confirmed by a code
 * from the authenticator app), and a summary of the policy in force for
 * the 账号安全 page. Every change is audited; the TOTP secret is stored
 * sealed with the key file (crypto_seal), never in clear.
 */
#include "auth/audit.h"
#include "auth/auth.h"
#include "auth/crypto.h"
#include "auth/policy.h"
#include "auth/setting.h"
#include "auth/totp.h"
#include "core/util.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void iso(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool auth_totp_required(struct store *db, const char *role)
{
	char list[256];
	setting_get(db, SETTING_TOTP_ROLES, list, sizeof(list));
	/* an account stored under an old role name (auditor) counts as its role */
	const struct role_def *def = auth_role(role);
	return setting_list_has(list, role) || (def && setting_list_has(list, def->name));
}

enum xz_result auth_sessions_list(struct store *db, const struct principal *p, json_t **out)
{
	struct store_stmt *st = NULL;
	int64_t now = util_now_unix();
	*out = NULL;
	enum xz_result r = store_prepare(db,
	                                 "SELECT id, created_at, last_seen_at, expires_at,"
	                                 " coalesce(ip, ''), coalesce(user_agent, '') FROM session"
	                                 " WHERE user_id = ? AND expires_at > ? AND last_seen_at > ?"
	                                 " ORDER BY id DESC",
	                                 &st);
	if (r)
		goto out;
	store_bind_int(st, 1, p->actor.user_id);
	store_bind_int(st, 2, now);
	store_bind_int(st, 3, now - AUTH_IDLE_SECONDS);
	json_t *items = json_array();
	while (store_step(st) == STORE_ROW) {
		char created[32], seen[32], expires[32];
		int64_t id = store_column_int(st, 0);
		iso(store_column_int(st, 1), created);
		iso(store_column_int(st, 2), seen);
		iso(store_column_int(st, 3), expires);
		json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)id,
		                        "created_at", created, "last_seen_at", seen, "expires_at",
		                        expires, "ip", store_column_text(st, 4), "user_agent",
		                        store_column_text(st, 5), "current",
		                        p->via_cookie && id == p->session_id);
		if (!row) /* a user agent that is not UTF-8 */
			row = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)id,
			                "created_at", created, "last_seen_at", seen, "expires_at", expires,
			                "ip", "", "user_agent", "", "current",
			                p->via_cookie && id == p->session_id);
		json_array_append_new(items, row);
	}
	store_finalize(st);
	*out = json_pack("{s:o}", "items", items);
out:
	return r;
}

enum xz_result auth_session_end(struct store *db, const struct principal *p, int64_t id,
                                bool *was_current)
{
	struct store_stmt *st = NULL;
	*was_current = false;
	enum xz_result r = store_prepare(db, "DELETE FROM session WHERE id = ? AND user_id = ?", &st);
	if (r)
		goto out;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, p->actor.user_id);
	if (store_step(st) != STORE_DONE)
		r = store_stmt_result(st);
	else if (store_changes(db) == 0)
		r = XZ_ERR_NOT_FOUND;
	store_finalize(st);
	if (!r) {
		*was_current = p->via_cookie && id == p->session_id;
		json_t *d = json_pack("{s:I, s:b}", "session", (json_int_t)id, "current", *was_current);
		audit_write(db, &p->actor, "session_end", "user", p->actor.user_id, "ok", d);
		json_decref(d);
	}
out:
	return r;
}

/* Reads a user's text column into a malloc'd string (*out NULL if NULL). */
static enum xz_result user_text(struct store *db, const char *sql, int64_t uid, char **out)
{
	struct store_stmt *st = NULL;
	*out = NULL;
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	store_bind_int(st, 1, uid);
	if (store_step(st) == STORE_ROW && store_column_text(st, 0))
		*out = strdup(store_column_text(st, 0));
	store_finalize(st);
	return XZ_OK;
}

static void free_secret(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

enum xz_result auth_totp_setup(struct store *db, const struct principal *p, json_t **out,
                               char *msg, size_t n)
{
	char b32[TOTP_B32_SIZE] = "";
	char *sealed = NULL, *uri = NULL, *qr = NULL;
	struct store_stmt *st = NULL;
	*out = NULL;
	enum xz_result r = XZ_OK;
	if (p->totp_enabled) {
		snprintf(msg, n, "已启用动态验证码；如需更换手机，请联系管理员重置后重新绑定");
		r = XZ_ERR_CONFLICT;
		goto out;
	}
	if ((r = totp_new_secret(b32)))
		goto out;
	if (!(sealed = crypto_seal(b32))) {
		snprintf(msg, n, "加密密钥未加载，无法保存动态验证码密钥");
		r = XZ_ERR_INTERNAL;
		goto out;
	}
	if ((r = store_prepare(db, "UPDATE user SET totp_pending = ? WHERE id = ?", &st)))
		goto out;
	store_bind_text(st, 1, sealed);
	store_bind_int(st, 2, p->actor.user_id);
	if (store_step(st) != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	if (r)
		goto out;
	uri = totp_uri("xinzhi", p->username, b32);
	qr = totp_qr_data_uri(uri);
	if (!qr) {
		r = XZ_ERR_INTERNAL;
		goto out;
	}
	*out = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "secret", b32, "otpauth_uri", uri,
	                 "qr_svg", qr, "issuer", "xinzhi", "digits", 6, "period", TOTP_STEP);
	audit_write(db, &p->actor, "totp_setup", "user", p->actor.user_id, "ok", NULL);
out:
	sodium_memzero(b32, sizeof(b32));
	free(sealed);
	free_secret(uri);
	free(qr);
	return r;
}

enum xz_result auth_totp_enable(struct store *db, struct principal *p, const char *code,
                                char *msg, size_t n)
{
	char *sealed = NULL, *secret = NULL;
	int64_t step = 0;
	struct store_stmt *st = NULL;
	enum xz_result r = user_text(db, "SELECT totp_pending FROM user WHERE id = ?",
	                             p->actor.user_id, &sealed);
	if (r)
		goto out;
	if (p->totp_enabled) {
		snprintf(msg, n, "已启用动态验证码");
		r = XZ_ERR_CONFLICT;
		goto out;
	}
	if (!sealed || crypto_open(sealed, &secret)) {
		snprintf(msg, n, "请先生成二维码（开始绑定）再输入验证码");
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	if (totp_verify(secret, code, util_now_unix(), 0, &step)) {
		snprintf(msg, n, "验证码不正确，请输入验证器中当前显示的6位数字（并检查手机时间是否准确）");
		audit_write(db, &p->actor, "totp_enable", "user", p->actor.user_id, "bad_totp", NULL);
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	if ((r = store_begin(db)))
		goto out;
	r = store_prepare(db,
	                  "UPDATE user SET totp_secret = totp_pending, totp_pending = NULL,"
	                  " totp_enabled = 1, totp_last_step = ? WHERE id = ?",
	                  &st);
	if (!r) {
		store_bind_int(st, 1, step);
		store_bind_int(st, 2, p->actor.user_id);
		if (store_step(st) != STORE_DONE)
			r = store_stmt_result(st);
		store_finalize(st);
	}
	if (!r)
		r = audit_write(db, &p->actor, "totp_enable", "user", p->actor.user_id, "ok", NULL);
	if (!r)
		r = store_commit(db);
	else
		store_rollback(db);
	if (!r) {
		p->totp_enabled = true;
		p->must_enroll_totp = false;
	}
out:
	free_secret(secret);
	free(sealed);
	return r;
}

enum xz_result auth_totp_reset(struct store *db, const char *username, char *msg, size_t n)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db,
	                                 "UPDATE user SET totp_secret = NULL, totp_pending = NULL,"
	                                 " totp_enabled = 0 WHERE username = ?",
	                                 &st);
	if (r)
		goto out;
	store_bind_text(st, 1, username);
	if (store_step(st) != STORE_DONE)
		r = store_stmt_result(st);
	else if (store_changes(db) == 0) {
		snprintf(msg, n, "用户“%s”不存在", username);
		r = XZ_ERR_NOT_FOUND;
	}
	store_finalize(st);
	if (!r) {
		json_t *d = json_pack("{s:s}", "username", username);
		audit_write(db, engine_system_actor(), "totp_reset", "user", 0, "ok", d);
		json_decref(d);
	}
out:
	return r;
}

enum xz_result auth_security_info(struct store *db, const struct principal *p, json_t **out)
{
	struct password_policy pol;
	char desc[512], changed[32] = "";
	int64_t changed_at = 0;
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, p->actor.user_id);
	const char *args[] = {idbuf};
	enum xz_result r = policy_current(db, &pol);
	if (!r)
		r = store_query_int(db, "SELECT password_changed_at FROM user WHERE id = ?", &changed_at,
		                    1, args);
	if (r)
		return r;
	if (changed_at)
		iso(changed_at, changed);
	policy_describe(&pol, desc, sizeof(desc));
	*out = json_pack("{s:{s:s, s:s, s:i, s:i, s:i, s:i}, s:b, s:b, s:s?}", "password_policy",
	                 "preset", pol.preset == POLICY_ASVS ? "asvs" : "dengbao", "description",
	                 desc, "min_length", pol.min_len, "max_length", pol.max_len, "min_classes",
	                 pol.min_classes, "max_age_days", pol.max_age_days, "totp_enabled",
	                 p->totp_enabled, "totp_required", auth_totp_required(db, p->role),
	                 "password_changed_at", changed[0] ? changed : NULL);
	return XZ_OK;
}
