/* page-fetch: page rows to image files in DIR/<library>/<folder>/<page>.jpg,
 * politely (a per-host rate shared by every process using the same
 * throttle file), atomically (temporary file, fsync, rename), lazily (an
 * existing file costs no request) and resumably. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "http.h"
#include "io.h"
#include "progress.h"
#include "sha256.h"
#include "tsv.h"
#include "xmem.h"

static const char usage_text[] =
    "usage: page-fetch [-Hq] [-d DIR] [-j N] [--rate N/s|N/min] [--burst N] [--jitter F]\n"
    "                  [--throttle-file PATH | --no-throttle-file] [--retries N]\n"
    "                  [--retry-delay MS] [--timeout SECS] [--cookies FILE]\n"
    "                  [--user-agent UA] [--header 'NAME: VALUE'] [--failed FILE]\n"
    "                  [--dry-run[=curl|aria2]] [--no-fsync] [--unordered]\n"
    "                  [--progress | --no-progress] [FILE...]\n";

/* Status meaning "stop": a host blocked us (challenge or persistent 429). */
#define EXIT_BLOCKED 3
/* Rows read but not yet written out (the reorder window). */
#define WINDOW 256
/* Lines the reader thread may hold ready. */
#define INQ_MAX 1024
/* Threads that flush and rename finished images, off the event loop. */
#define FINISHERS 4
/* Default request rates (per second) for each library's hosts. */
#define RATE_HT (1.0 / 20)
#define RATE_IA 1.0
#define RATE_OTHER 1.0

enum { DRY_NONE, DRY_CURL, DRY_ARIA2 };

static struct {
	const char *dir;
	int header;
	long jobs;
	double rate;		/* requests per second; < 0: library defaults */
	double burst;
	double jitter;
	const char *throttle_file;
	int no_throttle_file;
	const char *cookies;
	const char *user_agent;
	const char **headers;	/* NULL-ended */
	size_t nheaders;
	const char *failed;
	int dry_run;
	int no_fsync;
	int unordered;
	int progress;		/* -1 auto */
	int quiet;
} opt = { "items", 0, 2, -1, 1, 0.05, NULL, 0, NULL, NULL, NULL, 0, NULL,
	DRY_NONE, 0, 0, -1, 0 };
static struct http_opts ho;		/* --retries, --retry-delay, --timeout */

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
static struct tslot tslots[WINDOW];
static char *failed_tmp;		/* --failed FILE's temporary (AT_FDCWD) */
static volatile sig_atomic_t failed_tmp_live;

static void
remove_temps(void)
{
	size_t i;

	for (i = 0; i < WINDOW; i++)
		if (tslots[i].used)
			unlinkat(tslots[i].dirfd, tslots[i].name, 0);
	if (failed_tmp_live)
		unlink(failed_tmp);
}

static void
on_signal(int sig)
{
	remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
slot_take(int dirfd, const char *name)
{
	size_t i;

	for (i = 0; i < WINDOW; i++) {
		if (!tslots[i].used) {
			tslots[i].dirfd = dirfd;
			snprintf(tslots[i].name, sizeof tslots[i].name, "%s", name);
			tslots[i].used = 1;
			return (int)i;
		}
	}
	return -1;	/* cannot happen: at most WINDOW rows are open */
}

static void
slot_free(int i)
{
	if (i >= 0)
		tslots[i].used = 0;
}

/* ---- input: a reader thread, so a slow producer never stalls transfers ---- */

struct item {
	char *line;		/* NULL: an error message in err */
	size_t len;
	char *err;
	const char *file;
	unsigned long lineno;
	struct item *next;
};

/* inq.mu also guards the finishers' queues (see below); inq.more wakes the
 * main thread for a line or a finished image. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	struct item *head, *tail;
	size_t n;
	int done;		/* the reader has finished */
	char **files;		/* operands */
	int nfiles;
	char **names;		/* their display names, freed at the end */
} inq = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
	NULL, NULL, 0, 0, NULL, 0, NULL };

static void
inq_push(struct item *it)
{
	pthread_mutex_lock(&inq.mu);
	while (inq.n >= INQ_MAX)
		pthread_cond_wait(&inq.room, &inq.mu);
	if (inq.tail)
		inq.tail->next = it;
	else
		inq.head = it;
	inq.tail = it;
	inq.n++;
	pthread_cond_signal(&inq.more);
	pthread_mutex_unlock(&inq.mu);
}

static void
inq_error(const char *file, unsigned long line, const char *msg)
{
	struct item *it = xcalloc(1, sizeof *it);

	it->file = file;
	it->lineno = line;
	it->err = xstrdup(msg);
	inq_push(it);
}

static void *
reader(void *unused)
{
	struct buf line = BUF_INIT;
	int i, r, fd;

	(void)unused;
	for (i = 0; i < inq.nfiles; i++) {
		const char *path = inq.files[i];
		struct io_in *in;

		inq.names[i] = xstrdup(strcmp(path, "-") == 0 ? "<stdin>" : path);
		if (strcmp(path, "-") != 0) {
			/* io_open would print from this thread: check first */
			if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
				inq_error(inq.names[i], 0, strerror(errno));
				continue;
			}
			close(fd);
		}
		if (!(in = io_open(path)))
			continue;
		while ((r = io_getline(in, &line)) > 0) {
			struct item *it = xcalloc(1, sizeof *it);
			it->line = xstrndup(buf_str(&line), line.len);
			it->len = line.len;
			it->file = inq.names[i];
			it->lineno = io_lineno(in);
			inq_push(it);
		}
		if (r < 0)
			inq_error(inq.names[i], io_lineno(in), io_error(in));
		io_close(in);
	}
	buf_free(&line);
	pthread_mutex_lock(&inq.mu);
	inq.done = 1;
	pthread_cond_signal(&inq.more);
	pthread_mutex_unlock(&inq.mu);
	return NULL;
}

/* Up to max items ready now, as a list; *ended when there are none and
 * the input has ended. */
static struct item *
inq_take(size_t max, int *ended)
{
	struct item *first, *last = NULL, *it;
	size_t k = 0;

	pthread_mutex_lock(&inq.mu);
	first = inq.head;
	for (it = first; it && k < max; it = it->next, k++)
		last = it;
	if (last) {
		inq.head = last->next;
		last->next = NULL;
		if (!inq.head)
			inq.tail = NULL;
		inq.n -= k;
		pthread_cond_signal(&inq.room);
	} else {
		first = NULL;
	}
	*ended = !first && inq.done;
	pthread_mutex_unlock(&inq.mu);
	return first;
}

/* ---- rows, hosts, the window ---- */

enum { K_NONE, K_JPEG, K_PNG, K_JP2 };
static const char *const kind_ext[] = { "", ".jpg", ".png", ".jp2" };

enum { R_QUEUED, R_RUNNING, R_DONE };

struct host;

struct row {
	struct row *prev, *next;	/* the window, in input order */
	struct row *qnext;		/* the host's queue */
	struct host *host;
	char *line;			/* the input line, raw */
	size_t len;
	const char *file;
	unsigned long lineno;
	char *library, *id, *page, *url;	/* decoded */
	char *lib, *folder, *base;	/* their names on disk */
	double checked;			/* when it was found missing */
	char *name;			/* final file name */
	char *path;			/* for output: DIR/lib/folder/name */
	int state;
	char status[48];
	unsigned long long bytes;
	/* the transfer */
	int dfd, fd, slot;
	char tmp[NAME_MAX + 1];
	unsigned char head[12];
	size_t nhead;
	unsigned char tail[16];
	unsigned long long written;
	int kind;
	struct sha256 sha;
	const char *verdict;		/* why a callback stopped the transfer */
	char *why;			/* message detail */
	int err;			/* errno of a file system failure */
	/* for the finisher: what goes into the manifest, and how it went */
	char *final_url, *date;
	char sha_hex[2 * SHA256_LEN + 1];
	const char *fin_what;		/* the step that failed */
	int fin_err, man_err;
};

