/*
 * The subcommand table and the commands themselves. Errors go to stderr in
 * Chinese and give a non-zero exit status: 2 for a usage error, 1 for a
 * failure while running.
 */
#include "auth/audit.h"
#include "auth/auth.h"
#include "auth/crypto.h"
#include "cli/cli.h"
#include "core/mem.h"
#include "core/util.h"
#include "domain/demo.h"
#include "engine/transfer.h"
#include "http/http.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* ---- option helpers ---- */

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	return false;
}

const char *cli_opt(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], name) && i + 1 < argc)
			return argv[i + 1];
		if (!strncmp(argv[i], name, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
	}
	return NULL;
}

bool cli_flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

static bool listed(const char *const *list, const char *s, size_t n)
{
	for (; list && *list; list++)
		if (strlen(*list) == n && !strncmp(*list, s, n))
			return true;
	return false;
}

bool cli_check_opts(int argc, char **argv, const char *const *known, const char *const *flags)
{
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2))
			continue;
		const char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		if (listed(known, argv[i], n)) {
			if (!eq && (i + 1 >= argc)) {
				fprintf(stderr, "xinzhi: %s 需要一个值\n", argv[i]);
				return false;
			}
			if (!eq)
				i++;
		} else if (!listed(flags, argv[i], n) || eq) {
			fprintf(stderr, "xinzhi: 未知选项 %.*s\n", (int)n, argv[i]);
			return false;
		}
	}
	return true;
}

/* the i-th argument that is neither an option nor an option's value */
static const char *positional(int argc, char **argv, int want, const char *const *known)
{
	int k = 0;
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "--", 2)) {
			if (!strchr(argv[i], '=') && listed(known, argv[i], strlen(argv[i])))
				i++;
			continue;
		}
		if (k++ == want)
			return argv[i];
	}
	return NULL;
}

