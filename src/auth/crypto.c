/*
 * SM4-CTR + HMAC-SM3 sealing of personal data, keyed lookup hashes, the key
 * file with its rotation, and encrypted backup files.
 *
 * A sealed value is "s1:" followed by base64 of a 16-byte random IV, the
 * ciphertext and a 32-byte tag over "s1" | IV | ciphertext. A key is three
 * keys: the SM4 key, the MAC key and the lookup key, so a lookup hash says
 * nothing about the ciphertext and vice versa.
 *
 * The key file holds one key, or two while a rotation is under way (the old
 * one first). Which of them the database was written with is recorded in the
 * database as a key id (a hash of the key), so a rotation that stops halfway
 * leaves a key file that still opens the database, whichever side of the
 * database commit it stopped on.
 *
 * A backup file is "XZBK1\n", the key id (16 hex digits), a 16-byte IV, the
 * SM4-CTR ciphertext of the database file and a 32-byte HMAC-SM3 tag over
 * everything before it; it is checked whole before anything is decrypted.
 */
#include "auth/crypto.h"
#include "store/store.h"
#include "core/mem.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
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
#define BACKUP_MAGIC "XZBK1\n"
#define MAX_SLOTS 2

static unsigned char slots[MAX_SLOTS][KEY_BYTES]; /* as in the key file */
static int nslots;
static unsigned char keys[KEY_BYTES]; /* the active key */
static bool loaded;
/* bumped by every change of the active key: threads re-key their contexts */
static _Atomic unsigned key_generation = 1;

bool crypto_ready(void)
{
	return loaded;
}

static void activate(const unsigned char *k)
{
	memcpy(keys, k, KEY_BYTES);
	loaded = true;
	key_generation++;
}

void crypto_use_ephemeral_key(void)
{
	util_random(slots[0], KEY_BYTES);
	nslots = 1;
	activate(slots[0]);
}

char *crypto_default_key_path(const char *db_path)
{
	/* a PostgreSQL URL names no file: the key is in the working directory */
	if (store_url_is_postgres(db_path))
		return xstrdup("xinzhi.key");
	return xasprintf("%s.key", db_path);
}

static void key_id_of(const unsigned char *k, char out[17])
{
	unsigned char h[32];
	unsigned int len = sizeof(h);
	EVP_Digest(k, KEY_BYTES, h, &len, EVP_sm3(), NULL);
	util_hex(h, 8, out);
}

void crypto_key_id(char out[17])
{
	key_id_of(keys, out);
}

bool crypto_activate_id(const char *id)
{
	for (int i = 0; i < nslots; i++) {
		char have[17];
		key_id_of(slots[i], have);
		if (!strcmp(have, id)) {
			activate(slots[i]);
			return true;
		}
	}
	return false;
}

/* Writes the key file atomically (temp file, fsync, rename, fsync of the
 * folder): a crash leaves either the old file or the new one. With excl,
 * refuses to replace an existing file. */
static enum xz_result write_keys(const char *path, unsigned char (*k)[KEY_BYTES], int count,
                                 bool excl, char *msg, size_t n)
{
	char *tmp = xasprintf("%s.tmp", path);
	char text[sizeof(KEY_HEADER) + MAX_SLOTS * (2 * KEY_BYTES + 1) + 1];
	size_t len = strlen(KEY_HEADER);
	enum xz_result r = XZ_ERR_IO;
	memcpy(text, KEY_HEADER, len + 1);
	for (int i = 0; i < count; i++) {
		util_hex(k[i], KEY_BYTES, text + len);
		len += 2 * KEY_BYTES;
		text[len++] = '\n';
	}
	text[len] = '\0';
	struct stat sb;
	if (excl && stat(path, &sb) == 0) {
		snprintf(msg, n, "密钥文件 %s 已存在，不会覆盖", path);
		goto out;
	}
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(msg, n, "无法创建密钥文件 %s：%s", tmp, strerror(errno));
		goto out;
	}
	bool ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	ok = ok && rename(tmp, path) == 0;
	if (!ok) {
		unlink(tmp);
		snprintf(msg, n, "写入密钥文件 %s 失败：%s", path, strerror(errno));
		goto out;
	}
	char *dir_copy = xstrdup(path);
	int dfd = open(dirname(dir_copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir_copy);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	r = XZ_OK;
out:
	sodium_memzero(text, sizeof(text));
	free(tmp);
	return r;
}

