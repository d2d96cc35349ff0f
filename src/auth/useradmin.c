/*
 * Account administration for the system administrator (see useradmin.h):
 * the calls behind /api/v1/users. Each change runs in one transaction with
 * its audit row (actor = the administrator, entity user, the account's id,
 * before/after values); refusals of the separation rules are audited too.
 * Passwords handed out here are random, shown once in the reply and must
 * be changed at the next sign-in.
 */
#include "auth/audit.h"
#include "auth/setting.h"
#include "auth/useradmin.h"
#include "core/util.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

void auth_generate_password(char *out, size_t len)
{
	/* no 0/O, 1/l/I: the password is read off a screen and typed in */
	static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
	bool upper, lower, digit;
	do {
		upper = lower = digit = false;
		for (size_t i = 0; i < len; i++) {
			out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
			upper |= out[i] >= 'A' && out[i] <= 'Z';
			lower |= out[i] >= 'a' && out[i] <= 'z';
			digit |= out[i] >= '0' && out[i] <= '9';
		}
		out[len] = '\0';
	} while (!(upper && lower && digit));
}

#define USER_SELECT                                                                           \
	"SELECT u.id, u.username, coalesce(u.display_name, u.username), u.role,"                 \
	" coalesce(r.code, ''), coalesce(r.name, ''), u.disabled, u.locked_until,"               \
	" u.failed_logins, u.must_change_password, u.totp_enabled, u.last_login_at,"             \
	" u.created_at, (SELECT count(*) FROM session s WHERE s.user_id = u.id"                  \
	" AND s.expires_at > ?) FROM user u LEFT JOIN region r ON r.id = u.region_id"

static json_t *user_row_json(struct store_stmt *st, int64_t now)
{
	const char *role = store_column_text(st, 3);
	const struct role_def *def = auth_role(role);
	const char *code = store_column_text(st, 4), *rname = store_column_text(st, 5);
	int64_t locked_until = store_column_int(st, 7);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s, s:b, s:b, s:I, s:I, s:b, s:b,"
	                 " s:s?, s:s?, s:I}",
	                 "id", (json_int_t)store_column_int(st, 0), "username",
	                 store_column_text(st, 1), "display_name", store_column_text(st, 2), "role",
	                 role, "role_label", def ? def->label : role, "region_code",
	                 code && *code ? code : NULL, "region_name", rname && *rname ? rname : "全市",
	                 "disabled", store_column_int(st, 6) != 0, "locked", locked_until > now,
	                 "locked_until", (json_int_t)(locked_until > now ? locked_until : 0),
	                 "failed_logins", (json_int_t)store_column_int(st, 8),
	                 "must_change_password", store_column_int(st, 9) != 0, "totp_enabled",
	                 store_column_int(st, 10) != 0, "last_login_at", store_column_text(st, 11),
	                 "created_at", store_column_text(st, 12), "sessions",
	                 (json_int_t)store_column_int(st, 13));
}

enum xz_result useradmin_list(struct store *db, json_t **out)
{
	struct store_stmt *st = NULL;
	int64_t now = util_now_unix();
	*out = NULL;
	enum xz_result r = store_prepare(db, USER_SELECT " ORDER BY u.id", &st);
	if (r)
		return r;
	store_bind_int(st, 1, now);
	json_t *items = json_array();
	int rc;
	while ((rc = store_step(st)) == STORE_ROW)
		json_array_append_new(items, user_row_json(st, now));
	if (rc != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	if (r) {
		json_decref(items);
		return r;
	}
	*out = json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(items), "items", items);
	return XZ_OK;
}

