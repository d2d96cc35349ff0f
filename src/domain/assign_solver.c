/*
 * Min-cost flow for the staffing solver (assign_solver.h). Network: source
 * -> cadre (capacity left after pins, cost 0); cadre -> project per free
 * arc (capacity 1, cost -(B + score)); cadre -> sink "idle" (the cadre's
 * capacity, cost 0); project -> sink (seats left after pins, cost 0). The
 * idle arcs let every unit of cadre capacity reach the sink, so the flow
 * value is fixed at the total capacity and the classic optimality
 * certificate (non-negative reduced costs on every residual arc) applies
 * without a return arc. The algorithm is primal-dual successive shortest
 * paths: Dijkstra on reduced costs (binary heap, stopping at the sink)
 * updates the potentials, then a DFS pushes as many zero-reduced-cost paths
 * as it finds before the next Dijkstra. Costs and potentials are int64; the
 * solver refuses scores large enough to overflow them.
 */
#include "domain/assign_solver.h"

#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ARC_FREE, ARC_DROPPED, ARC_PINNED };

/* The problem after validation, pins and exclusions. */
struct prep {
	uint8_t *state;    /* per arc */
	int32_t *pin_arc;  /* per pin: the arc carrying it, or -1 */
	int32_t *cap_rem;  /* per cadre: capacity left after pins */
	int32_t *seat_rem; /* per project: seats left after pins */
	int64_t bonus;
};

struct keyed {
	uint64_t key;
	int32_t score;
	int32_t idx;
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1; /* best score first */
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static const struct keyed *keyed_find(const struct keyed *v, size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].key == key ? &v[lo] : NULL;
}

static void prep_free(struct prep *pr)
{
	free(pr->state);
	free(pr->pin_arc);
	free(pr->cap_rem);
	free(pr->seat_rem);
	memset(pr, 0, sizeof(*pr));
}

static bool pair_ok(const struct assign_problem *p, const struct assign_arc *a)
{
	return a->cadre >= 0 && a->cadre < p->ncadres && a->project >= 0 &&
	       a->project < p->nprojects;
}

