/* test-sha256: FIPS 180-4 example digests and incremental updates, with
 * the compression function the CPU allows, then with the plain C one. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#include "sha256.h"

static const char *
digest(const char *s, size_t len, size_t step)
{
	static char hex[2 * SHA256_LEN + 1];
	unsigned char d[SHA256_LEN];
	struct sha256 c;
	size_t i, k;

	sha256_init(&c);
	for (i = 0; i < len; i += k) {
		k = len - i < step ? len - i : step;
		sha256_update(&c, s + i, k);
	}
	sha256_final(&c, d);
	sha256_hex(d, hex);
	return hex;
}

/* The checks; each is reported through ok() when tap is set, and the
 * number of failures is returned. */
static int
vectors(int tap)
{
	static const char two[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const size_t steps[] = { 1, 3, 63, 64, 65, 1000 };
	static const struct {
		const char *what, *want;
	} more[] = {
		{ "empty string", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "\"abc\" (FIPS 180-4 example)",
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "55 bytes: the padding fits one block",
		  "aa353e009edbaebfc6e494c8d847696896cb8b398e0173a4b5c1b636292d87c7" },
		{ "a million 'a'", "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
	};
	const char *got[4];
	char *million;
	int fails = 0, pass;
	size_t i;

	million = malloc(1000000);
	memset(million, 'a', 1000000);
	got[0] = strdup(digest("", 0, 1));
	got[1] = strdup(digest("abc", 3, 3));
	got[2] = strdup(digest(two, 55, 55));
	got[3] = strdup(digest(million, 1000000, 4096));
	free(million);
	for (i = 0; i < 4; i++) {
		pass = strcmp(got[i], more[i].want) == 0;
		fails += !pass;
		if (tap)
			ok(pass, "%s", more[i].what);
		free((char *)got[i]);
	}
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		pass = strcmp(digest(two, strlen(two), steps[i]),
		    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0;
		fails += !pass;
		if (tap)
			ok(pass, "448-bit message in pieces of %zu", steps[i]);
	}
	return fails;
}

int
main(void)
{
	pid_t pid;
	int status = -1;

	vectors(1);
	/* the plain C compression, as on CPUs without the SHA extensions */
	if ((pid = fork()) == 0) {
		setenv("PLATES_SHA256_NO_NI", "1", 1);
		_exit(vectors(0) ? 1 : 0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	ok(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the plain C compression gives the same digests");
	return tap_done();
}