struct host {
	char *key;
	struct row *head, *tail;	/* not yet handed to http */
	long inflight;
	int blocked, throttled;
	struct host *next;
};

static struct http *net;
static struct host *hosts;
static struct row *win_head, *win_tail;
static size_t win_n;
static int dirfd_top = -1;
static int blocked_any;
static int fatal_err;			/* a full disk or the like: no more requests */
static char *fatal_path;
static FILE *failed_fp;
static int have_header;

static struct {
	unsigned long rows, done, ok, exists, failed, fetched;
	double start;
} stats;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
row_free(struct row *r)
{
	free(r->line);
	free(r->library);
	free(r->id);
	free(r->page);
	free(r->url);
	free(r->lib);
	free(r->folder);
	free(r->base);
	free(r->name);
	free(r->path);
	free(r->why);
	free(r->final_url);
	free(r->date);
	free(r);
}

/* ---- names on disk ---- */

/* Append s to b as one safe file name: pairtree's escapes (^xx for '"' '*'
 * '+' ',' '<' '=' '>' '?' '\' '^' '|' and bytes outside 0x21-0x7e), then
 * '/' to '=' and ':' to '+'; '.' is kept.  keep_comma keeps ',' as it is
 * (page names, so that a crop box reads 1_10,20,30,40). */
static void
name_map(struct buf *b, const char *s, size_t len, int keep_comma)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == ',' && keep_comma) {
			buf_addc(b, ',');
		} else if (c < 0x21 || c > 0x7e || strchr("\"*+,<=>?\\^|", c)) {
			buf_addc(b, '^');
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
		} else if (c == '/') {
			buf_addc(b, '=');
		} else if (c == ':') {
			buf_addc(b, '+');
		} else {
			buf_addc(b, (char)c);
		}
	}
}

static char *
mapped(const char *s, int keep_comma)
{
	struct buf b = BUF_INIT;

	name_map(&b, s, strlen(s), keep_comma);
	buf_addc(&b, '\0');
	return b.s;
}

static int
bad_name(const char *s)
{
	return !*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0;
}

/* The region of an IIIF Image API URL (.../REGION/SIZE/ROTATION/QUALITY.FMT),
 * percent-decoded, when it is not the full image; else NULL. */
static char *
iiif_region(const char *url)
{
	const char *q, *seg[5], *p;
	size_t n, i, k;
	struct buf b = BUF_INIT;
	int found = 0;

	q = strstr(url, "://");
	if (!q)
		return NULL;
	q = strchr(q + 3, '/');
	if (!q)
		return NULL;
	n = strcspn(q, "?#");
	/* the last five '/' of the path begin region, size, rotation, quality */
	for (i = n, k = 0; i > 0 && k < 5; i--)
		if (q[i - 1] == '/')
			seg[k++] = q + i;
	if (k < 5)
		return NULL;
	/* seg[0] quality.format, seg[1] rotation, seg[2] size, seg[3] region */
	for (p = seg[0]; p < q + n && (*p >= 'a' && *p <= 'z'); p++)
		;
	if (p == seg[0] || p >= q + n || *p != '.')
		return NULL;
	p = seg[1];
	if (*p == '!')
		p++;
	if (!(*p >= '0' && *p <= '9'))
		return NULL;
	while ((*p >= '0' && *p <= '9') || *p == '.')
		p++;
	if (*p != '/')
		return NULL;
	for (p = seg[3]; *p != '/'; p++)
		found = 1;
	http_unescape(&b, seg[3], (size_t)(p - seg[3]));
	if (!found || strcmp(buf_str(&b), "full") == 0 || strcmp(buf_str(&b), "max") == 0) {
		buf_free(&b);
		return NULL;
	}
	buf_addc(&b, '\0');
	return b.s;
}

static double
library_rate(const char *library)
{
	if (opt.rate >= 0)
		return opt.rate;
	if (strcmp(library, "hathitrust") == 0)
		return RATE_HT;
	if (strcmp(library, "internetarchive") == 0)
		return RATE_IA;
	return RATE_OTHER;
}

static char *last_prefix;		/* get_host's last URL up to the path */
static struct host *last;

static struct host *
get_host(const char *url, const char *library)
{
	const char *p = strstr(url, "://");
	size_t n = p ? strcspn(p + 3, "/?#") + (size_t)(p + 3 - url) : 0;
	char *key;
	struct host *h;

	/* rows of one host come in runs: skip parsing the URL again */
	if (last && n && strncmp(url, last_prefix, n) == 0 && last_prefix[n] == '\0')
		return last;
	if (!(key = http_host_key(url)))
		return NULL;
	for (h = hosts; h; h = h->next)
		if (strcmp(h->key, key) == 0)
			break;
	if (h) {
		free(key);
	} else {
		h = xcalloc(1, sizeof *h);
		h->key = key;
		h->next = hosts;
		hosts = h;
		if (net)
			http_host_limit(net, url, (int)opt.jobs, library_rate(library), opt.burst);
	}
	if (n) {
		free(last_prefix);
		last_prefix = xstrndup(url, n);
		last = h;
	}
	return h;
}

/* ---- the file system: nothing inside DIR is followed if it is a link ---- */

static const char *
fs_reason(int e)
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

/* Errors after which no other row can be written either. */
static int
fs_fatal(int e)
{
	return e == ENOSPC || e == EFBIG || e == EROFS || e == EIO
#ifdef EDQUOT
	    || e == EDQUOT
#endif
	    ;
}

/* Open the folder name inside dfd without following a link; with create,
 * make it first.  A link gives ELOOP, whatever it points to. */
static int
open_dir(int dfd, const char *name, int create)
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

/* DIR/lib/folder as a descriptor; -1 with errno. */
static int
open_folder(const struct row *r, int create)
{
	int lfd, fd, e;

	if (dirfd_top < 0) {
		errno = ENOENT;
		return -1;
	}
	if ((lfd = open_dir(dirfd_top, r->lib, create)) < 0)
		return -1;
	fd = open_dir(lfd, r->folder, create);
	e = errno;
	close(lfd);
	errno = e;
	return fd;
}

/* Folders open now, most recently used first, so that the pages of one
 * volume do not walk DIR/library/folder again each time.  Each was opened
 * a component at a time without following links (main thread only). */
#define FOLDER_CACHE 8
static struct {
	char *key;	/* library/folder */
	int fd;		/* -1: it did not exist at when */
	double when;
} fcache[FOLDER_CACHE];

static double now_s(void);

static void
fcache_drop(int i)
{
	free(fcache[i].key);
	if (fcache[i].fd >= 0)
		close(fcache[i].fd);
	memmove(&fcache[i], &fcache[i + 1], (FOLDER_CACHE - 1 - (size_t)i) * sizeof fcache[0]);
	fcache[FOLDER_CACHE - 1].key = NULL;
}

static void
fcache_clear(void)
{
	while (fcache[0].key)
		fcache_drop(0);
}

/* The folder of r, from the cache or opened (made, with create) and put in
 * it: a descriptor the caller must not close, or -1 with errno.  That a
 * folder is missing is remembered for a second (a fresh run checks many
 * pages of a volume before its first image makes the folder). */