void cli_usage(const struct command *cmd)
{
	printf("用法：xinzhi [--db 路径] %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->help)
		printf("\n%s\n", cmd->help);
}

char *cli_read_password(const char *prompt)
{
	char line[1024];
	if (!isatty(STDIN_FILENO)) {
		if (!fgets(line, sizeof(line), stdin)) {
			fprintf(stderr, "xinzhi: 未从标准输入读到密码\n");
			return NULL;
		}
		line[strcspn(line, "\r\n")] = '\0';
		return xstrdup(line);
	}
	struct termios old, quiet;
	tcgetattr(STDIN_FILENO, &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	char again[1024];
	fprintf(stderr, "%s", prompt);
	tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	bool ok = fgets(line, sizeof(line), stdin) != NULL;
	fprintf(stderr, "\n再次输入：");
	ok = ok && fgets(again, sizeof(again), stdin) != NULL;
	tcsetattr(STDIN_FILENO, TCSANOW, &old);
	fprintf(stderr, "\n");
	if (!ok)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	again[strcspn(again, "\r\n")] = '\0';
	if (strcmp(line, again)) {
		fprintf(stderr, "xinzhi: 两次输入的密码不一致\n");
		return NULL;
	}
	return xstrdup(line);
}

static void generate_password(char *out, size_t len)
{
	/* no 0/O, 1/l/I: the password is read off a terminal and typed in */
	static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
	bool upper, lower, digit;
	do { /* upper, lower and digit, as the 等保 policy's three classes ask */
		upper = lower = digit = false;
		for (size_t i = 0; i < len; i++) {
			out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
			upper |= out[i] >= 'A' && out[i] <= 'Z';
			lower |= out[i] >= 'a' && out[i] <= 'z';
			digit |= out[i] >= '0' && out[i] <= '9';
		}
		out[len] = '\0';
	} while (!(upper && lower && digit));
}

/* ---- commands ---- */

static int cmd_init(struct cli *cli, int argc, char **argv)
{
	if (!cli_check_opts(argc, argv, NULL, NULL))
		return 2;
	struct store *db = cli->store;
	printf("数据库 %s 已就绪（结构版本 %d）\n", cli->db, store_schema_version(db));
	return 0;
}

static void print_problem(void *arg, const char *problem)
{
	(void)arg;
	fprintf(stderr, "  %s\n", problem);
}

/* The check an operator runs after a crash, a full disk or a restore: the
 * file's integrity, its foreign keys and the audit hash chain. Exit 1 when
 * anything is wrong, so scripts (and the crash tests) can rely on it. */
static int cmd_check(struct cli *cli, int argc, char **argv)
{
	if (!cli_check_opts(argc, argv, NULL, NULL))
		return 2;
	int problems = 0;
	int64_t bad = 0, rows = 0;
	if (store_check(cli->store, print_problem, NULL, &problems)) {
		fprintf(stderr, "xinzhi: 无法完成数据库检查：%s\n", store_errmsg(cli->store));
		return 1;
	}
	if (problems) {
		fprintf(stderr, "数据库检查发现 %d 处问题（见上）\n", problems);
		return 1;
	}
	printf("数据库文件完整，外键一致\n");
	if (audit_verify(cli->store, &bad, &rows)) {
		fprintf(stderr, "xinzhi: 读取审计日志失败\n");
		return 1;
	}
	if (bad) {
		fprintf(stderr, "审计日志校验失败：第 %" PRId64 " 条记录被篡改、删除或调换了顺序\n", bad);
		return 1;
	}
	printf("审计日志完整：共 %" PRId64 " 条记录，哈希链校验通过\n", rows);
	return 0;
}

static int cmd_demo(struct cli *cli, int argc, char **argv)
{
	static const char *const known[] = {"--scale", "--seed", NULL};
	static const char *const flags[] = {"--admin", NULL};
	if (!cli_check_opts(argc, argv, known, flags))
		return 2;
	const char *scale = cli_opt(argc, argv, "--scale");
	const char *seed_s = cli_opt(argc, argv, "--seed");
	uint64_t seed = seed_s ? strtoull(seed_s, NULL, 10) : 20231990;
	if (!scale)
		scale = "small";
	struct store *db = cli->store;
	char msg[512] = "";
	double t0 = util_now_mono();
	int rc = 0;
	if (demo_seed(db, scale, seed, msg, sizeof(msg))) {
		fprintf(stderr, "xinzhi: 生成示范数据失败：%s\n", msg);
		rc = 1;
		goto out;
	}
	int64_t n = 0, talents = 0, cadres = 0, needs = 0;
	store_query_int(db, "SELECT count(*) FROM enterprise", &n, 0, NULL);
	store_query_int(db, "SELECT count(*) FROM talent", &talents, 0, NULL);
	store_query_int(db, "SELECT count(*) FROM cadre", &cadres, 0, NULL);
	store_query_int(db, "SELECT count(*) FROM need", &needs, 0, NULL);
	printf("已生成示范城市（规模 %s，种子 %" PRIu64 "）：%" PRId64 " 家企业、%" PRId64
	       " 名人才、%" PRId64 " 名干部、%" PRId64 " 条人才需求，用时 %.1f 秒\n",
	       scale, seed, n, talents, cadres, needs, util_now_mono() - t0);
	if (cli_flag(argc, argv, "--admin")) {
		const char *env = getenv("XINZHI_ADMIN_PASSWORD");
		char pw[24];
		if (env && *env)
			snprintf(pw, sizeof(pw), "%s", env);
		else
			generate_password(pw, 16);
		if (auth_user_add(db, "admin", env && *env ? env : pw, "admin", NULL, false, msg,
		                  sizeof(msg))) {
			fprintf(stderr, "xinzhi: 创建业务管理员失败：%s\n", msg);
			rc = 1;
			goto out;
		}
		if (env && *env)
			printf("业务管理员账号：admin，密码取自环境变量 XINZHI_ADMIN_PASSWORD\n");
		else
			printf("\n业务管理员账号：admin\n业务管理员密码：%s\n（只显示这一次，请妥善保存）\n\n", pw);
		/* 三权分立: one account per administrator role, each with a one-time
		 * password that must be changed at the first sign-in */
		static const char *const admins[] = {"sysadmin", "secadmin", "auditadmin"};
		for (size_t i = 0; i < sizeof(admins) / sizeof(admins[0]); i++) {
			generate_password(pw, 16);
			if (auth_user_add(db, admins[i], pw, admins[i], NULL, true, msg, sizeof(msg))) {
				fprintf(stderr, "xinzhi: 创建%s失败：%s\n", admins[i], msg);
				rc = 1;
				goto out;
			}
			printf("%s账号：%s\n一次性密码：%s\n（只显示这一次，首次登录后须修改）\n",
			       auth_role(admins[i])->label, admins[i], pw);
		}
		sodium_memzero(pw, sizeof(pw));
	}
out:
	return rc;
}

static int cmd_serve(struct cli *cli, int argc, char **argv)
{
	static const char *const known[] = {"--listen",  "--web",     "--threads", "--tls-cert",
	                                    "--tls-key", "--timeout", "--per-ip",  "--trusted-proxy",
	                                    NULL};
	if (!cli_check_opts(argc, argv, known, NULL))
		return 2;
	struct server_config cfg = {
		.db_url = cli->db,
		.listen = cli_opt(argc, argv, "--listen"),
		.web_dir = cli_opt(argc, argv, "--web"),
		.tls_cert = cli_opt(argc, argv, "--tls-cert"),
		.tls_key = cli_opt(argc, argv, "--tls-key"),
		.trusted_proxies = cli_opt(argc, argv, "--trusted-proxy"),
		.threads = (int)sysconf(_SC_NPROCESSORS_ONLN),
		.max_body = 1u << 20,
		.max_upload = 256u << 20,
	};
	if (!cfg.listen)
		cfg.listen = getenv("XINZHI_LISTEN") ? getenv("XINZHI_LISTEN") : "127.0.0.1:8080";
	if (!cfg.web_dir)
		cfg.web_dir = getenv("XINZHI_WEB");
	struct stat sb;
	if (!cfg.web_dir && stat(XZ_SOURCE_DIR "/web/dist/index.html", &sb) == 0)
		cfg.web_dir = XZ_SOURCE_DIR "/web/dist";
	const char *threads = cli_opt(argc, argv, "--threads");
	if (threads)
		cfg.threads = atoi(threads);
	if (cfg.threads < 1 || cfg.threads > 256) {
		fprintf(stderr, "xinzhi: --threads 应为1到256之间的整数\n");
		return 2;
	}
	const char *timeout = cli_opt(argc, argv, "--timeout");
	if (timeout) {
		char *end;
		long t = strtol(timeout, &end, 10);
		if (*end || t < 1 || t > 3600) {
			fprintf(stderr, "xinzhi: --timeout 应为1到3600之间的秒数\n");
			return 2;
		}
		cfg.timeout = (unsigned)t;
	}
	/* behind a reverse proxy every connection comes from the proxy's address */
	const char *per_ip = cli_opt(argc, argv, "--per-ip");
	if (per_ip) {
		char *end;
		long n = strtol(per_ip, &end, 10);
		if (*end || n < 1 || n > 65536) {
			fprintf(stderr, "xinzhi: --per-ip 应为1到65536之间的整数\n");
			return 2;
		}
		cfg.per_ip_connections = (unsigned)n;
	}
	return http_serve(&cfg);
}

/* Splits --regions "320281,320282" into codes (spaces around them dropped);
 * *n = 0 for NULL. The codes point into buf. */
static void split_regions(const char *list, char *buf, size_t size, const char **codes,
                          size_t max, size_t *n)
{
	*n = 0;
	if (!list)
		return;
	snprintf(buf, size, "%s", list);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		if (*n < max)
			codes[(*n)++] = tok;
		else
			(*n)++; /* counted, so the check reports too many */
}

static int user_add(struct store *db, int argc, char **argv, const char *const *known)
{
	const char *name = positional(argc, argv, 1, known);
	const char *role = cli_opt(argc, argv, "--role");
	const char *region = cli_opt(argc, argv, "--region");
	const char *scope = cli_opt(argc, argv, "--scope");
	if (!name || !role) {
		fprintf(stderr, "xinzhi: 用法：xinzhi user add 用户名 --role 角色 [--region 区划代码]"
		                " [--scope all|custom|region|region_tree|own] [--regions 代码,代码]\n");
		return 2;
	}
	char msg[256] = "", buf[1024];
	const char *codes[SCOPE_MAX_REGIONS + 1];
	size_t ncodes = 0;
	split_regions(cli_opt(argc, argv, "--regions"), buf, sizeof(buf), codes,
	              SCOPE_MAX_REGIONS + 1, &ncodes);
	if ((scope || ncodes) &&
	    auth_scope_check(db, scope ? scope : "", region, codes, ncodes, msg, sizeof(msg))) {
		fprintf(stderr, "xinzhi: 创建用户失败：%s\n", msg);
		return 1;
	}
	char *pw = cli_read_password("新用户的密码：");
	if (!pw)
		return 1;
	enum xz_result r = auth_user_add(db, name, pw, role, region,
	                                 cli_flag(argc, argv, "--must-change"), msg, sizeof(msg));
	free(pw);
	if (!r && (scope || ncodes))
		r = auth_user_set_scope(db, name, scope ? scope : "", codes, ncodes, msg, sizeof(msg));
	if (r) {
		fprintf(stderr, "xinzhi: 创建用户失败：%s\n", msg[0] ? msg : result_info(r)->message);
		return 1;
	}
	printf("已创建用户 %s（角色 %s）\n", name, role);
	return 0;
}

static int user_scope(struct store *db, const char *name, int argc, char **argv)
{
	const char *scope = cli_opt(argc, argv, "--scope");
	if (!name || !scope) {
		fprintf(stderr, "xinzhi: 用法：xinzhi user scope 用户名 --scope "
		                "all|custom|region|region_tree|own [--regions 代码,代码]\n");
		return 2;
	}
	char msg[256] = "", buf[1024];
	const char *codes[SCOPE_MAX_REGIONS + 1];
	size_t ncodes = 0;
	split_regions(cli_opt(argc, argv, "--regions"), buf, sizeof(buf), codes,
	              SCOPE_MAX_REGIONS + 1, &ncodes);
	enum xz_result r = auth_user_set_scope(db, name, scope, codes, ncodes, msg, sizeof(msg));
	if (r) {
		fprintf(stderr, "xinzhi: 修改数据范围失败：%s\n", msg[0] ? msg : result_info(r)->message);
		return 1;
	}
	printf("已修改用户 %s 的数据范围\n", name);
	return 0;
}

/* prints s padded to width terminal columns, then a space */
static void cell(const char *s, size_t width)
{
	size_t w = util_display_width(s);
	printf("%s%*s ", s, (int)(width > w ? width - w : 0), "");
}

static int user_list(struct store *db)
{
	struct store_stmt *st = NULL;
	if (store_prepare(db,
	                  "SELECT u.username, u.role, coalesce(r.code, ''), coalesce(r.name, '全市'),"
	                  " u.must_change_password, coalesce(u.last_login_at, ''),"
	                  " CASE u.scope WHEN '' THEN '默认' ELSE u.scope END"
	                  " || coalesce(' ' || u.scope_regions, '')"
	                  " FROM user u LEFT JOIN region r ON r.id = u.region_id ORDER BY u.id",
	                  &st))
		return 1;
	static const size_t widths[] = {16, 10, 10, 12};
	static const char *const heads[] = {"用户名", "角色", "区划代码", "区划"};
	for (int i = 0; i < 4; i++)
		cell(heads[i], widths[i]);
	cell("数据范围", 12);
	printf("最近登录\n");
	while (store_step(st) == STORE_ROW) {
		for (int i = 0; i < 4; i++)
			cell(store_column_text(st, i), widths[i]);
		cell(store_column_text(st, 6), 12);
		printf("%s%s\n", store_column_text(st, 5),
		       store_column_int(st, 4) ? "（待改密码）" : "");
	}
	store_finalize(st);
	return 0;
}

static int cmd_user(struct cli *cli, int argc, char **argv)
{
	static const char *const known[] = {"--role", "--region", "--scope", "--regions", NULL};
	static const char *const flags[] = {"--must-change", NULL};
	if (!cli_check_opts(argc, argv, known, flags))
		return 2;
	const char *sub = positional(argc, argv, 0, known);
	if (!sub) {
		fprintf(stderr, "xinzhi: 用法：xinzhi user add|passwd|role|list ...\n");
		return 2;
	}
	struct store *db = cli->store;
	int rc = 2;
	char msg[256] = "";
	const char *name = positional(argc, argv, 1, known);
	if (!strcmp(sub, "add")) {
		rc = user_add(db, argc, argv, known);
	} else if (!strcmp(sub, "list")) {
		rc = user_list(db);
	} else if (!strcmp(sub, "scope")) {
		rc = user_scope(db, name, argc, argv);
	} else if (!strcmp(sub, "passwd") && name) {
		char *pw = cli_read_password("新密码：");
		enum xz_result r = pw ? auth_user_passwd(db, name, pw,
		                                         cli_flag(argc, argv, "--must-change"), msg,
		                                         sizeof(msg))
		                      : XZ_ERR_BAD_REQUEST;
		free(pw);
		rc = r ? 1 : 0;
		if (r && msg[0])
			fprintf(stderr, "xinzhi: 修改密码失败：%s\n", msg);
		else if (!r)
			printf("已修改用户 %s 的密码，其所有会话已结束\n", name);
	} else if (!strcmp(sub, "totp-reset") && name) {
		enum xz_result r = auth_totp_reset(db, name, msg, sizeof(msg));
		rc = r ? 1 : 0;
		if (r)
			fprintf(stderr, "xinzhi: 重置动态验证码失败：%s\n", msg[0] ? msg : result_info(r)->message);
		else
			printf("已关闭用户 %s 的动态验证码，其下次登录后须重新绑定\n", name);
	} else if (!strcmp(sub, "role") && name && cli_opt(argc, argv, "--role")) {
		enum xz_result r = auth_user_role(db, name, cli_opt(argc, argv, "--role"),
		                                  cli_opt(argc, argv, "--region"), msg, sizeof(msg));
		rc = r ? 1 : 0;
		if (r)
			fprintf(stderr, "xinzhi: 修改角色失败：%s\n", msg[0] ? msg : result_info(r)->message);
		else
			printf("已修改用户 %s 的角色\n", name);
	} else {
		fprintf(stderr, "xinzhi: 用法：xinzhi user add|passwd|role|list ...（见 xinzhi user --help）\n");
	}
	return rc;
}

static int cmd_token(struct cli *cli, int argc, char **argv)
{
	static const char *const known[] = {"--user", "--name", "--days", NULL};
	if (!cli_check_opts(argc, argv, known, NULL))
		return 2;
	const char *sub = positional(argc, argv, 0, known);
	const char *user = cli_opt(argc, argv, "--user");
	if (!sub || strcmp(sub, "create") || !user) {
		fprintf(stderr, "xinzhi: 用法：xinzhi token create --user 用户名 [--name 用途] [--days 天数]\n");
		return 2;
	}
	struct store *db = cli->store;
	char token[65], msg[256] = "";
	const char *days = cli_opt(argc, argv, "--days");
	const char *name = cli_opt(argc, argv, "--name");
	enum xz_result r = auth_token_create(db, user, name ? name : "api", days ? atoi(days) : 0,
	                                     token, msg, sizeof(msg));
	if (r) {
		fprintf(stderr, "xinzhi: 创建令牌失败：%s\n", msg[0] ? msg : result_info(r)->message);
		return 1;
	}
	printf("%s\n", token);
	return 0;
}



/* ---- spreadsheets ---- */

static const struct entity *entity_arg(const char *name)
{
	const struct entity *e = name ? model_find(name) : NULL;
	if (!e) {
		fprintf(stderr, "xinzhi: 未知的数据类型“%s”。可用：", name ? name : "");
		for (size_t i = 0; model_at(i); i++)
			fprintf(stderr, "%s%s", i ? "、" : "", model_at(i)->name);
		fprintf(stderr, "\n");
	}
	return e;
}

struct progress {
	double started, last;
	bool tty;
};

/* rows, rows/s and time left, redrawn at most 5 times a second */
static void show_progress(void *cls, int64_t rows, uint64_t done, uint64_t total)
{
	struct progress *p = cls;
	double now = util_now_mono();
	if (!p->tty || (now - p->last < 0.2 && done < total))
		return;
	p->last = now;
	double rate = rows / (now - p->started > 0.001 ? now - p->started : 0.001);
	double frac = total ? (double)done / (double)total : 0;
	double eta = frac > 0.001 ? (now - p->started) * (1 - frac) / frac : 0;
	int bar = (int)(frac * 30);
	fprintf(stderr, "\r[%.*s%*s] %3.0f%%  %" PRId64 " 行  %.0f 行/秒  剩余约 %.0f 秒   ", bar,
	        "##############################", 30 - bar, "", frac * 100, rows, rate, eta);
}

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *f = !strcmp(path, "-") ? stdout : fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "xinzhi: 无法写入 %s\n", path);
		return 1;
	}
	bool ok = fwrite(data, 1, len, f) == len;
	ok = (f == stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
	if (!ok)
		fprintf(stderr, "xinzhi: 写入 %s 失败\n", path);
	return ok ? 0 : 1;
}

