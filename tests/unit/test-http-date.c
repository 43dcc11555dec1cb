/* test-http-date: HTTP-date and Retry-After parsing, URL escaping, base URLs. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "http.h"

#define T1994 784111777	/* Sun, 06 Nov 1994 08:49:37 GMT */

static void
date_bad(const char *s)
{
	is_int(http_parse_date(s), -1, "reject '%s'", s);
}

static void
test_parse_date(void)
{
	/* the three forms of RFC 9110 section 5.6.7 */
	is_int(http_parse_date("Sun, 06 Nov 1994 08:49:37 GMT"), T1994, "IMF-fixdate");
	is_int(http_parse_date("Sunday, 06-Nov-94 08:49:37 GMT"), T1994, "RFC 850");
	is_int(http_parse_date("Sun Nov  6 08:49:37 1994"), T1994, "asctime");
	/* month names are case-insensitive */
	is_int(http_parse_date("Sun, 06 NOV 1994 08:49:37 GMT"), T1994, "month in capitals");
	/* more dates */
	is_int(http_parse_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0, "the epoch");
	is_int(http_parse_date("Sat, 01 Jan 2000 00:00:00 GMT"), 946684800, "2000-01-01");
	is_int(http_parse_date("Tue, 29 Feb 2000 12:00:00 GMT"), 951825600, "leap day 2000");
	is_int(http_parse_date("Sun, 31 Dec 2023 23:59:59 GMT"), 1704067199, "end of 2023");
	is_int(http_parse_date("Wed, 21 Oct 2015 07:28:00 GMT"), 1445412480, "MDN example");
	is_int(http_parse_date("Friday, 01-Jan-21 00:00:00 GMT"), 1609459200, "RFC 850 year 21 is 2021");
	is_int(http_parse_date("Thursday, 01-Jan-70 00:00:00 GMT"), 0, "RFC 850 year 70 is 1970");
	is_int(http_parse_date("Friday, 31-Dec-99 23:59:59 GMT"), 946684799, "RFC 850 year 99 is 1999");
	if (sizeof(time_t) > 4)
		is_int(http_parse_date("Tuesday, 01-Jan-69 00:00:00 GMT"), 3124224000LL, "RFC 850 year 69 is 2069");
	else
		ok(1, "RFC 850 year 69 (skipped: 32-bit time_t)");
	is_int(http_parse_date("Sat Jan  1 00:00:00 2000"), 946684800, "asctime 2000");
	is_int(http_parse_date("Tue Oct 21 07:28:00 2015"), 1445412480, "asctime two-digit day");

	date_bad("");
	date_bad("garbage");
	date_bad("12345");
	date_bad("Sun, 06 Nov 1994 08:49:37");		/* no GMT */
	date_bad("Sun, 06 Nov 1994 08:49:37 UTC");
	date_bad("Sun, 06 Nov 1994 08:49:37 GMT ");	/* trailing junk */
	date_bad("Sun, 06 Nov 1994 08:49:37 GMTX");
	date_bad("Sun, 06 Foo 1994 08:49:37 GMT");	/* bad month */
	date_bad("Sun, 06 No");
	date_bad("Sun, 06 Nov 1994 25:49:37 GMT");	/* hour 25 */
	date_bad("Sun, 06 Nov 1994 24:00:00 GMT");
	date_bad("Sun, 06 Nov 1994 08:60:37 GMT");	/* minute 60 */
	date_bad("Sun, 06 Nov 1994 08:49:61 GMT");
	date_bad("Sun, 32 Nov 1994 08:49:37 GMT");	/* day 32 */
	date_bad("Sun, 00 Nov 1994 08:49:37 GMT");
	date_bad("Sun, 6 Nov 1994 08:49:37 GMT");	/* one-digit day */
	date_bad("Sun, 06 Nov 94 08:49:37 GMT");	/* two-digit year */
	date_bad("Sun, 06 Nov 1994 8:49:37 GMT");
	date_bad("Sun, 06 Nov 1994 08-49-37 GMT");
	date_bad("Sun,06 Nov 1994 08:49:37 GMT");
	date_bad("Sun, 06/Nov/1994 08:49:37 GMT");
	date_bad("Sunday, 06-Nov-1994 08:49:37 GMT");	/* RFC 850 with 4-digit year */
	date_bad("Sunday, 06-Nov-94 08:49:37");
	date_bad("Sun Nov  6 08:49:37 1994 GMT");	/* asctime has no zone */
	date_bad("Sun Nov  6 08:49:37");
	date_bad("Sun Xyz  6 08:49:37 1994");
	date_bad(", 06 Nov 1994 08:49:37 GMT");		/* no day name */
	date_bad(" Nov  6 08:49:37 1994");
	date_bad("Sun");
	date_bad("Sun,");
}

