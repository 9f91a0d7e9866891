// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for lib/iomem: /proc/iomem as a tree. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "iomem.h"
#include "testutil.h"

/*
 * A QEMU virt machine with GICv3 and a crash kernel, as root sees it:
 * claimed GIC frames, PCI windows three levels deep, RAM split in two
 * touching halves and a third bank past a hole, a 64-bit PCI window.
 */
static const char arm64_iomem[] =
	"08000000-0800ffff : GICD\n" /* 1 */
	"080a0000-08ffffff : GICR\n"
	"09000000-09000fff : pl011@9000000\n"
	"  09000000-09000fff : 9000000.pl011 pl011@9000000\n"
	"10000000-3efeffff : pcie@10000000\n" /* 5 */
	"  10000000-3efeffff : PCI Bus 0000:00\n"
	"    10000000-1007ffff : 0000:00:01.0\n"
	"    10080000-10083fff : 0000:00:02.0\n"
	"      10080000-10083fff : virtio-pci-modern\n"
	"3f000000-3fffffff : PCI ECAM\n" /* 10 */
	"40000000-bfffffff : System RAM\n"
	"  40210000-4160ffff : Kernel code\n"
	"  41610000-41adffff : reserved\n"
	"  41ae0000-41f3ffff : Kernel data\n"
	"  48000000-483f0fff : reserved\n" /* 15 */
	"  60000000-7fffffff : Crash kernel\n"
	"  bbfd0000-bbffffff : reserved\n"
	"c0000000-c00fffff : System RAM\n"
	"100000000-13fffffff : System RAM\n"
	"8000000000-ffffffffff : pcie@10000000\n" /* 20 */
	"  8000000000-ffffffffff : PCI Bus 0000:00\n";

/* The same machine through the eyes of an ordinary user. */
static const char zeroed_iomem[] = "00000000-00000000 : GICD\n"
				   "00000000-00000000 : System RAM\n"
				   "  00000000-00000000 : Kernel code\n"
				   "  00000000-00000000 : reserved\n"
				   "  00000000-00000000 : Crash kernel\n"
				   "00000000-00000000 : System RAM\n";

static struct iomem *parse_ok(const char *text)
{
	struct gk_err e = { 0 };
	struct iomem *io = NULL;

	assert_int_equal(iomem_parse(text, strlen(text), "t", &io, &e), 0);
	assert_int_equal(e.code, 0);
	assert_non_null(io);
	return io;
}

static void expect_res(const struct iomem_res *r, uint64_t start, uint64_t end,
		       const char *name, unsigned int depth)
{
	assert_non_null(r);
	assert_int_equal(r->start, start);
	assert_int_equal(r->end, end);
	assert_string_equal(r->name, name);
	assert_int_equal(r->depth, depth);
}

static void test_top_level(void **state)
{
	static const char *const names[] = {
		"GICD",		 "GICR",       "pl011@9000000",
		"pcie@10000000", "PCI ECAM",   "System RAM",
		"System RAM",	 "System RAM", "pcie@10000000",
	};
	struct iomem *io = parse_ok(arm64_iomem);
	const struct iomem_res *r = iomem_root(io);
	size_t i = 0;

	(void)state;
	expect_res(r, 0x8000000, 0x800ffff, "GICD", 0);
	assert_int_equal(r->line, 1);
	for (; r; r = r->next, i++) {
		assert_true(i < GK_ARRAY_SIZE(names));
		assert_string_equal(r->name, names[i]);
		assert_null(r->parent);
	}
	assert_int_equal(i, GK_ARRAY_SIZE(names));
	assert_int_equal(iomem_count(io), 21);
	assert_false(iomem_zeroed(io));
	iomem_free(io);
}

static const struct iomem_res *nth_top(const struct iomem *io, size_t n)
{
	const struct iomem_res *r = iomem_root(io);

	while (r && n--)
		r = r->next;
	return r;
}

