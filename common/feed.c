/* feed: a reader thread and worker threads; see feed.h. */
#include "feed.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "xmem.h"

struct job {
	void *job;
	struct job *next;
};

/* mu guards everything below it; more wakes the loop for a line or a
 * finished job, room the reader for space, work the workers. */
struct feed {
	pthread_mutex_t mu;
	pthread_cond_t more, room, work;
	struct feed_line *head, *tail;
	size_t n, max;
	int done;		/* the reader has finished */
	char **files;		/* operands */
	int nfiles;
	char **names;		/* their display names */
	pthread_t reader;
	void (*fn)(void *job);
	struct job *todo, *todo_tail;	/* for the workers */
	struct job *fin, *fin_tail;	/* back to the loop */
	int stop;
	int nthreads;
	pthread_t tid[FEED_WORKERS];
	size_t pending;		/* handed over, not collected (loop only) */
};

static void
push(struct feed *f, struct feed_line *it)
{
	pthread_mutex_lock(&f->mu);
	while (f->n >= f->max)
		pthread_cond_wait(&f->room, &f->mu);
	if (f->tail)
		f->tail->next = it;
	else
		f->head = it;
	f->tail = it;
	f->n++;
	pthread_cond_signal(&f->more);
	pthread_mutex_unlock(&f->mu);
}

static void
push_error(struct feed *f, const char *file, unsigned long line, const char *msg)
{
	struct feed_line *it = xcalloc(1, sizeof *it);

	it->file = file;
	it->lineno = line;
	it->err = xstrdup(msg);
	push(f, it);
}

static void *
reader(void *arg)
{
	struct feed *f = arg;
	struct buf line = BUF_INIT;
	int i, r, fd;

	for (i = 0; i < f->nfiles; i++) {
		const char *path = f->files[i];
		struct io_in *in;

		if (strcmp(path, "-") != 0) {
			/* io_open would print from this thread: check first */
			if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
				push_error(f, f->names[i], 0, strerror(errno));
				continue;
			}
			close(fd);
		}
		if (!(in = io_open(path)))
			continue;
		while ((r = io_getline(in, &line)) > 0) {
			struct feed_line *it = xcalloc(1, sizeof *it);
			it->line = xstrndup(buf_str(&line), line.len);
			it->len = line.len;
			it->file = f->names[i];
			it->lineno = io_lineno(in);
			push(f, it);
		}
		if (r < 0)
			push_error(f, f->names[i], io_lineno(in), io_error(in));
		io_close(in);
	}
	buf_free(&line);
	pthread_mutex_lock(&f->mu);
	f->done = 1;
	pthread_cond_signal(&f->more);
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

/* Start a thread that takes no signals (the handlers run in the loop). */
static int
start(pthread_t *tid, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(tid, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc == 0 ? 0 : -1;
}

struct feed *
feed_new(char **files, int nfiles, size_t max, void (*work)(void *job))
{
	struct feed *f = xcalloc(1, sizeof *f);
	int i;

	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->more, NULL);
	pthread_cond_init(&f->room, NULL);
	pthread_cond_init(&f->work, NULL);
	f->max = max;
	f->files = files;
	f->nfiles = nfiles;
	f->fn = work;
	f->names = xcalloc((size_t)nfiles, sizeof *f->names);
	for (i = 0; i < nfiles; i++)
		f->names[i] = xstrdup(strcmp(files[i], "-") == 0 ? "<stdin>" : files[i]);
	if (start(&f->reader, reader, f) < 0) {
		for (i = 0; i < nfiles; i++)
			free(f->names[i]);
		free(f->names);
		free(f);
		return NULL;
	}
	return f;
}

struct feed_line *
feed_take(struct feed *f, size_t max, int *ended)
{
	struct feed_line *first, *last = NULL, *it;
	size_t k = 0;

	pthread_mutex_lock(&f->mu);
	first = f->head;
	for (it = first; it && k < max; it = it->next, k++)
		last = it;
	if (last) {
		f->head = last->next;
		last->next = NULL;
		if (!f->head)
			f->tail = NULL;
		f->n -= k;
		pthread_cond_signal(&f->room);
	} else {
		first = NULL;
	}
	*ended = !first && f->done;
	pthread_mutex_unlock(&f->mu);
	return first;
}

void
feed_line_free(struct feed_line *l)
{
	free(l->line);
	free(l->err);
	free(l);
}

int
feed_input_done(struct feed *f)
{
	int done;

	pthread_mutex_lock(&f->mu);
	done = f->done;
	pthread_mutex_unlock(&f->mu);
	return done;
}

static void *
worker(void *arg)
{
	struct feed *f = arg;
	struct job *j;

	pthread_mutex_lock(&f->mu);
	for (;;) {
		while (!f->todo && !f->stop)
			pthread_cond_wait(&f->work, &f->mu);
		if (!f->todo)
			break;
		j = f->todo;
		f->todo = j->next;
		if (!f->todo)
			f->todo_tail = NULL;
		pthread_mutex_unlock(&f->mu);
		f->fn(j->job);
		pthread_mutex_lock(&f->mu);
		j->next = NULL;
		if (f->fin_tail)
			f->fin_tail->next = j;
		else
			f->fin = j;
		f->fin_tail = j;
		pthread_cond_signal(&f->more);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

int
feed_push(struct feed *f, void *job)
{
	struct job *j;

	if (f->nthreads < FEED_WORKERS && f->pending >= (size_t)f->nthreads) {
		/* one more thread */
		if (start(&f->tid[f->nthreads], worker, f) == 0)
			f->nthreads++;
		if (f->nthreads == 0)
			return -1;
	}
	f->pending++;
	j = xcalloc(1, sizeof *j);
	j->job = job;
	pthread_mutex_lock(&f->mu);
	if (f->todo_tail)
		f->todo_tail->next = j;
	else
		f->todo = j;
	f->todo_tail = j;
	pthread_cond_signal(&f->work);
	pthread_mutex_unlock(&f->mu);
	return 0;
}

size_t
feed_pending(const struct feed *f)
{
	return f->pending;
}

void
feed_collect(struct feed *f, void (*fn)(void *job))
{
	struct job *j, *next;

	if (!f->pending)
		return;
	pthread_mutex_lock(&f->mu);
	j = f->fin;
	f->fin = f->fin_tail = NULL;
	pthread_mutex_unlock(&f->mu);
	for (; j; j = next) {
		next = j->next;
		f->pending--;
		fn(j->job);
		free(j);
	}
}

void
feed_wait(struct feed *f, int want_lines)
{
	pthread_mutex_lock(&f->mu);
	while (!f->fin && !(want_lines && (f->head || f->done)))
		pthread_cond_wait(&f->more, &f->mu);
	pthread_mutex_unlock(&f->mu);
}

void
feed_free(struct feed *f)
{
	struct feed_line *it, *next;
	struct job *j, *jn;
	int i;

	if (!f)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_broadcast(&f->work);
	pthread_mutex_unlock(&f->mu);
	for (i = 0; i < f->nthreads; i++)
		pthread_join(f->tid[i], NULL);
	pthread_join(f->reader, NULL);
	for (it = f->head; it; it = next) {
		next = it->next;
		feed_line_free(it);
	}
	for (j = f->fin; j; j = jn) {
		jn = j->next;
		free(j);
	}
	for (i = 0; i < f->nfiles; i++)
		free(f->names[i]);
	free(f->names);
	pthread_cond_destroy(&f->more);
	pthread_cond_destroy(&f->room);
	pthread_cond_destroy(&f->work);
	pthread_mutex_destroy(&f->mu);
	free(f);
}
