/*
 * 531 recruitment (see recruit.h): the validation hooks of source points and
 * recruitment events, the table of city centroids, and the KPI and map read
 * models. The read models are a handful of aggregate queries over live rows
 * (every value bound as a parameter); attributed talents pass through the
 * caller's data scope with query_scope_as(), points and events are city-wide
 * reference data.
 */
#include "domain/recruit.h"

#include "core/buf.h"
#include "engine/query.h"
#include "model/entities.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const struct recruit_plan_row recruit_plan[RECRUIT_NKINDS] = {
    {"海外区域", 5},
    {"国内城市", 30},
    {"高校", 100},
};

/* ---- city centroids ---- */

/* The centre of each city that the demo's (and a typical) 531 plan names,
 * by its GB/T 2260 code: the municipalities by their 省级 code, the other
 * cities by their 地级 code. Coordinates are the city government's, to
 * three decimals (about 100 m), which is all a national map can show. */
static const struct centroid {
	const char *code, *name;
	double lng, lat;
} centroids[] = {
    {"110000", "北京市", 116.407, 39.904},         {"120000", "天津市", 117.201, 39.085},
    {"130100", "石家庄市", 114.515, 38.042},       {"140100", "太原市", 112.549, 37.871},
    {"150100", "呼和浩特市", 111.749, 40.842},     {"210100", "沈阳市", 123.431, 41.806},
    {"210200", "大连市", 121.615, 38.914},         {"220100", "长春市", 125.324, 43.817},
    {"230100", "哈尔滨市", 126.535, 45.803},       {"310000", "上海市", 121.474, 31.230},
    {"320100", "南京市", 118.797, 32.060},         {"320200", "无锡市", 120.312, 31.491},
    {"320300", "徐州市", 117.284, 34.205},         {"320400", "常州市", 119.974, 31.811},
    {"320500", "苏州市", 120.585, 31.299},         {"330100", "杭州市", 120.155, 30.274},
    {"330200", "宁波市", 121.550, 29.875},         {"340100", "合肥市", 117.227, 31.820},
    {"350100", "福州市", 119.296, 26.074},         {"350200", "厦门市", 118.089, 24.480},
    {"360100", "南昌市", 115.858, 28.683},         {"370100", "济南市", 117.121, 36.651},
    {"370200", "青岛市", 120.383, 36.067},         {"410100", "郑州市", 113.625, 34.747},
    {"420100", "武汉市", 114.305, 30.593},         {"430100", "长沙市", 112.938, 28.228},
    {"440100", "广州市", 113.264, 23.129},         {"440300", "深圳市", 114.058, 22.543},
    {"440400", "珠海市", 113.577, 22.271},         {"440600", "佛山市", 113.122, 23.022},
    {"441900", "东莞市", 113.752, 23.021},         {"450100", "南宁市", 108.366, 22.817},
    {"460100", "海口市", 110.199, 20.044},         {"500000", "重庆市", 106.551, 29.563},
    {"510100", "成都市", 104.066, 30.573},         {"520100", "贵阳市", 106.630, 26.647},
    {"530100", "昆明市", 102.833, 24.880},         {"610100", "西安市", 108.940, 34.341},
    {"620100", "兰州市", 103.834, 36.061},         {"650100", "乌鲁木齐市", 87.617, 43.826},
    {"810000", "香港特别行政区", 114.173, 22.320}, {"820000", "澳门特别行政区", 113.549, 22.199},
};

static const struct centroid *centroid_exact(const char *code)
{
	for (size_t i = 0; i < sizeof(centroids) / sizeof(centroids[0]); i++)
		if (!strcmp(centroids[i].code, code))
			return &centroids[i];
	return NULL;
}

