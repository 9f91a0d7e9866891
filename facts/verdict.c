// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The checks mirror the next kernel's own decision (irq-gic-v3-its.c,
 * doc/kernel.md#reuse): if the boot CPU's redistributor has LPIs
 * enabled, the next kernel reuses its PROPBASER when the first 64 KiB lie
 * inside one merged memblock reservation (a crash kernel skips that
 * check), then clears the whole property table, requires every enabled
 * redistributor to share it, and checks each pending table. A reservation
 * protects only when it is persistent: an EFI memreserve entry, a
 * /memreserve/ entry or a static /reserved-memory node in the next DTB.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

/* What a finding tells the engine, beyond its severities. */
enum {
	FL_UNDIAGNOSED = 1u << 0, /* the verdict is UNKNOWN */
	FL_LIVE = 1u << 1,	  /* the tables are live, though unknown */
};

struct code_def {
	const char *name;
	const char *what; /* for --help: at most 55 characters */
};

/* Every finding code, in the order gicdiag(8) explains them. */
static const struct code_def codes[] = {
	[GK_CODE_NOT_GICV3] = { "NOT-GICV3",
				"no GICv3 or GICv4: no LPIs, nothing to do" },
	[GK_CODE_NO_LPIS] = { "NO-LPIS",
			      "no LPIs in the GIC, or no ITS to enable them" },
	[GK_CODE_LPIS_DISABLED] = { "LPIS-DISABLED",
				    "no redistributor has LPIs on: fresh tables" },
	[GK_CODE_RDS_PARTIAL] = { "RDS-PARTIAL",
				  "LPIs on in some redistributors only" },
	[GK_CODE_BOOT_RD_DISABLED] = { "BOOT-RD-DISABLED",
				       "the boot CPU's redistributor has LPIs off, others on" },
	[GK_CODE_EVIDENCE_SOURCES] = { "EVIDENCE-SOURCES",
				       "registers not read: the tables from other sources" },
	[GK_CODE_NO_EVIDENCE] = { "NO-EVIDENCE",
				  "no source tells where the tables are: UNKNOWN" },
	[GK_CODE_TABLES_UNKNOWN] = { "TABLES-UNKNOWN",
				     "no source names some tables" },
	[GK_CODE_SOURCES_DISAGREE] = { "SOURCES-DISAGREE",
				       "two sources name different tables: the stronger wins" },
	[GK_CODE_PROP_MISMATCH] = { "PROP-MISMATCH",
				    "redistributors use different property tables" },
	[GK_CODE_PROP_UNRESERVED] = { "PROP-UNRESERVED",
				      "the property table is in no persistent reservation" },
	[GK_CODE_PEND_UNRESERVED] = { "PEND-UNRESERVED",
				      "a pending table is in no persistent reservation" },
	[GK_CODE_RESERVATION_TOO_SMALL] = { "RESERVATION-TOO-SMALL",
					    "a reservation holds a table's start, not all of it" },
	[GK_CODE_TABLE_IN_CRASHKERNEL] = { "TABLE-IN-CRASHKERNEL",
					   "a table lies in the crash kernel's memory" },
	[GK_CODE_MEMRESERVE_CORRUPT] = { "MEMRESERVE-CORRUPT",
					 "the EFI memreserve list breaks the next kernel's walk" },
	[GK_CODE_MEMRESERVE_ODD] = { "MEMRESERVE-ODD",
				     "the EFI memreserve list has odd, harmless entries" },
	[GK_CODE_MEMRESERVE_UNREADABLE] = { "MEMRESERVE-UNREADABLE",
					    "the EFI memreserve list could not be read" },
	[GK_CODE_KERNEL_WITHOUT_SUPPORT] = { "KERNEL-WITHOUT-SUPPORT",
					     "an EFI-booted kernel without a MEMRESERVE table" },
	[GK_CODE_NON_EFI_BOOT] = { "NON-EFI-BOOT",
				   "a device-tree boot: the loader must pass the tables" },
	[GK_CODE_KEXEC_FILE_NONEFI] = { "KEXEC-FILE-NONEFI",
					"kexec_file_load on a DT boot: tables unreserved" },
	[GK_CODE_PREVIOUS_LOSS] = { "PREVIOUS-LOSS",
				    "this boot did not reuse the previous tables" },
	[GK_CODE_LOADED_STALE] = { "LOADED-STALE",
				   "a loaded image of ours misses a table live since" },
	[GK_CODE_KEXEC_TOOLS_TOO_OLD] = { "KEXEC-TOOLS-TOO-OLD",
					  "kexec-tools before 2.0.21 loads over the tables" },
	[GK_CODE_LOADER_UNKNOWN] = { "LOADER-UNKNOWN",
				     "kexec-tools' version is unknown" },
	[GK_CODE_LOCKDOWN] = { "LOCKDOWN",
			       "kernel lockdown refuses /dev/mem and kexec_load" },
	[GK_CODE_KEXEC_DISABLED] = { "KEXEC-DISABLED",
				     "kernel.kexec_load_disabled: no image can be loaded" },
	[GK_CODE_KDUMP_NOT_LOADED] = { "KDUMP-NOT-LOADED",
				       "no crash kernel is loaded" },
	[GK_CODE_KDUMP_KERNEL] = { "KDUMP-KERNEL", "this is a crash kernel" },
};

_Static_assert(GK_ARRAY_SIZE(codes) == GK_NCODES,
	       "every finding code is declared");

/*
 * The findings the checks make: a code with its severity per target. A
 * code whose severity depends on the case has one entry per case, so a
 * check picks an entry and never a severity.
 */
enum finding {
	F_NOT_GICV3,
	F_NO_LPIS,
	F_LPIS_DISABLED,
	F_RDS_PARTIAL,
	F_BOOT_RD_DISABLED,
	F_EVIDENCE_SOURCES,
	F_NO_EVIDENCE,
	F_TABLES_UNKNOWN,
	F_TABLES_UNKNOWN_EFI,
	F_SOURCES_DISAGREE,
	F_SOURCES_DISAGREE_STRONG,
	F_PROP_MISMATCH,
	F_PROP_UNRESERVED,
	F_PROP_UNRESERVED_UNREAD,
	F_PEND_UNRESERVED,
	F_PEND_UNRESERVED_UNREAD,
	F_TOO_SMALL,
	F_TOO_SMALL_UNREAD,
	F_TABLE_IN_CRASHKERNEL,
	F_MEMRESERVE_CORRUPT,
	F_MEMRESERVE_ODD,
	F_MEMRESERVE_UNREADABLE,
	F_KERNEL_WITHOUT_SUPPORT,
	F_NON_EFI_BOOT,
	F_KEXEC_FILE_NONEFI,
	F_PREVIOUS_LOSS,
	F_LOADED_STALE_KEXEC,
	F_LOADED_STALE_KDUMP,
	F_KEXEC_TOOLS_TOO_OLD,
	F_LOADER_UNKNOWN,
	F_LOADER_NONE,
	F_LOCKDOWN,
	F_LOCKDOWN_OURS,
	F_KEXEC_DISABLED,
	F_KEXEC_DISABLED_KEXEC_LOADED,
	F_KEXEC_DISABLED_CRASH_LOADED,
	F_KEXEC_DISABLED_BOTH_LOADED,
	F_KDUMP_NOT_LOADED,
	F_KDUMP_KERNEL,
	NFINDINGS,
};

