/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System-register and cache helpers for the purgatory, at the exception
 * level the kernel left us in: EL1, or EL2 (HCR_EL2.E2H 0 after an nVHE
 * host's soft restart, 1 after a VHE host's). At EL2 the _EL2 registers
 * are used explicitly; their VHE layouts are chosen by the C caller.
 * Leaf functions: none of them touches memory except through DC.
 */
#include "internal.h"

	.text

	.macro	func name
	.globl	\name
	.type	\name, %function
\name:
	.endm

	.macro	endfunc name
	.size	\name, . - \name
	.endm

	/* Branch to \el2 when running at EL2. Clobbers x9. */
	.macro	if_el2 el2
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.eq	\el2
	.endm

	/* x9 = the smallest D-cache line (CTR_EL0.DminLine, log2 words) */
	.macro	dline
	mrs	x9, ctr_el0
	ubfx	x9, x9, #16, #4
	mov	x10, #4
	lsl	x9, x10, x9
	.endm

func kx_current_el
	mrs	x0, CurrentEL
	ubfx	x0, x0, #2, #2
	ret
endfunc kx_current_el

func kx_read_hcr_el2
	mrs	x0, hcr_el2
	ret
endfunc kx_read_hcr_el2

func kx_read_isar0
	mrs	x0, id_aa64isar0_el1
	ret
endfunc kx_read_isar0

func kx_read_mmfr0
	mrs	x0, id_aa64mmfr0_el1
	ret
endfunc kx_read_mmfr0

func kx_read_sctlr
	if_el2	1f
	mrs	x0, sctlr_el1
	ret
1:	mrs	x0, sctlr_el2
	ret
endfunc kx_read_sctlr

/*
 * void kx_dcache_inval(start, end): invalidate [start, end) to the PoC by
 * VA. Used before turning the D-cache on, on memory written with it off:
 * a stale line left there (the previous kernel ran with caches on) would
 * otherwise hide what is in memory. No line there is dirty (the kernel
 * cleaned what it copied), so nothing is lost.
 */
func kx_dcache_inval
	dline
	sub	x10, x9, #1
	bic	x0, x0, x10
1:	cmp	x0, x1
	b.hs	2f
	dc	ivac, x0
	add	x0, x0, x9
	b	1b
2:	dsb	sy
	ret
endfunc kx_dcache_inval

/*
 * void kx_dcache_clean_inval(start, end): clean and invalidate [start, end)
 * to the PoC by VA (the architected way to reach the PoC; set/way is not:
 * it misses system caches and is meant for power-down only).
 */
func kx_dcache_clean_inval
	dline
	sub	x10, x9, #1
	bic	x0, x0, x10
1:	cmp	x0, x1
	b.hs	2f
	dc	civac, x0
	add	x0, x0, x9
	b	1b
2:	dsb	sy
	ret
endfunc kx_dcache_clean_inval

/*
 * void kx_mmu_on(ttbr0, tcr, mair, sctlr): the identity map on, with the
 * D- and I-caches. The caller has written the tables (with the MMU off)
 * and invalidated their lines.
 */
func kx_mmu_on
	dsb	sy			/* the table writes are complete */
	if_el2	1f
	msr	mair_el1, x2
	msr	tcr_el1, x1
	msr	ttbr0_el1, x0
	isb				/* ... before the TLBI uses them */
	tlbi	vmalle1			/* the previous kernel's translations */
	dsb	sy
	ic	iallu			/* and no I-cache line from before */
	dsb	sy
	isb
	msr	sctlr_el1, x3		/* M, C, I */
	isb				/* fetch the next one translated */
	ret
1:	msr	mair_el2, x2
	msr	tcr_el2, x1
	msr	ttbr0_el2, x0
	isb
	tlbi	alle2			/* EL2 and EL2&0 (E2H = 1) regimes */
	dsb	sy
	ic	iallu
	dsb	sy
	isb
	msr	sctlr_el2, x3
	isb
	ret
endfunc kx_mmu_on

/*
 * void kx_mmu_off(sctlr, clean_start, clean_end): back to the state the
 * kernel gave us. First clean and invalidate [clean_start, clean_end) (the
 * purgatory: its stack, .bss, header and diagnostic block) to the PoC,
 * writing nothing to memory from there on (this is a leaf: no stack),
 * then restore SCTLR (M, C, I as at entry), then drop our translations
 * and the I-cache lines fetched through them, so that the kernel finds
 * neither.
 */
func kx_mmu_off
	dline
	sub	x10, x9, #1
	bic	x1, x1, x10
1:	cmp	x1, x2
	b.hs	2f
	dc	civac, x1
	add	x1, x1, x9
	b	1b
2:	dsb	sy			/* every line at the PoC */
	isb				/* Falkor E1041: isb before MMU off */
	if_el2	3f
	msr	sctlr_el1, x0
	isb
	ic	iallu
	tlbi	vmalle1
	dsb	sy
	isb
	ret
3:	msr	sctlr_el2, x0
	isb
	ic	iallu
	tlbi	alle2
	dsb	sy
	isb
	ret
endfunc kx_mmu_off

	.section .note.GNU-stack, "", %progbits
