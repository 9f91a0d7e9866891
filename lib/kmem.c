// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The GICv3 ITS driver's record of the LPI tables, read from kernel memory
 * (lib/kmem.h). What the kernel code looks like, verified in Debian's
 * linux-source 6.1.192 and 6.12.118 (identical where it matters here):
 *
 *  drivers/irqchip/irq-gic-v3-its.c
 *	static struct rdists *gic_rdists;	(= &gic_data.rdists, its_init())
 *	per CPU: gic_data_rdist() = raw_cpu_ptr(gic_rdists->rdist)
 *  include/linux/irqchip/arm-gic-v3.h
 *	struct rdists { struct { ...; void __iomem *rd_base;
 *		struct page *pend_page; phys_addr_t phys_base; u64 flags; ... }
 *		__percpu *rdist; phys_addr_t prop_table_pa; void *prop_table_va;
 *		u64 flags; ... };
 *	(before 5.17 the per-CPU part had "bool lpi_enabled" instead of flags)
 *
 * Offsets come from BTF, never from these copies: only the member names
 * and the flag bits below are taken as known.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "kmem.h"
#include "le.h"

/*
 * The flag bits are #defines, so BTF cannot tell them. Verified in 6.1.192
 * (all in drivers/irqchip/irq-gic-v3-its.c) and 6.12.118 (RDIST_FLAGS_* moved
 * to drivers/irqchip/irq-gic-common.h):
 *	#define RDIST_FLAGS_PROPBASE_NEEDS_FLUSHING	(1 << 0)
 *	#define RDIST_FLAGS_RD_TABLES_PREALLOCATED	(1 << 1)
 *	#define RD_LOCAL_LPI_ENABLED			BIT(0)
 *	#define RD_LOCAL_PENDTABLE_PREALLOCATED		BIT(1)
 *	#define RD_LOCAL_MEMRESERVE_DONE		BIT(2)
 */
#define RDIST_FLAGS_RD_TABLES_PREALLOCATED (1u << 1)
#define RD_LOCAL_LPI_ENABLED (1u << 0)
#define RD_LOCAL_PENDTABLE_PREALLOCATED (1u << 1)

#define KM_MAX_BTF (64u << 20)	   /* 6.12's vmlinux BTF is ~6 MiB */
#define KM_MAX_STRUCT 4096u	   /* struct rdists is ~64 bytes */
#define KM_MAX_NOTE (256u << 10)   /* VMCOREINFO_NOTE_SIZE: a page + 36 */
#define KM_MAX_KALLSYMS (1u << 30) /* 6.12: ~10 MiB */
#define KM_MAX_LINE 1024	   /* KSYM_NAME_LEN is 512 */
#define KM_PA_LIMIT (1ull << 52)   /* arm64's widest physical address */
#define KM_PEND_ALIGN 0x10000u	   /* GICR_PENDBASER holds bits 51:16 */
#define KM_PROP_ALIGN 0x1000u	   /* GICR_PROPBASER holds bits 51:12 */

static const char kallsyms_path[] = "/proc/kallsyms";
static const char btf_path[] = "/sys/kernel/btf/vmlinux";
static const char vmci_path[] = "/sys/kernel/vmcoreinfo";
static const char possible_path[] = "/sys/devices/system/cpu/possible";
static const char lockdown_path[] = "/sys/kernel/security/lockdown";

const char *const gk_kmem_files[] = {
	btf_path, vmci_path, possible_path, lockdown_path, NULL,
};

/* _text and _end bound the kernel image (asm/memory.h KERNEL_START/END) */
enum { SYM_RDISTS, SYM_PCPU_OFF, SYM_TEXT, SYM_END, NSYMS };
static const char *const sym_names[NSYMS] = {
	"gic_rdists",
	"__per_cpu_offset",
	"_text",
	"_end",
};

/* One member of a BTF struct: where it is and how wide. */
struct km_field {
	size_t off;
	size_t size;
};

struct km_layout {
	size_t rdists_size, pcpu_size;
	struct km_field rdist, prop, flags;	      /* struct rdists */
	struct km_field pend_page, phys_base, lflags; /* its per-CPU part */
	bool percpu_flags;  /* lflags is u64 flags, else bool lpi_enabled */
	uint64_t page_size; /* sizeof(struct page), 0 when BTF lacks it */
};

/* What VMCOREINFO says about the address space. */
struct km_vmci {
	unsigned int va_bits;
	uint64_t kimage_voffset;
	uint64_t phys_offset; /* memstart_addr, an s64: two's complement */
	uint64_t page_size;
	uint64_t vmemmap_start, vmemmap_end; /* 0: not exported */
	uint64_t struct_page;		     /* SIZE(page), 0: not exported */
};

struct km_ctx {
	struct physmem *pm;
	uint64_t sym[NSYMS];
	struct km_layout l;
	struct km_vmci v;
	uint64_t page_offset, page_end; /* the linear map */
};

