/* test-image: image signatures and end markers, on the image fixtures
 * (tests/fixtures/images/) whole, cut short and padded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "files.h"

#include "image.h"

static unsigned char *
slurp(const char *path, size_t *n)
{
	return (unsigned char *)files_read(path, n);
}

/* Feed p[0..n) in pieces of step bytes, as a transfer delivers it. */
static void
feed(struct image_end *e, const unsigned char *p, size_t n, size_t step)
{
	size_t k;

	memset(e, 0, sizeof *e);
	for (k = 0; k < n; k += step)
		image_end_add(e, p + k, n - k < step ? n - k : step);
}

static int
complete_in_pieces(int kind, const unsigned char *p, size_t n, size_t step)
{
	struct image_end e;

	feed(&e, p, n, step);
	return image_complete(kind, &e) && e.bytes == n;
}

static void
test_jpeg(void)
{
	size_t n, steps[] = { 1, 2, 3, 7, 16, 17, 4096 }, i;
	unsigned char *p = slurp("tests/fixtures/images/page.jpg", &n), *q;

	if (!ok(p && n == 809, "page.jpg read (%zu bytes)", n))
		return;
	is_int(image_classify(p, n), IMAGE_JPEG, "page.jpg is a JPEG");
	is_int(image_classify(p, IMAGE_MAGIC), IMAGE_JPEG, "its first IMAGE_MAGIC bytes tell");
	is_int(image_classify(p, 3), IMAGE_JPEG, "SOI and the next marker's FF are enough");
	is_int(image_classify(p, 2), IMAGE_NONE, "SOI alone is not");
	is_str(image_ext(IMAGE_JPEG), ".jpg", "a JPEG is saved as .jpg");
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
		ok(complete_in_pieces(IMAGE_JPEG, p, n, steps[i]), "whole, in pieces of %zu: complete",
		    steps[i]);
	ok(!complete_in_pieces(IMAGE_JPEG, p, n - 1, 16), "without its last byte: cut short");
	ok(!complete_in_pieces(IMAGE_JPEG, p, n - 2, 16), "without EOI: cut short");
	ok(!complete_in_pieces(IMAGE_JPEG, p, n / 2, 5), "half of it: cut short");
	ok(!complete_in_pieces(IMAGE_JPEG, p, 3, 1), "SOI and FF only: cut short");
	/* servers pad after EOI: NULs, newlines, spaces */
	q = malloc(n + 6);
	memcpy(q, p, n);
	memcpy(q + n, "\r\n \0\0\n", 6);
	ok(complete_in_pieces(IMAGE_JPEG, q, n + 6, 4), "EOI and padding: complete");
	memcpy(q + n, "\r\nX\0\0\n", 6);
	ok(!complete_in_pieces(IMAGE_JPEG, q, n + 6, 4), "EOI and then a byte of data: cut short");
	free(q);
	ok(!complete_in_pieces(IMAGE_JPEG, (const unsigned char *)"\xff\xd9", 2, 1),
	    "a bare EOI is no JPEG");
	free(p);
}

static void
test_png(void)
{
	size_t n;
	unsigned char *p = slurp("tests/fixtures/images/pixel.png", &n);

	if (!ok(p && n == 69, "pixel.png read (%zu bytes)", n))
		return;
	is_int(image_classify(p, n), IMAGE_PNG, "pixel.png is a PNG");
	is_int(image_classify(p, 7), IMAGE_NONE, "7 bytes of its signature are not enough");
	is_str(image_ext(IMAGE_PNG), ".png", "a PNG is saved as .png");
	ok(complete_in_pieces(IMAGE_PNG, p, n, 1), "whole, a byte at a time: complete");
	ok(complete_in_pieces(IMAGE_PNG, p, n, 100), "whole, at once: complete");
	ok(!complete_in_pieces(IMAGE_PNG, p, n - 4, 10), "without IEND's CRC: cut short");
	ok(!complete_in_pieces(IMAGE_PNG, p, n - 12, 10), "without IEND: cut short");
	ok(!complete_in_pieces(IMAGE_JPEG, p, n, 10), "a PNG is no complete JPEG");
	free(p);
}

static void
test_others(void)
{
	static const unsigned char jp2[] = { 0, 0, 0, 12, 'j', 'P', ' ', ' ', '\r', '\n', 0x87, '\n',
		0, 0, 0, 20, 'f', 't', 'y', 'p' };
	static const char *const not_images[] = {
		"<!DOCTYPE html><html><head><title>Just a moment...</title>",
		"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
		"{\"error\":\"not found\"}",
		"GIF89a\x01\x00\x01\x00",
		"",
	};
	struct image_end e;
	size_t i;

	is_int(image_classify(jp2, sizeof jp2), IMAGE_JP2, "the JP2 signature box");
	is_int(image_classify(jp2, 11), IMAGE_NONE, "11 bytes of it are not enough");
	is_str(image_ext(IMAGE_JP2), ".jp2", "a JP2 is saved as .jp2");
	feed(&e, jp2, sizeof jp2, 3);
	ok(image_complete(IMAGE_JP2, &e), "a JP2 has no end marker to check");
	for (i = 0; i < sizeof not_images / sizeof not_images[0]; i++)
		is_int(image_classify((const unsigned char *)not_images[i], strlen(not_images[i])),
		    IMAGE_NONE, "not kept: '%.20s'", not_images[i]);
	is_str(image_ext(IMAGE_NONE), "", "no extension for what is not an image");
	is_int(image_type("image/jpeg"), IMAGE_TYPE_IMAGE, "image/jpeg");
	is_int(image_type("IMAGE/PNG"), IMAGE_TYPE_IMAGE, "IMAGE/PNG (case does not matter)");
	is_int(image_type("image/svg+xml"), IMAGE_TYPE_SVG, "image/svg+xml");
	is_int(image_type("text/html; charset=utf-8"), IMAGE_TYPE_OTHER, "text/html");
	is_int(image_type(""), IMAGE_TYPE_OTHER, "no Content-Type");
}

int
main(void)
{
	test_jpeg();
	test_png();
	test_others();
	return tap_done();
}
