// SPDX-License-Identifier: GPL-2.0-or-later
/* Every rule of the verdict, from facts built by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "verdict.h"

#define PROP 0x401b0000ull
#define PEND0 0x401c0000ull
#define PEND1 0x401d0000ull

static struct gk_rdfact rds[4];
static struct gk_range memreserve[2], dtrsv[2], crash[1];

/* QEMU virt after an EFI boot: 2 RDs, tables in the memreserve list. */
static void efi_machine(struct gk_facts *f)
{
	memset(f, 0, sizeof(*f));
	memset(rds, 0, sizeof(rds));
	f->gic = 3;
	f->lpis_supported = 1;
	f->evidence = GK_EVID_REGS;
	f->efi = true;
	f->mr = GK_MR_OK;
	f->kexec_loaded = f->kexec_crash_loaded = f->kexec_load_disabled = -1;
	for (int i = 0; i < 2; i++) {
		rds[i] = (struct gk_rdfact){ .cpu = i,
					     .base = 0x80a0000 + i * 0x20000,
					     .regs = true,
					     .lpis = true,
					     .prop = PROP,
					     .pend = i ? PEND1 : PEND0,
					     .idbits = 16 };
	}
	f->rds = rds;
	f->nrds = 2;
	memreserve[0] = (struct gk_range){ PROP, PEND1 + 0xffff };
	f->memreserve = memreserve;
	f->nmemreserve = 1;
}

static void dt_machine(struct gk_facts *f)
{
	efi_machine(f);
	f->efi = false;
	f->mr = GK_MR_NONE;
	f->nmemreserve = 0;
}

/* As gk_gather() leaves them: the facts derived from those built. */
static struct gk_report judge(struct gk_facts *f, enum gk_loader l)
{
	struct gk_report r;

	gk_derive(f);
	assert_int_equal(gk_judge(f, l, &r), 0);
	return r;
}

static bool has(const struct gk_report *r, const char *code, enum gk_sev kexec,
		enum gk_sev kdump)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (!strcmp(r->findings[i].code, code) &&
		    r->findings[i].sev[GK_KEXEC] == kexec &&
		    r->findings[i].sev[GK_KDUMP] == kdump)
			return true;
	return false;
}

/*
 * The codes asserted by name so far: the last test fails when a code in
 * the table is asserted by none.
 */
static bool asserted[GK_NCODES];

static void assert_finding(const struct gk_report *r, const char *code,
			   enum gk_sev kexec, enum gk_sev kdump)
{
	int c = 0;

	while (c < GK_NCODES && strcmp(gk_code_name((enum gk_code)c), code))
		c++;
	assert_in_range(c, 0, GK_NCODES - 1); /* a code of the table */
	assert_true(has(r, code, kexec, kdump));
	asserted[c] = true;
}

#define EXPECT(f, loader, vk, vd)                                          \
	do {                                                               \
		struct gk_report r_ = judge(f, loader);                    \
		assert_string_equal(gk_verdict_name(r_.verdict[GK_KEXEC]), \
				    gk_verdict_name(vk));                  \
		assert_string_equal(gk_verdict_name(r_.verdict[GK_KDUMP]), \
				    gk_verdict_name(vd));                  \
		gk_report_free(&r_);                                       \
	} while (0)

static void test_efi_reusable(void **state)
{
	struct gk_facts f;

	(void)state;
	efi_machine(&f);
	EXPECT(&f, GK_LOADER_KEXEC_TOOLS, GK_REUSABLE, GK_REUSABLE);
}

static void test_not_gicv3(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	efi_machine(&f);
	f.gic = 2;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "NOT-GICV3", GK_SEV_INFO, GK_SEV_INFO);
	assert_int_equal(r.verdict[GK_KEXEC], GK_NOT_AFFECTED);
	assert_int_equal(gk_verdict_exit(r.verdict[GK_KEXEC]), 0);
	assert_int_equal(r.nfindings, 1); /* nothing else ran */
	gk_report_free(&r);
}

static void test_no_lpis(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	efi_machine(&f);
	f.lpis_supported = 0;
	EXPECT(&f, GK_LOADER_KEXEC_TOOLS, GK_NOT_AFFECTED, GK_NOT_AFFECTED);
	efi_machine(&f);
	f.log.no_its = true;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "NO-LPIS", GK_SEV_INFO, GK_SEV_INFO);
	assert_non_null(strstr(r.findings[0].msg, "there is no ITS"));
	assert_int_equal(r.verdict[GK_KEXEC], GK_NOT_AFFECTED);
	gk_report_free(&r);
}

static void test_dt_kexec_tools(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	dt_machine(&f);
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "NON-EFI-BOOT", GK_SEV_INFO, GK_SEV_NONE);
	assert_finding(&r, "PROP-UNRESERVED", GK_SEV_FATAL, GK_SEV_NONE);
	assert_finding(&r, "PEND-UNRESERVED", GK_SEV_FATAL, GK_SEV_NONE);
	/* a crash kernel skips the reserved-range check */
	assert_int_equal(r.verdict[GK_KEXEC], GK_WILL_FAIL);
	assert_int_equal(r.verdict[GK_KDUMP], GK_REUSABLE);
	assert_int_equal(gk_verdict_exit(r.verdict[GK_KEXEC]), 2);
	gk_report_free(&r);
}

