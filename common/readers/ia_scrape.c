/* ia_scrape: Internet Archive search answers; see ia_scrape.h. */
#include "ia_scrape.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "xmem.h"

struct ia_scrape {
	struct ia_scrape_config cfg;
	struct json_stream *js;
	struct ia_scrape_page page;
	struct buf cursor, error, count;
	int error_text;		/* the error message is a string */
	/* the item being read */
	struct buf id;
	int have_id;
	struct buf *vals;	/* per name */
	const char **val;
	size_t *len;
	int field;		/* name index of the array being read, -1 none, -2 skip */
	int nvals;		/* elements of that array so far */
	int in_items;
};

static int
name_index(const struct ia_scrape *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->cfg.nnames; i++)
		if (strcmp(r->cfg.names[i], key) == 0)
			return (int)i;
	return -1;
}

static void
item_start(struct ia_scrape *r)
{
	size_t i;

	buf_reset(&r->id);
	r->have_id = 0;
	for (i = 0; i < r->cfg.nnames; i++)
		buf_reset(&r->vals[i]);
	r->field = -1;
}

static void
item_end(struct ia_scrape *r)
{
	struct ia_scrape_item it;
	size_t i;

	r->page.nitems++;
	if (!r->have_id || r->id.len == 0) {
		if (r->cfg.bad)
			r->cfg.bad(r->cfg.arg, r->page.nitems, IA_SCRAPE_NO_ID);
		return;
	}
	for (i = 0; i < r->cfg.nnames; i++) {
		r->val[i] = buf_str(&r->vals[i]);
		r->len[i] = r->vals[i].len;
	}
	it.n = r->page.nitems;
	it.id = buf_str(&r->id);
	it.idlen = r->id.len;
	it.val = r->val;
	it.len = r->len;
	if (r->cfg.item)
		r->cfg.item(r->cfg.arg, &it);
}

static int
is_scalar(enum json_type t)
{
	return t == JSON_STRING || t == JSON_NUMBER || t == JSON_BOOL || t == JSON_NULL;
}

/* A scalar's text: numbers as given, null empty. */
static void
add_scalar(struct buf *b, const struct json_event *ev)
{
	if (ev->type != JSON_NULL)
		buf_add(b, ev->val, ev->len);
}

/* Members of one item (depth 3) and the elements of its arrays (depth 4). */
static void
on_item_value(struct ia_scrape *r, const struct json_event *ev)
{
	int f;

	if (ev->depth == 3 && ev->key) {
		if (ev->type == JSON_ARRAY_START) {
			r->field = name_index(r, ev->key);
			r->nvals = 0;
			if (r->field >= 0)
				buf_reset(&r->vals[r->field]);
		} else if (ev->type == JSON_ARRAY_END) {
			r->field = -1;
		} else if (is_scalar(ev->type)) {
			if (strcmp(ev->key, "identifier") == 0) {
				buf_reset(&r->id);
				add_scalar(&r->id, ev);
				r->have_id = 1;
			}
			if ((f = name_index(r, ev->key)) >= 0) {
				buf_reset(&r->vals[f]);
				add_scalar(&r->vals[f], ev);
			}
		}
		return;
	}
	if (ev->depth == 4 && r->field >= 0 && is_scalar(ev->type)) {
		/* a multi-valued field: the values joined with ';' */
		if (r->nvals++)
			buf_addc(&r->vals[r->field], ';');
		add_scalar(&r->vals[r->field], ev);
	}
}

/* The message under "error": the value itself when it is a string, else
 * the first string inside it ({"error":{"code":400,"msg":"..."}}), else the
 * first number. */
static void
on_error_value(struct buf *msg, int *have, int *text, const struct json_event *ev)
{
	*have = 1;
	if (!*text && ev->type == JSON_STRING) {
		buf_reset(msg);
		buf_add(msg, ev->val, ev->len);
		*text = 1;
	} else if (msg->len == 0 && (ev->type == JSON_NUMBER || ev->type == JSON_BOOL)) {
		buf_add(msg, ev->val, ev->len);
	}
}

static int
is_error_path(const struct json_event *ev)
{
	return ev->depth >= 1 && strncmp(ev->path, "error", 5) == 0 &&
	    (ev->path[5] == '\0' || ev->path[5] == '.' || ev->path[5] == '[');
}

