/*
 * Staffing benchmark instance generator (issue 5). Writes one deterministic,
 * seeded instance of the staffing problem in a small DIMACS-like text format
 * that every peer of bench/engine_assign reads (bench/assign_bench.c for
 * xinzhi, bench/assign_lemon.cc for LEMON, bench/assign_scipy.py for scipy):
 *
 *   c comment
 *   p assign CADRES PROJECTS ARCS
 *   s PROJECT SEATS            one line per project, 0-based, seats >= 0
 *   a CADRE PROJECT SCORE      one line per candidate arc, 0-based, score >= 0
 *
 * Every cadre takes at most one project (capacity 1); a (cadre, project) pair
 * occurs at most once. Each cadre gets KMIN..KMAX distinct candidate projects
 * (a partial Fisher-Yates shuffle), each project SEATMIN..SEATMAX seats and
 * each arc a score 0..MAXSCORE, all from a splitmix64 stream seeded by SEED,
 * so the same arguments give the same file on every machine. A dense
 * assignment problem is KMIN = KMAX = PROJECTS with one seat each.
 *
 * Usage: gen_assign CADRES PROJECTS KMIN KMAX SEATMIN SEATMAX MAXSCORE SEED > FILE
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_state;

static uint64_t splitmix64(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* uniform in lo..hi (inclusive); the modulo bias is negligible here */
static long uniform(long lo, long hi)
{
	return lo + (long)(splitmix64() % (uint64_t)(hi - lo + 1));
}

static long arg(char **argv, int i, long min)
{
	char *end;
	long v = strtol(argv[i], &end, 10);
	if (*end || v < min) {
		fprintf(stderr, "gen_assign: argument %d ('%s') must be an integer >= %ld\n", i,
		        argv[i], min);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc != 9) {
		fprintf(stderr, "usage: gen_assign CADRES PROJECTS KMIN KMAX SEATMIN SEATMAX "
		                "MAXSCORE SEED > FILE\n");
		return 2;
	}
	long C = arg(argv, 1, 1), P = arg(argv, 2, 1), kmin = arg(argv, 3, 0),
	     kmax = arg(argv, 4, kmin), smin = arg(argv, 5, 0), smax = arg(argv, 6, smin),
	     maxscore = arg(argv, 7, 0);
	rng_state = (uint64_t)arg(argv, 8, 0);
	if (kmax > P) {
		fprintf(stderr, "gen_assign: KMAX exceeds PROJECTS\n");
		return 2;
	}
	long *perm = malloc((size_t)P * sizeof(long));
	long *ks = malloc((size_t)C * sizeof(long));
	if (!perm || !ks)
		return 1;
	long narcs = 0;
	for (long j = 0; j < P; j++)
		perm[j] = j;
	/* arc counts first so the header can carry the total */
	for (long c = 0; c < C; c++)
		narcs += ks[c] = uniform(kmin, kmax);
	static char buf[1 << 16];
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	printf("c xinzhi staffing instance: gen_assign %s %s %s %s %s %s %s %s\n", argv[1], argv[2],
	       argv[3], argv[4], argv[5], argv[6], argv[7], argv[8]);
	printf("p assign %ld %ld %ld\n", C, P, narcs);
	for (long j = 0; j < P; j++)
		printf("s %ld %ld\n", j, uniform(smin, smax));
	for (long c = 0; c < C; c++) {
		for (long i = 0; i < ks[c]; i++) {
			long r = uniform(i, P - 1), t = perm[i];
			perm[i] = perm[r];
			perm[r] = t;
			printf("a %ld %ld %ld\n", c, perm[i], uniform(0, maxscore));
		}
	}
	free(perm);
	free(ks);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
