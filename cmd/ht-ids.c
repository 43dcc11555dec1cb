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
	usage_text, help, CLI_QUIET | CLI_HEADER, own_opts, NULL, NULL, NULL, NULL, 0, 0, 0
};

static struct {
	struct cli cli;
	int full_view;
	int fields[NFIELDS];	/* output order: indexes into ht_collections_names */
	int nfields;
} opt;

static struct hset *seen;
static unsigned long no_rights;	/* --full-view could not decide these (this file) */

/* Open to everyone: public domain everywhere, or an open licence.  pdus is
 * full view in the United States only, so it does not count. */
static int
rights_open(const char *r)
{
	return strcmp(r, "pd") == 0 || strncmp(r, "cc-", 3) == 0 ||
	    strcmp(r, "ic-world") == 0 || strcmp(r, "und-world") == 0;
}

/* Check and print one record. */
static void
on_record(void *arg, const struct ht_collections_record *r)
{
	struct buf *id = arg;
	const char *v;
	int i;

	htid_from_url(id, r->id, r->idlen);
	if (id->len == 0) {
		diag_data(r->file, r->line, "empty volume id");
		diag_failed();
		return;
	}
	if (!htid_valid(id->s, id->len)) {
		diag_data(r->file, r->line, "not a HathiTrust volume id: '%.*s'",
		    (int)(id->len > 80 ? 80 : id->len), id->s);
		diag_failed();
		return;
	}
	if (opt.full_view && !(r->have[HT_COLLECTIONS_RIGHTS] && r->len[HT_COLLECTIONS_RIGHTS])) {
		no_rights++;
		return;
	}
	if (opt.full_view && !rights_open(r->field[HT_COLLECTIONS_RIGHTS]))
		return;
	if (!hset_add(seen, id->s, id->len))
		return;
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
}

static void
on_error(void *arg, const char *file, unsigned long line, const char *msg)
{
	(void)arg;
	diag_data(file, line, "%s", msg);
	diag_failed();
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
	no_rights = 0;
	ht_collections_read(in, &cb);
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
