/* test-ia-item: which OCR files an Internet Archive item has, book by book
 * (ia_item.h), on the metadata fixtures under tests/fixtures/ia/metadata/
 * and on small documents written here; each fed whole and in pieces of 1
 * to 7 bytes; a retried body; download URLs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "files.h"

#include "buf.h"
#include "diag.h"
#include "ia_item.h"

#define DIR	"tests/fixtures/ia/metadata/"

/* body[0..n) fed in pieces of step bytes: its verdict, and in out what
 * the reader chose: per book "KIND OCR PREFIX PAGE_NUMBERS JP2" ("-" for
 * none), then "unsafe NAME" and "ocr TEXT" when there are. */
static int
verdict(const char *body, size_t n, size_t step, struct buf *out)
{
	struct ia_item m;
	size_t i;
	int r;

	ia_item_init(&m);
	for (i = 0; i < n; i += step)
		if (ia_item_feed(&m, body + i, n - i < step ? n - i : step) != 0)
			break;
	r = ia_item_end(&m);
	buf_reset(out);
	buf_add(out, "", 0);
	for (i = 0; i < m.nbooks; i++) {
		const struct ia_book *b = &m.books[i];
		buf_printf(out, "%s %s %s %s %s\n", ia_ocr_name(b->kind), b->ocr, b->prefix,
		    b->page_numbers ? b->page_numbers : "-", b->jp2 ? b->jp2 : "-");
	}
	if (ia_item_unsafe(&m))
		buf_printf(out, "unsafe %s\n", ia_item_unsafe(&m));
	if (m.ocr)
		buf_printf(out, "ocr %s\n", m.ocr);
	ia_item_free(&m);
	return r;
}

/* The same verdict and choice whole and in pieces of 1 to 7 bytes. */
static void
body_n_is(const char *body, size_t n, int want, const char *want_books, const char *what)
{
	struct buf out = BUF_INIT;
	size_t step;
	int same = 1;

	is_int(verdict(body, n, n ? n : 1, &out), want, "%s: verdict", what);
	is_str(buf_str(&out), want_books, "%s: books", what);
	for (step = 1; step <= 7; step++)
		if (verdict(body, n, step, &out) != want || strcmp(buf_str(&out), want_books) != 0) {
			printf("# %s: pieces of %zu give another result:\n# %s\n", what, step,
			    buf_str(&out));
			same = 0;
		}
	ok(same, "%s: the same in pieces of 1 to 7 bytes", what);
	buf_free(&out);
}

static void
body_is(const char *body, int want, const char *want_books, const char *what)
{
	body_n_is(body, strlen(body), want, want_books, what);
}

static void
file_is(const char *file, int want, const char *want_books)
{
	struct buf body = BUF_INIT;

	files_slurp(file, &body);
	body_n_is(body.s, body.len, want, want_books, file);
	buf_free(&body);
}

static void
test_fixtures(void)
{
	file_is(DIR "journalofexpedit00ford.json", IA_ITEM_OK,
	    "abbyy journalofexpedit00ford_abbyy.gz journalofexpedit00ford "
	    "journalofexpedit00ford_page_numbers.json journalofexpedit00ford_jp2.zip\n");
	file_is(DIR "collapse00jare.json", IA_ITEM_PRIVATE,
	    "abbyy collapse00jare_abbyy.gz collapse00jare - collapse00jare_jp2.zip\n"
	    "ocr ABBYY FineReader 8.0\n");
	file_is(DIR "nasa.json", IA_ITEM_NO_OCR, "");
}

/* An item with two books, each with its ABBYY file, chOCR, page numbers
 * and image stack. */
