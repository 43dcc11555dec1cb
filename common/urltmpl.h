/* urltmpl: URL templates such as "https://host/{id}/{page}.jpg".  Every
 * '{' must open one of the placeholders the caller names; the rest is
 * copied as it is. */
#ifndef PLATES_URLTMPL_H
#define PLATES_URLTMPL_H

#include <stddef.h>

#include "buf.h"

struct urltmpl;

/* Compile t with the placeholders names (NULL-ended, without braces).
 * NULL on an unknown placeholder, with the message in err:
 * "unknown placeholder at '{x}...' (known: {id}, {page})". */
struct urltmpl *urltmpl_new(const char *t, const char *const *names, struct buf *err);
/* Does the template use names[i]? */
int urltmpl_uses(const struct urltmpl *u, size_t i);
/* Append the URL: placeholder names[i] becomes vals[i] (NUL-terminated,
 * inserted as it is: escape it first where needed). */
void urltmpl_expand(const struct urltmpl *u, struct buf *out, const char *const *vals);
void urltmpl_free(struct urltmpl *u);

#endif
