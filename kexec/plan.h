/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A load, planned whole in memory before any syscall: the segments, where
 * each goes, their check tables, and the entry point. Nothing about the
 * running system changes until kx_load() hands the plan to the kernel, so
 * a failure anywhere leaves nothing loaded and the old image untouched.
 */
#ifndef GK_KEXEC_PLAN_H
#define GK_KEXEC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtb.h"
#include "facts.h"
#include "fmap.h"
#include "gkerr.h"
#include "image.h"
#include "range.h"
#include "sysroot.h"
#include "timing.h"

#define KX_MAX_SEGMENTS 8
#define KX_SEG_ALIGN 0x10000ull /* any arm64 page size: 4K, 16K, 64K */
#define KX_CMDLINE_MAX 2048

/* --lpi-reserve: pass the live LPI tables to the next kernel's DTB */
enum kx_lpi_mode {
	KX_LPI_AUTO, /* unless the EFI memreserve list covers them all */
	KX_LPI_ALWAYS,
	KX_LPI_NEVER,
};

struct kx_opts {
	const char *kernel; /* host file */
	const char *initrd; /* host file, or NULL */
	const char *dtb;    /* --dtb host file, or NULL: the root's */
	const char *append; /* --append / --command-line */
	bool reuse_cmdline;
	bool crash;	/* -p */
	bool no_checks; /* -i */
	bool file_only; /* -s: kexec_file_load, no purgatory, no fallback:
			  no segment checks to compute */
	uint64_t mem_min, mem_max;
	bool mem_max_set;    /* --mem-max given: 0 is a limit, not "none" */
	const uint8_t *seed; /* 72 random bytes, or NULL */
	enum kx_lpi_mode lpi;
	struct kx_timing *timing; /* kexec -d's breakdown, or NULL */
};

struct kx_segment {
	const char *what; /* "kernel", "initrd", "dtb", ... */
	uint8_t *buf;	  /* owned (malloc'd) unless @borrowed */
	size_t bufsz;
	bool borrowed; /* @buf is inside one of the plan's @files: not freed */
	uint64_t mem;
	uint64_t memsz;
	/* the purgatory's check (segcheck.h); chunk 0: not checked */
	uint32_t *crc; /* per-chunk CRC-32, owned */
	size_t nchunks;
	uint32_t chunk;
	uint32_t crc32; /* of the whole buffer, for the manifest */
};

/* the input files a plan's segments may point into */
enum kx_file_slot {
	KX_FILE_KERNEL, /* the kernel file: a raw Image, a UKI's .initrd */
	KX_FILE_INITRD, /* --initrd's */
	KX_NFILES,
};

struct kx_plan {
	bool crash;
	struct kx_fmap files[KX_NFILES]; /* mapped; kx_plan_free unmaps */
	struct kx_segment seg[KX_MAX_SEGMENTS];
	size_t nseg;
	uint64_t entry;	 /* the purgatory's entry */
	uint64_t kernel; /* the Image's load address */
	uint64_t dtb;
	char cmdline[KX_CMDLINE_MAX];
	enum kx_format format;
	char compression[8];
	bool initrd_from_image; /* a UKI's .initrd, not --initrd */
	struct gk_range *keep;	/* live LPI tables, never overwritten */
	size_t nkeep;
	struct kx_table *tables; /* the known ones, each with its CPU */
	size_t ntables;
	bool passed;		      /* ... and passed on in the DTB */
	char lpi_why[GK_ERR_MSG_MAX]; /* why none, when none */
	struct gk_facts facts; /* as gicdiag gathers them, for preflight */
	bool have_facts;
};

/**
 * kx_plan_build - plan a load of @o on the system @sr
 * returns: 0, or a negative GK_ERR_* code with a one-line reason in @e
 */
int kx_plan_build(const struct sysroot *sr, const struct kx_opts *o,
		  struct kx_plan *p, struct gk_err *e);

void kx_plan_free(struct kx_plan *p);

/* gicdiag's facts of the machine at @sr: physmem opened and closed here */
int kx_gather_facts(const struct sysroot *sr, struct gk_facts *f,
		    struct gk_err *e);

#endif
