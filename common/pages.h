/* pages: where a page row (library, id, page, url) lives on disk:
 * DIR/<library>/<id>/<page>[_<region>].<ext>, each part one safe path
 * component.  The mapping is reversible, so two rows never share a file. */
#ifndef PLATES_PAGES_H
#define PLATES_PAGES_H

#include <stddef.h>

#include "buf.h"

/* A page row: library, id, page, url, then any other columns. */
struct pages_row {
	char *library, *id, *page, *url;	/* decoded (TSV escapes) */
};

enum { PAGES_ROW, PAGES_HEADER, PAGES_SHORT };

/* Read line[0..len): PAGES_ROW (r filled, to be freed), PAGES_HEADER (the
 * header "library id page url ...") or PAGES_SHORT (fewer than 4 fields);
 * *nfields is the number of fields. */
int pages_row_read(struct pages_row *r, const char *line, size_t len, size_t *nfields);
void pages_row_free(struct pages_row *r);

/* Append s[0..len) to b as one safe file name: pairtree's escapes (^xx for
 * '"' '*' '+' ',' '<' '=' '>' '?' '\' '^' '|' and bytes outside
 * 0x21-0x7e), then '/' to '=' and ':' to '+'; '.' is kept.  keep_comma
 * keeps ',' as it is (page names, so that a crop box reads 1_10,20,30,40). */
void pages_name_map(struct buf *b, const char *s, size_t len, int keep_comma);
/* The same, as a new string. */
char *pages_mapped(const char *s, int keep_comma);
/* Can s not name a folder ("", "." or "..")? */
int pages_bad_name(const char *s);

/* A row's names on disk: the library and id folders, and the page file's
 * name without its extension (the page, then '_' and the IIIF region of
 * the URL when it is not the full image). */
struct pages_names {
	char *lib, *folder, *base;
};

/* Fill n; NULL, or the field that cannot name a folder or file ("library",
 * "id" or "page").  The names are made either way. */
const char *pages_names(struct pages_names *n, const char *library, const char *id,
    const char *page, const char *url);
void pages_names_free(struct pages_names *n);
/* dir/lib/folder/name, with dir's trailing slashes dropped. */
char *pages_path(const char *dir, const char *lib, const char *folder, const char *name);

#endif
