/*
 * Demo 百项攻坚 key projects: after the demo city's people are seeded, a few
 * (small: 10, city: 100) projects on real chains, city-wide or in a
 * district, each with 5–15 seats and two or three required expertise tags
 * from the vocabulary the demo cadres carry, so the staffing page and
 * `xinzhi assign` have something to solve. No members are written: the
 * staffing is what the user does with them. Each project gets four
 * milestones in 2026–2027, the early ones done for most projects and late
 * for some, so the ledger shows progress and overdue items; and a few vacant
 * posts (small: 8, city: 40) ask for the same expertise vocabulary, for the
 * post recommendation. Deterministic for a seed.
 */
#include "domain/demo.h"
#include "core/mem.h"
#include "engine/engine.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const themes[] = {"强链补链",     "关键技术攻关", "招商引资", "数字化转型",
                                     "集群能级提升", "创新平台建设", "人才引育", "绿色低碳"};
#define NTHEMES (sizeof(themes) / sizeof(themes[0]))
/* economic expertise from the demo cadres' vocabulary (demo_people_data.c) */
static const char *const project_tags[] = {"产业经济", "科技创新", "现代金融", "招商引资",
                                           "财政税务"};
#define NTAGS (sizeof(project_tags) / sizeof(project_tags[0]))

