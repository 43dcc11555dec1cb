/* page-fetch: page rows to image files in DIR/<library>/<folder>/<page>.jpg,
 * politely (a per-host rate shared by every process using the same
 * throttle file), atomically (temporary file, fsync, rename), lazily (an
 * existing file costs no request) and resumably. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "clock.h"
#include "diag.h"
#include "failfile.h"
#include "feed.h"
#include "http.h"
#include "imgfile.h"
#include "pages.h"
#include "progress.h"
#include "sha256.h"
#include "store.h"
#include "tsv.h"
#include "xmem.h"

static const char usage_text[] =
    "usage: page-fetch [-Hqv] [-d DIR] [-j N] [--rate N/s|N/min] [--burst N] [--jitter F]\n"
    "                  [--throttle-file PATH | --no-throttle-file] [--retries N]\n"
    "                  [--retry-delay MS] [--timeout SECS] [--cookies FILE]\n"
    "                  [--user-agent UA] [--http-header 'NAME: VALUE'] [--failed FILE]\n"
    "                  [--dry-run[=curl|aria2]] [--no-fsync] [--unordered]\n"
    "                  [--progress | --no-progress] [FILE...]\n";

/* Status meaning "stop": a host blocked us (challenge or persistent 429). */
#define EXIT_BLOCKED 3
/* Rows read but not yet written out (the reorder window): each may write
 * one temporary file. */
#define WINDOW STORE_SLOTS
/* Lines the reader thread may hold ready. */
#define INQ_MAX 1024
/* Default request rates (per second) for each library's hosts. */
#define RATE_HT (1.0 / 20)
#define RATE_IA 1.0
#define RATE_OTHER 1.0
/* HathiTrust's image throttle charges width / 680 credits for an image
 * (babel plack-lib/Plack/Middleware/Choke/Requests/Image.pm); a full-size
 * page has no width in its URL: taken as this wide (a page about 6.8 in
 * wide scanned at 400 dpi), 4 credits. */
#define HT_CREDIT_WIDTH 680.0
#define HT_FULL_WIDTH 2720.0

enum { DRY_NONE, DRY_CURL, DRY_ARIA2 };

enum {
	O_BURST = CLI_LONG, O_COOKIES, O_DRY_RUN, O_FAILED, O_HTTP_HEADER, O_JITTER, O_NO_FSYNC,
	O_NO_THROTTLE, O_THROTTLE, O_UNORDERED, O_USER_AGENT
};

static void help(void);

static const struct cli_opt options[] = {
	{ "burst", O_BURST, CLI_ARG },
	{ "cookies", O_COOKIES, CLI_ARG },
	{ "dir", 'd', CLI_ARG },
	{ "dry-run", O_DRY_RUN, CLI_OPTARG },
	{ "failed", O_FAILED, CLI_ARG },
	{ "header-row", 'H', CLI_NOARG },	/* -H, --header: its older name */
	{ "http-header", O_HTTP_HEADER, CLI_ARG },
	{ "jitter", O_JITTER, CLI_ARG },
	{ "jobs", 'j', CLI_ARG },
	{ "no-fsync", O_NO_FSYNC, CLI_NOARG },
	{ "no-throttle-file", O_NO_THROTTLE, CLI_NOARG },
	{ "throttle-file", O_THROTTLE, CLI_ARG },
	{ "unordered", O_UNORDERED, CLI_NOARG },
	{ "user-agent", O_USER_AGENT, CLI_ARG },
	{ NULL, 0, 0 }
};

static const struct cli_spec spec = {
	.usage = usage_text,
	.help = help,
	.shared = CLI_QUIET | CLI_VERBOSE | CLI_HEADER | CLI_NET | CLI_RATE | CLI_PROGRESS,
	.opts = options,
	.header_name = "header",
	.rate_default = -1,	/* each library's own */
	.rate_max = 1e6,
};

static struct {
	struct cli c;		/* -q -H --retries --retry-delay --timeout --rate --progress */
	const char *dir;
	long jobs;
	double burst;
	double jitter;
	const char *throttle_file;
	int no_throttle_file;
	const char *cookies;
	const char *user_agent;
	const char **headers;	/* NULL-ended */
	size_t nheaders;
	const char *failed;
	int dry_run;
	int no_fsync;
	int unordered;
} opt = { .dir = "items", .jobs = 2, .burst = 1, .jitter = 0.05 };

/* ---- rows, hosts, the window ---- */

enum { R_QUEUED, R_RUNNING, R_DONE };

struct host;

struct row {
	struct row *prev, *next;	/* the window, in input order */
	struct row *qnext;		/* the host's queue */
	struct host *host;
	char *line;			/* the input line, raw */
	size_t len;
	const char *file;
	unsigned long lineno;
	struct pages_row f;		/* library, id, page, url */
	struct pages_names n;		/* their names on disk */
	double cost;			/* what the request costs the host's throttle */
	char *seq;			/* a HathiTrust image's seq= */
	double checked;			/* when it was found missing */
	char *name;			/* final file name */
	char *path;			/* for output: DIR/lib/folder/name */
	int state;
	char status[48];
	unsigned long long bytes;
	struct imgfile img;		/* the transfer */
	const char *verdict;		/* why a callback stopped the transfer */
	char *why;			/* message detail */
	int err;			/* errno of a file system failure */
	/* for the finisher: what goes into the manifest, and how it went */
	char *final_url, *date;
	char sha_hex[2 * SHA256_LEN + 1];
	const char *fin_what;		/* the step that failed */
	int fin_err, man_err;
};

struct host {
	char *key;
	struct row *head, *tail;	/* not yet handed to http */
	long inflight;
	int blocked, throttled;
	struct host *next;
};

