/* hset: a set of byte strings (open addressing), e.g. ids already seen. */
#ifndef PLATES_HSET_H
#define PLATES_HSET_H

#include <stddef.h>
#include <stdint.h>

struct hset;

struct hset *hset_new(void);
/* Add s; returns 1 if it was new, 0 if already present. */
int hset_add(struct hset *h, const char *s, size_t len);
int hset_has(const struct hset *h, const char *s, size_t len);
size_t hset_count(const struct hset *h);
void hset_free(struct hset *h);
/* The hash the set uses (64-bit FNV-1a), for other tables of byte strings. */
uint64_t hset_hash(const char *s, size_t len);

#endif
