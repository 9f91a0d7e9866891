// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/kmem: the GICv3 ITS driver's record read from kernel memory. Each
 * test builds a snapshot machine at run time: /proc/kallsyms text, a BTF
 * blob written with libbpf's writer, /sys/kernel/vmcoreinfo and, in
 * dev/mem.d, the VMCOREINFO note, gic_rdists, struct rdists,
 * __per_cpu_offset and the per-CPU records. The test maps physical to
 * virtual addresses the way the kernel lays them out; the library has to
 * find its way back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "facts.h"
#include "gather.h"
#include "kmem.h"
#include "testutil.h"

#define PG 4096u
#define MAX_PAGES 64
#define NCPUS 4

/* Physical layout of the fixture machine. */
#define IMG_PA 0x40200000ull	     /* the kernel image (_text) */
#define IMG_VA 0xffff800080000000ull /* KIMAGE_VADDR of a 48-bit kernel */
#define KIMAGE_VOFFSET (IMG_VA - IMG_PA)
#define RDISTS_PTR_PA \
	(IMG_PA + 0x10000)	       /* static struct rdists *gic_rdists     \
					*/
#define RDISTS_PA (IMG_PA + 0x10100)   /* gic_data.rdists */
#define PCPU_OFF_PA (IMG_PA + 0x11000) /* __per_cpu_offset[] */
#define NOTE_PA 0x47000000ull	       /* the VMCOREINFO note */
#define NOTE_SIZE 0x1024u	       /* VMCOREINFO_NOTE_SIZE, 4K pages */
#define PCPU_PA 0x48000000ull	       /* CPU n's rdist at + n * 0x1000 */
#define PEND_PA 0x49000000ull	       /* CPU n's pending table, + n * 64K */
#define PROP_PA 0x4a000000ull
#define PERCPU_PTR \
	0xffff800081000000ull /* the __percpu pointer rdists->rdist */
#define STRUCT_PAGE 64u

#define RD_LOCAL_LPI_ENABLED 0x1
#define RD_LOCAL_PENDTABLE_PREALLOCATED 0x2
#define RD_LOCAL_MEMRESERVE_DONE 0x4

/* ---- physical memory, written as dev/mem.d/START-END pages ---------- */

struct mem {
	uint64_t pa[MAX_PAGES];
	uint8_t data[MAX_PAGES][PG];
	int n;
};

static uint8_t *mem_page(struct mem *m, uint64_t pa)
{
	for (int i = 0; i < m->n; i++)
		if (m->pa[i] == pa)
			return m->data[i];
	assert_true(m->n < MAX_PAGES);
	m->pa[m->n] = pa;
	return m->data[m->n++];
}

static void mem_put(struct mem *m, uint64_t pa, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	for (size_t i = 0; i < len; i++)
		mem_page(m, (pa + i) & ~(uint64_t)(PG - 1))[(pa + i) % PG] =
			p[i];
}

static void mem_put64(struct mem *m, uint64_t pa, uint64_t v)
{
	uint8_t b[8];

	tu_put64(b, v);
	mem_put(m, pa, b, 8);
}

static void mem_write(const struct mem *m, const char *dir)
{
	for (int i = 0; i < m->n; i++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "dev/mem.d/%016llx-%016llx",
			 (unsigned long long)m->pa[i],
			 (unsigned long long)(m->pa[i] + PG - 1));
		assert_int_equal(tu_pwrite(dir, rel, m->data[i], PG, 0), 0);
	}
}

/* ---- the machine ----------------------------------------------------- */

struct fx_cpu {
	uint64_t flags; /* RD_LOCAL_*, or lpi_enabled (0/1) */
	bool has_page;	/* pend_page set (else NULL) */
	bool vmalloc;	/* the per-CPU area is outside the linear map */
};

struct fx {
	unsigned int va_bits;
	uint64_t page_size;
	uint64_t phys_offset; /* memstart_addr, two's complement */
	uint64_t vmemmap_start, vmemmap_end;
	bool flags_layout; /* 5.17+: u64 flags; else bool lpi_enabled */
	bool type_tag;	   /* __percpu as a BTF type tag (clang) */
	bool btf_rdists;   /* BTF has struct rdists */
	bool btf_page;	   /* BTF has struct page */
	bool no_btf;
	bool vmci_size_page;   /* VMCOREINFO exports SIZE(page) */
	const char *vmci_drop; /* a VMCOREINFO key left out */
	bool note_truncated;   /* descsz past the note */
	bool note_absent;      /* the note is not in memory */
	uint64_t rdists_flags;
	uint64_t gic_rdists;  /* the pointer's value: 0 default, 1 NULL */
	const char *kallsyms; /* replaces the generated text */
	const char *lockdown;
	struct fx_cpu cpu[NCPUS];
};

