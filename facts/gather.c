// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "acpi.h"
#include "bootrec.h"
#include "evidence.h"
#include "efitables.h"
#include "gather.h"
#include "manifest.h"
#include "gic.h"
#include "gkfdt.h"
#include "iomem.h"
#include "klog.h"
#include "loader.h"
#include "journal.h"
#include "kmem.h"

/* ---- layout ------------------------------------------------------ */

static bool is_gicv2(const struct gk_fdt *fdt)
{
	static const char *const v2[] = { "arm,gic-400", "arm,cortex-a15-gic",
					  "arm,cortex-a9-gic",
					  "arm,cortex-a7-gic" };

	for (size_t i = 0; fdt->blob && i < GK_ARRAY_SIZE(v2); i++)
		if (fdt_node_offset_by_compatible(fdt->blob, -1, v2[i]) >= 0)
			return true;
	return false;
}

/*
 * The device tree's GIC node, else the MADT; neither is not an error. A
 * MADT that describes no GICv3 says why in regs_why: no GICD at all (an
 * x86 machine), or a GICv1/v2 (f->gic 2), stated or, with version 0, one
 * that names no redistributor (madt_gic_version()).
 */
static int find_layout(const struct sysroot *sr, const struct gk_fdt *fdt,
		       struct gk_facts *f, struct gic_layout *lay,
		       struct gk_err *e)
{
	struct gk_err why = { 0 };
	struct madt *m;
	int ret = -GK_ERR_NOTFOUND;

	if (fdt->blob)
		ret = gic_layout_from_fdt(fdt, lay, e);
	if (ret != -GK_ERR_NOTFOUND)
		return ret;
	ret = madt_load(sr, &m, e);
	if (ret == -GK_ERR_NOENT)
		return -GK_ERR_NOTFOUND;
	if (ret < 0)
		return ret;
	f->acpi = true;
	f->madt_no_gic = !m->gicd;
	f->madt_gic_v0 = m->gicd && !m->gic_version;
	if (madt_gic_version(m) == 1 || madt_gic_version(m) == 2)
		f->gic = 2;
	ret = gic_layout_from_madt(m, lay, &why);
	madt_free(m);
	if (ret == -GK_ERR_NOTFOUND)
		snprintf(f->regs_why, sizeof(f->regs_why), "%s", why.msg);
	else if (ret < 0 && e)
		*e = why;
	return ret;
}

/* ---- registers --------------------------------------------------- */

static int read_rd(struct physmem *pm, struct gk_rdfact *rd, struct gk_err *e)
{
	if (gic_read(pm, rd->base, GICR_CTLR, &rd->ctlr, e) < 0 ||
	    gic_read(pm, rd->base, GICR_PROPBASER, &rd->propbaser, e) < 0 ||
	    gic_read(pm, rd->base, GICR_PENDBASER, &rd->pendbaser, e) < 0)
		return -1;
	rd->regs = true;
	rd->lpis = rd->ctlr & GICR_CTLR_ENABLE_LPIS;
	if (rd->lpis) {
		rd->prop = GICR_PROPBASER_ADDR(rd->propbaser);
		rd->idbits = GICR_PROPBASER_IDBITS(rd->propbaser) + 1;
		rd->pend = GICR_PENDBASER_ADDR(rd->pendbaser);
	}
	return 0;
}

/* The redistributors' registers as the walk finds them. */
struct rd_regs {
	struct gk_rdfact *rds;
	size_t cap;
	bool failed;	 /* a register could not be read: stop reading */
	struct gk_err e; /* why, or "" when out of memory */
};

/*
 * One RD's registers right after its GICR_TYPER, in the same page; the
 * first failure is kept, and told only if the walk itself succeeds, as
 * when the registers were read after the walk.
 */
