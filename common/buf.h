/* buf: a growable byte buffer, always NUL-terminated. */
#ifndef PLATES_BUF_H
#define PLATES_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *s;	/* NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_reserve(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_addc(struct buf *b, int c);
void buf_adds(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void buf_truncate(struct buf *b, size_t len);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* The contents as a C string ("" when empty). */
const char *buf_str(const struct buf *b);

#endif
