// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for kexec/crashdump: the ELF core header of kexec -p, built
 * from hand-made snapshots and read back with libelf.
 *
 * The machine is the lab's Debian 12 guest (doc/kernel.md#lab):
 * Kernel code 0x40210000-0x4185ffff, Kernel data 0x41eb0000-0x4220ffff,
 * crashkernel at 0x6ac00000 (256 MiB), VA_BITS 48, and a KASLR'd image
 * whose _text kexec-tools (with the kallsyms workaround) put at
 * 0xffffd507a6a00000 for physical 0x40200000, so kimage_voffset is
 * 0xffffd50766800000. Its /proc/kallsyms has _stext but no _text.
 */
#include <gelf.h>
#include <libelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "crashdump.h"
#include "physmem.h"
#include "sysroot.h"
#include "testutil.h"

#define VOFFSET 0xffffd50766800000ull
#define CODE_START 0x40210000ull
#define DATA_END 0x4220ffffull
#define STEXT (CODE_START + VOFFSET)	     /* 0xffffd507a6a10000 */
#define TEXT (STEXT - 0x10000)		     /* _text = _stext - 64K */
#define INIT_BEGIN (0x41860000ull + VOFFSET) /* end of Kernel code + 1 */
#define VMCI_ADDR 0x7fd0e000ull
#define VMCI_SIZE 0x1024ull /* VMCOREINFO_NOTE_SIZE with 4K pages */

static const char lab_iomem[] = "09000000-09000fff : pl011@9000000\n"
				"40000000-7fffffff : System RAM\n"
				"  40210000-4185ffff : Kernel code\n"
				"  41860000-41eaffff : reserved\n"
				"  41eb0000-4220ffff : Kernel data\n"
				"  48000000-49055fff : reserved\n"
				"  6ac00000-7abfffff : Crash kernel\n"
				"  7ac00000-7fbfffff : reserved\n"
				"100000000-13fffffff : System RAM\n";

static const char lab_vmcoreinfo[] =
	"OSRELEASE=6.1.0-27-arm64\n"
	"BUILD-ID=0123456789abcdef0123456789abcdef01234567\n"
	"PAGESIZE=4096\n"
	"SYMBOL(init_uts_ns)=ffffd507a8c8e3a8\n"
	"SYMBOL(_stext)=ffffd507a6a10000\n"
	"NUMBER(VA_BITS)=48\n"
	"NUMBER(kimage_voffset)=0xffffd50766800000\n"
	"NUMBER(PHYS_OFFSET)=0x40000000\n"
	"NUMBER(TCR_EL1_T1SZ)=0x10\n"
	"KERNELOFFSET=54ff9ea00000\n"
	"KERNELPACMASK=0x0\n"
	"CRASHTIME=1732470000\n";

/* 6.1's kallsyms: _stext and __init_begin, no _text (and a module) */
static const char kallsyms_no_text[] =
	"ffffd507a6a10000 T _stext\n"
	"ffffd507a6a10000 t __do_softirq\n"
	"ffffd507a8060000 T __init_begin\n"
	"ffffd507a8070000 T _sinittext\n"
	"ffffd5071e2c0000 t virtio_dev_probe\t[virtio]\n";

static const char kallsyms_with_text[] = "ffffd507a6a00000 T _text\n"
					 "ffffd507a6a10000 T _stext\n"
					 "ffffd507a8060000 T __init_begin\n";

static const char kallsyms_hidden[] = "0000000000000000 T _text\n"
				      "0000000000000000 T _stext\n"
				      "0000000000000000 T __init_begin\n";

/* ---- snapshot helpers -------------------------------------------------- */

