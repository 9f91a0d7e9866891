// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The purgatory's portable code, run as a static aarch64 Linux program
 * under qemu-aarch64 (user mode), linked with the very source files of
 * the blob (kexec/purgatory/sha256.c, sha256-ce.S, idmap.c):
 *
 *   - SHA-256, both variants, on the FIPS 180-4 / NIST example vectors
 *     and on the random messages of VECTORS (written by gen-vectors.py
 *     with python's hashlib), at every alignment 0..15;
 *   - the run-time choice of variant from ID_AA64ISAR0_EL1/PFR0_EL1;
 *   - CRC-32 (crc32.c), the table and the CRC32X/CRC32B variants, on the
 *     same random messages against python's zlib.crc32 (= libdeflate's
 *     libdeflate_crc32(0, ...)) at every alignment, and their choice
 *     from ID_AA64ISAR0_EL1.CRC32;
 *   - the identity-map builder: tables built in a buffer standing for a
 *     scratch area at a made-up physical address, then walked in software
 *     as the MMU would: every byte of every range maps to itself with the
 *     right attributes, nothing else is mapped, blocks where allowed.
 *
 * test-digest VECTORS.bin VECTORS.txt   prints TAP lines without numbers
 * (run.sh numbers them), and "# ..." comments.
 * test-digest --bench MIB   prints each variant's time per MiB over MIB
 * MiB (bench/segcheck.sh; under TCG the figures are relative only).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crc32.h"
#include "idmap.h"
#include "sha256.h"

static int failures;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", cond ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		failures++;
}

static void hex(const uint8_t *d, char out[65])
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

struct variant {
	const char *name;
	kx_sha256_blocks_fn *fn;
};

static const struct variant variants[] = {
	{ "portable", kx_sha256_blocks_generic },
	{ "ce", kx_sha256_blocks_ce },
};

static const struct {
	const char *name;
	kx_crc32_fn *fn;
} crc_variants[] = {
	{ "crc32-table", kx_crc32_table },
	{ "crc32-insn", kx_crc32_insn },
};

/* ---- known vectors --------------------------------------------------- */

