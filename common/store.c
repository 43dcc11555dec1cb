/* store: folders and files on disk; see store.h. */
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xmem.h"

int
store_mkdirs(const char *path, mode_t mode, int whole)
{
	char *p = xstrdup(path), *s;
	int rc = 0, e = 0;

	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			e = errno;
		*s = '/';
		while (s[1] == '/')
			s++;
	}
	if (whole && mkdir(p, mode) < 0 && errno != EEXIST) {
		e = errno;
		rc = -1;
	} else if (!whole && e) {
		rc = -1;
	}
	free(p);
	if (rc < 0)
		errno = e;
	return rc;
}
