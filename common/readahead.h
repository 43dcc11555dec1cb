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
/* Where the two threads' time went, in seconds of wall time: the reader
 * reading and inflating, and waiting for a free slot (the caller is
 * behind); the caller between pieces (working on them), and waiting for
 * one (the reader is behind).  Counted up to the last readahead_next. */
struct readahead_times {
	double read_busy, read_wait;
	double take_busy, take_wait;
};
void readahead_times(struct readahead *r, struct readahead_times *t);
/* Stop the thread (wherever it is) and free r; in stays open. */
void readahead_stop(struct readahead *r);

#endif
