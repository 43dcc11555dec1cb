/* ht-ids: HathiTrust collection exports, worksets, HathiFiles and id lists
 * to volume ids, one per line, duplicates removed in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "diag.h"
#include "hset.h"
#include "ht_collections.h"
#include "htid.h"
#include "io.h"
#include "tsv.h"

#define NFIELDS HT_COLLECTIONS_NFIELDS

static const char usage_text[] =
    "usage: ht-ids [-Hq] [-f FIELD[,FIELD...]] [--full-view] [--line-buffered] [FILE...]\n";

enum { O_FULL_VIEW = CLI_LONG, O_LINE_BUFFERED };

static const struct cli_opt own_opts[] = {
	{ "fields", 'f', CLI_ARG },
	{ "full-view", O_FULL_VIEW, CLI_NOARG },
	{ "line-buffered", O_LINE_BUFFERED, CLI_NOARG },
	{ NULL, 0, 0 }
};

static void help(void);

static const struct cli_spec spec = {
	usage_text, help, CLI_QUIET | CLI_HEADER, own_opts, NULL, NULL, NULL, NULL, 0, 0
};

static struct {
	struct cli cli;
	int full_view;
	int fields[NFIELDS];	/* output order: indexes into ht_collections_names */
	int nfields;
} opt;

/* A file whose first BAD_RUN records in a row are not volume ids (or
 * whose records stop being ids for that long) is not read further. */
#define BAD_RUN 10

static struct hset *seen;
static unsigned long no_rights;	/* --full-view could not decide these (this file) */
static unsigned long bad_run;	/* records in a row that were not ids (this file) */

/* One more record that is not a volume id: 1 to stop reading the file. */
static int
bad(void)
{
	diag_failed();
	return ++bad_run >= BAD_RUN;
}

/* "1,234,567" */
static const char *
grouped(char *s, size_t size, unsigned long n)
{
	char digits[32];
	size_t len, i, k = 0;

	len = (size_t)snprintf(digits, sizeof digits, "%lu", n);
	for (i = 0; i < len && k + 2 < size; i++) {
		if (i && (len - i) % 3 == 0)
			s[k++] = ',';
		s[k++] = digits[i];
	}
	s[k] = '\0';
	return s;
}

/* Open to everyone: public domain everywhere, or an open licence.  pdus is
 * full view in the United States only, so it does not count. */
static int
rights_open(const char *r)
{
	return strcmp(r, "pd") == 0 || strncmp(r, "cc-", 3) == 0 ||
	    strcmp(r, "ic-world") == 0 || strcmp(r, "und-world") == 0;
}

/* Check and print one record; 1 to stop reading the file. */
static int
on_record(void *arg, const struct ht_collections_record *r)
{
	struct buf *id = arg;
	const char *v, *comma;
	int i;

	htid_from_url(id, r->id, r->idlen);
	if (id->len == 0) {
		diag_data(r->file, r->line, "empty volume id");
		return bad();
	}
	if (!htid_valid(id->s, id->len)) {
		comma = memchr(id->s, ',', id->len);
		if (comma && htid_valid(id->s, (size_t)(comma - id->s)))
			diag_data(r->file, r->line, "not a HathiTrust volume id: '%.*s' (CSV? "
			    "a workset's CSV needs a header line naming the id column)",
			    (int)(id->len > 80 ? 80 : id->len), id->s);
		else
			diag_data(r->file, r->line, "not a HathiTrust volume id: '%.*s'",
			    (int)(id->len > 80 ? 80 : id->len), id->s);
		return bad();
	}
	bad_run = 0;
	if (opt.full_view && !(r->have[HT_COLLECTIONS_RIGHTS] && r->len[HT_COLLECTIONS_RIGHTS])) {
		no_rights++;
		return 0;
	}
	if (opt.full_view && !rights_open(r->field[HT_COLLECTIONS_RIGHTS]))
		return 0;
	if (!hset_add(seen, id->s, id->len))
		return 0;
	tsv_put(id->s, id->len);
	for (i = 0; i < opt.nfields; i++) {
		tsv_tab();
		v = r->field[opt.fields[i]];
		if (opt.fields[i] == HT_COLLECTIONS_ACCESS && r->len[HT_COLLECTIONS_ACCESS] == 1 &&
		    (*v == '1' || *v == '0'))
			tsv_puts(*v == '1' ? "allow" : "deny");	/* exports write 1/0 */
		else
			tsv_put_raw(v, r->len[opt.fields[i]]);
	}
	tsv_end();
	return 0;
}

