/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/iomem as a tree.
 *
 * The kernel prints its resource tree one node a line, parents before their
 * children, siblings in address order:
 *
 *	40000000-13fffffff : System RAM
 *	  40210000-411fffff : Kernel code
 *
 * with two spaces of indentation per level and inclusive, lower-case hex
 * addresses of at least eight digits. A reader without CAP_SYS_ADMIN sees
 * every address as 0, which iomem_zeroed() reports so that callers do not
 * mistake it for an empty machine.
 */
#ifndef GK_IOMEM_H
#define GK_IOMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"
#include "range.h"
#include "sysroot.h"

/* Sanity bounds: a real arm64 server has a few hundred lines. */
#define IOMEM_MAX_LINES 1000000u
#define IOMEM_MAX_SIZE (4u << 20)

/**
 * struct iomem_res - one resource, one line of /proc/iomem
 * @start: first address
 * @end: last address (inclusive)
 * @name: the name as printed ("System RAM", "PCI Bus 0000:00"), never NULL
 * @depth: nesting level, 0 for a top-level resource
 * @line: line number in the file, for messages
 * @parent: the enclosing resource, NULL at the top level
 * @child: the first resource inside this one, or NULL
 * @next: the next resource with the same parent, higher up in memory
 */
struct iomem_res {
	uint64_t start;
	uint64_t end;
	const char *name;
	unsigned int depth;
	unsigned int line;
	struct iomem_res *parent;
	struct iomem_res *child;
	struct iomem_res *next;
};

struct iomem;

/**
 * iomem_parse - build the resource tree from the text of /proc/iomem
 * @text: the file contents (need not be NUL-terminated)
 * @len: size of @text
 * @file: file name for messages
 * @out: the tree, to be freed with iomem_free()
 * @e: failure detail ("FILE:LINE: what is wrong"), or NULL
 *
 * Checks what the kernel guarantees: even indentation that deepens by one
 * level at most, START <= END, children inside their parent and siblings in
 * increasing, non-overlapping order (except in a zeroed view). Empty input
 * is a valid, empty tree.
 *
 * returns: 0, -GK_ERR_FORMAT, -GK_ERR_TOOBIG or -GK_ERR_NOMEM
 */
int iomem_parse(const char *text, size_t len, const char *file,
		struct iomem **out, struct gk_err *e);

/**
 * iomem_load - read and parse /proc/iomem under a system root
 * @sr: the root
 * @out: the tree, to be freed with iomem_free()
 * @e: failure detail, or NULL
 *
 * returns: 0, or a negative GK_ERR_* code (-GK_ERR_NOENT when the file is
 * missing, -GK_ERR_TOOBIG above IOMEM_MAX_SIZE)
 */
int iomem_load(const struct sysroot *sr, struct iomem **out, struct gk_err *e);

/**
 * iomem_free - release a tree (NULL is ignored)
 */
void iomem_free(struct iomem *io);

/**
 * iomem_root - the first top-level resource
 * @io: the tree
 *
 * The others follow through ->next, their children through ->child.
 *
 * returns: the resource, or NULL when the tree is empty
 */
const struct iomem_res *iomem_root(const struct iomem *io);

/**
 * iomem_count - the number of resources in the tree
 */
size_t iomem_count(const struct iomem *io);

/**
 * iomem_zeroed - whether the addresses were hidden from us
 * @io: the tree
 *
 * returns: true when the tree has resources and every one of them is
 * 0-0, which is what a reader without CAP_SYS_ADMIN sees
 */
bool iomem_zeroed(const struct iomem *io);

/**
 * iomem_find - the ranges of the resources named exactly @name
 * @io: the tree
 * @name: the name to look for ("Crash kernel", "reserved")
 * @out: the ranges in address order, to be freed by the caller; NULL when
 *	there are none
 * @n: how many
 *
 * Resources at any depth count.
 *
 * returns: 0 or -GK_ERR_NOMEM
 */
int iomem_find(const struct iomem *io, const char *name, struct gk_range **out,
	       size_t *n);

/**
 * iomem_in_ram - whether [@start, @start + @len) lies wholly in System RAM
 * @io: the tree
 * @start: first address
 * @len: length in bytes
 *
 * Top-level "System RAM" resources that touch (one ends where the next
 * begins) count as one: the kernel splits RAM at arbitrary points.
 *
 * returns: false also for an empty or wrapping range and a zeroed view
 */
bool iomem_in_ram(const struct iomem *io, uint64_t start, uint64_t len);

#endif
