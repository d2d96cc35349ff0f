/*
 * Sign-in, sessions and API tokens. A session lives in the database (so
 * several server processes share it) and ends after 30 idle minutes or 12
 * hours, whichever comes first; both limits are enforced here on every
 * request, not left to the cookie.
 */
#include "auth/audit.h"
#include "auth/auth.h"
#include "auth/crypto.h"
#include "auth/policy.h"
#include "auth/setting.h"
#include "auth/totp.h"
#include "core/mem.h"
#include "core/util.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void new_token(char out[65])
{
	unsigned char raw[32];
	util_random(raw, sizeof(raw));
	util_hex(raw, sizeof(raw), out);
	sodium_memzero(raw, sizeof(raw));
}

static bool hex_token(const char *t)
{
	if (!t || strlen(t) != 64)
		return false;
	for (; *t; t++)
		if (!((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'f')))
			return false;
	return true;
}

#define USER_COLS                                                                          \
	"u.id, u.username, coalesce(u.display_name, u.username), u.role, u.must_change_password," \
	" u.disabled, u.password_hash, coalesce(r.code, ''), coalesce(r.name, ''),"          \
	" coalesce(r.level, ''), u.totp_enabled, u.scope, coalesce(u.scope_regions, '')"

/* Fills p from a row selected with USER_COLS starting at column col. */
static void fill_principal(struct store_stmt *st, int col, const char *ip, struct principal *p)
{
	memset(p, 0, sizeof(*p));
	int64_t id = store_column_int(st, col);
	snprintf(p->username, sizeof(p->username), "%s", store_column_text(st, col + 1));
	snprintf(p->display_name, sizeof(p->display_name), "%s", store_column_text(st, col + 2));
	snprintf(p->role, sizeof(p->role), "%s", store_column_text(st, col + 3));
	p->must_change_password = store_column_int(st, col + 4) != 0;
	snprintf(p->region_code, sizeof(p->region_code), "%s", store_column_text(st, col + 7));
	snprintf(p->region_name, sizeof(p->region_name), "%s", store_column_text(st, col + 8));
	const char *level = store_column_text(st, col + 9);
	p->totp_enabled = store_column_int(st, col + 10) != 0;
	snprintf(p->ip, sizeof(p->ip), "%s", ip ? ip : "");
	const struct role_def *role = auth_role(p->role);
	p->actor.user_id = id;
	p->actor.username = p->username;
	p->actor.role = p->role;
	p->actor.ip = p->ip;
	p->actor.perms = role ? role->perms : 0;
	if (p->region_code[0]) {
		engine_region_prefix(p->region_code, p->region_prefix);
		p->actor.region_code = p->region_code;
		p->actor.region_prefix = p->region_prefix;
	}
	/* the data scope: an unknown stored kind fails closed to one's own rows */
	const char *scope = store_column_text(st, col + 11);
	if (!engine_scope_parse(scope ? scope : "", &p->actor.scope))
		p->actor.scope = SCOPE_OWN;
	json_t *codes = json_loads(store_column_text(st, col + 12), 0, NULL);
	size_t i;
	json_t *v;
	json_array_foreach(codes, i, v) {
		if (p->actor.nscope_regions == SCOPE_MAX_REGIONS || !json_is_string(v))
			break;
		size_t k = p->actor.nscope_regions++;
		snprintf(p->scope_codes[k], sizeof(p->scope_codes[k]), "%s", json_string_value(v));
		p->scope_ptrs[k] = p->scope_codes[k];
	}
	json_decref(codes);
	p->actor.scope_regions = p->scope_ptrs;
	enum scope_kind k = engine_scope_effective(&p->actor);
	p->actor.city_wide = k == SCOPE_ALL ||
	                     ((k == SCOPE_REGION || k == SCOPE_REGION_TREE) && !strcmp(level, "市"));
}

