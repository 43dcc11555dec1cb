/* store: folders and files on disk; see store.h. */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
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

int
store_usable_file(const char *path)
{
	int fd, e;

	(void)store_mkdirs(path, 0700, 0);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return 0;
	e = errno;
	close(fd);
	errno = e;
	return 1;
}

const char *
store_reason(int e)
{
	switch (e) {
	case ELOOP:
		return "symlink";
	case ENOSPC:
#ifdef EDQUOT
	case EDQUOT:
#endif
		return "disk-full";
	case EFBIG:
		return "file-too-large";
	case EACCES:
	case EPERM:
		return "permission";
	case EROFS:
	case EIO:
		return "write-error";
	case ENAMETOOLONG:
		return "name-too-long";
	default:
		return "file-system";
	}
}

int
store_fatal(int e)
{
	return e == ENOSPC || e == EFBIG || e == EROFS || e == EIO
#ifdef EDQUOT
	    || e == EDQUOT
#endif
	    ;
}

int
store_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int
store_file_at(int dfd, const char *name, struct stat *st)
{
	if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (S_ISLNK(st->st_mode)) {
		errno = ELOOP;
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		errno = EISDIR;
		return -1;
	}
	return 1;
}

/* The size of the file fd up to the end of its last whole line: a last
 * line without its newline was cut short (a full disk, a process killed
 * in the middle of its write) and is left out. */
static off_t
whole_lines(int fd, off_t size)
{
	char chunk[512];
	off_t at = size;
	ssize_t n;

	while (at > 0) {
		size_t k = at < (off_t)sizeof chunk ? (size_t)at : sizeof chunk;
		if ((n = pread(fd, chunk, k, at - (off_t)k)) != (ssize_t)k)
			return size;	/* cannot tell: leave it */
		while (n > 0 && chunk[n - 1] != '\n')
			n--;
		if (n > 0)
			return at - (off_t)k + n;
		at -= (off_t)k;
	}
	return 0;
}

int
store_append(int dfd, const char *name, const char *head, const char *line, size_t n)
{
	struct buf b = BUF_INIT;
	struct stat st;
	off_t end = 0;
	int fd, e = 0;

	fd = openat(dfd, name, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0 && !e)
		if (errno != EINTR)
			e = errno;
	if (!e && fstat(fd, &st) < 0)
		e = errno;
	if (!e) {
		end = whole_lines(fd, st.st_size);
		if (end < st.st_size && ftruncate(fd, end) < 0)
			e = errno;
	}
	if (!e) {
		if (end == 0)
			buf_adds(&b, head);
		buf_add(&b, line, n);
		if (store_write_all(fd, b.s, b.len) < 0) {	/* one write: lines never mix */
			e = errno;
			/* no part of the line stays (a full disk can take half) */
			if (ftruncate(fd, end) < 0 && !e)
				e = errno;
		}
	}
	close(fd);	/* releases the lock */
	buf_free(&b);
	errno = e;
	return e ? -1 : 0;
}

/* ---- folders ---- */

/* Open the folder name inside dfd without following a link; with create,
 * make it first.  A link gives ELOOP, whatever it points to. */
static int
store_open_dir(int dfd, const char *name, int create)
{
	struct stat st;
	int fd;

	for (;;) {
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno == ENOTDIR && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode))
			errno = ELOOP;
		if (errno != ENOENT || !create)
			return -1;
		if (mkdirat(dfd, name, 0777) < 0 && errno != EEXIST)
			return -1;
		create = 0;	/* once: a race that removes it again is an error */
	}
}

int
store_open(struct store *s, const char *dir, int make)
{
	memset(s, 0, sizeof *s);
	s->top = -1;
	if (make && store_mkdirs(dir, 0777, 1) < 0)
		return -1;
	s->top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->top < 0 && !(!make && errno == ENOENT))
		return -1;
	return 0;
}

