/* fuzz-ht-ids: the reader of HathiTrust lists (ht_collections: collection
 * exports and worksets in JSON, TSV and CSV exports, HathiFiles, plain
 * lists; plain or gzip) never crashes, leaks or reads out of bounds; each
 * id then goes through ht-ids' checks (htid_from_url, htid_valid).
 * Checked besides: every record's id is trimmed and NUL-terminated, its
 * fields NUL-terminated and present only where the format has them, its
 * line 0 in JSON and counting up from 1 in the line formats; every error
 * has a message; reading the same file twice gives the same records, and
 * a reading stopped by a callback gives the first of them. */
#include <string.h>

#include "fuzz.h"

#include "diag.h"
#include "ht_collections.h"
#include "htid.h"
#include "tsv.h"

struct seen {
	struct buf log, id;
	unsigned long errors, lastline;
	unsigned long calls, stop_after;	/* stop_after 0: never stop */
};

static int
stop_now(struct seen *s)
{
	return s->stop_after && ++s->calls >= s->stop_after;
}

static void
must(int ok)
{
	if (!ok)
		abort();
}

static int
on_record(void *arg, const struct ht_collections_record *r)
{
	struct seen *s = arg;
	int i;

	must(r->id[r->idlen] == '\0');
	if (r->idlen)
		must(!memchr(" \t\r", r->id[0], 3) && !memchr(" \t\r", r->id[r->idlen - 1], 3));
	if (r->format == HT_COLLECTIONS_JSON) {
		must(r->line == 0);
	} else {
		must(r->line >= 1 && r->line > s->lastline);
		s->lastline = r->line;
	}
	buf_printf(&s->log, "%d %lu ", (int)r->format, r->line);
	tsv_escape(&s->log, r->id, r->idlen);
	for (i = 0; i < HT_COLLECTIONS_NFIELDS; i++) {
		must(r->field[i][r->len[i]] == '\0');
		must(r->have[i] || r->len[i] == 0);
		if (r->format == HT_COLLECTIONS_LIST)
			must(!r->have[i]);
		buf_printf(&s->log, "\t%d:", r->have[i]);
		buf_add(&s->log, r->field[i], r->len[i]);
	}
	buf_addc(&s->log, '\n');
	htid_from_url(&s->id, r->id, r->idlen);
	if (htid_valid(s->id.s, s->id.len))
		must(memchr(s->id.s, '.', s->id.len) != NULL);
	return stop_now(s);
}

static int
on_error(void *arg, const char *file, unsigned long line, const char *msg)
{
	struct seen *s = arg;

	must(file != NULL && *msg != '\0');
	buf_printf(&s->log, "error %lu %s\n", line, msg);
	s->errors++;
	return stop_now(s);
}

static void
run(const char *path, struct seen *s)
{
	struct ht_collections_cb cb = { on_record, on_error, s };
	struct io_in *in;

	buf_reset(&s->log);
	buf_add(&s->log, "", 0);
	s->errors = s->lastline = s->calls = 0;
	if (!(in = io_open(path)))
		abort();
	must(ht_collections_read(in, &cb) == s->errors);
	io_close(in);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct seen a, b;
	const char *path;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	diag_init("ht-ids");
	diag_set_quiet(1);
	path = fuzz_file(data, n);
	run(path, &a);
	run(path, &b);
	must(a.log.len == b.log.len && memcmp(a.log.s, b.log.s, a.log.len) == 0);
	/* stopped after the third callback: the start of the whole */
	b.stop_after = 3;
	run(path, &b);
	must(b.calls <= 3 && b.log.len <= a.log.len && memcmp(a.log.s, b.log.s, b.log.len) == 0);
	if (b.calls < 3)
		must(b.log.len == a.log.len);
	buf_free(&a.log);
	buf_free(&a.id);
	buf_free(&b.log);
	buf_free(&b.id);
	return 0;
}
