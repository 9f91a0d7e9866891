// SPDX-License-Identifier: GPL-2.0-or-later
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>

#include "cols.h"
#include "json.h"
#include "render.h"

/* "registers", or the sources that named a table: "kernel-log+journal" */
static const char *evidence_name(const struct gk_facts *f, char *buf, size_t n)
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

/* As --loader names it: kexec_file_load passes nothing, as kexec-tools */
static const char *loader_name(enum gk_loader l, const struct gk_facts *f)
{
	if (l == GK_LOADER_OURS)
		return "gic-kexec";
	/* --loader kexec-file asks no version: kexec-tools' file-first does */
	return f->file_load && !f->kt_asked ? "kexec-file" : "kexec-tools";
}

static const char *mr_name(enum gk_mr_state s)
{
	static const char *const n[] = { "none", "ok", "no-table", "unreadable",
					 "corrupt" };

	return (unsigned int)s < GK_ARRAY_SIZE(n) ? n[s] : "?";
}

static const char *rd_pend_reservation(const struct gk_rdfact *rd,
				       enum gk_loader loader)
{
	if (!rd->lpis || !rd->pend)
		return "";
	return gk_rsv_name(rd->pend_rsv[loader]);
}

/*
 * ---- The redistributor table: one model for text, raw and JSON -------
 *
 * Each column says how to get its value from a row; the text table and
 * the JSON objects are both made from those values, the JSON keys from
 * the column names (lib/cols.h). gicdiag(8) lists the columns.
 */

/* What a column's get() reads: one redistributor, in its context. */
struct rd_row {
	const struct gk_rdfact *rd;
	size_t index;
	enum gk_loader loader;
};

static const struct rd_row *row_of(const void *p)
{
	return p;
}

static void cell_addr(struct gk_cell *c, uint64_t v, bool known)
{
	c->addr = v;
	c->null = !known;
}

static void get_index(const void *p, struct gk_cell *c)
{
	c->i = (long long)row_of(p)->index;
}

static void get_cpu(const void *p, struct gk_cell *c)
{
	c->i = row_of(p)->rd->cpu;
	c->null = c->i < 0;
}

static void get_base(const void *p, struct gk_cell *c)
{
	const struct gk_rdfact *rd = row_of(p)->rd;

	cell_addr(c, rd->base, rd->base);
}

/* JSON: false, with "unknown": true; the table says "?" in one cell */
static void get_lpis(const void *p, struct gk_cell *c)
{
	const struct gk_rdfact *rd = row_of(p)->rd;

	c->i = rd->lpis;
	if (!rd->lpis && rd->unknown)
		c->text = "?";
}

static void get_unknown(const void *p, struct gk_cell *c)
{
	c->i = row_of(p)->rd->unknown;
}

static void get_prop(const void *p, struct gk_cell *c)
{
	const struct gk_rdfact *rd = row_of(p)->rd;

	cell_addr(c, rd->prop, rd->prop);
}

static void get_pend(const void *p, struct gk_cell *c)
{
	const struct gk_rdfact *rd = row_of(p)->rd;

	cell_addr(c, rd->pend, rd->pend);
}

static void get_reserved(const void *p, struct gk_cell *c)
{
	const struct rd_row *r = row_of(p);

	c->s = rd_pend_reservation(r->rd, r->loader);
}

static void get_reused(const void *p, struct gk_cell *c)
{
	c->i = row_of(p)->rd->pend_reused;
}

/* JSON: "none" where no source named the table; the table leaves it empty */
static void get_prop_source(const void *p, struct gk_cell *c)
{
	const struct gk_rdfact *rd = row_of(p)->rd;

	c->s = gk_src_name(rd->prop_src);
	if (!rd->prop)
		c->text = "";
}

static void get_pend_source(const void *p, struct gk_cell *c)
{
	const struct gk_rdfact *rd = row_of(p)->rd;

	c->s = gk_src_name(rd->pend_src);
	if (!rd->pend)
		c->text = "";
}

static void get_typer(const void *p, struct gk_cell *c)
{
	const struct gk_rdfact *rd = row_of(p)->rd;

	cell_addr(c, rd->typer, rd->regs);
}

static void get_ctlr(const void *p, struct gk_cell *c)
{
	const struct gk_rdfact *rd = row_of(p)->rd;

	cell_addr(c, rd->ctlr, rd->regs);
}

static void get_propbaser(const void *p, struct gk_cell *c)
{
	const struct gk_rdfact *rd = row_of(p)->rd;

	cell_addr(c, rd->propbaser, rd->regs);
}

static void get_pendbaser(const void *p, struct gk_cell *c)
{
	const struct gk_rdfact *rd = row_of(p)->rd;

	cell_addr(c, rd->pendbaser, rd->regs);
}

