/*
 * 琢璞 secondments and experience breadth (see tempering.h). The 琢璞
 * placements themselves are the generic tempering entity; this module only
 * checks their dates and reads. Breadth is computed for one cadre or for
 * every cadre in the actor's scope with the same four queries (cadres, their
 * 任职经历 lines, their key-project chains, their placements), each reduced
 * to small bit sets per cadre: post kinds recognised by keywords in the
 * career text (乡镇街道, 开发区园区, 国有企业, 高校科研, 党群部门, 经济部门,
 * 政府部门), the districts named in it (or the city), the levels (市/县/乡),
 * the chains and the placement kinds. The score and the Chinese reasons come
 * from those sets, so a candidate list of 60,000 cadres costs four scans.
 */
#include "domain/tempering.h"

#include "core/mem.h"
#include "engine/query.h"
#include "model/entities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tempering_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                        struct model_errors *errs)
{
	(void)e, (void)db, (void)id;
	const char *start = json_string_value(json_object_get(row, "start_date"));
	const char *end = json_string_value(json_object_get(row, "end_date"));
	if (start && end && strcmp(end, start) < 0)
		model_error(errs, "end_date", "before_start", "结束日期不能早于开始日期");
}

/* ---- classification of 任职经历 lines ---- */

enum post_kind { PK_TOWN, PK_PARK, PK_SOE, PK_ACADEMIC, PK_PARTY, PK_ECONOMY, PK_GOV, PK_NKINDS };

static const char *const kind_names[PK_NKINDS] = {"乡镇街道", "开发区园区", "国有企业", "高校科研",
                                                  "党群部门", "经济部门",   "政府部门"};

static const char *const kind_words[PK_NKINDS][24] = {
    [PK_TOWN] = {"镇", "街道", "乡人民政府", "乡党委", NULL},
    [PK_PARK] = {"开发区", "园区", "高新区", "综合保税区", "新城", NULL},
    [PK_SOE] = {"集团", "公司", NULL},
    [PK_ACADEMIC] = {"大学", "学院", "研究院", "研究所", "学校", "中学", "小学", NULL},
    [PK_PARTY] = {"组织部", "宣传部", "统战部", "纪委", "监委", "政法委", "党校", "团委",
                  "共青团", "妇联", "总工会", "编办", "机构编制", "委办公室", NULL},
    [PK_ECONOMY] = {"发展和改革", "发改", "工业和信息化", "工信", "商务", "财政", "科学技术",
                    "科技局", "金融", "投资促进", "统计", "税务", "审计", "市场监督",
                    "国有资产", "国资", "行政审批", "数据局", NULL},
    [PK_GOV] = {"局", "委", "办", "政府", "院", "厅", "中心", NULL},
};

static int classify_kind(const char *text)
{
	for (int k = 0; k < PK_NKINDS; k++)
		for (const char *const *w = kind_words[k]; *w; w++)
			if (strstr(text, *w))
				return k;
	return -1;
}

enum { LV_CITY, LV_COUNTY, LV_TOWN, LV_N };
static const char *const level_names[LV_N] = {"市", "县", "乡"};

static int level_index(const char *s)
{
	for (int i = 0; s && i < LV_N; i++)
		if (!strcmp(s, level_names[i]))
			return i;
	return -1;
}

#define MAX_PLACES 64
#define MAX_CHAINS 256

/* the city and its districts (6-digit codes), for the places career lines name */
struct places {
	char code[MAX_PLACES][8];
	char *name[MAX_PLACES];
	bool city[MAX_PLACES];
	int n;
	int64_t chain_id[MAX_CHAINS];
	char *chain_name[MAX_CHAINS];
	int nchains;
};

static void places_free(struct places *pl)
{
	for (int i = 0; i < pl->n; i++)
		free(pl->name[i]);
	for (int i = 0; i < pl->nchains; i++)
		free(pl->chain_name[i]);
}

static enum xz_result places_load(struct store *db, struct places *pl)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db,
	                                 "SELECT code, name, level FROM region WHERE deleted_at IS NULL"
	                                 " AND level IN ('市', '区县') ORDER BY code",
	                                 &st);
	if (r)
		return r;
	while (store_step(st) == STORE_ROW && pl->n < MAX_PLACES) {
		const char *code = store_column_text(st, 0), *name = store_column_text(st, 1);
		if (!code || !name || strlen(code) < 6)
			continue;
		snprintf(pl->code[pl->n], sizeof(pl->code[0]), "%.6s", code);
		pl->name[pl->n] = xstrdup(name);
		pl->city[pl->n] = !strcmp(store_column_text(st, 2), "市");
		pl->n++;
	}
	store_finalize(st);
	if ((r = store_prepare(db, "SELECT id, name FROM chain WHERE deleted_at IS NULL ORDER BY id",
	                       &st)))
		return r;
	while (store_step(st) == STORE_ROW && pl->nchains < MAX_CHAINS) {
		pl->chain_id[pl->nchains] = store_column_int(st, 0);
		pl->chain_name[pl->nchains++] =
		    xstrdup(store_column_text(st, 1) ? store_column_text(st, 1) : "");
	}
	store_finalize(st);
	return XZ_OK;
}

