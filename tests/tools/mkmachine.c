// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkmachine - write the snapshot root (doc/snapshot.md) of an arm64
 * machine from a short text description. It makes the test fixtures.
 *
 * This generator shares no code with the library it tests. It lays out every
 * firmware structure itself, byte by byte and in little-endian order. A
 * misreading of a structure in the library then shows up as a test failure,
 * and is not copied into the fixtures. The DTB is the one exception: libfdt
 * writes it, because libfdt is the reference for that format.
 *
 * Usage: mkmachine [-d] DESC OUTDIR
 *
 * The language has one statement per line. A '#' that starts a word starts a
 * comment, except in cmdline, model, kmsg and version, whose text runs
 * verbatim to the end of the line. Numbers are C integers (0x.., 0.., decimal),
 * with an optional K, M, G or T suffix (powers of 1024). A quoted "string" is
 * one word.
 *
 *   ram START SIZE                 System RAM (4 KiB aligned)
 *   reserved START SIZE            "reserved" child of System RAM
 *   crashkernel START SIZE         "Crash kernel" child of System RAM
 *   kernel START SIZE              "Kernel code" + "Kernel data" (halves)
 *   mmio START SIZE NAME...        top-level /proc/iomem line
 *   cmdline TEXT                   /proc/cmdline and /chosen/bootargs
 *   model TEXT                     model property of the DT root
 *   kmsg [<PRIO>]TEXT              one /dev/kmsg record
 *   kmsg-seq N                     the first record's sequence number: N > 0
 *                                  is a ring buffer that lost its first N
 *   file PATH TEXT                 one line of TEXT in PATH (relative to the
 *                                  root); the lines of one PATH go in order
 *   fdt-memreserve BASE SIZE       DTB header reserve map entry
 *   no-fdt                         write no sys/firmware/fdt
 *   systab ADDR [revision MAJ.MIN|N] [signature HEX] [header-size N]
 *          [entries N] [vendor "TEXT"] [crc bad|good]
 *   config ADDR [virt VADDR]       configuration table array
 *   mmap ADDR                      EFI memory map
 *   table NAME|GUID ADDR           configuration table entry
 *   memreserve ROOT [next ADDR|end]  Linux memreserve root (+ its table)
 *   block ADDR [size N] [count N] [next ADDR|end]
 *   entry BASE SIZE                one entry of the current block
 *   entries N BASE STRIDE SIZE     N entries {BASE + i*STRIDE, SIZE}
 *   fill N BASE STRIDE SIZE BLOCKS-AT  N entries in full 4 KiB blocks
 *   capture START SIZE             add a captured range
 *   uncapture START SIZE           remove a captured range
 *   poke ADDR HEX...               raw bytes, written after everything else
 *   version TEXT                   /proc/version
 *   kexec [loaded 0|1] [crash-loaded 0|1] [crash-size N]
 *                                  sys/kernel/kexec_{loaded,crash_loaded,
 *                                  crash_size}; crash-size defaults to the
 *                                  first crashkernel line's size, else 0
 *   lockdown none|integrity|confidentiality
 *                                  sys/kernel/security/lockdown
 *   reserved-memory BASE SIZE [NAME] [no-map] [cpu N] [idbits N]
 *                                  static /reserved-memory/NAME@BASE child
 *                                  (reg), NAME defaults to "reserved";
 *                                  cpu and idbits: gic-kexec's properties
 *                                  on the LPI table nodes its kexec writes
 *   gic [version 2|3|4] dist ADDR [redist ADDR SIZE]... [stride N] [no-dt]
 *       [madt] [madt-version N] [gicc-rd] [regs captured|hidden]
 *       [compatible STR]
 *                                  a GICv3/v4 (default 3): its DT node
 *                                  unless no-dt, an ACPI MADT with madt
 *                                  (gicc-rd: each GICC names its RD_base,
 *                                  no GICR structure), its register frames;
 *                                  version 2: a GICv2 (DT compatible
 *                                  arm,gic-400 unless compatible, MADT GICD
 *                                  version 2), no redistributor, no ITS;
 *                                  madt-version: the GICD structure's
 *                                  version byte instead (0: not stated)
 *   madt-x86 CPUS                  an x86 MADT: a local APIC per CPU and an
 *                                  I/O APIC, no GIC structure at all
 *   rds COUNT [lpis on|off] [prop ADDR] [idbits N] [pend BASE [STEP]]
 *       [log allocated|reserved|none] [preallocated]
 *                                  COUNT redistributors, CPU i's pending
 *                                  table at BASE + i*STEP (64 KiB steps)
 *   rd INDEX [lpis on|off] [prop ADDR] [pend ADDR] [idbits N]
 *       [log allocated|reserved|none]
 *                                  change one redistributor of rds
 *   its ADDR [cmdq ADDR]           an ITS (its command queue, default in the
 *                                  top 64 KiB pages of the first ram range)
 *
 * The order of lines matters only for table (the array's order), block (the
 * list order from the root), entry/entries (they go to the block above),
 * kmsg, poke, capture/uncapture, rds (its kernel log lines go where it
 * stands among the kmsg lines), rd (a later line wins) and its (ITS order). A
 * block's count defaults to its entries, its next to the following block (the
 * last one ends the list, as does `next end`); the root's next to the first
 * block. The kernel pushes new blocks at the head, so list order is newest
 * first.
 *
 * Defaults for the EFI layout: the vendor string ("EDK II") right after the
 * 120-byte system table, the config array after it and the memory map after
 * the array, each 8-aligned. The memory map has one conventional descriptor
 * per ram line and, with `config ... virt`, a runtime one that maps the
 * array's pages from VADDR back to ADDR.
 *
 * The GIC is a QEMU virt one. The default redistributor region starts at
 * dist + 0xa0000 and holds the RDs; several redist regions are filled in
 * turn, one RD every stride (default 128 KiB, 256 KiB on GICv4), the last
 * of each region with GICR_TYPER.Last. CPU i has Aff0 = i % 16, Aff1 =
 * (i / 16) % 256, Aff2 = i / 4096. An RD has LPIs on by default; with LPIs
 * on it needs prop and pend, PROPBASER is prop | 0x780 | (idbits - 1)
 * (idbits default 16) and PENDBASER pend | 0x780 (InnerShareable, RaWaWb,
 * as Linux programs them); with LPIs off both are 0. `preallocated` is
 * `log reserved`. The kernel's lines: per RD, "GICv3: CPUi: found
 * redistributor MPIDR region R:0xBASE" and, with LPIs on, its pending
 * table line ("allocated" or "reserved"); after CPU0's found line the
 * property table line, and before it, with reserved, "GICv3: Using
 * preallocated redistributor tables". `log none` leaves out that CPU's
 * lines (all lines on rds). R counts the GICC entries with gicc-rd.
 *
 * Register frames are captured whole: GICD 64 KiB, each RD its 128 KiB or
 * 256 KiB, each ITS its 64 KiB control frame; the registers the fixtures
 * leave out read 0. `regs hidden` keeps the GICD and GICR frames out of
 * the captured ranges (as a kernel that claims them refuses /dev/mem); the
 * ITS frames, which no kernel claims, stay captured.
 *
 * Captured ranges are the bytes written (structures, blocks with all their
 * slots, GIC frames, pokes), merged, then capture and uncapture in the order
 * given. Only captured bytes reach dev/mem or dev/mem.d; OUTDIR must be
 * empty.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define PAGE_SIZE 4096ULL
#define SYSTAB_SIZE 120			       /* EFI_SYSTEM_TABLE, 64-bit */
#define SYSTAB_SIGNATURE 0x5453595320494249ULL /* "IBI SYST" */
#define SYSTAB_REVISION ((2U << 16) | 70U)     /* 2.70, as EDK2 in QEMU */
#define CONFIG_ENTRY_SIZE 24		       /* EFI_CONFIGURATION_TABLE */
#define DESC_SIZE 48 /* what EDK2 reports, not sizeof (40) */
#define DESC_VERSION 1
#define EFI_RUNTIME_SERVICES_DATA 6
#define EFI_CONVENTIONAL_MEMORY 7
#define EFI_MEMORY_CACHEABLE 0xfULL /* UC | WC | WT | WB */
#define EFI_MEMORY_RUNTIME (1ULL << 63)
#define RSV_HEADER 16 /* struct linux_efi_memreserve */
#define RSV_ENTRY 16
#define RSV_SLOTS 255 /* EFI_MEMRESERVE_COUNT(SZ_4K) */
#define MAX_BLOCK_BYTES (1U << 20)
#define MAX_BLOCK_SLOTS ((MAX_BLOCK_BYTES - RSV_HEADER) / RSV_ENTRY)
#define MAX_ENTRIES 10000000U /* over all blocks: 160 MB of entries */
#define MAX_HEADER 65536U     /* header-size bytes actually laid out */
#define MAX_FDT (64 << 20)
#define GIC_FRAME 0x10000ULL	     /* one 64 KiB register frame */
#define GIC_REDIST_OFFSET 0xa0000ULL /* QEMU virt: redist region - dist */
#define GIC_ITS_SIZE 0x20000ULL	     /* control + translation frames */
#define GIC_PA_LIMIT (1ULL << 52)    /* BASER addresses end at bit 51 */
#define GIC_BASER_ATTR 0x780ULL	     /* InnerShareable | RaWaWb, as Linux */
#define GIC_IIDR 0x43bU		     /* Arm as implementer, as QEMU */
#define GIC_PIDR2 0xffe8U
#define GICD_CTLR_VALUE 0x53U	    /* ARE_NS etc., as QEMU after boot */
#define GICD_TYPER_VALUE 0x7a0007U  /* IDbits 15, LPIS, ITLinesNumber 7 */
#define GITS_CTLR_VALUE 0x80000001U /* Quiescent | Enabled */
#define GITS_TYPER_VALUE 0x1ef71ULL /* Devbits 15, IDbits 15, ITT 7, PLPIS */
#define GITS_CBASER_ATTR 0xb80000000000040fULL /* Valid, RaWaWb, IS, 64K */
#define MAX_RDS 65536U /* GICR_TYPER.Processor_Number has 16 bits */
#define DEFAULT_IDBITS 16U
#define MADT_HEADER 44
#define MADT_GICC 80 /* ACPI 6.3 */
#define MADT_GICD 24
#define MADT_GICR 16
#define MADT_ITS 20
#define MADT_REVISION 5

static const char memreserve_guid[] = "888eb0c6-8ede-4ff5-a8f0-9aee5cb977c2";

/* sys/kernel/security/lockdown, in the kernel's order */
static const char *const lockdown_modes[] = { "none", "integrity",
					      "confidentiality" };

static const struct {
	const char *name;
	const char *guid;
} table_names[] = {
	{ "acpi", "eb9d2d30-2d88-11d3-9a16-0090273fc14d" },
	{ "acpi20", "8868e871-e4f1-11d3-bc22-0080c73c8881" },
	{ "smbios", "eb9d2d31-2d88-11d3-9a16-0090273fc14d" },
	{ "smbios3", "f2fd1544-9794-4a2c-992e-e5bbcf20e394" },
	{ "memattr", "dcfa911d-26eb-469f-a220-38b7dc461220" },
	{ "esrt", "b122a263-3661-4f68-9929-78f8b0d62180" },
	{ "rtprop", "eb66918a-7eef-402a-842e-931d21c38ae9" },
	{ "rng-seed", "1ce1e5bc-7ceb-42f2-81e5-8aadf180f57b" },
	{ "tpm-log", "b7799cb0-eca2-4943-9667-1fae07b747fa" },
	{ "tpm-final-log", "1e2ed096-30e2-4254-bd89-863bbef82325" },
	{ "initrd", "5568e427-68fc-4f3d-ac74-ca555231cc68" },
	{ "screen-info", "e03fc20a-85dc-406e-b90e-4ab502371d95" },
	{ "dt", "b1b621d5-f19c-41a5-830b-d9152c69aae0" },
	{ "memreserve", memreserve_guid },
};

/* A growable array; PUSH() appends one zeroed element and returns it. */
#define ARRAY(type)         \
	struct {            \
		type *v;    \
		size_t n;   \
		size_t cap; \
	}
#define PUSH(a)                                                 \
	((a).v = grow((a).v, &(a).n, &(a).cap, sizeof(*(a).v)), \
	 &(a).v[(a).n - 1])

/* An address range; END is inclusive so that a range may end at 2^64 - 1. */
struct span {
	u64 start;
	u64 end;
};

struct res { /* one /proc/iomem line */
	u64 start;
	u64 end;
	const char *name;
	int order; /* among equal ranges: parent first */
	unsigned int line;
};

struct pair { /* a memreserve or /memreserve/ entry */
	u64 base;
	u64 size;
};

struct record { /* one kmsg line */
	int prio;
	char *text;
};

enum next_kind { NEXT_DEFAULT, NEXT_END, NEXT_ADDR };

struct link {
	enum next_kind kind;
	u64 addr;
};

