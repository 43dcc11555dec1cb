/* test-hocr: the hOCR scanner (hocr.h) and the scanner that tells ABBYY
 * from hOCR by content (ocr_scan, ocr.h), on the Tesseract item under
 * tests/fixtures/tesseract/:
 *   - every ocr_photo box against the answer key, from the word-level
 *     hOCR and the gzip chOCR, whole and in pieces, with and without the
 *     pre-filter, with each page's size and scan_res;
 *   - the filters (small, text, covers, nested, alone and together)
 *     against a reference computed here from the answer key and the
 *     words' boxes read out of the hOCR;
 *   - Tesseract before 5.1, whose pictures are blocks of blank words;
 *   - ocr_scan: hOCR and the ABBYY files of tests/fixtures/ia/abbyy/ told
 *     apart by content, however the first bytes arrive;
 *   - broken documents: their messages and lines, and the pages handed
 *     over before the fault. */
#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "files.h"

#include "abbyy.h"
#include "buf.h"
#include "diag.h"
#include "hocr.h"
#include "io.h"
#include "json.h"
#include "ocr.h"
#include "xml.h"

#define DIR	"tests/fixtures/tesseract/"
#define ITEM	"platessample00test"
#define HOCR	DIR ITEM "_hocr.html"
#define CHOCR	DIR ITEM "_chocr.html.gz"
#define KEY	DIR ITEM ".expected.json"

/* ---- running a scanner ---- */

enum { USE_HOCR, USE_OCR, USE_ABBYY };

struct result {
	struct buf pages;	/* "index W H dpi: l t r b; ...\n", kept blocks */
	double text[256];	/* the kept blocks' text shares, in order */
	size_t ntext;
	int failed;
	unsigned long line;
	struct buf err;
	struct ocr_stats st;
	int format;		/* ocr_scan_format after the end (USE_OCR) */
	struct buf system;	/* hocr_scan_system or ocr_scan_system; "(null)" */
};

static void
on_page(void *arg, const struct ocr_page *p, size_t nkept)
{
	struct result *r = arg;
	size_t i, n = 0;

	buf_printf(&r->pages, "%ld %ld %ld %ld:", p->index, p->width, p->height, p->dpi);
	for (i = 0; i < p->n; i++) {
		const struct ocr_block *b = &p->b[i];
		if (b->drop != OCR_KEPT) {
			/* what a handed page still holds was dropped late */
			if (b->drop != OCR_DROP_COVER && b->drop != OCR_DROP_NESTED)
				buf_printf(&r->pages, " (dropped by %d);", b->drop);
			continue;
		}
		n++;
		if (b->has_box)
			buf_printf(&r->pages, " %ld %ld %ld %ld;", b->l, b->t, b->r, b->b);
		else
			buf_adds(&r->pages, " -;");
		if (r->ntext < sizeof r->text / sizeof r->text[0])
			r->text[r->ntext++] = b->text;
	}
	buf_addc(&r->pages, '\n');
	if (n != nkept)
		buf_printf(&r->pages, "kept %zu, counted %zu\n", nkept, n);
}

static void
result_free(struct result *r)
{
	buf_free(&r->pages);
	buf_free(&r->err);
	buf_free(&r->system);
}

/* Scan p[0..len) with one of the scanners, in pieces of step bytes (0:
 * whole); why: the input broke off after it (NULL: it ended). */
static void
scan_mem(int use, const char *name, const char *p, size_t len, const struct ocr_config *c,
    size_t step, const char *why, struct result *r)
{
	struct hocr_scan *h = NULL;
	struct ocr_scan *o = NULL;
	struct abbyy_scan *a = NULL;
	struct buf piece = BUF_INIT;
	const char *e = NULL, *sys = NULL;
	size_t i, n;
	int rc = 0;

	memset(r, 0, sizeof *r);
	if (use == USE_HOCR)
		h = hocr_scan_new(c, name, on_page, r);
	else if (use == USE_OCR)
		o = ocr_scan_new(c, name, on_page, r);
	else
		a = abbyy_scan_new(c, name, on_page, r);
	for (i = 0; i < len && rc == 0; i += n) {
		n = step && len - i > step ? step : len - i;
		buf_reset(&piece);
		buf_add(&piece, p + i, n);	/* NUL-terminated */
		rc = h ? hocr_scan_feed(h, piece.s, n) : o ? ocr_scan_feed(o, piece.s, n) :
		    abbyy_scan_feed(a, piece.s, n);
	}
	if (why && h)
		hocr_scan_abort(h, why);
	else if (why && o)
		ocr_scan_abort(o, why);
	else if (why)
		abbyy_scan_abort(a, why);
	else if (h)
		hocr_scan_end(h);
	else if (o)
		ocr_scan_end(o);
	else
		abbyy_scan_end(a);
	if (h) {
		e = hocr_scan_error(h, &r->line);
		r->st = *hocr_scan_stats(h);
		sys = hocr_scan_system(h);
	} else if (o) {
		e = ocr_scan_error(o, &r->line);
		r->st = *ocr_scan_stats(o);
		sys = ocr_scan_system(o);
		r->format = ocr_scan_format(o);
	} else {
		e = abbyy_scan_error(a, &r->line);
		r->st = *abbyy_scan_stats(a);
	}
	if (e) {
		r->failed = 1;
		buf_adds(&r->err, e);
	}
	buf_adds(&r->system, sys ? sys : "(null)");
	hocr_scan_free(h);
	ocr_scan_free(o);
	abbyy_scan_free(a);
	buf_free(&piece);
}

/* The decoded bytes of path (plain or gzip) into b, as a tool reads them;
 * the read error, or NULL. */
static const char *
read_file(const char *path, struct buf *b, struct io_in **inp)
{
	struct io_in *in = io_open(path);
	char chunk[65536];
	ssize_t k = 0;

	buf_reset(b);
	buf_add(b, "", 0);
	*inp = in;
	if (!in)
		return "cannot open";
	while ((k = io_read(in, chunk, sizeof chunk)) > 0)
		buf_add(b, chunk, (size_t)k);
	return k < 0 ? io_error(in) : NULL;
}

