/*
 * The overview and chain-tree read models. They are compositions of engine
 * lists rather than SQL of their own, so data scope, soft delete and
 * masking hold here exactly as in the generic API.
 */
#include "domain/dashboard.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static enum xz_result list(struct engine_ctx *ctx, const char *entity, const struct kv *params,
                           size_t n, json_t **out)
{
	return engine_list(ctx, model_find(entity), params, n, out);
}

static enum xz_result count(struct engine_ctx *ctx, const char *entity, int64_t *out)
{
	static const struct kv one[] = {{"size", "1"}};
	json_t *res = NULL;
	enum xz_result r = list(ctx, entity, one, 1, &res);
	if (!r)
		*out = json_integer_value(json_object_get(res, "total"));
	json_decref(res);
	return r;
}

enum xz_result dashboard_overview(struct engine_ctx *ctx, json_t **out)
{
	static const char *const counted[] = {"cluster", "chain",       "segment",
	                                      "park",    "enterprise",  "institution"};
	json_t *counts = json_object(), *clusters = NULL, *stats = NULL, *latest = NULL;
	enum xz_result r = XZ_OK;
	*out = NULL;
	for (size_t i = 0; i < sizeof(counted) / sizeof(counted[0]); i++) {
		int64_t n = 0;
		if ((r = count(ctx, counted[i], &n)))
			goto out;
		json_object_set_new(counts, counted[i], json_integer(n));
	}
	/* the newest year with figures */
	static const struct kv newest[] = {{"sort", "-year"}, {"size", "1"}};
	if ((r = list(ctx, "cluster_stat", newest, 2, &latest)))
		goto out;
	json_t *first = json_array_get(json_object_get(latest, "items"), 0);
	int64_t year = first ? json_integer_value(json_object_get(first, "year")) : 0;
	char year_s[16];
	snprintf(year_s, sizeof(year_s), "%" PRId64, year);
	const struct kv by_year[] = {{"year", year_s}, {"size", "200"}};
	if ((r = list(ctx, "cluster_stat", by_year, 2, &stats)))
		goto out;
	static const struct kv all_clusters[] = {{"sort", "sort_order"}, {"size", "200"}};
	if ((r = list(ctx, "cluster", all_clusters, 2, &clusters)))
		goto out;

	double revenue = 0, strategic = 0, hightech = 0;
	int64_t enterprises = 0;
	json_t *items = json_object_get(clusters, "items"), *c, *s;
	size_t i, k;
	json_array_foreach(items, i, c) {
		json_object_set_new(c, "stat", json_null());
		json_array_foreach(json_object_get(stats, "items"), k, s) {
			if (!json_equal(json_object_get(s, "cluster_id"), json_object_get(c, "id")))
				continue;
			double rev = json_number_value(json_object_get(s, "revenue"));
			revenue += rev;
			strategic += rev * json_number_value(json_object_get(s, "strategic_share"));
			hightech += rev * json_number_value(json_object_get(s, "hightech_share"));
			enterprises += json_integer_value(json_object_get(s, "enterprise_count"));
			json_object_set(c, "stat", s);
		}
	}
	/* shares of the whole are revenue-weighted means of the clusters' shares */
	json_t *totals = json_pack("{s:f, s:f, s:f, s:I}", "revenue", revenue, "strategic_share",
	                           revenue > 0 ? strategic / revenue : 0.0, "hightech_share",
	                           revenue > 0 ? hightech / revenue : 0.0, "enterprise_count",
	                           (json_int_t)enterprises);
	*out = json_pack("{s:o, s:I, s:O, s:o}", "counts", counts, "year", (json_int_t)year,
	                 "clusters", items, "totals", totals);
	counts = NULL;
out:
	json_decref(counts);
	json_decref(clusters);
	json_decref(stats);
	json_decref(latest);
	return r;
}

/* Appends seg and then its descendants, so parents precede children. */
static void tree_order(json_t *all, json_t *seg, json_t *ordered, int depth)
{
	json_object_set_new(seg, "depth", json_integer(depth));
	json_array_append(ordered, seg);
	json_t *id = json_object_get(seg, "id"), *child;
	size_t i;
	json_array_foreach(all, i, child) {
		if (json_equal(json_object_get(child, "parent_id"), id) && depth < 16)
			tree_order(all, child, ordered, depth + 1);
	}
}

enum xz_result dashboard_chain_tree(struct engine_ctx *ctx, int64_t chain_id, int per_segment,
                                    json_t **out)
{
	json_t *chain = NULL, *cluster = NULL, *segs = NULL, *ordered = json_array();
	char chain_s[24], size_s[16];
	*out = NULL;
	enum xz_result r = engine_get(ctx, model_find("chain"), chain_id, &chain);
	if (r)
		goto out;
	r = engine_get(ctx, model_find("cluster"),
	               json_integer_value(json_object_get(chain, "cluster_id")), &cluster);
	if (r)
		goto out;
	snprintf(chain_s, sizeof(chain_s), "%" PRId64, chain_id);
	const struct kv seg_params[] = {{"chain_id", chain_s}, {"sort", "sort_order"}, {"size", "200"}};
	if ((r = list(ctx, "segment", seg_params, 3, &segs)))
		goto out;
	json_t *all = json_object_get(segs, "items"), *seg;
	size_t i;
	json_array_foreach(all, i, seg) {
		if (json_is_null(json_object_get(seg, "parent_id")))
			tree_order(all, seg, ordered, 0);
	}
	/* with per_segment 0 only the counts are wanted; a list needs size >= 1 */
	snprintf(size_s, sizeof(size_s), "%d", per_segment > 0 ? per_segment : 1);
	json_array_foreach(ordered, i, seg) {
		char seg_s[24];
		snprintf(seg_s, sizeof(seg_s), "%" JSON_INTEGER_FORMAT,
		         json_integer_value(json_object_get(seg, "id")));
		const struct kv ent_params[] = {{"segment_ids", seg_s}, {"sort", "-revenue"}, {"size", size_s}};
		json_t *ents = NULL;
		if ((r = list(ctx, "enterprise", ent_params, 3, &ents)))
			goto out;
		json_object_set(seg, "enterprise_count", json_object_get(ents, "total"));
		json_t *slim = json_array(), *e;
		size_t k;
		json_array_foreach(json_object_get(ents, "items"), k, e) {
			if ((int)k >= per_segment)
				break;
			json_array_append_new(slim, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "id",
			                                      json_object_get(e, "id"), "name",
			                                      json_object_get(e, "name"), "revenue",
			                                      json_object_get(e, "revenue"), "high_tech",
			                                      json_object_get(e, "high_tech"), "srdi",
			                                      json_object_get(e, "srdi"), "above_scale",
			                                      json_object_get(e, "above_scale")));
		}
		json_object_set_new(seg, "enterprises", slim);
		json_decref(ents);
	}
	*out = json_pack("{s:O, s:O, s:O}", "chain", chain, "cluster", cluster, "segments", ordered);
out:
	json_decref(chain);
	json_decref(cluster);
	json_decref(segs);
	json_decref(ordered);
	return r;
}