struct block {
	u64 addr;
	u32 size; /* an int in the kernel: stored as its bits */
	u32 count;
	bool count_set;
	struct link next;
	size_t first; /* its entries: machine.entries[first..+n) */
	size_t n;
	unsigned int line;
};

struct table {
	u8 guid[16];
	u64 addr;
	unsigned int line;
};

struct capop {
	struct span r;
	bool add;
};

struct chunk { /* bytes written to physical memory */
	u64 addr;
	size_t len;
	u8 *data; /* NULL: LEN bytes that read 0, left as a hole */
	unsigned int line;
	bool hidden; /* not captured unless a capture line says so */
};

struct systab {
	unsigned int line; /* 0: the machine has no system table */
	u64 addr;
	u32 revision;
	u64 signature;
	u32 header_size;
	bool entries_set;
	u64 entries;
	char *vendor;
	bool crc_bad;
};

struct place {
	unsigned int line; /* 0: not given, use the default */
	u64 addr;
	bool virt_set;
	u64 virt;
};

struct root {
	unsigned int line;
	u64 addr;
	struct link next;
};

struct rsvmem { /* a /reserved-memory child */
	struct span r;
	char *name;
	bool no_map;
	unsigned int line;
	long long cpu, idbits; /* gic-kexec,cpu and gic-kexec,idbits; -1 none */
};

enum lpi_log { LOG_ALLOCATED, LOG_RESERVED, LOG_NONE };

/* What an rd line sets (rds sets them all). */
enum { RD_LPIS = 1, RD_PROP = 2, RD_PEND = 4, RD_IDBITS = 8, RD_LOG = 16 };

struct rdconf { /* one redistributor's settings, or what an rd line gives */
	unsigned int line; /* the last line that set any of them */
	unsigned int set;  /* RD_* */
	u64 index;
	bool lpis;
	u64 prop;
	u64 pend;
	unsigned int idbits;
	enum lpi_log log;
};

struct rdinfo { /* one redistributor as laid out */
	struct rdconf c;
	u64 base; /* RD_base */
	size_t region;
	bool last;
};

struct its {
	u64 addr;
	bool cmdq_set;
	u64 cmdq;
	unsigned int line;
};

struct gic {
	unsigned int line; /* 0: the machine has no GIC */
	unsigned int version;
	u64 dist;
	ARRAY(struct pair) regions; /* base, size; one default if none given */
	bool stride_set;
	u64 stride;
	bool no_dt;
	bool madt;
	bool madt_version_set;
	u8 madt_version; /* the GICD's byte with madt_version_set */
	bool gicc_rd;
	bool hidden;
	const char *compat; /* the DT node's compatible, NULL: by version */
	ARRAY(struct its) its;
	unsigned int rds_line; /* 0: no redistributor laid out */
	u64 count;
	struct rdconf dflt; /* the rds options */
	u64 pend_step;
	size_t kmsg_at; /* the rds line stands before kmsg record kmsg_at */
	ARRAY(struct rdconf) rd; /* the rd lines, in order */
	struct rdinfo *rds;	 /* count of them, after check_gic() */
};

struct kexec {
	unsigned int line;
	bool loaded;
	bool crash_loaded;
	bool crash_size_set;
	u64 crash_size;
};

struct machine {
	const char *desc;
	ARRAY(struct res) ram;
	ARRAY(struct res) sub; /* children of System RAM */
	ARRAY(struct res) mmio;
	ARRAY(struct record) kmsg;
	u64 kmsg_seq;
	unsigned int kmsg_seq_line;
	ARRAY(struct record) files; /* prio unused; text is "PATH\tTEXT" */
	ARRAY(struct pair) fdt_rsv;
	ARRAY(struct table) tables;
	ARRAY(struct block) blocks;
	ARRAY(struct pair) entries;
	ARRAY(struct capop) capops;
	ARRAY(struct chunk) pokes;
	char *cmdline;
	unsigned int cmdline_line;
	char *model;
	unsigned int model_line;
	unsigned int no_fdt_line;
	struct systab st;
	struct place config;
	struct place mmap;
	struct root root;
	bool block_open; /* `entry` lines go to the last block */
	char *version;
	unsigned int version_line;
	struct kexec kexec;
	unsigned int x86_line; /* madt-x86 */
	u64 x86_cpus;
	const char *lockdown;
	unsigned int lockdown_line;
	ARRAY(struct rsvmem) rsvmem;
	struct gic gic;
};

/* Where the EFI structures ended up, for the DTB and the memory image. */
struct layout {
	size_t systab_len;
	u64 config_addr;
	u64 config_len;
	u64 config_ptr; /* what the system table points at */
	u64 mmap_addr;
	u64 mmap_len;
};

struct image {
	ARRAY(struct chunk) c;
};

struct spans {
	ARRAY(struct span) s;
};

struct lexer {
	const char *desc;
	unsigned int line;
	const char *kw;
	char *p; /* the unread rest of the line */
};

/* One line on stderr, exit status 1: the only way this program fails. */
static void __attribute__((noreturn, format(printf, 3, 0)))
vdie(const char *desc, unsigned int line, const char *fmt, va_list ap)
{
	fputs("mkmachine: ", stderr);
	if (desc)
		fprintf(stderr, "%s:%u: ", desc, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	exit(1);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(NULL, 0, fmt, ap);
}

static void __attribute__((noreturn, format(printf, 3, 4)))
die_at(const char *desc, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(desc, line, fmt, ap);
}

/* Errors on the current line name the keyword, which says which line kind. */
#define FAIL(lx, fmt, ...) \
	die_at((lx)->desc, (lx)->line, "%s: " fmt, (lx)->kw, ##__VA_ARGS__)

static void __attribute__((noreturn)) die_sys(const char *path)
{
	die("%s: %s", path, strerror(errno));
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void *xcalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

/* qsort and memcpy with an empty NULL array are undefined: skip them */
static void sort(void *v, size_t n, size_t size,
		 int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(v, n, size, cmp);
}

static void copy(void *dst, const void *src, size_t len)
{
	if (len)
		memcpy(dst, src, len);
}

static void *grow(void *v, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		if (*cap > SIZE_MAX / 2 / size)
			die("out of memory");
		*cap = *cap ? 2 * *cap : 16;
		v = xrealloc(v, *cap * size);
	}
	memset((char *)v + *n * size, 0, size);
	(*n)++;
	return v;
}

static void put_le16(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

static void put_le32(u8 *p, u32 v)
{
	put_le16(p, (u16)v);
	put_le16(p + 2, (u16)(v >> 16));
}

static void put_le64(u8 *p, u64 v)
{
	put_le32(p, (u32)v);
	put_le32(p + 4, (u32)(v >> 32));
}

/* CRC-32 as zlib and the UEFI spec compute it (reflected, poly 0xedb88320). */
static u32 crc32_le(const u8 *p, size_t len)
{
	u32 crc = ~0U;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1U));
	}
	return ~crc;
}

/* ---- lexing ---------------------------------------------------------- */

static char *quoted_token(struct lexer *lx, char *s)
{
	char *end = strchr(s + 1, '"');

	if (!end)
		FAIL(lx, "unterminated string");
	*end++ = '\0';
	if (*end && *end != ' ' && *end != '\t')
		FAIL(lx, "text right after a closing quote");
	lx->p = *end ? end + 1 : end;
	return s + 1;
}

/* The next word, or NULL at the end of the line or at a comment. */
static char *next_token(struct lexer *lx)
{
	char *s = lx->p + strspn(lx->p, " \t");
	char *tok;

	if (!*s || *s == '#') {
		lx->p = s + strlen(s);
		return NULL;
	}
	if (*s == '"')
		return quoted_token(lx, s);
	tok = s;
	s += strcspn(s, " \t");
	if (*s)
		*s++ = '\0';
	lx->p = s;
	return tok;
}

static void expect_end(struct lexer *lx)
{
	const char *tok = next_token(lx);

	if (tok)
		FAIL(lx, "unexpected '%s'", tok);
}

static bool parse_u64(const char *s, u64 *out)
{
	unsigned long long v;
	u64 mul = 1;
	char *end;

	/* strtoull would take a sign or leading blanks: C integers have none */
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return false;
	if (*end && strchr("KMGT", *end) && !end[1]) {
		mul = 1ULL << (10 * (strchr("KMGT", *end) - "KMGT" + 1));
		end++;
	}
	if (*end || v > UINT64_MAX / mul)
		return false;
	*out = v * mul;
	return true;
}

static u64 get_num(struct lexer *lx, const char *what)
{
	const char *tok = next_token(lx);
	u64 v;

	if (!tok)
		FAIL(lx, "missing %s", what);
	if (!parse_u64(tok, &v))
		FAIL(lx, "bad number '%s' for %s", tok, what);
	return v;
}

static u32 get_u32(struct lexer *lx, const char *what)
{
	u64 v = get_num(lx, what);

	if (v > UINT32_MAX)
		FAIL(lx, "%s 0x%llx does not fit in 32 bits", what,
		     (unsigned long long)v);
	return (u32)v;
}

/* START SIZE as an inclusive span: empty or wrapping ranges are mistakes. */
static struct span get_span(struct lexer *lx)
{
	struct span r;
	u64 size;

	r.start = get_num(lx, "START");
	size = get_num(lx, "SIZE");
	if (!size)
		FAIL(lx, "SIZE must not be 0");
	if (r.start > UINT64_MAX - (size - 1))
		FAIL(lx, "range wraps past 2^64");
	r.end = r.start + (size - 1);
	return r;
}

/* The text after the keyword and the one blank that ended it, verbatim. */
static char *rest_text(struct lexer *lx)
{
	char *s = lx->p;

	lx->p = s + strlen(s);
	return s;
}

static int hex_digit(char ch)
{
	int c = (unsigned char)ch;

	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* GUID text is big-endian; in memory the first three fields are LE. */
static bool parse_guid(const char *s, u8 out[16])
{
	static const u8 order[16] = { 3, 2, 1,	0,  5,	4,  7,	6,
				      8, 9, 10, 11, 12, 13, 14, 15 };
	u8 text[16] = { 0 };
	size_t i, k = 0;

	if (strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			continue;
		}
		if (hex_digit(s[i]) < 0)
			return false;
		text[k / 2] = (u8)(text[k / 2] << 4 | hex_digit(s[i]));
		k++;
	}
	for (i = 0; i < 16; i++)
		out[i] = text[order[i]];
	return true;
}

static bool table_guid(const char *name, u8 out[16])
{
	size_t i;

	for (i = 0; i < sizeof(table_names) / sizeof(table_names[0]); i++)
		if (!strcmp(name, table_names[i].name))
			return parse_guid(table_names[i].guid, out);
	return parse_guid(name, out);
}

/* ---- statements ------------------------------------------------------ */

static void once(struct lexer *lx, unsigned int *line)
{
	if (*line)
		FAIL(lx, "given twice (first at line %u)", *line);
	*line = lx->line;
}

static void parse_ram(struct machine *m, struct lexer *lx)
{
	struct span r = get_span(lx);
	struct res *res;

	expect_end(lx);
	/* the EFI memory map counts RAM in 4 KiB pages */
	if ((r.start | (r.end + 1)) & (PAGE_SIZE - 1))
		FAIL(lx, "range is not 4 KiB aligned");
	res = PUSH(m->ram);
	*res = (struct res){ r.start, r.end, "System RAM", 0, lx->line };
}

static void add_sub(struct machine *m, struct lexer *lx, struct span r,
		    const char *name)
{
	struct res *res = PUSH(m->sub);

	*res = (struct res){ r.start, r.end, name, 2, lx->line };
}

static void parse_reserved(struct machine *m, struct lexer *lx)
{
	struct span r = get_span(lx);

	expect_end(lx);
	add_sub(m, lx, r, "reserved");
}

static void parse_crashkernel(struct machine *m, struct lexer *lx)
{
	struct span r = get_span(lx);

	expect_end(lx);
	add_sub(m, lx, r, "Crash kernel");
}

static void parse_kernel(struct machine *m, struct lexer *lx)
{
	struct span r = get_span(lx);
	u64 half = (r.end - r.start + 1) / 2;

	expect_end(lx);
	if (!half)
		FAIL(lx, "SIZE must be at least 2 to split into code and data");
	add_sub(m, lx, (struct span){ r.start, r.start + half - 1 },
		"Kernel code");
	add_sub(m, lx, (struct span){ r.start + half, r.end }, "Kernel data");
}

static void parse_mmio(struct machine *m, struct lexer *lx)
{
	struct span r = get_span(lx);
	size_t len = 0;
	char *name = NULL;
	const char *tok;
	struct res *res;

	/* the name's words are joined by one blank */
	while ((tok = next_token(lx))) {
		name = xrealloc(name, len + strlen(tok) + 2);
		if (len)
			name[len++] = ' ';
		strcpy(name + len, tok);
		len += strlen(tok);
	}
	if (!name)
		FAIL(lx, "missing NAME");
	res = PUSH(m->mmio);
	*res = (struct res){ r.start, r.end, name, 1, lx->line };
}

static void parse_cmdline(struct machine *m, struct lexer *lx)
{
	once(lx, &m->cmdline_line);
	m->cmdline = xstrdup(rest_text(lx));
}

