/*
 * Talent services (see service.h): the promised days per kind, the
 * validation hook of a request and the service board (one scoped query
 * over the requests, counted here).
 */
#include "domain/service.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/util.h"
#include "core/valid.h"
#include "engine/query.h"
#include "model/entities.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
	const char *kind;
	int days;
} promised[] = {
    {"安居", 15}, {"人才金融", 10}, {"子女入学", 30}, {"医疗", 3}, {"出入境便利", 5}, {"其他", 15},
};
#define NPROMISED (sizeof(promised) / sizeof(promised[0]))

int service_promised_days(const char *kind)
{
	for (size_t i = 0; kind && i < NPROMISED; i++)
		if (!strcmp(promised[i].kind, kind))
			return promised[i].days;
	return 15;
}

static bool parse_date(const char *s, struct tm *tm)
{
	memset(tm, 0, sizeof(*tm));
	if (!s || sscanf(s, "%4d-%2d-%2d", &tm->tm_year, &tm->tm_mon, &tm->tm_mday) != 3)
		return false;
	tm->tm_year -= 1900, tm->tm_mon--;
	return true;
}

static long days_between(const char *a, const char *b)
{
	struct tm ta, tb;
	if (!parse_date(a, &ta) || !parse_date(b, &tb))
		return 0;
	return (long)((timegm(&tb) - timegm(&ta)) / 86400);
}

static void add_days(const char *date, int days, char out[16])
{
	struct tm tm;
	out[0] = '\0';
	if (!parse_date(date, &tm))
		return;
	time_t t = timegm(&tm) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

void service_request_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                              struct model_errors *errs)
{
	(void)e, (void)db, (void)id;
	const char *kind = json_string_value(json_object_get(row, "kind"));
	const char *submitted = json_string_value(json_object_get(row, "submitted_date"));
	const char *prom = json_string_value(json_object_get(row, "promised_date"));
	json_t *amount = json_object_get(row, "amount");
	if (amount && !json_is_null(amount) && kind && strcmp(kind, "人才金融"))
		model_error(errs, "amount", "not_finance",
		            "金额只适用于“人才金融”类服务（%s类不填）", kind);
	if (!submitted)
		return;
	if (!prom) {
		char d[16];
		add_days(submitted, service_promised_days(kind), d);
		if (*d)
			json_object_set_new(row, "promised_date", json_string(d));
	} else if (strcmp(prom, submitted) < 0) {
		model_error(errs, "promised_date", "before_submitted",
		            "承诺办结日期（%s）不能早于提出日期（%s）", prom, submitted);
	}
}

/* ---- the board ---- */

struct tally {
	char name[128];
	int total, open, closed, returned, overdue, late, days_n;
	double days_sum;
};

struct tallies {
	struct tally *v;
	size_t n, cap;
};

static struct tally *tally_of(struct tallies *t, const char *name)
{
	if (!name || !*name)
		name = "（未指定）";
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name))
			return &t->v[i];
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	struct tally *x = &t->v[t->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->name, sizeof(x->name), "%s", name);
	return x;
}

static double round1(double v)
{
	return (double)(long long)(v * 10 + (v >= 0 ? 0.5 : -0.5)) / 10;
}

static void tally_add(struct tally *t, const char *status, bool overdue, bool late, bool has_days,
                      long days)
{
	t->total++;
	if (!strcmp(status, "已办结")) {
		t->closed++;
		if (has_days) {
			t->days_n++;
			t->days_sum += (double)days;
		}
	} else if (!strcmp(status, "已退回")) {
		t->returned++;
	} else {
		t->open++;
	}
	t->overdue += overdue;
	t->late += late;
}

static json_t *tally_json(const struct tally *t)
{
	json_t *o = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i}", "name", t->name, "total",
	                      t->total, "open", t->open, "closed", t->closed, "returned",
	                      t->returned, "overdue", t->overdue, "closed_late", t->late);
	json_object_set_new(o, "avg_days",
	                    t->days_n ? json_real(round1(t->days_sum / t->days_n)) : json_null());
	return o;
}

static int tally_cmp(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	if (x->total != y->total)
		return y->total - x->total;
	return strcmp(x->name, y->name);
}

static json_t *tallies_json(struct tallies *t, bool kinds)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), tally_cmp);
	json_t *arr = json_array();
	for (size_t i = 0; i < t->n; i++) {
		json_t *o = tally_json(&t->v[i]);
		if (kinds)
			json_object_set_new(o, "promised_days",
			                    json_integer(service_promised_days(t->v[i].name)));
		json_array_append_new(arr, o);
	}
	free(t->v);
	return arr;
}

static int overdue_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t dx = json_integer_value(json_object_get(x, "days_overdue"));
	json_int_t dy = json_integer_value(json_object_get(y, "days_overdue"));
	if (dx != dy)
		return dy > dx ? 1 : -1;
	json_int_t ix = json_integer_value(json_object_get(x, "id"));
	json_int_t iy = json_integer_value(json_object_get(y, "id"));
	return ix < iy ? -1 : ix > iy;
}

