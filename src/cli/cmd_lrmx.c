/*
 * The command-line side of 任免审批表 files, reached through the generic
 * commands: `xinzhi import person a.lrmx b.zip …` (chosen by the files'
 * extensions) and `xinzhi export person --id N -o 张三.lrmx|张三.html`. All
 * files of one import run in one transaction, so a bad file leaves the
 * database as it was; the commands act as the system actor, like the
 * other commands.
 */
#include "cli/cli.h"
#include "core/mem.h"
#include "domain/lrmx_dossier.h"
#include "store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcasecmp(s + n - k, suffix);
}

bool cli_is_lrmx_file(const char *path)
{
	return path && (ends_with_ci(path, ".lrmx") || ends_with_ci(path, ".lrm") ||
	                ends_with_ci(path, ".zip"));
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	bool ok = !ferror(f);
	fclose(f);
	if (!ok) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.data ? buf_steal(&b) : xstrdup("");
}

static void print_report(json_t *report, bool dry)
{
	json_t *f;
	size_t i;
	json_array_foreach(json_object_get(report, "files"), i, f) {
		printf("%s：%s%s（人员ID %" JSON_INTEGER_FORMAT "），任职经历 %" JSON_INTEGER_FORMAT " 条\n",
		       json_string_value(json_object_get(f, "file")),
		       !strcmp(json_string_value(json_object_get(f, "action")), "created") ? "新增 "
		                                                                          : "更新 ",
		       json_string_value(json_object_get(f, "name")),
		       json_integer_value(json_object_get(f, "person_id")),
		       json_integer_value(json_object_get(f, "careers")));
		json_t *u;
		size_t k;
		json_array_foreach(json_object_get(f, "unparsed_lines"), k, u)
			printf("  简历第%" JSON_INTEGER_FORMAT "行未能识别（原文已保留）：%s\n",
			       json_integer_value(json_object_get(u, "line")),
			       json_string_value(json_object_get(u, "text")));
		json_array_foreach(json_object_get(f, "warnings"), k, u)
			printf("  提示：%s\n", json_string_value(u));
	}
	json_array_foreach(json_object_get(report, "skipped"), i, f)
		printf("跳过 %s：%s\n", json_string_value(json_object_get(f, "file")),
		       json_string_value(json_object_get(f, "reason")));
	if (dry)
		printf("校验通过（--dry-run，未写入）\n");
}

int cli_import_lrmx(struct cli *cli, char *const *files, size_t n, const char *region_code,
                    bool dry_run)
{
	struct engine_ctx ctx;
	struct lrmx_import_opts opts = {0};
	int rc = 0;
	engine_ctx_init(&ctx, cli->store, engine_system_actor());
	if (region_code) {
		opts.region_id = engine_find_id(cli->store, model_find("region"), "code", region_code);
		if (!opts.region_id) {
			fprintf(stderr, "xinzhi: 没有区划代码为 %s 的区划\n", region_code);
			engine_ctx_free(&ctx);
			return 2;
		}
	}
	/* one transaction over all files; the import's own nests in it */
	if (store_begin(cli->store)) {
		fprintf(stderr, "xinzhi: 无法开始事务：%s\n", store_errmsg(cli->store));
		engine_ctx_free(&ctx);
		return 1;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		size_t len = 0;
		char *data = read_all(files[i], &len);
		if (!data) {
			fprintf(stderr, "xinzhi: 无法读取 %s\n", files[i]);
			rc = 1;
			break;
		}
		json_t *report = NULL;
		enum xz_result r = lrmx_import(&ctx, data, len, files[i], &opts, &report);
		free(data);
		if (r) {
			json_t *e;
			size_t k;
			json_array_foreach(json_object_get(report, "errors"), k, e)
				fprintf(stderr, "%s\n", json_string_value(json_object_get(e, "message")));
			if (!json_array_size(json_object_get(report, "errors")))
				fprintf(stderr, "xinzhi: 导入 %s 失败：%s\n", files[i],
				        ctx.message[0] ? ctx.message : result_info(r)->message);
			fprintf(stderr, "xinzhi: 导入失败，未写入任何数据\n");
			rc = 1;
		} else {
			print_report(report, false);
		}
		json_decref(report);
	}
	if (rc || dry_run) {
		store_rollback(cli->store);
		if (!rc)
			printf("校验通过（--dry-run，未写入）\n");
	} else if (store_commit(cli->store)) {
		store_rollback(cli->store);
		fprintf(stderr, "xinzhi: 提交失败：%s\n", store_errmsg(cli->store));
		rc = 1;
	}
	engine_ctx_free(&ctx);
	return rc;
}

int cli_export_lrmx(struct cli *cli, const char *id_text, const char *out, bool html,
                    bool unmasked)
{
	char *end;
	long long id = id_text ? strtoll(id_text, &end, 10) : 0;
	if (!id_text || *end || id <= 0) {
		fprintf(stderr, "xinzhi: 用法：xinzhi export person --id 人员ID [-o 文件.lrmx|文件.html]\n");
		return 2;
	}
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, cli->store, engine_system_actor());
	char *data = NULL;
	size_t len = 0;
	enum xz_result r = html ? lrmx_print_html(&ctx, id, unmasked, &data, &len)
	                        : lrmx_export(&ctx, id, &data, &len);
	int rc = 0;
	if (r) {
		fprintf(stderr, "xinzhi: 导出任免审批表失败：%s\n",
		        r == XZ_ERR_NOT_FOUND ? "没有该人员"
		        : ctx.message[0]      ? ctx.message
		                              : result_info(r)->message);
		rc = 1;
	} else {
		FILE *f = !out || !strcmp(out, "-") ? stdout : fopen(out, "wb");
		if (!f) {
			fprintf(stderr, "xinzhi: 无法写入 %s\n", out);
			rc = 1;
		} else {
			bool ok = fwrite(data, 1, len, f) == len;
			ok = (f == stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
			if (!ok) {
				fprintf(stderr, "xinzhi: 写入 %s 失败\n", out ? out : "标准输出");
				rc = 1;
			} else if (f != stdout) {
				printf("已导出任免审批表到 %s\n", out);
			}
		}
	}
	free(data);
	engine_ctx_free(&ctx);
	return rc;
}

bool cli_lrmx_export_wanted(const char *format, const char *out, const char *id, bool *html)
{
	bool by_name = out && (ends_with_ci(out, ".lrmx") || ends_with_ci(out, ".html"));
	*html = format ? !strcmp(format, "html") : by_name && ends_with_ci(out, ".html");
	if (format)
		return !strcmp(format, "lrmx") || !strcmp(format, "html");
	return id || by_name;
}