static void parse_model(struct machine *m, struct lexer *lx)
{
	once(lx, &m->model_line);
	m->model = xstrdup(rest_text(lx));
}

/* A leading <N> is the record's priority, as printk's level prefix. */
static void parse_kmsg(struct machine *m, struct lexer *lx)
{
	char *text = rest_text(lx);
	struct record *rec = PUSH(m->kmsg);
	size_t n = text[0] == '<' ? strspn(text + 1, "0123456789") : 0;

	rec->prio = 6;
	if (n && n <= 3 && text[n + 1] == '>') {
		rec->prio = atoi(text + 1);
		/* facility 23, level 7: the largest /dev/kmsg prefix */
		if (rec->prio > 191)
			FAIL(lx, "priority %d out of range 0-191", rec->prio);
		text += n + 2;
	}
	rec->text = xstrdup(text);
}

static void parse_kmsg_seq(struct machine *m, struct lexer *lx)
{
	once(lx, &m->kmsg_seq_line);
	m->kmsg_seq = get_num(lx, "N");
	expect_end(lx);
}

/* PATH, then the rest of the line verbatim. */
static void parse_file_stmt(struct machine *m, struct lexer *lx)
{
	const char *path = next_token(lx);
	char *text = rest_text(lx);
	struct record *rec;

	if (!path || path[0] == '/' || strstr(path, ".."))
		FAIL(lx, "file needs a relative PATH inside the root");
	rec = PUSH(m->files);
	rec->text = xrealloc(NULL, strlen(path) + strlen(text) + 2);
	sprintf(rec->text, "%s\t%s", path, text);
}

static void parse_fdt_memreserve(struct machine *m, struct lexer *lx)
{
	struct pair *p = PUSH(m->fdt_rsv);

	/* a zero size is allowed: it is how a broken map ends early */
	p->base = get_num(lx, "BASE");
	p->size = get_num(lx, "SIZE");
	expect_end(lx);
}

static void parse_madt_x86(struct machine *m, struct lexer *lx)
{
	once(lx, &m->x86_line);
	m->x86_cpus = get_num(lx, "CPUS");
	if (!m->x86_cpus || m->x86_cpus > 255)
		FAIL(lx, "CPUS must be 1 to 255");
	expect_end(lx);
}

static void parse_no_fdt(struct machine *m, struct lexer *lx)
{
	expect_end(lx);
	once(lx, &m->no_fdt_line);
}

static u32 parse_revision(struct lexer *lx, const char *s)
{
	unsigned long major, minor;
	char *end;
	u64 v;

	if (!strchr(s, '.')) {
		if (!parse_u64(s, &v) || v > UINT32_MAX)
			FAIL(lx, "bad revision '%s'", s);
		return (u32)v;
	}
	/* decimal parts: 2.70 is (2 << 16) | 70, as UEFI spells its versions */
	if (!isdigit((unsigned char)*s))
		FAIL(lx, "bad revision '%s'", s);
	major = strtoul(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		FAIL(lx, "bad revision '%s'", s);
	minor = strtoul(end + 1, &end, 10);
	if (*end || major > 0xffff || minor > 0xffff)
		FAIL(lx, "bad revision '%s'", s);
	return (u32)(major << 16 | minor);
}

static u64 parse_hex64(struct lexer *lx, const char *s)
{
	unsigned long long v;
	char *end;

	if (!isxdigit((unsigned char)*s))
		FAIL(lx, "bad signature '%s'", s);
	errno = 0;
	v = strtoull(s, &end, 16);
	if (errno || *end)
		FAIL(lx, "bad signature '%s'", s);
	return v;
}

static char *parse_vendor(struct lexer *lx)
{
	const char *s = next_token(lx);
	const char *c;

	if (!s)
		FAIL(lx, "missing vendor TEXT");
	/* ASCII maps to UTF-16 unit by unit; no need for a UTF-8 decoder */
	for (c = s; *c; c++)
		if ((unsigned char)*c >= 0x80)
			FAIL(lx, "vendor must be ASCII");
	return xstrdup(s);
}

static const char *option_value(struct lexer *lx, const char *opt)
{
	const char *v = next_token(lx);

	if (!v)
		FAIL(lx, "missing value for %s", opt);
	return v;
}

static void parse_systab_option(struct systab *st, struct lexer *lx,
				const char *opt)
{
	const char *v;

	if (!strcmp(opt, "revision")) {
		st->revision = parse_revision(lx, option_value(lx, opt));
	} else if (!strcmp(opt, "signature")) {
		st->signature = parse_hex64(lx, option_value(lx, opt));
	} else if (!strcmp(opt, "header-size")) {
		st->header_size = get_u32(lx, opt);
	} else if (!strcmp(opt, "entries")) {
		st->entries = get_num(lx, opt);
		st->entries_set = true;
	} else if (!strcmp(opt, "vendor")) {
		free(st->vendor);
		st->vendor = parse_vendor(lx);
	} else if (!strcmp(opt, "crc")) {
		v = option_value(lx, opt);
		if (strcmp(v, "bad") && strcmp(v, "good"))
			FAIL(lx, "crc must be 'bad' or 'good', not '%s'", v);
		st->crc_bad = !strcmp(v, "bad");
	} else {
		FAIL(lx, "unknown option '%s'", opt);
	}
}

static void parse_systab(struct machine *m, struct lexer *lx)
{
	struct systab *st = &m->st;
	const char *opt;

	once(lx, &st->line);
	st->addr = get_num(lx, "ADDR");
	st->revision = SYSTAB_REVISION;
	st->signature = SYSTAB_SIGNATURE;
	st->header_size = SYSTAB_SIZE;
	st->vendor = xstrdup("EDK II");
	while ((opt = next_token(lx)))
		parse_systab_option(st, lx, opt);
}

static void parse_config(struct machine *m, struct lexer *lx)
{
	const char *opt;

	once(lx, &m->config.line);
	m->config.addr = get_num(lx, "ADDR");
	opt = next_token(lx);
	if (opt && strcmp(opt, "virt"))
		FAIL(lx, "unexpected '%s'", opt);
	if (opt) {
		m->config.virt = get_num(lx, "VADDR");
		m->config.virt_set = true;
		/* the map translates whole pages: the offsets must agree */
		if ((m->config.virt ^ m->config.addr) & (PAGE_SIZE - 1))
			FAIL(lx, "VADDR and ADDR differ within their page");
	}
	expect_end(lx);
}

static void parse_mmap(struct machine *m, struct lexer *lx)
{
	once(lx, &m->mmap.line);
	m->mmap.addr = get_num(lx, "ADDR");
	expect_end(lx);
}

static void parse_table(struct machine *m, struct lexer *lx)
{
	const char *name = next_token(lx);
	struct table *t = PUSH(m->tables);

	if (!name)
		FAIL(lx, "missing NAME or GUID");
	if (!table_guid(name, t->guid))
		FAIL(lx, "'%s' is neither a table name nor a GUID", name);
	t->addr = get_num(lx, "ADDR");
	t->line = lx->line;
	expect_end(lx);
}

/* An optional `next ADDR|end`; returns false if TOK is something else. */
static bool parse_next(struct lexer *lx, const char *tok, struct link *next)
{
	const char *v;

	if (strcmp(tok, "next"))
		return false;
	v = option_value(lx, tok);
	if (!strcmp(v, "end")) {
		next->kind = NEXT_END;
	} else if (parse_u64(v, &next->addr)) {
		next->kind = NEXT_ADDR;
	} else {
		FAIL(lx, "bad next '%s' (ADDR or end)", v);
	}
	return true;
}

static void parse_memreserve(struct machine *m, struct lexer *lx)
{
	struct table *t;
	const char *tok;

	once(lx, &m->root.line);
	m->root.addr = get_num(lx, "ROOT");
	tok = next_token(lx);
	if (tok && !parse_next(lx, tok, &m->root.next))
		FAIL(lx, "unexpected '%s'", tok);
	expect_end(lx);
	t = PUSH(m->tables);
	parse_guid(memreserve_guid, t->guid);
	t->addr = m->root.addr;
	t->line = lx->line;
}

static void parse_block_option(struct block *b, struct lexer *lx,
			       const char *opt)
{
	if (parse_next(lx, opt, &b->next))
		return;
	if (!strcmp(opt, "size")) {
		b->size = get_u32(lx, opt);
	} else if (!strcmp(opt, "count")) {
		b->count = get_u32(lx, opt);
		b->count_set = true;
	} else {
		FAIL(lx, "unknown option '%s'", opt);
	}
}

static void parse_block(struct machine *m, struct lexer *lx)
{
	struct block *b = PUSH(m->blocks);
	const char *opt;

	b->addr = get_num(lx, "ADDR");
	b->size = RSV_SLOTS;
	b->first = m->entries.n;
	b->line = lx->line;
	while ((opt = next_token(lx)))
		parse_block_option(b, lx, opt);
	m->block_open = true;
}

/* BASE + (N - 1) * STRIDE must not wrap: fixtures list real addresses. */
static void check_series(struct lexer *lx, u64 n, u64 base, u64 stride)
{
	u64 last;

	if (n > MAX_ENTRIES)
		FAIL(lx, "N %llu is above the limit %u", (unsigned long long)n,
		     MAX_ENTRIES);
	if (n && (__builtin_mul_overflow(n - 1, stride, &last) ||
		  __builtin_add_overflow(base, last, &last)))
		FAIL(lx, "the series wraps past 2^64");
}

static void add_entries(struct machine *m, struct lexer *lx, u64 n, u64 base,
			u64 stride, u64 size)
{
	u64 i;

	if (n > MAX_ENTRIES - m->entries.n)
		FAIL(lx, "more than %u entries in the machine", MAX_ENTRIES);
	for (i = 0; i < n; i++)
		*PUSH(m->entries) = (struct pair){ base + i * stride, size };
}

static void parse_entry(struct machine *m, struct lexer *lx)
{
	u64 base = get_num(lx, "BASE");
	u64 size = get_num(lx, "SIZE");

	expect_end(lx);
	if (!m->block_open)
		FAIL(lx, "no block line before it");
	add_entries(m, lx, 1, base, 0, size);
	m->blocks.v[m->blocks.n - 1].n++;
}

static void parse_entries(struct machine *m, struct lexer *lx)
{
	u64 n = get_num(lx, "N");
	u64 base = get_num(lx, "BASE");
	u64 stride = get_num(lx, "STRIDE");
	u64 size = get_num(lx, "SIZE");

	expect_end(lx);
	if (!m->block_open)
		FAIL(lx, "no block line before it");
	check_series(lx, n, base, stride);
	add_entries(m, lx, n, base, stride, size);
	m->blocks.v[m->blocks.n - 1].n += n;
}

static void parse_fill(struct machine *m, struct lexer *lx)
{
	u64 n = get_num(lx, "N");
	u64 base = get_num(lx, "BASE");
	u64 stride = get_num(lx, "STRIDE");
	u64 size = get_num(lx, "SIZE");
	u64 at = get_num(lx, "BLOCKS-AT");
	u64 nblocks = (n + RSV_SLOTS - 1) / RSV_SLOTS;
	u64 i, done;
	struct block *b;

	expect_end(lx);
	check_series(lx, n, base, stride);
	if (nblocks && at > UINT64_MAX - (nblocks * PAGE_SIZE - 1))
		FAIL(lx, "the blocks wrap past 2^64");
	m->block_open = false;
	for (i = 0, done = 0; i < nblocks; i++, done += RSV_SLOTS) {
		b = PUSH(m->blocks);
		b->addr = at + i * PAGE_SIZE;
		b->size = RSV_SLOTS;
		b->first = m->entries.n;
		b->n = n - done < RSV_SLOTS ? n - done : RSV_SLOTS;
		b->line = lx->line;
		add_entries(m, lx, b->n, base + done * stride, stride, size);
	}
}

static void parse_capture(struct machine *m, struct lexer *lx)
{
	struct span r = get_span(lx);

	expect_end(lx);
	*PUSH(m->capops) = (struct capop){ r, !strcmp(lx->kw, "capture") };
}

static void parse_poke(struct machine *m, struct lexer *lx)
{
	u64 addr = get_num(lx, "ADDR");
	struct chunk *c = PUSH(m->pokes);
	const char *tok;
	size_t i;

	c->addr = addr;
	c->line = lx->line;
	while ((tok = next_token(lx))) {
		if (strlen(tok) % 2)
			FAIL(lx, "odd number of hex digits in '%s'", tok);
		c->data = xrealloc(c->data, c->len + strlen(tok) / 2);
		for (i = 0; tok[i]; i += 2) {
			if (hex_digit(tok[i]) < 0 || hex_digit(tok[i + 1]) < 0)
				FAIL(lx, "bad hex '%s'", tok);
			c->data[c->len++] = (u8)(hex_digit(tok[i]) << 4 |
						 hex_digit(tok[i + 1]));
		}
	}
	if (!c->len)
		FAIL(lx, "missing BYTES");
	if (addr > UINT64_MAX - (c->len - 1))
		FAIL(lx, "bytes wrap past 2^64");
}

static void parse_version(struct machine *m, struct lexer *lx)
{
	once(lx, &m->version_line);
	m->version = xstrdup(rest_text(lx));
}

static bool get_bool01(struct lexer *lx, const char *opt)
{
	const char *v = option_value(lx, opt);

	if (strcmp(v, "0") && strcmp(v, "1"))
		FAIL(lx, "%s must be 0 or 1, not '%s'", opt, v);
	return v[0] == '1';
}

static void parse_kexec(struct machine *m, struct lexer *lx)
{
	struct kexec *k = &m->kexec;
	const char *opt;

	once(lx, &k->line);
	while ((opt = next_token(lx))) {
		if (!strcmp(opt, "loaded")) {
			k->loaded = get_bool01(lx, opt);
		} else if (!strcmp(opt, "crash-loaded")) {
			k->crash_loaded = get_bool01(lx, opt);
		} else if (!strcmp(opt, "crash-size")) {
			k->crash_size = get_num(lx, opt);
			k->crash_size_set = true;
		} else {
			FAIL(lx, "unknown option '%s'", opt);
		}
	}
}

static void parse_lockdown(struct machine *m, struct lexer *lx)
{
	const char *v = next_token(lx);
	size_t i;

	once(lx, &m->lockdown_line);
	if (!v)
		FAIL(lx, "missing none, integrity or confidentiality");
	for (i = 0; i < sizeof(lockdown_modes) / sizeof(lockdown_modes[0]); i++)
		if (!strcmp(v, lockdown_modes[i]))
			m->lockdown = lockdown_modes[i];
	if (!m->lockdown)
		FAIL(lx, "'%s' is not none, integrity or confidentiality", v);
	expect_end(lx);
}

/* A node name as the DT spec allows it: a letter, then [A-Za-z0-9,._+-]. */
static bool node_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 31 && isalpha((unsigned char)*s) &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789,._+-") == n;
}

