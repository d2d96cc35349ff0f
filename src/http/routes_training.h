/*
 * Handlers of cadre training (干部培训) and 琢璞 secondments, named in the
 * route table of routes.c: bulk enrolment in a class, coverage and the
 * below-hours list (JSON or xlsx), a cadre's experience breadth and the
 * candidates for 历练. They follow the route_fn contract of http.h (reply in
 * req->reply, errors returned with a Chinese message in req->message) and
 * call src/domain/training.c and tempering.c with the caller's scope.
 */
#ifndef XZ_ROUTES_TRAINING_H
#define XZ_ROUTES_TRAINING_H

#include "http/http.h"

enum xz_result training_route_enroll(struct request *req);
enum xz_result training_route_coverage(struct request *req);
enum xz_result training_route_below(struct request *req);
enum xz_result tempering_route_breadth(struct request *req);
enum xz_result tempering_route_candidates(struct request *req);

#endif
