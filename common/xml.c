/* xml: one secure libxml2 set-up for every XML reader; see xml.h. */
#include "xml.h"

#include <string.h>

#include <libxml/SAX2.h>

#include "diag.h"

static void
quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

void
xml_init(void)
{
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlSetStructuredErrorFunc(NULL, NULL);
}

void
xml_cleanup(void)
{
	xmlCleanupParser();
}

/* Every entity reference but the five predefined ones (which libxml2
 * resolves before asking) is undeclared: nothing is ever substituted. */
static xmlEntityPtr
no_entity(void *ctx, const xmlChar *name)
{
	(void)ctx, (void)name;
	return NULL;
}

void
xml_sax_init(xmlSAXHandler *sax, xml_error_fn serror)
{
	memset(sax, 0, sizeof *sax);
	sax->initialized = XML_SAX2_MAGIC;
	sax->getEntity = no_entity;
	sax->getParameterEntity = no_entity;
	/* The structured-error type lost its const in older headers only. */
	sax->serror = (xmlStructuredErrorFunc)serror;
}

xmlParserCtxtPtr
xml_push_new(xmlSAXHandler *sax, void *ctx, const char *p, int n, const char *name, int options)
{
	xmlParserCtxtPtr c = xmlCreatePushParserCtxt(sax, ctx, p, n, name);

	if (!c)
		diag_die(DIAG_FAIL, "cannot create an XML parser");
	xmlCtxtUseOptions(c, XML_PARSE_NONET | options);
	return c;
}

/* libxml2 2.14 deprecates the parser's public members and has no getter
 * for the open element: read it here, in one place. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
const char *
xml_open_element(xmlParserCtxtPtr c)
{
	return c->nameNr > 0 && c->name ? (const char *)c->name : NULL;
}
#pragma GCC diagnostic pop

void
xml_push_free(xmlParserCtxtPtr c)
{
	if (!c)
		return;
	if (c->myDoc)
		xmlFreeDoc(c->myDoc);
	c->myDoc = NULL;
	xmlFreeParserCtxt(c);
}

void
xml_route_errors(xml_error_fn fn, void *ctx)
{
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlSetStructuredErrorFunc(ctx, (xmlStructuredErrorFunc)fn);
}

void
xml_error_text(struct buf *b, xml_error e)
{
	const char *m = e && e->message ? e->message : "XML error";
	size_t n = strcspn(m, "\n");

	if (e && e->code == XML_ERR_TAG_NAME_MISMATCH && e->str1 && e->str2) {
		/* libxml2 also quotes the start tag's line; the error's own
		 * line is where it is */
		buf_adds(b, "mismatched end tag </");
		buf_adds(b, e->str2);
		buf_adds(b, ">: the open element is <");
		buf_adds(b, e->str1);
		buf_adds(b, ">");
		return;
	}

	while (n && (m[n - 1] == ' ' || m[n - 1] == '\t' || m[n - 1] == '\r'))
		n--;
	buf_add(b, m, n);
}
