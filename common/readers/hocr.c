/* hocr: the hOCR scanner; see hocr.h. */
#include "hocr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>

#include "buf.h"
#include "hocr_prefilter.h"
#include "xmem.h"
#include "xml.h"
#include "xmlscan.h"

#define SYSTEM_MAX	128	/* bytes of ocr-system kept */

struct word {
	long l, t, r, b;
};

struct edge;

struct hocr_scan {
	struct xmlscan x;	/* first: the SAX context is the scan */
	const xmlChar *n_html, *n_meta, *n_name, *n_content, *n_class, *n_title, *n_id;

	struct ocr_filter f;
	struct hocr_pf *pf;	/* the ocrx_cinfo pre-filter */
	struct buf fbuf;	/* its output */
	int blank_blocks;	/* Tesseract before 5.1: blank-word blocks are pictures */
	char system[SYSTEM_MAX];

	unsigned long depth;	/* open elements */
	unsigned long page_depth;	/* of the open ocr_page, or 0 */
	unsigned long area_depth;	/* of the open ocr_carea, or 0 */
	unsigned long word_depth;	/* of the open ocrx_word, or 0 */
	unsigned long line_depth;	/* of the open line (config.text), or 0 */
	int text;		/* config.text: keep the lines */
	long area_box[4];
	int area_has_box;
	unsigned long area_words, area_inked;
	struct word word;	/* the open word's box */
	int word_has_box, word_inked;
	struct ocr_page cur;
	struct word *words;	/* the page's non-blank words */
	size_t nwords, words_cap;
	struct word *clip, *active;	/* covered()'s scratch */
	struct edge *edges;
	size_t clip_cap;
};

/* ---- titles: "image \"x.jpg\"; bbox 0 0 492 640; scan_res 70 70" ---- */

/* Up to max whole numbers of property name in title v[0..n): how many
 * were read (a fractional part is cut off); -1 if the property is not
 * there. */
static int
title_prop(const xmlChar *v, const xmlChar *end, const char *name, long *out, int max)
{
	size_t k = strlen(name);
	const xmlChar *p = v;

	while (p < end) {
		const xmlChar *q;
		int quoted = 0, got = 0;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		/* this property runs to the next ';' outside quotes */
		for (q = p; q < end && (quoted || *q != ';'); q++)
			if (*q == '"')
				quoted = !quoted;
		if ((size_t)(q - p) > k && memcmp(p, name, k) == 0 &&
		    (p[k] == ' ' || p[k] == '\t')) {
			const xmlChar *r = p + k;
			while (got < max) {
				long n = 0;
				int neg = 0, digits = 0;
				while (r < q && (*r == ' ' || *r == '\t'))
					r++;
				if (r < q && *r == '-')
					neg = 1, r++;
				for (; r < q && *r >= '0' && *r <= '9'; r++, digits++)
					if (n < 100000000L)
						n = n * 10 + (*r - '0');
				if (!digits)
					break;
				if (r < q && *r == '.')
					for (r++; r < q && *r >= '0' && *r <= '9'; r++)
						;
				out[got++] = neg ? -n : n;
			}
			return got;
		}
		p = q < end ? q + 1 : q;
	}
	return -1;
}

/* The leaf an image name gives: "/tmp/ID_jp2/ID_0012.jp2" is leaf 12
 * (the Internet Archive's page images); -1 for any other name. */
static long
image_leaf(const xmlChar *v, const xmlChar *end)
{
	const xmlChar *p, *q, *e;
	long n = 0;

	for (p = v; p + 6 <= end && memcmp(p, "image ", 6) != 0; p++)
		;
	if (p + 7 > end || p[6] != '"')
		return -1;
	p += 7;
	for (q = p; q < end && *q != '"'; q++)
		;
	if (q == end || q - p < 6 || (memcmp(q - 4, ".jp2", 4) != 0 && memcmp(q - 4, ".tif", 4) != 0))
		return -1;
	e = q - 4;
	for (q = e; q > p && q[-1] >= '0' && q[-1] <= '9'; q--)
		;
	if (q == e || e - q > 6 || q == p || q[-1] != '_')
		return -1;
	for (; q < e; q++)
		n = n * 10 + (*q - '0');
	return n;
}

