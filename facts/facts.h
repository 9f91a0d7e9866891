/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Everything gicdiag (and kexec) gathers about a system, in one value. The
 * verdict is a pure function of it, so every rule is tested from a facts
 * value built by hand.
 */
#ifndef GK_FACTS_H
#define GK_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"
#include "lpilog.h"
#include "range.h"

enum gk_evidence {
	GK_EVID_NONE, /* nothing about the LPI tables */
	GK_EVID_SOURCES, /* no registers: the other sources, per table (rds[].*_src) */
	GK_EVID_REGS, /* the redistributors' registers */
};

/*
 * Where a table's address came from, strongest first (doc/evidence.md).
 * Registers win over everything; then the kernel's own record in
 * memory, the kernel's own lines (the ring buffer, then the journal's copy
 * of this boot's), the record our boot unit made from them while they were
 * fresh, and what our loader passed this kernel (its /reserved-memory
 * gic-lpi nodes).
 */
enum gk_src {
	GK_SRC_NONE,
	GK_SRC_REGS,
	GK_SRC_KMEM,
	GK_SRC_KLOG,
	GK_SRC_JOURNAL,
	GK_SRC_BOOTREC,
	GK_SRC_INHERITED,
	GK_NSRC,
};

/* What one source said, for the output and the findings. */
struct gk_srcinfo {
	bool used;     /* it named at least one table */
	bool complete; /* a CPU it does not name never enabled LPIs */
	char why[GK_ERR_MSG_MAX]; /* why it said nothing, or what it lacks */
};

/* Who will load the next kernel: only ours passes the tables on. */
enum gk_loader {
	GK_LOADER_KEXEC_TOOLS,
	GK_LOADER_OURS,
	GK_NLOADERS,
};

/*
 * What keeps a table reserved for the next kernel, named by the source
 * that proves it (persistent ones first, as gk_reservation_of() looks).
 */
enum gk_rsv {
	GK_RSV_NONE,	      /* nothing: the next kernel may hand it out */
	GK_RSV_MEMRESERVE,    /* the EFI memreserve list */
	GK_RSV_MEMRESERVE_DT, /* a /memreserve/ entry of the DTB */
	GK_RSV_RESMEM,	      /* a static /reserved-memory node */
	GK_RSV_LOADER,	      /* gic-kexec's kexec passes it in its DTB */
};

/* Where the IDbits in force come from (gk_derive()). */
enum gk_idbits_from {
	GK_IDBITS_DEFAULT, /* no source tells: Linux's own 16 */
	GK_IDBITS_BOOT,	   /* the boot CPU's redistributor */
	GK_IDBITS_OTHER,   /* another redistributor with LPIs on */
};

/* What the EFI memreserve list could tell. */
enum gk_mr_state {
	GK_MR_NONE,	  /* not an EFI boot */
	GK_MR_OK,	  /* walked and validated */
	GK_MR_NO_TABLE,	  /* EFI boot, no MEMRESERVE configuration table */
	GK_MR_UNREADABLE, /* memory refused */
	GK_MR_CORRUPT,	  /* a list that breaks the next kernel */
};

/* One redistributor. */
struct gk_rdfact {
	int cpu;       /* logical CPU from the log, -1 unknown */
	uint64_t base; /* RD_base, 0 unknown */
	bool regs;     /* the registers below were read */
	uint64_t typer, ctlr, propbaser, pendbaser;
	bool lpis;     /* EnableLPIs, or the log named its pending table */
	uint64_t prop; /* property table address, 0 unknown */
	uint64_t pend; /* pending table address, 0 unknown */
	unsigned int idbits;  /* PROPBASER.IDbits + 1, 0 unknown */
	bool pend_reused;     /* the log says "using reserved" */
	enum gk_src prop_src; /* who named prop and pend */
	enum gk_src pend_src;
	bool unknown; /* LPIs may be on, and no source names its table */

	/*
	 * Derived by gk_derive(), for the sizes of gk_facts: GK_RSV_NONE
	 * for a table not known (prop or pend 0).
	 */
	enum gk_rsv prop_rsv[GK_NLOADERS]; /* per loader */
	enum gk_rsv pend_rsv[GK_NLOADERS];
};

/* Two sources that name different tables for one CPU: the stronger won. */
struct gk_conflict {
	int cpu; /* -1: the property table */
	enum gk_src won, lost;
	uint64_t kept, other;
};

struct gk_facts {
	/* the GIC */
	unsigned int gic;    /* 0 none found, 2, 3 or 4 */
	char gic_source[64]; /* "device tree /intc@8000000", "MADT" */
	int lpis_supported; /* GICD_TYPER.LPIS / GICR_TYPER.PLPIS; -1 unknown */
	struct gk_rdfact *rds;
	size_t nrds;
	size_t nits;
	enum gk_evidence evidence;
	char regs_why[GK_ERR_MSG_MAX]; /* why no registers, "" when read */
	struct gk_srcinfo src[GK_NSRC];
	struct gk_conflict *conflicts;
	size_t nconflicts;
	uint64_t prop;		/* the property table as merged, 0 unknown */
	struct gk_range *named; /* every table any source named, merged */
	size_t nnamed;
	int ncpus;	   /* present CPUs (sysfs, DT, MADT); -1 unknown */
	bool cpus_unknown; /* no count, and no source covers every CPU */
	char boot_id[40];  /* this boot's id, "" unknown */

	/* the kernel log */
	bool log_ok;
	char log_why[GK_ERR_MSG_MAX];
	struct lpilog log;

