/* fuzz-abbyy: the ABBYY scanner (common/readers/abbyy.h: the charParams
 * pre-filter in front of libxml2's SAX2 push parser, then the page filters) never crashes,
 * leaks or reads out of bounds, and the pre-filter changes nothing: with
 * --full-parse (no pre-filter) and without, whether the input comes in one
 * piece or in pieces of varied sizes (as reads from a pipe or a network
 * body arrive), the same rows (every block, --blocks) and the same verdict,
 * well-formed or broken.
 *
 * Not the line of an error, nor always its wording: on malformed input
 * libxml2's push parser waits for whole tags, so where it notices the
 * fault (and whether that is at the end of the input, which decides our
 * "truncated?" and "not XML" messages) depends on where the input was cut.
 * The pre-filter cuts it too, around the elements it takes out.  Fuzzing
 * found that difference three times (tests/fuzz/regress/fuzz-abbyy/); two
 * were our messages (bad bytes, broken UTF-16) and are fixed.
 *
 * Nor, between one piece and many, the rows before an input conversion
 * error (a broken UTF-16 file; reported without a line): libxml2 converts
 * each piece as it arrives, ahead of the parser, and stops at once, so how
 * many whole pages were parsed before depends on the pieces.
 *
 * With the text read (-f caption, context: the pre-filter keeps each
 * character's text), the rows are the same again, and the captions and
 * context the same whether the input came whole or in pieces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abbyy.h"
#include "buf.h"
#include "diag.h"
#include "fuzz.h"
#include "xmem.h"
#include "xml.h"

struct outcome {
	struct buf rows;
	struct buf texts;	/* with the text: captions and context */
	int failed;
	unsigned long errline;
};

/* Piece sizes for the third way: small ones cut names, attribute values
 * and "-->" apart; the larger ones keep the run fast. */
static const size_t steps[] = { 1, 2, 3, 7, 64, 500, 4093 };

/* The kept blocks, one line each: page, box, page size. */
static void
on_page(void *arg, const struct ocr_page *p, size_t nkept)
{
	struct outcome *o = arg;
	struct buf *rows = &o->rows;
	size_t i;

	(void)nkept;
	for (i = 0; i < p->n; i++) {
		const struct ocr_block *b = &p->b[i];
		if (b->drop)
			continue;
		if (b->caption)
			buf_printf(&o->texts, "%s\t%s\t%s\n", b->caption, b->before, b->after);
		buf_printf(rows, "%ld\t", p->index);
		if (b->has_box)
			buf_printf(rows, "%ld\t%ld\t%ld\t%ld", b->l, b->t, b->r, b->b);
		else
			buf_adds(rows, "\t\t\t");
		buf_printf(rows, "\t%ld\t%ld\n", p->width, p->height);
	}
}

static void
run(const unsigned char *data, size_t n, int full_parse, int split, int text, struct outcome *o)
{
	struct ocr_config c = { .min_area = 10, .cover_leaves = 5, .caption_gap = 5,
		.context_words = 30 };
	struct abbyy_scan *s;
	char *piece;
	size_t i = 0, k, step = 0;

	c.full_parse = full_parse;
	c.text = text;
	memset(o, 0, sizeof *o);
	s = abbyy_scan_new(&c, "fuzz.xml", on_page, o);
	piece = xmalloc(n + 1);
	while (i < n) {
		k = split ? steps[step++ % (sizeof steps / sizeof steps[0])] : n;
		if (k > n - i)
			k = n - i;
		/* the scanner wants a NUL after each piece */
		memcpy(piece, data + i, k);
		piece[k] = '\0';
		if (abbyy_scan_feed(s, piece, k) < 0)
			break;
		i += k;
	}
	abbyy_scan_end(s);
	o->failed = abbyy_scan_error(s, &o->errline) != NULL;
	abbyy_scan_free(s);
	free(piece);
}

static int
same(const struct outcome *a, const struct outcome *b)
{
	return a->failed == b->failed &&
	    a->rows.len == b->rows.len &&
	    (a->rows.len == 0 || memcmp(a->rows.s, b->rows.s, a->rows.len) == 0);
}

static void
differ(const char *what, const struct outcome *a, const struct outcome *b)
{
	fprintf(stderr, "fuzz-abbyy: %s differ: %d:%lu %zu bytes against %d:%lu %zu bytes\n",
	    what, a->failed, a->errline, a->rows.len, b->failed, b->errline, b->rows.len);
	abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	static int ready;
	struct outcome o[6];	/* full parse, filtered, keeping text; each whole, in pieces */
	int i;

	if (!ready) {
		diag_init("abbyy-pictures");
		diag_set_quiet(1);
		xml_init();
		ready = 1;
	}
	for (i = 0; i < 6; i++)
		run(data, n, i < 2, i % 2, i >= 4, &o[i]);
	if (!same(&o[0], &o[2]))
		differ("full parse and filtered, in one piece,", &o[0], &o[2]);
	if (!same(&o[1], &o[3]))
		differ("full parse and filtered, in pieces,", &o[1], &o[3]);
	if (!same(&o[0], &o[1]) && !(o[0].failed && o[1].failed && o[0].errline == 0))
		differ("one piece and pieces", &o[0], &o[1]);
	if (!same(&o[2], &o[4]))
		differ("filtered and keeping text, in one piece,", &o[2], &o[4]);
	if (!same(&o[3], &o[5]))
		differ("filtered and keeping text, in pieces,", &o[3], &o[5]);
	if (!o[4].failed && !o[5].failed && (o[4].texts.len != o[5].texts.len ||
	    (o[4].texts.len && memcmp(o[4].texts.s, o[5].texts.s, o[4].texts.len) != 0)))
		differ("the text in one piece and in pieces", &o[4], &o[5]);
	for (i = 0; i < 6; i++) {
		buf_free(&o[i].rows);
		buf_free(&o[i].texts);
	}
	return 0;
}
