/* sha256: SHA-256 (FIPS 180-4), incremental. */
#ifndef PLATES_SHA256_H
#define PLATES_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes so far */
	unsigned char blk[64];
	size_t n;		/* bytes in blk */
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *p, size_t n);
void sha256_final(struct sha256 *c, unsigned char out[SHA256_LEN]);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(const unsigned char d[SHA256_LEN], char out[2 * SHA256_LEN + 1]);

#endif
