/*
 * 百项攻坚 ledger and post recommendation (see project_ledger.h). Both read
 * through the engine (engine_scan), so the caller's data scope and the
 * generic list filters apply as everywhere else; the milestone and member
 * counts come from two bound queries per project.
 */
#include "domain/project_ledger.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/util.h"
#include "io/table.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- ledger ---- */

struct ledger {
	struct engine_ctx *ctx;
	char today[11];
	bool overdue_only;
	json_t *items;
	int overdue;
};

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* days from the ISO date a to b (b later: positive) */
static long days_between(const char *a, const char *b)
{
	struct tm ta = {0}, tb = {0};
	if (sscanf(a, "%4d-%2d-%2d", &ta.tm_year, &ta.tm_mon, &ta.tm_mday) != 3 ||
	    sscanf(b, "%4d-%2d-%2d", &tb.tm_year, &tb.tm_mon, &tb.tm_mday) != 3)
		return 0;
	ta.tm_year -= 1900, tb.tm_year -= 1900, ta.tm_mon--, tb.tm_mon--;
	return (long)((timegm(&tb) - timegm(&ta)) / 86400);
}

static int64_t count_members(struct store *db, int64_t project)
{
	char id[24];
	int64_t n = 0;
	snprintf(id, sizeof(id), "%lld", (long long)project);
	store_query_int(db, "SELECT count(*) FROM project_member WHERE project_id = ?", &n, 1,
	                (const char *const[]){id});
	return n;
}

static enum xz_result ledger_row(void *cls, json_t *row)
{
	struct ledger *l = cls;
	int64_t id = json_integer_value(json_object_get(row, "id"));
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(l->ctx->db,
	                                 "SELECT name, due_date, done_date FROM project_milestone"
	                                 " WHERE project_id = ? AND deleted_at IS NULL"
	                                 " ORDER BY due_date, id",
	                                 &st);
	if (r)
		return r;
	store_bind_int(st, 1, id);
	int total = 0, done = 0;
	json_t *late = json_array(), *next = json_null();
	while (store_step(st) == STORE_ROW) {
		const char *name = store_column_text(st, 0), *due = store_column_text(st, 1);
		const char *finished = store_column_text(st, 2);
		total++;
		if (finished && *finished) {
			done++;
			continue;
		}
		if (json_is_null(next))
			next = json_pack("{s:s, s:s}", "name", name, "due_date", due);
		if (strcmp(due, l->today) < 0)
			json_array_append_new(late, json_pack("{s:s, s:s, s:I}", "name", name, "due_date",
			                                      due, "days",
			                                      (json_int_t)days_between(due, l->today)));
	}
	store_finalize(st);
	const char *end = str(row, "end_date"), *status = str(row, "status");
	bool past_end = *end && strcmp(end, l->today) < 0 && strcmp(status, "已完成");
	bool overdue = json_array_size(late) || past_end;
	if (l->overdue_only && !overdue) {
		json_decref(late);
		json_decref(next);
		return XZ_OK;
	}
	l->overdue += overdue;
	json_t *labels = json_object_get(row, "_labels");
	json_array_append_new(
	    l->items,
	    json_pack("{s:I, s:s, s:s, s:s, s:s, s:O, s:I, s:s, s:i, s:i, s:i, s:o, s:o, s:b}",
	              "project_id", (json_int_t)id, "name", str(row, "name"), "chain",
	              str(labels, "chain_id"), "lead_unit", str(row, "lead_unit"), "status", status,
	              "headcount", json_object_get(row, "headcount"), "members",
	              (json_int_t)count_members(l->ctx->db, id), "end_date", end, "milestones",
	              total, "done", done, "progress", total ? done * 100 / total : 0,
	              "overdue_milestones", late, "next", next, "past_end", past_end));
	return XZ_OK;
}

static int overdue_first(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int lx = (int)json_array_size(json_object_get(x, "overdue_milestones")) +
	         json_is_true(json_object_get(x, "past_end"));
	int ly = (int)json_array_size(json_object_get(y, "overdue_milestones")) +
	         json_is_true(json_object_get(y, "past_end"));
	if (lx != ly)
		return ly - lx;
	int c = strcmp(str(x, "end_date"), str(y, "end_date"));
	if (c)
		return c;
	return (int)(json_integer_value(json_object_get(x, "project_id")) -
	             json_integer_value(json_object_get(y, "project_id")));
}

