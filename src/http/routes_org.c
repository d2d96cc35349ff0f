/*
 * Party-organization routes (see routes_org.h): each checks its query
 * arguments, runs the domain call with an engine context for the signed-in
 * actor and hands a failure's message to the error reply.
 */
#include "http/routes_org.h"

#include "core/util.h"
#include "domain/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool hierarchy_arg(struct request *req, enum org_hierarchy *h)
{
	if (org_hierarchy_parse(http_arg(req, "hierarchy"), h))
		return true;
	snprintf(req->message, sizeof(req->message),
	         "hierarchy 只能是 territory（属地）或 chain（链上）");
	return false;
}

enum xz_result org_route_subtree(struct request *req)
{
	enum org_hierarchy h;
	if (!hierarchy_arg(req, &h))
		return XZ_ERR_BAD_REQUEST;
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, org_subtree(&ctx, req->id, h, &req->reply));
}

enum xz_result org_route_tree(struct request *req)
{
	enum org_hierarchy h;
	if (!hierarchy_arg(req, &h))
		return XZ_ERR_BAD_REQUEST;
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, org_tree(&ctx, h, http_arg(req, "region"), &req->reply));
}

enum xz_result org_route_study_quarterly(struct request *req)
{
	char today[16];
	util_today(today, sizeof(today));
	long year = atol(today);
	const char *v = http_arg(req, "year");
	if (v && *v) {
		char *end = NULL;
		year = strtol(v, &end, 10);
		if (*end || year < 2000 || year > 2100) {
			snprintf(req->message, sizeof(req->message), "year 应为2000到2100之间的年份");
			return XZ_ERR_BAD_REQUEST;
		}
	}
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx,
	              org_study_quarterly(&ctx, (int)year, http_arg(req, "region"), &req->reply));
}

enum xz_result org_route_chain_health(struct request *req)
{
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, org_chain_health(&ctx, req->id, &req->reply));
}