static enum xz_result prepare(const struct assign_problem *p, struct prep *pr, char *msg, size_t n)
{
	enum xz_result r = XZ_ERR_VALIDATION;
	struct keyed *arcs = NULL, *pins = NULL, *excl = NULL;
	memset(pr, 0, sizeof(*pr));
	if (p->ncadres < 0 || p->nprojects < 0 || (p->nprojects > 0 && !p->seats) ||
	    (p->narcs > 0 && !p->arcs) || (p->npins > 0 && !p->pins) ||
	    (p->nexcluded > 0 && !p->excluded) || p->narcs > INT32_MAX / 4) {
		snprintf(msg, n, "问题规模或数组无效");
		goto out;
	}
	size_t C = (size_t)p->ncadres, P = (size_t)p->nprojects;
	pr->state = xcalloc(p->narcs ? p->narcs : 1, 1);
	pr->pin_arc = xmalloc((p->npins ? p->npins : 1) * sizeof(int32_t));
	pr->cap_rem = xmalloc((C ? C : 1) * sizeof(int32_t));
	pr->seat_rem = xmalloc((P ? P : 1) * sizeof(int32_t));
	for (size_t c = 0; c < C; c++) {
		pr->cap_rem[c] = p->cadre_cap ? p->cadre_cap[c] : 1;
		if (pr->cap_rem[c] < 0) {
			snprintf(msg, n, "干部 %zu 的容量为负数", c);
			goto out;
		}
	}
	for (size_t j = 0; j < P; j++) {
		pr->seat_rem[j] = p->seats[j];
		if (pr->seat_rem[j] < 0) {
			snprintf(msg, n, "项目 %zu 的席位数为负数", j);
			goto out;
		}
	}
	arcs = xmalloc((p->narcs ? p->narcs : 1) * sizeof(*arcs));
	for (size_t i = 0; i < p->narcs; i++) {
		const struct assign_arc *a = &p->arcs[i];
		if (!pair_ok(p, a) || a->score < 0) {
			snprintf(msg, n, "候选关系 %zu 的干部、项目编号或分数无效", i);
			goto out;
		}
		arcs[i] = (struct keyed){(uint64_t)a->cadre * P + (uint64_t)a->project, a->score,
		                         (int32_t)i};
	}
	excl = xmalloc((p->nexcluded ? p->nexcluded : 1) * sizeof(*excl));
	for (size_t i = 0; i < p->nexcluded; i++) {
		const struct assign_arc *a = &p->excluded[i];
		if (!pair_ok(p, a)) {
			snprintf(msg, n, "排除项 %zu 的干部或项目编号无效", i);
			goto out;
		}
		excl[i] =
		    (struct keyed){(uint64_t)a->cadre * P + (uint64_t)a->project, 0, (int32_t)i};
	}
	pins = xmalloc((p->npins ? p->npins : 1) * sizeof(*pins));
	for (size_t i = 0; i < p->npins; i++) {
		const struct assign_arc *a = &p->pins[i];
		if (!pair_ok(p, a)) {
			snprintf(msg, n, "指定项 %zu 的干部或项目编号无效", i);
			goto out;
		}
		pins[i] =
		    (struct keyed){(uint64_t)a->cadre * P + (uint64_t)a->project, 0, (int32_t)i};
		pr->pin_arc[i] = -1;
	}
	qsort(arcs, p->narcs, sizeof(*arcs), keyed_cmp);
	qsort(excl, p->nexcluded, sizeof(*excl), keyed_cmp);
	qsort(pins, p->npins, sizeof(*pins), keyed_cmp);
	for (size_t i = 0; i < p->npins; i++) {
		const struct assign_arc *a = &p->pins[pins[i].idx];
		if (i > 0 && pins[i].key == pins[i - 1].key) {
			snprintf(msg, n, "干部 %d 被重复指定到项目 %d", a->cadre, a->project);
			goto out;
		}
		if (keyed_find(excl, p->nexcluded, pins[i].key)) {
			snprintf(msg, n, "干部 %d 既被指定又被排除出项目 %d", a->cadre, a->project);
			goto out;
		}
		if (--pr->cap_rem[a->cadre] < 0) {
			snprintf(msg, n, "干部 %d 的指定项目数超过其容量", a->cadre);
			goto out;
		}
		if (--pr->seat_rem[a->project] < 0) {
			snprintf(msg, n, "项目 %d 的指定人数超过席位数", a->project);
			goto out;
		}
	}
	/* The first arc of each pair (best score) represents it; the rest are
	 * dropped, as are excluded pairs. A pinned pair's arc carries the pin. */
	int64_t sum = 0, maxw = 0;
	for (size_t i = 0; i < p->narcs; i++) {
		const struct keyed *k = &arcs[i];
		const struct keyed *pin;
		if (i > 0 && k->key == arcs[i - 1].key) {
			pr->state[k->idx] = ARC_DROPPED;
		} else if (keyed_find(excl, p->nexcluded, k->key)) {
			pr->state[k->idx] = ARC_DROPPED;
		} else if ((pin = keyed_find(pins, p->npins, k->key))) {
			pr->state[k->idx] = ARC_PINNED;
			pr->pin_arc[pin->idx] = k->idx;
		} else {
			pr->state[k->idx] = ARC_FREE;
			sum += k->score;
			if (k->score > maxw)
				maxw = k->score;
		}
	}
	pr->bonus = sum + 1;
	/* Potentials stay within (nodes + 1) * (B + max score) in magnitude. */
	int64_t nodes = (int64_t)C + (int64_t)P + 3;
	if (pr->bonus + maxw > INT64_MAX / 4 / nodes) {
		snprintf(msg, n, "候选分数总和过大，无法精确求解");
		goto out;
	}
	r = XZ_OK;
out:
	free(arcs);
	free(excl);
	free(pins);
	if (r != XZ_OK)
		prep_free(pr);
	return r;
}

/* ---- residual network ---- */

struct net {
	int32_t nnodes, nedges;
	/* Edges sorted by tail (CSR) so scans read memory in order: v's edges
	 * are start[v] .. start[v + 1]; rev[e] is e's reverse edge. */
	int32_t *start, *to, *cap, *rev;
	int64_t *cost;
	int32_t *arc_edge; /* per problem arc: its forward edge, or -1 */
};

/* Edges as added, in pairs e and e ^ 1, before sorting by tail. */
struct edge_list {
	int32_t n, *tail, *to, *cap;
	int64_t *cost;
};

static void edge_add(struct edge_list *l, int32_t u, int32_t v, int32_t cap, int64_t cost)
{
	int32_t e = l->n;
	l->tail[e] = u, l->to[e] = v, l->cap[e] = cap, l->cost[e] = cost;
	l->tail[e + 1] = v, l->to[e + 1] = u, l->cap[e + 1] = 0, l->cost[e + 1] = -cost;
	l->n += 2;
}

