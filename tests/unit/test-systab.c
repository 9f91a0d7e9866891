// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "efitables.h"
#include "testutil.h"

/* A 2.70 system table as EDK2 builds it, with a valid CRC. */
static void make_systab(uint8_t *st, uint64_t ntables, uint64_t tables)
{
	memset(st, 0, EFT_SYSTAB_SIZE);
	memcpy(st, "IBI SYST", 8);
	tu_put32(st + 8, 2 << 16 | 70);
	tu_put32(st + 12, 120);
	tu_put64(st + 24, 0x7ffd0078);
	tu_put32(st + 32, 0x10000);
	tu_put64(st + 88, 0x7fff0000);
	tu_put64(st + 104, ntables);
	tu_put64(st + 112, tables);
	tu_put32(st + 16, (uint32_t)crc32(crc32(0, NULL, 0), st, 120));
}

static void test_parse(void **state)
{
	uint8_t buf[EFT_SYSTAB_SIZE];
	struct eft_systab st;
	struct gk_err e;

	(void)state;
	make_systab(buf, 5, 0x7ffd1000);
	assert_int_equal(
		eft_systab_parse(buf, sizeof(buf), 0x7ffd0000, &st, &e), 0);
	assert_int_equal(st.revision, 0x20046);
	assert_true(st.nr_tables == 5 && st.tables == 0x7ffd1000);
	assert_true(st.tables_phys == 0x7ffd1000);
	assert_true(st.crc_ok);
	assert_true(st.fw_vendor == 0x7ffd0078);
	buf[40] ^= 1; /* a changed byte: still usable, CRC noted */
	assert_int_equal(eft_systab_parse(buf, sizeof(buf), 0, &st, &e), 0);
	assert_false(st.crc_ok);
}

static void expect_bad(uint8_t *buf, size_t len, const char *msg)
{
	struct eft_systab st;
	struct gk_err e;

	assert_int_equal(eft_systab_parse(buf, len, 0x7ffd0000, &st, &e),
			 -GK_ERR_CORRUPT);
	assert_string_equal(e.msg, msg);
}

static void test_bad(void **state)
{
	uint8_t buf[EFT_SYSTAB_SIZE];

	(void)state;
	make_systab(buf, 5, 0x7ffd1000);
	expect_bad(buf, 100, "EFI system table at 0x7ffd0000: only 100 bytes");
	buf[0] = 'X';
	expect_bad(buf, sizeof(buf),
		   "EFI system table at 0x7ffd0000: bad signature "
		   "0x5453595320494258");
	make_systab(buf, 5, 0x7ffd1000);
	tu_put32(buf + 8, 1 << 16 | 10);
	expect_bad(buf, sizeof(buf),
		   "EFI system table at 0x7ffd0000: revision 1.10 is older "
		   "than 2.0");
	make_systab(buf, 5, 0x7ffd1000);
	tu_put32(buf + 12, 24);
	expect_bad(buf, sizeof(buf),
		   "EFI system table at 0x7ffd0000: header size 24");
	make_systab(buf, 100000, 0x7ffd1000);
	expect_bad(
		buf, sizeof(buf),
		"EFI system table at 0x7ffd0000: 100000 configuration tables");
	make_systab(buf, 3, 0);
	expect_bad(buf, sizeof(buf),
		   "EFI system table at 0x7ffd0000: configuration table "
		   "pointer is 0");
}

