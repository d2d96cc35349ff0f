/*
 * Demo cadre training and 琢璞 placements: after the demo cadres exist, a
 * few training classes per level and year (2025 and 2026: city classes of
 * each kind, two or three per district, town classes for some towns), their
 * enrolments drawn from the cadres of the class's level and place (about
 * three quarters of the seats; attendance and credited hours as a year of
 * real classes looks, classes after the demo's today still 待评定), and
 * 琢璞 placements for about one cadre in thirty, at real universities,
 * platforms, ministries and advanced regions. Everything is written through
 * the engine (so the training rules hold), deterministically for a seed.
 */
#include "domain/demo.h"
#include "core/mem.h"
#include "engine/engine.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TODAY "2026-11-26" /* the demo's today, as in demo_people.c */

struct dcadre {
	int64_t id;
	char level[8];
	char code[16];
};

struct dplace {
	int64_t id;
	char code[16];
	char name[64];
	char level[16];
};

static uint64_t next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static enum xz_result load(struct store *db, struct dcadre **cadres, size_t *ncadres,
                           struct dplace **places, size_t *nplaces)
{
	struct store_stmt *st = NULL;
	size_t cap = 0;
	enum xz_result r = store_prepare(db,
	                                 "SELECT c.id, c.level, r.code FROM cadre c"
	                                 " JOIN region r ON r.id = c.region_id"
	                                 " WHERE c.deleted_at IS NULL ORDER BY c.id",
	                                 &st);
	if (r)
		return r;
	while (store_step(st) == STORE_ROW) {
		if (*ncadres == cap) {
			cap = cap ? cap * 2 : 256;
			*cadres = xrealloc(*cadres, cap * sizeof(**cadres));
		}
		struct dcadre *c = &(*cadres)[(*ncadres)++];
		c->id = store_column_int(st, 0);
		snprintf(c->level, sizeof(c->level), "%s",
		         store_column_text(st, 1) ? store_column_text(st, 1) : "");
		snprintf(c->code, sizeof(c->code), "%s",
		         store_column_text(st, 2) ? store_column_text(st, 2) : "");
	}
	store_finalize(st);
	cap = 0;
	if ((r = store_prepare(db,
	                       "SELECT id, code, name, level FROM region WHERE deleted_at IS NULL"
	                       " ORDER BY code",
	                       &st)))
		return r;
	while (store_step(st) == STORE_ROW) {
		if (*nplaces == cap) {
			cap = cap ? cap * 2 : 64;
			*places = xrealloc(*places, cap * sizeof(**places));
		}
		struct dplace *p = &(*places)[(*nplaces)++];
		p->id = store_column_int(st, 0);
		snprintf(p->code, sizeof(p->code), "%s", store_column_text(st, 1));
		snprintf(p->name, sizeof(p->name), "%s", store_column_text(st, 2));
		snprintf(p->level, sizeof(p->level), "%s", store_column_text(st, 3));
	}
	store_finalize(st);
	return XZ_OK;
}

/* one class and its enrolments, from the cadres of level lv under prefix */
struct class_spec {
	const char *name, *kind, *level, *start, *end, *organizer;
	double hours;
	int capacity; /* 0: unlimited */
	int want;     /* enrolments to draw */
	int64_t region_id;
	const char *prefix;
};

static enum xz_result seed_class(struct engine_ctx *ctx, const struct class_spec *cs,
                                 const struct dcadre *cadres, size_t ncadres, uint64_t *rng)
{
	json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:I, s:s}", "name", cs->name,
	                       "kind", cs->kind, "level", cs->level, "start_date", cs->start,
	                       "end_date", cs->end, "hours", cs->hours, "organizer", cs->organizer,
	                       "region_id", (json_int_t)cs->region_id, "description",
	                       "围绕发展新质生产力，开展产业链知识、科技创新、现代金融等专题培训。");
	if (cs->capacity)
		json_object_set_new(in, "capacity", json_integer(cs->capacity));
	json_t *made = NULL;
	enum xz_result r = engine_create(ctx, model_find("training_class"), in, &made);
	json_decref(in);
	if (r)
		return r;
	int64_t class_id = json_integer_value(json_object_get(made, "id"));
	json_decref(made);
	/* the cadres that fit, then every stride-th of them from a random start */
	size_t n = 0, plen = strlen(cs->prefix);
	size_t *fit = xmalloc((ncadres ? ncadres : 1) * sizeof(*fit));
	bool any_level = !strcmp(cs->kind, "网络培训"); /* online: open to every level */
	for (size_t i = 0; i < ncadres; i++)
		if ((any_level || !strcmp(cadres[i].level, cs->level)) &&
		    !strncmp(cadres[i].code, cs->prefix, plen))
			fit[n++] = i;
	int want = cs->want < (int)n ? cs->want : (int)(n * 3 / 4);
	size_t stride = want ? n / (size_t)want : 1, start = n ? next(rng) % n : 0;
	bool done = strcmp(cs->start, TODAY) < 0;
	const struct entity *ee = model_find("enrollment");
	for (int k = 0; k < want && !r; k++) {
		size_t at = fit[(start + (size_t)k * (stride ? stride : 1)) % n];
		unsigned roll = (unsigned)(next(rng) % 100);
		const char *att = NULL, *res = "待评定";
		double h = 0;
		if (done) {
			if (roll < 76) {
				att = "全勤", res = "合格", h = cs->hours;
			} else if (roll < 88) {
				att = "部分出勤";
				h = (double)(long)(cs->hours * (50 + (double)(next(rng) % 40)) / 10.0) / 10.0;
				res = roll < 84 ? "合格" : "不合格";
			} else if (roll < 95) {
				att = "请假", res = "待评定";
			} else {
				att = "缺勤", res = "不合格";
			}
		}
		json_t *e = json_pack("{s:I, s:I, s:s}", "class_id", (json_int_t)class_id, "cadre_id",
		                      (json_int_t)cadres[at].id, "result", res);
		if (att) {
			json_object_set_new(e, "attendance", json_string(att));
			json_object_set_new(e, "hours", json_real(h));
		}
		made = NULL;
		r = engine_create(ctx, ee, e, &made);
		if (r == XZ_ERR_VALIDATION) /* two draws on the same cadre: skip */
			r = XZ_OK, json_array_clear(ctx->errs.details);
		json_decref(e);
		json_decref(made);
	}
	free(fit);
	return r;
}

