// SPDX-License-Identifier: GPL-2.0-or-later
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>

#include "cols.h"
#include "json.h"
#include "render.h"

enum { RD_INDEX, RD_CPU, RD_BASE, RD_LPIS, RD_PROP, RD_PEND, RD_RESERVED,
       RD_REUSED, RD_TYPER, RD_CTLR, RD_PROPBASER, RD_PENDBASER, RD_SOURCE };

static const struct gk_col rd_cols[] = {
	[RD_INDEX] = { "RD", 0, SCOLS_FL_RIGHT, 0, "redistributor, in walk order" },
	[RD_CPU] = { "CPU", 0, SCOLS_FL_RIGHT, 0, "logical CPU (from the kernel log)" },
	[RD_BASE] = { "BASE", 0, SCOLS_FL_RIGHT, 0, "RD_base physical address" },
	[RD_LPIS] = { "LPIS", 0, 0, 0, "GICR_CTLR.EnableLPIs (? when no source tells)" },
	[RD_PROP] = { "PROP", 0, SCOLS_FL_RIGHT, 0, "property table address" },
	[RD_PEND] = { "PEND", 0, SCOLS_FL_RIGHT, 0, "pending table address" },
	[RD_RESERVED] = { "RESERVED", 0, 0, 0,
			  "what keeps the pending table reserved for the next kernel" },
	[RD_REUSED] = { "REUSED", 0, 0, 0,
			"this boot reused the table (using reserved)" },
	[RD_TYPER] = { "TYPER", 0, SCOLS_FL_RIGHT, 0, "GICR_TYPER" },
	[RD_CTLR] = { "CTLR", 0, SCOLS_FL_RIGHT, 0, "GICR_CTLR" },
	[RD_PROPBASER] = { "PROPBASER", 0, SCOLS_FL_RIGHT, 0, "GICR_PROPBASER" },
	[RD_PENDBASER] = { "PENDBASER", 0, SCOLS_FL_RIGHT, 0, "GICR_PENDBASER" },
	[RD_SOURCE] = { "SOURCE", 0, 0, 0,
			"where the pending table's address came from" },
};
static const int rd_default[] = { RD_INDEX, RD_CPU, RD_BASE, RD_LPIS, RD_PROP,
				  RD_PEND, RD_RESERVED, RD_SOURCE };
static const int rd_verbose[] = { RD_INDEX, RD_CPU, RD_BASE, RD_LPIS, RD_TYPER,
				  RD_CTLR, RD_PROPBASER, RD_PENDBASER,
				  RD_RESERVED, RD_REUSED, RD_SOURCE };

const struct gk_col *render_rd_cols(size_t *n, bool verbose,
				    const int **defaults, size_t *ndefaults)
{
	*n = GK_ARRAY_SIZE(rd_cols);
	*defaults = verbose ? rd_verbose : rd_default;
	*ndefaults = verbose ? GK_ARRAY_SIZE(rd_verbose)
			     : GK_ARRAY_SIZE(rd_default);
	return rd_cols;
}

/* "registers", or the sources that named a table: "kernel-log+journal" */
static const char *evidence_name(const struct gk_facts *f, char *buf,
				 size_t n)
{
	size_t k = 0;

	if (f->evidence == GK_EVID_REGS)
		return "registers";
	buf[0] = '\0';
	for (int s = GK_SRC_REGS; s < GK_NSRC && k < n; s++)
		if (f->src[s].used)
			k += (size_t)snprintf(buf + k, n - k, "%s%s",
					      k ? "+" : "",
					      gk_src_name((enum gk_src)s));
	return buf[0] ? buf : "none";
}

static const char *mr_name(enum gk_mr_state s)
{
	static const char *const n[] = { "none", "ok", "no-table",
					 "unreadable", "corrupt" };

	return (unsigned int)s < GK_ARRAY_SIZE(n) ? n[s] : "?";
}

static const char *rd_pend_reservation(const struct gk_rdfact *rd,
				       enum gk_loader loader)
{
	if (!rd->lpis || !rd->pend)
		return "";
	return gk_rsv_name(rd->pend_rsv[loader]);
}

static void hex(char *buf, size_t n, uint64_t v, bool known)
{
	if (known)
		snprintf(buf, n, "0x%llx", (unsigned long long)v);
	else
		buf[0] = '\0';
}

