/*
 * Saved staffing plans (see staffing_plan.h): saving solves the request on
 * the server with staffing_solve() and stores request and result as compact
 * JSON text in one staffing_plan row with its summary figures; comparing
 * reads two rows through the engine (so data scope applies) and diffs their
 * results cadre by cadre; applying hands the stored result to
 * staffing_apply() inside a transaction that also marks the row 已应用, so a
 * plan is applied at most once and never half.
 */
#include "domain/staffing_plan.h"
#include "model/entities.h"

#include "auth/audit.h"
#include "core/mem.h"
#include "core/util.h"
#include "domain/staffing.h"
#include "engine/query.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_CHARS 100
#define NOTE_MAX_CHARS 500

static const struct entity *plan_entity(void)
{
	return model_find("staffing_plan");
}

void staffing_plan_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                            struct model_errors *errs)
{
	if (id == 0)
		model_error(errs, "request", "server_solved",
		            "配备方案须求解后通过“保存方案”生成（POST /api/v1/assignments/plans），"
		            "不能直接新增或导入");
}

/* ---- save ---- */

static bool only_keys(json_t *obj, const char *const *known, const char **bad)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		bool ok = false;
		for (size_t i = 0; known[i]; i++)
			ok |= !strcmp(key, known[i]);
		if (!ok) {
			*bad = key;
			return false;
		}
	}
	return true;
}

/* The request as stored: the four known keys, project_ids filled in from
 * the result when the caller left them out. */
static json_t *canonical_request(json_t *req, json_t *result)
{
	json_t *out = json_object(), *ids = json_object_get(req, "project_ids");
	if (ids) {
		json_object_set(out, "project_ids", ids);
	} else {
		json_t *list = json_array(), *p;
		size_t i;
		json_array_foreach(json_object_get(result, "projects"), i, p)
			json_array_append(list, json_object_get(p, "project_id"));
		json_object_set_new(out, "project_ids", list);
	}
	json_t *pins = json_object_get(req, "pins"), *ex = json_object_get(req, "exclusions");
	json_object_set_new(out, "pins", pins ? json_incref(pins) : json_array());
	json_object_set_new(out, "exclusions", ex ? json_incref(ex) : json_array());
	json_object_set(out, "one_project", json_object_get(result, "one_project"));
	return out;
}

static enum xz_result check_text(struct engine_ctx *ctx, json_t *v, const char *field,
                                 const char *label, size_t max, bool required)
{
	if (!v || json_is_null(v)) {
		if (!required)
			return XZ_OK;
		model_error(&ctx->errs, field, "required", "%s不能为空", label);
		snprintf(ctx->message, sizeof(ctx->message), "请填写%s", label);
		return XZ_ERR_VALIDATION;
	}
	if (!json_is_string(v)) {
		snprintf(ctx->message, sizeof(ctx->message), "%s 应为字符串", field);
		return XZ_ERR_BAD_REQUEST;
	}
	const char *s = json_string_value(v);
	if (!util_utf8_valid(s, strlen(s))) {
		snprintf(ctx->message, sizeof(ctx->message), "%s 不是有效的 UTF-8 文本", field);
		return XZ_ERR_BAD_REQUEST;
	}
	char *trimmed = xstrtrim(s);
	enum xz_result r = XZ_OK;
	if (required && !*trimmed) {
		model_error(&ctx->errs, field, "required", "%s不能为空", label);
		snprintf(ctx->message, sizeof(ctx->message), "请填写%s", label);
		r = XZ_ERR_VALIDATION;
	} else if (util_utf8_len(trimmed) > max) {
		model_error(&ctx->errs, field, "too_long", "%s不能超过%zu个字", label, max);
		snprintf(ctx->message, sizeof(ctx->message), "%s不能超过%zu个字", label, max);
		r = XZ_ERR_VALIDATION;
	}
	free(trimmed);
	return r;
}

/* The plan's region (its data scope): the actor's own region when its scope
 * reaches it, else the first of its custom regions; 0 (NULL) for none. */
