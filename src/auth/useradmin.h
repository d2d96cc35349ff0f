/*
 * Account administration for the system administrator (sysadmin, 三权分立):
 * list accounts, create one with a server-generated one-time password,
 * change role, region and disabled state, reset a password (one-time,
 * forced change, sessions ended), unlock a locked account and end a
 * user's sessions. Every call is audited with the acting administrator.
 * The rules of the separation live here as well: an account holds exactly
 * one role (the user table's role column), an administrator account is
 * never moved to another of the three administrator roles, and an
 * administrator cannot change their own role or disable themselves.
 *
 * Ownership: json_t results go to *out and belong to the caller.
 */
#ifndef XZ_USERADMIN_H
#define XZ_USERADMIN_H

#include "auth/auth.h"

/* Writes len random characters (upper, lower and digits, no look-alikes)
 * and a NUL into out (len + 1 bytes). */
void auth_generate_password(char *out, size_t len);

/* {items:[{id, username, display_name, role, role_label, region_code,
 *  region_name, disabled, locked, locked_until, failed_logins,
 *  must_change_password, totp_enabled, last_login_at, created_at,
 *  sessions}], total} */
enum xz_result useradmin_list(struct store *db, json_t **out);
/* [{code, name, level}] of the live regions, for the role/region form */
enum xz_result useradmin_regions(struct store *db, json_t **out);
/* Creates an account that must change its password at first sign-in:
 * *out = {user, password} with the password shown this once. */
enum xz_result useradmin_create(struct store *db, const struct actor *by, json_t *body,
                                json_t **out, char *msg, size_t n);
/* body: {role?, region_code? (null or "" = 全市), disabled?, display_name?};
 * a role change or disabling ends the account's sessions. */
enum xz_result useradmin_update(struct store *db, const struct actor *by, int64_t id,
                                json_t *body, json_t **out, char *msg, size_t n);
/* New one-time password: *out = {user, password}; forced change, sessions
 * ended, failures and lock cleared. */
enum xz_result useradmin_reset_password(struct store *db, const struct actor *by, int64_t id,
                                        json_t **out, char *msg, size_t n);
enum xz_result useradmin_unlock(struct store *db, const struct actor *by, int64_t id,
                                json_t **out, char *msg, size_t n);
/* *out = {user, ended: count} */
enum xz_result useradmin_end_sessions(struct store *db, const struct actor *by, int64_t id,
                                      json_t **out, char *msg, size_t n);
/* The separation rule for a role change of an existing account (also used
 * by `xinzhi user role`): XZ_ERR_VALIDATION (msg) when new_role is unknown
 * or would give the account a second administrator role: another than the
 * one it holds, or than the one it ever held (held_admin, the user's
 * admin_role column; "" for none), so that no detour through a business
 * role gets there in two steps. */
enum xz_result useradmin_role_change_check(const char *old_role, const char *held_admin,
                                           const char *new_role, char *msg, size_t n);

#endif
