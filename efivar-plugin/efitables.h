/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libefitables: the EFI system table of a running (or captured) arm64
 * Linux system, its configuration tables by name, and the Linux memreserve
 * list that carries persistent reservations (the GICv3 LPI tables among
 * them) from one kernel to the next across kexec.
 *
 * The parsers work on bytes through a read callback, so they are tested
 * and fuzzed without a machine; struct eft_ctx wires them to a system root.
 */
#ifndef GK_EFITABLES_H
#define GK_EFITABLES_H

#include <efivar.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"
#include "physmem.h"
#include "range.h"
#include "sysroot.h"

/* Physical memory reader: 0, or a negative GK_ERR_* code with @e set. */
typedef int (*eft_read_fn)(void *data, uint64_t pa, void *buf, size_t len,
			   struct gk_err *e);

struct eft_reader {
	eft_read_fn read;
	void *data;
	/* the memory file the last read came from, for messages */
	const char *(*name)(void *data);
	const struct gk_range
		*ram; /* memory (System RAM + NOMAP), merged; NULL: unknown */
	size_t nram;
};

/* ---- system table ------------------------------------------------ */

#define EFT_SYSTAB_SIGNATURE 0x5453595320494249ull /* "IBI SYST" */
#define EFT_SYSTAB_SIZE 120u			   /* 64-bit EFI_SYSTEM_TABLE */
#define EFT_CONFIG_ENTRY_SIZE 24u		   /* EFI_CONFIGURATION_TABLE */
#define EFT_MAX_TABLES 1024u /* real firmware has a few dozen */

struct eft_systab {
	uint64_t addr;
	uint32_t revision; /* (major << 16) | minor */
	uint32_t header_size;
	uint32_t crc32;
	bool crc_ok;
	uint64_t fw_vendor;
	uint32_t fw_revision;
	uint64_t runtime;
	uint64_t nr_tables;
	uint64_t tables;      /* ConfigurationTable as stored */
	uint64_t tables_phys; /* ... translated to a physical address */
	char vendor[128];     /* FirmwareVendor, UTF-8; "" when unreadable */
};

/**
 * eft_systab_parse - check and decode an EFI system table
 * @buf: EFT_SYSTAB_SIZE bytes read at @addr
 * @len: bytes in @buf
 * @addr: its physical address, for messages
 * @st: output
 * @e: failure detail, or NULL
 *
 * Checks the signature, a revision of 2.x or later, the header size and
 * the number of tables. The CRC is checked but a mismatch is only
 * recorded: firmware updates pointers at SetVirtualAddressMap().
 *
 * returns: 0 or -GK_ERR_CORRUPT
 */
int eft_systab_parse(const uint8_t *buf, size_t len, uint64_t addr,
		     struct eft_systab *st, struct gk_err *e);

/* EFI memory descriptors of the map the stub passed in /chosen. */
struct eft_memmap {
	const uint8_t *buf;
	size_t size;
	uint32_t desc_size;
};

/**
 * eft_virt_to_phys - translate a firmware pointer as the kernel does
 * @map: the EFI memory map, or NULL
 * @addr: the pointer
 *
 * After SetVirtualAddressMap() some firmware stores virtual addresses in
 * the system table; a runtime descriptor maps them back.
 *
 * returns: the physical address (@addr itself when no descriptor maps it)
 */
uint64_t eft_virt_to_phys(const struct eft_memmap *map, uint64_t addr);

struct eft_table {
	efi_guid_t guid;
	uint64_t addr; /* VendorTable */
};

/**
 * eft_tables_read - read the configuration table array
 * @rd: memory reader
 * @st: the system table, with tables_phys set
 * @out: the entries, to be freed by the caller
 * @e: failure detail, or NULL
 *
 * returns: the number of entries, or a negative GK_ERR_* code
 */
long eft_tables_read(const struct eft_reader *rd, const struct eft_systab *st,
		     struct eft_table **out, struct gk_err *e);

/**
 * eft_guid_name - a short name for a configuration-table GUID
 * @guid: the GUID
 * @buf: output
 * @size: size of @buf
 *
 * Our own table first (ACPI, SMBIOS, the LINUX_EFI_* tables, which
 * libefivar does not know), then libefivar's; the GUID text otherwise.
 *
 * returns: @buf
 */
const char *eft_guid_name(const efi_guid_t *guid, char *buf, size_t size);

/**
 * eft_guid_lookup - the GUID of a table name known to eft_guid_name()
 * returns: 0, or -GK_ERR_NOTFOUND
 */
int eft_guid_lookup(const char *name, efi_guid_t *guid);

extern const efi_guid_t eft_guid_memreserve;

/* ---- Linux memreserve list --------------------------------------- */

#define EFT_MR_HDR_SIZE 16u    /* size, count, next */
#define EFT_MR_ENTRY_SIZE 16u  /* base, size */
#define EFT_MR_BLOCK_SLOTS 255 /* EFI_MEMRESERVE_COUNT(SZ_4K) */
#define EFT_MR_MAX_BLOCKS 65536u

/* why an entry is odd: the kernel reserves it as it is */
#define EFT_MR_ZERO 0x1	     /* size 0 */
#define EFT_MR_UNALIGNED 0x2 /* base or size not 4 KiB aligned */
#define EFT_MR_OVERLAP 0x4   /* overlaps another entry */
#define EFT_MR_NOT_RAM 0x8   /* not wholly inside memory */
#define EFT_MR_WRAPS 0x10    /* base + size passes 2^64 */

