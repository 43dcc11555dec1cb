/* test-store: folders, temporary files and their fsync/rename order, the
 * signal handler's clean-up, whole files renamed into place, appends. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "files.h"

#include "buf.h"
#include "store.h"

static char top[200];

static const char *
at(const char *rel)
{
	static char p[4][300];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", top, rel);
	return p[k];
}

static char *
slurp(const char *path)
{
	size_t n;

	return files_read(path, &n);
}

/* The names in folder path, sorted, joined with spaces. */
static char *
names(const char *path)
{
	struct dirent **v;
	struct buf b = BUF_INIT;
	int n, i;

	if ((n = scandir(path, &v, NULL, alphasort)) < 0)
		return NULL;
	for (i = 0; i < n; i++) {
		if (strcmp(v[i]->d_name, ".") != 0 && strcmp(v[i]->d_name, "..") != 0) {
			if (b.len)
				buf_addc(&b, ' ');
			buf_adds(&b, v[i]->d_name);
		}
		free(v[i]);
	}
	free(v);
	buf_addc(&b, '\0');
	return b.s;
}

static void
is_names(const char *path, const char *want, const char *what)
{
	char *got = names(path);

	is_str(got, want, "%s", what);
	free(got);
}

static void
test_mkdirs(void)
{
	struct stat st;

	is_int(store_mkdirs(at("a/b//c/d"), 0777, 1), 0, "mkdir -p a/b//c/d");
	ok(stat(at("a/b/c/d"), &st) == 0 && S_ISDIR(st.st_mode), "a/b/c/d is a folder");
	is_int(store_mkdirs(at("a/b/c/d"), 0777, 1), 0, "again: folders that exist are fine");
	is_int(store_mkdirs(at("x/y/file"), 0777, 0), 0, "the folders above x/y/file");
	ok(stat(at("x/y"), &st) == 0 && S_ISDIR(st.st_mode), "x/y is a folder");
	ok(stat(at("x/y/file"), &st) < 0 && errno == ENOENT, "x/y/file is not made");
	close(open(at("plain"), O_WRONLY | O_CREAT, 0666));
	errno = 0;
	is_int(store_mkdirs(at("plain/sub"), 0777, 1), -1, "under a file: -1");
	is_int(errno, ENOTDIR, "with errno ENOTDIR");
	ok(store_usable_file(at("cache/plates/throttle")), "a file in new folders is usable");
	ok(stat(at("cache/plates"), &st) == 0 && (st.st_mode & 0777) == 0700,
	    "its folders are made 0700");
	ok(!store_usable_file(at("plain/throttle")) && errno == ENOTDIR,
	    "a file under a file is not usable (ENOTDIR)");
}

static void
test_folders(void)
{
	struct store s;
	struct stat st;
	int fd, fd2;

	is_int(store_open(&s, at("none"), 0), 0, "a missing top folder is fine without make");
	is_int(s.top, -1, "and is not open");
	errno = 0;
	ok(store_folder(&s, "lib", "id", 0) < 0 && errno == ENOENT, "no folder in it (ENOENT)");
	store_close(&s);
	ok(stat(at("none"), &st) < 0, "it was not made");

	is_int(store_open(&s, at("items/deep"), 1), 0, "store_open makes the top folder");
	ok(s.top >= 0, "and opens it");
	errno = 0;
	ok(store_folder(&s, "lib", "id", 0) < 0 && errno == ENOENT, "lib/id is missing");
	fd = store_folder(&s, "lib", "id", 1);
	ok(fd >= 0, "made with create");
	ok(stat(at("items/deep/lib/id"), &st) == 0 && S_ISDIR(st.st_mode), "lib/id is a folder");
	fd2 = store_folder(&s, "lib", "id", 0);
	is_int(fd2, fd, "the same descriptor from the cache");
	ok(symlink(top, at("items/deep/link")) == 0, "a symbolic link inside the top folder");
	errno = 0;
	ok(store_folder(&s, "link", "id", 1) < 0 && errno == ELOOP, "is not followed (ELOOP)");
	store_forget(&s, "lib", "id");
	fd2 = store_folder(&s, "lib", "id", 0);
	ok(fd2 >= 0, "opened again after store_forget");
	close(open(at("items/deep/lib/id/f"), O_WRONLY | O_CREAT, 0666));
	is_int(store_file_at(fd2, "f", &st), 1, "store_file_at: a file");
	is_int(store_file_at(fd2, "g", &st), 0, "store_file_at: missing");
	ok(symlink("f", at("items/deep/lib/id/l")) == 0 && store_file_at(fd2, "l", &st) < 0 &&
	    errno == ELOOP, "store_file_at: a link is ELOOP");
	ok(mkdir(at("items/deep/lib/id/d"), 0777) == 0 && store_file_at(fd2, "d", &st) < 0 &&
	    errno == EISDIR, "store_file_at: a folder is EISDIR");
	store_close(&s);
}

