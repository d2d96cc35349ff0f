/*
 * TOTP codes with liboath and QR codes with libqrencode. liboath is
 * initialised once per process (pthread_once) and released at exit.
 */
#include "auth/totp.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/util.h"

#include <oath.h>
#include <pthread.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;

static void oath_fini(void)
{
	oath_done();
}

static void oath_start(void)
{
	if (oath_init() == OATH_OK)
		atexit(oath_fini);
}

enum xz_result totp_new_secret(char b32[TOTP_B32_SIZE])
{
	unsigned char raw[TOTP_SECRET_BYTES];
	char *out = NULL;
	size_t len = 0;
	enum xz_result r = XZ_ERR_INTERNAL;
	pthread_once(&oath_once, oath_start);
	util_random(raw, sizeof(raw));
	if (oath_base32_encode((const char *)raw, sizeof(raw), &out, &len) != OATH_OK || !out)
		goto out;
	/* 20 bytes encode to exactly 32 characters: no '=' padding */
	snprintf(b32, TOTP_B32_SIZE, "%.*s", (int)strcspn(out, "="), out);
	r = XZ_OK;
out:
	sodium_memzero(raw, sizeof(raw));
	if (out) {
		sodium_memzero(out, len);
		free(out);
	}
	return r;
}

/* decodes b32 into a malloc'd binary secret */
static enum xz_result decode(const char *b32, char **bin, size_t *len)
{
	pthread_once(&oath_once, oath_start);
	*bin = NULL;
	if (oath_base32_decode(b32, strlen(b32), bin, len) != OATH_OK || !*bin)
		return XZ_ERR_INTERNAL;
	return XZ_OK;
}

static void wipe_free(char *bin, size_t len)
{
	if (bin) {
		sodium_memzero(bin, len);
		free(bin);
	}
}

static enum xz_result code_at(const char *bin, size_t len, int64_t step, char code[7])
{
	if (step < 0)
		return XZ_ERR_BAD_REQUEST;
	return oath_totp_generate(bin, len, (time_t)(step * TOTP_STEP), TOTP_STEP, 0, 6, code) ==
	                       OATH_OK
	               ? XZ_OK
	               : XZ_ERR_INTERNAL;
}

enum xz_result totp_code_at(const char *b32, int64_t step, char code[7])
{
	char *bin = NULL;
	size_t len = 0;
	enum xz_result r = decode(b32, &bin, &len);
	if (!r)
		r = code_at(bin, len, step, code);
	wipe_free(bin, len);
	return r;
}

static bool six_digits(const char *code)
{
	if (!code || strlen(code) != 6)
		return false;
	for (const char *p = code; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

enum xz_result totp_verify(const char *b32, const char *code, int64_t now, int64_t last_step,
                           int64_t *used_step)
{
	char *bin = NULL;
	size_t len = 0;
	enum xz_result r = XZ_ERR_BAD_LOGIN;
	if (!six_digits(code))
		goto out;
	if (decode(b32, &bin, &len)) {
		r = XZ_ERR_INTERNAL;
		goto out;
	}
	int64_t cur = now / TOTP_STEP;
	for (int64_t s = cur - TOTP_WINDOW; s <= cur + TOTP_WINDOW; s++) {
		char expect[7];
		if (s <= last_step || code_at(bin, len, s, expect))
			continue;
		if (util_streq_ct(expect, code)) {
			*used_step = s;
			r = XZ_OK;
			break;
		}
	}
out:
	wipe_free(bin, len);
	return r;
}

static void pct(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-' || *p == '_')
			buf_putc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

char *totp_uri(const char *issuer, const char *account, const char *b32)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "otpauth://totp/");
	pct(&b, issuer);
	buf_putc(&b, ':');
	pct(&b, account);
	buf_printf(&b, "?secret=%s&issuer=", b32);
	pct(&b, issuer);
	buf_printf(&b, "&algorithm=SHA1&digits=6&period=%d", TOTP_STEP);
	return buf_steal(&b);
}

char *totp_qr_data_uri(const char *text)
{
	char *uri = NULL;
	struct buf svg = BUF_INIT;
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		goto out;
	int w = qr->width, margin = 4, size = w + 2 * margin;
	buf_printf(&svg,
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	           "height=\"%d\" shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	           "fill=\"#fff\"/><path fill=\"#000\" d=\"",
	           size, size, size * 6, size * 6, size, size);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (qr->data[y * w + x] & 1)
				buf_printf(&svg, "M%d %dh1v1h-1z", x + margin, y + margin);
	buf_printf(&svg, "\"/></svg>");
	size_t b64len = sodium_base64_encoded_len(svg.len, sodium_base64_VARIANT_ORIGINAL);
	const char prefix[] = "data:image/svg+xml;base64,";
	uri = xmalloc(sizeof(prefix) + b64len);
	memcpy(uri, prefix, sizeof(prefix) - 1);
	sodium_bin2base64(uri + sizeof(prefix) - 1, b64len, (const unsigned char *)svg.data, svg.len,
	                  sodium_base64_VARIANT_ORIGINAL);
out:
	if (qr)
		QRcode_free(qr);
	buf_free(&svg);
	return uri;
}
