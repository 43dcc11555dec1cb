/* test-ia-item: which ABBYY file an Internet Archive item has (ia_item.h),
 * on the metadata fixtures under tests/fixtures/ia/metadata/ and on small
 * inline bodies; whole and in pieces; a retried body; download URLs. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "ia_item.h"
#include "io.h"

#define DIR	"tests/fixtures/ia/metadata/"

/* The verdict on body[0..n) fed in pieces of step bytes; the chosen file
 * name (or "") in name. */
static int
verdict(const char *body, size_t n, size_t step, struct buf *name)
{
	struct ia_item m;
	size_t i;
	int r;

	ia_item_init(&m);
	for (i = 0; i < n; i += step)
		if (ia_item_feed(&m, body + i, n - i < step ? n - i : step) != 0)
			break;
	r = ia_item_end(&m);
	buf_reset(name);
	buf_adds(name, ia_item_file(&m) ? ia_item_file(&m) : "");
	ia_item_free(&m);
	return r;
}

static void
file_is(const char *file, int want, const char *want_name)
{
	struct buf body = BUF_INIT, name = BUF_INIT;
	struct io_in *in = io_open(file);
	char chunk[8192];
	ssize_t k;
	static const size_t steps[] = { 1, 7, 4096, 1 << 20 };
	size_t i;

	while (in && (k = io_read(in, chunk, sizeof chunk)) > 0)
		buf_add(&body, chunk, (size_t)k);
	ok(in && body.len > 0, "%s reads", file);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		is_int(verdict(body.s, body.len, steps[i], &name), want, "%s, pieces of %zu: verdict",
		    file, steps[i]);
		is_str(buf_str(&name), want_name, "%s, pieces of %zu: file", file, steps[i]);
	}
	if (in)
		io_close(in);
	buf_free(&body);
	buf_free(&name);
}

static void
body_is(const char *body, int want, const char *want_name, const char *what)
{
	struct buf name = BUF_INIT;

	is_int(verdict(body, strlen(body), strlen(body) + 1, &name), want, "%s: verdict", what);
	is_str(buf_str(&name), want_name, "%s: file", what);
	is_int(verdict(body, strlen(body), 2, &name), want, "%s in pieces: verdict", what);
	buf_free(&name);
}

static void
test_fixtures(void)
{
	file_is(DIR "journalofexpedit00ford.json", IA_ITEM_FILE, "journalofexpedit00ford_abbyy.gz");
	file_is(DIR "collapse00jare.json", IA_ITEM_PRIVATE, "collapse00jare_abbyy.gz");
	file_is(DIR "nasa.json", IA_ITEM_NO_ABBYY, "");
}

static void
test_inline(void)
{
	body_is("{}", IA_ITEM_UNKNOWN, "", "no dir: unknown");
	body_is("{\"dir\":\"/1/items/x\"}", IA_ITEM_NO_ABBYY, "", "no files");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"x_abbyy.gz\"},{\"name\":\"y.gz\","
	    "\"format\":\"Abbyy GZ\"}]}", IA_ITEM_FILE, "y.gz", "the format wins over the name");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"a_ABBYY.GZ\"},{\"name\":\"b_abbyy.gz\"}]}",
	    IA_ITEM_FILE, "a_ABBYY.GZ", "the first name, any case");
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\",\"name\":\"s/x.gz\","
	    "\"private\":\"false\"}]}", IA_ITEM_FILE, "s/x.gz", "a file in a sub-folder");
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"abbyy gz\",\"name\":\"p.gz\","
	    "\"private\":true}]}", IA_ITEM_PRIVATE, "p.gz", "private as a JSON true");
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\",\"name\":\"../x.gz\"}]}",
	    IA_ITEM_UNSAFE, "../x.gz", "a name leaving the folder");
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\",\"name\":\"a//x.gz\"}]}",
	    IA_ITEM_UNSAFE, "a//x.gz", "an empty segment");
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\",\"name\":\"a\\nb\"}]}",
	    IA_ITEM_UNSAFE, "a\nb", "a control byte");
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\"}]}", IA_ITEM_NO_ABBYY, "",
	    "a file without a name");
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\",\"name\":\"x.gz\"}", IA_ITEM_BAD_JSON,
	    "x.gz", "cut short");
	body_is("<html>", IA_ITEM_BAD_JSON, "", "not JSON");
}

static void
test_json_error(void)
{
	struct ia_item m;
	const char *body = "{\n\"dir\": \"d\",\n\"files\": [}\n";
	unsigned long line = 0;

	ia_item_init(&m);
	is_int(ia_item_feed(&m, body, strlen(body)), 1, "bad JSON stops the feed");
	is_int(ia_item_end(&m), IA_ITEM_BAD_JSON, "bad JSON: verdict");
	ok(ia_item_json_error(&m, &line) != NULL, "bad JSON: a message");
	is_int(line, 3, "bad JSON: on line 3");
	ia_item_free(&m);
}

/* A retried transfer: the first body's choice is forgotten. */
static void
test_reset(void)
{
	struct ia_item m;
	const char *a = "{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\",\"name\":\"first.gz\"";
	const char *b = "{\"dir\":\"d\",\"files\":[{\"name\":\"second_abbyy.gz\"}]}";

	ia_item_init(&m);
	is_int(ia_item_feed(&m, a, strlen(a)), 0, "a first body, cut");
	ia_item_reset(&m);
	is_int(ia_item_feed(&m, b, strlen(b)), 0, "the retried body");
	is_int(ia_item_end(&m), IA_ITEM_FILE, "after a retry: verdict");
	is_str(ia_item_file(&m), "second_abbyy.gz", "after a retry: the second body's file");
	ia_item_free(&m);

	ia_item_init(&m);
	is_int(ia_item_feed(&m, "<html>", 6), 1, "a bad first body");
	ia_item_reset(&m);
	is_int(ia_item_feed(&m, b, strlen(b)), 0, "the retried body after a bad one");
	is_int(ia_item_end(&m), IA_ITEM_FILE, "after a bad body and a retry: verdict");
	ia_item_free(&m);
}

static void
test_url(void)
{
	struct buf u = BUF_INIT;

	ia_item_url(&u, "https://archive.org", "journalofexpedit00ford",
	    "journalofexpedit00ford_abbyy.gz");
	is_str(buf_str(&u), "https://archive.org/download/journalofexpedit00ford/"
	    "journalofexpedit00ford_abbyy.gz?cnt=0", "download URL");
	buf_reset(&u);
	ia_item_url(&u, "http://127.0.0.1:8080", "x", "sub dir/a b?#%.gz");
	is_str(buf_str(&u), "http://127.0.0.1:8080/download/x/sub%20dir/a%20b%3F%23%25.gz?cnt=0",
	    "download URL: each segment escaped, slashes kept");
	buf_free(&u);
}

int
main(void)
{
	diag_init("test-ia-item");
	test_fixtures();
	test_inline();
	test_json_error();
	test_reset();
	test_url();
	return tap_done();
}
