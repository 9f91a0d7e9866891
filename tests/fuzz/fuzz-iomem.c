// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for lib/iomem; fuzz-main.c makes it a libFuzzer target or a
 * TAP replay program.
 *
 * Besides not crashing, the parser must keep its promises: a failure comes
 * with a one-line message and no tree, and a tree it accepts is well formed.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "iomem.h"

/* What the kernel guarantees and the parser checks, node by node. */
static bool check_node(const struct iomem_res *r)
{
	const struct iomem_res *up = r->parent, *next = r->next;

	if (!r->name || r->start > r->end)
		return false;
	if (!up && r->depth)
		return false;
	if (up && (r->depth != up->depth + 1 || r->start < up->start ||
		   r->end > up->end))
		return false;
	if (r->child && r->child->parent != r)
		return false;
	if (next && next->parent != up)
		return false;
	/* siblings are sorted unless the view is zeroed */
	return !next || next->start > r->end ||
	       (!r->start && !r->end && !next->start && !next->end);
}

/*
 * The resource after @r in file order. No recursion: the tree can be a
 * million levels deep.
 */
static const struct iomem_res *walk_next(const struct iomem_res *r)
{
	if (r->child)
		return r->child;
	while (r && !r->next)
		r = r->parent;
	return r ? r->next : NULL;
}

static bool check_tree(const struct iomem *io)
{
	size_t n = 0;

	for (const struct iomem_res *r = iomem_root(io); r; r = walk_next(r)) {
		if (!check_node(r))
			return false;
		n++;
	}
	return n == iomem_count(io);
}

/*
 * Top-level System RAM is in RAM, unless the addresses are hidden; nothing
 * is in RAM when there is none.
 */
static bool check_ram(const struct iomem *io)
{
	bool any = false;

	for (const struct iomem_res *r = iomem_root(io); r; r = r->next) {
		uint64_t len = r->end - r->start + 1;

		if (strcmp(r->name, "System RAM"))
			continue;
		any = true;
		if (len && iomem_in_ram(io, r->start, len) == iomem_zeroed(io))
			return false;
	}
	return any || !iomem_in_ram(io, 0, 1);
}

/* iomem_find() returns every resource of that name, in address order. */
static bool check_find(const struct iomem *io, const char *name)
{
	const struct iomem_res *r = iomem_root(io);
	struct gk_range *found;
	size_t n, k = 0;
	bool ok = true;

	if (iomem_find(io, name, &found, &n))
		return true; /* out of memory is no bug */
	for (; r && ok; r = walk_next(r)) {
		if (strcmp(r->name, name))
			continue;
		ok = k < n && found[k].start == r->start &&
		     found[k].end == r->end;
		k++;
	}
	for (size_t i = 1; i < n && ok; i++)
		ok = found[i].start >= found[i - 1].start;
	free(found);
	return ok && k == n;
}

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct gk_err e = { 0 };
	struct iomem *io = NULL;
	bool ok;
	int ret;

	ret = iomem_parse((const char *)data, size, "fuzz", &io, &e);
	if (ret)
		return !io && gk_fuzz_failed_well(ret, &e);
	ok = check_tree(io) && check_ram(io) && check_find(io, "reserved");
	iomem_free(io);
	return ok;
}