/* ---- /proc/kallsyms -------------------------------------------------- */

/* The symbols found so far, and optionally their lines. */
struct sym_scan {
	uint64_t addr[NSYMS];
	bool found[NSYMS];
	unsigned int nfound;
	FILE *lines; /* NULL: do not keep them */
};

/*
 * "ADDR TYPE NAME" (vmlinux) or "ADDR TYPE NAME\t[MODULE]": the format of
 * kernel/kallsyms.c s_show(). Module symbols are not ours: skipped.
 */
static int sym_of_line(const char *line, uint64_t *addr)
{
	const char *p;
	char *end;
	size_t n;

	errno = 0;
	*addr = strtoull(line, &end, 16);
	if (end == line || errno || end[0] != ' ' || !end[1] || end[2] != ' ')
		return -1;
	p = end + 3;
	n = strcspn(p, "\t\n");
	if (p[n] == '\t')
		return -1;
	for (int i = 0; i < NSYMS; i++)
		if (strlen(sym_names[i]) == n && !memcmp(p, sym_names[i], n))
			return i;
	return -1;
}

static int scan_line(struct sym_scan *s, const char *line, struct gk_err *e)
{
	uint64_t addr;
	int i = sym_of_line(line, &addr);

	/* the first of a name wins, live and in a replay alike */
	if (i < 0 || s->found[i])
		return 0;
	s->found[i] = true;
	s->addr[i] = addr;
	s->nfound++;
	/*
	 * fgets() keeps a NUL byte: the line kept is what was parsed, ended
	 * by its newline, so that a replay of it reads the same symbols
	 */
	if (s->lines &&
	    (fputs(line, s->lines) == EOF ||
	     (line[strlen(line) - 1] != '\n' && fputc('\n', s->lines) == EOF)))
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	return 0;
}

static int open_kallsyms(const struct sysroot *sr, FILE **f, struct gk_err *e)
{
	int fd = sysroot_open(sr, kallsyms_path, O_RDONLY, e);

	if (fd == -GK_ERR_NOENT)
		return gk_fail(e, -GK_ERR_NOTFOUND, "no %s (CONFIG_KALLSYMS)",
			       kallsyms_path);
	if (fd < 0)
		return fd;
	*f = fdopen(fd, "r");
	if (!*f) {
		close(fd);
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	}
	return 0;
}

/*
 * Stream the file (10 MB on 6.12) a bounded line at a time until every
 * symbol is found: vmlinux's symbols come before the modules'.
 */
static int scan_kallsyms(const struct sysroot *sr, struct sym_scan *s,
			 struct gk_err *e)
{
	char line[KM_MAX_LINE + 2];
	size_t total = 0;
	FILE *f;
	int ret;

	ret = open_kallsyms(sr, &f, e);
	if (ret < 0)
		return ret;
	while (!ret && s->nfound < NSYMS && fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		total += n;
		if ((n > KM_MAX_LINE && line[n - 1] != '\n') ||
		    total > KM_MAX_KALLSYMS)
			ret = gk_fail(e, -GK_ERR_TOOBIG,
				      "%s: a line or the file is too long",
				      kallsyms_path);
		else
			ret = scan_line(s, line, e);
	}
	if (!ret && ferror(f))
		ret = gk_fail(e, -GK_ERR_IO, "%s: read error", kallsyms_path);
	fclose(f);
	return ret;
}

static int load_syms(const struct sysroot *sr, uint64_t *sym, struct gk_err *e)
{
	struct sym_scan s = { 0 };
	bool zero = true;
	int ret;

	ret = scan_kallsyms(sr, &s, e);
	if (ret < 0)
		return ret;
	if (!s.found[SYM_PCPU_OFF] || !s.found[SYM_END])
		return gk_fail(
			e, -GK_ERR_NOTFOUND,
			"%s: no __per_cpu_offset: the kernel exports no data symbols (CONFIG_KALLSYMS_ALL)",
			kallsyms_path);
	if (!s.found[SYM_RDISTS] || !s.found[SYM_TEXT])
		return gk_fail(
			e, -GK_ERR_NOTFOUND,
			"%s: no %s: no GICv3 ITS driver in this kernel",
			kallsyms_path,
			sym_names[s.found[SYM_RDISTS] ? SYM_TEXT : SYM_RDISTS]);
	for (int i = 0; i < NSYMS; i++)
		zero = zero && !s.addr[i];
	if (zero)
		return gk_fail(
			e, -GK_ERR_ACCESS,
			"%s shows zero addresses: not root, or kernel.kptr_restrict",
			kallsyms_path);
	if (s.addr[SYM_END] <= s.addr[SYM_TEXT])
		return gk_fail(e, -GK_ERR_FORMAT, "%s: _end is below _text",
			       kallsyms_path);
	memcpy(sym, s.addr, sizeof(s.addr));
	return 0;
}

