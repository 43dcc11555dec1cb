/* image: what an image body is, from its first and last bytes.  The
 * formats page-fetch keeps (JPEG, PNG, JP2) are told by their signatures;
 * a JPEG is complete when it ends with EOI (FF D9, perhaps followed by
 * padding), a PNG when it ends with its IEND chunk. */
#ifndef PLATES_IMAGE_H
#define PLATES_IMAGE_H

#include <stddef.h>

enum image_kind { IMAGE_NONE, IMAGE_JPEG, IMAGE_PNG, IMAGE_JP2 };

/* Bytes image_classify needs to tell every kind apart. */
#define IMAGE_MAGIC 12

/* The kind of the body that starts with p[0..n). */
int image_classify(const unsigned char *p, size_t n);
/* The file name extension of a kind: "" (IMAGE_NONE), ".jpg", ".png", ".jp2". */
const char *image_ext(int kind);

/* What a Content-Type announces: an image page-fetch can keep, an SVG
 * (which HathiTrust sends in place of a restricted page), or something
 * else (an HTML page, JSON, ...). */
enum image_type { IMAGE_TYPE_OTHER, IMAGE_TYPE_IMAGE, IMAGE_TYPE_SVG };

int image_type(const char *content_type);

/* The end of a body, fed as it arrives: the last bytes and the count. */
struct image_end {
	unsigned char tail[16];
	unsigned long long bytes;
};

void image_end_add(struct image_end *e, const void *p, size_t n);
/* Does a body of this kind end as its format requires (not cut short)?
 * Kinds without an end marker are always complete. */
int image_complete(int kind, const struct image_end *e);

#endif
