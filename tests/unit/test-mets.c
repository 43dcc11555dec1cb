/* test-mets: the METS reader on the HathiTrust METS fixtures and on small
 * documents: pages, seqs, features, labels, OBJID, errors and their
 * lines; the same result whatever the pieces the bytes come in. */
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "htpages.h"
#include "mets.h"
#include "xml.h"

#include "htpages-test.h"

#define CHI "tests/fixtures/ht/mets/79279237.mets.xml"
#define ARK "tests/fixtures/ht/mets/ark+=13960=t5v69h717.mets.xml"

struct result {
	int rc;
	struct buf err, objid;
	unsigned long line;
	struct htpages pages;
};

/* Read s[0..n) in pieces of step bytes (0: whole). */
static void
run(const char *s, size_t n, size_t step, struct result *r)
{
	struct mets *m = mets_begin(&r->pages, "test.mets.xml");
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = step && step < n - i ? step : n - i;
		if (mets_feed(m, s + i, k) < 0)
			break;
	}
	r->rc = mets_finish(m);
	buf_reset(&r->err);
	buf_adds(&r->err, r->rc < 0 ? mets_error(m) : "");
	r->line = mets_error_line(m);
	buf_reset(&r->objid);
	buf_adds(&r->objid, mets_objid(m) ? mets_objid(m) : "(none)");
	mets_free(m);
}

static void
run_str(const char *s, struct result *r)
{
	run(s, strlen(s), 0, r);
}

static void
result_free(struct result *r)
{
	buf_free(&r->err);
	buf_free(&r->objid);
	htpages_free(&r->pages);
}

static void
test_chi(void)
{
	struct result r, p;
	struct buf doc = BUF_INIT, t = BUF_INIT, u = BUF_INIT;
	static const size_t steps[] = { 1, 3, 4093 };
	size_t i;

	memset(&r, 0, sizeof r);
	memset(&p, 0, sizeof p);
	files_slurp(CHI, &doc);
	run(doc.s, doc.len, 0, &r);
	is_int(r.rc, 0, "chi.79279237: read");
	is_str(r.objid.s, "chi.79279237", "chi.79279237: OBJID");
	is_int(r.pages.n, 640, "chi.79279237: 640 pages");
	is_int(r.pages.bad, 0, "chi.79279237: every seq usable");
	is_str(r.pages.v[0].seq, "1", "page 1: seq");
	is_str(r.pages.v[0].feat, "FRONT_COVER,IMAGE_ON_PAGE,IMPLICIT_PAGE_NUMBER",
	    "page 1: LABEL normalised");
	is_str(r.pages.v[0].label, "", "page 1: no ORDERLABEL");
	is_str(r.pages.v[9].feat, "INDEX,IMPLICIT_PAGE_NUMBER", "page 10: features");
	is_str(r.pages.v[26].seq, "27", "page 27: seq");
	is_str(r.pages.v[26].feat, "", "page 27: no LABEL, no features");
	is_str(r.pages.v[26].label, "13", "page 27: ORDERLABEL 13");
	is_str(r.pages.v[639].feat, "BACK_COVER,IMAGE_ON_PAGE,IMPLICIT_PAGE_NUMBER",
	    "page 640: features");
	is_str(seqs_with(&r.pages, "IMAGE_ON_PAGE", &t),
	    "1,2,3,149,152,154,157,160,164,167,169,170,171,173,175,178,180,303,323,327,"
	    "328,329,337,340,341,344,345,351,357,359,565,569,573,577,581,587,636,637,638,"
	    "639,640", "chi.79279237: the 41 pages tagged IMAGE_ON_PAGE");
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		run(doc.s, doc.len, steps[i], &p);
		is_str(pages_text(&p.pages, &u), pages_text(&r.pages, &t),
		    "chi.79279237 in pieces of %zu: the same pages", steps[i]);
		is_str(p.objid.s, "chi.79279237", "chi.79279237 in pieces of %zu: OBJID", steps[i]);
	}
	result_free(&r);
	result_free(&p);
	buf_free(&doc);
	buf_free(&t);
	buf_free(&u);
}

static void
test_ark(void)
{
	struct result r;
	struct buf doc = BUF_INIT, t = BUF_INIT;

	memset(&r, 0, sizeof r);
	files_slurp(ARK, &doc);
	run(doc.s, doc.len, 0, &r);
	is_int(r.rc, 0, "ark: read");
	is_str(r.objid.s, "loc.ark:/13960/t5v69h717", "ark: OBJID");
	is_str(pages_text(&r.pages, &t), "1|RIGHT,COVER|1;2|LEFT,COVER|2",
	    "ark: two pages, features and labels");
	/* a UTF-8 byte order mark cut by the first piece */
	buf_reset(&t);
	buf_add(&t, "\357\273\277", 3);
	buf_add(&t, doc.s, doc.len);
	run(t.s, t.len, 2, &r);
	is_int(r.rc, 0, "ark after a byte order mark, two bytes a piece: read");
	is_str(pages_text(&r.pages, &t), "1|RIGHT,COVER|1;2|LEFT,COVER|2",
	    "ark after a byte order mark: the same pages");
	result_free(&r);
	buf_free(&doc);
	buf_free(&t);
}