bool recruit_valid_city_code(const char *s)
{
	static const int provinces[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
	                                35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
	                                53, 54, 61, 62, 63, 64, 65, 71, 81, 82};
	if (!s || strlen(s) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	int p = (s[0] - '0') * 10 + (s[1] - '0');
	for (size_t i = 0; i < sizeof(provinces) / sizeof(provinces[0]); i++)
		if (provinces[i] == p)
			return true;
	return false;
}

bool recruit_city_centroid(const char *code, double *lng, double *lat, const char **name)
{
	if (!recruit_valid_city_code(code))
		return false;
	/* the code itself, its city (a district's first four digits), its
	 * province (a municipality's districts) */
	char city[7], prov[7];
	snprintf(city, sizeof(city), "%.4s00", code);
	snprintf(prov, sizeof(prov), "%.2s0000", code);
	const struct centroid *c = centroid_exact(code);
	if (!c)
		c = centroid_exact(city);
	if (!c)
		c = centroid_exact(prov);
	if (!c)
		return false;
	*lng = c->lng;
	*lat = c->lat;
	if (name)
		*name = c->name;
	return true;
}

/* ---- validation ---- */

static const char *text_of(json_t *row, const char *key)
{
	const char *s = json_string_value(json_object_get(row, key));
	return s && *s ? s : NULL;
}

void recruit_point_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                            struct model_errors *errs)
{
	(void)e;
	const char *kind = text_of(row, "kind");
	const char *code = text_of(row, "city_code");
	bool overseas = kind && !strcmp(kind, "海外区域");
	if (overseas && !text_of(row, "country"))
		model_error(errs, "country", "required_for_kind", "海外区域引才点须填写国家或地区");
	if (kind && !strcmp(kind, "国内城市") && !text_of(row, "city"))
		model_error(errs, "city", "required_for_kind", "国内城市引才点须填写城市");
	if (code && overseas)
		model_error(errs, "city_code", "not_domestic",
		            "城市代码只用于国内城市和高校，海外区域引才点请留空");
	else if (code && !recruit_valid_city_code(code))
		model_error(errs, "city_code", "bad_code",
		            "城市代码应为6位 GB/T 2260 行政区划代码，如 "
		            "110000（北京市）、440300（深圳市）");
	bool has_lng = json_is_number(json_object_get(row, "lng"));
	bool has_lat = json_is_number(json_object_get(row, "lat"));
	if (has_lng && !has_lat)
		model_error(errs, "lat", "coordinate_pair",
		            "经度和纬度须同时填写：已填经度，缺纬度");
	else if (has_lat && !has_lng)
		model_error(errs, "lng", "coordinate_pair",
		            "经度和纬度须同时填写：已填纬度，缺经度");
	/* a point cannot be set up after its own events */
	const char *est = text_of(row, "established");
	struct store_stmt *st = NULL;
	if (id && est &&
	    !store_prepare(db,
	                   "SELECT min(event_date) FROM recruit_event"
	                   " WHERE point_id = ? AND deleted_at IS NULL",
	                   &st)) {
		store_bind_int(st, 1, id);
		if (store_step(st) == STORE_ROW && store_column_text(st, 0) &&
		    strcmp(store_column_text(st, 0), est) < 0)
			model_error(errs, "established", "after_events",
			            "设立日期不能晚于该引才点最早的活动日期（%s）",
			            store_column_text(st, 0));
	}
	store_finalize(st);
}

void recruit_event_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                            struct model_errors *errs)
{
	(void)e;
	(void)id;
	json_t *part = json_object_get(row, "participants");
	static const struct {
		const char *field, *label;
	} signed_counts[] = {{"talents_signed", "签约人才"}, {"projects_signed", "签约项目"}};
	for (size_t i = 0; json_is_integer(part) && i < 2; i++) {
		json_t *v = json_object_get(row, signed_counts[i].field);
		if (json_is_integer(v) && json_integer_value(v) > json_integer_value(part))
			model_error(errs, signed_counts[i].field, "over_participants",
			            "%s（%" JSON_INTEGER_FORMAT
			            "）不能多于参加人数（%" JSON_INTEGER_FORMAT "）",
			            signed_counts[i].label, json_integer_value(v),
			            json_integer_value(part));
	}
	json_t *point = json_object_get(row, "point_id");
	const char *date = text_of(row, "event_date");
	struct store_stmt *st = NULL;
	if (json_is_integer(point) && date &&
	    !store_prepare(db, "SELECT established FROM source_point WHERE id = ?", &st)) {
		store_bind_int(st, 1, json_integer_value(point));
		if (store_step(st) == STORE_ROW && store_column_text(st, 0) &&
		    strcmp(date, store_column_text(st, 0)) < 0)
			model_error(errs, "event_date", "before_established",
			            "活动日期不能早于引才点的设立日期（%s）",
			            store_column_text(st, 0));
	}
	store_finalize(st);
}

