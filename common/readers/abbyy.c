/* abbyy: the ABBYY FineReader XML scanner; see abbyy.h. */
#include "abbyy.h"

#include <stdarg.h>
#include <stdio.h>
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

/* Filter thresholds (percent of the page area); see FILTERS in the manual. */
#define CARD_PCT	90.0	/* leaf 0: one Picture this big is the colour card */
#define COVER_PCT	95.0	/* a Picture this big is the whole leaf */
#define NESTED_MAX	2000	/* pages with more blocks skip the nested test */

static double
page_area(const struct abbyy_page *p)
{
	return p->width > 0 && p->height > 0 ? (double)p->width * (double)p->height : 0;
}

static double
block_area(const struct abbyy_block *b)
{
	if (!b->has_box || b->r <= b->l || b->b <= b->t)
		return 0;
	return (double)(b->r - b->l) * (double)(b->b - b->t);
}

struct abbyy_scan {
	xmlParserCtxtPtr ctxt;
	/* names interned in the parser's dictionary: compared as pointers */
	const xmlChar *n_document, *n_page, *n_block, *n_rect;
	const xmlChar *n_blocktype, *n_l, *n_t, *n_r, *n_b, *n_width, *n_height;

	struct abbyy_scan_config c;
	abbyy_page_fn fn;	/* kept pages go here */
	void *arg;
	struct abbyy_pf *pf;	/* the charParams pre-filter */
	struct buf fbuf;	/* its output */

	int root_seen;
	int in_page;
	int in_pic;		/* 1: in a Picture block; 2: one that needs its rects */
	long rl, rt, rr, rb;	/* union of the rects of the current block */
	int nrect;
	struct abbyy_page cur;
	struct abbyy_page *held;	/* finished pages that may still be end covers */
	size_t nheld, held_cap;

	struct abbyy_scan_stats st;

	int at_end;		/* in the last call of the parser */
	unsigned char last;	/* the last byte of the input so far */
	unsigned long long nbytes;	/* input bytes */

	int failed;
	unsigned long errline;
	struct buf err;
};