static void rd_cells(const struct gk_facts *f, size_t i,
		     const struct render_opts *o, char v[][40])
{
	const struct gk_rdfact *rd = &f->rds[i];

	snprintf(v[RD_INDEX], 40, "%zu", i);
	if (rd->cpu >= 0)
		snprintf(v[RD_CPU], 40, "%d", rd->cpu);
	else
		v[RD_CPU][0] = '\0';
	hex(v[RD_BASE], 40, rd->base, rd->base);
	snprintf(v[RD_LPIS], 40, "%s", rd->lpis ? "yes" : rd->unknown ? "?" : "no");
	hex(v[RD_PROP], 40, rd->prop, rd->prop);
	hex(v[RD_PEND], 40, rd->pend, rd->pend);
	snprintf(v[RD_RESERVED], 40, "%s",
		 rd_pend_reservation(rd, o->loader));
	snprintf(v[RD_REUSED], 40, "%s", rd->pend_reused ? "yes" : "no");
	hex(v[RD_TYPER], 40, rd->typer, rd->regs);
	hex(v[RD_CTLR], 40, rd->ctlr, rd->regs);
	hex(v[RD_PROPBASER], 40, rd->propbaser, rd->regs);
	hex(v[RD_PENDBASER], 40, rd->pendbaser, rd->regs);
	snprintf(v[RD_SOURCE], 40, "%s",
		 rd->pend ? gk_src_name(rd->pend_src) : "");
}

static int rd_table(FILE *out, const struct gk_facts *f,
		    const struct render_opts *o)
{
	struct libscols_table *tb = scols_new_table();
	char v[GK_ARRAY_SIZE(rd_cols)][40];
	int ret = 0;

	if (!tb)
		return -1;
	scols_table_set_stream(tb, out);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	for (size_t c = 0; c < o->ncols; c++)
		if (!scols_table_new_column(tb, rd_cols[o->cols[c]].name, 0,
					    rd_cols[o->cols[c]].flags))
			ret = -1;
	for (size_t i = 0; i < f->nrds && !ret; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		rd_cells(f, i, o, v);
		for (size_t c = 0; ln && c < o->ncols; c++)
			scols_line_set_data(ln, c, v[o->cols[c]]);
		ret = ln ? 0 : -1;
	}
	if (!ret && f->nrds)
		ret = scols_print_table(tb);
	scols_unref_table(tb);
	return ret;
}

static void summary(FILE *out, const struct gk_facts *f,
		    const struct gk_report *r, const struct render_opts *o)
{
	char ev[128];
	size_t on = 0;

	for (size_t i = 0; i < f->nrds; i++)
		on += f->rds[i].lpis;
	if (f->gic >= 3)
		fprintf(out, "GIC:       GICv%u%s%s, %zu redistributors (%zu with LPIs on)\n",
			f->gic, f->gic_source[0] ? ", " : "", f->gic_source,
			f->nrds, on);
	else
		fprintf(out, "GIC:       %s\n",
			f->gic == 2 ? "GICv2" : "no GICv3 found");
	fprintf(out, "Evidence:  %s\n", evidence_name(f, ev, sizeof(ev)));
	fprintf(out, "Boot:      %s%s, memreserve list: %s\n",
		f->efi ? "EFI" : "device tree", f->acpi ? " + ACPI" : "",
		mr_name(f->mr));
	fprintf(out, "Loader:    %s%s%s\n",
		o->loader == GK_LOADER_OURS ? "gic-kexec" : "kexec-tools",
		o->loader != GK_LOADER_OURS && f->kt_version[0] ? " " : "",
		o->loader != GK_LOADER_OURS ? f->kt_version : "");
	for (int t = 0; t < GK_NTARGETS; t++)
		if (o->targets[t])
			fprintf(out, "%s:%*s%s\n",
				gk_target_name((enum gk_target)t), 5, "",
				gk_verdict_name(r->verdict[t]));
}

static bool concerns(const struct gk_finding *fd, const struct render_opts *o)
{
	for (int t = 0; t < GK_NTARGETS; t++)
		if (o->targets[t] && fd->sev[t] != GK_SEV_NONE)
			return true;
	return false;
}

