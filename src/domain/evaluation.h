/*
 * 季季评 quarterly evaluation ("担使命 作贡献"): the domain logic around the
 * eval_* descriptors. A scheme (eval_scheme) sets weighted dimensions
 * (eval_dimension) and grades with quotas; a round (eval_round) of one
 * quarter goes 草稿 → 评分中 → 已发布; its subjects (eval_subject: cadres, or
 * teams by name) sit in peer groups; scores (eval_score) are one per
 * subject, evaluator and dimension. Results are computed on demand by
 * eval_calc.c (see there for the rules); publishing freezes the round, its
 * subjects and scores, and the scheme it uses (every later write → 409).
 *
 * Scope: rounds and schemes are city-wide (written by city-level users);
 * subjects and scores follow the subject's region, so a district user sees
 * and scores its own subjects, with ranks computed over the whole group.
 *
 * Ownership: every json_t **out and char **data belongs to the caller
 * (json_decref, free). Failures carry a Chinese message in ctx->message and
 * per-row details in ctx->errs.details.
 */
#ifndef XZ_EVALUATION_H
#define XZ_EVALUATION_H

#include "engine/engine.h"

#include <stddef.h>
#include <stdint.h>

/* the evaluator name under which fill_projects writes its scores */
#define EVAL_PROJECT_EVALUATOR "攻坚项目（系统）"

/* Per subject: dimension averages, total, rank and size of its peer group,
 * grade; plus the scheme, dimensions and per-group grade counts. */
enum xz_result evaluation_results(struct engine_ctx *ctx, int64_t round_id, json_t **out);

/* Bulk entry of {subject_id, evaluator, dimension_id, score} in one
 * transaction (an existing score of the same subject, evaluator and dimension
 * is replaced). All rows are checked first: unknown subject or dimension,
 * score outside 0–100, a duplicate in the request → XZ_ERR_VALIDATION with
 * row details and nothing saved. A round not in 评分中 → XZ_ERR_CONFLICT.
 * *out = {saved, inserted, updated, unchanged}. */
enum xz_result evaluation_put_scores(struct engine_ctx *ctx, int64_t round_id, json_t *scores,
                                     json_t **out);

/* 评分中 → 已发布 when every subject has at least one score in every
 * dimension (else XZ_ERR_VALIDATION naming what is missing); city-level
 * users only. *out is the results after publication. */
enum xz_result evaluation_publish(struct engine_ctx *ctx, int64_t round_id, json_t **out);

/* Fills the scheme's 由攻坚项目生成 dimension from key projects: a cadre
 * subject who was a member of a project with status 已完成 and an end date
 * in the round's quarter gets, from the evaluator EVAL_PROJECT_EVALUATOR,
 * min(100, 70 + 15 per project led (牵头) + 10 per project joined (成员)).
 * Subjects without such a project get no score from it. *out = {dimension_id,
 * filled, projects, rule}. */
enum xz_result evaluation_fill_projects(struct engine_ctx *ctx, int64_t round_id, json_t **out);

/* Yearly roll-up over the published rounds of a year (target "干部",
 * "班子" or NULL for both): per subject (a cadre, or a team by name and
 * unit) the quarters, the average total, grade counts, the best and worst
 * quarter (ties: the earlier quarter). */
enum xz_result evaluation_yearly(struct engine_ctx *ctx, int year, const char *target,
                                 json_t **out);

/* The results and the roll-up as xlsx bytes (malloc'd). */
enum xz_result evaluation_results_xlsx(struct engine_ctx *ctx, int64_t round_id, char **data,
                                       size_t *len);
enum xz_result evaluation_yearly_xlsx(struct engine_ctx *ctx, int year, const char *target,
                                      char **data, size_t *len);

/* Demo data (demo_eval.c): a scheme with 担使命/作贡献/攻坚成效/群众评价
 * (25/25/30/20), a published round for the past quarter and one in 评分中 for
 * the current one, scored for a sample of cadres. Deterministic for a seed;
 * runs inside demo_seed()'s transaction. */
enum xz_result evaluation_demo_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed);

#endif