/* An element of "items" (depth 2) or what is inside one. */
static void
on_items(struct ia_scrape *r, const struct json_event *ev)
{
	if (ev->depth == 1) {		/* the end of "items" */
		r->in_items = 0;
	} else if (ev->depth > 2) {
		if (r->field != -2)
			on_item_value(r, ev);
	} else if (ev->type == JSON_MAP_START) {
		item_start(r);
	} else if (ev->type == JSON_MAP_END) {
		item_end(r);
	} else if (ev->type != JSON_ARRAY_END) {
		if (ev->type == JSON_ARRAY_START)
			r->field = -2;	/* skip it */
		r->page.nitems++;
		if (r->cfg.bad)
			r->cfg.bad(r->cfg.arg, r->page.nitems, IA_SCRAPE_NOT_OBJECT);
	}
}

static int
on_json(void *arg, const struct json_event *ev)
{
	struct ia_scrape *r = arg;
	struct ia_scrape_page *p = &r->page;

	if (r->in_items) {
		on_items(r, ev);
	} else if (ev->depth == 0) {
		if (ev->type != JSON_MAP_START && ev->type != JSON_MAP_END)
			p->have_items = 0;	/* not an object */
	} else if (is_error_path(ev)) {
		on_error_value(&r->error, &p->have_error, &r->error_text, ev);
	} else if (r->cfg.count) {
		if (ev->depth == 2 && ev->type == JSON_NUMBER &&
		    json_path_is(ev, "response.numFound")) {
			buf_reset(&r->count);
			buf_add(&r->count, ev->val, ev->len);
			p->have_count = 1;
		}
	} else if (ev->depth != 1 || !ev->key) {
		return 0;
	} else if (strcmp(ev->key, "items") == 0 && ev->type == JSON_ARRAY_START) {
		r->in_items = 1;
		p->have_items = 1;
	} else if (strcmp(ev->key, "cursor") == 0 && ev->type == JSON_STRING) {
		buf_reset(&r->cursor);
		buf_add(&r->cursor, ev->val, ev->len);
		p->have_cursor = 1;
	} else if (strcmp(ev->key, "total") == 0 && ev->type == JSON_NUMBER) {
		p->have_total = ia_scrape_whole_number(ev->val, ev->len, &p->total);
	}
	return 0;
}

struct ia_scrape *
ia_scrape_new(const struct ia_scrape_config *cfg)
{
	struct ia_scrape *r = xcalloc(1, sizeof *r);
	size_t n = cfg->nnames ? cfg->nnames : 1;

	r->cfg = *cfg;
	r->js = json_new(on_json, r);
	r->vals = xcalloc(n, sizeof *r->vals);
	r->val = xcalloc(n, sizeof *r->val);
	r->len = xcalloc(n, sizeof *r->len);
	r->field = -1;
	return r;
}

void
ia_scrape_reset(struct ia_scrape *r)
{
	json_reset(r->js);
	memset(&r->page, 0, sizeof r->page);
	buf_reset(&r->cursor);
	buf_reset(&r->error);
	buf_reset(&r->count);
	r->error_text = 0;
	r->field = -1;
	r->in_items = 0;
}

int
ia_scrape_feed(struct ia_scrape *r, const void *p, size_t n)
{
	return json_feed(r->js, p, n) == 0 ? 0 : -1;
}

int
ia_scrape_finish(struct ia_scrape *r)
{
	return json_finish(r->js) == 0 ? 0 : -1;
}

const struct ia_scrape_page *
ia_scrape_page(struct ia_scrape *r)
{
	struct ia_scrape_page *p = &r->page;

	p->cursor = buf_str(&r->cursor);
	p->cursorlen = r->cursor.len;
	p->error = buf_str(&r->error);
	p->errorlen = r->error.len;
	p->count = buf_str(&r->count);
	p->countlen = r->count.len;
	p->count_ok = p->have_count && ia_scrape_whole_number(r->count.s, r->count.len,
	    &p->count_n);
	return p;
}

struct json_stream *
ia_scrape_json(struct ia_scrape *r)
{
	return r->js;
}

const char *
ia_scrape_error(const struct ia_scrape *r)
{
	return json_error(r->js);
}

unsigned long
ia_scrape_error_line(const struct ia_scrape *r)
{
	return json_error_line(r->js);
}

