// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The evidence sources merged per CPU (facts/evidence.c) and the boot
 * record (facts/bootrec.c): which source wins, what stays unknown, what
 * a stale or broken record does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "bootrec.h"
#include "dl.h"
#include "evidence.h"

#define PROP 0x42590000ull
#define BOOT_ID "6b1e7c2a-54d1-4f0e-9a3b-2f6d8e1c0b47"

static void src_add(struct gk_lpisrc *s, unsigned int cpu, int lpis,
		    uint64_t pend)
{
	struct gk_lpisrc_cpu *c = gk_lpisrc_cpu(s, cpu);

	assert_non_null(c);
	c->lpis = lpis;
	c->pend = pend;
}

static void facts(struct gk_facts *f, int ncpus)
{
	memset(f, 0, sizeof(*f));
	f->gic = 3;
	f->ncpus = ncpus;
}

static const struct gk_rdfact *rd_of(const struct gk_facts *f, int cpu)
{
	for (size_t i = 0; i < f->nrds; i++)
		if (f->rds[i].cpu == cpu)
			return &f->rds[i];
	fail_msg("no redistributor for CPU %d", cpu);
	return NULL;
}

/* A log that lost the start: the CPUs it does not name stay unknown. */
static void test_partial_log(void **state)
{
	struct gk_lpisrc s = { .src = GK_SRC_KLOG };
	struct gk_facts f;

	(void)state;
	src_add(&s, 1, 1, 0x425b0000);
	facts(&f, 4);
	assert_int_equal(gk_evidence_merge(&f, &s, 1), 0);
	assert_int_equal(f.nrds, 4);
	assert_true(rd_of(&f, 0)->unknown);
	assert_false(rd_of(&f, 1)->unknown);
	assert_int_equal(rd_of(&f, 1)->pend, 0x425b0000);
	assert_int_equal(rd_of(&f, 1)->pend_src, GK_SRC_KLOG);
	assert_int_equal(rd_of(&f, 1)->prop, 0); /* nobody named it */
	assert_true(rd_of(&f, 3)->unknown);
	assert_false(f.cpus_unknown);
	/* what is known is named for placement */
	assert_int_equal(f.nnamed, 1);
	assert_int_equal(f.named[0].start, 0x425b0000);
	gk_facts_free(&f);
	/* the same log whole: a CPU it never names never enabled LPIs */
	s.complete = true;
	s.prop = PROP;
	facts(&f, 4);
	assert_int_equal(gk_evidence_merge(&f, &s, 1), 0);
	assert_false(rd_of(&f, 0)->unknown);
	assert_false(rd_of(&f, 0)->lpis);
	assert_int_equal(rd_of(&f, 1)->prop, PROP);
	assert_true(f.src[GK_SRC_KLOG].used && f.src[GK_SRC_KLOG].complete);
	gk_facts_free(&f);
	gk_lpisrc_free(&s);
}

/* No CPU count and no whole-boot source: CPUs may be missing. */
static void test_cpus_uncounted(void **state)
{
	struct gk_lpisrc s = { .src = GK_SRC_KLOG, .prop = PROP };
	struct gk_facts f;

	(void)state;
	src_add(&s, 1, 1, 0x425b0000);
	facts(&f, -1);
	assert_int_equal(gk_evidence_merge(&f, &s, 1), 0);
	assert_int_equal(f.nrds, 1);
	assert_true(f.cpus_unknown);
	gk_facts_free(&f);
	gk_lpisrc_free(&s);
}

