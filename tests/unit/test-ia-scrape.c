/* test-ia-scrape: Internet Archive scrape pages, counts and error answers
 * read by ia_scrape, on the search fixtures and small inline answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "files.h"

#include "buf.h"
#include "diag.h"
#include "ia_scrape.h"

static const char *const names[] = { "title", "collection", "year", "creator" };

/* What the reader handed over: one line per item or bad item. */
static struct buf got;
static size_t nfields;

static void
on_item(void *arg, const struct ia_scrape_item *it)
{
	size_t i;

	(void)arg;
	buf_printf(&got, "%lu %s", it->n, it->id);
	for (i = 0; i < nfields; i++)
		buf_printf(&got, "|%s", it->val[i]);
	buf_addc(&got, '\n');
}

static void
on_bad(void *arg, unsigned long n, enum ia_scrape_bad why)
{
	(void)arg;
	buf_printf(&got, "%lu bad %s\n", n, why == IA_SCRAPE_NO_ID ? "no id" : "not object");
}

/* Read s with a reader of nnames fields, in pieces of step bytes. */
static const struct ia_scrape_page *
read_answer(struct ia_scrape **r, const char *s, size_t n, size_t nnames, int count, size_t step)
{
	struct ia_scrape_config cfg = { names, nnames, count, on_item, on_bad, NULL };
	size_t i, k;

	if (*r)
		ia_scrape_free(*r);
	*r = ia_scrape_new(&cfg);
	nfields = nnames;
	buf_reset(&got);
	buf_add(&got, "", 0);
	for (i = 0; i < n; i += k) {
		k = n - i < step ? n - i : step;
		if (ia_scrape_feed(*r, s + i, k) != 0)
			return NULL;
	}
	return ia_scrape_finish(*r) == 0 ? ia_scrape_page(*r) : NULL;
}

