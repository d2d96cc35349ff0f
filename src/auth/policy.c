/*
 * The password policy checker and the common-password list. The list is a
 * sorted array of lower-cased strings searched with bsearch; it is built
 * once (pthread_once) and read-only afterwards, so any thread may check.
 */
#include "auth/policy.h"
#include "auth/setting.h"
#include "core/mem.h"
#include "core/util.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void policy_preset(enum policy_preset p, int max_age_days, struct password_policy *out)
{
	memset(out, 0, sizeof(*out));
	out->preset = p;
	out->max_len = 128;
	out->check_common = true;
	if (p == POLICY_ASVS) {
		out->min_len = 12;
	} else {
		out->min_len = 8;
		out->min_classes = 3;
		out->max_age_days = max_age_days;
	}
}

enum xz_result policy_current(struct store *db, struct password_policy *out)
{
	char name[32];
	enum xz_result r = setting_get(db, SETTING_PASSWORD_POLICY, name, sizeof(name));
	int age = (int)setting_get_number(db, SETTING_PASSWORD_MAX_AGE);
	policy_preset(!strcmp(name, "asvs") ? POLICY_ASVS : POLICY_DENGBAO, age, out);
	return r;
}

/* lower-cases ASCII letters of s into a fresh string */
static char *lower_dup(const char *s)
{
	char *d = xstrdup(s);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

enum xz_result policy_check(const struct password_policy *p, const char *username,
                            const char *password, char *msg, size_t n)
{
	enum xz_result r = XZ_ERR_VALIDATION;
	char *lpw = NULL, *luser = NULL;
	size_t len = util_utf8_len(password);
	if (len < (size_t)p->min_len || len > (size_t)p->max_len) {
		snprintf(msg, n, "密码长度应为%d到%d个字符", p->min_len, p->max_len);
		goto out;
	}
	lpw = lower_dup(password);
	if (username && *username) {
		luser = lower_dup(username);
		if (strstr(lpw, luser)) {
			snprintf(msg, n, "密码不能与用户名相同，也不能包含用户名");
			goto out;
		}
	}
	if (p->min_classes) {
		bool lower = false, upper = false, digit = false, other = false;
		for (const unsigned char *c = (const unsigned char *)password; *c; c++) {
			if (*c >= 'a' && *c <= 'z')
				lower = true;
			else if (*c >= 'A' && *c <= 'Z')
				upper = true;
			else if (*c >= '0' && *c <= '9')
				digit = true;
			else
				other = true;
		}
		int classes = lower + upper + digit + other;
		if (classes < p->min_classes) {
			snprintf(msg, n,
			         "密码应包含大写字母、小写字母、数字、特殊字符四类中的至少%d类（等保口令复杂度要求）",
			         p->min_classes);
			goto out;
		}
	}
	if (p->check_common && policy_is_common(password)) {
		snprintf(msg, n, "密码过于常见（在常见密码表中），请换一个不易被猜到的密码");
		goto out;
	}
	r = XZ_OK;
out:
	free(lpw);
	free(luser);
	return r;
}

bool policy_expired(const struct password_policy *p, int64_t changed_at, int64_t now)
{
	return p->max_age_days > 0 && changed_at > 0 &&
	       now - changed_at > (int64_t)p->max_age_days * 86400;
}

void policy_describe(const struct password_policy *p, char *out, size_t n)
{
	if (p->preset == POLICY_ASVS)
		snprintf(out, n, "ASVS 口令策略：%d到%d个字符，不限字符种类；不能包含用户名，不能是常见密码",
		         p->min_len, p->max_len);
	else if (p->max_age_days > 0)
		snprintf(out, n,
		         "等保口令策略：%d到%d个字符，包含大写字母、小写字母、数字、特殊字符中的至少%d类；"
		         "不能包含用户名，不能是常见密码；每%d天须更换一次",
		         p->min_len, p->max_len, p->min_classes, p->max_age_days);
	else
		snprintf(out, n,
		         "等保口令策略：%d到%d个字符，包含大写字母、小写字母、数字、特殊字符中的至少%d类；"
		         "不能包含用户名，不能是常见密码",
		         p->min_len, p->max_len, p->min_classes);
}

/* ---- the common-password list ---- */

static char **common;
static size_t common_n;
static pthread_mutex_t common_lock = PTHREAD_MUTEX_INITIALIZER;
static bool common_tried;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
}

enum xz_result policy_load_common(const char *path, char *msg, size_t n)
{
	enum xz_result r = XZ_OK;
	char **list = NULL, line[512];
	size_t cnt = 0, cap = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(msg, n, "无法读取常见密码表 %s", path);
		r = XZ_ERR_IO;
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 1024;
			list = xrealloc(list, cap * sizeof(*list));
		}
		list[cnt++] = lower_dup(line);
	}
	fclose(f);
	if (cnt)
		qsort(list, cnt, sizeof(*list), cmp_str);
	pthread_mutex_lock(&common_lock);
	char **old = common;
	size_t old_n = common_n;
	common = list;
	common_n = cnt;
	common_tried = true;
	pthread_mutex_unlock(&common_lock);
	free_list(old, old_n);
	list = NULL;
out:
	free_list(list, cnt);
	return r;
}

static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void load_default(void)
{
	pthread_mutex_lock(&common_lock);
	bool have = common_tried;
	pthread_mutex_unlock(&common_lock);
	if (have) /* a list was loaded explicitly */
		return;
	const char *env = getenv("XINZHI_COMMON_PASSWORDS");
	char msg[256];
	if (policy_load_common(env && *env ? env : XZ_SOURCE_DIR "/data/common-passwords.txt", msg,
	                       sizeof(msg)))
		fprintf(stderr, "xinzhi: %s\n", msg);
}

static void ensure_loaded(void)
{
	pthread_once(&default_once, load_default);
}

/* frees the list at exit, so leak checkers see a clean process */
__attribute__((destructor)) static void free_common(void)
{
	free_list(common, common_n);
	common = NULL;
	common_n = 0;
}

bool policy_is_common(const char *password)
{
	ensure_loaded();
	char *l = lower_dup(password);
	pthread_mutex_lock(&common_lock);
	bool found = common_n && bsearch(&l, common, common_n, sizeof(*common), cmp_str) != NULL;
	pthread_mutex_unlock(&common_lock);
	free(l);
	return found;
}

size_t policy_common_count(void)
{
	ensure_loaded();
	pthread_mutex_lock(&common_lock);
	size_t n = common_n;
	pthread_mutex_unlock(&common_lock);
	return n;
}
