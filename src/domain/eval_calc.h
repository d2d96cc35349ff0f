/*
 * 季季评 computation, pure and deterministic: no database, no JSON. The
 * domain module (evaluation.c) loads a round's scores and hands them here;
 * the unit tests call it directly.
 *
 * The rules, as shown to users:
 *  - A subject's average in a dimension is the mean of its evaluators'
 *    scores there (each evaluator at most one score per dimension).
 *  - Its total is Σ average × weight / 100 over the scheme's dimensions
 *    (weights sum to 100; a dimension without scores counts 0), rounded to
 *    two decimals (half away from zero), so equal inputs give equal totals.
 *  - Rank within its peer group: by total, highest first; equal totals share
 *    a rank and the next rank skips (1, 1, 3: competition ranking).
 *  - Grades by quota, rank-based: grades are listed best first, each but the
 *    last with a share in percent of the peer group (n subjects). Grade j may
 *    fill positions up to cap_j = ⌊n × (share_1 + … + share_j) / 100⌋; the
 *    top grade's cap is at least 1 when n > 0 and its share > 0 (so a group
 *    of one or two still has a top grade); the last grade takes the rest.
 *    Tied subjects are never split: a tie block gets the best grade whose
 *    cap holds the whole block, so a quota is never exceeded (a tie across
 *    the boundary drops the whole block to the next grade).
 *  - Optionally, a total below fail_below (> 0) gets the last grade whatever
 *    the rank (e.g. 较差 below 60).
 *
 * Ownership: the functions write only into caller-provided arrays; the
 * grade rule holds copies of the grade names.
 */
#ifndef XZ_EVAL_CALC_H
#define XZ_EVAL_CALC_H

#include "core/result.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVAL_MAX_GRADES 8
#define EVAL_GRADE_NAME 48 /* bytes, UTF-8 */

struct eval_grade_rule {
	char names[EVAL_MAX_GRADES][EVAL_GRADE_NAME];
	int shares[EVAL_MAX_GRADES]; /* percent; the last grade's is ignored */
	size_t ngrades;
	double fail_below; /* 0: none */
};

/* Parses "好:30,较好:40,一般:30,较差" (full-width ，and ：accepted too; the
 * last grade's share may be omitted): 2 to 8 grades, shares integers 0–100,
 * the shares before the last summing to at most 100, names unique.
 * XZ_ERR_VALIDATION with a Chinese message in msg otherwise. */
enum xz_result eval_calc_parse_grades(const char *text, double fail_below,
                                      struct eval_grade_rule *out, char *msg, size_t n);

/* Weighted total of ndim dimension averages (present[d] false counts 0),
 * weights in percent, rounded to two decimals. */
double eval_calc_total(const double *avg, const bool *present, const double *weights, size_t ndim);

/* One subject to rank: group and total in, rank/grade/group_size out. */
struct eval_calc_item {
	const char *group; /* peer group; borrowed, "" for none */
	int64_t id;        /* tie-breaker for a stable order only */
	double total;
	int rank;       /* out: 1-based competition rank within the group */
	int grade;      /* out: index into the rule's grades */
	int group_size; /* out */
};

/* Ranks and grades a group whose totals are sorted highest first: writes
 * ranks[i] and grades[i] for i < n. */
void eval_calc_grade_group(const double *totals, size_t n, const struct eval_grade_rule *rule,
                           int *ranks, int *grades);

/* Ranks and grades every item within its group (items keep their order). */
enum xz_result eval_calc_rank(struct eval_calc_item *items, size_t n,
                              const struct eval_grade_rule *rule);

#endif
