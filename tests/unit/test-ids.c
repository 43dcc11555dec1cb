/* test-ids: ids read from files: first column, escapes, blanks, comments,
 * headers, several files, errors with file and line; IA identifiers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "ids.h"

static char paths[3][4096];

static char *
write_tmp(int k, const char *text, size_t n)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(paths[k], sizeof paths[k], "%s/plates-test-ids.XXXXXX",
	    dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(paths[k])) < 0)
		diag_die_errno(99, "mkstemp %s", paths[k]);
	if (!(f = fdopen(fd, "wb")) || (n && fwrite(text, 1, n, f) != n) || fclose(f) != 0)
		diag_die_errno(99, "write %s", paths[k]);
	return paths[k];
}

/* Every result of ids_next as "R:id|rest@line" lines. */
static void
read_all(struct ids *x, struct buf *out)
{
	int r;

	while ((r = ids_next(x)) != IDS_END) {
		if (r == IDS_ERROR)
			buf_printf(out, "E:%s@%lu\n", x->error, x->lineno);
		else if (r == IDS_NOFILE)
			buf_adds(out, "N\n");
		else
			buf_printf(out, "%d:%s|%.*s@%lu\n", r, x->id, (int)x->restlen, x->rest,
			    x->lineno);
	}
}

int
main(void)
{
	static const char text[] =
	    "htid\ttitle\n"
	    "mdp.39015\tA title\tmore\n"
	    "\n"
	    "   \n"
	    "# a comment\n"
	    "  uc1.b3  \r\n"
	    "odd\\tid\tx\n"
	    "last.1";
	static const char *const words[] = { "htid", "htitem_id", NULL };
	char *argv[3];
	struct ids x;
	struct buf out = BUF_INIT;

	diag_init("test-ids");
	argv[0] = write_tmp(0, text, sizeof text - 1);

	ids_open(&x, argv, 1, 0, words);
	ok(ids_between_files(&x), "no file is open before the first id");
	read_all(&x, &out);
	is_str(buf_str(&out),
	    "2:htid|\ttitle@1\n"
	    "1:mdp.39015|\tA title\tmore@2\n"
	    "1:uc1.b3|@6\n"
	    "1:odd\tid|\tx@7\n"
	    "1:last.1|@8\n",
	    "a header word, blanks, comments, a CR, an escape, no final LF");
	ok(ids_between_files(&x), "no file is open at the end");
	ids_close(&x);

	buf_reset(&out);
	ids_open(&x, argv, 1, 0, NULL);
	read_all(&x, &out);
	ok(strncmp(buf_str(&out), "1:htid|\ttitle@1\n", 16) == 0,
	    "without header words the first line is an id");
	ids_close(&x);

	buf_reset(&out);
	argv[1] = write_tmp(1, "first\tx\nid.2\n", 13);
	argv[2] = argv[0];
	ids_open(&x, argv + 1, 2, 1, NULL);
	read_all(&x, &out);
	is_str(buf_str(&out),
	    "2:first|\tx@1\n1:id.2|@2\n"
	    "2:htid|\ttitle@1\n1:mdp.39015|\tA title\tmore@2\n1:uc1.b3|@6\n1:odd\tid|\tx@7\n"
	    "1:last.1|@8\n",
	    "with -H the first line of every file is a header");
	ids_close(&x);

	/* a gzip member cut short: a read error with the file's name */
	buf_reset(&out);
	{
		static const unsigned char cut[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b };
		argv[1] = write_tmp(1, (const char *)cut, sizeof cut);
	}
	ids_open(&x, argv + 1, 1, 0, NULL);
	ok(ids_next(&x) == IDS_ERROR, "a truncated gzip file is a read error");
	is_str(x.file, argv[1], "the error names the file");
	ok(x.error && *x.error, "and says what is wrong (%s)", x.error ? x.error : "");
	ok(ids_next(&x) == IDS_END, "then the ids end");
	ids_close(&x);

	/* a file that is not there */
	unlink(paths[1]);
	ids_open(&x, argv + 1, 1, 0, NULL);
	ok(ids_next(&x) == IDS_NOFILE, "a missing file is reported");
	ok(ids_next(&x) == IDS_END, "and skipped");
	ids_close(&x);

	ok(ia_id_valid("peterparleysmeth00good", 22), "an IA identifier");
	ok(ia_id_valid("a-b_c.d", 7), "'-', '_' and '.' are allowed");
	ok(!ia_id_valid("", 0), "an empty identifier is not");
	ok(!ia_id_valid("a/b", 3), "a slash is not allowed");
	ok(!ia_id_valid("a b", 3), "a space is not allowed");
	ok(!ia_id_valid("\xc3\xa9t\xc3\xa9", 6), "non-ASCII is not allowed");
	{
		char longid[102];
		memset(longid, 'a', 101);
		longid[101] = '\0';
		ok(ia_id_valid(longid, 100), "100 characters are allowed");
		ok(!ia_id_valid(longid, 101), "101 are not");
	}
	unlink(paths[0]);
	buf_free(&out);
	return tap_done();
}
