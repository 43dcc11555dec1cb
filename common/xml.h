/* xml: one secure libxml2 set-up for every XML reader.
 *
 * Readers parse with SAX2 push parsers made here: no network
 * (XML_PARSE_NONET), no DTD loaded, no entity substituted (an undeclared
 * entity reference is an error, never an expansion), and libxml2 never
 * prints: its errors go to the reader's own callback, in our words.
 * Builds against libxml2 2.9 through 2.14 (2.12 made error callbacks take
 * a const xmlError *: use xml_error and XML_ERROR_FN). */
#ifndef PLATES_XML_H
#define PLATES_XML_H

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "buf.h"

#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error;
#else
typedef xmlError *xml_error;
#endif

/* An error callback, the same under every libxml2 version. */
typedef void (*xml_error_fn)(void *ctx, xml_error e);

/* Once per process, before any parser (it may be called again). */
void xml_init(void);
/* At exit, after the last parser is freed. */
void xml_cleanup(void);
/* Clear sax and set what every reader's handler needs: SAX2, no entity
 * declaration kept, no entity looked up (every reference but the
 * predefined ones is undeclared), no external subset loaded, errors to
 * serror.  The
 * caller then sets startElementNs, endElementNs and the like. */
void xml_sax_init(xmlSAXHandler *sax, xml_error_fn serror);
/* A push parser over sax for ctx, made with the first n bytes of the
 * document (n may be 0); name is the document's name in libxml2's
 * errors.  options are more XML_PARSE_* flags (XML_PARSE_NONET is always
 * set).  Dies if libxml2 cannot make one (out of memory). */
xmlParserCtxtPtr xml_push_new(xmlSAXHandler *sax, void *ctx, const char *p, int n,
    const char *name, int options);
/* The name of the innermost element still open in c, or NULL (for "the
 * input ended inside <x>"). */
const char *xml_open_element(xmlParserCtxtPtr c);
/* Free a parser made by xml_push_new (NULL is fine), with the stand-in
 * document libxml2 keeps entity declarations in ("SAX compat mode"). */
void xml_push_free(xmlParserCtxtPtr c);
/* Errors libxml2 raises without a parser context (input conversion of a
 * broken encoding) go to fn with ctx from now on; fn NULL drops them.
 * libxml2's generic (printf-style) messages are always dropped. */
void xml_route_errors(xml_error_fn fn, void *ctx);
/* The first line of e's message with trailing blanks dropped, appended to
 * b ("XML error" if it has none). */
void xml_error_text(struct buf *b, xml_error e);

/* The length of the UTF-8 sequence at p if it is an XML character (not a
 * surrogate, U+FFFE or U+FFFF, nor over U+10FFFF; no overlong forms);
 * 0 if it is not one; -1 if it runs past end. */
static inline int
xml_utf8_char(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	int n, k;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (end - p < n)
		return -1;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (k = 2; k < n; k++)
		if (p[k] < 0x80 || p[k] > 0xbf)
			return 0;
	if (c == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
		return 0;	/* U+FFFE, U+FFFF */
	return n;
}

#endif
