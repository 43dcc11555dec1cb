/* abbyy-pictures: OCR (ABBYY FineReader XML or hOCR; files, gzip, stdin,
 * URLs or Internet Archive identifiers) to the pages with pictures and
 * their boxes, streamed in constant memory.
 *
 * Local files are inflated on one thread while the other scans them
 * (common/readers/ocr.h tells the format and runs its reader); --ia items
 * are fetched with their metadata first (ia_item.h), then each book's
 * page numbers (ia_pagenums.h) and OCR.  This file holds the options, the
 * wiring and the rows. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "diag.h"
#include "failfile.h"
#include "http.h"
#include "ia_item.h"
#include "ia_pagenums.h"
#include "ids.h"
#include "iiif.h"
#include "io.h"
#include "ocr.h"
#include "readahead.h"
#include "gunzip.h"
#include "tsv.h"
#include "urltmpl.h"
#include "xmem.h"
#include "xml.h"

static const char usage_text[] =
    "usage: abbyy-pictures [-Hqv] [-f FIELD[,FIELD]] [-j N] [--blocks] [--crop]\n"
    "           [--caption-gap PCT] [--context N]\n"
    "           [--failed FILE] [--full-parse] [--id ID] [--ia] [--line-buffered]\n"
    "           [--page-numbers FILE] [--width W | --url-template T]\n"
    "           [--min-area PCT] [--cover-leaves N] [--keep-card]\n"
    "           [--keep-covers] [--keep-nested] [--keep-text] [--no-filter]\n"
    "           [--retries N] [--retry-delay MS] [--timeout SECS] [FILE | URL ...]\n";

#define IIIF_DEFAULT	"https://iiif.archive.org"
#define IA_DEFAULT	"https://archive.org"
#define TEMPLATE_TAIL	"/iiif/{id}${page}/{region}/full/0/default.jpg"
/* the IIIF size and what follows it, "full" or --width's "W," */
#define TAIL_AFTER_SIZE	"/0/default.jpg"
#define CONTEXT_DEFAULT	30	/* --context: words each side */
#define JOIN		" | "	/* between the captions of a page row */

enum { F_OCR, F_DPI, F_CAPTION, F_CONTEXT, F_MAX = 8 };

static struct {
	int blocks;
	int crop;
	int ia;
	const char *id;
	long jobs;
	int line_buffered;
	int verbose;
	const char *page_numbers;
	int fields[F_MAX];	/* -f: F_* in order */
	int nfields;
	int context;		/* -f context */
	struct ocr_config scan;
	struct cli cli;		/* -q, -H, --retries, --retry-delay, --timeout */
	const char *url_template;
	struct urltmpl *tmpl;
	char *iiif;		/* the IIIF server (without --url-template) */
	long width;		/* --width: page images W pixels wide (0: full size) */
	char size[24];		/* the IIIF size: "full", or "W," */
	const char *failed_path;	/* --failed FILE */
	struct failfile *failed;
} opt = { .jobs = 2, .scan = { .min_area = -1, .cover_leaves = 5,
	.caption_gap = OCR_CAPTION_GAP, .context_words = CONTEXT_DEFAULT } };

static const char *const tmpl_names[] = { "id", "page", "region", NULL };
static const struct cli_spec spec;
static char *ia_base;

/* The Internet Archive's base URL, checked when first needed. */
static const char *
ia_base_url(void)
{
	if (!ia_base)
		ia_base = cli_base_url(&spec, NULL, "PLATES_IA_BASE", IA_DEFAULT,
		    "Internet Archive");
	return ia_base;
}

/* Messages of one input, "E message\n" (an error) or "N message\n" (a
 * note), printed after its rows. */