/* Debian 6.12-like: 48-bit VA, 4K pages, fresh tables, CPU3 not up yet. */
static void fx_48(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	f->va_bits = 48;
	f->page_size = 4096;
	f->phys_offset = 0x40000000;
	/* 6.1: VMEMMAP_START = -(1 << (VA_BITS - VMEMMAP_SHIFT)), shift 6 */
	f->vmemmap_start = 0 - (1ull << 42);
	f->vmemmap_end = f->vmemmap_start + (1ull << 41);
	f->flags_layout = true;
	f->btf_rdists = true;
	f->vmci_size_page = true;
	f->rdists_flags = 0;
	for (int i = 0; i < NCPUS; i++)
		f->cpu[i] = (struct fx_cpu){
			.flags = i < 3 ? RD_LOCAL_LPI_ENABLED |
						 RD_LOCAL_MEMRESERVE_DONE :
					 0,
			.has_page = true
		};
	f->lockdown = "[none] integrity confidentiality\n";
}

/*
 * 52-bit VA kernel with 64K pages on 48-bit hardware: arm64_memblock_init()
 * lowers memstart_addr by _PAGE_OFFSET(48) - _PAGE_OFFSET(52), below 0.
 */
static void fx_52neg(struct fx *f)
{
	fx_48(f);
	f->va_bits = 52;
	f->page_size = 65536;
	f->phys_offset = 0x40000000 - ((1ull << 52) - (1ull << 48));
	/* VMEMMAP_SHIFT = 16 - 6; VMEMMAP_SIZE = (PAGE_END - PAGE_OFFSET) >> 10
	 */
	f->vmemmap_start = 0 - (1ull << 42);
	f->vmemmap_end =
		f->vmemmap_start + (((1ull << 52) - (1ull << 47)) >> 10);
}

/* The kernel's forward maps, which the library inverts. */
static uint64_t lin_va(const struct fx *f, uint64_t pa)
{
	return pa - f->phys_offset + (0 - (1ull << f->va_bits));
}

static uint64_t img_va(uint64_t pa)
{
	return pa + KIMAGE_VOFFSET;
}

static uint64_t page_ptr(const struct fx *f, uint64_t pa)
{
	return f->vmemmap_start +
	       (pa - f->phys_offset) / f->page_size * STRUCT_PAGE;
}

static uint64_t pend_pa(int cpu)
{
	return PEND_PA + (uint64_t)cpu * 0x10000;
}

/* ---- BTF, written with libbpf ---------------------------------------- */

/* Per-CPU offsets: 5.17+ (rd_lock 16 bytes, as with lock debugging) */
#define NEW_PEND 24
#define NEW_PHYS 32
#define NEW_FLAGS 40
/* ... and before 5.17 (rd_lock 4 bytes, bool lpi_enabled) */
#define OLD_PEND 16
#define OLD_PHYS 24
#define OLD_LPI 32
#define PCPU_SIZE 64
/* struct rdists */
#define RD_RDIST 0
#define RD_PROP 8
#define RD_FLAGS 24
#define RD_SIZE 48

static int btf_percpu(struct btf *b, const struct fx *f, int u64, int phys,
		      int voidp)
{
	int boolt = btf__add_int(b, "_Bool", 1, BTF_INT_BOOL);
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	/* only the name is looked up: another name hides it */
	int page = btf__add_struct(b, f->btf_page ? "page" : "page_not",
				   STRUCT_PAGE);
	int pagep = btf__add_ptr(b, page);
	int lock = btf__add_struct(b, "raw_spinlock", f->flags_layout ? 16 : 4);
	int anon;

	btf__add_field(b, "raw_lock", u32, 0, 0);
	anon = btf__add_struct(b, NULL, PCPU_SIZE);
	btf__add_field(b, "rd_lock", lock, 0, 0);
	btf__add_field(b, "rd_base", voidp, f->flags_layout ? 128 : 64, 0);
	btf__add_field(b, "pend_page", pagep,
		       8 * (f->flags_layout ? NEW_PEND : OLD_PEND), 0);
	btf__add_field(b, "phys_base", phys,
		       8 * (f->flags_layout ? NEW_PHYS : OLD_PHYS), 0);
	if (f->flags_layout)
		btf__add_field(b, "flags", u64, 8 * NEW_FLAGS, 0);
	else
		btf__add_field(b, "lpi_enabled", boolt, 8 * OLD_LPI, 0);
	btf__add_field(b, "vpe_l1_base", voidp, 8 * 56, 0);
	return f->type_tag ? btf__add_type_tag(b, "percpu", anon) : anon;
}

static void *make_btf(const struct fx *f, uint32_t *size)
{
	struct btf *b = btf__new_empty();
	int u64, phys, voidp, pcpu, pcpup, rd;
	const void *raw;
	void *copy;

	assert_non_null(b);
	u64 = btf__add_int(b, "long long unsigned int", 8, 0);
	phys = btf__add_typedef(b, "phys_addr_t", u64);
	voidp = btf__add_ptr(b, 0);
	pcpu = btf_percpu(b, f, u64, phys, voidp);
	pcpup = btf__add_ptr(b, pcpu);
	rd = btf__add_struct(b, f->btf_rdists ? "rdists" : "rdists_not",
			     RD_SIZE);
	btf__add_field(b, "rdist", pcpup, 8 * RD_RDIST, 0);
	btf__add_field(b, "prop_table_pa", phys, 8 * RD_PROP, 0);
	btf__add_field(b, "prop_table_va", voidp, 8 * 16, 0);
	btf__add_field(b, "flags", u64, 8 * RD_FLAGS, 0);
	assert_true(rd > 0);
	raw = btf__raw_data(b, size);
	copy = malloc(*size);
	memcpy(copy, raw, *size);
	btf__free(b);
	return copy;
}

