/* ocr_text: a page's lines of text, and the caption and context of a
 * picture box from them; see ocr.h. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ocr.h"
#include "xmem.h"

#define BAND_PARS	16	/* paragraphs of the first band followed */

void
ocr_par_start(struct ocr_page *p)
{
	p->npars++;
}

void
ocr_line_start(struct ocr_page *p, long l, long t, long r, long b)
{
	struct ocr_line *x;

	p->line_open = 0;
	p->space = 0;
	if (p->nlines >= OCR_MAX_LINES || p->text_len + 8 > OCR_MAX_TEXT)
		return;
	if (p->nlines == p->lines_cap) {
		p->lines_cap = p->lines_cap ? p->lines_cap * 2 : 64;
		p->lines = xreallocarray(p->lines, p->lines_cap, sizeof *p->lines);
	}
	x = &p->lines[p->nlines++];
	x->l = l;
	x->t = t;
	x->r = r;
	x->b = b;
	/* a line outside any paragraph is a paragraph of its own */
	x->par = p->npars > 0 ? p->npars - 1 : -1 - (long)p->nlines;
	x->off = p->text_len;
	x->len = 0;
	p->line_open = 1;
}

/* The start of the character at s[k], stepping back over UTF-8
 * continuation bytes, not before lo. */
static size_t
char_back(const unsigned char *s, size_t k, size_t lo)
{
	while (k > lo && (s[k] & 0xc0) == 0x80)
		k--;
	return k;
}

/* The start of the first character at or after s[k], not past n. */
static size_t
char_on(const unsigned char *s, size_t k, size_t n)
{
	while (k < n && (s[k] & 0xc0) == 0x80)
		k++;
	return k;
}

/* Append s[0..n) to the open line (room has been checked). */
static void
text_add(struct ocr_page *p, const char *s, size_t n)
{
	if (n == 0)
		return;		/* (p->text may be NULL yet) */
	if (p->text_len + n > p->text_cap) {
		while (p->text_len + n > p->text_cap)
			p->text_cap = p->text_cap ? p->text_cap * 2 : 4096;
		p->text = xrealloc(p->text, p->text_cap);
	}
	memcpy(p->text + p->text_len, s, n);
	p->text_len += n;
	p->lines[p->nlines - 1].len += n;
}

static int
is_blank(unsigned char c)
{
	return c <= 0x20 || c == 0x7f;
}

void
ocr_line_text(struct ocr_page *p, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, j, room;

	if (!p->line_open)
		return;
	while (i < n) {
		if (is_blank(u[i])) {
			p->space = 1;
			i++;
			continue;
		}
		for (j = i + 1; j < n && !is_blank(u[j]); j++)
			;
		/* a word: room for it and a space, else what fits of it, cut
		 * before a character that does not */
		room = OCR_MAX_TEXT - 1 - p->text_len;
		if (j - i + 1 > room) {
			j = char_back(u, room > 1 ? i + room - 1 : i, i);
			p->line_open = 0;
		}
		if (j > i) {
			if (p->space && p->lines[p->nlines - 1].len > 0)
				text_add(p, " ", 1);
			p->space = 0;
			text_add(p, s + i, j - i);
		}
		if (!p->line_open)
			return;
		i = j;
	}
}

void
ocr_line_space(struct ocr_page *p)
{
	p->space = 1;
}

void
ocr_line_end(struct ocr_page *p)
{
	if (p->line_open && p->lines[p->nlines - 1].len == 0)
		p->nlines--;	/* no text: no line */
	p->line_open = 0;
	p->space = 0;
}

void
ocr_text_reset(struct ocr_page *p)
{
	p->nlines = 0;
	p->text_len = 0;
	p->npars = 0;
	p->line_open = 0;
	p->space = 0;
}

void
ocr_text_free(struct ocr_page *p)
{
	free(p->lines);
	free(p->text);
	p->lines = NULL;
	p->text = NULL;
	p->nlines = p->lines_cap = p->text_len = p->text_cap = 0;
}

void
ocr_text_cut(struct buf *b, size_t max)
{
	size_t n = max;

	if (b->len <= max)
		return;
	n = char_back((const unsigned char *)b->s, n, 0);
	if (b->s[n] != ' ' && memchr(b->s, ' ', n))
		while (b->s[n - 1] != ' ')
			n--;	/* not in the middle of a word */
	while (n > 0 && b->s[n - 1] == ' ')
		n--;
	buf_truncate(b, n);
}

/* ---- captions ---- */

struct cand {
	size_t i;	/* the line */
	long near, far;	/* its edges, measured away from the box */
};

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->near != y->near)
		return x->near < y->near ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Is line x a candidate for box b on side below (1) or above (0)?  Its
 * edges are then measured as distances beyond the box's edge. */
static int
candidate(const struct ocr_line *x, const struct ocr_block *b, int below, struct cand *c)
{
	long lo = x->l > b->l ? x->l : b->l, hi = x->r < b->r ? x->r : b->r;
	long lw = x->r - x->l, bw = b->r - b->l, narrow = lw < bw ? lw : bw;

	if (lw <= 0 || x->b <= x->t || hi <= lo || 2 * (hi - lo) < narrow)
		return 0;
	if (x->b - x->t > 2 * lw)
		return 0;	/* vertical text */
	if (below) {
		if (x->t + x->b < 2 * b->b)
			return 0;
		c->near = x->t - b->b;
		c->far = x->b - b->b;
	} else {
		if (x->t + x->b > 2 * b->t)
			return 0;
		c->near = b->t - x->b;
		c->far = b->t - x->t;
	}
	return 1;
}

