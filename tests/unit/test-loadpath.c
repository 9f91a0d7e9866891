// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for how kexec reads its inputs (kexec/fmap.c, kexec/plan.c,
 * kexec/filefd.c): files are mapped, not read; a raw Image and an initrd
 * become their segments without a copy (the segment's buffer is the
 * file's mapping, seen in /proc/self/maps); what cannot be mapped (a
 * pipe, a FIFO, a /proc file, an empty file) is read; -s takes the
 * plan's decoded Image instead of decoding the file a second time.
 * The plans are built on a real snapshot (tests/data).
 */
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "filefd.h"
#include "fmap.h"
#include "plan.h"
#include "testutil.h"

#define MiB (1u << 20)
#define IMG_LEN (2 * MiB + 0x3000u) /* past the read fallback's 1 MiB */

struct fx {
	char *dir;
	struct sysroot *sr;
	uint8_t *image; /* IMG_LEN bytes of a raw Image */
	int fds;
};

static uint8_t *make_image(void)
{
	uint8_t *b = malloc(IMG_LEN);

	assert_non_null(b);
	for (size_t i = 0; i < IMG_LEN; i++)
		b[i] = (uint8_t)(i * 7 + (i >> 12));
	memset(b, 0, 64);
	tu_put32(b, 0x14000010);   /* code0: b +64 */
	tu_put64(b + 16, 4 * MiB); /* image_size */
	tu_put64(b + 24, 0xa);	   /* 4K pages, anywhere */
	memcpy(b + 56, "ARM\x64", 4);
	return b;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *top = getenv("top_srcdir");
	char snap[4096];
	struct gk_err e = { 0 };

	if (!f || !(f->dir = tu_mkdtemp()))
		return -1;
	snprintf(snap, sizeof(snap), "%s/tests/data/qemu-dt-debian12.tar.gz",
		 top ? top : "..");
	if (sysroot_new(snap, 0, &f->sr, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	f->image = make_image();
	f->fds = tu_open_fds();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sysroot_free(f->sr);
	tu_rmtree(f->dir);
	free(f->image);
	free(f);
	return 0;
}

static void put(const struct fx *f, char *path, const char *name,
		const void *buf, size_t len)
{
	assert_int_equal(tu_pwrite(f->dir, name, buf, len, 0), 0);
	snprintf(path, 4096, "%s/%s", f->dir, name);
}

/* Is @p inside a mapping of the file @path, as the kernel lists them? */
static bool mapped_from(const void *p, const char *path)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	unsigned long lo, hi, a = (unsigned long)p;
	char line[8192];
	bool found = false;

	assert_non_null(maps);
	while (!found && fgets(line, sizeof(line), maps)) {
		const char *name = strchr(line, '/');

		line[strcspn(line, "\n")] = '\0';
		found = sscanf(line, "%lx-%lx", &lo, &hi) == 2 && a >= lo &&
			a < hi && name && !strcmp(name, path);
	}
	fclose(maps);
	return found;
}

static uint8_t *gzip_of(const uint8_t *in, size_t len, size_t *outlen)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
	size_t room = libdeflate_gzip_compress_bound(c, len);
	uint8_t *out = malloc(room);

	assert_non_null(out);
	*outlen = libdeflate_gzip_compress(c, in, len, out, room);
	assert_true(*outlen > 0);
	libdeflate_free_compressor(c);
	return out;
}

/* A child writes @len bytes of @buf into the FIFO or pipe @path. */
static pid_t writer(const char *path, const void *buf, size_t len)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid) {
		int fd = open(path, O_WRONLY);
		const uint8_t *b = buf;

		while (fd >= 0 && len) {
			ssize_t w = write(fd, b, len);

			if (w <= 0)
				_exit(1);
			b += w;
			len -= (size_t)w;
		}
		_exit(fd < 0);
	}
	return pid;
}

