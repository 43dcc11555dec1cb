/* test-throttle: the shared token bucket and pause of common/throttle. */
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "diag.h"
#include "throttle.h"

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
	snprintf(file, sizeof file, "%s/sub", path);
	rmdir(file);
	rmdir(path);
	return tap_done();
}
