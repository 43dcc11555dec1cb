/* fuzz-hocr: the hOCR scanner (common/readers/hocr.h: the ocrx_cinfo
 * pre-filter in front of libxml2's SAX2 push parser, the words' text rule,
 * then the page filters) never crashes, leaks or reads out of bounds, and
 * the way the bytes arrive changes nothing: with full_parse (no
 * pre-filter) and without, whole or in pieces of 1 to 4093 bytes (as reads
 * from a pipe or a network body arrive), and one byte at a time for small
 * inputs, it hands over the same pages (every box kept, each box a cover or
 * nested box dropped late, the text shares) and the same verdict, well-formed
 * or broken; for a well-formed document also the same counts.  And
 * ocr_scan, which tells the format by the first bytes, tells the same
 * whole and in pieces, and gives the same as hocr_scan when it takes the
 * document for hOCR (ABBYY documents are fuzz-abbyy's).
 *
 * Not the line of an error, nor always its wording, as in fuzz-abbyy: on
 * malformed input libxml2's push parser waits for whole tags, so where it
 * notices the fault (and whether at the end of the input, which decides
 * "truncated?" and "not XML") depends on where the input was cut.
 *
 * Nor anything, beyond not crashing, for a document in an encoding other
 * than UTF-8 (a UTF-16 byte order mark, or another name in the XML
 * declaration): libxml2 converts each piece as it arrives, ahead of the
 * parser, and in pieces it lets through bytes the encoding does not allow
 * that it refuses whole, or refuses them before or after a page
 * (tests/fuzz/regress/fuzz-hocr/encoding-*).  Nor for a DOCTYPE with a '>' inside a
 * quoted literal: libxml2 2.9's push parser takes the first '>' for the
 * end of the declaration when the bytes come in pieces (it looks for one
 * before it parses), and then refuses a declaration it accepts whole
 * (tests/fuzz/regress/fuzz-hocr/doctype-literal-with-gt).
 *
 * With the lines' text read (-f caption, context), the pages are the same
 * again, and the captions and context the same with the pre-filter and
 * without it, whole and in pieces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "diag.h"
#include "fuzz.h"
#include "hocr.h"
#include "ocr.h"
#include "xmem.h"
#include "xml.h"

struct outcome {
	struct buf rows;
	struct buf texts;	/* with the text: captions and context */
	int failed;
	unsigned long errline;
	struct ocr_stats st;
};

/* Piece sizes: small ones cut names, attribute values, character
 * references and the pre-filter's tags apart; the larger ones keep the
 * run fast. */
static const size_t steps[] = { 1, 2, 3, 7, 64, 500, 4093 };
#define NSTEPS	(sizeof steps / sizeof steps[0])
#define BYTEWISE_MAX	4096	/* inputs fed one byte at a time too */

/* Every box of a handed page, one line each: page, size, dpi, box, drop,
 * text share (exactly). */
static void
on_page(void *arg, const struct ocr_page *p, size_t nkept)
{
	struct outcome *o = arg;
	struct buf *rows = &o->rows;
	size_t i;

	(void)nkept;
	for (i = 0; i < p->n; i++) {
		const struct ocr_block *b = &p->b[i];
		if (b->caption)
			buf_printf(&o->texts, "%s\t%s\t%s\n", b->caption, b->before, b->after);
		buf_printf(rows, "%ld\t%ld\t%ld\t%ld\t", p->index, p->width, p->height, p->dpi);
		if (b->has_box)
			buf_printf(rows, "%ld\t%ld\t%ld\t%ld", b->l, b->t, b->r, b->b);
		else
			buf_adds(rows, "\t\t\t");
		buf_printf(rows, "\t%d\t%a\n", b->drop, b->text);
	}
}

/* full_parse: 1 the full parse, and 2 the text read too; split: 0 whole,
 * 1 in the sizes of steps, 2 one byte at a time; ocr: through ocr_scan
 * (then *format is what it told). */
