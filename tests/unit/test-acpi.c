// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "acpi.h"
#include "testutil.h"

#define NAME "/sys/firmware/acpi/tables/APIC"

/* A MADT built byte by byte: header, then structures appended. */
struct mb {
	uint8_t buf[4096];
	size_t len;
};

static void mb_init(struct mb *b)
{
	memset(b, 0, sizeof(*b));
	memcpy(b->buf, "APIC", 4);
	b->buf[8] = 4; /* revision */
	/* OEM and creator IDs and revisions as QEMU writes them */
	memcpy(b->buf + 10, "BOCHS BXPC    \1\0\0\0BXPC\1", 23);
	b->len = 44; /* LocalInterruptControllerAddress, Flags: 0 */
}

static uint8_t *mb_add(struct mb *b, uint8_t type, uint8_t len)
{
	uint8_t *p = b->buf + b->len;

	assert_true(b->len + len <= sizeof(b->buf));
	p[0] = type;
	p[1] = len;
	b->len += len;
	return p;
}

static void mb_gicc(struct mb *b, uint8_t len, uint32_t iface, uint32_t flags,
		    uint64_t gicr, uint64_t mpidr)
{
	uint8_t *p = mb_add(b, 0x0b, len);

	tu_put32(p + 4, iface);
	tu_put32(p + 8, iface); /* UID */
	tu_put32(p + 12, flags);
	tu_put32(p + 20, 23); /* PMU interrupt */
	tu_put64(p + 60, gicr);
	tu_put64(p + 68, mpidr);
}

static void mb_gicd(struct mb *b, uint64_t base, uint8_t version)
{
	uint8_t *p = mb_add(b, 0x0c, 24);

	tu_put64(p + 8, base);
	p[20] = version;
}

static void mb_gicr(struct mb *b, uint64_t base, uint32_t len)
{
	uint8_t *p = mb_add(b, 0x0e, 16);

	tu_put64(p + 4, base);
	tu_put32(p + 12, len);
}

static void mb_its(struct mb *b, uint32_t id, uint64_t base)
{
	uint8_t *p = mb_add(b, 0x0f, 20);

	tu_put32(p + 4, id);
	tu_put64(p + 8, base);
}

/* Length and checksum: the byte sum of the whole table is 0. */
static void fix_checksum(uint8_t *buf, size_t len)
{
	uint8_t sum = 0;

	buf[9] = 0;
	for (size_t i = 0; i < len; i++)
		sum += buf[i];
	buf[9] = (uint8_t)-sum;
}

static void mb_finish(struct mb *b)
{
	tu_put32(b->buf + 4, (uint32_t)b->len);
	fix_checksum(b->buf, b->len);
}

/*
 * QEMU virt with -M gic-version=3 and two CPUs: byte for byte the APIC
 * table of tests/data/qemu-efi-acpi-debian12 (QEMU 7.2).
 */
static void qemu_virt(struct mb *b)
{
	mb_init(b);
	mb_gicd(b, 0x8000000, 3);
	mb_gicc(b, 80, 0, MADT_GICC_ENABLED, 0, 0);
	mb_gicc(b, 80, 1, MADT_GICC_ENABLED, 0, 1);
	mb_gicr(b, 0x80a0000, 0xf60000);
	mb_its(b, 0, 0x8080000);
	mb_finish(b);
}

static struct madt *parse_ok(const struct mb *b)
{
	struct madt *m = NULL;
	struct gk_err e = { 0 };
	int ret = madt_parse(b->buf, b->len, NAME, &m, &e);

	if (ret)
		fail_msg("%s", e.msg);
	assert_non_null(m);
	return m;
}

