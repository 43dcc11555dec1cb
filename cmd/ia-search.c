/* ia-search: every identifier of an Internet Archive query, paged with the
 * scrape API (cursor paging), one row per item. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "http.h"
#include "json.h"
#include "progress.h"
#include "tsv.h"
#include "xmem.h"

#define IA_DEFAULT_BASE "https://archive.org"
#define PAGE_MIN 100
#define PAGE_MAX 10000
/* The clause --has-abbyy adds: items with an ABBYY file, lending books
 * (whose files are private) left out. */
#define HAS_ABBYY " AND format:\"Abbyy GZ\" AND -collection:inlibrary" \
    " AND -access-restricted-item:true"

static const char usage_text[] =
    "usage: ia-search [-Hq] [-f FIELD[,FIELD...]] [--count] [--has-abbyy] [--max N]\n"
    "                 [--page-size N] [--base-url URL] [--retries N] [--retry-delay MS]\n"
    "                 [--timeout SECS] [--progress | --no-progress] QUERY ...\n";

static struct {
	int header;
	int count;
	int has_abbyy;
	long max;		/* 0: no limit */
	long page_size;
	const char *base_opt;
	char *base;
	struct http_opts net;	/* --retries, --retry-delay, --timeout */
	int progress;		/* -1 automatic */
	/* -f: output columns, as indexes into names (which has no duplicates) */
	char **names;
	size_t nnames;
	size_t *cols;
	size_t ncols;
} opt;

/* One scrape page, parsed as it arrives.  Its rows are kept (escaped, one
 * per line) until the page is complete and valid, then printed: a retried
 * or broken transfer never prints a row twice or a row of a bad page. */
struct page {
	struct json_stream *js;
	const char *url;
	struct buf rows;	/* finished rows, TSV, each ending in '\n' */
	unsigned long nrows;
	unsigned long nitems;	/* items in the list, with or without id */
	/* the item being read */
	struct buf id;
	int have_id;
	struct buf *vals;	/* per name, escaped */
	int field;		/* name index of the array being read, or -1 */
	int nvals;		/* elements of that array so far */
	int in_items;
	int have_items;
	/* the other members */
	struct buf cursor;
	int have_cursor;
	unsigned long long total;
	int have_total;
	int have_error;
	struct buf error;
	/* problems with single items, reported when the page is complete (a
	 * retried transfer would repeat them): one message a line */
	struct buf bad;
	unsigned long nbad;
	/* outcome */
	int json_failed;
	int http_failed;
};

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
item_start(struct page *p)
{
	size_t i;

	buf_reset(&p->id);
	p->have_id = 0;
	for (i = 0; i < opt.nnames; i++)
		buf_reset(&p->vals[i]);
	p->field = -1;
}

static void
item_end(struct page *p)
{
	size_t i;

	p->nitems++;
	if (!p->have_id || p->id.len == 0) {
		buf_printf(&p->bad, "item %lu of the page has no identifier\n", p->nitems);
		p->nbad++;
		return;
	}
	tsv_escape(&p->rows, p->id.s, p->id.len);
	for (i = 0; i < opt.ncols; i++) {
		const struct buf *v = &p->vals[opt.cols[i]];
		buf_addc(&p->rows, '\t');
		buf_add(&p->rows, v->s, v->len);
	}
	buf_addc(&p->rows, '\n');
	p->nrows++;
}

/* A scalar's text as printed: numbers as given, null empty. */
static void
scalar_text(const struct json_event *ev, const char **s, size_t *len)
{
	if (ev->type == JSON_NULL) {
		*s = "";
		*len = 0;
	} else {
		*s = ev->val;
		*len = ev->len;
	}
}

static int
is_scalar(enum json_type t)
{
	return t == JSON_STRING || t == JSON_NUMBER || t == JSON_BOOL || t == JSON_NULL;
}

