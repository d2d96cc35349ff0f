/*
 * The party-organization network (see org.h): the validation hooks of org,
 * org_link, chain_duty and study_session, the walks over both hierarchies,
 * the tree for the 组织体系 page, the quarterly study-session counts and
 * the chain health card. Every read builds its SQL with bound values and
 * appends the engine's data-scope condition for the rows it returns.
 */
#include "domain/org.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/util.h"
#include "engine/query.h"
#include "model/entities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND_COMMITTEE "产业链党委"
#define KIND_ALLIANCE "党建联盟"
#define KIND_FUNCTIONAL "功能型党组织"
#define CHAIN_PARENT_KINDS "('" KIND_COMMITTEE "','" KIND_ALLIANCE "')"
#define OPEN_STATES "('待受理','办理中','已退回')"

static const char *const org_kind_order[] = {KIND_COMMITTEE, KIND_ALLIANCE, "党委", "党总支",
                                             "党支部", KIND_FUNCTIONAL, NULL};
static const char *const duty_kind_order[] = {"党员蹲链指导", "干部挂链服务", "人才赴链攻关",
                                              NULL};
static const char *const session_kind_order[] = {"第一议题", "专题党课", "主题党日", "其他",
                                                 NULL};

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static json_int_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *col_text(struct store_stmt *st, int c)
{
	const char *s = store_column_text(st, c);
	return s ? s : "";
}

static json_t *col_json_text(struct store_stmt *st, int c)
{
	const char *s = store_column_text(st, c);
	return s ? json_string(s) : json_null();
}

static json_t *col_json_int(struct store_stmt *st, int c)
{
	return store_column_type(st, c) == STORE_NULL ? json_null()
	                                              : json_integer(store_column_int(st, c));
}

static enum xz_result prepare_with(struct store *db, struct buf *sql, struct sqlparams *p,
                                   struct store_stmt **st)
{
	enum xz_result r = store_prepare(db, buf_cstr(sql), st);
	if (!r)
		params_bind(p, *st, 1);
	return r;
}

bool org_hierarchy_parse(const char *s, enum org_hierarchy *out)
{
	if (!s || !*s || !strcmp(s, "territory") || !strcmp(s, "属地")) {
		*out = ORG_TERRITORY;
		return true;
	}
	if (!strcmp(s, "chain") || !strcmp(s, "链上")) {
		*out = ORG_CHAIN;
		return true;
	}
	return false;
}

/* ---- walking the hierarchies ---- */

/* One row per reached org and way of reaching it; the outer query keeps the
 * shortest depth (the lowest parent among equals). Each recursive step is an
 * indexed lookup: org(parent_id), org(chain_org_id), org_link(org_id). Bind:
 * root id, then (chain) today. The chain hierarchy has two kinds of edge:
 * SQLite takes them as two recursive terms; PostgreSQL allows one recursive
 * term only, so there the step is one lateral join over both kinds. */
#define SUB_HEAD                                                                       \
	"WITH RECURSIVE sub(id, depth, parent, via) AS ("                              \
	" SELECT CAST(? AS BIGINT), 0, CAST(NULL AS BIGINT), CAST('' AS TEXT)"       \
	" UNION"
#define SUB_TAIL                                                                       \
	" SELECT id, depth, parent, via FROM (SELECT id, depth, parent, via,"         \
	" row_number() OVER (PARTITION BY id ORDER BY depth, parent) AS rn"           \
	" FROM sub WHERE depth > 0) AS reached WHERE rn = 1 ORDER BY id"
#define LINK_STEP                                                                      \
	" JOIN org p ON p.id = l.org_id JOIN org m ON m.id = l.member_org_id"         \
	" WHERE l.member_kind = '党组织' AND (l.end_date IS NULL OR l.end_date >= ?)"  \
	" AND p.kind IN " CHAIN_PARENT_KINDS " AND m.deleted_at IS NULL"

static const char territory_sql[] =
    SUB_HEAD
    " SELECT o.id, s.depth + 1, s.id, 'parent' FROM sub s JOIN org o ON o.parent_id = s.id"
    "  WHERE o.deleted_at IS NULL AND s.depth < 64)" SUB_TAIL;

static const char chain_sql[] =
    SUB_HEAD
    " SELECT o.id, s.depth + 1, s.id, 'chain_org' FROM sub s JOIN org o ON o.chain_org_id = s.id"
    "  WHERE o.deleted_at IS NULL AND s.depth < 64"
    " UNION"
    " SELECT l.member_org_id, s.depth + 1, s.id, 'link' FROM sub s"
    "  JOIN org_link l ON l.org_id = s.id" LINK_STEP " AND s.depth < 64)" SUB_TAIL;

static const char chain_sql_pg[] =
    SUB_HEAD
    " SELECT x.id, s.depth + 1, s.id, x.via FROM sub s CROSS JOIN LATERAL ("
    "  SELECT o.id, 'chain_org' AS via FROM org o"
    "   WHERE o.chain_org_id = s.id AND o.deleted_at IS NULL"
    "  UNION ALL"
    "  SELECT l.member_org_id, 'link' FROM org_link l" LINK_STEP " AND l.org_id = s.id) AS x"
    " WHERE s.depth < 64)" SUB_TAIL;

const char *org_descendants_sql(enum org_hierarchy h, enum store_dialect dialect)
{
	if (h == ORG_CHAIN)
		return dialect == STORE_POSTGRES ? chain_sql_pg : chain_sql;
	return territory_sql;
}

struct reached {
	int64_t id, parent;
	int depth;
	char via[12];
};

static enum xz_result walk(struct store *db, int64_t id, enum org_hierarchy h, const char *today,
                           struct reached **out, size_t *n)
{
	struct store_stmt *st = NULL;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	enum xz_result r = store_prepare(db, org_descendants_sql(h, store_dialect(db)), &st);
	if (r)
		return r;
	store_bind_int(st, 1, id);
	if (h == ORG_CHAIN)
		store_bind_text(st, 2, today);
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		struct reached *x = &(*out)[(*n)++];
		x->id = store_column_int(st, 0);
		x->depth = (int)store_column_int(st, 1);
		x->parent = store_column_int(st, 2);
		snprintf(x->via, sizeof(x->via), "%s", col_text(st, 3));
	}
	if (s == STORE_FAIL)
		r = store_stmt_result(st);
	store_finalize(st);
	if (r) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return r;
}

