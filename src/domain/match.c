/*
 * Ranking from the matching index (built and kept current by
 * match_index.c): the top k talents for a need by one sweep over the talent
 * slots with MaxScore pruning (top_for_need, below), the top k needs for a
 * talent by scoring each open need, and the reasons of each result.
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
#include "domain/match_impl.h"
#include "domain/taxonomy.h"
#include "engine/query.h"
#include "model/entities.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct match_index *const g = &match_ix;

static double similarity(int a, int b)
{
	if (a == b)
		return 1.0;
	int pa = match_parent_of(a), pb = match_parent_of(b);
	if (pa == b || pb == a)
		return SIM_PARENT;
	if (pa >= 0 && pa == pb)
		return SIM_SIBLING;
	return 0.0;
}

/* ---- scoring ---- */

static double weight(int s)
{
	return log(1.0 + (double)g->nlive / (1.0 + (double)match_df_of(s)));
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

/* ---- scoring from the index ---- */

static const double sim_of_code[4] = {0.0, SIM_SIBLING, SIM_PARENT, 1.0};

struct plan {
	const struct cand *n;
	const double *w; /* weights of n's skills */
	int nq;          /* n->nskills */
	size_t nidx;     /* skill indexes the table covers */
	uint8_t *code; /* code[x * nq + i]: similarity code of held skill x for required skill i */
	uint8_t *related;   /* related[x]: some code of x is not 0 */
	uint8_t *best;      /* scratch: nq codes */
	uint8_t *region_ok; /* region index → inside scope and region */
	uint8_t *district;  /* region index → same district as the need */
	uint16_t chain;     /* the need's chain index, IDX_NONE when no talent shares it */
	const struct match_scope *scope;
	const char *region;
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

/* The skill part of a score from pl->best (the best similarity code per
 * required skill, filled by the caller): Σ w·sim / Σ w, in this order so
 * that every path gives the same bits; false when no required skill is
 * related at all. */
static bool weighted_best(const struct plan *pl, double *sc)
{
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
	*sc = den > 0.0 ? num / den : 0.0;
	return true;
}

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
	double sc;
	if (!weighted_best(pl, &sc))
		return false;
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
	const uint16_t *skills = g->pool + a->skills;
	for (int k = 0; k < a->nskills; k++) {
		size_t x = skills[k];
		if (x >= pl->nidx || !pl->related[x])
			continue;
		const uint8_t *row = &pl->code[x * (size_t)pl->nq];
		for (int i = 0; i < pl->nq; i++)
			if (row[i] > pl->best[i])
				pl->best[i] = row[i];
	}
	double sc;
	if (!weighted_best(pl, &sc))
		return false;
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
	const struct tattr *a = &g->tattr[slot];
	if (!(a->flags & TA_ELIGIBLE))
		return false;
	if (pl->scope && pl->scope->own &&
	    !query_scope_ids_has(pl->scope->own, pl->scope->nown, g->talents.v[slot].id))
		return false;
	if (a->flags & TA_SLOW) {
		const struct cand *c = &g->talents.v[slot];
		return c->edu >= pl->n->edu && c->exp >= pl->n->exp &&
		       in_scope_region(c->region, pl->scope) && in_prefix(c->region, pl->region);
	}
	return (int)(a->flags & TA_EDU) >= pl->n->edu && a->exp >= pl->n->exp &&
	       pl->region_ok[a->region];
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
		if (match_exp_steps[i] == n->exp)
			xi = i;
	if (n->edu < 0 || n->edu > 4 || xi < 0)
		return NULL;
	uint64_t *e = xmalloc(nwords * sizeof(*e));
	for (size_t i = 0; i < nwords; i++)
		e[i] = i < g->fb.nwords ? g->fb.edu[n->edu][i] & g->fb.exp[xi][i] : 0;
	bool all = true;
	for (size_t r = 0; r < g->nrcodes; r++)
		all &= pl->region_ok[r] != 0;
	if (!all) {
		uint64_t *in = xcalloc(nwords, sizeof(*in));
		for (size_t r = 0; r < g->nrcodes && r < g->fb.nregion; r++)
			if (pl->region_ok[r])
				for (size_t i = 0; i < nwords && i < g->fb.nwords; i++)
					in[i] |= g->fb.region[r][i];
		for (size_t i = 0; i < nwords; i++)
			e[i] &= in[i];
		free(in);
	}
	for (size_t i = 0; i < nwords && i < g->fb.nwords; i++)
		e[i] |= g->fb.odd[i];
	return e;
}

/* scores slot for the plan, false when it fails a filter or shares no skill */
static bool plan_slot(const struct plan *pl, uint32_t slot, double *sc)
{
	if (!plan_passes(pl, slot))
		return false;
	const struct tattr *a = &g->tattr[slot];
	return a->flags & TA_SLOW ? plan_score(pl, &g->talents.v[slot], sc)
	                          : plan_score_packed(pl, a, sc);
}

/* ---- top-k talents for a need: one sweep over the slots ----
 *
 * A talent's score for a need is fixed by one level per required skill i:
 * 3 when it holds the skill, 2 its parent or a child, 1 a sibling, 0 none
 * (the similarity is 1, 0.6, 0.3 or 0). Each level is membership in a bit
 * set over the slots: E_i, the skill's own posting; F_i, the parent's
 * posting or the skill's family (the union of its children's postings);
 * S_i, the parent's family (the siblings, and the skill itself, which E_i
 * outranks). Long postings and big families are bit sets in the index;
 * short ones are ORed into per-thread scratch sets for the query. The
 * query then walks the slots 64 at a time: it ANDs the related sets with
 * the filters (pass_bits) for `total`, one popcount per word, and scores
 * from the level bits alone, without reading the talents' records.
 *
 * Pruning is MaxScore over (required skill, level) terms: with θ the k-th
 * score so far, a talent of bonus class c (none, district, chain, both)
 * needs a numerator of (θ − bonus − margin)·Σw. The cheapest terms are
 * declared non-essential while the sum, over the required skills, of their
 * largest non-essential value stays below that need: a talent reached by
 * non-essential terms only cannot enter the top k, so only talents with an
 * essential term are looked at (classes 1 and 2 use the terms of class 3,
 * whose smaller need makes them right for every class). Two more tiers of
 * the same kind (choose_tier) ask for two, then three, "big" skills where
 * one, or two, cannot reach the need; counting them is a few bit
 * operations per word. The talents left are scored heaviest skill first and
 * dropped as soon as what they have plus the most the remaining skills
 * could give falls below the need. θ only rises, so every decision stays
 * right when taken for an older θ; θ starts from the first talents of the
 * heaviest skills' own postings, scored first (seed), and the terms are
 * chosen again whenever it has risen by RECHOOSE_STEP. The margin (0.0002,
 * over the 0.00005 of rounding to 4 decimals) keeps a talent that could tie
 * the k-th score, whose id may rank it first.
 *
 * Slots that are TA_DIRTY or TA_SLOW ("odd": re-read since the last
 * rebuild, so their old postings may linger) are in no filter bit set and
 * are scored one by one from their records when a related set holds them.
 * The result is the exhaustive one: the same scores (the same arithmetic
 * in the same order as score()), the same order, the same total; tests/
 * unit/test_match.c and test_match_index.c check it against brute force,
 * bench/match_bench.c against an exhaustive scan and SQL at 2M talents. */

/* A bit set over the talent slots; the words from nw on are 0. */
struct src {
	const uint64_t *b;
	size_t nw;
};

/* Per-thread scratch bit sets, all zero between queries (a query clears
 * what it set), so that a query does not fault in fresh pages. */
struct scratch {
	uint64_t **sets;
	size_t nsets, used, cap; /* cap: words per set */
	/* what each used set was filled from, to clear it: a posting array's
	 * entries, or NULL for the whole set */
	struct fill {
		uint64_t *set;
		const struct posting *p;
	} * fills;
	size_t nfills, capfills;
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *v)
{
	struct scratch *s = v;
	if (!s)
		return;
	for (size_t i = 0; i < s->nsets; i++)
		free(s->sets[i]);
	free(s->sets);
	free(s->fills);
	free(s);
}

static void scratch_key_make(void)
{
	pthread_key_create(&scratch_key, scratch_free);
}

static struct scratch *scratch_get(size_t nwords)
{
	pthread_once(&scratch_once, scratch_key_make);
	struct scratch *s = pthread_getspecific(scratch_key);
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		pthread_setspecific(scratch_key, s);
	}
	if (s->cap < nwords) {
		for (size_t i = 0; i < s->nsets; i++)
			free(s->sets[i]);
		s->nsets = 0;
		s->cap = nwords + nwords / 8 + 64;
	}
	s->used = s->nfills = 0;
	return s;
}

