// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ELF core header for kexec -p (doc/kernel.md#crash-kernel).
 *
 * What kexec-tools 2.0.25 gets wrong on Debian 12 (doc/kernel.md#lab): it
 * takes the kernel text's virtual address from _text in /proc/kallsyms
 * only; 6.1 has no _text there, so it writes vaddr 0xffffffffffffffff and
 * a size of 0xffffa8b4fe610000, and derives PAGE_OFFSET from _text too
 * (0). Here the addresses come from VMCOREINFO (kimage_voffset, VA_BITS,
 * PHYS_OFFSET), read from the note in physical memory the way kexec-tools
 * reads it from /proc/kcore; kallsyms is only a fallback, and when nothing
 * gives the address the header is not built.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crashdump.h"
#include "iomem.h"
#include "le.h"
#include "physmem.h"

#define CPU_DIR "/sys/devices/system/cpu"
#define VMCOREINFO_FILE "/sys/kernel/vmcoreinfo"
#define KALLSYMS_FILE "/proc/kallsyms"
#define IOMEM_FILE "/proc/iomem"

/* sizes a sysfs line or a VMCOREINFO note may have */
#define SYSFS_MAX 4096
#define NOTE_MAX (1u << 20)
#define KALLSYMS_LINE_MAX 4096

typedef unsigned long long ull;

/* ---- small parsers ----------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Hex with an optional 0x, at most 16 digits; *end after the digits. */
static bool parse_hex(const char *s, const char **end, uint64_t *v)
{
	unsigned int n = 0;
	uint64_t x = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (;; s++, n++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			break;
		if (n == 16)
			return false;
		x = x << 4 | d;
	}
	*end = s;
	*v = x;
	return n > 0;
}

static bool parse_dec(const char *s, const char **end, uint64_t *v)
{
	unsigned int n = 0;
	uint64_t x = 0;

	for (; *s >= '0' && *s <= '9'; s++, n++) {
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*end = s;
	*v = x;
	return n > 0;
}

static const char *skip_space(const char *s)
{
	while (is_space(*s))
		s++;
	return s;
}

/* The first line of @text, shortened and made printable, for messages. */
static const char *quote(const char *text, char *buf, size_t size)
{
	size_t n = 0;

	for (; *text && *text != '\n' && n + 1 < size; text++)
		buf[n++] = (*text >= 0x20 && *text < 0x7f) ? *text : '?';
	buf[n] = '\0';
	return buf;
}

/* ---- sysfs files ------------------------------------------------------- */

/*
 * "0-3,5,8-11" (cpulist format): set the bits of @cpus (KX_CRASH_MAX_CPUS
 * of them).
 */
static int parse_cpulist(const char *text, const char *name, uint8_t *cpus,
			 size_t *ncpus, struct gk_err *e)
{
	const char *p = skip_space(text);
	char q[64];

	*ncpus = 0;
	if (!*p)
		return gk_fail(e, -GK_ERR_FORMAT, "%s: empty CPU list", name);
	for (;;) {
		uint64_t lo, hi;

		if (!parse_dec(p, &p, &lo))
			goto bad;
		hi = lo;
		if (*p == '-' && !parse_dec(p + 1, &p, &hi))
			goto bad;
		if (hi < lo)
			goto bad;
		if (hi >= KX_CRASH_MAX_CPUS)
			return gk_fail(
				e, -GK_ERR_TOOBIG,
				"%s: CPU %llu is beyond the %u supported", name,
				(ull)hi, KX_CRASH_MAX_CPUS);
		for (uint64_t c = lo; c <= hi; c++) {
			if (!(cpus[c / 8] & (1u << (c % 8))))
				(*ncpus)++;
			cpus[c / 8] |= (uint8_t)(1u << (c % 8));
		}
		if (*p != ',')
			break;
		p++;
	}
	if (*skip_space(p))
		goto bad;
	return 0;
bad:
	return gk_fail(e, -GK_ERR_FORMAT, "%s: not a CPU list: \"%s\"", name,
		       quote(text, q, sizeof(q)));
}

/*
 * One CPU's crash notes: crash_notes ("%llx" physical address), and
 * crash_notes_size (decimal) when the kernel has it (4.x+).
 *
 * returns: 1 with the note, 0 when the CPU has no crash_notes (not
 * present), or a negative GK_ERR_* code
 */
static int read_crash_notes(const struct sysroot *sr, unsigned int cpu,
			    uint64_t *addr, uint64_t *size, struct gk_err *e)
{
	char path[96], name[4096], q[64], *text;
	const char *end;
	size_t len;
	int ret;

	snprintf(path, sizeof(path), CPU_DIR "/cpu%u/crash_notes", cpu);
	ret = sysroot_read_file(sr, path, SYSFS_MAX, &text, &len, e);
	if (ret == -GK_ERR_NOENT) {
		gk_err_clear(e);
		return 0;
	}
	if (ret < 0)
		return ret;
	sysroot_name(sr, path, name, sizeof(name));
	if (!parse_hex(skip_space(text), &end, addr) || *skip_space(end) ||
	    !*addr) {
		ret = gk_fail(e, -GK_ERR_FORMAT,
			      "%s: not a physical address: \"%s\"", name,
			      quote(text, q, sizeof(q)));
		free(text);
		return ret;
	}
	free(text);

	snprintf(path, sizeof(path), CPU_DIR "/cpu%u/crash_notes_size", cpu);
	ret = sysroot_read_file(sr, path, SYSFS_MAX, &text, &len, e);
	if (ret == -GK_ERR_NOENT) {
		gk_err_clear(e);
		*size = KX_NOTE_BYTES_DEFAULT;
	} else if (ret < 0) {
		return ret;
	} else {
		sysroot_name(sr, path, name, sizeof(name));
		if (!parse_dec(skip_space(text), &end, size) ||
		    *skip_space(end) || !*size || *size > NOTE_MAX) {
			ret = gk_fail(e, -GK_ERR_FORMAT,
				      "%s: not a note size: \"%s\"", name,
				      quote(text, q, sizeof(q)));
			free(text);
			return ret;
		}
		free(text);
	}
	if (*addr + *size - 1 < *addr)
		return gk_fail(e, -GK_ERR_RANGE,
			       "%s: notes at 0x%llx wrap past 2^64", name,
			       (ull)*addr);
	return 1;
}

/* A PT_NOTE per possible CPU with crash notes; NULL when none. */
static int cpu_notes(const struct sysroot *sr, GElf_Phdr **out, size_t *n,
		     struct gk_err *e)
{
	uint8_t cpus[KX_CRASH_MAX_CPUS / 8] = { 0 };
	char name[4096], *text;
	GElf_Phdr *ph;
	size_t len, ncpus;
	int ret;

	*out = NULL;
	*n = 0;
	sysroot_name(sr, CPU_DIR "/possible", name, sizeof(name));
	ret = sysroot_read_file(sr, CPU_DIR "/possible", SYSFS_MAX, &text, &len,
				e);
	if (ret < 0)
		return ret;
	ret = parse_cpulist(text, name, cpus, &ncpus, e);
	free(text);
	if (ret < 0)
		return ret;
	ph = calloc(ncpus, sizeof(*ph));
	if (!ph)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	for (unsigned int c = 0; c < KX_CRASH_MAX_CPUS; c++) {
		uint64_t addr = 0, size = 0;

		if (!(cpus[c / 8] & (1u << (c % 8))))
			continue;
		ret = read_crash_notes(sr, c, &addr, &size, e);
		if (ret < 0) {
			free(ph);
			return ret;
		}
		if (ret == 0)
			continue;
		ph[*n] = (GElf_Phdr){
			.p_type = PT_NOTE,
			.p_offset = addr,
			.p_paddr = addr,
			.p_filesz = size,
			.p_memsz = size,
		};
		(*n)++;
	}
	if (!*n) {
		free(ph);
		sysroot_name(sr, CPU_DIR, name, sizeof(name));
		return gk_fail(e, -GK_ERR_NOTFOUND,
			       "%s: no possible CPU has crash_notes (a kernel "
			       "without CONFIG_CRASH_DUMP?)",
			       name);
	}
	*out = ph;
	return 0;
}

/* ---- VMCOREINFO -------------------------------------------------------- */

struct vmcoreinfo {
	uint64_t addr, size; /* the note, from /sys/kernel/vmcoreinfo */
	bool has_va_bits, has_voffset, has_phys_offset, has_koffset;
	unsigned int va_bits;
	uint64_t voffset, phys_offset, koffset;
};

/* The numbers of one "KEY=VALUE" line that matter to us. */
static int vmcoreinfo_line(const char *line, const char *where,
			   struct vmcoreinfo *v, struct gk_err *e)
{
	static const struct {
		const char *key;
		bool hex;
	} keys[] = {
		{ "NUMBER(VA_BITS)=", false },
		{ "NUMBER(kimage_voffset)=", true },
		{ "NUMBER(PHYS_OFFSET)=", true },
		{ "KERNELOFFSET=", true },
	};
	char q[80];

	for (size_t i = 0; i < GK_ARRAY_SIZE(keys); i++) {
		size_t kl = strlen(keys[i].key);
		const char *end;
		uint64_t x;
		bool ok;

		if (strncmp(line, keys[i].key, kl))
			continue;
		ok = keys[i].hex ? parse_hex(line + kl, &end, &x) :
				   parse_dec(line + kl, &end, &x);
		if (!ok || (*end && *end != '\n'))
			return gk_fail(e, -GK_ERR_FORMAT,
				       "%s: \"%s\" is not a number", where,
				       quote(line, q, sizeof(q)));
		switch (i) {
		case 0:
			if (x < 36 || x > 52)
				return gk_fail(e, -GK_ERR_FORMAT,
					       "%s: VA_BITS %llu is not an "
					       "arm64 value (36..52)",
					       where, (ull)x);
			v->va_bits = (unsigned int)x;
			v->has_va_bits = true;
			break;
		case 1:
			v->voffset = x;
			v->has_voffset = true;
			break;
		case 2:
			v->phys_offset = x;
			v->has_phys_offset = true;
			break;
		default:
			v->koffset = x;
			v->has_koffset = true;
			break;
		}
		return 0;
	}
	return 0;
}

/*
 * The note is an Elf64_Nhdr (namesz, descsz, type: little-endian words),
 * the name "VMCOREINFO\0" padded to 4 bytes, then the text.
 */
static int vmcoreinfo_note(const uint8_t *buf, size_t size, const char *where,
			   struct vmcoreinfo *v, struct gk_err *e)
{
	uint32_t namesz, descsz;
	size_t off;
	char *text;
	int ret = 0;

	if (size < 12)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: %zu bytes, too small for a note", where,
			       size);
	namesz = gk_le32(buf);
	descsz = gk_le32(buf + 4);
	if (namesz != sizeof("VMCOREINFO") ||
	    memcmp(buf + 12, "VMCOREINFO", sizeof("VMCOREINFO")))
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: not a VMCOREINFO note (name size %u)",
			       where, namesz);
	off = 12 + ((namesz + 3u) & ~3u);
	if (!descsz || descsz > size - off)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: note text of %u bytes does not fit in the "
			       "%zu-byte note",
			       where, descsz, size);
	text = strndup((const char *)buf + off, descsz);
	if (!text)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	for (char *line = text; *line && ret == 0;) {
		char *nl = strchrnul(line, '\n');

		ret = vmcoreinfo_line(line, where, v, e);
		line = *nl ? nl + 1 : nl;
	}
	free(text);
	return ret;
}