static void parse_reserved_memory(struct machine *m, struct lexer *lx)
{
	struct span r = get_span(lx);
	struct rsvmem tmp = { r, NULL, false, lx->line, -1, -1 };
	const char *name = "reserved";
	const char *tok = next_token(lx);
	struct rsvmem *rm;
	size_t i;

	if (tok && strcmp(tok, "no-map") && strcmp(tok, "cpu") &&
	    strcmp(tok, "idbits")) {
		if (!node_name_ok(tok))
			FAIL(lx, "'%s' is not a node name", tok);
		name = tok;
		tok = next_token(lx);
	}
	for (; tok; tok = next_token(lx)) {
		if (!strcmp(tok, "no-map"))
			tmp.no_map = true;
		else if (!strcmp(tok, "cpu"))
			tmp.cpu = (long long)get_num(lx, "N");
		else if (!strcmp(tok, "idbits"))
			tmp.idbits = (long long)get_num(lx, "N");
		else
			FAIL(lx, "unexpected '%s'", tok);
	}
	/* libfdt would write two nodes of the same name */
	for (i = 0; i < m->rsvmem.n; i++)
		if (!strcmp(m->rsvmem.v[i].name, name) &&
		    m->rsvmem.v[i].r.start == r.start)
			FAIL(lx, "node %s@%llx already given at line %u", name,
			     (unsigned long long)r.start, m->rsvmem.v[i].line);
	rm = PUSH(m->rsvmem);
	tmp.name = xstrdup(name);
	*rm = tmp;
}

static u64 gic_frame_size(const struct gic *g)
{
	/* RD_base + SGI_base, and VLPI_base + a reserved frame on GICv4 */
	return g->version == 4 ? 4 * GIC_FRAME : 2 * GIC_FRAME;
}

static u64 get_aligned(struct lexer *lx, const char *what, u64 align)
{
	u64 v = get_num(lx, what);

	if (v & (align - 1))
		FAIL(lx, "%s 0x%llx is not %llu KiB aligned", what,
		     (unsigned long long)v, (unsigned long long)align >> 10);
	return v;
}

static void parse_gic_option(struct gic *g, struct lexer *lx, const char *opt)
{
	const char *v;
	struct pair *r;

	if (!strcmp(opt, "version")) {
		v = option_value(lx, opt);
		if (strcmp(v, "2") && strcmp(v, "3") && strcmp(v, "4"))
			FAIL(lx, "version must be 2, 3 or 4, not '%s'", v);
		g->version = (unsigned int)(v[0] - '0');
	} else if (!strcmp(opt, "dist")) {
		g->dist = get_aligned(lx, "dist ADDR", GIC_FRAME);
		if (g->dist > UINT64_MAX - (GIC_FRAME - 1))
			FAIL(lx, "dist frame wraps past 2^64");
	} else if (!strcmp(opt, "redist")) {
		r = PUSH(g->regions);
		r->base = get_aligned(lx, "redist ADDR", GIC_FRAME);
		r->size = get_num(lx, "redist SIZE");
		if (!r->size)
			FAIL(lx, "redist SIZE must not be 0");
		if (r->base > UINT64_MAX - (r->size - 1))
			FAIL(lx, "redist region wraps past 2^64");
	} else if (!strcmp(opt, "stride")) {
		g->stride = get_aligned(lx, "stride", GIC_FRAME);
		g->stride_set = true;
	} else if (!strcmp(opt, "no-dt")) {
		g->no_dt = true;
	} else if (!strcmp(opt, "madt")) {
		g->madt = true;
	} else if (!strcmp(opt, "madt-version")) {
		v = option_value(lx, opt);
		if (strlen(v) != 1 || v[0] < '0' || v[0] > '4')
			FAIL(lx, "madt-version must be 0 to 4, not '%s'", v);
		g->madt_version = (u8)(v[0] - '0');
		g->madt_version_set = true;
	} else if (!strcmp(opt, "compatible")) {
		g->compat = xstrdup(option_value(lx, opt));
	} else if (!strcmp(opt, "gicc-rd")) {
		g->gicc_rd = true;
	} else if (!strcmp(opt, "regs")) {
		v = option_value(lx, opt);
		if (strcmp(v, "captured") && strcmp(v, "hidden"))
			FAIL(lx,
			     "regs must be 'captured' or 'hidden', not '%s'",
			     v);
		g->hidden = !strcmp(v, "hidden");
	} else {
		FAIL(lx, "unknown option '%s'", opt);
	}
}

static void parse_gic(struct machine *m, struct lexer *lx)
{
	struct gic *g = &m->gic;
	const char *opt;
	bool dist = false;

	once(lx, &g->line);
	g->version = 3;
	while ((opt = next_token(lx))) {
		dist |= !strcmp(opt, "dist");
		parse_gic_option(g, lx, opt);
	}
	if (!dist)
		FAIL(lx, "missing dist ADDR");
	if (g->gicc_rd && !g->madt)
		FAIL(lx, "gicc-rd needs madt");
	if (g->madt_version_set && !g->madt)
		FAIL(lx, "madt-version needs madt");
	if (g->version == 2 && (g->gicc_rd || g->regions.n || g->stride_set))
		FAIL(lx, "a GICv2 has no redistributors");
	if (g->stride_set && g->stride < gic_frame_size(g))
		FAIL(lx,
		     "stride 0x%llx is below the 0x%llx bytes of a GICv%u "
		     "redistributor",
		     (unsigned long long)g->stride,
		     (unsigned long long)gic_frame_size(g), g->version);
}

/* A BASER address: ALIGN'ed and inside the 52-bit address field. */
static u64 get_baser_addr(struct lexer *lx, const char *what, u64 align)
{
	u64 v = get_aligned(lx, what, align);

	if (v >= GIC_PA_LIMIT)
		FAIL(lx, "%s 0x%llx is past the 52 bits of the register", what,
		     (unsigned long long)v);
	return v;
}

static enum lpi_log get_log(struct lexer *lx, const char *opt)
{
	const char *v = option_value(lx, opt);

	if (!strcmp(v, "allocated"))
		return LOG_ALLOCATED;
	if (!strcmp(v, "reserved"))
		return LOG_RESERVED;
	if (!strcmp(v, "none"))
		return LOG_NONE;
	FAIL(lx, "log must be allocated, reserved or none, not '%s'", v);
}

/*
 * One option of rds (STEP non-NULL: pend takes an optional STEP) or rd.
 * Returns the word after `pend BASE` when it is not a STEP, else NULL.
 */
static char *parse_rd_option(struct rdconf *c, u64 *step, struct lexer *lx,
			     const char *opt)
{
	const char *v;
	char *tok;
	u64 n;

	if (!strcmp(opt, "lpis")) {
		v = option_value(lx, opt);
		if (strcmp(v, "on") && strcmp(v, "off"))
			FAIL(lx, "lpis must be 'on' or 'off', not '%s'", v);
		c->lpis = !strcmp(v, "on");
		c->set |= RD_LPIS;
	} else if (!strcmp(opt, "prop")) {
		c->prop = get_baser_addr(lx, "prop ADDR", PAGE_SIZE);
		c->set |= RD_PROP;
	} else if (!strcmp(opt, "idbits")) {
		n = get_num(lx, opt);
		if (n < 1 || n > 32)
			FAIL(lx, "idbits %llu is not in 1-32",
			     (unsigned long long)n);
		c->idbits = (unsigned int)n;
		c->set |= RD_IDBITS;
	} else if (!strcmp(opt, "pend")) {
		c->pend = get_baser_addr(lx, step ? "pend BASE" : "pend ADDR",
					 GIC_FRAME);
		c->set |= RD_PEND;
		tok = step ? next_token(lx) : NULL;
		if (!tok || !isdigit((unsigned char)*tok))
			return tok;
		if (!parse_u64(tok, step))
			FAIL(lx, "bad number '%s' for pend STEP", tok);
		if (*step & (GIC_FRAME - 1))
			FAIL(lx, "pend STEP 0x%llx is not 64 KiB aligned",
			     (unsigned long long)*step);
	} else if (!strcmp(opt, "log")) {
		c->log = get_log(lx, opt);
		c->set |= RD_LOG;
	} else if (step && !strcmp(opt, "preallocated")) {
		c->log = LOG_RESERVED;
		c->set |= RD_LOG;
	} else {
		FAIL(lx, "unknown option '%s'", opt);
	}
	return NULL;
}

static void parse_rd_options(struct rdconf *c, u64 *step, struct lexer *lx)
{
	char *opt = next_token(lx);
	char *ahead;

	while (opt) {
		ahead = parse_rd_option(c, step, lx, opt);
		opt = ahead ? ahead : next_token(lx);
	}
}

static void parse_rds(struct machine *m, struct lexer *lx)
{
	struct gic *g = &m->gic;

	once(lx, &g->rds_line);
	g->count = get_num(lx, "COUNT");
	if (!g->count || g->count > MAX_RDS)
		FAIL(lx, "COUNT %llu is not in 1-%u",
		     (unsigned long long)g->count, MAX_RDS);
	g->dflt = (struct rdconf){ .line = lx->line,
				   .lpis = true,
				   .idbits = DEFAULT_IDBITS,
				   .log = LOG_ALLOCATED };
	g->pend_step = GIC_FRAME;
	g->kmsg_at = m->kmsg.n;
	parse_rd_options(&g->dflt, &g->pend_step, lx);
}

static void parse_rd(struct machine *m, struct lexer *lx)
{
	struct rdconf *c = PUSH(m->gic.rd);

	c->index = get_num(lx, "INDEX");
	c->line = lx->line;
	parse_rd_options(c, NULL, lx);
	if (!c->set)
		FAIL(lx, "nothing to change");
}

static void parse_its(struct machine *m, struct lexer *lx)
{
	struct its *its = PUSH(m->gic.its);
	const char *tok;

	its->addr = get_aligned(lx, "ADDR", GIC_FRAME);
	its->line = lx->line;
	if (its->addr > UINT64_MAX - (GIC_ITS_SIZE - 1))
		FAIL(lx, "ITS frames wrap past 2^64");
	tok = next_token(lx);
	if (tok && strcmp(tok, "cmdq"))
		FAIL(lx, "unexpected '%s'", tok);
	if (tok) {
		its->cmdq = get_baser_addr(lx, "cmdq ADDR", GIC_FRAME);
		its->cmdq_set = true;
		expect_end(lx);
	}
}

static const struct keyword {
	const char *name;
	void (*parse)(struct machine *m, struct lexer *lx);
} keywords[] = {
	{ "ram", parse_ram },
	{ "reserved", parse_reserved },
	{ "crashkernel", parse_crashkernel },
	{ "kernel", parse_kernel },
	{ "mmio", parse_mmio },
	{ "cmdline", parse_cmdline },
	{ "model", parse_model },
	{ "kmsg", parse_kmsg },
	{ "kmsg-seq", parse_kmsg_seq },
	{ "file", parse_file_stmt },
	{ "fdt-memreserve", parse_fdt_memreserve },
	{ "no-fdt", parse_no_fdt },
	{ "madt-x86", parse_madt_x86 },
	{ "systab", parse_systab },
	{ "config", parse_config },
	{ "mmap", parse_mmap },
	{ "table", parse_table },
	{ "memreserve", parse_memreserve },
	{ "block", parse_block },
	{ "entry", parse_entry },
	{ "entries", parse_entries },
	{ "fill", parse_fill },
	{ "capture", parse_capture },
	{ "uncapture", parse_capture },
	{ "poke", parse_poke },
	{ "version", parse_version },
	{ "kexec", parse_kexec },
	{ "lockdown", parse_lockdown },
	{ "reserved-memory", parse_reserved_memory },
	{ "gic", parse_gic },
	{ "rds", parse_rds },
	{ "rd", parse_rd },
	{ "its", parse_its },
};