/* Members of one item (depth 3) and the elements of its arrays (depth 4). */
static void
on_item_value(struct page *p, const struct json_event *ev)
{
	const char *s;
	size_t len;
	int f;

	if (ev->depth == 3 && ev->key) {
		if (ev->type == JSON_ARRAY_START) {
			p->field = name_index(ev->key);
			p->nvals = 0;
			if (p->field >= 0)
				buf_reset(&p->vals[p->field]);
			return;
		}
		if (ev->type == JSON_ARRAY_END) {
			p->field = -1;
			return;
		}
		if (!is_scalar(ev->type))
			return;
		scalar_text(ev, &s, &len);
		if (strcmp(ev->key, "identifier") == 0) {
			buf_reset(&p->id);
			buf_add(&p->id, s, len);
			p->have_id = 1;
		}
		if ((f = name_index(ev->key)) >= 0) {
			buf_reset(&p->vals[f]);
			tsv_escape(&p->vals[f], s, len);
		}
		return;
	}
	if (ev->depth == 4 && p->field >= 0 && is_scalar(ev->type)) {
		/* a multi-valued field: the values joined with ';' */
		scalar_text(ev, &s, &len);
		if (p->nvals++)
			buf_addc(&p->vals[p->field], ';');
		tsv_escape(&p->vals[p->field], s, len);
	}
}

/* The message under "error": the value itself when it is a string, else
 * the first string inside it ({"error":{"code":400,"msg":"..."}}), else the
 * first number. *have: 1 error seen, 2 with a string message. */
static void
on_error_value(struct buf *msg, int *have, const struct json_event *ev)
{
	if (!*have)
		*have = 1;
	if (*have < 2 && ev->type == JSON_STRING) {
		buf_reset(msg);
		buf_add(msg, ev->val, ev->len);
		*have = 2;
	} else if (msg->len == 0 && (ev->type == JSON_NUMBER || ev->type == JSON_BOOL)) {
		buf_add(msg, ev->val, ev->len);
	}
}

static int
is_error_path(const struct json_event *ev)
{
	return strncmp(ev->path, "error", 5) == 0 && (ev->path[5] == '\0' ||
	    ev->path[5] == '.' || ev->path[5] == '[');
}

/* A JSON number that is a count: digits only, and it fits. */
static int
whole_number(const char *s, size_t len, unsigned long long *out)
{
	unsigned long long n = 0;
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || n > (ULLONG_MAX - (unsigned)(s[i] - '0')) / 10)
			return 0;
		n = n * 10 + (unsigned)(s[i] - '0');
	}
	*out = n;
	return 1;
}

static int
on_json(void *arg, const struct json_event *ev)
{
	struct page *p = arg;

	if (p->in_items) {
		if (ev->depth == 1) {		/* the end of "items" */
			p->in_items = 0;
			return 0;
		}
		if (ev->depth == 2) {
			if (ev->type == JSON_MAP_START) {
				item_start(p);
			} else if (ev->type == JSON_MAP_END) {
				item_end(p);
			} else if (ev->type != JSON_ARRAY_END && ev->type != JSON_MAP_END) {
				if (ev->type == JSON_ARRAY_START)
					p->field = -2;	/* skip it */
				p->nitems++;
				buf_printf(&p->bad, "item %lu of the page is not an object\n",
				    p->nitems);
				p->nbad++;
			}
			return 0;
		}
		if (p->field != -2)
			on_item_value(p, ev);
		return 0;
	}
	if (ev->depth == 0) {
		if (ev->type != JSON_MAP_START && ev->type != JSON_MAP_END)
			p->have_items = 0;	/* not an object: reported at the end */
		return 0;
	}
	if (is_error_path(ev)) {
		on_error_value(&p->error, &p->have_error, ev);
		return 0;
	}
	if (ev->depth != 1 || !ev->key)
		return 0;
	if (strcmp(ev->key, "items") == 0 && ev->type == JSON_ARRAY_START) {
		p->in_items = 1;
		p->have_items = 1;
	} else if (strcmp(ev->key, "cursor") == 0 && ev->type == JSON_STRING) {
		buf_reset(&p->cursor);
		buf_add(&p->cursor, ev->val, ev->len);
		p->have_cursor = 1;
	} else if (strcmp(ev->key, "total") == 0 && ev->type == JSON_NUMBER) {
		p->have_total = whole_number(ev->val, ev->len, &p->total);
	}
	return 0;
}

static void
page_init(struct page *p)
{
	memset(p, 0, sizeof *p);
	p->js = json_new(on_json, p);
	p->vals = xcalloc(opt.nnames ? opt.nnames : 1, sizeof *p->vals);
}

