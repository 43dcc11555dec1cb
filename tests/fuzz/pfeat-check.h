/* pfeat-check.h: what ht-pfeat's harnesses check in the rows it writes.
 * Included after cmd/ht-pfeat.c (it uses is_space). */
#ifndef PLATES_FUZZ_PFEAT_CHECK_H
#define PLATES_FUZZ_PFEAT_CHECK_H

/* In rows written with --all: the features column is a normalised list
 * (no empty, blank-edged or FUDGED token). */
static inline void
check_features(const struct buf *rows)
{
	struct buf f = BUF_INIT;
	const char *p = rows->s, *nl, *a, *z, *t, *e;
	int i;

	for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		a = p;
		for (i = 0; i < 4; i++) {
			if (!(a = memchr(a, '\t', (size_t)(nl - a))))
				abort();
			a++;
		}
		if (!(z = memchr(a, '\t', (size_t)(nl - a))))
			abort();
		buf_reset(&f);
		buf_add(&f, a, (size_t)(z - a));
		f.len = tsv_unescape(f.s, f.len);
		f.s[f.len] = '\0';
		if (f.len && (f.s[f.len - 1] == ',' || strlen(f.s) != f.len))
			abort();
		for (t = f.s; *t; t = *e ? e + 1 : e) {
			if (!(e = strchr(t, ',')))
				e = t + strlen(t);
			if (e == t || is_space((unsigned char)*t) || is_space((unsigned char)e[-1]) ||
			    (e - t == 6 && memcmp(t, "FUDGED", 6) == 0))
				abort();
		}
	}
	buf_free(&f);
}

#endif
