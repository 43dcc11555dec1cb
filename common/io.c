/* io: input operands, gzip by magic, lines with numbers, push-mode gunzip. */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "diag.h"
#include "xmem.h"

#define RAWSZ (128 * 1024)
#define DECSZ (128 * 1024)

enum { MODE_UNKNOWN, MODE_PLAIN, MODE_GZIP };

/* The shared core: a zlib stream that restarts on each gzip member. */
struct gz {
	z_stream z;
	int live;	/* inflateInit2 done */
	int in_member;	/* inside a member: its end not seen yet */
	const char *err;
};

static int
gz_init(struct gz *g)
{
	memset(&g->z, 0, sizeof g->z);
	if (inflateInit2(&g->z, 15 + 16) != Z_OK)
		diag_die(DIAG_FAIL, "zlib: cannot initialise");
	g->live = 1;
	g->in_member = 0;
	g->err = NULL;
	return 0;
}

/* Inflate from g->z.next_in into out; returns bytes produced or -1. */
static ssize_t
gz_run(struct gz *g, unsigned char *out, size_t outlen)
{
	int r;

	g->z.next_out = out;
	g->z.avail_out = (uInt)outlen;
	while (g->z.avail_out > 0 && g->z.avail_in > 0) {
		if (!g->in_member) {
			/* between members: only another member or zero padding */
			if (g->z.next_in[0] == 0) {
				g->z.next_in++;
				g->z.avail_in--;
				continue;
			}
			if (g->z.next_in[0] != 0x1f) {
				g->err = "trailing garbage after gzip data";
				return -1;
			}
			inflateReset(&g->z);
			g->in_member = 1;
		}
		r = inflate(&g->z, Z_NO_FLUSH);
		if (r == Z_STREAM_END) {
			g->in_member = 0;
		} else if (r == Z_BUF_ERROR) {
			break;
		} else if (r != Z_OK) {
			g->err = g->z.msg ? g->z.msg : "invalid gzip data";
			return -1;
		}
	}
	return (ssize_t)(outlen - g->z.avail_out);
}

struct io_in {
	int fd;
	char *name;
	int mode;
	int eof;	/* raw input exhausted */
	int failed;
	struct buf errmsg;
	unsigned long lineno;
	unsigned long long offset;
	struct gz gz;
	unsigned char *raw;
	/* decoded bytes waiting to be consumed */
	char *dec;
	size_t pos, len;
};

static void
set_err(struct io_in *in, const char *msg, int errnum)
{
	buf_reset(&in->errmsg);
	buf_adds(&in->errmsg, msg);
	if (errnum) {
		buf_adds(&in->errmsg, ": ");
		buf_adds(&in->errmsg, strerror(errnum));
	}
	in->failed = 1;
}

struct io_in *
io_open(const char *path)
{
	struct io_in *in;
	int fd;

	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		diag_warn_errno("%s", path);
		return NULL;
	}
	in = xcalloc(1, sizeof *in);
	in->fd = fd;
	in->name = xstrdup(fd == STDIN_FILENO ? "<stdin>" : path);
	in->raw = xmalloc(RAWSZ);
	in->dec = xmalloc(DECSZ);
	return in;
}

/* Read raw bytes into the zlib input (gzip) or straight into dec (plain). */
static int
fill_raw(struct io_in *in, unsigned char *to, size_t n, size_t *got)
{
	ssize_t r;

	for (;;) {
		r = read(in->fd, to, n);
		if (r >= 0)
			break;
		if (errno != EINTR) {
			set_err(in, "read error", errno);
			return -1;
		}
	}
	if (r == 0)
		in->eof = 1;
	*got = (size_t)r;
	return 0;
}

/* Refill in->dec with decoded bytes; 0 ok (len may be 0 at end), -1 error. */
static int
refill(struct io_in *in)
{
	size_t got;
	ssize_t n;

	in->pos = in->len = 0;
	if (in->failed)
		return -1;
	if (in->mode == MODE_UNKNOWN) {
		/* read at least two bytes to see the magic */
		size_t have = 0;
		while (have < 2 && !in->eof) {
			if (fill_raw(in, in->raw + have, RAWSZ - have, &got) < 0)
				return -1;
			have += got;
		}
		if (have >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
			in->mode = MODE_GZIP;
			gz_init(&in->gz);
			in->gz.z.next_in = in->raw;
			in->gz.z.avail_in = (uInt)have;
		} else {
			in->mode = MODE_PLAIN;
			memcpy(in->dec, in->raw, have);
			in->len = have;
			return 0;
		}
	}
	if (in->mode == MODE_PLAIN) {
		if (in->eof)
			return 0;
		if (fill_raw(in, (unsigned char *)in->dec, DECSZ, &got) < 0)
			return -1;
		in->len = got;
		return 0;
	}
	for (;;) {
		if (in->gz.z.avail_in == 0 && !in->eof) {
			if (fill_raw(in, in->raw, RAWSZ, &got) < 0)
				return -1;
			in->gz.z.next_in = in->raw;
			in->gz.z.avail_in = (uInt)got;
		}
		if (in->gz.z.avail_in == 0 && in->eof) {
			if (in->gz.in_member) {
				set_err(in, "unexpected end of gzip data (truncated file?)", 0);
				return -1;
			}
			return 0;
		}
		n = gz_run(&in->gz, (unsigned char *)in->dec, DECSZ);
		if (n < 0) {
			set_err(in, in->gz.err, 0);
			return -1;
		}
		if (n > 0) {
			in->len = (size_t)n;
			return 0;
		}
	}
}

