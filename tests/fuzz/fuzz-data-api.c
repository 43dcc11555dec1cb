/* fuzz-data-api: ht-pfeat's reader of archived Data API volume/meta JSON
 * (the JSON events, the volume id, the verdict on a file) and the rows
 * written from it never crash, leak or read out of bounds; and
 *  - a file read whole and the same bytes fed in pieces of varied sizes,
 *    or byte by byte (when small), give the same rows and the same
 *    verdict;
 *  - the same file named twice gives its rows and its failures twice:
 *    nothing of one file is left over for the next;
 *  - with --all, every row's features are a normalised list (no empty,
 *    blank-edged or FUDGED token). */
#include "tool.h"

#define main ht_pfeat_main
#include "../../cmd/ht-pfeat.c"
#undef main

#include "pfeat-check.h"

/* Larger files are fed in pieces of varied sizes, not byte by byte. */
#define BYTEWISE_MAX 8192

static const size_t steps[] = { 1, 2, 3, 7, 64, 500, 4093 };

static char base[] = HT_DEFAULT_BASE;
static char *image[] = { "IMAGE_ON_PAGE", NULL };
static char *some[] = { "COVER", "MISSING_PAGE", "IMAGE_ON_PAGE", NULL };

struct outcome {
	struct buf rows;
	unsigned long failed;	/* records counted as failed */
};

/* The options of the runs: the default, three -F with a URL template,
 * --all --width. */
static void
set_options(int k)
{
	memset(&opt, 0, sizeof opt);
	opt.base = base;
	opt.features = image;
	opt.nfeatures = 1;
	opt.data_api = 1;
	if (k == 1) {
		opt.features = some;
		opt.nfeatures = 3;
		opt.tmpl = "x{id}/{rawid}&{seq}.jpg";
	} else if (k == 2) {
		opt.all = 1;
		opt.width = 680;
	}
}

/* The tool on the file named nfiles times. */
static void
run_files(const char *path, int nfiles, struct outcome *o)
{
	char *files[2];
	unsigned long before = diag_failures();

	files[0] = files[1] = (char *)path;
	fuzz_out_begin();
	run_data_api(files, nfiles);
	fuzz_out_end(&o->rows);
	o->failed = diag_failures() - before;
}

/* run_data_api on one file, but with its bytes fed in pieces: byte by
 * byte (varied 0) or of varied sizes. */
static void
run_pieces(const struct buf *doc, int varied, struct outcome *o)
{
	struct vol v;
	struct dapi c;
	struct json_stream *js;
	unsigned long before = diag_failures();
	size_t i = 0, k, s = 0;
	int r = 0;

	memset(&v, 0, sizeof v);
	memset(&c, 0, sizeof c);
	c.v = &v;
	js = json_new(on_dapi, &c);
	fuzz_out_begin();
	dapi_begin(&c, js);
	while (i < doc->len) {
		k = varied ? steps[s++ % (sizeof steps / sizeof steps[0])] : 1;
		if (k > doc->len - i)
			k = doc->len - i;
		if ((r = json_feed(js, doc->s + i, k)) != 0)
			break;
		i += k;
	}
	dapi_end(&c, js, "fuzz.json", r);
	fuzz_out_end(&o->rows);
	o->failed = diag_failures() - before;
	json_free(js);
	buf_free(&c.rights_id);
	buf_free(&c.atom_id);
	vol_free(&v);
}

static int
same(const struct outcome *a, const struct outcome *b)
{
	return a->failed == b->failed && a->rows.len == b->rows.len &&
	    memcmp(a->rows.s, b->rows.s, a->rows.len) == 0;
}

/* b is a twice over */
static int
twice(const struct outcome *a, const struct outcome *b)
{
	return b->failed == 2 * a->failed && b->rows.len == 2 * a->rows.len &&
	    memcmp(a->rows.s, b->rows.s, a->rows.len) == 0 &&
	    memcmp(a->rows.s, b->rows.s + a->rows.len, a->rows.len) == 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct outcome o[4];
	struct buf doc = BUF_INIT;
	const char *path;
	int i, k;

	diag_init("ht-pfeat");
	diag_set_quiet(1);
	path = fuzz_file(data, n);
	memset(o, 0, sizeof o);
	for (k = 0; k < 3; k++) {
		set_options(k);
		run_files(path, 1, &o[0]);
		if (k == 0 && fuzz_slurp(path, &doc) == 0) {
			run_pieces(&doc, 1, &o[2]);
			if (!same(&o[0], &o[2]))
				abort();
			/* byte by byte only while that is quick */
			if (doc.len <= BYTEWISE_MAX) {
				run_pieces(&doc, 0, &o[1]);
				if (!same(&o[0], &o[1]))
					abort();
			}
		}
		if (k == 1) {
			run_files(path, 2, &o[3]);
			if (!twice(&o[0], &o[3]))
				abort();
		}
		if (opt.all)
			check_features(&o[0].rows);
	}
	memset(&opt, 0, sizeof opt);
	for (i = 0; i < 4; i++)
		buf_free(&o[i].rows);
	buf_free(&doc);
	return 0;
}