static void net_build(struct net *g, const struct assign_problem *p, const struct prep *pr)
{
	int32_t C = p->ncadres, P = p->nprojects;
	int32_t S = 0, T = C + P + 1;
	size_t maxe = 2 * ((size_t)C * 2 + (size_t)P + p->narcs) + 2;
	struct edge_list l = {0, xmalloc(maxe * sizeof(int32_t)), xmalloc(maxe * sizeof(int32_t)),
	                      xmalloc(maxe * sizeof(int32_t)), xmalloc(maxe * sizeof(int64_t))};
	g->nnodes = C + P + 2;
	g->arc_edge = xmalloc((p->narcs ? p->narcs : 1) * sizeof(int32_t));
	for (int32_t c = 0; c < C; c++) {
		if (pr->cap_rem[c] > 0) {
			edge_add(&l, S, 1 + c, pr->cap_rem[c], 0);
			edge_add(&l, 1 + c, T, pr->cap_rem[c], 0);
		}
	}
	for (size_t i = 0; i < p->narcs; i++) {
		g->arc_edge[i] = -1;
		if (pr->state[i] != ARC_FREE)
			continue;
		const struct assign_arc *a = &p->arcs[i];
		g->arc_edge[i] = l.n;
		edge_add(&l, 1 + a->cadre, 1 + C + a->project, 1, -(pr->bonus + a->score));
	}
	for (int32_t j = 0; j < P; j++)
		if (pr->seat_rem[j] > 0)
			edge_add(&l, 1 + C + j, T, pr->seat_rem[j], 0);
	size_t ne = (size_t)l.n + 1;
	g->nedges = l.n;
	g->start = xcalloc((size_t)g->nnodes + 1, sizeof(int32_t));
	for (int32_t e = 0; e < l.n; e++)
		g->start[l.tail[e] + 1]++;
	for (int32_t v = 0; v < g->nnodes; v++)
		g->start[v + 1] += g->start[v];
	int32_t *fill = xmalloc(((size_t)g->nnodes + 1) * sizeof(int32_t));
	int32_t *pos = xmalloc(ne * sizeof(int32_t));
	memcpy(fill, g->start, ((size_t)g->nnodes + 1) * sizeof(int32_t));
	for (int32_t e = 0; e < l.n; e++)
		pos[e] = fill[l.tail[e]]++;
	g->to = xmalloc(ne * sizeof(int32_t));
	g->cap = xmalloc(ne * sizeof(int32_t));
	g->rev = xmalloc(ne * sizeof(int32_t));
	g->cost = xmalloc(ne * sizeof(int64_t));
	for (int32_t e = 0; e < l.n; e++) {
		int32_t k = pos[e];
		g->to[k] = l.to[e], g->cap[k] = l.cap[e], g->cost[k] = l.cost[e],
		g->rev[k] = pos[e ^ 1];
	}
	for (size_t i = 0; i < p->narcs; i++)
		if (g->arc_edge[i] >= 0)
			g->arc_edge[i] = pos[g->arc_edge[i]];
	free(pos);
	free(fill);
	free(l.tail);
	free(l.to);
	free(l.cap);
	free(l.cost);
}

static void net_free(struct net *g)
{
	free(g->to);
	free(g->cap);
	free(g->cost);
	free(g->start);
	free(g->rev);
	free(g->arc_edge);
}

/* ---- lazy binary heap of (distance, node) ---- */

struct heap_item {
	int64_t d;
	int32_t v;
};

struct heap {
	struct heap_item *a;
	size_t n, cap;
};

static void heap_push(struct heap *h, int64_t d, int32_t v)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 1024;
		h->a = xrealloc(h->a, h->cap * sizeof(*h->a));
	}
	size_t i = h->n++;
	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (h->a[up].d <= d)
			break;
		h->a[i] = h->a[up];
		i = up;
	}
	h->a[i] = (struct heap_item){d, v};
}

static struct heap_item heap_pop(struct heap *h)
{
	struct heap_item top = h->a[0], last = h->a[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->a[c + 1].d < h->a[c].d)
			c++;
		if (h->a[c].d >= last.d)
			break;
		h->a[i] = h->a[c];
		i = c;
	}
	if (h->n > 0)
		h->a[i] = last;
	return top;
}

/* ---- primal-dual successive shortest paths ---- */

#define DIST_INF INT64_MAX

/* Dijkstra on reduced costs from source to sink; on success adds the
 * distances (capped at the sink's) to pi, which keeps every residual
 * reduced cost non-negative and makes shortest paths zero-cost. */
