/* mets: HathiTrust METS files (libxml2 SAX2, streamed); see mets.h. */
#include "mets.h"

#include <stdlib.h>
#include <string.h>

#include "htid.h"
#include "xmem.h"
#include "xml.h"

struct mets {
	struct htpages *v;
	int depth;
	int smap;		/* depth of the physical structMap we are in, or 0 */
	struct buf objid;
	int have_objid;
	int is_mets;		/* the root element is METS:mets */
	struct buf err;
	unsigned long errline;
	int errcode;
	xmlSAXHandler sax;
	xmlParserCtxtPtr ctxt;	/* made with the first bytes */
	char *name;
	char head[4];		/* the first bytes, while fewer than four */
	size_t nhead;
};

/* An attribute value as the SAX2 parser hands it over: without entity
 * substitution a literal '&' arrives as "&#38;". */
static void
attr_value(struct buf *b, const xmlChar *v, const xmlChar *end)
{
	const char *s = (const char *)v, *e = (const char *)end;

	while (s < e) {
		if (e - s >= 5 && memcmp(s, "&#38;", 5) == 0) {
			buf_addc(b, '&');
			s += 5;
		} else {
			buf_addc(b, *s++);
		}
	}
	if (!b->s)
		buf_add(b, "", 0);
}

static const xmlChar **
attr_find(int n, const xmlChar **a, const char *name)
{
	int i;

	for (i = 0; i < n; i++, a += 5)
		if (a[2] == NULL && strcmp((const char *)a[0], name) == 0)
			return a;
	return NULL;
}

static int
attr_is(int n, const xmlChar **attrs, const char *name, const char *want)
{
	const xmlChar **a = attr_find(n, attrs, name);
	size_t len = strlen(want);

	return a && (size_t)(a[4] - a[3]) == len && memcmp(a[3], want, len) == 0;
}

/* A div of TYPE "page" in the physical structMap opens a page. */
static void
page_start(struct mets *m, int nattrs, const xmlChar **attrs)
{
	struct htpages *v = m->v;
	struct buf label = BUF_INIT;
	const xmlChar **a;

	htpages_begin(v);
	v->in_page = m->depth;
	if ((a = attr_find(nattrs, attrs, "ORDER")) != NULL) {
		attr_value(&v->seq, a[3], a[4]);
		v->have_seq = 1;
	}
	if ((a = attr_find(nattrs, attrs, "LABEL")) != NULL) {
		attr_value(&label, a[3], a[4]);
		htpages_feat_add(&v->feat, label.s, label.len);
		buf_free(&label);
	}
	if ((a = attr_find(nattrs, attrs, "ORDERLABEL")) != NULL)
		attr_value(&v->label, a[3], a[4]);
}

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **ns, int nattrs, int ndefaulted, const xmlChar **attrs)
{
	struct mets *m = ctx;
	const xmlChar **a;
	const char *name = (const char *)local;

	(void)prefix;
	(void)nns;
	(void)ns;
	(void)ndefaulted;
	m->depth++;
	if (!uri || strcmp((const char *)uri, METS_NS) != 0)
		return;
	if (m->depth == 1 && strcmp(name, "mets") == 0) {
		m->is_mets = 1;
		if ((a = attr_find(nattrs, attrs, "OBJID")) != NULL) {
			attr_value(&m->objid, a[3], a[4]);
			m->have_objid = 1;
		}
	} else if (strcmp(name, "structMap") == 0) {
		if (!m->smap && attr_is(nattrs, attrs, "TYPE", "physical"))
			m->smap = m->depth;
	} else if (m->smap && strcmp(name, "div") == 0 && !m->v->in_page &&
	    attr_is(nattrs, attrs, "TYPE", "page")) {
		page_start(m, nattrs, attrs);
	}
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct mets *m = ctx;

	(void)local;
	(void)prefix;
	(void)uri;
	if (m->v->in_page == m->depth)
		htpages_end(m->v);
	if (m->smap == m->depth)
		m->smap = 0;
	m->depth--;
}

/* The first error is the one reported. */
static void
on_error(void *ctx, xml_error e)
{
	struct mets *m = ctx;

	if (!e || e->level < XML_ERR_ERROR || m->err.len)
		return;
	xml_error_text(&m->err, e);
	m->errline = e->line > 0 ? (unsigned long)e->line : 0;
	m->errcode = e->code;
}

/* Bytes that are not in the document's encoding (UTF-16, say) are found
 * as libxml2 converts its input, ahead of the parser: it raises that
 * error without a parser context (mets_begin routes such errors to
 * on_error too), says more on its generic channel, and leaves the
 * document "well-formed"; xmlParseChunk then returns rc != 0. */