static void reaped(pid_t pid)
{
	int st = -1;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- kx_fmap ---- */

static void test_fmap_regular(void **state)
{
	struct fx *f = *state;
	struct gk_err e = { 0 };
	struct kx_fmap m;
	char path[4096];

	put(f, path, "Image", f->image, IMG_LEN);
	assert_int_equal(kx_fmap_open(path, IMG_LEN, &m, &e), 0);
	assert_int_equal(m.len, IMG_LEN);
	assert_int_equal(m.maplen, IMG_LEN); /* mapped, not read */
	assert_true(mapped_from(m.data, path));
	assert_true(mapped_from(m.data + IMG_LEN - 1, path));
	assert_memory_equal(m.data, f->image, IMG_LEN);
	assert_true(kx_fmap_holds(&m, m.data + 8, IMG_LEN - 8));
	assert_false(kx_fmap_holds(&m, m.data + 8, IMG_LEN - 7));
	kx_fmap_close(&m);
	assert_false(mapped_from(f->image, path));
	assert_null(m.data);
	/* twice is harmless */
	kx_fmap_close(&m);
	assert_int_equal(tu_open_fds(), f->fds); /* no descriptor kept */
}

/* A FIFO, a pipe through /dev/fd, a /proc file, an empty file: read. */
static void test_fmap_unmappable(void **state)
{
	struct fx *f = *state;
	struct gk_err e = { 0 };
	struct kx_fmap m;
	char path[4096];
	int p[2];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/fifo", f->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	pid = writer(path, f->image, IMG_LEN);
	assert_int_equal(kx_fmap_open(path, IMG_LEN, &m, &e), 0);
	reaped(pid);
	assert_int_equal(m.len, IMG_LEN);
	assert_int_equal(m.maplen, 0);
	assert_memory_equal(m.data, f->image, IMG_LEN);
	kx_fmap_close(&m);

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "an initrd", 9), 9);
	close(p[1]);
	snprintf(path, sizeof(path), "/dev/fd/%d", p[0]);
	assert_int_equal(kx_fmap_open(path, 9, &m, &e), 0);
	assert_int_equal(m.len, 9);
	assert_memory_equal(m.data, "an initrd", 9);
	kx_fmap_close(&m);
	close(p[0]);

	/* st_size 0, yet it has bytes */
	assert_int_equal(kx_fmap_open("/proc/self/status", MiB, &m, &e), 0);
	assert_true(m.len > 5 && m.maplen == 0);
	assert_memory_equal(m.data, "Name:", 5);
	kx_fmap_close(&m);

	put(f, path, "empty", "", 0);
	assert_int_equal(kx_fmap_open(path, 0, &m, &e), 0);
	assert_int_equal(m.len, 0);
	assert_non_null(m.data); /* a buffer, even for nothing */
	kx_fmap_close(&m);
	assert_int_equal(tu_open_fds(), f->fds);
}

static void fmap_fails(const char *path, uint64_t max, int code,
		       const char *what)
{
	struct gk_err e = { 0 };
	struct kx_fmap m;
	char msg[4200];

	snprintf(msg, sizeof(msg), "%s: %s", path, what);
	assert_int_equal(kx_fmap_open(path, max, &m, &e), code);
	assert_string_equal(e.msg, msg);
	assert_null(m.data);
	assert_int_equal(m.len, 0);
}

