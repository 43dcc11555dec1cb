/* htpages: the pages of one HathiTrust volume; see htpages.h. */
#include "htpages.h"

#include <stdlib.h>
#include <string.h>

#include "xmem.h"

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void
htpages_clear(struct htpages *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].seq);
		free(p->v[i].feat);
		free(p->v[i].label);
	}
	p->n = 0;
	p->in_page = p->have_seq = 0;
	p->bad = 0;
}

void
htpages_free(struct htpages *p)
{
	htpages_clear(p);
	free(p->v);
	p->v = NULL;
	p->cap = 0;
	buf_free(&p->seq);
	buf_free(&p->feat);
	buf_free(&p->label);
}

void
htpages_begin(struct htpages *p)
{
	buf_reset(&p->seq);
	buf_reset(&p->feat);
	buf_reset(&p->label);
	p->in_page = 1;
	p->have_seq = 0;
}

void
htpages_seq(struct htpages *p, const char *s, size_t len)
{
	buf_reset(&p->seq);
	buf_add(&p->seq, s, len);
	p->have_seq = 1;
}

void
htpages_label(struct htpages *p, const char *s, size_t len)
{
	buf_reset(&p->label);
	buf_add(&p->label, s, len);
}

void
htpages_end(struct htpages *p)
{
	const char *s = buf_str(&p->seq);
	struct htpage *pg;
	size_t i;

	p->in_page = 0;
	if (!p->have_seq || p->seq.len == 0 || p->seq.len > 9 || s[0] == '0') {
		p->bad++;
		return;
	}
	for (i = 0; i < p->seq.len; i++)
		if (s[i] < '0' || s[i] > '9') {
			p->bad++;
			return;
		}
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = xreallocarray(p->v, p->cap, sizeof *p->v);
	}
	pg = &p->v[p->n++];
	pg->seq = xstrdup(s);
	pg->feat = xstrdup(buf_str(&p->feat));
	pg->label = xstrdup(buf_str(&p->label));
}

void
htpages_feat_add(struct buf *b, const char *s, size_t len)
{
	size_t i = 0, j, a, z;

	while (i <= len) {
		for (j = i; j < len && s[j] != ','; j++)
			;
		a = i;
		z = j;
		while (a < z && is_space((unsigned char)s[a]))
			a++;
		while (z > a && is_space((unsigned char)s[z - 1]))
			z--;
		if (z > a && !(z - a == 6 && memcmp(s + a, "FUDGED", 6) == 0) &&
		    !memchr(s + a, '\0', z - a)) {
			if (b->len)
				buf_addc(b, ',');
			buf_add(b, s + a, z - a);
		}
		i = j + 1;
	}
	if (!b->s)
		buf_add(b, "", 0);
}

int
htpages_feat_has(const char *list, const char *t)
{
	size_t n = strlen(t);
	const char *p = list, *comma;

	for (;;) {
		comma = strchr(p, ',');
		if ((comma ? (size_t)(comma - p) : strlen(p)) == n && memcmp(p, t, n) == 0)
			return 1;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int
htpages_feat_any(const char *list, char *const *names)
{
	for (; *names; names++)
		if (htpages_feat_has(list, *names))
			return 1;
	return 0;
}

int
htpages_feat_tagged(const char *list)
{
	const char *p = list, *comma;
	size_t n;

	while (*p) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (!(n == 12 && memcmp(p, "MISSING_PAGE", 12) == 0) &&
		    !(n == 13 && memcmp(p, "CHECKOUT_PAGE", 13) == 0))
			return 1;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}
