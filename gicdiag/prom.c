// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One gauge per target and per redistributor, in the text exposition
 * format node_exporter's textfile collector reads, written atomically
 * (lib/atomic) so the collector never reads half of it.
 */
#include <stdio.h>
#include <string.h>

#include "atomic.h"
#include "prom.h"

static void targets(FILE *f, const struct gk_report *r,
		    const struct render_opts *o)
{
	fputs("# HELP gicdiag_verdict Will the LPI tables survive: 0 safe, 1 at risk, 2 will fail, 3 could not diagnose.\n"
	      "# TYPE gicdiag_verdict gauge\n",
	      f);
	for (int t = 0; t < GK_NTARGETS; t++)
		if (o->targets[t])
			fprintf(f,
				"gicdiag_verdict{target=\"%s\",verdict=\"%s\"} %d\n",
				gk_target_name((enum gk_target)t),
				gk_verdict_name(r->verdict[t]),
				gk_verdict_exit(r->verdict[t]));
	fputs("# HELP gicdiag_findings Findings per target and severity.\n"
	      "# TYPE gicdiag_findings gauge\n",
	      f);
	for (int t = 0; t < GK_NTARGETS; t++) {
		for (int s = GK_SEV_INFO; o->targets[t] && s <= GK_SEV_FATAL;
		     s++) {
			size_t n = 0;

			for (size_t i = 0; i < r->nfindings; i++)
				n += r->findings[i].sev[t] == (enum gk_sev)s;
			fprintf(f,
				"gicdiag_findings{target=\"%s\",severity=\"%s\"} %zu\n",
				gk_target_name((enum gk_target)t),
				gk_sev_name((enum gk_sev)s), n);
		}
	}
}

static void rds(FILE *f, const struct gk_facts *fa, const struct render_opts *o)
{
	fputs("# HELP gicdiag_rd_lpis_enabled GICR_CTLR.EnableLPIs of each redistributor.\n"
	      "# TYPE gicdiag_rd_lpis_enabled gauge\n",
	      f);
	for (size_t i = 0; i < fa->nrds; i++)
		fprintf(f,
			"gicdiag_rd_lpis_enabled{rd=\"%zu\",cpu=\"%d\"} %d\n",
			i, fa->rds[i].cpu, fa->rds[i].lpis);
	fputs("# HELP gicdiag_rd_pending_reserved Whether the pending table stays reserved for the next kernel.\n"
	      "# TYPE gicdiag_rd_pending_reserved gauge\n",
	      f);
	for (size_t i = 0; i < fa->nrds; i++) {
		const struct gk_rdfact *rd = &fa->rds[i];

		if (!rd->lpis || !rd->pend)
			continue;
		fprintf(f,
			"gicdiag_rd_pending_reserved{rd=\"%zu\",cpu=\"%d\"} %d\n",
			i, rd->cpu, rd->pend_rsv[o->loader] != GK_RSV_NONE);
	}
	fputs("# HELP gicdiag_rd_table_known Whether a source names the pending table of each redistributor with LPIs on (or that they are off); source says which.\n"
	      "# TYPE gicdiag_rd_table_known gauge\n",
	      f);
	for (size_t i = 0; i < fa->nrds; i++) {
		const struct gk_rdfact *rd = &fa->rds[i];

		fprintf(f,
			"gicdiag_rd_table_known{rd=\"%zu\",cpu=\"%d\",source=\"%s\"} %d\n",
			i, rd->cpu, gk_src_name(rd->pend_src), !rd->unknown);
	}
	fputs("# HELP gicdiag_evidence_registers 1 when registers were read, 0 when judged from the other sources.\n"
	      "# TYPE gicdiag_evidence_registers gauge\n",
	      f);
	fprintf(f, "gicdiag_evidence_registers %d\n",
		fa->evidence == GK_EVID_REGS);
}

struct prom {
	const struct gk_facts *fa;
	const struct gk_report *r;
	const struct render_opts *o;
};

static int fill(FILE *out, void *arg, struct gk_err *e)
{
	const struct prom *p = arg;

	(void)e; /* only the stream fails */
	targets(out, p->r, p->o);
	rds(out, p->fa, p->o);
	return 0;
}

int gk_prom_write(const char *path, const struct gk_facts *fa,
		  const struct gk_report *r, const struct render_opts *o,
		  struct gk_err *e)
{
	struct prom p = { .fa = fa, .r = r, .o = o };

	return gk_atomic_write(path, 0644, fill, &p, e);
}
