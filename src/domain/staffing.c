/*
 * Staffing of 百项攻坚 key projects (see staffing.h): loads the projects,
 * the cadres in scope and the existing memberships, turns them into sparse
 * scored arcs for the min-cost-flow solver, and writes an accepted plan back
 * as project_member rows. Scores are integers so the solver stays exact:
 * round(1000 × share of the project's required expertise the cadre has),
 * +200 for a first time on the project's chain, +100 for the same district.
 */
#include "domain/staffing.h"

#include "auth/audit.h"
#include "core/mem.h"
#include "core/util.h"
#include "engine/query.h"
#include "model/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCORE_MATCH         1000
#define SCORE_NEW_CHAIN     200
#define SCORE_SAME_DISTRICT 100

struct staffing_project {
	int64_t id, chain_id;
	int32_t headcount, current;
	char *name, *chain, *code;
	json_t *expertise; /* array of strings */
};

struct staffing_cadre {
	int64_t id, chain_id;
	char *name, *unit, *post, *code;
	json_t *expertise;
	bool busy; /* member of a 实施中 project */
};

/* (a, b) pairs: (cadre index, chain id) served, (project index, cadre index) members. */
struct pair {
	int64_t a, b;
};

static int pair_cmp(const void *x, const void *y)
{
	const struct pair *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

static bool pair_has(const struct pair *v, size_t n, int64_t a, int64_t b)
{
	struct pair k = {a, b};
	return v && bsearch(&k, v, n, sizeof(*v), pair_cmp) != NULL;
}

static int32_t cadre_index(const struct staffing_instance *inst, int64_t id)
{
	int32_t lo = 0, hi = inst->problem.ncadres - 1;
	while (lo <= hi) {
		int32_t mid = lo + (hi - lo) / 2;
		if (inst->cadres[mid].id == id)
			return mid;
		if (inst->cadres[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static int32_t project_index(const struct staffing_instance *inst, int64_t id)
{
	for (int32_t i = 0; i < inst->problem.nprojects; i++)
		if (inst->projects[i].id == id)
			return i;
	return -1;
}

static json_t *tags_of(const char *text)
{
	json_t *t = text ? json_loads(text, 0, NULL) : NULL;
	if (!json_is_array(t)) {
		json_decref(t);
		t = json_array();
	}
	return t;
}

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

/* The 6-digit county-level code both regions fall in, when it is a 区县
 * rather than the city itself (a city-wide project has no district). */
static bool same_district(const char *a, const char *b)
{
	if (strlen(a) < 6 || strlen(b) < 6 || strncmp(a, b, 6) != 0)
		return false;
	return !(a[4] == '0' && a[5] == '0');
}

/* The actor's data scope over the rows of entity (aliased alias), by the
 * engine's one rule; bind p with params_bind() after the earlier values. */
static void add_scope(struct engine_ctx *ctx, char *sql, size_t n, const char *entity,
                      const char *alias, struct sqlparams *p)
{
	struct buf cond = BUF_INIT;
	query_scope_as(model_find(entity), ctx->actor, alias, &cond, p);
	snprintf(sql + strlen(sql), n - strlen(sql), "%s", buf_cstr(&cond));
	buf_free(&cond);
}

static void push_project(struct staffing_instance *inst, size_t *cap, struct store_stmt *st)
{
	int32_t n = inst->problem.nprojects;
	if ((size_t)n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		inst->projects = xrealloc(inst->projects, *cap * sizeof(*inst->projects));
	}
	inst->projects[n] = (struct staffing_project){
	    .id = store_column_int(st, 0),
	    .name = dup_or_empty(store_column_text(st, 1)),
	    .chain_id = store_column_int(st, 2),
	    .headcount = (int32_t)store_column_int(st, 3),
	    .expertise = tags_of(store_column_text(st, 4)),
	    .code = dup_or_empty(store_column_text(st, 5)),
	    .chain = dup_or_empty(store_column_text(st, 6)),
	    .current = (int32_t)store_column_int(st, 7),
	};
	inst->problem.nprojects = n + 1;
}

static const char project_sql[] =
    "SELECT p.id, p.name, p.chain_id, p.headcount, p.expertise, r.code, c.name,"
    " (SELECT count(*) FROM project_member m WHERE m.project_id = p.id)"
    " FROM project p JOIN region r ON r.id = p.region_id LEFT JOIN chain c ON c.id = p.chain_id"
    " WHERE p.deleted_at IS NULL";

static enum xz_result load_projects(struct engine_ctx *ctx, json_t *ids,
                                    struct staffing_instance *inst)
{
	char sql[4096];
	size_t cap = 0;
	struct store_stmt *st = NULL;
	enum xz_result r = XZ_OK;
	snprintf(sql, sizeof(sql), "%s%s", project_sql,
	         ids ? " AND p.id = ?" : " AND p.status IN ('筹备', '实施中')");
	struct sqlparams scope = {0};
	add_scope(ctx, sql, sizeof(sql), "project", "p", &scope);
	snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), " ORDER BY p.id");
	if ((r = store_prepare(ctx->db, sql, &st))) {
		params_free(&scope);
		return r;
	}
	size_t nids = ids ? json_array_size(ids) : 1;
	for (size_t i = 0; i < nids; i++) {
		store_reset(st);
		int idx = 1;
		if (ids) {
			json_t *v = json_array_get(ids, i);
			if (!json_is_integer(v)) {
				snprintf(ctx->message, sizeof(ctx->message),
				         "project_ids 应为项目ID数组");
				r = XZ_ERR_BAD_REQUEST;
				goto out;
			}
			if (project_index(inst, json_integer_value(v)) >= 0)
				continue;
			store_bind_int(st, idx++, json_integer_value(v));
		}
		params_bind(&scope, st, idx);
		enum store_step s;
		bool found = false;
		while ((s = store_step(st)) == STORE_ROW) {
			push_project(inst, &cap, st);
			found = true;
		}
		if (s != STORE_DONE) {
			r = store_stmt_result(st);
			goto out;
		}
		if (ids && !found) {
			snprintf(ctx->message, sizeof(ctx->message),
			         "攻坚项目 %lld 不存在或不在数据范围内",
			         (long long)json_integer_value(json_array_get(ids, i)));
			r = XZ_ERR_NOT_FOUND;
			goto out;
		}
	}
out:
	store_finalize(st);
	params_free(&scope);
	return r;
}

static enum xz_result load_cadres(struct engine_ctx *ctx, struct staffing_instance *inst)
{
	char sql[4096] = "SELECT c.id, pe.name, c.unit, c.post, c.chain_id, c.expertise, r.code"
	                 " FROM cadre c JOIN person pe ON pe.id = c.person_id JOIN region r ON "
	                 "r.id = c.region_id"
	                 " WHERE c.deleted_at IS NULL";
	struct sqlparams scope = {0};
	add_scope(ctx, sql, sizeof(sql), "cadre", "c", &scope);
	snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), " ORDER BY c.id");
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(ctx->db, sql, &st);
	if (r) {
		params_free(&scope);
		return r;
	}
	params_bind(&scope, st, 1);
	params_free(&scope);
	size_t cap = 0;
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		int32_t n = inst->problem.ncadres;
		if ((size_t)n == cap) {
			cap = cap ? cap * 2 : 64;
			inst->cadres = xrealloc(inst->cadres, cap * sizeof(*inst->cadres));
		}
		inst->cadres[n] = (struct staffing_cadre){
		    .id = store_column_int(st, 0),
		    .name = dup_or_empty(store_column_text(st, 1)),
		    .unit = dup_or_empty(store_column_text(st, 2)),
		    .post = dup_or_empty(store_column_text(st, 3)),
		    .chain_id = store_column_int(st, 4),
		    .expertise = tags_of(store_column_text(st, 5)),
		    .code = dup_or_empty(store_column_text(st, 6)),
		};
		inst->problem.ncadres = n + 1;
	}
	if (s != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

/* Every membership: the chains each cadre has served on, who is busy on a
 * 实施中 project, and who already sits on which chosen project. */
static enum xz_result load_members(struct engine_ctx *ctx, struct staffing_instance *inst,
                                   struct pair **served, size_t *nserved, struct pair **members,
                                   size_t *nmembers)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(
	    ctx->db,
	    "SELECT m.project_id, m.cadre_id, p.chain_id, p.status FROM project_member m"
	    " JOIN project p ON p.id = m.project_id WHERE p.deleted_at IS NULL",
	    &st);
	if (r)
		return r;
	size_t cap_s = 0, cap_m = 0;
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		int32_t c = cadre_index(inst, store_column_int(st, 1));
		if (c < 0)
			continue;
		const char *status = store_column_text(st, 3);
		if (status && !strcmp(status, "实施中"))
			inst->cadres[c].busy = true;
		if (*nserved == cap_s) {
			cap_s = cap_s ? cap_s * 2 : 64;
			*served = xrealloc(*served, cap_s * sizeof(**served));
		}
		(*served)[(*nserved)++] = (struct pair){c, store_column_int(st, 2)};
		int32_t p = project_index(inst, store_column_int(st, 0));
		if (p < 0)
			continue;
		if (*nmembers == cap_m) {
			cap_m = cap_m ? cap_m * 2 : 64;
			*members = xrealloc(*members, cap_m * sizeof(**members));
		}
		(*members)[(*nmembers)++] = (struct pair){p, c};
	}
	if (s != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	if (*served)
		qsort(*served, *nserved, sizeof(**served), pair_cmp);
	if (*members)
		qsort(*members, *nmembers, sizeof(**members), pair_cmp);
	return r;
}

static bool has_tag(json_t *have, json_t *tag)
{
	size_t j;
	json_t *b;
	json_array_foreach(have, j, b)
	{
		if (json_equal(tag, b))
			return true;
	}
	return false;
}

static size_t overlap(json_t *need, json_t *have)
{
	size_t n = 0, i;
	json_t *a;
	json_array_foreach(need, i, a) n += has_tag(have, a);
	return n;
}

static bool new_to_chain(const struct staffing_instance *inst, const struct pair *served,
                         size_t nserved, int32_t c, int32_t p)
{
	int64_t chain = inst->projects[p].chain_id;
	return inst->cadres[c].chain_id != chain && !pair_has(served, nserved, c, chain);
}

static int32_t arc_score(const struct staffing_instance *inst, const struct pair *served,
                         size_t nserved, int32_t c, int32_t p, size_t shared)
{
	const struct staffing_project *pr = &inst->projects[p];
	size_t need = json_array_size(pr->expertise);
	int32_t score = need ? (int32_t)lround(SCORE_MATCH * (double)shared / (double)need) : 0;
	if (new_to_chain(inst, served, nserved, c, p))
		score += SCORE_NEW_CHAIN;
	if (same_district(pr->code, inst->cadres[c].code))
		score += SCORE_SAME_DISTRICT;
	return score;
}

/* Pins or exclusions as solver pairs; unknown ids are an error for pins
 * (they must be placed) and ignored for exclusions (nothing to exclude). */
static enum xz_result parse_pairs(struct engine_ctx *ctx, struct staffing_instance *inst,
                                  json_t *list, const char *what, bool strict,
                                  struct assign_arc **out, size_t *n)
{
	if (!list)
		return XZ_OK;
	if (!json_is_array(list)) {
		snprintf(ctx->message, sizeof(ctx->message), "%s 应为数组", what);
		return XZ_ERR_BAD_REQUEST;
	}
	*out = xcalloc(json_array_size(list) + 1, sizeof(**out));
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		json_t *pj = json_object_get(v, "project_id"), *cj = json_object_get(v, "cadre_id");
		if (!json_is_integer(pj) || !json_is_integer(cj)) {
			snprintf(ctx->message, sizeof(ctx->message),
			         "%s 的每一项应为 {project_id, cadre_id}", what);
			return XZ_ERR_BAD_REQUEST;
		}
		int32_t p = project_index(inst, json_integer_value(pj));
		int32_t c = cadre_index(inst, json_integer_value(cj));
		if (p < 0 || c < 0) {
			if (!strict)
				continue;
			snprintf(ctx->message, sizeof(ctx->message),
			         "指定的干部 %lld 或项目 %lld 不在本次配置范围内",
			         (long long)json_integer_value(cj),
			         (long long)json_integer_value(pj));
			return XZ_ERR_VALIDATION;
		}
		(*out)[(*n)++] = (struct assign_arc){c, p, 0};
	}
	return XZ_OK;
}

