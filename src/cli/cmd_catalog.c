/*
 * `xinzhi catalog`: compile, publish, compare and export the talent-shortage
 * catalog from the command line, as the system actor (the CLI runs with the
 * database owner's authority). The work is src/domain/catalog.c; this file
 * only reads arguments and prints results in Chinese.
 */
#include "cli/cli.h"
#include "domain/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the i-th argument that is not -o or its value */
static const char *arg_at(int argc, char **argv, int want)
{
	int k = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--year")) {
			i++;
			continue;
		}
		if (!strncmp(argv[i], "--year=", 7))
			continue;
		if (k++ == want)
			return argv[i];
	}
	return NULL;
}

static int64_t id_arg(const char *s)
{
	char *end = NULL;
	long long v = s ? strtoll(s, &end, 10) : 0;
	return s && !*end && v > 0 ? v : 0;
}

static int fail(struct engine_ctx *ctx, const char *what, enum xz_result r)
{
	fprintf(stderr, "xinzhi: %s失败：%s\n", what,
	        ctx->message[0] ? ctx->message : result_info(r)->message);
	return 1;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static int export_catalog(struct engine_ctx *ctx, int64_t id, const char *out)
{
	char def[64];
	bool html = out && (ends_with(out, ".html") || ends_with(out, ".htm"));
	snprintf(def, sizeof(def), "紧缺人才需求目录-%lld.xlsx", (long long)id);
	char *data = NULL;
	size_t len = 0;
	enum xz_result r = catalog_export(ctx, id, html ? CATALOG_HTML : CATALOG_XLSX, &data, &len);
	if (r)
		return fail(ctx, "导出目录", r);
	const char *path = out ? out : def;
	FILE *f = !strcmp(path, "-") ? stdout : fopen(path, "wb");
	int rc = 1;
	if (!f) {
		fprintf(stderr, "xinzhi: 无法写入 %s\n", path);
	} else {
		bool ok = fwrite(data, 1, len, f) == len;
		ok = (f == stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
		if (!ok)
			fprintf(stderr, "xinzhi: 写入 %s 失败\n", path);
		else if (f != stdout)
			printf("已导出紧缺人才需求目录到 %s\n", path);
		rc = ok ? 0 : 1;
	}
	free(data);
	return rc;
}

static void print_changes(const char *label, json_t *list)
{
	size_t k;
	json_t *e;
	printf("%s（%zu）\n", label, json_array_size(list));
	json_array_foreach(list, k, e)
	{
		json_t *delta = json_object_get(e, "delta");
		json_t *index = delta ? json_object_get(e, "to") : json_object_get(e, "shortage_index");
		printf("  %s / %s  指数 %.2f", json_string_value(json_object_get(e, "chain")),
		       json_string_value(json_object_get(e, "post_name")), json_number_value(index));
		if (delta)
			printf("（%+.2f）", json_number_value(delta));
		printf("\n");
	}
}

int cli_catalog(struct cli *cli, int argc, char **argv)
{
	static const char *const known[] = {"--year", "-o", NULL};
	if (!cli_check_opts(argc, argv, known, NULL))
		return 2;
	const char *sub = arg_at(argc, argv, 0);
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, cli->store, engine_system_actor());
	int rc = 2;
	enum xz_result r;
	if (sub && !strcmp(sub, "compile")) {
		const char *year = cli_opt(argc, argv, "--year");
		int64_t id = 0;
		json_t *cat = NULL;
		if (!year || id_arg(year) < 2000 || id_arg(year) > 2100) {
			fprintf(stderr, "xinzhi: 请用 --year 指明目录年度（2000-2100）\n");
		} else if ((r = catalog_compile(&ctx, (int)id_arg(year), &id)) ||
		           (r = catalog_summary(&ctx, id, &cat))) {
			rc = fail(&ctx, "编制目录", r);
		} else {
			printf("已编制目录草稿 %lld：%s，共 %lld 个岗位\n", (long long)id,
			       json_string_value(json_object_get(cat, "title")),
			       (long long)json_integer_value(json_object_get(cat, "entry_count")));
			rc = 0;
		}
		json_decref(cat);
	} else if (sub && !strcmp(sub, "publish")) {
		int64_t id = id_arg(arg_at(argc, argv, 1));
		if (!id)
			fprintf(stderr, "xinzhi: 用法：xinzhi catalog publish 目录ID\n");
		else if ((r = catalog_publish(&ctx, id)))
			rc = fail(&ctx, "发布目录", r);
		else
			printf("已发布目录 %lld\n", (long long)id), rc = 0;
	} else if (sub && !strcmp(sub, "diff")) {
		int64_t a = id_arg(arg_at(argc, argv, 1)), b = id_arg(arg_at(argc, argv, 2));
		json_t *d = NULL;
		if (!a || !b) {
			fprintf(stderr, "xinzhi: 用法：xinzhi catalog diff 旧目录ID 新目录ID\n");
		} else if ((r = catalog_diff(&ctx, a, b, &d))) {
			rc = fail(&ctx, "对比目录", r);
		} else {
			printf("目录 %lld → %lld\n", (long long)a, (long long)b);
			print_changes("新增岗位", json_object_get(d, "new"));
			print_changes("移出岗位", json_object_get(d, "gone"));
			print_changes("紧缺指数升高", json_object_get(d, "up"));
			print_changes("紧缺指数降低", json_object_get(d, "down"));
			printf("未变化 %lld 个岗位\n",
			       (long long)json_integer_value(json_object_get(d, "unchanged")));
			rc = 0;
		}
		json_decref(d);
	} else if (sub && !strcmp(sub, "export")) {
		int64_t id = id_arg(arg_at(argc, argv, 1));
		if (!id)
			fprintf(stderr, "xinzhi: 用法：xinzhi catalog export 目录ID [-o 文件.xlsx|文件.html]\n");
		else
			rc = export_catalog(&ctx, id, cli_opt(argc, argv, "-o"));
	} else {
		fprintf(stderr, "xinzhi: 用法：xinzhi catalog compile --year 年度 | publish ID | diff A B | "
		                "export ID [-o 文件]\n");
	}
	engine_ctx_free(&ctx);
	return rc;
}