static void
test_temps(void)
{
	struct store s;
	struct store_temp t;
	const char *what = NULL;
	char *body, big[300];
	int i, n;

	store_open(&s, at("t"), 1);
	store_temp_init(&t);
	ok(store_temp_open(&s, &t, "lib", "vol", "1.jpg", &what) == 0, "a temporary file");
	ok(strncmp(t.name, ".1.jpg.part.", 12) == 0 && strlen(t.name) == 18, "named %s", t.name);
	is_names(at("t/lib/vol"), t.name, "it is in lib/vol");
	ok(store_temp_write(&t, "ab", 2, "cd", 2) == 0 && store_temp_write(&t, NULL, 0, "e", 1) == 0,
	    "written in three pieces");
	ok(store_temp_commit(&t, "1.jpg", 1, &what) == 0, "committed with fsync");
	is_names(at("t/lib/vol"), "1.jpg", "only the final file is left");
	is_str(body = slurp(at("t/lib/vol/1.jpg")), "abcde", "and it is complete");
	free(body);
	ok(t.dfd >= 0 && t.fd < 0 && t.slot < 0, "the folder stays open for the caller");
	store_temp_end(&t);
	is_int(t.dfd, -1, "store_temp_end closes it");

	/* a temporary file dropped, and one removed by the signal clean-up */
	ok(store_temp_open(&s, &t, "lib", "vol", "2.jpg", &what) == 0, "another");
	store_temp_drop(&t);
	is_names(at("t/lib/vol"), "1.jpg", "store_temp_drop removes it");
	ok(store_temp_open(&s, &t, "lib", "vol", "2.jpg", &what) == 0, "and another");
	store_remove_temps();
	is_names(at("t/lib/vol"), "1.jpg", "store_remove_temps removes it");
	store_temp_end(&t);

	/* slots come back: more files than slots, one after the other */
	for (i = n = 0; i < STORE_SLOTS + 10; i++) {
		if (store_temp_open(&s, &t, "lib", "many", "x.jpg", &what) == 0 &&
		    store_temp_commit(&t, "x.jpg", 0, &what) == 0)
			n++;
		store_temp_end(&t);
	}
	is_int(n, STORE_SLOTS + 10, "%d files written in turn", STORE_SLOTS + 10);
	ok(store_temp_open(&s, &t, "lib", "many", "y.jpg", &what) == 0, "one more");
	store_remove_temps();
	is_names(at("t/lib/many"), "x.jpg", "is still removed by the clean-up");
	store_temp_end(&t);

	/* failures */
	ok(symlink(at("t/missing"), at("t/link")) == 0, "a link to a missing folder");
	ok(mkdir(at("t/lib/vol/3.jpg"), 0777) == 0, "3.jpg is a folder");
	ok(store_temp_open(&s, &t, "lib", "vol", "3.jpg", &what) == 0 &&
	    store_temp_commit(&t, "3.jpg", 1, &what) < 0 && errno == EISDIR,
	    "renaming a file over it fails (EISDIR)");
	is_str(what, "renaming to", "at the rename");
	store_temp_end(&t);
	is_names(at("t/lib/vol"), "1.jpg 3.jpg", "and no temporary file is left");
	memset(big, 'n', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ok(store_temp_open(&s, &t, "lib", "vol", big, &what) < 0 && errno == ENAMETOOLONG,
	    "a name too long (ENAMETOOLONG)");
	is_str(what, "temporary file for", "for the temporary file");
	store_temp_end(&t);
	ok(store_temp_open(&s, &t, "link", "vol", "1.jpg", &what) < 0 && errno == ELOOP,
	    "under a link (to a missing folder): ELOOP");
	is_str(what, "folder of", "for the folder");
	store_temp_end(&t);

	/* the folder removed under us is made again */
	ok(store_folder(&s, "gone", "vol", 1) >= 0 && rmdir(at("t/gone/vol")) == 0,
	    "a cached folder removed");
	ok(store_temp_open(&s, &t, "gone", "vol", "1.jpg", &what) == 0 &&
	    store_temp_commit(&t, "1.jpg", 1, &what) == 0, "a file written in it again");
	is_names(at("t/gone/vol"), "1.jpg", "in the folder made again");
	store_temp_end(&t);
	store_close(&s);
}

static void
test_signal(void)
{
	struct store s;
	struct store_temp t;
	const char *what;
	int status = 0;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		store_open(&s, at("sig"), 1);
		store_temp_init(&t);
		if (store_temp_open(&s, &t, "lib", "vol", "1.jpg", &what) < 0)
			_exit(1);
		store_catch_signals();
		raise(SIGTERM);
		_exit(2);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid, "a child with a temporary file");
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "dies of SIGTERM");
	is_names(at("sig/lib/vol"), "", "and its temporary file is gone");
}

