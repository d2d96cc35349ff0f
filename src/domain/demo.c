/*
 * Seeds the demo city (see demo.h) from the static facts of demo_data.c and
 * a deterministic generator. Every row goes through engine_create with the
 * system actor, so demo data obeys exactly the validation users face; all
 * of it is one transaction (the engine's own begin/commit nest inside), so
 * a failure leaves the database untouched, and one summary audit row
 * replaces the tens of thousands of per-row rows the engine would write.
 * Random choices come from splitmix64 seeded by the caller, never from
 * rand() or the clock, so the same seed always yields the same city.
 */
#include "domain/demo.h"
#include "domain/evaluation.h"

#include "auth/audit.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/valid.h"
#include "domain/demo_data.h"
#include "domain/demo_people.h"
#include "domain/problem.h"
#include "domain/recruit.h"
#include "engine/engine.h"
#include "model/model.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STAT_YEAR 2023
/* The speech: 2023 规上营收 1.99万亿元, 战略性新兴产业 41.4%, 高新技术产业 51.8%. */
#define CITY_REVENUE_CENTS 1990000L /* 19900.00 亿元 */
#define CITY_STRATEGIC_PERMIL 414
#define CITY_HIGHTECH_PERMIL 518
/* 规上 (above designated size) means at least 2000万元 of annual revenue. */
#define ABOVE_SCALE_WAN 2000.0

enum counted { C_REGION, C_CLUSTER, C_STAT, C_CHAIN, C_SEGMENT, C_PARK, C_INST, C_ENT, C_NCOUNT };

static const char *const counted_names[C_NCOUNT] = {
	"region", "cluster", "cluster_stat", "chain", "segment", "park", "institution", "enterprise",
};

/* a place: a district, or one of its towns when town >= 0 */
struct place {
	int district, town;
};

struct seg_rt {
	int64_t id;
	int parent; /* index into segs, -1 for a top-level node */
	bool leaf;
	const char *products;
};

struct chain_rt {
	int64_t id;
	int first, count; /* its segments in segs */
};

struct park_rt {
	int64_t id;
	struct place at;
	int cluster;
};

struct seeder {
	struct engine_ctx ctx;
	uint64_t rng;
	char *msg;
	size_t n;
	int64_t city_id;
	int64_t district_id[DEMO_NDISTRICTS];
	int64_t *town_id[DEMO_NDISTRICTS];
	int64_t cluster_id[DEMO_NCLUSTERS];
	long revenue_cents[DEMO_NCLUSTERS];
	struct chain_rt *chains;
	struct seg_rt *segs;
	size_t nsegs;
	struct park_rt *parks;
	json_t *names, *usccs; /* used values, as sets */
	long counts[C_NCOUNT], links;
	struct demo_people_counts people;
	struct buf products, name; /* reused for every enterprise */
};

/* ---- deterministic randomness ---- */

