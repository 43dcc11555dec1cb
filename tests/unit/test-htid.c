/* test-htid: volume id split, pairtree clean/unclean, ids from URLs. */
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "diag.h"
#include "htid.h"

static void
split_ok(const char *id, const char *ns, const char *local)
{
	size_t nslen = 999;
	const char *l = NULL;
	int r = htid_split(id, &nslen, &l);

	is_int(r, 0, "split %s", id);
	ok(nslen == strlen(ns) && strncmp(id, ns, nslen) == 0, "namespace of %s is %s", id, ns);
	is_str(l, local, "local id of %s", id);
	ok(l == id + strlen(ns) + 1, "local id of %s points into the id", id);
}

static void
split_bad(const char *id)
{
	size_t nslen = 999;
	const char *l = NULL;

	is_int(htid_split(id, &nslen, &l), -1, "split rejects '%s'", id);
}

static void
test_split(void)
{
	split_ok("mdp.39015018415946", "mdp", "39015018415946");
	split_ok("uc1.$b759628", "uc1", "$b759628");
	split_ok("miun.aql8896.0001.001", "miun", "aql8896.0001.001");
	split_ok("uc2.ark:/13960/t00000431", "uc2", "ark:/13960/t00000431");
	split_ok("a.b", "a", "b");
	split_ok("x..", "x", ".");
	split_bad("nodot");
	split_bad(".x");
	split_bad("x.");
	split_bad("");
	split_bad(".");
}

/* clean(s) == want, and unclean(want) == s. */
static void
clean_case(const char *s, size_t len, const char *want, const char *what)
{
	struct buf b = BUF_INIT;
	int r;

	htid_clean(&b, s, len);
	is_str(buf_str(&b), want, "clean %s", what);
	buf_reset(&b);
	r = htid_unclean(&b, want, strlen(want));
	is_int(r, 0, "unclean %s succeeds", want);
	ok(b.len == len && memcmp(buf_str(&b), s, len) == 0, "unclean(clean(%s)) is the input", what);
	buf_free(&b);
}

#define CLEAN(s, want) clean_case((s), sizeof(s) - 1, (want), (s))

static void
test_clean(void)
{
	struct buf b = BUF_INIT;
	char all[256];
	int i, fine;

	/* the table in hathitrust-interfaces.md section 1.1 (local ids) */
	CLEAN("ark:/13960/t00000431", "ark+=13960=t00000431");
	CLEAN("ark:/13960/t5v69h717", "ark+=13960=t5v69h717");
	CLEAN("aql8896.0001.001", "aql8896,0001,001");
	CLEAN("$b759628", "$b759628");
	CLEAN("x.y,z", "x,y^2cz");
	CLEAN("a+b c", "a^2bb^20c");
	/* ids from the fixtures */
	CLEAN("ark:/13960/t45q68d6j", "ark+=13960=t45q68d6j");
	CLEAN("$b361976", "$b361976");
	CLEAN("$b759626", "$b759626");
	CLEAN("39015018415946", "39015018415946");
	CLEAN("reflections.umn16596a", "reflections,umn16596a");
	CLEAN("ark:/13960/fk7xk8557b", "ark+=13960=fk7xk8557b");
	/* every byte the rule escapes */
	CLEAN("\"*+,<=>?\\^|", "^22^2a^2b^2c^3c^3d^3e^3f^5c^5e^7c");
	/* non-ASCII (UTF-8 e-acute), DEL, a control byte, TAB: lowercase hex */
	CLEAN("caf\xc3\xa9", "caf^c3^a9");
	CLEAN("\x7f\x01\t", "^7f^01^09");
	CLEAN("\xff", "^ff");
	/* '=' and ':' and '/' and '.' together: escape first, then map */
	CLEAN("a=b:c/d.e", "a^3db+c=d,e");
	CLEAN("", "");
	/* an embedded NUL byte (lengths are explicit) */
	CLEAN("a\0b", "a^00b");
	/* characters that are not escaped */
	CLEAN("$&'()-;@[]_`{}~!#%", "$&'()-;@[]_`{}~!#%");

	/* clean appends */
	buf_adds(&b, "uc2.");
	htid_clean(&b, "ark:/1", 6);
	is_str(buf_str(&b), "uc2.ark+=1", "clean appends to the buffer");
	buf_free(&b);

	/* all 256 bytes round-trip */
	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	htid_clean(&b, all, sizeof all);
	fine = 1;
	for (i = 0; i < (int)b.len; i++) {
		unsigned char c = (unsigned char)b.s[i];
		if (c < 0x21 || c > 0x7e || c == '/' || c == ':' || c == '.')
			fine = 0;
	}
	ok(fine, "cleaned bytes are all printable ASCII without / : .");
	{
		struct buf u = BUF_INIT;
		is_int(htid_unclean(&u, b.s, b.len), 0, "unclean of all 256 bytes cleaned");
		ok(u.len == 256 && memcmp(u.s, all, 256) == 0, "all 256 bytes round-trip");
		buf_free(&u);
	}
	buf_free(&b);

	/* unclean accepts uppercase hex too */
	is_int(htid_unclean(&b, "^2C^C3^A9", 9), 0, "unclean uppercase hex");
	is_str(buf_str(&b), ",\xc3\xa9", "uppercase hex decodes");
	buf_free(&b);
	/* a decoded '=' is not turned into '/' (map first, then ^xx) */
	is_int(htid_unclean(&b, "^3d=^2b+", 8), 0, "unclean of escaped = and +");
	is_str(buf_str(&b), "=/+:", "escaped = + stay, bare = + map to / :");
	buf_free(&b);
}

