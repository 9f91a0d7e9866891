// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "filefd.h"
#include "json.h"
#include "load.h"
#include "rundir.h"

static void hexdigest(const uint8_t *d, char *out)
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static const char *format_name(enum kx_format f)
{
	return kx_format_name(f);
}

int kx_manifest(FILE *out, const struct kx_plan *p, const struct kx_opts *o,
		const char *syscall_name)
{
	struct gk_json j;
	char hex[65];

	gk_json_init(&j, out);
	gk_json_open(&j, NULL, '{');
	gk_json_int(&j, "version", 1);
	gk_json_str(&j, "type", p->crash ? "crash" : "kexec");
	gk_json_str(&j, "syscall", syscall_name);
	gk_json_addr(&j, "entry", p->entry);
	gk_json_open(&j, "kernel", '{');
	gk_json_str(&j, "file", o->kernel);
	gk_json_str(&j, "format", format_name(p->format));
	gk_json_str(&j, "compression", p->compression);
	gk_json_addr(&j, "load", p->kernel);
	gk_json_close(&j, '}');
	o->initrd ? gk_json_str(&j, "initrd", o->initrd) :
		    gk_json_null(&j, "initrd");
	gk_json_addr(&j, "dtb", p->dtb);
	gk_json_str(&j, "cmdline", p->cmdline);
	gk_json_bool(&j, "checks", !o->no_checks);
	gk_json_open(&j, "segments", '[');
	for (size_t i = 0; i < p->nseg; i++) {
		const struct kx_segment *s = &p->seg[i];

		gk_json_open(&j, NULL, '{');
		gk_json_str(&j, "what", s->what);
		gk_json_addr(&j, "mem", s->mem);
		gk_json_addr(&j, "memsz", s->memsz);
		gk_json_int(&j, "bufsz", (long long)s->bufsz);
		hexdigest(s->sha256, hex);
		gk_json_str(&j, "sha256", hex);
		gk_json_close(&j, '}');
	}
	gk_json_close(&j, ']');
	gk_json_bool(&j, "lpi_tables_passed", p->passed);
	gk_json_open(&j, "lpi_tables", '[');
	for (size_t i = 0; i < p->nkeep; i++) {
		gk_json_open(&j, NULL, '{');
		gk_json_addr(&j, "start", p->keep[i].start);
		gk_json_addr(&j, "end", p->keep[i].end);
		gk_json_close(&j, '}');
	}
	gk_json_close(&j, ']');
	gk_json_str(&j, "lpi_tables_why", p->lpi_why);
	/* the redistributors seen, for the check at the jump */
	gk_json_open(&j, "redistributors", '[');
	for (size_t i = 0; p->have_facts && i < p->facts.nrds; i++) {
		const struct gk_rdfact *rd = &p->facts.rds[i];

		gk_json_open(&j, NULL, '{');
		rd->cpu >= 0 ? gk_json_int(&j, "cpu", rd->cpu) :
			       gk_json_null(&j, "cpu");
		gk_json_addr(&j, "base", rd->base);
		gk_json_bool(&j, "lpis", rd->lpis);
		rd->pend ? gk_json_addr(&j, "pend", rd->pend) :
			   gk_json_null(&j, "pend");
		gk_json_close(&j, '}');
	}
	gk_json_close(&j, ']');
	gk_json_close(&j, '}');
	return ferror(out) ? -1 : 0;
}

static int write_file(const char *dir, const char *name, const void *buf,
		      size_t len, struct gk_err *e)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wx");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		return gk_fail(e, gk_errno(errno), "%s: %s", path,
			       strerror(errno));
	return 0;
}

int kx_dry_run(const struct kx_plan *p, const struct kx_opts *o,
	       const char *dir, struct gk_err *e)
{
	char *json = NULL, name[96];
	size_t len = 0;
	FILE *mem;
	int ret = 0;

	if (mkdir(dir, 0755) < 0)
		return gk_fail(e, gk_errno(errno), "%s: %s", dir,
			       strerror(errno));
	for (size_t i = 0; i < p->nseg && !ret; i++) {
		snprintf(name, sizeof(name), "%zu-%s-%llx.bin", i,
			 p->seg[i].what, (unsigned long long)p->seg[i].mem);
		ret = write_file(dir, name, p->seg[i].buf, p->seg[i].bufsz, e);
		if (!ret && !strcmp(p->seg[i].what, "dtb"))
			ret = write_file(dir, "next.dtb", p->seg[i].buf,
					 p->seg[i].bufsz, e);
	}
	mem = open_memstream(&json, &len);
	if (!ret && mem && !kx_manifest(mem, p, o, "none (dry run)") &&
	    !fclose(mem))
		ret = write_file(dir, "manifest.json", json, len, e);
	else if (!ret)
		ret = gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	free(json);
	return ret;
}

static bool locked_down(const struct sysroot *sr)
{
	size_t len;
	char *buf;
	bool locked;

	if (sysroot_read_file(sr, "/sys/kernel/security/lockdown", 256, &buf,
			      &len, NULL) < 0)
		return false;
	locked = !strstr(buf, "[none]");
	free(buf);
	return locked;
}