static int64_t actor_region_id(struct engine_ctx *ctx)
{
	const char *code = query_scope_home_region(ctx->actor);
	if (!code)
		return 0;
	return engine_find_id(ctx->db, model_find("region"), "code", code);
}

static enum xz_result insert_plan(struct engine_ctx *ctx, const char *name, const char *note,
                                  json_t *request, json_t *result, int64_t *id)
{
	char now[32];
	util_now_iso(now, sizeof(now));
	char *req_text = json_dumps(request, JSON_COMPACT);
	char *res_text = json_dumps(result, JSON_COMPACT);
	int64_t region = actor_region_id(ctx);
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(
	    ctx->db,
	    "INSERT INTO staffing_plan (name, note, status, request, result, total, filled,"
	    " unfilled, created_by, region_id, created_at, updated_at, created_by_id)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    &st);
	if (r)
		goto out;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, note && *note ? note : NULL);
	store_bind_text(st, 3, STAFFING_PLAN_DRAFT);
	store_bind_text(st, 4, req_text);
	store_bind_text(st, 5, res_text);
	store_bind_int(st, 6, json_integer_value(json_object_get(result, "total")));
	store_bind_int(st, 7, json_integer_value(json_object_get(result, "filled")));
	store_bind_int(st, 8, json_integer_value(json_object_get(result, "unfilled")));
	store_bind_text(st, 9, ctx->actor->username);
	if (region)
		store_bind_int(st, 10, region);
	else
		store_bind_null(st, 10);
	store_bind_text(st, 11, now);
	store_bind_text(st, 12, now);
	if (ctx->actor->user_id)
		store_bind_int(st, 13, ctx->actor->user_id);
	else
		store_bind_null(st, 13);
	if (store_step(st) != STORE_DONE) {
		r = store_stmt_result(st);
		goto out;
	}
	*id = store_last_insert_id(ctx->db);
out:
	store_finalize(st);
	free(req_text);
	free(res_text);
	return r;
}

enum xz_result staffing_plan_save(struct engine_ctx *ctx, json_t *body, int64_t *id)
{
	static const char *const body_keys[] = {"name", "note", "request", NULL};
	static const char *const req_keys[] = {"project_ids", "pins", "exclusions", "one_project",
	                                       NULL};
	json_t *result = NULL, *request = NULL, *detail = NULL;
	char *name = NULL, *note = NULL;
	const char *bad = NULL;
	bool began = false;
	enum xz_result r = XZ_OK;
	*id = 0;
	if (!json_is_object(body)) {
		snprintf(ctx->message, sizeof(ctx->message), "请求体应为 JSON 对象 {name, note, request}");
		r = XZ_ERR_BAD_REQUEST;
		goto out;
	}
	if (!only_keys(body, body_keys, &bad)) {
		if (!strcmp(bad, "result") || !strcmp(bad, "plan"))
			snprintf(ctx->message, sizeof(ctx->message),
			         "方案结果由服务器求解，不接受提交的“%s”；请只提交 name、note 与 request",
			         bad);
		else
			snprintf(ctx->message, sizeof(ctx->message),
			         "未知字段“%.60s”：请只提交 name、note 与 request", bad);
		r = XZ_ERR_BAD_REQUEST;
		goto out;
	}
	json_t *req = json_object_get(body, "request");
	if (!json_is_object(req)) {
		snprintf(ctx->message, sizeof(ctx->message),
		         "请用 request 提交求解条件 {project_ids, pins, exclusions, one_project}");
		r = XZ_ERR_BAD_REQUEST;
		goto out;
	}
	if (!only_keys(req, req_keys, &bad)) {
		snprintf(ctx->message, sizeof(ctx->message),
		         "request 中的未知字段“%.60s”：只接受 project_ids、pins、exclusions、one_project",
		         bad);
		r = XZ_ERR_BAD_REQUEST;
		goto out;
	}
	if ((r = check_text(ctx, json_object_get(body, "name"), "name", "方案名称", NAME_MAX_CHARS,
	                    true)) ||
	    (r = check_text(ctx, json_object_get(body, "note"), "note", "备注", NOTE_MAX_CHARS,
	                    false)))
		goto out;
	name = xstrtrim(json_string_value(json_object_get(body, "name")));
	const char *note_in = json_string_value(json_object_get(body, "note"));
	note = note_in ? xstrtrim(note_in) : NULL;
	if ((r = staffing_solve(ctx, req, &result)))
		goto out;
	if (!json_array_size(json_object_get(result, "projects"))) {
		model_error(&ctx->errs, "request", "no_projects", "方案不含任何攻坚项目");
		snprintf(ctx->message, sizeof(ctx->message),
		         "方案不含任何攻坚项目：请选择筹备或实施中的项目");
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	request = canonical_request(req, result);
	if ((r = store_begin(ctx->db)))
		goto out;
	began = true;
	if ((r = insert_plan(ctx, name, note, request, result, id)))
		goto out;
	detail = json_pack("{s:s, s:O, s:O, s:O, s:I}", "name", name, "total",
	                   json_object_get(result, "total"), "filled",
	                   json_object_get(result, "filled"), "unfilled",
	                   json_object_get(result, "unfilled"), "projects",
	                   (json_int_t)json_array_size(json_object_get(result, "projects")));
	if ((r = audit_write(ctx->db, ctx->actor, "create", "staffing_plan", *id, "ok", detail)))
		goto out;
	r = store_commit(ctx->db);
out:
	if (r && began)
		store_rollback(ctx->db);
	if (r)
		*id = 0;
	json_decref(detail);
	json_decref(request);
	json_decref(result);
	free(name);
	free(note);
	return r;
}

/* ---- compare ---- */

static json_t *find_by(json_t *list, const char *key, json_int_t id)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		if (json_integer_value(json_object_get(v, key)) == id)
			return v;
	}
	return NULL;
}

