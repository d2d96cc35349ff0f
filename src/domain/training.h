/*
 * Cadre training (干部培训): bulk enrolment of cadres in a training class,
 * coverage of the cadres in scope by level, unit or district for a year, and
 * the cadres below the required annual hours, with an xlsx export. Classes
 * and enrolments themselves are generic entities (training_class,
 * enrollment); their rules are the validation hooks in training.c.
 *
 * A class's hours count in the year of its start date; a cadre's hours for a
 * year are the sum of the hours credited on the enrolments of that year's
 * classes; a cadre counts as trained when that sum is above zero.
 *
 * Ownership: *out JSON belongs to the caller (json_decref); export bytes are
 * malloc'd and freed by the caller with free(). The request JSON stays the
 * caller's. Errors carry a Chinese message in ctx->message, and field
 * details in ctx->errs.details.
 */
#ifndef XZ_TRAINING_H
#define XZ_TRAINING_H

#include "engine/engine.h"

#include <jansson.h>
#include <stddef.h>

/* The required annual hours: the setting row training_required_hours when
 * it holds a positive number, else this default. */
#define TRAINING_SETTING_REQUIRED "training_required_hours"
#define TRAINING_REQUIRED_DEFAULT 50.0
/* at most this many cadres are considered by one bulk enrolment */
#define TRAINING_ENROLL_MAX 10000

double training_required_hours(struct store *db);

/* Enrols cadres in class class_id in one transaction. req is
 * {cadre_ids:[id…]} or {filter:{level?, unit?, region_id?, expertise?,
 * rank?}} (unit matches a part of the unit's name, region_id the region and
 * below, expertise one tag); cadres come only from the actor's scope.
 * Already enrolled cadres are skipped, and once the class is full the rest
 * are refused. *out = {class_id, capacity, enrolled, matched, added,
 * skipped, refused, added_ids, skipped_ids, refused_ids}.
 * XZ_ERR_NOT_FOUND: class not visible; XZ_ERR_VALIDATION: a listed cadre not
 * visible or an enrolment refused by its rules (nothing written). */
enum xz_result training_enroll(struct engine_ctx *ctx, int64_t class_id, json_t *req,
                               json_t **out);

enum training_group { TRAINING_BY_LEVEL, TRAINING_BY_UNIT, TRAINING_BY_REGION };

/* "level", "unit", "region" → the group; false for anything else. */
bool training_group_parse(const char *s, enum training_group *g);

/* Coverage of the cadres in scope for a year: *out = {year, group,
 * required_hours, total:{cadres, trained, share, hours, hours_per_cadre},
 * items:[{key, label, cadres, trained, share, hours, hours_per_cadre}]}.
 * share is trained/cadres (4 decimals), hours the sum (1 decimal),
 * hours_per_cadre hours/cadres (2 decimals). Region groups are the district
 * (区县) a cadre's region lies in; city-level cadres form 市本级. */
enum xz_result training_coverage(struct engine_ctx *ctx, int year, enum training_group g,
                                 json_t **out);

/* The cadres in scope whose hours for the year are below the required
 * hours, fewest hours first: *out = {year, required_hours, total, page,
 * size, items:[{cadre_id, name, unit, post, level, region, hours, gap}]}. */
enum xz_result training_below(struct engine_ctx *ctx, int year, int64_t page, int64_t size,
                              json_t **out);

/* The same list, whole, as an xlsx workbook (title row, frozen header). */
enum xz_result training_below_export(struct engine_ctx *ctx, int year, char **data, size_t *len);

#endif
