/*
 * The route table and its handlers. Every route names the permission it
 * needs; the dispatcher in server.c enforces it (default deny: a route
 * without ROUTE_PUBLIC needs a signed-in caller holding that permission).
 * Entity routes are generic: one handler per verb serves every descriptor.
 */
#include "auth/audit.h"
#include "domain/catalog.h"
#include "domain/dashboard.h"
#include "domain/lrmx_dossier.h"
#include "domain/match.h"
#include "domain/staffing.h"
#include "domain/portrait.h"
#include "domain/project_ledger.h"
#include "domain/staffing_plan.h"
#include "engine/workflow.h"
#include "engine/transfer.h"
#include "http/http.h"
#include "http/routes_admin.h"
#include "http/routes_eval.h"
#include "http/routes_training.h"
#include "http/routes_recruit.h"
#include "http/routes_org.h"
#include "http/routes_problem.h"
#include "http/routes_security.h"

#include <stdlib.h>

#include <stdio.h>
#include <string.h>

/* ---- probes and metadata ---- */

static enum xz_result h_healthz(struct request *req)
{
	int64_t one = 0;
	enum xz_result r = store_query_int(req->db, "SELECT 1", &one, 0, NULL);
	if (r)
		return r;
	/* which database a process behind the load balancer serves from */
	req->reply = json_pack("{s:s, s:s, s:i, s:s}", "status", "ok", "version", XZ_VERSION,
	                       "schema", store_schema_version(req->db), "database",
	                       store_dialect(req->db) == STORE_POSTGRES ? "postgresql" : "sqlite");
	return XZ_OK;
}

static enum xz_result h_metrics(struct request *req)
{
	metrics_render(&req->text);
	req->text_type = "text/plain; version=0.0.4; charset=utf-8";
	return XZ_OK;
}

static enum xz_result h_meta_entities(struct request *req)
{
	json_t *roles = json_array();
	for (size_t i = 0; auth_role_at(i); i++)
		json_array_append_new(roles, json_pack("{s:s, s:s}", "name", auth_role_at(i)->name,
		                                       "label", auth_role_at(i)->label));
	req->reply = json_pack("{s:o, s:o}", "entities", model_to_json(), "roles", roles);
	return XZ_OK;
}

static enum xz_result h_openapi(struct request *req)
{
	req->reply = openapi_document();
	return XZ_OK;
}

/* ---- sign-in ---- */

static void set_session_cookie(struct request *req, const char *token)
{
	if (token)
		snprintf(req->set_cookie, sizeof(req->set_cookie),
		         AUTH_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict", token);
	else
		snprintf(req->set_cookie, sizeof(req->set_cookie),
		         AUTH_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

static json_t *session_reply(struct request *req)
{
	return json_pack("{s:o, s:s, s:b}", "user", auth_user_json(&req->who), "csrf_token",
	                 req->who.csrf, "must_change_password", req->who.must_change_password);
}

static enum xz_result h_login(struct request *req)
{
	json_t *body = NULL;
	enum xz_result r = security_login_gate(req);
	if (!r)
		r = http_json_body(req, &body);
	if (r)
		return r;
	const char *user = json_string_value(json_object_get(body, "username"));
	const char *pw = json_string_value(json_object_get(body, "password"));
	const char *totp = json_string_value(json_object_get(body, "totp"));
	if (!user || !pw || !*user || !*pw) {
		snprintf(req->message, sizeof(req->message), "请输入用户名和密码");
		json_decref(body);
		return XZ_ERR_BAD_REQUEST;
	}
	char token[65], msg[200] = "";
	const char *ua = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "User-Agent");
	r = auth_login(req->db, user, pw, totp, req->ip, ua, token, &req->who, msg, sizeof(msg));
	json_decref(body);
	if (r) {
		snprintf(req->message, sizeof(req->message), "%s", msg);
		return r;
	}
	if (req->who.totp_pending) { /* the password was right: now the code */
		req->reply = json_pack("{s:b, s:s}", "totp_required", 1, "message",
		                       "请输入手机验证器中的6位动态验证码");
		return XZ_OK;
	}
	set_session_cookie(req, token);
	req->reply = session_reply(req);
	return XZ_OK;
}

static enum xz_result h_logout(struct request *req)
{
	if (req->who.via_cookie) {
		enum xz_result r = auth_logout(req->db, &req->who);
		if (r)
			return r;
		set_session_cookie(req, NULL);
	}
	req->reply = json_pack("{s:b}", "ok", 1);
	return XZ_OK;
}

static enum xz_result h_me(struct request *req)
{
	req->reply = session_reply(req);
	return XZ_OK;
}

static enum xz_result h_password(struct request *req)
{
	json_t *body = NULL;
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	const char *old_pw = json_string_value(json_object_get(body, "old_password"));
	const char *new_pw = json_string_value(json_object_get(body, "new_password"));
	if (!old_pw || !new_pw) {
		snprintf(req->message, sizeof(req->message), "请提供原密码 old_password 和新密码 new_password");
		json_decref(body);
		return XZ_ERR_BAD_REQUEST;
	}
	char token[65], msg[200] = "";
	r = auth_change_password(req->db, &req->who, old_pw, new_pw, token, msg, sizeof(msg));
	json_decref(body);
	if (r) {
		snprintf(req->message, sizeof(req->message), "%s", msg);
		return r;
	}
	set_session_cookie(req, token);
	req->reply = session_reply(req);
	return XZ_OK;
}

/* ---- read models ---- */

/* The end of every handler that ran domain or engine code: a failure's
 * message and field details go to the error reply; the ctx is freed. */
enum xz_result http_finish(struct request *req, struct engine_ctx *ctx, enum xz_result r)
{
	if (r) {
		if (!req->details && json_array_size(ctx->errs.details))
			req->details = json_incref(ctx->errs.details);
		if (ctx->message[0])
			snprintf(req->message, sizeof(req->message), "%s", ctx->message);
	}
	engine_ctx_free(ctx);
	return r;
}

static enum xz_result h_overview(struct request *req)
{
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, dashboard_overview(&ctx, &req->reply));
}

static enum xz_result h_chain_tree(struct request *req)
{
	const char *per = http_arg(req, "per_segment");
	int n = per ? atoi(per) : 10;
	if (n < 0 || n > 200) {
		snprintf(req->message, sizeof(req->message), "per_segment 应为0到200之间的整数");
		return XZ_ERR_BAD_REQUEST;
	}
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, dashboard_chain_tree(&ctx, req->id, n, &req->reply));
}

