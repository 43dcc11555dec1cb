/* pages: page rows' names on disk; see pages.h. */
#include "pages.h"

#include <stdlib.h>
#include <string.h>

#include "htid.h"
#include "iiif.h"
#include "tsv.h"
#include "xmem.h"

static char *
field(const struct tsv_field *f)
{
	char *s = xstrndup(f->s, f->len);

	tsv_unescape(s, f->len);
	return s;
}

static int
named(const struct tsv_field *f, const char *name)
{
	return f->len == strlen(name) && memcmp(f->s, name, f->len) == 0;
}

int
pages_row_read(struct pages_row *r, const char *line, size_t len, size_t *nfields)
{
	struct tsv_field f[4];

	memset(r, 0, sizeof *r);
	if ((*nfields = tsv_split(line, len, f, 4)) < 4)
		return PAGES_SHORT;
	if (named(&f[0], "library") && named(&f[1], "id") && named(&f[2], "page") &&
	    named(&f[3], "url"))
		return PAGES_HEADER;
	r->library = field(&f[0]);
	r->id = field(&f[1]);
	r->page = field(&f[2]);
	r->url = field(&f[3]);
	return PAGES_ROW;
}

void
pages_row_free(struct pages_row *r)
{
	free(r->library);
	free(r->id);
	free(r->page);
	free(r->url);
	memset(r, 0, sizeof *r);
}

/* Is c kept as it is in a name ('.', and ',' in page names)? */
static int
kept(char c, int keep_comma)
{
	return c == '.' || (c == ',' && keep_comma);
}

void
pages_name_map(struct buf *b, const char *s, size_t len, int keep_comma)
{
	size_t i, start = 0;

	/* pairtree's cleaning between the characters kept */
	for (i = 0; i <= len; i++) {
		if (i == len || kept(s[i], keep_comma)) {
			htid_clean(b, s + start, i - start);
			if (i < len)
				buf_addc(b, s[i]);
			start = i + 1;
		}
	}
}

char *
pages_mapped(const char *s, int keep_comma)
{
	struct buf b = BUF_INIT;

	pages_name_map(&b, s, strlen(s), keep_comma);
	buf_addc(&b, '\0');
	return b.s;
}

int
pages_bad_name(const char *s)
{
	return !*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0;
}

const char *
pages_names(struct pages_names *n, const char *library, const char *id, const char *page,
    const char *url)
{
	struct buf b = BUF_INIT;
	char *region;

	n->lib = pages_mapped(library, 0);
	n->folder = pages_mapped(id, 0);
	pages_name_map(&b, page, strlen(page), 1);
	if ((region = iiif_region(url)) != NULL) {
		buf_addc(&b, '_');
		pages_name_map(&b, region, strlen(region), 1);
		free(region);
	}
	buf_addc(&b, '\0');
	n->base = b.s;
	return pages_bad_name(library) ? "library" : pages_bad_name(id) ? "id" : !*page ? "page" :
	    NULL;
}

void
pages_names_free(struct pages_names *n)
{
	free(n->lib);
	free(n->folder);
	free(n->base);
	n->lib = n->folder = n->base = NULL;
}

char *
pages_path(const char *dir, const char *lib, const char *folder, const char *name)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	buf_add(&b, dir, n);
	if (n != 1 || dir[0] != '/')
		buf_addc(&b, '/');
	buf_adds(&b, lib);
	buf_addc(&b, '/');
	buf_adds(&b, folder);
	buf_addc(&b, '/');
	buf_adds(&b, name);
	buf_addc(&b, '\0');
	return b.s;
}
