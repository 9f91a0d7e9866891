// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a kernel loaded by our kexec reserves for the next one, as its
 * manifest (GK_MANIFEST_KEXEC or _CRASH, kexec(8)) says: read by
 * kexec -e at the jump and by gicdiag's LOADED check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

/*
 * A manifest names every redistributor (about 120 bytes each): 4 MiB
 * holds the GIC's architectural maximum of CPUs with room to spare.
 */
#define MANIFEST_MAX (4u << 20)

/*
 * Our own manifest, written by kx_manifest(): a scan for the few keys
 * needed, not a JSON parser.
 */
int gk_manifest_tables(const struct sysroot *sr, const char *path,
		       struct gk_range **r, size_t *n, bool *passed)
{
	struct gk_range *out = NULL;
	char *buf, *p, *end;
	size_t len, k = 0;
	struct gk_err e;
	int ret;

	*r = NULL;
	*n = 0;
	ret = sysroot_read_file(sr, path, MANIFEST_MAX, &buf, &len, &e);
	if (ret < 0)
		return ret;
	*passed = strstr(buf, "\"lpi_tables_passed\": true") != NULL;
	p = strstr(buf, "\"lpi_tables\": [");
	end = p ? strchr(p, ']') : NULL;
	if (!p || !end || !strstr(buf, "\"version\": 1")) {
		free(buf);
		return -GK_ERR_FORMAT;
	}
	while ((p = strstr(p, "\"start\": \"0x")) && p < end) {
		unsigned long long a, b;
		struct gk_range *nr;

		if (sscanf(p,
			   "\"start\": \"0x%llx\",%*[ \n]\"end\": \"0x%llx\"",
			   &a, &b) != 2 ||
		    b < a)
			break;
		nr = realloc(out, (k + 1) * sizeof(*out));
		if (!nr)
			break;
		out = nr;
		out[k++] = (struct gk_range){ a, b };
		p++;
	}
	free(buf);
	gk_ranges_sort(out, k); /* as gk_ranges_covers() wants them */
	*r = out;
	*n = gk_ranges_merge(out, k);
	return 0;
}
