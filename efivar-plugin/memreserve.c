// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Linux memreserve list (struct linux_efi_memreserve, include/linux/
 * efi.h): a root installed as an EFI configuration table by the EFI stub,
 * then 4 KiB blocks pushed at its head by efi_mem_reserve_persistent().
 * The next kernel walks it in efi_config_parse_tables() without a single
 * check: a loop hangs it, a bad block makes it read garbage. We check what
 * it does not, and refuse what would break it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efitables.h"
#include "le.h"

/* The kernel maps one 4 KiB page per block (EFI_MEMRESERVE_COUNT(SZ_4K)). */
#define MR_PAGE 4096u

struct walk {
	const struct eft_reader *rd;
	struct eft_memreserve *mr;
	size_t cap_blocks;
	size_t cap_entries;
	uint64_t prev; /* the block whose next led here; 0 at the root */
	struct gk_err *e;
};

static bool in_ram(const struct eft_reader *rd, uint64_t pa, uint64_t len)
{
	struct gk_range r;

	if (!rd->ram)
		return true; /* unknown: the read itself will tell */
	if (!gk_range_from_len(&r, pa, len))
		return false;
	return gk_ranges_covers(rd->ram, rd->nram, &r, NULL);
}

static int block_fail(struct walk *w, uint64_t pa, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "FILE: memreserve block at 0x... (next of 0x...): what is wrong" */
static int block_fail(struct walk *w, uint64_t pa, const char *fmt, ...)
{
	char what[256], from[48] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (w->prev)
		snprintf(from, sizeof(from), " (next of 0x%llx)",
			 (unsigned long long)w->prev);
	return gk_fail(w->e, -GK_ERR_CORRUPT,
		       "%s: memreserve %s at 0x%llx%s: %s",
		       w->rd->name(w->rd->data), w->prev ? "block" : "root",
		       (unsigned long long)pa, from, what);
}

static void *grow(void *p, size_t *cap, size_t n, size_t elem, bool *ok)
{
	size_t ncap;
	void *np;

	*ok = true;
	if (n < *cap)
		return p;
	ncap = *cap ? *cap * 2 : 16;
	np = realloc(p, ncap * elem);
	if (!np) {
		*ok = false;
		return p;
	}
	*cap = ncap;
	return np;
}

static unsigned int entry_flags(const struct eft_reader *rd, uint64_t base,
				uint64_t size)
{
	unsigned int flags = 0;

	if (!size)
		return EFT_MR_ZERO;
	if (base + (size - 1) < base)
		return EFT_MR_WRAPS;
	if ((base | size) & (MR_PAGE - 1))
		flags |= EFT_MR_UNALIGNED;
	if (!in_ram(rd, base, size))
		flags |= EFT_MR_NOT_RAM;
	return flags;
}

static int add_entries(struct walk *w, const struct eft_mr_block *b,
		       const uint8_t *slots)
{
	struct eft_memreserve *mr = w->mr;
	bool ok;

	for (int32_t i = 0; i < b->count; i++) {
		struct eft_mr_entry *en;

		mr->entries = grow(mr->entries, &w->cap_entries, mr->nentries,
				   sizeof(*mr->entries), &ok);
		if (!ok)
			return gk_fail(w->e, -GK_ERR_NOMEM, "out of memory");
		en = &mr->entries[mr->nentries++];
		en->base = gk_le64(slots + (size_t)i * EFT_MR_ENTRY_SIZE);
		en->size = gk_le64(slots + (size_t)i * EFT_MR_ENTRY_SIZE + 8);
		en->block = b->addr;
		en->index = (unsigned int)i;
		en->flags = entry_flags(w->rd, en->base, en->size);
	}
	return 0;
}

static int check_header(struct walk *w, const struct eft_mr_block *b)
{
	uint64_t used =
		EFT_MR_HDR_SIZE +
		(uint64_t)(b->count < 0 ? 0 : b->count) * EFT_MR_ENTRY_SIZE;

	if (b->size < 0 || b->count < 0)
		return block_fail(w, b->addr, "negative size %d or count %d",
				  b->size, b->count);
	if (b->count > b->size)
		return block_fail(w, b->addr, "count %d > size %d", b->count,
				  b->size);
	if (b->addr % MR_PAGE + used > MR_PAGE)
		return block_fail(w, b->addr,
				  "%d used slots run past its 4 KiB page",
				  b->count);
	if (!in_ram(w->rd, b->addr, used))
		return block_fail(w, b->addr, "slots not in memory");
	return 0;
}

/* Read, check and record the block at @pa. */
static int read_block(struct walk *w, uint64_t pa, struct eft_mr_block *b)
{
	uint8_t hdr[EFT_MR_HDR_SIZE], slots[MR_PAGE];
	int ret;

	if (pa & 7)
		return block_fail(w, pa, "not 8-byte aligned");
	if (!in_ram(w->rd, pa, EFT_MR_HDR_SIZE))
		return block_fail(w, pa, "not in memory");
	ret = w->rd->read(w->rd->data, pa, hdr, sizeof(hdr), w->e);
	if (ret < 0)
		goto unreadable;
	b->addr = pa;
	b->size = (int32_t)gk_le32(hdr);
	b->count = (int32_t)gk_le32(hdr + 4);
	b->next = gk_le64(hdr + 8);
	ret = check_header(w, b);
	if (ret < 0)
		return ret;
	if (b->count) {
		ret = w->rd->read(w->rd->data, pa + EFT_MR_HDR_SIZE, slots,
				  (size_t)b->count * EFT_MR_ENTRY_SIZE, w->e);
		if (ret < 0)
			goto unreadable;
	}
	if (w->prev && b->size != EFT_MR_BLOCK_SLOTS)
		w->mr->odd_blocks++;
	return add_entries(w, b, slots);
unreadable:
	if (w->prev)
		gk_err_prefix(w->e,
			      "memreserve block at 0x%llx (next of 0x%llx)",
			      (unsigned long long)pa,
			      (unsigned long long)w->prev);
	else
		gk_err_prefix(w->e, "memreserve root at 0x%llx",
			      (unsigned long long)pa);
	return ret;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct eft_mr_entry *a = *(const struct eft_mr_entry *const *)pa;
	const struct eft_mr_entry *b = *(const struct eft_mr_entry *const *)pb;

	if (a->base != b->base)
		return a->base < b->base ? -1 : 1;
	return 0;
}

/* Flag overlapping entries and build the merged union. */
static int finish(struct eft_memreserve *mr, struct gk_err *e)
{
	struct eft_mr_entry **by_base, *owner = NULL;
	uint64_t end = 0;
	size_t k = 0;
	bool have = false;

	by_base = calloc(mr->nentries + 1, sizeof(*by_base));
	mr->merged = calloc(mr->nentries + 1, sizeof(*mr->merged));
	if (!by_base || !mr->merged) {
		free(by_base);
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < mr->nentries; i++)
		if (!(mr->entries[i].flags & (EFT_MR_ZERO | EFT_MR_WRAPS)))
			by_base[k++] = &mr->entries[i];
	qsort(by_base, k, sizeof(*by_base), entry_cmp);
	for (size_t i = 0; i < k; i++) {
		struct eft_mr_entry *en = by_base[i];
		uint64_t last = en->base + en->size - 1;

		/* @owner reaches furthest so far: it is the one overlapped */
		if (have && en->base <= end) {
			en->flags |= EFT_MR_OVERLAP;
			owner->flags |= EFT_MR_OVERLAP;
		}
		if (!have || last > end) {
			end = last;
			owner = en;
		}
		have = true;
		gk_range_from_len(&mr->merged[i], en->base, en->size);
	}
	free(by_base);
	mr->nmerged = gk_ranges_merge(mr->merged, k);
	for (size_t i = 0; i < mr->nentries; i++)
		mr->odd |= mr->entries[i].flags;
	return 0;
}

static int walk_list(struct walk *w, uint64_t root)
{
	struct eft_memreserve *mr = w->mr;
	uint64_t pa = root, tortoise = root;
	size_t power = 1, lam = 0;
	bool ok;

	while (pa) {
		struct eft_mr_block *b;
		int ret;

		if (mr->nblocks == EFT_MR_MAX_BLOCKS)
			return gk_fail(
				w->e, -GK_ERR_TOOBIG,
				"%s: memreserve list longer than %u blocks",
				w->rd->name(w->rd->data), EFT_MR_MAX_BLOCKS);
		mr->blocks = grow(mr->blocks, &w->cap_blocks, mr->nblocks,
				  sizeof(*mr->blocks), &ok);
		if (!ok)
			return gk_fail(w->e, -GK_ERR_NOMEM, "out of memory");
		b = &mr->blocks[mr->nblocks];
		ret = read_block(w, pa, b);
		if (ret < 0)
			return ret;
		mr->nblocks++;
		/* Brent: the tortoise teleports to the hare at powers of 2 */
		if (b->next && (b->next == pa || b->next == tortoise))
			return block_fail(w, pa, "next 0x%llx closes a loop",
					  (unsigned long long)b->next);
		if (++lam == power) {
			tortoise = b->next;
			power *= 2;
			lam = 0;
		}
		w->prev = pa;
		pa = b->next;
	}
	return 0;
}

int eft_memreserve_walk(const struct eft_reader *rd, uint64_t root,
			struct eft_memreserve **out, struct gk_err *e)
{
	struct walk w = { .rd = rd, .e = e };
	int ret;

	if (!root)
		return gk_fail(e, -GK_ERR_NOTFOUND,
			       "%s: memreserve root pointer is 0",
			       rd->name(rd->data));
	w.mr = calloc(1, sizeof(*w.mr));
	if (!w.mr)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	w.mr->root = root;
	ret = walk_list(&w, root);
	if (!ret)
		ret = finish(w.mr, e);
	if (ret < 0) {
		eft_memreserve_free(w.mr);
		return ret;
	}
	*out = w.mr;
	return 0;
}

void eft_memreserve_free(struct eft_memreserve *mr)
{
	if (!mr)
		return;
	free(mr->blocks);
	free(mr->entries);
	free(mr->merged);
	free(mr);
}

int eft_memreserve_covers(const struct eft_memreserve *mr, uint64_t addr,
			  uint64_t len, struct gk_range *by)
{
	struct gk_range want;
	long idx;
	bool covered;

	if (!gk_range_from_len(&want, addr, len))
		return -GK_ERR_INVAL;
	covered = gk_ranges_covers(mr->merged, mr->nmerged, &want, &idx);
	if (by)
		*by = idx >= 0 ? mr->merged[idx] : (struct gk_range){ 0, 0 };
	return covered;
}
