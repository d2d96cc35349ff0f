/*
 * 进园助企大走访 problem ledger (see problem.h): the validation hook of a
 * problem, the ledger with its summary and breakdowns, its workbook, and the
 * evidence of a cadre's problems for 季季评 and the portrait. The ledger is
 * one scoped SQL query (the problem's scope path through its enterprise,
 * query_scope_as) whose rows are classified and counted here.
 */
#include "domain/problem.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/util.h"
#include "core/valid.h"
#include "engine/query.h"
#include "io/table.h"
#include "model/entities.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- validation ---- */

void problem_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                      struct model_errors *errs)
{
	(void)e, (void)id;
	const char *found = json_string_value(json_object_get(row, "found_date"));
	const char *deadline = json_string_value(json_object_get(row, "deadline"));
	if (found && deadline && strcmp(deadline, found) < 0)
		model_error(errs, "deadline", "before_found",
		            "办结时限（%s）不能早于发现日期（%s）", deadline, found);
	int64_t enterprise = json_integer_value(json_object_get(row, "enterprise_id"));
	json_t *visit = json_object_get(row, "visit_id");
	if (json_is_integer(visit)) {
		struct store_stmt *st = NULL;
		if (!store_prepare(db, "SELECT enterprise_id FROM visit WHERE id = ?", &st)) {
			store_bind_int(st, 1, json_integer_value(visit));
			if (store_step(st) == STORE_ROW && store_column_int(st, 0) != enterprise)
				model_error(
				    errs, "visit_id", "other_enterprise",
				    "来源走访走访的是另一家企业：问题的企业须与走访企业一致");
			store_finalize(st);
		}
	}
	/* an empty chain takes the enterprise's, when its segments lie on one chain */
	json_t *chain = json_object_get(row, "chain_id");
	if (enterprise && (!chain || json_is_null(chain))) {
		struct store_stmt *st = NULL;
		if (!store_prepare(db,
		                   "SELECT DISTINCT s.chain_id FROM enterprise_segment es"
		                   " JOIN segment s ON s.id = es.segment_id"
		                   " WHERE es.enterprise_id = ? AND s.deleted_at IS NULL LIMIT 2",
		                   &st)) {
			store_bind_int(st, 1, enterprise);
			int64_t found_chain = 0;
			int n = 0;
			while (store_step(st) == STORE_ROW) {
				found_chain = store_column_int(st, 0);
				n++;
			}
			store_finalize(st);
			if (n == 1)
				json_object_set_new(row, "chain_id", json_integer(found_chain));
		}
	}
}

/* ---- dates ---- */

static long days_between(const char *a, const char *b)
{
	struct tm ta = {0}, tb = {0};
	if (!a || !b || sscanf(a, "%4d-%2d-%2d", &ta.tm_year, &ta.tm_mon, &ta.tm_mday) != 3 ||
	    sscanf(b, "%4d-%2d-%2d", &tb.tm_year, &tb.tm_mon, &tb.tm_mday) != 3)
		return 0;
	ta.tm_year -= 1900, tb.tm_year -= 1900, ta.tm_mon--, tb.tm_mon--;
	return (long)((timegm(&tb) - timegm(&ta)) / 86400);
}

void problem_quarter_range(int year, int quarter, char from[11], char to[11])
{
	static const char *const ends[] = {"03-31", "06-30", "09-30", "12-31"};
	if (quarter < 1 || quarter > 4)
		quarter = 1;
	if (year < 1000 || year > 9999)
		year = 2000;
	snprintf(from, 11, "%04d-%02d-01", year, ((quarter - 1) * 3 + 1) % 100);
	snprintf(to, 11, "%04d-%.5s", year, ends[quarter - 1]);
}

static bool is_closed(const char *status)
{
	return status && (!strcmp(status, "已办结") || !strcmp(status, "已回访"));
}

static bool is_open(const char *status)
{
	return status && (!strcmp(status, "待受理") || !strcmp(status, "办理中"));
}

