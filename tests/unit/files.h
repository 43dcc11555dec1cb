/* files.h: files for the unit tests of the store and the image units: a
 * scratch folder removed at the end, and whole files read back. */
#ifndef PLATES_TEST_FILES_H
#define PLATES_TEST_FILES_H

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"

/* Make a fresh folder $TMPDIR/name.XXXXXX in dir (size bytes); 0 or -1. */
static int __attribute__((unused))
files_tmpdir(char *dir, size_t size, const char *name)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, size, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
	if (!mkdtemp(dir)) {
		perror(dir);
		return -1;
	}
	return 0;
}

/* rm -rf dir; 0 or -1. */
static int __attribute__((unused))
files_rmdir(const char *dir)
{
	struct buf b = BUF_INIT;
	int rc;

	buf_printf(&b, "rm -rf '%s'", dir);
	rc = system(buf_str(&b)) == 0 ? 0 : -1;
	buf_free(&b);
	return rc;
}

/* The whole file path (NUL-terminated; *n bytes), or NULL. */
static __attribute__((unused)) char *
files_read(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	int c;

	*n = 0;
	if (!f)
		return NULL;
	while ((c = getc(f)) != EOF)
		buf_addc(&b, (char)c);
	fclose(f);
	*n = b.len;
	buf_addc(&b, '\0');
	return b.s;
}

#endif
