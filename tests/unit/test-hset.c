/* test-hset: the set of byte strings. */
#include <stdio.h>
#include <string.h>

#include "tap.h"

#include "diag.h"
#include "hset.h"

#define N 100000

/* Key i: "id-<i>", with a NUL byte inside for every third key. */
static size_t
key(char *out, size_t i)
{
	int n = snprintf(out, 32, "id-%zu", i);

	if (i % 3 == 0)
		out[2] = '\0';	/* "id\0<i>" */
	return (size_t)n;
}

int
main(void)
{
	struct hset *h;
	char k[32];
	size_t i, len, missing, dup, wrong;

	diag_init("test-hset");

	h = hset_new();
	is_int(hset_count(h), 0, "new set is empty");
	ok(!hset_has(h, "a", 1), "new set has nothing");
	ok(!hset_has(h, "", 0), "new set has not the empty string");
	is_int(hset_add(h, "mdp.1", 5), 1, "add returns 1 for a new key");
	is_int(hset_add(h, "mdp.1", 5), 0, "add returns 0 for a key already there");
	is_int(hset_count(h), 1, "count 1");
	ok(hset_has(h, "mdp.1", 5), "has the key");
	ok(!hset_has(h, "mdp.2", 5), "has not another key");

	/* lengths are explicit: prefixes and extensions are different keys */
	ok(!hset_has(h, "mdp.", 4), "a prefix is not in the set");
	ok(!hset_has(h, "mdp.1x", 6), "a longer key is not in the set");
	ok(!hset_has(h, "mdp.1\0", 6), "the key plus a NUL is not in the set");
	is_int(hset_add(h, "mdp.12", 5), 0, "only len bytes count: mdp.12 cut to 5 is mdp.1");
	is_int(hset_add(h, "mdp.", 4), 1, "the prefix is a new key");
	is_int(hset_add(h, "mdp.1\0", 6), 1, "the key plus a NUL is a new key");
	is_int(hset_add(h, "", 0), 1, "the empty key is a key");
	is_int(hset_add(h, "", 0), 0, "the empty key only once");
	ok(hset_has(h, "", 0), "has the empty key");
	is_int(hset_count(h), 4, "count 4");
	is_int(hset_add(h, "\0", 1), 1, "a single NUL byte is a new key");
	is_int(hset_add(h, "\0\0", 2), 1, "two NUL bytes are another key");
	is_int(hset_count(h), 6, "count 6");
	hset_free(h);

	/* many keys, through many growths */
	h = hset_new();
	dup = 0;
	for (i = 0; i < N; i++) {
		len = key(k, i);
		if (hset_add(h, k, len) != 1)
			dup++;
	}
	is_int(dup, 0, "100000 distinct keys all new");
	is_int(hset_count(h), N, "count 100000");
	missing = 0;
	for (i = 0; i < N; i++) {
		len = key(k, i);
		if (!hset_has(h, k, len))
			missing++;
	}
	is_int(missing, 0, "all 100000 keys found after growth");
	dup = 0;
	for (i = 0; i < N; i++) {
		len = key(k, i);
		if (hset_add(h, k, len) != 0)
			dup++;
	}
	is_int(dup, 0, "adding them again returns 0 every time");
	is_int(hset_count(h), N, "count still 100000");
	wrong = 0;
	for (i = N; i < 2 * N; i++) {
		len = key(k, i);
		if (hset_has(h, k, len))
			wrong++;
	}
	is_int(wrong, 0, "100000 other keys not found");
	/* the NUL-containing key is not the same as its text up to the NUL */
	len = key(k, 3);
	ok(len == 4 && memcmp(k, "id\0" "3", 4) == 0, "key 3 is id, NUL, 3");
	ok(hset_has(h, k, len), "key with a NUL (id\\03) found");
	ok(hset_has(h, "id\0" "3", 4), "the same key from a literal found");
	ok(!hset_has(h, "id", 2), "its part before the NUL is not a key");
	ok(!hset_has(h, "id-3", 4), "the key with - for the NUL is not a key");
	ok(hset_has(h, "id-4", 4), "key id-4 found");
	ok(!hset_has(h, "id\0" "4", 4), "id-4 with a NUL for the - is not a key");
	hset_free(h);

	/* the set keeps its own copy of each key */
	h = hset_new();
	{
		char kb[8] = "key", res[8];
		const char *seq[] = { "a", "b", "a", "", "b", "ab", "" };
		int j;

		hset_add(h, kb, 3);
		memcpy(kb, "xyz", 3);
		ok(hset_has(h, "key", 3), "the set copied the key");
		ok(!hset_has(h, kb, 3), "changing the caller's buffer changes nothing");
		for (j = 0; j < 7; j++)
			res[j] = (char)('0' + hset_add(h, seq[j], strlen(seq[j])));
		res[7] = '\0';
		is_str(res, "1101010", "add results for a b a \"\" b ab \"\"");
	}
	is_int(hset_count(h), 5, "count after that sequence");
	hset_free(h);

	hset_free(NULL);
	ok(1, "hset_free(NULL) is harmless");

	return tap_done();
}
