/* ia_item: an Internet Archive item's ABBYY file; see ia_item.h. */
#include "ia_item.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "xmem.h"

static void
file_free(struct ia_item_file *c)
{
	free(c->name);
	memset(c, 0, sizeof *c);
}

static int
ends_with_ci(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && strncasecmp(s + n - k, suf, k) == 0;
}

static int
on_meta(void *arg, const struct json_event *ev)
{
	struct ia_item *it = arg;

	if (ev->depth == 1 && json_path_is(ev, "dir")) {
		it->known = 1;
	} else if (ev->depth == 2 && json_path_is(ev, "files[]")) {
		if (ev->type == JSON_MAP_START) {
			file_free(&it->cur);
		} else if (ev->type == JSON_MAP_END && it->cur.name) {
			size_t n = strlen(it->cur.name);
			if (it->cur.abbyy_format && !it->by_format.name) {
				it->by_format = it->cur;
				memset(&it->cur, 0, sizeof it->cur);
			} else if (ends_with_ci(it->cur.name, n, "_abbyy.gz") && !it->by_name.name) {
				it->by_name = it->cur;
				memset(&it->cur, 0, sizeof it->cur);
			}
		}
	} else if (ev->depth == 3 && (ev->type == JSON_STRING || ev->type == JSON_BOOL)) {
		if (json_path_is(ev, "files[].name")) {
			free(it->cur.name);
			it->cur.name = xstrndup(ev->val, ev->len);
		} else if (json_path_is(ev, "files[].format")) {
			it->cur.abbyy_format = ev->len == 8 && strncasecmp(ev->val, "Abbyy GZ", 8) == 0;
		} else if (json_path_is(ev, "files[].private")) {
			it->cur.priv = ev->len == 4 && strncasecmp(ev->val, "true", 4) == 0;
		}
	}
	return 0;
}

/* json_body's restart: what was read of the body so far is void. */
static void
clear(void *arg)
{
	struct ia_item *m = arg;

	m->known = 0;
	file_free(&m->cur);
	file_free(&m->by_format);
	file_free(&m->by_name);
}

void
ia_item_init(struct ia_item *m)
{
	memset(m, 0, sizeof *m);
	m->body.js = json_new(on_meta, m);
	m->body.restart = clear;
}

int
ia_item_feed(struct ia_item *m, const char *p, size_t n)
{
	return json_body_feed(&m->body, p, n);
}

void
ia_item_reset(struct ia_item *m)
{
	json_body_restart(&m->body);
}

/* A file name from the metadata stays inside the item's download folder:
 * no empty, "." or ".." segment, no control bytes. */
static int
safe_name(const char *name)
{
	const char *p = name;
	size_t k;

	if (!*name)
		return 0;
	for (;;) {
		k = strcspn(p, "/");
		if (k == 0 || (k == 1 && p[0] == '.') || (k == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!p[k])
			break;
		p += k + 1;
	}
	for (p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int
ia_item_end(struct ia_item *m)
{
	const char *name;

	if (m->body.failed || json_finish(m->body.js) != 0)
		return IA_ITEM_BAD_JSON;
	if (!m->known)
		return IA_ITEM_UNKNOWN;
	if (!(name = ia_item_file(m)))
		return IA_ITEM_NO_ABBYY;
	if ((m->by_format.name ? &m->by_format : &m->by_name)->priv)
		return IA_ITEM_PRIVATE;
	if (!safe_name(name))
		return IA_ITEM_UNSAFE;
	return IA_ITEM_FILE;
}

const char *
ia_item_file(const struct ia_item *m)
{
	return m->by_format.name ? m->by_format.name : m->by_name.name;
}

const char *
ia_item_json_error(const struct ia_item *m, unsigned long *line)
{
	if (line)
		*line = json_error_line(m->body.js);
	return json_error(m->body.js);
}

/* Percent-encode each segment of a file name, keeping the slashes. */
static void
escape_path(struct buf *b, const char *name)
{
	const char *p = name, *slash;

	for (;;) {
		slash = strchr(p, '/');
		http_escape(b, p, slash ? (size_t)(slash - p) : strlen(p));
		if (!slash)
			break;
		buf_addc(b, '/');
		p = slash + 1;
	}
}

void
ia_item_url(struct buf *u, const char *base, const char *id, const char *name)
{
	buf_printf(u, "%s/download/", base);
	http_escape(u, id, strlen(id));
	buf_addc(u, '/');
	escape_path(u, name);
	buf_adds(u, "?cnt=0");
}

void
ia_item_free(struct ia_item *m)
{
	json_free(m->body.js);
	m->body.js = NULL;
	clear(m);
}
