/*
 * The routes of the three separated administrator roles (see
 * routes_admin.h). Account administration delegates to
 * src/auth/useradmin.c, the settings to src/auth/setting.c (the same
 * validation as `xinzhi setting set`), the chain check to audit_verify().
 * The role × route matrix is computed from the one route table and the role
 * table, so the secadmin page and the matrix test read what the dispatcher
 * enforces, not a copy of it.
 */
#include "auth/audit.h"
#include "auth/setting.h"
#include "auth/useradmin.h"
#include "http/routes_admin.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Copies a useradmin message into the reply and hands r on. */
static enum xz_result done(struct request *req, enum xz_result r, const char *msg)
{
	if (r && msg[0])
		snprintf(req->message, sizeof(req->message), "%s", msg);
	return r;
}

/* ---- accounts (sysadmin) ---- */

enum xz_result admin_users_list(struct request *req)
{
	return useradmin_list(req->db, &req->reply);
}

enum xz_result admin_users_regions(struct request *req)
{
	return useradmin_regions(req->db, &req->reply);
}

enum xz_result admin_users_create(struct request *req)
{
	json_t *body = NULL;
	char msg[256] = "";
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	r = useradmin_create(req->db, &req->who.actor, body, &req->reply, msg, sizeof(msg));
	json_decref(body);
	if (!r)
		req->status = 201;
	return done(req, r, msg);
}

enum xz_result admin_users_update(struct request *req)
{
	json_t *body = NULL;
	char msg[256] = "";
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	r = useradmin_update(req->db, &req->who.actor, req->id, body, &req->reply, msg, sizeof(msg));
	json_decref(body);
	return done(req, r, msg);
}

enum xz_result admin_users_reset_password(struct request *req)
{
	char msg[256] = "";
	return done(req,
	            useradmin_reset_password(req->db, &req->who.actor, req->id, &req->reply, msg,
	                                     sizeof(msg)),
	            msg);
}

enum xz_result admin_users_unlock(struct request *req)
{
	char msg[256] = "";
	return done(req,
	            useradmin_unlock(req->db, &req->who.actor, req->id, &req->reply, msg, sizeof(msg)),
	            msg);
}

enum xz_result admin_users_end_sessions(struct request *req)
{
	char msg[256] = "";
	return done(req,
	            useradmin_end_sessions(req->db, &req->who.actor, req->id, &req->reply, msg,
	                                   sizeof(msg)),
	            msg);
}

/* ---- security settings (secadmin) ---- */

static enum xz_result settings_json(struct store *db, json_t **out)
{
	json_t *items = json_array();
	for (size_t i = 0; setting_def_at(i); i++) {
		const struct setting_def *d = setting_def_at(i);
		char value[256];
		enum xz_result r = setting_get(db, d->key, value, sizeof(value));
		if (r) {
			json_decref(items);
			return r;
		}
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "key", d->key, "value",
		                                       value, "default", d->def, "label", d->label));
	}
	*out = json_pack("{s:o}", "items", items);
	return XZ_OK;
}

enum xz_result admin_settings_get(struct request *req)
{
	return settings_json(req->db, &req->reply);
}

/* The text form of a JSON setting value; false for other JSON types. */
static bool value_text(json_t *v, char *out, size_t n)
{
	if (json_is_string(v))
		snprintf(out, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(out, n, "%g", json_real_value(v));
	else
		return false;
	return true;
}

enum xz_result admin_settings_update(struct request *req)
{
	json_t *body = NULL, *details = json_array();
	enum xz_result r = http_json_body(req, &body);
	if (r) {
		json_decref(details);
		return r;
	}
	const char *key;
	json_t *v;
	char value[256], msg[256];
	if (!json_object_size(body)) {
		snprintf(req->message, sizeof(req->message), "请提供要修改的设置项，如 {\"login_max_failures\": 5}");
		r = XZ_ERR_BAD_REQUEST;
		goto out;
	}
	/* every value is checked before any is stored: all or nothing */
	json_object_foreach(body, key, v) {
		msg[0] = '\0';
		if (!value_text(v, value, sizeof(value)))
			snprintf(msg, sizeof(msg), "“%.60s”的值应为文字或数字", key);
		else
			setting_check(key, value, msg, sizeof(msg));
		if (msg[0])
			json_array_append_new(details, json_pack("{s:s, s:s, s:s}", "field", key, "code",
			                                         "invalid_setting", "message", msg));
	}
	if (json_array_size(details)) {
		snprintf(req->message, sizeof(req->message), "%s",
		         json_string_value(json_object_get(json_array_get(details, 0), "message")));
		req->details = json_incref(details);
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	if ((r = store_begin(req->db)))
		goto out;
	json_t *changes = json_object();
	json_object_foreach(body, key, v) {
		char before[256];
		value_text(v, value, sizeof(value));
		if ((r = setting_get(req->db, key, before, sizeof(before))))
			break;
		if (!strcmp(before, value))
			continue;
		if ((r = setting_set(req->db, key, value, msg, sizeof(msg)))) {
			snprintf(req->message, sizeof(req->message), "%s", msg);
			break;
		}
		json_object_set_new(changes, key, json_pack("{s:s, s:s}", "before", before, "after", value));
	}
	if (!r) {
		json_t *d = json_pack("{s:o}", "changes", changes);
		changes = NULL;
		r = audit_write(req->db, &req->who.actor, "settings_update", "setting", 0, "ok", d);
		json_decref(d);
	}
	json_decref(changes);
	if (!r)
		r = store_commit(req->db);
	if (r)
		store_rollback(req->db);
	else
		r = settings_json(req->db, &req->reply);
out:
	json_decref(details);
	json_decref(body);
	return r;
}

/* ---- audit chain (auditadmin) ---- */

enum xz_result admin_audit_verify(struct request *req)
{
	int64_t bad = 0, rows = 0;
	enum xz_result r = audit_verify(req->db, &bad, &rows);
	if (r)
		return r;
	json_t *d = json_pack("{s:I, s:I}", "rows", (json_int_t)rows, "bad_id", (json_int_t)bad);
	audit_write(req->db, &req->who.actor, "audit_verify", "audit_log", 0, bad ? "broken" : "ok",
	            d);
	json_decref(d);
	req->reply = json_pack("{s:b, s:I, s:I, s:s}", "ok", bad == 0, "rows", (json_int_t)rows,
	                       "bad_id", (json_int_t)bad, "message",
	                       bad ? "哈希链校验失败：该记录及其后的记录被篡改、删除或调换了顺序"
	                           : "哈希链校验通过，审计日志完整");
	return XZ_OK;
}

/* ---- the role × route matrix (secadmin) ---- */

static const struct {
	unsigned bit;
	const char *label;
} perm_labels[] = {
	{PERM_DATA_READ, "查看业务数据"},     {PERM_DATA_WRITE, "修改业务数据"},
	{PERM_STRUCTURE_WRITE, "修改产业结构"}, {PERM_PII_REVEAL, "查看个人信息原文"},
	{PERM_USER_ADMIN, "用户账号管理"},     {PERM_SECURITY_ADMIN, "安全策略管理"},
	{PERM_AUDIT_READ, "审计日志查阅"},
};

static json_t *perm_names(unsigned perms)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof(perm_labels) / sizeof(perm_labels[0]); i++)
		if (perms & perm_labels[i].bit)
			json_array_append_new(a, json_string(model_perm_name(perm_labels[i].bit)));
	return a;
}