/* 逾期未办结, 逾期办结 or NULL, with the days late */
static const char *late_kind(const char *status, const char *deadline, const char *closed,
                             const char *today, long *days)
{
	*days = 0;
	if (is_open(status) && deadline && strcmp(deadline, today) < 0) {
		*days = days_between(deadline, today);
		return "逾期未办结";
	}
	if (is_closed(status) && closed && deadline && strcmp(closed, deadline) > 0) {
		*days = days_between(deadline, closed);
		return "逾期办结";
	}
	return NULL;
}

static double round1(double v)
{
	return (double)(long long)(v * 10 + (v >= 0 ? 0.5 : -0.5)) / 10;
}

/* ---- breakdowns ---- */

struct agg {
	char name[160];
	int64_t id;
	int total, closed, open, returned, overdue, late;
	int days_n;
	double days_sum;
};

struct aggs {
	struct agg *v;
	size_t n, cap;
};

static struct agg *agg_of(struct aggs *a, int64_t id, const char *name)
{
	if (!name || !*name)
		name = "（未填）";
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].id == id && !strcmp(a->v[i].name, name))
			return &a->v[i];
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	struct agg *g = &a->v[a->n++];
	memset(g, 0, sizeof(*g));
	g->id = id;
	snprintf(g->name, sizeof(g->name), "%s", name);
	return g;
}

static void agg_add(struct agg *g, const char *status, const char *late, long close_days,
                    bool has_close_days)
{
	g->total++;
	if (is_closed(status)) {
		g->closed++;
		if (has_close_days) {
			g->days_n++;
			g->days_sum += (double)close_days;
		}
	} else if (is_open(status)) {
		g->open++;
	} else {
		g->returned++;
	}
	if (late && !strcmp(late, "逾期未办结"))
		g->overdue++;
	else if (late)
		g->late++;
}

static json_t *agg_stats(const struct agg *g)
{
	json_t *o =
	    json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:f}", "name", g->name, "total",
	              g->total, "closed", g->closed, "open", g->open, "returned", g->returned,
	              "overdue", g->overdue, "closed_late", g->late, "closure_rate",
	              g->total ? round1(100.0 * g->closed / g->total) : 0.0);
	json_object_set_new(o, "avg_days",
	                    g->days_n ? json_real(round1(g->days_sum / g->days_n)) : json_null());
	return o;
}

static int agg_cmp(const void *a, const void *b)
{
	const struct agg *x = a, *y = b;
	if (x->total != y->total)
		return y->total - x->total;
	return strcmp(x->name, y->name);
}

static json_t *aggs_json(struct aggs *a, bool with_id)
{
	if (a->n)
		qsort(a->v, a->n, sizeof(*a->v), agg_cmp);
	json_t *arr = json_array();
	for (size_t i = 0; i < a->n; i++) {
		json_t *o = agg_stats(&a->v[i]);
		if (with_id)
			json_object_set_new(o, "id",
			                    a->v[i].id ? json_integer(a->v[i].id) : json_null());
		json_array_append_new(arr, o);
	}
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
	return arr;
}

/* ---- the query ---- */

struct filters {
	int64_t region_id, chain_id, owner, visit;
	const char *resp_unit, *category, *status, *from, *to;
	bool overdue_only;
};

static bool parse_id(const char *v, int64_t *out)
{
	char *end = NULL;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || n <= 0)
		return false;
	*out = n;
	return true;
}

static bool in_enum(const struct entity *e, const char *field, const char *v)
{
	const struct field *f = model_field(e, field);
	for (const char *const *s = f ? f->enum_values : NULL; s && *s; s++)
		if (!strcmp(*s, v))
			return true;
	return false;
}

