/*
 * Unit tests of the search of src/domain/assign_solver.c (issue 5 rewrite:
 * successive shortest paths from one row at a time, rows being the cadres
 * or the projects, whichever side has less capacity; each row's arcs sorted
 * best score first so a scan stops early; duplicates found in linear time).
 * Seeded random instances of a few hundred arcs, in both orientations and
 * balanced, with cadre capacities above 1, duplicate arcs, pins,
 * exclusions, ties and dense complete instances, are compared with an
 * independent reference written here (min-cost maximum flow by
 * Bellman-Ford successive shortest paths with costs -score, which is the
 * same objective: most seats, then the highest total score), and every
 * solution must pass assign_verify(), the optimality certificate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/mem.h"
#include "domain/assign_solver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint32_t rnd(uint32_t bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % bound);
}

/* ---- reference: min-cost max-flow, Bellman-Ford SSP ---- */

struct ref_net {
	int n, m, cap_m;
	int *head, *next, *to, *cap;
	int64_t *cost;
};

static void ref_add(struct ref_net *g, int u, int v, int cap, int64_t cost)
{
	for (int k = 0; k < 2; k++) {
		int e = g->m++;
		g->to[e] = k ? u : v;
		g->cap[e] = k ? 0 : cap;
		g->cost[e] = k ? -cost : cost;
		g->next[e] = g->head[k ? v : u];
		g->head[k ? v : u] = e;
	}
}

/* Filled seats and total score of the optimum, pins included. */
static void reference(const struct assign_problem *p, int32_t *filled, int64_t *score)
{
	int C = p->ncadres, P = p->nprojects, S = C + P, T = S + 1;
	int32_t *cap = xmalloc(((size_t)C + 1) * sizeof(int32_t));
	int32_t *seats = xmalloc(((size_t)P + 1) * sizeof(int32_t));
	for (int c = 0; c < C; c++)
		cap[c] = p->cadre_cap ? p->cadre_cap[c] : 1;
	memcpy(seats, p->seats, (size_t)P * sizeof(int32_t));
	*filled = (int32_t)p->npins;
	*score = 0;
	/* best score per pair, -1 = no arc; pinned and excluded pairs drop */
	int32_t *best = xmalloc(((size_t)C * (size_t)P + 1) * sizeof(int32_t));
	for (size_t i = 0; i < (size_t)C * (size_t)P; i++)
		best[i] = -1;
	for (size_t i = 0; i < p->narcs; i++) {
		int32_t *b =
		    &best[(size_t)p->arcs[i].cadre * (size_t)P + (size_t)p->arcs[i].project];
		if (p->arcs[i].score > *b)
			*b = p->arcs[i].score;
	}
	for (size_t i = 0; i < p->npins; i++) {
		int32_t *b =
		    &best[(size_t)p->pins[i].cadre * (size_t)P + (size_t)p->pins[i].project];
		*score += *b > 0 ? *b : 0;
		*b = -1;
		cap[p->pins[i].cadre]--;
		seats[p->pins[i].project]--;
	}
	for (size_t i = 0; i < p->nexcluded; i++)
		best[(size_t)p->excluded[i].cadre * (size_t)P + (size_t)p->excluded[i].project] =
		    -1;
	struct ref_net g = {T + 1, 0, 2 * (C * P + C + P) + 2, NULL, NULL, NULL, NULL, NULL};
	g.head = xmalloc((size_t)g.n * sizeof(int));
	for (int v = 0; v < g.n; v++)
		g.head[v] = -1;
	g.next = xmalloc((size_t)g.cap_m * sizeof(int));
	g.to = xmalloc((size_t)g.cap_m * sizeof(int));
	g.cap = xmalloc((size_t)g.cap_m * sizeof(int));
	g.cost = xmalloc((size_t)g.cap_m * sizeof(int64_t));
	for (int c = 0; c < C; c++)
		ref_add(&g, S, c, cap[c], 0);
	for (int c = 0; c < C; c++)
		for (int j = 0; j < P; j++)
			if (best[(size_t)c * (size_t)P + (size_t)j] >= 0)
				ref_add(&g, c, C + j, 1, -best[(size_t)c * (size_t)P + (size_t)j]);
	for (int j = 0; j < P; j++)
		ref_add(&g, C + j, T, seats[j], 0);
	int64_t *dist = xmalloc((size_t)g.n * sizeof(int64_t));
	int *pred = xmalloc((size_t)g.n * sizeof(int));
	for (;;) {
		for (int v = 0; v < g.n; v++)
			dist[v] = INT64_MAX, pred[v] = -1;
		dist[S] = 0;
		for (bool changed = true; changed;) {
			changed = false;
			for (int u = 0; u < g.n; u++) {
				if (dist[u] == INT64_MAX)
					continue;
				for (int e = g.head[u]; e >= 0; e = g.next[e])
					if (g.cap[e] > 0 && dist[u] + g.cost[e] < dist[g.to[e]]) {
						dist[g.to[e]] = dist[u] + g.cost[e];
						pred[g.to[e]] = e;
						changed = true;
					}
			}
		}
		if (dist[T] == INT64_MAX)
			break;
		for (int v = T; v != S; v = g.to[pred[v] ^ 1]) {
			g.cap[pred[v]]--;
			g.cap[pred[v] ^ 1]++;
		}
		(*filled)++;
		*score -= dist[T];
	}
	free(dist);
	free(pred);
	free(g.head);
	free(g.next);
	free(g.to);
	free(g.cap);
	free(g.cost);
	free(best);
	free(cap);
	free(seats);
}

