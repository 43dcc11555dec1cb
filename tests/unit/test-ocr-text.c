/* test-ocr-text: a page's lines and the caption and context rules
 * (ocr_text.c, ocr.h) on pages made here, and the text the ABBYY reader
 * gets through the pre-filter's keep-text mode against the full parse's
 * on every ABBYY fixture. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "abbyy.h"
#include "buf.h"
#include "hocr.h"
#include "files.h"
#include "ocr.h"
#include "xml.h"

#define DIR	"tests/fixtures/ia/abbyy/"

static void
line(struct ocr_page *p, long l, long t, long r, long b, const char *text)
{
	ocr_line_start(p, l, t, r, b);
	ocr_line_text(p, text, strlen(text));
	ocr_line_end(p);
}

static struct ocr_block
box(long l, long t, long r, long b)
{
	struct ocr_block x;

	memset(&x, 0, sizeof x);
	x.l = l;
	x.t = t;
	x.r = r;
	x.b = b;
	x.has_box = 1;
	return x;
}

static const char *
caption(const struct ocr_page *p, struct ocr_block b, double gap)
{
	static struct buf out;

	ocr_caption(p, &b, gap, &out);
	return buf_str(&out);
}

static void
page_init(struct ocr_page *p, long w, long h)
{
	memset(p, 0, sizeof *p);
	p->width = w;
	p->height = h;
}

static void
test_lines(void)
{
	struct ocr_page p;

	page_init(&p, 1000, 1000);
	line(&p, 0, 0, 10, 10, "  two\t words\n\r ");
	line(&p, 0, 20, 10, 30, " \t ");
	ocr_line_start(&p, 0, 40, 10, 50);
	ocr_line_text(&p, "a", 1);
	ocr_line_space(&p);
	ocr_line_text(&p, "b", 1);
	ocr_line_text(&p, "c", 1);
	ocr_line_end(&p);
	is_int(p.nlines, 2, "a line without text is no line");
	is_int(p.lines[0].len, 9, "whitespace and control bytes: one space between words");
	ok(memcmp(p.text, "two wordsa bc", 13) == 0, "the page's text: %.*s", (int)p.text_len, p.text);
	ocr_text_reset(&p);
	is_int(p.nlines, 0, "reset");
	ocr_text_free(&p);
}

static void
test_bounds(void)
{
	struct ocr_page p;
	struct buf b = BUF_INIT;
	char big[4096];
	size_t i;

	page_init(&p, 1000, 1000);
	for (i = 0; i < OCR_MAX_LINES + 10; i++)
		line(&p, 0, 0, 10, 10, "x");
	is_int(p.nlines, OCR_MAX_LINES, "lines kept per page: OCR_MAX_LINES");
	ocr_text_reset(&p);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	for (i = 0; i < 2 * OCR_MAX_TEXT / sizeof big; i++)
		line(&p, 0, 0, 10, 10, big);
	ok(p.text_len <= OCR_MAX_TEXT, "text kept per page at most OCR_MAX_TEXT (%zu)", p.text_len);
	ocr_text_free(&p);

	/* a cut never splits a character */
	buf_adds(&b, "ab\xc3\xa9");
	ocr_text_cut(&b, 3);
	is_str(buf_str(&b), "ab", "a cut at a character boundary");
	buf_reset(&b);
	buf_adds(&b, "ab \xe2\x82\xac");
	ocr_text_cut(&b, 5);
	is_str(buf_str(&b), "ab", "and without a trailing space");
	buf_reset(&b);
	buf_adds(&b, "one two three");
	ocr_text_cut(&b, 10);
	is_str(buf_str(&b), "one two", "a cut at a word's end");
	buf_free(&b);
}

