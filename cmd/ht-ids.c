/* ht-ids: HathiTrust collection exports, worksets, HathiFiles and id lists
 * to volume ids, one per line, duplicates removed in order. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "hset.h"
#include "htid.h"
#include "io.h"
#include "json.h"
#include "tsv.h"
#include "xmem.h"

static const char usage_text[] =
    "usage: ht-ids [-Hq] [-f FIELD[,FIELD...]] [--full-view] [--line-buffered] [FILE...]\n";

/* The columns -f can add, and where each format keeps them. */
enum { F_TITLE, F_DATE, F_RIGHTS, F_ACCESS, F_AUTHOR, NFIELDS };
static const char *const field_names[NFIELDS] = { "title", "date", "rights", "access", "author" };

static struct {
	int header;
	int full_view;
	int fields[NFIELDS];	/* output order: indexes into field_names */
	int nfields;
} opt;

struct record {
	struct buf id;
	struct buf f[NFIELDS];
	int have[NFIELDS];
};

static struct hset *seen;
static unsigned long no_rights;	/* --full-view could not decide these (this file) */

static void
record_reset(struct record *r)
{
	int i;

	buf_reset(&r->id);
	for (i = 0; i < NFIELDS; i++) {
		buf_reset(&r->f[i]);
		r->have[i] = 0;
	}
}

static void
record_free(struct record *r)
{
	int i;

	buf_free(&r->id);
	for (i = 0; i < NFIELDS; i++)
		buf_free(&r->f[i]);
}

/* Fields are kept TSV-escaped: values from JSON and CSV are escaped here,
 * TSV fields are passed through as they came (raw = 1). */
static void
record_set(struct record *r, int field, const char *s, size_t len, int raw)
{
	buf_reset(&r->f[field]);
	if (raw)
		buf_add(&r->f[field], s, len);
	else
		tsv_escape(&r->f[field], s, len);
	r->have[field] = 1;
}

/* Open to everyone: public domain everywhere, or an open licence.  pdus is
 * full view in the United States only, so it does not count. */
static int
rights_open(const char *r)
{
	return strcmp(r, "pd") == 0 || strncmp(r, "cc-", 3) == 0 ||
	    strcmp(r, "ic-world") == 0 || strcmp(r, "und-world") == 0;
}

static void
trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t' || **s == '\r'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\r'))
		(*len)--;
}

/* Check and print one record; file and line for messages. */
static void
emit(struct record *r, const char *file, unsigned long line)
{
	static struct buf idbuf;
	const char *id;
	size_t len, nslen;
	const char *local;
	int i;

	id = buf_str(&r->id);
	len = r->id.len;
	trim(&id, &len);
	htid_from_url(&idbuf, id, len);
	id = buf_str(&idbuf);
	len = idbuf.len;
	if (len == 0) {
		diag_data(file, line, "empty volume id");
		diag_failed();
		return;
	}
	{
		char *copy = xstrndup(id, len);
		int bad = htid_split(copy, &nslen, &local) < 0 || memchr(copy, '\t', len) ||
		    strpbrk(copy, " \n");
		free(copy);
		if (bad) {
			diag_data(file, line, "not a HathiTrust volume id: '%.*s'",
			    (int)(len > 80 ? 80 : len), id);
			diag_failed();
			return;
		}
	}
	if (opt.full_view) {
		if (r->have[F_RIGHTS] && r->f[F_RIGHTS].len) {
			if (!rights_open(buf_str(&r->f[F_RIGHTS])))
				return;
		} else {
			no_rights++;
			return;
		}
	}
	if (!hset_add(seen, id, len))
		return;
	tsv_put(id, len);
	for (i = 0; i < opt.nfields; i++) {
		int f = opt.fields[i];
		tsv_tab();
		if (f == F_ACCESS && r->f[f].len == 1 && (r->f[f].s[0] == '1' || r->f[f].s[0] == '0'))
			tsv_puts(r->f[f].s[0] == '1' ? "allow" : "deny");	/* exports write 1/0 */
		else
			tsv_put_raw(buf_str(&r->f[f]), r->f[f].len);
	}
	tsv_end();
}

/* ---- JSON: collection exports (legacy and current) and HTRC worksets ---- */

struct jctx {
	struct record rec;
	const char *file;
	int id_rank;		/* 3 htitem_id, 2 htid, 1 id: the best key seen */
	unsigned long gathers;
	int in_gathers;
};