/* Line of the first byte of needle in s (1-based), 0 if it is not there. */
static unsigned long
line_of(const char *s, const char *needle)
{
	const char *at = strstr(s, needle);
	unsigned long line = 1;

	if (!at)
		return 0;
	for (; s < at; s++)
		line += *s == '\n';
	return line;
}

/* ---- the answer key, and the words read out of the hOCR here ---- */

#define MAXPAGES	16
#define MAXPHOTOS	32

struct box {
	long l, t, r, b;
};

static struct ref_page {
	long index, width, height, dpi;
	struct box photo[MAXPHOTOS];
	int nphoto;
	struct box *word;	/* the non-blank words */
	size_t nword, blank;
	double share[MAXPHOTOS];	/* of each photo covered by words */
} ref[MAXPAGES];
static int nref;

static int
on_key(void *arg, const struct json_event *ev)
{
	struct ref_page *p = nref > 0 ? &ref[nref - 1] : NULL;
	int *coord = arg;

	if (ev->type == JSON_MAP_START && json_path_is(ev, "pages[]")) {
		if (nref == MAXPAGES)
			return 1;
		ref[nref++].index = -1;
	} else if (!p) {
		return 0;
	} else if (ev->type == JSON_NUMBER && json_path_is(ev, "pages[].index")) {
		p->index = strtol(ev->val, NULL, 10);
	} else if (ev->type == JSON_NUMBER && json_path_is(ev, "pages[].width")) {
		p->width = strtol(ev->val, NULL, 10);
	} else if (ev->type == JSON_NUMBER && json_path_is(ev, "pages[].height")) {
		p->height = strtol(ev->val, NULL, 10);
	} else if (ev->type == JSON_ARRAY_START && json_path_is(ev, "pages[].photos[]")) {
		if (p->nphoto == MAXPHOTOS)
			return 1;
		p->nphoto++;
		*coord = 0;
	} else if (ev->type == JSON_NUMBER && json_path_is(ev, "pages[].photos[][]")) {
		long v = strtol(ev->val, NULL, 10);
		struct box *b = &p->photo[p->nphoto - 1];
		switch ((*coord)++) {
		case 0: b->l = v; break;
		case 1: b->t = v; break;
		case 2: b->r = v; break;
		case 3: b->b = v; break;
		default: return 1;
		}
	}
	return 0;
}

