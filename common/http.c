/* http: GET over one libcurl multi handle; see http.h. */
#include "http.h"
#include "clock.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <unistd.h>

#include "choke.h"
#include "diag.h"
#include "throttle.h"
#include "xmem.h"

#define ERRBODY_MAX (64 * 1024)
/* A host name that does not resolve is retried at most this often: the
 * network is down or the name is wrong, and neither mends in minutes. */
#define RESOLVE_RETRIES 2

/* One throttle bucket a server reports through X-Choke-* headers
 * (choke.h): HathiTrust keeps one per path (imgsrv.psgi's choke
 * policies), so the key is the host and the path. */
struct bucket {
	char *key;		/* scheme://host:port/path */
	struct choke c;
	double inflight;	/* the cost of requests under way */
	double not_before;	/* the shared file said: not before (monotonic s) */
	int refs;		/* requests that count on it */
	struct bucket *next;
};

struct host {
	char *key;		/* scheme://host:port */
	int conns, active;
	double rate, burst, tokens;
	double last;		/* when tokens were last refilled (s) */
	double paused_until;	/* whole host waits until then (s) */
	double shared_wait;	/* the shared throttle said: not before (s) */
	int blocked;		/* bot protection: no more requests */
	int cancel;		/* http_cancel_host: stop its requests at the next run */
	int retry_500;		/* retries of an HTTP 500; -1: the general ones */
	int resolve_warned;	/* "cannot resolve" said once */
	struct bucket *buckets;
	int configured;
	struct host *next;
};

struct req {
	struct http *h;
	char *url;
	struct host *host;
	struct bucket *bucket;
	const struct http_cb *cb;
	void *arg;
	double cost;		/* throttle credits (http_get_cost) */
	CURL *easy;
	int attempts;
	double not_before;
	int head_done;		/* head() called for this attempt */
	int aborted;		/* a callback said stop */
	int delivered;		/* body bytes delivered in this attempt */
	unsigned long long bytes;
	struct buf errbody;
	char errbuf[CURL_ERROR_SIZE];
	struct req *next;
	struct req *rprev, *rnext;	/* in the list of transfers under way */
};

struct http {
	CURLM *multi;
	struct http_opts o;
	char *ua;
	struct host *hosts;
	int def_conns;
	double def_rate, def_burst;
	struct curl_slist *headers;
	struct throttle *shared;	/* cross-process rates, or NULL */
	struct req *queue, *queue_tail;	/* waiting, in order */
	struct req *active;		/* under way */
	size_t running, queued;
	int cancels;			/* hosts with cancel set */
	unsigned int seed;
};

const char *
http_user_agent(void)
{
	return "plates/" PLATES_VERSION " (+" PLATES_URL ")";
}

void
http_opts_default(struct http_opts *o)
{
	memset(o, 0, sizeof *o);
	o->retries = 5;
	o->retry_delay_ms = 1000;
}

struct http *
http_new(const struct http_opts *o)
{
	static int global;
	struct http *h = xcalloc(1, sizeof *h);
	const char *env;

	if (!global) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			diag_die(DIAG_FAIL, "cannot initialise libcurl");
		global = 1;
	}
	if (o)
		h->o = *o;
	if (!h->o.connect_timeout_ms)
		h->o.connect_timeout_ms = 20000;
	if (!h->o.stall_ms)
		h->o.stall_ms = 60000;
	if (h->o.retries < 0)
		h->o.retries = 0;
	if (!h->o.retry_delay_ms)
		h->o.retry_delay_ms = 1000;
	if (!h->o.retry_max_ms)
		h->o.retry_max_ms = 120000;
	if (!h->o.wait_max_ms)
		h->o.wait_max_ms = 900000;
	if (!h->o.max_redirs)
		h->o.max_redirs = 10;
	if (!h->o.max_total)
		h->o.max_total = 16;
	if (h->o.user_agent && *h->o.user_agent)
		h->ua = xstrdup(h->o.user_agent);
	else if ((env = getenv("PLATES_USER_AGENT")) && *env)
		h->ua = xstrdup(env);
	else
		h->ua = xstrdup(http_user_agent());
	h->def_conns = 2;
	h->def_burst = 1;
	h->seed = (unsigned int)getpid() ^ (unsigned int)time(NULL);
	h->multi = curl_multi_init();
	if (!h->multi)
		diag_die(DIAG_FAIL, "cannot initialise libcurl");
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->o.max_total);
	if (h->o.headers) {
		const char *const *hp;
		for (hp = h->o.headers; *hp; hp++) {
			struct curl_slist *n = curl_slist_append(h->headers, *hp);
			if (!n)
				diag_die(DIAG_FAIL, "out of memory");
			h->headers = n;
		}
	}
	if (h->o.throttle_file && !(h->shared = throttle_open(h->o.throttle_file)))
		diag_die(DIAG_FAIL, "cannot share the request rate through %s", h->o.throttle_file);
	return h;
}

