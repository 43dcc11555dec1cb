/* test-abbyy: the ABBYY scanner (abbyy.h) and its pre-filter
 * (abbyy_prefilter.h) on the fixtures under tests/fixtures/ia/: every
 * Picture block against the answer keys (*.expected.json), with and
 * without the pre-filter, whole and in pieces, plain and gzip; the page
 * filters; broken documents with their messages and lines; and the
 * pre-filter's output on small inputs. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#include "abbyy.h"
#include "abbyy_prefilter.h"
#include "buf.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "xml.h"

#define DIR	"tests/fixtures/ia/"

/* Pages and blocks as text: "page W H: l t r b; l t r b\n" (kept blocks). */
static void
on_page(void *arg, const struct ocr_page *p, size_t nkept)
{
	struct buf *b = arg;
	size_t i, n = 0;

	buf_printf(b, "%ld %ld %ld:", p->index, p->width, p->height);
	for (i = 0; i < p->n; i++) {
		if (p->b[i].drop)
			continue;
		n++;
		if (p->b[i].has_box)
			buf_printf(b, " %ld %ld %ld %ld;", p->b[i].l, p->b[i].t, p->b[i].r, p->b[i].b);
		else
			buf_adds(b, " -;");
	}
	buf_addc(b, '\n');
	if (n != nkept)
		buf_printf(b, "kept %zu, counted %zu\n", nkept, n);
}

struct result {
	struct buf pages;
	int failed;
	unsigned long line;
	struct buf err;
	struct ocr_stats st;
};

static void
result_free(struct result *r)
{
	buf_free(&r->pages);
	buf_free(&r->err);
}

/* Scan the file at path (plain or gzip), fed in pieces of step bytes (0:
 * as io_read gives them). */
static void
scan(const char *path, const struct ocr_config *c, size_t step, struct result *r)
{
	struct io_in *in = io_open(path);
	struct abbyy_scan *s;
	struct buf all = BUF_INIT, piece = BUF_INIT;
	const char *e;
	char chunk[65536];
	ssize_t k;
	size_t i, n;

	memset(r, 0, sizeof *r);
	if (!in) {
		r->failed = -1;
		return;
	}
	while ((k = io_read(in, chunk, sizeof chunk)) > 0)
		buf_add(&all, chunk, (size_t)k);
	s = abbyy_scan_new(c, path, on_page, &r->pages);
	for (i = 0; i < all.len; i += n) {
		n = step && all.len - i > step ? step : all.len - i;
		buf_reset(&piece);
		buf_add(&piece, all.s + i, n);	/* NUL-terminated */
		if (abbyy_scan_feed(s, piece.s, n) < 0)
			break;
	}
	if (k < 0)
		abbyy_scan_abort(s, io_error(in));
	else
		abbyy_scan_end(s);
	if ((e = abbyy_scan_error(s, &r->line)) != NULL) {
		r->failed = 1;
		buf_adds(&r->err, e);
	}
	r->st = *abbyy_scan_stats(s);
	abbyy_scan_free(s);
	io_close(in);
	buf_free(&all);
	buf_free(&piece);
}

/* ---- the answer keys ---- */

struct key {
	struct buf pages;
	long index, width, height, box[4];
	int nbox;
	long blocks;
};