/* Strongest first: the log over the boot record, both named. */
static void test_order_and_conflicts(void **state)
{
	struct gk_lpisrc s[2] = { { .src = GK_SRC_BOOTREC, .prop = PROP },
				  { .src = GK_SRC_KLOG, .prop = PROP } };
	struct gk_facts f;

	(void)state;
	src_add(&s[0], 0, 1, 0x425a0000);
	src_add(&s[0], 1, 1, 0x42c00000);
	src_add(&s[1], 1, 1, 0x425b0000); /* CPU0's line is gone */
	facts(&f, 2);
	assert_int_equal(gk_evidence_merge(&f, s, 2), 0);
	assert_int_equal(rd_of(&f, 0)->pend, 0x425a0000);
	assert_int_equal(rd_of(&f, 0)->pend_src, GK_SRC_BOOTREC);
	assert_int_equal(rd_of(&f, 1)->pend, 0x425b0000);
	assert_int_equal(rd_of(&f, 1)->pend_src, GK_SRC_KLOG);
	assert_int_equal(f.nconflicts, 1);
	assert_int_equal(f.conflicts[0].cpu, 1);
	assert_int_equal(f.conflicts[0].won, GK_SRC_KLOG);
	assert_int_equal(f.conflicts[0].lost, GK_SRC_BOOTREC);
	assert_int_equal(f.conflicts[0].other, 0x42c00000);
	/* the loser's table is avoided too: prop+pend0+pend1 merged, and 0x42c00000 */
	assert_int_equal(f.nnamed, 2);
	assert_int_equal(f.named[1].start, 0x42c00000);
	gk_facts_free(&f);
	gk_lpisrc_free(&s[0]);
	gk_lpisrc_free(&s[1]);
}

/* With registers, the sources are only compared. */
static void test_registers_win(void **state)
{
	struct gk_lpisrc s = { .src = GK_SRC_KLOG, .prop = 0x50000000 };
	struct gk_rdfact *rds = calloc(1, sizeof(*rds));
	struct gk_facts f;

	(void)state;
	src_add(&s, 0, 1, 0x51000000);
	facts(&f, 1);
	f.evidence = GK_EVID_REGS;
	*rds = (struct gk_rdfact){ .cpu = 0,
				   .regs = true,
				   .lpis = true,
				   .prop = PROP,
				   .pend = 0x425a0000,
				   .idbits = 16 };
	f.rds = rds;
	f.nrds = 1;
	assert_int_equal(gk_evidence_merge(&f, &s, 1), 0);
	assert_int_equal(f.rds[0].pend, 0x425a0000);
	assert_int_equal(f.rds[0].pend_src, GK_SRC_REGS);
	assert_int_equal(f.nconflicts, 2);
	assert_int_equal(f.conflicts[0].won, GK_SRC_REGS);
	gk_facts_free(&f);
	gk_lpisrc_free(&s);
}

/* Kernel memory says LPIs on, pending table inherited: unknown from it. */
static void test_on_without_table(void **state)
{
	struct gk_lpisrc s = { .src = GK_SRC_KMEM,
			       .complete = true,
			       .prop = PROP };
	struct gk_facts f;

	(void)state;
	src_add(&s, 0, 1, 0);
	src_add(&s, 1, 0, 0);
	facts(&f, 2);
	assert_int_equal(gk_evidence_merge(&f, &s, 1), 0);
	assert_true(rd_of(&f, 0)->unknown);
	assert_false(rd_of(&f, 1)->unknown);
	assert_false(rd_of(&f, 1)->lpis);
	gk_facts_free(&f);
	gk_lpisrc_free(&s);
}

