/*
 * Private to matching: the in-memory index that match_index.c builds and
 * keeps current and that match.c ranks from. Nothing outside
 * src/domain/match_*.c includes this header.
 *
 * Ownership: everything reachable from match_ix belongs to match_index.c;
 * a query reads it under the shared lock taken by match_lock_current() and
 * released by the caller with pthread_rwlock_unlock(&match_ix.lock).
 */
#ifndef XZ_MATCH_IMPL_H
#define XZ_MATCH_IMPL_H

#include "core/result.h"
#include "domain/taxonomy.h"
#include "store/store.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_PARENT     0.6
#define SIM_SIBLING    0.3
#define BONUS_CHAIN    0.1
#define BONUS_DISTRICT 0.05

#define TA_ELIGIBLE  0x80u /* present and live */
#define TA_DIRTY     0x40u /* re-read since the last rebuild: its postings may be stale */
#define TA_SLOW      0x20u /* did not fit the packing: score from the struct cand */
#define TA_EDU       0x0fu
#define IDX_NONE     0xffffu
#define BITMAP_SHARE 32 /* bit set when a list holds over 1/32 of the pool */

extern const char *const match_edu_names[5];

/* A talent or a need as scoring sees it. */
struct cand {
	int64_t id;
	int64_t ref_a;    /* talent: person_id; need: enterprise_id */
	int64_t ref_b;    /* need: segment_id */
	int64_t chain_id; /* 0 for none */
	int edu;          /* talent: rank held; need: rank required (0: 不限) */
	int exp;          /* talent: years; need: lower bound of the band */
	bool present;     /* the row exists and is not deleted */
	bool live;        /* talent 在锡 / need 开放: eligible as a candidate */
	char region[16];  /* region code, "" when unknown */
	char *label;      /* person name / post name */
	char *exp_text;   /* need: the band as written */
	int *skills;      /* canonical indexes, unique, in the row's order */
	int nskills;
};

struct side {
	struct cand *v;
	size_t n, cap;
	/* id → slot, open addressing on ids (ids are never 0) */
	int64_t *keys;
	size_t *slots;
	size_t mcap;
};

/* The talent slots holding one skill (or, for a family, any child of one
 * skill): an array, or a bit set over the slots once long. Stale entries
 * are allowed only for TA_DIRTY slots. */
struct posting {
	uint32_t *v;
	size_t n, cap;  /* n: entries, or bits set for a bit set */
	uint64_t *bits; /* the bit set, NULL for an array */
	size_t nwords;
};

/* talent slot → what filtering and scoring read, packed in 12 bytes so
 * that a query does not touch the struct cand */
struct tattr {
	uint32_t skills; /* offset of the skills in pool */
	uint16_t nskills;
	uint16_t region; /* index into rcodes */
	uint16_t chain;  /* index into chains, 0 for none */
	int8_t exp;      /* years, clamped to [-128, 127] (the bands stop at 10) */
	uint8_t flags;   /* TA_* | education rank */
};

struct pending {
	char kind; /* t(alent) n(eed) p(erson) e(nterprise) s(egment) */
	int64_t id;
};

struct match_index {
	pthread_rwlock_t lock;
	pthread_mutex_t queue_lock; /* guards the queue only */
	bool built, stale;
	struct taxonomy tax;
	char **names; /* canonical index → display name */
	size_t nnames;
	struct side talents, needs;
	int *df; /* canonical index → live talents holding it */
	size_t ndf;
	size_t nlive; /* live talents */
	/* canonical index → talent slots that held it when last read; updates
	 * append (stale entries belong to TA_DIRTY slots) and a rebuild
	 * compacts. A list longer than BITMAP_SHARE of the pool is a bit set. */
	struct posting *post;
	size_t npost;
	/* skill → the union of its children's postings as a bit set (bits only,
	 * NULL when the family is small: a query then ORs the children's
	 * lists), so that a query reads siblings or children as one set */
	struct posting *fam;
	size_t nfam;
	int **kids; /* known skill → its children, -1 terminated */
	struct tattr *tattr;
	size_t ntattr;
	/* the talents' skills, slot after slot as read (a re-read appends), as
	 * 16-bit indexes: a query reads them without chasing a pointer per slot */
	uint16_t *pool;
	size_t npool, cappool;
	struct strmap rcodes; /* region code → index */
	size_t nrcodes;
	struct strmap chains; /* chain id (decimal) → index from 1 */
	size_t nchains;
	/* the filters as bit sets over the slots, so that a query can AND
	 * together the slots that pass: edu[e] holds the eligible slots with
	 * education ≥ e, exp[b] those with match_exp_steps[b] years or more,
	 * region[r] those in region index r. Slots that are TA_DIRTY or
	 * TA_SLOW are in none of them but in odd, and are checked one by one.
	 * chain[c] holds the eligible slots on chain index c (for the bonus). */
	struct {
		uint64_t *edu[5], *exp[5], *odd, **region, **chain;
		size_t nregion, nchain, nwords;
	} fb;
	struct pending *queue;
	size_t nqueue, capqueue;
	bool queue_stale;
};

extern struct match_index match_ix;
/* the lower bounds of the experience bands, one filter bit set each */
extern const int match_exp_steps[5];

/* Takes match_ix.lock for a query: shared when the index is current, else
 * exclusive after bringing it up to date. Held on XZ_OK only. */
enum xz_result match_lock_current(struct store *db);
/* The slot of id on side s, NULL when never read. */
size_t *match_side_find(const struct side *s, int64_t id);
int match_parent_of(int s);
/* live talents holding canonical skill s */
int match_df_of(int s);
/* Frees the calling thread's query scratch (match_reset). */
void match_query_release(void);

#endif