static int
json_field(const char *key)
{
	if (strcmp(key, "title") == 0)
		return F_TITLE;
	if (strcmp(key, "date") == 0 || strcmp(key, "rights_date_used") == 0)
		return F_DATE;
	if (strcmp(key, "rights") == 0)
		return F_RIGHTS;
	if (strcmp(key, "access") == 0)
		return F_ACCESS;
	if (strcmp(key, "author") == 0)
		return F_AUTHOR;
	return -1;
}

static int
on_json(void *arg, const struct json_event *ev)
{
	struct jctx *c = arg;
	int f, rank;

	/* records are the members of "gathers", or of a top-level array */
	if ((ev->depth == 1 && ev->type == JSON_ARRAY_START && json_path_is(ev, "gathers")) ||
	    (ev->depth == 0 && ev->type == JSON_ARRAY_START))
		c->in_gathers = 1;
	if ((ev->depth == 2 && json_path_is(ev, "gathers[]")) ||
	    (ev->depth == 1 && json_path_is(ev, "[]"))) {
		if (ev->type == JSON_MAP_START) {
			record_reset(&c->rec);
			c->id_rank = 0;
		} else if (ev->type == JSON_MAP_END) {
			c->gathers++;
			if (c->id_rank == 0) {
				diag_data(c->file, 0, "gathers[%lu] has no htitem_id, htid or id",
				    c->gathers - 1);
				diag_failed();
			} else {
				emit(&c->rec, c->file, 0);
			}
		} else if (ev->type == JSON_STRING) {
			/* a workset may list ids as plain strings */
			record_reset(&c->rec);
			buf_add(&c->rec.id, ev->val, ev->len);
			c->gathers++;
			emit(&c->rec, c->file, 0);
		}
		return 0;
	}
	if (!ev->key || !((ev->depth == 3 && strncmp(ev->path, "gathers[].", 10) == 0) ||
	    (ev->depth == 2 && strncmp(ev->path, "[].", 3) == 0)))
		return 0;
	if (ev->type != JSON_STRING && ev->type != JSON_NUMBER)
		return 0;
	rank = strcmp(ev->key, "htitem_id") == 0 ? 3 : strcmp(ev->key, "htid") == 0 ? 2
	    : strcmp(ev->key, "id") == 0 ? 1 : 0;
	if (rank) {
		if (rank > c->id_rank) {
			buf_reset(&c->rec.id);
			buf_add(&c->rec.id, ev->val, ev->len);
			c->id_rank = rank;
		}
		return 0;
	}
	if ((f = json_field(ev->key)) >= 0 && !(f == F_DATE && c->rec.have[F_DATE] &&
	    strcmp(ev->key, "rights_date_used") == 0))
		record_set(&c->rec, f, ev->val, ev->len, 0);
	return 0;
}

