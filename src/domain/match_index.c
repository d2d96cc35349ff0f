/*
 * The matching index (see match.h for what it serves, match.c for how
 * it is read): every live talent and need held in memory with what scoring
 * needs — canonical skill indexes (through the shared taxonomy, so synonyms
 * are the same skill), education rank, experience, chain and region code —
 * plus, for the talents, per-skill postings, per-family bit sets, a packed
 * 12-byte record per slot with its skills in one 16-bit pool, and the
 * filters as bit sets over the slots. It is built on first use and then
 * follows the data: the engine's after-commit hook (match_entity_changed)
 * queues the changed row ids, and the next query re-reads just those rows
 * before ranking, so a write is visible in the very next query; a re-read
 * talent is marked TA_DIRTY (its old postings stay, and queries check it
 * one by one); a taxonomy or region change, or too many queued rows, drops
 * the index for a full rebuild. One rwlock guards it: queries share it
 * unless there is queued work, which needs it exclusively.
 */
#include "domain/match.h"

#include "core/mem.h"
#include "domain/match_impl.h"
#include "domain/taxonomy.h"
#include "engine/changes.h"
#include "model/entities.h"

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* beyond this many queued rows a full rebuild is cheaper than row reloads */
#define MAX_PENDING 4096

struct match_index match_ix = {.lock = PTHREAD_RWLOCK_INITIALIZER,
                               .queue_lock = PTHREAD_MUTEX_INITIALIZER};
static struct match_index *const g = &match_ix;

const char *const match_edu_names[5] = {"中专及以下", "大学专科", "大学本科", "硕士研究生",
                                        "博士研究生"};
static const char *const exp_names[] = {"不限", "1年以下", "1-3年", "4-6年", "7-9年", "10年及以上"};
static const int exp_lower[] = {0, 0, 1, 4, 7, 10};
const int match_exp_steps[5] = {0, 1, 4, 7, 10};

/* ---- the id → slot map ---- */

static size_t hash_id(int64_t id, size_t cap)
{
	return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

size_t *match_side_find(const struct side *s, int64_t id)
{
	if (!s->mcap)
		return NULL;
	for (size_t i = hash_id(id, s->mcap);; i = (i + 1) & (s->mcap - 1)) {
		if (!s->keys[i])
			return NULL;
		if (s->keys[i] == id)
			return &s->slots[i];
	}
}

static void map_put(struct side *s, int64_t id, size_t slot)
{
	if ((s->n + 1) * 2 > s->mcap) {
		size_t cap = s->mcap ? s->mcap * 2 : 1024;
		int64_t *keys = xcalloc(cap, sizeof(*keys));
		size_t *slots = xcalloc(cap, sizeof(*slots));
		for (size_t i = 0; i < s->mcap; i++)
			if (s->keys[i]) {
				size_t j = hash_id(s->keys[i], cap);
				while (keys[j])
					j = (j + 1) & (cap - 1);
				keys[j] = s->keys[i];
				slots[j] = s->slots[i];
			}
		free(s->keys);
		free(s->slots);
		s->keys = keys;
		s->slots = slots;
		s->mcap = cap;
	}
	size_t i = hash_id(id, s->mcap);
	while (s->keys[i] && s->keys[i] != id)
		i = (i + 1) & (s->mcap - 1);
	s->keys[i] = id;
	s->slots[i] = slot;
}

static void cand_clear(struct cand *c)
{
	free(c->label);
	free(c->exp_text);
	free(c->skills);
	int64_t id = c->id;
	memset(c, 0, sizeof(*c));
	c->id = id;
}

static void side_free(struct side *s)
{
	for (size_t i = 0; i < s->n; i++)
		cand_clear(&s->v[i]);
	free(s->v);
	free(s->keys);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

/* The slot for id, appended when new. */
static struct cand *side_slot(struct side *s, int64_t id)
{
	size_t *p = match_side_find(s, id);
	if (p)
		return &s->v[*p];
	if (s->n == s->cap)
		s->v = xrealloc(s->v, (s->cap = s->cap ? s->cap * 2 : 1024) * sizeof(*s->v));
	map_put(s, id, s->n);
	struct cand *c = &s->v[s->n++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	return c;
}

/* ---- taxonomy helpers ---- */

static void name_at(int idx, const char *name)
{
	if ((size_t)idx >= g->nnames) {
		size_t n = (size_t)idx * 2 + 16;
		g->names = xrealloc(g->names, n * sizeof(*g->names));
		memset(g->names + g->nnames, 0, (n - g->nnames) * sizeof(*g->names));
		g->nnames = n;
	}
	if (!g->names[idx])
		g->names[idx] = xstrdup(name);
}

int match_parent_of(int s)
{
	return s < g->tax.nskills ? g->tax.parent[s] : -1;
}

static void df_add(const struct cand *c, int delta)
{
	if (!c->live)
		return;
	for (int i = 0; i < c->nskills; i++) {
		size_t s = (size_t)c->skills[i];
		if (s >= g->ndf) {
			size_t n = s * 2 + 64;
			g->df = xrealloc(g->df, n * sizeof(*g->df));
			memset(g->df + g->ndf, 0, (n - g->ndf) * sizeof(*g->df));
			g->ndf = n;
		}
		g->df[s] += delta;
	}
	g->nlive = (size_t)((long long)g->nlive + delta);
}

int match_df_of(int s)
{
	return (size_t)s < g->ndf ? g->df[s] : 0;
}

/* Canonical, unique skill indexes of a JSON tags array, in its order. */
static void parse_skills(const char *text, struct cand *c)
{
	json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
	size_t i;
	json_t *v;
	c->skills = xmalloc((json_array_size(arr) + 1) * sizeof(int));
	c->nskills = 0;
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v) || !*json_string_value(v))
			continue;
		int s = taxonomy_canonical(&g->tax, json_string_value(v));
		name_at(s, json_string_value(v));
		bool dup = false;
		for (int k = 0; k < c->nskills && !dup; k++)
			dup = c->skills[k] == s;
		if (!dup)
			c->skills[c->nskills++] = s;
	}
	json_decref(arr);
}

