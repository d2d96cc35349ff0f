/*
 * `xinzhi match need|talent ID [--k N] [--region 代码前缀]`: the top
 * matches of a need or a talent as a readable Chinese table, as the system
 * actor; `xinzhi match project ID [--k N]`: the top cadres for a key project.
 * The rankings are src/domain/match.c and src/domain/staffing.c; this file
 * reads arguments and prints.
 */
#include "cli/cli.h"
#include "domain/match.h"
#include "domain/staffing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the i-th argument that is not an option or an option's value */
static const char *arg_at(int argc, char **argv, int want)
{
	int k = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--k") || !strcmp(argv[i], "--region")) {
			i++;
			continue;
		}
		if (!strncmp(argv[i], "--", 2))
			continue;
		if (k++ == want)
			return argv[i];
	}
	return NULL;
}

static long num_arg(const char *s)
{
	char *end = NULL;
	long v = s ? strtol(s, &end, 10) : 0;
	return s && *s && !*end && v > 0 ? v : 0;
}

static void print_result(json_t *res, bool for_need)
{
	json_t *q = json_object_get(res, "query");
	printf("%s %lld「%s」的匹配结果：前 %zu 名（共 %lld 个符合条件）\n",
	       for_need ? "需求" : "人才", (long long)json_integer_value(json_object_get(q, "id")),
	       json_string_value(json_object_get(q, "label")),
	       json_array_size(json_object_get(res, "items")),
	       (long long)json_integer_value(json_object_get(res, "total")));
	printf("%-4s  %-8s  %-6s  %-20s  %s\n", "名次", for_need ? "人才ID" : "需求ID", "得分",
	       for_need ? "姓名" : "岗位", "区划");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(res, "items"), i, it)
	{
		printf("%-4zu  %-8lld  %-6.4f  %-20s  %s\n", i + 1,
		       (long long)json_integer_value(json_object_get(it, "id")),
		       json_number_value(json_object_get(it, "score")),
		       json_string_value(json_object_get(it, "label")),
		       json_string_value(json_object_get(it, "region_code")));
		size_t k;
		json_t *r;
		json_array_foreach(json_object_get(it, "reasons"), k, r)
		    printf("      %s\n", json_string_value(r));
	}
}

static void print_candidates(json_t *res)
{
	printf("攻坚项目 %lld「%s」的候选干部：前 %zu 名（共 %lld 名有相关特长）\n",
	       (long long)json_integer_value(json_object_get(res, "project_id")),
	       json_string_value(json_object_get(res, "name")),
	       json_array_size(json_object_get(res, "items")),
	       (long long)json_integer_value(json_object_get(res, "total")));
	printf("%-4s  %-8s  %-6s  %-12s  %s\n", "名次", "干部ID", "得分", "姓名", "单位 / 职务");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(res, "items"), i, it)
	{
		printf("%-4zu  %-8lld  %-6lld  %-12s  %s / %s\n", i + 1,
		       (long long)json_integer_value(json_object_get(it, "cadre_id")),
		       (long long)json_integer_value(json_object_get(it, "score")),
		       json_string_value(json_object_get(it, "name")),
		       json_string_value(json_object_get(it, "unit")),
		       json_string_value(json_object_get(it, "post")));
		size_t k;
		json_t *r;
		json_array_foreach(json_object_get(it, "reasons"), k, r)
		    printf("      %s\n", json_string_value(r));
	}
}

int cli_match(struct cli *cli, int argc, char **argv)
{
	static const char *const known[] = {"--k", "--region", NULL};
	if (!cli_check_opts(argc, argv, known, NULL))
		return 2;
	const char *what = arg_at(argc, argv, 0);
	long id = num_arg(arg_at(argc, argv, 1));
	const char *ks = cli_opt(argc, argv, "--k");
	long k = ks ? num_arg(ks) : MATCH_DEFAULT_K;
	bool for_need = what && !strcmp(what, "need");
	bool for_project = what && !strcmp(what, "project");
	if (!what || (!for_need && !for_project && strcmp(what, "talent")) || !id || k < 1 ||
	    k > MATCH_MAX_K || (for_project && cli_opt(argc, argv, "--region"))) {
		fprintf(stderr,
		        "xinzhi: 用法：xinzhi match need|talent ID [--k 1-%d] [--region "
		        "区划代码前缀] 或 xinzhi match project ID [--k 1-%d]\n",
		        MATCH_MAX_K, MATCH_MAX_K);
		return 2;
	}
	struct engine_ctx ctx;
	json_t *res = NULL;
	engine_ctx_init(&ctx, cli->store, engine_system_actor());
	const char *region = cli_opt(argc, argv, "--region");
	enum xz_result r = for_project ? staffing_candidates(&ctx, id, (int)k, &res)
	                   : for_need  ? match_for_need(&ctx, id, (int)k, region, &res)
	                               : match_for_talent(&ctx, id, (int)k, region, &res);
	int rc = 0;
	if (r) {
		fprintf(stderr, "xinzhi: 匹配失败：%s\n",
		        ctx.message[0] ? ctx.message : result_info(r)->message);
		rc = 1;
	} else if (for_project) {
		print_candidates(res);
	} else {
		print_result(res, for_need);
	}
	json_decref(res);
	engine_ctx_free(&ctx);
	match_reset();
	return rc;
}
