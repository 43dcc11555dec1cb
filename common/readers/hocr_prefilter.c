/* hocr_prefilter: the ocrx_cinfo pre-filter of the hOCR scanner; see
 * hocr_prefilter.h.
 *
 * The machine follows the markup the parser will see, from the first
 * byte: text, tags (with their quoted values), comments, processing
 * instructions and a DOCTYPE without internal subset, and the depth of
 * open elements.  Only in text inside an element does a candidate start.
 * Bytes that cannot be decided yet (a '<' near the end of a chunk, the
 * tail of a comment) are held back until the next chunk. */
#include "hocr_prefilter.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmem.h"
#include "xml.h"

enum {
	P_HEAD,		/* the first bytes: can it work here at all? */
	P_OFF,		/* pass everything */
	P_TEXT,		/* character data, or between markup */
	P_TAG,		/* in a start or end tag, until '>' */
	P_COMMENT,	/* until "-->" */
	P_PI,		/* until "?>" */
	P_DOCTYPE	/* until '>' */
};

#define OPEN	"<span class='ocrx_cinfo' title='"
#define OPENLEN	(sizeof OPEN - 1)
#define CLOSE	"</span>"
#define CLOSELEN	(sizeof CLOSE - 1)
#define CAND_MAX	512	/* longer candidates go to the parser */
#define DEPTH_MAX	200	/* and so do those deeper down */
#define HEAD_MAX	256

struct hocr_pf {
	int state;
	unsigned long depth;	/* open elements */
	int tag_end;		/* P_TAG: an end tag */
	unsigned char quote;	/* P_TAG, P_DOCTYPE: the open quote, or 0 */
	unsigned char last;	/* P_TAG: the last byte that is not blank */
	unsigned char prev;	/* the last byte handed on */
	struct buf pend;	/* bytes held back */
	struct buf work;	/* pend and the new chunk */
};

/* Byte classes: value_ok (a title byte), text_ok (a text byte below
 * 0x80). */
static unsigned char value_ok[256], text_ok[256];

static void
tables(void)
{
	int c;

	for (c = 0x20; c < 0x7f; c++)
		value_ok[c] = text_ok[c] = 1;
	value_ok['\''] = value_ok['<'] = value_ok['&'] = 0;
	text_ok['<'] = text_ok['&'] = text_ok['>'] = text_ok[']'] = 0;
	text_ok['\t'] = text_ok['\n'] = text_ok['\r'] = 1;
}

struct hocr_pf *
hocr_pf_new(int off)
{
	struct hocr_pf *f = xcalloc(1, sizeof *f);

	if (!value_ok['a'])
		tables();
	f->state = off ? P_OFF : P_HEAD;
	f->prev = '\n';
	return f;
}

void
hocr_pf_free(struct hocr_pf *f)
{
	if (!f)
		return;
	buf_free(&f->pend);
	buf_free(&f->work);
	free(f);
}

int
hocr_pf_off(const struct hocr_pf *f)
{
	return f->state == P_OFF;
}

/* P_HEAD: on (P_TEXT), off, or -1 while more bytes are needed.  On only
 * for markup from the first byte (after a UTF-8 byte order mark) and an
 * XML declaration, if any, that names UTF-8 or no encoding. */
static int
head(const unsigned char *p, size_t n, int end)
{
	const unsigned char *e, *q;
	size_t i = n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

	if (n - i < 6)
		return end ? P_OFF : -1;
	if (p[i] != '<')
		return P_OFF;
	if (memcmp(p + i, "<?xml", 5) != 0)
		return P_TEXT;
	for (e = p + i; e + 1 < p + n && !(e[0] == '?' && e[1] == '>'); e++)
		;
	if (e + 1 >= p + n)
		return end || n >= HEAD_MAX ? P_OFF : -1;
	for (q = p + i; q + 8 < e; q++) {
		if (memcmp(q, "encoding", 8) != 0)
			continue;
		for (q += 8; q < e && (*q == ' ' || *q == '=' || *q == '\t'); q++)
			;
		if (q + 6 < e && (*q == '"' || *q == '\'') && q[6] == *q &&
		    strncasecmp((const char *)q + 1, "utf-8", 5) == 0)
			return P_TEXT;
		return P_OFF;
	}
	return P_TEXT;
}

