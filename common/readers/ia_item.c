/* ia_item: an Internet Archive item's OCR files, grouped by book; see
 * ia_item.h. */
#include "ia_item.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "xmem.h"

/* One files[] entry worth keeping: an OCR file, page numbers or an image
 * stack. */
struct ia_item_file {
	char *name;
	char *original;
	int format;	/* IA_OCR_* its format names, or -1 */
	int priv;
};

/* Per IA_OCR_* kind: the format IA gives it and its name's ending. */
static const struct {
	const char *name, *format, *suffix;
} kinds[] = {
	[IA_OCR_ABBYY] = { "abbyy", "Abbyy GZ", "_abbyy.gz" },
	[IA_OCR_CHOCR] = { "chocr", "chOCR", "_chocr.html.gz" },
	[IA_OCR_HOCR] = { "hocr", "hOCR", "_hocr.html" },
};
#define NKINDS	(sizeof kinds / sizeof kinds[0])

#define PAGE_NUMBERS	"_page_numbers.json"
#define JP2		"_jp2.zip"

static int
ends_with_ci(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && strcasecmp(s + n - k, suf) == 0;
}

static int
is_true(const struct json_event *ev)
{
	return (ev->type == JSON_BOOL || ev->type == JSON_STRING) && ev->len == 4 &&
	    strncasecmp(ev->val, "true", 4) == 0;
}

/* Is it an OCR file, by name, of kind k? */
static int
named_as(const struct ia_item_file *f, size_t k)
{
	return ends_with_ci(f->name, kinds[k].suffix);
}

/* The entries the books are made of; the rest is not kept. */
static int
wanted(const struct ia_item_file *f)
{
	size_t k;

	if (!f->name)
		return 0;
	if (f->format >= 0 || ends_with_ci(f->name, PAGE_NUMBERS) || ends_with_ci(f->name, JP2))
		return 1;
	for (k = 0; k < NKINDS; k++)
		if (named_as(f, k))
			return 1;
	return 0;
}

static void
file_free(struct ia_item_file *f)
{
	free(f->name);
	free(f->original);
	memset(f, 0, sizeof *f);
}

static void
set_str(char **dst, const struct json_event *ev)
{
	free(*dst);
	*dst = xstrndup(ev->val, ev->len);
}

static void
on_file(struct ia_item_file *f, const struct json_event *ev)
{
	size_t k;

	if (ev->type == JSON_STRING && strcmp(ev->key, "name") == 0) {
		set_str(&f->name, ev);
	} else if (ev->type == JSON_STRING && strcmp(ev->key, "original") == 0) {
		set_str(&f->original, ev);
	} else if (ev->type == JSON_STRING && strcmp(ev->key, "format") == 0) {
		f->format = -1;
		for (k = 0; k < NKINDS; k++)
			if (ev->len == strlen(kinds[k].format) &&
			    strncasecmp(ev->val, kinds[k].format, ev->len) == 0)
				f->format = (int)k;
	} else if (strcmp(ev->key, "private") == 0) {
		f->priv = is_true(ev);
	}
}

static int
on_meta(void *arg, const struct json_event *ev)
{
	struct ia_item *m = arg;

	if (ev->depth == 1) {
		if (json_path_is(ev, "dir"))
			m->known = 1;
		else if (json_path_is(ev, "is_dark"))
			m->dark = is_true(ev);
	} else if (ev->depth == 2 && json_path_is(ev, "files[]")) {
		if (ev->type == JSON_MAP_START) {
			if (m->nfiles == m->files_cap) {
				m->files_cap = m->files_cap ? 2 * m->files_cap : 16;
				m->files = xreallocarray(m->files, m->files_cap, sizeof *m->files);
			}
			m->cur = &m->files[m->nfiles];
			memset(m->cur, 0, sizeof *m->cur);
			m->cur->format = -1;
		} else if (ev->type == JSON_MAP_END && m->cur) {
			if (wanted(m->cur))
				m->nfiles++;
			else
				file_free(m->cur);
			m->cur = NULL;
		}
	} else if (ev->depth == 3 && m->cur && ev->key && strncmp(ev->path, "files[].", 8) == 0) {
		on_file(m->cur, ev);
	} else if ((ev->depth == 2 && json_path_is(ev, "metadata.access-restricted-item")) ||
	    (ev->depth == 3 && json_path_is(ev, "metadata.access-restricted-item[]"))) {
		if (is_true(ev))
			m->restricted = 1;
	} else if (((ev->depth == 2 && json_path_is(ev, "metadata.ocr")) ||
	    (ev->depth == 3 && json_path_is(ev, "metadata.ocr[]"))) &&
	    ev->type == JSON_STRING && !m->ocr) {
		m->ocr = xstrndup(ev->val, ev->len);
	}
	return 0;
}

