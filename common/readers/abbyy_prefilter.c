/* abbyy_prefilter: the <charParams> pre-filter of the ABBYY scanner; see
 * abbyy_prefilter.h. */
#include "abbyy_prefilter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "xmem.h"
#include "xml.h"

/* charParams elements never reach the parser.
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
 * off for the rest of the document.  abbyy_pf_new(1) turns it off at once
 * (abbyy-pictures --full-parse).  Simple <rect .../> elements go the same
 * way where the scanner cannot want them (see rect_track), and so do the
 * simple start and end tags of the elements it never reads (see
 * quick_other: with them, the parser has about half the work it had, on
 * 70% of the bytes).  The parser then sees fewer open elements than the
 * document has: libxml2 2.9.14 (Debian 12 and 13) sets no depth limit in
 * push mode, so that changes nothing; a libxml2 that does would need the
 * same limit here (abbyy-pictures case 072 nests 1200 deep). */

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
	F_EHOLD,	/* the end tag of an element whose start tag went, cut
			 * by the chunk's end: its bytes are held back */
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
#define TAG_NAME_MAX	32	/* longer names of other elements stay */
#define SKEL_N		8	/* shapes remembered */
#define SKEL_MAX	512	/* bytes of a shape's names and separators */

/* The shape of a charParams element that quick_elem took out: its bytes
 * without the attribute values, cut at the values' opening quotes.  The
 * elements of a file come in a few shapes (the same attributes in the
 * same order, wordFirst="1" at a word's start ...); an element of a known
 * shape needs no name compared, hashed or checked for repeats: only its
 * values and its text are looked at. */
struct skel {
	char lit[SKEL_MAX];	/* the literal parts, one after another */
	unsigned short len[ELIDE_ATTRS + 1];	/* their lengths; the last
						 * ends the start tag */
	unsigned char quote[ELIDE_ATTRS];	/* each value's quote */
	int nval;
	int empty;		/* "/>": no content */
	int nl;			/* LF bytes in the literal parts */
	int rect;		/* a <rect/> (see rect_track) */
};

struct abbyy_pf {
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
	struct skel skel[SKEL_N];
	int order[SKEL_N];	/* their indexes, most recently used first */
	int nskel;
	int rect_ok;		/* <rect> elements may go too (see rect_track) */
	int keep_text;		/* a charParams' text stays (abbyy_pf_keep_text) */
	/* the open elements whose start tags went (see quick_other) */
	unsigned long nest_depth[ELIDE_DEPTH];	/* e->depth inside each */
	unsigned char nest_len[ELIDE_DEPTH];
	char nest_name[ELIDE_DEPTH][TAG_NAME_MAX];
	int nnest;
	unsigned char ehold_prev;	/* F_EHOLD: the byte before the '<' */
	struct buf scratch;	/* F_EHOLD: the held bytes with the new ones */
	struct buf elem;	/* keep_text: a held element, whole (not scratch:
				 * elide_run may be running over that) */
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
 * decision goes to the parser as it is: see abbyy_pf_end.) */
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

struct abbyy_pf *
abbyy_pf_new(int off)
{
	struct abbyy_pf *e = xcalloc(1, sizeof *e);

	if (!name_start['a'])
		elide_tables();
	e->state = off ? F_OFF : F_HEAD;
	return e;
}

void
abbyy_pf_free(struct abbyy_pf *e)
{
	if (!e)
		return;
	buf_free(&e->pend);
	buf_free(&e->nl);
	buf_free(&e->head);
	buf_free(&e->scratch);
	buf_free(&e->elem);
	free(e);
}

void
abbyy_pf_keep_text(struct abbyy_pf *e)
{
	e->keep_text = 1;
}


