/*
 * Top-k matching benchmark (issue 5). Generates a synthetic city — a
 * three-level skill taxonomy, N talents with 10–40 skills each drawn with
 * Zipf frequencies, and Q needs of 3–15 skills — writes it into a fresh
 * xinzhi database (store_open, plain bound INSERTs: no engine, no audit, so
 * that 2M rows take a minute), and then times, per query and on one thread:
 *
 *   xinzhi      match_for_need(): the real index (built by match_warm from
 *               the database, measured for memory), JSON result included;
 *   exhaustive  every talent scored with the same function, written here;
 *   sqlite      the same scoring as SQL over talent_skill(skill, talent) in
 *               a separate SQLite file (a temp table carries the query);
 *   postgres    the same scoring as SQL over an int[] column with a GIN
 *               index (when a conninfo is given; bench/engine_match starts
 *               a throwaway cluster).
 *
 * Every peer must return the same top-k ids and scores as xinzhi for every
 * query it runs, or the program fails. The score is xinzhi's own (taxonomy
 * similarity 1 / 0.6 / 0.3, IDF weights, chain and district bonus, rounded
 * to 4 decimals, ties by id), which SQL can express exactly. Hard filters
 * (education, experience, district) select about 50 %, 10 % and 1 % of the
 * talents, one class per query in turn. Prints Markdown table rows and
 * key=value lines for bench/engine_match.
 *
 * usage: match_bench DIR TALENTS QUERIES PEER_QUERIES K [PG_CONNINFO]
 * BENCH_CHECK_ALL=1: every query is checked against the exhaustive scan
 * (top k and total), not only the peer queries; BENCH_MATCH_REUSE=1 (for
 * development): a database this program left in DIR with the same talents
 * is used as it is.
 */
#include "core/mem.h"
#include "domain/match.h"
#include "engine/engine.h"
#include "store/store.h"

#include <libpq-fe.h>
#include <malloc.h>
#include <math.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NROOT     15
#define NAREA     75
#define NDISTRICT 10
#define NCHAIN    8
#define MAXQ      15

enum bench_result { BENCH_OK, BENCH_FAIL };

static const char *const edu_names[] = {"中专及以下", "大学专科", "大学本科", "硕士研究生",
                                        "博士研究生"};

/* ---- data ---- */

static struct {
	int nskills;
	int *parent; /* skill → parent or -1 */
	int nt;
	uint32_t *off; /* talent i's skills: sk[off[i] .. off[i+1]) */
	uint16_t *sk;
	uint8_t *edu, *exp, *chain, *district; /* chain 1..NCHAIN, district 0..NDISTRICT-1 */
	int *df;
	int nq;
	struct query {
		int skills[MAXQ], n;
		int edu, exp, chain, district, filter; /* filter: 0 50 %, 1 10 %, 2 1 % */
		int64_t need_id;
	} *q;
	uint64_t rng;
} D;

struct hit {
	double score;
	int64_t id;
};

