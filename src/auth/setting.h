/*
 * Security settings kept in the setting table (key → text value): the
 * password policy preset, password age, lockout and login rate limits, and
 * the roles that must use a second factor. Each known key has a default
 * and a validator, so `xinzhi setting set` refuses values the server could
 * not use, and a missing row means the default. Values are read on each
 * use (a one-row lookup), so a change takes effect without a restart.
 *
 * Ownership: text outputs are written into caller buffers; nothing
 * returned needs freeing.
 */
#ifndef XZ_SETTING_H
#define XZ_SETTING_H

#include "core/result.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>

#define SETTING_PASSWORD_POLICY "password_policy"           /* dengbao | asvs */
#define SETTING_PASSWORD_MAX_AGE "password_max_age_days"    /* 等保: 90; 0 = never */
#define SETTING_LOGIN_MAX_FAILURES "login_max_failures"     /* 5 */
#define SETTING_LOGIN_LOCK_MINUTES "login_lock_minutes"     /* 15; decimals allowed */
#define SETTING_LOGIN_RATE "login_rate_per_minute"          /* 10 per IP; 0 = off */
#define SETTING_TOTP_ROLES "totp_required_roles"            /* the admin roles; comma list */

struct setting_def {
	const char *key;
	const char *def;   /* default value */
	const char *label; /* zh-CN description */
};

/* The known settings, NULL past the end. */
const struct setting_def *setting_def_at(size_t i);
const struct setting_def *setting_find(const char *key);

/* The value of key (or its default) into out. */
enum xz_result setting_get(struct store *db, const char *key, char *out, size_t n);
/* The value as a number; the default when unset or unparsable. */
double setting_get_number(struct store *db, const char *key);
/* Validates and stores a value; XZ_ERR_VALIDATION with a Chinese message in
 * msg for an unknown key or a bad value. Audited as the system actor. */
enum xz_result setting_set(struct store *db, const char *key, const char *value, char *msg,
                           size_t n);
/* Validates without storing: XZ_OK, or XZ_ERR_VALIDATION with the reason
 * in msg (unknown key, bad value). */
enum xz_result setting_check(const char *key, const char *value, char *msg, size_t n);
/* true when role is listed in the comma-separated list */
bool setting_list_has(const char *list, const char *role);

#endif
