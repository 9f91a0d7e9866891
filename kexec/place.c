// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>

#include "place.h"

static int push(struct kx_free *fr, size_t *cap, uint64_t start, uint64_t end)
{
	if (fr->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct gk_range *r = realloc(fr->r, ncap * sizeof(*r));

		if (!r)
			return -GK_ERR_NOMEM;
		fr->r = r;
		*cap = ncap;
	}
	fr->r[fr->n++] = (struct gk_range){ start, end };
	return 0;
}

/* Remove [hole] from the free list, splitting ranges. */
static int carve(struct kx_free *fr, size_t *cap, const struct gk_range *hole)
{
	size_t n = fr->n;

	for (size_t i = 0; i < n; i++) {
		struct gk_range *r = &fr->r[i];
		uint64_t end = r->end;

		if (!gk_range_overlaps(r, hole))
			continue;
		if (hole->start > r->start) {
			r->end = hole->start - 1;
			if (end > hole->end &&
			    push(fr, cap, hole->end + 1, end))
				return -GK_ERR_NOMEM;
		} else if (end > hole->end) {
			r->start = hole->end + 1;
		} else {
			r->start = 1; /* empty: dropped below */
			r->end = 0;
		}
	}
	return 0;
}

static void drop_empty(struct kx_free *fr)
{
	size_t k = 0;

	for (size_t i = 0; i < fr->n; i++)
		if (fr->r[i].start <= fr->r[i].end)
			fr->r[k++] = fr->r[i];
	fr->n = k;
	gk_ranges_sort(fr->r, fr->n);
}

/* What survives a jump inside System RAM: all but the kernel's own image. */
static bool keep_child(const char *name)
{
	return strcmp(name, "Kernel code") && strcmp(name, "Kernel data") &&
	       strcmp(name, "Kernel bss") && strcmp(name, "Kernel rodata");
}

static int from_ram(const struct iomem *io, struct kx_free *fr, size_t *cap)
{
	for (const struct iomem_res *r = iomem_root(io); r; r = r->next) {
		if (strcmp(r->name, "System RAM"))
			continue;
		if (push(fr, cap, r->start, r->end))
			return -GK_ERR_NOMEM;
		for (const struct iomem_res *c = r->child; c; c = c->next) {
			struct gk_range hole = { c->start, c->end };

			if (keep_child(c->name) && carve(fr, cap, &hole))
				return -GK_ERR_NOMEM;
		}
	}
	return 0;
}

static int from_crash(const struct iomem *io, struct kx_free *fr, size_t *cap)
{
	struct gk_range *r;
	size_t n;

	if (iomem_find(io, "Crash kernel", &r, &n) < 0)
		return -GK_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (push(fr, cap, r[i].start, r[i].end)) {
			free(r);
			return -GK_ERR_NOMEM;
		}
	free(r);
	return 0;
}

int kx_free_init(const struct iomem *io, bool crash, uint64_t min, uint64_t max,
		 const struct gk_range *avoid, size_t navoid,
		 struct kx_free *fr, struct gk_err *e)
{
	struct gk_range below = { 0, min ? min - 1 : 0 };
	struct gk_range above = { max + (max < UINT64_MAX), UINT64_MAX };
	size_t cap = 0;
	int ret;

	memset(fr, 0, sizeof(*fr));
	ret = crash ? from_crash(io, fr, &cap) : from_ram(io, fr, &cap);
	for (size_t i = 0; !ret && i < navoid; i++)
		ret = carve(fr, &cap, &avoid[i]);
	if (!ret && min)
		ret = carve(fr, &cap, &below);
	if (!ret && max < UINT64_MAX)
		ret = carve(fr, &cap, &above);
	if (ret < 0) {
		kx_free_release(fr);
		return gk_fail(e, ret, "out of memory");
	}
	drop_empty(fr);
	if (!fr->n && (min || max < UINT64_MAX))
		return gk_fail(e, -GK_ERR_NOTFOUND,
			       "no %s between --mem-min %#" PRIx64
			       " and --mem-max %#" PRIx64 " in /proc/iomem",
			       crash ? "Crash kernel memory" :
				       "usable System RAM",
			       min, max);
	if (!fr->n)
		return gk_fail(
			e, -GK_ERR_NOTFOUND, "%s",
			crash ? "no Crash kernel memory in /proc/iomem (boot with crashkernel=)" :
				"no usable System RAM in /proc/iomem");
	return 0;
}

void kx_free_release(struct kx_free *fr)
{
	free(fr->r);
	fr->r = NULL;
	fr->n = 0;
}

/* Where a block would start in @r, or false. */
static bool fit(const struct gk_range *r, uint64_t size, uint64_t align,
		uint64_t offset, uint64_t no_cross, uint64_t above,
		bool top_down, uint64_t *at)
{
	uint64_t lo = r->start > above ? r->start : above, s;

	if (lo > r->end || r->end - lo + 1 < size)
		return false;
	if (top_down) {
		s = ((r->end - size + 1 - offset) & ~(align - 1)) + offset;
		if (s > r->end - size + 1) /* offset pushed it past */
			s -= align;
	} else {
		s = ((lo - offset + align - 1) & ~(align - 1)) + offset;
		if (s < lo)
			s += align;
	}
	if (s < lo || s + size - 1 > r->end || s + size - 1 < s)
		return false;
	if (no_cross && s / no_cross != (s + size - 1) / no_cross) {
		uint64_t next = (s / no_cross + 1) * no_cross;

		if (top_down || size > no_cross)
			return false;
		s = next; /* start at the boundary: aligned to it too */
		if (s + size - 1 > r->end)
			return false;
	}
	*at = s;
	return true;
}

int kx_alloc(struct kx_free *fr, uint64_t size, uint64_t align, uint64_t offset,
	     uint64_t no_cross, uint64_t above, bool top_down, uint64_t *out)
{
	size_t cap = fr->n;
	struct gk_range used;

	for (size_t k = 0; k < fr->n; k++) {
		size_t i = top_down ? fr->n - 1 - k : k;
		uint64_t at;

		if (!fit(&fr->r[i], size, align, offset, no_cross, above,
			 top_down, &at))
			continue;
		used = (struct gk_range){ at, at + size - 1 };
		if (carve(fr, &cap, &used) < 0)
			return -GK_ERR_NOMEM;
		drop_empty(fr);
		*out = at;
		return 0;
	}
	return -GK_ERR_NOTFOUND;
}
