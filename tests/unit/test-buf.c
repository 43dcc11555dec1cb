/* test-buf: the growable, NUL-terminated byte buffer. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "buf.h"
#include "diag.h"

int
main(void)
{
	struct buf b = BUF_INIT;
	size_t i, big = 1024 * 1024 + 17;
	int fine;
	char *want;

	diag_init("test-buf");

	/* empty */
	is_str(buf_str(&b), "", "buf_str of a new buffer is \"\"");
	is_int(b.len, 0, "new buffer is empty");
	buf_reset(&b);
	is_str(buf_str(&b), "", "reset of a new buffer is harmless");
	buf_truncate(&b, 5);
	is_int(b.len, 0, "truncate of a new buffer is harmless");
	buf_add(&b, "", 0);
	is_str(buf_str(&b), "", "adding nothing gives \"\"");
	ok(b.s != NULL && b.s[0] == '\0', "adding nothing still NUL-terminates");
	buf_free(&b);
	ok(b.s == NULL && b.len == 0 && b.cap == 0, "buf_free clears the fields");
	is_str(buf_str(&b), "", "buf_str after free is \"\"");

	/* add, addc, adds */
	buf_add(&b, "abc", 3);
	buf_addc(&b, 'd');
	buf_adds(&b, "ef");
	is_str(buf_str(&b), "abcdef", "add + addc + adds");
	is_int(b.len, 6, "length 6");
	ok(b.cap > b.len, "capacity leaves room for the NUL");
	buf_add(&b, "g\0h", 3);
	is_int(b.len, 9, "add counts an embedded NUL");
	ok(memcmp(b.s, "abcdefg\0h", 10) == 0, "embedded NUL kept, NUL-terminated");
	buf_addc(&b, 0);
	is_int(b.len, 10, "addc of NUL counts");

	/* truncate */
	buf_truncate(&b, 3);
	is_str(buf_str(&b), "abc", "truncate to 3");
	is_int(b.len, 3, "length 3");
	buf_truncate(&b, 10);
	is_str(buf_str(&b), "abc", "truncate longer than len does nothing");
	is_int(b.len, 3, "length still 3");
	buf_truncate(&b, 3);
	is_str(buf_str(&b), "abc", "truncate to len does nothing");

	/* printf appends */
	buf_printf(&b, "-%d-%s-%05.1f", 42, "x", 3.14159);
	is_str(buf_str(&b), "abc-42-x-003.1", "printf appends");
	is_int(b.len, strlen("abc-42-x-003.1"), "printf updates len");
	buf_printf(&b, "%s", "");
	is_str(buf_str(&b), "abc-42-x-003.1", "printf of nothing");

	/* reset keeps the memory, empties the content */
	{
		size_t cap = b.cap;
		buf_reset(&b);
		is_str(buf_str(&b), "", "reset gives \"\"");
		is_int(b.len, 0, "reset gives length 0");
		is_int(b.cap, cap, "reset keeps the capacity");
	}
	buf_adds(&b, "again");
	is_str(buf_str(&b), "again", "reuse after reset");

	/* printf larger than the current capacity */
	buf_reset(&b);
	buf_printf(&b, "%0*d", 1000, 7);
	is_int(b.len, 1000, "printf of 1000 chars");
	ok(b.s[0] == '0' && b.s[998] == '0' && b.s[999] == '7' && b.s[1000] == '\0',
	    "printf of 1000 chars is right and terminated");
	buf_free(&b);

	/* growth past 1 MiB, one byte at a time, and by chunks */
	want = malloc(big);
	for (i = 0; i < big; i++)
		want[i] = (char)('a' + i % 26);
	for (i = 0; i < big; i++)
		buf_addc(&b, want[i]);
	is_int(b.len, big, "1 MiB + 17 bytes added one at a time");
	ok(b.cap > big, "capacity grew");
	ok(memcmp(b.s, want, big) == 0 && b.s[big] == '\0', "content intact after growth");
	buf_free(&b);

	for (i = 0; i < big; i += 1000)
		buf_add(&b, want + i, big - i < 1000 ? big - i : 1000);
	is_int(b.len, big, "1 MiB + 17 bytes added in chunks");
	ok(memcmp(b.s, want, big) == 0 && b.s[big] == '\0', "chunked content intact");
	buf_free(&b);

	buf_add(&b, "x", 1);
	buf_add(&b, want, big);
	is_int(b.len, big + 1, "one big add after a small one");
	ok(b.s[0] == 'x' && memcmp(b.s + 1, want, big) == 0 && b.s[big + 1] == '\0', "big add intact");
	buf_free(&b);

	/* reserve */
	buf_reserve(&b, 5000);
	ok(b.cap >= 5001, "reserve makes room for n bytes and the NUL");
	is_int(b.len, 0, "reserve does not change the length");
	{
		char *before = b.s;
		for (i = 0; i < 5000; i++)
			buf_addc(&b, 'z');
		ok(b.s == before, "no reallocation within the reserved room");
	}
	fine = 1;
	for (i = 0; i < 5000; i++)
		if (b.s[i] != 'z')
			fine = 0;
	ok(fine && b.s[5000] == '\0', "reserved room filled");
	buf_free(&b);
	free(want);

	return tap_done();
}