void staffing_instance_free(struct staffing_instance *inst)
{
	if (!inst)
		return;
	for (int32_t i = 0; i < inst->problem.nprojects; i++) {
		free(inst->projects[i].name);
		free(inst->projects[i].chain);
		free(inst->projects[i].code);
		json_decref(inst->projects[i].expertise);
	}
	for (int32_t i = 0; i < inst->problem.ncadres; i++) {
		free(inst->cadres[i].name);
		free(inst->cadres[i].unit);
		free(inst->cadres[i].post);
		free(inst->cadres[i].code);
		json_decref(inst->cadres[i].expertise);
	}
	free(inst->projects);
	free(inst->cadres);
	free(inst->cadre_cap);
	free(inst->seats);
	free(inst->arcs);
	free(inst->pins);
	free(inst->excluded);
	free(inst);
}

enum xz_result staffing_build(struct engine_ctx *ctx, json_t *req, struct staffing_instance **out)
{
	struct staffing_instance *inst = xcalloc(1, sizeof(*inst));
	struct pair *served = NULL, *members = NULL;
	size_t nserved = 0, nmembers = 0, cap = 0;
	json_t *ids = json_object_get(req, "project_ids"),
	       *one = json_object_get(req, "one_project");
	enum xz_result r = XZ_OK;
	if (ids && !json_is_array(ids)) {
		snprintf(ctx->message, sizeof(ctx->message), "project_ids 应为项目ID数组");
		r = XZ_ERR_BAD_REQUEST;
		goto out;
	}
	if (one && !json_is_boolean(one)) {
		snprintf(ctx->message, sizeof(ctx->message), "one_project 应为 true 或 false");
		r = XZ_ERR_BAD_REQUEST;
		goto out;
	}
	inst->one_project = one ? json_is_true(one) : true;
	if ((r = load_projects(ctx, ids, inst)) || (r = load_cadres(ctx, inst)) ||
	    (r = load_members(ctx, inst, &served, &nserved, &members, &nmembers)))
		goto out;
	int32_t np = inst->problem.nprojects, nc = inst->problem.ncadres;
	inst->seats = xcalloc((size_t)np + 1, sizeof(*inst->seats));
	inst->cadre_cap = xcalloc((size_t)nc + 1, sizeof(*inst->cadre_cap));
	for (int32_t p = 0; p < np; p++) {
		int32_t free_seats = inst->projects[p].headcount - inst->projects[p].current;
		inst->seats[p] = free_seats > 0 ? free_seats : 0;
	}
	/* Without one_project a cadre may take a seat on every chosen project. */
	for (int32_t c = 0; c < nc; c++)
		inst->cadre_cap[c] = !inst->one_project ? np : inst->cadres[c].busy ? 0 : 1;
	for (int32_t p = 0; p < np; p++) {
		for (int32_t c = 0; c < nc; c++) {
			if (!inst->cadre_cap[c] || pair_has(members, nmembers, p, c))
				continue;
			size_t shared =
			    overlap(inst->projects[p].expertise, inst->cadres[c].expertise);
			if (!shared)
				continue;
			if (inst->problem.narcs == cap) {
				cap = cap ? cap * 2 : 256;
				inst->arcs = xrealloc(inst->arcs, cap * sizeof(*inst->arcs));
			}
			inst->arcs[inst->problem.narcs++] = (struct assign_arc){
			    c, p, arc_score(inst, served, nserved, c, p, shared)};
		}
	}
	if ((r = parse_pairs(ctx, inst, json_object_get(req, "pins"), "pins", true, &inst->pins,
	                     &inst->problem.npins)) ||
	    (r = parse_pairs(ctx, inst, json_object_get(req, "exclusions"), "exclusions", false,
	                     &inst->excluded, &inst->problem.nexcluded)))
		goto out;
	for (size_t i = 0; i < inst->problem.npins; i++) {
		const struct assign_arc *pin = &inst->pins[i];
		if (pair_has(members, nmembers, pin->project, pin->cadre) ||
		    !inst->cadre_cap[pin->cadre]) {
			snprintf(ctx->message, sizeof(ctx->message),
			         "指定的干部%s已是该项目或其他实施中项目的成员",
			         inst->cadres[pin->cadre].name);
			r = XZ_ERR_VALIDATION;
			goto out;
		}
	}
	inst->problem.cadre_cap = inst->cadre_cap;
	inst->problem.seats = inst->seats;
	inst->problem.arcs = inst->arcs;
	inst->problem.pins = inst->pins;
	inst->problem.excluded = inst->excluded;
out:
	free(served);
	free(members);
	if (r) {
		staffing_instance_free(inst);
		inst = NULL;
	}
	*out = inst;
	return r;
}

