/*
 * 干部画像 (see portrait.h). Each part is a scan of one entity filtered by
 * the cadre (or its person) through the engine, so scope and masking are the
 * engine's; the 专家型 rule is a small table of areas with the education,
 * title and career keywords that count as evidence for each.
 */
#include "domain/portrait.h"
#include "domain/problem.h"
#include "domain/evaluation.h"
#include "domain/tempering.h"
#include "core/mem.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static const char *label(json_t *row, const char *field)
{
	return str(json_object_get(row, "_labels"), field);
}

/* ---- 专家型 ---- */

static const struct expert_area {
	const char *area;
	const char *const majors[12]; /* 所学专业 keywords */
	const char *const titles[8];  /* 专业技术职务 keywords */
	const char *const posts[10];  /* 任职经历 keywords */
} areas[] = {
	{"产业经济",
	 {"经济", "产业", "管理", "规划", NULL},
	 {"经济师", "规划师", NULL},
	 {"发展和改革", "发展改革", "工业和信息化", "经信", "商务", "开发区", "产业", "招商", NULL}},
	{"科技创新",
	 {"工程", "计算机", "电子", "材料", "物理", "化学", "生物", "机械", "信息", "自动化", "软件",
	  NULL},
	 {"工程师", "研究员", "教授", NULL},
	 {"科学技术", "科技", "高新", "创新", "研究院", "实验室", NULL}},
	{"现代金融",
	 {"金融", "财务", "会计", "经济", "投资", NULL},
	 {"经济师", "会计师", "审计师", NULL},
	 {"金融", "财政", "银行", "证券", "投资", "基金", "国资", NULL}},
};

static bool contains_any(const char *text, const char *const *words)
{
	for (; *words; words++)
		if (strstr(text, *words))
			return true;
	return false;
}

static bool has_tag(json_t *tags, const char *tag)
{
	size_t i;
	json_t *v;
	json_array_foreach(tags, i, v) if (!strcmp(json_string_value(v), tag)) return true;
	return false;
}

static json_t *expert_of(json_t *cadre, json_t *person, json_t *careers)
{
	json_t *list = json_array();
	bool expert = false;
	const char *edu = str(person, "education"), *degree = str(person, "degree");
	const char *major = str(person, "major"), *title = str(person, "title");
	bool graduate = strstr(edu, "研究生") || strstr(degree, "硕士") || strstr(degree, "博士");
	for (size_t a = 0; a < sizeof(areas) / sizeof(areas[0]); a++) {
		if (!has_tag(json_object_get(cadre, "expertise"), areas[a].area))
			continue;
		json_t *evidence = json_array();
		if (graduate && *major && contains_any(major, areas[a].majors))
			json_array_append_new(evidence, json_sprintf("学历：%s %s", edu, major));
		if (*title && contains_any(title, areas[a].titles))
			json_array_append_new(evidence, json_sprintf("职称：%s", title));
		size_t i;
		json_t *c;
		json_array_foreach(careers, i, c) {
			const char *post = str(c, "unit_post");
			if (contains_any(post, areas[a].posts)) {
				json_array_append_new(evidence, json_sprintf("任职：%s", post));
				break;
			}
		}
		expert |= json_array_size(evidence) > 0;
		json_array_append_new(list, json_pack("{s:s, s:o}", "area", areas[a].area, "evidence",
		                                      evidence));
	}
	return json_pack("{s:b, s:s, s:o}", "is_expert", expert, "rule", PORTRAIT_EXPERT_RULE,
	                 "areas", list);
}

/* ---- the parts ---- */

static enum xz_result collect(void *cls, json_t *row)
{
	json_array_append(cls, row);
	return XZ_OK;
}

/* the rows of entity where field = id, in list order */
static enum xz_result rows_of(struct engine_ctx *ctx, const char *entity, const char *field,
                              int64_t id, const char *sort, json_t **out)
{
	char value[24];
	snprintf(value, sizeof(value), "%lld", (long long)id);
	struct kv params[] = {{field, value}, {"sort", sort}};
	*out = json_array();
	return engine_scan(ctx, model_find(entity), params, sort ? 2 : 1, true, collect, *out);
}

static int by_date(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	return strcmp(str(x, "date"), str(y, "date"));
}

