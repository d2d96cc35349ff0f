/*
 * Unit tests of src/domain/assign_solver.h, the exact staffing solver:
 * hand-checked tiny instances, pins and exclusions, empty instances,
 * refused infeasible pins, ~200 seeded random instances compared with an
 * exhaustive search (written independently here) for the filled count and
 * total score, assign_verify() true on every result and false on a
 * perturbed one, and a 10,000 x 1,000 sparse instance whose solve time is
 * printed.
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
#include <time.h>

/* ---- helpers ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % bound);
}

static struct assign_solution *solve_ok(const struct assign_problem *p)
{
	struct assign_solution *s = NULL;
	char msg[256] = "";
	enum xz_result r = assign_solve(p, &s, msg, sizeof(msg));
	if (r != XZ_OK)
		fprintf(stderr, "solve: %s\n", msg);
	assert_int_equal(r, XZ_OK);
	assert_non_null(s);
	bool ok = assign_verify(p, s, msg, sizeof(msg));
	if (!ok)
		fprintf(stderr, "verify: %s\n", msg);
	assert_true(ok);
	return s;
}

static bool has_member(const struct assign_solution *s, int32_t project, int32_t cadre)
{
	const struct assign_project *pj = &s->projects[project];
	for (int32_t i = 0; i < pj->nmembers; i++)
		if (pj->members[i].cadre == cadre)
			return true;
	return false;
}

/* ---- exhaustive reference ---- */

struct brute {
	const struct assign_arc *arcs; /* free arcs, unique pairs */
	size_t narcs;
	int32_t *cap, *seats; /* remaining */
	int32_t best_filled;
	int64_t best_score;
};

static void brute_rec(struct brute *b, size_t i, int32_t filled, int64_t score)
{
	if (i == b->narcs) {
		if (filled > b->best_filled ||
		    (filled == b->best_filled && score > b->best_score)) {
			b->best_filled = filled;
			b->best_score = score;
		}
		return;
	}
	brute_rec(b, i + 1, filled, score);
	const struct assign_arc *a = &b->arcs[i];
	if (b->cap[a->cadre] > 0 && b->seats[a->project] > 0) {
		b->cap[a->cadre]--, b->seats[a->project]--;
		brute_rec(b, i + 1, filled + 1, score + a->score);
		b->cap[a->cadre]++, b->seats[a->project]++;
	}
}

/* ---- tiny hand-checked instances ---- */

static void test_tiny(void **state)
{
	(void)state;
	/* Two cadres, two one-seat projects. Greedy would put cadre 0 on
	 * project 0 (score 10) and leave project 1 empty; the optimum fills
	 * both seats: 0->1 (8) and 1->0 (9) = 17. */
	const struct assign_arc arcs[] = {{0, 0, 10}, {0, 1, 8}, {1, 0, 9}};
	const int32_t seats[] = {1, 1};
	struct assign_problem p = {
	    .ncadres = 2, .nprojects = 2, .seats = seats, .arcs = arcs, .narcs = 3};
	struct assign_solution *s = solve_ok(&p);
	assert_int_equal(s->filled, 2);
	assert_int_equal(s->unfilled, 0);
	assert_int_equal(s->total_score, 17);
	assert_true(has_member(s, 0, 1));
	assert_true(has_member(s, 1, 0));
	assert_int_equal(s->arc_used[0], 0);
	assert_int_equal(s->arc_used[1], 1);
	assert_int_equal(s->arc_used[2], 1);
	assign_solution_free(s);

	/* Filling more seats beats a higher score: 0->0 (100) alone versus
	 * 0->1 (1) + 1->0 (1). */
	const struct assign_arc arcs2[] = {{0, 0, 100}, {0, 1, 1}, {1, 0, 1}};
	p.arcs = arcs2;
	s = solve_ok(&p);
	assert_int_equal(s->filled, 2);
	assert_int_equal(s->total_score, 2);
	assign_solution_free(s);
}

