/* fuzz-ia-scrape: ia-search's readers of Internet Archive answers never
 * crash, leak or read out of bounds, and the bytes of a body may arrive in
 * any pieces.  The input is one scrape page, or several separated by form
 * feeds (a byte JSON never holds raw), taken in turn as the cursor loop
 * would take them.  Each page goes through the tool's own callbacks:
 *   - page_body, page_restart and page_done, then page_take (rows printed,
 *     cursor, total, error answers, an unfinished search), with no -f and
 *     with multi-valued -f fields, and with --max;
 *   - count_body, count_done and count_take (--count, -H);
 *   - page_done and count_done on a failed request, with the input as its
 *     body (report_http_error).
 * Checked besides: the same transcript (rows, cursor, total, error, exit
 * status) whether a body comes in one piece, byte by byte, in pieces of
 * varied sizes or after a retried transfer that broke off part-way; every
 * row printed is whole (one LF, a TAB per column, no raw CR, an identifier
 * first); -f adds columns, never rows; --max N prints the first N rows of
 * the search without it. */
#include "tool.h"

#define main ia_search_main
#include "../../cmd/ia-search.c"
#undef main

#define SCRAPE_URL "https://archive.org/services/search/v1/scrape?fields=identifier&q=x" \
    "&count=10000"
#define COUNT_URL "https://archive.org/advancedsearch.php?q=x&rows=0&output=json"

/* How a body arrives. */
enum way { WHOLE, BYTES, PIECES, RETRIED, NWAYS };

typedef int (*body_fn)(void *, const char *, size_t);
typedef void (*restart_fn)(void *);

/* ---- stdout, kept in an unlinked file so the rows can be read back ---- */

static void
out_open(void)
{
	static int done;
	char tmpl[] = "/tmp/plates-fuzz-XXXXXX";
	int fd;

	if (!done) {
		done = 1;
		fflush(stdout);
		if ((fd = mkstemp(tmpl)) < 0)
			abort();
		unlink(tmpl);
		if (dup2(fd, STDOUT_FILENO) < 0)
			abort();
		close(fd);
	}
	/* start afresh for every input: the file never grows without end */
	if (fflush(stdout) != 0 || ftruncate(STDOUT_FILENO, 0) != 0 ||
	    fseek(stdout, 0, SEEK_SET) != 0)
		abort();
}

static long
out_mark(void)
{
	long at;

	tsv_flush();
	if ((at = ftell(stdout)) < 0)
		abort();
	return at;
}

/* What was printed since mark. */
static void
out_since(long mark, struct buf *b)
{
	long end = out_mark();
	ssize_t k;

	buf_reset(b);
	buf_add(b, "", 0);
	if (end == mark)
		return;
	buf_reserve(b, (size_t)(end - mark));
	k = pread(STDOUT_FILENO, b->s, (size_t)(end - mark), mark);
	if (k != end - mark)
		abort();
	b->len = (size_t)k;
	b->s[b->len] = '\0';
}

/* ---- delivering a body as http.c would ---- */

static unsigned long long rng;

static size_t
piece(size_t left)
{
	size_t k;

	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	/* mostly small pieces, which cut tokens apart, now and then a large one */
	k = rng % 16 == 0 ? 1 + rng % 4096 : 1 + rng % 24;
	return k < left ? k : left;
}

/* Feed s[0..n) in the pieces way asks for; stop at the first refusal, as
 * http.c aborts the transfer then.  Returns 0, or 1 once refused. */
static int
feed(body_fn body, void *arg, const unsigned char *s, size_t n, enum way way)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = way == BYTES ? 1 : way == PIECES ? piece(n - i) : n - i;
		if (body(arg, (const char *)s + i, k) != 0)
			return 1;
	}
	return 0;
}

/* A whole transfer: the body, then the outcome http.c would give done(). */
static void
transfer(body_fn body, restart_fn restart, void (*done)(void *, const struct http_result *),
    void *arg, const unsigned char *s, size_t n, enum way way)
{
	struct http_result r;
	int refused;

	memset(&r, 0, sizeof r);
	r.url = r.effective_url = "";
	r.date = r.access = "";
	r.error = "";
	/* the retried answer says it is HTML, which a JSON error report names */
	r.content_type = way == RETRIED ? "text/html; charset=utf-8" : "application/json";
	r.status = 200;
	r.content_length = -1;
	if (way == RETRIED) {
		/* the first attempt breaks off part-way; a refused body is not
		 * retried */
		refused = feed(body, arg, s, n / 2, WHOLE);
		if (!refused) {
			restart(arg);
			refused = feed(body, arg, s, n, WHOLE);
		}
	} else {
		refused = feed(body, arg, s, n, way);
	}
	r.outcome = refused ? HTTP_ABORTED : HTTP_OK;
	r.bytes = n;
	done(arg, &r);
}

/* ---- scrape pages ---- */

static void
must(int ok)
{
	if (!ok)
		abort();
}

/* Every row is whole: an identifier, a TAB per -f column, one LF at the
 * end, nothing raw that TSV escapes. */
