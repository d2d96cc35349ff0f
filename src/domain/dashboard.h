/*
 * Read models for the 首页 and the 产业链 page: figures the front end shows
 * but must never compute itself. Everything goes through the engine, so
 * the caller's data scope applies to every count and list.
 *
 * Ownership: *out belongs to the caller (json_decref).
 */
#ifndef XZ_DASHBOARD_H
#define XZ_DASHBOARD_H

#include "engine/engine.h"

/* {counts:{entity:n,...}, year, clusters:[{id,name,tier,target_2025,stat}],
 *  totals:{revenue, strategic_share, hightech_share, enterprise_count}} */
enum xz_result dashboard_overview(struct engine_ctx *ctx, json_t **out);

/* {chain, cluster, segments:[{...segment, enterprise_count, enterprises:[top
 * per_segment by revenue]}]} in tree order (parents before children);
 * XZ_ERR_NOT_FOUND for an unknown chain. */
enum xz_result dashboard_chain_tree(struct engine_ctx *ctx, int64_t chain_id, int per_segment,
                                    json_t **out);

#endif