int gk_kmem_kallsyms(const struct sysroot *sr, char **text, size_t *len,
		     struct gk_err *e)
{
	struct sym_scan s = { 0 };
	int ret;

	*text = NULL;
	*len = 0;
	s.lines = open_memstream(text, len);
	if (!s.lines)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	ret = scan_kallsyms(sr, &s, e);
	if (fclose(s.lines) && !ret)
		ret = gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	if (ret < 0) {
		free(*text);
		*text = NULL;
		*len = 0;
	}
	return ret;
}

/* ---- BTF: the layouts ------------------------------------------------ */

/* ---- libbpf, loaded when kernel memory is read (lib/dl.h) ---------- */

struct bpflib {
	struct btf *(*btf_new)(const void *, __u32);
	void (*btf_free)(struct btf *);
	const struct btf_type *(*type_by_id)(const struct btf *, __u32);
	const char *(*name_by_offset)(const struct btf *, __u32);
	__s32 (*find_by_name_kind)(const struct btf *, const char *, __u32);
	long (*get_error)(const void *);
};

static const struct gk_dlsym bpf_syms[] = {
	GK_DLSYM(struct bpflib, btf_new, "btf__new"),
	GK_DLSYM(struct bpflib, btf_free, "btf__free"),
	GK_DLSYM(struct bpflib, type_by_id, "btf__type_by_id"),
	GK_DLSYM(struct bpflib, name_by_offset, "btf__name_by_offset"),
	GK_DLSYM(struct bpflib, find_by_name_kind, "btf__find_by_name_kind"),
	GK_DLSYM(struct bpflib, get_error, "libbpf_get_error"),
};

/* A parsed BTF, with the functions to read it. */
struct kbtf {
	const struct btf *b;
	const struct bpflib *f;
};

/* Through typedefs and qualifiers, __percpu's type tag included. */
static const struct btf_type *resolve(const struct kbtf *b, uint32_t id)
{
	for (int depth = 0; depth < 32; depth++) {
		const struct btf_type *t = b->f->type_by_id(b->b, id);

		if (!t)
			return NULL;
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			break;
		default:
			return t;
		}
	}
	return NULL;
}

/*
 * Find member @name of struct @st: a pointer (8 bytes on arm64) or an
 * integer of 1, 2, 4 or 8 bytes, byte-aligned, inside the struct.
 * @target: for a pointer, the type it points to, or NULL.
 */
static int find_member(const struct kbtf *b, const struct btf_type *st,
		       const char *sname, const char *name, struct km_field *f,
		       const struct btf_type **target, struct gk_err *e)
{
	const struct btf_member *m = btf_members(st);

	for (int i = 0; i < btf_vlen(st); i++, m++) {
		const struct btf_type *t;
		uint32_t bits = btf_member_bit_offset(st, (uint32_t)i);

		if (strcmp(b->f->name_by_offset(b->b, m->name_off) ?: "", name))
			continue;
		t = resolve(b, m->type);
		f->off = bits / 8;
		f->size = !t ? 0 : btf_is_ptr(t) ? 8 : t->size;
		if (target)
			*target = t && btf_is_ptr(t) ? resolve(b, t->type) :
						       NULL;
		if (!t || (bits % 8) || btf_member_bitfield_size(st, i) ||
		    !(btf_is_ptr(t) || btf_is_int(t) || btf_is_enum(t)) ||
		    (f->size & (f->size - 1)) || !f->size || f->size > 8 ||
		    f->off + f->size > st->size)
			break;
		return 0;
	}
	return gk_fail(e, -GK_ERR_FORMAT,
		       "%s: struct %s has no usable member %s", btf_path, sname,
		       name);
}

/* The anonymous per-CPU struct that rdists->rdist points to. */
static int percpu_layout(const struct kbtf *b, const struct btf_type *pc,
			 struct km_layout *l, struct gk_err *e)
{
	static const char sname[] = "rdists.rdist";
	int ret;

	if (!pc || !btf_is_struct(pc) || !pc->size || pc->size > KM_MAX_STRUCT)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: rdists.rdist does not point to a struct",
			       btf_path);
	l->pcpu_size = pc->size;
	ret = find_member(b, pc, sname, "pend_page", &l->pend_page, NULL, e);
	if (!ret)
		ret = find_member(b, pc, sname, "phys_base", &l->phys_base,
				  NULL, e);
	if (ret)
		return ret;
	/* 5.17 ("Postpone LPI pending table freeing") replaced the bool */
	l->percpu_flags =
		!find_member(b, pc, sname, "flags", &l->lflags, NULL, NULL);
	if (l->percpu_flags)
		return 0;
	return find_member(b, pc, sname, "lpi_enabled", &l->lflags, NULL, e);
}

