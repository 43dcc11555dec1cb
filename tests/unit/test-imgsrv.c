/* test-imgsrv: the imgsrv page metadata reader on the meta/ fixture, on
 * the page metadata of chi.79279237 and on small bodies: pages, seqs,
 * features, labels, verdicts, error lines, restarts. */
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "htpages.h"
#include "imgsrv.h"

#include "htpages-test.h"

#define RESTRICTED "tests/fixtures/ht/meta/test.restricted1.json"
#define CHI "tests/fuzz/seeds/fuzz-imgsrv-meta/chi-79279237-from-mets.json"

/* Feed s[0..n) in pieces of step bytes (0: whole); the verdict. */
static int
run(struct imgsrv *r, const char *s, size_t n, size_t step)
{
	size_t i, k;

	imgsrv_begin(r);
	for (i = 0; i < n; i += k) {
		k = step && step < n - i ? step : n - i;
		if (imgsrv_feed(r, s + i, k) != IMGSRV_OK)
			return IMGSRV_BAD_JSON;
	}
	return imgsrv_finish(r);
}

static int
run_str(struct imgsrv *r, const char *s)
{
	return run(r, s, strlen(s), 0);
}

static void
test_restricted(void)
{
	struct htpages p;
	struct imgsrv *r;
	struct buf doc = BUF_INIT, t = BUF_INIT;
	const char *want = "1|FRONT_COVER|;2|IMAGE_ON_PAGE|vii;3|COVER|;"
	    "4|IMAGE_ON_PAGE,IMPLICIT_PAGE_NUMBER|12";

	memset(&p, 0, sizeof p);
	r = imgsrv_new(&p);
	files_slurp(RESTRICTED, &doc);
	is_int(run(r, doc.s, doc.len, 0), IMGSRV_OK, "test.restricted1: read");
	is_str(pages_text(&p, &t), want,
	    "test.restricted1: FUDGED and empty features dropped, page_num null/\"\"/12");
	is_int(p.bad, 0, "test.restricted1: every seq usable");
	is_int(run(r, doc.s, doc.len, 1), IMGSRV_OK, "test.restricted1 byte by byte: read");
	is_str(pages_text(&p, &t), want, "test.restricted1 byte by byte: the same pages");
	/* a retry: half the body, a restart, the whole body */
	imgsrv_begin(r);
	is_int(imgsrv_feed(r, doc.s, doc.len / 2), IMGSRV_OK, "half the body: fed");
	ok(p.n > 0 && p.n < 4, "half the body: some pages");
	is_int(run(r, doc.s, doc.len, 7), IMGSRV_OK, "after a restart: read");
	is_str(pages_text(&p, &t), want, "after a restart: nothing left over");
	imgsrv_free(r);
	htpages_free(&p);
	buf_free(&doc);
	buf_free(&t);
}

static void
test_chi(void)
{
	struct htpages p;
	struct imgsrv *r;
	struct buf doc = BUF_INIT, t = BUF_INIT;

	memset(&p, 0, sizeof p);
	r = imgsrv_new(&p);
	files_slurp(CHI, &doc);
	is_int(run(r, doc.s, doc.len, 4093), IMGSRV_OK, "chi.79279237: read");
	is_int(p.n, 640, "chi.79279237: 640 pages");
	is_str(p.v[0].feat, "FRONT_COVER,IMAGE_ON_PAGE,IMPLICIT_PAGE_NUMBER",
	    "chi.79279237 page 1: features without FUDGED");
	is_str(seqs_with(&p, "IMAGE_ON_PAGE", &t),
	    "1,2,3,149,152,154,157,160,164,167,169,170,171,173,175,178,180,303,323,327,"
	    "328,329,337,340,341,344,345,351,357,359,565,569,573,577,581,587,636,637,638,"
	    "639,640", "chi.79279237: the 41 pages tagged IMAGE_ON_PAGE, as in its METS");
	imgsrv_free(r);
	htpages_free(&p);
	buf_free(&doc);
	buf_free(&t);
}

static void
test_bodies(void)
{
	struct htpages p;
	struct imgsrv *r;
	struct buf t = BUF_INIT;

	memset(&p, 0, sizeof p);
	r = imgsrv_new(&p);
	is_int(run_str(r, "{\"status\": 0, \"errors\": {}}"), IMGSRV_NO_ITEMS, "no items list");
	is_int(run_str(r, "{\"items\": []}"), IMGSRV_OK, "an empty items list");
	is_int(p.n, 0, "an empty items list: no pages");
	is_int(run_str(r, "{\"x\": {\"items\": [{\"seq\": 1}]}}"), IMGSRV_NO_ITEMS,
	    "items below the top level are not pages");
	is_int(p.n, 0, "items below the top level: no pages");

	is_int(run_str(r, "{\"items\": [{\"seq\": \"5\", \"page_num\": \"v\", \"features\": "
	    "[\" A , B,FUDGED\", \"\", \"C\"]}, {\"seq\": 0}, {\"seq\": \"x1\"}, "
	    "{\"features\": [\"D\"]}, {\"seq\": 1234567890}, {\"seq\": true}, "
	    "{\"seq\": 6, \"features\": \"E\", \"page_num\": 7}]}"), IMGSRV_OK, "odd items: read");
	is_str(pages_text(&p, &t), "5|A,B,C|v;6||7",
	    "odd items: string seq kept, features normalised, a feature string ignored");
	is_int(p.bad, 5, "odd items: 5 without a usable seq");

	is_int(run_str(r, "{\"items\": [\n{\"seq\": 1},\n{\"seq\": 2,,}]}"), IMGSRV_BAD_JSON,
	    "bad JSON");
	is_int(imgsrv_error_line(r), 3, "bad JSON: at line 3");
	ok(strlen(imgsrv_error(r)) > 0, "bad JSON: says why (%s)", imgsrv_error(r));
	is_int(run_str(r, "{\"items\": [{\"seq\": 1}"), IMGSRV_BAD_JSON, "truncated JSON");
	is_int(run_str(r, "<html><body><h1>429 Too Many Requests</h1></body></html>\n"),
	    IMGSRV_BAD_JSON, "an HTML page");
	is_int(imgsrv_error_line(r), 1, "an HTML page: at line 1");
	imgsrv_free(r);
	htpages_free(&p);
	buf_free(&t);
}

int
main(void)
{
	diag_init("test-imgsrv");
	test_restricted();
	test_chi();
	test_bodies();
	return tap_done();
}
