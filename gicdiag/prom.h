/* SPDX-License-Identifier: GPL-2.0-or-later */
/* node_exporter textfile metrics, written atomically. */
#ifndef GK_PROM_H
#define GK_PROM_H

#include "render.h"

/**
 * gk_prom_write - write the metrics to @path (temporary file + rename)
 * returns: 0, or a negative GK_ERR_* code with @e set
 */
int gk_prom_write(const char *path, const struct gk_facts *f,
		  const struct gk_report *r, const struct render_opts *o,
		  struct gk_err *e);

#endif