/* Is token tok one of the words of the class attribute v[0..n)? */
static int
has_class(const xmlChar *v, const xmlChar *end, const char *tok)
{
	size_t k = strlen(tok);
	const xmlChar *p = v;

	while (p < end) {
		const xmlChar *q;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		for (q = p; q < end && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r'; q++)
			;
		if ((size_t)(q - p) == k && memcmp(p, tok, k) == 0)
			return 1;
		p = q;
	}
	return 0;
}

/* The value of attribute name (interned), or NULL. */
static const xmlChar *
attr(int nattr, const xmlChar **a, const xmlChar *name, const xmlChar **end)
{
	int i;

	for (i = 0; i < nattr; i++, a += 5)
		if (a[0] == name && !a[1]) {
			*end = a[4];
			return a[3];
		}
	return NULL;
}

/* Is the class attribute v[0..n) one of a text line's (Tesseract's
 * ocr_line, ocr_caption, ocr_header, ocr_textfloat; ocrx_line)? */
static int
is_line(const xmlChar *v, const xmlChar *end)
{
	static const char *const classes[] = { "ocr_line", "ocr_caption", "ocr_header",
		"ocr_textfloat", "ocrx_line", NULL };
	int i;

	for (i = 0; classes[i]; i++)
		if (has_class(v, end, classes[i]))
			return 1;
	return 0;
}

/* ---- the document's system ---- */

/* "tesseract 5.0.0-alpha-20201231": a Tesseract before 5.1? */
static int
before_5_1(const char *sys)
{
	long major = 0, minor = 0;
	const char *p;

	if (strncasecmp(sys, "tesseract ", 10) != 0)
		return 0;
	p = sys + 10;
	if (*p == 'v')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++)
		major = major * 10 + (*p - '0') > 1000 ? 1000 : major * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			minor = minor * 10 + (*p - '0') > 1000 ? 1000 : minor * 10 + (*p - '0');
	return major < 5 || (major == 5 && minor < 1);
}

static void
on_meta(struct hocr_scan *s, int nattr, const xmlChar **a)
{
	const xmlChar *name, *ne = NULL, *content, *ce = NULL;
	size_t n;

	name = attr(nattr, a, s->n_name, &ne);
	content = attr(nattr, a, s->n_content, &ce);
	if (!name || !content || ne - name != 10 || memcmp(name, "ocr-system", 10) != 0)
		return;
	n = (size_t)(ce - content);
	if (n >= sizeof s->system)
		n = sizeof s->system - 1;
	memcpy(s->system, content, n);
	s->system[n] = '\0';
	for (; n > 0; n--)
		if ((unsigned char)s->system[n - 1] < 0x20)
			s->system[n - 1] = ' ';
	s->blank_blocks = before_5_1(s->system);
}

/* ---- pages ---- */

struct edge {
	long x;
	size_t w;		/* the word */
	int in;			/* 1 its left edge, 0 its right */
};

static int
edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	return x->x < y->x ? -1 : x->x > y->x ? 1 : y->in - x->in;
}

static int
span_cmp(const void *a, const void *b)
{
	const struct word *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

/* The area of the union of the page's word boxes inside box b: a sweep
 * from left to right over the words' edges; in each slab, the length of
 * the union of the words' spans. */
static double
covered(struct hocr_scan *s, const struct ocr_block *b)
{
	size_t i, n = 0, na = 0, k;
	double area = 0;
	long prev = 0;

	for (i = 0; i < s->nwords; i++) {
		const struct word *w = &s->words[i];
		struct word c;
		c.l = w->l > b->l ? w->l : b->l;
		c.t = w->t > b->t ? w->t : b->t;
		c.r = w->r < b->r ? w->r : b->r;
		c.b = w->b < b->b ? w->b : b->b;
		if (c.r <= c.l || c.b <= c.t)
			continue;
		if (n == s->clip_cap) {
			s->clip_cap = s->clip_cap ? s->clip_cap * 2 : 64;
			s->clip = xreallocarray(s->clip, s->clip_cap, sizeof *s->clip);
			s->edges = xreallocarray(s->edges, s->clip_cap * 2, sizeof *s->edges);
			s->active = xreallocarray(s->active, s->clip_cap, sizeof *s->active);
		}
		s->clip[n++] = c;
	}
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		s->edges[2 * i] = (struct edge){ s->clip[i].l, i, 1 };
		s->edges[2 * i + 1] = (struct edge){ s->clip[i].r, i, 0 };
	}
	qsort(s->edges, 2 * n, sizeof *s->edges, edge_cmp);
	for (i = 0; i < 2 * n; i++) {
		const struct edge *e = &s->edges[i];
		if (na > 0 && e->x > prev) {
			/* the slab prev..e->x: the union of the active spans */
			long len = 0, top = 0, bot = 0;
			qsort(s->active, na, sizeof *s->active, span_cmp);
			for (k = 0; k < na; k++) {
				if (k == 0 || s->active[k].t > bot) {
					len += bot - top;
					top = s->active[k].t;
					bot = s->active[k].b;
				} else if (s->active[k].b > bot) {
					bot = s->active[k].b;
				}
			}
			len += bot - top;
			area += (double)(e->x - prev) * (double)len;
		}
		prev = e->x;
		if (e->in) {
			s->active[na++] = s->clip[e->w];
		} else {
			/* take one span of this word out */
			for (k = 0; k < na; k++)
				if (s->active[k].t == s->clip[e->w].t && s->active[k].b == s->clip[e->w].b &&
				    s->active[k].l == s->clip[e->w].l && s->active[k].r == s->clip[e->w].r)
					break;
			if (k < na)
				s->active[k] = s->active[--na];
		}
	}
	return area;
}