static void
run(const unsigned char *data, size_t n, int full_parse, int split, int ocr, int *format,
    struct outcome *o)
{
	struct ocr_config c = { .min_area = -1, .cover_leaves = 5, .caption_gap = 5,
		.context_words = 30 };
	struct hocr_scan *h = NULL;
	struct ocr_scan *s = NULL;
	char *piece;
	size_t i = 0, k, step = 0;
	int rc = 0;

	c.full_parse = full_parse & 1;
	c.text = full_parse >> 1;
	memset(o, 0, sizeof *o);
	if (ocr)
		s = ocr_scan_new(&c, "fuzz.html", on_page, o);
	else
		h = hocr_scan_new(&c, "fuzz.html", on_page, o);
	piece = xmalloc(n + 1);
	while (i < n && rc == 0) {
		k = split == 0 ? n : split == 1 ? steps[step++ % NSTEPS] : 1;
		if (k > n - i)
			k = n - i;
		/* the scanner wants a NUL after each piece */
		memcpy(piece, data + i, k);
		piece[k] = '\0';
		rc = s ? ocr_scan_feed(s, piece, k) : hocr_scan_feed(h, piece, k);
		i += k;
	}
	if (s) {
		ocr_scan_end(s);
		o->failed = ocr_scan_error(s, &o->errline) != NULL;
		o->st = *ocr_scan_stats(s);
		*format = ocr_scan_format(s);
		ocr_scan_free(s);
	} else {
		hocr_scan_end(h);
		o->failed = hocr_scan_error(h, &o->errline) != NULL;
		o->st = *hocr_scan_stats(h);
		hocr_scan_free(h);
	}
	free(piece);
}

/* Does the DOCTYPE (if any) hold a '>' inside quotes, in its external ID or
 * its internal subset? */
static int
doctype_quoted_gt(const unsigned char *p, size_t n)
{
	static const char decl[] = "<!DOCTYPE";
	size_t i, k = sizeof decl - 1;
	int q = 0, subset = 0;

	for (i = 0; i + k <= n && memcmp(p + i, decl, k) != 0; i++)
		;
	for (i += k; i < n; i++) {
		if (q) {
			if (p[i] == q)
				q = 0;
			else if (p[i] == '>')
				return 1;
		} else if (p[i] == '"' || p[i] == '\'') {
			q = p[i];
		} else if (p[i] == '[') {
			subset = 1;
		} else if (p[i] == ']') {
			subset = 0;
		} else if (p[i] == '>' && !subset) {
			return 0;
		}
	}
	return 0;
}

/* Is the document in an encoding other than UTF-8 (or ASCII)? */
static int
foreign_encoding(const unsigned char *p, size_t n)
{
	size_t i = 0, k;
	const unsigned char *end;

	if (n >= 2 && ((p[0] == 0xfe && p[1] == 0xff) || (p[0] == 0xff && p[1] == 0xfe)))
		return 1;
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	if (n - i < 5 || memcmp(p + i, "<?xml", 5) != 0)
		return n > i && p[i] == 0;	/* UTF-16 or UCS-4 without a mark */
	for (end = p + i; end + 1 < p + n && memcmp(end, "?>", 2) != 0; end++)
		;
	for (; i + 8 < (size_t)(end - p) && memcmp(p + i, "encoding", 8) != 0; i++)
		;
	if (i + 8 >= (size_t)(end - p))
		return 0;
	for (i += 8; i < (size_t)(end - p) && p[i] && strchr(" \t\r\n=", p[i]); i++)
		;
	if (i >= (size_t)(end - p) || (p[i] != '"' && p[i] != '\''))
		return 0;
	for (k = ++i; k < (size_t)(end - p) && p[k] != p[i - 1]; k++)
		;
	return !((k - i == 5 && strncasecmp((const char *)p + i, "UTF-8", 5) == 0) ||
	    (k - i == 8 && strncasecmp((const char *)p + i, "US-ASCII", 8) == 0));
}

