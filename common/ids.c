/* ids: identifiers read from files; see ids.h. */
#include "ids.h"

#include <string.h>

#include "tsv.h"

static char *stdin_only[] = { "-" };

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void
ids_open(struct ids *x, char **paths, int npaths, int header, const char *const *header_words)
{
	memset(x, 0, sizeof *x);
	if (npaths <= 0) {
		paths = stdin_only;
		npaths = 1;
	}
	x->paths = paths;
	x->npaths = npaths;
	x->header = header;
	x->header_words = header_words;
}

int
ids_between_files(const struct ids *x)
{
	return !x->in;
}

static int
is_header(const struct ids *x, const char *s, size_t n)
{
	const char *const *w;

	if (x->header)
		return 1;
	for (w = x->header_words; w && *w; w++)
		if (strlen(*w) == n && memcmp(*w, s, n) == 0)
			return 1;
	return 0;
}

int
ids_next(struct ids *x)
{
	const char *s;
	size_t n, k;
	int r;

	for (;;) {
		if (!x->in) {
			if (x->next >= x->npaths)
				return IDS_END;
			if ((x->in = io_open(x->paths[x->next++])) == NULL)
				return IDS_NOFILE;
		}
		x->file = io_name(x->in);
		r = io_getline(x->in, &x->line);
		x->lineno = io_lineno(x->in);
		if (r <= 0) {
			/* name and message must outlive the stream */
			buf_reset(&x->field);
			buf_adds(&x->field, x->file);
			x->file = buf_str(&x->field);
			buf_reset(&x->msg);
			if (r < 0)
				buf_adds(&x->msg, io_error(x->in));
			x->error = buf_str(&x->msg);
			io_close(x->in);
			x->in = NULL;
			if (r < 0)
				return IDS_ERROR;
			continue;
		}
		s = buf_str(&x->line);
		k = strcspn(s, "\t");
		x->rest = s + k;
		x->restlen = x->line.len - k;
		buf_reset(&x->field);
		buf_add(&x->field, s, k);
		n = tsv_unescape(x->field.s, k);
		s = x->field.s;
		while (n && is_blank((unsigned char)*s))
			s++, n--;
		while (n && is_blank((unsigned char)s[n - 1]))
			n--;
		((char *)s)[n] = '\0';
		x->id = s;
		x->len = n;
		if (x->lineno == 1 && is_header(x, s, n))
			return IDS_HEADER;
		if (n == 0 || *s == '#')
			continue;	/* blank lines and comments */
		return IDS_ID;
	}
}

void
ids_close(struct ids *x)
{
	if (x->in)
		io_close(x->in);
	x->in = NULL;
	buf_free(&x->line);
	buf_free(&x->field);
	buf_free(&x->msg);
}

int
ia_id_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 100)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}
