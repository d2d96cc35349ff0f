/*
 * Demo party-organization network (组织体系), seeded after the people and
 * projects: the territorial tree 中共无锡市委员会 → each district's 委员会 →
 * its 新经济组织联合委员会 → a 党总支 per park → the 党支部 of enterprises
 * (named as the demo party members' org_name), and the 机关 党委/党支部 the
 * demo party members belong to; along each chain an 产业链党委 (under the
 * city committee) and a 党建联盟 (chain parent: the committee) whose members
 * are the chain's leading key enterprises, institutions serving the
 * cluster, a park and some enterprise 党支部; enterprise 党支部 name the
 * committee of their enterprise's chain as chain parent; a temporary
 * 功能型党组织 per leading key project; chain duties of the three kinds for
 * demo cadres, talents and party members; study sessions (第一议题 in most
 * months, 专题党课 in most quarters, some 主题党日) from October 2025 to the
 * demo's today; and party_member.org_id for four in five party members.
 * Rows go through the engine (so the org rules hold) except the bulk
 * org_id assignment, one UPDATE per org. Deterministic for a seed; the city
 * scale caps the enterprise 党支部 and the orgs holding study sessions.
 */
#include "domain/demo.h"
#include "core/mem.h"
#include "engine/engine.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TODAY "2026-11-26" /* the demo's today, as in demo_people.c */