/* Debian 11's 5.10 stub leaves a firmware virtual address (F.18). */
static void test_virt_to_phys(void **state)
{
	uint8_t md[3 * 48] = { 0 };
	struct eft_memmap map = { md, sizeof(md), 48 };

	(void)state;
	tu_put32(md, 7); /* conventional, no runtime attribute */
	tu_put64(md + 8, 0x40000000);
	tu_put64(md + 24, 0x1000);
	tu_put32(md + 48, 6); /* runtime services data */
	tu_put64(md + 48 + 8, 0x7ffd0000);
	tu_put64(md + 48 + 16, 0x206c0000);
	tu_put64(md + 48 + 24, 16);
	tu_put64(md + 48 + 32, 1ull << 63);
	assert_true(eft_virt_to_phys(&map, 0x206cfb18) == 0x7ffdfb18);
	assert_true(eft_virt_to_phys(&map, 0x206d0000) == 0x206d0000);
	assert_true(eft_virt_to_phys(NULL, 0x206cfb18) == 0x206cfb18);
	/* a runtime descriptor with VirtualStart 0: no map installed */
	tu_put64(md + 48 + 16, 0);
	tu_put32(md + 96, 6);
	tu_put64(md + 96 + 8, 0x80000000);
	tu_put64(md + 96 + 16, 0x206c0000);
	tu_put64(md + 96 + 24, 16);
	tu_put64(md + 96 + 32, 1ull << 63);
	assert_true(eft_virt_to_phys(&map, 0x206cfb18) == 0x206cfb18);
	map.desc_size = 8; /* nonsense size: nothing translated */
	assert_true(eft_virt_to_phys(&map, 0x206cfb18) == 0x206cfb18);
}

struct flat {
	const uint8_t *buf;
	uint64_t base;
	size_t len;
};

static int flat_read(void *data, uint64_t pa, void *buf, size_t len,
		     struct gk_err *e)
{
	const struct flat *f = data;

	if (pa < f->base || pa - f->base + len > f->len)
		return gk_fail(e, -GK_ERR_UNMAPPED, "flat: 0x%llx not captured",
			       (unsigned long long)pa);
	memcpy(buf, f->buf + (pa - f->base), len);
	return 0;
}

static void test_tables(void **state)
{
	/* two entries: MEMRESERVE (mixed-endian GUID bytes) and ACPI 2.0 */
	static const uint8_t arr[48] = {
		0xc6, 0xb0, 0x8e, 0x88, 0xde, 0x8e, 0xf5, 0x4f, 0xa8, 0xf0,
		0x9a, 0xee, 0x5c, 0xb9, 0x77, 0xc2, 0x00, 0x00, 0xfe, 0x7f,
		0,    0,    0,	  0,	0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4,
		0xd3, 0x11, 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81,
		0x00, 0x00, 0x00, 0x7c, 0,    0,    0,	  0,
	};
	struct flat f = { arr, 0x7ffd1000, sizeof(arr) };
	struct eft_reader rd = { flat_read, &f, NULL, NULL, 0 };
	struct eft_systab st = { .nr_tables = 2, .tables_phys = 0x7ffd1000 };
	struct eft_table *t;
	struct gk_err e;
	char name[64];

	(void)state;
	assert_int_equal(eft_tables_read(&rd, &st, &t, &e), 2);
	assert_memory_equal(&t[0].guid, &eft_guid_memreserve, 16);
	assert_true(t[0].addr == 0x7ffe0000);
	assert_string_equal(eft_guid_name(&t[0].guid, name, sizeof(name)),
			    "MEMRESERVE");
	assert_string_equal(eft_guid_name(&t[1].guid, name, sizeof(name)),
			    "ACPI 2.0");
	assert_true(t[1].addr == 0x7c000000);
	free(t);
	st.nr_tables = 3; /* the third entry is not there */
	assert_int_equal(eft_tables_read(&rd, &st, &t, &e), -GK_ERR_UNMAPPED);
	assert_string_equal(e.msg,
			    "EFI configuration tables (3 at 0x7ffd1000): flat: "
			    "0x7ffd1000 not captured");
}

static void test_names(void **state)
{
	efi_guid_t g;
	char name[64];

	(void)state;
	assert_int_equal(eft_guid_lookup("memreserve", &g), 0);
	assert_memory_equal(&g, &eft_guid_memreserve, 16);
	assert_int_equal(eft_guid_lookup("no such table", &g),
			 -GK_ERR_NOTFOUND);
	/* libefivar's own database answers for what it knows */
	assert_int_equal(
		efi_str_to_guid("8be4df61-93ca-11d2-aa0d-00e098032b8c", &g), 0);
	assert_string_not_equal(eft_guid_name(&g, name, sizeof(name)), "");
	/* and nobody knows this one */
	assert_int_equal(
		efi_str_to_guid("01234567-89ab-cdef-0123-456789abcdef", &g), 0);
	assert_string_equal(eft_guid_name(&g, name, sizeof(name)), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_virt_to_phys),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
