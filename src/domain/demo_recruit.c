/*
 * Demo 531 recruitment: the plan's 5 overseas regions, 30 domestic cities
 * and 100 universities as source points (real places and universities; the
 * overseas points and every other city with their own coordinates, the
 * other cities with a city code only, so the map resolves them through the
 * centroid table; universities at their city's centre, a little apart),
 * each serving one to three clusters; events in 2025 and in 2026 up to the
 * demo's today (not every point holds one this year, so coverage is below
 * 100%); and the talents the points brought: every talent whose source is
 * “531”招引, and some of those 海外引进 / 国内引进 / 高校毕业, are attributed
 * to a point of the matching kind, preferably one serving their chain's
 * cluster. Points and events are written through the engine (their rules
 * hold); the attributions are one bound UPDATE per talent, as the talents
 * exist already. Deterministic for a seed; the same points and events at
 * both scales, the attributions follow the population.
 */
#include "domain/demo.h"
#include "domain/recruit.h"

#include "core/mem.h"
#include "engine/engine.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THIS_YEAR 2026
#define TODAY_DOY 330 /* 2026-11-26, the demo's today (demo_people.c) */

static const struct overseas {
	const char *name, *country, *city, *contact;
	double lng, lat;
} overseas[] = {
    {"硅谷（北美）引才工作站", "美国", "旧金山湾区", "北美无锡人才联谊会", -122.080, 37.390},
    {"欧洲（慕尼黑）引才工作站", "德国", "慕尼黑", "欧洲华人科技协会", 11.576, 48.137},
    {"日本（东京）引才工作站", "日本", "东京", "日本华人教授会", 139.692, 35.690},
    {"新加坡引才工作站", "新加坡", "新加坡", "新加坡无锡商会", 103.820, 1.352},
    {"以色列（特拉维夫）引才工作站", "以色列", "特拉维夫", "中以创新合作中心", 34.781, 32.085},
};

static const struct city {
	const char *name, *code;
} cities[] = {
    {"北京", "110000"}, {"上海", "310000"},   {"深圳", "440300"}, {"杭州", "330100"},
    {"南京", "320100"}, {"西安", "610100"},   {"武汉", "420100"}, {"成都", "510100"},
    {"合肥", "340100"}, {"广州", "440100"},   {"苏州", "320500"}, {"天津", "120000"},
    {"重庆", "500000"}, {"长沙", "430100"},   {"郑州", "410100"}, {"济南", "370100"},
    {"青岛", "370200"}, {"厦门", "350200"},   {"福州", "350100"}, {"沈阳", "210100"},
    {"大连", "210200"}, {"哈尔滨", "230100"}, {"长春", "220100"}, {"宁波", "330200"},
    {"东莞", "441900"}, {"珠海", "440400"},   {"昆明", "530100"}, {"南昌", "360100"},
    {"太原", "140100"}, {"香港", "810000"},
};