static uint64_t next_u64(struct seeder *s)
{
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [0, 1) */
static double uniform(struct seeder *s)
{
	return (double)(next_u64(s) >> 11) * 0x1.0p-53;
}

static int below(struct seeder *s, int n)
{
	return (int)(uniform(s) * n);
}

static bool chance(struct seeder *s, double p)
{
	return uniform(s) < p;
}

static double normal(struct seeder *s)
{
	double u1 = 1.0 - uniform(s), u2 = uniform(s);
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static int weighted(struct seeder *s, const unsigned char *w, int n)
{
	int total = 0;
	for (int i = 0; i < n; i++)
		total += w[i];
	int x = below(s, total);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

static size_t list_len(const char *const *list)
{
	size_t n = 0;
	while (list[n])
		n++;
	return n;
}

static const char *pick(struct seeder *s, const char *const *list)
{
	return list[below(s, (int)list_len(list))];
}

/* ---- writing rows ---- */

/* Creates one row from in (consumed) and stores its id in *id. On failure
 * msg names the row and carries the engine's first complaint. */
static enum xz_result create(struct seeder *s, enum counted what, json_t *in, int64_t *id)
{
	const struct entity *e = model_find(counted_names[what]);
	json_t *out = NULL;
	enum xz_result r;
	if (!e || !in) {
		snprintf(s->msg, s->n, "内部错误：无法构造%s数据", counted_names[what]);
		r = XZ_ERR_INTERNAL;
		goto out;
	}
	r = engine_create(&s->ctx, e, in, &out);
	if (r) {
		json_t *first = json_array_get(s->ctx.errs.details, 0);
		const char *why = json_string_value(json_object_get(first, "message"));
		const char *row = json_string_value(json_object_get(in, e->display));
		if (!why)
			why = *s->ctx.message ? s->ctx.message : result_info(r)->message;
		snprintf(s->msg, s->n, "创建%s“%s”失败：%s", e->label, row ? row : "", why);
		goto out;
	}
	*id = json_integer_value(json_object_get(out, "id"));
	s->counts[what]++;
out:
	json_decref(in);
	json_decref(out);
	return r;
}

/* Region codes: the city and its districts carry their GB/T 2260 codes
 * from reference/regions.tsv; streets and towns, whose official codes are
 * not given there, get the district code plus three digits numbered 001,
 * 002 … in the order regions.tsv lists them, so the codes are stable and
 * each town's code begins with its district's. */
static enum xz_result seed_regions(struct seeder *s)
{
	enum xz_result r = create(s, C_REGION,
	                          json_pack("{s:s, s:s, s:s}", "code", demo_city_code, "name",
	                                    demo_city_name, "level", "市"),
	                          &s->city_id);
	for (int d = 0; !r && d < DEMO_NDISTRICTS; d++) {
		const struct demo_district *dd = &demo_districts[d];
		r = create(s, C_REGION,
		           json_pack("{s:s, s:s, s:s, s:I}", "code", dd->code, "name", dd->name, "level",
		                     "区县", "parent_id", (json_int_t)s->city_id),
		           &s->district_id[d]);
		size_t nt = list_len(dd->towns);
		s->town_id[d] = xcalloc(nt, sizeof(int64_t));
		for (size_t t = 0; !r && t < nt; t++) {
			char code[32];
			snprintf(code, sizeof(code), "%s%03zu", dd->code, t + 1);
			r = create(s, C_REGION,
			           json_pack("{s:s, s:s, s:s, s:I}", "code", code, "name", dd->towns[t],
			                     "level", "乡镇", "parent_id", (json_int_t)s->district_id[d]),
			           &s->town_id[d][t]);
		}
	}
	return r;
}

static bool find_place(const char *name, struct place *out)
{
	for (int d = 0; d < DEMO_NDISTRICTS; d++) {
		if (!strcmp(demo_districts[d].name, name)) {
			*out = (struct place){d, -1};
			return true;
		}
		for (int t = 0; demo_districts[d].towns[t]; t++) {
			if (!strcmp(demo_districts[d].towns[t], name)) {
				*out = (struct place){d, t};
				return true;
			}
		}
	}
	return false;
}

static int64_t place_id(struct seeder *s, struct place p)
{
	return p.town >= 0 ? s->town_id[p.district][p.town] : s->district_id[p.district];
}

/* The speech reports the city's 2023 规上营收 as 1.99万亿元 with 41.4 % from
 * strategic emerging and 51.8 % from high-tech industries, and the 465
 * clusters are how the city accounts for that output. So the cluster
 * figures must add up to it: the revenues sum to exactly 19900.00 亿元 (the
 * last cluster takes what the others leave), and the revenue-weighted
 * averages of the two shares are the speech's percentages, which the
 * first (largest) cluster's shares are solved for. Rounding those to 0.1 %
 * moves an average by at most 0.05 × its weight of ~0.21, far inside the
 * 0.05 points allowed. demo_data.c holds the resulting values; solving for
 * them here keeps the totals right when someone edits another cluster. */
static int balancing_share(const long *rev, long total, int target, bool strategic)
{
	long long rest = 0;
	for (int i = 1; i < DEMO_NCLUSTERS; i++)
		rest += (long long)rev[i] * (strategic ? demo_clusters[i].strategic_permil
		                                       : demo_clusters[i].hightech_permil);
	long long need = (long long)target * total - rest;
	return (int)((need + rev[0] / 2) / rev[0]);
}

static enum xz_result seed_clusters(struct seeder *s)
{
	long total = 0;
	for (int i = 0; i < DEMO_NCLUSTERS - 1; i++) {
		s->revenue_cents[i] = demo_clusters[i].revenue_cents;
		total += s->revenue_cents[i];
	}
	s->revenue_cents[DEMO_NCLUSTERS - 1] = CITY_REVENUE_CENTS - total;
	int strategic0 = balancing_share(s->revenue_cents, CITY_REVENUE_CENTS,
	                                 CITY_STRATEGIC_PERMIL, true);
	int hightech0 = balancing_share(s->revenue_cents, CITY_REVENUE_CENTS,
	                                CITY_HIGHTECH_PERMIL, false);
	if (s->revenue_cents[DEMO_NCLUSTERS - 1] <= 0 || strategic0 < 0 || strategic0 > 1000 ||
	    hightech0 < 0 || hightech0 > 1000) {
		snprintf(s->msg, s->n, "内部错误：示范集群数据与全市总量不一致");
		return XZ_ERR_INTERNAL;
	}
	enum xz_result r = XZ_OK;
	for (int i = 0; !r && i < DEMO_NCLUSTERS; i++) {
		const struct demo_cluster *c = &demo_clusters[i];
		json_t *target = c->target_2025 ? json_real(c->target_2025) : json_null();
		r = create(s, C_CLUSTER,
		           json_pack("{s:s, s:s, s:o, s:i, s:s}", "name", c->name, "tier", c->tier,
		                     "target_2025", target, "sort_order", i + 1, "description",
		                     c->description),
		           &s->cluster_id[i]);
		if (r)
			break;
		int64_t stat_id;
		int strategic = i ? c->strategic_permil : strategic0;
		int hightech = i ? c->hightech_permil : hightech0;
		r = create(s, C_STAT,
		           json_pack("{s:I, s:i, s:f, s:f, s:f, s:i}", "cluster_id",
		                     (json_int_t)s->cluster_id[i], "year", STAT_YEAR, "revenue",
		                     s->revenue_cents[i] / 100.0, "strategic_share", strategic / 10.0,
		                     "hightech_share", hightech / 10.0, "enterprise_count",
		                     c->enterprise_count),
		           &stat_id);
	}
	return r;
}

static enum xz_result seed_chains(struct seeder *s)
{
	size_t total = 0;
	for (size_t c = 0; c < demo_nchains; c++)
		for (const struct demo_segment *g = demo_chains[c].segments; g->name; g++)
			total++;
	s->chains = xcalloc(demo_nchains, sizeof(*s->chains));
	s->segs = xcalloc(total, sizeof(*s->segs));
	enum xz_result r = XZ_OK;
	for (size_t c = 0; !r && c < demo_nchains; c++) {
		const struct demo_chain *dc = &demo_chains[c];
		struct chain_rt *ch = &s->chains[c];
		r = create(s, C_CHAIN,
		           json_pack("{s:s, s:I, s:s, s:s}", "name", dc->name, "cluster_id",
		                     (json_int_t)s->cluster_id[dc->cluster], "chain_leader",
		                     dc->leader, "description", dc->description),
		           &ch->id);
		ch->first = (int)s->nsegs;
		int top = -1;
		const char *stage = NULL;
		for (int k = 0; !r && dc->segments[k].name; k++) {
			const struct demo_segment *g = &dc->segments[k];
			struct seg_rt *sg = &s->segs[s->nsegs];
			if (g->depth == 0) {
				top = (int)s->nsegs;
				stage = g->stage;
			}
			sg->parent = g->depth ? top : -1;
			sg->leaf = g->products != NULL;
			sg->products = g->products;
			char *desc = g->products ? xasprintf("代表产品：%s", g->products) : NULL;
			json_t *parent = sg->parent >= 0 ? json_integer(s->segs[sg->parent].id)
			                                 : json_null();
			r = create(s, C_SEGMENT,
			           json_pack("{s:I, s:o, s:s, s:s, s:b, s:i, s:s?}", "chain_id",
			                     (json_int_t)ch->id, "parent_id", parent, "name", g->name,
			                     "stage", stage, "bottleneck", g->bottleneck, "sort_order",
			                     k + 1, "description", desc),
			           &sg->id);
			free(desc);
			s->nsegs++;
		}
		ch->count = (int)s->nsegs - ch->first;
	}
	return r;
}

static enum xz_result seed_parks(struct seeder *s)
{
	s->parks = xcalloc(demo_nparks, sizeof(*s->parks));
	enum xz_result r = XZ_OK;
	for (size_t i = 0; !r && i < demo_nparks; i++) {
		const struct demo_park *p = &demo_parks[i];
		struct park_rt *pr = &s->parks[i];
		if (!find_place(p->region, &pr->at)) {
			snprintf(s->msg, s->n, "内部错误：园区“%s”的所在地“%s”不在区划表中", p->name,
			         p->region);
			return XZ_ERR_INTERNAL;
		}
		pr->cluster = p->cluster;
		r = create(s, C_PARK,
		           json_pack("{s:s, s:I, s:s, s:s, s:s}", "name", p->name, "region_id",
		                     (json_int_t)place_id(s, pr->at), "level", p->level, "kind",
		                     p->kind, "address", p->address),
		           &pr->id);
	}
	return r;
}

static enum xz_result seed_institutions(struct seeder *s)
{
	enum xz_result r = XZ_OK;
	for (size_t i = 0; !r && i < demo_ninstitutions; i++) {
		const struct demo_institution *in = &demo_institutions[i];
		struct place at;
		int64_t id;
		if (!find_place(in->region, &at)) {
			snprintf(s->msg, s->n, "内部错误：机构“%s”的所在地“%s”不在区划表中",
			         in->name, in->region);
			return XZ_ERR_INTERNAL;
		}
		r = create(s, C_INST,
		           json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "name", in->name, "kind",
		                     in->kind, "level", in->level, "region_id",
		                     (json_int_t)place_id(s, at), "cluster_id",
		                     (json_int_t)s->cluster_id[in->cluster], "description",
		                     in->description),
		           &id);
	}
	return r;
}

/* ---- enterprises ---- */

/* the byte length of the UTF-8 character starting at p */
static size_t utf8_char_len(const char *p)
{
	unsigned char c = (unsigned char)*p;
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* a random character of a UTF-8 string, copied into out (8 bytes) */
static void random_char(struct seeder *s, const char *str, char *out)
{
	int n = 0;
	for (const char *p = str; *p; p += utf8_char_len(p))
		n++;
	const char *p = str;
	for (int k = below(s, n); k > 0; k--)
		p += utf8_char_len(p);
	snprintf(out, 8, "%.*s", (int)utf8_char_len(p), p);
}

/* A trade name (字号) of distinct characters, the first sometimes taken
 * from the cluster's flavour (芯 for chips) as real firms like to signal
 * their trade. */
static void trade_name(struct seeder *s, int cluster, int len, struct buf *b)
{
	char used[3][8];
	for (int i = 0; i < len && i < 3; i++) {
		bool dup;
		do {
			if (i == 0 && chance(s, 0.3))
				random_char(s, demo_clusters[cluster].flavor, used[i]);
			else
				snprintf(used[i], sizeof(used[i]), "%s", pick(s, demo_trade_chars));
			dup = false;
			for (int j = 0; j < i; j++)
				dup |= !strcmp(used[i], used[j]);
		} while (dup);
		buf_puts(b, used[i]);
	}
}

/* the largest "round" amount (1, 2, 3 or 5 × 10^k) not above x */
static double round_amount(double x)
{
	static const double steps[] = {5, 3, 2, 1};
	double p = pow(10, floor(log10(x)));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * p <= x)
			return steps[i] * p;
	return p;
}

/* a random segment of the chain that is a leaf (or an inner node) */
static int random_segment(struct seeder *s, const struct chain_rt *ch, bool leaf)
{
	int n = 0;
	for (int k = ch->first; k < ch->first + ch->count; k++)
		n += s->segs[k].leaf == leaf;
	if (!n) /* every chain has leaves; not every chain need have inner nodes */
		return random_segment(s, ch, true);
	int x = below(s, n);
	for (int k = ch->first;; k++)
		if (s->segs[k].leaf == leaf && x-- == 0)
			return k;
}

/* one or two real products of segment k; an inner node speaks through one
 * of its children */
static void add_products(struct seeder *s, const struct chain_rt *ch, int k, struct buf *out)
{
	if (!s->segs[k].leaf) {
		int n = 0, child = k;
		for (int j = ch->first; j < ch->first + ch->count; j++)
			if (s->segs[j].parent == k && chance(s, 1.0 / ++n))
				child = j; /* reservoir sampling: each child equally likely */
		if (child == k)
			return;
		k = child;
	}
	const char *items[16];
	size_t lens[16];
	int n = 0;
	for (const char *p = s->segs[k].products; p && *p && n < 16;) {
		const char *sep = strstr(p, "、");
		items[n] = p;
		lens[n++] = sep ? (size_t)(sep - p) : strlen(p);
		p = sep ? sep + strlen("、") : p + strlen(p);
	}
	if (!n)
		return;
	int first = below(s, n), take = n > 1 && chance(s, 0.6) ? 2 : 1;
	for (int i = 0; i < take; i++) {
		int j = (first + i) % n;
		if (out->len)
			buf_puts(out, "、");
		buf_append(out, items[j], lens[j]);
	}
}

/* a park in the enterprise's district, or -1; parks devoted to the
 * enterprise's cluster attract it most */
static int choose_park(struct seeder *s, int district, int cluster)
{
	int any[32], special[32], na = 0, ns = 0;
	for (size_t i = 0; i < demo_nparks && i < 32; i++) {
		if (s->parks[i].at.district != district)
			continue;
		if (s->parks[i].cluster == cluster)
			special[ns++] = (int)i;
		else if (s->parks[i].cluster < 0)
			any[na++] = (int)i;
	}
	if (ns && chance(s, 0.6))
		return special[below(s, ns)];
	if (na && chance(s, 0.4))
		return any[below(s, na)];
	return -1;
}

static void unique_uscc(struct seeder *s, int district, char *out)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	do {
		/* 9: enterprise registered with 市场监管; 1: 企业 */
		memcpy(out, "91", 2);
		memcpy(out + 2, demo_districts[district].code, 6);
		for (int i = 8; i < 17; i++)
			out[i] = alphabet[below(s, (int)sizeof(alphabet) - 1)];
		out[17] = valid_uscc_check(out);
		out[18] = '\0';
	} while (json_object_get(s->usccs, out));
	json_object_set_new(s->usccs, out, json_true());
}

static void unique_name(struct seeder *s, int district, int cluster, const struct demo_chain *dc,
                        double revenue, struct buf *b)
{
	for (int attempt = 0;; attempt++) {
		buf_reset(b);
		buf_puts(b, demo_districts[district].place);
		trade_name(s, cluster, attempt < 50 ? 2 : 3, b);
		buf_puts(b, pick(s, dc->words));
		double x = uniform(s);
		if (revenue >= 200000 && x < 0.3)
			buf_puts(b, "集团有限公司");
		else if ((revenue >= ABOVE_SCALE_WAN && x < 0.35) || x < 0.08)
			buf_puts(b, "股份有限公司");
		else
			buf_puts(b, "有限公司");
		if (!json_object_get(s->names, buf_cstr(b)))
			break;
	}
	json_object_set_new(s->names, buf_cstr(b), json_true());
}

static void person_name(struct seeder *s, char *out, size_t n)
{
	const char *surname = pick(s, demo_surnames);
	snprintf(out, n, "%s%s", surname, pick(s, demo_given_names));
}

static enum xz_result seed_enterprise(struct seeder *s, int chain)
{
	const struct demo_chain *dc = &demo_chains[chain];
	const struct chain_rt *ch = &s->chains[chain];
	int cluster = dc->cluster;
	const struct demo_cluster *cl = &demo_clusters[cluster];
	bool future = cl->target_2025 == 0;

	/* where */
	struct place at = {weighted(s, cl->district_weight, DEMO_NDISTRICTS), -1};
	int ntowns = (int)list_len(demo_districts[at.district].towns);
	if (chance(s, 0.85))
		at.town = below(s, ntowns);
	int park = choose_park(s, at.district, cluster);
	if (park >= 0 && s->parks[park].at.town >= 0)
		at.town = s->parks[park].at.town;

	/* size: log-normal revenue in 万元, so most firms are small and a few
	 * are very large; about 35 % reach the 规上 threshold */
	double revenue = exp(6.79 - (future ? 0.8 : 0) + 2.1 * normal(s));
	revenue = round(fmin(fmax(revenue, 30), 2e7) * 100) / 100;
	bool above = revenue >= ABOVE_SCALE_WAN;
	double employees = fmin(fmax(3, revenue / (35 + 125 * uniform(s))), 60000);
	double capital = round_amount(fmax(10, revenue * (0.05 + 0.55 * uniform(s))));
	/* about a quarter of firms hold the 高新 title: more in high-tech
	 * clusters, and more among 规上 firms */
	double p_ht = cl->hightech_permil / 1000.0 * 0.48 * (above ? 1.3 : 0.85);
	bool high_tech = chance(s, p_ht);
	/* 专精特新 are small and medium firms with real scale */
	bool srdi = revenue >= 1000 && revenue <= 40000 && chance(s, high_tech ? 0.32 : 0.13);

	/* big firms took years to grow; 未来产业 firms are young */
	int first_year = future ? 2012 : 1995;
	int last_year = revenue > 1e5 ? 2015 : revenue > 1e4 ? 2021 : 2024;
	/* one draw per statement: argument evaluation order is unspecified,
	 * and the same seed must give the same city with any compiler */
	int year = first_year + below(s, last_year - first_year + 1);
	int month = 1 + below(s, 12);
	int day = 1 + below(s, 28);
	char established[48];
	snprintf(established, sizeof(established), "%04d-%02d-%02d", year, month, day);

	/* what: 1–3 segments of one chain, leaves preferred */
	int segs[3], nseg = 1;
	segs[0] = random_segment(s, ch, !chance(s, 0.1));
	int want = chance(s, 0.35) ? (chance(s, 0.3) ? 3 : 2) : 1;
	for (int tries = 0; nseg < want && tries < 20; tries++) {
		int k = random_segment(s, ch, true);
		bool dup = false;
		for (int i = 0; i < nseg; i++)
			dup |= segs[i] == k;
		if (!dup)
			segs[nseg++] = k;
	}
	json_t *seg_ids = json_array();
	buf_reset(&s->products);
	for (int i = 0; i < nseg; i++) {
		json_array_append_new(seg_ids, json_integer(s->segs[segs[i]].id));
		add_products(s, ch, segs[i], &s->products);
	}

	char uscc[19], rep[32];
	unique_uscc(s, at.district, uscc);
	person_name(s, rep, sizeof(rep));
	const struct demo_district *dd = &demo_districts[at.district];
	const char *road = pick(s, dd->roads);
	int number = 1 + below(s, 388);
	char *address = xasprintf("%s%s%s%d号", dd->addr, at.town >= 0 ? dd->towns[at.town] : "",
	                          road, number);
	unique_name(s, at.district, cluster, dc, revenue, &s->name);

	int64_t id;
	enum xz_result r = create(
		s, C_ENT,
		json_pack("{s:s, s:s, s:I, s:o, s:s, s:s, s:f, s:I, s:f, s:b, s:b, s:b, s:s, s:s, s:o}",
	                  "name", buf_cstr(&s->name), "uscc", uscc, "region_id",
	                  (json_int_t)place_id(s, at), "park_id",
	                  park >= 0 ? json_integer(s->parks[park].id) : json_null(), "legal_rep", rep,
	                  "established", established, "registered_capital", capital, "employees",
	                  (json_int_t)employees, "revenue", revenue, "above_scale", above,
	                  "high_tech", high_tech, "srdi", srdi, "main_products", buf_cstr(&s->products),
	                  "address", address, "segment_ids", seg_ids),
		&id);
	if (!r)
		s->links += nseg;
	free(address);
	return r;
}

static int scale_size(const char *scale)
{
	if (scale && !strcmp(scale, "small"))
		return 300;
	if (scale && !strcmp(scale, "city"))
		return 20000;
	return 0;
}

/* Each enterprise gets a chain: clusters get shares of total in proportion
 * to their revenue, but never fewer than per_chain for each of their chains
 * (so a 未来产业 chain is never empty); the largest cluster absorbs the
 * rounding. The list is then shuffled so ids do not group by cluster. */
static int *plan_chains(struct seeder *s, int total)
{
	int alloc[DEMO_NCLUSTERS], nchains[DEMO_NCLUSTERS] = {0}, sum = 0;
	int per_chain = total >= 5000 ? 10 : 2;
	for (size_t c = 0; c < demo_nchains; c++)
		nchains[demo_chains[c].cluster]++;
	for (int i = 0; i < DEMO_NCLUSTERS; i++) {
		int share = (int)((long long)total * s->revenue_cents[i] / CITY_REVENUE_CENTS);
		alloc[i] = share > nchains[i] * per_chain ? share : nchains[i] * per_chain;
		sum += alloc[i];
	}
	alloc[0] += total - sum;
	int *plan = xcalloc((size_t)total, sizeof(int)), k = 0;
	for (int i = 0; i < DEMO_NCLUSTERS; i++) {
		int mine[8], m = 0;
		for (size_t c = 0; c < demo_nchains && m < 8; c++)
			if (demo_chains[c].cluster == i)
				mine[m++] = (int)c;
		assert(m > 0); /* every cluster has chains in demo_data.c */
		for (int j = 0; j < alloc[i] && k < total; j++)
			plan[k++] = j < m ? mine[j] : mine[below(s, m)];
	}
	for (int i = total - 1; i > 0; i--) {
		int j = below(s, i + 1), t = plan[i];
		plan[i] = plan[j];
		plan[j] = t;
	}
	return plan;
}

static enum xz_result seed_enterprises(struct seeder *s, int total)
{
	int *plan = plan_chains(s, total);
	enum xz_result r = XZ_OK;
	for (int i = 0; !r && i < total; i++)
		r = seed_enterprise(s, plan[i]);
	free(plan);
	return r;
}

static json_t *summary(struct seeder *s, const char *scale, uint64_t seed)
{
	json_t *counts = json_object();
	for (int i = 0; i < C_NCOUNT; i++)
		json_object_set_new(counts, counted_names[i], json_integer(s->counts[i]));
	json_object_set_new(counts, "enterprise_segment", json_integer(s->links));
	demo_people_counts_json(&s->people, counts);
	/* JSON integers are signed: a seed beyond their range is kept as text */
	char text[24];
	snprintf(text, sizeof(text), "%" PRIu64, seed);
	json_t *seed_j = seed <= INT64_MAX ? json_integer((json_int_t)seed) : json_string(text);
	return json_pack("{s:s, s:o, s:o}", "scale", scale, "seed", seed_j, "counts", counts);
}

enum xz_result demo_seed(struct store *db, const char *scale, uint64_t seed, char *msg, size_t n)
{
	struct seeder s = {.rng = seed, .msg = msg, .n = n};
	bool in_tx = false;
	json_t *detail = NULL;
	enum xz_result r = XZ_OK;
	if (n)
		*msg = '\0';
	int total = scale_size(scale);
	engine_ctx_init(&s.ctx, db, engine_system_actor());
	s.ctx.no_audit = true;
	s.names = json_object();
	s.usccs = json_object();
	if (!total) {
		snprintf(msg, n, "未知的示范数据规模“%s”：应为 small 或 city", scale ? scale : "");
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	if ((r = store_begin(db))) {
		snprintf(msg, n, "无法开始数据库事务：%s", store_errmsg(db));
		goto out;
	}
	in_tx = true;
	int64_t have = 0;
	if ((r = store_query_int(db, "SELECT count(*) FROM region WHERE deleted_at IS NULL", &have,
	                         0, NULL))) {
		snprintf(msg, n, "无法读取行政区划：%s", store_errmsg(db));
		goto out;
	}
	if (have > 0) {
		snprintf(msg, n, "数据库中已有 %" PRId64 " 条行政区划，示范数据只能写入空数据库", have);
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	if ((r = seed_regions(&s)) || (r = seed_clusters(&s)) || (r = seed_chains(&s)) ||
	    (r = seed_parks(&s)) || (r = seed_institutions(&s)) ||
	    (r = seed_enterprises(&s, total)) ||
	    (r = demo_people_seed(&s.ctx, scale, seed, &s.people, msg, n)) ||
	    (r = demo_projects_seed(&s.ctx, scale, seed)) ||
	    (r = demo_training_seed(&s.ctx, scale, seed)) ||
	    (r = evaluation_demo_seed(&s.ctx, scale, seed)) ||
	    (r = demo_problem_seed(&s.ctx, scale, seed)) ||
	    (r = demo_recruit_seed(&s.ctx, scale, seed)) ||
	    (r = demo_org_seed(&s.ctx, scale, seed)))
		goto out;
	in_tx = false;
	if ((r = store_commit(db))) {
		snprintf(msg, n, "提交示范数据失败：%s", store_errmsg(db));
		goto out;
	}
	detail = summary(&s, scale, seed);
	if ((r = audit_write(db, engine_system_actor(), "demo_seed", NULL, 0, "ok", detail)))
		snprintf(msg, n, "示范数据已写入，但审计记录写入失败");
out:
	if (in_tx)
		store_rollback(db);
	json_decref(detail);
	json_decref(s.names);
	json_decref(s.usccs);
	engine_ctx_free(&s.ctx);
	for (int d = 0; d < DEMO_NDISTRICTS; d++)
		free(s.town_id[d]);
	free(s.chains);
	free(s.segs);
	free(s.parks);
	buf_free(&s.products);
	buf_free(&s.name);
	return r;
}
