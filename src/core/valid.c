/*
 * Check-digit and format validators. The algorithms follow
 * shared/reference/checksums.md: GB 11643 weights 7 9 10 5 8 4 2 1 6 3 ...
 * mod 11, and GB 32100 weights 3^(i-1) mod 31 with check value
 * (31 - sum mod 31) mod 31, so a sum divisible by 31 yields check value 0.
 */
#include "core/valid.h"

#include <stdio.h>
#include <string.h>

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool real_date(int y, int m, int d)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1)
		return false;
	int max = days[m - 1] + (m == 2 && is_leap(y));
	return d <= max;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

bool valid_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!digits(s, 4) || !digits(s + 5, 2) || !digits(s + 8, 2))
		return false;
	return real_date(num(s, 4), num(s + 5, 2), num(s + 8, 2));
}

char valid_idcard_check(const char *first17)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char map[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	return map[sum % 11];
}

enum valid_result valid_idcard(const char *s, const char *today, char *msg, size_t n)
{
	if (strlen(s) != 18 || !digits(s, 17) ||
	    !((s[17] >= '0' && s[17] <= '9') || s[17] == 'X' || s[17] == 'x')) {
		snprintf(msg, n, "身份证号应为18位：前17位数字，最后一位为数字或X");
		return VALID_BAD;
	}
	int y = num(s + 6, 4), m = num(s + 10, 2), d = num(s + 12, 2);
	if (!real_date(y, m, d)) {
		/* the message never quotes the number: it reaches the audit log and
		 * error workbooks, where a birth date is personal data */
		snprintf(msg, n, "身份证号第7至14位的出生日期不是真实日期");
		return VALID_BAD;
	}
	char birth[11];
	valid_idcard_birth(s, birth);
	if (today && strcmp(birth, today) > 0) {
		snprintf(msg, n, "身份证号第7至14位的出生日期晚于今天");
		return VALID_BAD;
	}
	char want = valid_idcard_check(s);
	char got = s[17] == 'x' ? 'X' : s[17];
	if (want != got) {
		snprintf(msg, n, "身份证号校验位错误：第18位应为 %c", want);
		return VALID_BAD_CHECKSUM;
	}
	return VALID_OK;
}

void valid_idcard_birth(const char *id, char *out)
{
	snprintf(out, 11, "%.4s-%.2s-%.2s", id + 6, id + 10, id + 12);
}

const char *valid_idcard_gender(const char *id)
{
	return ((id[16] - '0') % 2) ? "男" : "女";
}

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_value(char c)
{
	const char *p = c ? strchr(uscc_alphabet, c) : NULL;
	return p ? (int)(p - uscc_alphabet) : -1;
}

char valid_uscc_check(const char *first17)
{
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = uscc_value(first17[i]);
		if (v < 0)
			return 0;
		sum += v * w[i];
	}
	return uscc_alphabet[(31 - sum % 31) % 31];
}

enum valid_result valid_uscc(const char *s, char *msg, size_t n)
{
	size_t len = strlen(s);
	if (len != 18) {
		snprintf(msg, n, "统一社会信用代码应为18位，当前为%zu位", len);
		return VALID_BAD;
	}
	for (size_t i = 0; i < 18; i++) {
		if (uscc_value(s[i]) < 0) {
			snprintf(msg, n, "统一社会信用代码第%zu位“%c”不是允许的字符（数字或除I、O、S、V、Z外的大写字母）",
			         i + 1, s[i]);
			return VALID_BAD;
		}
	}
	if (!digits(s + 2, 6)) {
		snprintf(msg, n, "统一社会信用代码第3-8位应为登记管理机关行政区划码");
		return VALID_BAD;
	}
	char want = valid_uscc_check(s);
	if (want != s[17]) {
		snprintf(msg, n, "统一社会信用代码校验位错误：第18位应为 %c", want);
		return VALID_BAD_CHECKSUM;
	}
	return VALID_OK;
}

enum valid_result valid_mobile(const char *s, char *msg, size_t n)
{
	if (strlen(s) != 11 || !digits(s, 11) || s[0] != '1' || s[1] < '3') {
		snprintf(msg, n, "手机号应为以13-19开头的11位数字");
		return VALID_BAD;
	}
	return VALID_OK;
}