char *
http_host_key(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *key = NULL;
	struct buf b = BUF_INIT;
	size_t i;

	if (!u)
		diag_die(DIAG_FAIL, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
	    (strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0)) {
		buf_printf(&b, "%s://%s:%s", scheme, host, port);
		for (i = 0; i < b.len; i++)
			b.s[i] = (char)tolower((unsigned char)b.s[i]);
		key = xstrdup(buf_str(&b));
	}
	buf_free(&b);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return key;
}

static struct host *
get_host(struct http *h, const char *key)
{
	struct host *x;

	for (x = h->hosts; x; x = x->next)
		if (strcmp(x->key, key) == 0)
			return x;
	x = xcalloc(1, sizeof *x);
	x->key = xstrdup(key);
	x->conns = h->def_conns;
	x->rate = h->def_rate;
	x->burst = h->def_burst;
	x->tokens = x->burst;
	x->last = clock_now();
	x->retry_500 = -1;
	x->next = h->hosts;
	h->hosts = x;
	return x;
}

void
http_default_limit(struct http *h, int conns, double rate, double burst)
{
	struct host *x;

	h->def_conns = conns > 0 ? conns : 1;
	h->def_rate = rate > 0 ? rate : 0;
	h->def_burst = burst >= 1 ? burst : 1;
	for (x = h->hosts; x; x = x->next) {
		if (x->configured)
			continue;
		x->conns = h->def_conns;
		x->rate = h->def_rate;
		x->burst = x->tokens = h->def_burst;
	}
}

void
http_host_limit(struct http *h, const char *url, int conns, double rate, double burst)
{
	char *key = http_host_key(url);
	struct host *x;

	if (!key)
		return;
	x = get_host(h, key);
	free(key);
	x->conns = conns > 0 ? conns : 1;
	x->rate = rate > 0 ? rate : 0;
	x->burst = burst >= 1 ? burst : 1;
	x->tokens = x->burst;
	x->configured = 1;
}

/* The bucket of url's path on host x (the path without its query). */
static struct bucket *
get_bucket(struct host *x, const char *url)
{
	const char *p = strstr(url, "://"), *end;
	struct bucket *b;
	struct buf key = BUF_INIT;

	p = p ? strchr(p + 3, '/') : NULL;
	end = p ? p + strcspn(p, "?#") : NULL;
	buf_adds(&key, x->key);
	if (p)
		buf_add(&key, p, (size_t)(end - p));
	for (b = x->buckets; b; b = b->next)
		if (strcmp(b->key, buf_str(&key)) == 0)
			break;
	if (!b) {
		b = xcalloc(1, sizeof *b);
		b->key = xstrdup(buf_str(&key));
		b->next = x->buckets;
		x->buckets = b;
	}
	b->refs++;
	buf_free(&key);
	return b;
}

/* A request is done with its bucket: one no server reported a budget for
 * goes with its last request, so that a run over many paths (a URL per
 * page) keeps no more buckets than requests under way. */
static void
put_bucket(struct host *x, struct bucket *b)
{
	struct bucket **p;

	if (--b->refs > 0 || b->c.known)
		return;
	for (p = &x->buckets; *p && *p != b; p = &(*p)->next)
		;
	if (*p)
		*p = b->next;
	free(b->key);
	free(b);
}

void
http_host_retry_500(struct http *h, const char *url, int n)
{
	char *key = http_host_key(url);

	if (!key)
		return;
	get_host(h, key)->retry_500 = n < 0 ? -1 : n;
	free(key);
}

static void
enqueue(struct http *h, struct req *r, int front)
{
	r->next = NULL;
	if (!h->queue) {
		h->queue = h->queue_tail = r;
	} else if (front) {
		r->next = h->queue;
		h->queue = r;
	} else {
		h->queue_tail->next = r;
		h->queue_tail = r;
	}
	h->queued++;
}

static void
finish(struct req *r, enum http_outcome oc, long status, int code, const char *msg)
{
	struct http_result res;
	const char *ct = "", *access = "", *date = "";
	char *eff = NULL;
	curl_off_t cl = -1;
	struct curl_header *hd;

	memset(&res, 0, sizeof res);
	if (r->easy && r->attempts > 0) {
		char *s = NULL;
		if (curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s)
			ct = s;
		if (curl_easy_header(r->easy, "X-HathiTrust-Access", 0, CURLH_HEADER, -1, &hd) == CURLHE_OK)
			access = hd->value;
		if (curl_easy_header(r->easy, "Date", 0, CURLH_HEADER, -1, &hd) == CURLHE_OK)
			date = hd->value;
		curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
		curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &eff);
	}
	res.outcome = oc;
	res.status = status;
	res.curl_code = code;
	res.attempts = r->attempts;
	res.url = r->url;
	res.effective_url = eff ? eff : r->url;
	res.date = date;
	res.error = msg ? msg : "";
	res.content_type = ct;
	res.access = access;
	res.body = buf_str(&r->errbody);
	res.body_len = r->errbody.len;
	res.bytes = r->bytes;
	res.content_length = (long long)cl;
	if (r->cb->done)
		r->cb->done(r->arg, &res);
	if (r->bucket)
		put_bucket(r->host, r->bucket);
	if (r->easy)
		curl_easy_cleanup(r->easy);
	buf_free(&r->errbody);
	free(r->url);
	free(r);
}

