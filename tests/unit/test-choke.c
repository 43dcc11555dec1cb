/* test-choke: pacing from HathiTrust's X-Choke-* budget (common/choke).
 * Times are given, never read: nothing here depends on the machine's
 * speed. */
#include <math.h>

#include "tap.h"
#include "choke.h"

static int
near(double a, double b)
{
	return fabs(a - b) < 1e-6;
}

/* A report as Requests.pm builds it: Debt before the request, Max,
 * Credit earned over Delta seconds. */
static struct choke_report
report(const char *debt, const char *max, const char *credit, const char *delta)
{
	struct choke_report r;

	memset(&r, 0, sizeof r);
	if (debt)
		choke_header(&r, "Debt", debt);
	if (max)
		choke_header(&r, "Max", max);
	if (credit)
		choke_header(&r, "Credit", credit);
	if (delta)
		choke_header(&r, "Delta", delta);
	return r;
}

int
main(void)
{
	struct choke c, other;
	struct choke_report r;
	double t = 1000, w;
	int i, sent, refused;

	memset(&c, 0, sizeof c);
	ok(choke_wait(&c, 1, t) == 0, "nothing reported: no wait");

	/* the first answer: Debt 0 is left out (Perl drops false values), no
	 * Credit or Delta yet (Delta 0) */
	r = report(NULL, "10", NULL, NULL);
	ok(r.has_max, "X-Choke-Max read");
	is_int(choke_header(&r, "Rate", "10 requests / 1 minute"), 0, "X-Choke-Rate is not a number we use");
	choke_learn(&c, &r, 1, 0, t);
	ok(near(choke_debt(&c, t), 1), "debt after the first request: its cost (1)");
	ok(near(c.rate, 0), "no rate learned without Credit and Delta");
	ok(choke_wait(&c, 1, t) == 0, "debt 1 of 10: the next request goes at once");

	/* Credit / Delta is the rate */
	r = report("6", "10", "1.5", "3");
	choke_learn(&c, &r, 1, 0, t);
	ok(near(c.rate, 0.5), "rate learned: 1.5 credits over 3 s = 0.5/s (%g)", c.rate);
	ok(near(choke_debt(&c, t), 7), "debt: reported 6 + this request's 1");
	ok(near(choke_debt(&c, t + 4), 5), "the debt falls at the rate: 7 - 4 * 0.5");
	ok(choke_wait(&c, 1, t) == 0, "7 + 1 <= 10 - margin 1: goes at once");
	choke_spend(&c, 1, t);
	ok(choke_wait(&c, 1, t) == 0, "8 + 1 <= 9: goes at once");
	choke_spend(&c, 1, t);
	w = choke_wait(&c, 1, t);
	ok(near(w, 2), "9 + 1 > 9: waits until the debt is 8 (2 s at 0.5/s; %g)", w);
	ok(near(choke_wait(&c, 1, t + w), 0), "and no longer");
	w = choke_wait(&c, 3, t);
	ok(near(w, 6), "a request of cost 3 waits for debt 6 (6 s; %g)", w);
	w = choke_wait(&c, 12, t);
	ok(near(w, 18), "a request dearer than the budget waits for debt 0 (18 s; %g)", w);

	/* requests under way when an answer comes are counted */
	r = report("2", "10", NULL, NULL);
	choke_learn(&c, &r, 1, 2.5, t);
	ok(near(choke_debt(&c, t), 5.5), "debt: reported 2 + this 1 + 2.5 under way");
	ok(near(c.rate, 0.5), "a report without Credit keeps the rate learned");

	/* a 429: the server clears the debt when the pause ends */
	memset(&r, 0, sizeof r);
	choke_header(&r, "Max", "10");
	choke_header(&r, "Debt", "10.2");
	choke_header(&r, "Allowed", "0");
	choke_header(&r, "UntilEpoch", "1060");
	ok(r.refused && near(r.until, 1060), "X-Choke-Allowed 0 and X-Choke-UntilEpoch read");
	choke_learn(&c, &r, 1, 0, t);
	ok(near(choke_debt(&c, t), 0) && choke_wait(&c, 1, t) == 0,
	    "refused: the debt starts again from 0 (the pause itself holds the host)");

	/* garbage is ignored */
	r = report("x", "-3", "nan", "1e400");
	ok(!r.has_max && r.debt == 0 && r.credit == 0 && r.delta == 0, "numbers that are not are ignored");

	/* the steady state: simulate the server (Requests.pm: the debt before
	 * the request is reported, 429 at a debt >= max, credit at 0.25/s)
	 * and a client that asks as soon as choke_wait allows: 200 requests
	 * of cost 1.5 are never refused */
	{
		double sdebt = 0, slast = t, now = t, rate = 0.25, max = 10, cost = 1.5;
		double credit, delta, top = 0;
		char d[32], m[32], cr[32], dl[32];

		memset(&c, 0, sizeof c);
		sent = refused = 0;
		for (i = 0; i < 200; i++) {
			now += choke_wait(&c, cost, now);
			delta = now - slast;
			credit = delta * rate;
			sdebt = sdebt - credit > 0 ? sdebt - credit : 0;
			slast = now;
			if (sdebt >= max) {
				refused++;
				break;
			}
			snprintf(d, sizeof d, "%.6f", sdebt);
			snprintf(m, sizeof m, "%g", max);
			snprintf(cr, sizeof cr, "%.6f", credit);
			snprintf(dl, sizeof dl, "%.6f", delta);
			r = report(sdebt > 0 ? d : NULL, m, credit > 0 ? cr : NULL,
			    delta > 0 ? dl : NULL);
			choke_spend(&c, cost, now);
			sdebt += cost;
			if (sdebt > top)
				top = sdebt;
			choke_learn(&c, &r, cost, 0, now);
			sent++;
			now += 0.01;	/* the answer takes 10 ms */
		}
		is_int(refused, 0, "200 requests paced from the reports: none refused");
		is_int(sent, 200, "all 200 sent");
		ok(top <= max - CHOKE_MARGIN + 1e-6, "the server's debt never passed max - margin (%.2f)", top);
		ok(near(c.rate, rate), "the rate was learned (%g)", c.rate);
		ok(now - t < (200 * cost - max) / rate + 60,
		    "and the pace is the server's credit rate (%.0f s for 300 credits at 0.25/s)", now - t);
	}

	/* merging two views of one bucket: the newer report wins, the rate
	 * is kept */
	memset(&c, 0, sizeof c);
	memset(&other, 0, sizeof other);
	r = report("3", "10", "1", "2");
	choke_learn(&c, &r, 1, 0, t);
	r = report("5", "10", NULL, NULL);
	choke_learn(&other, &r, 1, 0, t + 1);
	choke_merge(&c, &other);
	ok(near(choke_debt(&c, t + 1), 6), "the newer view wins (debt 6)");
	ok(near(c.rate, 0.5), "the rate learned by the older view is kept");
	return tap_done();
}
