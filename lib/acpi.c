// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "le.h"

/* ACPI table header, then the MADT's two fields, then the structures */
#define ACPI_HDR_LENGTH 4
#define ACPI_HDR_REVISION 8
#define MADT_STRUCTS 44

/* Interrupt controller structure types and the fields read from them */
#define MADT_TYPE_GICC 0x0b
#define MADT_TYPE_GICD 0x0c
#define MADT_TYPE_GICR 0x0e
#define MADT_TYPE_ITS 0x0f

#define GICC_CPU_IFACE 4
#define GICC_UID 8
#define GICC_FLAGS 12
#define GICC_GICR_BASE 60
#define GICC_MPIDR 68
#define GICD_BASE 8
#define GICD_VERSION 20
#define GICR_BASE 4
#define GICR_LENGTH 12
#define ITS_ID 4
#define ITS_BASE 8

#define SZ_64K 0x10000ull

struct madt_type {
	uint8_t type;
	uint8_t min_len;
	const char *name;
};

/*
 * Shortest length of each structure decoded. A GICC is 76 bytes in ACPI
 * 5.1, 80 in 6.0 and 82 in 6.5; like the kernel (ACPI_MADT_GICC_MIN_LENGTH)
 * take anything that reaches the MPIDR, and longer ones from later specs.
 */
static const struct madt_type types[] = {
	{ MADT_TYPE_GICC, 76, "GICC" },
	{ MADT_TYPE_GICD, 24, "GICD" },
	{ MADT_TYPE_GICR, 16, "GICR" },
	{ MADT_TYPE_ITS, 20, "GIC ITS" },
};

/* "NAME: offset 0xOFF: WHAT" */
static int __attribute__((format(printf, 5, 6)))
bad_at(struct gk_err *e, int code, const char *name, size_t off,
       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gk_vfail(e, code, fmt, ap);
	va_end(ap);
	gk_err_prefix(e, "%s: offset 0x%zx", name, off);
	return code;
}

static const struct madt_type *madt_type(uint8_t type)
{
	for (size_t i = 0; i < GK_ARRAY_SIZE(types); i++)
		if (types[i].type == type)
			return &types[i];
	return NULL;
}

/* The signature as text, unprintable bytes escaped, for the message. */
static const char *sig_text(const uint8_t *sig, char buf[17])
{
	char *p = buf;

	for (int i = 0; i < 4; i++) {
		if (sig[i] >= 0x20 && sig[i] < 0x7f && sig[i] != '"' &&
		    sig[i] != '\\')
			*p++ = (char)sig[i];
		else
			p += sprintf(p, "\\x%02x", sig[i]);
	}
	*p = '\0';
	return buf;
}

/* Signature, size and checksum: what acpi_tb_verify_temp_table() checks. */
static int check_header(const uint8_t *buf, size_t len, const char *name,
			struct gk_err *e)
{
	uint32_t tlen;
	uint8_t sum = 0;
	char sig[17];

	if (len > MADT_MAX_SIZE)
		return gk_fail(e, -GK_ERR_TOOBIG,
			       "%s: %zu bytes, over the %u-byte limit", name,
			       len, MADT_MAX_SIZE);
	if (len >= 4 && memcmp(buf, "APIC", 4))
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: signature \"%s\", not \"APIC\"", name,
			       sig_text(buf, sig));
	if (len < MADT_STRUCTS)
		return gk_fail(
			e, -GK_ERR_FORMAT,
			"%s: %zu bytes, shorter than the %u-byte MADT header",
			name, len, MADT_STRUCTS);
	tlen = gk_le32(buf + ACPI_HDR_LENGTH);
	if (tlen != len)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: table length %u but the file has %zu bytes",
			       name, tlen, len);
	for (size_t i = 0; i < len; i++)
		sum += buf[i];
	/* the kernel only warns; a table that fails it is not to be trusted */
	if (sum)
		return gk_fail(
			e, -GK_ERR_FORMAT,
			"%s: checksum is 0x%02x, not 0 (the Checksum byte 0x%02x should be 0x%02x)",
			name, sum, buf[ACPI_HDR_REVISION + 1],
			(uint8_t)(buf[ACPI_HDR_REVISION + 1] - sum));
	return 0;
}

