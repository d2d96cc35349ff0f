/*
 * Min-cost flow for the staffing solver (assign_solver.h). Network: source
 * -> cadre (capacity left after pins, cost 0); cadre -> project per free
 * arc (capacity 1, cost -(B + score)); cadre -> sink "idle" (the cadre's
 * capacity, cost 0); project -> sink (seats left after pins, cost 0). The
 * idle arcs let every unit of cadre capacity reach the sink, so the flow
 * value is fixed at the total capacity and the classic optimality
 * certificate (non-negative reduced costs on every residual arc) applies
 * without a return arc.
 *
 * The algorithm (issue 5) is successive shortest paths from one supply
 * node at a time: Dijkstra on reduced costs (binary heap) from that node,
 * stopping as soon as the sink's distance is final, then the settled nodes'
 * potentials drop by what they lack of the sink's distance. It works on
 * whichever side has less capacity: the cadres as above, or, when the
 * seats are fewer, the transposed network (project -> cadre arcs, an idle
 * arc per project for empty seats, cadre -> sink), whose potentials map
 * back to the cadre network by a change of sign (export_potentials). The
 * other side then keeps spare room, so a search usually ends at once on a
 * column with room; each row's arcs are sorted best score first and a scan
 * stops at the first arc that cannot beat the sink's tentative distance.
 * Preparation is linear (duplicates per cadre with a stamp array, a radix
 * sort by score). Costs and potentials are int64; the solver refuses
 * scores large enough to overflow them.
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
	struct keyed *pins = NULL, *excl = NULL;
	int32_t *by_cadre = NULL, *cstart = NULL, *seen = NULL, *best = NULL;
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
	for (size_t i = 0; i < p->narcs; i++) {
		const struct assign_arc *a = &p->arcs[i];
		if (!pair_ok(p, a) || a->score < 0) {
			snprintf(msg, n, "候选关系 %zu 的干部、项目编号或分数无效", i);
			goto out;
		}
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
	/* The first arc of each pair (best score, then lowest index) represents
	 * it; the rest are dropped, as are excluded pairs. A pinned pair's arc
	 * carries the pin. Pairs are found in linear time: arcs grouped by
	 * cadre (counting sort), then per cadre the best arc of each project
	 * in best[], valid where seen[] holds the cadre. */
	int64_t sum = 0, maxw = 0;
	by_cadre = xmalloc((p->narcs ? p->narcs : 1) * sizeof(int32_t));
	cstart = xcalloc(C + 1, sizeof(int32_t));
	seen = xmalloc((P ? P : 1) * sizeof(int32_t));
	best = xmalloc((P ? P : 1) * sizeof(int32_t));
	for (size_t j = 0; j < P; j++)
		seen[j] = -1;
	bool grouped = true; /* arcs already in cadre order: no need to move them */
	for (size_t i = 0; i < p->narcs; i++) {
		cstart[p->arcs[i].cadre + 1]++;
		grouped &= i == 0 || p->arcs[i].cadre >= p->arcs[i - 1].cadre;
	}
	for (size_t c = 0; c < C; c++)
		cstart[c + 1] += cstart[c];
	if (grouped) {
		for (size_t i = 0; i < p->narcs; i++)
			by_cadre[i] = (int32_t)i;
	} else {
		int32_t *fill = xmalloc((C + 1) * sizeof(int32_t));
		memcpy(fill, cstart, (C + 1) * sizeof(int32_t));
		for (size_t i = 0; i < p->narcs; i++)
			by_cadre[fill[p->arcs[i].cadre]++] = (int32_t)i;
		free(fill);
	}
	for (size_t c = 0; c < C; c++) {
		for (int32_t x = cstart[c]; x < cstart[c + 1]; x++) {
			int32_t i = by_cadre[x], j = p->arcs[i].project;
			if (seen[j] != (int32_t)c) {
				seen[j] = (int32_t)c;
				best[j] = i;
			} else if (p->arcs[i].score > p->arcs[best[j]].score) {
				pr->state[best[j]] = ARC_DROPPED;
				best[j] = i;
			} else {
				pr->state[i] = ARC_DROPPED; /* i > best[j]: a later duplicate */
				continue;
			}
			pr->state[i] = ARC_FREE;
		}
		for (int32_t x = cstart[c]; x < cstart[c + 1]; x++) {
			int32_t i = by_cadre[x];
			if (pr->state[i] != ARC_FREE)
				continue;
			const struct assign_arc *a = &p->arcs[i];
			uint64_t key = (uint64_t)a->cadre * P + (uint64_t)a->project;
			const struct keyed *pin;
			if (p->nexcluded > 0 && keyed_find(excl, p->nexcluded, key)) {
				pr->state[i] = ARC_DROPPED;
			} else if (p->npins > 0 && (pin = keyed_find(pins, p->npins, key))) {
				pr->state[i] = ARC_PINNED;
				pr->pin_arc[pin->idx] = i;
			} else {
				sum += a->score;
				if (a->score > maxw)
					maxw = a->score;
			}
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
	free(excl);
	free(pins);
	free(by_cadre);
	free(cstart);
	free(seen);
	free(best);
	if (r != XZ_OK)
		prep_free(pr);
	return r;
}

/* ---- residual network ---- */

/* The network is built in one of two orientations with the same optimum:
 * the "rows" are the side whose units are routed one search at a time,
 * the "columns" the other side. Rows are cadres when their capacity left
 * does not exceed the seats left, projects otherwise, so every search
 * starts on the smaller side and usually ends soon on a column with room.
 * Internal nodes: rows 0 .. R-1, columns R .. R+K-1, sink T = R+K. Edges:
 * row -> column per free arc (capacity 1, cost -(B + score), cadre ->
 * project or project -> cadre), row -> T "idle" (the row's capacity, cost
 * 0: a cadre left free or a seat left empty), column -> T (the column's
 * capacity, cost 0). The source is implicit: each row starts with its
 * capacity as excess. */
struct net {
	bool rows_are_projects;
	int32_t nrows, ncols, nnodes, nedges;
	/* Edges sorted by tail (CSR) so scans read memory in order: v's edges
	 * are start[v] .. start[v + 1]; rev[e] is e's reverse edge. */
	int32_t *start, *to, *cap, *rev;
	int64_t *cost;
	int32_t *excess;   /* per row: units not yet routed */
	uint8_t *dead;     /* per node: 1 for a column without capacity (see dead_columns) */
	int32_t *arc_edge; /* per problem arc: its forward edge, or -1 */
};

/* Adds edge e (tail's next slot) and its reverse f (head's next slot). */
static void edge_pair(struct net *g, int32_t e, int32_t f, int32_t u, int32_t v, int32_t cap,
                      int64_t cost)
{
	g->to[e] = v, g->cap[e] = cap, g->cost[e] = cost, g->rev[e] = f;
	g->to[f] = u, g->cap[f] = 0, g->cost[f] = -cost, g->rev[f] = e;
}

static void net_build(struct net *g, const struct assign_problem *p, const struct prep *pr)
{
	int32_t C = p->ncadres, P = p->nprojects;
	int64_t capsum = 0, seatsum = 0;
	for (int32_t c = 0; c < C; c++)
		capsum += pr->cap_rem[c];
	for (int32_t j = 0; j < P; j++)
		seatsum += pr->seat_rem[j];
	bool rp = g->rows_are_projects = capsum > seatsum;
	int32_t R = rp ? P : C, K = rp ? C : P, T = R + K;
	const int32_t *rcap = rp ? pr->seat_rem : pr->cap_rem,
	              *kcap = rp ? pr->cap_rem : pr->seat_rem;
	g->nrows = R, g->ncols = K, g->nnodes = R + K + 1;
	g->arc_edge = xmalloc((p->narcs ? p->narcs : 1) * sizeof(int32_t));
	g->excess = xmalloc(((size_t)R + 1) * sizeof(int32_t));
	/* Each row's free arcs best score first (lowest cost first), ties by
	 * index, then its idle edge: augment_from() stops scanning a row at the
	 * first edge that cannot beat the sink's tentative distance. Linear
	 * time: a stable LSD radix sort of the free arcs by descending score
	 * (16 bits a pass), then a stable counting sort by row. */
	size_t nfree = 0;
	int32_t maxscore = 0;
	for (size_t i = 0; i < p->narcs; i++) {
		g->arc_edge[i] = -1;
		if (pr->state[i] == ARC_FREE) {
			nfree++;
			if (p->arcs[i].score > maxscore)
				maxscore = p->arcs[i].score;
		}
	}
	int32_t *ord = xmalloc((nfree + 1) * sizeof(int32_t));
	int32_t *tmp = xmalloc((nfree + 1) * sizeof(int32_t));
	size_t *bucket = xmalloc(((size_t)1 << 16) * sizeof(size_t));
	nfree = 0;
	for (size_t i = 0; i < p->narcs; i++)
		if (pr->state[i] == ARC_FREE)
			ord[nfree++] = (int32_t)i;
	for (int shift = 0; shift < 32 && (maxscore >> shift) > 0; shift += 16) {
		memset(bucket, 0, ((size_t)1 << 16) * sizeof(size_t));
		for (size_t x = 0; x < nfree; x++)
			bucket[((uint32_t)(maxscore - p->arcs[ord[x]].score) >> shift) & 0xFFFF]++;
		size_t at = 0;
		for (size_t d = 0; d < ((size_t)1 << 16); d++) {
			size_t cnt = bucket[d];
			bucket[d] = at;
			at += cnt;
		}
		for (size_t x = 0; x < nfree; x++)
			tmp[bucket[((uint32_t)(maxscore - p->arcs[ord[x]].score) >> shift) &
			           0xFFFF]++] = ord[x];
		int32_t *sw = ord;
		ord = tmp;
		tmp = sw;
	}
	/* CSR directly: a row's arcs then its idle edge; a column's reverse
	 * edges then its edge to T (last, as augment_from() expects); T's
	 * reverse edges. Degrees first. */
	int32_t N = g->nnodes;
	g->start = xcalloc((size_t)N + 1, sizeof(int32_t));
	int32_t *deg = g->start + 1;
	for (size_t x = 0; x < nfree; x++) {
		const struct assign_arc *a = &p->arcs[ord[x]];
		deg[rp ? a->project : a->cadre]++;
		deg[R + (rp ? a->cadre : a->project)]++;
	}
	for (int32_t r = 0; r < R; r++)
		if (rcap[r] > 0)
			deg[r]++, deg[T]++;
	for (int32_t k = 0; k < K; k++)
		if (kcap[k] > 0)
			deg[R + k]++, deg[T]++;
	for (int32_t v = 0; v < N; v++)
		g->start[v + 1] += g->start[v];
	size_t ne = (size_t)g->start[N] + 1;
	g->nedges = g->start[N];
	g->to = xmalloc(ne * sizeof(int32_t));
	g->cap = xmalloc(ne * sizeof(int32_t));
	g->rev = xmalloc(ne * sizeof(int32_t));
	g->cost = xmalloc(ne * sizeof(int64_t));
	int32_t *fill = xmalloc(((size_t)N + 1) * sizeof(int32_t));
	memcpy(fill, g->start, ((size_t)N + 1) * sizeof(int32_t));
	/* a stable counting sort by row: byrow[start[r] ..] = r's arcs, best
	 * score first */
	int32_t *byrow = xmalloc(((size_t)g->start[R] + 1) * sizeof(int32_t));
	for (size_t x = 0; x < nfree; x++) {
		const struct assign_arc *a = &p->arcs[ord[x]];
		byrow[fill[rp ? a->project : a->cadre]++] = ord[x];
	}
	memcpy(fill, g->start, ((size_t)N + 1) * sizeof(int32_t));
	for (int32_t r = 0; r < R; r++) {
		int32_t n_arcs = g->start[r + 1] - g->start[r] - (rcap[r] > 0);
		for (int32_t x = 0; x < n_arcs; x++) {
			int32_t i = byrow[g->start[r] + x];
			const struct assign_arc *a = &p->arcs[i];
			int32_t k = R + (rp ? a->cadre : a->project);
			int32_t e = fill[r]++;
			g->arc_edge[i] = e;
			edge_pair(g, e, fill[k]++, r, k, 1, -(pr->bonus + a->score));
		}
		g->excess[r] = rcap[r];
		if (rcap[r] > 0)
			edge_pair(g, fill[r]++, fill[T]++, r, T, rcap[r], 0);
	}
	g->dead = xcalloc((size_t)N, 1);
	for (int32_t k = 0; k < K; k++) {
		if (kcap[k] > 0)
			edge_pair(g, fill[R + k]++, fill[T]++, R + k, T, kcap[k], 0);
		else
			g->dead[R + k] = 1;
	}
	free(fill);
	free(byrow);
	free(bucket);
	free(tmp);
	free(ord);
}

static void net_free(struct net *g)
{
	free(g->to);
	free(g->cap);
	free(g->cost);
	free(g->start);
	free(g->rev);
	free(g->excess);
	free(g->dead);
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

/* ---- successive shortest paths, one row at a time ---- */

#define DIST_INF INT64_MAX

struct search {
	int64_t *dist;
	int32_t *pred; /* edge into the node on its shortest path */
	uint8_t *done;
	int32_t *touched;
	struct heap h;
};

/* Dijkstra on reduced costs from row s, stopping when the sink is settled
 * (it is always reachable: s's idle edge has capacity while s has excess).
 * Then every settled node v gets pi[v] -= d(T) - d(v), which keeps every
 * residual reduced cost non-negative (unsettled nodes are at least d(T)
 * away) and makes the path to T zero-cost; flow is pushed along it. A
 * tentative distance equal to the one being settled is already final, so
 * the search stops as soon as T gets the current distance. */
static void augment_from(struct net *g, int32_t s, int64_t *pi, struct search *z)
{
	int32_t T = g->nnodes - 1, ntouched = 0;
	int64_t dT = DIST_INF;
	struct heap *h = &z->h;
	h->n = 0;
	z->dist[s] = 0;
	z->touched[ntouched++] = s;
	heap_push(h, 0, s);
	while (h->n > 0) {
		struct heap_item it = heap_pop(h);
		int32_t u = it.v;
		if (z->done[u] || it.d != z->dist[u])
			continue;
		if (it.d >= dT)
			break; /* T's tentative distance is final */
		z->done[u] = 1;
		int64_t base = it.d + pi[u];
		bool row = u < g->nrows;
		for (int32_t e = g->start[u]; e < g->start[u + 1]; e++) {
			/* A row's edges go to columns or T, whose potentials are
			 * <= 0 (they start at 0 and only decrease; T's never moves),
			 * so base + cost bounds this edge's distance from below,
			 * and the costs only grow along the row. */
			if (row && base + g->cost[e] >= dT)
				break;
			int32_t w = g->to[e];
			if (g->cap[e] <= 0 || z->done[w] || g->dead[w])
				continue;
			int64_t nd = base + g->cost[e] - pi[w];
			if (nd >= z->dist[w])
				continue;
			if (z->dist[w] == DIST_INF)
				z->touched[ntouched++] = w;
			z->dist[w] = nd;
			z->pred[w] = e;
			if (w == T) {
				dT = nd;
				continue;
			}
			heap_push(h, nd, w);
			/* A column with room reaches T at once (its T edge is its
			 * last): relaxing it now lets the row scans above stop. */
			int32_t last = g->start[w + 1] - 1;
			if (!row || g->to[last] != T || g->cap[last] <= 0)
				continue;
			int64_t ndT = nd + pi[w] - pi[T];
			if (ndT < dT) {
				if (z->dist[T] == DIST_INF)
					z->touched[ntouched++] = T;
				z->dist[T] = dT = ndT;
				z->pred[T] = last;
			}
		}
		if (dT == it.d)
			break; /* nothing can beat the distance being settled */
	}
	for (int32_t i = 0; i < ntouched; i++) {
		int32_t v = z->touched[i];
		if (z->done[v] && z->dist[v] < dT)
			pi[v] -= dT - z->dist[v];
	}
	/* bottleneck: the row's excess and the residual capacities */
	int32_t f = g->excess[s];
	for (int32_t v = T; v != s;) {
		int32_t e = z->pred[v];
		if (g->cap[e] < f)
			f = g->cap[e];
		v = g->to[g->rev[e]];
	}
	for (int32_t v = T; v != s;) {
		int32_t e = z->pred[v];
		g->cap[e] -= f;
		g->cap[g->rev[e]] += f;
		v = g->to[g->rev[e]];
	}
	g->excess[s] -= f;
	for (int32_t i = 0; i < ntouched; i++) {
		z->dist[z->touched[i]] = DIST_INF;
		z->done[z->touched[i]] = 0;
	}
}

/* Potentials valid for the empty flow: T and the columns 0, each row the
 * largest -cost out of it (0 without arcs), so that every row -> column
 * edge has reduced cost (best - this) >= 0 and a row's best arc is free. */
static void initial_potentials(const struct net *g, int64_t *pi)
{
	memset(pi, 0, (size_t)g->nnodes * sizeof(int64_t));
	for (int32_t r = 0; r < g->nrows; r++)
		for (int32_t e = g->start[r]; e < g->start[r + 1]; e++)
			if (-g->cost[e] > pi[r])
				pi[r] = -g->cost[e];
}

/* A column without capacity (a project whose seats are all pinned, a cadre
 * whose capacity is) can never carry flow nor lead to T, so the searches
 * skip it and its potential stays 0 while the rows' drop; here it gets the
 * largest value that keeps its incoming arcs' reduced costs >= 0 (it has
 * no other residual arc). Skipping it also keeps potentials bounded: every
 * node a search settles has a residual path to T. */
static void dead_columns(const struct net *g, int64_t *pi)
{
	for (int32_t k = g->nrows; k < g->nrows + g->ncols; k++) {
		if (!g->dead[k])
			continue;
		for (int32_t f = g->start[k]; f < g->start[k + 1]; f++) {
			int64_t bound = pi[g->to[f]] - g->cost[f]; /* pi(row) + forward cost */
			if (bound < pi[k])
				pi[k] = bound;
		}
	}
}

static void solve_flow(struct net *g, int64_t *pi)
{
	size_t N = (size_t)g->nnodes;
	struct search z = {xmalloc(N * sizeof(int64_t)),
	                   xmalloc(N * sizeof(int32_t)),
	                   xcalloc(N, 1),
	                   xmalloc(N * sizeof(int32_t)),
	                   {0}};
	for (size_t v = 0; v < N; v++)
		z.dist[v] = DIST_INF;
	initial_potentials(g, pi);
	for (int32_t r = 0; r < g->nrows; r++)
		while (g->excess[r] > 0)
			augment_from(g, r, pi, &z);
	dead_columns(g, pi);
	free(z.h.a);
	free(z.dist);
	free(z.pred);
	free(z.done);
	free(z.touched);
}

/* Potentials in the layout of assign_solution (source, cadres, projects,
 * sink: the cadre -> project network of assign_solver.h). Cadre rows map
 * one to one. Project rows are the transposed network: with u = pi - pi(T)
 * its optimality conditions are those of the cadre network under
 * u(cadre) = -u'(cadre), u(project) = -u'(project). The source gets the
 * least cadre potential, so the reverses of its saturated arcs are slack. */
static void export_potentials(const struct net *g, int32_t C, int32_t P, const int64_t *pi,
                              int64_t *out)
{
	int32_t T = g->nnodes - 1;
	for (int32_t c = 0; c < C; c++)
		out[1 + c] = g->rows_are_projects ? pi[T] - pi[P + c] : pi[c] - pi[T];
	for (int32_t j = 0; j < P; j++)
		out[1 + C + j] = g->rows_are_projects ? pi[T] - pi[j] : pi[C + j] - pi[T];
	out[1 + C + P] = 0;
	int64_t least = 0;
	for (int32_t c = 0; c < C; c++)
		if (out[1 + c] < least)
			least = out[1 + c];
	out[0] = least;
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
	s->npotential = g.nnodes + 1; /* plus the source */
	s->potential = xmalloc((size_t)s->npotential * sizeof(int64_t));
	s->arc_used = xcalloc(p->narcs ? p->narcs : 1, 1);
	s->projects = xcalloc((size_t)(p->nprojects ? p->nprojects : 1), sizeof(*s->projects));
	int64_t *pi = xmalloc((size_t)g.nnodes * sizeof(int64_t));
	solve_flow(&g, pi);
	export_potentials(&g, p->ncadres, p->nprojects, pi, s->potential);
	free(pi);
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
