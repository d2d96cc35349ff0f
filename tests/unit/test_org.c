/*
 * The walks over the two party-organization hierarchies (src/domain/org.c)
 * on a few thousand orgs written straight into a fresh database: the
 * descendants and their shortest depths equal a breadth-first search done
 * here in memory, in the territorial hierarchy (parent_id) and in the chain
 * hierarchy (chain_org_id plus an alliance's current 党组织 members, not its
 * ended ones nor those of a plain 党委); "fast" is checked as a query plan:
 * every recursive step searches an index (org_parent, org_chain_org,
 * org_link_org), none scans org or org_link. Also the pure helpers: the
 * hierarchy names and the previous quarter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/crypto.h"
#include "domain/org.h"
#include "testutil.h"

#define N 3000

static struct tmpdb tmp;
static struct store *db;
static int parent_of[N + 1], chain_of[N + 1];

/* org i (1-based): territory parent (i-1)/5 … a 5-ary tree; chain parent
 * (i-1)/3 for i ≤ 1500 … a ternary tree over the first half; 2 is an
 * alliance with members 2999, 3000 (current) and 2998 (ended); 4 is a
 * plain 党委 with member 2997 (no chain edge). */
static int setup(void **state)
{
	(void)state;
	crypto_use_ephemeral_key();
	tmpdb_init(&tmp);
	assert_int_equal(store_open(tmp.path, &db), XZ_OK);
	assert_int_equal(store_exec(db, "INSERT INTO region (id, code, name, level)"
	                                " VALUES (1, '320200', '无锡市', '市');"
	                                "INSERT INTO cluster (id, name, tier) VALUES (1, '集群', '地标产业');"
	                                "INSERT INTO chain (id, name, cluster_id) VALUES (1, '链', 1);"),
	                 XZ_OK);
	assert_int_equal(store_begin(db), XZ_OK);
	struct store_stmt *st = NULL;
	assert_int_equal(store_prepare(db,
	                               "INSERT INTO org (id, name, kind, parent_id, chain_org_id,"
	                               " region_id) VALUES (?, ?, ?, ?, ?, 1)",
	                               &st),
	                 XZ_OK);
	for (int i = 1; i <= N; i++) {
		char name[32];
		snprintf(name, sizeof(name), "组织%d", i);
		parent_of[i] = i > 1 ? (i - 1) / 5 : 0;
		chain_of[i] = i > 1 && i <= 1500 ? (i - 1) / 3 : 0;
		store_reset(st);
		store_bind_int(st, 1, i);
		store_bind_text(st, 2, name);
		store_bind_text(st, 3, i == 2 ? "党建联盟" : i == 1 ? "产业链党委" : i == 4 ? "党委" : "党支部");
		if (parent_of[i])
			store_bind_int(st, 4, parent_of[i]);
		else
			store_bind_null(st, 4);
		if (chain_of[i])
			store_bind_int(st, 5, chain_of[i]);
		else
			store_bind_null(st, 5);
		assert_int_equal(store_step(st), STORE_DONE);
	}
	store_finalize(st);
	assert_int_equal(
	    store_exec(db, "INSERT INTO org_link (org_id, member_kind, member_org_id, role, end_date)"
	                   " VALUES (2, '党组织', 2999, '成员单位', NULL),"
	                   " (2, '党组织', 3000, '成员单位', '2099-12-31'),"
	                   " (2, '党组织', 2998, '成员单位', '2020-12-31'),"
	                   " (4, '党组织', 2997, '共建单位', NULL);"),
	    XZ_OK);
	assert_int_equal(store_commit(db), XZ_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(db);
	tmpdb_remove(&tmp);
	return 0;
}

/* breadth-first depths from root in memory (0: not reached) */
static void bfs(int root, bool chain, int *depth)
{
	int *queue = xcalloc(N + 1, sizeof(int));
	size_t head = 0, tail = 0;
	memset(depth, 0, (N + 1) * sizeof(int));
	queue[tail++] = root;
	depth[root] = -1; /* the root itself is not a descendant */
	while (head < tail) {
		int at = queue[head++];
		int d = depth[at] < 0 ? 0 : depth[at];
		for (int i = 1; i <= N; i++) {
			bool edge = chain ? chain_of[i] == at : parent_of[i] == at;
			if (chain && at == 2 && (i == 2999 || i == 3000))
				edge = true;
			if (edge && !depth[i]) {
				depth[i] = d + 1;
				queue[tail++] = i;
			}
		}
	}
	depth[root] = 0;
	free(queue);
}

static void check(int root, enum org_hierarchy h)
{
	int *want = xcalloc(N + 1, sizeof(int));
	bfs(root, h == ORG_CHAIN, want);
	int64_t *ids = NULL;
	int *depth = NULL;
	size_t n = 0;
	assert_int_equal(org_descendants(db, root, h, "2026-11-27", &ids, &depth, &n), XZ_OK);
	size_t expect = 0;
	for (int i = 1; i <= N; i++)
		expect += want[i] > 0;
	assert_int_equal(n, expect);
	for (size_t k = 0; k < n; k++) {
		assert_true(ids[k] >= 1 && ids[k] <= N);
		assert_int_equal(depth[k], want[ids[k]]);
		if (k)
			assert_true(ids[k] > ids[k - 1]);
	}
	free(ids);
	free(depth);
	free(want);
}

static void test_territory(void **state)
{
	(void)state;
	check(1, ORG_TERRITORY); /* everything but the root */
	check(7, ORG_TERRITORY);
	check(2999, ORG_TERRITORY); /* a leaf */
}

static void test_chain(void **state)
{
	(void)state;
	check(1, ORG_CHAIN);
	check(2, ORG_CHAIN); /* the alliance: its chain children and its current members */
	check(4, ORG_CHAIN); /* a plain 党委's member is not a chain child */
	int64_t *ids = NULL;
	int *depth = NULL;
	size_t n = 0;
	assert_int_equal(org_descendants(db, 2, ORG_CHAIN, "2026-11-27", &ids, &depth, &n), XZ_OK);
	bool has2998 = false, has2999 = false;
	for (size_t k = 0; k < n; k++) {
		has2998 |= ids[k] == 2998;
		if (ids[k] == 2999) {
			has2999 = true;
			assert_int_equal(depth[k], 1);
		}
	}
	assert_false(has2998); /* the ended membership */
	assert_true(has2999);
	free(ids);
	free(depth);
}

/* every step of the recursive walk searches an index */
static void plan_uses(enum org_hierarchy h, const char *const *indexes)
{
	char sql[4096];
	snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", org_descendants_sql(h, STORE_SQLITE));
	struct store_stmt *st = NULL;
	assert_int_equal(store_prepare(db, sql, &st), XZ_OK);
	store_bind_int(st, 1, 1);
	if (h == ORG_CHAIN)
		store_bind_text(st, 2, "2026-11-27");
	char all[4096] = "";
	while (store_step(st) == STORE_ROW) {
		const char *detail = store_column_text(st, store_column_count(st) - 1);
		strncat(all, detail ? detail : "", sizeof(all) - strlen(all) - 2);
		strncat(all, "\n", sizeof(all) - strlen(all) - 1);
		assert_false(detail && (!strcmp(detail, "SCAN o") || !strcmp(detail, "SCAN l") ||
		                        !strcmp(detail, "SCAN org") || !strcmp(detail, "SCAN org_link")));
	}
	store_finalize(st);
	for (; *indexes; indexes++)
		if (!strstr(all, *indexes))
			fail_msg("plan does not use %s:\n%s", *indexes, all);
}

static void test_plans(void **state)
{
	(void)state;
	plan_uses(ORG_TERRITORY, (const char *const[]){"org_parent", NULL});
	plan_uses(ORG_CHAIN, (const char *const[]){"org_chain_org", "org_link_org", NULL});
}

static void test_helpers(void **state)
{
	(void)state;
	enum org_hierarchy h;
	assert_true(org_hierarchy_parse(NULL, &h) && h == ORG_TERRITORY);
	assert_true(org_hierarchy_parse("territory", &h) && h == ORG_TERRITORY);
	assert_true(org_hierarchy_parse("chain", &h) && h == ORG_CHAIN);
	assert_true(org_hierarchy_parse("链上", &h) && h == ORG_CHAIN);
	assert_false(org_hierarchy_parse("tree", &h));
	char from[16], to[16];
	org_previous_quarter("2026-11-27", from, to);
	assert_string_equal(from, "2026-07-01");
	assert_string_equal(to, "2026-09-30");
	org_previous_quarter("2026-02-01", from, to);
	assert_string_equal(from, "2025-10-01");
	assert_string_equal(to, "2025-12-31");
	org_previous_quarter("2026-04-01", from, to);
	assert_string_equal(from, "2026-01-01");
	assert_string_equal(to, "2026-03-31");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_territory),
	    cmocka_unit_test(test_chain),
	    cmocka_unit_test(test_plans),
	    cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