static void test_dt_ours(void **state)
{
	struct gk_facts f;

	(void)state;
	dt_machine(&f);
	EXPECT(&f, GK_LOADER_OURS, GK_REUSABLE, GK_REUSABLE);
}

/* kexec-tools copies /sys/firmware/fdt, /memreserve/ entries included */
static void test_dt_memrsv(void **state)
{
	struct gk_facts f;

	(void)state;
	dt_machine(&f);
	dtrsv[0] = (struct gk_range){ PROP, PROP + 0xffff };
	dtrsv[1] = (struct gk_range){ PEND0, PEND1 + 0xffff }; /* merged */
	f.dt_memrsv = dtrsv;
	f.ndt_memrsv = 2;
	EXPECT(&f, GK_LOADER_KEXEC_TOOLS, GK_REUSABLE, GK_REUSABLE);
	f.ndt_memrsv = 1; /* pending tables not covered */
	EXPECT(&f, GK_LOADER_KEXEC_TOOLS, GK_WILL_FAIL, GK_REUSABLE);
	f.ndt_memrsv = 0;
	f.resmem = dtrsv; /* a static /reserved-memory node does too */
	f.nresmem = 2;
	EXPECT(&f, GK_LOADER_KEXEC_TOOLS, GK_REUSABLE, GK_REUSABLE);
}

static void test_prop_mismatch(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	efi_machine(&f);
	rds[1].prop = 0x50000000;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "PROP-MISMATCH", GK_SEV_FATAL, GK_SEV_FATAL);
	assert_int_equal(r.findings[0].rd, 1);
	assert_int_equal(r.verdict[GK_KDUMP], GK_WILL_FAIL);
	gk_report_free(&r);
}

static void test_too_small(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	efi_machine(&f);
	memreserve[0] = (struct gk_range){ PROP, PROP + 0x7fff };
	memreserve[1] = (struct gk_range){ PEND0, PEND1 + 0xffff };
	f.nmemreserve = 2;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "RESERVATION-TOO-SMALL", GK_SEV_FATAL, GK_SEV_NONE);
	gk_report_free(&r);
	/* 20 ID bits: a 1 MiB property table; 64 KiB decide, 1 MiB cleared */
	efi_machine(&f);
	rds[0].idbits = rds[1].idbits = 20;
	memreserve[0] = (struct gk_range){ PROP, PROP + 0xffff };
	memreserve[1] = (struct gk_range){ PEND0, PEND0 + 0x1ffff };
	f.nmemreserve = 2;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "RESERVATION-TOO-SMALL", GK_SEV_FATAL, GK_SEV_NONE);
	assert_non_null(strstr(r.findings[0].msg, "1024 KiB"));
	gk_report_free(&r);
	/* too small, but the unreadable memreserve list may hold the rest */
	efi_machine(&f);
	f.mr = GK_MR_UNREADABLE;
	dtrsv[0] = (struct gk_range){ PROP, PROP + 0x7fff };
	dtrsv[1] = (struct gk_range){ PEND0, PEND1 + 0xffff };
	f.dt_memrsv = dtrsv;
	f.ndt_memrsv = 2;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "RESERVATION-TOO-SMALL", GK_SEV_WARN, GK_SEV_NONE);
	assert_int_equal(r.verdict[GK_KEXEC], GK_AT_RISK);
	gk_report_free(&r);
}

static void test_crashkernel(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	efi_machine(&f);
	crash[0] = (struct gk_range){ PEND1, PEND1 + 0xfffffff };
	f.crash = crash;
	f.ncrash = 1;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "TABLE-IN-CRASHKERNEL", GK_SEV_NONE, GK_SEV_FATAL);
	assert_int_equal(r.verdict[GK_KEXEC], GK_REUSABLE);
	assert_int_equal(r.verdict[GK_KDUMP], GK_WILL_FAIL);
	gk_report_free(&r);
}

/*
 * kexec -s: kexec_file_load passes no reservation. On a DT boot that
 * refuses a kexec (nothing reserves the tables) but not a crash kernel,
 * which the kdump verdict refuses only for a table in its memory.
 */
static void test_file_load(void **state)
{
	const struct gk_range live[] = { { PROP, PEND1 + 0xffff } };
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	dt_machine(&f);
	gk_derive(&f);
	assert_false(gk_file_load_keeps(&f, GK_KEXEC, live, 1));
	assert_true(gk_file_load_keeps(&f, GK_KDUMP, live, 1));
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_int_equal(r.verdict[GK_KDUMP], GK_REUSABLE);
	gk_report_free(&r);
	/* a table inside the crash kernel's region: refused by name */
	crash[0] = (struct gk_range){ PEND1, PEND1 + 0xfffffff };
	f.crash = crash;
	f.ncrash = 1;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "TABLE-IN-CRASHKERNEL", GK_SEV_NONE, GK_SEV_FATAL);
	assert_int_equal(r.verdict[GK_KDUMP], GK_WILL_FAIL);
	gk_report_free(&r);
	/* the EFI memreserve list covers them: a kexec'd kernel keeps them */
	efi_machine(&f);
	gk_derive(&f);
	assert_true(gk_file_load_keeps(&f, GK_KEXEC, live, 1));
	/* no facts: only a plan without tables */
	assert_false(gk_file_load_keeps(NULL, GK_KDUMP, live, 1));
	assert_true(gk_file_load_keeps(NULL, GK_KEXEC, live, 0));
}