static uint64_t next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* ids of the live rows a query returns, in order */
static enum xz_result ids_of(struct store *db, const char *sql, int64_t **ids, char ***names,
                             size_t *n)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	size_t cap = 0;
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*ids = xrealloc(*ids, cap * sizeof(**ids));
			if (names)
				*names = xrealloc(*names, cap * sizeof(**names));
		}
		(*ids)[*n] = store_column_int(st, 0);
		if (names)
			(*names)[*n] =
			    xstrdup(store_column_text(st, 1) ? store_column_text(st, 1) : "");
		(*n)++;
	}
	if (s != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

/* Four milestones from March 2026 to the end of 2027: the first is done for
 * every project, the second for two in three, so every third project is
 * late on its July milestone. */
static enum xz_result seed_milestones(struct engine_ctx *ctx, int64_t project, int i, uint64_t *rng)
{
	static const struct {
		const char *name, *due, *done, *note;
	} plan[] = {
	    {"制定攻坚方案", "2026-04-15", "2026-04-10", "方案经市攻坚办审定"},
	    {"完成资源对接", "2026-07-31", "2026-07-20", "对接链上企业和创新平台"},
	    {"中期评估", "2027-01-31", NULL, NULL},
	    {"总结验收", "2027-12-31", NULL, NULL},
	};
	const struct entity *e = model_find("project_milestone");
	enum xz_result r = XZ_OK;
	for (size_t m = 0; m < sizeof(plan) / sizeof(plan[0]) && !r; m++) {
		bool done = plan[m].done && (m == 0 || i % 3 != 2);
		json_t *in = json_pack("{s:I, s:s, s:s}", "project_id", (json_int_t)project, "name",
		                       plan[m].name, "due_date", plan[m].due);
		if (done) {
			json_object_set_new(in, "done_date", json_string(plan[m].done));
			json_object_set_new(in, "note", json_string(plan[m].note));
		} else if (plan[m].done) {
			json_object_set_new(in, "note", json_string("部分企业对接尚未完成"));
		}
		json_t *made = NULL;
		r = engine_create(ctx, e, in, &made);
		json_decref(in);
		json_decref(made);
	}
	(void)rng;
	return r;
}

static enum xz_result seed_posts(struct engine_ctx *ctx, const char *scale, const int64_t *chains,
                                 size_t nchains, const int64_t *regions, size_t nregions,
                                 uint64_t *rng)
{
	static const struct {
		const char *unit, *name, *level;
	} posts[] = {
	    {"市工业和信息化局", "产业链发展处处长", "市"},
	    {"市发展和改革委员会", "高技术产业处副处长", "市"},
	    {"市科学技术局", "高新技术处处长", "市"},
	    {"市地方金融管理局", "金融发展处副处长", "市"},
	    {"市商务局", "投资促进处处长", "市"},
	    {"江阴市工业和信息化局", "副局长", "县"},
	    {"宜兴市发展和改革委员会", "副主任", "县"},
	    {"新吴区科技创新局", "副局长", "县"},
	};
	static const char *const floors[] = {"四级调研员", "一级主任科员", NULL};
	const struct entity *e = model_find("post");
	int total = scale && !strcmp(scale, "city") ? 40 : 8;
	enum xz_result r = XZ_OK;
	for (int i = 0; i < total && !r && nchains && nregions; i++) {
		size_t at = (size_t)i % (sizeof(posts) / sizeof(posts[0]));
		bool city = !strcmp(posts[at].level, "市");
		json_t *tags = json_array();
		json_array_append_new(tags, json_string(project_tags[next(rng) % NTAGS]));
		const char *second = project_tags[next(rng) % NTAGS];
		if (strcmp(second, json_string_value(json_array_get(tags, 0))))
			json_array_append_new(tags, json_string(second));
		char name[120];
		snprintf(name, sizeof(name), "%s%s", posts[at].name,
		         i < (int)(sizeof(posts) / sizeof(posts[0])) ? "" : "（储备）");
		json_t *in = json_pack(
		    "{s:s, s:s, s:s, s:o, s:I, s:I, s:s, s:s}", "name", name, "unit", posts[at].unit,
		    "level", posts[at].level, "expertise", tags, "chain_id",
		    (json_int_t)chains[next(rng) % nchains], "region_id",
		    (json_int_t)(city || nregions == 1 ? regions[0] : regions[1 + next(rng) % (nregions - 1)]),
		    "status", "空缺", "description", "负责产业链招引、培育与要素保障，推动重点项目落地。");
		const char *floor = floors[i % 3 == 2 ? 2 : (size_t)i % 2];
		if (floor)
			json_object_set_new(in, "min_rank", json_string(floor));
		json_t *made = NULL;
		r = engine_create(ctx, e, in, &made);
		json_decref(in);
		json_decref(made);
	}
	return r;
}

enum xz_result demo_projects_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed)
{
	const struct entity *e = model_find("project");
	int64_t *chains = NULL, *regions = NULL;
	char **chain_names = NULL;
	size_t nchains = 0, nregions = 0;
	uint64_t rng = seed ^ 0x70726f6a65637473ULL;
	int total = scale && !strcmp(scale, "city") ? 100 : 10;
	enum xz_result r =
	    ids_of(ctx->db, "SELECT id, name FROM chain WHERE deleted_at IS NULL ORDER BY id",
	           &chains, &chain_names, &nchains);
	if (r ||
	    (r = ids_of(ctx->db,
	                "SELECT id FROM region WHERE deleted_at IS NULL AND level IN ('市', '区县')"
	                " ORDER BY CASE level WHEN '市' THEN 0 ELSE 1 END, id",
	                &regions, NULL, &nregions)))
		goto out;
	if (!nchains || !nregions)
		goto out;
	for (int i = 0; i < total && !r; i++) {
		size_t chain = (size_t)i % nchains, round = (size_t)i / nchains;
		char name[160];
		snprintf(name, sizeof(name), "%s%s攻坚项目", chain_names[chain],
		         themes[(round + chain) % NTHEMES]);
		json_t *tags = json_array();
		int want = 2 + (int)(next(&rng) % 2);
		for (int tries = 0; (int)json_array_size(tags) < want && tries < 20; tries++) {
			const char *tag = project_tags[next(&rng) % NTAGS];
			bool dup = false;
			size_t k;
			json_t *v;
			json_array_foreach(tags, k, v) dup |= !strcmp(json_string_value(v), tag);
			if (!dup)
				json_array_append_new(tags, json_string(tag));
		}
		/* half city-wide (regions[0] is the city), half in a district */
		int64_t region = i % 2 ? regions[1 + next(&rng) % (nregions > 1 ? nregions - 1 : 1)]
		                       : regions[0];
		if (nregions == 1)
			region = regions[0];
		json_t *in = json_pack(
		    "{s:s, s:I, s:s, s:i, s:o, s:s, s:s, s:s, s:I, s:s}", "name", name, "chain_id",
		    (json_int_t)chains[chain], "lead_unit", "市发展和改革委员会", "headcount",
		    5 + (int)(next(&rng) % 11), "expertise", tags, "start_date", "2026-03-01",
		    "end_date", "2027-12-31", "status", i % 3 ? "筹备" : "实施中", "region_id",
		    (json_int_t)region, "description",
		    "百项攻坚示范项目：按专业特长配置干部，推动产业链攻坚。");
		json_t *made = NULL;
		r = engine_create(ctx, e, in, &made);
		json_decref(in);
		if (!r)
			r = seed_milestones(ctx, json_integer_value(json_object_get(made, "id")), i, &rng);
		json_decref(made);
	}
	if (!r)
		r = seed_posts(ctx, scale, chains, nchains, regions, nregions, &rng);
out:
	for (size_t i = 0; i < nchains; i++)
		free(chain_names[i]);
	free(chain_names);
	free(chains);
	free(regions);
	return r;
}
