// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libefitables on a system root: where the system table is (/chosen of
 * /sys/firmware/fdt), how to read it (lib/physmem), what RAM is
 * (/proc/iomem), and the kernel log as the last resort.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efitables.h"
#include "gkfdt.h"
#include "iomem.h"
#include "klog.h"
#include "le.h"
#include "physmem.h"

#define EFT_MAX_MEMMAP (1u << 20)

struct eft_ctx {
	const struct sysroot *sr;
	struct physmem *pm;
	bool own_pm;
	struct eft_reader rd;
	struct gk_range *ram;
	size_t nram;
};

static int ctx_read(void *data, uint64_t pa, void *buf, size_t len,
		    struct gk_err *e)
{
	struct eft_ctx *ctx = data;

	return physmem_read(ctx->pm, pa, buf, len, e);
}

static const char *ctx_name(void *data)
{
	const struct eft_ctx *ctx = data;

	return physmem_name(ctx->pm);
}

/*
 * What the next kernel takes for memory, from /proc/iomem: "System RAM"
 * and, on arm64, the top-level "reserved" ranges, which are NOMAP memory
 * such as EfiRuntimeServicesData, where the system table and its
 * configuration table array live. Unknown (NULL) when hidden or absent.
 */
static int load_ram(struct eft_ctx *ctx, struct gk_err *e)
{
	static const char *const names[] = { "System RAM", "reserved" };
	struct iomem *io;
	int ret;

	ret = iomem_load(ctx->sr, &io, e);
	if (ret == -GK_ERR_NOENT || ret == -GK_ERR_ACCESS)
		return 0;
	if (ret < 0)
		return ret;
	for (size_t i = 0;
	     i < GK_ARRAY_SIZE(names) && !iomem_zeroed(io) && ret == 0; i++) {
		struct gk_range *r, *all;
		size_t n;

		ret = iomem_find(io, names[i], &r, &n);
		if (ret < 0 || !n)
			continue;
		all = realloc(ctx->ram, (ctx->nram + n) * sizeof(*all));
		if (!all) {
			free(r);
			ret = -GK_ERR_NOMEM;
			break;
		}
		memcpy(all + ctx->nram, r, n * sizeof(*r));
		free(r);
		ctx->ram = all;
		ctx->nram = gk_ranges_merge(all, ctx->nram + n);
	}
	iomem_free(io);
	return ret < 0 ? gk_fail(e, ret, "out of memory") : 0;
}

static int open_ctx(const struct sysroot *sr, struct physmem *pm,
		    struct eft_ctx **out, struct gk_err *e)
{
	struct eft_ctx *ctx;
	int ret = 0;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	ctx->sr = sr;
	ctx->pm = pm;
	ctx->own_pm = !pm;
	if (!pm)
		ret = physmem_open(sr, 0, &ctx->pm, e);
	if (ret == 0)
		ret = load_ram(ctx, e);
	if (ret < 0) {
		eft_close(ctx);
		return ret;
	}
	ctx->rd = (struct eft_reader){
		.read = ctx_read,
		.data = ctx,
		.name = ctx_name,
		.ram = ctx->nram ? ctx->ram : NULL,
		.nram = ctx->nram,
	};
	*out = ctx;
	return 0;
}

int eft_open(const struct sysroot *sr, struct eft_ctx **out, struct gk_err *e)
{
	return open_ctx(sr, NULL, out, e);
}

int eft_open_pm(const struct sysroot *sr, struct physmem *pm,
		struct eft_ctx **out, struct gk_err *e)
{
	return open_ctx(sr, pm, out, e);
}

void eft_close(struct eft_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->own_pm)
		physmem_close(ctx->pm);
	free(ctx->ram);
	free(ctx);
}

struct physmem *eft_ctx_physmem(struct eft_ctx *ctx)
{
	return ctx->pm;
}

