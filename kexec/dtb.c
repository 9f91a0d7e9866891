// SPDX-License-Identifier: GPL-2.0-or-later
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtb.h"

struct build {
	void *fdt;
	const struct kx_dtb_args *a;
	const char *name;
	struct gk_err *e;
};

static int fdt_fail(struct build *b, int err, const char *what)
{
	return gk_fail(b->e, -GK_ERR_BADFDT, "%s: %s: %s", b->name, what,
		       fdt_strerror(err));
}

static int chosen(struct build *b)
{
	int off = fdt_path_offset(b->fdt, "/chosen");

	if (off == -FDT_ERR_NOTFOUND)
		off = fdt_add_subnode(b->fdt, 0, "chosen");
	return off < 0 ? fdt_fail(b, off, "/chosen") : off;
}

/* A 64-bit value in the root's #address-cells/#size-cells. */
static int put_cells(void *fdt, int node, const char *prop, uint64_t a,
		     uint64_t s, bool append)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	fdt32_t cells[4];
	int n = 0;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || (ac == 1 && a >> 32) ||
	    (sc == 1 && s >> 32))
		return -FDT_ERR_BADNCELLS;
	if (ac == 2)
		cells[n++] = cpu_to_fdt32((uint32_t)(a >> 32));
	cells[n++] = cpu_to_fdt32((uint32_t)a);
	if (sc == 2)
		cells[n++] = cpu_to_fdt32((uint32_t)(s >> 32));
	cells[n++] = cpu_to_fdt32((uint32_t)s);
	return append ? fdt_appendprop(fdt, node, prop, cells, n * 4) :
			fdt_setprop(fdt, node, prop, cells, n * 4);
}

/* Forget the reservations of what belongs to the running kernel only. */
static int drop_own_rsv(struct build *b, int ch)
{
	static const char *const starts[] = { "linux,initrd-start",
					      "linux,elfcorehdr" };
	uint64_t own[2][2] = { { 0, 0 }, { 0, 0 } };
	const fdt32_t *p;
	int len, n;

	p = fdt_getprop(b->fdt, ch, starts[0], &len);
	if (p && (len == 4 || len == 8)) {
		own[0][0] = len == 8 ? fdt64_ld((const fdt64_t *)p) :
				       fdt32_ld(p);
		p = fdt_getprop(b->fdt, ch, "linux,initrd-end", &len);
		if (p && (len == 4 || len == 8))
			own[0][1] = (len == 8 ? fdt64_ld((const fdt64_t *)p) :
						fdt32_ld(p)) -
				    own[0][0];
	}
	p = fdt_getprop(b->fdt, ch, starts[1], &len);
	if (p && len == 16) {
		own[1][0] = fdt64_ld((const fdt64_t *)p);
		own[1][1] = fdt64_ld((const fdt64_t *)(p + 2));
	}
	n = fdt_num_mem_rsv(b->fdt);
	for (int i = n - 1; i >= 0; i--) {
		uint64_t base, size;

		if (fdt_get_mem_rsv(b->fdt, i, &base, &size) < 0)
			continue;
		for (int k = 0; k < 2; k++)
			if (own[k][1] && base == own[k][0] &&
			    size >= own[k][1] &&
			    fdt_del_mem_rsv(b->fdt, i) == 0)
				break;
	}
	fdt_delprop(b->fdt, ch, "linux,elfcorehdr");
	fdt_delprop(b->fdt, ch, "linux,usable-memory-range");
	return 0;
}

static int set_initrd(struct build *b, int ch)
{
	const struct kx_dtb_args *a = b->a;
	int err;

	if (!a->has_initrd) {
		fdt_delprop(b->fdt, ch, "linux,initrd-start");
		fdt_delprop(b->fdt, ch, "linux,initrd-end");
		return 0;
	}
	err = fdt_setprop_u64(b->fdt, ch, "linux,initrd-start",
			      a->initrd_start);
	if (!err)
		err = fdt_setprop_u64(b->fdt, ch, "linux,initrd-end",
				      a->initrd_start + a->initrd_size);
	return err ? fdt_fail(b, err, "linux,initrd") : 0;
}

