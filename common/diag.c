/* diag: program name, diagnostics, exit status, checked end of output. */
#include "diag.h"
#include "buf.h"
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

/* The length of the valid UTF-8 sequence at s (1 to 4 bytes, a character
 * that is printable: not a C1 control, U+0080 to U+009F), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t k, i;
	unsigned long c;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	k = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n < k)
		return 0;
	c = s[0] & (0x7f >> k);
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF, C1 controls */
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff) || c < 0xa0)
		return 0;
	return k;
}

void
diag_escape(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < len) {
		if (u[i] >= 0x20 && u[i] < 0x7f) {
			buf_addc(out, u[i++]);
		} else if (u[i] >= 0x80 && (k = utf8_len(u + i, len - i)) > 0) {
			buf_add(out, u + i, k);
			i += k;
		} else {
			buf_addc(out, '\\');
			buf_addc(out, 'x');
			buf_addc(out, hex[u[i] >> 4]);
			buf_addc(out, hex[u[i] & 15]);
			i++;
		}
	}
}

/* Write "prog: " and the message (its text escaped), one write. */
static void
emit(const char *head, const char *fmt, va_list ap, int errnum)
{
	struct buf text = BUF_INIT, line = BUF_INIT;

	if (head)
		buf_adds(&text, head);
	buf_vprintf(&text, fmt, ap);
	if (errnum)
		buf_printf(&text, ": %s", strerror(errnum));
	buf_printf(&line, "%s: ", prog);
	diag_escape(&line, text.s ? text.s : "", text.len);
	buf_addc(&line, '\n');
	progress_clear();
	fwrite(line.s, 1, line.len, stderr);
	buf_free(&text);
	buf_free(&line);
}

static void
vmsg(const char *fmt, va_list ap, int errnum)
{
	emit(NULL, fmt, ap, errnum);
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
	struct buf head = BUF_INIT;
	va_list ap;

	buf_printf(&head, "%s:", file);
	if (line)
		buf_printf(&head, "%lu:", line);
	buf_addc(&head, ' ');
	va_start(ap, fmt);
	emit(head.s, fmt, ap, 0);
	va_end(ap);
	buf_free(&head);
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
