// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for gic_layout_from_fdt(): the input is a device tree blob,
 * checked by gk_fdt_from_buf() (fdt_check_full) as one read from
 * /sys/firmware/fdt would be, then searched for the GICv3 node.
 *
 * Besides not crashing, the layout must keep its promises: a failure comes
 * with a one-line message and leaves nothing allocated; a layout has at
 * least one redistributor region, none empty, a stride of whole 64 KiB
 * frames, and an ITS list that agrees with its count.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "gic.h"
#include "gkfdt.h"

#define NAME "fuzz"

static bool check_layout(const struct gic_layout *lay)
{
	/*
	 * lay->dist is not checked against 0: a "reg" at address 0 is
	 * accepted, so 0 does not always mean "unknown" (see gic.h).
	 */
	if (!lay->nrdregions || !lay->rdregions || lay->rd_per_region ||
	    lay->rdstride % GIC_FRAME_64K || !lay->nits != !lay->its)
		return false;
	for (size_t i = 0; i < lay->nrdregions; i++)
		if (lay->rdregions[i].start > lay->rdregions[i].end)
			return false;
	return !strncmp(lay->source, "device tree /", 13);
}

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct gic_layout lay;
	struct gk_err e = { 0 };
	struct gk_fdt f;
	void *copy;
	bool ok;
	int ret;

	/* libfdt wants the blob aligned, as a read buffer is */
	copy = malloc(size ? size : 1);
	if (!copy)
		return true;
	memcpy(copy, data, size);
	ret = gk_fdt_from_buf(copy, size, NAME, &f, &e);
	if (ret < 0)
		return gk_fuzz_failed_well(ret, &e) && !f.blob;
	gk_err_clear(&e);
	ret = gic_layout_from_fdt(&f, &lay, &e);
	if (ret < 0)
		ok = gk_fuzz_failed_well(ret, &e) && !lay.rdregions &&
		     !lay.its && !lay.nrdregions && !lay.nits;
	else
		ok = check_layout(&lay);
	gic_layout_free(&lay);
	gk_fdt_free(&f);
	return ok;
}