static uint64_t *scratch_take(struct scratch *s)
{
	if (s->used == s->nsets) {
		s->sets = xrealloc(s->sets, (s->nsets + 1) * sizeof(*s->sets));
		s->sets[s->nsets++] = xcalloc(s->cap, sizeof(uint64_t));
	}
	return s->sets[s->used++];
}

static void scratch_fill(struct scratch *s, uint64_t *set, const struct posting *p, size_t nwords)
{
	if (s->nfills == s->capfills)
		s->fills =
		    xrealloc(s->fills, (s->capfills = s->capfills * 2 + 16) * sizeof(*s->fills));
	s->fills[s->nfills++] = (struct fill){set, p->bits ? NULL : p};
	if (p->bits)
		for (size_t i = 0; i < p->nwords && i < nwords; i++)
			set[i] |= p->bits[i];
	else
		for (size_t m = 0; m < p->n; m++)
			set[p->v[m] >> 6] |= 1ull << (p->v[m] & 63);
}

/* Zeroes what the query set; a thread that ranked a huge query gives most
 * of its sets back. */
static void scratch_done(struct scratch *s)
{
	for (size_t i = 0; i < s->nfills; i++) {
		const struct posting *p = s->fills[i].p;
		uint64_t *set = s->fills[i].set;
		size_t n = p ? p->n : 0;
		const uint32_t *v = p ? p->v : NULL;
		if (!p || n > s->cap / 8) /* a memset is cheaper than the misses */
			memset(set, 0, s->cap * sizeof(uint64_t));
		else
			for (size_t m = 0; m < n; m++)
				set[v[m] >> 6] = 0;
	}
	while (s->nsets > 64)
		free(s->sets[--s->nsets]);
	s->used = s->nfills = 0;
}