/* ---- 紧缺人才需求目录 (the catalog's writes go through src/domain/catalog.c) ---- */

static enum xz_result h_catalog_compile(struct request *req)
{
	json_t *body = NULL;
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	json_t *year = json_object_get(body, "year");
	if (!json_is_integer(year)) {
		json_decref(body);
		snprintf(req->message, sizeof(req->message), "请用 year 指明目录年度，如 {\"year\": 2026}");
		return XZ_ERR_BAD_REQUEST;
	}
	struct engine_ctx ctx;
	int64_t id = 0;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	r = catalog_compile(&ctx, (int)json_integer_value(year), &id);
	json_decref(body);
	if (!r && !(r = catalog_summary(&ctx, id, &req->reply)))
		req->status = 201;
	return http_finish(req, &ctx, r);
}

/* ---- 百项攻坚 staffing (src/domain/staffing.c); solve only computes ---- */

static enum xz_result h_assign_solve(struct request *req)
{
	json_t *body = NULL;
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	r = staffing_solve(&ctx, body, &req->reply);
	json_decref(body);
	return http_finish(req, &ctx, r);
}

static enum xz_result h_assign_apply(struct request *req)
{
	json_t *body = NULL;
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	r = staffing_apply(&ctx, json_object_get(body, "plan"), &req->reply);
	json_decref(body);
	if (!r)
		req->status = 201;
	return http_finish(req, &ctx, r);
}

/* Saved plans (src/domain/staffing_plan.c): the server solves what it stores. */

static enum xz_result h_plan_save(struct request *req)
{
	json_t *body = NULL;
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	struct engine_ctx ctx;
	int64_t id = 0;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	r = staffing_plan_save(&ctx, body, &id);
	json_decref(body);
	if (!r && !(r = engine_get(&ctx, model_find("staffing_plan"), id, &req->reply)))
		req->status = 201;
	return http_finish(req, &ctx, r);
}

static bool plan_id_arg(struct request *req, const char *name, int64_t *id)
{
	const char *v = http_arg(req, name);
	char *end = NULL;
	long long n = v ? strtoll(v, &end, 10) : 0;
	if (!v || *end || n <= 0)
		return false;
	*id = n;
	return true;
}

static enum xz_result h_plan_compare(struct request *req)
{
	int64_t a = 0, b = 0;
	if (!plan_id_arg(req, "a", &a) || !plan_id_arg(req, "b", &b)) {
		snprintf(req->message, sizeof(req->message), "请用 a 与 b 参数指明要对比的两个方案ID");
		return XZ_ERR_BAD_REQUEST;
	}
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, staffing_plan_compare(&ctx, a, b, &req->reply));
}

static enum xz_result h_plan_apply(struct request *req)
{
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	enum xz_result r = staffing_plan_apply(&ctx, req->id, &req->reply);
	return http_finish(req, &ctx, r);
}

/* ?k= of the top-k routes: 1..MATCH_MAX_K, MATCH_DEFAULT_K when absent;
 * false with the message set otherwise. */
static bool k_arg(struct request *req, int *k)
{
	const char *ks = http_arg(req, "k");
	char *end = NULL;
	long v = ks ? strtol(ks, &end, 10) : MATCH_DEFAULT_K;
	if (ks && (*end || v < 1 || v > MATCH_MAX_K)) {
		snprintf(req->message, sizeof(req->message), "k 应为1到%d之间的整数", MATCH_MAX_K);
		return false;
	}
	*k = (int)v;
	return true;
}

/* The top-k cadres for one key project, scored as the solver scores them. */
static enum xz_result h_project_candidates(struct request *req)
{
	int k;
	if (!k_arg(req, &k))
		return XZ_ERR_BAD_REQUEST;
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	enum xz_result r = staffing_candidates(&ctx, req->id, k, &req->reply);
	return http_finish(req, &ctx, r);
}