enum xz_result org_descendants(struct store *db, int64_t id, enum org_hierarchy h,
                               const char *today, int64_t **ids, int **depth, size_t *n)
{
	struct reached *v = NULL;
	enum xz_result r = walk(db, id, h, today, &v, n);
	*ids = NULL;
	*depth = NULL;
	if (r)
		return r;
	*ids = xcalloc(*n + 1, sizeof(**ids));
	*depth = xcalloc(*n + 1, sizeof(**depth));
	for (size_t i = 0; i < *n; i++) {
		(*ids)[i] = v[i].id;
		(*depth)[i] = v[i].depth;
	}
	free(v);
	return XZ_OK;
}

/* whether target is id itself or one of its descendants in h */
static bool reaches(struct store *db, int64_t id, int64_t target, enum org_hierarchy h)
{
	if (id == target)
		return true;
	char today[16];
	util_today(today, sizeof(today));
	struct reached *v = NULL;
	size_t n = 0;
	bool found = false;
	if (walk(db, id, h, today, &v, &n))
		return false;
	for (size_t i = 0; i < n && !found; i++)
		found = v[i].id == target;
	free(v);
	return found;
}

/* the live org's kind into out ("" when there is none) */
static void org_kind(struct store *db, int64_t id, char *out, size_t n)
{
	struct store_stmt *st = NULL;
	*out = '\0';
	if (!id || store_prepare(db, "SELECT kind FROM org WHERE id = ? AND deleted_at IS NULL", &st))
		return;
	store_bind_int(st, 1, id);
	if (store_step(st) == STORE_ROW)
		snprintf(out, n, "%s", col_text(st, 0));
	store_finalize(st);
}

static bool is_chain_parent_kind(const char *kind)
{
	return !strcmp(kind, KIND_COMMITTEE) || !strcmp(kind, KIND_ALLIANCE);
}

/* ---- validation hooks ---- */

void org_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                  struct model_errors *errs)
{
	(void)e;
	const char *kind = str(row, "kind");
	bool functional = !strcmp(kind, KIND_FUNCTIONAL);
	json_int_t parent = num(row, "parent_id"), chain_org = num(row, "chain_org_id");
	const char *established = str(row, "established"), *end = str(row, "end_date");

	if (!strcmp(kind, KIND_COMMITTEE) && !num(row, "chain_id"))
		model_error(errs, "chain_id", "required", "产业链党委须选择所在产业链");
	if (json_is_true(json_object_get(row, "temporary"))) {
		if (!functional)
			model_error(errs, "temporary", "not_functional",
			            "只有功能型党组织可以设为临时组织（当前类别：%s）", kind);
		else if (!*end)
			model_error(errs, "end_date", "required", "临时党组织须填写撤销日期");
	}
	if (num(row, "project_id") && !functional)
		model_error(errs, "project_id", "not_functional",
		            "只有功能型党组织可以依托攻坚项目设立（当前类别：%s）", kind);
	if (*end && *established && strcmp(end, established) < 0)
		model_error(errs, "end_date", "before_established", "撤销日期不能早于成立日期");

	/* a new org (id 0) has no descendants yet: only its own id could loop */
	if (parent && id && reaches(db, id, parent, ORG_TERRITORY))
		model_error(errs, "parent_id", "cycle",
		            parent == id ? "上级党组织不能是本组织"
		                         : "上级党组织不能是本组织的下级组织（属地隶属关系将形成循环）");
	if (chain_org) {
		char k[32];
		org_kind(db, chain_org, k, sizeof(k));
		if (chain_org == id)
			model_error(errs, "chain_org_id", "cycle", "链上归属组织不能是本组织");
		else if (!is_chain_parent_kind(k))
			model_error(errs, "chain_org_id", "invalid_kind",
			            "链上归属组织须为产业链党委或党建联盟（所选组织为%s）", *k ? k : "未知");
		else if (id && reaches(db, id, chain_org, ORG_CHAIN))
			model_error(errs, "chain_org_id", "cycle",
			            "链上归属组织不能是本组织在链上的下级组织（链上归属关系将形成循环）");
	}
	if (id && is_chain_parent_kind(kind)) {
		/* becoming a committee or alliance turns its 党组织 members into
		 * chain children: none of them may be above it already */
		struct store_stmt *st = NULL;
		char today[16];
		util_today(today, sizeof(today));
		if (!store_prepare(db,
		                   "SELECT member_org_id FROM org_link WHERE org_id = ?"
		                   " AND member_kind = '党组织' AND member_org_id IS NOT NULL"
		                   " AND (end_date IS NULL OR end_date >= ?) ORDER BY id",
		                   &st)) {
			store_bind_int(st, 1, id);
			store_bind_text(st, 2, today);
			int64_t looped = 0;
			while (!looped && store_step(st) == STORE_ROW)
				if (reaches(db, store_column_int(st, 0), id, ORG_CHAIN))
					looped = store_column_int(st, 0);
			store_finalize(st);
			if (looped)
				model_error(errs, "kind", "cycle",
				            "本组织的成员党组织（ID %lld）在链上是本组织的上级，改为%s将形成循环",
				            (long long)looped, kind);
		}
	}
	if (id && !is_chain_parent_kind(kind)) {
		int64_t children = 0;
		char ids[24];
		snprintf(ids, sizeof(ids), "%lld", id);
		store_query_int(db,
		                "SELECT count(*) FROM org WHERE chain_org_id = ? AND deleted_at IS NULL",
		                &children, 1, (const char *const[]){ids});
		if (children)
			model_error(errs, "kind", "has_chain_members",
			            "已有%lld个党组织以本组织为链上归属组织，类别须为产业链党委或党建联盟",
			            (long long)children);
	}
}

static const struct {
	const char *kind, *field, *label;
} member_refs[] = {
	{"企业", "enterprise_id", "成员企业"},
	{"高校院所", "institution_id", "成员高校院所"},
	{"园区", "park_id", "成员园区"},
	{"党组织", "member_org_id", "成员党组织"},
};

