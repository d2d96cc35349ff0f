/*
 * Talent–need matching. Every live talent and need is held in memory with
 * what scoring needs: canonical skill indexes (through the shared taxonomy,
 * so synonyms are the same skill), education rank, experience, chain and
 * region code. The index is built on first use and then follows the data:
 * the engine's after-commit hook queues the changed row ids, and the next
 * query re-reads just those rows before scoring, so a write is visible in
 * the very next query; a taxonomy or region change drops the index for a
 * full rebuild. One rwlock guards it: queries share it unless there is
 * queued work, which needs it exclusively.
 *
 * The score of talent t for need n is Σ w(s)·best_sim(s, t) / Σ w(s) over
 * n's required skills s, with w(s) = log(1 + N / (1 + df(s))) over the N
 * talents in the pool (rarer skills count more) and similarity 1 for the
 * same skill, 0.6 for parent or child, 0.3 for siblings; plus 0.1 for the
 * same chain and 0.05 for the same district (first 6 digits of the region
 * code). Education and experience are hard filters, and when n names any
 * skill at least one must be met. Scores are rounded to 4 decimals before
 * ordering, ties by id, so the order is total and exactly reproducible.
 */
#include "domain/match.h"

#include "core/buf.h"
#include "core/mem.h"
#include "domain/taxonomy.h"
#include "model/entities.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_PARENT     0.6
#define SIM_SIBLING    0.3
#define BONUS_CHAIN    0.1
#define BONUS_DISTRICT 0.05
/* beyond this many queued rows a full rebuild is cheaper than row reloads */
#define MAX_PENDING 4096

static const char *const edu_names[] = {"中专及以下", "大学专科", "大学本科", "硕士研究生",
                                        "博士研究生"};
static const char *const exp_names[] = {"不限", "1年以下", "1-3年", "4-6年", "7-9年", "10年及以上"};
static const int exp_lower[] = {0, 0, 1, 4, 7, 10};

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

struct pending {
	char kind; /* t(alent) n(eed) p(erson) e(nterprise) s(egment) */
	int64_t id;
};

static struct {
	pthread_rwlock_t lock;
	pthread_mutex_t queue_lock; /* guards the queue only */
	bool built, stale;
	struct taxonomy tax;
	char **names; /* canonical index → display name */
	size_t nnames;
	struct side talents, needs;
	int *df; /* canonical index → live talents holding it */
	/* canonical index → talent slots that held it when last read; stale
	 * entries are harmless (scoring reads the slot), so updates append
	 * and a rebuild compacts */
	struct posting {
		uint32_t *v;
		size_t n, cap;
	} * post;
	size_t npost;
	int **kids; /* known skill → its children, -1 terminated */
	size_t ndf;
	size_t nlive; /* live talents */
	struct pending *queue;
	size_t nqueue, capqueue;
	bool queue_stale;
} g = {.lock = PTHREAD_RWLOCK_INITIALIZER, .queue_lock = PTHREAD_MUTEX_INITIALIZER};

/* ---- the id → slot map ---- */