/*
 * /sys/kernel/vmcoreinfo ("%pa %x": address and size of the note), then
 * the note itself from physical memory: it lives in the kernel's RAM,
 * which /proc/kcore (or a snapshot's dev/mem.d) holds and /dev/mem
 * refuses.
 */
static int read_vmcoreinfo(const struct sysroot *sr, struct vmcoreinfo *v,
			   struct gk_err *e)
{
	char name[4096], where[4200], q[64], *text;
	struct physmem *pm = NULL;
	struct gk_err sub = { 0 };
	const char *p;
	uint8_t *buf;
	size_t len;
	int ret;

	memset(v, 0, sizeof(*v));
	sysroot_name(sr, VMCOREINFO_FILE, name, sizeof(name));
	ret = sysroot_read_file(sr, VMCOREINFO_FILE, SYSFS_MAX, &text, &len, e);
	if (ret == -GK_ERR_NOENT)
		return gk_fail(
			e, ret,
			"%s: missing (a kernel without CONFIG_VMCORE_INFO?): "
			"the crash kernel's tools need VMCOREINFO",
			name);
	if (ret < 0)
		return ret;
	p = skip_space(text);
	if (!parse_hex(p, &p, &v->addr) || !is_space(*p) ||
	    !parse_hex(skip_space(p), &p, &v->size) || *skip_space(p) ||
	    !v->addr || v->size < 24 || v->size > NOTE_MAX ||
	    v->addr + v->size - 1 < v->addr) {
		ret = gk_fail(e, -GK_ERR_FORMAT,
			      "%s: not \"ADDRESS SIZE\" of a note: \"%s\"",
			      name, quote(text, q, sizeof(q)));
		free(text);
		return ret;
	}
	free(text);