static void
page_free(struct page *p)
{
	size_t i;

	json_free(p->js);
	for (i = 0; i < opt.nnames; i++)
		buf_free(&p->vals[i]);
	free(p->vals);
	buf_free(&p->rows);
	buf_free(&p->id);
	buf_free(&p->cursor);
	buf_free(&p->error);
	buf_free(&p->bad);
}

static void
page_reset(struct page *p)
{
	json_reset(p->js);
	buf_reset(&p->rows);
	p->nrows = p->nitems = 0;
	p->field = -1;
	p->in_items = p->have_items = 0;
	buf_reset(&p->cursor);
	p->have_cursor = 0;
	p->total = 0;
	p->have_total = 0;
	p->have_error = 0;
	buf_reset(&p->error);
	buf_reset(&p->bad);
	p->nbad = 0;
	p->json_failed = p->http_failed = 0;
}

static int
page_body(void *arg, const char *s, size_t n)
{
	struct page *p = arg;

	if (json_feed(p->js, s, n) != 0) {
		p->json_failed = 1;
		return 1;
	}
	return 0;
}

/* A retried transfer starts the page again; nothing of it was printed. */
static void
page_restart(void *arg)
{
	page_reset(arg);
}

static void
report_json_error(const char *url, struct json_stream *js, const char *ctype)
{
	if (ctype && *ctype && !strstr(ctype, "json") && !strstr(ctype, "javascript"))
		diag_warn("%s: line %lu, byte %llu: %s (Content-Type %s)", url, json_error_line(js),
		    json_error_offset(js), json_error(js), ctype);
	else
		diag_warn("%s: line %lu, byte %llu: %s", url, json_error_line(js),
		    json_error_offset(js), json_error(js));
}

/* The "error" message of a JSON error body, if it has one. */
struct errscan {
	struct buf msg;
	int have;
};

static int
on_error_json(void *arg, const struct json_event *ev)
{
	struct errscan *e = arg;

	if (ev->depth >= 1 && is_error_path(ev))
		on_error_value(&e->msg, &e->have, ev);
	return 0;
}

static void
report_http_error(const char *url, const struct http_result *r)
{
	struct errscan e;
	struct json_stream *js;

	memset(&e, 0, sizeof e);
	if (r->body_len) {
		js = json_new(on_error_json, &e);
		if (json_feed(js, r->body, r->body_len) != 0 || json_finish(js) != 0)
			e.have = 0;
		json_free(js);
	}
	if (e.have && e.msg.len)
		diag_warn("%s: %s: server error: %s", url, r->error, buf_str(&e.msg));
	else
		diag_warn("%s: %s", url, r->error);
	buf_free(&e.msg);
}

static void
page_done(void *arg, const struct http_result *r)
{
	struct page *p = arg;

	if (r->outcome == HTTP_OK) {
		if (json_finish(p->js) != 0) {
			report_json_error(p->url, p->js, r->content_type);
			p->json_failed = 1;
		}
		return;
	}
	if (r->outcome == HTTP_ABORTED && p->json_failed) {
		report_json_error(p->url, p->js, r->content_type);
		return;
	}
	report_http_error(p->url, r);
	p->http_failed = 1;
}

static void
build_query(struct buf *q, char **words, int n)
{
	int i;

	if (opt.has_abbyy)
		buf_addc(q, '(');
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(q, ' ');
		buf_adds(q, words[i]);
	}
	if (opt.has_abbyy) {
		buf_addc(q, ')');
		buf_adds(q, HAS_ABBYY);
	}
}

static struct http *
new_http(void)
{
	struct http_opts ho;
	struct http *h;

	memset(&ho, 0, sizeof ho);
	ho.retries = opt.net.retries;
	ho.retry_delay_ms = opt.net.retry_delay_ms;
	ho.timeout_ms = opt.net.timeout_ms;
	ho.max_total = 1;
	h = http_new(&ho);
	/* one request at a time: cursor paging is sequential anyway */
	http_host_limit(h, opt.base, 1, 0, 1);
	return h;
}

static void
print_header(void)
{
	size_t i;

	tsv_puts("identifier");
	for (i = 0; i < opt.ncols; i++) {
		tsv_tab();
		tsv_puts(opt.names[opt.cols[i]]);
	}
	tsv_end();
	tsv_flush();
}