static void
cache_drop(struct store *s, int i)
{
	free(s->cache[i].key);
	if (s->cache[i].fd >= 0)
		close(s->cache[i].fd);
	memmove(&s->cache[i], &s->cache[i + 1], (STORE_FOLDERS - 1 - (size_t)i) * sizeof s->cache[0]);
	s->cache[STORE_FOLDERS - 1].key = NULL;
}

void
store_close(struct store *s)
{
	while (s->cache[0].key)
		cache_drop(s, 0);
	if (s->top >= 0)
		close(s->top);
	s->top = -1;
}

/* top/lib/folder as a descriptor; -1 with errno. */
static int
open_folder(const struct store *s, const char *lib, const char *folder, int create)
{
	int lfd, fd, e;

	if (s->top < 0) {
		errno = ENOENT;
		return -1;
	}
	if ((lfd = store_open_dir(s->top, lib, create)) < 0)
		return -1;
	fd = store_open_dir(lfd, folder, create);
	e = errno;
	close(lfd);
	errno = e;
	return fd;
}

/* Is name a temporary file's (.<name>.part.XXXXXX)? */
static int
temp_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '.' && n > 13 && memcmp(name + n - 12, ".part.", 6) == 0;
}

/* Remove the temporary files in the folder dfd that no process writes:
 * a writer holds its file's lock from creation to rename (a process
 * killed, even with SIGKILL, lets go of it), so a file whose lock is free
 * was left by a run that died.  Removed under that lock; a writer that
 * finds its new file unlinked once it has the lock makes another. */
