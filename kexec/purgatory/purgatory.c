// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The purgatory: check every segment the loader listed against its
 * table of per-chunk CRC-32 values, then enter the next kernel with x0 = DTB, x1-x3 = 0 (Documentation/
 * arch/arm64/booting.rst). See purgatory.h for the contract.
 *
 * The kernel enters us with the MMU off, so every data access is Device
 * memory: uncached, and on silicon reading a 60 MB kernel + initrd that way
 * takes seconds. Given a scratch area (header.idmap), we therefore build
 * an identity map of exactly the memory we touch (our own image and the
 * segments and their tables), turn the MMU and caches on, check, push our writes out to the
 * PoC, and turn everything off again before the jump, leaving the kernel
 * the state it expects: MMU off, D-cache off, its image at the PoC and no
 * stale cache or TLB entries of ours.
 */
#include "internal.h"
#include "idmap.h"
#include "crc32.h"

/* Right after the header (the linker script places .header.diag). */
struct kx_purg_diag purgatory_diag
	__attribute__((section(".header.diag"), aligned(64))) = {
		.magic = KX_DIAG_MAGIC,
	};

/* SCTLR_ELx (same positions at EL1 and EL2, E2H 0 or 1) */
#define SCTLR_M (1ull << 0)    /* stage 1 MMU */
#define SCTLR_C (1ull << 2)    /* data and unified caches */
#define SCTLR_I (1ull << 12)   /* instruction cache */
#define SCTLR_WXN (1ull << 19) /* writable implies never-execute */

/* TCR_ELx fields common to every layout used here (TTBR0 half) */
#define TCR_T0SZ_48 16ull	    /* 64 - 48: a 48-bit VA */
#define TCR_IRGN0_WBWA (1ull << 8)  /* table walks: inner write-back */
#define TCR_ORGN0_WBWA (1ull << 10) /* outer write-back */
#define TCR_SH0_INNER (3ull << 12)
#define TCR_TG0_4K (0ull << 14)
#define TCR_TG0_64K (1ull << 14)
/* TCR_EL1, and TCR_EL2 with HCR_EL2.E2H = 1 (same layout, two halves) */
#define TCR_EPD1 (1ull << 23)	/* no walks through TTBR1 */
#define TCR_TG1_4K (2ull << 30) /* a valid value for the unused half */
#define TCR_IPS_SHIFT 32
/* TCR_EL2 with E2H = 0 (one half) */
#define TCR_EL2_RES1 ((1ull << 31) | (1ull << 23))
#define TCR_EL2_PS_SHIFT 16

#define MAIR_ATTR0_NORMAL_WB 0xffull /* Normal, inner+outer WB RW-allocate */

#define HCR_E2H (1ull << 34)