/* The note the kernel keeps: Elf64_Nhdr, "VMCOREINFO\0" padded, text. */
static void put_note(const char *dir, uint64_t addr, uint64_t size,
		     const char *name, const char *text)
{
	uint8_t *buf = calloc(1, size);
	size_t nl = strlen(name) + 1, tl = strlen(text);
	char rel[128];

	assert_non_null(buf);
	tu_put32(buf, (uint32_t)nl);
	tu_put32(buf + 4, (uint32_t)tl);
	tu_put32(buf + 8, 0);
	memcpy(buf + 12, name, nl);
	memcpy(buf + 12 + ((nl + 3) & ~3u), text, tl);
	snprintf(rel, sizeof(rel), "dev/mem.d/%016llx-%016llx",
		 (unsigned long long)addr,
		 (unsigned long long)(addr + size - 1));
	assert_int_equal(tu_pwrite(dir, rel, buf, size, 0), 0);
	free(buf);
}

static void put_cpu(const char *dir, unsigned int cpu, const char *notes,
		    const char *size)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%u/online", cpu);
	assert_int_equal(tu_write(dir, rel, "1\n"), 0);
	if (notes) {
		snprintf(rel, sizeof(rel),
			 "sys/devices/system/cpu/cpu%u/crash_notes", cpu);
		assert_int_equal(tu_write(dir, rel, notes), 0);
	}
	if (size) {
		snprintf(rel, sizeof(rel),
			 "sys/devices/system/cpu/cpu%u/crash_notes_size", cpu);
		assert_int_equal(tu_write(dir, rel, size), 0);
	}
}

/*
 * The lab machine: CPUs 0-3 possible, 0-2 present (3 has no crash_notes),
 * cpu1 from a kernel without crash_notes_size.
 */
static char *lab_snapshot(const char *vmcoreinfo, const char *kallsyms)
{
	char *dir = tu_mkdtemp();

	assert_non_null(dir);
	assert_int_equal(tu_write(dir, "proc/iomem", lab_iomem), 0);
	assert_int_equal(
		tu_write(dir, "sys/devices/system/cpu/possible", "0-3\n"), 0);
	put_cpu(dir, 0, "13fd8e408\n", "424\n");
	put_cpu(dir, 1, "13fda6408\n", NULL);
	put_cpu(dir, 2, "13fdbe408\n", "424\n");
	put_cpu(dir, 3, NULL, NULL);
	assert_int_equal(tu_write(dir, "sys/kernel/vmcoreinfo",
				  "0x000000007fd0e000 1024\n"),
			 0);
	if (vmcoreinfo)
		put_note(dir, VMCI_ADDR, VMCI_SIZE, "VMCOREINFO", vmcoreinfo);
	if (kallsyms)
		assert_int_equal(tu_write(dir, "proc/kallsyms", kallsyms), 0);
	return dir;
}

static struct sysroot *open_root(const char *dir)
{
	struct sysroot *sr = NULL;
	struct gk_err e = { 0 };

	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	return sr;
}

/* ---- reading the header back ------------------------------------------- */

struct hdr {
	uint8_t *buf;
	size_t len;
	Elf *elf;
	size_t phnum;
	GElf_Ehdr eh;
};

static void hdr_open(struct hdr *h)
{
	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	h->elf = elf_memory((char *)h->buf, h->len);
	assert_non_null(h->elf);
	assert_int_equal(elf_kind(h->elf), ELF_K_ELF);
	assert_non_null(gelf_getehdr(h->elf, &h->eh));
	assert_int_equal(elf_getphdrnum(h->elf, &h->phnum), 0);
}

static void hdr_close(struct hdr *h)
{
	elf_end(h->elf);
	free(h->buf);
}

static GElf_Phdr phdr(struct hdr *h, size_t i)
{
	GElf_Phdr ph;

	assert_true(i < h->phnum);
	assert_non_null(gelf_getphdr(h->elf, (int)i, &ph));
	return ph;
}

static void check_note(struct hdr *h, size_t i, uint64_t addr, uint64_t size)
{
	GElf_Phdr ph = phdr(h, i);

	assert_int_equal(ph.p_type, PT_NOTE);
	assert_int_equal(ph.p_offset, addr);
	assert_int_equal(ph.p_paddr, addr);
	assert_int_equal(ph.p_vaddr, 0);
	assert_int_equal(ph.p_filesz, size);
	assert_int_equal(ph.p_memsz, size);
}