	snprintf(where, sizeof(where), "VMCOREINFO note at 0x%llx (from %s)",
		 (ull)v->addr, name);
	ret = physmem_open(sr, PHYSMEM_NO_DEVMEM, &pm, &sub);
	if (ret < 0)
		return gk_fail(e, ret, "%s: %s", where, sub.msg);
	buf = malloc(v->size);
	if (!buf) {
		physmem_close(pm);
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	}
	ret = physmem_read(pm, v->addr, buf, v->size, &sub);
	physmem_close(pm);
	if (ret < 0) {
		free(buf);
		return gk_fail(e, ret, "%s: unreadable: %s", where, sub.msg);
	}
	ret = vmcoreinfo_note(buf, v->size, where, v, e);
	free(buf);
	return ret;
}

/* ---- /proc/kallsyms (fallback) ---------------------------------------- */

struct ksyms {
	uint64_t text, stext, init_begin; /* 0: absent */
	bool hidden;			  /* every address printed as 0 */
	char why[GK_ERR_MSG_MAX];	  /* when it could not be read */
};

/* _text, _stext and __init_begin of the kernel proper (no [module]). */
static void read_kallsyms(const struct sysroot *sr, struct ksyms *k)
{
	char *line = NULL;
	size_t cap = 0;
	struct gk_err sub = { 0 };
	bool any = false, nonzero = false;
	FILE *f;
	int fd;

	memset(k, 0, sizeof(*k));
	fd = sysroot_open(sr, KALLSYMS_FILE, O_RDONLY, &sub);
	if (fd < 0) {
		snprintf(k->why, sizeof(k->why), "%s", sub.msg);
		return;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		snprintf(k->why, sizeof(k->why), "%s: %s", KALLSYMS_FILE,
			 strerror(errno));
		return;
	}
	while (getline(&line, &cap, f) > 0 &&
	       !(k->text && k->stext && k->init_begin)) {
		const char *p = line, *sym;
		uint64_t a;
		size_t n;

		if (!parse_hex(p, &p, &a) || *p != ' ' || !p[1] || p[2] != ' ')
			continue;
		sym = p + 3;
		n = strcspn(sym, " \t\n");
		if (sym[n] == ' ' || sym[n] == '\t')
			continue; /* "[module]" follows */
		any = true;
		nonzero |= a != 0;
		if (!a)
			continue;
		if (n == 5 && !memcmp(sym, "_text", 5))
			k->text = a;
		else if (n == 6 && !memcmp(sym, "_stext", 6))
			k->stext = a;
		else if (n == 12 && !memcmp(sym, "__init_begin", 12))
			k->init_begin = a;
	}
	free(line);
	fclose(f);
	k->hidden = any && !nonzero;
}

