/*
 * The skill taxonomy shared by the catalog and matching: every skill name
 * and synonym maps to one canonical index, with each skill's parent, so
 * that "same skill" means the same index however it was spelled. Names not
 * in the taxonomy get fresh indexes past the known skills, so two rows using
 * the same unknown name still agree with each other. Also the small string
 * map the lookup is built on, which the catalog uses for its own keys.
 */
#include "domain/taxonomy.h"

#include "core/mem.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- a string → int map (open addressing) ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

int strmap_get(const struct strmap *m, const char *k)
{
	if (!m->cap)
		return -1;
	for (size_t i = hash_str(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return -1;
		if (!strcmp(m->keys[i], k))
			return m->vals[i];
	}
}

/* keeps the first value put for a key */
int strmap_put(struct strmap *m, const char *k, int v)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct strmap g = {.cap = m->cap ? m->cap * 2 : 64};
		g.keys = xcalloc(g.cap, sizeof(*g.keys));
		g.vals = xcalloc(g.cap, sizeof(*g.vals));
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t j = hash_str(m->keys[i]) & (g.cap - 1);
				while (g.keys[j])
					j = (j + 1) & (g.cap - 1);
				g.keys[j] = m->keys[i];
				g.vals[j] = m->vals[i];
			}
		g.n = m->n;
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	size_t i = hash_str(k) & (m->cap - 1);
	while (m->keys[i]) {
		if (!strcmp(m->keys[i], k))
			return m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	m->keys[i] = xstrdup(k);
	m->vals[i] = v;
	m->n++;
	return v;
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
}

/* ---- the skill taxonomy: names and synonyms to one id, and parents ---- */

int taxonomy_canonical(struct taxonomy *t, const char *name)
{
	int v = strmap_get(&t->names, name);
	return v >= 0 ? v : strmap_put(&t->names, name, t->next_id++);
}

int taxonomy_find_db_id(const struct taxonomy *t, int64_t id)
{
	int lo = 0, hi = t->nskills - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (t->db_ids[mid] == id)
			return mid;
		if (t->db_ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

enum xz_result taxonomy_load(struct store *db, struct taxonomy *t)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(
	    db,
	    "SELECT id, name, parent_id, synonyms FROM skill WHERE deleted_at IS NULL ORDER BY id",
	    &st);
	int64_t *parents = NULL;
	size_t cap = 0;
	if (r)
		return r;
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		if ((size_t)t->nskills == cap) {
			cap = cap ? cap * 2 : 256;
			t->db_ids = xrealloc(t->db_ids, cap * sizeof(*t->db_ids));
			parents = xrealloc(parents, cap * sizeof(*parents));
		}
		int i = t->nskills++;
		t->db_ids[i] = store_column_int(st, 0);
		parents[i] = store_column_int(st, 2); /* 0 for NULL */
		strmap_put(&t->names, store_column_text(st, 1), i);
	}
	if (s == STORE_FAIL)
		r = store_stmt_result(st);
	store_finalize(st);
	/* synonyms after every name, so a name always wins over a synonym */
	if (!r && !(r = store_prepare(db,
	                              "SELECT id, synonyms FROM skill WHERE deleted_at IS NULL"
	                              " AND synonyms IS NOT NULL ORDER BY id",
	                              &st))) {
		while ((s = store_step(st)) == STORE_ROW) {
			int i = taxonomy_find_db_id(t, store_column_int(st, 0));
			json_t *syn = json_loads(store_column_text(st, 1), 0, NULL);
			size_t k;
			json_t *v;
			json_array_foreach(syn, k, v) if (json_is_string(v) && i >= 0)
			    strmap_put(&t->names, json_string_value(v), i);
			json_decref(syn);
		}
		if (s == STORE_FAIL)
			r = store_stmt_result(st);
		store_finalize(st);
	}
	t->parent = xmalloc(((size_t)t->nskills + 1) * sizeof(*t->parent));
	for (int i = 0; i < t->nskills; i++)
		t->parent[i] = parents[i] ? taxonomy_find_db_id(t, parents[i]) : -1;
	t->next_id = t->nskills;
	free(parents);
	return r;
}

void taxonomy_free(struct taxonomy *t)
{
	strmap_free(&t->names);
	free(t->db_ids);
	free(t->parent);
}