enum xz_result service_board(struct engine_ctx *ctx, const struct kv *params, size_t nparams,
                             json_t **out)
{
	const struct entity *e = model_find("service_request");
	const char *kind = NULL, *unit = NULL, *from = NULL, *to = NULL;
	*out = NULL;
	for (size_t i = 0; i < nparams; i++) {
		const char *k = params[i].key, *v = params[i].value ? params[i].value : "";
		if (!*v)
			continue;
		bool ok = true;
		if (!strcmp(k, "kind")) {
			ok = false;
			for (size_t j = 0; j < NPROMISED; j++)
				ok |= !strcmp(promised[j].kind, v);
			kind = v;
		} else if (!strcmp(k, "handler_unit")) {
			unit = v;
		} else if (!strcmp(k, "from")) {
			ok = valid_date(from = v);
		} else if (!strcmp(k, "to")) {
			ok = valid_date(to = v);
		} else {
			model_error(&ctx->errs, k, "unknown_parameter", "未知的参数“%s”", k);
			continue;
		}
		if (!ok)
			model_error(&ctx->errs, k, "invalid", "参数“%s”的值“%s”无效", k, v);
	}
	if (json_array_size(ctx->errs.details)) {
		snprintf(ctx->message, sizeof(ctx->message), "筛选条件有误");
		return XZ_ERR_BAD_REQUEST;
	}
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	buf_puts(&sql, "SELECT s.id, pe.name, s.kind, s.detail, s.handler_unit, s.submitted_date,"
	               " s.promised_date, s.status, s.closed_date FROM service_request s"
	               " JOIN talent t ON t.id = s.talent_id JOIN person pe ON pe.id = t.person_id"
	               " WHERE s.deleted_at IS NULL");
	if (kind) {
		buf_puts(&sql, " AND s.kind = ?");
		params_text(&p, kind);
	}
	if (unit) {
		buf_puts(&sql, " AND s.handler_unit = ?");
		params_text(&p, unit);
	}
	if (from) {
		buf_puts(&sql, " AND s.submitted_date >= ?");
		params_text(&p, from);
	}
	if (to) {
		buf_puts(&sql, " AND s.submitted_date <= ?");
		params_text(&p, to);
	}
	query_scope_as(e, ctx->actor, "s", &sql, &p);
	buf_puts(&sql, " ORDER BY s.id");
	enum xz_result r = store_prepare(ctx->db, buf_cstr(&sql), &st);
	buf_free(&sql);
	if (r) {
		params_free(&p);
		return r;
	}
	params_bind(&p, st, 1);
	params_free(&p);
	char today[16];
	util_today(today, sizeof(today));
	struct tally all = {0};
	struct tallies by_kind = {0}, by_unit = {0};
	json_t **late_list = NULL;
	size_t nlate = 0, cap = 0;
	int closed_on_time = 0, rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		const char *status = store_column_text(st, 7);
		const char *prom = store_column_text(st, 6), *closed = store_column_text(st, 8);
		const char *submitted = store_column_text(st, 5);
		if (!status)
			status = "";
		bool open = !strcmp(status, "待受理") || !strcmp(status, "办理中");
		bool done = !strcmp(status, "已办结");
		bool overdue = open && prom && strcmp(prom, today) < 0;
		bool late = done && prom && closed && strcmp(closed, prom) > 0;
		bool has_days = done && closed && submitted;
		long days = has_days ? days_between(submitted, closed) : 0;
		closed_on_time += done && !late;
		tally_add(&all, status, overdue, late, has_days, days);
		tally_add(tally_of(&by_kind, store_column_text(st, 2)), status, overdue, late,
		          has_days, days);
		tally_add(tally_of(&by_unit, store_column_text(st, 4)), status, overdue, late,
		          has_days, days);
		if (!overdue)
			continue;
		const char *unit_s = store_column_text(st, 4);
		json_t *it =
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
		              (json_int_t)store_column_int(st, 0), "talent",
		              store_column_text(st, 1) ? store_column_text(st, 1) : "", "kind",
		              store_column_text(st, 2), "detail", store_column_text(st, 3),
		              "handler_unit", unit_s ? unit_s : "", "submitted_date",
		              submitted ? submitted : "", "promised_date", prom, "status", status,
		              "days_overdue", (json_int_t)days_between(prom, today));
		if (nlate == cap) {
			cap = cap ? 2 * cap : 64;
			late_list = xrealloc(late_list, cap * sizeof(*late_list));
		}
		late_list[nlate++] = it;
	}
	if (rc != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	if (nlate)
		qsort(late_list, nlate, sizeof(*late_list), overdue_cmp);
	json_t *overdue = json_array();
	for (size_t i = 0; i < nlate; i++)
		json_array_append_new(overdue, late_list[i]);
	free(late_list);
	json_t *summary = tally_json(&all);
	json_object_del(summary, "name");
	json_object_set_new(summary, "on_time_rate",
	                    all.closed ? json_real(round1(100.0 * closed_on_time / all.closed))
	                               : json_null());
	json_t *days = json_object();
	for (size_t i = 0; i < NPROMISED; i++)
		json_object_set_new(days, promised[i].kind, json_integer(promised[i].days));
	*out = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "today", today, "promised_days", days,
	                 "summary", summary, "by_kind", tallies_json(&by_kind, true), "by_unit",
	                 tallies_json(&by_unit, false), "overdue", overdue);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}
