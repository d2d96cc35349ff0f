/*
 * 季季评 quarterly evaluation (see evaluation.h): the descriptors' hooks
 * (validation, and the frozen hook that turns any write touching a
 * published round into a 409), bulk score entry, publication, the 攻坚成效
 * fill from key projects, results, the yearly roll-up and their xlsx
 * exports. The arithmetic lives in eval_calc.c; this file loads, checks and
 * writes. Every SQL value is a bound parameter.
 */
#include "domain/evaluation.h"
#include "domain/problem.h"

#include "auth/audit.h"
#include "core/mem.h"
#include "core/util.h"
#include "domain/eval_calc.h"
#include "engine/workflow.h"
#include "io/table.h"
#include "model/entities.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SCORES 20000

/* ---- small helpers ---- */

static int64_t jid(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v)) {
		char *end = NULL;
		long long n = strtoll(json_string_value(v), &end, 10);
		return end && !*end ? n : 0;
	}
	return 0;
}

static double round2(double v)
{
	return round(v * 100.0) / 100.0;
}

/* one integer from a query with one id parameter; 0 when no row */
static int64_t int_of(struct store *db, const char *sql, int64_t id)
{
	char buf[24];
	const char *args[] = {buf};
	int64_t v = 0;
	snprintf(buf, sizeof(buf), "%" PRId64, id);
	if (store_query_int(db, sql, &v, 1, args))
		return 0;
	return v;
}

/* the status of a round into out ("" when there is none) */
static void round_status(struct store *db, int64_t round_id, char *out, size_t n)
{
	struct store_stmt *st = NULL;
	*out = '\0';
	if (store_prepare(db, "SELECT status FROM eval_round WHERE id = ? AND deleted_at IS NULL",
	                  &st))
		return;
	store_bind_int(st, 1, round_id);
	if (store_step(st) == STORE_ROW && store_column_text(st, 0))
		snprintf(out, n, "%s", store_column_text(st, 0));
	store_finalize(st);
}

static double weight_sum(struct store *db, int64_t scheme_id, int64_t except_id, int *count)
{
	struct store_stmt *st = NULL;
	double sum = 0;
	*count = 0;
	if (store_prepare(db, "SELECT weight FROM eval_dimension WHERE scheme_id = ? AND id <> ?",
	                  &st))
		return 0;
	store_bind_int(st, 1, scheme_id);
	store_bind_int(st, 2, except_id);
	while (store_step(st) == STORE_ROW) {
		sum += store_column_double(st, 0);
		(*count)++;
	}
	store_finalize(st);
	return sum;
}

static void detail(struct engine_ctx *ctx, int row, const char *field, const char *code,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void detail(struct engine_ctx *ctx, int row, const char *field, const char *code,
                   const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *d = json_pack("{s:s, s:s, s:s}", "field", field, "code", code, "message", msg);
	if (row > 0)
		json_object_set_new(d, "row", json_integer(row));
	json_array_append_new(ctx->errs.details, d);
}

/* ---- descriptor hooks ---- */

void evaluation_scheme_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                                struct model_errors *errs)
{
	struct eval_grade_rule rule;
	char msg[200] = "";
	json_t *fail = json_object_get(row, "fail_below");
	const char *grades = json_string_value(json_object_get(row, "grades"));
	if (grades &&
	    eval_calc_parse_grades(grades, json_is_number(fail) ? json_number_value(fail) : 0,
	                           &rule, msg, sizeof(msg)))
		model_error(errs, "grades", "invalid", "%s", msg);
	if (!json_is_true(json_object_get(row, "active")))
		return;
	int count = 0;
	double sum = weight_sum(db, id, 0, &count);
	if (!count)
		model_error(errs, "active", "no_dimensions", "启用前请先为方案设置评价维度及权重");
	else if (fabs(sum - 100.0) > 1e-6)
		model_error(errs, "active", "weights", "各维度权重之和为%g，须为100才能启用", sum);
}

void evaluation_dimension_validate(const struct entity *e, struct store *db, long long id,
                                   json_t *row, struct model_errors *errs)
{
	int64_t scheme = jid(json_object_get(row, "scheme_id"));
	if (!scheme || !int_of(db, "SELECT active FROM eval_scheme WHERE id = ?", scheme))
		return;
	int count = 0;
	double sum =
	    weight_sum(db, scheme, id, &count) + json_number_value(json_object_get(row, "weight"));
	if (fabs(sum - 100.0) > 1e-6)
		model_error(
		    errs, "weight", "weights",
		    "方案已启用，各维度权重之和须保持为100（修改后为%g）；请先停用方案再调整", sum);
}

void evaluation_round_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                               struct model_errors *errs)
{
	int64_t scheme = jid(json_object_get(row, "scheme_id"));
	if (scheme &&
	    !int_of(db, "SELECT active FROM eval_scheme WHERE id = ? AND deleted_at IS NULL",
	            scheme))
		model_error(errs, "scheme_id", "inactive",
		            "评价方案未启用；启用方案（各维度权重之和为100）后才能建立评价轮次");
}

void evaluation_subject_validate(const struct entity *e, struct store *db, long long id,
                                 json_t *row, struct model_errors *errs)
{
	int64_t round = jid(json_object_get(row, "round_id"));
	struct store_stmt *st = NULL;
	if (!round || store_prepare(db,
	                            "SELECT s.target FROM eval_round r JOIN eval_scheme s"
	                            " ON s.id = r.scheme_id WHERE r.id = ?",
	                            &st))
		return;
	store_bind_int(st, 1, round);
	bool team = store_step(st) == STORE_ROW && store_column_text(st, 0) &&
	            !strcmp(store_column_text(st, 0), "班子");
	store_finalize(st);
	int64_t cadre = jid(json_object_get(row, "cadre_id"));
	if (team && cadre)
		model_error(errs, "cadre_id", "team", "本轮评价对象为班子，不应选择干部");
	else if (!team && !cadre)
		model_error(errs, "cadre_id", "required", "本轮评价对象为干部，请选择干部");
	/* a cadre subject's data scope is the cadre's own region */
	else if (cadre && int_of(db, "SELECT region_id FROM cadre WHERE id = ?", cadre) !=
	                      jid(json_object_get(row, "region_id")))
		model_error(errs, "region_id", "cadre_region",
		            "所属区划应与该干部的单位所在区划一致");
}

void evaluation_score_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                               struct model_errors *errs)
{
	int64_t round = jid(json_object_get(row, "round_id"));
	int64_t subject = jid(json_object_get(row, "subject_id"));
	int64_t dim = jid(json_object_get(row, "dimension_id"));
	if (subject &&
	    int_of(db, "SELECT round_id FROM eval_subject WHERE id = ?", subject) != round)
		model_error(errs, "subject_id", "round", "评价对象不属于该评价轮次");
	if (dim && int_of(db, "SELECT scheme_id FROM eval_dimension WHERE id = ?", dim) !=
	               int_of(db, "SELECT scheme_id FROM eval_round WHERE id = ?", round))
		model_error(errs, "dimension_id", "scheme", "该维度不属于本轮次的评价方案");
	char status[32];
	round_status(db, round, status, sizeof(status));
	if (!strcmp(status, "草稿"))
		model_error(errs, "round_id", "not_started", "该评价轮次尚未开始评分");
}