static void rd_found(struct physmem *pm, const struct gic_rd *rd, size_t i,
		     void *arg)
{
	struct rd_regs *r = arg;
	struct gk_rdfact *p;

	if (r->failed)
		return;
	if (i == r->cap) {
		p = realloc(r->rds, 2 * (r->cap + 32) * sizeof(*p));
		if (!p) {
			r->failed = true;
			return;
		}
		r->rds = p;
		r->cap = 2 * (r->cap + 32);
	}
	r->rds[i] = (struct gk_rdfact){ .cpu = -1,
					.base = rd->base,
					.typer = rd->typer };
	r->failed = read_rd(pm, &r->rds[i], &r->e) < 0;
}

static int read_regs(struct physmem *pm, const struct gic_layout *lay,
		     struct gk_facts *f)
{
	struct rd_regs r = { 0 };
	struct gk_err e = { 0 };
	struct gic_rd *walk = NULL;
	uint64_t typer, pidr2;
	bool plpis = false;
	size_t n = 0;

	if (!lay->dist || gic_read(pm, lay->dist, GICD_TYPER, &typer, &e) < 0 ||
	    gic_read(pm, lay->dist, GICD_PIDR2, &pidr2, &e) < 0 ||
	    gic_walk_rds_each(pm, lay, rd_found, &r, &walk, &n, &e) < 0 || !n)
		goto fail;
	if (r.failed) {
		e = r.e;
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		plpis |= walk[i].typer & GICR_TYPER_PLPIS;
	f->rds = r.rds;
	f->nrds = n;
	f->gic = GIC_PIDR2_ARCH(pidr2) == 4 ? 4 : 3;
	f->lpis_supported = (typer & (1u << 17)) && plpis;
	f->evidence = GK_EVID_REGS;
	free(walk);
	return 0;
fail:
	free(walk);
	free(r.rds);
	snprintf(f->regs_why, sizeof(f->regs_why), "%s",
		 e.msg[0] ? e.msg : "no redistributor found");
	return -1;
}

/* ---- the kernel log ------------------------------------------------ */

/*
 * The whole boot is there when the ring buffer never wrapped (its first
 * record is number 0) or a text log starts with the boot's first line.
 */
/*
 * A source that is missing, refused or malformed is a fact (its why is
 * recorded); running out of memory while reading one is not: the facts
 * would silently lack it, and the loader would place a kernel by them.
 */
static int nomem_only(int ret)
{
	return ret == -GK_ERR_NOMEM ? ret : 0;
}

static bool log_complete(const struct klog *log, const struct lpilog *l)
{
	if (log->format == KLOG_KMSG)
		return log->n && log->lines[0].seq == 0;
	return l->boots > 0;
}

static int src_klog(const struct sysroot *sr, const char *file,
		    struct gk_facts *f, struct gk_lpisrc *src)
{
	struct gk_err e = { 0 };
	struct klog *log;
	bool complete;
	int ret;

	ret = klog_load(sr, file, &log, &e);
	if (ret < 0) {
		snprintf(f->log_why, sizeof(f->log_why), "%s", e.msg);
		snprintf(f->src[GK_SRC_KLOG].why, GK_ERR_MSG_MAX, "%s", e.msg);
		return nomem_only(ret);
	}
	ret = lpilog_parse(log, &f->log, &e);
	f->log_ok = ret == 0;
	complete = f->log_ok && log_complete(log, &f->log);
	klog_free(log);
	if (!f->log_ok) {
		snprintf(f->log_why, sizeof(f->log_why), "%s", e.msg);
		return nomem_only(ret);
	}
	if (!complete)
		snprintf(
			f->src[GK_SRC_KLOG].why, GK_ERR_MSG_MAX,
			"the ring buffer no longer holds the whole boot: lines of its start are gone");
	return gk_lpisrc_from_log(&f->log, GK_SRC_KLOG, complete, src);
}

/*
 * When the ring buffer lost the boot's start, this boot's kernel messages
 * in the journal; their lines then stand for the log (PREVIOUS-LOSS, ...).
 */
static int src_journal(const struct sysroot *sr, struct gk_facts *f,
		       struct gk_lpisrc *src)
{
	struct gk_journal_info info = { 0 };
	struct gk_err e = { 0 };
	struct klog *log = NULL;
	struct lpilog l;
	int ret;