enum xz_result project_ledger(struct engine_ctx *ctx, const struct kv *params, size_t nparams,
                              json_t **out)
{
	struct ledger l = {.ctx = ctx, .items = json_array()};
	struct kv *pass = xcalloc(nparams + 1, sizeof(*pass));
	size_t n = 0;
	*out = NULL;
	for (size_t i = 0; i < nparams; i++) {
		if (!strcmp(params[i].key, "overdue"))
			l.overdue_only = !strcmp(params[i].value, "1") || !strcmp(params[i].value, "true");
		else if (strcmp(params[i].key, "format"))
			pass[n++] = params[i];
	}
	time_t now = (time_t)util_now_unix();
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(l.today, sizeof(l.today), "%Y-%m-%d", &tm);
	enum xz_result r = engine_scan(ctx, model_find("project"), pass, n, true, ledger_row, &l);
	free(pass);
	if (r) {
		json_decref(l.items);
		return r;
	}
	/* overdue first: jansson arrays are sorted through a plain C array */
	size_t count = json_array_size(l.items);
	json_t **v = xcalloc(count + 1, sizeof(*v));
	for (size_t i = 0; i < count; i++)
		v[i] = json_incref(json_array_get(l.items, i));
	qsort(v, count, sizeof(*v), overdue_first);
	json_t *sorted = json_array();
	for (size_t i = 0; i < count; i++)
		json_array_append_new(sorted, v[i]);
	free(v);
	json_decref(l.items);
	*out = json_pack("{s:s, s:I, s:i, s:o}", "today", l.today, "total", (json_int_t)count,
	                 "overdue", l.overdue, "items", sorted);
	return XZ_OK;
}

enum xz_result project_ledger_xlsx(struct engine_ctx *ctx, const struct kv *params,
                                   size_t nparams, char **data, size_t *len)
{
	static const struct table_column cols[] = {
	    {"项目名称", CELL_TEXT, 34}, {"产业链", CELL_TEXT, 16},   {"牵头单位", CELL_TEXT, 18},
	    {"状态", CELL_TEXT, 8},      {"干部名额", CELL_NUMBER, 9}, {"已配干部", CELL_NUMBER, 9},
	    {"计划结束", CELL_DATE, 12}, {"节点完成", CELL_TEXT, 10}, {"进度(%)", CELL_NUMBER, 9},
	    {"下一节点", CELL_TEXT, 24}, {"逾期事项", CELL_TEXT, 40},
	};
	json_t *ledger = NULL;
	enum xz_result r = project_ledger(ctx, params, nparams, &ledger);
	if (r)
		return r;
	char title[96];
	snprintf(title, sizeof(title), "千名干部百项攻坚项目台账（%s）",
	         json_string_value(json_object_get(ledger, "today")));
	struct table_writer *w = NULL;
	if ((r = table_writer_open(TABLE_XLSX, "项目台账", title, cols, sizeof(cols) / sizeof(cols[0]),
	                           &w))) {
		json_decref(ledger);
		return r;
	}
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(ledger, "items"), i, p) {
		char heads[16], members[16], done[32], progress[16], next[160];
		struct buf late = BUF_INIT;
		snprintf(heads, sizeof(heads), "%lld",
		         (long long)json_integer_value(json_object_get(p, "headcount")));
		snprintf(members, sizeof(members), "%lld",
		         (long long)json_integer_value(json_object_get(p, "members")));
		snprintf(done, sizeof(done), "%lld/%lld",
		         (long long)json_integer_value(json_object_get(p, "done")),
		         (long long)json_integer_value(json_object_get(p, "milestones")));
		snprintf(progress, sizeof(progress), "%lld",
		         (long long)json_integer_value(json_object_get(p, "progress")));
		json_t *nx = json_object_get(p, "next");
		snprintf(next, sizeof(next), "%s%s%s%s", str(nx, "name"), json_is_null(nx) ? "" : "（",
		         str(nx, "due_date"), json_is_null(nx) ? "" : "）");
		if (json_is_true(json_object_get(p, "past_end")))
			buf_puts(&late, "项目已过计划结束日期");
		size_t k;
		json_t *m;
		json_array_foreach(json_object_get(p, "overdue_milestones"), k, m)
			buf_printf(&late, "%s%s逾期%lld天", late.len ? "；" : "", str(m, "name"),
			           (long long)json_integer_value(json_object_get(m, "days")));
		const char *cells[] = {str(p, "name"),   str(p, "chain"), str(p, "lead_unit"),
		                       str(p, "status"), heads,           members,
		                       str(p, "end_date"), done,          progress,
		                       next,             buf_cstr(&late)};
		r = table_writer_row(w, cells);
		buf_free(&late);
		if (r)
			break;
	}
	json_decref(ledger);
	if (!r)
		r = table_writer_finish(w, data, len);
	if (r)
		table_writer_free(w);
	return r;
}

/* ---- post recommendation ---- */

struct candidate {
	int64_t id;
	int score;
	json_t *row; /* the cadre row, owned */
	json_t *reasons;
};

struct post_scan {
	json_t *post;
	const char *const *ranks; /* the rank enum, highest first */
	int min_rank;             /* index in ranks; -1: no floor */
	struct candidate *c;
	size_t n, cap;
};

static int rank_index(const char *const *ranks, const char *rank)
{
	for (int i = 0; rank && ranks && ranks[i]; i++)
		if (!strcmp(ranks[i], rank))
			return i;
	return -1;
}