int
abbyy_pf_off(const struct abbyy_pf *e)
{
	return e->state == F_OFF;
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

/* The attributes and end of a start tag at p ('<'), from q (just after its
 * name) inside [p, end), where *end is a NUL sentinel (it stops every loop
 * below, so they need no bounds check): the tag's length when it is simple
 * and well-formed (its LF bytes are appended to out; *empty: it ended with
 * "/>"), 0 when it must go to the parser, -1 when it runs past end. */
static long
quick_stag(const unsigned char *p, const unsigned char *q, const unsigned char *end,
    struct buf *out, int *empty)
{
	const unsigned char *n0;
	unsigned long long names[ELIDE_ATTRS], seen[4] = { 0, 0, 0, 0 }, h, bit;
	int nnames = 0, blank, k;
	unsigned char quote;

	*empty = 0;
	for (blank = 0;; blank = 0) {
		/* blanks, then '>', "/>" or an attribute */
		BLANKS(blank = 1);
		if (*q == '>')
			return (long)(q + 1 - p);
		if (*q == '/') {
			if (q + 1 >= end)
				return -1;
			*empty = 1;
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
}

/* An end tag "</NAME>" (blanks before the '>' allowed) at p inside
 * [p, end), *end a NUL: its length (its LF bytes appended to out), 0 when
 * it is not that, -1 when it may be but runs past end. */
static long
quick_etag(const unsigned char *p, const unsigned char *end, struct buf *out, const char *name,
    size_t namelen)
{
	const unsigned char *q = p;

	if ((size_t)(end - q) < 2 + namelen) {
		if (end - q >= 2 && q[1] != '/')
			return 0;
		return memcmp(q + 2, name, (size_t)(end - q) < 2 ? 0 : (size_t)(end - q) - 2) == 0 ? -1 : 0;
	}
	if (q[1] != '/' || memcmp(q + 2, name, namelen) != 0)
		return 0;
	q += 2 + namelen;
	BLANKS((void)0);
	return *q == '>' ? (long)(q + 1 - p) : 0;
}

/* The fast path: a whole candidate element at p ('<') inside [p, end),
 * where *end is a NUL sentinel.  Returns the element's length when it can
 * go (its CR and LF bytes are appended to out), 0 when it must go to the
 * parser, -1 when it runs past end. */
static long
quick_elem(const unsigned char *p, const unsigned char *end, int utf8, struct buf *out,
    const char *name, size_t namelen)
{
	const unsigned char *q;
	long k;
	int empty;

	if ((size_t)(end - p) < 1 + namelen + 1)
		return memcmp(p + 1, name, (size_t)(end - p - 1)) == 0 ? -1 : 0;
	if (memcmp(p + 1, name, namelen) != 0)
		return 0;
	if ((k = quick_stag(p, p + 1 + namelen, end, out, &empty)) <= 0 || empty)
		return k;
	for (q = p + k;;) {
		while (text_ok[*q])
			q++;
		if (q >= end)
			return -1;
		if (IS_NL(*q)) {
			if (*q++ == '\n')
				buf_addc(out, '\n');
		} else if (*q >= 0x80 && utf8) {
			if ((k = xml_utf8_char(q, end)) <= 0)
				return k;
			q += k;
		} else {
			break;
		}
	}
	if (*q != '<')
		return 0;
	k = quick_etag(q, end, out, name, namelen);
	return k > 0 ? (long)(q + k - p) : k;
}
#undef BLANKS

/* buf_add, without a call where there is room (it runs for every tag) */
static inline void
out_add(struct buf *b, const void *p, size_t n)
{
	if (b->cap - b->len > n) {
		memcpy(b->s + b->len, p, n);
		b->len += n;
		b->s[b->len] = '\0';
	} else {
		buf_add(b, p, n);
	}
}

/* Remember the shape of p[0..n), a whole element that quick_elem took
 * out. */
static void
skel_add(struct abbyy_pf *e, const unsigned char *p, size_t n)
{
	struct skel sk;
	size_t i = 0, start = 0, used = 0, k;
	unsigned char q;

	sk.nval = sk.empty = sk.nl = 0;
	sk.rect = p[1] == 'r';
	for (;;) {
		/* up to the next value's opening quote, or the start tag's end */
		while (i < n && p[i] != '"' && p[i] != '\'' && p[i] != '>')
			i++;
		if (i == n)
			return;
		k = i + 1 - start;
		if (used + k > SKEL_MAX)
			return;
		memcpy(sk.lit + used, p + start, k);
		used += k;
		for (; start <= i; start++)
			sk.nl += p[start] == '\n';
		if (p[i] == '>') {
			sk.len[sk.nval] = (unsigned short)k;
			sk.empty = p[i - 1] == '/';
			if (sk.rect && !sk.empty)
				return;	/* rare: quick_elem decides each time */
			break;
		}
		if (sk.nval == ELIDE_ATTRS)
			return;
		sk.len[sk.nval] = (unsigned short)k;
		q = p[i++];
		sk.quote[sk.nval++] = q;
		while (i < n && p[i] != q)
			i++;
		start = i++;	/* the closing quote starts the next part */
	}
	/* in place of the least recently used */
	if (e->nskel < SKEL_N) {
		e->order[e->nskel] = e->nskel;
		e->nskel++;
	}
	i = (size_t)e->order[e->nskel - 1];
	memmove(&e->order[1], &e->order[0], (size_t)(e->nskel - 1) * sizeof e->order[0]);
	e->order[0] = (int)i;
	e->skel[i] = sk;
}

/* a[0..n) == b[0..n), in words (the parts are short: a call to memcmp
 * for each would cost more than the comparing) */
static int
same_bytes(const unsigned char *a, const char *b, size_t n)
{
	uint64_t x, y;
	uint32_t u, v;
	size_t i;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return 0;
		}
		memcpy(&x, a + n - 8, 8);
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	if (n >= 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		if (u != v)
			return 0;
		memcpy(&u, a + n - 4, 4);
		memcpy(&v, b + n - 4, 4);
		return u == v;
	}
	for (i = 0; i < n; i++)
		if (a[i] != (unsigned char)b[i])
			return 0;
	return 1;
}

/* An element of shape sk at p ('<') inside [p, end) (*end a NUL): its
 * length (*nl: its LF bytes), or 0 when it is not of that shape, or not
 * plainly one that quick_elem takes out (then quick_elem decides). */
static long
skel_match(const struct skel *sk, const unsigned char *p, const unsigned char *end, int utf8,
    int *nl, const unsigned char **text)
{
	const unsigned char *q = p;
	const char *lit = sk->lit;
	int i, k;

	*nl = sk->nl;
	for (i = 0;; i++) {
		if ((size_t)(end - q) < sk->len[i] || !same_bytes(q, lit, sk->len[i]))
			return 0;
		q += sk->len[i];
		lit += sk->len[i];
		if (i == sk->nval)
			break;
		while (value_ok[*q])
			q++;
		if (*q != sk->quote[i])
			return 0;
	}
	if (sk->empty)
		return (long)(q - p);
	*text = q;
	for (;;) {
		while (text_ok[*q])
			q++;
		if (IS_NL(*q)) {
			*nl += *q++ == '\n';
			continue;
		}
		if (*q < 0x80 || !utf8)
			break;
		if ((k = xml_utf8_char(q, end)) <= 0)
			return 0;
		q += k;
	}
	if ((size_t)(end - q) < 3 + ELIDE_NAMELEN || !same_bytes(q, "</" ELIDE_NAME ">", 3 + ELIDE_NAMELEN))
		return 0;
	return (long)(q + 3 + ELIDE_NAMELEN - p);
}

/* keep_text: the text of p[0..n), a whole charParams element taken out,
 * without CR and LF bytes (they went out before it), appended to out.  Its
 * start tag ends at the first '>' outside a value; its end tag starts at
 * its last '<'. */
static void
text_add(const unsigned char *p, size_t n, struct buf *out)
{
	size_t i, end;
	unsigned char q = 0;

	if (n < 2 || p[n - 2] == '/')
		return;		/* "<charParams .../>" */
	for (i = 1; i < n; i++) {
		if (q) {
			if (p[i] == q)
				q = 0;
		} else if (p[i] == '"' || p[i] == '\'') {
			q = p[i];
		} else if (p[i] == '>') {
			break;
		}
	}
	for (end = n - 1; end > i && p[end] != '<'; end--)
		;
	for (i++; i < end; i++)
		if (!IS_NL(p[i]))
			buf_addc(out, (char)p[i]);
}

/* keep_text: the text t[0..n) of a charParams element, without CR and LF
 * bytes, appended to out */
static void
text_range(const unsigned char *t, size_t n, struct buf *out)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++)
		if (IS_NL(t[i])) {
			out_add(out, t + from, i - from);
			from = i + 1;
		}
	out_add(out, t + from, n - from);
}

