/*
 * Cadre training (see training.h). The rules of classes and enrolments are
 * validation hooks the engine calls on every create, update and import row:
 * hours are kept to 0.1, an enrolment never credits more than its class's
 * hours, a class never takes more cadres than its capacity, and a class
 * cannot shrink below what its enrolments already use. Bulk enrolment
 * selects cadres through the engine's data scope and writes each enrolment
 * through engine_create() in one transaction, so the same hooks and audit
 * apply. Coverage and the below-hours list are one aggregate query each over
 * the cadres in scope, joined with the year's credited hours; every value is
 * bound as a parameter.
 */
#include "domain/training.h"

#include "auth/audit.h"
#include "auth/setting.h"
#include "core/mem.h"
#include "engine/query.h"
#include "io/table.h"
#include "model/entities.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- validation hooks ---- */

static bool tenths(double v)
{
	return fabs(v * 10 - round(v * 10)) < 1e-6;
}

static int64_t count_of(struct store *db, const char *sql, int64_t a, int64_t b)
{
	struct store_stmt *st = NULL;
	int64_t n = 0;
	if (store_prepare(db, sql, &st))
		return 0;
	store_bind_int(st, 1, a);
	store_bind_int(st, 2, b);
	if (store_step(st) == STORE_ROW)
		n = store_column_int(st, 0);
	store_finalize(st);
	return n;
}

void training_class_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                             struct model_errors *errs)
{
	(void)e;
	const char *start = json_string_value(json_object_get(row, "start_date"));
	const char *end = json_string_value(json_object_get(row, "end_date"));
	if (start && end && strcmp(end, start) < 0)
		model_error(errs, "end_date", "before_start", "结业日期不能早于开班日期");
	json_t *hours = json_object_get(row, "hours");
	if (json_is_number(hours) && !tenths(json_number_value(hours)))
		model_error(errs, "hours", "precision", "学时应精确到0.1学时");
	if (!id)
		return;
	json_t *cap = json_object_get(row, "capacity");
	int64_t enrolled =
	    count_of(db, "SELECT count(*) FROM enrollment WHERE class_id = ? AND id <> ?", id, 0);
	if (json_is_integer(cap) && json_integer_value(cap) < enrolled)
		model_error(errs, "capacity", "below_enrolled", "计划人数不能少于已报名的%lld人",
		            (long long)enrolled);
	struct store_stmt *st = NULL;
	if (json_is_number(hours) &&
	    !store_prepare(db, "SELECT max(hours) FROM enrollment WHERE class_id = ?", &st)) {
		store_bind_int(st, 1, id);
		if (store_step(st) == STORE_ROW && store_column_type(st, 0) != STORE_NULL &&
		    store_column_double(st, 0) > json_number_value(hours) + 1e-9)
			model_error(errs, "hours", "below_credited",
			            "学时不能少于学员已认定的%.1f学时", store_column_double(st, 0));
	}
	store_finalize(st);
}

void training_enrollment_validate(const struct entity *e, struct store *db, long long id,
                                  json_t *row, struct model_errors *errs)
{
	(void)e;
	json_int_t class_id = json_integer_value(json_object_get(row, "class_id"));
	struct store_stmt *st = NULL;
	double class_hours = 0;
	int64_t capacity = 0;
	bool found = false;
	if (!class_id || store_prepare(db,
	                               "SELECT hours, capacity FROM training_class"
	                               " WHERE id = ? AND deleted_at IS NULL",
	                               &st))
		return;
	store_bind_int(st, 1, class_id);
	if (store_step(st) == STORE_ROW) {
		found = true;
		class_hours = store_column_double(st, 0);
		capacity = store_column_int(st, 1);
	}
	store_finalize(st);
	if (!found)
		return; /* the reference check has reported it */
	const char *attendance = json_string_value(json_object_get(row, "attendance"));
	json_t *hours = json_object_get(row, "hours");
	if (!json_is_number(hours) && attendance && !strcmp(attendance, "全勤")) {
		json_object_set_new(row, "hours", json_real(class_hours));
		hours = json_object_get(row, "hours");
	} else if (!json_is_number(hours) && attendance && !strcmp(attendance, "缺勤")) {
		json_object_set_new(row, "hours", json_real(0));
		hours = json_object_get(row, "hours");
	}
	if (json_is_number(hours)) {
		double h = json_number_value(hours);
		if (!tenths(h))
			model_error(errs, "hours", "precision", "认定学时应精确到0.1学时");
		else if (h > class_hours + 1e-9)
			model_error(errs, "hours", "above_class",
			            "认定学时%.1f超过班次学时%.1f", h, class_hours);
		else if (h > 0 && attendance && !strcmp(attendance, "缺勤"))
			model_error(errs, "hours", "absent", "缺勤学员不能认定学时");
	}
	if (capacity > 0) {
		int64_t taken = count_of(
		    db, "SELECT count(*) FROM enrollment WHERE class_id = ? AND id <> ?", class_id, id);
		if (taken >= capacity)
			model_error(errs, "class_id", "class_full", "该班次计划%lld人，已报满",
			            (long long)capacity);
	}
}

