/* throttle: per-key token bucket and pause shared through a locked file.
 * File format, one line per key: key TAB tokens TAB last TAB paused_until,
 * times in seconds since the epoch; a server's reported budget (choke.h)
 * is the line "key#choke" TAB debt TAB at TAB max TAB rate TAB seen.
 * Every rewrite leaves out the lines of keys idle for THROTTLE_IDLE
 * seconds (and any line that does not parse), so the file keeps only the
 * hosts in use. */
#include "throttle.h"
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "store.h"
#include "xmem.h"

struct throttle {
	int fd;
	char *path;
	unsigned int seed;
};

struct throttle *
throttle_open(const char *path)
{
	struct throttle *t;
	int fd;

	(void)store_mkdirs(path, 0700, 0);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		diag_warn_errno("throttle file %s", path);
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	t->fd = fd;
	t->path = xstrdup(path);
	t->seed = (unsigned int)getpid() ^ (unsigned int)time(NULL);
	return t;
}

static int
lock(struct throttle *t, int type)
{
	struct flock fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = (short)type;
	fl.l_whence = SEEK_SET;
	while (fcntl(t->fd, F_SETLKW, &fl) < 0) {
		if (errno != EINTR) {
			diag_warn_errno("throttle file %s: lock", t->path);
			return -1;
		}
	}
	return 0;
}

static void
read_all(struct throttle *t, struct buf *b)
{
	char chunk[4096];
	ssize_t n;
	off_t off = 0;

	buf_reset(b);
	while ((n = pread(t->fd, chunk, sizeof chunk, off)) > 0) {
		buf_add(b, chunk, (size_t)n);
		off += n;
	}
}

static void
write_all(struct throttle *t, const struct buf *b)
{
	size_t done = 0;
	ssize_t n;

	while (done < b->len) {
		n = pwrite(t->fd, b->s + done, b->len - done, (off_t)done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			diag_warn_errno("throttle file %s: write", t->path);
			return;
		}
		done += (size_t)n;
	}
	if (ftruncate(t->fd, (off_t)b->len) < 0)
		diag_warn_errno("throttle file %s: truncate", t->path);
}

/* Is the line p..nl (another key's) worth keeping at wall time now: it
 * parses, and its key was used or paused within THROTTLE_IDLE seconds? */
static int
keep_line(const char *p, const char *nl, double now)
{
	const char *tab = memchr(p, '\t', (size_t)(nl - p));
	double a, b, c, d, e;
	char *line;
	int n, keep = 0;

	if (!tab || tab == p)
		return 0;
	line = xstrndup(tab + 1, (size_t)(nl - tab - 1));
	if (tab - p > 6 && memcmp(tab - 6, "#choke", 6) == 0) {
		n = sscanf(line, "%lf\t%lf\t%lf\t%lf\t%lf", &a, &b, &c, &d, &e);
		keep = n == 5 && (b > e ? b : e) >= now - THROTTLE_IDLE;
	} else {
		n = sscanf(line, "%lf\t%lf\t%lf", &a, &b, &c);
		keep = n == 3 && (b > c ? b : c) >= now - THROTTLE_IDLE;
	}
	free(line);
	return keep;
}

struct state {
	double tokens, last, paused;
	int found;
};

/* Find key's line in the file text; fill st; copy the other lines worth
 * keeping at wall time now to rest. */
static void
parse(const struct buf *file, const char *key, struct state *st, struct buf *rest, double now)
{
	const char *p = buf_str(file), *nl, *tab;
	size_t klen = strlen(key);

	st->found = 0;
	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			break;	/* a torn last line: drop it */
		tab = memchr(p, '\t', (size_t)(nl - p));
		if (tab && (size_t)(tab - p) == klen && memcmp(p, key, klen) == 0 &&
		    sscanf(tab + 1, "%lf\t%lf\t%lf", &st->tokens, &st->last, &st->paused) == 3) {
			st->found = 1;
		} else if (keep_line(p, nl, now)) {
			buf_add(rest, p, (size_t)(nl - p) + 1);
		}
		p = nl + 1;
	}
}

static double
update(struct throttle *t, const char *key, double rate, double burst, double jitter,
    double pause_until, double cost)
{
	struct buf file = BUF_INIT, out = BUF_INIT;
	struct state st;
	double now, wait = 0;

	if (lock(t, F_WRLCK) < 0)
		return 0;	/* no sharing possible: do not block the run */
	read_all(t, &file);
	now = clock_wall();
	parse(&file, key, &st, &out, now);
	if (!st.found) {
		st.tokens = burst;
		st.last = now;
		st.paused = 0;
	}
	if (pause_until > st.paused)
		st.paused = pause_until;
	if (cost > 0) {
		double need = cost < burst ? cost : burst;
		if (rate > 0) {
			st.tokens += (now - st.last) * rate;
			if (st.tokens > burst)
				st.tokens = burst;
		}
		st.last = now;
		if (st.paused > now) {
			wait = st.paused - now;
		} else if (rate > 0 && st.tokens < need) {
			wait = (need - st.tokens) / rate;
		} else if (rate > 0) {
			st.tokens -= cost;
			if (jitter > 0)
				st.tokens -= jitter * ((double)rand_r(&t->seed) / RAND_MAX);
		}
	}
	buf_printf(&out, "%s\t%.6f\t%.6f\t%.6f\n", key, st.tokens, st.last, st.paused);
	write_all(t, &out);
	lock(t, F_UNLCK);
	buf_free(&file);
	buf_free(&out);
	return wait;
}

double
throttle_take(struct throttle *t, const char *key, double rate, double burst, double jitter,
    double cost)
{
	return update(t, key, rate, burst < 1 ? 1 : burst, jitter, 0, cost > 0 ? cost : 1);
}

double
throttle_choke(struct throttle *t, const char *key, struct choke *c, double cost)
{
	struct buf file = BUF_INIT, out = BUF_INIT, name = BUF_INIT;
	const char *p, *nl;
	struct choke f;
	double now, wait = 0;

	if (lock(t, F_WRLCK) < 0)
		return choke_wait(c, cost, clock_wall());
	read_all(t, &file);
	now = clock_wall();
	buf_printf(&name, "%s#choke\t", key);
	memset(&f, 0, sizeof f);
	for (p = buf_str(&file); *p && (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		if (strncmp(p, name.s, name.len) == 0) {
			f.known = sscanf(p + name.len, "%lf\t%lf\t%lf\t%lf\t%lf", &f.debt, &f.at,
			    &f.max, &f.rate, &f.seen) == 5 && f.max > 0;
		} else if (keep_line(p, nl, now)) {
			buf_add(&out, p, (size_t)(nl - p) + 1);
		}
	}
	choke_merge(c, &f);
	if (cost > 0 && (wait = choke_wait(c, cost, now)) == 0)
		choke_spend(c, cost, now);
	if (c->known)
		buf_printf(&out, "%s%.6f\t%.6f\t%.6f\t%.9f\t%.6f\n", name.s, c->debt, c->at,
		    c->max, c->rate, c->seen);
	write_all(t, &out);
	lock(t, F_UNLCK);
	buf_free(&file);
	buf_free(&out);
	buf_free(&name);
	return wait;
}

void
throttle_pause(struct throttle *t, const char *key, double until)
{
	update(t, key, 0, 1, 0, until, 0);
}

void
throttle_close(struct throttle *t)
{
	if (!t)
		return;
	close(t->fd);
	free(t->path);
	free(t);
}