static json_t *reasons_of(const struct staffing_instance *inst, const struct assign_member *m,
                          int32_t p)
{
	json_t *reasons = json_array();
	if (m->pinned)
		json_array_append_new(reasons, json_string("人工指定"));
	if (m->arc < 0)
		return reasons;
	const struct staffing_project *pr = &inst->projects[p];
	const struct staffing_cadre *c = &inst->cadres[m->cadre];
	char buf[512] = "专业特长匹配 [";
	size_t i, k = 0;
	json_t *tag;
	json_array_foreach(pr->expertise, i, tag)
	{
		if (!has_tag(c->expertise, tag))
			continue;
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", k++ ? "、" : "",
		         json_string_value(tag));
	}
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "]");
	json_array_append_new(reasons, json_string(buf));
	int32_t base =
	    (int32_t)lround(SCORE_MATCH * (double)k / (double)json_array_size(pr->expertise));
	int32_t extra = m->score - base;
	if (extra >= SCORE_NEW_CHAIN) {
		json_array_append_new(reasons, json_string("首次参与该产业链"));
		extra -= SCORE_NEW_CHAIN;
	}
	if (extra >= SCORE_SAME_DISTRICT)
		json_array_append_new(reasons, json_string("同区县"));
	return reasons;
}

/* "缺少特长 [...]": the project's tags the cadre lacks, or NULL when none. */
static json_t *missing_reason(const struct staffing_project *pr, const struct staffing_cadre *c)
{
	char buf[512] = "缺少特长 [";
	size_t i, k = 0;
	json_t *tag;
	json_array_foreach(pr->expertise, i, tag)
	{
		if (has_tag(c->expertise, tag))
			continue;
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", k++ ? "、" : "",
		         json_string_value(tag));
	}
	if (!k)
		return NULL;
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "]");
	return json_string(buf);
}