static void test_qemu_virt(void **state)
{
	struct gic_layout lay;
	struct gk_err e;
	struct madt *m;
	struct mb b;

	(void)state;
	qemu_virt(&b);
	assert_int_equal(b.len, 264);
	assert_int_equal(b.buf[9], 0xfa); /* the same checksum as QEMU's */
	m = parse_ok(&b);
	assert_int_equal(m->revision, 4);
	assert_string_equal(m->name, NAME);
	assert_true(m->gicd_base == 0x8000000);
	assert_int_equal(m->gic_version, 3);
	assert_int_equal(m->ngicc, 2);
	assert_int_equal(m->gicc[0].offset, 0x44);
	assert_true(m->gicc[1].cpu_iface == 1 && m->gicc[1].uid == 1 &&
		    m->gicc[1].mpidr == 1 && !m->gicc[1].gicr_base &&
		    m->gicc[1].flags == MADT_GICC_ENABLED);
	assert_int_equal(m->ngicr, 1);
	assert_true(m->gicr[0].start == 0x80a0000 &&
		    m->gicr[0].end == 0x8ffffff);
	assert_int_equal(m->nits, 1);
	assert_true(m->its[0].id == 0 && m->its[0].base == 0x8080000);

	assert_int_equal(gic_layout_from_madt(m, &lay, &e), 0);
	assert_true(lay.dist == 0x8000000);
	assert_int_equal(lay.nrdregions, 1);
	assert_true(lay.rdregions[0].start == 0x80a0000 &&
		    lay.rdregions[0].end == 0x8ffffff);
	assert_false(lay.rd_per_region);
	assert_true(lay.rdstride == 0);
	assert_int_equal(lay.nits, 1);
	assert_true(lay.its[0] == 0x8080000);
	assert_string_equal(lay.source, "MADT");
	gic_layout_free(&lay);
	madt_free(m);
}

/* GICR structures win over GICC bases, as in the kernel. */
static void test_gicr_wins(void **state)
{
	struct gic_layout lay;
	struct gk_err e;
	struct madt *m;
	struct mb b;

	(void)state;
	mb_init(&b);
	mb_gicd(&b, 0x2f000000, 0);
	mb_gicc(&b, 80, 0, MADT_GICC_ENABLED, 0x2f100000, 0);
	mb_gicr(&b, 0x2f100000, 0x100000);
	mb_gicr(&b, 0x1002f100000ull, 0x100000);
	mb_finish(&b);
	m = parse_ok(&b);
	assert_int_equal(m->gic_version, 0);
	assert_int_equal(gic_layout_from_madt(m, &lay, &e), 0);
	assert_int_equal(lay.nrdregions, 2);
	assert_false(lay.rd_per_region);
	assert_true(lay.rdregions[1].start == 0x1002f100000ull &&
		    lay.rdregions[1].end == 0x1002f1fffffull);
	assert_int_equal(lay.nits, 0);
	assert_null(lay.its);
	gic_layout_free(&lay);
	madt_free(m);
}

/* Four CPUs with their own RDs; GICCs of the 5.1, 6.0 and 6.5 sizes. */
static void gicc_only(struct mb *b, uint8_t version, uint64_t step)
{
	static const uint64_t mpidr[] = { 0x0, 0x1, 0x100, 0x8080010203ull };
	static const uint8_t len[] = { 76, 80, 82, 80 };

	mb_init(b);
	mb_gicd(b, 0x2f000000, version);
	for (uint32_t i = 0; i < 4; i++) {
		mb_gicc(b, len[i], i, MADT_GICC_ENABLED, 0x2f100000 + i * step,
			mpidr[i]);
		if (i == 1) /* disabled, no RD: must be ignored */
			mb_gicc(b, 80, 9, MADT_GICC_ONLINE_CAPABLE, 0, 0x900);
	}
	mb_its(b, 7, 0x2f020000);
	mb_its(b, 8, 0x2f040000);
	mb_finish(b);
}

