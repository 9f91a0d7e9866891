/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot record: this boot's LPI tables, written by gic-kexec-boot.service
 * (gicdiag record) while the boot lines are still in the ring buffer, read
 * back as an evidence source for as long as the boot id matches
 * (doc/evidence.md#boot-record). A JSON object:
 *
 *   { "version": 1, "boot_id": "…", "kernel": "Linux version …",
 *     "evidence": "kernel-log", "idbits": 16, "prop": "0x425b0000",
 *     "cpus": [ { "cpu": 0, "base": "0x80a0000", "lpis": true,
 *                 "pend": "0x425c0000", "source": "kernel-log" }, … ] }
 *
 * Only CPUs whose state was known go in; a CPU missing from it is unknown
 * to it (it may have come online since).
 */
#ifndef GK_BOOTREC_H
#define GK_BOOTREC_H

#include <stdio.h>

#include "evidence.h"
#include "facts.h"
#include "rundir.h"
#include "sysroot.h"

#define GK_BOOTREC_MAX (8u << 20) /* 65536 CPUs fit */

/**
 * gk_bootrec_write - the boot record of @f as JSON
 * returns: 0, or -GK_ERR_INVAL when @f has no boot id
 */
int gk_bootrec_write(FILE *out, const struct gk_facts *f);

/**
 * gk_bootrec_read - the boot record of @sr as an evidence source
 * @sr: the system root
 * @boot_id: this boot's id ("" unknown: the record cannot be trusted)
 * @online: CPUs online now: one the record saw off may have come on since
 * @out: the source
 * @e: why it cannot be used ("…/boot.json: of another boot …")
 *
 * returns: 0; -GK_ERR_NOENT when there is none; -GK_ERR_FORMAT when it is
 * malformed; -GK_ERR_NOTFOUND when it is of another boot
 */
int gk_bootrec_read(const struct sysroot *sr, const char *boot_id,
		    const struct gk_cpuset *online, struct gk_lpisrc *out,
		    struct gk_err *e);

/* The same from a buffer (@len bytes; @file names it in messages). */
int gk_bootrec_parse(const char *buf, size_t len, const char *file,
		     const char *boot_id, const struct gk_cpuset *online,
		     struct gk_lpisrc *out, struct gk_err *e);

#endif