	/* boot */
	bool efi; /* booted through the EFI stub */
	bool acpi;
	bool madt_no_gic;  /* the MADT has no GICD: no Arm GIC (x86) */
	bool madt_gic_v0;  /* its GICD gives no version: decided by the RDs */
	bool kdump_kernel; /* this kernel is a crash kernel */

	/* persistent reservations the next kernel will see */
	enum gk_mr_state mr;
	char mr_why[GK_ERR_MSG_MAX];
	int mr_err; /* the GK_ERR_* code behind a list not GK_MR_OK */
	struct gk_range *memreserve; /* merged EFI memreserve entries */
	size_t nmemreserve;
	unsigned int mr_odd;	    /* EFT_MR_* flags seen */
	struct gk_range *dt_memrsv; /* /memreserve/ of the running DTB */
	size_t ndt_memrsv;
	struct gk_range *resmem; /* static /reserved-memory reg nodes */
	size_t nresmem;

	/* memory */
	bool iomem_ok;
	struct gk_range *ram; /* "System RAM" */
	size_t nram;
	struct gk_range *crash; /* "Crash kernel" */
	size_t ncrash;

	/* what our kexec's loaded images reserve, by their manifests */
	struct gk_loaded {
		bool present; /* a manifest is there: ours loaded it */
		bool ours;    /* ... and it reads as ours (version 1) */
		bool passed;  /* it passed the tables in its DTB */
		bool file;    /* its manifest's syscall: kexec_file_load */
		struct gk_range *tables;
		size_t ntables;
	} loaded[2]; /* [GK_KEXEC], [GK_KDUMP] */

	/* kexec state; -1 unknown */
	int kexec_loaded;
	int kexec_crash_loaded;
	int kexec_load_disabled;
	char lockdown[24]; /* "none", "integrity", "confidentiality", "" */
	int kexec_file; /* CONFIG_KEXEC_FILE here: 1, 0, -1 unknown (loader.h) */
	char kt_version[32]; /* kexec-tools' version, "2.0.25"; "" unknown */
	char kt_probe[96];   /* what `kexec -v` said */
	int kt_asked; /* kexec-tools' version asked: 0 no, 1 auto, 2 --loader kexec-tools */
	/*
	 * The next load goes through kexec_file_load (gicdiag --loader
	 * kexec-file, kexec -s): the next kernel gets this boot's device
	 * tree, with nothing added (KEXEC-FILE-NONEFI).
	 */
	bool file_load;
	char version[192]; /* /proc/version, first line */

	/* derived by gk_derive(): the next kernel's rules, applied once */
	bool derived;
	int boot;	     /* the boot CPU's redistributor (rds[]), -1 none */
	unsigned int idbits; /* the IDbits in force */
	enum gk_idbits_from idbits_from;
	/* the same for every redistributor: the IDbits in force size all */
	uint64_t prop_size; /* what the next kernel clears of the table */
	uint64_t pend_size; /* what it checks of each pending table */
};

const char *gk_src_name(enum gk_src s); /* "registers", "journal", ... */

/* Sizes the next kernel uses (doc/kernel.md#table-sizes). */
#define GK_SZ_64K 0x10000ull
#define GK_ALIGN_64K(x) (((x) + GK_SZ_64K - 1) & ~(GK_SZ_64K - 1))

/* The property table: what the reuse check covers, and what is cleared. */
static inline uint64_t gk_prop_check_size(void)
{
	return GK_SZ_64K;
}

static inline uint64_t gk_prop_size(unsigned int idbits)
{
	return GK_ALIGN_64K(1ull << (idbits ? idbits : 16));
}

static inline uint64_t gk_pend_size(unsigned int idbits)
{
	return GK_ALIGN_64K((1ull << (idbits ? idbits : 16)) / 8);
}

/**
 * gk_boot_rd - the redistributor the next kernel boots on
 * @f: the facts
 *
 * returns: its index in @f->rds, or -1 when there is none
 */
int gk_boot_rd(const struct gk_facts *f);

/**
 * gk_idbits_in_force - the IDbits that size every table in the next kernel
 * @f: the facts
 * @boot: gk_boot_rd(@f)
 * @from: output: where it came from
 *
 * returns: PROPBASER.IDbits + 1, 16 when nothing tells
 */
unsigned int gk_idbits_in_force(const struct gk_facts *f, int boot,
				enum gk_idbits_from *from);

/**
 * gk_reservation_of - what keeps [@start, @start + @len) reserved for the
 * next kernel
 * @f: the facts
 * @loader: who will load the next kernel
 * @start: first address
 * @len: length
 *
 * returns: the first source that covers the whole range (the EFI list,
 * /memreserve/, /reserved-memory), else GK_RSV_LOADER for our loader (it
 * passes every table it knows), else GK_RSV_NONE
 */
enum gk_rsv gk_reservation_of(const struct gk_facts *f, enum gk_loader loader,
			      uint64_t start, uint64_t len);

/* "memreserve", "memreserve-dt", "reserved-memory", "loader", "none" */
const char *gk_rsv_name(enum gk_rsv r);

/**
 * gk_derive - fill the derived fields of @f (the boot redistributor, the
 * IDbits in force, the table sizes, and each redistributor's tables'
 * reservations per loader) from what was gathered
 * @f: the facts; gk_gather() calls it last, a test after building @f
 *
 * Call it again after changing what it reads.
 */
void gk_derive(struct gk_facts *f);

/**
 * gk_facts_free - release what a facts value owns (not the value itself)
 */
void gk_facts_free(struct gk_facts *f);

#endif