static void test_gicc_only(void **state)
{
	struct gic_layout lay;
	struct gk_err e;
	struct madt *m;
	struct mb b;

	(void)state;
	gicc_only(&b, 3, 0x20000);
	m = parse_ok(&b);
	assert_int_equal(m->ngicc, 5);
	assert_int_equal(m->ngicr, 0);
	assert_null(m->gicr);
	assert_true(m->gicc[2].cpu_iface == 9 &&
		    m->gicc[2].flags == MADT_GICC_ONLINE_CAPABLE);
	assert_int_equal(m->nits, 2);
	assert_true(m->its[1].id == 8 && m->its[1].base == 0x2f040000);
	assert_int_equal(gic_layout_from_madt(m, &lay, &e), 0);
	assert_true(lay.dist == 0x2f000000);
	assert_true(lay.rd_per_region);
	assert_int_equal(lay.nrdregions, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_true(lay.rdregions[i].start == 0x2f100000 + i * 0x20000);
		assert_true(lay.rdregions[i].end ==
			    0x2f100000 + i * 0x20000 + 0x1ffff);
	}
	assert_int_equal(lay.nits, 2);
	assert_true(lay.its[0] == 0x2f020000 && lay.its[1] == 0x2f040000);
	gic_layout_free(&lay);
	madt_free(m);
}

/*
 * An enabled CPU without a GICR base: Linux 6.11 and later boot and leave
 * it without a redistributor (older ones fail the GIC probe); the others
 * keep theirs.
 */
static void test_gicc_missing_base(void **state)
{
	struct gic_layout lay;
	struct gk_err e;
	struct madt *m;
	struct mb b;

	(void)state;
	mb_init(&b);
	mb_gicd(&b, 0x2f000000, 3);
	mb_gicc(&b, 80, 0, MADT_GICC_ENABLED, 0x2f100000, 0);
	mb_gicc(&b, 80, 1, MADT_GICC_ENABLED, 0, 1);
	mb_finish(&b);
	m = parse_ok(&b);
	assert_int_equal(gic_layout_from_madt(m, &lay, &e), 0);
	assert_int_equal(lay.nrdregions, 1);
	assert_true(lay.rdregions[0].start == 0x2f100000);
	gic_layout_free(&lay);
	madt_free(m);
}

static void test_gicv4(void **state)
{
	struct gic_layout lay;
	struct gk_err e;
	struct madt *m;
	struct mb b;

	(void)state;
	gicc_only(&b, 4, 0x40000);
	m = parse_ok(&b);
	assert_int_equal(m->gic_version, 4);
	assert_int_equal(gic_layout_from_madt(m, &lay, &e), 0);
	assert_int_equal(lay.nrdregions, 4);
	assert_true(lay.rdregions[3].start == 0x2f100000 + 3 * 0x40000 &&
		    lay.rdregions[3].end == 0x2f100000 + 4 * 0x40000 - 1);
	gic_layout_free(&lay);
	madt_free(m);
}

/* The layout drives the RD walk; affinities map the CPUs to the RDs. */
static void test_gicc_walk(void **state)
{
	char *dir = tu_mkdtemp();
	struct physmem *pm;
	struct gic_layout lay;
	struct gic_rd *rds;
	struct sysroot *sr;
	struct gk_err e;
	struct madt *m;
	struct mb b;
	size_t n;

	(void)state;
	gicc_only(&b, 3, 0x20000);
	m = parse_ok(&b);
	for (size_t i = 0, k = 0; i < m->ngicc; i++) {
		uint64_t rd = m->gicc[i].gicr_base, typer;
		uint8_t v[8];

		if (!(m->gicc[i].flags & MADT_GICC_ENABLED))
			continue;
		/* no Last anywhere: one RD per region all the same */
		typer = (uint64_t)madt_mpidr_to_affinity(m->gicc[i].mpidr)
				<< 32 |
			k++ << 8 | GICR_TYPER_PLPIS;
		tu_put32(v, 0x3b);
		assert_int_equal(tu_pwrite(dir, "dev/mem", v, 4,
					   (off_t)(rd + 0xffe8)),
				 0);
		tu_put64(v, typer);
		assert_int_equal(
			tu_pwrite(dir, "dev/mem", v, 8, (off_t)(rd + 8)), 0);
	}
	assert_int_equal(gic_layout_from_madt(m, &lay, &e), 0);
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(physmem_open(sr, 0, &pm, &e), 0);
	assert_int_equal(gic_walk_rds(pm, &lay, &rds, &n, &e), 0);
	assert_int_equal(n, 4);
	assert_true(GICR_TYPER_AFFINITY(rds[3].typer) == 0x80010203);
	assert_true(rds[3].base == 0x2f160000 && rds[3].region == 3);
	assert_int_equal(GICR_TYPER_PROCNUM(rds[2].typer), 2);
	free(rds);
	physmem_close(pm);
	sysroot_free(sr);
	gic_layout_free(&lay);
	madt_free(m);
	tu_rmtree(dir);
}

