/*
 * SM4-CTR + HMAC-SM3 sealing of personal data, and keyed lookup hashes.
 * A sealed value is "s1:" followed by base64 of a 16-byte random IV, the
 * ciphertext and a 32-byte tag over "s1" | IV | ciphertext. Three keys
 * come from the key file: the SM4 key, the MAC key and the lookup key, so
 * a lookup hash says nothing about the ciphertext and vice versa.
 */
#include "auth/crypto.h"
#include "core/mem.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ENC_KEY 16
#define MAC_KEY 32
#define LOOKUP_KEY 32
#define KEY_BYTES (ENC_KEY + MAC_KEY + LOOKUP_KEY)
#define IV_BYTES 16
#define TAG_BYTES 32
#define KEY_HEADER "xinzhi-key-v1\n"
#define PREFIX "s1:"

static unsigned char keys[KEY_BYTES];
static bool loaded;

bool crypto_ready(void)
{
	return loaded;
}

void crypto_use_ephemeral_key(void)
{
	util_random(keys, sizeof(keys));
	loaded = true;
}

char *crypto_default_key_path(const char *db_path)
{
	return xasprintf("%s.key", db_path);
}

static enum xz_result write_key(const char *path, char *msg, size_t n)
{
	unsigned char fresh[KEY_BYTES];
	char hex[2 * KEY_BYTES + 1];
	util_random(fresh, sizeof(fresh));
	util_hex(fresh, sizeof(fresh), hex);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(msg, n, "无法创建密钥文件 %s：%s", path, strerror(errno));
		return XZ_ERR_IO;
	}
	char text[sizeof(KEY_HEADER) + sizeof(hex) + 1];
	int len = snprintf(text, sizeof(text), "%s%s\n", KEY_HEADER, hex);
	bool ok = write(fd, text, (size_t)len) == len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	sodium_memzero(fresh, sizeof(fresh));
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(text, sizeof(text));
	if (!ok) {
		unlink(path);
		snprintf(msg, n, "写入密钥文件 %s 失败", path);
		return XZ_ERR_IO;
	}
	return XZ_OK;
}

enum xz_result crypto_keygen(const char *path, char *msg, size_t n)
{
	return write_key(path, msg, n);
}

enum xz_result crypto_load_key(const char *path, bool create, char *msg, size_t n)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		if (!create) {
			snprintf(msg, n, "找不到密钥文件 %s", path);
			return XZ_ERR_IO;
		}
		enum xz_result r = write_key(path, msg, n);
		if (r)
			return r;
	} else if (sb.st_mode & 077) {
		snprintf(msg, n, "密钥文件 %s 的权限过宽（应为 600）", path);
		return XZ_ERR_IO;
	}
	FILE *f = fopen(path, "re");
	char text[256] = "";
	size_t got = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	if (f)
		fclose(f);
	size_t hlen = strlen(KEY_HEADER);
	if (got < hlen + 2 * KEY_BYTES || strncmp(text, KEY_HEADER, hlen) ||
	    sodium_hex2bin(keys, sizeof(keys), text + hlen, 2 * KEY_BYTES, NULL, NULL, NULL) != 0) {
		sodium_memzero(text, sizeof(text));
		snprintf(msg, n, "密钥文件 %s 格式不正确", path);
		return XZ_ERR_IO;
	}
	sodium_memzero(text, sizeof(text));
	loaded = true;
	return XZ_OK;
}

static bool sm4_ctr(const unsigned char *iv, const unsigned char *in, int len, unsigned char *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0;
	bool ok = ctx && EVP_EncryptInit_ex(ctx, EVP_sm4_ctr(), NULL, keys, iv) == 1 &&
	          EVP_EncryptUpdate(ctx, out, &n1, in, len) == 1 &&
	          EVP_EncryptFinal_ex(ctx, out + n1, &n2) == 1 && n1 + n2 == len;
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

static void tag(const unsigned char *iv, const unsigned char *ct, size_t len, unsigned char *out)
{
	unsigned char *msg = xmalloc(2 + IV_BYTES + len);
	unsigned int outlen = TAG_BYTES;
	memcpy(msg, "s1", 2);
	memcpy(msg + 2, iv, IV_BYTES);
	memcpy(msg + 2 + IV_BYTES, ct, len);
	HMAC(EVP_sm3(), keys + ENC_KEY, MAC_KEY, msg, 2 + IV_BYTES + len, out, &outlen);
	free(msg);
}

char *crypto_seal(const char *plain)
{
	if (!loaded)
		return NULL;
	size_t len = strlen(plain), total = IV_BYTES + len + TAG_BYTES;
	unsigned char *raw = xmalloc(total);
	util_random(raw, IV_BYTES);
	if (!sm4_ctr(raw, (const unsigned char *)plain, (int)len, raw + IV_BYTES))
		abort(); /* the cipher exists in every OpenSSL 3 build we run on */
	tag(raw, raw + IV_BYTES, len, raw + IV_BYTES + len);
	size_t b64 = sodium_base64_encoded_len(total, sodium_base64_VARIANT_ORIGINAL);
	char *out = xmalloc(strlen(PREFIX) + b64);
	strcpy(out, PREFIX);
	sodium_bin2base64(out + strlen(PREFIX), b64, raw, total, sodium_base64_VARIANT_ORIGINAL);
	free(raw);
	return out;
}

bool crypto_is_sealed(const char *s)
{
	return s && !strncmp(s, PREFIX, strlen(PREFIX));
}

enum xz_result crypto_open(const char *sealed, char **plain)
{
	*plain = NULL;
	if (!loaded || !crypto_is_sealed(sealed))
		return XZ_ERR_STORE;
	const char *b64 = sealed + strlen(PREFIX);
	size_t cap = strlen(b64), len = 0;
	unsigned char *raw = xmalloc(cap + 1);
	enum xz_result r = XZ_ERR_STORE;
	if (sodium_base642bin(raw, cap, b64, cap, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) ||
	    len < IV_BYTES + TAG_BYTES)
		goto out;
	size_t ctlen = len - IV_BYTES - TAG_BYTES;
	unsigned char want[TAG_BYTES];
	tag(raw, raw + IV_BYTES, ctlen, want);
	if (sodium_memcmp(want, raw + IV_BYTES + ctlen, TAG_BYTES) != 0)
		goto out;
	char *text = xmalloc(ctlen + 1);
	if (!sm4_ctr(raw, raw + IV_BYTES, (int)ctlen, (unsigned char *)text)) {
		free(text);
		goto out;
	}
	text[ctlen] = '\0';
	*plain = text;
	r = XZ_OK;
out:
	free(raw);
	return r;
}

void crypto_lookup_hash(const char *value, char out[65])
{
	unsigned char h[32];
	unsigned int len = sizeof(h);
	HMAC(EVP_sm3(), keys + ENC_KEY + MAC_KEY, LOOKUP_KEY, (const unsigned char *)value,
	     strlen(value), h, &len);
	util_hex(h, sizeof(h), out);
}