static enum xz_result open_session(struct store *db, struct principal *p, const char *ua,
                                   char token[65])
{
	char hash[65];
	int64_t now = util_now_unix();
	new_token(token);
	new_token(p->csrf);
	util_sha256_hex(token, 64, hash);
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db,
	                                 "INSERT INTO session (token_hash, user_id, csrf_token,"
	                                 " created_at, last_seen_at, expires_at, ip, user_agent)"
	                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                                 &st);
	if (r)
		return r;
	store_bind_text(st, 1, hash);
	store_bind_int(st, 2, p->actor.user_id);
	store_bind_text(st, 3, p->csrf);
	store_bind_int(st, 4, now);
	store_bind_int(st, 5, now);
	store_bind_int(st, 6, now + AUTH_ABSOLUTE_SECONDS);
	store_bind_text(st, 7, p->ip);
	store_bind_text(st, 8, ua);
	if (store_step(st) != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	p->session_id = store_last_insert_id(db);
	p->via_cookie = true;
	return r;
}

/* a fixed hash checked for unknown users, so the answer takes as long as
 * for a wrong password */
static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	if (crypto_pwhash_str(dummy, "xinzhi-dummy-password", 21,
	                      crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		abort(); /* out of memory, as the allocator wrapper would */
}

/* Counts a failed attempt; *locked is set when it locks the account. */
static enum xz_result register_failure(struct store *db, int64_t uid, int64_t now, bool *locked)
{
	char idbuf[24], until[24], maxbuf[24];
	int64_t ignored;
	double minutes = setting_get_number(db, SETTING_LOGIN_LOCK_MINUTES);
	int64_t max = (int64_t)setting_get_number(db, SETTING_LOGIN_MAX_FAILURES);
	*locked = false;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, uid);
	snprintf(until, sizeof(until), "%" PRId64, now + (int64_t)(minutes * 60.0 + 0.5));
	snprintf(maxbuf, sizeof(maxbuf), "%" PRId64, max < 1 ? 1 : max);
	enum xz_result r = store_begin(db);
	if (r)
		goto out;
	const char *inc[] = {idbuf};
	r = store_query_int(db, "UPDATE user SET failed_logins = failed_logins + 1 WHERE id = ?",
	                    &ignored, 1, inc);
	if (!r) {
		const char *lock[] = {until, idbuf, maxbuf};
		r = store_query_int(db,
		                    "UPDATE user SET locked_until = ?, failed_logins = 0"
		                    " WHERE id = ? AND failed_logins >= ?",
		                    &ignored, 3, lock);
		*locked = !r && store_changes(db) > 0;
	}
	if (!r)
		r = store_commit(db);
	else
		store_rollback(db);
out:
	return r;
}

static void audit_attempt(struct store *db, const struct actor *who, const char *result,
                          const char *reason)
{
	json_t *d = json_pack("{s:s}", "reason", reason);
	audit_write(db, who, "login", "user", who->user_id, result, d);
	json_decref(d);
}