static uint64_t next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* every row of sql as an array of column values (integers, reals, strings, null) */
static enum xz_result load(struct store *db, const char *sql, json_t **out)
{
	struct store_stmt *st = NULL;
	*out = json_array();
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		json_t *row = json_array();
		for (int c = 0; c < store_column_count(st); c++) {
			switch (store_column_type(st, c)) {
			case STORE_NULL:
				json_array_append_new(row, json_null());
				break;
			case STORE_INT:
				json_array_append_new(row, json_integer(store_column_int(st, c)));
				break;
			case STORE_FLOAT:
				json_array_append_new(row, json_real(store_column_double(st, c)));
				break;
			default:
				json_array_append_new(row, json_string(store_column_text(st, c)));
			}
		}
		json_array_append_new(*out, row);
	}
	if (s != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

static json_int_t I(json_t *row, size_t c)
{
	return json_integer_value(json_array_get(row, c));
}

static const char *S(json_t *row, size_t c)
{
	const char *s = json_string_value(json_array_get(row, c));
	return s ? s : "";
}

/* creates a row of entity from in (taken over); *id gets its id */
static enum xz_result make(struct engine_ctx *ctx, const char *entity, json_t *in, int64_t *id)
{
	json_t *made = NULL;
	enum xz_result r = engine_create(ctx, model_find(entity), in, &made);
	if (r) {
		char *d = json_dumps(ctx->errs.details, JSON_COMPACT);
		char *i = json_dumps(in, JSON_COMPACT);
		fprintf(stderr, "demo %s: %s %s\n", entity, i ? i : "", d ? d : "");
		free(d);
		free(i);
	}
	if (id)
		*id = r ? 0 : json_integer_value(json_object_get(made, "id"));
	json_decref(in);
	json_decref(made);
	return r;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static void set_id(json_t *map, const char *key, int64_t id)
{
	json_object_set_new(map, key, json_integer(id));
}

static int64_t get_id(json_t *map, const char *key)
{
	return json_integer_value(json_object_get(map, key));
}

static void key_of(char *out, size_t n, int64_t id)
{
	snprintf(out, n, "%lld", (long long)id);
}

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "徐", "孙", "朱", "马", "胡", "郭", "何", "高", "林", "钱"};
static const char *const given[] = {"建国", "志强", "海燕", "晓东", "丽华", "国平", "文杰", "敏",
                                    "卫东", "红梅", "立新", "振华", "秀英", "伟", "静", "明辉"};

static void secretary(uint64_t *rng, char *out, size_t n)
{
	snprintf(out, n, "%s%s", surnames[next(rng) % 20], given[next(rng) % 16]);
}

static const char *const first_topics[] = {
    "学习习近平总书记关于发展新质生产力的重要论述",
    "学习习近平总书记在江苏考察时的重要讲话精神",
    "学习党的二十届三中全会精神",
    "学习习近平总书记关于产业链供应链安全的重要论述",
    "学习习近平总书记关于科技创新的重要论述",
    "学习习近平总书记关于人才工作的重要论述",
};
static const char *const lessons[] = {
    "以高质量党建引领产业链高质量发展", "党建联盟赋能强链补链", "在攻坚一线践行初心使命",
    "锻造组织保障新质生产力的过硬队伍",
};
static const char *const party_days[] = {"走进链主企业主题党日", "重温入党誓词主题党日",
                                         "党员志愿服务进园区"};
static const char *const duty_tasks[3][3] = {
    {"驻企指导党组织规范化建设，协调解决用工难题", "蹲点联系链上企业，收集堵点卡点问题",
     "指导企业党支部开展“党建+生产”攻关"},
    {"挂链服务链主企业，推动项目落地", "对接要素保障，协调审批与用地", "联系专精特新企业，跟踪技改投资"},
    {"赴链攻关关键工艺，联合企业研发团队", "参与卡脖子环节技术攻关", "指导企业建设工程技术研究中心"},
};
static const char *const duty_outcomes[] = {
    "协调解决问题3项，企业满意", "推动签约项目1个", "形成技术攻关方案并进入中试", "",
};

struct demo_org {
	struct engine_ctx *ctx;
	uint64_t rng;
	bool city;
	int64_t city_region, city_org;
	json_t *districts; /* [id, code, name] */
	json_t *district_org, *newecon_org; /* code → org id */
	json_t *park_org;                   /* park id → org id */
	json_t *chain_org, *alliance_org;   /* chain id → org id */
	json_t *ent_chain;                  /* enterprise id → first chain id */
	json_t *byname;                     /* org name → id */
	json_t *orgs;                       /* [id, kind, member_count, secretary, established, chain_id, enterprise_id] */
};

/* the district (index into s->districts) a region code or name prefix falls in, or -1 */
static int district_of_code(struct demo_org *s, const char *code)
{
	size_t i;
	json_t *d;
	json_array_foreach(s->districts, i, d) if (!strncmp(S(d, 1), code, 6)) return (int)i;
	return -1;
}

static int district_of_name(struct demo_org *s, const char *name)
{
	if (!strncmp(name, "中共", strlen("中共")))
		name += strlen("中共");
	size_t i;
	json_t *d;
	json_array_foreach(s->districts, i, d) if (!strncmp(S(d, 2), name, strlen(S(d, 2)))) return (int)i;
	return -1;
}

static void remember(struct demo_org *s, int64_t id, const char *kind, int members,
                     const char *sec, const char *established, int64_t chain, int64_t ent)
{
	json_array_append_new(s->orgs, json_pack("[I, s, i, s, s, I, I]", (json_int_t)id, kind,
	                                         members, sec, established, (json_int_t)chain,
	                                         (json_int_t)ent));
}

static enum xz_result org(struct demo_org *s, const char *name, const char *kind, int64_t region,
                          int64_t parent, int64_t chain, int64_t chain_org, int members,
                          const char *established, int64_t ent, int64_t *id)
{
	char sec[32];
	secretary(&s->rng, sec, sizeof(sec));
	json_t *in = json_pack("{s:s, s:s, s:I, s:s, s:i, s:s}", "name", name, "kind", kind,
	                       "region_id", (json_int_t)region, "secretary", sec, "member_count",
	                       members, "established", established);
	if (parent)
		json_object_set_new(in, "parent_id", json_integer(parent));
	if (chain)
		json_object_set_new(in, "chain_id", json_integer(chain));
	if (chain_org)
		json_object_set_new(in, "chain_org_id", json_integer(chain_org));
	enum xz_result r = make(s->ctx, "org", in, id);
	if (!r)
		set_id(s->byname, name, *id);
	if (!r)
		remember(s, *id, kind, members, sec, established, chain, ent);
	return r;
}

static enum xz_result add_link(struct demo_org *s, int64_t org_id, const char *kind, const char *field,
                           int64_t member, const char *role, const char *start, const char *end)
{
	json_t *in = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "org_id", (json_int_t)org_id,
	                       "member_kind", kind, "role", role, field, (json_int_t)member,
	                       "start_date", start, "note", "");
	if (end)
		json_object_set_new(in, "end_date", json_string(end));
	return make(s->ctx, "org_link", in, NULL);
}

