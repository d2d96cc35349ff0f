/*
 * The password policy. Two presets, chosen by the password_policy setting:
 * 等保 (dengbao: 8 to 128 characters, at least three of the four character
 * classes, changed every password_max_age_days) and ASVS (12 to 128
 * characters, no composition rule). Both refuse a password that contains
 * the user name and one found in the list of common passwords shipped in
 * data/common-passwords.txt (loaded once, on first use, from
 * XINZHI_COMMON_PASSWORDS or the source tree's data/ folder).
 *
 * The checker itself (policy_check) is a pure function of the policy and
 * the strings, so unit tests exercise it without a database. Messages are
 * written into caller buffers and name the rule that failed.
 */
#ifndef XZ_POLICY_H
#define XZ_POLICY_H

#include "core/result.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum policy_preset { POLICY_DENGBAO, POLICY_ASVS };

struct password_policy {
	enum policy_preset preset;
	int min_len, max_len; /* characters (UTF-8 code points) */
	int min_classes;      /* of lower, upper, digit, other; 0 = no rule */
	int max_age_days;     /* 0 = never expires */
	bool check_common;
};

void policy_preset(enum policy_preset p, int max_age_days, struct password_policy *out);
/* The policy in force: the password_policy and password_max_age_days
 * settings (ASVS has no periodic change). */
enum xz_result policy_current(struct store *db, struct password_policy *out);
/* XZ_OK, or XZ_ERR_VALIDATION with the broken rule in msg. */
enum xz_result policy_check(const struct password_policy *p, const char *username,
                            const char *password, char *msg, size_t n);
/* true when changed_at (unix seconds) is older than the policy allows */
bool policy_expired(const struct password_policy *p, int64_t changed_at, int64_t now);
/* A JSON-friendly description of the rules, zh-CN, into out. */
void policy_describe(const struct password_policy *p, char *out, size_t n);

/* Loads the common-password list from path (one per line); replaces any
 * list loaded before. XZ_ERR_IO with a message when unreadable. */
enum xz_result policy_load_common(const char *path, char *msg, size_t n);
/* true when password (compared in lower case) is in the list; loads the
 * default list on first use. */
bool policy_is_common(const char *password);
/* entries in the loaded list (loads the default list on first use) */
size_t policy_common_count(void);

#endif
