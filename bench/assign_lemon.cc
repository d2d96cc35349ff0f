/*
 * LEMON side of the staffing benchmark (issue 5, bench/engine_assign): reads
 * an instance written by bench/gen_assign.c and solves it REPEAT times with
 * LEMON's NetworkSimplex ("ns") or CostScaling ("cs"), timing the graph
 * construction from the arrays in memory plus the solver (file reading is
 * not timed; xinzhi's timed assign_solve() likewise builds its own network).
 *
 * The network is the one assign_solve() builds, so both solve the identical
 * problem: every cadre node supplies 1 unit; arc cadre -> project (capacity
 * 1, cost -(B + score)) per candidate, cadre -> sink "idle" (capacity 1,
 * cost 0), project -> sink (capacity = seats, cost 0); the sink demands
 * one unit per cadre. B = 1 + the sum of all scores, as in assign_solver.h,
 * so the minimum cost fills the most seats first and then maximises the
 * total score, and cost = -(filled * B + score). Costs are long long.
 *
 * Prints: filled=F score=S cost=K times=t1,... run_times=r1,...
 * (run_times: the solver's run() alone, for reference).
 *
 * Usage: assign_lemon FILE ns|cs [REPEAT]
 */
#include <lemon/cost_scaling.h>
#include <lemon/network_simplex.h>
#include <lemon/static_graph.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace lemon;

typedef StaticDigraph Graph;
typedef long long Cost;

struct instance {
	long ncadres = -1, nprojects = -1;
	std::vector<int> seats;
	std::vector<int> cadre, project, score;
};

static void die(const char *what)
{
	std::fprintf(stderr, "assign_lemon: %s\n", what);
	std::exit(1);
}

static double now()
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
	    .count();
}

static long next_num(char *&p)
{
	char *end;
	long v = std::strtol(p, &end, 10);
	if (end == p)
		die("malformed line");
	p = end;
	return v;
}

static instance read_instance(const char *path)
{
	std::ifstream f(path, std::ios::binary);
	if (!f)
		die("cannot open the instance");
	std::stringstream ss;
	ss << f.rdbuf();
	std::string text = ss.str();
	instance in;
	for (char *p = &text[0]; *p;) {
		char kind = *p++;
		if (kind == 'p') {
			while (*p == ' ')
				p++;
			if (std::strncmp(p, "assign", 6) != 0)
				die("not an assign instance");
			p += 6;
			in.ncadres = next_num(p);
			in.nprojects = next_num(p);
			long a = next_num(p);
			in.seats.assign(in.nprojects, 0);
			in.cadre.reserve(a), in.project.reserve(a), in.score.reserve(a);
		} else if (kind == 's') {
			long j = next_num(p);
			if (j < 0 || j >= in.nprojects)
				die("bad project");
			in.seats[j] = (int)next_num(p);
		} else if (kind == 'a') {
			in.cadre.push_back((int)next_num(p));
			in.project.push_back((int)next_num(p));
			in.score.push_back((int)next_num(p));
		} else if (kind != 'c' && kind != '\n') {
			die("unknown line");
		}
		while (*p && *p != '\n')
			p++;
		if (*p)
			p++;
	}
	return in;
}

struct result {
	long filled;
	long long score, cost;
	double total, run;
};

template <class Solver> static result solve(const instance &in, Cost bonus)
{
	double t0 = now();
	long C = in.ncadres, P = in.nprojects, sink = C + P;
	size_t A = in.cadre.size();
	/* StaticDigraph wants its arcs sorted by source: a counting sort by
	 * cadre, each cadre's candidates followed by its idle arc, then the
	 * project -> sink arcs. pos[i] is input arc i's index in the graph. */
	std::vector<long> first(C + 1, 0);
	for (size_t i = 0; i < A; i++)
		first[in.cadre[i] + 1]++;
	for (long c = 0; c < C; c++)
		first[c + 1] += first[c] + 1; /* + 1: the idle arc of cadre c */
	std::vector<std::pair<int, int>> arcs(A + C + P);
	std::vector<long> fill(first.begin(), first.end() - 1), pos(A);
	for (size_t i = 0; i < A; i++) {
		pos[i] = fill[in.cadre[i]]++;
		arcs[pos[i]] = std::make_pair(in.cadre[i], (int)(C + in.project[i]));
	}
	for (long c = 0; c < C; c++)
		arcs[fill[c]] = std::make_pair((int)c, (int)sink);
	for (long j = 0; j < P; j++)
		arcs[A + C + j] = std::make_pair((int)(C + j), (int)sink);
	Graph g;
	g.build((int)(C + P + 1), arcs.begin(), arcs.end());
	Graph::ArcMap<int> cap(g, 1);
	Graph::ArcMap<Cost> cost(g, 0);
	Graph::NodeMap<int> supply(g, 1);
	for (size_t i = 0; i < A; i++)
		cost[g.arc((int)pos[i])] = -(bonus + in.score[i]);
	for (long j = 0; j < P; j++) {
		cap[g.arc((int)(A + C + j))] = in.seats[j];
		supply[g.node((int)(C + j))] = 0;
	}
	supply[g.node((int)sink)] = -(int)C;
	Solver solver(g);
	solver.upperMap(cap).costMap(cost).supplyMap(supply);
	double t1 = now();
	if (solver.run() != Solver::OPTIMAL)
		die("the solver found no optimum");
	double t2 = now();
	result r = {0, 0, 0, 0, 0};
	for (size_t i = 0; i < A; i++)
		if (solver.flow(g.arc((int)pos[i])) > 0)
			r.filled++, r.score += in.score[i];
	r.cost = solver.template totalCost<long long>();
	r.total = now() - t0;
	r.run = t2 - t1;
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4)
		die("usage: assign_lemon FILE ns|cs [REPEAT]");
	bool ns = std::strcmp(argv[2], "ns") == 0;
	if (!ns && std::strcmp(argv[2], "cs") != 0)
		die("the method is ns or cs");
	int repeat = argc == 4 ? std::atoi(argv[3]) : 3;
	if (repeat < 1)
		die("REPEAT must be >= 1");
	instance in = read_instance(argv[1]);
	if ((long)in.cadre.size() == 0 && in.ncadres < 0)
		die("no header");
	Cost bonus = 1;
	for (int s : in.score)
		bonus += s;
	std::vector<result> rs;
	for (int r = 0; r < repeat; r++) {
		result x = ns ? solve<NetworkSimplex<Graph, int, Cost>>(in, bonus)
		              : solve<CostScaling<Graph, int, Cost>>(in, bonus);
		if (!rs.empty() && (x.filled != rs[0].filled || x.score != rs[0].score))
			die("repeated solves disagree");
		rs.push_back(x);
	}
	if (rs[0].cost != -(rs[0].filled * bonus + rs[0].score))
		die("total cost does not match the assignment");
	std::printf("filled=%ld score=%lld cost=%lld times=", rs[0].filled, rs[0].score,
	            rs[0].cost);
	for (int r = 0; r < repeat; r++)
		std::printf("%s%.6f", r ? "," : "", rs[r].total);
	std::printf(" run_times=");
	for (int r = 0; r < repeat; r++)
		std::printf("%s%.6f", r ? "," : "", rs[r].run);
	std::printf("\n");
	return 0;
}