static int edu_rank(const char *s)
{
	for (int i = 0; s && i < (int)5; i++)
		if (!strcmp(s, match_edu_names[i]))
			return i;
	return 0; /* NULL, 不限 */
}

static int exp_band_lower(const char *s)
{
	for (int i = 0; s && i < (int)(sizeof(exp_names) / sizeof(exp_names[0])); i++)
		if (!strcmp(s, exp_names[i]))
			return exp_lower[i];
	return 0;
}

static void set_region(struct cand *c, const char *code)
{
	snprintf(c->region, sizeof(c->region), "%s", code ? code : "");
}

static void bits_set(struct posting *p, uint32_t slot)
{
	if (slot / 64 >= p->nwords) {
		size_t nw = slot / 64 * 2 + 16;
		p->bits = xrealloc(p->bits, nw * sizeof(*p->bits));
		memset(p->bits + p->nwords, 0, (nw - p->nwords) * sizeof(*p->bits));
		p->nwords = nw;
	}
	p->bits[slot / 64] |= 1ull << (slot % 64);
}

/* Adds slot to the family bit sets of its skills' parents (those kept as
 * bit sets; the others are ORed from the children's lists by each query). */
static void fam_add(const struct cand *c, uint32_t slot)
{
	for (int i = 0; i < c->nskills; i++) {
		int p = match_parent_of(c->skills[i]);
		if (p >= 0 && (size_t)p < g->nfam && g->fam[p].bits)
			bits_set(&g->fam[p], slot);
	}
}

static void post_add(const struct cand *c, uint32_t slot)
{
	for (int i = 0; i < c->nskills; i++) {
		size_t s = (size_t)c->skills[i];
		if (s >= g->npost) {
			size_t n = s * 2 + 64;
			g->post = xrealloc(g->post, n * sizeof(*g->post));
			memset(g->post + g->npost, 0, (n - g->npost) * sizeof(*g->post));
			g->npost = n;
		}
		struct posting *p = &g->post[s];
		if (p->bits) {
			bits_set(p, slot);
			p->n++;
			continue;
		}
		if (p->n == p->cap)
			p->v = xrealloc(p->v, (p->cap = p->cap ? p->cap * 2 : 8) * sizeof(*p->v));
		p->v[p->n++] = slot;
	}
	fam_add(c, slot);
}