/* the place a career line names: a district before the city; -1 for none */
static int place_of_text(const struct places *pl, const char *text)
{
	int city = -1;
	for (int i = 0; i < pl->n; i++) {
		if (!strstr(text, pl->name[i]))
			continue;
		if (!pl->city[i])
			return i;
		city = i;
	}
	return city;
}

static int place_of_code(const struct places *pl, const char *code)
{
	for (int i = 0; code && i < pl->n; i++)
		if (!strncmp(pl->code[i], code, 6))
			return i;
	return -1;
}

static int chain_index(const struct places *pl, int64_t id)
{
	for (int i = 0; id && i < pl->nchains; i++)
		if (pl->chain_id[i] == id)
			return i;
	return -1;
}

/* ---- breadth per cadre ---- */

struct breadth {
	int64_t id;
	char *name, *unit, *post, *level, *region;
	unsigned kinds, levels, dest_kinds;
	uint64_t places;
	uint64_t chains[MAX_CHAINS / 64];
	int temperings, score;
	json_t *careers; /* one cadre only: [{text, kind, level, region}] */
};

struct pool {
	struct breadth *v;
	size_t n, cap;
};

static void pool_free(struct pool *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct breadth *b = &p->v[i];
		free(b->name), free(b->unit), free(b->post), free(b->level), free(b->region);
		json_decref(b->careers);
	}
	free(p->v);
}

static struct breadth *pool_find(struct pool *p, int64_t id)
{
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->v[mid].id == id)
			return &p->v[mid];
		if (p->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static char *dup_col(struct store_stmt *st, int col)
{
	return xstrdup(store_column_text(st, col) ? store_column_text(st, col) : "");
}

static void add_chain(struct breadth *b, const struct places *pl, int64_t chain_id)
{
	int c = chain_index(pl, chain_id);
	if (c >= 0)
		b->chains[c / 64] |= 1ull << (c % 64);
}

/* runs a query whose first column is a cadre id over the pool: one cadre
 * (id bound after scope) or all in scope */
static enum xz_result scan(struct engine_ctx *ctx, const char *head, const char *tail,
                           int64_t one, bool scoped,
                           void (*fn)(struct pool *, struct places *, struct store_stmt *),
                           struct pool *pool, struct places *pl)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	buf_puts(&sql, head);
	if (one) {
		buf_puts(&sql, " AND c.id = ?");
		params_int(&p, one);
	}
	if (scoped)
		query_scope_as(model_find("cadre"), ctx->actor, "c", &sql, &p);
	buf_puts(&sql, tail);
	enum xz_result r = store_prepare(ctx->db, buf_cstr(&sql), &st);
	if (!r) {
		params_bind(&p, st, 1);
		enum store_step s;
		while ((s = store_step(st)) == STORE_ROW)
			fn(pool, pl, st);
		if (s != STORE_DONE)
			r = store_stmt_result(st);
	}
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	return r;
}

static void on_cadre(struct pool *pool, struct places *pl, struct store_stmt *st)
{
	if (pool->n == pool->cap) {
		pool->cap = pool->cap ? pool->cap * 2 : 256;
		pool->v = xrealloc(pool->v, pool->cap * sizeof(*pool->v));
	}
	struct breadth *b = &pool->v[pool->n++];
	memset(b, 0, sizeof(*b));
	b->id = store_column_int(st, 0);
	b->name = dup_col(st, 1);
	b->unit = dup_col(st, 2);
	b->post = dup_col(st, 3);
	b->level = dup_col(st, 4);
	b->region = dup_col(st, 6);
	int lv = level_index(b->level);
	if (lv >= 0)
		b->levels |= 1u << lv;
	int place = place_of_code(pl, store_column_text(st, 5));
	if (place >= 0)
		b->places |= 1ull << place;
	add_chain(b, pl, store_column_int(st, 7));
	/* the current post is a post too */
	char text[512];
	snprintf(text, sizeof(text), "%s%s", b->unit, b->post);
	int k = classify_kind(text);
	if (k >= 0)
		b->kinds |= 1u << k;
}