/* ---- the layout -------------------------------------------------------- */

static int one_resource(const struct iomem *io, const char *res,
			const char *name, struct gk_range *r, struct gk_err *e)
{
	struct gk_range *rs;
	size_t n;

	if (iomem_find(io, res, &rs, &n) < 0)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	if (!n)
		return gk_fail(e, -GK_ERR_NOTFOUND, "%s: no \"%s\" resource",
			       name, res);
	if (n > 1) {
		free(rs);
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: %zu \"%s\" resources, expected one", name,
			       n, res);
	}
	*r = rs[0];
	free(rs);
	return 0;
}

/* old kernels: VA_BITS from where _stext lies (kexec-tools' rule) */
static unsigned int va_bits_from_stext(uint64_t stext)
{
	static const unsigned int bits[] = { 36, 39, 42, 47, 48 };

	for (size_t i = 0; i < GK_ARRAY_SIZE(bits); i++) {
		uint64_t m = ~0ull << bits[i];

		if ((stext & m) == m)
			return bits[i];
	}
	return 0;
}

static int layout(const struct sysroot *sr, const struct iomem *io,
		  const struct gk_range *ram, size_t nram,
		  const struct vmcoreinfo *v, struct kx_crash_layout *L,
		  struct gk_err *e)
{
	char name[4096], ksname[4096];
	struct gk_range code, data;
	struct ksyms k = { 0 };
	bool ks_read = false;
	uint64_t code_len;
	int ret;