static bool has_tag(json_t *tags, const char *tag)
{
	size_t i;
	json_t *v;
	json_array_foreach(tags, i, v) if (!strcmp(json_string_value(v), tag)) return true;
	return false;
}

static enum xz_result score_cadre(void *cls, json_t *row)
{
	struct post_scan *s = cls;
	json_t *post = s->post, *reasons = json_array();
	const char *rank = json_string_value(json_object_get(row, "rank"));
	int ri = rank_index(s->ranks, rank);
	if (s->min_rank >= 0 && (ri < 0 || ri > s->min_rank)) {
		json_decref(reasons);
		return XZ_OK; /* below the rank floor: not eligible */
	}
	json_t *need = json_object_get(post, "expertise"), *have = json_object_get(row, "expertise");
	struct buf matched = BUF_INIT, missing = BUF_INIT;
	size_t i, nmatch = 0;
	json_t *v;
	json_array_foreach(need, i, v) {
		const char *tag = json_string_value(v);
		struct buf *b = has_tag(have, tag) ? &matched : &missing;
		nmatch += b == &matched;
		buf_printf(b, "%s%s", b->len ? "、" : "", tag);
	}
	size_t nneed = json_array_size(need);
	int score = nneed ? (int)(600 * nmatch / nneed) : 300;
	if (nmatch)
		json_array_append_new(reasons,
		                      json_sprintf("专业特长匹配 [%s]", buf_cstr(&matched)));
	else if (nneed)
		json_array_append_new(reasons, json_string("专业特长无重合"));
	if (missing.len)
		json_array_append_new(reasons, json_sprintf("缺少：%s", buf_cstr(&missing)));
	buf_free(&matched);
	buf_free(&missing);
	const char *level = json_string_value(json_object_get(post, "level"));
	const char *clevel = json_string_value(json_object_get(row, "level"));
	if (level && clevel && !strcmp(level, clevel)) {
		score += 150;
		json_array_append_new(reasons, json_sprintf("层级相符（%s级）", level));
	}
	if (s->min_rank >= 0) {
		score += 100;
		json_array_append_new(reasons,
		                      json_sprintf("职级符合（%s，要求%s及以上）", rank, s->ranks[s->min_rank]));
	}
	json_int_t chain = json_integer_value(json_object_get(post, "chain_id"));
	if (chain && chain == json_integer_value(json_object_get(row, "chain_id"))) {
		score += 100;
		json_array_append_new(reasons, json_string("联系同一产业链"));
	}
	if (json_integer_value(json_object_get(post, "region_id")) ==
	    json_integer_value(json_object_get(row, "region_id"))) {
		score += 50;
		json_array_append_new(reasons, json_string("同一区划"));
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->c = xrealloc(s->c, s->cap * sizeof(*s->c));
	}
	s->c[s->n++] = (struct candidate){json_integer_value(json_object_get(row, "id")), score,
	                                  json_incref(row), reasons};
	return XZ_OK;
}

static int by_score(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->score != y->score)
		return y->score - x->score;
	return x->id < y->id ? -1 : x->id > y->id;
}

enum xz_result post_candidates(struct engine_ctx *ctx, int64_t post_id, int k, json_t **out)
{
	const struct entity *cadre = model_find("cadre");
	struct post_scan s = {.min_rank = -1};
	*out = NULL;
	enum xz_result r = engine_get(ctx, model_find("post"), post_id, &s.post);
	if (r)
		return r;
	const struct field *rf = model_field(cadre, "rank");
	s.ranks = rf ? rf->enum_values : NULL;
	s.min_rank = rank_index(s.ranks, json_string_value(json_object_get(s.post, "min_rank")));
	if ((r = engine_scan(ctx, cadre, NULL, 0, true, score_cadre, &s)))
		goto out;
	if (s.n)
		qsort(s.c, s.n, sizeof(*s.c), by_score);
	json_t *items = json_array();
	for (size_t i = 0; i < s.n && i < (size_t)k; i++) {
		json_t *row = s.c[i].row, *labels = json_object_get(row, "_labels");
		json_array_append_new(
		    items, json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:i, s:O}", "cadre_id",
		                     (json_int_t)s.c[i].id, "name", str(labels, "person_id"), "unit",
		                     str(row, "unit"), "post", str(row, "post"), "rank",
		                     json_string_value(json_object_get(row, "rank")), "level",
		                     json_string_value(json_object_get(row, "level")), "score",
		                     s.c[i].score, "reasons", s.c[i].reasons));
	}
	*out = json_pack("{s:I, s:s, s:s, s:i, s:I, s:o}", "post_id", (json_int_t)post_id, "name",
	                 str(s.post, "name"), "unit", str(s.post, "unit"), "k", k, "total",
	                 (json_int_t)s.n, "items", items);
out:
	for (size_t i = 0; i < s.n; i++) {
		json_decref(s.c[i].row);
		json_decref(s.c[i].reasons);
	}
	free(s.c);
	json_decref(s.post);
	return r;
}