	src->src = GK_SRC_JOURNAL;
	ret = gk_journal_kernel(sr, f->boot_id[0] ? f->boot_id : NULL, &log,
				&info, &e);
	if (ret < 0 || !info.found || !log) {
		snprintf(f->src[GK_SRC_JOURNAL].why, GK_ERR_MSG_MAX, "%s",
			 ret < 0 ? e.msg : info.why);
		klog_free(log);
		return ret == -GK_ERR_NOMEM ? ret : 0;
	}
	ret = lpilog_parse(log, &l, &e);
	klog_free(log);
	if (ret < 0)
		return ret;
	snprintf(f->src[GK_SRC_JOURNAL].why, GK_ERR_MSG_MAX, "%s", info.why);
	ret = gk_lpisrc_from_log(&l, GK_SRC_JOURNAL,
				 info.from_start && !info.missed, src);
	/* its lines stand for the log when they hold more of the boot */
	if (src->complete || !f->log_ok) {
		lpilog_free(&f->log);
		f->log = l;
		f->log_ok = true;
	} else {
		lpilog_free(&l);
	}
	return ret;
}

static int kmem_into(const struct gk_kmem *k, struct gk_lpisrc *src)
{
	src->complete = true; /* every possible CPU's state was read */
	src->prop = k->prop;
	for (size_t i = 0; i < k->ncpus; i++) {
		const struct gk_kmem_cpu *kc = &k->cpus[i];
		struct gk_lpisrc_cpu *c;

		if (kc->skipped) {
			src->complete = false; /* that CPU stays unknown */
			continue;
		}
		c = gk_lpisrc_cpu(src, kc->cpu);
		if (!c)
			return -GK_ERR_NOMEM;
		c->rd_base = kc->rd_base;
		c->lpis = kc->lpi_enabled;
		c->pend = kc->lpi_enabled ? kc->pend : 0;
		c->reused = kc->pend_prealloc;
	}
	return 0;
}

static int src_kmem(const struct sysroot *sr, struct physmem *pm,
		    struct gk_facts *f, struct gk_lpisrc *src)
{
	struct gk_err e = { 0 };
	struct gk_kmem k;
	int ret;

