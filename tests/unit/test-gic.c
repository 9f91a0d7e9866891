// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libfdt.h>

#include "gic.h"
#include "testutil.h"

/* QEMU virt's GIC, optionally under a /soc bus that moves it up 4 GiB. */
static void make_dtb(const char *dir, bool soc, uint32_t nregions,
		     uint64_t stride)
{
	static uint8_t fdt[4096];
	assert_int_equal(fdt_create(fdt, sizeof(fdt)), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_u32(fdt, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(fdt, "#size-cells", 2), 0);
	if (soc) {
		/* child 0x0 (1 cell) -> parent 0x1_0000_0000, 256 MiB */
		const fdt32_t ranges[] = { cpu_to_fdt32(0), cpu_to_fdt32(1),
					   cpu_to_fdt32(0),
					   cpu_to_fdt32(0x10000000) };

		assert_int_equal(fdt_begin_node(fdt, "soc"), 0);
		assert_int_equal(fdt_property_u32(fdt, "#address-cells", 1), 0);
		assert_int_equal(fdt_property_u32(fdt, "#size-cells", 1), 0);
		assert_int_equal(
			fdt_property(fdt, "ranges", ranges, sizeof(ranges)), 0);
	}
	assert_int_equal(fdt_begin_node(fdt, "intc@8000000"), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "arm,gic-v3"),
			 0);
	if (soc) {
		const fdt32_t reg[] = { cpu_to_fdt32(0x8000000),
					cpu_to_fdt32(0x10000),
					cpu_to_fdt32(0x80a0000),
					cpu_to_fdt32(0x40000) };

		assert_int_equal(fdt_property(fdt, "reg", reg, sizeof(reg)), 0);
	} else {
		const fdt64_t reg[] = {
			cpu_to_fdt64(0x8000000), cpu_to_fdt64(0x10000),
			cpu_to_fdt64(0x80a0000), cpu_to_fdt64(0x40000),
			cpu_to_fdt64(0x9000000), cpu_to_fdt64(0x20000),
		};
		const fdt64_t ireg[] = { cpu_to_fdt64(0x8080000),
					 cpu_to_fdt64(0x20000) };

		assert_int_equal(fdt_property(fdt, "reg", reg,
					      (2 + 2 * nregions) * 8),
				 0);
		assert_int_equal(fdt_property_u32(fdt, "#address-cells", 2), 0);
		assert_int_equal(fdt_property_u32(fdt, "#size-cells", 2), 0);
		assert_int_equal(fdt_property(fdt, "ranges", NULL, 0), 0);
		assert_int_equal(fdt_property_u32(fdt, "#redistributor-regions",
						  nregions),
				 0);
		if (stride)
			assert_int_equal(
				fdt_property_u64(fdt, "redistributor-stride",
						 stride),
				0);
		assert_int_equal(fdt_begin_node(fdt, "its@8080000"), 0);
		assert_int_equal(fdt_property_string(fdt, "compatible",
						     "arm,gic-v3-its"),
				 0);
		assert_int_equal(fdt_property(fdt, "reg", ireg, sizeof(ireg)),
				 0);
		assert_int_equal(fdt_end_node(fdt), 0);
	}
	assert_int_equal(fdt_end_node(fdt), 0);
	if (soc)
		assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	assert_int_equal(tu_pwrite(dir, "sys/firmware/fdt", fdt,
				   fdt_totalsize(fdt), 0),
			 0);
}

/* A GICR frame: PIDR2 says GICv3, TYPER as given. */
static void rd_frame(const char *dir, uint64_t base, uint64_t typer)
{
	uint8_t b[8];

	tu_put32(b, 0x3b);
	tu_pwrite(dir, "dev/mem", b, 4, (off_t)(base + 0xffe8));
	tu_put64(b, typer);
	tu_pwrite(dir, "dev/mem", b, 8, (off_t)(base + 8));
	tu_put32(b, 1); /* EnableLPIs */
	tu_pwrite(dir, "dev/mem", b, 4, (off_t)base);
}