/* The 百项攻坚 ledger: JSON, or ?format=xlsx for the workbook. */
static enum xz_result h_project_ledger(struct request *req)
{
	const char *format = http_arg(req, "format");
	if (format && strcmp(format, "xlsx") && strcmp(format, "json")) {
		snprintf(req->message, sizeof(req->message), "format 只能是 json 或 xlsx");
		return XZ_ERR_BAD_REQUEST;
	}
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	enum xz_result r;
	if (format && !strcmp(format, "xlsx")) {
		char *data = NULL;
		size_t len = 0;
		r = project_ledger_xlsx(&ctx, req->args, req->nargs, &data, &len);
		if (!r)
			http_download(req, data, len,
			              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			              "百项攻坚项目台账.xlsx");
	} else {
		r = project_ledger(&ctx, req->args, req->nargs, &req->reply);
	}
	return http_finish(req, &ctx, r);
}

/* 干部画像: everything about one cadre (src/domain/portrait.c). */
static enum xz_result h_cadre_portrait(struct request *req)
{
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, portrait_cadre(&ctx, req->id, &req->reply));
}

static enum xz_result h_post_candidates(struct request *req)
{
	int k;
	if (!k_arg(req, &k))
		return XZ_ERR_BAD_REQUEST;
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, post_candidates(&ctx, req->id, k, &req->reply));
}

static enum xz_result h_catalog_publish(struct request *req)
{
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	enum xz_result r = catalog_publish(&ctx, req->id);
	if (!r)
		r = catalog_summary(&ctx, req->id, &req->reply);
	return http_finish(req, &ctx, r);
}

static enum xz_result h_catalog_diff(struct request *req)
{
	const char *against = http_arg(req, "against");
	char *end = NULL;
	long long old_id = against ? strtoll(against, &end, 10) : 0;
	if (!against || *end || old_id <= 0) {
		snprintf(req->message, sizeof(req->message), "请用 against 参数指明对比的目录ID");
		return XZ_ERR_BAD_REQUEST;
	}
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, catalog_diff(&ctx, old_id, req->id, &req->reply));
}

static enum xz_result h_catalog_export(struct request *req)
{
	const char *format = http_arg(req, "format");
	bool html = format && !strcmp(format, "html");
	if (format && !html && strcmp(format, "xlsx")) {
		snprintf(req->message, sizeof(req->message), "format 只能是 xlsx 或 html");
		return XZ_ERR_BAD_REQUEST;
	}
	struct engine_ctx ctx;
	char *data = NULL;
	size_t len = 0;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	enum xz_result r = catalog_export(&ctx, req->id, html ? CATALOG_HTML : CATALOG_XLSX, &data,
	                                  &len);
	if (!r && html) {
		buf_reset(&req->text);
		buf_append(&req->text, data, len);
		req->text_type = "text/html; charset=utf-8";
		free(data);
	} else if (!r) {
		char fname[64];
		snprintf(fname, sizeof(fname), "紧缺人才需求目录-%lld.xlsx", (long long)req->id);
		http_download(req, data, len,
		              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fname);
	}
	return http_finish(req, &ctx, r);
}

/* ---- matching (src/domain/match.c) ---- */

static enum xz_result match_reply(struct request *req, bool for_need)
{
	int k;
	if (!k_arg(req, &k))
		return XZ_ERR_BAD_REQUEST;
	const char *region = http_arg(req, "region");
	for (const char *p = region; p && *p; p++)
		if (*p < '0' || *p > '9' || p - region >= 12) {
			snprintf(req->message, sizeof(req->message), "region 应为行政区划代码或其前缀");
			return XZ_ERR_BAD_REQUEST;
		}
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	enum xz_result r = for_need ? match_for_need(&ctx, req->id, k, region, &req->reply)
	                            : match_for_talent(&ctx, req->id, k, region, &req->reply);
	return http_finish(req, &ctx, r);
}

static enum xz_result h_need_matches(struct request *req)
{
	return match_reply(req, true);
}

static enum xz_result h_talent_matches(struct request *req)
{
	return match_reply(req, false);
}

/* ---- generic entity routes ---- */

struct entity_call {
	struct engine_ctx ctx;
	json_t *out;
};

static void begin(struct request *req, struct entity_call *c)
{
	engine_ctx_init(&c->ctx, req->db, &req->who.actor);
	const char *confirm = http_arg(req, "confirm");
	c->ctx.confirm_warnings = confirm && (!strcmp(confirm, "1") || !strcmp(confirm, "true"));
	c->out = NULL;
}

/* Hands the engine's result, with any accepted warnings, to the reply. */
static enum xz_result finish(struct request *req, struct entity_call *c, enum xz_result r)
{
	if (!r) {
		if (json_array_size(c->ctx.errs.warnings) && c->out)
			json_object_set(c->out, "_warnings", c->ctx.errs.warnings);
		req->reply = c->out;
	}
	return http_finish(req, &c->ctx, r);
}

static enum xz_result h_list(struct request *req)
{
	struct entity_call c;
	begin(req, &c);
	return finish(req, &c, engine_list(&c.ctx, req->entity, req->args, req->nargs, &c.out));
}

static enum xz_result h_get(struct request *req)
{
	struct entity_call c;
	begin(req, &c);
	return finish(req, &c, engine_get(&c.ctx, req->entity, req->id, &c.out));
}

