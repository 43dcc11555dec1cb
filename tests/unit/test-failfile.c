/* test-failfile: the failure file a run reruns from: old lines kept unless
 * settled, a run reading FILE as its input, two processes sharing FILE, a
 * killed run's failures, FILE only ever whole, the header once. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "files.h"

#include "buf.h"
#include "failfile.h"

static char top[200];
static char path[300];

static char *
slurp(void)
{
	size_t n;

	return files_read(path, &n);
}

static void
is_file(const char *want, const char *what)
{
	char *got = slurp();

	is_str(got, want, "%s", what);
	free(got);
}

static void
put(const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

/* The hidden files beside FILE (journals, temporary files), as a count. */
static int
leftovers(void)
{
	struct dirent *d;
	DIR *v = opendir(top);
	int n = 0;

	while ((d = readdir(v)) != NULL)
		if (d->d_name[0] == '.' && strcmp(d->d_name, ".") != 0 &&
		    strcmp(d->d_name, "..") != 0)
			n++;
	closedir(v);
	return n;
}

static void
fail(struct failfile *f, const char *line)
{
	is_int(failfile_failed(f, line, strlen(line)), 0, "failed: %s", line);
}

static void
done(struct failfile *f, const char *line)
{
	failfile_done(f, line, strlen(line));
}

static void
test_basic(void)
{
	struct failfile *f;

	unlink(path);
	ok((f = failfile_open(path, 3, NULL)) != NULL, "open a file that does not exist");
	fail(f, "hathitrust\ta\t1\tu1");
	fail(f, "hathitrust\ta\t2\tu2");
	done(f, "hathitrust\ta\t3\tu3");
	is_int(failfile_count(f), 2, "two lines recorded");
	fail(f, "hathitrust\ta\t1\tu1-again");
	is_int(failfile_count(f), 2, "the same key failing again is one line");
	done(f, "hathitrust\ta\t2\tu2");
	is_int(failfile_count(f), 1, "a key done after it failed is settled");
	is_int(failfile_close(f), 0, "close");
	is_file("hathitrust\ta\t1\tu1-again\n", "the last word on each key, nothing else");
	is_int(leftovers(), 0, "no journal or temporary file left");
	is_int(failfile_close(NULL), 0, "close(NULL) is a no-op");
}

static void
test_keeps_others(void)
{
	struct failfile *f;

	put("L\tA\t1\tu\nL\tB\t1\tu\nL\tC\t1\tu\n");
	f = failfile_open(path, 3, NULL);
	done(f, "L\tA\t1\tu");
	fail(f, "L\tB\t1\tnew");
	fail(f, "L\tD\t1\tu");
	is_int(failfile_close(f), 0, "close");
	is_file("L\tC\t1\tu\nL\tB\t1\tnew\nL\tD\t1\tu\n",
	    "lines not settled kept in order; settled ones gone or replaced");

	f = failfile_open(path, 3, NULL);
	is_int(failfile_close(f), 0, "a run that settles nothing");
	is_file("L\tC\t1\tu\nL\tB\t1\tnew\nL\tD\t1\tu\n", "leaves FILE as it was");

	f = failfile_open(path, 1, NULL);
	done(f, "L");
	is_int(failfile_close(f), 0, "a run that settles every key (nkey 1)");
	ok(access(path, F_OK) < 0 && errno == ENOENT, "an empty FILE is removed");
}

static void
test_header(void)
{
	struct failfile *f;

	unlink(path);
	f = failfile_open(path, 1, "id\ttitle");
	fail(f, "x\tX");
	is_int(failfile_close(f), 0, "close");
	is_file("id\ttitle\nx\tX\n", "the header first");
	f = failfile_open(path, 1, "id\ttitle");
	fail(f, "y\tY");
	is_int(failfile_close(f), 0, "close");
	is_file("id\ttitle\nx\tX\ny\tY\n", "the header once, after a second run");
	/* a header known only once the input is read */
	f = failfile_open(path, 1, NULL);
	is_int(failfile_header(f, "id\ttitle", 8), 0, "header after open");
	is_int(failfile_header(f, "other", 5), 0, "a second header");
	fail(f, "z\tZ");
	is_int(failfile_close(f), 0, "close");
	is_file("id\ttitle\nx\tX\ny\tY\nz\tZ\n", "still once; the first header given kept");
	f = failfile_open(path, 1, "id\ttitle");
	done(f, "x");
	done(f, "y");
	done(f, "z");
	is_int(failfile_close(f), 0, "close");
	ok(access(path, F_OK) < 0, "a FILE left with only its header is removed");
}