static int cmd_import(struct cli *cli, int argc, char **argv)
{
	static const char *const known[] = {"--sheet", "--errors", "--region", NULL};
	static const char *const flags[] = {"--dry-run", "--confirm", NULL};
	if (!cli_check_opts(argc, argv, known, flags))
		return 2;
	const struct entity *e = entity_arg(positional(argc, argv, 0, known));
	const char *file = positional(argc, argv, 1, known);
	if (!e || !file) {
		if (e)
			fprintf(stderr, "xinzhi: 用法：xinzhi import 数据类型 文件 [--dry-run]\n");
		return 2;
	}
	if (!strcmp(e->name, "person") && cli_is_lrmx_file(file)) {
		/* 任免审批表 files (.lrmx, zips of them): all files named, one transaction */
		char **files = xcalloc((size_t)argc, sizeof(*files));
		size_t n = 0;
		for (const char *f; (f = positional(argc, argv, (int)n + 1, known)); n++)
			files[n] = (char *)f;
		int rc = cli_import_lrmx(cli, files, n, cli_opt(argc, argv, "--region"),
		                         cli_flag(argc, argv, "--dry-run"));
		free(files);
		return rc;
	}
	if (cli_opt(argc, argv, "--region")) {
		fprintf(stderr, "xinzhi: --region 只用于导入任免审批表（.lrmx）\n");
		return 2;
	}
	char msg[256] = "";
	struct table_reader *rd = NULL;
	if (table_open_file(file, TABLE_AUTO, cli_opt(argc, argv, "--sheet"), &rd, msg, sizeof(msg))) {
		fprintf(stderr, "xinzhi: %s\n", msg);
		return 1;
	}
	struct engine_ctx ctx;
	struct import_report rep;
	struct progress prog = {util_now_mono(), 0, isatty(STDERR_FILENO)};
	engine_ctx_init(&ctx, cli->store, engine_system_actor());
	ctx.confirm_warnings = cli_flag(argc, argv, "--confirm");
	bool dry = cli_flag(argc, argv, "--dry-run");
	enum xz_result r = engine_import(&ctx, e, rd, file, dry, &rep, show_progress, &prog);
	if (prog.tty)
		fprintf(stderr, "\n");
	double secs = util_now_mono() - prog.started;
	int rc = 0;
	if (!r) {
		printf("%s%s：共 %" PRId64 " 行，新增 %" PRId64 "，更新 %" PRId64 "，无变化 %" PRId64
		       "（编码 %s，用时 %.1f 秒，%.0f 行/秒）\n",
		       dry ? "校验通过（未写入）" : "导入完成", e->label, rep.rows, rep.inserted,
		       rep.updated, rep.unchanged, rep.encoding, secs,
		       rep.rows / (secs > 0.001 ? secs : 0.001));
	} else if (r == XZ_ERR_VALIDATION && json_array_size(rep.bad_rows)) {
		char *path = cli_opt(argc, argv, "--errors") ? xstrdup(cli_opt(argc, argv, "--errors"))
		                                             : xasprintf("%s.错误清单.xlsx", file);
		char *data = NULL;
		size_t len = 0;
		json_t *err;
		size_t i;
		json_array_foreach(rep.errors, i, err) {
			if (i == 10) {
				fprintf(stderr, "……\n");
				break;
			}
			fprintf(stderr, "第%" JSON_INTEGER_FORMAT "行 %s：%s\n",
			        json_integer_value(json_object_get(err, "row")),
			        json_string_value(json_object_get(err, "column")),
			        json_string_value(json_object_get(err, "message")));
		}
		/* ctx.message already says that nothing was imported */
		if (!import_error_workbook(&rep, &data, &len) && !write_file(path, data, len))
			fprintf(stderr, "xinzhi: %s。错误清单：%s\n", ctx.message, path);
		else
			fprintf(stderr, "xinzhi: %s\n", ctx.message);
		free(data);
		free(path);
		rc = 1;
	} else {
		fprintf(stderr, "xinzhi: 导入失败：%s\n", ctx.message[0] ? ctx.message : result_info(r)->message);
		rc = 1;
	}
	import_report_free(&rep);
	engine_ctx_free(&ctx);
	table_close(rd);
	return rc;
}