void match_query_release(void)
{
	pthread_once(&scratch_once, scratch_key_make);
	scratch_free(pthread_getspecific(scratch_key));
	pthread_setspecific(scratch_key, NULL);
}

/* Bonus classes: bit 1 the chain's bonus, bit 0 the district's. */
static const double class_bonus[4] = {0.0, BONUS_DISTRICT, BONUS_CHAIN,
                                      BONUS_CHAIN + BONUS_DISTRICT};

/* talents scored before the sweep to start θ (see seed) */
#define SEED_SLOTS 64
/* the rise of the k-th score that has the terms chosen again */
#define RECHOOSE_STEP 0.002
/* words per block of the sweep: 4096 slots */
#define BLOCK_WORDS 64

/* One required skill as the sweep sees it. */
struct req {
	struct src e, f[2], s; /* level 3; level 2 (either); level 1 */
	double w;
	double val[8];  /* w × similarity, by code e<<2 | f<<1 | s */
	int min_lvl[4]; /* per bonus class: the lowest essential level, 4: none */
	/* per tier (2 or 3: index 0, 1) and class (0, or 3 for the rest): the
	 * level from which the skill counts as a big one (see choose_tier) */
	int big_lvl[2][2];
};

struct sweep {
	const struct plan *pl;
	struct req *rq;
	int nq;
	int *order;     /* required skills, heaviest first */
	double *rest;   /* rest[j]: Σ w of order[j+1 ..] */
	double den;     /* Σ w, summed as score() sums it */
	double need[4]; /* per bonus class; -inf until k talents are ranked */
	double theta;   /* the k-th score the terms were chosen for */
	struct term {
		double v;
		int i, lvl;
	} * terms; /* every (skill, level) by value ascending */
	size_t nwords;
	/* over the slots, padded to whole blocks: the filters, the odd slots,
	 * the slots with the chain's and the district's bonus */
	const uint64_t *pass, *odd, *on_chain, *in_district;
	uint64_t *seen; /* scored by the seed */
	/* per required skill: its level sets over the current block */
	struct block {
		const uint64_t *e, *f0, *f1, *s; /* level 3, level 2 (either), level 1 */
		uint64_t tmp[4][BLOCK_WORDS];
	} * blk;
	size_t w0;          /* the current block's first word */
	bool tier_on[2][2]; /* per tier and class: whether choose_tier found one */
	struct hit *top;
	int k, *ntop;
	json_int_t *total;
	struct scratch *sc;
	int *list_src, *fam_src; /* skill → index in srcs + 1, 0 not made yet */
	struct src *srcs;
	size_t nsrc;
};

/* the bit set of skill x's posting */
static struct src list_source(struct sweep *sw, int x)
{
	if (x < 0 || (size_t)x >= g->npost || !g->post[x].n)
		return (struct src){NULL, 0};
	const struct posting *p = &g->post[x];
	if (p->bits)
		return (struct src){p->bits, p->nwords};
	if (!sw->list_src[x]) {
		uint64_t *set = scratch_take(sw->sc);
		scratch_fill(sw->sc, set, p, sw->nwords);
		sw->srcs[sw->nsrc++] = (struct src){set, sw->nwords};
		sw->list_src[x] = (int)sw->nsrc;
	}
	return sw->srcs[sw->list_src[x] - 1];
}

/* the bit set of the union of skill x's children's postings */
static struct src fam_source(struct sweep *sw, int x)
{
	if (x < 0 || x >= g->tax.nskills)
		return (struct src){NULL, 0};
	if ((size_t)x < g->nfam && g->fam[x].bits)
		return (struct src){g->fam[x].bits, g->fam[x].nwords};
	if (!sw->fam_src[x]) {
		uint64_t *set = NULL;
		for (int j = 0; g->kids[x][j] >= 0; j++) {
			int c = g->kids[x][j];
			if ((size_t)c >= g->npost || !g->post[c].n)
				continue;
			if (!set)
				set = scratch_take(sw->sc);
			scratch_fill(sw->sc, set, &g->post[c], sw->nwords);
		}
		sw->srcs[sw->nsrc++] = (struct src){set, set ? sw->nwords : 0};
		sw->fam_src[x] = (int)sw->nsrc;
	}
	return sw->srcs[sw->fam_src[x] - 1];
}

static int cmp_term(const void *a, const void *b)
{
	const struct term *x = a, *y = b;
	return (x->v > y->v) - (x->v < y->v);
}