static int
folder(const struct row *r, int create)
{
	struct buf b = BUF_INIT;
	int i, fd, e;

	buf_adds(&b, r->lib);
	buf_addc(&b, '/');
	buf_adds(&b, r->folder);
	for (i = 0; i < FOLDER_CACHE && fcache[i].key; i++)
		if (strcmp(fcache[i].key, buf_str(&b)) == 0)
			break;
	if (i < FOLDER_CACHE && fcache[i].key) {
		if (fcache[i].fd >= 0 || (!create && now_s() - fcache[i].when < 1.0)) {
			if (i > 0) {
				char *key = fcache[i].key;
				double when = fcache[i].when;
				fd = fcache[i].fd;
				memmove(&fcache[1], &fcache[0], (size_t)i * sizeof fcache[0]);
				fcache[0].key = key;
				fcache[0].fd = fd;
				fcache[0].when = when;
			}
			buf_free(&b);
			if (fcache[0].fd < 0)
				errno = ENOENT;
			return fcache[0].fd;
		}
		fcache_drop(i);	/* missing then: look again */
	}
	fd = open_folder(r, create);
	if (fd < 0 && errno != ENOENT) {
		buf_free(&b);
		return -1;
	}
	e = errno;
	if (fcache[FOLDER_CACHE - 1].key)
		fcache_drop(FOLDER_CACHE - 1);
	memmove(&fcache[1], &fcache[0], (FOLDER_CACHE - 1) * sizeof fcache[0]);
	fcache[0].key = xstrdup(buf_str(&b));
	fcache[0].fd = fd;
	fcache[0].when = now_s();
	buf_free(&b);
	errno = e;
	return fd;
}

/* Forget r's folder (it went away under us: it is opened again). */
static void
folder_forget(const struct row *r)
{
	struct buf b = BUF_INIT;
	int i;

	buf_adds(&b, r->lib);
	buf_addc(&b, '/');
	buf_adds(&b, r->folder);
	for (i = 0; i < FOLDER_CACHE && fcache[i].key; i++) {
		if (strcmp(fcache[i].key, buf_str(&b)) == 0) {
			fcache_drop(i);
			break;
		}
	}
	buf_free(&b);
}

static void
set_path(struct row *r, const char *name)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(opt.dir);

	while (n > 1 && opt.dir[n - 1] == '/')
		n--;
	buf_add(&b, opt.dir, n);
	if (n != 1 || opt.dir[0] != '/')
		buf_addc(&b, '/');
	buf_adds(&b, r->lib);
	buf_addc(&b, '/');
	buf_adds(&b, r->folder);
	buf_addc(&b, '/');
	buf_adds(&b, name);
	free(r->path);
	r->path = xstrdup(buf_str(&b));
	buf_free(&b);
}

/* Is the page there already (under any of the image extensions)?
 * 1 yes (name, path and bytes set), 0 no, -1 error (errno). */
static int
page_exists(struct row *r)
{
	struct buf b = BUF_INIT;
	struct stat st;
	int fd, k, found = 0, e = 0;

	if ((fd = folder(r, 0)) < 0)
		return errno == ENOENT ? 0 : -1;
	for (k = K_JPEG; k <= K_JP2 && !found; k++) {
		buf_reset(&b);
		buf_adds(&b, r->base);
		buf_adds(&b, kind_ext[k]);
		if (fstatat(fd, buf_str(&b), &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			e = ELOOP;
		} else if (!S_ISREG(st.st_mode)) {
			e = EISDIR;
		} else {
			free(r->name);
			r->name = xstrdup(buf_str(&b));
			set_path(r, r->name);
			r->bytes = (unsigned long long)st.st_size;
			found = 1;
		}
		if (e)
			break;
	}
	buf_free(&b);
	if (e) {
		errno = e;
		return -1;
	}
	return found;
}

static int
write_all(int fd, const void *p, size_t n)
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

/* ---- results ---- */

static void
out_write(const struct buf *b)
{
	errno = 0;
	if (fwrite(b->s, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
		remove_temps();
		diag_write_failed();
	}
}

static void
set_status(struct row *r, const char *fmt, const char *arg)
{
	snprintf(r->status, sizeof r->status, fmt, arg);
}

static void
row_message(const struct row *r, const char *why)
{
	if (opt.quiet)
		return;
	diag_warn("%s:%lu: %s page %s: %s: %s", r->file, r->lineno, r->id, r->page, r->url, why);
}

static void
finish_row(struct row *r)
{
	r->state = R_DONE;
	stats.done++;
	if (strcmp(r->status, "ok") == 0)
		stats.ok++;
	else if (strcmp(r->status, "exists") == 0)
		stats.exists++;
	else
		stats.failed++;
}

static void
print_row(struct row *r)
{
	struct buf b = BUF_INIT;

	if (opt.dry_run)
		return;
	buf_add(&b, r->line, r->len);
	buf_addc(&b, '\t');
	buf_adds(&b, r->status);
	buf_addc(&b, '\t');
	if (r->path)
		tsv_escape(&b, r->path, strlen(r->path));
	{
		char num[24];
		int k = (int)sizeof num;
		unsigned long long v = r->bytes;
		num[--k] = '\n';
		do
			num[--k] = (char)('0' + v % 10);
		while ((v /= 10) > 0);
		num[--k] = '\t';
		buf_add(&b, num + k, sizeof num - (size_t)k);
	}
	out_write(&b);
	buf_free(&b);
	if (strcmp(r->status, "ok") != 0 && strcmp(r->status, "exists") != 0) {
		diag_failed();
		if (failed_fp) {
			fwrite(r->line, 1, r->len, failed_fp);
			fputc('\n', failed_fp);
		}
	}
}

static void
unlink_row(struct row *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		win_head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		win_tail = r->prev;
	win_n--;
	row_free(r);
}

/* Write out what can be written: the finished rows at the head of the
 * window (all finished rows with --unordered). */
static void
flush_rows(void)
{
	struct row *r, *next;

	for (r = win_head; r; r = next) {
		next = r->next;
		if (r->state != R_DONE) {
			if (!opt.unordered)
				break;
			continue;
		}
		print_row(r);
		unlink_row(r);
	}
}

/* ---- manifest.tsv: one line per image fetched, appended under a lock ---- */

/* Append r's line (and the header to a new file); 0 or an errno.  Touches
 * only r: runs in a finisher thread. */
static int
manifest_append(struct row *r)
{
	static const char head[] = "page\tfile\turl\tfinal_url\tbytes\tsha256\thttp_date\tfetched\n";
	struct buf b = BUF_INIT;
	struct stat st;
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	int fd, e = 0;

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fd = openat(r->dfd, "manifest.tsv", O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0666);
	if (fd < 0)
		return errno;
	while (flock(fd, LOCK_EX) < 0 && !e)
		if (errno != EINTR)
			e = errno;
	if (!e) {
		if (fstat(fd, &st) == 0 && st.st_size == 0)
			buf_adds(&b, head);
		tsv_escape(&b, r->page, strlen(r->page));
		buf_addc(&b, '\t');
		tsv_escape(&b, r->name, strlen(r->name));
		buf_addc(&b, '\t');
		tsv_escape(&b, r->url, strlen(r->url));
		buf_addc(&b, '\t');
		tsv_escape(&b, r->final_url, strlen(r->final_url));
		buf_printf(&b, "\t%llu\t%s\t", r->written, r->sha_hex);
		tsv_escape(&b, r->date, strlen(r->date));
		buf_printf(&b, "\t%s\n", when);
		if (write_all(fd, b.s, b.len) < 0)	/* one write: lines never mix */
			e = errno;
	}
	close(fd);	/* releases the lock */
	buf_free(&b);
	return e;
}

/* ---- one transfer ---- */

static int
classify(const unsigned char *p, size_t n)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	static const unsigned char jp2[] = { 0, 0, 0, 12, 'j', 'P', ' ', ' ', '\r', '\n', 0x87, '\n' };

	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return K_JPEG;
	if (n >= sizeof png && memcmp(p, png, sizeof png) == 0)
		return K_PNG;
	if (n >= sizeof jp2 && memcmp(p, jp2, sizeof jp2) == 0)
		return K_JP2;
	return K_NONE;
}

static void
why(struct row *r, const char *fmt, const char *arg)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, fmt, arg);
	free(r->why);
	r->why = xstrdup(buf_str(&b));
	buf_free(&b);
}

