/*
 * 琢璞 secondments and experience breadth. A cadre's breadth counts the
 * kinds of posts held (from the 任职经历 lines), the districts and levels
 * served in, the industry chains served (key-project memberships and the
 * cadre's own chain) and the kinds of 琢璞 placements taken; it scores 0–100
 * by the rule in TEMPERING_RULE. Cadres whose breadth is narrow and who were
 * never tempered are the candidates for 历练, with the reasons in Chinese.
 *
 * Ownership: *out JSON belongs to the caller (json_decref). Errors carry a
 * Chinese message in ctx->message.
 */
#ifndef XZ_TEMPERING_H
#define XZ_TEMPERING_H

#include "engine/engine.h"

#include <jansson.h>

#define TEMPERING_RULE                                                                         \
	"岗位类别每类8分（至多4类）、任职地区每个8分（至多3个）、任职层级每级8分（至多3级）、" \
	"服务产业链每条5分（至多2条）、琢璞历练去向每类5分（至多2类），满分100分"
#define TEMPERING_DEFAULT_K 20
#define TEMPERING_MAX_K 200
/* candidates score below this unless the caller says otherwise */
#define TEMPERING_DEFAULT_THRESHOLD 50

/* One cadre's breadth: *out = {cadre_id, name, unit, post, level, region,
 * score, rule, post_kinds:[…], regions:[…], levels:[…], chains:[{id, name}],
 * tempering_kinds:[…], temperings, careers:[{text, kind, level, region}],
 * reasons:[…]}. XZ_ERR_NOT_FOUND when the cadre is not visible. */
enum xz_result tempering_breadth(struct engine_ctx *ctx, int64_t cadre_id, json_t **out);

/* The cadres in scope never tempered whose score is below threshold,
 * narrowest first (then by id): *out = {k, threshold, total, rule,
 * items:[{cadre_id, name, unit, post, level, region, score, post_kinds,
 * regions, levels, chains, reasons}]}, at most k items. */
enum xz_result tempering_candidates(struct engine_ctx *ctx, int k, int threshold, json_t **out);

#endif
