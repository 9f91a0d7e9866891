/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ACPI MADT ("APIC" table), as an ACPI boot's kernel finds its GIC:
 * the GICD, the redistributors (GICR structures, or one per CPU in the
 * GICC structures) and the ITSes. Offsets: ACPI 6.5 section 5.2.12.
 */
#ifndef GK_ACPI_H
#define GK_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gic.h"
#include "gkerr.h"
#include "range.h"
#include "sysroot.h"

#define MADT_PATH "/sys/firmware/acpi/tables/APIC"
#define MADT_MAX_SIZE (1u << 20)
#define MADT_MAX_STRUCTS 65536u

/* GICC Flags */
#define MADT_GICC_ENABLED (1u << 0)
#define MADT_GICC_ONLINE_CAPABLE (1u << 3) /* ACPI 6.5 */

/* One GICC structure (type 0x0B): a CPU. */
struct madt_gicc {
	uint32_t cpu_iface;
	uint32_t uid;	    /* ACPI Processor UID */
	uint32_t flags;	    /* MADT_GICC_* */
	uint64_t gicr_base; /* its RD_base, 0 when GICR structures say */
	uint64_t mpidr;
	uint32_t offset; /* in the table, for messages */
};

/* One GIC ITS structure (type 0x0F). */
struct madt_its {
	uint32_t id;
	uint64_t base;
};

struct madt {
	char name[4096]; /* file it came from, for messages */
	uint8_t revision;
	bool gicd; /* a GICD structure: an Arm GIC (an x86 MADT has none) */
	uint64_t gicd_base;
	unsigned int gic_version; /* GICD's: 0 when not stated */
	struct madt_gicc *gicc;
	size_t ngicc;
	struct gk_range *gicr; /* GICR discovery ranges, never empty */
	size_t ngicr;
	struct madt_its *its;
	size_t nits;
};

/**
 * madt_parse - check and decode a MADT held in memory
 * @buf: the table
 * @len: bytes in @buf; must equal the table's length
 * @name: where it came from, for messages
 * @out: the decoded table; free with madt_free()
 * @e: failure detail, or NULL
 *
 * The header (signature, length, checksum) and every structure's length
 * are checked; arm GIC structures are decoded, the others skipped. There
 * is at most one GICD structure; none (an x86 MADT: local APICs) is no
 * error here, it is no GIC to lay out (gic_layout_from_madt()).
 *
 * returns: 0, -GK_ERR_FORMAT (with the byte offset at fault),
 * -GK_ERR_TOOBIG or -GK_ERR_NOMEM; *@out is set only on success
 */
int madt_parse(const uint8_t *buf, size_t len, const char *name,
	       struct madt **out, struct gk_err *e);

/**
 * madt_load - read and decode the running system's MADT
 * @sr: the system root
 * @out: the decoded table; free with madt_free()
 * @e: failure detail, or NULL
 *
 * returns: 0, -GK_ERR_NOENT when there is no MADT (a device tree boot),
 * or another negative GK_ERR_* code as from madt_parse()
 */
int madt_load(const struct sysroot *sr, struct madt **out, struct gk_err *e);

/**
 * madt_free - free a decoded MADT (NULL is ignored)
 */
void madt_free(struct madt *m);

/**
 * madt_gic_version - the GIC version the kernel probes for this MADT
 * @m: the table
 *
 * The GICD structure's version when it gives one. Version 0 ("not
 * specified", older firmware) lets both drivers try: the GICv3 one
 * matches only when the MADT names redistributors (GICR structures, or
 * a GICC with a GICR base: acpi_validate_gic_table()), else the GICv2
 * one takes it. No hardware to probe here, so that decides.
 *
 * returns: 1 to 4 (or more, unknown), 3 or 2 for version 0; 0 with no GICD
 */
unsigned int madt_gic_version(const struct madt *m);

/**
 * gic_layout_from_madt - the GIC layout the kernel derives from the MADT
 * @m: the table
 * @lay: output; free with gic_layout_free()
 * @e: failure detail, or NULL
 *
 * With GICR structures, their discovery ranges are the regions, walked by
 * stride until GICR_TYPER.Last. Without, each enabled GICC gives its CPU's
 * RD_base and the region holds that RD alone (rd_per_region): 128 KiB, or
 * 256 KiB when the GICD says GICv4. Disabled GICCs and those without a
 * GICR base give no region.
 *
 * returns: 0, -GK_ERR_NOTFOUND when the MADT has no GICD (no Arm GIC), the
 * GIC is not a GICv3/v4 (madt_gic_version()) or has no redistributors, -GK_ERR_RANGE or -GK_ERR_NOMEM
 */
int gic_layout_from_madt(const struct madt *m, struct gic_layout *lay,
			 struct gk_err *e);

/**
 * madt_mpidr_to_affinity - an MPIDR as GICR_TYPER[63:32] holds it
 * @mpidr: MPIDR_EL1 value, as in a GICC structure
 *
 * returns: Aff3.Aff2.Aff1.Aff0, one byte each, to compare with
 * GICR_TYPER_AFFINITY() and so find each CPU's redistributor
 */
uint32_t madt_mpidr_to_affinity(uint64_t mpidr);

#endif
