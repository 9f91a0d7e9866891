// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The 64-bit EFI system table (UEFI spec 4.3) and its configuration table
 * array, decoded from bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "efitables.h"
#include "le.h"

/* offsets in EFI_SYSTEM_TABLE */
#define ST_REVISION 8
#define ST_HEADER_SIZE 12
#define ST_CRC32 16
#define ST_FW_VENDOR 24
#define ST_FW_REVISION 32
#define ST_RUNTIME 88
#define ST_NR_TABLES 104
#define ST_TABLES 112

/* EFI_MEMORY_DESCRIPTOR */
#define MD_PHYS 8
#define MD_VIRT 16
#define MD_PAGES 24
#define MD_ATTR 32
#define MD_MIN_SIZE 40u
#define EFI_MEMORY_RUNTIME (1ull << 63)

/* The CRC covers HeaderSize bytes with the CRC field as zero. */
static bool crc_matches(const uint8_t *buf, size_t len, uint32_t want)
{
	uint8_t copy[EFT_SYSTAB_SIZE];
	uLong crc;

	if (len > sizeof(copy))
		return false;
	memcpy(copy, buf, len);
	memset(copy + ST_CRC32, 0, 4);
	crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, copy, (uInt)len);
	return (uint32_t)crc == want;
}

int eft_systab_parse(const uint8_t *buf, size_t len, uint64_t addr,
		     struct eft_systab *st, struct gk_err *e)
{
	uint64_t sig;

	memset(st, 0, sizeof(*st));
	st->addr = addr;
	if (len < EFT_SYSTAB_SIZE)
		return gk_fail(e, -GK_ERR_CORRUPT,
			       "EFI system table at 0x%llx: only %zu bytes",
			       (unsigned long long)addr, len);
	sig = gk_le64(buf);
	if (sig != EFT_SYSTAB_SIGNATURE)
		return gk_fail(
			e, -GK_ERR_CORRUPT,
			"EFI system table at 0x%llx: bad signature 0x%016llx",
			(unsigned long long)addr, (unsigned long long)sig);
	st->revision = gk_le32(buf + ST_REVISION);
	st->header_size = gk_le32(buf + ST_HEADER_SIZE);
	st->crc32 = gk_le32(buf + ST_CRC32);
	st->fw_vendor = gk_le64(buf + ST_FW_VENDOR);
	st->fw_revision = gk_le32(buf + ST_FW_REVISION);
	st->runtime = gk_le64(buf + ST_RUNTIME);
	st->nr_tables = gk_le64(buf + ST_NR_TABLES);
	st->tables = gk_le64(buf + ST_TABLES);
	st->tables_phys = st->tables;
	if (st->revision >> 16 < 2)
		return gk_fail(e, -GK_ERR_CORRUPT,
			       "EFI system table at 0x%llx: revision %u.%u is "
			       "older than 2.0",
			       (unsigned long long)addr, st->revision >> 16,
			       st->revision & 0xffff);
	if (st->header_size < EFT_SYSTAB_SIZE || st->header_size > 4096)
		return gk_fail(e, -GK_ERR_CORRUPT,
			       "EFI system table at 0x%llx: header size %u",
			       (unsigned long long)addr, st->header_size);
	if (st->nr_tables > EFT_MAX_TABLES)
		return gk_fail(
			e, -GK_ERR_CORRUPT,
			"EFI system table at 0x%llx: %llu configuration tables",
			(unsigned long long)addr,
			(unsigned long long)st->nr_tables);
	if (st->nr_tables && !st->tables)
		return gk_fail(e, -GK_ERR_CORRUPT,
			       "EFI system table at 0x%llx: configuration "
			       "table pointer is 0",
			       (unsigned long long)addr);
	st->crc_ok = st->header_size <= len &&
		     crc_matches(buf, st->header_size, st->crc32);
	return 0;
}

uint64_t eft_virt_to_phys(const struct eft_memmap *map, uint64_t addr)
{
	if (!map || map->desc_size < MD_MIN_SIZE)
		return addr;
	for (size_t off = 0; off + map->desc_size <= map->size;
	     off += map->desc_size) {
		const uint8_t *md = map->buf + off;
		uint64_t virt = gk_le64(md + MD_VIRT);
		uint64_t pages = gk_le64(md + MD_PAGES);

		if (!(gk_le64(md + MD_ATTR) & EFI_MEMORY_RUNTIME))
			continue;
		/* the kernel stops too: no virtual map was installed */
		if (!virt)
			break;
		if (addr >= virt && pages < (1ull << 52) &&
		    addr - virt < pages << 12)
			return gk_le64(md + MD_PHYS) + (addr - virt);
	}
	return addr;
}

static void guid_from_bytes(const uint8_t *b, efi_guid_t *g)
{
	/* mixed-endian on the wire; d and e are kept as bytes */
	g->a = gk_le32(b);
	g->b = gk_le16(b + 4);
	g->c = gk_le16(b + 6);
	memcpy(&g->d, b + 8, sizeof(g->d));
	memcpy(g->e, b + 10, sizeof(g->e));
}

long eft_tables_read(const struct eft_reader *rd, const struct eft_systab *st,
		     struct eft_table **out, struct gk_err *e)
{
	size_t n = (size_t)st->nr_tables, len = n * EFT_CONFIG_ENTRY_SIZE;
	struct eft_table *t;
	uint8_t *buf;
	int ret;

	*out = NULL;
	if (!n)
		return 0;
	buf = malloc(len);
	t = calloc(n, sizeof(*t));
	if (!buf || !t) {
		ret = gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		goto fail;
	}
	ret = rd->read(rd->data, st->tables_phys, buf, len, e);
	if (ret < 0) {
		gk_err_prefix(e, "EFI configuration tables (%zu at 0x%llx)", n,
			      (unsigned long long)st->tables_phys);
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		guid_from_bytes(buf + i * EFT_CONFIG_ENTRY_SIZE, &t[i].guid);
		t[i].addr = gk_le64(buf + i * EFT_CONFIG_ENTRY_SIZE + 16);
	}
	free(buf);
	*out = t;
	return (long)n;
fail:
	free(buf);
	free(t);
	return ret;
}
