// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The memreserve walk on memory built byte by byte here, independent of
 * the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "efitables.h"
#include "testutil.h"

#define MEM_BASE 0x40000000ull
#define MEM_SIZE (2u << 20)

struct mem {
	uint8_t *buf;
	size_t hole_at; /* reads touching [hole_at, +4K) fail; 0: none */
};

static int mem_read(void *data, uint64_t pa, void *buf, size_t len,
		    struct gk_err *e)
{
	struct mem *m = data;

	if (pa < MEM_BASE || pa + len > MEM_BASE + MEM_SIZE ||
	    (m->hole_at && pa < m->hole_at + 4096 && pa + len > m->hole_at))
		return gk_fail(e, -GK_ERR_UNMAPPED, "mem: 0x%llx not captured",
			       (unsigned long long)pa);
	memcpy(buf, m->buf + (pa - MEM_BASE), len);
	return 0;
}

static const char *mem_name(void *data)
{
	(void)data;
	return "mem";
}

static const struct gk_range ram = { MEM_BASE, MEM_BASE + MEM_SIZE - 1 };

static void put32(struct mem *m, uint64_t pa, uint32_t v)
{
	tu_put32(m->buf + (pa - MEM_BASE), v);
}

static void put64(struct mem *m, uint64_t pa, uint64_t v)
{
	tu_put64(m->buf + (pa - MEM_BASE), v);
}

static void block(struct mem *m, uint64_t pa, int32_t size, int32_t count,
		  uint64_t next)
{
	put32(m, pa, (uint32_t)size);
	put32(m, pa + 4, (uint32_t)count);
	put64(m, pa + 8, next);
}

static void entry(struct mem *m, uint64_t blk, int i, uint64_t base,
		  uint64_t size)
{
	put64(m, blk + 16 + 16 * (uint64_t)i, base);
	put64(m, blk + 24 + 16 * (uint64_t)i, size);
}

#define ROOT (MEM_BASE + 0x100)
#define B1 (MEM_BASE + 0x2000)
#define B2 (MEM_BASE + 0x1000)

static int setup(void **state)
{
	struct mem *m = calloc(1, sizeof(*m));

	m->buf = calloc(1, MEM_SIZE);
	/* as the kernel leaves it: an empty root, blocks pushed at its head */
	block(m, ROOT, 0, 0, B1);
	block(m, B1, 255, 2, B2);
	entry(m, B1, 0, 0x425c0000, 0x10000);
	entry(m, B1, 1, 0x425d0000, 0x10000);
	block(m, B2, 255, 1, 0);
	entry(m, B2, 0, 0x425b0000, 0x10000);
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	struct mem *m = *state;

	free(m->buf);
	free(m);
	return 0;
}

static int walk(struct mem *m, struct eft_memreserve **mr, struct gk_err *e,
		bool with_ram)
{
	struct eft_reader rd = { mem_read, m, mem_name, with_ram ? &ram : NULL,
				 with_ram ? 1 : 0 };

	*mr = NULL;
	return eft_memreserve_walk(&rd, ROOT, mr, e);
}

static void test_good_chain(void **state)
{
	struct eft_memreserve *mr;
	struct gk_err e;
	struct gk_range by;

	assert_int_equal(walk(*state, &mr, &e, true), 0);
	assert_int_equal(mr->nblocks, 3);
	assert_int_equal(mr->nentries, 3);
	assert_true(mr->entries[0].base == 0x425c0000);
	assert_true(mr->entries[0].block == B1);
	assert_true(mr->entries[2].base == 0x425b0000);
	assert_int_equal(mr->entries[2].index, 0);
	assert_int_equal(mr->odd, EFT_MR_NOT_RAM); /* 0x425b.. > RAM here */
	/* three adjacent 64 KiB entries merge into one 192 KiB range */
	assert_int_equal(mr->nmerged, 1);
	assert_int_equal(eft_memreserve_covers(mr, 0x425b0000, 0x30000, &by),
			 1);
	assert_true(by.start == 0x425b0000 && by.end == 0x425dffff);
	assert_int_equal(eft_memreserve_covers(mr, 0x425bff00, 0x200, &by), 1);
	/* half covered: names the overlapping reservation */
	assert_int_equal(eft_memreserve_covers(mr, 0x425d8000, 0x10000, &by),
			 0);
	assert_true(by.start == 0x425b0000);
	assert_int_equal(eft_memreserve_covers(mr, 0x50000000, 0x1000, &by), 0);
	assert_true(by.start == 0 && by.end == 0);
	assert_int_equal(eft_memreserve_covers(mr, 0x1000, 0, &by),
			 -GK_ERR_INVAL);
	eft_memreserve_free(mr);
}

static void expect_corrupt(struct mem *m, const char *msg)
{
	struct eft_memreserve *mr;
	struct gk_err e;

	assert_int_equal(walk(m, &mr, &e, true), -GK_ERR_CORRUPT);
	assert_null(mr);
	assert_string_equal(e.msg, msg);
}

static void test_loop_self(void **state)
{
	block(*state, B2, 255, 1, B2);
	expect_corrupt(*state, "mem: memreserve block at 0x40001000 (next of "
			       "0x40002000): next 0x40001000 closes a loop");
}

static void test_loop_back(void **state)
{
	block(*state, B2, 255, 1, B1);
	expect_corrupt(*state, "mem: memreserve block at 0x40001000 (next of "
			       "0x40002000): next 0x40002000 closes a loop");
}

static void test_loop_to_root(void **state)
{
	block(*state, B2, 255, 1, ROOT);
	expect_corrupt(*state, "mem: memreserve block at 0x40001000 (next of "
			       "0x40002000): next 0x40000100 closes a loop");
}

