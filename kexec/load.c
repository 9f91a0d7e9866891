// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

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

/*
 * Where the initrd comes from: --initrd's file, a UKI's .initrd section
 * ("IMAGE:.initrd"), or none (NULL)
 */
static const char *initrd_source(const struct kx_plan *p,
				 const struct kx_opts *o,
				 const struct kx_file_in *in, char *buf,
				 size_t size)
{
	bool from_image = in ? in->initrd.present && !o->initrd :
			       p->initrd_from_image;

	if (o->initrd)
		return o->initrd;
	if (!from_image)
		return NULL;
	snprintf(buf, size, "%s:.initrd", o->kernel);
	return buf;
}

static void file_flags_json(struct gk_json *j, unsigned long flags)
{
	gk_json_open(j, "flags", '[');
	if (flags & KEXEC_FILE_ON_CRASH)
		gk_json_str(j, NULL, "KEXEC_FILE_ON_CRASH");
	if (flags & KEXEC_FILE_NO_INITRAMFS)
		gk_json_str(j, NULL, "KEXEC_FILE_NO_INITRAMFS");
	gk_json_close(j, ']');
}

static void file_fd_json(struct gk_json *j, const char *key,
			 const struct kx_file_fd *fd)
{
	char hex[65];

	if (!fd->present) {
		gk_json_null(j, key);
		return;
	}
	gk_json_open(j, key, '{');
	gk_json_str(j, "fd", fd->memfd ? "memfd" : "file");
	gk_json_int(j, "bytes", (long long)fd->size);
	hexdigest(fd->sha256, hex);
	gk_json_str(j, "sha256", hex);
	gk_json_close(j, '}');
}

/* what kexec_file_load was given: the kernel read these bytes */
static void file_in_json(struct gk_json *j, const struct kx_file_in *in)
{
	gk_json_open(j, "kexec_file_load", '{');
	file_fd_json(j, "kernel", &in->kernel);
	file_fd_json(j, "initrd", &in->initrd);
	file_flags_json(j, in->flags);
	gk_json_close(j, '}');
}

/*
 * What the purgatory checks: "crc32/CHUNK" (a CRC-32 per chunk of CHUNK
 * bytes) and "crc32" the whole segment's, as zlib's crc32() gives it; or
 * "none" (-i, and the purgatory's own segment).
 */
static void segments_json(struct gk_json *j, const struct kx_plan *p, bool file)
{
	char buf[32];

	gk_json_open(j, "segments", '[');
	for (size_t i = 0; !file && i < p->nseg; i++) {
		const struct kx_segment *s = &p->seg[i];

		gk_json_open(j, NULL, '{');
		gk_json_str(j, "what", s->what);
		gk_json_addr(j, "mem", s->mem);
		gk_json_addr(j, "memsz", s->memsz);
		gk_json_int(j, "bufsz", (long long)s->bufsz);
		if (s->chunk) {
			snprintf(buf, sizeof(buf), "%08x", s->crc32);
			gk_json_str(j, "crc32", buf);
			snprintf(buf, sizeof(buf), "crc32/%u", s->chunk);
		}
		gk_json_str(j, "check", s->chunk ? buf : "none");
		gk_json_close(j, '}');
	}
	gk_json_close(j, ']');
}

static void kernel_json(struct gk_json *j, const struct kx_plan *p,
			const struct kx_opts *o, bool file)
{
	gk_json_open(j, "kernel", '{');
	gk_json_str(j, "file", o->kernel);
	gk_json_str(j, "format", format_name(p->format));
	gk_json_str(j, "compression", p->compression);
	/* kexec_file_load: the kernel places it (and the DTB) itself */
	file ? gk_json_null(j, "load") : gk_json_addr(j, "load", p->kernel);
	gk_json_close(j, '}');
}

