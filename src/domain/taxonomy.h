/*
 * The skill taxonomy and the string map it is built on (taxonomy.c).
 *
 * Ownership: taxonomy_load() fills a zeroed struct taxonomy, which the
 * caller releases with taxonomy_free() (also after a failed load). A strmap
 * starts zeroed, owns copies of its keys and is released with strmap_free().
 */
#ifndef XZ_TAXONOMY_H
#define XZ_TAXONOMY_H

#include "core/result.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* A string → int map (open addressing). */
struct strmap {
	char **keys;
	int *vals;
	size_t cap, n;
};

int strmap_get(const struct strmap *m, const char *k); /* -1 when absent */
/* Keeps the first value put for a key and returns the value now stored. */
int strmap_put(struct strmap *m, const char *k, int v);
void strmap_free(struct strmap *m);

struct taxonomy {
	struct strmap names; /* name or synonym → skill index; unknown names get ids ≥ nskills */
	int64_t *db_ids;     /* skill index → skill row id, sorted */
	int *parent;         /* skill index → parent index or -1 */
	int nskills, next_id;
};

/* Reads the live skills: names first, then synonyms, so a name always wins. */
enum xz_result taxonomy_load(struct store *db, struct taxonomy *t);
void taxonomy_free(struct taxonomy *t);
/* The index of a name or synonym; an unknown name gets (and keeps) a fresh
 * index ≥ nskills, whose parent is none. */
int taxonomy_canonical(struct taxonomy *t, const char *name);
/* The index of a skill row id, -1 when not loaded. */
int taxonomy_find_db_id(const struct taxonomy *t, int64_t id);

#endif