/* real universities, by the city they are in */
static const struct university {
	const char *name, *code;
} universities[] = {
    {"清华大学", "110000"},
    {"北京大学", "110000"},
    {"中国人民大学", "110000"},
    {"北京航空航天大学", "110000"},
    {"北京理工大学", "110000"},
    {"北京师范大学", "110000"},
    {"中国农业大学", "110000"},
    {"北京科技大学", "110000"},
    {"北京邮电大学", "110000"},
    {"北京交通大学", "110000"},
    {"北京化工大学", "110000"},
    {"中国科学院大学", "110000"},
    {"北京工业大学", "110000"},
    {"华北电力大学", "110000"},
    {"中央财经大学", "110000"},
    {"北京林业大学", "110000"},
    {"复旦大学", "310000"},
    {"上海交通大学", "310000"},
    {"同济大学", "310000"},
    {"华东师范大学", "310000"},
    {"华东理工大学", "310000"},
    {"上海大学", "310000"},
    {"东华大学", "310000"},
    {"上海财经大学", "310000"},
    {"上海科技大学", "310000"},
    {"上海理工大学", "310000"},
    {"南开大学", "120000"},
    {"天津大学", "120000"},
    {"河北工业大学", "120000"},
    {"南京大学", "320100"},
    {"东南大学", "320100"},
    {"南京航空航天大学", "320100"},
    {"南京理工大学", "320100"},
    {"河海大学", "320100"},
    {"南京农业大学", "320100"},
    {"中国药科大学", "320100"},
    {"南京邮电大学", "320100"},
    {"南京工业大学", "320100"},
    {"南京信息工程大学", "320100"},
    {"南京师范大学", "320100"},
    {"苏州大学", "320500"},
    {"西交利物浦大学", "320500"},
    {"中国矿业大学", "320300"},
    {"浙江大学", "330100"},
    {"浙江工业大学", "330100"},
    {"杭州电子科技大学", "330100"},
    {"西湖大学", "330100"},
    {"中国科学技术大学", "340100"},
    {"合肥工业大学", "340100"},
    {"安徽大学", "340100"},
    {"武汉大学", "420100"},
    {"华中科技大学", "420100"},
    {"武汉理工大学", "420100"},
    {"华中农业大学", "420100"},
    {"中国地质大学（武汉）", "420100"},
    {"华中师范大学", "420100"},
    {"中南财经政法大学", "420100"},
    {"西安交通大学", "610100"},
    {"西北工业大学", "610100"},
    {"西安电子科技大学", "610100"},
    {"长安大学", "610100"},
    {"西北大学", "610100"},
    {"四川大学", "510100"},
    {"电子科技大学", "510100"},
    {"西南交通大学", "510100"},
    {"西南财经大学", "510100"},
    {"重庆大学", "500000"},
    {"西南大学", "500000"},
    {"中山大学", "440100"},
    {"华南理工大学", "440100"},
    {"暨南大学", "440100"},
    {"华南师范大学", "440100"},
    {"南方科技大学", "440300"},
    {"深圳大学", "440300"},
    {"香港中文大学（深圳）", "440300"},
    {"中南大学", "430100"},
    {"湖南大学", "430100"},
    {"湖南师范大学", "430100"},
    {"哈尔滨工业大学", "230100"},
    {"哈尔滨工程大学", "230100"},
    {"东北林业大学", "230100"},
    {"吉林大学", "220100"},
    {"东北师范大学", "220100"},
    {"东北大学", "210100"},
    {"大连理工大学", "210200"},
    {"大连海事大学", "210200"},
    {"山东大学", "370100"},
    {"中国海洋大学", "370200"},
    {"中国石油大学（华东）", "370200"},
    {"厦门大学", "350200"},
    {"福州大学", "350100"},
    {"兰州大学", "620100"},
    {"云南大学", "530100"},
    {"郑州大学", "410100"},
    {"南昌大学", "360100"},
    {"太原理工大学", "140100"},
    {"贵州大学", "520100"},
    {"广西大学", "450100"},
    {"香港大学", "810000"},
    {"香港科技大学", "810000"},
};

#define NOVERSEAS  (sizeof(overseas) / sizeof(overseas[0]))
#define NCITIES    (sizeof(cities) / sizeof(cities[0]))
#define NUNIS      (sizeof(universities) / sizeof(universities[0]))
#define NPOINTS    (NOVERSEAS + NCITIES + NUNIS)
#define MAX_SERVED 3

struct dpoint {
	int64_t id;
	int kind; /* 0 overseas, 1 city, 2 university */
	const char *place;
	int nclusters;
	int64_t clusters[MAX_SERVED];
};

static uint64_t next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static int below(uint64_t *s, int n)
{
	return n > 0 ? (int)(next(s) % (uint64_t)n) : 0;
}

static bool chance(uint64_t *s, int percent)
{
	return below(s, 100) < percent;
}

/* "YYYY-MM-DD" of day-of-year doy (1-based, no leap years in 2025/2026) */
static void date_of(int year, int doy, char *out, size_t n)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int m = 0;
	while (m < 11 && doy > mdays[m])
		doy -= mdays[m++];
	snprintf(out, n, "%04d-%02d-%02d", year, m + 1, doy);
}

static enum xz_result load_ids(struct store *db, const char *sql, int64_t **ids, size_t *n)
{
	struct store_stmt *st = NULL;
	size_t cap = 0;
	enum xz_result r = store_prepare(db, sql, &st);
	*ids = NULL;
	*n = 0;
	if (r)
		return r;
	while (store_step(st) == STORE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*ids = xrealloc(*ids, cap * sizeof(**ids));
		}
		(*ids)[(*n)++] = store_column_int(st, 0);
	}
	store_finalize(st);
	return XZ_OK;
}

