/* ht_collections: HathiTrust lists of volumes; see ht_collections.h. */
#include "ht_collections.h"

#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "json.h"
#include "tsv.h"

#define NFIELDS HT_COLLECTIONS_NFIELDS
#define MAXCOLS 64

const char *const ht_collections_names[NFIELDS] = {
	"title", "date", "rights", "access", "author"
};

/* HathiFiles columns (1-based in the documentation). */
static const int hathifile_col[NFIELDS] = { 12 - 1, 17 - 1, 3 - 1, 2 - 1, 26 - 1 };

struct reader {
	const struct ht_collections_cb *cb;
	const char *file;
	unsigned long errors;
	int stop;		/* a callback asked to stop */
	enum ht_collections_format format;
	struct buf id, f[NFIELDS], msg;
	int have[NFIELDS];
	/* JSON */
	int id_rank;		/* 3 htitem_id, 2 htid, 1 id: the best key seen */
	unsigned long gathers;
	int in_gathers;
};

static void
fail(struct reader *x, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct reader *x, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&x->msg);
	va_start(ap, fmt);
	buf_vprintf(&x->msg, fmt, ap);
	va_end(ap);
	x->errors++;
	if (x->cb->error && x->cb->error(x->cb->arg, x->file, line, buf_str(&x->msg)))
		x->stop = 1;
}

static void
record_reset(struct reader *x)
{
	int i;

	buf_reset(&x->id);
	for (i = 0; i < NFIELDS; i++) {
		buf_reset(&x->f[i]);
		x->have[i] = 0;
	}
}

/* Fields are kept TSV-escaped: values from JSON and CSV are escaped here,
 * TSV fields are passed through as they came (raw = 1). */
static void
record_set(struct reader *x, int field, const char *s, size_t len, int raw)
{
	buf_reset(&x->f[field]);
	if (raw)
		buf_add(&x->f[field], s, len);
	else
		tsv_escape(&x->f[field], s, len);
	x->have[field] = 1;
}

static void
trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t' || **s == '\r'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\r'))
		(*len)--;
}

static void
deliver(struct reader *x, unsigned long line)
{
	struct ht_collections_record r;
	const char *id = buf_str(&x->id);
	size_t len = x->id.len;
	int i;

	trim(&id, &len);
	if (len != x->id.len) {
		memmove(x->id.s, id, len);
		x->id.s[x->id.len = len] = '\0';
	}
	r.format = x->format;
	r.id = buf_str(&x->id);
	r.idlen = x->id.len;
	for (i = 0; i < NFIELDS; i++) {
		r.field[i] = buf_str(&x->f[i]);
		r.len[i] = x->f[i].len;
		r.have[i] = x->have[i];
	}
	r.file = x->file;
	r.line = line;
	if (x->cb->record && x->cb->record(x->cb->arg, &r))
		x->stop = 1;
}

/* ---- JSON: collection exports (legacy and current) and HTRC worksets ---- */

static int
json_field(const char *key)
{
	if (strcmp(key, "date") == 0 || strcmp(key, "rights_date_used") == 0)
		return HT_COLLECTIONS_DATE;
	for (int i = 0; i < NFIELDS; i++)
		if (strcmp(key, ht_collections_names[i]) == 0)
			return i;
	return -1;
}

/* An element of the list of records. */
static void
on_record_event(struct reader *x, const struct json_event *ev)
{
	if (ev->type == JSON_MAP_START) {
		record_reset(x);
		x->id_rank = 0;
	} else if (ev->type == JSON_MAP_END) {
		x->gathers++;
		if (x->id_rank == 0)
			fail(x, 0, "gathers[%lu] has no htitem_id, htid or id", x->gathers - 1);
		else
			deliver(x, 0);
	} else if (ev->type == JSON_STRING) {
		/* a workset may list ids as plain strings */
		record_reset(x);
		buf_add(&x->id, ev->val, ev->len);
		x->gathers++;
		deliver(x, 0);
	}
}

