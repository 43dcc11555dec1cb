/* ocr_filter: the picture filters every OCR reader shares; see ocr.h. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ocr.h"
#include "xmem.h"

/* Thresholds (percent of the page area); see FILTERS in the manual. */
#define CARD_PCT	90.0	/* leaf 0: one box this big is the colour card */
#define COVER_PCT	95.0	/* a box this big is the whole leaf */
#define NESTED_MAX	2000	/* pages with more boxes skip the nested test */

static double
page_area(const struct ocr_page *p)
{
	return p->width > 0 && p->height > 0 ? (double)p->width * (double)p->height : 0;
}

static double
block_area(const struct ocr_block *b)
{
	if (!b->has_box || b->r <= b->l || b->b <= b->t)
		return 0;
	return (double)(b->r - b->l) * (double)(b->b - b->t);
}

struct ocr_block *
ocr_page_add(struct ocr_page *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->b = xreallocarray(p->b, p->cap, sizeof *p->b);
	}
	memset(&p->b[p->n], 0, sizeof p->b[p->n]);
	return &p->b[p->n++];
}

void
ocr_filter_init(struct ocr_filter *f, const struct ocr_config *c, double min_area_default,
    int card, ocr_page_fn fn, void *arg)
{
	memset(f, 0, sizeof *f);
	f->c = *c;
	if (f->c.min_area < 0)
		f->c.min_area = min_area_default;
	f->card = card;
	f->fn = fn;
	f->arg = arg;
}

long
ocr_filter_page_start(struct ocr_filter *f)
{
	return f->st.npages++;
}

/* The whole-leaf rule, then nested boxes; a page with boxes left goes to
 * the caller. */
static void
page_finish(struct ocr_filter *f, struct ocr_page *p, int end_window)
{
	double pa = page_area(p);
	size_t i, j, n = 0;
	int covers = !f->c.no_filter && !f->c.keep_covers && f->c.cover_leaves > 0;

	for (i = 0; i < p->n; i++) {
		struct ocr_block *b = &p->b[i];
		if (b->drop || !covers || pa <= 0 || !b->has_box)
			continue;
		if ((p->index < f->c.cover_leaves || end_window) &&
		    block_area(b) >= pa * COVER_PCT / 100)
			b->drop = OCR_DROP_COVER;
	}
	if (!f->c.no_filter && !f->c.keep_nested && p->n <= NESTED_MAX) {
		for (i = 0; i < p->n; i++) {
			struct ocr_block *a = &p->b[i];
			if (a->drop || !a->has_box)
				continue;
			for (j = 0; j < p->n; j++) {
				struct ocr_block *c = &p->b[j];
				if (j == i || !c->has_box || (c->drop && c->drop != OCR_DROP_NESTED))
					continue;
				if (c->l <= a->l && c->t <= a->t && c->r >= a->r && c->b >= a->b &&
				    (j < i || c->l != a->l || c->t != a->t || c->r != a->r ||
				     c->b != a->b)) {
					a->drop = OCR_DROP_NESTED;
					break;
				}
			}
		}
	}
	for (i = 0; i < p->n; i++) {
		if (p->b[i].drop)
			f->st.dropped[p->b[i].drop]++;
		else
			n++;
	}
	if (n == 0)
		return;
	f->st.kept += n;
	f->st.kept_pages++;
	f->fn(f->arg, p, n);
}

static void
held_free(struct ocr_page *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->b[i].caption);
		free(h->b[i].before);
		free(h->b[i].after);
	}
	free(h->b);
}

/* The caption and context of the blocks of held page h, from the text of
 * the reader's page p. */
static void
text_of(const struct ocr_filter *f, const struct ocr_page *p, struct ocr_page *h)
{
	struct buf c = BUF_INIT, bef = BUF_INIT, aft = BUF_INIT;
	size_t i;

	for (i = 0; i < h->n; i++) {
		struct ocr_block *b = &h->b[i];
		ocr_caption(p, b, f->c.caption_gap, &c);
		b->caption = xstrdup(buf_str(&c));
		if (f->c.context_words > 0) {
			ocr_context(p, b->order, f->c.context_words, &bef, &aft);
			b->before = xstrdup(buf_str(&bef));
			b->after = xstrdup(buf_str(&aft));
		}
	}
	buf_free(&c);
	buf_free(&bef);
	buf_free(&aft);
}

/* Release held pages: those with at least cover_leaves pages after them
 * (all == 0), or all of them at the end (all == 1: in the end window;
 * all == 2: the input broke off, so none is known to be an end leaf). */
static void
release(struct ocr_filter *f, int all)
{
	long window = f->c.no_filter || f->c.keep_covers ? 0 : f->c.cover_leaves;
	size_t k = 0;

	while (k < f->nheld && (all || f->held[k].index + window < f->st.npages)) {
		page_finish(f, &f->held[k], all == 1);
		held_free(&f->held[k]);
		k++;
	}
	if (k) {
		memmove(f->held, f->held + k, (f->nheld - k) * sizeof *f->held);
		f->nheld -= k;
	}
}

void
ocr_filter_page_end(struct ocr_filter *f, struct ocr_page *p)
{
	double pa = page_area(p);
	size_t i, left = 0;

	f->st.nblocks += p->n;
	for (i = 0; i < p->n; i++) {
		struct ocr_block *b = &p->b[i];
		if (f->c.no_filter || b->drop || pa <= 0 || !b->has_box)
			continue;
		if (f->card && !f->c.keep_card && p->index == 0 && p->n == 1 &&
		    block_area(b) >= pa * CARD_PCT / 100)
			b->drop = OCR_DROP_CARD;
		else if (block_area(b) < pa * f->c.min_area / 100)
			b->drop = OCR_DROP_SMALL;
		else if (!f->c.keep_text && b->text * 100 >= OCR_TEXT_PCT)
			b->drop = OCR_DROP_TEXT;
	}
	for (i = 0; i < p->n; i++) {
		if (p->b[i].drop)
			f->st.dropped[p->b[i].drop]++;
		else
			left++;
	}
	if (left) {
		struct ocr_page *h;
		size_t j = 0;
		/* keep only the survivors; their drops are counted later */
		if (f->nheld == f->held_cap) {
			f->held_cap = f->held_cap ? f->held_cap * 2 : 8;
			f->held = xreallocarray(f->held, f->held_cap, sizeof *f->held);
		}
		h = &f->held[f->nheld++];
		*h = *p;
		h->b = xreallocarray(NULL, left, sizeof *h->b);
		h->n = h->cap = left;
		for (i = 0; i < p->n; i++)
			if (!p->b[i].drop)
				h->b[j++] = p->b[i];
		/* the text stays the reader's; what the blocks need is taken */
		h->lines = NULL;
		h->text = NULL;
		h->nlines = h->lines_cap = h->text_len = h->text_cap = 0;
		if (f->c.text)
			text_of(f, p, h);
	}
	release(f, 0);
}

void
ocr_filter_end(struct ocr_filter *f, int all)
{
	release(f, all);
}

void
ocr_filter_free(struct ocr_filter *f)
{
	size_t i;

	for (i = 0; i < f->nheld; i++)
		held_free(&f->held[i]);
	free(f->held);
	f->held = NULL;
	f->nheld = f->held_cap = 0;
}
