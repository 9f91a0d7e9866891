// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 as FIPS 180-4 defines it (sections 4.1.2, 4.2.2, 5.1.1, 5.3.3,
 * 6.2.2), written for the purgatory: no libc, no unaligned loads (with the
 * MMU off every data access is Device memory, where an unaligned access
 * faults; the build also passes -mstrict-align), no floating point.
 */
#include "sha256.h"

/*
 * K: the first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes (FIPS 180-4 4.2.2). Shared with sha256-ce.S.
 */
const uint32_t kx_sha256_k[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* FIPS 180-4 4.1.2 */
#define CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x) (ror(x, 2) ^ ror(x, 13) ^ ror(x, 22))
#define BSIG1(x) (ror(x, 6) ^ ror(x, 11) ^ ror(x, 25))
#define SSIG0(x) (ror(x, 7) ^ ror(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ror(x, 17) ^ ror(x, 19) ^ ((x) >> 10))

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* FIPS 180-4 6.2.2, one block at a time; W kept as a 16-word ring. */
void kx_sha256_blocks_generic(uint32_t state[8], const uint8_t *data,
			      size_t nblocks)
{
	uint32_t w[16];

	for (; nblocks; nblocks--, data += KX_SHA256_BLOCK) {
		uint32_t a = state[0], b = state[1], c = state[2], d = state[3],
			 e = state[4], f = state[5], g = state[6], h = state[7];

		for (unsigned t = 0; t < 64; t++) {
			uint32_t wt, t1, t2;

			if (t < 16) {
				wt = load_be32(data + 4 * t);
			} else {
				wt = SSIG1(w[(t - 2) & 15]) + w[(t - 7) & 15] +
				     SSIG0(w[(t - 15) & 15]) + w[t & 15];
			}
			w[t & 15] = wt;
			t1 = h + BSIG1(e) + CH(e, f, g) + kx_sha256_k[t] + wt;
			t2 = BSIG0(a) + MAJ(a, b, c);
			h = g;
			g = f;
			f = e;
			e = d + t1;
			d = c;
			c = b;
			b = a;
			a = t1 + t2;
		}
		state[0] += a;
		state[1] += b;
		state[2] += c;
		state[3] += d;
		state[4] += e;
		state[5] += f;
		state[6] += g;
		state[7] += h;
	}
}

kx_sha256_blocks_fn *kx_sha256_select(uint64_t isar0, uint64_t pfr0)
{
	unsigned sha2 = (isar0 >> 12) & 0xf;
	unsigned advsimd = (pfr0 >> 20) & 0xf;

	if (sha2 >= 1 && advsimd != 0xf)
		return kx_sha256_blocks_ce;
	return kx_sha256_blocks_generic;
}

/* Byte-wise: no memset/memcpy (nothing to link them from). */
static void zero(uint8_t *p, unsigned n)
{
	while (n--)
		*p++ = 0;
}

void kx_sha256(kx_sha256_blocks_fn *blocks, const void *data, uint64_t len,
	       uint8_t out[KX_SHA256_DIGEST])
{
	/* FIPS 180-4 5.3.3: the initial hash value */
	uint32_t state[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	const uint8_t *p = data;
	uint64_t full = len / KX_SHA256_BLOCK;
	unsigned rest = len % KX_SHA256_BLOCK, n;
	uint8_t tail[2 * KX_SHA256_BLOCK];
	uint64_t bits = len * 8;

	/* Every whole block straight from the source, no copy. */
	if (full)
		blocks(state, p, full);
	p += full * KX_SHA256_BLOCK;

	/*
	 * FIPS 180-4 5.1.1: the rest, a 1 bit, zeros up to 56 mod 64, and
	 * the message length in bits, big-endian: one or two blocks.
	 */
	zero(tail, sizeof(tail));
	for (unsigned i = 0; i < rest; i++)
		tail[i] = p[i];
	tail[rest] = 0x80;
	n = rest < KX_SHA256_BLOCK - 8 ? KX_SHA256_BLOCK : 2 * KX_SHA256_BLOCK;
	for (unsigned i = 0; i < 8; i++)
		tail[n - 1 - i] = (uint8_t)(bits >> (8 * i));
	blocks(state, tail, n / KX_SHA256_BLOCK);

	for (unsigned i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(state[i] >> 24);
		out[4 * i + 1] = (uint8_t)(state[i] >> 16);
		out[4 * i + 2] = (uint8_t)(state[i] >> 8);
		out[4 * i + 3] = (uint8_t)state[i];
	}
}
