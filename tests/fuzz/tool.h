/* tool.h: helpers for harnesses that fuzz a tool's own readers.
 *
 * Such a harness includes the tool's source (cmd/<tool>.c) with main
 * renamed, so it drives the very static functions the tool runs; nothing
 * is copied or moved out of the command.  The tool's rows go to /dev/null
 * (its diagnostics stay on stderr, which libFuzzer closes with
 * -close_fd_mask=2 while fuzzing). */
#ifndef PLATES_FUZZ_TOOL_H
#define PLATES_FUZZ_TOOL_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

/* Send stdout (the tool's rows) to /dev/null, once. */
static inline void
fuzz_null_stdout(void)
{
	static int done;
	int fd;

	if (done)
		return;
	done = 1;
	fflush(stdout);
	if ((fd = open("/dev/null", O_WRONLY)) < 0)
		abort();
	if (fd != STDOUT_FILENO) {
		if (dup2(fd, STDOUT_FILENO) < 0)
			abort();
		close(fd);
	}
}

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

/* Rows go to an unlinked temporary file: fuzz_out_begin empties it,
 * fuzz_out_end reads back what the tool wrote since. */
static inline void
fuzz_out_begin(void)
{
	static int fd = -1;

	if (fd < 0) {
		char tmpl[] = "/tmp/plates-fuzz-out-XXXXXX";
		fflush(stdout);
		if ((fd = mkstemp(tmpl)) < 0)
			abort();
		unlink(tmpl);
		if (dup2(fd, STDOUT_FILENO) < 0)
			abort();
	}
	fflush(stdout);
	if (ftruncate(STDOUT_FILENO, 0) != 0 || lseek(STDOUT_FILENO, 0, SEEK_SET) != 0)
		abort();
}

static inline void
fuzz_out_end(struct buf *b)
{
	char tmp[8192];
	off_t off = 0;
	ssize_t k;

	fflush(stdout);
	buf_reset(b);
	buf_add(b, "", 0);
	while ((k = pread(STDOUT_FILENO, tmp, sizeof tmp, off)) > 0) {
		buf_add(b, tmp, (size_t)k);
		off += k;
	}
	if (k < 0)
		abort();
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