	src->src = GK_SRC_KMEM;
	ret = gk_kmem_read(sr, pm, &k, &e);
	if (ret < 0) {
		snprintf(f->src[GK_SRC_KMEM].why, GK_ERR_MSG_MAX, "%s", e.msg);
		return ret == -GK_ERR_NOMEM ? ret : 0;
	}
	ret = kmem_into(&k, src);
	gk_kmem_free(&k);
	return ret;
}

static int src_bootrec(const struct sysroot *sr, struct gk_facts *f,
		       const struct gk_cpuset *online, struct gk_lpisrc *src)
{
	struct gk_err e = { 0 };
	int ret = gk_bootrec_read(sr, f->boot_id, online, src, &e);

	if (ret == -GK_ERR_NOMEM)
		return ret;
	if (ret == -GK_ERR_NOENT)
		snprintf(f->src[GK_SRC_BOOTREC].why, GK_ERR_MSG_MAX,
			 "no %s (gic-kexec-boot.service writes it at boot)",
			 GK_BOOTREC_PATH);
	else if (ret < 0)
		snprintf(f->src[GK_SRC_BOOTREC].why, GK_ERR_MSG_MAX, "%s",
			 e.msg);
	return 0;
}

static int by_base(const void *pa, const void *pb)
{
	const struct lpilog_cpu *a = *(const struct lpilog_cpu *const *)pa;
	const struct lpilog_cpu *b = *(const struct lpilog_cpu *const *)pb;

	return a->rd_base < b->rd_base ? -1 : a->rd_base > b->rd_base;
}

/*
 * CPU numbers from "CPUn: found redistributor" lines, matched by base
 * through a sorted index: servers have thousands of both.
 */
static int log_into_rds(struct gk_facts *f)
{
	const struct lpilog_cpu **idx, *key, **hit;
	struct lpilog_cpu k;
	size_t n = 0;

	idx = calloc(f->log.ncpus + 1, sizeof(*idx));
	if (!idx)
		return -GK_ERR_NOMEM;
	for (size_t c = 0; c < f->log.ncpus; c++)
		if (f->log.cpus[c].found)
			idx[n++] = &f->log.cpus[c];
	qsort(idx, n, sizeof(*idx), by_base);
	for (size_t i = 0; i < f->nrds; i++) {
		k.rd_base = f->rds[i].base;
		key = &k;
		hit = bsearch(&key, idx, n, sizeof(*idx), by_base);
		if (!hit)
			continue;
		f->rds[i].cpu = (int)(*hit)->cpu;
		f->rds[i].pend_reused = (*hit)->has_pend &&
					(*hit)->pend_reserved;
	}
	free(idx);
	return 0;
}

/* ---- CPUs and the boot ------------------------------------------------ */

static int count_dt_cpus(const struct gk_fdt *fdt)
{
	int cpus, child, n = 0;

	if (!fdt->blob || (cpus = fdt_path_offset(fdt->blob, "/cpus")) < 0)
		return -1;
	fdt_for_each_subnode(child, fdt->blob, cpus) {
		const char *t =
			fdt_getprop(fdt->blob, child, "device_type", NULL);

		n += t && !strcmp(t, "cpu");
	}
	return n ? n : -1;
}

static int read_cpuset(const struct sysroot *sr, const char *path,
		       struct gk_cpuset *s)
{
	size_t len;
	char *buf;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = sysroot_read_file(sr, path, 65536, &buf, &len, NULL);
	if (ret < 0)
		return nomem_only(ret);
	ret = gk_cpuset_parse(buf, s);
	if (ret < 0)
		memset(s, 0, sizeof(*s));
	free(buf);
	return nomem_only(ret);
}

/* How many CPUs may have a redistributor with LPIs on: the present ones. */
static int read_cpus(const struct sysroot *sr, const struct gk_fdt *fdt,
		     struct gk_facts *f, struct gk_cpuset *online)
{
	struct gk_cpuset present;
	int ret;

