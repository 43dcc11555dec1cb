/* ht-pfeat: HathiTrust volume ids to the pages tagged IMAGE_ON_PAGE (or
 * other page features), from imgsrv page metadata, local METS files or
 * archived Data API volume/meta JSON. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "cli.h"
#include "clock.h"
#include "dataapi.h"
#include "diag.h"
#include "failfile.h"
#include "htid.h"
#include "htpages.h"
#include "http.h"
#include "ids.h"
#include "imgsrv.h"
#include "io.h"
#include "json.h"
#include "mets.h"
#include "progress.h"
#include "tsv.h"
#include "urltmpl.h"
#include "xmem.h"
#include "xml.h"

static const char usage_text[] =
    "usage: ht-pfeat [-Hqv] [--all | -F NAME ...] [--width W|full | --full-size |\n"
    "                --url-template T] [--base-url URL] [--cookies FILE]\n"
    "                [--failed FILE] [--progress | --no-progress] [--rate N/s|N/min]\n"
    "                [--retries N] [--retry-delay MS] [--timeout SECS] [ID ...]\n"
    "       ht-pfeat [-Hq] [--all | -F NAME ...] [--width W|full | --full-size |\n"
    "                --url-template T] [--base-url URL] [--failed FILE]\n"
    "                --mets FILE|DIR ... [ID ...]\n"
    "       ht-pfeat [-Hq] [--all | -F NAME ...] [--width W|full | --full-size |\n"
    "                --url-template T] [--base-url URL] --data-api-json [FILE ...]\n";

#define HT_DEFAULT_BASE "https://babel.hathitrust.org"
/* HathiTrust's throttle is private configuration; the reported limit is
 * about 15 requests in 5 minutes, so one request every 20 seconds. */
#define DEFAULT_RATE (1.0 / 20.0)
/* The default image width: imgsrv's throttle charges an image its width /
 * 680 credits (plack-lib/Plack/Middleware/Choke/Requests/Image.pm), so
 * full size (often 2,000 to 3,500 pixels wide) costs 3 to 5 credits a
 * page; 1280 pixels, about 200 pixels an inch across an octavo page, shows
 * an engraving's lines and a caption's words for 1.9 credits. */
#define DEFAULT_WIDTH 1280
#define FULL_SIZE (-1L)

enum { O_ALL = CLI_LONG, O_COOKIES, O_DAPI, O_FAILED, O_FULL, O_METS, O_TMPL, O_WIDTH };

static void usage(void);

static const struct cli_opt options[] = {
	{ "all", O_ALL, CLI_NOARG },
	{ "cookies", O_COOKIES, CLI_ARG },
	{ "data-api-json", O_DAPI, CLI_NOARG },
	{ "failed", O_FAILED, CLI_ARG },
	{ "feature", 'F', CLI_ARG },
	{ "full-size", O_FULL, CLI_NOARG },
	{ "mets", O_METS, CLI_ARG },
	{ "url-template", O_TMPL, CLI_ARG },
	{ "width", O_WIDTH, CLI_ARG },
	{ NULL, 0, 0 }
};

static const struct cli_spec spec = {
	.usage = usage_text,
	.help = usage,
	.shared = CLI_QUIET | CLI_VERBOSE | CLI_HEADER | CLI_NET | CLI_BASE | CLI_RATE |
	    CLI_PROGRESS,
	.opts = options,
	.base_env = "PLATES_HT_BASE",
	.base_default = HT_DEFAULT_BASE,
	.base_what = "HathiTrust",
	.rate_default = DEFAULT_RATE,
	.rate_max = 1000,
};

/* The URL template's placeholders (the default URL also has {base}). */
static const char *const tmpl_names[] = { "id", "rawid", "seq", NULL };
static const char *const default_names[] = { "id", "rawid", "seq", "base", NULL };
/* A first input row whose first field is one of these is a header. */
static const char *const header_words[] = { "htid", "htitem_id", NULL };

static struct {
	struct cli cli;		/* -q -H, --retries ..., --base-url, --rate */
	int all;
	char **features;	/* NULL-ended; default IMAGE_ON_PAGE */
	size_t nfeatures;
	const char *cookies;
	int data_api;
	char **mets;		/* --mets arguments */
	size_t nmets;
	int mets_dir;		/* the one --mets is a folder */
	const char *tmpl_text;
	struct urltmpl *tmpl;
	long width;		/* 0: the default; FULL_SIZE */
	const char *failed_path;
	struct failfile *failed;
} opt;

