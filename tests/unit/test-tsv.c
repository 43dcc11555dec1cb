/* test-tsv: the four TSV escapes, splitting, field lookup, comma lists. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "tsv.h"

/* Escape s (len bytes), compare with want, then unescape and compare with s. */
static void
round_trip(const char *s, size_t len, const char *want, const char *what)
{
	struct buf b = BUF_INIT;
	size_t n;

	tsv_escape(&b, s, len);
	is_str(buf_str(&b), want, "escape %s", what);
	ok(memchr(b.s ? b.s : "", '\t', b.len) == NULL &&
	    memchr(b.s ? b.s : "", '\n', b.len) == NULL &&
	    memchr(b.s ? b.s : "", '\r', b.len) == NULL,
	    "escaped %s has no TAB, LF or CR", what);
	n = b.len ? tsv_unescape(b.s, b.len) : 0;
	ok(n == len && (len == 0 || memcmp(b.s, s, len) == 0), "unescape(escape(%s)) is the input", what);
	buf_free(&b);
}

/* Unescape a copy of s; returns a malloc'd NUL-terminated string. */
static char *
unesc(const char *s, size_t *outlen)
{
	size_t len = strlen(s);
	char *t = malloc(len + 1);

	memcpy(t, s, len + 1);
	*outlen = tsv_unescape(t, len);
	t[*outlen] = '\0';
	return t;
}

static void
test_escape(void)
{
	struct buf b = BUF_INIT;
	char *t;
	size_t n;
	static const char nul[] = "a\0b";

	round_trip("", 0, "", "empty string");
	round_trip("plain text", 10, "plain text", "no specials");
	round_trip("a\tb", 3, "a\\tb", "TAB");
	round_trip("a\nb", 3, "a\\nb", "LF");
	round_trip("a\rb", 3, "a\\rb", "CR");
	round_trip("a\\b", 3, "a\\\\b", "backslash");
	round_trip("\t\n\r\\", 4, "\\t\\n\\r\\\\", "only specials");
	round_trip("\\t", 2, "\\\\t", "a literal backslash-t");
	round_trip("x\\\\\\", 4, "x\\\\\\\\\\\\", "three backslashes at the end");
	round_trip("line1\r\nline2\n", 13, "line1\\r\\nline2\\n", "CRLF text");
	round_trip("caf\xc3\xa9\tna\xc3\xafve", 12, "caf\xc3\xa9\\tna\xc3\xafve", "UTF-8 with TAB");

	/* a NUL byte is not one of the four: copied as is */
	tsv_escape(&b, nul, 3);
	ok(b.len == 3 && memcmp(b.s, nul, 3) == 0, "escape copies a NUL byte unchanged");
	buf_free(&b);

	/* escape appends */
	buf_adds(&b, "x=");
	tsv_escape(&b, "\t", 1);
	is_str(buf_str(&b), "x=\\t", "escape appends to what the buffer holds");
	buf_free(&b);

	/* other backslashes stay as both bytes */
	t = unesc("a\\xb", &n);
	is_str(t, "a\\xb", "unescape leaves \\x alone");
	is_int(n, 4, "\\x keeps both bytes");
	free(t);
	t = unesc("\\N\\0\\\"", &n);
	is_str(t, "\\N\\0\\\"", "unescape leaves \\N \\0 \\\" alone");
	free(t);
	t = unesc("abc\\", &n);
	is_str(t, "abc\\", "unescape leaves a trailing lone backslash");
	is_int(n, 4, "trailing lone backslash kept");
	free(t);
	t = unesc("\\", &n);
	is_str(t, "\\", "a lone backslash alone is kept");
	free(t);
	t = unesc("\\\\t", &n);
	is_str(t, "\\t", "\\\\t decodes to backslash + t, not to a TAB");
	is_int(n, 2, "\\\\t decodes to two bytes");
	free(t);
	t = unesc("\\\\\\t", &n);
	is_str(t, "\\\t", "\\\\\\t decodes to backslash + TAB");
	free(t);
	t = unesc("\\t\\n\\r\\\\", &n);
	is_str(t, "\t\n\r\\", "all four escapes decode");
	is_int(n, 4, "four escapes give four bytes");
	free(t);
	t = unesc("no escapes", &n);
	is_str(t, "no escapes", "unescape of plain text is unchanged");
	is_int(n, 10, "plain text keeps its length");
	free(t);

	/* in place, not NUL-terminated input: the byte after len is not read as an escape */
	{
		char s[] = "ab\\tcd";
		n = tsv_unescape(s, 3);	/* "ab\" */
		ok(n == 3 && memcmp(s, "ab\\", 3) == 0, "unescape stops at len (backslash at the end of the range)");
	}
}

