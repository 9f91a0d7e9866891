/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The contract between the loader and the purgatory, the code the kernel
 * jumps to after kexec: the loader copies the blob, fills this header (at
 * offset 0 of the blob), and makes the purgatory the image's entry point.
 * The blob is position-independent: no relocation is needed.
 *
 * Entered at (blob address + entry) with the MMU off, at EL1 or EL2, it
 * checks every segment listed (unless KX_PURG_NO_CHECKS) against its
 * table of per-chunk CRC-32 values, then jumps to kernel_entry with
 * x0 = dtb and x1-x3 = 0. On a mismatch it spins (there is nothing to
 * return to), having written the index of the bad segment to
 * failed_segment (and the chunk to the diagnostic block).
 *
 * Version 2: the check is a CRC-32 per chunk (version 1 had one SHA-256
 * per segment). It guards against accidental corruption between the load
 * and the jump, as kexec-tools' SHA-256 does: neither is a security
 * check, the expected values sit in the same memory as the data.
 */
#ifndef GK_PURGATORY_H
#define GK_PURGATORY_H

#include <stdint.h>

#define KX_PURG_MAGIC 0x59524f5447525550ull /* "PURGTORY" */
#define KX_PURG_VERSION 2
#define KX_PURG_MAX_SEGMENTS 16
#define KX_PURG_NO_CHECKS 0x1 /* kexec -i */
#define KX_PURG_NO_MMU 0x2    /* check with the MMU and caches off */

/*
 * One checked segment: the bytes [addr, addr + size) cut in chunks of
 * @chunk bytes (a power of two, at least 4 KiB; the last chunk may be
 * shorter), and at physical address @crc32 (4-byte aligned, anywhere the
 * segments and the idmap area are not, typically in the purgatory's own
 * segment after the blob) a table of @nchunks little-endian uint32: the
 * CRC-32 of each chunk as zlib's crc32() / libdeflate_crc32() compute it
 * (polynomial 0xEDB88320 reflected, inverted before and after). @nchunks
 * must be ceil(size / chunk): 0 for an empty segment.
 */
struct kx_purg_segment {
	uint64_t addr; /* physical */
	uint64_t size;
	uint64_t crc32;	  /* physical address of the table */
	uint32_t chunk;	  /* bytes per chunk */
	uint32_t nchunks; /* entries in the table */
	uint64_t reserved[2];
};

/* Little-endian, naturally aligned, 8-byte multiple. */
struct kx_purg_header {
	uint64_t magic;	       /* KX_PURG_MAGIC, set by the build */
	uint32_t version;      /* KX_PURG_VERSION, set by the build */
	uint32_t entry;	       /* offset of the entry point in the blob */
	uint64_t kernel_entry; /* filled by the loader */
	uint64_t dtb;	       /* filled by the loader */
	uint32_t flags;	       /* KX_PURG_* */
	uint32_t nr_segments;
	uint64_t idmap; /* physical address of a 64 KiB-aligned,
				   zeroed scratch area for page tables, or 0 */
	uint64_t idmap_size;
	int32_t failed_segment; /* -1, or the segment that failed its check */
	uint32_t reserved;
	struct kx_purg_segment seg[KX_PURG_MAX_SEGMENTS];
};

#endif