static enum xz_result make_point(struct engine_ctx *ctx, struct dpoint *p, json_t *in,
                                 const int64_t *clusters, size_t nclusters, uint64_t *rng)
{
	json_t *ids = json_array(), *made = NULL;
	p->nclusters = 1 + below(rng, MAX_SERVED);
	for (int i = 0; i < p->nclusters; i++) {
		int64_t c = clusters[below(rng, (int)nclusters)];
		bool dup = false;
		for (int k = 0; k < i; k++)
			dup |= p->clusters[k] == c;
		if (dup) {
			p->nclusters = i;
			break;
		}
		p->clusters[i] = c;
		json_array_append_new(ids, json_integer(c));
	}
	json_object_set_new(in, "cluster_ids", ids);
	/* set up in 2024, before any event */
	char est[32];
	date_of(2024, 1 + below(rng, 360), est, sizeof(est));
	json_object_set_new(in, "established", json_string(est));
	enum xz_result r = engine_create(ctx, model_find("source_point"), in, &made);
	json_decref(in);
	if (!r)
		p->id = json_integer_value(json_object_get(made, "id"));
	json_decref(made);
	return r;
}

static enum xz_result make_points(struct engine_ctx *ctx, struct dpoint *pts,
                                  const int64_t *clusters, size_t nclusters, uint64_t *rng)
{
	enum xz_result r = XZ_OK;
	size_t k = 0;
	for (size_t i = 0; !r && i < NOVERSEAS; i++, k++) {
		const struct overseas *o = &overseas[i];
		pts[k] = (struct dpoint){.kind = 0, .place = o->city};
		r = make_point(ctx, &pts[k],
		               json_pack("{s:s, s:s, s:s, s:s, s:f, s:f, s:s, s:s}", "name",
		                         o->name, "kind", "海外区域", "country", o->country, "city",
		                         o->city, "lng", o->lng, "lat", o->lat, "contact",
		                         o->contact, "note",
		                         "依托海外人才组织设立，开展项目路演与人才洽谈"),
		               clusters, nclusters, rng);
	}
	for (size_t i = 0; !r && i < NCITIES; i++, k++) {
		const struct city *c = &cities[i];
		char name[96], contact[96];
		double lng = 0, lat = 0;
		recruit_city_centroid(c->code, &lng, &lat, NULL);
		snprintf(name, sizeof(name), "%s引才工作站", c->name);
		snprintf(contact, sizeof(contact), "无锡驻%s联络处", c->name);
		pts[k] = (struct dpoint){.kind = 1, .place = c->name};
		json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", name, "kind",
		                       "国内城市", "country", "中国", "city", c->name, "city_code",
		                       c->code, "contact", contact);
		if (i % 2 == 0) { /* every other city has its own coordinates */
			json_object_set_new(in, "lng", json_real(lng + 0.01));
			json_object_set_new(in, "lat", json_real(lat + 0.01));
		}
		r = make_point(ctx, &pts[k], in, clusters, nclusters, rng);
	}
	for (size_t i = 0; !r && i < NUNIS; i++, k++) {
		const struct university *u = &universities[i];
		char name[128];
		const char *city = NULL;
		double lng = 0, lat = 0;
		recruit_city_centroid(u->code, &lng, &lat, &city);
		snprintf(name, sizeof(name), "%s引才点", u->name);
		pts[k] = (struct dpoint){.kind = 2, .place = u->name};
		/* a little apart from the city centre and from each other */
		double dx = ((int)(i % 5) - 2) * 0.035, dy = ((int)((i / 5) % 5) - 2) * 0.03;
		r = make_point(ctx, &pts[k],
		               json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:s}", "name", name,
		                         "kind", "高校", "country", "中国", "city",
		                         city ? city : "", "city_code", u->code, "lng", lng + dx,
		                         "lat", lat + dy, "contact", "学校就业指导中心"),
		               clusters, nclusters, rng);
	}
	return r;
}

static enum xz_result make_event(struct engine_ctx *ctx, const struct dpoint *p, int year, int doy,
                                 uint64_t *rng)
{
	static const char *const kinds[3][3] = {
	    {"项目路演", "人才洽谈会", "创新创业大赛"},
	    {"招聘会", "人才洽谈会", "项目路演"},
	    {"校园招聘", "校园招聘", "人才洽谈会"},
	};
	static const int people[3][2] = {{40, 160}, {120, 680}, {200, 1300}};
	const char *kind = kinds[p->kind][below(rng, 3)];
	char date[32], title[200];
	date_of(year, doy, date, sizeof(date));
	snprintf(title, sizeof(title), "%d年“太湖人才计划”%s%s", year, p->place, kind);
	int participants = people[p->kind][0] + below(rng, people[p->kind][1]);
	int talents = participants * (2 + below(rng, 8)) / 100;
	int projects = p->kind == 2 ? below(rng, 3) : 1 + below(rng, 8);
	json_t *in =
	    json_pack("{s:I, s:s, s:s, s:s, s:i, s:i, s:i}", "point_id", (json_int_t)p->id,
	              "event_date", date, "kind", kind, "title", title, "participants",
	              participants, "talents_signed", talents, "projects_signed", projects);
	json_t *made = NULL;
	enum xz_result r = engine_create(ctx, model_find("recruit_event"), in, &made);
	json_decref(in);
	json_decref(made);
	return r;
}