static bool shortest_paths(const struct net *g, int64_t *pi, int64_t *dist, uint8_t *done,
                           int32_t *touched, struct heap *h)
{
	int32_t S = 0, T = g->nnodes - 1, ntouched = 0;
	bool reached = false;
	int64_t dT = 0;
	h->n = 0;
	dist[S] = 0;
	touched[ntouched++] = S;
	heap_push(h, 0, S);
	while (h->n > 0) {
		struct heap_item it = heap_pop(h);
		if (done[it.v] || it.d != dist[it.v])
			continue;
		done[it.v] = 1;
		if (it.v == T) {
			reached = true;
			dT = it.d;
			break;
		}
		for (int32_t e = g->start[it.v]; e < g->start[it.v + 1]; e++) {
			int32_t w = g->to[e];
			if (g->cap[e] <= 0 || done[w])
				continue;
			int64_t nd = it.d + g->cost[e] + pi[it.v] - pi[w];
			if (dist[w] == DIST_INF)
				touched[ntouched++] = w;
			if (nd < dist[w]) {
				dist[w] = nd;
				heap_push(h, nd, w);
			}
		}
	}
	if (reached) {
		for (int32_t v = 0; v < g->nnodes; v++)
			pi[v] += dT;
		for (int32_t i = 0; i < ntouched; i++) {
			int32_t v = touched[i];
			if (done[v] && dist[v] < dT)
				pi[v] -= dT - dist[v];
		}
	}
	for (int32_t i = 0; i < ntouched; i++) {
		dist[touched[i]] = DIST_INF;
		done[touched[i]] = 0;
	}
	return reached;
}

/* Pushes flow along zero-reduced-cost paths until the DFS finds none. The
 * first search of a phase is a complete DFS, so each phase pushes at least
 * one path after shortest_paths() succeeded. */
static void push_paths(struct net *g, const int64_t *pi, int32_t *cur, int32_t *dead, int32_t phase,
                       uint8_t *onstack, int32_t *snode, int32_t *sedge)
{
	int32_t S = 0, T = g->nnodes - 1;
	memcpy(cur, g->start, (size_t)g->nnodes * sizeof(int32_t));
	for (;;) {
		int32_t sp = 0;
		snode[0] = S;
		onstack[S] = 1;
		while (sp >= 0 && snode[sp] != T) {
			int32_t v = snode[sp];
			bool advanced = false;
			for (; cur[v] < g->start[v + 1]; cur[v]++) {
				int32_t e = cur[v], w = g->to[e];
				if (g->cap[e] > 0 && dead[w] != phase && !onstack[w] &&
				    g->cost[e] + pi[v] - pi[w] == 0) {
					sedge[sp] = e;
					snode[++sp] = w;
					onstack[w] = 1;
					advanced = true;
					break;
				}
			}
			if (advanced)
				continue;
			dead[v] = phase;
			onstack[v] = 0;
			if (--sp >= 0)
				cur[snode[sp]]++;
		}
		if (sp < 0)
			return;
		int32_t f = INT32_MAX;
		for (int32_t i = 0; i < sp; i++)
			if (g->cap[sedge[i]] < f)
				f = g->cap[sedge[i]];
		for (int32_t i = 0; i < sp; i++) {
			g->cap[sedge[i]] -= f;
			g->cap[g->rev[sedge[i]]] += f;
		}
		for (int32_t i = 0; i <= sp; i++)
			onstack[snode[i]] = 0;
	}
}

/* Potentials valid for the empty flow: cadres 0, each project the most
 * negative cost into it, the sink the minimum of all. */
static void initial_potentials(const struct net *g, int32_t C, int64_t *pi)
{
	int32_t T = g->nnodes - 1;
	memset(pi, 0, (size_t)g->nnodes * sizeof(int64_t));
	for (int32_t c = 1; c <= C; c++)
		for (int32_t e = g->start[c]; e < g->start[c + 1]; e++) {
			int32_t w = g->to[e];
			if (w != T && g->cap[e] > 0 && g->cost[e] < pi[w])
				pi[w] = g->cost[e];
		}
	for (int32_t v = C + 1; v < T; v++)
		if (pi[v] < pi[T])
			pi[T] = pi[v];
}

