/*
 * Talent–need matching. Every live talent and need is held in memory with
 * what scoring needs: canonical skill indexes (through the shared taxonomy,
 * so synonyms are the same skill), education rank, experience, chain and
 * region code. The index is built on first use and then follows the data:
 * the engine's after-commit hook queues the changed row ids, and the next
 * query re-reads just those rows before scoring, so a write is visible in
 * the very next query; a taxonomy or region change drops the index for a
 * full rebuild. One rwlock guards it: queries share it unless there is
 * queued work, which needs it exclusively. A need's top k is found through
 * the talents' skill postings without scoring every talent (top_for_need,
 * below).
 *
 * The score of talent t for need n is Σ w(s)·best_sim(s, t) / Σ w(s) over
 * n's required skills s, with w(s) = log(1 + N / (1 + df(s))) over the N
 * talents in the pool (rarer skills count more) and similarity 1 for the
 * same skill, 0.6 for parent or child, 0.3 for siblings; plus 0.1 for the
 * same chain and 0.05 for the same district (first 6 digits of the region
 * code). Education and experience are hard filters, and when n names any
 * skill at least one must be met. Scores are rounded to 4 decimals before
 * ordering, ties by id, so the order is total and exactly reproducible.
 */
#include "domain/match.h"

#include "core/buf.h"
#include "core/mem.h"
#include "domain/taxonomy.h"
#include "engine/query.h"
#include "model/entities.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define SIM_PARENT     0.6
#define SIM_SIBLING    0.3
#define BONUS_CHAIN    0.1
#define BONUS_DISTRICT 0.05
/* beyond this many queued rows a full rebuild is cheaper than row reloads */
#define MAX_PENDING 4096

static const char *const edu_names[] = {"中专及以下", "大学专科", "大学本科", "硕士研究生",
                                        "博士研究生"};
static const char *const exp_names[] = {"不限", "1年以下", "1-3年", "4-6年", "7-9年", "10年及以上"};
static const int exp_lower[] = {0, 0, 1, 4, 7, 10};

/* A talent or a need as scoring sees it. */
struct cand {
	int64_t id;
	int64_t ref_a;    /* talent: person_id; need: enterprise_id */
	int64_t ref_b;    /* need: segment_id */
	int64_t chain_id; /* 0 for none */
	int edu;          /* talent: rank held; need: rank required (0: 不限) */
	int exp;          /* talent: years; need: lower bound of the band */
	bool present;     /* the row exists and is not deleted */
	bool live;        /* talent 在锡 / need 开放: eligible as a candidate */
	char region[16];  /* region code, "" when unknown */
	char *label;      /* person name / post name */
	char *exp_text;   /* need: the band as written */
	int *skills;      /* canonical indexes, unique, in the row's order */
	int nskills;
};

struct side {
	struct cand *v;
	size_t n, cap;
	/* id → slot, open addressing on ids (ids are never 0) */
	int64_t *keys;
	size_t *slots;
	size_t mcap;
};

struct pending {
	char kind; /* t(alent) n(eed) p(erson) e(nterprise) s(egment) */
	int64_t id;
};

static struct {
	pthread_rwlock_t lock;
	pthread_mutex_t queue_lock; /* guards the queue only */
	bool built, stale;
	struct taxonomy tax;
	char **names; /* canonical index → display name */
	size_t nnames;
	struct side talents, needs;
	int *df; /* canonical index → live talents holding it */
	/* canonical index → talent slots that held it when last read; stale
	 * entries are harmless (scoring reads the slot), so updates append
	 * and a rebuild compacts. A list longer than BITMAP_SHARE of the pool
	 * is kept as a bit set over the slots instead (smaller from there on,
	 * and a union of such lists is a word-wide OR). */
	struct posting {
		uint32_t *v;
		size_t n, cap;    /* n: entries, or bits set for a bit set */
		uint64_t *bits;   /* the bit set, NULL for an array */
		size_t nwords;
	} * post;
	size_t npost;
	int **kids; /* known skill → its children, -1 terminated */
	/* talent slot → what filtering and scoring read, packed in 12 bytes so
	 * that a query walking a posting list does not touch the struct cand */
	struct tattr {
		uint32_t skills; /* offset of the skills in pool */
		uint16_t nskills;
		uint16_t region; /* index into rcodes */
		uint16_t chain;  /* index into chains, 0 for none */
		int8_t exp;      /* years, clamped to [-128, 127] (the bands stop at 10) */
		uint8_t flags;   /* TA_* | education rank */
	} * tattr;
	size_t ntattr;
	/* the talents' skills, slot after slot as read (a re-read appends), as
	 * 16-bit indexes: a query reads them without chasing a pointer per slot */
	uint16_t *pool;
	size_t npool, cappool;
	struct strmap rcodes; /* region code → index */
	size_t nrcodes;
	struct strmap chains; /* chain id (decimal) → index from 1 */
	size_t nchains;
	/* the filters as bit sets over the slots, so that a query can AND
	 * together the slots that pass: edu[e] holds the eligible slots with
	 * education ≥ e, exp[b] those with EXP_STEPS[b] years or more,
	 * region[r] those in region index r. Slots that are TA_DIRTY or
	 * TA_SLOW are in none of them but in odd, and are checked one by one.
	 * chain[c] holds the eligible slots on chain index c (for the bonus). */
	struct {
		uint64_t *edu[5], *exp[5], *odd, **region, **chain;
		size_t nregion, nchain, nwords;
	} fb;
	size_t ndf;
	size_t nlive; /* live talents */
	struct pending *queue;
	size_t nqueue, capqueue;
	bool queue_stale;
} g = {.lock = PTHREAD_RWLOCK_INITIALIZER, .queue_lock = PTHREAD_MUTEX_INITIALIZER};

#define RCODE_NONE  0xffffu
#define TA_ELIGIBLE 0x80u /* present and live */
#define TA_DIRTY    0x40u /* re-read since the last rebuild: its postings may be stale */
#define TA_SLOW     0x20u /* did not fit the packing: score from the struct cand */
#define TA_EDU      0x0fu
#define IDX_NONE    0xffffu
#define BITMAP_SHARE 32 /* bit set when a list holds over 1/32 of the pool */

/* the lower bounds of the experience bands (exp_lower), one bit set each */
static const int exp_steps[5] = {0, 1, 4, 7, 10};

/* ---- the id → slot map ---- */

