// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "dtb.h"
#include "testutil.h"

#define NT 100 /* tables: a server's many, written at once */

/* A device-tree boot's DTB; @old: a gic-lpi@ node a kexec passed before */
static void source(struct gk_fdt *f, bool old)
{
	const fdt64_t reg[] = { cpu_to_fdt64(0x1000), cpu_to_fdt64(0x1000) };
	size_t size = 8192;
	void *fdt = malloc(size);
	struct gk_err e;

	assert_non_null(fdt);
	assert_int_equal(fdt_create(fdt, (int)size), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_u32(fdt, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(fdt, "#size-cells", 2), 0);
	assert_int_equal(fdt_begin_node(fdt, "memory@40000000"), 0);
	assert_int_equal(fdt_property_string(fdt, "device_type", "memory"), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "chosen"), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "reserved-memory"), 0);
	assert_int_equal(fdt_property_u32(fdt, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(fdt, "#size-cells", 2), 0);
	assert_int_equal(fdt_property(fdt, "ranges", NULL, 0), 0);
	if (old) {
		assert_int_equal(fdt_begin_node(fdt, "gic-lpi@1000"), 0);
		assert_int_equal(fdt_property(fdt, "reg", reg, sizeof(reg)), 0);
		assert_int_equal(fdt_end_node(fdt), 0);
	}
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	assert_int_equal(gk_fdt_from_buf(fdt, size, "test.dtb", f, &e), 0);
}

/* the property table and NT - 1 pending tables, CPUs out of order */
static void tables(struct kx_table *t, struct gk_range *keep)
{
	t[0] = (struct kx_table){ 0x80000000, 0x10000, -1, 16 };
	for (int i = 1; i < NT; i++)
		t[i] = (struct kx_table){ 0x80000000 + 0x20000ull * (unsigned)i,
					  0x10000, (i * 37) % NT, 16 };
	for (int i = 0; i < NT; i++)
		keep[i] = (struct gk_range){ t[i].start,
					     t[i].start + t[i].size - 1 };
}

static uint8_t *build(bool old, size_t *len)
{
	static const uint8_t seed[72];
	static struct kx_table t[NT];
	static struct gk_range keep[NT];
	struct kx_dtb_args a = { .keep = keep,
				 .nkeep = NT,
				 .tables = t,
				 .ntables = NT,
				 .seed = seed };
	struct gk_fdt src;
	struct gk_err e;
	uint8_t *out;

	tables(t, keep);
	source(&src, old);
	assert_int_equal(kx_dtb_build(&src, &a, &out, len, &e), 0);
	gk_fdt_free(&src);
	assert_int_equal(fdt_check_full(out, *len), 0);
	return out;
}

/* the next child of /reserved-memory other than the old gic-lpi@1000 */
static int next_ours(const void *fdt, int node)
{
	while (node >= 0 &&
	       !strcmp(fdt_get_name(fdt, node, NULL), "gic-lpi@1000"))
		node = fdt_next_subnode(fdt, node);
	return node;
}

static void same_node(const void *a, int na, const void *b, int nb)
{
	int pa, pb;

	assert_string_equal(fdt_get_name(a, na, NULL),
			    fdt_get_name(b, nb, NULL));
	pa = fdt_first_property_offset(a, na);
	pb = fdt_first_property_offset(b, nb);
	while (pa >= 0 && pb >= 0) {
		const char *sa, *sb;
		const void *va, *vb;
		int la, lb;

		va = fdt_getprop_by_offset(a, pa, &sa, &la);
		vb = fdt_getprop_by_offset(b, pb, &sb, &lb);
		assert_string_equal(sa, sb);
		assert_int_equal(la, lb);
		assert_memory_equal(va, vb, (size_t)la);
		pa = fdt_next_property_offset(a, pa);
		pb = fdt_next_property_offset(b, pb);
	}
	assert_int_equal(pa, pb);
}

/*
 * Many tables are written at once; a node already there makes them be
 * added one by one. Both give the same nodes in the same order, with the
 * same properties in the same order.
 */
static void test_many_tables(void **state)
{
	uint8_t *fast, *slow;
	size_t lf, ls;
	int rf, rs, nf, ns, n = 0;

	(void)state;
	fast = build(false, &lf);
	slow = build(true, &ls);
	rf = fdt_path_offset(fast, "/reserved-memory");
	rs = fdt_path_offset(slow, "/reserved-memory");
	assert_true(rf >= 0 && rs >= 0);
	same_node(fast, rf, slow, rs);
	nf = fdt_first_subnode(fast, rf);
	ns = next_ours(slow, fdt_first_subnode(slow, rs));
	while (nf >= 0 && ns >= 0) {
		same_node(fast, nf, slow, ns);
		nf = fdt_next_subnode(fast, nf);
		ns = next_ours(slow, fdt_next_subnode(slow, ns));
		n++;
	}
	assert_int_equal(nf, ns);
	assert_int_equal(n, NT);
	/* the last table added is the first node, as libfdt adds them */
	assert_string_equal(fdt_get_name(fast, fdt_first_subnode(fast, rf),
					 NULL),
			    "gic-lpi-pend@80c60000");
	assert_int_equal(lf + 16 + 16 + 20, ls); /* gic-lpi@1000 */
	free(fast);
	free(slow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
