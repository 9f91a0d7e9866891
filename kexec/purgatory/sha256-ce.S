/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 block function on the ARMv8 Cryptography Extension (FEAT_SHA256).
 *
 *   void kx_sha256_blocks_ce(uint32_t state[8], const uint8_t *data,
 *			      size_t nblocks);
 *
 * Written from the instruction definitions in the Arm ARM:
 *   SHA256H  Qd, Qn, Vm.4S   Qd = ABCD, Qn = EFGH, Vm = W[t..t+3] + K[t..t+3]:
 *			      four rounds, the new ABCD in Qd;
 *   SHA256H2 Qd, Qn, Vm.4S   Qd = EFGH, Qn = ABCD *before* those rounds, same
 *			      Vm: the new EFGH in Qd;
 *   SHA256SU0 Vd, Vn	      Vd = W[t..t+3], Vn = W[t+4..t+7]:
 *			      W[t+i] + sigma0(W[t+i+1]);
 *   SHA256SU1 Vd, Vn, Vm      Vd = that, Vn = W[t+8..t+11], Vm = W[t+12..t+15]:
 *			      W[t+16..t+19] (FIPS 180-4 6.2.2 step 1).
 * Lane 0 of ABCD is a (= state[0]), lane 0 of EFGH is e (= state[4]), so the
 * state loads as it is stored; message words are big-endian (rev32).
 *
 * Registers: v0 ABCD, v1 EFGH, v2/v3 their values at the start of the
 * block, v4-v7 the 16-word schedule window, v8 W+K, v9 ABCD copy,
 * v16-v31 the 64 constants. v8/v9 are callee-saved (AAPCS64: d8-d15), so
 * their low halves are saved. Only byte-element loads touch the message,
 * so any alignment works, also with the MMU off (Device memory).
 */
	.arch	armv8-a+crypto
	.text

	.macro	rounds4 w, k
	add	v8.4s, \w\().4s, \k\().4s
	mov	v9.16b, v0.16b
	sha256h	q0, q1, v8.4s
	sha256h2 q1, q9, v8.4s
	.endm

	/* w0 = W[t..t+3] becomes W[t+16..t+19] */
	.macro	sched w0, w1, w2, w3
	sha256su0 \w0\().4s, \w1\().4s
	sha256su1 \w0\().4s, \w2\().4s, \w3\().4s
	.endm

	.globl	kx_sha256_blocks_ce
	.type	kx_sha256_blocks_ce, %function
	.balign	16
kx_sha256_blocks_ce:
	cbz	x2, 2f
	stp	d8, d9, [sp, #-16]!

#ifdef __AARCH64_CMODEL_TINY__
	adr	x3, kx_sha256_k
#else
	adrp	x3, kx_sha256_k
	add	x3, x3, :lo12:kx_sha256_k
#endif
	ld1	{v16.4s-v19.4s}, [x3], #64
	ld1	{v20.4s-v23.4s}, [x3], #64
	ld1	{v24.4s-v27.4s}, [x3], #64
	ld1	{v28.4s-v31.4s}, [x3]
	ld1	{v0.4s, v1.4s}, [x0]

1:	ld1	{v4.16b-v7.16b}, [x1], #64
	rev32	v4.16b, v4.16b
	rev32	v5.16b, v5.16b
	rev32	v6.16b, v6.16b
	rev32	v7.16b, v7.16b
	mov	v2.16b, v0.16b
	mov	v3.16b, v1.16b

	rounds4	v4, v16		/* t = 0..3 */
	sched	v4, v5, v6, v7	/* W16..19 */
	rounds4	v5, v17
	sched	v5, v6, v7, v4	/* W20..23 */
	rounds4	v6, v18
	sched	v6, v7, v4, v5
	rounds4	v7, v19
	sched	v7, v4, v5, v6
	rounds4	v4, v20		/* t = 16..19 */
	sched	v4, v5, v6, v7
	rounds4	v5, v21
	sched	v5, v6, v7, v4
	rounds4	v6, v22
	sched	v6, v7, v4, v5
	rounds4	v7, v23
	sched	v7, v4, v5, v6
	rounds4	v4, v24		/* t = 32..35 */
	sched	v4, v5, v6, v7
	rounds4	v5, v25
	sched	v5, v6, v7, v4
	rounds4	v6, v26
	sched	v6, v7, v4, v5
	rounds4	v7, v27
	sched	v7, v4, v5, v6	/* W60..63 */
	rounds4	v4, v28		/* t = 48..63: no more schedule */
	rounds4	v5, v29
	rounds4	v6, v30
	rounds4	v7, v31

	add	v0.4s, v0.4s, v2.4s
	add	v1.4s, v1.4s, v3.4s
	subs	x2, x2, #1
	b.ne	1b

	st1	{v0.4s, v1.4s}, [x0]
	ldp	d8, d9, [sp], #16
2:	ret
	.size	kx_sha256_blocks_ce, . - kx_sha256_blocks_ce

	.section .note.GNU-stack, "", %progbits
