/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One interface to read physical memory, whatever holds it:
 *
 *  devmem   /dev/mem: mmap(PROT_READ) of page-aligned windows, aligned
 *           volatile 32/64-bit loads for registers. Never written.
 *  kcore    /proc/kcore, an ELF file whose PT_LOAD p_paddr gives the
 *           physical address of each RAM segment (libelf).
 *  elfcore  any ELF core file with physical PT_LOADs (a vmcore).
 *  image    a regular, possibly sparse file whose offset A is physical
 *           address A (a snapshot's dev/mem), with the captured ranges
 *           listed in dev/mem.ranges (the whole file without it).
 *  memdir   a snapshot's dev/mem.d/START-END files, one per range.
 *
 * A physmem holds the sources a system root offers, in order of
 * preference; a read is served by the first source that has the bytes.
 * Outside what any source holds a read fails the way a live /dev/mem that
 * refuses the access fails, so a snapshot replays the live fallbacks.
 */
#ifndef GK_PHYSMEM_H
#define GK_PHYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"
#include "range.h"
#include "sysroot.h"

struct physmem;

/* physmem_open() flags */
#define PHYSMEM_NO_DEVMEM 0x1 /* do not use /dev/mem (RAM-only callers) */
#define PHYSMEM_NO_KCORE 0x2  /* do not use /proc/kcore */

/* Largest single read, and largest /dev/mem window mapped at once. */
#define PHYSMEM_MAX_READ (16u << 20)

/**
 * physmem_open - open every physical-memory source of a system root
 * @sr: the root; it must outlive the physmem
 * @flags: PHYSMEM_* flags
 * @out: the new physmem
 * @e: failure detail, or NULL
 *
 * Live: /dev/mem, then /proc/kcore. Snapshot: dev/mem.d/, dev/mem
 * (+ dev/mem.ranges), then proc/kcore; only regular files are used, so a
 * snapshot can never reach the host's memory. A source that cannot be
 * opened is remembered with its reason (lockdown, permissions) and named
 * when a read fails; it is not an error here.
 *
 * returns: 0, or a negative GK_ERR_* code for a malformed snapshot source
 * (a bad dev/mem.ranges line, a dev/mem.d file whose size does not match
 * its name) or when out of memory
 */
int physmem_open(const struct sysroot *sr, unsigned int flags,
		 struct physmem **out, struct gk_err *e);

/**
 * physmem_add_file - add a host file as the last source
 * @pm: the physmem
 * @path: an ELF core file (vmcore, a saved kcore) or a memory image
 * @e: failure detail, or NULL
 *
 * returns: 0, or a negative GK_ERR_* code
 */
int physmem_add_file(struct physmem *pm, const char *path, struct gk_err *e);

/**
 * physmem_add_devmem - add a file read the way /dev/mem is read
 * @pm: the physmem
 * @path: a /dev/mem-like character device, or a memory image (as with
 *	  dmidecode's --dev-mem): page windows mapped read-only, registers
 *	  read with single aligned loads
 * @e: failure detail, or NULL
 *
 * returns: 0, or a negative GK_ERR_* code
 */
int physmem_add_devmem(struct physmem *pm, const char *path, struct gk_err *e);

/**
 * physmem_close - release a physmem (NULL is ignored)
 */
void physmem_close(struct physmem *pm);

/**
 * physmem_read - copy physical memory
 * @pm: the physmem
 * @pa: first physical address
 * @buf: destination
 * @len: bytes to read, at most PHYSMEM_MAX_READ
 * @e: failure detail, or NULL: names each source and why it failed
 *
 * returns: 0 when all @len bytes were read, or a negative GK_ERR_* code
 * (-GK_ERR_UNMAPPED when no source holds them)
 */
int physmem_read(struct physmem *pm, uint64_t pa, void *buf, size_t len,
		 struct gk_err *e);

/**
 * physmem_read_reg - read one device register
 * @pm: the physmem
 * @pa: its physical address, aligned to @width
 * @width: 4 or 8 bytes, the access width the register allows
 * @val: the value read
 * @e: failure detail, or NULL
 *
 * On /dev/mem this is a single aligned volatile load of @width bytes, as
 * the GIC architecture requires; on a snapshot a little-endian decode.
 *
 * returns: 0, or a negative GK_ERR_* code
 */
int physmem_read_reg(struct physmem *pm, uint64_t pa, unsigned int width,
		     uint64_t *val, struct gk_err *e);

/* A read that failed: a snapshot keeps it so that a replay fails alike. */
struct pm_refusal {
	struct gk_range r;
	int code;  /* negative GK_ERR_* */
	char *why; /* the reason, as the live run gave it */
};

/**
 * physmem_refused - the reads that failed while recording
 * @pm: the physmem
 * @n: how many
 *
 * Written by gicdiag --dump as dev/mem.refused; a snapshot's physmem
 * reads that file back and fails those reads with the same code and
 * words, so a replay prints what the live run printed.
 *
 * returns: the refusals, owned by @pm
 */
const struct pm_refusal *physmem_refused(const struct physmem *pm, size_t *n);

/**
 * physmem_name - the file that served the last successful read
 * @pm: the physmem
 *
 * Names the memory in messages about what was read there ("/dev/mem",
 * "snap/dev/mem.d", "/proc/kcore"); before any read, the first source.
 *
 * returns: a name, never NULL
 */
const char *physmem_name(const struct physmem *pm);

/**
 * physmem_devmem_fd - the fd mapped like /dev/mem (live /dev/mem, or a
 * snapshot's dev/mem file), for self-confinement: it is only ever mapped
 * PROT_READ and MAP_SHARED
 *
 * returns: the fd, -1 when no source maps one
 */
int physmem_devmem_fd(const struct physmem *pm);

/**
 * physmem_record - remember every range read from now on
 * @pm: the physmem
 * @on: start (true) or stop (false); starting forgets earlier records
 *
 * A snapshot of a system holds exactly what a tool read on it, so that
 * the tool replays on the snapshot the same way (gicdiag --dump).
 *
 * returns: 0
 */
int physmem_record(struct physmem *pm, bool on);

/**
 * physmem_recorded - the ranges read while recording, sorted and merged
 * @pm: the physmem
 * @n: how many
 *
 * returns: the ranges, owned by @pm (valid until the next read or close),
 * or NULL when memory ran out while recording
 */
const struct gk_range *physmem_recorded(struct physmem *pm, size_t *n);

/**
 * physmem_sources - describe the sources in use, for --verbose and tests
 * @pm: the physmem
 * @buf: output, e.g. "image:snap/dev/mem kcore:snap/proc/kcore"
 * @size: size of @buf
 *
 * returns: @buf
 */
const char *physmem_sources(const struct physmem *pm, char *buf, size_t size);

#endif