static void test_cpuset(void **state)
{
	struct gk_cpuset c;

	(void)state;
	assert_int_equal(gk_cpuset_parse("0-3,8,10-11\n", &c), 0);
	assert_true(gk_cpuset_has(&c, 0) && gk_cpuset_has(&c, 3));
	assert_true(gk_cpuset_has(&c, 8) && gk_cpuset_has(&c, 11));
	assert_false(gk_cpuset_has(&c, 4) || gk_cpuset_has(&c, 9));
	gk_cpuset_free(&c);
	assert_int_equal(gk_cpuset_parse("", &c), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(gk_cpuset_parse("3-1", &c), -GK_ERR_FORMAT);
	assert_int_equal(gk_cpuset_parse("0-x", &c), -GK_ERR_FORMAT);
	assert_int_equal(gk_cpuset_parse("99999999", &c), -GK_ERR_FORMAT);
	assert_int_equal(gk_cpuset_parse("1;2", &c), -GK_ERR_FORMAT);
}

/* ---- the boot record ------------------------------------------------ */

static int read_rec(const char *json, const char *boot_id, const char *online,
		    struct gk_lpisrc *out, struct gk_err *e)
{
	char *dir = tu_mkdtemp();
	struct gk_cpuset on = { 0 };
	struct sysroot *sr;
	int ret;

	assert_non_null(dir);
	if (json)
		assert_int_equal(tu_write(dir, "run/gic-kexec/boot.json", json),
				 0);
	assert_int_equal(tu_write(dir, "proc/version", "Linux\n"), 0);
	assert_int_equal(sysroot_new(dir, 0, &sr, NULL), 0);
	assert_int_equal(gk_cpuset_parse(online, &on), 0);
	ret = gk_bootrec_read(sr, boot_id, &on, out, e);
	sysroot_free(sr);
	gk_cpuset_free(&on);
	tu_rmtree(dir);
	return ret;
}

static void test_bootrec_roundtrip(void **state)
{
	struct gk_rdfact rds[3] = {
		{ .cpu = 0,
		  .base = 0x80a0000,
		  .lpis = true,
		  .prop = PROP,
		  .pend = 0x425a0000,
		  .idbits = 16,
		  .pend_src = GK_SRC_KLOG },
		{ .cpu = 1, .lpis = false },   /* off: recorded */
		{ .cpu = 2, .unknown = true }, /* unknown: left out */
	};
	struct gk_facts f = { .rds = rds, .nrds = 3 };
	struct gk_lpisrc s;
	struct gk_err e = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	(void)state;
	strcpy(f.boot_id, BOOT_ID);
	mem = open_memstream(&text, &len);
	assert_int_equal(gk_bootrec_write(mem, &f), 0);
	fclose(mem);
	assert_int_equal(read_rec(text, BOOT_ID, "0", &s, &e), 0);
	assert_int_equal(s.src, GK_SRC_BOOTREC);
	assert_int_equal(s.prop, PROP);
	assert_int_equal(s.idbits, 16);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.cpus[0].pend, 0x425a0000);
	assert_int_equal(s.cpus[0].rd_base, 0x80a0000);
	assert_int_equal(s.cpus[1].lpis, 0);
	gk_lpisrc_free(&s);
	/* CPU1 off at the record but online now: it may have come on since */
	assert_int_equal(read_rec(text, BOOT_ID, "0-1", &s, &e), 0);
	assert_int_equal(s.cpus[1].lpis, -1);
	gk_lpisrc_free(&s);
	/* boot ids are compared without their dashes */
	assert_int_equal(read_rec(text, "6b1e7c2a54d14f0e9a3b2f6d8e1c0b47", "0",
				  &s, &e),
			 0);
	gk_lpisrc_free(&s);
	free(text);
	f.boot_id[0] = '\0';
	assert_int_equal(gk_bootrec_write(stdout, &f), -GK_ERR_INVAL);
}