bool evaluation_frozen(const struct entity *e, struct store *db, json_t *row, const char *what,
                       char *msg, size_t n)
{
	int64_t scheme = 0;
	if (!strcmp(e->name, "eval_subject") || !strcmp(e->name, "eval_score")) {
		char status[32];
		round_status(db, jid(json_object_get(row, "round_id")), status, sizeof(status));
		if (strcmp(status, "已发布"))
			return false;
		snprintf(msg, n, "该季季评轮次已发布，结果不再改变，不能%s%s", what, e->label);
		return true;
	}
	if (!strcmp(e->name, "eval_scheme"))
		scheme = jid(json_object_get(row, "id"));
	else if (!strcmp(e->name, "eval_dimension"))
		scheme = jid(json_object_get(row, "scheme_id"));
	if (!scheme || !int_of(db,
	                       "SELECT count(*) FROM eval_round WHERE scheme_id = ? AND"
	                       " deleted_at IS NULL AND status = '已发布'",
	                       scheme))
		return false;
	snprintf(msg, n, "已有已发布的季季评轮次使用该方案，不能%s%s", what, e->label);
	return true;
}

/* ---- loading a round ---- */

struct dim {
	int64_t id;
	char *name;
	double weight;
	bool from_projects;
};

struct scheme {
	int64_t id;
	char *name, *target;
	struct eval_grade_rule rule;
	struct dim *dims;
	size_t ndims;
};

static void scheme_free(struct scheme *s)
{
	for (size_t i = 0; i < s->ndims; i++)
		free(s->dims[i].name);
	free(s->dims);
	free(s->name);
	free(s->target);
	memset(s, 0, sizeof(*s));
}

static enum xz_result scheme_load(struct engine_ctx *ctx, int64_t id, struct scheme *s)
{
	struct store_stmt *st = NULL;
	memset(s, 0, sizeof(*s));
	enum xz_result r = store_prepare(
	    ctx->db, "SELECT name, target, grades, fail_below FROM eval_scheme WHERE id = ?", &st);
	if (r)
		return r;
	store_bind_int(st, 1, id);
	if (store_step(st) != STORE_ROW) {
		store_finalize(st);
		snprintf(ctx->message, sizeof(ctx->message), "找不到评价方案");
		return XZ_ERR_NOT_FOUND;
	}
	s->id = id;
	s->name = xstrdup(store_column_text(st, 0) ? store_column_text(st, 0) : "");
	s->target = xstrdup(store_column_text(st, 1) ? store_column_text(st, 1) : "");
	char msg[200] = "";
	r = eval_calc_parse_grades(store_column_text(st, 2), store_column_double(st, 3), &s->rule,
	                           msg, sizeof(msg));
	store_finalize(st);
	if (r) {
		snprintf(ctx->message, sizeof(ctx->message), "评价方案的等次设置有误：%s", msg);
		return r;
	}
	if ((r = store_prepare(ctx->db,
	                       "SELECT id, name, weight, from_projects FROM eval_dimension"
	                       " WHERE scheme_id = ? ORDER BY coalesce(sort_order, 0), id",
	                       &st)))
		return r;
	store_bind_int(st, 1, id);
	size_t cap = 0;
	while (store_step(st) == STORE_ROW) {
		if (s->ndims == cap) {
			cap = cap ? cap * 2 : 8;
			s->dims = xrealloc(s->dims, cap * sizeof(*s->dims));
		}
		struct dim *d = &s->dims[s->ndims++];
		d->id = store_column_int(st, 0);
		d->name = xstrdup(store_column_text(st, 1) ? store_column_text(st, 1) : "");
		d->weight = store_column_double(st, 2);
		d->from_projects = store_column_int(st, 3) != 0;
	}
	store_finalize(st);
	return XZ_OK;
}

static int dim_index(const struct scheme *s, int64_t id)
{
	for (size_t i = 0; i < s->ndims; i++)
		if (s->dims[i].id == id)
			return (int)i;
	return -1;
}

/* the round as the actor may see it, and its status */
static enum xz_result round_get(struct engine_ctx *ctx, int64_t id, json_t **row,
                                const char **status)
{
	enum xz_result r = engine_get(ctx, model_find("eval_round"), id, row);
	if (r) {
		if (r == XZ_ERR_NOT_FOUND && !ctx->message[0])
			snprintf(ctx->message, sizeof(ctx->message), "找不到该季季评轮次");
		return r;
	}
	*status = json_string_value(json_object_get(*row, "status"));
	if (!*status)
		*status = "";
	return XZ_OK;
}

static enum xz_result collect_id(void *cls, json_t *row)
{
	char key[24];
	snprintf(key, sizeof(key), "%" PRId64, jid(json_object_get(row, "id")));
	json_object_set_new(cls, key, json_true());
	return XZ_OK;
}

/* ids of the round's subjects in the actor's scope, as an object of "id" keys */
static enum xz_result visible_subjects(struct engine_ctx *ctx, int64_t round_id, json_t **out)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRId64, round_id);
	const struct kv params[] = {{"round_id", buf}};
	*out = json_object();
	enum xz_result r =
	    engine_scan(ctx, model_find("eval_subject"), params, 1, false, collect_id, *out);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

static bool has_id(json_t *set, int64_t id)
{
	char key[24];
	snprintf(key, sizeof(key), "%" PRId64, id);
	return json_object_get(set, key) != NULL;
}

/* ---- computing results ---- */

struct subject {
	int64_t id, cadre_id, region_id;
	char *name, *unit, *group;
	double *sum;
	int *count;
	int evaluators;
};

struct computed {
	struct scheme scheme;
	struct subject *subjects;
	struct eval_calc_item *items;
	size_t n;
};

static void computed_free(struct computed *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->subjects[i].name);
		free(c->subjects[i].unit);
		free(c->subjects[i].group);
		free(c->subjects[i].sum);
		free(c->subjects[i].count);
	}
	free(c->subjects);
	free(c->items);
	scheme_free(&c->scheme);
	memset(c, 0, sizeof(*c));
}

