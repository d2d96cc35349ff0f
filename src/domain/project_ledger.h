/*
 * 百项攻坚 ledger (台账) and post recommendation.
 *
 * The ledger lists the key projects in the caller's scope (the generic list
 * filters apply: status, chain_id, q …) with their members, milestones,
 * progress (milestones done of all), overdue milestones and whether the
 * project itself is past its end date, overdue projects first. The post
 * recommendation ranks the cadres in scope for a vacant post by the
 * expertise the post asks for, its level, rank floor, chain and district,
 * with the reasons in Chinese.
 *
 * Ownership: *out JSON and *data bytes belong to the caller (json_decref,
 * free).
 */
#ifndef XZ_PROJECT_LEDGER_H
#define XZ_PROJECT_LEDGER_H

#include "engine/engine.h"

#include <jansson.h>

/* params: the project list's filters plus overdue=1 (only projects with
 * something overdue). *out = {today, total, overdue, items:[{project_id,
 * name, chain, lead_unit, status, headcount, members, end_date,
 * milestones, done, progress, overdue_milestones:[{name, due_date,
 * days}], next:{name, due_date}|null, past_end}]}. XZ_ERR_BAD_REQUEST for a
 * bad filter (with details). */
enum xz_result project_ledger(struct engine_ctx *ctx, const struct kv *params, size_t nparams,
                              json_t **out);
/* The same ledger as an xlsx workbook (title row, one row per project). */
enum xz_result project_ledger_xlsx(struct engine_ctx *ctx, const struct kv *params,
                                   size_t nparams, char **data, size_t *len);

/* The top k cadres for the post id: *out = {post_id, name, unit, k, total,
 * items:[{cadre_id, name, unit, post, rank, level, score, reasons:[...]}]}.
 * Cadres below the post's rank floor are left out (total counts those
 * eligible). XZ_ERR_NOT_FOUND when the post is not visible. */
enum xz_result post_candidates(struct engine_ctx *ctx, int64_t post_id, int k, json_t **out);

#endif
