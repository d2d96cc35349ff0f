/*
 * Handlers of the account-security routes (routes_security.c), named in
 * the route table of routes.c: the login gate (per-IP rate limit), the
 * caller's sessions, TOTP enrolment and the policy summary. They follow
 * the route_fn contract of http.h (reply in req->reply, errors returned).
 */
#ifndef XZ_ROUTES_SECURITY_H
#define XZ_ROUTES_SECURITY_H

#include "http/http.h"

/* Takes a login attempt from the caller's IP out of the rate limit;
 * XZ_ERR_RATE_LIMITED (with req->retry_after set, audited) when spent. */
enum xz_result security_login_gate(struct request *req);
enum xz_result security_sessions_list(struct request *req);
enum xz_result security_session_end(struct request *req);
enum xz_result security_totp_setup(struct request *req);
enum xz_result security_totp_enable(struct request *req);
enum xz_result security_info(struct request *req);

#endif