static int
on_key(void *arg, const struct json_event *ev)
{
	struct key *k = arg;
	static const char *const coord[] = { "l", "t", "r", "b" };
	int i;

	if (ev->type == JSON_NUMBER && json_path_is(ev, "pages[].page_index"))
		k->index = strtol(ev->val, NULL, 10);
	else if (ev->type == JSON_NUMBER && json_path_is(ev, "pages[].width"))
		k->width = strtol(ev->val, NULL, 10);
	else if (ev->type == JSON_NUMBER && json_path_is(ev, "pages[].height"))
		k->height = strtol(ev->val, NULL, 10);
	else if (ev->type == JSON_ARRAY_START && json_path_is(ev, "pages[].picture_blocks"))
		buf_printf(&k->pages, "%ld %ld %ld:", k->index, k->width, k->height);
	else if (ev->type == JSON_ARRAY_END && json_path_is(ev, "pages[].picture_blocks"))
		buf_addc(&k->pages, '\n');
	else if (ev->type == JSON_MAP_END && json_path_is(ev, "pages[].picture_blocks[]"))
		buf_printf(&k->pages, " %ld %ld %ld %ld;", k->box[0], k->box[1], k->box[2], k->box[3]),
		    k->blocks++;
	else if (ev->type == JSON_NUMBER && ev->depth == 5)
		for (i = 0; i < 4; i++)
			if (strcmp(ev->key, coord[i]) == 0)
				k->box[i] = strtol(ev->val, NULL, 10);
	return 0;
}

static void
read_key(const char *path, struct key *k)
{
	struct json_stream *js;
	struct io_in *in = io_open(path);
	char chunk[4096];
	ssize_t n;

	memset(k, 0, sizeof *k);
	js = json_new(on_key, k);
	while (in && (n = io_read(in, chunk, sizeof chunk)) > 0)
		json_feed(js, chunk, (size_t)n);
	ok(in && json_finish(js) == 0, "answer key %s reads", path);
	json_free(js);
	if (in)
		io_close(in);
}

static void
test_answer_key(const char *name, long npages)
{
	struct ocr_config c = { .no_filter = 1 };
	struct buf xml = BUF_INIT, gz = BUF_INIT, kp = BUF_INIT;
	struct result r;
	struct key k;
	static const size_t steps[] = { 0, 4093, 1000 };
	int full;
	size_t i;

	buf_printf(&xml, DIR "abbyy/%s.xml", name);
	buf_printf(&gz, DIR "abbyy/%s.xml.gz", name);
	buf_printf(&kp, DIR "abbyy/%s.expected.json", name);
	read_key(buf_str(&kp), &k);
	ok(k.pages.len > 0, "%s: the key lists pages", name);
	for (full = 0; full < 2; full++) {
		for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
			c.full_parse = full;
			scan(buf_str(&xml), &c, steps[i], &r);
			is_int(r.failed, 0, "%s%s, pieces of %zu: well-formed", name,
			    full ? " (full parse)" : "", steps[i]);
			is_str(buf_str(&r.pages), buf_str(&k.pages), "%s%s, pieces of %zu: the key's "
			    "blocks", name, full ? " (full parse)" : "", steps[i]);
			is_int(r.st.npages, npages, "%s: %ld pages", name, npages);
			is_int(r.st.nblocks, k.blocks, "%s: %ld Picture blocks", name, k.blocks);
			is_int(r.st.kept, k.blocks, "%s: all kept without filters", name);
			result_free(&r);
		}
	}
	if (access(buf_str(&gz), R_OK) == 0) {
		c.full_parse = 0;
		scan(buf_str(&gz), &c, 0, &r);
		is_str(buf_str(&r.pages), buf_str(&k.pages), "%s.gz: the key's blocks", name);
		result_free(&r);
	}
	buf_free(&k.pages);
	buf_free(&xml);
	buf_free(&gz);
	buf_free(&kp);
}

/* ---- the page filters ---- */

#define EXCERPT	"abbyy/ia_homerichymnsvers00sarg_0_fr10_excerpt.xml"
#define MEWEL	"abbyy/mewel_fr10_newspaper_page.xml"
#define UCD	"abbyy/ucd_lehmann_2725_fr10_page.xml"