/* How many findings of @r name @code. */
static size_t count(const struct gk_report *r, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nfindings; i++)
		n += !strcmp(r->findings[i].code, code);
	return n;
}

/*
 * kexec_file_load on a DT boot: the next kernel gets the boot DTB as it
 * is. Fatal for kexec unless its /memreserve/ map or /reserved-memory
 * covers every live table; never for kdump; never on an EFI boot.
 */
static void test_file_nonefi(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	dt_machine(&f);
	f.file_load = true;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "KEXEC-FILE-NONEFI", GK_SEV_FATAL, GK_SEV_NONE);
	assert_int_equal(count(&r, "KEXEC-FILE-NONEFI"), 1);
	assert_non_null(strstr(r.findings[1].msg, "device-tree boot"));
	assert_int_equal(r.verdict[GK_KEXEC], GK_WILL_FAIL);
	assert_int_equal(r.verdict[GK_KDUMP], GK_REUSABLE);
	gk_report_free(&r);
	/* not asked: kexec_load by kexec-tools, the other codes say it */
	f.file_load = false;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_int_equal(count(&r, "KEXEC-FILE-NONEFI"), 0);
	gk_report_free(&r);
	/* the boot DTB reserves them all (a hop by our kexec): reusable */
	f.file_load = true;
	dtrsv[0] = (struct gk_range){ PROP, PROP + 0xffff };
	dtrsv[1] = (struct gk_range){ PEND0, PEND1 + 0xffff };
	f.dt_memrsv = dtrsv;
	f.ndt_memrsv = 2;
	EXPECT(&f, GK_LOADER_KEXEC_TOOLS, GK_REUSABLE, GK_REUSABLE);
	/* one pending table left out */
	dtrsv[1].end = PEND0 + 0xffff;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_int_equal(count(&r, "KEXEC-FILE-NONEFI"), 1);
	gk_report_free(&r);
	/* /reserved-memory alone covers them as well */
	dtrsv[1].end = PEND1 + 0xffff;
	f.ndt_memrsv = 0;
	f.resmem = dtrsv;
	f.nresmem = 2;
	EXPECT(&f, GK_LOADER_KEXEC_TOOLS, GK_REUSABLE, GK_REUSABLE);
	/* an EFI boot: its memreserve list, not this code, decides */
	efi_machine(&f);
	f.file_load = true;
	f.nmemreserve = 0;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_int_equal(count(&r, "KEXEC-FILE-NONEFI"), 0);
	assert_int_equal(count(&r, "PROP-UNRESERVED"), 1);
	gk_report_free(&r);
}

/*
 * An image our kexec -s loaded on a DT boot (its manifest's syscall): the
 * LOADED rule flags it by the same code, also at the jump.
 */
static void test_loaded_file_nonefi(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	dt_machine(&f);
	f.kexec_loaded = 1;
	f.kexec_crash_loaded = 1;
	f.loaded[GK_KEXEC] = (struct gk_loaded){ .ours = true, .file = true };
	f.loaded[GK_KDUMP] = f.loaded[GK_KEXEC];
	r = judge(&f, GK_LOADER_OURS);
	assert_finding(&r, "KEXEC-FILE-NONEFI", GK_SEV_FATAL, GK_SEV_NONE);
	assert_int_equal(count(&r, "KEXEC-FILE-NONEFI"), 1);
	assert_int_equal(count(&r, "LOADED-STALE"), 0);
	assert_int_equal(r.verdict[GK_KEXEC], GK_WILL_FAIL);
	assert_int_equal(r.verdict[GK_KDUMP], GK_REUSABLE);
	gk_report_free(&r);
	assert_int_equal(gk_judge_loaded(&f, GK_KEXEC, &r), 0);
	assert_int_equal(count(&r, "KEXEC-FILE-NONEFI"), 1);
	assert_int_equal(r.verdict[GK_KEXEC], GK_WILL_FAIL);
	gk_report_free(&r);
	/* loaded with kexec_load, passing none: the persistent ones judge */
	f.loaded[GK_KEXEC].file = false;
	r = judge(&f, GK_LOADER_OURS);
	assert_int_equal(count(&r, "KEXEC-FILE-NONEFI"), 0);
	assert_int_equal(count(&r, "LOADED-STALE"), 2);
	gk_report_free(&r);
	/* the boot DTB reserves every table: nothing to say */
	f.loaded[GK_KEXEC].file = true;
	dtrsv[0] = (struct gk_range){ PROP, PEND1 + 0xffff };
	f.dt_memrsv = dtrsv;
	f.ndt_memrsv = 1;
	EXPECT(&f, GK_LOADER_OURS, GK_REUSABLE, GK_REUSABLE);
}

