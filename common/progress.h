/* progress: one status line on stderr, rewritten with \r, only when stderr
 * is a terminal (or forced), cleared at the end.  stdout is never touched. */
#ifndef PLATES_PROGRESS_H
#define PLATES_PROGRESS_H

/* mode: -1 automatic (stderr is a tty), 0 off, 1 on. */
void progress_init(int mode);
int progress_enabled(void);
/* Redraw the line (at most ~10 times a second unless force). */
void progress_show(int force, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Erase the line, e.g. before printing a message or at exit. */
void progress_clear(void);
/* "1h02m", "3m05s", "12s" */
const char *progress_duration(double seconds, char *out, unsigned long outlen);

#endif
