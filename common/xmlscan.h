/* xmlscan: what every streaming XML reader needs around its SAX2 push
 * parser: the parser (xml.h's secure set-up), the first failure with its
 * line, the line at the end of the input, messages in our words for the
 * end of a broken or empty input, and libxml2's context-free errors.
 *
 * Put a struct xmlscan FIRST in the reader's state and give that state to
 * xmlscan_open as the SAX context: the error callbacks find it there. */
#ifndef PLATES_XMLSCAN_H
#define PLATES_XMLSCAN_H

#include <stddef.h>

#include "buf.h"
#include "xml.h"

struct xmlscan {
	xmlParserCtxtPtr ctxt;
	int root_seen;		/* the reader saw the root element */
	int at_end;		/* in the last call of the parser */
	int failed;
	unsigned char last;	/* the last byte of the input so far */
	unsigned long long nbytes;	/* input bytes */
	unsigned long errline;
	struct buf err;
};

/* Set sax's error callback and make the parser; name is the document's
 * name in libxml2's messages.  x must be the first member of ctx. */
void xmlscan_open(struct xmlscan *x, xmlSAXHandler *sax, const char *name);
void xmlscan_close(struct xmlscan *x);
/* The first failure wins; later ones are ignored. */
void xmlscan_fail(struct xmlscan *x, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Fail and stop the parser. */
void xmlscan_stop(struct xmlscan *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The parser's line now (0 if unknown). */
unsigned long xmlscan_line(const struct xmlscan *x);
/* Count p[0..n) of the input (before any pre-filter). */
void xmlscan_count(struct xmlscan *x, const char *p, size_t n);
/* Parse p[0..n): 0 ok, -1 failed. */
int xmlscan_parse(struct xmlscan *x, const char *p, size_t n);
/* The end of the input: 0 ok, -1 failed. */
int xmlscan_finish(struct xmlscan *x);
/* A message of the reader's own about the input breaking off. */
void xmlscan_abort(struct xmlscan *x, const char *why);
/* Why the document is broken, and its line; NULL if it is not. */
const char *xmlscan_error(const struct xmlscan *x, unsigned long *line);
/* A name interned in the parser's dictionary (compare as pointers). */
const xmlChar *xmlscan_intern(struct xmlscan *x, const char *name);

#endif