/* How far the run got: for --progress and for an interrupted run. */
static struct {
	unsigned long done;	/* volumes answered (rows written, or failed) */
	unsigned long total;	/* volumes given as operands; 0 if unknown */
	unsigned long pages;	/* rows written */
	double start;
} run;

static volatile sig_atomic_t stop_signal;

/* ---- volumes ---- */

struct vol {
	struct buf id;
	struct buf extra;	/* further columns of the input row, raw, each after a TAB */
	struct buf line;	/* the input line (or operand), for --failed */
	int failed;		/* something about this volume failed */
	struct htpages pages;
};

static void
vol_free(struct vol *v)
{
	buf_free(&v->id);
	buf_free(&v->extra);
	buf_free(&v->line);
	htpages_free(&v->pages);
}

/* The row of one page: hathitrust, id, seq, url, features, pagelabel. */
static void
page_row(struct buf *out, const struct vol *v, const struct htpage *p)
{
	struct buf url = BUF_INIT, esc = BUF_INIT;
	const char *id = buf_str(&v->id), *vals[4];

	http_escape(&esc, id, v->id.len);
	vals[0] = buf_str(&esc);
	vals[1] = id;
	vals[2] = p->seq;
	vals[3] = opt.cli.base;
	urltmpl_expand(opt.tmpl, &url, vals);
	buf_adds(out, "hathitrust\t");
	tsv_escape(out, id, v->id.len);
	buf_printf(out, "\t%s\t", p->seq);
	tsv_escape(out, url.s, url.len);
	buf_addc(out, '\t');
	tsv_escape(out, p->feat, strlen(p->feat));
	buf_addc(out, '\t');
	tsv_escape(out, p->label, strlen(p->label));
	buf_add(out, buf_str(&v->extra), v->extra.len);
	buf_addc(out, '\n');
	buf_free(&url);
	buf_free(&esc);
}

/* Something about v failed: the exit status says so. */
static void
vol_failed(struct vol *v)
{
	v->failed = 1;
	diag_failed();
}

/* A volume is over: --failed records it if it failed, else settles it. */
static void
vol_end(struct vol *v)
{
	run.done++;
	if (!opt.failed || !v->line.len)
		return;
	if (!v->failed) {
		failfile_done(opt.failed, v->line.s, v->line.len);
	} else if (failfile_failed(opt.failed, v->line.s, v->line.len) < 0) {
		diag_warn_errno("--failed %s: cannot record %s", opt.failed_path, v->id.s);
		diag_failed();
	}
}

/* All pages of a volume are in: write its rows.  source names where the
 * pages came from, for messages ("METS", ...). */
static void
vol_emit(struct vol *v, const char *source)
{
	struct buf out = BUF_INIT, names = BUF_INIT;
	const char *id = buf_str(&v->id);
	unsigned long tagged = 0, selected = 0, bad = v->pages.bad;
	size_t i;

	if (bad) {
		diag_warn("%s: %lu page%s without a usable seq in %s left out", id, bad,
		    bad == 1 ? "" : "s", source);
		vol_failed(v);
	}
	if (v->pages.n == 0) {
		diag_warn("%s: no pages in %s", id, source);
		vol_failed(v);
		return;
	}
	for (i = 0; i < v->pages.n; i++) {
		const struct htpage *p = &v->pages.v[i];
		if (*p->feat && htpages_feat_tagged(p->feat))
			tagged++;
		if (opt.all || htpages_feat_any(p->feat, opt.features)) {
			selected++;
			page_row(&out, v, p);
		}
	}
	tsv_put_raw(buf_str(&out), out.len);
	run.pages += selected;
	if (tagged == 0) {
		diag_note("%s: no page features in %s (unknown, not \"no pictures\")", id, source);
	} else if (selected == 0) {
		for (i = 0; i < opt.nfeatures; i++)
			buf_printf(&names, "%s%s", i ? " or " : "", opt.features[i]);
		diag_note("%s: 0 of %zu pages tagged %s", id, v->pages.n, buf_str(&names));
	}
	buf_free(&names);
	buf_free(&out);
}

