// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for what kexec leaves in its run directory (kexec/load.c):
 * the manifest gicdiag and kexec -e read back, the arguments gic-kexec
 * rearm repeats, both written whole or not at all, and both gone after
 * an unload. The run directory is a scratch one here, laid out as a
 * snapshot's (ROOT/run/gic-kexec), so the readers see what was written.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <nettle/sha2.h>

#include "load.h"
#include "manifest.h"
#include "gather.h"
#include "physmem.h"
#include "verdict.h"
#include "testutil.h"

struct fixture {
	char *root;
	char rundir[4096];
	struct kx_plan p;
	struct kx_opts o;
	struct gk_range keep[2];
	int fds;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx || !(fx->root = tu_mkdtemp()))
		return -1;
	snprintf(fx->rundir, sizeof(fx->rundir), "%s%s", fx->root, GK_RUNDIR);
	if (tu_mkparents(fx->rundir) < 0 || mkdir(fx->rundir, 0755) < 0)
		return -1;
	fx->o.kernel = "/boot/vmlinuz";
	fx->keep[0] = (struct gk_range){ 0x425a0000, 0x425bffff };
	fx->keep[1] = (struct gk_range){ 0x425c0000, 0x425cffff };
	fx->p.keep = fx->keep;
	fx->p.nkeep = 2;
	fx->p.passed = true;
	snprintf(fx->p.cmdline, sizeof(fx->p.cmdline), "console=ttyAMA0");
	snprintf(fx->p.compression, sizeof(fx->p.compression), "none");
	fx->fds = tu_open_fds();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tu_rmtree(fx->root);
	free(fx);
	return 0;
}

/* what gicdiag and kexec -e read back is what kx_record wrote */
static void test_manifest_read_back(void **state)
{
	struct fixture *fx = *state;
	struct sysroot *sr = NULL;
	struct gk_range *r = NULL;
	char names[1024];
	struct gk_err e = { 0 };
	bool passed = false;
	size_t n = 0;

	assert_int_equal(kx_record(fx->rundir, &fx->p, &fx->o, NULL,
				   "kexec_load", &e),
			 0);
	assert_string_equal(tu_listing(fx->rundir, names, sizeof(names)),
			    GK_MANIFEST_KEXEC_NAME);
	assert_int_equal(sysroot_new(fx->root, 0, &sr, &e), 0);
	assert_int_equal(gk_manifest_tables(sr, GK_MANIFEST_KEXEC, &r, &n,
					    &passed, NULL),
			 0);
	assert_true(passed);
	assert_int_equal(n, 1); /* the two ranges touch: merged */
	assert_int_equal(r[0].start, 0x425a0000);
	assert_int_equal(r[0].end, 0x425cffff);
	free(r);
	sysroot_free(sr);
	assert_int_equal(tu_open_fds(), fx->fds);
}

/*
 * A machine with thousands of redistributors: its manifest is larger than
 * the 64 KiB the reader once took, and is read back whole.
 */
static void test_manifest_large(void **state)
{
	enum { N = 4096 };
	struct fixture *fx = *state;
	struct gk_range *keep = calloc(N, sizeof(*keep)), *r = NULL;
	struct sysroot *sr = NULL;
	struct gk_err e = { 0 };
	bool passed = false;
	size_t n = 0, len = 0;

	assert_non_null(keep);
	for (size_t i = 0; i < N; i++) /* 64 KiB tables, 64 KiB apart */
		keep[i] =
			(struct gk_range){ 0x80000000 + i * 0x20000,
					   0x80000000 + i * 0x20000 + 0xffff };
	fx->p.keep = keep;
	fx->p.nkeep = N;
	assert_int_equal(kx_record(fx->rundir, &fx->p, &fx->o, NULL,
				   "kexec_load", &e),
			 0);
	free(tu_slurp(fx->rundir, GK_MANIFEST_KEXEC_NAME, &len));
	assert_true(len > 65536);
	assert_int_equal(sysroot_new(fx->root, 0, &sr, &e), 0);
	assert_int_equal(gk_manifest_tables(sr, GK_MANIFEST_KEXEC, &r, &n,
					    &passed, NULL),
			 0);
	assert_int_equal(n, N);
	assert_int_equal(r[N - 1].start, 0x80000000 + (N - 1) * 0x20000);
	free(r);
	free(keep);
	sysroot_free(sr);
}

