// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>
#include <sys/sysmacros.h>

#include "le.h"
#include "physmem.h"
#include "testutil.h"

static struct physmem *open_pm(const char *dir, int want)
{
	struct physmem *pm = NULL;
	struct sysroot *sr;
	struct gk_err e;

	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(physmem_open(sr, 0, &pm, &e), want);
	sysroot_free(sr); /* physmem keeps only its open files */
	return pm;
}

static void test_image_ranges(void **state)
{
	char *dir = tu_mkdtemp();
	struct physmem *pm;
	struct gk_err e;
	uint8_t buf[8];
	uint64_t v;

	(void)state;
	tu_pwrite(dir, "dev/mem", "\x11\x22\x33\x44\x55\x66\x77\x88", 8,
		  0x1000);
	tu_pwrite(dir, "dev/mem", "Z", 1, 0x3000);
	tu_write(dir, "dev/mem.ranges",
		 "0000000000001000-0000000000001007\n# comment\n\n3000-3000\n");
	pm = open_pm(dir, 0);
	assert_int_equal(physmem_read(pm, 0x1002, buf, 4, &e), 0);
	assert_memory_equal(buf, "\x33\x44\x55\x66", 4);
	assert_int_equal(physmem_read_reg(pm, 0x1000, 8, &v, &e), 0);
	assert_true(v == 0x8877665544332211ull);
	assert_int_equal(physmem_read_reg(pm, 0x1004, 4, &v, &e), 0);
	assert_true(v == 0x88776655u);
	/* zero bytes of the sparse hole are not captured memory */
	assert_int_equal(physmem_read(pm, 0x2000, buf, 1, &e),
			 -GK_ERR_UNMAPPED);
	assert_non_null(strstr(e.msg, "dev/mem: 0x2000 not captured"));
	/* a read running past a captured range fails as a whole */
	assert_int_equal(physmem_read(pm, 0x1004, buf, 8, &e),
			 -GK_ERR_UNMAPPED);
	assert_non_null(strstr(e.msg, "0x1008 not captured"));
	assert_int_equal(physmem_read_reg(pm, 0x1002, 4, &v, &e),
			 -GK_ERR_INVAL);
	assert_int_equal(physmem_read_reg(pm, 0x1000, 2, &v, &e),
			 -GK_ERR_INVAL);
	physmem_close(pm);
	tu_rmtree(dir);
}

static void test_image_whole_file(void **state)
{
	char *dir = tu_mkdtemp();
	struct physmem *pm;
	struct gk_err e;
	uint8_t buf[4];

	(void)state;
	tu_pwrite(dir, "dev/mem", "abcd", 4, 0x10);
	pm = open_pm(dir, 0);
	assert_int_equal(physmem_read(pm, 0, buf, 4, &e), 0); /* a raw image */
	assert_memory_equal(buf, "\0\0\0\0", 4);
	assert_int_equal(physmem_read(pm, 0x12, buf, 2, &e), 0);
	assert_memory_equal(buf, "cd", 2);
	assert_int_equal(physmem_read(pm, 0x13, buf, 2, &e), -GK_ERR_UNMAPPED);
	physmem_close(pm);
	tu_rmtree(dir);
}

static void test_bad_ranges(void **state)
{
	static const char *const bad[] = {
		"xyz\n",
		"2000-1000\n",
		"1000\n",
		"0x1000-0x2000\n",
		"00000000000000001-2\n",
		"0-ffff\n" /* past the file */,
		"0-f\n8-18\n", /* overlapping */
	};

	(void)state;
	for (size_t i = 0; i < GK_ARRAY_SIZE(bad); i++) {
		char *dir = tu_mkdtemp();
		struct physmem *pm;
		struct sysroot *sr;
		struct gk_err e;

		tu_pwrite(dir, "dev/mem", "x", 1, 0x1f);
		tu_write(dir, "dev/mem.ranges", bad[i]);
		assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
		assert_int_equal(physmem_open(sr, 0, &pm, &e), -GK_ERR_FORMAT);
		assert_non_null(strstr(e.msg, "dev/mem"));
		sysroot_free(sr);
		tu_rmtree(dir);
	}
}

