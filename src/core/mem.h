/*
 * Allocation. Every allocation goes through these wrappers, which abort the
 * process on out-of-memory, so callers never test for NULL. An arena hands
 * out blocks that are all freed at once by arena_free(): each HTTP request
 * owns one (like h2o's req->pool), so handlers need not free what they take
 * from it. Strings returned by xstrdup()/xasprintf() are owned by the caller
 * and freed with free(); arena strings die with their arena.
 *
 * Two allocations may fail instead: those whose size comes from outside
 * (an uploaded body; try_realloc, buf_try_append) and SQLite's own, which
 * turns a failure into SQLITE_NOMEM and rolls the statement back. The
 * caller answers XZ_ERR_NOMEM and nothing is half written. Test builds
 * (XZ_TEST_HOOKS) inject failures there with XINZHI_FAULT_ALLOC: "N" fails
 * the N-th fallible allocation only, "every:N" every N-th ("every:N@S":
 * counting from the S-th, so a server can start first), "after:N" all from
 * the N-th on; the counts are printed to stderr at exit.
 */
#ifndef XZ_MEM_H
#define XZ_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* a copy without leading and trailing spaces, tabs and line ends */
char *xstrtrim(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* NULL when out of memory (or when a test injects a failure); free() */
void *try_malloc(size_t n);
void *try_realloc(void *p, size_t n);
/* How many fallible allocations were made, and failed, so far (tests). */
void mem_fault_counts(unsigned long *made, unsigned long *failed);

struct arena_block;
struct arena {
	struct arena_block *head;
};

void arena_init(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

#endif