static bool well_formed(json_t *result)
{
	json_t *projects = json_object_get(result, "projects"), *p, *m;
	size_t i, k;
	if (!json_is_array(projects))
		return false;
	json_array_foreach(projects, i, p)
	{
		json_t *staff = json_object_get(p, "staff");
		if (!json_is_integer(json_object_get(p, "project_id")) ||
		    (staff && !json_is_array(staff)))
			return false;
		json_array_foreach(staff, k, m)
		{
			if (!json_is_integer(json_object_get(m, "cadre_id")))
				return false;
		}
	}
	return true;
}

static json_int_t score_sum(json_t *staff)
{
	json_int_t sum = 0;
	size_t i;
	json_t *m;
	json_array_foreach(staff, i, m) sum += json_integer_value(json_object_get(m, "score"));
	return sum;
}

static json_t *person(json_t *m)
{
	json_t *name = json_object_get(m, "name");
	return json_pack("{s:O, s:O, s:I}", "cadre_id", json_object_get(m, "cadre_id"), "name",
	                 name ? name : json_null(), "score",
	                 (json_int_t)json_integer_value(json_object_get(m, "score")));
}

/* One project's row; pa or pb (not both) may be NULL. */
static json_t *project_diff(json_t *pa, json_t *pb, json_int_t *changed)
{
	json_t *sa = json_object_get(pa, "staff"), *sb = json_object_get(pb, "staff");
	json_t *only_a = json_array(), *only_b = json_array(), *both = json_array(), *m;
	size_t i;
	json_array_foreach(sa, i, m)
	{
		json_t *other = find_by(sb, "cadre_id", json_integer_value(json_object_get(m, "cadre_id")));
		if (!other) {
			json_array_append_new(only_a, person(m));
			continue;
		}
		json_t *row = person(m);
		json_object_del(row, "score");
		json_object_set(row, "score_a", json_object_get(m, "score"));
		json_object_set(row, "score_b", json_object_get(other, "score"));
		json_array_append_new(both, row);
	}
	json_array_foreach(sb, i, m)
	{
		if (!find_by(sa, "cadre_id", json_integer_value(json_object_get(m, "cadre_id"))))
			json_array_append_new(only_b, person(m));
	}
	*changed += (json_int_t)(json_array_size(only_a) + json_array_size(only_b));
	json_t *any = pa ? pa : pb;
	json_t *name = json_object_get(any, "name");
	return json_pack("{s:O, s:O, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o}",
	                 "project_id", json_object_get(any, "project_id"), "name",
	                 name ? name : json_null(), "in_a", pa != NULL, "in_b", pb != NULL,
	                 "total_a", score_sum(sa), "total_b", score_sum(sb), "filled_a",
	                 (json_int_t)json_array_size(sa), "filled_b",
	                 (json_int_t)json_array_size(sb), "unfilled_a",
	                 (json_int_t)json_integer_value(json_object_get(pa, "unfilled")),
	                 "unfilled_b",
	                 (json_int_t)json_integer_value(json_object_get(pb, "unfilled")), "only_a",
	                 only_a, "only_b", only_b, "both", both);
}