static struct http *net;
static struct feed *feed;
static struct store store;
static struct host *hosts;
static char *last_prefix;		/* get_host's last URL up to the path */
static struct host *last;
static struct row *win_head, *win_tail;
static size_t win_n;
static int blocked_any;
static int fatal_err;			/* a full disk or the like: no more requests */
static char *fatal_path;
static struct failfile *failed;
static int failed_err;			/* the --failed file could not be written */
static int have_header;

static struct {
	unsigned long rows, done, ok, exists, failed, fetched;
	double start;
} stats;
static volatile sig_atomic_t input_ended;	/* for the signal handler */

static void
row_free(struct row *r)
{
	free(r->line);
	pages_row_free(&r->f);
	pages_names_free(&r->n);
	free(r->name);
	free(r->path);
	free(r->why);
	free(r->final_url);
	free(r->date);
	free(r->seq);
	free(r);
}

static double
library_rate(const char *library)
{
	if (opt.c.rate >= 0)
		return opt.c.rate;
	if (strcmp(library, "hathitrust") == 0)
		return RATE_HT;
	if (strcmp(library, "internetarchive") == 0)
		return RATE_IA;
	return RATE_OTHER;
}

static struct host *
get_host(const char *url, const char *library)
{
	const char *p = strstr(url, "://");
	size_t n = p ? strcspn(p + 3, "/?#") + (size_t)(p + 3 - url) : 0;
	char *key;
	struct host *h;

	/* rows of one host come in runs: skip parsing the URL again */
	if (last && n && strncmp(url, last_prefix, n) == 0 && last_prefix[n] == '\0')
		return last;
	if (!(key = http_host_key(url)))
		return NULL;
	for (h = hosts; h; h = h->next)
		if (strcmp(h->key, key) == 0)
			break;
	if (h) {
		free(key);
	} else {
		h = xcalloc(1, sizeof *h);
		h->key = key;
		h->next = hosts;
		hosts = h;
		if (net) {
			http_host_limit(net, url, (int)opt.jobs, library_rate(library), opt.burst);
			/* imgsrv answers an unknown volume with a 500: one retry */
			if (strcmp(library, "hathitrust") == 0)
				http_host_retry_500(net, url, 1);
		}
	}
	if (n) {
		free(last_prefix);
		last_prefix = xstrndup(url, n);
		last = h;
	}
	return h;
}

static void
set_path(struct row *r, const char *name)
{
	free(r->path);
	r->path = pages_path(opt.dir, r->n.lib, r->n.folder, name);
}

/* r's file name for an image of this kind. */
static char *
file_name(const struct row *r, int kind)
{
	char *s = xmalloc(strlen(r->n.base) + 5);

	sprintf(s, "%s%s", r->n.base, image_ext(kind));
	return s;
}

static void
set_name(struct row *r, char *name)
{
	free(r->name);
	r->name = name;
	set_path(r, name);
}

/* Is the page there already (under any of the image extensions)?
 * 1 yes (name, path and bytes set), 0 no, -1 error (errno). */
static int
page_exists(struct row *r)
{
	struct stat st;
	char *name;
	int fd, k, rc = 0;

	if ((fd = store_folder(&store, r->n.lib, r->n.folder, 0)) < 0)
		return errno == ENOENT ? 0 : -1;
	for (k = IMAGE_JPEG; k <= IMAGE_JP2 && rc == 0; k++) {
		name = file_name(r, k);
		if ((rc = store_file_at(fd, name, &st)) > 0) {
			set_name(r, name);
			r->bytes = (unsigned long long)st.st_size;
		} else {
			int e = errno;
			free(name);
			errno = e;
		}
	}
	return rc;
}

/* ---- results ---- */

