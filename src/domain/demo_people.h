/*
 * The demo city's people: a skill taxonomy for every chain, talents with
 * skills drawn from their chain's taxonomy, cadres in the city's party and
 * government bodies with their 任职经历, party members, and enterprises'
 * talent needs. demo_seed() calls demo_people_seed() inside its own
 * transaction, after the enterprises exist, so every row still goes
 * through engine_create and nothing is written if any row fails.
 */
#ifndef XZ_DEMO_PEOPLE_H
#define XZ_DEMO_PEOPLE_H

#include "core/result.h"
#include "engine/engine.h"

#include <stddef.h>
#include <stdint.h>

struct demo_people_counts {
	long skill, person, talent, cadre, career, party_member, need;
};

/* Seeds skills, people and needs for scale "small" (about 600 people and
 * 150 needs) or "city" (60,000 cadres, 500,000 talents, 30,000 needs),
 * deterministically from seed, through ctx (the system actor, no_audit).
 * Reads the regions, clusters, chains, segments and enterprises already
 * written. On failure msg names the row and the reason. */
enum xz_result demo_people_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed,
                                struct demo_people_counts *counts, char *msg, size_t n);

/* Adds the counts to a JSON object of entity name → rows written. */
void demo_people_counts_json(const struct demo_people_counts *c, json_t *counts);

#endif