/* kexec-tools tries kexec_file_load first since 2.0.27 (-a the default) */
static void test_kt_file_first(void **state)
{
	(void)state;
	assert_false(gk_kt_file_first(""));
	assert_false(gk_kt_file_first("2.0.20"));
	assert_false(gk_kt_file_first("2.0.26"));
	assert_true(gk_kt_file_first("2.0.27"));
	assert_true(gk_kt_file_first("2.0.32"));
	assert_true(gk_kt_file_first("2.1"));
	assert_false(gk_kt_file_first("1.101"));
}

static void test_memreserve_states(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	efi_machine(&f);
	f.mr = GK_MR_CORRUPT;
	strcpy(f.mr_why, "loop");
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "MEMRESERVE-CORRUPT", GK_SEV_FATAL, GK_SEV_FATAL);
	assert_non_null(strstr(r.findings[0].msg, "walk: loop"));
	assert_int_equal(r.verdict[GK_KEXEC], GK_WILL_FAIL);
	assert_int_equal(r.verdict[GK_KDUMP], GK_WILL_FAIL);
	gk_report_free(&r);
	f.mr = GK_MR_UNREADABLE; /* may hold them: at risk, not lost */
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "MEMRESERVE-UNREADABLE", GK_SEV_WARN, GK_SEV_NONE);
	assert_finding(&r, "PROP-UNRESERVED", GK_SEV_WARN, GK_SEV_NONE);
	assert_finding(&r, "PEND-UNRESERVED", GK_SEV_WARN, GK_SEV_NONE);
	assert_int_equal(r.verdict[GK_KEXEC], GK_AT_RISK);
	assert_int_equal(r.verdict[GK_KDUMP], GK_REUSABLE);
	gk_report_free(&r);
	f.mr = GK_MR_NO_TABLE;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "KERNEL-WITHOUT-SUPPORT", GK_SEV_FATAL, GK_SEV_NONE);
	assert_int_equal(r.verdict[GK_KEXEC], GK_WILL_FAIL);
	gk_report_free(&r);
	f.mr = GK_MR_OK;
	f.mr_odd = 1;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "MEMRESERVE-ODD", GK_SEV_INFO, GK_SEV_INFO);
	assert_int_equal(r.verdict[GK_KEXEC], GK_REUSABLE);
	assert_int_equal(r.verdict[GK_KDUMP], GK_REUSABLE);
	gk_report_free(&r);
}

static void test_lpis_disabled(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	dt_machine(&f);
	rds[0].lpis = rds[1].lpis = false;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "LPIS-DISABLED", GK_SEV_INFO, GK_SEV_INFO);
	assert_int_equal(r.verdict[GK_KEXEC], GK_NOT_AFFECTED);
	gk_report_free(&r);
	rds[1].lpis = true; /* the boot CPU's off, another on */
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "BOOT-RD-DISABLED", GK_SEV_FATAL, GK_SEV_WARN);
	gk_report_free(&r);
	rds[0].lpis = true;
	rds[1].lpis = false; /* a CPU never brought up */
	f.ndt_memrsv = 0;
	r = judge(&f, GK_LOADER_OURS);
	assert_finding(&r, "RDS-PARTIAL", GK_SEV_INFO, GK_SEV_INFO);
	assert_int_equal(r.verdict[GK_KEXEC], GK_REUSABLE);
	gk_report_free(&r);
}

static void test_evidence(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	/* a DT boot where nothing names a table: UNKNOWN, with the reasons */
	dt_machine(&f);
	f.evidence = GK_EVID_NONE;
	f.nrds = 0;
	strcpy(f.regs_why, "/dev/mem: refused");
	strcpy(f.src[GK_SRC_KLOG].why, "the ring buffer lost the boot");
	r = judge(&f, GK_LOADER_OURS);
	assert_int_equal(r.verdict[GK_KEXEC], GK_UNKNOWN);
	assert_int_equal(gk_verdict_exit(r.verdict[GK_KDUMP]), 3);
	assert_finding(&r, "NO-EVIDENCE", GK_SEV_FATAL, GK_SEV_FATAL);
	assert_non_null(strstr(r.findings[0].msg, "/dev/mem: refused"));
	assert_non_null(strstr(r.findings[0].msg, "ring buffer lost the boot"));
	gk_report_free(&r);
	/* the same on an EFI boot: the kernel's own memreserve list holds them */
	efi_machine(&f);
	f.evidence = GK_EVID_NONE;
	f.nrds = 0;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "TABLES-UNKNOWN", GK_SEV_INFO, GK_SEV_INFO);
	assert_int_equal(r.verdict[GK_KEXEC], GK_REUSABLE);
	gk_report_free(&r);
	/* from the other sources: still a verdict, and said so */
	efi_machine(&f);
	f.evidence = GK_EVID_SOURCES;
	f.src[GK_SRC_KLOG].used = f.src[GK_SRC_JOURNAL].used = true;
	rds[0].regs = rds[1].regs = false;
	strcpy(f.regs_why, "mmap refused");
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "EVIDENCE-SOURCES", GK_SEV_INFO, GK_SEV_INFO);
	assert_non_null(strstr(r.findings[0].msg, "kernel-log+journal"));
	assert_int_equal(r.verdict[GK_KEXEC], GK_REUSABLE);
	gk_report_free(&r);
}

