/* test-htpages: the page list of the HathiTrust readers: which seqs are
 * kept, feature-list normalisation and look-ups. */
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "htpages.h"

#include "htpages-test.h"

static void
feat_case(const char *in, size_t len, const char *want)
{
	struct buf b = BUF_INIT;

	htpages_feat_add(&b, in, len);
	is_str(b.s, want, "normalise '%s'", in);
	buf_free(&b);
}

static void
test_feat(void)
{
	struct buf b = BUF_INIT;

	feat_case("FRONT_COVER, IMAGE_ON_PAGE, IMPLICIT_PAGE_NUMBER", 48,
	    "FRONT_COVER,IMAGE_ON_PAGE,IMPLICIT_PAGE_NUMBER");
	feat_case("  A  ,, \t", 9, "A");
	feat_case(", COVER,FUDGED", 14, "COVER");
	feat_case("", 0, "");
	feat_case(",", 1, "");
	feat_case("FUDGED_NOT", 10, "FUDGED_NOT");
	feat_case("A\0B,C", 5, "C");
	/* added to a list */
	htpages_feat_add(&b, "A", 1);
	htpages_feat_add(&b, " B ,FUDGED", 10);
	htpages_feat_add(&b, "", 0);
	is_str(b.s, "A,B", "added feature by feature");
	buf_free(&b);

	ok(htpages_feat_has("A,IMAGE_ON_PAGE,B", "IMAGE_ON_PAGE"), "has a token in the middle");
	ok(htpages_feat_has("IMAGE_ON_PAGE", "IMAGE_ON_PAGE"), "has the only token");
	ok(!htpages_feat_has("IMAGE_ON_PAGE_X", "IMAGE_ON_PAGE"), "a longer token is not it");
	ok(!htpages_feat_has("NOT_IMAGE_ON_PAGE", "IMAGE_ON_PAGE"), "a token ending so is not it");
	ok(!htpages_feat_has("", "IMAGE_ON_PAGE"), "the empty list has nothing");
	{
		char *names[] = { "COVER", "MAP", NULL };
		char *none[] = { NULL };
		ok(htpages_feat_any("A,MAP", names), "any: the second name");
		ok(!htpages_feat_any("A,MAPS", names), "any: no name");
		ok(!htpages_feat_any("A", none), "any: no names");
	}
	ok(htpages_feat_tagged("MISSING_PAGE,COVER"), "tagged: a real feature");
	ok(!htpages_feat_tagged("MISSING_PAGE,CHECKOUT_PAGE"), "tagged: imgsrv's own only");
	ok(!htpages_feat_tagged(""), "tagged: nothing");
}

static void
page(struct htpages *p, const char *seq, const char *feat, const char *label)
{
	htpages_begin(p);
	if (seq)
		htpages_seq(p, seq, strlen(seq));
	if (feat)
		htpages_feat_add(&p->feat, feat, strlen(feat));
	if (label)
		htpages_label(p, label, strlen(label));
	htpages_end(p);
}

static void
test_pages(void)
{
	struct htpages p;
	struct buf t = BUF_INIT;

	memset(&p, 0, sizeof p);
	page(&p, "1", "A, B", "i");
	page(&p, NULL, "A", NULL);
	page(&p, "", NULL, NULL);
	page(&p, "0", NULL, NULL);
	page(&p, "01", NULL, NULL);
	page(&p, "1x", NULL, NULL);
	page(&p, "-1", NULL, NULL);
	page(&p, "1234567890", NULL, NULL);
	page(&p, "123456789", NULL, "x");
	page(&p, "2", NULL, NULL);
	is_str(pages_text(&p, &t), "1|A,B|i;123456789||x;2||", "usable seqs kept");
	is_int(p.bad, 7, "7 pages without a usable seq");
	htpages_clear(&p);
	is_int(p.n + p.bad, 0, "cleared");
	page(&p, "3", NULL, NULL);
	is_str(pages_text(&p, &t), "3||", "after clearing: a page with nothing left over");
	htpages_free(&p);
	buf_free(&t);
}

int
main(void)
{
	diag_init("test-htpages");
	test_feat();
	test_pages();
	return tap_done();
}