/* ---- settings ---- */

double training_required_hours(struct store *db)
{
	char buf[64] = "";
	if (setting_get(db, TRAINING_SETTING_REQUIRED, buf, sizeof(buf)) || !buf[0])
		return TRAINING_REQUIRED_DEFAULT;
	char *end = NULL;
	double v = strtod(buf, &end);
	return *end || !(v > 0) || v > 10000 ? TRAINING_REQUIRED_DEFAULT : v;
}

/* ---- bulk enrolment ---- */

struct idvec {
	int64_t *v;
	size_t n, cap;
};

static void idvec_push(struct idvec *a, int64_t id)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = id;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void idvec_sort_unique(struct idvec *a)
{
	if (!a->n)
		return;
	qsort(a->v, a->n, sizeof(*a->v), cmp_id);
	size_t k = 1;
	for (size_t i = 1; i < a->n; i++)
		if (a->v[i] != a->v[k - 1])
			a->v[k++] = a->v[i];
	a->n = k;
}

static bool idvec_has(const struct idvec *a, int64_t id)
{
	return a->n && bsearch(&id, a->v, a->n, sizeof(*a->v), cmp_id) != NULL;
}

static json_t *idvec_json(const struct idvec *a)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < a->n; i++)
		json_array_append_new(arr, json_integer(a->v[i]));
	return arr;
}

