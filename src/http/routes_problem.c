/*
 * Problem ledger and service board routes (see routes_problem.h).
 */
#include "http/routes_problem.h"

#include "domain/problem.h"
#include "domain/service.h"

#include <stdio.h>

enum xz_result problem_route_ledger(struct request *req)
{
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, problem_ledger(&ctx, req->args, req->nargs, &req->reply));
}

enum xz_result problem_route_ledger_xlsx(struct request *req)
{
	struct engine_ctx ctx;
	char *data = NULL;
	size_t len = 0;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	enum xz_result r = problem_ledger_xlsx(&ctx, req->args, req->nargs, &data, &len);
	if (!r)
		http_download(req, data, len,
		              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		              "进园助企问题台账.xlsx");
	return http_finish(req, &ctx, r);
}

enum xz_result service_route_board(struct request *req)
{
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, req->db, &req->who.actor);
	return http_finish(req, &ctx, service_board(&ctx, req->args, req->nargs, &req->reply));
}