static const char two_books[] =
    "{\"dir\":\"/2/items/twobooks\",\"metadata\":{\"identifier\":\"twobooks\","
    "\"ocr\":\"ABBYY FineReader 11.0\"},\"files\":["
    "{\"name\":\"book1/GPORFP_abbyy.gz\",\"format\":\"Abbyy GZ\",\"original\":\"book1/GPORFP_jp2.zip\"},"
    "{\"name\":\"book1/GPORFP_chocr.html.gz\",\"format\":\"chOCR\"},"
    "{\"name\":\"book1/GPORFP_jp2.zip\",\"format\":\"Single Page Processed JP2 ZIP\"},"
    "{\"name\":\"book1/GPORFP_page_numbers.json\",\"format\":\"Page Numbers JSON\"},"
    "{\"name\":\"twobooks_meta.xml\",\"format\":\"Metadata\"},"
    "{\"name\":\"book2/LXVQ_page_numbers.json\",\"format\":\"Page Numbers JSON\"},"
    "{\"name\":\"book2/LXVQ_jp2.zip\",\"format\":\"Single Page Processed JP2 ZIP\"},"
    "{\"name\":\"book2/LXVQ_abbyy.gz\",\"format\":\"Abbyy GZ\",\"original\":\"book2/LXVQ_jp2.zip\"},"
    "{\"name\":\"book2/LXVQ_hocr.html\",\"format\":\"hOCR\"}]}";

/* Tesseract only: chOCR and hOCR, page numbers, the image stack. */
static const char tesseract[] =
    "{\n \"dir\": \"/7/items/platessample00test\",\n \"metadata\": {\n"
    "  \"ocr\": \"tesseract 5.3.0-3-g9920\",\n  \"mediatype\": \"texts\"\n },\n"
    " \"files\": [\n"
    "  {\"name\": \"platessample00test_hocr.html\", \"format\": \"hOCR\",\n"
    "   \"original\": \"platessample00test_chocr.html.gz\"},\n"
    "  {\"name\": \"platessample00test_chocr.html.gz\", \"format\": \"chOCR\",\n"
    "   \"original\": \"platessample00test_jp2.zip\", \"private\": \"false\"},\n"
    "  {\"name\": \"platessample00test_page_numbers.json\", \"format\": \"Page Numbers JSON\"},\n"
    "  {\"name\": \"platessample00test_jp2.zip\", \"format\": \"Single Page Processed JP2 ZIP\"}\n"
    " ]\n}\n";

static void
test_books(void)
{
	body_is(two_books, IA_ITEM_OK,
	    "abbyy book1/GPORFP_abbyy.gz book1/GPORFP book1/GPORFP_page_numbers.json "
	    "book1/GPORFP_jp2.zip\n"
	    "abbyy book2/LXVQ_abbyy.gz book2/LXVQ book2/LXVQ_page_numbers.json book2/LXVQ_jp2.zip\n"
	    "ocr ABBYY FineReader 11.0\n", "two ABBYY books");
	body_is(tesseract, IA_ITEM_OK,
	    "chocr platessample00test_chocr.html.gz platessample00test "
	    "platessample00test_page_numbers.json platessample00test_jp2.zip\n"
	    "ocr tesseract 5.3.0-3-g9920\n", "chOCR is preferred to hOCR");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"x_page_numbers.json\"},"
	    "{\"name\":\"x_hocr.html\",\"format\":\"hOCR\"}]}", IA_ITEM_OK,
	    "hocr x_hocr.html x x_page_numbers.json -\n", "hOCR with page numbers, no image stack");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"x_hocr.html\"},{\"name\":\"x_jp2.zip\"}]}",
	    IA_ITEM_OK, "hocr x_hocr.html x - x_jp2.zip\n", "only a file named _hocr.html");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"x_hocr.html\"},{\"name\":\"x_chocr.html.gz\"}]}",
	    IA_ITEM_OK, "chocr x_chocr.html.gz x - -\n", "by name too, chOCR before hOCR");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"b_abbyy.gz\",\"format\":\"Abbyy GZ\","
	    "\"original\":\"scans/b_jp2.zip\"}]}", IA_ITEM_OK, "abbyy b_abbyy.gz b - scans/b_jp2.zip\n",
	    "the image stack from the OCR file's original");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"b_abbyy.gz\",\"format\":\"Abbyy GZ\","
	    "\"original\":\"b_orig_jp2.tar\"}]}", IA_ITEM_OK, "abbyy b_abbyy.gz b - -\n",
	    "an original that is not a JP2 zip is no image stack");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"x_abbyy.gz\"},{\"name\":\"y.gz\","
	    "\"format\":\"Abbyy GZ\"}]}", IA_ITEM_OK, "abbyy y.gz y.gz - -\n",
	    "the format wins over the name; a name without the ending is its own prefix");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"a_ABBYY.GZ\"},{\"name\":\"b_abbyy.gz\"}]}",
	    IA_ITEM_OK, "abbyy a_ABBYY.GZ a - -\nabbyy b_abbyy.gz b - -\n",
	    "every ABBYY file by name, any case");
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\",\"name\":\"s/x_abbyy.gz\","
	    "\"private\":\"false\"}]}", IA_ITEM_OK, "abbyy s/x_abbyy.gz s/x - -\n",
	    "a file in a sub-folder");
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\"},{\"name\":\"x_hocr.html\"}]}",
	    IA_ITEM_OK, "hocr x_hocr.html x - -\n", "a file without a name is no book");
}