/* runs sql (with p bound from 1) and collects the first column */
static enum xz_result collect_ids(struct store *db, const char *sql, const struct sqlparams *p,
                                  struct idvec *out)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	params_bind(p, st, 1);
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW)
		idvec_push(out, store_column_int(st, 0));
	if (s != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

static bool enum_ok(const char *entity, const char *field, const char *value)
{
	const struct field *f = model_field(model_find(entity), field);
	for (const char *const *v = f ? f->enum_values : NULL; v && *v; v++)
		if (!strcmp(*v, value))
			return true;
	return false;
}

/* The cadres a filter selects within the actor's scope. */
static enum xz_result select_by_filter(struct engine_ctx *ctx, json_t *filter, struct idvec *out)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	enum xz_result r = XZ_OK;
	buf_puts(&sql, "SELECT c.id FROM cadre c JOIN region r ON r.id = c.region_id"
	               " WHERE c.deleted_at IS NULL");
	const char *key;
	json_t *v;
	json_object_foreach(filter, key, v) {
		if (json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
			continue;
		const char *s = json_string_value(v);
		if (!strcmp(key, "level") || !strcmp(key, "rank")) {
			if (!s || !enum_ok("cadre", key, s)) {
				model_error(&ctx->errs, key, "invalid_filter", "筛选条件%s的取值无效",
				            !strcmp(key, "level") ? "层级" : "职级");
				continue;
			}
			buf_printf(&sql, " AND c.%s = ?", key);
			params_text(&p, s);
		} else if (!strcmp(key, "unit")) {
			if (!s) {
				model_error(&ctx->errs, key, "invalid_filter", "工作单位应为文字");
				continue;
			}
			char *pattern = store_like_pattern(s, false);
			buf_puts(&sql, " AND ");
			store_sql_like(ctx->db, &sql, "c.unit");
			params_text(&p, pattern);
			free(pattern);
		} else if (!strcmp(key, "expertise")) {
			if (!s) {
				model_error(&ctx->errs, key, "invalid_filter", "专业特长应为一个标签");
				continue;
			}
			buf_puts(&sql, " AND ");
			store_sql_tag_contains(ctx->db, &sql, "c.expertise");
			params_text(&p, s);
		} else if (!strcmp(key, "region_id")) {
			struct store_stmt *st = NULL;
			char code[32] = "", prefix[32];
			if (json_is_integer(v) &&
			    !store_prepare(ctx->db,
			                   "SELECT code FROM region WHERE id = ? AND deleted_at IS NULL",
			                   &st)) {
				store_bind_int(st, 1, json_integer_value(v));
				if (store_step(st) == STORE_ROW && store_column_text(st, 0))
					snprintf(code, sizeof(code), "%s", store_column_text(st, 0));
			}
			store_finalize(st);
			if (!code[0] || strlen(code) > 12) {
				model_error(&ctx->errs, key, "invalid_filter", "所选区划不存在");
				continue;
			}
			engine_region_prefix(code, prefix);
			char *pattern = store_like_pattern(prefix, true);
			buf_puts(&sql, " AND ");
			store_sql_like(ctx->db, &sql, "r.code");
			params_text(&p, pattern);
			free(pattern);
		} else {
			model_error(&ctx->errs, key, "unknown_parameter",
			            "未知的筛选条件“%.40s”（可用 level、unit、region_id、expertise、rank）",
			            key);
		}
	}
	if (json_array_size(ctx->errs.details)) {
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	query_scope_as(model_find("cadre"), ctx->actor, "c", &sql, &p);
	buf_printf(&sql, " ORDER BY c.id LIMIT %d", TRAINING_ENROLL_MAX + 1);
	r = collect_ids(ctx->db, buf_cstr(&sql), &p, out);
	if (!r && out->n > TRAINING_ENROLL_MAX) {
		snprintf(ctx->message, sizeof(ctx->message),
		         "筛选出的干部超过%d人，请缩小筛选范围", TRAINING_ENROLL_MAX);
		r = XZ_ERR_BAD_REQUEST;
	}
out:
	params_free(&p);
	buf_free(&sql);
	return r;
}

/* The listed cadres, each of which must be live and in the actor's scope. */
static enum xz_result select_by_ids(struct engine_ctx *ctx, json_t *ids, struct idvec *out)
{
	if (json_array_size(ids) > TRAINING_ENROLL_MAX) {
		snprintf(ctx->message, sizeof(ctx->message), "一次最多报名%d人", TRAINING_ENROLL_MAX);
		return XZ_ERR_BAD_REQUEST;
	}
	struct idvec want = {0}, seen = {0};
	json_t *v;
	size_t i;
	enum xz_result r = XZ_OK;
	json_array_foreach(ids, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			snprintf(ctx->message, sizeof(ctx->message), "cadre_ids 应为干部ID数组");
			r = XZ_ERR_BAD_REQUEST;
			goto out;
		}
		idvec_push(&want, json_integer_value(v));
	}
	idvec_sort_unique(&want);
	if (!want.n)
		goto out;
	/* one query for all: the visible ones among them */
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	buf_puts(&sql, "SELECT c.id FROM cadre c WHERE c.deleted_at IS NULL AND c.id IN (");
	for (size_t k = 0; k < want.n; k++) {
		buf_puts(&sql, k ? ", ?" : "?");
		params_int(&p, want.v[k]);
	}
	buf_putc(&sql, ')');
	query_scope_as(model_find("cadre"), ctx->actor, "c", &sql, &p);
	r = collect_ids(ctx->db, buf_cstr(&sql), &p, &seen);
	params_free(&p);
	buf_free(&sql);
	if (r)
		goto out;
	idvec_sort_unique(&seen);
	for (size_t k = 0; k < want.n; k++) {
		if (idvec_has(&seen, want.v[k]))
			idvec_push(out, want.v[k]);
		else
			model_error(&ctx->errs, "cadre_ids", "invalid_reference",
			            "干部（ID %lld）不存在或不在您的数据范围内", (long long)want.v[k]);
	}
	if (json_array_size(ctx->errs.details))
		r = XZ_ERR_VALIDATION;
out:
	free(want.v);
	free(seen.v);
	return r;
}

enum xz_result training_enroll(struct engine_ctx *ctx, int64_t class_id, json_t *req,
                               json_t **out)
{
	const struct entity *ce = model_find("training_class"), *ee = model_find("enrollment");
	struct idvec cand = {0}, have = {0}, added = {0}, skipped = {0}, refused = {0};
	json_t *cls = NULL, *detail = NULL;
	bool in_tx = false;
	*out = NULL;
	enum xz_result r = engine_get(ctx, ce, class_id, &cls);
	if (r) {
		if (r == XZ_ERR_NOT_FOUND)
			snprintf(ctx->message, sizeof(ctx->message), "培训班次不存在或不在您的数据范围内");
		goto out;
	}
	json_t *ids = json_object_get(req, "cadre_ids"), *filter = json_object_get(req, "filter");
	if (json_is_array(ids) && !filter) {
		r = select_by_ids(ctx, ids, &cand);
	} else if (json_is_object(filter) && !ids) {
		r = select_by_filter(ctx, filter, &cand);
	} else {
		snprintf(ctx->message, sizeof(ctx->message),
		         "请求体应为 {\"cadre_ids\": [干部ID…]} 或 {\"filter\": {level, unit, region_id,"
		         " expertise, rank}}");
		r = XZ_ERR_BAD_REQUEST;
	}
	if (r)
		goto out;
	int64_t capacity = json_integer_value(json_object_get(cls, "capacity"));
	if ((r = store_begin(ctx->db)))
		goto out;
	in_tx = true;
	/* every enrolment of the class counts against its capacity, also
	 * those of cadres outside the actor's scope */
	struct sqlparams p = {0};
	params_int(&p, class_id);
	r = collect_ids(ctx->db, "SELECT cadre_id FROM enrollment WHERE class_id = ?", &p, &have);
	params_free(&p);
	if (r)
		goto out;
	idvec_sort_unique(&have);
	int64_t count = (int64_t)have.n;
	for (size_t i = 0; i < cand.n; i++) {
		if (idvec_has(&have, cand.v[i])) {
			idvec_push(&skipped, cand.v[i]);
			continue;
		}
		if (capacity > 0 && count >= capacity) {
			idvec_push(&refused, cand.v[i]);
			continue;
		}
		json_t *in = json_pack("{s:I, s:I, s:s}", "class_id", (json_int_t)class_id, "cadre_id",
		                       (json_int_t)cand.v[i], "result", "待评定");
		json_t *made = NULL;
		r = engine_create(ctx, ee, in, &made);
		json_decref(in);
		json_decref(made);
		if (r)
			goto out;
		idvec_push(&added, cand.v[i]);
		count++;
	}
	detail = json_pack("{s:I, s:I, s:I, s:I}", "matched", (json_int_t)cand.n, "added",
	                   (json_int_t)added.n, "skipped", (json_int_t)skipped.n, "refused",
	                   (json_int_t)refused.n);
	if ((r = audit_write(ctx->db, ctx->actor, "enroll", ce->name, class_id, "ok", detail)) ||
	    (r = store_commit(ctx->db)))
		goto out;
	in_tx = false;
	*out = json_pack("{s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o}", "class_id",
	                 (json_int_t)class_id, "capacity",
	                 capacity > 0 ? json_integer(capacity) : json_null(), "enrolled",
	                 (json_int_t)count, "matched", (json_int_t)cand.n, "added",
	                 (json_int_t)added.n, "skipped", (json_int_t)skipped.n, "refused",
	                 (json_int_t)refused.n, "added_ids", idvec_json(&added), "skipped_ids",
	                 idvec_json(&skipped), "refused_ids", idvec_json(&refused));
out:
	if (in_tx)
		store_rollback(ctx->db);
	json_decref(cls);
	json_decref(detail);
	free(cand.v);
	free(have.v);
	free(added.v);
	free(skipped.v);
	free(refused.v);
	return r;
}

/* ---- coverage ---- */

bool training_group_parse(const char *s, enum training_group *g)
{
	if (!s || !strcmp(s, "level"))
		*g = TRAINING_BY_LEVEL;
	else if (!strcmp(s, "unit"))
		*g = TRAINING_BY_UNIT;
	else if (!strcmp(s, "region"))
		*g = TRAINING_BY_REGION;
	else
		return false;
	return true;
}

static const char *const group_names[] = {"level", "unit", "region"};

/* "FROM cadre c … LEFT JOIN <the year's hours per cadre> h … WHERE <live,
 * in scope>": binds the year's two dates, then the scope */
static void cadre_hours_from(struct engine_ctx *ctx, int year, struct buf *sql,
                             struct sqlparams *p)
{
	char from[32], to[32];
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-12-31", year);
	buf_puts(sql, " FROM cadre c JOIN region r ON r.id = c.region_id"
	              " LEFT JOIN (SELECT e.cadre_id, sum(coalesce(e.hours, 0)) AS hours"
	              " FROM enrollment e JOIN training_class k ON k.id = e.class_id"
	              " WHERE k.deleted_at IS NULL AND k.start_date >= ? AND k.start_date <= ?"
	              " GROUP BY e.cadre_id) h ON h.cadre_id = c.id"
	              " WHERE c.deleted_at IS NULL");
	params_text(p, from);
	params_text(p, to);
	query_scope_as(model_find("cadre"), ctx->actor, "c", sql, p);
}

/* v to 1/per (per = 10: tenths), as the nearest double to that decimal */
static double round_to(double v, double per)
{
	return round(v * per) / per;
}

static json_t *coverage_numbers(json_t *o, int64_t cadres, int64_t trained, double hours)
{
	json_object_set_new(o, "cadres", json_integer(cadres));
	json_object_set_new(o, "trained", json_integer(trained));
	json_object_set_new(o, "share", json_real(cadres ? round_to((double)trained / (double)cadres,
	                                                            1e4)
	                                                 : 0));
	json_object_set_new(o, "hours", json_real(round_to(hours, 10)));
	json_object_set_new(o, "hours_per_cadre",
	                    json_real(cadres ? round_to(hours / (double)cadres, 100) : 0));
	return o;
}

enum xz_result training_coverage(struct engine_ctx *ctx, int year, enum training_group g,
                                 json_t **out)
{
	static const char *const keys[] = {
	    [TRAINING_BY_LEVEL] = "c.level",
	    [TRAINING_BY_UNIT] = "c.unit",
	    [TRAINING_BY_REGION] = "substr(r.code, 1, 6)",
	};
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	json_t *items = json_array();
	int64_t all = 0, all_trained = 0;
	double all_hours = 0;
	*out = NULL;
	buf_printf(&sql,
	           "SELECT g, count(*), sum(CASE WHEN hrs > 0 THEN 1 ELSE 0 END), sum(hrs),"
	           " (SELECT x.name FROM region x WHERE x.code = g AND x.deleted_at IS NULL LIMIT 1)"
	           " FROM (SELECT %s AS g, coalesce(h.hours, 0) AS hrs",
	           keys[g]);
	cadre_hours_from(ctx, year, &sql, &p);
	buf_puts(&sql, ") AS cadre_hours GROUP BY g ORDER BY count(*) DESC, g");
	enum xz_result r = store_prepare(ctx->db, buf_cstr(&sql), &st);
	if (r)
		goto out;
	params_bind(&p, st, 1);
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		const char *key = store_column_text(st, 0) ? store_column_text(st, 0) : "";
		int64_t n = store_column_int(st, 1), trained = store_column_int(st, 2);
		double hours = store_column_double(st, 3);
		char label[160];
		if (g != TRAINING_BY_REGION) {
			snprintf(label, sizeof(label), "%s", *key ? key : "（未填）");
		} else {
			const char *name = store_column_text(st, 4);
			bool city = strlen(key) == 6 && key[4] == '0' && key[5] == '0';
			snprintf(label, sizeof(label), "%s%s", name ? name : key, city ? "（市本级）" : "");
		}
		json_array_append_new(items, coverage_numbers(json_pack("{s:s, s:s}", "key", key,
		                                                        "label", label),
		                                              n, trained, hours));
		all += n;
		all_trained += trained;
		all_hours += hours;
	}
	if (s != STORE_DONE) {
		r = store_stmt_result(st);
		goto out;
	}
	*out = json_pack("{s:i, s:s, s:f, s:o, s:O}", "year", year, "group", group_names[g],
	                 "required_hours", training_required_hours(ctx->db), "total",
	                 coverage_numbers(json_object(), all, all_trained, all_hours), "items",
	                 items);
out:
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	json_decref(items);
	return r;
}