struct finding_def {
	enum gk_code code;
	enum gk_sev sev[GK_NTARGETS];
	unsigned int flags; /* FL_* */
};

#define SEV(kexec, kdump)                                                \
	{                                                                \
		[GK_KEXEC] = GK_SEV_##kexec, [GK_KDUMP] = GK_SEV_##kdump \
	}

static const struct finding_def findings[] = {
	[F_NOT_GICV3] = { GK_CODE_NOT_GICV3, SEV(INFO, INFO) },
	[F_NO_LPIS] = { GK_CODE_NO_LPIS, SEV(INFO, INFO) },
	[F_LPIS_DISABLED] = { GK_CODE_LPIS_DISABLED, SEV(INFO, INFO) },
	[F_RDS_PARTIAL] = { GK_CODE_RDS_PARTIAL, SEV(INFO, INFO) },
	/* a crash kernel copes: it allocates new tables, at risk */
	[F_BOOT_RD_DISABLED] = { GK_CODE_BOOT_RD_DISABLED, SEV(FATAL, WARN) },
	[F_EVIDENCE_SOURCES] = { GK_CODE_EVIDENCE_SOURCES, SEV(INFO, INFO) },
	[F_NO_EVIDENCE] = { GK_CODE_NO_EVIDENCE, SEV(FATAL, FATAL),
			    FL_UNDIAGNOSED },
	/*
	 * Fatal for kdump too: an unknown table cannot be checked against
	 * the crash kernel's memory, and a load never goes blind. On an EFI
	 * boot whose memreserve list was read, that kernel registered every
	 * table it allocated there: information.
	 */
	[F_TABLES_UNKNOWN] = { GK_CODE_TABLES_UNKNOWN, SEV(FATAL, FATAL),
			       FL_LIVE },
	[F_TABLES_UNKNOWN_EFI] = { GK_CODE_TABLES_UNKNOWN, SEV(INFO, INFO),
				   FL_LIVE },
	/* the registers or kernel memory won: nothing in doubt */
	[F_SOURCES_DISAGREE] = { GK_CODE_SOURCES_DISAGREE, SEV(WARN, WARN) },
	[F_SOURCES_DISAGREE_STRONG] = { GK_CODE_SOURCES_DISAGREE,
					SEV(INFO, INFO) },
	[F_PROP_MISMATCH] = { GK_CODE_PROP_MISMATCH, SEV(FATAL, FATAL) },
	/*
	 * A crash kernel skips the reserved-range check; the _UNREAD cases:
	 * the memreserve list could not be read and may hold the table.
	 */
	[F_PROP_UNRESERVED] = { GK_CODE_PROP_UNRESERVED, SEV(FATAL, NONE) },
	[F_PROP_UNRESERVED_UNREAD] = { GK_CODE_PROP_UNRESERVED,
				       SEV(WARN, NONE) },
	[F_PEND_UNRESERVED] = { GK_CODE_PEND_UNRESERVED, SEV(FATAL, NONE) },
	[F_PEND_UNRESERVED_UNREAD] = { GK_CODE_PEND_UNRESERVED,
				       SEV(WARN, NONE) },
	[F_TOO_SMALL] = { GK_CODE_RESERVATION_TOO_SMALL, SEV(FATAL, NONE) },
	[F_TOO_SMALL_UNREAD] = { GK_CODE_RESERVATION_TOO_SMALL,
				 SEV(WARN, NONE) },
	[F_TABLE_IN_CRASHKERNEL] = { GK_CODE_TABLE_IN_CRASHKERNEL,
				     SEV(NONE, FATAL) },
	[F_MEMRESERVE_CORRUPT] = { GK_CODE_MEMRESERVE_CORRUPT,
				   SEV(FATAL, FATAL) },
	[F_MEMRESERVE_ODD] = { GK_CODE_MEMRESERVE_ODD, SEV(INFO, INFO) },
	[F_MEMRESERVE_UNREADABLE] = { GK_CODE_MEMRESERVE_UNREADABLE,
				      SEV(WARN, NONE) },
	[F_KERNEL_WITHOUT_SUPPORT] = { GK_CODE_KERNEL_WITHOUT_SUPPORT,
				       SEV(FATAL, NONE) },
	[F_NON_EFI_BOOT] = { GK_CODE_NON_EFI_BOOT, SEV(INFO, NONE) },
	/* a crash kernel needs no table reserved: TABLE-IN-CRASHKERNEL */
	[F_KEXEC_FILE_NONEFI] = { GK_CODE_KEXEC_FILE_NONEFI, SEV(FATAL, NONE) },
	[F_PREVIOUS_LOSS] = { GK_CODE_PREVIOUS_LOSS, SEV(WARN, WARN) },
	/* fatal for the target whose loaded image misses the table */
	[F_LOADED_STALE_KEXEC] = { GK_CODE_LOADED_STALE, SEV(FATAL, NONE) },
	[F_LOADED_STALE_KDUMP] = { GK_CODE_LOADED_STALE, SEV(NONE, FATAL) },
	[F_KEXEC_TOOLS_TOO_OLD] = { GK_CODE_KEXEC_TOOLS_TOO_OLD,
				    SEV(FATAL, NONE) },
	/* _NONE: auto found no kexec at all, no loader to judge yet */
	[F_LOADER_UNKNOWN] = { GK_CODE_LOADER_UNKNOWN, SEV(WARN, NONE) },
	[F_LOADER_NONE] = { GK_CODE_LOADER_UNKNOWN, SEV(INFO, NONE) },
	/* _OURS: our kexec where the kernel has no (known) kexec_file_load */
	[F_LOCKDOWN] = { GK_CODE_LOCKDOWN, SEV(INFO, INFO) },
	[F_LOCKDOWN_OURS] = { GK_CODE_LOCKDOWN, SEV(FATAL, INFO) },
	/* fatal for a target unless its image is loaded already */
	[F_KEXEC_DISABLED] = { GK_CODE_KEXEC_DISABLED, SEV(FATAL, FATAL) },
	[F_KEXEC_DISABLED_KEXEC_LOADED] = { GK_CODE_KEXEC_DISABLED,
					    SEV(INFO, FATAL) },
	[F_KEXEC_DISABLED_CRASH_LOADED] = { GK_CODE_KEXEC_DISABLED,
					    SEV(FATAL, INFO) },
	[F_KEXEC_DISABLED_BOTH_LOADED] = { GK_CODE_KEXEC_DISABLED,
					   SEV(INFO, INFO) },
	[F_KDUMP_NOT_LOADED] = { GK_CODE_KDUMP_NOT_LOADED, SEV(NONE, INFO) },
	[F_KDUMP_KERNEL] = { GK_CODE_KDUMP_KERNEL, SEV(INFO, INFO) },
};