void org_link_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                       struct model_errors *errs)
{
	(void)e, (void)id;
	const char *kind = str(row, "member_kind");
	for (size_t i = 0; i < sizeof(member_refs) / sizeof(member_refs[0]); i++) {
		bool set = num(row, member_refs[i].field) != 0;
		bool want = !strcmp(kind, member_refs[i].kind);
		if (want && !set)
			model_error(errs, member_refs[i].field, "required", "成员类别为%s，须选择%s", kind,
			            member_refs[i].label);
		else if (!want && set)
			model_error(errs, member_refs[i].field, "not_applicable",
			            "成员类别为%s，%s应为空", kind, member_refs[i].label);
	}
	const char *start = str(row, "start_date"), *end = str(row, "end_date");
	if (*start && *end && strcmp(end, start) < 0)
		model_error(errs, "end_date", "before_start", "退出日期不能早于加入日期");
	json_int_t org = num(row, "org_id"), member = num(row, "member_org_id");
	if (!member || strcmp(kind, "党组织"))
		return;
	if (member == org) {
		model_error(errs, "member_org_id", "self", "党组织不能是自己的成员");
		return;
	}
	char k[32];
	org_kind(db, org, k, sizeof(k));
	/* a committee's or alliance's member 党组织 is its chain child: the
	 * member may not already be above it along the chain */
	if (is_chain_parent_kind(k) && reaches(db, member, org, ORG_CHAIN))
		model_error(errs, "member_org_id", "cycle",
		            "该党组织在链上是本组织的上级组织，不能作为成员（链上归属关系将形成循环）");
}

void chain_duty_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                         struct model_errors *errs)
{
	(void)e, (void)id;
	const char *start = str(row, "start_date"), *end = str(row, "end_date");
	if (*start && *end && strcmp(end, start) < 0)
		model_error(errs, "end_date", "before_start", "结束日期不能早于开始日期");
	json_int_t ent = num(row, "enterprise_id"), chain = num(row, "chain_id");
	if (!ent || !chain)
		return;
	struct store_stmt *st = NULL;
	if (store_prepare(db,
	                  "SELECT count(*) FROM enterprise_segment es JOIN segment s"
	                  " ON s.id = es.segment_id WHERE es.enterprise_id = ? AND s.chain_id = ?"
	                  " AND s.deleted_at IS NULL",
	                  &st))
		return;
	store_bind_int(st, 1, ent);
	store_bind_int(st, 2, chain);
	bool on = store_step(st) == STORE_ROW && store_column_int(st, 0) > 0;
	store_finalize(st);
	if (!on)
		model_warning(errs, "enterprise_id", "off_chain",
		              "所选企业不在该产业链的任何环节上，请确认是否仍要保存");
}

void study_session_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                            struct model_errors *errs)
{
	(void)e, (void)db, (void)id;
	json_t *exp = json_object_get(row, "expected"), *att = json_object_get(row, "attendance");
	if (json_is_integer(exp) && json_is_integer(att) &&
	    json_integer_value(att) > json_integer_value(exp))
		model_error(errs, "attendance", "above_expected", "实到人数（%lld）不能多于应到人数（%lld）",
		            (long long)json_integer_value(att), (long long)json_integer_value(exp));
}

/* ---- totals over a set of orgs ---- */

/* The visible orgs among ids (a JSON array text), one row each:
 * id, name, kind, region_id, member_count, temporary, end_date, party
 * members (registered through party_member.org_id, in scope). */
static enum xz_result select_orgs(struct engine_ctx *ctx, const char *ids_text,
                                  struct store_stmt **st)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	buf_puts(&sql, "SELECT o.id, o.name, o.kind, o.region_id, o.member_count, o.temporary,"
	               " o.end_date, (SELECT count(*) FROM party_member pm WHERE pm.org_id = o.id"
	               " AND pm.deleted_at IS NULL");
	query_scope_as(model_find("party_member"), ctx->actor, "pm", &sql, &p);
	buf_puts(&sql, "), o.secretary, o.chain_id FROM org o WHERE o.deleted_at IS NULL"
	               " AND o.id IN ");
	store_sql_json_ids(ctx->db, &sql);
	params_text(&p, ids_text);
	query_scope_as(model_find("org"), ctx->actor, "o", &sql, &p);
	enum xz_result r = prepare_with(ctx->db, &sql, &p, st);
	params_free(&p);
	buf_free(&sql);
	return r;
}

static json_t *new_kind_counts(const char *const *kinds)
{
	json_t *o = json_object();
	for (; *kinds; kinds++)
		json_object_set_new(o, *kinds, json_integer(0));
	return o;
}

static void bump(json_t *counts, const char *key, json_int_t by)
{
	json_object_set_new(counts, key, json_integer(num(counts, key) + by));
}

/* totals over the visible orgs among ids: {orgs, by_kind, party_members,
 * member_count}; rows (when not NULL) gets each org's row by id */
static enum xz_result totals_of(struct engine_ctx *ctx, json_t *ids, json_t *rows, json_t **out)
{
	char *text = json_dumps(ids, JSON_COMPACT);
	struct store_stmt *st = NULL;
	*out = NULL;
	enum xz_result r = select_orgs(ctx, text, &st);
	free(text);
	if (r)
		return r;
	json_t *by_kind = new_kind_counts(org_kind_order);
	json_int_t orgs = 0, members = 0, declared = 0;
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		orgs++;
		bump(by_kind, col_text(st, 2), 1);
		declared += store_column_int(st, 4);
		members += store_column_int(st, 7);
		if (rows) {
			char key[24];
			snprintf(key, sizeof(key), "%lld", (long long)store_column_int(st, 0));
			json_object_set_new(
			    rows, key,
			    json_pack("{s:I, s:s, s:s, s:I, s:o, s:b, s:o, s:I, s:o, s:o}", "id",
			              (json_int_t)store_column_int(st, 0), "name", col_text(st, 1), "kind",
			              col_text(st, 2), "region_id", (json_int_t)store_column_int(st, 3),
			              "member_count", col_json_int(st, 4), "temporary",
			              store_column_int(st, 5) != 0, "end_date", col_json_text(st, 6),
			              "party_members", (json_int_t)store_column_int(st, 7), "secretary",
			              col_json_text(st, 8), "chain_id", col_json_int(st, 9)));
		}
	}
	if (s == STORE_FAIL)
		r = store_stmt_result(st);
	store_finalize(st);
	if (r) {
		json_decref(by_kind);
		return r;
	}
	*out = json_pack("{s:I, s:o, s:I, s:I}", "orgs", orgs, "by_kind", by_kind, "party_members",
	                 members, "member_count", declared);
	return XZ_OK;
}

/* ---- subtree ---- */