/* The ring buffer lost CPU0's lines and the property table's. */
static void test_tables_unknown(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	dt_machine(&f);
	f.evidence = GK_EVID_SOURCES;
	rds[0] = (struct gk_rdfact){ .cpu = 0, .unknown = true };
	rds[1].prop = 0;
	strcpy(f.src[GK_SRC_KLOG].why, "lines of its start are gone");
	r = judge(&f, GK_LOADER_OURS);
	assert_finding(&r, "TABLES-UNKNOWN", GK_SEV_FATAL, GK_SEV_FATAL);
	assert_int_equal(r.verdict[GK_KEXEC], GK_WILL_FAIL);
	assert_int_equal(r.verdict[GK_KDUMP], GK_WILL_FAIL);
	for (size_t i = 0; i < r.nfindings; i++)
		if (!strcmp(r.findings[i].code, "TABLES-UNKNOWN")) {
			assert_non_null(strstr(r.findings[i].msg,
					       "CPU 0 and the property table"));
			assert_non_null(strstr(r.findings[i].msg,
					       "lines of its start are gone"));
			assert_non_null(
				strstr(r.findings[i].msg, "iomem=relaxed"));
		}
	/* an unknown boot CPU is not "BOOT-RD-DISABLED" */
	assert_false(has(&r, "BOOT-RD-DISABLED", GK_SEV_FATAL, GK_SEV_WARN));
	assert_false(has(&r, "BOOT-RD-DISABLED", GK_SEV_FATAL, GK_SEV_FATAL));
	gk_report_free(&r);
	/* CPUs 2-3 unknown, the rest known: named as a range */
	dt_machine(&f);
	f.evidence = GK_EVID_SOURCES;
	rds[2] = (struct gk_rdfact){ .cpu = 2, .unknown = true };
	rds[3] = (struct gk_rdfact){ .cpu = 3, .unknown = true };
	f.nrds = 4;
	r = judge(&f, GK_LOADER_OURS);
	assert_finding(&r, "TABLES-UNKNOWN", GK_SEV_FATAL, GK_SEV_FATAL);
	for (size_t i = 0; i < r.nfindings; i++)
		if (!strcmp(r.findings[i].code, "TABLES-UNKNOWN"))
			assert_non_null(strstr(r.findings[i].msg, "CPU 2-3:"));
	gk_report_free(&r);
	/* uncounted CPUs, no whole-boot source: unknown too */
	dt_machine(&f);
	f.evidence = GK_EVID_SOURCES;
	f.cpus_unknown = true;
	EXPECT(&f, GK_LOADER_OURS, GK_WILL_FAIL, GK_WILL_FAIL);
	/* the property table known, every pending table unknown (a kexec'd
	 * kernel's memory): TABLES-UNKNOWN, neither NO-EVIDENCE nor disabled */
	dt_machine(&f);
	f.evidence = GK_EVID_SOURCES;
	f.prop = PROP;
	rds[0] = (struct gk_rdfact){ .cpu = 0, .unknown = true };
	rds[1] = (struct gk_rdfact){ .cpu = 1, .unknown = true };
	r = judge(&f, GK_LOADER_OURS);
	assert_finding(&r, "TABLES-UNKNOWN", GK_SEV_FATAL, GK_SEV_FATAL);
	assert_false(has(&r, "LPIS-DISABLED", GK_SEV_INFO, GK_SEV_INFO));
	assert_false(has(&r, "NO-EVIDENCE", GK_SEV_FATAL, GK_SEV_FATAL));
	for (size_t i = 0; i < r.nfindings; i++)
		if (!strcmp(r.findings[i].code, "TABLES-UNKNOWN"))
			assert_non_null(strstr(r.findings[i].msg, "CPU 0-1:"));
	gk_report_free(&r);
	/* on EFI with the memreserve list: info only */
	efi_machine(&f);
	f.evidence = GK_EVID_SOURCES;
	rds[1] = (struct gk_rdfact){ .cpu = 1, .unknown = true };
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "TABLES-UNKNOWN", GK_SEV_INFO, GK_SEV_INFO);
	assert_int_equal(r.verdict[GK_KEXEC], GK_REUSABLE);
	gk_report_free(&r);
}

