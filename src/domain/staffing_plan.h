/*
 * Saved staffing plans (配备方案) for 千名干部百项攻坚. A user who likes a
 * solved plan saves it under a name: the server solves the request again
 * itself (a result sent by the client is never stored) and keeps request and
 * result as JSON in a staffing_plan row, in the saving user's data scope.
 * Two saved plans are compared project by project (the cadres only in one,
 * only in the other, in both; totals and filled seats and their deltas), and
 * a draft plan is applied exactly as stored through staffing_apply(), once:
 * the row then reads 已应用, and a second apply, or one whose projects'
 * members changed since it was solved, is a conflict. Listing, reading,
 * renaming and deleting plans go through the generic engine (the
 * staffing_plan descriptor); creating one only through
 * staffing_plan_save().
 *
 * Ownership: request bodies and result JSON passed in stay the caller's;
 * every *out JSON belongs to the caller (json_decref). Nothing is kept
 * between calls.
 */
#ifndef XZ_STAFFING_PLAN_H
#define XZ_STAFFING_PLAN_H

#include "engine/engine.h"

#include <jansson.h>

#define STAFFING_PLAN_DRAFT   "草稿"
#define STAFFING_PLAN_APPLIED "已应用"

/* body: {name, note?, request: {project_ids?, pins?, exclusions?,
 * one_project?}}. Solves the request in ctx's scope, stores the plan as a
 * draft (audited) and sets *id. Without project_ids the solved projects'
 * ids are stored, so the request names what the plan covers.
 * XZ_ERR_BAD_REQUEST for a malformed body or unknown keys (a client-sent
 * result among them), XZ_ERR_VALIDATION for a missing name or a plan
 * without projects, and the errors of staffing_solve(); a Chinese message
 * in ctx->message. */
enum xz_result staffing_plan_save(struct engine_ctx *ctx, json_t *body, int64_t *id);

/* Compares the saved plans a and b (both visible to ctx): *out = {a:{id,
 * name, status, total, filled, unfilled}, b:{...}, delta:{total, filled,
 * unfilled} (b minus a), changed, projects:[...]} as staffing_plan_diff()
 * makes it. XZ_ERR_NOT_FOUND when either is missing or out of scope. */
enum xz_result staffing_plan_compare(struct engine_ctx *ctx, int64_t a, int64_t b, json_t **out);

/* Pure: the difference of two staffing_solve() results. *out = {projects:
 * [{project_id, name, in_a, in_b, total_a, total_b, filled_a, filled_b,
 * unfilled_a, unfilled_b, only_a:[{cadre_id, name, score}], only_b:[...],
 * both:[{cadre_id, name, score_a, score_b}]}], changed} with the projects of
 * a in a's order, then those only in b; changed counts the cadres in
 * only_a and only_b. XZ_ERR_BAD_REQUEST when a result is not an object with
 * a projects array of {project_id, staff:[{cadre_id}]}. */
enum xz_result staffing_plan_diff(json_t *ra, json_t *rb, json_t **out);

/* Applies the draft plan id as stored (staffing_apply()), marks it 已应用
 * with the time and user, audited, in one transaction. *out = {id, status,
 * created, projects}. XZ_ERR_CONFLICT when it is already applied or its
 * projects' members changed since it was solved; XZ_ERR_NOT_FOUND when it
 * is missing or out of scope. */
enum xz_result staffing_plan_apply(struct engine_ctx *ctx, int64_t id, json_t **out);

#endif