int
http_get(struct http *h, const char *url, const struct http_cb *cb, void *arg)
{
	return http_get_cost(h, url, 1.0, cb, arg);
}

int
http_get_cost(struct http *h, const char *url, double cost, const struct http_cb *cb, void *arg)
{
	struct req *r = xcalloc(1, sizeof *r);
	char *key;

	r->h = h;
	r->url = xstrdup(url);
	r->cb = cb;
	r->arg = arg;
	r->cost = cost > 0 ? cost : 1.0;
	if ((key = http_host_key(url)) == NULL) {
		finish(r, HTTP_FAILED, 0, CURLE_URL_MALFORMAT, "not an http(s) URL");
		return -1;
	}
	r->host = get_host(h, key);
	r->bucket = get_bucket(r->host, r->url);
	free(key);
	enqueue(h, r, 0);
	return 0;
}

size_t
http_pending(const struct http *h)
{
	return h->running + h->queued;
}

static size_t
on_write(char *p, size_t size, size_t n, void *vr)
{
	struct req *r = vr;
	size_t len = size * n;
	long status = 0;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		/* keep the start of an error body: it says what went wrong */
		if (r->errbody.len < ERRBODY_MAX)
			buf_add(&r->errbody, p,
			    len < ERRBODY_MAX - r->errbody.len ? len : ERRBODY_MAX - r->errbody.len);
		return len;
	}
	if (!r->head_done) {
		r->head_done = 1;
		if (r->cb->head) {
			struct http_head hh;
			char *s = NULL;
			curl_off_t cl = -1;
			struct curl_header *hd;

			hh.status = status;
			hh.content_type = "";
			if (curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s)
				hh.content_type = s;
			hh.access = "";
			if (curl_easy_header(r->easy, "X-HathiTrust-Access", 0, CURLH_HEADER, -1, &hd) == CURLHE_OK)
				hh.access = hd->value;
			hh.disposition = "";
			if (curl_easy_header(r->easy, "Content-Disposition", 0, CURLH_HEADER, -1, &hd) == CURLHE_OK)
				hh.disposition = hd->value;
			curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
			hh.content_length = (long long)cl;
			s = NULL;
			curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &s);
			hh.effective_url = s ? s : r->url;
			if (r->cb->head(r->arg, &hh)) {
				r->aborted = 1;
				return 0;
			}
		}
	}
	if (len == 0)
		return 0;
	r->delivered = 1;
	r->bytes += len;
	if (r->cb->body && r->cb->body(r->arg, p, len)) {
		r->aborted = 1;
		return 0;
	}
	return len;
}

static void
start(struct http *h, struct req *r)
{
	CURL *e = r->easy;

	if (!e) {
		e = r->easy = curl_easy_init();
		if (!e)
			diag_die(DIAG_FAIL, "out of memory");
	} else {
		curl_easy_reset(e);
	}
	r->attempts++;
	r->head_done = r->aborted = r->delivered = 0;
	r->errbuf[0] = '\0';
	buf_reset(&r->errbody);
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)h->o.max_redirs);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_USERAGENT, h->ua);
	/* wait to multiplex only where ALPN can say so at the handshake: on
	 * plain http the answer comes with the first reply, and until then every
	 * other transfer to the host would wait for it */
	if (strncasecmp(r->url, "https:", 6) == 0)
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_timeout_ms);
	if (h->o.timeout_ms > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->o.timeout_ms);
	/* a stalled transfer: under 1 byte/s for stall_ms */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (h->o.stall_ms + 999) / 1000);
	if (h->o.cookie_file)
		curl_easy_setopt(e, CURLOPT_COOKIEFILE, h->o.cookie_file);
	if (h->headers)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
	r->host->active++;
	r->bucket->inflight += r->cost;
	h->running++;
	r->rprev = NULL;
	r->rnext = h->active;
	if (h->active)
		h->active->rprev = r;
	h->active = r;
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK)
		diag_die(DIAG_FAIL, "libcurl: cannot add a transfer");
}

/* The tokens a request of cost `cost` needs in the bucket before it may
 * start: its cost, or a full bucket when it costs more (it leaves the
 * bucket owing the rest). */
static double
need_tokens(const struct host *x, double cost)
{
	return cost < x->burst ? cost : x->burst;
}

