/* test-json: the streaming JSON parser and its value paths. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "json.h"

/* Each event as one line: "TYPE path key=K depth=D [val]". */
struct log {
	struct buf b;
	int stop_at;	/* stop (return 1) at this event number, 0 never */
	int n;
};

static int
collect(void *arg, const struct json_event *ev)
{
	static const char *const names[] = { "null", "bool", "num", "str", "{", "}", "[", "]" };
	struct log *l = arg;

	l->n++;
	buf_printf(&l->b, "%s %s key=%s depth=%d", names[ev->type], ev->path,
	    ev->key ? ev->key : "(null)", ev->depth);
	if (ev->val) {
		buf_adds(&l->b, " ");
		buf_add(&l->b, ev->val, ev->len);
	}
	buf_addc(&l->b, '\n');
	if (ev->pathlen != strlen(ev->path))
		buf_adds(&l->b, "!pathlen\n");
	if (ev->key && !(ev->key >= ev->path && ev->key + strlen(ev->key) == ev->path + ev->pathlen))
		buf_adds(&l->b, "!key is not the end of the path\n");
	return l->stop_at && l->n == l->stop_at;
}

/* Parse doc (in chunks of step bytes, 0 = all at once) into l; returns
 * json_feed's first non-zero result, else json_finish's. */
static int
parse(struct json_stream *js, const char *doc, size_t len, size_t step)
{
	size_t i, k;
	int r;

	if (step == 0)
		step = len ? len : 1;
	for (i = 0; i < len; i += k) {
		k = len - i < step ? len - i : step;
		if ((r = json_feed(js, doc + i, k)) != 0)
			return r;
	}
	return json_finish(js);
}

/* The event log of doc parsed in chunks of step; *rc gets the result. */
static char *
events(const char *doc, size_t step, int *rc)
{
	struct log l;
	struct json_stream *js;
	char *s;

	memset(&l, 0, sizeof l);
	js = json_new(collect, &l);
	*rc = parse(js, doc, strlen(doc), step);
	json_free(js);
	s = strdup(buf_str(&l.b));
	buf_free(&l.b);
	return s;
}

/* doc must parse to want, whole and one byte at a time. */
static void
events_are(const char *doc, const char *want, const char *what)
{
	char *got;
	int rc;

	got = events(doc, 0, &rc);
	is_int(rc, 0, "%s: parses", what);
	is_str(got, want, "%s: events", what);
	free(got);
	got = events(doc, 1, &rc);
	is_int(rc, 0, "%s: parses one byte at a time", what);
	is_str(got, want, "%s: same events one byte at a time", what);
	free(got);
	got = events(doc, 3, &rc);
	is_str(got, want, "%s: same events three bytes at a time", what);
	free(got);
}

