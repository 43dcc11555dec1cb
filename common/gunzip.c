/* gunzip: gzip members through ISA-L or zlib; see gunzip.h.
 *
 * What lies between members (zero padding, the next member's magic, or
 * garbage) is looked at here, the same way for both libraries; a member
 * itself (header, deflate data, CRC and length) is the library's.  Their
 * errors are turned into one message of ours, so a damaged file reads
 * the same whichever library the build has. */
#include "gunzip.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef PLATES_ISAL
#include <isa-l.h>
#endif

#include "diag.h"
#include "xmem.h"

/* One message for a bad header, bad compressed data and a CRC or length
 * that does not match: the libraries do not always tell these apart in
 * the same way (ISA-L takes some broken Huffman tables that zlib refuses,
 * and the CRC then fails). */
#define E_DATA		"damaged gzip data (a bad header, compressed data or CRC)"
#define E_GARBAGE	"trailing garbage after gzip data"

struct gunzip {
	int lib;
	int in_member;		/* inside a member: its end not seen yet */
	int hdr;		/* bytes of its header checked here */
	const char *err;	/* an error found */
	const unsigned char *next_in;
	size_t avail_in;
	z_stream z;
	int z_live;		/* inflateInit2 done */
#ifdef PLATES_ISAL
	struct inflate_state *st;
	struct isal_gzip_header gzh;	/* no buffers: name, comment, extra passed over */
	int gzh_done;		/* the member's header read */
#endif
};

struct gunzip *
gunzip_new_lib(int lib)
{
	struct gunzip *g;

#ifndef PLATES_ISAL
	if (lib == GUNZIP_ISAL)
		return NULL;
#endif
	g = xcalloc(1, sizeof *g);
	g->lib = lib;
#ifdef PLATES_ISAL
	if (lib == GUNZIP_ISAL) {
		/* zeroed: a damaged stream may reach table entries its own
		 * header never set, which must not read what the heap held */
		g->st = xcalloc(1, sizeof *g->st);
		isal_inflate_init(g->st);
		return g;
	}
#endif
	if (inflateInit2(&g->z, 15 + 16) != Z_OK)
		diag_die(DIAG_FAIL, "zlib: cannot initialise");
	g->z_live = 1;
	return g;
}

struct gunzip *
gunzip_new(void)
{
#ifdef PLATES_ISAL
	return gunzip_new_lib(GUNZIP_ISAL);
#else
	return gunzip_new_lib(GUNZIP_ZLIB);
#endif
}

void
gunzip_free(struct gunzip *g)
{
	if (!g)
		return;
	if (g->z_live)
		inflateEnd(&g->z);
#ifdef PLATES_ISAL
	free(g->st);
#endif
	free(g);
}

const char *
gunzip_library(void)
{
#ifdef PLATES_ISAL
#define GZ_STR_(x) #x
#define GZ_STR(x) GZ_STR_(x)
	return "ISA-L " GZ_STR(ISAL_MAJOR_VERSION) "." GZ_STR(ISAL_MINOR_VERSION) "."
	    GZ_STR(ISAL_PATCH_VERSION);
#else
	return "zlib " ZLIB_VERSION;
#endif
}

void
gunzip_input(struct gunzip *g, const void *p, size_t n)
{
	g->next_in = p;
	g->avail_in = n;
}

size_t
gunzip_avail_in(const struct gunzip *g)
{
	return g->avail_in;
}

int
gunzip_in_member(const struct gunzip *g)
{
	return g->in_member;
}

const char *
gunzip_error(const struct gunzip *g)
{
	return g->err ? g->err : "no error";
}

/* Between members: skip zero padding; 1 at the next member's first byte,
 * 0 at the end of the input, -1 at garbage. */
static int
next_member(struct gunzip *g)
{
	while (g->avail_in > 0 && g->next_in[0] == 0) {
		g->next_in++;
		g->avail_in--;
	}
	if (g->avail_in == 0)
		return 0;
	if (g->next_in[0] != 0x1f) {
		g->err = E_GARBAGE;
		return -1;
	}
	return 1;
}

/* The first four bytes of a member, checked here the same way for both
 * libraries (ISA-L passes over the flags that must be zero): the magic,
 * deflate, no reserved flag; 0 ok, -1 error. */