static size_t hash_id(int64_t id, size_t cap)
{
	return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

static size_t *side_find(const struct side *s, int64_t id)
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
	size_t *p = side_find(s, id);
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
	if ((size_t)idx >= g.nnames) {
		size_t n = (size_t)idx * 2 + 16;
		g.names = xrealloc(g.names, n * sizeof(*g.names));
		memset(g.names + g.nnames, 0, (n - g.nnames) * sizeof(*g.names));
		g.nnames = n;
	}
	if (!g.names[idx])
		g.names[idx] = xstrdup(name);
}

static int parent_of(int s)
{
	return s < g.tax.nskills ? g.tax.parent[s] : -1;
}

static double similarity(int a, int b)
{
	if (a == b)
		return 1.0;
	int pa = parent_of(a), pb = parent_of(b);
	if (pa == b || pb == a)
		return SIM_PARENT;
	if (pa >= 0 && pa == pb)
		return SIM_SIBLING;
	return 0.0;
}

static void df_add(const struct cand *c, int delta)
{
	if (!c->live)
		return;
	for (int i = 0; i < c->nskills; i++) {
		size_t s = (size_t)c->skills[i];
		if (s >= g.ndf) {
			size_t n = s * 2 + 64;
			g.df = xrealloc(g.df, n * sizeof(*g.df));
			memset(g.df + g.ndf, 0, (n - g.ndf) * sizeof(*g.df));
			g.ndf = n;
		}
		g.df[s] += delta;
	}
	g.nlive = (size_t)((long long)g.nlive + delta);
}

static int df_of(int s)
{
	return (size_t)s < g.ndf ? g.df[s] : 0;
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
		int s = taxonomy_canonical(&g.tax, json_string_value(v));
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
	for (int i = 0; s && i < (int)(sizeof(edu_names) / sizeof(edu_names[0])); i++)
		if (!strcmp(s, edu_names[i]))
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

static void post_add(const struct cand *c, uint32_t slot)
{
	for (int i = 0; i < c->nskills; i++) {
		size_t s = (size_t)c->skills[i];
		if (s >= g.npost) {
			size_t n = s * 2 + 64;
			g.post = xrealloc(g.post, n * sizeof(*g.post));
			memset(g.post + g.npost, 0, (n - g.npost) * sizeof(*g.post));
			g.npost = n;
		}
		struct posting *p = &g.post[s];
		if (p->bits) {
			if (slot / 64 >= p->nwords) {
				size_t nw = slot / 64 * 2 + 16;
				p->bits = xrealloc(p->bits, nw * sizeof(*p->bits));
				memset(p->bits + p->nwords, 0, (nw - p->nwords) * sizeof(*p->bits));
				p->nwords = nw;
			}
			p->bits[slot / 64] |= 1ull << (slot % 64);
			p->n++;
			continue;
		}
		if (p->n == p->cap)
			p->v = xrealloc(p->v, (p->cap = p->cap ? p->cap * 2 : 8) * sizeof(*p->v));
		p->v[p->n++] = slot;
	}
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
		(*lists)[i] = xcalloc(g.fb.nwords, sizeof(uint64_t));
	*n = m;
}

/* Makes room for slot in every filter bit set, for region index r and for
 * chain index c. */
static void fb_reserve(size_t slot, size_t r, size_t c)
{
	if (slot / 64 >= g.fb.nwords) {
		size_t nw = slot / 64 * 2 + 64;
		for (int i = 0; i < 5; i++) {
			fb_grow_one(&g.fb.edu[i], g.fb.nwords, nw);
			fb_grow_one(&g.fb.exp[i], g.fb.nwords, nw);
		}
		fb_grow_one(&g.fb.odd, g.fb.nwords, nw);
		for (size_t i = 0; i < g.fb.nregion; i++)
			fb_grow_one(&g.fb.region[i], g.fb.nwords, nw);
		for (size_t i = 0; i < g.fb.nchain; i++)
			fb_grow_one(&g.fb.chain[i], g.fb.nwords, nw);
		g.fb.nwords = nw;
	}
	fb_reserve_list(&g.fb.region, &g.fb.nregion, r);
	fb_reserve_list(&g.fb.chain, &g.fb.nchain, c);
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
		fb_put(g.fb.edu[i], slot, on && (int)(a->flags & TA_EDU) >= i);
		fb_put(g.fb.exp[i], slot, on && a->exp >= exp_steps[i]);
	}
	fb_put(g.fb.region[old->region], slot, false);
	fb_put(g.fb.region[a->region], slot, on);
	fb_put(g.fb.chain[old->chain], slot, false);
	fb_put(g.fb.chain[a->chain], slot, on && a->chain);
	fb_put(g.fb.odd, slot, odd);
}