/* ---- below the required hours ---- */

typedef enum xz_result (*below_fn)(void *cls, struct store_stmt *st, double required);

/* Calls fn for each cadre below the required hours, fewest first; limit 0
 * means all. *total gets their number when not NULL. */
static enum xz_result scan_below(struct engine_ctx *ctx, int year, int64_t offset, int64_t limit,
                                 int64_t *total, below_fn fn, void *cls)
{
	double required = training_required_hours(ctx->db);
	struct buf sql = BUF_INIT, count = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	enum xz_result r = XZ_OK;
	buf_puts(&sql, "SELECT c.id, (SELECT pe.name FROM person pe WHERE pe.id = c.person_id),"
	               " c.unit, c.post, c.level, r.name, round(coalesce(h.hours, 0), 1) AS hrs");
	cadre_hours_from(ctx, year, &sql, &p);
	buf_puts(&sql, " AND round(coalesce(h.hours, 0), 1) < ?");
	params_real(&p, required);
	if (total) {
		buf_printf(&count, "SELECT count(*) FROM (%s) AS listed", buf_cstr(&sql));
		if ((r = store_prepare(ctx->db, buf_cstr(&count), &st)))
			goto out;
		params_bind(&p, st, 1);
		*total = store_step(st) == STORE_ROW ? store_column_int(st, 0) : 0;
		store_finalize(st);
		st = NULL;
	}
	buf_puts(&sql, " ORDER BY hrs, c.id");
	if (limit > 0)
		buf_printf(&sql, " LIMIT %lld OFFSET %lld", (long long)limit, (long long)offset);
	if ((r = store_prepare(ctx->db, buf_cstr(&sql), &st)))
		goto out;
	params_bind(&p, st, 1);
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW)
		if ((r = fn(cls, st, required)))
			goto out;
	if (s != STORE_DONE)
		r = store_stmt_result(st);