enum {
	RD_INDEX,
	RD_CPU,
	RD_BASE,
	RD_LPIS,
	RD_UNKNOWN,
	RD_PROP,
	RD_PEND,
	RD_RESERVED,
	RD_REUSED,
	RD_PROP_SOURCE,
	RD_PEND_SOURCE,
	RD_TYPER,
	RD_CTLR,
	RD_PROPBASER,
	RD_PENDBASER
};

#define RIGHT SCOLS_FL_RIGHT
static const struct gk_col rd_cols[] = {
	[RD_INDEX] = { .name = "INDEX",
		       .header = "RD",
		       .flags = RIGHT,
		       .type = GK_COL_INT,
		       .get = get_index,
		       .help = "redistributor, in walk order" },
	[RD_CPU] = { .name = "CPU",
		     .flags = RIGHT,
		     .type = GK_COL_INT,
		     .get = get_cpu,
		     .help = "logical CPU (from the kernel log)" },
	[RD_BASE] = { .name = "BASE",
		      .flags = RIGHT,
		      .type = GK_COL_ADDR,
		      .get = get_base,
		      .help = "RD_base physical address" },
	[RD_LPIS] = { .name = "LPIS",
		      .type = GK_COL_BOOL,
		      .get = get_lpis,
		      .help = "GICR_CTLR.EnableLPIs (? when no source tells)" },
	[RD_UNKNOWN] = { .name = "UNKNOWN",
			 .type = GK_COL_BOOL,
			 .get = get_unknown,
			 .help = "LPIs may be on and no source names the tables" },
	[RD_PROP] = { .name = "PROP",
		      .flags = RIGHT,
		      .type = GK_COL_ADDR,
		      .get = get_prop,
		      .help = "property table address" },
	[RD_PEND] = { .name = "PEND",
		      .flags = RIGHT,
		      .type = GK_COL_ADDR,
		      .get = get_pend,
		      .help = "pending table address" },
	[RD_RESERVED] = { .name = "RESERVED",
			  .type = GK_COL_STR,
			  .get = get_reserved,
			  .help = "what keeps the pending table reserved for "
				  "the next kernel" },
	[RD_REUSED] = { .name = "REUSED",
			.type = GK_COL_BOOL,
			.get = get_reused,
			.help = "this boot reused the table (using reserved)" },
	[RD_PROP_SOURCE] = { .name = "PROP_SOURCE",
			     .type = GK_COL_STR,
			     .get = get_prop_source,
			     .help = "where the property table's address came from" },
	[RD_PEND_SOURCE] = { .name = "PEND_SOURCE",
			     .header = "SOURCE",
			     .type = GK_COL_STR,
			     .get = get_pend_source,
			     .help = "where the pending table's address came from" },
	[RD_TYPER] = { .name = "TYPER",
		       .flags = RIGHT,
		       .type = GK_COL_ADDR,
		       .get = get_typer,
		       .help = "GICR_TYPER" },
	[RD_CTLR] = { .name = "CTLR",
		      .flags = RIGHT,
		      .type = GK_COL_ADDR,
		      .get = get_ctlr,
		      .help = "GICR_CTLR" },
	[RD_PROPBASER] = { .name = "PROPBASER",
			   .flags = RIGHT,
			   .type = GK_COL_ADDR,
			   .get = get_propbaser,
			   .help = "GICR_PROPBASER" },
	[RD_PENDBASER] = { .name = "PENDBASER",
			   .flags = RIGHT,
			   .type = GK_COL_ADDR,
			   .get = get_pendbaser,
			   .help = "GICR_PENDBASER" },
};
#undef RIGHT

/* The default columns of each output: what each showed before -o shaped
 * them all; JSON shows every column. */
static const int rd_text[] = { RD_INDEX, RD_CPU,  RD_BASE,     RD_LPIS,
			       RD_PROP,	 RD_PEND, RD_RESERVED, RD_PEND_SOURCE };
static const int rd_verbose[] = { RD_INDEX,	RD_CPU,	       RD_BASE,
				  RD_LPIS,	RD_TYPER,      RD_CTLR,
				  RD_PROPBASER, RD_PENDBASER,  RD_RESERVED,
				  RD_REUSED,	RD_PEND_SOURCE };
static const int rd_json[] = { RD_INDEX,       RD_CPU,	       RD_BASE,
			       RD_LPIS,	       RD_UNKNOWN,     RD_PROP,
			       RD_PEND,	       RD_RESERVED,    RD_REUSED,
			       RD_PROP_SOURCE, RD_PEND_SOURCE, RD_TYPER,
			       RD_CTLR,	       RD_PROPBASER,   RD_PENDBASER };

