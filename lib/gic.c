// SPDX-License-Identifier: GPL-2.0-or-later
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gic.h"

/* A real system has at most a few thousand redistributors. */
#define GIC_MAX_RDS 65536u
#define GIC_MAX_REGIONS 64u

static const struct gic_reg_desc regs[GIC_REG_MAX_] = {
	[GICD_CTLR] = { "GICD_CTLR", 0x0000, 4 },
	[GICD_TYPER] = { "GICD_TYPER", 0x0004, 4 },
	[GICD_IIDR] = { "GICD_IIDR", 0x0008, 4 },
	[GICD_PIDR2] = { "GICD_PIDR2", 0xffe8, 4 },
	[GICR_CTLR] = { "GICR_CTLR", 0x0000, 4 },
	[GICR_IIDR] = { "GICR_IIDR", 0x0004, 4 },
	[GICR_TYPER] = { "GICR_TYPER", 0x0008, 8 },
	[GICR_WAKER] = { "GICR_WAKER", 0x0014, 4 },
	[GICR_PROPBASER] = { "GICR_PROPBASER", 0x0070, 8 },
	[GICR_PENDBASER] = { "GICR_PENDBASER", 0x0078, 8 },
	[GICR_PIDR2] = { "GICR_PIDR2", 0xffe8, 4 },
	[GITS_CTLR] = { "GITS_CTLR", 0x0000, 4 },
	[GITS_IIDR] = { "GITS_IIDR", 0x0004, 4 },
	[GITS_TYPER] = { "GITS_TYPER", 0x0008, 8 },
	[GITS_CBASER] = { "GITS_CBASER", 0x0080, 8 },
	[GITS_PIDR2] = { "GITS_PIDR2", 0xffe8, 4 },
};

const struct gic_reg_desc *gic_reg_desc(enum gic_reg reg)
{
	return reg < GIC_REG_MAX_ ? &regs[reg] : NULL;
}

int gic_read(struct physmem *pm, uint64_t frame, enum gic_reg reg,
	     uint64_t *val, struct gk_err *e)
{
	const struct gic_reg_desc *d = gic_reg_desc(reg);
	int ret;

	if (!d)
		return gk_fail(e, -GK_ERR_INVAL, "register %d not allowed",
			       (int)reg);
	ret = physmem_read_reg(pm, frame + d->offset, d->width, val, e);
	if (ret < 0)
		gk_err_prefix(e, "%s of frame 0x%llx", d->name,
			      (unsigned long long)frame);
	return ret;
}

static bool cells_value(const fdt32_t *p, int n, uint64_t *v)
{
	if (n < 1 || n > 2)
		return false;
	*v = 0;
	for (int i = 0; i < n; i++)
		*v = *v << 32 | fdt32_ld(p + i);
	return true;
}

/* One hop up: @addr in @node's bus to its parent's bus, via "ranges". */
static int translate_one(const void *fdt, int bus, uint64_t *addr)
{
	int up = fdt_parent_offset(fdt, bus);
	int ca = fdt_address_cells(fdt, bus), sc = fdt_size_cells(fdt, bus);
	int pa = up >= 0 ? fdt_address_cells(fdt, up) : -1;
	const fdt32_t *r;
	int len, step;

	r = fdt_getprop(fdt, bus, "ranges", &len);
	if (!r)
		return -1; /* no ranges: not mapped into the CPU's space */
	if (!len)
		return 0; /* empty ranges: identity */
	if (up < 0 || ca < 1 || pa < 1 || sc < 1)
		return -1;
	step = (ca + pa + sc) * 4;
	for (int off = 0; off + step <= len; off += step) {
		const fdt32_t *ent = r + off / 4;
		uint64_t child, parent, size;

		if (!cells_value(ent, ca, &child) ||
		    !cells_value(ent + ca, pa, &parent) ||
		    !cells_value(ent + ca + pa, sc, &size))
			return -1;
		if (*addr >= child && *addr - child < size) {
			*addr = parent + (*addr - child);
			return 0;
		}
	}
	return -1;
}

