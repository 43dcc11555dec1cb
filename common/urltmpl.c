/* urltmpl: URL templates; see urltmpl.h. */
#include "urltmpl.h"

#include <stdlib.h>
#include <string.h>

#include "xmem.h"

struct part {
	long name;		/* index into names, or -1 for literal text */
	char *s;
	size_t len;
};

struct urltmpl {
	struct part *parts;
	size_t n;
	unsigned long used;	/* bit i: names[i] appears */
};

static void
add(struct urltmpl *u, long name, const char *s, size_t len)
{
	u->parts = xreallocarray(u->parts, u->n + 1, sizeof *u->parts);
	u->parts[u->n].name = name;
	u->parts[u->n].s = name < 0 ? xstrndup(s, len) : NULL;
	u->parts[u->n].len = len;
	u->n++;
	if (name >= 0)
		u->used |= 1UL << name;
}

struct urltmpl *
urltmpl_new(const char *t, const char *const *names, struct buf *err)
{
	struct urltmpl *u = xcalloc(1, sizeof *u);
	const char *p = t, *lit = t, *close;
	size_t i;

	while ((p = strchr(p, '{')) != NULL) {
		long kind = -1;

		if ((close = strchr(p, '}')) != NULL) {
			size_t n = (size_t)(close - p - 1);
			for (i = 0; names[i] && i < 8 * sizeof u->used; i++)
				if (strlen(names[i]) == n && memcmp(p + 1, names[i], n) == 0)
					kind = (long)i;
		}
		if (kind < 0) {
			buf_printf(err, "unknown placeholder at '%.20s' (known:", p);
			for (i = 0; names[i]; i++)
				buf_printf(err, "%s {%s}", i ? "," : "", names[i]);
			buf_adds(err, ")");
			urltmpl_free(u);
			return NULL;
		}
		if (p > lit)
			add(u, -1, lit, (size_t)(p - lit));
		add(u, kind, NULL, 0);
		p = lit = close + 1;
	}
	if (*lit)
		add(u, -1, lit, strlen(lit));
	return u;
}

int
urltmpl_uses(const struct urltmpl *u, size_t i)
{
	return i < 8 * sizeof u->used && (u->used >> i & 1);
}

void
urltmpl_expand(const struct urltmpl *u, struct buf *out, const char *const *vals)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		if (u->parts[i].name < 0)
			buf_add(out, u->parts[i].s, u->parts[i].len);
		else
			buf_adds(out, vals[u->parts[i].name]);
	}
}

void
urltmpl_free(struct urltmpl *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->n; i++)
		free(u->parts[i].s);
	free(u->parts);
	free(u);
}
