/*
 * xinzhi side of the staffing benchmark (issue 5, bench/engine_assign):
 * reads an instance written by bench/gen_assign.c, then times
 * assign_solve() (src/domain/assign_solver.h) REPEAT times on the arrays in
 * memory, so file reading is not timed but everything the solver does
 * (validation, sorting, building its network, the flow, the solution) is.
 * The first solution is checked with assign_verify() (not timed). Prints one
 * line that bench/engine_assign compares with the other peers:
 *
 *   filled=F score=S cost=K times=t1,t2,...
 *
 * where cost = -(F * B + S) with B = 1 + the sum of all scores, the bonus
 * assign_solve() puts on every filled seat (so its objective, most seats
 * first and then the highest total score, is a plain minimum cost that the
 * peers compute too). Built by bench/engine_assign against libxzcore.a.
 *
 * Usage: assign_bench FILE [REPEAT]
 */
#include "domain/assign_solver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "assign_bench: %s\n", what);
	exit(1);
}

/* Reads the whole file; parses numbers by hand (fscanf would dominate). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot open the instance");
	if (fseek(f, 0, SEEK_END) != 0)
		die("cannot seek");
	long n = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read the instance");
	buf[n] = 0;
	fclose(f);
	return buf;
}

static long next_num(char **p)
{
	char *end;
	long v = strtol(*p, &end, 10);
	if (end == *p)
		die("malformed line");
	*p = end;
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		die("usage: assign_bench FILE [REPEAT]");
	int repeat = argc == 3 ? atoi(argv[2]) : 3;
	if (repeat < 1)
		die("REPEAT must be >= 1");
	char *buf = slurp(argv[1]);
	long C = -1, P = -1, A = -1, na = 0;
	int32_t *seats = NULL;
	struct assign_arc *arcs = NULL;
	for (char *p = buf; *p;) {
		char kind = *p++;
		if (kind == 'p') {
			while (*p == ' ')
				p++;
			if (strncmp(p, "assign", 6) != 0)
				die("not an assign instance");
			p += 6;
			C = next_num(&p), P = next_num(&p), A = next_num(&p);
			seats = calloc((size_t)P + 1, sizeof(*seats));
			arcs = malloc(((size_t)A + 1) * sizeof(*arcs));
			if (!seats || !arcs)
				die("out of memory");
		} else if (kind == 's' && seats) {
			long j = next_num(&p);
			if (j < 0 || j >= P)
				die("bad project");
			seats[j] = (int32_t)next_num(&p);
		} else if (kind == 'a' && arcs) {
			if (na == A)
				die("more arcs than the header says");
			long c = next_num(&p), j = next_num(&p), w = next_num(&p);
			arcs[na++] = (struct assign_arc){(int32_t)c, (int32_t)j, (int32_t)w};
		} else if (kind != 'c' && kind != '\n') {
			die("unknown line");
		}
		while (*p && *p != '\n')
			p++;
		if (*p)
			p++;
	}
	free(buf);
	if (na != A)
		die("fewer arcs than the header says");
	struct assign_problem prob = {.ncadres = (int32_t)C,
	                              .nprojects = (int32_t)P,
	                              .seats = seats,
	                              .arcs = arcs,
	                              .narcs = (size_t)na};
	char msg[256];
	struct assign_solution *first = NULL;
	double *t = malloc((size_t)repeat * sizeof(double));
	for (int r = 0; r < repeat; r++) {
		struct assign_solution *s = NULL;
		double t0 = now();
		if (assign_solve(&prob, &s, msg, sizeof(msg)) != XZ_OK)
			die(msg);
		t[r] = now() - t0;
		if (!first)
			first = s;
		else {
			if (s->filled != first->filled || s->total_score != first->total_score)
				die("repeated solves disagree");
			assign_solution_free(s);
		}
	}
	if (!assign_verify(&prob, first, msg, sizeof(msg)))
		die(msg);
	long long cost = -((long long)first->filled * first->bonus + first->total_score);
	printf("filled=%d score=%lld cost=%lld times=", first->filled,
	       (long long)first->total_score, cost);
	for (int r = 0; r < repeat; r++)
		printf("%s%.6f", r ? "," : "", t[r]);
	printf("\n");
	assign_solution_free(first);
	free(t);
	free(seats);
	free(arcs);
	return 0;
}
