/*
 * Unit tests of the sign-in controls of issue #8 that need no server: the
 * password policy checker (等保 and ASVS presets, character classes, the
 * user name, the shipped common-password list, periodic change, lengths in
 * characters rather than bytes), TOTP (the RFC 6238 appendix B vectors, the
 * ±1 step verification window, refusal of a used or older step, malformed
 * codes, secrets, otpauth URI and QR code) and the bounded per-IP token
 * bucket of the login route.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/policy.h"
#include "auth/totp.h"
#include "http/ratelimit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "12345678901234567890", the RFC 6238 SHA-1 seed, in base32 */
#define RFC_SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void check(const struct password_policy *p, const char *user, const char *pw,
                  const char *expect_in_msg)
{
	char msg[256] = "";
	enum xz_result r = policy_check(p, user, pw, msg, sizeof(msg));
	if (!expect_in_msg) {
		if (r != XZ_OK)
			fail_msg("“%s” refused: %s", pw, msg);
		return;
	}
	if (r != XZ_ERR_VALIDATION)
		fail_msg("“%s” accepted, expected “%s”", pw, expect_in_msg);
	if (!strstr(msg, expect_in_msg))
		fail_msg("“%s”: message “%s” lacks “%s”", pw, msg, expect_in_msg);
}

static void test_common_list_shipped(void **state)
{
	(void)state;
	char msg[256] = "";
	assert_int_equal(policy_load_common(XZ_SOURCE_DIR "/data/common-passwords.txt", msg,
	                                    sizeof(msg)),
	                 XZ_OK);
	assert_true(policy_common_count() >= 10000);
	assert_true(policy_is_common("password"));
	assert_true(policy_is_common("PassWord1")); /* compared in lower case */
	assert_true(policy_is_common("qwerty123456"));
	assert_false(policy_is_common("Sturdy-Lamp-77"));
	assert_int_equal(policy_load_common("/nonexistent/list.txt", msg, sizeof(msg)), XZ_ERR_IO);
	assert_non_null(strstr(msg, "常见密码表"));
	assert_true(policy_is_common("password")); /* the loaded list is kept */
}

static void test_dengbao(void **state)
{
	(void)state;
	struct password_policy p;
	policy_preset(POLICY_DENGBAO, 90, &p);
	assert_int_equal(p.min_len, 8);
	assert_int_equal(p.max_len, 128);
	assert_int_equal(p.min_classes, 3);
	check(&p, "alice", "Ab1-xyz", "8到128个字符");
	check(&p, "alice", "abcdefghij", "至少3类");
	check(&p, "alice", "abcdefgh12", "至少3类");
	check(&p, "alice", "ABCD-EFGH", "至少3类");
	check(&p, "alice", "Abcdefgh12", NULL);     /* upper, lower, digit */
	check(&p, "alice", "abcd-efg12", NULL);     /* lower, other, digit */
	check(&p, "alice", "Xy-Alice-2024", "用户名"); /* contained, any case */
	check(&p, "alice", "alice", "8到128个字符");
	check(&p, "alice", "Password1", "常见密码");
	check(&p, NULL, "Abcdefgh12", NULL);
	/* lengths count characters, not bytes: 7 characters in 15 bytes */
	check(&p, "alice", "密码密码Ab1", "8到128个字符");
	check(&p, "alice", "密码密码Ab12", NULL); /* CJK counts as the "other" class */
	char long_pw[200];
	memset(long_pw, 'a', sizeof(long_pw));
	memcpy(long_pw, "A1", 2);
	long_pw[129] = '\0';
	check(&p, "alice", long_pw, "8到128个字符");
	long_pw[128] = '\0';
	check(&p, "alice", long_pw, NULL);
}

static void test_asvs(void **state)
{
	(void)state;
	struct password_policy p;
	policy_preset(POLICY_ASVS, 90, &p);
	assert_int_equal(p.min_len, 12);
	assert_int_equal(p.min_classes, 0);
	assert_int_equal(p.max_age_days, 0); /* ASVS: no periodic change */
	check(&p, "bob", "Abcdefgh12!", "12到128个字符");
	check(&p, "bob", "all lower case words", NULL);
	check(&p, "bob", "qwerty123456", "常见密码");
	check(&p, "bob", "my name is bob, ok?", "用户名");
}

static void test_expiry(void **state)
{
	(void)state;
	struct password_policy p;
	char desc[512];
	policy_preset(POLICY_DENGBAO, 90, &p);
	int64_t now = 2000000000;
	assert_false(policy_expired(&p, now - 89 * 86400, now));
	assert_false(policy_expired(&p, now - 90 * 86400, now));
	assert_true(policy_expired(&p, now - 90 * 86400 - 1, now));
	assert_false(policy_expired(&p, 0, now)); /* unknown: not forced */
	policy_describe(&p, desc, sizeof(desc));
	assert_non_null(strstr(desc, "每90天"));
	policy_preset(POLICY_DENGBAO, 0, &p);
	assert_false(policy_expired(&p, 1, now));
	policy_preset(POLICY_ASVS, 90, &p);
	assert_false(policy_expired(&p, 1, now));
	policy_describe(&p, desc, sizeof(desc));
	assert_non_null(strstr(desc, "ASVS"));
}