static void
books_free(struct ia_item *m)
{
	size_t i;

	for (i = 0; i < m->nbooks; i++) {
		free(m->books[i].ocr);
		free(m->books[i].prefix);
		free(m->books[i].page_numbers);
		free(m->books[i].jp2);
	}
	free(m->books);
	m->books = NULL;
	m->nbooks = 0;
	m->unsafe = NULL;
}

/* json_body's restart: what was read of the body so far is void. */
static void
clear(void *arg)
{
	struct ia_item *m = arg;
	size_t i;

	books_free(m);
	if (m->cur)
		file_free(m->cur);
	m->cur = NULL;
	for (i = 0; i < m->nfiles; i++)
		file_free(&m->files[i]);
	m->nfiles = 0;
	m->known = m->dark = m->restricted = 0;
	free((char *)m->ocr);
	m->ocr = NULL;
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

/* The kept entry named prefix + suffix, or NULL. */
static const struct ia_item_file *
find(const struct ia_item *m, const char *prefix, const char *suffix)
{
	size_t i, n = strlen(prefix);

	for (i = 0; i < m->nfiles; i++)
		if (strncmp(m->files[i].name, prefix, n) == 0 &&
		    strcmp(m->files[i].name + n, suffix) == 0)
			return &m->files[i];
	return NULL;
}

static void
add_book(struct ia_item *m, const struct ia_item_file *f, size_t kind)
{
	struct ia_book *b;
	const struct ia_item_file *g;
	size_t n = strlen(f->name);

	m->books = xreallocarray(m->books, m->nbooks + 1, sizeof *m->books);
	b = &m->books[m->nbooks++];
	b->ocr = xstrdup(f->name);
	b->kind = (int)kind;
	if (named_as(f, kind))
		n -= strlen(kinds[kind].suffix);
	b->prefix = xstrndup(f->name, n);
	b->page_numbers = (g = find(m, b->prefix, PAGE_NUMBERS)) ? xstrdup(g->name) : NULL;
	if ((g = find(m, b->prefix, JP2)) != NULL)
		b->jp2 = xstrdup(g->name);
	else if (f->original && ends_with_ci(f->original, JP2))
		b->jp2 = xstrdup(f->original);
	else
		b->jp2 = NULL;
}

/* The books of the first kind the item has, by format, else by name. */
static void
choose(struct ia_item *m)
{
	size_t k, i;
	int by_name;

	for (k = 0; k < NKINDS && !m->nbooks; k++)
		for (by_name = 0; by_name < 2 && !m->nbooks; by_name++)
			for (i = 0; i < m->nfiles; i++)
				if (by_name ? named_as(&m->files[i], k)
				    : m->files[i].format == (int)k)
					add_book(m, &m->files[i], k);
}

static int
private_book(const struct ia_item *m)
{
	size_t i, j;

	for (i = 0; i < m->nbooks; i++)
		for (j = 0; j < m->nfiles; j++)
			if (m->files[j].priv && strcmp(m->files[j].name, m->books[i].ocr) == 0)
				return 1;
	return 0;
}

static const char *
unsafe_name(const struct ia_item *m)
{
	size_t i;

	for (i = 0; i < m->nbooks; i++) {
		const struct ia_book *b = &m->books[i];
		if (!safe_name(b->ocr))
			return b->ocr;
		if (b->page_numbers && !safe_name(b->page_numbers))
			return b->page_numbers;
		if (b->jp2 && !safe_name(b->jp2))
			return b->jp2;
	}
	return NULL;
}

int
ia_item_end(struct ia_item *m)
{
	books_free(m);
	if (m->body.failed || json_finish(m->body.js) != 0)
		return IA_ITEM_BAD_JSON;
	if (m->dark)
		return IA_ITEM_DARK;
	if (!m->known)
		return IA_ITEM_UNKNOWN;
	if (m->restricted)
		return IA_ITEM_PRIVATE;
	choose(m);
	if (!m->nbooks)
		return IA_ITEM_NO_OCR;
	if (private_book(m))
		return IA_ITEM_PRIVATE;
	if ((m->unsafe = unsafe_name(m)) != NULL)
		return IA_ITEM_UNSAFE;
	return IA_ITEM_OK;
}

const char *
ia_item_unsafe(const struct ia_item *m)
{
	return m->unsafe;
}

const char *
ia_item_json_error(const struct ia_item *m, unsigned long *line)
{
	if (line)
		*line = json_error_line(m->body.js);
	return json_error(m->body.js);
}

const char *
ia_ocr_name(int kind)
{
	return kind >= 0 && (size_t)kind < NKINDS ? kinds[kind].name : "unknown";
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
	free(m->files);
	m->files = NULL;
	m->files_cap = 0;
}