/* The lines of one side: 1 and marks set in sel when there are some. */
static int
side(const struct ocr_page *p, const struct ocr_block *b, int below, long gap,
    struct cand *cs, char *sel)
{
	long pars[BAND_PARS], far = 0;
	size_t i, j, n = 0, npars = 0, k, nsel;

	for (i = 0; i < p->nlines; i++) {
		cs[n].i = i;
		if (candidate(&p->lines[i], b, below, &cs[n]))
			n++;
	}
	qsort(cs, n, sizeof *cs, cand_cmp);
	/* the first band */
	for (k = 0; k < n && cs[k].near <= gap && k < OCR_CAPTION_LINES; k++) {
		sel[cs[k].i] = 1;
		if (cs[k].far > far)
			far = cs[k].far;
		for (j = 0; j < npars && pars[j] != p->lines[cs[k].i].par; j++)
			;
		if (j == npars && npars < BAND_PARS)
			pars[npars++] = p->lines[cs[k].i].par;
	}
	if (k == 0)
		return 0;
	/* the band's paragraphs, while each line is within the gap */
	for (nsel = k; k < n && cs[k].near - far <= gap && nsel < OCR_CAPTION_LINES; k++) {
		for (j = 0; j < npars && pars[j] != p->lines[cs[k].i].par; j++)
			;
		if (j == npars)
			continue;
		sel[cs[k].i] = 1;
		nsel++;
		if (cs[k].far > far)
			far = cs[k].far;
	}
	return 1;
}

void
ocr_caption(const struct ocr_page *p, const struct ocr_block *b, double gap_pct,
    struct buf *out)
{
	struct cand *cs;
	char *sel;
	long gap;
	size_t i;

	buf_reset(out);
	buf_add(out, "", 0);
	if (!b->has_box || p->height <= 0 || p->nlines == 0)
		return;
	gap = (long)(gap_pct * (double)p->height / 100.0);
	cs = xreallocarray(NULL, p->nlines, sizeof *cs);
	sel = xcalloc(p->nlines, 1);
	if (side(p, b, 1, gap, cs, sel) || side(p, b, 0, gap, cs, sel)) {
		for (i = 0; i < p->nlines; i++) {
			if (!sel[i])
				continue;
			if (out->len)
				buf_addc(out, ' ');
			if (p->lines[i].len)	/* (no text at all: p->text is NULL) */
				buf_add(out, p->text + p->lines[i].off, p->lines[i].len);
			if (out->len > OCR_CAPTION_MAX)
				break;
		}
		ocr_text_cut(out, OCR_CAPTION_MAX);
	}
	free(cs);
	free(sel);
}

/* ---- context ---- */

void
ocr_context(const struct ocr_page *p, size_t order, int nwords, struct buf *before,
    struct buf *after)
{
	size_t i, start = 0, line = order, k;
	int left = nwords;

	buf_reset(before);
	buf_reset(after);
	buf_add(before, "", 0);
	buf_add(after, "", 0);
	if (order > p->nlines)
		order = p->nlines;
	/* before: back from the position to where the nwords-th word starts */
	for (i = order; i > 0 && left > 0; i--) {
		const struct ocr_line *x = &p->lines[i - 1];
		line = i - 1;
		start = 0;
		for (k = x->len; k > 0 && left > 0; k--) {
			if (p->text[x->off + k - 1] == ' ')
				continue;
			if (k == 1 || p->text[x->off + k - 2] == ' ') {
				left--;
				start = k - 1;
			}
		}
	}
	for (i = line; i < order; i++) {
		const struct ocr_line *x = &p->lines[i];
		size_t from = i == line ? start : 0;
		if (before->len)
			buf_addc(before, ' ');
		if (x->len > from)
			buf_add(before, p->text + x->off + from, x->len - from);
	}
	if (before->len > OCR_CONTEXT_MAX) {
		/* keep the words nearest the picture */
		size_t cut = char_on((const unsigned char *)before->s,
		    before->len - OCR_CONTEXT_MAX, before->len);
		memmove(before->s, before->s + cut, before->len - cut);
		buf_truncate(before, before->len - cut);
	}
	/* after: the first nwords words */
	left = nwords;
	for (i = order; i < p->nlines && left > 0; i++) {
		const struct ocr_line *x = &p->lines[i];
		for (k = 0; k < x->len && left > 0; k++) {
			char c = p->text[x->off + k];
			if (c == ' ') {
				if (--left == 0)
					break;
			} else if (k == 0 && after->len) {
				buf_addc(after, ' ');
			}
			buf_addc(after, c);
		}
		if (k == x->len)
			left--;	/* the line's last word */
		if (after->len > OCR_CONTEXT_MAX)
			break;
	}
	ocr_text_cut(after, OCR_CONTEXT_MAX);
}
