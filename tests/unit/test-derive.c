// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The derived facts (facts/derive.c): the boot redistributor, the IDbits
 * in force, the table sizes and each table's reservation per loader; and
 * the check at kexec -e, the verdict's LOADED rule on those same facts.
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
static struct gk_range memreserve[3], dtrsv[2], resmem[1], passed[2];

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
		rds[i] = (struct gk_rdfact){ .cpu = i,
					     .regs = true,
					     .lpis = true,
					     .prop = PROP,
					     .pend = i ? PEND1 : PEND0,
					     .idbits = idbits };
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
	memreserve[0] = (struct gk_range){ PROP, PROP + (1ull << 20) - 1 };
	f.memreserve = memreserve;
	f.nmemreserve = 1;
	/* two /memreserve/ entries end to end: together they hold it */
	dtrsv[0] = (struct gk_range){ PEND0, PEND0 + K64 - 1 };
	dtrsv[1] = (struct gk_range){ PEND0 + K64, PEND0 + 2 * K64 - 1 };
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
	resmem[0] = (struct gk_range){ PEND1, PEND1 + K64 - 1 };
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
	assert_int_equal(gk_judge_loaded(&f, GK_KEXEC, &r), -GK_ERR_INVAL);
}

/* The redistributors gk_judge() finds LOADED-STALE for @t, as a mask. */
static unsigned int stale_in_verdict(struct gk_facts *f, enum gk_target t)
{
	struct gk_report r;
	unsigned int mask = 0;

	assert_int_equal(gk_judge(f, GK_LOADER_OURS, &r), 0);
	for (size_t i = 0; i < r.nfindings; i++)
		if (!strcmp(r.findings[i].code, "LOADED-STALE") &&
		    r.findings[i].sev[t] == GK_SEV_FATAL)
			mask |= 1u << r.findings[i].rd;
	gk_report_free(&r);
	return mask;
}

/* The same, as kexec -e sees it at the jump. */
static unsigned int stale_at_jump(struct gk_facts *f, enum gk_target t)
{
	struct gk_report r;
	unsigned int mask = 0;

	assert_int_equal(gk_judge_loaded(f, t, &r), 0);
	for (size_t i = 0; i < r.nfindings; i++) {
		assert_string_equal(r.findings[i].code, "LOADED-STALE");
		mask |= 1u << r.findings[i].rd;
	}
	assert_int_equal(r.verdict[t], mask ? GK_WILL_FAIL : GK_REUSABLE);
	gk_report_free(&r);
	return mask;
}

/* An image our kexec loaded, with what its manifest says. */
static void loaded(struct gk_facts *f, bool pass, size_t ntables)
{
	f->kexec_loaded = 1;
	f->loaded[GK_KEXEC] = (struct gk_loaded){ .ours = true,
						  .passed = pass,
						  .tables = passed,
						  .ntables = ntables };
	gk_derive(f);
}

/*
 * IDbits 20: every pending table is 128 KiB. The check at the jump used
 * 64 KiB for an image that passed no tables, and each RD's own IDbits for
 * one that did, where the verdict used the boot CPU's: a table reserved
 * by half went through the jump that the verdict called stale.
 */
static void test_jump_agrees_idbits20(void **state)
{
	struct gk_facts f;

	(void)state;
	machine(&f, 20);
	f.efi = true;
	f.mr = GK_MR_OK;
	memreserve[0] = (struct gk_range){ PROP, PROP + (1ull << 20) - 1 };
	memreserve[1] = (struct gk_range){ PEND0, PEND0 + 2 * K64 - 1 };
	memreserve[2] = (struct gk_range){ PEND1, PEND1 + K64 - 1 }; /* half */
	f.memreserve = memreserve;
	f.nmemreserve = 3;
	/* passed nothing: the EFI list must hold each whole table */
	loaded(&f, false, 0);
	assert_int_equal(stale_at_jump(&f, GK_KEXEC), 1u << 1);
	assert_int_equal(stale_in_verdict(&f, GK_KEXEC), 1u << 1);
	memreserve[2].end = PEND1 + 2 * K64 - 1;
	loaded(&f, false, 0);
	assert_int_equal(stale_at_jump(&f, GK_KEXEC), 0);
	assert_int_equal(stale_in_verdict(&f, GK_KEXEC), 0);

	/* passed them: its DTB must hold the whole table, by the boot's size */
	f.mr = GK_MR_NONE;
	f.efi = false;
	rds[1].idbits = 16; /* its own says 64 KiB: not what the kernel uses */
	passed[0] = (struct gk_range){ PROP, PEND0 + 2 * K64 - 1 };
	passed[1] = (struct gk_range){ PEND1, PEND1 + K64 - 1 };
	loaded(&f, true, 2);
	assert_int_equal(stale_at_jump(&f, GK_KEXEC), 1u << 1);
	assert_int_equal(stale_in_verdict(&f, GK_KEXEC), 1u << 1);
	passed[1].end = PEND1 + 2 * K64 - 1;
	loaded(&f, true, 2);
	assert_int_equal(stale_at_jump(&f, GK_KEXEC), 0);
	assert_int_equal(stale_in_verdict(&f, GK_KEXEC), 0);
}

/* Only an image that is loaded, and ours, is checked; kdump its own way. */
static void test_jump_what_is_checked(void **state)
{
	struct gk_facts f;

	(void)state;
	machine(&f, 16); /* nothing reserves anything */
	loaded(&f, false, 0);
	assert_int_equal(stale_at_jump(&f, GK_KEXEC), 3);
	f.kexec_loaded = 0; /* a manifest left behind by an unload */
	assert_int_equal(stale_at_jump(&f, GK_KEXEC), 0);
	loaded(&f, false, 0);
	f.loaded[GK_KEXEC].ours = false; /* kexec-tools loaded it */
	assert_int_equal(stale_at_jump(&f, GK_KEXEC), 0);
	/* a crash kernel checks no reservation: what it was not passed is fine
	 */
	f.kexec_crash_loaded = 1;
	f.loaded[GK_KDUMP] = (struct gk_loaded){ .ours = true };
	assert_int_equal(stale_at_jump(&f, GK_KDUMP), 0);
	/* what it was passed must hold each live table */
	passed[0] = (struct gk_range){ PEND0, PEND0 + K64 - 1 };
	f.loaded[GK_KDUMP] = (struct gk_loaded){
		.ours = true, .passed = true, .tables = passed, .ntables = 1
	};
	assert_int_equal(stale_at_jump(&f, GK_KDUMP), 1u << 1);
	assert_int_equal(stale_in_verdict(&f, GK_KDUMP), 1u << 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_rd),
		cmocka_unit_test(test_idbits),
		cmocka_unit_test(test_reservations),
		cmocka_unit_test(test_rsv_names),
		cmocka_unit_test(test_not_derived),
		cmocka_unit_test(test_jump_agrees_idbits20),
		cmocka_unit_test(test_jump_what_is_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
