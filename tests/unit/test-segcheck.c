// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the segment check's user-space half (kexec/segcheck.c)
 * and what the loader writes for the purgatory (plan.c):
 *   - the per-chunk CRC-32 tables computed on 1, 2 and 7 threads equal a
 *     serial libdeflate_crc32() of each chunk, across chunk-boundary
 *     sizes, several segments in one job and an empty segment;
 *   - the whole-segment CRC combined from a table is that of the bytes;
 *   - a cancelled job joins and frees;
 *   - the purgatory header's segment entries and the tables, placed back
 *     to back, little-endian, an unchecked segment without a table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libdeflate.h>

#include "plan.h"
#include "purgatory/purgatory.h"
#include "segcheck.h"

#define CHUNK 4096u

static uint8_t *random_bytes(size_t n, uint64_t seed)
{
	uint8_t *b = malloc(n ? n : 1);

	assert_non_null(b);
	for (size_t i = 0; i < n; i++) {
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		b[i] = (uint8_t)seed;
	}
	return b;
}

/* Every table of a finished job against a serial CRC per chunk. */
static void assert_tables(const struct kx_segcheck *c, uint32_t chunk)
{
	for (size_t s = 0; s < c->nseg; s++) {
		const struct kx_segcheck_seg *g = &c->seg[s];

		assert_int_equal(g->nchunks, (g->len + chunk - 1) / chunk);
		for (size_t i = 0; i < g->nchunks; i++) {
			size_t off = i * chunk;
			size_t n = g->len - off < chunk ? g->len - off : chunk;

			assert_int_equal(g->crc[i],
					 libdeflate_crc32(0, g->buf + off, n));
		}
		assert_int_equal(kx_segcheck_whole(g->crc, g->nchunks, chunk,
						   g->len),
				 libdeflate_crc32(0, g->buf, g->len));
	}
}

