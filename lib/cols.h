/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output columns, the util-linux way: one table of columns per output
 * drives the text, raw and JSON forms, and -o picks from it (a
 * comma-separated list of names, or "+LIST" to add to the defaults).
 *
 * A column's JSON key is its name in lower case, as in lsmem: names are
 * upper case letters, digits and '_', so the key needs no other mapping.
 */
#ifndef GK_COLS_H
#define GK_COLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gkerr.h"
#include "json.h"

/* What a cell holds, and so its JSON type. */
enum gk_col_type {
	GK_COL_STR,
	GK_COL_INT,
	GK_COL_ADDR, /* text and JSON "0x...": JSON numbers lose 64 bits */
	GK_COL_BOOL, /* text "yes"/"no", JSON true/false */
};

/* One row's value in one column, as a column's get() fills it. */
struct gk_cell {
	bool null;     /* no value: JSON null, an empty text cell */
	long long i;   /* GK_COL_INT, GK_COL_BOOL */
	uint64_t addr; /* GK_COL_ADDR */
	const char *s; /* GK_COL_STR */
	/* the text form, where it says what the value cannot ("?") */
	const char *text;
};

struct gk_col {
	const char *name; /* -o takes it; lower case, the JSON key */
	double whint;	  /* libsmartcols width hint */
	int flags;	  /* SCOLS_FL_* */
	enum gk_col_type type;
	const char *help;
	const char *header; /* the text heading, when not the name */
	/* the value for @row (the tool's own row type); NULL: the tool
	 * fills its cells itself */
	void (*get)(const void *row, struct gk_cell *c);
};

#define GK_COLS_MAX 32

/**
 * gk_cols_parse - turn an -o argument into column ids
 * @arg: "A,B" replaces the list, "+A,B" appends to it; a name or a
 *	heading, in any case; a column already in the list is not repeated
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

/* The text heading: the header, or else the name. */
const char *gk_col_header(const struct gk_col *col);

/* The JSON key: the name in lower case. @buf of GK_COL_KEY_MAX. */
#define GK_COL_KEY_MAX 32
const char *gk_col_key(const struct gk_col *col, char *buf);

/* @col's cell of @row, from its get(). */
void gk_col_cell(const struct gk_col *col, const void *row, struct gk_cell *c);

/* The text of a cell; @buf holds numbers and addresses. */
#define GK_CELL_TEXT_MAX 24
const char *gk_cell_text(const struct gk_col *col, const struct gk_cell *c,
			 char *buf);

/**
 * gk_cols_json_row - one row as a JSON object, keyed by column name
 * @j: the writer, inside an array
 * @cols: the table of columns
 * @ids: the columns chosen, in order
 * @nids: how many
 * @row: passed to each column's get()
 */
void gk_cols_json_row(struct gk_json *j, const struct gk_col *cols,
		      const int *ids, size_t nids, const void *row);

#endif