static int layout_from_btf(const struct kbtf *b, struct km_layout *l,
			   struct gk_err *e)
{
	const struct btf_type *st, *pc = NULL;
	int id, ret;

	id = b->f->find_by_name_kind(b->b, "rdists", BTF_KIND_STRUCT);
	if (id < 0)
		return gk_fail(
			e, -GK_ERR_NOTFOUND,
			"%s: no struct rdists: no GICv3 driver in this kernel",
			btf_path);
	st = b->f->type_by_id(b->b, (uint32_t)id);
	if (!st->size || st->size > KM_MAX_STRUCT)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: struct rdists of %u bytes", btf_path,
			       st->size);
	l->rdists_size = st->size;
	ret = find_member(b, st, "rdists", "rdist", &l->rdist, &pc, e);
	if (!ret)
		ret = find_member(b, st, "rdists", "prop_table_pa", &l->prop,
				  NULL, e);
	if (!ret)
		ret = find_member(b, st, "rdists", "flags", &l->flags, NULL, e);
	if (!ret)
		ret = percpu_layout(b, pc, l, e);
	if (ret)
		return ret;
	id = b->f->find_by_name_kind(b->b, "page", BTF_KIND_STRUCT);
	st = id > 0 ? b->f->type_by_id(b->b, (uint32_t)id) : NULL;
	l->page_size = st ? st->size : 0;
	return 0;
}

/* libbpf checks the rest; a wrong magic is ours to name. */
static bool btf_magic(const uint8_t *p, size_t len)
{
	return len >= 24 && ((p[0] == 0x9f && p[1] == 0xeb) ||
			     (p[0] == 0xeb && p[1] == 0x9f));
}

static int load_btf(const struct sysroot *sr, struct km_layout *l,
		    struct gk_err *e)
{
	struct bpflib f;
	struct btf *b;
	void *h;
	size_t len;
	char *buf;
	long err;
	int ret;

	ret = sysroot_read_file(sr, btf_path, KM_MAX_BTF, &buf, &len, e);
	if (ret == -GK_ERR_NOENT)
		return gk_fail(e, -GK_ERR_NOTFOUND,
			       "no %s (CONFIG_DEBUG_INFO_BTF)", btf_path);
	if (ret < 0)
		return ret;
	if (!btf_magic((const uint8_t *)buf, len)) {
		free(buf);
		return gk_fail(e, -GK_ERR_FORMAT, "%s: not BTF", btf_path);
	}
	ret = gk_dl_open("libbpf.so.1", "libbpf1", bpf_syms,
			 GK_ARRAY_SIZE(bpf_syms), &f, &h, e);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	b = f.btf_new(buf, (uint32_t)len);
	err = f.get_error(b);
	if (err) {
		ret = gk_fail(e, -GK_ERR_FORMAT, "%s: malformed BTF: %s",
			      btf_path, strerror((int)-err));
	} else {
		struct kbtf k = { b, &f };

		ret = layout_from_btf(&k, l, e);
		f.btf_free(b);
	}
	gk_dl_close(h);
	free(buf);
	return ret;
}

/* ---- VMCOREINFO ------------------------------------------------------ */

/*
 * "KEY=VALUE" in the note text. NUMBER() is "%ld" (VA_BITS), but arm64
 * prints its addresses "0x%lx"/"0x%llx" (arch/arm64/kernel/crash_core.c in
 * 6.1, vmcore_info.c in 6.12); PAGESIZE is "%ld", SIZE() "%lu".
 * returns: 1 found, 0 absent, -1 malformed
 */
static int vmci_get(const char *text, const char *key, uint64_t *v)
{
	size_t klen = strlen(key);
	const char *p = text;
	char *end;

	while (strncmp(p, key, klen) || p[klen] != '=') {
		p = strchr(p, '\n');
		if (!p)
			return 0;
		p++;
	}
	p += klen + 1;
	errno = 0;
	if (p[0] == '0' && p[1] == 'x')
		*v = strtoull(p + 2, &end, 16);
	else if (p[0] == '-')
		*v = (uint64_t)strtoll(p, &end, 10);
	else
		*v = strtoull(p, &end, 10);
	return (errno || end == p || (*end && *end != '\n')) ? -1 : 1;
}

static int vmci_need(const char *text, const char *key, uint64_t *v,
		     struct gk_err *e)
{
	int ret = vmci_get(text, key, v);

	if (ret > 0)
		return 0;
	return gk_fail(e, -GK_ERR_FORMAT, "VMCOREINFO: %s %s", key,
		       ret ? "is malformed" : "is missing");
}

static int vmci_want(const char *text, const char *key, uint64_t *v,
		     struct gk_err *e)
{
	int ret = vmci_get(text, key, v);

	if (ret >= 0)
		return 0;
	return gk_fail(e, -GK_ERR_FORMAT, "VMCOREINFO: %s is malformed", key);
}

