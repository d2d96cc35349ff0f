/*
 * The demo city: seeds an empty database with Wuxi's regions, the fifteen
 * clusters of the "465" system and their 2023 figures, industry chains and
 * their segment trees, parks, institutions and a synthetic but plausible
 * population of enterprises, so that every screen and test has realistic
 * data. Seeding is deterministic for a given seed, writes through the
 * generic engine (so every row passes the same validation as user input),
 * runs in one transaction, and leaves one summary audit row.
 */
#ifndef XZ_DEMO_H
#define XZ_DEMO_H

#include "core/result.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* Seeds the demo city into an empty database, deterministically from seed.
 * scale: "small" (for tests: all 15 clusters, all chains and segments, all
 *        regions, ~300 enterprises) or "city" (about 20,000 enterprises).
 * Returns XZ_ERR_VALIDATION with msg when the database already has regions
 * (refuses to seed twice) or the scale is unknown; on any other failure msg
 * says which row failed and why, and nothing is written. */
enum xz_result demo_seed(struct store *db, const char *scale, uint64_t seed, char *msg, size_t n);

struct engine_ctx;
/* 百项攻坚 demo projects on the seeded chains (demo_projects.c): 10 for
 * small, 100 for city; called by demo_seed() inside its transaction. */
enum xz_result demo_projects_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed);
/* Training classes, enrolments and 琢璞 placements for the demo cadres
 * (demo_training.c); called by demo_seed() after the projects. */
enum xz_result demo_training_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed);
/* The party-organization network along the chains (demo_org.c): orgs in
 * both hierarchies, member units, chain duties, study sessions and the
 * party members' org_id; called by demo_seed() after the evaluations. */
enum xz_result demo_org_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed);

#endif
