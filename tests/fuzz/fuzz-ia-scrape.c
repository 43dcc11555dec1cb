/* fuzz-ia-scrape: the reader of Internet Archive search answers
 * (ia_scrape) never crashes, leaks or reads out of bounds, and the bytes
 * of an answer may arrive in any pieces.  The input is one scrape page, or
 * several separated by form feeds (a byte JSON never holds raw), taken in
 * turn as ia-search's cursor loop takes them (ia_scrape_take,
 * ia_scrape_next).  Each page is also read as a --count answer
 * (response.numFound) and as the body of a failed request
 * (ia_scrape_error_body).
 * Checked besides: the same transcript (items and their fields, bad items,
 * cursor, total, error, count, the loop's verdicts) whether an answer comes
 * in one piece, byte by byte, in pieces of varied sizes or after a retried
 * transfer that broke off part-way; every item has an identifier and one
 * value per field asked for; fields add values to the
 * items, never items; a count is a whole number only if it is all digits. */
#include <string.h>

#include "fuzz.h"

#include "ia_scrape.h"
#include "tsv.h"

/* How a body arrives. */
enum way { WHOLE, BYTES, PIECES, RETRIED, NWAYS };

/* lists, numbers, one field never sent, the identifier as a field */
static const char *const names[] = {
	"title", "collection", "format", "year", "creator", "missing", "description",
	"identifier"
};
#define NNAMES (sizeof names / sizeof names[0])

static unsigned long long rng;

static void
must(int ok)
{
	if (!ok)
		abort();
}

static size_t
piece(size_t left)
{
	size_t k;

	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	/* mostly small pieces, which cut tokens apart, now and then a large one */
	k = rng % 16 == 0 ? 1 + rng % 4096 : 1 + rng % 24;
	return k < left ? k : left;
}

/* What the reader handed over, as text. */
struct log {
	struct buf items;	/* this answer's items and bad items */
	size_t nnames;
	unsigned long nitems;	/* items handed over */
};

static void
on_item(void *arg, const struct ia_scrape_item *it)
{
	struct log *l = arg;
	size_t i;

	must(it->idlen > 0 && it->id[it->idlen] == '\0');
	buf_printf(&l->items, "item %lu ", it->n);
	tsv_escape(&l->items, it->id, it->idlen);
	for (i = 0; i < l->nnames; i++) {
		must(it->val[i][it->len[i]] == '\0');
		buf_printf(&l->items, "\t%zu:", it->len[i]);
		tsv_escape(&l->items, it->val[i], it->len[i]);
	}
	buf_addc(&l->items, '\n');
	l->nitems++;
}

static void
on_bad(void *arg, unsigned long n, enum ia_scrape_bad why)
{
	struct log *l = arg;

	buf_printf(&l->items, "bad %lu %d\n", n, (int)why);
}

/* One answer s[0..n) as it arrives in way; its items and what it held
 * appended to out.  Returns the page, or NULL if the JSON was bad. */
static const struct ia_scrape_page *
answer(struct ia_scrape *r, struct log *l, const unsigned char *s, size_t n, enum way way,
    struct buf *out)
{
	const struct ia_scrape_page *p;
	size_t i, k, end = way == RETRIED ? n / 2 : n;
	int bad = 0, again = way == RETRIED;

	ia_scrape_reset(r);
	buf_reset(&l->items);
	for (;;) {
		for (i = 0; i < end && !bad; i += k) {
			k = way == BYTES ? 1 : way == PIECES ? piece(end - i) : end - i;
			bad = ia_scrape_feed(r, s + i, k) != 0;
		}
		if (bad || !again)
			break;
		/* the first attempt broke off part-way: start again */
		again = 0;
		end = n;
		ia_scrape_reset(r);
		buf_reset(&l->items);
	}
	if (bad || ia_scrape_finish(r) != 0) {
		/* how much was read before the error may depend on the pieces */
		must(*ia_scrape_error(r) != '\0');
		buf_adds(out, "bad JSON\n");
		return NULL;
	}
	p = ia_scrape_page(r);
	buf_add(out, l->items.s, l->items.len);
	buf_printf(out, "items %d %lu error %d %zu:", p->have_items, p->nitems, p->have_error,
	    p->errorlen);
	tsv_escape(out, p->error, p->errorlen);
	buf_printf(out, "\ncursor %d %zu:", p->have_cursor, p->cursorlen);
	tsv_escape(out, p->cursor, p->cursorlen);
	buf_printf(out, "\ntotal %d %llu count %d %d %llu:", p->have_total, p->total,
	    p->have_count, p->count_ok, p->count_n);
	buf_add(out, p->count, p->countlen);
	buf_addc(out, '\n');
	must(!p->count_ok || strspn(p->count, "0123456789") == p->countlen);
	return p;
}