/* ---- random instances ---- */

struct instance {
	struct assign_problem p;
	struct assign_arc *arcs, *pins, *excl;
	int32_t *cap, *seats;
};

/* C cadres with capacity 1..maxcap, P projects with 0..maxseats seats,
 * each cadre kmin..kmax candidates (duplicates allowed when dup), scores
 * 0..maxscore, and a few pins and exclusions when extras. */
static void make(struct instance *in, int32_t C, int32_t P, int32_t maxcap, int32_t maxseats,
                 int32_t kmin, int32_t kmax, int32_t maxscore, bool dup, bool extras)
{
	memset(in, 0, sizeof(*in));
	in->cap = xmalloc((size_t)C * sizeof(int32_t));
	in->seats = xmalloc((size_t)P * sizeof(int32_t));
	size_t maxa = (size_t)C * (size_t)(kmax + 2);
	in->arcs = xmalloc(maxa * sizeof(*in->arcs));
	in->pins = xmalloc(((size_t)C + 1) * sizeof(*in->pins));
	in->excl = xmalloc(((size_t)C + 1) * sizeof(*in->excl));
	int32_t *perm = xmalloc((size_t)P * sizeof(int32_t));
	for (int32_t j = 0; j < P; j++) {
		in->seats[j] = (int32_t)rnd((uint32_t)maxseats + 1);
		perm[j] = j;
	}
	size_t na = 0;
	for (int32_t c = 0; c < C; c++) {
		in->cap[c] = 1 + (int32_t)rnd((uint32_t)maxcap);
		int32_t k = kmin + (int32_t)rnd((uint32_t)(kmax - kmin + 1));
		for (int32_t i = 0; i < k && i < P; i++) {
			int32_t r = i + (int32_t)rnd((uint32_t)(P - i)), t = perm[i];
			perm[i] = perm[r], perm[r] = t;
			in->arcs[na++] =
			    (struct assign_arc){c, perm[i], (int32_t)rnd((uint32_t)maxscore + 1)};
		}
		if (dup && k > 0 && rnd(3) == 0) { /* a duplicate of one of this cadre's pairs */
			size_t of = na - 1 - rnd((uint32_t)(k < P ? k : P));
			in->arcs[na] = (struct assign_arc){c, in->arcs[of].project,
			                                   (int32_t)rnd((uint32_t)maxscore + 1)};
			na++;
		}
	}
	size_t np = 0, ne = 0;
	if (extras) {
		int32_t *pc = xcalloc((size_t)C, sizeof(int32_t)),
		        *pp = xcalloc((size_t)P, sizeof(int32_t));
		for (size_t i = 0; i < na; i++) {
			const struct assign_arc *a = &in->arcs[i];
			bool taken = false;
			for (size_t x = 0; x < np; x++)
				taken |= in->pins[x].cadre == a->cadre &&
				         in->pins[x].project == a->project;
			for (size_t x = 0; x < ne; x++)
				taken |= in->excl[x].cadre == a->cadre &&
				         in->excl[x].project == a->project;
			uint32_t r = rnd(25);
			if (taken || (r > 1))
				continue;
			if (r == 0 && ne < (size_t)C)
				in->excl[ne++] = *a;
			else if (r == 1 && np < (size_t)C && pc[a->cadre] < in->cap[a->cadre] &&
			         pp[a->project] < in->seats[a->project]) {
				pc[a->cadre]++, pp[a->project]++;
				in->pins[np++] = *a;
			}
		}
		free(pc);
		free(pp);
	}
	free(perm);
	in->p = (struct assign_problem){.ncadres = C,
	                                .nprojects = P,
	                                .cadre_cap = in->cap,
	                                .seats = in->seats,
	                                .arcs = in->arcs,
	                                .narcs = na,
	                                .pins = in->pins,
	                                .npins = np,
	                                .excluded = in->excl,
	                                .nexcluded = ne};
}

static void drop(struct instance *in)
{
	free(in->arcs);
	free(in->pins);
	free(in->excl);
	free(in->cap);
	free(in->seats);
}

/* Solves, verifies, compares with the reference; returns which side had
 * more capacity: -1 cadres fewer (cadre rows), 1 seats fewer, 0 equal. */