/* what gathering notes of the run directory (gicdiag's --loader auto) */
static void gather_loaded(const struct fixture *fx, bool *present, bool *ours)
{
	struct gk_gather_opts go = { 0 };
	struct sysroot *sr = NULL;
	struct physmem *pm = NULL;
	struct gk_facts f;
	struct gk_err e = { 0 };

	assert_int_equal(sysroot_new(fx->root, 0, &sr, &e), 0);
	assert_int_equal(physmem_open(sr, 0, &pm, &e), 0);
	assert_int_equal(gk_gather(sr, pm, &go, &f, &e), 0);
	*present = f.loaded[GK_KEXEC].present;
	*ours = f.loaded[GK_KEXEC].ours;
	assert_false(f.loaded[GK_KDUMP].present);
	gk_facts_free(&f);
	physmem_close(pm);
	sysroot_free(sr);
}

/*
 * A manifest kexec wrote is there and ours; one it cannot read (a newer
 * version) is still there, so our kexec loaded it; none, neither.
 */
static void test_gathered(void **state)
{
	struct fixture *fx = *state;
	bool present, ours;

	assert_int_equal(tu_write(fx->root, "proc/cmdline", "ro\n"), 0);
	assert_int_equal(tu_write(fx->root, "sys/kernel/kexec_loaded", "1\n"),
			 0);
	gather_loaded(fx, &present, &ours);
	assert_false(present);
	assert_false(ours);
	assert_int_equal(kx_record(fx->rundir, &fx->p, &fx->o, NULL,
				   "kexec_load", NULL),
			 0);
	gather_loaded(fx, &present, &ours);
	assert_true(present);
	assert_true(ours);
	assert_int_equal(tu_write(fx->rundir, GK_MANIFEST_KEXEC_NAME,
				  "{ \"version\": 9 }\n"),
			 0);
	gather_loaded(fx, &present, &ours);
	assert_true(present);
	assert_false(ours);
}

/* the run directory is made when it is missing */
static void test_makes_rundir(void **state)
{
	struct fixture *fx = *state;
	char names[1024];

	fx->p.crash = true;
	assert_int_equal(rmdir(fx->rundir), 0);
	assert_int_equal(kx_record(fx->rundir, &fx->p, &fx->o, NULL,
				   "kexec_load", NULL),
			 0);
	assert_string_equal(tu_listing(fx->rundir, names, sizeof(names)),
			    GK_MANIFEST_CRASH_NAME);
}

/*
 * The disk fills while the manifest is written: the manifest of the image
 * loaded before stays whole, nothing else is left, no FILE stays open.
 */
static void test_manifest_write_fails(void **state)
{
	struct fixture *fx = *state;
	struct gk_err e = { 0 };
	struct rlimit old;
	char names[1024], initrd[1024], *before, *after;
	size_t len = 0;
	int ret;

	/* more than a stdio buffer to write, so the writer sees it fail */
	memset(fx->p.cmdline, 'x', sizeof(fx->p.cmdline) - 1);
	memset(initrd, 'i', sizeof(initrd) - 1);
	initrd[sizeof(initrd) - 1] = '\0';
	fx->o.initrd = initrd;
	while (fx->p.nseg < KX_MAX_SEGMENTS)
		fx->p.seg[fx->p.nseg++] =
			(struct kx_segment){ .what = "kernel" };
	assert_int_equal(kx_record(fx->rundir, &fx->p, &fx->o, NULL,
				   "kexec_load", &e),
			 0);
	before = tu_slurp(fx->rundir, GK_MANIFEST_KEXEC_NAME, &len);
	assert_non_null(before);
	assert_true(len > 4096);
	/*
	 * a longer one (another syscall), cut anywhere: at the start, in
	 * the writer, at the last flush
	 */
	for (rlim_t max = 0; max < len; max += len / 8) {
		tu_limit_fsize(max, &old);
		ret = kx_record(fx->rundir, &fx->p, &fx->o, NULL,
				"kexec_file_load", &e);
		tu_unlimit_fsize(&old);
		assert_true(ret < 0);
		assert_non_null(strstr(e.msg, GK_MANIFEST_KEXEC_NAME));
		assert_string_equal(tu_listing(fx->rundir, names,
					       sizeof(names)),
				    GK_MANIFEST_KEXEC_NAME);
		after = tu_slurp(fx->rundir, GK_MANIFEST_KEXEC_NAME, NULL);
		assert_string_equal(after, before);
		free(after);
		assert_int_equal(tu_open_fds(), fx->fds);
	}
	free(before);
}