/* Refreshes the packed filter fields of talent slot from its cand. */
/* Asks for huge pages under a large array that queries read at random:
 * fewer TLB misses. Advice only, and it only takes for pages not touched
 * yet, hence grow_huge. */
static void advise_huge(void *p, size_t len)
{
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, e = (uintptr_t)p + len;
	if (len >= (4u << 20) && e > a)
		madvise((void *)a, (size_t)(e - a) & ~(size_t)4095, MADV_HUGEPAGE);
}

/* realloc for such an array: the new block gets the advice before the copy
 * touches it */
static void *grow_huge(void *old, size_t used, size_t cap)
{
	void *p = xmalloc(cap);
	advise_huge(p, cap);
	if (used)
		memcpy(p, old, used);
	free(old);
	return p;
}

static void fb_grow_one(uint64_t **b, size_t from, size_t to)
{
	*b = xrealloc(*b, to * sizeof(**b));
	memset(*b + from, 0, (to - from) * sizeof(**b));
}

static void fb_reserve_list(uint64_t ***lists, size_t *n, size_t want)
{
	if (want < *n)
		return;
	size_t m = want * 2 + 16;
	*lists = xrealloc(*lists, m * sizeof(**lists));
	for (size_t i = *n; i < m; i++)
		(*lists)[i] = xcalloc(g->fb.nwords, sizeof(uint64_t));
	*n = m;
}

/* Makes room for slot in every filter bit set, for region index r and for
 * chain index c. */
static void fb_reserve(size_t slot, size_t r, size_t c)
{
	if (slot / 64 >= g->fb.nwords) {
		size_t nw = slot / 64 * 2 + 64;
		for (int i = 0; i < 5; i++) {
			fb_grow_one(&g->fb.edu[i], g->fb.nwords, nw);
			fb_grow_one(&g->fb.exp[i], g->fb.nwords, nw);
		}
		fb_grow_one(&g->fb.odd, g->fb.nwords, nw);
		for (size_t i = 0; i < g->fb.nregion; i++)
			fb_grow_one(&g->fb.region[i], g->fb.nwords, nw);
		for (size_t i = 0; i < g->fb.nchain; i++)
			fb_grow_one(&g->fb.chain[i], g->fb.nwords, nw);
		g->fb.nwords = nw;
	}
	fb_reserve_list(&g->fb.region, &g->fb.nregion, r);
	fb_reserve_list(&g->fb.chain, &g->fb.nchain, c);
}

static void fb_put(uint64_t *b, size_t slot, bool on)
{
	if (on)
		b[slot / 64] |= 1ull << (slot % 64);
	else
		b[slot / 64] &= ~(1ull << (slot % 64));
}

/* Moves slot's bits from its old record to a. */
static void fb_update(size_t slot, const struct tattr *old, const struct tattr *a)
{
	fb_reserve(slot, a->region > old->region ? a->region : old->region,
	           a->chain > old->chain ? a->chain : old->chain);
	bool odd = a->flags & (TA_DIRTY | TA_SLOW), on = !odd && (a->flags & TA_ELIGIBLE);
	for (int i = 0; i < 5; i++) {
		fb_put(g->fb.edu[i], slot, on && (int)(a->flags & TA_EDU) >= i);
		fb_put(g->fb.exp[i], slot, on && a->exp >= match_exp_steps[i]);
	}
	fb_put(g->fb.region[old->region], slot, false);
	fb_put(g->fb.region[a->region], slot, on);
	fb_put(g->fb.chain[old->chain], slot, false);
	fb_put(g->fb.chain[a->chain], slot, on && a->chain);
	fb_put(g->fb.odd, slot, odd);
}

