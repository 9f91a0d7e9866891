/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gicdiag confirm: after the jump, did this kernel reuse the previous
 * kernel's LPI tables or lose them? Decided from its own log lines.
 */
#ifndef GK_CONFIRM_H
#define GK_CONFIRM_H

#include <stdbool.h>
#include <stdio.h>

#include "lpilog.h"

enum gk_outcome {
	GK_OUT_REUSED,	/* "Using preallocated redistributor tables" */
	GK_OUT_FRESH,	/* no tables inherited: allocated new ones */
	GK_OUT_LOST,	/* inherited live tables, did not reuse them */
	GK_OUT_UNKNOWN, /* the log has no LPI lines */
};

struct gk_confirm {
	enum gk_outcome outcome;
	char why[256];
	long long tainted;    /* /proc/sys/kernel/tainted, -1 unknown */
	char taint_flags[32]; /* letters of the set bits, as the kernel */
};

/**
 * gk_confirm - judge this boot from its log
 * @ll: the LPI lines of the log
 * @tainted: /proc/sys/kernel/tainted, or -1
 * @c: output
 */
void gk_confirm(const struct lpilog *ll, long long tainted,
		struct gk_confirm *c);

const char *gk_outcome_name(enum gk_outcome o);
int gk_outcome_exit(enum gk_outcome o); /* 0, 0, 2, 3 */

void gk_confirm_text(FILE *out, const struct lpilog *ll,
		     const struct gk_confirm *c);
void gk_confirm_oneline(FILE *out, const struct gk_confirm *c);
void gk_confirm_json(FILE *out, const struct lpilog *ll,
		     const struct gk_confirm *c);

#endif