/* ---- VMCOREINFO ------------------------------------------------------ */

static void vmci_line(char **p, size_t *left, const struct fx *f,
		      const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void vmci_line(char **p, size_t *left, const struct fx *f,
		      const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->vmci_drop && !strcmp(f->vmci_drop, key))
		return;
	n = snprintf(*p, *left, "%s=", key);
	va_start(ap, fmt);
	n += vsnprintf(*p + n, *left - (size_t)n, fmt, ap);
	va_end(ap);
	*p += n;
	*left -= (size_t)n;
}

/* The text as 6.12's crash_save_vmcoreinfo() and arm64's hook print it. */
static size_t vmci_text(const struct fx *f, char *buf, size_t size)
{
	char *p = buf;
	size_t left = size;

	vmci_line(&p, &left, f, "OSRELEASE", "6.12.0-test-arm64\n");
	vmci_line(&p, &left, f, "PAGESIZE", "%llu\n",
		  (unsigned long long)f->page_size);
	vmci_line(&p, &left, f, "SYMBOL(_stext)", "%llx\n",
		  (unsigned long long)IMG_VA + 0x10000);
	if (f->vmci_size_page)
		vmci_line(&p, &left, f, "SIZE(page)", "%u\n", STRUCT_PAGE);
	vmci_line(&p, &left, f, "NUMBER(VA_BITS)", "%u\n", f->va_bits);
	vmci_line(&p, &left, f, "NUMBER(VMEMMAP_START)", "0x%llx\n",
		  (unsigned long long)f->vmemmap_start);
	vmci_line(&p, &left, f, "NUMBER(VMEMMAP_END)", "0x%llx\n",
		  (unsigned long long)f->vmemmap_end);
	vmci_line(&p, &left, f, "NUMBER(kimage_voffset)", "0x%llx\n",
		  (unsigned long long)KIMAGE_VOFFSET);
	vmci_line(&p, &left, f, "NUMBER(PHYS_OFFSET)", "0x%llx\n",
		  (unsigned long long)f->phys_offset);
	vmci_line(&p, &left, f, "KERNELOFFSET", "%llx\n", 0x1234000ull);
	return size - left;
}

static void put_note(struct mem *m, const struct fx *f)
{
	uint8_t note[NOTE_SIZE] = { 0 };
	size_t len = vmci_text(f, (char *)note + 24, NOTE_SIZE - 48);

	tu_put32(note, 11);
	tu_put32(note + 4, f->note_truncated ? NOTE_SIZE : (uint32_t)len);
	memcpy(note + 12, "VMCOREINFO", 11);
	if (!f->note_absent)
		mem_put(m, NOTE_PA, note, NOTE_SIZE);
}

/* ---- the snapshot ---------------------------------------------------- */

static void put_kallsyms(const char *dir, const struct fx *f)
{
	char text[1024];

	if (f->kallsyms) {
		assert_int_equal(tu_write(dir, "proc/kallsyms", f->kallsyms),
				 0);
		return;
	}
	/* a module's symbol of the same name comes first: not ours */
	snprintf(text, sizeof(text),
		 "ffffffffc0001000 b gic_rdists\t[other_mod]\n"
		 "%016llx T _text\n"
		 "%016llx t gic_cpu_init\n"
		 "%016llx b gic_rdists\n"
		 "%016llx D __per_cpu_offset\n"
		 "%016llx B _end\n"
		 "%016llx t later_symbol\n",
		 (unsigned long long)IMG_VA, (unsigned long long)IMG_VA + 0x100,
		 (unsigned long long)img_va(RDISTS_PTR_PA),
		 (unsigned long long)img_va(PCPU_OFF_PA),
		 (unsigned long long)IMG_VA + 0x200000,
		 (unsigned long long)IMG_VA + 0x300000);
	assert_int_equal(tu_write(dir, "proc/kallsyms", text), 0);
}

static void put_cpu(struct mem *m, const struct fx *f, int i)
{
	const struct fx_cpu *c = &f->cpu[i];
	uint64_t area = PCPU_PA + (uint64_t)i * 0x1000;
	uint64_t va = c->vmalloc ? 0xffff800100000000ull : lin_va(f, area);
	uint64_t page = c->has_page ? page_ptr(f, pend_pa(i)) : 0;

	mem_put64(m, PCPU_OFF_PA + 8 * (uint64_t)i, va - PERCPU_PTR);
	mem_put64(m, area + (f->flags_layout ? NEW_PEND : OLD_PEND), page);
	mem_put64(m, area + (f->flags_layout ? NEW_PHYS : OLD_PHYS),
		  0x080a0000ull + 0x20000ull * (uint64_t)i);
	if (f->flags_layout)
		mem_put64(m, area + NEW_FLAGS, c->flags);
	else
		mem_put(m, area + OLD_LPI, &(uint8_t){ (uint8_t)c->flags }, 1);
	mem_put64(m, area + 56, 0xdeadbeefull); /* vpe_l1_base */
}

