/*
 * 一张图 (see onemap.h). Each figure is one aggregate query written once as
 * a template and run for every level: {K} is the grouping key (the
 * cluster, the chain, or 0 for the level's own totals), {F} the level's
 * filter (a cluster's chains, one chain, a chain's enterprises) with its id
 * bound, {T} today, and {S:alias:entity} the caller's data scope for the
 * counted entity. The expander appends text and bound values in one pass,
 * so the placeholders and their values cannot drift apart; no value from
 * the request ever enters the SQL text.
 */
#include "domain/onemap.h"

#include "core/buf.h"
#include "core/util.h"
#include "engine/query.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPEN_PROBLEM        "('待受理', '办理中', '已退回')"
#define ENTERPRISE_ROWS_MAX 2000

bool onemap_level_parse(const char *s, enum onemap_level *out)
{
	static const char *const names[] = {"city", "cluster", "chain"};
	for (int i = 0; i < 3; i++) {
		if (s && !strcmp(s, names[i])) {
			*out = (enum onemap_level)i;
			return true;
		}
	}
	return false;
}

/* How one level groups and filters. */
struct level {
	const char *key;    /* SQL for the row key, e.g. "ch.cluster_id" or "0" */
	const char *filter; /* " AND …" with at most one '?', or "" */
	int64_t filter_id;
};

struct view {
	struct engine_ctx *ctx;
	char today[16];
};

static void expand(struct view *v, const struct level *L, const char *tmpl, struct buf *sql,
                   struct sqlparams *p)
{
	for (const char *c = tmpl; *c;) {
		if (!strncmp(c, "{K}", 3)) {
			buf_puts(sql, L->key);
			c += 3;
		} else if (!strncmp(c, "{F}", 3)) {
			buf_puts(sql, L->filter);
			if (strchr(L->filter, '?'))
				params_int(p, L->filter_id);
			c += 3;
		} else if (!strncmp(c, "{T}", 3)) {
			buf_putc(sql, '?');
			params_text(p, v->today);
			c += 3;
		} else if (!strncmp(c, "{S:", 3)) {
			/* {S:alias:entity} */
			char alias[16], entity[32];
			const char *a = c + 3, *colon = strchr(a, ':'),
			           *end = colon ? strchr(colon, '}') : NULL;
			if (!colon || !end || (size_t)(colon - a) >= sizeof(alias) ||
			    (size_t)(end - colon - 1) >= sizeof(entity))
				abort(); /* a malformed template is a programming error */
			snprintf(alias, sizeof(alias), "%.*s", (int)(colon - a), a);
			snprintf(entity, sizeof(entity), "%.*s", (int)(end - colon - 1), colon + 1);
			query_scope_as(model_find(entity), v->ctx->actor, alias, sql, p);
			c = end + 1;
		} else {
			buf_putc(sql, *c++);
		}
	}
}

/* 万元 → 亿元, to 0.01 */
static double yi(double wan)
{
	return round(wan / 100.0) / 100.0;
}

static json_t *row_for(json_t *index, int64_t id)
{
	char key[24];
	snprintf(key, sizeof(key), "%" PRId64, id);
	return json_object_get(index, key);
}

static void index_put(json_t *index, int64_t id, json_t *row)
{
	char key[24];
	snprintf(key, sizeof(key), "%" PRId64, id);
	json_object_set(index, key, row);
}

/* Runs the template for level L; column 0 is the key, columns 1… are the
 * figures named in fields (enterprise_revenue in 万元 becomes 亿元). */
static enum xz_result fill(struct view *v, const struct level *L, const char *tmpl, json_t *index,
                           const char *const *fields)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	expand(v, L, tmpl, &sql, &p);
	enum xz_result r = store_prepare(v->ctx->db, buf_cstr(&sql), &st);
	if (!r) {
		params_bind(&p, st, 1);
		enum store_step s;
		while ((s = store_step(st)) == STORE_ROW) {
			json_t *row = row_for(index, store_column_int(st, 0));
			for (int i = 0; row && fields[i]; i++) {
				if (!strcmp(fields[i], "enterprise_revenue"))
					json_object_set_new(row, fields[i],
					                    json_real(yi(store_column_double(st, i + 1))));
				else
					json_object_set_new(
					    row, fields[i],
					    json_integer(store_column_int(st, i + 1)));
			}
		}
		if (s != STORE_DONE)
			r = store_stmt_result(st);
	}
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	return r;
}

