/* fuzz-htid: pairtree unclean(clean(x)) == x, and clean output is safe
 * as one path component. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "htid.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct buf c = BUF_INIT, u = BUF_INIT, x = BUF_INIT;
	size_t i, nslen;
	const char *local;
	char *id;

	htid_clean(&c, (const char *)data, n);
	for (i = 0; i < c.len; i++) {
		unsigned char ch = (unsigned char)c.s[i];
		if (ch == '/' || ch == '.' || ch == ':' || ch < 0x21 || ch > 0x7e)
			abort();
	}
	if (htid_unclean(&u, buf_str(&c), c.len) != 0 || u.len != n ||
	    (n && memcmp(u.s, data, n) != 0))
		abort();
	/* unclean of arbitrary input must not crash */
	(void)htid_unclean(&x, (const char *)data, n);
	id = malloc(n + 1);
	memcpy(id, data, n);
	id[n] = '\0';
	if (htid_split(id, &nslen, &local) == 0 && (nslen == 0 || id[nslen] != '.' || !*local))
		abort();
	free(id);
	buf_free(&c);
	buf_free(&u);
	buf_free(&x);
	return 0;
}
