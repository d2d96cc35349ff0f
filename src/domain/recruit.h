/*
 * 531 recruitment (“531”引才行动): 5 overseas regions, 30 domestic cities and
 * 100 universities where the city keeps a recruitment point (引才点), the
 * events held there (招才引智活动) and the talents each point brought
 * (talent.source_point_id). Points and events are generic entities
 * (source_point, recruit_event, city-wide reference data); their rules are
 * the validation hooks recruit_point_validate / recruit_event_validate
 * (declared in model/entities.h). This module computes the KPIs and the map.
 *
 * The plan (5 / 30 / 100) is a constant table, recruit_plan[]: the numbers
 * are the name of the programme, fixed by the city's policy document, and
 * coverage is only comparable across years against one plan. A new plan is
 * a code change reviewed with its reason, not a setting anyone can flip.
 *
 * The KPI rules (recruit_kpis):
 * - a point is covered (有活动) in a year when it has at least one live event
 *   dated in that year; coverage = covered points / planned points of its
 *   kind (and also reported against the points on file);
 * - per point: the year's events, participants, talents and projects signed
 *   (sums over the year's events), the date of its last event up to the end
 *   of the year, and the talents attributed to it (live talents whose
 *   source_point_id names it, whatever their arrival year: a talent record
 *   carries no arrival date);
 * - per cluster: talents_signed sums the signed talents of the year's events
 *   at the points serving the cluster (source_point_cluster; a point serving
 *   two clusters counts for both, so the column does not add up across
 *   clusters); talents_attributed counts attributed talents by the cluster
 *   of the chain they serve (talent.chain_id → chain.cluster_id), each
 *   talent once; attributed talents with no chain are reported as
 *   unassigned_talents.
 * Points and events are city-wide and seen by every reader; attributed
 * talents are counted through the caller's data scope (a district user
 * counts the talents of the district only).
 *
 * Ownership: *out belongs to the caller (json_decref).
 */
#ifndef XZ_RECRUIT_H
#define XZ_RECRUIT_H

#include "engine/engine.h"

#include <jansson.h>
#include <stdbool.h>

struct recruit_plan_row {
	const char *kind; /* source_point.kind */
	int planned;
};

#define RECRUIT_NKINDS 3
extern const struct recruit_plan_row recruit_plan[RECRUIT_NKINDS];

/* The centre of a Chinese city by its GB/T 2260 code (a city code, a
 * district code of it, or a municipality's 省级 code), from a small table
 * of the cities 531 points and universities are in; false when unknown.
 * name (may be NULL) gets the city's name. */
bool recruit_city_centroid(const char *code, double *lng, double *lat, const char **name);

/* Whether s is a plausible 6-digit GB/T 2260 code: six digits whose first
 * two name a province-level division. */
bool recruit_valid_city_code(const char *s);

/* *out = {year, plan:[{kind, planned, points, covered, coverage,
 * coverage_of_points}], totals:{planned, points, covered, events,
 * participants, talents_signed, projects_signed, talents_attributed},
 * points:[{id, name, kind, country, city, city_code, lng, lat, coord_source,
 * cluster_ids, events, participants, talents_signed, projects_signed,
 * talents_attributed, last_event_date}], clusters:[{id, name, points,
 * covered_points, events, talents_signed, talents_attributed}],
 * unassigned_talents}. lng/lat are the point's own, or its city's centroid
 * (coord_source "point", "city_code" or null when neither is known). */
enum xz_result recruit_kpis(struct engine_ctx *ctx, int year, json_t **out);

/* The same figures for the map: the points that have coordinates (with
 * their KPIs), the plan strip and unlocated (names of points without any). */
enum xz_result recruit_map(struct engine_ctx *ctx, int year, json_t **out);

/* Demo 531 points, events and talent attributions (demo_recruit.c). */
enum xz_result demo_recruit_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed);

#endif