static void
test_split(void)
{
	struct tsv_field f[8];
	size_t n;
	const char *line;

	n = tsv_split("", 0, f, 8);
	is_int(n, 1, "empty line is one field");
	is_int(f[0].len, 0, "that field is empty");

	line = "a\tbb\tccc";
	n = tsv_split(line, strlen(line), f, 8);
	is_int(n, 3, "three fields");
	ok(f[0].len == 1 && memcmp(f[0].s, "a", 1) == 0, "field 1 is a");
	ok(f[1].len == 2 && memcmp(f[1].s, "bb", 2) == 0, "field 2 is bb");
	ok(f[2].len == 3 && memcmp(f[2].s, "ccc", 3) == 0, "field 3 is ccc");
	ok(f[1].s == line + 2, "fields point into the line");

	line = "a\tb\t";
	n = tsv_split(line, strlen(line), f, 8);
	is_int(n, 3, "trailing TAB gives an extra empty field");
	is_int(f[2].len, 0, "the extra field is empty");
	ok(f[2].s == line + 4, "the extra field starts at the end");

	line = "\t";
	n = tsv_split(line, 1, f, 8);
	is_int(n, 2, "a lone TAB is two empty fields");
	ok(f[0].len == 0 && f[1].len == 0, "both empty");

	line = "\t\t\t";
	n = tsv_split(line, 3, f, 8);
	is_int(n, 4, "three TABs, four fields");

	/* max smaller than the count: count is still returned, only max filled */
	f[2].s = NULL;
	f[2].len = 12345;
	line = "1\t2\t3\t4\t5";
	n = tsv_split(line, strlen(line), f, 2);
	is_int(n, 5, "count of all fields with max 2");
	ok(f[0].len == 1 && f[0].s[0] == '1' && f[1].len == 1 && f[1].s[0] == '2', "first two fields filled");
	ok(f[2].s == NULL && f[2].len == 12345, "nothing written past max");

	n = tsv_split(line, strlen(line), NULL, 0);
	is_int(n, 5, "max 0 just counts");

	/* len is honoured: a TAB after len is not seen */
	line = "ab\tcd";
	n = tsv_split(line, 2, f, 8);
	is_int(n, 1, "split respects len");
	is_int(f[0].len, 2, "one field of two bytes");

	/* escaped TABs do not split */
	line = "a\\tb\tc";
	n = tsv_split(line, strlen(line), f, 8);
	is_int(n, 2, "an escaped TAB does not split");
	is_int(f[0].len, 4, "first field keeps the escape");
}

static void
test_find(void)
{
	struct tsv_field f[8];
	const char *hdr = "htid\taccess\trights\t\thtid2";
	size_t n = tsv_split(hdr, strlen(hdr), f, 8);

	is_int(n, 5, "header has 5 fields");
	is_int(tsv_find(f, n, "htid"), 0, "find htid");
	is_int(tsv_find(f, n, "rights"), 2, "find rights");
	is_int(tsv_find(f, n, "htid2"), 4, "find htid2");
	is_int(tsv_find(f, n, "htid2x"), -1, "missing name is -1");
	is_int(tsv_find(f, n, "acc"), -1, "a prefix does not match");
	is_int(tsv_find(f, n, "HTID"), -1, "names are compared exactly (case)");
	is_int(tsv_find(f, n, ""), 3, "empty name finds the empty field");
	is_int(tsv_find(f, 2, "rights"), -1, "only the first n fields are searched");
	is_int(tsv_find(f, 0, "htid"), -1, "no fields, not found");
}

static void
test_list(void)
{
	char **l = NULL;
	size_t n;

	n = tsv_list("a,b,,c", &l);
	is_int(n, 4, "a,b,,c has 4 items");
	is_str(l[0], "a", "item 1");
	is_str(l[1], "b", "item 2");
	is_str(l[2], "", "item 3 is empty");
	is_str(l[3], "c", "item 4");
	ok(l[4] == NULL, "list is NULL-terminated");
	tsv_list_free(l);

	n = tsv_list("single", &l);
	is_int(n, 1, "no comma, one item");
	is_str(l[0], "single", "the item");
	ok(l[1] == NULL, "terminated");
	tsv_list_free(l);

	n = tsv_list("", &l);
	is_int(n, 1, "empty spec is one empty item");
	is_str(l[0], "", "the empty item");
	tsv_list_free(l);

	n = tsv_list("x,", &l);
	is_int(n, 2, "trailing comma gives an empty last item");
	is_str(l[1], "", "empty last item");
	ok(l[2] == NULL, "terminated");
	tsv_list_free(l);

	n = tsv_list(",", &l);
	is_int(n, 2, "a lone comma is two empty items");
	tsv_list_free(l);

	tsv_list_free(NULL);
	ok(1, "tsv_list_free(NULL) is harmless");
}

int
main(void)
{
	diag_init("test-tsv");
	test_escape();
	test_split();
	test_find();
	test_list();
	return tap_done();
}