static void
test_clean_id(void)
{
	struct buf b = BUF_INIT;

	is_int(htid_clean_id(&b, "loc.ark:/13960/t5v69h717"), 0, "clean_id of an ark");
	is_str(buf_str(&b), "loc.ark+=13960=t5v69h717", "clean_id keeps ns. and cleans the rest");
	buf_reset(&b);
	is_int(htid_clean_id(&b, "miun.aql8896.0001.001"), 0, "clean_id miun");
	is_str(buf_str(&b), "miun.aql8896,0001,001", "only the local id's dots become commas");
	buf_reset(&b);
	is_int(htid_clean_id(&b, "uc1.$b759628"), 0, "clean_id uc1");
	is_str(buf_str(&b), "uc1.$b759628", "$ is not escaped");
	buf_reset(&b);
	is_int(htid_clean_id(&b, "dul1.ark:/13960/t45q68d6j"), 0, "clean_id dul1");
	is_str(buf_str(&b), "dul1.ark+=13960=t45q68d6j", "dul1 ark");
	buf_reset(&b);
	is_int(htid_clean_id(&b, "nodot"), -1, "clean_id rejects nodot");
	is_int(b.len, 0, "nothing appended for a bad id");
	is_int(htid_clean_id(&b, "x."), -1, "clean_id rejects x.");
	is_int(htid_clean_id(&b, ".x"), -1, "clean_id rejects .x");
	buf_free(&b);
}

static void
unclean_bad(const char *s, const char *what)
{
	struct buf b = BUF_INIT;

	is_int(htid_unclean(&b, s, strlen(s)), -1, "unclean rejects %s", what);
	buf_free(&b);
}

static void
test_unclean_bad(void)
{
	struct buf b = BUF_INIT;

	unclean_bad("^", "a lone ^");
	unclean_bad("^4", "^ with one hex digit");
	unclean_bad("^zz", "^zz");
	unclean_bad("abc^", "a trailing ^");
	unclean_bad("ab^4", "a trailing ^ with one digit");
	unclean_bad("^g0", "^g0");
	unclean_bad("^0g", "^0g");
	unclean_bad("a^^41", "^^");
	/* the length is honoured: "^41" cut to "^4" is bad */
	is_int(htid_unclean(&b, "^41", 2), -1, "unclean respects len");
	buf_reset(&b);
	is_int(htid_unclean(&b, "^41", 3), 0, "^41 is fine");
	is_str(buf_str(&b), "A", "^41 is A");
	buf_free(&b);
}

static void
url_case(const char *url, const char *want)
{
	struct buf b = BUF_INIT;

	htid_from_url(&b, url, strlen(url));
	is_str(buf_str(&b), want, "from_url %s", url);
	buf_free(&b);
}