static void tattr_set(size_t slot, bool dirty)
{
	if (slot >= g->ntattr) {
		size_t n = slot * 2 + 1024;
		g->tattr =
		    grow_huge(g->tattr, g->ntattr * sizeof(*g->tattr), n * sizeof(*g->tattr));
		memset(g->tattr + g->ntattr, 0, (n - g->ntattr) * sizeof(*g->tattr));
		g->ntattr = n;
	}
	struct tattr old = g->tattr[slot];
	const struct cand *c = &g->talents.v[slot];
	struct tattr *a = &g->tattr[slot];
	bool slow = c->nskills > 0xffff || c->edu < 0 || c->edu > (int)TA_EDU ||
	            g->npool + (size_t)c->nskills > UINT32_MAX;
	for (int k = 0; k < c->nskills && !slow; k++)
		slow = c->skills[k] < 0 || c->skills[k] > 0xffff;
	int r = strmap_get(&g->rcodes, c->region);
	if (r < 0 && g->nrcodes < IDX_NONE)
		r = strmap_put(&g->rcodes, c->region, (int)g->nrcodes++);
	slow |= r < 0;
	int ch = 0;
	if (c->chain_id) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)c->chain_id);
		ch = strmap_get(&g->chains, key);
		if (ch < 0 && g->nchains + 1 < IDX_NONE)
			ch = strmap_put(&g->chains, key, (int)++g->nchains);
		slow |= ch < 0;
	}
	a->skills = (uint32_t)g->npool;
	a->nskills = slow ? 0 : (uint16_t)c->nskills;
	if (a->nskills) {
		if (g->npool + a->nskills > g->cappool) {
			g->cappool = (g->npool + a->nskills) * 2 + 4096;
			g->pool = grow_huge(g->pool, g->npool * sizeof(*g->pool),
			                    g->cappool * sizeof(*g->pool));
		}
		for (int k = 0; k < a->nskills; k++)
			g->pool[g->npool++] = (uint16_t)c->skills[k];
	}
	a->region = r < 0 ? 0 : (uint16_t)r;
	a->chain = ch < 0 ? 0 : (uint16_t)ch;
	a->exp = (int8_t)(c->exp < -128 ? -128 : c->exp > 127 ? 127 : c->exp);
	a->flags = (uint8_t)((c->present && c->live ? TA_ELIGIBLE : 0) | (dirty ? TA_DIRTY : 0) |
	                     (slow ? TA_SLOW : ((unsigned)c->edu & TA_EDU)));
	fb_update(slot, &old, a);
}

/* Children lists from the parent links, once per taxonomy. */
static void build_kids(void)
{
	int n = g->tax.nskills, *count = xcalloc((size_t)n + 1, sizeof(int));
	g->kids = xcalloc((size_t)n + 1, sizeof(*g->kids));
	for (int i = 0; i < n; i++)
		if (g->tax.parent[i] >= 0)
			count[g->tax.parent[i]]++;
	for (int i = 0; i < n; i++) {
		g->kids[i] = xmalloc(((size_t)count[i] + 1) * sizeof(int));
		g->kids[i][0] = -1;
		count[i] = 0;
	}
	for (int i = 0; i < n; i++) {
		int p = g->tax.parent[i];
		if (p >= 0) {
			g->kids[p][count[p]++] = i;
			g->kids[p][count[p]] = -1;
		}
	}
	free(count);
}

/* ---- loading rows ---- */

#define TALENT_SQL                                                                                 \
	"SELECT t.id, t.person_id, t.skills, t.experience_years, t.chain_id, t.status,"            \
	" p.education, r.code, p.name, p.deleted_at IS NULL FROM talent t"                         \
	" JOIN person p ON p.id = t.person_id LEFT JOIN region r ON r.id = p.region_id"            \
	" WHERE t.deleted_at IS NULL"

#define NEED_SQL                                                                                   \
	"SELECT n.id, n.enterprise_id, n.segment_id, n.skills, n.experience, n.education,"         \
	" n.status, s.chain_id, r.code, n.post_name FROM need n"                                   \
	" JOIN enterprise e ON e.id = n.enterprise_id LEFT JOIN segment s ON s.id = n.segment_id"  \
	" LEFT JOIN region r ON r.id = e.region_id WHERE n.deleted_at IS NULL"