static void test_affinity(void **state)
{
	(void)state;
	assert_int_equal(madt_mpidr_to_affinity(0), 0);
	assert_int_equal(madt_mpidr_to_affinity(0x80000001ull), 1); /* U=0,M */
	assert_int_equal(madt_mpidr_to_affinity(0x81010100ull), 0x10100);
	assert_int_equal(madt_mpidr_to_affinity(0xff00ffffffull), 0xffffffff);
	assert_int_equal(madt_mpidr_to_affinity(0xffffff0000000000ull), 0);
}

/* Other structure types (GIC MSI frame, vendor ones) are stepped over. */
static void test_other_types(void **state)
{
	struct madt *m;
	struct mb b;

	(void)state;
	mb_init(&b);
	mb_add(&b, 0x0d, 24); /* GIC MSI frame */
	mb_gicd(&b, 0x8000000, 3);
	mb_add(&b, 0x80, 2); /* OEM, bare header */
	mb_add(&b, 0x11, 255);
	mb_gicr(&b, 0x80a0000, 0x20000);
	mb_finish(&b);
	m = parse_ok(&b);
	assert_int_equal(m->ngicc, 0);
	assert_int_equal(m->ngicr, 1);
	assert_int_equal(m->nits, 0);
	madt_free(m);
}

/* A bad table: the code, the exact message, and no output. */
static void expect_bad(const uint8_t *buf, size_t len, int code,
		       const char *msg)
{
	struct madt *m = NULL;
	struct gk_err e = { 0 };

	assert_int_equal(madt_parse(buf, len, NAME, &m, &e), code);
	assert_int_equal(e.code, code);
	assert_string_equal(e.msg, msg);
	assert_null(m);
	/* and without a place for the message */
	assert_int_equal(madt_parse(buf, len, NAME, &m, NULL), code);
	assert_null(m);
}

static void test_bad_header(void **state)
{
	struct mb b;

	(void)state;
	qemu_virt(&b);
	memcpy(b.buf, "FACP", 4);
	expect_bad(b.buf, b.len, -GK_ERR_FORMAT,
		   NAME ": signature \"FACP\", not \"APIC\"");
	memcpy(b.buf, "AP\"\x01", 4);
	expect_bad(b.buf, b.len, -GK_ERR_FORMAT,
		   NAME ": signature \"AP\\x22\\x01\", not \"APIC\"");

	qemu_virt(&b);
	expect_bad(b.buf, 20, -GK_ERR_FORMAT,
		   NAME ": 20 bytes, shorter than the 44-byte MADT header");
	expect_bad(b.buf, 0, -GK_ERR_FORMAT,
		   NAME ": 0 bytes, shorter than the 44-byte MADT header");
	/* a table cut short, and a file with more than the table */
	expect_bad(b.buf, b.len - 1, -GK_ERR_FORMAT,
		   NAME ": table length 264 but the file has 263 bytes");
	expect_bad(b.buf, b.len + 1, -GK_ERR_FORMAT,
		   NAME ": table length 264 but the file has 265 bytes");
	tu_put32(b.buf + 4, 4096);
	fix_checksum(b.buf, b.len);
	expect_bad(b.buf, b.len, -GK_ERR_FORMAT,
		   NAME ": table length 4096 but the file has 264 bytes");
}

static void test_bad_checksum(void **state)
{
	char want[256];
	struct mb b;

	(void)state;
	qemu_virt(&b);
	b.buf[24] += 0x12; /* OEM revision */
	snprintf(
		want, sizeof(want),
		NAME
		": checksum is 0x12, not 0 (the Checksum byte 0x%02x should be 0x%02x)",
		b.buf[9], (uint8_t)(b.buf[9] - 0x12));
	expect_bad(b.buf, b.len, -GK_ERR_FORMAT, want);
}

