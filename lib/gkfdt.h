/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device tree blobs as the kernel exposes them (/sys/firmware/fdt), checked
 * with fdt_check_full() before anything looks inside.
 */
#ifndef GK_GKFDT_H
#define GK_GKFDT_H

#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"
#include "range.h"
#include "sysroot.h"

/* The kernel refuses DTBs over 2 MiB for kexec; leave room for others. */
#define GK_FDT_MAX_SIZE (64u << 20)

struct gk_fdt {
	void *blob;
	size_t size;
	char name[4096]; /* file it came from, for messages */
};

/**
 * gk_fdt_load - read and check the running kernel's DTB
 * @sr: the system root
 * @path: path under the root, normally "/sys/firmware/fdt"
 * @f: output; free with gk_fdt_free()
 * @e: failure detail, or NULL
 *
 * returns: 0, -GK_ERR_NOENT when the file is absent, -GK_ERR_BADFDT (with
 * libfdt's reason) when it is malformed, or another GK_ERR_* code
 */
int gk_fdt_load(const struct sysroot *sr, const char *path, struct gk_fdt *f,
		struct gk_err *e);

/**
 * gk_fdt_from_buf - check a DTB held in memory and take ownership of it
 * @buf: malloc'd blob; freed on failure too
 * @size: bytes in @buf
 * @name: where it came from
 * @f: output
 * @e: failure detail, or NULL
 *
 * returns: 0 or -GK_ERR_BADFDT
 */
int gk_fdt_from_buf(void *buf, size_t size, const char *name, struct gk_fdt *f,
		    struct gk_err *e);

void gk_fdt_free(struct gk_fdt *f);

/**
 * gk_fdt_get_u64 - read a 32- or 64-bit integer property
 * @f: the tree
 * @node: node path ("/chosen")
 * @prop: property name
 * @v: the value
 * @e: failure detail, or NULL
 *
 * The kernel writes some /chosen values as u32 and others as u64, and
 * older loaders differ; both lengths are accepted.
 *
 * returns: 0, -GK_ERR_NOTFOUND when node or property is absent, or
 * -GK_ERR_BADFDT when the length is neither 4 nor 8
 */
int gk_fdt_get_u64(const struct gk_fdt *f, const char *node, const char *prop,
		   uint64_t *v, struct gk_err *e);

/**
 * gk_fdt_memrsv - the header's memory reservation block (/memreserve/)
 * @f: the tree
 * @out: the entries the kernel reserves, to be freed by the caller: it
 *	 stops at the first entry of size 0, and so does this

 * @n: how many
 * @e: failure detail, or NULL
 *
 * returns: 0, or a negative GK_ERR_* code
 */
int gk_fdt_memrsv(const struct gk_fdt *f, struct gk_range **out, size_t *n,
		  struct gk_err *e);

/**
 * gk_fdt_reserved_memory - static /reserved-memory nodes the kernel
 * memblock-reserves
 * @f: the tree
 * @out: their "reg" ranges (translated through /reserved-memory's cells),
 *	 to be freed by the caller
 * @n: how many
 * @e: failure detail, or NULL
 *
 * Nodes with "no-map" are left out (the kernel removes that memory rather
 * than reserving it, so its reserved-range check does not see it), and so
 * are disabled nodes and dynamic ("size") ones.
 *
 * returns: 0 (also when there is no /reserved-memory), or a negative
 * GK_ERR_* code
 */
int gk_fdt_reserved_memory(const struct gk_fdt *f, struct gk_range **out,
			   size_t *n, struct gk_err *e);

#endif
