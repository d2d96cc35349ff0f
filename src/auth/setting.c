/*
 * The security settings: a table of known keys with defaults and
 * validators over the setting table. Reads bind the key as a parameter;
 * writes are upserts audited as the system actor.
 */
#include "auth/audit.h"
#include "auth/auth.h"
#include "auth/setting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct setting_def defs[] = {
	{SETTING_PASSWORD_POLICY, "dengbao", "口令策略：dengbao（等保：8位以上、4类字符中至少3类、定期更换）或 asvs（12到128位、不在常见口令表中）"},
	{SETTING_PASSWORD_MAX_AGE, "90", "等保口令策略下口令的最长使用天数，到期登录时须修改；0 表示不限"},
	{SETTING_LOGIN_MAX_FAILURES, "5", "连续登录失败多少次后锁定账号"},
	{SETTING_LOGIN_LOCK_MINUTES, "15", "账号锁定的分钟数（可为小数）"},
	{SETTING_LOGIN_RATE, "10", "每个IP每分钟最多登录尝试次数；0 表示不限"},
	{SETTING_TOTP_ROLES, "sysadmin,secadmin,auditadmin,admin", "必须使用动态验证码（双因素认证）的角色，逗号分隔；空表示不强制"},
};

const struct setting_def *setting_def_at(size_t i)
{
	return i < sizeof(defs) / sizeof(defs[0]) ? &defs[i] : NULL;
}

const struct setting_def *setting_find(const char *key)
{
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (!strcmp(defs[i].key, key))
			return &defs[i];
	return NULL;
}

enum xz_result setting_get(struct store *db, const char *key, char *out, size_t n)
{
	const struct setting_def *d = setting_find(key);
	struct store_stmt *st = NULL;
	snprintf(out, n, "%s", d ? d->def : "");
	enum xz_result r = store_prepare(db, "SELECT value FROM setting WHERE key = ?", &st);
	if (r)
		goto out;
	store_bind_text(st, 1, key);
	if (store_step(st) == STORE_ROW && store_column_text(st, 0))
		snprintf(out, n, "%s", store_column_text(st, 0));
	store_finalize(st);
out:
	return r;
}

static bool parse_number(const char *s, double *v)
{
	char *end = NULL;
	if (!s || !*s)
		return false;
	*v = strtod(s, &end);
	return *end == '\0' && *v == *v;
}

double setting_get_number(struct store *db, const char *key)
{
	char buf[64];
	double v = 0, def = 0;
	const struct setting_def *d = setting_find(key);
	if (d)
		parse_number(d->def, &def);
	if (setting_get(db, key, buf, sizeof(buf)) || !parse_number(buf, &v))
		return def;
	return v;
}

bool setting_list_has(const char *list, const char *role)
{
	size_t n = strlen(role);
	for (const char *p = list; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ',' && *e != ' ')
			e++;
		if ((size_t)(e - p) == n && n && !strncmp(p, role, n))
			return true;
		p = e;
	}
	return false;
}

/* validates value for key; message in msg */
static bool valid_value(const char *key, const char *value, char *msg, size_t n)
{
	double v = 0;
	if (!strcmp(key, SETTING_PASSWORD_POLICY)) {
		if (strcmp(value, "dengbao") && strcmp(value, "asvs")) {
			snprintf(msg, n, "口令策略只能是 dengbao（等保）或 asvs");
			return false;
		}
		return true;
	}
	if (!strcmp(key, SETTING_TOTP_ROLES)) {
		for (const char *p = value; *p;) {
			while (*p == ' ' || *p == ',')
				p++;
			size_t len = strcspn(p, ", ");
			char role[32];
			if (!len)
				break;
			snprintf(role, sizeof(role), "%.*s", (int)(len < 31 ? len : 31), p);
			if (len > 31 || !auth_role(role)) {
				snprintf(msg, n, "未知角色“%.*s”；角色列表应为逗号分隔的 sysadmin、secadmin、auditadmin、admin、operator、viewer",
				         (int)(len < 40 ? len : 40), p);
				return false;
			}
			p += len;
		}
		return true;
	}
	bool integer = strcmp(key, SETTING_LOGIN_LOCK_MINUTES) != 0;
	if (!parse_number(value, &v) || v < 0 || v > 100000 || (integer && v != (double)(long)v)) {
		snprintf(msg, n, "“%s”应为%s的非负数", key, integer ? "整数" : "");
		return false;
	}
	if (!strcmp(key, SETTING_LOGIN_MAX_FAILURES) && v < 1) {
		snprintf(msg, n, "登录失败锁定次数至少为1");
		return false;
	}
	return true;
}

enum xz_result setting_check(const char *key, const char *value, char *msg, size_t n)
{
	if (!setting_find(key)) {
		snprintf(msg, n, "未知设置项“%.60s”", key);
		return XZ_ERR_VALIDATION;
	}
	return valid_value(key, value, msg, n) ? XZ_OK : XZ_ERR_VALIDATION;
}

enum xz_result setting_set(struct store *db, const char *key, const char *value, char *msg,
                           size_t n)
{
	struct store_stmt *st = NULL;
	enum xz_result r = XZ_OK;
	if (!setting_find(key)) {
		snprintf(msg, n, "未知设置项“%.60s”", key);
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	if (!valid_value(key, value, msg, n)) {
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	if ((r = store_begin(db)))
		goto out;
	r = store_prepare(db,
	                  "INSERT INTO setting (key, value) VALUES (?, ?)"
	                  " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	                  &st);
	if (!r) {
		store_bind_text(st, 1, key);
		store_bind_text(st, 2, value);
		if (store_step(st) != STORE_DONE)
			r = store_stmt_result(st);
		store_finalize(st);
	}
	if (!r) {
		json_t *d = json_pack("{s:s, s:s}", "key", key, "value", value);
		r = audit_write(db, engine_system_actor(), "setting_set", "setting", 0, "ok", d);
		json_decref(d);
	}
	if (!r)
		r = store_commit(db);
	else
		store_rollback(db);
out:
	return r;
}
