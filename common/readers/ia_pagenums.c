/* ia_pagenums: an Internet Archive item's page numbers; see ia_pagenums.h. */
#include "ia_pagenums.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "xmem.h"

/* A whole number from 0 up, written as digits only; -1 if not, or if it
 * does not fit. */
static long
whole(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (LONG_MAX - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Stop the parse with a message about the document: the line is the one
 * the stream stopped on (json_error_line). */
static int __attribute__((format(printf, 2, 3)))
stop(struct ia_pagenums *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof p->err, fmt, ap);
	va_end(ap);
	p->bad = 1;
	return 1;
}

static int
on_json(void *arg, const struct json_event *ev)
{
	struct ia_pagenums *p = arg;

	if (ev->depth == 1 && json_path_is(ev, "pages") && ev->type != JSON_ARRAY_END &&
	    ev->type != JSON_MAP_END) {
		if (ev->type != JSON_ARRAY_START)
			return stop(p, "\"pages\" is not a list");
		p->have_list = 1;
		p->n = 0;	/* a second "pages" replaces the first */
	} else if (ev->depth == 2 && json_path_is(ev, "pages[]")) {
		if (ev->type == JSON_MAP_START) {
			if (p->n == p->cap) {
				p->cap = p->cap ? 2 * p->cap : 64;
				p->leaf = xreallocarray(p->leaf, p->cap, sizeof *p->leaf);
			}
			p->leaf[p->n++] = -1;
			p->in_page = 1;
		} else if (ev->type == JSON_MAP_END) {
			p->in_page = 0;
			if (p->leaf[p->n - 1] < 0)
				return stop(p, "page %zu: no leafNum", p->n - 1);
		} else {
			return stop(p, "page %zu: not an object", p->n);
		}
	} else if (ev->depth == 3 && p->in_page && json_path_is(ev, "pages[].leafNum")) {
		long v = ev->type == JSON_NUMBER || ev->type == JSON_STRING
		    ? whole(ev->val, ev->len) : -1;
		if (v < 0)
			return stop(p, "page %zu: leafNum is not a whole number", p->n - 1);
		p->leaf[p->n - 1] = v;
	}
	return 0;
}

static void
clear(void *arg)
{
	struct ia_pagenums *p = arg;

	p->n = 0;
	p->in_page = p->bad = p->have_list = 0;
	p->err[0] = '\0';
}

void
ia_pagenums_init(struct ia_pagenums *p)
{
	memset(p, 0, sizeof *p);
	p->body.js = json_new(on_json, p);
	p->body.restart = clear;
}

int
ia_pagenums_feed(struct ia_pagenums *p, const char *s, size_t n)
{
	return p->body.failed ? 1 : json_body_feed(&p->body, s, n);
}

void
ia_pagenums_reset(struct ia_pagenums *p)
{
	json_body_restart(&p->body);
}

int
ia_pagenums_end(struct ia_pagenums *p)
{
	if (p->body.failed || json_finish(p->body.js) != 0)
		return -1;
	if (!p->have_list) {
		snprintf(p->err, sizeof p->err, "no \"pages\" list: not a page numbers file");
		p->bad = 1;
		return -1;
	}
	return 0;
}

const char *
ia_pagenums_error(const struct ia_pagenums *p, unsigned long *line)
{
	if (p->bad) {
		/* a stop in the middle is the stream's line; at the end, none */
		if (line)
			*line = p->body.failed ? json_error_line(p->body.js) : 0;
		return p->err;
	}
	if (p->body.failed || *json_error(p->body.js)) {
		if (line)
			*line = json_error_line(p->body.js);
		return json_error(p->body.js);
	}
	if (line)
		*line = 0;
	return NULL;
}

long
ia_pagenums_leaf(const struct ia_pagenums *p, size_t i)
{
	return i < p->n ? p->leaf[i] : -1;
}

int
ia_pagenums_read_file(struct ia_pagenums *p, const char *path, struct buf *err)
{
	struct io_in *in;
	const char *msg;
	unsigned long line;
	char chunk[65536];
	ssize_t k;
	int fd, r = 0;

	buf_reset(err);
	if (strcmp(path, "-") != 0) {
		/* io_open would print: check first, so the caller words it */
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			buf_printf(err, "%s: %s", path, strerror(errno));
			return -1;
		}
		close(fd);
	}
	if (!(in = io_open(path))) {
		buf_printf(err, "%s: cannot open", path);
		return -1;
	}
	while ((k = io_read(in, chunk, sizeof chunk)) > 0)
		if ((r = ia_pagenums_feed(p, chunk, (size_t)k)) != 0)
			break;
	if (k < 0) {
		buf_printf(err, "%s: %s", io_name(in), io_error(in));
		io_close(in);
		return -1;
	}
	if (r != 0 || ia_pagenums_end(p) != 0) {
		msg = ia_pagenums_error(p, &line);
		if (line)
			buf_printf(err, "%s:%lu: %s", io_name(in), line, msg ? msg : "broken");
		else
			buf_printf(err, "%s: %s", io_name(in), msg ? msg : "broken");
		io_close(in);
		return -1;
	}
	io_close(in);
	return 0;
}

void
ia_pagenums_free(struct ia_pagenums *p)
{
	json_free(p->body.js);
	p->body.js = NULL;
	free(p->leaf);
	p->leaf = NULL;
	p->n = p->cap = 0;
}