/* A file system error on this row; errno says which. */
static void
fs_failed(struct row *r, const char *what)
{
	int e = errno;
	struct buf b = BUF_INIT;

	r->err = e;
	r->verdict = fs_reason(e);
	if (e == ELOOP)
		buf_printf(&b, "%s: a symbolic link on the way inside %s: not followed",
		    r->path ? r->path : opt.dir, opt.dir);
	else
		buf_printf(&b, "%s %s: %s", what, r->path ? r->path : opt.dir, strerror(e));
	free(r->why);
	r->why = xstrdup(buf_str(&b));
	buf_free(&b);
	if (fs_fatal(e) && !fatal_err) {
		fatal_err = e;
		fatal_path = xstrdup(r->path ? r->path : opt.dir);
	}
}

static void
drop_temp(struct row *r)
{
	if (r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
	}
	if (r->slot >= 0) {
		unlinkat(r->dfd, r->tmp, 0);
		slot_free(r->slot);
		r->slot = -1;
	}
}

/* Create the temporary file for the kind of image now known. */
static int
open_temp(struct row *r)
{
	static unsigned int seed;
	static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	struct buf b = BUF_INIT;
	int tries, i;

	free(r->name);
	buf_adds(&b, r->base);
	buf_adds(&b, kind_ext[r->kind]);
	r->name = xstrdup(buf_str(&b));
	buf_free(&b);
	set_path(r, r->name);
	if (r->dfd < 0) {
		int fd = folder(r, 1);
		/* the row keeps its own descriptor: it outlives cache entries */
		if (fd < 0 || (r->dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0) {
			fs_failed(r, "folder of");
			return -1;
		}
	}
	if (!seed)
		seed = (unsigned int)getpid() ^ (unsigned int)time(NULL);
	for (tries = 0; tries < 100; tries++) {
		int n = snprintf(r->tmp, sizeof r->tmp, ".%s.part.", r->name);
		if (n < 0 || (size_t)n + 7 > sizeof r->tmp) {
			errno = ENAMETOOLONG;
			fs_failed(r, "temporary file for");
			return -1;
		}
		for (i = 0; i < 6; i++)
			r->tmp[n + i] = abc[rand_r(&seed) % (sizeof abc - 1)];
		r->tmp[n + 6] = '\0';
		r->slot = slot_take(r->dfd, r->tmp);
		r->fd = openat(r->dfd, r->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0666);
		if (r->fd >= 0)
			return 0;
		slot_free(r->slot);
		r->slot = -1;
		if (errno == ENOENT && tries == 0) {
			/* the folder was removed under us: open (make) it again */
			int e, fd;
			folder_forget(r);
			fd = folder(r, 1);
			e = errno;
			close(r->dfd);
			r->dfd = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0);
			if (r->dfd < 0) {
				errno = fd < 0 ? e : errno;
				break;
			}
			continue;
		}
		if (errno != EEXIST)
			break;
	}
	fs_failed(r, "temporary file for");
	return -1;
}

/* Remember the last bytes written (for the end marker) and hash them. */
static void
account(struct row *r, const unsigned char *s, size_t n)
{
	if (n == 0)
		return;
	sha256_update(&r->sha, s, n);
	r->written += n;
	if (n >= sizeof r->tail) {
		memcpy(r->tail, s + n - sizeof r->tail, sizeof r->tail);
	} else {
		memmove(r->tail, r->tail + n, sizeof r->tail - n);
		memcpy(r->tail + sizeof r->tail - n, s, n);
	}
}

/* Write a then b (either may be empty) to the temporary file. */
static int
put2(struct row *r, const void *a, size_t na, const void *b, size_t nb)
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
		w = writev(r->fd, iov + k, 2 - k);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			fs_failed(r, "writing");
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
	account(r, a, na);
	account(r, b, nb);
	return 0;
}

/* The first bytes are in: decide what the body is, open the file. */
static int
start_file(struct row *r)
{
	r->kind = classify(r->head, r->nhead);
	if (r->kind == K_NONE) {
		r->verdict = "not-image";
		why(r, "%s", "the body is not a JPEG, PNG or JP2 image");
		return -1;
	}
	return open_temp(r);
}

static int
on_head(void *arg, const struct http_head *h)
{
	struct row *r = arg;
	const char *ct = h->content_type;

	if (fatal_err) {
		r->verdict = fs_reason(fatal_err);
		why(r, "%s", "not written: the output folder failed earlier");
		return 1;
	}
	if (strcasecmp(h->access, "deny") == 0) {
		r->verdict = "restricted";
		why(r, "%s", "X-HathiTrust-Access: deny (not full view from here)");
		return 1;
	}
	if (strncasecmp(ct, "image/svg", 9) == 0 && strcmp(r->library, "hathitrust") == 0) {
		r->verdict = "restricted";
		why(r, "%s", "an SVG placeholder (restricted item)");
		return 1;
	}
	if (strncasecmp(ct, "image/", 6) != 0 || strncasecmp(ct, "image/svg", 9) == 0) {
		r->verdict = "not-image";
		why(r, "Content-Type is '%s', not an image", ct);
		return 1;
	}
	return 0;
}

static int
on_body(void *arg, const char *p, size_t n)
{
	struct row *r = arg;
	size_t k;

	if (fatal_err) {
		r->verdict = fs_reason(fatal_err);
		why(r, "%s", "not written: the output folder failed earlier");
		return 1;
	}
	if (r->fd < 0) {
		k = sizeof r->head - r->nhead < n ? sizeof r->head - r->nhead : n;
		memcpy(r->head + r->nhead, p, k);
		r->nhead += k;
		p += k;
		n -= k;
		if (r->nhead < sizeof r->head)
			return 0;
		if (start_file(r) < 0)
			return 1;
		return put2(r, r->head, r->nhead, p, n) < 0;
	}
	return put2(r, NULL, 0, p, n) < 0;
}

static void
on_restart(void *arg)
{
	struct row *r = arg;

	/* the body starts again, and so does the file (its first bytes are
	 * looked at again) */
	drop_temp(r);
	r->nhead = 0;
	r->written = 0;
	memset(r->tail, 0, sizeof r->tail);
	sha256_init(&r->sha);
}

/* Does the body end as its format requires (not cut short)? */
static int
complete(const struct row *r)
{
	static const unsigned char iend[] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
	size_t n = sizeof r->tail;

	if (r->kind == K_JPEG) {
		/* FF D9, perhaps followed by padding */
		while (n > 2 && (r->tail[n - 1] == 0 || r->tail[n - 1] == '\n' ||
		    r->tail[n - 1] == '\r' || r->tail[n - 1] == ' '))
			n--;
		return r->written >= 4 && r->tail[n - 2] == 0xff && r->tail[n - 1] == 0xd9;
	}
	if (r->kind == K_PNG)
		return r->written >= 20 && memcmp(r->tail + 4, iend, sizeof iend) == 0;
	return 1;
}

/* Make the complete temporary file the page: flush it, rename it, flush
 * the folder, add the manifest line.  Touches only r, so it runs in a
 * finisher thread; the outcome is left in fin_err (with fin_what) and
 * man_err for conclude(). */