static void check_load(struct hdr *h, size_t i, uint64_t paddr, uint64_t vaddr,
		       uint64_t size)
{
	GElf_Phdr ph = phdr(h, i);

	assert_int_equal(ph.p_type, PT_LOAD);
	assert_int_equal(ph.p_flags, PF_R | PF_W | PF_X);
	assert_int_equal(ph.p_offset, paddr);
	assert_int_equal(ph.p_paddr, paddr);
	assert_int_equal(ph.p_vaddr, vaddr);
	assert_int_equal(ph.p_filesz, size);
	assert_int_equal(ph.p_memsz, size);
}

static void build_ok(const char *dir, const struct kx_crash_info *ci,
		     struct hdr *h)
{
	struct sysroot *sr = open_root(dir);
	struct gk_err e = { 0 };
	int ret;

	memset(h, 0, sizeof(*h));
	ret = kx_elfcorehdr(sr, ci, &h->buf, &h->len, &e);
	if (ret)
		fail_msg("kx_elfcorehdr: %d %s", ret, e.msg);
	sysroot_free(sr);
	hdr_open(h);
}

static int build_fail(const char *dir, const struct kx_crash_info *ci,
		      struct gk_err *e)
{
	struct sysroot *sr = open_root(dir);
	uint8_t *buf = (uint8_t *)"x";
	size_t len = 7;
	int ret;

	memset(e, 0, sizeof(*e));
	ret = kx_elfcorehdr(sr, ci, &buf, &len, e);
	sysroot_free(sr);
	assert_true(ret < 0);
	assert_int_equal(e->code, ret);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_null(strchr(e->msg, '\n'));
	return ret;
}

/* The three CPU notes, VMCOREINFO and the lab's kernel text. */
static void check_lab_front(struct hdr *h)
{
	check_note(h, 0, 0x13fd8e408, 424);
	check_note(h, 1, 0x13fda6408, KX_NOTE_BYTES_DEFAULT);
	check_note(h, 2, 0x13fdbe408, 424);
	check_note(h, 3, VMCI_ADDR, VMCI_SIZE);
	check_load(h, 4, CODE_START, STEXT, DATA_END + 1 - CODE_START);
}

/* ---- tests ------------------------------------------------------------- */

static void test_lab_machine(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, kallsyms_no_text);
	struct hdr h;
	GElf_Phdr text;

	(void)state;
	build_ok(dir, NULL, &h);
	assert_int_equal(h.len % KX_ELFCOREHDR_ALIGN, 0);
	assert_int_equal(h.eh.e_ident[EI_CLASS], ELFCLASS64);
	assert_int_equal(h.eh.e_ident[EI_DATA], ELFDATA2LSB);
	assert_int_equal(h.eh.e_type, ET_CORE);
	assert_int_equal(h.eh.e_machine, EM_AARCH64);
	assert_int_equal(h.eh.e_version, EV_CURRENT);
	assert_int_equal(h.eh.e_phoff, sizeof(Elf64_Ehdr));
	assert_int_equal(h.eh.e_phentsize, sizeof(Elf64_Phdr));
	assert_int_equal(h.eh.e_shnum, 0);
	assert_int_equal(h.phnum, 8);
	assert_true(h.len >= sizeof(Elf64_Ehdr) + 8 * sizeof(Elf64_Phdr));
	check_lab_front(&h);

	/*
	 * The lab's working header (kexec-tools + a faked _text) had
	 * p_paddr 0x40200000, p_vaddr 0xffffd507a6a00000, p_filesz
	 * 0x2010000: ours starts at "Kernel code" (_stext; the 64 KiB
	 * before it is unmapped since 5.11) with the same virtual offset
	 * and the same end.
	 */
	text = phdr(&h, 4);
	assert_int_equal(text.p_vaddr - text.p_paddr,
			 0xffffd507a6a00000ull - 0x40200000ull);
	assert_int_equal(text.p_paddr + text.p_filesz,
			 0x40200000ull + 0x2010000ull);

	/* RAM minus the crash kernel; page_offset ffff000000000000 */
	check_load(&h, 5, 0x40000000, 0xffff000000000000ull, 0x2ac00000);
	check_load(&h, 6, 0x7ac00000, 0xffff00003ac00000ull, 0x05400000);
	check_load(&h, 7, 0x100000000ull, 0xffff0000c0000000ull, 0x40000000);
	hdr_close(&h);
	tu_rmtree(dir);
}

