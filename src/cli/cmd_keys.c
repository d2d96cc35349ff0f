/*
 * The data key and the files that depend on it: `keygen`, `rekey` (key
 * rotation), `backup` (online, consistent, encrypted) and `restore`, and the
 * check, on every command that opens the database, that the key file holds
 * the key the database was written with.
 *
 * The database records the id of its key in the setting data_key_id. A
 * rotation writes the key file with both keys first, then reseals every
 * sealed value, recomputes every lookup hash and records the new id in one
 * transaction, then drops the old key from the file: whenever it stops, the
 * key file still holds the key the database names.
 */
#include "auth/audit.h"
#include "auth/crypto.h"
#include "cli/cli.h"
#include "core/mem.h"
#include "engine/engine.h"
#include "store/store.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_SETTING "data_key_id"

char *cli_key_path(const struct cli *cli)
{
	const char *env = getenv("XINZHI_KEY_FILE");
	return env && *env ? xstrdup(env) : crypto_default_key_path(cli->db);
}

/* the first argument that is not an option, or NULL */
static const char *first_arg(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], "--", 2))
			return argv[i];
	return NULL;
}

static enum xz_result read_key_id(struct store *db, char id[17])
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(db, "SELECT value FROM setting WHERE key = ?", &st);
	id[0] = '\0';
	if (r)
		return r;
	store_bind_text(st, 1, KEY_SETTING);
	if (store_step(st) == STORE_ROW && store_column_text(st, 0))
		snprintf(id, 17, "%s", store_column_text(st, 0));
	store_finalize(st);
	return XZ_OK;
}

static enum xz_result write_key_id(struct store *db, const char *id)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(
	        db,
	        "INSERT INTO setting (key, value) VALUES (?, ?) "
	        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	        &st);
	if (r)
		return r;
	store_bind_text(st, 1, KEY_SETTING);
	store_bind_text(st, 2, id);
	if (store_step(st) != STORE_DONE)
		r = XZ_ERR_STORE;
	store_finalize(st);
	return r;
}

bool cli_key_check(struct store *db)
{
	char want[17], have[17];
	if (read_key_id(db, want))
		return false;
	crypto_key_id(have);
	if (!want[0]) /* a database from before key ids: it is on this key */
		return write_key_id(db, have) == XZ_OK;
	if (strcmp(want, have) && !crypto_activate_id(want)) {
		fprintf(stderr,
		        "xinzhi: 密钥文件与数据库不匹配：数据库使用编号为 %s 的数据密钥，密钥文件中没有"
		        "（当前密钥编号 %s）。请使用该数据库对应的密钥文件（XINZHI_KEY_FILE）。\n",
		        want, have);
		return false;
	}
	return true;
}

int cli_keygen(struct cli *cli, int argc, char **argv)
{
	const char *path = first_arg(argc, argv);
	char *def = crypto_default_key_path(cli->db), msg[256];
	if (!cli_check_opts(argc, argv, NULL, NULL)) {
		free(def);
		return 2;
	}
	enum xz_result r = crypto_keygen(path ? path : def, msg, sizeof(msg));
	if (r)
		fprintf(stderr, "xinzhi: %s\n", msg);
	else
		printf("已生成数据密钥 %s（权限 600）。请与数据库分开备份，丢失后加密的个人信息无法恢复。\n",
		       path ? path : def);
	free(def);
	return r ? 1 : 0;
}

/* ---- rekey ---- */

struct rekey {
	struct crypto_rotation *rot;
	long skipped; /* text that merely looks sealed (free text starting "s1:") */
};

static enum xz_result reseal(void *cls, const char *table, const char *column, const char *value,
                             char **replace, char **hash)
{
	struct rekey *k = cls;
	char *plain = NULL;
	if (crypto_rotate_open(k->rot, value, &plain)) {
		k->skipped++;
		*replace = xstrdup(value);
		return XZ_OK;
	}
	char h[65];
	crypto_rotate_lookup_hash(k->rot, plain, h);
	*hash = xstrdup(h);
	free(plain);
	(void)table, (void)column;
	return crypto_rotate_value(k->rot, value, replace);
}