_Static_assert(GK_ARRAY_SIZE(findings) == NFINDINGS,
	       "every finding is declared");

struct judge {
	const struct gk_facts *f;
	enum gk_loader loader;
	struct gk_report *r;
	int boot;	      /* the boot CPU's redistributor, -1: none */
	uint64_t prop;	      /* the property table, 0 unknown */
	unsigned int flags;   /* FL_* of the findings made */
	struct gk_range *rsv; /* persistent reservations, merged */
	size_t nrsv;
	bool nomem;
};

static void add(struct judge *j, enum finding id, int rd, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct judge *j, enum finding id, int rd, const char *fmt, ...)
{
	const struct finding_def *def = &findings[id];
	struct gk_report *r = j->r;
	struct gk_finding *fd;
	va_list ap;

	fd = realloc(r->findings, (r->nfindings + 1) * sizeof(*fd));
	if (!fd) {
		j->nomem = true;
		return;
	}
	r->findings = fd;
	fd += r->nfindings++;
	fd->id = def->code;
	fd->code = codes[def->code].name;
	memcpy(fd->sev, def->sev, sizeof(fd->sev));
	fd->rd = rd;
	j->flags |= def->flags;
	va_start(ap, fmt);
	if (vasprintf(&fd->msg, fmt, ap) < 0) {
		fd->msg = NULL;
		j->nomem = true;
	}
	va_end(ap);
}

/* ---- gates ------------------------------------------------------ */

static bool check_gic(struct judge *j)
{
	if (j->f->gic >= 3)
		return true;
	add(j, F_NOT_GICV3, -1, "%s",
	    j->f->gic == 2 && j->f->madt_gic_v0 ?
		    "GIC version not given by the MADT; no redistributor in it: GICv2" :
	    j->f->gic == 2 ?
		    "the interrupt controller is a GICv2: no LPIs" :
	    j->f->madt_no_gic ?
		    "the MADT has no GICD structure: no Arm GIC (an x86 machine), no LPIs" :
		    "no GICv3 found in the device tree, the MADT or the kernel log");
	return false;
}

static bool check_lpis_supported(struct judge *j)
{
	const struct gk_facts *f = j->f;

	/* Linux enables LPIs only with an ITS (its_init) */
	bool no_its = f->log.no_its || (f->evidence != GK_EVID_REGS &&
					f->gic_source[0] && !f->nits);

	if (f->lpis_supported != 0 && !no_its)
		return true;
	add(j, F_NO_LPIS, -1, "%s",
	    no_its ?
		    "there is no ITS: the kernel does not enable LPIs" :
		    "the GIC does not implement LPIs (GICD_TYPER.LPIS, GICR_TYPER.PLPIS)");
	return false;
}

/* The sources used, "kernel-log+journal", into @buf. */
static const char *sources_used(const struct gk_facts *f, char *buf, size_t n)
{
	size_t k = 0;

	buf[0] = '\0';
	for (int s = GK_SRC_REGS; s < GK_NSRC; s++)
		if (f->src[s].used && k < n)
			k += (size_t)snprintf(buf + k, n - k, "%s%s",
					      k ? "+" : "",
					      gk_src_name((enum gk_src)s));
	if (!buf[0])
		snprintf(buf, n, "no source");
	return buf;
}

/* Why the sources said nothing, each in a few words, into @buf. */
static const char *why_unknown(const struct gk_facts *f, char *buf, size_t n)
{
	static const enum gk_src order[] = { GK_SRC_KLOG, GK_SRC_JOURNAL,
					     GK_SRC_BOOTREC, GK_SRC_KMEM };
	size_t k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < GK_ARRAY_SIZE(order) && k < n; i++) {
		const char *w = f->src[order[i]].why;

		if (order[i] == GK_SRC_KLOG && !w[0])
			w = f->log_ok ? "the kernel log names no table" :
					f->log_why;
		if (w[0]) /* one sentence of several: no full stops */
			k += (size_t)snprintf(
				buf + k, n - k, "%s%.*s", k ? "; " : "",
				(int)(strlen(w) - (w[strlen(w) - 1] == '.')),
				w);
	}
	return buf;
}

/* Enough to decide: a table known, or every redistributor known off. */
static bool check_evidence(struct judge *j)
{
	const struct gk_facts *f = j->f;
	bool known = f->evidence == GK_EVID_REGS, all_off = f->nrds > 0;
	char used[128], why[1024];

	sources_used(f, used, sizeof(used));
	known |= f->prop != 0; /* the property table alone is evidence */
	for (size_t i = 0; i < f->nrds; i++) {
		known |= f->rds[i].lpis;
		all_off &= !f->rds[i].lpis && !f->rds[i].unknown;
	}
	if (f->evidence == GK_EVID_SOURCES && strcmp(used, "no source"))
		add(j, F_EVIDENCE_SOURCES, -1,
		    "registers not read (%s); judged from %s",
		    f->regs_why[0] ? f->regs_why : "unavailable", used);
	if (known || (all_off && !f->cpus_unknown))
		return true;
	if (f->efi && f->mr == GK_MR_OK && f->nmemreserve) {
		add(j, F_TABLES_UNKNOWN_EFI, -1,
		    "no source tells where the LPI tables are (%s), but this EFI boot's kernel registers every table it allocates in the memreserve list",
		    why_unknown(f, why, sizeof(why)));
		return false;
	}
	why_unknown(f, why, sizeof(why));
	add(j, F_NO_EVIDENCE, -1,
	    "nothing tells where the LPI tables are: registers: %s%s%s",
	    f->regs_why[0] ? f->regs_why : "no redistributor found",
	    why[0] ? "; " : "", why);
	return false;
}