static void
test_attributes(void)
{
	struct result r;
	struct buf t = BUF_INIT;

	memset(&r, 0, sizeof r);
	run_str("<?xml version=\"1.0\"?>\n"
	    "<mets xmlns=\"http://www.loc.gov/METS/\" xmlns:M=\"urn:x\" OBJID=\"a&amp;b.1\">\n"
	    "<M:structMap TYPE=\"physical\"><M:div TYPE=\"page\" ORDER=\"99\"/></M:structMap>\n"
	    "<structMap TYPE=\"logical\"><div TYPE=\"page\" ORDER=\"98\"/></structMap>\n"
	    "<structMap TYPE=\"physical\"><div TYPE=\"volume\">\n"
	    "<div TYPE=\"page\" ORDER=\"1\" LABEL=\"  IMAGE_ON_PAGE  ,, \" ORDERLABEL=\"iii\"/>\n"
	    "<div ORDER=\"2\" LABEL=\", COVER,FUDGED\" TYPE=\"page\" ORDERLABEL=\"a&amp;b\"/>\n"
	    "<div TYPE=\"page\" ORDER=\"3\"><div TYPE=\"page\" ORDER=\"4\"/></div>\n"
	    "</div></structMap></mets>\n", &r);
	is_int(r.rc, 0, "namespaces and attributes: read");
	is_str(r.objid.s, "a&b.1", "OBJID with &amp;");
	is_str(pages_text(&r.pages, &t), "1|IMAGE_ON_PAGE|iii;2|COVER|a&b;3||",
	    "only the physical structMap's METS pages, not a page inside a page");
	result_free(&r);
	buf_free(&t);
}

static void
test_errors(void)
{
	struct result r;

	memset(&r, 0, sizeof r);
	run_str("<?xml version=\"1.0\"?>\n<METS:mets xmlns:METS=\"http://www.loc.gov/METS/\" "
	    "OBJID=\"test.cut1\">\n<METS:structMap TYPE=\"physical\">\n<METS:div TYPE=\"page\" "
	    "ORDER=\"1\" LABEL=\"IMAGE_ON_PAGE\">\n", &r);
	is_int(r.rc, -1, "truncated: an error");
	is_str(r.err.s, "premature end of the document (truncated file?)", "truncated: why");
	is_int(r.line, 4, "truncated: at line 4");

	run_str("", &r);
	is_str(r.err.s, "empty file, not METS", "empty: why");
	is_int(r.line, 0, "empty: no line");
	run_str("<ht", &r);
	is_int(r.rc, -1, "three bytes: an error");

	run_str("<html><body>not METS</body></html>\n", &r);
	is_str(r.err.s, "not METS: the root element is not 'mets' in the namespace "
	    "http://www.loc.gov/METS/", "HTML: not METS");

	run_str("<?xml version=\"1.0\"?>\n<!DOCTYPE m [\n<!ENTITY x SYSTEM \"file:///etc/passwd\">\n"
	    "]>\n<m:mets xmlns:m=\"http://www.loc.gov/METS/\"><m:structMap TYPE=\"physical\">\n"
	    "<m:div TYPE=\"page\" ORDER=\"1\" ORDERLABEL=\"&x;\"/></m:structMap></m:mets>\n", &r);
	is_int(r.rc, -1, "external entity: an error");
	is_str(r.err.s, "Entity 'x' not defined", "external entity: not expanded");
	is_int(r.line, 6, "external entity: at line 6");

	run_str("<m:mets xmlns:m=\"http://www.loc.gov/METS/\" OBJID=\"test.bad1\">"
	    "<m:structMap TYPE=\"physical\"><m:div TYPE=\"page\" ORDER=\"x\"/>"
	    "<m:div TYPE=\"page\" ORDER=\"0\"/><m:div TYPE=\"page\"/>"
	    "<m:div TYPE=\"page\" ORDER=\"1234567890\"/><m:div TYPE=\"page\" ORDER=\"2\"/>"
	    "</m:structMap></m:mets>", &r);
	is_int(r.rc, 0, "bad seqs: the document is good");
	is_int(r.pages.bad, 4, "bad seqs: 4 pages without a usable seq");
	is_int(r.pages.n, 1, "bad seqs: one page kept");
	is_str(r.pages.v[0].seq, "2", "bad seqs: seq 2 kept");
	is_str(r.objid.s, "test.bad1", "bad seqs: OBJID");

	run_str("<mets xmlns=\"http://www.loc.gov/METS/\"/>", &r);
	is_int(r.rc, 0, "no OBJID: read");
	is_str(r.objid.s, "(none)", "no OBJID: none");
	is_int(r.pages.n, 0, "no structMap: no pages");
	result_free(&r);
}

static void
test_pairtree(void)
{
	struct buf b = BUF_INIT;

	mets_pairtree_path(&b, "sdr1/obj", "loc.ark:/13960/t5v69h717");
	is_str(b.s, "sdr1/obj/loc/pairtree_root/ar/k+/=1/39/60/=t/5v/69/h7/17/ark+=13960=t5v69h717/"
	    "ark+=13960=t5v69h717.mets.xml", "pairtree path of an ark");
	buf_reset(&b);
	mets_pairtree_path(&b, "d/", "chi.79279237");
	is_str(b.s, "d/chi/pairtree_root/79/27/92/37/79279237/79279237.mets.xml",
	    "pairtree path, folder with a trailing slash");
	buf_reset(&b);
	mets_pairtree_path(&b, "d", "x.abc");
	is_str(b.s, "d/x/pairtree_root/ab/c/abc/abc.mets.xml", "pairtree path, odd length");
	buf_free(&b);
}

int
main(void)
{
	diag_init("test-mets");
	xml_init();
	test_chi();
	test_ark();
	test_attributes();
	test_errors();
	test_pairtree();
	xml_cleanup();
	return tap_done();
}