static enum xz_result h_create(struct request *req)
{
	json_t *body = NULL;
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	struct entity_call c;
	begin(req, &c);
	r = engine_create(&c.ctx, req->entity, body, &c.out);
	json_decref(body);
	if (!r)
		req->status = 201;
	return finish(req, &c, r);
}

static enum xz_result h_update(struct request *req)
{
	json_t *body = NULL;
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	struct entity_call c;
	begin(req, &c);
	r = engine_update(&c.ctx, req->entity, req->id, body, &c.out);
	json_decref(body);
	return finish(req, &c, r);
}

static enum xz_result h_reveal(struct request *req)
{
	const char *field = http_arg(req, "field");
	if (!field) {
		snprintf(req->message, sizeof(req->message), "请用 field 参数指明要查看的字段");
		return XZ_ERR_BAD_REQUEST;
	}
	struct entity_call c;
	begin(req, &c);
	return finish(req, &c, engine_reveal(&c.ctx, req->entity, req->id, field, &c.out));
}

/* A step of the entity's workflow: {action, comment?, version?, <input field>?}. */
static enum xz_result h_transition(struct request *req)
{
	json_t *body = NULL;
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	json_t *action = json_object_get(body, "action"), *comment = json_object_get(body, "comment");
	json_t *version = json_object_get(body, "version");
	if (!json_is_string(action) || (comment && !json_is_null(comment) && !json_is_string(comment)) ||
	    (version && !json_is_integer(version))) {
		json_decref(body);
		snprintf(req->message, sizeof(req->message),
		         "请求体应为 {\"action\": 操作, \"comment\": 意见, \"version\": 版本号}");
		return XZ_ERR_BAD_REQUEST;
	}
	struct entity_call c;
	begin(req, &c);
	/* a step that declares an input reads it from the body by the field's name */
	r = engine_transition_input(&c.ctx, req->entity, req->id, json_string_value(action),
	                            json_string_value(comment), json_integer_value(version), body,
	                            &c.out);
	json_decref(body);
	return finish(req, &c, r);
}

static enum xz_result h_history(struct request *req)
{
	struct entity_call c;
	begin(req, &c);
	return finish(req, &c, engine_history(&c.ctx, req->entity, req->id, &c.out));
}

/* ---- spreadsheets ---- */

static bool flag_arg(struct request *req, const char *name)
{
	const char *v = http_arg(req, name);
	return v && (!strcmp(v, "1") || !strcmp(v, "true"));
}

static enum xz_result h_import(struct request *req)
{
	char msg[256] = "";
	struct table_reader *rd = NULL;
	if (!req->body.len) {
		snprintf(req->message, sizeof(req->message), "请上传要导入的 Excel（xlsx）或 CSV 文件");
		return XZ_ERR_BAD_REQUEST;
	}
	enum xz_result r = table_open_mem(req->body.data, req->body.len, TABLE_AUTO,
	                                  http_arg(req, "sheet"), &rd, msg, sizeof(msg));
	if (r) {
		snprintf(req->message, sizeof(req->message), "%s", msg);
		return r;
	}
	struct engine_ctx ctx;
	struct import_report rep;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	ctx.confirm_warnings = flag_arg(req, "confirm");
	bool dry = flag_arg(req, "dry_run");
	const char *name = http_arg(req, "filename");
	r = engine_import(&ctx, req->entity, rd, name ? name : "upload", dry, &rep, NULL, NULL);
	table_close(rd);
	const char *want = http_arg(req, "errors");
	if (r == XZ_ERR_VALIDATION && want && !strcmp(want, "xlsx") && json_array_size(rep.bad_rows)) {
		char *data = NULL;
		size_t len = 0;
		enum xz_result w = import_error_workbook(&rep, &data, &len);
		if (!w) {
			char fname[160];
			snprintf(fname, sizeof(fname), "%s导入错误清单.xlsx", req->entity->label);
			http_download(req, data, len,
			              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			              fname);
			req->status = 200;
			r = XZ_OK;
		} else {
			r = w;
		}
	} else if (r == XZ_OK || r == XZ_ERR_VALIDATION) {
		json_t *body = import_report_json(&rep);
		if (r) {
			const struct xz_result_info *info = result_info(r);
			json_object_set_new(body, "error",
			                    json_pack("{s:s, s:s, s:O}", "code", info->code, "message",
			                              ctx.message[0] ? ctx.message : info->message,
			                              "details", rep.errors));
			req->status = info->http_status;
			r = XZ_OK; /* the body above is the error reply */
		}
		req->reply = body;
	} else if (ctx.message[0]) {
		snprintf(req->message, sizeof(req->message), "%s", ctx.message);
	}
	import_report_free(&rep);
	engine_ctx_free(&ctx);
	return r;
}

