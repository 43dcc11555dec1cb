/* readahead: a stream read on a second thread; see readahead.h. */
#include "readahead.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

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
};

static void *
reader(void *arg)
{
	struct readahead *g = arg;

	for (;;) {
		struct slot *sl;
		ssize_t k;

		pthread_mutex_lock(&g->mu);
		while (g->head - g->tail == NSLOTS && !g->stop)
			pthread_cond_wait(&g->emptied, &g->mu);
		if (g->stop) {
			pthread_mutex_unlock(&g->mu);
			return NULL;
		}
		sl = &g->slot[g->head % NSLOTS];
		pthread_mutex_unlock(&g->mu);
		/* one read: what a slow pipe has now goes on at once */
		k = io_read(g->in, sl->p, SLOTSZ);
		pthread_mutex_lock(&g->mu);
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
	if ((errno = pthread_create(&g->th, NULL, reader, g)) != 0)
		diag_die_errno(DIAG_FAIL, "cannot start a thread");
	return g;
}

int
readahead_next(struct readahead *g, const char **p, size_t *n)
{
	struct slot *sl;
	int r;

	pthread_mutex_lock(&g->mu);
	if (g->taken) {
		g->tail++;
		g->taken = 0;
		pthread_cond_signal(&g->emptied);
	}
	while (g->head == g->tail)
		pthread_cond_wait(&g->filled, &g->mu);
	sl = &g->slot[g->tail % NSLOTS];
	g->taken = 1;
	r = !sl->last ? 1 : g->failed ? -1 : 0;
	pthread_mutex_unlock(&g->mu);
	*p = sl->p;
	*n = sl->n;
	return r;
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
