/* ia_item: which ABBYY file an Internet Archive item has, from its
 * metadata (archive.org/metadata/ID, JSON), read as the bytes arrive.
 *
 * The ABBYY file is the first of the item's files[] whose format is
 * "Abbyy GZ", else the first whose name ends in "_abbyy.gz"; an item
 * without "dir" is unknown. */
#ifndef PLATES_IA_ITEM_H
#define PLATES_IA_ITEM_H

#include <stddef.h>

#include "buf.h"
#include "json.h"

enum {
	IA_ITEM_FILE,		/* the ABBYY file: ia_item_file, ia_item_url */
	IA_ITEM_BAD_JSON,	/* not JSON: ia_item_json_error */
	IA_ITEM_UNKNOWN,	/* no "dir": no such item */
	IA_ITEM_NO_ABBYY,	/* no ABBYY file */
	IA_ITEM_PRIVATE,	/* it is private (a lending item) */
	IA_ITEM_UNSAFE		/* its name would leave the item's folder */
};

struct ia_item_file {
	char *name;
	int priv;
	int abbyy_format;
};

struct ia_item {
	/* first: a struct ia_item (or a struct that starts with one) can be
	 * the arg of json_body_feed and json_body_restart */
	struct json_body body;
	int known;		/* the metadata has "dir" */
	struct ia_item_file cur, by_format, by_name;
};

void ia_item_init(struct ia_item *m);
/* Feed p[0..n) of the body: 0 ok, 1 not JSON (feed no more). */
int ia_item_feed(struct ia_item *m, const char *p, size_t n);
/* Start again (a retried download). */
void ia_item_reset(struct ia_item *m);
/* End of the body: IA_ITEM_* */
int ia_item_end(struct ia_item *m);
/* The chosen file's name (IA_ITEM_FILE, _PRIVATE, _UNSAFE), else NULL. */
const char *ia_item_file(const struct ia_item *m);
/* IA_ITEM_BAD_JSON: what is wrong, and its line. */
const char *ia_item_json_error(const struct ia_item *m, unsigned long *line);
/* Append the download URL of file name of item id: base/download/ID/NAME
 * with each segment percent-encoded, and "?cnt=0". */
void ia_item_url(struct buf *u, const char *base, const char *id, const char *name);
void ia_item_free(struct ia_item *m);

#endif
