/* test-ht-collections: HathiTrust collection exports, HathiFiles, worksets
 * and id lists read by ht_collections, on the export fixtures and small
 * inline files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "ht_collections.h"
#include "io.h"

/* Each record as "format line id|title|date|rights|access|author", each
 * error as "error line: message"; fields absent from the format as "-". */
static struct buf got;
static unsigned long nrecords;
static unsigned long stop_after;	/* callbacks before asking to stop; 0: never */
static unsigned long ncalls;

static int
stop_now(void)
{
	return stop_after && ++ncalls >= stop_after;
}

static int
on_record(void *arg, const struct ht_collections_record *r)
{
	int i;

	(void)arg;
	nrecords++;
	buf_printf(&got, "%d %lu %s", (int)r->format, r->line, r->id);
	for (i = 0; i < HT_COLLECTIONS_NFIELDS; i++)
		buf_printf(&got, "|%s", r->have[i] ? r->field[i] : "-");
	buf_addc(&got, '\n');
	return stop_now();
}

static int
on_error(void *arg, const char *file, unsigned long line, const char *msg)
{
	(void)arg;
	(void)file;
	buf_printf(&got, "error %lu: %s\n", line, msg);
	return stop_now();
}

static unsigned long
read_path(const char *path)
{
	struct ht_collections_cb cb = { on_record, on_error, NULL };
	struct io_in *in = io_open(path);
	unsigned long errors;

	buf_reset(&got);
	buf_add(&got, "", 0);
	nrecords = ncalls = 0;
	if (!in)
		return 999;
	errors = ht_collections_read(in, &cb);
	io_close(in);
	return errors;
}

static unsigned long
read_text(const char *s)
{
	char path[] = "/tmp/test-ht-collections-XXXXXX";
	int fd = mkstemp(path);
	unsigned long errors;

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		exit(1);
	close(fd);
	errors = read_path(path);
	unlink(path);
	return errors;
}

/* The n-th line of what was read (from 1). */
static const char *
line_of(int n, struct buf *b)
{
	const char *s = buf_str(&got), *nl;

	for (; n > 1 && (nl = strchr(s, '\n')); n--)
		s = nl + 1;
	nl = strchr(s, '\n');
	buf_reset(b);
	buf_add(b, s, nl ? (size_t)(nl - s) : strlen(s));
	return buf_str(b);
}

static void
test_fixtures(void)
{
	struct buf b = BUF_INIT;

	is_int(read_path("tests/fixtures/ht/export/554050894-1535834127.json"), 0,
	    "legacy JSON export: no errors");
	is_str(buf_str(&got),
	    "0 0 osu.32435078698222|The tales of Peter Parley about America. |1827-00-00|pd|-"
	    "|Goodrich, Samuel G. 1793-1860.\n"
	    "0 0 hvd.32044021161005|The tales of Peter Parley about America. |1830-00-00|pd|-"
	    "|Goodrich, Samuel G. 1793-1860.\n",
	    "its two gathers, htitem_id and fields");

	is_int(read_path("tests/fixtures/ht/export/Non_AT.tsv"), 0, "current TSV export: no errors");
	is_int(nrecords, 17, "17 volumes under the header");
	ok(strncmp(line_of(1, &b), "1 2 dul1.ark:/13960/t45q68d6j|", 30) == 0,
	    "the first on line 2, keyed by htid: %s", buf_str(&b));
	is_str(line_of(2, &b), "1 3 hvd.32044023942733|Vesile-i elsine / Nuri.|1875|pd|1"
	    "|Nuri, Hafız, Üsküdarlı.", "title, rights_date_used, rights, access, author");
	ok(strncmp(line_of(17, &b), "1 18 wu.89008153025|Terc", 24) == 0 &&
	    strstr(buf_str(&b), "|1866|pd|1|F") != NULL, "the last on line 18: %s", buf_str(&b));

	is_int(read_path("tests/fixtures/unit/sample_full_20230101.txt.gz"), 0,
	    "HathiFile (gzip, no header): no errors");
	is_int(nrecords, 10, "10 volumes");
	is_str(line_of(1, &b), "3 1 mdp.39015018415946|Slovenské vyst̕ahovalectvo / Zost. "
	    "František Bielik a Elo Rákoš.|9999|ic|deny|Bielik, František,",
	    "columns 12, 17, 3, 2 and 26");
	ok(strncmp(line_of(10, &b), "3 10 inu.30000041655923|T", 25) == 0 &&
	    strstr(buf_str(&b), " = Turkish tile art / ") && strstr(buf_str(&b), "|1976|ic|deny|"),
	    "the last on line 10: %s", buf_str(&b));
	buf_free(&b);
}

