// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-chunk CRC-32 of the segments on every online CPU: see segcheck.h.
 * One shared counter hands out the chunks of all segments in turn, so a
 * 37 MB kernel keeps every CPU busy and no thread waits on another's
 * segment.
 */
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "plan.h"
#include "purgatory/purgatory.h"
#include "segcheck.h"

unsigned kx_segcheck_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > KX_SEGCHECK_THREADS_MAX ? KX_SEGCHECK_THREADS_MAX :
					     (unsigned)n;
}

/* The chunk with job-wide index @k: which segment, which chunk of it. */
static void one_chunk(struct kx_segcheck *c, size_t k)
{
	size_t s = 0;
	size_t i, off;

	while (s + 1 < c->nseg && k >= c->first[s + 1])
		s++;
	i = k - c->first[s];
	off = i * c->chunk;
	c->seg[s].crc[i] = libdeflate_crc32(0, c->seg[s].buf + off,
					    c->seg[s].len - off < c->chunk ?
						    c->seg[s].len - off :
						    c->chunk);
}

static void *work(void *arg)
{
	struct kx_segcheck *c = arg;
	size_t k;

	/* relaxed: pthread_join orders the results before their reader */
	while ((k = atomic_fetch_add_explicit(&c->next, 1,
					      memory_order_relaxed)) < c->total)
		one_chunk(c, k);
	return NULL;
}

int kx_segcheck_start(struct kx_segcheck *c, const uint8_t *const *buf,
		      const size_t *len, size_t n, uint32_t chunk,
		      unsigned threads, struct gk_err *e)
{
	memset(c, 0, sizeof(*c));
	if (n > KX_SEGCHECK_MAX || !chunk)
		return gk_fail(e, -GK_ERR_INVAL, "segment check: bad job");
	c->chunk = chunk;
	for (size_t i = 0; i < n; i++) {
		struct kx_segcheck_seg *s = &c->seg[c->nseg++];

		s->buf = buf[i];
		s->len = len[i];
		s->nchunks = len[i] / chunk + !!(len[i] % chunk);
		s->crc = calloc(s->nchunks ? s->nchunks : 1, sizeof(*s->crc));
		if (!s->crc) {
			kx_segcheck_free(c);
			return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		}
		c->first[i] = c->total;
		c->total += s->nchunks;
	}
	atomic_init(&c->next, 0);
	if (threads > KX_SEGCHECK_THREADS_MAX)
		threads = KX_SEGCHECK_THREADS_MAX;
	/* no more workers than chunks beyond the caller's first */
	while (c->nthreads + 1 < threads && c->nthreads + 1 < c->total &&
	       !pthread_create(&c->tid[c->nthreads], NULL, work, c))
		c->nthreads++;
	return 0;
}

void kx_segcheck_finish(struct kx_segcheck *c)
{
	work(c);
	for (unsigned i = 0; i < c->nthreads; i++)
		pthread_join(c->tid[i], NULL);
	c->nthreads = 0;
}

void kx_segcheck_cancel(struct kx_segcheck *c)
{
	atomic_store(&c->next, c->total);
	kx_segcheck_finish(c);
	kx_segcheck_free(c);
}

void kx_segcheck_free(struct kx_segcheck *c)
{
	for (size_t i = 0; i < c->nseg; i++) {
		free(c->seg[i].crc);
		c->seg[i].crc = NULL;
	}
}

uint32_t kx_segcheck_whole(const uint32_t *crc, size_t nchunks, uint32_t chunk,
			   size_t len)
{
	uLong all = 0;

	for (size_t i = 0; i < nchunks; i++) {
		size_t off = i * (size_t)chunk;
		size_t n = len - off < chunk ? len - off : chunk;

		all = i ? crc32_combine(all, crc[i], (z_off_t)n) : crc[i];
	}
	return (uint32_t)all;
}

void kx_purg_fill_segments(struct kx_purg_header *h, uint64_t tables_pa,
			   const struct kx_plan *p)
{
	uint64_t at = tables_pa;

	h->nr_segments = (uint32_t)p->nseg;
	for (size_t i = 0; i < p->nseg; i++) {
		const struct kx_segment *s = &p->seg[i];

		h->seg[i] = (struct kx_purg_segment){
			.addr = s->mem,
			.size = s->bufsz,
			.chunk = s->chunk,
			.nchunks = (uint32_t)s->nchunks
		};
		if (s->chunk) {
			h->seg[i].crc32 = at;
			at += s->nchunks * sizeof(uint32_t);
		}
	}
}

void kx_purg_write_tables(uint8_t *tables, const struct kx_plan *p)
{
	for (size_t i = 0; i < p->nseg; i++)
		for (size_t k = 0; k < p->seg[i].nchunks; k++) {
			uint32_t v = p->seg[i].crc[k];

			/* little-endian, whatever the host */
			*tables++ = (uint8_t)v;
			*tables++ = (uint8_t)(v >> 8);
			*tables++ = (uint8_t)(v >> 16);
			*tables++ = (uint8_t)(v >> 24);
		}
}