static const struct {
	const char *name, *msg;
	unsigned repeat;
	const char *digest;
} known[] = {
	{ "empty message", "", 1,
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "\"abc\"", "abc", 1,
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "448-bit message",
	  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "896-bit message",
	  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  1,
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ "1,000,000 x 'a'", "a", 1000000,
	  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

static void test_known(void)
{
	for (size_t v = 0; v < 2; v++) {
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
			size_t len = strlen(known[k].msg) * known[k].repeat;
			uint8_t *buf = malloc(len + 1), d[32];
			char h[65];

			for (size_t i = 0; i < known[k].repeat; i++)
				memcpy(buf + i * strlen(known[k].msg),
				       known[k].msg, strlen(known[k].msg));
			kx_sha256(variants[v].fn, buf, len, d);
			hex(d, h);
			ok(!strcmp(h, known[k].digest), "%s: %s",
			   variants[v].name, known[k].name);
			if (strcmp(h, known[k].digest))
				printf("# got %s\n# want %s\n", h,
				       known[k].digest);
			free(buf);
		}
	}
}

/* ---- random messages against hashlib ----------------------------------- */

static void test_random(const char *bin, const char *txt)
{
	FILE *fb = fopen(bin, "rb"), *ft = fopen(txt, "r");
	uint8_t *data = NULL, *shifted = malloc(4096 + 16 + 64);
	long size = 0;
	unsigned n = 0, bad[2] = { 0, 0 }, crc_bad[2] = { 0, 0 };
	unsigned long len;
	unsigned crc_want;
	char want[65];
	long off = 0;

	if (!fb || !ft || !shifted) {
		ok(0, "random messages: cannot read %s / %s", bin, txt);
		ok(0, "random messages (ce)");
		ok(0, "random messages (crc32)");
		return;
	}
	fseek(fb, 0, SEEK_END);
	size = ftell(fb);
	rewind(fb);
	data = malloc(size ? size : 1);
	if (fread(data, 1, size, fb) != (size_t)size)
		size = -1;
	while (size >= 0 &&
	       fscanf(ft, "%lu %64s %x", &len, want, &crc_want) == 3) {
		if (off + (long)len > size || len > 4096) {
			size = -1;
			break;
		}
		for (size_t v = 0; v < 2; v++) {
			/* every start alignment 0..15 over the set */
			uint8_t *p = shifted + (n + 5 * v) % 16, d[32];
			char h[65];

			memcpy(p, data + off, len);
			kx_sha256(variants[v].fn, p, len, d);
			hex(d, h);
			if (strcmp(h, want)) {
				if (!bad[v])
					printf("# %s: length %lu: got %s want %s\n",
					       variants[v].name, len, h, want);
				bad[v]++;
			}
		}
		for (size_t v = 0; v < 2; v++) {
			uint8_t *p = shifted + (n + 3 * v) % 16;
			uint32_t got;

			memcpy(p, data + off, len);
			got = kx_crc32(crc_variants[v].fn, p, len);
			if (got != crc_want) {
				if (!crc_bad[v])
					printf("# %s: length %lu: got %08x want %08x\n",
					       crc_variants[v].name, len, got,
					       crc_want);
				crc_bad[v]++;
			}
		}
		off += len;
		n++;
	}
	for (size_t v = 0; v < 2; v++)
		ok(size >= 0 && n >= 100 && !bad[v],
		   "%s: %u random messages (0..4096 bytes, any alignment) "
		   "match hashlib",
		   variants[v].name, n);
	for (size_t v = 0; v < 2; v++)
		ok(size >= 0 && n >= 100 && !crc_bad[v],
		   "%s: %u random messages (0..4096 bytes, any alignment) "
		   "match zlib.crc32",
		   crc_variants[v].name, n);
	fclose(fb);
	fclose(ft);
	free(data);
	free(shifted);
}

/* Both variants agree on long messages whose block counts vary. */
static void test_agree(void)
{
	size_t max = 3 << 20;
	uint8_t *buf = malloc(max), a[32], b[32];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int same = 1;

	for (size_t i = 0; i < max; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	for (size_t len = 0; len <= max; len = len * 3 + 1) {
		kx_sha256(kx_sha256_blocks_generic, buf, len, a);
		kx_sha256(kx_sha256_blocks_ce, buf, len, b);
		same &= !memcmp(a, b, 32);
	}
	ok(same, "portable and ce agree on messages up to 3 MiB");
	free(buf);
}

/* ---- variant selection ------------------------------------------------- */

static uint64_t read_isar0(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(v));
	return v;
}

static uint64_t read_pfr0(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(v));
	return v;
}

static void test_select(void)
{
	uint64_t isar0 = read_isar0(), pfr0 = read_pfr0();
	const uint64_t sha2_mask = 0xfull << 12, simd_mask = 0xfull << 20;
	int good = 1;

	/* SHA2 0 -> portable; 1 (SHA256) and 2 (SHA512 too) -> ce */
	good &= kx_sha256_select(isar0 & ~sha2_mask, pfr0) ==
		kx_sha256_blocks_generic;
	good &= kx_sha256_select((isar0 & ~sha2_mask) | 1ull << 12,
				 pfr0 & ~simd_mask) == kx_sha256_blocks_ce;
	good &= kx_sha256_select((isar0 & ~sha2_mask) | 2ull << 12,
				 pfr0 & ~simd_mask) == kx_sha256_blocks_ce;
	/* no AdvSIMD at all (0xf): portable, whatever SHA2 says */
	good &= kx_sha256_select(1ull << 12, simd_mask) ==
		kx_sha256_blocks_generic;
	ok(good,
	   "selection from ID_AA64ISAR0_EL1.SHA2 and ID_AA64PFR0_EL1.AdvSIMD");

	printf("# this CPU: ID_AA64ISAR0_EL1 %#" PRIx64 " (SHA2 %u), "
	       "ID_AA64PFR0_EL1 %#" PRIx64 "\n",
	       isar0, (unsigned)(isar0 >> 12 & 0xf), pfr0);
	ok(kx_sha256_select(isar0, pfr0) == (((isar0 >> 12) & 0xf) ?
						     kx_sha256_blocks_ce :
						     kx_sha256_blocks_generic),
	   "this CPU (SHA2 %u) selects the %s variant",
	   (unsigned)(isar0 >> 12 & 0xf),
	   ((isar0 >> 12) & 0xf) ? "ce" : "portable");
}