/* quick_elem, through the shapes seen before: the element's length when
 * it goes, 0 when it must go to the parser, -1 when it runs past end. */
static long
quick(struct abbyy_pf *e, const unsigned char *p, const unsigned char *end, struct buf *out)
{
	static const char lfs[16] = "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n";
	const unsigned char *text;
	long k;
	int i, nl;

	for (i = 0; i < e->nskel; i++) {
		text = NULL;
		if ((!e->skel[e->order[i]].rect || e->rect_ok) &&
		    (k = skel_match(&e->skel[e->order[i]], p, end, e->utf8, &nl, &text)) > 0) {
			if (i > 0) {	/* to the front */
				int t = e->order[i];
				memmove(&e->order[1], &e->order[0], (size_t)i * sizeof t);
				e->order[0] = t;
			}
			for (; nl > 0; nl -= 16)
				out_add(out, lfs, nl < 16 ? (size_t)nl : 16);
			/* (its end tag: exactly "</charParams>") */
			if (e->keep_text && text)
				text_range(text, (size_t)(p + k - (3 + ELIDE_NAMELEN) - text), out);
			return k;
		}
	}
	if (p[1] == 'r') {
		k = e->rect_ok ? quick_elem(p, end, e->utf8, out, "rect", 4) : 0;
	} else {
		k = quick_elem(p, end, e->utf8, out, ELIDE_NAME, ELIDE_NAMELEN);
		if (k > 0 && e->keep_text)
			text_add(p, (size_t)k, out);
	}
	if (k > 0)
		skel_add(e, p, (size_t)k);
	return k;
}