static const char *const cn_nums[] = {"一", "二", "三", "四", "五", "六", "七", "八"};

static enum xz_result seed_classes(struct engine_ctx *ctx, bool city, const struct dcadre *cadres,
                                   size_t ncadres, const struct dplace *places, size_t nplaces,
                                   uint64_t *rng)
{
	static const struct {
		const char *kind, *title;
		double hours;
	} city_kinds[] = {
	    {"新质生产力专题班", "新质生产力专题研讨班", 32},
	    {"主体班", "中青年干部培训班", 120},
	    {"调训", "产业链链长制专题调训班", 24},
	    {"网络培训", "干部网络学院新质生产力专题网络培训", 30},
	};
	enum xz_result r = XZ_OK;
	const struct dplace *city_place = NULL;
	for (size_t i = 0; i < nplaces; i++)
		if (!strcmp(places[i].level, "市"))
			city_place = &places[i];
	if (!city_place)
		return XZ_OK;
	char city_prefix[16];
	engine_region_prefix(city_place->code, city_prefix);
	for (int year = 2025; year <= 2026 && !r; year++) {
		int per_kind = city ? 2 : 1;
		for (size_t k = 0; k < 4 && !r; k++)
			for (int j = 0; j < per_kind && !r; j++) {
				char name[200], start[40], end[40];
				/* the year's last online course is still to come */
				int month = year == 2026 && k == 3 ? 12 : 3 + (int)k * 2 + j;
				snprintf(name, sizeof(name), "%d年%s%s（第%s期）", year, city_place->name,
				         city_kinds[k].title, cn_nums[j]);
				snprintf(start, sizeof(start), "%04d-%02d-10", year, month);
				snprintf(end, sizeof(end), "%04d-%02d-%02d", year, month,
				         city_kinds[k].hours > 60 ? 28 : 14);
				bool online = !strcmp(city_kinds[k].kind, "网络培训");
				struct class_spec cs = {name, city_kinds[k].kind, "市", start, end,
				                        "中共无锡市委组织部", city_kinds[k].hours,
				                        online ? 0 : (city ? 200 : 40),
				                        online ? (city ? 12000 : 60) : (city ? 160 : 30),
				                        city_place->id, city_prefix};
				r = seed_class(ctx, &cs, cadres, ncadres, rng);
			}
		/* districts, and a few towns of each */
		for (size_t d = 0; d < nplaces && !r; d++) {
			if (strcmp(places[d].level, "区县"))
				continue;
			char prefix[16];
			engine_region_prefix(places[d].code, prefix);
			int nd = city ? 3 : 2;
			for (int j = 0; j < nd && !r; j++) {
				char name[200], start[40], end[40];
				const char *kind = j == 0 ? "新质生产力专题班" : j == 1 ? "主体班" : "调训";
				snprintf(name, sizeof(name), "%d年%s%s", year, places[d].name,
				         j == 0 ? "新质生产力专题培训班" : j == 1 ? "科级干部进修班"
				                                            : "园区干部招商引资专题调训");
				snprintf(start, sizeof(start), "%04d-%02d-16", year, 4 + j * 3);
				snprintf(end, sizeof(end), "%04d-%02d-20", year, 4 + j * 3);
				char org[96];
				snprintf(org, sizeof(org), "中共%s委组织部", places[d].name);
				struct class_spec cs = {name, kind, "县", start, end, org,
				                        j == 1 ? 48 : 24.5, city ? 150 : 30, city ? 120 : 20,
				                        places[d].id, prefix};
				r = seed_class(ctx, &cs, cadres, ncadres, rng);
			}
			int towns = 0;
			for (size_t t = 0; t < nplaces && !r && towns < (city ? 2 : 1); t++) {
				if (strcmp(places[t].level, "乡镇") || strncmp(places[t].code, prefix, strlen(prefix)))
					continue;
				if ((next(rng) % 3) && !city)
					continue;
				towns++;
				char name[200], start[40], end[40];
				/* for the district's town and street cadres */
				snprintf(name, sizeof(name), "%d年%s%s基层干部能力提升班", year, places[d].name,
				         places[t].name);
				snprintf(start, sizeof(start), "%04d-%02d-08", year, 5 + towns * 2);
				snprintf(end, sizeof(end), "%04d-%02d-10", year, 5 + towns * 2);
				char org[120];
				snprintf(org, sizeof(org), "中共%s委员会", places[t].name);
				struct class_spec cs = {name, "其他", "乡", start, end, org, 16,
				                        city ? 80 : 20, city ? 60 : 10, places[t].id, prefix};
				r = seed_class(ctx, &cs, cadres, ncadres, rng);
			}
		}
	}
	return r;
}

