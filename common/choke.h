/* choke: pacing from the budget HathiTrust's throttle reports on every
 * answer (plack-lib/Plack/Middleware/Choke/Requests.pm): X-Choke-Debt is
 * the client's debt before the request, X-Choke-Max the debt at which it is
 * refused (429), X-Choke-Credit the credit earned over X-Choke-Delta
 * seconds, so Credit / Delta is the rate the debt falls at.  A request adds
 * its cost to the debt (1, or an image's width / 680).
 *
 * The rule: a request of cost c may start when the debt foreseen for now
 * plus c stays at or under Max - CHOKE_MARGIN; otherwise it waits until
 * the credit has brought the debt down that far.  While the debt is low,
 * requests go at the local rate; as it nears the maximum they are spaced
 * at the server's own credit rate, so a long run is never answered 429.
 * A request dearer than the whole budget waits for a debt of 0 (the
 * server refuses only a debt already at the maximum).
 *
 * Times are wall-clock seconds (shared between processes through
 * throttle.h); nothing here reads a clock. */
#ifndef PLATES_CHOKE_H
#define PLATES_CHOKE_H

/* Credits kept in hand below the maximum: the server counts whole
 * seconds, and a debt multiplier may apply that the headers do not show. */
#define CHOKE_MARGIN 1.0
/* The credit rate assumed before the server has told it (Credit / Delta):
 * HathiTrust's reported 15 requests in 5 minutes. */
#define CHOKE_RATE_GUESS (1.0 / 20.0)

/* What one answer's X-Choke-* headers say. */
struct choke_report {
	int has_max;		/* X-Choke-Max given: the rest means something */
	double debt;		/* X-Choke-Debt; absent means 0 (Perl drops a 0) */
	double max;
	double credit;		/* X-Choke-Credit, 0 if absent */
	double delta;		/* X-Choke-Delta, 0 if absent */
	int refused;		/* X-Choke-Allowed: 0 */
	double until;		/* X-Choke-UntilEpoch, 0 if absent */
};

/* One throttle bucket of a server (HathiTrust keeps one per path). */
struct choke {
	int known;		/* a report has come */
	double debt;		/* the debt at `at`, our own requests since included */
	double at;		/* wall-clock seconds */
	double max;
	double rate;		/* credits per second; 0: not told yet */
	double seen;		/* when the last report came (for merging) */
};

/* Read one header (name without "X-Choke-", any case) into r; 0 if it is
 * not one of ours. */
int choke_header(struct choke_report *r, const char *name, const char *value);
/* The debt foreseen at time now. */
double choke_debt(const struct choke *c, double now);
/* An answer came at time now to a request of cost `cost`, while
 * `inflight` credits of other requests to the same bucket were under way. */
void choke_learn(struct choke *c, const struct choke_report *r, double cost, double inflight,
    double now);
/* Seconds until a request of cost `cost` may start (0: now). */
double choke_wait(const struct choke *c, double cost, double now);
/* A request of cost `cost` starts at time now. */
void choke_spend(struct choke *c, double cost, double now);
/* Take the newer of two views of one bucket into c (by when their last
 * report came); the learned rate is kept from either. */
void choke_merge(struct choke *c, const struct choke *other);

#endif