enum xz_result auth_login(struct store *db, const char *username, const char *password,
                          const char *totp, const char *ip, const char *user_agent,
                          char token[65], struct principal *out, char *msg, size_t n)
{
	pthread_once(&dummy_once, make_dummy);
	struct store_stmt *st = NULL;
	bool found = false, ok = false, disabled = false, locked = false, locked_now = false;
	char hash[crypto_pwhash_STRBYTES] = "";
	char *sealed = NULL, *secret = NULL;
	int64_t locked_until = 0, changed_at = 0, last_step = 0, used_step = 0;
	int64_t now = util_now_unix();
	token[0] = '\0';
	enum xz_result r = store_prepare(db,
	                                 "SELECT " USER_COLS ", u.locked_until, u.password_changed_at,"
	                                 " u.totp_secret, u.totp_last_step FROM user u"
	                                 " LEFT JOIN region r ON r.id = u.region_id"
	                                 " WHERE u.username = ?",
	                                 &st);
	if (r)
		goto out;
	store_bind_text(st, 1, username);
	if (store_step(st) == STORE_ROW) {
		found = true;
		fill_principal(st, 0, ip, out);
		disabled = store_column_int(st, 5) != 0;
		snprintf(hash, sizeof(hash), "%s", store_column_text(st, 6));
		locked_until = store_column_int(st, 13);
		changed_at = store_column_int(st, 14);
		if (store_column_text(st, 15))
			sealed = xstrdup(store_column_text(st, 15));
		last_step = store_column_int(st, 16);
	}
	store_finalize(st);
	locked = found && locked_until > now;
	/* the hash is checked in every case, so the time taken tells nothing */
	ok = crypto_pwhash_str_verify(found ? hash : dummy, password, strlen(password)) == 0;
	bool pw_ok = ok;
	ok = ok && found && !disabled && !locked;

	struct actor who = {.username = username, .ip = ip, .user_id = found ? out->actor.user_id : 0};
	if (!ok) {
		if (found && !disabled && !locked && !pw_ok)
			register_failure(db, who.user_id, now, &locked_now);
		audit_attempt(db, &who, locked ? "locked" : "bad_credentials",
		              !found ? "unknown_user" : disabled ? "disabled"
		              : locked ? "account_locked" : "bad_password");
		if (locked_now)
			audit_write(db, &who, "account_lock", "user", who.user_id, "locked", NULL);
		memset(out, 0, sizeof(*out));
		r = XZ_ERR_BAD_LOGIN;
		goto out;
	}
	if (out->totp_enabled) {
		if (!totp || !*totp) {
			audit_attempt(db, &out->actor, "totp_required", "password_ok");
			out->totp_pending = true;
			r = XZ_OK;
			goto out;
		}
		if (!sealed || crypto_open(sealed, &secret) ||
		    totp_verify(secret, totp, now, last_step, &used_step)) {
			register_failure(db, who.user_id, now, &locked_now);
			audit_attempt(db, &out->actor, "bad_credentials", "bad_totp");
			if (locked_now)
				audit_write(db, &who, "account_lock", "user", who.user_id, "locked", NULL);
			snprintf(msg, n, "动态验证码错误或已使用过，请输入验证器中新的6位数字");
			memset(out, 0, sizeof(*out));
			r = XZ_ERR_BAD_LOGIN;
			goto out;
		}
	}
	struct password_policy pol;
	policy_current(db, &pol);
	bool expired = !out->must_change_password && policy_expired(&pol, changed_at, now);
	if (expired)
		out->must_change_password = true;
	out->must_enroll_totp = !out->totp_enabled && auth_totp_required(db, out->role);
	if ((r = store_begin(db)))
		goto out;
	if (used_step) {
		/* conditional, so two logins racing with one code cannot both pass */
		char stepbuf[24], idbuf[24];
		snprintf(stepbuf, sizeof(stepbuf), "%" PRId64, used_step);
		snprintf(idbuf, sizeof(idbuf), "%" PRId64, out->actor.user_id);
		const char *args[] = {stepbuf, idbuf, stepbuf};
		int64_t ignored;
		r = store_query_int(db,
		                    "UPDATE user SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?",
		                    &ignored, 3, args);
		if (!r && store_changes(db) == 0) {
			store_rollback(db);
			snprintf(msg, n, "动态验证码错误或已使用过，请输入验证器中新的6位数字");
			audit_attempt(db, &out->actor, "bad_credentials", "totp_replay");
			memset(out, 0, sizeof(*out));
			r = XZ_ERR_BAD_LOGIN;
			goto out;
		}
	}
	if (!r)
		r = open_session(db, out, user_agent, token);
	if (!r) {
		char nowbuf[32], idbuf[24];
		util_now_iso(nowbuf, sizeof(nowbuf));
		snprintf(idbuf, sizeof(idbuf), "%" PRId64, out->actor.user_id);
		const char *args[] = {nowbuf, expired ? "1" : "0", idbuf};
		int64_t ignored;
		r = store_query_int(db,
		                    "UPDATE user SET last_login_at = ?, failed_logins = 0, locked_until = 0,"
		                    " must_change_password = CASE WHEN ? = '1' THEN 1"
		                    " ELSE must_change_password END WHERE id = ?",
		                    &ignored, 3, args);
	}
	if (!r) {
		json_t *d = json_pack("{s:I, s:b, s:b}", "session", (json_int_t)out->session_id,
		                      "totp", used_step != 0, "password_expired", expired);
		r = audit_write(db, &out->actor, "login", "user", out->actor.user_id, "ok", d);
		json_decref(d);
	}
	if (!r)
		r = store_commit(db);
	if (r)
		store_rollback(db);
out:
	if (secret) {
		sodium_memzero(secret, strlen(secret));
		free(secret);
	}
	free(sealed);
	return r;
}