static void findings(FILE *out, const struct gk_report *r,
		     const struct render_opts *o)
{
	bool any = false;

	for (size_t i = 0; i < r->nfindings; i++) {
		const struct gk_finding *fd = &r->findings[i];

		if (!concerns(fd, o))
			continue;
		if (!any)
			fputs("\nFindings:\n", out);
		any = true;
		fprintf(out, "  %-22s kexec %-5s kdump %-5s %s\n", fd->code,
			gk_sev_name(fd->sev[GK_KEXEC]),
			gk_sev_name(fd->sev[GK_KDUMP]), fd->msg);
	}
}

int render_text(FILE *out, const struct gk_facts *f,
		const struct gk_report *r, const struct render_opts *o)
{
	if (!o->raw && !o->noheadings) {
		summary(out, f, r, o);
		fputc('\n', out);
	}
	if (rd_table(out, f, o) < 0)
		return -1;
	if (!o->raw && !o->noheadings)
		findings(out, r, o);
	return 0;
}

/*
 * One line per target, for journals and consoles: the verdict, then the
 * first of the worst findings with its code (the one an operator acts
 * on), and how many more there are at that severity.
 */
int render_oneline(FILE *out, const struct gk_report *r,
		   const struct render_opts *o)
{
	for (int t = 0; t < GK_NTARGETS; t++) {
		const struct gk_finding *worst = NULL;
		size_t more = 0;

		if (!o->targets[t])
			continue;
		for (size_t i = 0; i < r->nfindings; i++) {
			const struct gk_finding *fi = &r->findings[i];

			if (fi->sev[t] <= GK_SEV_INFO)
				continue;
			if (!worst || fi->sev[t] > worst->sev[t]) {
				worst = fi;
				more = 0;
			} else if (fi->sev[t] == worst->sev[t]) {
				more++;
			}
		}
		fprintf(out, "%s: %s", gk_target_name((enum gk_target)t),
			gk_verdict_name(r->verdict[t]));
		if (worst)
			fprintf(out, ": %s: %s", worst->code, worst->msg);
		if (more)
			fprintf(out, " (+%zu more)", more);
		fputc('\n', out);
	}
	return 0;
}

/* ---- JSON: gicdiag(8) documents every key ------------------------- */

static void json_ranges(struct gk_json *j, const char *key,
			const struct gk_range *r, size_t n)
{
	gk_json_open(j, key, '[');
	for (size_t i = 0; i < n; i++) {
		gk_json_open(j, NULL, '{');
		gk_json_addr(j, "start", r[i].start);
		gk_json_addr(j, "end", r[i].end);
		gk_json_close(j, '}');
	}
	gk_json_close(j, ']');
}

static void json_rd(struct gk_json *j, const struct gk_facts *f, size_t i,
		    const struct render_opts *o)
{
	const struct gk_rdfact *rd = &f->rds[i];

	gk_json_open(j, NULL, '{');
	gk_json_int(j, "index", (long long)i);
	rd->cpu >= 0 ? gk_json_int(j, "cpu", rd->cpu) : gk_json_null(j, "cpu");
	rd->base ? gk_json_addr(j, "base", rd->base) : gk_json_null(j, "base");
	gk_json_bool(j, "lpis", rd->lpis);
	gk_json_bool(j, "unknown", rd->unknown);
	rd->prop ? gk_json_addr(j, "prop", rd->prop) : gk_json_null(j, "prop");
	rd->pend ? gk_json_addr(j, "pend", rd->pend) : gk_json_null(j, "pend");
	gk_json_str(j, "reserved",
		    rd_pend_reservation(rd, o->loader));
	gk_json_bool(j, "reused", rd->pend_reused);
	gk_json_str(j, "prop_source", gk_src_name(rd->prop_src));
	gk_json_str(j, "pend_source", gk_src_name(rd->pend_src));
	if (rd->regs) {
		gk_json_open(j, "registers", '{');
		gk_json_addr(j, "typer", rd->typer);
		gk_json_addr(j, "ctlr", rd->ctlr);
		gk_json_addr(j, "propbaser", rd->propbaser);
		gk_json_addr(j, "pendbaser", rd->pendbaser);
		gk_json_close(j, '}');
	} else {
		gk_json_null(j, "registers");
	}
	gk_json_close(j, '}');
}

