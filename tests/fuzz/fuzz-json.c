/* fuzz-json: the streaming JSON reader gives the same events whatever the
 * chunking, and never crashes on any input. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

static int
record(void *arg, const struct json_event *ev)
{
	struct buf *b = arg;

	buf_printf(b, "%d %d %s|", (int)ev->type, ev->depth, ev->path);
	if (ev->key)
		buf_adds(b, ev->key);
	buf_addc(b, '|');
	if (ev->val)
		buf_add(b, ev->val, ev->len);
	buf_addc(b, '\n');
	return 0;
}

static int
run(const unsigned char *data, size_t n, size_t step, struct buf *log)
{
	struct json_stream *js = json_new(record, log);
	size_t i;
	int r = 0;

	for (i = 0; i < n && r == 0; i += step)
		r = json_feed(js, data + i, n - i < step ? n - i : step);
	if (r == 0)
		r = json_finish(js);
	buf_printf(log, "end %d", r);
	json_free(js);
	return r;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	int ra, rb;

	ra = run(data, n, n ? n : 1, &a);
	rb = run(data, n, 1, &b);
	/* valid input: the same events in one piece or byte by byte */
	if (ra == 0 && (rb != 0 || a.len != b.len || memcmp(a.s, b.s, a.len) != 0))
		abort();
	buf_free(&a);
	buf_free(&b);
	return 0;
}