static void
test_inline(void)
{
	is_int(read_text("id,title,year\nmdp.1,\"A \"\"quoted\"\", title\",1901\n"
	    "uc1.2,\"Tab\there\",\n"), 0, "CSV workset");
	is_str(buf_str(&got), "2 2 mdp.1|A \"quoted\", title|1901|-|-|-\n"
	    "2 3 uc1.2|Tab\\there||-|-|-\n", "quotes decoded, values escaped, title and year");

	is_int(read_text("\xef\xbb\xbf# my list\n\n  mdp.1  \r\nuc1.2\textra\n# done\n"), 0,
	    "plain list");
	is_str(buf_str(&got), "4 3 mdp.1|-|-|-|-|-\n4 4 uc1.2|-|-|-|-|-\n",
	    "blank lines and comments skipped, ids trimmed, first column");

	is_int(read_text("title\thtid\trights\nT\tmdp.1\tpd\nno id\n\t uc1.2\n"), 1,
	    "TSV: a line without the id");
	is_str(buf_str(&got), "1 2 mdp.1|T|-|pd|-|-\nerror 3: expected at least 2 fields, got 1\n"
	    "1 4 uc1.2||-|-|-|-\n", "reported with its line; short lines lack fields");

	is_int(read_text("[\"mdp.1\",{\"htid\":\"uc1.2\",\"id\":\"x\",\"access\":\"allow\"},"
	    "{\"title\":\"no id\"}]"), 1, "HTRC workset array");
	is_str(buf_str(&got), "0 0 mdp.1|-|-|-|-|-\n0 0 uc1.2|-|-|-|allow|-\n"
	    "error 0: gathers[2] has no htitem_id, htid or id\n",
	    "strings and objects; htid outranks id; a record without one");

	is_int(read_text("{\"gathers\":[{\"htitem_id\":\"mdp.1\"},\n{\"htitem_id\":\n]}"), 1,
	    "bad JSON");
	ok(strncmp(buf_str(&got), "0 0 mdp.1|-|-|-|-|-\nerror 3: ", 28) == 0 &&
	    strstr(buf_str(&got), "(byte 50)") != NULL, "records before it, then line and byte: %s",
	    buf_str(&got));

	is_int(read_text("{\"title\":\"x\"}"), 1, "JSON without gathers");
	is_str(buf_str(&got), "error 0: no \"gathers\" list or array of records: not a collection "
	    "export or workset\n", "is not an export");
}

