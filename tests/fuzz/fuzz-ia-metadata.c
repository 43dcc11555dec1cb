/* fuzz-ia-metadata: the reader of Internet Archive item metadata
 * (common/readers/ia_item.h) (which file is the ABBYY one, is it private, is the item known)
 * never crashes or leaks; the body read in one piece and in small pieces
 * gives the same choice; and a chosen download URL stays in the item's
 * folder: printable ASCII, no dot segment, under BASE/download/ID/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "ia_item.h"
#include "fuzz.h"

#define BASE	"http://127.0.0.1:1"
#define PREFIX	BASE "/download/fuzzid/"

/* The URL, or the message: what the item would do next. */
static void
choose(const unsigned char *data, size_t n, size_t step, struct buf *what)
{
	struct ia_item m;
	unsigned long line;
	const char *err;
	size_t i;
	int r;

	ia_item_init(&m);
	for (i = 0; i < n; i += step)
		if (ia_item_feed(&m, (const char *)data + i, n - i < step ? n - i : step) != 0)
			break;
	if ((r = ia_item_end(&m)) == IA_ITEM_FILE) {
		buf_adds(what, "url ");
		ia_item_url(what, BASE, "fuzzid", ia_item_file(&m));
	} else {
		buf_printf(what, "verdict %d", r);
		if (r == IA_ITEM_BAD_JSON) {
			err = ia_item_json_error(&m, &line);
			buf_printf(what, " %lu: %s", line, err);
		} else if (ia_item_file(&m)) {
			buf_printf(what, " file %s", ia_item_file(&m));
		}
	}
	ia_item_free(&m);
}

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
	choose(data, n, 3, &b);
	if (a.len != b.len || memcmp(a.s, b.s, a.len) != 0) {
		fprintf(stderr, "fuzz-ia-metadata: one piece: %s\nin pieces: %s\n", buf_str(&a),
		    buf_str(&b));
		abort();
	}
	if (strncmp(buf_str(&a), "url ", 4) == 0)
		check_url(a.s + 4);
	buf_free(&a);
	buf_free(&b);
	return 0;
}