static int vmci_check(const struct km_vmci *v, struct gk_err *e)
{
	if (v->va_bits < 36 || v->va_bits > 52)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "VMCOREINFO: VA_BITS %u is not arm64's",
			       v->va_bits);
	if (v->page_size != 4096 && v->page_size != 16384 &&
	    v->page_size != 65536)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "VMCOREINFO: PAGESIZE %llu is not arm64's",
			       (unsigned long long)v->page_size);
	/* memstart_addr is ARM64_MEMSTART_ALIGN-aligned (arm64/mm/init.c) */
	if (v->phys_offset % v->page_size || !v->kimage_voffset)
		return gk_fail(
			e, -GK_ERR_FORMAT,
			"VMCOREINFO: PHYS_OFFSET or kimage_voffset is not plausible");
	if (v->struct_page && (v->struct_page < 32 || v->struct_page > 512))
		return gk_fail(e, -GK_ERR_FORMAT,
			       "VMCOREINFO: SIZE(page) %llu is not plausible",
			       (unsigned long long)v->struct_page);
	return 0;
}

static int vmci_parse_text(const char *text, struct km_vmci *v,
			   struct gk_err *e)
{
	uint64_t va_bits = 0;
	int ret;

	ret = vmci_need(text, "NUMBER(VA_BITS)", &va_bits, e);
	if (!ret)
		ret = vmci_need(text, "NUMBER(kimage_voffset)",
				&v->kimage_voffset, e);
	if (!ret)
		ret = vmci_need(text, "NUMBER(PHYS_OFFSET)", &v->phys_offset,
				e);
	if (!ret)
		ret = vmci_need(text, "PAGESIZE", &v->page_size, e);
	if (!ret)
		ret = vmci_want(text, "NUMBER(VMEMMAP_START)",
				&v->vmemmap_start, e);
	if (!ret)
		ret = vmci_want(text, "NUMBER(VMEMMAP_END)", &v->vmemmap_end,
				e);
	if (!ret)
		ret = vmci_want(text, "SIZE(page)", &v->struct_page, e);
	if (ret)
		return ret;
	v->va_bits = va_bits > 64 ? 0 : (unsigned int)va_bits;
	return vmci_check(v, e);
}

/*
 * The note as kernel/crash_core.c (6.1) or vmcore_info.c (6.12) writes
 * it: an ELF note header (namesz, descsz, type), "VMCOREINFO\0" padded to
 * 12 bytes, the text, then an empty note.
 */
static int vmci_parse_note(const uint8_t *note, size_t size, struct km_vmci *v,
			   struct gk_err *e)
{
	uint32_t namesz, descsz;
	char *text;
	int ret;

	if (size < 24)
		return gk_fail(e, -GK_ERR_FORMAT, "VMCOREINFO: truncated note");
	namesz = gk_le32(note);
	descsz = gk_le32(note + 4);
	if (namesz != 11 || memcmp(note + 12, "VMCOREINFO", 11))
		return gk_fail(e, -GK_ERR_FORMAT,
			       "VMCOREINFO: the note is not named VMCOREINFO");
	if (descsz > size - 24)
		return gk_fail(
			e, -GK_ERR_FORMAT,
			"VMCOREINFO: truncated note (%u bytes of text in %zu)",
			descsz, size);
	text = strndup((const char *)note + 24, descsz);
	if (!text)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	ret = vmci_parse_text(text, v, e);
	free(text);
	return ret;
}

/* /sys/kernel/vmcoreinfo: "%pa %x\n" (kernel/ksysfs.c), e.g. "0x...1000 1024"
 */
static int vmci_locate(const struct sysroot *sr, uint64_t *pa, size_t *size,
		       struct gk_err *e)
{
	unsigned long long a, s;
	char *buf, *end;
	size_t len;
	int ret;

	ret = sysroot_read_file(sr, vmci_path, 256, &buf, &len, e);
	if (ret == -GK_ERR_NOENT)
		return gk_fail(
			e, -GK_ERR_NOTFOUND,
			"no %s (CONFIG_VMCORE_INFO, CONFIG_CRASH_CORE before 6.9)",
			vmci_path);
	if (ret < 0)
		return ret;
	errno = 0;
	a = strtoull(buf, &end, 16);
	s = *end == ' ' ? strtoull(end + 1, &end, 16) : 0;
	ret = errno || (*end && *end != '\n') || !s || s > KM_MAX_NOTE ||
	      a >= KM_PA_LIMIT;
	free(buf);
	if (ret)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: not \"ADDRESS SIZE\" of a note", vmci_path);
	*pa = a;
	*size = (size_t)s;
	return 0;
}

static int load_vmci(const struct sysroot *sr, struct physmem *pm,
		     struct km_vmci *v, struct gk_err *e)
{
	uint8_t *note;
	uint64_t pa = 0;
	size_t size = 0;
	int ret;