static void read_talent(struct store_stmt *st)
{
	struct cand *c = side_slot(&g->talents, store_column_int(st, 0));
	df_add(c, -1);
	cand_clear(c);
	c->present = true;
	c->ref_a = store_column_int(st, 1);
	parse_skills(store_column_text(st, 2), c);
	c->exp = (int)store_column_int(st, 3);
	c->chain_id = store_column_int(st, 4);
	const char *status = store_column_text(st, 5);
	/* a talent not marked as gone (status empty) is in the pool, as in the catalog */
	c->live = (!status || !strcmp(status, "在锡")) && store_column_int(st, 9);
	c->edu = edu_rank(store_column_text(st, 6));
	set_region(c, store_column_text(st, 7));
	c->label = xstrdup(store_column_text(st, 8) ? store_column_text(st, 8) : "");
	df_add(c, 1);
	post_add(c, (uint32_t)(c - g->talents.v));
	tattr_set((size_t)(c - g->talents.v), g->built);
}

static void read_need(struct store_stmt *st)
{
	struct cand *c = side_slot(&g->needs, store_column_int(st, 0));
	cand_clear(c);
	c->present = true;
	c->ref_a = store_column_int(st, 1);
	c->ref_b = store_column_int(st, 2);
	parse_skills(store_column_text(st, 3), c);
	const char *exp = store_column_text(st, 4);
	c->exp = exp_band_lower(exp);
	c->exp_text = xstrdup(exp ? exp : "不限");
	c->edu = edu_rank(store_column_text(st, 5));
	const char *status = store_column_text(st, 6);
	c->live = status && !strcmp(status, "开放");
	c->chain_id = store_column_int(st, 7);
	set_region(c, store_column_text(st, 8));
	c->label = xstrdup(store_column_text(st, 9) ? store_column_text(st, 9) : "");
}

/* Runs sql (with an optional id bound to ?1) and reads every row. */
static enum xz_result load_rows(struct store *db, const char *sql, int64_t id,
                                void (*read)(struct store_stmt *))
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	if (id)
		store_bind_int(st, 1, id);
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW)
		read(st);
	if (s == STORE_FAIL)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

/* Re-reads one row; a row gone (deleted) stays as a slot that is not present. */
static enum xz_result reload(struct store *db, char kind, int64_t id)
{
	bool talent = kind == 't';
	struct side *s = talent ? &g->talents : &g->needs;
	size_t *p = match_side_find(s, id);
	if (p) {
		if (talent)
			df_add(&s->v[*p], -1);
		cand_clear(&s->v[*p]);
		if (talent)
			tattr_set(*p, true);
	}
	return talent ? load_rows(db, TALENT_SQL " AND t.id = ?", id, read_talent)
	              : load_rows(db, NEED_SQL " AND n.id = ?", id, read_need);
}

static void drop_index(void)
{
	side_free(&g->talents);
	side_free(&g->needs);
	for (int i = 0; g->kids && i < g->tax.nskills; i++)
		free(g->kids[i]);
	free(g->kids);
	g->kids = NULL;
	taxonomy_free(&g->tax);
	memset(&g->tax, 0, sizeof(g->tax));
	for (size_t i = 0; i < g->nnames; i++)
		free(g->names[i]);
	free(g->names);
	g->names = NULL;
	g->nnames = 0;
	free(g->df);
	g->df = NULL;
	g->ndf = g->nlive = 0;
	for (size_t i = 0; i < g->npost; i++)
		free(g->post[i].v), free(g->post[i].bits);
	free(g->post);
	g->post = NULL;
	g->npost = 0;
	for (size_t i = 0; i < g->nfam; i++)
		free(g->fam[i].bits);
	free(g->fam);
	g->fam = NULL;
	g->nfam = 0;
	free(g->tattr);
	g->tattr = NULL;
	g->ntattr = 0;
	free(g->pool);
	g->pool = NULL;
	g->npool = g->cappool = 0;
	strmap_free(&g->rcodes);
	memset(&g->rcodes, 0, sizeof(g->rcodes));
	g->nrcodes = 0;
	strmap_free(&g->chains);
	memset(&g->chains, 0, sizeof(g->chains));
	g->nchains = 0;
	for (int i = 0; i < 5; i++)
		free(g->fb.edu[i]), free(g->fb.exp[i]);
	free(g->fb.odd);
	for (size_t i = 0; i < g->fb.nregion; i++)
		free(g->fb.region[i]);
	free(g->fb.region);
	for (size_t i = 0; i < g->fb.nchain; i++)
		free(g->fb.chain[i]);
	free(g->fb.chain);
	memset(&g->fb, 0, sizeof(g->fb));
	g->built = false;
}

