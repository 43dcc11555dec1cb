/* test-gunzip: gzip streams through each library the build has (zlib
 * always, ISA-L when found): the bytes and the message of every damaged
 * stream (cut at every byte, a byte changed at every place, garbage and
 * padding after a member, several members), fed whole or in pieces, and
 * the same from both libraries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gzmake.h"
#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "gunzip.h"

static void
gz(struct buf *out, const void *p, size_t n, int level)
{
	gz_member(out, p, n, level, 0);
}

/* What a stream gave: its bytes, then "ok", "truncated" or the error. */
static void
inflate_all(int lib, const void *vp, size_t n, size_t step, size_t outsz, struct buf *res)
{
	const unsigned char *p = vp;
	struct gunzip *g = gunzip_new_lib(lib);
	char *out = malloc(outsz);
	size_t i = 0, k;
	ssize_t r = 0;

	buf_reset(res);
	while (i < n && r >= 0) {
		k = n - i < step ? n - i : step;
		gunzip_input(g, p + i, k);
		i += k;
		while ((r = gunzip_run(g, out, outsz)) > 0)
			buf_add(res, out, (size_t)r);
	}
	buf_addc(res, '|');
	if (r < 0)
		buf_adds(res, gunzip_error(g));
	else
		buf_adds(res, gunzip_in_member(g) ? "truncated" : "ok");
	gunzip_free(g);
	free(out);
}

static int nlibs;
static int libs[2];
static const char *libname[2];

static const char *
tail(const struct buf *b)
{
	size_t i = b->len;

	while (i > 0 && b->s[i - 1] != '|')	/* the bytes may hold a NUL */
		i--;
	return i ? buf_str(b) + i : "";
}

/* Every library and way of feeding gives the same result (message_only:
 * the same message, whatever bytes came before it); returns in res the
 * first library's, fed whole. */
static int
same_how(const void *p, size_t n, struct buf *res, const char *what, int message_only)
{
	/* pieces of input, and output room: one byte at a time, odd sizes,
	 * and room for one byte (what does not fit is held inside) */
	static const size_t steps[][2] = {
		{ (size_t)-1, 131072 }, { 1, 131072 }, { 7, 100 }, { 4096, 1 }
	};
	struct buf other = BUF_INIT;
	size_t s;
	int l, same = 1;

	inflate_all(libs[0], p, n, steps[0][0], steps[0][1], res);
	for (l = 0; l < nlibs; l++)
		for (s = 0; s < sizeof steps / sizeof steps[0]; s++) {
			if (l == 0 && s == 0)
				continue;
			inflate_all(libs[l], p, n, steps[s][0], steps[s][1], &other);
			if (message_only ? strcmp(tail(&other), tail(res)) == 0 :
			    other.len == res->len && memcmp(other.s, res->s, res->len) == 0)
				continue;
			if (same)
				diag_warn("%s: %s in steps of %zu: ...%s (%zu bytes) against ...%s (%zu bytes)",
				    what, libname[l], steps[s][0], tail(&other), other.len, tail(res),
				    res->len);
			same = 0;
		}
	buf_free(&other);
	return same;
}

static int
same_everywhere(const void *p, size_t n, struct buf *res, const char *what)
{
	return same_how(p, n, res, what, 0);
}

