// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkmachine - write the snapshot root (DESIGN.md section 5) of an arm64
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
 * comment, except in cmdline, model and kmsg, whose text runs verbatim to the
 * end of the line. Numbers are C integers (0x.., 0.., decimal), with an
 * optional K, M, G or T suffix (powers of 1024). A quoted "string" is one word.
 *
 *   ram START SIZE                 System RAM (4 KiB aligned)
 *   reserved START SIZE            "reserved" child of System RAM
 *   crashkernel START SIZE         "Crash kernel" child of System RAM
 *   kernel START SIZE              "Kernel code" + "Kernel data" (halves)
 *   mmio START SIZE NAME...        top-level /proc/iomem line
 *   cmdline TEXT                   /proc/cmdline and /chosen/bootargs
 *   model TEXT                     model property of the DT root
 *   kmsg [<PRIO>]TEXT              one /dev/kmsg record
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
 *
 * The order of lines matters only for table (the array's order), block (the
 * list order from the root), entry/entries (they go to the block above),
 * kmsg, poke and capture/uncapture. A block's count defaults to its entries,
 * its next to the following block (the last one ends the list, as does
 * `next end`); the root's next to the first block. The kernel pushes new
 * blocks at the head, so list order is newest first.
 *
 * Defaults for the EFI layout: the vendor string ("EDK II") right after the
 * 120-byte system table, the config array after it and the memory map after
 * the array, each 8-aligned. The memory map has one conventional descriptor
 * per ram line and, with `config ... virt`, a runtime one that maps the
 * array's pages from VADDR back to ADDR.
 *
 * Captured ranges are the bytes written (structures, blocks with all their
 * slots, pokes), merged, then capture and uncapture in the order given.
 * Only captured bytes reach dev/mem or dev/mem.d; OUTDIR must be empty.
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

static const char memreserve_guid[] = "888eb0c6-8ede-4ff5-a8f0-9aee5cb977c2";

static const struct {
	const char *name;
	const char *guid;
} table_names[] = {
	{"acpi", "eb9d2d30-2d88-11d3-9a16-0090273fc14d"},
	{"acpi20", "8868e871-e4f1-11d3-bc22-0080c73c8881"},
	{"smbios", "eb9d2d31-2d88-11d3-9a16-0090273fc14d"},
	{"smbios3", "f2fd1544-9794-4a2c-992e-e5bbcf20e394"},
	{"memattr", "dcfa911d-26eb-469f-a220-38b7dc461220"},
	{"esrt", "b122a263-3661-4f68-9929-78f8b0d62180"},
	{"rtprop", "eb66918a-7eef-402a-842e-931d21c38ae9"},
	{"rng-seed", "1ce1e5bc-7ceb-42f2-81e5-8aadf180f57b"},
	{"tpm-log", "b7799cb0-eca2-4943-9667-1fae07b747fa"},
	{"tpm-final-log", "1e2ed096-30e2-4254-bd89-863bbef82325"},
	{"initrd", "5568e427-68fc-4f3d-ac74-ca555231cc68"},
	{"screen-info", "e03fc20a-85dc-406e-b90e-4ab502371d95"},
	{"dt", "b1b621d5-f19c-41a5-830b-d9152c69aae0"},
	{"memreserve", memreserve_guid},
};

/* A growable array; PUSH() appends one zeroed element and returns it. */
#define ARRAY(type)                                                            \
	struct {                                                               \
		type *v;                                                       \
		size_t n;                                                      \
		size_t cap;                                                    \
	}