static int subject_cmp(const void *a, const void *b)
{
	const struct subject *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static struct subject *subject_find(struct computed *c, int64_t id)
{
	struct subject key = {.id = id};
	return bsearch(&key, c->subjects, c->n, sizeof(*c->subjects), subject_cmp);
}

/* Loads every subject and score of the round (whatever the actor's scope:
 * ranks are over the whole peer group) and ranks them. */
static enum xz_result compute(struct engine_ctx *ctx, int64_t round_id, int64_t scheme_id,
                              struct computed *c)
{
	struct store_stmt *st = NULL;
	memset(c, 0, sizeof(*c));
	enum xz_result r = scheme_load(ctx, scheme_id, &c->scheme);
	if (r)
		return r;
	size_t nd = c->scheme.ndims, cap = 0;
	if ((r = store_prepare(ctx->db,
	                       "SELECT id, name, cadre_id, unit, peer_group, region_id FROM"
	                       " eval_subject WHERE round_id = ? ORDER BY id",
	                       &st)))
		return r;
	store_bind_int(st, 1, round_id);
	while (store_step(st) == STORE_ROW) {
		if (c->n == cap) {
			cap = cap ? cap * 2 : 64;
			c->subjects = xrealloc(c->subjects, cap * sizeof(*c->subjects));
		}
		struct subject *s = &c->subjects[c->n++];
		memset(s, 0, sizeof(*s));
		s->id = store_column_int(st, 0);
		s->name = xstrdup(store_column_text(st, 1) ? store_column_text(st, 1) : "");
		s->cadre_id = store_column_int(st, 2);
		s->unit = xstrdup(store_column_text(st, 3) ? store_column_text(st, 3) : "");
		s->group = xstrdup(store_column_text(st, 4) ? store_column_text(st, 4) : "");
		s->region_id = store_column_int(st, 5);
		s->sum = xmalloc((nd ? nd : 1) * sizeof(*s->sum));
		s->count = xmalloc((nd ? nd : 1) * sizeof(*s->count));
		for (size_t d = 0; d < nd; d++) {
			s->sum[d] = 0;
			s->count[d] = 0;
		}
	}
	store_finalize(st);
	/* scores in a fixed order, so sums are the same whatever the insertion order */
	if ((r = store_prepare(ctx->db,
	                       "SELECT subject_id, dimension_id, score FROM eval_score"
	                       " WHERE round_id = ? ORDER BY subject_id, dimension_id, score",
	                       &st)))
		return r;
	store_bind_int(st, 1, round_id);
	while (store_step(st) == STORE_ROW) {
		struct subject *s = subject_find(c, store_column_int(st, 0));
		int d = dim_index(&c->scheme, store_column_int(st, 1));
		if (!s || d < 0)
			continue;
		s->sum[d] += store_column_double(st, 2);
		s->count[d]++;
	}
	store_finalize(st);
	if ((r = store_prepare(ctx->db,
	                       "SELECT subject_id, count(DISTINCT evaluator) FROM eval_score"
	                       " WHERE round_id = ? GROUP BY subject_id",
	                       &st)))
		return r;
	store_bind_int(st, 1, round_id);
	while (store_step(st) == STORE_ROW) {
		struct subject *s = subject_find(c, store_column_int(st, 0));
		if (s)
			s->evaluators = (int)store_column_int(st, 1);
	}
	store_finalize(st);

	c->items = xmalloc((c->n ? c->n : 1) * sizeof(*c->items));
	double *avg = xmalloc((nd ? nd : 1) * sizeof(*avg));
	double *w = xmalloc((nd ? nd : 1) * sizeof(*w));
	bool *present = xmalloc((nd ? nd : 1) * sizeof(*present));
	for (size_t d = 0; d < nd; d++)
		w[d] = c->scheme.dims[d].weight;
	for (size_t i = 0; i < c->n; i++) {
		struct subject *s = &c->subjects[i];
		for (size_t d = 0; d < nd; d++) {
			present[d] = s->count[d] > 0;
			avg[d] = present[d] ? s->sum[d] / s->count[d] : 0;
		}
		c->items[i] = (struct eval_calc_item){
		    .group = s->group, .id = s->id, .total = eval_calc_total(avg, present, w, nd)};
	}
	free(avg);
	free(w);
	free(present);
	return eval_calc_rank(c->items, c->n, &c->scheme.rule);
}

static int item_order(const void *a, const void *b)
{
	const struct eval_calc_item *x = *(const struct eval_calc_item *const *)a;
	const struct eval_calc_item *y = *(const struct eval_calc_item *const *)b;
	int g = strcmp(x->group, y->group);
	if (g)
		return g;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	return (x->id > y->id) - (x->id < y->id);
}

static const char *rule_text(void)
{
	return "各维度取评价人平均分，总分=Σ维度平均分×权重÷100（保留两位小数）；"
	       "在比较组内按总分由高到低排名，同分同名次；等次按名次依次评定，"
	       "某等次（含以上各等次）累计人数不超过⌊组内人数×累计比例⌋，最高等次至少1人，"
	       "同分者不拆分（跨越名额边界时整体评为下一等次）；设有较差分数线时，"
	       "低于分数线者评为最后一个等次。";
}

static json_t *results_json(struct computed *c, json_t *round, json_t *visible)
{
	struct scheme *sc = &c->scheme;
	json_t *dims = json_array(), *grades = json_array(), *groups = json_object();
	for (size_t d = 0; d < sc->ndims; d++)
		json_array_append_new(
		    dims, json_pack("{s:I, s:s, s:f, s:b}", "id", (json_int_t)sc->dims[d].id,
		                    "name", sc->dims[d].name, "weight", sc->dims[d].weight,
		                    "from_projects", sc->dims[d].from_projects));
	for (size_t g = 0; g < sc->rule.ngrades; g++)
		json_array_append_new(
		    grades, json_pack("{s:s, s:i}", "name", sc->rule.names[g], "share",
		                      g + 1 < sc->rule.ngrades ? sc->rule.shares[g] : -1));
	struct eval_calc_item **order = xmalloc((c->n ? c->n : 1) * sizeof(*order));
	for (size_t i = 0; i < c->n; i++)
		order[i] = &c->items[i];
	qsort(order, c->n, sizeof(*order), item_order);
	json_t *items = json_array();
	int incomplete = 0;
	for (size_t k = 0; k < c->n; k++) {
		struct eval_calc_item *it = order[k];
		struct subject *s = &c->subjects[it - c->items];
		json_t *grp = json_object_get(groups, s->group);
		if (!grp) {
			grp = json_pack("{s:s, s:i, s:o}", "name", s->group, "size", it->group_size,
			                "grades", json_object());
			json_object_set_new(groups, s->group, grp);
		}
		json_t *gc = json_object_get(grp, "grades");
		const char *gname = sc->rule.names[it->grade];
		json_object_set_new(
		    gc, gname, json_integer(json_integer_value(json_object_get(gc, gname)) + 1));
		if (visible && !has_id(visible, s->id))
			continue;
		json_t *scores = json_array();
		bool complete = sc->ndims > 0;
		for (size_t d = 0; d < sc->ndims; d++) {
			if (s->count[d])
				json_array_append_new(scores,
				                      json_real(round2(s->sum[d] / s->count[d])));
			else {
				json_array_append_new(scores, json_null());
				complete = false;
			}
		}
		incomplete += !complete;
		json_t *o = json_pack(
		    "{s:I, s:s, s:s, s:s, s:I, s:o, s:i, s:f, s:i, s:i, s:s, s:b}", "subject_id",
		    (json_int_t)s->id, "name", s->name, "unit", s->unit, "peer_group", s->group,
		    "region_id", (json_int_t)s->region_id, "scores", scores, "evaluators",
		    s->evaluators, "total", it->total, "rank", it->rank, "group_size",
		    it->group_size, "grade", gname, "complete", complete);
		json_object_set_new(o, "cadre_id",
		                    s->cadre_id ? json_integer(s->cadre_id) : json_null());
		json_array_append_new(items, o);
	}
	free(order);
	json_t *glist = json_array();
	const char *key;
	json_t *v;
	json_object_foreach(groups, key, v) json_array_append(glist, v);
	json_decref(groups);
	return json_pack("{s:O, s:{s:I, s:s, s:s, s:o, s:f, s:s}, s:o, s:o, s:o, s:i}", "round",
	                 round, "scheme", "id", (json_int_t)sc->id, "name", sc->name, "target",
	                 sc->target, "grades", grades, "fail_below", sc->rule.fail_below, "rule",
	                 rule_text(), "dimensions", dims, "groups", glist, "items", items,
	                 "incomplete", incomplete);
}

/* 进园助企 evidence: for each cadre subject, the problems the cadre is
 * responsible for that fell due in the round's quarter (problem.h), as
 * items[].problems = {total, closed_on_time, closed_late, open_overdue, …};
 * null for team subjects. Read live, so a published round shows the
 * problems as they stand now (the evidence is not a score and is not
 * frozen with it). */
static void add_problem_evidence(struct engine_ctx *ctx, json_t *round, json_t *items)
{
	char from[11], to[11];
	problem_quarter_range((int)json_integer_value(json_object_get(round, "year")),
	                      (int)json_integer_value(json_object_get(round, "quarter")), from, to);
	json_t *all = problem_owner_evidence_all(ctx, from, to);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_int_t cadre = json_integer_value(json_object_get(it, "cadre_id"));
		if (!cadre) {
			json_object_set_new(it, "problems", json_null());
			continue;
		}
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)cadre);
		json_t *ev = json_object_get(all, key);
		json_object_set_new(it, "problems",
		                    ev ? json_incref(ev)
		                       : json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i}", "from",
		                                   from, "to", to, "total", 0, "closed_on_time", 0,
		                                   "closed_late", 0, "open_overdue", 0, "open", 0,
		                                   "returned", 0));
	}
	json_decref(all);
}

