// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the boot record (facts/bootrec.c), read back as an
 * evidence source: a failure comes with a one-line message and no source;
 * a source has its CPUs sorted, unique and in range, and a pending table
 * wherever it says LPIs are on.
 */
#include "bootrec.h"
#include "fuzz.h"

#define BOOT_ID "6b1e7c2a-54d1-4f0e-9a3b-2f6d8e1c0b47"

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct gk_cpuset online = { 0 };
	struct gk_err e = { 0 };
	struct gk_lpisrc s;
	bool ok = true;
	int ret;

	if (gk_cpuset_parse("0-1", &online) < 0)
		return true; /* out of memory */
	ret = gk_bootrec_parse((const char *)data, size, "fuzz", BOOT_ID,
			       &online, &s, &e);
	gk_cpuset_free(&online);
	if (ret < 0)
		return ret == -GK_ERR_NOTFOUND ?
			       !s.n && e.msg[0] :
			       !s.n && gk_fuzz_failed_well(ret, &e);
	for (size_t i = 0; i < s.n; i++) {
		ok &= !i || s.cpus[i - 1].cpu < s.cpus[i].cpu;
		ok &= s.cpus[i].cpu < 65536;
		ok &= s.cpus[i].lpis != 1 || s.cpus[i].pend;
	}
	ok &= s.src == GK_SRC_BOOTREC &&
	      (!s.idbits || (s.idbits >= 14 && s.idbits <= 32));
	gk_lpisrc_free(&s);
	return ok;
}
