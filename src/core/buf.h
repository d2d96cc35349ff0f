/*
 * A growable byte buffer, always NUL-terminated, for building SQL text,
 * reply bodies and CSV. The buffer owns its bytes; buf_free() releases them
 * and buf_steal() hands them to the caller (free with free()).
 */
#ifndef XZ_BUF_H
#define XZ_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len, cap;
};

#define BUF_INIT {NULL, 0, 0}

void buf_append(struct buf *b, const char *s, size_t n);
/* false, with b unchanged, when memory runs out (input-sized data: uploads) */
bool buf_try_append(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *buf_cstr(struct buf *b);
char *buf_steal(struct buf *b);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

#endif