static void test_capacity_and_reasons(void **state)
{
	(void)state;
	/* Cadre 0 may take two projects; project 2 has no candidates, project
	 * 1 has two seats but only cadre 0 and 1 as candidates, both taken. */
	const struct assign_arc arcs[] = {{0, 0, 5}, {0, 1, 4}, {1, 0, 7}, {1, 1, 1}, {2, 0, 3}};
	const int32_t seats[] = {1, 2, 1};
	const int32_t cap[] = {2, 1, 1};
	struct assign_problem p = {.ncadres = 3,
	                           .nprojects = 3,
	                           .cadre_cap = cap,
	                           .seats = seats,
	                           .arcs = arcs,
	                           .narcs = 5};
	struct assign_solution *s = solve_ok(&p);
	/* Three seats fill only with cadres 0 and 1 both on project 1; the
	 * best third is cadre 0 again on project 0: 4 + 1 + 5 = 10 (1->0 at
	 * 7 would leave a seat empty). */
	assert_int_equal(s->filled, 3);
	assert_int_equal(s->total_score, 10);
	assert_true(has_member(s, 0, 0));
	assert_int_equal(s->unfilled, 1);
	assert_null(s->projects[0].unfilled_reason);
	assert_null(s->projects[1].unfilled_reason);
	assert_string_equal(s->projects[2].unfilled_reason, "无候选人");
	assign_solution_free(s);

	/* Two seats, candidates taken elsewhere. */
	const struct assign_arc arcs2[] = {{0, 0, 5}, {0, 1, 1}};
	const int32_t seats2[] = {1, 1};
	struct assign_problem p2 = {
	    .ncadres = 1, .nprojects = 2, .seats = seats2, .arcs = arcs2, .narcs = 2};
	s = solve_ok(&p2);
	assert_int_equal(s->filled, 1);
	assert_int_equal(s->total_score, 5);
	assert_string_equal(s->projects[1].unfilled_reason, "候选人已分配到其他项目");
	assign_solution_free(s);
}

static void test_pins_and_exclusions(void **state)
{
	(void)state;
	const struct assign_arc arcs[] = {{0, 0, 10}, {0, 1, 8}, {1, 0, 9}, {1, 1, 2}, {1, 1, 6}};
	const int32_t seats[] = {1, 1};
	/* Pin 0 on project 0: then 1 must take project 1 at its best duplicate
	 * score 6. */
	const struct assign_arc pins[] = {{0, 0, 0}};
	struct assign_problem p = {.ncadres = 2,
	                           .nprojects = 2,
	                           .seats = seats,
	                           .arcs = arcs,
	                           .narcs = 5,
	                           .pins = pins,
	                           .npins = 1};
	struct assign_solution *s = solve_ok(&p);
	assert_int_equal(s->filled, 2);
	assert_int_equal(s->total_score, 16);
	assert_true(has_member(s, 0, 0));
	assert_true(s->projects[0].members[0].pinned);
	assert_true(has_member(s, 1, 1));
	assert_int_equal(s->arc_used[3], 0);
	assert_int_equal(s->arc_used[4], 1);
	assign_solution_free(s);

	/* Exclude 1 from project 1 as well (both duplicate arcs): project 1
	 * stays empty, its last candidate being pinned elsewhere. */
	const struct assign_arc excl[] = {{1, 1, 0}};
	p.excluded = excl;
	p.nexcluded = 1;
	s = solve_ok(&p);
	assert_int_equal(s->filled, 1);
	assert_int_equal(s->total_score, 10);
	assert_false(has_member(s, 1, 1));
	assert_string_equal(s->projects[1].unfilled_reason, "候选人已分配到其他项目");
	assign_solution_free(s);

	/* A pin without a candidate arc is honoured with score 0. */
	const struct assign_arc pins2[] = {{1, 1, 0}};
	struct assign_problem p2 = {.ncadres = 2,
	                            .nprojects = 2,
	                            .seats = seats,
	                            .arcs = arcs,
	                            .narcs = 3,
	                            .pins = pins2,
	                            .npins = 1};
	s = solve_ok(&p2);
	assert_true(has_member(s, 1, 1));
	assert_true(has_member(s, 0, 0));
	assert_int_equal(s->total_score, 10);
	assign_solution_free(s);
}

