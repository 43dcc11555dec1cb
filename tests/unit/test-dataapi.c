/* test-dataapi: the archived Data API volume/meta JSON reader on the
 * Data API documents of the fuzz seeds (chi.79279237, the htd:seqmap
 * shapes) and on small documents: pages, seqs, features, labels, the
 * volume id, errors with their lines and bytes; one reader on several
 * documents. */
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "dataapi.h"
#include "diag.h"
#include "htpages.h"

#include "htpages-test.h"

#define SEEDS "tests/fuzz/seeds/fuzz-data-api/"

/* Feed s[0..n) in pieces of step bytes (0: whole); dataapi_finish's
 * result, the id in id. */
static int
run(struct dataapi *d, const char *s, size_t n, size_t step, struct buf *id)
{
	size_t i, k;

	dataapi_begin(d);
	for (i = 0; i < n; i += k) {
		k = step && step < n - i ? step : n - i;
		if (dataapi_feed(d, s + i, k) != 0)
			break;
	}
	return dataapi_finish(d, id);
}

static int
run_file(struct dataapi *d, const char *name, size_t step, struct buf *id)
{
	struct buf doc = BUF_INIT;
	int rc;

	files_slurp(name, &doc);
	rc = run(d, doc.s, doc.len, step, id);
	buf_free(&doc);
	return rc;
}

static int
run_str(struct dataapi *d, const char *s, struct buf *id)
{
	return run(d, s, strlen(s), 0, id);
}

static void
test_chi(void)
{
	struct htpages p;
	struct dataapi *d;
	struct buf id = BUF_INIT, t = BUF_INIT;

	memset(&p, 0, sizeof p);
	d = dataapi_new(&p);
	is_int(run_file(d, SEEDS "chi-79279237-from-mets.json", 0, &id), 0, "chi.79279237: read");
	is_str(id.s, "chi.79279237", "chi.79279237: the id from htd:rights");
	is_int(p.n, 640, "chi.79279237: 640 pages");
	is_str(p.v[9].feat, "INDEX,IMPLICIT_PAGE_NUMBER", "page 10: htd:pfeat list");
	is_str(p.v[9].label, "", "page 10: htd:pnum {} is no label");
	is_str(p.v[26].label, "13", "page 27: htd:pnum 13");
	is_str(p.v[26].feat, "", "page 27: htd:pfeat {} is no feature");
	is_str(seqs_with(&p, "IMAGE_ON_PAGE", &t),
	    "1,2,3,149,152,154,157,160,164,167,169,170,171,173,175,178,180,303,323,327,"
	    "328,329,337,340,341,344,345,351,357,359,565,569,573,577,581,587,636,637,638,"
	    "639,640", "chi.79279237: the 41 pages tagged IMAGE_ON_PAGE, as in its METS");
	dataapi_free(d);
	htpages_free(&p);
	buf_free(&id);
	buf_free(&t);
}

static void
test_shapes(void)
{
	struct htpages p;
	struct dataapi *d;
	struct buf id = BUF_INIT, t = BUF_INIT;
	const char *array = "1|FRONT_COVER,IMAGE_ON_PAGE,IMPLICIT_PAGE_NUMBER|;"
	    "4|IMPLICIT_PAGE_NUMBER|;21||7;22|IMAGE_ON_PAGE|8;23|COVER|;24|IMAGE_ON_PAGE_X|10";

	memset(&p, 0, sizeof p);
	d = dataapi_new(&p);
	is_int(run_file(d, SEEDS "seqmap-array.json", 0, &id), 0, "htd:seq as an array: read");
	is_str(pages_text(&p, &t), array, "htd:seq as an array: pages");
	is_int(run_file(d, SEEDS "seqmap-array.json", 1, &id), 0, "byte by byte: read");
	is_str(pages_text(&p, &t), array, "byte by byte: the same pages, nothing left over");
	is_int(run_file(d, SEEDS "seqmap-object.json", 0, &id), 0, "htd:seq as an object: read");
	is_str(id.s, "loc.ark:/13960/t5v69h717", "the id from the end of the Atom id");
	is_str(pages_text(&p, &t), "1|RIGHT,IMAGE_ON_PAGE|1", "htd:seq as an object: a page");
	is_int(run_str(d, "{\"htd:seqmap\": {\"htd:seq\": [{\"pseq\": 3, \"htd:pnum\": 2}]}, "
	    "\"htd:rights\": {\"htd:id\": \"not an id\"}, \"id\": \"x.y\"}", &id), 0,
	    "htd:seqmap as an object, numbers: read");
	is_str(id.s, "x.y", "a bad htd:rights id gives way to the Atom id");
	is_str(pages_text(&p, &t), "3||2", "numbers as seq and label");
	dataapi_free(d);
	htpages_free(&p);
	buf_free(&id);
	buf_free(&t);
}

static void
test_errors(void)
{
	struct htpages p;
	struct dataapi *d;
	struct buf id = BUF_INIT;

	memset(&p, 0, sizeof p);
	d = dataapi_new(&p);
	is_int(run_file(d, SEEDS "syntax-error.json", 0, &id), -1, "syntax error");
	is_str(dataapi_error(d), "parse error: invalid object key (must be a string) (byte 58)",
	    "syntax error: why, and the byte");
	is_int(dataapi_error_line(d), 3, "syntax error: at line 3");
	is_int(run_file(d, SEEDS "syntax-error.json", 5, &id), -1, "syntax error in pieces");
	is_int(dataapi_error_line(d), 3, "syntax error in pieces: at line 3");
	is_int(run_file(d, SEEDS "no-seqmap.json", 0, &id), -1, "no htd:seqmap");
	is_str(dataapi_error(d), "no htd:seqmap: not a Data API volume/meta JSON response",
	    "no htd:seqmap: why");
	is_int(dataapi_error_line(d), 0, "no htd:seqmap: no line");
	is_int(run_file(d, SEEDS "no-id.json", 0, &id), -1, "no id");
	is_str(dataapi_error(d), "no volume id (htd:rights.htd:id or id)", "no id: why");
	is_int(run_file(d, SEEDS "bad-seq.json", 0, &id), 0, "a bad seq: the document is good");
	is_str(id.s, "test.empty1", "a bad seq: the id");
	is_int(p.n, 0, "a bad seq: no page");
	is_int(p.bad, 1, "a bad seq: one page without a usable seq");
	is_int(run_str(d, "{\"htd:seqmap\": [", &id), -1, "truncated");
	ok(strstr(dataapi_error(d), "(byte ") != NULL, "truncated: says where (%s)",
	    dataapi_error(d));
	is_int(run_file(d, SEEDS "seqmap-object.json", 0, &id), 0, "a good one after errors");
	is_int(p.n, 1, "a good one after errors: its page");
	is_str(dataapi_error(d), "", "a good one after errors: no error");
	dataapi_free(d);
	htpages_free(&p);
	buf_free(&id);
}

int
main(void)
{
	diag_init("test-dataapi");
	test_chi();
	test_shapes();
	test_errors();
	return tap_done();
}