static void parse_line(struct machine *m, struct lexer *lx, char *buf)
{
	size_t i;

	lx->p = buf;
	lx->kw = next_token(lx);
	if (!lx->kw)
		return;
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (!strcmp(lx->kw, keywords[i].name)) {
			keywords[i].parse(m, lx);
			return;
		}
	}
	die_at(lx->desc, lx->line, "unknown keyword '%s'", lx->kw);
}

static void parse_file(struct machine *m, const char *desc)
{
	struct lexer lx = { .desc = desc };
	size_t cap = 0;
	char *buf = NULL;
	ssize_t len;
	FILE *f;

	f = fopen(desc, "r");
	if (!f)
		die_sys(desc);
	while ((len = getline(&buf, &cap, f)) >= 0) {
		lx.line++;
		if (strlen(buf) != (size_t)len)
			die_at(desc, lx.line, "NUL byte in the line");
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (len && buf[len - 1] == '\r')
			buf[--len] = '\0';
		parse_line(m, &lx, buf);
	}
	if (ferror(f))
		die_sys(desc);
	free(buf);
	fclose(f);
}

/* ---- checks across lines --------------------------------------------- */

static int res_cmp(const void *a, const void *b)
{
	const struct res *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void check_ram(struct machine *m)
{
	size_t i, j;

	sort(m->ram.v, m->ram.n, sizeof(*m->ram.v), res_cmp);
	for (i = 1; i < m->ram.n; i++)
		if (m->ram.v[i].start <= m->ram.v[i - 1].end)
			die_at(m->desc, m->ram.v[i].line,
			       "ram overlaps the ram of line %u",
			       m->ram.v[i - 1].line);
	for (i = 0; i < m->sub.n; i++) {
		for (j = 0; j < m->ram.n; j++)
			if (m->sub.v[i].start >= m->ram.v[j].start &&
			    m->sub.v[i].end <= m->ram.v[j].end)
				break;
		if (j == m->ram.n)
			die_at(m->desc, m->sub.v[i].line,
			       "%s range is not inside one ram range",
			       m->sub.v[i].name);
	}
}

static void need_systab(const struct machine *m, unsigned int line,
			const char *what)
{
	if (line && !m->st.line)
		die_at(m->desc, line, "%s needs a systab line", what);
}

static void need_gic(const struct machine *m, unsigned int line,
		     const char *what)
{
	if (line && !m->gic.line)
		die_at(m->desc, line, "%s needs a gic line", what);
}

/* How many RDs a region holds: the last one's frames must fit too. */
static u64 region_room(const struct pair *r, u64 frame, u64 stride)
{
	return r->size < frame ? 0 : (r->size - frame) / stride + 1;
}

/* The regions are filled in turn, one RD every stride. */
static void place_rds(struct machine *m)
{
	struct gic *g = &m->gic;
	u64 frame = gic_frame_size(g);
	u64 stride = g->stride_set ? g->stride : frame;
	u64 room = 0, i = 0, k, n, size;
	struct pair *r;
	size_t j;

	if (!g->regions.n) {
		r = PUSH(g->regions);
		if (__builtin_mul_overflow(g->count ? g->count - 1 : 0, stride,
					   &size) ||
		    __builtin_add_overflow(size, frame, &size) ||
		    __builtin_add_overflow(g->dist, GIC_REDIST_OFFSET,
					   &r->base) ||
		    r->base > UINT64_MAX - (size - 1))
			die_at(m->desc, g->line,
			       "gic: the default redist region wraps past "
			       "2^64");
		r->size = size;
	}
	if (!g->rds_line)
		return;
	for (j = 0; j < g->regions.n; j++)
		room += region_room(&g->regions.v[j], frame, stride);
	if (room < g->count)
		die_at(m->desc, g->rds_line,
		       "rds: %llu redistributors do not fit in the redist "
		       "regions (room for %llu, one every 0x%llx bytes)",
		       (unsigned long long)g->count, (unsigned long long)room,
		       (unsigned long long)stride);
	g->rds = xcalloc(g->count * sizeof(*g->rds));
	for (j = 0; j < g->regions.n; j++) {
		r = &g->regions.v[j];
		n = region_room(r, frame, stride);
		if (n > g->count - i)
			n = g->count - i;
		if (!n)
			die_at(m->desc, g->line,
			       "gic: redist region %zu at 0x%llx gets no "
			       "redistributor (%s)",
			       j, (unsigned long long)r->base,
			       i == g->count ?
				       "the regions before it hold all" :
				       "smaller than one redistributor");
		for (k = 0; k < n; k++, i++) {
			g->rds[i].base = r->base + k * stride;
			g->rds[i].region = j;
			g->rds[i].last = k + 1 == n;
		}
	}
}

static void apply_rd(struct rdconf *c, const struct rdconf *o)
{
	if (o->set & RD_LPIS)
		c->lpis = o->lpis;
	if (o->set & RD_PROP)
		c->prop = o->prop;
	if (o->set & RD_PEND)
		c->pend = o->pend;
	if (o->set & RD_IDBITS)
		c->idbits = o->idbits;
	if (o->set & RD_LOG)
		c->log = o->log;
	c->set |= o->set;
	c->line = o->line;
}

/* Each RD's settings: those of rds, then the rd lines in order. */
static void configure_rds(struct machine *m)
{
	struct gic *g = &m->gic;
	const struct rdconf *o;
	struct rdconf *c;
	u64 i, off;
	size_t j;

	for (i = 0; i < g->count; i++) {
		c = &g->rds[i].c;
		*c = g->dflt;
		if (!(c->set & RD_PEND))
			continue;
		if (__builtin_mul_overflow(i, g->pend_step, &off) ||
		    __builtin_add_overflow(c->pend, off, &c->pend) ||
		    c->pend >= GIC_PA_LIMIT)
			die_at(m->desc, g->rds_line,
			       "rds: the pending table of RD %llu is past the "
			       "52 bits of PENDBASER",
			       (unsigned long long)i);
	}
	for (j = 0; j < g->rd.n; j++) {
		o = &g->rd.v[j];
		if (!g->rds_line)
			die_at(m->desc, o->line, "rd needs an rds line");
		if (o->index >= g->count)
			die_at(m->desc, o->line,
			       "rd: INDEX %llu is past the %llu redistributors",
			       (unsigned long long)o->index,
			       (unsigned long long)g->count);
		apply_rd(&g->rds[o->index].c, o);
	}
	for (i = 0; i < g->count; i++) {
		c = &g->rds[i].c;
		if (c->lpis && !(c->set & RD_PROP))
			die_at(m->desc, c->line,
			       "RD %llu has LPIs on but no prop ADDR",
			       (unsigned long long)i);
		if (c->lpis && !(c->set & RD_PEND))
			die_at(m->desc, c->line,
			       "RD %llu has LPIs on but no pend address",
			       (unsigned long long)i);
	}
}

/* By default the command queues sit in the top 64 KiB pages of RAM. */
static void place_cmdqs(struct machine *m)
{
	const struct res *ram = m->ram.n ? &m->ram.v[0] : NULL;
	struct its *its;
	u64 top;
	size_t k;

	for (k = 0; k < m->gic.its.n; k++) {
		its = &m->gic.its.v[k];
		if (its->cmdq_set)
			continue;
		if (!ram || ram->end >= GIC_PA_LIMIT)
			die_at(m->desc, its->line,
			       "its: no ram below 2^52 for the command queue "
			       "(give cmdq ADDR)");
		top = (ram->end + 1) & ~(GIC_FRAME - 1);
		if (top < ram->start || top - ram->start < (k + 1) * GIC_FRAME)
			die_at(m->desc, its->line,
			       "its: the first ram range has no room for the "
			       "command queue (give cmdq ADDR)");
		its->cmdq = top - (k + 1) * GIC_FRAME;
	}
}

static void check_gic(struct machine *m)
{
	struct gic *g = &m->gic;
	size_t j;

	need_gic(m, g->rds_line, "rds");
	if (g->rd.n)
		need_gic(m, g->rd.v[0].line, "rd");
	if (g->its.n)
		need_gic(m, g->its.v[0].line, "its");
	if (!g->line)
		return;
	if (g->version == 2 && (g->rds_line || g->its.n))
		die_at(m->desc, g->rds_line ? g->rds_line : g->its.v[0].line,
		       "a GICv2 has no redistributors and no ITS");
	if (g->madt && m->x86_line)
		die_at(m->desc, m->x86_line, "one MADT: madt-x86 or gic madt");
	if (g->version == 2)
		return;
	place_rds(m);
	configure_rds(m);
	place_cmdqs(m);
	for (j = 0; g->madt && !g->gicc_rd && j < g->regions.n; j++)
		if (g->regions.v[j].size > UINT32_MAX)
			die_at(m->desc, g->line,
			       "gic: redist region %zu is too large for the "
			       "32-bit length of a MADT GICR structure",
			       j);
}

static void check_machine(struct machine *m)
{
	check_ram(m);
	need_systab(m, m->config.line, "config");
	need_systab(m, m->mmap.line, "mmap");
	need_systab(m, m->root.line, "memreserve");
	if (m->tables.n)
		need_systab(m, m->tables.v[0].line, "table");
	check_gic(m);
}

/* ---- physical memory ------------------------------------------------- */

/*
 * Record a write; the image takes DATA (malloc'ed, or NULL for a hole) over.
 * Returns the chunk, valid until the next write, or NULL when LEN is 0.
 */
static struct chunk *emit(const struct machine *m, struct image *img,
			  unsigned int line, u64 addr, u8 *data, size_t len)
{
	struct chunk *c;

	if (!len) {
		free(data);
		return NULL;
	}
	if (addr > UINT64_MAX - (len - 1))
		die_at(m->desc, line, "%zu bytes at 0x%llx wrap past 2^64", len,
		       (unsigned long long)addr);
	c = PUSH(img->c);
	*c = (struct chunk){ addr, len, data, line, false };
	return c;
}

/* The 8-aligned address after LEN bytes at ADDR, for default placements. */
static u64 after(const struct machine *m, unsigned int line, u64 addr, u64 len)
{
	if (addr > UINT64_MAX - 7 - len)
		die_at(m->desc, line, "no room after 0x%llx",
		       (unsigned long long)addr);
	return (addr + len + 7) & ~7ULL;
}

static void plan_efi(const struct machine *m, struct layout *lo)
{
	size_t vlen = 2 * (strlen(m->st.vendor) + 1);
	size_t hdr = m->st.header_size < MAX_HEADER ? m->st.header_size :
						      MAX_HEADER;

	/* a header-size above 120 is honest: its bytes exist and are CRCed */
	lo->systab_len = SYSTAB_SIZE + vlen > hdr ? SYSTAB_SIZE + vlen : hdr;
	lo->config_addr = m->config.line ? m->config.addr :
					   after(m, m->st.line, m->st.addr,
						 lo->systab_len);
	lo->config_len = (u64)CONFIG_ENTRY_SIZE * m->tables.n;
	lo->config_ptr = m->config.virt_set ? m->config.virt : lo->config_addr;
	lo->mmap_addr = m->mmap.line ? m->mmap.addr :
				       after(m, m->st.line, lo->config_addr,
					     lo->config_len);
	lo->mmap_len = (u64)DESC_SIZE * (m->ram.n + m->config.virt_set);
}

/* Not dereferenced by anyone: a plausible value near the top of RAM. */
static u64 runtime_services(const struct machine *m)
{
	const struct res *r;

	if (!m->ram.n)
		return m->st.addr & ~(PAGE_SIZE - 1);
	r = &m->ram.v[0];
	if (r->end - r->start + 1 < 0x20000)
		return r->start;
	return r->end + 1 - 0x10000;
}

static void build_systab(const struct machine *m, const struct layout *lo,
			 struct image *img)
{
	u8 *b = xcalloc(lo->systab_len);
	size_t i, crc_len;

	put_le64(b + 0, m->st.signature);
	put_le32(b + 8, m->st.revision);
	put_le32(b + 12, m->st.header_size);
	put_le64(b + 24, m->st.addr + SYSTAB_SIZE); /* FirmwareVendor */
	put_le32(b + 32, 0x10000);		    /* FirmwareRevision */
	put_le64(b + 88, runtime_services(m));
	put_le64(b + 104, m->st.entries_set ? m->st.entries : m->tables.n);
	put_le64(b + 112, lo->config_ptr);
	for (i = 0; m->st.vendor[i]; i++)
		put_le16(b + SYSTAB_SIZE + 2 * i, (u8)m->st.vendor[i]);
	crc_len = m->st.header_size < lo->systab_len ? m->st.header_size :
						       lo->systab_len;
	put_le32(b + 16, crc32_le(b, crc_len) + m->st.crc_bad);
	emit(m, img, m->st.line, m->st.addr, b, lo->systab_len);
}

static void build_config(const struct machine *m, const struct layout *lo,
			 struct image *img)
{
	u8 *b = xcalloc(lo->config_len);
	size_t i;

	for (i = 0; i < m->tables.n; i++) {
		memcpy(b + CONFIG_ENTRY_SIZE * i, m->tables.v[i].guid, 16);
		put_le64(b + CONFIG_ENTRY_SIZE * i + 16, m->tables.v[i].addr);
	}
	emit(m, img, m->config.line ? m->config.line : m->st.line,
	     lo->config_addr, b, lo->config_len);
}

static void put_desc(u8 *d, u32 type, u64 phys, u64 virt, u64 pages, u64 attr)
{
	put_le32(d + 0, type);
	put_le64(d + 8, phys);
	put_le64(d + 16, virt);
	put_le64(d + 24, pages);
	put_le64(d + 32, attr);
}

static void build_mmap(const struct machine *m, const struct layout *lo,
		       struct image *img)
{
	u8 *b = xcalloc(lo->mmap_len);
	u64 first, last;
	size_t i;

	for (i = 0; i < m->ram.n; i++)
		put_desc(b + DESC_SIZE * i, EFI_CONVENTIONAL_MEMORY,
			 m->ram.v[i].start, 0,
			 (m->ram.v[i].end - m->ram.v[i].start + 1) / PAGE_SIZE,
			 EFI_MEMORY_CACHEABLE);
	if (m->config.virt_set) {
		/* the pages holding the array; one even for an empty array */
		first = lo->config_addr / PAGE_SIZE;
		last = lo->config_len ? (lo->config_addr + lo->config_len - 1) /
						PAGE_SIZE :
					first;
		put_desc(b + DESC_SIZE * i, EFI_RUNTIME_SERVICES_DATA,
			 first * PAGE_SIZE, m->config.virt & ~(PAGE_SIZE - 1),
			 last - first + 1,
			 EFI_MEMORY_RUNTIME | EFI_MEMORY_CACHEABLE);
	}
	emit(m, img, m->mmap.line ? m->mmap.line : m->st.line, lo->mmap_addr, b,
	     lo->mmap_len);
}

static u64 link_target(struct link next, u64 dflt)
{
	if (next.kind == NEXT_ADDR)
		return next.addr;
	return next.kind == NEXT_END ? 0 : dflt;
}

static void build_root(const struct machine *m, struct image *img)
{
	u8 *b = xcalloc(RSV_HEADER);
	u64 first = m->blocks.n ? m->blocks.v[0].addr : 0;

	/* size = count = 0: the root has no slots, only a next pointer */
	put_le64(b + 8, link_target(m->root.next, first));
	emit(m, img, m->root.line, m->root.addr, b, RSV_HEADER);
}

/*
 * A block occupies its header and `size` slots. An absurd size is clipped
 * to 1 MiB, but the entries actually listed are always written.
 */
static void build_block(const struct machine *m, size_t i, struct image *img)
{
	const struct block *bl = &m->blocks.v[i];
	int32_t size = (int32_t)bl->size;
	size_t slots = size > 0 ? (size_t)size : 0;
	u64 dflt = i + 1 < m->blocks.n ? m->blocks.v[i + 1].addr : 0;
	size_t j;
	u8 *b;

	if (slots > MAX_BLOCK_SLOTS)
		slots = MAX_BLOCK_SLOTS;
	if (slots < bl->n)
		slots = bl->n;
	b = xcalloc(RSV_HEADER + RSV_ENTRY * slots);
	put_le32(b + 0, bl->size);
	put_le32(b + 4, bl->count_set ? bl->count : (u32)bl->n);
	put_le64(b + 8, link_target(bl->next, dflt));
	for (j = 0; j < bl->n; j++) {
		put_le64(b + RSV_HEADER + RSV_ENTRY * j,
			 m->entries.v[bl->first + j].base);
		put_le64(b + RSV_HEADER + RSV_ENTRY * j + 8,
			 m->entries.v[bl->first + j].size);
	}
	emit(m, img, bl->line, bl->addr, b, RSV_HEADER + RSV_ENTRY * slots);
}

/* CPU i's affinity as QEMU virt numbers CPUs: Aff2.Aff1.Aff0. */
static u32 cpu_affinity(u64 i)
{
	return (u32)((i / 4096) << 16 | ((i / 16) % 256) << 8 | i % 16);
}

/*
 * A register frame: SPAN bytes captured, of which LEN register bytes at
 * its base and GICx_PIDR2 are written; the rest reads 0 and stays a hole.
 */
static void emit_frame(const struct machine *m, struct image *img,
		       unsigned int line, u64 base, u64 span, u8 *regs,
		       size_t len, bool hidden)
{
	u8 *pidr2 = xcalloc(4);

	put_le32(pidr2, m->gic.version << 4 | 0xb); /* ArchRev */
	emit(m, img, line, base, NULL, span)->hidden = hidden;
	emit(m, img, line, base, regs, len)->hidden = hidden;
	emit(m, img, line, base + GIC_PIDR2, pidr2, 4)->hidden = hidden;
}

static void build_rd(const struct machine *m, u64 i, struct image *img)
{
	const struct gic *g = &m->gic;
	const struct rdinfo *rd = &g->rds[i];
	u8 *b = xcalloc(0x80);
	u64 typer = 1; /* PLPIS */

	if (g->version == 4)
		typer |= 1 << 1; /* VLPIS */
	if (rd->last)
		typer |= 1 << 4;
	typer |= i << 8 | (u64)cpu_affinity(i) << 32;
	put_le32(b + 0x00, rd->c.lpis); /* GICR_CTLR.EnableLPIs */
	put_le32(b + 0x04, GIC_IIDR);
	put_le64(b + 0x08, typer);
	put_le32(b + 0x14, 0); /* GICR_WAKER: awake */
	if (rd->c.lpis) {
		put_le64(b + 0x70,
			 rd->c.prop | GIC_BASER_ATTR | (rd->c.idbits - 1));
		put_le64(b + 0x78, rd->c.pend | GIC_BASER_ATTR);
	}
	emit_frame(m, img, rd->c.line, rd->base, gic_frame_size(g), b, 0x80,
		   g->hidden);
}

static void build_its(const struct machine *m, const struct its *its,
		      struct image *img)
{
	u8 *b = xcalloc(0x88);

	put_le32(b + 0x00, GITS_CTLR_VALUE);
	put_le32(b + 0x04, GIC_IIDR);
	put_le64(b + 0x08, GITS_TYPER_VALUE | (m->gic.version == 4) << 1);
	put_le64(b + 0x80, its->cmdq | GITS_CBASER_ATTR);
	/* the ITS is readable, GICD and GICR are not (doc/kernel.md#access) */
	emit_frame(m, img, its->line, its->addr, GIC_FRAME, b, 0x88, false);
}

static void build_gic(const struct machine *m, struct image *img)
{
	const struct gic *g = &m->gic;
	u8 *b = xcalloc(0x10);
	size_t k;
	u64 i;

	put_le32(b + 0x00, GICD_CTLR_VALUE);
	put_le32(b + 0x04, GICD_TYPER_VALUE);
	put_le32(b + 0x08, GIC_IIDR);
	emit_frame(m, img, g->line, g->dist, GIC_FRAME, b, 0x10, g->hidden);
	for (i = 0; i < g->count; i++)
		build_rd(m, i, img);
	for (k = 0; k < g->its.n; k++)
		build_its(m, &g->its.v[k], img);
}

static void build_pokes(struct machine *m, struct image *img)
{
	size_t i;

	for (i = 0; i < m->pokes.n; i++) {
		emit(m, img, m->pokes.v[i].line, m->pokes.v[i].addr,
		     m->pokes.v[i].data, m->pokes.v[i].len);
		m->pokes.v[i].data = NULL; /* the image owns it now */
	}
}

/* In write order: a later write wins where two overlap. */
static void build_image(struct machine *m, struct layout *lo, struct image *img)
{
	size_t i;

	if (m->st.line) {
		plan_efi(m, lo);
		build_systab(m, lo, img);
		build_config(m, lo, img);
		build_mmap(m, lo, img);
	}
	if (m->root.line)
		build_root(m, img);
	for (i = 0; i < m->blocks.n; i++)
		build_block(m, i, img);
	if (m->gic.line)
		build_gic(m, img);
	build_pokes(m, img);
}

/* ---- captured ranges ------------------------------------------------- */

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/* Sort and merge overlapping and adjacent spans. */
static void spans_normalize(struct spans *s)
{
	size_t i, n = 0;
	struct span *v = s->s.v;

	sort(v, s->s.n, sizeof(*v), span_cmp);
	for (i = 0; i < s->s.n; i++) {
		if (n && (v[n - 1].end == UINT64_MAX ||
			  v[i].start <= v[n - 1].end + 1)) {
			if (v[i].end > v[n - 1].end)
				v[n - 1].end = v[i].end;
			continue;
		}
		v[n++] = v[i];
	}
	s->s.n = n;
}

static void spans_remove(struct spans *s, struct span r)
{
	struct spans out = { 0 };
	size_t i;
	struct span x;

	for (i = 0; i < s->s.n; i++) {
		x = s->s.v[i];
		if (x.end < r.start || x.start > r.end) {
			*PUSH(out.s) = x;
			continue;
		}
		if (x.start < r.start)
			*PUSH(out.s) = (struct span){ x.start, r.start - 1 };
		if (x.end > r.end)
			*PUSH(out.s) = (struct span){ r.end + 1, x.end };
	}
	free(s->s.v);
	*s = out;
}

static void capture(const struct machine *m, const struct image *img,
		    struct spans *cap)
{
	size_t i;

	for (i = 0; i < img->c.n; i++)
		if (!img->c.v[i].hidden)
			*PUSH(cap->s) =
				(struct span){ img->c.v[i].addr,
					       img->c.v[i].addr +
						       (img->c.v[i].len - 1) };
	spans_normalize(cap);
	for (i = 0; i < m->capops.n; i++) {
		if (m->capops.v[i].add) {
			*PUSH(cap->s) = m->capops.v[i].r;
			spans_normalize(cap);
		} else {
			spans_remove(cap, m->capops.v[i].r);
		}
	}
}

/* ---- output files ---------------------------------------------------- */

static char *path_join(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = xrealloc(NULL, n);

	snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		die_sys(path);
}

/* mkdir -p of PATH, or of its parent when PARENT_ONLY. */
static void make_dirs(const char *path, bool parent_only)
{
	char *p = xstrdup(path);
	char *s;

	s = strrchr(p, '/');
	if (parent_only && !s) {
		free(p);
		return;
	}
	if (parent_only)
		*s = '\0';
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		make_dir(p);
		*s = '/';
	}
	make_dir(p);
	free(p);
}

