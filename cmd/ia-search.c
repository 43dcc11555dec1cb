/* ia-search: every identifier of an Internet Archive query, paged with the
 * scrape API (cursor paging), one row per item. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "diag.h"
#include "http.h"
#include "ia_scrape.h"
#include "json.h"
#include "progress.h"
#include "tsv.h"
#include "xmem.h"

#define IA_DEFAULT_BASE "https://archive.org"
#define PAGE_MIN 100
#define PAGE_MAX 10000
/* The clauses --has-abbyy and --has-ocr add: items with an ABBYY file, or
 * with any OCR abbyy-pictures reads (ABBYY, Tesseract chOCR or hOCR);
 * lending books (whose files are private) left out. */
#define NO_LENDING " AND -collection:inlibrary AND -access-restricted-item:true"
#define HAS_ABBYY " AND format:\"Abbyy GZ\"" NO_LENDING
#define HAS_OCR " AND format:(\"Abbyy GZ\" OR chOCR OR hOCR)" NO_LENDING

static const char usage_text[] =
    "usage: ia-search [-Hqv] [-f FIELD[,FIELD...]] [--count] [--has-abbyy | --has-ocr]\n"
    "                 [--max N] [--page-size N] [--base-url URL] [--retries N]\n"
    "                 [--retry-delay MS] [--timeout SECS] [--progress | --no-progress]\n"
    "                 QUERY ...\n";

enum { O_COUNT = CLI_LONG, O_ABBYY, O_OCR, O_MAX, O_PAGE };

static const struct cli_opt own_opts[] = {
	{ "count", O_COUNT, CLI_NOARG },
	{ "fields", 'f', CLI_ARG },
	{ "has-abbyy", O_ABBYY, CLI_NOARG },
	{ "has-ocr", O_OCR, CLI_NOARG },
	{ "max", O_MAX, CLI_ARG },
	{ "page-size", O_PAGE, CLI_ARG },
	{ NULL, 0, 0 }
};

static void help(void);

static const struct cli_spec spec = {
	usage_text, help, CLI_QUIET | CLI_VERBOSE | CLI_HEADER | CLI_NET | CLI_BASE | CLI_PROGRESS,
	own_opts,
	NULL, "PLATES_IA_BASE", IA_DEFAULT_BASE, "Internet Archive", 0, 0
};

static struct {
	struct cli cli;
	int count;
	int has_abbyy, has_ocr;
	long max;		/* 0: no limit */
	long page_size;
	/* -f: output columns, as indexes into names (which has no duplicates) */
	char **names;
	size_t nnames;
	size_t *cols;
	size_t ncols;
} opt;

/* One answer, parsed as it arrives.  Its rows are kept (escaped, one per
 * line) until it is complete and valid, then printed: a retried or broken
 * transfer never prints a row twice or a row of a bad page. */
struct page {
	struct json_body body;	/* first: the http callbacks' arg */
	struct ia_scrape *r;
	struct http *h;
	const char *url;
	struct buf rows;	/* finished rows, TSV, each ending in '\n' */
	unsigned long nrows;
	unsigned long long room;	/* --max: rows still wanted (0: no limit) */
	struct buf bad;		/* problems with single items, one a line */
	int http_failed;
};

static void
on_item(void *arg, const struct ia_scrape_item *it)
{
	struct page *p = arg;
	size_t i;

	if (p->room && p->nrows == p->room)
		return;		/* beyond --max */
	tsv_escape(&p->rows, it->id, it->idlen);
	for (i = 0; i < opt.ncols; i++) {
		buf_addc(&p->rows, '\t');
		tsv_escape(&p->rows, it->val[opt.cols[i]], it->len[opt.cols[i]]);
	}
	buf_addc(&p->rows, '\n');
	p->nrows++;
}

static void
on_bad(void *arg, unsigned long n, enum ia_scrape_bad why)
{
	struct page *p = arg;

	buf_printf(&p->bad, "item %lu of the page %s\n", n,
	    why == IA_SCRAPE_NO_ID ? "has no identifier" : "is not an object");
}

/* A retried transfer starts the page again; nothing of it was printed. */
static void
page_reset(void *arg)
{
	struct page *p = arg;

	ia_scrape_reset(p->r);
	p->body.failed = p->http_failed = 0;
	buf_reset(&p->rows);
	buf_reset(&p->bad);
	p->nrows = 0;
}

static void
page_init(struct page *p, int count)
{
	struct ia_scrape_config cfg = { (const char *const *)opt.names, opt.nnames, count,
		on_item, on_bad, p };
	struct http_opts ho = opt.cli.net;

	memset(p, 0, sizeof *p);
	p->r = ia_scrape_new(&cfg);
	p->body.js = ia_scrape_json(p->r);
	p->body.restart = page_reset;
	ho.max_total = 1;
	p->h = http_new(&ho);
	/* one request at a time: cursor paging is sequential anyway */
	http_host_limit(p->h, opt.cli.base, 1, 0, 1);
}