static void test_bootrec_refused(void **state)
{
	static const struct {
		const char *json, *boot_id;
		int ret;
		const char *msg;
	} cases[] = {
		{ NULL, BOOT_ID, -GK_ERR_NOENT, "" },
		{ "{\"version\": 1, \"boot_id\": \"" BOOT_ID
		  "\", \"cpus\": []}",
		  "0f0e0d0c-0b0a-4909-8807-060504030201", -GK_ERR_NOTFOUND,
		  "of another boot" },
		{ "{\"version\": 1, \"boot_id\": \"" BOOT_ID
		  "\", \"cpus\": []}",
		  "", -GK_ERR_NOTFOUND, "not this one (unknown)" },
		{ "{\"version\": 1, \"boot_id\": \"" BOOT_ID
		  "\", \"cpus\": [{\"cpu\": 0, \"lpis\": tr",
		  BOOT_ID, -GK_ERR_FORMAT, "not JSON" },
		{ "{\"version\": 2, \"boot_id\": \"" BOOT_ID "\"}", BOOT_ID,
		  -GK_ERR_FORMAT, "version 1" },
		{ "[1, 2]", BOOT_ID, -GK_ERR_FORMAT, "version 1" },
		{ "{\"version\": 1, \"boot_id\": \"" BOOT_ID "\"}", BOOT_ID,
		  -GK_ERR_FORMAT, "no cpus array" },
		{ "{\"version\": 1, \"boot_id\": \"" BOOT_ID
		  "\", \"cpus\": [{\"cpu\": 70000, \"lpis\": false}]}",
		  BOOT_ID, -GK_ERR_FORMAT, "bad cpu" },
		{ "{\"version\": 1, \"boot_id\": \"" BOOT_ID
		  "\", \"cpus\": [{\"cpu\": 0, \"lpis\": true}]}",
		  BOOT_ID, -GK_ERR_FORMAT, "lpis but no pend" },
		{ "{\"version\": 1, \"boot_id\": \"" BOOT_ID
		  "\", \"cpus\": [{\"cpu\": 0, \"lpis\": true, \"pend\": \"zz\"}]}",
		  BOOT_ID, -GK_ERR_FORMAT, "bad cpu, base or pend" },
		{ "{\"version\": 1, \"boot_id\": \"" BOOT_ID
		  "\", \"idbits\": 99, \"cpus\": []}",
		  BOOT_ID, -GK_ERR_FORMAT, "idbits" },
		{ "{\"version\": 1, \"boot_id\": \"" BOOT_ID
		  "\", \"prop\": 5, \"cpus\": []}",
		  BOOT_ID, -GK_ERR_FORMAT, "bad prop" },
		{ "{\"version\": 1, \"boot_id\": \"" BOOT_ID
		  "\", \"cpus\": []} {}",
		  BOOT_ID, -GK_ERR_FORMAT, "more after the JSON object" },
		{ "", BOOT_ID, -GK_ERR_FORMAT, "unexpected end of data" },
	};

	(void)state;
	for (size_t i = 0; i < GK_ARRAY_SIZE(cases); i++) {
		struct gk_err e = { 0 };
		struct gk_lpisrc s;

		assert_int_equal(read_rec(cases[i].json, cases[i].boot_id, "0",
					  &s, &e),
				 cases[i].ret);
		assert_non_null(strstr(e.msg, cases[i].msg));
		assert_null(strchr(e.msg, '\n'));
		assert_int_equal(s.n, 0);
	}
}

/* A library loaded on demand: its absence is one line naming the package. */
static void test_dl(void **state)
{
	struct {
		int (*f)(void);
	} tab;
	const struct gk_dlsym sym[] = { GK_DLSYM(__typeof__(tab), f,
						 "getpid") },
			      bad[] = { GK_DLSYM(__typeof__(tab), f,
						 "no_such_fn"),
					{ 0, "no_such_fn", "getpid" } };
	struct gk_err e = { 0 };
	void *h;

	(void)state;
	assert_int_equal(gk_dl_open("libnope.so.9", "libnope9", sym, 1, &tab,
				    &h, &e),
			 -GK_ERR_NOTFOUND);
	assert_non_null(strstr(
		e.msg,
		"libnope.so.9 is not installed (Debian package libnope9)"));
	assert_null(h);
	assert_int_equal(gk_dl_open("libc.so.6", "libc6", bad, 1, &tab, &h, &e),
			 -GK_ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "libc.so.6 has no no_such_fn"));
	/* an older name serves where the newer one is missing */
	assert_int_equal(
		gk_dl_open("libc.so.6", "libc6", bad + 1, 1, &tab, &h, &e), 0);
	assert_int_equal(tab.f(), getpid());
	gk_dl_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partial_log),
		cmocka_unit_test(test_cpus_uncounted),
		cmocka_unit_test(test_order_and_conflicts),
		cmocka_unit_test(test_registers_win),
		cmocka_unit_test(test_on_without_table),
		cmocka_unit_test(test_cpuset),
		cmocka_unit_test(test_bootrec_roundtrip),
		cmocka_unit_test(test_bootrec_refused),
		cmocka_unit_test(test_dl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