/*
 * The length of the structure at @off, checked to be sane and inside the
 * table so that the walk can neither loop (length 0) nor read past the end.
 */
static int next_struct(const uint8_t *buf, size_t len, const char *name,
		       size_t off, struct gk_err *e)
{
	const struct madt_type *t;
	uint8_t slen;

	if (len - off < 2)
		return bad_at(e, -GK_ERR_FORMAT, name, off,
			      "1 byte left, too short for a structure header");
	slen = buf[off + 1];
	if (!slen)
		return bad_at(e, -GK_ERR_FORMAT, name, off,
			      "structure length 0");
	if (slen < 2)
		return bad_at(
			e, -GK_ERR_FORMAT, name, off,
			"structure length 1, shorter than its 2-byte header");
	if (slen > len - off)
		return bad_at(
			e, -GK_ERR_FORMAT, name, off,
			"structure type 0x%02x length %u runs past the table end at 0x%zx",
			buf[off], slen, len);
	t = madt_type(buf[off]);
	if (t && slen < t->min_len)
		return bad_at(e, -GK_ERR_FORMAT, name, off,
			      "%s structure length %u, shorter than %u",
			      t->name, slen, t->min_len);
	return slen;
}

/* Counts per type from the first pass, so the second fills exact arrays. */
struct madt_counts {
	size_t gicc, gicd, gicr, its;
	size_t gicd_off;
};

static int count_structs(const uint8_t *buf, size_t len, const char *name,
			 struct madt_counts *c, struct gk_err *e)
{
	size_t n = 0;
	int slen;

	memset(c, 0, sizeof(*c));
	for (size_t off = MADT_STRUCTS; off < len; off += (size_t)slen) {
		slen = next_struct(buf, len, name, off, e);
		if (slen < 0)
			return slen;
		if (++n > MADT_MAX_STRUCTS)
			return bad_at(
				e, -GK_ERR_TOOBIG, name, off,
				"more than %u interrupt controller structures",
				MADT_MAX_STRUCTS);
		switch (buf[off]) {
		case MADT_TYPE_GICC:
			c->gicc++;
			break;
		case MADT_TYPE_GICD:
			/* the spec allows one; which would the kernel use? */
			if (c->gicd++)
				return bad_at(
					e, -GK_ERR_FORMAT, name, off,
					"second GICD structure (the first is at offset 0x%zx)",
					c->gicd_off);
			c->gicd_off = off;
			break;
		case MADT_TYPE_GICR:
			c->gicr++;
			break;
		case MADT_TYPE_ITS:
			c->its++;
			break;
		}
	}
	return 0;
}

static void decode_gicc(struct madt *m, const uint8_t *p, size_t off)
{
	struct madt_gicc *g = &m->gicc[m->ngicc++];

	g->cpu_iface = gk_le32(p + GICC_CPU_IFACE);
	g->uid = gk_le32(p + GICC_UID);
	g->flags = gk_le32(p + GICC_FLAGS);
	g->gicr_base = gk_le64(p + GICC_GICR_BASE);
	g->mpidr = gk_le64(p + GICC_MPIDR);
	g->offset = (uint32_t)off;
}

static int decode_gicr(struct madt *m, const uint8_t *p, size_t off,
		       struct gk_err *e)
{
	uint64_t base = gk_le64(p + GICR_BASE);
	uint32_t size = gk_le32(p + GICR_LENGTH);

	/* the kernel would ioremap() nothing, or wrap, and fail the probe */
	if (!gk_range_from_len(&m->gicr[m->ngicr], base, size))
		return bad_at(
			e, -GK_ERR_FORMAT, m->name, off,
			"GICR discovery range 0x%llx length 0x%x is empty or wraps",
			(unsigned long long)base, size);
	m->ngicr++;
	return 0;
}