enum xz_result org_subtree(struct engine_ctx *ctx, int64_t id, enum org_hierarchy h,
                           json_t **out)
{
	json_t *org = NULL, *ids = NULL, *rows = NULL, *totals = NULL;
	struct reached *v = NULL;
	size_t n = 0;
	char today[16];
	util_today(today, sizeof(today));
	*out = NULL;
	enum xz_result r = engine_get(ctx, model_find("org"), id, &org);
	if (r)
		return r;
	if ((r = walk(ctx->db, id, h, today, &v, &n)))
		goto out;
	ids = json_array();
	json_array_append_new(ids, json_integer(id));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ids, json_integer(v[i].id));
	rows = json_object();
	if ((r = totals_of(ctx, ids, rows, &totals)))
		goto out;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)v[i].id);
		json_t *row = json_object_get(rows, key);
		if (!row)
			continue; /* outside the caller's scope */
		json_object_set_new(row, "depth", json_integer(v[i].depth));
		json_object_set_new(row, "parent_id", json_integer(v[i].parent));
		json_object_set_new(row, "via", json_string(v[i].via));
		json_array_append(items, row);
	}
	/* by depth, then kind order is what a reader expects; ids break ties */
	size_t cnt = json_array_size(items);
	json_t **arr = xcalloc(cnt + 1, sizeof(*arr));
	for (size_t i = 0; i < cnt; i++)
		arr[i] = json_incref(json_array_get(items, i));
	json_decref(items);
	for (size_t i = 1; i < cnt; i++) { /* insertion sort: stable and small */
		json_t *x = arr[i];
		size_t j = i;
		while (j > 0) {
			json_t *y = arr[j - 1];
			json_int_t dx = num(x, "depth"), dy = num(y, "depth");
			if (dy < dx || (dy == dx && num(y, "id") <= num(x, "id")))
				break;
			arr[j] = y;
			j--;
		}
		arr[j] = x;
	}
	items = json_array();
	for (size_t i = 0; i < cnt; i++)
		json_array_append_new(items, arr[i]);
	free(arr);
	*out = json_pack("{s:O, s:s, s:o, s:O}", "org", org, "hierarchy",
	                 h == ORG_CHAIN ? "chain" : "territory", "items", items, "totals", totals);
out:
	free(v);
	json_decref(org);
	json_decref(ids);
	json_decref(rows);
	json_decref(totals);
	return r;
}

/* ---- tree ---- */

/* " AND <col> LIKE '<prefix>%'" for a region code, or false when malformed */
static bool region_filter(struct engine_ctx *ctx, const char *region, const char *col,
                          struct buf *sql, struct sqlparams *p)
{
	if (!region || !*region)
		return true;
	size_t len = strlen(region);
	if (len > 12 || strspn(region, "0123456789") != len) {
		snprintf(ctx->message, sizeof(ctx->message), "region 应为行政区划代码（6位或9位数字）");
		return false;
	}
	char prefix[16];
	engine_region_prefix(region, prefix);
	char *pattern = store_like_pattern(prefix, true);
	buf_puts(sql, " AND ");
	store_sql_like(ctx->db, sql, col);
	params_text(p, pattern);
	free(pattern);
	return true;
}

#define KIND_ORDER_SQL                                                                            \
	"CASE o.kind WHEN '产业链党委' THEN 0 WHEN '党建联盟' THEN 1 WHEN '党委' THEN 2"             \
	" WHEN '党总支' THEN 3 WHEN '党支部' THEN 4 ELSE 5 END"

enum xz_result org_tree(struct engine_ctx *ctx, enum org_hierarchy h, const char *region,
                        json_t **out)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	json_t *items = json_array(), *by_id = json_object(), *links = json_object();
	char today[16];
	util_today(today, sizeof(today));
	*out = NULL;
	enum xz_result r = XZ_OK;
	if (h == ORG_CHAIN) {
		/* member 党组织 of committees and alliances, current memberships */
		if ((r = store_prepare(ctx->db,
		                       "SELECT l.member_org_id, l.org_id FROM org_link l"
		                       " JOIN org p ON p.id = l.org_id WHERE l.member_kind = '党组织'"
		                       " AND l.member_org_id IS NOT NULL AND p.deleted_at IS NULL"
		                       " AND p.kind IN " CHAIN_PARENT_KINDS
		                       " AND (l.end_date IS NULL OR l.end_date >= ?)"
		                       " ORDER BY l.member_org_id, l.org_id",
		                       &st)))
			goto out;
		store_bind_text(st, 1, today);
		while (store_step(st) == STORE_ROW) {
			char key[24];
			snprintf(key, sizeof(key), "%lld", (long long)store_column_int(st, 0));
			json_t *a = json_object_get(links, key);
			if (!a)
				json_object_set_new(links, key, a = json_array());
			json_array_append_new(a, json_integer(store_column_int(st, 1)));
		}
		store_finalize(st);
		st = NULL;
	}
	buf_puts(&sql, "SELECT o.id, o.name, o.kind, o.parent_id, o.chain_org_id, o.chain_id, c.name,"
	               " o.region_id, r.code, r.name, o.secretary, o.member_count, o.temporary,"
	               " o.end_date FROM org o JOIN region r ON r.id = o.region_id"
	               " LEFT JOIN chain c ON c.id = o.chain_id WHERE o.deleted_at IS NULL");
	if (!region_filter(ctx, region, "r.code", &sql, &p)) {
		r = XZ_ERR_BAD_REQUEST;
		goto out;
	}
	query_scope_as(model_find("org"), ctx->actor, "o", &sql, &p);
	buf_puts(&sql, " ORDER BY " KIND_ORDER_SQL ", o.name, o.id");
	if ((r = prepare_with(ctx->db, &sql, &p, &st)))
		goto out;
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		char key[24];
		int64_t id = store_column_int(st, 0);
		snprintf(key, sizeof(key), "%lld", (long long)id);
		const char *kind = col_text(st, 2);
		json_t *lp = json_object_get(links, key);
		json_t *parent;
		if (h == ORG_TERRITORY) {
			parent = col_json_int(st, 3);
		} else {
			bool has_chain_org = store_column_type(st, 4) != STORE_NULL;
			if (!is_chain_parent_kind(kind) && !has_chain_org && !lp)
				continue; /* not on any chain */
			parent = has_chain_org ? col_json_int(st, 4)
			         : lp          ? json_incref(json_array_get(lp, 0))
			                       : json_null();
		}
		json_t *item = json_pack(
		    "{s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:s, s:s, s:o, s:o, s:b, s:o, s:o}", "id",
		    (json_int_t)id, "name", col_text(st, 1), "kind", kind, "parent", parent, "chain_id",
		    col_json_int(st, 5), "chain_name", col_json_text(st, 6), "region_id",
		    (json_int_t)store_column_int(st, 7), "region_code", col_text(st, 8), "region_name",
		    col_text(st, 9), "secretary", col_json_text(st, 10), "member_count",
		    col_json_int(st, 11), "temporary", store_column_int(st, 12) != 0, "end_date",
		    col_json_text(st, 13), "link_parents", lp ? json_incref(lp) : json_array());
		json_array_append_new(items, item);
		json_object_set(by_id, key, item);
	}
	if (s == STORE_FAIL)
		r = store_stmt_result(st);
	if (r)
		goto out;
	/* a parent outside the list (out of scope or region) leaves a root */
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_t *parent = json_object_get(it, "parent");
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(parent));
		if (json_is_integer(parent) && !json_object_get(by_id, key))
			json_object_set_new(it, "parent", json_null());
	}
	*out = json_pack("{s:s, s:I, s:O}", "hierarchy", h == ORG_CHAIN ? "chain" : "territory",
	                 "total", (json_int_t)json_array_size(items), "items", items);
