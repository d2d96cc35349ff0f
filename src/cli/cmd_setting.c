/*
 * `xinzhi setting list | get KEY | set KEY VALUE [KEY VALUE]...`: the
 * security settings (password policy preset, password age, lockout, login
 * rate limit, roles that must use TOTP) at the server's console. Values are
 * validated by src/auth/setting.c; several pairs are set one after another
 * and the first bad one stops with exit status 1.
 */
#include "auth/setting.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static int setting_list(struct store *db)
{
	for (size_t i = 0; setting_def_at(i); i++) {
		const struct setting_def *d = setting_def_at(i);
		char v[256];
		if (setting_get(db, d->key, v, sizeof(v)))
			return 1;
		printf("%-24s %-12s %s\n", d->key, v[0] ? v : "''", d->label);
	}
	return 0;
}

int cli_setting(struct cli *cli, int argc, char **argv)
{
	if (!cli_check_opts(argc, argv, NULL, NULL))
		return 2;
	struct store *db = cli->store;
	const char *sub = argc > 0 ? argv[0] : NULL;
	if (sub && !strcmp(sub, "list") && argc == 1)
		return setting_list(db);
	if (sub && !strcmp(sub, "get") && argc == 2) {
		char v[256];
		if (!setting_find(argv[1])) {
			fprintf(stderr, "xinzhi: 未知设置项“%s”（见 xinzhi setting list）\n", argv[1]);
			return 1;
		}
		if (setting_get(db, argv[1], v, sizeof(v)))
			return 1;
		printf("%s\n", v);
		return 0;
	}
	if (sub && !strcmp(sub, "set") && argc >= 3 && argc % 2 == 1) {
		for (int i = 1; i + 1 < argc; i += 2) {
			char msg[256] = "";
			enum xz_result r = setting_set(db, argv[i], argv[i + 1], msg, sizeof(msg));
			if (r) {
				fprintf(stderr, "xinzhi: 设置失败：%s\n", msg[0] ? msg : result_info(r)->message);
				return 1;
			}
			printf("已设置 %s = %s\n", argv[i], argv[i + 1]);
		}
		return 0;
	}
	fprintf(stderr, "xinzhi: 用法：xinzhi setting list | get 设置项 | set 设置项 值 [设置项 值]...\n");
	return 2;
}
