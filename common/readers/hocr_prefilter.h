/* hocr_prefilter: the <span class='ocrx_cinfo'> pre-filter in front of
 * the hOCR scanner's XML parser.
 *
 * Most of a character-level hOCR file (Tesseract's chOCR) is one element
 * per recognised character:
 *   <span class='ocrx_cinfo' title='x_bboxes 153 573 156 581; x_conf 99.56'>t</span>
 * The pre-filter takes out the tags of the ones that are exactly that
 * (that quoting, a title of printable ASCII without '<', '&' or quotes, a
 * text of one or more XML characters without '<', '&', '>' or ']'; inside
 * an element, fewer than 200 deep; right after an ASCII byte) and keeps
 * their text, so a word reads the same and the parser sees the same
 * lines (the tags hold no line end).  Every other byte goes to the parser
 * unchanged.  It works only on UTF-8 documents that start as Tesseract
 * writes them (an XML declaration naming UTF-8 or none, then markup), and
 * turns itself off for the rest of the document at anything it does not
 * follow (an internal DTD subset, a CDATA section). */
#ifndef PLATES_HOCR_PREFILTER_H
#define PLATES_HOCR_PREFILTER_H

#include <stddef.h>

#include "buf.h"

struct hocr_pf;

/* A pre-filter for one document; off: pass every byte from the start. */
struct hocr_pf *hocr_pf_new(int off);
void hocr_pf_free(struct hocr_pf *f);
/* Is it off (bytes pass unchanged, hocr_pf_feed need not be called)? */
int hocr_pf_off(const struct hocr_pf *f);
/* Feed p[0..n); what the parser should see is appended to out. */
void hocr_pf_feed(struct hocr_pf *f, const char *p, size_t n, struct buf *out);
/* End of input: whatever is still held back is appended to out, and the
 * pre-filter is off from now on. */
void hocr_pf_end(struct hocr_pf *f, struct buf *out);

#endif
