/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gicdiag --dump: a snapshot (doc/snapshot.md) of exactly what a diagnosis
 * read, replayable with --sysroot on any machine.
 */
#ifndef GK_DUMP_H
#define GK_DUMP_H

#include "gkerr.h"
#include "loader.h"
#include "physmem.h"
#include "sysroot.h"

/**
 * gk_dump_is_archive - @dest names a tar archive, not a directory
 */
bool gk_dump_is_archive(const char *dest);

/**
 * gk_dump - write the snapshot
 * @sr: the system diagnosed
 * @pm: its physical memory, recorded during the diagnosis
 * @kmsg: the kernel log file used (--kmsg), or NULL for the root's own
 * @dest: a directory that does not exist yet, or FILE.tar[.gz]
 * @probe: gk_loader_probe() with kexec_tools false and true, made before
 *	the process confined itself (running `kexec -v` is no longer allowed)
 * @e: failure detail, or NULL
 *
 * Written to a temporary name and renamed into place: never a partial
 * snapshot under @dest.
 *
 * returns: 0, or a negative GK_ERR_* code
 */
int gk_dump(const struct sysroot *sr, struct physmem *pm, const char *kmsg,
	    const char *dest, const struct gk_loader_probe probe[2],
	    struct gk_err *e);

#endif