static void
scan_fail(struct abbyy_scan *s, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
scan_fail(struct abbyy_scan *s, unsigned long line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (s->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	s->failed = 1;
	s->errline = line;
	buf_reset(&s->err);
	buf_adds(&s->err, msg);
}

static unsigned long
scan_line(const struct abbyy_scan *s)
{
	int n = xmlSAX2GetLineNumber(s->ctxt);

	return n > 0 ? (unsigned long)n : 0;
}

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

static void
page_reset(struct abbyy_page *p)
{
	p->n = 0;
}

static struct abbyy_block *
page_add(struct abbyy_page *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->b = xreallocarray(p->b, p->cap, sizeof *p->b);
	}
	memset(&p->b[p->n], 0, sizeof p->b[p->n]);
	return &p->b[p->n++];
}

/* Write whole rows, in pieces of at most PIPE_BUF bytes that are each one
 * write(2): the rows of processes sharing a pipe (xargs -P) never mix.
 * Unless all is set, a last piece shorter than PIPE_BUF is kept back;
 * returns the bytes written. */

/* The whole-leaf rule, then nested boxes; a page with blocks left goes
 * to the caller. */
static void
page_finish(struct abbyy_scan *s, struct abbyy_page *p, int end_window)
{
	double pa = page_area(p);
	size_t i, j, n = 0;
	int covers = !s->c.no_filter && !s->c.keep_covers && s->c.cover_leaves > 0;

	for (i = 0; i < p->n; i++) {
		struct abbyy_block *b = &p->b[i];
		if (b->drop || !covers || pa <= 0 || !b->has_box)
			continue;
		if ((p->index < s->c.cover_leaves || end_window) &&
		    block_area(b) >= pa * COVER_PCT / 100)
			b->drop = ABBYY_DROP_COVER;
	}
	if (!s->c.no_filter && !s->c.keep_nested && p->n <= NESTED_MAX) {
		for (i = 0; i < p->n; i++) {
			struct abbyy_block *a = &p->b[i];
			if (a->drop || !a->has_box)
				continue;
			for (j = 0; j < p->n; j++) {
				struct abbyy_block *c = &p->b[j];
				if (j == i || !c->has_box || (c->drop && c->drop != ABBYY_DROP_NESTED))
					continue;
				if (c->l <= a->l && c->t <= a->t && c->r >= a->r && c->b >= a->b &&
				    (j < i || c->l != a->l || c->t != a->t || c->r != a->r ||
				     c->b != a->b)) {
					a->drop = ABBYY_DROP_NESTED;
					break;
				}
			}
		}
	}
	for (i = 0; i < p->n; i++) {
		if (p->b[i].drop)
			s->st.dropped[p->b[i].drop]++;
		else
			n++;
	}
	if (n == 0)
		return;
	s->st.kept += n;
	s->st.kept_pages++;
	s->fn(s->arg, p, n);
}

/* Release held pages: those with at least cover_leaves pages after them
 * (all == 0), or all of them at the end (all == 1: in the end window;
 * all == 2: the input broke off, so none is known to be an end leaf). */
static void
release(struct abbyy_scan *s, int all)
{
	long window = s->c.no_filter || s->c.keep_covers ? 0 : s->c.cover_leaves;
	size_t k = 0;

	while (k < s->nheld && (all || s->held[k].index + window < s->st.npages)) {
		page_finish(s, &s->held[k], all == 1);
		free(s->held[k].b);
		k++;
	}
	if (k) {
		memmove(s->held, s->held + k, (s->nheld - k) * sizeof *s->held);
		s->nheld -= k;
	}
}

/* A page ended: the page-local filters, then hold it for the cover rule. */
static void
page_end(struct abbyy_scan *s)
{
	struct abbyy_page *p = &s->cur;
	double pa = page_area(p);
	size_t i, left = 0;

	s->in_page = 0;
	s->st.nblocks += p->n;
	for (i = 0; i < p->n; i++) {
		struct abbyy_block *b = &p->b[i];
		if (s->c.no_filter || pa <= 0 || !b->has_box)
			continue;
		if (!s->c.keep_card && p->index == 0 && p->n == 1 &&
		    block_area(b) >= pa * CARD_PCT / 100)
			b->drop = ABBYY_DROP_CARD;
		else if (block_area(b) < pa * s->c.min_area / 100)
			b->drop = ABBYY_DROP_SMALL;
	}
	for (i = 0; i < p->n; i++) {
		if (p->b[i].drop)
			s->st.dropped[p->b[i].drop]++;
		else
			left++;
	}
	if (left) {
		struct abbyy_page *h;
		size_t j = 0;
		/* keep only the survivors; their drops are counted later */
		if (s->nheld == s->held_cap) {
			s->held_cap = s->held_cap ? s->held_cap * 2 : 8;
			s->held = xreallocarray(s->held, s->held_cap, sizeof *s->held);
		}
		h = &s->held[s->nheld++];
		*h = *p;
		h->b = xreallocarray(NULL, left, sizeof *h->b);
		h->n = h->cap = left;
		for (i = 0; i < p->n; i++)
			if (!p->b[i].drop)
				h->b[j++] = p->b[i];
	}
	release(s, 0);
}

static void
block_end(struct abbyy_scan *s)
{
	struct abbyy_block *b = &s->cur.b[s->cur.n - 1];

	if (s->in_pic == 2 && s->nrect) {
		b->l = s->rl;
		b->t = s->rt;
		b->r = s->rr;
		b->b = s->rb;
		b->has_box = 1;
	}
	s->in_pic = 0;
}

static void
root_check(struct abbyy_scan *s, const xmlChar *name)
{
	s->root_seen = 1;
	if (name != s->n_document) {
		scan_fail(s, scan_line(s), "not ABBYY FineReader XML: the root element is <%s>, "
		    "not <document>", (const char *)name);
		xmlStopParser(s->ctxt);
	}
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
					struct abbyy_block *b = page_add(&s->cur);
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
		page_reset(&s->cur);
		s->cur.index = s->st.npages++;
		s->cur.width = s->cur.height = -1;
		for (i = 0; i < nattr; i++) {
			const xmlChar **a = attr + 5 * i;
			long v;
			if (a[0] == s->n_width && attr_long(a[3], a[4], &v) && v >= 0)
				s->cur.width = v;
			else if (a[0] == s->n_height && attr_long(a[3], a[4], &v) && v >= 0)
				s->cur.height = v;
		}
		s->in_page = 1;
		s->in_pic = 0;
		return;
	}
	if (!s->root_seen)
		root_check(s, name);
}