/* The items of tests/fixtures/ia/search, served as one scrape page. */
static void
test_fixture_page(void)
{
	struct buf jsonl = BUF_INIT, page = BUF_INIT;
	struct ia_scrape *r = NULL;
	const struct ia_scrape_page *p;
	const char *s, *nl;
	const char *want =
	    "1 peterparleystal00good|Peter Parley's tales about the sun, moon, and stars"
	    "|americana;library_of_congress|1830|Goodrich, Samuel G. (Samuel Griswold), 1793-1860\n"
	    "2 taleswonders00parl|Tales of wonders,\tand of\ntravels \\ abroad|americana|1827"
	    "|Parley, Peter;Goodrich, Samuel G.\n"
	    "3 geographieparl00good|G\xc3\xa9ographie de Pierre Parley : \xc3\xa0 l'usage des "
	    "enfants|bnf|1829|\n"
	    "4 lendingparley00good|Peter Parley's universal history (lending copy)"
	    "|inlibrary;printdisabled||\n";
	size_t step;

	files_slurp("tests/fixtures/ia/search/items.jsonl", &jsonl);
	buf_adds(&page, "{\"items\":[");
	for (s = buf_str(&jsonl); (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
		if (s != jsonl.s)
			buf_addc(&page, ',');
		buf_add(&page, s, (size_t)(nl - s));
	}
	buf_adds(&page, "],\"count\":4,\"cursor\":\"W3siaWQiOiJ4In1d\",\"total\":4}");
	for (step = 1; step <= page.len; step = step * 7 + 1) {
		p = read_answer(&r, page.s, page.len, 4, 0, step);
		ok(p != NULL, "the fixture page parses in pieces of %zu", step);
		if (!p)
			continue;
		is_str(buf_str(&got), want, "items, their fields and lists (pieces of %zu)", step);
		ok(p->have_items && p->nitems == 4, "4 items in the list");
		ok(p->have_cursor && strcmp(p->cursor, "W3siaWQiOiJ4In1d") == 0, "the cursor");
		ok(p->have_total && p->total == 4, "the total");
		ok(!p->have_error, "no error");
	}
	/* no fields asked: the same items */
	p = read_answer(&r, page.s, page.len, 0, 0, page.len);
	is_str(buf_str(&got), "1 peterparleystal00good\n2 taleswonders00parl\n"
	    "3 geographieparl00good\n4 lendingparley00good\n",
	    "without fields the items are the same");
	ia_scrape_free(r);
	buf_free(&jsonl);
	buf_free(&page);
}

static void
test_seed(const char *name, struct buf *b)
{
	buf_reset(b);
	buf_printf(b, "tests/fuzz/seeds/fuzz-ia-scrape/%s", name);
	files_slurp(buf_str(b), b);
}

static void
test_answers(void)
{
	struct buf b = BUF_INIT, msg = BUF_INIT;
	struct ia_scrape *r = NULL;
	const struct ia_scrape_page *p;
	const char *s;

	test_seed("scrape-collection-nasa.json", &b);
	p = read_answer(&r, b.s, b.len, 0, 0, 100);
	ok(p && p->have_items && strncmp(buf_str(&got), "1 00-042-154\n2 00-042-32\n", 25) == 0,
	    "a real scrape page: its first identifiers");
	ok(p && p->have_cursor && p->cursorlen > 0, "and a cursor");

	test_seed("count-rows-0.json", &b);
	p = read_answer(&r, b.s, b.len, 0, 1, b.len);
	ok(p && p->have_count && p->count_ok && p->count_n == 4 && strcmp(p->count, "4") == 0,
	    "advancedsearch rows=0: numFound 4");
	p = read_answer(&r, "{\"response\":{\"numFound\":4.5}}", 29, 0, 1, 3);
	ok(p && p->have_count && !p->count_ok && strcmp(p->count, "4.5") == 0,
	    "numFound 4.5 is not a count");

	test_seed("error-solr-object.json", &b);
	p = read_answer(&r, b.s, b.len, 0, 0, b.len);
	ok(p && p->have_error && !p->have_items, "a Solr error answer");
	is_str(p ? p->error : "", "org.apache.solr.search.SyntaxError: Cannot parse",
	    "its message is the first string under error");
	ok(ia_scrape_error_body(b.s, b.len, &msg) == 1 && strcmp(buf_str(&msg),
	    "org.apache.solr.search.SyntaxError: Cannot parse") == 0,
	    "the same message from the body of a failed request");
	ok(ia_scrape_error_body("<html>", 6, &msg) == 0 && msg.len == 0, "an HTML body has none");
	p = read_answer(&r, "{\"error\":{\"code\":503}}", 22, 0, 0, 1);
	ok(p && p->have_error && strcmp(p->error, "503") == 0, "else its first number");

	test_seed("malformed-missing-comma", &b);
	p = read_answer(&r, b.s, b.len, 0, 0, b.len);
	ok(p == NULL, "a missing comma is bad JSON");
	is_int(ia_scrape_error_line(r), 4, "on line 4");
	/* the bytes read up to and including the unexpected '{' */
	is_int(ia_scrape_error_offset(r), 40, "at byte 40");
	ok(strlen(ia_scrape_error(r)) > 0, "with a message: %s", ia_scrape_error(r));

	s = "{\"items\":[{\"identifier\":\"\"},3,[1,{\"identifier\":\"z\"}],"
	    "{\"title\":\"x\"},{\"identifier\":\"ok\",\"year\":null,\"creator\":[\"a\",7]}]}";
	p = read_answer(&r, s, strlen(s), 4, 0, 5);
	is_str(buf_str(&got), "1 bad no id\n2 bad not object\n3 bad not object\n4 bad no id\n"
	    "5 ok||||a;7\n", "bad items are counted and reported with their place");
	ok(p && p->nitems == 5 && !p->have_cursor && !p->have_total, "5 items, no cursor");
	p = read_answer(&r, "[1,2]", 5, 0, 0, 5);
	ok(p && !p->have_items, "an array is not a scrape page");
	ia_scrape_free(r);
	buf_free(&b);
	buf_free(&msg);
}

static void
page_of(struct ia_scrape_page *p, unsigned long nitems, const char *cursor, long total)
{
	memset(p, 0, sizeof *p);
	p->have_items = 1;
	p->nitems = nitems;
	p->have_cursor = cursor != NULL;
	p->cursor = cursor ? cursor : "";
	p->cursorlen = strlen(p->cursor);
	p->have_total = total >= 0;
	p->total = total >= 0 ? (unsigned long long)total : 0;
}

static void
test_search(void)
{
	struct ia_scrape_search s;
	struct ia_scrape_page p;

	memset(&s, 0, sizeof s);
	page_of(&p, 2, "c1", 5);
	is_int(ia_scrape_take(&s, &p), IA_SCRAPE_OK, "page 1 taken");
	is_int(ia_scrape_next(&s, &p), IA_SCRAPE_NEXT, "it has a cursor: next page");
	ok(s.have_cursor && strcmp(buf_str(&s.cursor), "c1") == 0, "asked for with c1");
	page_of(&p, 1, "c1", 3);
	is_int(ia_scrape_take(&s, &p), IA_SCRAPE_SAME_CURSOR, "the same cursor again: stop");
	is_int(s.received, 2, "that page is not counted");
	page_of(&p, 1, NULL, 3);
	is_int(ia_scrape_take(&s, &p), IA_SCRAPE_OK, "the last page taken");
	ok(s.received == 3 && s.total == 5 && s.pages == 2, "3 items of the 5 the first page said");
	is_int(ia_scrape_next(&s, &p), IA_SCRAPE_INCOMPLETE, "incomplete");
	page_of(&p, 4, NULL, -1);
	is_int(ia_scrape_take(&s, &p), IA_SCRAPE_OK, "one more page");
	is_int(ia_scrape_next(&s, &p), IA_SCRAPE_MORE, "7 items: more than 5");
	ia_scrape_search_free(&s);

	memset(&s, 0, sizeof s);
	page_of(&p, 0, NULL, 0);
	is_int(ia_scrape_take(&s, &p), IA_SCRAPE_OK, "an empty result");
	is_int(ia_scrape_next(&s, &p), IA_SCRAPE_DONE, "is done");
	p.have_error = 1;
	is_int(ia_scrape_take(&s, &p), IA_SCRAPE_SERVER_ERROR, "an error answer");
	p.have_error = p.have_items = 0;
	is_int(ia_scrape_take(&s, &p), IA_SCRAPE_NOT_SCRAPE, "no items list");
	ia_scrape_search_free(&s);

	/* the scrape API's early end: a page in mid-listing with no items, no
	 * cursor and "total": null */
	memset(&s, 0, sizeof s);
	page_of(&p, 2, "c1", 5);
	is_int(ia_scrape_take(&s, &p), IA_SCRAPE_OK, "page 1 of an early end");
	is_int(ia_scrape_next(&s, &p), IA_SCRAPE_NEXT, "next");
	page_of(&p, 0, NULL, -1);
	is_int(ia_scrape_take(&s, &p), IA_SCRAPE_OK, "an empty page without cursor or total");
	is_int(ia_scrape_next(&s, &p), IA_SCRAPE_EARLY_END, "2 of 5: an early end");
	ok(s.have_cursor && strcmp(buf_str(&s.cursor), "c1") == 0 && s.received == 2,
	    "the cursor to ask again with is kept");
	page_of(&p, 3, NULL, -1);
	is_int(ia_scrape_take(&s, &p), IA_SCRAPE_OK, "asked again: the rest");
	is_int(ia_scrape_next(&s, &p), IA_SCRAPE_DONE, "5 of 5: done");
	ia_scrape_search_free(&s);

	memset(&s, 0, sizeof s);
	page_of(&p, 0, NULL, 4);
	is_int(ia_scrape_take(&s, &p), IA_SCRAPE_OK, "a first page without items says 4");
	is_int(ia_scrape_next(&s, &p), IA_SCRAPE_EARLY_END, "an early end too");
	ok(!s.have_cursor, "asked again without a cursor");
	ia_scrape_search_free(&s);
}

static void
test_whole_number(void)
{
	unsigned long long n = 7;

	ok(ia_scrape_whole_number("0", 1, &n) && n == 0, "0");
	ok(ia_scrape_whole_number("18446744073709551615", 20, &n) && n == 18446744073709551615ULL,
	    "the largest that fits");
	ok(!ia_scrape_whole_number("18446744073709551616", 20, &n), "one more does not");
	ok(!ia_scrape_whole_number("1.5", 3, &n), "1.5");
	ok(!ia_scrape_whole_number("-1", 2, &n), "-1");
	ok(!ia_scrape_whole_number("1e3", 3, &n), "1e3");
	ok(!ia_scrape_whole_number("", 0, &n), "nothing");
}

static void
test_urls(void)
{
	static const char *const f[] = { "year", "identifier", "date" };
	struct buf url = BUF_INIT, cursor = BUF_INIT;

	ia_scrape_url(&url, "http://h", f, 3, "peter parley", 10000, NULL);
	is_str(buf_str(&url), "http://h/services/search/v1/scrape?fields=identifier%2Cyear%2Cdate"
	    "&q=peter%20parley&count=10000", "the first page: identifier first, once");
	buf_adds(&cursor, "W3s+/=");
	ia_scrape_url(&url, "http://h", NULL, 0, "collection:x", 100, &cursor);
	is_str(buf_str(&url), "http://h/services/search/v1/scrape?fields=identifier"
	    "&q=collection%3Ax&count=100&cursor=W3s%2B%2F%3D", "a later page, with its cursor");
	ia_scrape_count_url(&url, "http://h/nonum", "collection:x");
	is_str(buf_str(&url), "http://h/nonum/advancedsearch.php?q=collection%3Ax&rows=0"
	    "&output=json", "the count");
	buf_free(&url);
	buf_free(&cursor);
}

int
main(void)
{
	diag_init("test-ia-scrape");
	test_fixture_page();
	test_answers();
	test_search();
	test_whole_number();
	test_urls();
	buf_free(&got);
	return tap_done();
}