static void tables_json(struct gk_json *j, const struct kx_plan *p, bool file)
{
	gk_json_bool(j, "lpi_tables_passed", p->passed && !file);
	gk_json_open(j, "lpi_tables", '[');
	for (size_t i = 0; i < p->nkeep; i++) {
		gk_json_open(j, NULL, '{');
		gk_json_addr(j, "start", p->keep[i].start);
		gk_json_addr(j, "end", p->keep[i].end);
		gk_json_close(j, '}');
	}
	gk_json_close(j, ']');
	gk_json_str(
		j, "lpi_tables_why",
		p->passed && file ?
			"not passed: kexec_file_load builds the device tree itself" :
			p->lpi_why);
}

static void rds_json(struct gk_json *j, const struct kx_plan *p)
{
	gk_json_open(j, "redistributors", '[');
	for (size_t i = 0; p->have_facts && i < p->facts.nrds; i++) {
		const struct gk_rdfact *rd = &p->facts.rds[i];

		gk_json_open(j, NULL, '{');
		rd->cpu >= 0 ? gk_json_int(j, "cpu", rd->cpu) :
			       gk_json_null(j, "cpu");
		gk_json_addr(j, "base", rd->base);
		gk_json_bool(j, "lpis", rd->lpis);
		rd->pend ? gk_json_addr(j, "pend", rd->pend) :
			   gk_json_null(j, "pend");
		gk_json_close(j, '}');
	}
	gk_json_close(j, ']');
}

int kx_manifest(FILE *out, const struct kx_plan *p, const struct kx_opts *o,
		const struct kx_file_in *in, const char *syscall_name)
{
	const char *initrd;
	struct gk_json j;
	char buf[4200];

	gk_json_init(&j, out);
	gk_json_open(&j, NULL, '{');
	gk_json_int(&j, "version", 1);
	gk_json_str(&j, "type", p->crash ? "crash" : "kexec");
	gk_json_str(&j, "syscall", syscall_name);
	in ? gk_json_null(&j, "entry") : gk_json_addr(&j, "entry", p->entry);
	kernel_json(&j, p, o, in != NULL);
	initrd = initrd_source(p, o, in, buf, sizeof(buf));
	initrd ? gk_json_str(&j, "initrd", initrd) : gk_json_null(&j, "initrd");
	in ? gk_json_null(&j, "dtb") : gk_json_addr(&j, "dtb", p->dtb);
	gk_json_str(&j, "cmdline", p->cmdline);
	/* arm64's kexec_file_load has no purgatory, so no check */
	gk_json_bool(&j, "checks", !in && !o->no_checks);
	if (in)
		file_in_json(&j, in);
	segments_json(&j, p, in != NULL);
	tables_json(&j, p, in != NULL);
	/* the redistributors seen, for the check at the jump */
	rds_json(&j, p);
	gk_json_close(&j, '}');
	return ferror(out) ? -1 : 0;
}

/* a manifest, or a dry run's plan.txt, for gk_atomic_write() */
struct record {
	const struct kx_plan *p;
	const struct kx_opts *o;
	const struct kx_file_in *in;
	const char *syscall_name;
};

static int fill_manifest(FILE *out, void *arg, struct gk_err *e)
{
	const struct record *r = arg;

	(void)e; /* only the stream fails, and the caller names it */
	return kx_manifest(out, r->p, r->o, r->in, r->syscall_name) < 0 ?
		       -GK_ERR_IO :
		       0;
}

static void flags_text(FILE *out, unsigned long flags)
{
	const char *crash =
		flags & KEXEC_FILE_ON_CRASH ? "KEXEC_FILE_ON_CRASH" : NULL;
	const char *noinit = flags & KEXEC_FILE_NO_INITRAMFS ?
				     "KEXEC_FILE_NO_INITRAMFS" :
				     NULL;

	if (crash && noinit)
		fprintf(out, "flags: %s | %s\n", crash, noinit);
	else
		fprintf(out, "flags: %s\n",
			crash  ? crash :
			noinit ? noinit :
				 "0");
}