static int decode_structs(struct madt *m, const uint8_t *buf, size_t len,
			  struct gk_err *e)
{
	struct madt_its *its;
	size_t off;
	int ret;

	/* lengths were all checked by count_structs() */
	for (off = MADT_STRUCTS; off < len; off += buf[off + 1]) {
		const uint8_t *p = buf + off;

		switch (p[0]) {
		case MADT_TYPE_GICC:
			decode_gicc(m, p, off);
			break;
		case MADT_TYPE_GICD:
			m->gicd = true;
			m->gicd_base = gk_le64(p + GICD_BASE);
			m->gic_version = p[GICD_VERSION];
			break;
		case MADT_TYPE_GICR:
			ret = decode_gicr(m, p, off, e);
			if (ret < 0)
				return ret;
			break;
		case MADT_TYPE_ITS:
			its = &m->its[m->nits++];
			its->id = gk_le32(p + ITS_ID);
			its->base = gk_le64(p + ITS_BASE);
			break;
		}
	}
	return 0;
}

/* calloc() that tolerates a count of 0 by returning NULL successfully */
static bool alloc_array(void **p, size_t n, size_t size)
{
	*p = n ? calloc(n, size) : NULL;
	return !n || *p;
}

int madt_parse(const uint8_t *buf, size_t len, const char *name,
	       struct madt **out, struct gk_err *e)
{
	struct madt_counts c;
	struct madt *m;
	int ret;

	ret = check_header(buf, len, name, e);
	if (!ret)
		ret = count_structs(buf, len, name, &c, e);
	if (ret < 0)
		return ret;
	m = calloc(1, sizeof(*m));
	if (!m || !alloc_array((void **)&m->gicc, c.gicc, sizeof(*m->gicc)) ||
	    !alloc_array((void **)&m->gicr, c.gicr, sizeof(*m->gicr)) ||
	    !alloc_array((void **)&m->its, c.its, sizeof(*m->its))) {
		madt_free(m);
		return gk_fail(e, -GK_ERR_NOMEM, "%s: out of memory", name);
	}
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->revision = buf[ACPI_HDR_REVISION];
	ret = decode_structs(m, buf, len, e);
	if (ret < 0) {
		madt_free(m);
		return ret;
	}
	*out = m;
	return 0;
}

int madt_load(const struct sysroot *sr, struct madt **out, struct gk_err *e)
{
	char name[4096];
	size_t len;
	char *buf;
	int ret;

	ret = sysroot_read_file(sr, MADT_PATH, MADT_MAX_SIZE, &buf, &len, e);
	if (ret < 0)
		return ret;
	ret = madt_parse((const uint8_t *)buf, len,
			 sysroot_name(sr, MADT_PATH, name, sizeof(name)), out,
			 e);
	free(buf);
	return ret;
}

void madt_free(struct madt *m)
{
	if (!m)
		return;
	free(m->gicc);
	free(m->gicr);
	free(m->its);
	free(m);
}

static int layout_from_gicr(const struct madt *m, struct gic_layout *lay)
{
	lay->rdregions = calloc(m->ngicr, sizeof(*lay->rdregions));
	if (!lay->rdregions)
		return -GK_ERR_NOMEM;
	memcpy(lay->rdregions, m->gicr, m->ngicr * sizeof(*m->gicr));
	lay->nrdregions = m->ngicr;
	return 0;
}

/*
 * No GICR structures: as gic_acpi_count_gicr_regions() and
 * gic_acpi_parse_madt_gicc(), each enabled GICC names its CPU's RD. The
 * kernel sizes it from GICD_PIDR2, which is out of reach here; the GICD
 * structure's version stands in. When that is 0, a GICv3-sized region
 * still holds the RD_base frame, the only one the walk reads.
 */