/* Print the first n rows of the page. */
static void
print_rows(const struct page *p, unsigned long n)
{
	const char *s = p->rows.s, *end, *nl;
	unsigned long k;

	/* a page without rows may have no buffer at all: NULL + 0 is undefined */
	if (n == 0 || p->rows.len == 0) {
		tsv_flush();
		return;
	}
	end = s + p->rows.len;
	if (n < p->nrows) {
		for (k = 0, nl = s; k < n; k++, nl++)
			nl = memchr(nl, '\n', (size_t)(end - nl));
		end = nl;
	}
	tsv_put_raw(s, (size_t)(end - s));
	tsv_flush();
}

/* How far the search has come, over all its pages. */
struct search {
	unsigned long long received;	/* items in the pages so far */
	unsigned long long printed;	/* rows printed */
	unsigned long long total;	/* as the first page announced */
	int have_total;
	unsigned long pages;		/* pages taken */
	struct buf cursor;		/* to ask for the next page with */
	int have_cursor;
};

/* A finished page: its problems reported, its rows printed.  Returns 1 to
 * ask for the next page (with s->cursor), 0 when the search is over, done
 * or failed. */
static int
page_take(struct search *s, const struct page *p)
{
	if (p->http_failed || p->json_failed) {
		diag_failed();
		return 0;
	}
	if (p->have_error) {
		diag_warn("%s: server error: %s", p->url,
		    p->error.len ? buf_str(&p->error) : "(no message)");
		diag_failed();
		return 0;
	}
	if (!p->have_items) {
		diag_warn("%s: not a scrape response: no \"items\" list", p->url);
		diag_failed();
		return 0;
	}
	if (p->have_cursor && s->have_cursor && s->cursor.len == p->cursor.len &&
	    memcmp(s->cursor.s, p->cursor.s, s->cursor.len) == 0) {
		/* it would loop for ever, repeating this page */
		diag_warn("%s: the server answered with the cursor it was given; stopped "
		    "after %llu items", p->url, s->received);
		diag_failed();
		return 0;
	}
	if (p->nbad) {
		const char *line = p->bad.s, *nl;
		for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
			diag_warn("%s: %.*s", p->url, (int)(nl - line), line);
		diag_failed();
	}
	if (s->pages++ == 0 && p->have_total) {
		s->total = p->total;
		s->have_total = 1;
	}
	s->received += p->nitems;
	if (opt.max && s->printed + p->nrows >= (unsigned long long)opt.max) {
		print_rows(p, (unsigned long)((unsigned long long)opt.max - s->printed));
		s->printed = (unsigned long long)opt.max;
		return 0;
	}
	print_rows(p, p->nrows);
	s->printed += p->nrows;
	if (s->have_total)
		progress_show(1, "%llu of %llu items", s->received, s->total);
	else
		progress_show(1, "%llu items", s->received);
	if (!p->have_cursor) {
		/* the last page */
		if (s->have_total && s->received < s->total) {
			diag_warn("incomplete: received %llu of %llu items", s->received,
			    s->total);
			diag_failed();
		} else if (s->have_total && s->received > s->total) {
			diag_note("received %llu items, more than the %llu the first page "
			    "announced (the index changed?)", s->received, s->total);
		}
		return 0;
	}
	buf_reset(&s->cursor);
	buf_add(&s->cursor, p->cursor.s, p->cursor.len);
	s->have_cursor = 1;
	return 1;
}

static void
run_search(const char *query)
{
	static const struct http_cb cb = { NULL, page_body, page_restart, page_done };
	struct http *h = new_http();
	struct page p;
	struct search s;
	struct buf url = BUF_INIT, fields = BUF_INIT;
	size_t i;

	page_init(&p);
	memset(&s, 0, sizeof s);
	buf_adds(&fields, "identifier");
	for (i = 0; i < opt.nnames; i++) {
		if (strcmp(opt.names[i], "identifier") == 0)
			continue;
		buf_addc(&fields, ',');
		buf_adds(&fields, opt.names[i]);
	}
	progress_show(1, "0 items");
	do {
		long count = opt.page_size;

		if (opt.max) {
			unsigned long long left = (unsigned long long)opt.max - s.printed;
			if (left < (unsigned long long)count)
				count = left < PAGE_MIN ? PAGE_MIN : (long)left;
		}
		buf_reset(&url);
		buf_adds(&url, opt.base);
		buf_adds(&url, "/services/search/v1/scrape?fields=");
		http_escape(&url, fields.s, fields.len);
		buf_adds(&url, "&q=");
		http_escape(&url, query, strlen(query));
		buf_printf(&url, "&count=%ld", count);
		if (s.have_cursor) {
			buf_adds(&url, "&cursor=");
			http_escape(&url, s.cursor.s, s.cursor.len);
		}
		p.url = url.s;
		page_reset(&p);
		http_get(h, url.s, &cb, &p);
		http_drain(h);
	} while (page_take(&s, &p));
	progress_clear();
	http_free(h);
	page_free(&p);
	buf_free(&url);
	buf_free(&fields);
	buf_free(&s.cursor);
}