static enum xz_result h_export(struct request *req)
{
	const char *format = http_arg(req, "format");
	enum table_format fmt = format && !strcmp(format, "csv") ? TABLE_CSV : TABLE_XLSX;
	if (format && strcmp(format, "csv") && strcmp(format, "xlsx")) {
		snprintf(req->message, sizeof(req->message), "format 只能是 xlsx 或 csv");
		return XZ_ERR_BAD_REQUEST;
	}
	bool unmasked = flag_arg(req, "unmasked");
	if (unmasked && !(req->who.actor.perms & PERM_PII_REVEAL)) {
		snprintf(req->message, sizeof(req->message), "导出未打码的个人信息需要“查看个人信息”权限");
		return XZ_ERR_FORBIDDEN;
	}
	/* everything but the export's own options filters the rows */
	struct kv *filters = arena_alloc(&req->arena, (req->nargs + 1) * sizeof(*filters));
	size_t n = 0;
	for (size_t i = 0; i < req->nargs; i++)
		if (strcmp(req->args[i].key, "format") && strcmp(req->args[i].key, "unmasked"))
			filters[n++] = req->args[i];
	struct entity_call c;
	begin(req, &c);
	char *data = NULL;
	size_t len = 0;
	enum xz_result r = engine_export(&c.ctx, req->entity, filters, n, fmt, unmasked, &data, &len);
	if (!r) {
		char fname[160];
		snprintf(fname, sizeof(fname), "%s.%s", req->entity->label,
		         fmt == TABLE_CSV ? "csv" : "xlsx");
		http_download(req, data, len,
		              fmt == TABLE_CSV ? "text/csv; charset=utf-8"
		                               : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		              fname);
	}
	return finish(req, &c, r);
}

static enum xz_result h_template(struct request *req)
{
	char *data = NULL, fname[160];
	size_t len = 0;
	enum xz_result r = engine_template(req->entity, &data, &len);
	if (r)
		return r;
	snprintf(fname, sizeof(fname), "%s导入模板.xlsx", req->entity->label);
	http_download(req, data, len,
	              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fname);
	return XZ_OK;
}

/* ---- 任免审批表 (.lrmx) ---- */

static enum xz_result h_import_lrmx(struct request *req)
{
	static const char *const known[] = {"region_id", "dry_run", "filename", NULL};
	struct lrmx_import_opts opts = {.dry_run = flag_arg(req, "dry_run")};
	for (size_t i = 0; i < req->nargs; i++) {
		bool ok = false;
		for (size_t k = 0; known[k]; k++)
			ok |= !strcmp(req->args[i].key, known[k]);
		if (!ok) {
			snprintf(req->message, sizeof(req->message), "未知参数“%.60s”", req->args[i].key);
			return XZ_ERR_BAD_REQUEST;
		}
	}
	const char *region = http_arg(req, "region_id");
	if (region) {
		char *end;
		long long id = strtoll(region, &end, 10);
		if (*end || id <= 0) {
			snprintf(req->message, sizeof(req->message), "region_id 应为区划的记录ID");
			return XZ_ERR_BAD_REQUEST;
		}
		opts.region_id = id;
	}
	if (!req->body.len) {
		snprintf(req->message, sizeof(req->message), "请上传任免审批表（.lrmx）文件或其 zip 压缩包");
		return XZ_ERR_BAD_REQUEST;
	}
	struct engine_ctx ctx;
	json_t *report = NULL;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	enum xz_result r = lrmx_import(&ctx, req->body.data, req->body.len,
	                               http_arg(req, "filename"), &opts, &report);
	json_t *errors = json_object_get(report, "errors");
	if (!r) {
		req->reply = json_incref(report);
	} else if (json_array_size(errors)) {
		req->details = json_incref(errors);
		snprintf(req->message, sizeof(req->message), "%s%s",
		         json_string_value(json_object_get(json_array_get(errors, 0), "message")),
		         json_array_size(errors) > 1 ? " 等，未导入任何数据" : "，未导入任何数据");
	} else if (ctx.message[0]) {
		snprintf(req->message, sizeof(req->message), "%s", ctx.message);
	}
	json_decref(report);
	engine_ctx_free(&ctx);
	return r;
}

static enum xz_result h_export_lrmx(struct request *req)
{
	struct entity_call c;
	begin(req, &c);
	char *data = NULL;
	size_t len = 0;
	enum xz_result r = lrmx_export(&c.ctx, req->id, &data, &len);
	if (!r) {
		/* the file is named after the person, as the 任免审批表 software does */
		json_t *person = NULL;
		char fname[200];
		snprintf(fname, sizeof(fname), "person-%lld.lrmx", (long long)req->id);
		if (!engine_get(&c.ctx, model_find("person"), req->id, &person) &&
		    json_string_value(json_object_get(person, "name")))
			snprintf(fname, sizeof(fname), "%.150s.lrmx",
			         json_string_value(json_object_get(person, "name")));
		json_decref(person);
		http_download(req, data, len, "application/xml; charset=utf-8", fname);
	}
	return finish(req, &c, r);
}

static enum xz_result h_print_lrmx(struct request *req)
{
	bool reveal = flag_arg(req, "reveal");
	if (reveal && !(req->who.actor.perms & PERM_PII_REVEAL)) {
		snprintf(req->message, sizeof(req->message), "打印未打码的个人信息需要“查看个人信息”权限");
		return XZ_ERR_FORBIDDEN;
	}
	struct entity_call c;
	begin(req, &c);
	char *html = NULL;
	size_t len = 0;
	enum xz_result r = lrmx_print_html(&c.ctx, req->id, reveal, &html, &len);
	if (!r) {
		buf_reset(&req->text);
		buf_append(&req->text, html, len);
		req->text_type = "text/html; charset=utf-8";
	}
	free(html);
	return finish(req, &c, r);
}

