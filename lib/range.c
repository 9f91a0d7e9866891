// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>

#include "range.h"

static int range_cmp(const void *pa, const void *pb)
{
	const struct gk_range *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return 0;
}

void gk_ranges_sort(struct gk_range *r, size_t n)
{
	if (n > 1)
		qsort(r, n, sizeof(*r), range_cmp);
}

size_t gk_ranges_merge(struct gk_range *r, size_t n)
{
	size_t out = 0;

	gk_ranges_sort(r, n);
	for (size_t i = 0; i < n; i++) {
		struct gk_range *last = out ? &r[out - 1] : NULL;

		/* end + 1 == start is adjacent; end == UINT64_MAX absorbs all
		 */
		if (last &&
		    (last->end == UINT64_MAX || r[i].start <= last->end + 1)) {
			if (r[i].end > last->end)
				last->end = r[i].end;
			continue;
		}
		r[out++] = r[i];
	}
	return out;
}

bool gk_ranges_covers(const struct gk_range *r, size_t n,
		      const struct gk_range *want, long *by)
{
	size_t lo = 0, hi = n;
	long hit = -1;

	/* the last range starting at or before want->start */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].start <= want->start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && gk_range_contains(&r[lo - 1], want)) {
		if (by)
			*by = (long)(lo - 1);
		return true;
	}
	if (lo && gk_range_overlaps(&r[lo - 1], want))
		hit = (long)(lo - 1);
	else if (lo < n && gk_range_overlaps(&r[lo], want))
		hit = (long)lo;
	if (by)
		*by = hit;
	return false;
}