struct eft_mr_block {
	uint64_t addr;
	int32_t size;  /* slots */
	int32_t count; /* slots used */
	uint64_t next;
};

struct eft_mr_entry {
	uint64_t base;
	uint64_t size;
	uint64_t block;	    /* address of the block holding it */
	unsigned int index; /* slot in that block */
	unsigned int flags; /* EFT_MR_* */
};

struct eft_memreserve {
	uint64_t root;
	struct eft_mr_block *blocks;
	size_t nblocks;
	struct eft_mr_entry *entries;
	size_t nentries;
	struct gk_range *merged; /* union of the entries, sorted */
	size_t nmerged;
	unsigned int odd;	 /* EFT_MR_* flags seen on any entry */
	unsigned int odd_blocks; /* blocks whose size is not 255 */
};

/**
 * eft_memreserve_walk - follow the list from its root and validate it
 * @rd: memory reader (with the RAM map when known)
 * @root: physical address of the root block (the config table entry)
 * @out: the list, to be freed with eft_memreserve_free()
 * @e: failure detail: "FILE: memreserve block at 0x...: what is wrong"
 *
 * Fails on what would break the next kernel's walk: a loop (Brent's
 * algorithm), a block that is misaligned, outside RAM, unreadable, has
 * count > size or used slots past its 4 KiB page, or more than
 * EFT_MR_MAX_BLOCKS blocks. Odd entries are flagged, not refused.
 *
 * returns: 0, or a negative GK_ERR_* code (-GK_ERR_CORRUPT for a broken
 * list)
 */
int eft_memreserve_walk(const struct eft_reader *rd, uint64_t root,
			struct eft_memreserve **out, struct gk_err *e);

void eft_memreserve_free(struct eft_memreserve *mr);

/**
 * eft_memreserve_covers - whether [@addr, @addr + @len) is reserved
 * @mr: the list
 * @addr: first address
 * @len: length, at least 1
 * @by: if not NULL, the merged reservation that covers the range, or the
 *	first one that overlaps it; {0, 0} when none does
 *
 * Adjacent and overlapping entries count as one, as memblock merges them.
 *
 * returns: 1 covered, 0 not (or only partly) covered, -GK_ERR_INVAL for an
 * empty or wrapping range
 */
int eft_memreserve_covers(const struct eft_memreserve *mr, uint64_t addr,
			  uint64_t len, struct gk_range *by);

/* ---- a system root, wired ---------------------------------------- */

struct eft_ctx;

/**
 * eft_open - gather what libefitables reads from a system root
 * @sr: the root (live or snapshot); it must outlive the context
 * @out: the context
 * @e: failure detail, or NULL
 *
 * Opens physical memory and reads /proc/iomem; neither is required here,
 * their absence shows when something needs them.
 *
 * returns: 0, or a negative GK_ERR_* code (a malformed snapshot)
 */
int eft_open(const struct sysroot *sr, struct eft_ctx **out, struct gk_err *e);

/**
 * eft_open_pm - as eft_open(), reading through the caller's physmem
 * @sr: the root
 * @pm: physical memory, not owned: it must outlive the context
 * @out: the context
 * @e: failure detail, or NULL
 *
 * Lets a tool record everything read (gicdiag --dump).
 */
int eft_open_pm(const struct sysroot *sr, struct physmem *pm,
		struct eft_ctx **out, struct gk_err *e);

void eft_close(struct eft_ctx *ctx);

/**
 * eft_ctx_physmem - the physical memory a context reads (to record it)
 */
struct physmem *eft_ctx_physmem(struct eft_ctx *ctx);

/**
 * eft_reader - the memory reader of a context
 */
const struct eft_reader *eft_ctx_reader(const struct eft_ctx *ctx);

/**
 * eft_find_systab - locate and read the EFI system table
 * @ctx: the context
 * @st: output
 * @e: failure detail, or NULL
 *
 * From /chosen/linux,uefi-system-table of /sys/firmware/fdt; the
 * ConfigurationTable pointer is translated through the EFI memory map
 * named in /chosen, and must lie in RAM.
 *
 * returns: 0, -GK_ERR_NOTFOUND when the system did not boot through EFI,
 * or another negative GK_ERR_* code
 */
int eft_find_systab(struct eft_ctx *ctx, struct eft_systab *st,
		    struct gk_err *e);

/* where eft_find_memreserve() found the root */
enum eft_root_source {
	EFT_ROOT_CONFIG_TABLE,
	EFT_ROOT_KERNEL_LOG,
};

/**
 * eft_find_memreserve - locate the memreserve root
 * @ctx: the context
 * @root: its physical address
 * @src: where it was found
 * @e: failure detail, or NULL
 *
 * The configuration table first; when the system table cannot be read,
 * the kernel log's "efi: ... MEMRESERVE=0x..." line.
 *
 * returns: 0, -GK_ERR_NOTFOUND when there is no memreserve table, or
 * another negative GK_ERR_* code
 */
int eft_find_memreserve(struct eft_ctx *ctx, uint64_t *root,
			enum eft_root_source *src, struct gk_err *e);

#endif
