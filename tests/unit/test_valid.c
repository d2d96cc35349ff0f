/*
 * Unit tests of src/core/valid.h, the validators behind the checked field
 * kinds: 身份证号 (GB 11643: length, characters, real and non-future birth
 * date, check character, birth/gender helpers), 统一社会信用代码 (GB 32100:
 * alphabet without I O S V Z, the check character, including the case of a
 * weighted sum divisible by 31 whose check value is 0), mobile numbers
 * (11 digits starting 13-19) and calendar dates. Check characters are also
 * recomputed here from the weights in shared/reference/checksums.md, so the
 * tests do not merely trust the code they test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/valid.h"

#include <stdio.h>
#include <string.h>

#define TODAY "2025-06-30"

/* ---- independent reference implementations (checksums.md) ---- */

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_weighted_sum(const char *first17)
{
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (int)(strchr(uscc_alphabet, first17[i]) - uscc_alphabet) * w[i];
	return sum;
}

static char uscc_reference_check(const char *first17)
{
	return uscc_alphabet[(31 - uscc_weighted_sum(first17) % 31) % 31];
}

static char idcard_reference_check(const char *first17)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

/* ---- helpers ---- */

/* An 18-character 身份证号 for region 340524, birth yyyymmdd and sequence
 * seq, with the correct check character. out needs 19 bytes. */
static void make_idcard(char *out, const char *yyyymmdd, const char *seq)
{
	snprintf(out, 19, "340524%.8s%.3s0", yyyymmdd, seq);
	out[17] = valid_idcard_check(out);
	assert_int_equal(out[17], idcard_reference_check(out));
}

/* An 18-character 统一社会信用代码 from a 17-character prefix, with its check
 * character. out needs 19 bytes. */
static void make_uscc(char *out, const char *prefix17)
{
	assert_int_equal(strlen(prefix17), 17);
	snprintf(out, 19, "%s0", prefix17);
	char c = valid_uscc_check(prefix17);
	assert_true(c != 0);
	out[17] = c;
}

static enum valid_result idcard(const char *s)
{
	char msg[256] = "";
	enum valid_result r = valid_idcard(s, TODAY, msg, sizeof(msg));
	if (r != VALID_OK)
		assert_true(msg[0] != '\0'); /* every failure says why */
	return r;
}

static enum valid_result uscc(const char *s)
{
	char msg[256] = "";
	enum valid_result r = valid_uscc(s, msg, sizeof(msg));
	if (r != VALID_OK)
		assert_true(msg[0] != '\0');
	return r;
}

static enum valid_result mobile(const char *s)
{
	char msg[256] = "";
	enum valid_result r = valid_mobile(s, msg, sizeof(msg));
	if (r != VALID_OK)
		assert_true(msg[0] != '\0');
	return r;
}

/* ---- 身份证号 ---- */

static void test_idcard_reference_examples(void **state)
{
	(void)state;
	assert_int_equal(idcard("34052419800101001X"), VALID_OK);
	assert_int_equal(idcard("340524198001010013"), VALID_BAD_CHECKSUM);
	assert_int_equal(valid_idcard_check("34052419800101001"), 'X');

	char msg[256];
	assert_int_equal(valid_idcard("340524198001010013", TODAY, msg, sizeof(msg)),
	                 VALID_BAD_CHECKSUM);
	assert_non_null(strstr(msg, "X")); /* names the expected check character */
}

static void test_idcard_lowercase_x(void **state)
{
	(void)state;
	assert_int_equal(idcard("34052419800101001x"), VALID_OK);
	/* a lowercase x where a digit belongs is still a wrong check character */
	char id[19];
	make_idcard(id, "19800101", "002");
	assert_true(id[17] != 'X');
	id[17] = 'x';
	assert_int_equal(idcard(id), VALID_BAD_CHECKSUM);
}