/* Four numbers after "key " within the title that starts at s. */
static int
title_nums(const char *s, const char *key, long v[4], int n)
{
	const char *end = strchr(s, '\'');
	const char *at = strstr(s, key);

	if (!end || !at || at > end)
		return -1;
	at += strlen(key);
	return n == 4 ? (sscanf(at, "%ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3]) == 4 ? 0 : -1) :
	    (sscanf(at, "%ld", &v[0]) == 1 ? 0 : -1);
}

/* The pages' sizes and scan_res, and every word's box, by plain string
 * search over Tesseract's word-level hOCR (one word per span, its text
 * right after the tag). */
static int
read_words(const char *html)
{
	static const char page_tag[] = "<div class='ocr_page' id='", word_tag[] =
	    "<span class='ocrx_word' id='";
	const char *p = html, *np, *nw, *t, *text, *q;
	int page = -1, bad = 0;
	long v[4];

	for (;;) {
		np = strstr(p, page_tag);
		nw = strstr(p, word_tag);
		if (!np && !nw)
			break;
		if (np && (!nw || np < nw)) {
			if (++page >= nref)
				return -1;
			t = strstr(np, "title='") + 7;
			if (title_nums(t, "bbox ", v, 4) < 0 || v[0] != 0 || v[1] != 0 ||
			    v[2] != ref[page].width || v[3] != ref[page].height)
				bad++;
			if (title_nums(t, "; scan_res ", v, 1) < 0)
				bad++;
			ref[page].dpi = v[0];
			p = np + 1;
			continue;
		}
		if (page < 0)
			return -1;
		t = strstr(nw, "title='bbox ");
		if (!t || title_nums(t + 7, "bbox ", v, 4) < 0)
			return -1;
		text = strchr(t + 7, '\'') + 1;
		if (*text != '>' || !(q = strchr(text, '<')) || strncmp(q, "</span>", 7) != 0)
			return -1;
		text++;
		while (text < q && strchr(" \t\r\n", *text))
			text++;
		if (text == q) {
			ref[page].blank++;
		} else {
			struct ref_page *rp = &ref[page];
			rp->word = realloc(rp->word, (rp->nword + 1) * sizeof *rp->word);
			if (!rp->word)
				abort();
			rp->word[rp->nword++] = (struct box){ v[0], v[1], v[2], v[3] };
		}
		p = q;
	}
	return bad || page + 1 != nref ? -1 : 0;
}

/* The share of box b covered by the union of the page's word boxes,
 * counted pixel by pixel. */
static double
share(const struct ref_page *p, const struct box *b)
{
	long w = b->r - b->l, h = b->b - b->t, x, y, covered = 0;
	unsigned char *px;
	size_t i;

	if (w <= 0 || h <= 0)
		return 0;
	if (!(px = calloc((size_t)w * (size_t)h, 1)))
		abort();
	for (i = 0; i < p->nword; i++) {
		const struct box *k = &p->word[i];
		for (y = k->t > b->t ? k->t : b->t; y < (k->b < b->b ? k->b : b->b); y++)
			for (x = k->l > b->l ? k->l : b->l; x < (k->r < b->r ? k->r : b->r); x++)
				px[(y - b->t) * w + (x - b->l)] = 1;
	}
	for (x = 0; x < w * h; x++)
		covered += px[x];
	free(px);
	return (double)covered / (double)(w * h);
}

static void
read_reference(void)
{
	struct json_stream *js;
	struct buf b = BUF_INIT;
	long words = 0, blank = 0;
	int coord = 0, i, j;

	files_slurp(KEY, &b);
	js = json_new(on_key, &coord);
	ok(json_feed(js, b.s, b.len) == 0 && json_finish(js) == 0, "the answer key reads");
	json_free(js);
	is_int(nref, 9, "the key has 9 pages");
	for (i = 0; i < nref; i++)
		is_int(ref[i].index, i, "key page %d has index %d", i, i);
	files_slurp(HOCR, &b);
	is_int(read_words(b.s), 0, "the hOCR's pages match the key's sizes, each has a scan_res");
	for (i = 0; i < nref; i++) {
		words += (long)ref[i].nword;
		blank += (long)ref[i].blank;
		for (j = 0; j < ref[i].nphoto; j++)
			ref[i].share[j] = share(&ref[i], &ref[i].photo[j]);
	}
	/* counted with grep -c ocrx_word when the fixture was added */
	is_int(words + blank, 3682, "3682 words read out of the hOCR");
	is_int(blank, 0, "none of them blank");
	buf_free(&b);
}

/* The key's pages: "index W H dpi: l t r b; ...\n" */
static void
key_pages(struct buf *out)
{
	int i, j;

	for (i = 0; i < nref; i++) {
		buf_printf(out, "%ld %ld %ld %ld:", ref[i].index, ref[i].width, ref[i].height,
		    ref[i].dpi);
		for (j = 0; j < ref[i].nphoto; j++)
			buf_printf(out, " %ld %ld %ld %ld;", ref[i].photo[j].l, ref[i].photo[j].t,
			    ref[i].photo[j].r, ref[i].photo[j].b);
		buf_addc(out, '\n');
	}
}

static long
area(const struct box *b)
{
	return b->r > b->l && b->b > b->t ? (b->r - b->l) * (b->b - b->t) : 0;
}

/* What the filters of ocr.h should make of the key's pages under c,
 * computed from their words: the kept blocks as on_page writes them, the
 * text shares of the kept blocks, and the counts. */
struct expect {
	struct buf pages;
	double text[256];
	size_t ntext;
	struct ocr_stats st;
};

static void
expect_filters(const struct ocr_config *c, struct expect *x)
{
	/* the defaults ocr.h names: 5% for hOCR, text 50%, covers 95% */
	double min_area = c->min_area < 0 ? 5.0 : c->min_area;
	int i, j, k, drop[MAXPHOTOS], nkept;

	memset(x, 0, sizeof *x);
	x->st.npages = nref;
	for (i = 0; i < nref; i++) {
		const struct ref_page *p = &ref[i];
		double pa = (double)p->width * (double)p->height;
		int end = i < c->cover_leaves || i >= nref - c->cover_leaves;

		x->st.nblocks += (unsigned long)p->nphoto;
		for (j = 0; j < p->nphoto; j++) {
			double a = (double)area(&p->photo[j]);
			drop[j] = OCR_KEPT;
			if (c->no_filter)
				continue;
			if (a < pa * min_area / 100)
				drop[j] = OCR_DROP_SMALL;
			else if (!c->keep_text && p->share[j] >= 0.5)
				drop[j] = OCR_DROP_TEXT;
			else if (!c->keep_covers && end && a >= pa * 0.95)
				drop[j] = OCR_DROP_COVER;
		}
		/* nested: inside another box that survived the rules above (of
		 * two equal boxes, the first stays) */
		for (j = 0; j < p->nphoto && !c->no_filter && !c->keep_nested; j++) {
			const struct box *a = &p->photo[j];
			if (drop[j] != OCR_KEPT)
				continue;
			for (k = 0; k < p->nphoto; k++) {
				const struct box *o = &p->photo[k];
				if (k == j || (drop[k] != OCR_KEPT && drop[k] != OCR_DROP_NESTED))
					continue;
				if (o->l <= a->l && o->t <= a->t && o->r >= a->r && o->b >= a->b &&
				    (k < j || memcmp(o, a, sizeof *a) != 0)) {
					drop[j] = OCR_DROP_NESTED;
					break;
				}
			}
		}
		nkept = 0;
		for (j = 0; j < p->nphoto; j++) {
			x->st.dropped[drop[j]]++;
			nkept += drop[j] == OCR_KEPT;
		}
		if (!nkept)
			continue;
		x->st.kept += (unsigned long)nkept;
		x->st.kept_pages++;
		buf_printf(&x->pages, "%ld %ld %ld %ld:", p->index, p->width, p->height, p->dpi);
		for (j = 0; j < p->nphoto; j++) {
			if (drop[j] != OCR_KEPT)
				continue;
			buf_printf(&x->pages, " %ld %ld %ld %ld;", p->photo[j].l, p->photo[j].t,
			    p->photo[j].r, p->photo[j].b);
			x->text[x->ntext++] = p->share[j];
		}
		buf_addc(&x->pages, '\n');
	}
	x->st.dropped[OCR_KEPT] = 0;
}

/* ---- small documents ---- */

/* An hOCR document as Tesseract writes it, with an ocr-system meta of
 * content system (NULL: none) and body between <body> and </body>. */
static void
doc(struct buf *b, const char *system, const char *body)
{
	buf_reset(b);
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
	    "    \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n"
	    " <head>\n  <title></title>\n"
	    "  <meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n");
	if (system)
		buf_printf(b, "  <meta name='ocr-system' content='%s' />\n", system);
	buf_printf(b, " </head>\n <body>\n%s </body>\n</html>\n", body);
}

#define PAGE(n, extra) "  <div class='ocr_page' id='page_" #n "' title='image \"p" #n ".jpg\"; " \
	"bbox 0 0 1000 1500; ppageno " #n "; scan_res 300 300'>\n" extra "  </div>\n"
#define WORD(id, box, text) "      <span class='ocrx_word' id='word_" id "' title='bbox " box \
	"; x_wconf 95'>" text "</span>\n"
#define CAREA(id, box, words) "   <div class='ocr_carea' id='block_" id "' title=\"bbox " box \
	"\">\n    <p class='ocr_par' id='par_" id "' lang='eng' title=\"bbox " box "\">\n" \
	"     <span class='ocr_line' id='line_" id "' title=\"bbox " box "; baseline 0 0; " \
	"x_size 30; x_descenders 5; x_ascenders 5\">\n" words "     </span>\n    </p>\n   </div>\n"
#define PHOTO(id, box) "   <div class='ocr_photo' id='block_" id "' title=\"bbox " box "\"></div>\n"

/* ---- every box, from both files, whole and in pieces ---- */

/* One scan of the fixture file without filters, against the key (want). */
static void
key_run(int use, const char *file, const struct buf *data, int full, size_t step,
    const char *want)
{
	struct ocr_config c = { .no_filter = 1 };
	struct buf what = BUF_INIT;
	struct result r;

	c.full_parse = full;
	buf_printf(&what, "%s%s%s, pieces of %zu", use == USE_OCR ? "ocr_scan, " : "", file,
	    full ? " (full parse)" : "", step);
	scan_mem(use, file, data->s, data->len, &c, step, NULL, &r);
	is_int(r.failed, 0, "%s: no error (%s)", buf_str(&what), buf_str(&r.err));
	is_str(buf_str(&r.pages), want, "%s: every box of the key, with the page's size and "
	    "scan_res", buf_str(&what));
	is_int(r.st.npages, 9, "%s: 9 pages", buf_str(&what));
	is_int(r.st.nblocks, 35, "%s: 35 boxes", buf_str(&what));
	is_int(r.st.kept, 35, "%s: all kept without filters", buf_str(&what));
	is_int(r.st.kept_pages, 9, "%s: on 9 pages", buf_str(&what));
	is_str(buf_str(&r.system), "tesseract 5.3.0", "%s: the OCR system", buf_str(&what));
	if (use == USE_OCR)
		is_int(r.format, OCR_FORMAT_HOCR, "%s: hOCR", buf_str(&what));
	result_free(&r);
	buf_free(&what);
}

static void
test_answer_key(void)
{
	static const char *const files[] = { HOCR, CHOCR };
	static const size_t steps[] = { 0, 1, 7, 4093 };
	struct buf want = BUF_INIT, data = BUF_INIT;
	struct io_in *in;
	size_t f, i;
	int full, nphotos = 0, j;

	key_pages(&want);
	for (j = 0; j < nref; j++)
		nphotos += ref[j].nphoto;
	is_int(nphotos, 35, "the key lists 35 ocr_photo boxes");
	for (f = 0; f < 2; f++) {
		ok(read_file(files[f], &data, &in) == NULL, "%s reads", files[f]);
		if (in)
			io_close(in);
		ok(f == 0 || strstr(data.s, "ocrx_cinfo") != NULL, "%s: character boxes", files[f]);
		for (full = 0; full < 2; full++)
			for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
				key_run(USE_HOCR, files[f], &data, full, steps[i], buf_str(&want));
		/* the scanner for either format */
		for (i = 0; i < sizeof steps / sizeof steps[0]; i += 2)
			key_run(USE_OCR, files[f], &data, 0, steps[i], buf_str(&want));
	}
	buf_free(&want);
	buf_free(&data);
}

/* ocr_scan sends ABBYY files to the ABBYY reader: the same pages as
 * abbyy_scan. */
static void
test_abbyy_by_content(void)
{
	struct ocr_config c = { .no_filter = 1 };
	struct buf data = BUF_INIT;
	struct result a, o;
	struct io_in *in;
	glob_t g;
	size_t i;

	if (glob("tests/fixtures/ia/abbyy/*.xml", 0, NULL, &g) != 0) {
		ok(0, "tests/fixtures/ia/abbyy/*.xml: no file");
		return;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		ok(read_file(path, &data, &in) == NULL, "%s reads", path);
		if (in)
			io_close(in);
		scan_mem(USE_ABBYY, path, data.s, data.len, &c, 0, NULL, &a);
		scan_mem(USE_OCR, path, data.s, data.len, &c, 4093, NULL, &o);
		is_int(o.format, OCR_FORMAT_ABBYY, "ocr_scan, %s: ABBYY", path);
		is_str(buf_str(&o.system), "abbyy", "ocr_scan_system, %s", path);
		is_int(o.failed, 0, "ocr_scan, %s: no error (%s)", path, buf_str(&o.err));
		ok(a.pages.len > 0, "abbyy_scan, %s: pages", path);
		is_str(buf_str(&o.pages), buf_str(&a.pages), "ocr_scan, %s: abbyy_scan's pages",
		    path);
		is_int(o.st.nblocks, a.st.nblocks, "ocr_scan, %s: abbyy_scan's count", path);
		result_free(&a);
		result_free(&o);
	}
	globfree(&g);
	buf_free(&data);
}

/* ---- the filters on the fixture, against the reference ---- */

static const struct {
	const char *what;
	struct ocr_config c;
} filter_cases[] = {
	{ "defaults", { .min_area = -1, .cover_leaves = 5 } },
	{ "small alone", { .min_area = -1, .keep_covers = 1, .keep_nested = 1, .keep_text = 1 } },
	{ "text alone", { .min_area = 0, .keep_covers = 1, .keep_nested = 1 } },
	{ "covers alone", { .min_area = 0, .cover_leaves = 5, .keep_nested = 1, .keep_text = 1 } },
	{ "nested alone", { .min_area = 0, .keep_covers = 1, .keep_text = 1 } },
	{ "--min-area 0", { .min_area = 0, .cover_leaves = 5 } },
	{ "--min-area 1", { .min_area = 1, .cover_leaves = 5 } },
	{ "--min-area 10", { .min_area = 10, .cover_leaves = 5 } },
	{ "--cover-leaves 2", { .min_area = -1, .cover_leaves = 2 } },
	{ "--cover-leaves 2 --keep-text", { .min_area = -1, .cover_leaves = 2, .keep_text = 1 } },
	{ "--cover-leaves 0 --keep-text", { .min_area = -1, .keep_text = 1 } },
	{ "--keep-card (no card in hOCR)", { .min_area = -1, .cover_leaves = 5, .keep_card = 1 } },
	{ "--keep-covers --keep-nested", { .min_area = -1, .cover_leaves = 5, .keep_covers = 1,
	    .keep_nested = 1 } },
	{ "defaults, full parse", { .min_area = -1, .cover_leaves = 5, .full_parse = 1 } },
};

/* The counts of ocr_stats.dropped, by name. */
static void
drops(const struct ocr_stats *st, struct buf *out)
{
	buf_reset(out);
	buf_printf(out, "card %lu, small %lu, text %lu, cover %lu, nested %lu",
	    st->dropped[OCR_DROP_CARD], st->dropped[OCR_DROP_SMALL], st->dropped[OCR_DROP_TEXT],
	    st->dropped[OCR_DROP_COVER], st->dropped[OCR_DROP_NESTED]);
}

/* One scan of the fixture file under filter case i, against the
 * reference. */
static void
filter_run(const char *file, const struct buf *data, size_t i)
{
	const char *what = filter_cases[i].what;
	const struct ocr_config *c = &filter_cases[i].c;
	struct buf got = BUF_INIT, want = BUF_INIT;
	struct expect x;
	struct result r;
	size_t k;

	expect_filters(c, &x);
	scan_mem(USE_HOCR, file, data->s, data->len, c, strstr(file, ".gz") ? 4093 : 0, NULL, &r);
	is_str(buf_str(&r.pages), buf_str(&x.pages), "%s, %s: the boxes kept", file, what);
	is_int(r.st.kept, x.st.kept, "%s, %s: %lu kept", file, what, x.st.kept);
	is_int(r.st.kept_pages, x.st.kept_pages, "%s, %s: on %lu pages", file, what,
	    x.st.kept_pages);
	drops(&r.st, &got);
	drops(&x.st, &want);
	is_str(buf_str(&got), buf_str(&want), "%s, %s: the drops", file, what);
	/* the text rule ran: the kept boxes carry their share */
	for (k = 0; !c->keep_text && k < x.ntext && k < r.ntext; k++)
		if (fabs(r.text[k] - x.text[k]) >= 1e-9)
			break;
	if (!c->keep_text)
		ok(k == x.ntext, "%s, %s: the kept boxes' shares covered by words", file, what);
	if (k < x.ntext && k < r.ntext)
		printf("#   kept box %zu: %.4f covered, want %.4f\n", k, r.text[k], x.text[k]);
	buf_free(&x.pages);
	buf_free(&got);
	buf_free(&want);
	result_free(&r);
}

static void
test_filters(void)
{
	static const char *const files[] = { HOCR, CHOCR };
	struct buf data = BUF_INIT, b = BUF_INIT;
	struct io_in *in;
	struct expect x;
	struct result r;
	size_t f, i;

	for (f = 0; f < 2; f++) {
		read_file(files[f], &data, &in);
		if (in)
			io_close(in);
		for (i = 0; i < sizeof filter_cases / sizeof filter_cases[0]; i++)
			filter_run(files[f], &data, i);
	}
	/* a word box counts once however many words share it */
	doc(&b, "tesseract 5.3.0", PAGE(1, PHOTO("1_1", "0 0 1000 1000")
	    CAREA("1_2", "0 0 1000 300", WORD("1_1", "0 0 1000 300", "Fig.")
		WORD("1_2", "0 0 1000 300", "1."))));
	scan_mem(USE_HOCR, "overlap.html", b.s, b.len, &filter_cases[0].c, 0, NULL, &r);
	is_str(buf_str(&r.pages), "0 1000 1500 300: 0 0 1000 1000;\n",
	    "a box 30%% covered by two words on the same spot is kept");
	ok(r.ntext == 1 && fabs(r.text[0] - 0.3) < 1e-9, "its share covered by words is 0.3 (%g)",
	    r.ntext ? r.text[0] : -1.0);
	result_free(&r);

	/* the words past HOCR_MAX_WORDS on a page are not counted */
	for (i = HOCR_MAX_WORDS - 1; i <= HOCR_MAX_WORDS; i++) {
		size_t k;
		buf_reset(&data);
		buf_adds(&data, "  <div class='ocr_page' title='bbox 0 0 1000 1000'>\n"
		    PHOTO("1_1", "100 100 500 500"));
		for (k = 0; k < i; k++)
			buf_adds(&data, WORD("1", "0 0 1 1", "x"));
		buf_adds(&data, WORD("2", "100 100 500 500", "over") "  </div>\n");
		doc(&b, "tesseract 5.3.0", data.s);
		scan_mem(USE_HOCR, "many-words.html", b.s, b.len, &filter_cases[0].c, 0, NULL, &r);
		is_str(buf_str(&r.pages),
		    i < HOCR_MAX_WORDS ? "" : "0 1000 1000 -1: 100 100 500 500;\n",
		    "%zu words, then one over the box: %s", i, i < HOCR_MAX_WORDS ?
		    "it counts, the box is text" : "past HOCR_MAX_WORDS, it does not count");
		result_free(&r);
	}

	/* what the defaults do on this item, spelled out */
	expect_filters(&filter_cases[0].c, &x);
	is_str(buf_str(&x.pages), "0 492 640 70: 56 46 416 542;\n"
	    "4 577 777 75: 310 0 577 261; 59 10 296 235;\n"
	    "5 931 1200 109: 224 716 574 911;\n", "the reference keeps the lion, both charts "
	    "and the advertisement's photo");
	is_int(x.st.dropped[OCR_DROP_SMALL], 27, "27 small");
	is_int(x.st.dropped[OCR_DROP_TEXT], 2, "2 text (the black-letter page)");
	is_int(x.st.dropped[OCR_DROP_COVER], 2, "2 covers (the framed page, the newspaper)");
	buf_free(&x.pages);
	buf_free(&data);
	buf_free(&b);
}

/* Before 5.1, Tesseract wrote an image block as a text block whose words
 * are blank; as words (W = WORD) or characters (W = CWORD). */
#define OLD_BODY(W) \
    PAGE(1, \
	CAREA("1_1", "100 100 900 300", \
	    W("1_1", "100 100 400 140", "Plate") W("1_2", "420 100 900 140", "IV.")) \
	CAREA("1_2", "100 400 900 1200", W("1_3", "100 400 900 1200", " ")) \
	CAREA("1_3", "100 1250 900 1450", \
	    W("1_4", "100 1250 500 1450", " ") W("1_5", "520 1250 900 1450", "x")) \
	CAREA("1_4", "50 20 950 90", \
	    W("1_6", "50 20 500 90", "  ") \
	    W("1_7", "520 20 950 90", "<strong><em> </em></strong>")) \
	PHOTO("1_5", "10 10 20 20")) \
    PAGE(2, CAREA("2_1", "0 0 1000 1500", W("2_1", "0 0 1000 1500", "\n       ")))
#define CWORD(id, box, text) "      <span class='ocrx_word' id='word_" id "' title='bbox " box \
	"; x_wconf 95'>\n       <span class='ocrx_cinfo' title='x_bboxes " box "; x_conf 99.5'>" \
	text "</span>\n      </span>\n"

static const char *const old_bodies[] = { OLD_BODY(WORD), OLD_BODY(CWORD) };

/* One of the small documents with system, without filters. */
static void
old_run(const char *system, const char *body, const char *kind, const char *want, int ok_old)
{
	const char *sys = system ? system : "no ocr-system";
	struct ocr_config c = { .no_filter = 1 };
	struct buf b = BUF_INIT;
	struct result r;
	int full;

	doc(&b, system, body);
	for (full = 0; full < 2; full++) {
		c.full_parse = full;
		scan_mem(USE_HOCR, "old.html", b.s, b.len, &c, full ? 1 : 0, NULL, &r);
		is_int(r.failed, 0, "%s, %s%s: no error (%s)", sys, kind,
		    full ? " (full parse)" : "", buf_str(&r.err));
		is_str(buf_str(&r.pages), want, "%s, %s%s: %s", sys, kind,
		    full ? " (full parse)" : "", ok_old ? "the blank-word blocks are pictures" :
		    "no blank word is a picture");
		is_str(buf_str(&r.system), system ? system : "(null)", "%s: hocr_scan_system", sys);
		result_free(&r);
	}
	scan_mem(USE_OCR, "old.html", b.s, b.len, &c, 0, NULL, &r);
	is_str(buf_str(&r.pages), want, "ocr_scan, %s, %s: the same", sys, kind);
	is_str(buf_str(&r.system), system ? system : "hocr", "ocr_scan_system, %s", sys);
	result_free(&r);
	buf_free(&b);
}

static void
test_old_tesseract(void)
{
	static const char old[] = "0 1000 1500 300: 100 400 900 1200; 50 20 950 90; 10 10 20 20;\n"
	    "1 1000 1500 300: 0 0 1000 1500;\n", photo[] = "0 1000 1500 300: 10 10 20 20;\n";
	static const struct {
		const char *system;
		int old;
	} cases[] = {
		{ "tesseract 5.0.0-alpha-20201231", 1 },
		{ "tesseract 4.1.1", 1 },
		{ "tesseract 5.0.1", 1 },
		{ "tesseract 3.05.01", 1 },
		{ "tesseract 5.1.0", 0 },
		{ "tesseract 5.3.0", 0 },
		{ "tesseract 5.3.0-3-g9920", 0 },
		{ "tesseract 5.10.0", 0 },
		{ "tesseract 10.0.0", 0 },
		{ "ABBYY FineReader 11", 0 },
		{ NULL, 0 },
	};
	struct ocr_config c = { .min_area = -1, .cover_leaves = 5 };
	struct buf b = BUF_INIT;
	struct result r;
	size_t i, k;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (k = 0; k < 2; k++)
			old_run(cases[i].system, old_bodies[k], k ? "chOCR" : "hOCR",
			    cases[i].old ? old : photo, cases[i].old);

	/* the blank-word blocks go through the filters: not text (no word
	 * counts), the one on page 2 a cover; the 90x7 strip small */
	doc(&b, "tesseract 4.1.1", old_bodies[0]);
	scan_mem(USE_HOCR, "old.html", b.s, b.len, &c, 0, NULL, &r);
	is_str(buf_str(&r.pages), "0 1000 1500 300: 100 400 900 1200;\n",
	    "tesseract 4.1.1, defaults: the big blank-word block kept");
	is_int(r.st.dropped[OCR_DROP_SMALL], 2, "tesseract 4.1.1, defaults: 2 small");
	is_int(r.st.dropped[OCR_DROP_COVER], 1, "tesseract 4.1.1, defaults: 1 cover");
	is_int(r.text[0] == 0, 1, "tesseract 4.1.1, defaults: no word covers it");
	result_free(&r);
	buf_free(&b);
}

/* The format is told by content, as soon as there are enough bytes. */
static void
test_sniff(void)
{
	static const struct {
		const char *doc, *what;
		int format;
	} cases[] = {
		{ "<html><body><div class='ocr_page' title='bbox 0 0 10 10'>"
		    "<div class='ocr_photo' title='bbox 0 0 5 5'></div></div></body></html>",
		    "a bare <html> root", OCR_FORMAT_HOCR },
		{ "\xef\xbb\xbf<!DOCTYPE html>\n<html><body>"
		    "<div class='ocr_page' title='bbox 0 0 10 10'></div></body></html>",
		    "a BOM and an HTML DOCTYPE", OCR_FORMAT_HOCR },
		{ "<?xml version=\"1.0\"?>\n<!-- <html> -->\n"
		    "<document xmlns=\"http://www.abbyy.com/FineReader_xml/"
		    "FineReader10-schema-v1.xml\"><page width=\"10\" height=\"10\">"
		    "</page></document>", "ABBYY after a comment naming <html>", OCR_FORMAT_ABBYY },
	};
	static const size_t steps[] = { 0, 1, 4093, 4096 };
	struct ocr_config c = { .no_filter = 1 };
	struct buf b = BUF_INIT;
	struct ocr_scan *s;
	struct result r;
	size_t i;

	s = ocr_scan_new(&c, "sniff", on_page, &r);
	memset(&r, 0, sizeof r);
	ocr_scan_feed(s, "<", 1);
	is_int(ocr_scan_format(s), OCR_FORMAT_UNKNOWN, "one byte \"<\": not known yet");
	ok(ocr_scan_system(s) == NULL, "one byte \"<\": no system yet");
	ocr_scan_free(s);
	result_free(&r);
	for (i = 0; i < sizeof cases / sizeof cases[0] * 2; i++) {
		const char *d = cases[i / 2].doc, *what = cases[i / 2].what;
		scan_mem(USE_OCR, "sniff", d, strlen(d), &c, i % 2, NULL, &r);
		is_int(r.format, cases[i / 2].format, "%s, pieces of %zu: format %d", what, i % 2,
		    cases[i / 2].format);
		is_int(r.failed, 0, "%s, pieces of %zu: no error (%s)", what, i % 2,
		    buf_str(&r.err));
		result_free(&r);
	}
	/* a long comment before the root: the same answer however it arrives */
	buf_adds(&b, "<?xml version=\"1.0\"?>\n<!--");
	for (i = 0; i < 5000; i++)
		buf_addc(&b, i % 64 ? 'x' : '\n');
	buf_adds(&b, "-->\n");
	buf_adds(&b, cases[0].doc);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		scan_mem(USE_OCR, "sniff", b.s, b.len, &c, steps[i], NULL, &r);
		is_int(r.format, OCR_FORMAT_HOCR, "a comment of 5000 bytes before <html>, "
		    "pieces of %zu: hOCR", steps[i]);
		is_str(buf_str(&r.pages), "0 10 10 -1: 0 0 5 5;\n", "the same, the page");
		result_free(&r);
	}
	buf_free(&b);
}