const struct gk_col *render_rd_cols(size_t *n, enum render_form form,
				    const int **defaults, size_t *ndefaults)
{
	static const struct {
		const int *ids;
		size_t n;
	} def[] = {
		[RENDER_TEXT] = { rd_text, GK_ARRAY_SIZE(rd_text) },
		[RENDER_VERBOSE] = { rd_verbose, GK_ARRAY_SIZE(rd_verbose) },
		[RENDER_JSON] = { rd_json, GK_ARRAY_SIZE(rd_json) },
	};

	*n = GK_ARRAY_SIZE(rd_cols);
	*defaults = def[form].ids;
	*ndefaults = def[form].n;
	return rd_cols;
}

static void rd_row_init(struct rd_row *row, const struct gk_facts *f, size_t i,
			const struct render_opts *o)
{
	row->rd = &f->rds[i];
	row->index = i;
	row->loader = o->loader;
}

static int rd_line(struct libscols_table *tb, const struct rd_row *row,
		   const struct render_opts *o)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char buf[GK_CELL_TEXT_MAX];
	struct gk_cell c;

	if (!ln)
		return -1;
	for (size_t i = 0; i < o->ncols; i++) {
		const struct gk_col *col = &rd_cols[o->cols[i]];

		gk_col_cell(col, row, &c);
		if (scols_line_set_data(ln, i, gk_cell_text(col, &c, buf)))
			return -1;
	}
	return 0;
}

static int rd_table(FILE *out, const struct gk_facts *f,
		    const struct render_opts *o)
{
	struct libscols_table *tb = scols_new_table();
	struct rd_row row;
	int ret = 0;

	if (!tb)
		return -1;
	scols_table_set_stream(tb, out);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	for (size_t i = 0; i < o->ncols && !ret; i++) {
		const struct gk_col *col = &rd_cols[o->cols[i]];

		if (!scols_table_new_column(tb, gk_col_header(col), col->whint,
					    col->flags))
			ret = -1;
	}
	for (size_t i = 0; i < f->nrds && !ret; i++) {
		rd_row_init(&row, f, i, o);
		ret = rd_line(tb, &row, o);
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
		fprintf(out,
			"GIC:       GICv%u%s%s, %zu redistributors (%zu with LPIs on)\n",
			f->gic, f->gic_source[0] ? ", " : "", f->gic_source,
			f->nrds, on);
	else
		fprintf(out, "GIC:       %s\n",
			f->gic == 2 ? "GICv2" : "no GICv3 found");
	fprintf(out, "Evidence:  %s\n", evidence_name(f, ev, sizeof(ev)));
	fprintf(out, "Boot:      %s%s, memreserve list: %s\n",
		f->efi ? "EFI" : "device tree", f->acpi ? " + ACPI" : "",
		mr_name(f->mr));
	fprintf(out, "Loader:    %s%s%s\n", loader_name(o->loader, f),
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

int render_text(FILE *out, const struct gk_facts *f, const struct gk_report *r,
		const struct render_opts *o)
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

/* What made a target NOT-AFFECTED: the gate that stopped the checks. */
static const struct gk_finding *why_not_affected(const struct gk_report *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		enum gk_code c = r->findings[i].id;

		if (c == GK_CODE_NOT_GICV3 || c == GK_CODE_NO_LPIS ||
		    c == GK_CODE_LPIS_DISABLED)
			return &r->findings[i];
	}
	return NULL;
}

/*
 * One line per target, for journals and consoles: the verdict, then the
 * first of the worst findings with its code (the one an operator acts
 * on), and how many more there are at that severity. NOT-AFFECTED says
 * why (no GICv3, no LPIs): the reason is all there is to act on.
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
		if (!worst && r->verdict[t] == GK_NOT_AFFECTED)
			worst = why_not_affected(r);
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

/* One object per redistributor, of the columns -o chose (all by default) */
static void json_rds(struct gk_json *j, const struct gk_facts *f,
		     const struct render_opts *o)
{
	struct rd_row row;

	gk_json_open(j, "redistributors", '[');
	for (size_t i = 0; i < f->nrds; i++) {
		rd_row_init(&row, f, i, o);
		gk_cols_json_row(j, rd_cols, o->cols, o->ncols, &row);
	}
	gk_json_close(j, ']');
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
		fd->rd >= 0 ? gk_json_int(j, "rd", fd->rd) :
			      gk_json_null(j, "rd");
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
	f->ncpus >= 0 ? gk_json_int(j, "cpus", f->ncpus) :
			gk_json_null(j, "cpus");
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

int render_json(FILE *out, const struct gk_facts *f, const struct gk_report *r,
		const struct render_opts *o)
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
	gk_json_str(&j, "loader", loader_name(o->loader, f));
	if (o->loader == GK_LOADER_OURS || !f->kt_version[0])
		gk_json_null(&j, "loader_version");
	else
		gk_json_str(&j, "loader_version", f->kt_version);
	json_system(&j, f);
	json_rds(&j, f, o);
	json_findings(&j, r);
	gk_json_close(&j, '}');
	return ferror(out) ? -1 : 0;
}