static size_t hash_id(int64_t id, size_t cap)
{
	return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

static size_t *side_find(const struct side *s, int64_t id)
{
	if (!s->mcap)
		return NULL;
	for (size_t i = hash_id(id, s->mcap);; i = (i + 1) & (s->mcap - 1)) {
		if (!s->keys[i])
			return NULL;
		if (s->keys[i] == id)
			return &s->slots[i];
	}
}

static void map_put(struct side *s, int64_t id, size_t slot)
{
	if ((s->n + 1) * 2 > s->mcap) {
		size_t cap = s->mcap ? s->mcap * 2 : 1024;
		int64_t *keys = xcalloc(cap, sizeof(*keys));
		size_t *slots = xcalloc(cap, sizeof(*slots));
		for (size_t i = 0; i < s->mcap; i++)
			if (s->keys[i]) {
				size_t j = hash_id(s->keys[i], cap);
				while (keys[j])
					j = (j + 1) & (cap - 1);
				keys[j] = s->keys[i];
				slots[j] = s->slots[i];
			}
		free(s->keys);
		free(s->slots);
		s->keys = keys;
		s->slots = slots;
		s->mcap = cap;
	}
	size_t i = hash_id(id, s->mcap);
	while (s->keys[i] && s->keys[i] != id)
		i = (i + 1) & (s->mcap - 1);
	s->keys[i] = id;
	s->slots[i] = slot;
}

static void cand_clear(struct cand *c)
{
	free(c->label);
	free(c->exp_text);
	free(c->skills);
	int64_t id = c->id;
	memset(c, 0, sizeof(*c));
	c->id = id;
}

static void side_free(struct side *s)
{
	for (size_t i = 0; i < s->n; i++)
		cand_clear(&s->v[i]);
	free(s->v);
	free(s->keys);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

/* The slot for id, appended when new. */
static struct cand *side_slot(struct side *s, int64_t id)
{
	size_t *p = side_find(s, id);
	if (p)
		return &s->v[*p];
	if (s->n == s->cap)
		s->v = xrealloc(s->v, (s->cap = s->cap ? s->cap * 2 : 1024) * sizeof(*s->v));
	map_put(s, id, s->n);
	struct cand *c = &s->v[s->n++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	return c;
}

/* ---- taxonomy helpers ---- */

static void name_at(int idx, const char *name)
{
	if ((size_t)idx >= g.nnames) {
		size_t n = (size_t)idx * 2 + 16;
		g.names = xrealloc(g.names, n * sizeof(*g.names));
		memset(g.names + g.nnames, 0, (n - g.nnames) * sizeof(*g.names));
		g.nnames = n;
	}
	if (!g.names[idx])
		g.names[idx] = xstrdup(name);
}

static int parent_of(int s)
{
	return s < g.tax.nskills ? g.tax.parent[s] : -1;
}

static double similarity(int a, int b)
{
	if (a == b)
		return 1.0;
	int pa = parent_of(a), pb = parent_of(b);
	if (pa == b || pb == a)
		return SIM_PARENT;
	if (pa >= 0 && pa == pb)
		return SIM_SIBLING;
	return 0.0;
}

static void df_add(const struct cand *c, int delta)
{
	if (!c->live)
		return;
	for (int i = 0; i < c->nskills; i++) {
		size_t s = (size_t)c->skills[i];
		if (s >= g.ndf) {
			size_t n = s * 2 + 64;
			g.df = xrealloc(g.df, n * sizeof(*g.df));
			memset(g.df + g.ndf, 0, (n - g.ndf) * sizeof(*g.df));
			g.ndf = n;
		}
		g.df[s] += delta;
	}
	g.nlive = (size_t)((long long)g.nlive + delta);
}

static int df_of(int s)
{
	return (size_t)s < g.ndf ? g.df[s] : 0;
}

/* Canonical, unique skill indexes of a JSON tags array, in its order. */
static void parse_skills(const char *text, struct cand *c)
{
	json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
	size_t i;
	json_t *v;
	c->skills = xmalloc((json_array_size(arr) + 1) * sizeof(int));
	c->nskills = 0;
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v) || !*json_string_value(v))
			continue;
		int s = taxonomy_canonical(&g.tax, json_string_value(v));
		name_at(s, json_string_value(v));
		bool dup = false;
		for (int k = 0; k < c->nskills && !dup; k++)
			dup = c->skills[k] == s;
		if (!dup)
			c->skills[c->nskills++] = s;
	}
	json_decref(arr);
}

static int edu_rank(const char *s)
{
	for (int i = 0; s && i < (int)(sizeof(edu_names) / sizeof(edu_names[0])); i++)
		if (!strcmp(s, edu_names[i]))
			return i;
	return 0; /* NULL, 不限 */
}

static int exp_band_lower(const char *s)
{
	for (int i = 0; s && i < (int)(sizeof(exp_names) / sizeof(exp_names[0])); i++)
		if (!strcmp(s, exp_names[i]))
			return exp_lower[i];
	return 0;
}

static void set_region(struct cand *c, const char *code)
{
	snprintf(c->region, sizeof(c->region), "%s", code ? code : "");
}