	ret = vmci_locate(sr, &pa, &size, e);
	if (ret < 0)
		return ret;
	note = malloc(size);
	if (!note)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	ret = physmem_read(pm, pa, note, size, e);
	if (ret < 0)
		gk_err_prefix(e, "VMCOREINFO note at 0x%llx",
			      (unsigned long long)pa);
	else
		ret = vmci_parse_note(note, size, v, e);
	free(note);
	return ret;
}

/* ---- addresses ------------------------------------------------------- */

/*
 * The linear map, arch/arm64/include/asm/memory.h (6.1 and 6.12):
 *	PAGE_OFFSET = _PAGE_OFFSET(VA_BITS) = -(1 << VA_BITS)
 *	PAGE_END    = _PAGE_END(VA_BITS_MIN) = -(1 << (VA_BITS_MIN - 1))
 *	VA_BITS_MIN = VA_BITS > 48 ? 48 : VA_BITS (6.12: 47 with 16K pages)
 * VA_BITS is the configured width, also with 52-bit VA on 48-bit hardware:
 * the kernel keeps PAGE_OFFSET and lowers memstart_addr instead
 * (arm64_memblock_init(): memstart_addr -= _PAGE_OFFSET(vabits_actual) -
 * _PAGE_OFFSET(52)), which is why PHYS_OFFSET can be negative. With KASAN
 * PAGE_END is lower; distribution kernels do not enable it.
 */
static void va_layout(struct km_ctx *c)
{
	unsigned int min = c->v.va_bits;

	if (min > 48)
		min = c->v.page_size == 16384 ? 47 : 48;
	c->page_offset = 0 - (1ull << c->v.va_bits);
	c->page_end = 0 - (1ull << (min - 1));
}

/*
 * __virt_to_phys_nodebug(): __is_lm_address(va) ? (va - PAGE_OFFSET) +
 * PHYS_OFFSET : va - kimage_voffset. We also require an image address to
 * lie in [_text, _end): anything else (vmalloc, a percpu chunk that is not
 * the first, modules) is refused rather than guessed.
 */
static int kva_to_pa(const struct km_ctx *c, uint64_t va, const char *what,
		     uint64_t *pa, struct gk_err *e)
{
	if (va >= c->sym[SYM_TEXT] && va < c->sym[SYM_END])
		*pa = va - c->v.kimage_voffset;
	else if (va - c->page_offset < c->page_end - c->page_offset)
		*pa = va - c->page_offset + c->v.phys_offset;
	else
		return gk_fail(
			e, -GK_ERR_RANGE,
			"%s at 0x%llx is neither in the kernel image nor in the linear map",
			what, (unsigned long long)va);
	if (*pa >= KM_PA_LIMIT)
		return gk_fail(e, -GK_ERR_RANGE,
			       "%s at 0x%llx would be at physical 0x%llx", what,
			       (unsigned long long)va, (unsigned long long)*pa);
	return 0;
}

static int kva_read(const struct km_ctx *c, uint64_t va, const char *what,
		    void *buf, size_t len, struct gk_err *e)
{
	uint64_t pa = 0;
	int ret;

	ret = kva_to_pa(c, va, what, &pa, e);
	if (ret < 0)
		return ret;
	ret = physmem_read(c->pm, pa, buf, len, e);
	if (ret < 0)
		gk_err_prefix(e, "%s at 0x%llx", what, (unsigned long long)va);
	return ret;
}

/*
 * struct page * to physical address. arm64's asm/pgtable.h (6.1, 6.12):
 *	#define vmemmap ((struct page *)VMEMMAP_START - (memstart_addr >>
 *PAGE_SHIFT)) and SPARSEMEM_VMEMMAP's asm-generic/memory_model.h:
 *	__page_to_pfn(page) = page - vmemmap	(in units of struct page)
 * so, in bytes,
 *	pfn = (page - VMEMMAP_START) / sizeof(struct page)
 *	      + (memstart_addr >> PAGE_SHIFT)
 *	pa  = pfn << PAGE_SHIFT
 *	    = ((page - VMEMMAP_START) / sizeof(struct page) << PAGE_SHIFT)
 *	      + memstart_addr
 * exactly, as memstart_addr is page aligned; a negative memstart_addr
 * (PHYS_OFFSET) wraps modulo 2^64 as the kernel's arithmetic does.
 */
