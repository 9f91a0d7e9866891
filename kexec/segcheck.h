/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The segment check's user-space half: the CRC-32 of every chunk of
 * every segment (the table the purgatory verifies before the jump,
 * purgatory.h), computed on all online CPUs. A job starts as soon as the
 * buffers are final and runs while the main thread does other work; it
 * is joined (the main thread working too) when the tables are needed.
 */
#ifndef GK_KEXEC_SEGCHECK_H
#define GK_KEXEC_SEGCHECK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"

/*
 * Bytes per chunk: small enough that a kernel and an initrd make
 * hundreds of chunks to share among CPUs, large enough that the table
 * stays small (about 160 entries for a 40 MB load).
 */
#define KX_CHECK_CHUNK (256u << 10)
#define KX_SEGCHECK_MAX 8 /* segments in one job */
#define KX_SEGCHECK_THREADS_MAX 256

/* One segment's bytes, and its table once the job is finished. */
struct kx_segcheck_seg {
	const uint8_t *buf;
	size_t len;
	uint32_t *crc;	/* nchunks values (owned by the job until taken) */
	size_t nchunks; /* ceil(len / chunk) */
};

struct kx_segcheck {
	struct kx_segcheck_seg seg[KX_SEGCHECK_MAX];
	size_t nseg;
	size_t first[KX_SEGCHECK_MAX]; /* index of each segment's chunk 0 */
	size_t total;		       /* chunks of all segments */
	uint32_t chunk;
	atomic_size_t next; /* the next chunk to take, across segments */
	pthread_t tid[KX_SEGCHECK_THREADS_MAX];
	unsigned nthreads; /* workers started (the caller is not one) */
};

/* How many threads a job uses: the online CPUs (at least 1). */
unsigned kx_segcheck_cpus(void);

/**
 * kx_segcheck_start - start computing the tables of @n buffers
 * @c: the job; must not move until kx_segcheck_finish()
 * @threads: threads in all, the caller included: threads - 1 workers
 *	start now, the caller joins in at kx_segcheck_finish(). A worker
 *	that cannot be started leaves its share to the others.
 * returns: 0, or -GK_ERR_NOMEM (nothing started)
 */
int kx_segcheck_start(struct kx_segcheck *c, const uint8_t *const *buf,
		      const size_t *len, size_t n, uint32_t chunk,
		      unsigned threads, struct gk_err *e);

/* Compute what is left on this thread too, and join the workers. */
void kx_segcheck_finish(struct kx_segcheck *c);

/* Stop early (a failed load): take no new chunk, join, free the tables. */
void kx_segcheck_cancel(struct kx_segcheck *c);

/* Free the tables not taken. */
void kx_segcheck_free(struct kx_segcheck *c);

/*
 * The CRC-32 of a whole segment of @len bytes from its chunk table
 * (zlib's crc32_combine), as zlib's crc32() of the bytes would give.
 */
uint32_t kx_segcheck_whole(const uint32_t *crc, size_t nchunks, uint32_t chunk,
			   size_t len);

struct kx_plan;
struct kx_purg_header;

/*
 * The purgatory header's segment entries for @p (nr_segments, seg[]),
 * the CRC tables placed back to back from physical address @tables_pa in
 * segment order; then the tables themselves, little-endian, at @tables.
 */
void kx_purg_fill_segments(struct kx_purg_header *h, uint64_t tables_pa,
			   const struct kx_plan *p);
void kx_purg_write_tables(uint8_t *tables, const struct kx_plan *p);

#endif