/*
 * Whether this kernel has kexec_file_load at all: flags it does not know
 * are refused (EINVAL) before anything is read or loaded; ENOSYS when it
 * was built without CONFIG_KEXEC_FILE.
 */
static bool has_file_load(const struct kx_sys *sys)
{
	return sys->kexec_file_load(-1, -1, 0, NULL, 1UL << 31) == 0 ||
	       errno != ENOSYS;
}

/* kexec_load's EPERM under lockdown: what can still load on this kernel */
static int lockdown_refusal(const struct kx_sys *sys, const char *what,
			    int file_err, struct gk_err *e)
{
	if (file_err == ENOSYS || (file_err == 0 && !has_file_load(sys)))
		return gk_fail(
			e, -GK_ERR_LOCKDOWN,
			"%s: refused by kernel lockdown, and this kernel has no kexec_file_load (no CONFIG_KEXEC_FILE): no kexec is possible while it is locked down",
			what);
	return gk_fail(
		e, -GK_ERR_LOCKDOWN,
		"%s: refused by kernel lockdown (Secure Boot): only signed images through kexec_file_load (-s)",
		what);
}

int kx_load(const struct kx_sys *sys, const struct sysroot *sr,
	    const struct kx_plan *p, int file_err, struct gk_err *e)
{
	struct kexec_segment segs[KX_MAX_SEGMENTS];
	unsigned long flags = KEXEC_ARCH_DEFAULT;
	long r;

	for (size_t i = 0; i < p->nseg; i++)
		segs[i] = (struct kexec_segment){
			.buf = p->seg[i].buf,
			.bufsz = p->seg[i].bufsz,
			.mem = (const void *)(uintptr_t)p->seg[i].mem,
			.memsz = (size_t)p->seg[i].memsz
		};
	if (p->crash)
		flags |= KEXEC_ON_CRASH;
	r = sys->kexec_load((unsigned long)p->entry, p->nseg, segs, flags);
	if (r == 0)
		return 0;
	if (errno == EPERM && locked_down(sr))
		return lockdown_refusal(sys, "kexec_load", file_err, e);
	if (errno == EPERM)
		return gk_fail(
			e, -GK_ERR_ACCESS,
			"kexec_load: permission denied (needs CAP_SYS_BOOT; kernel.kexec_load_disabled?)");
	return gk_fail(e, gk_errno(errno), "kexec_load: %s", strerror(errno));
}

/* a signature or policy refusal: what lockdown makes of an unsigned image */
static bool refused_unsigned(int err)
{
	return err == EPERM || err == EACCES || err == EKEYREJECTED ||
	       err == ENOKEY || err == EBADMSG || err == ELIBBAD ||
	       err == ENOPKG;
}

int kx_load_file(const struct kx_sys *sys, const struct sysroot *sr,
		 const struct kx_opts *o, const char *cmdline, int *kerr,
		 struct gk_err *e)
{
	unsigned long flags = o->crash ? KEXEC_FILE_ON_CRASH : 0;
	int kfd, ifd, ret, err;
	long r;

	*kerr = 0;
	ret = kx_file_fds(o, &kfd, &ifd, e);
	if (ret < 0)
		return ret;
	if (ifd < 0)
		flags |= KEXEC_FILE_NO_INITRAMFS;
	r = sys->kexec_file_load(kfd, ifd, strlen(cmdline) + 1, cmdline, flags);
	err = errno;
	close(kfd);
	if (ifd >= 0)
		close(ifd);
	if (r == 0)
		return 0;
	*kerr = err;
	if (refused_unsigned(err) && locked_down(sr))
		return gk_fail(
			e, -GK_ERR_LOCKDOWN,
			"kexec_file_load: %s: under kernel lockdown only an image signed with a key this kernel trusts loads",
			strerror(err));
	if (err == ENOSYS)
		return gk_fail(
			e, -GK_ERR_NOTFOUND,
			"kexec_file_load: this kernel has none (no CONFIG_KEXEC_FILE)");
	return gk_fail(e, gk_errno(err), "kexec_file_load: %s", strerror(err));
}

/* kexec-tools: KEXEC_FILE_UNLOAD first, kexec_load where it is missing */
int kx_unload(const struct kx_sys *sys, const struct sysroot *sr, bool crash,
	      bool file, bool fallback, struct gk_err *e)
{
	unsigned long flags = KEXEC_ARCH_DEFAULT | (crash ? KEXEC_ON_CRASH : 0);
	unsigned long fflags = KEXEC_FILE_UNLOAD |
			       (crash ? KEXEC_FILE_ON_CRASH : 0);
	int file_err = 0;

	if (file) {
		if (sys->kexec_file_load(-1, -1, 0, NULL, fflags) == 0)
			return 0;
		file_err = errno;
		if (file_err == ENOSYS && !fallback)
			return gk_fail(
				e, -GK_ERR_NOTFOUND,
				"kexec_file_load (unload): this kernel has none (no CONFIG_KEXEC_FILE)");
		if (file_err != ENOSYS)
			return gk_fail(e, gk_errno(file_err),
				       "kexec_file_load (unload): %s",
				       strerror(file_err));
	}
	if (sys->kexec_load(0UL, 0UL, NULL, flags) == 0)
		return 0;
	if (errno == EPERM && locked_down(sr))
		return lockdown_refusal(sys, "kexec_load (unload)", file_err,
					e);
	return gk_fail(e, gk_errno(errno), "kexec_load (unload): %s",
		       strerror(errno));
}