static int layout_from_gicc(const struct madt *m, struct gic_layout *lay,
			    struct gk_err *e)
{
	uint64_t size = (m->gic_version == 4 ? 4 : 2) * SZ_64K;
	struct gk_range *r;

	lay->rdregions = calloc(m->ngicc ? m->ngicc : 1, sizeof(*r));
	if (!lay->rdregions)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < m->ngicc; i++) {
		const struct madt_gicc *g = &m->gicc[i];

		/*
		 * A disabled CPU (online capable or not) has no RD the kernel
		 * can reach. An enabled one without a GICR base made the
		 * whole GIC probe fail until Linux 6.11 (fa2dabe57220); now
		 * only that CPU goes without ("has no re-distributor!").
		 */
		if (!(g->flags & MADT_GICC_ENABLED) || !g->gicr_base)
			continue;
		r = &lay->rdregions[lay->nrdregions];
		if (!gk_range_from_len(r, g->gicr_base, size))
			return bad_at(
				e, -GK_ERR_RANGE, m->name, g->offset,
				"GICR base 0x%llx of CPU interface %u wraps past 2^64",
				(unsigned long long)g->gicr_base, g->cpu_iface);
		lay->nrdregions++;
	}
	if (!lay->nrdregions)
		return gk_fail(
			e, -GK_ERR_NOTFOUND,
			"%s: no redistributors: no GICR structure and no enabled GICC with a GICR base",
			m->name);
	lay->rd_per_region = true;
	return 0;
}

static int layout_its(const struct madt *m, struct gic_layout *lay)
{
	if (!m->nits)
		return 0;
	lay->its = calloc(m->nits, sizeof(*lay->its));
	if (!lay->its)
		return -GK_ERR_NOMEM;
	for (size_t i = 0; i < m->nits; i++)
		lay->its[i] = m->its[i].base;
	lay->nits = m->nits;
	return 0;
}

unsigned int madt_gic_version(const struct madt *m)
{
	if (!m->gicd)
		return 0;
	if (m->gic_version)
		return m->gic_version;
	if (m->ngicr)
		return 3;
	for (size_t i = 0; i < m->ngicc; i++)
		if (m->gicc[i].gicr_base)
			return 3;
	return 2;
}

int gic_layout_from_madt(const struct madt *m, struct gic_layout *lay,
			 struct gk_err *e)
{
	unsigned int version;
	int ret;

	memset(lay, 0, sizeof(*lay));
	if (!m->gicd)
		return gk_fail(
			e, -GK_ERR_NOTFOUND,
			"%s: no GICD structure: the MADT describes no Arm GIC",
			m->name);
	version = madt_gic_version(m);
	if (!m->gic_version && version == 2)
		return gk_fail(
			e, -GK_ERR_NOTFOUND,
			"%s: GIC version not given by the MADT; no redistributor in it: GICv2",
			m->name);
	/* 1 and 2 are GICv1/v2 (no redistributors); 5 and up are unknown */
	if (version != 3 && version != 4)
		return gk_fail(
			e, -GK_ERR_NOTFOUND,
			"%s: the GICD structure says GIC version %u, not 3 or 4",
			m->name, version);
	lay->dist = m->gicd_base;
	if (m->ngicr) {
		ret = layout_from_gicr(m, lay);
		if (ret < 0)
			ret = gk_fail(e, ret, "out of memory");
	} else {
		ret = layout_from_gicc(m, lay, e);
	}
	if (!ret && layout_its(m, lay) < 0)
		ret = gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	if (ret < 0) {
		gic_layout_free(lay);
		return ret;
	}
	snprintf(lay->source, sizeof(lay->source), "MADT");
	return 0;
}

uint32_t madt_mpidr_to_affinity(uint64_t mpidr)
{
	/* Aff3 is MPIDR[39:32], the others MPIDR[23:0] */
	return (uint32_t)((mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff));
}