static void dsb(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

static uint64_t blob_start(void)
{
	return (uint64_t)(uintptr_t)&purgatory_header;
}

static uint64_t blob_end(void)
{
	return (uint64_t)(uintptr_t)__purgatory_end;
}

/*
 * Build the identity map and turn the MMU and caches on. Returns
 * KX_DIAG_MMU_4K or _64K when on, else the KX_DIAG_MMU_* reason, having
 * changed nothing.
 */
static uint32_t mmu_on(struct kx_purg_header *h, struct kx_purg_diag *d,
		       unsigned el, int e2h, uint64_t sctlr)
{
	struct kx_idmap m;
	uint64_t mmfr0, leaf, tcr, pa_range;
	unsigned shift, tgran4, tgran64;
	int rc;

	if (h->flags & KX_PURG_NO_MMU)
		return KX_DIAG_MMU_FLAG;
	if (!h->idmap || !h->idmap_size)
		return KX_DIAG_MMU_NO_IDMAP;
	if (el != 1 && el != 2)
		return KX_DIAG_MMU_EL;
	if (sctlr & SCTLR_M) /* not the documented entry state: hands off */
		return KX_DIAG_MMU_WAS_ON;

	/* ID_AA64MMFR0_EL1: TGran4 [31:28], TGran64 [27:24], 0xf = absent */
	mmfr0 = kx_read_mmfr0();
	tgran4 = (mmfr0 >> 28) & 0xf;
	tgran64 = (mmfr0 >> 24) & 0xf;
	if (tgran4 != 0xf && !(d->test_flags & KX_DIAG_TEST_NO_4K))
		shift = 12; /* the finest mapping, the smallest tables */
	else if (tgran64 != 0xf)
		shift = 16;
	else
		return KX_DIAG_MMU_GRANULE;

	/*
	 * Every leaf: MAIR attribute 0 (Normal WB), inner shareable, access
	 * flag set (no access-flag faults), writable and executable. AP[1]
	 * is RES1 in the EL2 regime when E2H = 0; at EL1 and in the EL2&0
	 * regime it would grant EL0 access, which we do not want.
	 */
	leaf = KX_PTE_ATTRINDX(0) | KX_PTE_SH_INNER | KX_PTE_AF;
	if (el == 2 && !e2h)
		leaf |= KX_PTE_AP1;

	d->phase = KX_PHASE_TABLES;
	m.used = 0; /* also when init refuses the area */
	rc = kx_idmap_init(&m, (void *)(uintptr_t)h->idmap, h->idmap,
			   h->idmap_size, shift, leaf);
	if (!rc)
		rc = kx_idmap_map(&m, blob_start(), blob_end() - blob_start());
	for (uint32_t i = 0; !rc && i < h->nr_segments; i++) {
		rc = kx_idmap_map(&m, h->seg[i].addr, h->seg[i].size);
		if (!rc)
			rc = kx_idmap_map(&m, h->seg[i].crc32,
					  4ull * h->seg[i].nchunks);
	}
	d->tables = (uint32_t)m.used;
	if (rc == KX_IDMAP_EINVAL)
		return KX_DIAG_MMU_BAD_IDMAP;
	if (rc == KX_IDMAP_ENOMEM)
		return KX_DIAG_MMU_NOMEM;
	if (rc)
		return KX_DIAG_MMU_RANGE;

	/*
	 * The tables, and our stack, .bss, header and diagnostic block,
	 * were written with the MMU off, straight to memory. Lines for them
	 * may still sit in the cache from the previous kernel (which ran
	 * with caches on, and may have prefetched them); once the D-cache
	 * is on, a walk or a load would hit those stale lines. Drop them.
	 */
	kx_dcache_inval(h->idmap, h->idmap + m.used);
	kx_dcache_inval(blob_start(), blob_end());

	/* PA size for the walker: the CPU's, capped at 48 bits (no LPA). */
	pa_range = mmfr0 & 0xf;
	if (pa_range > 5)
		pa_range = 5;
	tcr = TCR_T0SZ_48 | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
	      (shift == 12 ? TCR_TG0_4K : TCR_TG0_64K);
	if (el == 2 && !e2h)
		tcr |= TCR_EL2_RES1 | pa_range << TCR_EL2_PS_SHIFT;
	else
		tcr |= TCR_EPD1 | TCR_TG1_4K | pa_range << TCR_IPS_SHIFT;

	d->phase = KX_PHASE_MMU_ON;
	kx_mmu_on(m.root, tcr, MAIR_ATTR0_NORMAL_WB,
		  (sctlr | SCTLR_M | SCTLR_C | SCTLR_I) & ~SCTLR_WXN);
	d->sctlr_on = kx_read_sctlr();
	return shift == 12 ? KX_DIAG_MMU_4K : KX_DIAG_MMU_64K;
}

/*
 * Is segment @s's chunk geometry the one purgatory.h asks for? A loader
 * bug otherwise: refuse rather than read past the table.
 */
static int valid_segment(const struct kx_purg_segment *s)
{
	uint64_t n;

	if (s->chunk < 4096 || (s->chunk & (s->chunk - 1)) || (s->crc32 & 3))
		return 0;
	n = s->size / s->chunk + !!(s->size % s->chunk);
	return n == s->nchunks;
}

/*
 * Segment @s against its table; returns the first chunk whose CRC-32
 * differs, or -1.
 */
static int64_t check_segment(kx_crc32_fn *crc, const struct kx_purg_segment *s,
			     struct kx_purg_diag *d)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)s->addr;
	const uint32_t *want = (const uint32_t *)(uintptr_t)s->crc32;
	uint64_t left = s->size;

	for (uint32_t i = 0; i < s->nchunks; i++) {
		uint64_t n = left < s->chunk ? left : s->chunk;

		d->chunk = i;
		if (kx_crc32(crc, p, n) != want[i])
			return i;
		p += n;
		left -= n;
	}
	return -1;
}

