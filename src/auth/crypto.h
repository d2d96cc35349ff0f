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

/* The active key's id: 16 hex digits of its SM3 hash (names the key, reveals
 * nothing of it). The database records the id of the key it is written with. */
void crypto_key_id(char out[17]);
/* Makes the key with this id (one of those in the key file) the active one;
 * false when the key file has no such key. */
bool crypto_activate_id(const char *id);

/*
 * Key rotation, driven by the caller (cli) that owns the database side:
 * begin writes the key file with the old and a new key; the caller reseals
 * every sealed value and recomputes every lookup hash with the new key and
 * records crypto_rotate_next_id() as the database's key id, all in one
 * transaction; end, told whether that transaction committed, leaves only
 * the key the database is on in the file and frees the rotation.
 */
struct crypto_rotation;
enum xz_result crypto_rotate_begin(const char *key_path, struct crypto_rotation **out, char *msg,
                                   size_t n);
/* Opens with the old key and seals with the new (*resealed: caller frees). */
enum xz_result crypto_rotate_value(struct crypto_rotation *rot, const char *sealed,
                                   char **resealed);
/* Opens with the old key (*plain: caller frees). */
enum xz_result crypto_rotate_open(struct crypto_rotation *rot, const char *sealed, char **plain);
void crypto_rotate_lookup_hash(struct crypto_rotation *rot, const char *value, char out[65]);
void crypto_rotate_next_id(struct crypto_rotation *rot, char out[17]);
enum xz_result crypto_rotate_end(struct crypto_rotation *rot, bool committed, char *msg,
                                 size_t n);

/* Encrypts a whole file (a database snapshot) into a new file out_path
 * (mode 0600, refused when it exists); see crypto.c for the format. */
enum xz_result crypto_seal_file(const char *in_path, const char *out_path, char *msg, size_t n);
/* Checks the tag of the whole file first, then decrypts it into out_path.
 * XZ_ERR_VALIDATION with a message for a file that is not a backup, was
 * made with a key the key file does not have, or was altered. */
enum xz_result crypto_open_file(const char *in_path, const char *out_path, char *msg, size_t n);
bool crypto_is_sealed_file(const char *path);

#endif
