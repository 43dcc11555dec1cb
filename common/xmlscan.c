/* xmlscan: the parser, failures and lines of a streaming XML reader; see
 * xmlscan.h. */
#include "xmlscan.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>

#include "diag.h"

static void
vfail(struct xmlscan *x, unsigned long line, const char *fmt, va_list ap)
{
	char msg[1024];

	if (x->failed)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	x->failed = 1;
	x->errline = line;
	buf_reset(&x->err);
	buf_adds(&x->err, msg);
}

void
xmlscan_fail(struct xmlscan *x, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(x, line, fmt, ap);
	va_end(ap);
}

void
xmlscan_stop(struct xmlscan *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(x, xmlscan_line(x), fmt, ap);
	va_end(ap);
	xmlStopParser(x->ctxt);
}

unsigned long
xmlscan_line(const struct xmlscan *x)
{
	int n = xmlSAX2GetLineNumber(x->ctxt);

	return n > 0 ? (unsigned long)n : 0;
}

/* The last line of the input: the parser's line, plus the lines it has
 * not read yet (it leaves a short run of text at the end unread). */
static unsigned long
end_line(const struct xmlscan *x)
{
	xmlParserInputPtr in = x->ctxt->input;
	unsigned long line = xmlscan_line(x);
	const xmlChar *p;

	if (in && in->cur && in->end)
		for (p = in->cur; p < in->end; p++)
			line += *p == '\n';
	if (x->last == '\n' && line > 1)
		line--;		/* the input ends with its last line */
	return line;
}

/* libxml2's own words: its messages end in a newline; keep the first line
 * (a second one quotes raw bytes, such as "Bytes: 0xC3 0x3E") */
static void
fail_with(struct xmlscan *x, xml_error e, int with_line)
{
	struct buf msg = BUF_INIT;
	size_t i;

	if (e->message)
		xml_error_text(&msg, e);
	else
		buf_adds(&msg, "malformed XML");
	for (i = 0; i < msg.len; i++)
		if (msg.s[i] == '\r' || msg.s[i] == '\t')
			msg.s[i] = ' ';
	xmlscan_fail(x, !with_line ? 0 : e->line > 0 ? (unsigned long)e->line : xmlscan_line(x),
	    "%s", buf_str(&msg));
	buf_free(&msg);
}

static void
on_error(void *ctx, xml_error e)
{
	struct xmlscan *x = ctx;

	if (e && !x->failed && e->code == XML_WAR_UNDECLARED_ENTITY) {
		/* a document with a DOCTYPE: libxml2 only warns, and skips the
		 * reference; we never guess what an entity stands for */
		fail_with(x, e, 1);
		xmlStopParser(x->ctxt);
		return;
	}
	if (!e || e->level != XML_ERR_FATAL || x->failed)
		return;
	/* Errors at the end of the input are about its unfinished tail: libxml2
	 * words them as if the tail were complete ("AttValue: ' expected",
	 * "Extra content at the end of the document", "Document is empty") */
	if (e->code == XML_ERR_INVALID_ENCODING || e->code == XML_ERR_INVALID_CHAR) {
		/* bad bytes are bad wherever the input was cut into pieces */
		fail_with(x, e, 1);
		return;
	}
	if (!x->root_seen && (x->at_end || e->code == XML_ERR_DOCUMENT_EMPTY)) {
		if (x->nbytes == 0)
			xmlscan_fail(x, 1, "empty input");
		else
			xmlscan_fail(x, x->at_end ? end_line(x) : xmlscan_line(x),
			    "not XML: no root element found");
		return;
	}
	if (x->at_end && xml_open_element(x->ctxt)) {
		xmlscan_fail(x, end_line(x), "premature end of input inside <%s> (truncated file?)",
		    xml_open_element(x->ctxt));
		return;
	}
	fail_with(x, e, 1);
}

/* libxml2 raises some errors without a parser context (input conversion
 * of a broken UTF-16 file, say): by default they go straight to stderr,
 * in libxml2's words.  They belong to the scan running now; they are
 * never about the document's structure, and libxml2 converts ahead of the
 * parser, so its line number is not where they are. */
static void
on_global_error(void *ctx, xml_error e)
{
	struct xmlscan *x = ctx;

	if (x && e && e->level >= XML_ERR_ERROR && !x->failed)
		fail_with(x, e, 0);	/* the parser's line is not theirs */
}

void
xmlscan_open(struct xmlscan *x, xmlSAXHandler *sax, const char *name)
{
	sax->serror = on_error;
	/* no XML_PARSE_NOERROR: from libxml2 2.13 on it silences serror too
	 * (on_error ignores warnings itself); xmlCtxtUseOptions leaves
	 * entities unsubstituted and the external subset unloaded */
	x->ctxt = xml_push_new(sax, x, NULL, 0, name, 0);
}

void
xmlscan_close(struct xmlscan *x)
{
	if (x->ctxt)
		xml_push_free(x->ctxt);
	x->ctxt = NULL;
	buf_free(&x->err);
}

const xmlChar *
xmlscan_intern(struct xmlscan *x, const char *name)
{
	const xmlChar *p = xmlDictLookup(x->ctxt->dict, (const xmlChar *)name, -1);

	if (!p)
		diag_die(DIAG_FAIL, "out of memory");
	return p;
}

/* After a fatal parse error without a message of ours. */
static void
check(struct xmlscan *x)
{
	if (!x->failed && !x->ctxt->wellFormed) {
		xml_error e = xmlCtxtGetLastError(x->ctxt);
		if (e)
			on_error(x, e);
		xmlscan_fail(x, xmlscan_line(x), "malformed XML");	/* if still needed */
	}
}

void
xmlscan_count(struct xmlscan *x, const char *p, size_t n)
{
	if (n)
		x->last = (unsigned char)p[n - 1];
	x->nbytes += n;
}

int
xmlscan_parse(struct xmlscan *x, const char *p, size_t n)
{
	while (n > 0) {
		int k = n > (1 << 30) ? 1 << 30 : (int)n;
		xml_route_errors(on_global_error, x);
		xmlParseChunk(x->ctxt, p, k, 0);
		xml_route_errors(NULL, NULL);
		if (x->failed || !x->ctxt->wellFormed) {
			check(x);
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
xmlscan_finish(struct xmlscan *x)
{
	if (!x->failed) {
		x->at_end = 1;
		xml_route_errors(on_global_error, x);
		xmlParseChunk(x->ctxt, NULL, 0, 1);
		xml_route_errors(NULL, NULL);
		check(x);
	}
	return x->failed ? -1 : 0;
}

void
xmlscan_abort(struct xmlscan *x, const char *why)
{
	if (why)
		xmlscan_fail(x, xmlscan_line(x), "%s", why);
}

const char *
xmlscan_error(const struct xmlscan *x, unsigned long *line)
{
	if (!x->failed)
		return NULL;
	if (line)
		*line = x->errline;
	return buf_str(&x->err);
}
