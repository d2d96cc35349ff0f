/*
 * The one workflow mechanism (see workflow.h): approval flows and ledgers
 * declare their states and steps in the descriptor table, and this file
 * takes steps for all of them. A step is checked against the row's current
 * state, the actor's role, the comment rule and the previous step's user,
 * then the state field, the history table workflow_step and the audit log
 * change together in one transaction.
 */
#include "engine/workflow.h"
#include "engine/changes.h"
#include "auth/audit.h"
#include "auth/auth.h"
#include "core/buf.h"
#include "core/util.h"
#include "core/valid.h"

#include <stdio.h>
#include <string.h>

/* true when role is one of the comma-separated names in roles */
static bool role_listed(const char *roles, const char *role)
{
	size_t n = role ? strlen(role) : 0;
	for (const char *p = roles; n && p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, role, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* "业务管理员、业务经办人员": the roles of a step, for messages */
static void role_labels(const char *roles, char *out, size_t n)
{
	char buf[128];
	size_t used = 0;
	snprintf(buf, sizeof(buf), "%s", roles);
	out[0] = '\0';
	char *save = NULL;
	for (char *r = strtok_r(buf, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
		const struct role_def *def = auth_role(r);
		int w = snprintf(out + used, n - used, "%s%s", used ? "、" : "", def ? def->label : r);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

/* the user who took the latest step on the row, or 0 */
static int64_t last_actor(struct engine_ctx *ctx, const struct entity *e, int64_t id)
{
	struct store_stmt *st = NULL;
	int64_t user = 0;
	if (store_prepare(ctx->db,
	                  "SELECT coalesce(user_id, 0) FROM workflow_step WHERE entity = ? AND"
	                  " entity_id = ? ORDER BY id DESC LIMIT 1",
	                  &st))
		return 0;
	store_bind_text(st, 1, e->name);
	store_bind_int(st, 2, id);
	if (store_step(st) == STORE_ROW)
		user = store_column_int(st, 0);
	store_finalize(st);
	return user;
}

static const struct wf_step *find_step(const struct workflow *w, const char *action,
                                       const char *state, bool *known)
{
	*known = false;
	for (size_t i = 0; i < w->nsteps; i++) {
		if (strcmp(w->steps[i].action, action))
			continue;
		*known = true;
		if (state && !strcmp(w->steps[i].from, state))
			return &w->steps[i];
	}
	return NULL;
}

/* The step's input from the request body: present, and of the field's
 * type (one of an enum's values, a date, a number in range, text within its
 * length). false with a detail on the field otherwise. */
static bool check_input(struct engine_ctx *ctx, const struct wf_step *step,
                        const struct field *f, json_t *v)
{
	const char *s = json_string_value(v);
	if (!v || json_is_null(v) || (s && !*s)) {
		model_error(&ctx->errs, f->name, "required", "“%s”须填写%s", step->label, f->label);
		return false;
	}
	switch (f->type) {
	case FT_ENUM:
		for (const char *const *e = f->enum_values; s && e && *e; e++)
			if (!strcmp(*e, s))
				return true;
		{
			char vals[256] = "";
			size_t used = 0;
			for (const char *const *e = f->enum_values; e && *e; e++) {
				int w = snprintf(vals + used, sizeof(vals) - used, "%s%s", used ? "、" : "",
				                 *e);
				if (w < 0 || (size_t)w >= sizeof(vals) - used)
					break;
				used += (size_t)w;
			}
			model_error(&ctx->errs, f->name, "invalid_enum", "%s应为：%s", f->label, vals);
		}
		return false;
	case FT_DATE:
		if (s && valid_date(s))
			return true;
		model_error(&ctx->errs, f->name, "invalid_date", "%s应为日期（YYYY-MM-DD）", f->label);
		return false;
	case FT_INT:
	case FT_DECIMAL: {
		double d = json_number_value(v);
		if (json_is_number(v) && (f->type == FT_DECIMAL || json_is_integer(v)) &&
		    (f->min >= f->max || (d >= f->min && d <= f->max)))
			return true;
		model_error(&ctx->errs, f->name, "invalid_number", "%s应为%s数字", f->label,
		            f->min < f->max ? "范围内的" : "");
		return false;
	}
	default:
		if (s && util_utf8_len(s) <= (size_t)(f->max_len ? f->max_len : 200))
			return true;
		model_error(&ctx->errs, f->name, "invalid_text", "%s应为不超过%d字的文字", f->label,
		            f->max_len ? f->max_len : 200);
		return false;
	}
}

static enum xz_result write_step(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                                 int64_t version, const struct wf_step *step, const char *comment,
                                 json_t *input)
{
	char now[32], today[16];
	struct store_stmt *st = NULL;
	struct buf sql = BUF_INIT;
	util_now_iso(now, sizeof(now));
	util_today(today, sizeof(today));
	/* identifiers from the descriptor; values bound */
	buf_printf(&sql, "UPDATE %s SET %s = ?", e->table, e->workflow->field);
	if (step->input)
		buf_printf(&sql, ", %s = ?", step->input);
	if (step->stamp)
		buf_printf(&sql, ", %s = ?", step->stamp);
	if (step->comment_to)
		buf_printf(&sql, ", %s = ?", step->comment_to);
	if (step->clear)
		buf_printf(&sql, ", %s = NULL", step->clear);
	buf_puts(&sql, ", version = version + 1, updated_at = ? WHERE id = ? AND version = ?");
	enum xz_result r = store_prepare(ctx->db, buf_cstr(&sql), &st);
	buf_free(&sql);
	if (r)
		return r;
	int idx = 1;
	store_bind_text(st, idx++, step->to);
	if (step->input) {
		if (json_is_integer(input))
			store_bind_int(st, idx++, json_integer_value(input));
		else if (json_is_number(input))
			store_bind_double(st, idx++, json_number_value(input));
		else
			store_bind_text(st, idx++, json_string_value(input));
	}
	if (step->stamp)
		store_bind_text(st, idx++, today);
	if (step->comment_to)
		store_bind_text(st, idx++, comment && *comment ? comment : NULL);
	store_bind_text(st, idx++, now);
	store_bind_int(st, idx++, id);
	store_bind_int(st, idx++, version);
	r = store_step(st) == STORE_DONE ? XZ_OK : store_stmt_result(st);
	store_finalize(st);
	if (!r && store_changes(ctx->db) != 1)
		r = XZ_ERR_CONFLICT;
	if (r)
		return r;
	st = NULL;
	r = store_prepare(ctx->db,
	                  "INSERT INTO workflow_step (entity, entity_id, action, label, from_state,"
	                  " to_state, user_id, username, role, comment, ts)"
	                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                  &st);
	if (r)
		return r;
	const struct actor *a = ctx->actor;
	store_bind_text(st, 1, e->name);
	store_bind_int(st, 2, id);
	store_bind_text(st, 3, step->action);
	store_bind_text(st, 4, step->label);
	store_bind_text(st, 5, step->from);
	store_bind_text(st, 6, step->to);
	if (a->user_id)
		store_bind_int(st, 7, a->user_id);
	else
		store_bind_null(st, 7);
	store_bind_text(st, 8, a->username);
	store_bind_text(st, 9, a->role);
	store_bind_text(st, 10, comment && *comment ? comment : NULL);
	store_bind_text(st, 11, now);
	r = store_step(st) == STORE_DONE ? XZ_OK : store_stmt_result(st);
	store_finalize(st);
	if (r)
		return r;
	json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s?}", "action", step->action, "label",
	                      step->label, "from", step->from, "to", step->to, "comment",
	                      comment && *comment ? comment : NULL);
	if (step->input)
		json_object_set(d, step->input, input);
	if (step->stamp)
		json_object_set_new(d, step->stamp, json_string(today));
	r = audit_write(ctx->db, ctx->actor, "transition", e->name, id, "ok", d);
	json_decref(d);
	return r;
}

enum xz_result engine_transition(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                                 const char *action, const char *comment, int64_t version,
                                 json_t **out)
{
	return engine_transition_input(ctx, e, id, action, comment, version, NULL, out);
}

enum xz_result engine_transition_input(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                                       const char *action, const char *comment,
                                       int64_t version, json_t *body, json_t **out)
{
	json_t *row = NULL;
	*out = NULL;
	const struct workflow *w = e->workflow;
	if (!w) {
		snprintf(ctx->message, sizeof(ctx->message), "%s没有办理流程", e->label);
		return XZ_ERR_NOT_FOUND;
	}
	if (!action)
		action = "";
	enum xz_result r = store_begin(ctx->db);
	if (r)
		return r;
	if ((r = engine_get(ctx, e, id, &row)))
		goto fail;
	const char *state = json_string_value(json_object_get(row, w->field));
	int64_t current = json_integer_value(json_object_get(row, "version"));
	bool known;
	const struct wf_step *step = find_step(w, action, state, &known);
	if (!known) {
		model_error(&ctx->errs, "action", "unknown_action", "未知的办理操作“%s”", action);
		r = XZ_ERR_VALIDATION;
		goto fail;
	}
	if (!step) {
		for (size_t i = 0; i < w->nsteps; i++)
			if (!strcmp(w->steps[i].action, action)) {
				model_error(&ctx->errs, "action", "invalid_state",
				            "当前状态为“%s”，不能“%s”（该操作只适用于“%s”）",
				            state ? state : "", w->steps[i].label, w->steps[i].from);
				break;
			}
		r = XZ_ERR_VALIDATION;
		goto fail;
	}
	if (!role_listed(step->roles, ctx->actor->role)) {
		char who[160];
		role_labels(step->roles, who, sizeof(who));
		snprintf(ctx->message, sizeof(ctx->message), "“%s”须由%s办理", step->label, who);
		r = XZ_ERR_FORBIDDEN;
		goto fail;
	}
	if ((step->flags & WF_OTHER_USER) && ctx->actor->user_id &&
	    last_actor(ctx, e, id) == ctx->actor->user_id) {
		snprintf(ctx->message, sizeof(ctx->message),
		         "“%s”须由另一位人员办理：上一步由您本人办理", step->label);
		r = XZ_ERR_FORBIDDEN;
		goto fail;
	}
	if ((step->flags & WF_COMMENT) && (!comment || !*comment)) {
		model_error(&ctx->errs, "comment", "required", "“%s”须填写意见", step->label);
		r = XZ_ERR_VALIDATION;
		goto fail;
	}
	if (comment && util_utf8_len(comment) > 1000) {
		model_error(&ctx->errs, "comment", "too_long", "意见不能超过1000字");
		r = XZ_ERR_VALIDATION;
		goto fail;
	}
	json_t *input = step->input ? json_object_get(body, step->input) : NULL;
	if (step->input && !check_input(ctx, step, model_field(e, step->input), input)) {
		r = XZ_ERR_VALIDATION;
		goto fail;
	}
	if (version > 0 && version != current) {
		snprintf(ctx->message, sizeof(ctx->message), "该%s已被他人修改，请刷新后再办理",
		         e->label);
		r = XZ_ERR_CONFLICT;
		goto fail;
	}
	if ((r = write_step(ctx, e, id, current, step, comment, input)))
		goto fail;
	json_decref(row);
	row = NULL;
	if ((r = engine_get(ctx, e, id, &row)) || (r = changes_log(ctx->db, e, id, CHANGE_UPDATE)) ||
	    (r = store_commit(ctx->db)))
		goto fail;
	if (e->changed && !store_in_tx(ctx->db))
		e->changed(e, id, CHANGE_UPDATE);
	*out = row;
	return XZ_OK;
fail:
	store_rollback(ctx->db);
	json_decref(row);
	return r;
}

enum xz_result engine_history(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                              json_t **out)
{
	json_t *row = NULL;
	struct store_stmt *st = NULL;
	*out = NULL;
	/* the history is as visible as the record it belongs to */
	enum xz_result r = engine_get(ctx, e, id, &row);
	json_decref(row);
	if (r)
		return r;
	if ((r = store_prepare(ctx->db,
	                       "SELECT ts, action, label, from_state, to_state, username, role,"
	                       " comment FROM workflow_step WHERE entity = ? AND entity_id = ?"
	                       " ORDER BY id",
	                       &st)))
		return r;
	store_bind_text(st, 1, e->name);
	store_bind_int(st, 2, id);
	json_t *items = json_array();
	while (store_step(st) == STORE_ROW)
		json_array_append_new(
		        items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "ts",
		                         store_column_text(st, 0), "action", store_column_text(st, 1),
		                         "label", store_column_text(st, 2), "from",
		                         store_column_text(st, 3), "to", store_column_text(st, 4),
		                         "username", store_column_text(st, 5), "role",
		                         store_column_text(st, 6), "comment", store_column_text(st, 7)));
	store_finalize(st);
	*out = json_pack("{s:o}", "items", items);
	return XZ_OK;
}

enum xz_result workflow_check_editable(struct engine_ctx *ctx, const struct entity *e, json_t *row,
                                       const char *what)
{
	const struct workflow *w = e->workflow;
	if (e->frozen && e->frozen(e, ctx->db, row, what, ctx->message, sizeof(ctx->message)))
		return XZ_ERR_CONFLICT;
	if (!w || !w->editable)
		return XZ_OK;
	const char *state = json_string_value(json_object_get(row, w->field));
	for (const char *const *s = w->editable; *s; s++)
		if (state && !strcmp(*s, state))
			return XZ_OK;
	snprintf(ctx->message, sizeof(ctx->message), "该%s处于“%s”状态，不能%s", e->label,
	         state ? state : "", what);
	return XZ_ERR_CONFLICT;
}
