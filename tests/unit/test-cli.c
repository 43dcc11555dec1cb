/* test-cli: options as data: the shared options and their defaults, a
 * tool's own options in order, operands, and the base URL rule.  (Usage
 * errors exit; the golden cases of every tool check those.) */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "cli.h"
#include "diag.h"

enum { O_ALL = CLI_LONG, O_WIDTH };

static const struct cli_opt own[] = {
	{ "all", O_ALL, CLI_NOARG },
	{ "feature", 'F', CLI_ARG },
	{ "width", O_WIDTH, CLI_ARG },
	{ "dry-run", 'n', CLI_OPTARG },
	{ NULL, 0, 0 }
};

static void
help(void)
{
}

static const struct cli_spec spec = {
	.usage = "usage: test-cli [-Hq] [-F NAME] [--all] [ID ...]\n",
	.help = help,
	.shared = CLI_QUIET | CLI_HEADER | CLI_NET | CLI_BASE | CLI_RATE | CLI_PROGRESS |
	    CLI_VERBOSE,
	.opts = own,
	.base_env = "TEST_CLI_BASE",
	.base_default = "https://babel.hathitrust.org/",
	.base_what = "HathiTrust",
	.rate_default = 0.05,
	.rate_max = 1000,
};

/* The tool's own options as "key=value;" */
static void
take(void *arg, int key, const char *val)
{
	buf_printf(arg, "%d=%s;", key, val ? val : "-");
}

static int
run(struct cli *c, struct buf *seen, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	optind = 1;
	buf_reset(seen);
	buf_add(seen, "", 0);
	return cli_parse(&spec, c, argc, argv, take, seen);
}

int
main(void)
{
	struct cli c;
	struct buf seen = BUF_INIT, want = BUF_INIT;
	int i;

	diag_init("test-cli");
	unsetenv("TEST_CLI_BASE");
	{
		char *argv[] = { "test-cli", NULL };
		i = run(&c, &seen, argv);
		is_int(i, 1, "no options: operands start at 1");
		is_int(c.net.retries, 5, "retries default to 5");
		is_int(c.net.retry_delay_ms, 1000, "the retry delay defaults to 1000 ms");
		is_int(c.net.timeout_ms, 0, "no timeout by default");
		is_int(c.progress, -1, "progress is automatic by default");
		ok(c.rate == 0.05, "the rate defaults to the spec's");
		is_str(c.base, "https://babel.hathitrust.org", "the base URL defaults, without its '/'");
		ok(!c.quiet && !c.header, "not quiet, no header");
		is_str(buf_str(&seen), "", "no own option seen");
		cli_free(&c);
	}
	{
		char *argv[] = { "test-cli", "-Hq", "--retries", "2", "--retry-delay=10",
			"--timeout", "3", "--rate", "2/min", "--no-progress", "--base-url",
			"http://127.0.0.1:9///", "-F", "A,B", "--all", "--width", "680", "-n",
			"--dry-run=aria2", "id.1", "--", "-x", NULL };
		i = run(&c, &seen, argv);
		ok(c.header && c.quiet, "-Hq sets header and quiet");
		is_int(c.net.retries, 2, "--retries 2");
		is_int(c.net.retry_delay_ms, 10, "--retry-delay=10");
		is_int(c.net.timeout_ms, 3000, "--timeout 3 is 3000 ms");
		ok(c.rate > 0.0333 && c.rate < 0.0334, "--rate 2/min is 1/30 s");
		is_int(c.progress, 0, "--no-progress");
		is_str(c.base, "http://127.0.0.1:9", "--base-url, trailing slashes dropped");
		buf_printf(&want, "%d=A,B;%d=-;%d=680;%d=-;%d=aria2;", 'F', O_ALL, O_WIDTH, 'n', 'n');
		is_str(buf_str(&seen), buf_str(&want), "own options in order, with their values");
		ok(i < 23 && strcmp(argv[i], "id.1") == 0, "operands start at the first id");
		cli_free(&c);
	}
	{
		char *argv[] = { "test-cli", "--progress", "--wid", "1", NULL };
		setenv("TEST_CLI_BASE", "https://mirror.example/", 1);
		i = run(&c, &seen, argv);
		is_int(c.progress, 1, "--progress");
		is_str(c.base, "https://mirror.example", "the base URL from the environment");
		buf_reset(&want);
		buf_printf(&want, "%d=1;", O_WIDTH);
		is_str(buf_str(&seen), buf_str(&want), "an unambiguous prefix names an option");
		ok(!c.verbose && !c.net.verbose, "not verbose by default");
		cli_free(&c);
	}
	{
		/* 0 is "no limit" in every tool, not a usage error */
		char *argv[] = { "test-cli", "--rate", "0", "-v", NULL };
		i = run(&c, &seen, argv);
		ok(c.rate == 0, "--rate 0: no limit");
		ok(c.verbose && c.net.verbose, "-v: verbose, and libcurl's words in transfer errors");
		cli_free(&c);
	}
	buf_free(&seen);
	buf_free(&want);
	return tap_done();
}
