// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gkpeek - read GIC registers through lib/physmem, for the lab
 *
 *   gkpeek [--sysroot DIR] rdwalk
 *
 * walks the redistributors named by /sys/firmware/fdt's GIC node and
 * prints one line each. Only allow-listed registers are read (lib/gic).
 * Exit: 0, 3 when something could not be read (one line says why).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gic.h"
#include "gkfdt.h"
#include "physmem.h"
#include "sysroot.h"

static int fail(const struct gk_err *e)
{
	fprintf(stderr, "gkpeek: %s\n", e->msg);
	return 3;
}

static int print_rd(struct physmem *pm, size_t i, const struct gic_rd *rd,
		    struct gk_err *e)
{
	uint64_t ctlr, prop, pend;

	if (gic_read(pm, rd->base, GICR_CTLR, &ctlr, e) < 0 ||
	    gic_read(pm, rd->base, GICR_PROPBASER, &prop, e) < 0 ||
	    gic_read(pm, rd->base, GICR_PENDBASER, &pend, e) < 0)
		return -1;
	printf("GICR %zu @0x%llx TYPER=0x%016llx last=%d CTLR=0x%llx PROPBASER=0x%016llx PENDBASER=0x%016llx\n",
	       i, (unsigned long long)rd->base, (unsigned long long)rd->typer,
	       !!(rd->typer & GICR_TYPER_LAST), (unsigned long long)ctlr,
	       (unsigned long long)prop, (unsigned long long)pend);
	return 0;
}

static int rdwalk(const struct sysroot *sr, struct gk_err *e)
{
	struct physmem *pm = NULL;
	struct gic_layout lay;
	struct gic_rd *rds = NULL;
	struct gk_fdt f;
	size_t n = 0;
	int ret = 3;

	if (gk_fdt_load(sr, "/sys/firmware/fdt", &f, e) < 0)
		return fail(e);
	if (gic_layout_from_fdt(&f, &lay, e) < 0) {
		gk_fdt_free(&f);
		return fail(e);
	}
	/* registers only: RAM through kcore would not help here */
	if (physmem_open(sr, PHYSMEM_NO_KCORE, &pm, e) < 0 ||
	    gic_walk_rds(pm, &lay, &rds, &n, e) < 0) {
		fail(e);
		goto out;
	}
	ret = 0;
	for (size_t i = 0; i < n && !ret; i++)
		if (print_rd(pm, i, &rds[i], e) < 0)
			ret = fail(e);
out:
	free(rds);
	physmem_close(pm);
	gic_layout_free(&lay);
	gk_fdt_free(&f);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysroot", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	struct sysroot *sr;
	struct gk_err e;
	int c, ret;

	while ((c = getopt_long(argc, argv, "s:", opts, NULL)) >= 0) {
		if (c != 's')
			return 64;
		root = optarg;
	}
	if (optind != argc - 1 || strcmp(argv[optind], "rdwalk")) {
		fprintf(stderr, "usage: gkpeek [--sysroot DIR] rdwalk\n");
		return 64;
	}
	if (sysroot_new(root, 0, &sr, &e) < 0)
		return fail(&e);
	ret = rdwalk(sr, &e);
	sysroot_free(sr);
	return ret;
}
