/* hset: a set of byte strings (open addressing, FNV-1a, power-of-2 table). */
#include "hset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

struct entry {
	char *s;	/* length-prefixed copy: size_t len, then bytes */
	uint64_t hash;
};

struct hset {
	struct entry *tab;
	size_t cap, count;
};

uint64_t
hset_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

struct hset *
hset_new(void)
{
	struct hset *h = xcalloc(1, sizeof *h);

	h->cap = 64;
	h->tab = xcalloc(h->cap, sizeof *h->tab);
	return h;
}

static int
same(const struct entry *e, const char *s, size_t len)
{
	size_t k;

	memcpy(&k, e->s, sizeof k);
	return k == len && memcmp(e->s + sizeof k, s, len) == 0;
}

static size_t
slot(const struct hset *h, uint64_t hash, const char *s, size_t len)
{
	size_t i = (size_t)hash & (h->cap - 1);

	while (h->tab[i].s && !(h->tab[i].hash == hash && same(&h->tab[i], s, len)))
		i = (i + 1) & (h->cap - 1);
	return i;
}

static void
grow(struct hset *h)
{
	struct entry *old = h->tab;
	size_t i, oldcap = h->cap, j;

	h->cap *= 2;
	h->tab = xcalloc(h->cap, sizeof *h->tab);
	for (i = 0; i < oldcap; i++) {
		if (!old[i].s)
			continue;
		j = (size_t)old[i].hash & (h->cap - 1);
		while (h->tab[j].s)
			j = (j + 1) & (h->cap - 1);
		h->tab[j] = old[i];
	}
	free(old);
}

int
hset_add(struct hset *h, const char *s, size_t len)
{
	uint64_t hash = hset_hash(s, len);
	size_t i = slot(h, hash, s, len);

	if (h->tab[i].s)
		return 0;
	h->tab[i].s = xmalloc(sizeof len + len);
	memcpy(h->tab[i].s, &len, sizeof len);
	memcpy(h->tab[i].s + sizeof len, s, len);
	h->tab[i].hash = hash;
	if (++h->count * 4 > h->cap * 3)
		grow(h);
	return 1;
}

int
hset_has(const struct hset *h, const char *s, size_t len)
{
	return h->tab[slot(h, hset_hash(s, len), s, len)].s != NULL;
}

size_t
hset_count(const struct hset *h)
{
	return h->count;
}

void
hset_free(struct hset *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->cap; i++)
		free(h->tab[i].s);
	free(h->tab);
	free(h);
}
