/*
 * `xinzhi assign [--project ID]... [--apply] [--multi]`: the optimal staffing
 * of 百项攻坚 projects printed in Chinese, as the system actor, and with
 * --apply written as project_member rows. The model and the solver are
 * src/domain/staffing.c; this file reads arguments and prints.
 */
#include "cli/cli.h"
#include "core/result.h"
#include "domain/staffing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_plan(json_t *res)
{
	printf(
	    "百项攻坚干部配置方案：共 %zu 个项目，配置 %lld 人，未满 %lld 个席位，总适配分 %lld\n",
	    json_array_size(json_object_get(res, "projects")),
	    (long long)json_integer_value(json_object_get(res, "filled")),
	    (long long)json_integer_value(json_object_get(res, "unfilled")),
	    (long long)json_integer_value(json_object_get(res, "total")));
	size_t i, k, j;
	json_t *p, *m, *r;
	json_array_foreach(json_object_get(res, "projects"), i, p)
	{
		printf("\n项目 %lld「%s」（%s）名额 %lld，现有 %lld 人，本次可配 %lld 人\n",
		       (long long)json_integer_value(json_object_get(p, "project_id")),
		       json_string_value(json_object_get(p, "name")),
		       json_string_value(json_object_get(p, "chain")),
		       (long long)json_integer_value(json_object_get(p, "headcount")),
		       (long long)json_integer_value(json_object_get(p, "current")),
		       (long long)json_integer_value(json_object_get(p, "seats")));
		json_array_foreach(json_object_get(p, "staff"), k, m)
		{
			printf("  干部 %-6lld %-10s %s %s  得分 %lld\n",
			       (long long)json_integer_value(json_object_get(m, "cadre_id")),
			       json_string_value(json_object_get(m, "name")),
			       json_string_value(json_object_get(m, "unit")),
			       json_string_value(json_object_get(m, "post")),
			       (long long)json_integer_value(json_object_get(m, "score")));
			json_array_foreach(json_object_get(m, "reasons"), j, r)
			    printf("      %s\n", json_string_value(r));
		}
		if (json_integer_value(json_object_get(p, "unfilled")) > 0)
			printf("  未满 %lld 个席位：%s\n",
			       (long long)json_integer_value(json_object_get(p, "unfilled")),
			       json_string_value(json_object_get(p, "unfilled_reason")));
	}
}

int cli_assign(struct cli *cli, int argc, char **argv)
{
	static const char *const known[] = {"--project", NULL};
	static const char *const flags[] = {"--apply", "--multi", NULL};
	if (!cli_check_opts(argc, argv, known, flags))
		return 2;
	json_t *req = json_object(), *ids = NULL, *res = NULL, *applied = NULL;
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		if (!strcmp(argv[i], "--project") && i + 1 < argc)
			v = argv[++i];
		else if (!strncmp(argv[i], "--project=", 10))
			v = argv[i] + 10;
		if (!v)
			continue;
		char *end = NULL;
		long long id = strtoll(v, &end, 10);
		if (!*v || *end || id <= 0) {
			fprintf(stderr, "xinzhi: 用法：xinzhi assign [--project 项目ID]... "
			                "[--apply] [--multi]\n");
			rc = 2;
			goto out;
		}
		if (!ids)
			ids = json_array();
		json_array_append_new(ids, json_integer(id));
	}
	if (ids)
		json_object_set(req, "project_ids", ids);
	json_object_set_new(req, "one_project", json_boolean(!cli_flag(argc, argv, "--multi")));
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, cli->store, engine_system_actor());
	enum xz_result r = staffing_solve(&ctx, req, &res);
	if (!r) {
		print_plan(res);
		if (cli_flag(argc, argv, "--apply") && !(r = staffing_apply(&ctx, res, &applied)))
			printf("\n已应用方案：写入项目干部 %lld 人\n",
			       (long long)json_integer_value(json_object_get(applied, "created")));
	}
	if (r) {
		fprintf(stderr, "xinzhi: 干部配置失败：%s\n",
		        ctx.message[0] ? ctx.message : result_info(r)->message);
		rc = 1;
	}
	engine_ctx_free(&ctx);
out:
	json_decref(ids);
	json_decref(req);
	json_decref(res);
	json_decref(applied);
	return rc;
}