static void tattr_set(size_t slot, bool dirty)
{
	if (slot >= g.ntattr) {
		size_t n = slot * 2 + 1024;
		g.tattr = grow_huge(g.tattr, g.ntattr * sizeof(*g.tattr), n * sizeof(*g.tattr));
		memset(g.tattr + g.ntattr, 0, (n - g.ntattr) * sizeof(*g.tattr));
		g.ntattr = n;
	}
	struct tattr old = g.tattr[slot];
	const struct cand *c = &g.talents.v[slot];
	struct tattr *a = &g.tattr[slot];
	bool slow = c->nskills > 0xffff || c->edu < 0 || c->edu > (int)TA_EDU ||
	            g.npool + (size_t)c->nskills > UINT32_MAX;
	for (int k = 0; k < c->nskills && !slow; k++)
		slow = c->skills[k] < 0 || c->skills[k] > 0xffff;
	int r = strmap_get(&g.rcodes, c->region);
	if (r < 0 && g.nrcodes < IDX_NONE)
		r = strmap_put(&g.rcodes, c->region, (int)g.nrcodes++);
	slow |= r < 0;
	int ch = 0;
	if (c->chain_id) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)c->chain_id);
		ch = strmap_get(&g.chains, key);
		if (ch < 0 && g.nchains + 1 < IDX_NONE)
			ch = strmap_put(&g.chains, key, (int)++g.nchains);
		slow |= ch < 0;
	}
	a->skills = (uint32_t)g.npool;
	a->nskills = slow ? 0 : (uint16_t)c->nskills;
	if (a->nskills) {
		if (g.npool + a->nskills > g.cappool) {
			g.cappool = (g.npool + a->nskills) * 2 + 4096;
			g.pool = grow_huge(g.pool, g.npool * sizeof(*g.pool), g.cappool * sizeof(*g.pool));
		}
		for (int k = 0; k < a->nskills; k++)
			g.pool[g.npool++] = (uint16_t)c->skills[k];
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
	int n = g.tax.nskills, *count = xcalloc((size_t)n + 1, sizeof(int));
	g.kids = xcalloc((size_t)n + 1, sizeof(*g.kids));
	for (int i = 0; i < n; i++)
		if (g.tax.parent[i] >= 0)
			count[g.tax.parent[i]]++;
	for (int i = 0; i < n; i++) {
		g.kids[i] = xmalloc(((size_t)count[i] + 1) * sizeof(int));
		g.kids[i][0] = -1;
		count[i] = 0;
	}
	for (int i = 0; i < n; i++) {
		int p = g.tax.parent[i];
		if (p >= 0) {
			g.kids[p][count[p]++] = i;
			g.kids[p][count[p]] = -1;
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
	struct cand *c = side_slot(&g.talents, store_column_int(st, 0));
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
	post_add(c, (uint32_t)(c - g.talents.v));
	tattr_set((size_t)(c - g.talents.v), g.built);
}

static void read_need(struct store_stmt *st)
{
	struct cand *c = side_slot(&g.needs, store_column_int(st, 0));
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
	struct side *s = talent ? &g.talents : &g.needs;
	size_t *p = side_find(s, id);
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
	side_free(&g.talents);
	side_free(&g.needs);
	for (int i = 0; g.kids && i < g.tax.nskills; i++)
		free(g.kids[i]);
	free(g.kids);
	g.kids = NULL;
	taxonomy_free(&g.tax);
	memset(&g.tax, 0, sizeof(g.tax));
	for (size_t i = 0; i < g.nnames; i++)
		free(g.names[i]);
	free(g.names);
	g.names = NULL;
	g.nnames = 0;
	free(g.df);
	g.df = NULL;
	g.ndf = g.nlive = 0;
	for (size_t i = 0; i < g.npost; i++)
		free(g.post[i].v), free(g.post[i].bits);
	free(g.post);
	g.post = NULL;
	g.npost = 0;
	free(g.tattr);
	g.tattr = NULL;
	g.ntattr = 0;
	free(g.pool);
	g.pool = NULL;
	g.npool = g.cappool = 0;
	strmap_free(&g.rcodes);
	memset(&g.rcodes, 0, sizeof(g.rcodes));
	g.nrcodes = 0;
	strmap_free(&g.chains);
	memset(&g.chains, 0, sizeof(g.chains));
	g.nchains = 0;
	for (int i = 0; i < 5; i++)
		free(g.fb.edu[i]), free(g.fb.exp[i]);
	free(g.fb.odd);
	for (size_t i = 0; i < g.fb.nregion; i++)
		free(g.fb.region[i]);
	free(g.fb.region);
	for (size_t i = 0; i < g.fb.nchain; i++)
		free(g.fb.chain[i]);
	free(g.fb.chain);
	memset(&g.fb, 0, sizeof(g.fb));
	g.built = false;
}

static enum xz_result rebuild(struct store *db)
{
	struct store_stmt *st = NULL;
	drop_index();
	enum xz_result r = taxonomy_load(db, &g.tax);
	if (!r)
		build_kids();
	if (!r &&
	    !(r = store_prepare(db, "SELECT id, name FROM skill WHERE deleted_at IS NULL", &st))) {
		while (store_step(st) == STORE_ROW) {
			int i = taxonomy_find_db_id(&g.tax, store_column_int(st, 0));
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
	for (size_t i = 0; !r && i < g.npost; i++) {
		struct posting *p = &g.post[i];
		if (p->n > 1024 && p->n > g.talents.n / BITMAP_SHARE) {
			p->nwords = g.talents.n / 64 + 1;
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
		r = load_rows(db, NEED_SQL " ORDER BY n.id", 0, read_need);
	if (r)
		drop_index();
	else
		g.built = true;
	return r;
}

/* Under the write lock: applies the queued changes, or rebuilds. */
static enum xz_result refresh(struct store *db)
{
	enum xz_result r = XZ_OK;
	pthread_mutex_lock(&g.queue_lock);
	struct pending *q = g.queue;
	size_t nq = g.nqueue;
	bool stale = g.queue_stale || g.stale;
	g.queue = NULL;
	g.nqueue = g.capqueue = 0;
	g.queue_stale = g.stale = false;
	pthread_mutex_unlock(&g.queue_lock);
	if (stale || !g.built) {
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
		struct side *s = kind == 'p' ? &g.talents : &g.needs;
		for (size_t k = 0; k < s->n && !r; k++) {
			const struct cand *c = &s->v[k];
			if (c->present &&
			    ((kind != 's' && c->ref_a == id) || (kind == 's' && c->ref_b == id)))
				r = reload(db, kind == 'p' ? 't' : 'n', c->id);
		}
	}
	if (r) /* half-applied: start again from the database next time */
		g.stale = true;
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
	pthread_mutex_lock(&g.queue_lock);
	if (!k || kind == CHANGE_MANY || g.nqueue >= MAX_PENDING) {
		/* the taxonomy or region codes changed, or too much did */
		g.queue_stale = true;
		g.nqueue = 0;
	} else if (!g.queue_stale) {
		if (g.nqueue == g.capqueue)
			g.queue =
			    xrealloc(g.queue, (g.capqueue = g.capqueue ? g.capqueue * 2 : 64) *
			                          sizeof(*g.queue));
		g.queue[g.nqueue++] = (struct pending){k, id};
	}
	pthread_mutex_unlock(&g.queue_lock);
}

static bool needs_refresh(void)
{
	pthread_mutex_lock(&g.queue_lock);
	bool v = !g.built || g.stale || g.queue_stale || g.nqueue;
	pthread_mutex_unlock(&g.queue_lock);
	return v;
}

/* Takes the lock for a query: shared when the index is current, else
 * exclusive after bringing it up to date. */
static enum xz_result lock_current(struct store *db)
{
	pthread_rwlock_rdlock(&g.lock);
	if (!needs_refresh())
		return XZ_OK;
	pthread_rwlock_unlock(&g.lock);
	pthread_rwlock_wrlock(&g.lock);
	enum xz_result r = needs_refresh() ? refresh(db) : XZ_OK;
	if (r)
		pthread_rwlock_unlock(&g.lock);
	return r;
}

enum xz_result match_warm(struct store *db)
{
	enum xz_result r = lock_current(db);
	if (!r)
		pthread_rwlock_unlock(&g.lock);
	return r;
}

void match_reset(void)
{
	pthread_rwlock_wrlock(&g.lock);
	pthread_mutex_lock(&g.queue_lock);
	free(g.queue);
	g.queue = NULL;
	g.nqueue = g.capqueue = 0;
	g.queue_stale = g.stale = false;
	pthread_mutex_unlock(&g.queue_lock);
	drop_index();
	pthread_rwlock_unlock(&g.lock);
}

/* ---- scoring ---- */

static double weight(int s)
{
	return log(1.0 + (double)g.nlive / (1.0 + (double)df_of(s)));
}

static double round4(double x)
{
	return round(x * 10000.0) / 10000.0;
}

/* Best similarity of required skill s among t's skills; *via the skill giving it. */
static double best_sim(int s, const struct cand *t, int *via)
{
	double best = 0.0;
	*via = -1;
	for (int i = 0; i < t->nskills; i++) {
		double v = similarity(s, t->skills[i]);
		if (v > best) {
			best = v;
			*via = t->skills[i];
		}
	}
	return best;
}

static bool same_district(const struct cand *a, const struct cand *b)
{
	return strlen(a->region) >= 6 && strlen(b->region) >= 6 &&
	       !strncmp(a->region, b->region, 6);
}

/* The score of talent t for need n, false when a hard filter fails; w
 * holds the weights of n's skills when the caller has them (one need
 * against many talents), else NULL. */
static bool score(const struct cand *t, const struct cand *n, const double *w_of, double *out)
{
	if (t->edu < n->edu || t->exp < n->exp)
		return false;
	double num = 0.0, den = 0.0;
	bool any = false;
	for (int i = 0; i < n->nskills; i++) {
		int via;
		double w = w_of ? w_of[i] : weight(n->skills[i]);
		double b = best_sim(n->skills[i], t, &via);
		den += w;
		num += w * b;
		any |= b > 0.0;
	}
	if (n->nskills && !any)
		return false;
	double sc = den > 0.0 ? num / den : 0.0;
	if (t->chain_id && t->chain_id == n->chain_id)
		sc += BONUS_CHAIN;
	if (same_district(t, n))
		sc += BONUS_DISTRICT;
	*out = round4(sc);
	return true;
}

struct hit {
	double score;
	int64_t id;
	size_t slot;
};

/* true when a ranks before b */
static bool before(const struct hit *a, const struct hit *b)
{
	return a->score > b->score || (a->score == b->score && a->id < b->id);
}

/* Keeps the best k hits sorted in top[0..*n). */
static void offer(struct hit *top, int k, int *n, struct hit h)
{
	if (*n == k && !before(&h, &top[k - 1]))
		return;
	int i = *n < k ? (*n)++ : k - 1;
	while (i > 0 && before(&h, &top[i - 1])) {
		top[i] = top[i - 1];
		i--;
	}
	top[i] = h;
}

static bool in_prefix(const char *code, const char *prefix)
{
	return !prefix || !*prefix || !strncmp(code, prefix, strlen(prefix));
}

/* The actor's data scope over a candidate, by the engine's one rule: its
 * regions (query_scope_region_visible), and under the own scope the ids of
 * the rows it created (own, sorted; NULL when not the own scope). */
struct match_scope {
	const struct actor *actor; /* NULL: unrestricted */
	int64_t *own;
	size_t nown;
};

static bool in_scope_region(const char *code, const struct match_scope *sc)
{
	return !sc || !sc->actor || query_scope_region_visible(sc->actor, code);
}

static bool in_scope(const struct cand *c, const struct match_scope *sc)
{
	return in_scope_region(c->region, sc) &&
	       (!sc || !sc->own || query_scope_ids_has(sc->own, sc->nown, c->id));
}

/* ---- top-k talents for a need, through the postings ----
 *
 * A talent scores for a need only through skills related to a required one
 * (itself 1, its parent or children 0.6, its siblings 0.3), so the postings
 * of those skills hold every candidate. Each (required skill, related skill)
 * pair is a list whose members gain at most w·similarity from it, and a
 * talent's numerator is at most the sum, over the required skills, of the
 * best bound among the lists of that skill holding it. The lists are walked
 * from the largest bound down and every talent met is scored exactly
 * (plan_score_packed is score() over the packed slot record, with the
 * similarities looked up in a small per-query table). Once k talents are
 * ranked, the longest lists not yet walked are set aside for as long as the
 * bound of a talent held only by set-aside lists (plus its bonus, plus
 * rounding) stays below the k-th score: no such talent can enter the top
 * k, and as the k-th score only rises the decision stays right. That is
 * decided per bonus class (none, district, chain, both: a talent with a
 * bonus needs less from its skills), so a list may be walked for some
 * talents only. Talents failing the filters are skipped by a bit test
 * (pass_bits), and the set-aside lists are only counted for `total`, as a
 * union of bit sets against the slots already met. The result is the
 * exhaustive one: same scores, same order, same total (tests/unit/
 * test_match.c and test_match_index.c check it against brute force, the
 * latter at a size where the bit sets and classes come into play;
 * bench/match_bench.c against an exhaustive scan and SQL at 2M). */

static const double sim_of_code[4] = {0.0, SIM_SIBLING, SIM_PARENT, 1.0};

struct plan {
	const struct cand *n;
	const double *w;    /* weights of n's skills */
	int nq;             /* n->nskills */
	size_t nidx;        /* skill indexes the table covers */
	uint8_t *code;      /* code[x * nq + i]: similarity code of held skill x for required skill i */
	uint8_t *related;   /* related[x]: some code of x is not 0 */
	uint8_t *best;      /* scratch: nq codes */
	uint8_t *region_ok; /* region index → inside scope and region */
	uint8_t *district;  /* region index → same district as the need */
	uint16_t chain;     /* the need's chain index, IDX_NONE when no talent shares it */
	const struct match_scope *scope;
	const char *region;
};

struct sublist {
	const struct posting *p;
	double ub; /* w(required skill) × similarity */
	int qi;    /* the required skill's position */
};

static void plan_mark(struct plan *pl, int x, int i, uint8_t c)
{
	if (x < 0 || (size_t)x >= pl->nidx)
		return;
	uint8_t *v = &pl->code[(size_t)x * (size_t)pl->nq + (size_t)i];
	if (c > *v)
		*v = c;
	pl->related[x] = 1;
}

static void add_sub(struct sublist *subs, size_t *n, int x, double ub, int qi)
{
	if (x >= 0 && (size_t)x < g.npost && g.post[x].n)
		subs[(*n)++] = (struct sublist){&g.post[x], ub, qi};
}

static int cmp_sub(const void *a, const void *b)
{
	double x = ((const struct sublist *)a)->ub, y = ((const struct sublist *)b)->ub;
	return (x < y) - (x > y);
}

/* score() for the plan's need, with best_sim read from the table */
static bool plan_score(const struct plan *pl, const struct cand *t, double *out)
{
	const struct cand *n = pl->n;
	if (t->edu < n->edu || t->exp < n->exp)
		return false;
	memset(pl->best, 0, (size_t)pl->nq);
	for (int k = 0; k < t->nskills; k++) {
		size_t x = (size_t)t->skills[k];
		if (x >= pl->nidx || !pl->related[x])
			continue;
		const uint8_t *row = &pl->code[x * (size_t)pl->nq];
		for (int i = 0; i < pl->nq; i++)
			if (row[i] > pl->best[i])
				pl->best[i] = row[i];
	}
	double num = 0.0, den = 0.0;
	bool any = false;
	for (int i = 0; i < pl->nq; i++) {
		double w = pl->w[i], b = sim_of_code[pl->best[i]];
		den += w;
		num += w * b;
		any |= b > 0.0;
	}
	if (pl->nq && !any)
		return false;
	double sc = den > 0.0 ? num / den : 0.0;
	if (t->chain_id && t->chain_id == n->chain_id)
		sc += BONUS_CHAIN;
	if (same_district(t, n))
		sc += BONUS_DISTRICT;
	*out = round4(sc);
	return true;
}

/* plan_score() from the packed fields of a slot that is not TA_SLOW and
 * has passed plan_passes() (so education and experience are met) */
static bool plan_score_packed(const struct plan *pl, const struct tattr *a, double *out)
{
	memset(pl->best, 0, (size_t)pl->nq);
	const uint16_t *skills = g.pool + a->skills;
	for (int k = 0; k < a->nskills; k++) {
		size_t x = skills[k];
		if (x >= pl->nidx || !pl->related[x])
			continue;
		const uint8_t *row = &pl->code[x * (size_t)pl->nq];
		for (int i = 0; i < pl->nq; i++)
			if (row[i] > pl->best[i])
				pl->best[i] = row[i];
	}
	double num = 0.0, den = 0.0;
	bool any = false;
	for (int i = 0; i < pl->nq; i++) {
		double w = pl->w[i], b = sim_of_code[pl->best[i]];
		den += w;
		num += w * b;
		any |= b > 0.0;
	}
	if (pl->nq && !any)
		return false;
	double sc = den > 0.0 ? num / den : 0.0;
	if (a->chain && a->chain == pl->chain)
		sc += BONUS_CHAIN;
	if (pl->district[a->region])
		sc += BONUS_DISTRICT;
	*out = round4(sc);
	return true;
}

/* the filters of talent slot, from its packed fields */
static bool plan_passes(const struct plan *pl, size_t slot)
{
	const struct tattr *a = &g.tattr[slot];
	if (!(a->flags & TA_ELIGIBLE))
		return false;
	if (pl->scope && pl->scope->own &&
	    !query_scope_ids_has(pl->scope->own, pl->scope->nown, g.talents.v[slot].id))
		return false;
	if (a->flags & TA_SLOW) {
		const struct cand *c = &g.talents.v[slot];
		return c->edu >= pl->n->edu && c->exp >= pl->n->exp && in_scope_region(c->region, pl->scope) &&
		       in_prefix(c->region, pl->region);
	}
	return (int)(a->flags & TA_EDU) >= pl->n->edu && a->exp >= pl->n->exp &&
	       pl->region_ok[a->region];
}

/* Walking a list touches two scattered places per talent: its packed
 * record (struct tattr) and its skills in the pool. Asking for them a few
 * entries ahead lets the loads overlap instead of queueing one by one. */
static bool has_bit(const uint64_t *b, uint32_t slot)
{
	return b[slot >> 6] >> (slot & 63) & 1;
}

static void prefetch_ahead(const uint64_t *pass, const uint32_t *v, size_t n, size_t m)
{
	if (m + 16 < n && (!pass || has_bit(pass, v[m + 16])))
		__builtin_prefetch(&g.tattr[v[m + 16]]);
	if (m + 8 < n && (!pass || has_bit(pass, v[m + 8]))) {
		const struct tattr *a = &g.tattr[v[m + 8]];
		/* up to 64 skills: two lines */
		for (int i = 0; i < a->nskills && i < 64; i += 32)
			__builtin_prefetch(g.pool + a->skills + i);
	}
}

/* The slots that may pass the plan's filters, as a bit set: those passing
 * education, experience and region by the filter bit sets, and every odd
 * one (checked one by one). NULL when the need's levels are not the ones
 * the bit sets are kept for. */
static uint64_t *pass_bits(const struct plan *pl, size_t nwords)
{
	const struct cand *n = pl->n;
	int xi = -1;
	for (int i = 0; i < 5; i++)
		if (exp_steps[i] == n->exp)
			xi = i;
	if (n->edu < 0 || n->edu > 4 || xi < 0)
		return NULL;
	uint64_t *e = xmalloc(nwords * sizeof(*e));
	for (size_t i = 0; i < nwords; i++)
		e[i] = i < g.fb.nwords ? g.fb.edu[n->edu][i] & g.fb.exp[xi][i] : 0;
	bool all = true;
	for (size_t r = 0; r < g.nrcodes; r++)
		all &= pl->region_ok[r] != 0;
	if (!all) {
		uint64_t *in = xcalloc(nwords, sizeof(*in));
		for (size_t r = 0; r < g.nrcodes && r < g.fb.nregion; r++)
			if (pl->region_ok[r])
				for (size_t i = 0; i < nwords && i < g.fb.nwords; i++)
					in[i] |= g.fb.region[r][i];
		for (size_t i = 0; i < nwords; i++)
			e[i] &= in[i];
		free(in);
	}
	for (size_t i = 0; i < nwords && i < g.fb.nwords; i++)
		e[i] |= g.fb.odd[i];
	return e;
}

/* scores slot for the plan, false when it fails a filter or shares no skill */
static bool plan_slot(const struct plan *pl, uint32_t slot, double *sc)
{
	if (!plan_passes(pl, slot))
		return false;
	const struct tattr *a = &g.tattr[slot];
	return a->flags & TA_SLOW ? plan_score(pl, &g.talents.v[slot], sc)
	                          : plan_score_packed(pl, a, sc);
}

/* Bonus classes: a talent's bonus is 0, the district's, the chain's or
 * both; a list can be set aside for the talents of one class and not of
 * another, since a larger bonus needs less from the skills. */
static const double class_bonus[4] = {0.0, BONUS_DISTRICT, BONUS_CHAIN,
                                      BONUS_CHAIN + BONUS_DISTRICT};

struct walk {
	const struct plan *pl;
	uint64_t *seen;       /* slots met so far, scored or failing the filters */
	const uint64_t *pass; /* pass_bits(), or NULL */
	const uint64_t *on_chain, *in_district; /* the bonus bit sets, or NULL */
	unsigned classes;     /* the bonus classes to score from this list, a bit each */
	struct hit *top;
	int k, *ntop;
	json_int_t *total;
};

/* A slot's bonus class from the bit sets; odd slots (and every slot when
 * there are no bit sets) count as the largest. */
static unsigned slot_class(const struct walk *wk, uint32_t slot)
{
	if (!wk->pass || has_bit(g.fb.odd, slot))
		return 3;
	return (wk->on_chain && has_bit(wk->on_chain, slot) ? 2u : 0u) |
	       (wk->in_district && has_bit(wk->in_district, slot) ? 1u : 0u);
}

/* Scores the slots not met before and offers them to the top k. */
static void walk_slots(struct walk *wk, const uint32_t *v, size_t n)
{
	for (size_t m = 0; m < n; m++) {
		uint32_t slot = v[m];
		prefetch_ahead(wk->pass, v, n, m);
		uint64_t bit = 1ull << (slot & 63);
		if (wk->seen[slot >> 6] & bit)
			continue;
		if (wk->pass && !(wk->pass[slot >> 6] & bit)) {
			wk->seen[slot >> 6] |= bit;
			continue;
		}
		if (wk->classes != 0xf && !(wk->classes >> slot_class(wk, slot) & 1))
			continue; /* met again in a list its class needs, or counted */
		wk->seen[slot >> 6] |= bit;
		double sc;
		if (plan_slot(wk->pl, slot, &sc)) {
			(*wk->total)++;
			/* the id (in the struct cand) only matters to a contender */
			if (*wk->ntop < wk->k || sc >= wk->top[wk->k - 1].score)
				offer(wk->top, wk->k, wk->ntop,
				      (struct hit){sc, g.talents.v[slot].id, slot});
		}
	}
}

static void walk_list(struct walk *wk, const struct posting *p)
{
	if (!p->bits) {
		walk_slots(wk, p->v, p->n);
		return;
	}
	uint32_t chunk[1024];
	size_t n = 0;
	for (size_t i = 0; i < p->nwords; i++)
		for (uint64_t x = p->bits[i]; x; x &= x - 1) {
			chunk[n++] = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(x));
			if (n == sizeof(chunk) / sizeof(chunk[0])) {
				walk_slots(wk, chunk, n);
				n = 0;
			}
		}
	walk_slots(wk, chunk, n);
}

static void top_for_need(const struct cand *n, const double *w, const struct match_scope *scope,
                         const char *region, struct hit *top, int k, int *ntop,
                         json_int_t *total)
{
	struct plan pl = {.n = n, .w = w, .nq = n->nskills, .scope = scope, .region = region};
	pl.nidx = (size_t)(g.tax.next_id > 0 ? g.tax.next_id : 0);
	pl.code = xcalloc(pl.nidx * (size_t)pl.nq + 1, 1);
	pl.related = xcalloc(pl.nidx + 1, 1);
	pl.best = xmalloc((size_t)pl.nq + 1);
	pl.region_ok = xcalloc(g.nrcodes + 1, 1);
	pl.district = xcalloc(g.nrcodes + 1, 1);
	for (size_t i = 0; i < g.rcodes.cap; i++)
		if (g.rcodes.keys[i]) {
			const char *code = g.rcodes.keys[i];
			pl.region_ok[g.rcodes.vals[i]] = in_scope_region(code, scope) && in_prefix(code, region);
			pl.district[g.rcodes.vals[i]] = strlen(code) >= 6 && strlen(n->region) >= 6 &&
			                                !strncmp(code, n->region, 6);
		}
	pl.chain = IDX_NONE;
	if (n->chain_id) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)n->chain_id);
		int ch = strmap_get(&g.chains, key);
		if (ch > 0)
			pl.chain = (uint16_t)ch;
	}
	/* the table and the lists */
	size_t cap = 0, nsub = 0;
	for (int i = 0; i < pl.nq; i++) {
		int s = n->skills[i], p = parent_of(s);
		cap += 2;
		for (int j = 0; s < g.tax.nskills && g.kids[s][j] >= 0; j++)
			cap++;
		for (int j = 0; p >= 0 && g.kids[p][j] >= 0; j++)
			cap++;
	}
	struct sublist *subs = xmalloc((cap + 1) * sizeof(*subs));
	for (int i = 0; i < pl.nq; i++) {
		int s = n->skills[i], p = parent_of(s);
		plan_mark(&pl, s, i, 3);
		add_sub(subs, &nsub, s, w[i], i);
		if (p >= 0) {
			plan_mark(&pl, p, i, 2);
			add_sub(subs, &nsub, p, w[i] * SIM_PARENT, i);
			for (int j = 0; g.kids[p][j] >= 0; j++)
				if (g.kids[p][j] != s) {
					plan_mark(&pl, g.kids[p][j], i, 1);
					add_sub(subs, &nsub, g.kids[p][j], w[i] * SIM_SIBLING, i);
				}
		}
		for (int j = 0; s < g.tax.nskills && g.kids[s][j] >= 0; j++) {
			plan_mark(&pl, g.kids[s][j], i, 2);
			add_sub(subs, &nsub, g.kids[s][j], w[i] * SIM_PARENT, i);
		}
	}
	if (nsub)
		qsort(subs, nsub, sizeof(*subs), cmp_sub);
	double den = 0.0;
	for (int i = 0; i < pl.nq; i++)
		den += w[i];
	/* longest first: the lists worth skipping */
	size_t *by_len = xmalloc((nsub + 1) * sizeof(*by_len));
	for (size_t j = 0; j < nsub; j++)
		by_len[j] = j;
	for (size_t j = 1; j < nsub; j++) /* insertion sort: a few hundred lists */
		for (size_t m = j; m > 0 && subs[by_len[m]].p->n > subs[by_len[m - 1]].p->n; m--) {
			size_t t = by_len[m];
			by_len[m] = by_len[m - 1];
			by_len[m - 1] = t;
		}
	/* skip[c][j]: list j is set aside for the talents of bonus class c.
	 * smax[c][i] is the largest bound among those lists of required skill
	 * i, and their sum bounds the numerator of a class-c talent held by
	 * such lists only; a list is set aside while that sum stays below what
	 * the k-th score needs from a talent with that bonus. The k-th score
	 * only rises, so a list once set aside stays so rightly. */
	bool *skip[4], *walked[4];
	double *smax[4], ssum[4] = {0.0, 0.0, 0.0, 0.0}, theta = -1.0;
	for (int c = 0; c < 4; c++) {
		skip[c] = xcalloc(nsub + 1, sizeof(**skip));
		walked[c] = xcalloc(nsub + 1, sizeof(**walked));
		smax[c] = xcalloc((size_t)pl.nq + 1, sizeof(**smax));
	}
	size_t nwords = g.talents.n / 64 + 1;
	uint64_t *seen = xcalloc(nwords, sizeof(*seen));
	uint64_t *pass = pass_bits(&pl, nwords), *in_district = NULL;
	const uint64_t *on_chain = NULL;
	if (pass && g.fb.nwords >= nwords) {
		if (pl.chain != IDX_NONE && pl.chain < g.fb.nchain)
			on_chain = g.fb.chain[pl.chain];
		in_district = xcalloc(nwords, sizeof(*in_district));
		for (size_t r = 0; r < g.nrcodes && r < g.fb.nregion; r++)
			if (pl.district[r])
				for (size_t i = 0; i < nwords; i++)
					in_district[i] |= g.fb.region[r][i];
	}
	struct walk wk = {&pl, seen, pass, on_chain, in_district, 0xf, top, k, ntop, total};
	if (!in_district)
		wk.pass = NULL; /* no classes without the bit sets: score every slot met */
	for (size_t j = 0; j < nsub; j++) {
		if (*ntop == k && den > 0.0 && top[k - 1].score > theta) {
			theta = top[k - 1].score;
			for (int c = 0; c < 4; c++) {
				double need = (theta - class_bonus[c] - 0.0002) * den;
				for (size_t m = 0; m < nsub; m++) {
					size_t x = by_len[m];
					const struct sublist *l = &subs[x];
					if (walked[c][x] || skip[c][x])
						continue;
					if (l->ub <= smax[c][l->qi]) {
						skip[c][x] = ssum[c] < need; /* adds nothing to the bound */
						continue;
					}
					double grown = ssum[c] + (l->ub - smax[c][l->qi]);
					if (grown < need) {
						skip[c][x] = true;
						smax[c][l->qi] = l->ub;
						ssum[c] = grown;
					}
				}
			}
		}
		wk.classes = 0;
		for (int c = 0; c < 4; c++)
			if (!skip[c][j]) {
				wk.classes |= 1u << c;
				walked[c][j] = true;
			}
		if (wk.classes)
			walk_list(&wk, subs[j].p);
	}
	/* `total` also counts the talents met only in skipped lists: their
	 * union as a bit set, then each new slot's filters, in slot order */
	uint64_t *u = xcalloc(nwords, sizeof(*u));
	for (size_t j = 0; j < nsub; j++) {
		const struct posting *p = subs[j].p;
		if (!skip[0][j] && !skip[1][j] && !skip[2][j] && !skip[3][j])
			continue;
		if (p->bits)
			for (size_t i = 0; i < p->nwords && i < nwords; i++)
				u[i] |= p->bits[i];
		else
			for (size_t m = 0; m < p->n; m++)
				u[p->v[m] >> 6] |= 1ull << (p->v[m] & 63);
	}
	for (size_t i = 0; i < nwords; i++) {
		uint64_t x = u[i] & ~seen[i];
		if (pass) {
			/* the plain slots that pass are counted by their bits */
			uint64_t odd = i < g.fb.nwords ? g.fb.odd[i] : 0;
			*total += __builtin_popcountll(x & pass[i] & ~odd);
			x &= odd;
		}
		for (; x; x &= x - 1) {
			uint32_t slot = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(x));
			double sc;
			/* a talent read at the last rebuild holds this list's skill, which
			 * is related to a required one, so it scores; one re-read since
			 * may have dropped the skill */
			if (g.tattr[slot].flags & TA_DIRTY ? plan_slot(&pl, slot, &sc)
			                                   : plan_passes(&pl, slot))
				(*total)++;
		}
	}
	free(u);
	free(pass);
	free(in_district);
	free(by_len);
	for (int c = 0; c < 4; c++) {
		free(skip[c]);
		free(walked[c]);
		free(smax[c]);
	}
	free(seen);
	free(subs);
	free(pl.code);
	free(pl.related);
	free(pl.best);
	free(pl.region_ok);
	free(pl.district);
}

static json_t *skill_names(const struct cand *c)
{
	json_t *a = json_array();
	for (int i = 0; i < c->nskills; i++)
		json_array_append_new(a, json_string(g.names[c->skills[i]]));
	return a;
}

/* The reasons of one result, in Chinese. */
static void explain(const struct cand *t, const struct cand *n, json_t *item)
{
	json_t *matched = json_array(), *missing = json_array(), *conds = json_array();
	struct buf mb = BUF_INIT, xb = BUF_INIT, cb = BUF_INIT;
	for (int i = 0; i < n->nskills; i++) {
		int s = n->skills[i], via;
		double b = best_sim(s, t, &via);
		if (b <= 0.0) {
			json_array_append_new(missing, json_string(g.names[s]));
			buf_printf(&xb, "%s%s", xb.len ? "、" : "", g.names[s]);
			continue;
		}
		const char *rel = b == 1.0 ? "相同" : b == SIM_PARENT ? "上下位" : "同类";
		json_array_append_new(matched,
		                      json_pack("{s:s, s:s, s:s, s:f}", "skill", g.names[s], "via",
		                                g.names[via], "relation", rel, "similarity", b));
		if (b == 1.0)
			buf_printf(&mb, "%s%s", mb.len ? "、" : "", g.names[s]);
		else
			buf_printf(&mb, "%s%s（%s：%s）", mb.len ? "、" : "", g.names[s], rel,
			           g.names[via]);
	}
	if (n->edu > 0) {
		char *c =
		    xasprintf("学历 %s（要求%s及以上）", edu_names[t->edu], edu_names[n->edu]);
		json_array_append_new(conds, json_string(c));
		free(c);
	}
	if (n->exp > 0) {
		char *c = xasprintf("经验 %d年（要求%s）", t->exp, n->exp_text);
		json_array_append_new(conds, json_string(c));
		free(c);
	}
	if (t->chain_id && t->chain_id == n->chain_id)
		json_array_append_new(conds, json_string("同产业链"));
	if (same_district(t, n))
		json_array_append_new(conds, json_string("同区县"));
	size_t i;
	json_t *v;
	json_array_foreach(conds, i, v)
	    buf_printf(&cb, "%s%s", i ? "、" : "", json_string_value(v));
	json_t *reasons = json_array();
	char *r1 = xasprintf("匹配技能 [%s]", buf_cstr(&mb));
	char *r2 = xasprintf("缺少技能 [%s]", buf_cstr(&xb));
	char *r3 = xasprintf("满足条件 [%s]", cb.len ? buf_cstr(&cb) : "无硬性要求");
	json_array_append_new(reasons, json_string(r1));
	json_array_append_new(reasons, json_string(r2));
	json_array_append_new(reasons, json_string(r3));
	free(r1);
	free(r2);
	free(r3);
	buf_free(&mb);
	buf_free(&xb);
	buf_free(&cb);
	json_object_set_new(item, "matched_skills", matched);
	json_object_set_new(item, "missing_skills", missing);
	json_object_set_new(item, "conditions", conds);
	json_object_set_new(item, "reasons", reasons);
}

static json_t *cand_json(const char *entity, const struct cand *c)
{
	return json_pack("{s:s, s:I, s:s, s:s, s:o}", "entity", entity, "id", (json_int_t)c->id,
	                 "label", c->label ? c->label : "", "region_code", c->region, "skills",
	                 skill_names(c));
}

/* The common query: for_need ranks talents for need id, else needs for talent id. */
static enum xz_result query(struct engine_ctx *ctx, bool for_need, int64_t id, int k,
                            const char *region, json_t **out)
{
	const struct entity *qe = model_find(for_need ? "need" : "talent");
	json_t *row = NULL;
	struct hit *top = NULL;
	double *w = NULL;
	bool locked = false;
	struct match_scope scope_buf = {.actor = ctx->actor}, *scope = &scope_buf;
	*out = NULL;
	enum xz_result r = engine_get(ctx, qe, id, &row);
	if (r)
		goto out;
	if ((r = lock_current(ctx->db)))
		goto out;
	locked = true;
	size_t *p = side_find(for_need ? &g.needs : &g.talents, id);
	if (!p || !(for_need ? g.needs.v : g.talents.v)[*p].present) {
		r = XZ_ERR_NOT_FOUND; /* deleted between the get and the lock */
		goto out;
	}
	const struct cand *q = &(for_need ? g.needs.v : g.talents.v)[*p];
	const struct side *cands = for_need ? &g.talents : &g.needs;
	if (ctx->actor && engine_scope_effective(ctx->actor) == SCOPE_OWN &&
	    (r = query_scope_ids(ctx->db, model_find(for_need ? "talent" : "need"), ctx->actor,
	                         &scope_buf.own, &scope_buf.nown)))
		goto out;
	if (ctx->actor && engine_scope_effective(ctx->actor) == SCOPE_OWN && !scope_buf.own)
		scope_buf.own = xmalloc(sizeof(int64_t)); /* none of them: an empty set, not "all" */
	if (k <= 0)
		k = MATCH_DEFAULT_K;
	if (k > MATCH_MAX_K)
		k = MATCH_MAX_K;
	top = xmalloc((size_t)k * sizeof(*top));
	w = xmalloc(((size_t)q->nskills + 1) * sizeof(*w));
	for (int i = 0; i < q->nskills; i++)
		w[i] = weight(q->skills[i]);
	int ntop = 0;
	json_int_t total = 0;
	/* a need with skills only looks at the talents its skills reach */
	if (for_need && q->nskills > 0)
		top_for_need(q, w, scope, region, top, k, &ntop, &total);
	for (size_t i = 0; !(for_need && q->nskills > 0) && i < cands->n; i++) {
		const struct cand *c = &cands->v[i];
		double sc;
		if (!c->present || !c->live || !in_scope(c, scope) || !in_prefix(c->region, region))
			continue;
		if (!(for_need ? score(c, q, w, &sc) : score(q, c, NULL, &sc)))
			continue;
		total++;
		offer(top, k, &ntop, (struct hit){sc, c->id, i});
	}
	json_t *items = json_array();
	for (int i = 0; i < ntop; i++) {
		const struct cand *c = &cands->v[top[i].slot];
		json_t *item = cand_json(for_need ? "talent" : "need", c);
		json_object_set_new(item, "rank", json_integer(i + 1));
		json_object_set_new(item, "score", json_real(top[i].score));
		explain(for_need ? c : q, for_need ? q : c, item);
		json_array_append_new(items, item);
	}
	*out = json_pack("{s:o, s:i, s:I, s:o}", "query", cand_json(qe->name, q), "k", k, "total",
	                 total, "items", items);
out:
	if (locked)
		pthread_rwlock_unlock(&g.lock);
	free(top);
	free(w);
	free(scope_buf.own);
	json_decref(row);
	return r;
}

enum xz_result match_for_need(struct engine_ctx *ctx, int64_t need_id, int k, const char *region,
                              json_t **out)
{
	return query(ctx, true, need_id, k, region, out);
}

enum xz_result match_for_talent(struct engine_ctx *ctx, int64_t talent_id, int k,
                                const char *region, json_t **out)
{
	return query(ctx, false, talent_id, k, region, out);
}
