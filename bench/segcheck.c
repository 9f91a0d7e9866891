// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The segment check's cost in user space, per GiB on this host: nettle's
 * SHA-256 (the check before issue 15), libdeflate's and zlib's CRC-32,
 * and kexec's per-chunk CRC-32 job (kexec/segcheck.c) on 1..N threads.
 * Built and run by bench/segcheck.sh; prints figures, asserts nothing.
 *   segcheck MIB RUNS
 */
#include <libdeflate.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

#include "segcheck.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct job {
	const uint8_t *buf;
	size_t len;
	unsigned threads;
	uint32_t sink;
};

static void sha(struct job *j)
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, j->len, j->buf);
	sha256_digest(&ctx, sizeof(d), d);
	j->sink += d[0];
}

static void zlib_crc(struct job *j)
{
	j->sink += (uint32_t)crc32(0, j->buf, (uInt)j->len);
}

static void deflate_crc(struct job *j)
{
	j->sink += libdeflate_crc32(0, j->buf, j->len);
}

static void chunks(struct job *j)
{
	struct kx_segcheck c;
	struct gk_err e;

	if (kx_segcheck_start(&c, &j->buf, &j->len, 1, KX_CHECK_CHUNK,
			      j->threads, &e))
		return;
	kx_segcheck_finish(&c);
	j->sink += c.seg[0].crc[0];
	kx_segcheck_free(&c);
}

/* the median of @runs timings of @fn, in ms per GiB */
static double median(int runs, struct job *j, void (*fn)(struct job *))
{
	double t[64];

	for (int r = 0; r < runs; r++) {
		double t0 = now();

		fn(j);
		t[r] = (now() - t0) * 1e3 * (double)(1u << 30) / (double)j->len;
	}
	qsort(t, (size_t)runs, sizeof(double), cmp);
	return t[runs / 2];
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 256;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	struct job j = { .len = mib << 20 };
	unsigned cpus = kx_segcheck_cpus();
	uint8_t *buf = malloc(j.len ? j.len : 1);

	if (!buf || !mib || runs < 1 || runs > 64) {
		fprintf(stderr, "usage: segcheck MIB RUNS (1..64)\n");
		return 2;
	}
	for (size_t i = 0; i < j.len; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	j.buf = buf;
	printf("user space, %zu MiB, median of %d, ms per GiB:\n", mib, runs);
	printf("  nettle sha256            %8.1f\n", median(runs, &j, sha));
	printf("  zlib crc32               %8.1f\n",
	       median(runs, &j, zlib_crc));
	printf("  libdeflate_crc32         %8.1f\n",
	       median(runs, &j, deflate_crc));
	for (unsigned t = 1;; t = t * 2 < cpus ? t * 2 : cpus) {
		j.threads = t;
		printf("  segcheck, %3u thread%s    %8.1f\n", t,
		       t > 1 ? "s" : " ", median(runs, &j, chunks));
		if (t == cpus)
			break;
	}
	free(buf);
	return j.sink == 1; /* keep the work */
}
