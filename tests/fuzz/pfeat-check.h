/* pfeat-check.h: what the harnesses of ht-pfeat's readers (METS, imgsrv
 * page metadata, Data API JSON) check in the pages they read. */
#ifndef PLATES_FUZZ_PFEAT_CHECK_H
#define PLATES_FUZZ_PFEAT_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "htpages.h"

/* Piece sizes: small ones cut names, values and declarations apart; the
 * larger ones keep the run fast. */
static const size_t pfeat_steps[] = { 1, 2, 3, 7, 64, 500, 4093 };
#define PFEAT_NSTEPS (sizeof pfeat_steps / sizeof pfeat_steps[0])

static inline int
pfeat_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A page kept has a seq of 1 to 9 digits without a leading 0, and its
 * features are a normalised list (no empty, blank-edged or FUDGED token),
 * which normalising again leaves as it is. */
static inline void
pfeat_check_page(const struct htpage *p)
{
	struct buf again = BUF_INIT;
	size_t i, n = strlen(p->seq);
	const char *t, *e;

	if (n == 0 || n > 9 || p->seq[0] == '0')
		abort();
	for (i = 0; i < n; i++)
		if (p->seq[i] < '0' || p->seq[i] > '9')
			abort();
	n = strlen(p->feat);
	if (n && p->feat[n - 1] == ',')
		abort();
	for (t = p->feat; *t; t = *e ? e + 1 : e) {
		if (!(e = strchr(t, ',')))
			e = t + strlen(t);
		if (e == t || pfeat_space((unsigned char)*t) || pfeat_space((unsigned char)e[-1]) ||
		    (e - t == 6 && memcmp(t, "FUDGED", 6) == 0))
			abort();
	}
	htpages_feat_add(&again, p->feat, n);
	if (strcmp(again.s, p->feat) != 0)
		abort();
	buf_free(&again);
}

static inline void
pfeat_check_pages(const struct htpages *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		pfeat_check_page(&v->v[i]);
}

static inline int
pfeat_same_pages(const struct htpages *a, const struct htpages *b)
{
	size_t i;

	if (a->n != b->n || a->bad != b->bad)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].seq, b->v[i].seq) != 0 ||
		    strcmp(a->v[i].feat, b->v[i].feat) != 0 ||
		    strcmp(a->v[i].label, b->v[i].label) != 0)
			return 0;
	return 1;
}

#endif
