/*
 * Small helpers without a better home: time stamps, hex, random bytes,
 * hashing, and UTF-8 checks. Functions writing into caller buffers never
 * overflow them; all failures are reported by return value.
 */
#ifndef XZ_UTIL_H
#define XZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "2026-11-26T18:47:14Z" (UTC); buf needs 21 bytes */
void util_now_iso(char *buf, size_t n);
int64_t util_now_unix(void);
double util_now_mono(void);
/* today's date as "YYYY-MM-DD" in UTC+8 (the users' calendar), on the test clock of test
 * builds (util_now_unix); buf needs 11 bytes */
void util_today(char *buf, size_t n);

void util_hex(const unsigned char *in, size_t n, char *out); /* out: 2n+1 bytes */
/* cryptographically random bytes (libsodium) */
void util_random(void *out, size_t n);
/* hex SHA-256 of data; out needs 65 bytes */
void util_sha256_hex(const void *data, size_t n, char *out);
bool util_utf8_valid(const char *s, size_t n);
/* number of code points in a valid UTF-8 string */
size_t util_utf8_len(const char *s);
/* terminal columns of a UTF-8 string: CJK and full-width characters take two */
size_t util_display_width(const char *s);
bool util_streq_ct(const char *a, const char *b); /* constant time */

#endif