static enum xz_result territory(struct demo_org *s, json_t *parks)
{
	char name[160];
	enum xz_result r = org(s, "中共无锡市委员会", "党委", s->city_region, 0, 0, 0, 0,
	                       "1949-04-23", 0, &s->city_org);
	size_t i;
	json_t *d;
	json_array_foreach(s->districts, i, d) {
		int64_t id = 0, ne = 0;
		if (r)
			break;
		snprintf(name, sizeof(name), "中共%s委员会", S(d, 2));
		if ((r = org(s, name, "党委", I(d, 0), s->city_org, 0, 0, 0, "1983-03-01", 0, &id)))
			break;
		set_id(s->district_org, S(d, 1), id);
		snprintf(name, sizeof(name), "中共%s新经济组织联合委员会", S(d, 2));
		if ((r = org(s, name, "党委", I(d, 0), id, 0, 0, 0, "2018-07-01", 0, &ne)))
			break;
		set_id(s->newecon_org, S(d, 1), ne);
	}
	/* a 党总支 per park, under its district's 新经济组织联合委员会 */
	json_t *p;
	json_array_foreach(parks, i, p) {
		if (r)
			break;
		int dist = district_of_code(s, S(p, 3));
		int64_t parent = dist >= 0 ? get_id(s->newecon_org, S(json_array_get(s->districts, dist), 1))
		                           : s->city_org;
		int64_t id = 0;
		char key[24];
		snprintf(name, sizeof(name), "%s党总支", S(p, 1));
		if ((r = org(s, name, "党总支", I(p, 2), parent, 0, 0, 0, "2019-06-01", 0, &id)))
			break;
		key_of(key, sizeof(key), I(p, 0));
		set_id(s->park_org, key, id);
	}
	return r;
}

static enum xz_result chains(struct demo_org *s, json_t *chain_rows)
{
	char name[200], key[24];
	enum xz_result r = XZ_OK;
	size_t i;
	json_t *c;
	json_array_foreach(chain_rows, i, c) {
		int64_t k = 0, a = 0;
		/* chain names end in 产业链 ("智能传感器产业链") */
		const char *cn = S(c, 1), *tail = ends_with(cn, "产业链") ? "" : "产业链";
		snprintf(name, sizeof(name), "中共无锡市%s%s委员会", cn, tail);
		if ((r = org(s, name, "产业链党委", s->city_region, s->city_org, I(c, 0), 0,
		             7 + (int)(next(&s->rng) % 9),
		             "2023-05-01", 0, &k)))
			break;
		snprintf(name, sizeof(name), "无锡市%s%s党建联盟", cn, tail);
		if ((r = org(s, name, "党建联盟", s->city_region, s->city_org, I(c, 0), k,
		             5 + (int)(next(&s->rng) % 9), "2023-09-01",
		             0, &a)))
			break;
		key_of(key, sizeof(key), I(c, 0));
		set_id(s->chain_org, key, k);
		set_id(s->alliance_org, key, a);
	}
	return r;
}