out:
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	buf_free(&count);
	return r;
}

static const char *col_text(struct store_stmt *st, int col)
{
	const char *s = store_column_text(st, col);
	return s ? s : "";
}

static enum xz_result below_json_row(void *cls, struct store_stmt *st, double required)
{
	double hours = store_column_double(st, 6);
	json_array_append_new(
	    cls, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:f, s:f}", "cadre_id",
	                   (json_int_t)store_column_int(st, 0), "name", col_text(st, 1), "unit",
	                   col_text(st, 2), "post", col_text(st, 3), "level", col_text(st, 4),
	                   "region", col_text(st, 5), "hours", hours, "gap",
	                   round_to(required - hours, 10)));
	return XZ_OK;
}

enum xz_result training_below(struct engine_ctx *ctx, int year, int64_t page, int64_t size,
                              json_t **out)
{
	json_t *items = json_array();
	int64_t total = 0;
	*out = NULL;
	enum xz_result r =
	    scan_below(ctx, year, (page - 1) * size, size, &total, below_json_row, items);
	if (r) {
		json_decref(items);
		return r;
	}
	*out = json_pack("{s:i, s:f, s:I, s:I, s:I, s:o}", "year", year, "required_hours",
	                 training_required_hours(ctx->db), "total", (json_int_t)total, "page",
	                 (json_int_t)page, "size", (json_int_t)size, "items", items);
	return XZ_OK;
}

