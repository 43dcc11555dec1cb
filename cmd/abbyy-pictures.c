/* abbyy-pictures: ABBYY FineReader XML (files, gzip, stdin, URLs or Internet
 * Archive identifiers) to the pages with Picture blocks and their boxes,
 * streamed in constant memory.
 *
 * Local files are inflated on one thread while the other parses: a small
 * pre-filter takes the simple <charParams> elements (nearly all of the
 * bytes) out of the stream, and libxml2's SAX2 push parser reads the rest.
 * Only <page>, <block blockType="Picture"> and the <rect>s of such blocks
 * are looked at; the parser hands over no text at all. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "buf.h"
#include "diag.h"
#include "http.h"
#include "io.h"
#include "json.h"
#include "tsv.h"
#include "xmem.h"

static const char usage_text[] =
    "usage: abbyy-pictures [-Hqv] [-j N] [--blocks] [--crop] [--full-parse] [--id ID]\n"
    "           [--ia] [--line-buffered] [--url-template T] [--min-area PCT]\n"
    "           [--cover-leaves N] [--keep-card] [--keep-covers] [--keep-nested]\n"
    "           [--no-filter] [--retries N] [--retry-delay MS] [--timeout SECS]\n"
    "           [FILE | URL ...]\n";

#define IIIF_DEFAULT	"https://iiif.archive.org"
#define IA_DEFAULT	"https://archive.org"
#define TEMPLATE_TAIL	"/iiif/{id}${page}/{region}/full/0/default.jpg"

/* Filter thresholds (percent of the page area); see FILTERS in the manual. */
#define CARD_PCT	90.0	/* leaf 0: one Picture this big is the colour card */
#define COVER_PCT	95.0	/* a Picture this big is the whole leaf */
#define NESTED_MAX	2000	/* pages with more blocks skip the nested test */

/* The reader thread hands decoded input over in slots of up to this size
 * (io_read gives at most 128 KiB at a time). */
#define NSLOTS		4
#define SLOTSZ		(128 * 1024)

static struct {
	int blocks;
	int crop;
	int full_parse;
	int header;
	int ia;
	const char *id;
	long jobs;
	int line_buffered;
	int verbose;
	double min_area;
	long cover_leaves;
	int keep_card;
	int keep_covers;
	int keep_nested;
	int no_filter;
	struct http_opts net;	/* --retries, --retry-delay, --timeout */
	const char *url_template;
} opt = { .jobs = 2, .min_area = 10, .cover_leaves = 5,
	.net = { .retries = 5, .retry_delay_ms = 1000 } };

/* ---- the URL template ---- */

enum { T_LIT, T_ID, T_PAGE, T_REGION };

struct tpart {
	int kind;
	char *s;
	size_t len;
};

static struct tpart *tparts;
static size_t ntparts;

static void
template_add(int kind, const char *s, size_t len)
{
	tparts = xreallocarray(tparts, ntparts + 1, sizeof *tparts);
	tparts[ntparts].kind = kind;
	tparts[ntparts].s = kind == T_LIT ? xstrndup(s, len) : NULL;
	tparts[ntparts].len = len;
	ntparts++;
}

static void
template_compile(const char *t)
{
	const char *p = t, *lit = t, *close;

	while ((p = strchr(p, '{')) != NULL) {
		int kind = -1;

		close = strchr(p, '}');
		if (close) {
			size_t n = (size_t)(close - p - 1);
			if (n == 2 && memcmp(p + 1, "id", 2) == 0)
				kind = T_ID;
			else if (n == 4 && memcmp(p + 1, "page", 4) == 0)
				kind = T_PAGE;
			else if (n == 6 && memcmp(p + 1, "region", 6) == 0)
				kind = T_REGION;
		}
		if (kind < 0)
			diag_usage_error(usage_text, "--url-template: unknown placeholder at '%.20s' "
			    "(known: {id}, {page}, {region})", p);
		if (p > lit)
			template_add(T_LIT, lit, (size_t)(p - lit));
		template_add(kind, NULL, 0);
		p = lit = close + 1;
	}
	if (*lit)
		template_add(T_LIT, lit, strlen(lit));
}

static void
template_free(void)
{
	size_t i;

	for (i = 0; i < ntparts; i++)
		free(tparts[i].s);
	free(tparts);
}

/* ---- pages and Picture blocks ---- */

enum { KEPT, DROP_CARD, DROP_SMALL, DROP_COVER, DROP_NESTED, NDROP };

struct pblock {
	long l, t, r, b;
	int has_box;
	int drop;
};

struct page {
	long index;
	long width, height;	/* -1 when missing */
	struct pblock *b;
	size_t n, cap;
};

static double
page_area(const struct page *p)
{
	return p->width > 0 && p->height > 0 ? (double)p->width * (double)p->height : 0;
}

static double
block_area(const struct pblock *b)
{
	if (!b->has_box || b->r <= b->l || b->b <= b->t)
		return 0;
	return (double)(b->r - b->l) * (double)(b->b - b->t);
}

/* ---- the pre-filter: charParams elements never reach the parser ----
 *
 * Nearly all of an ABBYY file is <charParams> elements, one per recognised
 * character, and nearly all of the parser's time goes on their attributes.
 * This filter takes out the ones that are complete, simple and well-formed:
 *   <charParams NAME="VALUE" ...>TEXT</charParams>   or   <charParams .../>
 * (unprefixed, inside an element, not in a comment, CDATA section,
 * processing instruction or other tag; attribute names distinct; values in
 * printable ASCII, text too or, in a UTF-8 document, any XML character;
 * no '&', '<' or ']'; not right after a byte that is not ASCII, which could
 * be the start of a character that the element splits), and puts in their
 * place the LF bytes they held: libxml2 counts lines by LF bytes (a lone CR
 * is no line to it), so it counts the same lines.  Any
 * other byte sequence goes to the parser unchanged; anything unexpected
 * (a DOCTYPE, an encoding that is not ASCII-compatible) turns the filter
 * off for the rest of the document.  --full-parse turns it off at once. */

enum {
	F_HEAD,		/* the first bytes: is the encoding ASCII-compatible? */
	F_OFF,		/* pass everything */
	F_TEXT,		/* character data */
	F_LT,		/* after '<' */
	F_TAG,		/* in a tag (e->tag_end: an end tag), until '>' */
	F_TAG_Q,	/* in a quoted attribute value of a tag */
	F_BANG,		/* after "<!" */
	F_BANG2,	/* after "<!-" */
	F_COMMENT,	/* until "-->" */
	F_CDATA,	/* until "]]>" */
	F_PI,		/* until "?>" */
	/* a candidate <charParams> element: its bytes are held back */
	F_NAME,		/* matching "charParams" after '<' */
	F_NAME_END,	/* after the name */
	F_C_SP,		/* between attributes */
	F_C_NAME,	/* an attribute name */
	F_C_EQ,		/* before '=' */
	F_C_VAL,	/* before the opening quote */
	F_C_Q,		/* in the value */
	F_C_AFTER,	/* after the closing quote */
	F_C_SLASH,	/* after '/' of "/>" */
	F_C_TEXT,	/* the content */
	F_C_LT,		/* '<' in the content */
	F_C_END,	/* matching "charParams" after "</" */
	F_C_ENDSP	/* blanks before the final '>' */
};

#define ELIDE_NAME	"charParams"
#define ELIDE_NAMELEN	10
#define ELIDE_MAX	4096	/* longer candidates go to the parser */
#define ELIDE_ATTRS	32	/* and so do those with more attributes */
#define ELIDE_DEPTH	200	/* or deeper down (the parser stops at 256) */
#define HEAD_MAX	1024

struct elide {
	int state;
	int utf8;		/* the document is UTF-8 (not another ASCII superset) */
	unsigned long depth;	/* open elements */
	int holding;		/* F_LT: a candidate may start here */
	int tag_end;		/* F_TAG: an end tag */
	unsigned char prev;	/* the last byte of the chunk before */
	unsigned char q;	/* the quote of a value */
	int k;			/* progress in a name or terminator */
	size_t held;		/* candidate bytes seen so far */
	unsigned long long hash;	/* of the attribute name being read */
	unsigned long long names[ELIDE_ATTRS];	/* hashes of the names before */
	unsigned long long mask;
	int nnames;
	struct buf pend;	/* candidate bytes from earlier chunks */
	struct buf nl;		/* the LF bytes of the candidate */
	struct buf head;	/* F_HEAD: the first bytes */
};

/* Byte classes of the fast loops: 1 plain, 0 stop. */
static unsigned char value_ok[256], text_ok[256], name_ok[256], name_start[256];