/* The most a slot with fewer than `tier` skills at or above their big_lvl
 * can score: every skill at its level below that, plus the tier − 1
 * largest gains of reaching level 3. */
static double tier_bound(const struct sweep *sw, int ti, int cl, int tier)
{
	double small = 0.0, gain[2] = {0.0, 0.0};
	for (int i = 0; i < sw->nq; i++) {
		const struct req *q = &sw->rq[i];
		double lo = q->w * sim_of_code[q->big_lvl[ti][cl] - 1], g1 = q->w - lo;
		small += lo;
		if (g1 > gain[0]) {
			gain[1] = gain[0];
			gain[0] = g1;
		} else if (g1 > gain[1]) {
			gain[1] = g1;
		}
	}
	return small + gain[0] + (tier == 3 ? gain[1] : 0.0);
}

/* Tier 2 (3) of the pruning: big levels chosen, cheapest terms first, so
 * that a slot with fewer than 2 (3) big skills stays below need: only slots
 * with that many big skills can enter, a test of a few bit operations per
 * word (sweep_block). */
static void choose_tier(struct sweep *sw, int ti, int cl, double need)
{
	for (int i = 0; i < sw->nq; i++)
		sw->rq[i].big_lvl[ti][cl] = 1;
	/* off unless even every skill counting as big leaves the bound below
	 * the need (a single skill, or two, may reach it) */
	sw->tier_on[ti][cl] = tier_bound(sw, ti, cl, ti + 2) < need;
	for (size_t t = 0; sw->tier_on[ti][cl] && t < (size_t)sw->nq * 3; t++) {
		const struct term *m = &sw->terms[t];
		struct req *q = &sw->rq[m->i];
		if (q->big_lvl[ti][cl] != m->lvl)
			continue;
		q->big_lvl[ti][cl] = m->lvl + 1;
		if (!(tier_bound(sw, ti, cl, ti + 2) < need))
			q->big_lvl[ti][cl] = m->lvl;
	}
}

/* Chooses the essential terms for the k-th score now ranked (see above). */
static void choose_terms(struct sweep *sw)
{
	bool ranked = *sw->ntop == sw->k;
	sw->theta = ranked ? sw->top[sw->k - 1].score : -INFINITY;
	for (int c = 0; c < 4; c++) {
		sw->need[c] = ranked ? (sw->theta - class_bonus[c] - 0.0002) * sw->den : -INFINITY;
		for (int i = 0; i < sw->nq; i++)
			sw->rq[i].min_lvl[c] = 1;
		/* the cheapest terms first; a skill's levels from the lowest up */
		double sum = 0.0;
		for (size_t t = 0; ranked && t < (size_t)sw->nq * 3; t++) {
			const struct term *m = &sw->terms[t];
			struct req *q = &sw->rq[m->i];
			if (q->min_lvl[c] != m->lvl)
				continue; /* a lower level of the skill did not fit */
			double had = q->w * sim_of_code[m->lvl - 1];
			if (sum + (m->v - had) < sw->need[c]) {
				sum += m->v - had;
				q->min_lvl[c] = m->lvl + 1;
			}
		}
	}
	for (int ti = 0; ti < 2; ti++) {
		choose_tier(sw, ti, 0, sw->need[0]);
		choose_tier(sw, ti, 1, sw->need[3]);
	}
}

/* Whether the k-th score rose enough to choose the terms again: a lower θ
 * than the k-th score only prunes less, so small rises wait. */
static bool rechoose(const struct sweep *sw)
{
	return *sw->ntop == sw->k && sw->top[sw->k - 1].score > sw->theta + RECHOOSE_STEP;
}

/* Scores bit b of word w of the current block, a plain slot that passes,
 * of bonus class c, unless it cannot reach the need. */
static void sweep_slot(struct sweep *sw, size_t w, int b, unsigned c)
{
	int codes[64], *code = sw->nq <= 64 ? codes : xmalloc((size_t)sw->nq * sizeof(int));
	double part = 0.0, need = sw->need[c];
	bool keep = true;
	for (int j = 0; j < sw->nq && keep; j++) {
		int i = sw->order[j];
		const struct block *bl = &sw->blk[i];
		code[i] = (int)((bl->e[w] >> b & 1) << 2 | ((bl->f0[w] | bl->f1[w]) >> b & 1) << 1 |
		                (bl->s[w] >> b & 1));
		part += sw->rq[i].val[code[i]];
		keep = part + sw->rest[j] >= need;
	}
	if (keep) {
		/* score() exactly: the same terms summed in the same order */
		double num = 0.0;
		for (int i = 0; i < sw->nq; i++)
			num += sw->rq[i].val[code[i]];
		double sc = sw->den > 0.0 ? num / sw->den : 0.0;
		if (c & 2)
			sc += BONUS_CHAIN;
		if (c & 1)
			sc += BONUS_DISTRICT;
		sc = round4(sc);
		if (*sw->ntop < sw->k || sc >= sw->top[sw->k - 1].score) {
			size_t slot = (sw->w0 + w) * 64 + (size_t)b;
			offer(sw->top, sw->k, sw->ntop,
			      (struct hit){sc, g->talents.v[slot].id, slot});
			if (rechoose(sw))
				choose_terms(sw);
		}
	}
	if (code != codes)
		free(code);
}