/* tool --failed FILE < FILE: every line fails again, and a new one. */
static void
test_own_input(void)
{
	struct failfile *f;
	struct buf b = BUF_INIT;
	FILE *in;
	char line[100];
	int n = 0;

	put("h\nk1\tv\nk2\tv\nk3\tv\n");
	in = fopen(path, "r");
	f = failfile_open(path, 1, "h");
	while (fgets(line, sizeof line, in)) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "h") == 0)
			continue;
		n++;
		buf_reset(&b);
		buf_printf(&b, "%s-again", line);
		failfile_failed(f, b.s, b.len);
		/* and a new failure, never read back */
		buf_reset(&b);
		buf_printf(&b, "new%d\tv", n);
		failfile_failed(f, b.s, b.len);
	}
	fclose(in);
	is_int(n, 3, "the run read only the lines FILE held (stdin opened first)");
	in = fopen(path, "r");
	n = 0;
	while (fgets(line, sizeof line, in))
		n++;
	fclose(in);
	is_int(n, 4, "FILE opened by name during the run holds only the old lines");
	is_int(failfile_close(f), 0, "close");
	is_file("h\nk1\tv-again\nnew1\tv\nk2\tv-again\nnew2\tv\nk3\tv-again\nnew3\tv\n",
	    "after: what failed again, and the new failures");
	buf_free(&b);
}

/* Two processes sharing FILE, each failing its own lines and settling
 * some of the other's old ones. */
static void
test_two_processes(void)
{
	int i, k, status, bad = 0;
	pid_t pid[2];
	char want[64], *got;

	put("A\told\nB\told\n");
	for (k = 0; k < 2; k++) {
		if ((pid[k] = fork()) == 0) {
			struct failfile *f = failfile_open(path, 1, NULL);
			char line[32];

			if (!f)
				_exit(3);
			for (i = 0; i < 200; i++) {
				snprintf(line, sizeof line, "p%d-%d\tx", k, i);
				if (failfile_failed(f, line, strlen(line)) < 0)
					_exit(4);
				if (i % 50 == 0) {
					/* the other run opens and closes meanwhile */
					struct failfile *g = failfile_open(path, 1, NULL);

					if (!g || failfile_close(g) < 0)
						_exit(5);
				}
			}
			failfile_done(f, k ? "B" : "A", 1);
			_exit(failfile_close(f) < 0 ? 6 : 0);
		}
	}
	for (k = 0; k < 2; k++) {
		waitpid(pid[k], &status, 0);
		is_int(WIFEXITED(status) ? WEXITSTATUS(status) : 99, 0, "process %d", k);
	}
	got = slurp();
	for (k = 0; k < 2; k++)
		for (i = 0; i < 200; i++) {
			snprintf(want, sizeof want, "p%d-%d\tx\n", k, i);
			if (!got || !strstr(got, want) || strstr(strstr(got, want) + 1, want))
				bad++;
		}
	is_int(bad, 0, "every failure of both processes, each once");
	ok(got && !strstr(got, "old"), "the old lines each settled are gone");
	is_int(leftovers(), 0, "no journal or temporary file left");
	free(got);
}

/* A run killed after recording failures: the next run that opens FILE
 * has them; a live run's journal is left alone. */