enum xz_result crypto_keygen(const char *path, char *msg, size_t n)
{
	unsigned char fresh[1][KEY_BYTES];
	util_random(fresh[0], KEY_BYTES);
	enum xz_result r = write_keys(path, fresh, 1, true, msg, n);
	sodium_memzero(fresh, sizeof(fresh));
	return r;
}

enum xz_result crypto_load_key(const char *path, bool create, char *msg, size_t n)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		if (!create) {
			snprintf(msg, n, "找不到密钥文件 %s", path);
			return XZ_ERR_IO;
		}
		enum xz_result r = crypto_keygen(path, msg, n);
		if (r)
			return r;
	} else if (sb.st_mode & 077) {
		snprintf(msg, n, "密钥文件 %s 的权限过宽（应为 600）", path);
		return XZ_ERR_IO;
	}
	FILE *f = fopen(path, "re");
	char text[512] = "";
	size_t got = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	if (f)
		fclose(f);
	size_t hlen = strlen(KEY_HEADER), line = 2 * KEY_BYTES + 1;
	int count = 0;
	bool ok = got >= hlen + 2 * KEY_BYTES && !strncmp(text, KEY_HEADER, hlen);
	for (size_t at = hlen; ok && count < MAX_SLOTS && at + 2 * KEY_BYTES <= got; at += line) {
		ok = sodium_hex2bin(slots[count], KEY_BYTES, text + at, 2 * KEY_BYTES, NULL, NULL,
		                    NULL) == 0;
		count += ok;
	}
	sodium_memzero(text, sizeof(text));
	if (!ok || !count) {
		sodium_memzero(slots, sizeof(slots));
		snprintf(msg, n, "密钥文件 %s 格式不正确", path);
		return XZ_ERR_IO;
	}
	nslots = count;
	activate(slots[0]);
	return XZ_OK;
}

/*
 * OpenSSL 3 looks algorithms up by name and allocates a context on every
 * one-shot call; at import rates (two seals and two lookup hashes per row)
 * that was most of the cost. Each thread therefore keeps its keyed contexts
 * (a pthread key frees them when the thread ends) and only sets a new IV or
 * restarts the MAC per call. A change of the active key bumps
 * key_generation, which makes every thread re-key on its next call.
 */
