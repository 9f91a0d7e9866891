/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CRC-32 for the purgatory's segment check: the gzip/zlib polynomial
 * (0xEDB88320, reflected), as libdeflate_crc32() computes it in the
 * loader. Two variants that compute the same thing: the ARMv8 CRC32X/
 * CRC32B instructions (optional in ARMv8.0, mandatory from ARMv8.1) and
 * a 256-entry table. Freestanding; the same file is linked into the
 * user-mode test program (tests/purgatory/).
 */
#ifndef GK_PURGATORY_CRC32_H
#define GK_PURGATORY_CRC32_H

#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/*
 * Update the raw register @crc with @len bytes at @p (any alignment),
 * without the pre and post inversion: kx_crc32() adds those.
 */
typedef uint32_t kx_crc32_fn(uint32_t crc, const uint8_t *p, uint64_t len);

kx_crc32_fn kx_crc32_table; /* portable C, one table lookup a byte */
kx_crc32_fn kx_crc32_insn;  /* needs ID_AA64ISAR0_EL1.CRC32 != 0 */

/* The variant for a CPU whose ID_AA64ISAR0_EL1 is @isar0 (bits [19:16]). */
kx_crc32_fn *kx_crc32_select(uint64_t isar0);

/* libdeflate_crc32(0, data, len): inverted before and after. */
uint32_t kx_crc32(kx_crc32_fn *fn, const void *data, uint64_t len);

#pragma GCC visibility pop

#endif