static void solve_flow(struct net *g, int32_t C, int64_t *pi)
{
	size_t N = (size_t)g->nnodes;
	int64_t *dist = xmalloc(N * sizeof(int64_t));
	uint8_t *done = xcalloc(N, 1), *onstack = xcalloc(N, 1);
	int32_t *touched = xmalloc(N * sizeof(int32_t)), *cur = xmalloc(N * sizeof(int32_t));
	int32_t *dead = xcalloc(N, sizeof(int32_t));
	int32_t *snode = xmalloc((N + 1) * sizeof(int32_t)),
	        *sedge = xmalloc((N + 1) * sizeof(int32_t));
	struct heap h = {0};
	for (size_t v = 0; v < N; v++)
		dist[v] = DIST_INF;
	initial_potentials(g, C, pi);
	for (int32_t phase = 1; shortest_paths(g, pi, dist, done, touched, &h); phase++)
		push_paths(g, pi, cur, dead, phase, onstack, snode, sedge);
	free(h.a);
	free(dist);
	free(done);
	free(onstack);
	free(touched);
	free(cur);
	free(dead);
	free(snode);
	free(sedge);
}

/* ---- solution ---- */

static void fill_solution(const struct assign_problem *p, const struct prep *pr,
                          const struct net *g, struct assign_solution *s)
{
	int32_t P = p->nprojects;
	int32_t *count = xcalloc((size_t)(P ? P : 1), sizeof(int32_t));
	bool *has_free = xcalloc((size_t)(P ? P : 1), sizeof(bool));
	size_t total = p->npins;
	for (size_t i = 0; i < p->npins; i++)
		count[p->pins[i].project]++;
	for (size_t i = 0; i < p->narcs; i++) {
		if (pr->state[i] == ARC_FREE)
			has_free[p->arcs[i].project] = true;
		if (pr->state[i] == ARC_PINNED ||
		    (pr->state[i] == ARC_FREE && g->cap[g->arc_edge[i]] == 0)) {
			s->arc_used[i] = 1;
			if (pr->state[i] == ARC_FREE) {
				count[p->arcs[i].project]++;
				total++;
			}
		}
	}
	struct assign_member *pool = xmalloc((total ? total : 1) * sizeof(*pool));
	size_t off = 0;
	s->projects[0].members = pool; /* freed through projects[0] even when P == 0 */
	for (int32_t j = 0; j < P; j++) {
		s->projects[j].members = pool + off;
		off += (size_t)count[j];
	}
	for (size_t i = 0; i < p->npins; i++) {
		const struct assign_arc *a = &p->pins[i];
		int32_t arc = pr->pin_arc[i];
		int32_t score = arc >= 0 ? p->arcs[arc].score : 0;
		struct assign_project *pj = &s->projects[a->project];
		pj->members[pj->nmembers++] = (struct assign_member){a->cadre, score, arc, true};
		s->total_score += score;
	}
	for (size_t i = 0; i < p->narcs; i++) {
		if (pr->state[i] != ARC_FREE || !s->arc_used[i])
			continue;
		const struct assign_arc *a = &p->arcs[i];
		struct assign_project *pj = &s->projects[a->project];
		pj->members[pj->nmembers++] =
		    (struct assign_member){a->cadre, a->score, (int32_t)i, false};
		s->total_score += a->score;
	}
	for (int32_t j = 0; j < P; j++) {
		struct assign_project *pj = &s->projects[j];
		s->filled += pj->nmembers;
		pj->unfilled = p->seats[j] - pj->nmembers;
		s->unfilled += pj->unfilled;
		if (pj->unfilled > 0)
			pj->unfilled_reason = has_free[j] ? "候选人已分配到其他项目" : "无候选人";
	}
	free(count);
	free(has_free);
}

enum xz_result assign_solve(const struct assign_problem *p, struct assign_solution **out, char *msg,
                            size_t n)
{
	struct prep pr;
	struct net g = {0};
	*out = NULL;
	enum xz_result r = prepare(p, &pr, msg, n);
	if (r != XZ_OK)
		goto out;
	net_build(&g, p, &pr);
	struct assign_solution *s = xcalloc(1, sizeof(*s));
	s->bonus = pr.bonus;
	s->npotential = g.nnodes;
	s->potential = xmalloc((size_t)g.nnodes * sizeof(int64_t));
	s->arc_used = xcalloc(p->narcs ? p->narcs : 1, 1);
	s->projects = xcalloc((size_t)(p->nprojects ? p->nprojects : 1), sizeof(*s->projects));
	solve_flow(&g, p->ncadres, s->potential);
	fill_solution(p, &pr, &g, s);
	*out = s;
	net_free(&g);
	prep_free(&pr);
out:
	return r;
}

