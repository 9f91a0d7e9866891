// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The facts derived from what was gathered, each by one rule and once:
 * the redistributor the next kernel boots on, the IDbits in force, the
 * size of every table and what keeps it reserved. The verdict, gicdiag's
 * outputs and kexec read them; none works them out again.
 */
#include <stdlib.h>
#include <string.h>

#include "facts.h"

/*
 * The next kernel boots on the CPU that ran machine_kexec: kexec migrates
 * to reboot_cpu, by default the first online CPU, CPU 0. When no source
 * names the CPU of any redistributor (registers without the boot lines),
 * the first in walk order stands for it: firmware lays them out by MPIDR.
 */
int gk_boot_rd(const struct gk_facts *f)
{
	for (size_t i = 0; i < f->nrds; i++)
		if (f->rds[i].cpu == 0)
			return (int)i;
	return f->nrds ? 0 : -1;
}

/*
 * The kernel's rule (its_setup_lpi_prop_table): when the boot CPU's
 * redistributor has LPIs enabled, lpi_id_bits is that redistributor's
 * PROPBASER.IDbits + 1, and it sizes the property table the kernel clears
 * and every pending table it checks, on every CPU. Unknown there, another
 * enabled redistributor's stands in: they must share PROPBASER, or the
 * kernel cannot reuse it at all (PROP-MISMATCH). Unknown everywhere, 16:
 * what Linux programs when it allocates the tables itself
 * (ITS_MAX_LPI_NRBITS), and the smallest size, 64 KiB each.
 */
unsigned int gk_idbits_in_force(const struct gk_facts *f, int boot,
				enum gk_idbits_from *from)
{
	if (boot >= 0 && (size_t)boot < f->nrds && f->rds[boot].idbits) {
		*from = GK_IDBITS_BOOT;
		return f->rds[boot].idbits;
	}
	for (size_t i = 0; i < f->nrds; i++) {
		if (f->rds[i].lpis && f->rds[i].idbits) {
			*from = GK_IDBITS_OTHER;
			return f->rds[i].idbits;
		}
	}
	*from = GK_IDBITS_DEFAULT;
	return 16;
}

const char *gk_rsv_name(enum gk_rsv r)
{
	static const char *const names[] = {
		[GK_RSV_NONE] = "none",
		[GK_RSV_MEMRESERVE] = "memreserve",
		[GK_RSV_MEMRESERVE_DT] = "memreserve-dt",
		[GK_RSV_RESMEM] = "reserved-memory",
		[GK_RSV_LOADER] = "loader",
	};

	return (unsigned int)r < GK_ARRAY_SIZE(names) ? names[r] : "?";
}

/* Unmerged ranges (as the device tree lists them): merged on a copy. */
static bool covered_by(const struct gk_range *r, size_t n, uint64_t start,
		       uint64_t len)
{
	struct gk_range *m, want;
	bool ok;

	if (!n || !gk_range_from_len(&want, start, len))
		return false;
	m = malloc(n * sizeof(*m));
	if (!m)
		return false;
	memcpy(m, r, n * sizeof(*m));
	ok = gk_ranges_covers(m, gk_ranges_merge(m, n), &want, NULL);
	free(m);
	return ok;
}

enum gk_rsv gk_reservation_of(const struct gk_facts *f, enum gk_loader loader,
			      uint64_t start, uint64_t len)
{
	struct gk_range want;

	/* the memreserve ranges are merged already: no copy for 10,000 */
	if (f->mr == GK_MR_OK && gk_range_from_len(&want, start, len) &&
	    gk_ranges_covers(f->memreserve, f->nmemreserve, &want, NULL))
		return GK_RSV_MEMRESERVE;
	if (covered_by(f->dt_memrsv, f->ndt_memrsv, start, len))
		return GK_RSV_MEMRESERVE_DT;
	if (covered_by(f->resmem, f->nresmem, start, len))
		return GK_RSV_RESMEM;
	return loader == GK_LOADER_OURS ? GK_RSV_LOADER : GK_RSV_NONE;
}

/* Per loader: ours passes what no persistent reservation holds. */
static void reservations(const struct gk_facts *f, uint64_t start, uint64_t len,
			 enum gk_rsv *rsv)
{
	rsv[GK_LOADER_KEXEC_TOOLS] = GK_RSV_NONE;
	rsv[GK_LOADER_OURS] = GK_RSV_NONE;
	if (!start)
		return;
	rsv[GK_LOADER_KEXEC_TOOLS] =
		gk_reservation_of(f, GK_LOADER_KEXEC_TOOLS, start, len);
	rsv[GK_LOADER_OURS] = rsv[GK_LOADER_KEXEC_TOOLS] != GK_RSV_NONE ?
				      rsv[GK_LOADER_KEXEC_TOOLS] :
				      GK_RSV_LOADER;
}

void gk_derive(struct gk_facts *f)
{
	f->boot = gk_boot_rd(f);
	f->idbits = gk_idbits_in_force(f, f->boot, &f->idbits_from);
	f->prop_size = gk_prop_size(f->idbits);
	f->pend_size = gk_pend_size(f->idbits);
	for (size_t i = 0; i < f->nrds; i++) {
		struct gk_rdfact *rd = &f->rds[i];

		reservations(f, rd->prop, f->prop_size, rd->prop_rsv);
		reservations(f, rd->pend, f->pend_size, rd->pend_rsv);
	}
	f->derived = true;
}