static enum xz_result h_delete(struct request *req)
{
	struct entity_call c;
	begin(req, &c);
	enum xz_result r = engine_delete(&c.ctx, req->entity, req->id);
	if (!r)
		c.out = json_pack("{s:b, s:I}", "deleted", 1, "id", (json_int_t)req->id);
	return finish(req, &c, r);
}

const struct route http_routes[] = {
	{"GET", "/healthz", h_healthz, PERM_NONE, ROUTE_PUBLIC, "健康检查"},
	{"GET", "/metrics", h_metrics, PERM_NONE, ROUTE_PUBLIC, "Prometheus 指标"},
	{"GET", "/api/v1/openapi.json", h_openapi, PERM_NONE, ROUTE_PUBLIC, "OpenAPI 3 接口描述"},
	{"POST", "/api/v1/auth/login", h_login, PERM_NONE, ROUTE_PUBLIC, "登录"},
	{"POST", "/api/v1/auth/logout", h_logout, PERM_NONE, ROUTE_PW_CHANGE, "退出登录"},
	{"GET", "/api/v1/auth/me", h_me, PERM_NONE, ROUTE_PW_CHANGE, "当前用户与 CSRF 令牌"},
	{"POST", "/api/v1/auth/password", h_password, PERM_NONE, ROUTE_PW_CHANGE, "修改本人密码"},
	{"GET", "/api/v1/auth/security", security_info, PERM_NONE, ROUTE_PW_CHANGE,
	 "本人账号安全：口令策略、动态验证码状态"},
	{"GET", "/api/v1/auth/sessions", security_sessions_list, PERM_NONE, 0, "本人的登录会话"},
	{"DELETE", "/api/v1/auth/sessions/:id", security_session_end, PERM_NONE, 0,
	 "结束本人的一个登录会话"},
	{"POST", "/api/v1/auth/totp/setup", security_totp_setup, PERM_NONE, ROUTE_TOTP_ENROL,
	 "开始绑定动态验证码：返回密钥、otpauth 链接和二维码"},
	{"POST", "/api/v1/auth/totp/enable", security_totp_enable, PERM_NONE, ROUTE_TOTP_ENROL,
	 "输入验证码确认绑定动态验证码（{code}）"},
	{"GET", "/api/v1/meta/entities", h_meta_entities, PERM_NONE, 0, "实体描述（界面表单与列表）"},
	/* 三权分立: the three administrator roles' own routes (routes_admin.c) */
	{"GET", "/api/v1/meta/routes", admin_meta_routes, PERM_SECURITY_ADMIN, 0,
	 "角色权限矩阵：每个接口所需权限及拥有该权限的角色"},
	{"GET", "/api/v1/settings/security", admin_settings_get, PERM_SECURITY_ADMIN, 0,
	 "安全策略设置：口令策略、登录锁定、限流、必须使用动态验证码的角色"},
	{"PATCH", "/api/v1/settings/security", admin_settings_update, PERM_SECURITY_ADMIN, 0,
	 "修改安全策略设置（{键: 值}；全部校验通过才写入，记入审计）"},
	{"GET", "/api/v1/users", admin_users_list, PERM_USER_ADMIN, 0,
	 "用户账号列表：角色、区划、停用、锁定、动态验证码、最近登录"},
	{"GET", "/api/v1/users/regions", admin_users_regions, PERM_USER_ADMIN, 0,
	 "可分配给用户的区划（代码与名称）"},
	{"POST", "/api/v1/users", admin_users_create, PERM_USER_ADMIN, 0,
	 "新建用户（{username, role, region_code?, display_name?}；返回只显示一次的初始密码）"},
	{"PATCH", "/api/v1/users/:id", admin_users_update, PERM_USER_ADMIN, 0,
	 "修改用户的角色、区划、停用状态或姓名（不能修改本人角色或停用本人）"},
	{"POST", "/api/v1/users/:id/reset_password", admin_users_reset_password, PERM_USER_ADMIN, 0,
	 "重置密码：返回只显示一次的新密码，须在登录后修改，并结束该用户全部会话"},
	{"POST", "/api/v1/users/:id/unlock", admin_users_unlock, PERM_USER_ADMIN, 0,
	 "解除因登录失败而锁定的账号"},
	{"DELETE", "/api/v1/users/:id/sessions", admin_users_end_sessions, PERM_USER_ADMIN, 0,
	 "结束该用户的全部登录会话"},
	{"GET", "/api/v1/audit/verify", admin_audit_verify, PERM_AUDIT_READ, 0,
	 "校验审计日志哈希链：{ok, rows, bad_id}"},
	{"GET", "/api/v1/eval_round/:id/results", eval_route_results, PERM_DATA_READ, 0,
	 "季季评结果：维度平均分、总分、组内排名、等次（format=xlsx 导出）"},
	{"POST", "/api/v1/eval_round/:id/scores", eval_route_scores, PERM_DATA_WRITE, 0,
	 "季季评分数批量录入"},
	{"POST", "/api/v1/eval_round/:id/publish", eval_route_publish, PERM_DATA_WRITE, 0,
	 "发布季季评结果（发布后不再改变）"},
	{"POST", "/api/v1/eval_round/:id/fill_projects", eval_route_fill_projects, PERM_DATA_WRITE,
	 0, "由百项攻坚项目生成攻坚成效分数"},
	{"GET", "/api/v1/eval/yearly", eval_route_yearly, PERM_DATA_READ, 0,
	 "季季评年度汇总（format=xlsx 导出）"},
	{"GET", "/api/v1/recruit/kpis", recruit_route_kpis, PERM_DATA_READ, 0,
	 "“531”引才：各类引才点计划数、在册数、本年有活动的点数与覆盖率，各点活动、签约与引进人才，各集群引进人才（year）"},
	{"GET", "/api/v1/recruit/map", recruit_route_map, PERM_DATA_READ, 0,
	 "“531”引才地图：有坐标的引才点（无坐标的国内点按城市代码取城市中心）及其指标（year）"},
	{"GET", "/api/v1/onemap", onemap_route_view, PERM_DATA_READ, 0,
	 "一张图：全市各集群、集群各产业链、产业链各企业的营收、企业、人才、需求、组织、蹲挂赴链、问题（level=city|cluster|chain, id）"},
	{"GET", "/api/v1/dashboard/overview", h_overview, PERM_DATA_READ, 0, "首页概览：各类数据量与集群指标"},
	{"GET", "/api/v1/chain/:id/tree", h_chain_tree, PERM_DATA_READ, 0,
	 "产业链图谱：环节树及各环节企业"},
	{"POST", "/api/v1/catalog/compile", h_catalog_compile, PERM_DATA_WRITE, 0,
	 "编制紧缺人才需求目录草稿（{year}）"},
	{"POST", "/api/v1/catalog/:id/publish", h_catalog_publish, PERM_DATA_WRITE, 0,
	 "发布紧缺人才需求目录（发布后不再改动）"},
	{"GET", "/api/v1/catalog/:id/diff", h_catalog_diff, PERM_DATA_READ, 0,
	 "对比两版目录（against=旧目录ID）：新增、移出、升高、降低"},
	{"GET", "/api/v1/catalog/:id/export", h_catalog_export, PERM_DATA_READ, 0,
	 "导出紧缺人才需求目录（format=xlsx|html）"},
	{"POST", "/api/v1/assignments/solve", h_assign_solve, PERM_DATA_READ, 0,
	 "百项攻坚干部配置：求解最优方案（只计算，不写入）"},
	{"POST", "/api/v1/assignments/apply", h_assign_apply, PERM_DATA_WRITE, 0,
	 "百项攻坚干部配置：应用方案（{plan}，写入项目干部）"},
	{"POST", "/api/v1/assignments/plans", h_plan_save, PERM_DATA_WRITE, 0,
	 "百项攻坚干部配置：保存方案（{name, note, request}，服务器求解后保存为草稿）"},
	{"GET", "/api/v1/assignments/plans/compare", h_plan_compare, PERM_DATA_READ, 0,
	 "百项攻坚干部配置：对比两个已保存的方案（a=方案ID&b=方案ID）"},
	{"POST", "/api/v1/assignments/plans/:id/apply", h_plan_apply, PERM_DATA_WRITE, 0,
	 "百项攻坚干部配置：应用已保存的方案（写入项目干部；已应用或已过期时拒绝）"},
	{"GET", "/api/v1/project/ledger", h_project_ledger, PERM_DATA_READ, 0,
	 "百项攻坚项目台账：进度、逾期节点、已配干部（可用项目列表的筛选；overdue=1 只看逾期；format=xlsx 导出）"},
	{"GET", "/api/v1/problem/ledger", problem_route_ledger, PERM_DATA_READ, 0,
	 "进园助企问题台账：逾期在前，办结率、平均办结天数、满意度，按地区、产业链、责任单位、类别汇总"
	 "（region_id, chain_id, resp_unit, category, status, owner_cadre_id, visit_id, from, to,"
	 " overdue=1）"},
	{"GET", "/api/v1/problem/ledger.xlsx", problem_route_ledger_xlsx, PERM_DATA_READ, 0,
	 "导出进园助企问题台账（打印版式：标题、中文列名、汇总行；筛选同台账）"},
	{"GET", "/api/v1/service_request/board", service_route_board, PERM_DATA_READ, 0,
	 "人才服务看板：按类别和承办单位的在办、逾期、平均办理天数，逾期清单（kind, handler_unit,"
	 " from, to）"},
	{"GET", "/api/v1/org/tree", org_route_tree, PERM_DATA_READ, 0,
	 "组织体系树：全部党组织按属地（hierarchy=territory）或链上（hierarchy=chain）隶属排列（region 限定区划）"},
	{"GET", "/api/v1/org/:id/subtree", org_route_subtree, PERM_DATA_READ, 0,
	 "党组织的下级组织（hierarchy=territory 属地 或 chain 链上）及层级，合计组织数（按类别）、党员数"},
	{"GET", "/api/v1/study_session/quarterly", org_route_study_quarterly, PERM_DATA_READ, 0,
	 "学习教育季度统计：各党组织每季度第一议题、专题党课等次数与到会率，标出整季无第一议题的组织（year, region）"},
	{"GET", "/api/v1/chain/:id/health", org_route_chain_health, PERM_DATA_READ, 0,
	 "产业链健康卡：产业链党委、党建联盟及成员单位对重点企业的覆盖、在岗蹲链挂链赴链人员、上季度走访、在办与逾期问题、紧缺人才目录条目、组织数"},
	{"GET", "/api/v1/cadre/:id/portrait", h_cadre_portrait, PERM_DATA_READ, 0,
	 "干部画像：基本情况、专业特长与专家型认定（规则与佐证）、经历时间轴、培训学时、季季评、评选、经历宽度"},
	{"GET", "/api/v1/post/:id/candidates", h_post_candidates, PERM_DATA_READ, 0,
	 "岗位推荐：空缺岗位的前k名干部（专业特长、层级、职级、产业链、区划），附理由"},
	{"POST", "/api/v1/training_class/:id/enroll", training_route_enroll, PERM_DATA_WRITE, 0,
	 "干部培训：批量报名（{cadre_ids} 或 {filter:{level, unit, region_id, expertise, rank}}；报满后拒绝）"},
	{"GET", "/api/v1/training/coverage", training_route_coverage, PERM_DATA_READ, 0,
	 "干部培训覆盖情况（year=年度&group=level|unit|region）：人数、参训人数、覆盖率、学时"},
	{"GET", "/api/v1/training/below", training_route_below, PERM_DATA_READ, 0,
	 "年度培训学时未达标干部名单（year=年度；format=xlsx 导出）"},
	{"GET", "/api/v1/cadre/:id/breadth", tempering_route_breadth, PERM_DATA_READ, 0,
	 "干部经历宽度：岗位类别、任职地区、层级、服务产业链、琢璞历练及得分"},
	{"GET", "/api/v1/tempering/candidates", tempering_route_candidates, PERM_DATA_READ, 0,
	 "琢璞计划：经历单一、尚未历练的干部（k=人数&threshold=得分上限），附理由"},
	{"GET", "/api/v1/project/:id/candidates", h_project_candidates, PERM_DATA_READ, 0,
	 "百项攻坚：项目的前k名候选干部（与配置求解同一评分），附理由"},
	{"GET", "/api/v1/need/:id/matches", h_need_matches, PERM_DATA_READ, 0,
	 "人岗匹配：需求的前k名人才，附得分与理由"},
	{"GET", "/api/v1/talent/:id/matches", h_talent_matches, PERM_DATA_READ, 0,
	 "人岗匹配：人才的前k个需求，附得分与理由"},
	{"POST", "/api/v1/person/import_lrmx", h_import_lrmx, PERM_DATA_WRITE, ROUTE_UPLOAD,
	 "导入任免审批表（.lrmx 或其 zip 压缩包；region_id 指定新人员所属区划；dry_run=1 只校验）"},
	{"GET", "/api/v1/person/:id/lrmx", h_export_lrmx, PERM_PII_REVEAL, 0,
	 "导出任免审批表 .lrmx（含未打码的个人信息，记入审计）"},
	{"GET", "/api/v1/person/:id/lrmx.html", h_print_lrmx, PERM_DATA_READ, 0,
	 "任免审批表打印页（A4；身份证号打码，reveal=1 显示原文并记入审计）"},
	{"POST", "/api/v1/:entity/import", h_import, PERM_ENTITY_WRITE, ROUTE_ENTITY | ROUTE_UPLOAD,
	 "导入 Excel/CSV（dry_run=1 只校验；errors=xlsx 下载错误清单）"},
	{"GET", "/api/v1/:entity/export", h_export, PERM_ENTITY_READ, ROUTE_ENTITY,
	 "导出 Excel/CSV（format=xlsx|csv；unmasked=1 导出未打码的个人信息）"},
	{"GET", "/api/v1/:entity/template.xlsx", h_template, PERM_ENTITY_READ, ROUTE_ENTITY,
	 "下载导入模板"},
	{"GET", "/api/v1/:entity", h_list, PERM_ENTITY_READ, ROUTE_ENTITY, "列表查询"},
	{"POST", "/api/v1/:entity", h_create, PERM_ENTITY_WRITE, ROUTE_ENTITY, "新增"},
	{"GET", "/api/v1/:entity/:id", h_get, PERM_ENTITY_READ, ROUTE_ENTITY, "查看"},
	{"PATCH", "/api/v1/:entity/:id", h_update, PERM_ENTITY_WRITE, ROUTE_ENTITY, "修改"},
	{"POST", "/api/v1/:entity/:id/transition", h_transition, PERM_ENTITY_WRITE, ROUTE_ENTITY,
	 "办理流程的一步：提交、审核、批准、退回修改等（{action, comment, version}；回访等步骤另带所录字段，如 satisfaction）"},
	{"GET", "/api/v1/:entity/:id/history", h_history, PERM_ENTITY_READ, ROUTE_ENTITY,
	 "办理记录：每一步的操作、办理人、意见和时间"},
	{"GET", "/api/v1/:entity/:id/reveal", h_reveal, PERM_PII_REVEAL, ROUTE_ENTITY,
	 "查看加密的个人信息（记入审计）"},
	{"DELETE", "/api/v1/:entity/:id", h_delete, PERM_ENTITY_WRITE, ROUTE_ENTITY, "删除"},
};

const size_t http_route_count = sizeof(http_routes) / sizeof(http_routes[0]);
