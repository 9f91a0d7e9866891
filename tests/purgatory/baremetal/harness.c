// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bare-metal harness for the purgatory blob under qemu-system-aarch64
 * (TCG; the virt machine, 2 CPUs, RAM from 0x40000000).
 *
 * QEMU's loader device puts the pieces in RAM before reset: the test
 * descriptor (gen-cases.py) at DESC_ADDR, purgatory.bin at desc.stage_addr,
 * the segments' contents at their addresses. CPU 0 then does what our
 * loader and the kernel's kexec path do: copies the blob to its load
 * address, fills the header, and jumps to blob + entry with the MMU off,
 * at the EL QEMU started it in (EL1, or EL2; for a VHE host, EL2 with
 * HCR_EL2.E2H = 1). The purgatory jumps to fake_kernel (start.S), which
 * checks x0-x3 and the state it is entered in. CPU 1 watches for a
 * purgatory that spins or hangs.
 *
 * Each run prints one line through semihosting and exits QEMU:
 *   RESULT status=boot|spin|timeout|error key=value...
 * run.sh compares the keys with what the case expects.
 */
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

#define DESC_ADDR 0x40100000ull
#define DESC_MAGIC 0x53454e5241485450ull /* "PTHARNES" */
#define DTB_VALUE 0x4fe00000ull		 /* what x0 must carry */
#define GUARD 0x5a
#define PAGE 4096ull

struct desc_seg {
	uint64_t addr, size;
	uint64_t crc32; /* its table of per-chunk CRC-32, loaded by QEMU */
	uint32_t chunk, nchunks;
};

struct desc {
	uint64_t magic;
	uint64_t stage_addr, stage_size; /* purgatory.bin as loaded */
	uint64_t blob_addr;		 /* where to copy it */
	uint64_t idmap, idmap_size;
	uint32_t flags, test_flags;
	uint32_t e2h;	      /* 1: set HCR_EL2.E2H and TGE first (VHE host) */
	uint32_t corrupt;     /* flip a bit of this segment's data, or ~0 */
	uint32_t nr_segments; /* may exceed KX_PURG_MAX_SEGMENTS */
	uint32_t timeout_s;
	uint64_t corrupt_off; /* ... bit 3 of this byte of it */
	uint32_t bad_nchunks; /* one more chunk than this segment has, or ~0 */
	uint32_t pad;
	struct desc_seg seg[KX_PURG_MAX_SEGMENTS + 1];
};

/* start.S */
void jump_to(uint64_t pc) __attribute__((noreturn));
uint64_t semihost(uint64_t op, uint64_t param);
uint64_t psci_hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
uint64_t psci_smc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
unsigned read_el(void);
uint64_t read_sctlr(void);
uint64_t read_hcr(void);
void write_hcr(uint64_t v);
uint64_t read_mmfr1(void);
uint64_t read_cntvct(void);
uint64_t read_cntfrq(void);
extern char fake_kernel[], secondary_entry[];

/* what fake_kernel recorded */
struct {
	uint64_t x[4];
	uint64_t currentel, sctlr, hcr;
} kentry;

/* CPU 0's state before the jump */
static volatile struct {
	unsigned el;
	uint64_t sctlr, hcr, t0;
} before;

static volatile struct desc *const desc = (struct desc *)DESC_ADDR;

/* ---- output through semihosting ------------------------------------------- */

static char line[512];
static size_t pos;

static void put_str(const char *s)
{
	while (*s && pos < sizeof(line) - 1)
		line[pos++] = *s++;
}

static void put_u(uint64_t v, unsigned base)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16)
		put_str("0x");
	while (n)
		line[pos < sizeof(line) - 1 ? pos++ : pos] = buf[--n];
}

static void kv(const char *k, int64_t v)
{
	put_str(" ");
	put_str(k);
	put_str("=");
	if (v < 0) {
		put_str("-");
		put_u((uint64_t)-v, 10);
	} else {
		put_u((uint64_t)v, 10);
	}
}

static void kvx(const char *k, uint64_t v)
{
	put_str(" ");
	put_str(k);
	put_str("=");
	put_u(v, 16);
}