	ret = read_cpuset(sr, "/sys/devices/system/cpu/present", &present);
	if (!ret)
		ret = read_cpuset(sr, "/sys/devices/system/cpu/online", online);
	f->ncpus = present.n ? (int)present.r[present.n - 1].end + 1 :
			       count_dt_cpus(fdt);
	gk_cpuset_free(&present);
	return ret;
}

static int read_boot_id(const struct sysroot *sr, struct gk_facts *f)
{
	size_t len;
	char *buf;
	int ret;

	ret = sysroot_read_file(sr, "/proc/sys/kernel/random/boot_id", 64, &buf,
				&len, NULL);
	if (ret < 0)
		return nomem_only(ret);
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(f->boot_id, sizeof(f->boot_id), "%s", buf);
	free(buf);
	return 0;
}

/* A whole-boot source that names every table of every CPU it says is on. */
static bool knows_all(const struct gk_lpisrc *s)
{
	if (!s->complete || !s->prop)
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (s->cpus[i].lpis != 0 && !s->cpus[i].pend)
			return false;
	return true;
}

/*
 * Every source that names a table, merged per CPU (doc/evidence.md). The
 * ones that cost more (kernel memory, the journal) only when the registers
 * or the whole boot's log are missing.
 */
static int gather_evidence(const struct sysroot *sr, struct physmem *pm,
			   const struct gk_gather_opts *o,
			   const struct gk_fdt *fdt, struct gk_facts *f)
{
	struct gk_lpisrc s[GK_NSRC] = { 0 };
	unsigned int only = o->sources;
	struct gk_cpuset online;
	bool complete = false, named = false;
	size_t n = 0;
	int ret;

	memset(&online, 0, sizeof(online));
	ret = read_cpus(sr, fdt, f, &online);
	if (!ret)
		ret = read_boot_id(sr, f);
	if (!ret && (!only || only & 1u << GK_SRC_KLOG)) {
		ret = src_klog(sr, o->kmsg, f, &s[n]);
		complete = s[n].complete;
		named = o->enough && knows_all(&s[n]);
		n++;
	}
	/* reading kernel memory costs most (all of /proc/kallsyms, BTF) */
	if (!ret && (only ? only & 1u << GK_SRC_KMEM :
			    f->evidence != GK_EVID_REGS && !named)) {
		ret = src_kmem(sr, pm, f, &s[n]);
		complete |= knows_all(&s[n++]);
	}
	if (!ret && (!only || only & 1u << GK_SRC_BOOTREC))
		ret = src_bootrec(sr, f, &online, &s[n++]);
	/* the journal is the costly one: only when nothing above knows all */
	if (!ret &&
	    (only ? only & 1u << GK_SRC_JOURNAL :
		    !o->kmsg && !complete && f->evidence != GK_EVID_REGS))
		ret = src_journal(sr, f, &s[n++]);
	if (!ret && (!only || only & 1u << GK_SRC_INHERITED))
		ret = gk_lpisrc_from_fdt(fdt, &s[n++]);
	if (!ret && f->evidence == GK_EVID_REGS)
		ret = log_into_rds(f);
	if (!ret)
		ret = gk_evidence_merge(f, s, n);
	for (size_t i = 0; i < n; i++)
		gk_lpisrc_free(&s[i]);
	gk_cpuset_free(&online);
	return ret;
}

/* ---- reservations -------------------------------------------------- */

static int read_memreserve(const struct sysroot *sr, struct physmem *pm,
			   struct gk_facts *f)
{
	enum eft_root_source src;
	struct eft_memreserve *mr;
	struct gk_err e = { 0 };
	struct eft_ctx *ctx;
	uint64_t root;
	int ret;

