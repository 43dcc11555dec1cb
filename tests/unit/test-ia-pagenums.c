/* test-ia-pagenums: an Internet Archive item's page numbers
 * (ia_pagenums.h): the Tesseract fixture's _page_numbers.json, small
 * documents written here (fed whole and in pieces of 1 to 7 bytes, with
 * the same leaves or the same error and line), files plain and gzip, and
 * a retried body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tap.h"
#include "files.h"

#include "buf.h"
#include "diag.h"
#include "ia_pagenums.h"

#define FIXTURE	"tests/fixtures/tesseract/platessample00test_page_numbers.json"

static char dir[4096];

/* The leaves ("1,2,3"), or "error LINE: MESSAGE". */
static void
describe(struct ia_pagenums *p, int rc, struct buf *out)
{
	const char *msg;
	unsigned long line;
	size_t i;

	buf_reset(out);
	buf_add(out, "", 0);
	if (rc != 0) {
		msg = ia_pagenums_error(p, &line);
		buf_printf(out, "error %lu: %s", line, msg ? msg : "(no message)");
		return;
	}
	for (i = 0; i < p->n; i++)
		buf_printf(out, "%s%ld", i ? "," : "", ia_pagenums_leaf(p, i));
}

/* body[0..n) fed in pieces of step bytes. */
static int
read_body(const char *body, size_t n, size_t step, struct buf *out)
{
	struct ia_pagenums p;
	size_t i;
	int rc = 0;

	ia_pagenums_init(&p);
	for (i = 0; i < n; i += step)
		if (ia_pagenums_feed(&p, body + i, n - i < step ? n - i : step) != 0) {
			rc = -1;
			break;
		}
	if (rc == 0)
		rc = ia_pagenums_end(&p);
	describe(&p, rc, out);
	ia_pagenums_free(&p);
	return rc;
}

static void
body_n_is(const char *body, size_t n, int want_rc, const char *want, const char *what)
{
	struct buf out = BUF_INIT;
	size_t step;
	int same = 1;

	is_int(read_body(body, n, n ? n : 1, &out), want_rc, "%s: result", what);
	is_str(buf_str(&out), want, "%s: leaves or error", what);
	for (step = 1; step <= 7; step++)
		if (read_body(body, n, step, &out) != want_rc || strcmp(buf_str(&out), want) != 0) {
			printf("# %s: pieces of %zu give: %s\n", what, step, buf_str(&out));
			same = 0;
		}
	ok(same, "%s: the same in pieces of 1 to 7 bytes", what);
	buf_free(&out);
}

static void
body_is(const char *body, int want_rc, const char *want, const char *what)
{
	body_n_is(body, strlen(body), want_rc, want, what);
}

static void
test_fixture(void)
{
	struct buf body = BUF_INIT, err = BUF_INIT;
	struct ia_pagenums p;
	size_t i;
	int right = 1;

	files_slurp(FIXTURE, &body);
	body_n_is(body.s, body.len, 0, "1,2,3,4,5,6,7,8,9", "the fixture's page numbers");

	ia_pagenums_init(&p);
	is_int(ia_pagenums_read_file(&p, FIXTURE, &err), 0, "the fixture read as a file");
	is_str(buf_str(&err), "", "the fixture: no message");
	is_int(p.n, 9, "the fixture: 9 access pages");
	for (i = 0; i < 9; i++)
		right &= ia_pagenums_leaf(&p, i) == (long)i + 1;
	ok(right, "the fixture: access page i is leaf i+1");
	is_int(ia_pagenums_leaf(&p, 9), -1, "the fixture: no access page 9");
	is_int(ia_pagenums_leaf(&p, (size_t)-1), -1, "the fixture: no access page SIZE_MAX");
	ok(ia_pagenums_error(&p, NULL) == NULL, "the fixture: no error");
	ia_pagenums_free(&p);
	buf_free(&body);
	buf_free(&err);
}

static void
test_leaves(void)
{
	body_is("{\"pages\":[{\"leafNum\":\"12\",\"pageNumber\":\"3\"},{\"leafNum\":0},"
	    "{\"pageNumber\":\"x\",\"leafNum\":\"007\"}]}", 0, "12,0,7",
	    "leafNum as a string of digits, 0, leading zeros in a string");
	body_is("{\"pages\":[]}", 0, "", "an empty list");
	body_is("{\"identifier\":\"x\",\"pages\":[{\"leafNum\":1,\"x\":{\"leafNum\":\"bad\"},"
	    "\"y\":[{\"leafNum\":null}]}],\"z\":{\"pages\":7}}", 0, "1",
	    "leafNum and pages elsewhere are not the pages");
	body_is("{\"pages\":[{\"leafNum\":5}],\"pages\":[{\"leafNum\":6},{\"leafNum\":7}]}", 0, "6,7",
	    "a second pages list replaces the first");
	body_is("{\"pages\":[{\"leafNum\":9223372036854775807}]}", 0, "9223372036854775807",
	    "the largest leaf that fits");
}

