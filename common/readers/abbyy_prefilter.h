/* abbyy_prefilter: the pre-filter in front of the ABBYY scanner's XML
 * parser.
 *
 * Nearly all of an ABBYY FineReader file is <charParams> elements, one per
 * recognised character, and the tags of the elements around them (<par>,
 * <line>, <formatting> ...), none of which the scanner reads.  The
 * pre-filter takes out the charParams elements that are complete, simple
 * and well-formed, and puts in their place the LF bytes they held, so that
 * the parser counts the same lines; so it does with the <rect/> elements
 * of blocks that cannot be Picture blocks (the only ones whose rects the
 * scanner reads), and with the simple start and end tags of every element
 * the scanner does not read (page, block, rect and the root stay).  Such
 * an element's end tag must then be plain; where it is not (a broken
 * document), or where markup the parser must see comes inside it, or the
 * input ends inside it, the parser gets a plain start tag of that name
 * there, so it sees what a full parse sees, and names the same element in
 * its messages.  Every other byte goes to the parser unchanged.  Anything
 * unexpected (a DOCTYPE, an encoding that is not ASCII-compatible) turns
 * it off for the rest of the document: then bytes pass as they are. */
#ifndef PLATES_ABBYY_PREFILTER_H
#define PLATES_ABBYY_PREFILTER_H

#include <stddef.h>

#include "buf.h"

struct abbyy_pf;

/* A pre-filter for one document; off: pass every byte from the start. */
struct abbyy_pf *abbyy_pf_new(int off);
void abbyy_pf_free(struct abbyy_pf *e);
/* Is it off (bytes pass unchanged, abbyy_pf_feed need not be called)? */
int abbyy_pf_off(const struct abbyy_pf *e);
/* Keep the text: each <charParams> element taken out leaves its text in
 * its place (without its CR and LF bytes, which go before it as ever), so
 * that each <formatting> element holds its line's characters, as in a
 * file without charParams; and the tags of other elements stay (<line>
 * and its box among them).  Call it before the first abbyy_pf_feed. */
void abbyy_pf_keep_text(struct abbyy_pf *e);
/* Feed p[0..n), which must be followed by a NUL byte (p[n] == '\0'); what
 * the parser should see is appended to out. */
void abbyy_pf_feed(struct abbyy_pf *e, const char *p, size_t n, struct buf *out);
/* End of input: whatever is still held back is appended to out, and the
 * pre-filter is off from now on. */
void abbyy_pf_end(struct abbyy_pf *e, struct buf *out);

#endif