static uint64_t rnd64(void)
{
	uint64_t z = (D.rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int rnd(int n)
{
	return (int)(rnd64() % (uint64_t)n);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: less disturbed than wall time when other
 * processes share the cores (the peers' server time is not in it) */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(key);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = atol(line + n + 1);
	if (f)
		fclose(f);
	return v;
}

/* Zipf over the skills: rank r has weight 1/r, ranks mapped to skills by a
 * fixed permutation so popular skills sit anywhere in the tree. */
static double *zipf_cdf;
static int *zipf_skill;

static void zipf_init(void)
{
	zipf_cdf = xmalloc((size_t)D.nskills * sizeof(double));
	zipf_skill = xmalloc((size_t)D.nskills * sizeof(int));
	double s = 0;
	for (int r = 0; r < D.nskills; r++) {
		s += 1.0 / (r + 1);
		zipf_cdf[r] = s;
		zipf_skill[r] = r;
	}
	for (int r = 0; r < D.nskills; r++)
		zipf_cdf[r] /= s;
	for (int r = D.nskills - 1; r > 0; r--) {
		int j = rnd(r + 1), t = zipf_skill[r];
		zipf_skill[r] = zipf_skill[j];
		zipf_skill[j] = t;
	}
}

static int zipf_draw(void)
{
	double u = (double)(rnd64() >> 11) / 9007199254740992.0;
	int lo = 0, hi = D.nskills - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (zipf_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return zipf_skill[lo];
}

/* n distinct Zipf skills into out */
static void draw_skills(int *out, int n)
{
	for (int k = 0; k < n;) {
		int s = zipf_draw();
		bool dup = false;
		for (int j = 0; j < k && !dup; j++)
			dup = out[j] == s;
		if (!dup)
			out[k++] = s;
	}
}

static void generate(int nt, int nq, int nskills)
{
	D.nskills = nskills;
	D.parent = xmalloc((size_t)nskills * sizeof(int));
	for (int i = 0; i < nskills; i++)
		D.parent[i] = i < NROOT ? -1 : i < NROOT + NAREA ? (i - NROOT) % NROOT
		                                                 : NROOT + (i - NROOT - NAREA) % NAREA;
	zipf_init();
	D.nt = nt;
	D.off = xmalloc(((size_t)nt + 1) * sizeof(uint32_t));
	D.sk = xmalloc((size_t)nt * 40 * sizeof(uint16_t));
	D.edu = xmalloc((size_t)nt);
	D.exp = xmalloc((size_t)nt);
	D.chain = xmalloc((size_t)nt);
	D.district = xmalloc((size_t)nt);
	D.df = xcalloc((size_t)nskills, sizeof(int));
	static const int edu_pct[] = {20, 30, 30, 15, 5}; /* ≥ 本科 50 %, ≥ 硕士 20 % */
	uint32_t o = 0;
	for (int i = 0; i < nt; i++) {
		int s[40], n = 10 + rnd(31);
		draw_skills(s, n);
		D.off[i] = o;
		for (int k = 0; k < n; k++) {
			D.sk[o++] = (uint16_t)s[k];
			D.df[s[k]]++;
		}
		int u = rnd(100), e = 0;
		while (u >= edu_pct[e]) {
			u -= edu_pct[e];
			e++;
		}
		D.edu[i] = (uint8_t)e;
		D.exp[i] = (uint8_t)rnd(20); /* ≥ 10 years: 50 % */
		D.chain[i] = (uint8_t)(1 + rnd(NCHAIN));
		D.district[i] = (uint8_t)rnd(NDISTRICT);
	}
	D.off[nt] = o;
	D.nq = nq;
	D.q = xcalloc((size_t)nq, sizeof(*D.q));
	for (int i = 0; i < nq; i++) {
		struct query *q = &D.q[i];
		q->n = 3 + rnd(13);
		draw_skills(q->skills, q->n);
		q->filter = i % 3;
		q->edu = q->filter == 0 ? 2 : 3;
		q->exp = q->filter == 0 ? 0 : 10;
		q->chain = 1 + rnd(NCHAIN);
		q->district = rnd(NDISTRICT);
	}
}

static void district_code(int d, char *out, size_t n)
{
	snprintf(out, n, "3202%02d", d + 1);
}

/* ---- the xinzhi database ---- */

static enum bench_result exec_ok(struct store *db, const char *sql)
{
	if (store_exec(db, sql)) {
		fprintf(stderr, "match_bench: %s: %s\n", sql, store_errmsg(db));
		return BENCH_FAIL;
	}
	return BENCH_OK;
}

static enum bench_result step_done(struct store *db, struct store_stmt *st)
{
	if (store_step(st) != STORE_DONE) {
		fprintf(stderr, "match_bench: insert: %s\n", store_errmsg(db));
		return BENCH_FAIL;
	}
	store_reset(st);
	return BENCH_OK;
}

static enum bench_result write_xinzhi(struct store *db)
{
	struct store_stmt *st = NULL;
	char code[16], name[64];
	enum bench_result r = exec_ok(db, "BEGIN");
	/* region ids: 1 the city, 2.. the districts */
	r |= exec_ok(db, "INSERT INTO region (id, code, name, level) VALUES (1, '320200', '无锡市', '市')");
	store_prepare(db, "INSERT INTO region (id, code, name, level, parent_id) VALUES (?, ?, ?, '区县', 1)",
	              &st);
	for (int d = 0; d < NDISTRICT && !r; d++) {
		district_code(d, code, sizeof(code));
		snprintf(name, sizeof(name), "区县%d", d + 1);
		store_bind_int(st, 1, d + 2);
		store_bind_text(st, 2, code);
		store_bind_text(st, 3, name);
		r |= step_done(db, st);
	}
	store_finalize(st);
	r |= exec_ok(db, "INSERT INTO cluster (id, name, tier) VALUES (1, '测试集群', '地标产业')");
	store_prepare(db, "INSERT INTO chain (id, name, cluster_id) VALUES (?, ?, 1)", &st);
	for (int c = 1; c <= NCHAIN && !r; c++) {
		snprintf(name, sizeof(name), "产业链%d", c);
		store_bind_int(st, 1, c);
		store_bind_text(st, 2, name);
		r |= step_done(db, st);
	}
	store_finalize(st);
	/* segment c belongs to chain c */
	store_prepare(db,
	              "INSERT INTO segment (id, chain_id, name, stage) VALUES (?, ?, ?, '上游')", &st);
	for (int c = 1; c <= NCHAIN && !r; c++) {
		snprintf(name, sizeof(name), "环节%d", c);
		store_bind_int(st, 1, c);
		store_bind_int(st, 2, c);
		store_bind_text(st, 3, name);
		r |= step_done(db, st);
	}
	store_finalize(st);
	/* enterprise d + 1 sits in district d */
	store_prepare(db, "INSERT INTO enterprise (id, name, uscc, region_id) VALUES (?, ?, ?, ?)", &st);
	for (int d = 0; d < NDISTRICT && !r; d++) {
		char uscc[32];
		snprintf(name, sizeof(name), "企业%d", d + 1);
		snprintf(uscc, sizeof(uscc), "BENCH%013d", d + 1);
		store_bind_int(st, 1, d + 1);
		store_bind_text(st, 2, name);
		store_bind_text(st, 3, uscc);
		store_bind_int(st, 4, d + 2);
		r |= step_done(db, st);
	}
	store_finalize(st);
	/* skill i has id i + 1, so the taxonomy's index (by id) is i */
	store_prepare(db, "INSERT INTO skill (id, name, parent_id) VALUES (?, ?, ?)", &st);
	for (int i = 0; i < D.nskills && !r; i++) {
		snprintf(name, sizeof(name), "技能%04d", i);
		store_bind_int(st, 1, i + 1);
		store_bind_text(st, 2, name);
		if (D.parent[i] >= 0)
			store_bind_int(st, 3, D.parent[i] + 1);
		else
			store_bind_null(st, 3);
		r |= step_done(db, st);
	}
	store_finalize(st);
	struct store_stmt *pt = NULL, *tt = NULL;
	store_prepare(db,
	              "INSERT INTO person (id, name, idcard, idcard_hash, education, region_id)"
	              " VALUES (?, ?, 'x', ?, ?, ?)",
	              &pt);
	store_prepare(db,
	              "INSERT INTO talent (id, person_id, category, skills, chain_id,"
	              " experience_years, status) VALUES (?, ?, '专业技术人才', ?, ?, ?, '在锡')",
	              &tt);
	char *json = xmalloc(40 * 16 + 8);
	for (int i = 0; i < D.nt && !r; i++) {
		char hash[32];
		snprintf(name, sizeof(name), "人才%d", i + 1);
		snprintf(hash, sizeof(hash), "h%d", i + 1);
		store_bind_int(pt, 1, i + 1);
		store_bind_text(pt, 2, name);
		store_bind_text(pt, 3, hash);
		store_bind_text(pt, 4, edu_names[D.edu[i]]);
		store_bind_int(pt, 5, D.district[i] + 2);
		r |= step_done(db, pt);
		size_t len = 0;
		json[len++] = '[';
		for (uint32_t k = D.off[i]; k < D.off[i + 1]; k++)
			len += (size_t)sprintf(json + len, "%s\"技能%04d\"", k > D.off[i] ? "," : "",
			                       D.sk[k]);
		json[len++] = ']';
		json[len] = 0;
		store_bind_int(tt, 1, i + 1);
		store_bind_int(tt, 2, i + 1);
		store_bind_text(tt, 3, json);
		store_bind_int(tt, 4, D.chain[i]);
		store_bind_int(tt, 5, D.exp[i]);
		r |= step_done(db, tt);
	}
	store_finalize(pt);
	store_finalize(tt);
	store_prepare(db,
	              "INSERT INTO need (id, enterprise_id, segment_id, post_name, post_category,"
	              " headcount, education, skills, experience, urgency, status)"
	              " VALUES (?, ?, ?, ?, '研发设计', 1, ?, ?, ?, '一般', '开放')",
	              &st);
	for (int i = 0; i < D.nq && !r; i++) {
		struct query *q = &D.q[i];
		size_t len = 0;
		json[len++] = '[';
		for (int k = 0; k < q->n; k++)
			len += (size_t)sprintf(json + len, "%s\"技能%04d\"", k ? "," : "", q->skills[k]);
		json[len++] = ']';
		json[len] = 0;
		snprintf(name, sizeof(name), "岗位%d", i + 1);
		q->need_id = i + 1;
		store_bind_int(st, 1, q->need_id);
		store_bind_int(st, 2, q->district + 1);
		store_bind_int(st, 3, q->chain);
		store_bind_text(st, 4, name);
		store_bind_text(st, 5, edu_names[q->edu]);
		store_bind_text(st, 6, json);
		store_bind_text(st, 7, q->exp ? "10年及以上" : "不限");
		r |= step_done(db, st);
	}
	store_finalize(st);
	free(json);
	r |= exec_ok(db, r ? "ROLLBACK" : "COMMIT");
	return r;
}

/* ---- the scoring, as xinzhi defines it ---- */

static double weight(int s)
{
	return log(1.0 + (double)D.nt / (1.0 + (double)D.df[s]));
}

static double similarity(int a, int b)
{
	if (a == b)
		return 1.0;
	int pa = D.parent[a], pb = D.parent[b];
	if (pa == b || pb == a)
		return 0.6;
	if (pa >= 0 && pa == pb)
		return 0.3;
	return 0.0;
}

static bool passes(const struct query *q, int t)
{
	return D.edu[t] >= q->edu && D.exp[t] >= q->exp &&
	       (q->filter < 2 || D.district[t] == q->district);
}

static bool score(const struct query *q, int t, double *out)
{
	if (!passes(q, t))
		return false;
	double num = 0.0, den = 0.0;
	bool any = false;
	for (int i = 0; i < q->n; i++) {
		double w = weight(q->skills[i]), best = 0.0;
		for (uint32_t k = D.off[t]; k < D.off[t + 1]; k++) {
			double v = similarity(q->skills[i], D.sk[k]);
			if (v > best)
				best = v;
		}
		den += w;
		num += w * best;
		any |= best > 0.0;
	}
	if (!any)
		return false;
	double sc = den > 0.0 ? num / den : 0.0;
	if (D.chain[t] == q->chain)
		sc += 0.1;
	if (D.district[t] == q->district)
		sc += 0.05;
	*out = round(sc * 10000.0) / 10000.0;
	return true;
}

static bool before(const struct hit *a, const struct hit *b)
{
	return a->score > b->score || (a->score == b->score && a->id < b->id);
}

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

/* the top k into top (returns how many), and in *total how many talents score */
static int exhaustive(const struct query *q, int k, struct hit *top, long long *total)
{
	int n = 0;
	*total = 0;
	for (int t = 0; t < D.nt; t++) {
		double sc;
		if (score(q, t, &sc)) {
			(*total)++;
			offer(top, k, &n, (struct hit){sc, t + 1});
		}
	}
	return n;
}

/* The query's related skills: (query skill index, skill, level). */
struct rel {
	int qi, skill;
	double level;
};

static int related(const struct query *q, struct rel *out)
{
	int n = 0;
	for (int i = 0; i < q->n; i++) {
		int s = q->skills[i];
		for (int x = 0; x < D.nskills; x++) {
			double v = similarity(s, x);
			if (v > 0)
				out[n++] = (struct rel){i, x, v};
		}
	}
	return n;
}

static double query_den(const struct query *q)
{
	double den = 0.0;
	for (int i = 0; i < q->n; i++)
		den += weight(q->skills[i]);
	return den;
}

/* ---- SQLite peer ---- */

static enum bench_result sq_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "match_bench: sqlite: %s: %s\n", sql, err);
		sqlite3_free(err);
		return BENCH_FAIL;
	}
	return BENCH_OK;
}

static enum bench_result sq_load(sqlite3 *db)
{
	enum bench_result r = sq_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
	                                  " PRAGMA cache_size=-262144;"
	                                  " CREATE TABLE t (id INTEGER PRIMARY KEY, edu INT, exp INT,"
	                                  " chain INT, district INT);"
	                                  " CREATE TABLE ts (skill INT, talent INT,"
	                                  " PRIMARY KEY (skill, talent)) WITHOUT ROWID;"
	                                  " BEGIN");
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?, ?, ?, ?, ?)", -1, &st, NULL);
	for (int i = 0; i < D.nt && !r; i++) {
		sqlite3_bind_int(st, 1, i + 1);
		sqlite3_bind_int(st, 2, D.edu[i]);
		sqlite3_bind_int(st, 3, D.exp[i]);
		sqlite3_bind_int(st, 4, D.chain[i]);
		sqlite3_bind_int(st, 5, D.district[i]);
		r |= sqlite3_step(st) == SQLITE_DONE ? BENCH_OK : BENCH_FAIL;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	/* (skill, talent) in key order: a counting sort of the postings */
	uint32_t *start = xcalloc((size_t)D.nskills + 1, sizeof(uint32_t));
	for (int s = 0; s < D.nskills; s++)
		start[s + 1] = start[s] + (uint32_t)D.df[s];
	uint32_t *fill = xmalloc((size_t)D.nskills * sizeof(uint32_t));
	memcpy(fill, start, (size_t)D.nskills * sizeof(uint32_t));
	uint32_t *post = xmalloc((size_t)D.off[D.nt] * sizeof(uint32_t));
	for (int t = 0; t < D.nt; t++)
		for (uint32_t k = D.off[t]; k < D.off[t + 1]; k++)
			post[fill[D.sk[k]]++] = (uint32_t)t + 1;
	sqlite3_prepare_v2(db, "INSERT INTO ts VALUES (?, ?)", -1, &st, NULL);
	for (int s = 0; s < D.nskills && !r; s++)
		for (uint32_t k = start[s]; k < start[s + 1]; k++) {
			sqlite3_bind_int(st, 1, s);
			sqlite3_bind_int(st, 2, (int)post[k]);
			r |= sqlite3_step(st) == SQLITE_DONE ? BENCH_OK : BENCH_FAIL;
			sqlite3_reset(st);
		}
	sqlite3_finalize(st);
	free(start);
	free(fill);
	free(post);
	r |= sq_exec(db, "COMMIT; CREATE TEMP TABLE q (qi INT, skill INT, lvl REAL, w REAL); ANALYZE");
	return r;
}