static void test_empty(void **state)
{
	(void)state;
	struct assign_problem p = {0};
	struct assign_solution *s = solve_ok(&p);
	assert_int_equal(s->filled, 0);
	assert_int_equal(s->total_score, 0);
	assign_solution_free(s);
	const int32_t seats[] = {2, 0};
	p = (struct assign_problem){.ncadres = 3, .nprojects = 2, .seats = seats};
	s = solve_ok(&p);
	assert_int_equal(s->unfilled, 2);
	assert_string_equal(s->projects[0].unfilled_reason, "无候选人");
	assert_null(s->projects[1].unfilled_reason);
	assign_solution_free(s);
}

static void expect_refused(const struct assign_problem *p)
{
	struct assign_solution *s = (void *)1;
	char msg[256] = "";
	assert_int_equal(assign_solve(p, &s, msg, sizeof(msg)), XZ_ERR_VALIDATION);
	assert_null(s);
	assert_true(msg[0] != 0);
}

static void test_refused(void **state)
{
	(void)state;
	const struct assign_arc arcs[] = {{0, 0, 1}, {1, 0, 1}, {0, 1, 1}};
	const int32_t seats[] = {1, 1};
	struct assign_problem base = {
	    .ncadres = 2, .nprojects = 2, .seats = seats, .arcs = arcs, .narcs = 3};

	struct assign_problem p = base;
	const struct assign_arc pin_excl[] = {{0, 0, 0}};
	p.pins = pin_excl, p.npins = 1, p.excluded = pin_excl, p.nexcluded = 1;
	expect_refused(&p); /* pinned and excluded */

	p = base;
	const struct assign_arc two_on_one[] = {{0, 0, 0}, {1, 0, 0}};
	p.pins = two_on_one, p.npins = 2;
	expect_refused(&p); /* more pins than seats */

	p = base;
	const struct assign_arc one_twice[] = {{0, 0, 0}, {0, 1, 0}};
	p.pins = one_twice, p.npins = 2;
	expect_refused(&p); /* more pins than the cadre's capacity */

	p = base;
	const struct assign_arc dup[] = {{0, 0, 0}, {0, 0, 0}};
	p.pins = dup, p.npins = 2;
	expect_refused(&p); /* duplicate pin */

	p = base;
	const struct assign_arc bad[] = {{2, 0, 0}};
	p.pins = bad, p.npins = 1;
	expect_refused(&p); /* out of range */

	p = base;
	const struct assign_arc bad_arc[] = {{0, 5, 1}};
	p.arcs = bad_arc, p.narcs = 1;
	expect_refused(&p);

	p = base;
	const struct assign_arc neg[] = {{0, 0, -1}};
	p.arcs = neg, p.narcs = 1;
	expect_refused(&p);

	p = base;
	const int32_t neg_seats[] = {1, -1};
	p.seats = neg_seats;
	expect_refused(&p);
}

/* ---- random instances ---- */

struct instance {
	struct assign_problem p;
	struct assign_arc *arcs, *pins, *excl;
	int32_t *cap, *seats;
};

