// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The identity map builder; see idmap.h. Called with the MMU off in the
 * purgatory: the table writes go straight to memory, and the caller
 * invalidates the tables' cache lines before turning the MMU on.
 */
#include "idmap.h"

#define OA_MASK ((1ull << KX_IDMAP_VA_BITS) - 1)

static uint64_t *table(struct kx_idmap *m, uint64_t pa)
{
	return (uint64_t *)(void *)(m->va + (pa - m->pa));
}

/* A zeroed table of one granule; 0 when the scratch area is full. */
static uint64_t alloc_table(struct kx_idmap *m)
{
	uint64_t granule = 1ull << m->shift, pa;
	volatile uint64_t *t; /* volatile: stays a loop, never a memset call */

	if (m->size - m->used < granule)
		return 0;
	pa = m->pa + m->used;
	m->used += granule;
	t = table(m, pa);
	for (uint64_t i = 0; i < granule / 8; i++)
		t[i] = 0;
	return pa;
}

/* A block descriptor is allowed at this level with this granule. */
static int block_ok(const struct kx_idmap *m, int level)
{
	if (m->shift == 12)
		return level == 1 || level == 2; /* 1 GiB, 2 MiB */
	return level == 2; /* 64 KiB granule: 512 MiB (1 would need LPA) */
}

/* Map [start, end) (granule-aligned) through the table at tpa. */
static int map_level(struct kx_idmap *m, uint64_t tpa, int level,
		     uint64_t start, uint64_t end)
{
	unsigned lshift = kx_idmap_level_shift(m->shift, level);
	uint64_t span = 1ull << lshift;
	uint64_t *t = table(m, tpa);
	uint64_t addr_mask = OA_MASK & ~((1ull << m->shift) - 1);

	for (uint64_t a = start; a < end;) {
		uint64_t next = (a | (span - 1)) + 1; /* this entry's end */
		uint64_t stop = next < end ? next : end;
		unsigned idx = (unsigned)((a >> lshift) &
					  ((1ull << (m->shift - 3)) - 1));
		uint64_t d = t[idx];
		int rc;

		if (level == 3) {
			t[idx] = a | m->leaf | KX_PTE_PAGE;
		} else if ((d & KX_PTE_TYPE_MASK) == KX_PTE_BLOCK) {
			/* already a block over the whole entry: nothing to do */
		} else if (d == 0 && block_ok(m, level) &&
			   a == (a & ~(span - 1)) && stop == next) {
			t[idx] = a | m->leaf | KX_PTE_BLOCK;
		} else {
			if (d == 0) {
				uint64_t pa = alloc_table(m);

				if (!pa)
					return KX_IDMAP_ENOMEM;
				d = pa | KX_PTE_TABLE;
				t[idx] = d;
			}
			rc = map_level(m, d & addr_mask, level + 1, a, stop);
			if (rc)
				return rc;
		}
		a = stop;
	}
	return KX_IDMAP_OK;
}

int kx_idmap_init(struct kx_idmap *m, void *va, uint64_t pa, uint64_t size,
		  unsigned shift, uint64_t leaf)
{
	if ((shift != 12 && shift != 16) || (pa & ((1ull << shift) - 1)))
		return KX_IDMAP_EINVAL;
	m->va = va;
	m->pa = pa;
	m->size = size;
	m->used = 0;
	m->shift = shift;
	m->start_level = shift == 12 ? 0 : 1;
	m->leaf = leaf;
	m->root = alloc_table(m);
	return m->root ? KX_IDMAP_OK : KX_IDMAP_ENOMEM;
}

int kx_idmap_map(struct kx_idmap *m, uint64_t start, uint64_t len)
{
	uint64_t g = (1ull << m->shift) - 1;
	uint64_t end = start + len;

	if (!len)
		return KX_IDMAP_OK;
	if (end < start || end > (1ull << KX_IDMAP_VA_BITS))
		return KX_IDMAP_ERANGE;
	/*
	 * At the start level an index takes only the bits below the VA size,
	 * which map_level's mask (one granule of entries) already covers: 512
	 * entries for 4 KiB at level 0, 64 of 8192 for 64 KiB at level 1.
	 */
	return map_level(m, m->root, m->start_level, start & ~g,
			 (end + g) & ~g);
}
