/* tsv: the one escaping rule (\t \n \r \\), splitting, checked output. */
#include "tsv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "xmem.h"

static int line_buffered;

size_t
tsv_unescape(char *s, size_t len)
{
	size_t i, j;

	for (i = j = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			switch (s[i + 1]) {
			case 't': s[j++] = '\t'; i++; continue;
			case 'n': s[j++] = '\n'; i++; continue;
			case 'r': s[j++] = '\r'; i++; continue;
			case '\\': s[j++] = '\\'; i++; continue;
			}
		}
		s[j++] = s[i];
	}
	if (j < len)
		s[j] = '\0';
	return j;
}

void
tsv_escape(struct buf *b, const char *s, size_t len)
{
	size_t i, run = 0;
	char e;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '\t': e = 't'; break;
		case '\n': e = 'n'; break;
		case '\r': e = 'r'; break;
		case '\\': e = '\\'; break;
		default: continue;
		}
		buf_add(b, s + run, i - run);
		buf_addc(b, '\\');
		buf_addc(b, e);
		run = i + 1;
	}
	buf_add(b, s + run, len - run);
}

size_t
tsv_split(const char *line, size_t len, struct tsv_field *f, size_t max)
{
	const char *p = line, *end = line + len, *tab;
	size_t n = 0;

	for (;;) {
		tab = memchr(p, '\t', (size_t)(end - p));
		if (n < max) {
			f[n].s = p;
			f[n].len = tab ? (size_t)(tab - p) : (size_t)(end - p);
		}
		n++;
		if (!tab)
			break;
		p = tab + 1;
	}
	return n;
}

int
tsv_find(const struct tsv_field *f, size_t n, const char *name)
{
	size_t i, k = strlen(name);

	for (i = 0; i < n; i++)
		if (f[i].len == k && memcmp(f[i].s, name, k) == 0)
			return (int)i;
	return -1;
}

size_t
tsv_list(const char *spec, char ***out)
{
	char **list = NULL;
	const char *p = spec, *comma;
	size_t n = 0;

	for (;;) {
		comma = strchr(p, ',');
		list = xreallocarray(list, n + 2, sizeof *list);
		list[n++] = xstrndup(p, comma ? (size_t)(comma - p) : strlen(p));
		if (!comma)
			break;
		p = comma + 1;
	}
	list[n] = NULL;
	*out = list;
	return n;
}

void
tsv_list_free(char **list)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; list[i]; i++)
		free(list[i]);
	free(list);
}

void
tsv_set_line_buffered(int on)
{
	line_buffered = on;
}

void
tsv_put_raw(const char *s, size_t len)
{
	if (len && fwrite(s, 1, len, stdout) != len)
		diag_write_failed();
}

void
tsv_put(const char *s, size_t len)
{
	size_t i, run = 0;
	const char *e;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '\t': e = "\\t"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\\': e = "\\\\"; break;
		default: continue;
		}
		tsv_put_raw(s + run, i - run);
		tsv_put_raw(e, 2);
		run = i + 1;
	}
	tsv_put_raw(s + run, len - run);
}

void
tsv_puts(const char *s)
{
	tsv_put(s, strlen(s));
}

void
tsv_tab(void)
{
	if (putchar('\t') == EOF)
		diag_write_failed();
}

void
tsv_end(void)
{
	if (putchar('\n') == EOF)
		diag_write_failed();
	if (line_buffered)
		tsv_flush();
}

void
tsv_flush(void)
{
	errno = 0;
	if (fflush(stdout) != 0)
		diag_write_failed();
}