/* ---- the figures along the chains (city and cluster levels, and totals) ---- */

static const char *const F_CHAINS[] = {"chains", NULL};
static const char *const F_ENTERPRISES[] = {"enterprises", "enterprise_revenue", NULL};
static const char *const F_TALENTS[] = {"talents", NULL};
static const char *const F_NEEDS[] = {"open_needs", "open_headcount", NULL};
static const char *const F_ORGS[] = {"orgs", NULL};
static const char *const F_DUTIES[] = {"duties", NULL};
static const char *const F_PROBLEMS[] = {"open_problems", NULL};

static const char T_CHAINS[] =
    "SELECT {K}, count(*) FROM chain ch WHERE ch.deleted_at IS NULL{F} GROUP BY 1";

static const char T_ENTERPRISES[] =
    "SELECT k, count(*), coalesce(sum(rev), 0) FROM (SELECT DISTINCT {K} AS k, e.id,"
    " e.revenue AS rev FROM enterprise e"
    " JOIN enterprise_segment es ON es.enterprise_id = e.id"
    " JOIN segment s ON s.id = es.segment_id AND s.deleted_at IS NULL"
    " JOIN chain ch ON ch.id = s.chain_id AND ch.deleted_at IS NULL"
    " WHERE e.deleted_at IS NULL{F}{S:e:enterprise}) AS x GROUP BY k";

static const char T_TALENTS[] =
    "SELECT {K}, count(*) FROM talent t"
    " JOIN chain ch ON ch.id = t.chain_id AND ch.deleted_at IS NULL"
    " WHERE t.deleted_at IS NULL AND coalesce(t.status, '') <> '已离锡'{F}{S:t:talent}"
    " GROUP BY 1";

/* an open need's chains: its segment's, or its enterprise's when it names none */
static const char T_NEEDS[] =
    "SELECT k, count(*), coalesce(sum(hc), 0) FROM (SELECT DISTINCT {K} AS k, n.id,"
    " n.headcount AS hc FROM need n JOIN ("
    "SELECT n2.id AS nid, s.chain_id AS cid FROM need n2 JOIN segment s ON s.id = n2.segment_id"
    " WHERE n2.deleted_at IS NULL AND n2.status = '开放'"
    " UNION SELECT n2.id, s.chain_id FROM need n2"
    " JOIN enterprise_segment es ON es.enterprise_id = n2.enterprise_id"
    " JOIN segment s ON s.id = es.segment_id AND s.deleted_at IS NULL"
    " WHERE n2.deleted_at IS NULL AND n2.status = '开放' AND n2.segment_id IS NULL"
    ") nc ON nc.nid = n.id JOIN chain ch ON ch.id = nc.cid AND ch.deleted_at IS NULL"
    " WHERE 1=1{F}{S:n:need}) AS x GROUP BY k";

static const char T_ORGS[] =
    "SELECT {K}, count(*) FROM org o JOIN chain ch ON ch.id = o.chain_id AND ch.deleted_at IS NULL"
    " WHERE o.deleted_at IS NULL AND (o.end_date IS NULL OR o.end_date >= {T}){F}{S:o:org}"
    " GROUP BY 1";

static const char T_DUTIES[] =
    "SELECT {K}, count(*) FROM chain_duty d"
    " JOIN chain ch ON ch.id = d.chain_id AND ch.deleted_at IS NULL"
    " WHERE d.deleted_at IS NULL AND d.start_date <= {T}"
    " AND (d.end_date IS NULL OR d.end_date >= {T}){F}{S:d:chain_duty} GROUP BY 1";

/* an open problem's chains: its own, or its enterprise's when it names none */
static const char T_PROBLEMS[] =
    "SELECT k, count(*) FROM (SELECT DISTINCT {K} AS k, p.id FROM problem p JOIN ("
    "SELECT p2.id AS pid, p2.chain_id AS cid FROM problem p2"
    " WHERE p2.deleted_at IS NULL AND p2.status IN " OPEN_PROBLEM " AND p2.chain_id IS NOT NULL"
    " UNION SELECT p2.id, s.chain_id FROM problem p2"
    " JOIN enterprise_segment es ON es.enterprise_id = p2.enterprise_id"
    " JOIN segment s ON s.id = es.segment_id AND s.deleted_at IS NULL"
    " WHERE p2.deleted_at IS NULL AND p2.status IN " OPEN_PROBLEM " AND p2.chain_id IS NULL"
    ") pc ON pc.pid = p.id JOIN chain ch ON ch.id = pc.cid AND ch.deleted_at IS NULL"
    " WHERE 1=1{F}{S:p:problem}) AS x GROUP BY k";