static void
check_rows(const char *s, size_t len, unsigned long want)
{
	const char *end, *nl;
	unsigned long rows = 0;
	size_t tabs;

	if (len == 0) {		/* and s may be NULL */
		must(want == 0);
		return;
	}
	for (end = s + len; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		must(nl != NULL);
		must(nl > s && *s != '\t');
		must(memchr(s, '\r', (size_t)(nl - s)) == NULL);
		for (tabs = 0; s < nl; s++)
			tabs += *s == '\t';
		must(tabs == opt.ncols);
		rows++;
	}
	must(rows == want);
}

/* a[0..alen) begins b[0..blen) (either may be empty, and then NULL) */
static int
begins(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen <= blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static unsigned long
lines(const struct buf *b)
{
	unsigned long k = 0;
	size_t i;

	for (i = 0; i < b->len; i++)
		k += b->s[i] == '\n';
	return k;
}

/* What a finished page left in p, before page_take. */
static void
log_page(struct buf *log, const struct page *p)
{
	if (p->json_failed || p->http_failed) {
		/* none of it is used: how much was read before the error may
		 * depend on the pieces */
		buf_printf(log, "page failed %d %d\n", p->json_failed, p->http_failed);
		return;
	}
	buf_printf(log, "page items %d %lu rows %lu bad %lu\n", p->have_items, p->nitems,
	    p->nrows, p->nbad);
	buf_add(log, p->rows.s, p->rows.len);
	buf_add(log, p->bad.s, p->bad.len);
	buf_printf(log, "error %d %zu:", p->have_error, p->error.len);
	buf_add(log, p->error.s, p->error.len);
	buf_printf(log, "\ncursor %d %zu:", p->have_cursor, p->cursor.len);
	buf_add(log, p->cursor.s, p->cursor.len);
	buf_printf(log, "\ntotal %d %llu\n", p->have_total, p->total);
}

/* The whole search over the pages in data; the rows it printed to out,
 * what it saw to log. */
static void
search(const unsigned char *data, size_t n, enum way way, struct buf *out, struct buf *log)
{
	const unsigned char *s = data, *end = data + n, *ff;
	struct page p;
	struct search st;
	struct buf printed = BUF_INIT;
	unsigned long failures = diag_failures(), want;
	int more = 1;

	page_init(&p);
	memset(&st, 0, sizeof st);
	p.url = SCRAPE_URL;
	buf_reset(out);
	buf_reset(log);
	while (more) {
		long mark;

		ff = memchr(s, '\f', (size_t)(end - s));
		page_reset(&p);
		transfer(page_body, page_restart, page_done, &p, s, (size_t)((ff ? ff : end) - s),
		    way);
		log_page(log, &p);
		if (!p.json_failed && !p.http_failed)
			check_rows(p.rows.s, p.rows.len, p.nrows);
		want = st.printed;
		mark = out_mark();
		more = page_take(&st, &p);
		out_since(mark, &printed);
		/* the first rows of the page, as many as --max leaves */
		want = (unsigned long)(st.printed - want);
		must(want <= p.nrows && (opt.max == 0 || st.printed <= (unsigned long long)opt.max));
		check_rows(printed.s, printed.len, want);
		must(begins(printed.s, printed.len, p.rows.s, p.rows.len));
		buf_add(out, printed.s, printed.len);
		buf_printf(log, "take %d received %llu printed %llu total %d %llu\n", more,
		    st.received, st.printed, st.have_total, st.total);
		if (!ff)
			break;
		s = ff + 1;
	}
	buf_printf(log, "failures %lu\n", diag_failures() - failures);
	page_free(&p);
	buf_free(&printed);
	buf_free(&st.cursor);
}

static int
same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && begins(a->s, a->len, b->s, b->len);
}

/* The first k lines of b. */
static size_t
head_len(const struct buf *b, unsigned long k)
{
	size_t i;

	for (i = 0; i < b->len && k; i++)
		if (b->s[i] == '\n')
			k--;
	return i;
}

static void
fields(int on)
{
	size_t i;

	for (i = 0; i < opt.nnames; i++)
		free(opt.names[i]);
	free(opt.names);
	free(opt.cols);
	memset(&opt, 0, sizeof opt);
	opt.page_size = PAGE_MAX;
	if (on) {
		/* lists, numbers, one field never sent, the identifier as a column
		 * and a column asked for twice */
		add_fields("title,collection,format,year,creator,missing,description");
		add_fields("identifier,title");
	}
}

/* The search over data, with or without -f; its rows in out. */
static void
scrape(const unsigned char *data, size_t n, int with_fields, struct buf *rows)
{
	struct buf out = BUF_INIT, log = BUF_INIT, out2 = BUF_INIT, log2 = BUF_INIT;
	unsigned long k;
	enum way w;

	fields(with_fields);
	search(data, n, WHOLE, &out, &log);
	for (w = BYTES; w < NWAYS; w++) {
		search(data, n, w, &out2, &log2);
		must(same(&out, &out2) && same(&log, &log2));
	}
	/* --max: the first rows of the search, however the pages fall */
	k = lines(&out);
	opt.max = (long)(k > 1 ? k / 2 + rng % k : 1);
	search(data, n, WHOLE, &out2, &log2);
	k = (unsigned long)opt.max < k ? (unsigned long)opt.max : k;
	must(out2.len == head_len(&out, k) && begins(out2.s, out2.len, out.s, out.len));
	fields(0);
	buf_free(rows);
	*rows = out;
	buf_free(&log);
	buf_free(&out2);
	buf_free(&log2);
}

