/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The verdict: will the next kernel (kexec) or the crash kernel (kdump)
 * reuse the live LPI tables, and will they stay reserved? A table of small
 * checks, each a pure function of the facts with its prerequisites, in the
 * manner of dtc's checks.c; each finding they make is declared in a table
 * with its code, its meaning and its severity per target.
 */
#ifndef GK_VERDICT_H
#define GK_VERDICT_H

#include "facts.h"

enum gk_target {
	GK_KEXEC,
	GK_KDUMP,
	GK_NTARGETS,
};

enum gk_sev {
	GK_SEV_NONE, /* does not concern this target */
	GK_SEV_INFO,
	GK_SEV_WARN,
	GK_SEV_FATAL,
};

/* Ordered from best to worst: the worse of two is the larger. */
enum gk_verdict {
	GK_NOT_AFFECTED,
	GK_REUSABLE,
	GK_AT_RISK,
	GK_WILL_FAIL,
	GK_UNKNOWN, /* could not diagnose */
};

/*
 * The finding codes: stable, what users see and scripts match. Each is
 * declared once, with its meaning, in verdict.c; gicdiag(8) explains them
 * in the same order.
 */
enum gk_code {
	GK_CODE_NOT_GICV3,
	GK_CODE_NO_LPIS,
	GK_CODE_LPIS_DISABLED,
	GK_CODE_RDS_PARTIAL,
	GK_CODE_BOOT_RD_DISABLED,
	GK_CODE_EVIDENCE_SOURCES,
	GK_CODE_NO_EVIDENCE,
	GK_CODE_TABLES_UNKNOWN,
	GK_CODE_SOURCES_DISAGREE,
	GK_CODE_PROP_MISMATCH,
	GK_CODE_PROP_UNRESERVED,
	GK_CODE_PEND_UNRESERVED,
	GK_CODE_RESERVATION_TOO_SMALL,
	GK_CODE_TABLE_IN_CRASHKERNEL,
	GK_CODE_MEMRESERVE_CORRUPT,
	GK_CODE_MEMRESERVE_ODD,
	GK_CODE_MEMRESERVE_UNREADABLE,
	GK_CODE_KERNEL_WITHOUT_SUPPORT,
	GK_CODE_NON_EFI_BOOT,
	GK_CODE_KEXEC_FILE_NONEFI,
	GK_CODE_PREVIOUS_LOSS,
	GK_CODE_LOADED_STALE,
	GK_CODE_KEXEC_TOOLS_TOO_OLD,
	GK_CODE_LOADER_UNKNOWN,
	GK_CODE_LOCKDOWN,
	GK_CODE_KEXEC_DISABLED,
	GK_CODE_KDUMP_NOT_LOADED,
	GK_CODE_KDUMP_KERNEL,
	GK_NCODES,
};

struct gk_finding {
	enum gk_code id;
	const char *code; /* its name, stable: "PROP-UNRESERVED" */
	enum gk_sev sev[GK_NTARGETS];
	int rd;	   /* the redistributor concerned, -1: none */
	char *msg; /* one sentence, whole */
};

struct gk_report {
	enum gk_verdict verdict[GK_NTARGETS];
	struct gk_finding *findings;
	size_t nfindings;
};

/**
 * gk_judge - the verdict for both targets
 * @f: the facts
 * @loader: who will load the next kernel
 * @r: output; free with gk_report_free()
 *
 * returns: 0, -GK_ERR_INVAL when @f was not derived (gk_derive()), or
 * -GK_ERR_NOMEM
 */
int gk_judge(const struct gk_facts *f, enum gk_loader loader,
	     struct gk_report *r);

/**
 * gk_judge_loaded - the LOADED rule alone: does the image our kexec loaded
 * for @t still reserve every live pending table? What kexec -e checks at
 * the jump, the same rule gk_judge() applies.
 * @f: the facts (derived)
 * @t: the target whose loaded image is checked
 * @r: output: its LOADED-STALE findings, and the verdicts they make (an
 * image that reserves every table: REUSABLE); free with gk_report_free()
 *
 * returns: as gk_judge()
 */
int gk_judge_loaded(const struct gk_facts *f, enum gk_target t,
		    struct gk_report *r);

/**
 * gk_file_load_keeps - whether a kexec_file_load of @t's next kernel
 * leaves every live LPI table safe on this boot. That system call passes
 * no /memreserve/ of ours: a kexec'd kernel needs each table reserved by
 * what survives (the EFI memreserve list, the boot DTB's /memreserve/ or
 * /reserved-memory); a crash kernel does not (its memory is the crash
 * kernel's region alone and it skips the reserved-range check), so for
 * GK_KDUMP the verdict decides: its TABLE-IN-CRASHKERNEL finding.
 * @f: the facts (derived), or NULL when they could not be gathered
 * @t: the target
 * @tables: the live tables our loader would keep (struct kx_plan's keep)
 * @n: how many
 *
 * returns: true when kexec_file_load may be used
 */
bool gk_file_load_keeps(const struct gk_facts *f, enum gk_target t,
			const struct gk_range *tables, size_t n);

void gk_report_free(struct gk_report *r);

const char *gk_verdict_name(enum gk_verdict v); /* "REUSABLE", ... */
const char *gk_sev_name(enum gk_sev s);		/* "info", ... */
const char *gk_target_name(enum gk_target t);	/* "kexec", "kdump" */

/**
 * gk_verdict_exit - the exit status for a verdict: 0 safe, 1 at risk,
 * 2 will fail, 3 could not diagnose
 */
int gk_verdict_exit(enum gk_verdict v);

/* The finding codes, for --help: "PROP-UNRESERVED"; NULL past the end. */
const char *gk_code_name(enum gk_code c);
const char *gk_code_what(enum gk_code c); /* its meaning, a few words */

#endif
