/* xmem: allocation that never returns NULL (out of memory is fatal). */
#ifndef PLATES_XMEM_H
#define PLATES_XMEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc for arrays: n * size, checked for overflow */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
