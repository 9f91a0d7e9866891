/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 (FIPS 180-4) for the purgatory, in two variants that compute
 * the same thing: portable C (sha256.c) and the ARMv8 Cryptography
 * Extension (sha256-ce.S). Freestanding: no libc, no allocation. The same
 * files are linked into the user-mode test program (tests/purgatory/).
 */
#ifndef GK_PURGATORY_SHA256_H
#define GK_PURGATORY_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* Hidden: in the -fpie purgatory, every reference stays PC-relative. */
#pragma GCC visibility push(hidden)

#define KX_SHA256_BLOCK 64
#define KX_SHA256_DIGEST 32

/*
 * Compress nblocks consecutive 64-byte blocks into state[8] (H0..H7).
 * data may have any alignment.
 */
typedef void kx_sha256_blocks_fn(uint32_t state[8], const uint8_t *data,
				 size_t nblocks);

kx_sha256_blocks_fn kx_sha256_blocks_generic; /* portable C */
kx_sha256_blocks_fn kx_sha256_blocks_ce;      /* needs FEAT_SHA256 + FP on */

/*
 * The variant for a CPU with these ID register values: the Cryptography
 * Extension when ID_AA64ISAR0_EL1.SHA2 (bits [15:12]) >= 1 and
 * ID_AA64PFR0_EL1.AdvSIMD (bits [23:20]) is not 0xf (not implemented),
 * else the portable one.
 */
kx_sha256_blocks_fn *kx_sha256_select(uint64_t isar0, uint64_t pfr0);

/* The digest of len bytes at data, with the given block function. */
void kx_sha256(kx_sha256_blocks_fn *blocks, const void *data, uint64_t len,
	       uint8_t out[KX_SHA256_DIGEST]);

#pragma GCC visibility pop

#endif