/* The family bit sets of the skills whose children hold more than
 * BITMAP_SHARE of the pool between them (no more memory than those lists
 * take); from here on fam_add() keeps them current. */
static void build_families(void)
{
	size_t nw = g->talents.n / 64 + 1;
	g->nfam = (size_t)(g->tax.nskills > 0 ? g->tax.nskills : 0);
	g->fam = xcalloc(g->nfam + 1, sizeof(*g->fam));
	for (size_t x = 0; x < g->nfam; x++) {
		size_t held = 0;
		for (int j = 0; g->kids[x][j] >= 0; j++)
			if ((size_t)g->kids[x][j] < g->npost)
				held += g->post[g->kids[x][j]].n;
		if (held <= 1024 || held <= g->talents.n / BITMAP_SHARE)
			continue;
		struct posting *f = &g->fam[x];
		f->nwords = nw;
		f->bits = xcalloc(nw, sizeof(*f->bits));
		for (int j = 0; g->kids[x][j] >= 0; j++) {
			if ((size_t)g->kids[x][j] >= g->npost)
				continue;
			const struct posting *p = &g->post[g->kids[x][j]];
			for (size_t i = 0; p->bits && i < p->nwords && i < nw; i++)
				f->bits[i] |= p->bits[i];
			for (size_t m = 0; !p->bits && m < p->n; m++)
				f->bits[p->v[m] / 64] |= 1ull << (p->v[m] % 64);
		}
		for (size_t i = 0; i < nw; i++)
			f->n += (size_t)__builtin_popcountll(f->bits[i]);
	}
}

static enum xz_result rebuild(struct store *db)
{
	struct store_stmt *st = NULL;
	drop_index();
	enum xz_result r = taxonomy_load(db, &g->tax);
	if (!r)
		build_kids();
	if (!r &&
	    !(r = store_prepare(db, "SELECT id, name FROM skill WHERE deleted_at IS NULL", &st))) {
		while (store_step(st) == STORE_ROW) {
			int i = taxonomy_find_db_id(&g->tax, store_column_int(st, 0));
			if (i >= 0)
				name_at(i, store_column_text(st, 1));
		}
		r = store_stmt_result(st);
		store_finalize(st);
	}
	if (!r)
		r = load_rows(db, TALENT_SQL " ORDER BY t.id", 0, read_talent);
	/* the postings only grow by updates from now on: long ones become bit
	 * sets, the others give back their slack */
	for (size_t i = 0; !r && i < g->npost; i++) {
		struct posting *p = &g->post[i];
		if (p->n > 1024 && p->n > g->talents.n / BITMAP_SHARE) {
			p->nwords = g->talents.n / 64 + 1;
			p->bits = xcalloc(p->nwords, sizeof(*p->bits));
			for (size_t m = 0; m < p->n; m++)
				p->bits[p->v[m] / 64] |= 1ull << (p->v[m] % 64);
			free(p->v);
			p->v = NULL;
			p->cap = 0;
		} else if (p->n && p->n < p->cap) {
			p->v = xrealloc(p->v, p->n * sizeof(*p->v));
			p->cap = p->n;
		}
	}
	if (!r)
		build_families();
	if (!r)
		r = load_rows(db, NEED_SQL " ORDER BY n.id", 0, read_need);
	if (r)
		drop_index();
	else
		g->built = true;
	return r;
}