static int check(const struct instance *in)
{
	const struct assign_problem *p = &in->p;
	struct assign_solution *s = NULL;
	char msg[256] = "";
	enum xz_result r = assign_solve(p, &s, msg, sizeof(msg));
	if (r != XZ_OK)
		fprintf(stderr, "solve: %s\n", msg);
	assert_int_equal(r, XZ_OK);
	bool ok = assign_verify(p, s, msg, sizeof(msg));
	if (!ok)
		fprintf(stderr, "verify: %s\n", msg);
	assert_true(ok);
	int32_t filled;
	int64_t score;
	reference(p, &filled, &score);
	assert_int_equal(s->filled, filled);
	assert_int_equal(s->total_score, score);
	int64_t caps = 0, seats = 0;
	for (int32_t c = 0; c < p->ncadres; c++)
		caps += in->cap[c];
	for (int32_t j = 0; j < p->nprojects; j++)
		seats += in->seats[j];
	assign_solution_free(s);
	return caps < seats ? -1 : caps > seats ? 1 : 0;
}

static void test_both_orientations(void **state)
{
	(void)state;
	rng_state = 0xC0FFEE1234567ull;
	int cadre_rows = 0, project_rows = 0;
	for (int t = 0; t < 150; t++) {
		int32_t C = 10 + (int32_t)rnd(50), P = 3 + (int32_t)rnd(15);
		/* alternate scarce seats and scarce cadres */
		int32_t maxseats = t % 2 ? 1 + 3 * C / P : 1 + C / (3 * P);
		struct instance in;
		make(&in, C, P, t % 3 == 0 ? 3 : 1, maxseats, 0, 6, t % 4 == 0 ? 2 : 1000,
		     t % 5 == 0, t % 2 == 0);
		int side = check(&in);
		cadre_rows += side <= 0;
		project_rows += side > 0;
		drop(&in);
	}
	printf("orientations: %d with cadre rows, %d with project rows\n", cadre_rows,
	       project_rows);
	assert_true(cadre_rows >= 30);
	assert_true(project_rows >= 30);
}

static void test_balanced_and_dense(void **state)
{
	(void)state;
	rng_state = 0xBADC0DE5EEDull;
	for (int t = 0; t < 40; t++) {
		/* complete bipartite, one seat each, one cadre each: the
		 * assignment problem (balanced: cadre rows) */
		int32_t n = 2 + (int32_t)rnd(14);
		struct instance in;
		make(&in, n, n, 1, 1, n, n, t % 2 ? 3 : 10000, false, false);
		for (int32_t j = 0; j < n; j++)
			in.seats[j] = 1;
		assert_int_equal(check(&in), 0);
		drop(&in);
	}
	for (int t = 0; t < 40; t++) {
		/* sparse, exactly balanced capacity */
		int32_t C = 5 + (int32_t)rnd(30), P = 2 + (int32_t)rnd(6);
		struct instance in;
		make(&in, C, P, 1, 3, 1, 4, 50, t % 3 == 0, t % 2 == 0);
		int32_t left = C - (int32_t)in.p.npins;
		for (int32_t j = 0; j < P; j++) {
			/* seats: pins of the project plus a share of the rest */
			int32_t pinned = 0;
			for (size_t x = 0; x < in.p.npins; x++)
				pinned += in.pins[x].project == j;
			int32_t share = j == P - 1 ? left : (int32_t)rnd((uint32_t)left + 1);
			in.seats[j] = pinned + share;
			left -= share;
		}
		assert_int_equal(check(&in), 0);
		drop(&in);
	}
}

static void test_ties_and_duplicates(void **state)
{
	(void)state;
	/* Duplicates: the best-scored arc of a pair carries it, a tie goes to
	 * the first; here the pair (0, 0) has arcs 0 (3), 2 (7), 3 (7). */
	const struct assign_arc arcs[] = {{0, 0, 3}, {1, 0, 5}, {0, 0, 7}, {0, 0, 7}, {1, 1, 1}};
	const int32_t seats[] = {1, 1};
	struct assign_problem p = {
	    .ncadres = 2, .nprojects = 2, .seats = seats, .arcs = arcs, .narcs = 5};
	struct assign_solution *s = NULL;
	char msg[256];
	assert_int_equal(assign_solve(&p, &s, msg, sizeof(msg)), XZ_OK);
	assert_true(assign_verify(&p, s, msg, sizeof(msg)));
	assert_int_equal(s->filled, 2);
	assert_int_equal(s->total_score, 8);
	assert_int_equal(s->arc_used[0], 0);
	assert_int_equal(s->arc_used[2], 1);
	assert_int_equal(s->arc_used[3], 0);
	assert_int_equal(s->arc_used[4], 1);
	assign_solution_free(s);
	/* many equal scores: every search meets ties */
	rng_state = 0x7135ull;
	for (int t = 0; t < 60; t++) {
		struct instance in;
		make(&in, 8 + (int32_t)rnd(40), 2 + (int32_t)rnd(10), 2, 4, 0, 5, (int32_t)rnd(3),
		     true, t % 2 == 0);
		check(&in);
		drop(&in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_both_orientations),
	    cmocka_unit_test(test_balanced_and_dense),
	    cmocka_unit_test(test_ties_and_duplicates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