/* Scores an odd slot from its record. */
static void sweep_odd(struct sweep *sw, size_t slot)
{
	double sc;
	if (!plan_slot(sw->pl, (uint32_t)slot, &sc))
		return;
	(*sw->total)++;
	if (*sw->ntop < sw->k || sc >= sw->top[sw->k - 1].score) {
		offer(sw->top, sw->k, sw->ntop, (struct hit){sc, g->talents.v[slot].id, slot});
		if (rechoose(sw))
			choose_terms(sw);
	}
}

static const uint64_t zero_words[BLOCK_WORDS];

/* The inner loops of sweep_block, compiled for AVX2 as well where the
 * compiler and the loader allow it (the wider registers halve them). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                             \
    !defined(__SANITIZE_ADDRESS__)
#define WIDE __attribute__((target_clones("avx2", "default")))
#else
#define WIDE
#endif

WIDE static void or_all(uint64_t *restrict u, const uint64_t *e, const uint64_t *f0,
                        const uint64_t *f1, const uint64_t *s)
{
	for (size_t w = 0; w < BLOCK_WORDS; w++)
		u[w] |= e[w] | f0[w] | f1[w] | s[w];
}

/* u |= all levels; ess0 and ess3 |= the levels that sel (for classes 0
 * and 3: all ones where the essential level is 1, 2, 3) picks */
WIDE static void or_ess(uint64_t *restrict u, uint64_t *restrict ess0, uint64_t *restrict ess3,
                        const uint64_t *e, const uint64_t *f0, const uint64_t *f1,
                        const uint64_t *s, const uint64_t *sel)
{
	uint64_t a1 = sel[0], a2 = sel[1], a3 = sel[2], b1 = sel[3], b2 = sel[4], b3 = sel[5];
	for (size_t w = 0; w < BLOCK_WORDS; w++) {
		uint64_t ef = e[w] | f0[w] | f1[w], all = ef | s[w];
		u[w] |= all;
		ess0[w] |= (all & a1) | (ef & a2) | (e[w] & a3);
		ess3[w] |= (all & b1) | (ef & b2) | (e[w] & b3);
	}
}

/* The tiers' counts over a block for one required skill: sel2 and sel3
 * pick its big levels for tiers 2 and 3 (all ones where big_lvl is 1, 2,
 * 3); two2 gets the slots with two big skills so far, three3 with three. */
WIDE static void or_big(uint64_t *restrict one2, uint64_t *restrict two2, uint64_t *restrict one3,
                        uint64_t *restrict two3, uint64_t *restrict three3, const uint64_t *e,
                        const uint64_t *f0, const uint64_t *f1, const uint64_t *s,
                        const uint64_t *sel)
{
	uint64_t a1 = sel[0], a2 = sel[1], a3 = sel[2], b1 = sel[3], b2 = sel[4], b3 = sel[5];
	for (size_t w = 0; w < BLOCK_WORDS; w++) {
		uint64_t ef = e[w] | f0[w] | f1[w], all = ef | s[w];
		uint64_t m = (all & a1) | (ef & a2) | (e[w] & a3);
		two2[w] |= one2[w] & m;
		one2[w] |= m;
		m = (all & b1) | (ef & b2) | (e[w] & b3);
		three3[w] |= two3[w] & m;
		two3[w] |= one3[w] & m;
		one3[w] |= m;
	}
}

/* all ones where lvl is 1, 2, 3, into sel[0..3) */
static void level_sel(uint64_t *sel, int lvl)
{
	for (int l = 1; l <= 3; l++)
		sel[l - 1] = lvl == l ? ~0ull : 0;
}

/* Words w0 .. w0 + BLOCK_WORDS of a: a pointer into it, or a copy padded
 * with zeros into tmp where it ends sooner. */
static const uint64_t *block_words(const struct src *a, size_t w0, uint64_t *tmp)
{
	if (a->nw >= w0 + BLOCK_WORDS)
		return a->b + w0;
	if (a->nw <= w0)
		return zero_words;
	memset(tmp, 0, BLOCK_WORDS * sizeof(*tmp));
	memcpy(tmp, a->b + w0, (a->nw - w0) * sizeof(*tmp));
	return tmp;
}

/* The block of words w0 .. w0 + BLOCK_WORDS (the arrays the sweep made are
 * padded to whole blocks): the required skills' level sets are read source
 * by source (sequential reads), then the slots are counted and scored. */