static void
sweep_temps(int dfd)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *d;
	struct stat a, b;
	DIR *dir;

	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((d = readdir(dir)) != NULL) {
		int tf;
		if (!temp_name(d->d_name))
			continue;
		tf = openat(dfd, d->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (tf < 0)
			continue;
		if (flock(tf, LOCK_EX | LOCK_NB) == 0 && fstat(tf, &a) == 0 &&
		    fstatat(dfd, d->d_name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev && S_ISREG(a.st_mode))
			unlinkat(dfd, d->d_name, 0);
		close(tf);	/* and its lock */
	}
	closedir(dir);
}

static int
cache_find(const struct store *s, const char *key)
{
	int i;

	for (i = 0; i < STORE_FOLDERS && s->cache[i].key; i++)
		if (strcmp(s->cache[i].key, key) == 0)
			return i;
	return -1;
}

int
store_folder(struct store *s, const char *lib, const char *folder, int create)
{
	struct buf b = BUF_INIT;
	int i, fd, e;

	buf_printf(&b, "%s/%s", lib, folder);
	if ((i = cache_find(s, buf_str(&b))) >= 0) {
		if (s->cache[i].fd >= 0 || (!create && clock_now() - s->cache[i].when < 1.0)) {
			if (i > 0) {
				char *key = s->cache[i].key;
				double when = s->cache[i].when;
				fd = s->cache[i].fd;
				memmove(&s->cache[1], &s->cache[0], (size_t)i * sizeof s->cache[0]);
				s->cache[0].key = key;
				s->cache[0].fd = fd;
				s->cache[0].when = when;
			}
			buf_free(&b);
			if (s->cache[0].fd < 0)
				errno = ENOENT;
			return s->cache[0].fd;
		}
		cache_drop(s, i);	/* missing then: look again */
	}
	fd = open_folder(s, lib, folder, create);
	if (fd < 0 && errno != ENOENT) {
		buf_free(&b);
		return -1;
	}
	if (fd >= 0)
		sweep_temps(fd);
	e = errno;
	if (s->cache[STORE_FOLDERS - 1].key)
		cache_drop(s, STORE_FOLDERS - 1);
	memmove(&s->cache[1], &s->cache[0], (STORE_FOLDERS - 1) * sizeof s->cache[0]);
	s->cache[0].key = xstrdup(buf_str(&b));
	s->cache[0].fd = fd;
	s->cache[0].when = clock_now();
	buf_free(&b);
	errno = e;
	return fd;
}

void
store_forget(struct store *s, const char *lib, const char *folder)
{
	struct buf b = BUF_INIT;
	int i;

	buf_printf(&b, "%s/%s", lib, folder);
	if ((i = cache_find(s, buf_str(&b))) >= 0)
		cache_drop(s, i);
	buf_free(&b);
}

/* ---- temporary files, removed by the signal handler ---- */

/* One slot per file being written: the handler unlinks name in dirfd.  A
 * slot is filled before its file is created and emptied after the file
 * was renamed or removed, so the handler never misses one (removing a
 * name that no longer exists is harmless). */
struct tslot {
	volatile sig_atomic_t used;
	int dirfd;
	char name[NAME_MAX + 1];
};
static struct tslot tslots[STORE_SLOTS];
static char *file_tmp;			/* store_file's temporary (AT_FDCWD) */
static volatile sig_atomic_t file_tmp_live;

void
store_remove_temps(void)
{
	size_t i;

	for (i = 0; i < STORE_SLOTS; i++)
		if (tslots[i].used)
			unlinkat(tslots[i].dirfd, tslots[i].name, 0);
	if (file_tmp_live)
		unlink(file_tmp);
}

static void
on_signal(int sig)
{
	store_remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
store_catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa, was;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		/* a signal ignored on entry (nohup, background jobs) stays so */
		if (sigaction(sigs[i], NULL, &was) == 0 && was.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	signal(SIGXFSZ, SIG_IGN);	/* a file size limit: write() says EFBIG */
}

static int
slot_take(int dirfd, const char *name)
{
	size_t i;

	for (i = 0; i < STORE_SLOTS; i++) {
		if (!tslots[i].used) {
			tslots[i].dirfd = dirfd;
			snprintf(tslots[i].name, sizeof tslots[i].name, "%s", name);
			tslots[i].used = 1;
			return (int)i;
		}
	}
	return -1;	/* more than STORE_SLOTS files at once */
}

static void
slot_free(int i)
{
	if (i >= 0)
		tslots[i].used = 0;
}

void
store_temp_init(struct store_temp *t)
{
	t->dfd = t->fd = t->slot = -1;
	t->name[0] = '\0';
}

void
store_temp_drop(struct store_temp *t)
{
	if (t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
	}
	if (t->slot >= 0) {
		unlinkat(t->dfd, t->name, 0);
		slot_free(t->slot);
		t->slot = -1;
	}
}

void
store_temp_end(struct store_temp *t)
{
	store_temp_drop(t);
	if (t->dfd >= 0) {
		close(t->dfd);
		t->dfd = -1;
	}
}

/* Lock a new temporary file for as long as it is written (sweep_temps):
 * 0, or -1 after closing it when a sweep removed it first. */
static int
temp_lock(struct store_temp *t)
{
	struct stat st;

	while (flock(t->fd, LOCK_EX) < 0 && errno == EINTR)
		;
	if (fstat(t->fd, &st) == 0 && st.st_nlink > 0)
		return 0;
	close(t->fd);
	t->fd = -1;
	slot_free(t->slot);
	t->slot = -1;
	return -1;
}

int
store_temp_open(struct store *s, struct store_temp *t, const char *lib, const char *folder,
    const char *name, const char **what)
{
	static unsigned int seed;
	static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	int tries, i;

	*what = "folder of";
	if (t->dfd < 0) {
		int fd = store_folder(s, lib, folder, 1);
		/* the file keeps its own descriptor: it outlives cache entries */
		if (fd < 0 || (t->dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0)
			return -1;
	}
	*what = "temporary file for";
	if (!seed)
		seed = (unsigned int)getpid() ^ (unsigned int)time(NULL);
	for (tries = 0; tries < 100; tries++) {
		int n = snprintf(t->name, sizeof t->name, ".%s.part.", name);
		if (n < 0 || (size_t)n + 7 > sizeof t->name) {
			errno = ENAMETOOLONG;
			return -1;
		}
		for (i = 0; i < 6; i++)
			t->name[n + i] = abc[rand_r(&seed) % (sizeof abc - 1)];
		t->name[n + 6] = '\0';
		t->slot = slot_take(t->dfd, t->name);
		t->fd = openat(t->dfd, t->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0666);
		if (t->fd >= 0) {
			if (temp_lock(t) == 0)
				return 0;
			continue;	/* swept before it was locked: make another */
		}
		slot_free(t->slot);
		t->slot = -1;
		if (errno == ENOENT && tries == 0) {
			/* the folder was removed under us: open (make) it again */
			int e, fd;
			store_forget(s, lib, folder);
			fd = store_folder(s, lib, folder, 1);
			e = errno;
			close(t->dfd);
			t->dfd = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0);
			if (t->dfd < 0) {
				errno = fd < 0 ? e : errno;
				break;
			}
			continue;
		}
		if (errno != EEXIST)
			break;
	}
	return -1;
}

int
store_temp_write(struct store_temp *t, const void *a, size_t na, const void *b, size_t nb)
{
	struct iovec iov[2];
	int k = 0;
	ssize_t w;

	iov[0].iov_base = (void *)a;
	iov[0].iov_len = na;
	iov[1].iov_base = (void *)b;
	iov[1].iov_len = nb;
	while (k < 2) {
		if (iov[k].iov_len == 0) {
			k++;
			continue;
		}
		w = writev(t->fd, iov + k, 2 - k);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (k < 2 && (size_t)w >= iov[k].iov_len) {
			w -= (ssize_t)iov[k].iov_len;
			iov[k++].iov_len = 0;
		}
		if (k < 2) {
			iov[k].iov_base = (char *)iov[k].iov_base + w;
			iov[k].iov_len -= (size_t)w;
		}
	}
	return 0;
}

int
store_temp_commit(struct store_temp *t, const char *name, int sync, const char **what)
{
	int keep, rc = 0;

	if (sync && fsync(t->fd) < 0) {
		*what = "fsync of";
		return -1;
	}
	/* the lock stays (on a second descriptor) until the rename: closing
	 * says what a network file system could not write, and the file must
	 * not look left over to another run's sweep before it has its name */
	keep = fcntl(t->fd, F_DUPFD_CLOEXEC, 0);
	if (close(t->fd) < 0) {
		t->fd = -1;
		*what = "closing";
		rc = -1;
	} else {
		t->fd = -1;
		if (renameat(t->dfd, t->name, t->dfd, name) < 0) {
			*what = "renaming to";
			rc = -1;
		}
	}
	if (keep >= 0) {
		int e = errno;
		close(keep);
		errno = e;
	}
	if (rc < 0)
		return -1;
	slot_free(t->slot);
	t->slot = -1;
	/* the rename itself reaches the disk with the folder; a failure here
	 * leaves a complete file, so it is not an error */
	if (sync)
		(void)fsync(t->dfd);
	return 0;
}

/* ---- a file written whole, then renamed ---- */

int
store_file_open(struct store_file *f, const char *path)
{
	struct buf b = BUF_INIT;
	int fd;

	buf_printf(&b, "%s.tmp.%ld", path, (long)getpid());
	f->path = xstrdup(path);
	f->tmp = xstrdup(buf_str(&b));
	f->fp = NULL;
	buf_free(&b);
	file_tmp = f->tmp;
	file_tmp_live = 1;
	fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || !(f->fp = fdopen(fd, "w"))) {
		file_tmp_live = 0;
		return -1;
	}
	return 0;
}

int
store_file_commit(struct store_file *f, const char **what)
{
	int rc = 0, e;

	errno = 0;
	if (fflush(f->fp) != 0 || ferror(f->fp) || fclose(f->fp) != 0) {
		*what = f->tmp;
		rc = -1;
	} else if (rename(f->tmp, f->path) < 0) {
		*what = f->path;
		rc = -1;
	}
	e = errno;
	if (rc < 0)
		unlink(f->tmp);
	file_tmp_live = 0;
	f->fp = NULL;
	errno = e;
	return rc;
}

void
store_file_free(struct store_file *f)
{
	if (file_tmp == f->tmp && f->tmp)
		file_tmp_live = 0;	/* no longer removed on a signal */
	free(f->path);
	free(f->tmp);
	f->path = f->tmp = NULL;
}