static enum xz_result parse_filters(struct engine_ctx *ctx, const struct kv *params, size_t nparams,
                                    struct filters *f)
{
	const struct entity *e = model_find("problem");
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < nparams; i++) {
		const char *k = params[i].key, *v = params[i].value ? params[i].value : "";
		bool ok = true;
		if (!*v || !strcmp(k, "format"))
			continue;
		if (!strcmp(k, "region_id"))
			ok = parse_id(v, &f->region_id);
		else if (!strcmp(k, "region")) /* a region by its GB/T 2260 code */
			ok = (f->region_id = engine_find_id(ctx->db, model_find("region"), "code", v)) > 0;
		else if (!strcmp(k, "chain_id"))
			ok = parse_id(v, &f->chain_id);
		else if (!strcmp(k, "owner_cadre_id"))
			ok = parse_id(v, &f->owner);
		else if (!strcmp(k, "visit_id"))
			ok = parse_id(v, &f->visit);
		else if (!strcmp(k, "resp_unit"))
			f->resp_unit = v;
		else if (!strcmp(k, "category"))
			ok = in_enum(e, "category", (f->category = v));
		else if (!strcmp(k, "status"))
			ok = in_enum(e, "status", (f->status = v));
		else if (!strcmp(k, "from"))
			ok = valid_date(f->from = v);
		else if (!strcmp(k, "to"))
			ok = valid_date(f->to = v);
		else if (!strcmp(k, "overdue"))
			f->overdue_only = !strcmp(v, "1") || !strcmp(v, "true");
		else {
			model_error(&ctx->errs, k, "unknown_parameter", "未知的参数“%s”", k);
			continue;
		}
		if (!ok)
			model_error(&ctx->errs, k, "invalid", "参数“%s”的值“%s”无效", k, v);
	}
	if (json_array_size(ctx->errs.details)) {
		snprintf(ctx->message, sizeof(ctx->message), "台账筛选条件有误");
		return XZ_ERR_BAD_REQUEST;
	}
	return XZ_OK;
}

enum col {
	C_ID,
	C_ENT_ID,
	C_ENT,
	C_VISIT,
	C_CHAIN_ID,
	C_CHAIN,
	C_REGION_ID,
	C_REGION,
	C_CATEGORY,
	C_DESC,
	C_MEASURE,
	C_UNIT,
	C_OWNER_ID,
	C_OWNER,
	C_FOUND,
	C_DEADLINE,
	C_STATUS,
	C_ACCEPTED,
	C_CLOSED,
	C_SATISFACTION,
	C_NCOLS
};

static enum xz_result query_rows(struct engine_ctx *ctx, const struct filters *f,
                                 struct store_stmt **out)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	buf_puts(&sql,
	         "SELECT p.id, p.enterprise_id, en.name, p.visit_id, p.chain_id, ch.name, d.id,"
	         " d.name, p.category, p.description, p.countermeasure, p.resp_unit,"
	         " p.owner_cadre_id, pe.name, p.found_date, p.deadline, p.status, p.accepted_date,"
	         " p.closed_date, p.satisfaction"
	         " FROM problem p JOIN enterprise en ON en.id = p.enterprise_id"
	         " JOIN region r ON r.id = en.region_id"
	         " LEFT JOIN region d ON d.id = (SELECT min(id) FROM region WHERE"
	         "  code = substr(r.code, 1, 6) AND deleted_at IS NULL)"
	         " LEFT JOIN chain ch ON ch.id = p.chain_id"
	         " LEFT JOIN cadre c ON c.id = p.owner_cadre_id"
	         " LEFT JOIN person pe ON pe.id = c.person_id"
	         " WHERE p.deleted_at IS NULL");
	if (f->region_id) {
		buf_puts(&sql, " AND r.code LIKE (SELECT CASE WHEN length(code) = 6 AND"
		               " substr(code, 5, 2) = '00' THEN substr(code, 1, 4) ELSE code END"
		               " FROM region WHERE id = ?) || '%'");
		params_int(&p, f->region_id);
	}
	if (f->chain_id) {
		buf_puts(&sql, " AND p.chain_id = ?");
		params_int(&p, f->chain_id);
	}
	if (f->owner) {
		buf_puts(&sql, " AND p.owner_cadre_id = ?");
		params_int(&p, f->owner);
	}
	if (f->visit) {
		buf_puts(&sql, " AND p.visit_id = ?");
		params_int(&p, f->visit);
	}
	if (f->resp_unit) {
		buf_puts(&sql, " AND p.resp_unit = ?");
		params_text(&p, f->resp_unit);
	}
	if (f->category) {
		buf_puts(&sql, " AND p.category = ?");
		params_text(&p, f->category);
	}
	if (f->status) {
		buf_puts(&sql, " AND p.status = ?");
		params_text(&p, f->status);
	}
	if (f->from) {
		buf_puts(&sql, " AND p.found_date >= ?");
		params_text(&p, f->from);
	}
	if (f->to) {
		buf_puts(&sql, " AND p.found_date <= ?");
		params_text(&p, f->to);
	}
	query_scope_as(model_find("problem"), ctx->actor, "p", &sql, &p);
	buf_puts(&sql, " ORDER BY p.deadline, p.id");
	enum xz_result r = store_prepare(ctx->db, buf_cstr(&sql), out);
	if (!r)
		params_bind(&p, *out, 1);
	buf_free(&sql);
	params_free(&p);
	return r;
}