/* ---- ids ---- */

struct idsrc {
	char **args;		/* operands, or NULL to read rows */
	int nargs, next;
	struct ids rows;
};

/* An id given as an argument (a link is reduced to the id it names);
 * -1 after saying it is not one. */
static int
arg_id(struct buf *id, const char *arg)
{
	htid_from_url(id, arg, strlen(arg));
	if (htid_valid(buf_str(id), id->len))
		return 0;
	diag_warn("'%s': not a HathiTrust volume id", arg);
	return -1;
}

/* The next row of standard input: IDS_ID, IDS_HEADER or IDS_END (a read
 * error is reported, and ends the input). */
static int
next_row(struct ids *x)
{
	int r = ids_next(x);

	if (r == IDS_NOFILE)
		diag_die(DIAG_FAIL, "cannot read standard input");
	if (r == IDS_ERROR) {
		diag_data(x->file, x->lineno, "%s", x->error);
		diag_failed();
		return IDS_END;
	}
	return r;
}

/* Without -H, only a first field that is exactly "htid" or "htitem_id"
 * makes a header row, not one that is so once trimmed. */
static int
is_header(const struct ids *x)
{
	const char *s = buf_str(&x->line);
	size_t n = strcspn(s, "\t");

	return opt.cli.header || (n == 4 && memcmp(s, "htid", 4) == 0) ||
	    (n == 9 && memcmp(s, "htitem_id", 9) == 0);
}

/* The next volume id into v (id and extra columns); 0 at the end. */
static int
next_id(struct idsrc *src, struct vol *v)
{
	struct ids *x = &src->rows;
	int r;

	for (;;) {
		buf_reset(&v->id);
		buf_reset(&v->extra);
		buf_reset(&v->line);
		buf_add(&v->extra, "", 0);
		v->failed = 0;
		if (src->args) {
			if (src->next >= src->nargs)
				return 0;
			buf_adds(&v->line, src->args[src->next]);
			if (arg_id(&v->id, src->args[src->next++]) == 0)
				return 1;
			diag_failed();
			continue;
		}
		if ((r = next_row(x)) == IDS_END)
			return 0;
		if ((r == IDS_HEADER && is_header(x)) || x->len == 0 || *x->id == '#')
			continue;	/* a header row, blank lines, comments */
		htid_from_url(&v->id, x->id, x->len);
		if (!htid_valid(buf_str(&v->id), v->id.len)) {
			diag_data(x->file, x->lineno, "not a HathiTrust volume id: '%.*s'",
			    (int)(x->len > 80 ? 80 : x->len), x->id);
			diag_failed();
			continue;
		}
		buf_add(&v->extra, x->rest, x->restlen);	/* passed on as they are */
		buf_add(&v->line, x->line.s, x->line.len);
		while (v->line.len && (v->line.s[v->line.len - 1] == '\n' ||
		    v->line.s[v->line.len - 1] == '\r'))
			v->line.s[--v->line.len] = '\0';
		return 1;
	}
}

/* -H: the header row; with ids on standard input, its further columns. */
static void
write_header(struct idsrc *src)
{
	tsv_put_raw("library\tid\tpage\turl\tfeatures\tpagelabel", 38);
	if (!src->args && !opt.data_api && !(opt.nmets && !opt.mets_dir) &&
	    next_row(&src->rows) == IDS_HEADER) {
		tsv_put_raw(src->rows.rest, src->rows.restlen);
		if (opt.failed && failfile_header(opt.failed, src->rows.line.s,
		    strcspn(src->rows.line.s, "\r\n")) < 0)
			diag_warn_errno("--failed %s: cannot write its header", opt.failed_path);
	}
	tsv_end();
}

/* ---- local files: METS and archived Data API JSON ---- */

/* Push the bytes of in to the METS reader m, else the Data API reader d,
 * until one says the document is bad.  0, or -1 after a read error
 * (reported). */
static int
push_file(struct io_in *in, struct mets *m, struct dataapi *d)
{
	char chunk[65536];
	ssize_t n;

	while ((n = io_read(in, chunk, sizeof chunk)) > 0)
		if ((m ? mets_feed(m, chunk, (size_t)n) : dataapi_feed(d, chunk, (size_t)n)) != 0)
			break;
	if (n < 0)
		diag_data(io_name(in), 0, "%s", io_error(in));
	return n < 0 ? -1 : 0;
}

