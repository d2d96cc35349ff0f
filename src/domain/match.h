/*
 * Matching talents to needs and needs to talents through the skill taxonomy
 * (ranking in match.c), served from an in-memory index kept current by the
 * engine's after-commit hook (match_index.c).
 *
 * Ownership: *out results belong to the caller (json_decref). The index is
 * one process-wide structure owned by match_index.c; match_reset() releases
 * it.
 */
#ifndef XZ_MATCH_H
#define XZ_MATCH_H

#include "core/result.h"
#include "engine/engine.h"

#include <jansson.h>
#include <stdint.h>

#define MATCH_DEFAULT_K 10
#define MATCH_MAX_K     200

/* Top-k open-talent candidates for a need, or open needs for a talent.
 * The queried row must be visible to ctx's actor (XZ_ERR_NOT_FOUND
 * otherwise); candidates outside the actor's region, or outside region (a
 * region code prefix, NULL or "" for none), are left out. k ≤ 0 means
 * MATCH_DEFAULT_K. *out = {query, k, total, items: [{id, label, score,
 * region_code, matched_skills, missing_skills, conditions, reasons}]},
 * items by score descending then id ascending. */
enum xz_result match_for_need(struct engine_ctx *ctx, int64_t need_id, int k, const char *region,
                              json_t **out);
enum xz_result match_for_talent(struct engine_ctx *ctx, int64_t talent_id, int k,
                                const char *region, json_t **out);

/* Builds the index now (at server start) rather than at the first query. */
enum xz_result match_warm(struct store *db);

/* Drops the index; the next query rebuilds it from its database. For a
 * switch of database (tests, restore) and for a clean exit. */
void match_reset(void);

#endif
