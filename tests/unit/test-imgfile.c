/* test-imgfile: image bodies written to temporary files as they arrive,
 * on the image fixtures (tests/fixtures/images/): the kind told from the
 * first bytes, the file named after it, complete and hashed, or refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "files.h"

#include "buf.h"
#include "imgfile.h"
#include "store.h"

static char top[200];
static struct store st;

struct opened {
	int calls, kind, refuse;
	char name[32];
};

static int
open_fn(void *arg, struct imgfile *f)
{
	struct opened *o = arg;
	const char *what;

	o->calls++;
	o->kind = f->kind;
	if (o->refuse || f->kind == IMAGE_NONE)
		return -1;
	snprintf(o->name, sizeof o->name, "p%s", image_ext(f->kind));
	return store_temp_open(&st, &f->tf, "lib", "vol", o->name, &what);
}

/* Write body p[0..n) in pieces of step bytes; the imgfile_end result. */
static int
body(struct imgfile *f, struct opened *o, const char *p, size_t n, size_t step)
{
	size_t k;
	int rc;

	memset(o, 0, sizeof *o);
	imgfile_init(f);
	for (k = 0; k < n; k += step)
		if ((rc = imgfile_add(f, p + k, n - k < step ? n - k : step, open_fn, o)) != IMGFILE_OK)
			return rc;
	return imgfile_end(f, open_fn, o);
}

static void
whole(const char *fixture, int kind, const char *name, const char *sha, size_t step)
{
	struct imgfile f;
	struct opened o;
	const char *what;
	char hex[2 * SHA256_LEN + 1], path[300], *p, *back;
	size_t n, m;

	p = files_read(fixture, &n);
	if (!ok(p != NULL, "%s read", fixture))
		return;
	is_int(body(&f, &o, p, n, step), IMGFILE_OK, "%s in pieces of %zu", fixture, step);
	is_int(o.calls, 1, "opened once");
	is_int(o.kind, kind, "as its kind");
	ok(imgfile_complete(&f), "complete");
	is_int(f.end.bytes, n, "%zu bytes written", n);
	imgfile_digest(&f, hex);
	is_str(hex, sha, "its SHA-256");
	ok(store_temp_commit(&f.tf, o.name, 1, &what) == 0, "committed");
	store_temp_end(&f.tf);
	snprintf(path, sizeof path, "%s/lib/vol/%s", top, name);
	back = files_read(path, &m);
	ok(back && m == n && memcmp(back, p, n) == 0, "%s is the body", name);
	free(back);
	free(p);
}

static void
refused(void)
{
	struct imgfile f;
	struct opened o;
	size_t n;
	char *p = files_read("tests/fixtures/images/page.jpg", &n);
	static const char html[] = "<!DOCTYPE html><html><body>Just a moment...</body></html>";

	is_int(body(&f, &o, html, sizeof html - 1, 5), IMGFILE_STOP, "an HTML page is refused");
	ok(o.calls == 1 && o.kind == IMAGE_NONE && f.tf.fd < 0,
	    "after its first bytes, with no file");
	is_int(body(&f, &o, "\xff\xd8", 2, 1), IMGFILE_STOP, "two bytes, at the end");
	is_int(o.kind, IMAGE_NONE, "are no image");
	is_int(body(&f, &o, "", 0, 1), IMGFILE_STOP, "an empty body is refused");
	if (!p)
		return;
	is_int(body(&f, &o, p, n - 2, 100), IMGFILE_OK, "a JPEG without its EOI is written");
	ok(!imgfile_complete(&f), "but is not complete");
	imgfile_restart(&f);
	ok(f.tf.fd < 0 && f.nhead == 0 && f.end.bytes == 0, "restarted: nothing written");
	is_int(imgfile_add(&f, p, n, open_fn, &o), IMGFILE_OK, "written again, at once");
	is_int(o.calls, 2, "opened again");
	ok(imgfile_complete(&f), "complete this time");
	store_temp_end(&f.tf);
	memset(&o, 0, sizeof o);
	o.refuse = 1;
	imgfile_init(&f);
	is_int(imgfile_add(&f, p, n, open_fn, &o), IMGFILE_STOP, "an image the caller refuses");
	free(p);
}

int
main(void)
{
	if (files_tmpdir(top, sizeof top, "test-imgfile") < 0 || store_open(&st, top, 0) < 0)
		return 2;
	whole("tests/fixtures/images/page.jpg", IMAGE_JPEG, "p.jpg",
	    "48955e668aeb35a90bd410ddae28b66c63641e217c0d4a58cb1568019f585175", 7);
	whole("tests/fixtures/images/page.jpg", IMAGE_JPEG, "p.jpg",
	    "48955e668aeb35a90bd410ddae28b66c63641e217c0d4a58cb1568019f585175", 1);
	whole("tests/fixtures/images/pixel.png", IMAGE_PNG, "p.png",
	    "b1ff9c8ea3a780bad09b346c423d2d0e46815926879b18e841d928376a946640", 4096);
	refused();
	store_remove_temps();
	store_close(&st);
	if (files_rmdir(top) < 0)
		return 2;
	return tap_done();
}
