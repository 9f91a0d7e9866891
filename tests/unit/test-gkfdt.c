// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libfdt.h>

#include "gkfdt.h"
#include "testutil.h"

/* A /sys/firmware/fdt as the EFI stub leaves it, plus a reserve map. */
static void *make_dtb(size_t *size)
{
	size_t cap = 4096;
	void *fdt = calloc(1, cap);

	assert_int_equal(fdt_create(fdt, (int)cap), 0);
	assert_int_equal(fdt_add_reservemap_entry(fdt, 0x425b0000, 0x10000), 0);
	assert_int_equal(fdt_add_reservemap_entry(fdt, 0x425c0000, 0), 0);
	assert_int_equal(fdt_add_reservemap_entry(fdt, 0x80000000, 0x1000), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_begin_node(fdt, "chosen"), 0);
	assert_int_equal(fdt_property_u64(fdt, "linux,uefi-system-table",
					  0x7ffd0000),
			 0);
	assert_int_equal(fdt_property_u32(fdt, "linux,uefi-mmap-size", 0x900),
			 0);
	assert_int_equal(fdt_property(fdt, "odd", "abc", 3), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	*size = fdt_totalsize(fdt);
	return fdt;
}

static void test_load(void **state)
{
	char *dir = tu_mkdtemp();
	struct sysroot *sr;
	struct gk_range *r;
	struct gk_fdt f;
	struct gk_err e;
	uint64_t v;
	size_t size, n;
	void *dtb = make_dtb(&size);

	(void)state;
	tu_pwrite(dir, "sys/firmware/fdt", dtb, size, 0);
	free(dtb);
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(gk_fdt_load(sr, "/sys/firmware/fdt", &f, &e), 0);
	assert_int_equal(gk_fdt_get_u64(&f, "/chosen",
					"linux,uefi-system-table", &v, &e),
			 0);
	assert_true(v == 0x7ffd0000);
	assert_int_equal(gk_fdt_get_u64(&f, "/chosen", "linux,uefi-mmap-size",
					&v, &e),
			 0);
	assert_true(v == 0x900);
	assert_int_equal(gk_fdt_get_u64(&f, "/chosen", "odd", &v, &e),
			 -GK_ERR_BADFDT);
	assert_non_null(strstr(e.msg, "/chosen/odd is 3 bytes, not 4 or 8"));
	assert_int_equal(gk_fdt_get_u64(&f, "/chosen", "none", &v, &e),
			 -GK_ERR_NOTFOUND);
	assert_int_equal(gk_fdt_get_u64(&f, "/nonode", "x", &v, &e),
			 -GK_ERR_NOTFOUND);
	/* the kernel's loop ends at the empty entry, so does ours */
	assert_int_equal(gk_fdt_memrsv(&f, &r, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_true(r[0].start == 0x425b0000 && r[0].end == 0x425bffff);
	free(r);
	gk_fdt_free(&f);
	sysroot_free(sr);
	tu_rmtree(dir);
}

static void test_bad(void **state)
{
	char *dir = tu_mkdtemp();
	struct sysroot *sr;
	struct gk_fdt f;
	struct gk_err e;
	size_t size;
	uint8_t *dtb = make_dtb(&size);

	(void)state;
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(gk_fdt_load(sr, "/sys/firmware/fdt", &f, &e),
			 -GK_ERR_NOENT);
	tu_pwrite(dir, "sys/firmware/fdt", dtb, size / 2, 0); /* truncated */
	assert_int_equal(gk_fdt_load(sr, "/sys/firmware/fdt", &f, &e),
			 -GK_ERR_BADFDT);
	assert_non_null(strstr(e.msg, "sys/firmware/fdt: bad device tree: "));
	dtb[0] ^= 0xff; /* bad magic */
	tu_pwrite(dir, "sys/firmware/fdt", dtb, size, 0);
	assert_int_equal(gk_fdt_load(sr, "/sys/firmware/fdt", &f, &e),
			 -GK_ERR_BADFDT);
	tu_write(dir, "sys/firmware/fdt", "tiny");
	assert_int_equal(gk_fdt_load(sr, "/sys/firmware/fdt", &f, &e),
			 -GK_ERR_BADFDT);
	free(dtb);
	sysroot_free(sr);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
