/* gunzip: one gzip stream of any number of members (zero bytes may pad
 * between them), inflated by ISA-L when the build found it and by zlib
 * otherwise.  Both libraries end in the same messages, in our words, and
 * hand out the same bytes before an error. */
#ifndef PLATES_GUNZIP_H
#define PLATES_GUNZIP_H

#include <stddef.h>
#include <sys/types.h>

enum { GUNZIP_ZLIB, GUNZIP_ISAL };

struct gunzip;

/* A stream inflated by the build's library. */
struct gunzip *gunzip_new(void);
/* A stream inflated by LIB; NULL if this build has no such library. */
struct gunzip *gunzip_new_lib(int lib);
void gunzip_free(struct gunzip *g);
/* The library that inflates: "ISA-L 2.30.0" or "zlib 1.2.13". */
const char *gunzip_library(void);

/* Take p[0..n) as the next input (what was given before must be used up:
 * gunzip_avail_in is 0). */
void gunzip_input(struct gunzip *g, const void *p, size_t n);
size_t gunzip_avail_in(const struct gunzip *g);
/* Inflate into out[0..outlen): the count of bytes made (0 when the input
 * is used up), or -1 on bad data (gunzip_error).  The bytes made before an
 * error come out first; the error comes at the next call, and stays. */
ssize_t gunzip_run(struct gunzip *g, void *out, size_t outlen);
/* Inside a member whose end has not been seen (at the end of the input:
 * the file was cut short). */
int gunzip_in_member(const struct gunzip *g);
const char *gunzip_error(const struct gunzip *g);

#endif
