/* feed: the threads beside an event loop.  One reads the input files line
 * by line, so that a slow producer never stalls the loop; up to
 * FEED_WORKERS run jobs that wait on the disk, so that the loop never
 * does.  The loop takes lines and finished jobs when it is ready, and
 * sleeps in feed_wait until there is one.  The threads take no signals:
 * handlers run in the loop's thread.  Nothing here prints. */
#ifndef PLATES_FEED_H
#define PLATES_FEED_H

#include <stddef.h>

#define FEED_WORKERS 4

/* A line read, or (line NULL) an error reading a file, in err. */
struct feed_line {
	char *line;
	size_t len;
	char *err;
	const char *file;	/* display name ("<stdin>" for "-"), lives as long as the feed */
	unsigned long lineno;	/* of the line, or where the error was found */
	struct feed_line *next;
};

struct feed;

/* A feed over files ("-" is stdin) that holds up to max lines ready, and
 * runs work(job) in its worker threads; the reader thread starts here.
 * NULL if it cannot start. */
struct feed *feed_new(char **files, int nfiles, size_t max, void (*work)(void *job));
/* Up to max lines ready now, as a list; *ended when there are none and
 * the input has ended. */
struct feed_line *feed_take(struct feed *f, size_t max, int *ended);
void feed_line_free(struct feed_line *l);
/* Has the reader reached the end of the input? */
int feed_input_done(struct feed *f);

/* Hand job to a worker: 0, or -1 when no worker thread could start (the
 * caller runs it itself). */
int feed_push(struct feed *f, void *job);
/* Jobs handed over and not yet collected. */
size_t feed_pending(const struct feed *f);
/* Call fn, in this thread, on each job the workers have finished. */
void feed_collect(struct feed *f, void (*fn)(void *job));
/* Sleep until a job is finished or, with want_lines, a line is ready or
 * the input has ended. */
void feed_wait(struct feed *f, int want_lines);
/* Wait for the workers' jobs, and for the reader to reach the end. */
void feed_free(struct feed *f);

#endif