static void test_layout(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, NULL);
	struct sysroot *sr = open_root(dir);
	struct kx_crash_layout L;
	struct gk_err e = { 0 };

	(void)state;
	assert_int_equal(kx_crash_layout(sr, NULL, &L, &e), 0);
	assert_int_equal(L.va_bits, 48);
	assert_int_equal(L.page_offset, 0xffff000000000000ull);
	assert_int_equal(L.phys_offset, 0x40000000);
	assert_int_equal(L.text_start, CODE_START);
	assert_int_equal(L.text_size, 0x2000000);
	assert_int_equal(L.text_vaddr, STEXT);
	assert_string_equal(L.text_vaddr_from, "VMCOREINFO kimage_voffset");
	assert_true(L.has_kernel_offset);
	assert_int_equal(L.kernel_offset, 0x54ff9ea00000ull);
	sysroot_free(sr);
	tu_rmtree(dir);
}

/* kallsyms with _text (Debian 13) gives the same header: not read at all */
static void test_kallsyms_with_text(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, kallsyms_with_text);
	struct hdr h;

	(void)state;
	build_ok(dir, NULL, &h);
	assert_int_equal(h.phnum, 8);
	check_lab_front(&h);
	hdr_close(&h);
	tu_rmtree(dir);
}

/* VMCOREINFO without kimage_voffset: the kallsyms fallbacks */
static const char vmci_no_voffset[] = "OSRELEASE=6.1.0-27-arm64\n"
				      "NUMBER(VA_BITS)=48\n"
				      "NUMBER(PHYS_OFFSET)=0x40000000\n"
				      "KERNELOFFSET=54ff9ea00000\n";

static void fallback_case(const char *kallsyms, uint64_t want_vaddr,
			  const char *want_from)
{
	char *dir = lab_snapshot(vmci_no_voffset, kallsyms);
	struct sysroot *sr = open_root(dir);
	struct kx_crash_layout L;
	struct gk_err e = { 0 };
	struct hdr h;

	assert_int_equal(kx_crash_layout(sr, NULL, &L, &e), 0);
	assert_string_equal(L.text_vaddr_from, want_from);
	sysroot_free(sr);
	build_ok(dir, NULL, &h);
	assert_int_equal(h.phnum, 8);
	check_load(&h, 4, CODE_START, want_vaddr, DATA_END + 1 - CODE_START);
	check_load(&h, 5, 0x40000000, 0xffff000000000000ull, 0x2ac00000);
	hdr_close(&h);
	tu_rmtree(dir);
}

static void test_fallback_stext(void **state)
{
	(void)state;
	/* Debian 12: no _text; Kernel code = [_stext, __init_begin) */
	fallback_case(kallsyms_no_text, STEXT, "kallsyms _stext");
	/* with _text too: still _stext, the symbol Kernel code starts at */
	fallback_case(kallsyms_with_text, STEXT, "kallsyms _stext");
}

static void test_fallback_text(void **state)
{
	/* before 5.11 Kernel code was [_text, __init_begin) */
	static const char old[] = "ffffd507a6a10000 T _text\n"
				  "ffffd507a6a20000 T _stext\n"
				  "ffffd507a8060000 T __init_begin\n";
	/* no __init_begin: _text */
	static const char bare[] = "ffffd507a6a10000 T _text\n";

	(void)state;
	fallback_case(old, STEXT, "kallsyms _text");
	fallback_case(bare, STEXT, "kallsyms _text");
}