	memset(L, 0, sizeof(*L));
	sysroot_name(sr, IOMEM_FILE, name, sizeof(name));
	sysroot_name(sr, KALLSYMS_FILE, ksname, sizeof(ksname));
	if (iomem_zeroed(io))
		return gk_fail(e, -GK_ERR_ACCESS,
			       "%s: every address reads as 0 (run as root)",
			       name);
	ret = one_resource(io, "Kernel code", name, &code, e);
	if (ret == 0)
		ret = one_resource(io, "Kernel data", name, &data, e);
	if (ret < 0)
		return ret;
	if (data.end < code.end)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: \"Kernel data\" 0x%llx-0x%llx ends before "
			       "\"Kernel code\" 0x%llx-0x%llx",
			       name, (ull)data.start, (ull)data.end,
			       (ull)code.start, (ull)code.end);
	code_len = code.end - code.start + 1;
	L->text_start = code.start;
	L->text_size = data.end - code.start + 1;
	L->kernel_offset = v->koffset;
	L->has_kernel_offset = v->has_koffset;

	/* the text's virtual address, in the order documented in the header */
	if (v->has_voffset) {
		L->text_vaddr = code.start + v->voffset;
		L->text_vaddr_from = "VMCOREINFO kimage_voffset";
	} else {
		read_kallsyms(sr, &k);
		ks_read = true;
		if (k.init_begin && k.stext &&
		    k.init_begin - k.stext == code_len) {
			L->text_vaddr = k.stext;
			L->text_vaddr_from = "kallsyms _stext";
		} else if (k.text && (!k.init_begin ||
				      k.init_begin - k.text == code_len)) {
			L->text_vaddr = k.text;
			L->text_vaddr_from = "kallsyms _text";
		} else {
			const char *why =
				k.hidden ?
					"shows every address as 0 "
					"(kptr_restrict; run as root)" :
				k.stext && k.init_begin ?
					"has _stext and __init_begin that do "
					"not span \"Kernel code\"" :
					"has neither _text nor _stext with "
					"__init_begin";

			return gk_fail(e, -GK_ERR_NOTFOUND,
				       "no virtual address for the kernel text "
				       "at 0x%llx: VMCOREINFO has no "
				       "NUMBER(kimage_voffset) and %s%s%s",
				       (ull)code.start, k.why[0] ? "" : ksname,
				       k.why[0] ? "" : " ",
				       k.why[0] ? k.why : why);
		}
	}
	if (!(L->text_vaddr >> 63) ||
	    L->text_vaddr + (L->text_size - 1) < L->text_vaddr)
		return gk_fail(e, -GK_ERR_RANGE,
			       "kernel text at 0x%llx: 0x%llx (from %s) is not "
			       "a kernel virtual address",
			       (ull)code.start, (ull)L->text_vaddr,
			       L->text_vaddr_from);

	if (v->has_va_bits) {
		L->va_bits = v->va_bits;
	} else {
		if (!ks_read)
			read_kallsyms(sr, &k);
		L->va_bits = k.stext ? va_bits_from_stext(k.stext) : 0;
		if (!L->va_bits)
			return gk_fail(
				e, -GK_ERR_NOTFOUND,
				"VMCOREINFO at 0x%llx has no NUMBER(VA_BITS) "
				"and %s gives no usable _stext",
				(ull)v->addr, ksname);
	}
	/*
	 * Since 5.4 the linear map is the lower half of the kernel's space
	 * and the image sits in the upper half; before, the other way round.
	 * __phys_to_virt(x) is (x - PHYS_OFFSET) | PAGE_OFFSET; a 52-bit
	 * kernel on 48-bit hardware folds the difference into PHYS_OFFSET.
	 */
	if (L->text_vaddr >= ~0ull << (L->va_bits - 1))
		L->page_offset = ~0ull << L->va_bits;
	else
		L->page_offset = ~0ull << (L->va_bits - 1);

	if (v->has_phys_offset) {
		L->phys_offset = v->phys_offset;
	} else {
		uint64_t lo = UINT64_MAX;

		for (size_t i = 0; i < nram; i++)
			if (ram[i].start < lo)
				lo = ram[i].start;
		if (!nram)
			return gk_fail(e, -GK_ERR_NOTFOUND, "%s: no System RAM",
				       name);
		L->phys_offset = lo;
	}
	return 0;
}