static void test_ram_children(void **state)
{
	struct iomem *io = parse_ok(arm64_iomem);
	const struct iomem_res *ram = nth_top(io, 5), *c;

	(void)state;
	expect_res(ram, 0x40000000, 0xbfffffff, "System RAM", 0);
	assert_int_equal(ram->line, 11);
	c = ram->child;
	expect_res(c, 0x40210000, 0x4160ffff, "Kernel code", 1);
	assert_ptr_equal(c->parent, ram);
	c = c->next;
	expect_res(c, 0x41610000, 0x41adffff, "reserved", 1);
	c = c->next;
	expect_res(c, 0x41ae0000, 0x41f3ffff, "Kernel data", 1);
	c = c->next;
	expect_res(c, 0x48000000, 0x483f0fff, "reserved", 1);
	c = c->next;
	expect_res(c, 0x60000000, 0x7fffffff, "Crash kernel", 1);
	assert_int_equal(c->line, 16);
	assert_ptr_equal(c->parent, ram);
	c = c->next;
	expect_res(c, 0xbbfd0000, 0xbbffffff, "reserved", 1);
	assert_null(c->next);
	assert_null(c->child);
	iomem_free(io);
}

static void test_deep_nesting(void **state)
{
	struct iomem *io = parse_ok(arm64_iomem);
	const struct iomem_res *pcie = nth_top(io, 3), *bus, *dev, *drv;
	const struct iomem_res *high = nth_top(io, 8);

	(void)state;
	expect_res(pcie, 0x10000000, 0x3efeffff, "pcie@10000000", 0);
	bus = pcie->child;
	expect_res(bus, 0x10000000, 0x3efeffff, "PCI Bus 0000:00", 1);
	assert_null(bus->next);
	dev = bus->child;
	expect_res(dev, 0x10000000, 0x1007ffff, "0000:00:01.0", 2);
	assert_null(dev->child);
	dev = dev->next;
	expect_res(dev, 0x10080000, 0x10083fff, "0000:00:02.0", 2);
	drv = dev->child;
	expect_res(drv, 0x10080000, 0x10083fff, "virtio-pci-modern", 3);
	assert_ptr_equal(drv->parent->parent->parent, pcie);
	/* the line after the deepest one climbs three levels at once */
	expect_res(nth_top(io, 4), 0x3f000000, 0x3fffffff, "PCI ECAM", 0);
	expect_res(high, 0x8000000000, 0xffffffffff, "pcie@10000000", 0);
	expect_res(high->child, 0x8000000000, 0xffffffffff, "PCI Bus 0000:00",
		   1);
	assert_null(high->next);
	iomem_free(io);
}