static void test_args(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = {
		"kexec", "-p", "/boot/vmlinuz", "--append", "a b", NULL
	};
	char cwd[4096], want[8192], *text;
	size_t len, wlen;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	wlen = (size_t)snprintf(want, sizeof(want), "%s", cwd) + 1;
	for (int i = 1; argv[i]; i++)
		wlen += (size_t)snprintf(want + wlen, sizeof(want) - wlen, "%s",
					 argv[i]) +
			1;
	assert_int_equal(kx_record_args(fx->rundir, true, 5, argv, NULL), 0);
	text = tu_slurp(fx->rundir, GK_ARGS_CRASH_NAME, &len);
	assert_non_null(text);
	assert_int_equal(len, wlen);
	assert_memory_equal(text, want, wlen);
	free(text);
}

static void test_args_write_fails(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = { "kexec", "-l", "/boot/vmlinuz", NULL };
	char names[1024];
	struct rlimit old;
	int ret;

	assert_int_equal(tu_write(fx->rundir, GK_ARGS_KEXEC_NAME, "old"), 0);
	tu_limit_fsize(2, &old);
	ret = kx_record_args(fx->rundir, false, 3, argv, NULL);
	tu_unlimit_fsize(&old);
	assert_true(ret < 0);
	assert_string_equal(tu_listing(fx->rundir, names, sizeof(names)),
			    GK_ARGS_KEXEC_NAME);
	assert_int_equal(tu_open_fds(), fx->fds);
}

/* after kexec -u (or -p -u), only the other image's files are left */
static void test_forget(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = { "kexec", "-l", "/boot/vmlinuz", NULL };
	char names[1024];

	assert_int_equal(kx_record(fx->rundir, &fx->p, &fx->o, NULL,
				   "kexec_load", NULL),
			 0);
	assert_int_equal(kx_record_args(fx->rundir, false, 3, argv, NULL), 0);
	fx->p.crash = true;
	assert_int_equal(kx_record(fx->rundir, &fx->p, &fx->o, NULL,
				   "kexec_load", NULL),
			 0);
	assert_int_equal(kx_record_args(fx->rundir, true, 3, argv, NULL), 0);
	kx_forget(fx->rundir, false);
	assert_string_equal(tu_listing(fx->rundir, names, sizeof(names)),
			    GK_ARGS_CRASH_NAME " " GK_MANIFEST_CRASH_NAME);
	kx_forget(fx->rundir, true);
	assert_string_equal(tu_listing(fx->rundir, names, sizeof(names)), "");
}

/*
 * A backend that records the system calls asked for and answers each
 * kexec_file_load and kexec_load with the errno set here (0: success).
 */
static struct {
	char calls[256];
	int file_errno, load_errno, loaded;
	unsigned long file_flags, load_flags;
} fake;

static void fake_call(const char *name)
{
	strncat(fake.calls, name, sizeof(fake.calls) - strlen(fake.calls) - 1);
}

static long fake_answer(int err)
{
	errno = err;
	return err ? -1 : 0;
}

static long fake_kexec_load(unsigned long entry, unsigned long nseg,
			    struct kexec_segment *segs, unsigned long flags)
{
	(void)entry, (void)nseg, (void)segs;
	fake_call("load ");
	fake.load_flags = flags;
	return fake_answer(fake.load_errno);
}

static long fake_kexec_file_load(int kfd, int ifd, unsigned long len,
				 const char *cmdline, unsigned long flags)
{
	(void)kfd, (void)ifd, (void)len, (void)cmdline;
	fake_call("file ");
	fake.file_flags = flags;
	return fake_answer(fake.file_errno);
}

