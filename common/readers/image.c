/* image: image signatures; see image.h. */
#include "image.h"

#include <string.h>
#include <strings.h>

int
image_classify(const unsigned char *p, size_t n)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	static const unsigned char jp2[] = { 0, 0, 0, 12, 'j', 'P', ' ', ' ', '\r', '\n', 0x87, '\n' };

	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return IMAGE_JPEG;
	if (n >= sizeof png && memcmp(p, png, sizeof png) == 0)
		return IMAGE_PNG;
	if (n >= sizeof jp2 && memcmp(p, jp2, sizeof jp2) == 0)
		return IMAGE_JP2;
	return IMAGE_NONE;
}

const char *
image_ext(int kind)
{
	static const char *const ext[] = { "", ".jpg", ".png", ".jp2" };

	return kind >= IMAGE_JPEG && kind <= IMAGE_JP2 ? ext[kind] : ext[IMAGE_NONE];
}

int
image_type(const char *ct)
{
	if (strncasecmp(ct, "image/svg", 9) == 0)
		return IMAGE_TYPE_SVG;
	if (strncasecmp(ct, "image/", 6) == 0)
		return IMAGE_TYPE_IMAGE;
	return IMAGE_TYPE_OTHER;
}

void
image_end_add(struct image_end *e, const void *p, size_t n)
{
	const unsigned char *s = p;

	if (n == 0)
		return;
	e->bytes += n;
	if (n >= sizeof e->tail) {
		memcpy(e->tail, s + n - sizeof e->tail, sizeof e->tail);
	} else {
		memmove(e->tail, e->tail + n, sizeof e->tail - n);
		memcpy(e->tail + sizeof e->tail - n, s, n);
	}
}

int
image_complete(int kind, const struct image_end *e)
{
	static const unsigned char iend[] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
	size_t n = sizeof e->tail;

	if (kind == IMAGE_JPEG) {
		/* FF D9, perhaps followed by padding */
		while (n > 2 && (e->tail[n - 1] == 0 || e->tail[n - 1] == '\n' ||
		    e->tail[n - 1] == '\r' || e->tail[n - 1] == ' '))
			n--;
		return e->bytes >= 4 && e->tail[n - 2] == 0xff && e->tail[n - 1] == 0xd9;
	}
	if (kind == IMAGE_PNG)
		return e->bytes >= 20 && memcmp(e->tail + n - sizeof iend, iend, sizeof iend) == 0;
	return 1;
}
