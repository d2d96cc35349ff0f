/*
 * Demo 季季评 data: after the demo cadres are seeded, one scheme "担使命
 * 作贡献" with the dimensions 担使命 25, 作贡献 25, 攻坚成效 30 (由攻坚项目生成)
 * and 群众评价 20, grades 好 30% / 较好 40% / 一般 30% / 较差 (below 60); a
 * published round for the past quarter, fully scored by three evaluators,
 * and a round in 评分中 for the current quarter with about half its scores
 * entered, over a sample of cadres from each level (peer groups 市直单位,
 * 区县, 乡镇). Deterministic for a seed and a date (the quarters follow
 * today's date); a few hundred rows, so city-scale seeding stays fast.
 */
#include "core/util.h"
#include "domain/evaluation.h"
#include "model/model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static enum xz_result create(struct engine_ctx *ctx, const char *entity, json_t *in, int64_t *id)
{
	json_t *made = NULL;
	enum xz_result r = engine_create(ctx, model_find(entity), in, &made);
	json_decref(in);
	if (!r && id)
		*id = json_integer_value(json_object_get(made, "id"));
	json_decref(made);
	return r;
}

static enum xz_result set_status(struct engine_ctx *ctx, int64_t round, const char *status)
{
	struct store_stmt *st = NULL;
	enum xz_result r =
	    store_prepare(ctx->db, "UPDATE eval_round SET status = ? WHERE id = ?", &st);
	if (r)
		return r;
	store_bind_text(st, 1, status);
	store_bind_int(st, 2, round);
	if (store_step(st) != STORE_DONE)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

static const char *const group_names[] = {"市直单位", "区县", "乡镇"};
static const char *const levels[] = {"市", "县", "乡"};

/* the subjects of one round: per level, the first n cadres */
static enum xz_result add_subjects(struct engine_ctx *ctx, int64_t round, int per_level,
                                   int64_t *ids, size_t *n)
{
	enum xz_result r = XZ_OK;
	for (int lv = 0; lv < 3 && !r; lv++) {
		struct store_stmt *st = NULL;
		json_t *rows = json_array();
		if ((r = store_prepare(
		         ctx->db,
		         "SELECT c.id, p.name, c.unit, c.region_id FROM cadre c JOIN person"
		         " p ON p.id = c.person_id WHERE c.deleted_at IS NULL AND"
		         " c.level = ? ORDER BY c.id LIMIT ?",
		         &st)))
			break;
		store_bind_text(st, 1, levels[lv]);
		store_bind_int(st, 2, per_level);
		while (store_step(st) == STORE_ROW)
			json_array_append_new(rows,
			                      json_pack("{s:I, s:s, s:s, s:I}", "cadre_id",
			                                (json_int_t)store_column_int(st, 0), "name",
			                                store_column_text(st, 1), "unit",
			                                store_column_text(st, 2), "region_id",
			                                (json_int_t)store_column_int(st, 3)));
		store_finalize(st);
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row)
		{
			json_object_set_new(row, "round_id", json_integer(round));
			json_object_set_new(row, "peer_group", json_string(group_names[lv]));
			if ((r = create(ctx, "eval_subject", json_incref(row), &ids[*n])))
				break;
			(*n)++;
		}
		json_decref(rows);
	}
	return r;
}

static enum xz_result add_scores(struct engine_ctx *ctx, int64_t round, const int64_t *subjects,
                                 size_t n, const int64_t *dims, size_t share_pct, uint64_t *rng)
{
	static const char *const evaluators[] = {"评委一", "评委二", "评委三"};
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(ctx->db,
	                                 "INSERT INTO eval_score (round_id, subject_id, evaluator,"
	                                 " dimension_id, score) VALUES (?, ?, ?, ?, ?)",
	                                 &st);
	if (r)
		return r;
	for (size_t i = 0; i < n && !r; i++) {
		if (i * 100 >= n * share_pct)
			break;
		int base = 72 + (int)(next(rng) % 20); /* each cadre has a level, evaluators vary */
		for (size_t e = 0; e < 3 && !r; e++)
			for (size_t d = 0; d < 4 && !r; d++) {
				double score =
				    base + (double)(next(rng) % 15) - 4 + (next(rng) % 2) * 0.5;
				if (score > 100)
					score = 100;
				store_reset(st);
				store_bind_int(st, 1, round);
				store_bind_int(st, 2, subjects[i]);
				store_bind_text(st, 3, evaluators[e]);
				store_bind_int(st, 4, dims[d]);
				store_bind_double(st, 5, score);
				if (store_step(st) != STORE_DONE)
					r = store_stmt_result(st);
			}
	}
	store_finalize(st);
	return r;
}

