/*
 * Allocation wrappers that abort on out-of-memory, and a simple bump arena
 * for per-request allocations.
 */
#include "core/mem.h"

#include <stdbool.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "xinzhi: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);
	if (!p)
		oom(count * n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

/* ---- fallible allocations and their fault injection ---- */

enum fault_mode { FAULT_NONE, FAULT_ONCE, FAULT_EVERY, FAULT_AFTER };
static enum fault_mode fault_mode;
static unsigned long fault_n, fault_skip;
static atomic_ulong fault_made, fault_failed;
static pthread_once_t fault_once = PTHREAD_ONCE_INIT;

#ifdef XZ_TEST_HOOKS
/* how far the injection got, so a test can size its sweep */
static void fault_report(void)
{
	fprintf(stderr, "xinzhi: fallible allocations: %lu made, %lu failed\n",
	        atomic_load(&fault_made), atomic_load(&fault_failed));
}
#endif

static void fault_init(void)
{
#ifdef XZ_TEST_HOOKS
	const char *spec = getenv("XINZHI_FAULT_ALLOC");
	if (!spec || !*spec)
		return;
	char *end = NULL;
	enum fault_mode m = FAULT_ONCE;
	if (!strncmp(spec, "every:", 6))
		m = FAULT_EVERY, spec += 6;
	else if (!strncmp(spec, "after:", 6))
		m = FAULT_AFTER, spec += 6;
	unsigned long n = strtoul(spec, &end, 10), skip = 0;
	if (*end == '@' && m == FAULT_EVERY)
		skip = strtoul(end + 1, &end, 10);
	if (*end || n == 0) {
		fprintf(stderr, "xinzhi: XINZHI_FAULT_ALLOC 应为 N、every:N[@S] 或 after:N（N ≥ 1）\n");
		exit(2);
	}
	fault_mode = m;
	fault_n = n;
	fault_skip = skip;
	atexit(fault_report);
#endif
}

static bool inject(void)
{
	pthread_once(&fault_once, fault_init);
	unsigned long k = atomic_fetch_add(&fault_made, 1) + 1;
	bool fail = false;
	switch (fault_mode) {
	case FAULT_NONE:
		break;
	case FAULT_ONCE:
		fail = k == fault_n;
		break;
	case FAULT_EVERY:
		fail = k > fault_skip && (k - fault_skip) % fault_n == 0;
		break;
	case FAULT_AFTER:
		fail = k >= fault_n;
		break;
	}
	if (fail)
		atomic_fetch_add(&fault_failed, 1);
	return fail;
}

void *try_malloc(size_t n)
{
	return inject() ? NULL : malloc(n ? n : 1);
}

void *try_realloc(void *p, size_t n)
{
	return inject() ? NULL : realloc(p, n ? n : 1);
}

void mem_fault_counts(unsigned long *made, unsigned long *failed)
{
	*made = atomic_load(&fault_made);
	*failed = atomic_load(&fault_failed);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrtrim(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return xstrndup(s, n);
}

static char *vformat(const char *fmt, va_list ap, size_t *len)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	*len = (size_t)n;
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	size_t len;
	va_start(ap, fmt);
	char *p = vformat(fmt, ap, &len);
	va_end(ap);
	return p;
}

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

#define ARENA_BLOCK 8192

void arena_init(struct arena *a)
{
	a->head = NULL;
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t align = sizeof(max_align_t);
	n = (n + align - 1) / align * align;
	struct arena_block *b = a->head;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = xmalloc(sizeof(*b) + cap);
		b->cap = cap;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	size_t len;
	va_start(ap, fmt);
	char *tmp = vformat(fmt, ap, &len);
	va_end(ap);
	char *p = arena_strndup(a, tmp, len);
	free(tmp);
	return p;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}