static void
elide_tables(void)
{
	int c;

	for (c = 0x20; c < 0x80; c++) {
		value_ok[c] = text_ok[c] = 1;
		name_ok[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
		name_start[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
	}
	value_ok['\t'] = text_ok['\t'] = 1;
	value_ok['<'] = value_ok['&'] = value_ok['"'] = value_ok['\''] = 0;
	text_ok['<'] = text_ok['&'] = text_ok[']'] = 0;
}

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* An encoding where '<', quotes, names and newlines are the ASCII bytes
 * and every other byte is >= 0x80. */
static int
ascii_compatible(const char *enc, size_t n)
{
	static const struct {
		const char *name;
		int prefix;	/* the name starts with it (iso-8859-1 ...) */
	} ok[] = {
		{ "utf-8", 0 }, { "utf8", 0 }, { "us-ascii", 0 }, { "ascii", 0 },
		{ "latin1", 0 }, { "iso-8859-", 1 }, { "windows-125", 1 }
	};
	size_t i, k;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		k = strlen(ok[i].name);
		if ((ok[i].prefix ? n > k : n == k) && strncasecmp(enc, ok[i].name, k) == 0)
			return 1;
	}
	return 0;
}

static int
is_utf8_name(const char *enc, size_t n)
{
	return (n == 5 && strncasecmp(enc, "utf-8", 5) == 0) ||
	    (n == 4 && strncasecmp(enc, "utf8", 4) == 0);
}

/* F_HEAD: decide from the XML declaration; -1 while more bytes are needed.
 * *utf8 tells whether the document is UTF-8.  (Input that ends before a
 * decision goes to the parser as it is: see elide_end.) */
static int
head_decide(const char *p, size_t n, int *utf8)
{
	const char *end, *e, *q;
	size_t i = 0;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	if (n - i < 6)
		return -1;
	if (p[i] != '<' || p[i + 1] == '\0')
		return F_OFF;
	*utf8 = 1;	/* the default, unless declared otherwise */
	if (memcmp(p + i, "<?xml", 5) != 0 || !is_blank((unsigned char)p[i + 5]))
		return F_TEXT;
	end = NULL;
	for (e = p + i; e + 1 < p + n; e++)
		if (e[0] == '?' && e[1] == '>') {
			end = e;
			break;
		}
	if (!end)
		return n >= HEAD_MAX ? F_OFF : -1;
	for (e = p + i; e + 8 < end; e++) {
		if (memcmp(e, "encoding", 8) != 0)
			continue;
		for (e += 8; e < end && (is_blank((unsigned char)*e) || *e == '='); e++)
			;
		if (e >= end || (*e != '"' && *e != '\''))
			return F_OFF;
		q = memchr(e + 1, *e, (size_t)(end - e - 1));
		if (!q)
			return F_OFF;
		*utf8 = is_utf8_name(e + 1, (size_t)(q - e - 1));
		return ascii_compatible(e + 1, (size_t)(q - e - 1)) ? F_TEXT : F_OFF;
	}
	return F_TEXT;	/* no encoding declared: UTF-8 */
}

static void
elide_init(struct elide *e, int off)
{
	memset(e, 0, sizeof *e);
	e->state = off ? F_OFF : F_HEAD;
}

static void
elide_free(struct elide *e)
{
	buf_free(&e->pend);
	buf_free(&e->nl);
	buf_free(&e->head);
}

#define IS_NL(c)	((c) == '\n' || (c) == '\r')

/* The slow path's attribute names: a hash each, built byte by byte, and a
 * 64-bit mask of which hashes were seen, so that a repeated name (or a rare
 * collision) is caught cheaply. */
#define NAME_HASH0	5381ULL
#define NAME_HASH(h, c)	((h) * 33 + (c))

/* 1 if the name (hash h) is new in this element; 0 if it may be a repeat. */
static int
name_new(unsigned long long *names, int *nnames, unsigned long long *mask,
    unsigned long long h)
{
	unsigned long long bit = 1ULL << ((h * 0x9E3779B97F4A7C15ULL) >> 58);
	int k;

	if (*nnames >= ELIDE_ATTRS)
		return 0;
	if (*mask & bit)
		for (k = 0; k < *nnames; k++)
			if (names[k] == h)
				return 0;
	*mask |= bit;
	names[(*nnames)++] = h;
	return 1;
}

/* The length of the UTF-8 sequence at p if it is an XML character (not a
 * surrogate, U+FFFE or U+FFFF, nor over U+10FFFF; no overlong forms);
 * 0 if it is not one; -1 if it runs past end. */
static int
utf8_char(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	int n, k;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (end - p < n)
		return -1;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (k = 2; k < n; k++)
		if (p[k] < 0x80 || p[k] > 0xbf)
			return 0;
	if (c == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
		return 0;	/* U+FFFE, U+FFFF */
	return n;
}

/* The hash of a whole name: its length and its first and last 8 bytes
 * (names up to 16 bytes are hashed whole). */
static unsigned long long
whole_name_hash(const unsigned char *n, size_t len)
{
	unsigned long long a = 0, b = 0;
	size_t i;

	if (len >= 8) {
		memcpy(&a, n, 8);
		memcpy(&b, n + len - 8, 8);
	} else {
		for (i = 0; i < len; i++)
			a = a << 8 | n[i];
	}
	return (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL) ^ len;
}

/* The fast path: a whole candidate element at p ('<') inside [p, end),
 * where *end is a NUL sentinel (it stops every loop below, so they need no
 * bounds check).  Returns the element's length when it can go (its CR and
 * LF bytes are appended to out), 0 when it must go to the parser, -1 when
 * it runs past end. */
static long
quick_elem(const unsigned char *p, const unsigned char *end, int utf8, struct buf *out)
{
	const unsigned char *q = p + 1 + ELIDE_NAMELEN, *n0;
	unsigned long long names[ELIDE_ATTRS], seen[4] = { 0, 0, 0, 0 }, h, bit;
	int nnames = 0, blank, k;
	unsigned char quote;

	if (end - p < 1 + ELIDE_NAMELEN + 1)
		return memcmp(p + 1, ELIDE_NAME, (size_t)(end - p - 1)) == 0 ? -1 : 0;
	if (memcmp(p + 1, ELIDE_NAME, ELIDE_NAMELEN) != 0)
		return 0;
#define BLANKS(b) do {							\
		while (is_blank(*q)) {					\
			if (*q == '\n')				\
				buf_addc(out, '\n');			\
			q++;						\
			b;						\
		}							\
		if (q >= end)						\
			return -1;					\
	} while (0)
	for (blank = 0;; blank = 0) {
		/* blanks, then '>', "/>" or an attribute */
		BLANKS(blank = 1);
		if (*q == '>') {
			q++;
			break;
		}
		if (*q == '/') {
			if (q + 1 >= end)
				return -1;
			return q[1] == '>' ? (long)(q + 2 - p) : 0;
		}
		if (!blank || !name_start[*q] || nnames == ELIDE_ATTRS)
			return 0;
		for (n0 = q++; name_ok[*q]; q++)
			;
		if (q >= end)
			return -1;
		/* a name seen before (or a rare collision): the parser decides */
		h = whole_name_hash(n0, (size_t)(q - n0));
		bit = 1ULL << (h >> 56 & 63);
		if (seen[h >> 62] & bit)
			for (k = 0; k < nnames; k++)
				if (names[k] == h)
					return 0;
		seen[h >> 62] |= bit;
		names[nnames++] = h;
		BLANKS((void)0);
		if (*q++ != '=')
			return 0;
		BLANKS((void)0);
		if (*q != '"' && *q != '\'')
			return 0;
		quote = *q++;
		for (;;) {
			while (value_ok[*q])
				q++;
			if (q >= end)
				return -1;
			if (*q == quote)
				break;
			if (!IS_NL(*q) && *q != '"' && *q != '\'')
				return 0;
			if (*q++ == '\n')
				buf_addc(out, '\n');
		}
		q++;
	}
	for (;;) {
		while (text_ok[*q])
			q++;
		if (q >= end)
			return -1;
		if (IS_NL(*q)) {
			if (*q++ == '\n')
				buf_addc(out, '\n');
		} else if (*q >= 0x80 && utf8) {
			if ((k = utf8_char(q, end)) <= 0)
				return k;
			q += k;
		} else {
			break;
		}
	}
	if (*q != '<')
		return 0;
	if (end - q < 2 + ELIDE_NAMELEN)
		return memcmp(q, "</" ELIDE_NAME, (size_t)(end - q)) == 0 ? -1 : 0;
	if (memcmp(q, "</" ELIDE_NAME, 2 + ELIDE_NAMELEN) != 0)
		return 0;
	q += 2 + ELIDE_NAMELEN;
	BLANKS((void)0);
	return *q == '>' ? (long)(q + 1 - p) : 0;
#undef BLANKS
}

/* A line end inside a held candidate: only LF bytes count as lines. */
static void
nl_add(struct elide *e, unsigned char c)
{
	if (c == '\n')
		buf_addc(&e->nl, '\n');
}

static int
candidate(int state)
{
	return state >= F_NAME;
}

/* Give up a candidate: its held bytes go out, and the machine goes on in
 * the state an ordinary parse would be in at this byte. */
static void
bail(struct elide *e, struct buf *out)
{
	buf_add(out, e->pend.s, e->pend.len);
	buf_reset(&e->pend);
	switch (e->state) {
	case F_LT:
		e->holding = 0;
		break;
	case F_C_Q:
		e->state = F_TAG_Q;
		e->tag_end = 0;
		break;
	case F_C_TEXT:
		e->depth++;	/* the element's start tag is complete */
		e->state = F_TEXT;
		break;
	case F_C_LT:
		e->depth++;
		e->state = F_LT;
		e->holding = 0;
		break;
	case F_C_END:
	case F_C_ENDSP:
		e->depth++;
		e->state = F_TAG;
		e->tag_end = 1;
		break;
	default:	/* in the start tag */
		e->state = F_TAG;
		e->tag_end = 0;
		break;
	}
}

/* Run the machine over p[0..n) and append what the parser gets to out;
 * p[n] must be a NUL (see quick_elem). */
static void
elide_run(struct elide *e, const unsigned char *p, size_t n, struct buf *out)
{
	size_t i = 0, run = 0;	/* p[run..i) goes out, or is held */
	unsigned char c;

	while (i < n) {
		if (candidate(e->state) && e->held > ELIDE_MAX) {
			bail(e, out);	/* too long to be what we look for */
			continue;
		}
		c = p[i];
		switch (e->state) {
		case F_OFF:
			i = n;
			continue;
		case F_TEXT: {
			const unsigned char *lt = memchr(p + i, '<', n - i);
			if (!lt) {
				i = n;
				continue;
			}
			i = (size_t)(lt - p);
			e->state = F_LT;
			c = i > 0 ? p[i - 1] : e->prev;
			e->holding = e->depth > 0 && e->depth < ELIDE_DEPTH && c < 0x80;
			if (e->holding) {
				size_t mark;
				long k;

				buf_add(out, p + run, i - run);
				run = i;
				mark = out->len;
				if ((k = quick_elem(p + i, p + n, e->utf8, out)) > 0) {
					i += (size_t)k;
					run = i;
					e->state = F_TEXT;
					continue;
				}
				buf_truncate(out, mark);
				if (k == 0) {
					e->holding = 0;
				} else {
					/* at the end of the chunk: hold back from '<' on */
					buf_reset(&e->nl);
					e->held = 1;
					e->nnames = 0;
					e->mask = 0;
				}
			}
			break;
		}
		case F_LT:
			if (e->holding) {
				if (c == (unsigned char)ELIDE_NAME[0]) {
					e->state = F_NAME;
					e->k = 1;
					break;
				}
				bail(e, out);
			}
			if (c == '/') {
				e->state = F_TAG;
				e->tag_end = 1;
			} else if (c == '!') {
				e->state = F_BANG;
			} else if (c == '?') {
				e->state = F_PI;
				e->k = 0;
			} else {
				e->state = F_TAG;
				e->tag_end = 0;
				continue;
			}
			break;
		case F_TAG:
			while (i < n && p[i] != '>' && p[i] != '"' && p[i] != '\'')
				i++;
			if (i == n)
				continue;
			c = p[i];
			if (c == '>') {
				unsigned char before = i > 0 ? p[i - 1] : e->prev;
				if (e->tag_end) {
					if (e->depth > 0)
						e->depth--;
				} else if (before != '/') {
					e->depth++;
				}
				e->state = F_TEXT;
			} else {
				e->q = c;
				e->state = F_TAG_Q;
			}
			break;
		case F_TAG_Q: {
			const unsigned char *qq = memchr(p + i, e->q, n - i);
			if (!qq) {
				i = n;
				continue;
			}
			i = (size_t)(qq - p);
			e->state = F_TAG;
			break;
		}
		case F_BANG:
			/* a DOCTYPE (refused by the parser) or worse: stop filtering */
			e->state = c == '-' ? F_BANG2 : c == '[' ? F_CDATA : F_OFF;
			e->k = 0;
			break;
		case F_BANG2:
			e->state = c == '-' ? F_COMMENT : F_OFF;
			e->k = 0;
			break;
		case F_COMMENT:
			if (c == '>' && e->k >= 2)
				e->state = F_TEXT;
			else
				e->k = c == '-' ? e->k + 1 : 0;
			break;
		case F_CDATA:
			if (c == '>' && e->k >= 2)
				e->state = F_TEXT;
			else
				e->k = c == ']' ? e->k + 1 : 0;
			break;
		case F_PI:
			if (c == '>' && e->k)
				e->state = F_TEXT;
			else
				e->k = c == '?';
			break;
		case F_NAME:
			if (c != (unsigned char)ELIDE_NAME[e->k]) {
				bail(e, out);
				continue;
			}
			if (++e->k == ELIDE_NAMELEN)
				e->state = F_NAME_END;
			break;
		case F_NAME_END:
		case F_C_SP:
		case F_C_AFTER:
			if (is_blank(c)) {
				if (IS_NL(c))
					nl_add(e, c);
				e->state = F_C_SP;
			} else if (c == '>') {
				e->state = F_C_TEXT;
			} else if (c == '/') {
				e->state = F_C_SLASH;
			} else if (e->state == F_C_SP && name_start[c]) {
				e->state = F_C_NAME;
				e->hash = NAME_HASH(NAME_HASH0, c);
			} else {
				bail(e, out);
				continue;
			}
			break;
		case F_C_NAME: {
			size_t i0 = i;
			unsigned long long h = e->hash;
			while (i < n && name_ok[p[i]])
				h = NAME_HASH(h, p[i]), i++;
			e->hash = h;
			e->held += i - i0;
			if (i == n)
				continue;
			c = p[i];
			/* a name seen before (or a hash collision): the parser decides */
			if (!name_new(e->names, &e->nnames, &e->mask, h)) {
				bail(e, out);
				continue;
			}
			if (c == '=') {
				e->state = F_C_VAL;
			} else if (is_blank(c)) {
				if (IS_NL(c))
					nl_add(e, c);
				e->state = F_C_EQ;
			} else {
				bail(e, out);
				continue;
			}
			break;
		}
		case F_C_EQ:
		case F_C_VAL:
			if (is_blank(c)) {
				if (IS_NL(c))
					nl_add(e, c);
			} else if (c == '=' && e->state == F_C_EQ) {
				e->state = F_C_VAL;
			} else if ((c == '"' || c == '\'') && e->state == F_C_VAL) {
				e->q = c;
				e->state = F_C_Q;
			} else {
				bail(e, out);
				continue;
			}
			break;
		case F_C_Q: {
			size_t i0 = i;
			while (i < n && value_ok[p[i]])
				i++;
			e->held += i - i0;
			if (i == n)
				continue;
			c = p[i];
			if (c == e->q) {
				e->state = F_C_AFTER;
			} else if (c == '"' || c == '\'') {
				;	/* the other quote */
			} else if (IS_NL(c)) {
				nl_add(e, c);
			} else {
				bail(e, out);
				continue;
			}
			break;
		}
		case F_C_SLASH:
			if (c != '>') {
				bail(e, out);
				continue;
			}
			goto elided;
		case F_C_TEXT: {
			size_t i0 = i;
			while (i < n && text_ok[p[i]])
				i++;
			e->held += i - i0;
			if (i == n)
				continue;
			c = p[i];
			if (c == '<') {
				e->state = F_C_LT;
			} else if (IS_NL(c)) {
				nl_add(e, c);
			} else {
				bail(e, out);
				continue;
			}
			break;
		}
		case F_C_LT:
			if (c != '/') {
				bail(e, out);
				continue;
			}
			e->state = F_C_END;
			e->k = 0;
			break;
		case F_C_END:
			if (c != (unsigned char)ELIDE_NAME[e->k]) {
				bail(e, out);
				continue;
			}
			if (++e->k == ELIDE_NAMELEN)
				e->state = F_C_ENDSP;
			break;
		case F_C_ENDSP:
			if (is_blank(c)) {
				if (IS_NL(c))
					nl_add(e, c);
				break;
			}
			if (c != '>') {
				bail(e, out);
				continue;
			}
			goto elided;
		}
		i++;
		e->held++;
		continue;
elided:
		/* a whole simple element: only its line ends go on */
		buf_reset(&e->pend);
		buf_add(out, e->nl.s, e->nl.len);
		i++;
		run = i;
		e->state = F_TEXT;
	}
	if (n)
		e->prev = p[n - 1];
	if (candidate(e->state) || (e->state == F_LT && e->holding))
		buf_add(&e->pend, p + run, n - run);
	else
		buf_add(out, p + run, n - run);
}

/* Feed bytes, with a NUL at p[n]; what the parser should see is appended
 * to out. */
static void
elide_feed(struct elide *e, const char *p, size_t n, struct buf *out)
{
	if (e->state == F_HEAD) {
		int st;
		buf_add(&e->head, p, n);
		if ((st = head_decide(e->head.s, e->head.len, &e->utf8)) < 0)
			return;
		e->state = st;
		elide_run(e, (const unsigned char *)e->head.s, e->head.len, out);
		buf_free(&e->head);
		return;
	}
	if (e->state == F_OFF) {
		buf_add(out, p, n);
		return;
	}
	elide_run(e, (const unsigned char *)p, n, out);
}

/* At the end of input: whatever is still held goes to the parser. */
static void
elide_end(struct elide *e, struct buf *out)
{
	if (e->state == F_HEAD) {
		buf_add(out, e->head.s, e->head.len);
		buf_free(&e->head);
	}
	buf_add(out, e->pend.s, e->pend.len);
	buf_reset(&e->pend);
	e->state = F_OFF;
}

/* ---- the scanner: one ABBYY document through a SAX2 push parser ---- */

struct scan {
	xmlParserCtxtPtr ctxt;
	/* names interned in the parser's dictionary: compared as pointers */
	const xmlChar *n_document, *n_page, *n_block, *n_rect;
	const xmlChar *n_blocktype, *n_l, *n_t, *n_r, *n_b, *n_width, *n_height;

	const char *name;	/* for messages */
	struct buf tid;		/* the id, TSV-escaped */
	struct buf uid;		/* the id, percent-encoded for URLs */
	struct buf *out;	/* rows go here */
	int direct;		/* write rows to stdout as each page is done */
	struct buf line;	/* scratch for one row */
	struct buf region;	/* scratch for one region */
	struct elide el;	/* the charParams pre-filter */
	struct buf fbuf;	/* its output */

	int root_seen;
	long npages;		/* <page> elements started */
	int in_page;
	int in_pic;		/* 1: in a Picture block; 2: one that needs its rects */
	long rl, rt, rr, rb;	/* union of the rects of the current block */
	int nrect;
	struct page cur;
	struct page *held;	/* finished pages that may still be end covers */
	size_t nheld, held_cap;

	unsigned long nblocks, kept, kept_pages, dropped[NDROP];

	int at_end;		/* in the last call of the parser */
	unsigned char last;	/* the last byte of the input so far */
	unsigned long long nbytes;	/* input bytes */

	int failed;
	unsigned long errline;
	struct buf err;
};

static void
scan_fail(struct scan *s, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
scan_fail(struct scan *s, unsigned long line, const char *fmt, ...)
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
scan_line(const struct scan *s)
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
attr_box(const struct scan *s, int nattr, const xmlChar **a, long box[4])
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
page_reset(struct page *p)
{
	p->n = 0;
}

static struct pblock *
page_add(struct page *p)
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
static size_t
put_rows(const char *p, size_t n, int all)
{
	size_t done = 0;

	while (n > 0 && (all || n > PIPE_BUF)) {
		size_t k = n;
		if (k > PIPE_BUF) {
			for (k = PIPE_BUF; k > 0 && p[k - 1] != '\n'; k--)
				;
			if (k == 0)
				k = PIPE_BUF;	/* one row longer than that */
		}
		tsv_put_raw(p, k);
		tsv_flush();
		p += k;
		n -= k;
		done += k;
	}
	return done;
}

static void
emit_url(struct scan *s, struct buf *b, long page, const char *region)
{
	size_t i;

	for (i = 0; i < ntparts; i++) {
		switch (tparts[i].kind) {
		case T_LIT:
			buf_add(b, tparts[i].s, tparts[i].len);
			break;
		case T_ID:
			buf_add(b, s->uid.s, s->uid.len);
			break;
		case T_PAGE:
			buf_printf(b, "%ld", page);
			break;
		case T_REGION:
			buf_adds(b, region);
			break;
		}
	}
}

/* The IIIF region x,y,w,h of a box, or "full". */
static const char *
region_of(struct scan *s, int has_box, long l, long t, long r, long b)
{
	if (!opt.crop || !has_box)
		return "full";
	if (l < 0)
		l = 0;
	if (t < 0)
		t = 0;
	if (r <= l || b <= t)
		return "full";
	buf_reset(&s->region);
	buf_printf(&s->region, "%ld,%ld,%ld,%ld", l, t, r - l, b - t);
	return buf_str(&s->region);
}

static void
put_dim(struct buf *b, long v)
{
	buf_addc(b, '\t');
	if (v >= 0)
		buf_printf(b, "%ld", v);
}

static void
row_start(struct scan *s, long page, const char *region)
{
	struct buf *b = &s->line;

	buf_reset(b);
	buf_adds(b, "internetarchive\t");
	buf_add(b, s->tid.s, s->tid.len);
	buf_printf(b, "\t%ld\t", page);
	{
		/* URLs built from a user template may hold anything: escape */
		struct buf u = BUF_INIT;
		emit_url(s, &u, page, region);
		tsv_escape(b, u.s ? u.s : "", u.len);
		buf_free(&u);
	}
}

static void
row_end(struct scan *s)
{
	buf_addc(&s->line, '\n');
	buf_add(s->out, s->line.s, s->line.len);
}

/* The whole-leaf rule, then nested boxes, then the rows of one page. */
static void
page_finish(struct scan *s, struct page *p, int end_window)
{
	double pa = page_area(p);
	size_t i, j, n = 0;
	int covers = !opt.no_filter && !opt.keep_covers && opt.cover_leaves > 0;

	for (i = 0; i < p->n; i++) {
		struct pblock *b = &p->b[i];
		if (b->drop || !covers || pa <= 0 || !b->has_box)
			continue;
		if ((p->index < opt.cover_leaves || end_window) &&
		    block_area(b) >= pa * COVER_PCT / 100)
			b->drop = DROP_COVER;
	}
	if (!opt.no_filter && !opt.keep_nested && p->n <= NESTED_MAX) {
		for (i = 0; i < p->n; i++) {
			struct pblock *a = &p->b[i];
			if (a->drop || !a->has_box)
				continue;
			for (j = 0; j < p->n; j++) {
				struct pblock *c = &p->b[j];
				if (j == i || !c->has_box || (c->drop && c->drop != DROP_NESTED))
					continue;
				if (c->l <= a->l && c->t <= a->t && c->r >= a->r && c->b >= a->b &&
				    (j < i || c->l != a->l || c->t != a->t || c->r != a->r ||
				     c->b != a->b)) {
					a->drop = DROP_NESTED;
					break;
				}
			}
		}
	}
	for (i = 0; i < p->n; i++) {
		if (p->b[i].drop)
			s->dropped[p->b[i].drop]++;
		else
			n++;
	}
	if (n == 0)
		return;
	s->kept += n;
	s->kept_pages++;
	if (opt.blocks) {
		for (i = 0; i < p->n; i++) {
			struct pblock *b = &p->b[i];
			if (b->drop)
				continue;
			row_start(s, p->index, region_of(s, b->has_box, b->l, b->t, b->r, b->b));
			if (b->has_box)
				buf_printf(&s->line, "\t%ld\t%ld\t%ld\t%ld", b->l, b->t, b->r, b->b);
			else
				buf_adds(&s->line, "\t\t\t\t");
			put_dim(&s->line, p->width);
			put_dim(&s->line, p->height);
			row_end(s);
		}
	} else {
		/* the region of a page row is the union of its kept blocks */
		long l = 0, t = 0, r = 0, b = 0;
		int first = 1, boxed = 1;
		for (i = 0; i < p->n; i++) {
			struct pblock *x = &p->b[i];
			if (x->drop)
				continue;
			if (!x->has_box) {
				boxed = 0;
				continue;
			}
			if (first || x->l < l)
				l = x->l;
			if (first || x->t < t)
				t = x->t;
			if (first || x->r > r)
				r = x->r;
			if (first || x->b > b)
				b = x->b;
			first = 0;
		}
		row_start(s, p->index, region_of(s, boxed && !first, l, t, r, b));
		buf_printf(&s->line, "\t%zu", n);
		put_dim(&s->line, p->width);
		put_dim(&s->line, p->height);
		row_end(s);
	}
	if (s->direct && (s->out->len > PIPE_BUF || opt.line_buffered)) {
		size_t k = put_rows(s->out->s, s->out->len, opt.line_buffered);
		memmove(s->out->s, s->out->s + k, s->out->len - k);
		buf_truncate(s->out, s->out->len - k);
	}
}

/* Release held pages: those with at least cover_leaves pages after them
 * (all == 0), or all of them at the end (all == 1: in the end window;
 * all == 2: the input broke off, so none is known to be an end leaf). */
static void
release(struct scan *s, int all)
{
	long window = opt.no_filter || opt.keep_covers ? 0 : opt.cover_leaves;
	size_t k = 0;

	while (k < s->nheld && (all || s->held[k].index + window < s->npages)) {
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
page_end(struct scan *s)
{
	struct page *p = &s->cur;
	double pa = page_area(p);
	size_t i, left = 0;

	s->in_page = 0;
	s->nblocks += p->n;
	for (i = 0; i < p->n; i++) {
		struct pblock *b = &p->b[i];
		if (opt.no_filter || pa <= 0 || !b->has_box)
			continue;
		if (!opt.keep_card && p->index == 0 && p->n == 1 &&
		    block_area(b) >= pa * CARD_PCT / 100)
			b->drop = DROP_CARD;
		else if (block_area(b) < pa * opt.min_area / 100)
			b->drop = DROP_SMALL;
	}
	for (i = 0; i < p->n; i++) {
		if (p->b[i].drop)
			s->dropped[p->b[i].drop]++;
		else
			left++;
	}
	if (left) {
		struct page *h;
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
block_end(struct scan *s)
{
	struct pblock *b = &s->cur.b[s->cur.n - 1];

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
root_check(struct scan *s, const xmlChar *name)
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
	struct scan *s = ctx;
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
					struct pblock *b = page_add(&s->cur);
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
		s->cur.index = s->npages++;
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
	struct scan *s = ctx;

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
	struct scan *s = ctx;

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
end_line(const struct scan *s)
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

static void fail_with(struct scan *s, xmlErrorPtr e, int with_line);

static void
on_error(void *ctx, xmlErrorPtr e)
{
	struct scan *s = ctx;

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
	if (s->at_end && s->ctxt->nameNr > 0 && s->ctxt->name) {
		scan_fail(s, end_line(s), "premature end of input inside <%s> (truncated file?)",
		    (const char *)s->ctxt->name);
		return;
	}
	fail_with(s, e, 1);
}

/* libxml2's own words: its messages end in a newline; keep the first line
 * (a second one quotes raw bytes, such as "Bytes: 0xC3 0x3E") */
static void
fail_with(struct scan *s, xmlErrorPtr e, int with_line)
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

static xmlSAXHandler sax;
static struct scan *parsing;	/* the scan libxml2 is running for, if any */

/* libxml2 raises some errors without a parser context (input conversion
 * of a broken UTF-16 file, say): by default they go straight to stderr,
 * in libxml2's words.  They belong to the scan running now; they are
 * never about the document's structure, and libxml2 converts ahead of the
 * parser, so its line number is not where they are. */
static void
on_global_error(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	if (parsing && e && e->level >= XML_ERR_ERROR && !parsing->failed)
		fail_with(parsing, e, 0);	/* the parser's line is not theirs */
}

static void
sax_init(void)
{
	xmlSetStructuredErrorFunc(NULL, on_global_error);
	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.internalSubset = on_doctype;
	sax.getEntity = on_get_entity;
	sax.getParameterEntity = on_get_entity;
	sax.entityDecl = on_entity_decl;
	sax.serror = on_error;
	/* characters, ignorableWhitespace, startDocument and all the rest stay
	 * NULL: no text is handed over and no document is built */
}

static const xmlChar *
intern(struct scan *s, const char *name)
{
	const xmlChar *p = xmlDictLookup(s->ctxt->dict, (const xmlChar *)name, -1);

	if (!p)
		diag_die(DIAG_FAIL, "out of memory");
	return p;
}

static void
scan_init(struct scan *s, const char *name, const char *id, struct buf *out, int direct)
{
	memset(s, 0, sizeof *s);
	s->name = name;
	s->out = out;
	s->direct = direct;
	tsv_escape(&s->tid, id, strlen(id));
	buf_add(&s->tid, "", 0);
	http_escape(&s->uid, id, strlen(id));
	buf_add(&s->uid, "", 0);
	elide_init(&s->el, opt.full_parse);
	s->ctxt = xmlCreatePushParserCtxt(&sax, s, NULL, 0, name);
	if (!s->ctxt)
		diag_die(DIAG_FAIL, "libxml2: cannot create a parser");
	xmlCtxtUseOptions(s->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	s->ctxt->replaceEntities = 0;
	s->ctxt->loadsubset = 0;
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
}

/* After a fatal parse error without a message of ours. */
static void
scan_check(struct scan *s)
{
	if (!s->failed && !s->ctxt->wellFormed) {
		xmlErrorPtr e = xmlCtxtGetLastError(s->ctxt);
		if (e)
			on_error(s, e);
		scan_fail(s, scan_line(s), "malformed XML");	/* if still needed */
	}
}

static int
parse(struct scan *s, const char *p, size_t n)
{
	while (n > 0) {
		int k = n > (1 << 30) ? 1 << 30 : (int)n;
		parsing = s;
		xmlParseChunk(s->ctxt, p, k, 0);
		parsing = NULL;
		if (s->failed || !s->ctxt->wellFormed) {
			scan_check(s);
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Feed p[0..n), which must be followed by a NUL; 0 ok, -1 the document is
 * broken (s->err says why). */
static int
scan_feed(struct scan *s, const char *p, size_t n)
{
	if (s->failed)
		return -1;
	if (n)
		s->last = (unsigned char)p[n - 1];
	s->nbytes += n;
	if (s->el.state == F_OFF)
		return parse(s, p, n);
	buf_reset(&s->fbuf);
	elide_feed(&s->el, p, n, &s->fbuf);
	return parse(s, s->fbuf.s, s->fbuf.len);
}

/* The input broke off (read or gzip error): finish what is complete. */
static void
scan_abort(struct scan *s, const char *why)
{
	scan_fail(s, scan_line(s), "%s", why);
	release(s, 2);
}

/* End of input: 0 ok, -1 broken. */
static int
scan_end(struct scan *s)
{
	if (!s->failed) {
		buf_reset(&s->fbuf);
		elide_end(&s->el, &s->fbuf);
		if (parse(s, s->fbuf.s, s->fbuf.len) == 0) {
			s->at_end = 1;
			parsing = s;
			xmlParseChunk(s->ctxt, NULL, 0, 1);
			parsing = NULL;
		}
		scan_check(s);
	}
	release(s, s->failed ? 2 : 1);
	return s->failed ? -1 : 0;
}

static void
scan_free(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->nheld; i++)
		free(s->held[i].b);
	free(s->held);
	free(s->cur.b);
	if (s->ctxt)
		xmlFreeParserCtxt(s->ctxt);
	buf_free(&s->tid);
	buf_free(&s->uid);
	buf_free(&s->line);
	buf_free(&s->region);
	buf_free(&s->err);
	buf_free(&s->fbuf);
	elide_free(&s->el);
}

/* "FILE: 6 pages, 5 Picture blocks; kept 1 on 1 page; dropped ..." */
static void
scan_summary(struct buf *b, const struct scan *s)
{
	buf_printf(b, "%ld page%s, %lu Picture block%s; kept %lu on %lu page%s",
	    s->npages, s->npages == 1 ? "" : "s", s->nblocks, s->nblocks == 1 ? "" : "s",
	    s->kept, s->kept_pages, s->kept_pages == 1 ? "" : "s");
	buf_printf(b, "; dropped %lu colour card, %lu small, %lu cover, %lu nested",
	    s->dropped[DROP_CARD], s->dropped[DROP_SMALL], s->dropped[DROP_COVER],
	    s->dropped[DROP_NESTED]);
}

/* ---- ids from names ---- */

static int
strip_suffix(char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	if (n > k && strcmp(s + n - k, suf) == 0) {
		s[n - k] = '\0';
		return 1;
	}
	return 0;
}

/* The base name of a path or URL path without .gz, .xml and _abbyy. */
static char *
id_from_name(const char *path, int is_url)
{
	const char *p = path, *slash;
	size_t n;
	char *id;
	int again;

	if (is_url) {
		const char *q = strstr(p, "://");
		p = q ? q + 3 : p;
		n = strcspn(p, "?#");
	} else {
		n = strlen(p);
	}
	while (n > 0 && p[n - 1] == '/')
		n--;
	id = xstrndup(p, n);
	slash = strrchr(id, '/');
	if (slash)
		memmove(id, slash + 1, strlen(slash + 1) + 1);
	do {
		again = strip_suffix(id, ".gz");
		again |= strip_suffix(id, ".xml");
		again |= strip_suffix(id, "_abbyy");
	} while (again);
	return id;
}

/* ---- local files: inflate on one thread, parse on this one ---- */

struct slot {
	char *p;
	size_t n;
	int last;	/* end of input (or error: see ring.failed) */
};

struct ring {
	pthread_mutex_t mu;
	pthread_cond_t filled, emptied;
	struct slot slot[NSLOTS];
	unsigned long head, tail;	/* slots filled, slots consumed */
	int stop;
	int failed;
	struct io_in *in;
};

static void *
reader(void *arg)
{
	struct ring *g = arg;

	for (;;) {
		struct slot *sl;
		ssize_t k;

		pthread_mutex_lock(&g->mu);
		while (g->head - g->tail == NSLOTS && !g->stop)
			pthread_cond_wait(&g->emptied, &g->mu);
		if (g->stop) {
			pthread_mutex_unlock(&g->mu);
			return NULL;
		}
		sl = &g->slot[g->head % NSLOTS];
		pthread_mutex_unlock(&g->mu);
		/* one read: what a slow pipe has now goes on at once */
		k = io_read(g->in, sl->p, SLOTSZ);
		pthread_mutex_lock(&g->mu);
		sl->n = k > 0 ? (size_t)k : 0;
		sl->p[sl->n] = '\0';
		sl->last = k <= 0;
		g->failed = k < 0;
		g->head++;
		pthread_cond_signal(&g->filled);
		pthread_mutex_unlock(&g->mu);
		if (k <= 0)
			return NULL;
	}
}

static void
scan_file(const char *path)
{
	static struct buf rows = BUF_INIT;
	struct io_in *in = io_open(path);
	struct ring g;
	struct scan s;
	pthread_t th;
	char *id;
	int i, broken = 0, stop = 0;

	if (!in) {
		diag_failed();
		return;
	}
	if (opt.id) {
		id = xstrdup(opt.id);
	} else if (strcmp(path, "-") == 0) {
		id = xstrdup("stdin");
		diag_note("<stdin>: no --id given, so the id column reads 'stdin'");
	} else {
		id = id_from_name(path, 0);
	}
	scan_init(&s, io_name(in), id, &rows, 1);
	memset(&g, 0, sizeof g);
	pthread_mutex_init(&g.mu, NULL);
	pthread_cond_init(&g.filled, NULL);
	pthread_cond_init(&g.emptied, NULL);
	for (i = 0; i < NSLOTS; i++)
		g.slot[i].p = xmalloc(SLOTSZ + 1);	/* + the NUL scan_feed wants */
	g.in = in;
	if ((errno = pthread_create(&th, NULL, reader, &g)) != 0)
		diag_die_errno(DIAG_FAIL, "cannot start a thread");
	while (!stop) {
		struct slot *sl;

		pthread_mutex_lock(&g.mu);
		while (g.head == g.tail)
			pthread_cond_wait(&g.filled, &g.mu);
		sl = &g.slot[g.tail % NSLOTS];
		pthread_mutex_unlock(&g.mu);
		if (sl->n && scan_feed(&s, sl->p, sl->n) < 0) {
			broken = 1;
			stop = 1;
		}
		if (sl->last && !broken) {
			stop = 1;
			if (g.failed)
				scan_abort(&s, io_error(in));
			else
				scan_end(&s);
		}
		pthread_mutex_lock(&g.mu);
		g.tail++;
		if (stop)
			g.stop = 1;
		pthread_cond_signal(&g.emptied);
		pthread_mutex_unlock(&g.mu);
	}
	if (broken)
		release(&s, 2);
	put_rows(rows.s, rows.len, 1);
	pthread_join(th, NULL);
	if (s.failed) {
		diag_data(s.name, s.errline, "%s", buf_str(&s.err));
		diag_failed();
	}
	if (opt.verbose) {
		struct buf b = BUF_INIT;
		scan_summary(&b, &s);
		diag_note("%s: %s", s.name, buf_str(&b));
		buf_free(&b);
	}
	scan_free(&s);
	buf_free(&rows);
	for (i = 0; i < NSLOTS; i++)
		free(g.slot[i].p);
	pthread_mutex_destroy(&g.mu);
	pthread_cond_destroy(&g.filled);
	pthread_cond_destroy(&g.emptied);
	io_close(in);
	free(id);
}

/* ---- the network: URL operands and --ia items ---- */

struct cand {
	char *name;
	int priv;
	int abbyy_format;
};

struct item {
	struct item *next;
	char *id;		/* the IA identifier (or the id for a URL) */
	int ia;			/* an --ia item: metadata first */
	int done;
	char *meta_url;
	char *dl_url;
	char *label;		/* scan name: "ID: URL" or "URL" */
	struct json_stream *js;
	int json_failed;	/* the metadata is not JSON: transfer stopped */
	int known;		/* the metadata has "dir" */
	struct cand cur, by_format, by_name;
	struct io_dec *dec;
	int dec_failed;
	struct buf chunk;	/* a decoded chunk, NUL-terminated for scan_feed */
	struct scan scan;
	int scanning;
	struct buf out;		/* rows, printed in input order */
	struct buf msgs;	/* "E message\n" (error) or "N message\n" (note) */
};

static struct http *net;
static char *ia_base;
static struct item *items, *items_tail;
static size_t nitems;		/* not yet printed */
static size_t nactive;		/* not yet done */

static void
item_msg(struct item *it, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
item_msg(struct item *it, int error, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (i = 0; msg[i]; i++)
		if (msg[i] == '\n')
			msg[i] = ' ';
	buf_addc(&it->msgs, error ? 'E' : 'N');
	buf_adds(&it->msgs, msg);
	buf_addc(&it->msgs, '\n');
}

static void
cand_free(struct cand *c)
{
	free(c->name);
	memset(c, 0, sizeof *c);
}

static void
item_free(struct item *it)
{
	if (it->scanning)
		scan_free(&it->scan);
	io_dec_free(it->dec);
	json_free(it->js);
	cand_free(&it->cur);
	cand_free(&it->by_format);
	cand_free(&it->by_name);
	buf_free(&it->out);
	buf_free(&it->msgs);
	buf_free(&it->chunk);
	free(it->id);
	free(it->meta_url);
	free(it->dl_url);
	free(it->label);
	free(it);
}

static void
item_done(struct item *it)
{
	it->done = 1;
	nactive--;
}

/* Print finished items at the head of the queue, in input order. */
static void
flush_items(void)
{
	struct item *it;

	while ((it = items) != NULL && it->done) {
		const char *p = it->msgs.s, *nl;

		put_rows(it->out.s, it->out.len, 1);
		while (p && *p && (nl = strchr(p, '\n')) != NULL) {
			if (*p == 'E') {
				diag_warn("%.*s", (int)(nl - p - 1), p + 1);
				diag_failed();
			} else {
				diag_note("%.*s", (int)(nl - p - 1), p + 1);
			}
			p = nl + 1;
		}
		items = it->next;
		if (!items)
			items_tail = NULL;
		nitems--;
		item_free(it);
	}
}

static void
item_scan_start(struct item *it)
{
	if (it->scanning)
		scan_free(&it->scan);
	scan_init(&it->scan, it->label, it->id, &it->out, 0);
	it->scanning = 1;
	buf_reset(&it->out);
	if (it->dec)
		io_dec_reset(it->dec);
	else
		it->dec = io_dec_new();
	it->dec_failed = 0;
}

static int
dl_sink(void *arg, const char *p, size_t n)
{
	struct item *it = arg;

	buf_reset(&it->chunk);
	buf_add(&it->chunk, p, n);
	return scan_feed(&it->scan, it->chunk.s, it->chunk.len) < 0;
}

static int
dl_body(void *arg, const char *p, size_t n)
{
	struct item *it = arg;
	int r = io_dec_push(it->dec, p, n, dl_sink, it);

	if (r < 0) {
		it->dec_failed = 1;
		scan_abort(&it->scan, io_dec_error(it->dec));
	}
	return r != 0;
}

static void
dl_restart(void *arg)
{
	item_scan_start(arg);
}

static void
dl_done(void *arg, const struct http_result *r)
{
	struct item *it = arg;
	const char *pre = it->ia ? it->id : NULL;
	struct scan *s = &it->scan;

	if (r->outcome == HTTP_OK) {
		int e = io_dec_end(it->dec, dl_sink, it);
		if (e < 0)
			scan_abort(s, io_dec_error(it->dec));
		else if (e == 0)
			scan_end(s);
	} else if (r->outcome != HTTP_ABORTED) {
		/* HTTP_ABORTED: we stopped it, for an error in s->err */
		item_msg(it, 1, "%s%s%s: %s", pre ? pre : "", pre ? ": " : "", r->url, r->error);
	}
	release(s, 2);	/* what is still held after a failure */
	if (s->failed) {
		if (s->errline)
			item_msg(it, 1, "%s:%lu: %s", it->label, s->errline, buf_str(&s->err));
		else
			item_msg(it, 1, "%s: %s", it->label, buf_str(&s->err));
	}
	if (opt.verbose) {
		struct buf b = BUF_INIT;
		scan_summary(&b, s);
		item_msg(it, 0, "%s: %s", it->label, buf_str(&b));
		buf_free(&b);
	}
	item_done(it);
}

static const struct http_cb dl_cb = { NULL, dl_body, dl_restart, dl_done };

static void
start_download(struct item *it)
{
	struct buf lab = BUF_INIT;

	if (it->ia)
		buf_printf(&lab, "%s: %s", it->id, it->dl_url);
	else
		buf_adds(&lab, it->dl_url);
	it->label = xstrdup(buf_str(&lab));
	buf_free(&lab);
	item_scan_start(it);
	http_get(net, it->dl_url, &dl_cb, it);
}

static int
ends_with_ci(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && strncasecmp(s + n - k, suf, k) == 0;
}

static int
on_meta(void *arg, const struct json_event *ev)
{
	struct item *it = arg;

	if (ev->depth == 1 && json_path_is(ev, "dir")) {
		it->known = 1;
	} else if (ev->depth == 2 && json_path_is(ev, "files[]")) {
		if (ev->type == JSON_MAP_START) {
			cand_free(&it->cur);
		} else if (ev->type == JSON_MAP_END && it->cur.name) {
			size_t n = strlen(it->cur.name);
			if (it->cur.abbyy_format && !it->by_format.name) {
				it->by_format = it->cur;
				memset(&it->cur, 0, sizeof it->cur);
			} else if (ends_with_ci(it->cur.name, n, "_abbyy.gz") && !it->by_name.name) {
				it->by_name = it->cur;
				memset(&it->cur, 0, sizeof it->cur);
			}
		}
	} else if (ev->depth == 3 && (ev->type == JSON_STRING || ev->type == JSON_BOOL)) {
		if (json_path_is(ev, "files[].name")) {
			free(it->cur.name);
			it->cur.name = xstrndup(ev->val, ev->len);
		} else if (json_path_is(ev, "files[].format")) {
			it->cur.abbyy_format = ev->len == 8 && strncasecmp(ev->val, "Abbyy GZ", 8) == 0;
		} else if (json_path_is(ev, "files[].private")) {
			it->cur.priv = ev->len == 4 && strncasecmp(ev->val, "true", 4) == 0;
		}
	}
	return 0;
}

static int
meta_body(void *arg, const char *p, size_t n)
{
	struct item *it = arg;

	if (json_feed(it->js, p, n) == 0)
		return 0;
	it->json_failed = 1;
	return 1;
}

static void
meta_restart(void *arg)
{
	struct item *it = arg;

	json_reset(it->js);
	it->json_failed = 0;
	it->known = 0;
	cand_free(&it->cur);
	cand_free(&it->by_format);
	cand_free(&it->by_name);
}

/* Percent-encode each segment of a file name, keeping the slashes. */
static void
escape_path(struct buf *b, const char *name)
{
	const char *p = name, *slash;

	for (;;) {
		slash = strchr(p, '/');
		http_escape(b, p, slash ? (size_t)(slash - p) : strlen(p));
		if (!slash)
			break;
		buf_addc(b, '/');
		p = slash + 1;
	}
}

/* A file name from the metadata stays inside the item's download folder:
 * no empty, "." or ".." segment, no control bytes. */
static int
safe_name(const char *name)
{
	const char *p = name;
	size_t k;

	if (!*name)
		return 0;
	for (;;) {
		k = strcspn(p, "/");
		if (k == 0 || (k == 1 && p[0] == '.') || (k == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!p[k])
			break;
		p += k + 1;
	}
	for (p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* The finished metadata body of url: set it->dl_url to the ABBYY file to
 * fetch and return 0, or say why not (item_msg) and return -1. */
static int
meta_choose(struct item *it, const char *url)
{
	struct cand *c;
	struct buf u = BUF_INIT;

	if (it->json_failed || json_finish(it->js) != 0) {
		item_msg(it, 1, "%s: %s:%lu: %s", it->id, url, json_error_line(it->js),
		    json_error(it->js));
		return -1;
	}
	if (!it->known) {
		item_msg(it, 1, "%s: unknown identifier", it->id);
		return -1;
	}
	c = it->by_format.name ? &it->by_format : it->by_name.name ? &it->by_name : NULL;
	if (!c) {
		item_msg(it, 0, "%s: no ABBYY file (items OCR'd after 2020 have none)", it->id);
		return -1;
	}
	if (c->priv) {
		item_msg(it, 0, "%s: ABBYY file is private (lending item); skipped", it->id);
		return -1;
	}
	if (!safe_name(c->name)) {
		tsv_escape(&u, c->name, strlen(c->name));
		item_msg(it, 1, "%s: %s: ABBYY file name '%s' leaves the item's folder; skipped",
		    it->id, url, buf_str(&u));
		buf_free(&u);
		return -1;
	}
	buf_printf(&u, "%s/download/", ia_base);
	http_escape(&u, it->id, strlen(it->id));
	buf_addc(&u, '/');
	escape_path(&u, c->name);
	buf_adds(&u, "?cnt=0");
	it->dl_url = xstrdup(buf_str(&u));
	buf_free(&u);
	return 0;
}

static void
meta_done(void *arg, const struct http_result *r)
{
	struct item *it = arg;

	if (r->outcome != HTTP_OK && !(r->outcome == HTTP_ABORTED && it->json_failed)) {
		item_msg(it, 1, "%s: %s: %s", it->id, r->url, r->error);
		item_done(it);
		return;
	}
	if (meta_choose(it, r->url) != 0) {
		item_done(it);
		return;
	}
	start_download(it);
}

static const struct http_cb meta_cb = { NULL, meta_body, meta_restart, meta_done };

static struct item *
item_new(const char *id, int ia)
{
	struct item *it = xcalloc(1, sizeof *it);

	it->id = xstrdup(id);
	it->ia = ia;
	if (items_tail)
		items_tail->next = it;
	else
		items = it;
	items_tail = it;
	nitems++;
	nactive++;
	return it;
}

static void
net_init(void)
{
	if (net)
		return;
	net = http_new(&opt.net);
	http_default_limit(net, (int)opt.jobs, 0, 1);
	ia_base = http_base(NULL, "PLATES_IA_BASE", IA_DEFAULT);
}

static void
scan_url(const char *url)
{
	struct item *it;
	char *id = opt.id ? xstrdup(opt.id) : id_from_name(url, 1);

	net_init();
	it = item_new(id, 0);
	free(id);
	it->dl_url = xstrdup(url);
	start_download(it);
	http_drain(net);
	flush_items();
}

/* An IA identifier: letters, digits, '_', '.', '-' (up to 100). */
static int
valid_ia_id(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 100)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

/* The next identifier from the id files: 1 and the id, 2 and a message
 * about a bad line, 0 at the end of all of them. */
static int
next_id(char **paths, int npaths, struct buf *id)
{
	static struct io_in *in;
	static int next;
	static struct buf line = BUF_INIT;
	int r;

	for (;;) {
		if (!in) {
			if (next >= npaths) {
				buf_free(&line);
				return 0;
			}
			/* messages about a file come after the items before it */
			http_drain(net);
			flush_items();
			if ((in = io_open(paths[next++])) == NULL) {
				diag_failed();
				continue;
			}
		}
		if ((r = io_getline(in, &line)) <= 0) {
			if (r < 0) {
				buf_reset(id);
				buf_printf(id, "%s:%lu: %s", io_name(in), io_lineno(in), io_error(in));
			}
			io_close(in);
			in = NULL;
			if (r < 0)
				return 2;
			continue;
		}
		if (opt.header && io_lineno(in) == 1)
			continue;	/* the input's header */
		{
			const char *s = buf_str(&line);
			size_t n = strcspn(s, "\t"), k;
			char *f = xstrndup(s, n);
			n = tsv_unescape(f, n);
			s = f;
			while (n && (*s == ' ' || *s == '\r'))
				s++, n--;
			while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
				n--;
			k = n;
			if (k == 0 || *s == '#') {
				free(f);
				continue;	/* blank lines and comments */
			}
			if (!valid_ia_id(s, k)) {
				buf_reset(id);
				buf_printf(id, "%s:%lu: not an Internet Archive identifier: '%.*s'",
				    io_name(in), io_lineno(in), (int)(k > 80 ? 80 : k), s);
				free(f);
				return 2;
			}
			buf_reset(id);
			buf_add(id, s, k);
			free(f);
			return 1;
		}
	}
}

static void
run_ia(char **paths, int npaths)
{
	static char *stdin_path[] = { "-" };
	struct buf id = BUF_INIT, u = BUF_INIT;
	size_t window = (size_t)opt.jobs * 4;
	int more = 1;

	if (npaths == 0) {
		paths = stdin_path;
		npaths = 1;
	}
	net_init();
	for (;;) {
		while (more && nactive < (size_t)opt.jobs && nitems < window) {
			struct item *it;
			if (!(more = next_id(paths, npaths, &id)))
				break;
			if (more == 2) {
				/* a bad line: an item that is done already */
				it = item_new("", 1);
				item_msg(it, 1, "%s", buf_str(&id));
				item_done(it);
				flush_items();
				continue;
			}
			it = item_new(buf_str(&id), 1);
			it->js = json_new(on_meta, it);
			buf_reset(&u);
			buf_printf(&u, "%s/metadata/", ia_base);
			http_escape(&u, id.s, id.len);
			it->meta_url = xstrdup(buf_str(&u));
			http_get(net, it->meta_url, &meta_cb, it);
			flush_items();
		}
		if (!more && nitems == 0)
			break;
		if (http_pending(net))
			http_run(net, -1);
		flush_items();
	}
	buf_free(&id);
	buf_free(&u);
}

static void
usage(void)
{
	printf("%s", usage_text);
	printf("\nABBYY FineReader XML (plain or gzip; files, '-' or no FILE for stdin,\n"
	    "http(s) URLs streamed) to the pages with Picture blocks, one row per page:\n"
	    "internetarchive, id, page (leaf), url, npictures, width, height.\n\n"
	    "      --blocks         one row per Picture block: ... url l t r b width height\n"
	    "      --cover-leaves N the leaves at each end where whole-leaf pictures are\n"
	    "                       covers (default 5)\n"
	    "      --crop           put the block's box (the union, for page rows) in\n"
	    "                       the URL's region\n"
	    "      --full-parse     hand every byte to the XML parser (slower; see the\n"
	    "                       manual)\n"
	    "  -H, --header         print a header row (with --ia: the input has one)\n"
	    "  -h, --help           this help\n"
	    "      --ia             read Internet Archive identifiers (first column of\n"
	    "                       the FILEs or stdin) and fetch each item's ABBYY file\n"
	    "      --id ID          the id column for files, stdin and URLs\n"
	    "  -j, --jobs N         items in flight with --ia (default 2)\n"
	    "      --keep-card      keep leaf 0's colour-card placeholder\n"
	    "      --keep-covers    keep whole-leaf pictures at either end of the book\n"
	    "      --keep-nested    keep blocks that lie inside another kept block\n"
	    "      --line-buffered  flush after every page\n"
	    "      --min-area PCT   drop blocks under PCT %% of the page (default 10)\n"
	    "      --no-filter      every Picture block, no filter at all\n"
	    "  -q, --quiet          no informational messages\n"
	    "      --retries N      retries of a failed request (default 5)\n"
	    "      --retry-delay MS first retry delay, doubling (default 1000)\n"
	    "      --timeout SECS   limit on one transfer (default: none)\n"
	    "      --url-template T the URL, with {id}, {page} and {region} (default\n"
	    "                       $PLATES_IIIF_BASE" TEMPLATE_TAIL ")\n"
	    "  -V, --version        version\n"
	    "  -v, --verbose        say per input what the filters dropped\n"
	    "\nSee abbyy-pictures(1) and plates(7).\n");
	exit(diag_finish());
}

static int
is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

int
main(int argc, char **argv)
{
	enum { O_BLOCKS = 256, O_COVER_LEAVES, O_CROP, O_FULL_PARSE, O_IA, O_ID, O_KEEP_CARD,
		O_KEEP_COVERS, O_KEEP_NESTED, O_LINE_BUFFERED, O_MIN_AREA, O_NO_FILTER,
		O_RETRIES, O_RETRY_DELAY, O_TIMEOUT, O_URL_TEMPLATE };
	static const struct option longopts[] = {
		{ "blocks", no_argument, NULL, O_BLOCKS },
		{ "cover-leaves", required_argument, NULL, O_COVER_LEAVES },
		{ "crop", no_argument, NULL, O_CROP },
		{ "full-parse", no_argument, NULL, O_FULL_PARSE },
		{ "header", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "ia", no_argument, NULL, O_IA },
		{ "id", required_argument, NULL, O_ID },
		{ "jobs", required_argument, NULL, 'j' },
		{ "keep-card", no_argument, NULL, O_KEEP_CARD },
		{ "keep-covers", no_argument, NULL, O_KEEP_COVERS },
		{ "keep-nested", no_argument, NULL, O_KEEP_NESTED },
		{ "line-buffered", no_argument, NULL, O_LINE_BUFFERED },
		{ "min-area", required_argument, NULL, O_MIN_AREA },
		{ "no-filter", no_argument, NULL, O_NO_FILTER },
		{ "quiet", no_argument, NULL, 'q' },
		{ "retries", required_argument, NULL, O_RETRIES },
		{ "retry-delay", required_argument, NULL, O_RETRY_DELAY },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "url-template", required_argument, NULL, O_URL_TEMPLATE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char *iiif, *tmpl = NULL;
	int c, i;

	diag_init(argv[0]);
	while ((c = getopt_long(argc, argv, ":Hhj:qVv", longopts, NULL)) != -1) {
		switch (c) {
		case O_BLOCKS:
			opt.blocks = 1;
			break;
		case O_COVER_LEAVES:
			opt.cover_leaves = diag_parse_long(usage_text, "--cover-leaves", optarg, 0, 1000);
			break;
		case O_CROP:
			opt.crop = 1;
			break;
		case O_FULL_PARSE:
			opt.full_parse = 1;
			break;
		case 'H':
			opt.header = 1;
			break;
		case 'h':
			usage();
			break;
		case O_IA:
			opt.ia = 1;
			break;
		case O_ID:
			if (!*optarg)
				diag_usage_error(usage_text, "--id: the id must not be empty");
			opt.id = optarg;
			break;
		case 'j':
			opt.jobs = diag_parse_long(usage_text, "--jobs", optarg, 1, 64);
			break;
		case O_KEEP_CARD:
			opt.keep_card = 1;
			break;
		case O_KEEP_COVERS:
			opt.keep_covers = 1;
			break;
		case O_KEEP_NESTED:
			opt.keep_nested = 1;
			break;
		case O_LINE_BUFFERED:
			opt.line_buffered = 1;
			tsv_set_line_buffered(1);
			break;
		case O_MIN_AREA:
			opt.min_area = diag_parse_double(usage_text, "--min-area", optarg, 0, 100);
			break;
		case O_NO_FILTER:
			opt.no_filter = 1;
			break;
		case 'q':
			diag_set_quiet(1);
			break;
		case O_RETRIES:
			http_option(&opt.net, usage_text, "retries", optarg);
			break;
		case O_RETRY_DELAY:
			http_option(&opt.net, usage_text, "retry-delay", optarg);
			break;
		case O_TIMEOUT:
			http_option(&opt.net, usage_text, "timeout", optarg);
			break;
		case O_URL_TEMPLATE:
			opt.url_template = optarg;
			break;
		case 'V':
			diag_version();
			break;
		case 'v':
			opt.verbose = 1;
			break;
		default:
			diag_getopt_error(usage_text, c, argv);
		}
	}
	if (opt.ia && opt.id)
		diag_usage_error(usage_text, "--id cannot be used with --ia (the ids come from the input)");
	if (opt.url_template) {
		template_compile(opt.url_template);
	} else {
		iiif = http_base(NULL, "PLATES_IIIF_BASE", IIIF_DEFAULT);
		tmpl = xmalloc(strlen(iiif) + sizeof TEMPLATE_TAIL);
		strcpy(tmpl, iiif);
		strcat(tmpl, TEMPLATE_TAIL);
		free(iiif);
		template_compile(tmpl);
		free(tmpl);
	}
	LIBXML_TEST_VERSION
	sax_init();
	elide_tables();

	if (opt.header) {
		static const char hb[] = "library\tid\tpage\turl\tl\tt\tr\tb\twidth\theight";
		static const char hp[] = "library\tid\tpage\turl\tnpictures\twidth\theight";
		if (opt.blocks)
			tsv_put_raw(hb, sizeof hb - 1);
		else
			tsv_put_raw(hp, sizeof hp - 1);
		tsv_end();
		tsv_flush();	/* rows go out in whole pieces (put_rows) */
	}
	if (opt.ia) {
		run_ia(argv + optind, argc - optind);
	} else {
		if (optind == argc)
			scan_file("-");
		for (i = optind; i < argc; i++) {
			if (is_url(argv[i]))
				scan_url(argv[i]);
			else
				scan_file(argv[i]);
		}
	}
	http_free(net);
	free(ia_base);
	template_free();
	xmlCleanupParser();
	return diag_finish();
}