static void post_add(const struct cand *c, uint32_t slot)
{
	for (int i = 0; i < c->nskills; i++) {
		size_t s = (size_t)c->skills[i];
		if (s >= g.npost) {
			size_t n = s * 2 + 64;
			g.post = xrealloc(g.post, n * sizeof(*g.post));
			memset(g.post + g.npost, 0, (n - g.npost) * sizeof(*g.post));
			g.npost = n;
		}
		struct posting *p = &g.post[s];
		if (p->n == p->cap)
			p->v = xrealloc(p->v, (p->cap = p->cap ? p->cap * 2 : 8) * sizeof(*p->v));
		p->v[p->n++] = slot;
	}
}

/* Children lists from the parent links, once per taxonomy. */
static void build_kids(void)
{
	int n = g.tax.nskills, *count = xcalloc((size_t)n + 1, sizeof(int));
	g.kids = xcalloc((size_t)n + 1, sizeof(*g.kids));
	for (int i = 0; i < n; i++)
		if (g.tax.parent[i] >= 0)
			count[g.tax.parent[i]]++;
	for (int i = 0; i < n; i++) {
		g.kids[i] = xmalloc(((size_t)count[i] + 1) * sizeof(int));
		g.kids[i][0] = -1;
		count[i] = 0;
	}
	for (int i = 0; i < n; i++) {
		int p = g.tax.parent[i];
		if (p >= 0) {
			g.kids[p][count[p]++] = i;
			g.kids[p][count[p]] = -1;
		}
	}
	free(count);
}

/* ---- loading rows ---- */

#define TALENT_SQL                                                                                 \
	"SELECT t.id, t.person_id, t.skills, t.experience_years, t.chain_id, t.status,"            \
	" p.education, r.code, p.name, p.deleted_at IS NULL FROM talent t"                         \
	" JOIN person p ON p.id = t.person_id LEFT JOIN region r ON r.id = p.region_id"            \
	" WHERE t.deleted_at IS NULL"

#define NEED_SQL                                                                                   \
	"SELECT n.id, n.enterprise_id, n.segment_id, n.skills, n.experience, n.education,"         \
	" n.status, s.chain_id, r.code, n.post_name FROM need n"                                   \
	" JOIN enterprise e ON e.id = n.enterprise_id LEFT JOIN segment s ON s.id = n.segment_id"  \
	" LEFT JOIN region r ON r.id = e.region_id WHERE n.deleted_at IS NULL"

static void read_talent(struct store_stmt *st)
{
	struct cand *c = side_slot(&g.talents, store_column_int(st, 0));
	df_add(c, -1);
	cand_clear(c);
	c->present = true;
	c->ref_a = store_column_int(st, 1);
	parse_skills(store_column_text(st, 2), c);
	c->exp = (int)store_column_int(st, 3);
	c->chain_id = store_column_int(st, 4);
	const char *status = store_column_text(st, 5);
	/* a talent not marked as gone (status empty) is in the pool, as in the catalog */
	c->live = (!status || !strcmp(status, "在锡")) && store_column_int(st, 9);
	c->edu = edu_rank(store_column_text(st, 6));
	set_region(c, store_column_text(st, 7));
	c->label = xstrdup(store_column_text(st, 8) ? store_column_text(st, 8) : "");
	df_add(c, 1);
	post_add(c, (uint32_t)(c - g.talents.v));
}

static void read_need(struct store_stmt *st)
{
	struct cand *c = side_slot(&g.needs, store_column_int(st, 0));
	cand_clear(c);
	c->present = true;
	c->ref_a = store_column_int(st, 1);
	c->ref_b = store_column_int(st, 2);
	parse_skills(store_column_text(st, 3), c);
	const char *exp = store_column_text(st, 4);
	c->exp = exp_band_lower(exp);
	c->exp_text = xstrdup(exp ? exp : "不限");
	c->edu = edu_rank(store_column_text(st, 5));
	const char *status = store_column_text(st, 6);
	c->live = status && !strcmp(status, "开放");
	c->chain_id = store_column_int(st, 7);
	set_region(c, store_column_text(st, 8));
	c->label = xstrdup(store_column_text(st, 9) ? store_column_text(st, 9) : "");
}

/* Runs sql (with an optional id bound to ?1) and reads every row. */
static enum xz_result load_rows(struct store *db, const char *sql, int64_t id,
                                void (*read)(struct store_stmt *))
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	if (id)
		store_bind_int(st, 1, id);
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW)
		read(st);
	if (s == STORE_FAIL)
		r = store_stmt_result(st);
	store_finalize(st);
	return r;
}