/* "0-3,7" for the unknown CPUs, into @buf. */
static void unknown_cpus(const struct gk_facts *f, char *buf, size_t n)
{
	size_t k = 0;
	int run = -2, last = -2;

	buf[0] = '\0';
	for (size_t i = 0; i <= f->nrds && k < n; i++) {
		int c = i < f->nrds && f->rds[i].unknown ? f->rds[i].cpu : -3;

		if (c >= 0 && c == last + 1) {
			last = c;
			continue;
		}
		if (run >= 0)
			k += (size_t)snprintf(buf + k, n - k,
					      run == last ? "%s%d" : "%s%d-%d",
					      k ? "," : "", run, last);
		run = last = c;
	}
}

/*
 * A redistributor whose tables no source names (its boot lines left the
 * ring buffer): the load cannot reserve what it does not know.
 */
static bool check_known(struct judge *j)
{
	const struct gk_facts *f = j->f;
	bool firmware = f->efi && f->mr == GK_MR_OK && f->nmemreserve;
	bool prop = !j->prop && f->evidence != GK_EVID_REGS;
	char cpus[256], what[384], why[1024];

	unknown_cpus(f, cpus, sizeof(cpus));
	if (!cpus[0] && !prop && !f->cpus_unknown)
		return true;
	snprintf(what, sizeof(what), "%s%s%s%s%s",
		 cpus[0] ? "the LPI tables of CPU " : "", cpus,
		 cpus[0] && prop ? " and " : "",
		 prop ? "the property table" : "",
		 f->cpus_unknown ?
			 (cpus[0] || prop ?
				  " (and of CPUs never counted)" :
				  "the LPI tables of CPUs never counted") :
			 "");
	add(j, firmware ? F_TABLES_UNKNOWN_EFI : F_TABLES_UNKNOWN, -1,
	    "%s: not known (%s)%s", what, why_unknown(f, why, sizeof(why)),
	    firmware ?
		    ", but this EFI boot's kernel registers every table it allocates in the memreserve list" :
		    "; to know them, boot with iomem=relaxed, keep a persistent journal (Storage=persistent) or enable gic-kexec-boot.service");
	return true;
}

static const char *src_or(enum gk_src s)
{
	return s == GK_SRC_NONE ? "an earlier source" : gk_src_name(s);
}

/* Two sources that name different tables: the stronger one won. */
static bool check_sources(struct judge *j)
{
	const struct gk_facts *f = j->f;

	for (size_t i = 0; i < f->nconflicts; i++) {
		const struct gk_conflict *c = &f->conflicts[i];
		enum finding id = c->won <= GK_SRC_KMEM ?
					  F_SOURCES_DISAGREE_STRONG :
					  F_SOURCES_DISAGREE;
		char what[48];

		if (c->cpu < 0)
			snprintf(what, sizeof(what), "the property table");
		else
			snprintf(what, sizeof(what), "CPU%d's pending table",
				 c->cpu);
		add(j, id, -1,
		    "%s names %s 0x%llx, %s 0x%llx: %s wins, and both stay out of the next kernel's way",
		    gk_src_name(c->lost), what, (unsigned long long)c->other,
		    src_or(c->won), (unsigned long long)c->kept,
		    src_or(c->won));
	}
	return true;
}

static bool check_lpis_enabled(struct judge *j)
{
	size_t on = 0, unknown = 0;

	for (size_t i = 0; i < j->f->nrds; i++) {
		on += j->f->rds[i].lpis;
		unknown += j->f->rds[i].unknown;
	}
	/* an RD no source knows is on as far as anyone can tell */
	if ((on || unknown) && j->boot >= 0 &&
	    (j->f->rds[j->boot].lpis || j->f->rds[j->boot].unknown)) {
		if (on + unknown < j->f->nrds)
			add(j, F_RDS_PARTIAL, -1,
			    "LPIs are enabled on %zu of %zu redistributors (CPUs never brought up keep them off)",
			    on + unknown, j->f->nrds);
		return true;
	}
	if (on)
		add(j, F_BOOT_RD_DISABLED, j->boot,
		    "the boot CPU's redistributor has LPIs disabled while %zu others have them enabled: the next kernel allocates new tables and finds the others enabled",
		    on);
	else
		add(j, F_LPIS_DISABLED, -1,
		    "no redistributor has LPIs enabled: the next kernel allocates fresh tables");
	return false;
}

/* ---- the tables -------------------------------------------------- */

static bool check_prop_mismatch(struct judge *j)
{
	bool ok = true;

	for (size_t i = 0; i < j->f->nrds; i++) {
		const struct gk_rdfact *rd = &j->f->rds[i];

		if (!rd->lpis || !rd->prop || rd->prop == j->prop)
			continue;
		add(j, F_PROP_MISMATCH, (int)i,
		    "redistributor %zu uses property table 0x%llx, the boot CPU's uses 0x%llx: the next kernel WARNs and cannot use it",
		    i, (unsigned long long)rd->prop,
		    (unsigned long long)j->prop);
		ok = false;
	}
	return ok;
}

/* Is [start, start+len) inside one merged persistent reservation? */
static int coverage(const struct judge *j, uint64_t start, uint64_t len)
{
	struct gk_range want;
	long by;

	if (!gk_range_from_len(&want, start, len))
		return 0;
	if (gk_ranges_covers(j->rsv, j->nrsv, &want, &by))
		return 2;
	return by >= 0 && j->rsv[by].start <= start ? 1 : 0; /* 1: too small */
}

/* The unreadable list may hold it: the finding's _UNREAD case. */
static bool unread(const struct judge *j)
{
	return j->f->mr == GK_MR_UNREADABLE;
}

static bool check_prop_reserved(struct judge *j)
{
	uint64_t full = j->f->prop_size;
	int c;

	if (j->loader == GK_LOADER_OURS || !j->prop)
		return true; /* it passes every table; TABLES-UNKNOWN */
	c = coverage(j, j->prop, gk_prop_check_size());
	if (c == 0) {
		add(j, unread(j) ? F_PROP_UNRESERVED_UNREAD : F_PROP_UNRESERVED,
		    j->boot,
		    "property table 0x%llx is in no persistent reservation: the next kernel logs \"Expected reserved range\", and on hardware that cannot disable LPIs loses them",
		    (unsigned long long)j->prop);
		return false;
	}
	if (c == 1 || coverage(j, j->prop, full) != 2) {
		add(j, unread(j) ? F_TOO_SMALL_UNREAD : F_TOO_SMALL, j->boot,
		    "property table 0x%llx needs %llu KiB reserved, less is: the next kernel clears the whole table",
		    (unsigned long long)j->prop,
		    (unsigned long long)(full >> 10));
		return false;
	}
	return true;
}

