/* failfile: a run's failure file (--failed FILE) holds the input lines that
 * failed, exactly as the tool reads them, so that
 *
 *     tool --failed FILE ... < FILE
 *
 * reruns exactly what failed, and leaves FILE holding only what failed
 * again.  The contract:
 *  - a run never erases what another run recorded: lines FILE held before
 *    are kept, except those whose key this run settled (done, or failed
 *    again: then the new line replaces them); a run remembers only the
 *    keys it failed and those FILE held when it opened it, so its memory
 *    does not grow with its input (a line another run adds meanwhile for a
 *    key this run did is kept: a rerun finds that page there);
 *  - reading FILE as the input of the same run is safe (the run never
 *    reads its own new lines);
 *  - several processes may share FILE at once (an exclusive lock around
 *    every change), and FILE is only ever replaced whole (temporary file,
 *    fsync, rename), never left partial;
 *  - a failure is on disk when failfile_failed returns, so a run killed
 *    afterwards still has it recorded by the next run that opens FILE;
 *  - a header row (header != NULL) is the file's first line, once.
 * A line's key is its first nkey TSV fields (ht-pfeat: 1, the volume id;
 * page-fetch: 3, library, id and page).
 *
 * Beside FILE, in its folder, a run keeps a journal (.FILE.run.PID.N) of
 * its failures as they happen; FILE itself changes only when a run opens
 * or closes it.  One thread per struct failfile. */
#ifndef PLATES_FAILFILE_H
#define PLATES_FAILFILE_H

#include <stddef.h>

struct failfile;

/* Open (create) FILE; NULL with errno set if it cannot be. */
struct failfile *failfile_open(const char *path, int nkey, const char *header);
/* The header row, when it is known only after the open (the input's
 * first line): the first one given is kept.  0, or -1 with errno set. */
int failfile_header(struct failfile *f, const char *line, size_t len);
/* The line (without its newline) failed: record it now.  0, or -1 with
 * errno set (the caller says so and counts the run as failed). */
int failfile_failed(struct failfile *f, const char *line, size_t len);
/* The line's key was done: a line FILE held for it goes at close. */
void failfile_done(struct failfile *f, const char *line, size_t len);
/* Lines recorded by this run. */
unsigned long failfile_count(const struct failfile *f);
/* Rewrite FILE without the keys this run settled, keeping its failures;
 * an empty FILE (header only, or nothing) is removed.  0, or -1 with errno
 * set.  Frees f either way; NULL is a no-op. */
int failfile_close(struct failfile *f);

#endif