#define PUSH(a)                                                                \
	((a).v = grow((a).v, &(a).n, &(a).cap, sizeof(*(a).v)),                \
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
	u8 *data;
	unsigned int line;
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

struct machine {
	const char *desc;
	ARRAY(struct res) ram;
	ARRAY(struct res) sub; /* children of System RAM */
	ARRAY(struct res) mmio;
	ARRAY(struct record) kmsg;
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
#define FAIL(lx, fmt, ...)                                                     \
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
	static const u8 order[16] = {3, 2, 1,  0,  5,  4,  7,  6,
				     8, 9, 10, 11, 12, 13, 14, 15};
	u8 text[16] = {0};
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
	*res = (struct res){r.start, r.end, "System RAM", 0, lx->line};
}

static void add_sub(struct machine *m, struct lexer *lx, struct span r,
		    const char *name)
{
	struct res *res = PUSH(m->sub);

	*res = (struct res){r.start, r.end, name, 2, lx->line};
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
	add_sub(m, lx, (struct span){r.start, r.start + half - 1},
		"Kernel code");
	add_sub(m, lx, (struct span){r.start + half, r.end}, "Kernel data");
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
	*res = (struct res){r.start, r.end, name, 1, lx->line};
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

static void parse_fdt_memreserve(struct machine *m, struct lexer *lx)
{
	struct pair *p = PUSH(m->fdt_rsv);

	/* a zero size is allowed: it is how a broken map ends early */
	p->base = get_num(lx, "BASE");
	p->size = get_num(lx, "SIZE");
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
		*PUSH(m->entries) = (struct pair){base + i * stride, size};
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
	*PUSH(m->capops) = (struct capop){r, !strcmp(lx->kw, "capture")};
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

static const struct keyword {
	const char *name;
	void (*parse)(struct machine *m, struct lexer *lx);
} keywords[] = {
	{"ram", parse_ram},
	{"reserved", parse_reserved},
	{"crashkernel", parse_crashkernel},
	{"kernel", parse_kernel},
	{"mmio", parse_mmio},
	{"cmdline", parse_cmdline},
	{"model", parse_model},
	{"kmsg", parse_kmsg},
	{"fdt-memreserve", parse_fdt_memreserve},
	{"no-fdt", parse_no_fdt},
	{"systab", parse_systab},
	{"config", parse_config},
	{"mmap", parse_mmap},
	{"table", parse_table},
	{"memreserve", parse_memreserve},
	{"block", parse_block},
	{"entry", parse_entry},
	{"entries", parse_entries},
	{"fill", parse_fill},
	{"capture", parse_capture},
	{"uncapture", parse_capture},
	{"poke", parse_poke},
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
	struct lexer lx = {.desc = desc};
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

static void check_machine(struct machine *m)
{
	check_ram(m);
	need_systab(m, m->config.line, "config");
	need_systab(m, m->mmap.line, "mmap");
	need_systab(m, m->root.line, "memreserve");
	if (m->tables.n)
		need_systab(m, m->tables.v[0].line, "table");
}

/* ---- physical memory ------------------------------------------------- */

/* Record a write; the image takes DATA (malloc'ed) over. */
static void emit(const struct machine *m, struct image *img, unsigned int line,
		 u64 addr, u8 *data, size_t len)
{
	struct chunk *c;

	if (!len) {
		free(data);
		return;
	}
	if (addr > UINT64_MAX - (len - 1))
		die_at(m->desc, line, "%zu bytes at 0x%llx wrap past 2^64", len,
		       (unsigned long long)addr);
	c = PUSH(img->c);
	*c = (struct chunk){addr, len, data, line};
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
	size_t hdr =
		m->st.header_size < MAX_HEADER ? m->st.header_size : MAX_HEADER;

	/* a header-size above 120 is honest: its bytes exist and are CRCed */
	lo->systab_len = SYSTAB_SIZE + vlen > hdr ? SYSTAB_SIZE + vlen : hdr;
	lo->config_addr = m->config.line ? m->config.addr
					 : after(m, m->st.line, m->st.addr,
						 lo->systab_len);
	lo->config_len = (u64)CONFIG_ENTRY_SIZE * m->tables.n;
	lo->config_ptr = m->config.virt_set ? m->config.virt : lo->config_addr;
	lo->mmap_addr = m->mmap.line ? m->mmap.addr
				     : after(m, m->st.line, lo->config_addr,
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
	crc_len = m->st.header_size < lo->systab_len ? m->st.header_size
						     : lo->systab_len;
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
						PAGE_SIZE
				      : first;
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
	struct spans out = {0};
	size_t i;
	struct span x;

	for (i = 0; i < s->s.n; i++) {
		x = s->s.v[i];
		if (x.end < r.start || x.start > r.end) {
			*PUSH(out.s) = x;
			continue;
		}
		if (x.start < r.start)
			*PUSH(out.s) = (struct span){x.start, r.start - 1};
		if (x.end > r.end)
			*PUSH(out.s) = (struct span){r.end + 1, x.end};
	}
	free(s->s.v);
	*s = out;
}

static void capture(const struct machine *m, const struct image *img,
		    struct spans *cap)
{
	size_t i;

	for (i = 0; i < img->c.n; i++)
		*PUSH(cap->s) =
			(struct span){img->c.v[i].addr,
				      img->c.v[i].addr + (img->c.v[i].len - 1)};
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
		if (end < s.start || c->addr > s.end)
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

static void write_kmsg(const char *out, const struct machine *m)
{
	char *path = path_join(out, "dev/kmsg");
	FILE *f = create_stream(path);
	size_t i;

	for (i = 0; i < m->kmsg.n; i++) {
		fprintf(f, "%d,%zu,%llu,-;", m->kmsg.v[i].prio, i,
			(unsigned long long)i * 1000);
		put_kmsg_text(f, m->kmsg.v[i].text);
		fputc('\n', f);
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
	if (m->kmsg.n)
		write_kmsg(out, m);
	if (m->cmdline)
		write_text(out, "proc/cmdline", m->cmdline);
	if (m->st.line)
		write_text(out, "sys/firmware/efi/fw_platform_size", "64");
}

static void free_machine(struct machine *m)
{
	size_t i;

	for (i = 0; i < m->mmio.n; i++)
		free((char *)m->mmio.v[i].name);
	for (i = 0; i < m->kmsg.n; i++)
		free(m->kmsg.v[i].text);
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
		{"memdir", no_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct machine m = {0};
	struct layout lo = {0};
	struct image img = {0};
	struct spans cap = {0};
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