static void test_find(void **state)
{
	struct iomem *io = parse_ok(arm64_iomem);
	struct gk_range *r;
	size_t n;

	(void)state;
	assert_int_equal(iomem_find(io, "reserved", &r, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].start, 0x41610000);
	assert_int_equal(r[0].end, 0x41adffff);
	assert_int_equal(r[1].start, 0x48000000);
	assert_int_equal(r[2].start, 0xbbfd0000);
	assert_int_equal(r[2].end, 0xbbffffff);
	free(r);

	assert_int_equal(iomem_find(io, "Crash kernel", &r, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 0x60000000);
	assert_int_equal(r[0].end, 0x7fffffff);
	free(r);

	/* names with spaces and colons, at depth 1 under two parents */
	assert_int_equal(iomem_find(io, "PCI Bus 0000:00", &r, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].start, 0x10000000);
	assert_int_equal(r[1].start, 0x8000000000);
	free(r);

	assert_int_equal(iomem_find(io, "System RAM", &r, &n), 0);
	assert_int_equal(n, 3);
	free(r);

	/* exact names only */
	assert_int_equal(iomem_find(io, "Kernel", &r, &n), 0);
	assert_int_equal(n, 0);
	assert_null(r);
	iomem_free(io);
}

static void test_in_ram(void **state)
{
	struct iomem *io = parse_ok(arm64_iomem);

	(void)state;
	/* inside one range, a child's range included */
	assert_true(iomem_in_ram(io, 0x60000000, 0x10000));
	assert_true(iomem_in_ram(io, 0x40000000, 0x80000000));
	/* the last byte of the third bank, and one past it */
	assert_true(iomem_in_ram(io, 0x13fffffff, 1));
	assert_false(iomem_in_ram(io, 0x13ffff000, 0x2000));
	/* across the two touching halves of the first bank */
	assert_true(iomem_in_ram(io, 0xbfff0000, 0x20000));
	assert_true(iomem_in_ram(io, 0x40000000, 0x80100000));
	/* straddling the end of the merged bank into the hole */
	assert_false(iomem_in_ram(io, 0xc00ff000, 0x2000));
	/* across the hole, though both ends are RAM */
	assert_false(iomem_in_ram(io, 0xc0000000, 0x40000000 + 0x1000));
	/* in a hole, and in MMIO */
	assert_false(iomem_in_ram(io, 0xd0000000, 0x1000));
	assert_false(iomem_in_ram(io, 0x8000000, 0x1000));
	assert_false(iomem_in_ram(io, 0x3f000000, 0x1000));
	/* straddling the start of RAM */
	assert_false(iomem_in_ram(io, 0x3ffff000, 0x2000));
	/* empty and wrapping ranges */
	assert_false(iomem_in_ram(io, 0x60000000, 0));
	assert_false(iomem_in_ram(io, UINT64_MAX, 2));
	iomem_free(io);
}

static void test_in_ram_gaps(void **state)
{
	/* EFI no-map memory splits RAM with top-level "reserved" ranges */
	struct iomem *io = parse_ok("40000000-4fffffff : System RAM\n"
				    "50000000-5000ffff : reserved\n"
				    "50010000-5fffffff : System RAM\n"
				    "60000001-6fffffff : System RAM\n");

	(void)state;
	assert_true(iomem_in_ram(io, 0x4ffff000, 0x1000));
	assert_false(iomem_in_ram(io, 0x4ffff000, 0x2000));
	assert_false(iomem_in_ram(io, 0x5000f000, 0x2000));
	assert_true(iomem_in_ram(io, 0x50010000, 0x1000));
	/* a gap of a single byte is still a gap */
	assert_false(iomem_in_ram(io, 0x5ffff000, 0x2000));
	assert_true(iomem_in_ram(io, 0x60000001, 0x1000));
	iomem_free(io);
}

static void test_in_ram_top_of_memory(void **state)
{
	struct iomem *io = parse_ok("ffffffff00000000-ffffffffffffffff : "
				    "System RAM\n");

	(void)state;
	assert_true(iomem_in_ram(io, 0xffffffffffff0000, 0x10000));
	assert_true(iomem_in_ram(io, UINT64_MAX, 1));
	assert_false(iomem_in_ram(io, UINT64_MAX, 2));
	iomem_free(io);
}

static void test_zeroed(void **state)
{
	struct iomem *io = parse_ok(zeroed_iomem);
	struct gk_range *r;
	size_t n;

	(void)state;
	assert_true(iomem_zeroed(io));
	assert_int_equal(iomem_count(io), 6);
	/* the shape survives even though the addresses do not */
	assert_string_equal(iomem_root(io)->next->child->next->next->name,
			    "Crash kernel");
	assert_int_equal(iomem_find(io, "Crash kernel", &r, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].end, 0);
	free(r);
	/* hidden addresses say nothing about RAM */
	assert_false(iomem_in_ram(io, 0, 1));
	iomem_free(io);
}

static void test_empty(void **state)
{
	struct gk_err e = { 0 };
	struct iomem *io = NULL;

	(void)state;
	assert_int_equal(iomem_parse("", 0, "t", &io, &e), 0);
	assert_non_null(io);
	assert_null(iomem_root(io));
	assert_int_equal(iomem_count(io), 0);
	assert_false(iomem_zeroed(io));
	assert_false(iomem_in_ram(io, 0, 1));
	iomem_free(io);
	iomem_free(NULL);
}

static void test_no_trailing_newline(void **state)
{
	struct iomem *io = parse_ok("40000000-bfffffff : System RAM\n"
				    "  60000000-7fffffff : Crash kernel");

	(void)state;
	expect_res(iomem_root(io)->child, 0x60000000, 0x7fffffff,
		   "Crash kernel", 1);
	iomem_free(io);
}

static void test_odd_names(void **state)
{
	(void)state;
	/* an empty name, a " : " inside one, 16 digits, upper case */
	struct iomem *io = parse_ok("0000000000000000-00000000000fffff : \n"
				    "00100000-001FFFFF : a : b\n");
	const struct iomem_res *r = iomem_root(io);

	expect_res(r, 0, 0xfffff, "", 0);
	expect_res(r->next, 0x100000, 0x1fffff, "a : b", 0);
	iomem_free(io);
}

struct bad_case {
	const char *text;
	size_t len; /* 0: strlen(text) */
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{ "xyz\n", 0, "t:1: bad range \"xyz\"" },
	{ "40000000-bfffffff System RAM\n", 0,
	  "t:1: bad range \"40000000-bfffffff System RAM\"" },
	{ "40000000-bfffffff :System RAM\n", 0,
	  "t:1: bad range \"40000000-bfffffff :System RAM\"" },
	{ "40000000 bfffffff : x\n", 0,
	  "t:1: bad range \"40000000 bfffffff : x\"" },
	{ "4000000-bfffffff : short\n", 0,
	  "t:1: bad range \"4000000-bfffffff : short\"" },
	{ "40000000-10000000000000000 : x\n", 0,
	  "t:1: bad range \"40000000-10000000000000000 : x\"" },
	{ "4000000g-bfffffff : x\n", 0,
	  "t:1: bad range \"4000000g-bfffffff : x\"" },
	{ "x\"y\\z\n", 0, "t:1: bad range \"x\\x22y\\x5cz\"" },
	{ "0123456789012345678901234567890123456789abcdef\n", 0,
	  "t:1: bad range \"0123456789012345678901234567890123456789...\"" },
	{ "40000000-3fffffff : System RAM\n", 0, "t:1: END before START" },
	{ "40000000-4fffffff : System RAM\n"
	  "  3ffff000-40000fff : reserved\n",
	  0, "t:2: child outside its parent on line 1" },
	{ "40000000-4fffffff : System RAM\n"
	  "  4ffff000-50000fff : reserved\n",
	  0, "t:2: child outside its parent on line 1" },
	{ "40000000-4fffffff : System RAM\n"
	  "      40000000-40000fff : reserved\n",
	  0, "t:2: indentation jumps from depth 0 to 3" },
	{ "40000000-4fffffff : System RAM\n"
	  "   40000000-40000fff : reserved\n",
	  0, "t:2: indented by an odd number of spaces (3)" },
	{ "  40000000-4fffffff : System RAM\n", 0,
	  "t:1: first resource is indented" },
	{ "50000000-5fffffff : System RAM\n"
	  "40000000-4fffffff : System RAM\n",
	  0, "t:2: range does not follow the one on line 1" },
	{ "40000000-4fffffff : System RAM\n"
	  "  40000000-40ffffff : Kernel code\n"
	  "  40ff0000-41ffffff : reserved\n",
	  0, "t:3: range does not follow the one on line 2" },
	{ "40000000-4fffffff : System RAM\n"
	  "  40000000-40ffffff : Kernel code\n"
	  "4f000000-5fffffff : PCI\n",
	  0, "t:3: range does not follow the one on line 1" },
	{ "40000000-4fffffff : System RAM\r\n", 0, "t:1: bad character 0x0d" },
	{ "\t40000000-4fffffff : System RAM\n", 0, "t:1: bad character 0x09" },
	{ "40000000-4fffffff : a\0b\n", 24, "t:1: bad character 0x00" },
	{ "40000000-4fffffff : a\n\n50000000-5fffffff : b\n", 0,
	  "t:2: empty line" },
	{ "40000000-4fffffff : a\n  \n", 0, "t:2: bad range \"\"" },
	/* a zeroed range among real ones is not what the kernel prints */
	{ "40000000-4fffffff : System RAM\n"
	  "  00000000-00000000 : reserved\n",
	  0, "t:2: child outside its parent on line 1" },
};

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < GK_ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		size_t len = c->len ? c->len : strlen(c->text);
		struct gk_err e = { 0 };
		struct iomem *io = (struct iomem *)&e;

		assert_int_equal(iomem_parse(c->text, len, "t", &io, &e),
				 -GK_ERR_FORMAT);
		assert_null(io);
		assert_int_equal(e.code, -GK_ERR_FORMAT);
		assert_string_equal(e.msg, c->msg);
	}
}

