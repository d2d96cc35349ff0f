/*
 * The command-line face. Subcommands are one table (commands.c), git style;
 * each takes the already-extracted global options and its own argv.
 */
#ifndef XZ_CLI_H
#define XZ_CLI_H

#include <stdbool.h>
#include <stddef.h>

struct store;

struct cli {
	const char *db;      /* --db, default ./xinzhi.db */
	struct store *store; /* opened by main for CMD_NEEDS_DB commands */
};

enum cmd_flags {
	CMD_NEEDS_DB = 1u << 0, /* open (and migrate) the database before running */
};

struct command {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	unsigned flags;
	const char *usage;   /* one line */
	const char *summary; /* zh-CN */
	const char *help;    /* zh-CN details for --help */
};

extern const struct command cli_commands[];
extern const size_t cli_command_count;

/* true when argv holds -h or --help */
bool cli_wants_help(int argc, char **argv);
/* Prints the usage of cmd to stdout. */
void cli_usage(const struct command *cmd);
/* Reads a password: from stdin when it is not a terminal, else prompted
 * twice without echo. Returns a malloc'd string or NULL (message printed). */
char *cli_read_password(const char *prompt);
/* value of "--name VALUE" or "--name=VALUE" in argv, or NULL */
const char *cli_opt(int argc, char **argv, const char *name);
bool cli_flag(int argc, char **argv, const char *name);
/* Rejects options other than those listed (NULL-terminated); prints why. */
bool cli_check_opts(int argc, char **argv, const char *const *known, const char *const *flags);

#endif
