// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The derived facts (facts/derive.c): the boot redistributor, the IDbits
 * in force, the table sizes and each table's reservation per loader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

#define PROP 0x40100000ull /* 1 MiB: IDbits 20 */
#define PEND0 0x40400000ull
#define PEND1 0x40600000ull
#define K64 0x10000ull

static struct gk_rdfact rds[3];
static struct gk_range memreserve[1], dtrsv[2], resmem[1];

/* Two redistributors, both on, sharing PROP; nothing reserved yet. */
static void machine(struct gk_facts *f, unsigned int idbits)
{
	memset(f, 0, sizeof(*f));
	memset(rds, 0, sizeof(rds));
	f->gic = 3;
	f->lpis_supported = 1;
	f->evidence = GK_EVID_REGS;
	f->kexec_loaded = f->kexec_crash_loaded = f->kexec_load_disabled = -1;
	for (int i = 0; i < 2; i++)
		rds[i] = (struct gk_rdfact){.cpu = i,
					    .regs = true,
					    .lpis = true,
					    .prop = PROP,
					    .pend = i ? PEND1 : PEND0,
					    .idbits = idbits};
	f->rds = rds;
	f->nrds = 2;
}

static void test_boot_rd(void **state)
{
	struct gk_facts f;

	(void)state;
	machine(&f, 16);
	rds[0].cpu = 2; /* walk order is not CPU order */
	rds[1].cpu = 0;
	gk_derive(&f);
	assert_int_equal(f.boot, 1);
	/* no source names a CPU: the first in walk order */
	rds[0].cpu = rds[1].cpu = -1;
	gk_derive(&f);
	assert_int_equal(f.boot, 0);
	/* no redistributor at all: none, and Linux's own IDbits */
	f.nrds = 0;
	gk_derive(&f);
	assert_int_equal(f.boot, -1);
	assert_int_equal(f.idbits, 16);
	assert_int_equal(f.idbits_from, GK_IDBITS_DEFAULT);
	assert_true(f.derived);
}

static void test_idbits(void **state)
{
	struct gk_facts f;

	(void)state;
	/* the boot CPU's, even where another says otherwise */
	machine(&f, 20);
	rds[1].idbits = 18;
	gk_derive(&f);
	assert_int_equal(f.idbits, 20);
	assert_int_equal(f.idbits_from, GK_IDBITS_BOOT);
	assert_int_equal(f.prop_size, 1ull << 20); /* 2^20 bytes */
	assert_int_equal(f.pend_size, 2 * K64);	   /* 2^20 bits */
	/* unknown there: an enabled redistributor's (they share PROPBASER) */
	rds[0].idbits = 0;
	gk_derive(&f);
	assert_int_equal(f.idbits, 18);
	assert_int_equal(f.idbits_from, GK_IDBITS_OTHER);
	/* a redistributor with LPIs off sizes nothing */
	rds[1].lpis = false;
	gk_derive(&f);
	assert_int_equal(f.idbits, 16);
	assert_int_equal(f.idbits_from, GK_IDBITS_DEFAULT);
	/* 16 and fewer: 64 KiB each, the kernel's alignment */
	assert_int_equal(f.prop_size, K64);
	assert_int_equal(f.pend_size, K64);
	machine(&f, 14);
	gk_derive(&f);
	assert_int_equal(f.prop_size, K64);
	assert_int_equal(f.pend_size, K64);
}

static void test_reservations(void **state)
{
	const enum gk_loader kt = GK_LOADER_KEXEC_TOOLS, ours = GK_LOADER_OURS;
	struct gk_facts f;

	(void)state;
	machine(&f, 20);
	f.mr = GK_MR_OK;
	memreserve[0] = (struct gk_range){PROP, PROP + (1ull << 20) - 1};
	f.memreserve = memreserve;
	f.nmemreserve = 1;
	/* two /memreserve/ entries end to end: together they hold it */
	dtrsv[0] = (struct gk_range){PEND0, PEND0 + K64 - 1};
	dtrsv[1] = (struct gk_range){PEND0 + K64, PEND0 + 2 * K64 - 1};
	f.dt_memrsv = dtrsv;
	f.ndt_memrsv = 2;
	gk_derive(&f);
	assert_int_equal(rds[0].prop_rsv[kt], GK_RSV_MEMRESERVE);
	assert_int_equal(rds[0].prop_rsv[ours], GK_RSV_MEMRESERVE);
	assert_int_equal(rds[0].pend_rsv[kt], GK_RSV_MEMRESERVE_DT);
	assert_int_equal(rds[0].pend_rsv[ours], GK_RSV_MEMRESERVE_DT);
	/* nothing holds PEND1: only our loader, which passes it */
	assert_int_equal(rds[1].pend_rsv[kt], GK_RSV_NONE);
	assert_int_equal(rds[1].pend_rsv[ours], GK_RSV_LOADER);
	/* half of it held is not held: the kernel checks the whole size */
	resmem[0] = (struct gk_range){PEND1, PEND1 + K64 - 1};
	f.resmem = resmem;
	f.nresmem = 1;
	gk_derive(&f);
	assert_int_equal(rds[1].pend_rsv[kt], GK_RSV_NONE);
	resmem[0].end = PEND1 + 2 * K64 - 1;
	gk_derive(&f);
	assert_int_equal(rds[1].pend_rsv[kt], GK_RSV_RESMEM);
	/* a list that could not be read proves nothing */
	f.mr = GK_MR_UNREADABLE;
	gk_derive(&f);
	assert_int_equal(rds[0].prop_rsv[kt], GK_RSV_NONE);
	/* a table no source names has no reservation, for either loader */
	rds[1].pend = 0;
	gk_derive(&f);
	assert_int_equal(rds[1].pend_rsv[kt], GK_RSV_NONE);
	assert_int_equal(rds[1].pend_rsv[ours], GK_RSV_NONE);
	/* any range, as kexec -s asks of the tables it keeps */
	assert_int_equal(gk_reservation_of(&f, kt, PEND0 + 0x1000, 0x1000),
			 GK_RSV_MEMRESERVE_DT);
}

static void test_rsv_names(void **state)
{
	(void)state;
	assert_string_equal(gk_rsv_name(GK_RSV_NONE), "none");
	assert_string_equal(gk_rsv_name(GK_RSV_MEMRESERVE), "memreserve");
	assert_string_equal(gk_rsv_name(GK_RSV_MEMRESERVE_DT), "memreserve-dt");
	assert_string_equal(gk_rsv_name(GK_RSV_RESMEM), "reserved-memory");
	assert_string_equal(gk_rsv_name(GK_RSV_LOADER), "loader");
	assert_string_equal(gk_rsv_name((enum gk_rsv)99), "?");
}

/* The verdict refuses facts nobody derived, rather than judge zeros. */
static void test_not_derived(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	machine(&f, 16);
	assert_int_equal(gk_judge(&f, GK_LOADER_OURS, &r), -GK_ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_rd),
		cmocka_unit_test(test_idbits),
		cmocka_unit_test(test_reservations),
		cmocka_unit_test(test_rsv_names),
		cmocka_unit_test(test_not_derived),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