out:
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	json_decref(items);
	json_decref(by_id);
	json_decref(links);
	return r;
}

/* ---- study sessions per quarter ---- */

static const char *const quarter_start[4] = {"-01-01", "-04-01", "-07-01", "-10-01"};
static const char *const quarter_end[4] = {"-03-31", "-06-30", "-09-30", "-12-31"};

struct qorg {
	int64_t id;
	json_t *item;
	int sessions[4][4]; /* [quarter][session kind] */
	int64_t expected[4], attended[4];
	int first_months[4]; /* months of the quarter with a 第一议题 */
};

struct idpos {
	int64_t id;
	size_t pos;
};

static int cmp_idpos(const void *a, const void *b)
{
	int64_t x = ((const struct idpos *)a)->id, y = ((const struct idpos *)b)->id;
	return (x > y) - (x < y);
}

/* percent to 0.1, or null when nothing was expected */
static json_t *rate_json(int64_t attended, int64_t expected)
{
	if (expected <= 0)
		return json_null();
	return json_real((double)((attended * 1000 + expected / 2) / expected) / 10.0);
}

static int kind_index(const char *const *kinds, const char *k)
{
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i], k))
			return i;
	return -1;
}

enum xz_result org_study_quarterly(struct engine_ctx *ctx, int year, const char *region,
                                   json_t **out)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	struct qorg *orgs = NULL;
	size_t n = 0, cap = 0;
	char today[16], from[16], to[16];
	util_today(today, sizeof(today));
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-12-31", year);
	*out = NULL;
	enum xz_result r = XZ_OK;
	buf_puts(&sql, "SELECT o.id, o.name, o.kind, o.established, o.end_date, r.code, r.name"
	               " FROM org o JOIN region r ON r.id = o.region_id WHERE o.deleted_at IS NULL"
	               " AND (o.established IS NULL OR o.established <= ?)"
	               " AND (o.end_date IS NULL OR o.end_date >= ?)");
	params_text(&p, to);
	params_text(&p, from);
	if (!region_filter(ctx, region, "r.code", &sql, &p)) {
		r = XZ_ERR_BAD_REQUEST;
		goto out;
	}
	query_scope_as(model_find("org"), ctx->actor, "o", &sql, &p);
	buf_puts(&sql, " ORDER BY " KIND_ORDER_SQL ", o.name, o.id");
	if ((r = prepare_with(ctx->db, &sql, &p, &st)))
		goto out;
	while (store_step(st) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			orgs = xrealloc(orgs, cap * sizeof(*orgs));
		}
		struct qorg *q = &orgs[n++];
		memset(q, 0, sizeof(*q));
		q->id = store_column_int(st, 0);
		q->item = json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:s}", "org_id", (json_int_t)q->id,
		                    "name", col_text(st, 1), "kind", col_text(st, 2), "established",
		                    col_json_text(st, 3), "end_date", col_json_text(st, 4),
		                    "region_code", col_text(st, 5), "region_name", col_text(st, 6));
	}
	store_finalize(st);
	st = NULL;
	/* the list is in display order; (id, position) pairs sorted by id find an org */
	struct idpos *byid = xcalloc(n + 1, sizeof(*byid));
	for (size_t i = 0; i < n; i++)
		byid[i] = (struct idpos){orgs[i].id, i};
	qsort(byid, n, sizeof(*byid), cmp_idpos);
	if ((r = store_prepare(ctx->db,
	                       "SELECT org_id, (CAST(substr(session_date, 6, 2) AS INTEGER) + 2) / 3,"
	                       " kind, count(*),"
	                       " sum(CASE WHEN expected IS NOT NULL AND attendance IS NOT NULL"
	                       " THEN expected ELSE 0 END),"
	                       " sum(CASE WHEN expected IS NOT NULL AND attendance IS NOT NULL"
	                       " THEN attendance ELSE 0 END)"
	                       " FROM study_session WHERE deleted_at IS NULL"
	                       " AND session_date BETWEEN ? AND ? GROUP BY 1, 2, 3",
	                       &st))) {
		free(byid);
		goto out;
	}
	store_bind_text(st, 1, from);
	store_bind_text(st, 2, to);
	while (store_step(st) == STORE_ROW) {
		struct idpos key = {.id = store_column_int(st, 0)};
		struct idpos *hit = bsearch(&key, byid, n, sizeof(*byid), cmp_idpos);
		int quarter = (int)store_column_int(st, 1) - 1;
		int k = kind_index(session_kind_order, col_text(st, 2));
		if (!hit || quarter < 0 || quarter > 3 || k < 0)
			continue;
		struct qorg *d = &orgs[hit->pos];
		d->sessions[quarter][k] += (int)store_column_int(st, 3);
		d->expected[quarter] += store_column_int(st, 4);
		d->attended[quarter] += store_column_int(st, 5);
	}
	store_finalize(st);
	st = NULL;
	/* 第一议题 is held monthly: the months of each quarter that had one */
	if ((r = store_prepare(ctx->db,
	                       "SELECT org_id, (CAST(substr(session_date, 6, 2) AS INTEGER) + 2) / 3,"
	                       " count(DISTINCT substr(session_date, 6, 2)) FROM study_session"
	                       " WHERE deleted_at IS NULL AND kind = '第一议题'"
	                       " AND session_date BETWEEN ? AND ? GROUP BY 1, 2",
	                       &st))) {
		free(byid);
		goto out;
	}
	store_bind_text(st, 1, from);
	store_bind_text(st, 2, to);
	while (store_step(st) == STORE_ROW) {
		struct idpos key = {.id = store_column_int(st, 0)};
		struct idpos *hit = bsearch(&key, byid, n, sizeof(*byid), cmp_idpos);
		int quarter = (int)store_column_int(st, 1) - 1;
		if (hit && quarter >= 0 && quarter <= 3)
			orgs[hit->pos].first_months[quarter] = (int)store_column_int(st, 2);
	}
	free(byid);
	json_t *items = json_array();
	json_int_t flagged_orgs = 0;
	int64_t all_exp = 0, all_att = 0;
	json_int_t kind_totals[4] = {0};
	for (size_t i = 0; i < n; i++) {
		struct qorg *q = &orgs[i];
		json_t *quarters = json_array(), *flags = json_array();
		const char *est = str(q->item, "established"), *end = str(q->item, "end_date");
		/* an alliance links organizations; it holds no 第一议题 of its own */
		bool alliance = !strcmp(str(q->item, "kind"), KIND_ALLIANCE);
		int64_t exp = 0, att = 0;
		json_int_t total = 0;
		for (int k = 0; k < 4; k++) {
			char qs[16], qe[16];
			snprintf(qs, sizeof(qs), "%04d%s", year, quarter_start[k]);
			snprintf(qe, sizeof(qe), "%04d%s", year, quarter_end[k]);
			json_t *counts = json_object();
			json_int_t qt = 0;
			for (int j = 0; session_kind_order[j]; j++) {
				json_object_set_new(counts, session_kind_order[j],
				                    json_integer(q->sessions[k][j]));
				qt += q->sessions[k][j];
				kind_totals[j] += q->sessions[k][j];
			}
			bool ended = strcmp(qe, today) < 0;
			bool existed = (!*est || strcmp(est, qe) <= 0) && (!*end || strcmp(end, qs) >= 0);
			bool flag = ended && existed && !alliance && q->sessions[k][0] == 0;
			if (flag)
				json_array_append_new(flags, json_integer(k + 1));
			json_array_append_new(
			    quarters, json_pack("{s:i, s:o, s:i, s:I, s:I, s:I, s:o, s:b, s:b}", "quarter",
			                        k + 1, "counts", counts, "first_topic_months",
			                        q->first_months[k], "total", qt, "expected",
			                        (json_int_t)q->expected[k], "attendance",
			                        (json_int_t)q->attended[k], "attendance_rate",
			                        rate_json(q->attended[k], q->expected[k]), "no_first_topic",
			                        flag, "applicable", existed));
			exp += q->expected[k];
			att += q->attended[k];
			total += qt;
		}
		all_exp += exp;
		all_att += att;
		flagged_orgs += json_array_size(flags) > 0;
		json_object_set_new(q->item, "quarters", quarters);
		json_object_set_new(q->item, "flagged_quarters", flags);
		json_object_set_new(q->item, "total", json_integer(total));
		json_object_set_new(q->item, "attendance_rate", rate_json(att, exp));
		json_array_append_new(items, q->item);
		q->item = NULL;
	}
	json_t *by_kind = json_object();
	for (int j = 0; session_kind_order[j]; j++)
		json_object_set_new(by_kind, session_kind_order[j], json_integer(kind_totals[j]));
	*out = json_pack("{s:i, s:s, s:o, s:I, s:I, s:o, s:o, s:o}", "year", year, "today", today,
	                 "kinds", json_pack("[s,s,s,s]", session_kind_order[0], session_kind_order[1],
	                                    session_kind_order[2], session_kind_order[3]),
	                 "orgs", (json_int_t)n, "flagged", flagged_orgs, "by_kind", by_kind,
	                 "attendance_rate", rate_json(all_att, all_exp), "items", items);
