/*
 * Handlers of the three separated administrator roles (三权分立), named in
 * the route table of routes.c: account administration for sysadmin
 * (/api/v1/users…), the security settings and the role × route matrix for
 * secadmin (/api/v1/settings/security, /api/v1/meta/routes), and the audit
 * chain check for auditadmin (/api/v1/audit/verify). They follow the
 * route_fn contract of http.h (reply in req->reply, errors returned with a
 * Chinese message in req->message).
 */
#ifndef XZ_ROUTES_ADMIN_H
#define XZ_ROUTES_ADMIN_H

#include "http/http.h"

enum xz_result admin_users_list(struct request *req);
enum xz_result admin_users_regions(struct request *req);
enum xz_result admin_users_create(struct request *req);
enum xz_result admin_users_update(struct request *req);
enum xz_result admin_users_reset_password(struct request *req);
enum xz_result admin_users_unlock(struct request *req);
enum xz_result admin_users_end_sessions(struct request *req);
enum xz_result admin_settings_get(struct request *req);
enum xz_result admin_settings_update(struct request *req);
enum xz_result admin_audit_verify(struct request *req);
enum xz_result admin_meta_routes(struct request *req);

#endif