/* Take a request's tokens from the host's bucket if they are there: from
 * the shared file when there is one, else from this process's own bucket;
 * then its cost from the server's reported budget. */
static int
take_token(struct http *h, struct req *r, double t)
{
	struct host *x = r->host;
	struct bucket *b = r->bucket;
	double wait;

	if (h->shared) {
		wait = throttle_take(h->shared, x->key, x->rate, x->burst, h->o.rate_jitter, r->cost);
		if (wait > 0) {
			x->shared_wait = t + wait;
			return 0;
		}
		if (b->c.known && (wait = throttle_choke(h->shared, b->key, &b->c, r->cost)) > 0) {
			b->not_before = t + wait;
			return 0;
		}
		return 1;
	}
	if (x->rate > 0) {
		x->tokens += (t - x->last) * x->rate;
		if (x->tokens > x->burst)
			x->tokens = x->burst;
		x->last = t;
		if (x->tokens < need_tokens(x, r->cost))
			return 0;
		x->tokens -= r->cost;
		if (h->o.rate_jitter > 0)
			x->tokens -= h->o.rate_jitter * ((double)rand_r(&h->seed) / RAND_MAX);
	}
	choke_spend(&b->c, r->cost, clock_wall());
	return 1;
}

/* When a request can next go, given its host's rate and pause and the
 * budget its server reported. */
static double
req_ready_at(const struct req *r, double t)
{
	const struct host *x = r->host;
	const struct bucket *b = r->bucket;
	double at = t, need = need_tokens(x, r->cost), w;

	if (x->paused_until > at)
		at = x->paused_until;
	if (x->shared_wait > at)
		at = x->shared_wait;
	if (b->not_before > at)
		at = b->not_before;
	if (x->rate > 0 && x->tokens < need) {
		double tok = x->tokens + (t - x->last) * x->rate;
		if (tok < need && t + (need - tok) / x->rate > at)
			at = t + (need - tok) / x->rate;
	}
	if ((w = choke_wait(&b->c, r->cost, clock_wall())) > 0 && t + w > at)
		at = t + w;
	return at;
}

/* Take r, which follows prev (NULL: r is first), off the queue. */
static void
dequeue(struct http *h, struct req *r, struct req *prev)
{
	if (prev)
		prev->next = r->next;
	else
		h->queue = r->next;
	if (h->queue_tail == r)
		h->queue_tail = prev;
	h->queued--;
}

/* Start what may start; returns seconds until something else may. */
static double
schedule(struct http *h)
{
	struct req *r, *prev = NULL, *next;
	double t = clock_now(), wait = 1.0, at;

	for (r = h->queue; r; r = next) {
		next = r->next;
		struct host *x = r->host;
		if (x->blocked) {
			/* bot protection on this host: fail without asking */
			dequeue(h, r, prev);
			finish(r, HTTP_BLOCKED, 403, 0,
			    "blocked by bot protection (earlier request to this host)");
			continue;
		}
		at = r->not_before > t ? r->not_before : t;
		if (x->active < x->conns) {
			double ha = req_ready_at(r, t);
			if (ha > at)
				at = ha;
		}
		if (at <= t && x->active < x->conns && take_token(h, r, t)) {
			dequeue(h, r, prev);
			start(h, r);
			continue;
		}
		if (x->active < x->conns && at - t < wait)
			wait = at - t;
		prev = r;
	}
	return wait < 0 ? 0 : wait;
}

double
http_throttle_wait(const struct http *h)
{
	const struct req *r;
	double t = clock_now(), best = -1, at;

	for (r = h->queue; r; r = r->next) {
		if (r->host->blocked || r->host->active >= r->host->conns)
			continue;
		at = req_ready_at(r, t);
		if (r->not_before > at)
			at = r->not_before;
		if (best < 0 || at < best)
			best = at;
	}
	return best > t ? best - t : 0;
}

static long
backoff_ms(struct http *h, int attempt)
{
	double d = (double)h->o.retry_delay_ms;
	int i;

	for (i = 1; i < attempt && d < (double)h->o.retry_max_ms; i++)
		d *= 2;
	if (d > (double)h->o.retry_max_ms)
		d = (double)h->o.retry_max_ms;
	/* jitter: somewhere in [d/2, d] */
	return (long)(d / 2 + d / 2 * ((double)rand_r(&h->seed) / RAND_MAX));
}

static int
transient_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
		return 1;
	default:
		return 0;
	}
}

static int
transient_status(long s)
{
	return s == 408 || s == 429 || (s >= 500 && s <= 599 && s != 501 && s != 505);
}

static const char *
header(CURL *e, const char *name)
{
	struct curl_header *hd;

	if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &hd) == CURLHE_OK)
		return hd->value;
	return NULL;
}