const struct eft_reader *eft_ctx_reader(const struct eft_ctx *ctx)
{
	return &ctx->rd;
}

/* The EFI memory map the stub named in /chosen, or none. */
static int read_memmap(struct eft_ctx *ctx, const struct gk_fdt *f,
		       struct eft_memmap *map, uint8_t **buf)
{
	uint64_t start, size, desc;

	*buf = NULL;
	if (gk_fdt_get_u64(f, "/chosen", "linux,uefi-mmap-start", &start,
			   NULL) < 0 ||
	    gk_fdt_get_u64(f, "/chosen", "linux,uefi-mmap-size", &size, NULL) <
		    0 ||
	    gk_fdt_get_u64(f, "/chosen", "linux,uefi-mmap-desc-size", &desc,
			   NULL) < 0)
		return -GK_ERR_NOTFOUND;
	if (!size || size > EFT_MAX_MEMMAP || desc < 40 || desc > 4096)
		return -GK_ERR_CORRUPT;
	*buf = malloc(size);
	if (!*buf)
		return -GK_ERR_NOMEM;
	if (physmem_read(ctx->pm, start, *buf, size, NULL) < 0) {
		free(*buf);
		*buf = NULL;
		return -GK_ERR_UNMAPPED;
	}
	*map = (struct eft_memmap){ *buf, size, (uint32_t)desc };
	return 0;
}

/* FirmwareVendor is a UCS-2 string; keep its ASCII for display. */
static void read_vendor(struct eft_ctx *ctx, const struct eft_memmap *map,
			struct eft_systab *st)
{
	uint8_t raw[2 * (sizeof(st->vendor) - 1)];
	uint64_t pa;
	size_t i;

