/* fuzz-mets: ht-pfeat's METS reader (libxml2's SAX2 push parser) and the
 * rows written from the pages it reads never crash, leak or read out of
 * bounds; and:
 *  - a file read whole and the same bytes fed in pieces of varied sizes
 *    (as reads from a pipe arrive, --mets -) give the same verdict, and
 *    for a good file the same pages and OBJID;
 *  - every page kept has a seq of 1 to 9 digits without a leading 0, and
 *    features normalised (no empty, blank-edged or FUDGED token);
 *  - every row has the six columns, and --all gives one row a page. */
#include "tool.h"

#define main ht_pfeat_main
#include "../../cmd/ht-pfeat.c"
#undef main

/* Piece sizes: small ones cut names, attribute values and the XML
 * declaration apart; the larger ones keep the run fast. */
static const size_t steps[] = { 1, 2, 3, 7, 64, 500, 4093 };

static char base[] = "https://babel.hathitrust.org";
static char *image[] = { "IMAGE_ON_PAGE", NULL };
static char *some[] = { "COVER", "MISSING_PAGE", "IMAGE_ON_PAGE", NULL };

/* The options of the runs: the default, --all --width, three -F with a
 * URL template. */
static void
set_options(int k)
{
	memset(&opt, 0, sizeof opt);
	opt.base = base;
	opt.features = image;
	opt.nfeatures = 1;
	if (k == 1) {
		opt.all = 1;
		opt.width = 680;
	} else if (k == 2) {
		opt.features = some;
		opt.nfeatures = 3;
		opt.tmpl = "x{id}/{rawid}&{seq}.jpg";
	}
}

/* mets_read, but with the bytes fed in pieces. */
static int
read_pieces(const struct buf *doc, struct vol *v, struct buf *objid)
{
	struct mets m;
	size_t i = 0, k, step = 0;
	int rc;

	mets_begin(&m, v, "fuzz.mets.xml");
	while (i < doc->len) {
		k = steps[step++ % (sizeof steps / sizeof steps[0])];
		if (k > doc->len - i)
			k = doc->len - i;
		if (mets_feed(&m, doc->s + i, k) < 0)
			break;
		i += k;
	}
	rc = mets_finish(&m);
	mets_free(&m, objid);
	return rc;
}

static int
same_pages(const struct vol *a, const struct vol *b)
{
	size_t i;

	if (a->npages != b->npages || a->bad != b->bad)
		return 0;
	for (i = 0; i < a->npages; i++)
		if (strcmp(a->pages[i].seq, b->pages[i].seq) != 0 ||
		    strcmp(a->pages[i].feat, b->pages[i].feat) != 0 ||
		    strcmp(a->pages[i].label, b->pages[i].label) != 0)
			return 0;
	return 1;
}

static void
check_page(const struct page *p)
{
	struct buf again = BUF_INIT;
	size_t i, n = strlen(p->seq);
	const char *t, *e;

	if (n == 0 || n > 9 || p->seq[0] == '0')
		abort();
	for (i = 0; i < n; i++)
		if (p->seq[i] < '0' || p->seq[i] > '9')
			abort();
	n = strlen(p->feat);
	if (n && p->feat[n - 1] == ',')
		abort();
	for (t = p->feat; *t; t = *e ? e + 1 : e) {
		if (!(e = strchr(t, ',')))
			e = t + strlen(t);
		if (e == t || is_space((unsigned char)*t) || is_space((unsigned char)e[-1]) ||
		    (e - t == 6 && memcmp(t, "FUDGED", 6) == 0))
			abort();
	}
	/* normalising twice changes nothing */
	feat_add(&again, p->feat, strlen(p->feat));
	if (strcmp(again.s, p->feat) != 0)
		abort();
	buf_free(&again);
}

/* Rows: hathitrust, id, seq, url, features, pagelabel; how many. */
static size_t
check_rows(const struct buf *rows)
{
	size_t i, tabs = 0, lines = 0;

	for (i = 0; i < rows->len; i++) {
		if (rows->s[i] == '\t') {
			tabs++;
		} else if (rows->s[i] == '\n') {
			if (tabs != 5)
				abort();
			tabs = 0;
			lines++;
		}
	}
	if (tabs)
		abort();
	return lines;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	static char *ids[] = { "https://hdl.handle.net/2027/test.fuzz1" };
	struct vol va, vb;
	struct buf oa = BUF_INIT, ob = BUF_INIT, doc = BUF_INIT, rows = BUF_INIT;
	const char *path;
	size_t i;
	int rca, rcb, k;

	diag_init("ht-pfeat");
	diag_set_quiet(1);
	xmlInitParser();
	path = fuzz_file(data, n);

	/* the file read whole, as mets_read does */
	memset(&va, 0, sizeof va);
	rca = mets_read(path, &va, &oa);
	for (i = 0; i < va.npages; i++)
		check_page(&va.pages[i]);

	/* the same bytes in pieces */
	if (fuzz_slurp(path, &doc) == 0) {
		memset(&vb, 0, sizeof vb);
		rcb = read_pieces(&doc, &vb, &ob);
		if (rca != rcb)
			abort();
		if (rca == 0 && (!same_pages(&va, &vb) || oa.len != ob.len ||
		    strcmp(buf_str(&oa), buf_str(&ob)) != 0))
			abort();
		vol_free(&vb);
	}

	/* rows, each run with other options; the id from the OBJID or the
	 * operand */
	for (k = 0; k < 3; k++) {
		set_options(k);
		opt.mets = (char **)&path;
		opt.nmets = 1;
		fuzz_out_begin();
		run_mets_files(ids, k % 2 ? 0 : 1);
		fuzz_out_end(&rows);
		i = check_rows(&rows);
		if (k == 1 && rca == 0 && oa.len && valid_id(oa.s, oa.len) && i != va.npages)
			abort();
	}
	memset(&opt, 0, sizeof opt);

	vol_free(&va);
	buf_free(&oa);
	buf_free(&ob);
	buf_free(&doc);
	buf_free(&rows);
	return 0;
}