/* ---- broken documents ---- */

static void
bad(int use, const char *what, const char *p, size_t len, const char *why, const char *rows,
    unsigned long line, const char *msg)
{
	static const size_t steps[] = { 0, 1, 7, 4093 };
	struct ocr_config c = { .no_filter = 1 };
	struct buf how = BUF_INIT;
	struct result r;
	size_t i;
	int pass = 1;

	for (i = 0; pass && i < 2 * sizeof steps / sizeof steps[0]; i++) {
		size_t step = steps[i / 2];
		if (len > 100000 && step == 1)
			continue;
		c.full_parse = i % 2;
		buf_reset(&how);
		buf_printf(&how, "%s%s, pieces of %zu", what, c.full_parse ? " (full parse)" : "",
		    step);
		scan_mem(use, what, p, len, &c, step, why, &r);
		/* one failure is enough to see */
		pass = is_int(r.failed, 1, "%s: broken", buf_str(&how)) &&
		    is_str(buf_str(&r.err), msg, "%s: the message", buf_str(&how)) &&
		    is_int(r.line, line, "%s: at line %lu", buf_str(&how), line) &&
		    is_str(buf_str(&r.pages), rows, "%s: the pages before", buf_str(&how));
		result_free(&r);
	}
	buf_free(&how);
}

