/* files.h: files for the unit tests: a scratch folder removed at the end,
 * and whole files read back. */
#ifndef PLATES_TEST_FILES_H
#define PLATES_TEST_FILES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* rm -rf dir (links are removed, not followed); 0 or -1. */
static int __attribute__((unused))
files_rmdir(const char *dir)
{
	struct buf p = BUF_INIT;
	struct dirent *d;
	struct stat st;
	DIR *v;
	int rc = 0;

	if (!(v = opendir(dir)))
		return -1;
	while ((d = readdir(v)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		buf_reset(&p);
		buf_printf(&p, "%s/%s", dir, d->d_name);
		if (lstat(p.s, &st) == 0 && S_ISDIR(st.st_mode))
			rc |= files_rmdir(p.s);
		else if (unlink(p.s) < 0)
			rc = -1;
	}
	closedir(v);
	buf_free(&p);
	return rmdir(dir) < 0 ? -1 : rc;
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

/* The bytes of path into b (NUL-terminated; path may point into b); a
 * fixture that cannot be read ends the test (exit 2). */
static void __attribute__((unused))
files_slurp(const char *path, struct buf *b)
{
	char tmp[8192];
	size_t k;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		exit(2);
	}
	buf_reset(b);
	buf_add(b, "", 0);
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(b, tmp, k);
	fclose(f);
}

#endif