/* The elements the scanner looks at (abbyy.c), and charParams (see
 * quick). */
static int
kept_name(const unsigned char *n, size_t len)
{
	switch (len) {
	case 4:
		return memcmp(n, "page", 4) == 0 || memcmp(n, "rect", 4) == 0;
	case 5:
		return memcmp(n, "block", 5) == 0;
	case 8:
		return memcmp(n, "document", 8) == 0;
	case ELIDE_NAMELEN:
		return memcmp(n, ELIDE_NAME, ELIDE_NAMELEN) == 0;
	}
	return 0;
}

/* The tags of other elements go too (without keep_text): <par>, <line>,
 * <formatting>, <text>, <region> ... are nothing to the scanner, and
 * their start and end tags are most of what the parser would still see.
 * A simple, well-formed start tag at p ('<') of an unprefixed element
 * with another name goes, and the element is remembered as open: its end
 * tag must then be exactly "</NAME>" (see elide_run).  Returns the tag's
 * length when it goes (its LF bytes appended to out), else 0. */
static long
quick_other(struct abbyy_pf *e, const unsigned char *p, const unsigned char *end,
    struct buf *out)
{
	const unsigned char *q = p + 1;
	size_t len;
	long k;
	int empty;

	if (!name_start[*q])
		return 0;
	for (q++; name_ok[*q]; q++)
		;
	len = (size_t)(q - p - 1);
	if (q >= end || len > TAG_NAME_MAX || kept_name(p + 1, len))
		return 0;
	if ((k = quick_stag(p, q, end, out, &empty)) <= 0)
		return 0;
	if (!empty) {
		e->depth++;
		e->nest_depth[e->nnest] = e->depth;
		e->nest_len[e->nnest] = (unsigned char)len;
		memcpy(e->nest_name[e->nnest], p + 1, len);
		e->nnest++;
	}
	return k;
}

/* Is the innermost open element one whose start tag went? */
static int
nest_top(const struct abbyy_pf *e)
{
	return e->nnest > 0 && e->nest_depth[e->nnest - 1] == e->depth;
}

/* The innermost open element's start tag went, and an end tag follows
 * that cannot go (not its plain end tag, or right after a byte that is
 * not ASCII), or the input ends: the parser gets a start tag of that name
 * here, so that it sees that end tag as a full parse does, and names the
 * same open element.  (The element is nothing to the scanner, and its
 * content before went to the parser as its parent's.)  pop: the end tag
 * goes to the parser as any other tag. */
