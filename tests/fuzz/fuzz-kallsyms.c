// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the /proc/kallsyms reader (lib/kmem.c, included here
 * for its static scanner), on a snapshot root holding the input as
 * proc/kallsyms. A failure comes with a one-line message; symbols found
 * are non-zero and _end lies above _text; and the lines gk_kmem_kallsyms()
 * keeps (what gicdiag --dump writes) are lines of the input that read
 * back to the same symbols, or to the same failure.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "../../lib/kmem.c" /* NOLINT: the static scanner under test */
#include "fuzz.h"

struct ks_root {
	char dir[64];
	char file[96];
	struct sysroot *sr;
};

static int root_write(struct ks_root *r, const void *data, size_t size)
{
	FILE *f = fopen(r->file, "wb");
	bool ok = f && fwrite(data, 1, size, f) == size;

	if (f && fclose(f))
		ok = false;
	return ok ? 0 : -1;
}

static int root_new(struct ks_root *r)
{
	char proc[80];

	/* tmpfs: thirty times the executions of a disk */
	snprintf(r->dir, sizeof(r->dir), "/dev/shm/fuzz-kallsyms.XXXXXX");
	if (!mkdtemp(r->dir)) {
		snprintf(r->dir, sizeof(r->dir), "/tmp/fuzz-kallsyms.XXXXXX");
		if (!mkdtemp(r->dir))
			return -1;
	}
	snprintf(proc, sizeof(proc), "%s/proc", r->dir);
	snprintf(r->file, sizeof(r->file), "%s/kallsyms", proc);
	if (mkdir(proc, 0700) < 0 || sysroot_new(r->dir, 0, &r->sr, NULL) < 0) {
		rmdir(proc);
		rmdir(r->dir);
		return -1;
	}
	return 0;
}

static void root_free(struct ks_root *r)
{
	char proc[80];

	sysroot_free(r->sr);
	unlink(r->file);
	snprintf(proc, sizeof(proc), "%s/proc", r->dir);
	rmdir(proc);
	rmdir(r->dir);
}

static bool syms_ok(int ret, const uint64_t *sym, const struct gk_err *e)
{
	if (ret < 0)
		return gk_fuzz_failed_well(ret, e);
	return !ret && sym[SYM_END] > sym[SYM_TEXT];
}

/* Every kept line is a line of the input ended by a newline, one per
 * symbol at most. */
static bool kept_ok(const char *kept, size_t len, const uint8_t *in,
		    size_t size)
{
	unsigned int lines = 0;

	for (const char *p = kept; p < kept + len; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(kept + len - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(kept + len - p);

		if (!nl || !memmem(in, size, p, n - 1))
			return false;
		p += n;
	}
	return lines <= NSYMS && strlen(kept) == len;
}

static bool replay_ok(struct ks_root *r, const uint8_t *data, size_t size)
{
	uint64_t sym[NSYMS] = { 0 }, sym2[NSYMS] = { 0 };
	struct gk_err e = { 0 }, e2 = { 0 };
	char *kept;
	size_t len;
	int ret, ret2, kret;
	bool ok;

	ret = load_syms(r->sr, sym, &e);
	kret = gk_kmem_kallsyms(r->sr, &kept, &len, &e2);
	if (kret < 0)
		return !kept && !len && gk_fuzz_failed_well(kret, &e2) &&
		       ret == kret;
	ok = syms_ok(ret, sym, &e) && kept_ok(kept, len, data, size);
	if (ok && !root_write(r, kept, len)) {
		ret2 = load_syms(r->sr, sym2, &e2);
		ok = ret2 == ret && !memcmp(sym, sym2, sizeof(sym)) &&
		     (ret < 0 ? !strcmp(e.msg, e2.msg) : true);
	}
	free(kept);
	return ok;
}

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct ks_root r;
	bool ok = true;

	if (root_new(&r) < 0)
		return true; /* not the parser's fault */
	if (!root_write(&r, data, size))
		ok = replay_ok(&r, data, size);
	root_free(&r);
	return ok;
}
