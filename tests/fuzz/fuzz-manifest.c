// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for our kexec's manifest read back (facts/manifest.c): a
 * failure comes with a one-line message and no ranges; the ranges read
 * are sorted, disjoint and each ends after it starts.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "manifest.h"

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct gk_err e = { 0 };
	struct gk_range *r;
	bool passed, ok = true;
	size_t n;
	int ret;

	ret = gk_manifest_parse((const char *)data, size, "fuzz", &r, &n,
				&passed, &e);
	if (ret < 0)
		return !r && !n && gk_fuzz_failed_well(ret, &e);
	for (size_t i = 0; i < n; i++) {
		ok &= r[i].start <= r[i].end;
		ok &= !i || r[i - 1].end < r[i].start;
	}
	free(r);
	return ok;
}
