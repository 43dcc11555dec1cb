/* imgfile: image bodies to temporary files; see imgfile.h. */
#include "imgfile.h"

#include <string.h>

void
imgfile_init(struct imgfile *f)
{
	memset(f, 0, sizeof *f);
	store_temp_init(&f->tf);
	sha256_init(&f->sha);
}

/* Remember the last bytes written (for the end marker) and hash them. */
static void
account(struct imgfile *f, const void *p, size_t n)
{
	if (n == 0)
		return;
	sha256_update(&f->sha, p, n);
	image_end_add(&f->end, p, n);
}

/* Write a then b (either may be empty). */
static int
put2(struct imgfile *f, const void *a, size_t na, const void *b, size_t nb)
{
	if (store_temp_write(&f->tf, a, na, b, nb) < 0)
		return IMGFILE_WRITE;
	account(f, a, na);
	account(f, b, nb);
	return IMGFILE_OK;
}

int
imgfile_add(struct imgfile *f, const void *p, size_t n, imgfile_open_fn open, void *arg)
{
	const unsigned char *s = p;
	size_t k;

	if (f->tf.fd >= 0)
		return put2(f, NULL, 0, s, n);
	k = sizeof f->head - f->nhead < n ? sizeof f->head - f->nhead : n;
	memcpy(f->head + f->nhead, s, k);
	f->nhead += k;
	s += k;
	n -= k;
	if (f->nhead < sizeof f->head)
		return IMGFILE_OK;
	f->kind = image_classify(f->head, f->nhead);
	if (open(arg, f) < 0)
		return IMGFILE_STOP;
	return put2(f, f->head, f->nhead, s, n);
}

int
imgfile_end(struct imgfile *f, imgfile_open_fn open, void *arg)
{
	if (f->tf.fd >= 0)
		return IMGFILE_OK;
	f->kind = image_classify(f->head, f->nhead);
	if (open(arg, f) < 0)
		return IMGFILE_STOP;
	return put2(f, f->head, f->nhead, NULL, 0);
}

void
imgfile_restart(struct imgfile *f)
{
	store_temp_drop(&f->tf);
	f->nhead = 0;
	memset(&f->end, 0, sizeof f->end);
	sha256_init(&f->sha);
}

int
imgfile_complete(const struct imgfile *f)
{
	return image_complete(f->kind, &f->end);
}

void
imgfile_digest(struct imgfile *f, char hex[2 * SHA256_LEN + 1])
{
	unsigned char d[SHA256_LEN];

	sha256_final(&f->sha, d);
	sha256_hex(d, hex);
}
