/* imgsrv: HathiTrust imgsrv page metadata; see imgsrv.h. */
#include "imgsrv.h"

#include <stdlib.h>
#include <string.h>

#include "xmem.h"

struct imgsrv {
	struct htpages *v;
	struct json_stream *js;
	int have_items;
};

static int
is_value(const struct json_event *ev)
{
	return ev->type == JSON_NUMBER || ev->type == JSON_STRING;
}

static int
on_json(void *arg, const struct json_event *ev)
{
	struct imgsrv *r = arg;
	struct htpages *v = r->v;

	if (ev->depth == 1 && ev->type == JSON_ARRAY_START && json_path_is(ev, "items")) {
		r->have_items = 1;
		return 0;
	}
	if (ev->depth < 2 || strncmp(ev->path, "items[]", 7) != 0)
		return 0;
	if (ev->depth == 2) {
		if (ev->type == JSON_MAP_START)
			htpages_begin(v);
		else if (ev->type == JSON_MAP_END && v->in_page)
			htpages_end(v);
		return 0;
	}
	if (!v->in_page)
		return 0;
	if (ev->depth == 3 && strcmp(ev->path, "items[].seq") == 0 && is_value(ev))
		htpages_seq(v, ev->val, ev->len);
	else if (ev->depth == 3 && strcmp(ev->path, "items[].page_num") == 0 && is_value(ev))
		htpages_label(v, ev->val, ev->len);
	else if (ev->depth == 4 && strcmp(ev->path, "items[].features[]") == 0 &&
	    ev->type == JSON_STRING)
		htpages_feat_add(&v->feat, ev->val, ev->len);
	return 0;
}

struct imgsrv *
imgsrv_new(struct htpages *pages)
{
	struct imgsrv *r = xcalloc(1, sizeof *r);

	r->v = pages;
	r->js = json_new(on_json, r);
	return r;
}

void
imgsrv_begin(struct imgsrv *r)
{
	json_reset(r->js);
	htpages_clear(r->v);
	r->have_items = 0;
}

struct json_stream *
imgsrv_stream(struct imgsrv *r)
{
	return r->js;
}

int
imgsrv_feed(struct imgsrv *r, const char *p, size_t n)
{
	return json_feed(r->js, p, n) == 0 ? IMGSRV_OK : IMGSRV_BAD_JSON;
}

int
imgsrv_finish(struct imgsrv *r)
{
	if (json_finish(r->js) != 0)
		return IMGSRV_BAD_JSON;
	return r->have_items ? IMGSRV_OK : IMGSRV_NO_ITEMS;
}

const char *
imgsrv_error(const struct imgsrv *r)
{
	return json_error(r->js);
}

unsigned long
imgsrv_error_line(const struct imgsrv *r)
{
	return json_error_line(r->js);
}

void
imgsrv_free(struct imgsrv *r)
{
	if (!r)
		return;
	json_free(r->js);
	free(r);
}