static void
out_write(const struct buf *b)
{
	errno = 0;
	if (fwrite(b->s, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
		store_remove_temps();
		diag_write_failed();
	}
}

static void
set_status(struct row *r, const char *fmt, const char *arg)
{
	snprintf(r->status, sizeof r->status, fmt, arg);
}

static void
row_message(const struct row *r, const char *why)
{
	if (opt.c.quiet)
		return;
	diag_warn("%s:%lu: %s page %s: %s: %s", r->file, r->lineno, r->f.id, r->f.page, r->f.url,
	    why);
}

static void
finish_row(struct row *r)
{
	r->state = R_DONE;
	stats.done++;
	if (strcmp(r->status, "ok") == 0)
		stats.ok++;
	else if (strcmp(r->status, "exists") == 0)
		stats.exists++;
	else
		stats.failed++;
}

/* The row's line in the --failed file (before its result row is out, so
 * that a result row seen means a failure recorded). */
static void
record_row(const struct row *r, int ok)
{
	if (!failed)
		return;
	if (ok)
		failfile_done(failed, r->line, r->len);
	else if (failfile_failed(failed, r->line, r->len) < 0 && !failed_err++)
		diag_warn_errno("--failed: %s: cannot record a failed row", opt.failed);
}

static void
print_row(struct row *r)
{
	struct buf b = BUF_INIT;
	int ok = strcmp(r->status, "ok") == 0 || strcmp(r->status, "exists") == 0;

	if (opt.dry_run)
		return;
	if (!ok)
		diag_failed();
	record_row(r, ok);
	buf_add(&b, r->line, r->len);
	buf_addc(&b, '\t');
	buf_adds(&b, r->status);
	buf_addc(&b, '\t');
	if (r->path)
		tsv_escape(&b, r->path, strlen(r->path));
	buf_printf(&b, "\t%llu\n", r->bytes);
	out_write(&b);
	buf_free(&b);
}

static void
unlink_row(struct row *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		win_head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		win_tail = r->prev;
	win_n--;
	row_free(r);
}

/* Write out what can be written: the finished rows at the head of the
 * window (all finished rows with --unordered). */
static void
flush_rows(void)
{
	struct row *r, *next;

	for (r = win_head; r; r = next) {
		next = r->next;
		if (r->state != R_DONE) {
			if (!opt.unordered)
				break;
			continue;
		}
		print_row(r);
		unlink_row(r);
	}
}

/* ---- manifest.tsv: one line per image fetched, appended under a lock ---- */

#define MANIFEST_HEAD "page\tfile\turl\tfinal_url\tbytes\tsha256\thttp_date\tfetched"

/* A new manifest's header: the fixed columns, then the names the input's
 * header gives its columns after url (set before the first row). */
static char *manifest_head;

/* The columns of line[0..len) after the fourth (url), as they are, without
 * the line's end; *n 0 when there are none. */
static const char *
after_url(const char *line, size_t len, size_t *n)
{
	const char *p = line, *end = line + len;
	int tabs = 0;

	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	while (p < end && tabs < 4)
		if (*p++ == '\t')
			tabs++;
	*n = tabs == 4 ? (size_t)(end - p) : 0;
	return p;
}

static void
manifest_head_set(const char *line, size_t len)
{
	struct buf b = BUF_INIT;
	const char *p;
	size_t n;

	p = after_url(line, len, &n);
	buf_adds(&b, MANIFEST_HEAD);
	if (n) {
		buf_addc(&b, '\t');
		buf_add(&b, p, n);
	}
	buf_addc(&b, '\n');
	free(manifest_head);
	manifest_head = b.s;
}

/* Append r's line (and the header to a new file); 0 or an errno.  Touches
 * only r: runs in a finisher thread. */
static int
manifest_append(struct row *r)
{
	const char *head = manifest_head ? manifest_head : MANIFEST_HEAD "\n", *extra;
	struct buf b = BUF_INIT;
	size_t nextra;
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	int e = 0;

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	tsv_escape(&b, r->f.page, strlen(r->f.page));
	buf_addc(&b, '\t');
	tsv_escape(&b, r->name, strlen(r->name));
	buf_addc(&b, '\t');
	tsv_escape(&b, r->f.url, strlen(r->f.url));
	buf_addc(&b, '\t');
	tsv_escape(&b, r->final_url, strlen(r->final_url));
	buf_printf(&b, "\t%llu\t%s\t", r->img.end.bytes, r->sha_hex);
	tsv_escape(&b, r->date, strlen(r->date));
	buf_printf(&b, "\t%s", when);
	/* the row's other columns (a caption, ...) stay with the file */
	extra = after_url(r->line, r->len, &nextra);
	if (nextra) {
		buf_addc(&b, '\t');
		buf_add(&b, extra, nextra);
	}
	buf_addc(&b, '\n');
	if (store_append(r->img.tf.dfd, "manifest.tsv", head, b.s, b.len) < 0)
		e = errno;
	buf_free(&b);
	return e;
}

/* ---- one transfer ---- */

static void
why(struct row *r, const char *fmt, const char *arg)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, fmt, arg);
	free(r->why);
	r->why = xstrdup(buf_str(&b));
	buf_free(&b);
}

/* A file system error on this row; errno says which. */
static void
fs_failed(struct row *r, const char *what)
{
	int e = errno;
	struct buf b = BUF_INIT;

	r->err = e;
	r->verdict = store_reason(e);
	if (e == ELOOP)
		buf_printf(&b, "%s: a symbolic link on the way inside %s: not followed",
		    r->path ? r->path : opt.dir, opt.dir);
	else
		buf_printf(&b, "%s %s: %s", what, r->path ? r->path : opt.dir, strerror(e));
	free(r->why);
	r->why = xstrdup(buf_str(&b));
	buf_free(&b);
	if (store_fatal(e) && !fatal_err) {
		fatal_err = e;
		fatal_path = xstrdup(r->path ? r->path : opt.dir);
	}
}

/* The first bytes are in: the body is an image of this kind, or not;
 * open its file. */
static int
start_file(void *arg, struct imgfile *f)
{
	struct row *r = arg;
	const char *what;

	if (f->kind == IMAGE_NONE) {
		r->verdict = "not-image";
		why(r, "%s", "the body is not a JPEG, PNG or JP2 image");
		return -1;
	}
	set_name(r, file_name(r, f->kind));
	if (store_temp_open(&store, &f->tf, r->n.lib, r->n.folder, r->name, &what) < 0) {
		fs_failed(r, what);
		return -1;
	}
	return 0;
}

/* What imgfile_add or imgfile_end said: non-zero (the verdict is set)
 * stops the transfer. */
static int
written(struct row *r, int rc)
{
	if (rc == IMGFILE_WRITE)
		fs_failed(r, "writing");
	return rc != IMGFILE_OK;
}

/* The output folder failed earlier: stop this transfer. */
static int
stop_fatal(struct row *r)
{
	r->verdict = store_reason(fatal_err);
	why(r, "%s", "not written: the output folder failed earlier");
	return 1;
}

/* The seq of the page in a HathiTrust image answer's Content-Disposition
 * ("inline; filename=mdp.39015012345678-seq_7.jpg": babel imgsrv
 * lib/SRV/Image.pm, _build_attachment_filename, from the seq it served),
 * as [*p, *p + *n); 0 if it names none. */
static int
disposition_seq(const char *d, const char **p, size_t *n)
{
	const char *s = strstr(d, "filename="), *t, *found = NULL;

	if (!s)
		return 0;
	for (t = s; (t = strstr(t, "-seq_")) != NULL; t++)
		found = t + 5;
	if (!found || !(*n = strspn(found, "0123456789")) || found[*n] != '.')
		return 0;
	*p = found;
	return 1;
}