static void
test_caption(void)
{
	struct ocr_page p;
	struct buf cap = BUF_INIT;
	struct ocr_block b;
	char text[64];
	int i;

	/* a picture 100..500 x 100..400 on a 1000 x 1000 page: gap 5% = 50 */
	page_init(&p, 1000, 1000);
	ocr_par_start(&p);
	line(&p, 120, 40, 480, 60, "Heading above");
	ocr_par_start(&p);
	line(&p, 150, 420, 450, 440, "Fig. 1. The first line");
	line(&p, 150, 445, 450, 465, "and the second.");
	ocr_par_start(&p);
	line(&p, 100, 480, 900, 500, "Body text after a gap of 15.");
	line(&p, 100, 505, 900, 525, "More body text.");
	is_str(caption(&p, box(100, 100, 500, 400), 5), "Fig. 1. The first line and the second.",
	    "below, the caption's paragraph; the next paragraph is not followed");
	is_str(caption(&p, box(100, 100, 500, 400), 1), "", "a gap of 1%% (10 px) finds nothing");
	is_str(caption(&p, box(100, 100, 500, 380), 5), "Fig. 1. The first line and the second.",
	    "a line 40 px below is within 50");
	is_str(caption(&p, box(600, 100, 900, 400), 5), "",
	    "no line overlaps by half the narrower");
	is_str(caption(&p, box(100, 120, 500, 600), 5), "",
	    "nothing below or above within the gap");
	is_str(caption(&p, box(100, 90, 500, 600), 5), "Heading above",
	    "nothing below: the lines above");
	ocr_text_free(&p);

	/* the bottom edge: no room below, so above */
	page_init(&p, 1000, 1000);
	line(&p, 100, 560, 500, 580, "Plate II. Above the picture");
	is_str(caption(&p, box(100, 600, 500, 1000), 5), "Plate II. Above the picture",
	    "a picture at the bottom edge: the line above");
	/* vertical text is never a caption */
	line(&p, 510, 100, 530, 560, "vertical");
	line(&p, 150, 40, 170, 90, "up");
	is_str(caption(&p, box(100, 100, 500, 500), 5), "", "a line taller than twice its width "
	    "is vertical text");
	ocr_text_free(&p);

	/* a caption split across two columns, under a picture across both */
	page_init(&p, 1000, 1000);
	ocr_par_start(&p);
	line(&p, 50, 420, 450, 440, "Fig. 2. Left half,");
	line(&p, 50, 445, 450, 465, "its second line;");
	ocr_par_start(&p);
	line(&p, 550, 420, 950, 440, "right half");
	is_str(caption(&p, box(50, 100, 950, 400), 5), "Fig. 2. Left half, its second line; right half",
	    "split across columns: both, in reading order");
	/* two pictures over one caption line */
	ocr_text_reset(&p);
	line(&p, 250, 420, 750, 440, "Two views of one thing");
	ocr_caption(&p, &(struct ocr_block){ .l = 50, .t = 100, .r = 450, .b = 400, .has_box = 1 }, 5,
	    &cap);
	is_str(buf_str(&cap), "Two views of one thing", "several pictures share a caption (left)");
	is_str(caption(&p, box(550, 100, 950, 400), 5), "Two views of one thing", "(right)");
	ocr_text_free(&p);

	/* at most OCR_CAPTION_LINES lines, at most OCR_CAPTION_MAX bytes */
	page_init(&p, 1000, 1000);
	ocr_par_start(&p);
	for (i = 0; i < 10; i++) {
		snprintf(text, sizeof text, "line%d", i);
		line(&p, 100, 410 + 20 * i, 500, 425 + 20 * i, text);
	}
	is_str(caption(&p, box(100, 100, 500, 400), 5), "line0 line1 line2 line3 line4",
	    "at most OCR_CAPTION_LINES lines");
	ocr_text_reset(&p);
	ocr_par_start(&p);
	{
		char big[700];
		memset(big, 'w', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		big[300] = ' ';
		line(&p, 100, 410, 500, 425, big);
		line(&p, 100, 430, 500, 445, big);
		b = box(100, 100, 500, 400);
		ocr_caption(&p, &b, 5, &cap);
		ok(cap.len <= OCR_CAPTION_MAX && cap.len > OCR_CAPTION_MAX - 400,
		    "a caption is cut to OCR_CAPTION_MAX bytes (%zu)", cap.len);
	}
	ocr_text_free(&p);
	/* a page without height or lines, a box without box */
	page_init(&p, -1, -1);
	line(&p, 100, 410, 500, 425, "x");
	is_str(caption(&p, box(100, 100, 500, 400), 5), "", "a page without a height");
	p.height = 1000;
	b = box(100, 100, 500, 400);
	b.has_box = 0;
	ocr_caption(&p, &b, 5, &cap);
	is_str(buf_str(&cap), "", "a block without a box");
	ocr_text_free(&p);
	buf_free(&cap);
}

static void
test_context(void)
{
	struct ocr_page p;
	struct buf bef = BUF_INIT, aft = BUF_INIT;

	page_init(&p, 1000, 1000);
	line(&p, 0, 0, 10, 10, "one two three");
	line(&p, 0, 0, 10, 10, "four five");
	/* the picture comes here: order 2 */
	line(&p, 0, 0, 10, 10, "six seven");
	line(&p, 0, 0, 10, 10, "eight nine ten");
	ocr_context(&p, 2, 3, &bef, &aft);
	is_str(buf_str(&bef), "three four five", "3 words before");
	is_str(buf_str(&aft), "six seven eight", "3 words after");
	ocr_context(&p, 2, 2, &bef, &aft);
	is_str(buf_str(&bef), "four five", "2 words before: one line");
	is_str(buf_str(&aft), "six seven", "2 words after: one line");
	ocr_context(&p, 0, 30, &bef, &aft);
	is_str(buf_str(&bef), "", "nothing before the first line");
	is_str(buf_str(&aft), "one two three four five six seven eight nine ten", "all after");
	ocr_context(&p, 4, 30, &bef, &aft);
	is_str(buf_str(&bef), "one two three four five six seven eight nine ten", "all before");
	is_str(buf_str(&aft), "", "nothing after the last");
	ocr_text_free(&p);
	buf_free(&bef);
	buf_free(&aft);
}

/* ---- the ABBYY reader: keep-text against the full parse ---- */

static void
on_page(void *arg, const struct ocr_page *p, size_t nkept)
{
	struct buf *b = arg;
	size_t i;

	(void)nkept;
	for (i = 0; i < p->n; i++)
		if (!p->b[i].drop)
			buf_printf(b, "%ld [%s] [%s] [%s]\n", p->index, p->b[i].caption,
			    p->b[i].before, p->b[i].after);
}

static void
scan(const char *path, int full, struct buf *out)
{
	struct ocr_config c = { .no_filter = 1, .text = 1, .caption_gap = 100,
		.context_words = OCR_CONTEXT_WORDS_MAX };
	struct buf data = BUF_INIT;
	struct ocr_scan *s;

	c.full_parse = full;
	files_slurp(path, &data);
	s = ocr_scan_new(&c, path, on_page, out);
	ocr_scan_feed(s, data.s, data.len);
	ok(ocr_scan_end(s) == 0, "%s: %s", path, full ? "full parse" : "pre-filter keeping text");
	ocr_scan_free(s);
	buf_free(&data);
}

static void
test_abbyy_text(void)
{
	static const char *const files[] = { "ia_homerichymnsvers00sarg_0_fr10_excerpt.xml",
		"readux_fr6v1_132pages.xml", "mewel_fr10_newspaper_page.xml",
		"ucd_lehmann_2725_fr10_page.xml", NULL };
	int i;

	for (i = 0; files[i]; i++) {
		struct buf a = BUF_INIT, b = BUF_INIT;
		char path[256];
		snprintf(path, sizeof path, DIR "%s", files[i]);
		scan(path, 1, &a);
		scan(path, 0, &b);
		ok(a.len > 0 && strcmp(buf_str(&a), buf_str(&b)) == 0,
		    "%s: captions and context the same both ways (%zu bytes)", files[i], a.len);
		ok(strstr(buf_str(&a), "  ") == NULL && strchr(buf_str(&a), '\t') == NULL,
		    "%s: single spaces, no tab", files[i]);
		buf_free(&a);
		buf_free(&b);
	}
}

int
main(void)
{
	xml_init();
	test_lines();
	test_bounds();
	test_caption();
	test_context();
	test_abbyy_text();
	xml_cleanup();
	return tap_done();
}
