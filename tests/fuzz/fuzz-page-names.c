/* fuzz-page-names: page-fetch's names on disk for rows it reads (library,
 * id, page and the IIIF region of the URL), whatever the bytes:
 *   - the library and id folders and the page file are each one path
 *     component: printable ASCII, no '/', never "", "." or "..", unless the
 *     row is refused;
 *   - the mapping is reversible, so two different rows never share a file;
 *   - the path is DIR/library/id/page.jpg and nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "iiif.h"
#include "pages.h"
#include "xmem.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

/* One path component that cannot leave its folder. */
static int
component(const char *s)
{
	const char *p;

	if (pages_bad_name(s))
		return 0;
	for (p = s; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			return 0;
	return 1;
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Undo pages_name_map; abort on anything it cannot have written. */
static void
unmap(struct buf *b, const char *s)
{
	int hi, lo;

	for (; *s; s++) {
		if (*s == '^') {
			if ((hi = hexval(s[1])) < 0 || (lo = hexval(s[2])) < 0)
				abort();
			buf_addc(b, (char)(hi * 16 + lo));
			s += 2;
		} else {
			buf_addc(b, *s == '=' ? '/' : *s == '+' ? ':' : *s);
		}
	}
}

static void
same(const char *mapped_name, const char *want, size_t wantlen)
{
	struct buf b = BUF_INIT;

	unmap(&b, mapped_name);
	if (b.len != wantlen || (wantlen && memcmp(b.s, want, wantlen) != 0))
		abort();
	buf_free(&b);
}

static void
check_row(const char *line, size_t len)
{
	struct buf want = BUF_INIT, path = BUF_INIT;
	struct pages_names nm;
	struct pages_row row;
	const char *what;
	char *library, *id, *page, *url, *region, *name, *p;
	size_t n;

	if (pages_row_read(&row, line, len, &n) != PAGES_ROW)
		return;	/* not named: refused, or the header */
	library = row.library;
	id = row.id;
	page = row.page;
	url = row.url;
	what = pages_names(&nm, library, id, page, url);
	/* a field with a NUL (an escaped one cannot occur) ends there */
	same(nm.lib, library, strlen(library));
	same(nm.folder, id, strlen(id));
	buf_adds(&want, page);
	if ((region = iiif_region(url)) != NULL) {
		buf_addc(&want, '_');
		buf_adds(&want, region);
		free(region);
	}
	same(nm.base, want.s ? want.s : "", want.len);
	if (!what) {
		name = xmalloc(strlen(nm.base) + 5);
		sprintf(name, "%s.jpg", nm.base);
		if (!component(nm.lib) || !component(nm.folder) || !component(name))
			abort();
		p = pages_path("items", nm.lib, nm.folder, name);
		buf_printf(&path, "%s/%s/%s/%s", "items", nm.lib, nm.folder, name);
		if (strcmp(p, buf_str(&path)) != 0)
			abort();
		free(p);
		free(name);
	} else if (strcmp(what, "page") == 0 ? *page : !pages_bad_name(strcmp(what, "id") == 0 ?
	    id : library)) {
		abort();	/* refused for no reason */
	}
	buf_free(&want);
	buf_free(&path);
	pages_names_free(&nm);
	pages_row_free(&row);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	const char *p = (const char *)data, *end = p + n, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		check_row(p, (size_t)((nl ? nl : end) - p));
		p = nl ? nl + 1 : end;
	}
	return 0;
}