static long fake_reboot(void)
{
	fake_call("reboot ");
	return fake_answer(EINVAL);
}

static int fake_shutdown(void)
{
	fake_call("shutdown ");
	return (int)fake_answer(ENOENT);
}

static void fake_sync(void)
{
	fake_call("sync ");
}

static void fake_ifdown(void)
{
	fake_call("ifdown ");
}

static int fake_loaded(bool crash)
{
	(void)crash;
	fake_call("loaded? ");
	return fake.loaded;
}

static const struct kx_sys fake_sys = {
	.name = "fake",
	.kexec_load = fake_kexec_load,
	.kexec_file_load = fake_kexec_file_load,
	.reboot_kexec = fake_reboot,
	.shutdown = fake_shutdown,
	.sync = fake_sync,
	.ifdown = fake_ifdown,
	.loaded = fake_loaded,
};

static void fake_reset(int file_errno, int load_errno)
{
	memset(&fake, 0, sizeof(fake));
	fake.file_errno = file_errno;
	fake.load_errno = load_errno;
	fake.loaded = 1;
}

/* kexec-tools 2.0.32's list, and nothing else */
static void test_falls_back(void **state)
{
	static const int yes[] = { ENOSYS, EINVAL, ENOEXEC, ENOTSUP };
	static const int no[] = { 0,	    EPERM,   EACCES,  EKEYREJECTED,
				  ENOKEY,   EBADMSG, ELIBBAD, ENOPKG,
				  EMSGSIZE, ENOMEM,  EBUSY,   ENOENT };

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(kx_file_load_falls_back(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(kx_file_load_falls_back(no[i]));
}

/* -u: KEXEC_FILE_UNLOAD first; kexec_load only on ENOSYS in auto mode */
static void test_unload(void **state)
{
	struct fixture *fx = *state;
	struct sysroot *sr = NULL;
	struct gk_err e = { 0 };

	assert_int_equal(sysroot_new(fx->root, 0, &sr, &e), 0);
	fake_reset(0, 0); /* -a -p -u, kexec_file_load there */
	assert_int_equal(kx_unload(&fake_sys, sr, true, true, true, &e), 0);
	assert_string_equal(fake.calls, "file ");
	assert_int_equal(fake.file_flags,
			 KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH);
	fake_reset(ENOSYS, 0); /* -a -u, no KEXEC_FILE */
	assert_int_equal(kx_unload(&fake_sys, sr, false, true, true, &e), 0);
	assert_string_equal(fake.calls, "file load ");
	assert_int_equal(fake.file_flags, KEXEC_FILE_UNLOAD);
	assert_int_equal(fake.load_flags, KEXEC_ARCH_DEFAULT);
	fake_reset(EPERM, 0); /* -a -u refused: no second try */
	assert_int_not_equal(kx_unload(&fake_sys, sr, false, true, true, &e),
			     0);
	assert_string_equal(fake.calls, "file ");
	fake_reset(ENOSYS, 0); /* -s -u on a kernel without it */
	assert_int_not_equal(kx_unload(&fake_sys, sr, false, true, false, &e),
			     0);
	assert_string_equal(fake.calls, "file ");
	assert_non_null(strstr(e.msg, "has none"));
	fake_reset(0, 0); /* -c -p -u */
	assert_int_equal(kx_unload(&fake_sys, sr, true, false, false, &e), 0);
	assert_string_equal(fake.calls, "load ");
	assert_int_equal(fake.load_flags, KEXEC_ARCH_DEFAULT | KEXEC_ON_CRASH);
	sysroot_free(sr);
}

/*
 * Under lockdown the refusal says what applies on this kernel: without
 * kexec_file_load (ENOSYS) nothing can load at all.
 */
static void test_lockdown(void **state)
{
	struct fixture *fx = *state;
	struct sysroot *sr = NULL;
	struct gk_err e = { 0 };

	assert_int_equal(tu_write(fx->root, "sys/kernel/security/lockdown",
				  "none [integrity] confidentiality\n"),
			 0);
	assert_int_equal(sysroot_new(fx->root, 0, &sr, &e), 0);
	fake_reset(ENOSYS, EPERM); /* -a -u on Debian's kernel */
	assert_int_equal(kx_unload(&fake_sys, sr, false, true, true, &e),
			 -GK_ERR_LOCKDOWN);
	assert_non_null(strstr(e.msg, "no kexec is possible"));
	fake_reset(ENOSYS, EPERM); /* -c: the kernel is asked whether */
	assert_int_equal(kx_load(&fake_sys, sr, &fx->p, 0, &e),
			 -GK_ERR_LOCKDOWN);
	assert_string_equal(fake.calls, "load file ");
	assert_non_null(strstr(e.msg, "no kexec is possible"));
	fake_reset(EINVAL, EPERM); /* it has one: signed images load */
	assert_int_equal(kx_load(&fake_sys, sr, &fx->p, 0, &e),
			 -GK_ERR_LOCKDOWN);
	assert_non_null(strstr(e.msg, "only signed images"));
	sysroot_free(sr);
	assert_int_equal(tu_write(fx->root, "sys/kernel/security/lockdown",
				  "[none] integrity confidentiality\n"),
			 0);
	assert_int_equal(sysroot_new(fx->root, 0, &sr, &e), 0);
	fake_reset(0, EPERM); /* not locked down: the permission named */
	assert_int_equal(kx_load(&fake_sys, sr, &fx->p, 0, &e), -GK_ERR_ACCESS);
	assert_non_null(strstr(e.msg, "CAP_SYS_BOOT"));
	sysroot_free(sr);
}

/*
 * EPERM where /sys/kernel/security/lockdown cannot be read (securityfs not
 * mounted, as in an initramfs): the error still names the refusal, not
 * the errno of the read that looked for the reason; lockdown= on the
 * command line and kernel.kexec_load_disabled are reasons too.
 */
static void test_eperm_reasons(void **state)
{
	struct fixture *fx = *state;
	struct sysroot *sr = NULL;
	struct gk_err e = { 0 };
	uint8_t hdr[64] = { 0 };
	char kernel[4200];
	int kerr = -1;

	memcpy(hdr + 56, "ARM\x64", 4);
	snprintf(kernel, sizeof(kernel), "%s/Image", fx->root);
	assert_int_equal(tu_pwrite(fx->root, "Image", hdr, sizeof(hdr), 0), 0);
	fx->o.kernel = kernel;
	assert_int_equal(sysroot_new(fx->root, 0, &sr, &e), 0);
	fake_reset(EINVAL, EPERM);
	assert_int_equal(kx_load(&fake_sys, sr, &fx->p, 0, &e), -GK_ERR_ACCESS);
	assert_non_null(strstr(
		e.msg, "kexec_load: permission denied: kernel lockdown"));
	assert_non_null(strstr(e.msg, "securityfs not mounted?"));
	fake_reset(EINVAL, EPERM);
	assert_int_equal(kx_unload(&fake_sys, sr, false, false, false, &e),
			 -GK_ERR_ACCESS);
	assert_non_null(
		strstr(e.msg, "kexec_load (unload): permission denied"));
	fake_reset(EPERM, 0);
	assert_int_equal(kx_load_file(&fake_sys, sr, &fx->o, "ro", NULL, &kerr,
				      &e),
			 -GK_ERR_ACCESS);
	assert_non_null(
		strstr(e.msg, "Operation not permitted: kernel lockdown"));
	sysroot_free(sr);

	assert_int_equal(tu_write(fx->root, "proc/cmdline",
				  "console=ttyAMA0 lockdown=integrity\n"),
			 0);
	assert_int_equal(sysroot_new(fx->root, 0, &sr, &e), 0);
	fake_reset(EINVAL, EPERM);
	assert_int_equal(kx_load(&fake_sys, sr, &fx->p, 0, &e),
			 -GK_ERR_LOCKDOWN);
	assert_non_null(strstr(e.msg, "only signed images"));
	fake_reset(EPERM, 0);
	assert_int_equal(kx_load_file(&fake_sys, sr, &fx->o, "ro", NULL, &kerr,
				      &e),
			 -GK_ERR_LOCKDOWN);
	sysroot_free(sr);

	assert_int_equal(tu_write(fx->root, "sys/kernel/security/lockdown",
				  "[none] integrity confidentiality\n"),
			 0);
	assert_int_equal(tu_write(fx->root,
				  "proc/sys/kernel/kexec_load_disabled", "1\n"),
			 0);
	assert_int_equal(sysroot_new(fx->root, 0, &sr, &e), 0);
	fake_reset(EINVAL, EPERM);
	assert_int_equal(kx_load(&fake_sys, sr, &fx->p, 0, &e), -GK_ERR_ACCESS);
	assert_non_null(strstr(e.msg, "kernel.kexec_load_disabled = 1"));
	/* no lockdown: a signature refusal is KEXEC_SIG_FORCE's (or IMA's) */
	fake_reset(EKEYREJECTED, 0);
	assert_int_not_equal(
		kx_load_file(&fake_sys, sr, &fx->o, "ro", NULL, &kerr, &e), 0);
	assert_non_null(strstr(e.msg, "KEXEC_SIG_FORCE"));
	sysroot_free(sr);
	assert_int_equal(tu_open_fds(), fx->fds);
}

/*
 * kexec_file_load: the kernel's errno handed back for the fallback
 * decision; a signature refusal under lockdown named as such
 */
static void test_load_file(void **state)
{
	struct fixture *fx = *state;
	struct sysroot *sr = NULL;
	struct gk_err e = { 0 };
	uint8_t hdr[64] = { 0 }, want[32];
	struct kx_file_in in;
	struct sha256_ctx ctx;
	char kernel[4200];
	int kerr = -1;

	/* a flat Image's header: it goes to the kernel as its own file */
	memcpy(hdr + 56, "ARM\x64", 4);
	snprintf(kernel, sizeof(kernel), "%s/Image", fx->root);
	assert_int_equal(tu_pwrite(fx->root, "Image", hdr, sizeof(hdr), 0), 0);
	assert_int_equal(tu_write(fx->root, "sys/kernel/security/lockdown",
				  "none [integrity] confidentiality\n"),
			 0);
	assert_int_equal(sysroot_new(fx->root, 0, &sr, &e), 0);
	fx->o.kernel = kernel;
	fx->o.crash = true;
	fake_reset(ENOSYS, 0);
	assert_int_equal(kx_load_file(&fake_sys, sr, &fx->o, "ro", NULL, &kerr,
				      &e),
			 -GK_ERR_NOTFOUND);
	assert_int_equal(kerr, ENOSYS);
	assert_true(kx_file_load_falls_back(kerr));
	assert_int_equal(fake.file_flags,
			 KEXEC_FILE_ON_CRASH | KEXEC_FILE_NO_INITRAMFS);
	fake_reset(EKEYREJECTED, 0);
	assert_int_equal(kx_load_file(&fake_sys, sr, &fx->o, "ro", NULL, &kerr,
				      &e),
			 -GK_ERR_LOCKDOWN);
	assert_false(kx_file_load_falls_back(kerr));
	assert_non_null(strstr(e.msg, "signed with a key"));
	fake_reset(0, 0);
	assert_int_equal(
		kx_load_file(&fake_sys, sr, &fx->o, "ro", NULL, &kerr, &e), 0);
	assert_int_equal(kerr, 0);
	/* what the kernel was given, read back: the Image's own file */
	fake_reset(0, 0);
	memset(&in, 0xff, sizeof(in));
	assert_int_equal(
		kx_load_file(&fake_sys, sr, &fx->o, "ro", &in, &kerr, &e), 0);
	assert_true(in.kernel.present);
	assert_false(in.kernel.memfd);
	assert_int_equal(in.kernel.size, sizeof(hdr));
	sha256_init(&ctx);
	sha256_update(&ctx, sizeof(hdr), hdr);
	sha256_digest(&ctx, sizeof(want), want);
	assert_memory_equal(in.kernel.sha256, want, sizeof(want));
	assert_false(in.initrd.present);
	assert_int_equal(in.flags, fake.file_flags);
	sysroot_free(sr);
	assert_int_equal(tu_open_fds(), fx->fds);
}

/* -e, -f: sync, interfaces down, then the jump; each may be left out */
static void test_exec_order(void **state)
{
	struct gk_err e = { 0 };

	(void)state;
	fake_reset(0, 0);
	assert_int_not_equal(kx_exec(&fake_sys, true, true, &e), 0);
	assert_string_equal(fake.calls, "sync ifdown reboot ");
	assert_non_null(strstr(e.msg, "no kernel is loaded"));
	fake_reset(0, 0);
	assert_int_not_equal(kx_exec(&fake_sys, false, false, &e), 0);
	assert_string_equal(fake.calls, "reboot ");
	fake_reset(0, 0);
	assert_int_not_equal(kx_shutdown(&fake_sys, &e), 0);
	assert_string_equal(fake.calls, "shutdown ");
}

/*
 * After a load: no action runs shutdown, -f jumps; neither when the kernel
 * says nothing is loaded, both when it cannot tell (kexec-tools)
 */
static void test_after_load(void **state)
{
	struct gk_err e = { 0 };

	(void)state;
	fake_reset(0, 0);
	assert_int_not_equal(kx_after_load(&fake_sys, false, true, true, &e),
			     0);
	assert_string_equal(fake.calls, "loaded? shutdown ");
	fake_reset(0, 0);
	assert_int_not_equal(kx_after_load(&fake_sys, true, true, true, &e), 0);
	assert_string_equal(fake.calls, "loaded? sync ifdown reboot ");
	fake_reset(0, 0);
	fake.loaded = 0;
	assert_int_equal(kx_after_load(&fake_sys, false, true, true, &e),
			 -GK_ERR_NOTFOUND);
	assert_string_equal(fake.calls, "loaded? ");
	assert_string_equal(e.msg, "Nothing has been loaded!");
	fake_reset(0, 0);
	fake.loaded = 0;
	assert_int_equal(kx_after_load(&fake_sys, true, true, true, &e),
			 -GK_ERR_NOTFOUND);
	assert_string_equal(fake.calls, "loaded? ");
	fake_reset(0, 0);
	fake.loaded = -1;
	assert_int_not_equal(kx_after_load(&fake_sys, true, false, false, &e),
			     0);
	assert_string_equal(fake.calls, "loaded? reboot ");
}

/* kexec-tools' kexec_loaded(): -S exits with it (-1: 255) */
static void test_read_loaded(void **state)
{
	struct fixture *fx = *state;
	char path[4200];

	snprintf(path, sizeof(path), "%s/loaded", fx->root);
	assert_int_equal(kx_sys_read_loaded(path), -1);
	assert_int_equal(tu_write(fx->root, "loaded", "1\n"), 0);
	assert_int_equal(kx_sys_read_loaded(path), 1);
	assert_int_equal(tu_write(fx->root, "loaded", "0\n"), 0);
	assert_int_equal(kx_sys_read_loaded(path), 0);
	assert_int_equal(tu_write(fx->root, "loaded", "x\n"), 0);
	assert_int_equal(kx_sys_read_loaded(path), -1);
	assert_int_equal(tu_write(fx->root, "loaded", ""), 0);
	assert_int_equal(kx_sys_read_loaded(path), -1);
}

/* the dry run's backend answers every call without making it */
static void test_dry_backend(void **state)
{
	struct gk_err e = { 0 };

	(void)state;
	assert_int_equal(kx_exec(&kx_sys_dry, true, true, &e), 0);
	assert_int_equal(kx_shutdown(&kx_sys_dry, &e), 0);
	assert_int_equal(kx_sys_dry.loaded(false), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_manifest_read_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_manifest_large, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_makes_rundir, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gathered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest_write_fails,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args_write_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_forget, setup, teardown),
		cmocka_unit_test(test_falls_back),
		cmocka_unit_test_setup_teardown(test_unload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lockdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eperm_reasons, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_file, setup,
						teardown),
		cmocka_unit_test(test_exec_order),
		cmocka_unit_test(test_after_load),
		cmocka_unit_test_setup_teardown(test_read_loaded, setup,
						teardown),
		cmocka_unit_test(test_dry_backend),
	};

	signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