/* Unique pairs; up to 3 arcs per cadre for exhaustive sizes. */
static void make_instance(struct instance *in, int32_t C, int32_t P, int32_t max_arcs, bool caps)
{
	memset(in, 0, sizeof(*in));
	in->cap = xmalloc((size_t)C * sizeof(int32_t));
	in->seats = xmalloc((size_t)P * sizeof(int32_t));
	in->arcs = xmalloc((size_t)C * (size_t)max_arcs * sizeof(*in->arcs));
	in->pins = xmalloc((size_t)P * sizeof(*in->pins));
	in->excl = xmalloc((size_t)C * sizeof(*in->excl));
	size_t na = 0, np = 0, ne = 0;
	for (int32_t j = 0; j < P; j++)
		in->seats[j] = (int32_t)rnd(3) + (rnd(5) == 0 ? 0 : 1);
	for (int32_t c = 0; c < C; c++) {
		in->cap[c] = caps && rnd(4) == 0 ? 2 : 1;
		int32_t k = (int32_t)rnd((uint32_t)max_arcs + 1);
		if (k > P)
			k = P;
		int32_t start = (int32_t)rnd((uint32_t)P);
		for (int32_t i = 0; i < k; i++)
			in->arcs[na++] =
			    (struct assign_arc){c, (start + i * 3) % P, (int32_t)rnd(20)};
	}
	/* drop duplicates that the stride may have produced */
	size_t w = 0;
	for (size_t i = 0; i < na; i++) {
		bool dup = false;
		for (size_t j = 0; j < w; j++)
			dup |= in->arcs[j].cadre == in->arcs[i].cadre &&
			       in->arcs[j].project == in->arcs[i].project;
		if (!dup)
			in->arcs[w++] = in->arcs[i];
	}
	na = w;
	/* a few exclusions and feasible pins */
	int32_t *pin_c = xcalloc((size_t)C, sizeof(int32_t)),
	        *pin_p = xcalloc((size_t)P, sizeof(int32_t));
	for (size_t i = 0; i < na; i++) {
		const struct assign_arc *a = &in->arcs[i];
		uint32_t r = rnd(12);
		if (r == 0 && ne < (size_t)C)
			in->excl[ne++] = *a;
		else if (r == 1 && np < (size_t)P && pin_c[a->cadre] < in->cap[a->cadre] &&
		         pin_p[a->project] < in->seats[a->project]) {
			pin_c[a->cadre]++, pin_p[a->project]++;
			in->pins[np++] = *a;
		}
	}
	free(pin_c);
	free(pin_p);
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

static void free_instance(struct instance *in)
{
	free(in->arcs);
	free(in->pins);
	free(in->excl);
	free(in->cap);
	free(in->seats);
}

static bool pair_in(const struct assign_arc *v, size_t n, const struct assign_arc *a)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].cadre == a->cadre && v[i].project == a->project)
			return true;
	return false;
}

static void brute_force(const struct instance *in, int32_t *filled, int64_t *score)
{
	const struct assign_problem *p = &in->p;
	struct brute b = {0};
	struct assign_arc *free_arcs = xmalloc((p->narcs + 1) * sizeof(*free_arcs));
	b.cap = xmalloc((size_t)p->ncadres * sizeof(int32_t));
	b.seats = xmalloc((size_t)p->nprojects * sizeof(int32_t));
	memcpy(b.cap, in->cap, (size_t)p->ncadres * sizeof(int32_t));
	memcpy(b.seats, in->seats, (size_t)p->nprojects * sizeof(int32_t));
	int64_t base = 0;
	for (size_t i = 0; i < p->npins; i++) {
		b.cap[p->pins[i].cadre]--, b.seats[p->pins[i].project]--;
		base += p->pins[i].score; /* pins copied from arcs carry their score */
	}
	for (size_t i = 0; i < p->narcs; i++)
		if (!pair_in(p->pins, p->npins, &p->arcs[i]) &&
		    !pair_in(p->excluded, p->nexcluded, &p->arcs[i]))
			free_arcs[b.narcs++] = p->arcs[i];
	b.arcs = free_arcs;
	b.best_filled = -1;
	brute_rec(&b, 0, 0, 0);
	*filled = b.best_filled + (int32_t)p->npins;
	*score = b.best_score + base;
	free(free_arcs);
	free(b.cap);
	free(b.seats);
}

/* Moves one used free arc's seat to an unused free arc of a different
 * project for the same cadre (a worse or equal plan), keeping the solution
 * feasible-looking so only optimality can catch it; returns false when no
 * such move exists or it would not lower the objective. */
