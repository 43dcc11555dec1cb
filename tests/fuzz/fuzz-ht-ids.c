/* fuzz-ht-ids: ht-ids' readers (collection exports and worksets in JSON,
 * TSV and CSV exports, HathiFiles, plain lists; plain or gzip) never
 * crash, leak or read out of bounds, with no columns and with them all. */
#include "tool.h"

#define main ht_ids_main
#include "../../cmd/ht-ids.c"
#undef main

static void
run(const char *path, int all)
{
	int i;

	memset(&opt, 0, sizeof opt);
	if (all) {
		opt.full_view = 1;
		for (i = 0; i < NFIELDS; i++)
			opt.fields[opt.nfields++] = i;
	}
	seen = hset_new();
	read_file(path);
	tsv_flush();
	hset_free(seen);
	seen = NULL;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	const char *path;

	diag_init("ht-ids");
	diag_set_quiet(1);
	fuzz_null_stdout();
	path = fuzz_file(data, n);
	run(path, 0);
	run(path, 1);
	return 0;
}
