/* fuzz-data-api: the reader of archived Data API volume/meta JSON
 * (dataapi.h: the JSON events, the volume id, the verdict on a document)
 * never crashes, leaks or reads out of bounds; and
 *  - a document fed whole and the same bytes fed in pieces of varied
 *    sizes, or byte by byte (when small), give the same verdict, error
 *    and, when good, the same pages and volume id;
 *  - the same reader on the same document twice gives the same result
 *    twice: nothing of one document is left over for the next;
 *  - every page kept has a usable seq and a normalised feature list (no
 *    empty, blank-edged or FUDGED token). */
#include <string.h>

#include "fuzz.h"

#include "dataapi.h"
#include "htid.h"
#include "htpages.h"

#include "pfeat-check.h"

/* Larger documents are fed in pieces of varied sizes, not byte by byte. */
#define BYTEWISE_MAX 8192

struct outcome {
	int rc;
	struct buf id, err;
	unsigned long errline;
	struct htpages pages;
};

/* One document through d: step 0 whole, 1 byte by byte, 2 varied. */
static void
run_doc(struct dataapi *d, const struct buf *doc, int step, struct outcome *o)
{
	size_t i = 0, k, s = 0;

	dataapi_begin(d);
	while (i < doc->len) {
		k = step == 0 ? doc->len : step == 1 ? 1 : pfeat_steps[s++ % PFEAT_NSTEPS];
		if (k > doc->len - i)
			k = doc->len - i;
		if (dataapi_feed(d, doc->s + i, k) != 0)
			break;
		i += k;
	}
	o->rc = dataapi_finish(d, &o->id);
	buf_reset(&o->err);
	buf_adds(&o->err, dataapi_error(d));
	o->errline = dataapi_error_line(d);
	if (o->rc < 0 && !o->err.len)
		abort();
	if (o->rc == 0 && !htid_valid(buf_str(&o->id), o->id.len))
		abort();
	pfeat_check_pages(&o->pages);
}

static void
run(const struct buf *doc, int step, struct outcome *o)
{
	struct dataapi *d = dataapi_new(&o->pages);

	run_doc(d, doc, step, o);
	dataapi_free(d);
}

static int
same(const struct outcome *a, const struct outcome *b)
{
	if (a->rc != b->rc)
		return 0;
	if (a->rc == 0)
		return strcmp(buf_str(&a->id), buf_str(&b->id)) == 0 &&
		    pfeat_same_pages(&a->pages, &b->pages);
	return 1;
}

static void
outcome_free(struct outcome *o)
{
	buf_free(&o->id);
	buf_free(&o->err);
	htpages_free(&o->pages);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct outcome o[4];
	struct buf doc = BUF_INIT;
	struct dataapi *d;
	int i;

	/* the bytes as the tool reads them (gzip undone) */
	if (fuzz_slurp(fuzz_file(data, n), &doc) != 0) {
		buf_free(&doc);
		return 0;
	}
	memset(o, 0, sizeof o);
	run(&doc, 0, &o[0]);
	run(&doc, 2, &o[2]);
	if (!same(&o[0], &o[2]))
		abort();
	/* byte by byte only while that is quick */
	if (doc.len <= BYTEWISE_MAX) {
		run(&doc, 1, &o[1]);
		if (!same(&o[0], &o[1]))
			abort();
	}
	/* one reader, the document twice: the second result is the first */
	d = dataapi_new(&o[3].pages);
	run_doc(d, &doc, 0, &o[3]);
	if (!same(&o[0], &o[3]))
		abort();
	run_doc(d, &doc, 0, &o[3]);
	if (!same(&o[0], &o[3]) || strcmp(o[0].err.s, o[3].err.s) != 0 ||
	    o[0].errline != o[3].errline)
		abort();
	dataapi_free(d);
	for (i = 0; i < 4; i++)
		outcome_free(&o[i]);
	buf_free(&doc);
	return 0;
}