/* HathiTrust serves the last page for a seq past it and the first for
 * one that is not a number (babel mdp-lib/MdpItem.pm, GetValidSequence),
 * with status 200: the page it served must be the one asked for. */
static int
wrong_seq(struct row *r, const struct http_head *h)
{
	struct buf b = BUF_INIT;
	const char *p;
	size_t n;

	if (!r->seq || !disposition_seq(h->disposition, &p, &n))
		return 0;
	if (strlen(r->seq) == n && memcmp(r->seq, p, n) == 0)
		return 0;
	r->verdict = "wrong-page";
	buf_printf(&b, "HathiTrust served seq %.*s for seq %s (Content-Disposition: %s): "
	    "the volume has no such page; nothing saved", (int)n, p, r->seq, h->disposition);
	why(r, "%s", buf_str(&b));
	buf_free(&b);
	return 1;
}

static int
on_head(void *arg, const struct http_head *h)
{
	struct row *r = arg;
	const char *ct = h->content_type;

	if (fatal_err)
		return stop_fatal(r);
	if (wrong_seq(r, h))
		return 1;
	if (strcasecmp(h->access, "deny") == 0) {
		r->verdict = "restricted";
		why(r, "%s", "X-HathiTrust-Access: deny (not full view from here)");
		return 1;
	}
	if (image_type(ct) == IMAGE_TYPE_SVG && strcmp(r->f.library, "hathitrust") == 0) {
		r->verdict = "restricted";
		why(r, "%s", "an SVG placeholder (restricted item)");
		return 1;
	}
	if (image_type(ct) != IMAGE_TYPE_IMAGE) {
		r->verdict = "not-image";
		why(r, "Content-Type is '%s', not an image", ct);
		return 1;
	}
	return 0;
}

static int
on_body(void *arg, const char *p, size_t n)
{
	struct row *r = arg;

	if (fatal_err)
		return stop_fatal(r);
	return written(r, imgfile_add(&r->img, p, n, start_file, r));
}

static void
on_restart(void *arg)
{
	struct row *r = arg;

	/* the body starts again, and so does the file (its first bytes are
	 * looked at again) */
	imgfile_restart(&r->img);
}

/* Make the complete temporary file the page: flush it, rename it, flush
 * the folder, add the manifest line.  Touches only r, so it runs in a
 * finisher thread; the outcome is left in fin_err (with fin_what) and
 * man_err for conclude(). */
static void
finalize(void *job)
{
	struct row *r = job;

	r->fin_err = r->man_err = 0;
	if (store_temp_commit(&r->img.tf, r->name, !opt.no_fsync, &r->fin_what) < 0)
		r->fin_err = errno;
	else
		r->man_err = manifest_append(r);
	store_temp_end(&r->img.tf);
}

/* After finalize(), in the main thread: the row's status and messages. */
static void
conclude(void *job)
{
	struct row *r = job;

	if (r->fin_err) {
		errno = r->fin_err;
		fs_failed(r, r->fin_what);
		set_status(r, "failed:%s", r->verdict);
		r->verdict = NULL;
		if (!store_fatal(r->err))	/* a full disk is reported once, at the end */
			row_message(r, r->why);
	} else {
		r->bytes = r->img.end.bytes;
		set_status(r, "%s", "ok");
		if (r->man_err) {
			if (!opt.c.quiet || store_fatal(r->man_err))
				diag_warn("%s: manifest.tsv: %s", r->path, strerror(r->man_err));
			if (store_fatal(r->man_err) && !fatal_err) {
				fatal_err = r->man_err;
				fatal_path = xstrdup(r->path);
			}
			diag_failed();
		}
	}
	finish_row(r);
}

/* The body is complete: check it, then hand it to be made the page.
 * Returns 1 when the row is taken care of, 0 when it failed (verdict). */
static int
finish_ok(struct row *r, const struct http_result *res)
{
	/* a body shorter than the magic is written now */
	if (written(r, imgfile_end(&r->img, start_file, r)))
		return 0;
	if (!imgfile_complete(&r->img)) {
		r->verdict = "truncated";
		why(r, "%s", "the image is cut short (no end marker)");
		return 0;
	}
	imgfile_digest(&r->img, r->sha_hex);
	r->final_url = xstrdup(res->effective_url);
	r->date = xstrdup(res->date);
	/* with --no-fsync nothing here waits on the disk for long: stay in
	 * this thread (and when no finisher thread can start) */
	if (opt.no_fsync || feed_push(feed, r) < 0) {
		finalize(r);
		conclude(r);
	}
	return 1;
}

static const char *
curl_reason(int code)
{
	switch (code) {
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_COULDNT_CONNECT:
		return "connect";
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "resolve";
	case CURLE_TOO_MANY_REDIRECTS:
		return "redirects";
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return "bad-url";
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
		return "tls";
	default:
		return "network";
	}
}

/* Finish the rows still queued for host h without a request. */
static void
host_stop(struct host *h, const char *status)
{
	struct row *r;

	while ((r = h->head) != NULL) {
		h->head = r->qnext;
		set_status(r, "%s", status);
		finish_row(r);
	}
	h->tail = NULL;
}

/* The rows of r's host already handed to the HTTP layer (under way, or
 * waiting to retry) stop now, without another request, and go to the
 * failure file: the words that say how many ("" when none). */
static const char *
host_cancel(const struct row *r)
{
	static char words[128];
	size_t n = http_cancel_host(net, r->f.url);

	words[0] = '\0';
	if (n)
		snprintf(words, sizeof words, "; %zu transfer%s under way %s stopped%s", n,
		    n == 1 ? "" : "s", n == 1 ? "is" : "are",
		    failed ? " (rows kept in the failure file)" : "");
	return words;
}

