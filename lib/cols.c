// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>
#include <strings.h>

#include "cols.h"

static int col_id(const char *name, size_t len, const struct gk_col *cols,
		  size_t ncols)
{
	for (size_t i = 0; i < ncols; i++)
		if (strlen(cols[i].name) == len &&
		    !strncasecmp(cols[i].name, name, len))
			return (int)i;
	return -1;
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
		if (*nids == GK_COLS_MAX)
			return gk_fail(e, -GK_ERR_INVAL, "too many columns");
		ids[(*nids)++] = id;
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
	for (size_t i = 0; i < ncols; i++)
		fprintf(out, " %10s  %s\n", cols[i].name, cols[i].help);
}