/* --count: advancedsearch.php with rows=0 gives numFound (scrape's
 * total_only is broken: it says 1 for every query). */
struct counter {
	struct json_stream *js;
	const char *url;
	struct buf num;
	int have_num;
	int have_error;
	struct buf error;
	int json_failed;
	int http_failed;
};

static int
on_count_json(void *arg, const struct json_event *ev)
{
	struct counter *c = arg;

	if (ev->depth >= 1 && is_error_path(ev))
		on_error_value(&c->error, &c->have_error, ev);
	else if (ev->depth == 2 && ev->type == JSON_NUMBER &&
	    json_path_is(ev, "response.numFound")) {
		buf_reset(&c->num);
		buf_add(&c->num, ev->val, ev->len);
		c->have_num = 1;
	}
	return 0;
}

static int
count_body(void *arg, const char *s, size_t n)
{
	struct counter *c = arg;

	if (json_feed(c->js, s, n) != 0) {
		c->json_failed = 1;
		return 1;
	}
	return 0;
}

static void
count_restart(void *arg)
{
	struct counter *c = arg;

	json_reset(c->js);
	buf_reset(&c->num);
	c->have_num = c->have_error = 0;
	buf_reset(&c->error);
}

static void
count_done(void *arg, const struct http_result *r)
{
	struct counter *c = arg;

	if (r->outcome == HTTP_OK) {
		if (json_finish(c->js) != 0) {
			report_json_error(c->url, c->js, r->content_type);
			c->json_failed = 1;
		}
		return;
	}
	if (r->outcome == HTTP_ABORTED && c->json_failed) {
		report_json_error(c->url, c->js, r->content_type);
		return;
	}
	report_http_error(c->url, r);
	c->http_failed = 1;
}

/* The count, or why there is none. */
static void
count_take(const struct counter *c)
{
	unsigned long long n;

	if (c->http_failed || c->json_failed) {
		diag_failed();
	} else if (c->have_error) {
		diag_warn("%s: server error: %s", c->url,
		    c->error.len ? buf_str(&c->error) : "(no message)");
		diag_failed();
	} else if (!c->have_num) {
		diag_warn("%s: no response.numFound in the answer", c->url);
		diag_failed();
	} else if (!whole_number(c->num.s, c->num.len, &n)) {
		diag_warn("%s: response.numFound is not a count: %.*s", c->url,
		    (int)(c->num.len > 40 ? 40 : c->num.len), c->num.s);
		diag_failed();
	} else {
		if (opt.header) {
			tsv_puts("count");
			tsv_end();
		}
		tsv_put(c->num.s, c->num.len);
		tsv_end();
	}
}

static void
run_count(const char *query)
{
	static const struct http_cb cb = { NULL, count_body, count_restart, count_done };
	struct http *h = new_http();
	struct counter c;
	struct buf url = BUF_INIT;

	memset(&c, 0, sizeof c);
	c.js = json_new(on_count_json, &c);
	buf_adds(&url, opt.base);
	buf_adds(&url, "/advancedsearch.php?q=");
	http_escape(&url, query, strlen(query));
	buf_adds(&url, "&rows=0&output=json");
	c.url = url.s;
	http_get(h, url.s, &cb, &c);
	http_drain(h);
	count_take(&c);
	http_free(h);
	json_free(c.js);
	buf_free(&c.num);
	buf_free(&c.error);
	buf_free(&url);
}

/* ---- options ---- */