static void put_memory(const char *dir, const struct fx *f)
{
	struct mem *m = calloc(1, sizeof(*m));
	uint64_t ptr = f->gic_rdists == 1 ? 0 :
		       f->gic_rdists	  ? f->gic_rdists :
					    img_va(RDISTS_PA);
	char line[64];

	assert_non_null(m);
	put_note(m, f);
	mem_put64(m, RDISTS_PTR_PA, ptr);
	mem_put64(m, RDISTS_PA + RD_RDIST, PERCPU_PTR);
	mem_put64(m, RDISTS_PA + RD_PROP, PROP_PA);
	mem_put64(m, RDISTS_PA + RD_FLAGS, f->rdists_flags);
	mem_put64(m, RDISTS_PA + 40, 0); /* the rest of struct rdists */
	for (int i = 0; i < NCPUS; i++)
		put_cpu(m, f, i);
	mem_write(m, dir);
	free(m);
	snprintf(line, sizeof(line), "0x%016llx %x\n",
		 (unsigned long long)NOTE_PA, NOTE_SIZE);
	assert_int_equal(tu_write(dir, "sys/kernel/vmcoreinfo", line), 0);
}

static void build_into(const struct fx *f, const char *dir)
{
	uint32_t size;
	void *btf;

	put_kallsyms(dir, f);
	if (!f->no_btf) {
		btf = make_btf(f, &size);
		assert_int_equal(tu_pwrite(dir, "sys/kernel/btf/vmlinux", btf,
					   size, 0),
				 0);
		free(btf);
	}
	put_memory(dir, f);
	assert_int_equal(
		tu_write(dir, "sys/devices/system/cpu/possible", "0-3\n"), 0);
	if (f->lockdown)
		assert_int_equal(tu_write(dir, "sys/kernel/security/lockdown",
					  f->lockdown),
				 0);
}

static char *build(const struct fx *f)
{
	char *dir = tu_mkdtemp();

	assert_non_null(dir);
	build_into(f, dir);
	return dir;
}

static int run(const char *dir, struct gk_kmem *k, struct gk_err *e)
{
	struct physmem *pm;
	struct sysroot *sr;
	int ret;

	assert_int_equal(sysroot_new(dir, 0, &sr, e), 0);
	assert_int_equal(physmem_open(sr, 0, &pm, e), 0);
	gk_err_clear(e);
	ret = gk_kmem_read(sr, pm, k, e);
	physmem_close(pm);
	sysroot_free(sr);
	return ret;
}

/* Build, read, and expect @code with @words in a one-line message. */
static void expect_fail(const struct fx *f, int code, const char *words)
{
	char *dir = build(f);
	struct gk_kmem k;
	struct gk_err e;

	assert_int_equal(run(dir, &k, &e), code);
	assert_int_equal(e.code, code);
	if (!strstr(e.msg, words))
		fail_msg("\"%s\" not in \"%s\"", words, e.msg);
	assert_null(strchr(e.msg, '\n'));
	assert_null(k.cpus);
	tu_rmtree(dir);
}

/* ---- tests ----------------------------------------------------------- */

static void assert_fresh(const struct fx *f, const struct gk_kmem *k)
{
	assert_true(k->prop == PROP_PA);
	assert_false(k->prealloc);
	assert_int_equal(k->ncpus, NCPUS);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(k->cpus[i].cpu, i);
		assert_false(k->cpus[i].skipped);
		assert_true(k->cpus[i].lpi_enabled);
		assert_false(k->cpus[i].pend_prealloc);
		assert_true(k->cpus[i].pend == pend_pa(i));
		assert_true(k->cpus[i].rd_base ==
			    0x080a0000ull + 0x20000ull * (uint64_t)i);
		assert_string_equal(k->cpus[i].why, "");
	}
	/* never brought up: the spare page is no table of the hardware's */
	assert_false(k->cpus[3].lpi_enabled);
	assert_true(k->cpus[3].pend == 0);
	(void)f;
}

static void test_fresh_flags(void **state)
{
	struct gk_kmem k;
	struct gk_err e;
	struct fx f;
	char *dir;

	(void)state;
	fx_48(&f);
	f.type_tag = true;
	dir = build(&f);
	assert_int_equal(run(dir, &k, &e), 0);
	assert_fresh(&f, &k);
	assert_true(k.percpu_flags);
	assert_true(k.rdists_flags == 0);
	assert_non_null(strstr(k.source, "gic_rdists"));
	gk_kmem_free(&k);
	assert_null(k.cpus);
	tu_rmtree(dir);
}

/* Before 5.17: bool lpi_enabled; no type tag (a gcc build) */
static void test_fresh_bool(void **state)
{
	struct gk_kmem k;
	struct gk_err e;
	struct fx f;
	char *dir;

	(void)state;
	fx_48(&f);
	f.flags_layout = false;
	for (int i = 0; i < NCPUS; i++)
		f.cpu[i].flags = i < 3;
	dir = build(&f);
	assert_int_equal(run(dir, &k, &e), 0);
	assert_fresh(&f, &k);
	assert_false(k.percpu_flags);
	gk_kmem_free(&k);
	tu_rmtree(dir);
}

/*
 * A kexec'd kernel: RD_TABLES_PREALLOCATED. CPU0's spare page was freed
 * (EFI boot, NULL), CPU1 kept it (DT boot: its_cpu_memreserve_lpi never
 * ran), CPU2's RD had LPIs off and got a fresh table, CPU3 never came up.
 */
