/* test-throttle: the shared token bucket and pause of common/throttle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "clock.h"
#include "diag.h"
#include "throttle.h"

/* The file's size and whether it holds a line for key. */
static long
file_has(const char *file, const char *key, int *has)
{
	char line[512];
	long size = 0;
	size_t k = strlen(key);
	FILE *fp = fopen(file, "r");

	*has = 0;
	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp)) {
		size += (long)strlen(line);
		if (strncmp(line, key, k) == 0 && line[k] == '\t')
			*has = 1;
	}
	fclose(fp);
	return size;
}

/* Keys idle for a day go when the file is rewritten, under the same lock,
 * while many processes use it: 8 children, each with its own key (burst
 * 5, rate 1 per 1000 s) and one key shared by all, each on a clock a day
 * and more ahead of the last (so each rewrite drops what the slower clocks
 * wrote long ago), and each taking all the while; no key in use is lost:
 * every child's key ends empty (5 granted of 6), the shared one granted
 * its burst once in all, and the file holds only the live keys. */
static void
compaction(const char *file)
{
	struct throttle *t;
	char key[64];
	int i, k, status, granted = 0, own_ok = 1, has, stale = 0;
	long size;
	pid_t pid;

	/* 200 hosts last used two days ago */
	clock_wall_shift(-2 * THROTTLE_IDLE);
	t = throttle_open(file);
	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof key, "http://old%d:80", i);
		throttle_take(t, key, 1, 1, 0, 1);
	}
	throttle_close(t);
	clock_wall_shift(0);
	size = file_has(file, "http://old7:80", &has);
	ok(has && size > 200 * 30, "200 idle hosts in the file (%ld bytes)", size);

	for (i = 0; i < 8; i++) {
		if ((pid = fork()) == 0) {
			struct throttle *c = throttle_open(file);
			int got = 0, own = 0;
			/* the children's clocks run 0..7 minutes ahead: all within
			 * a day of each other, all a day past the old lines */
			clock_wall_shift(60.0 * i);
			snprintf(key, sizeof key, "http://live%d:80", i);
			for (k = 0; k < 6; k++) {
				own += throttle_take(c, key, 0.001, 5, 0, 1) == 0;
				got += throttle_take(c, "http://shared:80", 0.001, 3, 0, 1) == 0;
			}
			throttle_close(c);
			_exit((own == 5 ? 0 : 100) + got);
		}
	}
	for (i = 0; i < 8; i++) {
		wait(&status);
		k = WEXITSTATUS(status);
		if (k >= 100)
			own_ok = 0;
		granted += k % 100;
	}
	ok(own_ok, "each of 8 processes: its own key kept (5 of 6 takes granted, burst 5)");
	is_int(granted, 3, "the shared key: its burst of 3 granted once among 8 processes");
	t = throttle_open(file);
	for (i = 0; i < 8; i++) {
		snprintf(key, sizeof key, "http://live%d:80", i);
		if (throttle_take(t, key, 0.001, 5, 0, 1) == 0)
			own_ok = 0;
	}
	ok(own_ok, "every live key still empty when read again");
	throttle_close(t);
	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof key, "http://old%d:80", i);
		file_has(file, key, &has);
		stale += has;
	}
	size = file_has(file, "http://shared:80", &has);
	is_int(stale, 0, "no idle host left");
	ok(has && size < 10 * 60, "9 live keys left (%ld bytes)", size);

	/* a key paused into the future stays however old its last use */
	clock_wall_shift(-2 * THROTTLE_IDLE);
	t = throttle_open(file);
	throttle_pause(t, "http://paused:80", clock_wall() + 3 * THROTTLE_IDLE);
	clock_wall_shift(0);
	throttle_take(t, "http://shared:80", 0.001, 3, 0, 1);
	file_has(file, "http://paused:80", &has);
	ok(has, "a host paused past now is kept");
	/* a torn line (a process killed mid-write) is dropped, not kept */
	{
		FILE *fp = fopen(file, "a");
		fputs("http://torn:80\t1.0\n", fp);
		fclose(fp);
	}
	throttle_take(t, "http://shared:80", 0.001, 3, 0, 1);
	file_has(file, "http://torn:80", &has);
	ok(!has, "a line that does not parse is dropped");
	throttle_close(t);
}