enum xz_result auth_session(struct store *db, const char *token, const char *ip,
                            struct principal *out)
{
	if (!hex_token(token))
		return XZ_ERR_UNAUTHENTICATED;
	char hash[65];
	util_sha256_hex(token, 64, hash);
	int64_t now = util_now_unix();
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db,
	                                 "SELECT s.id, s.csrf_token, s.last_seen_at, s.expires_at, " USER_COLS
	                                 ", coalesce(s.user_agent, '') FROM session s JOIN user u ON u.id = s.user_id"
	                                 " LEFT JOIN region r ON r.id = u.region_id"
	                                 " WHERE s.token_hash = ?",
	                                 &st);
	if (r)
		return r;
	store_bind_text(st, 1, hash);
	r = XZ_ERR_UNAUTHENTICATED;
	int64_t sid = 0;
	if (store_step(st) == STORE_ROW) {
		sid = store_column_int(st, 0);
		bool live = store_column_int(st, 2) + AUTH_IDLE_SECONDS > now &&
		            store_column_int(st, 3) > now && store_column_int(st, 4 + 5) == 0;
		if (live) {
			fill_principal(st, 4, ip, out);
			snprintf(out->csrf, sizeof(out->csrf), "%s", store_column_text(st, 1));
			snprintf(out->user_agent, sizeof(out->user_agent), "%s",
			         store_column_text(st, 17));
			out->session_id = sid;
			out->via_cookie = true;
			r = XZ_OK;
		}
	}
	store_finalize(st);
	if (sid) {
		/* refresh the idle timer, or drop the expired session */
		char idbuf[24], nowbuf[24];
		snprintf(idbuf, sizeof(idbuf), "%" PRId64, sid);
		snprintf(nowbuf, sizeof(nowbuf), "%" PRId64, now);
		const char *args[] = {nowbuf, idbuf};
		int64_t ignored;
		if (r == XZ_OK)
			store_query_int(db, "UPDATE session SET last_seen_at = ? WHERE id = ?", &ignored,
			                2, args);
		else
			store_query_int(db, "DELETE FROM session WHERE id = ?", &ignored, 1, args + 1);
	}
	if (r == XZ_OK)
		out->must_enroll_totp = !out->totp_enabled && auth_totp_required(db, out->role);
	return r;
}

enum xz_result auth_bearer(struct store *db, const char *token, const char *ip,
                           struct principal *out)
{
	if (!hex_token(token))
		return XZ_ERR_UNAUTHENTICATED;
	char hash[65];
	util_sha256_hex(token, 64, hash);
	int64_t now = util_now_unix();
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db,
	                                 "SELECT t.id, coalesce(t.expires_at, 0), " USER_COLS
	                                 " FROM api_token t JOIN user u ON u.id = t.user_id"
	                                 " LEFT JOIN region r ON r.id = u.region_id"
	                                 " WHERE t.token_hash = ?",
	                                 &st);
	if (r)
		return r;
	store_bind_text(st, 1, hash);
	r = XZ_ERR_UNAUTHENTICATED;
	if (store_step(st) == STORE_ROW) {
		int64_t exp = store_column_int(st, 1);
		if ((exp == 0 || exp > now) && store_column_int(st, 2 + 5) == 0) {
			fill_principal(st, 2, ip, out);
			r = XZ_OK;
		}
	}
	store_finalize(st);
	return r;
}

enum xz_result auth_logout(struct store *db, struct principal *p)
{
	char idbuf[24];
	const char *args[] = {idbuf};
	int64_t ignored;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, p->session_id);
	enum xz_result r = store_query_int(db, "DELETE FROM session WHERE id = ?", &ignored, 1, args);
	if (!r)
		audit_write(db, &p->actor, "logout", "user", p->actor.user_id, "ok", NULL);
	return r;
}