static void
msg_add(struct buf *msgs, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
msg_add(struct buf *msgs, int error, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (i = 0; msg[i]; i++)
		if (msg[i] == '\n')
			msg[i] = ' ';
	buf_addc(msgs, error ? 'E' : 'N');
	buf_adds(msgs, msg);
	buf_addc(msgs, '\n');
}

/* Print msgs; returns the number of errors among them. */
static int
msg_print(struct buf *msgs)
{
	const char *p = msgs->s, *nl;
	int errors = 0;

	while (p && *p && (nl = strchr(p, '\n')) != NULL) {
		if (*p == 'E') {
			diag_warn("%.*s", (int)(nl - p - 1), p + 1);
			diag_failed();
			errors++;
		} else {
			diag_note("%.*s", (int)(nl - p - 1), p + 1);
		}
		p = nl + 1;
	}
	buf_reset(msgs);
	return errors;
}

/* ---- rows ---- */

/* Where the rows of one scan go, and how its pages are named. */
struct sink {
	struct buf tid;		/* the id, TSV-escaped */
	struct buf uid;		/* the id, percent-encoded for URLs */
	struct buf *out;	/* rows go here */
	int direct;		/* write rows to stdout as each page is done */
	struct buf *msgs;	/* messages go here */
	const char *name;	/* the OCR's name in messages */
	struct ocr_scan *scan;	/* the scan feeding it: format, system */
	const struct ia_pagenums *pn;	/* hOCR leaves; NULL: unknown */
	const char *pn_name;	/* where they came from */
	const char *book;	/* an item with several books: this one's prefix */
	const char *jp2;	/* and its image stack */
	const char *path, *id;	/* a local file: where to look for page numbers */
	int looked;		/* ... done */
	struct ia_pagenums own_pn;	/* those found there */
	struct buf own_pn_name;
	int said_leaves, said_crop, said_book;
	struct buf line;	/* scratch for one row */
	struct buf page;	/* the page column */
	struct buf region;	/* scratch for one region */
	struct buf url;		/* scratch for one URL */
	struct buf caption;	/* a page row's caption */
	const struct ocr_block *first, *last;	/* a page row's context */
};

static void
sink_init(struct sink *k, const char *id, struct buf *out, int direct, struct buf *msgs)
{
	memset(k, 0, sizeof *k);
	tsv_escape(&k->tid, id, strlen(id));
	buf_add(&k->tid, "", 0);
	http_escape(&k->uid, id, strlen(id));
	buf_add(&k->uid, "", 0);
	k->out = out;
	k->direct = direct;
	k->msgs = msgs;
	ia_pagenums_init(&k->own_pn);
}

static void
sink_free(struct sink *k)
{
	buf_free(&k->tid);
	buf_free(&k->uid);
	buf_free(&k->line);
	buf_free(&k->page);
	buf_free(&k->region);
	buf_free(&k->url);
	buf_free(&k->caption);
	buf_free(&k->own_pn_name);
	ia_pagenums_free(&k->own_pn);
}

/* Write whole rows, in pieces of at most PIPE_BUF bytes that are each one
 * write(2): the rows of processes sharing a pipe (xargs -P) never mix.
 * Unless all is set, a last piece shorter than PIPE_BUF is kept back;
 * returns the bytes written. */
static size_t
put_rows(const char *p, size_t n, int all)
{
	size_t done = 0;

	while (n > 0 && (all || n > PIPE_BUF)) {
		size_t k = n;
		if (k > PIPE_BUF) {
			for (k = PIPE_BUF; k > 0 && p[k - 1] != '\n'; k--)
				;
			if (k == 0)
				k = PIPE_BUF;	/* one row longer than that */
		}
		tsv_put_raw(p, k);
		tsv_flush();
		p += k;
		n -= k;
		done += k;
	}
	return done;
}

/* The IIIF region x,y,w,h of a box, or "full". */
static const char *
region_of(struct sink *k, int has_box, long l, long t, long r, long b)
{
	if (!opt.crop || !has_box)
		return "full";
	if (l < 0)
		l = 0;
	if (t < 0)
		t = 0;
	if (r <= l || b <= t)
		return "full";
	buf_reset(&k->region);
	buf_printf(&k->region, "%ld,%ld,%ld,%ld", l, t, r - l, b - t);
	return buf_str(&k->region);
}

static void
put_dim(struct buf *b, long v)
{
	buf_addc(b, '\t');
	if (v >= 0)
		buf_printf(b, "%ld", v);
}

/* The page numbers of a local hOCR file: --page-numbers, else
 * ID_page_numbers.json beside it.  0 found (own_pn filled), -1 none or
 * broken (said). */
static int
local_pagenums(struct sink *k)
{
	struct buf err = BUF_INIT, *name = &k->own_pn_name;
	const char *slash, *path = k->path;
	int r;

	buf_reset(name);
	if (opt.page_numbers) {
		buf_adds(name, opt.page_numbers);
	} else {
		if (!path || strcmp(path, "-") == 0)
			return -1;
		slash = strrchr(path, '/');
		if (slash)
			buf_add(name, path, (size_t)(slash - path + 1));
		buf_printf(name, "%s_page_numbers.json", k->id);
		if (access(buf_str(name), F_OK) != 0)
			return -1;
	}
	r = ia_pagenums_read_file(&k->own_pn, buf_str(name), &err);
	if (r != 0)
		msg_add(k->msgs, 1, "%s", buf_str(&err));
	buf_free(&err);
	return r == 0 ? 0 : -1;
}

/* An hOCR file's first page: find its page numbers. */
static void
local_leaves(struct sink *k)
{
	k->looked = 1;
	if (local_pagenums(k) == 0) {
		k->pn = &k->own_pn;
		k->pn_name = buf_str(&k->own_pn_name);
	}
}

/* The leaf of page p, or -1 when it is not known: then its access index
 * names it.  An hOCR page's leaf comes from the page numbers, else from
 * the page's own image name (IA's hOCR: "..._0012.jp2"). */
static long
leaf_of(struct sink *k, const struct ocr_page *p)
{
	long leaf = -1;

	if (ocr_scan_format(k->scan) != OCR_FORMAT_HOCR)
		return p->index;
	if (!k->looked && (k->path || opt.page_numbers))
		local_leaves(k);
	if (k->pn && (leaf = ia_pagenums_leaf(k->pn, (size_t)p->index)) >= 0)
		return leaf;
	if (p->leaf >= 0)
		return p->leaf;
	if (k->pn && !k->said_leaves) {
		k->said_leaves = 1;
		msg_add(k->msgs, 1, "%s: lists %zu page%s, fewer than the OCR: from access page "
		    "n%zu on, the rows name access pages, not leaves", k->pn_name, k->pn->n,
		    k->pn->n == 1 ? "" : "s", k->pn->n);
	} else if (!k->said_leaves && !k->book) {
		k->said_leaves = 1;
		msg_add(k->msgs, 0, "%s: leaves unknown (no page numbers%s, no leaf in the page's "
		    "image name): pages are named by access index (n0, n1, ...)", k->name,
		    k->path ? " beside it or --page-numbers" : "");
	}
	return -1;
}

/* The row's library, id, page and url. */
static void
row_start(struct sink *k, const struct ocr_page *p, long leaf, int has_box, long l, long t,
    long r, long b)
{
	struct buf *line = &k->line;
	const char *region = leaf >= 0 ? region_of(k, has_box, l, t, r, b) : "full";
	const char *vals[3];

	buf_reset(&k->page);
	if (k->book)
		buf_printf(&k->page, "%s_", k->book);
	if (leaf >= 0)
		buf_printf(&k->page, "%ld", leaf);
	else
		buf_printf(&k->page, "n%ld", p->index);
	if (leaf < 0 && opt.crop && has_box && !k->said_crop) {
		k->said_crop = 1;
		msg_add(k->msgs, 0, "%s: leaves unknown, so whole pages, not crops", k->name);
	}
	buf_reset(&k->url);
	if (opt.url_template || (leaf >= 0 && !k->book)) {
		vals[0] = buf_str(&k->uid);
		vals[1] = buf_str(&k->page);
		vals[2] = region;
		urltmpl_expand(opt.tmpl, &k->url, vals);
	} else if (k->book) {
		/* a book of several: its own image stack (on_page keeps its
		 * pages without a leaf out) */
		buf_printf(&k->url, "%s/image/iiif/2/", opt.iiif);
		iiif_ia_stack_id(&k->url, buf_str(&k->tid), k->jp2, leaf);
		buf_printf(&k->url, "/%s/%s" TAIL_AFTER_SIZE, region, opt.size);
	} else {
		/* BookReader's page image by access index (nK_wW.jpg: W wide) */
		buf_printf(&k->url, "%s/download/%s/page/n%ld", ia_base_url(), buf_str(&k->uid),
		    p->index);
		if (opt.width)
			buf_printf(&k->url, "_w%ld", opt.width);
		buf_adds(&k->url, ".jpg");
	}
	buf_reset(line);
	buf_adds(line, "internetarchive\t");
	buf_add(line, k->tid.s, k->tid.len);
	buf_addc(line, '\t');
	tsv_escape(line, k->page.s, k->page.len);
	buf_addc(line, '\t');
	/* URLs built from a user template may hold anything: escape */
	tsv_escape(line, k->url.s ? k->url.s : "", k->url.len);
}

/* A text column: the text (spaces only, no tab or newline) escaped. */
static void
put_text(struct buf *line, const char *s)
{
	if (s)
		tsv_escape(line, s, strlen(s));
}

/* Width, height, the -f fields, and the row is done: caption and
 * before/after are the block's, or (page rows) those given. */
static void
row_end(struct sink *k, const struct ocr_page *p, const char *caption, const char *before,
    const char *after)
{
	struct buf *line = &k->line;
	const char *sys;
	int i;

	put_dim(line, p->width);
	put_dim(line, p->height);
	for (i = 0; i < opt.nfields; i++) {
		buf_addc(line, '\t');
		switch (opt.fields[i]) {
		case F_OCR:
			sys = ocr_scan_system(k->scan);
			tsv_escape(line, sys, strlen(sys));
			break;
		case F_DPI:
			if (p->dpi > 0)
				buf_printf(line, "%ld", p->dpi);
			break;
		case F_CAPTION:
			put_text(line, caption);
			break;
		case F_CONTEXT:
			put_text(line, before);
			buf_addc(line, '\t');
			put_text(line, after);
			break;
		}
	}
	buf_addc(line, '\n');
	buf_add(k->out, line->s, line->len);
}

/* A page row's caption: its kept blocks' captions in document order,
 * each one once, joined by JOIN, at most OCR_CAPTION_MAX bytes; its
 * context: before the first kept block in reading order and after the
 * last. */
static void
page_text(struct sink *k, const struct ocr_page *p)
{
	struct buf *c = &k->caption;
	size_t i, j;

	buf_reset(c);
	k->first = k->last = NULL;
	for (i = 0; i < p->n; i++) {
		const struct ocr_block *x = &p->b[i];
		if (x->drop)
			continue;
		if (!k->first || x->order < k->first->order)
			k->first = x;
		if (!k->last || x->order >= k->last->order)
			k->last = x;
		if (!x->caption || !*x->caption || c->len > OCR_CAPTION_MAX)
			continue;
		for (j = 0; j < i; j++)
			if (!p->b[j].drop && p->b[j].caption &&
			    strcmp(p->b[j].caption, x->caption) == 0)
				break;
		if (j < i)
			continue;
		if (c->len)
			buf_adds(c, JOIN);
		buf_adds(c, x->caption);
	}
	ocr_text_cut(c, OCR_CAPTION_MAX);
}

/* A page row: the region is the union of its kept blocks. */
static void
page_row(struct sink *k, const struct ocr_page *p, long leaf, size_t n)
{
	long l = 0, t = 0, r = 0, b = 0;
	int first = 1, boxed = 1;
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct ocr_block *x = &p->b[i];
		if (x->drop)
			continue;
		if (!x->has_box) {
			boxed = 0;
			continue;
		}
		if (first || x->l < l)
			l = x->l;
		if (first || x->t < t)
			t = x->t;
		if (first || x->r > r)
			r = x->r;
		if (first || x->b > b)
			b = x->b;
		first = 0;
	}
	row_start(k, p, leaf, boxed && !first, l, t, r, b);
	buf_printf(&k->line, "\t%zu", n);
	if (opt.scan.text)
		page_text(k, p);
	row_end(k, p, buf_str(&k->caption), k->first ? k->first->before : NULL,
	    k->last ? k->last->after : NULL);
}

