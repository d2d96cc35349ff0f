/*
 * 一张图: the city's industry chains in one view, with drill-down from the
 * city to a cluster, to a chain, to an enterprise. Each level is a table of
 * rows (clusters of the city, chains of a cluster, enterprises of a chain)
 * with the same figures and a totals row for the level itself.
 *
 * The rules (also in docs, README "一张图"):
 * - 规上营收 and its shares (战新, 高新) are the cluster_stat figures of the
 *   newest year with any figures; revenue_share is a cluster's part of the
 *   city total of that year. They are city-wide statistics, the same for
 *   every reader. Chains and enterprises have no 规上营收 of their own;
 *   their rows carry enterprise_revenue, the sum of 上年营收 (enterprise.
 *   revenue, 万元, shown in 亿元) of the enterprises in scope.
 * - an enterprise is on a chain when one of its segments (enterprise_segment
 *   → segment.chain_id) is; a cluster's or the city's enterprises are
 *   counted once each however many of their chains they are on;
 * - talents: live talents not 已离锡, by the chain they serve (talent.
 *   chain_id); for an enterprise, the talents it employs (talent.
 *   enterprise_id);
 * - open needs: needs in state 开放, on the chain of their segment, or when
 *   they name no segment on every chain of their enterprise (counted once
 *   per level); for an enterprise, all its open needs;
 * - organizations: live party organizations on the chain (org.chain_id) not
 *   revoked before today (end_date); for an enterprise, the organizations it
 *   is a member unit of (org_link.enterprise_id, not ended) or that sent
 *   someone on duty to it (chain_duty.org_id of a duty at it);
 * - duties: chain duties (蹲链、挂链、赴链) active today (started, not ended)
 *   on the chain; for an enterprise, those at it (chain_duty.enterprise_id);
 * - open problems: problems in state 待受理, 办理中 or 已退回, on their chain
 *   (problem.chain_id), or when it is empty on every chain of their
 *   enterprise; for an enterprise, all its open problems.
 * Every count passes through the caller's data scope (query_scope_as for
 * the counted entity), so a district user's figures are the district's.
 * Enterprise rows show the enterprise's own totals, so they need not add up
 * to the chain's row (an enterprise on two chains, a need on another
 * chain's segment).
 *
 * Ownership: *out belongs to the caller (json_decref).
 */
#ifndef XZ_ONEMAP_H
#define XZ_ONEMAP_H

#include "engine/engine.h"

#include <jansson.h>

enum onemap_level { ONEMAP_CITY, ONEMAP_CLUSTER, ONEMAP_CHAIN };

/* "city", "cluster", "chain" → the level; false for anything else. */
bool onemap_level_parse(const char *s, enum onemap_level *out);

/* *out = {level, id, name, year, scope, breadcrumb:[{level, id, name}],
 * totals:{…figures}, rows:[{id, name, next, …figures}]}; the figures are
 * chains (city, cluster), enterprises, talents, open_needs, open_headcount,
 * orgs, duties, open_problems, enterprise_revenue (亿元), and for clusters
 * revenue, strategic_share, hightech_share, revenue_share (null without
 * figures). next is the level a row drills into ("cluster", "chain",
 * "enterprise"). XZ_ERR_NOT_FOUND for an unknown cluster or chain. */
enum xz_result onemap_view(struct engine_ctx *ctx, enum onemap_level level, int64_t id,
                           json_t **out);

#endif