#define PEER_SQL_SQLITE                                                                            \
	"WITH b AS (SELECT ts.talent AS id, q.qi AS qi, max(q.lvl * q.w) AS v FROM q"              \
	" JOIN ts ON ts.skill = q.skill GROUP BY ts.talent, q.qi),"                               \
	" s AS (SELECT id, sum(v) AS num FROM b GROUP BY id)"                                     \
	" SELECT t.id, round((s.num / ?1 + CASE WHEN t.chain = ?2 THEN 0.1 ELSE 0.0 END"           \
	" + CASE WHEN t.district = ?3 THEN 0.05 ELSE 0.0 END) * 10000.0) / 10000.0 AS sc"          \
	" FROM s JOIN t ON t.id = s.id WHERE t.edu >= ?4 AND t.exp >= ?5"                          \
	" AND (?6 IS NULL OR t.district = ?6) ORDER BY sc DESC, t.id LIMIT ?7"

static int sq_query(sqlite3 *db, sqlite3_stmt *ins, sqlite3_stmt *sel, const struct query *q,
                    const struct rel *rel, int nrel, int k, struct hit *top)
{
	sq_exec(db, "DELETE FROM q");
	for (int i = 0; i < nrel; i++) {
		sqlite3_bind_int(ins, 1, rel[i].qi);
		sqlite3_bind_int(ins, 2, rel[i].skill);
		sqlite3_bind_double(ins, 3, rel[i].level);
		sqlite3_bind_double(ins, 4, weight(q->skills[rel[i].qi]));
		sqlite3_step(ins);
		sqlite3_reset(ins);
	}
	sqlite3_bind_double(sel, 1, query_den(q));
	sqlite3_bind_int(sel, 2, q->chain);
	sqlite3_bind_int(sel, 3, q->district);
	sqlite3_bind_int(sel, 4, q->edu);
	sqlite3_bind_int(sel, 5, q->exp);
	if (q->filter == 2)
		sqlite3_bind_int(sel, 6, q->district);
	else
		sqlite3_bind_null(sel, 6);
	sqlite3_bind_int(sel, 7, k);
	int n = 0;
	while (sqlite3_step(sel) == SQLITE_ROW && n < k)
		top[n++] = (struct hit){sqlite3_column_double(sel, 1), sqlite3_column_int64(sel, 0)};
	sqlite3_reset(sel);
	return n;
}

