/* cli: options as data.  A tool describes its own options in a table and
 * names the shared ones it takes; cli_parse parses both with getopt_long,
 * in one place, with one set of defaults and one set of messages:
 *
 *   -h, --help      the tool's help function (stdout, exit 0)
 *   -V, --version   "prog (plates) VERSION" (stdout, exit 0)
 *   -q, --quiet     CLI_QUIET: no informational messages
 *   -v, --verbose   CLI_VERBOSE: more messages; transfer errors keep
 *                   libcurl's own words (http_opts.verbose)
 *   -H, --header    CLI_HEADER (the long name may differ: header_name)
 *   --retries N, --retry-delay MS, --timeout SECS   CLI_NET (http_opts)
 *   --base-url URL  CLI_BASE: checked to be http:// or https://
 *   --rate RATE     CLI_RATE: N/s, N/min or N/h; 0 is no limit
 *   --progress, --no-progress   CLI_PROGRESS
 *
 * A bad option or value is a usage error (usage line on stderr, exit 2),
 * found before any input is read. */
#ifndef PLATES_CLI_H
#define PLATES_CLI_H

#include "http.h"

enum {
	CLI_QUIET = 1 << 0,
	CLI_HEADER = 1 << 1,
	CLI_NET = 1 << 2,
	CLI_BASE = 1 << 3,
	CLI_RATE = 1 << 4,
	CLI_PROGRESS = 1 << 5,
	CLI_VERBOSE = 1 << 6
};

/* Keys at or above CLI_LONG are long-only options; below, the short letter. */
#define CLI_LONG 256

enum { CLI_NOARG, CLI_ARG, CLI_OPTARG };

struct cli_opt {
	const char *name;	/* long name, or NULL for a short option only */
	int key;		/* 'x' or CLI_LONG + n; 0 ends the table */
	int arg;		/* CLI_NOARG, CLI_ARG, CLI_OPTARG */
};

struct cli_spec {
	const char *usage;		/* the usage lines (the man page's SYNOPSIS) */
	void (*help)(void);		/* prints the help after the usage lines */
	unsigned shared;		/* CLI_* */
	const struct cli_opt *opts;	/* the tool's own options, or NULL */
	const char *header_name;	/* CLI_HEADER: long name (default "header") */
	/* CLI_BASE */
	const char *base_env;		/* "PLATES_HT_BASE" */
	const char *base_default;	/* "https://babel.hathitrust.org" */
	const char *base_what;		/* "HathiTrust", in messages */
	/* CLI_RATE: requests per second; 0 (no limit) is always allowed */
	double rate_default;
	double rate_max;
};

/* What the shared options gave (after the defaults). */
struct cli {
	int quiet;
	int verbose;
	int header;
	int progress;		/* -1 automatic, 0 off, 1 on */
	char *base;		/* CLI_BASE: without a trailing '/' */
	double rate;		/* CLI_RATE */
	struct http_opts net;	/* CLI_NET: retries 5, retry delay 1000 ms */
};

/* The tool's own option: key and its argument (NULL if none). */
typedef void (*cli_fn)(void *arg, int key, const char *val);

/* Parse argv; returns the index of the first operand.  diag_init must
 * have been called. */
int cli_parse(const struct cli_spec *s, struct cli *c, int argc, char **argv,
    cli_fn fn, void *arg);
void cli_free(struct cli *c);

/* Usage errors for the tool's own values, with the spec's usage line. */
void cli_usage_error(const struct cli_spec *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
long cli_long(const struct cli_spec *s, const char *opt, const char *val, long min, long max);
double cli_double(const struct cli_spec *s, const char *opt, const char *val, double min,
    double max);
/* A base URL: opt if set, else $env if set, else dflt, without a trailing
 * '/'; a usage error unless it is http:// or https:// ("the <what> base
 * URL must start with ...", naming --base-url or the variable).  CLI_BASE
 * uses it; so may a tool for another server it talks to. */
char *cli_base_url(const struct cli_spec *s, const char *opt, const char *env,
    const char *dflt, const char *what);
/* A file named by an option must be readable: a usage error if not. */
void cli_readable(const struct cli_spec *s, const char *opt, const char *path);

#endif