static void on_career(struct pool *pool, struct places *pl, struct store_stmt *st)
{
	struct breadth *b = pool_find(pool, store_column_int(st, 0));
	const char *text = store_column_text(st, 1);
	if (!b || !text)
		return;
	int k = classify_kind(text);
	int place = place_of_text(pl, text);
	int lv = k == PK_TOWN ? LV_TOWN : place >= 0 && !pl->city[place] ? LV_COUNTY
	       : place >= 0 || strstr(text, "市") ? LV_CITY : -1;
	if (k >= 0)
		b->kinds |= 1u << k;
	if (place >= 0)
		b->places |= 1ull << place;
	if (lv >= 0)
		b->levels |= 1u << lv;
	if (b->careers)
		json_array_append_new(b->careers,
		                      json_pack("{s:s, s:s, s:s, s:s}", "text", text, "kind",
		                                k >= 0 ? kind_names[k] : "", "level",
		                                lv >= 0 ? level_names[lv] : "", "region",
		                                place >= 0 ? pl->name[place] : ""));
}

static void on_project(struct pool *pool, struct places *pl, struct store_stmt *st)
{
	struct breadth *b = pool_find(pool, store_column_int(st, 0));
	if (b)
		add_chain(b, pl, store_column_int(st, 1));
}

static const char *const dest_names[] = {"顶尖高校", "创新平台", "国家部委", "战略高地",
                                         "先进地区", "基层一线"};
#define NDEST (sizeof(dest_names) / sizeof(dest_names[0]))

static void on_tempering(struct pool *pool, struct places *pl, struct store_stmt *st)
{
	(void)pl;
	struct breadth *b = pool_find(pool, store_column_int(st, 0));
	const char *kind = store_column_text(st, 1);
	if (!b)
		return;
	b->temperings++;
	for (size_t i = 0; kind && i < NDEST; i++)
		if (!strcmp(kind, dest_names[i]))
			b->dest_kinds |= 1u << i;
}

static int bits(uint64_t v)
{
	return __builtin_popcountll(v);
}

static int chain_count(const struct breadth *b)
{
	int n = 0;
	for (size_t i = 0; i < MAX_CHAINS / 64; i++)
		n += bits(b->chains[i]);
	return n;
}

static int min_int(int a, int b)
{
	return a < b ? a : b;
}

static void score(struct breadth *b)
{
	b->score = min_int(bits(b->kinds), 4) * 8 + min_int(bits(b->places), 3) * 8 +
	           min_int(bits(b->levels), 3) * 8 + min_int(chain_count(b), 2) * 5 +
	           min_int(bits(b->dest_kinds), 2) * 5;
}

static enum xz_result load(struct engine_ctx *ctx, int64_t one, struct pool *pool,
                           struct places *pl)
{
	enum xz_result r = places_load(ctx->db, pl);
	if (!r)
		r = scan(ctx,
		         "SELECT c.id, pe.name, c.unit, c.post, c.level, r.code, r.name, c.chain_id"
		         " FROM cadre c JOIN person pe ON pe.id = c.person_id"
		         " JOIN region r ON r.id = c.region_id WHERE c.deleted_at IS NULL",
		         " ORDER BY c.id", one, true, on_cadre, pool, pl);
	if (!r && one && pool->n)
		pool->v[0].careers = json_array();
	if (!r)
		r = scan(ctx,
		         "SELECT c.id, ca.unit_post FROM career ca JOIN cadre c ON c.person_id = ca.person_id"
		         " WHERE c.deleted_at IS NULL",
		         " ORDER BY c.id, ca.start_date", one, true, on_career, pool, pl);
	/* the pool holds only cadres in scope, so the rest need no scope */
	if (!r)
		r = scan(ctx,
		         "SELECT m.cadre_id, p.chain_id FROM project_member m"
		         " JOIN project p ON p.id = m.project_id JOIN cadre c ON c.id = m.cadre_id"
		         " WHERE p.deleted_at IS NULL",
		         "", one, false, on_project, pool, pl);
	if (!r)
		r = scan(ctx,
		         "SELECT t.cadre_id, t.destination_kind FROM tempering t"
		         " JOIN cadre c ON c.id = t.cadre_id WHERE t.deleted_at IS NULL",
		         "", one, false, on_tempering, pool, pl);
	for (size_t i = 0; !r && i < pool->n; i++)
		score(&pool->v[i]);
	return r;
}