/* A Cloudflare-style bot challenge rather than a plain refusal. */
static int
is_challenge(struct req *r, long status)
{
	const char *v = header(r->easy, "cf-mitigated");

	if (status != 403 && status != 503)
		return 0;
	if (v && strcasecmp(v, "challenge") == 0)
		return 1;
	return status == 403 && r->errbody.len &&
	    (strstr(r->errbody.s, "<title>Just a moment...</title>") ||
	     strstr(r->errbody.s, "challenge-platform"));
}

static const char *
reason(long s)
{
	switch (s) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

/* The host and port of url (after redirects: the effective URL). */
static void
host_port(const char *url, char *host, size_t hsize, char *port, size_t psize)
{
	CURLU *u = curl_url();
	char *h = NULL, *p = NULL;

	snprintf(host, hsize, "the server");
	snprintf(port, psize, "?");
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
		if (curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK)
			snprintf(host, hsize, "%s", h);
		if (curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK)
			snprintf(port, psize, "%s", p);
	}
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
}

static int
tls_error(CURLcode c)
{
	switch (c) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
		return 1;
	default:
		return 0;
	}
}

/* A transfer error in our own words, the same under every libcurl
 * version (7.88 says "Couldn't connect", 8.x "Could not connect"; "transfer
 * closed with N bytes remaining" became "end of response with N bytes
 * missing"); libcurl's own message follows only with http_opts.verbose. */
static void
curl_words(struct http *h, struct req *r, CURLcode code, char *msg, size_t size)
{
	curl_off_t want = -1, got = 0, conn = 0, total = 0;
	char host[256], port[16];
	char *eff = NULL;
	long oserr = 0;
	int n = 0;

	curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &eff);
	host_port(eff ? eff : r->url, host, sizeof host, port, sizeof port);
	curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &oserr);
	switch (code) {
	case CURLE_COULDNT_RESOLVE_HOST:
		n = snprintf(msg, size, "cannot resolve host %s", host);
		break;
	case CURLE_COULDNT_RESOLVE_PROXY:
		n = snprintf(msg, size, "cannot resolve the proxy's host name");
		break;
	case CURLE_COULDNT_CONNECT:
		if (oserr == ENETUNREACH || oserr == EHOSTUNREACH)
			n = snprintf(msg, size, "cannot reach %s port %s (no route: the network "
			    "is down or unreachable)", host, port);
		else if (oserr == ECONNREFUSED || oserr == 0)
			n = snprintf(msg, size, "nothing listens at %s port %s", host, port);
		else
			n = snprintf(msg, size, "cannot connect to %s port %s (%s)", host, port,
			    strerror((int)oserr));
		break;
	case CURLE_OPERATION_TIMEDOUT:
		curl_easy_getinfo(r->easy, CURLINFO_CONNECT_TIME_T, &conn);
		curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME_T, &total);
		if (conn == 0)
			n = snprintf(msg, size, "timed out: no connection to %s port %s within %ld s",
			    host, port, (long)(total + 500000) / 1000000);
		else if (h->o.timeout_ms > 0 && (total / 1000 + 250 >= h->o.timeout_ms ||
		    total / 1000 + 1000 < h->o.stall_ms))	/* too soon for a stall */
			n = snprintf(msg, size, "timed out: the transfer took longer than %ld s",
			    h->o.timeout_ms / 1000 ? h->o.timeout_ms / 1000 : 1);
		else
			n = snprintf(msg, size, "timed out: no data came for %ld s",
			    (h->o.stall_ms + 999) / 1000);
		break;
	case CURLE_PARTIAL_FILE:
		curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &want);
		curl_easy_getinfo(r->easy, CURLINFO_SIZE_DOWNLOAD_T, &got);
		if (want > got)
			n = snprintf(msg, size, "the connection closed %lld bytes before the end",
			    (long long)(want - got));
		else
			n = snprintf(msg, size, "the connection closed before the end");
		break;
	case CURLE_GOT_NOTHING:
		n = snprintf(msg, size, "the server closed the connection without an answer");
		break;
	case CURLE_RECV_ERROR:
		if (oserr == ECONNRESET)
			n = snprintf(msg, size, "the connection was reset by %s", host);
		else
			n = snprintf(msg, size, "the connection broke while receiving");
		break;
	case CURLE_SEND_ERROR:
		if (oserr == ECONNRESET || oserr == EPIPE)
			n = snprintf(msg, size, "the connection was reset by %s", host);
		else
			n = snprintf(msg, size, "the connection broke while sending the request");
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		n = snprintf(msg, size, "too many redirects (more than %d)", h->o.max_redirs);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		n = snprintf(msg, size, "TLS: the certificate of %s cannot be verified", host);
		break;
	case CURLE_BAD_CONTENT_ENCODING:
		n = snprintf(msg, size, "the compressed body is damaged");
		break;
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		n = snprintf(msg, size, "the HTTP/2 connection to %s failed", host);
		break;
	case CURLE_URL_MALFORMAT:
		n = snprintf(msg, size, "not a valid URL");
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		n = snprintf(msg, size, "not an http or https URL (after redirects)");
		break;
	case CURLE_WEIRD_SERVER_REPLY:
		n = snprintf(msg, size, "%s did not answer in HTTP", host);
		break;
	default:
		if (tls_error(code))
			n = snprintf(msg, size, "TLS: the secure connection to %s failed", host);
		else
			n = snprintf(msg, size, "the transfer failed (libcurl error %d)", (int)code);
	}
	if (h->o.verbose && n >= 0 && (size_t)n < size)
		snprintf(msg + n, size - (size_t)n, " [libcurl: %s]",
		    r->errbuf[0] ? r->errbuf : curl_easy_strerror(code));
}

