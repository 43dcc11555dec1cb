/* ocr: the pages and picture boxes every OCR reader yields, the picture
 * filters they share, and a scanner that tells the format by content.
 *
 * ocr_scan_new makes a scanner for one document of either format; the
 * first bytes decide which reader takes it (ocr_scan_format):
 *   - hOCR (Tesseract's word-level hOCR and character-level chOCR, or any
 *     XHTML hOCR): an <html> root or an HTML DOCTYPE (hocr.h);
 *   - ABBYY FineReader XML: anything else, which the ABBYY reader then
 *     accepts or refuses with its own message (abbyy.h).
 *
 * Each page with picture boxes left after the filters is handed to the
 * caller's callback, in document order.  The filters (see FILTERS in
 * abbyy-pictures(1)):
 *   - card: ABBYY only; leaf 0 with one box of at least 90% of the page
 *     (hOCR holds access pages only, and the colour card is not one);
 *   - small: a box under min_area percent of the page;
 *   - text: hOCR only; a box at least TEXT_PCT percent covered by the
 *     boxes of words the OCR read in it (Tesseract boxes text it could
 *     also read as a picture);
 *   - covers: a box of at least 95% of the page on the first or last
 *     cover_leaves pages (so a page is handed over only once
 *     cover_leaves more pages have started, or at the end);
 *   - nested: a box inside another kept one (pages of up to 2000 boxes).
 * A broken document stops the scan with a message and its line; the pages
 * completed before it are still handed over (as not at the end). */
#ifndef PLATES_OCR_H
#define PLATES_OCR_H

#include <stddef.h>

struct buf;

enum {
	OCR_KEPT,
	OCR_DROP_CARD,
	OCR_DROP_SMALL,
	OCR_DROP_COVER,
	OCR_DROP_NESTED,
	OCR_DROP_TEXT,
	OCR_NDROP
};

struct ocr_block {
	long l, t, r, b;	/* the box, or the union of its rects */
	int has_box;
	int drop;		/* OCR_KEPT or the filter that dropped it */
	double text;		/* hOCR: the share (0..1) covered by words */
	size_t order;		/* text lines of the page before it (reading order) */
	/* with ocr_config.text, for the kept blocks handed over: the caption
	 * and the running text before and after (ocr_text.c); else NULL */
	char *caption, *before, *after;
};

/* A line of text, with config.text: its box and its words in p->text. */
struct ocr_line {
	long l, t, r, b;
	long par;		/* the page's paragraph it belongs to (0, 1, ...) */
	size_t off, len;	/* its text: p->text[off .. off+len) */
};

struct ocr_page {
	long index;		/* 0-based, over the document's pages: the leaf
				 * for ABBYY, the access index for hOCR */
	long width, height;	/* -1 when missing */
	long dpi;		/* resolution (ABBYY resolution, hOCR scan_res;
				 * the first value when x and y differ); -1 */
	long leaf;		/* hOCR: the leaf its image names ("..._0012.jp2"
				 * in the title's image), else -1 */
	struct ocr_block *b;	/* in document order */
	size_t n, cap;
	/* with ocr_config.text: the lines in document order (reading order),
	 * at most OCR_MAX_LINES of them and OCR_MAX_TEXT bytes of text */
	struct ocr_line *lines;
	size_t nlines, lines_cap;
	char *text;
	size_t text_len, text_cap;
	long npars;		/* paragraphs started */
	int line_open;		/* the last line takes text */
	int space;		/* a space is due before the next word */
};

/* The filters' defaults: min_area below 0 means the format's own. */
#define OCR_MIN_AREA_ABBYY	10.0
#define OCR_MIN_AREA_HOCR	5.0
#define OCR_TEXT_PCT		50.0

struct ocr_config {
	double min_area;	/* percent of the page; < 0: the format's default */
	long cover_leaves;	/* the pages at each end where covers are sought */
	int keep_card;
	int keep_covers;
	int keep_nested;
	int no_filter;		/* no filter at all */
	int full_parse;		/* no pre-filter: every byte to the parser */
	int keep_text;		/* hOCR: keep boxes covered by words */
	int text;		/* read the lines: captions and context */
	double caption_gap;	/* percent of the page height (OCR_CAPTION_GAP) */
	int context_words;	/* words of context each side (0: none) */
};

struct ocr_stats {
	long npages;		/* pages started */
	unsigned long nblocks;	/* picture boxes */
	unsigned long kept, kept_pages;
	unsigned long dropped[OCR_NDROP];
};

/* A page with nkept blocks kept (p->b[i].drop == OCR_KEPT); the others
 * it still holds were dropped by the cover or nested rule. */
typedef void (*ocr_page_fn)(void *arg, const struct ocr_page *p, size_t nkept);

/* ---- the filters, for the readers (ocr_filter.c) ---- */

struct ocr_filter {
	struct ocr_config c;	/* min_area resolved */
	int card;		/* the colour-card rule applies (ABBYY) */
	ocr_page_fn fn;
	void *arg;
	struct ocr_page *held;	/* finished pages that may still be end covers */
	size_t nheld, held_cap;
	struct ocr_stats st;
};

/* min_area_default: the format's own (used when c->min_area < 0). */
void ocr_filter_init(struct ocr_filter *f, const struct ocr_config *c, double min_area_default,
    int card, ocr_page_fn fn, void *arg);
