// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the memreserve walk. The input is physical memory at
 * FUZZ_BASE with the root at its start; its first 8 bytes, when present,
 * also say how much of it is "System RAM" so the RAM checks are reached.
 */
#include <stdlib.h>

#include "efitables.h"
#include "fuzz.h"

#define FUZZ_BASE 0x40000000ull

/* A list the walk accepted must be consistent with itself. */
static bool check_list(const struct eft_memreserve *mr)
{
	for (size_t i = 0; i < mr->nblocks; i++)
		if (mr->blocks[i].count > mr->blocks[i].size ||
		    mr->blocks[i].addr & 7)
			return false;
	for (size_t i = 1; i < mr->nmerged; i++)
		if (mr->merged[i].start <= mr->merged[i - 1].end + 1)
			return false;
	for (size_t i = 0; i < mr->nentries; i++) {
		const struct eft_mr_entry *en = &mr->entries[i];

		if (en->flags & (EFT_MR_ZERO | EFT_MR_WRAPS))
			continue;
		if (eft_memreserve_covers(mr, en->base, en->size, NULL) != 1)
			return false;
	}
	return true;
}

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct gk_fuzz_mem in = { data, size, FUZZ_BASE };
	struct gk_range ram = { FUZZ_BASE, FUZZ_BASE };
	struct eft_reader rd = { gk_fuzz_mem_read, &in, gk_fuzz_mem_name, NULL,
				 0 };
	struct eft_memreserve *mr = NULL;
	struct gk_err e = { 0 };
	bool ok;
	int ret;

	if (size >= 8 && (data[7] & 1)) {
		ram.end = FUZZ_BASE + (data[0] | data[1] << 8 | data[2] << 16);
		rd.ram = &ram;
		rd.nram = 1;
	}
	ret = eft_memreserve_walk(&rd, FUZZ_BASE + 8 * (size >= 8), &mr, &e);
	if (ret < 0)
		return gk_fuzz_failed_well(ret, &e) && !mr;
	ok = check_list(mr);
	eft_memreserve_free(mr);
	return ok;
}