/* The first n pages of the key, as on_page writes them. */
static void
first_pages(int n, struct buf *out)
{
	struct buf all = BUF_INIT;
	const char *p;
	int i;

	key_pages(&all);
	for (p = all.s, i = 0; i < n && p; i++)
		p = strchr(p, '\n') + 1;
	buf_reset(out);
	buf_add(out, all.s, (size_t)(p - all.s));
	buf_free(&all);
}

/* The chOCR cut in the middle of page 6, in a character's tag; and the gzip
 * file cut in half. */
static void
test_truncated(void)
{
	struct buf chocr = BUF_INIT, gz = BUF_INIT, rows = BUF_INIT, path = BUF_INIT;
	struct buf got = BUF_INIT;
	struct ocr_config c = { .no_filter = 1 };
	struct hocr_scan *s;
	struct io_in *in;
	struct result r;
	const char *p6, *p7, *cut, *why;
	char dir[256];
	unsigned long line;
	size_t len, half;
	FILE *f;
	int pages;

	read_file(CHOCR, &chocr, &in);
	io_close(in);
	p6 = strstr(chocr.s, "<div class='ocr_page' id='page_6'");
	p7 = p6 ? strstr(p6, "<div class='ocr_page' id='page_7'") : NULL;
	if (!ok(p6 && p7, "chOCR: pages 6 and 7 found"))
		return;
	cut = strstr(p6 + (p7 - p6) / 2, "<span class='ocrx_cinfo'");
	cut += strlen("<span class='ocrx_cinfo' title='x_bb");
	len = (size_t)(cut - chocr.s);
	line = line_of(chocr.s, cut);
	first_pages(5, &rows);
	bad(USE_HOCR, "chOCR cut in page 6", chocr.s, len, NULL, buf_str(&rows), line,
	    "premature end of input inside <span> (truncated file?)");
	bad(USE_OCR, "chOCR cut in page 6 (ocr_scan)", chocr.s, len, NULL, buf_str(&rows), line,
	    "premature end of input inside <span> (truncated file?)");

	/* the same bytes, then a failed transfer: no message of the scanner's */
	memset(&r, 0, sizeof r);
	s = hocr_scan_new(&c, "cut", on_page, &r);
	hocr_scan_feed(s, chocr.s, len);
	hocr_scan_abort(s, NULL);
	ok(hocr_scan_error(s, &line) == NULL, "a failed transfer: no message of the scanner's");
	is_str(buf_str(&r.pages), buf_str(&rows), "a failed transfer: the 5 pages before");
	hocr_scan_free(s);
	result_free(&r);

	/* the gzip file cut in half, read as a tool reads it */
	files_slurp(CHOCR, &gz);
	if (files_tmpdir(dir, sizeof dir, "test-hocr") < 0)
		return;
	buf_printf(&path, "%s/cut_chocr.html.gz", dir);
	half = gz.len / 2;
	f = fopen(buf_str(&path), "wb");
	ok(f && fwrite(gz.s, 1, half, f) == half && fclose(f) == 0, "the cut gzip file written");
	why = read_file(buf_str(&path), &got, &in);
	ok(why != NULL, "the cut gzip file fails to read (%s)", why ? why : "no error");
	for (p6 = got.s, pages = -1; (p6 = strstr(p6, "<div class='ocr_page'")) != NULL; p6++)
		pages++;
	ok(pages > 0 && pages < 9 && got.s[got.len - 1] != '\n',
	    "it breaks off mid-line in page %d", pages + 1);
	first_pages(pages, &rows);
	for (line = 1, p6 = got.s; *p6; p6++)
		line += *p6 == '\n';
	bad(USE_HOCR, "chOCR.gz cut in half", got.s, got.len, why, buf_str(&rows), line, why);
	if (in)
		io_close(in);
	files_rmdir(dir);
	buf_free(&chocr);
	buf_free(&gz);
	buf_free(&rows);
	buf_free(&path);
	buf_free(&got);
}

