/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory blob (build.sh's purgatory.bin) in the host binary's
 * read-only data, between kx_purgatory_start and kx_purgatory_end.
 */
	.section .rodata
	.balign 16
	.globl kx_purgatory_start
	.globl kx_purgatory_end
kx_purgatory_start:
	.incbin PURGATORY_BIN
kx_purgatory_end:

	.section .note.GNU-stack, "", %progbits
