// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gkerr.h"
#include "strutils.h"

static int suffix_shift(const char *s)
{
	static const char *const units = "KMGTPE";
	const char *u;

	if (!*s)
		return 0;
	/* strchr() finds the terminating NUL too: a space (' ' & ~0x20) did */
	u = (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ?
		    strchr(units, s[0] & ~0x20) :
		    NULL;
	if (!u)
		return -1;
	if (s[1] && strcasecmp(s + 1, "iB") && strcasecmp(s + 1, "B"))
		return -1;
	return 10 * (int)(u - units + 1);
}

int gk_parse_u64(const char *s, uint64_t *v)
{
	unsigned long long x;
	char *end;
	int shift;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -GK_ERR_INVAL;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || end == s)
		return -GK_ERR_INVAL;
	shift = suffix_shift(end);
	if (shift < 0 || (shift && x > (UINT64_MAX >> shift)))
		return -GK_ERR_INVAL;
	*v = (uint64_t)x << shift;
	return 0;
}

const char *gk_size_human(uint64_t size, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	unsigned int i = 0;
	uint64_t whole = size, rem = 0;

	while (whole >= 1024 && i < sizeof(units) - 2) {
		rem = whole % 1024;
		whole /= 1024;
		i++;
	}
	if (!i) {
		snprintf(buf, len, "%lluB", (unsigned long long)size);
	} else {
		/* one decimal, rounded, like util-linux's size_to_human */
		unsigned int dec = (unsigned int)((rem * 10 + 512) / 1024);

		if (dec == 10) {
			whole++;
			dec = 0;
		}
		if (whole == 1024 && i < sizeof(units) - 2) {
			whole = 1; /* 1023.95K is 1M */
			i++;
		}
		if (dec)
			snprintf(buf, len, "%llu.%u%c",
				 (unsigned long long)whole, dec, units[i]);
		else
			snprintf(buf, len, "%llu%c", (unsigned long long)whole,
				 units[i]);
	}
	return buf;
}