/* ---- PostgreSQL peer ---- */

static enum bench_result pg_ok(PGresult *res, const char *what)
{
	ExecStatusType s = PQresultStatus(res);
	enum bench_result r = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? BENCH_OK : BENCH_FAIL;
	if (r)
		fprintf(stderr, "match_bench: postgres %s: %s\n", what, PQresultErrorMessage(res));
	PQclear(res);
	return r;
}

static enum bench_result pg_copy(PGconn *pg)
{
	PGresult *res = PQexec(pg, "COPY t FROM STDIN");
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		fprintf(stderr, "match_bench: postgres copy: %s\n", PQresultErrorMessage(res));
		PQclear(res);
		return BENCH_FAIL;
	}
	PQclear(res);
	char *line = xmalloc(64 + 40 * 8);
	for (int i = 0; i < D.nt; i++) {
		int len = sprintf(line, "%d\t%d\t%d\t%d\t%d\t{", i + 1, D.edu[i], D.exp[i], D.chain[i],
		                  D.district[i]);
		for (uint32_t k = D.off[i]; k < D.off[i + 1]; k++)
			len += sprintf(line + len, "%s%d", k > D.off[i] ? "," : "", D.sk[k]);
		len += sprintf(line + len, "}\n");
		if (PQputCopyData(pg, line, len) != 1)
			break;
	}
	free(line);
	PQputCopyEnd(pg, NULL);
	return pg_ok(PQgetResult(pg), "copy end");
}