static void
test_skipped(void)
{
	body_is("{\"dir\":\"d\",\"is_dark\":true,\"files\":[{\"name\":\"x_abbyy.gz\"}]}",
	    IA_ITEM_DARK, "", "dark, a JSON true");
	body_is("{\"is_dark\":\"true\",\"dir\":\"d\",\"files\":[{\"name\":\"x_abbyy.gz\"}]}",
	    IA_ITEM_DARK, "", "dark, a string");
	body_is("{\"is_dark\":true,\"created\":1}", IA_ITEM_DARK, "", "dark, without dir");
	body_is("{\"dir\":\"d\",\"is_dark\":false,\"files\":[{\"name\":\"x_abbyy.gz\"}]}",
	    IA_ITEM_OK, "abbyy x_abbyy.gz x - -\n", "is_dark false");
	body_is("{\"dir\":\"d\",\"metadata\":{\"x\":{\"is_dark\":true}}, \"is_darkish\":true,"
	    " \"files\":[{\"name\":\"x_abbyy.gz\"}]}", IA_ITEM_OK, "abbyy x_abbyy.gz x - -\n",
	    "is_dark elsewhere is not the item's");

	body_is("{\"dir\":\"d\",\"metadata\":{\"access-restricted-item\":true}}", IA_ITEM_PRIVATE, "",
	    "access-restricted-item, a JSON true");
	body_is("{\"metadata\":{\"access-restricted-item\":\"true\"},\"dir\":\"d\"}", IA_ITEM_PRIVATE, "",
	    "access-restricted-item, a string");
	body_is("{\"dir\":\"d\",\"metadata\":{\"access-restricted-item\":[\"true\"]}}", IA_ITEM_PRIVATE,
	    "", "access-restricted-item, a list");
	body_is("{\"dir\":\"d\",\"metadata\":{\"access-restricted-item\":\"false\"},\"files\":"
	    "[{\"name\":\"x_abbyy.gz\"}]}", IA_ITEM_OK, "abbyy x_abbyy.gz x - -\n",
	    "access-restricted-item false");
	body_is("{\"dir\":\"d\",\"access-restricted-item\":true,\"files\":[{\"name\":\"x_abbyy.gz\"}]}",
	    IA_ITEM_OK, "abbyy x_abbyy.gz x - -\n",
	    "access-restricted-item outside metadata is not the item's");

	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"x_chocr.html.gz\",\"format\":\"chOCR\","
	    "\"private\":\"true\"},{\"name\":\"x_hocr.html\",\"format\":\"hOCR\"}]}", IA_ITEM_PRIVATE,
	    "chocr x_chocr.html.gz x - -\n", "a private chOCR file");
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"abbyy gz\",\"name\":\"p_abbyy.gz\","
	    "\"private\":true}]}", IA_ITEM_PRIVATE, "abbyy p_abbyy.gz p - -\n",
	    "private as a JSON true");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"a_abbyy.gz\"},{\"name\":\"b_abbyy.gz\","
	    "\"private\":\"true\"}]}", IA_ITEM_PRIVATE, "abbyy a_abbyy.gz a - -\nabbyy b_abbyy.gz b - -\n",
	    "one private book of two");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"x_abbyy.gz\"},{\"name\":\"x_jp2.zip\","
	    "\"private\":\"true\"}]}", IA_ITEM_OK, "abbyy x_abbyy.gz x - x_jp2.zip\n",
	    "a private image stack is not a private OCR file");

	body_is("{\"dir\":\"/1/items/x\"}", IA_ITEM_NO_OCR, "", "no files");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"x_djvu.xml\",\"format\":\"Djvu XML\"},"
	    "{\"name\":\"x_page_numbers.json\"},{\"name\":\"x_jp2.zip\"},{\"name\":\"x.pdf\"}]}",
	    IA_ITEM_NO_OCR, "", "no OCR at all");
	body_is("{\"dir\":\"d\",\"files\":{\"x_abbyy.gz\":{\"format\":\"Abbyy GZ\"}}}", IA_ITEM_NO_OCR, "",
	    "files not a list");

	body_is("{}", IA_ITEM_UNKNOWN, "", "no dir: unknown");
	body_is("{\"files\":[{\"name\":\"x_abbyy.gz\"}],\"metadata\":{\"dir\":\"d\"}}", IA_ITEM_UNKNOWN,
	    "", "files but no dir: unknown");
	body_is("[]", IA_ITEM_UNKNOWN, "", "an array: unknown");

	body_is("{\"dir\":\"d\",\"metadata\":{\"access-restricted-item\":true}," "\"is_dark\":true}",
	    IA_ITEM_DARK, "", "dark wins over restricted");
}