/* the orgs the demo party members name, with org_id set for four in five */
static enum xz_result member_orgs(struct demo_org *s, json_t *ents)
{
	json_t *names = NULL, *ent_by_name = json_object();
	enum xz_result r = load(s->ctx->db,
	                        "SELECT org_name, count(*) FROM party_member WHERE deleted_at IS NULL"
	                        " GROUP BY org_name ORDER BY org_name",
	                        &names);
	size_t i;
	json_t *e;
	json_array_foreach(ents, i, e) json_object_set_new(ent_by_name, S(e, 1), json_integer((json_int_t)i));
	json_t *made = json_object(); /* name → org id */
	json_t *n;
	int branches = 0;
	struct store_stmt *up = NULL;
	if (!r)
		r = store_prepare(s->ctx->db,
		                  "UPDATE party_member SET org_id = ?, version = version + 1"
		                  " WHERE org_name = ? AND deleted_at IS NULL AND id % 5 <> 4",
		                  &up);
	json_array_foreach(names, i, n) {
		if (r)
			break;
		const char *name = S(n, 0);
		int members = (int)I(n, 1) + (int)(next(&s->rng) % 8);
		const char *kind = ends_with(name, "党支部") ? "党支部"
		                   : ends_with(name, "党总支") ? "党总支"
		                                               : "党委";
		int64_t id = 0;
		/* an enterprise's 党支部: "<enterprise>党支部" */
		char ename[200];
		snprintf(ename, sizeof(ename), "%.*s", (int)(strlen(name) - strlen("党支部")), name);
		json_t *ei = ends_with(name, "党支部") ? json_object_get(ent_by_name, ename) : NULL;
		int dist = district_of_name(s, name);
		const char *dcode = dist >= 0 ? S(json_array_get(s->districts, dist), 1) : "";
		if (get_id(s->byname, name)) {
			id = get_id(s->byname, name);
		} else if (ei) {
			if (s->city && branches >= 2500)
				continue; /* the city scale keeps the first 2,500 enterprise 党支部 */
			branches++;
			json_t *ent = json_array_get(ents, (size_t)json_integer_value(ei));
			char key[24];
			key_of(key, sizeof(key), I(ent, 4));
			int64_t parent = get_id(s->park_org, key);
			int edist = district_of_code(s, S(ent, 3));
			if (!parent)
				parent = edist >= 0 ? get_id(s->newecon_org,
				                             S(json_array_get(s->districts, edist), 1))
				                    : s->city_org;
			key_of(key, sizeof(key), I(ent, 0));
			int64_t chain = get_id(s->ent_chain, key);
			key_of(key, sizeof(key), chain);
			r = org(s, name, kind, I(ent, 2), parent, chain, get_id(s->chain_org, key), members,
			        "2020-07-01", I(ent, 0), &id);
		} else {
			int64_t region = dist >= 0 ? I(json_array_get(s->districts, dist), 0) : s->city_region;
			int64_t parent = dist >= 0 ? get_id(s->district_org, dcode) : s->city_org;
			r = org(s, name, kind, region, parent, 0, 0, members, "2010-01-01", 0, &id);
		}
		if (r || !id)
			continue;
		set_id(made, name, id);
		store_reset(up);
		store_bind_int(up, 1, id);
		store_bind_text(up, 2, name);
		if (store_step(up) != STORE_DONE)
			r = store_stmt_result(up);
	}
	store_finalize(up);
	json_decref(made);
	json_decref(names);
	json_decref(ent_by_name);
	return r;
}

/* alliance and committee members: the chain's leading key enterprises,
 * institutions serving its cluster, parks, and some enterprise 党支部 */
static enum xz_result members(struct demo_org *s, json_t *chain_rows, json_t *ents,
                              json_t *insts)
{
	enum xz_result r = XZ_OK;
	char key[24];
	size_t i, j;
	json_t *c, *e;
	json_array_foreach(chain_rows, i, c) {
		if (r)
			break;
		key_of(key, sizeof(key), I(c, 0));
		int64_t k = get_id(s->chain_org, key), a = get_id(s->alliance_org, key);
		int want = 2 + (int)(next(&s->rng) % 5), got = 0;
		int64_t parks[2] = {0, 0};
		json_array_foreach(ents, j, e) {
			char ek[24];
			key_of(ek, sizeof(ek), I(e, 0));
			if (r || got >= want)
				break;
			if (get_id(s->ent_chain, ek) != I(c, 0) || !I(e, 5))
				continue;
			const char *role = got == 0 ? "牵头单位" : got == 1 ? "理事单位" : "成员单位";
			bool left = got == 4; /* one member left at the end of 2025 */
			r = add_link(s, a, "企业", "enterprise_id", I(e, 0), role, "2023-09-01",
			         left ? "2025-12-31" : NULL);
			if (I(e, 4) && !parks[0])
				parks[0] = I(e, 4);
			else if (I(e, 4) && parks[0] != I(e, 4) && !parks[1])
				parks[1] = I(e, 4);
			got++;
		}
		int ni = 0;
		json_array_foreach(insts, j, e) {
			if (r || ni >= 2)
				break;
			if (I(e, 1) != I(c, 2))
				continue;
			r = add_link(s, a, "高校院所", "institution_id", I(e, 0), ni ? "成员单位" : "理事单位",
			         "2023-09-01", NULL);
			ni++;
		}
		for (int p = 0; p < 2 && !r; p++)
			if (parks[p])
				r = add_link(s, p ? a : k, "园区", "park_id", parks[p], "共建单位", "2023-06-01",
				         NULL);
		/* every second enterprise 党支部 on the chain joins the alliance */
		int nb = 0;
		json_array_foreach(s->orgs, j, e) {
			if (r)
				break;
			if (I(e, 5) != I(c, 0) || strcmp(S(e, 1), "党支部") || !I(e, 6))
				continue;
			if (nb++ % 2 == 0 && nb <= 12)
				r = add_link(s, a, "党组织", "member_org_id", I(e, 0), "成员单位", "2024-03-01", NULL);
		}
	}
	return r;
}