void assign_solution_free(struct assign_solution *s)
{
	if (!s)
		return;
	if (s->projects)
		free(s->projects[0].members);
	free(s->projects);
	free(s->arc_used);
	free(s->potential);
	free(s);
}

/* ---- verification ---- */

/* Reduced cost of residual arc u->v with cost c must be >= 0. */
static bool slack_ok(const int64_t *pi, int32_t u, int32_t v, int64_t c, char *msg, size_t n)
{
	if (c + pi[u] - pi[v] >= 0)
		return true;
	snprintf(msg, n, "残量弧 %d->%d 的约化费用为负，解不是最优", u, v);
	return false;
}

bool assign_verify(const struct assign_problem *p, const struct assign_solution *s, char *msg,
                   size_t n)
{
	struct prep pr;
	bool ok = false;
	int32_t *used_c = NULL, *used_p = NULL;
	if (prepare(p, &pr, msg, n) != XZ_OK)
		return false;
	int32_t C = p->ncadres, P = p->nprojects, S = 0, T = C + P + 1;
	const int64_t *pi = s->potential;
	used_c = xcalloc((size_t)C + 1, sizeof(int32_t));
	used_p = xcalloc((size_t)P + 1, sizeof(int32_t));
	if (s->npotential != C + P + 2 || s->bonus != pr.bonus) {
		snprintf(msg, n, "势的个数或奖励值不符");
		goto out;
	}
	/* Feasibility and the reported totals, from arc_used alone. */
	int64_t total = 0;
	int32_t filled = (int32_t)p->npins;
	for (size_t i = 0; i < p->narcs; i++) {
		const struct assign_arc *a = &p->arcs[i];
		if (pr.state[i] == ARC_PINNED) {
			if (!s->arc_used[i]) {
				snprintf(msg, n, "指定的干部 %d 未在项目 %d 中", a->cadre,
				         a->project);
				goto out;
			}
			total += a->score;
		} else if (s->arc_used[i]) {
			if (pr.state[i] != ARC_FREE) {
				snprintf(msg, n, "使用了被排除或重复的候选关系 %zu", i);
				goto out;
			}
			used_c[a->cadre]++;
			used_p[a->project]++;
			filled++;
			total += a->score;
		}
	}
	for (int32_t c = 0; c < C; c++)
		if (used_c[c] > pr.cap_rem[c]) {
			snprintf(msg, n, "干部 %d 的分配超过其容量", c);
			goto out;
		}
	int32_t members = 0;
	for (int32_t j = 0; j < P; j++) {
		members += s->projects[j].nmembers;
		if (used_p[j] > pr.seat_rem[j]) {
			snprintf(msg, n, "项目 %d 的分配超过席位数", j);
			goto out;
		}
	}
	if (total != s->total_score || filled != s->filled || members != filled) {
		snprintf(msg, n, "总分或已填席位与分配不符");
		goto out;
	}
	/* Complementary slackness on every residual arc. The flow saturates
	 * every source arc (S->c only has its reverse), sends the rest of a
	 * cadre's capacity on its idle arc, and used_p[j] on project j's arc. */
	for (int32_t c = 0; c < C; c++) {
		int32_t cap = pr.cap_rem[c], v = 1 + c;
		if (cap == 0)
			continue;
		if (!slack_ok(pi, v, S, 0, msg, n))
			goto out;
		if (used_c[c] > 0 && !slack_ok(pi, v, T, 0, msg, n))
			goto out;
		if (used_c[c] < cap && !slack_ok(pi, T, v, 0, msg, n))
			goto out;
	}
	for (size_t i = 0; i < p->narcs; i++) {
		if (pr.state[i] != ARC_FREE)
			continue;
		const struct assign_arc *a = &p->arcs[i];
		int32_t u = 1 + a->cadre, v = 1 + C + a->project;
		int64_t cost = -(pr.bonus + a->score);
		if (s->arc_used[i] ? !slack_ok(pi, v, u, -cost, msg, n)
		                   : !slack_ok(pi, u, v, cost, msg, n))
			goto out;
	}
	for (int32_t j = 0; j < P; j++) {
		int32_t v = 1 + C + j;
		if (used_p[j] < pr.seat_rem[j] && !slack_ok(pi, v, T, 0, msg, n))
			goto out;
		if (used_p[j] > 0 && !slack_ok(pi, T, v, 0, msg, n))
			goto out;
	}
	ok = true;
out:
	free(used_c);
	free(used_p);
	prep_free(&pr);
	return ok;
}