static void
page_free(struct page *p)
{
	http_free(p->h);
	ia_scrape_free(p->r);
	buf_free(&p->rows);
	buf_free(&p->bad);
}

static void
report_json_error(const struct page *p, const char *ctype)
{
	struct buf ct = BUF_INIT;

	if (ctype && *ctype && !strstr(ctype, "json") && !strstr(ctype, "javascript"))
		buf_printf(&ct, " (Content-Type %s)", ctype);
	diag_warn("%s: line %lu, byte %llu: %s%s", p->url, ia_scrape_error_line(p->r),
	    ia_scrape_error_offset(p->r), ia_scrape_error(p->r), buf_str(&ct));
	buf_free(&ct);
}

static void
page_done(void *arg, const struct http_result *r)
{
	struct page *p = arg;
	struct buf msg = BUF_INIT;

	if (r->outcome == HTTP_OK) {
		if (ia_scrape_finish(p->r) != 0) {
			report_json_error(p, r->content_type);
			p->body.failed = 1;
		}
	} else if (r->outcome == HTTP_ABORTED && p->body.failed) {
		report_json_error(p, r->content_type);
	} else {
		if (ia_scrape_error_body(r->body, r->body_len, &msg))
			diag_warn("%s: %s: server error: %s", p->url, r->error, buf_str(&msg));
		else
			diag_warn("%s: %s", p->url, r->error);
		p->http_failed = 1;
	}
	buf_free(&msg);
}

/* Fetch one answer into p. */
static void
fetch(struct page *p, const char *url)
{
	static const struct http_cb cb = { NULL, json_body_feed, json_body_restart, page_done };

	p->url = url;
	page_reset(p);
	http_get(p->h, url, &cb, p);
	http_drain(p->h);
}

/* A failed request, an error answer: reported; 1 if the page is unusable. */
static int
page_failed(const struct page *p, const struct ia_scrape_page *pg)
{
	if (!p->http_failed && !p->body.failed && !pg->have_error)
		return 0;
	if (pg->have_error && !p->http_failed && !p->body.failed)
		diag_warn("%s: server error: %s", p->url, pg->errorlen ? pg->error : "(no message)");
	diag_failed();
	return 1;
}

/* A finished page: its problems reported, its rows printed.  Returns
 * IA_SCRAPE_NEXT to ask for the next page (with s->cursor), or how the
 * search ended: IA_SCRAPE_DONE (also for --max and a failed page, which
 * was reported), IA_SCRAPE_EARLY_END, IA_SCRAPE_INCOMPLETE, IA_SCRAPE_MORE. */