static void test_inherited(void **state)
{
	struct gk_kmem k;
	struct gk_err e;
	struct fx f;
	char *dir;

	(void)state;
	fx_48(&f);
	f.rdists_flags = 0x3; /* PREALLOCATED | PROPBASE_NEEDS_FLUSHING */
	f.cpu[0] = (struct fx_cpu){ RD_LOCAL_LPI_ENABLED |
					    RD_LOCAL_PENDTABLE_PREALLOCATED |
					    RD_LOCAL_MEMRESERVE_DONE,
				    false, false };
	f.cpu[1] = (struct fx_cpu){ RD_LOCAL_LPI_ENABLED |
					    RD_LOCAL_PENDTABLE_PREALLOCATED,
				    true, false };
	dir = build(&f);
	assert_int_equal(run(dir, &k, &e), 0);
	assert_true(k.prealloc);
	assert_true(k.rdists_flags == 3);
	assert_true(k.prop == PROP_PA); /* always right */
	for (int i = 0; i < 2; i++) {
		assert_true(k.cpus[i].lpi_enabled);
		assert_true(k.cpus[i].pend_prealloc);
		assert_true(k.cpus[i].pend == 0);
		assert_non_null(strstr(k.cpus[i].why, "inherited"));
	}
	assert_false(k.cpus[2].pend_prealloc);
	assert_true(k.cpus[2].pend == pend_pa(2));
	gk_kmem_free(&k);
	tu_rmtree(dir);
}

/* Before 5.17 the inherited case is pend_page == NULL. */
static void test_inherited_bool(void **state)
{
	struct gk_kmem k;
	struct gk_err e;
	struct fx f;
	char *dir;

	(void)state;
	fx_48(&f);
	f.flags_layout = false;
	f.rdists_flags = 0x3;
	f.cpu[0] = (struct fx_cpu){ 1, false, false };
	f.cpu[1] = (struct fx_cpu){ 1, true, false };
	f.cpu[2] = (struct fx_cpu){ 0, true, false };
	dir = build(&f);
	assert_int_equal(run(dir, &k, &e), 0);
	assert_true(k.cpus[0].pend_prealloc && k.cpus[0].pend == 0);
	assert_false(k.cpus[1].pend_prealloc);
	assert_true(k.cpus[1].pend == pend_pa(1));
	assert_false(k.cpus[2].lpi_enabled);
	gk_kmem_free(&k);
	tu_rmtree(dir);
}

static void test_negative_phys_offset(void **state)
{
	struct gk_kmem k;
	struct gk_err e;
	struct fx f;
	char *dir;

	(void)state;
	fx_52neg(&f);
	assert_true((int64_t)f.phys_offset < 0);
	dir = build(&f);
	assert_int_equal(run(dir, &k, &e), 0);
	assert_fresh(&f, &k);
	gk_kmem_free(&k);
	tu_rmtree(dir);
}

/* SIZE(page) missing: sizeof(struct page) from BTF; neither: unknown */
static void test_struct_page_size(void **state)
{
	struct gk_kmem k;
	struct gk_err e;
	struct fx f;
	char *dir;

	(void)state;
	fx_48(&f);
	f.vmci_size_page = false;
	f.btf_page = true;
	dir = build(&f);
	assert_int_equal(run(dir, &k, &e), 0);
	assert_fresh(&f, &k);
	gk_kmem_free(&k);
	tu_rmtree(dir);

	f.btf_page = false;
	dir = build(&f);
	assert_int_equal(run(dir, &k, &e), 0);
	assert_true(k.prop == PROP_PA);
	assert_true(k.cpus[0].lpi_enabled && k.cpus[0].pend == 0);
	assert_non_null(strstr(k.cpus[0].why, "SIZE(page)"));
	gk_kmem_free(&k);
	tu_rmtree(dir);

	fx_48(&f);
	f.vmci_drop = "NUMBER(VMEMMAP_START)";
	dir = build(&f);
	assert_int_equal(run(dir, &k, &e), 0);
	assert_true(k.cpus[1].pend == 0);
	assert_non_null(strstr(k.cpus[1].why, "VMEMMAP_START"));
	gk_kmem_free(&k);
	tu_rmtree(dir);
}

/* A per-CPU area in a vmalloc'd chunk: that CPU is skipped, with why. */
static void test_cpu_outside(void **state)
{
	struct gk_kmem k;
	struct gk_err e;
	struct fx f;
	char *dir;

	(void)state;
	fx_48(&f);
	f.cpu[1].vmalloc = true;
	dir = build(&f);
	assert_int_equal(run(dir, &k, &e), 0);
	assert_true(k.cpus[1].skipped);
	assert_false(k.cpus[2].skipped);
	assert_false(k.cpus[1].lpi_enabled);
	assert_true(k.cpus[1].pend == 0);
	assert_non_null(
		strstr(k.cpus[1].why,
		       "neither in the kernel image nor in the linear map"));
	assert_true(k.cpus[2].pend == pend_pa(2));
	gk_kmem_free(&k);
	tu_rmtree(dir);
}