static void test_bad_structs(void **state)
{
	struct mb b;

	(void)state;
	/* zero length: the kernel's walk would never move on */
	mb_init(&b);
	mb_gicd(&b, 0x8000000, 3);
	b.buf[45] = 0;
	mb_finish(&b);
	expect_bad(b.buf, b.len, -GK_ERR_FORMAT,
		   NAME ": offset 0x2c: structure length 0");

	mb_init(&b);
	mb_gicd(&b, 0x8000000, 3);
	mb_add(&b, 0x7f, 2)[1] = 1;
	b.len++;
	mb_finish(&b);
	expect_bad(
		b.buf, b.len, -GK_ERR_FORMAT,
		NAME
		": offset 0x44: structure length 1, shorter than its 2-byte header");

	/* the last structure runs past the end */
	qemu_virt(&b);
	b.buf[b.len - 20 + 1] = 21;
	fix_checksum(b.buf, b.len);
	expect_bad(
		b.buf, b.len, -GK_ERR_FORMAT,
		NAME
		": offset 0xf4: structure type 0x0f length 21 runs past the table end at 0x108");

	/* one stray byte after the last structure */
	qemu_virt(&b);
	b.len++;
	mb_finish(&b);
	expect_bad(
		b.buf, b.len, -GK_ERR_FORMAT,
		NAME
		": offset 0x108: 1 byte left, too short for a structure header");
}

static void test_short_structs(void **state)
{
	struct mb b;

	(void)state;
	mb_init(&b);
	mb_gicd(&b, 0x8000000, 3);
	mb_gicc(&b, 72, 0, MADT_GICC_ENABLED, 0x80a0000, 0);
	mb_finish(&b);
	expect_bad(b.buf, b.len, -GK_ERR_FORMAT,
		   NAME
		   ": offset 0x44: GICC structure length 72, shorter than 76");

	mb_init(&b);
	mb_add(&b, 0x0c, 20);
	mb_finish(&b);
	expect_bad(b.buf, b.len, -GK_ERR_FORMAT,
		   NAME
		   ": offset 0x2c: GICD structure length 20, shorter than 24");

	mb_init(&b);
	mb_gicd(&b, 0x8000000, 3);
	mb_add(&b, 0x0e, 15);
	mb_finish(&b);
	expect_bad(b.buf, b.len, -GK_ERR_FORMAT,
		   NAME
		   ": offset 0x44: GICR structure length 15, shorter than 16");

	mb_init(&b);
	mb_gicd(&b, 0x8000000, 3);
	mb_add(&b, 0x0f, 16);
	mb_finish(&b);
	expect_bad(
		b.buf, b.len, -GK_ERR_FORMAT,
		NAME
		": offset 0x44: GIC ITS structure length 16, shorter than 20");
}

static void test_bad_gicd_gicr(void **state)
{
	struct mb b;

	(void)state;

	mb_init(&b);
	mb_gicd(&b, 0x8000000, 3);
	mb_gicd(&b, 0x9000000, 3);
	mb_finish(&b);
	expect_bad(
		b.buf, b.len, -GK_ERR_FORMAT,
		NAME
		": offset 0x44: second GICD structure (the first is at offset 0x2c)");

	mb_init(&b);
	mb_gicd(&b, 0x8000000, 3);
	mb_gicr(&b, 0x80a0000, 0);
	mb_finish(&b);
	expect_bad(
		b.buf, b.len, -GK_ERR_FORMAT,
		NAME
		": offset 0x44: GICR discovery range 0x80a0000 length 0x0 is empty or wraps");

	mb_init(&b);
	mb_gicd(&b, 0x8000000, 3);
	mb_gicr(&b, 0xffffffffffff0000ull, 0x20000);
	mb_finish(&b);
	expect_bad(
		b.buf, b.len, -GK_ERR_FORMAT,
		NAME
		": offset 0x44: GICR discovery range 0xffffffffffff0000 length 0x20000 is empty or wraps");
}