/* ---- KPIs ---- */

typedef void (*row_fn)(void *cls, struct store_stmt *st);

/* Runs sql with p bound from 1 and calls fn for every row. */
static enum xz_result each_row(struct store *db, const char *sql, const struct sqlparams *p,
                               row_fn fn, void *cls)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	if (p)
		params_bind(p, st, 1);
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW)
		fn(cls, st);
	if (s != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

static json_t *by_id(json_t *index, int64_t id)
{
	char key[24];
	snprintf(key, sizeof(key), "%" PRId64, id);
	return json_object_get(index, key);
}

static void put_id(json_t *index, int64_t id, json_t *row)
{
	char key[24];
	snprintf(key, sizeof(key), "%" PRId64, id);
	json_object_set(index, key, row);
}

static json_t *text_or_null(struct store_stmt *st, int col)
{
	const char *s = store_column_text(st, col);
	return s ? json_string(s) : json_null();
}

static void add_int(json_t *row, const char *key, int64_t n)
{
	json_object_set_new(row, key,
	                    json_integer(json_integer_value(json_object_get(row, key)) + n));
}

struct kpi {
	json_t *points, *point_index; /* array; id → point */
	json_t *clusters, *cluster_index;
};

static void point_row(void *cls, struct store_stmt *st)
{
	struct kpi *k = cls;
	int64_t id = store_column_int(st, 0);
	const char *code = store_column_text(st, 5);
	json_t *p = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:n, s:n, s:n, s:[], s:i, s:i, s:i,"
	                      " s:i, s:i, s:n}",
	                      "id", (json_int_t)id, "name", text_or_null(st, 1), "kind",
	                      text_or_null(st, 2), "country", text_or_null(st, 3), "city",
	                      text_or_null(st, 4), "city_code", text_or_null(st, 5), "lng", "lat",
	                      "coord_source", "cluster_ids", "events", 0, "participants", 0,
	                      "talents_signed", 0, "projects_signed", 0, "talents_attributed", 0,
	                      "last_event_date");
	double lng, lat;
	if (store_column_type(st, 6) != STORE_NULL && store_column_type(st, 7) != STORE_NULL) {
		json_object_set_new(p, "lng", json_real(store_column_double(st, 6)));
		json_object_set_new(p, "lat", json_real(store_column_double(st, 7)));
		json_object_set_new(p, "coord_source", json_string("point"));
	} else if (code && recruit_city_centroid(code, &lng, &lat, NULL)) {
		json_object_set_new(p, "lng", json_real(lng));
		json_object_set_new(p, "lat", json_real(lat));
		json_object_set_new(p, "coord_source", json_string("city_code"));
	}
	json_array_append(k->points, p);
	put_id(k->point_index, id, p);
	json_decref(p);
}

static void event_row(void *cls, struct store_stmt *st)
{
	struct kpi *k = cls;
	json_t *p = by_id(k->point_index, store_column_int(st, 0));
	if (!p)
		return;
	json_object_set_new(p, "events", json_integer(store_column_int(st, 1)));
	json_object_set_new(p, "participants", json_integer(store_column_int(st, 2)));
	json_object_set_new(p, "talents_signed", json_integer(store_column_int(st, 3)));
	json_object_set_new(p, "projects_signed", json_integer(store_column_int(st, 4)));
}

static void last_row(void *cls, struct store_stmt *st)
{
	struct kpi *k = cls;
	json_t *p = by_id(k->point_index, store_column_int(st, 0));
	if (p)
		json_object_set_new(p, "last_event_date", text_or_null(st, 1));
}

static void attributed_row(void *cls, struct store_stmt *st)
{
	struct kpi *k = cls;
	json_t *p = by_id(k->point_index, store_column_int(st, 0));
	if (p)
		json_object_set_new(p, "talents_attributed", json_integer(store_column_int(st, 1)));
}

static void point_cluster_row(void *cls, struct store_stmt *st)
{
	struct kpi *k = cls;
	json_t *p = by_id(k->point_index, store_column_int(st, 0));
	if (p)
		json_array_append_new(json_object_get(p, "cluster_ids"),
		                      json_integer(store_column_int(st, 1)));
}

