/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the purgatory: the diagnostic block, the assembly helpers, and
 * the offsets the assembly shares with C. Included by .S files too.
 */
#ifndef GK_PURGATORY_INTERNAL_H
#define GK_PURGATORY_INTERNAL_H

/*
 * The diagnostic block sits right after the header, at blob offset
 * KX_DIAG_OFFSET (= sizeof(struct kx_purg_header)), 64-byte aligned. The
 * purgatory writes its progress there; after a hang, read it from memory
 * (QEMU monitor: xp /22wx BLOB+0x340). test_flags is an input for the
 * tests only: the loader leaves it 0.
 */
#define KX_DIAG_OFFSET 832
#define KX_DIAG_MAGIC 0x4741494447525550ull /* "PURGDIAG" */

#define KX_DIAG_MAGIC_OFF 0
#define KX_DIAG_TEST_FLAGS_OFF 8
#define KX_DIAG_PHASE_OFF 12
#define KX_DIAG_VECTOR_OFF 40
#define KX_DIAG_ESR_OFF 48
#define KX_DIAG_ELR_OFF 56
#define KX_DIAG_FAR_OFF 64
#define KX_DIAG_SIZE 88

/* test_flags */
#define KX_DIAG_TEST_NO_4K 0x1	/* act as if the 4 KiB granule were absent */
#define KX_DIAG_TEST_NO_CRC 0x2 /* act as if ISAR0.CRC32 were 0 */

/* phase: the last step begun */
#define KX_PHASE_ENTERED 1
#define KX_PHASE_TABLES 2   /* building the identity map */
#define KX_PHASE_MMU_ON 3   /* MMU and caches on */
#define KX_PHASE_CHECKING 4 /* segment, chunk: the one being checked */
#define KX_PHASE_MMU_OFF 5  /* cleaning, MMU and caches off */
#define KX_PHASE_MISMATCH 6 /* spinning: failed_segment, chunk say which */
/*
 * spinning: nr_segments > KX_PURG_MAX_SEGMENTS (failed_segment = 16), or
 * segment failed_segment's chunk or nchunks is not valid (purgatory.h)
 */
#define KX_PHASE_BAD_HEADER 7
#define KX_PHASE_JUMP 8	     /* entering the kernel */
#define KX_PHASE_EXCEPTION 9 /* spinning: vector, esr, elr, far say why */

/* mmu: how the segments were read */
#define KX_DIAG_MMU_NOT_RUN 0	/* no checks (KX_PURG_NO_CHECKS) */
#define KX_DIAG_MMU_FLAG 1	/* off: KX_PURG_NO_MMU */
#define KX_DIAG_MMU_NO_IDMAP 2	/* off: idmap or idmap_size is 0 */
#define KX_DIAG_MMU_EL 3	/* off: not at EL1 or EL2 */
#define KX_DIAG_MMU_WAS_ON 4	/* off: the MMU was already on at entry */
#define KX_DIAG_MMU_GRANULE 5	/* off: neither 4 KiB nor 64 KiB granule */
#define KX_DIAG_MMU_NOMEM 6	/* off: the scratch area is too small */
#define KX_DIAG_MMU_RANGE 7	/* off: an address beyond 48 bits */
#define KX_DIAG_MMU_BAD_IDMAP 8 /* off: idmap not aligned to the granule */
#define KX_DIAG_MMU_4K 4096	/* on, 4 KiB granule */
#define KX_DIAG_MMU_64K 65536	/* on, 64 KiB granule */

/* check: the CRC-32 implementation (0: none ran, KX_PURG_NO_CHECKS) */
#define KX_DIAG_CHECK_TABLE 1 /* the 256-entry table (crc32.c) */
#define KX_DIAG_CHECK_INSN 2  /* the CRC32X/CRC32B instructions */

#ifndef __ASSEMBLER__
#include <stdint.h>
#include "purgatory.h"

/* Hidden: every reference stays PC-relative (no GOT) in the -fpie blob. */
#pragma GCC visibility push(hidden)

struct kx_purg_diag {
	uint64_t magic;	     /* KX_DIAG_MAGIC */
	uint32_t test_flags; /* in: KX_DIAG_TEST_*, tests only */
	uint32_t phase;	     /* KX_PHASE_* */
	uint32_t el;	     /* CurrentEL.EL | HCR_EL2.E2H << 8 */
	uint32_t check;	     /* KX_DIAG_CHECK_* */
	uint32_t mmu;	     /* KX_DIAG_MMU_* */
	uint32_t tables;     /* bytes of the scratch area used */
	uint32_t segment;    /* the segment being checked */
	uint32_t chunk;	     /* ... its chunk (the bad one after a mismatch) */
	uint64_t vector;     /* exception: offset in the vector table */
	uint64_t esr, elr, far;
	uint64_t sctlr;	   /* SCTLR_ELx at entry */
	uint64_t sctlr_on; /* SCTLR_ELx read back after the MMU went on */
};

_Static_assert(sizeof(struct kx_purg_header) == KX_DIAG_OFFSET,
	       "the header layout changed");
_Static_assert(__builtin_offsetof(struct kx_purg_diag, test_flags) ==
			       KX_DIAG_TEST_FLAGS_OFF &&
		       __builtin_offsetof(struct kx_purg_diag, phase) ==
			       KX_DIAG_PHASE_OFF &&
		       __builtin_offsetof(struct kx_purg_diag, vector) ==
			       KX_DIAG_VECTOR_OFF &&
		       __builtin_offsetof(struct kx_purg_diag, esr) ==
			       KX_DIAG_ESR_OFF &&
		       __builtin_offsetof(struct kx_purg_diag, elr) ==
			       KX_DIAG_ELR_OFF &&
		       __builtin_offsetof(struct kx_purg_diag, far) ==
			       KX_DIAG_FAR_OFF &&
		       sizeof(struct kx_purg_diag) == KX_DIAG_SIZE,
	       "entry.S uses these offsets");

/* entry.S */
extern struct kx_purg_header purgatory_header;
extern char __purgatory_end[];
__attribute__((noreturn)) void kx_enter_kernel(uint64_t entry, uint64_t dtb);
__attribute__((noreturn)) void kx_spin(void);

/* arch.S: system registers at the current EL (1 or 2) */
unsigned kx_current_el(void);	/* CurrentEL.EL */
uint64_t kx_read_hcr_el2(void); /* only at EL2 */
uint64_t kx_read_isar0(void);
uint64_t kx_read_mmfr0(void);
uint64_t kx_read_sctlr(void);
void kx_dcache_inval(uint64_t start, uint64_t end);	  /* dc ivac + dsb */
void kx_dcache_clean_inval(uint64_t start, uint64_t end); /* dc civac + dsb */
void kx_mmu_on(uint64_t ttbr0, uint64_t tcr, uint64_t mair, uint64_t sctlr);
void kx_mmu_off(uint64_t sctlr, uint64_t clean_start, uint64_t clean_end);

void purgatory_main(struct kx_purg_header *h) __attribute__((noreturn));
#pragma GCC visibility pop
#endif

#endif