static int cmd_export(struct cli *cli, int argc, char **argv)
{
	static const char *const known[] = {"-o", "--format", "--id", NULL};
	static const char *const flags[] = {"--unmasked", NULL};
	if (!cli_check_opts(argc, argv, known, flags))
		return 2;
	const struct entity *e = entity_arg(positional(argc, argv, 0, known));
	if (!e)
		return 2;
	const char *format = cli_opt(argc, argv, "--format");
	const char *out = cli_opt(argc, argv, "-o");
	bool html;
	if (!strcmp(e->name, "person") &&
	    cli_lrmx_export_wanted(format, out, cli_opt(argc, argv, "--id"), &html))
		return cli_export_lrmx(cli, cli_opt(argc, argv, "--id"), out, html,
		                       cli_flag(argc, argv, "--unmasked"));
	if (!format)
		format = out && strlen(out) > 4 && !strcmp(out + strlen(out) - 4, ".csv") ? "csv" : "xlsx";
	if (strcmp(format, "csv") && strcmp(format, "xlsx")) {
		fprintf(stderr, "xinzhi: --format 只能是 xlsx 或 csv\n");
		return 2;
	}
	char *def = xasprintf("%s.%s", e->name, format);
	struct engine_ctx ctx;
	engine_ctx_init(&ctx, cli->store, engine_system_actor());
	char *data = NULL;
	size_t len = 0;
	enum xz_result r = engine_export(&ctx, e, NULL, 0, strcmp(format, "csv") ? TABLE_XLSX : TABLE_CSV,
	                                 cli_flag(argc, argv, "--unmasked"), &data, &len);
	int rc = 1;
	if (r)
		fprintf(stderr, "xinzhi: 导出失败：%s\n", ctx.message[0] ? ctx.message : result_info(r)->message);
	else if (!(rc = write_file(out ? out : def, data, len)) && (!out || strcmp(out, "-")))
		printf("已导出%s到 %s\n", e->label, out ? out : def);
	free(data);
	free(def);
	engine_ctx_free(&ctx);
	return rc;
}

