/* failsys.so: make chosen file system calls fail, for the tests (loaded
 * with LD_PRELOAD).  PLATES_FAILSYS holds rules separated by commas:
 *
 *     CALL:MATCH:N:ERRNO
 *
 * CALL is openat, write, writev, fsync or renameat; MATCH a piece of the
 * path (of the file written for write, writev and fsync, read from
 * /proc/self/fd; the new name for renameat; the path for openat, only when
 * it creates); N: the Nth call that matches fails, and every one after it,
 * as a disk that is full or read-only stays so; ERRNO is ENOSPC, EROFS,
 * EDQUOT, EIO or EFBIG.  A write that fails with ENOSPC first writes half
 * of what it was given, as a disk that fills in the middle does.
 * Nothing is printed; a rule that does not parse is ignored. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define RULES 8

static struct rule {
	char call[16], match[256];
	long n;
	int err;
	long seen;	/* matching calls so far */
} rules[RULES];
static int nrules = -1;

static int
errno_named(const char *s)
{
	static const struct { const char *name; int e; } t[] = {
		{ "ENOSPC", ENOSPC }, { "EROFS", EROFS }, { "EDQUOT", EDQUOT },
		{ "EIO", EIO }, { "EFBIG", EFBIG },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(s, t[i].name) == 0)
			return t[i].e;
	return 0;
}

static void
load(void)
{
	const char *env = getenv("PLATES_FAILSYS");
	char buf[2048], *save = NULL, *tok;

	nrules = 0;
	if (!env || strlen(env) >= sizeof buf)
		return;
	strcpy(buf, env);
	for (tok = strtok_r(buf, ",", &save); tok && nrules < RULES;
	    tok = strtok_r(NULL, ",", &save)) {
		struct rule *r = &rules[nrules];
		char e[16];
		if (sscanf(tok, "%15[^:]:%255[^:]:%ld:%15s", r->call, r->match, &r->n, e) == 4 &&
		    (r->err = errno_named(e)) != 0 && r->n > 0)
			nrules++;
	}
}

/* The errno the call must fail with, or 0; *first: it is the first
 * call to fail by its rule. */
static int
failing_first(const char *call, const char *path, int *first)
{
	int i;
	long k;

	if (nrules < 0)
		load();
	for (i = 0; i < nrules; i++) {
		struct rule *r = &rules[i];
		if (strcmp(r->call, call) != 0 || !path || !strstr(path, r->match))
			continue;
		if ((k = __atomic_add_fetch(&r->seen, 1, __ATOMIC_SEQ_CST)) >= r->n) {
			*first = k == r->n;
			return r->err;
		}
	}
	return 0;
}

static int
failing(const char *call, const char *path)
{
	int first;

	return failing_first(call, path, &first);
}

static const char *
fd_path(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if ((n = readlink(link, buf, size - 1)) < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

#define REAL(type, name, args) \
	static type(*real) args; \
	if (!real) \
		*(void **)(&real) = dlsym(RTLD_NEXT, name)

ssize_t
write(int fd, const void *p, size_t n)
{
	char path[4096];
	int e, first = 0;
	REAL(ssize_t, "write", (int, const void *, size_t));

	if (nrules != 0 && fd > 2 &&
	    (e = failing_first("write", fd_path(fd, path, sizeof path), &first))) {
		if (e == ENOSPC && first && n > 1 && real(fd, p, n / 2) > 0)
			return (ssize_t)(n / 2);	/* the next write fails */
		errno = e;
		return -1;
	}
	return real(fd, p, n);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	char path[4096];
	int e;
	REAL(ssize_t, "writev", (int, const struct iovec *, int));

	if (nrules != 0 && (e = failing("writev", fd_path(fd, path, sizeof path)))) {
		errno = e;
		return -1;
	}
	return real(fd, iov, cnt);
}

int
fsync(int fd)
{
	char path[4096];
	int e;
	REAL(int, "fsync", (int));

	if (nrules != 0 && (e = failing("fsync", fd_path(fd, path, sizeof path)))) {
		errno = e;
		return -1;
	}
	return real(fd);
}

int
renameat(int od, const char *old, int nd, const char *new)
{
	int e;
	REAL(int, "renameat", (int, const char *, int, const char *));

	if (nrules != 0 && (e = failing("renameat", new))) {
		errno = e;
		return -1;
	}
	return real(od, old, nd, new);
}

int
openat(int dfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	int e;
	va_list ap;
	REAL(int, "openat", (int, const char *, int, ...));

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
		if (nrules != 0 && (e = failing("openat", path))) {
			errno = e;
			return -1;
		}
	}
	return real(dfd, path, flags, mode);
}