static bool perturb(const struct instance *in, struct assign_solution *s)
{
	const struct assign_problem *p = &in->p;
	for (size_t i = 0; i < p->narcs; i++) {
		if (!s->arc_used[i] || pair_in(p->pins, p->npins, &p->arcs[i]))
			continue;
		for (size_t j = 0; j < p->narcs; j++) {
			if (s->arc_used[j] || p->arcs[j].cadre != p->arcs[i].cadre ||
			    p->arcs[j].project == p->arcs[i].project ||
			    p->arcs[j].score >= p->arcs[i].score ||
			    pair_in(p->excluded, p->nexcluded, &p->arcs[j]) ||
			    pair_in(p->pins, p->npins, &p->arcs[j]))
				continue;
			struct assign_project *pj = &s->projects[p->arcs[j].project];
			if (pj->unfilled == 0)
				continue;
			/* move: free arc i, use arc j; fix the totals */
			s->arc_used[i] = 0;
			s->arc_used[j] = 1;
			s->total_score += p->arcs[j].score - p->arcs[i].score;
			s->projects[p->arcs[i].project].nmembers--;
			pj->nmembers++;
			return true;
		}
	}
	return false;
}

static void test_random_vs_exhaustive(void **state)
{
	(void)state;
	rng_state = 0x9E3779B97F4A7C15ull;
	int compared = 0, perturbed = 0;
	for (int t = 0; t < 200; t++) {
		int32_t C = 5 + (int32_t)rnd(26), P = 2 + (int32_t)rnd(7);
		bool small = C <= 8 || t % 2 == 0;
		if (small)
			C = 5 + (int32_t)rnd(4);
		struct instance in;
		make_instance(&in, C, P, small ? 3 : 5, t % 3 == 0);
		struct assign_solution *s = solve_ok(&in.p);
		int32_t seats = 0;
		for (int32_t j = 0; j < P; j++)
			seats += in.seats[j];
		assert_int_equal(s->filled + s->unfilled, seats);
		if (small) {
			int32_t bf;
			int64_t bs;
			brute_force(&in, &bf, &bs);
			assert_int_equal(s->filled, bf);
			assert_int_equal(s->total_score, bs);
			compared++;
		}
		if (perturb(&in, s)) {
			char msg[256];
			assert_false(assign_verify(&in.p, s, msg, sizeof(msg)));
			perturbed++;
		}
		assign_solution_free(s);
		free_instance(&in);
	}
	printf("random: %d compared with exhaustive search, %d perturbed and refused\n", compared,
	       perturbed);
	assert_true(compared >= 80);
	assert_true(perturbed >= 20);
}

static void test_large_sparse(void **state)
{
	(void)state;
	rng_state = 12345;
	int32_t C = 10000, P = 1000;
	struct assign_arc *arcs = xmalloc((size_t)C * 100 * sizeof(*arcs));
	int32_t *seats = xmalloc((size_t)P * sizeof(int32_t));
	size_t na = 0;
	for (int32_t j = 0; j < P; j++)
		seats[j] = 1 + (int32_t)rnd(15);
	for (int32_t c = 0; c < C; c++) {
		int32_t k = 20 + (int32_t)rnd(81);
		int32_t start = (int32_t)rnd((uint32_t)P), step = 1 + (int32_t)rnd(7);
		for (int32_t i = 0; i < k; i++)
			arcs[na++] =
			    (struct assign_arc){c, (start + i * step) % P, (int32_t)rnd(1001)};
	}
	struct assign_problem p = {
	    .ncadres = C, .nprojects = P, .seats = seats, .arcs = arcs, .narcs = na};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct assign_solution *s = solve_ok(&p);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("large: %d cadres x %d projects, %zu arcs: filled %d, unfilled %d, total %lld, "
	       "solve+verify %.2f s\n",
	       C, P, na, s->filled, s->unfilled, (long long)s->total_score,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	assert_true(s->filled > 0);
	assign_solution_free(s);
	free(arcs);
	free(seats);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tiny),
	    cmocka_unit_test(test_capacity_and_reasons),
	    cmocka_unit_test(test_pins_and_exclusions),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_random_vs_exhaustive),
	    cmocka_unit_test(test_large_sparse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
