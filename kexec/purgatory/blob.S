/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory blob inside the host's kexec binary, whatever the host
 * architecture (it is data there: the loader copies it into a segment).
 * Assemble with the host compiler and
 *	-DPURGATORY_BIN='"path/to/purgatory.bin"'
 * (a string literal, quotes included). The C side sees
 *	extern const unsigned char kx_purgatory_start[], kx_purgatory_end[];
 * The object must be rebuilt when purgatory.bin changes: .incbin is not
 * seen by the compiler's dependency tracking, so the make rule has to say
 * so itself.
 */
#ifndef PURGATORY_BIN
#error "define PURGATORY_BIN as the quoted path of purgatory.bin"
#endif

	.section .rodata.kx_purgatory, "a"
	.balign	16
	.globl	kx_purgatory_start
	.type	kx_purgatory_start, %object
kx_purgatory_start:
	.incbin	PURGATORY_BIN
	.globl	kx_purgatory_end
	.type	kx_purgatory_end, %object
kx_purgatory_end:
	.size	kx_purgatory_start, kx_purgatory_end - kx_purgatory_start
	.size	kx_purgatory_end, 0

	/* No executable stack for the host binary. */
	.section .note.GNU-stack, "", %progbits