/* The scanner's page: its rows. */
static void
on_page(void *arg, const struct ocr_page *p, size_t n)
{
	struct sink *k = arg;
	long leaf = leaf_of(k, p);
	size_t i;

	if (leaf < 0 && k->book && !opt.url_template) {
		/* no URL reaches a page of a book of several by access index */
		if (!k->said_book) {
			k->said_book = 1;
			msg_add(k->msgs, 1, "%s: leaves unknown in a book of several: its pages "
			    "have no URL; skipped", k->name);
		}
		return;
	}
	if (!opt.blocks) {
		page_row(k, p, leaf, n);
	} else {
		for (i = 0; i < p->n; i++) {
			const struct ocr_block *b = &p->b[i];
			if (b->drop)
				continue;
			row_start(k, p, leaf, b->has_box, b->l, b->t, b->r, b->b);
			if (b->has_box)
				buf_printf(&k->line, "\t%ld\t%ld\t%ld\t%ld", b->l, b->t, b->r, b->b);
			else
				buf_adds(&k->line, "\t\t\t\t");
			row_end(k, p, b->caption, b->before, b->after);
		}
	}
	if (k->direct && (k->out->len > PIPE_BUF || opt.line_buffered)) {
		size_t w = put_rows(k->out->s, k->out->len, opt.line_buffered);
		memmove(k->out->s, k->out->s + w, k->out->len - w);
		buf_truncate(k->out, k->out->len - w);
	}
}

/* "6 pages, 5 Picture blocks; kept 1 on 1 page; dropped ..." */
static void
summary(struct buf *b, const struct ocr_scan *s)
{
	const struct ocr_stats *st = ocr_scan_stats(s);
	int hocr = ocr_scan_format(s) == OCR_FORMAT_HOCR;

	buf_printf(b, "%ld page%s, %lu %s%s; kept %lu on %lu page%s",
	    st->npages, st->npages == 1 ? "" : "s", st->nblocks,
	    hocr ? "picture box" : "Picture block", st->nblocks == 1 ? "" : hocr ? "es" : "s",
	    st->kept, st->kept_pages, st->kept_pages == 1 ? "" : "s");
	if (hocr)
		buf_printf(b, "; dropped %lu small, %lu text, %lu cover, %lu nested",
		    st->dropped[OCR_DROP_SMALL], st->dropped[OCR_DROP_TEXT],
		    st->dropped[OCR_DROP_COVER], st->dropped[OCR_DROP_NESTED]);
	else
		buf_printf(b, "; dropped %lu colour card, %lu small, %lu cover, %lu nested",
		    st->dropped[OCR_DROP_CARD], st->dropped[OCR_DROP_SMALL],
		    st->dropped[OCR_DROP_COVER], st->dropped[OCR_DROP_NESTED]);
}

/* ---- ids from names ---- */

static int
strip_suffix(char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	if (n > k && strcmp(s + n - k, suf) == 0) {
		s[n - k] = '\0';
		return 1;
	}
	return 0;
}

/* The base name of a path or URL path without .gz, .xml, .html, .hocr
 * and the OCR suffixes (_abbyy, _hocr, _chocr). */
static char *
id_from_name(const char *path, int is_url)
{
	static const char *const sufs[] = { ".gz", ".xml", ".html", ".htm", ".hocr", "_abbyy",
		"_chocr", "_hocr", NULL };
	const char *p = path, *slash;
	size_t n, i;
	char *id;
	int again;

	if (is_url) {
		const char *q = strstr(p, "://");
		p = q ? q + 3 : p;
		n = strcspn(p, "?#");
	} else {
		n = strlen(p);
	}
	while (n > 0 && p[n - 1] == '/')
		n--;
	id = xstrndup(p, n);
	slash = strrchr(id, '/');
	if (slash)
		memmove(id, slash + 1, strlen(slash + 1) + 1);
	do {
		for (again = 0, i = 0; sufs[i]; i++)
			again |= strip_suffix(id, sufs[i]);
	} while (again);
	return id;
}

/* ---- --failed FILE: the inputs that failed, as they were read ---- */

/* An input is over: its line (as read: an --ia input line, or an operand
 * TSV-escaped) goes in the failure file if it failed; else its key, if the
 * file held it, goes at the end of the run.  No line: nothing to record. */