static void test_memdir(void **state)
{
	char *dir = tu_mkdtemp();
	struct physmem *pm;
	struct gk_err e;
	uint8_t buf[8];
	char src[256];

	(void)state;
	/* two adjacent ranges: one read spans both files */
	tu_pwrite(dir, "dev/mem.d/0000100001000000-0000100001000003", "ABCD", 4,
		  0);
	tu_pwrite(dir, "dev/mem.d/0000100001000004-0000100001000007", "EFGH", 4,
		  0);
	pm = open_pm(dir, 0);
	assert_int_equal(physmem_read(pm, 0x100001000002ull, buf, 4, &e), 0);
	assert_memory_equal(buf, "CDEF", 4);
	assert_non_null(
		strstr(physmem_sources(pm, src, sizeof(src)), "memdir:"));
	assert_int_equal(physmem_read(pm, 0x100001000008ull, buf, 1, &e),
			 -GK_ERR_UNMAPPED);
	physmem_close(pm);
	tu_rmtree(dir);
}

static void test_memdir_bad(void **state)
{
	static const char *const names[] = {
		"dev/mem.d/junk",
		"dev/mem.d/0000000000001000-0000000000001fff",
	};

	(void)state;
	for (size_t i = 0; i < GK_ARRAY_SIZE(names); i++) {
		char *dir = tu_mkdtemp();
		struct physmem *pm;
		struct sysroot *sr;
		struct gk_err e;

		/* four bytes: a bad name, or a size that does not match */
		tu_pwrite(dir, names[i], "ABCD", 4, 0);
		assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
		assert_int_equal(physmem_open(sr, 0, &pm, &e), -GK_ERR_FORMAT);
		assert_non_null(strstr(e.msg, names[i] + 10));
		sysroot_free(sr);
		tu_rmtree(dir);
	}
}

/* A device node in a snapshot would read the host: refused. */
static void test_snapshot_device_node(void **state)
{
	char *dir = tu_mkdtemp(), path[4200];
	struct physmem *pm;
	struct sysroot *sr;
	struct gk_err e;

	(void)state;
	snprintf(path, sizeof(path), "%s/dev/mem", dir);
	tu_mkparents(path);
	if (mknod(path, S_IFCHR | 0400, makedev(1, 3)) < 0) {
		/* unprivileged: a FIFO is just as much "not a file" */
		assert_int_equal(mkfifo(path, 0400), 0);
	}
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(physmem_open(sr, 0, &pm, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "not a regular file"));
	sysroot_free(sr);
	tu_rmtree(dir);
}

/* Write an ELF64 core by hand: ehdr, @n phdrs, then the data. */
static void write_core(const char *dir, const char *rel, const Elf64_Phdr *ph,
		       size_t n, const void *data, size_t len)
{
	Elf64_Ehdr eh = { 0 };

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_AARCH64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (Elf64_Half)n;
	assert_int_equal(tu_pwrite(dir, rel, &eh, sizeof(eh), 0), 0);
	assert_int_equal(tu_pwrite(dir, rel, ph, n * sizeof(*ph), sizeof(eh)),
			 0);
	assert_int_equal(tu_pwrite(dir, rel, data, len, 0x1000), 0);
}