static void
read_json(struct io_in *in)
{
	struct jctx c;
	struct json_stream *js;
	const char *p;
	char chunk[65536];
	ssize_t n;
	int r = 0;

	memset(&c, 0, sizeof c);
	c.file = io_name(in);
	js = json_new(on_json, &c);
	if (io_peek(in, &p, 3) == 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		(void)io_read(in, chunk, 3);	/* a byte order mark */
	while ((n = io_read(in, chunk, sizeof chunk)) > 0)
		if ((r = json_feed(js, chunk, (size_t)n)) != 0)
			break;
	if (n < 0) {
		diag_data(c.file, 0, "%s", io_error(in));
		diag_failed();
	} else if (r == 0 && json_finish(js) != 0) {
		r = -1;
	}
	if (r < 0) {
		diag_data(c.file, json_error_line(js), "%s (byte %llu)", json_error(js),
		    json_error_offset(js));
		diag_failed();
	} else if (n == 0 && !c.in_gathers) {
		diag_data(c.file, 0, "no \"gathers\" list or array of records: not a collection "
		    "export or workset");
		diag_failed();
	}
	json_free(js);
	record_free(&c.rec);
}

/* ---- line formats: TSV exports, CSV worksets, HathiFiles, plain lists ---- */

#define MAXCOLS 64

/* Split a CSV line (RFC 4180 quotes) into fields, decoded into out. */
static size_t
csv_split(const char *s, size_t len, struct buf *out, size_t *start, size_t *flen, size_t max)
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

enum { FMT_TSV, FMT_CSV, FMT_HATHIFILE, FMT_LIST };

/* HathiFiles columns (1-based in the documentation). */
static const int hathifile_col[NFIELDS] = { 12 - 1, 17 - 1, 3 - 1, 2 - 1, 26 - 1 };

static int
col_for(const struct tsv_field *f, size_t n, int field)
{
	int i;

	switch (field) {
	case F_DATE:
		if ((i = tsv_find(f, n, "date")) >= 0)
			return i;
		return tsv_find(f, n, "rights_date_used");
	default:
		return tsv_find(f, n, field_names[field]);
	}
}

static int
looks_like_hathifile(const struct tsv_field *f, size_t n)
{
	return n >= 26 && ((f[1].len == 5 && memcmp(f[1].s, "allow", 5) == 0) ||
	    (f[1].len == 4 && memcmp(f[1].s, "deny", 4) == 0));
}

static void
read_lines(struct io_in *in)
{
	struct buf line = BUF_INIT, csv = BUF_INIT;
	struct tsv_field f[MAXCOLS];
	size_t cstart[MAXCOLS], clen[MAXCOLS];
	struct record rec;
	int fmt = FMT_LIST, idcol = 0, col[NFIELDS], i, r, detected = 0;
	size_t n;
	const char *file = io_name(in);

	memset(&rec, 0, sizeof rec);
	for (i = 0; i < NFIELDS; i++)
		col[i] = -1;
	while ((r = io_getline(in, &line)) > 0) {
		const char *s = buf_str(&line);
		size_t len = line.len;
		unsigned long ln = io_lineno(in);

		if (ln == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3, len -= 3;	/* a byte order mark */
		if (!detected) {
			/* what kind of file: look at the first line that is not
			 * blank or a comment */
			const char *t = s;
			size_t tl = len;
			trim(&t, &tl);
			if (tl == 0 || *t == '#')
				continue;
			detected = 1;
			n = tsv_split(s, len, f, MAXCOLS);
			if ((idcol = tsv_find(f, n < MAXCOLS ? n : MAXCOLS, "htitem_id")) >= 0 ||
			    (idcol = tsv_find(f, n < MAXCOLS ? n : MAXCOLS, "htid")) >= 0 ||
			    (idcol = tsv_find(f, n < MAXCOLS ? n : MAXCOLS, "id")) >= 0) {
				fmt = FMT_TSV;
				for (i = 0; i < NFIELDS; i++)
					col[i] = col_for(f, n < MAXCOLS ? n : MAXCOLS, i);
				continue;
			}
			if (n == 1 && memchr(s, ',', len)) {
				size_t k = csv_split(s, len, &csv, cstart, clen, MAXCOLS);
				for (idcol = -1, i = 0; i < (int)k && i < MAXCOLS; i++) {
					const char *name = csv.s + cstart[i];
					if (clen[i] == 2 && memcmp(name, "id", 2) == 0)
						idcol = i;
					else if (clen[i] == 5 && memcmp(name, "title", 5) == 0)
						col[F_TITLE] = i;
					else if (clen[i] == 4 && memcmp(name, "year", 4) == 0)
						col[F_DATE] = i;
				}
				if (idcol >= 0) {
					fmt = FMT_CSV;
					continue;
				}
				for (i = 0; i < NFIELDS; i++)
					col[i] = -1;
			}
			if (looks_like_hathifile(f, n)) {
				fmt = FMT_HATHIFILE;
				idcol = 0;
				for (i = 0; i < NFIELDS; i++)
					col[i] = hathifile_col[i];
			} else {
				fmt = FMT_LIST;
				idcol = 0;
			}
		}
		if (fmt == FMT_LIST) {
			const char *t = s;
			size_t k = len;
			trim(&t, &k);
			if (k == 0 || *t == '#')
				continue;	/* blank lines and comments */
		}
		record_reset(&rec);
		if (fmt == FMT_CSV) {
			size_t k = csv_split(s, len, &csv, cstart, clen, MAXCOLS);
			if ((size_t)idcol >= k) {
				diag_data(file, ln, "expected at least %d fields, got %zu", idcol + 1, k);
				diag_failed();
				continue;
			}
			buf_add(&rec.id, csv.s + cstart[idcol], clen[idcol]);
			for (i = 0; i < NFIELDS; i++)
				if (col[i] >= 0 && (size_t)col[i] < k)
					record_set(&rec, i, csv.s + cstart[col[i]], clen[col[i]], 0);
		} else {
			n = tsv_split(s, len, f, MAXCOLS);
			if (n > MAXCOLS)
				n = MAXCOLS;
			if ((size_t)idcol >= n) {
				diag_data(file, ln, "expected at least %d fields, got %zu", idcol + 1, n);
				diag_failed();
				continue;
			}
			if (fmt == FMT_HATHIFILE && n < 26) {
				diag_data(file, ln, "expected 26 HathiFiles columns, got %zu", n);
				diag_failed();
				continue;
			}
			buf_add(&rec.id, f[idcol].s, f[idcol].len);
			rec.id.len = tsv_unescape(rec.id.s, rec.id.len);
			for (i = 0; i < NFIELDS; i++)
				if (col[i] >= 0 && (size_t)col[i] < n)
					record_set(&rec, i, f[col[i]].s, f[col[i]].len, 1);
		}
		emit(&rec, file, ln);
	}
	if (r < 0) {
		diag_data(file, io_lineno(in), "%s", io_error(in));
		diag_failed();
	}
	record_free(&rec);
	buf_free(&line);
	buf_free(&csv);
}

static void
read_file(const char *path)
{
	struct io_in *in = io_open(path);
	const char *p;
	ssize_t n;
	size_t i = 0;

	if (!in) {
		diag_failed();
		return;
	}
	no_rights = 0;
	n = io_peek(in, &p, 4096);
	if (n < 0) {
		diag_data(io_name(in), 0, "%s", io_error(in));
		diag_failed();
		io_close(in);
		return;
	}
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < (size_t)n && strchr(" \t\r\n", p[i]))
		i++;
	if (i < (size_t)n && (p[i] == '{' || p[i] == '['))
		read_json(in);
	else
		read_lines(in);
	if (no_rights)
		diag_note("%s: %lu volume%s without rights information left out by --full-view",
		    io_name(in), no_rights, no_rights == 1 ? "" : "s");
	io_close(in);
}

static void
usage(void)
{
	printf("%s", usage_text);
	printf("\nHathiTrust collection exports (JSON or TSV, legacy or current), HTRC\n"
	    "worksets, HathiFiles and plain id lists to volume ids, one per line,\n"
	    "duplicates removed in order.  Plain or gzip; no FILE or '-' reads stdin.\n\n"
	    "  -f, --fields LIST   add columns: title, date, rights, access, author\n"
	    "      --full-view     keep only volumes open to everyone (pd, ic-world,\n"
	    "                      und-world, cc-*)\n"
	    "  -H, --header        print a header row first\n"
	    "      --line-buffered flush after every line\n"
	    "  -q, --quiet         no informational messages\n"
	    "  -h, --help          this help\n"
	    "  -V, --version       version\n"
	    "\nSee ht-ids(1) and plates(7).\n");
	exit(diag_finish());
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "fields", required_argument, NULL, 'f' },
		{ "full-view", no_argument, NULL, 'F' },
		{ "header", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "line-buffered", no_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char **list;
	size_t k, j;
	int c, i;

	diag_init(argv[0]);
	while ((c = getopt_long(argc, argv, ":f:HhqV", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			opt.full_view = 1;
			break;
		case 'f':
			k = tsv_list(optarg, &list);
			for (j = 0; j < k; j++) {
				for (i = 0; i < NFIELDS && strcmp(list[j], field_names[i]); i++)
					;
				if (i == NFIELDS)
					diag_usage_error(usage_text, "unknown field '%s' (known: title, "
					    "date, rights, access, author)", list[j]);
				if (opt.nfields < NFIELDS)
					opt.fields[opt.nfields++] = i;
			}
			tsv_list_free(list);
			break;
		case 'H':
			opt.header = 1;
			break;
		case 'h':
			usage();
			break;
		case 'L':
			tsv_set_line_buffered(1);
			break;
		case 'q':
			diag_set_quiet(1);
			break;
		case 'V':
			diag_version();
			break;
		default:
			diag_getopt_error(usage_text, c, argv);
		}
	}
	seen = hset_new();
	if (opt.header) {
		tsv_puts("htid");
		for (i = 0; i < opt.nfields; i++) {
			tsv_tab();
			tsv_puts(field_names[opt.fields[i]]);
		}
		tsv_end();
	}
	if (optind == argc)
		read_file("-");
	for (i = optind; i < argc; i++)
		read_file(argv[i]);
	hset_free(seen);
	return diag_finish();
}
