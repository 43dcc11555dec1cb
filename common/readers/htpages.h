/* htpages: the pages of one HathiTrust volume, as the METS, imgsrv and
 * Data API readers hand them over: seq, page features and page label.
 *
 * A reader opens a page (htpages_begin), sets its seq, features and
 * label, and closes it (htpages_end): a page whose seq is a positive whole
 * number (1 to 9 digits, no leading 0) is kept, any other is counted in
 * bad. */
#ifndef PLATES_HTPAGES_H
#define PLATES_HTPAGES_H

#include <stddef.h>

#include "buf.h"

struct htpage {
	char *seq;	/* decimal digits */
	char *feat;	/* features, normalised: tokens joined by ',' */
	char *label;	/* printed page number, or "" */
};

struct htpages {
	struct htpage *v;
	size_t n, cap;
	unsigned long bad;	/* pages without a usable seq */
	/* the page being read */
	struct buf seq, feat, label;
	int in_page;		/* reading a page (a reader may store a depth) */
	int have_seq;
};

/* Forget every page (the buffers are kept for the next volume). */
void htpages_clear(struct htpages *p);
void htpages_free(struct htpages *p);
/* Open a page: no seq, no features, no label yet. */
void htpages_begin(struct htpages *p);
void htpages_seq(struct htpages *p, const char *s, size_t len);
void htpages_label(struct htpages *p, const char *s, size_t len);
/* Close the page: kept if its seq is usable, else counted in bad. */
void htpages_end(struct htpages *p);

/* Add the features in s (a comma-separated list, or one feature) to the
 * normalised list in b: tokens trimmed of ASCII white space; empty tokens,
 * FUDGED (imgsrv's note that sizes were sampled) and tokens holding a NUL
 * dropped.  b ends up a C string (possibly ""). */
void htpages_feat_add(struct buf *b, const char *s, size_t len);
/* Does the normalised list hold the token t exactly? */
int htpages_feat_has(const char *list, const char *t);
/* Does it hold one of the tokens in names (NULL-ended)? */
int htpages_feat_any(const char *list, char *const *names);
/* Does the list hold a real feature (imgsrv's own MISSING_PAGE and
 * CHECKOUT_PAGE do not count)? */
int htpages_feat_tagged(const char *list);

#endif
