/* abbyy: the ABBYY FineReader XML scanner.  One document, pushed in as
 * its bytes arrive, goes through the <charParams> pre-filter
 * (abbyy_prefilter.h) and a SAX2 push parser; only <page>, <block
 * blockType="Picture"> and the <rect>s of such blocks are looked at.
 *
 * Each page with Picture blocks left after the page filters is handed to
 * the caller's callback, in document order:
 *   - the colour card: leaf 0 with one Picture of at least 90% of the page;
 *   - small: a Picture under min_area percent of the page;
 *   - covers: a Picture of at least 95% of the page on the first or last
 *     cover_leaves leaves (so a page is handed over only once
 *     cover_leaves more pages have started, or at the end);
 *   - nested: a Picture inside another kept one (pages of up to 2000
 *     blocks).
 * A broken document stops the scan with a message and its line; the pages
 * completed before it are still handed over (as not at the end). */
#ifndef PLATES_ABBYY_H
#define PLATES_ABBYY_H

#include <stddef.h>

enum {
	ABBYY_KEPT,
	ABBYY_DROP_CARD,
	ABBYY_DROP_SMALL,
	ABBYY_DROP_COVER,
	ABBYY_DROP_NESTED,
	ABBYY_NDROP
};

struct abbyy_block {
	long l, t, r, b;	/* the block's box, or the union of its rects */
	int has_box;
	int drop;		/* ABBYY_KEPT or the filter that dropped it */
};

struct abbyy_page {
	long index;		/* 0-based, over <page> elements (the leaf) */
	long width, height;	/* -1 when missing */
	struct abbyy_block *b;	/* in document order */
	size_t n, cap;
};

struct abbyy_scan_config {
	double min_area;	/* percent of the page: smaller blocks are dropped */
	long cover_leaves;	/* the leaves at each end where covers are sought */
	int keep_card;
	int keep_covers;
	int keep_nested;
	int no_filter;		/* no filter at all */
	int full_parse;		/* no pre-filter: every byte to the parser */
};

struct abbyy_scan_stats {
	long npages;		/* <page> elements started */
	unsigned long nblocks;	/* Picture blocks */
	unsigned long kept, kept_pages;
	unsigned long dropped[ABBYY_NDROP];
};

/* A page with nkept blocks kept (p->b[i].drop == ABBYY_KEPT); the others
 * it still holds were dropped by the cover or nested rule. */
typedef void (*abbyy_page_fn)(void *arg, const struct abbyy_page *p, size_t nkept);

struct abbyy_scan;

/* A scanner for one document; name is its name in libxml2's messages.
 * xml_init must have been called. */
struct abbyy_scan *abbyy_scan_new(const struct abbyy_scan_config *c, const char *name,
    abbyy_page_fn fn, void *arg);
/* Feed p[0..n), which must be followed by a NUL byte; 0 ok, -1 the
 * document is broken (abbyy_scan_error says why; feed no more). */
int abbyy_scan_feed(struct abbyy_scan *s, const char *p, size_t n);
/* End of input: 0 ok, -1 broken.  After a failure it only hands over the
 * pages still held. */
int abbyy_scan_end(struct abbyy_scan *s);
/* The input broke off (a read or decoding error, why; or NULL: a failed
 * transfer, no message of ours): hand over the complete pages, none of
 * them as an end leaf. */
void abbyy_scan_abort(struct abbyy_scan *s, const char *why);
/* Why the document is broken, and its line (0 if none is known); NULL if
 * it is not. */
const char *abbyy_scan_error(const struct abbyy_scan *s, unsigned long *line);
const struct abbyy_scan_stats *abbyy_scan_stats(const struct abbyy_scan *s);
void abbyy_scan_free(struct abbyy_scan *s);

#endif