static void fallback_fails(const char *kallsyms, const char *want)
{
	char *dir = lab_snapshot(vmci_no_voffset, kallsyms);
	struct gk_err e;

	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_NOTFOUND);
	assert_non_null(
		strstr(e.msg, "no virtual address for the kernel text"));
	assert_non_null(strstr(e.msg, "kimage_voffset"));
	if (!strstr(e.msg, want))
		fail_msg("\"%s\" not in \"%s\"", want, e.msg);
	tu_rmtree(dir);
}

/* The kexec-tools bug: never a bogus kernel PT_LOAD, a one-line error. */
static void test_fallback_none(void **state)
{
	(void)state;
	fallback_fails(kallsyms_hidden, "kptr_restrict");
	fallback_fails("ffffd507a6a10000 T _stext\n", "neither _text");
	/* _stext/__init_begin that do not span Kernel code */
	fallback_fails("ffffd507a6a10000 T _stext\n"
		       "ffffd507a9060000 T __init_begin\n",
		       "do not span");
	fallback_fails(NULL, "proc/kallsyms");
}

/* A 4.9-like kernel: no VMCOREINFO numbers, the old (unflipped) layout. */
static void test_old_layout(void **state)
{
	static const char ks[] = "ffff000008080000 T _text\n"
				 "ffff000008081000 T _stext\n"
				 "ffff000009688000 T __init_begin\n";
	char *dir = lab_snapshot("OSRELEASE=4.9.0-19-arm64\n", ks);
	struct gk_range ram[] = { { 0x40000000, 0x7fffffff } };
	struct gk_range crash[] = { { 0x60000000, 0x6fffffff } };
	struct kx_crash_info ci = { crash, 1, ram, 1 };
	static const char iomem[] = "40000000-7fffffff : System RAM\n"
				    "  40080000-41687fff : Kernel code\n"
				    "  41800000-41ffffff : Kernel data\n"
				    "  60000000-6fffffff : Crash kernel\n";
	struct hdr h;

	(void)state;
	assert_int_equal(tu_write(dir, "proc/iomem", iomem), 0);
	build_ok(dir, &ci, &h);
	assert_int_equal(h.phnum, 7);
	check_load(&h, 4, 0x40080000, 0xffff000008080000ull, 0x1f80000);
	/* VA_BITS 48 from _stext, PAGE_OFFSET ffff800000000000 */
	check_load(&h, 5, 0x40000000, 0xffff800000000000ull, 0x20000000);
	check_load(&h, 6, 0x70000000, 0xffff800030000000ull, 0x10000000);
	hdr_close(&h);
	tu_rmtree(dir);
}

/* A 52-bit VA kernel on 48-bit hardware: PHYS_OFFSET carries the fold. */
static void test_va_bits_52(void **state)
{
	static const char vmci[] = "NUMBER(VA_BITS)=52\n"
				   "NUMBER(kimage_voffset)=0xffff7fffc7e00000\n"
				   "NUMBER(PHYS_OFFSET)=0xfff1000040000000\n";
	char *dir = lab_snapshot(vmci, NULL);
	struct hdr h;

	(void)state;
	build_ok(dir, NULL, &h);
	check_load(&h, 4, CODE_START, CODE_START + 0xffff7fffc7e00000ull,
		   DATA_END + 1 - CODE_START);
	/* __va(0x40000000) = 0xffff000000000000, as the kernel maps it */
	check_load(&h, 5, 0x40000000, 0xffff000000000000ull, 0x2ac00000);
	hdr_close(&h);
	tu_rmtree(dir);
}

