/* mets: HathiTrust repository METS files, read with a libxml2 SAX2 push
 * parser made through xml.h (no network, no DTD, no entity expansion).
 *
 * The pages are the div elements of TYPE "page" in the physical
 * structMap: ORDER is the seq, LABEL the page features (normalised),
 * ORDERLABEL the page label.  The root element's OBJID is kept.  Bytes may
 * be fed in pieces of any size: the result is the same as fed whole. */
#ifndef PLATES_METS_H
#define PLATES_METS_H

#include <stddef.h>

#include "buf.h"
#include "htpages.h"

#define METS_NS "http://www.loc.gov/METS/"

struct mets;

/* Start reading a document into pages (cleared first); name is the
 * document's name in libxml2's messages.  xml_init must have been called.
 * libxml2's context-free errors go to this reader until mets_free. */
struct mets *mets_begin(struct htpages *pages, const char *name);
/* The next n bytes; -1 once the document is known to be bad (nothing more
 * need be fed). */
int mets_feed(struct mets *m, const char *p, size_t n);
/* The whole document is in: 0, or -1 if it is not METS (mets_error). */
int mets_finish(struct mets *m);
/* Why mets_finish failed ("premature end of the document (truncated
 * file?)", "empty file, not METS", libxml2's message...), and the line it
 * names (0 if none). */
const char *mets_error(const struct mets *m);
unsigned long mets_error_line(const struct mets *m);
/* The root's OBJID, or NULL if it has none. */
const char *mets_objid(const struct mets *m);
void mets_free(struct mets *m);

/* Append where a volume's METS file lives in a pairtree under dir:
 * {dir}/{ns}/pairtree_root/{pairs}/{clean}/{clean}.mets.xml, where clean
 * is the pairtree-cleaned local id and pairs its two-character pieces.
 * id must be a volume id (htid_valid). */
void mets_pairtree_path(struct buf *b, const char *dir, const char *id);

#endif