static void test_idcard_wrong_length(void **state)
{
	(void)state;
	assert_int_equal(idcard(""), VALID_BAD);
	assert_int_equal(idcard("34052419800101001"), VALID_BAD);   /* 17 */
	assert_int_equal(idcard("34052419800101001X1"), VALID_BAD); /* 19 */
	assert_int_equal(idcard("340524800101001"), VALID_BAD);     /* old 15-digit form */
}

static void test_idcard_letters(void **state)
{
	(void)state;
	assert_int_equal(idcard("34052419800101001A"), VALID_BAD);
	assert_int_equal(idcard("3405241980O101001X"), VALID_BAD); /* letter O for zero */
	assert_int_equal(idcard("X40524198001010013"), VALID_BAD);
	assert_int_equal(idcard("34052419800101 01X"), VALID_BAD);
	assert_int_equal(idcard("-34052419800101001"), VALID_BAD);
}

static void test_idcard_impossible_dates(void **state)
{
	(void)state;
	char id[19];
	make_idcard(id, "19800230", "001");
	assert_int_equal(idcard(id), VALID_BAD);
	make_idcard(id, "19810229", "001"); /* 1981 is not a leap year */
	assert_int_equal(idcard(id), VALID_BAD);
	make_idcard(id, "20000229", "001"); /* 2000 is (divisible by 400) */
	assert_int_equal(idcard(id), VALID_OK);
	make_idcard(id, "19000229", "001"); /* 1900 is not (divisible by 100) */
	assert_int_equal(idcard(id), VALID_BAD);
	make_idcard(id, "19801301", "001");
	assert_int_equal(idcard(id), VALID_BAD);
	make_idcard(id, "19800100", "001");
	assert_int_equal(idcard(id), VALID_BAD);
	make_idcard(id, "19800431", "001");
	assert_int_equal(idcard(id), VALID_BAD);
	make_idcard(id, "18991231", "001");
	assert_int_equal(idcard(id), VALID_BAD);
}

static void test_idcard_future_birth(void **state)
{
	(void)state;
	char id[19], msg[256];
	make_idcard(id, "20250701", "001"); /* the day after TODAY */
	assert_int_equal(valid_idcard(id, TODAY, msg, sizeof(msg)), VALID_BAD);
	assert_non_null(strstr(msg, "晚于今天"));
	/* the birth date is personal data: the message (kept in the audit log)
	 * never quotes it */
	assert_null(strstr(msg, "2025"));
	make_idcard(id, "19900230", "001");
	assert_int_equal(valid_idcard(id, TODAY, msg, sizeof(msg)), VALID_BAD);
	assert_non_null(strstr(msg, "不是真实日期"));
	assert_null(strstr(msg, "1990"));
	make_idcard(id, "20250701", "001");
	make_idcard(id, "20250630", "001"); /* born today */
	assert_int_equal(valid_idcard(id, TODAY, msg, sizeof(msg)), VALID_OK);
	make_idcard(id, "21000101", "001");
	assert_int_equal(valid_idcard(id, TODAY, msg, sizeof(msg)), VALID_BAD);
	/* without a today, only the calendar is checked */
	assert_int_equal(valid_idcard(id, NULL, msg, sizeof(msg)), VALID_OK);
}

static void test_idcard_check_matches_reference(void **state)
{
	(void)state;
	/* every check character value, including X (10) and 0 */
	char seen[11] = { 0 };
	char id[19];
	for (int seq = 0; seq < 1000; seq++) {
		char s[4];
		snprintf(s, sizeof(s), "%03d", seq);
		make_idcard(id, "19900615", s);
		assert_int_equal(idcard(id), VALID_OK);
		seen[id[17] == 'X' ? 10 : id[17] - '0'] = 1;
		/* every other check character is refused */
		for (const char *c = "0123456789X"; *c; c++) {
			if (*c == id[17])
				continue;
			char bad[19];
			memcpy(bad, id, sizeof(bad));
			bad[17] = *c;
			assert_int_equal(idcard(bad), VALID_BAD_CHECKSUM);
		}
	}
	for (int i = 0; i < 11; i++)
		assert_true(seen[i]);
}