/*
 * Files left by an earlier run (a dev/mem.d range that is no longer
 * captured, a kmsg that is no longer wanted) would change the fixture, so
 * OUTDIR must start out empty.
 */
static void prepare_outdir(const char *out)
{
	struct dirent *d;
	DIR *dir;

	dir = opendir(out);
	if (!dir && errno == ENOENT) {
		make_dirs(out, false);
		return;
	}
	if (!dir)
		die_sys(out);
	while ((d = readdir(dir)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			die("%s: exists and is not empty", out);
	closedir(dir);
}

static int create_file(const char *path)
{
	int fd;

	make_dirs(path, true);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die_sys(path);
	return fd;
}

static FILE *create_stream(const char *path)
{
	FILE *f = fdopen(create_file(path), "w");

	if (!f)
		die_sys(path);
	return f;
}

static void close_stream(FILE *f, const char *path)
{
	if (ferror(f) | fclose(f))
		die_sys(path);
}

static void write_all(int fd, const char *path, const u8 *p, size_t len,
		      u64 off)
{
	ssize_t n;

	while (len) {
		n = pwrite(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s: %s at offset 0x%llx%s", path, strerror(errno),
			    (unsigned long long)off,
			    errno == EFBIG ? " (use -d)" : "");
		if (!n)
			die("%s: short write at offset 0x%llx", path,
			    (unsigned long long)off);
		p += n;
		len -= (size_t)n;
		off += (u64)n;
	}
}

/* Write the image's bytes inside span S, at file offset address - BASE. */
static void put_span(int fd, const char *path, const struct image *img,
		     struct span s, u64 base)
{
	const struct chunk *c;
	u64 lo, hi, end;
	size_t i;

	for (i = 0; i < img->c.n; i++) {
		c = &img->c.v[i];
		end = c->addr + (c->len - 1);
		if (!c->data || end < s.start || c->addr > s.end)
			continue;
		lo = c->addr > s.start ? c->addr : s.start;
		hi = end < s.end ? end : s.end;
		write_all(fd, path, c->data + (lo - c->addr), hi - lo + 1,
			  lo - base);
	}
}

static void close_fd(int fd, const char *path)
{
	if (close(fd))
		die_sys(path);
}

static void write_mem_image(const char *out, const struct image *img,
			    const struct spans *cap)
{
	char *path = path_join(out, "dev/mem");
	char *rpath = path_join(out, "dev/mem.ranges");
	int fd = create_file(path);
	FILE *f = create_stream(rpath);
	u64 size = 0;
	size_t i;

	/* only the bytes of captured ranges: holes stay holes */
	for (i = 0; i < cap->s.n; i++) {
		if (cap->s.v[i].end >= INT64_MAX)
			die("%s: address 0x%llx is past what a file holds%s",
			    path, (unsigned long long)cap->s.v[i].end,
			    " (use -d)");
		put_span(fd, path, img, cap->s.v[i], 0);
		fprintf(f, "%016llx-%016llx\n",
			(unsigned long long)cap->s.v[i].start,
			(unsigned long long)cap->s.v[i].end);
		size = cap->s.v[i].end + 1;
	}
	/* a captured tail nobody wrote is zeroes, as a hole reads */
	if (ftruncate(fd, (off_t)size))
		die("%s: %s%s", path, strerror(errno),
		    errno == EFBIG ? " (use -d)" : "");
	close_fd(fd, path);
	close_stream(f, rpath);
	free(path);
	free(rpath);
}

static void write_mem_dir(const char *out, const struct image *img,
			  const struct spans *cap)
{
	char *dir = path_join(out, "dev/mem.d");
	char name[40];
	struct span s;
	char *path;
	size_t i;
	int fd;

	make_dirs(dir, false);
	for (i = 0; i < cap->s.n; i++) {
		s = cap->s.v[i];
		snprintf(name, sizeof(name), "%016llx-%016llx",
			 (unsigned long long)s.start,
			 (unsigned long long)s.end);
		path = path_join(dir, name);
		if (s.end - s.start >= INT64_MAX)
			die("%s: range too large for one file", path);
		fd = create_file(path);
		if (ftruncate(fd, (off_t)(s.end - s.start + 1)))
			die_sys(path);
		put_span(fd, path, img, s, s.start);
		close_fd(fd, path);
		free(path);
	}
	free(dir);
}

static void write_file(const char *out, const char *rel, const void *data,
		       size_t len)
{
	char *path = path_join(out, rel);
	int fd = create_file(path);

	write_all(fd, path, data, len, 0);
	close_fd(fd, path);
	free(path);
}

static int fdt_efi_props(void *fdt, const struct machine *m,
			 const struct layout *lo)
{
	int err;

	err = fdt_property_u64(fdt, "linux,uefi-system-table", m->st.addr);
	if (!err)
		err = fdt_property_u64(fdt, "linux,uefi-mmap-start",
				       lo->mmap_addr);
	if (!err)
		err = fdt_property_u32(fdt, "linux,uefi-mmap-size",
				       (u32)lo->mmap_len);
	if (!err)
		err = fdt_property_u32(fdt, "linux,uefi-mmap-desc-size",
				       DESC_SIZE);
	if (!err)
		err = fdt_property_u32(fdt, "linux,uefi-mmap-desc-ver",
				       DESC_VERSION);
	if (!err)
		err = fdt_property_u32(fdt, "linux,uefi-secure-boot", 2);
	return err;
}

static int fdt_memory_nodes(void *fdt, const struct machine *m)
{
	fdt64_t reg[2];
	char name[32];
	size_t i;
	int err = 0;

	for (i = 0; i < m->ram.n && !err; i++) {
		snprintf(name, sizeof(name), "memory@%llx",
			 (unsigned long long)m->ram.v[i].start);
		reg[0] = cpu_to_fdt64(m->ram.v[i].start);
		reg[1] = cpu_to_fdt64(m->ram.v[i].end - m->ram.v[i].start + 1);
		err = fdt_begin_node(fdt, name);
		if (!err)
			err = fdt_property_string(fdt, "device_type", "memory");
		if (!err)
			err = fdt_property(fdt, "reg", reg, sizeof(reg));
		if (!err)
			err = fdt_end_node(fdt);
	}
	return err;
}

static int fdt_chosen(void *fdt, const struct machine *m,
		      const struct layout *lo)
{
	int err = fdt_begin_node(fdt, "chosen");

	if (!err && m->cmdline)
		err = fdt_property_string(fdt, "bootargs", m->cmdline);
	if (!err && m->st.line)
		err = fdt_efi_props(fdt, m, lo);
	if (!err)
		err = fdt_end_node(fdt);
	return err;
}

static int fdt_reserved_memory(void *fdt, const struct machine *m)
{
	const struct rsvmem *rm;
	fdt64_t reg[2];
	char name[64];
	size_t i;
	int err;

	err = fdt_begin_node(fdt, "reserved-memory");
	if (!err)
		err = fdt_property_u32(fdt, "#address-cells", 2);
	if (!err)
		err = fdt_property_u32(fdt, "#size-cells", 2);
	if (!err)
		err = fdt_property(fdt, "ranges", NULL, 0);
	for (i = 0; i < m->rsvmem.n && !err; i++) {
		rm = &m->rsvmem.v[i];
		snprintf(name, sizeof(name), "%s@%llx", rm->name,
			 (unsigned long long)rm->r.start);
		reg[0] = cpu_to_fdt64(rm->r.start);
		reg[1] = cpu_to_fdt64(rm->r.end - rm->r.start + 1);
		err = fdt_begin_node(fdt, name);
		if (!err)
			err = fdt_property(fdt, "reg", reg, sizeof(reg));
		if (!err && rm->no_map)
			err = fdt_property(fdt, "no-map", NULL, 0);
		if (!err && rm->cpu >= 0)
			err = fdt_property_u32(fdt, "gic-kexec,cpu",
					       (u32)rm->cpu);
		if (!err && rm->idbits >= 0)
			err = fdt_property_u32(fdt, "gic-kexec,idbits",
					       (u32)rm->idbits);
		if (!err)
			err = fdt_end_node(fdt);
	}
	if (!err)
		err = fdt_end_node(fdt);
	return err;
}

static int fdt_its(void *fdt, const struct its *its)
{
	fdt64_t reg[2] = { cpu_to_fdt64(its->addr),
			   cpu_to_fdt64(GIC_ITS_SIZE) };
	char name[32];
	int err;

	snprintf(name, sizeof(name), "its@%llx", (unsigned long long)its->addr);
	err = fdt_begin_node(fdt, name);
	if (!err)
		err = fdt_property_string(fdt, "compatible", "arm,gic-v3-its");
	if (!err)
		err = fdt_property(fdt, "reg", reg, sizeof(reg));
	if (!err)
		err = fdt_property(fdt, "msi-controller", NULL, 0);
	if (!err)
		err = fdt_property_u32(fdt, "#msi-cells", 1);
	if (!err)
		err = fdt_end_node(fdt);
	return err;
}

/* reg: the GICD frame, then each redistributor region. */
static int fdt_gic_reg(void *fdt, const struct gic *g)
{
	size_t i, n = 2 * (1 + g->regions.n);
	fdt64_t *reg = xcalloc(n * sizeof(*reg));
	int err;

	reg[0] = cpu_to_fdt64(g->dist);
	reg[1] = cpu_to_fdt64(GIC_FRAME);
	for (i = 0; i < g->regions.n; i++) {
		reg[2 + 2 * i] = cpu_to_fdt64(g->regions.v[i].base);
		reg[3 + 2 * i] = cpu_to_fdt64(g->regions.v[i].size);
	}
	err = fdt_property(fdt, "reg", reg, (int)(n * sizeof(*reg)));
	free(reg);
	return err;
}

static int fdt_gic(void *fdt, const struct machine *m)
{
	const struct gic *g = &m->gic;
	char name[32];
	size_t i;
	int err;

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)g->dist);
	err = fdt_begin_node(fdt, name);
	if (!err)
		err = fdt_property_string(fdt, "compatible",
					  g->compat	  ? g->compat :
					  g->version == 2 ? "arm,gic-400" :
							    "arm,gic-v3");
	if (!err)
		err = fdt_property_u32(fdt, "#interrupt-cells", 3);
	if (!err)
		err = fdt_property(fdt, "interrupt-controller", NULL, 0);
	if (!err)
		err = fdt_gic_reg(fdt, g);
	if (!err && g->regions.n > 1)
		err = fdt_property_u32(fdt, "#redistributor-regions",
				       (u32)g->regions.n);
	if (!err && g->stride_set)
		err = fdt_property_u64(fdt, "redistributor-stride", g->stride);
	if (!err)
		err = fdt_property_u32(fdt, "#address-cells", 2);
	if (!err)
		err = fdt_property_u32(fdt, "#size-cells", 2);
	if (!err)
		err = fdt_property(fdt, "ranges", NULL, 0);
	for (i = 0; i < g->its.n && !err; i++)
		err = fdt_its(fdt, &g->its.v[i]);
	if (!err)
		err = fdt_end_node(fdt);
	return err;
}