static enum xz_result make_events(struct engine_ctx *ctx, const struct dpoint *pts, uint64_t *rng)
{
	/* the share of points of each kind holding an event this year, last year */
	static const int this_year[3] = {80, 76, 56}, last_year[3] = {100, 60, 30};
	enum xz_result r = XZ_OK;
	for (size_t i = 0; !r && i < NPOINTS; i++) {
		const struct dpoint *p = &pts[i];
		if (chance(rng, last_year[p->kind]))
			r = make_event(ctx, p, THIS_YEAR - 1, 1 + below(rng, 360), rng);
		if (!r && chance(rng, this_year[p->kind])) {
			int n = 1 + (chance(rng, 20) ? 1 : 0);
			for (int k = 0; !r && k < n; k++)
				r = make_event(ctx, p, THIS_YEAR, 1 + below(rng, TODAY_DOY), rng);
		}
	}
	return r;
}

/* a point of kind serving cluster, else any point of the kind */
static const struct dpoint *point_for(const struct dpoint *pts, int kind, int64_t cluster,
                                      uint64_t *rng)
{
	const struct dpoint *fit[NPOINTS], *any[NPOINTS];
	int nfit = 0, nany = 0;
	for (size_t i = 0; i < NPOINTS; i++) {
		if (pts[i].kind != kind)
			continue;
		any[nany++] = &pts[i];
		for (int k = 0; k < pts[i].nclusters; k++)
			if (pts[i].clusters[k] == cluster)
				fit[nfit++] = &pts[i];
	}
	return nfit ? fit[below(rng, nfit)] : any[below(rng, nany)];
}

static enum xz_result attribute_talents(struct engine_ctx *ctx, const struct dpoint *pts,
                                        uint64_t *rng)
{
	struct store_stmt *st = NULL, *up = NULL;
	enum xz_result r =
	    store_prepare(ctx->db,
	                  "SELECT t.id, coalesce(t.source, ''), coalesce(ch.cluster_id, 0)"
	                  " FROM talent t LEFT JOIN chain ch ON ch.id = t.chain_id"
	                  " WHERE t.deleted_at IS NULL ORDER BY t.id",
	                  &st);
	if (r)
		return r;
	if ((r = store_prepare(ctx->db, "UPDATE talent SET source_point_id = ? WHERE id = ?",
	                       &up))) {
		store_finalize(st);
		return r;
	}
	enum store_step s;
	while (!r && (s = store_step(st)) == STORE_ROW) {
		const char *source = store_column_text(st, 1);
		int kind = -1;
		if (strstr(source, "531"))
			kind = below(rng, 100) < 20 ? 0 : below(rng, 100) < 60 ? 1 : 2;
		else if (!strcmp(source, "海外引进") && chance(rng, 30))
			kind = 0;
		else if (!strcmp(source, "国内引进") && chance(rng, 30))
			kind = 1;
		else if (!strcmp(source, "高校毕业") && chance(rng, 15))
			kind = 2;
		if (kind < 0)
			continue;
		const struct dpoint *p = point_for(pts, kind, store_column_int(st, 2), rng);
		store_reset(up);
		store_bind_int(up, 1, p->id);
		store_bind_int(up, 2, store_column_int(st, 0));
		if (store_step(up) != STORE_DONE)
			r = store_stmt_result(up);
	}
	store_finalize(up);
	store_finalize(st);
	return r;
}

enum xz_result demo_recruit_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed)
{
	(void)scale; /* the plan is the same at every scale */
	uint64_t rng = seed ^ 0x531531531ULL;
	int64_t *clusters = NULL;
	size_t nclusters = 0;
	struct dpoint *pts = xcalloc(NPOINTS, sizeof(*pts));
	enum xz_result r = load_ids(ctx->db,
	                            "SELECT id FROM cluster WHERE deleted_at IS NULL"
	                            " ORDER BY sort_order, id",
	                            &clusters, &nclusters);
	if (!r && !nclusters)
		r = XZ_ERR_VALIDATION;
	if (!r)
		r = make_points(ctx, pts, clusters, nclusters, &rng);
	if (!r)
		r = make_events(ctx, pts, &rng);
	if (!r)
		r = attribute_talents(ctx, pts, &rng);
	free(clusters);
	free(pts);
	return r;
}