static void test_idcard_birth_gender(void **state)
{
	(void)state;
	char birth[11];
	valid_idcard_birth("34052419800101001X", birth);
	assert_string_equal(birth, "1980-01-01");
	assert_string_equal(valid_idcard_gender("34052419800101001X"), "男"); /* 001: odd */

	char id[19];
	make_idcard(id, "20000229", "002");
	valid_idcard_birth(id, birth);
	assert_string_equal(birth, "2000-02-29");
	assert_string_equal(valid_idcard_gender(id), "女");
	make_idcard(id, "19751231", "119");
	valid_idcard_birth(id, birth);
	assert_string_equal(birth, "1975-12-31");
	assert_string_equal(valid_idcard_gender(id), "男");
	make_idcard(id, "19751231", "110");
	assert_string_equal(valid_idcard_gender(id), "女");
}

static void test_idcard_message_truncated_safely(void **state)
{
	(void)state;
	char msg[8];
	memset(msg, 'z', sizeof(msg));
	assert_int_equal(valid_idcard("1", TODAY, msg, sizeof(msg)), VALID_BAD);
	assert_true(memchr(msg, '\0', sizeof(msg)) != NULL);
}

/* ---- 统一社会信用代码 ---- */

static void test_uscc_constructed_valid(void **state)
{
	(void)state;
	static const char *const prefixes[] = {
		"91320200MA1MXXXX0", "91320281MA27QK8H1", "12320200466285790",
		"52320214MJ4567890", "93320282MA1T2B3C4", "Y1320200000000000",
	};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		char code[19];
		assert_int_equal(valid_uscc_check(prefixes[i]), uscc_reference_check(prefixes[i]));
		make_uscc(code, prefixes[i]);
		assert_int_equal(uscc(code), VALID_OK);
	}
}

static void test_uscc_forbidden_letters(void **state)
{
	(void)state;
	const char *forbidden = "IOSVZ";
	for (const char *c = forbidden; *c; c++) {
		/* in the organization code part and as the check character */
		char prefix[18] = "91320200MA1MXXXX0";
		prefix[10] = *c;
		assert_int_equal(valid_uscc_check(prefix), 0);
		char code[19];
		snprintf(code, sizeof(code), "%s0", prefix);
		assert_int_equal(uscc(code), VALID_BAD);

		make_uscc(code, "91320200MA1MXXXX0");
		code[17] = *c;
		assert_int_equal(uscc(code), VALID_BAD);
	}
	/* lowercase letters are not in the alphabet either */
	assert_int_equal(valid_uscc_check("91320200ma1mxxxx0"), 0);
	assert_int_equal(uscc("91320200ma1mxxxx00"), VALID_BAD);
}

static void test_uscc_wrong_length(void **state)
{
	(void)state;
	char code[19];
	make_uscc(code, "91320200MA1MXXXX0");
	char msg[256];
	assert_int_equal(valid_uscc("", msg, sizeof(msg)), VALID_BAD);
	assert_int_equal(valid_uscc("91320200MA1MXXXX0", msg, sizeof(msg)), VALID_BAD);
	assert_non_null(strstr(msg, "17"));
	char longer[21];
	snprintf(longer, sizeof(longer), "%s0", code);
	assert_int_equal(uscc(longer), VALID_BAD);
}

static void test_uscc_region_digits(void **state)
{
	(void)state;
	/* positions 3-8 are the registering authority's region code */
	char code[19];
	make_uscc(code, "913202A0MA1MXXXX0");
	assert_int_equal(uscc(code), VALID_BAD);
}

static void test_uscc_wrong_check(void **state)
{
	(void)state;
	char code[19], msg[256];
	make_uscc(code, "91320281MA27QK8H1");
	char right = code[17];
	for (const char *c = uscc_alphabet; *c; c++) {
		if (*c == right)
			continue;
		code[17] = *c;
		assert_int_equal(valid_uscc(code, msg, sizeof(msg)), VALID_BAD_CHECKSUM);
		char want[2] = { right, 0 };
		assert_non_null(strstr(msg, want));
	}
}