/* What the answer's X-Choke-* headers say about the request's bucket. */
static void
learn_choke(struct http *h, struct req *r, double wall)
{
	static const char *const names[] = { "Max", "Debt", "Credit", "Delta", "Allowed",
		"UntilEpoch", NULL };
	struct choke_report rep;
	char name[32];
	const char *v;
	int i;

	memset(&rep, 0, sizeof rep);
	for (i = 0; names[i]; i++) {
		snprintf(name, sizeof name, "X-Choke-%s", names[i]);
		if ((v = header(r->easy, name)) != NULL)
			choke_header(&rep, names[i], v);
	}
	if (!rep.has_max)
		return;
	choke_learn(&r->bucket->c, &rep, r->cost, r->bucket->inflight, wall);
	if (h->shared)	/* tell the processes that share the file */
		throttle_choke(h->shared, r->bucket->key, &r->bucket->c, 0);
}

/* The retries a failure may have: fewer for a name that does not resolve
 * and for a host's HTTP 500 (http_host_retry_500). */
static int
retries_for(struct http *h, struct req *r, CURLcode code, long status)
{
	int n = h->o.retries;

	if (code == CURLE_COULDNT_RESOLVE_HOST && n > RESOLVE_RETRIES)
		n = RESOLVE_RETRIES;
	if (code == CURLE_OK && status == 500 && r->host->retry_500 >= 0 &&
	    r->host->retry_500 < n)
		n = r->host->retry_500;
	return n;
}

/* Take a transfer off the multi handle and the list under way. */
static void
stop_transfer(struct http *h, struct req *r)
{
	curl_multi_remove_handle(h->multi, r->easy);
	r->host->active--;
	r->bucket->inflight -= r->cost;
	if (r->bucket->inflight < 1e-9)
		r->bucket->inflight = 0;
	h->running--;
	if (r->rprev)
		r->rprev->rnext = r->rnext;
	else
		h->active = r->rnext;
	if (r->rnext)
		r->rnext->rprev = r->rprev;
	r->rprev = r->rnext = NULL;
}

size_t
http_cancel_host(struct http *h, const char *url)
{
	char *key = http_host_key(url);
	struct host *x;
	struct req *r;
	size_t n = 0;

	if (!key)
		return 0;
	for (x = h->hosts; x && strcmp(x->key, key) != 0; x = x->next)
		;
	free(key);
	if (!x)
		return 0;
	for (r = h->queue; r; r = r->next)
		n += r->host == x;
	for (r = h->active; r; r = r->rnext)
		n += r->host == x;
	if (n && !x->cancel) {
		x->cancel = 1;
		h->cancels++;
	}
	return n;
}

/* End the requests of the hosts http_cancel_host named, queued and under
 * way (their done() calls may queue more, for other hosts). */
static void
run_cancels(struct http *h)
{
	struct req *r, *prev = NULL, *next;
	struct host *x;

	for (r = h->active; r; r = next) {
		next = r->rnext;
		if (!r->host->cancel)
			continue;
		stop_transfer(h, r);
		finish(r, HTTP_CANCELLED, 0, 0, "cancelled: the host stopped the run");
		next = h->active;	/* done() may have changed the list */
	}
	for (r = h->queue; r; r = next) {
		next = r->next;
		if (!r->host->cancel) {
			prev = r;
			continue;
		}
		dequeue(h, r, prev);
		finish(r, HTTP_CANCELLED, 0, 0, "cancelled: the host stopped the run");
	}
	for (x = h->hosts; x; x = x->next)
		x->cancel = 0;
	h->cancels = 0;
}