#define PEER_SQL_PG                                                                                \
	"WITH q AS (SELECT * FROM unnest($1::int[], $2::int[], $3::float8[], $4::float8[])"        \
	" AS q(qi, skill, lvl, w)),"                                                              \
	" c AS (SELECT id, skills, chain, district FROM t WHERE skills && $2::int[]"               \
	" AND edu >= $5 AND exp >= $6 AND ($7::int IS NULL OR district = $7)),"                    \
	" b AS (SELECT c.id, q.qi, max(q.lvl * q.w) AS v FROM c CROSS JOIN LATERAL"               \
	" unnest(c.skills) AS u(skill) JOIN q ON q.skill = u.skill GROUP BY c.id, q.qi),"          \
	" s AS (SELECT id, sum(v ORDER BY qi) AS num FROM b GROUP BY id)"                         \
	" SELECT c.id, round(((s.num / $8::float8) + CASE WHEN c.chain = $9 THEN 0.1::float8"      \
	" ELSE 0.0::float8 END + CASE WHEN c.district = $10 THEN 0.05::float8 ELSE 0.0::float8"   \
	" END) * 10000.0::float8) / 10000.0::float8 AS sc FROM s JOIN c USING (id)"                \
	" ORDER BY sc DESC, c.id LIMIT $11"

static void pg_array_int(char *out, const struct rel *rel, int n, bool skill)
{
	size_t len = 0;
	out[len++] = '{';
	for (int i = 0; i < n; i++)
		len += (size_t)sprintf(out + len, "%s%d", i ? "," : "", skill ? rel[i].skill : rel[i].qi);
	strcpy(out + len, "}");
}