enum xz_result evaluation_results(struct engine_ctx *ctx, int64_t round_id, json_t **out)
{
	json_t *round = NULL, *visible = NULL;
	const char *status = NULL;
	struct computed c = {0};
	*out = NULL;
	enum xz_result r = round_get(ctx, round_id, &round, &status);
	if (r || (r = visible_subjects(ctx, round_id, &visible)) ||
	    (r = compute(ctx, round_id, jid(json_object_get(round, "scheme_id")), &c)))
		goto out;
	*out = results_json(&c, round, visible);
	add_problem_evidence(ctx, round, json_object_get(*out, "items"));
out:
	computed_free(&c);
	json_decref(round);
	json_decref(visible);
	return r;
}

/* ---- writing scores ---- */

struct upsert_count {
	int inserted, updated, unchanged;
};

/* inserts or replaces one score; inside the caller's transaction */
static enum xz_result upsert(struct engine_ctx *ctx, int64_t round_id, int64_t subject,
                             const char *evaluator, int64_t dim, double score,
                             struct upsert_count *n)
{
	struct store_stmt *st = NULL;
	char now[32];
	util_now_iso(now, sizeof(now));
	enum xz_result r = store_prepare(ctx->db,
	                                 "SELECT id, score FROM eval_score WHERE subject_id = ? AND"
	                                 " evaluator = ? AND dimension_id = ?",
	                                 &st);
	if (r)
		return r;
	store_bind_int(st, 1, subject);
	store_bind_text(st, 2, evaluator);
	store_bind_int(st, 3, dim);
	int64_t id = 0;
	double old = 0;
	if (store_step(st) == STORE_ROW) {
		id = store_column_int(st, 0);
		old = store_column_double(st, 1);
	}
	store_finalize(st);
	if (id && old == score) {
		n->unchanged++;
		return XZ_OK;
	}
	if (id) {
		r = store_prepare(ctx->db,
		                  "UPDATE eval_score SET score = ?, version = version + 1,"
		                  " updated_at = ? WHERE id = ?",
		                  &st);
		if (r)
			return r;
		store_bind_double(st, 1, score);
		store_bind_text(st, 2, now);
		store_bind_int(st, 3, id);
		n->updated++;
	} else {
		r = store_prepare(
		    ctx->db,
		    "INSERT INTO eval_score (round_id, subject_id, evaluator, dimension_id,"
		    " score, created_at, updated_at, created_by)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		    &st);
		if (r)
			return r;
		store_bind_int(st, 1, round_id);
		store_bind_int(st, 2, subject);
		store_bind_text(st, 3, evaluator);
		store_bind_int(st, 4, dim);
		store_bind_double(st, 5, score);
		store_bind_text(st, 6, now);
		store_bind_text(st, 7, now);
		if (ctx->actor->user_id)
			store_bind_int(st, 8, ctx->actor->user_id);
		else
			store_bind_null(st, 8);
		n->inserted++;
	}
	if (store_step(st) != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	return r ? r : XZ_OK;
}

/* the round must be 评分中 for scores to change */
static enum xz_result check_scoring(struct engine_ctx *ctx, const char *status)
{
	if (!strcmp(status, "评分中"))
		return XZ_OK;
	if (!strcmp(status, "已发布"))
		snprintf(ctx->message, sizeof(ctx->message),
		         "该季季评轮次已发布，结果不再改变，不能修改分数");
	else
		snprintf(ctx->message, sizeof(ctx->message),
		         "该季季评轮次处于“%s”状态，请先“开始评分”再录入分数", status);
	return XZ_ERR_CONFLICT;
}

static void check_score_row(struct engine_ctx *ctx, size_t i, json_t *s, const struct scheme *sc,
                            json_t *visible, json_t *seen)
{
	int row = (int)i + 1;
	if (!json_is_object(s)) {
		detail(ctx, row, "scores", "invalid",
		       "第%d条应为对象 {subject_id, evaluator, dimension_id, score}", row);
		return;
	}
	json_t *subj = json_object_get(s, "subject_id"), *dim = json_object_get(s, "dimension_id");
	json_t *ev = json_object_get(s, "evaluator"), *score = json_object_get(s, "score");
	bool ok = true;
	if (!json_is_integer(subj) || !has_id(visible, json_integer_value(subj))) {
		detail(ctx, row, "subject_id", "unknown",
		       "第%d条：评价对象不属于本轮次，或不在您的数据范围内", row);
		ok = false;
	}
	const char *evs = json_string_value(ev);
	if (!evs || !*evs || strlen(evs) > 150 || !util_utf8_valid(evs, strlen(evs))) {
		detail(ctx, row, "evaluator", "required", "第%d条：请填写评价人（不超过50字）",
		       row);
		ok = false;
	}
	if (!json_is_integer(dim) || dim_index(sc, json_integer_value(dim)) < 0) {
		detail(ctx, row, "dimension_id", "unknown", "第%d条：维度不属于本轮次的评价方案",
		       row);
		ok = false;
	}
	if (!json_is_number(score) || json_number_value(score) < 0 ||
	    json_number_value(score) > 100 || isnan(json_number_value(score))) {
		detail(ctx, row, "score", "range", "第%d条：分数应为0到100之间的数", row);
		ok = false;
	}
	if (!ok)
		return;
	char key[300];
	snprintf(key, sizeof(key), "%" PRId64 "\x1f%s\x1f%" PRId64,
	         (int64_t)json_integer_value(subj), evs, (int64_t)json_integer_value(dim));
	json_t *prev = json_object_get(seen, key);
	if (prev)
		detail(ctx, row, "scores", "duplicate",
		       "第%d条与第%d条重复（同一评价对象、评价人和维度只能有一个分数）", row,
		       (int)json_integer_value(prev));
	else
		json_object_set_new(seen, key, json_integer(row));
}

enum xz_result evaluation_put_scores(struct engine_ctx *ctx, int64_t round_id, json_t *scores,
                                     json_t **out)
{
	json_t *round = NULL, *visible = NULL, *seen = json_object();
	const char *status = NULL;
	struct scheme sc = {0};
	struct upsert_count n = {0};
	bool in_tx = false;
	*out = NULL;
	enum xz_result r = XZ_ERR_BAD_REQUEST;
	if (!json_is_array(scores) || !json_array_size(scores) ||
	    json_array_size(scores) > MAX_SCORES) {
		snprintf(ctx->message, sizeof(ctx->message),
		         "请求体应为 {\"scores\": [{subject_id, evaluator, dimension_id, score}]}，"
		         "1到%d条",
		         MAX_SCORES);
		goto out;
	}
	if ((r = store_begin(ctx->db)))
		goto out;
	in_tx = true;
	if ((r = round_get(ctx, round_id, &round, &status)) || (r = check_scoring(ctx, status)) ||
	    (r = scheme_load(ctx, jid(json_object_get(round, "scheme_id")), &sc)) ||
	    (r = visible_subjects(ctx, round_id, &visible)))
		goto out;
	size_t i;
	json_t *s;
	json_array_foreach(scores, i, s) check_score_row(ctx, i, s, &sc, visible, seen);
	if (json_array_size(ctx->errs.details)) {
		snprintf(ctx->message, sizeof(ctx->message), "分数有%zu处错误，均未保存",
		         json_array_size(ctx->errs.details));
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	json_array_foreach(scores, i, s)
	{
		if ((r = upsert(ctx, round_id, json_integer_value(json_object_get(s, "subject_id")),
		                json_string_value(json_object_get(s, "evaluator")),
		                json_integer_value(json_object_get(s, "dimension_id")),
		                json_number_value(json_object_get(s, "score")), &n)))
			goto out;
	}
	json_t *d = json_pack("{s:i, s:i, s:i}", "inserted", n.inserted, "updated", n.updated,
	                      "unchanged", n.unchanged);
	r = audit_write(ctx->db, ctx->actor, "eval_scores", "eval_round", round_id, "ok", d);
	json_decref(d);
	if (r || (r = store_commit(ctx->db)))
		goto out;
	in_tx = false;
	*out = json_pack("{s:i, s:i, s:i, s:i}", "saved", n.inserted + n.updated, "inserted",
	                 n.inserted, "updated", n.updated, "unchanged", n.unchanged);
out:
	if (in_tx)
		store_rollback(ctx->db);
	scheme_free(&sc);
	json_decref(round);
	json_decref(visible);
	json_decref(seen);
	return r;
}

/* ---- publication ---- */

static enum xz_result check_complete(struct engine_ctx *ctx, int64_t round_id,
                                     const struct scheme *sc)
{
	struct store_stmt *st = NULL;
	int64_t subjects =
	    int_of(ctx->db, "SELECT count(*) FROM eval_subject WHERE round_id = ?", round_id);
	int count = 0;
	double sum = weight_sum(ctx->db, sc->id, 0, &count);
	if (!count || fabs(sum - 100.0) > 1e-6) {
		snprintf(ctx->message, sizeof(ctx->message),
		         "评价方案各维度权重之和为%g，须为100才能发布", sum);
		return XZ_ERR_VALIDATION;
	}
	if (!subjects) {
		snprintf(ctx->message, sizeof(ctx->message), "本轮次还没有评价对象，不能发布");
		return XZ_ERR_VALIDATION;
	}
	enum xz_result r = store_prepare(
	    ctx->db,
	    "SELECT s.id, s.name, d.name FROM eval_subject s JOIN eval_dimension d"
	    " ON d.scheme_id = ? WHERE s.round_id = ? AND NOT EXISTS (SELECT 1 FROM eval_score x"
	    " WHERE x.subject_id = s.id AND x.dimension_id = d.id)"
	    " ORDER BY s.id, coalesce(d.sort_order, 0), d.id",
	    &st);
	if (r)
		return r;
	store_bind_int(st, 1, sc->id);
	store_bind_int(st, 2, round_id);
	int missing = 0;
	while (store_step(st) == STORE_ROW) {
		if (missing++ < 50)
			detail(ctx, 0, "scores", "missing", "%s（ID %" PRId64 "）缺少“%s”的评分",
			       store_column_text(st, 1), store_column_int(st, 0),
			       store_column_text(st, 2));
	}
	store_finalize(st);
	if (missing) {
		snprintf(
		    ctx->message, sizeof(ctx->message),
		    "还有%d项评分未录入（每个评价对象在每个维度至少须有一名评价人打分），不能发布",
		    missing);
		return XZ_ERR_VALIDATION;
	}
	return XZ_OK;
}

enum xz_result evaluation_publish(struct engine_ctx *ctx, int64_t round_id, json_t **out)
{
	json_t *round = NULL;
	const char *status = NULL;
	struct scheme sc = {0};
	struct store_stmt *st = NULL;
	bool in_tx = false;
	char now[32];
	*out = NULL;
	enum xz_result r = XZ_ERR_FORBIDDEN;
	if (!ctx->actor->city_wide) {
		snprintf(ctx->message, sizeof(ctx->message), "季季评结果由市级用户发布");
		goto out;
	}
	if ((r = store_begin(ctx->db)))
		goto out;
	in_tx = true;
	if ((r = round_get(ctx, round_id, &round, &status)))
		goto out;
	if (strcmp(status, "评分中")) {
		r = XZ_ERR_CONFLICT;
		snprintf(ctx->message, sizeof(ctx->message),
		         !strcmp(status, "已发布") ? "该季季评轮次已发布，不能重复发布"
		                                   : "该季季评轮次尚未开始评分，不能发布");
		goto out;
	}
	if ((r = scheme_load(ctx, jid(json_object_get(round, "scheme_id")), &sc)) ||
	    (r = check_complete(ctx, round_id, &sc)))
		goto out;
	util_now_iso(now, sizeof(now));
	if ((r = store_prepare(ctx->db,
	                       "UPDATE eval_round SET status = '已发布', version = version + 1,"
	                       " updated_at = ? WHERE id = ? AND status = '评分中'",
	                       &st)))
		goto out;
	store_bind_text(st, 1, now);
	store_bind_int(st, 2, round_id);
	if (store_step(st) != STORE_DONE || store_changes(ctx->db) != 1) {
		r = XZ_ERR_CONFLICT;
		goto out;
	}
	store_finalize(st);
	if ((r = store_prepare(ctx->db,
	                       "INSERT INTO workflow_step (entity, entity_id, action, label,"
	                       " from_state, to_state, user_id, username, role, comment, ts)"
	                       " VALUES ('eval_round', ?, 'publish', '发布', '评分中', '已发布',"
	                       " ?, ?, ?, NULL, ?)",
	                       &st)))
		goto out;
	store_bind_int(st, 1, round_id);
	if (ctx->actor->user_id)
		store_bind_int(st, 2, ctx->actor->user_id);
	else
		store_bind_null(st, 2);
	store_bind_text(st, 3, ctx->actor->username);
	store_bind_text(st, 4, ctx->actor->role);
	store_bind_text(st, 5, now);
	if (store_step(st) != STORE_DONE) {
		r = store_stmt_result(st);
		goto out;
	}
	if ((r = audit_write(ctx->db, ctx->actor, "publish", "eval_round", round_id, "ok", NULL)) ||
	    (r = store_commit(ctx->db)))
		goto out;
	in_tx = false;
	r = evaluation_results(ctx, round_id, out);
out:
	store_finalize(st);
	if (in_tx)
		store_rollback(ctx->db);
	scheme_free(&sc);
	json_decref(round);
	return r;
}

/* ---- 攻坚成效 from key projects ---- */

enum xz_result evaluation_fill_projects(struct engine_ctx *ctx, int64_t round_id, json_t **out)
{
	json_t *round = NULL, *visible = NULL;
	const char *status = NULL;
	struct scheme sc = {0};
	struct store_stmt *st = NULL;
	struct upsert_count n = {0};
	bool in_tx = false;
	int64_t dim = 0;
	int filled = 0, projects = 0;
	*out = NULL;
	enum xz_result r = store_begin(ctx->db);
	if (r)
		goto out;
	in_tx = true;
	if ((r = round_get(ctx, round_id, &round, &status)) || (r = check_scoring(ctx, status)) ||
	    (r = scheme_load(ctx, jid(json_object_get(round, "scheme_id")), &sc)) ||
	    (r = visible_subjects(ctx, round_id, &visible)))
		goto out;
	for (size_t d = 0; d < sc.ndims && !dim; d++)
		if (sc.dims[d].from_projects)
			dim = sc.dims[d].id;
	if (!dim) {
		r = XZ_ERR_VALIDATION;
		snprintf(ctx->message, sizeof(ctx->message),
		         "评价方案中没有标记为“由攻坚项目生成”的维度");
		goto out;
	}
	int year = (int)jid(json_object_get(round, "year")) % 10000;
	int q = (int)jid(json_object_get(round, "quarter"));
	if (q < 1 || q > 4)
		q = 1;
	static const char *const ends[] = {"03-31", "06-30", "09-30", "12-31"};
	char from[32], to[32];
	snprintf(from, sizeof(from), "%04d-%02d-01", year, (q - 1) * 3 + 1);
	snprintf(to, sizeof(to), "%04d-%s", year, ends[(q - 1) & 3]);
	if ((r = store_prepare(
	         ctx->db,
	         "SELECT s.id, sum(CASE WHEN m.role = '牵头' THEN 1 ELSE 0 END),"
	         " sum(CASE WHEN m.role = '牵头' THEN 0 ELSE 1 END)"
	         " FROM eval_subject s JOIN project_member m ON m.cadre_id = s.cadre_id"
	         " JOIN project p ON p.id = m.project_id WHERE s.round_id = ? AND"
	         " p.deleted_at IS NULL AND p.status = '已完成' AND p.end_date >= ? AND"
	         " p.end_date <= ? GROUP BY s.id ORDER BY s.id",
	         &st)))
		goto out;
	store_bind_int(st, 1, round_id);
	store_bind_text(st, 2, from);
	store_bind_text(st, 3, to);
	/* collect first: the upserts must not run under an open statement */
	json_t *rows = json_array();
	while (store_step(st) == STORE_ROW)
		json_array_append_new(rows,
		                      json_pack("[I, I, I]", (json_int_t)store_column_int(st, 0),
		                                (json_int_t)store_column_int(st, 1),
		                                (json_int_t)store_column_int(st, 2)));
	store_finalize(st);
	st = NULL;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		int64_t subject = json_integer_value(json_array_get(row, 0));
		int64_t lead = json_integer_value(json_array_get(row, 1));
		int64_t member = json_integer_value(json_array_get(row, 2));
		if (!has_id(visible, subject))
			continue;
		double score = fmin(100.0, 70.0 + 15.0 * (double)lead + 10.0 * (double)member);
		if ((r = upsert(ctx, round_id, subject, EVAL_PROJECT_EVALUATOR, dim, score, &n)))
			break;
		filled++;
		projects += (int)(lead + member);
	}
	json_decref(rows);
	if (r)
		goto out;
	json_t *d = json_pack("{s:I, s:i, s:i}", "dimension_id", (json_int_t)dim, "filled", filled,
	                      "projects", projects);
	r = audit_write(ctx->db, ctx->actor, "eval_fill_projects", "eval_round", round_id, "ok", d);
	json_decref(d);
	if (r || (r = store_commit(ctx->db)))
		goto out;
	in_tx = false;
	*out = json_pack("{s:I, s:i, s:i, s:s, s:s, s:s}", "dimension_id", (json_int_t)dim,
	                 "filled", filled, "projects", projects, "from", from, "to", to, "rule",
	                 "本季度内结束且状态为“已完成”的百项攻坚项目：基础70分，每牵头一项加15分，"
	                 "每参与一项加10分，最高100分；评价人记为“" EVAL_PROJECT_EVALUATOR "”");
out:
	store_finalize(st);
	if (in_tx)
		store_rollback(ctx->db);
	scheme_free(&sc);
	json_decref(round);
	json_decref(visible);
	return r;
}

/* ---- yearly roll-up ---- */

static void add_quarter(json_t *by_key, json_t *order, json_t *item, int64_t round_id, int q)
{
	char key[320];
	json_t *cadre = json_object_get(item, "cadre_id");
	if (json_is_integer(cadre))
		snprintf(key, sizeof(key), "c%" PRId64, (int64_t)json_integer_value(cadre));
	else
		snprintf(key, sizeof(key), "t%s\x1f%s",
		         json_string_value(json_object_get(item, "name")),
		         json_string_value(json_object_get(item, "unit")));
	json_t *e = json_object_get(by_key, key);
	if (!e) {
		e = json_pack("{s:O, s:O, s:O, s:O, s:[], s:{}}", "name",
		              json_object_get(item, "name"), "unit", json_object_get(item, "unit"),
		              "peer_group", json_object_get(item, "peer_group"), "cadre_id", cadre,
		              "quarters", "grades");
		json_object_set_new(by_key, key, e);
		json_array_append_new(order, json_string(key));
	}
	json_array_append_new(json_object_get(e, "quarters"),
	                      json_pack("{s:I, s:i, s:O, s:O, s:O, s:O}", "round_id",
	                                (json_int_t)round_id, "quarter", q, "total",
	                                json_object_get(item, "total"), "rank",
	                                json_object_get(item, "rank"), "group_size",
	                                json_object_get(item, "group_size"), "grade",
	                                json_object_get(item, "grade")));
	json_t *gc = json_object_get(e, "grades");
	const char *g = json_string_value(json_object_get(item, "grade"));
	json_object_set_new(gc, g, json_integer(json_integer_value(json_object_get(gc, g)) + 1));
}

static void finish_subject(json_t *e)
{
	json_t *qs = json_object_get(e, "quarters"), *q, *best = NULL, *worst = NULL;
	size_t i;
	double sum = 0;
	json_array_foreach(qs, i, q)
	{
		double t = json_number_value(json_object_get(q, "total"));
		sum += t;
		if (!best || t > json_number_value(json_object_get(best, "total")))
			best = q;
		if (!worst || t < json_number_value(json_object_get(worst, "total")))
			worst = q;
	}
	size_t n = json_array_size(qs);
	json_object_set_new(e, "average", json_real(n ? round2(sum / (double)n) : 0));
	json_object_set_new(e, "best_quarter",
	                    best ? json_incref(json_object_get(best, "quarter")) : json_null());
	json_object_set_new(e, "worst_quarter",
	                    worst ? json_incref(json_object_get(worst, "quarter")) : json_null());
}

static int yearly_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	double p = json_number_value(json_object_get(x, "average"));
	double q = json_number_value(json_object_get(y, "average"));
	if (p != q)
		return p > q ? -1 : 1;
	int c = strcmp(json_string_value(json_object_get(x, "peer_group")),
	               json_string_value(json_object_get(y, "peer_group")));
	return c ? c
	         : strcmp(json_string_value(json_object_get(x, "name")),
	                  json_string_value(json_object_get(y, "name")));
}

enum xz_result evaluation_yearly(struct engine_ctx *ctx, int year, const char *target, json_t **out)
{
	struct store_stmt *st = NULL;
	json_t *rounds = json_array(), *by_key = json_object(), *order = json_array();
	json_t *grades = json_array();
	*out = NULL;
	enum xz_result r = store_prepare(
	    ctx->db,
	    "SELECT r.id, r.quarter, r.title FROM eval_round r JOIN eval_scheme s ON s.id ="
	    " r.scheme_id WHERE r.deleted_at IS NULL AND r.status = '已发布' AND r.year = ? AND"
	    " (? IS NULL OR s.target = ?) ORDER BY r.quarter, r.id",
	    &st);
	if (r)
		goto out;
	store_bind_int(st, 1, year);
	store_bind_text(st, 2, target);
	store_bind_text(st, 3, target);
	while (store_step(st) == STORE_ROW)
		json_array_append_new(rounds, json_pack("{s:I, s:i, s:s}", "id",
		                                        (json_int_t)store_column_int(st, 0),
		                                        "quarter", (int)store_column_int(st, 1),
		                                        "title", store_column_text(st, 2)));
	store_finalize(st);
	size_t i, k;
	json_t *rd, *it;
	json_array_foreach(rounds, i, rd)
	{
		json_t *res = NULL;
		int64_t id = json_integer_value(json_object_get(rd, "id"));
		if ((r = evaluation_results(ctx, id, &res)))
			goto out;
		json_array_foreach(json_object_get(json_object_get(res, "scheme"), "grades"), k, it)
		{
			bool have = false;
			size_t j;
			json_t *g;
			json_array_foreach(grades, j, g) have |=
			    json_equal(g, json_object_get(it, "name"));
			if (!have)
				json_array_append(grades, json_object_get(it, "name"));
		}
		int q = (int)json_integer_value(json_object_get(rd, "quarter"));
		json_array_foreach(json_object_get(res, "items"), k, it)
		    add_quarter(by_key, order, it, id, q);
		json_decref(res);
	}
	size_t n = json_array_size(order);
	json_t **list = xmalloc((n ? n : 1) * sizeof(*list));
	json_array_foreach(order, i, it)
	{
		list[i] = json_object_get(by_key, json_string_value(it));
		finish_subject(list[i]);
	}
	qsort(list, n, sizeof(*list), yearly_cmp);
	json_t *items = json_array();
	for (i = 0; i < n; i++)
		json_array_append(items, list[i]);
	free(list);
	*out = json_pack("{s:i, s:s?, s:O, s:O, s:o, s:s}", "year", year, "target", target,
	                 "rounds", rounds, "grades", grades, "items", items, "rule",
	                 "只统计已发布的季季评；平均分为参评各季度总分的平均；"
	                 "最好、最差季度按总分，同分取较早的季度");
out:
	json_decref(rounds);
	json_decref(by_key);
	json_decref(order);
	json_decref(grades);
	return r;
}

/* ---- exports ---- */

static enum xz_result write_rows(struct table_writer *w, const char *const *cells)
{
	return table_writer_row(w, cells);
}

static enum xz_result finish_writer(struct engine_ctx *ctx, struct table_writer *w,
                                    enum xz_result r, char **data, size_t *len)
{
	if (!r)
		r = table_writer_finish(w, data, len);
	if (r) {
		if (w && table_writer_error(w)[0])
			snprintf(ctx->message, sizeof(ctx->message), "%s", table_writer_error(w));
		table_writer_free(w);
	}
	return r;
}

enum xz_result evaluation_results_xlsx(struct engine_ctx *ctx, int64_t round_id, char **data,
                                       size_t *len)
{
	json_t *res = NULL;
	struct table_writer *w = NULL;
	struct table_column *cols = NULL;
	char **cells = NULL;
	size_t ncols = 0;
	enum xz_result r = evaluation_results(ctx, round_id, &res);
	if (r)
		return r;
	json_t *dims = json_object_get(res, "dimensions");
	size_t nd = json_array_size(dims);
	ncols = 3 + nd + 6;
	cols = xmalloc(ncols * sizeof(*cols));
	cells = xmalloc(ncols * sizeof(*cells));
	char(*names)[80] = xmalloc((nd ? nd : 1) * sizeof(*names));
	size_t c = 0;
	cols[c++] = (struct table_column){"比较组", CELL_TEXT, 14, NULL};
	cols[c++] = (struct table_column){"评价对象", CELL_TEXT, 16, NULL};
	cols[c++] = (struct table_column){"单位", CELL_TEXT, 28, NULL};
	for (size_t d = 0; d < nd; d++) {
		json_t *dim = json_array_get(dims, d);
		snprintf(names[d], sizeof(names[d]), "%s(%g%%)",
		         json_string_value(json_object_get(dim, "name")),
		         json_number_value(json_object_get(dim, "weight")));
		cols[c++] = (struct table_column){names[d], CELL_NUMBER, 12, NULL};
	}
	cols[c++] = (struct table_column){"总分", CELL_NUMBER, 10, NULL};
	cols[c++] = (struct table_column){"组内排名", CELL_TEXT, 10, NULL};
	cols[c++] = (struct table_column){"等次", CELL_TEXT, 8, NULL};
	cols[c++] = (struct table_column){"评价人数", CELL_NUMBER, 10, NULL};
	cols[c++] = (struct table_column){"状态", CELL_TEXT, 10, NULL};
	cols[c++] = (struct table_column){"当季问题（按期/逾期办结/逾期未结）", CELL_TEXT, 22, NULL};
	json_t *round = json_object_get(res, "round");
	char title[200];
	snprintf(title, sizeof(title), "%s（%s）",
	         json_string_value(json_object_get(round, "title")),
	         json_string_value(json_object_get(round, "status")));
	if ((r = table_writer_open(TABLE_XLSX, "季季评结果", title, cols, ncols, &w)))
		goto out;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(res, "items"), i, it)
	{
		char buf[16][32];
		size_t b = 0;
		c = 0;
		cells[c++] = (char *)json_string_value(json_object_get(it, "peer_group"));
		cells[c++] = (char *)json_string_value(json_object_get(it, "name"));
		cells[c++] = (char *)json_string_value(json_object_get(it, "unit"));
		for (size_t d = 0; d < nd; d++) {
			json_t *v = json_array_get(json_object_get(it, "scores"), d);
			if (json_is_number(v) && b < 16) {
				snprintf(buf[b], sizeof(buf[b]), "%.2f", json_number_value(v));
				cells[c++] = buf[b++];
			} else {
				cells[c++] = NULL;
			}
		}
		char total[32], rank[32], nev[16];
		snprintf(total, sizeof(total), "%.2f",
		         json_number_value(json_object_get(it, "total")));
		snprintf(rank, sizeof(rank), "%d/%d",
		         (int)json_integer_value(json_object_get(it, "rank")),
		         (int)json_integer_value(json_object_get(it, "group_size")));
		snprintf(nev, sizeof(nev), "%d",
		         (int)json_integer_value(json_object_get(it, "evaluators")));
		cells[c++] = total;
		cells[c++] = rank;
		cells[c++] = (char *)json_string_value(json_object_get(it, "grade"));
		cells[c++] = nev;
		cells[c++] =
		    json_is_true(json_object_get(it, "complete")) ? "评分完整" : "评分不全";
		/* 进园助企 evidence: the cadre's problems due in the quarter */
		json_t *pr = json_object_get(it, "problems");
		char problems[64] = "";
		if (json_integer_value(json_object_get(pr, "total")))
			snprintf(problems, sizeof(problems), "%lld/%lld/%lld",
			         (long long)json_integer_value(json_object_get(pr, "closed_on_time")),
			         (long long)json_integer_value(json_object_get(pr, "closed_late")),
			         (long long)json_integer_value(json_object_get(pr, "open_overdue")));
		cells[c++] = problems;
		if ((r = write_rows(w, (const char *const *)cells)))
			goto out;
	}
	const char *lines[] = {
	    json_string_value(json_object_get(json_object_get(res, "scheme"), "rule"))};
	r = table_writer_instructions(w, lines, 1);
out:
	r = finish_writer(ctx, w, r, data, len);
	free(names);
	free(cols);
	free(cells);
	json_decref(res);
	return r;
}