static json_t *names_of(unsigned set, const char *const *names, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		if (set & (1u << i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

static json_t *places_json(const struct breadth *b, const struct places *pl)
{
	json_t *a = json_array();
	for (int i = 0; i < pl->n; i++)
		if (b->places & (1ull << i))
			json_array_append_new(a, json_string(pl->name[i]));
	return a;
}

static json_t *chains_json(const struct breadth *b, const struct places *pl)
{
	json_t *a = json_array();
	for (int i = 0; i < pl->nchains; i++)
		if (b->chains[i / 64] & (1ull << (i % 64)))
			json_array_append_new(a, json_pack("{s:I, s:s}", "id", (json_int_t)pl->chain_id[i],
			                                   "name", pl->chain_name[i]));
	return a;
}

/* Why a cadre's experience counts as narrow, in Chinese. */
static json_t *reasons_of(const struct breadth *b, const struct places *pl)
{
	json_t *a = json_array();
	int kinds = bits(b->kinds);
	if (kinds <= 1) {
		const char *only = "";
		for (int i = 0; i < PK_NKINDS; i++)
			if (b->kinds & (1u << i))
				only = kind_names[i];
		json_array_append_new(a, *only ? json_sprintf("只在%s一类岗位任职", only)
		                               : json_string("任职经历未登记或无法识别岗位类别"));
	} else if (kinds == 2) {
		json_array_append_new(a, json_string("任职岗位类别较少（2类）"));
	}
	if (!(b->kinds & (1u << PK_ECONOMY)))
		json_array_append_new(a, json_string("缺少经济部门任职经历"));
	if (!(b->levels & (1u << LV_TOWN)))
		json_array_append_new(a, json_string("缺少乡镇（街道）基层任职经历"));
	if (bits(b->places) <= 1) {
		const char *only = "";
		for (int i = 0; i < pl->n; i++)
			if (b->places & (1ull << i))
				only = pl->name[i];
		json_array_append_new(a, *only ? json_sprintf("只在%s一地任职", only)
		                               : json_string("任职地区单一"));
	}
	if (bits(b->levels) <= 1)
		json_array_append_new(a, json_sprintf("只在%s一级任职", *b->level ? b->level : "同"));
	if (!chain_count(b))
		json_array_append_new(a, json_string("未联系或服务过产业链"));
	if (!b->temperings)
		json_array_append_new(a, json_string("尚未参加琢璞历练"));
	return a;
}

static json_t *breadth_json(const struct breadth *b, const struct places *pl)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o, s:o}", "cadre_id",
	                 (json_int_t)b->id, "name", b->name, "unit", b->unit, "post", b->post,
	                 "level", b->level, "region", b->region, "score", b->score, "post_kinds",
	                 names_of(b->kinds, kind_names, PK_NKINDS), "regions", places_json(b, pl),
	                 "levels", names_of(b->levels, level_names, LV_N), "chains",
	                 chains_json(b, pl), "reasons", reasons_of(b, pl));
}

enum xz_result tempering_breadth(struct engine_ctx *ctx, int64_t cadre_id, json_t **out)
{
	struct pool pool = {0};
	struct places pl = {0};
	*out = NULL;
	enum xz_result r = load(ctx, cadre_id, &pool, &pl);
	if (!r && !pool.n) {
		snprintf(ctx->message, sizeof(ctx->message), "干部不存在或不在您的数据范围内");
		r = XZ_ERR_NOT_FOUND;
	}
	if (!r) {
		struct breadth *b = &pool.v[0];
		json_t *o = breadth_json(b, &pl);
		json_object_set_new(o, "rule", json_string(TEMPERING_RULE));
		json_object_set_new(o, "tempering_kinds", names_of(b->dest_kinds, dest_names, NDEST));
		json_object_set_new(o, "temperings", json_integer(b->temperings));
		json_object_set(o, "careers", b->careers);
		*out = o;
	}
	pool_free(&pool);
	places_free(&pl);
	return r;
}

static int cmp_candidate(const void *x, const void *y)
{
	const struct breadth *a = *(const struct breadth *const *)x;
	const struct breadth *b = *(const struct breadth *const *)y;
	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

enum xz_result tempering_candidates(struct engine_ctx *ctx, int k, int threshold, json_t **out)
{
	struct pool pool = {0};
	struct places pl = {0};
	struct breadth **picked = NULL;
	size_t n = 0;
	*out = NULL;
	enum xz_result r = load(ctx, 0, &pool, &pl);
	if (r)
		goto out;
	picked = xcalloc(pool.n ? pool.n : 1, sizeof(*picked));
	for (size_t i = 0; i < pool.n; i++)
		if (!pool.v[i].temperings && pool.v[i].score < threshold)
			picked[n++] = &pool.v[i];
	qsort(picked, n, sizeof(*picked), cmp_candidate);
	json_t *items = json_array();
	for (size_t i = 0; i < n && i < (size_t)k; i++)
		json_array_append_new(items, breadth_json(picked[i], &pl));
	*out = json_pack("{s:i, s:i, s:I, s:I, s:s, s:o}", "k", k, "threshold", threshold, "total",
	                 (json_int_t)n, "cadres", (json_int_t)pool.n, "rule", TEMPERING_RULE, "items",
	                 items);
out:
	free(picked);
	pool_free(&pool);
	places_free(&pl);
	return r;
}
