/* htid: HathiTrust volume ids and pairtree "clean"/"unclean" (s2ppchars).
 * An id is {namespace}.{local}: the namespace ends at the first '.'. */
#ifndef PLATES_HTID_H
#define PLATES_HTID_H

#include <stddef.h>

#include "buf.h"

/* The longest volume id taken (bytes). */
#define HTID_MAX 200
/* Is s[0..len) a volume id, as every tool takes one: a namespace of ASCII
 * letters and digits, '.', and a local id of one or more ASCII letters,
 * digits and . _ - : / $ (at most HTID_MAX bytes in all). */
int htid_valid(const char *s, size_t len);
/* Split id into namespace and local id; 0 ok, -1 if there is no '.' or
 * either part is empty. */
int htid_split(const char *id, size_t *nslen, const char **local);
/* Append the pairtree-cleaned form of s (escape, then / : . to = + ,). */
void htid_clean(struct buf *b, const char *s, size_t len);
/* Append the decoded form: = + , back to / : ., then ^xx to bytes.
 * Returns -1 on a bad ^ escape. */
int htid_unclean(struct buf *b, const char *s, size_t len);
/* "{ns}.{clean(local)}": the folder HT gives a volume; -1 if not an id. */
int htid_clean_id(struct buf *b, const char *id);
/* The id in s: a handle URL ("https://hdl.handle.net/2027/mdp.1") or a
 * babel viewer link (".../cgi/pt?seq=5;id=mdp.1", id percent-decoded) gives
 * the id they name, anything else is copied as it is.  The result replaces
 * the contents of out; returns 1 if s was such a link. */
int htid_from_url(struct buf *out, const char *s, size_t len);

#endif