static __attribute__((noreturn)) void finish(int code)
{
	static uint64_t block[2];

	line[pos++] = '\n';
	line[pos] = 0;
	semihost(0x04, (uint64_t)(uintptr_t)line); /* SYS_WRITE0 */
	block[0] = 0x20026; /* ADP_Stopped_ApplicationExit */
	block[1] = (uint64_t)code;
	semihost(0x18, (uint64_t)(uintptr_t)block); /* SYS_EXIT */
	for (;;)
		;
}

static __attribute__((noreturn)) void error(const char *why)
{
	pos = 0;
	put_str("RESULT status=error why=");
	put_str(why);
	finish(2);
}

/* ---- memory helpers (byte loops: Device memory, MMU off) ------------------- */

static void fill(uint64_t addr, uint64_t len, uint8_t v)
{
	volatile uint8_t *p = (uint8_t *)(uintptr_t)addr;

	for (uint64_t i = 0; i < len; i++)
		p[i] = v;
}

static int filled(uint64_t addr, uint64_t len, uint8_t v)
{
	volatile uint8_t *p = (uint8_t *)(uintptr_t)addr;

	for (uint64_t i = 0; i < len; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static uint64_t blob_end(void)
{
	return desc->blob_addr + desc->stage_size;
}

static uint64_t round_up(uint64_t v)
{
	return (v + PAGE - 1) & ~(PAGE - 1);
}

/*
 * The guards: the page below the blob, the rest of its last page and the
 * page above, the page above the scratch area. The purgatory may write
 * only inside its image and the tables.
 */
static void set_guards(void)
{
	fill(desc->blob_addr - PAGE, PAGE, GUARD);
	fill(blob_end(), round_up(blob_end()) + PAGE - blob_end(), GUARD);
	if (desc->idmap)
		fill(desc->idmap + desc->idmap_size, PAGE, GUARD);
}

static int guards_intact(void)
{
	return filled(desc->blob_addr - PAGE, PAGE, GUARD) &&
	       filled(blob_end(), round_up(blob_end()) + PAGE - blob_end(),
		      GUARD) &&
	       (!desc->idmap ||
		filled(desc->idmap + desc->idmap_size, PAGE, GUARD));
}

static volatile struct kx_purg_header *header(void)
{
	return (struct kx_purg_header *)(uintptr_t)desc->blob_addr;
}

static volatile struct kx_purg_diag *diag(void)
{
	return (struct kx_purg_diag *)(uintptr_t)(desc->blob_addr +
						  KX_DIAG_OFFSET);
}

static uint64_t elapsed_ms(void)
{
	return (read_cntvct() - before.t0) * 1000 / read_cntfrq();
}

/* The diagnostic block, as key=value pairs. */
static void put_diag(void)
{
	volatile struct kx_purg_diag *d = diag();
	const uint64_t mci = 1 | 1 << 2 | 1 << 12;

	kv("el", d->el & 0xff);
	kv("e2h", d->el >> 8);
	kv("check", d->check);
	kv("mmu", d->mmu);
	kv("tables", d->tables);
	kv("phase", d->phase);
	kv("failed", header()->failed_segment);
	kv("chunk", d->chunk);
	kv("cache_on", (d->sctlr_on & mci) == mci);
	kvx("sctlr_on", d->sctlr_on);
	if (d->phase == KX_PHASE_EXCEPTION) {
		kvx("vector", d->vector);
		kvx("esr", d->esr);
		kvx("elr", d->elr);
		kvx("far", d->far);
	}
}

/* ---- CPU 0 ----------------------------------------------------------------- */

void harness_main(void)
{
	volatile struct kx_purg_header *h;
	uint64_t stage = desc->stage_addr;
	uint32_t n;

	if (desc->magic != DESC_MAGIC)
		error("no-descriptor");
	before.el = read_el();
	if (desc->e2h) {
		/* a VHE host's kexec enters at EL2 with E2H (and TGE) set */
		if (before.el != 2)
			error("e2h-needs-el2");
		if (!((read_mmfr1() >> 8) & 0xf))
			error("cpu-has-no-vhe");
		write_hcr(read_hcr() | 1ull << 34 | 1ull << 27);
	}
	before.hcr = before.el == 2 ? read_hcr() : 0;

	set_guards();
	if (desc->idmap) /* garbage: the purgatory must clear its tables */
		fill(desc->idmap, desc->idmap_size, 0xa5);
	for (uint64_t i = 0; i < desc->stage_size; i++)
		((volatile uint8_t *)(uintptr_t)desc->blob_addr)[i] =
			((volatile uint8_t *)(uintptr_t)stage)[i];

	h = header();
	if (h->magic != KX_PURG_MAGIC || h->version != KX_PURG_VERSION)
		error("no-purgatory-header");
	h->kernel_entry = (uint64_t)(uintptr_t)fake_kernel;
	h->dtb = DTB_VALUE;
	h->flags = desc->flags;
	h->nr_segments = desc->nr_segments;
	h->idmap = desc->idmap;
	h->idmap_size = desc->idmap_size;
	h->failed_segment = 0x7777; /* the purgatory sets -1 */
	n = desc->nr_segments < KX_PURG_MAX_SEGMENTS ? desc->nr_segments :
						       KX_PURG_MAX_SEGMENTS;
	for (uint32_t i = 0; i < n; i++) {
		h->seg[i].addr = desc->seg[i].addr;
		h->seg[i].size = desc->seg[i].size;
		h->seg[i].crc32 = desc->seg[i].crc32;
		h->seg[i].chunk = desc->seg[i].chunk;
		h->seg[i].nchunks = desc->seg[i].nchunks;
	}
	if (desc->bad_nchunks < n)
		h->seg[desc->bad_nchunks].nchunks++;
	/* one bit flipped between the load and the jump */
	if (desc->corrupt < n &&
	    desc->corrupt_off < desc->seg[desc->corrupt].size)
		((volatile uint8_t *)(uintptr_t)desc->seg[desc->corrupt]
			 .addr)[desc->corrupt_off] ^= 0x08;
	diag()->test_flags = desc->test_flags;

	/* CPU 1 watches; same conduit as QEMU's built-in PSCI: SMC at EL2 */
	if ((before.el == 2 ? psci_smc : psci_hvc)(
		    0xc4000003, 1, (uintptr_t)secondary_entry, 0) != 0)
		error("psci-cpu-on");

	before.sctlr = read_sctlr();
	before.t0 = read_cntvct();
	jump_to(desc->blob_addr + h->entry);
}

/* The purgatory's jump target: what does the kernel find? */
void kernel_main(void)
{
	uint64_t ms = elapsed_ms();
	unsigned el = (kentry.currentel >> 2) & 3;
	int regs = kentry.x[0] == DTB_VALUE && !kentry.x[1] && !kentry.x[2] &&
		   !kentry.x[3];

	pos = 0;
	put_str("RESULT status=boot");
	kv("regs", regs);
	if (!regs) {
		kvx("x0", kentry.x[0]);
		kvx("x1", kentry.x[1]);
	}
	kv("same_el", el == before.el && (el != 2 || kentry.hcr == before.hcr));
	/* booting.rst: MMU off, D-cache off; we also restore I as it was */
	kv("mc_off", !(kentry.sctlr & (1 | 1 << 2)));
	kv("sctlr_restored", kentry.sctlr == before.sctlr);
	kv("guards", guards_intact());
	put_diag();
	kv("ms", (int64_t)ms);
	finish(0);
}

/* ---- CPU 1 ----------------------------------------------------------------- */

void watchdog_main(void)
{
	uint64_t limit = (uint64_t)desc->timeout_s * 1000;

	for (;;) {
		uint32_t phase = diag()->phase;

		if (phase == KX_PHASE_MISMATCH ||
		    phase == KX_PHASE_BAD_HEADER ||
		    phase == KX_PHASE_EXCEPTION) {
			uint64_t t = elapsed_ms();

			while (elapsed_ms() < t + 200) /* let it settle */
				;
			pos = 0;
			put_str("RESULT status=spin");
			kv("guards", guards_intact());
			put_diag();
			finish(0);
		}
		if (before.t0 && elapsed_ms() > limit) {
			pos = 0;
			put_str("RESULT status=timeout");
			put_diag();
			finish(1);
		}
	}
}