static void
finalize(struct row *r)
{
	r->fin_err = r->man_err = 0;
	if (!opt.no_fsync && fsync(r->fd) < 0) {
		r->fin_what = "fsync of";
		goto fail;
	}
	if (close(r->fd) < 0) {
		r->fd = -1;
		r->fin_what = "closing";
		goto fail;
	}
	r->fd = -1;
	if (renameat(r->dfd, r->tmp, r->dfd, r->name) < 0) {
		r->fin_what = "renaming to";
		goto fail;
	}
	slot_free(r->slot);
	r->slot = -1;
	/* the rename itself reaches the disk with the folder; a failure here
	 * leaves a complete file, so it is not an error */
	if (!opt.no_fsync)
		(void)fsync(r->dfd);
	r->man_err = manifest_append(r);
	close(r->dfd);
	r->dfd = -1;
	return;
fail:
	r->fin_err = errno;
	drop_temp(r);
	close(r->dfd);
	r->dfd = -1;
}

/* After finalize(), in the main thread: the row's status and messages. */
static void
conclude(struct row *r)
{
	if (r->fin_err) {
		errno = r->fin_err;
		fs_failed(r, r->fin_what);
		set_status(r, "failed:%s", r->verdict);
		r->verdict = NULL;
		if (!fs_fatal(r->err))	/* a full disk is reported once, at the end */
			row_message(r, r->why);
	} else {
		r->bytes = r->written;
		set_status(r, "%s", "ok");
		if (r->man_err) {
			if (!opt.quiet || fs_fatal(r->man_err))
				diag_warn("%s: manifest.tsv: %s", r->path, strerror(r->man_err));
			if (fs_fatal(r->man_err) && !fatal_err) {
				fatal_err = r->man_err;
				fatal_path = xstrdup(r->path);
			}
			diag_failed();
		}
	}
	finish_row(r);
}

/* ---- finishers: threads that wait on the disk so the event loop never does ---- */

static struct {
	pthread_cond_t work;
	struct row *todo, *todo_tail;	/* for the finishers */
	struct row *done, *done_tail;	/* back to the main thread */
	int stop;
	int nthreads;
	pthread_t tid[FINISHERS];
} fin = { PTHREAD_COND_INITIALIZER, NULL, NULL, NULL, NULL, 0, 0, { 0 } };
static size_t fin_pending;		/* handed over, not concluded (main thread) */

static void *
finisher(void *unused)
{
	struct row *r;

	(void)unused;
	pthread_mutex_lock(&inq.mu);
	for (;;) {
		while (!fin.todo && !fin.stop)
			pthread_cond_wait(&fin.work, &inq.mu);
		if (!fin.todo)
			break;
		r = fin.todo;
		fin.todo = r->qnext;
		if (!fin.todo)
			fin.todo_tail = NULL;
		pthread_mutex_unlock(&inq.mu);
		finalize(r);
		pthread_mutex_lock(&inq.mu);
		r->qnext = NULL;
		if (fin.done_tail)
			fin.done_tail->qnext = r;
		else
			fin.done = r;
		fin.done_tail = r;
		pthread_cond_signal(&inq.more);
	}
	pthread_mutex_unlock(&inq.mu);
	return NULL;
}

static void
fin_push(struct row *r)
{
	sigset_t all, old;

	if (fin.nthreads < FINISHERS && fin_pending >= (size_t)fin.nthreads) {
		/* one more thread, which takes no signals (the handler runs here) */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		if (pthread_create(&fin.tid[fin.nthreads], NULL, finisher, NULL) == 0)
			fin.nthreads++;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (fin.nthreads == 0) {	/* no thread at all: do it here */
			finalize(r);
			conclude(r);
			return;
		}
	}
	fin_pending++;
	pthread_mutex_lock(&inq.mu);
	r->qnext = NULL;
	if (fin.todo_tail)
		fin.todo_tail->qnext = r;
	else
		fin.todo = r;
	fin.todo_tail = r;
	pthread_cond_signal(&fin.work);
	pthread_mutex_unlock(&inq.mu);
}

/* Conclude the rows the finishers are done with. */
static void
fin_collect(void)
{
	struct row *r, *next;

	if (!fin_pending)
		return;
	pthread_mutex_lock(&inq.mu);
	r = fin.done;
	fin.done = fin.done_tail = NULL;
	pthread_mutex_unlock(&inq.mu);
	for (; r; r = next) {
		next = r->qnext;
		fin_pending--;
		conclude(r);
	}
}

static void
fin_end(void)
{
	int i;

	pthread_mutex_lock(&inq.mu);
	fin.stop = 1;
	pthread_cond_broadcast(&fin.work);
	pthread_mutex_unlock(&inq.mu);
	for (i = 0; i < fin.nthreads; i++)
		pthread_join(fin.tid[i], NULL);
}

/* The body is complete: check it, then hand it to be made the page.
 * Returns 1 when the row is taken care of, 0 when it failed (verdict). */
static int
finish_ok(struct row *r, const struct http_result *res)
{
	unsigned char d[SHA256_LEN];

	/* a body shorter than the magic */
	if (r->fd < 0 && (start_file(r) < 0 || put2(r, r->head, r->nhead, NULL, 0) < 0))
		return 0;
	if (!complete(r)) {
		r->verdict = "truncated";
		why(r, "%s", "the image is cut short (no end marker)");
		return 0;
	}
	sha256_final(&r->sha, d);
	sha256_hex(d, r->sha_hex);
	r->final_url = xstrdup(res->effective_url);
	r->date = xstrdup(res->date);
	if (opt.no_fsync) {
		/* nothing here waits on the disk for long: stay in this thread */
		finalize(r);
		conclude(r);
	} else {
		fin_push(r);
	}
	return 1;
}

static const char *
curl_reason(int code)
{
	switch (code) {
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_COULDNT_CONNECT:
		return "connect";
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "resolve";
	case CURLE_TOO_MANY_REDIRECTS:
		return "redirects";
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return "bad-url";
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
		return "tls";
	default:
		return "network";
	}
}

static void host_stop(struct host *h, const char *status, const char *msg);

static void
on_done(void *arg, const struct http_result *res)
{
	struct row *r = arg;
	struct host *h = r->host;
	char code[32];

	h->inflight--;
	stats.fetched++;
	switch (res->outcome) {
	case HTTP_OK:
		if (finish_ok(r, res))
			return;
		break;
	case HTTP_ABORTED:
		break;	/* the verdict of a callback */
	case HTTP_BLOCKED:
		r->verdict = "blocked";
		why(r, "%s", res->error);
		if (!h->blocked) {
			h->blocked = 1;
			blocked_any = 1;
			row_message(r, r->why);
			r->err = -1;	/* reported */
			diag_warn("%s: %s; the remaining rows for this host are not requested "
			    "(failed:blocked).  HathiTrust's Cloudflare lets a browser through: "
			    "export its cookies to a file and pass it with --cookies FILE "
			    "(with --user-agent set to that browser's)", h->key, res->error);
		}
		break;
	case HTTP_GAVE_UP:
		if (res->status == 429) {
			r->verdict = "throttled";
			why(r, "%s", res->error);
			if (!h->throttled) {
				h->throttled = 1;
				blocked_any = 1;
				row_message(r, r->why);
				r->err = -1;	/* reported */
				diag_warn("%s: still answers 429 Too Many Requests after %d attempts; "
				    "the remaining rows for this host are not requested (throttled).  "
				    "Try again later, with a lower --rate", h->key, res->attempts);
			}
			break;
		}
		/* fall through */
	case HTTP_FAILED:
	default:
		if (res->curl_code) {	/* a redirect loop ends on a 3xx, too */
			r->verdict = curl_reason(res->curl_code);
		} else if (res->status >= 300) {
			snprintf(code, sizeof code, "http-%ld", res->status);
			r->verdict = code;
		} else {
			r->verdict = "network";
		}
		why(r, "%s", res->error);
		break;
	}
	if (r->verdict) {
		drop_temp(r);
		if (strcmp(r->verdict, "restricted") == 0 || strcmp(r->verdict, "throttled") == 0)
			set_status(r, "%s", r->verdict);
		else
			set_status(r, "failed:%s", r->verdict);
		r->verdict = NULL;
		/* a full disk is reported once, when the run stops */
		if (!r->err || (r->err > 0 && !fs_fatal(r->err)))
			row_message(r, r->why ? r->why : r->status);
	}
	if (r->dfd >= 0) {
		close(r->dfd);
		r->dfd = -1;
	}
	finish_row(r);
	if (h->blocked)
		host_stop(h, "failed:blocked", NULL);
	else if (h->throttled)
		host_stop(h, "throttled", NULL);
}

