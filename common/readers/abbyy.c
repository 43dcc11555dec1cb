/* abbyy: the ABBYY FineReader XML scanner; see abbyy.h. */
#include "abbyy.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>

#include "abbyy_prefilter.h"
#include "buf.h"
#include "diag.h"
#include "xmem.h"
#include "xml.h"
#include "xmlscan.h"

struct abbyy_scan {
	struct xmlscan x;	/* first: the SAX context is the scan */
	/* names interned in the parser's dictionary: compared as pointers */
	const xmlChar *n_document, *n_page, *n_block, *n_rect;
	const xmlChar *n_blocktype, *n_l, *n_t, *n_r, *n_b, *n_width, *n_height, *n_resolution;
	const xmlChar *n_par, *n_line, *n_formatting, *n_charparams;

	struct ocr_filter f;	/* the filters; kept pages go to the caller */
	struct abbyy_pf *pf;	/* the charParams pre-filter */
	struct buf fbuf;	/* its output */

	int in_page;
	int in_pic;		/* 1: in a Picture block; 2: one that needs its rects */
	long rl, rt, rr, rb;	/* union of the rects of the current block */
	int nrect;
	struct ocr_page cur;
	/* config.text: the lines' text */
	int text;
	int in_fmt;		/* in a <formatting> of a kept line */
	int in_char;		/* in a <charParams> (the full parse sees them) */
	int ws;			/* a whitespace run is open ... */
	int ws_nl;		/* ... with this many line breaks */
	int nl_min;		/* the fewest between two bare characters (0: none yet) */
	int prev_bare;		/* the last character of the line came bare */
};

/* A whole number from an attribute value (value .. end); 0 if not one.
 * A fractional part is cut off. */
static int
attr_long(const xmlChar *v, const xmlChar *end, long *out)
{
	long n = 0;
	int neg = 0, digits = 0;

	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	if (v < end && (*v == '-' || *v == '+'))
		neg = *v++ == '-';
	for (; v < end && *v >= '0' && *v <= '9'; v++, digits++) {
		if (n > 100000000L)
			return 0;
		n = n * 10 + (*v - '0');
	}
	if (!digits)
		return 0;
	if (v < end && *v == '.')
		for (v++; v < end && *v >= '0' && *v <= '9'; v++)
			;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	if (v != end)
		return 0;
	*out = neg ? -n : n;
	return 1;
}

/* l t r b of an element; a bit per coordinate found (1 l, 2 t, 4 r, 8 b). */
static int
attr_box(const struct abbyy_scan *s, int nattr, const xmlChar **a, long box[4])
{
	int i, found = 0;
	long v;

	for (i = 0; i < nattr; i++, a += 5) {
		const xmlChar *n = a[0];
		int k = n == s->n_l ? 0 : n == s->n_t ? 1 : n == s->n_r ? 2 : n == s->n_b ? 3 : -1;
		if (k >= 0 && attr_long(a[3], a[4], &v)) {
			box[k] = v;
			found |= 1 << k;
		}
	}
	return found;
}

/* A page ended: the filters take it. */
static void
page_end(struct abbyy_scan *s)
{
	s->in_page = 0;
	ocr_filter_page_end(&s->f, &s->cur);
}

static void
block_end(struct abbyy_scan *s)
{
	struct ocr_block *b = &s->cur.b[s->cur.n - 1];

	if (s->in_pic == 2 && s->nrect) {
		b->l = s->rl;
		b->t = s->rt;
		b->r = s->rr;
		b->b = s->rb;
		b->has_box = 1;
	}
	s->in_pic = 0;
}

/* The text of a line (config.text), which comes inside <formatting>:
 * as the characters' own elements (<charParams>, whose text only the
 * full parse sees: there a whitespace character is a space), or bare
 * (FineReader 6, and the pre-filter's keep-text mode).  Bare, the
 * whitespace between two characters decides, as files are laid out: a
 * run without a line break is a space; a run with line breaks is a space
 * when it has more of them than the fewest seen between two characters
 * so far in the document (the layout between one character's element
 * and the next: one line break in the Internet Archive's files, which put
 * each <charParams> on a line of its own; a space character's element
 * adds its own line). */
static void
ws_end(struct abbyy_scan *s, int bare)
{
	if (!s->ws)
		return;
	if (s->ws_nl == 0 || (s->nl_min > 0 && s->ws_nl > s->nl_min))
		ocr_line_space(&s->cur);
	if (bare && s->prev_bare && s->ws_nl > 0 && (s->nl_min == 0 || s->ws_nl < s->nl_min))
		s->nl_min = s->ws_nl;	/* between two bare characters */
	s->ws = s->ws_nl = 0;
}

