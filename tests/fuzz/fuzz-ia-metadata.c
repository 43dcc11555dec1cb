/* fuzz-ia-metadata: abbyy-pictures' reader of Internet Archive item
 * metadata (which file is the ABBYY one, is it private, is the item known)
 * never crashes or leaks; the body read in one piece and in small pieces
 * gives the same choice; and a chosen download URL stays in the item's
 * folder: printable ASCII, no dot segment, under BASE/download/ID/. */
#include "tool.h"

#define main abbyy_pictures_main
#include "../../cmd/abbyy-pictures.c"
#undef main

#define BASE	"http://127.0.0.1:1"
#define PREFIX	BASE "/download/fuzzid/"

/* The URL, or the message: what the item would do next. */
static void
choose(const unsigned char *data, size_t n, size_t step, struct buf *what)
{
	struct item *it = xcalloc(1, sizeof *it);
	size_t i;

	it->id = xstrdup("fuzzid");
	it->js = json_new(on_meta, it);
	for (i = 0; i < n; i += step)
		if (meta_body(it, (const char *)data + i, n - i < step ? n - i : step) != 0)
			break;
	if (meta_choose(it, BASE "/metadata/fuzzid") == 0) {
		buf_adds(what, "url ");
		buf_adds(what, it->dl_url);
	} else {
		buf_adds(what, "msg ");
		buf_add(what, it->msgs.s, it->msgs.len);
	}
	item_free(it);
}

static void
check_url(const char *u)
{
	const char *p;

	if (strncmp(u, PREFIX, sizeof PREFIX - 1) != 0)
		abort();
	for (p = u; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			abort();
	/* an unescaped dot segment would climb out of the folder */
	for (p = u + sizeof PREFIX - 2; (p = strchr(p, '/')) != NULL; p++)
		if (strncmp(p, "/./", 3) == 0 || strncmp(p, "/../", 4) == 0 ||
		    strcmp(p, "/.") == 0 || strcmp(p, "/..") == 0 || strncmp(p, "//", 2) == 0 ||
		    strncmp(p, "/.?", 3) == 0 || strncmp(p, "/..?", 4) == 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct buf a = BUF_INIT, b = BUF_INIT;

	if (!ia_base) {
		diag_init("abbyy-pictures");
		diag_set_quiet(1);
		ia_base = xstrdup(BASE);
	}
	choose(data, n, n ? n : 1, &a);
	choose(data, n, 3, &b);
	if (a.len != b.len || memcmp(a.s, b.s, a.len) != 0) {
		fprintf(stderr, "fuzz-ia-metadata: one piece: %s\nin pieces: %s\n", buf_str(&a),
		    buf_str(&b));
		abort();
	}
	if (strncmp(buf_str(&a), "url ", 4) == 0)
		check_url(a.s + 4);
	buf_free(&a);
	buf_free(&b);
	return 0;
}