/* Re-reads one row; a row gone (deleted) stays as a slot that is not present. */
static enum xz_result reload(struct store *db, char kind, int64_t id)
{
	bool talent = kind == 't';
	struct side *s = talent ? &g.talents : &g.needs;
	size_t *p = side_find(s, id);
	if (p) {
		if (talent)
			df_add(&s->v[*p], -1);
		cand_clear(&s->v[*p]);
	}
	return talent ? load_rows(db, TALENT_SQL " AND t.id = ?", id, read_talent)
	              : load_rows(db, NEED_SQL " AND n.id = ?", id, read_need);
}

static void drop_index(void)
{
	side_free(&g.talents);
	side_free(&g.needs);
	for (int i = 0; g.kids && i < g.tax.nskills; i++)
		free(g.kids[i]);
	free(g.kids);
	g.kids = NULL;
	taxonomy_free(&g.tax);
	memset(&g.tax, 0, sizeof(g.tax));
	for (size_t i = 0; i < g.nnames; i++)
		free(g.names[i]);
	free(g.names);
	g.names = NULL;
	g.nnames = 0;
	free(g.df);
	g.df = NULL;
	g.ndf = g.nlive = 0;
	for (size_t i = 0; i < g.npost; i++)
		free(g.post[i].v);
	free(g.post);
	g.post = NULL;
	g.npost = 0;
	g.built = false;
}

static enum xz_result rebuild(struct store *db)
{
	struct store_stmt *st = NULL;
	drop_index();
	enum xz_result r = taxonomy_load(db, &g.tax);
	if (!r)
		build_kids();
	if (!r &&
	    !(r = store_prepare(db, "SELECT id, name FROM skill WHERE deleted_at IS NULL", &st))) {
		while (store_step(st) == STORE_ROW) {
			int i = taxonomy_find_db_id(&g.tax, store_column_int(st, 0));
			if (i >= 0)
				name_at(i, store_column_text(st, 1));
		}
		r = store_stmt_result(st);
		store_finalize(st);
	}
	if (!r)
		r = load_rows(db, TALENT_SQL " ORDER BY t.id", 0, read_talent);
	if (!r)
		r = load_rows(db, NEED_SQL " ORDER BY n.id", 0, read_need);
	if (r)
		drop_index();
	else
		g.built = true;
	return r;
}

/* Under the write lock: applies the queued changes, or rebuilds. */
static enum xz_result refresh(struct store *db)
{
	enum xz_result r = XZ_OK;
	pthread_mutex_lock(&g.queue_lock);
	struct pending *q = g.queue;
	size_t nq = g.nqueue;
	bool stale = g.queue_stale || g.stale;
	g.queue = NULL;
	g.nqueue = g.capqueue = 0;
	g.queue_stale = g.stale = false;
	pthread_mutex_unlock(&g.queue_lock);
	if (stale || !g.built) {
		r = rebuild(db);
		goto out;
	}
	for (size_t i = 0; i < nq && !r; i++) {
		char kind = q[i].kind;
		int64_t id = q[i].id;
		if (kind == 't' || kind == 'n') {
			r = reload(db, kind, id);
			continue;
		}
		/* a person's education or region, an enterprise's region, a
		 * segment's chain: re-read the rows that copied it */
		struct side *s = kind == 'p' ? &g.talents : &g.needs;
		for (size_t k = 0; k < s->n && !r; k++) {
			const struct cand *c = &s->v[k];
			if (c->present &&
			    ((kind != 's' && c->ref_a == id) || (kind == 's' && c->ref_b == id)))
				r = reload(db, kind == 'p' ? 't' : 'n', c->id);
		}
	}
	if (r) /* half-applied: start again from the database next time */
		g.stale = true;
out:
	free(q);
	return r;
}