static bool nokaslr(const char *cmdline)
{
	for (const char *p = cmdline; p && (p = strstr(p, "nokaslr")); p += 7)
		if ((p == cmdline || p[-1] == ' ') && (!p[7] || p[7] == ' '))
			return true;
	return false;
}

/* kexec-tools refuses a non-zero seed with nokaslr; we honour nokaslr. */
static int set_seeds(struct build *b, int ch)
{
	uint64_t seed = 0;
	int err = 0;

	if (b->a->seed && !nokaslr(b->a->cmdline))
		memcpy(&seed, b->a->seed, 8);
	if (fdt_getprop(b->fdt, ch, "kaslr-seed", NULL))
		err = fdt_setprop_u64(b->fdt, ch, "kaslr-seed", seed);
	if (!err && b->a->seed)
		err = fdt_setprop(b->fdt, ch, "rng-seed", b->a->seed + 8, 64);
	else if (!err)
		fdt_delprop(b->fdt, ch, "rng-seed");
	return err ? fdt_fail(b, err, "kaslr-seed") : 0;
}

static int set_crash(struct build *b, int ch)
{
	const struct kx_dtb_args *a = b->a;
	int err;

	if (!a->crash)
		return 0;
	err = put_cells(b->fdt, ch, "linux,elfcorehdr", a->elfcorehdr,
			a->elfcorehdr_size, false);
	/* low range last, as the kernel expects (doc/kernel.md#crash-kernel) */
	for (size_t i = a->nusable; !err && i-- > 0;)
		err = put_cells(b->fdt, ch, "linux,usable-memory-range",
				a->usable[i].start,
				a->usable[i].end - a->usable[i].start + 1,
				true);
	if (!err)
		err = fdt_add_mem_rsv(b->fdt, a->elfcorehdr,
				      a->elfcorehdr_size);
	return err ? fdt_fail(b, err, "crash kernel properties") : 0;
}

/* Is [r] already inside one /memreserve/ entry? */
static bool rsv_has(const void *fdt, const struct gk_range *r)
{
	int n = fdt_num_mem_rsv(fdt);

	for (int i = 0; i < n; i++) {
		uint64_t base, size;

		if (!fdt_get_mem_rsv(fdt, i, &base, &size) && size &&
		    base <= r->start && r->end <= base + size - 1)
			return true;
	}
	return false;
}

static int reserved_memory(struct build *b)
{
	int off = fdt_path_offset(b->fdt, "/reserved-memory");
	int err = 0;

	if (off >= 0)
		return off;
	off = fdt_add_subnode(b->fdt, 0, "reserved-memory");
	if (off < 0)
		return off;
	err = fdt_setprop_u32(b->fdt, off, "#address-cells",
			      (uint32_t)fdt_address_cells(b->fdt, 0));
	if (!err)
		err = fdt_setprop_u32(b->fdt, off, "#size-cells",
				      (uint32_t)fdt_size_cells(b->fdt, 0));
	if (!err)
		err = fdt_setprop(b->fdt, off, "ranges", NULL, 0);
	return err ? err : off;
}

/*
 * The live LPI tables: a /memreserve/ entry (every kernel reserves them)
 * and a static /reserved-memory node (reserved before 6.12's dynamic
 * regions are allocated). Never a zero-sized entry: it ends the
 * kernel's loop.
 */
/*
 * An ACPI boot's device tree is the EFI stub's: /chosen alone. The kernel
 * boots with ACPI only while it stays so (arm64 dt_is_stub()): a
 * /reserved-memory node would switch it to a device-tree boot with no
 * devices. There the /memreserve/ entries (and the EFI list) suffice.
 */
static bool is_stub(const void *fdt)
{
	int child;

	fdt_for_each_subnode(child, fdt, 0) {
		const char *name = fdt_get_name(fdt, child, NULL);

		if (name && strcmp(name, "chosen") &&
		    strcmp(name, "hypervisor"))
			return false;
	}
	return true;
}

