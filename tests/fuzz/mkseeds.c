// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Write seed inputs for the binary fuzz targets (memreserve, systab) into
 * DIR/memreserve/ and DIR/systab/: valid structures and broken ones, built
 * byte by byte so the corpus is code, not committed binaries.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

#define BASE 0x40000000ull

static int save(const char *dir, const char *sub, const char *name,
		const uint8_t *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

/* memreserve input: 8 bytes of RAM size + flag, then memory at BASE+8 */
static size_t chain(uint8_t *m, int variant)
{
	size_t b1 = 0x1000, b2 = 0x2000;

	memset(m, 0, 0x3000);
	tu_put32(m, 0x2fff);
	m[7] = 1; /* RAM checks on */
	tu_put32(m + 8, 0);
	tu_put64(m + 16, BASE + b1); /* root: size 0, count 0, next */
	tu_put32(m + b1, 255);
	tu_put32(m + b1 + 4, 2);
	tu_put64(m + b1 + 8, BASE + b2);
	tu_put64(m + b1 + 16, 0x425c0000);
	tu_put64(m + b1 + 24, 0x10000);
	tu_put64(m + b1 + 32, 0x425d0800); /* unaligned */
	tu_put64(m + b1 + 40, 0x1000);
	tu_put32(m + b2, 255);
	tu_put32(m + b2 + 4, 1);
	tu_put64(m + b2 + 16, 0x425b0000);
	tu_put64(m + b2 + 24, 0x10000);
	if (variant == 1)
		tu_put64(m + b2 + 8, BASE + b1); /* loop */
	if (variant == 2)
		tu_put32(m + b2 + 4, 300); /* count > size */
	if (variant == 3)
		tu_put64(m + b2 + 8, BASE + b1 + 4); /* misaligned */
	return 0x3000;
}

static size_t systab(uint8_t *m, int variant)
{
	static const uint8_t memreserve[16] = {
		0xc6, 0xb0, 0x8e, 0x88, 0xde, 0x8e, 0xf5, 0x4f,
		0xa8, 0xf0, 0x9a, 0xee, 0x5c, 0xb9, 0x77, 0xc2,
	};

	memset(m, 0, 0x400);
	memcpy(m, "IBI SYST", 8);
	tu_put32(m + 8, 2 << 16 | 70);
	tu_put32(m + 12, 120);
	tu_put64(m + 104, 2);
	tu_put64(m + 112, variant == 1 ? 0x2000206 : 0x200);
	memcpy(m + 0x200, memreserve, 16);
	tu_put64(m + 0x210, 0x7ffe0000);
	memcpy(m + 0x218, memreserve, 16);
	/* an EFI memory map after the tables, for the translation */
	tu_put32(m + 0x300, 6);
	tu_put64(m + 0x308, 0x200);
	tu_put64(m + 0x310, 0x2000000);
	tu_put64(m + 0x318, 1);
	tu_put64(m + 0x320, 1ull << 63);
	return 0x400;
}

int main(int argc, char **argv)
{
	static uint8_t m[0x3000];
	char name[32];
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 1;
	}
	if (mkdir(argv[1], 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "mkseeds: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (int v = 0; v < 4; v++) {
		size_t len = chain(m, v);

		snprintf(name, sizeof(name), "chain-%d", v);
		ret |= save(argv[1], "memreserve", name, m, len);
	}
	for (int v = 0; v < 2; v++) {
		size_t len = systab(m, v);

		snprintf(name, sizeof(name), "systab-%d", v);
		ret |= save(argv[1], "systab", name, m, len);
	}
	if (ret)
		fprintf(stderr, "mkseeds: %s: %s\n", argv[1], strerror(errno));
	return ret ? 1 : 0;
}
