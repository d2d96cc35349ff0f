/*
 * Protection of personal data at rest (身份证号, mobile, family members):
 * SM4-CTR encryption authenticated by HMAC-SM3 (encrypt-then-MAC, 国密),
 * and a keyed SM3 hash for looking a value up without storing it in clear.
 * The keys live in a key file outside the database, so a copy of the
 * database alone reveals nothing.
 *
 * The key is process-wide and read-only once loaded, so any thread may call
 * these functions. Strings returned are owned by the caller (free()).
 */
#ifndef XZ_CRYPTO_H
#define XZ_CRYPTO_H

#include "core/result.h"

#include <stdbool.h>
#include <stddef.h>

/* Loads the key file; with create, makes a new one (mode 0600) when the file
 * does not exist. Fails with XZ_ERR_IO and a message when it cannot. */
enum xz_result crypto_load_key(const char *path, bool create, char *msg, size_t n);
/* A random in-memory key, for tests and throwaway databases. */
void crypto_use_ephemeral_key(void);
bool crypto_ready(void);
/* Writes a new key file (refuses to overwrite). */
enum xz_result crypto_keygen(const char *path, char *msg, size_t n);
/* The default key file of a database: "<db>.key" (caller frees). */
char *crypto_default_key_path(const char *db_path);

/* "s1:" + base64(iv | ciphertext | tag); NULL when no key is loaded. */
char *crypto_seal(const char *plain);
/* XZ_ERR_STORE when the value was not sealed with this key or was altered. */
enum xz_result crypto_open(const char *sealed, char **plain);
bool crypto_is_sealed(const char *s);
/* HMAC-SM3 of value under the lookup key, hex; out needs 65 bytes. */
void crypto_lookup_hash(const char *value, char out[65]);

#endif
