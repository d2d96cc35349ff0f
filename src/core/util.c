/*
 * Time, hex, randomness, hashing and UTF-8 helpers.
 */
#include "core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void util_now_iso(char *buf, size_t n)
{
	time_t t = (time_t)util_now_unix();
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t util_now_unix(void)
{
#ifdef XZ_TEST_HOOKS
	/* test builds only: a clock offset so tests reach lock expiry and
	 * password age without waiting */
	const char *off = getenv("XINZHI_TEST_CLOCK_OFFSET");
	if (off && *off)
		return (int64_t)time(NULL) + strtoll(off, NULL, 10);
#endif
	return (int64_t)time(NULL);
}

double util_now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void util_today(char *buf, size_t n)
{
	/* the test clock too: workflow date stamps and overdue checks follow it */
	time_t t = (time_t)util_now_unix() + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d", &tm);
}

void util_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void util_random(void *out, size_t n)
{
	randombytes_buf(out, n);
}

void util_sha256_hex(const void *data, size_t n, char *out)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, n);
	util_hex(h, sizeof(h), out);
}

bool util_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned c = *p;
		size_t len;
		unsigned min;
		if (c < 0x80) {
			if (c == 0)
				return false;
			p++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, min = 0x80, c &= 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, min = 0x800, c &= 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, min = 0x10000, c &= 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) < len)
			return false;
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			c = (c << 6) | (p[i] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return false;
		p += len;
	}
	return true;
}

size_t util_utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

size_t util_display_width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		if (*p < 0x80) {
			w++, p++;
			continue;
		}
		/* every 3- and 4-byte sequence here is CJK, punctuation or
		 * full-width, which terminals draw two columns wide */
		size_t len = (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
		w += len == 2 ? 1 : 2;
		for (size_t i = 0; i < len && *p; i++)
			p++;
	}
	return w;
}

bool util_streq_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}
