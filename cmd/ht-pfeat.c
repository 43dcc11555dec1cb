/* ht-pfeat: HathiTrust volume ids to the pages tagged IMAGE_ON_PAGE (or
 * other page features), from imgsrv page metadata, local METS files or
 * archived Data API volume/meta JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "buf.h"
#include "diag.h"
#include "htid.h"
#include "http.h"
#include "io.h"
#include "json.h"
#include "tsv.h"
#include "xmem.h"

static const char usage_text[] =
    "usage: ht-pfeat [-Hq] [--all | -F NAME ...] [--width W | --url-template T]\n"
    "                [--base-url URL] [--cookies FILE] [--rate N/s|N/min]\n"
    "                [--retries N] [--retry-delay MS] [--timeout SECS] [ID ...]\n"
    "       ht-pfeat [-Hq] [--all | -F NAME ...] [--width W | --url-template T]\n"
    "                [--base-url URL] --mets FILE|DIR ... [ID ...]\n"
    "       ht-pfeat [-Hq] [--all | -F NAME ...] [--width W | --url-template T]\n"
    "                [--base-url URL] --data-api-json [FILE ...]\n";

#define HT_DEFAULT_BASE "https://babel.hathitrust.org"
/* HathiTrust's throttle is private configuration; the reported limit is
 * about 15 requests in 5 minutes, so one request every 20 seconds. */
#define DEFAULT_RATE (1.0 / 20.0)
#define METS_NS "http://www.loc.gov/METS/"

static struct {
	int all;
	int header;
	char **features;	/* NULL-ended; default IMAGE_ON_PAGE */
	size_t nfeatures;
	const char *base_opt;
	char *base;
	const char *cookies;
	int data_api;
	char **mets;		/* --mets arguments */
	size_t nmets;
	int mets_dir;		/* the one --mets is a folder */
	double rate;
	struct http_opts net;	/* --retries, --retry-delay, --timeout */
	const char *tmpl;
	long width;
} opt;

/* ---- volumes and pages ---- */

struct page {
	char *seq;	/* decimal digits */
	char *feat;	/* features, normalised: tokens joined by ',' */
	char *label;	/* printed page number, or "" */
};

struct vol {
	struct buf id;
	struct buf extra;	/* further columns of the input row, raw, each after a TAB */
	struct page *pages;
	size_t npages, cap;
	/* the page being read */
	struct buf seq, feat, label;
	int in_page;		/* reading a page (METS: the depth of its div) */
	int have_seq;
	unsigned long bad;	/* pages without a usable seq */
};

static void
vol_clear_pages(struct vol *v)
{
	size_t i;

	for (i = 0; i < v->npages; i++) {
		free(v->pages[i].seq);
		free(v->pages[i].feat);
		free(v->pages[i].label);
	}
	v->npages = 0;
	v->in_page = v->have_seq = 0;
	v->bad = 0;
}

