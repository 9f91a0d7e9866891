/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bare-metal harness's entry points (QEMU virt, -kernel harness.elf,
 * MMU off, at EL1, or at EL2 with virtualization=on):
 *   _start           CPU 0: harness_main() plays the loader and the kernel's
 *                    kexec path, then jumps into the purgatory;
 *   secondary_entry  CPU 1 (PSCI CPU_ON): watchdog_main() reports a
 *                    purgatory that spins (mismatch, exception) or hangs;
 *   fake_kernel      where the purgatory jumps: records x0-x3 and the
 *                    state it was entered in, then kernel_main().
 */
	.section .text.start, "ax"
	.globl	_start
_start:
	msr	daifset, #0xf
	ldr	x9, =stack0_top
	mov	sp, x9
	bl	harness_main
	b	hang

	.text
	.globl	secondary_entry
secondary_entry:
	msr	daifset, #0xf
	ldr	x9, =stack1_top
	mov	sp, x9
	bl	watchdog_main
hang:	wfe
	b	hang

	.globl	fake_kernel
fake_kernel:
	ldr	x9, =kentry
	stp	x0, x1, [x9]		/* x0..x3 as the purgatory left them */
	stp	x2, x3, [x9, #16]
	mrs	x10, CurrentEL
	str	x10, [x9, #32]
	cmp	x10, #(2 << 2)
	b.eq	1f
	mrs	x11, sctlr_el1
	b	2f
1:	mrs	x11, sctlr_el2
	mrs	x12, hcr_el2
	str	x12, [x9, #48]
2:	str	x11, [x9, #40]
	ldr	x9, =stack0_top
	mov	sp, x9
	bl	kernel_main
	b	hang

/* void jump_to(uint64_t pc): with garbage in x0-x3 (nothing may use it) */
	.globl	jump_to
jump_to:
	mov	x9, x0
	mov	x0, #0xdead
	mov	x1, #0xbeef
	mov	x2, #0xf00d
	mov	x3, #0xcafe
	br	x9

/* uint64_t semihost(uint64_t op, uint64_t param) */
	.globl	semihost
semihost:
	hlt	#0xf000
	ret

/* uint64_t psci_hvc/psci_smc(fn, a1, a2, a3) */
	.globl	psci_hvc
psci_hvc:
	hvc	#0
	ret
	.globl	psci_smc
psci_smc:
	smc	#0
	ret

	.globl	read_el
read_el:
	mrs	x0, CurrentEL
	ubfx	x0, x0, #2, #2
	ret

	.globl	read_sctlr
read_sctlr:
	mrs	x0, CurrentEL
	cmp	x0, #(2 << 2)
	b.eq	1f
	mrs	x0, sctlr_el1
	ret
1:	mrs	x0, sctlr_el2
	ret

	.globl	read_hcr
read_hcr:
	mrs	x0, hcr_el2
	ret

	.globl	write_hcr
write_hcr:
	msr	hcr_el2, x0
	isb
	ret

	.globl	read_mmfr1
read_mmfr1:
	mrs	x0, id_aa64mmfr1_el1
	ret

	.globl	read_cntvct
read_cntvct:
	isb
	mrs	x0, cntvct_el0
	ret

	.globl	read_cntfrq
read_cntfrq:
	mrs	x0, cntfrq_el0
	ret

	.ltorg

	.bss
	.balign	16
	.space	16384
stack0_top:
	.space	16384
stack1_top:

	.section .note.GNU-stack, "", %progbits