/* Score desc, then cadre id: cadres are loaded in id order, so the index
 * orders like the id. */
static int candidate_cmp(const void *x, const void *y)
{
	const struct assign_arc *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->cadre < b->cadre ? -1 : a->cadre > b->cadre;
}

enum xz_result staffing_candidates(struct engine_ctx *ctx, int64_t project_id, int k, json_t **out)
{
	/* The solver's own instance for this one project, so the scores are its
	 * arc scores; without one_project busy cadres keep their arcs. */
	json_t *req =
	    json_pack("{s:[I], s:b}", "project_ids", (json_int_t)project_id, "one_project", 0);
	struct staffing_instance *inst = NULL;
	enum xz_result r = staffing_build(ctx, req, &inst);
	json_decref(req);
	if (r)
		return r;
	size_t n = inst->problem.narcs;
	if (n)
		qsort(inst->arcs, n, sizeof(*inst->arcs), candidate_cmp);
	const struct staffing_project *pr = &inst->projects[0];
	json_t *items = json_array();
	for (size_t i = 0; i < n && i < (size_t)k; i++) {
		const struct assign_arc *a = &inst->arcs[i];
		const struct staffing_cadre *c = &inst->cadres[a->cadre];
		struct assign_member m = {.cadre = a->cadre, .score = a->score, .arc = (int32_t)i};
		json_t *reasons = reasons_of(inst, &m, 0);
		json_t *missing = missing_reason(pr, c);
		if (missing)
			json_array_insert_new(reasons, 1, missing);
		if (c->busy)
			json_array_append_new(reasons, json_string("已在实施中项目"));
		json_array_append_new(items,
		                      json_pack("{s:I, s:s, s:s, s:s, s:i, s:b, s:o}", "cadre_id",
		                                (json_int_t)c->id, "name", c->name, "unit", c->unit,
		                                "post", c->post, "score", a->score, "busy", c->busy,
		                                "reasons", reasons));
	}
	*out =
	    json_pack("{s:I, s:s, s:s, s:i, s:I, s:o}", "project_id", (json_int_t)pr->id, "name",
	              pr->name, "chain", pr->chain, "k", k, "total", (json_int_t)n, "items", items);
	staffing_instance_free(inst);
	return XZ_OK;
}