static void load(const char *dir, struct sysroot **sr, struct gk_fdt *f,
		 struct gic_layout *lay, int want)
{
	struct gk_err e;

	assert_int_equal(sysroot_new(dir, 0, sr, &e), 0);
	assert_int_equal(gk_fdt_load(*sr, "/sys/firmware/fdt", f, &e), 0);
	assert_int_equal(gic_layout_from_fdt(f, lay, &e), want);
}

static void test_layout(void **state)
{
	char *dir = tu_mkdtemp();
	struct gic_layout lay;
	struct sysroot *sr;
	struct gk_fdt f;

	(void)state;
	make_dtb(dir, false, 2, 0x40000);
	load(dir, &sr, &f, &lay, 0);
	assert_true(lay.dist == 0x8000000);
	assert_int_equal(lay.nrdregions, 2);
	assert_true(lay.rdregions[0].start == 0x80a0000 &&
		    lay.rdregions[0].end == 0x80dffff);
	assert_true(lay.rdregions[1].start == 0x9000000);
	assert_true(lay.rdstride == 0x40000);
	assert_int_equal(lay.nits, 1);
	assert_true(lay.its[0] == 0x8080000);
	assert_string_equal(lay.source, "device tree /intc@8000000");
	gic_layout_free(&lay);
	gk_fdt_free(&f);
	sysroot_free(sr);
	tu_rmtree(dir);
}

static void test_layout_soc(void **state)
{
	char *dir = tu_mkdtemp();
	struct gic_layout lay;
	struct sysroot *sr;
	struct gk_fdt f;

	(void)state;
	make_dtb(dir, true, 1, 0);
	load(dir, &sr, &f, &lay, 0);
	/* translated through /soc's ranges */
	assert_true(lay.dist == 0x108000000ull);
	assert_true(lay.rdregions[0].start == 0x1080a0000ull);
	gic_layout_free(&lay);
	gk_fdt_free(&f);
	sysroot_free(sr);
	tu_rmtree(dir);
}