/* A candidate element at p (after OPEN was seen whole or in part) within
 * n bytes: its length, 0 if it must go to the parser, -1 if more bytes
 * are needed.  *text and *tlen: its text. */
static long
cinfo(const unsigned char *p, size_t n, const unsigned char **text, size_t *tlen)
{
	const unsigned char *q, *end = p + n, *t;
	int k;

	if (n < OPENLEN)
		return memcmp(p, OPEN, n) == 0 ? -1 : 0;
	if (memcmp(p, OPEN, OPENLEN) != 0)
		return 0;
	for (q = p + OPENLEN; q < end && value_ok[*q]; q++)
		;
	if (q + 2 > end)
		return n >= CAND_MAX ? 0 : -1;
	if (q[0] != '\'' || q[1] != '>')
		return 0;
	for (t = q += 2; q < end; q += k) {
		if (*q < 0x80) {
			if (!text_ok[*q])
				break;
			k = 1;
		} else if ((k = xml_utf8_char(q, end)) <= 0) {
			if (k < 0)
				return n >= CAND_MAX ? 0 : -1;
			return 0;
		}
	}
	if (q == t)
		return 0;	/* no text */
	if (q + CLOSELEN > end)
		return n >= CAND_MAX ? 0 : memcmp(q, CLOSE, (size_t)(end - q)) == 0 ? -1 : 0;
	if (memcmp(q, CLOSE, CLOSELEN) != 0)
		return 0;
	*text = t;
	*tlen = (size_t)(q - t);
	return (long)(q + CLOSELEN - p);
}

/* Just past the first terminator term at or after p, or NULL. */
static const unsigned char *
find_end(const unsigned char *p, const unsigned char *end, const char *term)
{
	size_t k = strlen(term);

	for (; p + k <= end; p++)
		if (*p == (unsigned char)term[0] && memcmp(p, term, k) == 0)
			return p + k;
	return NULL;
}

/* The '>' that ends the tag or DOCTYPE under way at p, outside quotes
 * (in a DOCTYPE, or the '[' of an internal subset); e if it is not in
 * p..e.  The open quote and the last byte that is not blank carry over
 * from chunk to chunk. */
static const unsigned char *
markup_end(struct hocr_pf *f, const unsigned char *p, const unsigned char *e)
{
	for (; p < e; p++) {
		if (f->quote) {
			if (*p == f->quote)
				f->quote = 0;
		} else if (*p == '"' || *p == '\'') {
			f->quote = *p;
		} else if (*p == '>' || (*p == '[' && f->state == P_DOCTYPE)) {
			break;
		} else if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			f->last = *p;
		}
	}
	return p;
}

/* Run the machine over w[0..n); bytes it cannot decide yet stay in pend.
 * end: there are no more. */
