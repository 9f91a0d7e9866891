/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The manifest our kexec leaves for a loaded image (kexec(8)). */
#ifndef GK_MANIFEST_H
#define GK_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "range.h"
#include "rundir.h"
#include "sysroot.h"

/**
 * gk_manifest_tables - the LPI tables a loaded image's manifest says its
 * device tree reserves
 * @sr: the machine
 * @path: GK_MANIFEST_KEXEC or GK_MANIFEST_CRASH (version 1)
 * @r: the ranges, malloc'd
 * @n: how many
 * @passed: whether they were passed in the DTB
 *
 * returns: 0, -GK_ERR_NOENT (no manifest: another loader), or
 * -GK_ERR_FORMAT
 */
int gk_manifest_tables(const struct sysroot *sr, const char *path,
		       struct gk_range **r, size_t *n, bool *passed);

#endif