/* -f adds columns, never rows: each row of b begins with the row of a. */
static void
same_rows(const struct buf *a, const struct buf *b)
{
	const char *p = a->s, *q = b->s, *pend, *qend, *pnl, *qnl;

	if (a->len == 0 || b->len == 0) {	/* and then s may be NULL */
		must(a->len == b->len);
		return;
	}
	pend = p + a->len;
	qend = q + b->len;
	for (; p < pend; p = pnl + 1, q = qnl + 1) {
		pnl = memchr(p, '\n', (size_t)(pend - p));
		qnl = memchr(q, '\n', (size_t)(qend - q));
		must(pnl != NULL && qnl != NULL && qnl - q > pnl - p);
		must(memcmp(p, q, (size_t)(pnl - p)) == 0 && q[pnl - p] == '\t');
	}
	must(q == qend);
}

/* ---- --count ---- */

static void
count(const unsigned char *s, size_t n, enum way way, struct buf *log)
{
	struct counter c;
	struct buf out = BUF_INIT;
	unsigned long failures = diag_failures();
	long mark;

	memset(&c, 0, sizeof c);
	c.js = json_new(on_count_json, &c);
	c.url = COUNT_URL;
	transfer(count_body, count_restart, count_done, &c, s, n, way);
	mark = out_mark();
	count_take(&c);
	out_since(mark, &out);
	buf_reset(log);
	buf_printf(log, "failed %d %d error %d num %d\n", c.json_failed, c.http_failed,
	    c.have_error, c.have_num);
	if (!c.json_failed && !c.http_failed) {
		buf_add(log, c.error.s, c.error.len);
		buf_add(log, c.num.s, c.num.len);
	}
	buf_add(log, out.s, out.len);
	buf_printf(log, "failures %lu\n", diag_failures() - failures);
	/* a count or nothing: the header line, then one field */
	if (out.len) {
		size_t h = opt.header ? 6 : 0;
		must(!opt.header || memcmp(out.s, "count\n", 6) == 0);
		must(out.len > h + 1 && out.s[out.len - 1] == '\n');
		must(memchr(out.s + h, '\n', out.len - h - 1) == NULL);
		must(memchr(out.s + h, '\t', out.len - h) == NULL);
	}
	json_free(c.js);
	buf_free(&c.num);
	buf_free(&c.error);
	buf_free(&out);
}

static void
counts(const unsigned char *s, size_t n)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	enum way w;

	fields(0);
	opt.header = (int)(n & 1);
	count(s, n, WHOLE, &a);
	for (w = BYTES; w < NWAYS; w++) {
		count(s, n, w, &b);
		must(same(&a, &b));
	}
	opt.header = 0;
	buf_free(&a);
	buf_free(&b);
}

/* ---- the body of a failed request ---- */

/* A 400 whose body is s: its message reported, no row, no count. */
static void
failed_request(const unsigned char *s, size_t n)
{
	struct http_result r;
	struct page p;
	struct search st;
	struct counter c;
	long mark;

	memset(&r, 0, sizeof r);
	r.outcome = HTTP_FAILED;
	r.status = 400;
	r.error = "HTTP 400 Bad Request";
	r.content_type = "application/json";
	r.body = (const char *)s;
	r.body_len = n;
	fields(0);
	page_init(&p);
	memset(&st, 0, sizeof st);
	p.url = SCRAPE_URL;
	page_reset(&p);
	page_done(&p, &r);
	mark = out_mark();
	must(page_take(&st, &p) == 0 && st.printed == 0);
	memset(&c, 0, sizeof c);
	c.js = json_new(on_count_json, &c);
	c.url = COUNT_URL;
	count_done(&c, &r);
	count_take(&c);
	must(out_mark() == mark);
	page_free(&p);
	json_free(c.js);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	const unsigned char *s, *end, *ff;
	struct buf plain = BUF_INIT, cols = BUF_INIT;
	unsigned long long h = 1469598103934665603ULL;
	size_t i;

	diag_init("ia-search");
	diag_set_quiet(1);
	out_open();
	if (n == 0)
		data = (const unsigned char *)"";
	/* the pieces depend on the input, so a failure replays */
	for (i = 0; i < n; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	rng = h | 1;
	scrape(data, n, 0, &plain);
	scrape(data, n, 1, &cols);
	same_rows(&plain, &cols);
	buf_free(&plain);
	buf_free(&cols);
	for (s = data, end = data + n;; s = ff + 1) {
		ff = memchr(s, '\f', (size_t)(end - s));
		counts(s, (size_t)((ff ? ff : end) - s));
		failed_request(s, (size_t)((ff ? ff : end) - s));
		if (!ff)
			break;
	}
	return 0;
}
