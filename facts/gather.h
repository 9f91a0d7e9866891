/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Gather the facts of a system root, each from the strongest source it
 * allows (doc/evidence.md): registers through physmem when /dev/mem
 * permits, the kernel's own log lines otherwise; the EFI memreserve list, the
 * device tree's reservations and /proc/iomem; the kexec state.
 */
#ifndef GK_GATHER_H
#define GK_GATHER_H

#include "facts.h"
#include "physmem.h"
#include "sysroot.h"

struct gk_gather_opts {
	const char *kmsg;     /* --kmsg FILE, or NULL for the root's log */
	unsigned int sources; /* 1 << GK_SRC_*: only these, each read even
				   where a stronger one answered; 0: all, the
				   costly ones only where needed */
	bool enough; /* read kernel memory and the journal only when the
			kernel log (all of this boot) does not name every
			table: the loader's preflight needs the tables, not
			the sources' agreement, which gicdiag reports */
};

/**
 * gk_gather - fill @f from @sr
 * @sr: the system root
 * @pm: physical memory of @sr (the caller may record it for --dump)
 * @o: options
 * @f: output; free with gk_facts_free()
 * @e: failure detail, or NULL
 *
 * A source that is missing or refused is not an error: it is recorded in
 * the facts (regs_why, log_why, mr_why) and the next source is used.
 *
 * returns: 0, or a negative GK_ERR_* code for a malformed input (a broken
 * device tree or MADT) or when out of memory
 */
int gk_gather(const struct sysroot *sr, struct physmem *pm,
	      const struct gk_gather_opts *o, struct gk_facts *f,
	      struct gk_err *e);

#endif