int kx_exec(const struct kx_sys *sys, bool sync_first, bool ifdown,
	    struct gk_err *e)
{
	if (sync_first)
		sys->sync();
	if (ifdown)
		sys->ifdown();
	if (sys->reboot_kexec() == 0)
		return 0; /* the dry run's: nothing happened */
	return gk_fail(e, gk_errno(errno), "reboot(LINUX_REBOOT_CMD_KEXEC): %s",
		       errno == EINVAL ? "no kernel is loaded" :
					 strerror(errno));
}

int kx_shutdown(const struct kx_sys *sys, struct gk_err *e)
{
	if (sys->shutdown() == 0)
		return 0; /* the dry run's */
	return gk_fail(e, gk_errno(errno), "shutdown: %s", strerror(errno));
}

int kx_after_load(const struct kx_sys *sys, bool force, bool sync_first,
		  bool ifdown, struct gk_err *e)
{
	/* kexec-tools: never a shutdown with nothing to reboot to */
	if (sys->loaded(false) == 0)
		return gk_fail(e, -GK_ERR_NOTFOUND, "Nothing has been loaded!");
	if (!force)
		return kx_shutdown(sys, e);
	return kx_exec(sys, sync_first, ifdown, e);
}

/* @rundir/@name, the directory made when it is missing */
static int run_path(const char *rundir, const char *name, char *path,
		    size_t size, struct gk_err *e)
{
	if (mkdir(rundir, 0755) < 0 && errno != EEXIST)
		return gk_fail(e, gk_errno(errno), "%s: %s", rundir,
			       strerror(errno));
	if ((size_t)snprintf(path, size, "%s/%s", rundir, name) >= size)
		return gk_fail(e, -GK_ERR_INVAL, "%s: path too long", rundir);
	return 0;
}

struct record {
	const struct kx_plan *p;
	const struct kx_opts *o;
	const char *syscall_name;
};

static int fill_manifest(FILE *out, void *arg, struct gk_err *e)
{
	const struct record *r = arg;

	(void)e; /* only the stream fails, and the caller names it */
	return kx_manifest(out, r->p, r->o, r->syscall_name) < 0 ? -GK_ERR_IO :
								   0;
}

int kx_record(const char *rundir, const struct kx_plan *p,
	      const struct kx_opts *o, const char *syscall_name,
	      struct gk_err *e)
{
	struct record r = { .p = p, .o = o, .syscall_name = syscall_name };
	char path[PATH_MAX];
	int ret;

	ret = run_path(rundir,
		       p->crash ? GK_MANIFEST_CRASH_NAME :
				  GK_MANIFEST_KEXEC_NAME,
		       path, sizeof(path), e);
	if (ret < 0)
		return ret;
	return gk_atomic_write(path, 0644, fill_manifest, &r, e);
}

struct args {
	const char *cwd;
	int argc;
	char *const *argv;
};

static int fill_args(FILE *out, void *arg, struct gk_err *e)
{
	const struct args *a = arg;

	(void)e; /* only the stream fails, and the caller names it */
	fwrite(a->cwd, 1, strlen(a->cwd) + 1, out);
	for (int i = 1; i < a->argc; i++)
		fwrite(a->argv[i], 1, strlen(a->argv[i]) + 1, out);
	return 0;
}

/*
 * The arguments of a load, for "gic-kexec rearm" to repeat after CPU or
 * memory hotplug: the working directory, then each argument, all ending in
 * NUL (as /proc/PID/cmdline), so a shell reads them back with xargs -0.
 */
int kx_record_args(const char *rundir, bool crash, int argc, char *const argv[],
		   struct gk_err *e)
{
	struct args a = { .argc = argc, .argv = argv };
	char cwd[PATH_MAX], path[PATH_MAX];
	int ret;

	if (!getcwd(cwd, sizeof(cwd)))
		return gk_fail(e, gk_errno(errno), "getcwd: %s",
			       strerror(errno));
	a.cwd = cwd;
	ret = run_path(rundir, crash ? GK_ARGS_CRASH_NAME : GK_ARGS_KEXEC_NAME,
		       path, sizeof(path), e);
	if (ret < 0)
		return ret;
	return gk_atomic_write(path, 0644, fill_args, &a, e);
}

/* After an unload nothing of ours is loaded: gicdiag must not think so. */
void kx_forget(const char *rundir, bool crash)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", rundir,
		 crash ? GK_MANIFEST_CRASH_NAME : GK_MANIFEST_KEXEC_NAME);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", rundir,
		 crash ? GK_ARGS_CRASH_NAME : GK_ARGS_KEXEC_NAME);
	unlink(path);
}