static json_t *timeline_of(json_t *careers, json_t *temperings, json_t *projects)
{
	size_t n = json_array_size(careers) + json_array_size(temperings) + json_array_size(projects);
	json_t **v = xcalloc(n + 1, sizeof(*v));
	size_t k = 0, i;
	json_t *r;
	json_array_foreach(careers, i, r)
		v[k++] = json_pack("{s:s, s:s, s:s, s:s}", "date", str(r, "start_date"), "end",
		                   str(r, "end_date"), "kind", "任职", "text", str(r, "unit_post"));
	json_array_foreach(temperings, i, r)
		v[k++] = json_pack("{s:s, s:s, s:s, s:s++++}", "date", str(r, "start_date"), "end",
		                   str(r, "end_date"), "kind", "琢璞历练", "text",
		                   str(r, "destination_kind"), "：", str(r, "destination"), "（",
		                   str(r, "kind"), "）");
	json_array_foreach(projects, i, r)
		v[k++] = json_pack("{s:s, s:s, s:s, s:s++}", "date", str(r, "joined"), "end", "",
		                   "kind", "百项攻坚", "text", label(r, "project_id"), "（",
		                   str(r, "role"));
	/* a project member row names its role; close the bracket */
	for (size_t j = 0; j < k; j++)
		if (!strcmp(str(v[j], "kind"), "百项攻坚")) {
			char *t = xasprintf("%s）", str(v[j], "text"));
			json_object_set_new(v[j], "text", json_string(t));
			free(t);
		}
	qsort(v, k, sizeof(*v), by_date);
	json_t *out = json_array();
	for (size_t j = 0; j < k; j++)
		json_array_append_new(out, v[j]);
	free(v);
	return out;
}

static json_t *training_of(json_t *enrollments, struct engine_ctx *ctx)
{
	json_t *years = json_object();
	double total = 0;
	size_t i;
	json_t *e;
	json_array_foreach(enrollments, i, e) {
		json_t *cls = NULL;
		int64_t class_id = json_integer_value(json_object_get(e, "class_id"));
		if (engine_get(ctx, model_find("training_class"), class_id, &cls))
			continue;
		char year[5] = "";
		snprintf(year, sizeof(year), "%.4s", str(cls, "start_date"));
		json_decref(cls);
		double hours = json_number_value(json_object_get(e, "hours"));
		json_t *y = json_object_get(years, year);
		if (!y) {
			y = json_pack("{s:s, s:f, s:i}", "year", year, "hours", 0.0, "classes", 0);
			json_object_set_new(years, year, y);
		}
		json_object_set_new(y, "hours",
		                    json_real(json_number_value(json_object_get(y, "hours")) + hours));
		json_object_set_new(y, "classes",
		                    json_integer(json_integer_value(json_object_get(y, "classes")) + 1));
		total += hours;
	}
	json_t *list = json_array();
	const char *key;
	json_t *v;
	json_object_foreach(years, key, v) json_array_append(list, v);
	json_decref(years);
	return json_pack("{s:o, s:f}", "years", list, "total", total);
}

static json_t *evaluations_of(json_t *subjects, struct engine_ctx *ctx)
{
	json_t *out = json_array();
	size_t i;
	json_t *s;
	json_array_foreach(subjects, i, s) {
		int64_t round_id = json_integer_value(json_object_get(s, "round_id"));
		json_t *round = NULL, *results = NULL;
		if (engine_get(ctx, model_find("eval_round"), round_id, &round))
			continue;
		bool published = !strcmp(str(round, "status"), "已发布");
		if (published && !evaluation_results(ctx, round_id, &results)) {
			size_t k;
			json_t *it;
			json_array_foreach(json_object_get(results, "items"), k, it) {
				if (json_integer_value(json_object_get(it, "subject_id")) !=
				    json_integer_value(json_object_get(s, "id")))
					continue;
				json_array_append_new(
				    out, json_pack("{s:O, s:O, s:I, s:O, s:O, s:O, s:O, s:s}", "year",
				                   json_object_get(round, "year"), "quarter",
				                   json_object_get(round, "quarter"), "round_id",
				                   (json_int_t)round_id, "total", json_object_get(it, "total"),
				                   "rank", json_object_get(it, "rank"), "group_size",
				                   json_object_get(it, "group_size"), "grade",
				                   json_object_get(it, "grade"), "peer_group",
				                   str(s, "peer_group")));
			}
		}
		json_decref(results);
		json_decref(round);
	}
	return out;
}

/* 进园助企 problems the cadre is responsible for: the counts over all of
 * them (problem.h's rules), the open overdue first, and per evaluated
 * quarter the same counts for the problems due in it. */
