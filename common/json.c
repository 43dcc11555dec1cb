/* json: streaming JSON over yajl with value paths. */
#include "json.h"

#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "buf.h"
#include "diag.h"
#include "xmem.h"

#define MAXDEPTH 512

struct json_stream {
	yajl_handle h;
	json_cb cb;
	void *arg;
	struct buf path;
	/* per level: path length before the level's own suffix, and kind */
	size_t mark[MAXDEPTH];
	char kind[MAXDEPTH];	/* 'm' map, 'a' array */
	size_t kstart[MAXDEPTH];	/* map levels: offset of the current key */
	int depth;
	unsigned long line;	/* lines fully fed so far (1-based count) */
	unsigned long long fed;
	struct buf err;
	unsigned long errline;
	unsigned long long erroff;
	int too_deep;
};

static int
emit(struct json_stream *js, enum json_type t, const char *v, size_t len)
{
	struct json_event ev;

	ev.type = t;
	ev.path = buf_str(&js->path);
	ev.pathlen = js->path.len;
	ev.key = (js->depth > 0 && js->kind[js->depth - 1] == 'm' &&
	    js->kstart[js->depth - 1] != (size_t)-1)
	    ? js->path.s + js->kstart[js->depth - 1] : NULL;
	ev.val = v;
	ev.len = len;
	ev.depth = js->depth;
	return js->cb(js->arg, &ev) ? 0 : 1;
}

/* Before a value inside an array, the path gains "[]". */
static void
enter_value(struct json_stream *js)
{
	if (js->depth > 0 && js->kind[js->depth - 1] == 'a') {
		buf_truncate(&js->path, js->mark[js->depth - 1]);
		buf_add(&js->path, "[]", 2);
	}
}

static int
scalar(void *ctx, enum json_type t, const char *v, size_t len)
{
	struct json_stream *js = ctx;

	enter_value(js);
	return emit(js, t, v, len);
}

static int
on_null(void *ctx)
{
	return scalar(ctx, JSON_NULL, "null", 4);
}

static int
on_bool(void *ctx, int b)
{
	return scalar(ctx, JSON_BOOL, b ? "true" : "false", b ? 4 : 5);
}

static int
on_number(void *ctx, const char *s, size_t len)
{
	return scalar(ctx, JSON_NUMBER, s, len);
}

static int
on_string(void *ctx, const unsigned char *s, size_t len)
{
	return scalar(ctx, JSON_STRING, (const char *)s, len);
}

static int
open_level(struct json_stream *js, char kind)
{
	if (js->depth >= MAXDEPTH) {
		js->too_deep = 1;
		return 0;
	}
	enter_value(js);
	if (!emit(js, kind == 'm' ? JSON_MAP_START : JSON_ARRAY_START, NULL, 0))
		return 0;
	js->mark[js->depth] = js->path.len;
	js->kind[js->depth] = kind;
	js->kstart[js->depth] = (size_t)-1;
	js->depth++;
	return 1;
}

static int
close_level(struct json_stream *js)
{
	char kind = js->kind[js->depth - 1];

	js->depth--;
	buf_truncate(&js->path, js->mark[js->depth]);
	return emit(js, kind == 'm' ? JSON_MAP_END : JSON_ARRAY_END, NULL, 0);
}

static int
on_start_map(void *ctx)
{
	return open_level(ctx, 'm');
}

static int
on_map_key(void *ctx, const unsigned char *k, size_t len)
{
	struct json_stream *js = ctx;
	size_t base = js->mark[js->depth - 1];

	buf_truncate(&js->path, base);
	if (base > 0)
		buf_addc(&js->path, '.');
	js->kstart[js->depth - 1] = js->path.len;
	buf_add(&js->path, k, len);
	return 1;
}

static int
on_end(void *ctx)
{
	return close_level(ctx);
}

static int
on_start_array(void *ctx)
{
	return open_level(ctx, 'a');
}

static const yajl_callbacks callbacks = {
	on_null, on_bool, NULL, NULL, on_number, on_string,
	on_start_map, on_map_key, on_end, on_start_array, on_end
};

