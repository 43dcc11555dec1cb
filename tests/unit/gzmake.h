/* gzmake.h: gzip members made with zlib for the unit tests of gzip
 * reading. */
#ifndef PLATES_TEST_GZMAKE_H
#define PLATES_TEST_GZMAKE_H

#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "diag.h"

/* Compress p into a new member appended to out, at level; the header has
 * a name, a comment, an extra field and its own CRC when full_header. */
static void __attribute__((unused))
gz_member(struct buf *out, const void *p, size_t n, int level, int full_header)
{
	z_stream z;
	gz_header h;
	unsigned char chunk[16384];
	static unsigned char extra[] = "XY\004\000abcd";
	int r;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		diag_die(99, "deflateInit2");
	if (full_header) {
		memset(&h, 0, sizeof h);
		h.name = (unsigned char *)"sample_full_20230101.txt";
		h.comment = (unsigned char *)"a comment that runs on for a while, longer than a piece";
		h.extra = extra;
		h.extra_len = sizeof extra - 1;
		h.hcrc = 1;
		if (deflateSetHeader(&z, &h) != Z_OK)
			diag_die(99, "deflateSetHeader");
	}
	z.next_in = (unsigned char *)(size_t)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		r = deflate(&z, Z_FINISH);
		if (r == Z_STREAM_ERROR)
			diag_die(99, "deflate");
		buf_add(out, chunk, sizeof chunk - z.avail_out);
	} while (r != Z_STREAM_END);
	deflateEnd(&z);
}

#endif