static int
same(const struct outcome *a, const struct outcome *b)
{
	return a->failed == b->failed &&
	    a->rows.len == b->rows.len &&
	    (a->rows.len == 0 || memcmp(a->rows.s, b->rows.s, a->rows.len) == 0) &&
	    (a->failed || memcmp(&a->st, &b->st, sizeof a->st) == 0);
}

/* The same captions and context (when both went through). */
static int
same_text(const struct outcome *a, const struct outcome *b)
{
	return a->failed || b->failed || (a->texts.len == b->texts.len &&
	    (a->texts.len == 0 || memcmp(a->texts.s, b->texts.s, a->texts.len) == 0));
}

static void
differ(const char *what, const struct outcome *a, const struct outcome *b)
{
	fprintf(stderr, "fuzz-hocr: %s differ: %d:%lu %zu bytes of rows, %lu kept, against "
	    "%d:%lu %zu bytes, %lu kept\n", what, a->failed, a->errline, a->rows.len, a->st.kept,
	    b->failed, b->errline, b->rows.len, b->st.kept);
	abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	static int ready;
	struct outcome o[10];	/* full parse, pre-filter, each whole and in pieces;
				 * one byte at a time; ocr_scan whole and in pieces;
				 * reading the text: pre-filter whole and in pieces,
				 * full parse whole */
	int i, format = OCR_FORMAT_UNKNOWN, format_pieces = OCR_FORMAT_UNKNOWN;

	if (!ready) {
		diag_init("abbyy-pictures");
		diag_set_quiet(1);
		xml_init();
		ready = 1;
	}
	for (i = 0; i < 4; i++)
		run(data, n, i < 2, i % 2, 0, NULL, &o[i]);
	if (n <= BYTEWISE_MAX)
		run(data, n, 0, 2, 0, NULL, &o[4]);
	else
		memset(&o[4], 0, sizeof o[4]);
	run(data, n, 0, 0, 1, &format, &o[5]);
	run(data, n, 0, 1, 1, &format_pieces, &o[6]);
	run(data, n, 2, 0, 0, NULL, &o[7]);
	run(data, n, 2, 1, 0, NULL, &o[8]);
	run(data, n, 3, 0, 0, NULL, &o[9]);
	if (doctype_quoted_gt(data, n) || foreign_encoding(data, n))
		goto out;
	if (!same(&o[0], &o[2]))
		differ("full parse and pre-filter, in one piece,", &o[0], &o[2]);
	if (!same(&o[1], &o[3]))
		differ("full parse and pre-filter, in pieces,", &o[1], &o[3]);
	if (!same(&o[0], &o[1]))
		differ("one piece and pieces", &o[0], &o[1]);
	if (n <= BYTEWISE_MAX && !same(&o[2], &o[4]))
		differ("one piece and single bytes", &o[2], &o[4]);
	if (format == OCR_FORMAT_UNKNOWN)
		differ("ocr_scan's format after the end", &o[2], &o[5]);
	if (format == OCR_FORMAT_HOCR && !same(&o[2], &o[5]))
		differ("hocr_scan and ocr_scan", &o[2], &o[5]);
	if (format != format_pieces)
		differ("ocr_scan's format in one piece and in pieces", &o[5], &o[6]);
	if (format == OCR_FORMAT_HOCR && !same(&o[3], &o[6]))
		differ("hocr_scan and ocr_scan, in pieces,", &o[3], &o[6]);
	if (!same(&o[2], &o[7]))
		differ("without and with the text", &o[2], &o[7]);
	if (!same_text(&o[7], &o[8]))
		differ("the text in one piece and in pieces", &o[7], &o[8]);
	if (!same_text(&o[7], &o[9]))
		differ("the text with the pre-filter and without", &o[7], &o[9]);
out:
	for (i = 0; i < 10; i++) {
		buf_free(&o[i].rows);
		buf_free(&o[i].texts);
	}
	return 0;
}