/* The cursor loop over the pages in data (count: each read as a count). */
static void
search(const unsigned char *data, size_t n, enum way way, size_t nnames, int count,
    struct buf *out)
{
	const unsigned char *s = data, *end = data + n, *ff;
	const struct ia_scrape_page *p;
	struct ia_scrape_config cfg = { names, nnames, count, on_item, on_bad, NULL };
	struct ia_scrape_search st;
	struct ia_scrape *r;
	struct log l;
	int v = IA_SCRAPE_NEXT;

	memset(&l, 0, sizeof l);
	l.nnames = nnames;
	cfg.arg = &l;
	r = ia_scrape_new(&cfg);
	memset(&st, 0, sizeof st);
	buf_reset(out);
	buf_add(out, "", 0);
	for (;; s = ff + 1) {
		ff = memchr(s, '\f', (size_t)(end - s));
		p = answer(r, &l, s, (size_t)((ff ? ff : end) - s), way, out);
		if (p && !count && v == IA_SCRAPE_NEXT) {
			if ((v = ia_scrape_take(&st, p)) == IA_SCRAPE_OK) {
				must(st.pages > 0 && st.received >= p->nitems);
				v = ia_scrape_next(&st, p);
				must(v != IA_SCRAPE_NEXT || st.have_cursor);
			}
			buf_printf(out, "verdict %d received %llu total %d %llu pages %lu\n", v,
			    st.received, st.have_total, st.total, st.pages);
		}
		if (count && p)
			must(!p->have_items && l.nitems == 0);
		if (!ff)
			break;
	}
	ia_scrape_search_free(&st);
	ia_scrape_free(r);
	buf_free(&l.items);
}

/* The item ids (and bad items) of a transcript, without the fields. */
static void
ids_only(const struct buf *in, struct buf *out)
{
	const char *s = in->s, *end = in->s + in->len, *nl, *tab;

	buf_reset(out);
	buf_add(out, "", 0);
	for (; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		must(nl != NULL);
		if (strncmp(s, "item ", 5) == 0 && (tab = memchr(s, '\t', (size_t)(nl - s))))
			buf_add(out, s, (size_t)(tab - s));
		else
			buf_add(out, s, (size_t)(nl - s));
		buf_addc(out, '\n');
	}
}

static int
same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
}

/* The same transcript however the bytes arrive; returns it in out. */
static void
every_way(const unsigned char *data, size_t n, size_t nnames, int count, struct buf *out)
{
	struct buf other = BUF_INIT;
	enum way w;

	search(data, n, WHOLE, nnames, count, out);
	for (w = BYTES; w < NWAYS; w++) {
		search(data, n, w, nnames, count, &other);
		must(same(out, &other));
	}
	buf_free(&other);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	const unsigned char *s, *end, *ff;
	struct buf plain = BUF_INIT, cols = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	unsigned long long h = 1469598103934665603ULL;
	size_t i;

	if (n == 0)
		data = (const unsigned char *)"";
	/* the pieces depend on the input, so a failure replays */
	for (i = 0; i < n; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	rng = h | 1;
	every_way(data, n, 0, 0, &plain);
	every_way(data, n, NNAMES, 0, &cols);
	/* fields add values, never items */
	ids_only(&plain, &a);
	ids_only(&cols, &b);
	must(same(&a, &b));
	every_way(data, n, 0, 1, &a);
	for (s = data, end = data + n;; s = ff + 1) {
		ff = memchr(s, '\f', (size_t)(end - s));
		if (ia_scrape_error_body((const char *)s, (size_t)((ff ? ff : end) - s), &a))
			must(a.len > 0);
		if (!ff)
			break;
	}
	buf_free(&plain);
	buf_free(&cols);
	buf_free(&a);
	buf_free(&b);
	return 0;
}