static void
on_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	struct abbyy_scan *s = ctx;

	(void)prefix, (void)uri;
	if (name == s->n_block) {
		if (s->in_pic)
			block_end(s);
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
		scan_fail(s, scan_line(s), "not ABBYY FineReader XML: an HTML page "
		    "(<!DOCTYPE html>)");
	else
		scan_fail(s, scan_line(s), "DOCTYPE not allowed (ABBYY FineReader XML has none; "
		    "entities are never loaded or expanded)");
	xmlStopParser(s->ctxt);
}

static xmlEntityPtr
on_get_entity(void *ctx, const xmlChar *name)
{
	(void)ctx, (void)name;
	return NULL;
}

static void
on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
    const xmlChar *sys, xmlChar *content)
{
	(void)ctx, (void)name, (void)type, (void)pub, (void)sys, (void)content;
}

/* The last line of the input: the parser's line, plus the lines it has
 * not read yet (it leaves a short run of text at the end unread). */
static unsigned long
end_line(const struct abbyy_scan *s)
{
	xmlParserInputPtr in = s->ctxt->input;
	unsigned long line = scan_line(s);
	const xmlChar *p;

	if (in && in->cur && in->end)
		for (p = in->cur; p < in->end; p++)
			line += *p == '\n';
	if (s->last == '\n' && line > 1)
		line--;		/* the input ends with its last line */
	return line;
}

static void fail_with(struct abbyy_scan *s, xml_error e, int with_line);

static void
on_error(void *ctx, xml_error e)
{
	struct abbyy_scan *s = ctx;

	if (!e || e->level != XML_ERR_FATAL || s->failed)
		return;
	/* Errors at the end of the input are about its unfinished tail: libxml2
	 * words them as if the tail were complete ("AttValue: ' expected",
	 * "Extra content at the end of the document", "Document is empty") */
	if (e->code == XML_ERR_INVALID_ENCODING || e->code == XML_ERR_INVALID_CHAR) {
		/* bad bytes are bad wherever the input was cut into pieces */
		fail_with(s, e, 1);
		return;
	}
	if (!s->root_seen && (s->at_end || e->code == XML_ERR_DOCUMENT_EMPTY)) {
		if (s->nbytes == 0)
			scan_fail(s, 1, "empty input");
		else
			scan_fail(s, s->at_end ? end_line(s) : scan_line(s),
			    "not XML: no root element found");
		return;
	}
	if (s->at_end && xml_open_element(s->ctxt)) {
		scan_fail(s, end_line(s), "premature end of input inside <%s> (truncated file?)",
		    xml_open_element(s->ctxt));
		return;
	}
	fail_with(s, e, 1);
}

/* libxml2's own words: its messages end in a newline; keep the first line
 * (a second one quotes raw bytes, such as "Bytes: 0xC3 0x3E") */
static void
fail_with(struct abbyy_scan *s, xml_error e, int with_line)
{
	char msg[512];
	size_t i, n;

	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed XML");
	msg[strcspn(msg, "\n")] = '\0';
	for (n = strlen(msg); n > 0 && msg[n - 1] == ' '; n--)
		msg[n - 1] = '\0';
	for (i = 0; i < n; i++)
		if (msg[i] == '\r' || msg[i] == '\t')
			msg[i] = ' ';
	scan_fail(s, !with_line ? 0 : e->line > 0 ? (unsigned long)e->line : scan_line(s), "%s", msg);
}


/* libxml2 raises some errors without a parser context (input conversion
 * of a broken UTF-16 file, say): by default they go straight to stderr,
 * in libxml2's words.  They belong to the scan running now; they are
 * never about the document's structure, and libxml2 converts ahead of the
 * parser, so its line number is not where they are. */
static void
on_global_error(void *ctx, xml_error e)
{
	struct abbyy_scan *s = ctx;

	if (s && e && e->level >= XML_ERR_ERROR && !s->failed)
		fail_with(s, e, 0);	/* the parser's line is not theirs */
}

static const xmlChar *
intern(struct abbyy_scan *s, const char *name)
{
	const xmlChar *p = xmlDictLookup(s->ctxt->dict, (const xmlChar *)name, -1);

	if (!p)
		diag_die(DIAG_FAIL, "out of memory");
	return p;
}