static void
completed(struct http *h, struct req *r, CURLcode code)
{
	long status = 0;
	char msg[CURL_ERROR_SIZE + 384];
	long wait = -1;
	const char *v;
	time_t wall = time(NULL);
	double t = clock_now();
	int retries;

	stop_transfer(h, r);
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status > 0)
		learn_choke(h, r, clock_wall());

	if (r->aborted) {
		finish(r, HTTP_ABORTED, status, code, "stopped");
		return;
	}
	if (code == CURLE_OK && status >= 200 && status <= 299) {
		finish(r, HTTP_OK, status, code, NULL);
		return;
	}
	if (code != CURLE_OK) {
		curl_words(h, r, code, msg, sizeof msg);
		if (!transient_curl(code)) {
			finish(r, HTTP_FAILED, status, code, msg);
			return;
		}
	} else {
		snprintf(msg, sizeof msg, "HTTP %ld%s%s", status, *reason(status) ? " " : "",
		    reason(status));
		if (is_challenge(r, status)) {
			r->host->blocked = 1;
			finish(r, HTTP_BLOCKED, status, code, "blocked by bot protection (challenge page)");
			return;
		}
		if (!transient_status(status)) {
			finish(r, HTTP_FAILED, status, code, msg);
			return;
		}
		/* the server says how long to wait: the whole host waits */
		if ((v = header(r->easy, "X-Choke-UntilEpoch")) != NULL) {
			char *end;
			long long until = strtoll(v, &end, 10);
			if (end != v && until > (long long)wall)
				wait = (long)(until - (long long)wall);
			else if (end != v)
				wait = 0;
		}
		if (wait < 0 && (v = header(r->easy, "Retry-After")) != NULL)
			wait = http_retry_after(v, wall);
	}
	retries = retries_for(h, r, code, status);
	if (r->attempts > retries) {
		char gave[sizeof msg + 64];
		snprintf(gave, sizeof gave, "%s (gave up after %d attempt%s)", msg, r->attempts,
		    r->attempts == 1 ? "" : "s");
		finish(r, HTTP_GAVE_UP, status, code, gave);
		return;
	}
	if (code == CURLE_COULDNT_RESOLVE_HOST && !r->host->resolve_warned) {
		/* said at once, not after minutes of silent retries */
		char host[256], port[16];
		host_port(r->url, host, sizeof host, port, sizeof port);
		r->host->resolve_warned = 1;
		diag_warn("cannot resolve host %s (no network, or no such host); retrying %d "
		    "more time%s", host, retries - r->attempts + 1,
		    retries - r->attempts + 1 == 1 ? "" : "s");
	}
	if (wait >= 0 && wait * 1000L > h->o.wait_max_ms) {
		char gave[sizeof msg + 96];
		snprintf(gave, sizeof gave, "%s (server asks to wait %ld s, more than the %ld s limit)",
		    msg, wait, h->o.wait_max_ms / 1000);
		finish(r, HTTP_GAVE_UP, status, code, gave);
		return;
	}
	{
		double delay = wait >= 0 ? (double)wait : (double)backoff_ms(h, r->attempts) / 1000.0;
		r->not_before = t + delay;
		if (status == 429 || status == 503 || wait >= 0) {
			if (r->host->paused_until < t + delay)
				r->host->paused_until = t + delay;
			if (h->shared)	/* every process sharing the file waits */
				throttle_pause(h->shared, r->host->key, (double)wall + delay);
		}
	}
	if (r->delivered && r->cb->restart)
		r->cb->restart(r->arg);
	r->bytes = 0;
	enqueue(h, r, 1);
}

size_t
http_run(struct http *h, long wait_ms)
{
	double wait;
	int still, numfds, left;
	CURLMsg *m;
	long ms;

	if (h->cancels)
		run_cancels(h);
	wait = schedule(h);
	ms = (long)(wait * 1000);
	if (wait_ms >= 0 && wait_ms < ms)
		ms = wait_ms;
	if (ms > 1000)
		ms = 1000;
	if (h->running > 0) {
		curl_multi_poll(h->multi, NULL, 0, (int)ms, &numfds);
		curl_multi_perform(h->multi, &still);
	} else if (h->queued > 0 && ms > 0) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		struct req *r = NULL;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		completed(h, r, m->data.result);
	}
	schedule(h);
	return http_pending(h);
}

void
http_drain(struct http *h)
{
	while (http_pending(h))
		http_run(h, -1);
}

void
http_free(struct http *h)
{
	struct host *x, *nx;

	if (!h)
		return;
	http_drain(h);
	for (x = h->hosts; x; x = nx) {
		struct bucket *b, *nb;
		nx = x->next;
		for (b = x->buckets; b; b = nb) {
			nb = b->next;
			free(b->key);
			free(b);
		}
		free(x->key);
		free(x);
	}
	curl_multi_cleanup(h->multi);
	curl_slist_free_all(h->headers);
	throttle_close(h->shared);
	free(h->ua);
	free(h);
}

double
http_parse_rate(const char *arg)
{
	char *end;
	double n;

	errno = 0;
	n = strtod(arg, &end);
	if (errno || end == arg || !(n >= 0) || n > 1e9)
		return -1;
	if (*end == '\0' || strcmp(end, "/s") == 0 || strcmp(end, "/sec") == 0)
		return n;
	if (strcmp(end, "/min") == 0 || strcmp(end, "/m") == 0)
		return n / 60;
	if (strcmp(end, "/h") == 0)
		return n / 3600;
	return -1;
}