/* The first row of a host that stops the run for it (blocked or
 * throttled): say so once, with what to do about it. */
static void
host_verdict(struct row *r, const struct http_result *res, int *flag, const char *verdict)
{
	struct host *h = r->host;
	const char *stopped;

	r->verdict = verdict;
	why(r, "%s", res->error);
	if (*flag)
		return;
	*flag = 1;
	blocked_any = 1;
	row_message(r, r->why);
	r->err = -1;	/* reported */
	stopped = host_cancel(r);
	if (flag == &h->blocked)
		diag_warn("%s: %s; the remaining rows for this host are not requested "
		    "(failed:blocked)%s.  HathiTrust's Cloudflare lets a browser through: "
		    "export its cookies to a file and pass it with --cookies FILE "
		    "(with --user-agent set to that browser's)", h->key, res->error, stopped);
	else
		diag_warn("%s: still answers 429 Too Many Requests after %d attempts; "
		    "the remaining rows for this host are not requested (throttled)%s.  "
		    "Try again later, with a lower --rate", h->key, res->attempts, stopped);
}

static void
on_done(void *arg, const struct http_result *res)
{
	struct row *r = arg;
	struct host *h = r->host;
	char code[32];

	h->inflight--;
	stats.fetched++;
	switch (res->outcome) {
	case HTTP_OK:
		if (finish_ok(r, res))
			return;
		break;
	case HTTP_ABORTED:
		break;	/* the verdict of a callback */
	case HTTP_CANCELLED:	/* its host stopped the run: said once */
		r->verdict = h->blocked ? "blocked" : "throttled";
		r->err = -1;
		break;
	case HTTP_BLOCKED:
		host_verdict(r, res, &h->blocked, "blocked");
		break;
	case HTTP_GAVE_UP:
		if (res->status == 429) {
			host_verdict(r, res, &h->throttled, "throttled");
			break;
		}
		/* fall through */
	case HTTP_FAILED:
	default:
		if (res->curl_code) {	/* a redirect loop ends on a 3xx, too */
			r->verdict = curl_reason(res->curl_code);
		} else if (res->status >= 300) {
			snprintf(code, sizeof code, "http-%ld", res->status);
			r->verdict = code;
		} else {
			r->verdict = "network";
		}
		/* imgsrv dies on an id that is no volume's: Plack answers 500 */
		if (res->status == 500 && strcmp(r->f.library, "hathitrust") == 0)
			why(r, "unknown volume id or server error: %s", res->error);
		else
			why(r, "%s", res->error);
		break;
	}
	store_temp_end(&r->img.tf);	/* the temporary file, if any, and its folder */
	if (r->verdict) {
		if (strcmp(r->verdict, "restricted") == 0 || strcmp(r->verdict, "throttled") == 0)
			set_status(r, "%s", r->verdict);
		else
			set_status(r, "failed:%s", r->verdict);
		r->verdict = NULL;
		/* a full disk is reported once, when the run stops */
		if (!r->err || (r->err > 0 && !store_fatal(r->err)))
			row_message(r, r->why ? r->why : r->status);
	}
	finish_row(r);
	if (h->blocked)
		host_stop(h, "failed:blocked");
	else if (h->throttled)
		host_stop(h, "throttled");
}

static const struct http_cb callbacks = { on_head, on_body, on_restart, on_done };

/* The status of the rows not fetched because of a fatal write error. */
static const char *
fatal_status(void)
{
	static char st[48];

	snprintf(st, sizeof st, "failed:%s", store_reason(fatal_err));
	return st;
}

/* The page is there (1) or cannot be checked (-1): finish the row. */
static void
found(struct row *r, int e)
{
	if (e > 0) {
		set_status(r, "%s", "exists");
	} else {
		fs_failed(r, "checking");
		set_status(r, "failed:%s", r->verdict);
		row_message(r, r->why);
	}
	finish_row(r);
}

/* Hand queued rows to http while their host has a free connection. */
static void
submit(void)
{
	struct host *h;
	struct row *r;
	int e;

	for (h = hosts; h; h = h->next) {
		if (fatal_err) {
			host_stop(h, fatal_status());
			continue;
		}
		while ((r = h->head) != NULL && h->inflight < opt.jobs) {
			h->head = r->qnext;
			if (!h->head)
				h->tail = NULL;
			/* another process may have fetched it while it waited */
			if (clock_now() - r->checked > 0.5 && (e = page_exists(r)) != 0) {
				found(r, e);
				continue;
			}
			h->inflight++;
			r->state = R_RUNNING;
			imgfile_init(&r->img);
			if (r->cost > 0)
				http_get_cost(net, r->f.url, r->cost, &callbacks, r);
			else
				http_get(net, r->f.url, &callbacks, r);
		}
	}
}

/* ---- rows in ---- */

