/* fuzz-io-dec: the push-mode gunzip never crashes, and output is the same
 * whatever the chunking. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "io.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

static int
sink(void *arg, const char *p, size_t n)
{
	struct buf *b = arg;

	if (b->len < (1u << 24))
		buf_add(b, p, n);
	return 0;
}

static int
run(const unsigned char *data, size_t n, size_t step, struct buf *out)
{
	struct io_dec *d = io_dec_new();
	size_t i;
	int r = 0;

	for (i = 0; i < n && r == 0; i += step)
		r = io_dec_push(d, data + i, n - i < step ? n - i : step, sink, out);
	if (r == 0)
		r = io_dec_end(d, sink, out);
	io_dec_free(d);
	return r;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	int ra, rb;

	ra = run(data, n, n ? n : 1, &a);
	rb = run(data, n, 7, &b);
	if (ra == 0 && (rb != 0 || a.len != b.len || (a.len && memcmp(a.s, b.s, a.len) != 0)))
		abort();
	buf_free(&a);
	buf_free(&b);
	return 0;
}
