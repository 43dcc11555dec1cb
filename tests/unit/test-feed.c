/* test-feed: lines read by the reader thread (in order, with file names
 * and line numbers, errors in their place), and jobs run by the workers
 * and collected in the calling thread. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "files.h"

#include "feed.h"

static char dir[200];

static char *
write_file(const char *name, int lines)
{
	static char path[2][300];
	static int k;
	FILE *f;
	int i;

	k = !k;
	snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
	f = fopen(path[k], "w");
	for (i = 1; i <= lines; i++)
		fprintf(f, "%s line %d\n", name, i);
	fclose(f);
	return path[k];
}

static void
test_lines(void)
{
	char *files[3], missing[300];
	struct feed *f;
	struct feed_line *l, *next;
	int ended = 0, n = 0, errors = 0, order = 1, taken = 0;
	char want[64];

	files[0] = strdup(write_file("a", 300));
	snprintf(missing, sizeof missing, "%s/missing", dir);
	files[1] = missing;
	files[2] = strdup(write_file("b", 2));
	f = feed_new(files, 3, 4, NULL);
	if (!ok(f != NULL, "a feed over a, missing, b (4 lines ready at most)"))
		return;
	while (!ended) {
		if (!(l = feed_take(f, 3, &ended))) {
			if (!ended)
				feed_wait(f, 1);
			continue;
		}
		for (taken = 0; l; l = next, taken++) {
			next = l->next;
			if (l->err) {
				errors++;
				ok(n == 300 && strcmp(l->file, missing) == 0 && l->lineno == 0 &&
				    strcmp(l->err, strerror(ENOENT)) == 0, "the missing file, in its place");
			} else {
				n++;
				snprintf(want, sizeof want, "%s line %lu", n <= 300 ? "a" : "b", l->lineno);
				if (strcmp(l->line, want) != 0 || l->len != strlen(want) ||
				    l->lineno != (unsigned long)(n <= 300 ? n : n - 300) ||
				    strcmp(l->file, n <= 300 ? files[0] : files[2]) != 0)
					order = 0;
			}
			feed_line_free(l);
		}
		if (taken > 3)
			order = 0;
	}
	is_int(n, 302, "every line");
	ok(order, "in order, with file and line number, at most 3 at a time");
	is_int(errors, 1, "one error");
	ok(feed_input_done(f), "the input is done");
	ok(feed_take(f, 3, &ended) == NULL && ended, "nothing more");
	feed_free(f);
	free(files[0]);
	free(files[2]);
}

static pthread_t main_thread;
static int off_main, done_count, in_order = 1;

static void
work(void *job)
{
	int *v = job;

	if (!pthread_equal(pthread_self(), main_thread))
		__atomic_add_fetch(&off_main, 1, __ATOMIC_SEQ_CST);
	usleep(1000);
	*v *= 2;
}

static void
collect(void *job)
{
	int *v = job;

	if (!pthread_equal(pthread_self(), main_thread) || *v % 2 != 0)
		in_order = 0;
	done_count++;
}

static void
test_jobs(void)
{
	static char *stdin_only[] = { "-", NULL };
	int v[40], i, pushed = 0;
	struct feed *f;

	main_thread = pthread_self();
	f = feed_new(stdin_only, 1, 16, work);
	if (!ok(f != NULL, "a feed over stdin, with workers"))
		return;
	for (i = 0; i < 40; i++) {
		v[i] = 2 * i + 1;
		if (feed_push(f, &v[i]) == 0)
			pushed++;
	}
	is_int(pushed, 40, "40 jobs handed over");
	ok(feed_pending(f) > 0, "pending");
	while (feed_pending(f)) {
		feed_wait(f, 0);
		feed_collect(f, collect);
	}
	is_int(done_count, 40, "all collected");
	is_int(off_main, 40, "all run off the calling thread");
	ok(in_order, "collected in the calling thread, after they ran");
	for (i = 0; i < 40 && v[i] == 2 * (2 * i + 1); i++)
		;
	is_int(i, 40, "each job ran once");
	feed_free(f);
}

int
main(void)
{
	if (files_tmpdir(dir, sizeof dir, "test-feed") < 0 || !freopen("/dev/null", "r", stdin))
		return 2;
	test_lines();
	test_jobs();
	if (files_rmdir(dir) < 0)
		return 2;
	return tap_done();
}
