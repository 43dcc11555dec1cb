/* fuzz-ia-pagenums: the reader of Internet Archive page numbers
 * (common/readers/ia_pagenums.h) never crashes or leaks; a body read in one
 * piece and in small pieces gives the same leaves, or the same error on
 * the same line; every leaf read is a whole number; and the same bytes
 * read as a file (plain or gzip, through io) give the same leaves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "ia_pagenums.h"
#include "fuzz.h"

/* The leaves, or the error and its line. */
static void
describe(const struct ia_pagenums *p, int rc, struct buf *what)
{
	const char *msg;
	unsigned long line;
	size_t i;

	if (rc != 0) {
		msg = ia_pagenums_error(p, &line);
		if (!msg)
			abort();
		buf_printf(what, "error %lu: %s", line, msg);
		return;
	}
	if (ia_pagenums_error(p, NULL) != NULL)
		abort();
	buf_printf(what, "%zu pages:", p->n);
	for (i = 0; i < p->n; i++) {
		if (ia_pagenums_leaf(p, i) < 0)
			abort();
		buf_printf(what, " %ld", ia_pagenums_leaf(p, i));
	}
}

static int
read_body(const unsigned char *data, size_t n, size_t step, struct buf *what)
{
	struct ia_pagenums p;
	size_t i;
	int rc = 0;

	ia_pagenums_init(&p);
	for (i = 0; i < n && rc == 0; i += step)
		if (ia_pagenums_feed(&p, (const char *)data + i, n - i < step ? n - i : step) != 0)
			rc = -1;
	if (rc == 0)
		rc = ia_pagenums_end(&p);
	describe(&p, rc, what);
	ia_pagenums_free(&p);
	return rc;
}

static void
same(const struct buf *a, const struct buf *b, const char *how)
{
	if (a->len != b->len || memcmp(a->s, b->s, a->len) != 0) {
		fprintf(stderr, "fuzz-ia-pagenums: one piece: %s\n%s: %s\n", buf_str(a), how,
		    buf_str(b));
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	static int ready;
	struct buf a = BUF_INIT, b = BUF_INIT, dec = BUF_INIT, err = BUF_INIT;
	struct ia_pagenums p;
	const char *path;
	int rc;

	if (!ready) {
		diag_init("abbyy-pictures");
		diag_set_quiet(1);
		ready = 1;
	}
	read_body(data, n, n ? n : 1, &a);
	read_body(data, n, n ? 1 + data[0] % 7 : 1, &b);
	same(&a, &b, "in pieces");

	/* as a file: the decoded bytes give the same result */
	path = fuzz_file(data, n);
	if (fuzz_slurp(path, &dec) == 0) {
		buf_reset(&a);
		buf_reset(&b);
		rc = read_body((const unsigned char *)dec.s, dec.len, dec.len ? dec.len : 1, &a);
		ia_pagenums_init(&p);
		if (ia_pagenums_read_file(&p, path, &err) != rc || (rc != 0) != (err.len > 0))
			abort();
		if (rc == 0) {
			describe(&p, 0, &b);
			same(&a, &b, "as a file");
		}
		ia_pagenums_free(&p);
	}
	buf_free(&a);
	buf_free(&b);
	buf_free(&dec);
	buf_free(&err);
	return 0;
}
