/* iiif: the parts of an IIIF Image API URL,
 * .../{identifier}/{region}/{size}/{rotation}/{quality}.{format}. */
#ifndef PLATES_IIIF_H
#define PLATES_IIIF_H

/* The region of an IIIF Image API URL, percent-decoded, when it is not the
 * full image ("full" or "max"); NULL when it is, or when the URL does not
 * end like an Image API request (a quality made of a-z and a format, a
 * rotation that is a number, perhaps after '!').  The caller frees it. */
char *iiif_region(const char *url);

struct buf;

/* Append the Internet Archive IIIF server's own identifier of leaf of an
 * image stack (a _jp2.zip) of item id, percent-encoded as one path
 * segment: ID/JP2/STACK_jp2/STACK_NNNN.jp2, where the stack's name is the
 * zip's base name without "_jp2.zip" (iiif.archive.org/image/iiif/2/ takes
 * it; the short form ID$LEAF reaches only the item's main stack). */
void iiif_ia_stack_id(struct buf *b, const char *id, const char *jp2, long leaf);

#endif
