/*
 * The 季季评 routes named in the route table of routes.c: results, bulk
 * score entry, publication, the 攻坚成效 fill from key projects, the yearly
 * roll-up and the xlsx exports of both, over src/domain/evaluation.c. They
 * follow the route_fn contract of http.h (reply in req->reply, errors
 * returned with a Chinese message in req->message and details).
 */
#ifndef XZ_ROUTES_EVAL_H
#define XZ_ROUTES_EVAL_H

#include "http/http.h"

enum xz_result eval_route_results(struct request *req);
enum xz_result eval_route_scores(struct request *req);
enum xz_result eval_route_publish(struct request *req);
enum xz_result eval_route_fill_projects(struct request *req);
enum xz_result eval_route_yearly(struct request *req);

#endif