static void fd_text(FILE *out, const char *what, const char *from,
		    const struct kx_file_fd *fd)
{
	char hex[65];

	hexdigest(fd->sha256, hex);
	fprintf(out, "%s: %s, %llu bytes, sha256 %s\n", what, from,
		(unsigned long long)fd->size, hex);
}

static void kernel_text(FILE *out, const struct kx_plan *p,
			const struct kx_opts *o, const struct kx_file_fd *fd)
{
	const char *c = p->compression;
	const char *f = p->format == KX_FMT_UKI ? "UKI .linux" :
						  format_name(p->format);
	char from[4300];

	if (!fd->memfd)
		snprintf(from, sizeof(from), "%s (the file itself)", o->kernel);
	else if (c[0])
		snprintf(from, sizeof(from),
			 "memfd: decompressed Image from %s (%s)", f, c);
	else
		snprintf(from, sizeof(from), "memfd: the Image from %s", f);
	fd_text(out, "kernel", from, fd);
}

/* what kexec_file_load would be given, in words (kexec(8), --dry-run) */
static int fill_plan(FILE *out, void *arg, struct gk_err *e)
{
	const struct record *r = arg;
	const struct kx_file_in *in = r->in;
	char from[4300];

	(void)e; /* only the stream fails, and the caller names it */
	fprintf(out, "syscall: kexec_file_load (%s kernel)\n",
		r->p->crash ? "crash" : "kexec");
	kernel_text(out, r->p, r->o, &in->kernel);
	if (r->o->initrd) {
		fd_text(out, "initrd", r->o->initrd, &in->initrd);
	} else if (in->initrd.present) {
		snprintf(from, sizeof(from), "memfd: the .initrd of %s",
			 r->o->kernel);
		fd_text(out, "initrd", from, &in->initrd);
	} else {
		fprintf(out, "initrd: none\n");
	}
	fprintf(out, "cmdline: \"%s\"\n", r->p->cmdline);
	flags_text(out, in->flags);
	fprintf(out, "fallback: %s\n",
		in->fallback ?
			"kexec_load, when the kernel answers ENOSYS, EINVAL, ENOEXEC or ENOTSUP (-a; --dry-run with -c writes its plan)" :
			"none (-s)");
	return ferror(out) ? -GK_ERR_IO : 0;
}

struct blob {
	const void *buf;
	size_t len;
};

static int fill_blob(FILE *out, void *arg, struct gk_err *e)
{
	const struct blob *b = arg;

	(void)e; /* only the stream fails, and the caller names it */
	return fwrite(b->buf, 1, b->len, out) == b->len ? 0 : -GK_ERR_IO;
}

/* @dir/@name, whole or not at all */
static int write_file(const char *dir, const char *name, gk_fill_fn fill,
		      void *arg, struct gk_err *e)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return gk_fail(e, -GK_ERR_INVAL, "%s: path too long", dir);
	return gk_atomic_write(path, 0644, fill, arg, e);
}

static int write_segments(const struct kx_plan *p, const char *dir,
			  struct gk_err *e)
{
	char name[96];
	int ret = 0;

	for (size_t i = 0; i < p->nseg && !ret; i++) {
		struct blob b = { p->seg[i].buf, p->seg[i].bufsz };

		snprintf(name, sizeof(name), "%zu-%s-%llx.bin", i,
			 p->seg[i].what, (unsigned long long)p->seg[i].mem);
		ret = write_file(dir, name, fill_blob, &b, e);
		if (!ret && !strcmp(p->seg[i].what, "dtb"))
			ret = write_file(dir, "next.dtb", fill_blob, &b, e);
	}
	return ret;
}

/* every file of the dry run, into @dir */
static int dry_files(const struct kx_plan *p, const struct kx_opts *o,
		     const struct kx_file_in *in, const char *dir,
		     struct gk_err *e)
{
	struct record r = { .p = p,
			    .o = o,
			    .in = in,
			    .syscall_name = in ? "kexec_file_load" :
						 "none (dry run)" };
	int ret;