/* A page started: its index (st.npages counts it). */
long ocr_filter_page_start(struct ocr_filter *f);
/* A page ended: the page-local rules (card, small, then text: a box
 * whose share covered by words, set by the reader, is at least
 * OCR_TEXT_PCT), then hold it for the cover rule.  p is the
 * reader's page; it may be reused as soon as this returns. */
void ocr_filter_page_end(struct ocr_filter *f, struct ocr_page *p);
/* The end of the input: all 1 (the last pages are the end leaves) or 2
 * (the input broke off: none is known to be an end leaf). */
void ocr_filter_end(struct ocr_filter *f, int all);
void ocr_filter_free(struct ocr_filter *f);
/* A new block on p (zeroed). */
struct ocr_block *ocr_page_add(struct ocr_page *p);

/* ---- text: captions and context (ocr_text.c) ----
 *
 * The caption of a box: the lines directly below it, else directly
 * above.  A line is a candidate when it overlaps the box horizontally by
 * at least half the narrower of the two, is not vertical (taller than
 * twice its width), and lies on the box's side of its edge (its middle
 * below the bottom edge, or above the top edge).  The first band is every
 * candidate whose near edge lies within the gap (caption_gap percent of
 * the page height) of the box's edge; then the candidates of the same
 * paragraphs join while each lies within the gap of the band's far edge,
 * up to OCR_CAPTION_LINES lines in all (nearest first).  The lines come
 * in reading order, joined by spaces, cut to at most OCR_CAPTION_MAX
 * bytes (ocr_text_cut). */
#define OCR_CAPTION_GAP		5.0	/* percent of the page height */
#define OCR_CAPTION_MAX		1000	/* bytes of one caption */
#define OCR_CAPTION_LINES	5	/* lines of one caption */
#define OCR_CONTEXT_MAX		2000	/* bytes of context on each side */
#define OCR_CONTEXT_WORDS_MAX	200
#define OCR_MAX_LINES		20000	/* lines kept per page */
#define OCR_MAX_TEXT		(1 << 20)	/* bytes of text kept per page */

/* A paragraph starts on p (the lines after it belong to it). */
void ocr_par_start(struct ocr_page *p);
/* A line starts on p with box l t r b; its text follows.  Past the
 * bounds the line and its text are not kept. */
void ocr_line_start(struct ocr_page *p, long l, long t, long r, long b);
/* Text for the open line: whitespace and control characters are one
 * space between words; space forces a word break. */
void ocr_line_text(struct ocr_page *p, const char *s, size_t n);
void ocr_line_space(struct ocr_page *p);
void ocr_line_end(struct ocr_page *p);
/* Forget the page's text (a new page). */
void ocr_text_reset(struct ocr_page *p);
void ocr_text_free(struct ocr_page *p);
/* The caption of box b on p (rule above), appended to out; NUL-ended. */
void ocr_caption(const struct ocr_page *p, const struct ocr_block *b, double gap_pct,
    struct buf *out);
/* Up to nwords words of the text before reading position order (the
 * last ones) and after it (the first ones), each NUL-ended and at most
 * OCR_CONTEXT_MAX bytes. */
void ocr_context(const struct ocr_page *p, size_t order, int nwords, struct buf *before,
    struct buf *after);
/* Cut b to at most max bytes: at a word's end if it holds a space
 * before that, else at a character (UTF-8) boundary. */
void ocr_text_cut(struct buf *b, size_t max);

/* ---- the scanner for either format ---- */

enum { OCR_FORMAT_UNKNOWN, OCR_FORMAT_ABBYY, OCR_FORMAT_HOCR };

struct ocr_scan;

/* A scanner for one document; name is its name in messages.  xml_init
 * must have been called. */
struct ocr_scan *ocr_scan_new(const struct ocr_config *c, const char *name, ocr_page_fn fn,
    void *arg);
/* Feed p[0..n), which must be followed by a NUL byte; 0 ok, -1 the
 * document is broken (ocr_scan_error says why; feed no more). */
int ocr_scan_feed(struct ocr_scan *s, const char *p, size_t n);
/* End of input: 0 ok, -1 broken.  After a failure it only hands over the
 * pages still held. */
int ocr_scan_end(struct ocr_scan *s);
/* The input broke off (a read or decoding error, why; or NULL: a failed
 * transfer, no message of ours): hand over the complete pages, none of
 * them as an end leaf. */
void ocr_scan_abort(struct ocr_scan *s, const char *why);
/* Why the document is broken, and its line (0 if none is known); NULL if
 * it is not. */
const char *ocr_scan_error(const struct ocr_scan *s, unsigned long *line);
const struct ocr_stats *ocr_scan_stats(const struct ocr_scan *s);
/* OCR_FORMAT_*: UNKNOWN until enough bytes have come to tell. */
int ocr_scan_format(const struct ocr_scan *s);
/* What made the OCR: "abbyy", hOCR's ocr-system ("tesseract 5.3.0"), or
 * "hocr" when the document does not say; NULL while unknown. */
const char *ocr_scan_system(const struct ocr_scan *s);
void ocr_scan_free(struct ocr_scan *s);

#endif