static void
test_paths(void)
{
	events_are("{\"gathers\":[{\"htitem_id\":\"a\"},{\"htitem_id\":\"b\"}]}",
	    "{  key=(null) depth=0\n"
	    "[ gathers key=gathers depth=1\n"
	    "{ gathers[] key=(null) depth=2\n"
	    "str gathers[].htitem_id key=htitem_id depth=3 a\n"
	    "} gathers[] key=(null) depth=2\n"
	    "{ gathers[] key=(null) depth=2\n"
	    "str gathers[].htitem_id key=htitem_id depth=3 b\n"
	    "} gathers[] key=(null) depth=2\n"
	    "] gathers key=gathers depth=1\n"
	    "}  key=(null) depth=0\n",
	    "gathers");

	events_are("{\"a\":[[1,2],[],[3]]}",
	    "{  key=(null) depth=0\n"
	    "[ a key=a depth=1\n"
	    "[ a[] key=(null) depth=2\n"
	    "num a[][] key=(null) depth=3 1\n"
	    "num a[][] key=(null) depth=3 2\n"
	    "] a[] key=(null) depth=2\n"
	    "[ a[] key=(null) depth=2\n"
	    "] a[] key=(null) depth=2\n"
	    "[ a[] key=(null) depth=2\n"
	    "num a[][] key=(null) depth=3 3\n"
	    "] a[] key=(null) depth=2\n"
	    "] a key=a depth=1\n"
	    "}  key=(null) depth=0\n",
	    "nested arrays");

	/* the key of the member after a nested map or array closes */
	events_are("{\"m\":{\"x\":1,\"y\":{\"z\":null}},\"next\":true,\"arr\":[false],\"last\":\"v\"}",
	    "{  key=(null) depth=0\n"
	    "{ m key=m depth=1\n"
	    "num m.x key=x depth=2 1\n"
	    "{ m.y key=y depth=2\n"
	    "null m.y.z key=z depth=3 null\n"
	    "} m.y key=y depth=2\n"
	    "} m key=m depth=1\n"
	    "bool next key=next depth=1 true\n"
	    "[ arr key=arr depth=1\n"
	    "bool arr[] key=(null) depth=2 false\n"
	    "] arr key=arr depth=1\n"
	    "str last key=last depth=1 v\n"
	    "}  key=(null) depth=0\n",
	    "keys after nested values close");

	/* a map inside an array inside a map inside an array */
	events_are("[{\"k\":[{\"j\":0}]},7]",
	    "[  key=(null) depth=0\n"
	    "{ [] key=(null) depth=1\n"
	    "[ [].k key=k depth=2\n"
	    "{ [].k[] key=(null) depth=3\n"
	    "num [].k[].j key=j depth=4 0\n"
	    "} [].k[] key=(null) depth=3\n"
	    "] [].k key=k depth=2\n"
	    "} [] key=(null) depth=1\n"
	    "num [] key=(null) depth=1 7\n"
	    "]  key=(null) depth=0\n",
	    "top-level array");

	/* top-level scalars */
	events_are("-12.5e3", "num  key=(null) depth=0 -12.5e3\n", "top-level number");
	events_are(" \"s\" ", "str  key=(null) depth=0 s\n", "top-level string");
	events_are("null", "null  key=(null) depth=0 null\n", "top-level null");

	/* empty containers, empty and odd keys */
	events_are("{\"\":{},\"a.b\":[],\"e\":\"\"}",
	    "{  key=(null) depth=0\n"
	    "{  key= depth=1\n"
	    "}  key= depth=1\n"
	    "[ a.b key=a.b depth=1\n"
	    "] a.b key=a.b depth=1\n"
	    "str e key=e depth=1 \n"
	    "}  key=(null) depth=0\n",
	    "empty containers and keys");

	/* whitespace and newlines between tokens */
	events_are("{\n  \"a\" : 1 ,\r\n\t\"b\":\n[ true ]\n}\n",
	    "{  key=(null) depth=0\n"
	    "num a key=a depth=1 1\n"
	    "[ b key=b depth=1\n"
	    "bool b[] key=(null) depth=2 true\n"
	    "] b key=b depth=1\n"
	    "}  key=(null) depth=0\n",
	    "whitespace");
}

/* Strings: UTF-8 passes through, escapes are decoded, lengths are exact. */
struct strval {
	struct buf v;
	int count;
};

static int
take_string(void *arg, const struct json_event *ev)
{
	struct strval *s = arg;

	if (ev->type == JSON_STRING) {
		buf_reset(&s->v);
		buf_add(&s->v, ev->val, ev->len);
		s->count++;
	}
	return 0;
}

static void
string_is(const char *doc, const char *want, size_t wantlen, const char *what)
{
	struct strval s;
	struct json_stream *js;
	int rc;
	size_t step;

	for (step = 0; step <= 1; step++) {
		memset(&s, 0, sizeof s);
		js = json_new(take_string, &s);
		rc = parse(js, doc, strlen(doc), step);
		ok(rc == 0 && s.count == 1 && s.v.len == wantlen && memcmp(buf_str(&s.v), want, wantlen) == 0,
		    "%s%s", what, step ? " (one byte at a time)" : "");
		json_free(js);
		buf_free(&s.v);
	}
}

