/* json: streaming JSON over yajl.  Bytes are parsed as they arrive; each
 * value is reported with its path, so no document is ever held whole.
 *
 * Paths: object members append ".key" (no dot at the top level), array
 * elements append "[]".  In {"gathers":[{"htitem_id":"x"}]} the string
 * "x" has the path "gathers[].htitem_id". */
#ifndef PLATES_JSON_H
#define PLATES_JSON_H

#include <stddef.h>

enum json_type {
	JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING,
	JSON_MAP_START, JSON_MAP_END, JSON_ARRAY_START, JSON_ARRAY_END
};

struct json_event {
	enum json_type type;
	const char *path;	/* NUL-terminated */
	size_t pathlen;
	const char *key;	/* last member name, or NULL inside an array */
	const char *val;	/* NUMBER/STRING text, "true"/"false"; not NUL-terminated */
	size_t len;
	int depth;		/* 0 for the top-level value */
};

/* Return non-zero to stop parsing (json_feed then returns 1). */
typedef int (*json_cb)(void *arg, const struct json_event *ev);

struct json_stream;

struct json_stream *json_new(json_cb cb, void *arg);
/* 0 ok, -1 syntax error (json_error), 1 stopped by the callback. */
int json_feed(struct json_stream *js, const void *p, size_t n);
/* End of input: 0 ok, -1 incomplete or invalid. */
int json_finish(struct json_stream *js);
/* Start again on a new document (a retried download). */
void json_reset(struct json_stream *js);
/* The last error, e.g. "premature end of input"; and where it happened. */
const char *json_error(const struct json_stream *js);
unsigned long json_error_line(const struct json_stream *js);
unsigned long long json_error_offset(const struct json_stream *js);
void json_free(struct json_stream *js);

/* Test whether the event's path equals s. */
int json_path_is(const struct json_event *ev, const char *s);

/* JSON as an HTTP body.  Put a struct json_body FIRST in the struct given
 * to http_get as arg, and use json_body_feed and json_body_restart as the
 * http_cb body and restart callbacks: the bytes are parsed as they arrive,
 * bad JSON stops the transfer (failed is set), and a retried transfer
 * starts the document again (then restart, if set, undoes the rest). */
struct json_body {
	struct json_stream *js;
	int failed;
	void (*restart)(void *arg);
};
int json_body_feed(void *arg, const char *p, size_t n);
void json_body_restart(void *arg);

#endif
