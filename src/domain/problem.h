/*
 * 进园助企大走访: the problem ledger (问题台账) over the problems (堵点卡点)
 * found on visits, and the evidence a cadre's problems give to 季季评 and the
 * portrait.
 *
 * Rules, applied the same way to the ledger, its export and the evidence:
 *  - today is util_today() (UTC+8; the test clock in test builds);
 *  - closed: 已办结 or 已回访; open: 待受理 or 办理中; returned: 已退回 (back
 *    with whoever reported it, so its clock stands still: never overdue);
 *  - 逾期未办结 (overdue): open and deadline < today, days = today − deadline;
 *    逾期办结 (closed late): closed and closed_date > deadline, days =
 *    closed_date − deadline; anything else is on time (days 0);
 *  - closure rate = closed ÷ total × 100, one decimal (0 when total is 0);
 *  - days to close = closed_date − found_date, averaged over the closed
 *    problems that have a closed date, one decimal (null when none);
 *  - region = the district (6-digit code) of the enterprise's region.
 * Everything reads through the caller's data scope (the problem's
 * enterprise's region).
 *
 * Ownership: *out JSON and *data bytes belong to the caller.
 */
#ifndef XZ_PROBLEM_H
#define XZ_PROBLEM_H

#include "engine/engine.h"

#include <jansson.h>

/* params (all optional): region_id (a region's id: it and below; or region,
 * the region's code), chain_id,
 * resp_unit (exact), category, status, owner_cadre_id, visit_id, from / to
 * (found_date range, inclusive), overdue=1 (逾期未办结 only), format (ignored).
 * *out = {today, filters, summary:{total, open, closed, returned, overdue,
 * closed_late, closure_rate, avg_days, by_status:{…}, satisfaction:{满意,
 * 基本满意, 不满意}}, by_region / by_chain / by_unit / by_category:[{id?,
 * name, total, closed, open, overdue, closed_late, closure_rate,
 * avg_days}], items:[{id, enterprise_id, enterprise, visit_id, chain_id,
 * chain, region_id, region, category, description, countermeasure,
 * resp_unit, owner_cadre_id, owner, found_date, deadline, status,
 * accepted_date, closed_date, satisfaction, overdue, late_kind
 * ("逾期未办结" | "逾期办结" | null), days_overdue}]} with the open overdue
 * items first, then by deadline. XZ_ERR_BAD_REQUEST for an unknown or
 * malformed parameter. */
enum xz_result problem_ledger(struct engine_ctx *ctx, const struct kv *params, size_t nparams,
                              json_t **out);
/* The ledger as a printable workbook: a title naming the date and filters,
 * one row per problem with the columns in Chinese, then the summary rows
 * and the by-region, by-chain and by-unit tables. */
enum xz_result problem_ledger_xlsx(struct engine_ctx *ctx, const struct kv *params, size_t nparams,
                                   char **data, size_t *len);

/* The problems cadre_id is responsible for (owner_cadre_id) whose deadline
 * lies in [from, to] (ISO dates), as {from, to, total, closed_on_time,
 * closed_late, open_overdue, open, returned}: the evidence of a quarter for
 * 季季评 and the portrait. Counts only problems visible to the actor. */
json_t *problem_owner_evidence(struct engine_ctx *ctx, int64_t cadre_id, const char *from,
                               const char *to);

/* The same, for every cadre at once: an object keyed by the cadre id as
 * text (only cadres with at least one problem). */
json_t *problem_owner_evidence_all(struct engine_ctx *ctx, const char *from, const char *to);

/* The quarter's first and last day ("2026-07-01", "2026-09-30"). */
void problem_quarter_range(int year, int quarter, char from[11], char to[11]);

/* Demo visits and problems (demo_problem.c): ~60 visits and ~150 problems
 * (small; ten times as many at city scale) over the seeded enterprises, in
 * every state with dates and workflow history to match; ~80 talent service
 * requests (small; ten times at city). Runs inside demo_seed()'s
 * transaction. */
enum xz_result demo_problem_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed);

#endif
