/* clock: seconds as doubles, for intervals (monotonic) and for times
 * shared with other processes (wall clock). */
#ifndef PLATES_CLOCK_H
#define PLATES_CLOCK_H

/* Monotonic seconds: for measuring intervals within one process. */
double clock_now(void);
/* Seconds since the epoch: for times other processes read. */
double clock_wall(void);
/* Shift this process's clock_wall by seconds (tests: "a day later"
 * without waiting a day). */
void clock_wall_shift(double seconds);

#endif