static void test_sources_disagree(void **state)
{
	struct gk_conflict c[2] = {
		{ 1, GK_SRC_REGS, GK_SRC_KLOG, PEND1, 0x42000000 },
		{ -1, GK_SRC_KLOG, GK_SRC_BOOTREC, PROP, 0x43000000 },
	};
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	efi_machine(&f);
	f.conflicts = c;
	f.nconflicts = 1;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	/* the registers won: said, nothing at risk */
	assert_finding(&r, "SOURCES-DISAGREE", GK_SEV_INFO, GK_SEV_INFO);
	assert_non_null(strstr(
		r.findings[0].msg,
		"kernel-log names CPU1's pending table 0x42000000, registers 0x401d0000"));
	assert_int_equal(r.verdict[GK_KEXEC], GK_REUSABLE);
	gk_report_free(&r);
	f.conflicts = c + 1;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "SOURCES-DISAGREE", GK_SEV_WARN, GK_SEV_WARN);
	assert_non_null(strstr(r.findings[0].msg, "the property table"));
	assert_int_equal(r.verdict[GK_KEXEC], GK_AT_RISK);
	gk_report_free(&r);
}

/* Linux enables LPIs only with an ITS: none in the layout, not affected. */
static void test_no_its(void **state)
{
	struct gk_facts f;

	(void)state;
	dt_machine(&f);
	f.evidence = GK_EVID_NONE;
	f.nrds = 0;
	strcpy(f.gic_source, "device tree /intc@8000000");
	f.nits = 0;
	EXPECT(&f, GK_LOADER_OURS, GK_NOT_AFFECTED, GK_NOT_AFFECTED);
	f.nits = 1;
	EXPECT(&f, GK_LOADER_OURS, GK_UNKNOWN, GK_UNKNOWN);
}

/* kexec-tools before 2.0.21 loads over /proc/iomem's reserved ranges */
static void test_loader_version(void **state)
{
	static const struct {
		const char *v;
		enum gk_verdict kexec;
	} cases[] = {
		{ "2.0.20", GK_WILL_FAIL }, { "2.0.9", GK_WILL_FAIL },
		{ "1.101", GK_WILL_FAIL },  { "2.0.21", GK_REUSABLE },
		{ "2.0.25", GK_REUSABLE },  { "2.1", GK_REUSABLE },
		{ "", GK_AT_RISK }, /* --loader kexec-tools: asked for, not found */
	};
	struct gk_facts f;

	(void)state;
	for (size_t i = 0; i < GK_ARRAY_SIZE(cases); i++) {
		efi_machine(&f);
		f.kt_asked = 2;
		strcpy(f.kt_version, cases[i].v);
		EXPECT(&f, GK_LOADER_KEXEC_TOOLS, cases[i].kexec, GK_REUSABLE);
		/* not asked (our kexec's own preflight), or ours: no judgement */
		EXPECT(&f, GK_LOADER_OURS, GK_REUSABLE, GK_REUSABLE);
		f.kt_asked = 0;
		EXPECT(&f, GK_LOADER_KEXEC_TOOLS, GK_REUSABLE, GK_REUSABLE);
	}
	/* auto found no kexec at all: said, not held against the machine */
	efi_machine(&f);
	f.kt_asked = 1;
	{
		struct gk_report r = judge(&f, GK_LOADER_KEXEC_TOOLS);

		assert_finding(&r, "LOADER-UNKNOWN", GK_SEV_INFO, GK_SEV_NONE);
		assert_int_equal(r.verdict[GK_KEXEC], GK_REUSABLE);
		gk_report_free(&r);
	}
	/* a kexec that does not say its version: at risk */
	strcpy(f.kt_probe, "kexec: unrecognized option");
	{
		struct gk_report r = judge(&f, GK_LOADER_KEXEC_TOOLS);

		assert_finding(&r, "LOADER-UNKNOWN", GK_SEV_WARN, GK_SEV_NONE);
		assert_int_equal(r.verdict[GK_KEXEC], GK_AT_RISK);
		assert_int_equal(r.verdict[GK_KDUMP], GK_REUSABLE);
		gk_report_free(&r);
	}
	efi_machine(&f);
	f.kt_asked = 2;
	strcpy(f.kt_version, "2.0.20");
	{
		struct gk_report r = judge(&f, GK_LOADER_KEXEC_TOOLS);

		assert_finding(&r, "KEXEC-TOOLS-TOO-OLD", GK_SEV_FATAL,
			       GK_SEV_NONE);
		gk_report_free(&r);
	}
}

/* A finding's message is never cut, however long the reasons. */
static void test_long_message(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	dt_machine(&f);
	f.evidence = GK_EVID_NONE;
	f.nrds = 0;
	memset(f.regs_why, 'r', sizeof(f.regs_why) - 2);
	f.regs_why[sizeof(f.regs_why) - 2] = 'R';
	memset(f.src[GK_SRC_KLOG].why, 'k', GK_ERR_MSG_MAX - 2);
	f.src[GK_SRC_KLOG].why[GK_ERR_MSG_MAX - 2] = 'K';
	r = judge(&f, GK_LOADER_OURS);
	assert_string_equal(r.findings[0].code, "NO-EVIDENCE");
	assert_non_null(strchr(r.findings[0].msg, 'R'));
	assert_non_null(strchr(r.findings[0].msg, 'K'));
	gk_report_free(&r);
}

