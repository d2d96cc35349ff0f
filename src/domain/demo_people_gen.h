/*
 * What demo_people.c and demo_cadres.c share while they generate the demo
 * city's people: the generator state (randomness, the reference date, the
 * regions, chains and enterprises read back from the database, the sets
 * that keep 身份证号 and mobile numbers unique) and the helpers both use to
 * make a person and write a row. Internal to the two files; other callers
 * use demo_people.h.
 */
#ifndef XZ_DEMO_PEOPLE_GEN_H
#define XZ_DEMO_PEOPLE_GEN_H

#include "core/buf.h"
#include "domain/demo_people.h"
#include "domain/demo_people_data.h"

#include <stdbool.h>
#include <stdint.h>

#define DEMO_MAX_SURNAMES 128

/* An open-addressing set of nonzero 64-bit keys. */
struct demo_set {
	uint64_t *slots;
	size_t cap, n;
};

struct demo_ent {
	int64_t id;
	int chain, district, town; /* town -1: the district itself */
	int segs[3], nsegs;        /* indices into demo_pop.segs */
	char *name;
};

struct demo_seg {
	int64_t id;
	int chain;
	bool bottleneck;
	char *top; /* name of its top-level ancestor (its own name at the top) */
};

struct demo_chain_rt {
	int64_t id;
	int area;          /* index into demo_skill_areas */
	int *ents, nents;  /* its enterprises, indices into demo_pop.ents */
	double *cum;       /* cumulative size weights of ents, for weighted draws */
};

struct demo_pop {
	struct engine_ctx *ctx;
	uint64_t rng;
	char *msg;
	size_t n;
	struct demo_people_counts *counts;
	int ref;           /* the reference date, days since 1970-01-01 */
	int64_t city_id, district_id[DEMO_NDISTRICTS], *town_id[DEMO_NDISTRICTS];
	int ntowns[DEMO_NDISTRICTS];
	int64_t cluster_id[DEMO_NCLUSTERS];
	struct demo_chain_rt *chains; /* demo_nchains */
	struct demo_ent *ents;
	int nents;
	double *ent_cum;   /* cumulative size weights over all enterprises */
	struct demo_seg *segs;
	int nsegs;
	struct demo_set idcards, mobiles;
	double surname_cum[2][DEMO_MAX_SURNAMES]; /* national and local, cumulative */
	int nsurnames;
	struct buf scratch; /* reused for every need's description */
};

/* ---- randomness (splitmix64, never the clock) ---- */
double demo_uniform(struct demo_pop *p); /* [0, 1) */
int demo_below(struct demo_pop *p, int n);
bool demo_chance(struct demo_pop *p, double x);
/* an integer in [lo, hi], triangular around the middle */
int demo_between(struct demo_pop *p, int lo, int hi);

/* ---- words ---- */
/* the number of "、"-separated words in list */
int demo_word_count(const char *list);
/* word k of list, copied into out (n bytes) */
void demo_word_at(const char *list, int k, char *out, size_t n);
/* a random word of list, copied into out */
void demo_word_pick(struct demo_pop *p, const char *list, char *out, size_t n);

/* ---- dates ---- */
int demo_days(int y, int m, int d);
void demo_civil(int days, int *y, int *m, int *d);
/* "YYYY-MM-DD"; out needs 11 bytes */
void demo_date(int days, char *out);
/* the first of the month of days */
int demo_month_start(int days);

/* ---- places ---- */
int64_t demo_place_id(const struct demo_pop *p, int district, int town);
/* a random enterprise, bigger ones more likely; chain -1 for any chain */
int demo_pick_enterprise(struct demo_pop *p, int chain);

/* ---- people ---- */
enum demo_edu { EDU_PHD, EDU_MASTER, EDU_BACHELOR, EDU_COLLEGE, EDU_SECONDARY };

struct demo_person {
	int gender;        /* 0 男, 1 女 */
	int birth;         /* days */
	bool local;        /* born in Wuxi: the 身份证号 carries the district's code */
	int district;      /* where the person lives and, when local, was born */
	int64_t region_id;
	enum demo_edu edu;
	const char *school, *major, *title, *political;
	int work_start;    /* days */
};

extern const char *const demo_edu_names[5];
/* the age at which a person of that education usually starts work */
int demo_grad_age(enum demo_edu edu);
/* a birth date for someone of age years on the reference date */
int demo_birth_for_age(struct demo_pop *p, int age);
/* work starts at graduation (July or August), never after the reference day */
int demo_work_start(struct demo_pop *p, int birth, enum demo_edu edu);
/* Writes the person (name, 身份证号, mobile, …) and its id. */
enum xz_result demo_person_create(struct demo_pop *p, const struct demo_person *who,
                                  int64_t *id);
/* Writes a party_member row; joined is the 入党 date in days, probation
 * marks a 预备党员. */
/* A plausible 入党 date: at university for a third, otherwise some years
 * into work; a 预备党员 joined within the last year. */
int demo_join_date(struct demo_pop *p, int birth, int work_start, bool probation);
enum xz_result demo_party_member_create(struct demo_pop *p, int64_t person_id, const char *org,
                                        int joined, bool probation);
/* Creates one row from in (consumed); *id receives its id. On failure msg
 * names the entity and the engine's first complaint. */
enum xz_result demo_row_create(struct demo_pop *p, const char *entity, json_t *in, int64_t *id);

/* ---- cadres (demo_cadres.c) ---- */
struct demo_cadres;
/* Plans total cadre posts over the city's bodies. */
struct demo_cadres *demo_cadres_plan(struct demo_pop *p, int total);
/* Writes the next planned cadre: person, cadre, career and party rows. */
enum xz_result demo_cadre_next(struct demo_pop *p, struct demo_cadres *c);
void demo_cadres_free(struct demo_cadres *c);

#endif