static json_t *text_or_null(struct store_stmt *st, int col)
{
	const char *s = store_column_text(st, col);
	return s ? json_string(s) : json_null();
}

static json_t *id_or_null(struct store_stmt *st, int col)
{
	int64_t v = store_column_int(st, col);
	return v ? json_integer(v) : json_null();
}

static int item_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int ox = json_is_true(json_object_get(x, "overdue"));
	int oy = json_is_true(json_object_get(y, "overdue"));
	if (ox != oy)
		return oy - ox;
	int c = strcmp(json_string_value(json_object_get(x, "deadline")),
	               json_string_value(json_object_get(y, "deadline")));
	if (c)
		return c;
	json_int_t ix = json_integer_value(json_object_get(x, "id"));
	json_int_t iy = json_integer_value(json_object_get(y, "id"));
	return ix < iy ? -1 : ix > iy;
}

static json_t *filters_json(const struct filters *f)
{
	json_t *o = json_object();
	if (f->region_id)
		json_object_set_new(o, "region_id", json_integer(f->region_id));
	if (f->chain_id)
		json_object_set_new(o, "chain_id", json_integer(f->chain_id));
	if (f->owner)
		json_object_set_new(o, "owner_cadre_id", json_integer(f->owner));
	if (f->visit)
		json_object_set_new(o, "visit_id", json_integer(f->visit));
	if (f->resp_unit)
		json_object_set_new(o, "resp_unit", json_string(f->resp_unit));
	if (f->category)
		json_object_set_new(o, "category", json_string(f->category));
	if (f->status)
		json_object_set_new(o, "status", json_string(f->status));
	if (f->from)
		json_object_set_new(o, "from", json_string(f->from));
	if (f->to)
		json_object_set_new(o, "to", json_string(f->to));
	if (f->overdue_only)
		json_object_set_new(o, "overdue", json_true());
	return o;
}