static void
nest_reopen(struct abbyy_pf *e, struct buf *out, int pop)
{
	int t = e->nnest - 1;

	buf_addc(out, '<');
	buf_add(out, e->nest_name[t], e->nest_len[t]);
	buf_addc(out, '>');
	if (pop)
		e->nnest--;
}

/* <rect> elements go too, where the scanner does not look at them.
 *
 * It reads a rect's box only inside a Picture block with no box of its
 * own: only after a start tag whose local name is "block" (a prefix does
 * not matter to it) with a blockType value of the bytes "Picture".  So
 * after a <block> start tag that cannot be one (no "Picture" anywhere in
 * it, no '&'), the rects of that block are nothing to it, until the next
 * start tag that may be a block.  rect_track is called at each '<' in
 * character data and keeps e->rect_ok: it stays on for any start tag
 * whose whole name is in [p, end), is plain ASCII (no ':') and is not
 * "block"; end
 * tags, comments and processing instructions change nothing; anything
 * else, or a tag that is not all in [p, end), turns it off. */
static void
rect_track(struct abbyy_pf *e, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p + 1, *n;

	if (q < end && (*q == '/' || *q == '!' || *q == '?'))
		return;
	for (n = q; name_ok[*n]; n++)	/* (*end is a NUL) */
		;
	if (n == end || !(is_blank(*n) || *n == '>' || *n == '/')) {
		e->rect_ok = 0;
		return;
	}
	if (n - q != 5 || memcmp(q, "block", 5) != 0)
		return;
	e->rect_ok = 0;
	for (; n < end && *n != '>'; n++) {
		if (*n == '&')
			return;
		if (*n == '"' || *n == '\'') {
			const unsigned char *v = n + 1;
			n = memchr(v, *n, (size_t)(end - v));
			if (!n)
				return;
			if (memchr(v, '&', (size_t)(n - v)))
				return;
			/* "Picture" inside a value */
			for (; v + 7 <= n; v++)
				if (*v == 'P' && memcmp(v, "Picture", 7) == 0)
					return;
		}
	}
	if (n < end)
		e->rect_ok = 1;
}

/* A line end inside a held candidate: only LF bytes count as lines. */
static void
nl_add(struct abbyy_pf *e, unsigned char c)
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
bail(struct abbyy_pf *e, struct buf *out)
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
		e->rect_ok = 0;	/* a tag that rect_track did not see */
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
elide_run(struct abbyy_pf *e, const unsigned char *p, size_t n, struct buf *out)
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
		case F_EHOLD:
			run = e->state == F_EHOLD ? n : run;
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
			if (nest_top(e) && (i + 1 == n || p[i + 1] == '/')) {
				/* the end tag of an element whose start tag went */
				size_t mark;
				long k = 0;
				int t = e->nnest - 1;

				out_add(out, p + run, i - run);
				run = i;
				mark = out->len;
				if (c < 0x80)
					k = quick_etag(p + i, p + n, out, e->nest_name[t],
					    e->nest_len[t]);
				if (k > 0) {
					e->nnest--;
					e->depth--;
					i += (size_t)k;
					run = i;
					e->state = F_TEXT;
					continue;
				}
				buf_truncate(out, mark);
				if (k < 0) {
					buf_add(&e->pend, p + i, n - i);
					e->ehold_prev = c;
					e->state = F_EHOLD;
					continue;
				}
				/* not that end tag: the parser decides (nest_top is
				 * false now: the depth is the popped element's) */
				nest_reopen(e, out, 1);
			}
			e->holding = e->depth > 0 && e->depth < ELIDE_DEPTH && c < 0x80;
			if (e->holding) {
				size_t mark;
				long k;

				out_add(out, p + run, i - run);
				run = i;
				mark = out->len;
				if (!e->keep_text && !(p[i + 1] == 'c' && p[i + 2] == 'h') &&
				    (k = quick_other(e, p + i, p + n, out)) > 0) {
					i += (size_t)k;
					run = i;
					e->state = F_TEXT;
					continue;
				}
				buf_truncate(out, mark);
				if ((k = quick(e, p + i, p + n, out)) > 0) {
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
			if (nest_top(e)) {
				/* markup for the parser (or held back) inside an
				 * element whose start tag went: from here on the
				 * parser sees that element open, so that a cut
				 * input names it as a full parse does */
				out_add(out, p + run, i - run);
				run = i;
				nest_reopen(e, out, 1);
			}
			/* (an element taken out changes nothing for rect_track) */
			rect_track(e, lt, p + n);
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
		/* a whole simple element: only its line ends go on (and its
		 * text, with keep_text) */
		buf_add(out, e->nl.s, e->nl.len);
		if (e->keep_text) {
			buf_reset(&e->elem);
			buf_add(&e->elem, e->pend.s, e->pend.len);
			buf_add(&e->elem, p + run, i + 1 - run);
			text_add((const unsigned char *)e->elem.s, e->elem.len, out);
		}
		buf_reset(&e->pend);
		i++;
		run = i;
		e->state = F_TEXT;
	}
	if (n)
		e->prev = p[n - 1];
	if (candidate(e->state) || (e->state == F_LT && e->holding))
		buf_add(&e->pend, p + run, n - run);
	else
		out_add(out, p + run, n - run);
}