enum xz_result evaluation_yearly_xlsx(struct engine_ctx *ctx, int year, const char *target,
                                      char **data, size_t *len)
{
	json_t *res = NULL;
	struct table_writer *w = NULL;
	enum xz_result r = evaluation_yearly(ctx, year, target, &res);
	if (r)
		return r;
	static const struct table_column cols[] = {
	    {"评价对象", CELL_TEXT, 16, NULL},   {"单位", CELL_TEXT, 28, NULL},
	    {"比较组", CELL_TEXT, 14, NULL},     {"第一季度", CELL_NUMBER, 10, NULL},
	    {"第二季度", CELL_NUMBER, 10, NULL}, {"第三季度", CELL_NUMBER, 10, NULL},
	    {"第四季度", CELL_NUMBER, 10, NULL}, {"平均分", CELL_NUMBER, 10, NULL},
	    {"等次分布", CELL_TEXT, 24, NULL},   {"最好季度", CELL_TEXT, 10, NULL},
	    {"最差季度", CELL_TEXT, 10, NULL}};
	enum { NC = sizeof(cols) / sizeof(cols[0]) };
	char title[120];
	snprintf(title, sizeof(title), "%d年度季季评汇总%s%s", year, target ? "（" : "",
	         target ? target : "");
	if (target)
		snprintf(title + strlen(title), sizeof(title) - strlen(title), "）");
	if ((r = table_writer_open(TABLE_XLSX, "年度汇总", title, cols, NC, &w)))
		goto out;
	static const char *const qnames[] = {"", "第一季度", "第二季度", "第三季度", "第四季度"};
	size_t i, k;
	json_t *it, *q;
	json_array_foreach(json_object_get(res, "items"), i, it)
	{
		char qs[4][32] = {"", "", "", ""}, avg[32], dist[200] = "";
		const char *cells[NC] = {0};
		json_array_foreach(json_object_get(it, "quarters"), k, q)
		{
			int n = (int)json_integer_value(json_object_get(q, "quarter"));
			if (n >= 1 && n <= 4)
				snprintf(qs[n - 1], sizeof(qs[n - 1]), "%.2f",
				         json_number_value(json_object_get(q, "total")));
		}
		json_t *g;
		json_array_foreach(json_object_get(res, "grades"), k, g)
		{
			json_int_t cnt = json_integer_value(
			    json_object_get(json_object_get(it, "grades"), json_string_value(g)));
			if (cnt)
				snprintf(dist + strlen(dist), sizeof(dist) - strlen(dist),
				         "%s%s%lld", dist[0] ? " " : "", json_string_value(g),
				         (long long)cnt);
		}
		snprintf(avg, sizeof(avg), "%.2f",
		         json_number_value(json_object_get(it, "average")));
		int best = (int)json_integer_value(json_object_get(it, "best_quarter"));
		int worst = (int)json_integer_value(json_object_get(it, "worst_quarter"));
		cells[0] = json_string_value(json_object_get(it, "name"));
		cells[1] = json_string_value(json_object_get(it, "unit"));
		cells[2] = json_string_value(json_object_get(it, "peer_group"));
		for (int j = 0; j < 4; j++)
			cells[3 + j] = qs[j][0] ? qs[j] : NULL;
		cells[7] = avg;
		cells[8] = dist;
		cells[9] = best >= 1 && best <= 4 ? qnames[best] : NULL;
		cells[10] = worst >= 1 && worst <= 4 ? qnames[worst] : NULL;
		if ((r = write_rows(w, cells)))
			goto out;
	}
	const char *lines[] = {json_string_value(json_object_get(res, "rule"))};
	r = table_writer_instructions(w, lines, 1);
out:
	r = finish_writer(ctx, w, r, data, len);
	json_decref(res);
	return r;
}
