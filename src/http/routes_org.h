/*
 * Handlers of the party-organization network (组织体系, src/domain/org.c),
 * named in the route table of routes.c: an org's subtree and the tree in
 * either hierarchy (hierarchy=territory|chain), the quarterly study-session
 * counts and a chain's health card. They follow the route_fn contract of
 * http.h and run the domain calls with the caller's data scope.
 */
#ifndef XZ_ROUTES_ORG_H
#define XZ_ROUTES_ORG_H

#include "http/http.h"

enum xz_result org_route_subtree(struct request *req);
enum xz_result org_route_tree(struct request *req);
enum xz_result org_route_study_quarterly(struct request *req);
enum xz_result org_route_chain_health(struct request *req);

#endif