static const struct {
	const char *tmpl;
	const char *const *fields;
} chain_figures[] = {
    {T_CHAINS, F_CHAINS},     {T_ENTERPRISES, F_ENTERPRISES},
    {T_TALENTS, F_TALENTS},   {T_NEEDS, F_NEEDS},
    {T_ORGS, F_ORGS},         {T_DUTIES, F_DUTIES},
    {T_PROBLEMS, F_PROBLEMS},
};

/* ---- the figures of a chain's enterprises ---- */

#define CHAIN_ENTERPRISES                                                                          \
	" IN (SELECT es.enterprise_id FROM enterprise_segment es"                                  \
	" JOIN segment s ON s.id = es.segment_id AND s.deleted_at IS NULL WHERE s.chain_id = ?)"

static const char T_E_TALENTS[] =
    "SELECT t.enterprise_id, count(*) FROM talent t WHERE t.deleted_at IS NULL"
    " AND coalesce(t.status, '') <> '已离锡' AND t.enterprise_id{F}{S:t:talent} GROUP BY 1";

static const char T_E_NEEDS[] =
    "SELECT n.enterprise_id, count(*), coalesce(sum(n.headcount), 0) FROM need n"
    " WHERE n.deleted_at IS NULL AND n.status = '开放' AND n.enterprise_id{F}{S:n:need}"
    " GROUP BY 1";

static const char T_E_PROBLEMS[] =
    "SELECT p.enterprise_id, count(*) FROM problem p WHERE p.deleted_at IS NULL"
    " AND p.status IN " OPEN_PROBLEM " AND p.enterprise_id{F}{S:p:problem} GROUP BY 1";

static const char T_E_ORGS[] =
    "SELECT x.ent, count(DISTINCT x.org) FROM ("
    "SELECT l.enterprise_id AS ent, l.org_id AS org FROM org_link l"
    " WHERE l.enterprise_id IS NOT NULL AND (l.end_date IS NULL OR l.end_date >= {T})"
    " UNION SELECT d.enterprise_id, d.org_id FROM chain_duty d WHERE d.deleted_at IS NULL"
    " AND d.org_id IS NOT NULL AND d.enterprise_id IS NOT NULL AND d.start_date <= {T}"
    " AND (d.end_date IS NULL OR d.end_date >= {T})"
    ") x JOIN org o ON o.id = x.org AND o.deleted_at IS NULL"
    " AND (o.end_date IS NULL OR o.end_date >= {T}) WHERE x.ent{F}{S:o:org} GROUP BY 1";

static const char T_E_DUTIES[] =
    "SELECT d.enterprise_id, count(*) FROM chain_duty d WHERE d.deleted_at IS NULL"
    " AND d.start_date <= {T} AND (d.end_date IS NULL OR d.end_date >= {T})"
    " AND d.enterprise_id{F}{S:d:chain_duty} GROUP BY 1";

static const struct {
	const char *tmpl;
	const char *const *fields;
} enterprise_figures[] = {
    {T_E_TALENTS, F_TALENTS}, {T_E_NEEDS, F_NEEDS},   {T_E_PROBLEMS, F_PROBLEMS},
    {T_E_ORGS, F_ORGS},       {T_E_DUTIES, F_DUTIES},
};

static json_t *zero_figures(bool chains)
{
	json_t *o = json_pack("{s:i, s:f, s:i, s:i, s:i, s:i, s:i, s:i}", "enterprises", 0,
	                      "enterprise_revenue", 0.0, "talents", 0, "open_needs", 0,
	                      "open_headcount", 0, "orgs", 0, "duties", 0, "open_problems", 0);
	if (chains)
		json_object_set_new(o, "chains", json_integer(0));
	return o;
}

