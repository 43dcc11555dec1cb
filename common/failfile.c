/* failfile: a run's failure file; see failfile.h.
 *
 * On disk, beside FILE (all in FILE's folder):
 *   FILE                   what failed, replaced whole (temporary file,
 *                          fsync, rename, folder fsync), never edited
 *   .FILE.run.PID.N        a run's journal: its failures as they happen,
 *                          one a line ('f' + the line; 'h' + a header),
 *                          locked (flock) for as long as the run lives
 *   .FILE.tmp.PID.N        FILE being rewritten
 * Every change to FILE happens under an exclusive lock on the folder (or,
 * where a folder cannot be locked, on .FILE.lock).  FILE itself does not
 * change while a run lives, so the run may read it as its input; at close,
 * and at every open, the journals whose lock is free (their run ended
 * without closing: killed) are merged into FILE and removed. */
#include "failfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "hset.h"
#include "store.h"
#include "xmem.h"

/* A line and its key (its first nkey fields). */
struct line {
	char *s;
	size_t len, klen;
	int failed;		/* this run: the key's last word was a failure */
};

/* Lines in order, found by key. */
struct lines {
	struct line *v;
	size_t n, cap;
	size_t *tab;		/* index + 1, 0 empty */
	size_t tcap;
};

struct failfile {
	int nkey;
	int dfd;		/* FILE's folder */
	int jfd;		/* the journal, locked */
	char *base;		/* FILE's name in its folder */
	char *journal;		/* the journal's name */
	char *header;
	struct lines own;	/* the keys this run settled that matter: those it
				 * failed, and those FILE held when it opened */
	struct lines held;	/* the keys FILE held when it opened */
	unsigned long count;
};

static size_t
key_len(const char *s, size_t len, int nkey)
{
	size_t i;
	int k = 0;

	for (i = 0; i < len; i++)
		if (s[i] == '\t' && ++k == nkey)
			return i;
	return len;
}

/* The slot of the key s[0..klen) in l's table. */
static size_t *
slot(const struct lines *l, const char *s, size_t klen)
{
	size_t i = (size_t)hset_hash(s, klen) & (l->tcap - 1);
	const struct line *e;

	for (;; i = (i + 1) & (l->tcap - 1)) {
		if (!l->tab[i])
			return &l->tab[i];
		e = &l->v[l->tab[i] - 1];
		if (e->klen == klen && memcmp(e->s, s, klen) == 0)
			return &l->tab[i];
	}
}

static struct line *
find(const struct lines *l, const char *s, size_t klen)
{
	size_t *p;

	if (!l->tcap)
		return NULL;
	p = slot(l, s, klen);
	return *p ? &l->v[*p - 1] : NULL;
}

/* The entry for s's key (made, empty, if new). */
static struct line *
get(struct lines *l, const char *s, size_t len, int nkey)
{
	size_t klen = key_len(s, len, nkey), i, *p;
	struct line *e;

	if (2 * (l->n + 1) > l->tcap) {
		size_t *old = l->tab, ocap = l->tcap;

		l->tcap = l->tcap ? 2 * l->tcap : 64;
		l->tab = xcalloc(l->tcap, sizeof *l->tab);
		for (i = 0; i < ocap; i++)
			if (old[i]) {
				e = &l->v[old[i] - 1];
				*slot(l, e->s, e->klen) = old[i];
			}
		free(old);
	}
	p = slot(l, s, klen);
	if (*p)
		return &l->v[*p - 1];
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	e = &l->v[l->n++];
	memset(e, 0, sizeof *e);
	e->klen = klen;
	e->s = xstrndup(s, klen);	/* the key, until a line replaces it */
	*p = l->n;
	return e;
}

static void
set_line(struct line *e, const char *s, size_t len)
{
	free(e->s);
	e->s = xstrndup(s, len);
	e->len = len;
}

static void
lines_free(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].s);
	free(l->v);
	free(l->tab);
	memset(l, 0, sizeof *l);
}