static void test_previous_loss(void **state)
{
	struct lpilog_cpu cpu = { .failed_disable = true };
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	efi_machine(&f);
	f.log.expected_missing = true;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "PREVIOUS-LOSS", GK_SEV_WARN, GK_SEV_WARN);
	assert_int_equal(r.verdict[GK_KEXEC], GK_AT_RISK);
	assert_int_equal(r.verdict[GK_KDUMP], GK_AT_RISK);
	gk_report_free(&r);
	efi_machine(&f); /* "Failed to disable LPIs" on one CPU */
	f.log.cpus = &cpu;
	f.log.ncpus = 1;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "PREVIOUS-LOSS", GK_SEV_WARN, GK_SEV_WARN);
	gk_report_free(&r);
}

/*
 * Kernel lockdown: fatal only for our loader where the kernel has no
 * kexec_file_load (or it is not known); with it, our kexec -s loads
 * signed images, and on a device-tree boot that is KEXEC-FILE-NONEFI.
 */
static void test_lockdown(void **state)
{
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	efi_machine(&f);
	strcpy(f.lockdown, "integrity");
	f.kexec_file = -1;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "LOCKDOWN", GK_SEV_INFO, GK_SEV_INFO);
	assert_non_null(strstr(r.findings[0].msg, "lockdown (integrity)"));
	assert_int_equal(r.verdict[GK_KEXEC], GK_REUSABLE);
	gk_report_free(&r);
	r = judge(&f, GK_LOADER_OURS);
	assert_finding(&r, "LOCKDOWN", GK_SEV_FATAL, GK_SEV_INFO);
	assert_non_null(strstr(r.findings[0].msg, "not known"));
	assert_int_equal(r.verdict[GK_KEXEC], GK_WILL_FAIL);
	assert_int_equal(r.verdict[GK_KDUMP], GK_REUSABLE);
	gk_report_free(&r);
	f.kexec_file = 0; /* every Debian arm64 kernel */
	r = judge(&f, GK_LOADER_OURS);
	assert_finding(&r, "LOCKDOWN", GK_SEV_FATAL, GK_SEV_INFO);
	assert_non_null(strstr(r.findings[0].msg, "no kexec is possible"));
	gk_report_free(&r);
	f.kexec_file = 1; /* Fedora's, RHEL's: kexec -s with a signed image */
	r = judge(&f, GK_LOADER_OURS);
	assert_finding(&r, "LOCKDOWN", GK_SEV_INFO, GK_SEV_INFO);
	assert_non_null(strstr(r.findings[0].msg, "kexec_file_load (-s)"));
	assert_int_equal(r.verdict[GK_KEXEC], GK_REUSABLE);
	assert_int_equal(count(&r, "KEXEC-FILE-NONEFI"), 0);
	gk_report_free(&r);
	dt_machine(&f); /* there -s passes no table */
	strcpy(f.lockdown, "integrity");
	f.kexec_file = 1;
	r = judge(&f, GK_LOADER_OURS);
	assert_int_equal(count(&r, "KEXEC-FILE-NONEFI"), 1);
	assert_int_equal(r.verdict[GK_KEXEC], GK_WILL_FAIL);
	assert_int_equal(r.verdict[GK_KDUMP], GK_REUSABLE);
	gk_report_free(&r);
	efi_machine(&f);
	strcpy(f.lockdown, "none");
	r = judge(&f, GK_LOADER_OURS);
	assert_int_equal(r.nfindings, 0);
	gk_report_free(&r);
}

/* kexec_load_disabled: fatal for each target whose image is not loaded. */
static void test_kexec_state(void **state)
{
	static const struct {
		int kexec, crash;
		enum gk_sev sk, sd;
	} cases[] = {
		{ 0, 0, GK_SEV_FATAL, GK_SEV_FATAL },
		{ 1, 0, GK_SEV_INFO, GK_SEV_FATAL },
		{ 0, 1, GK_SEV_FATAL, GK_SEV_INFO },
		{ 1, 1, GK_SEV_INFO, GK_SEV_INFO },
	};
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	for (size_t i = 0; i < GK_ARRAY_SIZE(cases); i++) {
		efi_machine(&f);
		f.kexec_load_disabled = 1;
		f.kexec_loaded = cases[i].kexec;
		f.kexec_crash_loaded = cases[i].crash;
		r = judge(&f, GK_LOADER_KEXEC_TOOLS);
		assert_finding(&r, "KEXEC-DISABLED", cases[i].sk, cases[i].sd);
		gk_report_free(&r);
	}
	efi_machine(&f);
	f.kexec_crash_loaded = 0;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "KDUMP-NOT-LOADED", GK_SEV_NONE, GK_SEV_INFO);
	assert_int_equal(r.verdict[GK_KDUMP], GK_REUSABLE);
	gk_report_free(&r);
	efi_machine(&f);
	f.kdump_kernel = true;
	r = judge(&f, GK_LOADER_KEXEC_TOOLS);
	assert_finding(&r, "KDUMP-KERNEL", GK_SEV_INFO, GK_SEV_INFO);
	assert_int_equal(r.verdict[GK_KEXEC], GK_REUSABLE);
	gk_report_free(&r);
}

