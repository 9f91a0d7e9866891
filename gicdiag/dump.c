// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_LIBARCHIVE
#include "arlib.h"
#include "atomic.h"
#endif

#include "dump.h"
#include "journal.h"
#include "klog.h"
#include "kmem.h"
#include "loader.h"
#include "rundir.h"

/* Every file gicdiag (and efitables) reads, beside memory and the log. */
static const char *const files[] = {
	"/sys/firmware/fdt",
	"/sys/firmware/acpi/tables/APIC",
	"/sys/firmware/efi/fw_platform_size",
	"/proc/iomem",
	"/proc/cmdline",
	"/proc/version",
	"/proc/sys/kernel/kexec_load_disabled",
	"/proc/sys/kernel/tainted",
	"/sys/kernel/kexec_loaded",
	"/sys/kernel/kexec_crash_loaded",
	"/sys/kernel/kexec_crash_size",
	"/sys/kernel/security/lockdown",
	GK_MANIFEST_KEXEC,
	GK_MANIFEST_CRASH,
	GK_BOOTREC_PATH,
	"/proc/sys/kernel/random/boot_id",
	"/proc/sys/kernel/osrelease",
	"/sys/devices/system/cpu/present",
	"/sys/devices/system/cpu/online",
	"/sys/devices/system/cpu/possible",
};

struct out {
	char dir[PATH_MAX]; /* the temporary tree */
	struct gk_err *e;
};

