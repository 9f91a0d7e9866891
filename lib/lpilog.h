/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the kernel said about its GICv3 LPI tables. The strings are the
 * kernel's own (irq-gic-v3.c, irq-gic-v3-its.c, efi.c; see
 * doc/kernel.md#log-lines): the one piece of evidence every stock kernel
 * gives, even when /dev/mem is refused.
 */
#ifndef GK_LPILOG_H
#define GK_LPILOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"
#include "klog.h"

/* One CPU as the log tells it. */
struct lpilog_cpu {
	unsigned int cpu;
	bool found;	   /* "CPUn: found redistributor A region R:0xBASE" */
	uint64_t affinity; /* A: the MPIDR affinity, as printed */
	unsigned int region;
	uint64_t rd_base;
	bool has_pend; /* "CPUn: using (allocated|reserved) LPI pending table @" */
	uint64_t pend;
	bool pend_reserved; /* "reserved": reused from the previous kernel */
	bool booted_enabled; /* "Booted with LPIs enabled, memory probably corrupted" */
	bool failed_disable; /* "Failed to disable LPIs" / "Timeout while disabling LPIs" */
};

struct lpilog {
	bool gicv3; /* any "GICv3:" line */
	bool has_prop;
	uint64_t prop;	       /* "using LPI property table @" */
	bool preallocated;     /* "Using preallocated redistributor tables" */
	bool expected_missing; /* "Expected reserved range [A:B], not found" */
	uint64_t expected_start, expected_end;
	bool no_its;   /* "ITS: No ITS available, not enabling LPIs" */
	bool efi_none; /* "efi: UEFI not found." */
	bool has_memreserve;
	uint64_t memreserve;	   /* "efi: ... MEMRESERVE=0x..." */
	unsigned int its_warnings; /* WARN splats in irq-gic-v3-its.c */
	unsigned int boots; /* "Booting Linux" lines; only the last boot counts */
	struct lpilog_cpu *cpus; /* sorted by cpu */
	size_t ncpus;
};

/**
 * lpilog_parse - collect the LPI facts of the last boot in @log
 * @log: the kernel log
 * @out: the facts; free with lpilog_free()
 * @e: failure detail, or NULL
 *
 * returns: 0, or -GK_ERR_NOMEM
 */
int lpilog_parse(const struct klog *log, struct lpilog *out, struct gk_err *e);

void lpilog_free(struct lpilog *ll);

/**
 * lpilog_cpu - the facts of CPU @cpu, or NULL when the log never named it
 */
const struct lpilog_cpu *lpilog_cpu(const struct lpilog *ll, unsigned int cpu);

#endif
