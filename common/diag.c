/* diag: program name, diagnostics, exit status, checked end of output. */
#include "diag.h"
#include "progress.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <unistd.h>

static const char *prog = "plates";
static unsigned long failures;
static int quiet;

void
diag_init(const char *argv0)
{
	const char *slash;

	if (argv0 && *argv0) {
		slash = strrchr(argv0, '/');
		prog = slash ? slash + 1 : argv0;
	}
	/* A closed pipe shows up as EPIPE on write; see diag_write_failed. */
	signal(SIGPIPE, SIG_IGN);
}

const char *
diag_prog(void)
{
	return prog;
}

static void
vmsg(const char *fmt, va_list ap, int errnum)
{
	progress_clear();
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void
diag_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
}

void
diag_warn_errno(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vmsg(fmt, ap, e);
	va_end(ap);
}

void
diag_data(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	progress_clear();
	fprintf(stderr, "%s: %s:", prog, file);
	if (line)
		fprintf(stderr, "%lu:", line);
	fputc(' ', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
diag_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
	exit(code);
}

void
diag_die_errno(int code, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vmsg(fmt, ap, e);
	va_end(ap);
	exit(code);
}

void
diag_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vmsg(fmt, ap, 0);
		va_end(ap);
	}
	fprintf(stderr, "%s", usage);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	exit(DIAG_USAGE);
}

void
diag_getopt_error(const char *usage, int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	if (c == ':')
		diag_usage_error(usage, "option '%s' needs an argument", arg);
	if (optopt && strncmp(arg, "--", 2) != 0)
		diag_usage_error(usage, "unknown option '-%c'", optopt);
	diag_usage_error(usage, "unknown option '%s'", arg);
}

void
diag_failed(void)
{
	failures++;
}

unsigned long
diag_failures(void)
{
	return failures;
}

void
diag_set_quiet(int q)
{
	quiet = q;
}

void
diag_note(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
}

void
diag_write_failed(void)
{
	int e = errno;

	if (e == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	fprintf(stderr, "%s: write error: %s\n", prog, strerror(e ? e : EIO));
	_exit(DIAG_FAIL);
}

int
diag_finish(void)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		diag_write_failed();
	if (fclose(stdout) != 0)
		diag_write_failed();
	return failures ? DIAG_FAIL : DIAG_OK;
}

void
diag_version(void)
{
	printf("%s (plates) %s\n", prog, PLATES_VERSION);
	exit(diag_finish());
}

long
diag_parse_long(const char *usage, const char *opt, const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		diag_usage_error(usage, "%s: expected a whole number from %ld to %ld, got '%s'",
		    opt, min, max, arg);
	return v;
}

double
diag_parse_double(const char *usage, const char *opt, const char *arg, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= min && v <= max))
		diag_usage_error(usage, "%s: expected a number from %g to %g, got '%s'",
		    opt, min, max, arg);
	return v;
}