enum xz_result problem_ledger(struct engine_ctx *ctx, const struct kv *params, size_t nparams,
                              json_t **out)
{
	struct filters f;
	struct store_stmt *st = NULL;
	char today[16];
	*out = NULL;
	enum xz_result r = parse_filters(ctx, params, nparams, &f);
	if (r || (r = query_rows(ctx, &f, &st)))
		return r;
	util_today(today, sizeof(today));
	struct agg all = {0};
	struct aggs by_region = {0}, by_chain = {0}, by_unit = {0}, by_category = {0};
	json_t *by_status = json_object();
	json_t *sat = json_pack("{s:i, s:i, s:i}", "满意", 0, "基本满意", 0, "不满意", 0);
	size_t n = 0, cap = 0;
	json_t **items = NULL;
	int rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		const char *status = store_column_text(st, C_STATUS);
		const char *deadline = store_column_text(st, C_DEADLINE);
		const char *closed = store_column_text(st, C_CLOSED);
		const char *found = store_column_text(st, C_FOUND);
		long days;
		const char *late = late_kind(status, deadline, closed, today, &days);
		bool overdue = late && !strcmp(late, "逾期未办结");
		if (f.overdue_only && !overdue)
			continue;
		bool has_close = is_closed(status) && closed && found;
		long close_days = has_close ? days_between(found, closed) : 0;
		agg_add(&all, status, late, close_days, has_close);
		agg_add(agg_of(&by_region, store_column_int(st, C_REGION_ID),
		               store_column_text(st, C_REGION)),
		        status, late, close_days, has_close);
		agg_add(agg_of(&by_chain, store_column_int(st, C_CHAIN_ID),
		               store_column_text(st, C_CHAIN)),
		        status, late, close_days, has_close);
		agg_add(agg_of(&by_unit, 0, store_column_text(st, C_UNIT)), status, late,
		        close_days, has_close);
		agg_add(agg_of(&by_category, 0, store_column_text(st, C_CATEGORY)), status, late,
		        close_days, has_close);
		json_object_set_new(
		    by_status, status,
		    json_integer(json_integer_value(json_object_get(by_status, status)) + 1));
		const char *s = store_column_text(st, C_SATISFACTION);
		if (s && json_object_get(sat, s))
			json_object_set_new(
			    sat, s, json_integer(json_integer_value(json_object_get(sat, s)) + 1));
		json_t *it = json_pack(
		    "{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:s, s:o, s:o, s:s, "
		    "s:s,"
		    " s:s, s:o, s:o, s:o, s:b, s:s?, s:i}",
		    "id", (json_int_t)store_column_int(st, C_ID), "enterprise_id",
		    (json_int_t)store_column_int(st, C_ENT_ID), "enterprise",
		    store_column_text(st, C_ENT) ? store_column_text(st, C_ENT) : "", "visit_id",
		    id_or_null(st, C_VISIT), "chain_id", id_or_null(st, C_CHAIN_ID), "chain",
		    text_or_null(st, C_CHAIN), "region_id", id_or_null(st, C_REGION_ID), "region",
		    text_or_null(st, C_REGION), "category", store_column_text(st, C_CATEGORY),
		    "description", store_column_text(st, C_DESC), "countermeasure",
		    text_or_null(st, C_MEASURE), "resp_unit", store_column_text(st, C_UNIT),
		    "owner_cadre_id", id_or_null(st, C_OWNER_ID), "owner",
		    text_or_null(st, C_OWNER), "found_date", found ? found : "", "deadline",
		    deadline ? deadline : "", "status", status ? status : "", "accepted_date",
		    text_or_null(st, C_ACCEPTED), "closed_date", text_or_null(st, C_CLOSED),
		    "satisfaction", text_or_null(st, C_SATISFACTION), "overdue", overdue,
		    "late_kind", late, "days_overdue", (int)days);
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			items = xrealloc(items, cap * sizeof(*items));
		}
		items[n++] = it;
	}
	if (rc != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	if (n)
		qsort(items, n, sizeof(*items), item_cmp);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, items[i]);
	free(items);
	json_t *summary = agg_stats(&all);
	json_object_del(summary, "name");
	json_object_set_new(summary, "by_status", by_status);
	json_object_set_new(summary, "satisfaction", sat);
	*out = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "today", today, "filters",
	                 filters_json(&f), "summary", summary, "by_region",
	                 aggs_json(&by_region, true), "by_chain", aggs_json(&by_chain, true),
	                 "by_unit", aggs_json(&by_unit, false), "by_category",
	                 aggs_json(&by_category, false), "items", list);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

/* ---- the workbook ---- */

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void num(char *out, size_t n, json_t *v)
{
	if (json_is_integer(v))
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_number(v))
		snprintf(out, n, "%.1f", json_number_value(v));
	else
		snprintf(out, n, "—");
}

#define NCOLS 15

static enum xz_result write_breakdown(struct table_writer *w, const char *title, json_t *rows)
{
	const char *head[NCOLS] = {title,        "问题数",   "已办结",    "办理中",
	                           "逾期未办结", "逾期办结", "办结率(%)", "平均办结天数"};
	enum xz_result r = table_writer_row(w, (const char *const[NCOLS]){NULL});
	if (!r)
		r = table_writer_row(w, head);
	size_t i;
	json_t *g;
	json_array_foreach(rows, i, g)
	{
		if (r)
			break;
		char c[7][24];
		num(c[0], 24, json_object_get(g, "total"));
		num(c[1], 24, json_object_get(g, "closed"));
		num(c[2], 24, json_object_get(g, "open"));
		num(c[3], 24, json_object_get(g, "overdue"));
		num(c[4], 24, json_object_get(g, "closed_late"));
		num(c[5], 24, json_object_get(g, "closure_rate"));
		num(c[6], 24, json_object_get(g, "avg_days"));
		const char *cells[NCOLS] = {
		    jstr(g, "name"), c[0], c[1], c[2], c[3], c[4], c[5], c[6]};
		r = table_writer_row(w, cells);
	}
	return r;
}