static enum ia_scrape_verdict
take_page(struct ia_scrape_search *s, unsigned long long *printed, struct page *p)
{
	const struct ia_scrape_page *pg = ia_scrape_page(p->r);
	enum ia_scrape_verdict v;
	const char *line, *nl;

	if (page_failed(p, pg))
		return IA_SCRAPE_DONE;
	v = ia_scrape_take(s, pg);
	if (v == IA_SCRAPE_NOT_SCRAPE)
		diag_warn("%s: not a scrape response: no \"items\" list", p->url);
	else if (v == IA_SCRAPE_SAME_CURSOR)	/* it would loop for ever */
		diag_warn("%s: the server answered with the cursor it was given; stopped "
		    "after %llu items", p->url, s->received);
	if (v != IA_SCRAPE_OK) {
		diag_failed();
		return IA_SCRAPE_DONE;
	}
	for (line = buf_str(&p->bad); (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		diag_warn("%s: %.*s", p->url, (int)(nl - line), line);
	if (p->bad.len)
		diag_failed();
	/* a page without rows may have no buffer at all: NULL + 0 is undefined */
	if (p->rows.len)
		tsv_put_raw(p->rows.s, p->rows.len);
	tsv_flush();
	*printed += p->nrows;
	if (opt.max && *printed >= (unsigned long long)opt.max)
		return IA_SCRAPE_DONE;
	if (s->have_total)
		progress_show(1, "%llu of %llu items", s->received, s->total);
	else
		progress_show(1, "%llu items", s->received);
	return ia_scrape_next(s, pg);
}

/* advancedsearch.php's numFound for query: 1 and *n, or 0 (reported). */
static int
num_found(const char *query, unsigned long long *n)
{
	const struct ia_scrape_page *pg;
	struct page p;
	struct buf url = BUF_INIT;
	int ok = 0;

	page_init(&p, 1);
	ia_scrape_count_url(&url, opt.cli.base, query);
	fetch(&p, url.s);
	pg = ia_scrape_page(p.r);
	if (p.http_failed || p.body.failed || pg->have_error || !pg->have_count || !pg->count_ok) {
		diag_warn("%s: no count to compare with", p.url);
	} else {
		*n = pg->count_n;
		ok = 1;
	}
	page_free(&p);
	buf_free(&url);
	return ok;
}

/* The listing ended with another number of items than the first page
 * announced (early: after the scrape API's early end, asked again): compare
 * with advancedsearch.php's count, and report. */
static void
check_count(const char *query, const struct ia_scrape_search *s, int early)
{
	unsigned long long n;
	int have = num_found(query, &n);

	if (have && n != s->total)
		diag_warn("'%s': the scrape API announced %llu items, advancedsearch.php finds "
		    "%llu", query, s->total, n);
	if (s->received > s->total) {
		diag_note("received %llu items, more than the %llu the first page "
		    "announced (the index changed?)", s->received, s->total);
	} else if (have && n == s->received) {
		diag_note("'%s': all %llu items advancedsearch.php finds arrived", query, n);
	} else {
		diag_warn("'%s': incomplete listing: %llu of %llu items arrived%s", query,
		    s->received, s->total, early ? " (the scrape API ended it early, asked "
		    "again with and without count; try again later)" : "");
		diag_failed();
	}
}

static void
run_search(const char *query)
{
	struct ia_scrape_search s;
	struct page p;
	struct buf url = BUF_INIT;
	unsigned long long printed = 0;
	enum ia_scrape_verdict v;
	int again = 0;	/* asked again after an early end: 1 as before, 2 without count */

	page_init(&p, 0);
	memset(&s, 0, sizeof s);
	progress_show(1, "0 items");
	for (;;) {
		long count = opt.page_size;

		if (opt.max && (unsigned long long)opt.max - printed < (unsigned long long)count)
			count = opt.max - (long)printed < PAGE_MIN ? PAGE_MIN : opt.max - (long)printed;
		ia_scrape_url(&url, opt.cli.base, (const char *const *)opt.names, opt.nnames, query,
		    again == 2 ? 0 : count, s.have_cursor ? &s.cursor : NULL);
		p.room = opt.max ? (unsigned long long)opt.max - printed : 0;
		fetch(&p, url.s);
		v = take_page(&s, &printed, &p);
		if (v == IA_SCRAPE_EARLY_END && again < 2) {
			/* the scrape API's way of failing mid-listing (an empty
			 * page, no cursor, "total": null): the same page again,
			 * then once without count */
			again++;
			diag_note("'%s': the listing ended after %llu of %llu items; asking "
			    "again%s", query, s.received, s.total, again == 2 ? " without count" : "");
			continue;
		}
		if (v != IA_SCRAPE_NEXT)
			break;
		again = 0;
	}
	progress_clear();
	if (v == IA_SCRAPE_EARLY_END || v == IA_SCRAPE_INCOMPLETE || v == IA_SCRAPE_MORE)
		check_count(query, &s, v == IA_SCRAPE_EARLY_END);
	page_free(&p);
	buf_free(&url);
	ia_scrape_search_free(&s);
}

/* --count: the number of items the query finds. */
static void
run_count(const char *query)
{
	const struct ia_scrape_page *pg;
	struct page p;
	struct buf url = BUF_INIT;

	page_init(&p, 1);
	ia_scrape_count_url(&url, opt.cli.base, query);
	fetch(&p, url.s);
	pg = ia_scrape_page(p.r);
	if (page_failed(&p, pg)) {
		;
	} else if (!pg->have_count) {
		diag_warn("%s: no response.numFound in the answer", p.url);
		diag_failed();
	} else if (!pg->count_ok) {
		diag_warn("%s: response.numFound is not a count: %.*s", p.url,
		    (int)(pg->countlen > 40 ? 40 : pg->countlen), pg->count);
		diag_failed();
	} else {
		if (opt.cli.header) {
			tsv_puts("count");
			tsv_end();
		}
		tsv_put_raw(pg->count, pg->countlen);
		tsv_end();
	}
	page_free(&p);
	buf_free(&url);
}

static int
name_index(const char *key)
{
	size_t i;

	for (i = 0; i < opt.nnames; i++)
		if (strcmp(opt.names[i], key) == 0)
			return (int)i;
	return -1;
}

static void
add_fields(const char *arg)
{
	char **list;
	size_t k, j;
	int i;

	k = tsv_list(arg, &list);
	for (j = 0; j < k; j++) {
		if (!*list[j])
			cli_usage_error(&spec, "-f: empty field name in '%s'", arg);
		if (strspn(list[j], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_-.") != strlen(list[j]))
			cli_usage_error(&spec, "-f: not a field name: '%s'", list[j]);
		if ((i = name_index(list[j])) < 0) {
			opt.names = xreallocarray(opt.names, opt.nnames + 1, sizeof *opt.names);
			opt.names[opt.nnames] = xstrdup(list[j]);
			i = (int)opt.nnames++;
		}
		opt.cols = xreallocarray(opt.cols, opt.ncols + 1, sizeof *opt.cols);
		opt.cols[opt.ncols++] = (size_t)i;
	}
	tsv_list_free(list);
}

static void
on_option(void *arg, int key, const char *val)
{
	(void)arg;
	if (key == O_COUNT)
		opt.count = 1;
	else if (key == 'f')
		add_fields(val);
	else if (key == O_ABBYY)
		opt.has_abbyy = 1;
	else if (key == O_OCR)
		opt.has_ocr = 1;
	else if (key == O_MAX)
		opt.max = cli_long(&spec, "--max", val, 1, 1000000000000L);
	else if (key == O_PAGE)
		opt.page_size = cli_long(&spec, "--page-size", val, PAGE_MIN, PAGE_MAX);
}

static void
help(void)
{
	printf("\nEvery item of an Internet Archive search, one row per item: the\n"
	    "identifier, then the -f fields.  The QUERY words are joined with spaces\n"
	    "(Lucene syntax, as on archive.org/advancedsearch.php).  Pages come from\n"
	    "the scrape API, one request at a time, following its cursor.\n\n"
	    "      --base-url URL     Internet Archive base URL (default\n"
	    "                         $PLATES_IA_BASE, else " IA_DEFAULT_BASE ")\n"
	    "      --count            print only the number of matching items\n"
	    "  -f, --fields LIST      add these metadata fields as columns (lists\n"
	    "                         joined with ';')\n"
	    "      --has-abbyy        only items with an ABBYY OCR file, no lending\n"
	    "                         books\n"
	    "      --has-ocr          only items with any OCR abbyy-pictures reads\n"
	    "                         (ABBYY, Tesseract chOCR or hOCR), no lending books\n"
	    "  -H, --header           print a header row first\n"
	    "  -h, --help             this help\n"
	    "      --max N            stop after N items\n"
	    "      --no-progress      never show progress\n"
	    "      --page-size N      items per request, 100 to 10000 (default 10000)\n"
	    "      --progress         show progress on stderr (default: on a terminal)\n"
	    "  -q, --quiet            no informational messages\n"
	    "      --retries N        retries per request (default 5)\n"
	    "      --retry-delay MS   first retry delay (default 1000)\n"
	    "      --timeout SECS     give up on a request after SECS\n"
	    "  -v, --verbose          libcurl's own words after a transfer error\n"
	    "  -V, --version          version\n"
	    "\nSee ia-search(1) and plates(7).\n");
}

int
main(int argc, char **argv)
{
	struct buf query = BUF_INIT;
	size_t i;
	const char *has;
	int first, k, blank;

	diag_init(argv[0]);
	opt.page_size = PAGE_MAX;
	first = cli_parse(&spec, &opt.cli, argc, argv, on_option, NULL);
	/* check everything before asking anything */
	if (first == argc)
		cli_usage_error(&spec, "no QUERY");
	for (blank = 1, k = first; k < argc && blank; k++)
		blank = strspn(argv[k], " \t\r\n") == strlen(argv[k]);
	if (blank)
		cli_usage_error(&spec, "the QUERY is empty");
	if (opt.count && opt.ncols)
		cli_usage_error(&spec, "--count prints only a number: no -f");
	if (opt.count && opt.max)
		cli_usage_error(&spec, "--count and --max exclude each other");
	if (opt.has_abbyy && opt.has_ocr)
		cli_usage_error(&spec, "--has-abbyy and --has-ocr exclude each other");
	has = opt.has_abbyy ? HAS_ABBYY : opt.has_ocr ? HAS_OCR : NULL;
	progress_init(opt.cli.quiet || opt.count ? 0 : opt.cli.progress);
	if (has)
		buf_addc(&query, '(');
	for (k = first; k < argc; k++)
		buf_printf(&query, "%s%s", k > first ? " " : "", argv[k]);
	if (has) {
		buf_addc(&query, ')');
		buf_adds(&query, has);
	}

	if (opt.count) {
		run_count(buf_str(&query));
	} else {
		if (opt.cli.header) {
			tsv_puts("identifier");
			for (i = 0; i < opt.ncols; i++) {
				tsv_tab();
				tsv_puts(opt.names[opt.cols[i]]);
			}
			tsv_end();
			tsv_flush();
		}
		run_search(buf_str(&query));
	}
	buf_free(&query);
	for (i = 0; i < opt.nnames; i++)
		free(opt.names[i]);
	free(opt.names);
	free(opt.cols);
	cli_free(&opt.cli);
	return diag_finish();
}