static void cluster_row(void *cls, struct store_stmt *st)
{
	struct kpi *k = cls;
	int64_t id = store_column_int(st, 0);
	json_t *c = json_pack("{s:I, s:o, s:i, s:i, s:i, s:i, s:i}", "id", (json_int_t)id, "name",
	                      text_or_null(st, 1), "points", 0, "covered_points", 0, "events", 0,
	                      "talents_signed", 0, "talents_attributed", 0);
	json_array_append(k->clusters, c);
	put_id(k->cluster_index, id, c);
	json_decref(c);
}

static void cluster_talent_row(void *cls, struct store_stmt *st)
{
	struct kpi *k = cls;
	json_t *c = by_id(k->cluster_index, store_column_int(st, 0));
	if (c)
		json_object_set_new(c, "talents_attributed", json_integer(store_column_int(st, 1)));
}

static double ratio(int64_t a, int64_t b)
{
	return b > 0 ? round((double)a / (double)b * 10000.0) / 10000.0 : 0.0;
}

/* The attributed talents in scope whose point is live: "SELECT <what> FROM
 * talent t JOIN source_point sp … WHERE … <scope> <tail>". */
static enum xz_result talents_query(struct engine_ctx *ctx, const char *what, const char *join,
                                    const char *tail, row_fn fn, void *cls)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	buf_printf(&sql,
	           "SELECT %s FROM talent t JOIN source_point sp ON sp.id = t.source_point_id"
	           " AND sp.deleted_at IS NULL %s WHERE t.deleted_at IS NULL AND t.source_point_id IS NOT NULL",
	           what, join);
	query_scope_as(model_find("talent"), ctx->actor, "t", &sql, &p);
	buf_printf(&sql, " %s", tail);
	enum xz_result r = each_row(ctx->db, buf_cstr(&sql), &p, fn, cls);
	params_free(&p);
	buf_free(&sql);
	return r;
}

static void one_int(void *cls, struct store_stmt *st)
{
	*(int64_t *)cls = store_column_int(st, 0);
}

enum xz_result recruit_kpis(struct engine_ctx *ctx, int year, json_t **out)
{
	struct kpi k = {json_array(), json_object(), json_array(), json_object()};
	struct sqlparams p = {0};
	char from[16], to[16];
	int64_t attributed_total = 0;
	*out = NULL;
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-12-31", year);
	enum xz_result r =
	    each_row(ctx->db,
	             "SELECT id, name, kind, country, city, city_code, lng, lat FROM source_point"
	             " WHERE deleted_at IS NULL ORDER BY CASE kind WHEN '海外区域' THEN 0"
	             " WHEN '国内城市' THEN 1 ELSE 2 END, id",
	             NULL, point_row, &k);
	if (r)
		goto out;
	params_text(&p, from);
	params_text(&p, to);
	if ((r = each_row(ctx->db,
	                  "SELECT point_id, count(*), coalesce(sum(participants), 0),"
	                  " coalesce(sum(talents_signed), 0), coalesce(sum(projects_signed), 0)"
	                  " FROM recruit_event WHERE deleted_at IS NULL AND event_date >= ?"
	                  " AND event_date <= ? GROUP BY point_id",
	                  &p, event_row, &k)))
		goto out;
	params_free(&p);
	params_text(&p, to);
	if ((r = each_row(ctx->db,
	                  "SELECT point_id, max(event_date) FROM recruit_event"
	                  " WHERE deleted_at IS NULL AND event_date <= ? GROUP BY point_id",
	                  &p, last_row, &k)) ||
	    (r = talents_query(ctx, "t.source_point_id, count(*)", "", "GROUP BY t.source_point_id",
	                       attributed_row, &k)) ||
	    (r = talents_query(ctx, "count(*)", "", "", one_int, &attributed_total)) ||
	    (r = each_row(ctx->db,
	                  "SELECT s.point_id, s.cluster_id FROM source_point_cluster s"
	                  " JOIN cluster c ON c.id = s.cluster_id AND c.deleted_at IS NULL"
	                  " ORDER BY s.point_id, c.sort_order, c.id",
	                  NULL, point_cluster_row, &k)) ||
	    (r = each_row(ctx->db,
	                  "SELECT id, name FROM cluster WHERE deleted_at IS NULL"
	                  " ORDER BY sort_order, id",
	                  NULL, cluster_row, &k)) ||
	    (r = talents_query(ctx, "ch.cluster_id, count(*)",
	                       "JOIN chain ch ON ch.id = t.chain_id AND ch.deleted_at IS NULL",
	                       "GROUP BY ch.cluster_id", cluster_talent_row, &k)))
		goto out;