static void
test_broken(void)
{
	static const char page1[] = "0 1000 1500 300: 10 10 20 20;\n";
	struct buf b = BUF_INIT;
	int use;

	for (use = USE_HOCR; use <= USE_OCR; use++) {
		const char *how = use == USE_HOCR ? "hocr_scan" : "ocr_scan";
		struct buf what = BUF_INIT;

		buf_printf(&what, "%s: not XML", how);
		buf_reset(&b);
		buf_adds(&b, "hello, world\nthis is text\n");
		bad(use, buf_str(&what), b.s, b.len, NULL, "", 1, "not XML: no root element found");

		buf_reset(&what);
		buf_printf(&what, "%s: an HTML page that is not hOCR", how);
		doc(&b, NULL, "  <div class='page'>\n   <p>Just a web page.</p>\n  </div>\n");
		bad(use, buf_str(&what), b.s, b.len, NULL, "", 0,
		    "not hOCR: an HTML document without a single ocr_page");

		buf_reset(&what);
		buf_printf(&what, "%s: an ocr_page without a bbox", how);
		doc(&b, "tesseract 5.3.0", PAGE(1, PHOTO("1_1", "10 10 20 20"))
		    "  <div class='ocr_page' id='page_2' title='image \"p2.jpg\"; ppageno 1'>\n"
		    PHOTO("2_1", "10 10 20 20") "  </div>\n" PAGE(3, PHOTO("3_1", "10 10 20 20")));
		bad(use, buf_str(&what), b.s, b.len, NULL, page1,
		    line_of(b.s, "<div class='ocr_page' id='page_2'"),
		    "page 2 ('page_2') has no bbox in its title");

		buf_reset(&what);
		buf_printf(&what, "%s: a DOCTYPE with an internal subset", how);
		buf_reset(&b);
		buf_adds(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE html [\n"
		    " <!ENTITY a \"aaaaaaaaaa\">\n"
		    " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n]>\n<html><body>\n"
		    PAGE(1, PHOTO("1_1", "10 10 20 20")) "<p>&b;</p></body></html>\n");
		bad(use, buf_str(&what), b.s, b.len, NULL, "", 3,
		    "entity declaration 'a' not allowed (entities are never loaded or expanded)");

		buf_reset(&what);
		buf_printf(&what, "%s: a DOCTYPE with an internal subset, no entity", how);
		buf_reset(&b);
		buf_adds(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE html [\n"
		    " <!ATTLIST div class CDATA 'ocr_photo' title CDATA 'bbox 0 0 1000 1500'>\n]>\n"
		    "<html><body>\n" PAGE(1, PHOTO("1_1", "10 10 20 20")) "</body></html>\n");
		bad(use, buf_str(&what), b.s, b.len, NULL, "", 3, "attribute declaration 'class' "
		    "not allowed (hOCR declares nothing; a DTD is never loaded)");

		buf_reset(&what);
		buf_printf(&what, "%s: an entity without a DOCTYPE", how);
		buf_reset(&b);
		buf_adds(&b, "<html><body>\n" PAGE(1, PHOTO("1_1", "10 10 20 20"))
		    PAGE(2, CAREA("2_1", "0 0 10 10", WORD("2_1", "0 0 10 10", "a&nbsp;b")))
		    "</body></html>\n");
		bad(use, buf_str(&what), b.s, b.len, NULL, page1, line_of(b.s, "&nbsp;"),
		    "Entity 'nbsp' not defined");

		buf_reset(&what);
		buf_printf(&what, "%s: an entity XHTML's DTD would define", how);
		doc(&b, "tesseract 5.3.0", PAGE(1, PHOTO("1_1", "10 10 20 20"))
		    PAGE(2, CAREA("2_1", "0 0 10 10", WORD("2_1", "0 0 10 10", "a&nbsp;b"))));
		bad(use, buf_str(&what), b.s, b.len, NULL, page1, line_of(b.s, "&nbsp;"),
		    "Entity 'nbsp' not defined");

		buf_reset(&what);
		buf_printf(&what, "%s: empty", how);
		bad(use, buf_str(&what), "", 0, NULL, "", 1, "empty input");
		buf_free(&what);
	}
	buf_reset(&b);
	buf_adds(&b, "<?xml version=\"1.0\"?>\n"
	    "<document><page width=\"10\" height=\"10\"/></document>\n");
	bad(USE_HOCR, "hocr_scan: an ABBYY document", b.s, b.len, NULL, "", 2,
	    "not hOCR: the root element is <document>, not <html>");
	buf_free(&b);
}

int
main(void)
{
	int i;

	diag_init("test-hocr");
	xml_init();
	read_reference();
	test_answer_key();
	test_abbyy_by_content();
	test_filters();
	test_old_tesseract();
	test_sniff();
	test_truncated();
	test_broken();
	for (i = 0; i < nref; i++)
		free(ref[i].word);
	xml_cleanup();
	return tap_done();
}
