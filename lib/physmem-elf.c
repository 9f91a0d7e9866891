// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF core files: /proc/kcore and vmcores. Each PT_LOAD with a physical
 * address (p_paddr) becomes a piece; /proc/kcore marks segments that are
 * not linear-map RAM or kernel text with p_paddr = -1.
 */
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "physmem-int.h"

#define PM_MAX_PHDRS 65536

static const struct pm_ops pm_elf_ops = {
	.kind = "elfcore",
	.read = pm_pieces_read,
};

static int add_load(struct pm_source *s, const GElf_Phdr *ph, size_t *cap)
{
	uint64_t len = ph->p_filesz < ph->p_memsz ? ph->p_filesz : ph->p_memsz;

	if (ph->p_type != PT_LOAD || !len || ph->p_paddr == UINT64_MAX ||
	    ph->p_paddr + (len - 1) < ph->p_paddr ||
	    len > (uint64_t)INT64_MAX ||
	    ph->p_offset > (uint64_t)INT64_MAX - len)
		return 0;
	if (s->npieces == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct pm_piece *p = realloc(s->pieces, ncap * sizeof(*p));

		if (!p)
			return -GK_ERR_NOMEM;
		s->pieces = p;
		*cap = ncap;
	}
	s->pieces[s->npieces++] =
		(struct pm_piece){ .r = { ph->p_paddr, ph->p_paddr + len - 1 },
				   .fd = -1,
				   .offset = (off_t)ph->p_offset };
	return 0;
}

static int piece_cmp(const void *pa, const void *pb)
{
	const struct pm_piece *a = pa, *b = pb;

	if (a->r.start != b->r.start)
		return a->r.start < b->r.start ? -1 : 1;
	return a->r.end > b->r.end ? -1 : a->r.end < b->r.end;
}

/*
 * kcore maps kernel text a second time (KCORE_TEXT) over linear-map RAM:
 * the same physical bytes, so keep the first piece and trim the others.
 */
static void drop_overlaps(struct pm_source *s)
{
	size_t out = 0;

	if (s->npieces > 1)
		qsort(s->pieces, s->npieces, sizeof(*s->pieces), piece_cmp);
	for (size_t i = 0; i < s->npieces; i++) {
		struct pm_piece p = s->pieces[i];

		if (out && p.r.start <= s->pieces[out - 1].r.end) {
			uint64_t cut = s->pieces[out - 1].r.end + 1;

			if (p.r.end < cut || !cut)
				continue;
			p.offset += (off_t)(cut - p.r.start);
			p.r.start = cut;
		}
		s->pieces[out++] = p;
	}
	s->npieces = out;
}

static int read_phdrs(Elf *elf, struct pm_source *s, struct gk_err *e)
{
	size_t n, cap = 0;
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh) || elf_getphdrnum(elf, &n) < 0)
		return gk_fail(e, -GK_ERR_FORMAT, "%s: bad ELF header: %s",
			       s->name, elf_errmsg(-1));
	if (eh.e_type != ET_CORE)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: not an ELF core file (e_type %u)", s->name,
			       (unsigned int)eh.e_type);
	if (n > PM_MAX_PHDRS)
		return gk_fail(e, -GK_ERR_TOOBIG, "%s: %zu program headers",
			       s->name, n);
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph))
			return gk_fail(e, -GK_ERR_FORMAT,
				       "%s: bad program header %zu: %s",
				       s->name, i, elf_errmsg(-1));
		if (add_load(s, &ph, &cap) < 0)
			return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	}
	drop_overlaps(s);
	return 0;
}

int pm_elf_open(struct pm_source *s, struct gk_err *e)
{
	unsigned char magic[SELFMAG];
	Elf *elf;
	int ret;

	if (pread(s->fd, magic, sizeof(magic), 0) != SELFMAG ||
	    memcmp(magic, ELFMAG, SELFMAG))
		return 0;
	s->ops = &pm_elf_ops;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return gk_fail(e, -GK_ERR_IO, "libelf: %s", elf_errmsg(-1));
	elf = elf_begin(s->fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		ret = gk_fail(e, -GK_ERR_FORMAT, "%s: bad ELF file: %s",
			      s->name, elf_errmsg(-1));
	} else {
		ret = read_phdrs(elf, s, e);
	}
	elf_end(elf);
	return ret < 0 ? ret : 1;
}
