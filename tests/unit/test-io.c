/* test-io: input files (plain and gzip), lines, reads, peeks, and the
 * push-mode decoder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gzmake.h"
#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "io.h"
#include "tsv.h"

#define FIXTURE "tests/fixtures/unit/sample_full_20230101.txt.gz"
#define FIXTURE_LINES 10
#define FIXTURE_FIELDS 26
#define FIXTURE_BYTES 3178

static char tmppath[4096];

/* Write n bytes to a new temporary file; returns its path (tmppath). */
static const char *
write_tmp(const void *p, size_t n)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(tmppath, sizeof tmppath, "%s/plates-test-io.XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(tmppath)) < 0)
		diag_die_errno(99, "mkstemp %s", tmppath);
	if (!(f = fdopen(fd, "wb")) || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
		diag_die_errno(99, "write %s", tmppath);
	return tmppath;
}

static void
rm_tmp(void)
{
	unlink(tmppath);
}

/* gzip-compress p into out (appending: a new member each call). */
static void
gz(struct buf *out, const void *p, size_t n)
{
	gz_member(out, p, n, 6, 0);
}

/* Read a whole file's raw bytes. */
static void
slurp(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t k;

	if (!f)
		diag_die_errno(99, "%s", path);
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(out, chunk, k);
	fclose(f);
}

/* All lines of path, each followed by '|'; -1 in *rc on error. */
static void
lines_of(const char *path, struct buf *out, int *rc, unsigned long *lineno)
{
	struct io_in *in = io_open(path);
	struct buf line = BUF_INIT;
	int r;

	buf_reset(out);
	if (!in) {
		*rc = -2;
		return;
	}
	while ((r = io_getline(in, &line)) == 1) {
		buf_add(out, line.s, line.len);
		buf_addc(out, '|');
	}
	*rc = r;
	*lineno = io_lineno(in);
	io_close(in);
	buf_free(&line);
}

static void
lines_are(const void *data, size_t n, const char *want, unsigned long wantlines, const char *what)
{
	struct buf got = BUF_INIT;
	int rc;
	unsigned long lineno = 0;

	lines_of(write_tmp(data, n), &got, &rc, &lineno);
	rm_tmp();
	is_int(rc, 0, "%s: read to the end", what);
	is_str(buf_str(&got), want, "%s: lines", what);
	is_int(lineno, wantlines, "%s: io_lineno", what);
	buf_free(&got);
}

static void
test_plain_lines(void)
{
	lines_are("a\nbb\n\nccc\n", 10, "a|bb||ccc|", 4, "final newline");
	lines_are("a\nbb\n\nccc", 9, "a|bb||ccc|", 4, "no final newline");
	lines_are("a\r\nb\r\n\r\nc\rd\r\n", 13, "a|b||c\rd|", 4, "CRLF (CR dropped, inner CR kept)");
	lines_are("x\r\r\n", 4, "x\r|", 1, "only the CR right before the LF is dropped");
	lines_are("", 0, "", 0, "empty file");
	lines_are("\n", 1, "|", 1, "a single LF");
	lines_are("\n\n\n", 3, "|||", 3, "three LFs");
	lines_are("x", 1, "x|", 1, "a one-byte file");
	lines_are("\x1f", 1, "\x1f|", 1, "a file of the first magic byte only");
	lines_are("\x1fx\n", 3, "\x1fx|", 1, "half the gzip magic is plain");
}

/* A NUL inside a line: check the length, since is_str stops at the NUL. */
static void
test_nul_line(void)
{
	struct io_in *in = io_open(write_tmp("a\0b\nc\n", 6));
	struct buf line = BUF_INIT;

	ok(in != NULL, "open file with a NUL");
	is_int(io_getline(in, &line), 1, "line with a NUL");
	ok(line.len == 3 && memcmp(line.s, "a\0b", 3) == 0, "the NUL is part of the line");
	is_int(io_getline(in, &line), 1, "next line");
	is_str(buf_str(&line), "c", "next line is c");
	io_close(in);
	rm_tmp();
	buf_free(&line);
}

static void
test_long_lines(void)
{
	size_t n = 300 * 1024, i;
	char *data = malloc(n + 2);
	struct io_in *in;
	struct buf line = BUF_INIT, z = BUF_INIT;
	int fine;

	/* one line longer than the 128 KiB buffers, plain and gzip */
	for (i = 0; i < n; i++)
		data[i] = (char)('a' + i % 23);
	data[n] = '\n';
	data[n + 1] = 'z';
	in = io_open(write_tmp(data, n + 2));
	is_int(io_getline(in, &line), 1, "300 KiB line");
	ok(line.len == n && memcmp(line.s, data, n) == 0, "300 KiB line intact");
	is_int(io_getline(in, &line), 1, "line after it");
	is_str(buf_str(&line), "z", "line after it is z");
	is_int(io_getline(in, &line), 0, "then the end");
	is_int(io_offset(in), n + 2, "offset counts every byte");
	io_close(in);
	rm_tmp();

	gz(&z, data, n + 2);
	in = io_open(write_tmp(z.s, z.len));
	is_int(io_getline(in, &line), 1, "gzip: 300 KiB line");
	ok(line.len == n && memcmp(line.s, data, n) == 0, "gzip: 300 KiB line intact");
	is_int(io_getline(in, &line), 1, "gzip: line after it");
	is_str(buf_str(&line), "z", "gzip: line after it is z");
	is_int(io_getline(in, &line), 0, "gzip: then the end");
	ok(io_is_gzip(in), "gzip detected");
	io_close(in);
	rm_tmp();
	buf_free(&z);

	/* CRLF split across the 128 KiB buffer boundary: the CR is the last
	 * byte of the first read, the LF the first byte of the next */
	memset(data, 'x', n);
	data[128 * 1024 - 1] = '\r';
	data[128 * 1024] = '\n';
	in = io_open(write_tmp(data, 128 * 1024 + 20));
	is_int(io_getline(in, &line), 1, "line ending at the buffer boundary");
	is_int(line.len, 128 * 1024 - 1, "CR dropped across the boundary");
	fine = 1;
	for (i = 0; i < line.len; i++)
		if (line.s[i] != 'x')
			fine = 0;
	ok(fine, "no CR left in the line");
	io_close(in);
	rm_tmp();

	buf_free(&line);
	free(data);
}

static void
test_fixture(void)
{
	struct io_in *in = io_open(FIXTURE);
	struct buf line = BUF_INIT, all = BUF_INIT, ref = BUF_INIT, last = BUF_INIT;
	struct tsv_field f[40];
	size_t fields_ok = 0, n;
	int r;
	gzFile g;
	char chunk[4096];

	ok(in != NULL, "open the gzip fixture");
	if (!in)
		return;
	is_str(io_name(in), FIXTURE, "io_name is the path");
	r = io_getline(in, &line);
	is_int(r, 1, "first line");
	ok(io_is_gzip(in), "gzip detected by magic");
	n = tsv_split(line.s, line.len, f, 40);
	is_int(n, FIXTURE_FIELDS, "first line has 26 fields");
	ok(f[0].len == 18 && memcmp(f[0].s, "mdp.39015018415946", 18) == 0, "first id");
	is_int(io_lineno(in), 1, "io_lineno 1");
	buf_add(&all, line.s, line.len);
	buf_addc(&all, '\n');
	if (n == FIXTURE_FIELDS)
		fields_ok++;
	while ((r = io_getline(in, &line)) == 1) {
		if (tsv_split(line.s, line.len, f, 40) == FIXTURE_FIELDS)
			fields_ok++;
		buf_reset(&last);
		buf_add(&last, f[0].s, f[0].len);
		buf_add(&all, line.s, line.len);
		buf_addc(&all, '\n');
	}
	is_int(r, 0, "end of the fixture");
	is_int(io_lineno(in), FIXTURE_LINES, "10 lines");
	is_int(fields_ok, FIXTURE_LINES, "every line has 26 fields");
	is_str(buf_str(&last), "inu.30000041655923", "last id");
	is_int(io_offset(in), FIXTURE_BYTES, "offset is the decoded size");
	is_int(io_getline(in, &line), 0, "getline after the end is still 0");
	io_close(in);

	/* the same bytes as zlib's own reader */
	g = gzopen(FIXTURE, "rb");
	while ((r = gzread(g, chunk, sizeof chunk)) > 0)
		buf_add(&ref, chunk, (size_t)r);
	gzclose(g);
	ok(all.len == ref.len && memcmp(all.s, ref.s, ref.len) == 0, "lines match gzread");

	buf_free(&line);
	buf_free(&all);
	buf_free(&ref);
	buf_free(&last);
}

static void
test_gzip_variants(void)
{
	struct buf raw = BUF_INIT, z = BUF_INIT, got = BUF_INIT, ref = BUF_INIT, line = BUF_INIT;
	struct io_in *in;
	unsigned long lineno = 0;
	int rc;
	size_t half;
	char zeros[512];

	/* the reference text */
	in = io_open(FIXTURE);
	while (io_getline(in, &line) == 1) {
		buf_add(&ref, line.s, line.len);
		buf_addc(&ref, '|');
	}
	io_close(in);
	slurp(FIXTURE, &raw);

	/* two members: the first half of the text, then the rest */
	{
		struct buf text = BUF_INIT;
		gzFile g = gzopen(FIXTURE, "rb");
		char chunk[4096];
		int k;

		while ((k = gzread(g, chunk, sizeof chunk)) > 0)
			buf_add(&text, chunk, (size_t)k);
		gzclose(g);
		half = text.len / 2 + 7;	/* mid-line */
		gz(&z, text.s, half);
		gz(&z, text.s + half, text.len - half);
		buf_free(&text);
	}
	lines_of(write_tmp(z.s, z.len), &got, &rc, &lineno);
	rm_tmp();
	is_int(rc, 0, "two members: read to the end");
	is_str(buf_str(&got), buf_str(&ref), "two members: same lines as one");
	is_int(lineno, FIXTURE_LINES, "two members: 10 lines");

	/* three members, one of them empty */
	buf_reset(&z);
	gz(&z, "one\ntw", 6);
	gz(&z, "", 0);
	gz(&z, "o\nthree\n", 8);
	lines_of(write_tmp(z.s, z.len), &got, &rc, &lineno);
	rm_tmp();
	is_int(rc, 0, "three members: read to the end");
	is_str(buf_str(&got), "one|two|three|", "three members: lines");

	/* trailing zero padding is accepted */
	memset(zeros, 0, sizeof zeros);
	buf_reset(&z);
	buf_add(&z, raw.s, raw.len);
	buf_add(&z, zeros, sizeof zeros);
	lines_of(write_tmp(z.s, z.len), &got, &rc, &lineno);
	rm_tmp();
	is_int(rc, 0, "zero padding: read to the end");
	is_str(buf_str(&got), buf_str(&ref), "zero padding: same lines");

	/* padding between two members */
	buf_reset(&z);
	gz(&z, "a\n", 2);
	buf_add(&z, zeros, 100);
	gz(&z, "b\n", 2);
	lines_of(write_tmp(z.s, z.len), &got, &rc, &lineno);
	rm_tmp();
	is_int(rc, 0, "zeros between members: read to the end");
	is_str(buf_str(&got), "a|b|", "zeros between members: lines");

	/* trailing garbage is an error */
	buf_reset(&z);
	gz(&z, "a\n", 2);
	buf_adds(&z, "garbage");
	in = io_open(write_tmp(z.s, z.len));
	rc = io_getline(in, &line);
	if (rc == 1)
		rc = io_getline(in, &line);
	is_int(rc, -1, "trailing garbage: error");
	ok(strstr(io_error(in), "garbage") != NULL, "trailing garbage: io_error says so (%s)", io_error(in));
	io_close(in);
	rm_tmp();

	/* truncated: the last 10 bytes cut */
	in = io_open(write_tmp(raw.s, raw.len - 10));
	while ((rc = io_getline(in, &line)) == 1)
		;
	is_int(rc, -1, "truncated gzip: getline ends in -1");
	ok(strstr(io_error(in), "truncated") != NULL, "truncated gzip: io_error mentions truncation (%s)",
	    io_error(in));
	ok(io_lineno(in) < FIXTURE_LINES, "truncated gzip: fewer lines (%lu)", io_lineno(in));
	is_int(io_getline(in, &line), -1, "truncated gzip: the error sticks");
	io_close(in);
	rm_tmp();

	/* truncated: only the trailer (CRC, size) cut */
	in = io_open(write_tmp(raw.s, raw.len - 4));
	while ((rc = io_getline(in, &line)) == 1)
		;
	is_int(rc, -1, "missing trailer: error");
	ok(strstr(io_error(in), "truncated") != NULL, "missing trailer: truncated");
	io_close(in);
	rm_tmp();

	/* truncated: just the magic and a bit of the header */
	in = io_open(write_tmp(raw.s, 5));
	is_int(io_getline(in, &line), -1, "only a gzip header start: error");
	io_close(in);
	rm_tmp();

	/* corrupt data: a flipped byte in the CRC */
	buf_reset(&z);
	buf_add(&z, raw.s, raw.len);
	z.s[z.len - 6] ^= 0x55;
	in = io_open(write_tmp(z.s, z.len));
	while ((rc = io_getline(in, &line)) == 1)
		;
	is_int(rc, -1, "bad CRC: error");
	ok(strcmp(io_error(in), "no error") != 0 && io_error(in)[0], "bad CRC: a message (%s)", io_error(in));
	io_close(in);
	rm_tmp();

	buf_free(&raw);
	buf_free(&z);
	buf_free(&got);
	buf_free(&ref);
	buf_free(&line);
}

/* io_read in odd-sized chunks must give back the data byte for byte. */
static void
read_all_is(const char *path, const char *want, size_t n, size_t chunk, const char *what)
{
	struct io_in *in = io_open(path);
	struct buf got = BUF_INIT;
	char *p = malloc(chunk);
	ssize_t k;

	while ((k = io_read(in, p, chunk)) > 0)
		buf_add(&got, p, (size_t)k);
	is_int(k, 0, "%s: io_read ends with 0", what);
	is_int(got.len, n, "%s: size", what);
	ok(got.len == n && memcmp(got.s, want, n) == 0, "%s: same bytes", what);
	is_int(io_offset(in), n, "%s: io_offset", what);
	is_int(io_read(in, p, chunk), 0, "%s: io_read after the end is 0", what);
	io_close(in);
	free(p);
	buf_free(&got);
}

static void
test_read(void)
{
	size_t n = 1024 * 1024 + 333, i;
	char *data = malloc(n);
	unsigned int x = 12345;
	struct buf z = BUF_INIT;

	for (i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		data[i] = (i % 61 == 60) ? '\n' : (char)(x >> 16);
	}
	write_tmp(data, n);
	read_all_is(tmppath, data, n, 7777, "1 MiB plain, 7777-byte reads");
	read_all_is(tmppath, data, n, 1, "1 MiB plain, 1-byte reads") ;
	read_all_is(tmppath, data, n, 1 << 20, "1 MiB plain, 1 MiB reads");
	rm_tmp();

	gz(&z, data, n);
	write_tmp(z.s, z.len);
	read_all_is(tmppath, data, n, 7777, "1 MiB gzip, 7777-byte reads");
	read_all_is(tmppath, data, n, 3 << 20, "1 MiB gzip, 3 MiB reads");
	rm_tmp();

	/* mixing getline and read */
	{
		struct io_in *in = io_open(write_tmp("first\nsecond\nthird\n", 19));
		struct buf line = BUF_INIT;
		char p[64];
		ssize_t k;

		is_int(io_getline(in, &line), 1, "mix: getline");
		is_str(buf_str(&line), "first", "mix: first line");
		k = io_read(in, p, 3);
		ok(k == 3 && memcmp(p, "sec", 3) == 0, "mix: read 3 bytes after the line");
		is_int(io_offset(in), 9, "mix: offset 9");
		is_int(io_getline(in, &line), 1, "mix: getline again");
		is_str(buf_str(&line), "ond", "mix: rest of the line");
		is_int(io_lineno(in), 2, "mix: lineno counts getline lines");
		io_close(in);
		rm_tmp();
		buf_free(&line);
	}
	free(data);
	buf_free(&z);
}

static void
test_peek(void)
{
	struct io_in *in;
	struct buf line = BUF_INIT, z = BUF_INIT;
	const char *p = NULL;
	ssize_t k;

	in = io_open(write_tmp("hello\nworld\n", 12));
	k = io_peek(in, &p, 3);
	ok(k == 3 && memcmp(p, "hel", 3) == 0, "peek 3 bytes");
	k = io_peek(in, &p, 100);
	ok(k == 12 && memcmp(p, "hello\nworld\n", 12) == 0, "peek more than there is gives what there is");
	is_int(io_offset(in), 0, "peek consumes nothing");
	is_int(io_getline(in, &line), 1, "getline after peek");
	is_str(buf_str(&line), "hello", "peek did not consume");
	k = io_peek(in, &p, 5);
	ok(k == 5 && memcmp(p, "world", 5) == 0, "peek after a line");
	is_int(io_getline(in, &line), 1, "second line");
	is_str(buf_str(&line), "world", "second line is world");
	is_int(io_peek(in, &p, 5), 0, "peek at the end is 0");
	is_int(io_getline(in, &line), 0, "end");
	io_close(in);
	rm_tmp();

	in = io_open(write_tmp("", 0));
	is_int(io_peek(in, &p, 5), 0, "peek of an empty file is 0");
	io_close(in);
	rm_tmp();

	gz(&z, "{\"json\":1}\n", 11);
	in = io_open(write_tmp(z.s, z.len));
	k = io_peek(in, &p, 1);
	ok(k == 1 && p[0] == '{', "peek into a gzip file sees decoded bytes");
	ok(io_is_gzip(in), "gzip known after peek");
	is_int(io_getline(in, &line), 1, "getline after gzip peek");
	is_str(buf_str(&line), "{\"json\":1}", "gzip line whole");
	io_close(in);
	rm_tmp();

	buf_free(&z);
	buf_free(&line);
}

static void
test_open(void)
{
	struct io_in *in;
	struct buf line = BUF_INIT;
	int saved;

	fflush(stdout);	/* io_open warns on stderr: keep the TAP lines whole */
	in = io_open("tests/fixtures/unit/no-such-file.txt");
	ok(in == NULL, "io_open of a missing file is NULL");
	io_close(NULL);
	ok(1, "io_close(NULL) is harmless");

	/* "-" is stdin, named <stdin> */
	saved = dup(STDIN_FILENO);
	if (!freopen(write_tmp("from stdin\r\n", 12), "rb", stdin))
		diag_die_errno(99, "freopen");
	in = io_open("-");
	ok(in != NULL, "io_open(-)");
	is_str(io_name(in), "<stdin>", "stdin is named <stdin>");
	is_int(io_getline(in, &line), 1, "line from stdin");
	is_str(buf_str(&line), "from stdin", "stdin line, CR dropped");
	is_int(io_getline(in, &line), 0, "end of stdin");
	ok(!io_is_gzip(in), "stdin plain");
	is_str(io_error(in), "no error", "no error");
	io_close(in);
	rm_tmp();
	dup2(saved, STDIN_FILENO);
	close(saved);
	buf_free(&line);
}

/* ---- the push decoder ---- */

struct sink {
	struct buf out;
	int calls;
	int stop_after;	/* return non-zero on this call, 0 never */
};

static int
sink(void *arg, const char *p, size_t n)
{
	struct sink *s = arg;

	buf_add(&s->out, p, n);
	s->calls++;
	return s->stop_after && s->calls == s->stop_after;
}

/* Push data in steps of step bytes (0: at once); results of the last push
 * and of io_dec_end. */
static void
push(struct io_dec *d, struct sink *s, const char *p, size_t n, size_t step, int *rpush, int *rend)
{
	size_t i, k;

	*rpush = 0;
	if (step == 0)
		step = n ? n : 1;
	for (i = 0; i < n && *rpush == 0; i += k) {
		k = n - i < step ? n - i : step;
		*rpush = io_dec_push(d, p + i, k, sink, s);
	}
	*rend = *rpush == 0 ? io_dec_end(d, sink, s) : 99;
}

static void
dec_is(const char *in, size_t n, const char *want, size_t wantlen, const char *what)
{
	static const size_t steps[] = { 0, 1, 2, 3, 1000 };
	size_t i;
	struct io_dec *d = io_dec_new();
	struct sink s;
	int rp, re;

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		memset(&s, 0, sizeof s);
		io_dec_reset(d);
		push(d, &s, in, n, steps[i], &rp, &re);
		ok(rp == 0 && re == 0 && s.out.len == wantlen && memcmp(buf_str(&s.out), want, wantlen) == 0,
		    "%s, %zu bytes a push", what, steps[i] ? steps[i] : n);
		buf_free(&s.out);
	}
	io_dec_free(d);
}

