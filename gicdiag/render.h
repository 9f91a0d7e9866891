/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gicdiag's outputs: the summary and tables, and the JSON document. */
#ifndef GK_RENDER_H
#define GK_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "cols.h"
#include "verdict.h"

/* JSON schema version: bumped on any incompatible change (gicdiag(8)).
 * 2: a redistributor's keys are its columns' names, the registers too. */
#define GICDIAG_JSON_VERSION 2

struct render_opts {
	enum gk_loader loader;
	bool targets[GK_NTARGETS]; /* which to report */
	bool raw, noheadings, verbose;
	int cols[GK_COLS_MAX]; /* redistributor columns, text and JSON */
	size_t ncols;
};

/* Which output the default columns are for. */
enum render_form { RENDER_TEXT, RENDER_VERBOSE, RENDER_JSON };

/* The redistributor table's columns (-o), and @form's defaults. */
const struct gk_col *render_rd_cols(size_t *n, enum render_form form,
				    const int **defaults, size_t *ndefaults);

int render_text(FILE *out, const struct gk_facts *f, const struct gk_report *r,
		const struct render_opts *o);
int render_oneline(FILE *out, const struct gk_report *r,
		   const struct render_opts *o);
int render_json(FILE *out, const struct gk_facts *f, const struct gk_report *r,
		const struct render_opts *o);

#endif