static void
record_outcome(const char *line, size_t len, int failed)
{
	if (!opt.failed || !line)
		return;
	if (!failed) {
		failfile_done(opt.failed, line, len);
	} else if (failfile_failed(opt.failed, line, len) != 0) {
		diag_warn_errno("--failed %s", opt.failed_path);
		diag_failed();
	}
}

/* The same for an operand, whose failures were counted since before. */
static void
record_operand(const char *path, unsigned long before)
{
	struct buf line = BUF_INIT;

	if (!opt.failed || strcmp(path, "-") == 0)
		return;		/* stdin cannot be read again */
	tsv_escape(&line, path, strlen(path));
	record_outcome(line.s, line.len, diag_failures() > before);
	buf_free(&line);
}

/* ---- local files: inflate on one thread, scan on this one ---- */

/* Could the missing file name be an Internet Archive identifier (one
 * without a file name's extension)? */
static int
looks_like_ia_id(const char *s)
{
	static const char *const exts[] = { ".xml", ".gz", ".html", ".htm", ".txt", ".json",
		".zip", ".tsv", NULL };
	size_t n = strlen(s), k;
	int i;

	if (!ia_id_valid(s, n))
		return 0;
	for (i = 0; exts[i]; i++)
		if (n > (k = strlen(exts[i])) && strcasecmp(s + n - k, exts[i]) == 0)
			return 0;
	return 1;
}

/* Do the first lines of p[0..n) read as a list of Internet Archive
 * identifiers (first TSV column), as ia-search writes them, rather than
 * OCR?  0 no, 1 yes, 2 yes after a header line ("identifier ..."). */
static int
looks_like_id_list(const char *p, size_t n)
{
	size_t i = 0, end, id;
	int lines = 0, header = 0;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && lines < 20) {
		for (end = i; end < n && p[end] != '\n'; end++)
			;
		if (end == n && lines > 0)
			break;		/* a line cut off by the end of what was read */
		for (id = i; id < end && p[id] != '\t' && p[id] != '\r'; id++)
			;
		if (lines == 0 && id - i == 10 && memcmp(p + i, "identifier", 10) == 0)
			header = 1;
		else if (memchr(p + i, '<', end - i) || !ia_id_valid(p + i, id - i))
			return 0;
		lines++;
		i = end + 1;
	}
	return lines > header ? 1 + header : 0;
}

static void
scan_file(const char *path)
{
	struct io_in *in = io_open(path);
	struct buf rows = BUF_INIT, b = BUF_INIT, msgs = BUF_INIT;
	struct ocr_scan *s;
	struct readahead *ra;
	struct readahead_times times;
	struct sink k;
	const char *p, *err;
	unsigned long line;
	size_t n;
	char *id;
	int r;
	unsigned long before = diag_failures();
	ssize_t peeked;

	if (!in) {
		if (strcmp(path, "-") != 0 && access(path, F_OK) != 0 && looks_like_ia_id(path))
			diag_note("%s: an Internet Archive identifier? read items with --ia, "
			    "which takes identifiers on stdin or in files: echo %s | "
			    "abbyy-pictures --ia", path, path);
		diag_failed();
		record_operand(path, before);
		return;
	}
	if ((peeked = io_peek(in, &p, 4096)) > 0 &&
	    (r = looks_like_id_list(p, (size_t)peeked)) != 0) {
		diag_data(io_name(in), 0, "looks like a list of Internet Archive identifiers "
		    "(as ia-search writes), not OCR: read it with --ia (abbyy-pictures --ia%s%s%s)",
		    r == 2 ? " -H" : "", strcmp(path, "-") == 0 ? "" : " ",
		    strcmp(path, "-") == 0 ? "" : path);
		diag_failed();
		io_close(in);
		record_operand(path, before);
		return;
	}
	if (opt.id) {
		id = xstrdup(opt.id);
	} else if (strcmp(path, "-") == 0) {
		id = xstrdup("stdin");
		diag_note("<stdin>: no --id given, so the id column reads 'stdin'");
	} else {
		id = id_from_name(path, 0);
	}
	sink_init(&k, id, &rows, 1, &msgs);
	k.name = io_name(in);
	k.path = path;
	k.id = id;
	s = k.scan = ocr_scan_new(&opt.scan, io_name(in), on_page, &k);
	ra = readahead_start(in);
	while ((r = readahead_next(ra, &p, &n)) > 0)
		if (ocr_scan_feed(s, p, n) < 0)
			break;
	if (r < 0)
		ocr_scan_abort(s, io_error(in));
	else
		ocr_scan_end(s);	/* after a failure: the pages still held */
	put_rows(rows.s, rows.len, 1);
	readahead_times(ra, &times);
	readahead_stop(ra);
	if ((err = ocr_scan_error(s, &line)) != NULL) {
		diag_data(io_name(in), line, "%s", err);
		diag_failed();
	}
	msg_print(&msgs);
	if (opt.verbose) {
		summary(&b, s);
		diag_note("%s: %s: %s", io_name(in), ocr_scan_system(s) ? ocr_scan_system(s) : "OCR",
		    buf_str(&b));
	}
	if (getenv("PLATES_THREAD_TIMES"))	/* is either thread waiting on the other? */
		diag_note("%s: %s%s%s: %.2f s busy, %.2f s waiting for room; scan: %.2f s busy, "
		    "%.2f s waiting for input", io_name(in), io_is_gzip(in) ? "read and inflate (" : "read",
		    io_is_gzip(in) ? gunzip_library() : "", io_is_gzip(in) ? ")" : "", times.read_busy,
		    times.read_wait, times.take_busy, times.take_wait);
	ocr_scan_free(s);
	sink_free(&k);
	record_operand(path, before);
	buf_free(&rows);
	buf_free(&b);
	buf_free(&msgs);
	io_close(in);
	free(id);
}

/* ---- the network: URL operands and --ia items ---- */

/* The page numbers of one book, fetched before its OCR. */
struct pn_fetch {
	struct ia_pagenums pn;	/* first: the body (json_body) */
	struct item *it;
};

struct item {
	struct ia_item meta;	/* first: the metadata body (json_body) */
	struct item *next;
	char *id;		/* the IA identifier (or the id for a URL) */
	char *line;		/* --ia: the input line, as read (NULL: none) */
	size_t linelen;
	int ia;			/* an --ia item: metadata first */
	int done;
	char *meta_url;
	size_t book;		/* the book being read (--ia) */
	struct pn_fetch pnf;
	char *pn_url;
	char *pn_label;		/* "ID: URL" of the page numbers */
	char *jp2;		/* a book's image stack when the item lists none */
	char *dl_url;
	char *label;		/* scan name: "ID: URL" or "URL" */
	struct io_dec *dec;
	struct buf chunk;	/* a decoded chunk, NUL-terminated for the scanner */
	struct ocr_scan *scan;
	struct sink sink;
	struct buf out;		/* rows, printed in input order */
	size_t book_start;	/* where this book's rows start in out */
	struct buf msgs;	/* messages, printed after the rows */
};

