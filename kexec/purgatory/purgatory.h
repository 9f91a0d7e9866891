/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The contract between the loader and the purgatory, the code the kernel
 * jumps to after kexec: the loader copies the blob, fills this header (at
 * offset 0 of the blob), and makes the purgatory the image's entry point.
 * The blob is position-independent: no relocation is needed.
 *
 * Entered at (blob address + entry) with the MMU off, at EL1 or EL2, it
 * checks the SHA-256 of every segment listed (unless KX_PURG_NO_CHECKS),
 * then jumps to kernel_entry with x0 = dtb and x1-x3 = 0. On a mismatch
 * it spins (there is nothing to return to), having written the index of
 * the bad segment to failed_segment.
 */
#ifndef GK_PURGATORY_H
#define GK_PURGATORY_H

#include <stdint.h>

#define KX_PURG_MAGIC 0x59524f5447525550ull /* "PURGTORY" */
#define KX_PURG_MAX_SEGMENTS 16
#define KX_PURG_NO_CHECKS 0x1 /* kexec -i */
#define KX_PURG_NO_MMU 0x2    /* hash with the MMU and caches off */

struct kx_purg_segment {
	uint64_t addr; /* physical */
	uint64_t size;
	uint8_t sha256[32];
};

/* Little-endian, naturally aligned, 8-byte multiple. */
struct kx_purg_header {
	uint64_t magic;	       /* KX_PURG_MAGIC, set by the build */
	uint32_t version;      /* 1 */
	uint32_t entry;	       /* offset of the entry point in the blob */
	uint64_t kernel_entry; /* filled by the loader */
	uint64_t dtb;	       /* filled by the loader */
	uint32_t flags;	       /* KX_PURG_* */
	uint32_t nr_segments;
	uint64_t idmap; /* physical address of a 64 KiB-aligned,
				   zeroed scratch area for page tables, or 0 */
	uint64_t idmap_size;
	int32_t failed_segment; /* -1, or the segment whose digest differs */
	uint32_t reserved;
	struct kx_purg_segment seg[KX_PURG_MAX_SEGMENTS];
};

#endif