/* Files that are not lists are refused whole, saying what they are. */
static void
test_not_lists(void)
{
#define S(lit) lit, sizeof lit - 1
	static const struct { const char *text; size_t len; int kind; const char *what; } t[] = {
		{ S("mdp.1\nuc1.2\n"), HT_COLLECTIONS_TEXT, "a list" },
		{ S("caf\xc3\xa9\tmdp.1\n\xef\xbb\xbfx\n"), HT_COLLECTIONS_TEXT,
		  "UTF-8 text" },
		{ S("id\ttitle\nmdp.1\tCaf\xe9\n"), HT_COLLECTIONS_TEXT,
		  "one Latin-1 byte in 20 is text" },
		{ S("\xe9\xe9\xe9" "a\n"), HT_COLLECTIONS_BINARY, "mostly bytes that are not UTF-8" },
		{ S("mdp.1\nuc1\0.2\n"), HT_COLLECTIONS_BINARY, "a NUL" },
		{ S("\x89PNG\r\n\x1a\n"), HT_COLLECTIONS_BINARY, "a PNG signature" },
		{ S("mdp.1\n\xe2\x80"), HT_COLLECTIONS_TEXT, "a sequence cut off by the end" },
		{ S("<?xml version=\"1.0\"?>\n<METS:mets xmlns:METS=\"http://www.loc.gov/METS/\">"),
		  HT_COLLECTIONS_METS, "METS with a prefix" },
		{ S("\xef\xbb\xbf <mets xmlns=\"http://www.loc.gov/METS/\">"), HT_COLLECTIONS_METS,
		  "METS after a BOM and a blank" },
		{ S("<!DOCTYPE html>\n<html><p>mdp.1</p>"), HT_COLLECTIONS_HTML, "HTML" },
		{ S("<?xml version=\"1.0\"?><HTML xmlns=\"x\">"), HT_COLLECTIONS_HTML,
		  "XHTML, any case" },
		{ S("<?xml version=\"1.0\"?><list/>"), HT_COLLECTIONS_XML, "other XML" },
		{ S(""), HT_COLLECTIONS_TEXT, "an empty file" },
	};
#undef S
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		is_int(ht_collections_sniff(t[i].text, t[i].len), t[i].kind, "sniff: %s", t[i].what);
	is_str(ht_collections_kind_name(HT_COLLECTIONS_METS), "a METS file", "METS named");
	ok(ht_collections_kind_name(HT_COLLECTIONS_TEXT) == NULL, "text has no name");

	is_int(read_path("tests/fixtures/ht/mets/79279237.mets.xml"), 1, "a METS file: one error");
	is_str(buf_str(&got), "error 0: a METS file, not a list of volumes\n",
	    "refused whole, no line read");
	is_int(read_text("<!DOCTYPE html>\n<p>mdp.1</p>\n"), 1, "an HTML page: one error");
	is_str(buf_str(&got), "error 0: an HTML page, not a list of volumes\n", "named");
}

/* A callback that asks to stop ends the reading there. */
static void
test_stop(void)
{
	stop_after = 2;
	is_int(read_text("mdp.1\nmdp.2\nmdp.3\n"), 0, "list: stopped after two records");
	is_str(buf_str(&got), "4 1 mdp.1|-|-|-|-|-\n4 2 mdp.2|-|-|-|-|-\n", "the third not read");
	is_int(read_text("title\thtid\nT\nU\nV\tmdp.4\n"), 2, "TSV: stopped after two errors");
	is_str(buf_str(&got), "error 2: expected at least 2 fields, got 1\n"
	    "error 3: expected at least 2 fields, got 1\n", "the line after not read");
	is_int(read_text("[\"a.1\",\"a.2\",\"a.3\"]"), 0, "JSON: stopped after two records");
	is_str(buf_str(&got), "0 0 a.1|-|-|-|-|-\n0 0 a.2|-|-|-|-|-\n", "no third, no error");
	stop_after = 0;
}

static void
test_csv_split(void)
{
	struct buf out = BUF_INIT;
	size_t start[2], len[2];

	is_int(ht_collections_csv_split("a,\"b,\"\"c\"\"\",,d", 14, &out, start, len, 2), 4,
	    "four fields, two kept");
	ok(len[0] == 1 && memcmp(out.s + start[0], "a", 1) == 0, "a");
	ok(len[1] == 5 && memcmp(out.s + start[1], "b,\"c\"", 5) == 0, "b,\"c\" decoded");
	is_int(ht_collections_csv_split("", 0, &out, start, len, 2), 1, "an empty line: one field");
	ok(len[0] == 0 && out.s != NULL, "empty, in a buffer");
	buf_free(&out);
}

int
main(void)
{
	diag_init("test-ht-collections");
	test_fixtures();
	test_inline();
	test_not_lists();
	test_stop();
	test_csv_split();
	buf_free(&got);
	return tap_done();
}
