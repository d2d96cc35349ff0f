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
#include <openssl/core_names.h>
#include <pthread.h>
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
/* bumped by every key load: threads re-key their cached contexts */
static _Atomic unsigned key_generation = 1;

bool crypto_ready(void)
{
	return loaded;
}

void crypto_use_ephemeral_key(void)
{
	util_random(keys, sizeof(keys));
	loaded = true;
	key_generation++;
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
	key_generation++;
	return XZ_OK;
}

/*
 * OpenSSL 3 looks algorithms up by name and allocates a context on every
 * one-shot call; at import rates (two seals and two lookup hashes per row)
 * that was most of the cost. Each thread therefore keeps its keyed contexts
 * (a pthread key frees them when the thread ends) and only sets a new IV or
 * restarts the MAC per call. A key loaded later bumps key_generation, which
 * makes every thread re-key on its next call.
 */
struct crypto_thread {
	unsigned generation;
	EVP_CIPHER_CTX *cipher;
	EVP_MAC_CTX *tag_mac, *lookup_mac;
	/* the last lookup hash: a write looks the same 身份证号 up to find the
	 * record, to check uniqueness and to store it */
	char last_value[64], last_hash[65];
};

static EVP_CIPHER *sm4_ctr_cipher;
static EVP_MAC *hmac;
static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;

static void thread_free(void *p)
{
	struct crypto_thread *t = p;
	if (!t)
		return;
	sodium_memzero(t->last_value, sizeof(t->last_value));
	EVP_CIPHER_CTX_free(t->cipher);
	EVP_MAC_CTX_free(t->tag_mac);
	EVP_MAC_CTX_free(t->lookup_mac);
	free(t);
}

static void thread_init_once(void)
{
	sm4_ctr_cipher = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL);
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	/* the cipher and MAC exist in every OpenSSL 3 build we run on */
	if (!sm4_ctr_cipher || !hmac || pthread_key_create(&thread_key, thread_free) != 0)
		abort();
}

static EVP_MAC_CTX *keyed_mac(const unsigned char *key, size_t len)
{
	EVP_MAC_CTX *m = EVP_MAC_CTX_new(hmac);
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"SM3", 0),
	                       OSSL_PARAM_construct_end()};
	if (!m || EVP_MAC_init(m, key, len, params) != 1)
		abort();
	return m;
}

/* This thread's contexts, keyed with the current key. */
static struct crypto_thread *thread_state(void)
{
	pthread_once(&thread_once, thread_init_once);
	struct crypto_thread *t = pthread_getspecific(thread_key);
	unsigned gen = key_generation;
	if (t && t->generation == gen)
		return t;
	thread_free(t);
	t = xcalloc(1, sizeof(*t));
	t->generation = gen;
	t->cipher = EVP_CIPHER_CTX_new();
	if (!t->cipher || EVP_EncryptInit_ex2(t->cipher, sm4_ctr_cipher, keys, NULL, NULL) != 1)
		abort();
	t->tag_mac = keyed_mac(keys + ENC_KEY, MAC_KEY);
	t->lookup_mac = keyed_mac(keys + ENC_KEY + MAC_KEY, LOOKUP_KEY);
	pthread_setspecific(thread_key, t);
	return t;
}

static bool sm4_ctr(const unsigned char *iv, const unsigned char *in, int len, unsigned char *out)
{
	struct crypto_thread *t = thread_state();
	int n1 = 0, n2 = 0;
	return EVP_EncryptInit_ex2(t->cipher, NULL, NULL, iv, NULL) == 1 &&
	       EVP_EncryptUpdate(t->cipher, out, &n1, in, len) == 1 &&
	       EVP_EncryptFinal_ex(t->cipher, out + n1, &n2) == 1 && n1 + n2 == len;
}

/* HMAC-SM3 with one of this thread's keyed contexts, restarted per call. */
static void mac(EVP_MAC_CTX *m, const unsigned char *a, size_t alen, const unsigned char *b,
                size_t blen, const unsigned char *c, size_t clen, unsigned char out[32])
{
	size_t outlen = 0;
	if (EVP_MAC_init(m, NULL, 0, NULL) != 1 || EVP_MAC_update(m, a, alen) != 1 ||
	    (blen && EVP_MAC_update(m, b, blen) != 1) || (clen && EVP_MAC_update(m, c, clen) != 1) ||
	    EVP_MAC_final(m, out, &outlen, 32) != 1 || outlen != 32)
		abort();
}

static void tag(const unsigned char *iv, const unsigned char *ct, size_t len, unsigned char *out)
{
	mac(thread_state()->tag_mac, (const unsigned char *)"s1", 2, iv, IV_BYTES, ct, len, out);
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
	struct crypto_thread *t = thread_state();
	size_t len = strlen(value);
	if (len < sizeof(t->last_value) && t->last_hash[0] && !strcmp(value, t->last_value)) {
		memcpy(out, t->last_hash, 65);
		return;
	}
	unsigned char h[32];
	mac(t->lookup_mac, (const unsigned char *)value, len, NULL, 0, NULL, 0, h);
	util_hex(h, sizeof(h), out);
	if (len < sizeof(t->last_value)) {
		memcpy(t->last_value, value, len + 1);
		memcpy(t->last_hash, out, 65);
	}
}