static void
add_fields(const char *arg)
{
	char **list;
	size_t k, j;
	const char *s;
	int i;

	k = tsv_list(arg, &list);
	for (j = 0; j < k; j++) {
		if (!*list[j])
			diag_usage_error(usage_text, "-f: empty field name in '%s'", arg);
		for (s = list[j]; *s; s++)
			if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
				diag_usage_error(usage_text, "-f: not a field name: '%s'", list[j]);
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
usage(void)
{
	printf("%s", usage_text);
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
	    "  -V, --version          version\n"
	    "\nSee ia-search(1) and plates(7).\n");
	exit(diag_finish());
}

int
main(int argc, char **argv)
{
	enum { O_BASE = 256, O_COUNT, O_ABBYY, O_MAX, O_NOPROGRESS, O_PAGE, O_PROGRESS,
		O_NET };
	static const struct option longopts[] = {
		{ "base-url", required_argument, NULL, O_BASE },
		{ "count", no_argument, NULL, O_COUNT },
		{ "fields", required_argument, NULL, 'f' },
		{ "has-abbyy", no_argument, NULL, O_ABBYY },
		{ "header", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "max", required_argument, NULL, O_MAX },
		{ "no-progress", no_argument, NULL, O_NOPROGRESS },
		{ "page-size", required_argument, NULL, O_PAGE },
		{ "progress", no_argument, NULL, O_PROGRESS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "retries", required_argument, NULL, O_NET },
		{ "retry-delay", required_argument, NULL, O_NET },
		{ "timeout", required_argument, NULL, O_NET },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf query = BUF_INIT;
	size_t i;
	int c, li = 0, quiet = 0, blank;

	diag_init(argv[0]);
	opt.page_size = PAGE_MAX;
	opt.net.retries = 5;
	opt.net.retry_delay_ms = 1000;
	opt.progress = -1;
	while ((c = getopt_long(argc, argv, ":f:HhqV", longopts, &li)) != -1) {
		switch (c) {
		case O_BASE:
			opt.base_opt = optarg;
			break;
		case O_COUNT:
			opt.count = 1;
			break;
		case 'f':
			add_fields(optarg);
			break;
		case O_ABBYY:
			opt.has_abbyy = 1;
			break;
		case 'H':
			opt.header = 1;
			break;
		case 'h':
			usage();
			break;
		case O_MAX:
			opt.max = diag_parse_long(usage_text, "--max", optarg, 1, 1000000000000L);
			break;
		case O_NOPROGRESS:
			opt.progress = 0;
			break;
		case O_PAGE:
			opt.page_size = diag_parse_long(usage_text, "--page-size", optarg, PAGE_MIN,
			    PAGE_MAX);
			break;
		case O_PROGRESS:
			opt.progress = 1;
			break;
		case 'q':
			quiet = 1;
			diag_set_quiet(1);
			break;
		case O_NET:
			http_option(&opt.net, usage_text, longopts[li].name, optarg);
			break;
		case 'V':
			diag_version();
			break;
		default:
			diag_getopt_error(usage_text, c, argv);
		}
	}
	/* check everything before asking anything */
	if (optind == argc)
		diag_usage_error(usage_text, "no QUERY");
	for (blank = 1, c = optind; c < argc && blank; c++)
		blank = strspn(argv[c], " \t\r\n") == strlen(argv[c]);
	if (blank)
		diag_usage_error(usage_text, "the QUERY is empty");
	if (opt.count && opt.ncols)
		diag_usage_error(usage_text, "--count prints only a number: no -f");
	if (opt.count && opt.max)
		diag_usage_error(usage_text, "--count and --max exclude each other");
	opt.base = http_base(opt.base_opt, "PLATES_IA_BASE", IA_DEFAULT_BASE);
	if (strncmp(opt.base, "http://", 7) != 0 && strncmp(opt.base, "https://", 8) != 0)
		diag_usage_error(usage_text, "%s: the Internet Archive base URL must start with "
		    "http:// or https://, got '%s'", opt.base_opt ? "--base-url" : "PLATES_IA_BASE",
		    opt.base);
	progress_init(quiet || opt.count ? 0 : opt.progress);
	build_query(&query, argv + optind, argc - optind);

	if (opt.count) {
		run_count(buf_str(&query));
	} else {
		if (opt.header)
			print_header();
		run_search(buf_str(&query));
	}

	buf_free(&query);
	for (i = 0; i < opt.nnames; i++)
		free(opt.names[i]);
	free(opt.names);
	free(opt.cols);
	free(opt.base);
	return diag_finish();
}