void match_entity_changed(const struct entity *e, int64_t id, enum change_kind kind)
{
	char k = 0;
	if (!strcmp(e->name, "talent"))
		k = 't';
	else if (!strcmp(e->name, "need"))
		k = 'n';
	else if (!strcmp(e->name, "person"))
		k = 'p';
	else if (!strcmp(e->name, "enterprise"))
		k = 'e';
	else if (!strcmp(e->name, "segment"))
		k = 's';
	pthread_mutex_lock(&g.queue_lock);
	if (!k || kind == CHANGE_MANY || g.nqueue >= MAX_PENDING) {
		/* the taxonomy or region codes changed, or too much did */
		g.queue_stale = true;
		g.nqueue = 0;
	} else if (!g.queue_stale) {
		if (g.nqueue == g.capqueue)
			g.queue =
			    xrealloc(g.queue, (g.capqueue = g.capqueue ? g.capqueue * 2 : 64) *
			                          sizeof(*g.queue));
		g.queue[g.nqueue++] = (struct pending){k, id};
	}
	pthread_mutex_unlock(&g.queue_lock);
}

static bool needs_refresh(void)
{
	pthread_mutex_lock(&g.queue_lock);
	bool v = !g.built || g.stale || g.queue_stale || g.nqueue;
	pthread_mutex_unlock(&g.queue_lock);
	return v;
}

/* Takes the lock for a query: shared when the index is current, else
 * exclusive after bringing it up to date. */
static enum xz_result lock_current(struct store *db)
{
	pthread_rwlock_rdlock(&g.lock);
	if (!needs_refresh())
		return XZ_OK;
	pthread_rwlock_unlock(&g.lock);
	pthread_rwlock_wrlock(&g.lock);
	enum xz_result r = needs_refresh() ? refresh(db) : XZ_OK;
	if (r)
		pthread_rwlock_unlock(&g.lock);
	return r;
}

enum xz_result match_warm(struct store *db)
{
	enum xz_result r = lock_current(db);
	if (!r)
		pthread_rwlock_unlock(&g.lock);
	return r;
}

void match_reset(void)
{
	pthread_rwlock_wrlock(&g.lock);
	pthread_mutex_lock(&g.queue_lock);
	free(g.queue);
	g.queue = NULL;
	g.nqueue = g.capqueue = 0;
	g.queue_stale = g.stale = false;
	pthread_mutex_unlock(&g.queue_lock);
	drop_index();
	pthread_rwlock_unlock(&g.lock);
}

/* ---- scoring ---- */

static double weight(int s)
{
	return log(1.0 + (double)g.nlive / (1.0 + (double)df_of(s)));
}

static double round4(double x)
{
	return round(x * 10000.0) / 10000.0;
}

/* Best similarity of required skill s among t's skills; *via the skill giving it. */
static double best_sim(int s, const struct cand *t, int *via)
{
	double best = 0.0;
	*via = -1;
	for (int i = 0; i < t->nskills; i++) {
		double v = similarity(s, t->skills[i]);
		if (v > best) {
			best = v;
			*via = t->skills[i];
		}
	}
	return best;
}

static bool same_district(const struct cand *a, const struct cand *b)
{
	return strlen(a->region) >= 6 && strlen(b->region) >= 6 &&
	       !strncmp(a->region, b->region, 6);
}

/* The score of talent t for need n, false when a hard filter fails; w
 * holds the weights of n's skills when the caller has them (one need
 * against many talents), else NULL. */
static bool score(const struct cand *t, const struct cand *n, const double *w_of, double *out)
{
	if (t->edu < n->edu || t->exp < n->exp)
		return false;
	double num = 0.0, den = 0.0;
	bool any = false;
	for (int i = 0; i < n->nskills; i++) {
		int via;
		double w = w_of ? w_of[i] : weight(n->skills[i]);
		double b = best_sim(n->skills[i], t, &via);
		den += w;
		num += w * b;
		any |= b > 0.0;
	}
	if (n->nskills && !any)
		return false;
	double sc = den > 0.0 ? num / den : 0.0;
	if (t->chain_id && t->chain_id == n->chain_id)
		sc += BONUS_CHAIN;
	if (same_district(t, n))
		sc += BONUS_DISTRICT;
	*out = round4(sc);
	return true;
}

struct hit {
	double score;
	int64_t id;
	size_t slot;
};

/* true when a ranks before b */
static bool before(const struct hit *a, const struct hit *b)
{
	return a->score > b->score || (a->score == b->score && a->id < b->id);
}

/* Keeps the best k hits sorted in top[0..*n). */
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