static void
test_strings(void)
{
	string_is("[\"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x93\x96\"]",
	    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x93\x96", 17, "UTF-8 passes through");
	string_is("[\"\\u00e9\"]", "\xc3\xa9", 2, "\\u00e9 decodes to UTF-8");
	string_is("[\"\\ud83d\\udcd6\"]", "\xf0\x9f\x93\x96", 4, "a surrogate pair decodes");
	string_is("[\"a\\tb\\nc\\\\d\\\"e\\/f\"]", "a\tb\nc\\d\"e/f", 11, "escapes decode");
	string_is("[\"a\\u0000b\"]", "a\0b", 3, "\\u0000 gives a NUL byte, counted in len");
	string_is("{\"k\":\"\"}", "", 0, "empty string");
}

static void
test_errors(void)
{
	struct log l;
	struct json_stream *js;
	const char *doc;
	int rc;
	size_t i;

	memset(&l, 0, sizeof l);
	js = json_new(collect, &l);

	/* truncated */
	doc = "{\"gathers\":[{\"htitem_id\":\"a\"}";
	is_int(json_feed(js, doc, strlen(doc)), 0, "truncated document: feed is fine");
	is_int(json_finish(js), -1, "truncated document: finish fails");
	ok(strstr(json_error(js), "premature end") != NULL, "error says premature end (%s)", json_error(js));
	is_int(json_error_offset(js), strlen(doc), "error offset is at the end");

	/* truncated inside a string */
	json_reset(js);
	is_str(json_error(js), "", "reset clears the error");
	doc = "[\"abc";
	is_int(json_feed(js, doc, strlen(doc)), 0, "cut in a string: feed is fine");
	is_int(json_finish(js), -1, "cut in a string: finish fails");
	ok(strstr(json_error(js), "premature end") != NULL, "cut in a string: premature end");

	/* a bare number at the top level is complete only at the end */
	json_reset(js);
	is_int(json_feed(js, "12", 2), 0, "number: feed");
	is_int(json_finish(js), 0, "number: finish");

	/* empty input */
	json_reset(js);
	is_int(json_finish(js), -1, "empty input: finish fails");
	ok(strstr(json_error(js), "empty") != NULL, "empty input: says so (%s)", json_error(js));
	json_reset(js);
	is_int(json_feed(js, "", 0), 0, "feeding nothing is fine");
	is_int(json_finish(js), -1, "feeding nothing then finish fails");
	json_reset(js);
	is_int(json_feed(js, "  \n ", 4), 0, "only blanks: feed");
	is_int(json_finish(js), -1, "only blanks: finish fails");

	/* a syntax error on line 3 */
	doc = "{\n\"a\": 1,\n\"b\": x\n}\n";
	json_reset(js);
	is_int(json_feed(js, doc, strlen(doc)), -1, "syntax error: feed fails");
	is_int(json_error_line(js), 3, "syntax error is on line 3");
	ok(json_error(js)[0] != '\0' && strchr(json_error(js), '\n') == NULL,
	    "one-line error message (%s)", json_error(js));

	/* the same, fed one byte at a time */
	json_reset(js);
	rc = 0;
	for (i = 0; i < strlen(doc) && rc == 0; i++)
		rc = json_feed(js, doc + i, 1);
	is_int(rc, -1, "syntax error one byte at a time: feed fails");
	is_int(json_error_line(js), 3, "one byte at a time: still line 3");
	ok(json_error_offset(js) >= 14 && json_error_offset(js) <= 16,
	    "error offset near the x (%llu)", json_error_offset(js));

	/* in chunks that split lines: "{\n\"a\": 1," then the rest */
	json_reset(js);
	is_int(json_feed(js, doc, 9), 0, "chunk 1 ok");
	is_int(json_feed(js, doc + 9, strlen(doc) - 9), -1, "chunk 2 fails");
	is_int(json_error_line(js), 3, "chunked: line 3");

	/* an error on line 1 */
	json_reset(js);
	is_int(json_feed(js, "[1,]", 4), -1, "[1,] fails");
	is_int(json_error_line(js), 1, "error on line 1");

	/* trailing garbage after a complete document */
	json_reset(js);
	doc = "{} x";
	rc = json_feed(js, doc, strlen(doc));
	if (rc == 0)
		rc = json_finish(js);
	is_int(rc, -1, "trailing garbage is an error");

	/* invalid UTF-8 in a string */
	json_reset(js);
	doc = "[\"\xff\xfe\"]";
	rc = json_feed(js, doc, strlen(doc));
	if (rc == 0)
		rc = json_finish(js);
	is_int(rc, -1, "invalid UTF-8 is an error");

	/* reuse after an error: the same events as a fresh parser */
	json_reset(js);
	buf_reset(&l.b);
	l.n = 0;
	doc = "{\"gathers\":[{\"htitem_id\":\"a\"}]}";
	is_int(json_feed(js, doc, strlen(doc)), 0, "after reset: feed");
	is_int(json_finish(js), 0, "after reset: finish");
	{
		int rc2;
		char *fresh = events(doc, 0, &rc2);
		is_str(buf_str(&l.b), fresh, "after reset: same events as a fresh parser");
		free(fresh);
	}
	is_int(json_error_line(js), 1, "no error: error line unchanged from reset");

	/* reuse after a complete document (a retried download) */
	json_reset(js);
	buf_reset(&l.b);
	doc = "[\"x\"]";
	is_int(json_feed(js, doc, strlen(doc)), 0, "second document after reset");
	is_int(json_finish(js), 0, "second document finishes");
	ok(strstr(buf_str(&l.b), "str [] key=(null) depth=1 x\n") != NULL, "second document's events");

	/* the line count restarts at reset */
	json_reset(js);
	doc = "\n\n[\n1,\n}";
	is_int(json_feed(js, doc, strlen(doc)), -1, "error after reset");
	is_int(json_error_line(js), 5, "line counted from the start of the new document");

	json_free(js);
	buf_free(&l.b);
}

static void
test_stop(void)
{
	struct log l;
	struct json_stream *js;
	const char *doc = "{\"a\":1,\"b\":2,\"c\":3}";
	int rc;
	size_t i;

	memset(&l, 0, sizeof l);
	l.stop_at = 3;	/* {, a, b */
	js = json_new(collect, &l);
	is_int(json_feed(js, doc, strlen(doc)), 1, "a callback returning non-zero: feed returns 1");
	is_int(l.n, 3, "no events after the stop");
	ok(strstr(buf_str(&l.b), "num b ") != NULL && strstr(buf_str(&l.b), "num c ") == NULL,
	    "stopped at b, c never seen");

	/* one byte at a time */
	json_reset(js);
	buf_reset(&l.b);
	l.n = 0;
	rc = 0;
	for (i = 0; i < strlen(doc) && rc == 0; i++)
		rc = json_feed(js, doc + i, 1);
	is_int(rc, 1, "stop one byte at a time: feed returns 1");
	is_int(l.n, 3, "stop one byte at a time: 3 events");

	/* stopping on a map start */
	json_reset(js);
	buf_reset(&l.b);
	l.n = 0;
	l.stop_at = 1;
	is_int(json_feed(js, doc, strlen(doc)), 1, "stop at the first {");
	is_int(l.n, 1, "one event");

	/* after a stop, reset gives a working parser again */
	json_reset(js);
	buf_reset(&l.b);
	l.n = 0;
	l.stop_at = 0;
	is_int(json_feed(js, doc, strlen(doc)), 0, "after stop + reset: feed");
	is_int(json_finish(js), 0, "after stop + reset: finish");
	is_int(l.n, 5, "after stop + reset: all 5 events");
	json_free(js);
	buf_free(&l.b);
}

static int
check_path(void *arg, const struct json_event *ev)
{
	int *hits = arg;

	if (json_path_is(ev, "gathers[].htitem_id"))
		(*hits)++;
	if (json_path_is(ev, "gathers[].htitem"))	/* a prefix never matches */
		*hits += 100;
	return 0;
}

static void
test_path_is(void)
{
	const char *doc = "{\"gathers\":[{\"htitem_id\":\"a\",\"htitem_idx\":0},{\"htitem_id\":\"b\"}],"
	    "\"x\":{\"gathers\":[{\"htitem_id\":\"no\"}]}}";
	int hits = 0;
	struct json_stream *js = json_new(check_path, &hits);

	is_int(parse(js, doc, strlen(doc), 0), 0, "path_is document parses");
	is_int(hits, 2, "json_path_is matches exactly the two ids");
	json_free(js);
}

static void
test_deep(void)
{
	struct buf doc = BUF_INIT;
	struct log l;
	struct json_stream *js;
	int i, rc;

	/* deep but allowed */
	for (i = 0; i < 500; i++)
		buf_addc(&doc, '[');
	for (i = 0; i < 500; i++)
		buf_addc(&doc, ']');
	memset(&l, 0, sizeof l);
	js = json_new(collect, &l);
	is_int(parse(js, doc.s, doc.len, 0), 0, "500 nested arrays parse");
	is_int(l.n, 1000, "1000 events");
	ok(strstr(buf_str(&l.b), "[ [][][] key=(null) depth=3\n") != NULL, "path of a deep array");

	/* too deep */
	json_reset(js);
	buf_reset(&doc);
	for (i = 0; i < 1000; i++)
		buf_addc(&doc, '[');
	rc = json_feed(js, doc.s, doc.len);
	is_int(rc, -1, "1000 nested arrays: error, not a stop");
	ok(strstr(json_error(js), "deep") != NULL, "error says too deep (%s)", json_error(js));
	json_free(js);
	buf_free(&l.b);
	buf_free(&doc);
}

/* JSON as an HTTP body: bytes in pieces, a stop on bad JSON, a restart. */
struct bodyarg {
	struct json_body jb;	/* first, as json_body_feed expects */
	int strings, restarts;
};

static int
count_strings(void *arg, const struct json_event *ev)
{
	struct bodyarg *b = arg;

	if (ev->type == JSON_STRING)
		b->strings++;
	return 0;
}

static void
on_restart(void *arg)
{
	struct bodyarg *b = arg;

	b->strings = 0;
	b->restarts++;
}

static void
test_body(void)
{
	static const char doc[] = "{\"items\":[\"a\",\"b\",\"c\"]}";
	struct bodyarg b;
	size_t i;

	memset(&b, 0, sizeof b);
	b.jb.js = json_new(count_strings, &b);
	b.jb.restart = on_restart;
	for (i = 0; i < sizeof doc - 1; i++)
		if (json_body_feed(&b, doc + i, 1) != 0)
			break;
	is_int(i, sizeof doc - 1, "a body fed a byte at a time is taken whole");
	is_int(json_finish(b.jb.js), 0, "and ends well");
	is_int(b.strings, 3, "its three strings were seen");
	ok(!b.jb.failed, "nothing failed");

	json_body_restart(&b);
	is_int(b.restarts, 1, "a retried transfer calls the restart hook");
	is_int(b.strings, 0, "which undid the strings");
	is_int(json_body_feed(&b, "{\"x\":", 5), 0, "a new document starts afresh");
	is_int(json_body_feed(&b, "]", 1), 1, "bad JSON stops the transfer");
	ok(b.jb.failed, "and is marked failed");
	json_body_restart(&b);
	ok(!b.jb.failed, "a restart clears the failure");
	is_int(json_body_feed(&b, doc, sizeof doc - 1), 0, "and the document parses again");
	is_int(b.strings, 3, "with its strings");
	json_free(b.jb.js);
}

int
main(void)
{
	diag_init("test-json");
	test_paths();
	test_strings();
	test_errors();
	test_stop();
	test_path_is();
	test_deep();
	test_body();
	return tap_done();
}