enum xz_result staffing_solve(struct engine_ctx *ctx, json_t *req, json_t **out)
{
	struct staffing_instance *inst = NULL;
	struct assign_solution *sol = NULL;
	enum xz_result r = staffing_build(ctx, req, &inst);
	if (r)
		return r;
	if ((r = assign_solve(&inst->problem, &sol, ctx->message, sizeof(ctx->message))))
		goto out;
	json_t *projects = json_array();
	for (int32_t p = 0; p < inst->problem.nprojects; p++) {
		const struct staffing_project *pr = &inst->projects[p];
		const struct assign_project *ap = &sol->projects[p];
		json_t *staff = json_array();
		for (int32_t k = 0; k < ap->nmembers; k++) {
			const struct assign_member *m = &ap->members[k];
			const struct staffing_cadre *c = &inst->cadres[m->cadre];
			json_array_append_new(
			    staff, json_pack("{s:I, s:s, s:s, s:s, s:i, s:b, s:o}", "cadre_id",
			                     (json_int_t)c->id, "name", c->name, "unit", c->unit,
			                     "post", c->post, "score", m->score, "pinned",
			                     m->pinned, "reasons", reasons_of(inst, m, p)));
		}
		json_t *row = json_pack("{s:I, s:s, s:I, s:s, s:i, s:i, s:i, s:o, s:i}",
		                        "project_id", (json_int_t)pr->id, "name", pr->name,
		                        "chain_id", (json_int_t)pr->chain_id, "chain", pr->chain,
		                        "headcount", pr->headcount, "current", pr->current, "seats",
		                        inst->seats[p], "staff", staff, "unfilled", ap->unfilled);
		json_object_set_new(row, "unfilled_reason",
		                    ap->unfilled_reason ? json_string(ap->unfilled_reason)
		                                        : json_null());
		json_array_append_new(projects, row);
	}
	*out =
	    json_pack("{s:I, s:i, s:i, s:b, s:i, s:o}", "total", (json_int_t)sol->total_score,
	              "filled", sol->filled, "unfilled", sol->unfilled, "one_project",
	              inst->one_project, "candidates", inst->problem.ncadres, "projects", projects);
out:
	assign_solution_free(sol);
	staffing_instance_free(inst);
	return r;
}