static void json_findings(struct gk_json *j, const struct gk_report *r)
{
	gk_json_open(j, "findings", '[');
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct gk_finding *fd = &r->findings[i];

		gk_json_open(j, NULL, '{');
		gk_json_str(j, "code", fd->code);
		gk_json_str(j, "kexec", gk_sev_name(fd->sev[GK_KEXEC]));
		gk_json_str(j, "kdump", gk_sev_name(fd->sev[GK_KDUMP]));
		fd->rd >= 0 ? gk_json_int(j, "rd", fd->rd) : gk_json_null(j, "rd");
		gk_json_str(j, "message", fd->msg);
		gk_json_close(j, '}');
	}
	gk_json_close(j, ']');
}

/* Each evidence source: did it name a table, does it hold the whole boot, why not */
static void json_sources(struct gk_json *j, const struct gk_facts *f)
{
	gk_json_open(j, "sources", '{');
	for (int s = GK_SRC_REGS; s < GK_NSRC; s++) {
		gk_json_open(j, gk_src_name((enum gk_src)s), '{');
		gk_json_bool(j, "used", f->src[s].used);
		gk_json_bool(j, "complete", f->src[s].complete);
		gk_json_str(j, "why", f->src[s].why);
		gk_json_close(j, '}');
	}
	gk_json_close(j, '}');
	f->ncpus >= 0 ? gk_json_int(j, "cpus", f->ncpus) : gk_json_null(j, "cpus");
	gk_json_str(j, "boot_id", f->boot_id);
}

static void json_system(struct gk_json *j, const struct gk_facts *f)
{
	char ev[128];

	gk_json_open(j, "gic", '{');
	gk_json_int(j, "version", f->gic);
	gk_json_str(j, "source", f->gic_source);
	if (f->lpis_supported < 0)
		gk_json_null(j, "lpis_supported");
	else
		gk_json_bool(j, "lpis_supported", f->lpis_supported);
	gk_json_close(j, '}');
	gk_json_str(j, "evidence", evidence_name(f, ev, sizeof(ev)));
	gk_json_str(j, "registers_unread", f->regs_why);
	json_sources(j, f);
	gk_json_open(j, "boot", '{');
	gk_json_bool(j, "efi", f->efi);
	gk_json_bool(j, "acpi", f->acpi);
	gk_json_bool(j, "kdump_kernel", f->kdump_kernel);
	gk_json_str(j, "kernel", f->version);
	gk_json_close(j, '}');
	gk_json_open(j, "reservations", '{');
	gk_json_str(j, "memreserve_state", mr_name(f->mr));
	gk_json_str(j, "memreserve_why", f->mr_why);
	json_ranges(j, "memreserve", f->memreserve, f->nmemreserve);
	json_ranges(j, "memreserve_dt", f->dt_memrsv, f->ndt_memrsv);
	json_ranges(j, "reserved_memory", f->resmem, f->nresmem);
	json_ranges(j, "crash_kernel", f->crash, f->ncrash);
	gk_json_close(j, '}');
}

int render_json(FILE *out, const struct gk_facts *f,
		const struct gk_report *r, const struct render_opts *o)
{
	struct gk_json j;

	gk_json_init(&j, out);
	gk_json_open(&j, NULL, '{');
	gk_json_int(&j, "version", GICDIAG_JSON_VERSION);
	gk_json_open(&j, "targets", '{');
	for (int t = 0; t < GK_NTARGETS; t++) {
		if (!o->targets[t])
			continue;
		gk_json_open(&j, gk_target_name((enum gk_target)t), '{');
		gk_json_str(&j, "verdict", gk_verdict_name(r->verdict[t]));
		gk_json_int(&j, "exit", gk_verdict_exit(r->verdict[t]));
		gk_json_close(&j, '}');
	}
	gk_json_close(&j, '}');
	gk_json_str(&j, "loader",
		    o->loader == GK_LOADER_OURS ? "gic-kexec" : "kexec-tools");
	if (o->loader == GK_LOADER_OURS || !f->kt_version[0])
		gk_json_null(&j, "loader_version");
	else
		gk_json_str(&j, "loader_version", f->kt_version);
	json_system(&j, f);
	gk_json_open(&j, "redistributors", '[');
	for (size_t i = 0; i < f->nrds; i++)
		json_rd(&j, f, i, o);
	gk_json_close(&j, ']');
	json_findings(&j, r);
	gk_json_close(&j, '}');
	return ferror(out) ? -1 : 0;
}