/* RAM from @ci, unsorted, with a low and a high crash range */
static void test_split(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, NULL);
	struct gk_range ram[] = {
		{ 0x100000000ull, 0x13fffffffull },
		{ 0x40000000, 0x5fffffff },
		{ 0x60000000, 0x7fffffff }, /* touches the one before */
		{ 0x140000000ull, 0x140ffffffull },
	};
	struct gk_range crash[] = {
		{ 0x120000000ull, 0x140ffffffull }, /* across two, to the end */
		{ 0x50000000, 0x5fffffff },	    /* to the end of one */
		{ 0x60000000, 0x60000fff },	    /* at the start of one */
		{ 0x70000000, 0x70ffffff },	    /* inside */
		{ 0x100000000ull, 0x100000fffull }, /* at the start, alone */
	};
	struct kx_crash_info ci = { crash, 5, ram, 4 };
	struct hdr h;

	(void)state;
	build_ok(dir, &ci, &h);
	assert_int_equal(h.phnum, 5 + 4);
	check_lab_front(&h);
	check_load(&h, 5, 0x40000000, 0xffff000000000000ull, 0x10000000);
	check_load(&h, 6, 0x60001000, 0xffff000020001000ull, 0x0ffff000);
	check_load(&h, 7, 0x71000000, 0xffff000031000000ull, 0x0f000000);
	check_load(&h, 8, 0x100001000ull, 0xffff0000c0001000ull, 0x1ffff000);
	/* the caller's arrays are left alone */
	assert_int_equal(ram[0].start, 0x100000000ull);
	assert_int_equal(crash[0].start, 0x120000000ull);
	hdr_close(&h);
	tu_rmtree(dir);
}

/* Crash ranges across a RAM range's first byte, or ending on it. */
static void test_split_edges(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, NULL);
	struct gk_range ram[] = {
		{ 0x40000000, 0x4fffffff },
		{ 0x60000000, 0x6fffffff },
	};
	struct gk_range crash[] = {
		{ 0x3ffff000, 0x40000000 }, /* ends on the first byte */
		{ 0x5ffff000, 0x60000fff }, /* across the start */
		{ 0x6ffff000, 0x7fffffff }, /* across the end */
	};
	struct kx_crash_info ci = { crash, 3, ram, 2 };
	struct hdr h;

	(void)state;
	build_ok(dir, &ci, &h);
	assert_int_equal(h.phnum, 5 + 2);
	check_load(&h, 5, 0x40000001, 0xffff000000000001ull, 0x0fffffff);
	check_load(&h, 6, 0x60001000, 0xffff000020001000ull, 0x0fffe000);
	hdr_close(&h);
	tu_rmtree(dir);
}

/* No crash range at all: every System RAM range whole. */
static void test_no_crash_range(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, NULL);
	struct gk_range ram[] = { { 0x40000000, 0x7fffffff } };
	struct kx_crash_info ci = { NULL, 0, ram, 1 };
	struct hdr h;

	(void)state;
	build_ok(dir, &ci, &h);
	assert_int_equal(h.phnum, 6);
	check_load(&h, 5, 0x40000000, 0xffff000000000000ull, 0x40000000);
	hdr_close(&h);
	tu_rmtree(dir);
}

/* 8192 possible CPUs, the last one present */
static void test_many_cpus(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, NULL);
	struct gk_err e;
	struct hdr h;

	(void)state;
	assert_int_equal(tu_write(dir, "sys/devices/system/cpu/possible",
				  "0-2,8191\n"),
			 0);
	put_cpu(dir, 8191, "0x13ff00000\n", "424\n");
	build_ok(dir, NULL, &h);
	assert_int_equal(h.phnum, 9);
	check_note(&h, 3, 0x13ff00000ull, 424);
	check_note(&h, 4, VMCI_ADDR, VMCI_SIZE);
	hdr_close(&h);

	assert_int_equal(tu_write(dir, "sys/devices/system/cpu/possible",
				  "0-8192\n"),
			 0);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_TOOBIG);
	assert_non_null(strstr(e.msg, "sys/devices/system/cpu/possible"));
	assert_non_null(strstr(e.msg, "8192"));
	tu_rmtree(dir);
}