static const struct {
	const char *kind, *how;
	const char *const places[7];
} destinations[] = {
    {"顶尖高校", "专业训练",
     {"清华大学", "北京大学", "浙江大学", "上海交通大学", "复旦大学", "南京大学", "东南大学"}},
    {"创新平台", "学习锻炼",
     {"太湖实验室", "江苏省产业技术研究院", "国家集成电路设计无锡产业化基地",
      "中国科学院微电子研究所", "国家超级计算无锡中心", "物联网创新促进中心", "无锡先进技术研究院"}},
    {"国家部委", "挂职",
     {"国家发展和改革委员会", "工业和信息化部", "科学技术部", "商务部", "财政部",
      "国务院国有资产监督管理委员会", "国家市场监督管理总局"}},
    {"战略高地", "挂职",
     {"上海张江科学城", "深圳前海深港现代服务业合作区", "雄安新区", "苏州工业园区",
      "合肥综合性国家科学中心", "北京中关村科学城", "粤港澳大湾区（广州南沙）"}},
    {"先进地区", "挂职",
     {"深圳市南山区", "杭州市滨江区", "上海市浦东新区", "合肥市高新区", "苏州市昆山市",
      "宁波市鄞州区", "广州市黄埔区"}},
    {"基层一线", "挂职",
     {"江阴市华士镇", "宜兴市丁蜀镇", "锡山区东港镇", "惠山区阳山镇", "滨湖区马山街道",
      "新吴区鸿山街道", "梁溪区江海街道"}},
};

static enum xz_result seed_temperings(struct engine_ctx *ctx, const struct dcadre *cadres,
                                      size_t ncadres, uint64_t *rng)
{
	static const char *const good[] = {"优秀", "良好", "良好", "合格"};
	const struct entity *te = model_find("tempering");
	enum xz_result r = XZ_OK;
	for (size_t i = 0; i < ncadres && !r; i++) {
		if (next(rng) % 30)
			continue;
		size_t d = next(rng) % (sizeof(destinations) / sizeof(destinations[0]));
		int year = 2024 + (int)(next(rng) % 3), month = 1 + (int)(next(rng) % 12);
		int months = next(rng) % 2 ? 6 : 12;
		int ey = year + (month + months - 1) / 12, em = (month + months - 1) % 12 + 1;
		char start[40], end[40];
		snprintf(start, sizeof(start), "%04d-%02d-01", year, month);
		snprintf(end, sizeof(end), "%04d-%02d-28", ey, em);
		bool over = strcmp(end, TODAY) < 0;
		json_t *in = json_pack(
		    "{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "cadre_id", (json_int_t)cadres[i].id,
		    "destination_kind", destinations[d].kind, "destination",
		    destinations[d].places[next(rng) % 7], "kind", destinations[d].how, "start_date",
		    start, "end_date", end, "assessment", over ? good[next(rng) % 4] : "未评定");
		json_t *made = NULL;
		r = engine_create(ctx, te, in, &made);
		json_decref(in);
		json_decref(made);
	}
	return r;
}

enum xz_result demo_training_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed)
{
	struct dcadre *cadres = NULL;
	struct dplace *places = NULL;
	size_t ncadres = 0, nplaces = 0;
	uint64_t rng = seed ^ 0x747261696e696e67ULL;
	bool city = scale && !strcmp(scale, "city");
	enum xz_result r = load(ctx->db, &cadres, &ncadres, &places, &nplaces);
	if (!r && ncadres)
		r = seed_classes(ctx, city, cadres, ncadres, places, nplaces, &rng);
	if (!r && ncadres)
		r = seed_temperings(ctx, cadres, ncadres, &rng);
	free(cadres);
	free(places);
	return r;
}
