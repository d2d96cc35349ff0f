/*
 * Catalog compile benchmark (issue 5): times catalog_compile() in process on
 * a city-scale database (`xinzhi demo --scale city`: 500,000 talents, 30,000
 * needs), RUNS times, and checks that every run wrote the same entries
 * (each compile adds a draft catalog, so run it on a copy). Prints one
 * line: runs=N median_s=S min_s=S max_s=S cpu_median_s=S entries=N identical=0|1
 * rss_mb=M first_id=N (wall-clock seconds, and the process's CPU seconds).
 *
 * usage: catalog_bench DB [RUNS]
 */
#include "domain/catalog.h"
#include "engine/engine.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RUNS 9
#define ENTRY_COLS                                                                                 \
	"cluster_id, chain_id, post_name, demand, demand_count, supply, shortage_index, stars,"     \
	" grade, typical_education, typical_experience, typical_skills, salary_min, salary_max,"   \
	" sort_order"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static long vmhwm_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			v = atol(line + 6);
	if (f)
		fclose(f);
	return v;
}

/* entries of catalog b that catalog a lacks, and the reverse */
static int64_t differing(struct store *db, int64_t a, int64_t b)
{
	char sa[24], sb[24];
	snprintf(sa, sizeof(sa), "%lld", (long long)a);
	snprintf(sb, sizeof(sb), "%lld", (long long)b);
	const char *params[] = {sa, sb, sb, sa};
	int64_t n = -1;
	if (store_query_int(db,
	                    "SELECT (SELECT count(*) FROM (SELECT " ENTRY_COLS " FROM catalog_entry"
	                    " WHERE catalog_id = ?1 EXCEPT SELECT " ENTRY_COLS " FROM catalog_entry"
	                    " WHERE catalog_id = ?2)) + (SELECT count(*) FROM (SELECT " ENTRY_COLS
	                    " FROM catalog_entry WHERE catalog_id = ?3 EXCEPT SELECT " ENTRY_COLS
	                    " FROM catalog_entry WHERE catalog_id = ?4))",
	                    &n, 4, params))
		return -1;
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: catalog_bench DB [RUNS]\n");
		return 2;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 3;
	if (runs < 1 || runs > MAX_RUNS)
		runs = 3;
	struct store *db = NULL;
	if (store_open(argv[1], &db)) {
		fprintf(stderr, "catalog_bench: cannot open %s\n", argv[1]);
		return 1;
	}
	double secs[MAX_RUNS], cpu[MAX_RUNS];
	int64_t ids[MAX_RUNS];
	for (int i = 0; i < runs; i++) {
		struct engine_ctx ctx;
		engine_ctx_init(&ctx, db, engine_system_actor());
		double t0 = now(), c0 = cpu_now();
		enum xz_result r = catalog_compile(&ctx, 2026, &ids[i]);
		secs[i] = now() - t0;
		cpu[i] = cpu_now() - c0;
		if (r) {
			fprintf(stderr, "catalog_bench: catalog_compile: %d %s\n", r, ctx.message);
			return 1;
		}
		engine_ctx_free(&ctx);
	}
	int identical = 1;
	for (int i = 1; i < runs; i++)
		identical &= differing(db, ids[0], ids[i]) == 0;
	char sid[24];
	snprintf(sid, sizeof(sid), "%lld", (long long)ids[0]);
	const char *params[] = {sid};
	int64_t entries = -1;
	store_query_int(db, "SELECT count(*) FROM catalog_entry WHERE catalog_id = ?", &entries, 1,
	                params);
	double sorted[MAX_RUNS];
	memcpy(sorted, secs, sizeof(secs));
	qsort(sorted, (size_t)runs, sizeof(double), cmp_double);
	qsort(cpu, (size_t)runs, sizeof(double), cmp_double);
	printf("runs=%d median_s=%.3f min_s=%.3f max_s=%.3f cpu_median_s=%.3f entries=%lld"
	       " identical=%d rss_mb=%.1f first_id=%lld\n",
	       runs, sorted[runs / 2], sorted[0], sorted[runs - 1], cpu[runs / 2], (long long)entries,
	       identical,
	       (double)vmhwm_kb() / 1024.0, (long long)ids[0]);
	store_close(db);
	return identical ? 0 : 1;
}
