/* imgsrv: HathiTrust imgsrv page metadata (/cgi/imgsrv/meta?id=ID), JSON
 * read as it arrives.  Each element of "items" is a page: "seq" its seq,
 * "page_num" its label, "features" its page features (normalised). */
#ifndef PLATES_IMGSRV_H
#define PLATES_IMGSRV_H

#include <stddef.h>

#include "htpages.h"
#include "json.h"

enum {
	IMGSRV_OK = 0,
	IMGSRV_BAD_JSON = -1,	/* imgsrv_error, imgsrv_error_line say why */
	IMGSRV_NO_ITEMS = -2	/* good JSON without an "items" list */
};

struct imgsrv;

/* A reader that puts the pages into pages. */
struct imgsrv *imgsrv_new(struct htpages *pages);
/* Start on a new document (or the same one again, after a retry): the
 * pages read so far are forgotten. */
void imgsrv_begin(struct imgsrv *r);
/* The JSON stream the body goes to (json_body.js, or imgsrv_feed). */
struct json_stream *imgsrv_stream(struct imgsrv *r);
/* The next n bytes: 0, or IMGSRV_BAD_JSON (nothing more need be fed). */
int imgsrv_feed(struct imgsrv *r, const char *p, size_t n);
/* The whole body is in: IMGSRV_OK, IMGSRV_BAD_JSON or IMGSRV_NO_ITEMS.
 * Call it only if every imgsrv_feed succeeded. */
int imgsrv_finish(struct imgsrv *r);
const char *imgsrv_error(const struct imgsrv *r);
unsigned long imgsrv_error_line(const struct imgsrv *r);
void imgsrv_free(struct imgsrv *r);

#endif