static int table_node(struct build *b, int rm, const char *prefix,
		      uint64_t start, uint64_t size)
{
	char name[48];
	int node;

	snprintf(name, sizeof(name), "%s@%llx", prefix,
		 (unsigned long long)start);
	/* adding looks for the name already: one walk of rm's children */
	node = fdt_add_subnode(b->fdt, rm, name);
	if (node == -FDT_ERR_EXISTS)
		node = fdt_subnode_offset(b->fdt, rm, name);
	if (node >= 0) {
		int err = put_cells(b->fdt, node, "reg", start, size, false);

		if (err)
			return err;
	}
	return node;
}

static const char *table_prefix(const struct kx_table *t)
{
	return t->cpu < 0 ? "gic-lpi-prop" : "gic-lpi-pend";
}

static int table_props(struct build *b, int node, const struct kx_table *t)
{
	bool prop = t->cpu < 0;

	return fdt_setprop_u32(b->fdt, node,
			       prop ? "gic-kexec,idbits" : "gic-kexec,cpu",
			       prop ? t->idbits : (uint32_t)t->cpu);
}

/* One table's node, added (or found) the way libfdt adds one. */
static int one_table(struct build *b, int rm, const struct kx_table *t)
{
	int node, err;

	node = table_node(b, rm, table_prefix(t), t->start, t->size);
	if (node < 0)
		return fdt_fail(b, node, "/reserved-memory");
	err = table_props(b, node, t);
	return err ? fdt_fail(b, err, "/reserved-memory") : 0;
}

#define ALIGN4(n) (((n) + 3u) & ~3u)
#define FAST_TABLES 32 /* fewer: one by one costs nothing */

/* The bytes of a node: name, then its props as libfdt leaves them. */
struct fast {
	uint32_t nameoff_reg, nameoff_cpu, nameoff_idbits;
	int ac, sc;
	uint8_t *at;
};

static void put32(struct fast *f, uint32_t v)
{
	fdt32_t x = cpu_to_fdt32(v);

	memcpy(f->at, &x, 4);
	f->at += 4;
}

static void put_prop_hdr(struct fast *f, uint32_t len, uint32_t nameoff)
{
	put32(f, FDT_PROP);
	put32(f, len);
	put32(f, nameoff);
}

static size_t table_bytes(const struct fast *f, const struct kx_table *t)
{
	char name[48];
	int n = snprintf(name, sizeof(name), "%s@%llx", table_prefix(t),
			 (unsigned long long)t->start);

	return 4 + ALIGN4((size_t)n + 1) + 12 + 4 + 12 +
	       4 * (size_t)(f->ac + f->sc) + 4;
}

/* libfdt puts a new property first: the later set comes first */
static void put_table(struct fast *f, const struct kx_table *t)
{
	char name[48];
	int n = snprintf(name, sizeof(name), "%s@%llx", table_prefix(t),
			 (unsigned long long)t->start);

	put32(f, FDT_BEGIN_NODE);
	memset(f->at, 0, ALIGN4((size_t)n + 1));
	memcpy(f->at, name, (size_t)n);
	f->at += ALIGN4((size_t)n + 1);
	put_prop_hdr(f, 4, t->cpu < 0 ? f->nameoff_idbits : f->nameoff_cpu);
	put32(f, t->cpu < 0 ? t->idbits : (uint32_t)t->cpu);
	put_prop_hdr(f, 4 * (uint32_t)(f->ac + f->sc), f->nameoff_reg);
	if (f->ac == 2)
		put32(f, (uint32_t)(t->start >> 32));
	put32(f, (uint32_t)t->start);
	if (f->sc == 2)
		put32(f, (uint32_t)(t->size >> 32));
	put32(f, (uint32_t)t->size);
	put32(f, FDT_END_NODE);
}

static uint32_t nameoff(const void *fdt, int node, const char *prop)
{
	const struct fdt_property *p = fdt_get_property(fdt, node, prop, NULL);

	return p ? fdt32_to_cpu(p->nameoff) : UINT32_MAX;
}