static void
init(struct json_stream *js)
{
	js->h = yajl_alloc(&callbacks, NULL, js);
	if (!js->h)
		diag_die(DIAG_FAIL, "out of memory");
	buf_reset(&js->path);
	buf_add(&js->path, "", 0);
	js->depth = 0;
	js->line = 1;
	js->fed = 0;
	js->too_deep = 0;
	buf_reset(&js->err);
}

struct json_stream *
json_new(json_cb cb, void *arg)
{
	struct json_stream *js = xcalloc(1, sizeof *js);

	js->cb = cb;
	js->arg = arg;
	init(js);
	return js;
}

void
json_reset(struct json_stream *js)
{
	yajl_free(js->h);
	init(js);
}

static unsigned long
count_lines(const unsigned char *p, size_t n)
{
	unsigned long k = 0;
	const unsigned char *q, *end = p + n;

	while ((q = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p = q + 1;
	}
	return k;
}

static int
fail(struct json_stream *js, const unsigned char *p, size_t n, yajl_status st)
{
	size_t at = yajl_get_bytes_consumed(js->h);
	unsigned char *msg;
	char *nl;

	if (at > n)
		at = n;
	js->errline = js->line + count_lines(p, at);
	js->erroff = js->fed + at;
	buf_reset(&js->err);
	if (st == yajl_status_client_canceled) {
		buf_adds(&js->err, js->too_deep ? "nesting too deep" : "stopped");
		return js->too_deep ? -1 : 1;
	}
	msg = yajl_get_error(js->h, 0, NULL, 0);
	/* yajl says "parse error: lexical error: ..."; keep the useful part */
	buf_adds(&js->err, (char *)msg);
	yajl_free_error(js->h, msg);
	if ((nl = strchr(js->err.s, '\n')) != NULL)
		buf_truncate(&js->err, (size_t)(nl - js->err.s));
	while (js->err.len && js->err.s[js->err.len - 1] == ' ')
		buf_truncate(&js->err, js->err.len - 1);
	return -1;
}

int
json_feed(struct json_stream *js, const void *vp, size_t n)
{
	const unsigned char *p = vp;
	yajl_status st;

	st = yajl_parse(js->h, p, n);
	if (st != yajl_status_ok)
		return fail(js, p, n, st);
	js->line += count_lines(p, n);
	js->fed += n;
	return 0;
}

int
json_finish(struct json_stream *js)
{
	yajl_status st = yajl_complete_parse(js->h);

	if (st == yajl_status_ok)
		return 0;
	js->errline = js->line;
	js->erroff = js->fed;
	buf_reset(&js->err);
	if (st == yajl_status_client_canceled) {
		buf_adds(&js->err, "stopped");
		return 1;
	}
	if (js->fed == 0)
		buf_adds(&js->err, "empty input, expected JSON");
	else
		buf_adds(&js->err, "premature end of input (truncated JSON?)");
	return -1;
}

const char *
json_error(const struct json_stream *js)
{
	return buf_str(&js->err);
}

unsigned long
json_error_line(const struct json_stream *js)
{
	return js->errline;
}

unsigned long long
json_error_offset(const struct json_stream *js)
{
	return js->erroff;
}

void
json_free(struct json_stream *js)
{
	if (!js)
		return;
	yajl_free(js->h);
	buf_free(&js->path);
	buf_free(&js->err);
	free(js);
}

int
json_path_is(const struct json_event *ev, const char *s)
{
	return strcmp(ev->path, s) == 0;
}

int
json_body_feed(void *arg, const char *p, size_t n)
{
	struct json_body *b = arg;

	if (json_feed(b->js, p, n) == 0)
		return 0;
	b->failed = 1;
	return 1;	/* stop the transfer */
}

void
json_body_restart(void *arg)
{
	struct json_body *b = arg;

	json_reset(b->js);
	b->failed = 0;
	if (b->restart)
		b->restart(arg);
}