static const struct http_cb callbacks = { on_head, on_body, on_restart, on_done };

/* Finish the rows still queued for host h without a request. */
static void
host_stop(struct host *h, const char *status, const char *msg)
{
	struct row *r;

	while ((r = h->head) != NULL) {
		h->head = r->qnext;
		set_status(r, "%s", status);
		if (msg)
			row_message(r, msg);
		finish_row(r);
	}
	h->tail = NULL;
}

/* The status of the rows not fetched because of a fatal write error. */
static const char *
fatal_status(void)
{
	static char st[48];

	snprintf(st, sizeof st, "failed:%s", fs_reason(fatal_err));
	return st;
}

/* Hand queued rows to http while their host has a free connection. */
static void
submit(void)
{
	struct host *h;
	struct row *r;
	int e;

	for (h = hosts; h; h = h->next) {
		if (fatal_err) {
			host_stop(h, fatal_status(), NULL);
			continue;
		}
		while ((r = h->head) != NULL && h->inflight < opt.jobs) {
			h->head = r->qnext;
			if (!h->head)
				h->tail = NULL;
			/* another process may have fetched it while it waited */
			if (now_s() - r->checked > 0.5 && (e = page_exists(r)) != 0) {
				if (e > 0) {
					set_status(r, "%s", "exists");
				} else {
					fs_failed(r, "checking");
					set_status(r, "failed:%s", r->verdict);
					row_message(r, r->why);
				}
				finish_row(r);
				continue;
			}
			h->inflight++;
			r->state = R_RUNNING;
			sha256_init(&r->sha);
			http_get(net, r->url, &callbacks, r);
		}
	}
}

/* ---- rows in ---- */

static void
dry_run_row(struct row *r)
{
	struct buf b = BUF_INIT;
	const char *s;
	char *dir;

	set_path(r, r->name);
	if (opt.dry_run == DRY_CURL) {
		buf_adds(&b, "url = \"");
		for (s = r->url; *s; s++) {
			if (*s == '"' || *s == '\\')
				buf_addc(&b, '\\');
			buf_addc(&b, *s);
		}
		buf_adds(&b, "\"\noutput = \"");
		for (s = r->path; *s; s++) {
			if (*s == '"' || *s == '\\')
				buf_addc(&b, '\\');
			buf_addc(&b, *s);
		}
		buf_adds(&b, "\"\n");
	} else {
		dir = xstrndup(r->path, strlen(r->path) - strlen(r->name) - 1);
		buf_printf(&b, "%s\n  dir=%s\n  out=%s\n", r->url, dir, r->name);
		free(dir);
	}
	out_write(&b);
	buf_free(&b);
}

static void
header_row(const char *line, size_t len)
{
	struct buf b = BUF_INIT;

	if (have_header)
		return;		/* one header per run */
	have_header = 1;
	if (failed_fp) {
		fwrite(line, 1, len, failed_fp);
		fputc('\n', failed_fp);
	}
	if (opt.dry_run)
		return;
	buf_add(&b, line, len);
	buf_adds(&b, "\tstatus\tpath\tbytes\n");
	out_write(&b);
	buf_free(&b);
}

static char *
field(const struct tsv_field *f)
{
	char *s = xstrndup(f->s, f->len);

	tsv_unescape(s, f->len);
	return s;
}

/* The names of a row on disk: r->lib and r->folder, one path component
 * each, and r->base, the page file's name without its extension.  Returns
 * NULL, or the field that cannot name a folder or file. */
static const char *
row_names(struct row *r)
{
	struct buf b = BUF_INIT;
	char *region;

	r->lib = mapped(r->library, 0);
	r->folder = mapped(r->id, 0);
	name_map(&b, r->page, strlen(r->page), 1);
	if ((region = iiif_region(r->url)) != NULL) {
		buf_addc(&b, '_');
		name_map(&b, region, strlen(region), 1);
		free(region);
	}
	buf_addc(&b, '\0');
	r->base = b.s;
	return bad_name(r->library) ? "library" : bad_name(r->id) ? "id" : !*r->page ? "page" : NULL;
}

static void
add_row(struct item *it)
{
	struct tsv_field f[4];
	size_t n = tsv_split(it->line, it->len, f, 4);
	struct row *r;
	const char *what;
	int e;

	if (n >= 4 && f[0].len == 7 && memcmp(f[0].s, "library", 7) == 0 && f[1].len == 2 &&
	    memcmp(f[1].s, "id", 2) == 0 && f[2].len == 4 && memcmp(f[2].s, "page", 4) == 0 &&
	    f[3].len == 3 && memcmp(f[3].s, "url", 3) == 0) {
		header_row(it->line, it->len);	/* a header, with or without -H */
		return;
	}
	if (opt.header && it->lineno == 1) {
		header_row(it->line, it->len);
		return;
	}
	if (n < 4) {
		diag_data(it->file, it->lineno, "expected at least 4 fields (library, id, page, url), "
		    "got %zu", n);
		diag_failed();
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->line = it->line;
	it->line = NULL;
	r->len = it->len;
	r->file = it->file;
	r->lineno = it->lineno;
	r->dfd = r->fd = r->slot = -1;
	r->library = field(&f[0]);
	r->id = field(&f[1]);
	r->page = field(&f[2]);
	r->url = field(&f[3]);
	what = row_names(r);
	r->name = xstrdup("");
	r->prev = win_tail;
	if (win_tail)
		win_tail->next = r;
	else
		win_head = r;
	win_tail = r;
	win_n++;
	stats.rows++;

	if (what) {
		set_status(r, "failed:bad-%s", what);
		if (!opt.quiet)
			diag_data(r->file, r->lineno, "%s '%s' cannot name a folder (empty, '.' or '..')",
			    what, bad_name(r->library) ? r->library : bad_name(r->id) ? r->id : r->page);
		finish_row(r);
		return;
	}
	free(r->name);
	r->name = xmalloc(strlen(r->base) + 5);
	sprintf(r->name, "%s.jpg", r->base);
	set_path(r, r->name);
	r->checked = now_s();
	if ((e = page_exists(r)) > 0) {
		set_status(r, "%s", "exists");
		finish_row(r);
		return;
	}
	if (e < 0) {
		fs_failed(r, "checking");
		set_status(r, "failed:%s", r->verdict);
		row_message(r, r->why);
		finish_row(r);
		return;
	}
	if (!(r->host = get_host(r->url, r->library))) {
		set_status(r, "%s", "failed:bad-url");
		row_message(r, "not an http or https URL");
		finish_row(r);
		return;
	}
	if (fatal_err) {
		set_status(r, "%s", fatal_status());
		finish_row(r);
		return;
	}
	if (opt.dry_run) {
		dry_run_row(r);
		set_status(r, "%s", "ok");
		finish_row(r);
		return;
	}
	if (r->host->blocked || r->host->throttled) {
		set_status(r, "%s", r->host->blocked ? "failed:blocked" : "throttled");
		finish_row(r);
		return;
	}
	r->state = R_QUEUED;
	if (r->host->tail)
		r->host->tail->qnext = r;
	else
		r->host->head = r;
	r->host->tail = r;
}

/* ---- progress ---- */

static void
show_progress(int force)
{
	char eta[32], wait[32];
	double t = now_s() - stats.start, rate, w;
	unsigned long left;

	if (!progress_enabled())
		return;
	rate = t > 0 ? (double)stats.fetched / t : 0;
	left = stats.rows - stats.done;
	w = net ? http_throttle_wait(net) : 0;
	if (w > 0.05)
		snprintf(wait, sizeof wait, ", next request in %.1fs", w);
	else
		wait[0] = '\0';
	if (rate > 0 && inq.done)
		progress_show(force, "%lu/%lu rows (%lu ok, %lu exist, %lu failed), %.2f/s, ETA %s%s",
		    stats.done, stats.rows, stats.ok, stats.exists, stats.failed, rate,
		    progress_duration((double)left / rate, eta, sizeof eta), wait);
	else
		progress_show(force, "%lu/%lu%s rows (%lu ok, %lu exist, %lu failed), %.2f/s%s",
		    stats.done, stats.rows, inq.done ? "" : "+", stats.ok, stats.exists, stats.failed,
		    rate, wait);
}

/* ---- main ---- */

static double
parse_rate(const char *arg)
{
	double r = http_parse_rate(arg);

	if (r < 0 || r > 1e6)
		diag_usage_error(usage_text, "--rate: expected N/s, N/min or N/h (N >= 0), got '%s'",
		    arg);
	return r;
}

static char *
default_throttle_file(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct buf b = BUF_INIT;

	if (x && *x == '/')
		buf_printf(&b, "%s/plates/throttle", x);
	else if (home && *home)
		buf_printf(&b, "%s/.cache/plates/throttle", home);
	else
		return NULL;
	return b.s;
}

/* Can the default throttle file be created and opened?  Makes its
 * folders (mode 0700) on the way. */
static int
usable_throttle_file(const char *path)
{
	char *p = xstrdup(path), *s;
	int fd, e;

	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		(void)mkdir(p, 0700);
		*s = '/';
	}
	free(p);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return 0;
	e = errno;
	close(fd);
	errno = e;
	return 1;
}