static const struct {
	const char *file, *what;
	struct ocr_config c;
	unsigned long kept, kept_pages, dropped[OCR_NDROP];	/* card small cover nested */
	const char *pages;	/* NULL: not checked */
} filters[] = {
	/* leaf 0: colour card; 1, 2 and 4: covers among the first 5 leaves */
	{ EXCERPT, "defaults", { 10, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 1, 1, { 0, 1, 0, 3, 0 },
	    "3 2180 3662: 150 40 2180 3584;\n" },
	{ EXCERPT, "card and covers kept", { 10, 5, 1, 1, 0, 0, 0, 0, 0, 0, 0 }, 5, 5, { 0 }, NULL },
	{ EXCERPT, "--cover-leaves 0", { 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 4, 4, { 0, 1, 0, 0, 0 },
	    "1 2288 3556: 0 0 2288 3556;\n2 2180 3740: 0 0 2180 3740;\n"
	    "3 2180 3662: 150 40 2180 3584;\n4 2180 3666: 0 0 2180 3666;\n" },
	{ MEWEL, "defaults: four small", { 10, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 1, 1, { 0, 0, 4, 0, 0 },
	    "0 4131 6451: 56 0 4047 867;\n" },
	{ MEWEL, "--min-area 0", { 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 5, 1, { 0 }, NULL },
	{ UCD, "defaults: two small", { 10, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 1, 1, { 0, 0, 2, 0, 0 },
	    "0 4000 6000: 189 689 3916 5473;\n" },
	{ UCD, "--min-area 0: two nested", { 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 1, 1, { 0, 0, 0, 0, 2 },
	    "0 4000 6000: 189 689 3916 5473;\n" },
	{ UCD, "--min-area 0 --keep-nested", { 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, 3, 1, { 0 },
	    "0 4000 6000: 771 2274 1252 2415; 718 1964 1309 2697; 189 689 3916 5473;\n" },
	{ UCD, "--no-filter", { 10, 5, 0, 0, 0, 1, 0, 0, 0, 0, 0 }, 3, 1, { 0 }, NULL },
};

static void
test_filters(void)
{
	struct buf path = BUF_INIT;
	struct result r;
	size_t i;
	int d;

	for (i = 0; i < sizeof filters / sizeof filters[0]; i++) {
		buf_reset(&path);
		buf_printf(&path, DIR "%s", filters[i].file);
		scan(buf_str(&path), &filters[i].c, 0, &r);
		is_int(r.st.kept, filters[i].kept, "%s, %s: %lu kept", filters[i].file,
		    filters[i].what, filters[i].kept);
		is_int(r.st.kept_pages, filters[i].kept_pages, "%s, %s: on %lu pages",
		    filters[i].file, filters[i].what, filters[i].kept_pages);
		for (d = OCR_DROP_CARD; d < OCR_NDROP; d++)
			is_int(r.st.dropped[d], filters[i].dropped[d], "%s, %s: %lu dropped by "
			    "filter %d", filters[i].file, filters[i].what, filters[i].dropped[d], d);
		if (filters[i].pages)
			is_str(buf_str(&r.pages), filters[i].pages, "%s, %s: the blocks",
			    filters[i].file, filters[i].what);
		result_free(&r);
	}
	buf_free(&path);
}

/* ---- broken documents ---- */

static void
bad(const char *file, size_t step, int full, const char *rows, unsigned long line,
    const char *msg)
{
	struct ocr_config c = { .no_filter = 1 };
	struct result r;

	c.full_parse = full;
	scan(file, &c, step, &r);
	is_int(r.failed, 1, "%s: broken", file);
	is_str(buf_str(&r.err), msg, "%s: the message", file);
	is_int(r.line, line, "%s: at line %lu", file, line);
	is_str(buf_str(&r.pages), rows, "%s: the pages before", file);
	result_free(&r);
}

static void
test_broken(void)
{
	static const char first3[] = "0 1000 1500: 0 0 1000 1500;\n"
	    "1 2288 3556: 0 0 2288 3556;\n2 2180 3740: 0 0 2180 3740;\n";
	static const char doctype[] = "DOCTYPE not allowed (ABBYY FineReader XML has none; "
	    "entities are never loaded or expanded)";
	struct buf rows4 = BUF_INIT;
	int full;

	buf_adds(&rows4, first3);
	buf_adds(&rows4, "3 2180 3662: 150 40 2180 3584;\n");
	for (full = 0; full < 2; full++) {
		bad(DIR "abbyy-bad/truncated-mid-page.xml", 0, full, first3, 40,
		    "premature end of input inside <page> (truncated file?)");
		bad(DIR "abbyy-bad/truncated.xml.gz", 0, full, buf_str(&rows4), 49,
		    "unexpected end of gzip data (truncated file?)");
		bad(DIR "abbyy-bad/not-xml.txt", 0, full, "", 1, "not XML: no root element found");
		bad(DIR "abbyy-bad/junk.bin", 0, full, "", 1, "not XML: no root element found");
		bad(DIR "abbyy-bad/wrong-root.xml", 0, full, "", 2,
		    "not ABBYY FineReader XML: the root element is <html>, not <document>");
		bad(DIR "abbyy-bad/undefined-entity.xml", 0, full, "0 1000 1500: 100 100 900 1400;\n",
		    8, "Entity 'passwd' not defined");
		bad(DIR "abbyy-bad/xxe.xml", 0, full, "", 2, doctype);
		bad(DIR "abbyy-bad/billion-laughs.xml", 0, full, "", 2, doctype);
		bad("/dev/null", 0, full, "", 1, "empty input");
	}
	bad(DIR "abbyy-bad/truncated-mid-page.xml", 7, 0, first3, 40,
	    "premature end of input inside <page> (truncated file?)");
	buf_free(&rows4);
}

/* ---- the pre-filter on its own ---- */

/* What the parser gets from in, fed in pieces of step bytes (0: whole);
 * off 1: made off, 2: keeping the text. */
static void
filtered(const char *in, size_t step, int off, struct buf *out)
{
	struct abbyy_pf *pf = abbyy_pf_new(off == 1);
	struct buf piece = BUF_INIT;
	size_t i, n, len = strlen(in);

	if (off == 2)
		abbyy_pf_keep_text(pf);
	for (i = 0; i < len; i += n) {
		n = step && len - i > step ? step : len - i;
		buf_reset(&piece);
		buf_add(&piece, in + i, n);
		if (abbyy_pf_off(pf))
			buf_add(out, piece.s, n);
		else
			abbyy_pf_feed(pf, piece.s, n, out);
	}
	abbyy_pf_end(pf, out);
	ok(abbyy_pf_off(pf), "off after the end");
	abbyy_pf_free(pf);
	buf_free(&piece);
}

static void
pf_mode_is(const char *in, int mode, const char *want, const char *what)
{
	static const size_t steps[] = { 0, 1, 2, 3, 5, 11 };
	struct buf out = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		buf_reset(&out);
		filtered(in, steps[i], mode, &out);
		is_str(buf_str(&out), want, "pre-filter, %s, pieces of %zu", what, steps[i]);
	}
	buf_free(&out);
}

static void
pf_is(const char *in, const char *want, const char *what)
{
	pf_mode_is(in, 0, want, what);
}

static void
pf_step_is(const char *in, size_t step, const char *want, const char *what)
{
	struct buf out = BUF_INIT;

	filtered(in, step, 0, &out);
	is_str(buf_str(&out), want, "pre-filter, %s", what);
	buf_free(&out);
}

/* the tags of elements the scanner does not look at go too */
static void
test_prefilter_tags(void)
{
	static const char cut[] = "<d><page><line l=\"1\">a<formatting>b</formatting></line></page></d>";

	pf_step_is("<d><page><text><par a=\"1\"><line l=\"1\"\nt='2'>\n<formatting x='y'>T"
	    "</formatting></line ></par></text><separator><start x=\"1\"/></separator></page></d>",
	    0, "<d><page>\n\nT</page></d>", "other elements' tags go, their text and lines stay");
	pf_step_is("<d><page><block blockType=\"Picture\"><region><rect l=\"1\" t=\"2\"/></region>"
	    "</block></page></d>", 0, "<d><page><block blockType=\"Picture\"><region><rect l=\"1\" "
	    "t=\"2\"/></region></block></page></d>", "the scanner's elements stay, and the "
	    "elements around them get a plain start tag");
	pf_step_is("<d><line><block blockType=\"Text\"><par></par></block></line></d>", 0,
	    "<d><line><block blockType=\"Text\"></block></line></d>", "an element the scanner "
	    "reads inside one that went");
	pf_step_is("<d><x:line xmlns:x=\"u\"></x:line><line a:b=\"1\"></line><l l=\"1\" l=\"2\">"
	    "</l></d>", 0, "<d><x:line xmlns:x=\"u\"></x:line><line a:b=\"1\"></line><l l=\"1\" "
	    "l=\"2\"></l></d>", "prefixed names and attributes, and repeats, stay");
	pf_step_is("<d><page><par><line l=\"1\"></par></page></d>", 0,
	    "<d><page><line></par><par></page></d>", "a mismatched end tag: the open element "
	    "again (the parser stops there)");
	pf_step_is("<d><page><line l=\"1\">x</line x></page></d>", 0,
	    "<d><page>x<line></line x></page></d>", "a broken end tag: the open element again");
	pf_step_is("<d><page><line>\xc3\xa9</line></page></d>", 0,
	    "<d><page>\xc3\xa9<line></line></page></d>", "an end tag after a byte beyond ASCII");
	pf_step_is("<d><page><par><line l=\"1\">abc", 0, "<d><page>abc<line>",
	    "cut short: the parser sees the same open element");
	pf_step_is("<d><page><line l=\"1\">abc</li", 0, "<d><page>abc<line></li",
	    "cut in the end tag");
	/* pieces: the end tag cut after its '<' and in its name */
	pf_step_is(cut, sizeof "<d><page><line l=\"1\">a<formatting>b" - 1,
	    "<d><page>ab</page></d>", "an end tag cut after '<'");
	pf_step_is(cut, sizeof "<d><page><line l=\"1\">a<formatting>b</for" - 1,
	    "<d><page>ab</page></d>", "an end tag cut in its name");
	pf_step_is(cut, sizeof "<d><page><line l=\"1\">a<" - 1, "<d><page>ab</page></d>",
	    "a start tag's '<' held as if an end tag's");
	pf_step_is(cut, sizeof "<d><page><line l=\"1\">a<formatting>b</" - 1,
	    "<d><page>ab</page></d>", "an end tag cut after \"</\"");
	pf_step_is(cut, sizeof "<d><page><li" - 1,
	    "<d><page><line l=\"1\">a<formatting>b</formatting></line></page></d>", "start tags "
	    "cut: they stay, and so do their end tags");
}

/* abbyy_pf_keep_text: each element's text stays in its place */
static void
test_prefilter_keep_text(void)
{
	int i;

	pf_mode_is("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<d><line><formatting>"
	    "<charParams l=\"1\" t=\"2\">a</charParams>\n<charParams l=\"3\">b</charParams>"
	    "<charParams l='4'/><charParams l=\"5\" q=\"x>y\">c</charParams >"
	    "</formatting></line></d>\n", 2,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<d><line><formatting>a\nbc"
	    "</formatting></line></d>\n", "keeping the text");
	pf_mode_is("<d><p><charParams\nl=\"1\"\r\nt=\"2\">\nx\r\n</charParams></p>\n</d>", 2,
	    "<d><p>\n\n\n\nx</p>\n</d>", "keeping the text, its LF bytes first");
	pf_mode_is("<d><p><charParams l=\"1\">&amp;</charParams></p></d>", 2,
	    "<d><p><charParams l=\"1\">&amp;</charParams></p></d>",
	    "keeping the text, an entity stays with its element");
	/* a run of elements of one shape: the remembered shape keeps the text */
	for (i = 0; i < 2; i++)
		pf_mode_is("<d><charParams l=\"1\" t=\"22\">W</charParams><charParams l=\"3\" "
		    "t=\"4\">o</charParams><charParams l=\"55\" t=\"6\">r</charParams>"
		    "<charParams l=\"7\" t=\"8\">d</charParams></d>", 2, "<d>Word</d>",
		    "keeping the text, known shapes");
}

static void
test_prefilter(void)
{
	struct buf out = BUF_INIT;
	int i;
	static const char dup[] = "<?xml version=\"1.0\"?>\n<d><page><charParams l=\"1\" l=\"2\">x"
	    "</charParams></page></d>";

	pf_is("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<d><page><charParams l=\"1\" t=\"2\">a"
	    "</charParams><charParams l='3'/></page></d>\n",
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<d><page></page></d>\n",
	    "simple elements go");
	pf_is("<d>\n<page><charParams\nl=\"1\"\r\nt=\"2\">\n</charParams></page>\n</d>",
	    "<d>\n<page>\n\n\n</page>\n</d>", "their LF bytes stay, CR goes");
	/* text beyond ASCII goes only when the element is in one piece */
	filtered("<d><page><charParams l=\"1\">\xc3\xa9</charParams></page></d>", 0, 0, &out);
	is_str(buf_str(&out), "<d><page></page></d>", "pre-filter, UTF-8 text in one piece");
	buf_reset(&out);
	filtered("<d><page><charParams l=\"1\">\xc3\xa9</charParams></page></d>", 3, 0, &out);
	is_str(buf_str(&out), "<d><page><charParams l=\"1\">\xc3\xa9</charParams></page></d>",
	    "pre-filter, UTF-8 text in pieces goes to the parser");
	buf_reset(&out);
	filtered("<d><page><charParams l=\"1\">\xc3</charParams></page></d>", 0, 0, &out);
	is_str(buf_str(&out), "<d><page><charParams l=\"1\">\xc3</charParams></page></d>",
	    "pre-filter, a broken UTF-8 sequence goes to the parser");
	buf_reset(&out);
	pf_is("<d><page><charParams l=\"1\">&amp;</charParams></page></d>",
	    "<d><page><charParams l=\"1\">&amp;</charParams></page></d>", "an entity stays");
	pf_is(dup, dup, "a repeated attribute stays (the parser says why)");
	pf_is("<charParams l=\"1\"/><d/>", "<charParams l=\"1\"/><d/>", "not at the top level");
	pf_is("<d><!-- <charParams l=\"1\"/> --></d>", "<d><!-- <charParams l=\"1\"/> --></d>",
	    "not in a comment");
	pf_is("<d><page><x:charParams l=\"1\"/></page></d>", "<d><page><x:charParams l=\"1\"/></page></d>",
	    "not a prefixed name");
	pf_is("<!DOCTYPE d [<!ENTITY e \"x\">]><d><page><charParams l=\"1\"/></page></d>",
	    "<!DOCTYPE d [<!ENTITY e \"x\">]><d><page><charParams l=\"1\"/></page></d>",
	    "a DOCTYPE turns it off");
	pf_is("<?xml version=\"1.0\" encoding=\"EBCDIC-US\"?><d><page><charParams l=\"1\"/></page></d>",
	    "<?xml version=\"1.0\" encoding=\"EBCDIC-US\"?><d><page><charParams l=\"1\"/></page></d>",
	    "an encoding that is not ASCII's turns it off");
	pf_is("<d><page><charParams l=\"1\">x</charParams", "<d><page><charParams l=\"1\">x</charParams",
	    "a cut element goes to the parser");
	pf_is("", "", "nothing");

	/* rects: only outside Picture blocks, and only when sure of it */
	filtered("<d><page><block blockType=\"Text\" l=\"1\"><region><rect l=\"1\" t=\"2\" "
	    "r=\"3\" b=\"4\"/>\n<rect l=\"5\" t=\"6\"\nr=\"7\" b=\"8\"/></region></block></page></d>",
	    0, 0, &out);
	is_str(buf_str(&out), "<d><page><block blockType=\"Text\" l=\"1\">\n\n"
	    "</block></page></d>", "pre-filter, rects of a text block go");
	buf_reset(&out);
	filtered("<d><page><block blockType=\"Text\"><region><rect l=\"1\" t=\"1\" r=\"2\" b=\"2\"/>"
	    "</region></block><block blockType=\"Picture\"><region><rect l=\"1\" t=\"1\" r=\"2\" "
	    "b=\"2\"/></region></block></page></d>", 0, 0, &out);
	is_str(buf_str(&out), "<d><page><block blockType=\"Text\"></block>"
	    "<block blockType=\"Picture\"><region><rect l=\"1\" t=\"1\" r=\"2\" b=\"2\"/>"
	    "</region></block></page></d>", "pre-filter, a known rect shape stays in a Picture "
	    "block");
	buf_reset(&out);
	for (i = 0; i < 2; i++) {
		/* whole, and cut after "<charParams l=": the element is held */
		filtered("<d><block blockType=\"Text\" blockName=\"..........................\">"
		    "<charParams l=\"1\">a<block blockType=\"Picture\"><rect l=\"1\"/></block>"
		    "</charParams></block></d>", i ? sizeof "<d><block blockType=\"Text\" "
		    "blockName=\"..........................\"><charParams l=" - 1 : 0, 0, &out);
		ok(strstr(buf_str(&out), "<rect ") != NULL, "pre-filter, a Picture block inside "
		    "a text block's charParams keeps its rects (%s)", i ? "pieces" : "whole");
		buf_reset(&out);
	}
	pf_is("<d><block blockType=\"Picture\"><rect l=\"1\" t=\"1\" r=\"2\" b=\"2\"/></block></d>",
	    "<d><block blockType=\"Picture\"><rect l=\"1\" t=\"1\" r=\"2\" b=\"2\"/></block></d>",
	    "rects of a Picture block stay");
	pf_is("<d><block a=\">\" blockType=\"Picture\"><rect l=\"1\"/></block></d>",
	    "<d><block a=\">\" blockType=\"Picture\"><rect l=\"1\"/></block></d>",
	    "a '>' in a value does not end the block tag");
	pf_is("<d><block blockType=\"&#80;icture\"><rect l=\"1\"/></block></d>",
	    "<d><block blockType=\"&#80;icture\"><rect l=\"1\"/></block></d>",
	    "a reference in the block tag keeps its rects");
	filtered("<d><block blockType=\"Text\"><rect l=\"1\"/><x:block xmlns:x=\"u\" "
	    "blockType=\"Picture\"><rect l=\"1\"/></x:block></block></d>", 0, 0, &out);
	is_str(buf_str(&out), "<d><block blockType=\"Text\"><x:block xmlns:x=\"u\" "
	    "blockType=\"Picture\"><rect l=\"1\"/></x:block></block></d>",
	    "pre-filter, a prefixed block stops rects going");
	buf_reset(&out);
	/* pieces: the Picture block's tag is cut after "Pic", its rect whole */
	filtered("<d><block blockType=\"Text\"></block><block blockType=\"Picture\">"
	    "<rect l=\"1\"/></block></d>", sizeof "<d><block blockType=\"Text\"></block>"
	    "<block blockType=\"Pic" - 1, 0, &out);
	is_str(buf_str(&out), "<d><block blockType=\"Text\"></block><block blockType=\"Picture\">"
	    "<rect l=\"1\"/></block></d>", "pre-filter, a block tag cut in pieces keeps its rects");
	buf_reset(&out);
	pf_mode_is("<d><block blockType=\"Text\"></block><rectangle l=\"1\"/></d>", 2,
	    "<d><block blockType=\"Text\"></block><rectangle l=\"1\"/></d>",
	    "a longer name is not a rect");

	test_prefilter_keep_text();
	test_prefilter_tags();
	filtered("<d><page><charParams l=\"1\"/></page></d>", 0, 1, &out);
	is_str(buf_str(&out), "<d><page><charParams l=\"1\"/></page></d>", "pre-filter made off");
	buf_free(&out);
}

/* The non-blank bytes of character data in s (after the prolog); with
 * inside, only in the elements whose start tag begins so. */
static size_t
text_bytes(const char *s, const char *inside)
{
	size_t n = 0, k = inside ? strlen(inside) : 0;
	int in = !inside;

	if ((s = strstr(s, "?>")) != NULL)
		s += 2;
	while (s && *s) {
		if (*s == '<') {
			if (inside)
				in = strncmp(s, inside, k) == 0;
			s = strchr(s, '>');
			if (!s)
				break;
		} else if (in && *s != ' ' && *s != '\n' && *s != '\r' && *s != '\t') {
			n++;
		}
		s++;
	}
	return n;
}

/* On a whole real file: far fewer bytes, the same lines, and the same
 * pages as the full parse (test_answer_key). */
static void
test_prefilter_file(void)
{
	struct io_in *in = io_open(DIR "abbyy/mewel_fr10_newspaper_page.xml");
	struct abbyy_pf *pf = abbyy_pf_new(0);
	struct buf all = BUF_INIT, out = BUF_INIT;
	char chunk[65536];
	ssize_t k;
	size_t i, lf_in = 0, lf_out = 0, left = 0;
	const char *p;

	while (in && (k = io_read(in, chunk, sizeof chunk)) > 0)
		buf_add(&all, chunk, (size_t)k);
	abbyy_pf_feed(pf, all.s, all.len, &out);
	abbyy_pf_end(pf, &out);
	for (i = 0; i < all.len; i++)
		lf_in += all.s[i] == '\n';
	for (i = 0; i < out.len; i++)
		lf_out += out.s[i] == '\n';
	is_int(lf_out, lf_in, "mewel: the pre-filter keeps every line");
	ok(out.len * 5 < all.len, "mewel: it takes out most bytes (%zu of %zu left)", out.len,
	    all.len);
	for (p = buf_str(&out); (p = strstr(p, "<charParams")) != NULL; p++)
		left++;
	ok(left < 12854 / 100, "mewel: under 1%% of its 12854 charParams left (%zu)", left);
	abbyy_pf_free(pf);

	/* keeping the text: the same characters outside tags as the charParams
	 * elements hold */
	pf = abbyy_pf_new(0);
	abbyy_pf_keep_text(pf);
	buf_reset(&out);
	abbyy_pf_feed(pf, all.s, all.len, &out);
	abbyy_pf_end(pf, &out);
	is_int((long)text_bytes(buf_str(&out), NULL), (long)text_bytes(buf_str(&all), "<charParams"),
	    "mewel: keeping the text, every character stays");
	abbyy_pf_free(pf);
	buf_free(&all);
	buf_free(&out);
	if (in)
		io_close(in);
}

int
main(void)
{
	diag_init("test-abbyy");
	xml_init();
	test_answer_key("ia_homerichymnsvers00sarg_0_fr10_excerpt", 6);
	test_answer_key("readux_fr6v1_132pages", 132);
	test_answer_key("mewel_fr10_newspaper_page", 1);
	test_answer_key("ucd_lehmann_2725_fr10_page", 1);
	test_filters();
	test_broken();
	test_prefilter();
	test_prefilter_file();
	xml_cleanup();
	return tap_done();
}
