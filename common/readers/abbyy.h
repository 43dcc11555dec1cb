/* abbyy: the ABBYY FineReader XML scanner.  One document, pushed in as
 * its bytes arrive, goes through the <charParams> pre-filter
 * (abbyy_prefilter.h) and a SAX2 push parser; only <page>, <block
 * blockType="Picture"> and the <rect>s of such blocks are looked at.
 *
 * Each page with Picture blocks left after the filters of ocr.h (card,
 * small, covers, nested; min_area's default is OCR_MIN_AREA_ABBYY) is
 * handed to the caller's callback, in document order, with its width,
 * height and resolution.  A broken document stops the scan with a
 * message and its line; the pages completed before it are still handed
 * over (as not at the end). */
#ifndef PLATES_ABBYY_H
#define PLATES_ABBYY_H

#include <stddef.h>

#include "ocr.h"

struct abbyy_scan;

/* A scanner for one document; name is its name in libxml2's messages.
 * xml_init must have been called. */
struct abbyy_scan *abbyy_scan_new(const struct ocr_config *c, const char *name,
    ocr_page_fn fn, void *arg);
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
const struct ocr_stats *abbyy_scan_stats(const struct abbyy_scan *s);
void abbyy_scan_free(struct abbyy_scan *s);

#endif
