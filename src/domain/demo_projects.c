/*
 * Demo 百项攻坚 key projects: after the demo city's people are seeded, a few
 * (small: 10, city: 100) projects on real chains, city-wide or in a
 * district, each with 5–15 seats and two or three required expertise tags
 * from the vocabulary the demo cadres carry, so the staffing page and
 * `xinzhi assign` have something to solve. No members are written: the
 * staffing is what the user does with them. Deterministic for a seed.
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
		json_decref(made);
	}
out:
	for (size_t i = 0; i < nchains; i++)
		free(chain_names[i]);
	free(chain_names);
	free(chains);
	free(regions);
	return r;
}
