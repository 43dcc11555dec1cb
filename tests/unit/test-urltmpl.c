/* test-urltmpl: URL templates: placeholders, literal text, errors. */
#include <stdlib.h>

#include "tap.h"

#include "buf.h"
#include "urltmpl.h"

static const char *const names[] = { "id", "page", "region", NULL };

static void
expand_is(const char *t, const char *want)
{
	static const char *const vals[] = { "bk_1", "7", "1,2,3,4" };
	struct buf err = BUF_INIT, out = BUF_INIT;
	struct urltmpl *u = urltmpl_new(t, names, &err);

	if (ok(u != NULL, "'%s' compiles", t)) {
		urltmpl_expand(u, &out, vals);
		is_str(buf_str(&out), want, "'%s' expands", t);
	}
	urltmpl_free(u);
	buf_free(&err);
	buf_free(&out);
}

static void
error_is(const char *t, const char *want)
{
	struct buf err = BUF_INIT;
	struct urltmpl *u = urltmpl_new(t, names, &err);

	ok(u == NULL, "'%s' is refused", t);
	is_str(buf_str(&err), want, "the message for '%s'", t);
	urltmpl_free(u);
	buf_free(&err);
}

int
main(void)
{
	struct buf err = BUF_INIT;
	struct urltmpl *u;

	expand_is("https://iiif.archive.org/iiif/{id}${page}/{region}/full/0/default.jpg",
	    "https://iiif.archive.org/iiif/bk_1$7/1,2,3,4/full/0/default.jpg");
	expand_is("", "");
	expand_is("no placeholders", "no placeholders");
	expand_is("{id}{id}", "bk_1bk_1");
	expand_is("{page}", "7");
	expand_is("a}b{page}c}", "a}b7c}");
	error_is("x/{pages}", "unknown placeholder at '{pages}' (known: {id}, {page}, {region})");
	error_is("x/{id", "unknown placeholder at '{id' (known: {id}, {page}, {region})");
	error_is("{}", "unknown placeholder at '{}' (known: {id}, {page}, {region})");
	error_is("{{id}}", "unknown placeholder at '{{id}}' (known: {id}, {page}, {region})");
	error_is("https://host/very/long/path/{an-unknown-placeholder-name}",
	    "unknown placeholder at '{an-unknown-placehol' (known: {id}, {page}, {region})");

	u = urltmpl_new("{id}/{region}", names, &err);
	ok(urltmpl_uses(u, 0) && !urltmpl_uses(u, 1) && urltmpl_uses(u, 2),
	    "uses {id} and {region}, not {page}");
	ok(!urltmpl_uses(u, 99), "an index past the names is not used");
	urltmpl_free(u);
	urltmpl_free(NULL);
	buf_free(&err);
	return tap_done();
}
