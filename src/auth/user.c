/*
 * User accounts: creation, password and role changes from the CLI, and the
 * password check used by sign-in.
 */
#include "auth/audit.h"
#include "auth/auth.h"
#include "auth/policy.h"
#include "auth/useradmin.h"
#include "core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum xz_result auth_password_check(struct store *db, const char *username, const char *password,
                                   char *msg, size_t n)
{
	struct password_policy pol;
	enum xz_result r = policy_current(db, &pol);
	if (!r)
		r = policy_check(&pol, username, password, msg, n);
	return r;
}

static bool hash_password(const char *password, char out[crypto_pwhash_STRBYTES])
{
	return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                         crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

/* region id for a code, 0 when empty, -1 when unknown */
static int64_t region_id(struct store *db, const char *code)
{
	if (!code || !*code)
		return 0;
	int64_t id = engine_find_id(db, model_find("region"), "code", code);
	return id ? id : -1;
}

static bool valid_username(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

enum xz_result auth_user_add(struct store *db, const char *username, const char *password,
                             const char *role, const char *region_code, bool must_change,
                             char *msg, size_t n)
{
	char hash[crypto_pwhash_STRBYTES], now[32];
	struct store_stmt *st = NULL;
	if (!valid_username(username)) {
		snprintf(msg, n, "用户名应为2到32位字母、数字、下划线、点或连字符");
		return XZ_ERR_VALIDATION;
	}
	if (!auth_role(role)) {
		snprintf(msg, n, "未知角色“%s”", role);
		return XZ_ERR_VALIDATION;
	}
	int64_t rid = region_id(db, region_code);
	if (rid < 0) {
		snprintf(msg, n, "未知区划代码“%s”", region_code);
		return XZ_ERR_VALIDATION;
	}
	enum xz_result pr = auth_password_check(db, username, password, msg, n);
	if (pr)
		return pr;
	if (!hash_password(password, hash)) {
		snprintf(msg, n, "密码哈希失败（内存不足）");
		return XZ_ERR_INTERNAL;
	}
	util_now_iso(now, sizeof(now));
	enum xz_result r = store_prepare(db,
	                                 "INSERT INTO user (username, display_name, password_hash,"
	                                 " role, region_id, must_change_password, created_at,"
	                                 " password_changed_at, admin_role)"
	                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                                 &st);
	if (r)
		return r;
	store_bind_text(st, 1, username);
	store_bind_text(st, 2, username);
	store_bind_text(st, 3, hash);
	store_bind_text(st, 4, auth_role(role)->name); /* canonical, not an alias */
	if (rid)
		store_bind_int(st, 5, rid);
	else
		store_bind_null(st, 5);
	store_bind_int(st, 6, must_change);
	store_bind_text(st, 7, now);
	store_bind_int(st, 8, util_now_unix());
	store_bind_text(st, 9, auth_role_is_admin(role) ? auth_role(role)->name : NULL);
	if (store_step(st) != STORE_DONE) {
		r = store_stmt_result(st);
		if (r == XZ_ERR_DUPLICATE)
			snprintf(msg, n, "用户名“%s”已存在", username);
	}
	store_finalize(st);
	if (!r) {
		json_t *d = json_pack("{s:s, s:s?}", "role", role, "region", region_code);
		audit_write(db, engine_system_actor(), "user_add", "user",
		            store_last_insert_id(db), "ok", d);
		json_decref(d);
	}
	return r;
}

/* Runs sql with (a, b, username); zero_is_null binds b = 0 as NULL (a region
 * id), otherwise b is bound as the integer it is (a flag). */
static enum xz_result update_user(struct store *db, const char *sql, const char *username,
                                  const char *a, int64_t b, bool zero_is_null, char *msg, size_t n)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	store_bind_text(st, 1, a);
	if (zero_is_null && !b)
		store_bind_null(st, 2);
	else
		store_bind_int(st, 2, b);
	store_bind_text(st, 3, username);
	if (store_step(st) != STORE_DONE)
		r = store_stmt_result(st);
	else if (store_changes(db) == 0) {
		snprintf(msg, n, "用户“%s”不存在", username);
		r = XZ_ERR_NOT_FOUND;
	}
	store_finalize(st);
	return r;
}

enum xz_result auth_user_passwd(struct store *db, const char *username, const char *password,
                                bool must_change, char *msg, size_t n)
{
	char hash[crypto_pwhash_STRBYTES];
	enum xz_result pr = auth_password_check(db, username, password, msg, n);
	if (pr)
		return pr;
	if (!hash_password(password, hash)) {
		snprintf(msg, n, "密码哈希失败（内存不足）");
		return XZ_ERR_INTERNAL;
	}
	enum xz_result r = store_begin(db);
	if (r)
		return r;
	r = update_user(db,
	                "UPDATE user SET password_hash = ?, must_change_password = ?,"
	                " failed_logins = 0, locked_until = 0 WHERE username = ?",
	                username, hash, must_change, false, msg, n);
	if (!r) {
		char nowbuf[24];
		snprintf(nowbuf, sizeof(nowbuf), "%lld", (long long)util_now_unix());
		const char *args[] = {nowbuf, username};
		int64_t ignored;
		r = store_query_int(db, "UPDATE user SET password_changed_at = ? WHERE username = ?",
		                    &ignored, 2, args);
	}
	if (!r) {
		/* a new password ends every session of the account */
		struct store_stmt *st = NULL;
		r = store_prepare(db,
		                  "DELETE FROM session WHERE user_id = (SELECT id FROM user WHERE username = ?)",
		                  &st);
		if (!r) {
			store_bind_text(st, 1, username);
			if (store_step(st) != STORE_DONE)
				r = store_stmt_result(st);
			store_finalize(st);
		}
	}
	if (!r) {
		json_t *d = json_pack("{s:s, s:b}", "username", username, "must_change", must_change);
		r = audit_write(db, engine_system_actor(), "user_passwd", "user", 0, "ok", d);
		json_decref(d);
	}
	if (!r)
		r = store_commit(db);
	if (r)
		store_rollback(db);
	return r;
}

enum xz_result auth_user_role(struct store *db, const char *username, const char *role,
                              const char *region_code, char *msg, size_t n)
{
	if (!auth_role(role)) {
		snprintf(msg, n, "未知角色“%s”", role);
		return XZ_ERR_VALIDATION;
	}
	int64_t rid = region_id(db, region_code);
	if (rid < 0) {
		snprintf(msg, n, "未知区划代码“%s”", region_code);
		return XZ_ERR_VALIDATION;
	}
	/* 三权分立: an administrator account never becomes another administrator */
	char old_role[32] = "", held[32] = "";
	struct store_stmt *cur = NULL;
	if (!store_prepare(db, "SELECT role, coalesce(admin_role, '') FROM user WHERE username = ?",
	                   &cur)) {
		store_bind_text(cur, 1, username);
		if (store_step(cur) == STORE_ROW) {
			snprintf(old_role, sizeof(old_role), "%s", store_column_text(cur, 0));
			snprintf(held, sizeof(held), "%s", store_column_text(cur, 1));
		}
		store_finalize(cur);
	}
	enum xz_result sep = useradmin_role_change_check(old_role, held, role, msg, n);
	if (sep)
		return sep;
	const char *canon = auth_role(role)->name;
	enum xz_result r = update_user(db, "UPDATE user SET role = ?, region_id = ? WHERE username = ?",
	                               username, canon, rid, true, msg, n);
	if (!r && auth_role_is_admin(canon) && !*held) {
		if (!(r = store_prepare(db, "UPDATE user SET admin_role = ? WHERE username = ?", &cur))) {
			store_bind_text(cur, 1, canon);
			store_bind_text(cur, 2, username);
			if (store_step(cur) != STORE_DONE)
				r = store_stmt_result(cur);
			store_finalize(cur);
		}
	}
	if (!r) {
		json_t *d = json_pack("{s:s, s:s, s:s?}", "username", username, "role", role, "region",
		                      region_code);
		audit_write(db, engine_system_actor(), "user_role", "user", 0, "ok", d);
		json_decref(d);
	}
	return r;
}

/* ---- data scope ---- */

enum xz_result auth_scope_check(struct store *db, const char *scope, const char *region_code,
                                const char *const *regions, size_t nregions, char *msg, size_t n)
{
	enum scope_kind k;
	if (!engine_scope_parse(scope ? scope : "", &k)) {
		snprintf(msg, n, "未知数据范围“%s”，应为 all（全部数据）、custom（自定义区划）、"
		         "region（本区划）、region_tree（本区划及下级）或 own（仅本人录入）", scope);
		return XZ_ERR_VALIDATION;
	}
	if (k == SCOPE_CUSTOM && !nregions) {
		snprintf(msg, n, "自定义区划（custom）须至少指定一个区划代码");
		return XZ_ERR_VALIDATION;
	}
	if (k != SCOPE_CUSTOM && nregions) {
		snprintf(msg, n, "只有自定义区划（custom）可以指定区划列表");
		return XZ_ERR_VALIDATION;
	}
	if (nregions > SCOPE_MAX_REGIONS) {
		snprintf(msg, n, "自定义区划最多%d个", SCOPE_MAX_REGIONS);
		return XZ_ERR_VALIDATION;
	}
	for (size_t i = 0; i < nregions; i++) {
		if (!regions[i] || !*regions[i] || strlen(regions[i]) >= 16 ||
		    region_id(db, regions[i]) <= 0) {
			snprintf(msg, n, "未知区划代码“%s”", regions[i] ? regions[i] : "");
			return XZ_ERR_VALIDATION;
		}
	}
	if ((k == SCOPE_REGION || k == SCOPE_REGION_TREE) && (!region_code || !*region_code)) {
		snprintf(msg, n, "本区划（region）和本区划及下级（region_tree）须先为用户指定所属区划");
		return XZ_ERR_VALIDATION;
	}
	if (region_id(db, region_code) < 0) {
		snprintf(msg, n, "未知区划代码“%s”", region_code);
		return XZ_ERR_VALIDATION;
	}
	return XZ_OK;
}

enum xz_result auth_user_set_scope(struct store *db, const char *username, const char *scope,
                                   const char *const *regions, size_t nregions, char *msg,
                                   size_t n)
{
	char region[16] = "";
	bool found = false;
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db,
	                                 "SELECT coalesce(r.code, '') FROM user u"
	                                 " LEFT JOIN region r ON r.id = u.region_id"
	                                 " WHERE u.username = ?",
	                                 &st);
	if (r)
		return r;
	store_bind_text(st, 1, username);
	if (store_step(st) == STORE_ROW) {
		found = true;
		snprintf(region, sizeof(region), "%s", store_column_text(st, 0));
	}
	store_finalize(st);
	if (!found) {
		snprintf(msg, n, "用户“%s”不存在", username);
		return XZ_ERR_NOT_FOUND;
	}
	if ((r = auth_scope_check(db, scope, region, regions, nregions, msg, n)))
		return r;
	json_t *codes = json_array();
	for (size_t i = 0; i < nregions; i++) {
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup = dup || !strcmp(regions[i], regions[j]);
		if (!dup)
			json_array_append_new(codes, json_string(regions[i]));
	}
	char *text = nregions ? json_dumps(codes, JSON_COMPACT) : NULL;
	if (!(r = store_prepare(db, "UPDATE user SET scope = ?, scope_regions = ? WHERE username = ?",
	                        &st))) {
		store_bind_text(st, 1, scope ? scope : "");
		if (text)
			store_bind_text(st, 2, text);
		else
			store_bind_null(st, 2);
		store_bind_text(st, 3, username);
		if (store_step(st) != STORE_DONE)
			r = store_stmt_result(st);
		store_finalize(st);
	}
	if (!r) {
		json_t *d = json_pack("{s:s, s:s, s:O}", "username", username, "scope", scope ? scope : "",
		                      "regions", codes);
		audit_write(db, engine_system_actor(), "user_scope", "user", 0, "ok", d);
		json_decref(d);
	}
	free(text);
	json_decref(codes);
	return r;
}