enum xz_result staffing_plan_diff(json_t *ra, json_t *rb, json_t **out)
{
	*out = NULL;
	if (!well_formed(ra) || !well_formed(rb))
		return XZ_ERR_BAD_REQUEST;
	json_t *la = json_object_get(ra, "projects"), *lb = json_object_get(rb, "projects");
	json_t *projects = json_array(), *p;
	json_int_t changed = 0;
	size_t i;
	json_array_foreach(la, i, p)
	{
		json_t *q = find_by(lb, "project_id", json_integer_value(json_object_get(p, "project_id")));
		json_array_append_new(projects, project_diff(p, q, &changed));
	}
	json_array_foreach(lb, i, p)
	{
		if (!find_by(la, "project_id", json_integer_value(json_object_get(p, "project_id"))))
			json_array_append_new(projects, project_diff(NULL, p, &changed));
	}
	*out = json_pack("{s:o, s:I}", "projects", projects, "changed", changed);
	return XZ_OK;
}

static enum xz_result load_plan(struct engine_ctx *ctx, int64_t id, json_t **row, json_t **result)
{
	*result = NULL;
	enum xz_result r = engine_get(ctx, plan_entity(), id, row);
	if (r) {
		if (r == XZ_ERR_NOT_FOUND)
			snprintf(ctx->message, sizeof(ctx->message), "配备方案 %lld 不存在或不在数据范围内",
			         (long long)id);
		return r;
	}
	const char *text = json_string_value(json_object_get(*row, "result"));
	*result = text ? json_loads(text, 0, NULL) : NULL;
	if (!*result) {
		snprintf(ctx->message, sizeof(ctx->message), "配备方案 %lld 的求解结果已损坏",
		         (long long)id);
		json_decref(*row);
		*row = NULL;
		return XZ_ERR_INTERNAL;
	}
	return XZ_OK;
}

static json_t *summary(json_t *row)
{
	return json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(row, "id"), "name",
	                 json_object_get(row, "name"), "status", json_object_get(row, "status"),
	                 "total", json_object_get(row, "total"), "filled",
	                 json_object_get(row, "filled"), "unfilled",
	                 json_object_get(row, "unfilled"));
}

static json_int_t field_int(json_t *row, const char *name)
{
	return json_integer_value(json_object_get(row, name));
}

enum xz_result staffing_plan_compare(struct engine_ctx *ctx, int64_t a, int64_t b, json_t **out)
{
	json_t *row_a = NULL, *row_b = NULL, *res_a = NULL, *res_b = NULL, *diff = NULL;
	enum xz_result r;
	*out = NULL;
	if ((r = load_plan(ctx, a, &row_a, &res_a)) || (r = load_plan(ctx, b, &row_b, &res_b)))
		goto out;
	if ((r = staffing_plan_diff(res_a, res_b, &diff))) {
		snprintf(ctx->message, sizeof(ctx->message), "配备方案的求解结果格式不正确");
		r = XZ_ERR_INTERNAL;
		goto out;
	}
	json_t *delta = json_pack("{s:I, s:I, s:I}", "total",
	                          field_int(row_b, "total") - field_int(row_a, "total"), "filled",
	                          field_int(row_b, "filled") - field_int(row_a, "filled"),
	                          "unfilled",
	                          field_int(row_b, "unfilled") - field_int(row_a, "unfilled"));
	json_object_set_new(diff, "a", summary(row_a));
	json_object_set_new(diff, "b", summary(row_b));
	json_object_set_new(diff, "delta", delta);
	*out = diff;
	diff = NULL;
out:
	json_decref(row_a);
	json_decref(row_b);
	json_decref(res_a);
	json_decref(res_b);
	json_decref(diff);
	return r;
}

