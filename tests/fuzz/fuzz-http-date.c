/* fuzz-http-date: Retry-After and HTTP-date parsing never crash, and a
 * parsed date prints back to the same instant. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	char *s = malloc(n + 1);
	char again[64];
	time_t t;
	struct tm tm;

	memcpy(s, data, n);
	s[n] = '\0';
	(void)http_retry_after(s, 1700000000);
	t = http_parse_date(s);
	if (t != (time_t)-1 && gmtime_r(&t, &tm)) {
		strftime(again, sizeof again, "%a, %d %b %Y %H:%M:%S GMT", &tm);
		if (http_parse_date(again) != t)
			abort();
	}
	free(s);
	return 0;
}