/* GICD, then @n bare structures */
static uint8_t *many(size_t n, size_t *len)
{
	uint8_t *buf;

	*len = 44 + 24 + n * 2;
	buf = calloc(1, *len);
	assert_non_null(buf);
	memcpy(buf, "APIC", 4);
	tu_put32(buf + 4, (uint32_t)*len);
	buf[44] = 0x0c;
	buf[45] = 24;
	for (size_t i = 0; i < n; i++) {
		buf[68 + 2 * i] = 0x7f;
		buf[68 + 2 * i + 1] = 2;
	}
	fix_checksum(buf, *len);
	return buf;
}

static void test_bounds(void **state)
{
	char want[256];
	struct madt *m;
	struct gk_err e;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = many(MADT_MAX_STRUCTS - 1, &len);
	assert_int_equal(madt_parse(buf, len, NAME, &m, &e), 0);
	madt_free(m);
	free(buf);

	buf = many(MADT_MAX_STRUCTS, &len);
	snprintf(
		want, sizeof(want),
		NAME
		": offset 0x%zx: more than 65536 interrupt controller structures",
		len - 2);
	expect_bad(buf, len, -GK_ERR_TOOBIG, want);
	free(buf);

	len = MADT_MAX_SIZE + 1;
	buf = calloc(1, len);
	assert_non_null(buf);
	memcpy(buf, "APIC", 4);
	expect_bad(buf, len, -GK_ERR_TOOBIG,
		   NAME ": 1048577 bytes, over the 1048576-byte limit");
	free(buf);
}

static void expect_layout_fails(const struct mb *b, int code, const char *msg)
{
	struct gic_layout lay;
	struct gk_err e = { 0 };
	struct madt *m = parse_ok(b);

	memset(&lay, 0xa5, sizeof(lay));
	assert_int_equal(gic_layout_from_madt(m, &lay, &e), code);
	assert_int_equal(e.code, code);
	assert_string_equal(e.msg, msg);
	assert_null(lay.rdregions);
	assert_null(lay.its);
	assert_int_equal(lay.nrdregions, 0);
	madt_free(m);
}

static void test_layout_errors(void **state)
{
	struct mb b;

	(void)state;
	mb_init(&b);
	mb_gicd(&b, 0x2f000000, 3);
	mb_gicc(&b, 80, 0, 0, 0x2f100000, 0);
	mb_gicc(&b, 80, 1, MADT_GICC_ENABLED, 0, 1);
	mb_finish(&b);
	expect_layout_fails(
		&b, -GK_ERR_NOTFOUND,
		NAME
		": no redistributors: no GICR structure and no enabled GICC with a GICR base");

	mb_init(&b);
	mb_gicd(&b, 0x2f000000, 3);
	mb_gicc(&b, 80, 0, MADT_GICC_ENABLED, 0xfffffffffffe1000ull, 0);
	mb_finish(&b);
	expect_layout_fails(
		&b, -GK_ERR_RANGE,
		NAME
		": offset 0x44: GICR base 0xfffffffffffe1000 of CPU interface 0 wraps past 2^64");

	/* no GICD: an x86 MADT reads, and lays out no GIC */
	mb_init(&b);
	mb_gicc(&b, 80, 0, MADT_GICC_ENABLED, 0x80a0000, 0);
	mb_gicr(&b, 0x80a0000, 0x20000);
	mb_finish(&b);
	expect_layout_fails(
		&b, -GK_ERR_NOTFOUND,
		NAME ": no GICD structure: the MADT describes no Arm GIC");

	/* a GICv2 has no redistributors to speak of */
	mb_init(&b);
	mb_gicd(&b, 0x2c001000, 2);
	mb_gicc(&b, 80, 0, MADT_GICC_ENABLED, 0, 0);
	mb_finish(&b);
	expect_layout_fails(
		&b, -GK_ERR_NOTFOUND,
		NAME ": the GICD structure says GIC version 2, not 3 or 4");
}

/*
 * GICD version 0 ("not specified"): the kernel's GICv3 driver takes the
 * GIC only when the MADT names redistributors, else the GICv2 one does.
 */