/* The share of each box covered by the page's words (the text rule of
 * ocr.h decides with it). */
static void
text_shares(struct hocr_scan *s)
{
	struct ocr_page *p = &s->cur;
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct ocr_block *b = &p->b[i];
		double a;
		if (!b->has_box || b->r <= b->l || b->b <= b->t || s->nwords == 0)
			continue;
		a = (double)(b->r - b->l) * (double)(b->b - b->t);
		b->text = covered(s, b) / a;
	}
}

static void
page_end(struct hocr_scan *s)
{
	text_shares(s);
	s->page_depth = 0;
	ocr_filter_page_end(&s->f, &s->cur);
	s->nwords = 0;
}

static void
page_start(struct hocr_scan *s, int nattr, const xmlChar **a)
{
	const xmlChar *t, *te = NULL;
	long box[4], res[2];

	s->cur.n = 0;
	s->nwords = 0;
	s->line_depth = 0;
	ocr_text_reset(&s->cur);
	s->cur.index = ocr_filter_page_start(&s->f);
	s->cur.width = s->cur.height = s->cur.dpi = s->cur.leaf = -1;
	s->page_depth = s->depth;
	t = attr(nattr, a, s->n_title, &te);
	if (!t || title_prop(t, te, "bbox", box, 4) != 4) {
		const xmlChar *id, *ie = NULL;
		id = attr(nattr, a, s->n_id, &ie);
		if (id && ie - id < 100)
			xmlscan_stop(&s->x, "page %ld ('%.*s') has no bbox in its title",
			    s->cur.index + 1, (int)(ie - id), (const char *)id);
		else
			xmlscan_stop(&s->x, "page %ld has no bbox in its title", s->cur.index + 1);
		return;
	}
	if (box[2] >= box[0] && box[3] >= box[1]) {
		s->cur.width = box[2] - box[0];
		s->cur.height = box[3] - box[1];
	}
	if (title_prop(t, te, "scan_res", res, 2) >= 1 && res[0] > 0)
		s->cur.dpi = res[0];
	s->cur.leaf = image_leaf(t, te);
}

/* A picture box from a title ("bbox l t r b"), or one without a box. */
static void
add_box(struct hocr_scan *s, const long box[4], int has_box)
{
	struct ocr_block *b = ocr_page_add(&s->cur);

	b->order = s->cur.nlines;
	if (has_box) {
		b->l = box[0];
		b->t = box[1];
		b->r = box[2];
		b->b = box[3];
		b->has_box = 1;
	}
}

static void
word_end(struct hocr_scan *s)
{
	s->word_depth = 0;
	if (s->area_depth) {
		s->area_words++;
		s->area_inked += s->word_inked;
	}
	if (!s->word_inked || !s->word_has_box || s->nwords >= HOCR_MAX_WORDS)
		return;
	if (s->nwords == s->words_cap) {
		s->words_cap = s->words_cap ? s->words_cap * 2 : 256;
		s->words = xreallocarray(s->words, s->words_cap, sizeof *s->words);
	}
	s->words[s->nwords++] = s->word;
}

static void
area_end(struct hocr_scan *s)
{
	s->area_depth = 0;
	if (s->blank_blocks && s->area_words > 0 && s->area_inked == 0)
		add_box(s, s->area_box, s->area_has_box);
}