static struct http *net;
static struct item *items, *items_tail;
static size_t nitems;		/* not yet printed */
static size_t nactive;		/* not yet done */

static void
item_scan_free(struct item *it)
{
	if (it->scan) {
		ocr_scan_free(it->scan);
		sink_free(&it->sink);
		it->scan = NULL;
	}
}

static void
item_free(struct item *it)
{
	item_scan_free(it);
	io_dec_free(it->dec);
	ia_item_free(&it->meta);
	ia_pagenums_free(&it->pnf.pn);
	buf_free(&it->out);
	buf_free(&it->msgs);
	buf_free(&it->chunk);
	free(it->id);
	free(it->line);
	free(it->meta_url);
	free(it->pn_url);
	free(it->pn_label);
	free(it->jp2);
	free(it->dl_url);
	free(it->label);
	free(it);
}

static struct item *
item_new(const char *id, int ia)
{
	struct item *it = xcalloc(1, sizeof *it);

	it->id = xstrdup(id);
	it->ia = ia;
	it->pnf.it = it;
	ia_pagenums_init(&it->pnf.pn);
	if (items_tail)
		items_tail->next = it;
	else
		items = it;
	items_tail = it;
	nitems++;
	nactive++;
	return it;
}

static void
item_done(struct item *it)
{
	it->done = 1;
	nactive--;
}

/* Print finished items at the head of the queue, in input order. */
static void
flush_items(void)
{
	struct item *it;

	while ((it = items) != NULL && it->done) {
		put_rows(it->out.s, it->out.len, 1);
		record_outcome(it->line, it->linelen, msg_print(&it->msgs) > 0);
		items = it->next;
		if (!items)
			items_tail = NULL;
		nitems--;
		item_free(it);
	}
}

static const struct ia_book *
cur_book(const struct item *it)
{
	return it->ia ? &it->meta.books[it->book] : NULL;
}

/* (Re)start the scan of the download: a retried transfer starts over,
 * without the rows it gave so far (the rows of the books before stay). */
static void
item_scan_start(struct item *it)
{
	const struct ia_book *bk = cur_book(it);

	item_scan_free(it);
	buf_truncate(&it->out, it->book_start);
	sink_init(&it->sink, it->id, &it->out, 0, &it->msgs);
	it->sink.name = it->label;
	it->scan = it->sink.scan = ocr_scan_new(&opt.scan, it->label, on_page, &it->sink);
	if (bk && it->meta.nbooks > 1) {
		it->sink.book = bk->prefix;
		if (!bk->jp2) {
			/* not listed: the name IA gives a book's stack */
			free(it->jp2);
			it->jp2 = xmalloc(strlen(bk->prefix) + sizeof "_jp2.zip");
			sprintf(it->jp2, "%s_jp2.zip", bk->prefix);
		}
		it->sink.jp2 = bk->jp2 ? bk->jp2 : it->jp2;
	}
	if (bk && bk->page_numbers && it->pnf.pn.n) {
		it->sink.pn = &it->pnf.pn;
		it->sink.pn_name = it->pn_label;
	}
	if (it->dec)
		io_dec_reset(it->dec);
	else
		it->dec = io_dec_new();
}

static int
dl_sink(void *arg, const char *p, size_t n)
{
	struct item *it = arg;

	buf_reset(&it->chunk);
	buf_add(&it->chunk, p, n);
	return ocr_scan_feed(it->scan, it->chunk.s, it->chunk.len) < 0;
}

static int
dl_body(void *arg, const char *p, size_t n)
{
	struct item *it = arg;
	int r = io_dec_push(it->dec, p, n, dl_sink, it);

	if (r < 0)
		ocr_scan_abort(it->scan, io_dec_error(it->dec));
	return r != 0;
}

static void
dl_restart(void *arg)
{
	item_scan_start(arg);
}

static void next_book(struct item *it);

static void
dl_done(void *arg, const struct http_result *r)
{
	struct item *it = arg;
	const char *pre = it->ia ? it->id : NULL, *err;
	unsigned long line;

	if (r->outcome == HTTP_OK) {
		int e = io_dec_end(it->dec, dl_sink, it);
		if (e < 0)
			ocr_scan_abort(it->scan, io_dec_error(it->dec));
		else if (e == 0)
			ocr_scan_end(it->scan);
	} else if (r->outcome != HTTP_ABORTED) {
		/* HTTP_ABORTED: we stopped it, for an error of the scan */
		msg_add(&it->msgs, 1, "%s%s%s: %s", pre ? pre : "", pre ? ": " : "", r->url,
		    r->error);
	}
	ocr_scan_abort(it->scan, NULL);	/* what is still held after a failure */
	if ((err = ocr_scan_error(it->scan, &line)) != NULL) {
		if (line)
			msg_add(&it->msgs, 1, "%s:%lu: %s", it->label, line, err);
		else
			msg_add(&it->msgs, 1, "%s: %s", it->label, err);
	}
	if (opt.verbose) {
		struct buf b = BUF_INIT;
		const char *sys = ocr_scan_system(it->scan);
		summary(&b, it->scan);
		msg_add(&it->msgs, 0, "%s: %s: %s", it->label, sys ? sys : "OCR", buf_str(&b));
		buf_free(&b);
	}
	item_scan_free(it);
	if (it->ia && ++it->book < it->meta.nbooks)
		next_book(it);
	else
		item_done(it);
}

static const struct http_cb dl_cb = { NULL, dl_body, dl_restart, dl_done };

static void
start_download(struct item *it)
{
	struct buf lab = BUF_INIT;

	free(it->label);
	if (it->ia)
		buf_printf(&lab, "%s: %s", it->id, it->dl_url);
	else
		buf_adds(&lab, it->dl_url);
	it->label = xstrdup(buf_str(&lab));
	buf_free(&lab);
	it->book_start = it->out.len;
	item_scan_start(it);
	http_get(net, it->dl_url, &dl_cb, it);
}

/* The book's page numbers arrived (or not): then its OCR. */
static void
pn_done(void *arg, const struct http_result *r)
{
	struct item *it = ((struct pn_fetch *)arg)->it;
	const char *err;
	unsigned long line;

	if (r->outcome != HTTP_OK && !(r->outcome == HTTP_ABORTED && it->pnf.pn.body.failed)) {
		msg_add(&it->msgs, 1, "%s: %s: %s", it->id, r->url, r->error);
		ia_pagenums_reset(&it->pnf.pn);
	} else if (ia_pagenums_end(&it->pnf.pn) != 0) {
		err = ia_pagenums_error(&it->pnf.pn, &line);
		if (line)
			msg_add(&it->msgs, 1, "%s: %s:%lu: %s", it->id, r->url, line, err);
		else
			msg_add(&it->msgs, 1, "%s: %s: %s", it->id, r->url, err);
		ia_pagenums_reset(&it->pnf.pn);
	}
	start_download(it);
}

