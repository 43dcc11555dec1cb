/* hocr: the hOCR scanner.  One document (Tesseract's word-level hOCR or
 * character-level chOCR, or any XHTML hOCR), pushed in as its bytes
 * arrive, goes through a pre-filter that drops chOCR's per-character
 * <span class='ocrx_cinfo'> tags (their text stays, so a word reads the
 * same; hocr_prefilter.h) and a SAX2 push parser; nothing but the
 * current page is held.
 *
 * Per page (class ocr_page; title: bbox, scan_res) it yields the picture
 * boxes:
 *   - every element of class ocr_photo (Tesseract 5.1 and later, and
 *     ABBYY-converted hOCR) with a bbox;
 *   - for Tesseract before 5.1 (the ocr-system meta says "tesseract V"
 *     with V < 5.1), every ocr_carea block whose words are all blank:
 *     that is how those versions wrote an image block.  A document that
 *     does not name its system, or names a later one, never has a blank
 *     word taken for a picture.
 * The text rule (ocr.h) needs the words' boxes: the non-blank words of
 * the current page are kept (up to HOCR_MAX_WORDS; words past that are
 * not counted).
 *
 * Errors: not XML, not hOCR (no ocr_page in an <html> document, or a
 * root other than <html>), an ocr_page without a bbox, a DOCTYPE with an
 * internal subset, an entity (none is ever loaded), a truncated
 * document. */
#ifndef PLATES_HOCR_H
#define PLATES_HOCR_H

#include <stddef.h>

#include "ocr.h"

#define HOCR_MAX_WORDS	100000

struct hocr_scan;

/* A scanner for one document; name is its name in libxml2's messages.
 * xml_init must have been called. */
struct hocr_scan *hocr_scan_new(const struct ocr_config *c, const char *name, ocr_page_fn fn,
    void *arg);
/* Feed p[0..n), which must be followed by a NUL byte; 0 ok, -1 broken
 * (hocr_scan_error says why; feed no more). */
int hocr_scan_feed(struct hocr_scan *s, const char *p, size_t n);
/* End of input: 0 ok, -1 broken.  After a failure it only hands over the
 * pages still held. */
int hocr_scan_end(struct hocr_scan *s);
/* The input broke off: see ocr_scan_abort. */
void hocr_scan_abort(struct hocr_scan *s, const char *why);
const char *hocr_scan_error(const struct hocr_scan *s, unsigned long *line);
const struct ocr_stats *hocr_scan_stats(const struct hocr_scan *s);
/* The ocr-system meta's content ("tesseract 5.3.0"), or NULL. */
const char *hocr_scan_system(const struct hocr_scan *s);
void hocr_scan_free(struct hocr_scan *s);

#endif
