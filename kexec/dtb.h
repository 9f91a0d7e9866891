/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device tree the next kernel boots with: the running kernel's
 * (/sys/firmware/fdt) or --dtb, with /chosen and the reservation map
 * brought up to date for this load.
 */
#ifndef GK_KEXEC_DTB_H
#define GK_KEXEC_DTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"
#include "gkfdt.h"
#include "range.h"

#define KX_DTB_MAX (2u << 20) /* the kernel refuses a larger one */

/*
 * One LPI table as the next kernel's /reserved-memory node names it:
 * gic-lpi-prop@ADDR (gic-kexec,idbits) or gic-lpi-pend@ADDR (gic-kexec,cpu),
 * so that its gicdiag knows them after the ring buffer lost the boot.
 */
struct kx_table {
	uint64_t start, size;
	int cpu; /* -1: the property table */
	unsigned int idbits;
};

struct kx_dtb_args {
	const char *cmdline;
	bool has_initrd;
	uint64_t initrd_start, initrd_size;
	/* crash loads */
	bool crash;
	uint64_t elfcorehdr, elfcorehdr_size;
	const struct gk_range *usable; /* crash kernel ranges */
	size_t nusable;
	/* ranges the next kernel must keep reserved: the live LPI tables */
	const struct gk_range *keep;
	size_t nkeep;
	/* the tables among them, each named with its CPU for the next kernel */
	const struct kx_table *tables;
	size_t ntables;
	/* 8 + 64 bytes of randomness for kaslr-seed and rng-seed */
	const uint8_t *seed;
};

/**
 * kx_dtb_build - the next DTB
 * @src: the current DTB (checked)
 * @a: what this load sets
 * @out: the new blob, packed; malloc'd
 * @len: its size
 * @e: failure detail
 *
 * Keeps every node and property, /reserved-memory, every /chosen
 * linux,uefi-* property and the /memreserve/ map, less the entries of the
 * running kernel's own initrd and elfcorehdr (which would pile up hop
 * after hop). Sets bootargs; sets or deletes linux,initrd-start/-end;
 * refreshes kaslr-seed (0 when the command line says nokaslr: the kernel
 * then keeps its place, as asked) and rng-seed; for crash loads adds
 * linux,elfcorehdr, linux,usable-memory-range (the low range last) and a
 * /memreserve/ entry for the header; adds each range of @keep as a
 * /memreserve/ entry and a static /reserved-memory node
 * (doc/kernel.md#reservations).
 *
 * returns: 0, or a negative GK_ERR_* code
 */
int kx_dtb_build(const struct gk_fdt *src, const struct kx_dtb_args *a,
		 uint8_t **out, size_t *len, struct gk_err *e);

#endif