/* The whole file name in dfd into b; 0 (a missing file is empty), or -1. */
static int
slurp(int dfd, const char *name, struct buf *b)
{
	char chunk[65536];
	ssize_t k;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), e;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	while ((k = read(fd, chunk, sizeof chunk)) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		buf_add(b, chunk, (size_t)k);
	}
	close(fd);
	return 0;
}

/* Lock the folder (or, where that is refused, a lock file) for a change:
 * the descriptor holding the lock, or -1. */
static int
lock(const struct failfile *f)
{
	struct buf b = BUF_INIT;
	int fd, e;

	fd = openat(f->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		close(fd);
		fd = -1;
	}
	if (fd >= 0)
		return fd;
	/* e.g. NFS, where flock is a byte-range lock that needs a file open
	 * for writing */
	buf_printf(&b, ".%s.lock", f->base);
	fd = openat(f->dfd, buf_str(&b), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
	buf_free(&b);
	while (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		e = errno;
		close(fd);
		errno = e;
		fd = -1;
	}
	return fd;
}

static void
unlock(int fd)
{
	close(fd);	/* the lock goes with the descriptor */
}

/* Create a new file .<base>.<kind>.PID.N in f's folder, exclusively:
 * its descriptor (its name in *name), or -1. */
static int
create(const struct failfile *f, const char *kind, char **name)
{
	static unsigned long n;
	struct buf b = BUF_INIT;
	int fd;

	for (;;) {
		buf_reset(&b);
		buf_printf(&b, ".%s.%s.%ld.%lu", f->base, kind, (long)getpid(), n++);
		fd = openat(f->dfd, buf_str(&b), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		    0666);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		buf_free(&b);
		return -1;
	}
	*name = b.s;
	return fd;
}

/* Split b into lines and hand each (without its newline) to fn. */
static void
each_line(const struct buf *b, void (*fn)(void *, const char *, size_t), void *arg)
{
	const char *p = b->s, *end = b->s + b->len, *nl;

	while (p && p < end) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		if (nl > p)
			fn(arg, p, (size_t)(nl - p));
		p = nl + 1;
	}
}

/* The new contents of FILE, being gathered. */
struct merge {
	const struct failfile *f;
	struct lines out;
	char *header;		/* the header, when f has none: the first found */
	int journal;		/* the lines come from a journal */
};

static int
is_header(const struct merge *m, const char *s, size_t len)
{
	const char *h = m->f->header ? m->f->header : m->header;

	return h && strlen(h) == len && memcmp(h, s, len) == 0;
}

/* A line from FILE or a journal: kept unless this run settled its key; a
 * later line for a key replaces the earlier one. */
static void
merge_line(void *arg, const char *s, size_t len)
{
	struct merge *m = arg;

	if (m->journal) {
		if (*s != 'f')
			return;
		s++;
		len--;
		if (!len)
			return;
	}
	if (is_header(m, s, len))
		return;		/* once, at the top */
	if (find(&m->f->own, s, key_len(s, len, m->f->nkey)))
		return;
	set_line(get(&m->out, s, len, m->f->nkey), s, len);
}

/* The journals of runs that ended without closing (their lock is free)
 * appended to jb, their names to *gone (NUL-separated).  The folder is
 * locked. */