static const size_t sizes[] = { 0,	   1,	      CHUNK - 1,      CHUNK,
				CHUNK + 1, 3 * CHUNK, 37 * CHUNK + 17 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static void test_threads(void **state)
{
	static const unsigned threads[] = { 1, 2, 7 };
	const uint8_t *buf[NSIZES];
	size_t len[NSIZES];
	uint8_t *owned[NSIZES];

	(void)state;
	for (size_t i = 0; i < NSIZES; i++) {
		owned[i] = random_bytes(sizes[i], 0x9e3779b97f4a7c15ull + i);
		buf[i] = owned[i];
		len[i] = sizes[i];
	}
	for (size_t t = 0; t < 3; t++) {
		struct kx_segcheck c;
		struct gk_err e;

		/* each size alone, and all (up to the job's limit) at once */
		for (size_t i = 0; i < NSIZES; i++) {
			assert_int_equal(kx_segcheck_start(&c, &buf[i], &len[i],
							   1, CHUNK, threads[t],
							   &e),
					 0);
			kx_segcheck_finish(&c);
			assert_tables(&c, CHUNK);
			kx_segcheck_free(&c);
		}
		assert_int_equal(kx_segcheck_start(&c, buf, len, NSIZES, CHUNK,
						   threads[t], &e),
				 0);
		assert_true(c.nthreads <= threads[t] - 1);
		kx_segcheck_finish(&c);
		assert_tables(&c, CHUNK);
		kx_segcheck_free(&c);
	}
	for (size_t i = 0; i < NSIZES; i++)
		free(owned[i]);
}

/* The loader's chunk size, a 3 MiB + 5 byte buffer, on the CPUs there are */
static void test_loader_chunk(void **state)
{
	size_t n = 3 * (1u << 20) + 5;
	uint8_t *b = random_bytes(n, 42);
	const uint8_t *buf = b;
	struct kx_segcheck c;
	struct gk_err e;

	(void)state;
	assert_int_equal(kx_segcheck_start(&c, &buf, &n, 1, KX_CHECK_CHUNK,
					   kx_segcheck_cpus(), &e),
			 0);
	kx_segcheck_finish(&c);
	assert_int_equal(c.seg[0].nchunks, 13);
	assert_tables(&c, KX_CHECK_CHUNK);
	kx_segcheck_free(&c);
	free(b);
}

static void test_empty(void **state)
{
	const uint8_t *buf = NULL;
	size_t len = 0;
	struct kx_segcheck c;
	struct gk_err e;

	(void)state;
	assert_int_equal(kx_segcheck_start(&c, &buf, &len, 1, CHUNK, 7, &e), 0);
	assert_int_equal(c.total, 0);
	assert_int_equal(c.nthreads, 0);
	kx_segcheck_finish(&c);
	assert_int_equal(c.seg[0].nchunks, 0);
	assert_int_equal(kx_segcheck_whole(c.seg[0].crc, 0, CHUNK, 0), 0);
	kx_segcheck_free(&c);
}

static void test_cancel(void **state)
{
	size_t n = 64 * CHUNK;
	uint8_t *b = random_bytes(n, 7);
	const uint8_t *buf = b;
	struct kx_segcheck c;
	struct gk_err e;

	(void)state;
	assert_int_equal(kx_segcheck_start(&c, &buf, &n, 1, CHUNK, 4, &e), 0);
	kx_segcheck_cancel(&c);
	assert_null(c.seg[0].crc);
	assert_int_equal(c.nthreads, 0);
	free(b);
}

static void test_bad_job(void **state)
{
	const uint8_t *buf[KX_SEGCHECK_MAX + 1] = { 0 };
	size_t len[KX_SEGCHECK_MAX + 1] = { 0 };
	struct kx_segcheck c;
	struct gk_err e;

	(void)state;
	assert_int_equal(kx_segcheck_start(&c, buf, len, KX_SEGCHECK_MAX + 1,
					   CHUNK, 1, &e),
			 -GK_ERR_INVAL);
	assert_int_equal(kx_segcheck_start(&c, buf, len, 1, 0, 1, &e),
			 -GK_ERR_INVAL);
}

/* plan -> header: kernel (3 chunks), initrd (1), dtb unchecked, empty */
static void test_header(void **state)
{
	uint32_t kcrc[3] = { 0x11223344, 0xa1b2c3d4, 0xdeadbeef };
	uint32_t icrc[1] = { 0x01020304 };
	static const uint8_t want[16] = { 0x44, 0x33, 0x22, 0x11, 0xd4, 0xc3,
					  0xb2, 0xa1, 0xef, 0xbe, 0xad, 0xde,
					  0x04, 0x03, 0x02, 0x01 };
	struct kx_plan p = { 0 };
	struct kx_purg_header h;
	uint8_t tables[16];

	(void)state;
	p.seg[0] = (struct kx_segment){ .mem = 0x40200000,
					.bufsz = 2 * KX_CHECK_CHUNK + 1,
					.crc = kcrc,
					.nchunks = 3,
					.chunk = KX_CHECK_CHUNK };
	p.seg[1] = (struct kx_segment){ .mem = 0x48000000,
					.bufsz = 100,
					.crc = icrc,
					.nchunks = 1,
					.chunk = KX_CHECK_CHUNK };
	p.seg[2] = (struct kx_segment){ .mem = 0x49000000, .bufsz = 1236 };
	p.seg[3] = (struct kx_segment){ .mem = 0x4a000000,
					.chunk = KX_CHECK_CHUNK };
	p.nseg = 4;
	memset(&h, 0xff, sizeof(h));
	kx_purg_fill_segments(&h, 0x4b003100, &p);
	assert_int_equal(h.nr_segments, 4);
	assert_int_equal(h.seg[0].addr, 0x40200000);
	assert_int_equal(h.seg[0].size, 2 * KX_CHECK_CHUNK + 1);
	assert_int_equal(h.seg[0].chunk, KX_CHECK_CHUNK);
	assert_int_equal(h.seg[0].nchunks, 3);
	assert_int_equal(h.seg[0].crc32, 0x4b003100);
	assert_int_equal(h.seg[1].crc32, 0x4b00310c);
	assert_int_equal(h.seg[1].nchunks, 1);
	assert_int_equal(h.seg[1].size, 100);
	assert_int_equal(h.seg[2].chunk, 0);
	assert_int_equal(h.seg[2].crc32, 0);
	assert_int_equal(h.seg[2].size, 1236);
	assert_int_equal(h.seg[3].nchunks, 0);
	assert_int_equal(h.seg[3].crc32, 0x4b003110);
	assert_int_equal(h.seg[3].reserved[0] | h.seg[3].reserved[1], 0);
	kx_purg_write_tables(tables, &p);
	assert_memory_equal(tables, want, sizeof(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_loader_chunk),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_bad_job),
		cmocka_unit_test(test_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