static enum xz_result run_all(struct view *v, const struct level *L, json_t *index,
                              bool enterprises)
{
	enum xz_result r = XZ_OK;
	if (enterprises) {
		for (size_t i = 0;
		     !r && i < sizeof(enterprise_figures) / sizeof(enterprise_figures[0]); i++)
			r = fill(v, L, enterprise_figures[i].tmpl, index,
			         enterprise_figures[i].fields);
	} else {
		for (size_t i = 0; !r && i < sizeof(chain_figures) / sizeof(chain_figures[0]); i++)
			r = fill(v, L, chain_figures[i].tmpl, index, chain_figures[i].fields);
	}
	return r;
}

/* ---- rows of each level ---- */

/* id, name (and for the caller's use, a third column) of the rows */
static enum xz_result load_rows(struct view *v, const char *sql, int64_t bind, json_t *rows,
                                json_t *index, const char *next, bool chains)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(v->ctx->db, sql, &st);
	if (r)
		return r;
	if (bind)
		store_bind_int(st, 1, bind);
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		json_t *row = zero_figures(chains);
		int64_t id = store_column_int(st, 0);
		json_object_set_new(row, "id", json_integer(id));
		json_object_set_new(row, "name", json_string(store_column_text(st, 1)));
		json_object_set_new(row, "next", json_string(next));
		json_array_append(rows, row);
		index_put(index, id, row);
		json_decref(row);
	}
	if (s != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

/* 规上营收 and shares of the newest year onto the cluster rows and totals */
static enum xz_result cluster_stats(struct view *v, json_t *rows, json_t *index, json_t *totals,
                                    int64_t only_cluster, int64_t *year)
{
	struct store_stmt *st = NULL;
	*year = 0;
	enum xz_result r = store_query_int(
	    v->ctx->db, "SELECT coalesce(max(year), 0) FROM cluster_stat", year, 0, NULL);
	if (r)
		return r;
	json_t *row;
	size_t i;
	json_array_foreach(rows, i, row)
	{
		json_object_set_new(row, "revenue", json_null());
		json_object_set_new(row, "strategic_share", json_null());
		json_object_set_new(row, "hightech_share", json_null());
		json_object_set_new(row, "revenue_share", json_null());
	}
	if ((r = store_prepare(v->ctx->db,
	                       "SELECT s.cluster_id, s.revenue, s.strategic_share, s.hightech_share"
	                       " FROM cluster_stat s JOIN cluster c ON c.id = s.cluster_id"
	                       " AND c.deleted_at IS NULL WHERE s.year = ?",
	                       &st)))
		return r;
	store_bind_int(st, 1, *year);
	double revenue = 0, strategic = 0, hightech = 0, mine = -1, mine_s = 0, mine_h = 0;
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		int64_t id = store_column_int(st, 0);
		double rev = store_column_double(st, 1);
		double ss = store_column_double(st, 2), hs = store_column_double(st, 3);
		bool has_s = store_column_type(st, 2) != STORE_NULL;
		bool has_h = store_column_type(st, 3) != STORE_NULL;
		revenue += rev;
		strategic += rev * ss;
		hightech += rev * hs;
		if (id == only_cluster) {
			mine = rev;
			mine_s = ss;
			mine_h = hs;
		}
		row = row_for(index, id);
		if (row) {
			json_object_set_new(row, "revenue", json_real(rev));
			json_object_set_new(row, "strategic_share",
			                    has_s ? json_real(ss) : json_null());
			json_object_set_new(row, "hightech_share",
			                    has_h ? json_real(hs) : json_null());
		}
	}
	if (s != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	json_array_foreach(rows, i, row)
	{
		json_t *rv = json_object_get(row, "revenue");
		if (json_is_number(rv) && revenue > 0)
			json_object_set_new(
			    row, "revenue_share",
			    json_real(round(json_number_value(rv) / revenue * 10000) / 100));
	}
	if (!only_cluster) {
		json_object_set_new(totals, "revenue", json_real(revenue));
		json_object_set_new(
		    totals, "strategic_share",
		    json_real(revenue > 0 ? round(strategic / revenue * 100) / 100 : 0));
		json_object_set_new(
		    totals, "hightech_share",
		    json_real(revenue > 0 ? round(hightech / revenue * 100) / 100 : 0));
		json_object_set_new(totals, "revenue_share", json_real(revenue > 0 ? 100.0 : 0.0));
	} else if (mine >= 0) {
		json_object_set_new(totals, "revenue", json_real(mine));
		json_object_set_new(totals, "strategic_share", json_real(mine_s));
		json_object_set_new(totals, "hightech_share", json_real(mine_h));
		json_object_set_new(
		    totals, "revenue_share",
		    json_real(revenue > 0 ? round(mine / revenue * 10000) / 100 : 0));
	}
	return r;
}

static enum xz_result name_of(struct store *db, const char *sql, int64_t id, char *name, size_t n,
                              int64_t *other)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	store_bind_int(st, 1, id);
	enum store_step s = store_step(st);
	if (s == STORE_ROW) {
		snprintf(name, n, "%s", store_column_text(st, 0) ? store_column_text(st, 0) : "");
		if (other)
			*other = store_column_int(st, 1);
	} else {
		r = s == STORE_DONE ? XZ_ERR_NOT_FOUND : store_stmt_result(st);
	}
	store_finalize(st);
	return r;
}

