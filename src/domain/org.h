/*
 * The party-organization network along the industry chains (组织体系, issue
 * #7): every 党组织 has two parents (纵横交织).
 *
 *  - territory (属地): org.parent_id, the organization it reports to where
 *    it sits (市委 → 区委 → 党委 → 党总支 → 党支部).
 *  - chain (链上): the 产业链党委 or 党建联盟 it belongs to along a chain.
 *    The edges are org.chain_org_id (the org's own chain parent) and the
 *    current 党组织 memberships of a committee or alliance (org_link with
 *    member_kind 党组织 whose end_date is empty or not past, held by an
 *    org of kind 产业链党委 or 党建联盟): an alliance's member 支部 lie in its
 *    chain subtree although their own chain_org_id may name another parent.
 *    The chain hierarchy is thus a DAG; a descendant is reported once, at
 *    its shortest depth, with how it was reached ("chain_org" or "link").
 *
 * Both hierarchies are walked by recursive CTEs over the indexed columns
 * org(parent_id), org(chain_org_id) and org_link(org_id); the validation
 * hooks keep both acyclic (an org is never its own ancestor). Reads apply
 * the caller's data scope to every org, enterprise, person and ledger row
 * they return or count; the walk itself crosses orgs outside the scope (a
 * district user sees the district's part of a city-wide subtree).
 *
 * Ownership: *out belongs to the caller (json_decref).
 */
#ifndef XZ_ORG_H
#define XZ_ORG_H

#include "engine/engine.h"

#include <jansson.h>

enum org_hierarchy { ORG_TERRITORY, ORG_CHAIN };

/* "territory" (also "属地") or "chain" ("链上"); NULL or "" is territory. */
bool org_hierarchy_parse(const char *s, enum org_hierarchy *out);

/* The descendants of org id (not itself) in one hierarchy, at most
 * ORG_MAX_DEPTH levels down: ids[i] at depth[i] (1 = child), sorted by id.
 * Ignores scope (validation and the walk use it). Caller frees both. */
#define ORG_MAX_DEPTH 64
enum xz_result org_descendants(struct store *db, int64_t id, enum org_hierarchy h,
                               const char *today, int64_t **ids, int **depth, size_t *n);

/* The recursive CTE org_descendants() runs (bind the root id, then for the
 * chain hierarchy today): for tests of its query plan. */
const char *org_descendants_sql(enum org_hierarchy h, enum store_dialect dialect);

/* GET /org/:id/subtree: {org, hierarchy, items:[{id, name, kind, depth,
 * parent_id, via, region_id, member_count, party_members, temporary,
 * end_date}], totals:{orgs, by_kind:{kind:n}, party_members, member_count}}.
 * Totals cover the org itself and its visible descendants. XZ_ERR_NOT_FOUND
 * when the org is missing or out of scope. */
enum xz_result org_subtree(struct engine_ctx *ctx, int64_t id, enum org_hierarchy h,
                           json_t **out);

/* GET /org/tree: every visible org as a flat list for a tree view: {items:
 * [{id, name, kind, parent (in that hierarchy, or null), chain_id,
 * chain_name, region_id, region_code, secretary, member_count, temporary,
 * end_date, link_parents:[ids]}]}. The chain hierarchy lists the committees
 * and alliances and the orgs with a chain parent; parent is chain_org_id,
 * else the first current membership's committee or alliance. region: a
 * region code; only orgs in it and below. */
enum xz_result org_tree(struct engine_ctx *ctx, enum org_hierarchy h, const char *region,
                        json_t **out);

/* GET /study_session/quarterly: per visible org the sessions per quarter
 * of year by kind, the months of each quarter with a 第一议题
 * (first_topic_months, 3 when held monthly), attendance rate (Σ实到/Σ应到 over sessions giving both,
 * percent to 0.1) and the quarters flagged for having no 第一议题: a
 * quarter is flagged when it has ended (its last day is before today), the
 * org existed in it (established ≤ its end, end_date ≥ its start) and is
 * not a 党建联盟 (a body linking organizations, holding no 第一议题). */
enum xz_result org_study_quarterly(struct engine_ctx *ctx, int year, const char *region,
                                   json_t **out);

/* GET /chain/:id/health: the chain's health card (see routes_org.c). */
enum xz_result org_chain_health(struct engine_ctx *ctx, int64_t chain_id, json_t **out);

/* The calendar quarter before the one holding date (YYYY-MM-DD): from and
 * to (inclusive), each 11 bytes. */
void org_previous_quarter(const char *date, char *from, char *to);

#endif
