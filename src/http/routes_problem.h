/*
 * Handlers of the 进园助企大走访 problem ledger and the talent service board,
 * named in the route table of routes.c. They follow the route_fn contract of
 * http.h and call src/domain/problem.c and service.c with the caller's scope.
 */
#ifndef XZ_ROUTES_PROBLEM_H
#define XZ_ROUTES_PROBLEM_H

#include "http/http.h"

enum xz_result problem_route_ledger(struct request *req);
enum xz_result problem_route_ledger_xlsx(struct request *req);
enum xz_result service_route_board(struct request *req);

#endif
