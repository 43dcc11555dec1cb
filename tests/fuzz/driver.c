/* driver: run a fuzz harness over files, without libFuzzer, so the seed
 * corpora and every crash ever found are replayed by make check.
 *   fuzz-x FILE...   (exit 0 when every input passes) */
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *p = NULL;
		size_t n = 0, cap = 0, k;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		for (;;) {
			if (n == cap) {
				cap = cap ? cap * 2 : 65536;
				if (!(p = realloc(p, cap)))
					return 1;
			}
			if ((k = fread(p + n, 1, cap - n, f)) == 0)
				break;
			n += k;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(p, n);
		free(p);
		printf("ok %d - %s\n", i, argv[i]);
	}
	printf("1..%d\n", argc - 1);
	return 0;
}