static int pg_query(PGconn *pg, const struct query *q, const struct rel *rel, int nrel, int k,
                    struct hit *top)
{
	size_t cap = (size_t)nrel * 32 + 16;
	char *a_qi = xmalloc(cap), *a_sk = xmalloc(cap), *a_lvl = xmalloc(cap), *a_w = xmalloc(cap);
	pg_array_int(a_qi, rel, nrel, false);
	pg_array_int(a_sk, rel, nrel, true);
	size_t l1 = 0, l2 = 0;
	a_lvl[l1++] = '{';
	a_w[l2++] = '{';
	for (int i = 0; i < nrel; i++) {
		l1 += (size_t)sprintf(a_lvl + l1, "%s%.17g", i ? "," : "", rel[i].level);
		l2 += (size_t)sprintf(a_w + l2, "%s%.17g", i ? "," : "", weight(q->skills[rel[i].qi]));
	}
	strcpy(a_lvl + l1, "}");
	strcpy(a_w + l2, "}");
	char edu[8], exp[8], dis[8], den[40], chain[8], kk[8];
	snprintf(edu, sizeof(edu), "%d", q->edu);
	snprintf(exp, sizeof(exp), "%d", q->exp);
	snprintf(dis, sizeof(dis), "%d", q->district);
	snprintf(den, sizeof(den), "%.17g", query_den(q));
	snprintf(chain, sizeof(chain), "%d", q->chain);
	snprintf(kk, sizeof(kk), "%d", k);
	const char *params[11] = {a_qi, a_sk, a_lvl, a_w, edu, exp, q->filter == 2 ? dis : NULL,
	                          den,  chain, dis,   kk};
	PGresult *res = PQexecParams(pg, PEER_SQL_PG, 11, NULL, params, NULL, NULL, 0);
	int n = -1;
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		n = PQntuples(res);
		for (int i = 0; i < n && i < k; i++)
			top[i] = (struct hit){strtod(PQgetvalue(res, i, 1), NULL),
			                      strtoll(PQgetvalue(res, i, 0), NULL, 10)};
	} else {
		fprintf(stderr, "match_bench: postgres query: %s\n", PQresultErrorMessage(res));
	}
	PQclear(res);
	free(a_qi);
	free(a_sk);
	free(a_lvl);
	free(a_w);
	return n;
}

/* ---- xinzhi ---- */

static int xz_query(struct store *db, const struct query *q, int k, struct hit *top,
                    long long *total)
{
	struct engine_ctx ctx;
	json_t *out = NULL;
	char code[16];
	district_code(q->district, code, sizeof(code));
	engine_ctx_init(&ctx, db, engine_system_actor());
	enum xz_result r = match_for_need(&ctx, q->need_id, k, q->filter == 2 ? code : NULL, &out);
	engine_ctx_free(&ctx);
	if (r) {
		fprintf(stderr, "match_bench: match_for_need(%lld): %d\n", (long long)q->need_id, r);
		return -1;
	}
	json_t *items = json_object_get(out, "items");
	int n = (int)json_array_size(items);
	*total = json_integer_value(json_object_get(out, "total"));
	for (int i = 0; i < n; i++) {
		json_t *it = json_array_get(items, (size_t)i);
		top[i] = (struct hit){json_real_value(json_object_get(it, "score")),
		                      json_integer_value(json_object_get(it, "id"))};
	}
	json_decref(out);
	return n;
}

/* ---- the run ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* the p-th percentile (nearest rank) of n samples, in ms */
static double pct(const double *v, int n, double p)
{
	if (n <= 0)
		return NAN;
	double *c = xmalloc((size_t)n * sizeof(double));
	memcpy(c, v, (size_t)n * sizeof(double));
	qsort(c, (size_t)n, sizeof(double), cmp_double);
	int i = (int)ceil(p / 100.0 * n) - 1;
	double r = c[i < 0 ? 0 : i >= n ? n - 1 : i] * 1000.0;
	free(c);
	return r;
}

static bool same(const struct hit *a, int na, const struct hit *b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (a[i].id != b[i].id || fabs(a[i].score - b[i].score) > 1e-9)
			return false;
	return true;
}