static void
test_files(void)
{
	struct store_file f;
	const char *what = NULL;
	char *body, tmp[300];
	int fd;

	ok(store_file_open(&f, at("failed.tsv")) == 0, "a whole file");
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", at("failed.tsv"), (long)getpid());
	is_str(f.tmp, tmp, "written as path.tmp.PID");
	fputs("a\tb\n", f.fp);
	ok(access(at("failed.tsv"), F_OK) < 0, "not in place before the commit");
	ok(store_file_commit(&f, &what) == 0, "committed");
	is_str(body = slurp(at("failed.tsv")), "a\tb\n", "in place, complete");
	free(body);
	ok(access(tmp, F_OK) < 0, "the temporary name is gone");
	store_file_free(&f);

	ok(store_file_open(&f, at("failed.tsv")) == 0, "again");
	store_remove_temps();
	ok(access(f.tmp, F_OK) < 0, "the clean-up removes it while it is written");
	fclose(f.fp);
	store_file_free(&f);

	ok(mkdir(at("out.d"), 0777) == 0 && close(open(at("out.d/x"), O_WRONLY | O_CREAT, 0666)) == 0,
	    "a folder that is not empty");
	ok(store_file_open(&f, at("out.d")) == 0 && store_file_commit(&f, &what) < 0,
	    "a file cannot be renamed over it");
	is_str(what, at("out.d"), "the final name failed");
	ok(access(f.tmp, F_OK) < 0, "and the temporary file is removed");
	store_file_free(&f);
	errno = 0;
	ok(store_file_open(&f, at("nodir/failed.tsv")) < 0 && errno == ENOENT,
	    "in a missing folder: ENOENT");
	store_file_free(&f);

	fd = open(top, O_RDONLY | O_DIRECTORY);
	ok(store_append(fd, "m.tsv", "h\n", "1\n", 2) == 0 && store_append(fd, "m.tsv", "h\n", "2\n",
	    2) == 0, "two lines appended");
	is_str(body = slurp(at("m.tsv")), "h\n1\n2\n", "after one header");
	free(body);
	{	/* a line torn by a process killed mid-write, then an append */
		int m = open(at("m.tsv"), O_WRONLY | O_APPEND);
		ok(m >= 0 && write(m, "3 tor", 5) == 5, "a torn last line");
		close(m);
	}
	ok(store_append(fd, "m.tsv", "h\n", "4\n", 2) == 0, "appended after it");
	is_str(body = slurp(at("m.tsv")), "h\n1\n2\n4\n", "the torn line is cut off first");
	free(body);
	{	/* a size limit mid-line (as a full disk): nothing of the line stays */
		struct rlimit rl, old;
		char longline[600];
		getrlimit(RLIMIT_FSIZE, &old);
		rl = old;
		rl.rlim_cur = 8 + 300;
		memset(longline, 'x', sizeof longline - 1);
		longline[sizeof longline - 1] = '\n';
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		errno = 0;
		ok(store_append(fd, "m.tsv", "h\n", longline, sizeof longline) < 0 && errno == EFBIG,
		    "a write cut short fails (EFBIG)");
		setrlimit(RLIMIT_FSIZE, &old);
		signal(SIGXFSZ, SIG_DFL);
		is_str(body = slurp(at("m.tsv")), "h\n1\n2\n4\n", "and leaves no part of its line");
		free(body);
	}
	close(fd);
}

