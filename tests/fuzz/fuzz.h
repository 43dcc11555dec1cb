/* fuzz.h: helpers for the harnesses.  A harness drives one unit of
 * libcommon.a through its API, as the commands do; nothing includes a
 * command's source. */
#ifndef PLATES_FUZZ_H
#define PLATES_FUZZ_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

/* A path that reads back data[0..n): an unlinked temporary file, rewritten
 * for every input and opened afresh through /dev/fd. */
static inline const char *
fuzz_file(const unsigned char *data, size_t n)
{
	static char path[64];
	static int fd = -1;

	if (fd < 0) {
		char tmpl[] = "/tmp/plates-fuzz-XXXXXX";
		if ((fd = mkstemp(tmpl)) < 0)
			abort();
		unlink(tmpl);
		snprintf(path, sizeof path, "/dev/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, n, 0) != (ssize_t)n)
		abort();
	return path;
}

/* The decoded bytes of a file, as the io module gives them to a tool
 * (gzip is undone); -1 if io fails on them. */
static inline int
fuzz_slurp(const char *path, struct buf *b)
{
	struct io_in *in;
	char tmp[8192];
	ssize_t k;

	if (!(in = io_open(path)))
		abort();
	buf_add(b, "", 0);
	while ((k = io_read(in, tmp, sizeof tmp)) > 0)
		buf_add(b, tmp, (size_t)k);
	io_close(in);
	return k < 0 ? -1 : 0;
}

#endif