/* The talent slots that may score for need n: a talent must share a skill
 * related to a required one (itself, its parent, children or siblings), so
 * the union of those skills' postings covers every candidate. */
struct slots {
	uint32_t *v;
	size_t n;
	uint8_t *seen;
};

static void collect_posting(struct slots *out, int s)
{
	if (s < 0 || (size_t)s >= g.npost)
		return;
	const struct posting *p = &g.post[s];
	for (size_t i = 0; i < p->n; i++)
		if (!out->seen[p->v[i]]) {
			out->seen[p->v[i]] = 1;
			out->v[out->n++] = p->v[i];
		}
}

static void collect_kids(struct slots *out, int s)
{
	for (int i = 0; s >= 0 && s < g.tax.nskills && g.kids[s][i] >= 0; i++)
		collect_posting(out, g.kids[s][i]);
}

static void related_talents(const struct cand *n, struct slots *out)
{
	out->seen = xcalloc(g.talents.n + 1, 1);
	out->v = xmalloc((g.talents.n + 1) * sizeof(*out->v));
	out->n = 0;
	for (int i = 0; i < n->nskills; i++) {
		int s = n->skills[i], p = parent_of(s);
		collect_posting(out, s);
		collect_kids(out, s);
		collect_posting(out, p);
		collect_kids(out, p); /* siblings */
	}
	free(out->seen);
	out->seen = NULL;
}

static bool in_prefix(const char *code, const char *prefix)
{
	return !prefix || !*prefix || !strncmp(code, prefix, strlen(prefix));
}

static json_t *skill_names(const struct cand *c)
{
	json_t *a = json_array();
	for (int i = 0; i < c->nskills; i++)
		json_array_append_new(a, json_string(g.names[c->skills[i]]));
	return a;
}

/* The reasons of one result, in Chinese. */
static void explain(const struct cand *t, const struct cand *n, json_t *item)
{
	json_t *matched = json_array(), *missing = json_array(), *conds = json_array();
	struct buf mb = BUF_INIT, xb = BUF_INIT, cb = BUF_INIT;
	for (int i = 0; i < n->nskills; i++) {
		int s = n->skills[i], via;
		double b = best_sim(s, t, &via);
		if (b <= 0.0) {
			json_array_append_new(missing, json_string(g.names[s]));
			buf_printf(&xb, "%s%s", xb.len ? "、" : "", g.names[s]);
			continue;
		}
		const char *rel = b == 1.0 ? "相同" : b == SIM_PARENT ? "上下位" : "同类";
		json_array_append_new(matched,
		                      json_pack("{s:s, s:s, s:s, s:f}", "skill", g.names[s], "via",
		                                g.names[via], "relation", rel, "similarity", b));
		if (b == 1.0)
			buf_printf(&mb, "%s%s", mb.len ? "、" : "", g.names[s]);
		else
			buf_printf(&mb, "%s%s（%s：%s）", mb.len ? "、" : "", g.names[s], rel,
			           g.names[via]);
	}
	if (n->edu > 0) {
		char *c =
		    xasprintf("学历 %s（要求%s及以上）", edu_names[t->edu], edu_names[n->edu]);
		json_array_append_new(conds, json_string(c));
		free(c);
	}
	if (n->exp > 0) {
		char *c = xasprintf("经验 %d年（要求%s）", t->exp, n->exp_text);
		json_array_append_new(conds, json_string(c));
		free(c);
	}
	if (t->chain_id && t->chain_id == n->chain_id)
		json_array_append_new(conds, json_string("同产业链"));
	if (same_district(t, n))
		json_array_append_new(conds, json_string("同区县"));
	size_t i;
	json_t *v;
	json_array_foreach(conds, i, v)
	    buf_printf(&cb, "%s%s", i ? "、" : "", json_string_value(v));
	json_t *reasons = json_array();
	char *r1 = xasprintf("匹配技能 [%s]", buf_cstr(&mb));
	char *r2 = xasprintf("缺少技能 [%s]", buf_cstr(&xb));
	char *r3 = xasprintf("满足条件 [%s]", cb.len ? buf_cstr(&cb) : "无硬性要求");
	json_array_append_new(reasons, json_string(r1));
	json_array_append_new(reasons, json_string(r2));
	json_array_append_new(reasons, json_string(r3));
	free(r1);
	free(r2);
	free(r3);
	buf_free(&mb);
	buf_free(&xb);
	buf_free(&cb);
	json_object_set_new(item, "matched_skills", matched);
	json_object_set_new(item, "missing_skills", missing);
	json_object_set_new(item, "conditions", conds);
	json_object_set_new(item, "reasons", reasons);
}