/* One account as JSON; XZ_ERR_NOT_FOUND (msg) when there is none. */
static enum xz_result user_by_id(struct store *db, int64_t id, json_t **out, char *msg, size_t n)
{
	struct store_stmt *st = NULL;
	int64_t now = util_now_unix();
	*out = NULL;
	enum xz_result r = store_prepare(db, USER_SELECT " WHERE u.id = ?", &st);
	if (r)
		return r;
	store_bind_int(st, 1, now);
	store_bind_int(st, 2, id);
	int rc = store_step(st);
	if (rc == STORE_ROW)
		*out = user_row_json(st, now);
	else if (rc == STORE_DONE) {
		snprintf(msg, n, "用户不存在（ID %" PRId64 "）", id);
		r = XZ_ERR_NOT_FOUND;
	} else
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

enum xz_result useradmin_regions(struct store *db, json_t **out)
{
	struct store_stmt *st = NULL;
	*out = NULL;
	enum xz_result r = store_prepare(db,
	                                 "SELECT code, name, level FROM region"
	                                 " WHERE deleted_at IS NULL ORDER BY code",
	                                 &st);
	if (r)
		return r;
	json_t *items = json_array();
	int rc;
	while ((rc = store_step(st)) == STORE_ROW)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "code",
		                                       store_column_text(st, 0), "name",
		                                       store_column_text(st, 1), "level",
		                                       store_column_text(st, 2)));
	if (rc != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	if (r)
		json_decref(items);
	else
		*out = json_pack("{s:o}", "items", items);
	return r;
}

enum xz_result useradmin_role_change_check(const char *old_role, const char *held_admin,
                                           const char *new_role, char *msg, size_t n)
{
	const struct role_def *to = auth_role(new_role), *from = auth_role(old_role);
	const struct role_def *held = held_admin && *held_admin ? auth_role(held_admin) : NULL;
	if (!to) {
		snprintf(msg, n, "未知角色“%.40s”", new_role);
		return XZ_ERR_VALIDATION;
	}
	if (!auth_role_is_admin(to->name))
		return XZ_OK;
	if (from && from != to && auth_role_is_admin(from->name)) {
		snprintf(msg, n,
		         "三权分立：%s账号不能改为%s，同一账号不得先后担任两种管理员角色，请另建账号",
		         from->label, to->label);
		return XZ_ERR_VALIDATION;
	}
	if (held && held != to) {
		snprintf(msg, n,
		         "三权分立：该账号曾担任%s，不能再担任%s，同一账号不得先后担任两种管理员角色，请另建账号",
		         held->label, to->label);
		return XZ_ERR_VALIDATION;
	}
	return XZ_OK;
}

/* Audits a refusal (separation rules, self changes) as the administrator. */
static void audit_refusal(struct store *db, const struct actor *by, const char *action,
                          int64_t id, const char *why)
{
	json_t *d = json_pack("{s:s}", "reason", why);
	audit_write(db, by, action, "user", id, "refused", d);
	json_decref(d);
}

