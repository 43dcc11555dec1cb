/* http-get: drive common/http from the command line, for the golden tests
 * of retries, throttling and faults.  Prints one line per URL, in the
 * order the transfers end:
 *   URL <TAB> outcome <TAB> status <TAB> attempts <TAB> bytes <TAB> message
 * and with -o FILE, the bodies to FILE (in completion order). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "http.h"

static const char usage_text[] =
    "usage: http-get [-j N] [--rate R] [--burst B] [--retries N] [--retry-500 N] [--retry-delay MS]\n"
    "                [--timeout MS] [--stall MS] [--wait-max MS] [--ua S] [-v] [-o FILE] URL...\n";

static FILE *body_out;
static const char *names[] = { "ok", "failed", "gave-up", "blocked", "aborted" };

static int
on_body(void *arg, const char *p, size_t n)
{
	(void)arg;
	if (body_out)
		fwrite(p, 1, n, body_out);
	return 0;
}

static void
on_restart(void *arg)
{
	(void)arg;
	if (body_out)
		fputs("[restart]\n", body_out);
}

static void
on_done(void *arg, const struct http_result *r)
{
	(void)arg;
	printf("%s\t%s\t%ld\t%d\t%llu\t%s\n", r->url, names[r->outcome], r->status,
	    r->attempts, r->bytes, r->error);
	if (r->outcome != HTTP_OK)
		diag_failed();
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "burst", required_argument, NULL, 'b' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "rate", required_argument, NULL, 'r' },
		{ "retries", required_argument, NULL, 'R' },
		{ "retry-500", required_argument, NULL, '5' },
		{ "retry-delay", required_argument, NULL, 'd' },
		{ "stall", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "ua", required_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "wait-max", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct http_cb cb = { NULL, on_body, on_restart, on_done };
	struct http_opts o;
	struct http *h;
	double rate = 0, burst = 1;
	int c, jobs = 2, i, retry_500 = -1;

	diag_init(argv[0]);
	memset(&o, 0, sizeof o);
	o.retries = 5;
	while ((c = getopt_long(argc, argv, "j:o:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': burst = atof(optarg); break;
		case 'd': o.retry_delay_ms = atol(optarg); break;
		case 'j': jobs = atoi(optarg); break;
		case 'o':
			if (!(body_out = fopen(optarg, "w")))
				diag_die_errno(1, "%s", optarg);
			break;
		case 'r': rate = atof(optarg); break;
		case 'R': o.retries = atoi(optarg); break;
		case '5': retry_500 = atoi(optarg); break;
		case 's': o.stall_ms = atol(optarg); break;
		case 't': o.timeout_ms = atol(optarg); break;
		case 'u': o.user_agent = optarg; break;
		case 'v': o.verbose = 1; break;
		case 'w': o.wait_max_ms = atol(optarg); break;
		default: diag_usage_error(usage_text, NULL);
		}
	}
	if (optind >= argc)
		diag_usage_error(usage_text, NULL);
	h = http_new(&o);
	http_default_limit(h, jobs, rate, burst);
	for (i = optind; i < argc; i++) {
		http_host_retry_500(h, argv[i], retry_500);
		http_get(h, argv[i], &cb, NULL);
	}
	http_drain(h);
	http_free(h);
	if (body_out)
		fclose(body_out);
	return diag_finish();
}
