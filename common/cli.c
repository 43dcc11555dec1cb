/* cli: options as data; see cli.h. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "xmem.h"

/* Keys of the shared long-only options, below the tools' CLI_LONG range. */
enum { K_RETRIES = 200, K_RETRY_DELAY, K_TIMEOUT, K_BASE, K_RATE, K_PROGRESS, K_NO_PROGRESS };

static void
add(struct option **lo, size_t *n, const char *name, int arg, int key)
{
	*lo = xreallocarray(*lo, *n + 1, sizeof **lo);
	(*lo)[*n].name = name;
	(*lo)[*n].has_arg = arg == CLI_ARG ? required_argument :
	    arg == CLI_OPTARG ? optional_argument : no_argument;
	(*lo)[*n].flag = NULL;
	(*lo)[*n].val = key;
	(*n)++;
}

static void
add_short(struct buf *os, int key, int arg)
{
	if (key <= 0 || key >= CLI_LONG)
		return;
	buf_addc(os, (char)key);
	if (arg == CLI_ARG)
		buf_addc(os, ':');
	else if (arg == CLI_OPTARG)
		buf_adds(os, "::");
}

/* --rate: 0 is "no limit" in every tool. */
static double
parse_rate(const struct cli_spec *s, const char *val)
{
	double r = http_parse_rate(val);

	if (r < 0 || r > s->rate_max)
		cli_usage_error(s, "--rate: expected N/s, N/min or N/h (0 for no limit, at most "
		    "%g/s), got '%s'", s->rate_max, val);
	return r;
}

int
cli_parse(const struct cli_spec *s, struct cli *c, int argc, char **argv, cli_fn fn, void *arg)
{
	struct option *lo = NULL;
	struct buf os = BUF_INIT;
	const struct cli_opt *o;
	const char *base_opt = NULL;
	size_t n = 0;
	int key;

	memset(c, 0, sizeof *c);
	c->progress = -1;
	c->rate = s->rate_default;
	http_opts_default(&c->net);

	buf_adds(&os, ":hV");
	add(&lo, &n, "help", CLI_NOARG, 'h');
	add(&lo, &n, "version", CLI_NOARG, 'V');
	if (s->shared & CLI_QUIET) {
		add(&lo, &n, "quiet", CLI_NOARG, 'q');
		buf_addc(&os, 'q');
	}
	if (s->shared & CLI_VERBOSE) {
		add(&lo, &n, "verbose", CLI_NOARG, 'v');
		buf_addc(&os, 'v');
	}
	if (s->shared & CLI_HEADER) {
		add(&lo, &n, s->header_name ? s->header_name : "header", CLI_NOARG, 'H');
		buf_addc(&os, 'H');
	}
	if (s->shared & CLI_NET) {
		add(&lo, &n, "retries", CLI_ARG, K_RETRIES);
		add(&lo, &n, "retry-delay", CLI_ARG, K_RETRY_DELAY);
		add(&lo, &n, "timeout", CLI_ARG, K_TIMEOUT);
	}
	if (s->shared & CLI_BASE)
		add(&lo, &n, "base-url", CLI_ARG, K_BASE);
	if (s->shared & CLI_RATE)
		add(&lo, &n, "rate", CLI_ARG, K_RATE);
	if (s->shared & CLI_PROGRESS) {
		add(&lo, &n, "progress", CLI_NOARG, K_PROGRESS);
		add(&lo, &n, "no-progress", CLI_NOARG, K_NO_PROGRESS);
	}
	for (o = s->opts; o && o->key; o++) {
		if (o->name)
			add(&lo, &n, o->name, o->arg, o->key);
		add_short(&os, o->key, o->arg);
	}
	add(&lo, &n, NULL, CLI_NOARG, 0);

	while ((key = getopt_long(argc, argv, buf_str(&os), lo, NULL)) != -1) {
		switch (key) {
		case 'h':
			printf("%s", s->usage);
			s->help();
			exit(diag_finish());
		case 'V':
			diag_version();
		case 'q':
			if (s->shared & CLI_QUIET) {
				c->quiet = 1;
				diag_set_quiet(1);
				continue;
			}
			break;
		case 'v':
			if (s->shared & CLI_VERBOSE) {
				c->verbose = c->net.verbose = 1;
				continue;
			}
			break;
		case 'H':
			if (s->shared & CLI_HEADER) {
				c->header = 1;
				continue;
			}
			break;
		case K_RETRIES:
			c->net.retries = (int)cli_long(s, "--retries", optarg, 0, 100);
			continue;
		case K_RETRY_DELAY:
			c->net.retry_delay_ms = cli_long(s, "--retry-delay", optarg, 1, 3600000);
			continue;
		case K_TIMEOUT:
			c->net.timeout_ms = cli_long(s, "--timeout", optarg, 1, 86400) * 1000;
			continue;
		case K_BASE:
			base_opt = optarg;
			continue;
		case K_RATE:
			c->rate = parse_rate(s, optarg);
			continue;
		case K_PROGRESS:
			c->progress = 1;
			continue;
		case K_NO_PROGRESS:
			c->progress = 0;
			continue;
		case '?':
		case ':':
			diag_getopt_error(s->usage, key, argv);
		default:
			break;
		}
		fn(arg, key, optarg);
	}
	free(lo);
	buf_free(&os);
	if (s->shared & CLI_BASE)
		c->base = cli_base_url(s, base_opt, s->base_env, s->base_default, s->base_what);
	return optind;
}

void
cli_free(struct cli *c)
{
	free(c->base);
	c->base = NULL;
}

void
cli_usage_error(const struct cli_spec *s, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_usage_error(s->usage, "%s", buf_str(&b));
}

long
cli_long(const struct cli_spec *s, const char *opt, const char *val, long min, long max)
{
	return diag_parse_long(s->usage, opt, val, min, max);
}

double
cli_double(const struct cli_spec *s, const char *opt, const char *val, double min, double max)
{
	return diag_parse_double(s->usage, opt, val, min, max);
}

char *
cli_base_url(const struct cli_spec *s, const char *opt, const char *env, const char *dflt,
    const char *what)
{
	char *base = http_base(opt, env, dflt);

	if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0)
		cli_usage_error(s, "%s: the %s base URL must start with http:// or https://, "
		    "got '%s'", opt && *opt ? "--base-url" : env, what, base);
	return base;
}

void
cli_readable(const struct cli_spec *s, const char *opt, const char *path)
{
	if (access(path, R_OK) < 0)
		cli_usage_error(s, "%s: %s: %s", opt, path, strerror(errno));
}
