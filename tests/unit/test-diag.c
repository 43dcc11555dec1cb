/* test-diag: what messages show of the bytes in them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "tap.h"

static void
esc(const char *in, size_t len, const char *want, const char *what)
{
	struct buf b = BUF_INIT;

	diag_escape(&b, in, len);
	is_str(buf_str(&b), want, "%s", what);
	buf_free(&b);
}

/* A message written by diag_data, as stderr receives it. */
static void
message(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096], got[256];
	int fd, saved = dup(2);
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/plates-test-diag.XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0 || saved < 0)
		diag_die_errno(99, "mkstemp %s", path);
	fflush(stderr);
	dup2(fd, 2);
	diag_data("a\033]0;x\007.txt", 3, "not an id: '%s'", "\033[2J\xff caf\xc3\xa9");
	diag_warn("tab\there%cnewline", '\n');
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(path, "r");
	n = f ? fread(got, 1, sizeof got - 1, f) : 0;
	got[n] = '\0';
	if (f)
		fclose(f);
	close(fd);
	unlink(path);
	is_str(got, "test-diag: a\\x1b]0;x\\x07.txt:3: not an id: '\\x1b[2J\\xff caf\xc3\xa9'\n"
	    "test-diag: tab\\x09here\\x0anewline\n", "diag_data and diag_warn escape the file "
	    "name and the text, one line each");
}

int
main(void)
{
	diag_init("test-diag");
	esc("plain ASCII ~", 13, "plain ASCII ~", "printable ASCII as it is");
	esc("\033[31mred", 8, "\\x1b[31mred", "ESC escaped");
	esc("a\0b", 3, "a\\x00b", "NUL escaped");
	esc("\t\r\n\x7f", 4, "\\x09\\x0d\\x0a\\x7f", "TAB, CR, LF and DEL escaped");
	esc("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\x96", 14, "caf\xc3\xa9 \xe2\x80\x94 "
	    "\xf0\x9f\x93\x96", "valid UTF-8 (2, 3 and 4 bytes) as it is");
	esc("caf\xe9", 4, "caf\\xe9", "Latin-1 byte escaped");
	esc("\xc3", 1, "\\xc3", "a sequence cut short escaped");
	esc("\xc3(", 2, "\\xc3(", "a lead byte without its continuation");
	esc("\x80\xbf", 2, "\\x80\\xbf", "lone continuation bytes");
	esc("\xc0\xaf", 2, "\\xc0\\xaf", "overlong '/' escaped");
	esc("\xe0\x80\xaf", 3, "\\xe0\\x80\\xaf", "overlong three-byte form escaped");
	esc("\xed\xa0\x80", 3, "\\xed\\xa0\\x80", "a surrogate escaped");
	esc("\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80", "past U+10FFFF escaped");
	esc("\xc2\x9b" "2J", 4, "\\xc2\\x9b2J", "a C1 control (CSI) escaped");
	esc("\xc2\xa0", 2, "\xc2\xa0", "U+00A0 kept");
	message();
	return tap_done();
}
