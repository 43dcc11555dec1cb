/* fuzz-ia-metadata: the reader of Internet Archive item metadata
 * (common/readers/ia_item.h: the item's books, their OCR files, page
 * numbers and image stacks; dark, unknown, lending, unsafe) never crashes
 * or leaks; the body read in one piece and in small pieces gives the same
 * verdict and the same books; and every download URL of a book to read
 * stays in the item's folder: printable ASCII, no dot segment, under
 * BASE/download/ID/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "ia_item.h"
#include "fuzz.h"

#define BASE	"http://127.0.0.1:1"
#define PREFIX	BASE "/download/fuzzid/"

static void
check_url(const char *u)
{
	const char *p;

	if (strncmp(u, PREFIX, sizeof PREFIX - 1) != 0)
		abort();
	for (p = u; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			abort();
	/* an unescaped dot segment would climb out of the folder */
	for (p = u + sizeof PREFIX - 2; (p = strchr(p, '/')) != NULL; p++)
		if (strncmp(p, "/./", 3) == 0 || strncmp(p, "/../", 4) == 0 ||
		    strcmp(p, "/.") == 0 || strcmp(p, "/..") == 0 || strncmp(p, "//", 2) == 0 ||
		    strncmp(p, "/.?", 3) == 0 || strncmp(p, "/..?", 4) == 0)
			abort();
}

/* A file of a book: its name, and its URL when the item is to be read. */
static void
book_file(struct buf *what, const char *name, int r)
{
	size_t at;

	if (!name) {
		buf_adds(what, " -");
		return;
	}
	buf_printf(what, " [%s]", name);
	if (r == IA_ITEM_OK) {
		buf_addc(what, ' ');
		at = what->len;
		ia_item_url(what, BASE, "fuzzid", name);
		check_url(what->s + at);
	}
}

/* What the item would do next: the verdict, the books and their URLs, or
 * the message. */
static void
choose(const unsigned char *data, size_t n, size_t step, struct buf *what)
{
	struct ia_item m;
	unsigned long line;
	const char *err, *bad;
	size_t i;
	int r, found;

	ia_item_init(&m);
	for (i = 0; i < n; i += step)
		if (ia_item_feed(&m, (const char *)data + i, n - i < step ? n - i : step) != 0)
			break;
	r = ia_item_end(&m);
	buf_printf(what, "verdict %d ocr [%s]\n", r, m.ocr ? m.ocr : "");
	if (r == IA_ITEM_BAD_JSON) {
		err = ia_item_json_error(&m, &line);
		buf_printf(what, "%lu: %s\n", line, err);
	}
	if (r == IA_ITEM_OK && m.nbooks == 0)
		abort();
	for (i = 0; i < m.nbooks; i++) {
		const struct ia_book *b = &m.books[i];
		if (strncmp(b->ocr, b->prefix, strlen(b->prefix)) != 0)
			abort();
		buf_printf(what, "%s [%s]", ia_ocr_name(b->kind), b->prefix);
		book_file(what, b->ocr, r);
		book_file(what, b->page_numbers, r);
		book_file(what, b->jp2, r);
		buf_addc(what, '\n');
	}
	bad = ia_item_unsafe(&m);
	if ((r == IA_ITEM_UNSAFE) != (bad != NULL))
		abort();
	if (bad) {
		/* the unsafe name is one of the books' */
		for (i = 0, found = 0; i < m.nbooks; i++)
			found |= bad == m.books[i].ocr || bad == m.books[i].page_numbers ||
			    bad == m.books[i].jp2;
		if (!found)
			abort();
		buf_printf(what, "unsafe [%s]\n", bad);
	}
	ia_item_free(&m);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	static int ready;
	struct buf a = BUF_INIT, b = BUF_INIT;

	if (!ready) {
		diag_init("abbyy-pictures");
		diag_set_quiet(1);
		ready = 1;
	}
	choose(data, n, n ? n : 1, &a);
	choose(data, n, n ? 1 + data[0] % 7 : 1, &b);
	if (a.len != b.len || memcmp(a.s, b.s, a.len) != 0) {
		fprintf(stderr, "fuzz-ia-metadata: one piece:\n%s\nin pieces:\n%s\n", buf_str(&a),
		    buf_str(&b));
		abort();
	}
	buf_free(&a);
	buf_free(&b);
	return 0;
}
