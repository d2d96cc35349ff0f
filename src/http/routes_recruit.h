/*
 * Handlers of 531 recruitment and 一张图, named in the route table of
 * routes.c: GET /recruit/kpis and /recruit/map (?year=, default this year)
 * and GET /onemap (?level=city|cluster|chain&id=). They follow the route_fn
 * contract of http.h and call src/domain/recruit.c and onemap.c with the
 * caller's scope.
 */
#ifndef XZ_ROUTES_RECRUIT_H
#define XZ_ROUTES_RECRUIT_H

#include "http/http.h"

enum xz_result recruit_route_kpis(struct request *req);
enum xz_result recruit_route_map(struct request *req);
enum xz_result onemap_route_view(struct request *req);

#endif