/* A pending table not wholly reserved: @c as coverage() says. */
static enum finding pend_finding(int c, bool list_unread)
{
	if (c)
		return list_unread ? F_TOO_SMALL_UNREAD : F_TOO_SMALL;
	return list_unread ? F_PEND_UNRESERVED_UNREAD : F_PEND_UNRESERVED;
}

static bool check_pend_reserved(struct judge *j)
{
	uint64_t size = j->f->pend_size;
	bool ok = true;

	if (j->loader == GK_LOADER_OURS)
		return true;
	for (size_t i = 0; i < j->f->nrds; i++) {
		const struct gk_rdfact *rd = &j->f->rds[i];
		int c;

		if (!rd->lpis || !rd->pend)
			continue;
		c = coverage(j, rd->pend, size);
		if (c == 2)
			continue;
		add(j, pend_finding(c, unread(j)), (int)i,
		    "pending table 0x%llx of redistributor %zu is not wholly in a persistent reservation (%llu KiB): the GIC keeps writing into memory the next kernel hands out",
		    (unsigned long long)rd->pend, i,
		    (unsigned long long)(size >> 10));
		ok = false;
	}
	return ok;
}

static bool overlaps_crash(const struct judge *j, uint64_t start, uint64_t len)
{
	struct gk_range t;

	if (!gk_range_from_len(&t, start, len))
		return false;
	for (size_t i = 0; i < j->f->ncrash; i++)
		if (gk_range_overlaps(&t, &j->f->crash[i]))
			return true;
	return false;
}

static bool check_crashkernel(struct judge *j)
{
	bool ok = true;

	if (j->prop && overlaps_crash(j, j->prop, j->f->prop_size)) {
		add(j, F_TABLE_IN_CRASHKERNEL, j->boot,
		    "property table 0x%llx overlaps the crash kernel's memory, which the crash kernel uses as its own",
		    (unsigned long long)j->prop);
		ok = false;
	}
	for (size_t i = 0; i < j->f->nrds; i++) {
		const struct gk_rdfact *rd = &j->f->rds[i];

		if (!rd->lpis || !rd->pend ||
		    !overlaps_crash(j, rd->pend, j->f->pend_size))
			continue;
		add(j, F_TABLE_IN_CRASHKERNEL, (int)i,
		    "pending table 0x%llx of redistributor %zu overlaps the crash kernel's memory",
		    (unsigned long long)rd->pend, i);
		ok = false;
	}
	return ok;
}

/* ---- reservations and boot ------------------------------------------ */

static bool check_memreserve(struct judge *j)
{
	const struct gk_facts *f = j->f;

	if (f->mr == GK_MR_CORRUPT) {
		add(j, F_MEMRESERVE_CORRUPT, -1,
		    "the EFI memreserve list would break the next kernel's walk: %s",
		    f->mr_why);
		return false;
	}
	if (f->mr == GK_MR_OK && f->mr_odd)
		add(j, F_MEMRESERVE_ODD, -1,
		    "the EFI memreserve list has misaligned, overlapping or zero-sized entries; the kernel reserves them as they are");
	if (f->mr == GK_MR_UNREADABLE)
		add(j, F_MEMRESERVE_UNREADABLE, -1,
		    "the EFI memreserve list could not be read (%s)",
		    f->mr_why);
	return true;
}

static bool check_kernel_support(struct judge *j)
{
	if (j->f->efi && j->f->mr == GK_MR_NO_TABLE &&
	    j->loader != GK_LOADER_OURS) {
		add(j, F_KERNEL_WITHOUT_SUPPORT, -1,
		    "this EFI-booted kernel publishes no persistent reservations (no MEMRESERVE table: a kernel before 4.20 or without the backport)");
		return false;
	}
	return true;
}

static bool check_boot_type(struct judge *j)
{
	if (j->f->efi)
		return true;
	add(j, F_NON_EFI_BOOT, -1, "%s",
	    j->loader == GK_LOADER_OURS ?
		    "device-tree boot: the tables stay reserved because gic-kexec's loader passes them as /memreserve/" :
		    "device-tree boot: nothing publishes the tables; only a loader that passes them as /memreserve/ (gic-kexec's kexec, not kexec-tools) keeps them reserved");
	return true;
}

/*
 * Does the boot device tree reserve every live table? kexec_file_load
 * hands the next kernel this boot's DTB, its /memreserve/ map and
 * /reserved-memory as they are (on a DT boot the only persistent
 * reservations), and adds nothing: an EFI boot has its memreserve list,
 * judged by PROP-UNRESERVED and PEND-UNRESERVED.
 */
static bool boot_dtb_keeps(const struct judge *j)
{
	if (j->f->efi)
		return true;
	if (j->prop && coverage(j, j->prop, j->f->prop_size) != 2)
		return false;
	for (size_t i = 0; i < j->f->nrds; i++) {
		const struct gk_rdfact *rd = &j->f->rds[i];

		if (rd->lpis && rd->pend &&
		    coverage(j, rd->pend, j->f->pend_size) != 2)
			return false;
	}
	return true;
}

/*
 * The next load goes through kexec_file_load: kexec -s, --loader
 * kexec-file, or kexec-tools >= 2.0.27 on a kernel that has it.
 */
static bool locked_down(const struct gk_facts *f)
{
	return f->lockdown[0] && strcmp(f->lockdown, "none");
}

/* under lockdown our kexec can load only through kexec_file_load (-s) */
static bool ours_by_file(const struct judge *j)
{
	return j->loader == GK_LOADER_OURS && locked_down(j->f) &&
	       j->f->kexec_file == 1;
}

static bool check_file_load(struct judge *j)
{
	const char *v = j->f->kt_version;
	char who[160];

	if (!(j->f->file_load || ours_by_file(j)) || boot_dtb_keeps(j))
		return true;
	if (ours_by_file(j))
		snprintf(
			who, sizeof(who),
			"under lockdown kexec loads with kexec_file_load (-s)");
	else if (v[0])
		snprintf(
			who, sizeof(who),
			"kexec-tools %s loads with kexec_file_load (its default since 2.0.27, and this kernel has it)",
			v);
	else
		snprintf(who, sizeof(who), "kexec_file_load");
	add(j, F_KEXEC_FILE_NONEFI, -1,
	    "%s on a device-tree boot: the next kernel gets this boot's device tree as it is, whose /memreserve/ and /reserved-memory do not cover every live LPI table (kexec_load with gic-kexec's kexec passes them)",
	    who);
	return false;
}