static int fdt_build(void *fdt, int size, const struct machine *m,
		     const struct layout *lo)
{
	size_t i;
	int err;

	err = fdt_create(fdt, size);
	for (i = 0; i < m->fdt_rsv.n && !err; i++)
		err = fdt_add_reservemap_entry(fdt, m->fdt_rsv.v[i].base,
					       m->fdt_rsv.v[i].size);
	if (!err)
		err = fdt_finish_reservemap(fdt);
	if (!err)
		err = fdt_begin_node(fdt, "");
	if (!err)
		err = fdt_property_u32(fdt, "#address-cells", 2);
	if (!err)
		err = fdt_property_u32(fdt, "#size-cells", 2);
	if (!err)
		err = fdt_property_string(fdt, "compatible",
					  "linux,dummy-virt");
	if (!err)
		err = fdt_property_string(fdt, "model",
					  m->model ? m->model : "mkmachine");
	if (!err)
		err = fdt_memory_nodes(fdt, m);
	if (!err)
		err = fdt_chosen(fdt, m, lo);
	if (!err && m->rsvmem.n)
		err = fdt_reserved_memory(fdt, m);
	if (!err && m->gic.line && !m->gic.no_dt)
		err = fdt_gic(fdt, m);
	if (!err)
		err = fdt_end_node(fdt);
	if (!err)
		err = fdt_finish(fdt);
	return err;
}

static void write_fdt(const char *out, const struct machine *m,
		      const struct layout *lo)
{
	void *fdt = NULL;
	int size, err;

	/* the sequential-write API wants the whole buffer up front */
	for (size = 4096;; size *= 2) {
		fdt = xrealloc(fdt, (size_t)size);
		err = fdt_build(fdt, size, m, lo);
		if (err != -FDT_ERR_NOSPACE || size >= MAX_FDT)
			break;
	}
	if (!err)
		err = fdt_pack(fdt);
	if (err)
		die("%s: device tree: %s", m->desc, fdt_strerror(err));
	write_file(out, "sys/firmware/fdt", fdt, fdt_totalsize(fdt));
	free(fdt);
}

/* Children nest under the smallest earlier range that holds them. */
static void write_iomem(const char *out, const struct machine *m)
{
	size_t n = m->ram.n + m->sub.n + m->mmio.n;
	struct res *all = xcalloc(n * sizeof(*all));
	const struct res **stack = xcalloc(n * sizeof(*stack));
	char *path = path_join(out, "proc/iomem");
	FILE *f = create_stream(path);
	size_t i, depth = 0;

	copy(all, m->ram.v, m->ram.n * sizeof(*all));
	copy(all + m->ram.n, m->sub.v, m->sub.n * sizeof(*all));
	copy(all + m->ram.n + m->sub.n, m->mmio.v, m->mmio.n * sizeof(*all));
	sort(all, n, sizeof(*all), res_cmp);
	for (i = 0; i < n; i++) {
		while (depth && stack[depth - 1]->end < all[i].end)
			depth--;
		/* the kernel prints at least 8 hex digits, more if needed */
		fprintf(f, "%*s%08llx-%08llx : %s\n", (int)(2 * depth), "",
			(unsigned long long)all[i].start,
			(unsigned long long)all[i].end, all[i].name);
		stack[depth++] = &all[i];
	}
	close_stream(f, path);
	free(path);
	free(stack);
	free(all);
}