int
main(void)
{
	char path[] = "/tmp/plates-throttle-XXXXXX";
	char file[64];
	struct throttle *t, *u;
	double w;
	int fd, i, granted = 0, status;
	pid_t pid;

	diag_init("test-throttle");
	fd = mkstemp(path);
	close(fd);
	unlink(path);
	snprintf(file, sizeof file, "%s/sub/state", path);

	t = throttle_open(file);
	ok(t != NULL, "open creates the file and its folders");
	is_int(throttle_take(t, "http://a:80", 1, 2, 0, 1) == 0, 1, "burst 2: first take granted");
	is_int(throttle_take(t, "http://a:80", 1, 2, 0, 1) == 0, 1, "burst 2: second take granted");
	w = throttle_take(t, "http://a:80", 1, 2, 0, 1);
	ok(w > 0.9 && w <= 1.0, "third take waits about one interval (%.3f s)", w);
	is_int(throttle_take(t, "http://b:80", 1, 1, 0, 1) == 0, 1, "another host has its own bucket");

	/* a second handle on the same file sees the same state */
	u = throttle_open(file);
	w = throttle_take(u, "http://a:80", 1, 2, 0, 1);
	ok(w > 0.9 && w <= 1.0, "a second opener shares the bucket (%.3f s)", w);

	throttle_pause(u, "http://c:80", (double)time(NULL) + 100);
	w = throttle_take(t, "http://c:80", 0, 1, 0, 1);
	ok(w > 98 && w <= 101, "a pause set by one opener holds for the other (%.1f s)", w);

	/* a server's reported budget (choke.h), shared: what one opener
	 * learned, the other paces by */
	{
		struct choke c1, c2;
		struct choke_report r;
		double now = (double)time(NULL);

		memset(&c1, 0, sizeof c1);
		memset(&c2, 0, sizeof c2);
		memset(&r, 0, sizeof r);
		choke_header(&r, "Max", "5");
		choke_header(&r, "Debt", "3");
		choke_header(&r, "Credit", "0.01");
		choke_header(&r, "Delta", "1");
		choke_learn(&c1, &r, 1, 0, now);
		is_int(throttle_choke(t, "http://e:80/image", &c1, 0) == 0, 1,
		    "a report published (nothing taken)");
		w = throttle_choke(u, "http://e:80/image", &c2, 1);
		ok(c2.known && c2.max == 5 && c2.rate > 0.0099 && c2.rate < 0.0101,
		    "the other opener learns the budget and the rate");
		ok(w > 90, "debt 4 of 5: a request of cost 1 waits for the credit (%.0f s)", w);
		memset(&c2, 0, sizeof c2);
		is_int(throttle_choke(u, "http://f:80/image", &c2, 1) == 0, 1,
		    "another bucket, unknown: nothing to wait for");
		is_int(throttle_take(t, "http://e:80", 0, 1, 0, 1) == 0, 1,
		    "the budget's line does not disturb the host's bucket");
	}

	/* children in other processes: 4 x 10 takes at 5/s, burst 1, no waiting:
	 * only one take in all can be granted at once */
	for (i = 0; i < 4; i++) {
		if ((pid = fork()) == 0) {
			struct throttle *c = throttle_open(file);
			int k, got = 0;
			for (k = 0; k < 10; k++)
				got += throttle_take(c, "http://d:80", 0.001, 1, 0, 1) == 0;
			throttle_close(c);
			_exit(got);
		}
	}
	for (i = 0; i < 4; i++) {
		wait(&status);
		granted += WEXITSTATUS(status);
	}
	is_int(granted, 1, "4 processes, 40 takes, rate 1 per 1000 s: exactly one granted");

	throttle_close(t);
	throttle_close(u);
	unlink(file);
	compaction(file);
	unlink(file);
	snprintf(file, sizeof file, "%s/sub", path);
	rmdir(file);
	rmdir(path);
	return tap_done();
}