/* @addr as read in @node's "reg", to a CPU physical address. */
static int translate(const void *fdt, int node, uint64_t *addr)
{
	int bus = fdt_parent_offset(fdt, node);

	while (bus > 0) {
		if (translate_one(fdt, bus, addr) < 0)
			return -1;
		bus = fdt_parent_offset(fdt, bus);
	}
	return bus == 0 ? 0 : -1;
}

/* Entry @i of @node's "reg", translated. */
static int reg_entry(const void *fdt, int node, int i, struct gk_range *r)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent),
	    sc = fdt_size_cells(fdt, parent);
	const fdt32_t *p;
	uint64_t addr, size;
	int len;

	p = fdt_getprop(fdt, node, "reg", &len);
	if (!p || ac < 1 || sc < 1 || (i + 1) * (ac + sc) * 4 > len)
		return -1;
	p += i * (ac + sc);
	if (!cells_value(p, ac, &addr) || !cells_value(p + ac, sc, &size) ||
	    translate(fdt, node, &addr) < 0 ||
	    !gk_range_from_len(r, addr, size))
		return -1;
	return 0;
}

static int find_its(const void *fdt, int gic, struct gic_layout *lay)
{
	int child;

	fdt_for_each_subnode(child, fdt, gic) {
		struct gk_range r;
		uint64_t *its;

		if (fdt_node_check_compatible(fdt, child, "arm,gic-v3-its"))
			continue;
		if (reg_entry(fdt, child, 0, &r) < 0)
			continue;
		its = realloc(lay->its, (lay->nits + 1) * sizeof(*its));
		if (!its)
			return -GK_ERR_NOMEM;
		lay->its = its;
		lay->its[lay->nits++] = r.start;
	}
	return 0;
}

static int rd_regions(const void *fdt, int gic, struct gic_layout *lay)
{
	const fdt32_t *p;
	uint32_t nr = 1;
	int len;

	p = fdt_getprop(fdt, gic, "#redistributor-regions", &len);
	if (p && len == 4)
		nr = fdt32_ld(p);
	if (!nr || nr > GIC_MAX_REGIONS)
		return -GK_ERR_BADFDT;
	lay->rdregions = calloc(nr, sizeof(*lay->rdregions));
	if (!lay->rdregions)
		return -GK_ERR_NOMEM;
	for (uint32_t i = 0; i < nr; i++)
		if (reg_entry(fdt, gic, (int)i + 1, &lay->rdregions[i]) < 0)
			return -GK_ERR_BADFDT;
	lay->nrdregions = nr;
	p = fdt_getprop(fdt, gic, "redistributor-stride", &len);
	if (p && len == 8)
		lay->rdstride = fdt64_ld((const fdt64_t *)p);
	else if (p && len == 4)
		lay->rdstride = fdt32_ld(p);
	if (lay->rdstride % GIC_FRAME_64K)
		return -GK_ERR_BADFDT;
	return 0;
}

