/* ia_pagenums: an Internet Archive item's page numbers
 * (ID_page_numbers.json, archive-hocr-tools' hocr-pagenumbers), read as
 * the bytes arrive: for hOCR page index i (the access page), the scan
 * leaf pages[i].leafNum, which IIIF's ID$LEAF serves.
 *
 * {"identifier": ..., "format-version": "2", "confidence": ...,
 *  "pages": [{"leafNum": 1, "pageNumber": "", ...}, ...]}
 * A leafNum must be a whole number from 0 up (a JSON number, or a string
 * of digits); anything else is an error naming the page and its line. */
#ifndef PLATES_IA_PAGENUMS_H
#define PLATES_IA_PAGENUMS_H

#include <stddef.h>

#include "buf.h"
#include "json.h"

struct ia_pagenums {
	/* first: can be the arg of json_body_feed and json_body_restart */
	struct json_body body;
	long *leaf;		/* leaf[i] for access page i; -1 if missing */
	size_t n, cap;
	/* the reader's own */
	int in_page, bad, have_list;
	char err[256];
};

void ia_pagenums_init(struct ia_pagenums *p);
/* Feed p[0..n): 0 ok, 1 broken (feed no more).  The same as
 * json_body_feed(p, s, n). */
int ia_pagenums_feed(struct ia_pagenums *p, const char *s, size_t n);
/* Start again (a retried download). */
void ia_pagenums_reset(struct ia_pagenums *p);
/* End of the body: 0 ok, -1 broken (ia_pagenums_error). */
int ia_pagenums_end(struct ia_pagenums *p);
/* What is wrong (not JSON, no "pages" list, a leafNum that is not a whole
 * number, a page without one), and its line (0: the whole document);
 * NULL if nothing.  Pages are named by their index in the list, from 0
 * (the hOCR page index). */
const char *ia_pagenums_error(const struct ia_pagenums *p, unsigned long *line);
/* The leaf of access page i, or -1 (beyond the list or missing). */
long ia_pagenums_leaf(const struct ia_pagenums *p, size_t i);
/* Read a whole file (plain or gzip, io.h): 0 ok, -1 with a message
 * (file and line) replacing err's contents. */
int ia_pagenums_read_file(struct ia_pagenums *p, const char *path, struct buf *err);
void ia_pagenums_free(struct ia_pagenums *p);

#endif