static void
test_unsafe(void)
{
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\",\"name\":\"../x_abbyy.gz\"}]}",
	    IA_ITEM_UNSAFE, "abbyy ../x_abbyy.gz ../x - -\nunsafe ../x_abbyy.gz\n",
	    "an OCR name leaving the folder");
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\",\"name\":\"a//x_abbyy.gz\"}]}",
	    IA_ITEM_UNSAFE, "abbyy a//x_abbyy.gz a//x - -\nunsafe a//x_abbyy.gz\n", "an empty segment");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"./x_hocr.html\"}]}", IA_ITEM_UNSAFE,
	    "hocr ./x_hocr.html ./x - -\nunsafe ./x_hocr.html\n", "a dot segment");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"/x_hocr.html\"}]}", IA_ITEM_UNSAFE,
	    "hocr /x_hocr.html /x - -\nunsafe /x_hocr.html\n", "a leading slash");
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\",\"name\":\"a\\nb\"}]}",
	    IA_ITEM_UNSAFE, "abbyy a\nb a\nb - -\nunsafe a\nb\n", "a control byte");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"x_chocr.html.gz\","
	    "\"original\":\"../../y_jp2.zip\"}]}", IA_ITEM_UNSAFE,
	    "chocr x_chocr.html.gz x - ../../y_jp2.zip\nunsafe ../../y_jp2.zip\n",
	    "an image stack leaving the folder");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"b/x_abbyy.gz\"},{\"name\":\"b/x_page_numbers.json\"},"
	    "{\"name\":\"b/..\"},{\"name\":\"../x_hocr.html\"},{\"name\":\"x_jp2.zip\\u0001\"}]}",
	    IA_ITEM_OK, "abbyy b/x_abbyy.gz b/x b/x_page_numbers.json -\n",
	    "unsafe names of files not chosen do not matter");
	body_is("{\"dir\":\"d\",\"files\":[{\"name\":\"a\\u0001/x_abbyy.gz\"},{\"name\":\"a\\u0001/x_page_numbers.json\"}]}",
	    IA_ITEM_UNSAFE, "abbyy a\001/x_abbyy.gz a\001/x a\001/x_page_numbers.json -\n"
	    "unsafe a\001/x_abbyy.gz\n", "the OCR name first");
}