/* F_EHOLD: the end tag held back, with the bytes that follow. */
static void
ehold_feed(struct abbyy_pf *e, const char *p, size_t n, struct buf *out)
{
	size_t had = e->pend.len, take = n < ELIDE_MAX ? n : ELIDE_MAX, mark = out->len;
	int t = e->nnest - 1, reopen;
	long k;

	if (n == 0)
		return;
	if (had == 1 && p[0] != '/') {
		/* only the '<' was held, and it starts no end tag: on as ever */
		reopen = 0;
	} else {
		buf_add(&e->pend, p, take);
		k = quick_etag((const unsigned char *)e->pend.s,
		    (const unsigned char *)e->pend.s + e->pend.len, out, e->nest_name[t],
		    e->nest_len[t]);
		if (k < 0 && take == n) {
			buf_truncate(out, mark);	/* still cut: hold it all */
			return;
		}
		if (k > 0) {
			size_t used = (size_t)k - had;

			buf_reset(&e->pend);
			e->nnest--;
			e->depth--;
			e->state = F_TEXT;
			e->prev = '>';
			if (used < n)
				elide_run(e, (const unsigned char *)p + used, n - used, out);
			return;
		}
		buf_truncate(out, mark);
		buf_truncate(&e->pend, had);
		reopen = 1;
	}
	/* the held bytes and these, on as ever (after a start tag for the
	 * end tag that cannot go) */
	if (reopen)
		nest_reopen(e, out, 1);
	buf_reset(&e->scratch);
	buf_add(&e->scratch, e->pend.s, e->pend.len);
	buf_add(&e->scratch, p, n);
	buf_reset(&e->pend);
	e->state = F_TEXT;
	e->prev = e->ehold_prev;
	elide_run(e, (const unsigned char *)e->scratch.s, e->scratch.len, out);
}

/* Feed bytes, with a NUL at p[n]; what the parser should see is appended
 * to out. */
void
abbyy_pf_feed(struct abbyy_pf *e, const char *p, size_t n, struct buf *out)
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
	if (e->state == F_EHOLD) {
		ehold_feed(e, p, n, out);
		return;
	}
	elide_run(e, (const unsigned char *)p, n, out);
}

/* At the end of input: whatever is still held goes to the parser. */
void
abbyy_pf_end(struct abbyy_pf *e, struct buf *out)
{
	if (e->state == F_HEAD) {
		buf_add(out, e->head.s, e->head.len);
		buf_free(&e->head);
	}
	/* a truncated document: the parser names the same open element (after
	 * any markup that went to the parser, nest_top is false: see
	 * elide_run) */
	if (e->state != F_OFF && nest_top(e))
		nest_reopen(e, out, 0);
	buf_add(out, e->pend.s, e->pend.len);
	buf_reset(&e->pend);
	e->state = F_OFF;
}