static void
test_retry_after(void)
{
	time_t now = (time_t)T1994 - 100;

	is_int(http_retry_after("120", now), 120, "delta-seconds 120");
	is_int(http_retry_after("0", now), 0, "delta-seconds 0");
	is_int(http_retry_after(" 5 ", now), 5, "blanks around the number");
	is_int(http_retry_after("\t7\t", now), 7, "tabs around the number");
	is_int(http_retry_after("-1", now), -1, "negative is bad");
	is_int(http_retry_after("12abc", now), -1, "trailing junk is bad");
	is_int(http_retry_after("1 2", now), -1, "two numbers are bad");
	is_int(http_retry_after("", now), -1, "empty is bad");
	is_int(http_retry_after("   ", now), -1, "blank is bad");
	is_int(http_retry_after("1.5", now), -1, "a fraction is bad");
	ok(http_retry_after("99999999999999999999999", now) > 86400, "a huge number is a long wait, not an overflow");
	is_int(http_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), 100, "a date 100 s in the future");
	is_int(http_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", (time_t)T1994), 0, "the date now is 0");
	is_int(http_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", (time_t)T1994 + 3600), 0, "a date in the past is 0");
	is_int(http_retry_after(" Sun, 06 Nov 1994 08:49:37 GMT", now), 100, "leading blank before a date");
	is_int(http_retry_after("Sun Nov  6 08:49:37 1994", now - 20), 120, "asctime date");
	is_int(http_retry_after("Sun, 06 Nov 1994 08:49:37", now), -1, "a bad date is -1");
}

static void
escape_is(const char *s, size_t len, const char *want, const char *what)
{
	struct buf b = BUF_INIT;

	http_escape(&b, s, len);
	is_str(buf_str(&b), want, "escape %s", what);
	buf_free(&b);
}

static void
test_escape(void)
{
	struct buf b = BUF_INIT;
	char all[256];
	int i, fine;

	escape_is("peter parley date:[1825 TO 1830]", 32,
	    "peter%20parley%20date%3A%5B1825%20TO%201830%5D", "a Solr query");
	escape_is("\xc3\xa9", 2, "%C3%A9", "UTF-8 e-acute");
	escape_is("~-._", 4, "~-._", "unreserved punctuation unchanged");
	escape_is("AZaz09", 6, "AZaz09", "letters and digits unchanged");
	escape_is("uc2.ark:/13960/t00000431", 24, "uc2.ark%3A%2F13960%2Ft00000431", "an ark id");
	escape_is("uc1.$b759628", 12, "uc1.%24b759628", "a $ id");
	escape_is("a+b&c=d?e#f%g", 13, "a%2Bb%26c%3Dd%3Fe%23f%25g", "reserved characters");
	escape_is("a\0b", 3, "a%00b", "a NUL byte");
	escape_is("\x7f\xff", 2, "%7F%FF", "DEL and 0xff");
	escape_is("", 0, "", "empty");

	/* appends; every byte but the 66 unreserved ones becomes %XX */
	buf_adds(&b, "q=");
	http_escape(&b, "a b", 3);
	is_str(buf_str(&b), "q=a%20b", "escape appends");
	buf_free(&b);
	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	http_escape(&b, all, sizeof all);
	is_int(b.len, 66 + 190 * 3, "256 bytes: 66 kept, 190 encoded");
	fine = 1;
	for (i = 0; i < (int)b.len; i++) {
		unsigned char c = (unsigned char)b.s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr("-._~%", c)))
			fine = 0;
	}
	ok(fine, "the result has only unreserved characters and %%");
	buf_free(&b);
}

static void
base_is(const char *opt, const char *env, const char *dflt, const char *want, const char *what)
{
	char *s = http_base(opt, env, dflt);

	is_str(s, want, "base: %s", what);
	free(s);
}

static void
test_base(void)
{
	const char *env = "PLATES_UNIT_TEST_BASE";

	unsetenv(env);
	base_is(NULL, env, "https://babel.hathitrust.org/", "https://babel.hathitrust.org", "default, slash removed");
	base_is(NULL, NULL, "https://archive.org", "https://archive.org", "default with no env name");
	base_is("", env, "https://d", "https://d", "empty opt is not set");
	setenv(env, "http://127.0.0.1:8080///", 1);
	base_is(NULL, env, "https://d", "http://127.0.0.1:8080", "env over default, slashes removed");
	base_is("", env, "https://d", "http://127.0.0.1:8080", "empty opt falls to env");
	base_is("http://opt.example/x/", env, "https://d", "http://opt.example/x", "opt over env");
	base_is("http://opt.example", NULL, "https://d", "http://opt.example", "opt without env");
	setenv(env, "", 1);
	base_is(NULL, env, "https://d/", "https://d", "empty env is not set");
	unsetenv(env);
	base_is(NULL, env, "https://d", "https://d", "env unset again: default");
	base_is("http://a/b", env, "https://d", "http://a/b", "no trailing slash: unchanged");
	base_is("/", env, "https://d", "", "only slashes: empty");
}

int
main(void)
{
	diag_init("test-http-date");
	test_parse_date();
	test_retry_after();
	test_escape();
	test_base();
	return tap_done();
}
