/* fuzz-tsv: escaping round-trips; splitting stays inside the line. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tsv.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct buf b = BUF_INIT;
	struct tsv_field f[16];
	size_t i, k, len;
	char *copy;

	/* escape then unescape gives the input back, and escaped text has no
	 * TAB, LF or CR */
	tsv_escape(&b, (const char *)data, n);
	for (i = 0; i < b.len; i++)
		if (b.s[i] == '\t' || b.s[i] == '\n' || b.s[i] == '\r')
			abort();
	len = tsv_unescape(b.s ? b.s : (char *)"", b.len);
	if (len != n || (n && memcmp(b.s, data, n) != 0))
		abort();
	/* split: fields lie inside the line and cover it */
	copy = malloc(n + 1);
	memcpy(copy, data, n);
	k = tsv_split(copy, n, f, 16);
	for (i = 0; i < k && i < 16; i++)
		if (f[i].s < copy || f[i].s + f[i].len > copy + n)
			abort();
	/* unescape of arbitrary text never grows it */
	if (tsv_unescape(copy, n) > n)
		abort();
	free(copy);
	buf_free(&b);
	return 0;
}