struct keyed {
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

static void keyed_free(void *p)
{
	struct keyed *t = p;
	if (!t)
		return;
	sodium_memzero(t->last_value, sizeof(t->last_value));
	EVP_CIPHER_CTX_free(t->cipher);
	EVP_MAC_CTX_free(t->tag_mac);
	EVP_MAC_CTX_free(t->lookup_mac);
	free(t);
}

static void init_once(void)
{
	sm4_ctr_cipher = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL);
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	/* the cipher and MAC exist in every OpenSSL 3 build we run on */
	if (!sm4_ctr_cipher || !hmac || pthread_key_create(&thread_key, keyed_free) != 0)
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

static struct keyed *keyed_new(const unsigned char *k)
{
	pthread_once(&thread_once, init_once);
	struct keyed *t = xcalloc(1, sizeof(*t));
	t->cipher = EVP_CIPHER_CTX_new();
	if (!t->cipher || EVP_EncryptInit_ex2(t->cipher, sm4_ctr_cipher, k, NULL, NULL) != 1)
		abort();
	t->tag_mac = keyed_mac(k + ENC_KEY, MAC_KEY);
	t->lookup_mac = keyed_mac(k + ENC_KEY + MAC_KEY, LOOKUP_KEY);
	return t;
}

/* This thread's contexts, keyed with the active key. */
static struct keyed *thread_state(void)
{
	pthread_once(&thread_once, init_once);
	struct keyed *t = pthread_getspecific(thread_key);
	unsigned gen = key_generation;
	if (t && t->generation == gen)
		return t;
	keyed_free(t);
	t = keyed_new(keys);
	t->generation = gen;
	pthread_setspecific(thread_key, t);
	return t;
}

static bool sm4_ctr(struct keyed *t, const unsigned char *iv, const unsigned char *in, int len,
                    unsigned char *out)
{
	int n1 = 0, n2 = 0;
	return EVP_EncryptInit_ex2(t->cipher, NULL, NULL, iv, NULL) == 1 &&
	       EVP_EncryptUpdate(t->cipher, out, &n1, in, len) == 1 &&
	       EVP_EncryptFinal_ex(t->cipher, out + n1, &n2) == 1 && n1 + n2 == len;
}

/* HMAC-SM3 with a keyed context, restarted per call. */
static void mac(EVP_MAC_CTX *m, const unsigned char *a, size_t alen, const unsigned char *b,
                size_t blen, const unsigned char *c, size_t clen, unsigned char out[32])
{
	size_t outlen = 0;
	if (EVP_MAC_init(m, NULL, 0, NULL) != 1 || EVP_MAC_update(m, a, alen) != 1 ||
	    (blen && EVP_MAC_update(m, b, blen) != 1) || (clen && EVP_MAC_update(m, c, clen) != 1) ||
	    EVP_MAC_final(m, out, &outlen, 32) != 1 || outlen != 32)
		abort();
}

static void tag(struct keyed *t, const unsigned char *iv, const unsigned char *ct, size_t len,
                unsigned char *out)
{
	mac(t->tag_mac, (const unsigned char *)"s1", 2, iv, IV_BYTES, ct, len, out);
}

static char *seal_with(struct keyed *t, const char *plain)
{
	size_t len = strlen(plain), total = IV_BYTES + len + TAG_BYTES;
	unsigned char *raw = xmalloc(total);
	util_random(raw, IV_BYTES);
	if (!sm4_ctr(t, raw, (const unsigned char *)plain, (int)len, raw + IV_BYTES))
		abort(); /* the cipher exists in every OpenSSL 3 build we run on */
	tag(t, raw, raw + IV_BYTES, len, raw + IV_BYTES + len);
	size_t b64 = sodium_base64_encoded_len(total, sodium_base64_VARIANT_ORIGINAL);
	char *out = xmalloc(strlen(PREFIX) + b64);
	strcpy(out, PREFIX);
	sodium_bin2base64(out + strlen(PREFIX), b64, raw, total, sodium_base64_VARIANT_ORIGINAL);
	free(raw);
	return out;
}

static enum xz_result open_with(struct keyed *t, const char *sealed, char **plain)
{
	*plain = NULL;
	if (!crypto_is_sealed(sealed))
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
	tag(t, raw, raw + IV_BYTES, ctlen, want);
	if (sodium_memcmp(want, raw + IV_BYTES + ctlen, TAG_BYTES) != 0)
		goto out;
	char *text = xmalloc(ctlen + 1);
	if (!sm4_ctr(t, raw, raw + IV_BYTES, (int)ctlen, (unsigned char *)text)) {
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

static void lookup_with(struct keyed *t, const char *value, char out[65])
{
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

char *crypto_seal(const char *plain)
{
	return loaded ? seal_with(thread_state(), plain) : NULL;
}

bool crypto_is_sealed(const char *s)
{
	return s && !strncmp(s, PREFIX, strlen(PREFIX));
}

enum xz_result crypto_open(const char *sealed, char **plain)
{
	*plain = NULL;
	return loaded ? open_with(thread_state(), sealed, plain) : XZ_ERR_STORE;
}

void crypto_lookup_hash(const char *value, char out[65])
{
	lookup_with(thread_state(), value, out);
}

/* ---- rotation ---- */

struct crypto_rotation {
	struct keyed *old, *next;
	unsigned char fresh[KEY_BYTES];
	char *path;
};

enum xz_result crypto_rotate_begin(const char *path, struct crypto_rotation **out, char *msg,
                                   size_t n)
{
	*out = NULL;
	if (!loaded) {
		snprintf(msg, n, "未加载数据密钥");
		return XZ_ERR_INTERNAL;
	}
	struct crypto_rotation *rot = xcalloc(1, sizeof(*rot));
	util_random(rot->fresh, KEY_BYTES);
	unsigned char both[MAX_SLOTS][KEY_BYTES];
	memcpy(both[0], keys, KEY_BYTES);
	memcpy(both[1], rot->fresh, KEY_BYTES);
	enum xz_result r = write_keys(path, both, 2, false, msg, n);
	sodium_memzero(both, sizeof(both));
	if (r) {
		sodium_memzero(rot, sizeof(*rot));
		free(rot);
		return r;
	}
	memcpy(slots[0], keys, KEY_BYTES);
	memcpy(slots[1], rot->fresh, KEY_BYTES);
	nslots = 2;
	rot->old = keyed_new(keys);
	rot->next = keyed_new(rot->fresh);
	rot->path = xstrdup(path);
	*out = rot;
	return XZ_OK;
}

enum xz_result crypto_rotate_value(struct crypto_rotation *rot, const char *sealed, char **resealed)
{
	char *plain = NULL;
	enum xz_result r = open_with(rot->old, sealed, &plain);
	*resealed = r ? NULL : seal_with(rot->next, plain);
	if (plain) {
		sodium_memzero(plain, strlen(plain));
		free(plain);
	}
	return r;
}

enum xz_result crypto_rotate_open(struct crypto_rotation *rot, const char *sealed, char **plain)
{
	return open_with(rot->old, sealed, plain);
}

void crypto_rotate_lookup_hash(struct crypto_rotation *rot, const char *value, char out[65])
{
	lookup_with(rot->next, value, out);
}

void crypto_rotate_next_id(struct crypto_rotation *rot, char out[17])
{
	key_id_of(rot->fresh, out);
}

enum xz_result crypto_rotate_end(struct crypto_rotation *rot, bool committed, char *msg, size_t n)
{
	enum xz_result r = XZ_OK;
	if (committed) {
		unsigned char one[1][KEY_BYTES];
		memcpy(one[0], rot->fresh, KEY_BYTES);
		/* the database is already on the new key: a failure here leaves
		 * both keys in the file, which still opens it */
		r = write_keys(rot->path, one, 1, false, msg, n);
		sodium_memzero(one, sizeof(one));
		memcpy(slots[0], rot->fresh, KEY_BYTES);
		nslots = 1;
		activate(rot->fresh);
	} else {
		unsigned char one[1][KEY_BYTES];
		memcpy(one[0], keys, KEY_BYTES);
		r = write_keys(rot->path, one, 1, false, msg, n);
		sodium_memzero(one, sizeof(one));
		nslots = 1;
	}
	sodium_memzero(slots[1], KEY_BYTES);
	keyed_free(rot->old);
	keyed_free(rot->next);
	free(rot->path);
	sodium_memzero(rot, sizeof(*rot));
	free(rot);
	return r;
}

/* ---- backup files ---- */

#define CHUNK (1u << 16)

static void tag_stream_start(EVP_MAC_CTX *m)
{
	if (EVP_MAC_init(m, NULL, 0, NULL) != 1)
		abort();
}

enum xz_result crypto_seal_file(const char *in_path, const char *out_path, char *msg, size_t n)
{
	enum xz_result r = XZ_ERR_IO;
	int in = -1, out = -1;
	unsigned char *buf = xmalloc(CHUNK), *ct = xmalloc(CHUNK);
	struct keyed *t = NULL;
	if (!loaded) {
		snprintf(msg, n, "未加载数据密钥，不能加密备份");
		r = XZ_ERR_INTERNAL;
		goto out;
	}
	t = keyed_new(keys);
	in = open(in_path, O_RDONLY | O_CLOEXEC);
	out = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (in < 0 || out < 0) {
		snprintf(msg, n, "无法打开%s：%s", in < 0 ? in_path : out_path, strerror(errno));
		goto out;
	}
	unsigned char head[sizeof(BACKUP_MAGIC) - 1 + 16 + IV_BYTES];
	char id[17];
	key_id_of(keys, id);
	memcpy(head, BACKUP_MAGIC, sizeof(BACKUP_MAGIC) - 1);
	memcpy(head + sizeof(BACKUP_MAGIC) - 1, id, 16);
	util_random(head + sizeof(BACKUP_MAGIC) - 1 + 16, IV_BYTES);
	if (EVP_EncryptInit_ex2(t->cipher, NULL, NULL, head + sizeof(head) - IV_BYTES, NULL) != 1)
		abort();
	tag_stream_start(t->tag_mac);
	EVP_MAC_update(t->tag_mac, head, sizeof(head));
	if (write(out, head, sizeof(head)) != (ssize_t)sizeof(head))
		goto write_failed;
	ssize_t got;
	while ((got = read(in, buf, CHUNK)) > 0) {
		int len = 0;
		if (EVP_EncryptUpdate(t->cipher, ct, &len, buf, (int)got) != 1 || len != got)
			abort();
		EVP_MAC_update(t->tag_mac, ct, (size_t)len);
		if (write(out, ct, (size_t)len) != len)
			goto write_failed;
	}
	if (got < 0) {
		snprintf(msg, n, "读取%s失败：%s", in_path, strerror(errno));
		goto out;
	}
	unsigned char mac_out[TAG_BYTES];
	size_t maclen = 0;
	if (EVP_MAC_final(t->tag_mac, mac_out, &maclen, sizeof(mac_out)) != 1)
		abort();
	if (write(out, mac_out, TAG_BYTES) != TAG_BYTES || fsync(out) != 0)
		goto write_failed;
	r = XZ_OK;
	goto out;
write_failed:
	snprintf(msg, n, "写入%s失败：%s", out_path, strerror(errno));
out:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0 && !r) {
		snprintf(msg, n, "写入%s失败：%s", out_path, strerror(errno));
		r = XZ_ERR_IO;
	}
	if (r && out >= 0)
		unlink(out_path);
	keyed_free(t);
	sodium_memzero(buf, CHUNK);
	free(buf);
	free(ct);
	return r;
}

bool crypto_is_sealed_file(const char *path)
{
	char head[sizeof(BACKUP_MAGIC) - 1];
	FILE *f = fopen(path, "re");
	bool yes = f && fread(head, 1, sizeof(head), f) == sizeof(head) &&
	           !memcmp(head, BACKUP_MAGIC, sizeof(head));
	if (f)
		fclose(f);
	return yes;
}

enum xz_result crypto_open_file(const char *in_path, const char *out_path, char *msg, size_t n)
{
	enum xz_result r = XZ_ERR_VALIDATION;
	int in = -1, out = -1;
	unsigned char *buf = xmalloc(CHUNK), *pt = xmalloc(CHUNK);
	struct keyed *t = NULL;
	unsigned char head[sizeof(BACKUP_MAGIC) - 1 + 16 + IV_BYTES];
	struct stat sb;
	in = open(in_path, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &sb) != 0) {
		snprintf(msg, n, "无法打开备份文件 %s：%s", in_path, strerror(errno));
		r = XZ_ERR_IO;
		goto out;
	}
	if (sb.st_size < (off_t)(sizeof(head) + TAG_BYTES) ||
	    read(in, head, sizeof(head)) != (ssize_t)sizeof(head) ||
	    memcmp(head, BACKUP_MAGIC, sizeof(BACKUP_MAGIC) - 1)) {
		snprintf(msg, n, "%s 不是新质的加密备份", in_path);
		goto out;
	}
	char id[17];
	memcpy(id, head + sizeof(BACKUP_MAGIC) - 1, 16);
	id[16] = '\0';
	const unsigned char *k = NULL;
	for (int i = 0; i < nslots && !k; i++) {
		char have[17];
		key_id_of(slots[i], have);
		if (!strcmp(have, id))
			k = slots[i];
	}
	if (!k) {
		snprintf(msg, n, "备份文件由另一个数据密钥（编号 %s）加密，当前密钥文件无法解密", id);
		goto out;
	}
	t = keyed_new(k);
	/* first pass: the tag over the whole file, before any byte is used */
	off_t body = sb.st_size - (off_t)sizeof(head) - TAG_BYTES, left = body;
	tag_stream_start(t->tag_mac);
	EVP_MAC_update(t->tag_mac, head, sizeof(head));
	while (left > 0) {
		ssize_t got = read(in, buf, left < (off_t)CHUNK ? (size_t)left : CHUNK);
		if (got <= 0) {
			snprintf(msg, n, "读取备份文件失败");
			r = XZ_ERR_IO;
			goto out;
		}
		EVP_MAC_update(t->tag_mac, buf, (size_t)got);
		left -= got;
	}
	unsigned char want[TAG_BYTES], have_tag[TAG_BYTES];
	size_t maclen = 0;
	if (EVP_MAC_final(t->tag_mac, want, &maclen, sizeof(want)) != 1)
		abort();
	if (read(in, have_tag, TAG_BYTES) != TAG_BYTES ||
	    sodium_memcmp(want, have_tag, TAG_BYTES) != 0) {
		snprintf(msg, n, "备份文件 %s 已损坏或被改动（校验不通过），未做任何恢复", in_path);
		goto out;
	}
	/* second pass: decrypt */
	if (lseek(in, (off_t)sizeof(head), SEEK_SET) < 0)
		goto out;
	out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		snprintf(msg, n, "无法创建%s：%s", out_path, strerror(errno));
		r = XZ_ERR_IO;
		goto out;
	}
	if (EVP_EncryptInit_ex2(t->cipher, NULL, NULL, head + sizeof(head) - IV_BYTES, NULL) != 1)
		abort();
	left = body;
	while (left > 0) {
		ssize_t got = read(in, buf, left < (off_t)CHUNK ? (size_t)left : CHUNK);
		int len = 0;
		if (got <= 0 || EVP_EncryptUpdate(t->cipher, pt, &len, buf, (int)got) != 1 ||
		    write(out, pt, (size_t)len) != len) {
			snprintf(msg, n, "解密备份文件失败：%s", strerror(errno));
			r = XZ_ERR_IO;
			goto out;
		}
		left -= got;
	}
	if (fsync(out) != 0) {
		r = XZ_ERR_IO;
		goto out;
	}
	r = XZ_OK;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (r && out >= 0)
		unlink(out_path);
	keyed_free(t);
	sodium_memzero(pt, CHUNK);
	free(buf);
	free(pt);
	return r;
}
