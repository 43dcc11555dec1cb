/* imgfile: an image body written to a temporary file of the store as it
 * arrives.  Its first IMAGE_MAGIC bytes say its kind (and so the file's
 * name): the caller's open function then opens the temporary file, or
 * refuses the body.  Every byte is hashed (SHA-256) and the end is kept,
 * so that a body cut short is found before it is committed
 * (store_temp_commit). */
#ifndef PLATES_IMGFILE_H
#define PLATES_IMGFILE_H

#include <stddef.h>

#include "image.h"
#include "sha256.h"
#include "store.h"

struct imgfile {
	struct store_temp tf;		/* open once the kind is known */
	unsigned char head[IMAGE_MAGIC];
	size_t nhead;
	int kind;			/* enum image_kind */
	struct image_end end;		/* end.bytes: the bytes written */
	struct sha256 sha;
};

/* The kind is known (f->kind, perhaps IMAGE_NONE): open f->tf with
 * store_temp_open, or refuse the body.  0, or -1 to stop. */
typedef int (*imgfile_open_fn)(void *arg, struct imgfile *f);

enum {
	IMGFILE_OK = 0,
	IMGFILE_STOP = -1,	/* the open function refused */
	IMGFILE_WRITE = -2	/* a write failed: errno */
};

void imgfile_init(struct imgfile *f);
/* Body bytes p[0..n): IMGFILE_OK, IMGFILE_STOP or IMGFILE_WRITE. */
int imgfile_add(struct imgfile *f, const void *p, size_t n, imgfile_open_fn open, void *arg);
/* The body is over: one shorter than IMAGE_MAGIC is told and written now.
 * IMGFILE_OK, IMGFILE_STOP or IMGFILE_WRITE. */
int imgfile_end(struct imgfile *f, imgfile_open_fn open, void *arg);
/* The body starts again: the temporary file is removed (its folder stays
 * open), and the first bytes are looked at again. */
void imgfile_restart(struct imgfile *f);
/* Does the body end as its kind requires (not cut short)? */
int imgfile_complete(const struct imgfile *f);
/* The SHA-256 of the body, in hex (once, at the end). */
void imgfile_digest(struct imgfile *f, char hex[2 * SHA256_LEN + 1]);

#endif