ssize_t
io_read(struct io_in *in, void *p, size_t n)
{
	size_t k;

	if (in->pos == in->len && refill(in) < 0)
		return -1;
	k = in->len - in->pos;
	if (k > n)
		k = n;
	memcpy(p, in->dec + in->pos, k);
	in->pos += k;
	in->offset += k;
	return (ssize_t)k;
}

ssize_t
io_peek(struct io_in *in, const char **p, size_t n)
{
	if (in->pos == in->len && refill(in) < 0)
		return -1;
	*p = in->dec + in->pos;
	return (ssize_t)(in->len - in->pos < n ? in->len - in->pos : n);
}

int
io_getline(struct io_in *in, struct buf *line)
{
	char *nl;
	size_t k;
	int any = 0;

	buf_reset(line);
	for (;;) {
		if (in->pos == in->len) {
			if (refill(in) < 0)
				return -1;
			if (in->len == 0)
				break;
		}
		nl = memchr(in->dec + in->pos, '\n', in->len - in->pos);
		k = nl ? (size_t)(nl - (in->dec + in->pos)) : in->len - in->pos;
		if (line->len + k > IO_MAX_LINE) {
			in->lineno++;
			set_err(in, "line too long", 0);
			return -1;
		}
		buf_add(line, in->dec + in->pos, k);
		any = 1;
		in->pos += k;
		in->offset += k;
		if (nl) {
			in->pos++;
			in->offset++;
			break;
		}
	}
	if (!any && line->len == 0 && in->len == 0)
		return 0;
	in->lineno++;
	if (line->len && line->s[line->len - 1] == '\r')
		buf_truncate(line, line->len - 1);
	return 1;
}

const char *
io_name(const struct io_in *in)
{
	return in->name;
}

unsigned long
io_lineno(const struct io_in *in)
{
	return in->lineno;
}

unsigned long long
io_offset(const struct io_in *in)
{
	return in->offset;
}

int
io_is_gzip(const struct io_in *in)
{
	return in->mode == MODE_GZIP;
}

const char *
io_error(const struct io_in *in)
{
	return in->failed ? buf_str(&in->errmsg) : "no error";
}

void
io_close(struct io_in *in)
{
	if (!in)
		return;
	if (in->fd != STDIN_FILENO)
		close(in->fd);
	if (in->gz.live)
		inflateEnd(&in->gz.z);
	buf_free(&in->errmsg);
	free(in->name);
	free(in->raw);
	free(in->dec);
	free(in);
}

struct io_dec {
	int mode;
	unsigned char magic[2];
	size_t nmagic;
	struct gz gz;
	unsigned char *out;
	const char *err;
};

struct io_dec *
io_dec_new(void)
{
	struct io_dec *d = xcalloc(1, sizeof *d);

	d->out = xmalloc(DECSZ);
	return d;
}

void
io_dec_reset(struct io_dec *d)
{
	if (d->gz.live)
		inflateEnd(&d->gz.z);
	d->gz.live = 0;
	d->mode = MODE_UNKNOWN;
	d->nmagic = 0;
	d->err = NULL;
}

static int
dec_gz(struct io_dec *d, const unsigned char *p, size_t n, io_sink sink, void *arg)
{
	ssize_t k;

	d->gz.z.next_in = (unsigned char *)p;
	d->gz.z.avail_in = (uInt)n;
	while (d->gz.z.avail_in > 0) {
		k = gz_run(&d->gz, d->out, DECSZ);
		if (k < 0) {
			d->err = d->gz.err;
			return -1;
		}
		if (k > 0 && sink(arg, (const char *)d->out, (size_t)k))
			return 1;
	}
	return 0;
}

int
io_dec_push(struct io_dec *d, const void *vp, size_t n, io_sink sink, void *arg)
{
	const unsigned char *p = vp;
	int r;

	if (d->err)
		return -1;
	if (d->mode == MODE_UNKNOWN) {
		while (d->nmagic < 2 && n > 0) {
			d->magic[d->nmagic++] = *p++;
			n--;
		}
		if (d->nmagic < 2)
			return 0;
		if (d->magic[0] == 0x1f && d->magic[1] == 0x8b) {
			d->mode = MODE_GZIP;
			gz_init(&d->gz);
			if ((r = dec_gz(d, d->magic, 2, sink, arg)) != 0)
				return r;
		} else {
			d->mode = MODE_PLAIN;
			if (sink(arg, (const char *)d->magic, 2))
				return 1;
		}
	}
	if (n == 0)
		return 0;
	if (d->mode == MODE_PLAIN)
		return sink(arg, (const char *)p, n) ? 1 : 0;
	return dec_gz(d, p, n, sink, arg);
}

int
io_dec_end(struct io_dec *d, io_sink sink, void *arg)
{
	if (d->err)
		return -1;
	if (d->mode == MODE_UNKNOWN && d->nmagic > 0) {
		/* a body of one byte */
		d->mode = MODE_PLAIN;
		if (sink(arg, (const char *)d->magic, d->nmagic))
			return 1;
	}
	if (d->mode == MODE_GZIP && d->gz.in_member) {
		d->err = "unexpected end of gzip data (truncated?)";
		return -1;
	}
	return 0;
}

const char *
io_dec_error(const struct io_dec *d)
{
	return d->err ? d->err : "no error";
}

void
io_dec_free(struct io_dec *d)
{
	if (!d)
		return;
	if (d->gz.live)
		inflateEnd(&d->gz.z);
	free(d->out);
	free(d);
}
