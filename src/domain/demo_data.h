/*
 * The static facts behind the demo city: Wuxi's districts and the streets
 * and towns of reference/regions.tsv, the fifteen clusters of the "465"
 * system with their 2023 figures, the industry chains and their segment
 * trees, parks, institutions, and the word pools enterprise names and
 * people are drawn from. It is plain data compiled into the program, so
 * seeding never depends on files beside the binary; demo.c turns it into
 * rows.
 */
#ifndef XZ_DEMO_DATA_H
#define XZ_DEMO_DATA_H

#include <stdbool.h>
#include <stddef.h>

#define DEMO_NDISTRICTS 7
#define DEMO_NCLUSTERS  15

struct demo_district {
	const char *code, *name;
	const char *place; /* enterprise name prefix: county-level cities use their own name */
	const char *addr;  /* address prefix, e.g. 无锡市新吴区 or 江阴市 */
	const char *const *towns; /* NULL-terminated, in regions.tsv order (fixes their codes) */
	const char *const *roads; /* NULL-terminated */
};

struct demo_cluster {
	const char *name, *tier;
	int target_2025; /* 亿元; 0 for 未来产业, which have no published target */
	const char *description;
	long revenue_cents;  /* 2023 规上营收 in 0.01 亿元, so sums stay exact */
	int strategic_permil; /* 战略性新兴产业产值占比 in 0.1 % */
	int hightech_permil;  /* 高新技术产业产值占比 in 0.1 % */
	int enterprise_count; /* 规上企业数 */
	const char *flavor;   /* characters favoured as the first of a trade name */
	unsigned char district_weight[DEMO_NDISTRICTS]; /* where its enterprises sit */
};

/* A chain's segments are listed depth-first: a depth-0 node is a top-level
 * node carrying the stage; depth-1 nodes are children of the nearest
 * depth-0 node above them and inherit its stage. */
struct demo_segment {
	int depth;
	const char *stage;
	const char *name;
	bool bottleneck; /* 卡脖子 */
	const char *products; /* "、"-separated real products; NULL on inner nodes */
};

struct demo_chain {
	int cluster; /* index into demo_clusters */
	const char *name, *leader, *description;
	const char *const *words; /* industry words for enterprise names, NULL-terminated */
	const struct demo_segment *segments; /* terminated by name == NULL */
};

struct demo_park {
	const char *name;
	const char *region; /* name of a district or of one of its towns */
	const char *level, *kind, *address;
	int cluster; /* index of the cluster it specialises in, or -1 */
};

struct demo_institution {
	const char *name, *kind, *level;
	const char *region; /* district or town name */
	int cluster;
	const char *description;
};

extern const char demo_city_code[], demo_city_name[];
extern const struct demo_district demo_districts[DEMO_NDISTRICTS];
extern const struct demo_cluster demo_clusters[DEMO_NCLUSTERS];
extern const struct demo_chain demo_chains[];
extern const size_t demo_nchains;
extern const struct demo_park demo_parks[];
extern const size_t demo_nparks;
extern const struct demo_institution demo_institutions[];
extern const size_t demo_ninstitutions;

/* Pools, each NULL-terminated; the trade-name pool holds single
 * characters as UTF-8 strings. */
extern const char *const demo_trade_chars[];
extern const char *const demo_surnames[];
extern const char *const demo_given_names[];

#endif
