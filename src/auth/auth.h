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

struct principal {
	struct actor actor;
	char username[64], role[32], display_name[64];
	char region_code[16], region_prefix[16], region_name[64];
	char ip[64];
	char csrf[65];
	int64_t session_id;
	bool must_change_password;
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
/* Password policy of this version: 8 to 128 characters, not the user name. */
bool auth_password_ok(const char *username, const char *password, char *msg, size_t n);

/* Checks the password; on success opens a session and writes its token
 * (64 hex chars) and CSRF token into the principal. Unknown users and wrong
 * passwords both give XZ_ERR_BAD_LOGIN after the same amount of work. Every
 * attempt is audited. */
enum xz_result auth_login(struct store *db, const char *username, const char *password,
                          const char *ip, const char *user_agent, char token[65],
                          struct principal *out);
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

#endif