/* Read one METS file into pages and objid ("" if none).  Returns 0, or
 * -1 after reporting the problem. */
static int
mets_read(const char *path, struct htpages *pages, struct buf *objid)
{
	struct mets *m;
	struct io_in *in;
	int rc;

	if (!(in = io_open(path)))
		return -1;
	m = mets_begin(pages, io_name(in));
	if ((rc = push_file(in, m, NULL)) == 0 && (rc = mets_finish(m)) < 0)
		diag_data(io_name(in), mets_error_line(m), "%s", mets_error(m));
	buf_reset(objid);
	buf_adds(objid, mets_objid(m) ? mets_objid(m) : "");
	mets_free(m);
	io_close(in);
	return rc;
}

/* A METS file whose OBJID is not the volume id it was found by or given
 * with: the rows carry the id, and the message says so. */
static void
objid_differs(const struct vol *v, const struct buf *objid)
{
	if (objid->len && strcmp(objid->s, v->id.s) != 0)
		diag_note("%s: the METS OBJID is '%s'; the rows carry %s", v->id.s, objid->s,
		    v->id.s);
}

static void
run_mets_dir(struct idsrc *src)
{
	struct vol v;
	struct buf path = BUF_INIT, objid = BUF_INIT;
	struct stat st;

	memset(&v, 0, sizeof v);
	while (!stop_signal && next_id(src, &v)) {
		buf_reset(&path);
		mets_pairtree_path(&path, opt.mets[0], buf_str(&v.id));
		if (stat(path.s, &st) != 0 && errno == ENOENT) {
			diag_warn("%s: no METS file %s", v.id.s, path.s);
			vol_failed(&v);
		} else if (mets_read(path.s, &v.pages, &objid) < 0) {
			vol_failed(&v);
		} else {
			objid_differs(&v, &objid);
			vol_emit(&v, "METS");
		}
		vol_end(&v);
	}
	vol_free(&v);
	buf_free(&path);
	buf_free(&objid);
}

/* The volume id of a METS file: the operand, else its OBJID. */
static int
mets_id(struct vol *v, const char *name, const char *arg, const struct buf *objid)
{
	buf_reset(&v->id);
	if (arg) {
		if (arg_id(&v->id, arg) < 0)
			return -1;
		objid_differs(v, objid);
	} else if (objid->len && htid_valid(objid->s, objid->len)) {
		buf_add(&v->id, objid->s, objid->len);
	} else {
		diag_data(name, 0, "%s; give the volume id as an operand",
		    objid->len ? "the METS OBJID is not a volume id" : "no OBJID in the METS root");
		return -1;
	}
	return 0;
}

static void
run_mets_files(char **ids, int nids)
{
	struct vol v;
	struct buf objid = BUF_INIT;
	size_t i;

	memset(&v, 0, sizeof v);
	for (i = 0; i < opt.nmets; i++) {
		const char *name = strcmp(opt.mets[i], "-") == 0 ? "<stdin>" : opt.mets[i];
		if (mets_read(opt.mets[i], &v.pages, &objid) < 0 ||
		    mets_id(&v, name, nids == 1 ? ids[0] : NULL, &objid) < 0)
			diag_failed();
		else
			vol_emit(&v, "METS");
	}
	vol_free(&v);
	buf_free(&objid);
}

static void
run_data_api(char **files, int nfiles)
{
	static char *dash[] = { "-" };
	struct vol v;
	struct dataapi *d;
	struct io_in *in;
	int i;

	if (nfiles == 0) {
		files = dash;
		nfiles = 1;
	}
	memset(&v, 0, sizeof v);
	d = dataapi_new(&v.pages);
	for (i = 0; i < nfiles; i++) {
		if (!(in = io_open(files[i]))) {
			diag_failed();
			continue;
		}
		dataapi_begin(d);
		if (push_file(in, NULL, d) < 0) {
			diag_failed();
		} else if (dataapi_finish(d, &v.id) < 0) {
			diag_data(io_name(in), dataapi_error_line(d), "%s", dataapi_error(d));
			diag_failed();
		} else {
			vol_emit(&v, "Data API JSON");
		}
		io_close(in);
	}
	dataapi_free(d);
	vol_free(&v);
}