static void test_version_unstated(void **state)
{
	struct madt *m;
	struct mb b;

	(void)state;
	/* GICR structures */
	mb_init(&b);
	mb_gicd(&b, 0x2f000000, 0);
	mb_gicc(&b, 80, 0, MADT_GICC_ENABLED, 0, 0);
	mb_gicr(&b, 0x2f100000, 0x100000);
	mb_finish(&b);
	m = parse_ok(&b);
	assert_int_equal(madt_gic_version(m), 3);
	madt_free(m);

	/* a GICC with a GICR base, after one without */
	mb_init(&b);
	mb_gicd(&b, 0x2f000000, 0);
	mb_gicc(&b, 80, 0, MADT_GICC_ENABLED, 0, 0);
	mb_gicc(&b, 80, 1, MADT_GICC_ENABLED, 0x2f120000, 1);
	mb_finish(&b);
	m = parse_ok(&b);
	assert_int_equal(madt_gic_version(m), 3);
	madt_free(m);

	/* neither: a GICv2, and no layout, with the reason */
	mb_init(&b);
	mb_gicd(&b, 0x2c001000, 0);
	mb_gicc(&b, 80, 0, MADT_GICC_ENABLED, 0, 0);
	mb_gicc(&b, 80, 1, MADT_GICC_ENABLED, 0, 1);
	mb_finish(&b);
	m = parse_ok(&b);
	assert_int_equal(madt_gic_version(m), 2);
	madt_free(m);
	expect_layout_fails(
		&b, -GK_ERR_NOTFOUND,
		NAME
		": GIC version not given by the MADT; no redistributor in it: GICv2");

	/* a stated version is the version; no GICD is no GIC */
	mb_init(&b);
	mb_gicd(&b, 0x2f000000, 4);
	mb_finish(&b);
	m = parse_ok(&b);
	assert_int_equal(madt_gic_version(m), 4);
	madt_free(m);
	mb_init(&b);
	mb_gicc(&b, 80, 0, MADT_GICC_ENABLED, 0x2f100000, 0);
	mb_finish(&b);
	m = parse_ok(&b);
	assert_int_equal(madt_gic_version(m), 0);
	madt_free(m);
}

static void test_load(void **state)
{
	char *dir = tu_mkdtemp();
	struct sysroot *sr;
	struct gk_err e;
	struct madt *m;
	char want[8192];
	struct mb b;

	(void)state;
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	/* a device tree boot has no MADT */
	assert_int_equal(madt_load(sr, &m, &e), -GK_ERR_NOENT);
	assert_int_equal(e.code, -GK_ERR_NOENT);

	qemu_virt(&b);
	assert_int_equal(tu_pwrite(dir, "sys/firmware/acpi/tables/APIC", b.buf,
				   b.len, 0),
			 0);
	assert_int_equal(madt_load(sr, &m, &e), 0);
	snprintf(want, sizeof(want), "%s%s", dir, MADT_PATH);
	assert_string_equal(m->name, want);
	assert_int_equal(m->ngicc, 2);
	assert_int_equal(m->ngicr, 1);
	madt_free(m);

	/* messages name the file in the snapshot */
	b.buf[45] = 0;
	fix_checksum(b.buf, b.len);
	assert_int_equal(tu_pwrite(dir, "sys/firmware/acpi/tables/APIC", b.buf,
				   b.len, 0),
			 0);
	assert_int_equal(madt_load(sr, &m, &e), -GK_ERR_FORMAT);
	snprintf(want, sizeof(want), "%s%s: offset 0x2c: structure length 0",
		 dir, MADT_PATH);
	assert_string_equal(e.msg, want);
	sysroot_free(sr);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_virt),
		cmocka_unit_test(test_gicr_wins),
		cmocka_unit_test(test_gicc_only),
		cmocka_unit_test(test_gicc_missing_base),
		cmocka_unit_test(test_gicv4),
		cmocka_unit_test(test_gicc_walk),
		cmocka_unit_test(test_affinity),
		cmocka_unit_test(test_other_types),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_bad_structs),
		cmocka_unit_test(test_short_structs),
		cmocka_unit_test(test_bad_gicd_gicr),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_layout_errors),
		cmocka_unit_test(test_version_unstated),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