static void
test_bad(void)
{
	body_is("{\n \"pages\": [\n  {\"leafNum\": 1},\n  {\"leafNum\": 1.5}\n ]\n}\n", -1,
	    "error 4: page 1: leafNum is not a whole number", "leafNum 1.5");
	body_is("{\n \"pages\": [\n  {\"leafNum\": -1}\n ]\n}\n", -1,
	    "error 3: page 0: leafNum is not a whole number", "leafNum -1");
	body_is("{\"pages\": [{\"leafNum\": 1},\n{\"leafNum\": 2},\n{\"leafNum\": 3},\n"
	    "{\"leafNum\": \"x\"}]}", -1, "error 4: page 3: leafNum is not a whole number",
	    "leafNum \"x\"");
	body_is("{\"pages\": [\n{\"leafNum\": null}]}", -1,
	    "error 2: page 0: leafNum is not a whole number", "leafNum null");
	body_is("{\"pages\": [\n{\"leafNum\": \"\"}]}", -1,
	    "error 2: page 0: leafNum is not a whole number", "leafNum \"\"");
	body_is("{\"pages\": [\n{\"leafNum\": \"-3\"}]}", -1,
	    "error 2: page 0: leafNum is not a whole number", "leafNum \"-3\"");
	body_is("{\"pages\": [\n{\"leafNum\": 1e2}]}", -1,
	    "error 2: page 0: leafNum is not a whole number", "leafNum 1e2");
	body_is("{\"pages\": [\n{\"leafNum\": true}]}", -1,
	    "error 2: page 0: leafNum is not a whole number", "leafNum true");
	body_is("{\"pages\": [\n{\"leafNum\": [1]}]}", -1,
	    "error 2: page 0: leafNum is not a whole number", "leafNum a list");
	body_is("{\"pages\": [\n{\"leafNum\": 9223372036854775808}]}", -1,
	    "error 2: page 0: leafNum is not a whole number", "leafNum too large");
	body_is("{\"pages\": [\n{\"leafNum\": 1},\n{\"pageNumber\": \"2\"\n}\n]}", -1,
	    "error 4: page 1: no leafNum", "a page without leafNum");
	body_is("{\"pages\": [\n{\"leafNum\": 1},\n7]}", -1, "error 3: page 1: not an object",
	    "a page that is not an object");
	body_is("{\n\"pages\": {\"leafNum\": 1}}", -1, "error 2: \"pages\" is not a list",
	    "pages not a list");
	body_is("{\"identifier\": \"x\"}", -1, "error 0: no \"pages\" list: not a page numbers file",
	    "no pages list");
	body_is("[{\"leafNum\": 1}]", -1, "error 0: no \"pages\" list: not a page numbers file",
	    "a bare list");
}

/* Not JSON: the JSON stream's own message, and its line. */
static void
test_not_json(void)
{
	struct buf out = BUF_INIT, whole = BUF_INIT;
	size_t step;
	int same = 1;

	is_int(read_body("\n<html>", 7, 7, &whole), -1, "not JSON: refused");
	ok(strncmp(buf_str(&whole), "error 2: ", 9) == 0 && whole.len > 9,
	    "not JSON: a message on line 2 (%s)", buf_str(&whole));
	for (step = 1; step <= 7; step++)
		same &= read_body("\n<html>", 7, step, &out) == -1 && strcmp(out.s, whole.s) == 0;
	ok(same, "not JSON: the same in pieces");
	is_int(read_body("{\"pages\":[{\"leafNum\":1}", 23, 23, &out), -1, "cut short: refused");
	ok(strstr(buf_str(&out), "premature end") != NULL, "cut short: says so (%s)", buf_str(&out));
	is_int(read_body("", 0, 1, &out), -1, "empty: refused");
	buf_free(&out);
	buf_free(&whole);
}

/* Write s[0..n) to path, gzip-compressed or not. */
static void
write_file(const char *path, const char *s, size_t n, int gzip)
{
	FILE *f;
	gzFile g;

	if (gzip) {
		if (!(g = gzopen(path, "wb")) || gzwrite(g, s, (unsigned)n) != (int)n ||
		    gzclose(g) != Z_OK)
			diag_die(2, "%s: cannot write", path);
	} else if (!(f = fopen(path, "wb")) || fwrite(s, 1, n, f) != n || fclose(f) != 0) {
		diag_die_errno(2, "%s", path);
	}
}

/* A file written with s (gzip or not) is refused with the message
 * PATH + want, or with PATH + ":" when want is NULL. */
static void
file_refused(const char *name, const char *s, int gzip, const char *want, const char *what)
{
	struct ia_pagenums p;
	struct buf path = BUF_INIT, err = BUF_INIT, msg = BUF_INIT;

	buf_printf(&path, "%s/%s", dir, name);
	if (s)
		write_file(path.s, s, strlen(s), gzip);
	ia_pagenums_init(&p);
	is_int(ia_pagenums_read_file(&p, path.s, &err), -1, "%s: refused", what);
	if (want) {
		buf_printf(&msg, "%s%s", path.s, want);
		is_str(buf_str(&err), msg.s, "%s: the message", what);
	} else {
		ok(strncmp(buf_str(&err), path.s, path.len) == 0 && err.s[path.len] == ':',
		    "%s: the file named (%s)", what, buf_str(&err));
	}
	ia_pagenums_free(&p);
	buf_free(&path);
	buf_free(&err);
	buf_free(&msg);
}