static void
on_chars(void *ctx, const xmlChar *p, int n)
{
	struct abbyy_scan *s = ctx;
	int i = 0, j;

	if (!s->in_fmt || !s->cur.line_open)
		return;
	if (s->in_char) {
		for (; i < n; i = j) {
			for (j = i; j < n && !(p[j] == ' ' || p[j] == '\t' || p[j] == '\n' || p[j] == '\r'); j++)
				;
			if (j > i) {
				ws_end(s, 0);
				s->prev_bare = 0;
				ocr_line_text(&s->cur, (const char *)p + i, (size_t)(j - i));
			} else {
				ocr_line_space(&s->cur);
				j++;
			}
		}
		return;
	}
	while (i < n) {
		for (; i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'); i++) {
			s->ws = 1;
			s->ws_nl += p[i] == '\n';
		}
		for (j = i; j < n && p[j] != ' ' && p[j] != '\t' && p[j] != '\n' && p[j] != '\r'; j++)
			;
		if (j > i) {
			ws_end(s, 1);
			s->prev_bare = 1;
			ocr_line_text(&s->cur, (const char *)p + i, (size_t)(j - i));
		}
		i = j;
	}
}

/* The elements of text, with config.text. */
static void
text_start(struct abbyy_scan *s, const xmlChar *name, int nattr, const xmlChar **attr)
{
	long box[4];

	if (name == s->n_charparams) {
		s->in_char = 1;
	} else if (name == s->n_formatting) {
		s->in_fmt = 1;
	} else if (name == s->n_line) {
		if (attr_box(s, nattr, attr, box) == 15)
			ocr_line_start(&s->cur, box[0], box[1], box[2], box[3]);
		else
			s->cur.line_open = 0;
		s->ws = s->ws_nl = s->prev_bare = 0;
	} else if (name == s->n_par) {
		ocr_par_start(&s->cur);
	}
}

static void
text_end(struct abbyy_scan *s, const xmlChar *name)
{
	if (name == s->n_charparams) {
		s->in_char = 0;
	} else if (name == s->n_formatting) {
		ws_end(s, 0);
		s->in_fmt = 0;
	} else if (name == s->n_line) {
		ocr_line_end(&s->cur);
		s->in_fmt = s->in_char = 0;
	}
}

static void
root_check(struct abbyy_scan *s, const xmlChar *name)
{
	s->x.root_seen = 1;
	if (name != s->n_document)
		xmlscan_stop(&s->x, "not ABBYY FineReader XML: the root element is <%s>, "
		    "not <document>", (const char *)name);
}

static void
on_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **ns, int nattr, int ndef, const xmlChar **attr)
{
	struct abbyy_scan *s = ctx;
	long box[4];
	int found, i;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndef;
	if (name == s->n_rect) {
		if (s->in_pic == 2 && attr_box(s, nattr, attr, box) == 15) {
			if (!s->nrect || box[0] < s->rl)
				s->rl = box[0];
			if (!s->nrect || box[1] < s->rt)
				s->rt = box[1];
			if (!s->nrect || box[2] > s->rr)
				s->rr = box[2];
			if (!s->nrect || box[3] > s->rb)
				s->rb = box[3];
			s->nrect++;
		}
		return;
	}
	if (name == s->n_block) {
		if (s->in_pic)
			block_end(s);
		if (!s->in_page)
			return;
		for (i = 0; i < nattr; i++) {
			const xmlChar **a = attr + 5 * i;
			if (a[0] == s->n_blocktype) {
				if (a[4] - a[3] == 7 && memcmp(a[3], "Picture", 7) == 0) {
					struct ocr_block *b = ocr_page_add(&s->cur);
					b->order = s->cur.nlines;
					found = attr_box(s, nattr, attr, box);
					if (found == 15) {
						b->l = box[0];
						b->t = box[1];
						b->r = box[2];
						b->b = box[3];
						b->has_box = 1;
						s->in_pic = 1;
					} else {
						s->in_pic = 2;
						s->nrect = 0;
					}
				}
				break;
			}
		}
		return;
	}
	if (name == s->n_page) {
		if (s->in_page)
			page_end(s);
		s->cur.n = 0;
		ocr_text_reset(&s->cur);
		s->in_fmt = 0;
		s->cur.index = ocr_filter_page_start(&s->f);
		s->cur.width = s->cur.height = s->cur.dpi = s->cur.leaf = -1;
		for (i = 0; i < nattr; i++) {
			const xmlChar **a = attr + 5 * i;
			long v;
			if (a[0] == s->n_width && attr_long(a[3], a[4], &v) && v >= 0)
				s->cur.width = v;
			else if (a[0] == s->n_height && attr_long(a[3], a[4], &v) && v >= 0)
				s->cur.height = v;
			else if (a[0] == s->n_resolution && attr_long(a[3], a[4], &v) && v > 0)
				s->cur.dpi = v;
		}
		s->in_page = 1;
		s->in_pic = 0;
		return;
	}
	if (!s->x.root_seen)
		root_check(s, name);
	else if (s->text && s->in_page)
		text_start(s, name, nattr, attr);
}

