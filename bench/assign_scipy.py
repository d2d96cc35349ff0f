"""scipy side of the staffing benchmark (issue 5, bench/engine_assign).

Reads an instance written by bench/gen_assign.c and solves it REPEAT times,
timing the step from the arrays in memory to the optimum (building scipy's
matrix included, file reading not), the same objective as xinzhi's
assign_solve(): fill the most seats, then maximise the total score; every
cadre takes at most one project, seats may stay empty.

- Dense instances (every cadre a candidate for every project, one seat
  each): scipy.optimize.linear_sum_assignment(scores, maximize=True). With a
  complete bipartite graph every maximum-score matching of size
  min(cadres, projects) is also a maximum-cardinality one, so it is the same
  problem.
- Sparse instances: scipy.sparse.csgraph.min_weight_full_bipartite_matching,
  which needs a matching that covers the smaller side. Model: one row per
  cadre; one column per seat (project j's candidates get an edge to each of
  its seats[j] seat columns, so capacities become seats); plus one private
  "unassigned" column per cadre. Rows (C) <= columns (seats + C), so a full
  matching matches every cadre, either to a seat or to its own unassigned
  column, and seats may stay empty. Weights: a candidate edge of score w
  weighs (maxw + 1 - w) >= 1, an unassigned edge K = B + maxw + 1, where
  B = 1 + the sum of all scores is xinzhi's per-seat bonus. A full matching
  with F filled seats and total score S weighs C*K - (F*B + S), so the
  minimum weight is exactly the minimum cost -(F*B + S) of assign_solve()
  and of the LEMON network. All weights are integers below 2^53, so the
  float64 arithmetic is exact. (No weight is 0: scipy would take an explicit
  zero for a missing edge.)

Prints: filled=F score=S cost=K times=t1,... method=...
Usage: assign_scipy.py FILE [REPEAT]
"""
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching


def read_instance(path):
    with open(path) as f:
        lines = f.read().split("\n")
    head = next(l for l in lines if l.startswith("p "))
    _, kind, c, p, a = head.split()
    if kind != "assign":
        sys.exit("assign_scipy: not an assign instance")
    C, P, A = int(c), int(p), int(a)
    seats = np.zeros(P, dtype=np.int64)
    s = np.fromstring(" ".join(l[2:] for l in lines if l.startswith("s ")), dtype=np.int64, sep=" ")
    seats[s[0::2]] = s[1::2]
    arcs = np.fromstring(" ".join(l[2:] for l in lines if l.startswith("a ")), dtype=np.int64, sep=" ")
    arcs = arcs.reshape(-1, 3)
    if arcs.shape[0] != A:
        sys.exit("assign_scipy: arc count differs from the header")
    return C, P, seats, arcs[:, 0].copy(), arcs[:, 1].copy(), arcs[:, 2].copy()


def solve_dense(C, P, seats, ac, ap, aw):
    W = np.zeros((C, P), dtype=np.int64)
    W[ac, ap] = aw
    rows, cols = linear_sum_assignment(W, maximize=True)
    return len(rows), int(W[rows, cols].sum())


def solve_sparse(C, P, seats, ac, ap, aw, B):
    maxw = int(aw.max()) if len(aw) else 0
    K = B + maxw + 1
    off = np.concatenate(([0], np.cumsum(seats)))
    S = int(off[-1])
    rep = seats[ap]
    total = int(rep.sum())
    start = np.repeat(np.cumsum(rep) - rep, rep)
    rows = np.concatenate((np.repeat(ac, rep), np.arange(C)))
    cols = np.concatenate((np.repeat(off[ap], rep) + (np.arange(total) - start), S + np.arange(C)))
    data = np.concatenate((np.repeat(maxw + 1 - aw, rep), np.full(C, K))).astype(np.float64)
    M = csr_matrix((data, (rows, cols)), shape=(C, S + C))
    r, c = min_weight_full_bipartite_matching(M)
    seat = c < S
    w = np.asarray(M[r[seat], c[seat]]).ravel()
    return int(seat.sum()), int(round((maxw + 1) * seat.sum() - w.sum()))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: assign_scipy.py FILE [REPEAT]")
    repeat = int(sys.argv[2]) if len(sys.argv) == 3 else 3
    C, P, seats, ac, ap, aw = read_instance(sys.argv[1])
    B = 1 + int(aw.sum())
    dense = len(aw) == C * P and bool((seats == 1).all())
    method = "linear_sum_assignment" if dense else "min_weight_full_bipartite_matching"
    times, res = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = solve_dense(C, P, seats, ac, ap, aw) if dense else solve_sparse(C, P, seats, ac, ap, aw, B)
        times.append(time.perf_counter() - t0)
        if res is not None and r != res:
            sys.exit("assign_scipy: repeated solves disagree")
        res = r
    filled, score = res
    print("filled=%d score=%d cost=%d times=%s method=%s"
          % (filled, score, -(filled * B + score), ",".join("%.6f" % t for t in times), method))


if __name__ == "__main__":
    main()