static int
check_header(struct gunzip *g)
{
	size_t i;
	unsigned char c;

	for (i = 0; g->hdr < 4 && i < g->avail_in; i++, g->hdr++) {
		c = g->next_in[i];
		if ((g->hdr == 1 && c != 0x8b) || (g->hdr == 2 && c != 8) ||
		    (g->hdr == 3 && (c & 0xe0) != 0)) {
			g->err = E_DATA;
			return -1;
		}
	}
	return 0;
}

/* zlib: inflate into out; the bytes made (the error, if any, in g->err). */
static size_t
run_zlib(struct gunzip *g, unsigned char *out, size_t outlen)
{
	int r;

	g->z.next_out = out;
	g->z.avail_out = (uInt)outlen;
	while (g->z.avail_out > 0) {
		if (!g->in_member) {
			if (next_member(g) <= 0)
				break;
			inflateReset(&g->z);
			g->in_member = 1;
			g->hdr = 0;
		}
		if (g->avail_in == 0 || check_header(g) < 0)
			break;
		g->z.next_in = (unsigned char *)g->next_in;
		g->z.avail_in = g->avail_in > (uInt)-1 ? (uInt)-1 : (uInt)g->avail_in;
		r = inflate(&g->z, Z_NO_FLUSH);
		g->avail_in -= (size_t)(g->z.next_in - g->next_in);
		g->next_in = g->z.next_in;
		if (r == Z_STREAM_END) {
			g->in_member = 0;
		} else if (r == Z_MEM_ERROR) {
			diag_die(DIAG_FAIL, "out of memory");
		} else if (r == Z_BUF_ERROR) {
			break;
		} else if (r != Z_OK) {
			g->err = E_DATA;
			break;
		}
	}
	return outlen - g->z.avail_out;
}

#ifdef PLATES_ISAL
/* ISA-L: the same.  A member's header is read here with a header record
 * of our own (isal_inflate's own reading of it, with ISAL_GZIP, leaves
 * parts of its record unset in 2.30), then the deflate data and the
 * trailer, whose CRC and length ISA-L checks.  isal_inflate keeps bytes
 * of its own (a partial symbol, output that did not fit), so it is called
 * while a member is open even with no input left, until it makes
 * nothing more. */
static size_t
run_isal(struct gunzip *g, unsigned char *out, size_t outlen)
{
	struct inflate_state *st = g->st;
	uint32_t in0, out0;
	int r;

	st->next_out = out;
	st->avail_out = outlen > UINT32_MAX ? UINT32_MAX : (uint32_t)outlen;
	while (st->avail_out > 0) {
		if (!g->in_member) {
			if (next_member(g) <= 0)
				break;
			isal_inflate_reset(st);
			st->crc_flag = ISAL_GZIP_NO_HDR_VER;
			isal_gzip_header_init(&g->gzh);
			g->gzh_done = 0;
			g->in_member = 1;
			g->hdr = 0;
		}
		if (check_header(g) < 0)
			break;
		st->next_in = (uint8_t *)g->next_in;
		st->avail_in = g->avail_in > UINT32_MAX ? UINT32_MAX : (uint32_t)g->avail_in;
		in0 = st->avail_in;
		out0 = st->avail_out;
		if (!g->gzh_done) {
			r = isal_read_gzip_header(st, &g->gzh);
			g->next_in = st->next_in;
			g->avail_in = g->avail_in - in0 + st->avail_in;
			if (r == ISAL_DECOMP_OK) {
				g->gzh_done = 1;
				continue;
			}
			if (r != ISAL_END_INPUT)
				g->err = E_DATA;
			break;	/* an error, or the header goes on */
		}
		r = isal_inflate(st);
		/* at a member's end, bytes read ahead are given back */
		g->next_in = st->next_in;
		g->avail_in = g->avail_in - in0 + st->avail_in;
		if (r < 0 || r == ISAL_NEED_DICT) {
			g->err = E_DATA;
			break;
		}
		if (st->block_state == ISAL_BLOCK_FINISH) {
			g->in_member = 0;
			continue;
		}
		if (st->avail_in == in0 && st->avail_out == out0)
			break;	/* it wants more input */
	}
	return (outlen > UINT32_MAX ? UINT32_MAX : outlen) - st->avail_out;
}
#endif

ssize_t
gunzip_run(struct gunzip *g, void *out, size_t outlen)
{
	size_t n;

	if (g->err)
		return -1;
#ifdef PLATES_ISAL
	if (g->lib == GUNZIP_ISAL)
		n = run_isal(g, out, outlen);
	else
#endif
		n = run_zlib(g, out, outlen);
	if (g->err && n == 0)
		return -1;
	return (ssize_t)n;
}
