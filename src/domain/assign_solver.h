/*
 * Exact staffing solver for 千名干部百项攻坚: fills project seats from a pool
 * of cadres over sparse candidate arcs (cadre, project, score) by a min-cost
 * flow. Objective: every filled seat earns a bonus B = 1 + (sum of the free
 * arcs' scores) plus its arc's score, so the number of filled seats is
 * maximised first and the total score second (B exceeds any difference in
 * total score). Pins force a pair onto the plan (they take a seat and a unit
 * of cadre capacity before solving; their score is the best arc for the pair,
 * 0 without one); exclusions drop the pair. Duplicate arcs for one pair count
 * once, with the highest score. Pure algorithm: no database, no HTTP.
 *
 * Ownership: assign_solve() only reads the problem (the caller keeps it) and
 * returns a solution owned by the caller, freed with assign_solution_free();
 * the reason strings in it are static. The solution does not point into the
 * problem.
 */
#ifndef XZ_ASSIGN_SOLVER_H
#define XZ_ASSIGN_SOLVER_H

#include "core/result.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct assign_arc {
	int32_t cadre, project; /* 0-based indices */
	int32_t score;          /* suitability, >= 0; ignored for pins and exclusions */
};

struct assign_problem {
	int32_t ncadres, nprojects;
	const int32_t *cadre_cap; /* per cadre, >= 0; NULL = every cadre 1 */
	const int32_t *seats;     /* per project, >= 0 */
	const struct assign_arc *arcs;
	size_t narcs;
	const struct assign_arc *pins;
	size_t npins;
	const struct assign_arc *excluded;
	size_t nexcluded;
};

struct assign_member {
	int32_t cadre;
	int32_t score;
	int32_t arc; /* index into problem arcs, -1 for a pin without an arc */
	bool pinned;
};

struct assign_project {
	int32_t nmembers;
	struct assign_member *members; /* pins first, then solved seats */
	int32_t unfilled;
	const char *unfilled_reason; /* NULL when full; "无候选人" or "候选人已分配到其他项目" */
};

struct assign_solution {
	int64_t total_score; /* sum of the member scores, pins included */
	int64_t bonus;       /* B, the per-seat bonus used */
	int32_t filled, unfilled;
	uint8_t *arc_used;               /* per problem arc: 1 when it carries a member */
	struct assign_project *projects; /* nprojects */
	/* Dual potentials of the flow network, nodes: [0] source, [1 + c]
	 * cadre c, [1 + ncadres + p] project p, [1 + ncadres + nprojects] sink.
	 * Arc costs are -(B + score) on cadre->project, 0 elsewhere; every
	 * residual arc has cost + pi(tail) - pi(head) >= 0. */
	int64_t *potential;
	int32_t npotential;
};

/* Solves p. XZ_ERR_VALIDATION with a Chinese message in msg for bad
 * indices, negative capacities or scores, and infeasible pins (excluded,
 * duplicated, more than the seats or the cadre's capacity). */
enum xz_result assign_solve(const struct assign_problem *p, struct assign_solution **out, char *msg,
                            size_t n);

/* Checks s against p: feasibility (capacities, pins, exclusions, counts and
 * total consistent with arc_used) and optimality by complementary slackness,
 * every residual arc having a non-negative reduced cost under s's
 * potentials (so no negative cycle exists). True when s is an optimum;
 * otherwise false with the first violation in msg. Used by the tests. */
bool assign_verify(const struct assign_problem *p, const struct assign_solution *s, char *msg,
                   size_t n);

void assign_solution_free(struct assign_solution *s);

#endif