static void test_kcore(void **state)
{
	/* as /proc/kcore: RAM, text mapping the same RAM again, vmalloc */
	const Elf64_Phdr ph[] = {
		{ .p_type = PT_NOTE, .p_offset = 0x1000, .p_filesz = 4 },
		{ .p_type = PT_LOAD,
		  .p_offset = 0x1000,
		  .p_paddr = 0x40000000,
		  .p_filesz = 16,
		  .p_memsz = 16 },
		{ .p_type = PT_LOAD,
		  .p_offset = 0x1008,
		  .p_paddr = 0x40000008,
		  .p_filesz = 8,
		  .p_memsz = 8 },
		{ .p_type = PT_LOAD,
		  .p_offset = 0x1000,
		  .p_paddr = UINT64_MAX,
		  .p_filesz = 16,
		  .p_memsz = 16 },
	};
	char *dir = tu_mkdtemp();
	struct physmem *pm;
	struct gk_err e;
	uint8_t buf[16];
	char src[256];

	(void)state;
	write_core(dir, "proc/kcore", ph, GK_ARRAY_SIZE(ph), "0123456789abcdef",
		   16);
	pm = open_pm(dir, 0);
	physmem_sources(pm, src, sizeof(src));
	assert_true(!strncmp(src, "elfcore:", 8));
	assert_string_equal(src + strlen(src) - 11, "/proc/kcore");
	assert_int_equal(physmem_read(pm, 0x40000004, buf, 12, &e), 0);
	assert_memory_equal(buf, "456789abcdef", 12);
	assert_int_equal(physmem_read(pm, 0x40000010, buf, 1, &e),
			 -GK_ERR_UNMAPPED);
	physmem_close(pm);
	tu_rmtree(dir);
}

/*
 * A segment longer than a file offset can reach is no memory: its end
 * once wrapped the bound check, leaving a negative file offset.
 */
static void test_kcore_huge_segment(void **state)
{
	const Elf64_Phdr ph[] = {
		{ .p_type = PT_LOAD,
		  .p_offset = 0x8000000000000000ull,
		  .p_paddr = 0x200000,
		  .p_filesz = 0xff00000000100000ull,
		  .p_memsz = 0xfffff4fffffdffffull },
		{ .p_type = PT_LOAD,
		  .p_offset = 0x1000,
		  .p_paddr = 0x40000000,
		  .p_filesz = 4,
		  .p_memsz = 4 },
	};
	char *dir = tu_mkdtemp();
	struct physmem *pm;
	struct gk_err e;
	uint8_t buf[4];

	(void)state;
	write_core(dir, "proc/kcore", ph, GK_ARRAY_SIZE(ph), "RAM!", 4);
	pm = open_pm(dir, 0);
	assert_int_equal(physmem_read(pm, 0x200000, buf, 4, &e),
			 -GK_ERR_UNMAPPED);
	assert_int_equal(physmem_read(pm, 0x40000000, buf, 4, &e), 0);
	assert_memory_equal(buf, "RAM!", 4);
	physmem_close(pm);
	tu_rmtree(dir);
}

/* Sources are tried in order: what dev/mem lacks, kcore may have. */
static void test_fallback(void **state)
{
	const Elf64_Phdr ph = { .p_type = PT_LOAD,
				.p_offset = 0x1000,
				.p_paddr = 0x8000,
				.p_filesz = 4,
				.p_memsz = 4 };
	char *dir = tu_mkdtemp();
	struct physmem *pm;
	struct gk_err e;
	uint8_t buf[4];

	(void)state;
	tu_pwrite(dir, "dev/mem", "REGS", 4, 0x100);
	tu_write(dir, "dev/mem.ranges", "100-103\n");
	write_core(dir, "proc/kcore", &ph, 1, "RAM!", 4);
	pm = open_pm(dir, 0);
	assert_int_equal(physmem_read(pm, 0x100, buf, 4, &e), 0);
	assert_memory_equal(buf, "REGS", 4);
	assert_non_null(strstr(physmem_name(pm), "dev/mem"));
	assert_int_equal(physmem_read(pm, 0x8000, buf, 4, &e), 0);
	assert_memory_equal(buf, "RAM!", 4);
	assert_non_null(strstr(physmem_name(pm), "proc/kcore"));
	/* neither: both reasons in one line */
	assert_int_equal(physmem_read(pm, 0x9000, buf, 4, &e),
			 -GK_ERR_UNMAPPED);
	assert_non_null(strstr(e.msg, "dev/mem: 0x9000 not captured; "));
	assert_non_null(strstr(
		e.msg, "proc/kcore: 0x9000 is in none of its memory segments"));
	physmem_close(pm);
	tu_rmtree(dir);
}

