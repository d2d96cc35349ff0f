/*
 * 季季评 computation (see eval_calc.h for the rules): weighted totals, ranks
 * within a peer group with shared ranks for ties, and grades by quota that
 * never split a tie. Pure functions over caller arrays.
 */
#include "domain/eval_calc.h"

#include "core/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* copies text with the full-width separators turned into ASCII ones */
static char *normalise(const char *text)
{
	size_t len = strlen(text);
	char *s = xmalloc(len + 1), *o = s;
	for (const char *p = text; *p;) {
		if (!strncmp(p, "，", 3) || !strncmp(p, "；", 3)) {
			*o++ = ',';
			p += 3;
		} else if (!strncmp(p, "：", 3)) {
			*o++ = ':';
			p += 3;
		} else {
			*o++ = *p == ';' ? ',' : *p;
			p++;
		}
	}
	*o = '\0';
	return s;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

enum xz_result eval_calc_parse_grades(const char *text, double fail_below,
                                      struct eval_grade_rule *out, char *msg, size_t n)
{
	enum xz_result r = XZ_ERR_VALIDATION;
	memset(out, 0, sizeof(*out));
	char *copy = normalise(text ? text : "");
	char *save = NULL;
	int sum = 0;
	if (fail_below < 0 || fail_below > 100) {
		snprintf(msg, n, "较差分数线应在0到100之间");
		goto out;
	}
	out->fail_below = fail_below;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		if (colon)
			*colon = '\0';
		char *name = trim(tok);
		if (!*name) {
			snprintf(msg, n, "等次名称不能为空（格式如 好:30,较好:40,一般:30,较差）");
			goto out;
		}
		if (out->ngrades == EVAL_MAX_GRADES) {
			snprintf(msg, n, "等次最多%d个", EVAL_MAX_GRADES);
			goto out;
		}
		if (strlen(name) >= EVAL_GRADE_NAME) {
			snprintf(msg, n, "等次名称“%.30s”过长", name);
			goto out;
		}
		for (size_t i = 0; i < out->ngrades; i++)
			if (!strcmp(out->names[i], name)) {
				snprintf(msg, n, "等次“%s”重复", name);
				goto out;
			}
		int share = 0;
		if (colon) {
			char *v = trim(colon + 1), *end = NULL;
			long s = strtol(v, &end, 10);
			if (end && *end == '%')
				end++;
			if (!*v || *end || s < 0 || s > 100) {
				snprintf(msg, n, "等次“%s”的比例应为0到100之间的整数（百分比）",
				         name);
				goto out;
			}
			share = (int)s;
		}
		snprintf(out->names[out->ngrades], EVAL_GRADE_NAME, "%s", name);
		out->shares[out->ngrades++] = share;
	}
	if (out->ngrades < 2) {
		snprintf(msg, n, "至少设置两个等次（格式如 好:30,较好:40,一般:30,较差）");
		goto out;
	}
	for (size_t i = 0; i + 1 < out->ngrades; i++)
		sum += out->shares[i];
	if (sum > 100) {
		snprintf(msg, n, "除最后一个等次外，各等次比例之和为%d%%，不能超过100%%", sum);
		goto out;
	}
	r = XZ_OK;
out:
	free(copy);
	return r;
}

double eval_calc_total(const double *avg, const bool *present, const double *weights, size_t ndim)
{
	double sum = 0;
	for (size_t d = 0; d < ndim; d++)
		if (present[d])
			sum += avg[d] * weights[d];
	return round(sum) / 100.0; /* Σ avg × w / 100 to two decimals: round(Σ avg × w) / 100 */
}

void eval_calc_grade_group(const double *totals, size_t n, const struct eval_grade_rule *rule,
                           int *ranks, int *grades)
{
	size_t k = rule->ngrades;
	size_t caps[EVAL_MAX_GRADES];
	int cum = 0;
	for (size_t j = 0; j < k; j++) {
		if (j + 1 == k) {
			caps[j] = n;
			break;
		}
		cum += rule->shares[j];
		size_t cap = n * (size_t)cum / 100;
		if (j == 0 && n > 0 && rule->shares[0] > 0 && cap < 1)
			cap = 1;
		if (cap > n)
			cap = n;
		if (j > 0 && cap < caps[j - 1])
			cap = caps[j - 1];
		caps[j] = cap;
	}
	for (size_t s = 0; s < n;) {
		size_t e = s + 1;
		while (e < n && totals[e] == totals[s])
			e++;
		size_t g = 0;
		while (g + 1 < k && e > caps[g])
			g++;
		for (size_t i = s; i < e; i++) {
			ranks[i] = (int)s + 1;
			grades[i] = rule->fail_below > 0 && totals[i] < rule->fail_below
			                ? (int)k - 1
			                : (int)g;
		}
		s = e;
	}
}

static int item_cmp(const void *a, const void *b)
{
	const struct eval_calc_item *x = *(const struct eval_calc_item *const *)a;
	const struct eval_calc_item *y = *(const struct eval_calc_item *const *)b;
	int c = strcmp(x->group ? x->group : "", y->group ? y->group : "");
	if (c)
		return c;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

enum xz_result eval_calc_rank(struct eval_calc_item *items, size_t n,
                              const struct eval_grade_rule *rule)
{
	if (!n)
		return XZ_OK;
	if (rule->ngrades < 1)
		return XZ_ERR_INTERNAL;
	struct eval_calc_item **order = xmalloc(n * sizeof(*order));
	double *totals = xmalloc(n * sizeof(*totals));
	int *ranks = xmalloc(n * sizeof(*ranks)), *grades = xmalloc(n * sizeof(*grades));
	for (size_t i = 0; i < n; i++)
		order[i] = &items[i];
	qsort(order, n, sizeof(*order), item_cmp);
	for (size_t s = 0; s < n;) {
		size_t e = s;
		const char *g = order[s]->group ? order[s]->group : "";
		while (e < n && !strcmp(order[e]->group ? order[e]->group : "", g)) {
			totals[e - s] = order[e]->total;
			e++;
		}
		eval_calc_grade_group(totals, e - s, rule, ranks, grades);
		for (size_t i = s; i < e; i++) {
			order[i]->rank = ranks[i - s];
			order[i]->grade = grades[i - s];
			order[i]->group_size = (int)(e - s);
		}
		s = e;
	}
	free(order);
	free(totals);
	free(ranks);
	free(grades);
	return XZ_OK;
}
