/* htpages-test.h: helpers for the unit tests of the readers that give
 * pages (mets, imgsrv, dataapi): a file's bytes, and pages as text. */
#ifndef PLATES_HTPAGES_TEST_H
#define PLATES_HTPAGES_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "htpages.h"

/* The bytes of path (exits if it cannot be read: a missing fixture). */
static __attribute__((unused)) void
slurp(const char *path, struct buf *b)
{
	char tmp[8192];
	size_t k;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		exit(2);
	}
	buf_reset(b);
	buf_add(b, "", 0);
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(b, tmp, k);
	fclose(f);
}

/* The pages as "seq|features|label" joined by ';'. */
static __attribute__((unused)) const char *
pages_text(const struct htpages *p, struct buf *b)
{
	size_t i;

	buf_reset(b);
	buf_add(b, "", 0);
	for (i = 0; i < p->n; i++)
		buf_printf(b, "%s%s|%s|%s", i ? ";" : "", p->v[i].seq, p->v[i].feat,
		    p->v[i].label);
	return b->s;
}

/* The seqs of the pages whose features hold feature, joined by ','. */
static __attribute__((unused)) const char *
seqs_with(const struct htpages *p, const char *feature, struct buf *b)
{
	size_t i;

	buf_reset(b);
	buf_add(b, "", 0);
	for (i = 0; i < p->n; i++)
		if (htpages_feat_has(p->v[i].feat, feature))
			buf_printf(b, "%s%s", b->len ? "," : "", p->v[i].seq);
	return b->s;
}

#endif