/* RAM and crash ranges from @ci, or /proc/iomem's; owned copies */
static int get_ranges(const struct iomem *io, const struct kx_crash_info *ci,
		      struct gk_range **ram, size_t *nram,
		      struct gk_range **crash, size_t *ncrash, struct gk_err *e)
{
	*ram = *crash = NULL;
	*nram = *ncrash = 0;
	if (!ci) {
		if (iomem_find(io, "System RAM", ram, nram) < 0 ||
		    iomem_find(io, "Crash kernel", crash, ncrash) < 0) {
			free(*ram);
			*ram = NULL;
			return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		}
		return 0;
	}
	if (ci->nram) {
		*ram = malloc(ci->nram * sizeof(**ram));
		if (!*ram)
			return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		memcpy(*ram, ci->ram, ci->nram * sizeof(**ram));
		*nram = ci->nram;
	}
	if (ci->ncrash) {
		*crash = malloc(ci->ncrash * sizeof(**crash));
		if (!*crash) {
			free(*ram);
			*ram = NULL;
			return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		}
		memcpy(*crash, ci->crash, ci->ncrash * sizeof(**crash));
		*ncrash = ci->ncrash;
	}
	return 0;
}

int kx_crash_layout(const struct sysroot *sr, const struct kx_crash_info *ci,
		    struct kx_crash_layout *out, struct gk_err *e)
{
	struct gk_range *ram, *crash;
	size_t nram, ncrash;
	struct vmcoreinfo v;
	struct iomem *io;
	int ret;

	ret = iomem_load(sr, &io, e);
	if (ret < 0)
		return ret;
	ret = get_ranges(io, ci, &ram, &nram, &crash, &ncrash, e);
	if (ret == 0)
		ret = read_vmcoreinfo(sr, &v, e);
	if (ret == 0)
		ret = layout(sr, io, ram, nram, &v, out, e);
	free(ram);
	free(crash);
	iomem_free(io);
	return ret;
}

/* ---- RAM minus the crash kernel ---------------------------------------- */

