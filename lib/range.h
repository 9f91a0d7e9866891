/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Physical address ranges. The end is inclusive, as in /proc/iomem, so a
 * range can reach the top of the 64-bit address space without overflow.
 */
#ifndef GK_RANGE_H
#define GK_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gk_range {
	uint64_t start;
	uint64_t end; /* inclusive */
};

/**
 * gk_range_from_len - make the range [start, start+len)
 * @r: output
 * @start: first address
 * @len: length in bytes, at least 1
 *
 * returns: false when @len is 0 or the range wraps past 2^64
 */
static inline bool gk_range_from_len(struct gk_range *r, uint64_t start,
				     uint64_t len)
{
	if (!len || start + (len - 1) < start)
		return false;
	r->start = start;
	r->end = start + (len - 1);
	return true;
}

static inline bool gk_range_contains(const struct gk_range *outer,
				     const struct gk_range *inner)
{
	return inner->start >= outer->start && inner->end <= outer->end;
}

static inline bool gk_range_overlaps(const struct gk_range *a,
				     const struct gk_range *b)
{
	return a->start <= b->end && b->start <= a->end;
}

/**
 * gk_ranges_sort - sort by start, then end
 */
void gk_ranges_sort(struct gk_range *r, size_t n);

/**
 * gk_ranges_merge - sort and merge overlapping and adjacent ranges in place
 * @r: the ranges
 * @n: how many
 *
 * Adjacent ranges merge the way memblock merges neighbouring reservations.
 *
 * returns: the new count
 */
size_t gk_ranges_merge(struct gk_range *r, size_t n);

/**
 * gk_ranges_covers - whether sorted, merged ranges cover @want wholly
 * @r: ranges as left by gk_ranges_merge() (sorted, disjoint): the
 *     search is a bisection
 * @n: how many
 * @want: the range asked about
 * @by: if not NULL, set to the index of the covering range, or of the
 *	first range that overlaps @want when it is not covered (-1: none)
 *
 * returns: true when one merged range contains all of @want
 */
bool gk_ranges_covers(const struct gk_range *r, size_t n,
		      const struct gk_range *want, long *by);

#endif
