/*
 * 531 recruitment and 一张图 routes (see routes_recruit.h): each checks its
 * query arguments, runs the domain call with an engine context for the
 * signed-in actor and hands a failure's message to the error reply.
 */
#include "http/routes_recruit.h"

#include "core/util.h"
#include "domain/onemap.h"
#include "domain/recruit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ?year= in [2000, 2100], this year when absent */
static bool year_arg(struct request *req, int *year)
{
	char today[16];
	const char *v = http_arg(req, "year");
	char *end = NULL;
	util_today(today, sizeof(today));
	if (!v || !*v) {
		*year = atoi(today);
		return true;
	}
	long n = strtol(v, &end, 10);
	if (*end || n < 2000 || n > 2100) {
		snprintf(req->message, sizeof(req->message), "year 应为2000到2100之间的年份");
		return false;
	}
	*year = (int)n;
	return true;
}

typedef enum xz_result (*year_fn)(struct engine_ctx *ctx, int year, json_t **out);

static enum xz_result by_year(struct request *req, year_fn fn)
{
	int year = 0;
	if (!year_arg(req, &year))
		return XZ_ERR_BAD_REQUEST;
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, fn(&ctx, year, &req->reply));
}

enum xz_result recruit_route_kpis(struct request *req)
{
	return by_year(req, recruit_kpis);
}

enum xz_result recruit_route_map(struct request *req)
{
	return by_year(req, recruit_map);
}

enum xz_result onemap_route_view(struct request *req)
{
	const char *lv = http_arg(req, "level"), *id_s = http_arg(req, "id");
	enum onemap_level level = ONEMAP_CITY;
	int64_t id = 0;
	if (lv && *lv && !onemap_level_parse(lv, &level)) {
		snprintf(req->message, sizeof(req->message), "level 只能是 city、cluster 或 chain");
		return XZ_ERR_BAD_REQUEST;
	}
	if (level != ONEMAP_CITY) {
		char *end = NULL;
		long long n = id_s ? strtoll(id_s, &end, 10) : 0;
		if (!id_s || !*id_s || *end || n <= 0) {
			snprintf(req->message, sizeof(req->message),
			         "level 为 %s 时须给出正整数 id", lv);
			return XZ_ERR_BAD_REQUEST;
		}
		id = n;
	}
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	enum xz_result r = onemap_view(&ctx, level, id, &req->reply);
	if (r == XZ_ERR_NOT_FOUND)
		snprintf(ctx.message, sizeof(ctx.message), "%s不存在",
		         level == ONEMAP_CLUSTER ? "产业集群" : "产业链");
	return http_finish(req, &ctx, r);
}
