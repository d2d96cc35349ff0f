/*
 * Entry point: extracts the global --db option from anywhere on the command
 * line (before or after the subcommand), then runs the subcommand from the
 * table in commands.c.
 */
#include "cli/cli.h"
#include "core/log.h"
#include "auth/crypto.h"
#include "core/mem.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_help(void)
{
	printf("新质 xinzhi %s — 产业链组织保障工作平台\n\n"
	       "用法：xinzhi [--db 路径] <命令> [参数]\n\n命令：\n",
	       XZ_VERSION);
	for (size_t i = 0; i < cli_command_count; i++)
		printf("  %-10s %s\n", cli_commands[i].name, cli_commands[i].summary);
	printf("\n全局选项：\n  --db 路径   数据库文件（默认 ./xinzhi.db），可写在命令前或命令后\n"
	       "\n“xinzhi <命令> --help”查看各命令的说明。\n");
}

/* The data key lives beside the database unless XINZHI_KEY_FILE says
 * otherwise; a new database gets a new key. */
static bool load_key(struct cli *cli)
{
	char msg[256];
	char *path = cli_key_path(cli);
	bool ok = crypto_load_key(path, true, msg, sizeof(msg)) == XZ_OK;
	if (!ok)
		fprintf(stderr, "xinzhi: %s\n", msg);
	free(path);
	return ok && cli_key_check(cli->store);
}

int main(int argc, char **argv)
{
	struct cli cli = {.db = getenv("XINZHI_DB") ? getenv("XINZHI_DB") : "xinzhi.db"};
	char **rest = calloc((size_t)argc + 1, sizeof(char *));
	int n = 0, rc = 2;
	log_init_from_env();
	if (sodium_init() < 0) {
		fprintf(stderr, "xinzhi: libsodium 初始化失败\n");
		free(rest);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "xinzhi: --db 需要一个数据库路径\n");
				goto out;
			}
			cli.db = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			cli.db = argv[i] + 5;
		} else {
			rest[n++] = argv[i];
		}
	}
	if (n == 0 || !strcmp(rest[0], "-h") || !strcmp(rest[0], "--help")) {
		print_help();
		rc = n == 0 ? 2 : 0;
		goto out;
	}
	if (!strcmp(rest[0], "--version")) {
		printf("xinzhi %s\n", XZ_VERSION);
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < cli_command_count; i++) {
		const struct command *cmd = &cli_commands[i];
		if (strcmp(cmd->name, rest[0]))
			continue;
		if (cli_wants_help(n - 1, rest + 1)) {
			cli_usage(cmd);
			rc = 0;
			goto out;
		}
		if ((cmd->flags & CMD_NEEDS_DB) && store_open(cli.db, &cli.store)) {
			fprintf(stderr, "xinzhi: 无法打开数据库 %s\n", cli.db);
			rc = 1;
			goto out;
		}
		if ((cmd->flags & CMD_NEEDS_DB) && !load_key(&cli)) {
			store_close(cli.store);
			rc = 1;
			goto out;
		}
		rc = cmd->fn(&cli, n - 1, rest + 1);
		store_close(cli.store);
		goto out;
	}
	fprintf(stderr, "xinzhi: 未知命令“%s”。运行 xinzhi --help 查看可用命令。\n", rest[0]);
out:
	free(rest);
	return rc;
}