char *
http_base(const char *opt, const char *env, const char *dflt)
{
	const char *v = opt;
	size_t n;

	if (!v || !*v)
		v = env ? getenv(env) : NULL;
	if (!v || !*v)
		v = dflt;
	n = strlen(v);
	while (n > 0 && v[n - 1] == '/')
		n--;
	return xstrndup(v, n);
}

void
http_escape(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
			buf_addc(b, (char)c);
		} else {
			buf_addc(b, '%');
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
		}
	}
}

int
http_hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
http_unescape(struct buf *b, const char *s, size_t len)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len &&
		    (hi = http_hexdigit((unsigned char)s[i + 1])) >= 0 &&
		    (lo = http_hexdigit((unsigned char)s[i + 2])) >= 0) {
			buf_addc(b, (char)(hi << 4 | lo));
			i += 2;
		} else {
			buf_addc(b, s[i]);
		}
	}
}

static int
month(const char *s)
{
	static const char *const m[] = { "jan", "feb", "mar", "apr", "may", "jun",
		"jul", "aug", "sep", "oct", "nov", "dec" };
	int i;

	for (i = 0; i < 12; i++)
		if (strncasecmp(s, m[i], 3) == 0)
			return i;
	return -1;
}

static int
num(const char **p, int digits_min, int digits_max, int *out)
{
	int n = 0, k = 0;

	while (isdigit((unsigned char)**p) && k < digits_max) {
		n = n * 10 + (**p - '0');
		(*p)++;
		k++;
	}
	if (k < digits_min)
		return -1;
	*out = n;
	return 0;
}

static int
clock_part(const char **p, struct tm *tm)
{
	if (num(p, 2, 2, &tm->tm_hour) || *(*p)++ != ':' || num(p, 2, 2, &tm->tm_min) ||
	    *(*p)++ != ':' || num(p, 2, 2, &tm->tm_sec))
		return -1;
	return 0;
}

time_t
http_parse_date(const char *s)
{
	struct tm tm;
	const char *p = s;
	int mon;
	time_t t;

	memset(&tm, 0, sizeof tm);
	while (isalpha((unsigned char)*p))	/* day name */
		p++;
	if (p == s)
		return -1;
	if (*p == ',') {
		/* IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" or
		 * RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" */
		p++;
		if (*p++ != ' ' || num(&p, 2, 2, &tm.tm_mday))
			return -1;
		if (*p == ' ') {
			p++;
			if ((mon = month(p)) < 0)
				return -1;
			p += 3;
			if (*p++ != ' ' || num(&p, 4, 4, &tm.tm_year))
				return -1;
			tm.tm_year -= 1900;
		} else if (*p == '-') {
			p++;
			if ((mon = month(p)) < 0)
				return -1;
			p += 3;
			if (*p++ != '-' || num(&p, 2, 2, &tm.tm_year))
				return -1;
			if (tm.tm_year < 70)	/* RFC 9110: 50-year rule, simplified */
				tm.tm_year += 100;
		} else {
			return -1;
		}
		if (*p++ != ' ' || clock_part(&p, &tm) || strcmp(p, " GMT") != 0)
			return -1;
	} else if (*p == ' ') {
		/* asctime "Sun Nov  6 08:49:37 1994" */
		p++;
		if ((mon = month(p)) < 0)
			return -1;
		p += 3;
		if (*p++ != ' ')
			return -1;
		if (*p == ' ')
			p++;
		if (num(&p, 1, 2, &tm.tm_mday) || *p++ != ' ' || clock_part(&p, &tm) ||
		    *p++ != ' ' || num(&p, 4, 4, &tm.tm_year) || *p)
			return -1;
		tm.tm_year -= 1900;
	} else {
		return -1;
	}
	/* before 1970 is no time a server means to wait for */
	if (tm.tm_year < 70 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_mon = mon;
	t = timegm(&tm);
	return t;
}

long
http_retry_after(const char *v, time_t now)
{
	const char *p;
	long n = 0;
	time_t t;

	while (*v == ' ' || *v == '\t')
		v++;
	if (isdigit((unsigned char)*v)) {
		for (p = v; isdigit((unsigned char)*p); p++) {
			if (n > (LONG_MAX - 9) / 10)
				return LONG_MAX / 1000;	/* absurdly long: "forever" */
			n = n * 10 + (*p - '0');
		}
		while (*p == ' ' || *p == '\t')
			p++;
		return *p ? -1 : n;
	}
	if ((t = http_parse_date(v)) == (time_t)-1)
		return -1;
	return t > now ? (long)(t - now) : 0;
}
