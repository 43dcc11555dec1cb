/* ocr: a scanner for either OCR format, told by content; see ocr.h. */
#include "ocr.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "abbyy.h"
#include "buf.h"
#include "hocr.h"
#include "xmem.h"

#define SNIFF_MAX	(1 << 20)	/* bytes looked at before deciding */

struct ocr_scan {
	struct ocr_config c;
	char *name;
	ocr_page_fn fn;
	void *arg;
	int format;
	struct abbyy_scan *abbyy;
	struct hocr_scan *hocr;
	struct buf head;	/* the first bytes, until the format is known */
	struct ocr_stats none;
};

/* Where s (NUL-terminated) first occurs in p[0..n), or NULL. */
static const char *
find(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return p + i;
	return NULL;
}

/* The format of the document that starts with p[0..n), or UNKNOWN if more
 * bytes are needed (end: there are no more).  hOCR: the first markup
 * after the XML declaration, comments and processing instructions is an
 * HTML DOCTYPE or an <html> element.  Anything else (other XML, UTF-16,
 * junk) is the ABBYY reader's to accept or refuse. */
static int
sniff(const char *p, size_t n, int end)
{
	size_t i = 0;

	if (n < 3 && !end && memcmp(p, "\xef\xbb\xbf", n) == 0)
		return OCR_FORMAT_UNKNOWN;	/* perhaps a byte order mark */
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (;;) {
		const char *q;
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
			i++;
		if (i >= n)
			return end || n >= SNIFF_MAX ? OCR_FORMAT_ABBYY : OCR_FORMAT_UNKNOWN;
		if (p[i] != '<')
			return OCR_FORMAT_ABBYY;
		if (n - i < 15 && !end)
			return OCR_FORMAT_UNKNOWN;
		if (n - i >= 2 && (p[i + 1] == '?' || (n - i >= 4 && memcmp(p + i, "<!--", 4) == 0))) {
			const char *close = p[i + 1] == '?' ? "?>" : "-->";
			q = find(p + i, n - i, close);
			if (!q)
				return end || n >= SNIFF_MAX ? OCR_FORMAT_ABBYY : OCR_FORMAT_UNKNOWN;
			i = (size_t)(q - p) + strlen(close);
			continue;
		}
		if ((n - i >= 14 && strncasecmp(p + i, "<!DOCTYPE html", 14) == 0) ||
		    (n - i >= 6 && strncasecmp(p + i, "<html", 5) == 0 &&
		     strchr(" \t\r\n>", p[i + 5])))
			return OCR_FORMAT_HOCR;
		return OCR_FORMAT_ABBYY;
	}
}

struct ocr_scan *
ocr_scan_new(const struct ocr_config *c, const char *name, ocr_page_fn fn, void *arg)
{
	struct ocr_scan *s = xcalloc(1, sizeof *s);

	s->c = *c;
	s->name = xstrdup(name);
	s->fn = fn;
	s->arg = arg;
	return s;
}

static int
feed(struct ocr_scan *s, const char *p, size_t n)
{
	return s->hocr ? hocr_scan_feed(s->hocr, p, n) : abbyy_scan_feed(s->abbyy, p, n);
}

/* Decide when the first bytes (held, plus p[0..n)) tell; then start the
 * reader and hand it what was held.  0 ok, -1 broken. */
static int
start(struct ocr_scan *s, const char *p, size_t n, int end)
{
	int r;

	buf_add(&s->head, p, n);
	s->format = sniff(s->head.s ? s->head.s : "", s->head.len, end);
	if (s->format == OCR_FORMAT_UNKNOWN)
		return 0;
	if (s->format == OCR_FORMAT_HOCR)
		s->hocr = hocr_scan_new(&s->c, s->name, s->fn, s->arg);
	else
		s->abbyy = abbyy_scan_new(&s->c, s->name, s->fn, s->arg);
	buf_add(&s->head, "", 0);	/* the readers want a NUL after the bytes */
	r = feed(s, s->head.s, s->head.len);
	buf_free(&s->head);
	return r;
}

int
ocr_scan_feed(struct ocr_scan *s, const char *p, size_t n)
{
	if (s->format == OCR_FORMAT_UNKNOWN)
		return start(s, p, n, 0);
	return feed(s, p, n);
}

int
ocr_scan_end(struct ocr_scan *s)
{
	if (s->format == OCR_FORMAT_UNKNOWN)
		start(s, "", 0, 1);	/* a failure here is the reader's to report */
	return s->hocr ? hocr_scan_end(s->hocr) : abbyy_scan_end(s->abbyy);
}

void
ocr_scan_abort(struct ocr_scan *s, const char *why)
{
	if (s->format == OCR_FORMAT_UNKNOWN)
		start(s, "", 0, 1);
	if (s->hocr)
		hocr_scan_abort(s->hocr, why);
	else
		abbyy_scan_abort(s->abbyy, why);
}

const char *
ocr_scan_error(const struct ocr_scan *s, unsigned long *line)
{
	if (s->hocr)
		return hocr_scan_error(s->hocr, line);
	if (s->abbyy)
		return abbyy_scan_error(s->abbyy, line);
	return NULL;
}

const struct ocr_stats *
ocr_scan_stats(const struct ocr_scan *s)
{
	if (s->hocr)
		return hocr_scan_stats(s->hocr);
	if (s->abbyy)
		return abbyy_scan_stats(s->abbyy);
	return &s->none;
}

int
ocr_scan_format(const struct ocr_scan *s)
{
	return s->format;
}

const char *
ocr_scan_system(const struct ocr_scan *s)
{
	const char *sys;

	if (s->abbyy)
		return "abbyy";
	if (!s->hocr)
		return NULL;
	sys = hocr_scan_system(s->hocr);
	return sys ? sys : "hocr";
}

void
ocr_scan_free(struct ocr_scan *s)
{
	if (!s)
		return;
	abbyy_scan_free(s->abbyy);
	hocr_scan_free(s->hocr);
	buf_free(&s->head);
	free(s->name);
	free(s);
}