	ret = eft_open_pm(sr, pm, &ctx, &e);
	if (ret == 0)
		ret = eft_find_memreserve(ctx, &root, &src, &e);
	if (ret == 0)
		ret = eft_memreserve_walk(eft_ctx_reader(ctx), root, &mr, &e);
	if (ret == 0) {
		f->mr = GK_MR_OK;
		f->memreserve = mr->merged;
		f->nmemreserve = mr->nmerged;
		f->mr_odd = mr->odd;
		mr->merged = NULL;
		eft_memreserve_free(mr);
	} else {
		f->mr = ret == -GK_ERR_NOTFOUND ? GK_MR_NO_TABLE :
			ret == -GK_ERR_CORRUPT || ret == -GK_ERR_TOOBIG ?
						  GK_MR_CORRUPT :
						  GK_MR_UNREADABLE;
		snprintf(f->mr_why, sizeof(f->mr_why), "%s", e.msg);
		f->mr_err = ret;
	}
	eft_close(ctx);
	return nomem_only(ret);
}

static int read_iomem(const struct sysroot *sr, struct gk_facts *f)
{
	struct iomem *io;
	int ret;

	ret = iomem_load(sr, &io, NULL);
	if (ret < 0)
		return nomem_only(ret);
	f->iomem_ok = !iomem_zeroed(io);
	if (f->iomem_ok)
		ret = iomem_find(io, "Crash kernel", &f->crash, &f->ncrash);
	if (f->iomem_ok && !ret)
		ret = iomem_find(io, "System RAM", &f->ram, &f->nram);
	iomem_free(io);
	return nomem_only(ret);
}

/* ---- small files ----------------------------------------------------- */

/* the number in @path, or -1; *@ret set when out of memory */
static int read_int(const struct sysroot *sr, const char *path, int *ret)
{
	size_t len;
	char *buf;
	int v = -1, r;

	r = sysroot_read_file(sr, path, 64, &buf, &len, NULL);
	if (r < 0 && !*ret)
		*ret = nomem_only(r);
	if (r < 0)
		return -1;
	if (len && buf[0] >= '0' && buf[0] <= '9')
		v = atoi(buf);
	free(buf);
	return v;
}

/* the first line of @path, or ""; *@ret set when out of memory */
static void read_line(const struct sysroot *sr, const char *path, char *out,
		      size_t size, int *ret)
{
	size_t len;
	char *buf;
	int r;

	out[0] = '\0';
	r = sysroot_read_file(sr, path, 4096, &buf, &len, NULL);
	if (r < 0 && !*ret)
		*ret = nomem_only(r);
	if (r < 0)
		return;
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(out, size, "%s", buf);
	free(buf);
}

/* "[none] integrity confidentiality": the bracketed one is in force */
static void read_lockdown(const struct sysroot *sr, struct gk_facts *f,
			  int *ret)
{
	char line[128], *open, *close;

	read_line(sr, "/sys/kernel/security/lockdown", line, sizeof(line), ret);
	open = strchr(line, '[');
	close = open ? strchr(open, ']') : NULL;
	if (open && close && (size_t)(close - open - 1) < sizeof(f->lockdown))
		snprintf(f->lockdown, sizeof(f->lockdown), "%.*s",
			 (int)(close - open - 1), open + 1);
}

/* whether kexec_file_load exists here: what lockdown leaves a loader */
static int read_kexec_file(const struct sysroot *sr, int *ret)
{
	struct gk_kconfig k;
	int r = gk_kexec_file_probe(sr, &k);

	if (r < 0 && !*ret)
		*ret = r;
	return k.kexec_file;
}

/*
 * That a manifest is there names the loader (gicdiag's --loader auto); its
 * tables count only when it reads as ours (the LOADED check).
 */
static void read_loaded(const struct sysroot *sr, struct gk_facts *f, int *err)
{
	static const char *const path[] = { GK_MANIFEST_KEXEC,
					    GK_MANIFEST_CRASH };

	for (size_t t = 0; t < GK_ARRAY_SIZE(path); t++) {
		struct gk_loaded *l = &f->loaded[t];
		int ret = gk_manifest_tables(sr, path[t], &l->tables,
					     &l->ntables, &l->passed, NULL);

		if (!*err)
			*err = nomem_only(ret);
		l->ours = ret == 0;
		l->file = l->ours && gk_manifest_file_load(sr, path[t]);
		/* a newer version, a huge one: still our kexec's */
		l->present = l->ours || ret == -GK_ERR_FORMAT ||
			     ret == -GK_ERR_TOOBIG;
	}
}

static int read_state(const struct sysroot *sr, const struct gk_fdt *fdt,
		      struct gk_facts *f)
{
	char cmdline[4096];
	uint64_t v;
	int ret = 0;

	f->kexec_loaded = read_int(sr, "/sys/kernel/kexec_loaded", &ret);
	f->kexec_crash_loaded =
		read_int(sr, "/sys/kernel/kexec_crash_loaded", &ret);
	f->kexec_load_disabled =
		read_int(sr, "/proc/sys/kernel/kexec_load_disabled", &ret);
	read_lockdown(sr, f, &ret);
	f->kexec_file = read_kexec_file(sr, &ret);
	read_loaded(sr, f, &ret);
	read_line(sr, "/proc/version", f->version, sizeof(f->version), &ret);
	read_line(sr, "/proc/cmdline", cmdline, sizeof(cmdline), &ret);
	f->kdump_kernel =
		strstr(cmdline, "elfcorehdr=") ||
		(fdt->blob && gk_fdt_get_u64(fdt, "/chosen", "linux,elfcorehdr",
					     &v, NULL) != -GK_ERR_NOTFOUND);
	return ret;
}

static int read_fdt(const struct sysroot *sr, struct gk_fdt *fdt,
		    struct gk_facts *f, struct gk_err *e)
{
	uint64_t v;
	int ret;