/* ---- imgsrv page metadata over HTTP ---- */

struct meta {
	struct json_body body;	/* first: the http arg is a json_body */
	struct imgsrv *rd;
	struct vol *v;
	const char *url;
	int blocked;
};

static void
meta_restart(void *arg)
{
	struct meta *m = arg;

	imgsrv_begin(m->rd);
}

static void
report_blocked(const char *url)
{
	const char *host = strstr(url, "://"), *slash;
	int n;

	host = host ? host + 3 : url;
	slash = strchr(host, '/');
	n = (int)(slash ? (size_t)(slash - url) : strlen(url));	/* scheme://host[:port] */
	diag_warn("%.*s asks for a bot-protection challenge (Cloudflare) that only a web "
	    "browser can pass; no more requests are sent there", n, url);
	if (opt.cookies)
		diag_warn("the cookies in %s were not accepted: they may have expired, or may "
		    "only work with the User-Agent of the browser they came from (set "
		    "PLATES_USER_AGENT)", opt.cookies);
	else
		diag_warn("to go on, visit %.*s in a browser, export its cookies to a Netscape "
		    "cookie file (cookies.txt) and give it with --cookies FILE; or use local "
		    "METS files (--mets)", n, url);
}

static void
meta_done(void *arg, const struct http_result *r)
{
	struct meta *m = arg;
	const char *id = buf_str(&m->v->id), *ct = r->content_type ? r->content_type : "";
	int rc = r->outcome == HTTP_OK ? imgsrv_finish(m->rd) : IMGSRV_BAD_JSON;
	int odd_ct = *ct && !strstr(ct, "json") && !strstr(ct, "javascript");

	if (r->outcome == HTTP_OK && rc == IMGSRV_OK) {
		vol_emit(m->v, "the imgsrv page metadata");
		tsv_flush();
		return;
	}
	if (r->outcome == HTTP_ABORTED && !m->body.failed)
		return;
	if (r->outcome == HTTP_OK && rc == IMGSRV_NO_ITEMS)
		diag_warn("%s: %s: no \"items\" list in the page metadata", id, m->url);
	else if (r->outcome == HTTP_OK || r->outcome == HTTP_ABORTED)	/* not JSON */
		diag_warn("%s: %s: line %lu: %s%s%s%s", id, m->url, imgsrv_error_line(m->rd),
		    imgsrv_error(m->rd), odd_ct ? " (Content-Type " : "", odd_ct ? ct : "",
		    odd_ct ? ")" : "");
	else if (r->status == 500 && r->outcome == HTTP_GAVE_UP)
		/* imgsrv dies on an id it has no volume for (SRV/Prolog.pm), and
		 * that is a 500: asked twice, it is an answer */
		diag_warn("%s: unknown volume id or server error: %s: %s", id, m->url, r->error);
	else if (r->outcome == HTTP_FAILED && r->status == 404)
		/* imgsrv's only 404 is for a suppressed volume (with a JPEG body:
		 * the status says it, whatever the Content-Type) */
		diag_warn("%s: suppressed volume, not served: %s: %s", id, m->url, r->error);
	else
		diag_warn("%s: %s: %s", id, m->url, r->error);
	vol_failed(m->v);
	if (r->outcome == HTTP_BLOCKED) {
		m->blocked = 1;
		report_blocked(m->url);
	}
}

/* --progress: volumes done (of how many), pages found, the throttle's
 * wait, and the time left. */
static void
show_progress(struct http *h, int force)
{
	char eta[32], wait[64] = "";
	double el = clock_now() - run.start, w;

	if (!progress_enabled())
		return;
	if (h && (w = http_throttle_wait(h)) >= 1)
		snprintf(wait, sizeof wait, ", throttle %s", progress_duration(w, eta, sizeof eta));
	if (run.total && run.done && run.done < run.total)
		progress_show(force, "%lu of %lu volumes, %lu pages%s, ETA %s", run.done, run.total,
		    run.pages, wait, progress_duration(el / (double)run.done *
		    (double)(run.total - run.done), eta, sizeof eta));
	else if (run.total)
		progress_show(force, "%lu of %lu volumes, %lu pages%s", run.done, run.total,
		    run.pages, wait);
	else
		progress_show(force, "%lu volumes, %lu pages%s", run.done, run.pages, wait);
}

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* Ctrl-C and the like end the run at the next volume (a second one ends it
 * at once). */