static int page_to_pa(const struct km_ctx *c, uint64_t page, uint64_t *pa,
		      char *why, size_t wlen)
{
	uint64_t sz = c->v.struct_page ? c->v.struct_page : c->l.page_size;
	uint64_t idx, shift = (uint64_t)__builtin_ctzll(c->v.page_size);

	if (!c->v.vmemmap_start || !sz) {
		snprintf(why, wlen, "VMCOREINFO has no %s",
			 sz ? "NUMBER(VMEMMAP_START)" :
			      "SIZE(page), BTF no struct page");
		return -1;
	}
	idx = (page - c->v.vmemmap_start) / sz;
	if (page < c->v.vmemmap_start ||
	    (c->v.vmemmap_end && page >= c->v.vmemmap_end) ||
	    (page - c->v.vmemmap_start) % sz || idx >= KM_PA_LIMIT >> shift) {
		snprintf(why, wlen, "pend_page 0x%llx is not a struct page",
			 (unsigned long long)page);
		return -1;
	}
	*pa = (idx << shift) + c->v.phys_offset;
	if (*pa >= KM_PA_LIMIT || *pa % KM_PEND_ALIGN) {
		snprintf(why, wlen,
			 "pend_page 0x%llx gives 0x%llx, not a pending table",
			 (unsigned long long)page, (unsigned long long)*pa);
		return -1;
	}
	return 0;
}

/* ---- the records ----------------------------------------------------- */

static uint64_t get_field(const uint8_t *buf, struct km_field f)
{
	uint64_t v = 0;

	for (size_t i = 0; i < f.size; i++)
		v |= (uint64_t)buf[f.off + i] << (8 * i);
	return v;
}

/* gic_rdists -> struct rdists (gic_data.rdists, in the image) */
static int read_rdists(const struct km_ctx *c, struct gk_kmem *out,
		       uint64_t *rdist, struct gk_err *e)
{
	uint8_t ptr[8], buf[KM_MAX_STRUCT];
	uint64_t va;
	int ret;

	ret = kva_read(c, c->sym[SYM_RDISTS], "gic_rdists", ptr, 8, e);
	if (ret < 0)
		return ret;
	va = gk_le64(ptr);
	if (!va)
		return gk_fail(
			e, -GK_ERR_NOTFOUND,
			"gic_rdists is NULL: its_init() never ran (no GICv3 with LPIs)");
	ret = kva_read(c, va, "struct rdists", buf, c->l.rdists_size, e);
	if (ret < 0)
		return ret;
	*rdist = get_field(buf, c->l.rdist);
	out->prop = get_field(buf, c->l.prop);
	out->rdists_flags = get_field(buf, c->l.flags);
	out->prealloc = out->rdists_flags & RDIST_FLAGS_RD_TABLES_PREALLOCATED;
	if (!*rdist)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "struct rdists at 0x%llx: rdist is NULL",
			       (unsigned long long)va);
	if (out->prop % KM_PROP_ALIGN || out->prop >= KM_PA_LIMIT)
		return gk_fail(
			e, -GK_ERR_FORMAT,
			"struct rdists at 0x%llx: prop_table_pa 0x%llx is no property table",
			(unsigned long long)va, (unsigned long long)out->prop);
	return 0;
}

/*
 * The pending table. its_cpu_init_lpis() (6.1, 6.12): when the tables were
 * inherited (RDIST_FLAGS_RD_TABLES_PREALLOCATED) and this RD had LPIs on,
 * the kernel keeps the hardware's PENDBASER, sets
 * RD_LOCAL_PENDTABLE_PREALLOCATED and never records that address; pend_page
 * stays the spare page allocate_lpi_tables() made, until
 * its_cpu_memreserve_lpi() frees it and sets it to NULL (EFI boots only).
 * Before 5.17 the spare was freed there and then: NULL. So pend_page names
 * the pending table only when that bit is clear and it is not NULL.
 */
static void pending_table(const struct km_ctx *c, uint64_t lflags,
			  uint64_t page, struct gk_kmem_cpu *cpu)
{
	bool inherited = !page;

	if (c->l.percpu_flags && (lflags & RD_LOCAL_PENDTABLE_PREALLOCATED))
		inherited = true;
	if (!cpu->lpi_enabled)
		return; /* no table of this kernel's in the RD */
	if (inherited) {
		cpu->pend_prealloc = true;
		snprintf(
			cpu->why, sizeof(cpu->why),
			"pending table inherited: only GICR_PENDBASER names it");
		return;
	}
	page_to_pa(c, page, &cpu->pend, cpu->why, sizeof(cpu->why));
}

static void read_cpu(const struct km_ctx *c, uint64_t va,
		     struct gk_kmem_cpu *cpu)
{
	uint8_t buf[KM_MAX_STRUCT];
	struct gk_err e;
	uint64_t lflags;
	char what[48];

	snprintf(what, sizeof(what), "CPU%u's rdist", cpu->cpu);
	if (kva_read(c, va, what, buf, c->l.pcpu_size, &e) < 0) {
		cpu->skipped = true;
		snprintf(cpu->why, sizeof(cpu->why), "%.*s",
			 (int)sizeof(cpu->why) - 1, e.msg);
		return;
	}
	lflags = get_field(buf, c->l.lflags);
	cpu->lpi_enabled = c->l.percpu_flags ? lflags & RD_LOCAL_LPI_ENABLED :
					       lflags != 0;
	cpu->rd_base = get_field(buf, c->l.phys_base);
	pending_table(c, lflags, get_field(buf, c->l.pend_page), cpu);
}