/* a temporary 功能型党组织 for the leading key projects */
static enum xz_result functional(struct demo_org *s)
{
	json_t *projects = NULL;
	enum xz_result r = load(s->ctx->db,
	                        "SELECT p.id, p.name, p.chain_id, p.region_id, r.code, p.start_date,"
	                        " p.end_date FROM project p JOIN region r ON r.id = p.region_id"
	                        " WHERE p.deleted_at IS NULL ORDER BY p.id",
	                        &projects);
	size_t limit = s->city ? 12 : 4, i;
	json_t *p;
	json_array_foreach(projects, i, p) {
		if (r || i >= limit)
			break;
		char name[240], key[24], sec[32];
		snprintf(name, sizeof(name), "%s临时党支部", S(p, 1));
		int dist = district_of_code(s, S(p, 4));
		int64_t parent = dist >= 0 ? get_id(s->district_org, S(json_array_get(s->districts, dist), 1))
		                           : s->city_org;
		key_of(key, sizeof(key), I(p, 2));
		secretary(&s->rng, sec, sizeof(sec));
		const char *start = *S(p, 5) ? S(p, 5) : "2026-03-01";
		const char *end = *S(p, 6) ? S(p, 6) : "2027-12-31";
		json_t *in = json_pack("{s:s, s:s, s:I, s:I, s:s, s:i, s:s, s:b, s:I, s:s, s:s}", "name",
		                       name, "kind", "功能型党组织", "region_id", (json_int_t)I(p, 3),
		                       "parent_id", (json_int_t)parent, "secretary", sec, "member_count",
		                       5 + (int)(next(&s->rng) % 8), "established", start, "temporary", 1,
		                       "project_id", (json_int_t)I(p, 0), "end_date", end, "description",
		                       "依托百项攻坚项目组建，项目完成后撤销");
		if (I(p, 2)) {
			json_object_set_new(in, "chain_id", json_integer(I(p, 2)));
			json_object_set_new(in, "chain_org_id", json_integer(get_id(s->chain_org, key)));
		}
		int64_t id = 0;
		if (!(r = make(s->ctx, "org", in, &id)))
			remember(s, id, "功能型党组织", 8, sec, start, I(p, 2), 0);
	}
	json_decref(projects);
	return r;
}

static enum xz_result duty(struct demo_org *s, const char *kind, int k, int64_t person,
                           int64_t chain, int64_t ent, int64_t org_id)
{
	char start[16];
	snprintf(start, sizeof(start), "2025-%02d-01", 1 + (int)(next(&s->rng) % 10));
	bool ended = next(&s->rng) % 4 == 0;
	json_t *in = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s}", "kind", kind, "person_id",
	                       (json_int_t)person, "chain_id", (json_int_t)chain, "start_date", start,
	                       "tasks", duty_tasks[k][next(&s->rng) % 3], "outcomes",
	                       duty_outcomes[next(&s->rng) % 4]);
	if (ent)
		json_object_set_new(in, "enterprise_id", json_integer(ent));
	if (org_id)
		json_object_set_new(in, "org_id", json_integer(org_id));
	if (ended)
		json_object_set_new(in, "end_date", json_string("2025-12-31"));
	return make(s->ctx, "chain_duty", in, NULL);
}

