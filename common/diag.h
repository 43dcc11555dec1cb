/* diag: program name, diagnostics (escaped: diag_escape), exit status,
 * checked end of output. */
#ifndef PLATES_DIAG_H
#define PLATES_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#include "buf.h"

enum { DIAG_OK = 0, DIAG_FAIL = 1, DIAG_USAGE = 2 };

void diag_init(const char *argv0);
/* Append s[0..len) as every message shows text: control bytes, invalid
 * UTF-8 and C1 controls as \xHH (one a byte), printable ASCII and valid
 * UTF-8 as they are.  Every message below goes through it, so bytes read
 * from a file never reach the terminal raw. */
void diag_escape(struct buf *out, const char *s, size_t len);
const char *diag_prog(void);
/* "prog: message" */
void diag_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: message: strerror(errno)" */
void diag_warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: file:line: message", a data error; line 0 omits the number. */
void diag_data(const char *file, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Print and exit with status code. */
void diag_die(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
void diag_die_errno(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* Usage error: message (if any), usage line on stderr, exit 2. */
void diag_usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* After getopt_long returned '?' or ':' (optstring starting with ':'):
 * report the bad option without getopt's own message, exit 2. */
void diag_getopt_error(const char *usage, int c, char **argv)
    __attribute__((noreturn));
/* Count a failed record: the final exit status becomes 1. */
void diag_failed(void);
unsigned long diag_failures(void);
/* Quiet mode suppresses diag_note (informational messages). */
void diag_set_quiet(int quiet);
void diag_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Call after a failed write to stdout: EPIPE ends the process as SIGPIPE
 * would (silently, like cat | head); any other error is fatal, exit 1. */
void diag_write_failed(void) __attribute__((noreturn));
/* Flush and close stdout, reporting write errors; returns the exit status. */
int diag_finish(void);
/* "prog (plates) VERSION" on stdout, exit 0. */
void diag_version(void) __attribute__((noreturn));
/* An unsigned number option in [min, max]; usage error otherwise. */
long diag_parse_long(const char *usage, const char *opt, const char *arg, long min, long max);
double diag_parse_double(const char *usage, const char *opt, const char *arg, double min, double max);

#endif