int cli_rekey(struct cli *cli, int argc, char **argv)
{
	if (!cli_check_opts(argc, argv, NULL, NULL) || first_arg(argc, argv)) {
		fprintf(stderr, "xinzhi: 用法：xinzhi rekey\n");
		return 2;
	}
	static const char *const skip[] = {"audit_log", NULL};
	char *path = cli_key_path(cli), msg[256] = "", old_id[17], new_id[17];
	struct crypto_rotation *rot = NULL;
	struct rekey k = {0};
	long count = 0;
	bool committed = false;
	int rc = 1;
	int lock = -1;
	crypto_key_id(old_id);
	if (store_lock_file(cli->db, true, &lock)) {
		fprintf(stderr, "xinzhi: 服务正在使用数据库 %s，请先停止服务再轮换密钥\n", cli->db);
		goto out;
	}
	if (crypto_rotate_begin(path, &rot, msg, sizeof(msg))) {
		fprintf(stderr, "xinzhi: %s\n", msg);
		goto out;
	}
	crypto_rotate_next_id(rot, new_id);
	k.rot = rot;
	enum xz_result r = store_begin(cli->store);
	if (!r)
		r = store_rewrite_text(cli->store, "s1:", skip, reseal, &k, &count);
	if (!r)
		r = write_key_id(cli->store, new_id);
	if (!r) {
		count -= k.skipped;
		json_t *d = json_pack("{s:s, s:s, s:I, s:I}", "old_key", old_id, "new_key", new_id,
		                      "values", (json_int_t)count, "skipped", (json_int_t)k.skipped);
		r = audit_write(cli->store, engine_system_actor(), "rekey", NULL, 0, "ok", d);
		json_decref(d);
	}
	if (!r)
		r = store_commit(cli->store);
	else
		store_rollback(cli->store);
	committed = !r;
	if (crypto_rotate_end(rot, committed, msg, sizeof(msg)))
		fprintf(stderr, "xinzhi: %s（密钥文件中暂时保留了两个密钥，不影响使用；可再次运行 rekey）\n",
		        msg);
	if (!committed) {
		fprintf(stderr, "xinzhi: 密钥轮换失败，数据未改动，仍使用原密钥 %s\n", old_id);
		goto out;
	}
	printf("已轮换数据密钥：%s → %s，重新加密 %ld 个个人信息字段值。密钥文件 %s 已更新，"
	       "请重新备份密钥文件；旧密钥加密的备份需用旧密钥文件恢复。\n",
	       old_id, new_id, count, path);
	rc = 0;
out:
	store_unlock_file(lock);
	free(path);
	return rc;
}

/* ---- backup and restore ---- */

int cli_backup(struct cli *cli, int argc, char **argv)
{
	const char *path = first_arg(argc, argv);
	if (!path || !cli_check_opts(argc, argv, NULL, NULL)) {
		fprintf(stderr, "xinzhi: 用法：xinzhi backup 备份文件\n");
		return 2;
	}
	struct stat sb;
	if (stat(path, &sb) == 0) {
		fprintf(stderr, "xinzhi: %s 已存在，不会覆盖\n", path);
		return 1;
	}
	/* the snapshot is written beside the target and removed once encrypted */
	char *plain = xasprintf("%s.snapshot-%ld", path, (long)getpid()), msg[256] = "";
	unlink(plain);
	enum xz_result r = store_backup(cli->store, plain);
	if (r)
		snprintf(msg, sizeof(msg), "%s", store_errmsg(cli->store));
	else
		r = crypto_seal_file(plain, path, msg, sizeof(msg));
	unlink(plain);
	free(plain);
	char id[17];
	crypto_key_id(id);
	json_t *d = json_pack("{s:s, s:s, s:b}", "file", path, "key", id, "encrypted", true);
	audit_write(cli->store, engine_system_actor(), "backup", NULL, 0, result_info(r)->code, d);
	json_decref(d);
	if (r) {
		fprintf(stderr, "xinzhi: 备份失败（%s）\n", msg);
		return 1;
	}
	printf("已备份到 %s（SM4 加密，密钥编号 %s；恢复时需要同一密钥文件）\n", path, id);
	return 0;
}

int cli_restore(struct cli *cli, int argc, char **argv)
{
	const char *path = first_arg(argc, argv);
	if (!path || !cli_check_opts(argc, argv, NULL, NULL)) {
		fprintf(stderr, "xinzhi: 用法：xinzhi restore 备份文件\n");
		return 2;
	}
	char msg[256] = "", *key = cli_key_path(cli), *plain = NULL;
	const char *from = path;
	struct store *db = NULL;
	int rc = 1, lock = -1;
	if (store_lock_file(cli->db, true, &lock) == XZ_ERR_BUSY) {
		fprintf(stderr, "xinzhi: 服务正在使用数据库 %s，请先停止服务再恢复\n", cli->db);
		goto out;
	}
	if (crypto_is_sealed_file(path)) {
		if (crypto_load_key(key, false, msg, sizeof(msg))) {
			fprintf(stderr, "xinzhi: 恢复加密备份需要数据密钥：%s\n", msg);
			goto out;
		}
		/* opened beside the database file, or beside the backup when the
		 * database is a PostgreSQL URL */
		plain = xasprintf("%s.restore-%ld", store_url_is_postgres(cli->db) ? path : cli->db,
		                  (long)getpid());
		if (crypto_open_file(path, plain, msg, sizeof(msg))) {
			fprintf(stderr, "xinzhi: %s\n", msg);
			goto out;
		}
		from = plain;
	} else {
		fprintf(stderr, "xinzhi: 注意：%s 是未加密的旧格式备份\n", path);
	}
	if (store_restore(from, cli->db, msg, sizeof(msg))) {
		fprintf(stderr, "xinzhi: %s\n", msg);
		goto out;
	}
	if (store_open(cli->db, &db)) /* brings an older backup up to date */
		goto out;
	if (!crypto_ready() && crypto_load_key(key, false, msg, sizeof(msg)))
		fprintf(stderr, "xinzhi: 注意：%s；个人信息须有对应的密钥文件才能读取\n", msg);
	else if (!cli_key_check(db))
		goto out;
	json_t *d = json_pack("{s:s}", "file", path);
	audit_write(db, engine_system_actor(), "restore", NULL, 0, "ok", d);
	json_decref(d);
	printf("已从 %s 恢复数据库 %s\n", path, cli->db);
	rc = 0;
out:
	if (plain) {
		unlink(plain);
		free(plain);
	}
	store_close(db);
	store_unlock_file(lock);
	free(key);
	return rc;
}