unsigned long long
ia_scrape_error_offset(const struct ia_scrape *r)
{
	return json_error_offset(r->js);
}

void
ia_scrape_free(struct ia_scrape *r)
{
	size_t i;

	if (!r)
		return;
	json_free(r->js);
	for (i = 0; i < r->cfg.nnames; i++)
		buf_free(&r->vals[i]);
	free(r->vals);
	free(r->val);
	free(r->len);
	buf_free(&r->id);
	buf_free(&r->cursor);
	buf_free(&r->error);
	buf_free(&r->count);
	free(r);
}

int
ia_scrape_error_body(const char *body, size_t n, struct buf *msg)
{
	static const struct ia_scrape_config cfg = { NULL, 0, 1, NULL, NULL, NULL };
	struct ia_scrape *r;
	int have = 0;

	buf_reset(msg);
	if (n == 0)
		return 0;
	r = ia_scrape_new(&cfg);
	if (ia_scrape_feed(r, body, n) == 0 && ia_scrape_finish(r) == 0 && r->page.have_error &&
	    r->error.len) {
		buf_add(msg, r->error.s, r->error.len);
		have = 1;
	}
	ia_scrape_free(r);
	return have;
}

void
ia_scrape_url(struct buf *url, const char *base, const char *const *names, size_t nnames,
    const char *query, long count, const struct buf *cursor)
{
	struct buf fields = BUF_INIT;
	size_t i;

	buf_adds(&fields, "identifier");
	for (i = 0; i < nnames; i++)
		if (strcmp(names[i], "identifier") != 0)
			buf_printf(&fields, ",%s", names[i]);
	buf_reset(url);
	buf_printf(url, "%s/services/search/v1/scrape?fields=", base);
	http_escape(url, fields.s, fields.len);
	buf_adds(url, "&q=");
	http_escape(url, query, strlen(query));
	if (count > 0)
		buf_printf(url, "&count=%ld", count);
	if (cursor) {
		buf_adds(url, "&cursor=");
		http_escape(url, cursor->s, cursor->len);
	}
	buf_free(&fields);
}

void
ia_scrape_count_url(struct buf *url, const char *base, const char *query)
{
	buf_reset(url);
	buf_printf(url, "%s/advancedsearch.php?q=", base);
	http_escape(url, query, strlen(query));
	buf_adds(url, "&rows=0&output=json");
}

int
ia_scrape_whole_number(const char *s, size_t len, unsigned long long *out)
{
	unsigned long long n = 0;
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || n > (ULLONG_MAX - (unsigned)(s[i] - '0')) / 10)
			return 0;
		n = n * 10 + (unsigned)(s[i] - '0');
	}
	*out = n;
	return 1;
}

enum ia_scrape_verdict
ia_scrape_take(struct ia_scrape_search *s, const struct ia_scrape_page *p)
{
	if (p->have_error)
		return IA_SCRAPE_SERVER_ERROR;
	if (!p->have_items)
		return IA_SCRAPE_NOT_SCRAPE;
	if (p->have_cursor && s->have_cursor && s->cursor.len == p->cursorlen &&
	    (p->cursorlen == 0 || memcmp(s->cursor.s, p->cursor, p->cursorlen) == 0))
		return IA_SCRAPE_SAME_CURSOR;
	if (s->pages++ == 0 && p->have_total) {
		s->total = p->total;
		s->have_total = 1;
	}
	s->received += p->nitems;
	return IA_SCRAPE_OK;
}

enum ia_scrape_verdict
ia_scrape_next(struct ia_scrape_search *s, const struct ia_scrape_page *p)
{
	if (!p->have_cursor) {
		if (s->have_total && s->received < s->total && p->nitems == 0)
			return IA_SCRAPE_EARLY_END;
		if (s->have_total && s->received < s->total)
			return IA_SCRAPE_INCOMPLETE;
		if (s->have_total && s->received > s->total)
			return IA_SCRAPE_MORE;
		return IA_SCRAPE_DONE;
	}
	buf_reset(&s->cursor);
	buf_add(&s->cursor, p->cursor, p->cursorlen);
	s->have_cursor = 1;
	return IA_SCRAPE_NEXT;
}

void
ia_scrape_search_free(struct ia_scrape_search *s)
{
	buf_free(&s->cursor);
}