static int
pn_body(void *arg, const char *p, size_t n)
{
	return ia_pagenums_feed(&((struct pn_fetch *)arg)->pn, p, n);
}

static const struct http_cb pn_cb = { NULL, pn_body, json_body_restart, pn_done };

/* Fetch the current book: its page numbers first, if it has any. */
static void
next_book(struct item *it)
{
	const struct ia_book *bk = cur_book(it);
	struct buf u = BUF_INIT;

	ia_item_url(&u, ia_base_url(), it->id, bk->ocr);
	free(it->dl_url);
	it->dl_url = xstrdup(buf_str(&u));
	if (opt.verbose)
		msg_add(&it->msgs, 0, "%s: OCR: %s (%s)%s", it->id, ia_ocr_name(bk->kind), bk->ocr,
		    bk->kind != IA_OCR_ABBYY && !bk->page_numbers ? "; no page numbers" : "");
	ia_pagenums_reset(&it->pnf.pn);
	if (bk->kind == IA_OCR_ABBYY || !bk->page_numbers) {
		buf_free(&u);
		start_download(it);
		return;
	}
	buf_reset(&u);
	ia_item_url(&u, ia_base_url(), it->id, bk->page_numbers);
	free(it->pn_url);
	it->pn_url = xstrdup(buf_str(&u));
	buf_reset(&u);
	buf_printf(&u, "%s: %s", it->id, it->pn_url);
	free(it->pn_label);
	it->pn_label = xstrdup(buf_str(&u));
	buf_free(&u);
	http_get(net, it->pn_url, &pn_cb, &it->pnf);
}

/* The finished metadata body of url: start the first book and return 0,
 * or say why not and return -1. */
static int
meta_choose(struct item *it, const char *url)
{
	struct buf u = BUF_INIT;
	const char *name, *err;
	unsigned long line;

	switch (ia_item_end(&it->meta)) {
	case IA_ITEM_BAD_JSON:
		err = ia_item_json_error(&it->meta, &line);
		msg_add(&it->msgs, 1, "%s: %s:%lu: %s", it->id, url, line, err);
		return -1;
	case IA_ITEM_UNKNOWN:
		msg_add(&it->msgs, 1, "%s: unknown identifier", it->id);
		return -1;
	case IA_ITEM_DARK:
		msg_add(&it->msgs, 0, "%s: dark item (not public); skipped", it->id);
		return -1;
	case IA_ITEM_NO_OCR:
		msg_add(&it->msgs, 0, "%s: no OCR (no ABBYY, chOCR or hOCR file); skipped",
		    it->id);
		return -1;
	case IA_ITEM_PRIVATE:
		msg_add(&it->msgs, 0, "%s: OCR is private (lending item); skipped", it->id);
		return -1;
	case IA_ITEM_UNSAFE:
		name = ia_item_unsafe(&it->meta);
		tsv_escape(&u, name, strlen(name));
		msg_add(&it->msgs, 1, "%s: %s: file name '%s' leaves the item's folder; skipped",
		    it->id, url, buf_str(&u));
		buf_free(&u);
		return -1;
	}
	it->book = 0;
	next_book(it);
	return 0;
}

static void
meta_done(void *arg, const struct http_result *r)
{
	struct item *it = arg;

	if (r->outcome != HTTP_OK && !(r->outcome == HTTP_ABORTED && it->meta.body.failed)) {
		msg_add(&it->msgs, 1, "%s: %s: %s", it->id, r->url, r->error);
		item_done(it);
		return;
	}
	if (meta_choose(it, r->url) != 0)
		item_done(it);
}

static const struct http_cb meta_cb = { NULL, json_body_feed, json_body_restart, meta_done };

static void
net_init(void)
{
	if (net)
		return;
	net = http_new(&opt.cli.net);
	http_default_limit(net, (int)opt.jobs, 0, 1);
}

static void
scan_url(const char *url)
{
	struct item *it;
	char *id = opt.id ? xstrdup(opt.id) : id_from_name(url, 1);
	unsigned long before = diag_failures();

	net_init();
	it = item_new(id, 0);
	free(id);
	it->dl_url = xstrdup(url);
	start_download(it);
	http_drain(net);
	flush_items();
	record_operand(url, before);
}

/* The line ids_next read, as it was: the first column escaped again, then
 * the rest. */
static char *
line_read(const struct ids *x, size_t *len)
{
	struct buf b = BUF_INIT;

	tsv_escape(&b, x->id, x->len);
	buf_add(&b, x->rest ? x->rest : "", x->rest ? x->restlen : 0);
	*len = b.len;
	return b.s ? b.s : xstrdup("");
}

/* The next identifier of the id files: an item fetching its metadata, or
 * one that is done already (a bad line); NULL at the end of them all. */
static struct item *
next_item(struct ids *x)
{
	struct item *it;
	struct buf u = BUF_INIT;
	char *line;
	size_t len;
	int r;

	for (;;) {
		if (ids_between_files(x) && x->next < x->npaths) {
			/* messages about a file come after the items before it */
			http_drain(net);
			flush_items();
		}
		switch ((r = ids_next(x))) {
		case IDS_END:
			return NULL;
		case IDS_NOFILE:
			diag_failed();
			continue;
		case IDS_HEADER:	/* the input's header: the failure file's too */
			if (opt.failed) {
				line = line_read(x, &len);
				if (failfile_header(opt.failed, line, len) != 0) {
					diag_warn_errno("--failed %s", opt.failed_path);
					diag_failed();
				}
				free(line);
			}
			continue;
		}
		if (r == IDS_ID && ia_id_valid(x->id, x->len))
			break;
		it = item_new("", 1);
		if (r == IDS_ERROR) {
			msg_add(&it->msgs, 1, "%s:%lu: %s", x->file, x->lineno, x->error);
		} else {
			msg_add(&it->msgs, 1, "%s:%lu: not an Internet Archive identifier: '%.*s'",
			    x->file, x->lineno, (int)(x->len > 80 ? 80 : x->len), x->id);
			it->line = line_read(x, &it->linelen);
		}
		item_done(it);
		return it;
	}
	it = item_new(x->id, 1);
	it->line = line_read(x, &it->linelen);
	ia_item_init(&it->meta);
	buf_printf(&u, "%s/metadata/", ia_base_url());
	http_escape(&u, x->id, x->len);
	it->meta_url = xstrdup(buf_str(&u));
	buf_free(&u);
	http_get(net, it->meta_url, &meta_cb, it);
	return it;
}