static void
catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, was;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], NULL, &was) == 0 && was.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

/* An interrupted run: the volume under way (v, if any) and, with
 * operands, those not begun go to --failed; say how far the run got; die
 * of the signal. */
static void
interrupted(struct idsrc *src, struct vol *v)
{
	unsigned long left = 0, line = src->rows.lineno;
	int sig = (int)stop_signal;

	progress_clear();
	tsv_flush();
	if (opt.failed) {
		if (v->line.len && failfile_failed(opt.failed, v->line.s, v->line.len) == 0)
			left++;
		while (src->args && src->next < src->nargs) {
			const char *a = src->args[src->next++];
			if (failfile_failed(opt.failed, a, strlen(a)) == 0)
				left++;
		}
		if (failfile_close(opt.failed) < 0)
			diag_warn_errno("--failed %s", opt.failed_path);
		opt.failed = NULL;
	}
	if (!v->line.len)
		line++;		/* between volumes: the next line is the first not done */
	if (src->args && left)
		diag_warn("interrupted: %lu of %lu volumes done; rerun to continue (those not "
		    "done are in %s: ht-pfeat --failed %s < %s)", run.done, run.total,
		    opt.failed_path, opt.failed_path, opt.failed_path);
	else if (src->args)
		diag_warn("interrupted: %lu of %lu volumes done; rerun to continue", run.done,
		    run.total);
	else
		diag_warn("interrupted: %lu volumes done; rerun from input line %lu to continue%s%s%s",
		    run.done, line, left ? " (its volume is in " : "", left ? opt.failed_path : "",
		    left ? ")" : "");
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
run_imgsrv(struct idsrc *src)
{
	static const struct http_cb cb = { NULL, json_body_feed, json_body_restart, meta_done };
	struct http_opts ho = opt.cli.net;
	struct http *h;
	struct vol v;
	struct meta m;
	struct buf url = BUF_INIT;

	ho.cookie_file = opt.cookies;
	ho.max_total = 1;
	h = http_new(&ho);
	/* one connection to HathiTrust, at the chosen rate; an imgsrv 500 is
	 * an unknown id far more often than a fault: asked once more, then
	 * reported */
	http_host_limit(h, opt.cli.base, 1, opt.cli.rate, 1);
	http_host_retry_500(h, opt.cli.base, 1);
	memset(&v, 0, sizeof v);
	memset(&m, 0, sizeof m);
	m.v = &v;
	m.rd = imgsrv_new(&v.pages);
	m.body.js = imgsrv_stream(m.rd);
	m.body.restart = meta_restart;
	show_progress(h, 1);
	while (!m.blocked && !stop_signal && next_id(src, &v)) {
		buf_reset(&url);
		buf_printf(&url, "%s/cgi/imgsrv/meta?id=", opt.cli.base);
		http_escape(&url, v.id.s, v.id.len);
		m.url = url.s;
		m.body.failed = 0;
		imgsrv_begin(m.rd);
		http_get(h, url.s, &cb, &m);
		/* one volume at a time: rows stay in input order */
		while (!stop_signal && http_run(h, 1000))
			show_progress(h, 0);
		if (http_pending(h) == 0) {	/* answered (a signal may come after) */
			vol_end(&v);
			buf_reset(&v.line);
		}
		if (stop_signal)
			interrupted(src, &v);
		show_progress(h, 1);
	}
	if (stop_signal)
		interrupted(src, &v);	/* between volumes: none under way */
	progress_clear();
	if (m.blocked && next_id(src, &v))
		diag_warn("stopped: the remaining volumes were not asked for");
	http_free(h);
	imgsrv_free(m.rd);
	vol_free(&v);
	buf_free(&url);
}

/* ---- options ---- */

static void
add_features(const char *arg)
{
	char **list;
	size_t k, j;

	k = tsv_list(arg, &list);
	if (k == 0)
		cli_usage_error(&spec, "-F: not a feature name: '%s'", arg);
	opt.features = xreallocarray(opt.features, opt.nfeatures + k + 1, sizeof *opt.features);
	for (j = 0; j < k; j++) {
		if (!*list[j] || strpbrk(list[j], " \t\r\n"))
			cli_usage_error(&spec, "-F: not a feature name: '%s'", arg);
		opt.features[opt.nfeatures++] = xstrdup(list[j]);
	}
	opt.features[opt.nfeatures] = NULL;
	tsv_list_free(list);
}

static void
on_option(void *arg, int key, const char *val)
{
	(void)arg;
	switch (key) {
	case O_ALL:
		opt.all = 1;
		break;
	case O_COOKIES:
		opt.cookies = val;
		break;
	case O_DAPI:
		opt.data_api = 1;
		break;
	case O_FAILED:
		opt.failed_path = val;
		break;
	case O_FULL:
		opt.width = FULL_SIZE;
		break;
	case 'F':
		add_features(val);
		break;
	case O_METS:
		opt.mets = xreallocarray(opt.mets, opt.nmets + 1, sizeof *opt.mets);
		opt.mets[opt.nmets++] = (char *)val;
		break;
	case O_TMPL:
		opt.tmpl_text = val;
		break;
	case O_WIDTH:
		opt.width = strcmp(val, "full") == 0 ? FULL_SIZE :
		    cli_long(&spec, "--width", val, 1, 100000);
		break;
	}
}

/* --url-template, or imgsrv's image URL ({base} is not one a user may
 * name: a base URL may hold braces). */
static void
make_template(void)
{
	struct buf t = BUF_INIT, err = BUF_INIT;

	if (opt.tmpl_text) {
		if (!(opt.tmpl = urltmpl_new(opt.tmpl_text, tmpl_names, &err)))
			cli_usage_error(&spec, "--url-template: %s", buf_str(&err));
		if (!urltmpl_uses(opt.tmpl, 2))
			cli_usage_error(&spec, "--url-template: no {seq} in '%s'", opt.tmpl_text);
	} else {
		buf_adds(&t, "{base}/cgi/imgsrv/image?id={id}&seq={seq}&format=image/jpeg");
		if (opt.width == FULL_SIZE)
			buf_adds(&t, "&size=full");
		else
			buf_printf(&t, "&width=%ld", opt.width ? opt.width : DEFAULT_WIDTH);
		opt.tmpl = urltmpl_new(t.s, default_names, &err);
	}
	buf_free(&t);
	buf_free(&err);
}

static void
check_mets(int nids)
{
	struct stat st;
	size_t k;

	for (k = 0; k < opt.nmets; k++) {
		if (strcmp(opt.mets[k], "-") == 0)
			continue;
		if (stat(opt.mets[k], &st) != 0)
			cli_usage_error(&spec, "--mets %s: %s", opt.mets[k], strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			if (opt.nmets > 1)
				cli_usage_error(&spec, "--mets DIR cannot be combined with other --mets");
			opt.mets_dir = 1;
		}
	}
	if (!opt.mets_dir && nids > 1)
		cli_usage_error(&spec, "--mets FILE takes at most one volume id");
	if (!opt.mets_dir && nids == 1 && opt.nmets > 1)
		cli_usage_error(&spec, "a volume id goes with a single --mets FILE");
}

/* Everything is checked before anything is read. */
static void
check_options(int nids)
{
	FILE *f;

	if (opt.all && opt.nfeatures)
		cli_usage_error(&spec, "--all and -F exclude each other");
	if (opt.width && opt.tmpl_text)
		cli_usage_error(&spec, "--width or --full-size and --url-template exclude each other");
	make_template();
	if (opt.data_api && opt.nmets)
		cli_usage_error(&spec, "--mets and --data-api-json exclude each other");
	if (opt.nmets)
		check_mets(nids);
	if (opt.failed_path && (opt.data_api || (opt.nmets && !opt.mets_dir)))
		cli_usage_error(&spec, "--failed goes with volume ids, not with %s",
		    opt.data_api ? "--data-api-json" : "--mets FILE");
	if (opt.cookies) {
		if (!(f = fopen(opt.cookies, "r")))
			cli_usage_error(&spec, "--cookies %s: %s", opt.cookies, strerror(errno));
		fclose(f);
	}
	if (!opt.nfeatures)
		add_features("IMAGE_ON_PAGE");
}

static void
usage(void)
{
	printf("\nHathiTrust volume ids (operands, else the first column of rows on\n"
	    "standard input) to one row per page tagged IMAGE_ON_PAGE:\n"
	    "  hathitrust  id  seq  url  features  pagelabel\n"
	    "Pages come from HathiTrust's imgsrv page metadata (one request per\n"
	    "volume, slowly), from local METS files, or from archived Data API JSON.\n\n"
	    "      --all              every page, with its features\n"
	    "      --base-url URL     HathiTrust base URL (default $PLATES_HT_BASE,\n"
	    "                         else " HT_DEFAULT_BASE ")\n"
	    "      --cookies FILE     send cookies from this Netscape cookie file\n"
	    "      --data-api-json    operands are archived Data API volume/meta JSON\n"
	    "      --failed FILE      keep the lines of the volumes that failed in FILE;\n"
	    "                         ht-pfeat --failed FILE < FILE reruns them\n"
	    "  -F, --feature NAME     pages tagged NAME (repeatable; default\n"
	    "                         IMAGE_ON_PAGE)\n"
	    "      --full-size        image URLs for full size (--width full): dearest\n"
	    "  -H, --header           input has a header row; write one\n"
	    "  -h, --help             this help\n"
	    "      --mets FILE|DIR    read METS files, or find them in the pairtree\n"
	    "                         folders of DIR (DIR/ns/pairtree_root/...)\n"
	    "      --no-progress      never show progress\n"
	    "      --progress         show progress on stderr (default: on a terminal)\n"
	    "  -q, --quiet            no informational messages, no progress\n"
	    "      --rate N/s|N/min   imgsrv request rate (default 3/min; 0: no limit but\n"
	    "                         the budget imgsrv reports)\n"
	    "      --retries N        retries per request (default 5)\n"
	    "      --retry-delay MS   first retry delay (default 1000)\n"
	    "      --timeout SECS     give up on a request after SECS\n"
	    "      --url-template T   image URL with {id}, {rawid} and {seq}\n"
	    "  -v, --verbose          libcurl's own words after a transfer error\n"
	    "      --width W|full     image URLs for W pixels wide (default 1280), or\n"
	    "                         full size\n"
	    "  -V, --version          version\n"
	    "\nSee ht-pfeat(1) and plates(7).\n");
}

int
main(int argc, char **argv)
{
	struct idsrc src;
	size_t k;
	int i;

	diag_init(argv[0]);
	i = cli_parse(&spec, &opt.cli, argc, argv, on_option, NULL);
	check_options(argc - i);
	xml_init();

	memset(&src, 0, sizeof src);
	if (i < argc) {
		src.args = argv + i;
		src.nargs = argc - i;
	}
	ids_open(&src.rows, NULL, 0, opt.cli.header, header_words);
	if (opt.failed_path && !(opt.failed = failfile_open(opt.failed_path, 1, NULL)))
		diag_die_errno(DIAG_FAIL, "--failed %s", opt.failed_path);
	progress_init(opt.cli.quiet || opt.data_api || opt.nmets ? 0 : opt.cli.progress);
	run.total = src.args ? (unsigned long)src.nargs : 0;
	run.start = clock_now();
	catch_signals();
	if (opt.cli.header)
		write_header(&src);
	if (opt.data_api)
		run_data_api(argv + i, argc - i);
	else if (opt.nmets && !opt.mets_dir)
		run_mets_files(argv + i, argc - i);
	else if (opt.mets_dir)
		run_mets_dir(&src);
	else
		run_imgsrv(&src);

	ids_close(&src.rows);
	if (opt.failed) {
		unsigned long n = failfile_count(opt.failed);
		if (failfile_close(opt.failed) < 0) {
			diag_warn_errno("--failed %s", opt.failed_path);
			diag_failed();
		} else if (n) {
			diag_note("%lu volume%s failed; ht-pfeat --failed %s < %s reruns %s", n,
			    n == 1 ? "" : "s", opt.failed_path, opt.failed_path, n == 1 ? "it" : "them");
		}
	}
	for (k = 0; k < opt.nfeatures; k++)
		free(opt.features[k]);
	free(opt.features);
	free(opt.mets);
	urltmpl_free(opt.tmpl);
	cli_free(&opt.cli);
	xml_cleanup();
	return diag_finish();
}