/* enterprise rows of a chain, in scope, largest first, with their facts */
static enum xz_result enterprise_rows(struct view *v, int64_t chain_id, json_t *rows, json_t *index,
                                      bool *truncated)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	buf_puts(&sql, "SELECT e.id, e.name, e.revenue, e.above_scale, e.high_tech, e.srdi, r.name"
	               " FROM enterprise e LEFT JOIN region r ON r.id = e.region_id"
	               " WHERE e.deleted_at IS NULL AND e.id" CHAIN_ENTERPRISES);
	params_int(&p, chain_id);
	query_scope_as(model_find("enterprise"), v->ctx->actor, "e", &sql, &p);
	buf_printf(&sql, " ORDER BY coalesce(e.revenue, -1) DESC, e.id LIMIT %d",
	           ENTERPRISE_ROWS_MAX + 1);
	enum xz_result r = store_prepare(v->ctx->db, buf_cstr(&sql), &st);
	*truncated = false;
	if (!r) {
		params_bind(&p, st, 1);
		enum store_step s;
		int n = 0;
		while ((s = store_step(st)) == STORE_ROW) {
			if (++n > ENTERPRISE_ROWS_MAX) {
				*truncated = true;
				break;
			}
			int64_t id = store_column_int(st, 0);
			json_t *row = zero_figures(false);
			json_object_set_new(row, "id", json_integer(id));
			json_object_set_new(row, "name", json_string(store_column_text(st, 1)));
			json_object_set_new(row, "next", json_string("enterprise"));
			json_object_del(row, "enterprises");
			json_object_set_new(
			    row, "enterprise_revenue",
			    store_column_type(st, 2) == STORE_NULL
			        ? json_null()
			        : json_real(yi(store_column_double(st, 2))));
			json_object_set_new(row, "above_scale",
			                    json_boolean(store_column_int(st, 3)));
			json_object_set_new(row, "high_tech",
			                    json_boolean(store_column_int(st, 4)));
			json_object_set_new(row, "srdi", json_boolean(store_column_int(st, 5)));
			const char *region = store_column_text(st, 6);
			json_object_set_new(row, "region",
			                    region ? json_string(region) : json_null());
			json_array_append(rows, row);
			index_put(index, id, row);
			json_decref(row);
		}
		if (s != STORE_DONE && s != STORE_ROW)
			r = store_stmt_result(st);
	}
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	return r;
}