static json_t *cand_json(const char *entity, const struct cand *c)
{
	return json_pack("{s:s, s:I, s:s, s:s, s:o}", "entity", entity, "id", (json_int_t)c->id,
	                 "label", c->label ? c->label : "", "region_code", c->region, "skills",
	                 skill_names(c));
}

/* The common query: for_need ranks talents for need id, else needs for talent id. */
static enum xz_result query(struct engine_ctx *ctx, bool for_need, int64_t id, int k,
                            const char *region, json_t **out)
{
	const struct entity *qe = model_find(for_need ? "need" : "talent");
	json_t *row = NULL;
	struct hit *top = NULL;
	double *w = NULL;
	struct slots reach = {0};
	bool locked = false;
	*out = NULL;
	enum xz_result r = engine_get(ctx, qe, id, &row);
	if (r)
		goto out;
	if ((r = lock_current(ctx->db)))
		goto out;
	locked = true;
	size_t *p = side_find(for_need ? &g.needs : &g.talents, id);
	if (!p || !(for_need ? g.needs.v : g.talents.v)[*p].present) {
		r = XZ_ERR_NOT_FOUND; /* deleted between the get and the lock */
		goto out;
	}
	const struct cand *q = &(for_need ? g.needs.v : g.talents.v)[*p];
	const struct side *cands = for_need ? &g.talents : &g.needs;
	const char *scope = ctx->actor ? ctx->actor->region_prefix : NULL;
	if (k <= 0)
		k = MATCH_DEFAULT_K;
	if (k > MATCH_MAX_K)
		k = MATCH_MAX_K;
	top = xmalloc((size_t)k * sizeof(*top));
	w = xmalloc(((size_t)q->nskills + 1) * sizeof(*w));
	for (int i = 0; i < q->nskills; i++)
		w[i] = weight(q->skills[i]);
	int ntop = 0;
	json_int_t total = 0;
	/* a need with skills only looks at the talents its skills reach */
	bool by_posting = for_need && q->nskills > 0;
	if (by_posting)
		related_talents(q, &reach);
	size_t ncand = by_posting ? reach.n : cands->n;
	for (size_t j = 0; j < ncand; j++) {
		size_t i = by_posting ? reach.v[j] : j;
		const struct cand *c = &cands->v[i];
		double sc;
		if (!c->present || !c->live || !in_prefix(c->region, scope) ||
		    !in_prefix(c->region, region))
			continue;
		if (!(for_need ? score(c, q, w, &sc) : score(q, c, NULL, &sc)))
			continue;
		total++;
		offer(top, k, &ntop, (struct hit){sc, c->id, i});
	}
	json_t *items = json_array();
	for (int i = 0; i < ntop; i++) {
		const struct cand *c = &cands->v[top[i].slot];
		json_t *item = cand_json(for_need ? "talent" : "need", c);
		json_object_set_new(item, "rank", json_integer(i + 1));
		json_object_set_new(item, "score", json_real(top[i].score));
		explain(for_need ? c : q, for_need ? q : c, item);
		json_array_append_new(items, item);
	}
	*out = json_pack("{s:o, s:i, s:I, s:o}", "query", cand_json(qe->name, q), "k", k, "total",
	                 total, "items", items);
out:
	if (locked)
		pthread_rwlock_unlock(&g.lock);
	free(top);
	free(w);
	free(reach.v);
	json_decref(row);
	return r;
}

enum xz_result match_for_need(struct engine_ctx *ctx, int64_t need_id, int k, const char *region,
                              json_t **out)
{
	return query(ctx, true, need_id, k, region, out);
}

enum xz_result match_for_talent(struct engine_ctx *ctx, int64_t talent_id, int k,
                                const char *region, json_t **out)
{
	return query(ctx, false, talent_id, k, region, out);
}
