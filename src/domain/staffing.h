/*
 * 千名干部百项攻坚: staffing key projects with cadres. Builds a staffing
 * instance from the database (the chosen projects' free seats, the cadres in
 * the caller's scope, candidate arcs scored by expertise overlap, a bonus for
 * a first time on the project's chain as 历练 asks, and one for the same
 * district), solves it exactly with assign_solve() and explains the plan in
 * Chinese. Applying a plan writes project_member rows through the engine in
 * one transaction, refusing it when the projects' members changed since the
 * plan was made.
 *
 * Ownership: the request JSON stays the caller's; *out JSON belongs to the
 * caller (json_decref). A staffing_instance owns everything it points to and
 * is freed with staffing_instance_free().
 */
#ifndef XZ_STAFFING_H
#define XZ_STAFFING_H

#include "domain/assign_solver.h"
#include "engine/engine.h"

#include <jansson.h>

struct staffing_project; /* private to staffing.c */
struct staffing_cadre;

struct staffing_instance {
	struct assign_problem problem; /* points into the arrays below */
	struct staffing_project *projects;
	struct staffing_cadre *cadres;
	int32_t *cadre_cap, *seats;
	struct assign_arc *arcs, *pins, *excluded;
	bool one_project;
};

/* req: {project_ids?:[id], pins?:[{project_id, cadre_id}], exclusions?:[...],
 * one_project?: bool (default true)}. Without project_ids every 筹备/实施中
 * project in scope is staffed. XZ_ERR_BAD_REQUEST / XZ_ERR_NOT_FOUND with a
 * Chinese message in ctx->message. */
enum xz_result staffing_build(struct engine_ctx *ctx, json_t *req, struct staffing_instance **out);
void staffing_instance_free(struct staffing_instance *inst);

/* Builds and solves: {total, filled, unfilled, one_project, projects:[{project_id,
 * name, chain, headcount, current, seats, staff:[{cadre_id, name, unit, post,
 * score, pinned, reasons:[...]}], unfilled, unfilled_reason}]}. Computes only. */
enum xz_result staffing_solve(struct engine_ctx *ctx, json_t *req, json_t **out);

/* The top-k cadres for one key project, ranked by the very arc scores the
 * solver uses (score desc, then cadre id), among the cadres in scope sharing
 * at least one expertise tag and not yet on it; busy cadres (on a 实施中
 * project) are listed with "busy": true rather than dropped. *out = {project_id,
 * name, chain, k, total, items:[{cadre_id, name, unit, post, score, busy,
 * reasons:[...]}]}. XZ_ERR_NOT_FOUND when the project is not visible. */
enum xz_result staffing_candidates(struct engine_ctx *ctx, int64_t project_id, int k, json_t **out);

/* Writes a solved plan (the staffing_solve() output, or at least its
 * projects with project_id, current and staff[].cadre_id) as project_member
 * rows (role 成员, source 方案), audited. XZ_ERR_CONFLICT when a project's
 * member count differs from the plan's "current" (seats filled meanwhile).
 * *out = {created, projects}. */
enum xz_result staffing_apply(struct engine_ctx *ctx, json_t *plan, json_t **out);

#endif
