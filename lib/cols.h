/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output columns chosen with -o, the util-linux way: a comma-separated
 * list of names, or "+LIST" to add to the defaults.
 */
#ifndef GK_COLS_H
#define GK_COLS_H

#include <stddef.h>
#include <stdio.h>

#include "gkerr.h"

struct gk_col {
	const char *name;
	double whint; /* libsmartcols width hint */
	int flags;    /* SCOLS_FL_* */
	int json;     /* SCOLS_JSON_* */
	const char *help;
};

#define GK_COLS_MAX 32

/**
 * gk_cols_parse - turn an -o argument into column ids
 * @arg: "A,B" replaces the list, "+A,B" appends to it
 * @cols: the table of columns
 * @ncols: its size
 * @ids: the current list (the defaults), updated
 * @nids: its length, updated
 * @e: failure detail ("unknown column: X"), or NULL
 *
 * returns: 0 or -GK_ERR_INVAL
 */
int gk_cols_parse(const char *arg, const struct gk_col *cols, size_t ncols,
		  int *ids, size_t *nids, struct gk_err *e);

/**
 * gk_cols_usage - list the columns for --help
 */
void gk_cols_usage(FILE *out, const struct gk_col *cols, size_t ncols);

#endif
