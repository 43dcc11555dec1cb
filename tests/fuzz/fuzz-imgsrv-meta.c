/* fuzz-imgsrv-meta: the reader of imgsrv page metadata (imgsrv.h: the
 * JSON events, the body as it arrives, the verdict on the finished body)
 * never crashes, leaks or reads out of bounds; and the body gives the
 * same verdict and, when good, the same pages
 *  - in one piece, in pieces of varied sizes and byte by byte (when
 *    small);
 *  - after a retry: part of it, a restart (imgsrv_begin, as the tool's
 *    restart callback does), then all of it: nothing of the first try is
 *    left over;
 * and every page kept has a usable seq and a normalised feature list (no
 * empty, blank-edged or FUDGED token). */
#include <string.h>

#include "fuzz.h"

#include "htpages.h"
#include "imgsrv.h"

#include "pfeat-check.h"

/* Larger bodies are fed in pieces of varied sizes, not byte by byte. */
#define BYTEWISE_MAX 8192

struct outcome {
	int verdict;		/* IMGSRV_OK, _BAD_JSON or _NO_ITEMS */
	struct htpages pages;
};

/* The body as the transfer hands it over: -1 if the reader refused it
 * (the tool then stops the transfer).  step 0: in one piece; 1: byte by
 * byte; 2: varied. */
static int
deliver(struct imgsrv *r, const unsigned char *data, size_t n, int step)
{
	size_t i = 0, k, s = 0;

	while (i < n) {
		k = step == 0 ? n : step == 1 ? 1 : pfeat_steps[s++ % PFEAT_NSTEPS];
		if (k > n - i)
			k = n - i;
		if (imgsrv_feed(r, (const char *)data + i, k) != IMGSRV_OK)
			return -1;
		i += k;
	}
	return 0;
}

/* One volume; retry: first deliver half the body and restart, as a
 * dropped connection does.  A body the reader refused is not retried. */
static void
run(const unsigned char *data, size_t n, int step, int retry, struct outcome *o)
{
	struct imgsrv *r = imgsrv_new(&o->pages);

	imgsrv_begin(r);
	o->verdict = IMGSRV_OK;
	if (retry && deliver(r, data, n / 2, step) != 0)
		o->verdict = IMGSRV_BAD_JSON;
	else if (retry)
		imgsrv_begin(r);
	if (o->verdict == IMGSRV_OK && deliver(r, data, n, step) != 0)
		o->verdict = IMGSRV_BAD_JSON;
	if (o->verdict == IMGSRV_OK)
		o->verdict = imgsrv_finish(r);
	if (o->verdict == IMGSRV_BAD_JSON && !*imgsrv_error(r))
		abort();
	pfeat_check_pages(&o->pages);
	imgsrv_free(r);
}

static int
same(const struct outcome *a, const struct outcome *b)
{
	return a->verdict == b->verdict &&
	    (a->verdict != IMGSRV_OK || pfeat_same_pages(&a->pages, &b->pages));
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct outcome o[4];
	int i;

	memset(o, 0, sizeof o);
	run(data, n, 0, 0, &o[0]);
	run(data, n, 2, 0, &o[2]);
	run(data, n, 2, 1, &o[3]);
	if (!same(&o[0], &o[2]) || !same(&o[0], &o[3]))
		abort();
	/* byte by byte only while that is quick */
	if (n <= BYTEWISE_MAX) {
		run(data, n, 1, 0, &o[1]);
		if (!same(&o[0], &o[1]))
			abort();
	}
	for (i = 0; i < 4; i++)
		htpages_free(&o[i].pages);
	return 0;
}