static void
run_ia(char **paths, int npaths)
{
	size_t window = (size_t)opt.jobs * 4;
	struct ids x;
	int more = 1;

	net_init();
	ids_open(&x, paths, npaths, opt.cli.header, NULL);
	for (;;) {
		while (more && nactive < (size_t)opt.jobs && nitems < window) {
			more = next_item(&x) != NULL;
			flush_items();
		}
		if (!more && nitems == 0)
			break;
		if (http_pending(net))
			http_run(net, -1);
		flush_items();
	}
	ids_close(&x);
}

/* ---- options ---- */

enum { O_BLOCKS = CLI_LONG, O_CAPTION_GAP, O_CONTEXT, O_COVER_LEAVES, O_CROP, O_FULL_PARSE, O_IA, O_ID, O_KEEP_CARD,
	O_KEEP_COVERS, O_KEEP_NESTED, O_KEEP_TEXT, O_LINE_BUFFERED, O_MIN_AREA, O_NO_FILTER,
	O_PAGE_NUMBERS, O_URL_TEMPLATE, O_FAILED, O_WIDTH };

static const struct cli_opt options[] = {
	{ "blocks", O_BLOCKS, CLI_NOARG },
	{ "caption-gap", O_CAPTION_GAP, CLI_ARG },
	{ "context", O_CONTEXT, CLI_ARG },
	{ "cover-leaves", O_COVER_LEAVES, CLI_ARG },
	{ "crop", O_CROP, CLI_NOARG },
	{ "failed", O_FAILED, CLI_ARG },
	{ "fields", 'f', CLI_ARG },
	{ "full-parse", O_FULL_PARSE, CLI_NOARG },
	{ "ia", O_IA, CLI_NOARG },
	{ "id", O_ID, CLI_ARG },
	{ "jobs", 'j', CLI_ARG },
	{ "keep-card", O_KEEP_CARD, CLI_NOARG },
	{ "keep-covers", O_KEEP_COVERS, CLI_NOARG },
	{ "keep-nested", O_KEEP_NESTED, CLI_NOARG },
	{ "keep-text", O_KEEP_TEXT, CLI_NOARG },
	{ "line-buffered", O_LINE_BUFFERED, CLI_NOARG },
	{ "min-area", O_MIN_AREA, CLI_ARG },
	{ "no-filter", O_NO_FILTER, CLI_NOARG },
	{ "page-numbers", O_PAGE_NUMBERS, CLI_ARG },
	{ "url-template", O_URL_TEMPLATE, CLI_ARG },
	{ "verbose", 'v', CLI_NOARG },
	{ "width", O_WIDTH, CLI_ARG },
	{ NULL, 0, 0 }
};

static void usage(void);

/* -f: the extra columns, in the order given. */
static void
parse_fields(const char *val)
{
	static const char *const names[] = { "ocr", "dpi", "caption", "context", NULL };
	const char *p = val;

	opt.nfields = 0;
	for (;;) {
		size_t n = strcspn(p, ","), i;
		for (i = 0; names[i]; i++)
			if (strlen(names[i]) == n && strncmp(p, names[i], n) == 0)
				break;
		if (!names[i])
			cli_usage_error(&spec, "-f: unknown field '%.*s' (fields: ocr, dpi, "
			    "caption, context)",
			    (int)(n > 40 ? 40 : n), p);
		if (opt.nfields == F_MAX)
			cli_usage_error(&spec, "-f: too many fields");
		opt.fields[opt.nfields++] = (int)i;
		if (i == F_CAPTION || i == F_CONTEXT)
			opt.scan.text = 1;
		if (i == F_CONTEXT)
			opt.context = 1;
		if (!p[n])
			break;
		p += n + 1;
	}
}

static const struct cli_spec spec = {
	.usage = usage_text,
	.help = usage,
	.shared = CLI_QUIET | CLI_HEADER | CLI_NET,
	.opts = options,
};

static void
on_option(void *arg, int key, const char *val)
{
	(void)arg;
	switch (key) {
	case O_BLOCKS:
		opt.blocks = 1;
		break;
	case O_CAPTION_GAP:
		opt.scan.caption_gap = cli_double(&spec, "--caption-gap", val, 0, 100);
		break;
	case O_CONTEXT:
		opt.scan.context_words = (int)cli_long(&spec, "--context", val, 1,
		    OCR_CONTEXT_WORDS_MAX);
		break;
	case O_COVER_LEAVES:
		opt.scan.cover_leaves = cli_long(&spec, "--cover-leaves", val, 0, 1000);
		break;
	case O_CROP:
		opt.crop = 1;
		break;
	case O_FAILED:
		if (!*val)
			cli_usage_error(&spec, "--failed: the file name must not be empty");
		opt.failed_path = val;
		break;
	case O_WIDTH:
		opt.width = cli_long(&spec, "--width", val, 1, 100000);
		break;
	case 'f':
		parse_fields(val);
		break;
	case O_FULL_PARSE:
		opt.scan.full_parse = 1;
		break;
	case O_IA:
		opt.ia = 1;
		break;
	case O_ID:
		if (!*val)
			cli_usage_error(&spec, "--id: the id must not be empty");
		opt.id = val;
		break;
	case 'j':
		opt.jobs = cli_long(&spec, "--jobs", val, 1, 64);
		break;
	case O_KEEP_CARD:
		opt.scan.keep_card = 1;
		break;
	case O_KEEP_COVERS:
		opt.scan.keep_covers = 1;
		break;
	case O_KEEP_NESTED:
		opt.scan.keep_nested = 1;
		break;
	case O_KEEP_TEXT:
		opt.scan.keep_text = 1;
		break;
	case O_LINE_BUFFERED:
		opt.line_buffered = 1;
		tsv_set_line_buffered(1);
		break;
	case O_MIN_AREA:
		opt.scan.min_area = cli_double(&spec, "--min-area", val, 0, 100);
		break;
	case O_NO_FILTER:
		opt.scan.no_filter = 1;
		break;
	case O_PAGE_NUMBERS:
		cli_readable(&spec, "--page-numbers", val);
		opt.page_numbers = val;
		break;
	case O_URL_TEMPLATE:
		opt.url_template = val;
		break;
	case 'v':	/* also: transfer errors keep libcurl's words */
		opt.verbose = opt.cli.net.verbose = 1;
		break;
	}
}

/* The URL template: --url-template, or the IIIF server's. */
static void
template_init(void)
{
	struct buf t = BUF_INIT, err = BUF_INIT;

	if (opt.width)
		snprintf(opt.size, sizeof opt.size, "%ld,", opt.width);
	else
		snprintf(opt.size, sizeof opt.size, "full");
	if (opt.url_template) {
		buf_adds(&t, opt.url_template);
	} else {
		opt.iiif = cli_base_url(&spec, NULL, "PLATES_IIIF_BASE", IIIF_DEFAULT, "IIIF");
		buf_printf(&t, "%s/iiif/{id}${page}/{region}/%s" TAIL_AFTER_SIZE, opt.iiif,
		    opt.size);
	}
	if ((opt.tmpl = urltmpl_new(buf_str(&t), tmpl_names, &err)) == NULL)
		cli_usage_error(&spec, "--url-template: %s", buf_str(&err));
	buf_free(&t);
	buf_free(&err);
}