	if (!st->fw_vendor)
		return;
	pa = eft_virt_to_phys(map, st->fw_vendor);
	if (physmem_read(ctx->pm, pa, raw, sizeof(raw), NULL) < 0)
		return;
	for (i = 0; i < sizeof(st->vendor) - 1; i++) {
		uint16_t c = gk_le16(raw + 2 * i);

		if (!c)
			break;
		st->vendor[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	st->vendor[i] = '\0';
}

static int check_tables_ptr(struct eft_ctx *ctx, const struct eft_systab *st,
			    bool have_map, struct gk_err *e)
{
	struct gk_range want;
	uint64_t len = st->nr_tables * EFT_CONFIG_ENTRY_SIZE;

	if (!ctx->rd.ram || !len)
		return 0;
	if (gk_range_from_len(&want, st->tables_phys, len) &&
	    gk_ranges_covers(ctx->rd.ram, ctx->rd.nram, &want, NULL))
		return 0;
	return gk_fail(e, -GK_ERR_CORRUPT,
		       "%s: EFI system table at 0x%llx: configuration tables "
		       "at 0x%llx are not in memory%s",
		       physmem_name(ctx->pm), (unsigned long long)st->addr,
		       (unsigned long long)st->tables_phys,
		       have_map ? "" :
				  " (no EFI memory map to translate a virtual "
				  "address)");
}

static int systab_addr(struct eft_ctx *ctx, struct gk_fdt *f, uint64_t *addr,
		       struct gk_err *e)
{
	int ret;

	ret = gk_fdt_load(ctx->sr, "/sys/firmware/fdt", f, e);
	if (ret < 0)
		return ret;
	ret = gk_fdt_get_u64(f, "/chosen", "linux,uefi-system-table", addr, e);
	if (ret == -GK_ERR_NOTFOUND)
		gk_fail(e, ret,
			"%s: no /chosen/linux,uefi-system-table: the kernel "
			"did not boot through EFI",
			f->name);
	return ret;
}

int eft_find_systab(struct eft_ctx *ctx, struct eft_systab *st,
		    struct gk_err *e)
{
	uint8_t buf[EFT_SYSTAB_SIZE], *mapbuf = NULL;
	struct eft_memmap map;
	struct gk_fdt f;
	uint64_t addr;
	bool have_map;
	int ret;

	ret = systab_addr(ctx, &f, &addr, e);
	if (ret < 0)
		goto out;
	ret = physmem_read(ctx->pm, addr, buf, sizeof(buf), e);
	if (ret < 0) {
		gk_err_prefix(e, "EFI system table at 0x%llx",
			      (unsigned long long)addr);
		goto out;
	}
	ret = eft_systab_parse(buf, sizeof(buf), addr, st, e);
	if (ret < 0) {
		gk_err_prefix(e, "%s", physmem_name(ctx->pm));
		goto out;
	}
	have_map = read_memmap(ctx, &f, &map, &mapbuf) == 0;
	st->tables_phys = eft_virt_to_phys(have_map ? &map : NULL, st->tables);
	read_vendor(ctx, have_map ? &map : NULL, st);
	ret = check_tables_ptr(ctx, st, have_map, e);
out:
	free(mapbuf);
	gk_fdt_free(&f);
	return ret;
}

/* The root from the boot line "efi: ... MEMRESERVE=0x... ". */
static int root_from_log(struct eft_ctx *ctx, uint64_t *root, struct gk_err *e)
{
	const struct klog_line *l;
	struct klog *log;
	size_t pos = 0;
	int ret;

	ret = klog_load(ctx->sr, NULL, &log, e);
	if (ret < 0)
		return ret;
	ret = gk_fail(e, -GK_ERR_NOTFOUND,
		      "kernel log: no \"efi: ... MEMRESERVE=\" line");
	while ((l = klog_grep(log, "MEMRESERVE=0x", &pos))) {
		const char *p = strstr(l->text, "MEMRESERVE=0x") + 13;
		char *end;

		if (strncmp(l->text, "efi:", 4))
			continue;
		errno = 0;
		*root = strtoull(p, &end, 16);
		if (!errno && end != p && (*end == ' ' || !*end)) {
			ret = 0;
			break;
		}
	}
	klog_free(log);
	return ret;
}

static int root_from_tables(struct eft_ctx *ctx, uint64_t *root,
			    struct gk_err *e)
{
	struct eft_table *t;
	struct eft_systab st;
	long n;
	int ret;

	ret = eft_find_systab(ctx, &st, e);
	if (ret < 0)
		return ret;
	n = eft_tables_read(&ctx->rd, &st, &t, e);
	if (n < 0)
		return (int)n;
	ret = gk_fail(e, -GK_ERR_NOTFOUND,
		      "%s: EFI system table at 0x%llx has no Linux MEMRESERVE "
		      "configuration table",
		      physmem_name(ctx->pm), (unsigned long long)st.addr);
	for (long i = 0; i < n; i++) {
		if (!memcmp(&t[i].guid, &eft_guid_memreserve,
			    sizeof(t[i].guid))) {
			*root = t[i].addr;
			ret = 0;
			break;
		}
	}
	free(t);
	return ret;
}

int eft_find_memreserve(struct eft_ctx *ctx, uint64_t *root,
			enum eft_root_source *src, struct gk_err *e)
{
	struct gk_err why = { 0 };
	int ret;

	ret = root_from_tables(ctx, root, &why);
	if (ret == 0) {
		*src = EFT_ROOT_CONFIG_TABLE;
		return 0;
	}
	/* the log only helps when memory refused us, not when it said no */
	if (ret != -GK_ERR_UNMAPPED && ret != -GK_ERR_STRICT_DEVMEM &&
	    ret != -GK_ERR_ACCESS && ret != -GK_ERR_LOCKDOWN) {
		if (e)
			*e = why;
		return ret;
	}
	if (root_from_log(ctx, root, NULL) == 0) {
		*src = EFT_ROOT_KERNEL_LOG;
		return 0;
	}
	if (e)
		*e = why;
	return ret;
}
