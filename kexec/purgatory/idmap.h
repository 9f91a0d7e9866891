/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Identity-map page tables for the purgatory: VMSAv8-64 stage 1, 48-bit
 * VA, 4 KiB or 64 KiB granule, built in a scratch area the loader gives
 * (kx_purg_header.idmap). Every range is mapped as Normal write-back
 * memory with the attributes the caller gives, rounded out to the granule
 * only: whole blocks (4 KiB granule: 1 GiB at level 1, 2 MiB at level 2;
 * 64 KiB granule: 512 MiB at level 2) where a block lies wholly inside a
 * range, pages at the edges. Nothing beyond the ranges is mapped, so the
 * CPU can never speculate into a device or a secure carve-out that shares
 * a block with RAM. Portable C: the same file runs in the purgatory (with
 * the MMU off, va == pa) and in the user-mode tests, which walk the result.
 */
#ifndef GK_PURGATORY_IDMAP_H
#define GK_PURGATORY_IDMAP_H

#include <stdint.h>

/* Hidden: in the -fpie purgatory, every reference stays PC-relative. */
#pragma GCC visibility push(hidden)

#define KX_IDMAP_VA_BITS 48

/* Descriptor bits (Arm ARM D8.3, "VMSAv8-64 translation table format") */
#define KX_PTE_TYPE_MASK 0x3ull
#define KX_PTE_BLOCK 0x1ull			/* levels 1-2 */
#define KX_PTE_TABLE 0x3ull			/* levels 0-2 */
#define KX_PTE_PAGE 0x3ull			/* level 3 */
#define KX_PTE_ATTRINDX(n) ((uint64_t)(n) << 2) /* MAIR_ELx.Attr<n> */
#define KX_PTE_AP1 (1ull << 6) /* EL1: EL0 access; EL2 (E2H=0): RES1 */
#define KX_PTE_SH_INNER (3ull << 8)
#define KX_PTE_AF (1ull << 10)

/*
 * Upper bound of the scratch pages kx_idmap_map needs for nranges ranges
 * with a 4 KiB granule: the level-0 table, and per range at most two
 * level-1 tables (it crosses a 512 GiB line), two level-2 tables (partial
 * GiB at each end) and two level-3 tables (partial 2 MiB at each end).
 */
#define KX_IDMAP_PAGES_MAX(nranges) (1 + 6 * (nranges))

enum {
	KX_IDMAP_OK = 0,
	KX_IDMAP_ENOMEM = -1, /* the scratch area is too small */
	KX_IDMAP_ERANGE = -2, /* a range reaches beyond 2^48 */
	KX_IDMAP_EINVAL = -3, /* bad granule, or a misaligned scratch area */
};

struct kx_idmap {
	uint8_t *va; /* the scratch area, as this code reaches it */
	uint64_t pa; /* its physical address */
	uint64_t size;
	uint64_t used;	 /* bytes handed out to tables */
	unsigned shift;	 /* log2 of the granule: 12 or 16 */
	int start_level; /* 0 (4 KiB) or 1 (64 KiB) */
	uint64_t leaf;	 /* attributes ORed into every block and page */
	uint64_t root;	 /* physical address of the first-level table */
};

/* Allocate the (zeroed) first-level table. */
int kx_idmap_init(struct kx_idmap *m, void *va, uint64_t pa, uint64_t size,
		  unsigned shift, uint64_t leaf);

/* Map [start, start + len), rounded out to the granule. */
int kx_idmap_map(struct kx_idmap *m, uint64_t start, uint64_t len);

/* log2 of the size one entry at this level maps */
static inline unsigned kx_idmap_level_shift(unsigned shift, int level)
{
	return shift + (unsigned)(3 - level) * (shift - 3);
}

#pragma GCC visibility pop

#endif