static void
test_killed(void)
{
	struct failfile *f;
	int status, go[2], ready[2];
	pid_t pid;
	char c;

	put("old\t1\n");
	if ((pid = fork()) == 0) {
		f = failfile_open(path, 1, "h");
		failfile_failed(f, "dead1\tx", 7);
		failfile_failed(f, "dead2\tx", 7);
		raise(SIGKILL);
		_exit(1);
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the run was killed");
	is_file("old\t1\n", "FILE untouched by the killed run");
	is_int(leftovers(), 1, "its journal is there");
	f = failfile_open(path, 1, NULL);
	is_file("h\nold\t1\ndead1\tx\ndead2\tx\n",
	    "the next run's open put the killed run's failures (and header) in FILE");
	is_int(leftovers(), 1, "the killed run's journal is gone (the new run's own is there)");
	done(f, "dead1");
	is_int(failfile_close(f), 0, "close");
	is_file("h\nold\t1\ndead2\tx\n", "and a run can settle them");

	/* a live run's journal is not taken for a killed run's */
	if (pipe(go) < 0 || pipe(ready) < 0)
		return;
	if ((pid = fork()) == 0) {
		f = failfile_open(path, 1, NULL);
		failfile_failed(f, "live\tx", 6);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(failfile_close(f) < 0 ? 3 : 0);
	}
	if (read(ready[0], &c, 1) == 1) {
		f = failfile_open(path, 1, NULL);
		failfile_close(f);
		is_file("h\nold\t1\ndead2\tx\n", "a live run's failures wait for its close");
		if (write(go[1], "g", 1) != 1)
			perror("write");
	}
	waitpid(pid, &status, 0);
	is_int(WIFEXITED(status) ? WEXITSTATUS(status) : 99, 0, "the live run closed");
	is_file("h\nold\t1\ndead2\tx\nlive\tx\n", "then they are in FILE, once");
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
}

/* What a kill can leave: a journal line cut short, a temporary file. */
static void
test_leftovers(void)
{
	struct failfile *f;
	char p[400];
	FILE *fp;

	put("a\t1\n");
	snprintf(p, sizeof p, "%s/.failed.tsv.run.999999999.0", top);
	fp = fopen(p, "w");
	fputs("fwhole\tline\nfcut\tsho", fp);
	fclose(fp);
	snprintf(p, sizeof p, "%s/.failed.tsv.tmp.999999999.0", top);
	fp = fopen(p, "w");
	fputs("a\t1\npart", fp);
	fclose(fp);
	f = failfile_open(path, 1, NULL);
	is_int(failfile_close(f), 0, "open and close");
	is_file("a\t1\nwhole\tline\n", "a journal's last line cut short is dropped");
	is_int(leftovers(), 0, "the journal and the temporary file are removed");
}

/* FILE is only ever replaced whole: a reader never sees part of it. */
static void
test_whole(void)
{
	int i, k, status, torn = 0, seen = 0;
	pid_t pid;
	char line[512];

	unlink(path);
	if ((pid = fork()) == 0) {
		for (i = 0; i < 300; i++) {
			struct failfile *f = failfile_open(path, 1, "header");

			if (!f)
				_exit(3);
			for (k = 0; k < 20; k++) {
				snprintf(line, sizeof line, "r%d-%d\t%0400d", i, k, 0);
				failfile_failed(f, line, strlen(line));
			}
			/* settle the previous round */
			for (k = 0; k < 20; k++) {
				snprintf(line, sizeof line, "r%d-%d", i - 1, k);
				failfile_done(f, line, strlen(line));
			}
			if (failfile_close(f) < 0)
				_exit(4);
		}
		_exit(0);
	}
	for (;;) {
		char *s = slurp();
		size_t n = s ? strlen(s) : 0, lines = 0, j;

		if (s) {
			seen++;
			for (j = 0; j < n; j++)
				lines += s[j] == '\n';
			if (strncmp(s, "header\n", 7) != 0 || n == 0 || s[n - 1] != '\n' ||
			    lines != 21)
				torn++;
			free(s);
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	is_int(WIFEXITED(status) ? WEXITSTATUS(status) : 99, 0, "the writer ran");
	is_int(torn, 0, "no read of FILE saw it partial (%d reads)", seen);
}

static void
test_errors(void)
{
	errno = 0;
	ok(!failfile_open("", 1, NULL) && errno == ENOENT, "an empty name");
	ok(!failfile_open("/nonexistent-folder/x/failed.tsv", 1, NULL) && errno == ENOENT,
	    "a folder that does not exist");
	ok(!failfile_open("dir/", 1, NULL) && errno == EISDIR, "a name ending in /");
}

int
main(void)
{
	if (files_tmpdir(top, sizeof top, "test-failfile") < 0)
		return 2;
	snprintf(path, sizeof path, "%s/failed.tsv", top);
	test_basic();
	test_keeps_others();
	test_header();
	test_own_input();
	test_two_processes();
	test_killed();
	test_leftovers();
	test_whole();
	test_errors();
	if (files_rmdir(top) < 0)
		return 2;
	return tap_done();
}
