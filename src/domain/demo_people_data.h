/*
 * The static facts behind the demo city's people: a skill taxonomy for
 * every chain of demo_data.c (a root per cluster, an area per chain, leaf
 * skills with synonyms, each leaf tied to the chain's top-level segment it
 * serves and to the post an enterprise would advertise for it), majors and
 * universities per cluster, the city's party and government bodies that
 * cadres work in, real region codes of other provinces for 身份证号, and the
 * name pools with their frequencies. Plain data compiled into the program;
 * demo_people.c and demo_cadres.c turn it into rows. Lists of words inside
 * one string are separated by "、".
 */
#ifndef XZ_DEMO_PEOPLE_DATA_H
#define XZ_DEMO_PEOPLE_DATA_H

#include "domain/demo_data.h"

#include <stdbool.h>
#include <stddef.h>

/* ---- skills ---- */

struct demo_skill {
	const char *top;      /* name of the chain's top-level segment it serves */
	const char *name;     /* unique over the whole taxonomy */
	const char *synonyms; /* "、"-separated, or NULL */
	const char *post;     /* the post an enterprise advertises for it */
	const char *category; /* the need's 岗位类别 */
};

struct demo_skill_area {
	const char *chain; /* a name in demo_chains */
	const char *name, *synonyms;
	const struct demo_skill *skills; /* terminated by name == NULL */
};

/* one root skill per cluster, in demo_clusters order */
extern const char *const demo_skill_roots[DEMO_NCLUSTERS];
extern const char *const demo_skill_root_synonyms[DEMO_NCLUSTERS];
extern const struct demo_skill_area demo_skill_areas[];
extern const size_t demo_nskill_areas;

/* ---- education ---- */

struct demo_cluster_edu {
	const char *majors;       /* 本科 and graduate majors */
	const char *vocational;   /* 专科 and 中专 majors */
	const char *schools;      /* universities strong in the cluster */
	const char *certificates; /* 职业资格证书 a need may ask for */
};

extern const struct demo_cluster_edu demo_cluster_edu[DEMO_NCLUSTERS];
/* "、"-separated university pools */
extern const char demo_schools_elite[], demo_schools_strong[], demo_schools_regional[],
	demo_schools_local[], demo_schools_vocational[], demo_schools_secondary[],
	demo_schools_overseas[], demo_schools_cadre[];

/* ---- cadres ---- */

/* Grades order posts: 0 no leading post (or a 股级 section head), 1 乡科级副职,
 * 2 乡科级正职, 3 县处级副职, 4 县处级正职. */
struct demo_post {
	const char *title; /* '@' stands for the last character of the place: 区 or 市 */
	signed char grade;
	unsigned char count;
};

enum demo_unit_scope {
	UNIT_CITY_AND_DISTRICT, /* a bureau both the city and each district has */
	UNIT_CITY,
	UNIT_DISTRICT,
	UNIT_TOWN, /* 镇 */
	UNIT_STREET, /* 街道 */
};

struct demo_unit {
	enum demo_unit_scope scope;
	const char *name;  /* "%s" stands for the place: 无锡市, 江阴市, 新吴区旺庄街道 */
	const struct demo_post *leaders; /* grades as in a city body; terminated by title == NULL */
	const char *divisions; /* internal sections without their 处/科 suffix */
	const char *tags;      /* the expertise it breeds */
	bool economic;         /* its cadres are often linked to a chain */
};

extern const struct demo_unit demo_units[];
extern const size_t demo_nunits;

struct demo_tag {
	const char *name;
	const char *majors; /* what cadres with this expertise studied */
};

extern const struct demo_tag demo_tags[];
extern const size_t demo_ntags;

/* ---- where people come from ---- */

struct demo_origin {
	const char *code;  /* a real county-level code (GB/T 2260) */
	const char *place; /* 籍贯 as a form writes it: 安徽合肥 */
	unsigned char weight;
};

extern const struct demo_origin demo_origins[];
extern const size_t demo_norigins;

/* ---- names ---- */

struct demo_surname {
	const char *name;
	unsigned short national; /* frequency per 10,000 in China */
	unsigned short local;    /* per 10,000 in southern Jiangsu */
};

extern const struct demo_surname demo_surnames_freq[];
extern const size_t demo_nsurnames;

/* given-name characters by gender (0 male, 1 female) and birth era (0 before
 * 1975, 1 until 1990, 2 after), as the first and second character; each
 * string is a run of single characters (a repeated one is drawn more often) */
extern const char *const demo_given_first[2][3];
extern const char *const demo_given_second[2][3];

extern const char *const demo_given_single[2];

extern const char demo_ethnicities[]; /* minorities, after 汉族 */

#endif
