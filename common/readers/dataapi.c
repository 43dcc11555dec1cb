/* dataapi: archived Data API volume/meta JSON; see dataapi.h. */
#include "dataapi.h"

#include <stdlib.h>
#include <string.h>

#include "htid.h"
#include "json.h"
#include "xmem.h"

struct dataapi {
	struct htpages *v;
	struct json_stream *js;
	struct buf rights_id, atom_id;
	int have_seqmap;
	int failed;		/* a dataapi_feed failed */
	struct buf err;
	unsigned long errline;
};

/* For a value inside htd:seqmap's htd:seq entries, the path after the
 * entry ("" for the entry itself, ".pseq", ...); NULL elsewhere.  Both
 * htd:seqmap and htd:seq may be arrays or objects. */
static const char *
seq_rest(const char *p)
{
	if (strncmp(p, "htd:seqmap", 10) != 0)
		return NULL;
	p += 10;
	if (strncmp(p, "[]", 2) == 0)
		p += 2;
	if (strncmp(p, ".htd:seq", 8) != 0)
		return NULL;
	p += 8;
	if (strncmp(p, "[]", 2) == 0)
		p += 2;
	if (*p && *p != '.')
		return NULL;
	return p;
}

static int
is_value(const struct json_event *ev)
{
	return ev->type == JSON_STRING || ev->type == JSON_NUMBER;
}

static void
set(struct buf *b, const struct json_event *ev)
{
	buf_reset(b);
	buf_add(b, ev->val, ev->len);
}

static int
on_json(void *arg, const struct json_event *ev)
{
	struct dataapi *d = arg;
	struct htpages *v = d->v;
	const char *rest;

	if (ev->depth == 1 && ev->type == JSON_STRING && json_path_is(ev, "id")) {
		set(&d->atom_id, ev);
		return 0;
	}
	if (ev->depth == 2 && ev->type == JSON_STRING && json_path_is(ev, "htd:rights.htd:id")) {
		set(&d->rights_id, ev);
		return 0;
	}
	if (ev->depth == 1 && json_path_is(ev, "htd:seqmap"))
		d->have_seqmap = 1;
	if ((rest = seq_rest(ev->path)) == NULL)
		return 0;
	if (*rest == '\0') {
		if (ev->type == JSON_MAP_START && !v->in_page)
			htpages_begin(v);
		else if (ev->type == JSON_MAP_END && v->in_page)
			htpages_end(v);
		return 0;
	}
	if (!v->in_page)
		return 0;
	if (strcmp(rest, ".pseq") == 0 && is_value(ev))
		htpages_seq(v, ev->val, ev->len);
	else if (strcmp(rest, ".htd:pnum") == 0 && is_value(ev))
		htpages_label(v, ev->val, ev->len);
	else if ((strcmp(rest, ".htd:pfeat") == 0 || strcmp(rest, ".htd:pfeat[]") == 0) &&
	    ev->type == JSON_STRING)
		htpages_feat_add(&v->feat, ev->val, ev->len);	/* {} and others: no feature */
	return 0;
}

struct dataapi *
dataapi_new(struct htpages *pages)
{
	struct dataapi *d = xcalloc(1, sizeof *d);

	d->v = pages;
	d->js = json_new(on_json, d);
	return d;
}

void
dataapi_begin(struct dataapi *d)
{
	json_reset(d->js);
	htpages_clear(d->v);
	buf_reset(&d->rights_id);
	buf_reset(&d->atom_id);
	buf_reset(&d->err);
	d->have_seqmap = 0;
	d->failed = 0;
	d->errline = 0;
}

int
dataapi_feed(struct dataapi *d, const char *p, size_t n)
{
	if (!d->failed && json_feed(d->js, p, n) != 0)
		d->failed = 1;
	return d->failed ? -1 : 0;
}

/* The volume id: htd:rights/htd:id, else the end of the Atom id. */
static int
volume_id(struct dataapi *d, struct buf *id)
{
	const char *s, *p;

	buf_reset(id);
	if (d->rights_id.len && htid_valid(d->rights_id.s, d->rights_id.len)) {
		buf_add(id, d->rights_id.s, d->rights_id.len);
		return 0;
	}
	s = buf_str(&d->atom_id);
	if ((p = strstr(s, "/volume/meta/")) != NULL)
		s = p + 13;
	if (*s && htid_valid(s, strlen(s))) {
		buf_adds(id, s);
		return 0;
	}
	return -1;
}

int
dataapi_finish(struct dataapi *d, struct buf *id)
{
	buf_reset(&d->err);
	d->errline = 0;
	if (d->failed || json_finish(d->js) != 0) {
		buf_printf(&d->err, "%s (byte %llu)", json_error(d->js), json_error_offset(d->js));
		d->errline = json_error_line(d->js);
		return -1;
	}
	if (!d->have_seqmap) {
		buf_adds(&d->err, "no htd:seqmap: not a Data API volume/meta JSON response");
		return -1;
	}
	if (volume_id(d, id) < 0) {
		buf_adds(&d->err, "no volume id (htd:rights.htd:id or id)");
		return -1;
	}
	return 0;
}

const char *
dataapi_error(const struct dataapi *d)
{
	return buf_str(&d->err);
}

unsigned long
dataapi_error_line(const struct dataapi *d)
{
	return d->errline;
}

void
dataapi_free(struct dataapi *d)
{
	if (!d)
		return;
	json_free(d->js);
	buf_free(&d->rights_id);
	buf_free(&d->atom_id);
	buf_free(&d->err);
	free(d);
}