static int
on_error(void *arg, const char *file, unsigned long line, const char *msg)
{
	(void)arg;
	diag_data(file, line, "%s", msg);
	return bad();
}

/* A file that is not a list of volumes: say what it is, 1; else 0. */
static int
not_a_list(struct io_in *in)
{
	const char *p;
	ssize_t n = io_peek(in, &p, 4096);
	enum ht_collections_kind k;

	if (n <= 0 || (k = ht_collections_sniff(p, (size_t)n)) == HT_COLLECTIONS_TEXT)
		return 0;
	if (k == HT_COLLECTIONS_METS)
		diag_data(io_name(in), 0, "a METS file (one volume's structure), not a list of "
		    "volumes: use ht-pfeat --mets %s", io_name(in));
	else
		diag_data(io_name(in), 0, "%s, not a list of volumes%s",
		    ht_collections_kind_name(k), k == HT_COLLECTIONS_HTML ?
		    " (a web page saved instead of the export it links to?)" : "");
	diag_failed();
	return 1;
}

/* The lines of in after the reader stopped (a line format). */
static unsigned long
lines_left(struct io_in *in)
{
	struct buf line = BUF_INIT;
	unsigned long n = 0;

	while (io_getline(in, &line) > 0)
		n++;
	buf_free(&line);
	return n;
}

static void
read_file(const char *path)
{
	struct buf id = BUF_INIT;
	struct ht_collections_cb cb = { on_record, on_error, &id };
	struct io_in *in = io_open(path);

	if (!in) {
		diag_failed();
		return;
	}
	no_rights = bad_run = 0;
	if (not_a_list(in)) {
		io_close(in);
		return;
	}
	ht_collections_read(in, &cb);
	if (bad_run >= BAD_RUN) {
		char n[40];
		unsigned long left = lines_left(in);

		if (left)
			diag_data(io_name(in), 0, "%d records in a row are not volume ids; "
			    "stopped, %s more line%s not read", BAD_RUN, grouped(n, sizeof n, left),
			    left == 1 ? "" : "s");
		else
			diag_data(io_name(in), 0, "%d records in a row are not volume ids; "
			    "stopped", BAD_RUN);
	}
	if (no_rights)
		diag_note("%s: %lu volume%s without rights information left out by --full-view",
		    io_name(in), no_rights, no_rights == 1 ? "" : "s");
	io_close(in);
	buf_free(&id);
}

static void
on_option(void *arg, int key, const char *val)
{
	char **list;
	size_t k, j;
	int i;

	(void)arg;
	if (key == O_FULL_VIEW) {
		opt.full_view = 1;
	} else if (key == O_LINE_BUFFERED) {
		tsv_set_line_buffered(1);
	} else if (key == 'f') {
		k = tsv_list(val, &list);
		for (j = 0; j < k; j++) {
			for (i = 0; i < NFIELDS && strcmp(list[j], ht_collections_names[i]); i++)
				;
			if (i == NFIELDS)
				cli_usage_error(&spec, "unknown field '%s' (known: title, date, "
				    "rights, access, author)", list[j]);
			if (opt.nfields < NFIELDS)
				opt.fields[opt.nfields++] = i;
		}
		tsv_list_free(list);
	}
}

static void
help(void)
{
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
}

int
main(int argc, char **argv)
{
	int i, first;

	diag_init(argv[0]);
	first = cli_parse(&spec, &opt.cli, argc, argv, on_option, NULL);
	seen = hset_new();
	if (opt.cli.header) {
		tsv_puts("htid");
		for (i = 0; i < opt.nfields; i++) {
			tsv_tab();
			tsv_puts(ht_collections_names[opt.fields[i]]);
		}
		tsv_end();
	}
	if (first == argc)
		read_file("-");
	for (i = first; i < argc; i++)
		read_file(argv[i]);
	hset_free(seen);
	cli_free(&opt.cli);
	return diag_finish();
}