static void
test_from_url(void)
{
	url_case("https://hdl.handle.net/2027/mdp.39015018415946", "mdp.39015018415946");
	url_case("http://hdl.handle.net/2027/uc2.ark:/13960/t00000431", "uc2.ark:/13960/t00000431");
	url_case("https://babel.hathitrust.org/cgi/pt?id=mdp.39015018415946;seq=5", "mdp.39015018415946");
	url_case("https://babel.hathitrust.org/cgi/pt?id=uc1.$b759628&seq=7", "uc1.$b759628");
	url_case("http://babel.hathitrust.org/cgi/pt?id=miun.aql8896.0001.001#page", "miun.aql8896.0001.001");
	url_case("https://babel.hathitrust.org/cgi/pt?id=hvd.ah5cmf", "hvd.ah5cmf");
	url_case("mdp.39015018415946", "mdp.39015018415946");
	url_case("uc1.$b759628;seq=5", "uc1.$b759628;seq=5");	/* not a URL: unchanged */
	url_case("https://hdl.handle.net/2027/", "https://hdl.handle.net/2027/");	/* prefix only */
	url_case("https://example.org/2027/mdp.1", "https://example.org/2027/mdp.1");
	url_case("", "");
	url_case("HTTPS://HDL.HANDLE.NET/2027/mdp.1", "mdp.1");
	url_case("https://hdl.handle.net/2027/mdp.1?urlappend=%3Bseq=9", "mdp.1");
	url_case("https://babel.hathitrust.org/cgi/pt?seq=7;id=mdp.2", "mdp.2");
	url_case("https://babel.hathitrust.org/cgi/pt?id=gri.ark%3A%2F13960%2Ft5t761b44&seq=3",
	    "gri.ark:/13960/t5t761b44");
	url_case("https://babel.hathitrust.org/cgi/pt?seq=7", "https://babel.hathitrust.org/cgi/pt?seq=7");
	{
		/* len is honoured */
		const char *u = "https://hdl.handle.net/2027/mdp.1XXXX";
		struct buf b = BUF_INIT;
		is_int(htid_from_url(&b, u, strlen(u) - 4), 1, "a handle is a link");
		is_str(buf_str(&b), "mdp.1", "from_url respects len");
		is_int(htid_from_url(&b, "mdp.1", 5), 0, "an id is not a link");
		buf_free(&b);
	}
}

/* The one rule every tool takes a volume id by. */
static void
test_valid(void)
{
	static const char *const good[] = {
		"mdp.39015018415946", "uc1.$b759628", "miun.aql8896.0001.001",
		"loc.ark:/13960/t5v69h717", "uc2.ark:/13960/t00000431", "chi.79279237",
		"hvd.hn1_x-2", "a.b", NULL
	};
	static const char *const bad[] = {
		"", "mdp", "mdp.", ".1", "mdp.1,x", "mdp.1 x", "mdp.1\tx", "m-p.1", "ht-x.1",
		"<PREMIS:objectIdentifierValue>chi.79279237</PREMIS:objectIdentifierValue>",
		"chi.79279237</PREMIS:objectIdentifierValue>", "mdp.\"1\"", "mdp.caf\xc3\xa9",
		"mdp.1\x7f", "mdp.1\x1b[2J", "mdp.ark+=13960=t5v69h717", "mdp.1#x", "mdp.1?x",
		"mdp.1;x", NULL
	};
	char longid[HTID_MAX + 2];
	int i;

	for (i = 0; good[i]; i++)
		ok(htid_valid(good[i], strlen(good[i])), "valid: '%s'", good[i]);
	for (i = 0; bad[i]; i++)
		ok(!htid_valid(bad[i], strlen(bad[i])), "not valid: '%s'", bad[i]);
	ok(!htid_valid("mdp.1\0x", 7), "not valid: a NUL inside");
	ok(htid_valid("mdp.12", 5), "the length is respected");
	memset(longid, '1', sizeof longid);
	memcpy(longid, "mdp.", 4);
	ok(htid_valid(longid, HTID_MAX), "HTID_MAX bytes are taken");
	ok(!htid_valid(longid, HTID_MAX + 1), "HTID_MAX + 1 are not");
}

int
main(void)
{
	diag_init("test-htid");
	test_valid();
	test_split();
	test_clean();
	test_clean_id();
	test_unclean_bad();
	test_from_url();
	return tap_done();
}
