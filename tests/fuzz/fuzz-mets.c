/* fuzz-mets: the METS reader (libxml2's SAX2 push parser, mets.h) never
 * crashes, leaks or reads out of bounds; and:
 *  - a document fed whole and the same bytes fed in pieces of varied
 *    sizes (as reads from a pipe arrive, --mets -) give the same verdict,
 *    and for a good document the same pages, bad-seq count and OBJID;
 *  - every page kept has a seq of 1 to 9 digits without a leading 0, and
 *    features normalised (no empty, blank-edged or FUDGED token);
 *  - a reader begun again on the same pages keeps nothing of the last
 *    document. */
#include <string.h>

#include "fuzz.h"

#include "htpages.h"
#include "mets.h"
#include "xml.h"

#include "pfeat-check.h"

struct outcome {
	int rc;
	struct buf objid;	/* "" if none */
	int have_objid;
};

/* The document, in pieces of the sizes in pfeat_steps (whole: one). */
static void
run(const struct buf *doc, int whole, struct htpages *v, struct outcome *o)
{
	struct mets *m = mets_begin(v, "fuzz.mets.xml");
	size_t i = 0, k, step = 0;

	if (v->n != 0 || v->bad != 0)
		abort();
	while (i < doc->len) {
		k = whole ? doc->len : pfeat_steps[step++ % PFEAT_NSTEPS];
		if (k > doc->len - i)
			k = doc->len - i;
		if (mets_feed(m, doc->s + i, k) < 0)
			break;
		i += k;
	}
	o->rc = mets_finish(m);
	if (o->rc < 0 && !*mets_error(m))
		abort();
	buf_reset(&o->objid);
	buf_adds(&o->objid, mets_objid(m) ? mets_objid(m) : "");
	o->have_objid = mets_objid(m) != NULL;
	mets_free(m);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct htpages va, vb;
	struct outcome a, b;
	struct buf doc = BUF_INIT;
	const char *path;

	xml_init();
	path = fuzz_file(data, n);
	/* the bytes as the tool reads them (gzip undone) */
	if (fuzz_slurp(path, &doc) != 0) {
		buf_free(&doc);
		return 0;
	}
	memset(&va, 0, sizeof va);
	memset(&vb, 0, sizeof vb);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	run(&doc, 1, &va, &a);
	pfeat_check_pages(&va);
	run(&doc, 0, &vb, &b);
	if (a.rc != b.rc)
		abort();
	if (a.rc == 0 && (!pfeat_same_pages(&va, &vb) || a.have_objid != b.have_objid ||
	    strcmp(a.objid.s, b.objid.s) != 0))
		abort();
	/* again, on the pages of the last run */
	run(&doc, 1, &vb, &b);
	if (b.rc != a.rc || !pfeat_same_pages(&va, &vb))
		abort();
	htpages_free(&va);
	htpages_free(&vb);
	buf_free(&a.objid);
	buf_free(&b.objid);
	buf_free(&doc);
	return 0;
}