static void test_too_many_lines(void **state)
{
	size_t len = IOMEM_MAX_LINES + 1;
	char *text = malloc(len);
	struct gk_err e = { 0 };
	struct iomem *io;

	(void)state;
	assert_non_null(text);
	memset(text, '\n', len);
	assert_int_equal(iomem_parse(text, len, "t", &io, &e), -GK_ERR_TOOBIG);
	assert_null(io);
	assert_string_equal(e.msg, "t: more than 1000000 lines");
	/* one fewer is only bounded by content: here, empty lines */
	assert_int_equal(iomem_parse(text, len - 1, "t", &io, &e),
			 -GK_ERR_FORMAT);
	assert_string_equal(e.msg, "t:1: empty line");
	free(text);
}

/* A snapshot directory with proc/iomem holding @text (NULL: no file). */
static char *make_snapshot(const char *text)
{
	char *dir = tu_mkdtemp();

	assert_non_null(dir);
	if (text)
		assert_int_equal(tu_write(dir, "proc/iomem", text), 0);
	return dir;
}

static void test_load(void **state)
{
	char *dir;
	struct sysroot *sr;
	struct gk_err e = { 0 };
	struct iomem *io;
	struct gk_range *r;
	size_t n;

	(void)state;
	dir = make_snapshot(arm64_iomem);
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(iomem_load(sr, &io, &e), 0);
	assert_int_equal(iomem_count(io), 21);
	assert_int_equal(iomem_find(io, "Crash kernel", &r, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 0x60000000);
	free(r);
	iomem_free(io);
	sysroot_free(sr);
	tu_rmtree(dir);
}

static void test_load_bad(void **state)
{
	char *dir;
	char want[PATH_MAX + 64];
	struct sysroot *sr;
	struct gk_err e = { 0 };
	struct iomem *io;

	(void)state;
	dir = make_snapshot("40000000-bfffffff : System RAM\n"
			    "  60000000-7fffffff Crash kernel\n");
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(iomem_load(sr, &io, &e), -GK_ERR_FORMAT);
	assert_null(io);
	snprintf(
		want, sizeof(want),
		"%s/proc/iomem:2: bad range \"60000000-7fffffff Crash kernel\"",
		dir);
	assert_string_equal(e.msg, want);
	sysroot_free(sr);
	tu_rmtree(dir);
}

static void test_load_missing(void **state)
{
	char *dir;
	struct sysroot *sr;
	struct gk_err e = { 0 };
	struct iomem *io;

	(void)state;
	dir = make_snapshot(NULL);
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(iomem_load(sr, &io, &e), -GK_ERR_NOENT);
	assert_null(io);
	assert_non_null(strstr(e.msg, "/proc/iomem"));
	sysroot_free(sr);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_level),
		cmocka_unit_test(test_ram_children),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_in_ram),
		cmocka_unit_test(test_in_ram_gaps),
		cmocka_unit_test(test_in_ram_top_of_memory),
		cmocka_unit_test(test_zeroed),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_no_trailing_newline),
		cmocka_unit_test(test_odd_names),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many_lines),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_bad),
		cmocka_unit_test(test_load_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