/* /dev/kmsg escapes what it would not print as \xNN, and the backslash. */
static void put_kmsg_text(FILE *f, const char *s)
{
	unsigned char c;

	for (; (c = (unsigned char)*s); s++) {
		if (c < ' ' || c >= 127 || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/* One /dev/kmsg record, numbered as it comes; with F NULL only counted. */
static void put_record(FILE *f, size_t *seq, int prio, const char *text)
{
	if (f) {
		fprintf(f, "%d,%zu,%llu,-;", prio, *seq,
			(unsigned long long)*seq * 1000);
		put_kmsg_text(f, text);
		fputc('\n', f);
	}
	(*seq)++;
}

static void __attribute__((format(printf, 3, 4)))
put_gic_record(FILE *f, size_t *seq, const char *fmt, ...)
{
	char text[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	put_record(f, seq, 6, text);
}

/* The GIC driver's RD lines, in boot order (doc/kernel.md#log-lines). */
static void put_gic_log(FILE *f, const struct machine *m, size_t *seq)
{
	const struct gic *g = &m->gic;
	const struct rdinfo *rd;
	u64 i;

	for (i = 0; i < g->count; i++) {
		rd = &g->rds[i];
		if (rd->c.log == LOG_NONE)
			continue;
		/* the MPIDR, and one region per GICC entry with gicc-rd */
		put_gic_record(f, seq,
			       "GICv3: CPU%llu: found redistributor %x "
			       "region %llu:0x%016llx",
			       (unsigned long long)i, cpu_affinity(i),
			       (unsigned long long)(g->gicc_rd ? i :
								 rd->region),
			       (unsigned long long)rd->base);
		if (!rd->c.lpis)
			continue;
		if (!i && rd->c.log == LOG_RESERVED)
			put_gic_record(f, seq,
				       "GICv3: Using preallocated "
				       "redistributor tables");
		if (!i)
			put_gic_record(
				f, seq,
				"GICv3: using LPI property table @0x%016llx",
				(unsigned long long)rd->c.prop);
		put_gic_record(f, seq,
			       "GICv3: CPU%llu: using %s LPI pending table "
			       "@0x%016llx",
			       (unsigned long long)i,
			       rd->c.log == LOG_RESERVED ? "reserved" :
							   "allocated",
			       (unsigned long long)rd->c.pend);
	}
}

static size_t gic_log_lines(const struct machine *m)
{
	size_t n = 0;

	put_gic_log(NULL, m, &n);
	return n;
}

/* The GIC lines go where the rds line stood among the kmsg lines. */
static void write_kmsg(const char *out, const struct machine *m)
{
	char *path = path_join(out, "dev/kmsg");
	FILE *f = create_stream(path);
	size_t i, seq = (size_t)m->kmsg_seq;

	for (i = 0; i <= m->kmsg.n; i++) {
		if (m->gic.rds_line && i == m->gic.kmsg_at)
			put_gic_log(f, m, &seq);
		if (i < m->kmsg.n)
			put_record(f, &seq, m->kmsg.v[i].prio,
				   m->kmsg.v[i].text);
	}
	close_stream(f, path);
	free(path);
}

static void write_text(const char *out, const char *rel, const char *text)
{
	char *path = path_join(out, rel);
	FILE *f = create_stream(path);

	fprintf(f, "%s\n", text);
	close_stream(f, path);
	free(path);
}

/* The ACPI table header, as QEMU writes it; the checksum comes last. */
static void put_acpi_header(u8 *b, const char *sig, size_t len, u8 rev)
{
	memcpy(b, sig, 4);
	put_le32(b + 4, (u32)len);
	b[8] = rev;
	memcpy(b + 10, "BOCHS ", 6);
	memcpy(b + 16, "BXPC    ", 8);
	put_le32(b + 24, 1); /* OEM revision */
	memcpy(b + 28, "BXPC", 4);
	put_le32(b + 32, 1); /* creator revision */
}

static void put_acpi_checksum(u8 *b, size_t len)
{
	u8 sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum = (u8)(sum + b[i]);
	b[9] = (u8)(b[9] - sum);
}

/*
 * The MADT (ACPI 6.3, revision 5): GICD, a GICC per CPU, a GICR per
 * redistributor region (none with gicc-rd) and an ITS structure per ITS.
 */
static void write_madt(const char *out, const struct machine *m)
{
	const struct gic *g = &m->gic;
	size_t ngicr = g->gicc_rd ? 0 : g->regions.n;
	size_t len = MADT_HEADER + MADT_GICD + MADT_GICC * g->count +
		     MADT_GICR * ngicr + MADT_ITS * g->its.n;
	u8 *b = xcalloc(len);
	u8 *p = b + MADT_HEADER;
	size_t i;

	/* LocalInterruptControllerAddress and Flags stay 0 */
	put_acpi_header(b, "APIC", len, MADT_REVISION);
	p[0] = 0x0c; /* GICD */
	p[1] = MADT_GICD;
	put_le64(p + 8, g->dist);
	p[20] = g->madt_version_set ? g->madt_version : (u8)g->version;
	p += MADT_GICD;
	for (i = 0; i < g->count; i++, p += MADT_GICC) {
		p[0] = 0x0b; /* GICC */
		p[1] = MADT_GICC;
		put_le32(p + 4, (u32)i); /* CPU interface number */
		put_le32(p + 8, (u32)i); /* ACPI processor UID */
		put_le32(p + 12, 1);	 /* Enabled */
		put_le32(p + 20, 23);	 /* PMU interrupt: PPI 7, as QEMU */
		put_le64(p + 60, g->gicc_rd ? g->rds[i].base : 0);
		put_le64(p + 68, cpu_affinity(i)); /* MPIDR, Aff3 = 0 */
	}
	for (i = 0; i < ngicr; i++, p += MADT_GICR) {
		p[0] = 0x0e; /* GICR */
		p[1] = MADT_GICR;
		put_le64(p + 4, g->regions.v[i].base);
		put_le32(p + 12, (u32)g->regions.v[i].size);
	}
	for (i = 0; i < g->its.n; i++, p += MADT_ITS) {
		p[0] = 0x0f; /* GIC ITS */
		p[1] = MADT_ITS;
		put_le32(p + 4, (u32)i);
		put_le64(p + 8, g->its.v[i].addr);
	}
	put_acpi_checksum(b, len);
	write_file(out, "sys/firmware/acpi/tables/APIC", b, len);
	free(b);
}

/*
 * An x86 MADT (revision 5): the local APIC address, PCAT_COMPAT, a
 * processor local APIC per CPU and one I/O APIC, as a PC's firmware lays
 * it out. No GIC structure at all.
 */
static void write_madt_x86(const char *out, const struct machine *m)
{
	size_t len = MADT_HEADER + 8 * m->x86_cpus + 12;
	u8 *b = xcalloc(len);
	u8 *p = b + MADT_HEADER;
	u64 i;

	put_acpi_header(b, "APIC", len, MADT_REVISION);
	put_le32(b + 36, 0xfee00000); /* LocalInterruptControllerAddress */
	put_le32(b + 40, 1);	      /* PCAT_COMPAT */
	for (i = 0; i < m->x86_cpus; i++, p += 8) {
		p[0] = 0x00; /* processor local APIC */
		p[1] = 8;
		p[2] = (u8)i;	    /* ACPI processor UID */
		p[3] = (u8)i;	    /* APIC ID */
		put_le32(p + 4, 1); /* Enabled */
	}
	p[0] = 0x01; /* I/O APIC */
	p[1] = 12;
	p[2] = (u8)m->x86_cpus; /* its ID */
	put_le32(p + 4, 0xfec00000);
	put_acpi_checksum(b, len);
	write_file(out, "sys/firmware/acpi/tables/APIC", b, len);
	free(b);
}

static void write_number(const char *out, const char *rel, u64 v)
{
	char text[24];

	snprintf(text, sizeof(text), "%llu", (unsigned long long)v);
	write_text(out, rel, text);
}

/* The size of the first crashkernel line, as kexec_crash_size shows it. */
static u64 crash_size(const struct machine *m)
{
	size_t i;

	if (m->kexec.crash_size_set)
		return m->kexec.crash_size;
	for (i = 0; i < m->sub.n; i++)
		if (!strcmp(m->sub.v[i].name, "Crash kernel"))
			return m->sub.v[i].end - m->sub.v[i].start + 1;
	return 0;
}

static void write_kexec(const char *out, const struct machine *m)
{
	write_number(out, "sys/kernel/kexec_loaded", m->kexec.loaded);
	write_number(out, "sys/kernel/kexec_crash_loaded",
		     m->kexec.crash_loaded);
	write_number(out, "sys/kernel/kexec_crash_size", crash_size(m));
}

/* As the kernel prints it: every mode, the active one in brackets. */
static void write_lockdown(const char *out, const struct machine *m)
{
	char *path = path_join(out, "sys/kernel/security/lockdown");
	FILE *f = create_stream(path);
	size_t i;

	for (i = 0; i < sizeof(lockdown_modes) / sizeof(lockdown_modes[0]);
	     i++) {
		if (i)
			fputc(' ', f);
		if (lockdown_modes[i] == m->lockdown)
			fprintf(f, "[%s]", lockdown_modes[i]);
		else
			fputs(lockdown_modes[i], f);
	}
	fputc('\n', f);
	close_stream(f, path);
	free(path);
}

/* The file lines, each PATH opened once and written in order. */
static void write_files(const char *out, const struct machine *m)
{
	size_t i, j;

	for (i = 0; i < m->files.n; i++) {
		const char *t = m->files.v[i].text;
		size_t plen = strcspn(t, "\t");
		char *rel, *path;
		FILE *f;

		for (j = 0; j < i; j++) /* written with an earlier line */
			if (!strncmp(m->files.v[j].text, t, plen + 1))
				break;
		if (j < i)
			continue;
		rel = xrealloc(NULL, plen + 1);
		memcpy(rel, t, plen);
		rel[plen] = '\0';
		path = path_join(out, rel);
		f = create_stream(path);
		for (j = i; j < m->files.n; j++)
			if (!strncmp(m->files.v[j].text, t, plen + 1))
				fprintf(f, "%s\n",
					m->files.v[j].text + plen + 1);
		close_stream(f, path);
		free(path);
		free(rel);
	}
}

static void write_outputs(const char *out, bool memdir, const struct machine *m,
			  const struct layout *lo, const struct image *img,
			  const struct spans *cap)
{
	if (!m->no_fdt_line)
		write_fdt(out, m, lo);
	if (memdir)
		write_mem_dir(out, img, cap);
	else
		write_mem_image(out, img, cap);
	write_iomem(out, m);
	if (m->kmsg.n || gic_log_lines(m))
		write_kmsg(out, m);
	if (m->cmdline)
		write_text(out, "proc/cmdline", m->cmdline);
	if (m->st.line)
		write_text(out, "sys/firmware/efi/fw_platform_size", "64");
	if (m->gic.madt)
		write_madt(out, m);
	if (m->x86_line)
		write_madt_x86(out, m);
	if (m->version)
		write_text(out, "proc/version", m->version);
	if (m->kexec.line)
		write_kexec(out, m);
	write_files(out, m);
	if (m->lockdown)
		write_lockdown(out, m);
}

static void free_machine(struct machine *m)
{
	size_t i;

	for (i = 0; i < m->mmio.n; i++)
		free((char *)m->mmio.v[i].name);
	for (i = 0; i < m->kmsg.n; i++)
		free(m->kmsg.v[i].text);
	for (i = 0; i < m->files.n; i++)
		free(m->files.v[i].text);
	free(m->files.v);
	for (i = 0; i < m->pokes.n; i++)
		free(m->pokes.v[i].data);
	free(m->ram.v);
	free(m->sub.v);
	free(m->mmio.v);
	free(m->kmsg.v);
	free(m->fdt_rsv.v);
	free(m->tables.v);
	free(m->blocks.v);
	free(m->entries.v);
	free(m->capops.v);
	free(m->pokes.v);
	free(m->cmdline);
	free(m->model);
	free(m->st.vendor);
	free(m->version);
	free((char *)m->gic.compat);
	for (i = 0; i < m->rsvmem.n; i++)
		free(m->rsvmem.v[i].name);
	free(m->rsvmem.v);
	free(m->gic.regions.v);
	free(m->gic.its.v);
	free(m->gic.rd.v);
	free(m->gic.rds);
}

static void free_image(struct image *img)
{
	size_t i;

	for (i = 0; i < img->c.n; i++)
		free(img->c.v[i].data);
	free(img->c.v);
}

static void usage(FILE *f)
{
	fputs("usage: mkmachine [-d] DESC OUTDIR\n"
	      "Write the snapshot root of the arm64 machine described in DESC\n"
	      "to OUTDIR, which must be empty or absent.\n"
	      "  -d, --memdir  physical memory as dev/mem.d/START-END files\n"
	      "                (default: sparse dev/mem + dev/mem.ranges)\n"
	      "  -h, --help    show this help\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "memdir", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct machine m = { 0 };
	struct layout lo = { 0 };
	struct image img = { 0 };
	struct spans cap = { 0 };
	bool memdir = false;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "dh", opts, NULL)) != -1) {
		if (c == 'd') {
			memdir = true;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			die("unknown option '%s' (try -h)", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		die("expected DESC OUTDIR (try -h)");
	m.desc = argv[optind];
	parse_file(&m, m.desc);
	check_machine(&m);
	build_image(&m, &lo, &img);
	capture(&m, &img, &cap);
	prepare_outdir(argv[optind + 1]);
	write_outputs(argv[optind + 1], memdir, &m, &lo, &img, &cap);
	free(cap.s.v);
	free_image(&img);
	free_machine(&m);
	return 0;
}