	ret = gk_fdt_load(sr, "/sys/firmware/fdt", fdt, e);
	if (ret == -GK_ERR_NOENT)
		return 0; /* an x86 box, an old kernel: no DT facts */
	if (ret < 0)
		return ret;
	f->efi = gk_fdt_get_u64(fdt, "/chosen", "linux,uefi-system-table", &v,
				NULL) == 0;
	ret = gk_fdt_memrsv(fdt, &f->dt_memrsv, &f->ndt_memrsv, e);
	if (ret == 0)
		ret = gk_fdt_reserved_memory(fdt, &f->resmem, &f->nresmem, e);
	return ret;
}

/* A snapshot with neither proc/ nor sys/ is no system: say so. */
static int check_root(const struct sysroot *sr, struct gk_err *e)
{
	static const char *const dirs[] = { "/proc", "/sys" };
	char label[PATH_MAX];

	if (sysroot_is_live(sr))
		return 0;
	for (size_t i = 0; i < GK_ARRAY_SIZE(dirs); i++) {
		int fd =
			sysroot_open(sr, dirs[i], O_RDONLY | O_DIRECTORY, NULL);

		if (fd >= 0) {
			close(fd);
			return 0;
		}
	}
	return gk_fail(e, -GK_ERR_NOENT,
		       "%s: not a system root: it has neither proc/ nor sys/",
		       sysroot_label(sr, label, sizeof(label)));
}

int gk_gather(const struct sysroot *sr, struct physmem *pm,
	      const struct gk_gather_opts *o, struct gk_facts *f,
	      struct gk_err *e)
{
	struct gic_layout lay = { 0 };
	struct gk_fdt fdt = { 0 };
	int ret;

	memset(f, 0, sizeof(*f));
	f->lpis_supported = -1;
	ret = check_root(sr, e);
	if (ret == 0)
		ret = read_fdt(sr, &fdt, f, e);
	if (ret == 0)
		ret = find_layout(sr, &fdt, f, &lay, e);
	if (ret == -GK_ERR_NOTFOUND) {
		if (!f->gic)
			f->gic = is_gicv2(&fdt) ? 2 : 0;
		if (!f->regs_why[0])
			snprintf(f->regs_why, sizeof(f->regs_why),
				 "no GICv3 in the device tree or the MADT");
		ret = 0;
	} else if (ret == 0) {
		f->gic = 3;
		f->nits = lay.nits;
		snprintf(f->gic_source, sizeof(f->gic_source), "%s",
			 lay.source);
		if (!o->sources || o->sources & 1u << GK_SRC_REGS)
			read_regs(pm, &lay, f);
		else
			snprintf(f->regs_why, sizeof(f->regs_why),
				 "not asked for (--source)");
	}
	if (ret < 0)
		goto out;
	snprintf(f->src[GK_SRC_REGS].why, GK_ERR_MSG_MAX, "%s", f->regs_why);
	ret = gather_evidence(sr, pm, o, &fdt, f);
	if (f->log.gicv3 && !f->gic)
		f->gic = 3;
	if (!ret && f->efi)
		ret = read_memreserve(sr, pm, f);
	if (!ret)
		ret = read_iomem(sr, f);
	if (!ret)
		ret = read_state(sr, &fdt, f);
	if (ret < 0) {
		ret = gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		goto out;
	}
	gk_derive(f);
out:
	gic_layout_free(&lay);
	gk_fdt_free(&fdt);
	if (ret < 0)
		gk_facts_free(f);
	return ret;
}