enum xz_result auth_change_password(struct store *db, struct principal *p, const char *old_pw,
                                    const char *new_pw, char token[65], char *msg, size_t n)
{
	struct store_stmt *st = NULL;
	char hash[crypto_pwhash_STRBYTES] = "";
	enum xz_result r = store_prepare(db, "SELECT password_hash FROM user WHERE id = ?", &st);
	if (r)
		return r;
	store_bind_int(st, 1, p->actor.user_id);
	if (store_step(st) == STORE_ROW)
		snprintf(hash, sizeof(hash), "%s", store_column_text(st, 0));
	store_finalize(st);
	if (!hash[0] || crypto_pwhash_str_verify(hash, old_pw, strlen(old_pw)) != 0) {
		snprintf(msg, n, "原密码不正确");
		audit_write(db, &p->actor, "password_change", "user", p->actor.user_id,
		            "bad_credentials", NULL);
		return XZ_ERR_VALIDATION;
	}
	if (!strcmp(old_pw, new_pw)) {
		snprintf(msg, n, "新密码不能与原密码相同");
		return XZ_ERR_VALIDATION;
	}
	r = auth_user_passwd(db, p->username, new_pw, false, msg, n);
	if (r)
		return r;
	/* auth_user_passwd ended every session; this one continues afresh */
	p->must_change_password = false;
	r = open_session(db, p, p->user_agent, token);
	audit_write(db, &p->actor, "password_change", "user", p->actor.user_id, "ok", NULL);
	return r;
}

enum xz_result auth_token_create(struct store *db, const char *username, const char *name,
                                 int days, char token[65], char *msg, size_t n)
{
	int64_t uid = 0;
	const char *args[] = {username};
	enum xz_result r = store_query_int(db, "SELECT id FROM user WHERE username = ?", &uid, 1, args);
	if (r)
		return r;
	if (!uid) {
		snprintf(msg, n, "用户“%s”不存在", username);
		return XZ_ERR_NOT_FOUND;
	}
	char hash[65], now[32];
	new_token(token);
	util_sha256_hex(token, 64, hash);
	util_now_iso(now, sizeof(now));
	struct store_stmt *st = NULL;
	r = store_prepare(db,
	                  "INSERT INTO api_token (token_hash, user_id, name, created_at, expires_at)"
	                  " VALUES (?, ?, ?, ?, ?)",
	                  &st);
	if (r)
		return r;
	store_bind_text(st, 1, hash);
	store_bind_int(st, 2, uid);
	store_bind_text(st, 3, name);
	store_bind_text(st, 4, now);
	if (days > 0)
		store_bind_int(st, 5, util_now_unix() + (int64_t)days * 86400);
	else
		store_bind_null(st, 5);
	if (store_step(st) != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	if (!r) {
		json_t *d = json_pack("{s:s, s:s, s:i}", "username", username, "name", name, "days", days);
		audit_write(db, engine_system_actor(), "token_create", "user", uid, "ok", d);
		json_decref(d);
	}
	return r;
}

json_t *auth_user_json(const struct principal *p)
{
	const struct role_def *role = auth_role(p->role);
	json_t *perms = json_array();
	for (unsigned bit = 1; bit && bit < PERM_ENTITY_READ; bit <<= 1)
		if ((p->actor.perms & bit) && model_perm_name(bit))
			json_array_append_new(perms, json_string(model_perm_name(bit)));
	json_t *u = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:b, s:b, s:b, s:b, s:o}", "id",
	                 (json_int_t)p->actor.user_id, "username", p->username, "display_name",
	                 p->display_name, "role", p->role, "role_label", role ? role->label : p->role,
	                 "region_code", p->region_code[0] ? p->region_code : NULL, "region_name",
	                 p->region_name[0] ? p->region_name : NULL, "city_wide", p->actor.city_wide,
	                 "must_change_password", p->must_change_password, "totp_enabled",
	                 p->totp_enabled, "must_enroll_totp", p->must_enroll_totp, "permissions", perms);
	/* the data scope in force ('' resolved by the region) and its custom regions */
	json_t *codes = json_array();
	for (size_t i = 0; i < p->actor.nscope_regions; i++)
		json_array_append_new(codes, json_string(p->actor.scope_regions[i]));
	json_object_set_new(u, "scope", json_string(engine_scope_name(engine_scope_effective(&p->actor))));
	json_object_set_new(u, "scope_regions", codes);
	return u;
}
