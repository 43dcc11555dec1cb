/* clock: seconds as doubles; see clock.h. */
#include "clock.h"

#include <time.h>

static double
seconds(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
clock_now(void)
{
	return seconds(CLOCK_MONOTONIC);
}

static double wall_shift;

double
clock_wall(void)
{
	return seconds(CLOCK_REALTIME) + wall_shift;
}

void
clock_wall_shift(double s)
{
	wall_shift = s;
}