static enum xz_result below_xlsx_row(void *cls, struct store_stmt *st, double required)
{
	char hours[32], gap[32];
	double h = store_column_double(st, 6);
	snprintf(hours, sizeof(hours), "%.1f", h);
	snprintf(gap, sizeof(gap), "%.1f", round_to(required - h, 10));
	const char *cells[] = {col_text(st, 1), col_text(st, 2), col_text(st, 3), col_text(st, 4),
	                       col_text(st, 5), hours,          gap};
	return table_writer_row(cls, cells);
}

enum xz_result training_below_export(struct engine_ctx *ctx, int year, char **data, size_t *len)
{
	static const struct table_column cols[] = {
	    {"姓名", CELL_TEXT, 10, NULL},     {"工作单位", CELL_TEXT, 30, NULL},
	    {"现任职务", CELL_TEXT, 30, NULL}, {"层级", CELL_TEXT, 6, NULL},
	    {"单位所在区划", CELL_TEXT, 14, NULL}, {"年度学时", CELL_NUMBER, 10, NULL},
	    {"尚差学时", CELL_NUMBER, 10, NULL},
	};
	char title[160];
	struct table_writer *w = NULL;
	*data = NULL;
	*len = 0;
	snprintf(title, sizeof(title), "%d年度培训学时未达标干部名单（要求%.1f学时）", year,
	         training_required_hours(ctx->db));
	enum xz_result r = table_writer_open(TABLE_XLSX, "学时未达标", title, cols,
	                                     sizeof(cols) / sizeof(cols[0]), &w);
	if (r)
		goto out;
	if ((r = scan_below(ctx, year, 0, 0, NULL, below_xlsx_row, w)))
		goto out;
	if (!(r = table_writer_finish(w, data, len)))
		w = NULL;
	else
		snprintf(ctx->message, sizeof(ctx->message), "%s", table_writer_error(w));
	if (!r) {
		json_t *d = json_pack("{s:i}", "year", year);
		audit_write(ctx->db, ctx->actor, "export", "training_below", 0, "ok", d);
		json_decref(d);
	}
out:
	table_writer_free(w);
	return r;
}