/* Append s to b between double quotes, for curl -K. */
static void
quoted(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

static void
dry_run_row(struct row *r)
{
	struct buf b = BUF_INIT;
	char *dir;

	set_path(r, r->name);
	if (opt.dry_run == DRY_CURL) {
		buf_adds(&b, "url = ");
		quoted(&b, r->f.url);
		buf_adds(&b, "\noutput = ");
		quoted(&b, r->path);
		buf_adds(&b, "\n");
	} else {
		dir = xstrndup(r->path, strlen(r->path) - strlen(r->name) - 1);
		buf_printf(&b, "%s\n  dir=%s\n  out=%s\n", r->f.url, dir, r->name);
		free(dir);
	}
	out_write(&b);
	buf_free(&b);
}

static void
header_row(const char *line, size_t len)
{
	struct buf b = BUF_INIT;

	if (have_header)
		return;		/* one header per run */
	have_header = 1;
	manifest_head_set(line, len);
	if (failed && failfile_header(failed, line, len) < 0 && !failed_err++)
		diag_warn_errno("--failed: %s: cannot record the header row", opt.failed);
	if (opt.dry_run)
		return;
	buf_add(&b, line, len);
	buf_adds(&b, "\tstatus\tpath\tbytes\n");
	out_write(&b);
	buf_free(&b);
}

/* A new row at the end of the window; NULL for a header, or (with a
 * message) for a line that is not a row. */
static struct row *
new_row(struct feed_line *it)
{
	struct pages_row f;
	struct row *r;
	size_t n;
	int k = pages_row_read(&f, it->line, it->len, &n);

	if (k == PAGES_HEADER || (opt.c.header && it->lineno == 1)) {
		header_row(it->line, it->len);	/* a header, with or without -H */
		pages_row_free(&f);
		return NULL;
	}
	if (k == PAGES_SHORT) {
		diag_data(it->file, it->lineno, "expected at least 4 fields (library, id, page, url), "
		    "got %zu", n);
		diag_failed();
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->line = it->line;
	it->line = NULL;
	r->len = it->len;
	r->file = it->file;
	r->lineno = it->lineno;
	imgfile_init(&r->img);
	r->f = f;
	r->prev = win_tail;
	if (win_tail)
		win_tail->next = r;
	else
		win_head = r;
	win_tail = r;
	win_n++;
	stats.rows++;
	return r;
}

/* The value of the query parameter name in url (malloc'd), or NULL. */
static char *
url_param(const char *url, const char *name)
{
	const char *p = strchr(url, '?');
	size_t n = strlen(name), k;

	for (; p && (*p == '?' || *p == '&' || *p == ';'); p += k) {
		p++;
		k = strcspn(p, "&;#");
		if (k > n && strncmp(p, name, n) == 0 && p[n] == '=')
			return xstrndup(p + n + 1, k - n - 1);
	}
	return NULL;
}

/* A HathiTrust image request: its seq (checked against the answer) and
 * its cost to HathiTrust's image throttle. */
static void
ht_image(struct row *r)
{
	char *w;
	long width;

	if (strcmp(r->f.library, "hathitrust") != 0 || !strstr(r->f.url, "/imgsrv/image"))
		return;
	r->seq = url_param(r->f.url, "seq");
	w = url_param(r->f.url, "width");
	width = w ? strtol(w, NULL, 10) : 0;
	r->cost = (width > 0 ? (double)width : HT_FULL_WIDTH) / HT_CREDIT_WIDTH;
	free(w);
}

/* Finish r now with a status (and a message, if msg). */
static void
settle(struct row *r, const char *status, const char *msg)
{
	set_status(r, "%s", status);
	if (msg)
		row_message(r, msg);
	finish_row(r);
}

static void
add_row(struct feed_line *it)
{
	struct row *r = new_row(it);
	const char *what;
	int e;

	if (!r)
		return;
	if ((what = pages_names(&r->n, r->f.library, r->f.id, r->f.page, r->f.url)) != NULL) {
		set_status(r, "failed:bad-%s", what);
		if (!opt.c.quiet)
			diag_data(r->file, r->lineno,
			    "%s '%s' cannot name a folder (empty, '.' or '..')", what,
			    pages_bad_name(r->f.library) ? r->f.library :
			    pages_bad_name(r->f.id) ? r->f.id : r->f.page);
		finish_row(r);
		return;
	}
	set_name(r, file_name(r, IMAGE_JPEG));
	ht_image(r);
	r->checked = clock_now();
	if ((e = page_exists(r)) != 0) {
		found(r, e);
	} else if (!(r->host = get_host(r->f.url, r->f.library))) {
		settle(r, "failed:bad-url", "not an http or https URL");
	} else if (fatal_err) {
		settle(r, fatal_status(), NULL);
	} else if (opt.dry_run) {
		dry_run_row(r);
		settle(r, "ok", NULL);
	} else if (r->host->blocked || r->host->throttled) {
		settle(r, r->host->blocked ? "failed:blocked" : "throttled", NULL);
	} else {
		r->state = R_QUEUED;
		if (r->host->tail)
			r->host->tail->qnext = r;
		else
			r->host->head = r;
		r->host->tail = r;
	}
}

/* ---- progress ---- */

static void
show_progress(int force)
{
	char eta[32], wait[32];
	double t = clock_now() - stats.start, rate, w;
	unsigned long left;
	int done;

	if (!progress_enabled())
		return;
	done = feed_input_done(feed);
	rate = t > 0 ? (double)stats.fetched / t : 0;
	left = stats.rows - stats.done;
	w = net ? http_throttle_wait(net) : 0;
	if (w > 0.05)
		snprintf(wait, sizeof wait, ", next request in %.1fs", w);
	else
		wait[0] = '\0';
	if (rate > 0 && done)
		progress_show(force, "%lu/%lu rows (%lu ok, %lu exist, %lu failed), %.2f/s, ETA %s%s",
		    stats.done, stats.rows, stats.ok, stats.exists, stats.failed, rate,
		    progress_duration((double)left / rate, eta, sizeof eta), wait);
	else
		progress_show(force, "%lu/%lu%s rows (%lu ok, %lu exist, %lu failed), %.2f/s%s",
		    stats.done, stats.rows, done ? "" : "+", stats.ok, stats.exists, stats.failed,
		    rate, wait);
}

/* ---- the run ---- */

/* Take lines while the window has room; *ended when the input has ended. */
static void
take_rows(int *ended)
{
	struct feed_line *it, *next;

	while (!*ended && win_n < WINDOW && (it = feed_take(feed, WINDOW - win_n, ended)) != NULL) {
		for (; it; it = next) {
			next = it->next;
			if (it->err) {
				diag_data(it->file, it->lineno, "%s", it->err);
				diag_failed();
			} else {
				add_row(it);
			}
			feed_line_free(it);
		}
	}
}

static void
run(void)
{
	int ended = 0;

	stats.start = clock_now();
	for (;;) {
		take_rows(&ended);
		feed_collect(feed, conclude);
		if (net)
			submit();
		flush_rows();
		show_progress(0);
		input_ended = ended;
		if (ended && !win_head && (!net || !http_pending(net)))
			break;
		if (net && http_pending(net))
			/* come back soon for input or finished images */
			http_run(net, feed_pending(feed) || (!ended && win_n < WINDOW) ? 10 : -1);
		else	/* nothing on the network: sleep until a line or an image */
			feed_wait(feed, !ended && win_n < WINDOW);
	}
	show_progress(1);
	progress_clear();
}

static char *
default_throttle_file(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct buf b = BUF_INIT;

	if (x && *x == '/')
		buf_printf(&b, "%s/plates/throttle", x);
	else if (home && *home)
		buf_printf(&b, "%s/.cache/plates/throttle", home);
	else
		return NULL;
	return b.s;
}

/* The network: rates per host, shared through the throttle file.  Returns
 * the default throttle file's name (to be freed), if it is used. */
static char *
net_start(void)
{
	struct http_opts ho = opt.c.net;
	char *throttle = NULL;

	ho.user_agent = opt.user_agent;
	ho.cookie_file = opt.cookies;
	ho.max_total = (int)(opt.jobs * 8 > 16 ? opt.jobs * 8 : 16);
	ho.headers = opt.headers;
	ho.rate_jitter = opt.jitter;
	if (opt.throttle_file) {
		ho.throttle_file = opt.throttle_file;
	} else if (!opt.no_throttle_file && (throttle = default_throttle_file()) != NULL) {
		/* the default place may not be writable: do without */
		if (store_usable_file(throttle))
			ho.throttle_file = throttle;
		else
			diag_note("cannot use %s (%s): rates are not shared with other processes",
			    throttle, strerror(errno));
	}
	net = http_new(&ho);
	http_default_limit(net, (int)opt.jobs, opt.c.rate >= 0 ? opt.c.rate : RATE_OTHER,
	    opt.burst);
	return throttle;
}

/* The output folder (made now unless this is a dry run) and the --failed
 * file (a dry run fails nothing). */
static void
files_start(void)
{
	if (store_open(&store, opt.dir, !opt.dry_run) < 0)
		diag_die_errno(DIAG_FAIL, "%s", opt.dir);
	if (opt.failed && !opt.dry_run && !(failed = failfile_open(opt.failed, 3, NULL)))
		diag_die_errno(DIAG_FAIL, "--failed: %s", opt.failed);
}

/* Append the decimal n to p (async-signal-safe); returns the end. */
static char *
put_num(char *p, unsigned long n)
{
	char d[24];
	int k = 0;

	do
		d[k++] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	while (k)
		*p++ = d[--k];
	return p;
}

static char *
put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

/* Ctrl-C and the like: remove what is being written, say how far the run
 * got, and die of the signal.  The rows that failed are in the --failed
 * file's journal already; the rows not done are missing files, which a
 * rerun fetches. */
static void
on_signal(int sig)
{
	char msg[256], *p = msg;
	int e = errno;

	store_remove_temps();
	if (!opt.dry_run) {
		p = put_str(p, diag_prog());
		p = put_str(p, ": interrupted: ");
		p = put_num(p, stats.done);
		p = put_str(p, input_ended ? " of " : " of the ");
		p = put_num(p, stats.rows);
		p = put_str(p, input_ended ? " rows done" : " rows read so far done");
		p = put_str(p, "; rerun to continue\n");
		if (write(STDERR_FILENO, msg, (size_t)(p - msg)) < 0)
			errno = e;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Our handler for the signals store_catch_signals caught (those not
 * ignored on entry). */
static void
catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa, was;
	size_t i;

	store_catch_signals();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], NULL, &was) == 0 && was.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

/* Close everything; the exit status. */
static int
finish(void)
{
	struct host *h, *hn;
	int status;

	if (fatal_err) {
		errno = fatal_err;
		diag_warn("%s: %s%s; no request was made after it: the rows not fetched are "
		    "marked %s", fatal_path, strerror(fatal_err),
		    fatal_err == EFBIG ? " (a file size limit: ulimit -f)" : "", fatal_status());
	}
	feed_free(feed);
	http_free(net);
	for (h = hosts; h; h = hn) {
		hn = h->next;
		free(h->key);
		free(h);
	}
	free(last_prefix);
	if (failfile_close(failed) < 0) {
		diag_warn_errno("--failed: %s: its failures are kept beside it for the next run "
		    "to add", opt.failed);
		diag_failed();
	}
	store_close(&store);
	free(opt.headers);
	free(fatal_path);
	cli_free(&opt.c);
	free(manifest_head);
	status = diag_finish();
	if (fatal_err)
		return DIAG_FAIL;
	return blocked_any ? EXIT_BLOCKED : status;
}

static void
option(void *unused, int key, const char *val)
{
	(void)unused;
	switch (key) {
	case O_BURST:
		opt.burst = cli_double(&spec, "--burst", val, 1, 1e6);
		break;
	case O_COOKIES:
		opt.cookies = val;
		break;
	case 'd':
		if (!*val)
			cli_usage_error(&spec, "-d: the folder name is empty");
		opt.dir = val;
		break;
	case O_DRY_RUN:
		if (!val || strcmp(val, "curl") == 0)
			opt.dry_run = DRY_CURL;
		else if (strcmp(val, "aria2") == 0 || strcmp(val, "aria2c") == 0)
			opt.dry_run = DRY_ARIA2;
		else
			cli_usage_error(&spec, "--dry-run: expected curl or aria2, got '%s'", val);
		break;
	case O_FAILED:
		opt.failed = val;
		break;
	case O_HTTP_HEADER:
		if (!strchr(val, ':') || *val == ':')
			cli_usage_error(&spec, "--http-header: expected 'Name: value', got '%s'", val);
		opt.headers = xreallocarray(opt.headers, opt.nheaders + 2, sizeof *opt.headers);
		opt.headers[opt.nheaders++] = val;
		opt.headers[opt.nheaders] = NULL;
		break;
	case O_JITTER:
		opt.jitter = cli_double(&spec, "--jitter", val, 0, 1);
		break;
	case 'j':
		opt.jobs = cli_long(&spec, "-j", val, 1, 64);
		break;
	case O_NO_FSYNC:
		opt.no_fsync = 1;
		break;
	case O_NO_THROTTLE:
		opt.no_throttle_file = 1;
		opt.throttle_file = NULL;
		break;
	case O_THROTTLE:
		if (!*val)
			cli_usage_error(&spec, "--throttle-file: the name is empty");
		opt.throttle_file = val;
		opt.no_throttle_file = 0;
		break;
	case O_UNORDERED:
		opt.unordered = 1;
		break;
	case O_USER_AGENT:
		opt.user_agent = val;
		break;
	}
}

static void
help(void)
{
	printf("\nPage rows (library, id, page, url, [columns...]) to image files in\n"
	    "DIR/<library>/<id>/<page>.jpg; each row is written back with its status,\n"
	    "path and size.  Existing files are skipped without a request.\n\n"
	    "  -d, --dir DIR          where the images go (default items)\n"
	    "  -j, --jobs N           connections per host (default 2)\n"
	    "      --rate N/s|N/min   requests per host (default: HathiTrust 1/20s,\n"
	    "                         Internet Archive and others 1/s; 0: no limit)\n"
	    "      --burst N          requests allowed at once after a pause (default 1)\n"
	    "      --jitter F         add up to F (0-1) of an interval between requests\n"
	    "                         (default 0.05)\n"
	    "      --throttle-file PATH  share rates and pauses with other processes\n"
	    "                         (default $XDG_CACHE_HOME/plates/throttle)\n"
	    "      --no-throttle-file keep rates to this process\n"
	    "      --retries N        retries of a failed request (default 5)\n"
	    "      --retry-delay MS   first backoff (default 1000, doubling)\n"
	    "      --timeout SECS     give up on a transfer after SECS (default none)\n"
	    "      --cookies FILE     send cookies from a Netscape cookie file\n"
	    "      --user-agent UA    the User-Agent (default $PLATES_USER_AGENT or plates/V)\n"
	    "      --http-header 'N: V'  an extra HTTP request header (repeatable)\n"
	    "      --failed FILE      keep the rows that did not end ok or exists in FILE;\n"
	    "                         page-fetch --failed FILE < FILE retries just those\n"
	    "      --dry-run[=FORM]   print what would be fetched for curl -K (FORM curl)\n"
	    "                         or aria2c -i (FORM aria2); fetch nothing\n"
	    "      --no-fsync         do not fsync images before renaming them\n"
	    "      --unordered        write rows as they finish, not in input order\n"
	    "      --progress         show progress on stderr (default: if a terminal)\n"
	    "      --no-progress      never show progress\n"
	    "  -H, --header, --header-row  the input starts with a header row\n"
	    "  -q, --quiet            no progress, no messages about single rows\n"
	    "  -v, --verbose          libcurl's own words after a transfer error\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          version\n"
	    "\nExit status: 0 all ok or existing, 1 some rows failed, 2 usage,\n"
	    "3 a host blocked us (bot challenge or persistent 429).\n"
	    "\nSee page-fetch(1) and plates(7).\n");
}

/* --header 'Name: value' meant an HTTP request header before --header
 * became the header row, as in the other tools: refuse that use. */
static void
old_header_option(int argc, char **argv)
{
	const char *v;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--header=", 9) == 0)
			v = argv[i] + 9;
		else if (strcmp(argv[i], "--header") == 0 && i + 1 < argc)
			v = argv[i + 1];
		else
			continue;
		if (*v != '-' && strchr(v, ':') && access(v, F_OK) < 0)
			cli_usage_error(&spec, "--header is the header row (as in the other tools), "
			    "not '%s': an HTTP request header is --http-header '%s'", v, v);
	}
}

int
main(int argc, char **argv)
{
	static char *stdin_only[] = { "-", NULL };
	char *throttle = NULL;
	int first, status;

	diag_init(argv[0]);
	old_header_option(argc, argv);
	first = cli_parse(&spec, &opt.c, argc, argv, option, NULL);
	if (opt.cookies)
		cli_readable(&spec, "--cookies", opt.cookies);
	progress_init(opt.c.quiet || opt.dry_run ? 0 : opt.c.progress);

	files_start();
	catch_signals();	/* remove what is being written, then die of the signal */
	if (!opt.dry_run)
		throttle = net_start();
	if (first == argc)
		feed = feed_new(stdin_only, 1, INQ_MAX, finalize);
	else
		feed = feed_new(argv + first, argc - first, INQ_MAX, finalize);
	if (!feed)
		diag_die(DIAG_FAIL, "cannot start the input thread");
	run();
	status = finish();
	free(throttle);
	return status;
}