/*
 * CRC-32: the check value of "123456789" (0xcbf43926 for this CRC), the
 * two variants agree on long buffers from any start, and the choice
 * follows ID_AA64ISAR0_EL1.CRC32 (bits [19:16]).
 */
static void test_crc32(void)
{
	size_t max = 3 << 20;
	uint8_t *buf = malloc(max + 8);
	uint64_t x = 0x2545f4914f6cdd1dull, isar0 = read_isar0();
	const uint64_t crc_mask = 0xfull << 16;
	int same = 1;

	for (size_t i = 0; i < max + 8; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	for (size_t v = 0; v < 2; v++)
		ok(kx_crc32(crc_variants[v].fn, "123456789", 9) == 0xcbf43926u,
		   "%s: the check value of \"123456789\" is cbf43926",
		   crc_variants[v].name);
	for (size_t len = 0; len <= max; len = len * 3 + 1)
		same &= kx_crc32(kx_crc32_table, buf + len % 8, len) ==
			kx_crc32(kx_crc32_insn, buf + len % 8, len);
	ok(same, "crc32-table and crc32-insn agree on messages up to 3 MiB");
	free(buf);

	ok(kx_crc32_select(isar0 & ~crc_mask) == kx_crc32_table &&
		   kx_crc32_select(isar0 | 1ull << 16) == kx_crc32_insn,
	   "selection from ID_AA64ISAR0_EL1.CRC32");
	printf("# this CPU: ID_AA64ISAR0_EL1.CRC32 %u\n",
	       (unsigned)(isar0 >> 16 & 0xf));
}

/* ---- timing (--bench) ---------------------------------------------------- */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ms per MiB of each variant over @mib MiB; TCG: compare, do not quote. */
static int bench(unsigned mib)
{
	size_t len = (size_t)mib << 20;
	uint8_t *buf = malloc(len), d[32];
	volatile uint32_t sink = 0;
	double t;

	if (!buf || !mib)
		return 2;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 24);
	for (size_t v = 0; v < 2; v++) {
		t = now();
		kx_sha256(variants[v].fn, buf, len, d);
		printf("sha256-%s %.3f ms/MiB\n", variants[v].name,
		       (now() - t) * 1e3 / mib);
		sink += d[0];
	}
	for (size_t v = 0; v < 2; v++) {
		t = now();
		sink += kx_crc32(crc_variants[v].fn, buf, len);
		printf("%s %.3f ms/MiB\n", crc_variants[v].name,
		       (now() - t) * 1e3 / mib);
	}
	free(buf);
	return sink == 0x5a5a5a5a; /* keep the work */
}

/* ---- identity map -------------------------------------------------------- */

#define SCRATCH_PA 0x4c000000ull

struct range {
	uint64_t start, len;
};

static uint64_t *tbl(const struct kx_idmap *m, uint64_t pa)
{
	return (uint64_t *)(void *)(m->va + (pa - m->pa));
}

/*
 * The MMU's walk, in software. Returns the level of the leaf, -1 when
 * unmapped, -2 when the tables are malformed (a table outside the scratch
 * area or misaligned, a block at a level that has none, a reserved type).
 */
static int walk(const struct kx_idmap *m, uint64_t va, uint64_t *pa,
		uint64_t *attrs)
{
	uint64_t g = 1ull << m->shift, tpa = m->root;
	uint64_t oa_mask = ((1ull << 48) - 1) & ~(g - 1);

	for (int lvl = m->start_level; lvl <= 3; lvl++) {
		unsigned ls = kx_idmap_level_shift(m->shift, lvl);
		unsigned bits = lvl == m->start_level ? 48 - ls : m->shift - 3;
		uint64_t d, oa;

		if (tpa < m->pa || tpa + g > m->pa + m->used || (tpa & (g - 1)))
			return -2;
		d = tbl(m, tpa)[(va >> ls) & ((1ull << bits) - 1)];
		if (!(d & 1))
			return -1;
		oa = d & oa_mask;
		*attrs = d & ~oa_mask & ~KX_PTE_TYPE_MASK;
		if (lvl == 3) {
			if ((d & 3) != 3)
				return -2;
			*pa = oa | (va & (g - 1));
			return 3;
		}
		if ((d & 3) == 1) {
			int allowed = m->shift == 12 ? (lvl == 1 || lvl == 2) :
						       lvl == 2;

			if (!allowed || (oa & ((1ull << ls) - 1)))
				return -2;
			*pa = oa | (va & ((1ull << ls) - 1));
			return lvl;
		}
		*attrs = 0;
		tpa = oa;
	}
	return -2;
}