	/* plan strip, totals and per-cluster sums from the points */
	int64_t on_file[RECRUIT_NKINDS] = {0}, covered[RECRUIT_NKINDS] = {0};
	int64_t events = 0, participants = 0, tsigned = 0, psigned = 0, covered_all = 0;
	int64_t attributed_assigned = 0;
	json_t *pt, *cid, *c;
	size_t i, j;
	json_array_foreach(k.points, i, pt)
	{
		const char *kind = json_string_value(json_object_get(pt, "kind"));
		int64_t n = json_integer_value(json_object_get(pt, "events"));
		for (int q = 0; q < RECRUIT_NKINDS; q++) {
			if (kind && !strcmp(kind, recruit_plan[q].kind)) {
				on_file[q]++;
				covered[q] += n > 0;
			}
		}
		covered_all += n > 0;
		events += n;
		participants += json_integer_value(json_object_get(pt, "participants"));
		tsigned += json_integer_value(json_object_get(pt, "talents_signed"));
		psigned += json_integer_value(json_object_get(pt, "projects_signed"));
		json_array_foreach(json_object_get(pt, "cluster_ids"), j, cid)
		{
			c = by_id(k.cluster_index, json_integer_value(cid));
			if (!c)
				continue;
			add_int(c, "points", 1);
			add_int(c, "covered_points", n > 0);
			add_int(c, "events", n);
			add_int(c, "talents_signed",
			        json_integer_value(json_object_get(pt, "talents_signed")));
		}
	}
	json_array_foreach(k.clusters, i, c) attributed_assigned +=
	    json_integer_value(json_object_get(c, "talents_attributed"));
	json_t *plan = json_array();
	int planned_all = 0;
	for (int q = 0; q < RECRUIT_NKINDS; q++) {
		planned_all += recruit_plan[q].planned;
		json_array_append_new(
		    plan, json_pack("{s:s, s:i, s:I, s:I, s:f, s:f}", "kind", recruit_plan[q].kind,
		                    "planned", recruit_plan[q].planned, "points",
		                    (json_int_t)on_file[q], "covered", (json_int_t)covered[q],
		                    "coverage", ratio(covered[q], recruit_plan[q].planned),
		                    "coverage_of_points", ratio(covered[q], on_file[q])));
	}
	json_t *totals = json_pack(
	    "{s:i, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:I}", "planned", planned_all, "points",
	    (json_int_t)json_array_size(k.points), "covered", (json_int_t)covered_all, "coverage",
	    ratio(covered_all, planned_all), "events", (json_int_t)events, "participants",
	    (json_int_t)participants, "talents_signed", (json_int_t)tsigned, "projects_signed",
	    (json_int_t)psigned, "talents_attributed", (json_int_t)attributed_total);
	*out = json_pack("{s:i, s:o, s:o, s:O, s:O, s:I}", "year", year, "plan", plan, "totals",
	                 totals, "points", k.points, "clusters", k.clusters, "unassigned_talents",
	                 (json_int_t)(attributed_total - attributed_assigned));
out:
	params_free(&p);
	json_decref(k.points);
	json_decref(k.point_index);
	json_decref(k.clusters);
	json_decref(k.cluster_index);
	return r;
}

enum xz_result recruit_map(struct engine_ctx *ctx, int year, json_t **out)
{
	json_t *all = NULL;
	enum xz_result r = recruit_kpis(ctx, year, &all);
	*out = NULL;
	if (r)
		return r;
	json_t *located = json_array(), *unlocated = json_array(), *pt;
	size_t i;
	json_array_foreach(json_object_get(all, "points"), i, pt)
	{
		if (json_is_null(json_object_get(pt, "coord_source")))
			json_array_append(unlocated, json_object_get(pt, "name"));
		else
			json_array_append(located, pt);
	}
	*out = json_pack("{s:O, s:O, s:O, s:o, s:o}", "year", json_object_get(all, "year"), "plan",
	                 json_object_get(all, "plan"), "totals", json_object_get(all, "totals"),
	                 "points", located, "unlocated", unlocated);
	json_decref(all);
	return XZ_OK;
}