static int add_load(GElf_Phdr *ph, size_t *n, size_t max, uint64_t start,
		    uint64_t end, const struct kx_crash_layout *L,
		    const char *name, struct gk_err *e)
{
	if (*n == max)
		return gk_fail(e, -GK_ERR_TOOBIG,
			       "%s: System RAM split around the crash kernel "
			       "makes more than %u ranges",
			       name, KX_CRASH_MAX_RAM);
	ph[(*n)++] = (GElf_Phdr){
		.p_type = PT_LOAD,
		.p_flags = PF_R | PF_W | PF_X,
		.p_offset = start,
		.p_vaddr = L->page_offset + (start - L->phys_offset),
		.p_paddr = start,
		.p_filesz = end - start + 1,
		.p_memsz = end - start + 1,
	};
	return 0;
}

static int ram_loads(struct gk_range *ram, size_t nram, struct gk_range *crash,
		     size_t ncrash, const char *name,
		     const struct kx_crash_layout *L, GElf_Phdr *ph, size_t *n,
		     struct gk_err *e)
{
	size_t j = 0;
	int ret;

	if (!nram)
		return gk_fail(e, -GK_ERR_NOTFOUND, "%s: no System RAM", name);
	if (nram > KX_CRASH_MAX_RAM)
		return gk_fail(
			e, -GK_ERR_TOOBIG,
			"%s: %zu System RAM ranges, more than the %u supported",
			name, nram, KX_CRASH_MAX_RAM);
	gk_ranges_sort(ram, nram);
	for (size_t i = 1; i < nram; i++)
		if (ram[i].start <= ram[i - 1].end)
			return gk_fail(e, -GK_ERR_FORMAT,
				       "%s: System RAM 0x%llx-0x%llx overlaps "
				       "0x%llx-0x%llx",
				       name, (ull)ram[i].start, (ull)ram[i].end,
				       (ull)ram[i - 1].start,
				       (ull)ram[i - 1].end);
	ncrash = gk_ranges_merge(crash, ncrash);

