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

#endif