/* Under the write lock: applies the queued changes, or rebuilds. */
static enum xz_result refresh(struct store *db)
{
	enum xz_result r = XZ_OK;
	pthread_mutex_lock(&g->queue_lock);
	struct pending *q = g->queue;
	size_t nq = g->nqueue;
	bool stale = g->queue_stale || g->stale;
	g->queue = NULL;
	g->nqueue = g->capqueue = 0;
	g->queue_stale = g->stale = false;
	pthread_mutex_unlock(&g->queue_lock);
	if (stale || !g->built) {
		r = rebuild(db);
		goto out;
	}
	for (size_t i = 0; i < nq && !r; i++) {
		char kind = q[i].kind;
		int64_t id = q[i].id;
		if (kind == 't' || kind == 'n') {
			r = reload(db, kind, id);
			continue;
		}
		/* a person's education or region, an enterprise's region, a
		 * segment's chain: re-read the rows that copied it */
		struct side *s = kind == 'p' ? &g->talents : &g->needs;
		for (size_t k = 0; k < s->n && !r; k++) {
			const struct cand *c = &s->v[k];
			if (c->present &&
			    ((kind != 's' && c->ref_a == id) || (kind == 's' && c->ref_b == id)))
				r = reload(db, kind == 'p' ? 't' : 'n', c->id);
		}
	}
	if (r) /* half-applied: start again from the database next time */
		g->stale = true;
out:
	free(q);
	return r;
}

void match_entity_changed(const struct entity *e, int64_t id, enum change_kind kind)
{
	char k = 0;
	if (!strcmp(e->name, "talent"))
		k = 't';
	else if (!strcmp(e->name, "need"))
		k = 'n';
	else if (!strcmp(e->name, "person"))
		k = 'p';
	else if (!strcmp(e->name, "enterprise"))
		k = 'e';
	else if (!strcmp(e->name, "segment"))
		k = 's';
	pthread_mutex_lock(&g->queue_lock);
	if (!k || kind == CHANGE_MANY || g->nqueue >= MAX_PENDING) {
		/* the taxonomy or region codes changed, or too much did */
		g->queue_stale = true;
		g->nqueue = 0;
	} else if (!g->queue_stale) {
		if (g->nqueue == g->capqueue)
			g->queue =
			    xrealloc(g->queue, (g->capqueue = g->capqueue ? g->capqueue * 2 : 64) *
			                           sizeof(*g->queue));
		g->queue[g->nqueue++] = (struct pending){k, id};
	}
	pthread_mutex_unlock(&g->queue_lock);
}

static bool needs_refresh(void)
{
	pthread_mutex_lock(&g->queue_lock);
	bool v = !g->built || g->stale || g->queue_stale || g->nqueue;
	pthread_mutex_unlock(&g->queue_lock);
	return v;
}

/* The writes of other server processes over the same database reach the
 * index through the change feed (engine/changes.h): before deciding whether
 * the index is current, the rows after the cursor go to the same queue as
 * this process's own writes. The cursor starts before the first build reads
 * the data, so nothing committed in between is missed. */
static pthread_mutex_t feed_lock = PTHREAD_MUTEX_INITIALIZER;
static struct change_cursor feed;
static bool feed_started;

static enum xz_result follow_feed(struct store *db)
{
	pthread_mutex_lock(&feed_lock);
	enum xz_result r = feed_started ? changes_poll(db, &feed) : changes_start(db, &feed);
	if (!r)
		feed_started = true;
	pthread_mutex_unlock(&feed_lock);
	return r;
}

enum xz_result match_lock_current(struct store *db)
{
	enum xz_result fr = follow_feed(db);
	if (fr)
		return fr;
	pthread_rwlock_rdlock(&g->lock);
	if (!needs_refresh())
		return XZ_OK;
	pthread_rwlock_unlock(&g->lock);
	pthread_rwlock_wrlock(&g->lock);
	enum xz_result r = needs_refresh() ? refresh(db) : XZ_OK;
	if (r)
		pthread_rwlock_unlock(&g->lock);
	return r;
}

enum xz_result match_warm(struct store *db)
{
	enum xz_result r = match_lock_current(db);
	if (!r)
		pthread_rwlock_unlock(&g->lock);
	return r;
}

void match_reset(void)
{
	pthread_rwlock_wrlock(&g->lock);
	pthread_mutex_lock(&g->queue_lock);
	free(g->queue);
	g->queue = NULL;
	g->nqueue = g->capqueue = 0;
	g->queue_stale = g->stale = false;
	pthread_mutex_unlock(&g->queue_lock);
	drop_index();
	pthread_mutex_lock(&feed_lock);
	feed_started = false;
	pthread_mutex_unlock(&feed_lock);
	pthread_rwlock_unlock(&g->lock);
	match_query_release();
}
