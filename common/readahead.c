/* readahead: a stream read on a second thread; see readahead.h. */
#include "readahead.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "clock.h"
#include "diag.h"
#include "xmem.h"

#define NSLOTS	4
#define SLOTSZ	(128 * 1024)	/* io_read gives at most 128 KiB at a time */

struct slot {
	char *p;
	size_t n;
	int last;	/* end of input (or error: see readahead.failed) */
};

struct readahead {
	pthread_mutex_t mu;
	pthread_cond_t filled, emptied;
	pthread_t th;
	struct slot slot[NSLOTS];
	unsigned long head, tail;	/* slots filled, slots consumed */
	int taken;		/* the caller holds slot[tail] */
	int stop;
	int failed;
	struct io_in *in;
	/* time (see readahead_times): the reader's, under mu when it is done */
	double read_busy, read_wait;
	double start, take_wait, last;	/* the caller's */
};

static void *
reader(void *arg)
{
	struct readahead *g = arg;
	double t0, t1, busy = 0, wait = 0;

	for (;;) {
		struct slot *sl;
		ssize_t k;

		t0 = clock_now();
		pthread_mutex_lock(&g->mu);
		g->read_busy = busy;
		g->read_wait = wait;
		while (g->head - g->tail == NSLOTS && !g->stop)
			pthread_cond_wait(&g->emptied, &g->mu);
		if (g->stop) {
			pthread_mutex_unlock(&g->mu);
			return NULL;
		}
		sl = &g->slot[g->head % NSLOTS];
		pthread_mutex_unlock(&g->mu);
		t1 = clock_now();
		wait += t1 - t0;
		/* one read: what a slow pipe has now goes on at once */
		k = io_read(g->in, sl->p, SLOTSZ);
		busy += clock_now() - t1;
		pthread_mutex_lock(&g->mu);
		g->read_busy = busy;
		g->read_wait = wait;
		sl->n = k > 0 ? (size_t)k : 0;
		sl->p[sl->n] = '\0';
		sl->last = k <= 0;
		g->failed = k < 0;
		g->head++;
		pthread_cond_signal(&g->filled);
		pthread_mutex_unlock(&g->mu);
		if (k <= 0)
			return NULL;
	}
}

struct readahead *
readahead_start(struct io_in *in)
{
	struct readahead *g = xcalloc(1, sizeof *g);
	int i;

	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->filled, NULL);
	pthread_cond_init(&g->emptied, NULL);
	for (i = 0; i < NSLOTS; i++)
		g->slot[i].p = xmalloc(SLOTSZ + 1);	/* + the NUL */
	g->in = in;
	g->start = g->last = clock_now();
	if ((errno = pthread_create(&g->th, NULL, reader, g)) != 0)
		diag_die_errno(DIAG_FAIL, "cannot start a thread");
	return g;
}

int
readahead_next(struct readahead *g, const char **p, size_t *n)
{
	struct slot *sl;
	int r;
	double t0 = clock_now();

	pthread_mutex_lock(&g->mu);
	if (g->taken) {
		g->tail++;
		g->taken = 0;
		pthread_cond_signal(&g->emptied);
	}
	while (g->head == g->tail)
		pthread_cond_wait(&g->filled, &g->mu);
	g->last = clock_now();
	g->take_wait += g->last - t0;
	sl = &g->slot[g->tail % NSLOTS];
	g->taken = 1;
	r = !sl->last ? 1 : g->failed ? -1 : 0;
	pthread_mutex_unlock(&g->mu);
	*p = sl->p;
	*n = sl->n;
	return r;
}

void
readahead_times(struct readahead *g, struct readahead_times *t)
{
	pthread_mutex_lock(&g->mu);
	t->read_busy = g->read_busy;
	t->read_wait = g->read_wait;
	pthread_mutex_unlock(&g->mu);
	t->take_wait = g->take_wait;
	t->take_busy = g->last - g->start - g->take_wait;
}

void
readahead_stop(struct readahead *g)
{
	int i;

	pthread_mutex_lock(&g->mu);
	if (g->taken) {
		g->tail++;
		g->taken = 0;
	}
	g->stop = 1;
	pthread_cond_signal(&g->emptied);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->th, NULL);
	for (i = 0; i < NSLOTS; i++)
		free(g->slot[i].p);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->filled);
	pthread_cond_destroy(&g->emptied);
	free(g);
}
