/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a load's wall-clock time goes (kexec -d): each phase is timed
 * where it happens, exclusive of the phases timed inside it, so that the
 * phases never count a millisecond twice and their sum stays within the
 * total. A NULL struct kx_timing times nothing.
 */
#ifndef GK_KEXEC_TIMING_H
#define GK_KEXEC_TIMING_H

#include <stddef.h>
#include <stdint.h>

enum kx_phase {
	KX_T_OPEN,	 /* reading the kernel, initrd, DTB files */
	KX_T_DECOMPRESS, /* gzip, zstd, lzma, zboot, UKI */
	KX_T_GATHER,	 /* the facts for the preflight, and its verdict */
	KX_T_PLAN,	 /* placement, the DTB, the purgatory */
	KX_T_DIGEST,	 /* waiting for (or doing) the segment checks */
	KX_T_SYSCALL,	 /* kexec_load, kexec_file_load, a dry run's writes */
	KX_T_NPHASES,
};

struct kx_timing {
	uint64_t ns[KX_T_NPHASES]; /* exclusive time of each phase */
	uint64_t begin;		   /* CLOCK_MONOTONIC at kx_timing_begin */
	uint64_t total;		   /* set by kx_timing_end */
};

/* one run of a phase: when it started, and what was counted by then */
struct kx_span {
	uint64_t t0, counted;
};

void kx_timing_begin(struct kx_timing *t);
void kx_timing_end(struct kx_timing *t);

void kx_span_begin(const struct kx_timing *t, struct kx_span *s);
/* adds the time since kx_span_begin, less the phases timed within, to @ph */
void kx_span_end(struct kx_timing *t, const struct kx_span *s,
		 enum kx_phase ph);

/**
 * kx_timing_line - "open 3.1 ms, decompress 120.4 ms, ..., total 584.3 ms"
 * returns: what snprintf returns
 */
int kx_timing_line(const struct kx_timing *t, char *buf, size_t len);

#endif
