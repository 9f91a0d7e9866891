// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "cols.h"

static bool col_is(const char *s, const char *name, size_t len)
{
	return s && strlen(s) == len && !strncasecmp(s, name, len);
}

/* By name, else by heading: "-o RD" takes what the table shows. */
static int col_id(const char *name, size_t len, const struct gk_col *cols,
		  size_t ncols)
{
	for (size_t i = 0; i < ncols; i++)
		if (col_is(cols[i].name, name, len))
			return (int)i;
	for (size_t i = 0; i < ncols; i++)
		if (col_is(cols[i].header, name, len))
			return (int)i;
	return -1;
}

static bool has_id(const int *ids, size_t nids, int id)
{
	for (size_t i = 0; i < nids; i++)
		if (ids[i] == id)
			return true;
	return false;
}

int gk_cols_parse(const char *arg, const struct gk_col *cols, size_t ncols,
		  int *ids, size_t *nids, struct gk_err *e)
{
	const char *p = arg;

	if (*p == '+')
		p++;
	else
		*nids = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		int id = col_id(p, len, cols, ncols);

		if (id < 0)
			return gk_fail(e, -GK_ERR_INVAL, "unknown column: %.*s",
				       (int)len, p);
		/* a JSON object cannot hold a key twice */
		if (!has_id(ids, *nids, id)) {
			if (*nids == GK_COLS_MAX)
				return gk_fail(e, -GK_ERR_INVAL,
					       "too many columns");
			ids[(*nids)++] = id;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (!*nids)
		return gk_fail(e, -GK_ERR_INVAL, "no columns in \"%s\"", arg);
	return 0;
}

void gk_cols_usage(FILE *out, const struct gk_col *cols, size_t ncols)
{
	int w = 10;

	for (size_t i = 0; i < ncols; i++)
		if ((int)strlen(cols[i].name) > w)
			w = (int)strlen(cols[i].name);
	for (size_t i = 0; i < ncols; i++) {
		fprintf(out, " %*s  %s", w, cols[i].name, cols[i].help);
		if (cols[i].header)
			fprintf(out, " (heading %s)", cols[i].header);
		fputc('\n', out);
	}
}

const char *gk_col_header(const struct gk_col *col)
{
	return col->header ? col->header : col->name;
}

const char *gk_col_key(const struct gk_col *col, char *buf)
{
	size_t i;

	for (i = 0; col->name[i] && i < GK_COL_KEY_MAX - 1; i++)
		buf[i] = (char)tolower((unsigned char)col->name[i]);
	buf[i] = '\0';
	return buf;
}

void gk_col_cell(const struct gk_col *col, const void *row, struct gk_cell *c)
{
	memset(c, 0, sizeof(*c));
	if (col->get)
		col->get(row, c);
	else
		c->null = true;
}

const char *gk_cell_text(const struct gk_col *col, const struct gk_cell *c,
			 char *buf)
{
	if (c->text)
		return c->text;
	if (c->null)
		return "";
	switch (col->type) {
	case GK_COL_INT:
		snprintf(buf, GK_CELL_TEXT_MAX, "%lld", c->i);
		return buf;
	case GK_COL_ADDR:
		snprintf(buf, GK_CELL_TEXT_MAX, "0x%llx",
			 (unsigned long long)c->addr);
		return buf;
	case GK_COL_BOOL:
		return c->i ? "yes" : "no";
	case GK_COL_STR:
		break;
	}
	return c->s ? c->s : "";
}

static void cell_json(struct gk_json *j, const char *key,
		      const struct gk_col *col, const struct gk_cell *c)
{
	if (c->null) {
		gk_json_null(j, key);
		return;
	}
	switch (col->type) {
	case GK_COL_INT:
		gk_json_int(j, key, c->i);
		return;
	case GK_COL_ADDR:
		gk_json_addr(j, key, c->addr);
		return;
	case GK_COL_BOOL:
		gk_json_bool(j, key, c->i != 0);
		return;
	case GK_COL_STR:
		break;
	}
	gk_json_str(j, key, c->s ? c->s : "");
}

void gk_cols_json_row(struct gk_json *j, const struct gk_col *cols,
		      const int *ids, size_t nids, const void *row)
{
	char key[GK_COL_KEY_MAX];
	struct gk_cell c;

	gk_json_open(j, NULL, '{');
	for (size_t i = 0; i < nids; i++) {
		const struct gk_col *col = &cols[ids[i]];

		gk_col_cell(col, row, &c);
		cell_json(j, gk_col_key(col, key), col, &c);
	}
	gk_json_close(j, '}');
}