enum xz_result onemap_view(struct engine_ctx *ctx, enum onemap_level level, int64_t id,
                           json_t **out)
{
	struct view v = {.ctx = ctx};
	json_t *rows = json_array(), *index = json_object(), *totals = NULL,
	       *tindex = json_object();
	json_t *crumbs = json_array();
	char city[64] = "全市", cluster_name[128] = "", chain_name[128] = "", scope[256];
	int64_t year = 0, cluster_id = 0;
	bool truncated = false;
	enum xz_result r = XZ_OK;
	*out = NULL;
	util_today(v.today, sizeof(v.today));

	/* the city's name, for the first crumb */
	struct store_stmt *st = NULL;
	if (!store_prepare(ctx->db,
	                   "SELECT name FROM region WHERE level = '市' AND deleted_at IS NULL"
	                   " ORDER BY id LIMIT 1",
	                   &st) &&
	    store_step(st) == STORE_ROW && store_column_text(st, 0))
		snprintf(city, sizeof(city), "%s", store_column_text(st, 0));
	store_finalize(st);
	json_array_append_new(crumbs,
	                      json_pack("{s:s, s:n, s:s}", "level", "city", "id", "name", city));

	if (level == ONEMAP_CHAIN) {
		if ((r = name_of(
		         ctx->db,
		         "SELECT name, cluster_id FROM chain WHERE id = ? AND deleted_at IS NULL",
		         id, chain_name, sizeof(chain_name), &cluster_id)))
			goto out;
	} else if (level == ONEMAP_CLUSTER) {
		cluster_id = id;
	}
	if (cluster_id &&
	    (r = name_of(ctx->db, "SELECT name FROM cluster WHERE id = ? AND deleted_at IS NULL",
	                 cluster_id, cluster_name, sizeof(cluster_name), NULL)))
		goto out;
	if (cluster_id)
		json_array_append_new(crumbs,
		                      json_pack("{s:s, s:I, s:s}", "level", "cluster", "id",
		                                (json_int_t)cluster_id, "name", cluster_name));
	if (level == ONEMAP_CHAIN)
		json_array_append_new(crumbs, json_pack("{s:s, s:I, s:s}", "level", "chain", "id",
		                                        (json_int_t)id, "name", chain_name));

	totals = zero_figures(level != ONEMAP_CHAIN);
	index_put(tindex, 0, totals);
	if (level == ONEMAP_CITY) {
		const struct level rows_l = {"ch.cluster_id", "", 0}, tot_l = {"0", "", 0};
		if ((r = load_rows(&v,
		                   "SELECT id, name FROM cluster WHERE deleted_at IS NULL"
		                   " ORDER BY sort_order, id",
		                   0, rows, index, "cluster", true)) ||
		    (r = run_all(&v, &rows_l, index, false)) ||
		    (r = run_all(&v, &tot_l, tindex, false)) ||
		    (r = cluster_stats(&v, rows, index, totals, 0, &year)))
			goto out;
	} else if (level == ONEMAP_CLUSTER) {
		const struct level rows_l = {"ch.id", " AND ch.cluster_id = ?", id},
		                   tot_l = {"0", " AND ch.cluster_id = ?", id};
		json_t *none = json_array(), *none_index = json_object();
		if ((r = load_rows(
		         &v,
		         "SELECT id, name FROM chain WHERE cluster_id = ? AND deleted_at IS NULL"
		         " ORDER BY id",
		         id, rows, index, "chain", false)) ||
		    (r = run_all(&v, &rows_l, index, false)) ||
		    (r = run_all(&v, &tot_l, tindex, false)))
			goto out;
		json_t *row;
		size_t i;
		json_array_foreach(rows, i, row)
		    json_object_del(row, "chains"); /* each row is one chain */
		json_object_set_new(totals, "chains",
		                    json_integer((json_int_t)json_array_size(rows)));
		r = cluster_stats(&v, none, none_index, totals, id, &year);
		json_decref(none);
		json_decref(none_index);
		if (r)
			goto out;
	} else {
		const struct level rows_l = {"", CHAIN_ENTERPRISES, id},
		                   tot_l = {"0", " AND ch.id = ?", id};
		if ((r = enterprise_rows(&v, id, rows, index, &truncated)) ||
		    (r = run_all(&v, &rows_l, index, true)) ||
		    (r = run_all(&v, &tot_l, tindex, false)))
			goto out;
		json_object_del(totals, "chains");
	}
	static const char *const level_names[] = {"city", "cluster", "chain"};
	*out = json_pack("{s:s, s:o, s:s, s:I, s:s, s:O, s:O, s:O, s:b}", "level",
	                 level_names[level], "id",
	                 level == ONEMAP_CITY ? json_null() : json_integer((json_int_t)id), "name",
	                 level == ONEMAP_CITY      ? city
	                 : level == ONEMAP_CLUSTER ? cluster_name
	                                           : chain_name,
	                 "year", (json_int_t)year, "scope",
	                 query_scope_describe(ctx->actor, scope, sizeof(scope)), "breadcrumb",
	                 crumbs, "totals", totals, "rows", rows, "truncated", truncated);
out:
	json_decref(rows);
	json_decref(index);
	json_decref(totals);
	json_decref(tindex);
	json_decref(crumbs);
	return r;
}