static enum xz_result duties(struct demo_org *s, json_t *chain_rows, json_t *ents)
{
	json_t *cadres = NULL, *talents = NULL, *pms = NULL;
	enum xz_result r = load(s->ctx->db,
	                        "SELECT person_id, chain_id FROM cadre WHERE deleted_at IS NULL"
	                        " AND chain_id IS NOT NULL ORDER BY id",
	                        &cadres);
	if (!r)
		r = load(s->ctx->db,
		         "SELECT person_id, chain_id, enterprise_id FROM talent WHERE deleted_at IS NULL"
		         " AND chain_id IS NOT NULL ORDER BY id",
		         &talents);
	/* party members of 机关 orgs (not enterprise 党支部) stay with chains */
	if (!r)
		r = load(s->ctx->db,
		         "SELECT pm.person_id, pm.org_id FROM party_member pm JOIN org o ON o.id = pm.org_id"
		         " WHERE pm.deleted_at IS NULL AND o.chain_id IS NULL AND o.kind <> '党委'"
		         " ORDER BY pm.id",
		         &pms);
	size_t i, j, np = json_array_size(pms);
	json_t *c, *x;
	json_array_foreach(chain_rows, i, c) {
		if (r)
			break;
		int64_t chain = I(c, 0), lead = 0;
		json_array_foreach(ents, j, x) {
			char ek[24];
			key_of(ek, sizeof(ek), I(x, 0));
			if (get_id(s->ent_chain, ek) == chain && I(x, 5)) {
				lead = I(x, 0);
				break;
			}
		}
		int n = 0;
		json_array_foreach(cadres, j, x) {
			if (r || n >= 2)
				break;
			if (I(x, 1) == chain)
				r = duty(s, "干部挂链服务", 1, I(x, 0), chain, lead, 0), n++;
		}
		n = 0;
		json_array_foreach(talents, j, x) {
			if (r || n >= 2)
				break;
			if (I(x, 1) != chain)
				continue;
			char ek[24];
			key_of(ek, sizeof(ek), I(x, 2));
			int64_t ent = I(x, 2) && get_id(s->ent_chain, ek) == chain ? I(x, 2) : lead;
			r = duty(s, "人才赴链攻关", 2, I(x, 0), chain, ent, 0), n++;
		}
		for (int k = 0; k < 2 && !r && np; k++) {
			json_t *pm = json_array_get(pms, (i * 2 + (size_t)k) % np);
			r = duty(s, "党员蹲链指导", 0, I(pm, 0), chain, lead, I(pm, 1));
		}
	}
	json_decref(cadres);
	json_decref(talents);
	json_decref(pms);
	return r;
}

static enum xz_result session(struct demo_org *s, int64_t org_id, const char *date,
                              const char *kind, const char *topic, const char *speaker,
                              int expected)
{
	int att = expected - (int)(next(&s->rng) % 3);
	json_t *in = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:i}", "org_id", (json_int_t)org_id,
	                       "session_date", date, "kind", kind, "topic", topic, "speaker", speaker,
	                       "expected", expected, "attendance", att < 0 ? 0 : att);
	return make(s->ctx, "study_session", in, NULL);
}

/* October 2025 to the demo's today: 第一议题 in most months (so some
 * quarters have none and are flagged), 专题党课 in most quarters */
static enum xz_result sessions(struct demo_org *s)
{
	enum xz_result r = XZ_OK;
	size_t i;
	json_t *o;
	json_array_foreach(s->orgs, i, o) {
		if (r)
			break;
		if (!strcmp(S(o, 1), "党建联盟") || (s->city && i % 3))
			continue;
		int expected = I(o, 2) > 3 ? (int)I(o, 2) : 3 + (int)(next(&s->rng) % 20);
		for (int m = 0; m < 14 && !r; m++) { /* 2025-10 … 2026-11 */
			int y = 2025 + (9 + m) / 12, mon = (9 + m) % 12 + 1;
			char date[16];
			snprintf(date, sizeof(date), "%04d-%02d-%02d", y, mon, 5 + (int)(next(&s->rng) % 16));
			if (strcmp(date, TODAY) > 0 || strcmp(date, S(o, 4)) < 0)
				continue;
			if (next(&s->rng) % 100 < 80)
				r = session(s, I(o, 0), date, "第一议题", first_topics[next(&s->rng) % 6],
				            S(o, 3), expected);
			if (!r && mon % 3 == 2 && next(&s->rng) % 100 < 70)
				r = session(s, I(o, 0), date, "专题党课", lessons[next(&s->rng) % 4], S(o, 3),
				            expected);
			if (!r && next(&s->rng) % 100 < 25)
				r = session(s, I(o, 0), date, "主题党日", party_days[next(&s->rng) % 3], S(o, 3),
				            expected);
		}
	}
	return r;
}

