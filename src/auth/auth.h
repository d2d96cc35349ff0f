/*
 * Users, roles, passwords, sessions and API tokens. Passwords are Argon2id
 * hashes (libsodium) with a per-hash salt; session and API tokens are 256-bit
 * random values of which only the SHA-256 is stored, so a copy of the
 * database does not let anyone sign in.
 *
 * A struct principal is filled by auth_session()/auth_bearer() and owns its
 * strings (fixed arrays), so it can live on the stack of a request.
 */
#ifndef XZ_AUTH_H
#define XZ_AUTH_H

#include "core/result.h"
#include "engine/engine.h"

#include <jansson.h>
#include <stdbool.h>

#define AUTH_IDLE_SECONDS (30 * 60)
#define AUTH_ABSOLUTE_SECONDS (12 * 3600)
#define AUTH_COOKIE "xz_session"

struct role_def {
	const char *name;
	const char *label;
	unsigned perms;
};

const struct role_def *auth_role(const char *name);
const struct role_def *auth_role_at(size_t i); /* NULL past the end */
/* true for the three separated administrator roles (sysadmin, secadmin,
 * auditadmin; 三权分立) */
bool auth_role_is_admin(const char *name);

struct principal {
	struct actor actor;
	char username[64], role[32], display_name[64];
	char region_code[16], region_prefix[16], region_name[64];
	/* the custom scope's region codes, which actor.scope_regions points at */
	char scope_codes[SCOPE_MAX_REGIONS][16];
	const char *scope_ptrs[SCOPE_MAX_REGIONS];
	char ip[64];
	char user_agent[256];
	char csrf[65];
	int64_t session_id;
	bool must_change_password;
	bool totp_enabled;
	bool must_enroll_totp; /* role needs TOTP and has none: enrol before anything else */
	bool totp_pending;     /* auth_login: password right, TOTP code needed */
	bool via_cookie; /* session cookie (needs CSRF) rather than a bearer token */
};

/* Creates a user. Fails with XZ_ERR_VALIDATION (message in msg) for an
 * unknown role or region, a taken name or a password that breaks the
 * policy. */
enum xz_result auth_user_add(struct store *db, const char *username, const char *password,
                             const char *role, const char *region_code, bool must_change,
                             char *msg, size_t n);
enum xz_result auth_user_passwd(struct store *db, const char *username, const char *password,
                                bool must_change, char *msg, size_t n);
enum xz_result auth_user_role(struct store *db, const char *username, const char *role,
                              const char *region_code, char *msg, size_t n);
/* The data scope (数据权限) of a user: scope is "" (the default: region_tree
 * with a region, else all), "all", "custom", "region", "region_tree" or
 * "own"; regions lists the region codes of a custom scope (nregions of
 * them, none for the other kinds). auth_scope_check() validates them
 * against a region code the user has or will have (XZ_ERR_VALIDATION with
 * a Chinese message in msg: unknown kind or region code, custom without
 * regions, region/region_tree without a region); auth_user_set_scope()
 * checks against the user's current region, stores and audits
 * (XZ_ERR_NOT_FOUND for an unknown user). Sessions pick the change up on
 * their next request. */
enum xz_result auth_scope_check(struct store *db, const char *scope, const char *region_code,
                                const char *const *regions, size_t nregions, char *msg, size_t n);
enum xz_result auth_user_set_scope(struct store *db, const char *username, const char *scope,
                                   const char *const *regions, size_t nregions, char *msg,
                                   size_t n);
/* The password policy in force (src/auth/policy.h): XZ_OK, or
 * XZ_ERR_VALIDATION with the broken rule in msg. */
enum xz_result auth_password_check(struct store *db, const char *username, const char *password,
                                   char *msg, size_t n);

/* Checks the password (and the TOTP code when the account has one); on
 * success opens a session and writes its token (64 hex chars) and CSRF
 * token into the principal. Unknown users, wrong passwords, disabled and
 * locked accounts all give XZ_ERR_BAD_LOGIN after the same amount of work;
 * login_max_failures failures in a row lock the account for
 * login_lock_minutes. A right password without the needed code returns
 * XZ_OK with out->totp_pending set and no session (token left empty); a
 * wrong or reused code is XZ_ERR_BAD_LOGIN with a message in msg. An
 * expired password (等保 periodic change) sets must_change_password. Every
 * attempt is audited with its IP. */
enum xz_result auth_login(struct store *db, const char *username, const char *password,
                          const char *totp, const char *ip, const char *user_agent,
                          char token[65], struct principal *out, char *msg, size_t n);
/* Resolves a session cookie; XZ_ERR_UNAUTHENTICATED when unknown or expired
 * (idle or absolute timeout). Refreshes the idle timer. */
enum xz_result auth_session(struct store *db, const char *token, const char *ip,
                            struct principal *out);
enum xz_result auth_bearer(struct store *db, const char *token, const char *ip,
                           struct principal *out);
enum xz_result auth_logout(struct store *db, struct principal *p);
/* Changes the caller's own password, ends all their sessions and opens a
 * fresh one whose token goes to token (the caller sets the new cookie). */
enum xz_result auth_change_password(struct store *db, struct principal *p, const char *old_pw,
                                    const char *new_pw, char token[65], char *msg, size_t n);
/* Creates an API token for a user; token receives 64 hex chars. */
enum xz_result auth_token_create(struct store *db, const char *username, const char *name,
                                 int days, char token[65], char *msg, size_t n);
/* {id, username, display_name, role, role_label, region_code, region_name,
 *  permissions[]}; caller owns */
json_t *auth_user_json(const struct principal *p);

/* ---- account security (account.c) ---- */

/* The caller's live sessions, newest first: [{id, created_at, last_seen_at,
 * expires_at, ip, user_agent, current}]; caller owns *out. */
enum xz_result auth_sessions_list(struct store *db, const struct principal *p, json_t **out);
/* Ends one of the caller's own sessions; XZ_ERR_NOT_FOUND for another
 * user's or an unknown id. *was_current tells whether it was this one. */
enum xz_result auth_session_end(struct store *db, const struct principal *p, int64_t id,
                                bool *was_current);
/* Starts TOTP enrolment: a new secret kept (sealed) as pending until
 * confirmed; *out = {secret, otpauth_uri, qr_svg}. XZ_ERR_CONFLICT when
 * TOTP is already on. Caller owns *out. */
enum xz_result auth_totp_setup(struct store *db, const struct principal *p, json_t **out,
                               char *msg, size_t n);
/* Confirms enrolment with a code from the app; the code's step counts as
 * used. XZ_ERR_VALIDATION (msg) for a wrong code or no pending secret. */
enum xz_result auth_totp_enable(struct store *db, struct principal *p, const char *code,
                                char *msg, size_t n);
/* Turns TOTP off for a user (the CLI, for a lost phone). */
enum xz_result auth_totp_reset(struct store *db, const char *username, char *msg, size_t n);
/* {password_policy:{preset, description, min_length, max_length},
 *  totp_enabled, totp_required, password_changed_at}; caller owns *out. */
enum xz_result auth_security_info(struct store *db, const struct principal *p, json_t **out);
/* true when the role must use TOTP (setting totp_required_roles) */
bool auth_totp_required(struct store *db, const char *role);

#endif
