/*
 * TOTP second factor (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) with
 * liboath, and the enrolment QR code drawn with libqrencode as an SVG data
 * URI. Secrets travel as base32 text (what authenticator apps take); the
 * caller stores them sealed (crypto_seal). Verification accepts the steps
 * next to the current one (clock drift) but only steps after last_step, so
 * a code that was used once is refused afterwards.
 *
 * Strings returned are owned by the caller (free()).
 */
#ifndef XZ_TOTP_H
#define XZ_TOTP_H

#include "core/result.h"

#include <stdint.h>

#define TOTP_STEP 30
#define TOTP_WINDOW 1       /* steps accepted either side of now */
#define TOTP_SECRET_BYTES 20
#define TOTP_B32_SIZE 40    /* base32 of 20 bytes is 32 chars, plus room */

/* A fresh random secret as base32 (no padding) into b32. */
enum xz_result totp_new_secret(char b32[TOTP_B32_SIZE]);
/* The 6-digit code of time step `step` (unix time / 30). */
enum xz_result totp_code_at(const char *b32, int64_t step, char code[7]);
/* XZ_OK when code matches a step within TOTP_WINDOW of now and after
 * last_step (*used_step receives it); XZ_ERR_BAD_LOGIN otherwise (wrong,
 * expired or already used). */
enum xz_result totp_verify(const char *b32, const char *code, int64_t now, int64_t last_step,
                           int64_t *used_step);
/* otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=… (percent-encoded). */
char *totp_uri(const char *issuer, const char *account, const char *b32);
/* "data:image/svg+xml;base64,…" of a QR code for text; NULL on failure. */
char *totp_qr_data_uri(const char *text);

#endif