static void sweep_block(struct sweep *sw, size_t w0)
{
	const uint64_t *pass = sw->pass + w0;
	uint64_t any = 0;
	for (size_t w = 0; w < BLOCK_WORDS; w++)
		any |= pass[w];
	if (!any)
		return;
	sw->w0 = w0;
	/* the slots of class 0 need ess0; the others ess3, chosen for the
	 * smallest need, which is then right for every class */
	uint64_t u[BLOCK_WORDS] = {0}, ess0[BLOCK_WORDS] = {0}, ess3[BLOCK_WORDS] = {0};
	/* tiers 2 and 3 (see choose_tier), per class 0 and 3 */
	uint64_t one2[2][BLOCK_WORDS] = {{0}}, two2[2][BLOCK_WORDS] = {{0}},
	         one3[2][BLOCK_WORDS] = {{0}}, two3[2][BLOCK_WORDS] = {{0}},
	         three3[2][BLOCK_WORDS] = {{0}};
	for (int i = 0; i < sw->nq; i++) {
		const struct req *q = &sw->rq[i];
		struct block *bl = &sw->blk[i];
		bl->e = block_words(&q->e, w0, bl->tmp[0]);
		bl->f0 = block_words(&q->f[0], w0, bl->tmp[1]);
		bl->f1 = block_words(&q->f[1], w0, bl->tmp[2]);
		bl->s = block_words(&q->s, w0, bl->tmp[3]);
		uint64_t a1 = q->min_lvl[0] == 1 ? ~0ull : 0, a2 = q->min_lvl[0] == 2 ? ~0ull : 0,
		         a3 = q->min_lvl[0] == 3 ? ~0ull : 0, b1 = q->min_lvl[3] == 1 ? ~0ull : 0,
		         b2 = q->min_lvl[3] == 2 ? ~0ull : 0, b3 = q->min_lvl[3] == 3 ? ~0ull : 0;
		const uint64_t *e = bl->e, *f0 = bl->f0, *f1 = bl->f1, *s = bl->s;
		if (!(a1 | a2 | a3 | b1 | b2 | b3))
			or_all(u, e, f0, f1, s);
		else
			or_ess(u, ess0, ess3, e, f0, f1, s, (uint64_t[6]){a1, a2, a3, b1, b2, b3});
		for (int cl = 0; cl < 2; cl++) {
			uint64_t sel[6];
			level_sel(sel, sw->tier_on[0][cl] ? q->big_lvl[0][cl] : 4);
			level_sel(sel + 3, sw->tier_on[1][cl] ? q->big_lvl[1][cl] : 4);
			if (sel[0] | sel[1] | sel[2] | sel[3] | sel[4] | sel[5])
				or_big(one2[cl], two2[cl], one3[cl], two3[cl], three3[cl], e, f0,
				       f1, s, sel);
		}
	}
	/* a tier that is off asks for nothing */
	for (int cl = 0; cl < 2; cl++)
		for (size_t w = 0; w < BLOCK_WORDS; w++) {
			two2[cl][w] |= sw->tier_on[0][cl] ? 0 : ~0ull;
			three3[cl][w] |= sw->tier_on[1][cl] ? 0 : ~0ull;
		}
	for (size_t w = 0; w < BLOCK_WORDS; w++) {
		size_t wi = w0 + w;
		uint64_t hit = u[w] & pass[w], odd = sw->odd[wi];
		if (!hit)
			continue;
		*sw->total += __builtin_popcountll(hit & ~odd);
		for (uint64_t x = hit & odd; x; x &= x - 1)
			sweep_odd(sw, wi * 64 + (size_t)__builtin_ctzll(x));
		uint64_t ch = sw->on_chain[wi], di = sw->in_district[wi];
		/* the essential sets were chosen for the θ the block began with:
		 * supersets of the ones for θ now */
		uint64_t cls = ch | di, cand = hit & ~odd & ~sw->seen[wi] &
		                               ((~cls & ess0[w] & two2[0][w] & three3[0][w]) |
		                                (cls & ess3[w] & two2[1][w] & three3[1][w]));
		for (uint64_t x = cand; x; x &= x - 1) {
			int b = __builtin_ctzll(x);
			sweep_slot(sw, w, b, (unsigned)((ch >> b & 1) << 1 | (di >> b & 1)));
		}
	}
}

/* Scores the first talents of the heaviest skills' own postings, to start
 * θ near its final value. */
static void seed(struct sweep *sw, size_t budget)
{
	size_t done = 0;
	for (int j = 0; j < sw->nq && done < budget; j++) {
		int x = sw->pl->n->skills[sw->order[j]];
		if (x < 0 || (size_t)x >= g->npost)
			continue;
		const struct posting *p = &g->post[x];
		size_t m = 0, wi = 0;
		uint64_t word = 0;
		while (done < budget) {
			uint32_t slot;
			if (!p->bits) {
				if (m == p->n)
					break;
				slot = p->v[m++];
			} else {
				while (!word && wi < p->nwords)
					word = p->bits[wi++];
				if (!word)
					break;
				slot = (uint32_t)((wi - 1) * 64 + (size_t)__builtin_ctzll(word));
				word &= word - 1;
			}
			uint64_t bit = 1ull << (slot & 63);
			if (slot / 64 >= sw->nwords || !(sw->pass[slot >> 6] & bit) ||
			    ((sw->seen[slot >> 6] | sw->odd[slot >> 6]) & bit))
				continue;
			sw->seen[slot >> 6] |= bit;
			done++;
			double sc;
			if (plan_slot(sw->pl, slot, &sc) &&
			    (*sw->ntop < sw->k || sc >= sw->top[sw->k - 1].score))
				offer(sw->top, sw->k, sw->ntop,
				      (struct hit){sc, g->talents.v[slot].id, slot});
		}
	}
}

