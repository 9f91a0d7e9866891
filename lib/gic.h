/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The GICv3/v4 register map, where the frames are, and reading them.
 *
 * Only registers on the allow-list below are ever read, each with the
 * access width the architecture gives it, and none has a side effect on
 * read (no IAR, no CLRLPIR/SETLPIR, no status registers that clear).
 * Offsets and fields: include/linux/irqchip/arm-gic-v3.h.
 */
#ifndef GK_GIC_H
#define GK_GIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"
#include "gkfdt.h"
#include "physmem.h"

#define GIC_FRAME_64K 0x10000ull

enum gic_reg {
	GICD_CTLR,
	GICD_TYPER,
	GICD_IIDR,
	GICD_PIDR2,
	GICR_CTLR,
	GICR_IIDR,
	GICR_TYPER,
	GICR_WAKER,
	GICR_PROPBASER,
	GICR_PENDBASER,
	GICR_PIDR2,
	GITS_CTLR,
	GITS_IIDR,
	GITS_TYPER,
	GITS_CBASER,
	GITS_PIDR2,
	GIC_REG_MAX_,
};

struct gic_reg_desc {
	const char *name;
	uint32_t offset;    /* from the frame's base */
	unsigned int width; /* bytes: 4 or 8 */
};

/**
 * gic_reg_desc - the allow-list entry of a register
 */
const struct gic_reg_desc *gic_reg_desc(enum gic_reg reg);

/* GICR_TYPER, GICR_CTLR, GICR_PROPBASER, GICR_PENDBASER fields */
#define GICR_TYPER_PLPIS (1ull << 0)
#define GICR_TYPER_VLPIS (1ull << 1)
#define GICR_TYPER_LAST (1ull << 4)
#define GICR_TYPER_AFFINITY(t) ((uint32_t)((t) >> 32))
#define GICR_TYPER_PROCNUM(t) ((unsigned int)(((t) >> 8) & 0xffff))
#define GICR_CTLR_ENABLE_LPIS (1u << 0)
#define GICR_PROPBASER_ADDR(v) ((v)&0x000ffffffffff000ull)
#define GICR_PROPBASER_IDBITS(v) ((unsigned int)((v)&0x1f))
#define GICR_PENDBASER_ADDR(v) ((v)&0x000fffffffff0000ull)
#define GIC_PIDR2_ARCH(v) (((v) >> 4) & 0xf)

/* Where the GIC's frames are, from the device tree or the MADT. */
struct gic_layout {
	uint64_t dist;		    /* GICD base, 0 when unknown */
	struct gk_range *rdregions; /* redistributor regions */
	size_t nrdregions;
	uint64_t rdstride;  /* redistributor-stride, 0: from TYPER */
	bool rd_per_region; /* each region is one RD (ACPI GICC entries) */
	uint64_t *its;	    /* ITS frame bases */
	size_t nits;
	char source[64]; /* "device tree /intc@8000000", "MADT" */
};

/**
 * gic_layout_from_fdt - find the GICv3 node and its frames
 * @f: the tree (/sys/firmware/fdt)
 * @lay: output; free with gic_layout_free()
 * @e: failure detail, or NULL
 *
 * Addresses are translated to CPU physical addresses through the
 * parents' "ranges".
 *
 * returns: 0, -GK_ERR_NOTFOUND when no "arm,gic-v3" node exists (an ACPI
 * boot's stub DTB has none), or -GK_ERR_BADFDT
 */
int gic_layout_from_fdt(const struct gk_fdt *f, struct gic_layout *lay,
			struct gk_err *e);

void gic_layout_free(struct gic_layout *lay);

/**
 * gic_read - read one allow-listed register
 * @pm: physical memory
 * @frame: base of the frame holding it (GICD, a RD_base, an ITS)
 * @reg: which register
 * @val: its value
 * @e: failure detail, or NULL
 *
 * returns: 0, or a negative GK_ERR_* code
 */
int gic_read(struct physmem *pm, uint64_t frame, enum gic_reg reg,
	     uint64_t *val, struct gk_err *e);

/* One redistributor as found by the walk. */
struct gic_rd {
	uint64_t base; /* RD_base */
	unsigned int region;
	uint64_t typer;
};

/**
 * gic_walk_rds - enumerate the redistributors as the kernel does
 * @pm: physical memory
 * @lay: the layout
 * @out: the redistributors, to be freed by the caller
 * @n: how many
 * @e: failure detail, or NULL
 *
 * In each region (one RD per region when rd_per_region: the MADT's GICC
 * entries give each CPU's RD_base), frames follow each other at the stride (RD_base +
 * SGI_base, two more 64 KiB frames with GICR_TYPER.VLPIS) until one has
 * GICR_TYPER.Last set; a frame whose GICR_PIDR2 is not GICv3/v4 ends the
 * region, as in the kernel's gic_iterate_rdists().
 *
 * returns: 0, or a negative GK_ERR_* code (the first read that failed)
 */
int gic_walk_rds(struct physmem *pm, const struct gic_layout *lay,
		 struct gic_rd **out, size_t *n, struct gk_err *e);

/* Told of redistributor number @i as soon as the walk finds it. */
typedef void gic_rd_fn(struct physmem *pm, const struct gic_rd *rd, size_t i,
		       void *arg);

/**
 * gic_walk_rds_each - gic_walk_rds(), calling @fn on each redistributor
 * @fn: called in walk order, before the walk reads the next frame, so
 *	that the registers @fn reads of a frame are read while its page is
 *	at hand (one mmap() of /dev/mem, one read of a snapshot)
 * @arg: passed to @fn
 *
 * @fn is called even when the walk fails further on.
 */
int gic_walk_rds_each(struct physmem *pm, const struct gic_layout *lay,
		      gic_rd_fn *fn, void *arg, struct gic_rd **out, size_t *n,
		      struct gk_err *e);

#endif