static void test_walk(void **state)
{
	char *dir = tu_mkdtemp();
	struct physmem *pm;
	struct gic_layout lay;
	struct gic_rd *rds;
	struct sysroot *sr;
	struct gk_fdt f;
	struct gk_err e;
	size_t n;

	(void)state;
	make_dtb(dir, false, 1, 0);
	rd_frame(dir, 0x80a0000, 0x0000000000000001ull); /* PLPIS */
	rd_frame(dir, 0x80c0000, 0x0000000100000111ull); /* Last */
	load(dir, &sr, &f, &lay, 0);
	assert_int_equal(physmem_open(sr, 0, &pm, &e), 0);
	assert_int_equal(gic_walk_rds(pm, &lay, &rds, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_true(rds[0].base == 0x80a0000 && rds[1].base == 0x80c0000);
	assert_int_equal(GICR_TYPER_PROCNUM(rds[1].typer), 1);
	free(rds);
	/* without Last the walk must not run out of the region */
	rd_frame(dir, 0x80c0000, 1);
	rd_frame(dir, 0x80e0000, 1);
	physmem_close(pm);
	assert_int_equal(physmem_open(sr, 0, &pm, &e), 0);
	assert_int_equal(gic_walk_rds(pm, &lay, &rds, &n, &e), -GK_ERR_CORRUPT);
	assert_non_null(strstr(e.msg, "ends before a GICR_TYPER with Last"));
	physmem_close(pm);
	gic_layout_free(&lay);
	gk_fdt_free(&f);
	sysroot_free(sr);
	tu_rmtree(dir);
}

/* gic_walk_rds_each's callback: what it was told, in order */
struct seen {
	uint64_t base[4];
	size_t i[4];
	size_t n;
};

static void saw(struct physmem *pm, const struct gic_rd *rd, size_t i,
		void *arg)
{
	struct seen *s = arg;

	(void)pm;
	assert_true(s->n < 4);
	s->base[s->n] = rd->base;
	s->i[s->n++] = i;
}

/* each RD as it is found, numbered as in the output; also when it fails */
static void test_walk_each(void **state)
{
	char *dir = tu_mkdtemp();
	struct seen s = { 0 };
	struct gic_layout lay;
	struct physmem *pm;
	struct gic_rd *rds;
	struct sysroot *sr;
	struct gk_fdt f;
	struct gk_err e;
	size_t n;

	(void)state;
	make_dtb(dir, false, 2, 0);
	rd_frame(dir, 0x80a0000, 1);
	rd_frame(dir, 0x80c0000, 0x0000000100000111ull); /* Last */
	rd_frame(dir, 0x9000000, 0x0000000200000211ull); /* region 2 */
	load(dir, &sr, &f, &lay, 0);
	assert_int_equal(physmem_open(sr, 0, &pm, &e), 0);
	assert_int_equal(gic_walk_rds_each(pm, &lay, saw, &s, &rds, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(s.n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(s.i[i], i);
		assert_true(s.base[i] == rds[i].base);
	}
	assert_true(rds[2].base == 0x9000000 && rds[2].region == 1);
	free(rds);
	physmem_close(pm);
	/* region 1 without Last: told of its two, then the walk fails */
	rd_frame(dir, 0x80c0000, 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(physmem_open(sr, 0, &pm, &e), 0);
	assert_int_equal(gic_walk_rds_each(pm, &lay, saw, &s, &rds, &n, &e),
			 -GK_ERR_CORRUPT);
	assert_int_equal(s.n, 2);
	assert_true(s.base[1] == 0x80c0000 && s.i[1] == 1);
	physmem_close(pm);
	gic_layout_free(&lay);
	gk_fdt_free(&f);
	sysroot_free(sr);
	tu_rmtree(dir);
}

static void test_walk_unreadable(void **state)
{
	char *dir = tu_mkdtemp();
	struct physmem *pm;
	struct gic_layout lay;
	struct gic_rd *rds;
	struct sysroot *sr;
	struct gk_fdt f;
	struct gk_err e;
	uint64_t v;
	size_t n;

	(void)state;
	make_dtb(dir, false, 1, 0);
	tu_write(dir, "dev/mem.ranges", ""); /* nothing captured */
	tu_pwrite(dir, "dev/mem", "", 1, 0x100000);
	load(dir, &sr, &f, &lay, 0);
	assert_int_equal(physmem_open(sr, 0, &pm, &e), 0);
	assert_int_equal(gic_walk_rds(pm, &lay, &rds, &n, &e),
			 -GK_ERR_UNMAPPED);
	assert_non_null(strstr(e.msg, "GICR_PIDR2 of frame 0x80a0000: "));
	/* only allow-listed registers */
	assert_int_equal(gic_read(pm, 0, GIC_REG_MAX_, &v, &e), -GK_ERR_INVAL);
	physmem_close(pm);
	gic_layout_free(&lay);
	gk_fdt_free(&f);
	sysroot_free(sr);
	tu_rmtree(dir);
}

static void test_no_gic(void **state)
{
	static uint8_t fdt[512];
	char *dir = tu_mkdtemp();
	struct gic_layout lay;
	struct sysroot *sr;
	struct gk_fdt f;

	(void)state;
	assert_int_equal(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
	tu_pwrite(dir, "sys/firmware/fdt", fdt, fdt_totalsize(fdt), 0);
	load(dir, &sr, &f, &lay, -GK_ERR_NOTFOUND);
	gk_fdt_free(&f);
	sysroot_free(sr);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_layout_soc),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_walk_each),
		cmocka_unit_test(test_walk_unreadable),
		cmocka_unit_test(test_no_gic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