static void
test_files(void)
{
	struct ia_pagenums p;
	struct buf path = BUF_INIT, err = BUF_INIT, body = BUF_INIT;

	files_slurp(FIXTURE, &body);
	buf_printf(&path, "%s/x_page_numbers.json.gz", dir);
	write_file(path.s, body.s, body.len, 1);
	ia_pagenums_init(&p);
	is_int(ia_pagenums_read_file(&p, path.s, &err), 0, "gzip file: read");
	is_int(p.n, 9, "gzip file: 9 pages");
	is_int(ia_pagenums_leaf(&p, 8), 9, "gzip file: access page 8 is leaf 9");
	ia_pagenums_free(&p);

	file_refused("bad_page_numbers.json", "{\"pages\": [\n{\"leafNum\": 1},\n{\"leafNum\": 2},\n"
	    "{\"leafNum\": 3},\n{\"leafNum\": 4.5}]}", 0,
	    ":5: page 3: leafNum is not a whole number", "a bad leafNum in a file");
	file_refused("bad.json.gz", "{\"pages\": [\n{\"leafNum\": 1},\n{\"leafNum\": \"x\"}]}", 1,
	    ":3: page 1: leafNum is not a whole number", "a bad leafNum in a gzip file");
	file_refused("none.json", "{\"identifier\": \"x\"}\n", 0,
	    ": no \"pages\" list: not a page numbers file", "no pages list in a file");
	file_refused("missing.json", NULL, 0, ": No such file or directory", "a missing file");

	/* a gzip file cut in its middle */
	buf_reset(&path);
	buf_printf(&path, "%s/cut.json.gz", dir);
	write_file(path.s, body.s, body.len, 1);
	files_slurp(path.s, &err);
	buf_truncate(&err, err.len / 2);
	write_file(path.s, err.s, err.len, 0);
	file_refused("cut.json.gz", NULL, 0, NULL, "a cut gzip file");

	buf_free(&path);
	buf_free(&err);
	buf_free(&body);
}

/* A retried transfer: what came before is forgotten. */
static void
test_reset(void)
{
	struct ia_pagenums p;
	const char *a = "{\"pages\":[{\"leafNum\":5},{\"leafNum\":6";
	const char *b = "{\"pages\":[{\"leafNum\":1}]}";
	const char *c = "{\"pages\":[\n{\"leafNum\":1},\n", *d = "{\"leafNum\":\"?\"}]}";
	unsigned long line = 0;

	ia_pagenums_init(&p);
	is_int(ia_pagenums_feed(&p, a, strlen(a)), 0, "a first body, cut");
	ia_pagenums_reset(&p);
	is_int(ia_pagenums_feed(&p, b, strlen(b)), 0, "the retried body");
	is_int(ia_pagenums_end(&p), 0, "after a retry: read");
	is_int(p.n, 1, "after a retry: one page");
	is_int(ia_pagenums_leaf(&p, 0), 1, "after a retry: the second body's leaf");
	ia_pagenums_free(&p);

	ia_pagenums_init(&p);
	is_int(ia_pagenums_feed(&p, "{\"pages\":[{\"leafNum\":-5}]}", 26), 1, "a bad first body");
	is_int(ia_pagenums_feed(&p, "{", 1), 1, "a broken body takes no more");
	ia_pagenums_reset(&p);
	ok(ia_pagenums_error(&p, NULL) == NULL, "after a reset: no error");
	is_int(ia_pagenums_feed(&p, b, strlen(b)), 0, "the retried body after a bad one");
	is_int(ia_pagenums_end(&p), 0, "after a bad body and a retry: read");
	is_int(ia_pagenums_leaf(&p, 0), 1, "after a bad body and a retry: the leaf");
	ia_pagenums_free(&p);

	/* as an HTTP body: json_body_feed on the struct itself */
	ia_pagenums_init(&p);
	is_int(json_body_feed(&p, c, strlen(c)), 0, "json_body_feed: a first piece");
	is_int(json_body_feed(&p, d, strlen(d)), 1, "json_body_feed: a bad leafNum stops");
	is_str(ia_pagenums_error(&p, &line), "page 1: leafNum is not a whole number",
	    "json_body_feed: the message");
	is_int(line, 3, "json_body_feed: its line");
	ia_pagenums_free(&p);
}

int
main(void)
{
	diag_init("test-ia-pagenums");
	if (files_tmpdir(dir, sizeof dir, "test-ia-pagenums") != 0)
		return 2;
	test_fixture();
	test_leaves();
	test_bad();
	test_not_json();
	test_files();
	test_reset();
	files_rmdir(dir);
	return tap_done();
}
