// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gk-snapshot - capture what efitables (and the GIC walk) read, as a
 * snapshot directory in the --sysroot format (DESIGN.md §5)
 *
 *   gk-snapshot [--sysroot SRC] DIR
 *
 * The lab's capture until gicdiag --dump exists. Files are copied as they
 * are; physical memory is recorded while libefitables and lib/gic read it
 * and written as dev/mem.d/START-END, so a tool replays on the snapshot
 * exactly what it read live. Exit: 0, 1 on a write error, 64 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "efitables.h"
#include "gic.h"
#include "gkfdt.h"
#include "klog.h"

static const char *const files[] = {
	"/sys/firmware/fdt",
	"/sys/firmware/acpi/tables/APIC",
	"/sys/firmware/efi/fw_platform_size",
	"/proc/iomem",
	"/proc/cmdline",
	"/proc/version",
	"/sys/kernel/kexec_loaded",
	"/sys/kernel/kexec_crash_loaded",
	"/sys/kernel/kexec_crash_size",
	"/sys/kernel/security/lockdown",
};

struct snap {
	const char *dir;
	unsigned int nfiles, nranges;
	unsigned long long bytes;
};

/* mkdir -p the parents of DIR/REL, then write it whole. */
static int put_file(const struct snap *s, const char *rel, const void *buf,
		    size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", s->dir, rel) >=
	    sizeof(path))
		return -1;
	for (char *p = path + strlen(s->dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	f = fopen(path, "wx");
	if (!f)
		return -1;
	if (fwrite(buf, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static int copy_files(struct snap *s, const struct sysroot *sr)
{
	for (size_t i = 0; i < GK_ARRAY_SIZE(files); i++) {
		size_t len;
		char *buf;

		if (sysroot_read_file(sr, files[i], 64u << 20, &buf, &len,
				      NULL) < 0)
			continue;	/* absent here: absent in the snapshot */
		if (put_file(s, files[i] + 1, buf, len) < 0) {
			free(buf);
			return -1;
		}
		free(buf);
		s->nfiles++;
	}
	return 0;
}

/* A log line back in /dev/kmsg's record format, escaped as the kernel does. */
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

static int copy_log(struct snap *s, const struct sysroot *sr)
{
	struct klog *log;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	if (klog_load(sr, NULL, &log, NULL) < 0)
		return 0;
	f = open_memstream(&buf, &len);
	if (!f) {
		klog_free(log);
		return -1;
	}
	for (size_t i = 0; i < log->n; i++)
		put_record(f, &log->lines[i]);
	klog_free(log);
	if (fclose(f)) {
		free(buf);
		return -1;
	}
	ret = put_file(s, "dev/kmsg", buf, len);
	free(buf);
	s->nfiles += ret == 0;
	return ret;
}

/* Read what efitables reads, and the GIC registers gicdiag will read. */
static void read_everything(struct eft_ctx *ctx, const struct sysroot *sr)
{
	enum eft_root_source src;
	struct eft_memreserve *mr;
	struct eft_systab st;
	struct eft_table *t;
	struct gic_layout lay;
	struct gic_rd *rds;
	struct gk_fdt f;
	uint64_t root, v;
	size_t n;

	if (eft_find_systab(ctx, &st, NULL) == 0 &&
	    eft_tables_read(eft_ctx_reader(ctx), &st, &t, NULL) >= 0)
		free(t);
	if (eft_find_memreserve(ctx, &root, &src, NULL) == 0 &&
	    eft_memreserve_walk(eft_ctx_reader(ctx), root, &mr, NULL) == 0)
		eft_memreserve_free(mr);
	if (gk_fdt_load(sr, "/sys/firmware/fdt", &f, NULL) < 0)
		return;
	if (gic_layout_from_fdt(&f, &lay, NULL) == 0) {
		struct physmem *pm = eft_ctx_physmem(ctx);

		if (gic_walk_rds(pm, &lay, &rds, &n, NULL) == 0) {
			for (size_t i = 0; i < n; i++) {
				gic_read(pm, rds[i].base, GICR_CTLR, &v, NULL);
				gic_read(pm, rds[i].base, GICR_PROPBASER, &v,
					 NULL);
				gic_read(pm, rds[i].base, GICR_PENDBASER, &v,
					 NULL);
			}
			free(rds);
		}
		gic_layout_free(&lay);
	}
	gk_fdt_free(&f);
}

static int write_ranges(struct snap *s, struct physmem *pm)
{
	const struct gk_range *r;
	size_t n;

	r = physmem_recorded(pm, &n);
	if (!r && n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = (size_t)(r[i].end - r[i].start + 1);
		char name[64];
		uint8_t *buf;
		int ret;

		if (len > PHYSMEM_MAX_READ)
			return -1;
		buf = malloc(len);
		if (!buf || physmem_read(pm, r[i].start, buf, len, NULL) < 0) {
			free(buf);
			return -1;
		}
		snprintf(name, sizeof(name), "dev/mem.d/%016llx-%016llx",
			 (unsigned long long)r[i].start,
			 (unsigned long long)r[i].end);
		ret = put_file(s, name, buf, len);
		free(buf);
		if (ret < 0)
			return -1;
		s->nranges++;
		s->bytes += len;
	}
	return 0;
}

static int capture(struct snap *s, const struct sysroot *sr)
{
	struct eft_ctx *ctx;
	struct gk_err e;
	int ret;

	if (mkdir(s->dir, 0755) < 0) {
		fprintf(stderr, "gk-snapshot: %s: %s\n", s->dir,
			strerror(errno));
		return 1;
	}
	if (copy_files(s, sr) < 0 || copy_log(s, sr) < 0)
		goto write_error;
	if (eft_open(sr, &ctx, &e) < 0) {
		fprintf(stderr, "gk-snapshot: %s\n", e.msg);
		return 1;
	}
	physmem_record(eft_ctx_physmem(ctx), true);
	read_everything(ctx, sr);
	physmem_record(eft_ctx_physmem(ctx), false);
	ret = write_ranges(s, eft_ctx_physmem(ctx));
	eft_close(ctx);
	if (ret < 0)
		goto write_error;
	printf("gk-snapshot: %s: %u files, %u memory ranges (%llu bytes)\n",
	       s->dir, s->nfiles, s->nranges, s->bytes);
	return 0;
write_error:
	fprintf(stderr, "gk-snapshot: %s: write error: %s\n", s->dir,
		strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysroot", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct snap s = { 0 };
	const char *root = NULL;
	struct sysroot *sr;
	struct gk_err e;
	int c, ret;

	while ((c = getopt_long(argc, argv, "s:", opts, NULL)) >= 0) {
		if (c != 's')
			return 64;
		root = optarg;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: gk-snapshot [--sysroot SRC] DIR\n");
		return 64;
	}
	s.dir = argv[optind];
	if (sysroot_new(root, 0, &sr, &e) < 0) {
		fprintf(stderr, "gk-snapshot: %s\n", e.msg);
		return 1;
	}
	ret = capture(&s, sr);
	sysroot_free(sr);
	return ret;
}