static void
on_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	struct abbyy_scan *s = ctx;

	(void)prefix, (void)uri;
	if (name == s->n_block) {
		if (s->in_pic)
			block_end(s);
	} else if (s->text && s->in_page && name != s->n_page) {
		text_end(s, name);
	} else if (name == s->n_page) {
		if (s->in_pic)
			block_end(s);
		if (s->in_page)
			page_end(s);
	}
}

/* No DTD: ABBYY files have none, and refusing it keeps every entity
 * (external or nested, as in "billion laughs") out of reach. */
static void
on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	struct abbyy_scan *s = ctx;

	(void)ext, (void)sys;
	if (name && strcasecmp((const char *)name, "html") == 0)
		xmlscan_stop(&s->x, "not ABBYY FineReader XML: an HTML page "
		    "(<!DOCTYPE html>)");
	else
		xmlscan_stop(&s->x, "DOCTYPE not allowed (ABBYY FineReader XML has none; "
		    "entities are never loaded or expanded)");
}

static void
on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
    const xmlChar *sys, xmlChar *content)
{
	(void)ctx, (void)name, (void)type, (void)pub, (void)sys, (void)content;
}

struct abbyy_scan *
abbyy_scan_new(const struct ocr_config *c, const char *name, ocr_page_fn fn, void *arg)
{
	struct abbyy_scan *s = xcalloc(1, sizeof *s);
	xmlSAXHandler sax;

	ocr_filter_init(&s->f, c, OCR_MIN_AREA_ABBYY, 1, fn, arg);
	s->pf = abbyy_pf_new(c->full_parse);
	s->text = c->text;
	if (c->text)	/* the text is in the <charParams> it takes out */
		abbyy_pf_keep_text(s->pf);
	xml_sax_init(&sax, NULL);
	sax.startElementNs = on_start;
	if (c->text)
		sax.characters = sax.ignorableWhitespace = on_chars;
	sax.endElementNs = on_end;
	sax.internalSubset = on_doctype;
	sax.entityDecl = on_entity_decl;
	/* without config.text, characters, ignorableWhitespace, startDocument
	 * and all the rest stay NULL: no text is handed over and no document
	 * is built */
	xmlscan_open(&s->x, &sax, name);
	s->n_document = xmlscan_intern(&s->x, "document");
	s->n_page = xmlscan_intern(&s->x, "page");
	s->n_block = xmlscan_intern(&s->x, "block");
	s->n_rect = xmlscan_intern(&s->x, "rect");
	s->n_blocktype = xmlscan_intern(&s->x, "blockType");
	s->n_l = xmlscan_intern(&s->x, "l");
	s->n_t = xmlscan_intern(&s->x, "t");
	s->n_r = xmlscan_intern(&s->x, "r");
	s->n_b = xmlscan_intern(&s->x, "b");
	s->n_width = xmlscan_intern(&s->x, "width");
	s->n_height = xmlscan_intern(&s->x, "height");
	s->n_resolution = xmlscan_intern(&s->x, "resolution");
	s->n_par = xmlscan_intern(&s->x, "par");
	s->n_line = xmlscan_intern(&s->x, "line");
	s->n_formatting = xmlscan_intern(&s->x, "formatting");
	s->n_charparams = xmlscan_intern(&s->x, "charParams");
	return s;
}

int
abbyy_scan_feed(struct abbyy_scan *s, const char *p, size_t n)
{
	if (s->x.failed)
		return -1;
	xmlscan_count(&s->x, p, n);
	if (abbyy_pf_off(s->pf))
		return xmlscan_parse(&s->x, p, n);
	buf_reset(&s->fbuf);
	abbyy_pf_feed(s->pf, p, n, &s->fbuf);
	return xmlscan_parse(&s->x, s->fbuf.s, s->fbuf.len);
}

void
abbyy_scan_abort(struct abbyy_scan *s, const char *why)
{
	xmlscan_abort(&s->x, why);
	ocr_filter_end(&s->f, 2);
}

int
abbyy_scan_end(struct abbyy_scan *s)
{
	if (!s->x.failed) {
		buf_reset(&s->fbuf);
		abbyy_pf_end(s->pf, &s->fbuf);
		if (xmlscan_parse(&s->x, s->fbuf.s, s->fbuf.len) == 0)
			xmlscan_finish(&s->x);
	}
	ocr_filter_end(&s->f, s->x.failed ? 2 : 1);
	return s->x.failed ? -1 : 0;
}

const char *
abbyy_scan_error(const struct abbyy_scan *s, unsigned long *line)
{
	return xmlscan_error(&s->x, line);
}

const struct ocr_stats *
abbyy_scan_stats(const struct abbyy_scan *s)
{
	return &s->f.st;
}

void
abbyy_scan_free(struct abbyy_scan *s)
{
	if (!s)
		return;
	ocr_filter_free(&s->f);
	free(s->cur.b);
	ocr_text_free(&s->cur);
	xmlscan_close(&s->x);
	buf_free(&s->fbuf);
	abbyy_pf_free(s->pf);
	free(s);
}
