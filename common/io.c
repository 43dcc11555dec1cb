/* io: input operands, gzip by magic, lines with numbers, push-mode gunzip. */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "gunzip.h"
#include "xmem.h"

#define RAWSZ (128 * 1024)
#define DECSZ (128 * 1024)

enum { MODE_UNKNOWN, MODE_PLAIN, MODE_GZIP };

struct io_in {
	int fd;
	char *name;
	int mode;
	int eof;	/* raw input exhausted */
	int failed;
	struct buf errmsg;
	unsigned long lineno;
	unsigned long long offset;
	struct gunzip *gz;
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

/* Decode into to[0..cap): the count (0 at the end), -1 on error. */
static ssize_t
decode(struct io_in *in, char *to, size_t cap)
{
	size_t got;
	ssize_t n;

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
			in->gz = gunzip_new();
			gunzip_input(in->gz, in->raw, have);
		} else {
			/* the plain bytes read so far: the first piece */
			in->mode = MODE_PLAIN;
			memcpy(in->dec, in->raw, have);
			in->pos = 0;
			in->len = have;
			return -2;
		}
	}
	if (in->mode == MODE_PLAIN) {
		if (in->eof)
			return 0;
		if (fill_raw(in, (unsigned char *)to, cap, &got) < 0)
			return -1;
		return (ssize_t)got;
	}
	for (;;) {
		if (gunzip_avail_in(in->gz) == 0 && !in->eof) {
			if (fill_raw(in, in->raw, RAWSZ, &got) < 0)
				return -1;
			gunzip_input(in->gz, in->raw, got);
		}
		if ((n = gunzip_run(in->gz, to, cap)) < 0) {
			set_err(in, gunzip_error(in->gz), 0);
			return -1;
		}
		if (n > 0)
			return n;
		if (gunzip_avail_in(in->gz) == 0 && in->eof) {
			if (gunzip_in_member(in->gz)) {
				set_err(in, "unexpected end of gzip data (truncated file?)", 0);
				return -1;
			}
			return 0;
		}
	}
}

/* Refill in->dec with decoded bytes; 0 ok (len may be 0 at end), -1 error. */
static int
refill(struct io_in *in)
{
	ssize_t n;

	in->pos = in->len = 0;
	if ((n = decode(in, in->dec, DECSZ)) == -2)
		return 0;	/* the first plain bytes are in dec */
	if (n < 0)
		return -1;
	in->len = (size_t)n;
	return 0;
}

ssize_t
io_read(struct io_in *in, void *p, size_t n)
{
	size_t k;
	ssize_t r;

	if (in->pos == in->len && n >= DECSZ && in->mode != MODE_UNKNOWN) {
		/* a large read: decoded straight into the caller's buffer */
		if ((r = decode(in, p, n)) > 0)
			in->offset += (unsigned long long)r;
		return r;
	}
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
	gunzip_free(in->gz);
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
	struct gunzip *gz;
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
	gunzip_free(d->gz);
	d->gz = NULL;
	d->mode = MODE_UNKNOWN;
	d->nmagic = 0;
	d->err = NULL;
}

static int
dec_gz(struct io_dec *d, const unsigned char *p, size_t n, io_sink sink, void *arg)
{
	ssize_t k;

	gunzip_input(d->gz, p, n);
	while ((k = gunzip_run(d->gz, d->out, DECSZ)) != 0) {
		if (k < 0) {
			d->err = gunzip_error(d->gz);
			return -1;
		}
		if (sink(arg, (const char *)d->out, (size_t)k))
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
			d->gz = gunzip_new();
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
	if (d->mode == MODE_GZIP && gunzip_in_member(d->gz)) {
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
	gunzip_free(d->gz);
	free(d->out);
	free(d);
}