static void
test_bad_json(void)
{
	body_is("{\"dir\":\"d\",\"files\":[{\"format\":\"Abbyy GZ\",\"name\":\"x.gz\"}", IA_ITEM_BAD_JSON,
	    "", "cut short");
	body_is("<html>", IA_ITEM_BAD_JSON, "", "not JSON");
	body_is("", IA_ITEM_BAD_JSON, "", "empty");
}

static void
test_json_error(void)
{
	struct ia_item m;
	const char *body = "{\n\"dir\": \"d\",\n\"files\": [}\n";
	unsigned long line = 0;

	ia_item_init(&m);
	is_int(ia_item_feed(&m, body, strlen(body)), 1, "bad JSON stops the feed");
	is_int(ia_item_end(&m), IA_ITEM_BAD_JSON, "bad JSON: verdict");
	ok(ia_item_json_error(&m, &line) != NULL, "bad JSON: a message");
	is_int(line, 3, "bad JSON: on line 3");
	ia_item_free(&m);
}

/* A retried transfer: the first body's choice is forgotten. */
static void
test_reset(void)
{
	struct ia_item m;
	const char *a = "{\"dir\":\"d\",\"is_dark\":true,\"metadata\":{\"ocr\":\"one\"},"
	    "\"files\":[{\"format\":\"Abbyy GZ\",\"name\":\"first_abbyy.gz\"";
	const char *b = "{\"dir\":\"d\",\"files\":[{\"name\":\"second_hocr.html\"}]}";

	ia_item_init(&m);
	is_int(ia_item_feed(&m, a, strlen(a)), 0, "a first body, cut");
	ia_item_reset(&m);
	is_int(ia_item_feed(&m, b, strlen(b)), 0, "the retried body");
	is_int(ia_item_end(&m), IA_ITEM_OK, "after a retry: verdict");
	is_int(m.nbooks, 1, "after a retry: one book");
	is_str(m.nbooks ? m.books[0].ocr : NULL, "second_hocr.html",
	    "after a retry: the second body's file");
	ok(m.ocr == NULL, "after a retry: the first body's metadata.ocr is gone");
	ia_item_free(&m);

	ia_item_init(&m);
	is_int(ia_item_feed(&m, "<html>", 6), 1, "a bad first body");
	ia_item_reset(&m);
	is_int(ia_item_feed(&m, b, strlen(b)), 0, "the retried body after a bad one");
	is_int(ia_item_end(&m), IA_ITEM_OK, "after a bad body and a retry: verdict");
	ia_item_free(&m);
}

static void
test_names(void)
{
	is_str(ia_ocr_name(IA_OCR_ABBYY), "abbyy", "kind name: abbyy");
	is_str(ia_ocr_name(IA_OCR_CHOCR), "chocr", "kind name: chocr");
	is_str(ia_ocr_name(IA_OCR_HOCR), "hocr", "kind name: hocr");
}

static void
test_url(void)
{
	struct buf u = BUF_INIT;

	ia_item_url(&u, "https://archive.org", "journalofexpedit00ford",
	    "journalofexpedit00ford_abbyy.gz");
	is_str(buf_str(&u), "https://archive.org/download/journalofexpedit00ford/"
	    "journalofexpedit00ford_abbyy.gz?cnt=0", "download URL");
	buf_reset(&u);
	ia_item_url(&u, "http://127.0.0.1:8080", "x", "sub dir/a b?#%.gz");
	is_str(buf_str(&u), "http://127.0.0.1:8080/download/x/sub%20dir/a%20b%3F%23%25.gz?cnt=0",
	    "download URL: each segment escaped, slashes kept");
	buf_free(&u);
}

int
main(void)
{
	diag_init("test-ia-item");
	test_fixtures();
	test_books();
	test_skipped();
	test_unsafe();
	test_bad_json();
	test_json_error();
	test_reset();
	test_names();
	test_url();
	return tap_done();
}