static void show(const char *who, const struct query *q, const struct hit *h, int n)
{
	fprintf(stderr, "  %s (query %lld, filter %d):", who, (long long)q->need_id, q->filter);
	for (int i = 0; i < n; i++)
		fprintf(stderr, " %lld:%.4f", (long long)h[i].id, h[i].score);
	fprintf(stderr, "\n");
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: match_bench DIR TALENTS QUERIES PEER_QUERIES K [PG_CONNINFO]\n");
		return 2;
	}
	const char *dir = argv[1];
	int nt = atoi(argv[2]), nq = atoi(argv[3]), np = atoi(argv[4]), k = atoi(argv[5]);
	const char *pgc = argc > 6 && *argv[6] ? argv[6] : NULL;
	int nskills = getenv("BENCH_MATCH_SKILLS") ? atoi(getenv("BENCH_MATCH_SKILLS")) : 1500;
	if (nt < 100 || nq < 3 || np < 0 || np > nq || k < 1 || k > MATCH_MAX_K || nskills < 200 ||
	    nskills > 65535) {
		fprintf(stderr, "match_bench: bad sizes\n");
		return 2;
	}
	D.rng = 20261126;
	double t0 = now();
	generate(nt, nq, nskills);
	printf("generate_s=%.1f postings=%u\n", now() - t0, D.off[nt]);
	fflush(stdout);

	char path[512];
	snprintf(path, sizeof(path), "%s/xz.db", dir);
	struct store *db = NULL;
	if (store_open(path, &db)) {
		fprintf(stderr, "match_bench: cannot open %s\n", path);
		return 1;
	}
	t0 = now();
	/* BENCH_MATCH_REUSE=1 (development): a database this program wrote
	 * before with the same sizes is used as it is */
	int64_t have_t = 0, have_n = 0;
	bool reuse = getenv("BENCH_MATCH_REUSE") && atoi(getenv("BENCH_MATCH_REUSE")) &&
	             !store_query_int(db, "SELECT count(*) FROM talent", &have_t, 0, NULL) &&
	             !store_query_int(db, "SELECT count(*) FROM need", &have_n, 0, NULL) &&
	             have_t == nt && have_n >= nq; /* the first queries are the same */
	if (reuse)
		for (int i = 0; i < D.nq; i++)
			D.q[i].need_id = i + 1;
	else if (write_xinzhi(db))
		return 1;
	printf("xinzhi_db_s=%.1f\n", now() - t0);
	fflush(stdout);

	/* the index, built as the server builds it at start */
	long rss0 = status_kb("VmRSS");
	size_t heap0 = mallinfo2().uordblks;
	t0 = now();
	if (match_warm(db)) {
		fprintf(stderr, "match_bench: match_warm failed\n");
		return 1;
	}
	double build_s = now() - t0;
	malloc_trim(0);
	long rss1 = status_kb("VmRSS");
	size_t heap1 = mallinfo2().uordblks;
	printf("index_build_s=%.2f index_rss_mb=%.1f index_heap_mb=%.1f vmrss_mb=%.1f vmhwm_mb=%.1f\n",
	       build_s, (double)(rss1 - rss0) / 1024.0, (double)(heap1 - heap0) / 1048576.0,
	       (double)rss1 / 1024.0, (double)status_kb("VmHWM") / 1024.0);
	fflush(stdout);

	struct hit *top = xmalloc((size_t)k * sizeof(*top)), *ref = xmalloc((size_t)k * sizeof(*ref));
	int *ntop = xmalloc((size_t)nq * sizeof(int));
	/* per peer query: the seconds of xinzhi, exhaustive, sqlite, postgres */
	double(*each)[4] = xcalloc((size_t)nq + 1, sizeof(*each));
	struct hit *tops = xmalloc((size_t)nq * (size_t)k * sizeof(*tops));
	double *lat[4][3], *cpu[4][3];
	int nlat[4][3] = {{0}};
	for (int p = 0; p < 4; p++)
		for (int f = 0; f < 3; f++) {
			lat[p][f] = xmalloc((size_t)nq * sizeof(double));
			cpu[p][f] = xmalloc((size_t)nq * sizeof(double));
		}
	double c0;
	/* xinzhi: every query, after one warm-up pass over the peer queries */
	long long *totals = xmalloc((size_t)nq * sizeof(*totals)), total;
	for (int i = 0; i < np && i < 3; i++)
		xz_query(db, &D.q[i], k, top, &total);
	for (int i = 0; i < nq; i++) {
		t0 = now();
		c0 = cpu_now();
		ntop[i] = xz_query(db, &D.q[i], k, tops + (size_t)i * (size_t)k, &totals[i]);
		double dt = now() - t0;
		if (ntop[i] < 0)
			return 1;
		cpu[0][D.q[i].filter][nlat[0][D.q[i].filter]] = cpu_now() - c0;
		lat[0][D.q[i].filter][nlat[0][D.q[i].filter]++] = dt;
		each[i][0] = dt;
	}
	printf("xinzhi_done=1\n");
	fflush(stdout);
	int fails = 0;
	/* exhaustive: the peer queries, or every query with BENCH_CHECK_ALL=1;
	 * it also checks xinzhi's total */
	int ncheck = getenv("BENCH_CHECK_ALL") && atoi(getenv("BENCH_CHECK_ALL")) ? nq : np;
	for (int i = 0; i < ncheck; i++) {
		t0 = now();
		c0 = cpu_now();
		int n = exhaustive(&D.q[i], k, ref, &total);
		cpu[1][D.q[i].filter][nlat[1][D.q[i].filter]] = cpu_now() - c0;
		lat[1][D.q[i].filter][nlat[1][D.q[i].filter]++] = now() - t0;
		if (i < np)
			each[i][1] = now() - t0;
		if (!same(tops + (size_t)i * (size_t)k, ntop[i], ref, n) || total != totals[i]) {
			fprintf(stderr, "match_bench: exhaustive and xinzhi differ (total %lld, xinzhi %lld)\n",
			        total, totals[i]);
			show("xinzhi", &D.q[i], tops + (size_t)i * (size_t)k, ntop[i]);
			show("exhaustive", &D.q[i], ref, n);
			fails++;
		}
	}
	printf("exhaustive_done=1\n");
	fflush(stdout);
	/* SQLite */
	struct rel *rel = xmalloc((size_t)MAXQ * (size_t)D.nskills * sizeof(*rel));
	if (np > 0) {
		sqlite3 *sq = NULL;
		snprintf(path, sizeof(path), "%s/peer.db", dir);
		if (sqlite3_open(path, &sq) != SQLITE_OK)
			return 1;
		t0 = now();
		if (sq_load(sq))
			return 1;
		printf("sqlite_load_s=%.1f\n", now() - t0);
		fflush(stdout);
		sqlite3_stmt *ins = NULL, *sel = NULL;
		sqlite3_prepare_v2(sq, "INSERT INTO q VALUES (?, ?, ?, ?)", -1, &ins, NULL);
		if (sqlite3_prepare_v2(sq, PEER_SQL_SQLITE, -1, &sel, NULL) != SQLITE_OK) {
			fprintf(stderr, "match_bench: sqlite: %s\n", sqlite3_errmsg(sq));
			return 1;
		}
		for (int i = 0; i < np; i++) {
			int nrel = related(&D.q[i], rel);
			t0 = now();
			c0 = cpu_now();
			int n = sq_query(sq, ins, sel, &D.q[i], rel, nrel, k, ref);
			cpu[2][D.q[i].filter][nlat[2][D.q[i].filter]] = cpu_now() - c0;
			lat[2][D.q[i].filter][nlat[2][D.q[i].filter]++] = each[i][2] = now() - t0;
			if (!same(tops + (size_t)i * (size_t)k, ntop[i], ref, n)) {
				fprintf(stderr, "match_bench: sqlite and xinzhi differ\n");
				show("xinzhi", &D.q[i], tops + (size_t)i * (size_t)k, ntop[i]);
				show("sqlite", &D.q[i], ref, n);
				fails++;
			}
		}
		sqlite3_finalize(ins);
		sqlite3_finalize(sel);
		sqlite3_close(sq);
	}
	/* PostgreSQL */
	if (pgc && np > 0) {
		PGconn *pg = PQconnectdb(pgc);
		if (PQstatus(pg) != CONNECTION_OK) {
			fprintf(stderr, "match_bench: postgres: %s\n", PQerrorMessage(pg));
			return 1;
		}
		t0 = now();
		if (pg_ok(PQexec(pg, "DROP TABLE IF EXISTS t; CREATE UNLOGGED TABLE t (id int PRIMARY"
		                     " KEY, edu smallint, exp smallint, chain smallint, district smallint,"
		                     " skills int[])"),
		          "create") ||
		    pg_copy(pg) ||
		    pg_ok(PQexec(pg, "SET maintenance_work_mem = '1GB'; CREATE INDEX t_skills ON t USING"
		                     " gin (skills)"),
		          "index") ||
		    pg_ok(PQexec(pg, "VACUUM ANALYZE t"), "vacuum"))
			return 1;
		printf("postgres_load_s=%.1f\n", now() - t0);
		fflush(stdout);
		for (int i = 0; i < np; i++) {
			int nrel = related(&D.q[i], rel);
			t0 = now();
			int n = pg_query(pg, &D.q[i], rel, nrel, k, ref);
			cpu[3][D.q[i].filter][nlat[3][D.q[i].filter]] = NAN; /* in the server */
			lat[3][D.q[i].filter][nlat[3][D.q[i].filter]++] = each[i][3] = now() - t0;
			if (n < 0)
				return 1;
			if (!same(tops + (size_t)i * (size_t)k, ntop[i], ref, n)) {
				fprintf(stderr, "match_bench: postgres and xinzhi differ\n");
				show("xinzhi", &D.q[i], tops + (size_t)i * (size_t)k, ntop[i]);
				show("postgres", &D.q[i], ref, n);
				fails++;
			}
		}
		PQfinish(pg);
	}
	static const char *const fname[] = {"~50 %", "~10 %", "~1 %"};
	static const char *const pname[] = {"xinzhi", "exhaustive", "sqlite", "postgres"};
	for (int f = 0; f < 3; f++) {
		int pass = 0;
		for (int t = 0; t < D.nt; t++)
			pass += passes(&D.q[f], t);
		printf("| %s (%.1f %%) |", fname[f], 100.0 * pass / D.nt);
		for (int p = 0; p < 4; p++)
			if (nlat[p][f])
				printf(" %.2f / %.2f (%d) |", pct(lat[p][f], nlat[p][f], 50),
				       pct(lat[p][f], nlat[p][f], 99), nlat[p][f]);
			else
				printf(" – |");
		printf("\n");
		for (int p = 0; p < 4; p++)
			if (nlat[p][f])
				printf("stat %s %d p50=%.3f p99=%.3f n=%d cpu_p50=%.3f cpu_p99=%.3f\n", pname[p],
				       f, pct(lat[p][f], nlat[p][f], 50), pct(lat[p][f], nlat[p][f], 99),
				       nlat[p][f], pct(cpu[p][f], nlat[p][f], 50),
				       pct(cpu[p][f], nlat[p][f], 99));
	}
	for (int p = 0; p < 4; p++) {
		int n = 0;
		double *v = xmalloc((size_t)nq * sizeof(double));
		for (int f = 0; f < 3; f++)
			for (int i = 0; i < nlat[p][f]; i++)
				v[n++] = lat[p][f][i];
		if (n)
			printf("stat %s all p50=%.3f p99=%.3f n=%d\n", pname[p], pct(v, n, 50), pct(v, n, 99),
			       n);
		free(v);
	}
	for (int i = 0; i < np; i++)
		printf("each query=%lld filter=%d skills=%d xinzhi_ms=%.2f exhaustive_ms=%.2f"
		       " sqlite_ms=%.2f postgres_ms=%.2f\n",
		       (long long)D.q[i].need_id, D.q[i].filter, D.q[i].n, each[i][0] * 1000.0,
		       each[i][1] * 1000.0, each[i][2] * 1000.0, each[i][3] * 1000.0);
	printf("final_vmrss_mb=%.1f final_vmhwm_mb=%.1f mismatches=%d\n",
	       (double)status_kb("VmRSS") / 1024.0, (double)status_kb("VmHWM") / 1024.0, fails);
	match_reset();
	store_close(db);
	return fails ? 1 : 0;
}