/* the roles holding every bit of perm; none for an unreachable route */
static json_t *roles_holding(unsigned perm, bool nobody)
{
	json_t *a = json_array();
	for (size_t i = 0; !nobody && auth_role_at(i); i++)
		if ((auth_role_at(i)->perms & perm) == perm)
			json_array_append_new(a, json_string(auth_role_at(i)->name));
	return a;
}

static const char *perm_label(unsigned perm)
{
	for (size_t i = 0; i < sizeof(perm_labels) / sizeof(perm_labels[0]); i++)
		if (perm == perm_labels[i].bit)
			return perm_labels[i].label;
	return NULL;
}

static void add_route(json_t *routes, const struct route *rt, unsigned perm, bool nobody,
                      json_t *entities)
{
	bool pub = rt->flags & ROUTE_PUBLIC;
	const char *name = pub ? "public" : nobody ? "none" : perm ? model_perm_name(perm) : "signed_in";
	const char *label = pub ? "公开（无需登录）" : nobody ? "禁止（任何角色都不能）"
	                    : perm ? perm_label(perm) : "任何已登录用户";
	json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:b, s:o}", "method", rt->method, "path",
	                        rt->path, "summary", rt->summary, "permission", name ? name : "?",
	                        "permission_label", label, "public", pub, "roles",
	                        pub ? roles_holding(0, false) : roles_holding(perm, nobody));
	if (entities)
		json_object_set_new(row, "entities", entities);
	json_array_append_new(routes, row);
}

enum xz_result admin_meta_routes(struct request *req)
{
	json_t *routes = json_array();
	for (size_t i = 0; i < http_route_count; i++) {
		const struct route *rt = &http_routes[i];
		if (!(rt->perm & (PERM_ENTITY_READ | PERM_ENTITY_WRITE))) {
			add_route(routes, rt, rt->perm, false, NULL);
			continue;
		}
		/* an entity route: one row per distinct permission its entities need */
		unsigned seen[16];
		size_t nseen = 0;
		for (size_t k = 0; model_at(k); k++) {
			const struct entity *e = model_at(k);
			unsigned p = rt->perm == PERM_ENTITY_READ ? e->perm_read : e->perm_write;
			bool dup = false;
			for (size_t s = 0; s < nseen; s++)
				dup |= seen[s] == p;
			if (dup || nseen == sizeof(seen) / sizeof(seen[0]))
				continue;
			seen[nseen++] = p;
			json_t *names = json_array();
			for (size_t j = 0; model_at(j); j++) {
				const struct entity *f = model_at(j);
				if ((rt->perm == PERM_ENTITY_READ ? f->perm_read : f->perm_write) == p)
					json_array_append_new(names, json_string(f->name));
			}
			add_route(routes, rt, p, p == PERM_NONE, names);
		}
	}
	json_t *roles = json_array();
	for (size_t i = 0; auth_role_at(i); i++)
		json_array_append_new(roles, json_pack("{s:s, s:s, s:o, s:b}", "name",
		                                       auth_role_at(i)->name, "label",
		                                       auth_role_at(i)->label, "permissions",
		                                       perm_names(auth_role_at(i)->perms), "admin",
		                                       auth_role_is_admin(auth_role_at(i)->name)));
	json_t *perms = json_array();
	for (size_t i = 0; i < sizeof(perm_labels) / sizeof(perm_labels[0]); i++)
		json_array_append_new(perms, json_pack("{s:s, s:s}", "name",
		                                       model_perm_name(perm_labels[i].bit), "label",
		                                       perm_labels[i].label));
	req->reply = json_pack("{s:o, s:o, s:o}", "roles", roles, "permissions", perms, "routes",
	                       routes);
	return XZ_OK;
}