static void
on_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **ns, int nattr, int ndef, const xmlChar **a)
{
	struct hocr_scan *s = ctx;
	const xmlChar *c, *ce = NULL, *t, *te = NULL;
	long box[4];

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndef;
	s->depth++;
	if (!s->x.root_seen) {
		s->x.root_seen = 1;
		if (name != s->n_html)
			xmlscan_stop(&s->x, "not hOCR: the root element is <%s>, not <html>",
			    (const char *)name);
		return;
	}
	if (name == s->n_meta && !s->page_depth) {
		on_meta(s, nattr, a);
		return;
	}
	if (!(c = attr(nattr, a, s->n_class, &ce)))
		return;
	if (has_class(c, ce, "ocr_page")) {
		if (s->page_depth)
			page_end(s);	/* a page inside a page ends the first */
		page_start(s, nattr, a);
		return;
	}
	if (!s->page_depth)
		return;
	t = attr(nattr, a, s->n_title, &te);
	if (s->text && is_line(c, ce)) {
		if (s->line_depth)
			return;
		s->line_depth = s->depth;
		if (t && title_prop(t, te, "bbox", box, 4) == 4)
			ocr_line_start(&s->cur, box[0], box[1], box[2], box[3]);
		return;
	}
	if (s->text && has_class(c, ce, "ocr_par")) {
		ocr_par_start(&s->cur);
		return;
	}
	if (has_class(c, ce, "ocrx_word")) {
		if (s->word_depth)
			return;
		if (s->line_depth)
			ocr_line_space(&s->cur);
		s->word_depth = s->depth;
		s->word_inked = 0;
		s->word_has_box = t && title_prop(t, te, "bbox", box, 4) == 4;
		if (s->word_has_box) {
			s->word.l = box[0];
			s->word.t = box[1];
			s->word.r = box[2];
			s->word.b = box[3];
		}
	} else if (has_class(c, ce, "ocr_photo")) {
		add_box(s, box, t && title_prop(t, te, "bbox", box, 4) == 4);
	} else if (has_class(c, ce, "ocr_carea") && s->blank_blocks && !s->area_depth) {
		s->area_depth = s->depth;
		s->area_words = s->area_inked = 0;
		s->area_has_box = t && title_prop(t, te, "bbox", s->area_box, 4) == 4;
	}
}

static void
on_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	struct hocr_scan *s = ctx;

	(void)name, (void)prefix, (void)uri;
	if (s->word_depth == s->depth)
		word_end(s);
	if (s->line_depth == s->depth) {
		s->line_depth = 0;
		ocr_line_end(&s->cur);
	}
	if (s->area_depth == s->depth)
		area_end(s);
	if (s->page_depth == s->depth)
		page_end(s);
	s->depth--;
}

/* The open word's text for its line: a word is one token, so the
 * whitespace inside it (chOCR's between its characters) is dropped. */
static void
word_text(struct hocr_scan *s, const xmlChar *p, int n)
{
	int i = 0, j;

	while (i < n) {
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
			i++;
		for (j = i; j < n && p[j] != ' ' && p[j] != '\t' && p[j] != '\n' && p[j] != '\r'; j++)
			;
		if (j > i)
			ocr_line_text(&s->cur, (const char *)p + i, (size_t)(j - i));
		i = j;
	}
}

/* Text: does the open word hold anything but blanks? */
static void
on_chars(void *ctx, const xmlChar *p, int n)
{
	struct hocr_scan *s = ctx;
	int i;

	if (!s->word_depth)
		return;
	if (s->line_depth)
		word_text(s, p, n);
	if (s->word_inked)
		return;
	for (i = 0; i < n; i++) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')
			continue;
		if (p[i] == 0xc2 && i + 1 < n && p[i + 1] == 0xa0) {
			i++;	/* a no-break space */
			continue;
		}
		s->word_inked = 1;
		return;
	}
}

/* XHTML's DOCTYPE names an external DTD that is never loaded; a DOCTYPE
 * with declarations of its own (entities, default attributes) is
 * refused. */
static void
subset_refused(struct hocr_scan *s, const char *what, const xmlChar *name)
{
	if (strcmp(what, "entity") == 0)
		xmlscan_stop(&s->x, "entity declaration '%s' not allowed (entities are never "
		    "loaded or expanded)", name ? (const char *)name : "");
	else
		xmlscan_stop(&s->x, "%s declaration '%s' not allowed (hOCR declares nothing; "
		    "a DTD is never loaded)", what, name ? (const char *)name : "");
}

static void
on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
    const xmlChar *sys, xmlChar *content)
{
	(void)type, (void)pub, (void)sys, (void)content;
	subset_refused(ctx, "entity", name);
}

