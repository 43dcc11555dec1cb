/* dataapi: archived HathiTrust Data API volume/meta JSON responses
 * (htd:seqmap), read as they arrive.  Each htd:seq entry is a page:
 * "pseq" its seq, "htd:pnum" its label, "htd:pfeat" its page features
 * (normalised); htd:seqmap and htd:seq may each be an array or an
 * object.  The volume id is htd:rights.htd:id, else the end of the Atom
 * id ".../volume/meta/ID". */
#ifndef PLATES_DATAAPI_H
#define PLATES_DATAAPI_H

#include <stddef.h>

#include "buf.h"
#include "htpages.h"

struct dataapi;

/* A reader that puts the pages into pages. */
struct dataapi *dataapi_new(struct htpages *pages);
/* Start on a new document: the pages of the last one are forgotten. */
void dataapi_begin(struct dataapi *d);
/* The next n bytes: 0, or -1 on bad JSON (nothing more need be fed). */
int dataapi_feed(struct dataapi *d, const char *p, size_t n);
/* The whole document is in: 0 with its volume id in id, or -1
 * (dataapi_error).  Call it after the last dataapi_feed, failed or not. */
int dataapi_finish(struct dataapi *d, struct buf *id);
/* Why: "parse error: ... (byte N)", "no htd:seqmap: not a Data API
 * volume/meta JSON response" or "no volume id (htd:rights.htd:id or
 * id)"; and the line it names (0 if none). */
const char *dataapi_error(const struct dataapi *d);
unsigned long dataapi_error_line(const struct dataapi *d);
void dataapi_free(struct dataapi *d);

#endif