/*
 * Map the segments and their tables, turn the MMU on, check every
 * segment; returns the index of the first that fails its check, or -1
 * (d->chunk then says which chunk).
 */
static int32_t check_segments(struct kx_purg_header *h, struct kx_purg_diag *d,
			      unsigned el, int e2h, uint64_t sctlr)
{
	kx_crc32_fn *crc;
	int32_t bad = -1;

	crc = kx_crc32_select(kx_read_isar0());
	if (d->test_flags & KX_DIAG_TEST_NO_CRC)
		crc = kx_crc32_table;
	d->check = crc == kx_crc32_insn ? KX_DIAG_CHECK_INSN :
					  KX_DIAG_CHECK_TABLE;

	d->mmu = mmu_on(h, d, el, e2h, sctlr);

	d->phase = KX_PHASE_CHECKING;
	for (uint32_t i = 0; i < h->nr_segments; i++) {
		d->segment = i;
		if (check_segment(crc, &h->seg[i], d) >= 0) {
			bad = (int32_t)i;
			break;
		}
	}

	if (d->mmu == KX_DIAG_MMU_4K || d->mmu == KX_DIAG_MMU_64K) {
		d->phase = KX_PHASE_MMU_OFF;
		/*
		 * Hand the segments over as the kernel handed them to us: at
		 * the PoC with no lines cached (we only read them, so this
		 * writes nothing back; it drops the clean lines we brought in,
		 * which a next stage writing that memory with its MMU off
		 * could otherwise later hit). The same for the tables.
		 */
		for (uint32_t i = 0; i < h->nr_segments; i++) {
			const struct kx_purg_segment *s = &h->seg[i];

			kx_dcache_clean_inval(s->addr, s->addr + s->size);
			kx_dcache_clean_inval(s->crc32,
					      s->crc32 + 4ull * s->nchunks);
		}
		/* Then our own writes, and off (see arch.S). */
		kx_mmu_off(sctlr, blob_start(), blob_end());
	}
	return bad;
}

/* Spin on a header the loader got wrong: failed_segment says where. */
static __attribute__((noreturn)) void
bad_header(struct kx_purg_header *h, struct kx_purg_diag *d, int32_t where)
{
	h->failed_segment = where;
	d->phase = KX_PHASE_BAD_HEADER;
	dsb();
	kx_spin();
}

void purgatory_main(struct kx_purg_header *h)
{
	struct kx_purg_diag *d = &purgatory_diag;
	unsigned el = kx_current_el();
	int e2h = el == 2 && (kx_read_hcr_el2() & HCR_E2H);
	uint64_t sctlr = kx_read_sctlr();

	d->phase = KX_PHASE_ENTERED;
	d->el = el | (unsigned)e2h << 8;
	d->sctlr = sctlr;
	h->failed_segment = -1;

	if (!(h->flags & KX_PURG_NO_CHECKS)) {
		int32_t bad;

		/* A loader bug: refuse rather than guess. */
		if (h->nr_segments > KX_PURG_MAX_SEGMENTS)
			bad_header(h, d, KX_PURG_MAX_SEGMENTS);
		for (uint32_t i = 0; i < h->nr_segments; i++)
			if (!valid_segment(&h->seg[i]))
				bad_header(h, d, (int32_t)i);
		/* With the MMU and caches off again when this returns. */
		bad = check_segments(h, d, el, e2h, sctlr);
		if (bad >= 0) {
			h->failed_segment = bad;
			d->phase = KX_PHASE_MISMATCH;
			dsb();
			kx_spin();
		}
	}

	d->phase = KX_PHASE_JUMP;
	dsb();
	kx_enter_kernel(h->kernel_entry, h->dtb);
}