static void test_totp_rfc6238_vectors(void **state)
{
	(void)state;
	static const struct {
		int64_t t;
		const char *code; /* last six digits of the RFC's eight */
	} v[] = {
		{59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
		{1234567890, "005924"}, {2000000000, "279037"}, {20000000000LL, "353130"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char code[7];
		assert_int_equal(totp_code_at(RFC_SECRET, v[i].t / TOTP_STEP, code), XZ_OK);
		assert_string_equal(code, v[i].code);
	}
}

static void test_totp_window_and_replay(void **state)
{
	(void)state;
	int64_t now = 1234567890, step = now / TOTP_STEP, used = 0;
	char c[5][7];
	for (int d = -2; d <= 2; d++)
		assert_int_equal(totp_code_at(RFC_SECRET, step + d, c[d + 2]), XZ_OK);
	/* one step either side of now is accepted, two are not */
	for (int d = -1; d <= 1; d++) {
		assert_int_equal(totp_verify(RFC_SECRET, c[d + 2], now, 0, &used), XZ_OK);
		assert_int_equal(used, step + d);
	}
	assert_int_equal(totp_verify(RFC_SECRET, c[0], now, 0, &used), XZ_ERR_BAD_LOGIN);
	assert_int_equal(totp_verify(RFC_SECRET, c[4], now, 0, &used), XZ_ERR_BAD_LOGIN);
	/* a used step, and any before it, is refused; later ones pass */
	assert_int_equal(totp_verify(RFC_SECRET, c[2], now, step, &used), XZ_ERR_BAD_LOGIN);
	assert_int_equal(totp_verify(RFC_SECRET, c[1], now, step, &used), XZ_ERR_BAD_LOGIN);
	assert_int_equal(totp_verify(RFC_SECRET, c[3], now, step, &used), XZ_OK);
	assert_int_equal(used, step + 1);
	assert_int_equal(totp_verify(RFC_SECRET, c[3], now, step + 1, &used), XZ_ERR_BAD_LOGIN);
	/* malformed codes */
	static const char *const bad[] = {"", "12345", "1234567", "12345a", " 12345", NULL};
	for (size_t i = 0; bad[i]; i++)
		assert_int_equal(totp_verify(RFC_SECRET, bad[i], now, 0, &used), XZ_ERR_BAD_LOGIN);
	assert_int_equal(totp_verify(RFC_SECRET, NULL, now, 0, &used), XZ_ERR_BAD_LOGIN);
}

static void test_totp_secret_uri_qr(void **state)
{
	(void)state;
	char a[TOTP_B32_SIZE], b[TOTP_B32_SIZE], code[7];
	assert_int_equal(totp_new_secret(a), XZ_OK);
	assert_int_equal(totp_new_secret(b), XZ_OK);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
	assert_string_not_equal(a, b);
	assert_int_equal(totp_code_at(a, 1, code), XZ_OK);
	char *uri = totp_uri("新质 xinzhi", "li.ming", "ABC");
	assert_string_equal(uri, "otpauth://totp/%E6%96%B0%E8%B4%A8%20xinzhi:li.ming?secret=ABC"
	                         "&issuer=%E6%96%B0%E8%B4%A8%20xinzhi&algorithm=SHA1&digits=6&period=30");
	char *qr = totp_qr_data_uri(uri);
	assert_non_null(qr);
	assert_int_equal(strncmp(qr, "data:image/svg+xml;base64,PHN2Zy", 32), 0); /* "<svg" */
	free(qr);
	free(uri);
}

static void test_ratelimit(void **state)
{
	(void)state;
	struct ratelimit *rl = malloc(sizeof(*rl));
	int wait = 0;
	ratelimit_init(rl);
	double t = 1000.0;
	for (int i = 0; i < 10; i++)
		assert_true(ratelimit_take(rl, "10.0.0.1", 10, t, &wait));
	assert_false(ratelimit_take(rl, "10.0.0.1", 10, t, &wait));
	assert_int_equal(wait, 6); /* one token per 6 s at 10 a minute */
	assert_true(ratelimit_take(rl, "10.0.0.2", 10, t, &wait)); /* per address */
	assert_false(ratelimit_take(rl, "10.0.0.1", 10, t + 5.9, &wait));
	assert_true(ratelimit_take(rl, "10.0.0.1", 10, t + 6.0, &wait));
	assert_true(ratelimit_take(rl, "10.0.0.1", 0, t + 6.0, &wait)); /* 0: no limit */
	/* a flood of addresses stays within the fixed table and reuses buckets */
	char ip[32];
	for (int i = 0; i < 50000; i++) {
		snprintf(ip, sizeof(ip), "192.168.%d.%d", i / 256, i % 256);
		assert_true(ratelimit_take(rl, ip, 10, t + 10 + i * 1e-6, &wait));
	}
	free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_common_list_shipped),
		cmocka_unit_test(test_dengbao),
		cmocka_unit_test(test_asvs),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_totp_rfc6238_vectors),
		cmocka_unit_test(test_totp_window_and_replay),
		cmocka_unit_test(test_totp_secret_uri_qr),
		cmocka_unit_test(test_ratelimit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