static void test_uscc_sum_divisible_by_31(void **state)
{
	(void)state;
	/* Search for a prefix whose weighted sum is 0 mod 31. The last weight
	 * (28) is coprime to 31, so for any 16 leading symbols exactly one
	 * 17th symbol makes the sum divisible. */
	char prefix[18] = "91320200MA1MXXXX0";
	int found = 0;
	for (const char *c = uscc_alphabet; *c; c++) {
		prefix[16] = *c;
		if (uscc_weighted_sum(prefix) % 31 == 0) {
			found++;
			break;
		}
	}
	assert_int_equal(found, 1);
	assert_int_equal(valid_uscc_check(prefix), '0');
	char code[19];
	snprintf(code, sizeof(code), "%s0", prefix);
	assert_int_equal(uscc(code), VALID_OK);

	/* and over many prefixes the check always equals the reference */
	unsigned seed = 12345;
	int zeros = 0;
	for (int n = 0; n < 20000; n++) {
		char p[18];
		memcpy(p, "91320200", 8);
		for (int i = 8; i < 17; i++) {
			seed = seed * 1103515245u + 12345u;
			p[i] = uscc_alphabet[(seed >> 16) % 31];
		}
		p[17] = '\0';
		char want = uscc_reference_check(p);
		assert_int_equal(valid_uscc_check(p), want);
		zeros += want == '0';
	}
	assert_true(zeros > 0);
}

/* ---- mobile ---- */

static void test_mobile(void **state)
{
	(void)state;
	static const char *const good[] = { "13800138000", "14512345678", "15012345678",
		                            "16612345678", "17712345678", "18912345678",
		                            "19912345678" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(mobile(good[i]), VALID_OK);
	static const char *const bad[] = {
		"12345678901",  /* 12x */
		"10012345678",  /* 10x */
		"11012345678",  /* 11x */
		"23800138000",  /* not starting with 1 */
		"1380013800",   /* 10 digits */
		"138001380000", /* 12 digits */
		"",
		"1380013800a",
		"138 0013 800",
		"+8613800138000",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mobile(bad[i]), VALID_BAD);
}

/* ---- dates ---- */

static void test_date(void **state)
{
	(void)state;
	static const char *const good[] = { "2000-02-29", "2024-02-29", "1900-01-01", "2199-12-31",
		                            "2023-04-30", "2023-12-31", "1999-01-31" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(valid_date(good[i]));
	static const char *const bad[] = {
		"1900-02-29", "2100-02-29",  "2023-02-29",  "2023-02-30",       "2023-04-31",
		"2023-13-01", "2023-00-10",  "2023-01-00",  "2023-01-32",       "1899-12-31",
		"2200-01-01", "2023-1-01",   "2023-01-1",   "2023/01/01",       "20230101",
		"",           " 2023-01-01", "2023-01-01 ", "2023-01-01T00:00", "abcd-ef-gh",
		"2023-+1-01", "-023-01-01",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (valid_date(bad[i]))
			fail_msg("valid_date accepted \"%s\"", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idcard_reference_examples),
		cmocka_unit_test(test_idcard_lowercase_x),
		cmocka_unit_test(test_idcard_wrong_length),
		cmocka_unit_test(test_idcard_letters),
		cmocka_unit_test(test_idcard_impossible_dates),
		cmocka_unit_test(test_idcard_future_birth),
		cmocka_unit_test(test_idcard_check_matches_reference),
		cmocka_unit_test(test_idcard_birth_gender),
		cmocka_unit_test(test_idcard_message_truncated_safely),
		cmocka_unit_test(test_uscc_constructed_valid),
		cmocka_unit_test(test_uscc_forbidden_letters),
		cmocka_unit_test(test_uscc_wrong_length),
		cmocka_unit_test(test_uscc_region_digits),
		cmocka_unit_test(test_uscc_wrong_check),
		cmocka_unit_test(test_uscc_sum_divisible_by_31),
		cmocka_unit_test(test_mobile),
		cmocka_unit_test(test_date),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
