/* test-xml: the one libxml2 set-up: no network, no external entity or DTD
 * loaded, no entity expanded, errors to the reader's callback with their
 * line, nothing printed by libxml2. */
#include <stdio.h>
#include <string.h>

#include <libxml/SAX2.h>

#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "xml.h"

struct doc {
	struct buf text;	/* element names and character data seen */
	struct buf err;		/* the first error */
	int errline;
	int global;		/* errors raised without a context */
};

static void
on_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int nns,
    const xmlChar **ns, int nattr, int ndef, const xmlChar **attr)
{
	struct doc *d = ctx;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)nattr, (void)ndef, (void)attr;
	buf_printf(&d->text, "<%s>", (const char *)name);
}

static void
on_chars(void *ctx, const xmlChar *s, int n)
{
	struct doc *d = ctx;

	buf_add(&d->text, s, (size_t)n);
}

static void
on_error(void *ctx, xml_error e)
{
	struct doc *d = ctx;

	if (d->err.len)
		return;
	xml_error_text(&d->err, e);
	d->errline = e->line;
}

static void
on_global(void *ctx, xml_error e)
{
	struct doc *d = ctx;

	(void)e;
	d->global++;
}

/* Parse text in pieces of step bytes; the parser's final return code. */
static int
parse(struct doc *d, const char *text, size_t step)
{
	xmlSAXHandler sax;
	xmlParserCtxtPtr c;
	size_t i, n = strlen(text), k;
	int rc = 0;

	buf_free(&d->text);
	buf_free(&d->err);
	memset(d, 0, sizeof *d);
	xml_sax_init(&sax, on_error);
	sax.startElementNs = on_start;
	sax.characters = on_chars;
	xml_route_errors(on_global, d);
	c = xml_push_new(&sax, d, NULL, 0, "test.xml", 0);
	for (i = 0; i < n && rc == 0; i += k) {
		k = n - i < step ? n - i : step;
		rc = xmlParseChunk(c, text + i, (int)k, 0);
	}
	if (rc == 0)
		rc = xmlParseChunk(c, NULL, 0, 1);
	xml_push_free(c);
	xml_route_errors(NULL, NULL);
	return rc;
}

int
main(void)
{
	struct doc d = { BUF_INIT, BUF_INIT, 0, 0 };
	static const size_t steps[] = { 1, 3, 4096 };
	size_t s;

	diag_init("test-xml");
	xml_init();
	for (s = 0; s < sizeof steps / sizeof steps[0]; s++) {
		ok(parse(&d, "<?xml version='1.0'?>\n<a><b>x</b>y</a>", steps[s]) == 0,
		    "a good document parses (pieces of %zu)", steps[s]);
		is_str(buf_str(&d.text), "<a><b>xy", "its elements and text (pieces of %zu)",
		    steps[s]);

		parse(&d, "<!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>\n<a>&e;</a>",
		    steps[s]);
		ok(strstr(buf_str(&d.text), "root:") == NULL,
		    "an external entity is not loaded (pieces of %zu)", steps[s]);

		parse(&d, "<!DOCTYPE a [<!ENTITY e 'EXPANDED'>]>\n<a>&e;</a>", steps[s]);
		ok(strstr(buf_str(&d.text), "EXPANDED") == NULL,
		    "an internal entity is not expanded (pieces of %zu)", steps[s]);

		parse(&d, "<!DOCTYPE a SYSTEM 'http://127.0.0.1:9/a.dtd'>\n<a/>", steps[s]);
		is_str(buf_str(&d.text), "<a>", "an external DTD is not loaded (pieces of %zu)",
		    steps[s]);

		ok(parse(&d, "<a>\n<b>\n</a>", steps[s]) != 0, "a broken document fails "
		    "(pieces of %zu)", steps[s]);
		ok(d.err.len > 0 && strchr(buf_str(&d.err), '\n') == NULL,
		    "its error comes to the callback, on one line: '%s'", buf_str(&d.err));
		is_int(d.errline, 3, "with the line where libxml2 noticed it");
	}
	/* a document that is not in its declared encoding */
	parse(&d, "<?xml version='1.0' encoding='UTF-16'?><a/>", 4096);
	ok(d.err.len > 0 || d.global > 0, "bytes not in the declared encoding are an error");
	buf_free(&d.text);
	buf_free(&d.err);
	xml_cleanup();
	return tap_done();
}