/* "0-3,8,10-11\n", the kernel's cpulist format */
static int parse_cpulist(const char *s, uint8_t *seen, size_t *n,
			 unsigned int *max)
{
	while (*s && *s != '\n') {
		unsigned long a, b;
		char *end;

		a = b = strtoul(s, &end, 10);
		if (end == s)
			return -1;
		if (*end == '-')
			b = strtoul(s = end + 1, &end, 10);
		if (end == s || a > b || b >= GK_KMEM_MAX_CPUS)
			return -1;
		for (unsigned long i = a; i <= b; i++) {
			*n += !seen[i];
			seen[i] = 1;
		}
		*max = *max > b ? *max : (unsigned int)b;
		s = end + (*end == ',');
	}
	return *n ? 0 : -1;
}

static int possible_cpus(const struct sysroot *sr, struct gk_kmem *out,
			 unsigned int *max, struct gk_err *e)
{
	uint8_t seen[GK_KMEM_MAX_CPUS] = { 0 };
	size_t len, n = 0;
	char *buf;
	int ret;

	ret = sysroot_read_file(sr, possible_path, 65536, &buf, &len, e);
	if (ret < 0)
		return ret;
	*max = 0;
	ret = parse_cpulist(buf, seen, &n, max);
	free(buf);
	if (ret < 0)
		return gk_fail(e, -GK_ERR_FORMAT, "%s: not a CPU list",
			       possible_path);
	out->cpus = calloc(n, sizeof(*out->cpus));
	if (!out->cpus)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	for (unsigned int i = 0; i <= *max; i++)
		if (seen[i])
			out->cpus[out->ncpus++].cpu = i;
	return 0;
}

/* per_cpu_ptr(rdist, cpu) = rdist + __per_cpu_offset[cpu] (asm-generic) */
static int read_cpus(const struct km_ctx *c, const struct sysroot *sr,
		     uint64_t rdist, struct gk_kmem *out, struct gk_err *e)
{
	unsigned int max;
	uint8_t *off;
	int ret;

	ret = possible_cpus(sr, out, &max, e);
	if (ret < 0)
		return ret;
	off = malloc(((size_t)max + 1) * 8);
	if (!off)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	ret = kva_read(c, c->sym[SYM_PCPU_OFF], "__per_cpu_offset", off,
		       ((size_t)max + 1) * 8, e);
	for (size_t i = 0; !ret && i < out->ncpus; i++)
		read_cpu(c, rdist + gk_le64(off + 8 * out->cpus[i].cpu),
			 &out->cpus[i]);
	free(off);
	return ret;
}

/* Lockdown "confidentiality" refuses /proc/kcore (LOCKDOWN_KCORE). */
static int check_lockdown(const struct sysroot *sr, struct gk_err *e)
{
	size_t len;
	char *buf;
	int ret;

	if (sysroot_read_file(sr, lockdown_path, 4096, &buf, &len, NULL) < 0)
		return 0; /* no lockdown LSM: nothing to refuse */
	ret = strstr(buf, "[confidentiality]") ? -GK_ERR_LOCKDOWN : 0;
	free(buf);
	if (ret)
		return gk_fail(e, ret,
			       "lockdown=confidentiality refuses /proc/kcore");
	return 0;
}

static int kmem_read(const struct sysroot *sr, struct km_ctx *c,
		     struct gk_kmem *out, struct gk_err *e)
{
	uint64_t rdist;
	int ret;

	ret = check_lockdown(sr, e);
	if (!ret)
		ret = load_syms(sr, c->sym, e);
	if (!ret)
		ret = load_btf(sr, &c->l, e);
	if (!ret)
		ret = load_vmci(sr, c->pm, &c->v, e);
	if (ret)
		return ret;
	va_layout(c);
	out->percpu_flags = c->l.percpu_flags;
	ret = read_rdists(c, out, &rdist, e);
	if (!ret)
		ret = read_cpus(c, sr, rdist, out, e);
	return ret;
}

int gk_kmem_read(const struct sysroot *sr, struct physmem *pm,
		 struct gk_kmem *out, struct gk_err *e)
{
	struct km_ctx c = { .pm = pm };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = kmem_read(sr, &c, out, e);
	if (ret < 0) {
		gk_kmem_free(out);
		return ret;
	}
	snprintf(out->source, sizeof(out->source),
		 "kernel memory (gic_rdists, BTF)");
	return 0;
}

void gk_kmem_free(struct gk_kmem *k)
{
	if (!k)
		return;
	free(k->cpus);
	memset(k, 0, sizeof(*k));
}