/*
 * An image our kexec loaded (its manifest) reserves the tables live at the
 * load; CPU1's pending table went live since: fatal for that target only.
 */
static void test_loaded_stale(void **state)
{
	struct gk_range at_load[1] = { { PROP, PEND0 + 0xffff } };
	struct gk_facts f;
	struct gk_report r;

	(void)state;
	efi_machine(&f);
	f.kexec_loaded = 1;
	f.loaded[GK_KEXEC] = (struct gk_loaded){
		.ours = true, .passed = true, .tables = at_load, .ntables = 1
	};
	r = judge(&f, GK_LOADER_OURS);
	assert_finding(&r, "LOADED-STALE", GK_SEV_FATAL, GK_SEV_NONE);
	assert_int_equal(r.nfindings, 1);
	assert_int_equal(r.findings[0].rd, 1);
	assert_non_null(strstr(r.findings[0].msg, "loaded kexec kernel"));
	assert_non_null(strstr(r.findings[0].msg, "0x401d0000"));
	assert_int_equal(r.verdict[GK_KEXEC], GK_WILL_FAIL);
	assert_int_equal(r.verdict[GK_KDUMP], GK_REUSABLE);
	gk_report_free(&r);
	/* the same for the crash kernel */
	f.loaded[GK_KDUMP] = f.loaded[GK_KEXEC];
	f.kexec_loaded = 0;
	f.kexec_crash_loaded = 1;
	r = judge(&f, GK_LOADER_OURS);
	assert_finding(&r, "LOADED-STALE", GK_SEV_NONE, GK_SEV_FATAL);
	assert_non_null(strstr(r.findings[0].msg, "loaded crash kernel"));
	assert_int_equal(r.verdict[GK_KEXEC], GK_REUSABLE);
	assert_int_equal(r.verdict[GK_KDUMP], GK_WILL_FAIL);
	gk_report_free(&r);
	/* loaded again since: it reserves both */
	at_load[0].end = PEND1 + 0xffff;
	EXPECT(&f, GK_LOADER_OURS, GK_REUSABLE, GK_REUSABLE);
	/* kexec-tools' image (no manifest of ours): nothing to say */
	at_load[0].end = PEND0 + 0xffff;
	f.loaded[GK_KDUMP].ours = false;
	EXPECT(&f, GK_LOADER_OURS, GK_REUSABLE, GK_REUSABLE);
}

/* The code table: complete, unique, and fits --help's 80 columns. */
static void test_codes(void **state)
{
	(void)state;
	assert_string_equal(gk_verdict_name(GK_WILL_FAIL), "WILL-FAIL");
	assert_int_equal(gk_verdict_exit(GK_AT_RISK), 1);
	assert_string_equal(gk_target_name(GK_KDUMP), "kdump");
	assert_string_equal(gk_code_name(GK_CODE_NOT_GICV3), "NOT-GICV3");
	assert_null(gk_code_name(GK_NCODES));
	assert_null(gk_code_what(GK_NCODES));
	for (int c = 0; c < GK_NCODES; c++) {
		const char *name = gk_code_name((enum gk_code)c);

		assert_non_null(name);
		assert_non_null(gk_code_what((enum gk_code)c));
		assert_in_range(strlen(name), 1, 23);
		assert_in_range(strlen(gk_code_what((enum gk_code)c)), 1, 55);
		for (int d = 0; d < c; d++)
			assert_string_not_equal(gk_code_name((enum gk_code)d),
						name);
	}
}

/* Runs last: every code of the table was asserted by name above. */
static void test_every_code_asserted(void **state)
{
	int missing = 0;

	(void)state;
	for (int c = 0; c < GK_NCODES; c++)
		if (!asserted[c]) {
			print_error("no test asserts %s\n",
				    gk_code_name((enum gk_code)c));
			missing++;
		}
	assert_int_equal(missing, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_efi_reusable),
		cmocka_unit_test(test_not_gicv3),
		cmocka_unit_test(test_no_lpis),
		cmocka_unit_test(test_dt_kexec_tools),
		cmocka_unit_test(test_dt_ours),
		cmocka_unit_test(test_dt_memrsv),
		cmocka_unit_test(test_prop_mismatch),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_crashkernel),
		cmocka_unit_test(test_file_load),
		cmocka_unit_test(test_file_nonefi),
		cmocka_unit_test(test_loaded_file_nonefi),
		cmocka_unit_test(test_kt_file_first),
		cmocka_unit_test(test_memreserve_states),
		cmocka_unit_test(test_lpis_disabled),
		cmocka_unit_test(test_evidence),
		cmocka_unit_test(test_tables_unknown),
		cmocka_unit_test(test_sources_disagree),
		cmocka_unit_test(test_no_its),
		cmocka_unit_test(test_long_message),
		cmocka_unit_test(test_loader_version),
		cmocka_unit_test(test_previous_loss),
		cmocka_unit_test(test_lockdown),
		cmocka_unit_test(test_kexec_state),
		cmocka_unit_test(test_loaded_stale),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_every_code_asserted), /* last */
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