out:
	for (size_t i = 0; i < n; i++)
		json_decref(orgs[i].item);
	free(orgs);
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	return r;
}

/* ---- chain health card ---- */

void org_previous_quarter(const char *date, char *from, char *to)
{
	int y = 0, m = 0;
	if (sscanf(date, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
		y = 2000, m = 1;
	int q = (m - 1) / 3; /* 0..3, the quarter holding date */
	if (q == 0)
		y--, q = 3;
	else
		q--;
	snprintf(from, 11, "%04d%s", y, quarter_start[q]);
	snprintf(to, 11, "%04d%s", y, quarter_end[q]);
}

/* the enterprises on a chain: those linked to one of its live segments */
#define CHAIN_ENTERPRISES                                                                          \
	"(SELECT es.enterprise_id FROM enterprise_segment es JOIN segment sg"                        \
	" ON sg.id = es.segment_id WHERE sg.chain_id = ? AND sg.deleted_at IS NULL)"

/* Runs sql (params p) and appends one JSON object per row to list, named by
 * the NULL-terminated column names; an "I"/"s"/"f" per column in types. */
static enum xz_result rows_into(struct store *db, struct buf *sql, struct sqlparams *p,
                                const char *const *names, const char *types, json_t *list)
{
	struct store_stmt *st = NULL;
	enum xz_result r = prepare_with(db, sql, p, &st);
	if (r)
		return r;
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		json_t *o = json_object();
		for (int c = 0; names[c]; c++) {
			json_t *v;
			if (store_column_type(st, c) == STORE_NULL)
				v = json_null();
			else if (types[c] == 'I')
				v = json_integer(store_column_int(st, c));
			else if (types[c] == 'f')
				v = json_real(store_column_double(st, c));
			else if (types[c] == 'b')
				v = json_boolean(store_column_int(st, c));
			else
				v = json_string(col_text(st, c));
			json_object_set_new(o, names[c], v);
		}
		json_array_append_new(list, o);
	}
	if (s == STORE_FAIL)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

static void reset(struct buf *sql, struct sqlparams *p)
{
	buf_reset(sql);
	params_free(p);
	memset(p, 0, sizeof(*p));
}

#define UNCOVERED_LIST_MAX 100

enum xz_result org_chain_health(struct engine_ctx *ctx, int64_t chain_id, json_t **out)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	json_t *chain = json_array(), *orgs = json_array(), *keys = json_array();
	json_t *members = json_array(), *duties = json_array(), *tmp = json_array();
	json_t *card = NULL, *ids = NULL, *totals = NULL, *committees = NULL, *alliances = NULL;
	json_t *member_units = NULL, *uncovered = NULL, *duty = NULL, *visits = NULL;
	json_t *problems = NULL, *catalog = NULL, *entries = NULL, *coverage = NULL;
	char today[16], qfrom[16], qto[16];
	util_today(today, sizeof(today));
	org_previous_quarter(today, qfrom, qto);
	const struct entity *org_e = model_find("org");
	*out = NULL;

	buf_puts(&sql, "SELECT c.id, c.name, c.chain_leader, cl.name FROM chain c"
	               " LEFT JOIN cluster cl ON cl.id = c.cluster_id"
	               " WHERE c.id = ? AND c.deleted_at IS NULL");
	params_int(&p, chain_id);
	enum xz_result r = rows_into(ctx->db, &sql, &p,
	                             (const char *const[]){"id", "name", "chain_leader", "cluster",
	                                                   NULL},
	                             "Isss", chain);
	if (r)
		goto out;
	if (!json_array_size(chain)) {
		r = XZ_ERR_NOT_FOUND;
		goto out;
	}

	/* the chain's committees and alliances (visible ones) */
	reset(&sql, &p);
	buf_puts(&sql, "SELECT o.id, o.name, o.kind, o.secretary, o.member_count, o.region_id"
	               " FROM org o WHERE o.deleted_at IS NULL AND o.chain_id = ?"
	               " AND o.kind IN " CHAIN_PARENT_KINDS);
	params_int(&p, chain_id);
	query_scope_as(org_e, ctx->actor, "o", &sql, &p);
	buf_puts(&sql, " ORDER BY " KIND_ORDER_SQL ", o.id");
	if ((r = rows_into(ctx->db, &sql, &p,
	                   (const char *const[]){"id", "name", "kind", "secretary", "member_count",
	                                         "region_id", NULL},
	                   "IsssII", orgs)))
		goto out;
	committees = json_array();
	alliances = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(orgs, i, o)
		json_array_append(strcmp(str(o, "kind"), KIND_COMMITTEE) ? alliances : committees, o);

	/* their current member units, by kind (distinct units) */
	reset(&sql, &p);
	buf_puts(&sql, "SELECT l.member_kind, count(DISTINCT coalesce(l.enterprise_id, l.institution_id,"
	               " l.park_id, l.member_org_id)) FROM org_link l JOIN org o ON o.id = l.org_id"
	               " WHERE o.deleted_at IS NULL AND o.chain_id = ? AND o.kind IN " CHAIN_PARENT_KINDS
	               " AND (l.end_date IS NULL OR l.end_date >= ?)");
	params_int(&p, chain_id);
	params_text(&p, today);
	query_scope_as(org_e, ctx->actor, "o", &sql, &p);
	buf_puts(&sql, " GROUP BY l.member_kind");
	if ((r = rows_into(ctx->db, &sql, &p, (const char *const[]){"kind", "n", NULL}, "sI",
	                   members)))
		goto out;
	member_units = json_pack("{s:i, s:i, s:i, s:i}", "企业", 0, "高校院所", 0, "园区", 0,
	                                 "党组织", 0);
	json_array_foreach(members, i, o) json_object_set(member_units, str(o, "kind"),
	                                                   json_object_get(o, "n"));

	/* key enterprises on the chain (规上, 专精特新 or 高新), covered when a
	 * current member of one of the chain's committees or alliances */
	reset(&sql, &p);
	buf_puts(&sql, "SELECT e.id, e.name, e.above_scale, e.srdi, e.high_tech, r.name,"
	               " EXISTS (SELECT 1 FROM org_link l JOIN org o ON o.id = l.org_id"
	               " WHERE l.enterprise_id = e.id AND l.member_kind = '企业'"
	               " AND (l.end_date IS NULL OR l.end_date >= ?) AND o.deleted_at IS NULL"
	               " AND o.chain_id = ? AND o.kind IN " CHAIN_PARENT_KINDS ")"
	               " FROM enterprise e JOIN region r ON r.id = e.region_id"
	               " WHERE e.deleted_at IS NULL"
	               " AND (e.above_scale = 1 OR e.srdi = 1 OR e.high_tech = 1)"
	               " AND e.id IN " CHAIN_ENTERPRISES);
	params_text(&p, today);
	params_int(&p, chain_id);
	params_int(&p, chain_id);
	query_scope_as(model_find("enterprise"), ctx->actor, "e", &sql, &p);
	buf_puts(&sql, " ORDER BY e.revenue DESC, e.id");
	if ((r = rows_into(ctx->db, &sql, &p,
	                   (const char *const[]){"id", "name", "above_scale", "srdi", "high_tech",
	                                         "region", "covered", NULL},
	                   "Isbbbsb", keys)))
		goto out;
	uncovered = json_array();
	json_int_t covered = 0, nuncovered = 0;
	json_array_foreach(keys, i, o) {
		if (json_is_true(json_object_get(o, "covered"))) {
			covered++;
			continue;
		}
		if (nuncovered++ < UNCOVERED_LIST_MAX) {
			json_object_del(o, "covered");
			json_array_append(uncovered, o);
		}
	}

	/* people on duty today, by kind (distinct persons) */
	reset(&sql, &p);
	buf_puts(&sql, "SELECT d.kind, count(DISTINCT d.person_id) FROM chain_duty d"
	               " WHERE d.deleted_at IS NULL AND d.chain_id = ? AND d.start_date <= ?"
	               " AND (d.end_date IS NULL OR d.end_date >= ?)");
	params_int(&p, chain_id);
	params_text(&p, today);
	params_text(&p, today);
	query_scope_as(model_find("chain_duty"), ctx->actor, "d", &sql, &p);
	buf_puts(&sql, " GROUP BY d.kind");
	if ((r = rows_into(ctx->db, &sql, &p, (const char *const[]){"kind", "n", NULL}, "sI",
	                   duties)))
		goto out;
	duty = new_kind_counts(duty_kind_order);
	json_array_foreach(duties, i, o) json_object_set(duty, str(o, "kind"), json_object_get(o, "n"));
	reset(&sql, &p);
	buf_puts(&sql, "SELECT count(DISTINCT d.person_id) FROM chain_duty d"
	               " WHERE d.deleted_at IS NULL AND d.chain_id = ? AND d.start_date <= ?"
	               " AND (d.end_date IS NULL OR d.end_date >= ?)");
	params_int(&p, chain_id);
	params_text(&p, today);
	params_text(&p, today);
	query_scope_as(model_find("chain_duty"), ctx->actor, "d", &sql, &p);
	if ((r = rows_into(ctx->db, &sql, &p, (const char *const[]){"n", NULL}, "I", tmp)))
		goto out;
	json_int_t on_duty = num(json_array_get(tmp, 0), "n");

	/* visits last quarter to enterprises on the chain */
	reset(&sql, &p);
	json_array_clear(tmp);
	buf_puts(&sql, "SELECT count(*), count(DISTINCT v.enterprise_id) FROM visit v"
	               " WHERE v.deleted_at IS NULL AND v.visit_date BETWEEN ? AND ?"
	               " AND v.enterprise_id IN " CHAIN_ENTERPRISES);
	params_text(&p, qfrom);
	params_text(&p, qto);
	params_int(&p, chain_id);
	query_scope_as(model_find("visit"), ctx->actor, "v", &sql, &p);
	if ((r = rows_into(ctx->db, &sql, &p, (const char *const[]){"visits", "enterprises", NULL},
	                   "II", tmp)))
		goto out;
	visits = json_pack("{s:s, s:s, s:O, s:O}", "from", qfrom, "to", qto, "count",
	                           json_object_get(json_array_get(tmp, 0), "visits"), "enterprises",
	                           json_object_get(json_array_get(tmp, 0), "enterprises"));

	/* open and overdue problems: the problem's chain, or its enterprise's
	 * when it names none */
	reset(&sql, &p);
	json_array_clear(tmp);
	buf_puts(&sql, "SELECT count(*), coalesce(sum(CASE WHEN p.deadline < ? THEN 1 ELSE 0 END), 0)"
	               " FROM problem p WHERE p.deleted_at IS NULL AND p.status IN " OPEN_STATES
	               " AND (p.chain_id = ? OR (p.chain_id IS NULL AND p.enterprise_id IN "
	               CHAIN_ENTERPRISES "))");
	params_text(&p, today);
	params_int(&p, chain_id);
	params_int(&p, chain_id);
	query_scope_as(model_find("problem"), ctx->actor, "p", &sql, &p);
	if ((r = rows_into(ctx->db, &sql, &p, (const char *const[]){"open", "overdue", NULL}, "II",
	                   tmp)))
		goto out;
	problems = json_incref(json_array_get(tmp, 0));

	/* the latest published shortage catalog's entries for the chain */
	reset(&sql, &p);
	json_array_clear(tmp);
	buf_puts(&sql, "SELECT id, title, year, published_at FROM catalog WHERE status = '已发布'"
	               " ORDER BY published_at DESC, id DESC LIMIT 1");
	if ((r = rows_into(ctx->db, &sql, &p,
	                   (const char *const[]){"id", "title", "year", "published_at", NULL}, "IsIs",
	                   tmp)))
		goto out;
	catalog = json_incref(json_array_get(tmp, 0));
	entries = json_array();
	if (catalog) {
		reset(&sql, &p);
		buf_puts(&sql, "SELECT post_name, shortage_index, grade, stars, demand_count, supply"
		               " FROM catalog_entry WHERE catalog_id = ? AND chain_id = ?"
		               " ORDER BY sort_order, id");
		params_int(&p, num(catalog, "id"));
		params_int(&p, chain_id);
		r = rows_into(ctx->db, &sql, &p,
		              (const char *const[]){"post_name", "shortage_index", "grade", "stars",
		                                    "demand_count", "supply", NULL},
		              "sfsIII", entries);
	}

	/* the orgs along the chain: its committees' and alliances' chain
	 * subtrees, and every org naming the chain */
	ids = json_array();
	if (!r) {
		reset(&sql, &p);
		json_array_clear(tmp);
		buf_puts(&sql, "SELECT o.id, o.kind FROM org o WHERE o.deleted_at IS NULL AND o.chain_id = ?");
		params_int(&p, chain_id);
		r = rows_into(ctx->db, &sql, &p, (const char *const[]){"id", "kind", NULL}, "Is", tmp);
	}
	json_t *seen = json_object();
	json_array_foreach(tmp, i, o) {
		if (r)
			break;
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)num(o, "id"));
		if (!json_object_get(seen, key)) {
			json_object_set_new(seen, key, json_true());
			json_array_append(ids, json_object_get(o, "id"));
		}
		if (!is_chain_parent_kind(str(o, "kind")))
			continue;
		struct reached *v = NULL;
		size_t n = 0;
		if ((r = walk(ctx->db, num(o, "id"), ORG_CHAIN, today, &v, &n)))
			break;
		for (size_t k = 0; k < n; k++) {
			snprintf(key, sizeof(key), "%lld", (long long)v[k].id);
			if (!json_object_get(seen, key)) {
				json_object_set_new(seen, key, json_true());
				json_array_append_new(ids, json_integer(v[k].id));
			}
		}
		free(v);
	}
	json_decref(seen);
	if (!r)
		r = totals_of(ctx, ids, NULL, &totals);

	if (r)
		goto out;
	json_int_t nkeys = (json_int_t)json_array_size(keys);
	coverage = nkeys ? json_real((double)((covered * 1000 + nkeys / 2) / nkeys) / 10.0)
	                 : json_null();
	json_t *first = json_array_get(committees, 0);
	card = json_pack("{s:O, s:s, s:O, s:O, s:O, s:O, s:{s:I, s:I, s:I, s:O, s:O},"
	                 " s:{s:I, s:O}, s:O, s:O, s:O, s:O, s:O}",
	                 "chain", json_array_get(chain, 0), "today", today, "committee",
	                 first ? first : json_null(), "committees", committees, "alliances", alliances,
	                 "member_units", member_units, "key_enterprises", "total", nkeys, "covered",
	                 covered, "uncovered", nuncovered, "coverage_rate", coverage,
	                 "uncovered_list", uncovered, "on_duty", "persons", on_duty, "by_kind", duty,
	                 "visits_last_quarter", visits, "problems", problems ? problems : json_null(),
	                 "catalog", catalog ? catalog : json_null(), "catalog_entries", entries,
	                 "org_totals", totals);
	if (!card)
		r = XZ_ERR_INTERNAL;
out:
	*out = r ? NULL : card;
	if (r)
		json_decref(card);
	json_decref(committees);
	json_decref(alliances);
	json_decref(member_units);
	json_decref(uncovered);
	json_decref(duty);
	json_decref(visits);
	json_decref(problems);
	json_decref(catalog);
	json_decref(entries);
	json_decref(coverage);
	json_decref(totals);
	json_decref(chain);
	json_decref(orgs);
	json_decref(keys);
	json_decref(members);
	json_decref(duties);
	json_decref(tmp);
	json_decref(ids);
	params_free(&p);
	buf_free(&sql);
	return r;
}