static enum xz_result run_id(struct store *db, const char *sql, int64_t id)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	store_bind_int(st, 1, id);
	if (store_step(st) != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

/* A one-time password the policy in force accepts for username. */
static enum xz_result one_time_password(struct store *db, const char *username, char pw[20],
                                        char *msg, size_t n)
{
	enum xz_result r = XZ_ERR_INTERNAL;
	for (int i = 0; i < 8 && r; i++) {
		auth_generate_password(pw, 16);
		r = auth_password_check(db, username, pw, msg, n);
	}
	return r;
}

/* The common end of creating a user and resetting a password, inside their
 * transaction (r its result so far): the user row is read back, the
 * transaction committed, and *out carries the one-time password with the
 * message shown once; on any failure everything is rolled back. The
 * password is wiped either way. */
static enum xz_result finish_one_time(struct store *db, int64_t id, enum xz_result r, char pw[20],
                                      const char *message, json_t **out, char *msg, size_t n)
{
	json_t *user = NULL;
	if (!r)
		r = user_by_id(db, id, &user, msg, n);
	if (!r)
		r = store_commit(db);
	if (r) {
		store_rollback(db);
		json_decref(user);
	} else {
		*out = json_pack("{s:o, s:s, s:s}", "user", user, "password", pw, "message", message);
	}
	sodium_memzero(pw, 20);
	return r;
}

enum xz_result useradmin_create(struct store *db, const struct actor *by, json_t *body,
                                json_t **out, char *msg, size_t n)
{
	*out = NULL;
	const char *username = json_string_value(json_object_get(body, "username"));
	const char *role = json_string_value(json_object_get(body, "role"));
	const char *region = json_string_value(json_object_get(body, "region_code"));
	const char *display = json_string_value(json_object_get(body, "display_name"));
	if (!username || !*username || !role || !*role) {
		snprintf(msg, n, "请填写用户名 username 和角色 role");
		return XZ_ERR_VALIDATION;
	}
	if (display && (strlen(display) > 60 || !util_utf8_valid(display, strlen(display)))) {
		snprintf(msg, n, "姓名应为60字节以内的文字");
		return XZ_ERR_VALIDATION;
	}
	char pw[20];
	enum xz_result r = one_time_password(db, username, pw, msg, n);
	if (r)
		return r;
	if ((r = store_begin(db)))
		return r;
	r = auth_user_add(db, username, pw, role, region, true, msg, n);
	int64_t id = 0;
	if (!r) {
		const char *args[] = {username};
		r = store_query_int(db, "SELECT id FROM user WHERE username = ?", &id, 1, args);
	}
	if (!r && display && *display) {
		struct store_stmt *st = NULL;
		r = store_prepare(db, "UPDATE user SET display_name = ? WHERE id = ?", &st);
		if (!r) {
			store_bind_text(st, 1, display);
			store_bind_int(st, 2, id);
			if (store_step(st) != STORE_DONE)
				r = store_stmt_result(st);
			store_finalize(st);
		}
	}
	if (!r) {
		json_t *d = json_pack("{s:s, s:s, s:s?}", "username", username, "role",
		                      auth_role(role)->name, "region", region);
		r = audit_write(db, by, "user_create", "user", id, "ok", d);
		json_decref(d);
	}
	return finish_one_time(db, id, r, pw, "初始密码只显示这一次，用户首次登录后须修改", out,
	                       msg, n);
}

/* The current role, region code and disabled flag of an account. */
struct account {
	char username[64], role[32], region[16], display[128];
	char admin_role[32]; /* the administrator role it ever held, "" for none */
	bool disabled;
};

static enum xz_result load_account(struct store *db, int64_t id, struct account *a, char *msg,
                                   size_t n)
{
	struct store_stmt *st = NULL;
	memset(a, 0, sizeof(*a));
	enum xz_result r = store_prepare(db,
	                                 "SELECT u.username, u.role, coalesce(r.code, ''), u.disabled,"
	                                 " coalesce(u.display_name, u.username),"
	                                 " coalesce(u.admin_role, '')"
	                                 " FROM user u LEFT JOIN region r ON r.id = u.region_id"
	                                 " WHERE u.id = ?",
	                                 &st);
	if (r)
		return r;
	store_bind_int(st, 1, id);
	int rc = store_step(st);
	if (rc == STORE_ROW) {
		snprintf(a->username, sizeof(a->username), "%s", store_column_text(st, 0));
		snprintf(a->role, sizeof(a->role), "%s", store_column_text(st, 1));
		snprintf(a->region, sizeof(a->region), "%s", store_column_text(st, 2));
		a->disabled = store_column_int(st, 3) != 0;
		snprintf(a->display, sizeof(a->display), "%s", store_column_text(st, 4));
		snprintf(a->admin_role, sizeof(a->admin_role), "%s", store_column_text(st, 5));
	} else if (rc == STORE_DONE) {
		snprintf(msg, n, "用户不存在（ID %" PRId64 "）", id);
		r = XZ_ERR_NOT_FOUND;
	} else {
		r = store_stmt_result(st);
	}
	store_finalize(st);
	return r;
}

enum xz_result useradmin_update(struct store *db, const struct actor *by, int64_t id,
                                json_t *body, json_t **out, char *msg, size_t n)
{
	static const char *const known[] = {"role", "region_code", "disabled", "display_name", NULL};
	*out = NULL;
	const char *key;
	json_t *value;
	json_object_foreach(body, key, value) {
		bool ok = false;
		for (size_t i = 0; known[i]; i++)
			ok |= !strcmp(key, known[i]);
		if (!ok) {
			snprintf(msg, n, "不能修改“%.40s”；可修改 role、region_code、disabled、display_name",
			         key);
			return XZ_ERR_VALIDATION;
		}
	}
	struct account a;
	enum xz_result r = load_account(db, id, &a, msg, n);
	if (r)
		return r;
	json_t *jrole = json_object_get(body, "role"), *jregion = json_object_get(body, "region_code");
	json_t *jdis = json_object_get(body, "disabled"), *jname = json_object_get(body, "display_name");
	if ((jrole && !json_is_string(jrole)) || (jdis && !json_is_boolean(jdis)) ||
	    (jregion && !json_is_string(jregion) && !json_is_null(jregion)) ||
	    (jname && !json_is_string(jname))) {
		snprintf(msg, n, "role、region_code、display_name 应为文字，disabled 应为 true 或 false");
		return XZ_ERR_VALIDATION;
	}
	const struct role_def *to = jrole ? auth_role(json_string_value(jrole)) : auth_role(a.role);
	const char *role = to ? to->name : a.role;
	const char *region = jregion ? (json_is_null(jregion) ? "" : json_string_value(jregion))
	                             : a.region;
	bool disabled = jdis ? json_is_true(jdis) : a.disabled;
	const char *display = jname ? json_string_value(jname) : a.display;
	bool role_changed = jrole && (!to || strcmp(role, a.role));
	bool self = by->user_id == id;
	if (self && role_changed) {
		snprintf(msg, n, "不能修改本人的角色");
		audit_refusal(db, by, "user_update", id, "own_role");
		return XZ_ERR_FORBIDDEN;
	}
	if (self && disabled && !a.disabled) {
		snprintf(msg, n, "不能停用本人的账号");
		audit_refusal(db, by, "user_update", id, "own_account");
		return XZ_ERR_FORBIDDEN;
	}
	if (jrole &&
	    (r = useradmin_role_change_check(a.role, a.admin_role, json_string_value(jrole), msg, n))) {
		if (to)
			audit_refusal(db, by, "user_update", id, msg);
		return r;
	}
	if (!*display || strlen(display) > 60 || !util_utf8_valid(display, strlen(display))) {
		snprintf(msg, n, "姓名应为1到60字节的文字");
		return XZ_ERR_VALIDATION;
	}
	int64_t rid = 0;
	if (*region && !(rid = engine_find_id(db, model_find("region"), "code", region))) {
		snprintf(msg, n, "未知区划代码“%.20s”", region);
		return XZ_ERR_VALIDATION;
	}
	if ((r = store_begin(db)))
		return r;
	struct store_stmt *st = NULL;
	r = store_prepare(db,
	                  "UPDATE user SET role = ?, region_id = ?, disabled = ?, display_name = ?,"
	                  " admin_role = coalesce(admin_role, ?) WHERE id = ?",
	                  &st);
	if (!r) {
		store_bind_text(st, 1, role);
		if (rid)
			store_bind_int(st, 2, rid);
		else
			store_bind_null(st, 2);
		store_bind_int(st, 3, disabled);
		store_bind_text(st, 4, display);
		store_bind_text(st, 5, auth_role_is_admin(role) ? role : NULL);
		store_bind_int(st, 6, id);
		if (store_step(st) != STORE_DONE)
			r = store_stmt_result(st);
		store_finalize(st);
	}
	bool end_sessions = role_changed || (disabled && !a.disabled);
	if (!r && end_sessions)
		r = run_id(db, "DELETE FROM session WHERE user_id = ?", id);
	if (!r) {
		json_t *d = json_pack("{s:s, s:{s:s, s:s, s:b, s:s}, s:{s:s, s:s, s:b, s:s}, s:b}",
		                      "username", a.username, "before", "role", a.role, "region_code",
		                      a.region, "disabled", a.disabled, "display_name", a.display,
		                      "after", "role", role, "region_code", region, "disabled", disabled,
		                      "display_name", display, "sessions_ended", end_sessions);
		r = audit_write(db, by, "user_update", "user", id, "ok", d);
		json_decref(d);
	}
	json_t *user = NULL;
	if (!r)
		r = user_by_id(db, id, &user, msg, n);
	if (!r)
		r = store_commit(db);
	if (r) {
		store_rollback(db);
		json_decref(user);
		return r;
	}
	*out = user;
	return XZ_OK;
}

enum xz_result useradmin_reset_password(struct store *db, const struct actor *by, int64_t id,
                                        json_t **out, char *msg, size_t n)
{
	struct account a;
	*out = NULL;
	enum xz_result r = load_account(db, id, &a, msg, n);
	if (r)
		return r;
	if (by->user_id == id) {
		snprintf(msg, n, "不能重置本人的密码，请在“账号安全”页修改");
		audit_refusal(db, by, "user_reset_password", id, "own_account");
		return XZ_ERR_FORBIDDEN;
	}
	char pw[20];
	if ((r = one_time_password(db, a.username, pw, msg, n)))
		return r;
	if ((r = store_begin(db)))
		return r;
	/* forced change, failures and lock cleared, every session ended */
	r = auth_user_passwd(db, a.username, pw, true, msg, n);
	if (!r) {
		json_t *d = json_pack("{s:s, s:b}", "username", a.username, "sessions_ended", 1);
		r = audit_write(db, by, "user_reset_password", "user", id, "ok", d);
		json_decref(d);
	}
	return finish_one_time(db, id, r, pw,
	                       "新密码只显示这一次，用户登录后须修改；其所有会话已结束", out, msg, n);
}

/* Runs sql (one ? = the id) for an existing account with an audit row. */
static enum xz_result simple_action(struct store *db, const struct actor *by, int64_t id,
                                    const char *sql, const char *action, int64_t *changes,
                                    json_t **out, char *msg, size_t n)
{
	struct account a;
	*out = NULL;
	enum xz_result r = load_account(db, id, &a, msg, n);
	if (r)
		return r;
	if ((r = store_begin(db)))
		return r;
	r = run_id(db, sql, id);
	*changes = r ? 0 : store_changes(db);
	if (!r) {
		json_t *d = json_pack("{s:s, s:I}", "username", a.username, "changed", (json_int_t)*changes);
		r = audit_write(db, by, action, "user", id, "ok", d);
		json_decref(d);
	}
	if (!r)
		r = user_by_id(db, id, out, msg, n);
	if (!r)
		r = store_commit(db);
	if (r) {
		store_rollback(db);
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

enum xz_result useradmin_unlock(struct store *db, const struct actor *by, int64_t id,
                                json_t **out, char *msg, size_t n)
{
	int64_t changes = 0;
	json_t *user = NULL;
	enum xz_result r = simple_action(db, by, id,
	                                 "UPDATE user SET locked_until = 0, failed_logins = 0"
	                                 " WHERE id = ?",
	                                 "user_unlock", &changes, &user, msg, n);
	if (!r)
		*out = json_pack("{s:o, s:b}", "user", user, "unlocked", 1);
	return r;
}

enum xz_result useradmin_end_sessions(struct store *db, const struct actor *by, int64_t id,
                                      json_t **out, char *msg, size_t n)
{
	int64_t changes = 0;
	json_t *user = NULL;
	enum xz_result r = simple_action(db, by, id, "DELETE FROM session WHERE user_id = ?",
	                                 "user_sessions_end", &changes, &user, msg, n);
	if (!r)
		*out = json_pack("{s:o, s:I}", "user", user, "ended", (json_int_t)changes);
	return r;
}