static void
chunk_rc(struct mets *m, int rc)
{
	if (m->err.len || (rc != XML_ERR_INVALID_ENCODING && rc != XML_PARSER_EOF))
		return;
	buf_adds(&m->err, "bytes that are not in the document's encoding");
	m->errline = 0;
	m->errcode = XML_ERR_INVALID_ENCODING;
}

static void
fail(struct mets *m, const char *why)
{
	buf_reset(&m->err);
	buf_adds(&m->err, why);
	m->errline = 0;
}

struct mets *
mets_begin(struct htpages *pages, const char *name)
{
	struct mets *m = xcalloc(1, sizeof *m);

	/* Nothing but elements and errors: no entity declarations are
	 * kept, no DTD is loaded, text is skipped.  External entities
	 * cannot be declared, let alone fetched, and an entity reference
	 * is an error, not an expansion. */
	xml_sax_init(&m->sax, on_error);
	m->sax.startElementNs = on_start;
	m->sax.endElementNs = on_end;
	m->v = pages;
	m->name = xstrdup(name);
	htpages_clear(pages);
	xml_route_errors(on_error, m);
	return m;
}

static void
make_parser(struct mets *m, const char *p, size_t n)
{
	m->ctxt = xml_push_new(&m->sax, m, p, (int)n, m->name, 0);
}

int
mets_feed(struct mets *m, const char *p, size_t n)
{
	size_t k;
	int rc;

	if (!m->ctxt) {
		/* libxml2 looks for a byte order mark or UTF-16 in the bytes
		 * the parser is made with, and only if there are four: a pipe
		 * may deliver fewer at first */
		if (m->nhead + n < sizeof m->head) {
			memcpy(m->head + m->nhead, p, n);
			m->nhead += n;
			return 0;
		}
		if (m->nhead == 0) {
			make_parser(m, p, n);
			return 0;
		}
		k = sizeof m->head - m->nhead;
		memcpy(m->head + m->nhead, p, k);
		make_parser(m, m->head, sizeof m->head);
		p += k;
		n -= k;
		if (n == 0)
			return 0;
	}
	if ((rc = xmlParseChunk(m->ctxt, p, (int)n, 0)) != 0) {
		chunk_rc(m, rc);
		return -1;
	}
	return m->err.len ? -1 : 0;
}

int
mets_finish(struct mets *m)
{
	if (!m->ctxt && m->nhead)
		make_parser(m, m->head, m->nhead);
	if (!m->ctxt) {
		fail(m, "empty file, not METS");
		return -1;
	}
	if (!m->err.len) {
		chunk_rc(m, xmlParseChunk(m->ctxt, NULL, 0, 1));
		/* libxml2 2.9 says "Extra content at the end", or nothing; 2.13
		 * says the tag is not finished */
		if (m->depth > 0 && (!m->err.len || m->errcode == XML_ERR_DOCUMENT_END ||
		    m->errcode == XML_ERR_TAG_NOT_FINISHED)) {
			/* at the line libxml2 named, if it said anything */
			buf_reset(&m->err);
			buf_adds(&m->err, "premature end of the document (truncated file?)");
		}
	}
	if (!m->err.len && !m->ctxt->wellFormed)
		fail(m, "not well-formed XML");
	if (m->err.len)
		return -1;
	if (!m->is_mets) {
		fail(m, "not METS: the root element is not 'mets' in the namespace " METS_NS);
		return -1;
	}
	return 0;
}

const char *
mets_error(const struct mets *m)
{
	return buf_str(&m->err);
}

unsigned long
mets_error_line(const struct mets *m)
{
	return m->errline;
}

const char *
mets_objid(const struct mets *m)
{
	return m->have_objid ? buf_str(&m->objid) : NULL;
}

void
mets_free(struct mets *m)
{
	if (!m)
		return;
	xml_push_free(m->ctxt);
	buf_free(&m->objid);
	buf_free(&m->err);
	free(m->name);
	free(m);
	xml_route_errors(NULL, NULL);
}

void
mets_pairtree_path(struct buf *b, const char *dir, const char *id)
{
	struct buf clean = BUF_INIT;
	const char *local;
	size_t nslen, i;

	htid_split(id, &nslen, &local);
	htid_clean(&clean, local, strlen(local));
	buf_adds(b, dir);
	if (b->len && b->s[b->len - 1] != '/')
		buf_addc(b, '/');
	buf_add(b, id, nslen);
	buf_adds(b, "/pairtree_root/");
	for (i = 0; i < clean.len; i += 2) {
		buf_add(b, clean.s + i, clean.len - i >= 2 ? 2 : 1);
		buf_addc(b, '/');
	}
	buf_printf(b, "%s/%s.mets.xml", clean.s, clean.s);
	buf_free(&clean);
}