static int
on_json(void *arg, const struct json_event *ev)
{
	struct reader *x = arg;
	int f, rank;

	/* records are the members of "gathers", or of a top-level array */
	if ((ev->depth == 1 && ev->type == JSON_ARRAY_START && json_path_is(ev, "gathers")) ||
	    (ev->depth == 0 && ev->type == JSON_ARRAY_START))
		x->in_gathers = 1;
	if ((ev->depth == 2 && json_path_is(ev, "gathers[]")) ||
	    (ev->depth == 1 && json_path_is(ev, "[]"))) {
		on_record_event(x, ev);
		return x->stop;
	}
	if (!ev->key || !((ev->depth == 3 && strncmp(ev->path, "gathers[].", 10) == 0) ||
	    (ev->depth == 2 && strncmp(ev->path, "[].", 3) == 0)))
		return 0;
	if (ev->type != JSON_STRING && ev->type != JSON_NUMBER)
		return 0;
	rank = strcmp(ev->key, "htitem_id") == 0 ? 3 : strcmp(ev->key, "htid") == 0 ? 2
	    : strcmp(ev->key, "id") == 0 ? 1 : 0;
	if (rank) {
		if (rank > x->id_rank) {
			buf_reset(&x->id);
			buf_add(&x->id, ev->val, ev->len);
			x->id_rank = rank;
		}
		return 0;
	}
	if ((f = json_field(ev->key)) >= 0 && !(f == HT_COLLECTIONS_DATE &&
	    x->have[HT_COLLECTIONS_DATE] && strcmp(ev->key, "rights_date_used") == 0))
		record_set(x, f, ev->val, ev->len, 0);
	return 0;
}

