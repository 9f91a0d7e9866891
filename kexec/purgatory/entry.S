/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The header (blob offset 0), the entry point, the exception vectors and
 * the jump to the kernel. The kernel's kexec code enters at
 * blob + header.entry with the MMU off, at EL1 or EL2 (from a VHE host at
 * EL2 with HCR_EL2.E2H = 1), with interrupts masked; x0-x3 carry nothing
 * we use. Everything is PC-relative (adr): the blob runs wherever the
 * loader put it.
 */
#include "internal.h"

	/* struct kx_purg_header, purgatory.h; C asserts its size */
	.section .header, "aw"
	.globl	purgatory_header
	.type	purgatory_header, %object
purgatory_header:
	.quad	0x59524f5447525550	/* magic: KX_PURG_MAGIC, "PURGTORY" */
	.word	2			/* version: KX_PURG_VERSION */
	.word	purgatory_entry - purgatory_header	/* entry */
	.quad	0			/* kernel_entry: the loader */
	.quad	0			/* dtb: the loader */
	.word	0			/* flags */
	.word	0			/* nr_segments */
	.quad	0			/* idmap */
	.quad	0			/* idmap_size */
	.word	-1			/* failed_segment */
	.word	0			/* reserved */
	.fill	16 * 48, 1, 0		/* seg[KX_PURG_MAX_SEGMENTS] */
	.if	. - purgatory_header != KX_DIAG_OFFSET
	.error	"header size"
	.endif
	.size	purgatory_header, . - purgatory_header

	.section .text.entry, "ax"
	.globl	purgatory_entry
	.type	purgatory_entry, %function
purgatory_entry:
	/* Nothing may interrupt us: there is no handler to take it. */
	msr	daifset, #0xf
	/*
	 * Our own vectors, so that a fault here ends in a recorded spin
	 * rather than a jump into the memory of the kernel we replaced.
	 */
	adr	x9, kx_vectors
	mrs	x10, CurrentEL
	cmp	x10, #(2 << 2)
	b.ne	1f
	msr	vbar_el2, x9
	b	2f
1:	msr	vbar_el1, x9
2:	isb
	/* A stack inside the blob (its .bss, loaded as zeros); no return. */
	adr	x9, kx_stack_top
	mov	sp, x9
	adr	x0, purgatory_header
	bl	purgatory_main
	b	kx_spin
	.size	purgatory_entry, . - purgatory_entry

	.text
/* void kx_enter_kernel(uint64_t entry, uint64_t dtb): the boot protocol */
	.globl	kx_enter_kernel
	.type	kx_enter_kernel, %function
kx_enter_kernel:
	mov	x9, x0
	mov	x0, x1			/* x0 = the DTB's physical address */
	mov	x1, xzr			/* x1-x3 = 0 (reserved for the future) */
	mov	x2, xzr
	mov	x3, xzr
	br	x9
	.size	kx_enter_kernel, . - kx_enter_kernel

/* Nothing to return to: wait forever, cheaply. */
	.globl	kx_spin
	.type	kx_spin, %function
kx_spin:
1:	wfe
	b	1b
	.size	kx_spin, . - kx_spin

/*
 * Any exception: record the vector offset, ESR, ELR and FAR in the
 * diagnostic block, push it to the PoC (the MMU and D-cache may be on) so
 * that it can be read from memory, and spin.
 */
	.type	kx_exception, %function
kx_exception:
	mrs	x10, CurrentEL
	cmp	x10, #(2 << 2)
	b.ne	1f
	mrs	x11, esr_el2
	mrs	x12, elr_el2
	mrs	x13, far_el2
	b	2f
1:	mrs	x11, esr_el1
	mrs	x12, elr_el1
	mrs	x13, far_el1
2:	adr	x10, purgatory_diag
	str	x9, [x10, #KX_DIAG_VECTOR_OFF]
	str	x11, [x10, #KX_DIAG_ESR_OFF]
	str	x12, [x10, #KX_DIAG_ELR_OFF]
	str	x13, [x10, #KX_DIAG_FAR_OFF]
	mov	w11, #KX_PHASE_EXCEPTION
	str	w11, [x10, #KX_DIAG_PHASE_OFF]
	/* the whole block; 16-byte steps cover any cache line size */
	mov	x11, #0
3:	add	x12, x10, x11
	dc	civac, x12
	add	x11, x11, #16
	cmp	x11, #KX_DIAG_SIZE
	b.lo	3b
	dsb	sy
	b	kx_spin
	.size	kx_exception, . - kx_exception

	/* VBAR_ELx needs 2 KiB alignment; 16 entries of 128 bytes. */
	.macro	vector off
	.balign	128
	mov	x9, #\off
	b	kx_exception
	.endm

	.section .vectors, "ax"
	.balign	2048
	.type	kx_vectors, %object
kx_vectors:
	.irp	off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, \
		     0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
	vector	\off
	.endr
	.size	kx_vectors, . - kx_vectors

	/* 4 KiB of stack in .bss; the linker script keeps it in the image. */
	.section .bss.stack, "aw", %nobits
	.balign	16
kx_stack:
	.space	4096
kx_stack_top:

	.section .note.GNU-stack, "", %progbits
