/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the segments of the next kernel may go: System RAM from
 * /proc/iomem, less everything that must survive the jump (every child
 * resource but the running kernel's own code and data, which the new
 * kernel may overwrite), less the live LPI tables, within --mem-min and
 * --mem-max; for a crash load, only the Crash kernel ranges. First fit
 * from the bottom: the same input always gives the same plan.
 */
#ifndef GK_KEXEC_PLACE_H
#define GK_KEXEC_PLACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"
#include "iomem.h"
#include "range.h"

struct kx_free {
	struct gk_range *r; /* free ranges, sorted, disjoint */
	size_t n;
};

/**
 * kx_free_init - the memory a load may use
 * @io: /proc/iomem
 * @crash: true for kexec -p: only the "Crash kernel" ranges
 * @min: lowest usable address (--mem-min)
 * @max: highest usable address (--mem-max), inclusive
 * @avoid: ranges never to use (the live LPI tables), may be NULL
 * @navoid: how many
 * @fr: output; free with kx_free_release()
 * @e: failure detail, or NULL
 *
 * returns: 0, or -GK_ERR_NOTFOUND when nothing is usable
 */
int kx_free_init(const struct iomem *io, bool crash, uint64_t min, uint64_t max,
		 const struct gk_range *avoid, size_t navoid,
		 struct kx_free *fr, struct gk_err *e);

void kx_free_release(struct kx_free *fr);

/**
 * kx_alloc - take the lowest fitting block
 * @fr: free memory; the block is removed from it
 * @size: bytes (rounded up to pages by the caller)
 * @align: alignment of the block's start, a power of two
 * @offset: the block starts @offset bytes past an aligned address
 *	    (an Image at text_offset from a 2 MiB boundary)
 * @no_cross: if not 0, the block may not cross a multiple of it (a DTB
 *	      must not cross 2 MiB)
 * @above: lowest start accepted
 * @top_down: take the highest fitting block instead (the elfcorehdr)
 * @out: its start
 *
 * returns: 0, or -GK_ERR_NOTFOUND
 */
int kx_alloc(struct kx_free *fr, uint64_t size, uint64_t align, uint64_t offset,
	     uint64_t no_cross, uint64_t above, bool top_down, uint64_t *out);

#endif