/* node names may hold any byte: keep messages on one line */
static const char *safe_name(const void *fdt, int node, char *buf, size_t n)
{
	const char *s = fdt_get_name(fdt, node, NULL);
	size_t i;

	for (i = 0; s && s[i] && i + 1 < n; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = 0;
	return buf;
}

int gic_layout_from_fdt(const struct gk_fdt *f, struct gic_layout *lay,
			struct gk_err *e)
{
	struct gk_range d;
	char nb[64];
	int gic, ret;

	memset(lay, 0, sizeof(*lay));
	gic = fdt_node_offset_by_compatible(f->blob, -1, "arm,gic-v3");
	if (gic < 0)
		return gk_fail(e, -GK_ERR_NOTFOUND,
			       "%s: no \"arm,gic-v3\" node", f->name);
	if (reg_entry(f->blob, gic, 0, &d) < 0) {
		ret = -GK_ERR_BADFDT;
	} else {
		lay->dist = d.start;
		ret = rd_regions(f->blob, gic, lay);
		if (!ret)
			ret = find_its(f->blob, gic, lay);
	}
	if (ret < 0) {
		gic_layout_free(lay);
		if (ret == -GK_ERR_NOMEM)
			return gk_fail(e, ret, "out of memory");
		return gk_fail(
			e, ret,
			"%s: GIC node %s: bad reg, #redistributor-regions or redistributor-stride",
			f->name, safe_name(f->blob, gic, nb, sizeof(nb)));
	}
	snprintf(lay->source, sizeof(lay->source), "device tree /%s",
		 safe_name(f->blob, gic, nb, sizeof(nb)));
	return 0;
}

void gic_layout_free(struct gic_layout *lay)
{
	free(lay->rdregions);
	free(lay->its);
	memset(lay, 0, sizeof(*lay));
}

/* The walk's output, and whom to tell of each redistributor. */
struct walk {
	struct gic_rd *rds;
	size_t n, cap;
	gic_rd_fn *fn;
	void *arg;
};

static int add_rd(struct walk *w, const struct gic_rd *rd)
{
	if (w->n == GIC_MAX_RDS)
		return -GK_ERR_TOOBIG;
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct gic_rd *p = realloc(w->rds, cap * sizeof(*p));

		if (!p)
			return -GK_ERR_NOMEM;
		w->rds = p;
		w->cap = cap;
	}
	w->rds[w->n++] = *rd;
	return 0;
}

static int walk_region(struct physmem *pm, const struct gic_layout *lay,
		       unsigned int i, struct walk *w, struct gk_err *e)
{
	const struct gk_range *reg = &lay->rdregions[i];
	struct gic_rd rd = { .base = reg->start, .region = i };
	uint64_t pidr2;
	int ret;

	ret = gic_read(pm, rd.base, GICR_PIDR2, &pidr2, e);
	if (ret < 0)
		return ret;
	/* as gic_iterate_rdists(): "No redistributor present" */
	if (GIC_PIDR2_ARCH(pidr2) != 3 && GIC_PIDR2_ARCH(pidr2) != 4)
		return 0;
	for (;;) {
		if (rd.base + GIC_FRAME_64K - 1 > reg->end)
			return gk_fail(
				e, -GK_ERR_CORRUPT,
				"redistributor region %u (0x%llx-0x%llx) ends before a GICR_TYPER with Last",
				i, (unsigned long long)reg->start,
				(unsigned long long)reg->end);
		ret = gic_read(pm, rd.base, GICR_TYPER, &rd.typer, e);
		if (ret < 0)
			return ret;
		ret = add_rd(w, &rd);
		if (ret < 0)
			return gk_fail(e, ret, "too many redistributors");
		if (w->fn)
			w->fn(pm, &rd, w->n - 1, w->arg);
		if ((rd.typer & GICR_TYPER_LAST) || lay->rd_per_region)
			return 0;
		if (lay->rdstride)
			rd.base += lay->rdstride;
		else
			rd.base += (rd.typer & GICR_TYPER_VLPIS ? 4 : 2) *
				   GIC_FRAME_64K;
	}
}

int gic_walk_rds_each(struct physmem *pm, const struct gic_layout *lay,
		      gic_rd_fn *fn, void *arg, struct gic_rd **out, size_t *n,
		      struct gk_err *e)
{
	struct walk w = { .fn = fn, .arg = arg };
	int ret = 0;

	for (unsigned int i = 0; i < lay->nrdregions && !ret; i++)
		ret = walk_region(pm, lay, i, &w, e);
	if (ret < 0) {
		free(w.rds);
		return ret;
	}
	*out = w.rds;
	*n = w.n;
	return 0;
}

int gic_walk_rds(struct physmem *pm, const struct gic_layout *lay,
		 struct gic_rd **out, size_t *n, struct gk_err *e)
{
	return gic_walk_rds_each(pm, lay, NULL, NULL, out, n, e);
}
