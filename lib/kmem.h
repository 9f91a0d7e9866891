/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The running kernel's own record of its LPI tables, read from its memory.
 *
 * On a long-running server the log lines naming the LPI tables are gone
 * and /dev/mem refuses the GIC frames (STRICT_DEVMEM), but the GICv3 ITS
 * driver still holds the answer: gic_rdists->prop_table_pa and, per CPU,
 * the pending page. Where the kernel lists its data symbols
 * (CONFIG_KALLSYMS_ALL) and describes its types (CONFIG_DEBUG_INFO_BTF),
 * we find them without debug files:
 *
 *  /proc/kallsyms           where gic_rdists and __per_cpu_offset live
 *  /sys/kernel/btf/vmlinux  the layout of struct rdists and its per-CPU part
 *  /sys/kernel/vmcoreinfo   where the VMCOREINFO note is; the note says how
 *                           to turn kernel virtual addresses into physical
 *  physmem (/proc/kcore)    the bytes themselves
 *
 * Everything is read-only and bounded; every physical read goes through
 * physmem, so gicdiag --dump records it and a replay reads the same bytes.
 */
#ifndef GK_KMEM_H
#define GK_KMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"
#include "physmem.h"
#include "sysroot.h"

/* arm64's largest NR_CPUS: a possible CPU past it is a malformed file */
#define GK_KMEM_MAX_CPUS 4096u

/**
 * struct gk_kmem_cpu - one possible CPU's redistributor, as its kernel
 *			recorded it
 * @cpu: the CPU number
 * @lpi_enabled: this kernel enabled LPIs on the CPU's redistributor
 *		 (RD_LOCAL_LPI_ENABLED, or lpi_enabled before 5.17)
 * @pend_prealloc: the pending table was inherited (kexec, kdump): the
 *		   kernel kept what the hardware had and recorded no address
 * @pend: physical address of the pending table, 0 when unknown
 * @rd_base: physical address of the redistributor frame, 0 when unknown
 * @skipped: the CPU's record could not be read (its per-CPU area is outside
 *	     the image and the linear map, or memory refused it): nothing
 *	     above is known
 * @why: why @pend is unknown or the record was skipped; "" when everything
 *	 above is known
 */
struct gk_kmem_cpu {
	unsigned int cpu;
	bool skipped;
	bool lpi_enabled;
	bool pend_prealloc;
	uint64_t pend;
	uint64_t rd_base;
	char why[192];
};

/**
 * struct gk_kmem - the GICv3 ITS driver's record
 * @prop: gic_rdists->prop_table_pa, the property table (0: LPIs never set up)
 * @rdists_flags: gic_rdists->flags
 * @prealloc: RDIST_FLAGS_RD_TABLES_PREALLOCATED: the tables were inherited
 * @percpu_flags: the per-CPU record has u64 flags (5.17+), not a bool
 * @cpus: one entry per possible CPU, in CPU order
 * @ncpus: how many
 * @source: where the facts come from, for the operator (fixed text, so
 *	    that a replay prints what the live run printed)
 */
struct gk_kmem {
	uint64_t prop;
	uint64_t rdists_flags;
	bool prealloc;
	bool percpu_flags;
	struct gk_kmem_cpu *cpus;
	size_t ncpus;
	char source[64];
};

/**
 * gk_kmem_read - read the LPI tables from the running kernel's memory
 * @sr: the system root (live, or a snapshot holding what --dump wrote)
 * @pm: its physical memory (on a live system: /proc/kcore)
 * @out: the record; free with gk_kmem_free() on success
 * @e: failure detail, or NULL
 *
 * A CPU whose record cannot be read (its per-CPU area is outside the image
 * and the linear map) is kept with @why set; it is not a failure.
 *
 * returns: 0, or a negative GK_ERR_* code: -GK_ERR_LOCKDOWN (lockdown
 * confidentiality refuses /proc/kcore), -GK_ERR_NOTFOUND (no data symbols,
 * no BTF, no struct rdists, no VMCOREINFO), -GK_ERR_ACCESS (kallsyms shows
 * zero addresses), -GK_ERR_FORMAT (malformed input), -GK_ERR_RANGE (an
 * address the kernel holds is outside its image and linear map), or what
 * physmem said about a read it refused
 */
int gk_kmem_read(const struct sysroot *sr, struct physmem *pm,
		 struct gk_kmem *out, struct gk_err *e);

/**
 * gk_kmem_free - release what gk_kmem_read() allocated (NULL is ignored)
 */
void gk_kmem_free(struct gk_kmem *k);

/*
 * The system files gk_kmem_read() reads whole, NULL-terminated: what
 * gicdiag --dump copies so that a snapshot replays it. /proc/kallsyms is
 * not among them (10 MB): write gk_kmem_kallsyms() instead.
 */
extern const char *const gk_kmem_files[];

/**
 * gk_kmem_kallsyms - the lines of /proc/kallsyms that gk_kmem_read() uses
 * @sr: the system root
 * @text: the lines, in file order, NUL-terminated; the caller frees it
 * @len: its length
 * @e: failure detail, or NULL
 *
 * A snapshot's proc/kallsyms made of these lines replays gk_kmem_read()
 * exactly, at a few hundred bytes instead of megabytes.
 *
 * returns: 0 (possibly with no lines), or a negative GK_ERR_* code
 */
int gk_kmem_kallsyms(const struct sysroot *sr, char **text, size_t *len,
		     struct gk_err *e);

#endif