static void
on_unparsed_decl(void *ctx, const xmlChar *name, const xmlChar *pub, const xmlChar *sys,
    const xmlChar *notation)
{
	(void)pub, (void)sys, (void)notation;
	subset_refused(ctx, "entity", name);
}

static void
on_element_decl(void *ctx, const xmlChar *name, int type, xmlElementContentPtr content)
{
	(void)type, (void)content;
	subset_refused(ctx, "element", name);
}

static void
on_attribute_decl(void *ctx, const xmlChar *elem, const xmlChar *name, int type, int def,
    const xmlChar *dflt, xmlEnumerationPtr tree)
{
	(void)elem, (void)type, (void)def, (void)dflt;
	xmlFreeEnumeration(tree);	/* the handler owns it */
	subset_refused(ctx, "attribute", name);
}

static void
on_notation_decl(void *ctx, const xmlChar *name, const xmlChar *pub, const xmlChar *sys)
{
	(void)pub, (void)sys;
	subset_refused(ctx, "notation", name);
}

struct hocr_scan *
hocr_scan_new(const struct ocr_config *c, const char *name, ocr_page_fn fn, void *arg)
{
	struct hocr_scan *s = xcalloc(1, sizeof *s);
	xmlSAXHandler sax;

	ocr_filter_init(&s->f, c, OCR_MIN_AREA_HOCR, 0, fn, arg);
	s->pf = hocr_pf_new(c->full_parse);
	s->text = c->text;
	xml_sax_init(&sax, NULL);
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_chars;
	sax.entityDecl = on_entity_decl;
	sax.unparsedEntityDecl = on_unparsed_decl;
	sax.elementDecl = on_element_decl;
	sax.attributeDecl = on_attribute_decl;
	sax.notationDecl = on_notation_decl;
	xmlscan_open(&s->x, &sax, name);
	s->n_html = xmlscan_intern(&s->x, "html");
	s->n_meta = xmlscan_intern(&s->x, "meta");
	s->n_name = xmlscan_intern(&s->x, "name");
	s->n_content = xmlscan_intern(&s->x, "content");
	s->n_class = xmlscan_intern(&s->x, "class");
	s->n_title = xmlscan_intern(&s->x, "title");
	s->n_id = xmlscan_intern(&s->x, "id");
	return s;
}

int
hocr_scan_feed(struct hocr_scan *s, const char *p, size_t n)
{
	if (s->x.failed)
		return -1;
	xmlscan_count(&s->x, p, n);
	if (hocr_pf_off(s->pf))
		return xmlscan_parse(&s->x, p, n);
	buf_reset(&s->fbuf);
	hocr_pf_feed(s->pf, p, n, &s->fbuf);
	return xmlscan_parse(&s->x, s->fbuf.s, s->fbuf.len);
}

void
hocr_scan_abort(struct hocr_scan *s, const char *why)
{
	xmlscan_abort(&s->x, why);
	ocr_filter_end(&s->f, 2);
}

int
hocr_scan_end(struct hocr_scan *s)
{
	if (!s->x.failed) {
		buf_reset(&s->fbuf);
		hocr_pf_end(s->pf, &s->fbuf);
		xmlscan_parse(&s->x, s->fbuf.s, s->fbuf.len);
	}
	if (!s->x.failed && xmlscan_finish(&s->x) == 0 && s->f.st.npages == 0)
		xmlscan_fail(&s->x, 0, "not hOCR: an HTML document without a single ocr_page");
	ocr_filter_end(&s->f, s->x.failed ? 2 : 1);
	return s->x.failed ? -1 : 0;
}

const char *
hocr_scan_error(const struct hocr_scan *s, unsigned long *line)
{
	return xmlscan_error(&s->x, line);
}

const struct ocr_stats *
hocr_scan_stats(const struct hocr_scan *s)
{
	return &s->f.st;
}

const char *
hocr_scan_system(const struct hocr_scan *s)
{
	return s->system[0] ? s->system : NULL;
}

void
hocr_scan_free(struct hocr_scan *s)
{
	if (!s)
		return;
	ocr_filter_free(&s->f);
	free(s->cur.b);
	ocr_text_free(&s->cur);
	free(s->words);
	free(s->clip);
	free(s->active);
	free(s->edges);
	xmlscan_close(&s->x);
	hocr_pf_free(s->pf);
	buf_free(&s->fbuf);
	free(s);
}