static int cmd_template(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	static const char *const known[] = {"-o", NULL};
	if (!cli_check_opts(argc, argv, known, NULL))
		return 2;
	const struct entity *e = entity_arg(positional(argc, argv, 0, known));
	if (!e)
		return 2;
	char *def = xasprintf("%s导入模板.xlsx", e->label), *data = NULL;
	const char *out = cli_opt(argc, argv, "-o");
	size_t len = 0;
	int rc = 1;
	if (engine_template(e, &data, &len))
		fprintf(stderr, "xinzhi: 生成模板失败\n");
	else if (!(rc = write_file(out ? out : def, data, len)))
		printf("已生成%s导入模板 %s\n", e->label, out ? out : def);
	free(data);
	free(def);
	return rc;
}

static int cmd_version(struct cli *cli, int argc, char **argv)
{
	(void)cli, (void)argc, (void)argv;
	printf("xinzhi %s\n", XZ_VERSION);
	return 0;
}

static int cmd_help(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	for (size_t i = 0; argc > 0 && i < cli_command_count; i++)
		if (!strcmp(cli_commands[i].name, argv[0])) {
			cli_usage(&cli_commands[i]);
			return 0;
		}
	printf("新质 xinzhi %s — 产业链组织保障工作平台\n\n命令：\n", XZ_VERSION);
	for (size_t i = 0; i < cli_command_count; i++)
		printf("  %-10s %s\n", cli_commands[i].name, cli_commands[i].summary);
	printf("\n全局选项：--db 路径（默认 ./xinzhi.db）\n");
	return 0;
}