static bool check_previous_loss(struct judge *j)
{
	const struct lpilog *l = &j->f->log;
	bool lost = l->expected_missing;

	for (size_t i = 0; i < l->ncpus; i++)
		lost |= l->cpus[i].booted_enabled | l->cpus[i].failed_disable;
	if (!lost)
		return true;
	add(j, F_PREVIOUS_LOSS, -1,
	    "this kernel was booted with LPIs enabled and did not reuse the previous tables (see gicdiag confirm): memory may already be corrupted");
	return true;
}

/*
 * Does the image of ours loaded for @t keep @rd's pending table reserved?
 * One that passed the tables reserves those its manifest lists; one that
 * passed none (the EFI list held them, or --lpi-reserve=never) leaves a
 * kexec'd kernel to the persistent reservations. A crash kernel checks no
 * reservation (is_kdump_kernel()): for it only the tables passed count.
 */
static bool loaded_reserves(const struct gk_facts *f, enum gk_target t,
			    const struct gk_rdfact *rd)
{
	const struct gk_loaded *l = &f->loaded[t];
	struct gk_range want;

	if (!l->passed)
		return t == GK_KDUMP ||
		       rd->pend_rsv[GK_LOADER_KEXEC_TOOLS] != GK_RSV_NONE;
	return gk_range_from_len(&want, rd->pend, f->pend_size) &&
	       gk_ranges_covers(l->tables, l->ntables, &want, NULL);
}

/*
 * An image our kexec loaded reserves the tables that were live at the load.
 * A CPU brought online since has a live pending table it does not reserve
 * (98-gic-kexec.rules reloads; this says when that has not happened).
 */
static bool loaded_stale(struct judge *j, enum gk_target t)
{
	static const enum finding stale[] = {
		[GK_KEXEC] = F_LOADED_STALE_KEXEC,
		[GK_KDUMP] = F_LOADED_STALE_KDUMP,
	};
	const struct gk_facts *f = j->f;
	int loaded = t == GK_KDUMP ? f->kexec_crash_loaded : f->kexec_loaded;
	bool ok = true;

	if (loaded != 1 || !f->loaded[t].ours)
		return true;
	/* the same rule as check_file_load(), for the image loaded */
	if (t == GK_KEXEC && f->loaded[t].file && !boot_dtb_keeps(j)) {
		add(j, F_KEXEC_FILE_NONEFI, -1,
		    "the loaded kexec kernel went through kexec_file_load on a device-tree boot: it gets this boot's device tree, whose /memreserve/ and /reserved-memory do not cover every live LPI table: load it again with kexec_load (kexec -c)");
		return false;
	}
	for (size_t i = 0; i < f->nrds; i++) {
		const struct gk_rdfact *rd = &f->rds[i];

		if (!rd->lpis || !rd->pend || loaded_reserves(f, t, rd))
			continue;
		add(j, stale[t], (int)i,
		    "the loaded %s kernel does not reserve pending table 0x%llx of redistributor %zu, live since the load (a CPU brought online?): load it again (gic-kexec rearm)",
		    t == GK_KDUMP ? "crash" : "kexec",
		    (unsigned long long)rd->pend, i);
		ok = false;
	}
	return ok;
}

static bool check_loaded(struct judge *j)
{
	bool ok = true;

	for (int t = 0; t < GK_NTARGETS; t++)
		ok &= loaded_stale(j, (enum gk_target)t);
	return ok;
}

/*
 * Lockdown refuses kexec_load: kexec-tools and our kexec (-s) load signed
 * images through kexec_file_load where the kernel has it; without it no
 * kexec is possible, and where that is not known, neither is a load.
 */
static void lockdown_finding(struct judge *j)
{
	const struct gk_facts *f = j->f;
	static const char *const why[] = {
		"this kernel has no kexec_file_load (CONFIG_KEXEC_FILE not set): no kexec is possible while it is locked down",
		"kexec loads through kexec_file_load (-s), only images signed with a key this kernel trusts",
		"only signed images through kexec_file_load, and whether this kernel has it is not known (no /boot/config-RELEASE)",
	};
	int k = f->kexec_file == 1 ? 1 : f->kexec_file == 0 ? 0 : 2;

	if (j->loader != GK_LOADER_OURS)
		add(j, F_LOCKDOWN, -1,
		    "kernel lockdown (%s) refuses /dev/mem and kexec_load; only signed images through kexec_file_load",
		    f->lockdown);
	else
		add(j, k == 1 ? F_LOCKDOWN : F_LOCKDOWN_OURS, -1,
		    "kernel lockdown (%s) refuses /dev/mem and kexec_load: %s",
		    f->lockdown, why[k]);
}

static bool check_kexec_state(struct judge *j)
{
	/* [kexec image loaded][crash image loaded] */
	static const enum finding disabled[2][2] = {
		{ F_KEXEC_DISABLED, F_KEXEC_DISABLED_CRASH_LOADED },
		{ F_KEXEC_DISABLED_KEXEC_LOADED, F_KEXEC_DISABLED_BOTH_LOADED },
	};
	const struct gk_facts *f = j->f;

	if (locked_down(f))
		lockdown_finding(j);
	if (f->kexec_load_disabled == 1)
		add(j,
		    disabled[f->kexec_loaded == 1][f->kexec_crash_loaded == 1],
		    -1,
		    "kernel.kexec_load_disabled is 1: no image can be loaded any more");
	if (f->kexec_crash_loaded == 0)
		add(j, F_KDUMP_NOT_LOADED, -1, "%s",
		    f->ncrash ?
			    "no crash kernel is loaded" :
			    "no crash kernel is loaded and no memory is reserved for one (crashkernel=)");
	if (f->kdump_kernel)
		add(j, F_KDUMP_KERNEL, -1, "this is a crash kernel");
	return true;
}

/* "2.0.25" < 2.0.21? Numbers compared field by field. */
static bool version_before(const char *v, const unsigned int *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned long x = strtoul(v, (char **)&v, 10);

		if (x != want[i])
			return x < want[i];
		if (*v == '.')
			v++;
	}
	return false;
}