static void test_bad_kcore(void **state)
{
	char *dir = tu_mkdtemp();
	struct physmem *pm;
	struct sysroot *sr;
	struct gk_err e;

	(void)state;
	tu_write(dir, "proc/kcore", "\177ELF junk that is not an ELF file");
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(physmem_open(sr, 0, &pm, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "proc/kcore"));
	tu_write(dir, "proc/kcore", "text");
	assert_int_equal(physmem_open(sr, 0, &pm, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "not an ELF core file"));
	sysroot_free(sr);
	tu_rmtree(dir);
}

static void test_empty_snapshot(void **state)
{
	char *dir = tu_mkdtemp();
	struct physmem *pm;
	struct gk_err e;
	uint8_t b;

	(void)state;
	pm = open_pm(dir, 0);
	assert_int_equal(physmem_read(pm, 0x1000, &b, 1, &e), -GK_ERR_UNMAPPED);
	assert_non_null(strstr(e.msg, "no physical memory source"));
	physmem_close(pm);
	tu_rmtree(dir);
}

static void test_add_file(void **state)
{
	const Elf64_Phdr ph = { .p_type = PT_LOAD,
				.p_offset = 0x1000,
				.p_paddr = 0x7000,
				.p_filesz = 4,
				.p_memsz = 4 };
	char *dir = tu_mkdtemp(), path[4200];
	struct physmem *pm;
	struct gk_err e;
	uint8_t buf[4];

	(void)state;
	write_core(dir, "vmcore", &ph, 1, "CORE", 4);
	pm = open_pm(dir, 0);
	snprintf(path, sizeof(path), "%s/vmcore", dir);
	assert_int_equal(physmem_add_file(pm, path, &e), 0);
	assert_int_equal(physmem_read(pm, 0x7000, buf, 4, &e), 0);
	assert_memory_equal(buf, "CORE", 4);
	assert_int_equal(physmem_add_file(pm, "/nonexistent", &e),
			 -GK_ERR_NOENT);
	physmem_close(pm);
	tu_rmtree(dir);
}

/*
 * A snapshot's small reads come out of the last block read: each read
 * gives the bytes at its own address, whichever block, piece or file
 * served the one before, and the ends of a piece stay where they were.
 */
static void test_block_cache(void **state)
{
	char *dir = tu_mkdtemp();
	uint8_t img[3 * 4096], buf[64];
	struct physmem *pm;
	struct gk_err e;
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = (uint8_t)(i * 13 + (i >> 8));
	tu_pwrite(dir, "dev/mem", img, sizeof(img), 0x10000);
	/* a piece that starts and ends inside a block, one of a block */
	tu_write(dir, "dev/mem.ranges",
		 "10010-10ff7\n11000-11fff\n12000-12fff\n");
	tu_pwrite(dir, "dev/mem.d/0000000000020000-000000000002000f",
		  "0123456789abcdef", 16, 0);
	pm = open_pm(dir, 0);
	/* first and last bytes of a piece that fills no whole block */
	assert_int_equal(physmem_read_reg(pm, 0x10010, 8, &v, &e), 0);
	assert_true(v == gk_le64(img + 0x10));
	assert_int_equal(physmem_read(pm, 0x10ff0, buf, 8, &e), 0);
	assert_memory_equal(buf, img + 0xff0, 8);
	/* before the piece, past it: refused as without the cache */
	assert_int_equal(physmem_read_reg(pm, 0x10008, 8, &v, &e),
			 -GK_ERR_UNMAPPED);
	assert_int_equal(physmem_read(pm, 0x10ff0, buf, 9, &e),
			 -GK_ERR_UNMAPPED);
	assert_non_null(strstr(e.msg, "0x10ff8 not captured"));
	/* alternating between blocks, and a read across two of them */
	for (int k = 0; k < 3; k++) {
		assert_int_equal(physmem_read_reg(pm, 0x11ff8, 8, &v, &e), 0);
		assert_true(v == gk_le64(img + 0x1ff8));
		assert_int_equal(physmem_read_reg(pm, 0x12000, 4, &v, &e), 0);
		assert_true(v == gk_le32(img + 0x2000));
		assert_int_equal(physmem_read_reg(pm, 0x10020, 4, &v, &e), 0);
		assert_true(v == gk_le32(img + 0x20));
	}
	assert_int_equal(physmem_read(pm, 0x11fe0, buf, 64, &e), 0);
	assert_memory_equal(buf, img + 0x1fe0, 64);
	/* memdir first, then the image: each keeps its own block */
	assert_int_equal(physmem_read(pm, 0x20004, buf, 4, &e), 0);
	assert_memory_equal(buf, "4567", 4);
	assert_int_equal(physmem_read_reg(pm, 0x12008, 8, &v, &e), 0);
	assert_true(v == gk_le64(img + 0x2008));
	assert_int_equal(physmem_read(pm, 0x2000c, buf, 4, &e), 0);
	assert_memory_equal(buf, "cdef", 4);
	physmem_close(pm);
	tu_rmtree(dir);
}