/* A long cycle far from the root: Brent finds it, no bound needed. */
static void test_long_loop(void **state)
{
	struct mem *m = *state;
	struct eft_memreserve *mr;
	struct gk_err e;
	uint64_t first = MEM_BASE + 0x10000;

	block(m, B2, 255, 0, first);
	for (int i = 0; i < 300; i++)
		block(m, first + 16 * (uint64_t)i, 0, 0,
		      first + 16 * (uint64_t)((i + 1) % 300 + (i == 299) * 7));
	assert_int_equal(walk(m, &mr, &e, true), -GK_ERR_CORRUPT);
	assert_non_null(strstr(e.msg, "closes a loop"));
}

static void test_count_gt_size(void **state)
{
	block(*state, B1, 255, 300, B2);
	expect_corrupt(*state, "mem: memreserve block at 0x40002000 (next of "
			       "0x40000100): count 300 > size 255");
}

static void test_negative(void **state)
{
	block(*state, B1, -1, 0, B2);
	expect_corrupt(*state, "mem: memreserve block at 0x40002000 (next of "
			       "0x40000100): negative size -1 or count 0");
}

static void test_past_page(void **state)
{
	uint64_t b = MEM_BASE + 0x3f00;

	block(*state, B2, 255, 1, b);
	block(*state, b, 255, 20, 0);
	expect_corrupt(*state,
		       "mem: memreserve block at 0x40003f00 (next of "
		       "0x40001000): 20 used slots run past its 4 KiB page");
}

static void test_misaligned(void **state)
{
	block(*state, B1, 255, 2, B2 + 4);
	expect_corrupt(*state, "mem: memreserve block at 0x40001004 (next of "
			       "0x40002000): not 8-byte aligned");
}

static void test_next_out_of_ram(void **state)
{
	block(*state, B1, 255, 2, 0x900000000ull);
	expect_corrupt(*state, "mem: memreserve block at 0x900000000 (next of "
			       "0x40002000): not in memory");
}

static void test_root_out_of_ram(void **state)
{
	struct eft_reader rd = { mem_read, *state, mem_name, &ram, 1 };
	struct eft_memreserve *mr;
	struct gk_err e;

	assert_int_equal(eft_memreserve_walk(&rd, 0x1000, &mr, &e),
			 -GK_ERR_CORRUPT);
	assert_string_equal(e.msg,
			    "mem: memreserve root at 0x1000: not in memory");
	assert_int_equal(eft_memreserve_walk(&rd, 0, &mr, &e),
			 -GK_ERR_NOTFOUND);
}

/* Without a RAM map the read decides: an uncaptured block fails there. */
static void test_truncated(void **state)
{
	struct mem *m = *state;
	struct eft_memreserve *mr;
	struct gk_err e;

	m->hole_at = B2;
	assert_int_equal(walk(m, &mr, &e, false), -GK_ERR_UNMAPPED);
	assert_string_equal(e.msg, "memreserve block at 0x40001000 (next of "
				   "0x40002000): mem: 0x40001000 not captured");
}

static void test_odd_entries(void **state)
{
	struct mem *m = *state;
	struct eft_memreserve *mr;
	struct gk_err e;

	block(m, B2, 255, 4, 0);
	entry(m, B2, 0, MEM_BASE + 0x100800, 0x1000); /* unaligned */
	entry(m, B2, 1, MEM_BASE + 0x180000, 0x20000);
	entry(m, B2, 2, MEM_BASE + 0x190000, 0x10000); /* inside 1 */
	entry(m, B2, 3, MEM_BASE + 0x1f0000, 0);       /* zero */
	assert_int_equal(walk(m, &mr, &e, true), 0);
	assert_int_equal(mr->nentries, 6);
	assert_int_equal(mr->entries[2].flags, EFT_MR_UNALIGNED);
	assert_int_equal(mr->entries[3].flags, EFT_MR_OVERLAP);
	assert_int_equal(mr->entries[4].flags, EFT_MR_OVERLAP);
	assert_int_equal(mr->entries[5].flags, EFT_MR_ZERO);
	assert_int_equal(mr->odd, EFT_MR_UNALIGNED | EFT_MR_OVERLAP |
					  EFT_MR_ZERO | EFT_MR_NOT_RAM);
	assert_int_equal(
		eft_memreserve_covers(mr, MEM_BASE + 0x1f0000, 1, NULL), 0);
	eft_memreserve_free(mr);
}

static void test_too_long(void **state)
{
	struct mem *m = *state;
	struct eft_memreserve *mr;
	struct gk_err e;
	uint64_t first = MEM_BASE + 0x1000;

	/* 65537 distinct 16-byte blocks in a row: no loop, just too many */
	block(m, ROOT, 0, 0, first);
	for (uint64_t i = 0; i <= EFT_MR_MAX_BLOCKS; i++)
		block(m, first + 16 * i, 0, 0, first + 16 * (i + 1));
	assert_int_equal(walk(m, &mr, &e, true), -GK_ERR_TOOBIG);
	assert_string_equal(e.msg,
			    "mem: memreserve list longer than 65536 blocks");
}

static void test_odd_block_size(void **state)
{
	struct eft_memreserve *mr;
	struct gk_err e;

	block(*state, B2, 1, 1, 0);
	assert_int_equal(walk(*state, &mr, &e, true), 0);
	assert_int_equal(mr->odd_blocks, 1);
	eft_memreserve_free(mr);
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_good_chain),	 T(test_loop_self),
		T(test_loop_back),	 T(test_loop_to_root),
		T(test_long_loop),	 T(test_count_gt_size),
		T(test_negative),	 T(test_past_page),
		T(test_misaligned),	 T(test_next_out_of_ram),
		T(test_root_out_of_ram), T(test_truncated),
		T(test_odd_entries),	 T(test_too_long),
		T(test_odd_block_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