static void
read_json(struct reader *x, struct io_in *in)
{
	struct json_stream *js;
	const char *p;
	char chunk[65536];
	ssize_t n;
	int r = 0;

	x->format = HT_COLLECTIONS_JSON;
	js = json_new(on_json, x);
	if (io_peek(in, &p, 3) == 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		(void)io_read(in, chunk, 3);	/* a byte order mark */
	while ((n = io_read(in, chunk, sizeof chunk)) > 0)
		if ((r = json_feed(js, chunk, (size_t)n)) != 0)
			break;
	if (n < 0)
		fail(x, 0, "%s", io_error(in));
	else if (r == 0 && json_finish(js) != 0)
		r = -1;
	if (r < 0)
		fail(x, json_error_line(js), "%s (byte %llu)", json_error(js),
		    json_error_offset(js));
	else if (r == 0 && n == 0 && !x->in_gathers)
		fail(x, 0, "no \"gathers\" list or array of records: not a collection export "
		    "or workset");
	json_free(js);
}

/* ---- line formats: TSV exports, CSV worksets, HathiFiles, plain lists ---- */

size_t
ht_collections_csv_split(const char *s, size_t len, struct buf *out, size_t *start,
    size_t *flen, size_t max)
{
	size_t i = 0, n = 0;
	int q;

	buf_reset(out);
	buf_add(out, "", 0);	/* a buffer even when every field is empty */
	for (;;) {
		size_t st = out->len;
		q = i < len && s[i] == '"';
		if (q)
			i++;
		while (i < len) {
			if (q && s[i] == '"') {
				if (i + 1 < len && s[i + 1] == '"') {
					buf_addc(out, '"');
					i += 2;
					continue;
				}
				q = 0;
				i++;
				continue;
			}
			if (!q && s[i] == ',')
				break;
			buf_addc(out, s[i++]);
		}
		if (n < max) {
			start[n] = st;
			flen[n] = out->len - st;
		}
		n++;
		if (i >= len)
			break;
		i++;	/* the comma */
	}
	return n;
}

/* How the lines of a file are read, from its first line. */
struct layout {
	int idcol;
	int col[NFIELDS];
	struct buf csv;
	size_t cstart[MAXCOLS], clen[MAXCOLS];
};

static int
col_for(const struct tsv_field *f, size_t n, int field)
{
	int i;

	if (field == HT_COLLECTIONS_DATE && (i = tsv_find(f, n, "date")) < 0)
		return tsv_find(f, n, "rights_date_used");
	return field == HT_COLLECTIONS_DATE ? i : tsv_find(f, n, ht_collections_names[field]);
}

/* A CSV header naming "id": 1 and the columns, or 0. */
static int
csv_header(struct layout *lay, const char *s, size_t len)
{
	size_t k = ht_collections_csv_split(s, len, &lay->csv, lay->cstart, lay->clen, MAXCOLS);
	size_t i;

	for (lay->idcol = -1, i = 0; i < k && i < MAXCOLS; i++) {
		const char *name = lay->csv.s + lay->cstart[i];
		if (lay->clen[i] == 2 && memcmp(name, "id", 2) == 0)
			lay->idcol = (int)i;
		else if (lay->clen[i] == 5 && memcmp(name, "title", 5) == 0)
			lay->col[HT_COLLECTIONS_TITLE] = (int)i;
		else if (lay->clen[i] == 4 && memcmp(name, "year", 4) == 0)
			lay->col[HT_COLLECTIONS_DATE] = (int)i;
	}
	return lay->idcol >= 0;
}

/* The format of a file whose first line (not blank, not a comment) is s;
 * 1 if that line is a header. */
static int
detect(struct reader *x, struct layout *lay, const char *s, size_t len)
{
	struct tsv_field f[MAXCOLS];
	size_t n = tsv_split(s, len, f, MAXCOLS);
	int i;

	if (n > MAXCOLS)
		n = MAXCOLS;
	if ((lay->idcol = tsv_find(f, n, "htitem_id")) >= 0 ||
	    (lay->idcol = tsv_find(f, n, "htid")) >= 0 ||
	    (lay->idcol = tsv_find(f, n, "id")) >= 0) {
		x->format = HT_COLLECTIONS_TSV;
		for (i = 0; i < NFIELDS; i++)
			lay->col[i] = col_for(f, n, i);
		return 1;
	}
	if (n == 1 && memchr(s, ',', len)) {
		if (csv_header(lay, s, len)) {
			x->format = HT_COLLECTIONS_CSV;
			return 1;
		}
		for (i = 0; i < NFIELDS; i++)
			lay->col[i] = -1;
	}
	lay->idcol = 0;
	x->format = HT_COLLECTIONS_LIST;
	if (n >= 26 && ((f[1].len == 5 && memcmp(f[1].s, "allow", 5) == 0) ||
	    (f[1].len == 4 && memcmp(f[1].s, "deny", 4) == 0))) {
		x->format = HT_COLLECTIONS_HATHIFILE;
		for (i = 0; i < NFIELDS; i++)
			lay->col[i] = hathifile_col[i];
	}
	return 0;
}

/* One line of data; 0, or -1 if it was reported as bad. */
static int
read_line(struct reader *x, struct layout *lay, const char *s, size_t len, unsigned long ln)
{
	struct tsv_field f[MAXCOLS];
	size_t n;
	int i;

	record_reset(x);
	if (x->format == HT_COLLECTIONS_CSV) {
		n = ht_collections_csv_split(s, len, &lay->csv, lay->cstart, lay->clen, MAXCOLS);
		if ((size_t)lay->idcol >= n) {
			fail(x, ln, "expected at least %d fields, got %zu", lay->idcol + 1, n);
			return -1;
		}
		buf_add(&x->id, lay->csv.s + lay->cstart[lay->idcol], lay->clen[lay->idcol]);
		for (i = 0; i < NFIELDS; i++)
			if (lay->col[i] >= 0 && (size_t)lay->col[i] < n)
				record_set(x, i, lay->csv.s + lay->cstart[lay->col[i]],
				    lay->clen[lay->col[i]], 0);
		return 0;
	}
	if ((n = tsv_split(s, len, f, MAXCOLS)) > MAXCOLS)
		n = MAXCOLS;
	if ((size_t)lay->idcol >= n) {
		fail(x, ln, "expected at least %d fields, got %zu", lay->idcol + 1, n);
		return -1;
	}
	if (x->format == HT_COLLECTIONS_HATHIFILE && n < 26) {
		fail(x, ln, "expected 26 HathiFiles columns, got %zu", n);
		return -1;
	}
	buf_add(&x->id, f[lay->idcol].s, f[lay->idcol].len);
	x->id.len = tsv_unescape(x->id.s, x->id.len);
	for (i = 0; i < NFIELDS; i++)
		if (lay->col[i] >= 0 && (size_t)lay->col[i] < n)
			record_set(x, i, f[lay->col[i]].s, f[lay->col[i]].len, 1);
	return 0;
}

static void
read_lines(struct reader *x, struct io_in *in)
{
	struct buf line = BUF_INIT;
	struct layout lay;
	int i, r = 0, detected = 0;

	memset(&lay, 0, sizeof lay);
	for (i = 0; i < NFIELDS; i++)
		lay.col[i] = -1;
	x->format = HT_COLLECTIONS_LIST;
	while (!x->stop && (r = io_getline(in, &line)) > 0) {
		const char *s = buf_str(&line), *t;
		size_t len = line.len, tl;
		unsigned long ln = io_lineno(in);

		if (ln == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3, len -= 3;	/* a byte order mark */
		t = s;
		tl = len;
		trim(&t, &tl);
		/* what kind of file: look at the first line that is not blank
		 * or a comment; lists skip them all along */
		if ((!detected || x->format == HT_COLLECTIONS_LIST) && (tl == 0 || *t == '#'))
			continue;
		if (!detected) {
			detected = 1;
			if (detect(x, &lay, s, len))
				continue;
		}
		if (read_line(x, &lay, s, len, ln) == 0)
			deliver(x, ln);
	}
	if (r < 0)
		fail(x, io_lineno(in), "%s", io_error(in));
	buf_free(&line);
	buf_free(&lay.csv);
}

/* ---- what a file is, from its first bytes ---- */

/* Does s[0..n) contain w, ignoring ASCII case? */
static int
has_word(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w), i;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, w, k) == 0)
			return 1;
	return 0;
}

