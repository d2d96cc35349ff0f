/*
 * Workflows over any entity whose descriptor declares one (model.h, struct
 * workflow): taking a step moves the state field, writes a history row and an
 * audit row in one transaction; the history of a record is read through the
 * record's own data scope.
 *
 * Ownership: *out JSON belongs to the caller (json_decref).
 */
#ifndef XZ_WORKFLOW_H
#define XZ_WORKFLOW_H

#include "engine/engine.h"

/* Takes the step `action` on row id of e, from the row's current state.
 * version, when given (> 0), must be the row's current version.
 * Errors, each with a Chinese message in ctx->message (and a detail for the
 * comment): XZ_ERR_NOT_FOUND (no such row in scope, or e has no workflow),
 * XZ_ERR_VALIDATION (unknown action, a step that does not start from the
 * current state, a missing comment), XZ_ERR_FORBIDDEN (the actor's role may
 * not take the step, or took the previous one and the step asks for another
 * user), XZ_ERR_CONFLICT (a stale version). *out is the row after the step. */
enum xz_result engine_transition(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                                 const char *action, const char *comment, int64_t version,
                                 json_t **out);

/* engine_transition() for a step that declares an input (struct wf_step):
 * its value is body's member named after the field, required and checked
 * against the field (XZ_ERR_VALIDATION with a detail on that field); body
 * may be NULL for steps without one. The step's stamp, comment_to and clear
 * fields are written with the state. */
enum xz_result engine_transition_input(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                                       const char *action, const char *comment,
                                       int64_t version, json_t *body, json_t **out);

/* The steps taken on row id, oldest first: [{ts, action, label, from, to,
 * username, role, comment}]. XZ_ERR_NOT_FOUND as engine_get(). */
enum xz_result engine_history(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                              json_t **out);

/* XZ_ERR_CONFLICT with a message when row's state freezes it (the workflow's
 * editable states do not include it), or the descriptor's frozen hook
 * refuses it (a score of a published round): what ("修改", "删除") is refused. */
enum xz_result workflow_check_editable(struct engine_ctx *ctx, const struct entity *e, json_t *row,
                                       const char *what);

#endif
