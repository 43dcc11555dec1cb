/* test-pages: page rows' names on disk, on the rows of page-fetch's cases
 * (folder names, path traversal, crop boxes) against the paths their
 * expected output shows, and edge cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "io.h"
#include "pages.h"
#include "tsv.h"
#include "xmem.h"

/* Check each row of rows against the same line of expout, where status
 * and path are fields st and st + 1: "ok" and the path, or
 * "failed:bad-WHAT" and no path. */
static void
case_rows(const char *c, int st)
{
	struct buf rp = BUF_INIT, ep = BUF_INIT, rl = BUF_INIT, el = BUF_INIT, want = BUF_INIT;
	struct io_in *rows, *exp;
	struct tsv_field ef[8];
	int n = 0;

	buf_printf(&rp, "tests/cases/page-fetch/%s/rows", c);
	buf_printf(&ep, "tests/cases/page-fetch/%s/expout", c);
	rows = io_open(buf_str(&rp));
	exp = io_open(buf_str(&ep));
	if (!ok(rows && exp, "%s: rows and expout", c))
		return;
	while (io_getline(rows, &rl) > 0 && io_getline(exp, &el) > 0) {
		struct pages_names nm;
		struct pages_row r;
		char *path, *name, *status;
		const char *what;
		size_t k;
		if (pages_row_read(&r, buf_str(&rl), rl.len, &k) != PAGES_ROW ||
		    tsv_split(buf_str(&el), el.len, ef, 8) < (size_t)st + 2)
			break;
		status = xstrndup(ef[st].s, ef[st].len);
		what = pages_names(&nm, r.library, r.id, r.page, r.url);
		if (strcmp(status, "ok") == 0) {
			ok(what == NULL, "%s:%d: named", c, n + 1);
			name = xmalloc(strlen(nm.base) + 5);
			sprintf(name, "%s.jpg", nm.base);
			path = pages_path("out", nm.lib, nm.folder, name);
			buf_reset(&want);
			buf_add(&want, ef[st + 1].s, ef[st + 1].len);
			is_str(path, buf_str(&want), "%s:%d: path", c, n + 1);
			free(name);
			free(path);
		} else {
			buf_reset(&want);
			buf_printf(&want, "failed:bad-%s", what ? what : "(none)");
			is_str(status, buf_str(&want), "%s:%d: refused", c, n + 1);
		}
		pages_names_free(&nm);
		pages_row_free(&r);
		free(status);
		n++;
	}
	ok(n >= 6, "%s: %d rows", c, n);
	io_close(rows);
	io_close(exp);
	buf_free(&rp);
	buf_free(&ep);
	buf_free(&rl);
	buf_free(&el);
	buf_free(&want);
}

static void
map_is(const char *s, int keep_comma, const char *want)
{
	char *got = pages_mapped(s, keep_comma);

	is_str(got, want, "'%s'%s", s, keep_comma ? " (a page)" : "");
	free(got);
}

static void
path_is(const char *dir, const char *want)
{
	char *got = pages_path(dir, "l", "f", "p.jpg");

	is_str(got, want, "in '%s'", dir);
	free(got);
}

static int
row(struct pages_row *r, const char *s, size_t *n)
{
	return pages_row_read(r, s, strlen(s), n);
}

static void
test_rows(void)
{
	struct pages_row r;
	size_t n;

	is_int(row(&r, "library\tid\tpage\turl\tlabel", &n), PAGES_HEADER,
	    "the header");
	is_int(row(&r, "ia\tb\t5", &n), PAGES_SHORT, "three fields are too few");
	is_int(n, 3, "and counted");
	is_int(row(&r, "library\tid\tpage\tURL", &n), PAGES_ROW,
	    "a header is named exactly");
	pages_row_free(&r);
	if (is_int(row(&r, "a\\tb\tx\\y\tp\\n\thttp://h/\tmore\tcols", &n),
	    PAGES_ROW, "a row with more columns")) {
		is_str(r.library, "a\tb", "library decoded");
		is_str(r.id, "x\\y", "id: other backslashes stay");
		is_str(r.page, "p\n", "page decoded");
		is_str(r.url, "http://h/", "url");
		is_int(n, 6, "6 fields counted");
	}
	pages_row_free(&r);
	ok(r.library == NULL, "freed");
}

int
main(void)
{
	struct pages_names nm;

	test_rows();

	case_rows("011-folder-names", 3);
	case_rows("012-path-traversal", 3);
	map_is("a,b", 0, "a^2cb");
	map_is("a,b", 1, "a,b");
	map_is("ark:/13960/t0", 0, "ark+=13960=t0");
	map_is("..", 0, "..");
	map_is("\x7f\x80 ", 0, "^7f^80^20");
	map_is("", 0, "");
	ok(pages_bad_name("") && pages_bad_name(".") && pages_bad_name(".."),
	    "'', '.' and '..' cannot name a folder");
	ok(!pages_bad_name("...") && !pages_bad_name(".a") && !pages_bad_name("a."),
	    "'...', '.a' and 'a.' can");
	is_str(pages_names(&nm, "ia", "b", "5", "https://h/iiif/b$5/pct:10,10,50,50/full/0/x.jpg"),
	    NULL, "a cropped page");
	is_str(nm.base, "5_pct+10,10,50,50", "is named after its region");
	pages_names_free(&nm);
	is_str(pages_names(&nm, "ia", "b", "", "https://h/iiif/b$5/1,2,3,4/full/0/x.jpg"), "page",
	    "an empty page is refused even with a region");
	is_str(nm.base, "_1,2,3,4", "(its name would be the region alone)");
	pages_names_free(&nm);
	is_str(pages_names(&nm, ".", "..", "", "x"), "library", "the library is named first");
	pages_names_free(&nm);
	path_is("out", "out/l/f/p.jpg");
	path_is("out//", "out/l/f/p.jpg");
	path_is("/", "/l/f/p.jpg");
	path_is("//", "/l/f/p.jpg");
	path_is("/srv/x/", "/srv/x/l/f/p.jpg");
	return tap_done();
}
