// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for lib/acpi: the input is an "APIC" table. It is parsed as
 * it is, then once more with its length and checksum made right, so that
 * mutations get past the header to the structures.
 *
 * Besides not crashing, the parser must keep its promises: a failure comes
 * with a one-line message naming the file and no table; a table it accepts
 * agrees with the bytes, and so does the GIC layout derived from it.
 */
#include <stdlib.h>

#include "acpi.h"
#include "fuzz.h"
#include "le.h"

#define NAME "fuzz"

static bool check_arrays(const struct madt *m)
{
	return !m->ngicc == !m->gicc && !m->ngicr == !m->gicr &&
	       !m->nits == !m->its &&
	       m->ngicc + m->ngicr + m->nits < MADT_MAX_STRUCTS &&
	       !strcmp(m->name, NAME);
}

/* Each GICC as decoded is the one at its offset, wholly in the table. */
static bool check_gicc(const struct madt *m, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < m->ngicc; i++) {
		const struct madt_gicc *g = &m->gicc[i];
		const uint8_t *p = buf + g->offset;

		if (g->offset < 44 || (size_t)g->offset + 76 > len ||
		    p[0] != 0x0b || p[1] < 76 || p[1] > len - g->offset)
			return false;
		if (g->cpu_iface != gk_le32(p + 4) ||
		    g->uid != gk_le32(p + 8) || g->flags != gk_le32(p + 12) ||
		    g->gicr_base != gk_le64(p + 60) ||
		    g->mpidr != gk_le64(p + 68))
			return false;
	}
	for (size_t i = 0; i < m->ngicr; i++)
		if (m->gicr[i].start > m->gicr[i].end)
			return false;
	return true;
}

static bool check_regions(const struct madt *m, const struct gic_layout *lay)
{
	uint64_t rdsize = (m->gic_version == 4 ? 4 : 2) * GIC_FRAME_64K;

	if (!lay->nrdregions || !lay->rdregions || lay->rdstride ||
	    lay->rd_per_region != !m->ngicr)
		return false;
	if (!lay->rd_per_region && lay->nrdregions != m->ngicr)
		return false;
	if (lay->rd_per_region && lay->nrdregions > m->ngicc)
		return false;
	for (size_t i = 0; i < lay->nrdregions; i++) {
		const struct gk_range *r = &lay->rdregions[i];

		if (r->start > r->end)
			return false;
		if (lay->rd_per_region &&
		    (!r->start || r->end - r->start + 1 != rdsize))
			return false;
	}
	return true;
}

static bool check_layout(const struct madt *m)
{
	struct gic_layout lay;
	struct gk_err e = { 0 };
	bool ok;
	int ret;

	ret = gic_layout_from_madt(m, &lay, &e);
	if (ret < 0)
		return gk_fuzz_failed_well(ret, &e) && !lay.rdregions &&
		       !lay.its && !lay.nrdregions && !lay.nits;
	ok = lay.dist == m->gicd_base && check_regions(m, &lay) &&
	     lay.nits == m->nits && !lay.nits == !lay.its &&
	     !strcmp(lay.source, "MADT");
	for (size_t i = 0; ok && i < lay.nits; i++)
		ok = lay.its[i] == m->its[i].base;
	gic_layout_free(&lay);
	return ok;
}

static bool parse_one(const uint8_t *buf, size_t len)
{
	struct madt *m = NULL;
	struct gk_err e = { 0 };
	bool ok;
	int ret;

	ret = madt_parse(buf, len, NAME, &m, &e);
	if (ret < 0)
		return gk_fuzz_failed_well(ret, &e) && !m &&
		       !strncmp(e.msg, NAME ": ", strlen(NAME ": "));
	ok = m && check_arrays(m) && check_gicc(m, buf, len) && check_layout(m);
	madt_free(m);
	return ok;
}

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	uint8_t *fixed;
	uint8_t sum = 0;
	bool ok;

	if (!parse_one(data, size))
		return false;
	if (size < 44 || size > MADT_MAX_SIZE)
		return true;
	fixed = malloc(size);
	if (!fixed)
		return true;
	memcpy(fixed, data, size);
	for (int i = 0; i < 4; i++)
		fixed[4 + i] = (uint8_t)(size >> (8 * i));
	fixed[9] = 0;
	for (size_t i = 0; i < size; i++)
		sum += fixed[i];
	fixed[9] = (uint8_t)-sum;
	ok = parse_one(fixed, size);
	free(fixed);
	return ok;
}
