/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gicdiag map: the physical address space at a glance. */
#ifndef GK_MAP_H
#define GK_MAP_H

#include <stdio.h>

#include "verdict.h"

#define GK_MAP_WIDTH 64 /* cells per RAM range */

int gk_map_text(FILE *out, const struct gk_facts *f, enum gk_loader loader);

/* The same as JSON (gicdiag(8), map): the cells of each RAM range, the tables. */
int gk_map_json(FILE *out, const struct gk_facts *f, enum gk_loader loader);

#endif