static void
test_dec(void)
{
	struct buf z = BUF_INIT, raw = BUF_INIT, text = BUF_INIT;
	struct io_dec *d;
	struct sink s;
	int rp, re;
	size_t n = 700 * 1024, i;
	char *big;
	gzFile g;
	char chunk[4096];
	int k;

	slurp(FIXTURE, &raw);
	g = gzopen(FIXTURE, "rb");
	while ((k = gzread(g, chunk, sizeof chunk)) > 0)
		buf_add(&text, chunk, (size_t)k);
	gzclose(g);

	dec_is(raw.s, raw.len, text.s, text.len, "gzip fixture");
	dec_is("plain body\n", 11, "plain body\n", 11, "plain");
	dec_is("x", 1, "x", 1, "a 1-byte plain body");
	dec_is("\x1f", 1, "\x1f", 1, "a 1-byte body that looks like the magic");
	dec_is("\x1f\x8a", 2, "\x1f\x8a", 2, "two bytes, not the magic");
	dec_is("", 0, "", 0, "an empty body");

	gz(&z, "ab", 2);
	gz(&z, "cd\n", 3);
	dec_is(z.s, z.len, "abcd\n", 5, "two gzip members");
	buf_add(&z, "\0\0\0\0", 4);
	dec_is(z.s, z.len, "abcd\n", 5, "two gzip members and zero padding");

	/* the 1-byte body reaches the sink only at io_dec_end */
	d = io_dec_new();
	memset(&s, 0, sizeof s);
	is_int(io_dec_push(d, "y", 1, sink, &s), 0, "1 byte pushed");
	is_int(s.out.len, 0, "nothing delivered yet");
	is_int(io_dec_end(d, sink, &s), 0, "end");
	is_str(buf_str(&s.out), "y", "the byte is delivered at the end");
	buf_free(&s.out);

	/* truncated gzip */
	for (i = 0; i < 2; i++) {
		io_dec_reset(d);
		memset(&s, 0, sizeof s);
		push(d, &s, raw.s, raw.len - 10, i, &rp, &re);
		is_int(rp, 0, "truncated gzip: pushes are fine (%s)", i ? "byte by byte" : "at once");
		is_int(re, -1, "truncated gzip: io_dec_end is -1 (%s)", i ? "byte by byte" : "at once");
		ok(strstr(io_dec_error(d), "truncated") != NULL, "truncated gzip: error says so (%s)",
		    io_dec_error(d));
		ok(s.out.len < text.len && memcmp(s.out.s, text.s, s.out.len) == 0,
		    "truncated gzip: what came out is a prefix");
		buf_free(&s.out);
	}
	is_int(io_dec_push(d, "x", 1, sink, &s), -1, "after an error, push is -1");
	buf_free(&s.out);

	/* reset then plain: gzip state is gone */
	io_dec_reset(d);
	is_str(io_dec_error(d), "no error", "reset clears the error");
	memset(&s, 0, sizeof s);
	push(d, &s, "after reset", 11, 0, &rp, &re);
	ok(rp == 0 && re == 0, "after reset: plain works");
	is_str(buf_str(&s.out), "after reset", "after reset: plain data");
	buf_free(&s.out);

	/* garbage after the gzip data */
	io_dec_reset(d);
	memset(&s, 0, sizeof s);
	buf_reset(&z);
	gz(&z, "ok\n", 3);
	buf_adds(&z, "<html>");
	push(d, &s, z.s, z.len, 0, &rp, &re);
	is_int(rp, -1, "garbage after gzip: push is -1");
	ok(strstr(io_dec_error(d), "garbage") != NULL, "garbage after gzip: error (%s)", io_dec_error(d));
	buf_free(&s.out);

	/* corrupt CRC */
	io_dec_reset(d);
	memset(&s, 0, sizeof s);
	buf_reset(&z);
	buf_add(&z, raw.s, raw.len);
	z.s[z.len - 7] ^= 1;
	push(d, &s, z.s, z.len, 0, &rp, &re);
	ok(rp == -1 || re == -1, "bad CRC is an error");
	buf_free(&s.out);

	/* a sink that stops */
	io_dec_reset(d);
	memset(&s, 0, sizeof s);
	s.stop_after = 1;
	is_int(io_dec_push(d, "plain", 5, sink, &s), 1, "plain: a stopping sink makes push return 1");
	buf_free(&s.out);
	io_dec_reset(d);
	memset(&s, 0, sizeof s);
	s.stop_after = 1;
	is_int(io_dec_push(d, raw.s, raw.len, sink, &s), 1, "gzip: a stopping sink makes push return 1");
	buf_free(&s.out);
	io_dec_reset(d);
	memset(&s, 0, sizeof s);
	s.stop_after = 1;
	is_int(io_dec_push(d, "q", 1, sink, &s), 0, "1 byte: push 0");
	is_int(io_dec_end(d, sink, &s), 1, "1 byte: a stopping sink makes end return 1");
	buf_free(&s.out);

	/* a large body: more than one output buffer */
	big = malloc(n);
	for (i = 0; i < n; i++)
		big[i] = (char)(i * 7 % 251);
	buf_reset(&z);
	gz(&z, big, n);
	io_dec_reset(d);
	memset(&s, 0, sizeof s);
	push(d, &s, z.s, z.len, 0, &rp, &re);
	ok(rp == 0 && re == 0 && s.out.len == n && memcmp(s.out.s, big, n) == 0, "700 KiB gzip at once");
	ok(s.calls > 1, "delivered in several sink calls (%d)", s.calls);
	buf_free(&s.out);
	io_dec_reset(d);
	memset(&s, 0, sizeof s);
	push(d, &s, z.s, z.len, 4099, &rp, &re);
	ok(rp == 0 && re == 0 && s.out.len == n && memcmp(s.out.s, big, n) == 0, "700 KiB gzip in 4099-byte pushes");
	buf_free(&s.out);
	io_dec_free(d);
	io_dec_free(NULL);

	free(big);
	buf_free(&z);
	buf_free(&raw);
	buf_free(&text);
}

int
main(void)
{
	diag_init("test-io");
	test_plain_lines();
	test_nul_line();
	test_long_lines();
	test_fixture();
	test_gzip_variants();
	test_read();
	test_peek();
	test_open();
	test_dec();
	return tap_done();
}