/* The /dev/mem backend on a file: page windows, aligned register loads. */
static void test_devmem_file(void **state)
{
	char *dir = tu_mkdtemp(), path[4200];
	uint8_t page[8192], buf[16];
	struct physmem *pm;
	struct gk_err e;
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(page); i++)
		page[i] = (uint8_t)(i * 7);
	tu_pwrite(dir, "mem.img", page, sizeof(page), 0);
	snprintf(path, sizeof(path), "%s/mem.img", dir);
	pm = open_pm(dir, 0);
	assert_int_equal(physmem_add_devmem(pm, path, &e), 0);
	/* across the page boundary: two pages mapped at once */
	assert_int_equal(physmem_read(pm, 4090, buf, 12, &e), 0);
	assert_memory_equal(buf, page + 4090, 12);
	assert_int_equal(physmem_read_reg(pm, 4096, 8, &v, &e), 0);
	assert_true(v == gk_le64(page + 4096));
	assert_int_equal(physmem_read_reg(pm, 12, 4, &v, &e), 0);
	assert_true(v == gk_le32(page + 12));
	/* the page of the last register stays mapped: each its own bytes */
	for (int k = 0; k < 3; k++) {
		assert_int_equal(physmem_read_reg(pm, 4096 + 8 * k, 8, &v, &e),
				 0);
		assert_true(v == gk_le64(page + 4096 + 8 * k));
		assert_int_equal(physmem_read_reg(pm, 8188, 4, &v, &e), 0);
		assert_true(v == gk_le32(page + 8188));
		assert_int_equal(physmem_read_reg(pm, 4 * k, 4, &v, &e), 0);
		assert_true(v == gk_le32(page + 4 * k));
	}
	assert_int_equal(physmem_read_reg(pm, 8192, 4, &v, &e),
			 -GK_ERR_UNMAPPED);
	/* past the end of the file: refused, never a SIGBUS */
	assert_int_equal(physmem_read(pm, 8190, buf, 4, &e), -GK_ERR_UNMAPPED);
	assert_non_null(strstr(e.msg, "mem.img: 0x1ffe is past the end"));
	assert_int_equal(physmem_add_devmem(pm, "/nonexistent/mem", &e),
			 -GK_ERR_NOENT);
	physmem_close(pm);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_ranges),
		cmocka_unit_test(test_image_whole_file),
		cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_memdir),
		cmocka_unit_test(test_memdir_bad),
		cmocka_unit_test(test_snapshot_device_node),
		cmocka_unit_test(test_kcore),
		cmocka_unit_test(test_kcore_huge_segment),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_bad_kcore),
		cmocka_unit_test(test_empty_snapshot),
		cmocka_unit_test(test_add_file),
		cmocka_unit_test(test_block_cache),
		cmocka_unit_test(test_devmem_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
