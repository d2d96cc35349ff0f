/*
 * What every harness in fuzz/ shares: the libFuzzer entry point each one
 * defines, a check that aborts even in NDEBUG builds (so an invariant broken
 * under libFuzzer is a crash it saves, and under replay a failed ctest), and
 * small helpers to turn the fuzzer's bytes into C strings. The harnesses are
 * linked either with libFuzzer (make fuzz, clang) or with replay.c, which
 * runs them over the committed corpora in every ordinary build.
 */
#ifndef XZ_FUZZ_H
#define XZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* assert() vanishes under NDEBUG, and the fuzz build is optimised: this does not. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,       \
			        #cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* A NUL-terminated copy of n bytes (interior NULs kept; C readers stop at the first).
 * Caller frees. */
static inline char *fuzz_cstr(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);
	if (!s)
		abort();
	if (n)
		memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* A message buffer a reader filled must be NUL-terminated inside its n bytes. */
static inline void fuzz_check_msg(const char *msg, size_t n)
{
	FUZZ_CHECK(n && memchr(msg, '\0', n) != NULL);
}

#endif
