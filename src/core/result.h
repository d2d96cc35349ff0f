/*
 * Result codes shared by every layer. A function that can fail returns an
 * enum xz_result and passes its outputs through pointer arguments. The one
 * table in result.c maps each code to its stable API code, its HTTP status
 * and its Chinese message, so the HTTP and CLI faces report failures alike.
 */
#ifndef XZ_RESULT_H
#define XZ_RESULT_H

enum xz_result {
	XZ_OK = 0,
	XZ_ERR_BAD_REQUEST,     /* malformed request: bad JSON, bad parameter */
	XZ_ERR_VALIDATION,      /* one or more fields invalid; details carry them */
	XZ_ERR_NOT_FOUND,       /* no such row, or the row is outside the caller's scope */
	XZ_ERR_CONFLICT,        /* stale version on update */
	XZ_ERR_DUPLICATE,       /* unique key already taken */
	XZ_ERR_REFERENCED,      /* delete refused: other rows refer to this one */
	XZ_ERR_UNAUTHENTICATED, /* no or expired session */
	XZ_ERR_BAD_LOGIN,       /* wrong user name or password */
	XZ_ERR_FORBIDDEN,       /* the caller's role lacks the permission */
	XZ_ERR_CSRF,            /* cookie session without a matching X-CSRF-Token */
	XZ_ERR_PASSWORD_CHANGE, /* must change password before anything else */
	XZ_ERR_METHOD,          /* method not allowed on this path */
	XZ_ERR_TOO_LARGE,       /* request body over the limit */
	XZ_ERR_STORE,           /* database failure */
	XZ_ERR_BUSY,            /* database locked beyond the busy timeout */
	XZ_ERR_IO,              /* file system failure */
	XZ_ERR_INTERNAL,        /* a bug */
	XZ_ERR_RATE_LIMITED,    /* too many attempts from one address; retry later */
	XZ_ERR_TOTP_ENROL,      /* must enrol a TOTP second factor before anything else */
	XZ_ERR_FULL,            /* the disk holding the database is full; nothing was written */
	XZ_ERR_NOMEM,           /* out of memory for input-sized data or in SQLite; nothing written */
	XZ_RESULT_COUNT
};

struct xz_result_info {
	const char *code;    /* stable machine code, e.g. "validation_failed" */
	int http_status;
	const char *message; /* zh-CN default message */
};

const struct xz_result_info *result_info(enum xz_result r);

#endif
