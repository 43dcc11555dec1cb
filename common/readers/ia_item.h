/* ia_item: which OCR an Internet Archive item has, from its metadata
 * (archive.org/metadata/ID, JSON), read as the bytes arrive.
 *
 * The item's books, in the order of its files[]:
 *   - every file whose format is "Abbyy GZ" (else whose name ends in
 *     "_abbyy.gz"): an item with several books has several;
 *   - else every "chOCR" file (else name ending "_chocr.html.gz");
 *   - else every "hOCR" file (else name ending "_hocr.html").
 * A book's prefix is its OCR file's name without that suffix
 * ("book1/GPORFP" for "book1/GPORFP_abbyy.gz"; the whole name when it
 * does not end in it); its page numbers are the
 * file PREFIX_page_numbers.json when the item lists it, and its image
 * stack PREFIX_jp2.zip when listed (else the OCR file's "original" when
 * that ends in "_jp2.zip").
 *
 * An item without "dir" is unknown; "is_dark" true (boolean or string)
 * makes it dark; "metadata.access-restricted-item" true (boolean or
 * string), or a chosen OCR file with "private" true, makes it private
 * (a lending item).  The verdict is the first that applies: bad JSON,
 * dark, unknown, access-restricted, no OCR, a private OCR file, an unsafe
 * name, else OK.
 *
 * A dark item's metadata (archive.org/metadata/ID) has a top-level
 * "is_dark": true (a JSON boolean) beside the usual members, and its
 * files cannot be downloaded; it may lack "metadata" (the internetarchive
 * Python library then says it "cannot be located because it is dark or
 * does not exist").  That library skips an item on is_dark alone, before
 * asking whether it exists; so do we. */
#ifndef PLATES_IA_ITEM_H
#define PLATES_IA_ITEM_H

#include <stddef.h>

#include "buf.h"
#include "json.h"

enum {
	IA_ITEM_OK,		/* books to read: m->books, m->nbooks >= 1 */
	IA_ITEM_BAD_JSON,	/* not JSON: ia_item_json_error */
	IA_ITEM_UNKNOWN,	/* no "dir": no such item */
	IA_ITEM_DARK,		/* is_dark */
	IA_ITEM_PRIVATE,	/* a lending item: its OCR is not public */
	IA_ITEM_NO_OCR,		/* no ABBYY, chOCR or hOCR file */
	IA_ITEM_UNSAFE		/* a file name would leave the item's folder:
				 * ia_item_unsafe */
};

enum { IA_OCR_ABBYY, IA_OCR_CHOCR, IA_OCR_HOCR };

struct ia_book {
	char *ocr;		/* the OCR file's name in the item */
	int kind;		/* IA_OCR_* */
	char *prefix;		/* the OCR name without its suffix */
	char *page_numbers;	/* PREFIX_page_numbers.json, or NULL */
	char *jp2;		/* the image stack, or NULL */
};

struct ia_item_file;		/* one files[] entry, while reading */

struct ia_item {
	/* first: a struct ia_item (or a struct that starts with one) can be
	 * the arg of json_body_feed and json_body_restart */
	struct json_body body;
	struct ia_book *books;	/* after ia_item_end: IA_ITEM_OK (also
				 * _PRIVATE and _UNSAFE when files were chosen) */
	size_t nbooks;
	/* the rest is the reader's own */
	int known, dark, restricted;
	struct ia_item_file *files;
	size_t nfiles, files_cap;
	struct ia_item_file *cur;
	const char *unsafe;
	const char *ocr;	/* metadata.ocr, or NULL */
};

void ia_item_init(struct ia_item *m);
/* Feed p[0..n) of the body: 0 ok, 1 not JSON (feed no more). */
int ia_item_feed(struct ia_item *m, const char *p, size_t n);
/* Start again (a retried download). */
void ia_item_reset(struct ia_item *m);
/* End of the body: IA_ITEM_* (the books are filled for IA_ITEM_OK). */
int ia_item_end(struct ia_item *m);
/* IA_ITEM_UNSAFE: the file name that would leave the folder. */
const char *ia_item_unsafe(const struct ia_item *m);
/* IA_ITEM_BAD_JSON: what is wrong, and its line. */
const char *ia_item_json_error(const struct ia_item *m, unsigned long *line);
/* The OCR kind's name: "abbyy", "chocr", "hocr". */
const char *ia_ocr_name(int kind);
/* Append the download URL of file name of item id: base/download/ID/NAME
 * with each segment percent-encoded, and "?cnt=0". */
void ia_item_url(struct buf *u, const char *base, const char *id, const char *name);
void ia_item_free(struct ia_item *m);

#endif