static void test_too_many_ram_ranges(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, NULL);
	size_t n = KX_CRASH_MAX_RAM + 1;
	struct gk_range *ram = calloc(n, sizeof(*ram));
	struct kx_crash_info ci = { NULL, 0, ram, n };
	struct gk_range crash[] = { { 0x1000, 0x1fff } };
	struct gk_err e;
	struct hdr h;

	(void)state;
	assert_non_null(ram);
	for (size_t i = 0; i < n; i++)
		ram[i] = (struct gk_range){ 0x40000000 + i * 0x2000,
					    0x40000000 + i * 0x2000 + 0xfff };
	assert_int_equal(build_fail(dir, &ci, &e), -GK_ERR_TOOBIG);
	assert_non_null(strstr(e.msg, "32768"));

	/* exactly the bound is fine */
	ci.nram = KX_CRASH_MAX_RAM;
	build_ok(dir, &ci, &h);
	assert_int_equal(h.phnum, 5 + KX_CRASH_MAX_RAM);
	check_load(&h, 5 + KX_CRASH_MAX_RAM - 1,
		   0x40000000 + (KX_CRASH_MAX_RAM - 1) * 0x2000ull,
		   0xffff000000000000ull + (KX_CRASH_MAX_RAM - 1) * 0x2000ull,
		   0x1000);
	hdr_close(&h);

	/* a split that would go past it */
	ram[0] = (struct gk_range){ 0x40000000, 0x40002fff };
	crash[0] = (struct gk_range){ 0x40001000, 0x40001fff };
	for (size_t i = 1; i < KX_CRASH_MAX_RAM; i++)
		ram[i] = (struct gk_range){ 0x50000000 + i * 0x2000,
					    0x50000000 + i * 0x2000 + 0xfff };
	ci.crash = crash;
	ci.ncrash = 1;
	assert_int_equal(build_fail(dir, &ci, &e), -GK_ERR_TOOBIG);

	ram[1] = (struct gk_range){ 0x40002000, 0x40002fff };
	ci.nram = 2;
	assert_int_equal(build_fail(dir, &ci, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "overlaps"));
	free(ram);
	tu_rmtree(dir);
}

/* ---- errors ------------------------------------------------------------ */

static void test_no_vmcoreinfo(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, NULL);
	char path[4096];
	struct gk_err e;

	(void)state;
	snprintf(path, sizeof(path), "%s/sys/kernel/vmcoreinfo", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_NOENT);
	assert_non_null(strstr(e.msg, "/sys/kernel/vmcoreinfo"));
	assert_non_null(strstr(e.msg, "missing"));

	assert_int_equal(tu_write(dir, "sys/kernel/vmcoreinfo", "7fd0e000\n"),
			 0);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "/sys/kernel/vmcoreinfo"));
	assert_non_null(strstr(e.msg, "\"7fd0e000\""));
	tu_rmtree(dir);
}

static void test_unreadable_note(void **state)
{
	char *dir = lab_snapshot(NULL, kallsyms_with_text);
	struct gk_err e;

	(void)state;
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_UNMAPPED);
	assert_non_null(strstr(e.msg, "VMCOREINFO note at 0x7fd0e000"));
	assert_non_null(strstr(e.msg, "unreadable"));
	tu_rmtree(dir);
}

static void test_bad_note(void **state)
{
	char *dir = lab_snapshot(NULL, NULL);
	char path[4096];
	struct gk_err e;

	(void)state;
	put_note(dir, VMCI_ADDR, VMCI_SIZE, "CORE", lab_vmcoreinfo);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "not a VMCOREINFO note"));

	put_note(dir, VMCI_ADDR, VMCI_SIZE, "VMCOREINFO",
		 "NUMBER(VA_BITS)=48\nNUMBER(kimage_voffset)=0xzz\n");
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "NUMBER(kimage_voffset)=0xzz"));

	put_note(dir, VMCI_ADDR, VMCI_SIZE, "VMCOREINFO",
		 "NUMBER(VA_BITS)=64\n");
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "VA_BITS 64"));

	/* a kimage_voffset that does not lead into the kernel's space */
	put_note(dir, VMCI_ADDR, VMCI_SIZE, "VMCOREINFO",
		 "NUMBER(VA_BITS)=48\nNUMBER(kimage_voffset)=0x0\n");
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_RANGE);
	assert_non_null(strstr(e.msg, "not a kernel virtual address"));

	/* a note that claims more text than the kernel said it holds */
	snprintf(path, sizeof(path), "%s/dev/mem.d/%016llx-%016llx", dir,
		 VMCI_ADDR, VMCI_ADDR + VMCI_SIZE - 1);
	{
		uint8_t big[4];

		tu_put32(big, (uint32_t)VMCI_SIZE);
		assert_int_equal(
			tu_pwrite(dir, path + strlen(dir) + 1, big, 4, 4), 0);
	}
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "does not fit"));
	tu_rmtree(dir);
}

