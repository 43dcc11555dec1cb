/* iiif: the parts of an IIIF Image API URL,
 * .../{identifier}/{region}/{size}/{rotation}/{quality}.{format}. */
#ifndef PLATES_IIIF_H
#define PLATES_IIIF_H

/* The region of an IIIF Image API URL, percent-decoded, when it is not the
 * full image ("full" or "max"); NULL when it is, or when the URL does not
 * end like an Image API request (a quality made of a-z and a format, a
 * rotation that is a number, perhaps after '!').  The caller frees it. */
char *iiif_region(const char *url);

#endif