static void
make_dirs(const char *path)
{
	char *p = xstrdup(path), *s;

	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0777);
		*s = '/';
	}
	if (mkdir(p, 0777) < 0 && errno != EEXIST)
		diag_die_errno(DIAG_FAIL, "%s", path);
	free(p);
}

static void
usage(void)
{
	printf("%s", usage_text);
	printf("\nPage rows (library, id, page, url, [columns...]) to image files in\n"
	    "DIR/<library>/<id>/<page>.jpg; each row is written back with its status,\n"
	    "path and size.  Existing files are skipped without a request.\n\n"
	    "  -d, --dir DIR          where the images go (default items)\n"
	    "  -j, --jobs N           connections per host (default 2)\n"
	    "      --rate N/s|N/min   requests per host (default: HathiTrust 1/20s,\n"
	    "                         Internet Archive and others 1/s; 0: no limit)\n"
	    "      --burst N          requests allowed at once after a pause (default 1)\n"
	    "      --jitter F         add up to F (0-1) of an interval between requests\n"
	    "                         (default 0.05)\n"
	    "      --throttle-file PATH  share rates and pauses with other processes\n"
	    "                         (default $XDG_CACHE_HOME/plates/throttle)\n"
	    "      --no-throttle-file keep rates to this process\n"
	    "      --retries N        retries of a failed request (default 5)\n"
	    "      --retry-delay MS   first backoff (default 1000, doubling)\n"
	    "      --timeout SECS     give up on a transfer after SECS (default none)\n"
	    "      --cookies FILE     send cookies from a Netscape cookie file\n"
	    "      --user-agent UA    the User-Agent (default $PLATES_USER_AGENT or plates/V)\n"
	    "      --header 'N: V'    an extra request header (repeatable)\n"
	    "      --failed FILE      write the rows that did not end ok or exists\n"
	    "      --dry-run[=FORM]   print what would be fetched for curl -K (FORM curl)\n"
	    "                         or aria2c -i (FORM aria2); fetch nothing\n"
	    "      --no-fsync         do not fsync images before renaming them\n"
	    "      --unordered        write rows as they finish, not in input order\n"
	    "      --progress         show progress on stderr (default: if a terminal)\n"
	    "      --no-progress      never show progress\n"
	    "  -H, --header-row       the input starts with a header row\n"
	    "  -q, --quiet            no progress, no messages about single rows\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          version\n"
	    "\nExit status: 0 all ok or existing, 1 some rows failed, 2 usage,\n"
	    "3 a host blocked us (bot challenge or persistent 429).\n"
	    "\nSee page-fetch(1) and plates(7).\n");
	exit(diag_finish());
}