static int cmp_table(const void *pa, const void *pb)
{
	const struct kx_table *a = *(const struct kx_table *const *)pa;
	const struct kx_table *b = *(const struct kx_table *const *)pb;

	if ((a->cpu < 0) != (b->cpu < 0))
		return a->cpu < 0 ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

/*
 * Whether tables[from..] can be written at once: each its own name,
 * cells that fit, the property names known.
 */
static bool fast_ok(struct build *b, size_t from, const struct fast *f)
{
	const struct kx_dtb_args *a = b->a;
	const struct kx_table **idx;
	bool ok = true;

	idx = malloc(a->ntables * sizeof(*idx));
	if (!idx)
		return false;
	for (size_t i = 0; i < a->ntables; i++) {
		const struct kx_table *t = &a->tables[i];

		idx[i] = t;
		if (i >= from && ((f->ac == 1 && t->start >> 32) ||
				  (f->sc == 1 && t->size >> 32) ||
				  (t->cpu < 0 ? f->nameoff_idbits :
						f->nameoff_cpu) == UINT32_MAX))
			ok = false;
	}
	qsort(idx, a->ntables, sizeof(*idx), cmp_table);
	for (size_t i = 1; ok && i < a->ntables; i++)
		ok = cmp_table(&idx[i - 1], &idx[i]) != 0;
	free(idx);
	return ok;
}

/*
 * tables[from..] at once: libfdt walks every child to add one, which is
 * quadratic in a server's thousands of tables. A node "gk-t" is added,
 * given a placeholder "reg" as large as the nodes, and its bytes become
 * them: the same bytes adding them one by one leaves (each goes first).
 * Returns 1 when done, 0 to add them one by one, or an error.
 */
static int fast_tables(struct build *b, int rm, size_t from)
{
	const struct kx_dtb_args *a = b->a;
	struct fast f = { .ac = fdt_address_cells(b->fdt, 0),
			  .sc = fdt_size_cells(b->fdt, 0) };
	size_t total = 0, shell = 4 + 8 + 12 + 4;
	int t, err, node0, node1;
	char name[48];
	void *data;

	snprintf(name, sizeof(name), "%s@%llx", table_prefix(&a->tables[0]),
		 (unsigned long long)a->tables[0].start);
	node0 = fdt_subnode_offset(b->fdt, rm, name);
	snprintf(name, sizeof(name), "%s@%llx", table_prefix(&a->tables[1]),
		 (unsigned long long)a->tables[1].start);
	node1 = fdt_subnode_offset(b->fdt, rm, name);
	f.nameoff_reg = nameoff(b->fdt, node0, "reg");
	f.nameoff_idbits = nameoff(b->fdt, node0, "gic-kexec,idbits");
	f.nameoff_cpu = nameoff(b->fdt, node1, "gic-kexec,cpu");
	if (f.nameoff_cpu == UINT32_MAX)
		f.nameoff_cpu = nameoff(b->fdt, node0, "gic-kexec,cpu");
	if (f.nameoff_idbits == UINT32_MAX)
		f.nameoff_idbits = nameoff(b->fdt, node1, "gic-kexec,idbits");
	if (f.ac < 1 || f.ac > 2 || f.sc < 1 || f.sc > 2 ||
	    !fast_ok(b, from, &f))
		return 0;
	for (size_t i = from; i < a->ntables; i++)
		total += table_bytes(&f, &a->tables[i]);
	t = fdt_add_subnode(b->fdt, rm, "gk-t");
	if (t < 0)
		return fdt_fail(b, t, "/reserved-memory");
	err = fdt_setprop_placeholder(b->fdt, t, "reg", (int)(total - shell),
				      &data);
	if (err)
		return fdt_fail(b, err, "/reserved-memory");
	f.at = fdt_offset_ptr_w(b->fdt, t, (int)total);
	if (!f.at)
		return fdt_fail(b, -FDT_ERR_INTERNAL, "/reserved-memory");
	for (size_t i = a->ntables; i-- > from;)
		put_table(&f, &a->tables[i]);
	return 1;
}

/* Whether rm has no node named as ours yet: ours can be written at once. */
static bool fresh(const void *fdt, int rm)
{
	int child;

	fdt_for_each_subnode(child, fdt, rm) {
		const char *nm = fdt_get_name(fdt, child, NULL);

		if (!nm || !strncmp(nm, "gic-lpi", 7) || !strcmp(nm, "gk-t"))
			return false;
	}
	return true;
}

/* One node per table, with what the next kernel's gicdiag needs. */
static int named_tables(struct build *b, int rm)
{
	const struct kx_dtb_args *a = b->a;
	bool fast = a->ntables >= FAST_TABLES && fresh(b->fdt, rm);
	size_t i = 0;
	int ret;

	/* the first two one by one: their property names enter the tree */
	for (; i < a->ntables && (!fast || i < 2); i++) {
		ret = one_table(b, rm, &a->tables[i]);
		if (ret)
			return ret;
	}
	ret = i < a->ntables ? fast_tables(b, rm, i) : 0;
	if (ret)
		return ret < 0 ? ret : 0;
	for (; i < a->ntables; i++) {
		ret = one_table(b, rm, &a->tables[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* A kept range holding none of the named tables (another source's). */
static bool has_table(const struct kx_dtb_args *a, const struct gk_range *r)
{
	for (size_t i = 0; i < a->ntables; i++)
		if (a->tables[i].start <= r->end &&
		    a->tables[i].start + a->tables[i].size - 1 >= r->start)
			return true;
	return false;
}

static int keep_tables(struct build *b)
{
	bool stub = is_stub(b->fdt);
	int rm = -1, err;

	if (!b->a->nkeep)
		return 0;
	for (size_t i = 0; i < b->a->nkeep; i++) {
		const struct gk_range *r = &b->a->keep[i];

		if (!rsv_has(b->fdt, r)) {
			err = fdt_add_mem_rsv(b->fdt, r->start,
					      r->end - r->start + 1);
			if (err)
				return fdt_fail(b, err, "/memreserve/");
		}
	}
	if (stub)
		return 0;
	rm = reserved_memory(b);
	if (rm < 0)
		return fdt_fail(b, rm, "/reserved-memory");
	err = named_tables(b, rm);
	for (size_t i = 0; !err && i < b->a->nkeep; i++) {
		const struct gk_range *r = &b->a->keep[i];
		int node;

		if (has_table(b->a, r))
			continue;
		node = table_node(b,
				  fdt_path_offset(b->fdt, "/reserved-memory"),
				  "gic-lpi", r->start, r->end - r->start + 1);
		if (node < 0)
			err = fdt_fail(b, node, "/reserved-memory");
	}
	return err;
}

static int edit(struct build *b)
{
	int ch = chosen(b), err;

	if (ch < 0)
		return ch;
	err = drop_own_rsv(b, ch);
	/*
	 * No command line given: the device tree's bootargs stay, as in
	 * kexec-tools (arm64 set_bootargs()), so "kexec -l Image" boots with
	 * the command line this kernel was booted with.
	 */
	if (!err && b->a->cmdline && b->a->cmdline[0]) {
		int r = fdt_setprop_string(b->fdt, ch, "bootargs",
					   b->a->cmdline);

		err = r ? fdt_fail(b, r, "bootargs") : 0;
	}
	if (!err)
		err = set_initrd(b, ch);
	if (!err)
		err = set_seeds(b, chosen(b));
	if (!err)
		err = set_crash(b, chosen(b));
	if (!err)
		err = keep_tables(b);
	return err;
}

int kx_dtb_build(const struct gk_fdt *src, const struct kx_dtb_args *a,
		 uint8_t **out, size_t *len, struct gk_err *e)
{
	struct build b = { .a = a, .name = src->name, .e = e };
	size_t size = fdt_totalsize(src->blob) + 64 * 1024 +
		      128 * (a->nkeep + a->ntables) +
		      (a->cmdline ? strlen(a->cmdline) : 0) + 16 * a->nusable;
	int err;

	b.fdt = malloc(size);
	if (!b.fdt)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	err = fdt_open_into(src->blob, b.fdt, (int)size);
	if (err)
		err = fdt_fail(&b, err, "cannot open");
	if (!err)
		err = edit(&b);
	if (!err && (err = fdt_pack(b.fdt)))
		err = fdt_fail(&b, err, "cannot pack");
	if (!err && fdt_totalsize(b.fdt) > KX_DTB_MAX)
		err = gk_fail(
			e, -GK_ERR_TOOBIG,
			"%s: the next device tree is %u bytes, over 2 MiB",
			src->name, fdt_totalsize(b.fdt));
	if (err) {
		free(b.fdt);
		return err;
	}
	*out = b.fdt;
	*len = fdt_totalsize(b.fdt);
	return 0;
}