enum xz_result problem_ledger_xlsx(struct engine_ctx *ctx, const struct kv *params, size_t nparams,
                                   char **data, size_t *len)
{
	static const struct table_column cols[NCOLS] = {
	    {"序号", CELL_TEXT, 12},     {"企业", CELL_TEXT, 26},     {"所在地区", CELL_TEXT, 10},
	    {"产业链", CELL_TEXT, 16},   {"问题类别", CELL_TEXT, 10}, {"堵点卡点", CELL_TEXT, 40},
	    {"解决措施", CELL_TEXT, 30}, {"责任单位", CELL_TEXT, 18}, {"责任人", CELL_TEXT, 10},
	    {"发现日期", CELL_DATE, 12}, {"办结时限", CELL_DATE, 12}, {"办理状态", CELL_TEXT, 10},
	    {"办结日期", CELL_DATE, 12}, {"逾期情况", CELL_TEXT, 16}, {"企业满意度", CELL_TEXT, 10},
	};
	json_t *ledger = NULL;
	enum xz_result r = problem_ledger(ctx, params, nparams, &ledger);
	if (r)
		return r;
	char title[128];
	snprintf(title, sizeof(title), "进园助企大走访问题台账（截至%s）", jstr(ledger, "today"));
	struct table_writer *w = NULL;
	if ((r = table_writer_open(TABLE_XLSX, "问题台账", title, cols, NCOLS, &w))) {
		json_decref(ledger);
		return r;
	}
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(ledger, "items"), i, p)
	{
		char no[24], late[48] = "";
		snprintf(no, sizeof(no), "%zu", i + 1);
		const char *kind = jstr(p, "late_kind");
		if (*kind)
			snprintf(late, sizeof(late), "%s%lld天", kind,
			         (long long)json_integer_value(json_object_get(p, "days_overdue")));
		const char *cells[NCOLS] = {no,
		                            jstr(p, "enterprise"),
		                            jstr(p, "region"),
		                            jstr(p, "chain"),
		                            jstr(p, "category"),
		                            jstr(p, "description"),
		                            jstr(p, "countermeasure"),
		                            jstr(p, "resp_unit"),
		                            jstr(p, "owner"),
		                            jstr(p, "found_date"),
		                            jstr(p, "deadline"),
		                            jstr(p, "status"),
		                            jstr(p, "closed_date"),
		                            late,
		                            jstr(p, "satisfaction")};
		if ((r = table_writer_row(w, cells)))
			break;
	}
	json_t *s = json_object_get(ledger, "summary");
	if (!r) {
		char line[6][160];
		json_t *sat = json_object_get(s, "satisfaction");
		char rate[24], avg[24];
		num(rate, sizeof(rate), json_object_get(s, "closure_rate"));
		num(avg, sizeof(avg), json_object_get(s, "avg_days"));
		snprintf(line[0], sizeof(line[0]),
		         "问题总数 %lld 件：已办结（含已回访）%lld 件，办理中或待受理 %lld "
		         "件，已退回 %lld 件",
		         (long long)json_integer_value(json_object_get(s, "total")),
		         (long long)json_integer_value(json_object_get(s, "closed")),
		         (long long)json_integer_value(json_object_get(s, "open")),
		         (long long)json_integer_value(json_object_get(s, "returned")));
		snprintf(line[1], sizeof(line[1]), "办结率 %s%%，平均办结天数 %s 天", rate, avg);
		snprintf(line[2], sizeof(line[2]), "逾期未办结 %lld 件，逾期办结 %lld 件",
		         (long long)json_integer_value(json_object_get(s, "overdue")),
		         (long long)json_integer_value(json_object_get(s, "closed_late")));
		snprintf(line[3], sizeof(line[3]),
		         "回访满意度：满意 %lld，基本满意 %lld，不满意 %lld",
		         (long long)json_integer_value(json_object_get(sat, "满意")),
		         (long long)json_integer_value(json_object_get(sat, "基本满意")),
		         (long long)json_integer_value(json_object_get(sat, "不满意")));
		r = table_writer_row(w, (const char *const[NCOLS]){NULL});
		for (int k = 0; !r && k < 4; k++)
			r = table_writer_row(w,
			                     (const char *const[NCOLS]){k ? "" : "汇总", line[k]});
	}
	if (!r)
		r = write_breakdown(w, "按地区", json_object_get(ledger, "by_region"));
	if (!r)
		r = write_breakdown(w, "按产业链", json_object_get(ledger, "by_chain"));
	if (!r)
		r = write_breakdown(w, "按责任单位", json_object_get(ledger, "by_unit"));
	if (!r)
		r = write_breakdown(w, "按问题类别", json_object_get(ledger, "by_category"));
	json_decref(ledger);
	if (!r)
		r = table_writer_finish(w, data, len);
	if (r) {
		if (w && table_writer_error(w)[0])
			snprintf(ctx->message, sizeof(ctx->message), "%s", table_writer_error(w));
		table_writer_free(w);
	}
	return r;
}