struct abbyy_scan *
abbyy_scan_new(const struct abbyy_scan_config *c, const char *name, abbyy_page_fn fn,
    void *arg)
{
	struct abbyy_scan *s = xcalloc(1, sizeof *s);
	xmlSAXHandler sax;

	s->c = *c;
	s->fn = fn;
	s->arg = arg;
	s->pf = abbyy_pf_new(c->full_parse);
	xml_sax_init(&sax, on_error);
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.internalSubset = on_doctype;
	sax.getEntity = on_get_entity;
	sax.getParameterEntity = on_get_entity;
	sax.entityDecl = on_entity_decl;
	/* characters, ignorableWhitespace, startDocument and all the rest stay
	 * NULL: no text is handed over and no document is built */
	/* no XML_PARSE_NOERROR: from libxml2 2.13 on it silences serror too
	 * (on_error ignores warnings itself); xmlCtxtUseOptions leaves
	 * entities unsubstituted and the external subset unloaded */
	s->ctxt = xml_push_new(&sax, s, NULL, 0, name, 0);
	s->n_document = intern(s, "document");
	s->n_page = intern(s, "page");
	s->n_block = intern(s, "block");
	s->n_rect = intern(s, "rect");
	s->n_blocktype = intern(s, "blockType");
	s->n_l = intern(s, "l");
	s->n_t = intern(s, "t");
	s->n_r = intern(s, "r");
	s->n_b = intern(s, "b");
	s->n_width = intern(s, "width");
	s->n_height = intern(s, "height");
	return s;
}

/* After a fatal parse error without a message of ours. */
static void
scan_check(struct abbyy_scan *s)
{
	if (!s->failed && !s->ctxt->wellFormed) {
		xml_error e = xmlCtxtGetLastError(s->ctxt);
		if (e)
			on_error(s, e);
		scan_fail(s, scan_line(s), "malformed XML");	/* if still needed */
	}
}

static int
parse(struct abbyy_scan *s, const char *p, size_t n)
{
	while (n > 0) {
		int k = n > (1 << 30) ? 1 << 30 : (int)n;
		xml_route_errors(on_global_error, s);
		xmlParseChunk(s->ctxt, p, k, 0);
		xml_route_errors(NULL, NULL);
		if (s->failed || !s->ctxt->wellFormed) {
			scan_check(s);
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
abbyy_scan_feed(struct abbyy_scan *s, const char *p, size_t n)
{
	if (s->failed)
		return -1;
	if (n)
		s->last = (unsigned char)p[n - 1];
	s->nbytes += n;
	if (abbyy_pf_off(s->pf))
		return parse(s, p, n);
	buf_reset(&s->fbuf);
	abbyy_pf_feed(s->pf, p, n, &s->fbuf);
	return parse(s, s->fbuf.s, s->fbuf.len);
}

void
abbyy_scan_abort(struct abbyy_scan *s, const char *why)
{
	if (why)
		scan_fail(s, scan_line(s), "%s", why);
	release(s, 2);
}

int
abbyy_scan_end(struct abbyy_scan *s)
{
	if (!s->failed) {
		buf_reset(&s->fbuf);
		abbyy_pf_end(s->pf, &s->fbuf);
		if (parse(s, s->fbuf.s, s->fbuf.len) == 0) {
			s->at_end = 1;
			xml_route_errors(on_global_error, s);
			xmlParseChunk(s->ctxt, NULL, 0, 1);
			xml_route_errors(NULL, NULL);
		}
		scan_check(s);
	}
	release(s, s->failed ? 2 : 1);
	return s->failed ? -1 : 0;
}

const char *
abbyy_scan_error(const struct abbyy_scan *s, unsigned long *line)
{
	if (!s->failed)
		return NULL;
	if (line)
		*line = s->errline;
	return buf_str(&s->err);
}

const struct abbyy_scan_stats *
abbyy_scan_stats(const struct abbyy_scan *s)
{
	return &s->st;
}

void
abbyy_scan_free(struct abbyy_scan *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nheld; i++)
		free(s->held[i].b);
	free(s->held);
	free(s->cur.b);
	if (s->ctxt)
		xml_push_free(s->ctxt);
	buf_free(&s->err);
	buf_free(&s->fbuf);
	abbyy_pf_free(s->pf);
	free(s);
}
