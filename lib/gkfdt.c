// SPDX-License-Identifier: GPL-2.0-or-later
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gkfdt.h"

/*
 * libfdt before 1.7.0 (Debian 12 has 1.6.1) lets a property length near
 * 2^32 wrap fdt_next_tag()'s offset back onto the same tag, and
 * fdt_check_full() then loops forever. Walk the structure block first
 * with the lengths bounded, so that it only ever sees walks that end.
 */
static bool struct_walk_ends(const void *fdt)
{
	const uint8_t *p;
	uint32_t off = 0, size, len;

	if (fdt_check_header(fdt))
		return true; /* fdt_check_full() will say what is wrong */
	if (fdt_version(fdt) < 16)
		return false; /* props 8-aligned: walks differ; none today */
	p = (const uint8_t *)fdt + fdt_off_dt_struct(fdt);
	size = fdt_version(fdt) >= 17 ?
		       fdt_size_dt_struct(fdt) :
		       fdt_totalsize(fdt) - fdt_off_dt_struct(fdt);
	while (size - off >= 4) {
		uint32_t tag = fdt32_ld((const fdt32_t *)(p + off));

		off += 4;
		switch (tag) {
		case FDT_BEGIN_NODE:
			len = (uint32_t)strnlen((const char *)p + off,
						size - off);
			if (len == size - off)
				return false;
			off = ((off + len + 1) + 3) & ~3u;
			break;
		case FDT_PROP:
			if (size - off < 8)
				return false;
			len = fdt32_ld((const fdt32_t *)(p + off));
			off += 8;
			if (len > size - off)
				return false;
			off = ((off + len) + 3) & ~3u;
			break;
		case FDT_END:
			return true;
		case FDT_END_NODE:
		case FDT_NOP:
			break;
		default:
			return false;
		}
		if (off > size)
			return false;
	}
	return false;
}

int gk_fdt_from_buf(void *buf, size_t size, const char *name, struct gk_fdt *f,
		    struct gk_err *e)
{
	int err;

	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	if (size < sizeof(struct fdt_header))
		err = -FDT_ERR_TRUNCATED;
	else if (fdt_totalsize(buf) > size)
		err = -FDT_ERR_TRUNCATED;
	else if (!struct_walk_ends(buf))
		err = -FDT_ERR_BADSTRUCTURE;
	else
		err = fdt_check_full(buf, size);
	if (err) {
		free(buf);
		return gk_fail(e, -GK_ERR_BADFDT, "%s: bad device tree: %s",
			       name, fdt_strerror(err));
	}
	f->blob = buf;
	f->size = size;
	return 0;
}

int gk_fdt_load(const struct sysroot *sr, const char *path, struct gk_fdt *f,
		struct gk_err *e)
{
	char name[sizeof(f->name)];
	size_t len;
	char *buf;
	int ret;

	memset(f, 0, sizeof(*f));
	ret = sysroot_read_file(sr, path, GK_FDT_MAX_SIZE, &buf, &len, e);
	if (ret < 0)
		return ret;
	return gk_fdt_from_buf(
		buf, len, sysroot_name(sr, path, name, sizeof(name)), f, e);
}

void gk_fdt_free(struct gk_fdt *f)
{
	free(f->blob);
	f->blob = NULL;
	f->size = 0;
}

int gk_fdt_get_u64(const struct gk_fdt *f, const char *node, const char *prop,
		   uint64_t *v, struct gk_err *e)
{
	const void *p;
	int off, len;

	off = fdt_path_offset(f->blob, node);
	if (off < 0)
		return gk_fail(e, -GK_ERR_NOTFOUND, "%s: no node %s", f->name,
			       node);
	p = fdt_getprop(f->blob, off, prop, &len);
	if (!p)
		return gk_fail(e, -GK_ERR_NOTFOUND, "%s: no property %s/%s",
			       f->name, node, prop);
	if (len == 4) {
		*v = fdt32_ld(p);
	} else if (len == 8) {
		*v = fdt64_ld(p);
	} else {
		return gk_fail(e, -GK_ERR_BADFDT,
			       "%s: %s/%s is %d bytes, not 4 or 8", f->name,
			       node, prop, len);
	}
	return 0;
}

int gk_fdt_memrsv(const struct gk_fdt *f, struct gk_range **out, size_t *n,
		  struct gk_err *e)
{
	int num = fdt_num_mem_rsv(f->blob);
	struct gk_range *r;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (num < 0)
		return gk_fail(e, -GK_ERR_BADFDT, "%s: bad reserve map: %s",
			       f->name, fdt_strerror(num));
	r = calloc((size_t)num + 1, sizeof(*r));
	if (!r)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	for (int i = 0; i < num; i++) {
		uint64_t base, size;

		/* the kernel's loop ends at the first empty entry */
		if (fdt_get_mem_rsv(f->blob, i, &base, &size) < 0 || !size)
			break;
		if (gk_range_from_len(&r[k], base, size))
			k++;
	}
	*out = r;
	*n = k;
	return 0;
}

static bool node_enabled(const void *fdt, int node)
{
	const char *st = fdt_getprop(fdt, node, "status", NULL);

	return !st || !strcmp(st, "okay") || !strcmp(st, "ok");
}

static uint64_t cells_at(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_ld(p + i);
	return v;
}

int gk_fdt_reserved_memory(const struct gk_fdt *f, struct gk_range **out,
			   size_t *n, struct gk_err *e)
{
	int parent, child, ac, sc;
	struct gk_range *r = NULL;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	parent = fdt_path_offset(f->blob, "/reserved-memory");
	if (parent < 0)
		return 0;
	ac = fdt_address_cells(f->blob, parent);
	sc = fdt_size_cells(f->blob, parent);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return gk_fail(
			e, -GK_ERR_BADFDT,
			"%s: /reserved-memory: bad #address-cells or #size-cells",
			f->name);
	fdt_for_each_subnode(child, f->blob, parent) {
		const fdt32_t *reg;
		int len, step = (ac + sc) * 4;

		reg = fdt_getprop(f->blob, child, "reg", &len);
		if (!reg || !node_enabled(f->blob, child) ||
		    fdt_getprop(f->blob, child, "no-map", NULL))
			continue;
		for (int off = 0; off + step <= len; off += step) {
			struct gk_range *nr = realloc(r, (k + 1) * sizeof(*r));
			const fdt32_t *p = reg + off / 4;

			if (!nr) {
				free(r);
				return gk_fail(e, -GK_ERR_NOMEM,
					       "out of memory");
			}
			r = nr;
			if (gk_range_from_len(&r[k], cells_at(p, ac),
					      cells_at(p + ac, sc)))
				k++;
		}
	}
	*out = r;
	*n = k;
	return 0;
}