/*
 * kexec-tools before 2.0.21 (commit f736104) ignores the "reserved" ranges
 * of /proc/iomem: on an EFI boot it loads over the memreserve table and
 * the LPI tables (Debian 11's 2.0.20; the next kernel oopses in
 * efi_config_parse_tables).
 */
static bool check_loader_version(struct judge *j)
{
	static const unsigned int fixed[] = { 2, 0, 21 };
	const struct gk_facts *f = j->f;

	if (j->loader != GK_LOADER_KEXEC_TOOLS || !f->kt_asked || !f->efi)
		return true;
	if (!f->kt_version[0]) {
		/* nothing found by auto: no loader to judge yet, said so */
		bool none = !f->kt_probe[0] && f->kt_asked < 2;

		add(j, none ? F_LOADER_NONE : F_LOADER_UNKNOWN, -1,
		    "kexec-tools' version is unknown (%s): before 2.0.21 it loads over the reserved ranges of /proc/iomem, here the EFI memreserve table and the LPI tables",
		    f->kt_probe[0] ?
			    f->kt_probe :
			    "no kexec found, or a snapshot that did not record it");
		return true;
	}
	if (!version_before(f->kt_version, fixed, GK_ARRAY_SIZE(fixed)))
		return true;
	add(j, F_KEXEC_TOOLS_TOO_OLD, -1,
	    "kexec-tools %s ignores the reserved ranges of /proc/iomem (fixed in 2.0.21): it loads the next kernel over the EFI memreserve table and the LPI tables, and the next kernel oopses in efi_config_parse_tables",
	    f->kt_version);
	return false;
}

/* The checks, in the order they run. */
enum check_id {
	CHK_GIC,
	CHK_LPIS,
	CHK_EVIDENCE,
	CHK_KNOWN,
	CHK_SOURCES,
	CHK_ENABLED,
	CHK_PROP_MISMATCH,
	CHK_MEMRESERVE,
	CHK_KERNEL_SUPPORT,
	CHK_BOOT_TYPE,
	CHK_FILE_LOAD,
	CHK_PROP_RESERVED,
	CHK_PEND_RESERVED,
	CHK_CRASHKERNEL,
	CHK_PREVIOUS_LOSS,
	CHK_LOADED,
	CHK_LOADER_VERSION,
	CHK_KEXEC_STATE,
	NCHECKS,
};

_Static_assert(NCHECKS <= 32, "prerequisites fit a 32-bit mask");

typedef bool (*check_fn)(struct judge *j);

struct check {
	check_fn fn;	/* false: dependent checks do not run */
	uint32_t after; /* prerequisites, bits of enum check_id */
	bool live;	/* passed: the tables are live, the verdict
				 * REUSABLE rather than NOT-AFFECTED */
};

/*
 * @p as a prerequisite of check @self: a bit of .after. It must come
 * earlier in the table, where it has run, or this does not compile.
 */
#define PRE(self, p)                                                      \
	((uint32_t)(1u << (p) |                                           \
		    0 * sizeof(struct {                                   \
			    _Static_assert((p) < (self),                  \
					   #p " must run before " #self); \
			    int x;                                        \
		    })))

static const struct check checks[] = {
	/* a GICv3 or GICv4 is present */
	[CHK_GIC] = { check_gic },
	/* the GIC implements LPIs and the kernel enabled them */
	[CHK_LPIS] = { check_lpis_supported, PRE(CHK_LPIS, CHK_GIC) },
	/* some source tells where the tables are */
	[CHK_EVIDENCE] = { check_evidence, PRE(CHK_EVIDENCE, CHK_LPIS) },
	/* every redistributor's tables are known */
	[CHK_KNOWN] = { check_known, PRE(CHK_KNOWN, CHK_EVIDENCE) },
	/* the evidence sources agree */
	[CHK_SOURCES] = { check_sources, PRE(CHK_SOURCES, CHK_LPIS) },
	/* the boot CPU's redistributor has LPIs enabled */
	[CHK_ENABLED] = { check_lpis_enabled, PRE(CHK_ENABLED, CHK_EVIDENCE),
			  .live = true },
	/* every enabled redistributor shares PROPBASER */
	[CHK_PROP_MISMATCH] = { check_prop_mismatch,
				PRE(CHK_PROP_MISMATCH, CHK_ENABLED) },
	/* the EFI memreserve list is sound */
	[CHK_MEMRESERVE] = { check_memreserve },
	/* an EFI-booted kernel publishes its tables */
	[CHK_KERNEL_SUPPORT] = { check_kernel_support,
				 PRE(CHK_KERNEL_SUPPORT, CHK_ENABLED) },
	/* who publishes the tables on this boot */
	[CHK_BOOT_TYPE] = { check_boot_type, PRE(CHK_BOOT_TYPE, CHK_ENABLED) },
	/* kexec_file_load: the boot DTB reserves every live table */
	[CHK_FILE_LOAD] = { check_file_load,
			    PRE(CHK_FILE_LOAD, CHK_PROP_MISMATCH) },
	/* the property table is persistently reserved */
	[CHK_PROP_RESERVED] = { check_prop_reserved,
				PRE(CHK_PROP_RESERVED, CHK_PROP_MISMATCH) |
					PRE(CHK_PROP_RESERVED,
					    CHK_KERNEL_SUPPORT) },
	/* each pending table is persistently reserved */
	[CHK_PEND_RESERVED] = { check_pend_reserved,
				PRE(CHK_PEND_RESERVED, CHK_ENABLED) |
					PRE(CHK_PEND_RESERVED,
					    CHK_KERNEL_SUPPORT) },
	/* no table lies in the crash kernel's memory */
	[CHK_CRASHKERNEL] = { check_crashkernel,
			      PRE(CHK_CRASHKERNEL, CHK_ENABLED) },
	/* this boot reused the previous tables */
	[CHK_PREVIOUS_LOSS] = { check_previous_loss,
				PRE(CHK_PREVIOUS_LOSS, CHK_GIC) },
	/* a loaded image of ours reserves every live table */
	[CHK_LOADED] = { check_loaded, PRE(CHK_LOADED, CHK_ENABLED) },
	/* kexec-tools keeps clear of reserved memory (>= 2.0.21) */
	[CHK_LOADER_VERSION] = { check_loader_version,
				 PRE(CHK_LOADER_VERSION, CHK_GIC) },
	/* lockdown, kexec_load_disabled, loaded images */
	[CHK_KEXEC_STATE] = { check_kexec_state },
};

_Static_assert(GK_ARRAY_SIZE(checks) == NCHECKS, "every check is declared");

/* Persistent reservations for the next kernel, merged. */
static int collect_rsv(struct judge *j)
{
	const struct gk_facts *f = j->f;
	size_t n = f->nmemreserve + f->ndt_memrsv + f->nresmem;

	j->rsv = calloc(n + 1, sizeof(*j->rsv));
	if (!j->rsv)
		return -GK_ERR_NOMEM;
	if (f->mr == GK_MR_OK && f->nmemreserve)
		memcpy(j->rsv, f->memreserve, f->nmemreserve * sizeof(*j->rsv));
	n = f->mr == GK_MR_OK ? f->nmemreserve : 0;
	if (f->ndt_memrsv)
		memcpy(j->rsv + n, f->dt_memrsv,
		       f->ndt_memrsv * sizeof(*j->rsv));
	n += f->ndt_memrsv;
	if (f->nresmem)
		memcpy(j->rsv + n, f->resmem, f->nresmem * sizeof(*j->rsv));
	n += f->nresmem;
	j->nrsv = gk_ranges_merge(j->rsv, n);
	return 0;
}

/* The boot RD's property table, else the one every enabled RD names. */
static uint64_t find_prop(const struct gk_facts *f, int boot)
{
	if (boot >= 0 && f->rds[boot].prop)
		return f->rds[boot].prop;
	for (size_t i = 0; i < f->nrds; i++)
		if (f->rds[i].lpis && f->rds[i].prop)
			return f->rds[i].prop;
	return f->prop; /* named, though no RD is known to use it */
}

static enum gk_verdict target_verdict(const struct gk_report *r,
				      enum gk_target t, bool affected)
{
	enum gk_sev worst = GK_SEV_NONE;

	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].sev[t] > worst)
			worst = r->findings[i].sev[t];
	if (worst == GK_SEV_FATAL)
		return GK_WILL_FAIL;
	if (worst == GK_SEV_WARN)
		return GK_AT_RISK;
	return affected ? GK_REUSABLE : GK_NOT_AFFECTED;
}

