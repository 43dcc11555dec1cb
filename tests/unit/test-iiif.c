/* test-iiif: the region of IIIF Image API URLs, on the URLs the tools
 * write for the fixtures (abbyy-pictures --crop over the ABBYY fixtures,
 * ht-pfeat's URL template over the METS fixture, page-fetch's crop rows)
 * and on edge cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "iiif.h"
#include "io.h"
#include "tsv.h"

static void
region_is(const char *url, const char *want)
{
	char *got = iiif_region(url);

	is_str(got, want, "%s -> %s", url, want ? want : "(full)");
	free(got);
}

/* The URLs of a file of lines: each line's field (0-based, -1: the whole
 * line), with @BASE@ read as a server's base URL. */
static size_t
urls(const char *path, int col, char **out, size_t max)
{
	struct io_in *in = io_open(path);
	struct buf line = BUF_INIT, u = BUF_INIT;
	struct tsv_field f[8];
	size_t n = 0, k;

	if (!in)
		return 0;
	while (n < max && io_getline(in, &line) > 0) {
		const char *s = buf_str(&line);
		size_t len = line.len;
		if (col >= 0) {
			if (tsv_split(s, len, f, 8) <= (size_t)col)
				continue;
			s = f[col].s;
			len = f[col].len;
		}
		buf_reset(&u);
		if (len >= 6 && memcmp(s, "@BASE@", 6) == 0) {
			buf_adds(&u, "http://127.0.0.1:8080");
			s += 6;
			len -= 6;
		}
		buf_add(&u, s, len);
		out[n] = malloc(u.len + 1);
		memcpy(out[n], buf_str(&u), u.len + 1);
		n++;
	}
	io_close(in);
	buf_free(&line);
	buf_free(&u);
	for (k = n; k < max; k++)
		out[k] = NULL;
	return n;
}

static void
from_file(const char *path, int col, const char *const *want, size_t nwant)
{
	char *u[32];
	size_t n = urls(path, col, u, 32), i;

	is_int(n, nwant, "%s: %zu URLs", path, nwant);
	for (i = 0; i < n && i < nwant; i++) {
		region_is(u[i], want[i]);
		free(u[i]);
	}
	for (; i < n; i++)
		free(u[i]);
}

static void
test_fixtures(void)
{
	/* the picture blocks of ucd_lehmann_2725_fr10_page.expected.json as
	 * x,y,w,h (l, t, r - l, b - t), then the union of the kept blocks of
	 * each page */
	static const char *const crop[] = {
		"771,2274,481,141", "718,1964,591,733", "189,689,3727,4784",
		"189,689,3727,4784", "13,0,4034,1873", "56,0,3991,867",
	};
	/* page-fetch's crop rows: full, boxes, an escaped box, a percentage,
	 * square, max */
	static const char *const rows[] = {
		NULL, "10,20,300,400", "10,20,30,40", "pct:10,10,50,50", "square", NULL,
	};
	/* the whole page, with a #fragment */
	static const char *const ht[] = { NULL, NULL };

	from_file("tests/cases/abbyy-pictures/017-crop/expout", -1, crop, 6);
	from_file("tests/cases/page-fetch/015-cropped-names/rows", 3, rows, 6);
	from_file("tests/cases/ht-pfeat/028-url-template/expout", 3, ht, 2);
}

static void
test_edges(void)
{
	region_is("https://iiif.archive.org/iiif/book$5/10,20,30,40/full/0/default.jpg?x=1#y",
	    "10,20,30,40");
	region_is("https://h/iiif/2/id/1,2,3,4/,100/!90/bitonal.png", "1,2,3,4");
	region_is("https://h/iiif/2/id/1,2,3,4/max/22.5/gray.webp", "1,2,3,4");
	region_is("https://h/iiif/2/id/%66ull/max/0/default.jpg", NULL);
	region_is("https://h/iiif/2/id/max/max/0/default.jpg", NULL);
	region_is("https://h/iiif/2/id/Full/max/0/default.jpg", "Full");
	region_is("https://h/a/b/1,2,3,4/full/0/default.jpg", "1,2,3,4");
	region_is("https://h/id//full/0/default.jpg", NULL);
	/* not an Image API request: NULL */
	region_is("https://h/iiif/id/1,2,3,4/full/0/Default.jpg", NULL);
	region_is("https://h/iiif/id/1,2,3,4/full/0/default", NULL);
	region_is("https://h/iiif/id/1,2,3,4/full/0/.jpg", NULL);
	region_is("https://h/iiif/id/1,2,3,4/full/x/default.jpg", NULL);
	region_is("https://h/iiif/id/1,2,3,4/full/!/default.jpg", NULL);
	region_is("https://h/iiif/id/1,2,3,4/full/90deg/default.jpg", NULL);
	region_is("https://h/1,2,3,4/full/0/default.jpg", NULL);
	region_is("https://h/1,2,3,4/full/0/default.jpg/", NULL);
	region_is("/iiif/id/1,2,3,4/full/0/default.jpg", NULL);
	region_is("https://host-only", NULL);
	region_is("", NULL);
	region_is("https://h/iiif/id/1,2,3,4/full/0/default.jpg?q=/a/b/c/d/e", "1,2,3,4");
}

int
main(void)
{
	test_fixtures();
	test_edges();
	return tap_done();
}
