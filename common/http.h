/* http: GET requests over one libcurl multi handle, with a per-host
 * connection cap and request rate (token bucket), retries with backoff and
 * jitter that honour Retry-After and X-Choke-UntilEpoch (pausing the whole
 * host), redirects, an identifying User-Agent, and base-URL overrides.
 * A server that reports its throttle budget (HathiTrust's X-Choke-*
 * headers, choke.h) is paced from it, per host and path, counting each
 * request's cost.  A host name that does not resolve is said at once
 * (diag_warn) and given up sooner than a busy server.
 * Bodies are streamed to a callback as they arrive; nothing is buffered
 * whole.  Nothing here sleeps: retries are rescheduled. */
#ifndef PLATES_HTTP_H
#define PLATES_HTTP_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

struct http_opts {
	const char *user_agent;		/* NULL: $PLATES_USER_AGENT, else plates/VERSION (+URL) */
	const char *cookie_file;	/* Netscape cookie file, or NULL */
	long connect_timeout_ms;	/* default 20000 */
	long timeout_ms;		/* whole transfer; 0 = no limit (default) */
	long stall_ms;			/* abort when no byte arrives for this long; default 60000 */
	int retries;			/* retries after the first attempt (5 from
					 * http_opts_default; 0 means none) */
	long retry_delay_ms;		/* first backoff; default 1000, doubling */
	long retry_max_ms;		/* cap on one backoff; default 120000 */
	long wait_max_ms;		/* longest Retry-After honoured; default 900000 */
	int max_redirs;			/* default 10 */
	int max_total;			/* connections in all; default 16 */
	const char *const *headers;	/* extra "Name: value" request headers, NULL-ended */
	const char *throttle_file;	/* share host rates and pauses with other
					 * processes through this file (throttle.h) */
	double rate_jitter;		/* add up to this fraction of one interval
					 * to the spacing between requests */
	int verbose;			/* add libcurl's own words to transfer errors */
};

enum http_outcome {
	HTTP_OK,	/* 2xx, body delivered */
	HTTP_FAILED,	/* permanent: 404, other 4xx, TLS, bad URL, redirect loop */
	HTTP_GAVE_UP,	/* transient errors until the retries ran out */
	HTTP_BLOCKED,	/* bot-protection challenge (403 + cf-mitigated or page) */
	HTTP_ABORTED,	/* a callback stopped the transfer */
	HTTP_CANCELLED	/* http_cancel_host stopped it */
};

struct http_result {
	enum http_outcome outcome;
	long status;		/* last HTTP status, 0 if none */
	int curl_code;		/* last CURLcode */
	int attempts;
	const char *url;
	const char *effective_url;	/* after redirects */
	const char *date;	/* the response's Date header, or "" */
	const char *error;	/* in our words, stable across libcurl versions:
				 * "HTTP 404 Not Found", "nothing listens at HOST
				 * port N", "cannot resolve host H", "the connection
				 * closed N bytes before the end", "timed out: ...",
				 * "too many redirects ...", "TLS: ..." (with
				 * verbose, libcurl's own message follows) */
	const char *content_type;	/* of the last response, or "" */
	const char *access;	/* X-HathiTrust-Access, or "" */
	const char *body;	/* start of a non-2xx body (for diagnostics) */
	size_t body_len;
	unsigned long long bytes;	/* 2xx body bytes delivered */
	long long content_length;	/* -1 if unknown */
};

/* What a 2xx response looks like before its body is delivered. */
struct http_head {
	long status;
	const char *content_type;	/* "" if none */
	const char *access;		/* X-HathiTrust-Access or "" */
	long long content_length;	/* -1 if unknown */
	const char *effective_url;
	const char *disposition;	/* Content-Disposition, or "" */
};

struct http_cb {
	/* Optional: a 2xx response arrived; non-zero aborts (HTTP_ABORTED). */
	int (*head)(void *arg, const struct http_head *h);
	/* 2xx body bytes; non-zero aborts (HTTP_ABORTED, no retry). */
	int (*body)(void *arg, const char *p, size_t n);
	/* Optional: body bytes were delivered, but the transfer is retried. */
	void (*restart)(void *arg);
	/* Always called once at the end. */
	void (*done)(void *arg, const struct http_result *r);
};

struct http;

/* The defaults: every field zero but retries 5 and retry_delay_ms 1000
 * (the other zero fields mean their documented defaults). */
void http_opts_default(struct http_opts *o);
struct http *http_new(const struct http_opts *o);
void http_free(struct http *h);
/* Limits for the host of url (scheme://host:port); rate in requests per
 * second (0: none), burst in requests (>= 1).  Hosts not set get the
 * defaults (http_default_limit; initially 2 connections, no rate). */
void http_host_limit(struct http *h, const char *url, int conns, double rate, double burst);
void http_default_limit(struct http *h, int conns, double rate, double burst);
/* At most n retries of an HTTP 500 from url's host (-1: the general retries).
 * HathiTrust's imgsrv answers an unknown volume id with a 500, so a second
 * 500 there is an answer, not a busy server. */
void http_host_retry_500(struct http *h, const char *url, int n);
/* Queue a GET; callbacks run from http_run.  0 ok, -1 bad URL (done() is
 * still called, with HTTP_FAILED). */
int http_get(struct http *h, const char *url, const struct http_cb *cb, void *arg);
/* As http_get, for a request that costs the server's throttle `cost`
 * requests' worth (HathiTrust's image throttle charges width / 680 for an
 * image; http_get costs 1).  The host's pacing counts the cost. */
int http_get_cost(struct http *h, const char *url, double cost, const struct http_cb *cb,
    void *arg);
/* Requests queued or in flight. */
size_t http_pending(const struct http *h);
/* Seconds until the next queued request may start as far as host rates
 * and pauses go (0 if one may start now or none is waiting for its host). */
double http_throttle_wait(const struct http *h);
/* Do work for at most wait_ms (-1: until something completes or a
 * second passes).  Returns http_pending. */
size_t http_run(struct http *h, long wait_ms);
/* Stop every request for url's host, queued or under way (retries
 * waiting included): at the start of the next http_run each ends, with
 * HTTP_CANCELLED, and nothing more is sent for it.  Requests queued for
 * the host before that run are stopped too.  Returns how many there are
 * now. */
size_t http_cancel_host(struct http *h, const char *url);
/* Run until nothing is pending. */
void http_drain(struct http *h);

/* scheme://host:port of an http(s) URL, lower-cased (a new string), or
 * NULL: the key hosts are limited and paused by. */
char *http_host_key(const char *url);
/* A request rate "N/s" (also "N/sec" or a bare N), "N/min" ("N/m") or
 * "N/h", as requests per second; -1 if it does not parse or N < 0. */
double http_parse_rate(const char *arg);

/* The base URL: opt if set, else $env if set and not empty, else dflt;
 * without a trailing '/'.  The result is a new string. */
char *http_base(const char *opt, const char *env, const char *dflt);
/* Percent-encode all but RFC 3986 unreserved characters. */
void http_escape(struct buf *b, const char *s, size_t len);
/* The value of a hex digit (either case), or -1. */
int http_hexdigit(int c);
/* Append s with %XX escapes decoded (a bad escape is kept as it is). */
void http_unescape(struct buf *b, const char *s, size_t len);
/* RFC 9110 HTTP-date (IMF-fixdate, RFC 850, asctime) to time_t; -1 bad. */
time_t http_parse_date(const char *s);
/* Retry-After (seconds or HTTP-date) as seconds from now; -1 bad. */
long http_retry_after(const char *v, time_t now);
/* The default User-Agent string. */
const char *http_user_agent(void);

#endif
