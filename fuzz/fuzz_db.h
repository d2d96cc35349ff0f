/*
 * The database the engine harnesses (fuzz_entity_json.c, fuzz_query.c) run
 * against: an in-memory SQLite database, migrated once per process, holding
 * a city with one county (江阴市 320281, a town below it) and one row of each
 * entity the harnesses write, made through engine_create() like any client's
 * row. Two actors act on it: the system actor and an operator bound to
 * 江阴市, so data scope is fuzzed too. Personal data is sealed with an
 * ephemeral key, as in the unit tests.
 */
#ifndef XZ_FUZZ_DB_H
#define XZ_FUZZ_DB_H

#include "engine/engine.h"

#include <stdbool.h>
#include <stdint.h>

/* The database, opened and seeded on first use. */
struct store *fuzz_db(void);
/* Throws the database away; the next fuzz_db() makes a fresh one (bounds growth). */
void fuzz_db_reset(void);
/* The id of the seeded row of entity name (making it, and what it refers to, if needed). */
int64_t fuzz_seed_id(const char *name);
/* The operator bound to 江阴市 and below. */
const struct actor *fuzz_county_actor(void);
/* A fingerprint of what is stored: the row count and version sum of every
 * table (of audit_log only the rows of successful actions, since a failed
 * write is itself audited; none when audit is false), and every value of
 * every row of table (the one being written; none when NULL), so a failed
 * write that left anything behind changes it. Caller frees. */
char *fuzz_db_fingerprint(struct store *db, const char *table, bool audit);

#endif
