/*
 * Validators for the checked field kinds: 身份证号 (GB 11643), 统一社会信用
 * 代码 (GB 32100), mobile numbers and calendar dates. Each returns a
 * valid_result; on failure it writes a zh-CN reason into msg (at most n
 * bytes) naming what is wrong, e.g. the expected check character.
 */
#ifndef XZ_VALID_H
#define XZ_VALID_H

#include <stdbool.h>
#include <stddef.h>

enum valid_result {
	VALID_OK = 0,
	VALID_BAD,           /* malformed: wrong length, characters or date */
	VALID_BAD_CHECKSUM,  /* well formed but the check character is wrong */
};

/* "YYYY-MM-DD", a real date between 1900-01-01 and 2199-12-31 */
bool valid_date(const char *s);
/* today as YYYY-MM-DD is compared for "not in the future" */
enum valid_result valid_idcard(const char *s, const char *today, char *msg, size_t n);
/* check character ('0'-'9' or 'X') for the first 17 digits */
char valid_idcard_check(const char *first17);
enum valid_result valid_uscc(const char *s, char *msg, size_t n);
/* check character for the first 17 symbols, or 0 when a symbol is not allowed */
char valid_uscc_check(const char *first17);
enum valid_result valid_mobile(const char *s, char *msg, size_t n);
/* birth date (YYYY-MM-DD, out needs 11 bytes) and gender ("男"/"女") of a valid 身份证号 */
void valid_idcard_birth(const char *id, char *out);
const char *valid_idcard_gender(const char *id);

#endif
