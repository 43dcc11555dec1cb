/* htpages-test.h: helpers for the unit tests of the readers that give
 * pages (mets, imgsrv, dataapi): pages as text (files come from files.h). */
#ifndef PLATES_HTPAGES_TEST_H
#define PLATES_HTPAGES_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "htpages.h"
#include "files.h"

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