static void
vol_free(struct vol *v)
{
	vol_clear_pages(v);
	free(v->pages);
	buf_free(&v->id);
	buf_free(&v->extra);
	buf_free(&v->seq);
	buf_free(&v->feat);
	buf_free(&v->label);
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Add the features in s (a comma-separated list, or one feature) to the
 * normalised list in b: tokens trimmed of ASCII white space; empty tokens,
 * FUDGED (imgsrv's note that sizes were sampled) and tokens holding a NUL
 * (JSON can say \u0000; no feature name does, and the list is a C
 * string) dropped. */
static void
feat_add(struct buf *b, const char *s, size_t len)
{
	size_t i = 0, j, a, z;

	while (i <= len) {
		for (j = i; j < len && s[j] != ','; j++)
			;
		a = i;
		z = j;
		while (a < z && is_space((unsigned char)s[a]))
			a++;
		while (z > a && is_space((unsigned char)s[z - 1]))
			z--;
		if (z > a && !(z - a == 6 && memcmp(s + a, "FUDGED", 6) == 0) &&
		    !memchr(s + a, '\0', z - a)) {
			if (b->len)
				buf_addc(b, ',');
			buf_add(b, s + a, z - a);
		}
		i = j + 1;
	}
	if (!b->s)
		buf_add(b, "", 0);
}

/* Does the normalised list hold the token t exactly? */
static int
feat_has(const char *list, const char *t)
{
	size_t n = strlen(t);
	const char *p = list, *comma;

	for (;;) {
		comma = strchr(p, ',');
		if ((comma ? (size_t)(comma - p) : strlen(p)) == n && memcmp(p, t, n) == 0)
			return 1;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* A page "has tags" when it carries a real feature: imgsrv's own
 * MISSING_PAGE and CHECKOUT_PAGE do not count. */
static int
feat_tagged(const char *list)
{
	const char *p = list, *comma;
	size_t n;

	while (*p) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (!(n == 12 && memcmp(p, "MISSING_PAGE", 12) == 0) &&
		    !(n == 13 && memcmp(p, "CHECKOUT_PAGE", 13) == 0))
			return 1;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

static void
page_begin(struct vol *v)
{
	buf_reset(&v->seq);
	buf_reset(&v->feat);
	buf_reset(&v->label);
	v->in_page = 1;
	v->have_seq = 0;
}

static void
page_seq(struct vol *v, const char *s, size_t len)
{
	buf_reset(&v->seq);
	buf_add(&v->seq, s, len);
	v->have_seq = 1;
}

/* Keep the page if its seq is a positive whole number. */
static void
page_end(struct vol *v)
{
	const char *s = buf_str(&v->seq);
	size_t i;
	struct page *p;

	v->in_page = 0;
	if (!v->have_seq || v->seq.len == 0 || v->seq.len > 9 || s[0] == '0') {
		v->bad++;
		return;
	}
	for (i = 0; i < v->seq.len; i++)
		if (s[i] < '0' || s[i] > '9') {
			v->bad++;
			return;
		}
	if (v->npages == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		v->pages = xreallocarray(v->pages, v->cap, sizeof *v->pages);
	}
	p = &v->pages[v->npages++];
	p->seq = xstrdup(s);
	p->feat = xstrdup(buf_str(&v->feat));
	p->label = xstrdup(buf_str(&v->label));
}

/* The image URL of one page. */
static void
page_url(struct buf *b, const char *id, const char *seq)
{
	const char *t, *e;

	if (!opt.tmpl) {
		buf_adds(b, opt.base);
		buf_adds(b, "/cgi/imgsrv/image?id=");
		http_escape(b, id, strlen(id));
		buf_printf(b, "&seq=%s&format=image/jpeg", seq);
		if (opt.width)
			buf_printf(b, "&width=%ld", opt.width);
		else
			buf_adds(b, "&size=full");
		return;
	}
	for (t = opt.tmpl; *t; t = e) {
		if (strncmp(t, "{id}", 4) == 0) {
			http_escape(b, id, strlen(id));
			e = t + 4;
		} else if (strncmp(t, "{rawid}", 7) == 0) {
			buf_adds(b, id);
			e = t + 7;
		} else if (strncmp(t, "{seq}", 5) == 0) {
			buf_adds(b, seq);
			e = t + 5;
		} else {
			for (e = t + 1; *e && *e != '{'; e++)
				;
			buf_add(b, t, (size_t)(e - t));
		}
	}
}

static int
page_selected(const struct page *p)
{
	size_t i;

	if (opt.all)
		return 1;
	for (i = 0; i < opt.nfeatures; i++)
		if (feat_has(p->feat, opt.features[i]))
			return 1;
	return 0;
}

/* All pages of a volume are in: write its rows.  source names where the
 * pages came from, for messages ("METS", ...). */
static void
vol_emit(struct vol *v, const char *source)
{
	struct buf out = BUF_INIT, url = BUF_INIT;
	const char *id = buf_str(&v->id);
	unsigned long tagged = 0, selected = 0;
	size_t i, k;

	if (v->bad) {
		diag_warn("%s: %lu page%s without a usable seq in %s left out", id, v->bad,
		    v->bad == 1 ? "" : "s", source);
		diag_failed();
	}
	if (v->npages == 0) {
		diag_warn("%s: no pages in %s", id, source);
		diag_failed();
		return;
	}
	for (i = 0; i < v->npages; i++) {
		struct page *p = &v->pages[i];
		if (*p->feat && feat_tagged(p->feat))
			tagged++;
		if (!page_selected(p))
			continue;
		selected++;
		buf_reset(&url);
		page_url(&url, id, p->seq);
		buf_adds(&out, "hathitrust\t");
		tsv_escape(&out, id, v->id.len);
		buf_addc(&out, '\t');
		buf_adds(&out, p->seq);
		buf_addc(&out, '\t');
		tsv_escape(&out, url.s, url.len);
		buf_addc(&out, '\t');
		tsv_escape(&out, p->feat, strlen(p->feat));
		buf_addc(&out, '\t');
		tsv_escape(&out, p->label, strlen(p->label));
		buf_add(&out, buf_str(&v->extra), v->extra.len);
		buf_addc(&out, '\n');
	}
	tsv_put_raw(buf_str(&out), out.len);
	if (tagged == 0) {
		diag_note("%s: no page features in %s (unknown, not \"no pictures\")", id, source);
	} else if (selected == 0) {
		struct buf names = BUF_INIT;
		for (k = 0; k < opt.nfeatures; k++) {
			if (k)
				buf_adds(&names, " or ");
			buf_adds(&names, opt.features[k]);
		}
		diag_note("%s: 0 of %zu pages tagged %s", id, v->npages, buf_str(&names));
		buf_free(&names);
	}
	buf_free(&out);
	buf_free(&url);
}

/* ---- ids ---- */

/* A volume id: {namespace}.{local}, the namespace letters and digits, the
 * local id without blanks or control characters. */
static int
valid_id(const char *s, size_t len)
{
	size_t i, dot;

	for (dot = 0; dot < len && s[dot] != '.'; dot++)
		if (!((s[dot] >= 'a' && s[dot] <= 'z') || (s[dot] >= 'A' && s[dot] <= 'Z') ||
		    (s[dot] >= '0' && s[dot] <= '9')))
			return 0;
	if (dot == 0 || dot + 1 >= len)
		return 0;
	for (i = dot + 1; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return 1;
}

struct idsrc {
	char **args;		/* operands, or NULL to read rows */
	int nargs, next;
	struct io_in *in;
	struct buf line, field;
	int header_done;
};

/* A link is reduced to the id it names; 0 if out then holds a valid id. */
static int
id_take(struct buf *out, const char *s, size_t len)
{
	htid_from_url(out, s, len);
	return valid_id(buf_str(out), out->len) ? 0 : -1;
}

/* The next volume id into v (id and extra columns); 0 at the end. */
static int
next_id(struct idsrc *src, struct vol *v)
{
	struct tsv_field f[2];
	const char *id;
	size_t len, n;
	int r;

	for (;;) {
		buf_reset(&v->id);
		buf_reset(&v->extra);
		buf_add(&v->extra, "", 0);
		if (src->args) {
			if (src->next >= src->nargs)
				return 0;
			id = src->args[src->next++];
			if (id_take(&v->id, id, strlen(id)) < 0) {
				diag_warn("'%s': not a HathiTrust volume id", id);
				diag_failed();
				continue;
			}
			return 1;
		}
		if (!src->in && !(src->in = io_open("-")))
			diag_die(DIAG_FAIL, "cannot read standard input");
		r = io_getline(src->in, &src->line);
		if (r < 0) {
			diag_data(io_name(src->in), io_lineno(src->in), "%s", io_error(src->in));
			diag_failed();
			return 0;
		}
		if (r == 0)
			return 0;
		n = tsv_split(buf_str(&src->line), src->line.len, f, 2);
		if (!src->header_done) {
			src->header_done = 1;
			if (opt.header || (f[0].len == 4 && memcmp(f[0].s, "htid", 4) == 0) ||
			    (f[0].len == 9 && memcmp(f[0].s, "htitem_id", 9) == 0))
				continue;	/* a header row */
		}
		buf_reset(&src->field);
		buf_add(&src->field, f[0].s, f[0].len);
		src->field.len = tsv_unescape(src->field.s, src->field.len);
		id = src->field.s;
		len = src->field.len;
		while (len && is_space((unsigned char)*id))
			id++, len--;
		while (len && is_space((unsigned char)id[len - 1]))
			len--;
		if (len == 0 || *id == '#')
			continue;	/* blank lines, comments */
		if (id_take(&v->id, id, len) < 0) {
			diag_data(io_name(src->in), io_lineno(src->in),
			    "not a HathiTrust volume id: '%.*s'", (int)(len > 80 ? 80 : len), id);
			diag_failed();
			continue;
		}
		if (n > 1)	/* pass the further columns on as they are */
			buf_add(&v->extra, f[0].s + f[0].len, src->line.len - f[0].len);
		return 1;
	}
}

static void
idsrc_close(struct idsrc *src)
{
	if (src->in)
		io_close(src->in);
	buf_free(&src->line);
	buf_free(&src->field);
}

/* ---- METS (libxml2 SAX2, streamed) ---- */

struct mets {
	struct vol *v;
	const char *file;
	int depth;
	int smap;		/* depth of the physical structMap we are in, or 0 */
	struct buf objid;
	int have_objid;
	int is_mets;		/* the root element is METS:mets */
	struct buf err;
	unsigned long errline;
	int errcode;
	xmlSAXHandler *sax;
	xmlParserCtxtPtr ctxt;	/* made with the first bytes */
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

static void
mets_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **ns, int nattrs, int ndefaulted, const xmlChar **attrs)
{
	struct mets *m = ctx;
	struct vol *v = m->v;
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
	} else if (m->smap && strcmp(name, "div") == 0 && !v->in_page &&
	    attr_is(nattrs, attrs, "TYPE", "page")) {
		page_begin(v);
		v->in_page = m->depth;
		if ((a = attr_find(nattrs, attrs, "ORDER")) != NULL) {
			attr_value(&v->seq, a[3], a[4]);
			v->have_seq = 1;
		}
		if ((a = attr_find(nattrs, attrs, "LABEL")) != NULL) {
			struct buf label = BUF_INIT;
			attr_value(&label, a[3], a[4]);
			feat_add(&v->feat, label.s, label.len);
			buf_free(&label);
		}
		if ((a = attr_find(nattrs, attrs, "ORDERLABEL")) != NULL)
			attr_value(&v->label, a[3], a[4]);
	}
}

static void
mets_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct mets *m = ctx;

	(void)local;
	(void)prefix;
	(void)uri;
	if (m->v->in_page == m->depth)
		page_end(m->v);
	if (m->smap == m->depth)
		m->smap = 0;
	m->depth--;
}

#if LIBXML_VERSION >= 21200
static void
mets_error(void *ctx, const xmlError *e)
#else
static void
mets_error(void *ctx, xmlErrorPtr e)
#endif
{
	struct mets *m = ctx;

	if (!e || e->level < XML_ERR_ERROR || m->err.len)
		return;
	buf_adds(&m->err, e->message ? e->message : "XML error");
	while (m->err.len && is_space((unsigned char)m->err.s[m->err.len - 1]))
		buf_truncate(&m->err, m->err.len - 1);
	m->errline = e->line > 0 ? (unsigned long)e->line : 0;
	m->errcode = e->code;
}

/* Bytes that are not in the document's encoding (UTF-16, say) are found
 * as libxml2 converts its input, ahead of the parser: it raises that
 * error without a parser context, so not to mets_error (mets_begin sends
 * such errors there too), says more on its generic channel, and leaves
 * the document "well-formed"; xmlParseChunk then returns rc != 0. */
static void
mets_chunk_rc(struct mets *m, int rc)
{
	if (m->err.len || (rc != XML_ERR_INVALID_ENCODING && rc != XML_PARSER_EOF))
		return;
	buf_adds(&m->err, "bytes that are not in the document's encoding");
	m->errline = 0;
	m->errcode = XML_ERR_INVALID_ENCODING;
}

static void
mets_quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

/* Start reading a METS document into v; file names it in messages. */
static void
mets_begin(struct mets *m, struct vol *v, const char *file)
{
	static xmlSAXHandler sax;

	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = mets_start;
	sax.endElementNs = mets_end;
	sax.serror = mets_error;
	/* Nothing else: no entity declarations are kept, no DTD is loaded,
	 * text is skipped.  External entities cannot be declared, let alone
	 * fetched, and an entity reference is an error, not an expansion. */
	memset(m, 0, sizeof *m);
	m->sax = &sax;
	m->v = v;
	m->file = file;
	vol_clear_pages(v);
	xmlSetStructuredErrorFunc(m, mets_error);
	xmlSetGenericErrorFunc(NULL, mets_quiet);
}

/* The parser, made with the first n bytes of the document. */
static void
mets_parser(struct mets *m, const char *p, size_t n)
{
	m->ctxt = xmlCreatePushParserCtxt(m->sax, m, p, (int)n, m->file);
	if (!m->ctxt)
		diag_die(DIAG_FAIL, "cannot create an XML parser");
	xmlCtxtUseOptions(m->ctxt, XML_PARSE_NONET);
}

/* The next n bytes of the document (n > 0); -1 once it is known to be
 * bad, and nothing more need be fed. */
static int
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
			mets_parser(m, p, n);
			return 0;
		}
		k = sizeof m->head - m->nhead;
		memcpy(m->head + m->nhead, p, k);
		mets_parser(m, m->head, sizeof m->head);
		p += k;
		n -= k;
		if (n == 0)
			return 0;
	}
	if ((rc = xmlParseChunk(m->ctxt, p, (int)n, 0)) != 0) {
		mets_chunk_rc(m, rc);
		return -1;
	}
	return m->err.len ? -1 : 0;
}

/* The whole document is in: 0, or -1 after reporting the problem. */
static int
mets_finish(struct mets *m)
{
	if (!m->ctxt && m->nhead)
		mets_parser(m, m->head, m->nhead);
	if (!m->ctxt) {
		diag_data(m->file, 0, "empty file, not METS");
		return -1;
	}
	if (!m->err.len) {
		mets_chunk_rc(m, xmlParseChunk(m->ctxt, NULL, 0, 1));
		if (m->depth > 0 && (!m->err.len || m->errcode == XML_ERR_DOCUMENT_END)) {
			/* libxml2 2.9 says "Extra content at the end", or nothing */
			buf_reset(&m->err);
			buf_adds(&m->err, "premature end of the document (truncated file?)");
		}
	}
	if (m->err.len || !m->ctxt->wellFormed) {
		diag_data(m->file, m->errline, "%s", m->err.len ? m->err.s : "not well-formed XML");
		return -1;
	}
	if (!m->is_mets) {
		diag_data(m->file, 0, "not METS: the root element is not 'mets' in the "
		    "namespace " METS_NS);
		return -1;
	}
	return 0;
}

/* Free the parser; objid (if not NULL) gets the OBJID read, or "". */
static void
mets_free(struct mets *m, struct buf *objid)
{
	if (m->ctxt) {
		/* entity declarations land in a stand-in document ("SAX compat
		 * mode"); they are never looked up, but must be freed */
		if (m->ctxt->myDoc)
			xmlFreeDoc(m->ctxt->myDoc);
		m->ctxt->myDoc = NULL;
		xmlFreeParserCtxt(m->ctxt);
		m->ctxt = NULL;
	}
	if (objid) {
		buf_reset(objid);
		if (m->have_objid)
			buf_add(objid, buf_str(&m->objid), m->objid.len);
	}
	buf_free(&m->objid);
	buf_free(&m->err);
	xmlSetStructuredErrorFunc(NULL, NULL);
}

/* Read one METS file into v (pages) and objid.  Returns 0, or -1 after
 * reporting the problem. */
static int
mets_read(const char *path, struct vol *v, struct buf *objid)
{
	struct mets m;
	struct io_in *in;
	char chunk[65536];
	ssize_t n;
	int rc;

	if (!(in = io_open(path)))
		return -1;
	mets_begin(&m, v, io_name(in));
	while ((n = io_read(in, chunk, sizeof chunk)) > 0)
		if (mets_feed(&m, chunk, (size_t)n) < 0)
			break;
	if (n < 0) {
		diag_data(m.file, 0, "%s", io_error(in));
		rc = -1;
	} else {
		rc = mets_finish(&m);
	}
	mets_free(&m, objid);
	io_close(in);
	return rc;
}

/* {dir}/{ns}/pairtree_root/{pairs}/{clean}/{clean}.mets.xml */
static void
mets_path(struct buf *b, const char *dir, const char *id)
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

static void
run_mets_dir(struct idsrc *src)
{
	struct vol v;
	struct buf path = BUF_INIT, objid = BUF_INIT;
	struct stat st;

	memset(&v, 0, sizeof v);
	while (next_id(src, &v)) {
		buf_reset(&path);
		mets_path(&path, opt.mets[0], buf_str(&v.id));
		if (stat(path.s, &st) != 0 && errno == ENOENT) {
			diag_warn("%s: no METS file %s", v.id.s, path.s);
			diag_failed();
			continue;
		}
		if (mets_read(path.s, &v, &objid) < 0) {
			diag_failed();
			continue;
		}
		if (objid.len && strcmp(objid.s, v.id.s) != 0)
			diag_note("%s: the METS OBJID is '%s'", v.id.s, objid.s);
		vol_emit(&v, "METS");
	}
	vol_free(&v);
	buf_free(&path);
	buf_free(&objid);
}

static void
run_mets_files(char **ids, int nids)
{
	struct vol v;
	struct buf objid = BUF_INIT;
	size_t i;

	memset(&v, 0, sizeof v);
	for (i = 0; i < opt.nmets; i++) {
		const char *name = strcmp(opt.mets[i], "-") == 0 ? "<stdin>" : opt.mets[i];
		if (mets_read(opt.mets[i], &v, &objid) < 0) {
			diag_failed();
			continue;
		}
		buf_reset(&v.id);
		if (nids == 1) {
			if (id_take(&v.id, ids[0], strlen(ids[0])) < 0) {
				diag_warn("'%s': not a HathiTrust volume id", ids[0]);
				diag_failed();
				continue;
			}
			if (objid.len && strcmp(objid.s, v.id.s) != 0)
				diag_note("%s: the METS OBJID is '%s'", v.id.s, objid.s);
		} else if (objid.len && valid_id(objid.s, objid.len)) {
			buf_add(&v.id, objid.s, objid.len);
		} else {
			diag_data(name, 0, "%s; give the volume id as an operand",
			    objid.len ? "the METS OBJID is not a volume id" : "no OBJID in the METS root");
			diag_failed();
			continue;
		}
		vol_emit(&v, "METS");
	}
	vol_free(&v);
	buf_free(&objid);
}

/* ---- archived Data API volume/meta JSON ---- */

struct dapi {
	struct vol *v;
	struct buf rights_id, atom_id;
	int have_seqmap;
};

/* For a value inside htd:seqmap's htd:seq entries, the path after the
 * entry ("" for the entry itself, ".pseq", ...); NULL elsewhere.  Both
 * htd:seqmap and htd:seq may be arrays or objects. */
static const char *
seq_rest(const char *p)
{
	if (strncmp(p, "htd:seqmap", 10) != 0)
		return NULL;
	p += 10;
	if (strncmp(p, "[]", 2) == 0)
		p += 2;
	if (strncmp(p, ".htd:seq", 8) != 0)
		return NULL;
	p += 8;
	if (strncmp(p, "[]", 2) == 0)
		p += 2;
	if (*p && *p != '.')
		return NULL;
	return p;
}

static int
on_dapi(void *arg, const struct json_event *ev)
{
	struct dapi *c = arg;
	struct vol *v = c->v;
	const char *rest;

	if (ev->depth == 1 && ev->type == JSON_STRING && json_path_is(ev, "id")) {
		buf_reset(&c->atom_id);
		buf_add(&c->atom_id, ev->val, ev->len);
		return 0;
	}
	if (ev->depth == 2 && ev->type == JSON_STRING && json_path_is(ev, "htd:rights.htd:id")) {
		buf_reset(&c->rights_id);
		buf_add(&c->rights_id, ev->val, ev->len);
		return 0;
	}
	if (ev->depth == 1 && json_path_is(ev, "htd:seqmap"))
		c->have_seqmap = 1;
	if ((rest = seq_rest(ev->path)) == NULL)
		return 0;
	if (*rest == '\0') {
		if (ev->type == JSON_MAP_START && !v->in_page)
			page_begin(v);
		else if (ev->type == JSON_MAP_END && v->in_page)
			page_end(v);
		return 0;
	}
	if (!v->in_page)
		return 0;
	if (strcmp(rest, ".pseq") == 0 && (ev->type == JSON_STRING || ev->type == JSON_NUMBER))
		page_seq(v, ev->val, ev->len);
	else if (strcmp(rest, ".htd:pnum") == 0 && (ev->type == JSON_STRING ||
	    ev->type == JSON_NUMBER)) {
		buf_reset(&v->label);
		buf_add(&v->label, ev->val, ev->len);
	} else if ((strcmp(rest, ".htd:pfeat") == 0 || strcmp(rest, ".htd:pfeat[]") == 0) &&
	    ev->type == JSON_STRING)
		feat_add(&v->feat, ev->val, ev->len);	/* {} and other values: no feature */
	return 0;
}

/* The volume id of a Data API response: htd:rights/htd:id, else the end
 * of the Atom id ".../volume/meta/ID". */
static int
dapi_id(struct dapi *c, struct buf *id)
{
	const char *s, *p;

	buf_reset(id);
	if (c->rights_id.len && valid_id(c->rights_id.s, c->rights_id.len)) {
		buf_add(id, c->rights_id.s, c->rights_id.len);
		return 0;
	}
	s = buf_str(&c->atom_id);
	if ((p = strstr(s, "/volume/meta/")) != NULL)
		s = p + 13;
	if (*s && valid_id(s, strlen(s))) {
		buf_adds(id, s);
		return 0;
	}
	return -1;
}

/* Start on a new document. */
static void
dapi_begin(struct dapi *c, struct json_stream *js)
{
	json_reset(js);
	vol_clear_pages(c->v);
	buf_reset(&c->rights_id);
	buf_reset(&c->atom_id);
	c->have_seqmap = 0;
}

/* The document named name is in (r: the last json_feed's result): write
 * its rows, or say what is wrong with it. */
static void
dapi_end(struct dapi *c, struct json_stream *js, const char *name, int r)
{
	if (r != 0 || json_finish(js) != 0) {
		diag_data(name, json_error_line(js), "%s (byte %llu)", json_error(js),
		    json_error_offset(js));
		diag_failed();
	} else if (!c->have_seqmap) {
		diag_data(name, 0, "no htd:seqmap: not a Data API volume/meta JSON response");
		diag_failed();
	} else if (dapi_id(c, &c->v->id) < 0) {
		diag_data(name, 0, "no volume id (htd:rights.htd:id or id)");
		diag_failed();
	} else {
		vol_emit(c->v, "Data API JSON");
	}
}

static void
run_data_api(char **files, int nfiles)
{
	struct vol v;
	struct dapi c;
	struct json_stream *js;
	struct io_in *in;
	char chunk[65536];
	ssize_t n;
	int i, r;
	char *dash[] = { "-" };

	if (nfiles == 0) {
		files = dash;
		nfiles = 1;
	}
	memset(&v, 0, sizeof v);
	memset(&c, 0, sizeof c);
	c.v = &v;
	js = json_new(on_dapi, &c);
	for (i = 0; i < nfiles; i++) {
		if (!(in = io_open(files[i]))) {
			diag_failed();
			continue;
		}
		dapi_begin(&c, js);
		r = 0;
		while ((n = io_read(in, chunk, sizeof chunk)) > 0)
			if ((r = json_feed(js, chunk, (size_t)n)) != 0)
				break;
		if (n < 0) {
			diag_data(io_name(in), 0, "%s", io_error(in));
			diag_failed();
		} else {
			dapi_end(&c, js, io_name(in), r);
		}
		io_close(in);
	}
	json_free(js);
	buf_free(&c.rights_id);
	buf_free(&c.atom_id);
	vol_free(&v);
}

/* ---- imgsrv page metadata over HTTP ---- */

struct meta {
	struct vol *v;
	struct json_stream *js;
	const char *url;
	int have_items;
	int json_failed;
	int blocked;
};

static int
on_meta_json(void *arg, const struct json_event *ev)
{
	struct meta *m = arg;
	struct vol *v = m->v;

	if (ev->depth == 1 && ev->type == JSON_ARRAY_START && json_path_is(ev, "items")) {
		m->have_items = 1;
		return 0;
	}
	if (ev->depth < 2 || strncmp(ev->path, "items[]", 7) != 0)
		return 0;
	if (ev->depth == 2) {
		if (ev->type == JSON_MAP_START)
			page_begin(v);
		else if (ev->type == JSON_MAP_END && v->in_page)
			page_end(v);
		return 0;
	}
	if (!v->in_page)
		return 0;
	if (ev->depth == 3 && strcmp(ev->path, "items[].seq") == 0 &&
	    (ev->type == JSON_NUMBER || ev->type == JSON_STRING))
		page_seq(v, ev->val, ev->len);
	else if (ev->depth == 3 && strcmp(ev->path, "items[].page_num") == 0 &&
	    (ev->type == JSON_NUMBER || ev->type == JSON_STRING)) {
		buf_reset(&v->label);
		buf_add(&v->label, ev->val, ev->len);
	} else if (ev->depth == 4 && strcmp(ev->path, "items[].features[]") == 0 &&
	    ev->type == JSON_STRING)
		feat_add(&v->feat, ev->val, ev->len);
	return 0;
}

static int
meta_body(void *arg, const char *p, size_t n)
{
	struct meta *m = arg;

	if (json_feed(m->js, p, n) != 0) {
		m->json_failed = 1;
		return 1;	/* stop the transfer */
	}
	return 0;
}

static void
meta_restart(void *arg)
{
	struct meta *m = arg;

	json_reset(m->js);
	vol_clear_pages(m->v);
	m->have_items = 0;
}

static void
report_blocked(const char *url)
{
	const char *host = strstr(url, "://"), *slash;
	int n;

	host = host ? host + 3 : url;
	slash = strchr(host, '/');
	n = (int)(slash ? (size_t)(slash - url) : strlen(url));	/* scheme://host[:port] */
	diag_warn("%.*s asks for a bot-protection challenge (Cloudflare) that only a web "
	    "browser can pass; no more requests are sent there", n, url);
	if (opt.cookies)
		diag_warn("the cookies in %s were not accepted: they may have expired, or may "
		    "only work with the User-Agent of the browser they came from (set "
		    "PLATES_USER_AGENT)", opt.cookies);
	else
		diag_warn("to go on, visit %.*s in a browser, export its cookies to a Netscape "
		    "cookie file (cookies.txt) and give it with --cookies FILE; or use local "
		    "METS files (--mets)", n, url);
}

static void
meta_done(void *arg, const struct http_result *r)
{
	struct meta *m = arg;
	struct vol *v = m->v;
	const char *id = buf_str(&v->id);

	switch (r->outcome) {
	case HTTP_OK:
		if (json_finish(m->js) != 0) {
			m->json_failed = 1;
			break;
		}
		if (!m->have_items) {
			diag_warn("%s: %s: no \"items\" list in the page metadata", id, m->url);
			diag_failed();
			return;
		}
		vol_emit(v, "the imgsrv page metadata");
		tsv_flush();
		return;
	case HTTP_ABORTED:
		break;
	case HTTP_BLOCKED:
		diag_warn("%s: %s: %s", id, m->url, r->error);
		diag_failed();
		m->blocked = 1;
		report_blocked(m->url);
		return;
	case HTTP_FAILED:
		if (r->status == 404) {
			diag_warn("%s: unknown or suppressed volume (%s: %s)", id, m->url, r->error);
			diag_failed();
			return;
		}
		/* FALLTHROUGH */
	case HTTP_GAVE_UP:
	default:
		diag_warn("%s: %s: %s", id, m->url, r->error);
		diag_failed();
		return;
	}
	if (m->json_failed) {
		const char *ct = r->content_type && *r->content_type ? r->content_type : "";
		if (*ct && !strstr(ct, "json") && !strstr(ct, "javascript"))
			diag_warn("%s: %s: line %lu: %s (Content-Type %s)", id, m->url,
			    json_error_line(m->js), json_error(m->js), ct);
		else
			diag_warn("%s: %s: line %lu: %s", id, m->url, json_error_line(m->js),
			    json_error(m->js));
		diag_failed();
	}
}

static void
run_imgsrv(struct idsrc *src)
{
	static const struct http_cb cb = { NULL, meta_body, meta_restart, meta_done };
	struct http_opts ho;
	struct http *h;
	struct vol v;
	struct meta m;
	struct buf url = BUF_INIT;

	memset(&ho, 0, sizeof ho);
	ho.cookie_file = opt.cookies;
	ho.retries = opt.net.retries;
	ho.retry_delay_ms = opt.net.retry_delay_ms;
	ho.timeout_ms = opt.net.timeout_ms;
	ho.max_total = 1;
	h = http_new(&ho);
	/* one connection to HathiTrust, at the chosen rate */
	http_host_limit(h, opt.base, 1, opt.rate, 1);
	memset(&v, 0, sizeof v);
	memset(&m, 0, sizeof m);
	m.v = &v;
	m.js = json_new(on_meta_json, &m);
	while (!m.blocked && next_id(src, &v)) {
		buf_reset(&url);
		buf_adds(&url, opt.base);
		buf_adds(&url, "/cgi/imgsrv/meta?id=");
		http_escape(&url, v.id.s, v.id.len);
		m.url = url.s;
		m.have_items = m.json_failed = 0;
		json_reset(m.js);
		vol_clear_pages(&v);
		http_get(h, url.s, &cb, &m);
		http_drain(h);	/* one volume at a time: rows stay in input order */
	}
	if (m.blocked && next_id(src, &v))
		diag_warn("stopped: the remaining volumes were not asked for");
	http_free(h);
	json_free(m.js);
	vol_free(&v);
	buf_free(&url);
}

/* ---- options ---- */

static double
parse_rate(const char *arg)
{
	double r = http_parse_rate(arg);

	if (!(r > 0) || r > 1000)
		diag_usage_error(usage_text, "--rate: expected N/s, N/min or N/h (0 < N/s <= 1000), "
		    "got '%s'", arg);
	return r;
}

static void
check_template(const char *t)
{
	const char *p;

	for (p = strchr(t, '{'); p; p = strchr(p + 1, '{'))
		if (strncmp(p, "{id}", 4) && strncmp(p, "{rawid}", 7) && strncmp(p, "{seq}", 5))
			diag_usage_error(usage_text, "--url-template: unknown placeholder at '%.20s' "
			    "(known: {id}, {rawid}, {seq})", p);
	if (!strstr(t, "{seq}"))
		diag_usage_error(usage_text, "--url-template: no {seq} in '%s'", t);
}

static void
usage(void)
{
	printf("%s", usage_text);
	printf("\nHathiTrust volume ids (operands, else the first column of rows on\n"
	    "standard input) to one row per page tagged IMAGE_ON_PAGE:\n"
	    "  hathitrust  id  seq  url  features  pagelabel\n"
	    "Pages come from HathiTrust's imgsrv page metadata (one request per\n"
	    "volume, slowly), from local METS files, or from archived Data API JSON.\n\n"
	    "      --all              every page, with its features\n"
	    "      --base-url URL     HathiTrust base URL (default $PLATES_HT_BASE,\n"
	    "                         else " HT_DEFAULT_BASE ")\n"
	    "      --cookies FILE     send cookies from this Netscape cookie file\n"
	    "      --data-api-json    operands are archived Data API volume/meta JSON\n"
	    "  -F, --feature NAME     pages tagged NAME (repeatable; default\n"
	    "                         IMAGE_ON_PAGE)\n"
	    "  -H, --header           input has a header row; write one\n"
	    "  -h, --help             this help\n"
	    "      --mets FILE|DIR    read METS files, or find them in the pairtree\n"
	    "                         folders of DIR (DIR/ns/pairtree_root/...)\n"
	    "  -q, --quiet            no informational messages\n"
	    "      --rate N/s|N/min   imgsrv request rate (default 3/min)\n"
	    "      --retries N        retries per request (default 5)\n"
	    "      --retry-delay MS   first retry delay (default 1000)\n"
	    "      --timeout SECS     give up on a request after SECS\n"
	    "      --url-template T   image URL with {id}, {rawid} and {seq}\n"
	    "      --width W          ask for images W pixels wide, not full size\n"
	    "  -V, --version          version\n"
	    "\nSee ht-pfeat(1) and plates(7).\n");
	exit(diag_finish());
}

int
main(int argc, char **argv)
{
	enum { O_ALL = 256, O_BASE, O_COOKIES, O_DAPI, O_METS, O_RATE, O_NET,
		 O_TMPL, O_WIDTH };
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, O_ALL },
		{ "base-url", required_argument, NULL, O_BASE },
		{ "cookies", required_argument, NULL, O_COOKIES },
		{ "data-api-json", no_argument, NULL, O_DAPI },
		{ "feature", required_argument, NULL, 'F' },
		{ "header", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "mets", required_argument, NULL, O_METS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "rate", required_argument, NULL, O_RATE },
		{ "retries", required_argument, NULL, O_NET },
		{ "retry-delay", required_argument, NULL, O_NET },
		{ "timeout", required_argument, NULL, O_NET },
		{ "url-template", required_argument, NULL, O_TMPL },
		{ "width", required_argument, NULL, O_WIDTH },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char *default_features[] = { "IMAGE_ON_PAGE", NULL };
	struct idsrc src;
	struct stat st;
	char **list;
	size_t k, j;
	int c, li = 0, nfeat_alloc = 0;
	FILE *f;

	diag_init(argv[0]);
	opt.rate = DEFAULT_RATE;
	opt.net.retries = 5;
	opt.net.retry_delay_ms = 1000;
	while ((c = getopt_long(argc, argv, ":F:HhqV", longopts, &li)) != -1) {
		switch (c) {
		case O_ALL:
			opt.all = 1;
			break;
		case O_BASE:
			opt.base_opt = optarg;
			break;
		case O_COOKIES:
			opt.cookies = optarg;
			break;
		case O_DAPI:
			opt.data_api = 1;
			break;
		case 'F':
			k = tsv_list(optarg, &list);
			for (j = 0; j < k; j++) {
				if (!*list[j] || strpbrk(list[j], " \t\r\n"))
					diag_usage_error(usage_text, "-F: not a feature name: '%s'", optarg);
				if ((int)opt.nfeatures + 1 >= nfeat_alloc) {
					nfeat_alloc = nfeat_alloc ? nfeat_alloc * 2 : 8;
					opt.features = xreallocarray(opt.features, (size_t)nfeat_alloc,
					    sizeof *opt.features);
				}
				opt.features[opt.nfeatures++] = xstrdup(list[j]);
				opt.features[opt.nfeatures] = NULL;
			}
			if (k == 0)
				diag_usage_error(usage_text, "-F: not a feature name: '%s'", optarg);
			tsv_list_free(list);
			break;
		case 'H':
			opt.header = 1;
			break;
		case 'h':
			usage();
			break;
		case O_METS:
			opt.mets = xreallocarray(opt.mets, opt.nmets + 1, sizeof *opt.mets);
			opt.mets[opt.nmets++] = optarg;
			break;
		case 'q':
			diag_set_quiet(1);
			break;
		case O_RATE:
			opt.rate = parse_rate(optarg);
			break;
		case O_NET:
			http_option(&opt.net, usage_text, longopts[li].name, optarg);
			break;
		case O_TMPL:
			opt.tmpl = optarg;
			break;
		case O_WIDTH:
			opt.width = diag_parse_long(usage_text, "--width", optarg, 1, 100000);
			break;
		case 'V':
			diag_version();
			break;
		default:
			diag_getopt_error(usage_text, c, argv);
		}
	}
	/* check everything before reading anything */
	if (opt.all && opt.nfeatures)
		diag_usage_error(usage_text, "--all and -F exclude each other");
	if (opt.width && opt.tmpl)
		diag_usage_error(usage_text, "--width and --url-template exclude each other");
	if (opt.tmpl)
		check_template(opt.tmpl);
	if (opt.data_api && opt.nmets)
		diag_usage_error(usage_text, "--mets and --data-api-json exclude each other");
	if (opt.nmets) {
		for (k = 0; k < opt.nmets; k++) {
			if (strcmp(opt.mets[k], "-") == 0)
				continue;
			if (stat(opt.mets[k], &st) != 0)
				diag_usage_error(usage_text, "--mets %s: %s", opt.mets[k],
				    strerror(errno));
			if (S_ISDIR(st.st_mode)) {
				if (opt.nmets > 1)
					diag_usage_error(usage_text, "--mets DIR cannot be combined "
					    "with other --mets");
				opt.mets_dir = 1;
			}
		}
		if (!opt.mets_dir && argc - optind > 1)
			diag_usage_error(usage_text, "--mets FILE takes at most one volume id");
		if (!opt.mets_dir && argc - optind == 1 && opt.nmets > 1)
			diag_usage_error(usage_text, "a volume id goes with a single --mets FILE");
	}
	if (opt.cookies) {
		if (!(f = fopen(opt.cookies, "r")))
			diag_usage_error(usage_text, "--cookies %s: %s", opt.cookies, strerror(errno));
		fclose(f);
	}
	if (!opt.nfeatures) {
		opt.features = default_features;
		opt.nfeatures = 1;
	}
	opt.base = http_base(opt.base_opt, "PLATES_HT_BASE", HT_DEFAULT_BASE);
	if (strncmp(opt.base, "http://", 7) != 0 && strncmp(opt.base, "https://", 8) != 0)
		diag_usage_error(usage_text, "%s: the HathiTrust base URL must start with "
		    "http:// or https://, got '%s'", opt.base_opt ? "--base-url" : "PLATES_HT_BASE",
		    opt.base);
	xmlInitParser();

	memset(&src, 0, sizeof src);
	if (optind < argc) {
		src.args = argv + optind;
		src.nargs = argc - optind;
	}
	if (opt.header) {
		tsv_put_raw("library\tid\tpage\turl\tfeatures\tpagelabel", 38);
		if (!src.args && !opt.data_api && !(opt.nmets && !opt.mets_dir)) {
			/* the header row of the input gives the further columns' names */
			struct tsv_field fl[2];
			size_t n;
			int r;
			if (!(src.in = io_open("-")))
				diag_die(DIAG_FAIL, "cannot read standard input");
			src.header_done = 1;
			if ((r = io_getline(src.in, &src.line)) > 0) {
				n = tsv_split(buf_str(&src.line), src.line.len, fl, 2);
				if (n > 1)
					tsv_put_raw(fl[0].s + fl[0].len, src.line.len - fl[0].len);
			} else if (r < 0) {
				diag_data(io_name(src.in), io_lineno(src.in), "%s", io_error(src.in));
				diag_failed();
			}
		}
		tsv_end();
	}
	if (opt.data_api)
		run_data_api(argv + optind, argc - optind);
	else if (opt.nmets && !opt.mets_dir)
		run_mets_files(argv + optind, argc - optind);
	else if (opt.mets_dir)
		run_mets_dir(&src);
	else
		run_imgsrv(&src);

	idsrc_close(&src);
	if (opt.features != default_features) {
		for (k = 0; k < opt.nfeatures; k++)
			free(opt.features[k]);
		free(opt.features);
	}
	free(opt.mets);
	free(opt.base);
	xmlCleanupParser();
	return diag_finish();
}