/* va is in one of the ranges, rounded out to the granule */
static int covered(const struct range *r, size_t n, unsigned shift, uint64_t va)
{
	uint64_t g = (1ull << shift) - 1;

	for (size_t i = 0; i < n; i++) {
		if (!r[i].len)
			continue;
		if (va >= (r[i].start & ~g) &&
		    va < ((r[i].start + r[i].len + g) & ~g))
			return 1;
	}
	return 0;
}

/*
 * Build the map of n ranges and check it; returns the scratch bytes used,
 * or 0 on a failure (already reported as a failed test).
 */
static uint64_t check_map(const char *name, unsigned shift,
			  const struct range *r, size_t n, uint64_t scratch,
			  int *levels_seen, int quiet)
{
	const uint64_t leaf = KX_PTE_ATTRINDX(0) | KX_PTE_SH_INNER | KX_PTE_AF;
	void *buf = NULL;
	struct kx_idmap m;
	uint64_t g = 1ull << shift, bad = 0, samples = 0;
	int rc;

	if (posix_memalign(&buf, 1 << 16, scratch)) {
		ok(0, "%s: no memory", name);
		return 0;
	}
	memset(buf, 0xa5, scratch); /* not zeroed: the builder must */
	rc = kx_idmap_init(&m, buf, SCRATCH_PA, scratch, shift, leaf);
	for (size_t i = 0; !rc && i < n; i++)
		rc = kx_idmap_map(&m, r[i].start, r[i].len);
	if (rc) {
		ok(0, "%s: build failed (%d)", name, rc);
		free(buf);
		return 0;
	}

	/*
	 * Probe each range's first and last byte, every block and page
	 * boundary inside it (strided for the long ones), and a granule and
	 * a byte on each side: mapped exactly when inside a rounded range.
	 */
	for (size_t i = 0; i < n; i++) {
		uint64_t s = r[i].start & ~(g - 1);
		uint64_t e = (r[i].start + r[i].len + g - 1) & ~(g - 1);
		uint64_t probes[8] = { r[i].start, r[i].start + r[i].len - 1,
				       s - 1,	   s - g,
				       e,	   e + g - 1,
				       s,	   e - 1 };
		uint64_t step = (e - s) / 4096 > g ? (e - s) / 4096 : g;

		if (!r[i].len)
			continue;
		for (uint64_t a = s; a < e + step; a += step) {
			uint64_t pa = 0, attrs = 0;
			uint64_t va = a < e ? a : e - 1;
			int lvl = walk(&m, va, &pa, &attrs);

			samples++;
			if (lvl < 0 || pa != va || attrs != leaf)
				bad++;
			else
				levels_seen[lvl] = 1;
		}
		for (size_t p = 0; p < 8; p++) {
			uint64_t pa = 0, attrs = 0, va = probes[p];
			int lvl;

			if (va >= (1ull << 48))
				continue;
			lvl = walk(&m, va, &pa, &attrs);
			samples++;
			if (covered(r, n, shift, va)) {
				if (lvl < 0 || pa != va || attrs != leaf)
					bad++;
			} else if (lvl != -1) {
				bad++;
			}
		}
	}
	if (!quiet || bad)
		ok(!bad,
		   "%s: %" PRIu64 " probes map to themselves, nothing "
		   "else mapped (%" PRIu64 " KiB of tables)",
		   name, samples, m.used >> 10);
	if (bad)
		printf("# %" PRIu64 " bad probes\n", bad);
	free(buf);
	return bad ? 0 : m.used;
}

