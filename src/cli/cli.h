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

/* 任免审批表 (.lrmx) files through import and export (cmd_lrmx.c). */
bool cli_is_lrmx_file(const char *path); /* .lrmx, .lrm or .zip */
/* Imports the files in one transaction (rolled back on any error or with
 * dry_run); region_code places new people. Returns the exit status. */
int cli_import_lrmx(struct cli *cli, char *const *files, size_t n, const char *region_code,
                    bool dry_run);
/* true when an export asks for a dossier: --format lrmx|html, --id, or an
 * output file ending in .lrmx/.html; *html tells which. */
bool cli_lrmx_export_wanted(const char *format, const char *out, const char *id, bool *html);
/* Writes the .lrmx (or with html the print page, unmasked as asked) of the
 * person with id to out ("-" or NULL: stdout). Returns the exit status. */
int cli_export_lrmx(struct cli *cli, const char *id, const char *out, bool html, bool unmasked);

/* The data key, its rotation, and encrypted backups (cmd_keys.c). */
char *cli_key_path(const struct cli *cli); /* XINZHI_KEY_FILE or <db>.key; caller frees */
/* After the key file is loaded: makes the key the database names active
 * (recording it on first use); false with a message when the file lacks it. */
bool cli_key_check(struct store *db);
int cli_keygen(struct cli *cli, int argc, char **argv);
int cli_rekey(struct cli *cli, int argc, char **argv);
int cli_backup(struct cli *cli, int argc, char **argv);
int cli_restore(struct cli *cli, int argc, char **argv);

/* `xinzhi audit verify|purge` (cmd_audit.c). */
int cli_audit(struct cli *cli, int argc, char **argv);

/* `xinzhi catalog compile|publish|diff|export` (cmd_catalog.c). */
int cli_catalog(struct cli *cli, int argc, char **argv);

/* `xinzhi match need|talent ID [--k N] [--region 前缀]` (cmd_match.c). */
int cli_match(struct cli *cli, int argc, char **argv);

/* `xinzhi assign [--project ID]... [--apply] [--multi]` (cmd_assign.c). */
int cli_assign(struct cli *cli, int argc, char **argv);

/* `xinzhi setting list|get|set` (cmd_setting.c). */
int cli_setting(struct cli *cli, int argc, char **argv);

#endif
