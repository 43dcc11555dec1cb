/* readahead: read (and inflate) a stream on a second thread while this
 * one works on what came before: the reader thread fills a few slots of
 * up to 128 KiB, one io_read each, and the caller takes them in order. */
#ifndef PLATES_READAHEAD_H
#define PLATES_READAHEAD_H

#include <stddef.h>

#include "io.h"

struct readahead;

/* Start reading in on a new thread (dies if no thread can be started). */
struct readahead *readahead_start(struct io_in *in);
/* The next piece: 1 with *p, *n (p[n] is a NUL byte; the piece stays valid
 * until the next call), 0 at the end of input, -1 on a read error
 * (io_error(in) says which). */
int readahead_next(struct readahead *r, const char **p, size_t *n);
/* Stop the thread (wherever it is) and free r; in stays open. */
void readahead_stop(struct readahead *r);

#endif
