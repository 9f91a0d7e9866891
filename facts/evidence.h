/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Evidence for the LPI tables from every source that names them
 * (doc/evidence.md): each source is brought to one shape, a gk_lpisrc,
 * and the sources are merged per CPU, strongest first. Registers win over
 * everything; a CPU no source names is unknown, and says why.
 */
#ifndef GK_EVIDENCE_H
#define GK_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts.h"
#include "gkfdt.h"
#include "lpilog.h"
#include "sysroot.h"

/* One CPU's redistributor as one source tells it. */
struct gk_lpisrc_cpu {
	unsigned int cpu;
	uint64_t rd_base; /* 0 unknown */
	int lpis;	  /* 1 on, 0 off, -1 not said */
	uint64_t pend;	  /* 0 not named */
	bool reused; /* "using reserved": inherited from the kernel before */
};

struct gk_lpisrc {
	enum gk_src src;
	bool complete;	     /* a CPU missing from cpus[] never enabled LPIs */
	uint64_t prop;	     /* 0: not named */
	unsigned int idbits; /* 0 unknown */
	struct gk_lpisrc_cpu *cpus;
	size_t n;
	size_t cap;		 /* cpus[] room, when gk_lpisrc_cpu() made it */
	struct gk_range *ranges; /* tables it names without a CPU */
	size_t nranges;
};

/* A set of CPU numbers as sysfs prints it ("0-3,8"). */
struct gk_cpuset {
	struct gk_range *r;
	size_t n;
};

int gk_cpuset_parse(const char *text, struct gk_cpuset *out);
bool gk_cpuset_has(const struct gk_cpuset *s, unsigned int cpu);
void gk_cpuset_free(struct gk_cpuset *s);

/* Add (or find) @cpu in @s; NULL when out of memory. */
struct gk_lpisrc_cpu *gk_lpisrc_cpu(struct gk_lpisrc *s, unsigned int cpu);

/**
 * gk_lpisrc_from_log - a kernel log's LPI lines as a source
 * @l: the parsed lines
 * @src: GK_SRC_KLOG or GK_SRC_JOURNAL
 * @complete: the log holds the whole boot (it starts with the boot)
 */
int gk_lpisrc_from_log(const struct lpilog *l, enum gk_src src, bool complete,
		       struct gk_lpisrc *out);

/**
 * gk_lpisrc_from_fdt - what our loader passed this kernel: the
 * /reserved-memory gic-lpi-prop@, gic-lpi-pend@ (with gic-kexec,cpu) and
 * gic-lpi@ nodes of the running device tree
 *
 * returns: 0 (the source may be empty), or -GK_ERR_NOMEM
 */
int gk_lpisrc_from_fdt(const struct gk_fdt *fdt, struct gk_lpisrc *out);

void gk_lpisrc_free(struct gk_lpisrc *s);

/**
 * gk_evidence_merge - the redistributors of @f from the sources
 * @f: facts; with registers (GK_EVID_REGS) its rds stay and the sources
 *	are only compared with them, else rds are made per CPU
 * @srcs: the sources, any order (merged strongest first)
 * @n: how many
 *
 * Fills f->rds (without registers), the per-table sources, f->src[],
 * f->conflicts and f->named (every table any source names).
 *
 * returns: 0, or -GK_ERR_NOMEM
 */
int gk_evidence_merge(struct gk_facts *f, struct gk_lpisrc *srcs, size_t n);

#endif