/* pass_bits() when the need's levels have no bit sets: every slot checked */
static uint64_t *pass_slow(const struct plan *pl, size_t nwords)
{
	uint64_t *e = xcalloc(nwords, sizeof(*e));
	for (size_t slot = 0; slot < g->talents.n; slot++) {
		bool odd = slot / 64 < g->fb.nwords && (g->fb.odd[slot / 64] >> (slot % 64) & 1);
		if (odd || plan_passes(pl, slot))
			e[slot / 64] |= 1ull << (slot % 64);
	}
	return e;
}

/* The top k talents for need n (with skills), whose skills weigh w, and
 * how many talents score at all. */
static void top_for_need(const struct cand *n, const double *w, const struct match_scope *scope,
                         const char *region, struct hit *top, int k, int *ntop, json_int_t *total)
{
	struct plan pl = {.n = n, .w = w, .nq = n->nskills, .scope = scope, .region = region};
	pl.nidx = (size_t)(g->tax.next_id > 0 ? g->tax.next_id : 0);
	pl.code = xcalloc(pl.nidx * (size_t)pl.nq + 1, 1);
	pl.related = xcalloc(pl.nidx + 1, 1);
	pl.best = xmalloc((size_t)pl.nq + 1);
	pl.region_ok = xcalloc(g->nrcodes + 1, 1);
	pl.district = xcalloc(g->nrcodes + 1, 1);
	for (size_t i = 0; i < g->rcodes.cap; i++)
		if (g->rcodes.keys[i]) {
			const char *code = g->rcodes.keys[i];
			pl.region_ok[g->rcodes.vals[i]] =
			    in_scope_region(code, scope) && in_prefix(code, region);
			pl.district[g->rcodes.vals[i]] = strlen(code) >= 6 &&
			                                 strlen(n->region) >= 6 &&
			                                 !strncmp(code, n->region, 6);
		}
	pl.chain = IDX_NONE;
	if (n->chain_id) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)n->chain_id);
		int ch = strmap_get(&g->chains, key);
		if (ch > 0)
			pl.chain = (uint16_t)ch;
	}
	/* the similarity table, for the slots scored from their records */
	for (int i = 0; i < pl.nq; i++) {
		int s = n->skills[i], p = match_parent_of(s);
		plan_mark(&pl, s, i, 3);
		if (p >= 0) {
			plan_mark(&pl, p, i, 2);
			for (int j = 0; g->kids[p][j] >= 0; j++)
				if (g->kids[p][j] != s)
					plan_mark(&pl, g->kids[p][j], i, 1);
		}
		for (int j = 0; s < g->tax.nskills && g->kids[s][j] >= 0; j++)
			plan_mark(&pl, g->kids[s][j], i, 2);
	}
	/* whole blocks of words over the slots */
	size_t nwords = (g->talents.n / 64 + BLOCK_WORDS) / BLOCK_WORDS * BLOCK_WORDS,
	       nq = (size_t)pl.nq;
	struct sweep sw = {.pl = &pl,
	                   .nq = pl.nq,
	                   .nwords = nwords,
	                   .top = top,
	                   .k = k,
	                   .ntop = ntop,
	                   .total = total,
	                   .theta = -INFINITY};
	sw.sc = scratch_get(nwords);
	sw.list_src = xcalloc(g->npost + 1, sizeof(int));
	sw.fam_src = xcalloc((size_t)(g->tax.nskills > 0 ? g->tax.nskills : 0) + 1, sizeof(int));
	sw.srcs = xcalloc(4 * nq + 1, sizeof(*sw.srcs));
	sw.rq = xcalloc(nq + 1, sizeof(*sw.rq));
	sw.order = xmalloc((nq + 1) * sizeof(int));
	sw.rest = xmalloc((nq + 1) * sizeof(double));
	sw.blk = xmalloc((nq + 1) * sizeof(*sw.blk));
	sw.terms = xmalloc((3 * nq + 1) * sizeof(*sw.terms));
	for (int i = 0; i < pl.nq; i++) {
		int s = n->skills[i], p = match_parent_of(s);
		struct req *q = &sw.rq[i];
		q->w = w[i];
		q->e = list_source(&sw, s);
		q->f[0] = list_source(&sw, p);
		q->f[1] = fam_source(&sw, s);
		q->s = fam_source(&sw, p);
		for (int c = 0; c < 8; c++)
			q->val[c] = w[i] * sim_of_code[c & 4 ? 3 : c & 2 ? 2 : c & 1];
		sw.den += w[i];
		for (int lvl = 1; lvl <= 3; lvl++)
			sw.terms[(size_t)i * 3 + (size_t)lvl - 1] =
			    (struct term){w[i] * sim_of_code[lvl], i, lvl};
		/* heaviest first (insertion sort: a handful of skills) */
		int j = i;
		for (; j > 0 && w[sw.order[j - 1]] < w[i]; j--)
			sw.order[j] = sw.order[j - 1];
		sw.order[j] = i;
	}
	qsort(sw.terms, 3 * nq, sizeof(*sw.terms), cmp_term);
	for (int j = pl.nq - 1; j >= 0; j--)
		sw.rest[j] = j == pl.nq - 1 ? 0.0 : sw.rest[j + 1] + w[sw.order[j + 1]];
	uint64_t *pass = pass_bits(&pl, nwords), *in_district = xcalloc(nwords, sizeof(uint64_t));
	if (!pass)
		pass = pass_slow(&pl, nwords);
	if (scope && scope->own) {
		/* the own scope: only the rows the actor created */
		uint64_t *own = xcalloc(nwords, sizeof(*own));
		for (size_t i = 0; i < scope->nown; i++) {
			size_t *slot = match_side_find(&g->talents, scope->own[i]);
			if (slot && *slot / 64 < nwords)
				own[*slot / 64] |= 1ull << (*slot % 64);
		}
		for (size_t i = 0; i < nwords; i++)
			pass[i] &= own[i];
		free(own);
	}
	for (size_t r = 0; r < g->nrcodes && r < g->fb.nregion; r++)
		if (pl.district[r])
			for (size_t i = 0; i < nwords && i < g->fb.nwords; i++)
				in_district[i] |= g->fb.region[r][i];
	uint64_t *odd = xcalloc(nwords, sizeof(*odd)),
	         *on_chain = xcalloc(nwords, sizeof(*on_chain));
	for (size_t i = 0; i < nwords && i < g->fb.nwords; i++) {
		odd[i] = g->fb.odd[i];
		if (pl.chain != IDX_NONE && pl.chain < g->fb.nchain)
			on_chain[i] = g->fb.chain[pl.chain][i];
	}
	sw.odd = odd;
	sw.on_chain = on_chain;
	sw.pass = pass;
	sw.in_district = in_district;
	sw.seen = xcalloc(nwords, sizeof(uint64_t));
	seed(&sw, SEED_SLOTS);
	choose_terms(&sw);
	for (size_t wi = 0; wi < nwords; wi += BLOCK_WORDS)
		sweep_block(&sw, wi);
	scratch_done(sw.sc);
	free(pass);
	free(in_district);
	free(odd);
	free(on_chain);
	free(sw.seen);
	free(sw.list_src);
	free(sw.fam_src);
	free(sw.srcs);
	free(sw.rq);
	free(sw.order);
	free(sw.rest);
	free(sw.blk);
	free(sw.terms);
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
		json_array_append_new(a, json_string(g->names[c->skills[i]]));
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
			json_array_append_new(missing, json_string(g->names[s]));
			buf_printf(&xb, "%s%s", xb.len ? "、" : "", g->names[s]);
			continue;
		}
		const char *rel = b == 1.0 ? "相同" : b == SIM_PARENT ? "上下位" : "同类";
		json_array_append_new(matched,
		                      json_pack("{s:s, s:s, s:s, s:f}", "skill", g->names[s], "via",
		                                g->names[via], "relation", rel, "similarity", b));
		if (b == 1.0)
			buf_printf(&mb, "%s%s", mb.len ? "、" : "", g->names[s]);
		else
			buf_printf(&mb, "%s%s（%s：%s）", mb.len ? "、" : "", g->names[s], rel,
			           g->names[via]);
	}
	if (n->edu > 0) {
		char *c = xasprintf("学历 %s（要求%s及以上）", match_edu_names[t->edu],
		                    match_edu_names[n->edu]);
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
	if ((r = match_lock_current(ctx->db)))
		goto out;
	locked = true;
	size_t *p = match_side_find(for_need ? &g->needs : &g->talents, id);
	if (!p || !(for_need ? g->needs.v : g->talents.v)[*p].present) {
		r = XZ_ERR_NOT_FOUND; /* deleted between the get and the lock */
		goto out;
	}
	const struct cand *q = &(for_need ? g->needs.v : g->talents.v)[*p];
	const struct side *cands = for_need ? &g->talents : &g->needs;
	if (ctx->actor && engine_scope_effective(ctx->actor) == SCOPE_OWN &&
	    (r = query_scope_ids(ctx->db, model_find(for_need ? "talent" : "need"), ctx->actor,
	                         &scope_buf.own, &scope_buf.nown)))
		goto out;
	if (ctx->actor && engine_scope_effective(ctx->actor) == SCOPE_OWN && !scope_buf.own)
		scope_buf.own =
		    xmalloc(sizeof(int64_t)); /* none of them: an empty set, not "all" */
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
		pthread_rwlock_unlock(&g->lock);
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