static void test_rdists_outside(void **state)
{
	struct fx f;

	(void)state;
	fx_48(&f);
	f.gic_rdists = 0xffff800100000000ull; /* vmalloc, past _end */
	expect_fail(
		&f, -GK_ERR_RANGE,
		"struct rdists at 0xffff800100000000 is neither in the kernel image nor in the linear map");
	f.gic_rdists = 1;
	expect_fail(&f, -GK_ERR_NOTFOUND, "gic_rdists is NULL");
}

static void test_no_symbols(void **state)
{
	struct fx f;

	(void)state;
	fx_48(&f);
	/* without CONFIG_KALLSYMS_ALL: text symbols only */
	f.kallsyms = "ffff800080000000 T _text\n"
		     "ffff800080000100 t gic_cpu_init\n";
	expect_fail(&f, -GK_ERR_NOTFOUND,
		    "the kernel exports no data symbols (CONFIG_KALLSYMS_ALL)");
	f.kallsyms = "ffff800080000000 T _text\n"
		     "ffff800080011000 D __per_cpu_offset\n"
		     "ffff800080200000 B _end\n";
	expect_fail(&f, -GK_ERR_NOTFOUND, "no gic_rdists");
	f.kallsyms = "";
	expect_fail(&f, -GK_ERR_NOTFOUND, "CONFIG_KALLSYMS_ALL");
}

