/*
 * `xinzhi audit verify|purge`: checks the audit log's hash chain, and
 * deletes the part of it older than the retention period (at least 183
 * days are always kept; the purge itself is an audited, chained row).
 */
#include "auth/audit.h"
#include "cli/cli.h"
#include "engine/engine.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int verify(struct cli *cli)
{
	int64_t bad = 0, rows = 0;
	if (audit_verify(cli->store, &bad, &rows)) {
		fprintf(stderr, "xinzhi: 读取审计日志失败\n");
		return 1;
	}
	if (bad) {
		fprintf(stderr,
		        "审计日志校验失败：第 %" PRId64 " 条记录被篡改、删除或调换了顺序（已检查 %" PRId64
		        " 条）\n",
		        bad, rows);
		return 1;
	}
	printf("审计日志完整：共 %" PRId64 " 条记录，哈希链校验通过\n", rows);
	return 0;
}

static int purge(struct cli *cli, int argc, char **argv)
{
	static const char *const known[] = {"--before", NULL};
	const char *before = cli_opt(argc, argv, "--before");
	if (!cli_check_opts(argc, argv, known, NULL) || !before) {
		fprintf(stderr, "xinzhi: 用法：xinzhi audit purge --before YYYY-MM-DD\n");
		return 2;
	}
	char msg[256] = "";
	int64_t deleted = 0;
	enum xz_result r = audit_purge(cli->store, engine_system_actor(), before, &deleted, msg,
	                               sizeof(msg));
	if (r) {
		fprintf(stderr, "xinzhi: %s\n", msg[0] ? msg : result_info(r)->message);
		return r == XZ_ERR_VALIDATION ? 2 : 1;
	}
	printf("已清理 %s 之前的审计日志 %" PRId64 " 条；其余记录的哈希链从清理点继续校验\n", before,
	       deleted);
	return 0;
}

int cli_audit(struct cli *cli, int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : NULL;
	if (sub && !strcmp(sub, "verify") && argc == 1)
		return verify(cli);
	if (sub && !strcmp(sub, "purge"))
		return purge(cli, argc - 1, argv + 1);
	fprintf(stderr, "xinzhi: 用法：xinzhi audit verify | purge --before YYYY-MM-DD\n");
	return 2;
}
