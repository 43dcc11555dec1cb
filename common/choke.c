/* choke: pacing from HathiTrust's X-Choke-* budget; see choke.h. */
#include "choke.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static double
num(const char *v, int *okp)
{
	char *end;
	double d = strtod(v, &end);

	while (*end == ' ' || *end == '\t')
		end++;
	*okp = end != v && *end == '\0' && d == d && d >= 0 && d < 1e12;
	return *okp ? d : 0;
}

int
choke_header(struct choke_report *r, const char *name, const char *value)
{
	int ok;
	double d = num(value, &ok);

	if (strcasecmp(name, "Max") == 0) {
		if (ok && d > 0) {
			r->has_max = 1;
			r->max = d;
		}
	} else if (strcasecmp(name, "Debt") == 0) {
		r->debt = d;
	} else if (strcasecmp(name, "Credit") == 0) {
		r->credit = d;
	} else if (strcasecmp(name, "Delta") == 0) {
		r->delta = d;
	} else if (strcasecmp(name, "Allowed") == 0) {
		r->refused = ok && d == 0;
	} else if (strcasecmp(name, "UntilEpoch") == 0) {
		r->until = d;
	} else {
		return 0;
	}
	return 1;
}

static double
rate_of(const struct choke *c)
{
	return c->rate > 0 ? c->rate : CHOKE_RATE_GUESS;
}

double
choke_debt(const struct choke *c, double now)
{
	double d;

	if (!c->known)
		return 0;
	d = c->debt;
	if (now > c->at)
		d -= (now - c->at) * rate_of(c);
	return d > 0 ? d : 0;
}

void
choke_learn(struct choke *c, const struct choke_report *r, double cost, double inflight,
    double now)
{
	if (!r->has_max)
		return;
	if (r->credit > 0 && r->delta > 0)
		c->rate = r->credit / r->delta;
	c->known = 1;
	c->max = r->max;
	c->seen = now;
	if (r->refused) {
		/* refused: the server clears the debt when the pause ends
		 * (Requests.pm: "throttling is OVER") */
		c->debt = inflight;
		c->at = r->until > now ? r->until : now;
		return;
	}
	c->debt = r->debt + cost + inflight;
	c->at = now;
}

double
choke_wait(const struct choke *c, double cost, double now)
{
	double d, room, over;

	if (!c->known)
		return 0;
	d = choke_debt(c, now);
	room = c->max - CHOKE_MARGIN;
	if (cost > room)
		over = d;	/* dearer than the budget: wait for a clean slate */
	else
		over = d + cost - room;
	if (now < c->at && c->debt > 0 && over > 0)
		return (c->at - now) + over / rate_of(c);
	return over > 0 ? over / rate_of(c) : 0;
}

void
choke_spend(struct choke *c, double cost, double now)
{
	if (!c->known)
		return;
	if (now > c->at) {
		c->debt = choke_debt(c, now);
		c->at = now;
	}
	c->debt += cost;
}

void
choke_merge(struct choke *c, const struct choke *other)
{
	double rate = c->rate > 0 ? c->rate : other->rate;

	if (other->known && (!c->known || other->seen > c->seen ||
	    (other->seen == c->seen && other->at >= c->at)))
		*c = *other;
	if (c->rate <= 0)
		c->rate = rate;
}
