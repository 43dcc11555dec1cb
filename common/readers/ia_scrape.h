/* ia_scrape: Internet Archive search answers, read as they arrive.
 *
 * A scrape page (/services/search/v1/scrape) is
 *   {"items":[{"identifier":"x","title":"t","collection":["a","b"]},...],
 *    "count":2,"cursor":"W3s...","total":250}
 * and an error answer {"error":"..."} or {"error":{"code":400,"msg":"..."}}.
 * Each item of "items" is handed to the caller with the fields it asked
 * for; the page's cursor, total and error are there once it is read.  With
 * count set, the answer is advancedsearch.php's (rows=0) and the reader
 * looks for response.numFound instead of items.
 *
 * The search state (ia_scrape_take, ia_scrape_next) is the cursor loop's
 * bookkeeping: what the pages so far add up to, and whether to go on. */
#ifndef PLATES_IA_SCRAPE_H
#define PLATES_IA_SCRAPE_H

#include <stddef.h>

#include "buf.h"
#include "json.h"

/* One item of the list. */
struct ia_scrape_item {
	unsigned long n;		/* its place in the page's list, from 1 */
	const char *id;			/* "identifier", never empty */
	size_t idlen;
	/* per field asked for: the text as given (numbers as written, null
	 * empty, a list's values joined with ';'), "" when the item has none */
	const char *const *val;
	const size_t *len;
};

enum ia_scrape_bad {
	IA_SCRAPE_NO_ID,	/* an item without a (non-empty) "identifier" */
	IA_SCRAPE_NOT_OBJECT	/* an element of "items" that is not an object */
};

struct ia_scrape_config {
	const char *const *names;	/* fields to collect besides the identifier */
	size_t nnames;
	int count;			/* read advancedsearch's numFound instead */
	void (*item)(void *arg, const struct ia_scrape_item *it);
	void (*bad)(void *arg, unsigned long n, enum ia_scrape_bad why);
	void *arg;
};

/* What a whole answer held (valid until the next reset or feed). */
struct ia_scrape_page {
	int have_items;			/* a top-level "items" list */
	unsigned long nitems;		/* its elements, good or bad */
	int have_cursor;
	const char *cursor;		/* NUL-terminated */
	size_t cursorlen;
	int have_total;			/* "total", a whole number that fits */
	unsigned long long total;
	int have_error;			/* an "error" member */
	const char *error;		/* its message, "" if it has none */
	size_t errorlen;
	/* count: response.numFound as written, and whether it is a count */
	int have_count;
	const char *count;
	size_t countlen;
	int count_ok;
	unsigned long long count_n;
};

struct ia_scrape;

struct ia_scrape *ia_scrape_new(const struct ia_scrape_config *cfg);
/* 0 ok, -1 bad JSON (ia_scrape_error). */
int ia_scrape_feed(struct ia_scrape *r, const void *p, size_t n);
/* End of the answer: 0 ok, -1 incomplete or bad JSON. */
int ia_scrape_finish(struct ia_scrape *r);
/* Start on a new answer (the next page, or a retried transfer). */
void ia_scrape_reset(struct ia_scrape *r);
const struct ia_scrape_page *ia_scrape_page(struct ia_scrape *r);
/* The JSON stream the bytes go to, for a struct json_body; its errors. */
struct json_stream *ia_scrape_json(struct ia_scrape *r);
const char *ia_scrape_error(const struct ia_scrape *r);
unsigned long ia_scrape_error_line(const struct ia_scrape *r);
unsigned long long ia_scrape_error_offset(const struct ia_scrape *r);
void ia_scrape_free(struct ia_scrape *r);

/* The "error" message in the body of a failed request: 1 and the message
 * replacing msg's contents, or 0 if the body is not JSON or has none. */
int ia_scrape_error_body(const char *body, size_t n, struct buf *msg);

/* The request for a scrape page: base URL, fields (the identifier first,
 * then names but the identifier), query, count (0: none, the server's
 * default), and the cursor of the page before (NULL for the first); the
 * URL replaces the contents of url. */
void ia_scrape_url(struct buf *url, const char *base, const char *const *names, size_t nnames,
    const char *query, long count, const struct buf *cursor);
/* The request for the number of items a query finds (advancedsearch.php
 * with rows=0: the scrape API's total_only says 1 for every query). */
void ia_scrape_count_url(struct buf *url, const char *base, const char *query);

/* A JSON number that is a count: digits only, and it fits. */
int ia_scrape_whole_number(const char *s, size_t len, unsigned long long *out);

/* ---- the cursor loop ---- */

struct ia_scrape_search {
	unsigned long long received;	/* items in the pages taken */
	unsigned long long total;	/* as the first page announced */
	int have_total;
	unsigned long pages;		/* pages taken */
	struct buf cursor;		/* to ask for the next page with */
	int have_cursor;
};

enum ia_scrape_verdict {
	IA_SCRAPE_OK,		/* taken: received, total and pages counted */
	IA_SCRAPE_SERVER_ERROR,	/* an error answer (page->error) */
	IA_SCRAPE_NOT_SCRAPE,	/* no "items" list */
	IA_SCRAPE_SAME_CURSOR,	/* the cursor it was asked with: it would loop */
	IA_SCRAPE_NEXT,		/* ask for the next page with s->cursor */
	IA_SCRAPE_DONE,		/* the last page; all the total announced came */
	IA_SCRAPE_EARLY_END,	/* fewer than the total, and a page without items
				 * and without a cursor: the scrape API ends a
				 * listing so when it fails mid-way (worth
				 * asking for the same page again) */
	IA_SCRAPE_INCOMPLETE,	/* the last page, fewer than the total */
	IA_SCRAPE_MORE		/* the last page, more than the total */
};

/* Take a complete page into the search: IA_SCRAPE_OK or why not. */
enum ia_scrape_verdict ia_scrape_take(struct ia_scrape_search *s,
    const struct ia_scrape_page *p);
/* After a page was taken: the next one, or how the search ended. */
enum ia_scrape_verdict ia_scrape_next(struct ia_scrape_search *s,
    const struct ia_scrape_page *p);
void ia_scrape_search_free(struct ia_scrape_search *s);

#endif
