/* ht_collections: HathiTrust lists of volumes, read as records.
 *
 * Formats, told apart by the file's first bytes and first line:
 *   - JSON: collection exports, legacy ({"gathers":[{"htitem_id":...}]})
 *     and current (objects keyed by "htid"), HTRC worksets (a top-level
 *     array of objects or of id strings); the key ranked htitem_id > htid
 *     > id gives the id;
 *   - TSV with a header naming htitem_id, htid or id (current exports);
 *   - CSV with a header naming id (HTRC worksets; title, year);
 *   - HathiFiles (hathi_full_*.txt, no header, 26 columns, access in the
 *     second);
 *   - plain lists: the first column of each line, blank lines and '#'
 *     comments skipped.
 * A leading byte order mark is skipped; files may be gzip (io.h).
 * Files that are none of these but markup or binary data (a METS file, an
 * HTML page, other XML, an image) are told by their first bytes and refused
 * whole (ht_collections_sniff), not read line by line. */
#ifndef PLATES_HT_COLLECTIONS_H
#define PLATES_HT_COLLECTIONS_H

#include <stddef.h>

#include "io.h"

enum ht_collections_field {
	HT_COLLECTIONS_TITLE, HT_COLLECTIONS_DATE, HT_COLLECTIONS_RIGHTS,
	HT_COLLECTIONS_ACCESS, HT_COLLECTIONS_AUTHOR, HT_COLLECTIONS_NFIELDS
};

/* "title", "date", "rights", "access", "author" */
extern const char *const ht_collections_names[HT_COLLECTIONS_NFIELDS];

enum ht_collections_format {
	HT_COLLECTIONS_JSON, HT_COLLECTIONS_TSV, HT_COLLECTIONS_CSV,
	HT_COLLECTIONS_HATHIFILE, HT_COLLECTIONS_LIST
};

/* What a file's first bytes say it is. */
enum ht_collections_kind {
	HT_COLLECTIONS_TEXT,	/* a list, an export, a workset: read it */
	HT_COLLECTIONS_METS,	/* a METS document (XML naming the METS namespace) */
	HT_COLLECTIONS_HTML,	/* an HTML or XHTML page */
	HT_COLLECTIONS_XML,	/* other XML */
	HT_COLLECTIONS_BINARY	/* a NUL byte, or more than 1 byte in 10 neither
				 * text nor valid UTF-8 (an image, a PDF, ...) */
};

/* The kind of a file whose first n bytes are p (n may be all there is;
 * the decoded bytes, after gzip). */
enum ht_collections_kind ht_collections_sniff(const char *p, size_t n);
/* "a METS file", "an HTML page", "XML", "binary data"; NULL for text. */
const char *ht_collections_kind_name(enum ht_collections_kind k);

struct ht_collections_record {
	enum ht_collections_format format;
	const char *id;		/* decoded, trimmed of spaces, TABs and CRs; NUL-terminated */
	size_t idlen;
	/* the fields the format has, in linear TSV (escaped) form: TSV
	 * fields as they came, JSON and CSV values escaped */
	const char *field[HT_COLLECTIONS_NFIELDS];
	size_t len[HT_COLLECTIONS_NFIELDS];
	int have[HT_COLLECTIONS_NFIELDS];
	const char *file;
	unsigned long line;	/* 0 in JSON */
};

/* Each returns 0 to go on, non-zero to stop reading the file (a line
 * format then leaves the input at the line after the last one read). */
struct ht_collections_cb {
	int (*record)(void *arg, const struct ht_collections_record *r);
	/* a problem at file:line (line 0: the file as a whole) */
	int (*error)(void *arg, const char *file, unsigned long line, const char *msg);
	void *arg;
};

/* Read every record of in.  Returns the number of errors reported.  A
 * file that is not text (ht_collections_sniff) is one error at line 0. */
unsigned long ht_collections_read(struct io_in *in, const struct ht_collections_cb *cb);

/* Split a CSV line (RFC 4180 quotes) into at most max fields, decoded into
 * out (replaced): field i is out->s + start[i], len[i] bytes.  Returns the
 * number of fields the line has (which may be more than max). */
size_t ht_collections_csv_split(const char *s, size_t len, struct buf *out, size_t *start,
    size_t *flen, size_t max);

#endif