static json_t *problems_of(struct engine_ctx *ctx, int64_t cadre_id, json_t *evaluations)
{
	json_t *all = problem_owner_evidence(ctx, cadre_id, "0000-01-01", "9999-12-31");
	json_object_del(all, "from");
	json_object_del(all, "to");
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)cadre_id);
	struct kv params[] = {{"owner_cadre_id", id}};
	json_t *ledger = NULL, *items = json_array();
	if (!problem_ledger(ctx, params, 1, &ledger)) {
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(ledger, "items"), i, it) {
			if (i >= 20)
				break;
			json_array_append_new(
			    items, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "id",
			                     json_object_get(it, "id"), "enterprise",
			                     json_object_get(it, "enterprise"), "category",
			                     json_object_get(it, "category"), "description",
			                     json_object_get(it, "description"), "deadline",
			                     json_object_get(it, "deadline"), "status",
			                     json_object_get(it, "status"), "closed_date",
			                     json_object_get(it, "closed_date"), "late_kind",
			                     json_object_get(it, "late_kind"), "days_overdue",
			                     json_object_get(it, "days_overdue")));
		}
	}
	json_decref(ledger);
	json_object_set_new(all, "items", items);
	size_t i;
	json_t *ev;
	json_array_foreach(evaluations, i, ev) {
		char from[11], to[11];
		problem_quarter_range((int)json_integer_value(json_object_get(ev, "year")),
		                      (int)json_integer_value(json_object_get(ev, "quarter")), from, to);
		json_object_set_new(ev, "problems", problem_owner_evidence(ctx, cadre_id, from, to));
	}
	return all;
}

enum xz_result portrait_cadre(struct engine_ctx *ctx, int64_t cadre_id, json_t **out)
{
	json_t *cadre = NULL, *person = NULL, *careers = NULL, *temperings = NULL, *projects = NULL;
	json_t *enrollments = NULL, *subjects = NULL, *awards = NULL, *breadth = NULL;
	json_t *duties = NULL;
	*out = NULL;
	enum xz_result r = engine_get(ctx, model_find("cadre"), cadre_id, &cadre);
	if (r)
		return r;
	int64_t person_id = json_integer_value(json_object_get(cadre, "person_id"));
	if ((r = engine_get(ctx, model_find("person"), person_id, &person)) ||
	    (r = rows_of(ctx, "career", "person_id", person_id, "start_date", &careers)) ||
	    (r = rows_of(ctx, "tempering", "cadre_id", cadre_id, "start_date", &temperings)) ||
	    (r = rows_of(ctx, "project_member", "cadre_id", cadre_id, NULL, &projects)) ||
	    (r = rows_of(ctx, "enrollment", "cadre_id", cadre_id, NULL, &enrollments)) ||
	    (r = rows_of(ctx, "eval_subject", "cadre_id", cadre_id, NULL, &subjects)) ||
	    (r = rows_of(ctx, "award", "cadre_id", cadre_id, "-year", &awards)) ||
	    (r = rows_of(ctx, "chain_duty", "person_id", person_id, "-start_date", &duties)) ||
	    (r = tempering_breadth(ctx, cadre_id, &breadth)))
		goto out;
	json_t *award_list = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(awards, i, a)
		json_array_append_new(award_list,
		                      json_pack("{s:s, s:O, s:s}", "kind", label(a, "kind_id"), "year",
		                                json_object_get(a, "year"), "status", str(a, "status")));
	/* 蹲链/挂链/赴链: the person's chain duties, latest first */
	json_t *duty_list = json_array();
	json_array_foreach(duties, i, a)
		json_array_append_new(
		    duty_list,
		    json_pack("{s:O, s:s, s:O, s:s, s:O, s:s, s:s, s:s, s:s, s:s}", "id",
		              json_object_get(a, "id"), "kind", str(a, "kind"), "chain_id",
		              json_object_get(a, "chain_id"), "chain", label(a, "chain_id"),
		              "enterprise_id", json_object_get(a, "enterprise_id"), "enterprise",
		              label(a, "enterprise_id"), "start_date", str(a, "start_date"), "end_date",
		              str(a, "end_date"), "tasks", str(a, "tasks"), "outcomes",
		              str(a, "outcomes")));
	*out = json_pack("{s:O, s:O, s:o, s:o, s:o, s:o, s:o, s:O, s:o}", "cadre", cadre, "person",
	                 person, "expert", expert_of(cadre, person, careers), "timeline",
	                 timeline_of(careers, temperings, projects), "training",
	                 training_of(enrollments, ctx), "evaluations", evaluations_of(subjects, ctx),
	                 "awards", award_list, "breadth", breadth, "chain_duties", duty_list);
	/* 进园助企: the problems the cadre is responsible for */
	json_object_set_new(*out, "problems",
	                    problems_of(ctx, cadre_id, json_object_get(*out, "evaluations")));
out:
	json_decref(cadre);
	json_decref(person);
	json_decref(careers);
	json_decref(temperings);
	json_decref(projects);
	json_decref(enrollments);
	json_decref(subjects);
	json_decref(awards);
	json_decref(breadth);
	json_decref(duties);
	return r;
}
