/* iiif: IIIF Image API URLs; see iiif.h. */
#include "iiif.h"

#include <string.h>

#include "buf.h"
#include "http.h"

char *
iiif_region(const char *url)
{
	const char *q, *seg[5], *p;
	size_t n, i, k;
	struct buf b = BUF_INIT;
	int found = 0;

	q = strstr(url, "://");
	if (!q)
		return NULL;
	q = strchr(q + 3, '/');
	if (!q)
		return NULL;
	n = strcspn(q, "?#");
	/* the last five '/' of the path begin region, size, rotation, quality */
	for (i = n, k = 0; i > 0 && k < 5; i--)
		if (q[i - 1] == '/')
			seg[k++] = q + i;
	if (k < 5)
		return NULL;
	/* seg[0] quality.format, seg[1] rotation, seg[2] size, seg[3] region */
	for (p = seg[0]; p < q + n && (*p >= 'a' && *p <= 'z'); p++)
		;
	if (p == seg[0] || p >= q + n || *p != '.')
		return NULL;
	p = seg[1];
	if (*p == '!')
		p++;
	if (!(*p >= '0' && *p <= '9'))
		return NULL;
	while ((*p >= '0' && *p <= '9') || *p == '.')
		p++;
	if (*p != '/')
		return NULL;
	for (p = seg[3]; *p != '/'; p++)
		found = 1;
	http_unescape(&b, seg[3], (size_t)(p - seg[3]));
	if (!found || strcmp(buf_str(&b), "full") == 0 || strcmp(buf_str(&b), "max") == 0) {
		buf_free(&b);
		return NULL;
	}
	buf_addc(&b, '\0');
	return b.s;
}

void
iiif_ia_stack_id(struct buf *b, const char *id, const char *jp2, long leaf)
{
	struct buf path = BUF_INIT;
	const char *base = strrchr(jp2, '/');
	size_t n;

	base = base ? base + 1 : jp2;
	n = strlen(base);
	if (n > 8 && strcmp(base + n - 8, "_jp2.zip") == 0)
		n -= 8;
	buf_printf(&path, "%s/%s/%.*s_jp2/%.*s_%04ld.jp2", id, jp2, (int)n, base, (int)n, base,
	    leaf);
	http_escape(b, path.s, path.len);
	buf_free(&path);
}