static int put_file(struct out *o, const char *rel, const void *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", o->dir, rel) >=
	    sizeof(path))
		return gk_fail(o->e, -GK_ERR_INVAL, "%s: path too long", rel);
	for (char *p = path + strlen(o->dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	f = fopen(path, "wx");
	if (!f)
		goto fail;
	if (fwrite(buf, 1, len, f) != len) {
		fclose(f);
		goto fail;
	}
	if (fclose(f) == 0)
		return 0;
fail:
	return gk_fail(o->e, gk_errno(errno), "%s: %s", path, strerror(errno));
}

static int copy_files(struct out *o, const struct sysroot *sr)
{
	for (size_t i = 0; i < GK_ARRAY_SIZE(files); i++) {
		size_t len;
		char *buf;
		int ret;

		if (sysroot_read_file(sr, files[i], 64u << 20, &buf, &len,
				      NULL) < 0)
			continue; /* absent here: absent in the snapshot */
		ret = put_file(o, files[i] + 1, buf, len);
		free(buf);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* A message back in /dev/kmsg's record format, escaped as the kernel does. */
static void put_record(FILE *f, const struct klog_line *l)
{
	int prio = l->prio < 0 ? 6 : l->prio;
	int fac = l->facility < 0 ? 0 : l->facility;

	fprintf(f, "%d,%llu,%llu,-;", fac << 3 | prio,
		(unsigned long long)l->seq, (unsigned long long)l->usec);
	for (size_t i = 0; i < l->len; i++) {
		unsigned char c = (unsigned char)l->text[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('\n', f);
}

static int copy_log(struct out *o, const struct sysroot *sr, const char *kmsg)
{
	struct klog *log;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	if (klog_load(sr, kmsg, &log, NULL) < 0)
		return 0; /* no log there, none in the snapshot */
	f = open_memstream(&buf, &len);
	if (!f) {
		klog_free(log);
		return gk_fail(o->e, -GK_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < log->n; i++)
		put_record(f, &log->lines[i]);
	klog_free(log);
	if (fclose(f)) {
		free(buf);
		return gk_fail(o->e, -GK_ERR_NOMEM, "out of memory");
	}
	ret = put_file(o, "dev/kmsg", buf, len);
	free(buf);
	return ret;
}

static bool listed(const char *path)
{
	for (size_t i = 0; i < GK_ARRAY_SIZE(files); i++)
		if (!strcmp(files[i], path))
			return true;
	return false;
}

/*
 * What the kernel-memory source reads: its files whole, and of
 * /proc/kallsyms (10 MB) the lines of the symbols it used.
 */
static int copy_kmem(struct out *o, const struct sysroot *sr)
{
	size_t len;
	char *buf;
	int ret = 0;

	for (size_t i = 0; gk_kmem_files[i] && !ret; i++) {
		if (listed(gk_kmem_files[i]) ||
		    sysroot_read_file(sr, gk_kmem_files[i], 64u << 20, &buf,
				      &len, NULL) < 0)
			continue;
		ret = put_file(o, gk_kmem_files[i] + 1, buf, len);
		free(buf);
	}
	if (ret || gk_kmem_kallsyms(sr, &buf, &len, NULL) < 0)
		return ret;
	/* even with no line of use: "no data symbols" replays as such */
	ret = put_file(o, "proc/kallsyms", buf ? buf : "", len);
	free(buf);
	return ret;
}

/* Who `kexec -v` says it is, for the replay's loader verdict. */
static int copy_loader(struct out *o, const struct gk_loader_probe probe[2])
{
	const struct gk_loader_probe *p = &probe[0];
	char line[128];

	if (p->ours || !p->line[0])
		p = &probe[1]; /* kexec-tools' own, diverted */
	if (!p->line[0])
		return 0;
	snprintf(line, sizeof(line), "%s\n", p->line);
	return put_file(o, GK_LOADER_FILE + 1, line, strlen(line));
}

/*
 * Of the kernel's config (/boot/config-RELEASE, ~250 KiB) the line that
 * says whether it has kexec_file_load: a replay judges kexec-tools the same.
 */
static int copy_kconfig(struct out *o, const struct sysroot *sr)
{
	struct gk_kconfig k;
	char line[80];

	int ret = gk_kexec_file_probe(sr, &k);

	if (ret < 0)
		return ret;
	if (!k.line[0])
		return 0;
	snprintf(line, sizeof(line), "%s\n", k.line);
	return put_file(o, k.path + 1, line, strlen(line));
}

/* This boot's kernel messages in the journal, as export (var/log/journal.export). */
static int copy_journal(struct out *o, const struct sysroot *sr,
			const char *kmsg)
{
	struct gk_journal_info info = { 0 };
	struct klog *log = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	if (kmsg || gk_journal_kernel(sr, NULL, &log, &info, NULL) < 0 ||
	    !info.found || !log) {
		klog_free(log);
		return 0; /* none read, none in the snapshot */
	}
	f = open_memstream(&buf, &len);
	ret = f ? gk_journal_write_export(f, log, &info, o->e) :
		  gk_fail(o->e, -GK_ERR_NOMEM, "out of memory");
	if (f && fclose(f) && !ret)
		ret = gk_fail(o->e, -GK_ERR_NOMEM, "out of memory");
	klog_free(log);
	if (!ret)
		ret = put_file(o, "var/log/journal.export", buf, len);
	free(buf);
	return ret;
}

static int copy_memory(struct out *o, const struct sysroot *sr,
		       struct physmem *pm)
{
	const struct pm_refusal *rf;
	const struct gk_range *r;
	char *text = NULL;
	size_t n, len = 0;
	FILE *f;
	int ret = 0;

	r = physmem_recorded(pm, &n);
	if (!r && n)
		return gk_fail(o->e, -GK_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n && !ret; i++) {
		size_t size = (size_t)(r[i].end - r[i].start + 1);
		char name[64];
		uint8_t *buf = size <= PHYSMEM_MAX_READ ? malloc(size) : NULL;

		snprintf(name, sizeof(name), "dev/mem.d/%016llx-%016llx",
			 (unsigned long long)r[i].start,
			 (unsigned long long)r[i].end);
		/* read again what was read: allow-listed, side-effect free */
		ret = buf ? physmem_read(pm, r[i].start, buf, size, o->e) :
			    gk_fail(o->e, -GK_ERR_TOOBIG, "%s: too large",
				    name);
		if (!ret)
			ret = put_file(o, name, buf, size);
		free(buf);
	}
	rf = physmem_refused(pm, &n);
	if (ret || !n)
		return ret;
	f = open_memstream(&text, &len);
	for (size_t i = 0; f && i < n; i++) {
		char *why = sysroot_unname(sr, rf[i].why);

		fprintf(f, "%016llx-%016llx %d %s\n",
			(unsigned long long)rf[i].r.start,
			(unsigned long long)rf[i].r.end, -rf[i].code,
			why ? why : rf[i].why);
		free(why);
	}
	if (!f || fclose(f))
		ret = gk_fail(o->e, -GK_ERR_NOMEM, "out of memory");
	else
		ret = put_file(o, "dev/mem.refused", text, len);
	free(text);
	return ret;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st, (void)ftw;
	/*
	 * by its type: remove() tries unlink() on a directory first, which
	 * Landlock refuses (no right to remove files there) before EISDIR
	 */
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

bool gk_dump_is_archive(const char *dest)
{
	size_t n = strlen(dest);

	return (n > 7 && !strcmp(dest + n - 7, ".tar.gz")) ||
	       (n > 4 && !strcmp(dest + n - 4, ".tgz")) ||
	       (n > 4 && !strcmp(dest + n - 4, ".tar"));
}

#ifdef HAVE_LIBARCHIVE
struct paths {
	char **v;
	size_t n;
};

/* Every file and directory below @dir; depth is small in a snapshot. */
static int collect(const char *dir, struct paths *p, int depth)
{
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (depth > 32 || !(d = opendir(dir)))
		return -1;
	while (!ret && (de = readdir(d))) {
		char path[PATH_MAX], **v;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     de->d_name) >= sizeof(path) ||
		    lstat(path, &st) < 0) {
			ret = -1;
			break;
		}
		v = realloc(p->v, (p->n + 1) * sizeof(*v));
		if (!v || !(v[p->n] = strdup(path))) {
			if (v)
				p->v = v;
			ret = -1;
			break;
		}
		p->v = v;
		p->n++;
		if (S_ISDIR(st.st_mode))
			ret = collect(path, p, depth + 1);
	}
	closedir(d);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_entry(const struct gk_arlib *ar, struct archive *a,
		     const char *path, const char *name)
{
	struct archive_entry *ent = ar->entry_new();
	char buf[65536];
	struct stat st;
	ssize_t n;
	int fd, ret = -1;

	if (!ent || lstat(path, &st) < 0)
		goto out;
	ar->entry_set_pathname(ent, name);
	ar->entry_set_filetype(ent, S_ISDIR(st.st_mode) ? AE_IFDIR : AE_IFREG);
	ar->entry_set_perm(ent, S_ISDIR(st.st_mode) ? 0755 : 0644);
	ar->entry_set_size(ent, S_ISDIR(st.st_mode) ? 0 : st.st_size);
	/* no owner, no time: a replay and a re-dump are byte-identical */
	if (ar->write_header(a, ent) != ARCHIVE_OK)
		goto out;
	ret = 0;
	if (S_ISDIR(st.st_mode))
		goto out;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		if (ar->write_data(a, buf, (size_t)n) != n)
			ret = -1;
	if (fd < 0)
		ret = -1;
	else
		close(fd);
out:
	ar->entry_free(ent);
	return ret;
}

struct tarball {
	const struct gk_arlib *ar;
	const char *dest;
	char **v; /* the tree's paths, sorted */
	size_t n;
	size_t skip; /* the tree's own prefix, not in the names */
};

/* the tree as a tar, gzip'd unless @dest ends in .tar */
static int fill_archive(FILE *out, void *arg, struct gk_err *e)
{
	const struct tarball *t = arg;
	const struct gk_arlib *ar = t->ar;
	struct archive *a = ar->write_new();
	int ret;

	if (!a)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	if (strcmp(t->dest + strlen(t->dest) - 4, ".tar"))
		ar->write_add_filter_gzip(a);
	ar->write_set_format_pax_restricted(a);
	/* a file, not a tape: the last block is not padded */
	ar->write_set_bytes_in_last_block(a, 1);
	ret = ar->write_open_FILE(a, out) == ARCHIVE_OK ? 0 : -1;
	for (size_t i = 0; i < t->n && !ret; i++)
		if (strlen(t->v[i]) > t->skip)
			ret = add_entry(ar, a, t->v[i], t->v[i] + t->skip);
	if (ar->write_close(a) != ARCHIVE_OK)
		ret = -1;
	ar->write_free(a);
	if (ret)
		return gk_fail(e, -GK_ERR_IO, "%s: cannot write the archive",
			       t->dest);
	return 0;
}

static int write_archive(struct out *o, const char *dest)
{
	struct gk_arlib lib;
	struct tarball t = { .ar = &lib, .dest = dest };
	struct paths p = { 0 };
	int ret;

	ret = gk_arlib_open(&lib, dest, o->e);
	if (ret < 0)
		return ret;
	if (collect(o->dir, &p, 0) == 0) {
		qsort(p.v, p.n, sizeof(*p.v), cmp_str);
		t.v = p.v;
		t.n = p.n;
		t.skip = strlen(o->dir) + 1;
		ret = gk_atomic_write(dest, 0644, fill_archive, &t, o->e);
	} else {
		ret = gk_fail(o->e, -GK_ERR_IO, "%s: cannot read the tree",
			      o->dir);
	}
	gk_arlib_close(&lib);
	for (size_t i = 0; i < p.n; i++)
		free(p.v[i]);
	free(p.v);
	return ret;
}
#else
static int write_archive(struct out *o, const char *dest)
{
	return gk_fail(o->e, -GK_ERR_INVAL,
		       "%s: archives need a build with libarchive", dest);
}
#endif

static int make_tmp(struct out *o, const char *dest, bool archive)
{
	const char *t = getenv("TMPDIR");
	struct stat st;

	if (lstat(dest, &st) == 0)
		return gk_fail(o->e, -GK_ERR_INVAL, "%s: exists already", dest);
	/* a directory is renamed into place: make it beside @dest */
	if (archive)
		snprintf(o->dir, sizeof(o->dir), "%s/gk-dump-XXXXXX",
			 t && *t ? t : "/tmp");
	else
		snprintf(o->dir, sizeof(o->dir), "%s.tmp-XXXXXX", dest);
	if (!mkdtemp(o->dir))
		return gk_fail(o->e, gk_errno(errno), "%s: %s", o->dir,
			       strerror(errno));
	return 0;
}

int gk_dump(const struct sysroot *sr, struct physmem *pm, const char *kmsg,
	    const char *dest, const struct gk_loader_probe probe[2],
	    struct gk_err *e)
{
	struct out o = { .e = e };
	bool archive = gk_dump_is_archive(dest);
	int ret;

	ret = make_tmp(&o, dest, archive);
	if (ret < 0)
		return ret;
	ret = copy_files(&o, sr);
	if (!ret)
		ret = copy_log(&o, sr, kmsg);
	if (!ret)
		ret = copy_kmem(&o, sr);
	if (!ret)
		ret = copy_journal(&o, sr, kmsg);
	if (!ret)
		ret = copy_loader(&o, probe);
	if (!ret)
		ret = copy_kconfig(&o, sr);
	if (!ret)
		ret = copy_memory(&o, sr, pm);
	if (!ret && archive)
		ret = write_archive(&o, dest);
	else if (!ret && rename(o.dir, dest) < 0)
		ret = gk_fail(e, gk_errno(errno), "%s: %s", dest,
			      strerror(errno));
	if (ret || archive)
		nftw(o.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return ret;
}
