/* throttle: a per-key request rate (token bucket) and pause, shared by
 * every process that opens the same file.  Each take is a read-modify-write
 * of a small text file under an exclusive fcntl lock, so N processes
 * started together stay within one rate. */
#ifndef PLATES_THROTTLE_H
#define PLATES_THROTTLE_H

#include "choke.h"

/* A key neither used nor paused for this many seconds (a day) is left out
 * when the file is next rewritten, under the same lock: the file holds the
 * hosts in use, however long the runs that share it go on. */
#define THROTTLE_IDLE 86400.0

struct throttle;

/* Open (creating it and its folder, mode 0600) the state file; NULL with
 * a message on error. */
struct throttle *throttle_open(const char *path);
/* Take the slots of a request that costs `cost` (>= 1 as a rule; a cost
 * above the burst waits for a full bucket and leaves it owing) for key.
 * Returns 0 when taken, else the seconds to wait before asking again.
 * jitter (0..1) adds up to that fraction of one interval to the spacing
 * after this request. */
double throttle_take(struct throttle *t, const char *key, double rate, double burst,
    double jitter, double cost);
/* A server's reported budget (choke.h) for key, shared: the newer of c and
 * the file's view is kept (choke_merge), then, when cost > 0, a request of
 * that cost is taken from it if choke_wait allows.  c gets the result.
 * Returns 0 (taken, or nothing to take), else the seconds to wait. */
double throttle_choke(struct throttle *t, const char *key, struct choke *c, double cost);
/* Make every process wait before asking key again, until the wall-clock
 * time until (seconds since the epoch). */
void throttle_pause(struct throttle *t, const char *key, double until);
void throttle_close(struct throttle *t);

#endif