const struct command cli_commands[] = {
	{"init", cmd_init, CMD_NEEDS_DB, "init", "创建数据库并升级到最新结构", NULL},
	{"check", cmd_check, CMD_NEEDS_DB, "check",
	 "检查数据库文件完整性、外键一致性和审计日志哈希链（异常断电、磁盘写满或恢复后使用）", NULL},
	{"demo", cmd_demo, CMD_NEEDS_DB, "demo [--scale small|city] [--seed N] [--admin]",
	 "生成示范城市数据（465产业集群、产业链、区划、园区、企业）",
	 "  --scale small  测试用小规模（约300家企业、600人、150条人才需求）\n"
	 "  --scale city   真实城市规模（约2万家企业、50万人才、6万干部、3万条需求，约3至5分钟）\n"
	 "  --seed N       随机种子，相同种子生成相同数据\n"
	 "  --admin        同时创建业务管理员 admin（密码取自 XINZHI_ADMIN_PASSWORD 或随机生成并显示一次），\n"
	 "                 以及 sysadmin、secadmin、auditadmin 三个管理员（一次性密码，首次登录须修改）"},
	{"serve", cmd_serve, CMD_NEEDS_DB,
	 "serve [--listen 127.0.0.1:8080] [--web 目录] [--threads N] [--tls-cert 证书.pem --tls-key 私钥.pem] [--timeout 秒] [--per-ip N] [--trusted-proxy 地址,…]",
	 "启动网页与接口服务",
	 "  --listen  监听地址（默认 127.0.0.1:8080，或环境变量 XINZHI_LISTEN）\n"
	 "  --web     前端构建目录（默认源码目录下 web/dist）\n"
	 "  --threads 工作线程数（默认 CPU 核数）\n"
	 "  --tls-cert/--tls-key  以 HTTPS 提供服务（TLS 1.2/1.3，并发送 HSTS）\n"
	 "  --timeout 连接空闲多少秒后断开（默认 30），防慢速攻击\n"
	 "  --per-ip  每个客户端 IP 的最大并发连接数（默认 256；在 nginx 等反向代理之后应调大）\n"
	 "  --trusted-proxy  反向代理地址（逗号分隔）：来自这些地址的请求以 X-Real-IP 头为客户端地址\n"
	 "                   （用于审计日志和登录频率限制）\n"
	 "按 Ctrl-C 或发送 SIGTERM 停止。"},
	{"user", cmd_user, CMD_NEEDS_DB,
	 "user add 用户名 --role 角色 [--region 区划代码] [--scope 范围] [--regions 代码,代码] [--must-change] | passwd 用户名 | role 用户名 --role 角色 [--region 代码] | scope 用户名 --scope 范围 [--regions 代码,代码] | totp-reset 用户名 | list",
	 "管理用户账号",
	 "  角色：sysadmin（系统管理员）、secadmin（安全管理员）、auditadmin（审计管理员，旧名 auditor）、\n"
	 "  admin（业务管理员）、operator（业务经办）、viewer（查询）；一个账号只有一个角色\n"
	 "  --region    绑定区划，用户只能看到和修改该区划及下级的数据\n"
	 "  --scope     数据范围：all（全部数据）、custom（自定义区划，用 --regions 列出）、\n"
	 "              region（本区划）、region_tree（本区划及下级，绑定区划时的默认）、own（仅本人录入）\n"
	 "  --must-change  首次登录须修改密码\n"
	 "  totp-reset  关闭用户的动态验证码（手机丢失时），须绑定的角色下次登录后重新绑定\n"
	 "  密码在标准输入不是终端时从标准输入读取一行，否则提示输入两次。"},
	{"token", cmd_token, CMD_NEEDS_DB, "token create --user 用户名 [--name 用途] [--days 天数]",
	 "为接口调用创建访问令牌（Authorization: Bearer）", NULL},
	{"audit", cli_audit, CMD_NEEDS_DB, "audit verify | purge --before YYYY-MM-DD",
	 "校验审计日志哈希链是否完整；清理保留期（至少183天）以前的审计日志",
	 "  verify   逐条重算 SM3 哈希链，报告第一条被篡改、删除或调换顺序的记录\n"
	 "  purge    删除指定日期以前的记录（日期须早于183天前），清理本身记入审计日志"},
	{"setting", cli_setting, CMD_NEEDS_DB, "setting list | get 设置项 | set 设置项 值 [设置项 值]...",
	 "查看和修改安全设置（口令策略、登录锁定、限流、动态验证码）",
	 "  password_policy        dengbao（等保，默认）或 asvs\n"
	 "  password_max_age_days  等保策略下口令最长使用天数（默认90，0 不限）\n"
	 "  login_max_failures     连续失败几次锁定账号（默认5）\n"
	 "  login_lock_minutes     锁定分钟数（默认15）\n"
	 "  login_rate_per_minute  每个IP每分钟登录尝试上限（默认10，0 不限）\n"
	 "  totp_required_roles    必须使用动态验证码的角色（默认 admin，空字符串表示不强制）"},
	{"backup", cli_backup, CMD_NEEDS_DB, "backup 备份文件",
	 "备份数据库（服务运行时也可执行，得到一致的副本，SM4 加密）",
	 "  备份文件用数据密钥加密并带完整性校验；恢复时需要同一密钥文件。"},
	{"restore", cli_restore, 0, "restore 备份文件",
	 "用备份替换当前数据库（须先停止服务；先校验备份完整后才改动数据库）", NULL},
	{"import", cmd_import, CMD_NEEDS_DB, "import 数据类型 文件 [--dry-run] [--confirm] [--sheet 工作表] [--errors 错误清单.xlsx]",
	 "从 Excel（xlsx）或 CSV（UTF-8 / GBK）导入数据",
	 "  列名按中文标签或字段名匹配，表头上方的标题行会被跳过；按统一社会信用代码、身份证号等唯一编码更新已有记录。\n"
	 "  任何一行有误时不写入任何数据，错误清单写到 --errors 指定的文件（默认 原文件名.错误清单.xlsx）。\n"
	 "  --dry-run  只校验不写入\n  --confirm  接受可确认的警告（如试点地区早期的信用代码）\n"
	 "  任免审批表：xinzhi import person 文件.lrmx|文件.zip ... [--region 区划代码] [--dry-run]\n"
	 "    按身份证号更新或新增人员、干部信息、任职经历（按简历重建）、家庭成员和照片；\n"
	 "    所有文件在一个事务中导入，任一文件有误则都不写入；未能识别的简历行保留原文并列出。\n"
	 "    --region   新登记人员和干部的所属区划（默认全市）"},
	{"export", cmd_export, CMD_NEEDS_DB, "export 数据类型 [-o 文件] [--format xlsx|csv] [--unmasked]",
	 "导出数据到 Excel 或 CSV（UTF-8 带 BOM）",
	 "  个人信息默认打码；--unmasked 导出原文并记入审计日志。-o - 写到标准输出。\n"
	 "  任免审批表：xinzhi export person --id 人员ID [-o 文件.lrmx|文件.html] [--format lrmx|html] [--unmasked]\n"
	 "    .lrmx 含身份证号等个人信息原文并记入审计日志；.html 为 A4 打印页，身份证号打码，\n"
	 "    家庭成员不显示，加 --unmasked 显示原文。不给 -o 时写到标准输出。"},
	{"catalog", cli_catalog, CMD_NEEDS_DB,
	 "catalog compile --year 年度 | publish 目录ID | diff 旧目录ID 新目录ID | export 目录ID [-o 文件.xlsx|文件.html]",
	 "编制、发布、对比和导出紧缺人才需求目录",
	 "  compile --year 2026  按开放的人才需求和在锡人才库编制新的目录草稿（每次编制都生成新草稿）\n"
	 "  publish ID           发布草稿；已发布的目录不再改动，也不能再次发布\n"
	 "  diff A B             对比目录A到目录B：新增、移出、紧缺指数升高和降低的岗位\n"
	 "  export ID [-o 文件]  导出为 Excel（默认）或 A4 打印页（文件名以 .html 结尾）；-o - 写到标准输出\n"
	 "  紧缺指数（0-1）由供需缺口(0.4)、学历(0.15)、经验(0.15)、要求广度(0.1)、薪酬(0.2)加权得出，\n"
	 "  1-5星 = 1+取整(指数×5)；<0.2 一般紧缺，0.2-0.5 紧缺，≥0.5 非常紧缺。"},
	{"match", cli_match, CMD_NEEDS_DB,
	 "match need|talent ID [--k N] [--region 区划代码前缀] | match project ID [--k N]",
	 "人岗匹配：需求的前k名在锡人才，人才的前k个开放需求，或攻坚项目的前k名候选干部",
	 "  按技能分类计算技能匹配度（同一技能或同义词1.0、上下位0.6、同类0.3，稀缺技能权重更高），\n"
	 "  学历、经验为硬性条件，同产业链+0.1、同区县+0.05；每条结果列出匹配技能、缺少技能和满足条件。\n"
	 "  project：与干部配置求解同一评分（特长重合比例×1000，首次参与该产业链+200，同区县+100），\n"
	 "  已在实施中项目的干部照常列出并注明。"},
	{"assign", cli_assign, CMD_NEEDS_DB, "assign [--project 项目ID]... [--apply] [--multi]",
	 "百项攻坚干部配置：按专业特长求解最优方案，可直接应用",
	 "  不给 --project 时配置全部筹备、实施中的项目。得分 = 1000×专业特长覆盖比例，\n"
	 "  首次参与该产业链 +200（历练），同区县 +100；先配满席位，再求总分最高（最小费用流，精确解）。\n"
	 "  默认每名干部只进一个项目，已在实施中项目的干部不再配置；--multi 取消此限制。\n"
	 "  --apply 将方案写入项目干部（来源为“方案”）并记入审计日志。"},
	{"template", cmd_template, 0, "template 数据类型 [-o 文件]", "生成带下拉选项和填写说明的导入模板", NULL},
	{"rekey", cli_rekey, CMD_NEEDS_DB, "rekey",
	 "轮换数据密钥：用新密钥重新加密全部个人信息并重算查找散列",
	 "  在一个事务中完成，中途停止也不会丢失数据：密钥文件在轮换期间同时保存新旧两个密钥。\n"
	 "  轮换后请重新备份密钥文件；之前的备份仍需用旧密钥文件恢复。须先停止服务。"},
	{"keygen", cli_keygen, 0, "keygen [密钥文件]",
	 "生成个人信息加密密钥（默认为数据库文件名加 .key；已存在时不覆盖）",
	 "  也可用环境变量 XINZHI_KEY_FILE 指定密钥文件位置。打开数据库时若密钥文件不存在会自动生成。"},
	{"version", cmd_version, 0, "version", "显示版本", NULL},
	{"help", cmd_help, 0, "help [命令]", "显示帮助", NULL},
};

const size_t cli_command_count = sizeof(cli_commands) / sizeof(cli_commands[0]);