static void
put_header(void)
{
	static const char hb[] = "library\tid\tpage\turl\tl\tt\tr\tb\twidth\theight";
	static const char hp[] = "library\tid\tpage\turl\tnpictures\twidth\theight";
	static const char *const names[] = { "\tocr", "\tdpi", "\tcaption",
		"\tbefore\tafter" };
	int i;

	if (opt.blocks)
		tsv_put_raw(hb, sizeof hb - 1);
	else
		tsv_put_raw(hp, sizeof hp - 1);
	for (i = 0; i < opt.nfields; i++)
		tsv_put_raw(names[opt.fields[i]], strlen(names[opt.fields[i]]));
	tsv_end();
	tsv_flush();	/* rows go out in whole pieces (put_rows) */
}

/* The end of the failure file, and how to rerun what it lists. */
static void
failed_close(void)
{
	unsigned long n;

	if (!opt.failed)
		return;
	n = failfile_count(opt.failed);
	if (failfile_close(opt.failed) != 0) {
		diag_warn_errno("--failed %s", opt.failed_path);
		diag_failed();
	}
	opt.failed = NULL;
	if (n == 0)
		return;
	if (opt.ia)
		diag_note("%lu input%s failed, listed in %s; to rerun them (with the same "
		    "options): %s --ia%s --failed %s < %s", n, n == 1 ? "" : "s", opt.failed_path,
		    diag_prog(), opt.cli.header ? " -H" : "", opt.failed_path, opt.failed_path);
	else
		diag_note("%lu input%s failed, listed in %s; to rerun them (with the same "
		    "options): xargs -d '\\n' %s --failed %s < %s", n, n == 1 ? "" : "s",
		    opt.failed_path, diag_prog(), opt.failed_path, opt.failed_path);
}

static int
is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

static void
usage(void)
{
	printf("\nOCR to the pages with pictures, one row per page: internetarchive, id,\n"
	    "page (leaf), url, npictures, width, height.  It reads ABBYY FineReader XML\n"
	    "and hOCR (Tesseract's _hocr.html and _chocr.html.gz), told apart by content;\n"
	    "plain or gzip; files, '-' or no FILE for stdin, http(s) URLs streamed.\n\n"
	    "      --blocks         one row per picture box: ... url l t r b width height\n"
	    "      --cover-leaves N the leaves at each end where whole-leaf pictures are\n"
	    "                       covers (default 5)\n"
	    "      --crop           put the box (the union, for page rows) in the URL's\n"
	    "                       region\n"
	    "      --failed FILE    list the inputs that failed in FILE (ids with --ia,\n"
	    "                       else file names), to rerun: --ia --failed F < F\n"
	    "      --caption-gap PCT how far a caption may lie from its picture, and\n"
	    "                       its lines from each other: PCT %% of the page's\n"
	    "                       height (default 5)\n"
	    "      --context N      -f context: N words each side (default 30)\n"
	    "  -f, --fields LIST    extra columns: ocr (what made the OCR), dpi,\n"
	    "                       caption (the text under, else over, the picture),\n"
	    "                       context (before and after: the words around it)\n"
	    "      --full-parse     hand every byte to the XML parser (slower; see the\n"
	    "                       manual)\n"
	    "  -H, --header         print a header row (with --ia: the input has one)\n"
	    "  -h, --help           this help\n"
	    "      --ia             read Internet Archive identifiers (first column of\n"
	    "                       the FILEs or stdin) and fetch each item's OCR\n"
	    "      --id ID          the id column for files, stdin and URLs\n"
	    "  -j, --jobs N         items in flight with --ia (default 2)\n"
	    "      --keep-card      keep leaf 0's colour-card placeholder (ABBYY)\n"
	    "      --keep-covers    keep whole-leaf pictures at either end of the book\n"
	    "      --keep-nested    keep boxes that lie inside another kept box\n"
	    "      --keep-text      keep hOCR boxes mostly covered by recognised words\n"
	    "      --line-buffered  flush after every page\n"
	    "      --min-area PCT   drop boxes under PCT %% of the page (default 10 for\n"
	    "                       ABBYY, 5 for hOCR)\n"
	    "      --no-filter      every picture box, no filter at all\n"
	    "      --page-numbers F the hOCR's leaves (ID_page_numbers.json; default: the\n"
	    "                       file of that name beside the hOCR file)\n"
	    "  -q, --quiet          no informational messages\n"
	    "      --retries N      retries of a failed request (default 5)\n"
	    "      --retry-delay MS first retry delay, doubling (default 1000)\n"
	    "      --timeout SECS   limit on one transfer (default: none)\n"
	    "      --url-template T the URL, with {id}, {page} and {region} (default\n"
	    "                       $PLATES_IIIF_BASE" TEMPLATE_TAIL ")\n"
	    "  -V, --version        version\n"
	    "  -v, --verbose        say per input which OCR it read and what the filters\n"
	    "                       dropped; libcurl's words after a transfer error\n"
	    "      --width W        page images W pixels wide in the URLs (IIIF size W,;\n"
	    "                       BookReader nK_wW), not full size\n"
	    "\nSee abbyy-pictures(1) and plates(7).\n");
}

int
main(int argc, char **argv)
{
	int i;

	diag_init(argv[0]);
	i = cli_parse(&spec, &opt.cli, argc, argv, on_option, NULL);
	if (opt.ia && opt.id)
		cli_usage_error(&spec, "--id cannot be used with --ia (the ids come from the input)");
	if (opt.ia && opt.page_numbers)
		cli_usage_error(&spec, "--page-numbers cannot be used with --ia (each item's own "
		    "are fetched)");
	if (opt.width && opt.url_template)
		cli_usage_error(&spec, "--width and --url-template exclude each other (put the "
		    "size in the template)");
	if (!opt.context)
		opt.scan.context_words = 0;	/* none to compute */
	template_init();
	if (opt.ia)
		ia_base_url();
	xml_init();
	if (opt.failed_path && !(opt.failed = failfile_open(opt.failed_path, 1, NULL)))
		diag_die_errno(DIAG_FAIL, "--failed %s", opt.failed_path);

	if (opt.cli.header)
		put_header();
	if (opt.ia) {
		run_ia(argv + i, argc - i);
	} else {
		if (i == argc)
			scan_file("-");
		for (; i < argc; i++) {
			if (is_url(argv[i]))
				scan_url(argv[i]);
			else
				scan_file(argv[i]);
		}
	}
	failed_close();
	http_free(net);
	free(ia_base);
	free(opt.iiif);
	urltmpl_free(opt.tmpl);
	cli_free(&opt.cli);
	xml_cleanup();
	return diag_finish();
}