static int
orphans(const struct failfile *f, struct buf *jb, struct buf *gone)
{
	struct buf prefix = BUF_INIT;
	struct dirent *d;
	DIR *dir;
	int fd, rc = 0, e = 0;

	if ((fd = openat(f->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	buf_printf(&prefix, ".%s.", f->base);
	while ((d = readdir(dir)) != NULL) {
		const char *kind = d->d_name + prefix.len;
		size_t had = jb->len;

		if (strncmp(d->d_name, prefix.s, prefix.len) != 0 ||
		    (f->journal && strcmp(d->d_name, f->journal) == 0))
			continue;
		if (strncmp(kind, "tmp.", 4) == 0) {
			/* a rewrite of FILE cut short: FILE changes only under
			 * the lock, which is ours */
			unlinkat(f->dfd, d->d_name, 0);
			continue;
		}
		if (strncmp(kind, "run.", 4) != 0)
			continue;
		if ((fd = openat(f->dfd, d->d_name, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) < 0)
			continue;	/* gone meanwhile */
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			close(fd);	/* its run lives */
			continue;
		}
		if (slurp(f->dfd, d->d_name, jb) < 0) {
			e = errno;
			rc = -1;
		} else {
			/* a line cut short by the kill was never recorded */
			while (jb->len > had && jb->s[jb->len - 1] != '\n')
				jb->len--;
			if (jb->s)
				jb->s[jb->len] = '\0';
			buf_add(gone, d->d_name, strlen(d->d_name) + 1);
		}
		close(fd);
	}
	closedir(dir);
	buf_free(&prefix);
	errno = e;
	return rc;
}

/* The first header in journal text. */
static void
journal_header(void *arg, const char *s, size_t len)
{
	struct merge *m = arg;

	if (*s == 'h' && !m->header && !m->f->header)
		m->header = xstrndup(s + 1, len - 1);
}

/* Write lines (and the header) to a new FILE, or remove FILE if there are
 * none.  The folder is locked. */
static int
replace(const struct failfile *f, const struct merge *m, int changed)
{
	const char *h = f->header ? f->header : m->header;
	struct buf b = BUF_INIT;
	char *tmp = NULL;
	size_t i, n = 0;
	int fd, e, rc = 0;

	for (i = 0; i < m->out.n; i++)
		if (m->out.v[i].len)
			n++;
	if (!n) {
		if (unlinkat(f->dfd, f->base, 0) < 0 && errno != ENOENT)
			return -1;
		fsync(f->dfd);
		return 0;
	}
	if (!changed)
		return 0;
	if (h) {
		buf_adds(&b, h);
		buf_addc(&b, '\n');
	}
	for (i = 0; i < m->out.n; i++)
		if (m->out.v[i].len) {
			buf_add(&b, m->out.v[i].s, m->out.v[i].len);
			buf_addc(&b, '\n');
		}
	if ((fd = create(f, "tmp", &tmp)) < 0) {
		buf_free(&b);
		return -1;
	}
	if (store_write_all(fd, b.s, b.len) < 0 || fsync(fd) < 0)
		rc = -1;
	e = errno;
	if (close(fd) < 0 && !rc) {
		rc = -1;
		e = errno;
	}
	if (!rc && renameat(f->dfd, tmp, f->dfd, f->base) < 0) {
		rc = -1;
		e = errno;
	}
	if (rc)
		unlinkat(f->dfd, tmp, 0);
	else
		fsync(f->dfd);	/* a failure here leaves a whole file all the same */
	free(tmp);
	buf_free(&b);
	errno = e;
	return rc;
}

/* Under the lock: FILE, less the keys this run settled, plus the journals
 * of runs that were killed, plus this run's failures (with finish); the
 * merged journals removed. */
static int
rewrite(struct failfile *f, int finish)
{
	struct merge m = { f, { NULL, 0, 0, NULL, 0 }, NULL, 0 };
	struct buf b = BUF_INIT, jb = BUF_INIT, gone = BUF_INIT;
	const char *p;
	size_t i;
	int lk, rc = 0, e = 0;

	if ((lk = lock(f)) < 0)
		return -1;
	if (slurp(f->dfd, f->base, &b) < 0 || orphans(f, &jb, &gone) < 0) {
		rc = -1;
		e = errno;
	} else {
		each_line(&jb, journal_header, &m);
		each_line(&b, merge_line, &m);
		m.journal = 1;
		each_line(&jb, merge_line, &m);
		if (finish)
			for (i = 0; i < f->own.n; i++)
				if (f->own.v[i].failed)
					set_line(get(&m.out, f->own.v[i].s, f->own.v[i].len, f->nkey),
					    f->own.v[i].s, f->own.v[i].len);
		if (!finish)	/* at open: which settled keys must be remembered */
			for (i = 0; i < m.out.n; i++)
				get(&f->held, m.out.v[i].s, m.out.v[i].len, f->nkey);
		if (replace(f, &m, finish || gone.len > 0) < 0) {
			rc = -1;
			e = errno;
		} else {
			/* FILE holds them now */
			for (p = gone.s; p && p < gone.s + gone.len; p += strlen(p) + 1)
				unlinkat(f->dfd, p, 0);
			if (finish && f->journal)
				unlinkat(f->dfd, f->journal, 0);
		}
	}
	unlock(lk);
	lines_free(&m.out);
	free(m.header);
	buf_free(&b);
	buf_free(&jb);
	buf_free(&gone);
	errno = e;
	return rc;
}

static void
ff_free(struct failfile *f)
{
	int e = errno;

	if (f->jfd >= 0)
		close(f->jfd);
	if (f->dfd >= 0)
		close(f->dfd);
	free(f->base);
	free(f->journal);
	free(f->header);
	lines_free(&f->own);
	lines_free(&f->held);
	free(f);
	errno = e;
}

/* Append 'kind' + s and a newline to the journal, and flush it to disk. */
static int
journal_add(struct failfile *f, int kind, const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	int rc;

	buf_addc(&b, kind);
	buf_add(&b, s, len);
	buf_addc(&b, '\n');
	rc = store_write_all(f->jfd, b.s, b.len);
	if (!rc)
		rc = fdatasync(f->jfd);
	buf_free(&b);
	return rc;
}

struct failfile *
failfile_open(const char *path, int nkey, const char *header)
{
	struct failfile *f = xcalloc(1, sizeof *f);
	const char *slash = strrchr(path, '/');
	char *dir;
	int lk;

	f->dfd = f->jfd = -1;
	f->nkey = nkey > 0 ? nkey : 1;
	if (!*path || (slash && !slash[1])) {
		free(f);
		errno = !*path ? ENOENT : EISDIR;
		return NULL;
	}
	dir = slash ? (slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path))) :
	    xstrdup(".");
	f->base = xstrdup(slash ? slash + 1 : path);
	f->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (f->dfd < 0)
		goto fail;
	if (header)
		f->header = xstrdup(header);
	/* what killed runs left goes into FILE now */
	if (rewrite(f, 0) < 0)
		goto fail;
	/* the journal is made and locked under the folder's lock, so that no
	 * other run takes it for a killed run's */
	if ((lk = lock(f)) < 0)
		goto fail;
	if ((f->jfd = create(f, "run", &f->journal)) >= 0 && flock(f->jfd, LOCK_EX) < 0) {
		int e = errno;

		unlinkat(f->dfd, f->journal, 0);
		errno = e;
		close(f->jfd);
		f->jfd = -1;
	}
	unlock(lk);
	if (f->jfd < 0)
		goto fail;
	if (f->header && journal_add(f, 'h', f->header, strlen(f->header)) < 0)
		goto fail;
	return f;
fail:
	if (f->journal)
		unlinkat(f->dfd, f->journal, 0);
	ff_free(f);
	return NULL;
}

int
failfile_header(struct failfile *f, const char *line, size_t len)
{
	if (!f || f->header)
		return 0;
	f->header = xstrndup(line, len);
	return journal_add(f, 'h', line, len);
}

int
failfile_failed(struct failfile *f, const char *line, size_t len)
{
	struct line *e;

	if (journal_add(f, 'f', line, len) < 0)
		return -1;
	e = get(&f->own, line, len, f->nkey);
	set_line(e, line, len);
	if (!e->failed)
		f->count++;
	e->failed = 1;
	return 0;
}

void
failfile_done(struct failfile *f, const char *line, size_t len)
{
	size_t klen = key_len(line, len, f->nkey);
	struct line *e = find(&f->own, line, klen);

	/* a key neither failed by this run nor held by FILE has no line to
	 * drop: not remembered, so that memory does not grow with the input */
	if (!e && !find(&f->held, line, klen))
		return;
	if (!e)
		e = get(&f->own, line, len, f->nkey);

	if (e->failed)
		f->count--;
	e->failed = 0;
}

unsigned long
failfile_count(const struct failfile *f)
{
	return f->count;
}

int
failfile_close(struct failfile *f)
{
	int rc;

	if (!f)
		return 0;
	/* on failure the journal stays, for the next run to merge */
	rc = rewrite(f, 1);
	ff_free(f);
	return rc;
}
