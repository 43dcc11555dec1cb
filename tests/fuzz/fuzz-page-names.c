/* fuzz-page-names: page-fetch's names on disk for rows it reads (library,
 * id, page and the IIIF region of the URL), whatever the bytes:
 *   - the library and id folders and the page file are each one path
 *     component: printable ASCII, no '/', never "", "." or "..", unless the
 *     row is refused;
 *   - the mapping is reversible, so two different rows never share a file;
 *   - the path is DIR/library/id/page.jpg and nothing else. */
#include "tool.h"

#define main page_fetch_main
#include "../../cmd/page-fetch.c"
#undef main

/* One path component that cannot leave its folder. */
static int
component(const char *s)
{
	const char *p;

	if (bad_name(s))
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

/* Undo name_map; abort on anything it cannot have written. */
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
	struct tsv_field f[4];
	struct buf want = BUF_INIT, path = BUF_INIT;
	struct row *r;
	const char *what;
	char *region;

	if (tsv_split(line, len, f, 4) < 4)
		return;
	r = xcalloc(1, sizeof *r);
	r->library = field(&f[0]);
	r->id = field(&f[1]);
	r->page = field(&f[2]);
	r->url = field(&f[3]);
	what = row_names(r);
	/* a field with a NUL (an escaped one cannot occur) ends there */
	same(r->lib, r->library, strlen(r->library));
	same(r->folder, r->id, strlen(r->id));
	buf_adds(&want, r->page);
	if ((region = iiif_region(r->url)) != NULL) {
		buf_addc(&want, '_');
		buf_adds(&want, region);
		free(region);
	}
	same(r->base, want.s ? want.s : "", want.len);
	if (!what) {
		r->name = xmalloc(strlen(r->base) + 5);
		sprintf(r->name, "%s.jpg", r->base);
		if (!component(r->lib) || !component(r->folder) || !component(r->name))
			abort();
		set_path(r, r->name);
		buf_printf(&path, "%s/%s/%s/%s", opt.dir, r->lib, r->folder, r->name);
		if (strcmp(r->path, buf_str(&path)) != 0)
			abort();
	} else if (strcmp(what, "page") == 0 ? *r->page : !bad_name(strcmp(what, "id") == 0 ?
	    r->id : r->library)) {
		abort();	/* refused for no reason */
	}
	buf_free(&want);
	buf_free(&path);
	row_free(r);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	const char *p = (const char *)data, *end = p + n, *nl;

	opt.dir = "items";
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		check_row(p, (size_t)((nl ? nl : end) - p));
		p = nl ? nl + 1 : end;
	}
	return 0;
}