/* The bytes in p[0..n) that are neither text nor part of a valid UTF-8
 * sequence; -1 if there is a NUL.  A sequence cut off by the end of p
 * counts as valid. */
static long
odd_bytes(const unsigned char *p, size_t n)
{
	size_t i = 0, k, j;
	long odd = 0;

	while (i < n) {
		if (p[i] == 0)
			return -1;
		if (p[i] < 0x80) {
			if (p[i] < 0x20 && !strchr("\t\n\r\f", p[i]))
				odd++;
			odd += p[i] == 0x7f;
			i++;
			continue;
		}
		k = p[i] >= 0xc2 && p[i] < 0xe0 ? 2 : p[i] >= 0xe0 && p[i] < 0xf0 ? 3 :
		    p[i] >= 0xf0 && p[i] < 0xf5 ? 4 : 0;
		for (j = 1; k && j < k && i + j < n; j++)
			if ((p[i + j] & 0xc0) != 0x80)
				k = 0;
		if (k == 0) {
			odd++;
			i++;
		} else {
			i += k;
		}
	}
	return odd;
}

enum ht_collections_kind
ht_collections_sniff(const char *p, size_t n)
{
	size_t i = 0;
	long odd = odd_bytes((const unsigned char *)p, n);

	if (odd < 0 || (unsigned long)odd * 10 > n)
		return HT_COLLECTIONS_BINARY;
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && strchr(" \t\r\n", p[i]))
		i++;
	if (i == n || p[i] != '<')
		return HT_COLLECTIONS_TEXT;
	p += i;
	n -= i;
	if (has_word(p, n, "<!doctype html") || has_word(p, n, "<html"))
		return HT_COLLECTIONS_HTML;
	if (has_word(p, n, "<mets:mets") || has_word(p, n, "<mets ") ||
	    has_word(p, n, "http://www.loc.gov/METS/"))
		return HT_COLLECTIONS_METS;
	return HT_COLLECTIONS_XML;
}

const char *
ht_collections_kind_name(enum ht_collections_kind k)
{
	switch (k) {
	case HT_COLLECTIONS_METS: return "a METS file";
	case HT_COLLECTIONS_HTML: return "an HTML page";
	case HT_COLLECTIONS_XML: return "XML";
	case HT_COLLECTIONS_BINARY: return "binary data";
	default: return NULL;
	}
}

unsigned long
ht_collections_read(struct io_in *in, const struct ht_collections_cb *cb)
{
	enum ht_collections_kind kind;
	struct reader x;
	const char *p;
	ssize_t n;
	size_t i = 0;
	int k;

	memset(&x, 0, sizeof x);
	x.cb = cb;
	x.file = io_name(in);
	n = io_peek(in, &p, 4096);
	if (n < 0) {
		fail(&x, 0, "%s", io_error(in));
	} else if ((kind = ht_collections_sniff(p, (size_t)n)) != HT_COLLECTIONS_TEXT) {
		fail(&x, 0, "%s, not a list of volumes", ht_collections_kind_name(kind));
	} else {
		if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
			i = 3;
		while (i < (size_t)n && strchr(" \t\r\n", p[i]))
			i++;
		if (i < (size_t)n && (p[i] == '{' || p[i] == '['))
			read_json(&x, in);
		else
			read_lines(&x, in);
	}
	buf_free(&x.id);
	buf_free(&x.msg);
	for (k = 0; k < NFIELDS; k++)
		buf_free(&x.f[k]);
	return x.errors;
}
