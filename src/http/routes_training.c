/*
 * Cadre training and 琢璞 routes (see routes_training.h): each handler
 * checks its query arguments, runs the domain call with an engine context
 * for the signed-in actor and hands a failure's message and field details
 * to the error reply.
 */
#include "http/routes_training.h"

#include "core/util.h"
#include "domain/tempering.h"
#include "domain/training.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* an integer argument in [lo, hi], or def when absent; false when malformed */
static bool int_arg(struct request *req, const char *name, long def, long lo, long hi, long *out)
{
	const char *v = http_arg(req, name);
	char *end = NULL;
	if (!v || !*v) {
		*out = def;
		return true;
	}
	long n = strtol(v, &end, 10);
	if (*end || n < lo || n > hi)
		return false;
	*out = n;
	return true;
}

static bool year_arg(struct request *req, long *year)
{
	char today[16];
	util_today(today, sizeof(today));
	if (int_arg(req, "year", atol(today), 2000, 2100, year))
		return true;
	snprintf(req->message, sizeof(req->message), "year 应为2000到2100之间的年份");
	return false;
}

enum xz_result training_route_enroll(struct request *req)
{
	json_t *body = NULL;
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	r = training_enroll(&ctx, req->id, body, &req->reply);
	json_decref(body);
	return http_finish(req, &ctx, r);
}

enum xz_result training_route_coverage(struct request *req)
{
	long year = 0;
	enum training_group g;
	if (!year_arg(req, &year))
		return XZ_ERR_BAD_REQUEST;
	if (!training_group_parse(http_arg(req, "group"), &g)) {
		snprintf(req->message, sizeof(req->message), "group 只能是 level、unit 或 region");
		return XZ_ERR_BAD_REQUEST;
	}
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, training_coverage(&ctx, (int)year, g, &req->reply));
}

enum xz_result training_route_below(struct request *req)
{
	long year = 0, page = 1, size = 50;
	const char *format = http_arg(req, "format");
	if (!year_arg(req, &year))
		return XZ_ERR_BAD_REQUEST;
	if (!int_arg(req, "page", 1, 1, 1000000, &page) || !int_arg(req, "size", 50, 1, 200, &size)) {
		snprintf(req->message, sizeof(req->message), "page 应为正整数，size 应为1到200之间的整数");
		return XZ_ERR_BAD_REQUEST;
	}
	if (format && strcmp(format, "xlsx") && strcmp(format, "json")) {
		snprintf(req->message, sizeof(req->message), "format 只能是 xlsx 或 json");
		return XZ_ERR_BAD_REQUEST;
	}
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	enum xz_result r;
	if (format && !strcmp(format, "xlsx")) {
		char *data = NULL, fname[96];
		size_t len = 0;
		r = training_below_export(&ctx, (int)year, &data, &len);
		if (!r) {
			snprintf(fname, sizeof(fname), "%ld年度培训学时未达标干部名单.xlsx", year);
			http_download(req, data, len,
			              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			              fname);
		}
	} else {
		r = training_below(&ctx, (int)year, page, size, &req->reply);
	}
	return http_finish(req, &ctx, r);
}

enum xz_result tempering_route_breadth(struct request *req)
{
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, tempering_breadth(&ctx, req->id, &req->reply));
}

enum xz_result tempering_route_candidates(struct request *req)
{
	long k = 0, threshold = 0;
	if (!int_arg(req, "k", TEMPERING_DEFAULT_K, 1, TEMPERING_MAX_K, &k) ||
	    !int_arg(req, "threshold", TEMPERING_DEFAULT_THRESHOLD, 1, 101, &threshold)) {
		snprintf(req->message, sizeof(req->message),
		         "k 应为1到%d之间的整数，threshold 应为1到101之间的整数", TEMPERING_MAX_K);
		return XZ_ERR_BAD_REQUEST;
	}
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, tempering_candidates(&ctx, (int)k, (int)threshold, &req->reply));
}