/* Run the checks in order, each when its prerequisites passed. */
static uint32_t run_checks(struct judge *j)
{
	uint32_t passed = 0;

	for (size_t i = 0; i < NCHECKS; i++)
		if ((checks[i].after & passed) == checks[i].after &&
		    checks[i].fn(j))
			passed |= 1u << i;
	return passed;
}

/* The checks whose passing means the tables are live. */
static uint32_t live_checks(void)
{
	uint32_t live = 0;

	for (size_t i = 0; i < NCHECKS; i++)
		live |= (uint32_t)checks[i].live << i;
	return live;
}

int gk_judge(const struct gk_facts *f, enum gk_loader loader,
	     struct gk_report *r)
{
	struct judge j = { .f = f, .loader = loader, .r = r };
	bool affected;
	uint32_t passed;

	memset(r, 0, sizeof(*r));
	if (!f->derived)
		return -GK_ERR_INVAL; /* gk_derive() was not called */
	j.boot = f->boot;
	j.prop = find_prop(f, j.boot);
	if (collect_rsv(&j) < 0)
		return -GK_ERR_NOMEM;
	passed = run_checks(&j);
	free(j.rsv);
	if (j.nomem) {
		gk_report_free(r);
		return -GK_ERR_NOMEM;
	}
	/* affected: the tables are live and will be reused (or lost) */
	affected = (passed & live_checks()) || (j.flags & FL_LIVE);
	for (int t = 0; t < GK_NTARGETS; t++)
		r->verdict[t] =
			j.flags & FL_UNDIAGNOSED ?
				GK_UNKNOWN :
				target_verdict(r, (enum gk_target)t, affected);
	return 0;
}

int gk_judge_loaded(const struct gk_facts *f, enum gk_target t,
		    struct gk_report *r)
{
	struct judge j = { .f = f, .loader = GK_LOADER_OURS, .r = r };

	memset(r, 0, sizeof(*r));
	if (!f->derived)
		return -GK_ERR_INVAL;
	j.boot = f->boot;
	j.prop = find_prop(f, j.boot);
	if (collect_rsv(&j) < 0)
		return -GK_ERR_NOMEM;
	loaded_stale(&j, t);
	free(j.rsv);
	if (j.nomem) {
		gk_report_free(r);
		return -GK_ERR_NOMEM;
	}
	for (int k = 0; k < GK_NTARGETS; k++)
		r->verdict[k] = target_verdict(r, (enum gk_target)k, true);
	return 0;
}

bool gk_file_load_keeps(const struct gk_facts *f, enum gk_target t,
			const struct gk_range *tables, size_t n)
{
	if (!f)
		return !n;
	if (t == GK_KDUMP)
		return true; /* nothing to reserve: the verdict judges */
	for (size_t i = 0; i < n; i++)
		if (gk_reservation_of(f, GK_LOADER_KEXEC_TOOLS, tables[i].start,
				      tables[i].end - tables[i].start + 1) ==
		    GK_RSV_NONE)
			return false;
	return true;
}

void gk_report_free(struct gk_report *r)
{
	for (size_t i = 0; i < r->nfindings; i++)
		free(r->findings[i].msg);
	free(r->findings);
	r->findings = NULL;
	r->nfindings = 0;
}

const char *gk_verdict_name(enum gk_verdict v)
{
	static const char *const names[] = { "NOT-AFFECTED", "REUSABLE",
					     "AT-RISK", "WILL-FAIL",
					     "UNKNOWN" };

	return (unsigned int)v < GK_ARRAY_SIZE(names) ? names[v] : "?";
}

const char *gk_sev_name(enum gk_sev s)
{
	static const char *const names[] = { "-", "info", "warn", "fatal" };

	return (unsigned int)s < GK_ARRAY_SIZE(names) ? names[s] : "?";
}

const char *gk_target_name(enum gk_target t)
{
	return t == GK_KEXEC ? "kexec" : "kdump";
}

int gk_verdict_exit(enum gk_verdict v)
{
	switch (v) {
	case GK_NOT_AFFECTED:
	case GK_REUSABLE:
		return 0;
	case GK_AT_RISK:
		return 1;
	case GK_WILL_FAIL:
		return 2;
	default:
		return 3;
	}
}

const char *gk_code_name(enum gk_code c)
{
	return (unsigned int)c < GK_NCODES ? codes[c].name : NULL;
}

const char *gk_code_what(enum gk_code c)
{
	return (unsigned int)c < GK_NCODES ? codes[c].what : NULL;
}