static void
test_reasons(void)
{
	is_str(store_reason(ENOSPC), "disk-full", "ENOSPC");
	is_str(store_reason(ELOOP), "symlink", "ELOOP");
	is_str(store_reason(EFBIG), "file-too-large", "EFBIG");
	is_str(store_reason(EACCES), "permission", "EACCES");
	is_str(store_reason(EIO), "write-error", "EIO");
	is_str(store_reason(ENAMETOOLONG), "name-too-long", "ENAMETOOLONG");
	is_str(store_reason(EISDIR), "file-system", "anything else");
	ok(store_fatal(ENOSPC) && store_fatal(EFBIG) && store_fatal(EROFS) && store_fatal(EIO),
	    "a full disk, a size limit, a read-only or failing disk stop the run");
	ok(!store_fatal(EACCES) && !store_fatal(ELOOP) && !store_fatal(ENAMETOOLONG),
	    "one file's failures do not");
}

/* Temporary files left by a run that died (SIGKILL: nothing cleans up)
 * go when a later run opens their folder; a temporary file another
 * process is writing stays, and so does one of this process's own. */
static void
test_stale(void)
{
	struct store s, s2;
	struct store_temp t, live;
	const char *what = NULL;
	int p[2], q[2], fd;
	char c;
	pid_t pid;

	store_open(&s, at("st"), 1);
	store_temp_init(&t);
	ok(store_temp_open(&s, &t, "lib", "vol", "1.jpg", &what) == 0, "a run's temporary file");
	if (pipe(p) < 0 || pipe(q) < 0)
		return;
	if ((pid = fork()) == 0) {	/* the other process, writing 2.jpg */
		struct store s3;
		store_open(&s3, at("st"), 1);
		store_temp_init(&live);
		if (store_temp_open(&s3, &live, "lib", "vol", "2.jpg", &what) < 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1 || read(q[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	if (read(p[0], &c, 1) != 1)
		return;
	/* a run killed mid-write: its file, never locked again */
	fd = open(at("st/lib/vol/.3.jpg.part.AbC123"), O_WRONLY | O_CREAT, 0666);
	ok(fd >= 0 && write(fd, "half", 4) == 4, "a file left by a killed run");
	close(fd);
	store_open(&s2, at("st"), 0);
	ok(store_folder(&s2, "lib", "vol", 0) >= 0, "another run opens the folder");
	{
		char *got = names(at("st/lib/vol"));
		ok(got && !strstr(got, ".3.jpg.part."), "the left-over file is gone");
		ok(got && strstr(got, t.name) && strstr(got, ".2.jpg.part."),
		    "the files being written stay");
		free(got);
	}
	if (write(q[1], "x", 1) != 1)
		return;
	waitpid(pid, NULL, 0);	/* it dies without cleaning up */
	store_close(&s2);
	store_open(&s2, at("st"), 0);
	store_folder(&s2, "lib", "vol", 0);
	{
		char *got = names(at("st/lib/vol"));
		ok(got && !strstr(got, ".2.jpg.part.") && strstr(got, t.name),
		    "once its writer is dead, its file goes too; the live one stays");
		free(got);
	}
	ok(store_temp_write(&t, "ok", 2, NULL, 0) == 0 && store_temp_commit(&t, "1.jpg", 0, &what) == 0,
	    "the live file is committed");
	is_names(at("st/lib/vol"), "1.jpg", "only the final file is left");
	store_temp_end(&t);
	store_close(&s2);
	store_close(&s);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

int
main(void)
{
	if (files_tmpdir(top, sizeof top, "test-store") < 0)
		return 2;
	test_mkdirs();
	test_folders();
	test_temps();
	test_stale();
	test_signal();
	test_files();
	test_reasons();
	if (files_rmdir(top) < 0)
		return 2;
	return tap_done();
}