static void test_idmap(void)
{
	const uint64_t K = 1024, M = K * K, G = K * M;
	/* a purgatory, a kernel, an initrd across a GiB line, a DTB, a tiny
	 * unaligned one, a whole GiB, one across the 512 GiB line, an
	 * overlapping pair, an empty one */
	const struct range r[] = {
		{ 0x4a3f5000, 12544 },
		{ 0x40400000, 6 * M + 12 * K },
		{ G + 1023 * M + 12 * K, 3 * M + 5000 },
		{ 0x4e1f0000, 64 * K },
		{ 3 * G + 0x3123, 100 },
		{ 4 * G, G },
		{ 512 * G - 3 * M, 8 * M + 4 * K },
		{ 0x50001000, 2 * M },
		{ 0x50000000, 5 * M },
		{ 0xf0000000, 0 },
	};
	const size_t n = sizeof(r) / sizeof(r[0]);
	int lv4[4] = { 0 }, lv64[4] = { 0 };
	uint64_t used;
	struct kx_idmap m;
	uint8_t small[3 * 4096] __attribute__((aligned(4096)));

	used = check_map("4 KiB granule", 12, r, n, 1 << 20, lv4, 0);
	ok(used && used <= KX_IDMAP_PAGES_MAX(n) * 4096,
	   "4 KiB granule: %" PRIu64 " tables <= KX_IDMAP_PAGES_MAX(%zu) = %d",
	   used / 4096, n, KX_IDMAP_PAGES_MAX(n));
	ok(lv4[1] && lv4[2] && lv4[3],
	   "4 KiB granule: 1 GiB blocks, 2 MiB blocks and pages all used");

	used = check_map("64 KiB granule", 16, r, n, 4 << 20, lv64, 0);
	ok(used && lv64[2] && lv64[3] && !lv64[1],
	   "64 KiB granule: 512 MiB blocks and 64 KiB pages, no level-1 block");

	/* a random layout: 17 ranges (16 segments + the purgatory) */
	{
		struct range rr[17];
		uint64_t x = 0x2545f4914f6cdd1dull, worst = 0;
		int lv[4] = { 0 }, all = 1;

		for (int round = 0; round < 40; round++) {
			for (int i = 0; i < 17; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				rr[i].start = (x % (1024 * G)) & ~0xfffull;
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				rr[i].len = i % 4 == 0 ? x % (3 * G) :
							 x % (64 * M);
			}
			used = check_map("4 KiB granule, 17 random ranges", 12,
					 rr, 17, 1 << 20, lv, 1);
			all &= used && used <= KX_IDMAP_PAGES_MAX(17) * 4096;
			if (used > worst)
				worst = used;
			if (!used)
				break;
		}
		ok(all,
		   "40 random layouts of 17 ranges map exactly, in at "
		   "most %" PRIu64 " tables (KX_IDMAP_PAGES_MAX(17) = %d)",
		   worst / 4096, KX_IDMAP_PAGES_MAX(17));
	}

	/* errors: full scratch area, misaligned, beyond 48 bits */
	ok(kx_idmap_init(&m, small, SCRATCH_PA, sizeof(small), 12, 0) == 0 &&
		   kx_idmap_map(&m, 0x40000000 + 4096, 4096) == KX_IDMAP_ENOMEM,
	   "a scratch area too small: KX_IDMAP_ENOMEM");
	ok(kx_idmap_init(&m, small, SCRATCH_PA + 4096, sizeof(small), 16, 0) ==
			   KX_IDMAP_EINVAL &&
		   kx_idmap_init(&m, small, SCRATCH_PA, sizeof(small), 14, 0) ==
			   KX_IDMAP_EINVAL,
	   "a misaligned scratch area or an unknown granule: KX_IDMAP_EINVAL");
	ok(kx_idmap_init(&m, small, SCRATCH_PA, sizeof(small), 12, 0) == 0 &&
		   kx_idmap_map(&m, (1ull << 48) - 4096, 8192) ==
			   KX_IDMAP_ERANGE &&
		   kx_idmap_map(&m, ~0ull - 4095, 8192) == KX_IDMAP_ERANGE,
	   "a range beyond 2^48: KX_IDMAP_ERANGE");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "--bench"))
		return bench((unsigned)atoi(argv[2]));
	if (argc != 3) {
		fprintf(stderr, "usage: test-digest VECTORS.bin VECTORS.txt\n");
		return 2;
	}
	test_known();
	test_random(argv[1], argv[2]);
	test_agree();
	test_select();
	test_crc32();
	test_idmap();
	return failures ? 1 : 0;
}