enum xz_result evaluation_demo_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed)
{
	uint64_t rng = seed ^ 0x6576616c75617465ULL;
	int per_level = scale && !strcmp(scale, "city") ? 20 : 8;
	char today[16];
	util_today(today, sizeof(today));
	int year = atoi(today), month = atoi(today + 5);
	int q = (month - 1) / 3 + 1, past_q = q == 1 ? 4 : q - 1,
	    past_year = q == 1 ? year - 1 : year;
	int64_t scheme = 0, dims[4] = {0}, past = 0, current = 0;
	size_t cap = (size_t)per_level * 3, n = 0;
	int64_t *subjects = calloc(cap, sizeof(*subjects));
	char name[120], title[80];
	snprintf(name, sizeof(name), "%d年度干部季季评方案（担使命 作贡献）", past_year);
	enum xz_result r = create(
	    ctx, "eval_scheme",
	    json_pack(
	        "{s:s, s:i, s:s, s:s, s:f, s:b, s:s}", "name", name, "year", past_year, "target",
	        "干部", "grades", "好:30,较好:40,一般:30,较差", "fail_below", 60.0, "active", 0,
	        "description",
	        "按照“担使命 作贡献”要求，每季度对干部进行评价，组内按名次定等，“好”等次不超过30%"),
	    &scheme);
	static const char *const dim_names[] = {"担使命", "作贡献", "攻坚成效", "群众评价"};
	static const double weights[] = {25, 25, 30, 20};
	for (int d = 0; d < 4 && !r; d++)
		r = create(ctx, "eval_dimension",
		           json_pack("{s:I, s:s, s:f, s:i, s:b}", "scheme_id", (json_int_t)scheme,
		                     "name", dim_names[d], "weight", weights[d], "sort_order",
		                     d + 1, "from_projects", d == 2),
		           &dims[d]);
	if (!r) {
		json_t *patch = json_pack("{s:b, s:i}", "active", 1, "version", 1), *after = NULL;
		r = engine_update(ctx, model_find("eval_scheme"), scheme, patch, &after);
		json_decref(patch);
		json_decref(after);
	}
	if (!r) {
		static const char *const qn[] = {"一", "二", "三", "四"};
		snprintf(title, sizeof(title), "%d年第%s季度干部季季评", past_year, qn[past_q - 1]);
		r = create(ctx, "eval_round",
		           json_pack("{s:I, s:i, s:i, s:s}", "scheme_id", (json_int_t)scheme,
		                     "year", past_year, "quarter", past_q, "title", title),
		           &past);
		snprintf(title, sizeof(title), "%d年第%s季度干部季季评", year, qn[q - 1]);
		if (!r)
			r = create(ctx, "eval_round",
			           json_pack("{s:I, s:i, s:i, s:s}", "scheme_id",
			                     (json_int_t)scheme, "year", year, "quarter", q,
			                     "title", title),
			           &current);
	}
	if (!r && !(r = add_subjects(ctx, past, per_level, subjects, &n)))
		r = add_scores(ctx, past, subjects, n, dims, 100, &rng);
	if (!r)
		r = set_status(ctx, past, "已发布");
	if (!r) {
		n = 0;
		if (!(r = add_subjects(ctx, current, per_level, subjects, &n)))
			r = add_scores(ctx, current, subjects, n, dims, 50, &rng);
	}
	if (!r)
		r = set_status(ctx, current, "评分中");
	free(subjects);
	return r;
}
