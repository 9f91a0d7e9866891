/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The manifest our kexec leaves for a loaded image (kexec(8)). */
#ifndef GK_MANIFEST_H
#define GK_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "gkerr.h"
#include "range.h"
#include "rundir.h"
#include "sysroot.h"

/*
 * A manifest names every redistributor (about 120 bytes each): 4 MiB
 * holds the GIC's architectural maximum of CPUs with room to spare.
 */
#define GK_MANIFEST_MAX (4u << 20)

/**
 * gk_manifest_tables - the LPI tables a loaded image's manifest says its
 * device tree reserves
 * @sr: the machine
 * @path: GK_MANIFEST_KEXEC or GK_MANIFEST_CRASH (version 1)
 * @r: the ranges, malloc'd
 * @n: how many
 * @passed: whether they were passed in the DTB
 * @e: failure detail (the file and what is wrong with it), or NULL
 *
 * Read with json-c: the manifest is JSON, whatever its layout.
 *
 * returns: 0, -GK_ERR_NOENT (no manifest: another loader), -GK_ERR_TOOBIG
 * (over GK_MANIFEST_MAX) or -GK_ERR_FORMAT (not JSON, not version 1, no
 * lpi_tables_passed or lpi_tables, a bad entry)
 */
int gk_manifest_tables(const struct sysroot *sr, const char *path,
		       struct gk_range **r, size_t *n, bool *passed,
		       struct gk_err *e);

/**
 * gk_manifest_parse - gk_manifest_tables() on a manifest in memory
 * @buf: its text, @len bytes (no NUL needed)
 * @file: its name in messages
 *
 * returns: as gk_manifest_tables(); @r is NULL on failure
 */
int gk_manifest_parse(const char *buf, size_t len, const char *file,
		      struct gk_range **r, size_t *n, bool *passed,
		      struct gk_err *e);

/**
 * gk_manifest_file_load - whether the image the manifest at @path describes
 * was loaded with kexec_file_load (its "syscall"): then the next kernel
 * got this boot's device tree as it is (KEXEC-FILE-NONEFI)
 *
 * returns: false too when there is no manifest or it cannot be read
 */
bool gk_manifest_file_load(const struct sysroot *sr, const char *path);

#endif