enum {
	O_BURST = 256, O_COOKIES, O_DRY_RUN, O_FAILED, O_HEADER, O_JITTER, O_NO_FSYNC,
	O_NO_PROGRESS, O_NO_THROTTLE, O_PROGRESS, O_RATE, O_RETRIES, O_RETRY_DELAY, O_THROTTLE,
	O_TIMEOUT, O_UNORDERED, O_USER_AGENT
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "burst", required_argument, NULL, O_BURST },
		{ "cookies", required_argument, NULL, O_COOKIES },
		{ "dir", required_argument, NULL, 'd' },
		{ "dry-run", optional_argument, NULL, O_DRY_RUN },
		{ "failed", required_argument, NULL, O_FAILED },
		{ "header", required_argument, NULL, O_HEADER },
		{ "header-row", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "jitter", required_argument, NULL, O_JITTER },
		{ "jobs", required_argument, NULL, 'j' },
		{ "no-fsync", no_argument, NULL, O_NO_FSYNC },
		{ "no-progress", no_argument, NULL, O_NO_PROGRESS },
		{ "no-throttle-file", no_argument, NULL, O_NO_THROTTLE },
		{ "progress", no_argument, NULL, O_PROGRESS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "rate", required_argument, NULL, O_RATE },
		{ "retries", required_argument, NULL, O_RETRIES },
		{ "retry-delay", required_argument, NULL, O_RETRY_DELAY },
		{ "throttle-file", required_argument, NULL, O_THROTTLE },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "unordered", no_argument, NULL, O_UNORDERED },
		{ "user-agent", required_argument, NULL, O_USER_AGENT },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char *stdin_only[] = { "-", NULL };
	struct sigaction sa;
	sigset_t block, old;
	pthread_t tid;
	char *throttle = NULL, *failed_path_tmp = NULL;
	int c, ended = 0, status;
	struct host *h, *hn;

	diag_init(argv[0]);
	ho.retries = 5;
	while ((c = getopt_long(argc, argv, ":d:Hhj:qV", longopts, NULL)) != -1) {
		switch (c) {
		case O_BURST:
			opt.burst = diag_parse_double(usage_text, "--burst", optarg, 1, 1e6);
			break;
		case O_COOKIES:
			opt.cookies = optarg;
			break;
		case 'd':
			if (!*optarg)
				diag_usage_error(usage_text, "-d: the folder name is empty");
			opt.dir = optarg;
			break;
		case O_DRY_RUN:
			if (!optarg || strcmp(optarg, "curl") == 0)
				opt.dry_run = DRY_CURL;
			else if (strcmp(optarg, "aria2") == 0 || strcmp(optarg, "aria2c") == 0)
				opt.dry_run = DRY_ARIA2;
			else
				diag_usage_error(usage_text, "--dry-run: expected curl or aria2, got '%s'",
				    optarg);
			break;
		case O_FAILED:
			opt.failed = optarg;
			break;
		case O_HEADER:
			if (!strchr(optarg, ':') || *optarg == ':')
				diag_usage_error(usage_text, "--header: expected 'Name: value', got '%s'",
				    optarg);
			opt.headers = xreallocarray(opt.headers, opt.nheaders + 2, sizeof *opt.headers);
			opt.headers[opt.nheaders++] = optarg;
			opt.headers[opt.nheaders] = NULL;
			break;
		case 'H':
			opt.header = 1;
			break;
		case 'h':
			usage();
			break;
		case O_JITTER:
			opt.jitter = diag_parse_double(usage_text, "--jitter", optarg, 0, 1);
			break;
		case 'j':
			opt.jobs = diag_parse_long(usage_text, "-j", optarg, 1, 64);
			break;
		case O_NO_FSYNC:
			opt.no_fsync = 1;
			break;
		case O_NO_PROGRESS:
			opt.progress = 0;
			break;
		case O_NO_THROTTLE:
			opt.no_throttle_file = 1;
			opt.throttle_file = NULL;
			break;
		case O_PROGRESS:
			opt.progress = 1;
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case O_RATE:
			opt.rate = parse_rate(optarg);
			break;
		case O_RETRIES:
			http_option(&ho, usage_text, "retries", optarg);
			break;
		case O_RETRY_DELAY:
			http_option(&ho, usage_text, "retry-delay", optarg);
			break;
		case O_THROTTLE:
			if (!*optarg)
				diag_usage_error(usage_text, "--throttle-file: the name is empty");
			opt.throttle_file = optarg;
			opt.no_throttle_file = 0;
			break;
		case O_TIMEOUT:
			http_option(&ho, usage_text, "timeout", optarg);
			break;
		case O_UNORDERED:
			opt.unordered = 1;
			break;
		case O_USER_AGENT:
			opt.user_agent = optarg;
			break;
		case 'V':
			diag_version();
			break;
		default:
			diag_getopt_error(usage_text, c, argv);
		}
	}
	if (opt.cookies && access(opt.cookies, R_OK) < 0)
		diag_usage_error(usage_text, "--cookies: %s: %s", opt.cookies, strerror(errno));
	if (optind == argc) {
		inq.files = stdin_only;
		inq.nfiles = 1;
	} else {
		inq.files = argv + optind;
		inq.nfiles = argc - optind;
	}
	inq.names = xcalloc((size_t)inq.nfiles, sizeof *inq.names);
	diag_set_quiet(opt.quiet);
	progress_init(opt.quiet || opt.dry_run ? 0 : opt.progress);

	/* the output folder: made now unless this is a dry run */
	if (!opt.dry_run)
		make_dirs(opt.dir);
	dirfd_top = open(opt.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd_top < 0 && !(opt.dry_run && errno == ENOENT))
		diag_die_errno(DIAG_FAIL, "%s", opt.dir);

	if (opt.failed) {
		struct buf b = BUF_INIT;
		int fd;
		buf_printf(&b, "%s.tmp.%ld", opt.failed, (long)getpid());
		failed_path_tmp = xstrdup(buf_str(&b));
		buf_free(&b);
		failed_tmp = failed_path_tmp;
		failed_tmp_live = 1;
		fd = open(failed_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0 || !(failed_fp = fdopen(fd, "w"))) {
			failed_tmp_live = 0;
			diag_die_errno(DIAG_FAIL, "--failed: %s", failed_tmp);
		}
	}

	/* signals: remove what is being written, then die of the signal */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	{
		static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
		size_t i;
		struct sigaction was;
		for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
			/* a signal ignored on entry (nohup, background jobs) stays so */
			if (sigaction(sigs[i], NULL, &was) == 0 && was.sa_handler == SIG_IGN)
				continue;
			sigaction(sigs[i], &sa, NULL);
		}
	}
	signal(SIGXFSZ, SIG_IGN);	/* a file size limit: write() says EFBIG */

	if (!opt.dry_run) {
		ho.user_agent = opt.user_agent;
		ho.cookie_file = opt.cookies;
		ho.max_total = (int)(opt.jobs * 8 > 16 ? opt.jobs * 8 : 16);
		ho.headers = opt.headers;
		ho.rate_jitter = opt.jitter;
		if (!opt.no_throttle_file) {
			if (opt.throttle_file) {
				ho.throttle_file = opt.throttle_file;
			} else if ((throttle = default_throttle_file()) != NULL) {
				/* the default place may not be writable: do without */
				if (usable_throttle_file(throttle))
					ho.throttle_file = throttle;
				else
					diag_note("cannot use %s (%s): rates are not shared with "
					    "other processes", throttle, strerror(errno));
			}
		}
		net = http_new(&ho);
		http_default_limit(net, (int)opt.jobs, opt.rate >= 0 ? opt.rate : RATE_OTHER, opt.burst);
	}

	/* the reader thread takes no signals: the handler runs here */
	sigfillset(&block);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (pthread_create(&tid, NULL, reader, NULL) != 0)
		diag_die(DIAG_FAIL, "cannot start the input thread");
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	stats.start = now_s();
	for (;;) {
		struct item *it;

		/* take rows while the window has room */
		while (!ended && win_n < WINDOW && (it = inq_take(WINDOW - win_n, &ended)) != NULL) {
			struct item *next;
			for (; it; it = next) {
				next = it->next;
				if (it->err) {
					diag_data(it->file, it->lineno, "%s", it->err);
					diag_failed();
				} else {
					add_row(it);
				}
				free(it->line);
				free(it->err);
				free(it);
			}
		}
		fin_collect();
		if (net)
			submit();
		flush_rows();
		show_progress(0);
		if (ended && !win_head && (!net || !http_pending(net)))
			break;
		if (net && http_pending(net)) {
			/* come back soon for input or finished images */
			http_run(net, fin_pending || (!ended && win_n < WINDOW) ? 10 : -1);
		} else {
			/* nothing on the network: sleep until a line or an image */
			int want = !ended && win_n < WINDOW;
			pthread_mutex_lock(&inq.mu);
			while (!fin.done && !(want && (inq.head || inq.done)))
				pthread_cond_wait(&inq.more, &inq.mu);
			pthread_mutex_unlock(&inq.mu);
		}
	}
	fin_end();
	show_progress(1);
	progress_clear();
	if (fatal_err) {
		errno = fatal_err;
		diag_warn("%s: %s%s; no request was made after it: the rows not fetched are "
		    "marked %s", fatal_path, strerror(fatal_err),
		    fatal_err == EFBIG ? " (a file size limit: ulimit -f)" : "", fatal_status());
	}
	pthread_join(tid, NULL);
	http_free(net);
	for (h = hosts; h; h = hn) {
		hn = h->next;
		free(h->key);
		free(h);
	}
	free(last_prefix);
	if (failed_fp) {
		errno = 0;
		if (fflush(failed_fp) != 0 || ferror(failed_fp) || fclose(failed_fp) != 0) {
			diag_warn_errno("--failed: %s", failed_tmp);
			unlink(failed_tmp);
			diag_failed();
		} else if (rename(failed_tmp, opt.failed) < 0) {
			diag_warn_errno("--failed: %s", opt.failed);
			unlink(failed_tmp);
			diag_failed();
		}
		failed_tmp_live = 0;
		free(failed_path_tmp);
	}
	fcache_clear();
	if (dirfd_top >= 0)
		close(dirfd_top);
	{
		int i;
		for (i = 0; i < inq.nfiles; i++)
			free(inq.names[i]);
		free(inq.names);
	}
	free(opt.headers);
	free(throttle);
	free(fatal_path);
	status = diag_finish();
	if (fatal_err)
		return DIAG_FAIL;
	return blocked_any ? EXIT_BLOCKED : status;
}
