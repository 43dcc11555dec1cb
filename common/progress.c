/* progress: a \r-rewritten status line on a terminal's stderr. */
#include "progress.h"
#include "clock.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int enabled;
static int shown;	/* width of the line on screen */
static double last;

void
progress_init(int mode)
{
	enabled = mode < 0 ? isatty(STDERR_FILENO) : mode;
}

int
progress_enabled(void)
{
	return enabled;
}

void
progress_show(int force, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	double t;
	int n;

	if (!enabled)
		return;
	t = clock_now();
	if (!force && t - last < 0.1)
		return;
	last = t;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n >= (int)sizeof line)
		n = (int)sizeof line - 1;
	fprintf(stderr, "\r%s", line);
	if (n < shown)
		fprintf(stderr, "%*s\r%s", shown - n, "", line);
	shown = n;
	fflush(stderr);
}

void
progress_clear(void)
{
	if (!enabled || !shown)
		return;
	fprintf(stderr, "\r%*s\r", shown, "");
	fflush(stderr);
	shown = 0;
}

const char *
progress_duration(double s, char *out, unsigned long outlen)
{
	long v = s < 0 ? 0 : (long)(s + 0.5);

	if (v >= 3600)
		snprintf(out, outlen, "%ldh%02ldm", v / 3600, v / 60 % 60);
	else if (v >= 60)
		snprintf(out, outlen, "%ldm%02lds", v / 60, v % 60);
	else
		snprintf(out, outlen, "%lds", v);
	return out;
}
