/* fuzz-imgsrv-meta: ht-pfeat's reader of imgsrv page metadata (the JSON
 * events, the body as it arrives, the verdict on the finished body) and
 * the rows written from it never crash, leak or read out of bounds; and
 * the body gives the same rows and the same verdict (failed or not)
 *  - in one piece, in pieces of varied sizes and byte by byte (when
 *    small);
 *  - after a retry: part of it, a restart, then all of it (no rows left
 *    over from the first try);
 * and with --all every row's features are a normalised list (no empty,
 * blank-edged or FUDGED token). */
#include "tool.h"

#define main ht_pfeat_main
#include "../../cmd/ht-pfeat.c"
#undef main

#include "pfeat-check.h"

#define URL HT_DEFAULT_BASE "/cgi/imgsrv/meta?id=test.fuzz1"

/* Larger bodies are fed in pieces of varied sizes, not byte by byte. */
#define BYTEWISE_MAX 8192

static const size_t steps[] = { 1, 2, 3, 7, 64, 500, 4093 };

static char base[] = HT_DEFAULT_BASE;
static char *image[] = { "IMAGE_ON_PAGE", NULL };

struct outcome {
	struct buf rows;
	unsigned long failed;	/* records counted as failed */
};

/* The body as http_get hands it to meta_body: -1 if meta_body stopped
 * the transfer.  step 0: in one piece; 1: byte by byte; 2: varied. */
static int
deliver(struct meta *m, const unsigned char *data, size_t n, int step)
{
	size_t i = 0, k, s = 0;

	while (i < n) {
		k = step == 0 ? n : step == 1 ? 1 : steps[s++ % (sizeof steps / sizeof steps[0])];
		if (k > n - i)
			k = n - i;
		if (meta_body(m, (const char *)data + i, k) != 0)
			return -1;
		i += k;
	}
	return 0;
}

/* One volume as run_imgsrv asks for it; retry: first deliver half the
 * body and restart, as a dropped connection does. */
static void
run(const unsigned char *data, size_t n, int step, int retry, struct outcome *o)
{
	struct http_result r;
	struct vol v;
	struct meta m;
	unsigned long before = diag_failures();

	memset(&v, 0, sizeof v);
	memset(&m, 0, sizeof m);
	buf_adds(&v.id, "test.fuzz1");
	buf_add(&v.extra, retry ? "\tcol\\t2" : "", retry ? 7 : 0);
	m.v = &v;
	m.js = json_new(on_meta_json, &m);
	m.url = URL;
	vol_clear_pages(&v);
	memset(&r, 0, sizeof r);
	r.outcome = HTTP_OK;
	r.error = "";
	/* a body meta_body refused is not retried: the transfer stops */
	if (retry && deliver(&m, data, n / 2, step) != 0)
		r.outcome = HTTP_ABORTED;
	else if (retry)
		meta_restart(&m);
	if (r.outcome == HTTP_OK && deliver(&m, data, n, step) != 0)
		r.outcome = HTTP_ABORTED;
	if (r.outcome == HTTP_ABORTED)
		r.error = "stopped";
	r.url = URL;
	r.status = 200;
	r.date = "";
	r.access = "";
	r.content_type = step == 1 ? "text/html; charset=utf-8" : "application/javascript";
	r.bytes = n;
	r.content_length = -1;
	fuzz_out_begin();
	meta_done(&m, &r);
	fuzz_out_end(&o->rows);
	o->failed = diag_failures() - before;
	json_free(m.js);
	vol_free(&v);
}

/* The rows, without the extra column a retried run adds. */
static int
same(const struct outcome *a, const struct outcome *b, const char *extra)
{
	const char *p = a->rows.s, *q = b->rows.s, *nl;
	size_t k, e = strlen(extra);

	if (a->failed != b->failed)
		return 0;
	while (*p) {
		if (!(nl = strchr(p, '\n')))
			return 0;
		k = (size_t)(nl - p);
		if (strncmp(p, q, k) != 0 || strncmp(q + k, extra, e) != 0 || q[k + e] != '\n')
			return 0;
		p = nl + 1;
		q += k + e + 1;
	}
	return *q == '\0';
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct outcome o[4];
	int i;

	diag_init("ht-pfeat");
	diag_set_quiet(1);
	memset(&opt, 0, sizeof opt);
	opt.base = base;
	opt.features = image;
	opt.nfeatures = 1;
	memset(o, 0, sizeof o);
	run(data, n, 0, 0, &o[0]);
	run(data, n, 2, 0, &o[2]);
	run(data, n, 2, 1, &o[3]);
	if (!same(&o[0], &o[2], "") || !same(&o[0], &o[3], "\tcol\\t2"))
		abort();
	/* byte by byte only while that is quick */
	if (n <= BYTEWISE_MAX) {
		run(data, n, 1, 0, &o[1]);
		if (!same(&o[0], &o[1], ""))
			abort();
	}
	/* every page, with its features, as --all writes them */
	opt.all = 1;
	run(data, n, 0, 0, &o[1]);
	if (o[1].failed != o[0].failed)
		abort();
	check_features(&o[1].rows);
	memset(&opt, 0, sizeof opt);
	for (i = 0; i < 4; i++)
		buf_free(&o[i].rows);
	return 0;
}