/* No file at all, and a line no kernel writes: bounded. */
static void test_bad_kallsyms(void **state)
{
	char *dir, path[4200], *text, line[2100];
	struct gk_kmem k;
	struct gk_err e;
	struct sysroot *sr;
	size_t len;
	struct fx f;

	(void)state;
	fx_48(&f);
	dir = build(&f);
	snprintf(path, sizeof(path), "%s/proc/kallsyms", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(run(dir, &k, &e), -GK_ERR_NOTFOUND);
	assert_string_equal(e.msg, "no /proc/kallsyms (CONFIG_KALLSYMS)");
	memset(line, 'x', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(tu_write(dir, "proc/kallsyms", line), 0);
	assert_int_equal(run(dir, &k, &e), -GK_ERR_TOOBIG);
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(gk_kmem_kallsyms(sr, &text, &len, &e), -GK_ERR_TOOBIG);
	assert_null(text);
	sysroot_free(sr);
	tu_rmtree(dir);
}

/* A NUL byte cuts a line as parsed: what --dump keeps ends there too. */
static void test_kallsyms_nul(void **state)
{
	static const char in[] = "ffff800080000000 T _text\0junk\n"
				 "ffff800082000000 B _end\n";
	char *dir = tu_mkdtemp(), *text;
	struct sysroot *sr;
	struct gk_err e;
	size_t len;

	(void)state;
	assert_int_equal(tu_pwrite(dir, "proc/kallsyms", in, sizeof(in) - 1, 0),
			 0);
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(gk_kmem_kallsyms(sr, &text, &len, &e), 0);
	assert_string_equal(text, "ffff800080000000 T _text\n"
				  "ffff800082000000 B _end\n");
	free(text);
	sysroot_free(sr);
	tu_rmtree(dir);
}

static void test_zero_addresses(void **state)
{
	struct fx f;

	(void)state;
	fx_48(&f);
	f.kallsyms = "0000000000000000 T _text\n"
		     "0000000000000000 b gic_rdists\n"
		     "0000000000000000 D __per_cpu_offset\n"
		     "0000000000000000 B _end\n";
	expect_fail(&f, -GK_ERR_ACCESS, "kptr_restrict");
}

static void test_no_btf(void **state)
{
	struct fx f;

	(void)state;
	fx_48(&f);
	f.no_btf = true;
	expect_fail(&f, -GK_ERR_NOTFOUND,
		    "no /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF)");
	fx_48(&f);
	f.btf_rdists = false;
	expect_fail(&f, -GK_ERR_NOTFOUND, "no struct rdists");
}

static void test_bad_btf(void **state)
{
	char *dir;
	struct gk_kmem k;
	struct gk_err e;
	struct fx f;
	uint8_t junk[64] = { 0x9f, 0xeb, 1, 0, 24 };

	(void)state;
	fx_48(&f);
	dir = build(&f);
	assert_int_equal(tu_write(dir, "sys/kernel/btf/vmlinux", "text"), 0);
	assert_int_equal(run(dir, &k, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "not BTF"));
	/* the magic, then sections past the end */
	tu_put32(junk + 8, 0);
	tu_put32(junk + 12, 1000);
	assert_int_equal(tu_pwrite(dir, "sys/kernel/btf/vmlinux", junk,
				   sizeof(junk), 0),
			 0);
	assert_int_equal(run(dir, &k, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "malformed BTF"));
	tu_rmtree(dir);
}

static void test_bad_note(void **state)
{
	struct fx f;

	(void)state;
	fx_48(&f);
	f.note_truncated = true;
	expect_fail(&f, -GK_ERR_FORMAT, "VMCOREINFO: truncated note");
	fx_48(&f);
	f.note_absent = true;
	expect_fail(&f, -GK_ERR_UNMAPPED, "VMCOREINFO note at 0x47000000");
	fx_48(&f);
	f.vmci_drop = "NUMBER(PHYS_OFFSET)";
	expect_fail(&f, -GK_ERR_FORMAT,
		    "VMCOREINFO: NUMBER(PHYS_OFFSET) is missing");
	fx_48(&f);
	f.vmci_drop = "NUMBER(VA_BITS)";
	expect_fail(&f, -GK_ERR_FORMAT, "NUMBER(VA_BITS) is missing");
}

/* A note that is not VMCOREINFO, a sysfs line that is not "ADDR SIZE". */
static void test_bad_vmcoreinfo(void **state)
{
	char path[4200];
	struct gk_kmem k;
	struct gk_err e;
	struct fx f;
	char *dir;

	(void)state;
	fx_48(&f);
	dir = build(&f);
	tu_pwrite(dir, "dev/mem.d/0000000047000000-0000000047000fff", "CRASH",
		  5, 12);
	assert_int_equal(run(dir, &k, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "not named VMCOREINFO"));
	tu_write(dir, "sys/kernel/vmcoreinfo", "junk\n");
	assert_int_equal(run(dir, &k, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "/sys/kernel/vmcoreinfo: not"));
	tu_write(dir, "sys/kernel/vmcoreinfo", "47000000 fffffff\n");
	assert_int_equal(run(dir, &k, &e), -GK_ERR_FORMAT);
	snprintf(path, sizeof(path), "%s/sys/kernel/vmcoreinfo", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(run(dir, &k, &e), -GK_ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "CONFIG_VMCORE_INFO"));
	tu_rmtree(dir);
}

static void test_lockdown(void **state)
{
	struct fx f;

	(void)state;
	fx_48(&f);
	f.lockdown = "none integrity [confidentiality]\n";
	expect_fail(&f, -GK_ERR_LOCKDOWN,
		    "lockdown=confidentiality refuses /proc/kcore");
	/* integrity leaves kcore alone */
	f.lockdown = "none [integrity] confidentiality\n";
	{
		char *dir = build(&f);
		struct gk_kmem k;
		struct gk_err e;

		assert_int_equal(run(dir, &k, &e), 0);
		gk_kmem_free(&k);
		tu_rmtree(dir);
	}
}

/* No memory at all: physmem's reason comes through. */
static void test_memory_refused(void **state)
{
	struct gk_kmem k;
	struct gk_err e;
	struct fx f;
	char *dir;

	(void)state;
	fx_48(&f);
	dir = build(&f);
	tu_rmtree(strcat(strcpy(malloc(strlen(dir) + 8), dir), "/dev"));
	assert_int_equal(run(dir, &k, &e), -GK_ERR_UNMAPPED);
	assert_non_null(strstr(e.msg, "VMCOREINFO note at 0x47000000"));
	assert_non_null(strstr(e.msg, "no physical memory source"));
	tu_rmtree(dir);
}

static int cmp_kmem(const struct gk_kmem *a, const struct gk_kmem *b)
{
	if (a->prop != b->prop || a->rdists_flags != b->rdists_flags ||
	    a->prealloc != b->prealloc || a->ncpus != b->ncpus ||
	    strcmp(a->source, b->source))
		return 1;
	return memcmp(a->cpus, b->cpus, a->ncpus * sizeof(*a->cpus));
}

/* Copy what was read (files, kallsyms lines, memory) to a new snapshot. */
static void dump_to(const struct sysroot *sr, struct physmem *pm,
		    const char *out)
{
	const struct gk_range *r;
	size_t n, len;
	char *text;

	for (size_t i = 0; gk_kmem_files[i]; i++) {
		if (sysroot_read_file(sr, gk_kmem_files[i], 64u << 20, &text,
				      &len, NULL) < 0)
			continue;
		assert_int_equal(
			tu_pwrite(out, gk_kmem_files[i] + 1, text, len, 0), 0);
		free(text);
	}
	assert_int_equal(gk_kmem_kallsyms(sr, &text, &len, NULL), 0);
	assert_int_equal(tu_write(out, "proc/kallsyms", text), 0);
	free(text);
	r = physmem_recorded(pm, &n);
	for (size_t i = 0; i < n; i++) {
		size_t sz = (size_t)(r[i].end - r[i].start + 1);
		uint8_t *buf = malloc(sz);
		char rel[64];

		assert_int_equal(physmem_read(pm, r[i].start, buf, sz, NULL),
				 0);
		snprintf(rel, sizeof(rel), "dev/mem.d/%016llx-%016llx",
			 (unsigned long long)r[i].start,
			 (unsigned long long)r[i].end);
		assert_int_equal(tu_pwrite(out, rel, buf, sz, 0), 0);
		free(buf);
	}
}

/* What gicdiag --dump keeps replays to the same record. */
static void test_dump_replay(void **state)
{
	struct gk_kmem live, replay;
	struct physmem *pm;
	struct sysroot *sr;
	struct gk_err e;
	char *dir, *out = tu_mkdtemp(), *text;
	size_t len;
	struct fx f;

	(void)state;
	fx_48(&f);
	f.rdists_flags = 0x3;
	f.cpu[0].flags |= RD_LOCAL_PENDTABLE_PREALLOCATED;
	dir = build(&f);
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(physmem_open(sr, 0, &pm, &e), 0);
	physmem_record(pm, true);
	assert_int_equal(gk_kmem_read(sr, pm, &live, &e), 0);
	physmem_record(pm, false);
	/* only the lines used, not the module's nor the later ones */
	assert_int_equal(gk_kmem_kallsyms(sr, &text, &len, &e), 0);
	assert_int_equal(len, strlen(text));
	assert_null(strstr(text, "other_mod"));
	assert_null(strstr(text, "gic_cpu_init"));
	assert_non_null(strstr(text, " b gic_rdists\n"));
	assert_non_null(strstr(text, " D __per_cpu_offset\n"));
	free(text);
	dump_to(sr, pm, out);
	physmem_close(pm);
	sysroot_free(sr);
	assert_int_equal(run(out, &replay, &e), 0);
	assert_int_equal(cmp_kmem(&live, &replay), 0);
	gk_kmem_free(&live);
	gk_kmem_free(&replay);
	tu_rmtree(dir);
	tu_rmtree(out);
}

/* @first: the log's first record is the boot's first (nothing rotated) */
static void put_kmsg(const char *dir, bool first)
{
	char text[1024];
	int n = 0, seq = first ? 0 : 40;

	n += snprintf(text + n, sizeof(text) - (size_t)n,
		      "6,%d,0,-;Booting Linux on physical CPU 0x0\n", seq++);
	n += snprintf(text + n, sizeof(text) - (size_t)n,
		      "6,%d,0,-;GICv3: using LPI property table @0x%016llx\n",
		      seq++, (unsigned long long)PROP_PA);
	for (int i = 0; i < 3; i++)
		n += snprintf(
			text + n, sizeof(text) - (size_t)n,
			"6,%d,0,-;GICv3: CPU%d: using allocated LPI pending table @0x%016llx\n",
			seq++, i, (unsigned long long)pend_pa(i));
	assert_int_equal(tu_write(dir, "dev/kmsg", text), 0);
}

/* Was kernel memory read by a gather with @enough on this machine? */
static bool kmem_read_by_gather(const char *dir, bool enough)
{
	struct gk_gather_opts go = { .enough = enough };
	struct physmem *pm;
	struct sysroot *sr;
	struct gk_facts f;
	struct gk_err e;
	bool used;

	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(physmem_open(sr, 0, &pm, &e), 0);
	assert_int_equal(gk_gather(sr, pm, &go, &f, &e), 0);
	used = f.src[GK_SRC_KMEM].used;
	/* either way the tables are known, from one source or the other */
	assert_true(f.src[GK_SRC_KMEM].used || f.src[GK_SRC_KLOG].used);
	gk_facts_free(&f);
	physmem_close(pm);
	sysroot_free(sr);
	return used;
}

/*
 * The loader's preflight (enough) skips kernel memory, the costliest
 * source, when the whole boot's log names every table; gicdiag reads it
 * to cross-check, and the loader too once the log's start is gone.
 */
static void test_gather_enough(void **state)
{
	char *dir;
	struct fx f;

	(void)state;
	fx_48(&f);
	dir = build(&f);
	put_kmsg(dir, true);
	assert_true(kmem_read_by_gather(dir, false));
	assert_false(kmem_read_by_gather(dir, true));
	put_kmsg(dir, false);
	assert_true(kmem_read_by_gather(dir, true));
	tu_rmtree(dir);
}

static void test_files_list(void **state)
{
	bool btf = false, vmci = false;

	(void)state;
	for (size_t i = 0; gk_kmem_files[i]; i++) {
		btf = btf ||
		      !strcmp(gk_kmem_files[i], "/sys/kernel/btf/vmlinux");
		vmci = vmci ||
		       !strcmp(gk_kmem_files[i], "/sys/kernel/vmcoreinfo");
		assert_string_not_equal(gk_kmem_files[i], "/proc/kallsyms");
	}
	assert_true(btf && vmci);
}

/*
 * test-kmem --write-machine DIR: the Debian 6.12-like kernel memory of
 * fx_48 (CPUs 0-2 with fresh tables, CPU3 never up) added to a machine
 * mkmachine -d wrote, for gicdiag's golden test of the source.
 */
static int write_machine(const char *dir)
{
	struct fx f;

	fx_48(&f);
	f.lockdown = NULL; /* the machine says its own */
	build_into(&f, dir);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--write-machine"))
		return write_machine(argv[2]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_flags),
		cmocka_unit_test(test_fresh_bool),
		cmocka_unit_test(test_inherited),
		cmocka_unit_test(test_inherited_bool),
		cmocka_unit_test(test_negative_phys_offset),
		cmocka_unit_test(test_struct_page_size),
		cmocka_unit_test(test_cpu_outside),
		cmocka_unit_test(test_rdists_outside),
		cmocka_unit_test(test_no_symbols),
		cmocka_unit_test(test_bad_kallsyms),
		cmocka_unit_test(test_kallsyms_nul),
		cmocka_unit_test(test_zero_addresses),
		cmocka_unit_test(test_no_btf),
		cmocka_unit_test(test_bad_btf),
		cmocka_unit_test(test_bad_note),
		cmocka_unit_test(test_bad_vmcoreinfo),
		cmocka_unit_test(test_lockdown),
		cmocka_unit_test(test_memory_refused),
		cmocka_unit_test(test_dump_replay),
		cmocka_unit_test(test_files_list),
		cmocka_unit_test(test_gather_enough),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