/* The size limit holds for what is read as for what is mapped. */
static void test_fmap_bad(void **state)
{
	struct fx *f = *state;
	char path[4096];
	pid_t pid;

	put(f, path, "Image", f->image, 100);
	fmap_fails(path, 99, -GK_ERR_TOOBIG, "too large");
	snprintf(path, sizeof(path), "%s/fifo2", f->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	pid = writer(path, f->image, 100);
	fmap_fails(path, 99, -GK_ERR_TOOBIG, "too large");
	reaped(pid);
	/* a character device has no end: refused before any read */
	fmap_fails("/dev/zero", 3 * MiB, -GK_ERR_INVAL,
		   "a character device, not a file");
	fmap_fails(f->dir, MiB, -GK_ERR_TOOBIG, "not a regular file");
	snprintf(path, sizeof(path), "%s/none", f->dir);
	fmap_fails(path, MiB, -GK_ERR_NOENT, "No such file or directory");
	assert_int_equal(tu_open_fds(), f->fds);
}

/* ---- the plan's segments ---- */

static const struct kx_segment *seg(const struct kx_plan *p, const char *w)
{
	for (size_t i = 0; i < p->nseg; i++)
		if (!strcmp(p->seg[i].what, w))
			return &p->seg[i];
	fail_msg("no %s segment", w);
	return NULL;
}

static void plan(const struct fx *f, const char *kernel, const char *initrd,
		 struct kx_plan *p)
{
	struct kx_opts o = { .kernel = kernel, .initrd = initrd };
	struct gk_err e = { 0 };
	int ret = kx_plan_build(f->sr, &o, p, &e);

	if (ret < 0)
		fail_msg("%s", e.msg);
}

/* A raw Image and an initrd: each segment's buffer is its file's mapping. */
static void test_plan_no_copy(void **state)
{
	struct fx *f = *state;
	char kernel[4096], initrd[4096];
	const struct kx_segment *k, *rd;
	struct kx_plan p;

	put(f, kernel, "Image", f->image, IMG_LEN);
	put(f, initrd, "initrd.img", f->image + 4096, MiB);
	plan(f, kernel, initrd, &p);
	k = seg(&p, "kernel");
	assert_true(k->borrowed);
	assert_int_equal(k->bufsz, IMG_LEN);
	assert_ptr_equal(k->buf, p.files[KX_FILE_KERNEL].data);
	assert_true(p.files[KX_FILE_KERNEL].maplen > 0);
	assert_true(mapped_from(k->buf, kernel));
	assert_true(mapped_from(k->buf + IMG_LEN - 1, kernel));
	assert_memory_equal(k->buf, f->image, IMG_LEN);
	rd = seg(&p, "initrd");
	assert_true(rd->borrowed);
	assert_int_equal(rd->bufsz, MiB);
	assert_true(mapped_from(rd->buf, initrd));
	assert_memory_equal(rd->buf, f->image + 4096, MiB);
	assert_false(seg(&p, "dtb")->borrowed); /* built: ours to free */
	kx_plan_free(&p);
	/* unmapped with the plan */
	assert_false(mapped_from(f->image, kernel));
	assert_null(p.files[KX_FILE_KERNEL].data);
	assert_int_equal(tu_open_fds(), f->fds);
}

/* Image.gz: decoded into the buffer the segment keeps; the file let go. */
static void test_plan_gzip(void **state)
{
	struct fx *f = *state;
	char kernel[4096];
	const struct kx_segment *k;
	struct kx_plan p;
	size_t zlen;
	uint8_t *z = gzip_of(f->image, IMG_LEN, &zlen);

	put(f, kernel, "Image.gz", z, zlen);
	plan(f, kernel, NULL, &p);
	k = seg(&p, "kernel");
	assert_false(k->borrowed);
	assert_int_equal(k->bufsz, IMG_LEN);
	assert_memory_equal(k->buf, f->image, IMG_LEN);
	assert_null(p.files[KX_FILE_KERNEL].data); /* unmapped once decoded */
	assert_string_equal(p.compression, "gzip");
	kx_plan_free(&p);
	free(z);
	assert_int_equal(tu_open_fds(), f->fds);
}

/* A kernel from a pipe (kexec -l /dev/fd/N): read, then used in place. */
static void test_plan_pipe(void **state)
{
	struct fx *f = *state;
	char fifo[4096];
	const struct kx_segment *k;
	struct kx_plan p;
	pid_t pid;

	snprintf(fifo, sizeof(fifo), "%s/kernel-fifo", f->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid = writer(fifo, f->image, IMG_LEN);
	plan(f, fifo, NULL, &p);
	reaped(pid);
	k = seg(&p, "kernel");
	assert_true(k->borrowed);
	assert_int_equal(p.files[KX_FILE_KERNEL].maplen, 0);
	assert_true(kx_fmap_holds(&p.files[KX_FILE_KERNEL], k->buf, k->bufsz));
	assert_memory_equal(k->buf, f->image, IMG_LEN);
	kx_plan_free(&p);
	assert_int_equal(tu_open_fds(), f->fds);
}

/* fails with one line: "KERNEL: ...WHAT..." */
static void plan_fails(const struct fx *f, const char *kernel, const char *what)
{
	struct kx_opts o = { .kernel = kernel };
	struct gk_err e = { 0 };
	struct kx_plan p;
	size_t n = strlen(kernel);

	assert_true(kx_plan_build(f->sr, &o, &p, &e) < 0);
	assert_true(!strncmp(e.msg, kernel, n) && e.msg[n] == ':');
	if (!strstr(e.msg, what) || strchr(e.msg, '\n'))
		fail_msg("\"%s\" does not say \"%s\"", e.msg, what);
	assert_int_equal(p.nseg, 0);
	assert_null(p.files[KX_FILE_KERNEL].data);
	assert_int_equal(tu_open_fds(), f->fds);
}

/* Cut files: one line naming the file, nothing left mapped or open. */
static void test_plan_truncated(void **state)
{
	struct fx *f = *state;
	char kernel[4096];
	size_t zlen;
	uint8_t *z = gzip_of(f->image, IMG_LEN, &zlen);

	put(f, kernel, "Image.gz", z, zlen / 2);
	plan_fails(f, kernel, "truncated or corrupt");
	put(f, kernel, "Image", f->image, 60);
	plan_fails(f, kernel,
		   "not an arm64 kernel image (looks like a truncated arm64 "
		   "Image)");
	put(f, kernel, "empty", "", 0);
	plan_fails(f, kernel,
		   "not an arm64 kernel image (looks like an empty file)");
	free(z);
}

/* ---- -s: the plan's Image, not a second decoding ---- */

static void test_file_fds_plan(void **state)
{
	struct fx *f = *state;
	char kernel[4096];
	struct kx_opts o = { 0 };
	struct gk_err e = { 0 };
	struct kx_plan p;
	size_t zlen;
	uint8_t *z = gzip_of(f->image, IMG_LEN, &zlen), got[64];
	int kfd, ifd;
	struct stat st;

	put(f, kernel, "Image.gz", z, zlen);
	plan(f, kernel, NULL, &p);
	o.kernel = kernel;
	/* the file now holds gzip garbage: decoding it again would fail */
	z[zlen / 2] ^= 0xff;
	put(f, kernel, "Image.gz", z, zlen);
	assert_true(kx_file_fds(&o, &kfd, &ifd, &e) < 0);
	assert_int_equal(kx_file_fds_plan(&o, &p, &kfd, &ifd, &e), 0);
	assert_int_equal(ifd, -1);
	assert_int_equal(fstat(kfd, &st), 0);
	assert_int_equal(st.st_size, IMG_LEN);
	assert_int_equal(pread(kfd, got, sizeof(got), 0), sizeof(got));
	assert_memory_equal(got, f->image, sizeof(got));
	assert_int_equal(pread(kfd, got, sizeof(got), IMG_LEN - sizeof(got)),
			 sizeof(got));
	assert_memory_equal(got, f->image + IMG_LEN - sizeof(got), sizeof(got));
	assert_true(fcntl(kfd, F_GET_SEALS) > 0);
	close(kfd);
	kx_plan_free(&p);
	free(z);
	assert_int_equal(tu_open_fds(), f->fds);
}

/* kexec_load's plan carries the purgatory's CRC tables; -s's does not */
static void test_plan_checks(void **state)
{
	struct fx *f = *state;
	char kernel[4096];
	struct kx_opts o = { 0 };
	struct gk_err e = { 0 };
	struct kx_plan p;

	put(f, kernel, "Image", f->image, IMG_LEN);
	o.kernel = kernel;
	for (int file = 0; file < 2; file++) {
		o.file_only = file;
		if (kx_plan_build(f->sr, &o, &p, &e) < 0)
			fail_msg("%s", e.msg);
		if (file) {
			assert_int_equal(seg(&p, "kernel")->nchunks, 0);
			assert_null(seg(&p, "kernel")->crc);
		} else {
			assert_true(seg(&p, "kernel")->nchunks > 0);
			assert_non_null(seg(&p, "kernel")->crc);
		}
		kx_plan_free(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fmap_regular, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fmap_unmappable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fmap_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_no_copy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_plan_gzip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_plan_pipe, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_plan_truncated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_plan_checks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_file_fds_plan, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