static void
run(struct hocr_pf *f, const unsigned char *w, size_t n, int end, struct buf *out)
{
	const unsigned char *p = w, *e = w + n, *q, *text;
	size_t tlen;
	long len;

	while (p < e && f->state != P_OFF) {
		switch (f->state) {
		case P_TEXT:
			q = memchr(p, '<', (size_t)(e - p));
			if (!q) {
				buf_add(out, (const char *)p, (size_t)(e - p));
				f->prev = e[-1];
				return;
			}
			buf_add(out, (const char *)p, (size_t)(q - p));
			if (q > p)
				f->prev = q[-1];
			p = q;
			if (e - p < 9 && !end)
				goto hold;
			if (e - p >= 4 && memcmp(p, "<!--", 4) == 0) {
				f->state = P_COMMENT;
				buf_add(out, (const char *)p, 4);
				p += 4;
			} else if (e - p >= 2 && p[1] == '!') {
				if (f->depth > 0 || (e - p >= 3 && p[2] == '[')) {
					f->state = P_OFF;	/* CDATA, or a stray declaration */
					break;
				}
				f->state = P_DOCTYPE;
				f->quote = 0;
				buf_add(out, (const char *)p, 2);
				p += 2;
			} else if (e - p >= 2 && p[1] == '?') {
				f->state = P_PI;
				buf_add(out, (const char *)p, 2);
				p += 2;
			} else {
				if (f->depth > 0 && f->depth < DEPTH_MAX && f->prev < 0x80 &&
				    e - p >= 2 && p[1] == 's') {
					len = cinfo(p, (size_t)(e - p), &text, &tlen);
					if (len < 0 && !end)
						goto hold;
					if (len > 0) {
						/* its text ends with a whole character */
						buf_add(out, (const char *)text, tlen);
						f->prev = '>';
						p += len;
						break;
					}
				}
				f->state = P_TAG;
				f->tag_end = e - p >= 2 && p[1] == '/';
				f->quote = 0;
				f->last = '<';
				buf_addc(out, '<');
				p++;
			}
			break;
		case P_TAG:
		case P_DOCTYPE:
			q = markup_end(f, p, e);
			if (q == e) {
				buf_add(out, (const char *)p, (size_t)(e - p));
				return;
			}
			if (*q == '[') {
				f->state = P_OFF;	/* an internal subset */
				break;
			}
			if (f->state == P_TAG && f->tag_end) {
				if (f->depth > 0)
					f->depth--;
			} else if (f->state == P_TAG && f->last != '/') {
				f->depth++;
			}
			f->state = P_TEXT;
			f->prev = '>';
			buf_add(out, (const char *)p, (size_t)(q + 1 - p));
			p = q + 1;
			break;
		case P_COMMENT:
		case P_PI:
			q = find_end(p, e, f->state == P_PI ? "?>" : "-->");
			if (!q) {
				/* the terminator may start in the last bytes */
				size_t keep = f->state == P_PI ? 1 : 2;
				if ((size_t)(e - p) <= keep || end) {
					if (end) {
						buf_add(out, (const char *)p, (size_t)(e - p));
						return;
					}
					goto hold;
				}
				buf_add(out, (const char *)p, (size_t)(e - p) - keep);
				p = e - keep;
				goto hold;
			}
			buf_add(out, (const char *)p, (size_t)(q - p));
			p = q;
			f->state = P_TEXT;
			f->prev = '>';
			break;
		}
	}
	if (p < e)
		buf_add(out, (const char *)p, (size_t)(e - p));	/* off */
	return;
hold:
	buf_add(&f->pend, (const char *)p, (size_t)(e - p));
}

void
hocr_pf_feed(struct hocr_pf *f, const char *p, size_t n, struct buf *out)
{
	const unsigned char *w = (const unsigned char *)p;
	int st;

	if (f->state == P_OFF) {
		buf_add(out, p, n);
		return;
	}
	if (f->pend.len) {
		buf_reset(&f->work);
		buf_add(&f->work, f->pend.s, f->pend.len);
		buf_add(&f->work, p, n);
		buf_reset(&f->pend);
		w = (const unsigned char *)f->work.s;
		n = f->work.len;
	}
	if (f->state == P_HEAD) {
		if ((st = head(w, n, 0)) < 0) {
			buf_add(&f->pend, (const char *)w, n);
			return;
		}
		f->state = st;
	}
	run(f, w, n, 0, out);
}

void
hocr_pf_end(struct hocr_pf *f, struct buf *out)
{
	struct buf rest = BUF_INIT;
	int st;

	if (f->state != P_OFF && f->pend.len) {
		buf_add(&rest, f->pend.s, f->pend.len);
		buf_reset(&f->pend);
		if (f->state == P_HEAD && (st = head((const unsigned char *)rest.s, rest.len, 1)) >= 0)
			f->state = st;
		if (f->state == P_HEAD || f->state == P_OFF)
			buf_add(out, rest.s, rest.len);
		else
			run(f, (const unsigned char *)rest.s, rest.len, 1, out);
	}
	buf_free(&rest);
	f->state = P_OFF;
}