int
main(void)
{
	struct buf text = BUF_INIT, z = BUF_INIT, d = BUF_INIT, res = BUF_INIT, want = BUF_INIT;
	size_t i, bad_cut = 0, bad_flip = 0, nflip = 0, bad_hdr = 0;
	struct buf z2 = BUF_INIT;
	unsigned long x = 1;
	char line[80];
	struct gunzip *g;

	diag_init("test-gunzip");
	libs[nlibs] = GUNZIP_ZLIB;
	libname[nlibs++] = "zlib";
	if ((g = gunzip_new_lib(GUNZIP_ISAL)) != NULL) {
		libs[nlibs] = GUNZIP_ISAL;
		libname[nlibs++] = "ISA-L";
		gunzip_free(g);
	}
	diag_note("libraries: %s%s; the build's: %s", libname[0], nlibs > 1 ? ", ISA-L" : "",
	    gunzip_library());
	ok(strncmp(gunzip_library(), nlibs > 1 ? "ISA-L " : "zlib ", nlibs > 1 ? 6 : 5) == 0,
	    "the build's library is named (%s)", gunzip_library());

	/* text that compresses into several kinds of deflate blocks */
	for (i = 0; i < 3000; i++) {
		x = x * 1103515245 + 12345;
		snprintf(line, sizeof line, "<charParams l=\"%lu\" t=\"%lu\">%c</charParams>\n",
		    x >> 20 & 4095, x >> 8 & 4095, (int)('a' + (x >> 16) % 26));
		buf_adds(&text, line);
	}
	gz(&z, text.s, text.len, 6);

	/* whole */
	buf_add(&want, text.s, text.len);
	buf_adds(&want, "|ok");
	ok(same_everywhere(z.s, z.len, &res, "whole"), "whole: the same from every library and feed");
	ok(res.len == want.len && memcmp(res.s, want.s, want.len) == 0, "whole: the text");

	/* two members, zero padding, an empty member, a stored one */
	buf_reset(&d);
	gz(&d, text.s, 1000, 6);
	buf_add(&d, "\0\0\0", 3);
	gz(&d, "", 0, 6);
	gz(&d, text.s + 1000, 1000, 0);
	gz(&d, text.s + 2000, text.len - 2000, 9);
	ok(same_everywhere(d.s, d.len, &res, "members"), "members: the same everywhere");
	ok(res.len == want.len && memcmp(res.s, want.s, want.len) == 0, "members: the text whole");

	/* headers with a name, a comment, an extra field and a header CRC, as
	 * gzip and others write them, whole and in pieces */
	buf_reset(&d);
	gz_member(&d, text.s, 1000, 6, 1);
	gz_member(&d, text.s + 1000, text.len - 1000, 6, 1);
	ok(same_everywhere(d.s, d.len, &res, "full headers"), "full headers: the same everywhere");
	ok(res.len == want.len && memcmp(res.s, want.s, want.len) == 0, "full headers: the text whole");
	buf_reset(&z2);
	gz_member(&z2, text.s, 100, 6, 1);
	for (i = 10; i < 120; i++) {	/* a byte of the header changed */
		buf_reset(&d);
		buf_add(&d, z2.s, z2.len);
		d.s[i] ^= 0x20;
		if (!same_how(d.s, d.len, &res, "header changed", 1) && bad_hdr++ < 3)
			diag_warn("header byte %zu changed: differs", i);
	}
	is_int((long)bad_hdr, 0, "a header byte changed: the same message everywhere");

	/* garbage after a member */
	buf_reset(&d);
	buf_add(&d, z.s, z.len);
	buf_adds(&d, "<html>");
	ok(same_everywhere(d.s, d.len, &res, "garbage"), "trailing garbage: the same everywhere");
	is_str(tail(&res), "trailing garbage after gzip data", "trailing garbage: message");
	ok(res.len == want.len - 2 + strlen("trailing garbage after gzip data"),
	    "trailing garbage: all the text came out first");

	/* a bad CRC, a bad length */
	for (i = 8; i >= 1; i -= 4) {
		buf_reset(&d);
		buf_add(&d, z.s, z.len);
		d.s[d.len - i] ^= 0x10;
		ok(same_everywhere(d.s, d.len, &res, "check"), "bad %s: the same everywhere",
		    i == 8 ? "CRC" : "length");
		is_str(tail(&res), "damaged gzip data (a bad header, compressed data or CRC)",
		    "bad %s: message", i == 8 ? "CRC" : "length");
		ok(res.len > text.len && memcmp(res.s, text.s, text.len) == 0,
		    "bad %s: all the text came out first", i == 8 ? "CRC" : "length");
	}

	/* a header that is not gzip's, and an unknown method */
	buf_reset(&d);
	buf_add(&d, z.s, z.len);
	d.s[1] = (char)0x8c;
	ok(same_everywhere(d.s, d.len, &res, "magic"), "bad magic: the same everywhere");
	is_str(buf_str(&res), "|damaged gzip data (a bad header, compressed data or CRC)", "bad magic: message");
	d.s[1] = (char)0x8b;
	d.s[2] = 7;
	ok(same_everywhere(d.s, d.len, &res, "method"), "bad method: the same everywhere");
	is_str(buf_str(&res), "|damaged gzip data (a bad header, compressed data or CRC)", "bad method: message");

	/* a small stream, cut at every byte and with a byte changed at every
	 * place: the same message from every library and feed; what came out
	 * before a cut is a prefix of the text, within a match of the cut
	 * (how far a library gets depends on how it is fed) */
	buf_reset(&z);
	gz(&z, text.s, 4000, 6);
	for (i = 0; i < z.len; i++) {
		if (!same_how(z.s, i, &res, "cut", 1))
			bad_cut++;
		else if ((strcmp(tail(&res), i ? "truncated" : "ok") != 0 ||
		    memcmp(res.s, text.s, res.len - strlen(tail(&res)) - 1) != 0) && bad_cut++ < 3)
			diag_warn("cut at %zu: %s", i, tail(&res));
	}
	is_int((long)bad_cut, 0, "cut at each of %zu bytes: 'truncated' everywhere, after a prefix",
	    z.len);
	for (i = 0; i < z.len; i++) {
		buf_reset(&d);
		buf_add(&d, z.s, z.len);
		d.s[i] ^= (char)(0x41 + i % 64);
		if (!same_how(d.s, d.len, &res, "changed", 1))
			bad_flip++;
		if (strcmp(tail(&res), "ok") != 0)
			nflip++;
	}
	is_int((long)bad_flip, 0, "a byte changed at each of %zu places: the same message everywhere",
	    z.len);
	ok(nflip > z.len / 2, "and most of those changes are caught (%zu)", nflip);

	buf_free(&text);
	buf_free(&z);
	buf_free(&d);
	buf_free(&res);
	buf_free(&want);
	buf_free(&z2);
	return tap_done();
}