static void test_bad_crash_notes(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, NULL);
	struct gk_err e;

	(void)state;
	put_cpu(dir, 1, "zz13fda6408\n", NULL);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	assert_non_null(
		strstr(e.msg, "sys/devices/system/cpu/cpu1/crash_notes: "));
	assert_non_null(strstr(e.msg, "\"zz13fda6408\""));

	put_cpu(dir, 1, "13fda6408 junk\n", NULL);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	put_cpu(dir, 1, "0\n", NULL);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	put_cpu(dir, 1, "113fda6408000000000\n", NULL);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);

	put_cpu(dir, 1, "13fda6408\n", "0x1a8\n");
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "cpu1/crash_notes_size"));
	put_cpu(dir, 1, "13fda6408\n", "0\n");
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	tu_rmtree(dir);
}

static void test_no_crash_notes(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, NULL);
	struct gk_err e;

	(void)state;
	assert_int_equal(
		tu_write(dir, "sys/devices/system/cpu/possible", "3\n"), 0);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "crash_notes"));

	assert_int_equal(
		tu_write(dir, "sys/devices/system/cpu/possible", "0-1,x\n"), 0);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "cpu/possible: not a CPU list"));
	assert_int_equal(
		tu_write(dir, "sys/devices/system/cpu/possible", "3-1\n"), 0);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	assert_int_equal(tu_write(dir, "sys/devices/system/cpu/possible", ""),
			 0);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_FORMAT);
	tu_rmtree(dir);
}

static void test_no_kernel_code(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, kallsyms_with_text);
	struct gk_err e;

	(void)state;
	assert_int_equal(tu_write(dir, "proc/iomem",
				  "40000000-7fffffff : System RAM\n"
				  "  41eb0000-4220ffff : Kernel data\n"
				  "  6ac00000-7abfffff : Crash kernel\n"),
			 0);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "proc/iomem: no \"Kernel code\""));

	assert_int_equal(tu_write(dir, "proc/iomem",
				  "40000000-7fffffff : System RAM\n"
				  "  40210000-4185ffff : Kernel code\n"),
			 0);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "no \"Kernel data\""));

	assert_int_equal(tu_write(dir, "proc/iomem",
				  "00000000-00000000 : System RAM\n"
				  "  00000000-00000000 : Kernel code\n"
				  "  00000000-00000000 : Kernel data\n"),
			 0);
	assert_int_equal(build_fail(dir, NULL, &e), -GK_ERR_ACCESS);
	assert_non_null(strstr(e.msg, "run as root"));
	tu_rmtree(dir);
}

static void test_no_ram(void **state)
{
	char *dir = lab_snapshot(lab_vmcoreinfo, NULL);
	struct kx_crash_info ci = { 0 };
	struct gk_err e;

	(void)state;
	assert_int_equal(build_fail(dir, &ci, &e), -GK_ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "no System RAM"));
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lab_machine),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_kallsyms_with_text),
		cmocka_unit_test(test_fallback_stext),
		cmocka_unit_test(test_fallback_text),
		cmocka_unit_test(test_fallback_none),
		cmocka_unit_test(test_old_layout),
		cmocka_unit_test(test_va_bits_52),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_edges),
		cmocka_unit_test(test_no_crash_range),
		cmocka_unit_test(test_many_cpus),
		cmocka_unit_test(test_too_many_ram_ranges),
		cmocka_unit_test(test_no_vmcoreinfo),
		cmocka_unit_test(test_unreadable_note),
		cmocka_unit_test(test_bad_note),
		cmocka_unit_test(test_bad_crash_notes),
		cmocka_unit_test(test_no_crash_notes),
		cmocka_unit_test(test_no_kernel_code),
		cmocka_unit_test(test_no_ram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