	for (size_t i = 0; i < nram; i++) {
		uint64_t cur = ram[i].start;
		bool done = false;

		while (j < ncrash && crash[j].end < ram[i].start)
			j++;
		/* crash ranges inside or across this RAM range */
		for (size_t k = j; k < ncrash && crash[k].start <= ram[i].end;
		     k++) {
			if (crash[k].start > cur) {
				ret = add_load(ph, n, KX_CRASH_MAX_RAM, cur,
					       crash[k].start - 1, L, name, e);
				if (ret < 0)
					return ret;
			}
			if (crash[k].end >= ram[i].end) {
				done = true;
				break;
			}
			if (crash[k].end + 1 > cur)
				cur = crash[k].end + 1;
		}
		if (!done) {
			ret = add_load(ph, n, KX_CRASH_MAX_RAM, cur, ram[i].end,
				       L, name, e);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/* ---- the ELF file ------------------------------------------------------ */

static int elf_fail(struct gk_err *e, const char *what)
{
	return gk_fail(e, -GK_ERR_IO, "libelf: %s: %s", what, elf_errmsg(-1));
}

/* Write the headers with libelf into an anonymous file and read them back. */
static int write_elf(const GElf_Phdr *ph, size_t n, uint8_t **out, size_t *len,
		     struct gk_err *e)
{
	GElf_Ehdr eh;
	uint8_t *buf;
	size_t size, padded, got = 0;
	Elf *elf;
	off_t end;
	int fd, ret = 0;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return elf_fail(e, "elf_version");
	fd = memfd_create("elfcorehdr", MFD_CLOEXEC);
	if (fd < 0) {
		FILE *t = tmpfile(); /* kernels before 3.17 */

		fd = t ? dup(fileno(t)) : -1;
		if (t)
			fclose(t);
		if (fd < 0)
			return gk_fail(
				e, gk_errno(errno),
				"a scratch file for the ELF core header: %s",
				strerror(errno));
	}
	elf = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!elf) {
		close(fd);
		return elf_fail(e, "elf_begin");
	}
	if (!gelf_newehdr(elf, ELFCLASS64) || !gelf_getehdr(elf, &eh)) {
		ret = elf_fail(e, "gelf_newehdr");
		goto out;
	}
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_AARCH64;
	eh.e_version = EV_CURRENT;
	if (!gelf_update_ehdr(elf, &eh)) {
		ret = elf_fail(e, "gelf_update_ehdr");
		goto out;
	}
	if (!gelf_newphdr(elf, n)) {
		ret = elf_fail(e, "gelf_newphdr");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!gelf_update_phdr(elf, (int)i, (GElf_Phdr *)&ph[i])) {
			ret = elf_fail(e, "gelf_update_phdr");
			goto out;
		}
	end = elf_update(elf, ELF_C_WRITE);
	if (end < 0) {
		ret = elf_fail(e, "elf_update");
		goto out;
	}
	size = (size_t)end;
	padded = (size + KX_ELFCOREHDR_ALIGN - 1) &
		 ~(size_t)(KX_ELFCOREHDR_ALIGN - 1);
	buf = calloc(1, padded);
	if (!buf) {
		ret = gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		goto out;
	}
	while (got < size) {
		ssize_t r = pread(fd, buf + got, size - got, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = gk_fail(e, r ? gk_errno(errno) : -GK_ERR_IO,
				      "reading back the ELF core header: %s",
				      r ? strerror(errno) : "short file");
			free(buf);
			goto out;
		}
		got += (size_t)r;
	}
	*out = buf;
	*len = padded;
out:
	elf_end(elf);
	close(fd);
	return ret;
}

int kx_elfcorehdr(const struct sysroot *sr, const struct kx_crash_info *ci,
		  uint8_t **out, size_t *len, struct gk_err *e)
{
	struct gk_range *ram = NULL, *crash = NULL;
	GElf_Phdr *notes = NULL, *ph = NULL;
	struct kx_crash_layout L;
	struct vmcoreinfo v;
	struct iomem *io = NULL;
	size_t nram, ncrash, nnotes, n;
	char name[4096];
	int ret;

	*out = NULL;
	*len = 0;
	ret = iomem_load(sr, &io, e);
	if (ret < 0)
		return ret;
	sysroot_name(sr, IOMEM_FILE, name, sizeof(name));
	ret = get_ranges(io, ci, &ram, &nram, &crash, &ncrash, e);
	if (ret < 0)
		goto out;
	ret = cpu_notes(sr, &notes, &nnotes, e);
	if (ret < 0)
		goto out;
	ret = read_vmcoreinfo(sr, &v, e);
	if (ret < 0)
		goto out;
	ret = layout(sr, io, ram, nram, &v, &L, e);
	if (ret < 0)
		goto out;

	/* notes, VMCOREINFO, kernel text, RAM: kexec-tools' order */
	ph = calloc(nnotes + 2 + KX_CRASH_MAX_RAM, sizeof(*ph));
	if (!ph) {
		ret = gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(ph, notes, nnotes * sizeof(*ph));
	n = nnotes;
	ph[n++] = (GElf_Phdr){
		.p_type = PT_NOTE,
		.p_offset = v.addr,
		.p_paddr = v.addr,
		.p_filesz = v.size,
		.p_memsz = v.size,
	};
	ph[n++] = (GElf_Phdr){
		.p_type = PT_LOAD,
		.p_flags = PF_R | PF_W | PF_X,
		.p_offset = L.text_start,
		.p_vaddr = L.text_vaddr,
		.p_paddr = L.text_start,
		.p_filesz = L.text_size,
		.p_memsz = L.text_size,
	};
	{
		size_t nload = 0;

		ret = ram_loads(ram, nram, crash, ncrash, name, &L, ph + n,
				&nload, e);
		if (ret < 0)
			goto out;
		n += nload;
	}
	ret = write_elf(ph, n, out, len, e);
out:
	free(ph);
	free(notes);
	free(ram);
	free(crash);
	iomem_free(io);
	return ret;
}