	ret = in ? write_file(dir, "plan.txt", fill_plan, &r, e) :
		   write_segments(p, dir, e);
	if (!ret)
		ret = write_file(dir, "manifest.json", fill_manifest, &r, e);
	return ret;
}

/* @tmp and what is in it, gone (a failed dry run) */
static void remove_tmp(const char *tmp)
{
	DIR *d = opendir(tmp);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	rmdir(tmp);
}

/*
 * @dir is made first, so that one that exists is refused as before; the
 * files go to a directory beside it, renamed over the empty @dir once
 * complete, so @dir is never seen half written and a failure removes it.
 */
int kx_dry_run(const struct kx_plan *p, const struct kx_opts *o,
	       const struct kx_file_in *in, const char *dir, struct gk_err *e)
{
	size_t len = strlen(dir);
	char tmp[PATH_MAX];
	struct stat st;
	int ret;

	while (len > 1 && dir[len - 1] == '/')
		len--; /* "OUT/": the temporary one beside OUT, not in it */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%.*s.tmp.XXXXXX", (int)len,
			     dir) >= sizeof(tmp))
		return gk_fail(e, -GK_ERR_INVAL, "%s: path too long", dir);
	if (mkdir(dir, 0755) < 0)
		return gk_fail(e, gk_errno(errno), "%s: %s", dir,
			       strerror(errno));
	if (stat(dir, &st) < 0) { /* @dir is ours: made just now */
		ret = gk_fail(e, gk_errno(errno), "%s: %s", dir,
			      strerror(errno));
		rmdir(dir);
		return ret;
	}
	if (!mkdtemp(tmp)) {
		ret = gk_fail(e, gk_errno(errno), "%s: %s", tmp,
			      strerror(errno));
		rmdir(dir);
		return ret;
	}
	ret = dry_files(p, o, in, tmp, e);
	/* the mode mkdir gave @dir (0755 less the umask), not mkdtemp's */
	if (!ret &&
	    (chmod(tmp, st.st_mode & 07777) < 0 || rename(tmp, dir) < 0))
		ret = gk_fail(e, gk_errno(errno), "%s: %s", dir,
			      strerror(errno));
	if (ret < 0) {
		remove_tmp(tmp);
		rmdir(dir);
	}
	return ret;
}

enum lockdown { LOCKDOWN_NONE, LOCKDOWN_ON, LOCKDOWN_UNKNOWN };

/*
 * /sys/kernel/security/lockdown; where securityfs is not mounted (an
 * initramfs, a container), a lockdown= on the command line still tells.
 */
static enum lockdown lockdown_state(const struct sysroot *sr)
{
	enum lockdown st = LOCKDOWN_UNKNOWN;
	size_t len;
	char *buf;

	if (sysroot_read_file(sr, "/sys/kernel/security/lockdown", 256, &buf,
			      &len, NULL) == 0) {
		st = strstr(buf, "[none]") ? LOCKDOWN_NONE : LOCKDOWN_ON;
		free(buf);
		return st;
	}
	if (sysroot_read_file(sr, "/proc/cmdline", 65536, &buf, &len, NULL) < 0)
		return st;
	if (strstr(buf, "lockdown=integrity") ||
	    strstr(buf, "lockdown=confidentiality"))
		st = LOCKDOWN_ON;
	free(buf);
	return st;
}

