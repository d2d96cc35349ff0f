/*
 * 干部画像: everything the system knows about one cadre in one answer —
 * profile, expertise and whether the cadre counts as 专家型 (with the rule
 * and the evidence), a timeline of posts, 琢璞 secondments and key projects,
 * training hours per year, quarterly evaluations of published rounds,
 * awards, the experience breadth and the cadre's chain duties. Every part is read through the
 * engine, so the caller's data scope applies and personal data stays
 * masked.
 *
 * Ownership: *out belongs to the caller (json_decref).
 */
#ifndef XZ_PORTRAIT_H
#define XZ_PORTRAIT_H

#include "engine/engine.h"

#include <jansson.h>

/* The rule that makes a cadre 专家型, as shown to users. */
#define PORTRAIT_EXPERT_RULE                                                                     \
	"专业特长含产业经济、科技创新或现代金融之一，且该方向至少有一项佐证：相关专业的研究生学历" \
	"或学位，相关的专业技术职务，或在相关部门的任职经历"

/* *out = {cadre, person, expert:{is_expert, rule, areas:[{area, evidence:[...]}]},
 * timeline:[{date, end, kind, text}], training:{years:[{year, hours, classes}],
 * total}, evaluations:[{year, quarter, round_id, total, rank, group_size,
 * grade, peer_group}], awards:[{kind, year, status}], breadth:{...},
 * chain_duties:[{id, kind, chain_id, chain, enterprise_id, enterprise, start_date, end_date,
 * tasks, outcomes}] (蹲链/挂链/赴链, latest first), problems:{total, closed_on_time,
 * closed_late, open_overdue, open, returned, items:[up to 20, open overdue first:
 * {id, enterprise, category, description, deadline, status, closed_date,
 * late_kind, days_overdue}]}}; each evaluation also carries problems:{from,
 * to, total, closed_on_time, closed_late, open_overdue, …} for the 进园助企
 * problems that fell due in its quarter (src/domain/problem.h).
 * XZ_ERR_NOT_FOUND when the cadre is missing or out of scope. */
enum xz_result portrait_cadre(struct engine_ctx *ctx, int64_t cadre_id, json_t **out);

#endif
