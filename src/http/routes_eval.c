/*
 * 季季评 routes (see routes_eval.h): parse the request, run the domain call
 * with the caller as actor, hand failures' messages and details to the
 * error reply. ?format=xlsx on the two read routes downloads a workbook.
 */
#include "http/routes_eval.h"

#include "domain/evaluation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* NULL (json), "xlsx", or an error for anything else */
static enum xz_result format_arg(struct request *req, bool *xlsx)
{
	const char *f = http_arg(req, "format");
	*xlsx = f && !strcmp(f, "xlsx");
	if (f && !*xlsx && strcmp(f, "json")) {
		snprintf(req->message, sizeof(req->message), "format 只能是 json 或 xlsx");
		return XZ_ERR_BAD_REQUEST;
	}
	return XZ_OK;
}

enum xz_result eval_route_results(struct request *req)
{
	bool xlsx = false;
	enum xz_result r = format_arg(req, &xlsx);
	if (r)
		return r;
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	if (!xlsx)
		return http_finish(req, &ctx, evaluation_results(&ctx, req->id, &req->reply));
	char *data = NULL;
	size_t len = 0;
	r = evaluation_results_xlsx(&ctx, req->id, &data, &len);
	if (!r) {
		char fname[64];
		snprintf(fname, sizeof(fname), "季季评结果-%lld.xlsx", (long long)req->id);
		http_download(req, data, len, XLSX_TYPE, fname);
	}
	return http_finish(req, &ctx, r);
}

enum xz_result eval_route_scores(struct request *req)
{
	json_t *body = NULL;
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	r = evaluation_put_scores(&ctx, req->id, json_object_get(body, "scores"), &req->reply);
	json_decref(body);
	return http_finish(req, &ctx, r);
}

enum xz_result eval_route_publish(struct request *req)
{
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, evaluation_publish(&ctx, req->id, &req->reply));
}

enum xz_result eval_route_fill_projects(struct request *req)
{
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, evaluation_fill_projects(&ctx, req->id, &req->reply));
}

enum xz_result eval_route_yearly(struct request *req)
{
	bool xlsx = false;
	enum xz_result r = format_arg(req, &xlsx);
	if (r)
		return r;
	const char *ys = http_arg(req, "year"), *target = http_arg(req, "target");
	char *end = NULL;
	long year = ys ? strtol(ys, &end, 10) : 0;
	if (!ys || *end || year < 2000 || year > 2100) {
		snprintf(req->message, sizeof(req->message),
		         "请用 year 参数指明年度，如 year=2026");
		return XZ_ERR_BAD_REQUEST;
	}
	if (target && !*target)
		target = NULL;
	if (target && strcmp(target, "干部") && strcmp(target, "班子")) {
		snprintf(req->message, sizeof(req->message), "target 只能是 干部 或 班子");
		return XZ_ERR_BAD_REQUEST;
	}
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	if (!xlsx)
		return http_finish(req, &ctx, evaluation_yearly(&ctx, (int)year, target, &req->reply));
	char *data = NULL;
	size_t len = 0;
	r = evaluation_yearly_xlsx(&ctx, (int)year, target, &data, &len);
	if (!r) {
		char fname[64];
		snprintf(fname, sizeof(fname), "季季评年度汇总-%ld.xlsx", year);
		http_download(req, data, len, XLSX_TYPE, fname);
	}
	return http_finish(req, &ctx, r);
}