/* ---- evidence for 季季评 and the portrait ---- */

static void evidence_add(json_t *o, const char *status, const char *deadline, const char *closed,
                         const char *today)
{
	const char *key;
	if (is_closed(status))
		key = closed && deadline && strcmp(closed, deadline) > 0 ? "closed_late"
		                                                         : "closed_on_time";
	else if (is_open(status))
		key = deadline && strcmp(deadline, today) < 0 ? "open_overdue" : "open";
	else
		key = "returned";
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + 1));
	json_object_set_new(o, "total",
	                    json_integer(json_integer_value(json_object_get(o, "total")) + 1));
}

static json_t *evidence_new(const char *from, const char *to)
{
	return json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i}", "from", from, "to", to,
	                 "total", 0, "closed_on_time", 0, "closed_late", 0, "open_overdue", 0,
	                 "open", 0, "returned", 0);
}

static json_t *evidence_query(struct engine_ctx *ctx, int64_t cadre_id, const char *from,
                              const char *to)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	char today[16];
	util_today(today, sizeof(today));
	buf_puts(&sql, "SELECT p.owner_cadre_id, p.status, p.deadline, p.closed_date FROM problem p"
	               " WHERE p.deleted_at IS NULL AND p.owner_cadre_id IS NOT NULL"
	               " AND p.deadline >= ? AND p.deadline <= ?");
	params_text(&p, from);
	params_text(&p, to);
	if (cadre_id) {
		buf_puts(&sql, " AND p.owner_cadre_id = ?");
		params_int(&p, cadre_id);
	}
	query_scope_as(model_find("problem"), ctx->actor, "p", &sql, &p);
	json_t *out = json_object();
	if (!store_prepare(ctx->db, buf_cstr(&sql), &st)) {
		params_bind(&p, st, 1);
		while (store_step(st) == STORE_ROW) {
			char key[24];
			snprintf(key, sizeof(key), "%lld", (long long)store_column_int(st, 0));
			json_t *o = json_object_get(out, key);
			if (!o) {
				o = evidence_new(from, to);
				json_object_set_new(out, key, o);
			}
			evidence_add(o, store_column_text(st, 1), store_column_text(st, 2),
			             store_column_text(st, 3), today);
		}
		store_finalize(st);
	}
	buf_free(&sql);
	params_free(&p);
	return out;
}

json_t *problem_owner_evidence(struct engine_ctx *ctx, int64_t cadre_id, const char *from,
                               const char *to)
{
	json_t *all = evidence_query(ctx, cadre_id, from, to);
	char key[24];
	snprintf(key, sizeof(key), "%lld", (long long)cadre_id);
	json_t *o = json_object_get(all, key);
	o = o ? json_incref(o) : evidence_new(from, to);
	json_decref(all);
	return o;
}

json_t *problem_owner_evidence_all(struct engine_ctx *ctx, const char *from, const char *to)
{
	return evidence_query(ctx, 0, from, to);
}