static enum xz_result plan_conflict(struct engine_ctx *ctx, json_int_t project_id,
                                    json_int_t current)
{
	int64_t now = 0;
	char id[32];
	snprintf(id, sizeof(id), "%lld", (long long)project_id);
	const char *params[] = {id};
	enum xz_result r = store_query_int(
	    ctx->db, "SELECT count(*) FROM project_member WHERE project_id = CAST(? AS INTEGER)",
	    &now, 1, params);
	if (r)
		return r;
	if (now != current) {
		snprintf(ctx->message, sizeof(ctx->message),
		         "项目 %lld 的成员已变动（方案生成时 %lld 人，现有 %lld 人），请重新求解",
		         (long long)project_id, (long long)current, (long long)now);
		return XZ_ERR_CONFLICT;
	}
	return XZ_OK;
}

enum xz_result staffing_apply(struct engine_ctx *ctx, json_t *plan, json_t **out)
{
	const struct entity *member = model_find("project_member");
	json_t *projects = json_object_get(plan, "projects");
	if (!json_is_array(projects)) {
		snprintf(ctx->message, sizeof(ctx->message),
		         "请提交求解得到的配置方案（含 projects）");
		return XZ_ERR_BAD_REQUEST;
	}
	char today[16];
	util_today(today, sizeof(today));
	json_int_t created = 0;
	enum xz_result r = store_begin(ctx->db);
	if (r)
		return r;
	size_t i, k;
	json_t *pj, *m;
	json_array_foreach(projects, i, pj)
	{
		json_t *id = json_object_get(pj, "project_id"),
		       *cur = json_object_get(pj, "current");
		json_t *staff = json_object_get(pj, "staff");
		if (!json_is_integer(id) || !json_is_integer(cur) ||
		    (staff && !json_is_array(staff))) {
			snprintf(ctx->message, sizeof(ctx->message),
			         "方案中的项目应含 project_id、current 与 staff");
			r = XZ_ERR_BAD_REQUEST;
			goto rollback;
		}
		if ((r = plan_conflict(ctx, json_integer_value(id), json_integer_value(cur))))
			goto rollback;
		json_array_foreach(staff, k, m)
		{
			json_t *cadre = json_object_get(m, "cadre_id");
			if (!json_is_integer(cadre)) {
				snprintf(ctx->message, sizeof(ctx->message),
				         "方案中的干部应含 cadre_id");
				r = XZ_ERR_BAD_REQUEST;
				goto rollback;
			}
			json_t *row =
			    json_pack("{s:O, s:O, s:s, s:s, s:s}", "project_id", id, "cadre_id",
			              cadre, "role", "成员", "joined", today, "source", "方案");
			json_t *made = NULL;
			r = engine_create(ctx, member, row, &made);
			json_decref(row);
			json_decref(made);
			if (r)
				goto rollback;
			created++;
		}
	}
	json_t *detail = json_pack("{s:I, s:I}", "created", created, "projects",
	                           (json_int_t)json_array_size(projects));
	r = audit_write(ctx->db, ctx->actor, "assignment_apply", "project_member", 0, "ok", detail);
	json_decref(detail);
	if (r || (r = store_commit(ctx->db)))
		goto rollback;
	*out = json_pack("{s:I, s:I}", "created", created, "projects",
	                 (json_int_t)json_array_size(projects));
	return XZ_OK;
rollback:
	store_rollback(ctx->db);
	return r;
}