/* kernel.kexec_load_disabled = 1: no load of either kind until reboot */
static bool load_disabled(const struct sysroot *sr)
{
	size_t len;
	char *buf;
	bool off;

	if (sysroot_read_file(sr, "/proc/sys/kernel/kexec_load_disabled", 64,
			      &buf, &len, NULL) < 0)
		return false;
	off = buf[0] == '1';
	free(buf);
	return off;
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

/* kexec_load's EPERM: lockdown, the sysctl, or the capability */
static int load_eperm(const struct kx_sys *sys, const struct sysroot *sr,
		      const char *what, int file_err, struct gk_err *e)
{
	enum lockdown st = lockdown_state(sr);

	if (st == LOCKDOWN_ON)
		return lockdown_refusal(sys, what, file_err, e);
	if (load_disabled(sr))
		return gk_fail(
			e, -GK_ERR_ACCESS,
			"%s: disabled until the next boot (kernel.kexec_load_disabled = 1)",
			what);
	if (st == LOCKDOWN_UNKNOWN)
		return gk_fail(
			e, -GK_ERR_ACCESS,
			"%s: permission denied: kernel lockdown (/sys/kernel/security/lockdown cannot be read: securityfs not mounted?) or no CAP_SYS_BOOT",
			what);
	return gk_fail(
		e, -GK_ERR_ACCESS,
		"%s: permission denied (needs CAP_SYS_BOOT; kernel.kexec_load_disabled?)",
		what);
}

int kx_load(const struct kx_sys *sys, const struct sysroot *sr,
	    const struct kx_plan *p, int file_err, struct gk_err *e)
{
	struct kexec_segment segs[KX_MAX_SEGMENTS];
	unsigned long flags = KEXEC_ARCH_DEFAULT;
	long r;
	int err;

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
	err = errno; /* before anything else is read */
	if (r == 0)
		return 0;
	if (err == EPERM)
		return load_eperm(sys, sr, "kexec_load", file_err, e);
	return gk_fail(e, gk_errno(err), "kexec_load: %s", strerror(err));
}

/* a signature or policy refusal: what lockdown makes of an unsigned image */
static bool refused_unsigned(int err)
{
	return err == EPERM || err == EACCES || err == EKEYREJECTED ||
	       err == ENOKEY || err == EBADMSG || err == ELIBBAD ||
	       err == ENOPKG;
}

/* the SHA-256 of @fd's bytes from 0 to its end: what the kernel reads */
static int describe_fd(int fd, struct kx_file_fd *d, struct gk_err *e)
{
	uint8_t buf[1 << 16];
	struct sha256_ctx ctx;
	uint64_t off = 0;
	ssize_t r;

	d->present = true;
	/* only a memfd has seals: kx_file_fds seals every one it makes */
	d->memfd = fcntl(fd, F_GET_SEALS) >= 0;
	sha256_init(&ctx);
	while ((r = pread(fd, buf, sizeof(buf), (off_t)off)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return gk_fail(
				e, gk_errno(errno),
				"kexec_file_load: reading back fd %d: %s", fd,
				strerror(errno));
		sha256_update(&ctx, (size_t)r, buf);
		off += (uint64_t)r;
	}
	sha256_digest(&ctx, sizeof(d->sha256), d->sha256);
	d->size = off;
	return 0;
}

static int describe(int kfd, int ifd, unsigned long flags,
		    struct kx_file_in *in, struct gk_err *e)
{
	int ret;

	in->flags = flags;
	memset(&in->kernel, 0, sizeof(in->kernel));
	memset(&in->initrd, 0, sizeof(in->initrd));
	ret = describe_fd(kfd, &in->kernel, e);
	if (!ret && ifd >= 0)
		ret = describe_fd(ifd, &in->initrd, e);
	return ret;
}

/*
 * kexec_file_load refused the image: under lockdown an unsigned one (or one
 * signed by a key the kernel does not trust); without lockdown, a kernel
 * with KEXEC_SIG_FORCE does the same; IMA appraisal may say EACCES.
 */
static int file_refused(const struct sysroot *sr, int err, struct gk_err *e)
{
	switch (lockdown_state(sr)) {
	case LOCKDOWN_ON:
		return gk_fail(
			e, -GK_ERR_LOCKDOWN,
			"kexec_file_load: %s: under kernel lockdown only an image signed with a key this kernel trusts loads",
			strerror(err));
	case LOCKDOWN_UNKNOWN:
		if (err == EPERM || err == EACCES)
			return gk_fail(
				e, -GK_ERR_ACCESS,
				"kexec_file_load: %s: kernel lockdown refusing an image not signed by a key this kernel trusts? (/sys/kernel/security/lockdown cannot be read: securityfs not mounted?)",
				strerror(err));
		break;
	case LOCKDOWN_NONE:
		break;
	}
	if (err == EPERM || err == EACCES)
		return gk_fail(e, gk_errno(err), "kexec_file_load: %s",
			       strerror(err));
	return gk_fail(
		e, gk_errno(err),
		"kexec_file_load: %s: this kernel checks kexec signatures (KEXEC_SIG_FORCE or IMA): the image is not signed by a key it trusts",
		strerror(err));
}

/* @p: the plan whose decoded Image the memfd takes, or NULL: decode */
static int load_file(const struct kx_sys *sys, const struct sysroot *sr,
		     const struct kx_opts *o, const struct kx_plan *p,
		     const char *cmdline, struct kx_file_in *in, int *kerr,
		     struct gk_err *e)
{
	unsigned long flags = o->crash ? KEXEC_FILE_ON_CRASH : 0;
	int kfd, ifd, ret, err;
	long r;

	*kerr = 0;
	ret = kx_file_fds_plan(o, p, &kfd, &ifd, e);
	if (ret < 0)
		return ret;
	if (ifd < 0)
		flags |= KEXEC_FILE_NO_INITRAMFS;
	ret = in ? describe(kfd, ifd, flags, in, e) : 0;
	r = ret ? 0 :
		  sys->kexec_file_load(kfd, ifd, strlen(cmdline) + 1, cmdline,
				       flags);
	err = errno;
	close(kfd);
	if (ifd >= 0)
		close(ifd);
	if (ret < 0 || r == 0)
		return ret;
	*kerr = err;
	if (refused_unsigned(err))
		return file_refused(sr, err, e);
	if (err == ENOSYS)
		return gk_fail(
			e, -GK_ERR_NOTFOUND,
			"kexec_file_load: this kernel has none (no CONFIG_KEXEC_FILE)");
	return gk_fail(e, gk_errno(err), "kexec_file_load: %s", strerror(err));
}

int kx_load_file(const struct kx_sys *sys, const struct sysroot *sr,
		 const struct kx_opts *o, const char *cmdline,
		 struct kx_file_in *in, int *kerr, struct gk_err *e)
{
	return load_file(sys, sr, o, NULL, cmdline, in, kerr, e);
}

int kx_load_file_plan(const struct kx_sys *sys, const struct sysroot *sr,
		      const struct kx_opts *o, const struct kx_plan *p,
		      struct kx_file_in *in, int *kerr, struct gk_err *e)
{
	return load_file(sys, sr, o, p, p->cmdline, in, kerr, e);
}

/* kexec-tools: KEXEC_FILE_UNLOAD first, kexec_load where it is missing */
int kx_unload(const struct kx_sys *sys, const struct sysroot *sr, bool crash,
	      bool file, bool fallback, struct gk_err *e)
{
	unsigned long flags = KEXEC_ARCH_DEFAULT | (crash ? KEXEC_ON_CRASH : 0);
	unsigned long fflags = KEXEC_FILE_UNLOAD |
			       (crash ? KEXEC_FILE_ON_CRASH : 0);
	int file_err = 0, err;

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
	err = errno; /* before anything else is read */
	if (err == EPERM)
		return load_eperm(sys, sr, "kexec_load (unload)", file_err, e);
	return gk_fail(e, gk_errno(err), "kexec_load (unload): %s",
		       strerror(err));
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

int kx_record(const char *rundir, const struct kx_plan *p,
	      const struct kx_opts *o, const struct kx_file_in *in,
	      const char *syscall_name, struct gk_err *e)
{
	struct record r = {
		.p = p, .o = o, .in = in, .syscall_name = syscall_name
	};
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