enum xz_result demo_org_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed)
{
	struct demo_org s = {
	    .ctx = ctx,
	    .rng = seed ^ 0x6f7267616e697a65ULL,
	    .city = scale && strcmp(scale, "small") != 0,
	    .district_org = json_object(),
	    .newecon_org = json_object(),
	    .park_org = json_object(),
	    .chain_org = json_object(),
	    .alliance_org = json_object(),
	    .ent_chain = json_object(),
	    .orgs = json_array(),
	    .byname = json_object(),
	};
	json_t *city = NULL, *parks = NULL, *chain_rows = NULL, *ents = NULL, *insts = NULL;
	enum xz_result r;
	if ((r = load(ctx->db,
	              "SELECT id FROM region WHERE level = '市' AND deleted_at IS NULL ORDER BY id"
	              " LIMIT 1",
	              &city)) ||
	    (r = load(ctx->db,
	              "SELECT id, code, name FROM region WHERE level = '区县' AND deleted_at IS NULL"
	              " ORDER BY code",
	              &s.districts)) ||
	    (r = load(ctx->db,
	              "SELECT p.id, p.name, p.region_id, r.code FROM park p JOIN region r"
	              " ON r.id = p.region_id WHERE p.deleted_at IS NULL ORDER BY p.id",
	              &parks)) ||
	    (r = load(ctx->db,
	              "SELECT id, name, cluster_id FROM chain WHERE deleted_at IS NULL ORDER BY id",
	              &chain_rows)) ||
	    (r = load(ctx->db,
	              "SELECT e.id, e.name, e.region_id, r.code, e.park_id,"
	              " (e.above_scale = 1 OR e.srdi = 1 OR e.high_tech = 1),"
	              " (SELECT sg.chain_id FROM enterprise_segment es JOIN segment sg"
	              "  ON sg.id = es.segment_id WHERE es.enterprise_id = e.id ORDER BY sg.id LIMIT 1)"
	              " FROM enterprise e JOIN region r ON r.id = e.region_id"
	              " WHERE e.deleted_at IS NULL ORDER BY e.revenue DESC, e.id",
	              &ents)) ||
	    (r = load(ctx->db,
	              "SELECT id, cluster_id FROM institution WHERE deleted_at IS NULL ORDER BY id",
	              &insts)))
		goto out;
	if (!json_array_size(city))
		goto out;
	s.city_region = I(json_array_get(city, 0), 0);
	size_t i;
	json_t *e;
	json_array_foreach(ents, i, e) {
		char key[24];
		key_of(key, sizeof(key), I(e, 0));
		set_id(s.ent_chain, key, I(e, 6));
	}
	if ((r = territory(&s, parks)) || (r = chains(&s, chain_rows)) ||
	    (r = member_orgs(&s, ents)) || (r = members(&s, chain_rows, ents, insts)) ||
	    (r = functional(&s)) || (r = duties(&s, chain_rows, ents)) || (r = sessions(&s)))
		goto out;
out:
	json_decref(city);
	json_decref(parks);
	json_decref(chain_rows);
	json_decref(ents);
	json_decref(insts);
	json_decref(s.districts);
	json_decref(s.district_org);
	json_decref(s.newecon_org);
	json_decref(s.park_org);
	json_decref(s.chain_org);
	json_decref(s.alliance_org);
	json_decref(s.ent_chain);
	json_decref(s.orgs);
	json_decref(s.byname);
	return r;
}