/* ---- apply ---- */

static enum xz_result mark_applied(struct engine_ctx *ctx, int64_t id)
{
	char now[32];
	util_now_iso(now, sizeof(now));
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(
	    ctx->db,
	    "UPDATE staffing_plan SET status = ?, applied_at = ?, applied_by = ?,"
	    " version = version + 1, updated_at = ?"
	    " WHERE id = ? AND status = ? AND deleted_at IS NULL",
	    &st);
	if (r)
		goto out;
	store_bind_text(st, 1, STAFFING_PLAN_APPLIED);
	store_bind_text(st, 2, now);
	store_bind_text(st, 3, ctx->actor->username);
	store_bind_text(st, 4, now);
	store_bind_int(st, 5, id);
	store_bind_text(st, 6, STAFFING_PLAN_DRAFT);
	if (store_step(st) != STORE_DONE) {
		r = store_stmt_result(st);
		goto out;
	}
	if (store_changes(ctx->db) != 1) {
		snprintf(ctx->message, sizeof(ctx->message), "该配备方案已应用，不能重复应用");
		r = XZ_ERR_CONFLICT;
	}
out:
	store_finalize(st);
	return r;
}

enum xz_result staffing_plan_apply(struct engine_ctx *ctx, int64_t id, json_t **out)
{
	json_t *row = NULL, *result = NULL, *applied = NULL, *detail = NULL;
	bool began = false;
	*out = NULL;
	enum xz_result r = store_begin(ctx->db);
	if (r)
		goto out;
	began = true;
	if ((r = load_plan(ctx, id, &row, &result)))
		goto out;
	const char *status = json_string_value(json_object_get(row, "status"));
	if (status && !strcmp(status, STAFFING_PLAN_APPLIED)) {
		const char *when = json_string_value(json_object_get(row, "applied_at"));
		snprintf(ctx->message, sizeof(ctx->message),
		         "配备方案“%.100s”已于 %s 应用，不能重复应用",
		         json_string_value(json_object_get(row, "name")), when ? when : "此前");
		r = XZ_ERR_CONFLICT;
		goto out;
	}
	if ((r = staffing_apply(ctx, result, &applied)))
		goto out;
	if ((r = mark_applied(ctx, id)))
		goto out;
	detail = json_pack("{s:O, s:O, s:O}", "name", json_object_get(row, "name"), "created",
	                   json_object_get(applied, "created"), "projects",
	                   json_object_get(applied, "projects"));
	if ((r = audit_write(ctx->db, ctx->actor, "apply", "staffing_plan", id, "ok", detail)) ||
	    (r = store_commit(ctx->db)))
		goto out;
	began = false;
	*out = json_pack("{s:I, s:s, s:O, s:O}", "id", (json_int_t)id, "status",
	                 STAFFING_PLAN_APPLIED, "created", json_object_get(applied, "created"),
	                 "projects", json_object_get(applied, "projects"));
out:
	if (began) {
		store_rollback(ctx->db);
		/* the refusal itself is worth a trace, outside the undone work */
		if (r != XZ_ERR_NOT_FOUND)
			audit_write(ctx->db, ctx->actor, "apply", "staffing_plan", id,
			            result_info(r)->code, NULL);
	}
	json_decref(row);
	json_decref(result);
	json_decref(applied);
	json_decref(detail);
	return r;
}
