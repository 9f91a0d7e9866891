// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Names of EFI configuration tables. libefivar's database knows EFI
 * variables and protocols but none of the configuration tables the Linux
 * EFI stub and firmware install, so they are listed here with the names the
 * kernel prints in its "efi:" boot line (include/linux/efi.h, efi.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "efitables.h"

struct guid_name {
	const char *guid;
	const char *name;
};

static const struct guid_name config_tables[] = {
	{ "8868e871-e4f1-11d3-bc22-0080c73c8881", "ACPI 2.0" },
	{ "eb9d2d30-2d88-11d3-9a16-0090273fc14d", "ACPI" },
	{ "eb9d2d31-2d88-11d3-9a16-0090273fc14d", "SMBIOS" },
	{ "f2fd1544-9794-4a2c-992e-e5bbcf20e394", "SMBIOS 3.0" },
	{ "eb9d2d2f-2d88-11d3-9a16-0090273fc14d", "MPS" },
	{ "eb9d2d32-2d88-11d3-9a16-0090273fc14d", "SAL" },
	{ "880aaca3-4adc-4a04-9079-b747340825e5", "PROP" },
	{ "dcfa911d-26eb-469f-a220-38b7dc461220", "MEMATTR" },
	{ "b122a263-3661-4f68-9929-78f8b0d62180", "ESRT" },
	{ "eb66918a-7eef-402a-842e-931d21c38ae9", "RTPROP" },
	{ "b1b621d5-f19c-41a5-830b-d9152c69aae0", "DTB" },
	{ "05ad34ba-6f02-4214-952e-4da0398e2bb9", "DXE services" },
	{ "7739f24c-93d7-11d4-9a3a-0090273fc14d", "HOB list" },
	{ "4c19049f-4137-4dd3-9c10-8b97a83ffdfa", "Memory type info" },
	{ "49152e77-1ada-4764-b7a2-7afefed95e8b", "Debug image info" },
	{ "fc1bcdb0-7d31-49aa-936a-a4600d9dd083", "CRC32 section extraction" },
	{ "1ce1e5bc-7ceb-42f2-81e5-8aadf180f57b", "RNG" },
	{ "b7799cb0-eca2-4943-9667-1fae07b747fa", "TPMEventLog" },
	{ "1e2ed096-30e2-4254-bd89-863bbef82325", "TPMFinalLog" },
	{ "888eb0c6-8ede-4ff5-a8f0-9aee5cb977c2", "MEMRESERVE" },
	{ "5568e427-68fc-4f3d-ac74-ca555231cc68", "INITRD" },
	{ "c451ed2b-9694-45d3-baba-ed9f8988a389", "MOKvar" },
	{ "adf956ad-e98c-484c-ae11-b51c7d336447", "CocoSecret" },
	{ "e03fc20a-85dc-406e-b90e-4ab502371d95", "SCREEN_INFO" },
	{ "ef79e4aa-3c3d-4989-b902-07a943e550d2", "ARM_CPU_STATE" },
	{ "800f683f-d08b-423a-a293-965c3c6fe2b4", "BOOT_MEMMAP" },
	{ "d5d1de3c-105c-44f9-9ea9-bcef98120031", "Unaccepted" },
};

const efi_guid_t eft_guid_memreserve = EFI_GUID(
	0x888eb0c6, 0x8ede, 0x4ff5, 0xa8f0, 0x9a, 0xee, 0x5c, 0xb9, 0x77, 0xc2);

static bool guid_eq(const efi_guid_t *a, const efi_guid_t *b)
{
	return !memcmp(a, b, sizeof(*a));
}

int eft_guid_lookup(const char *name, efi_guid_t *guid)
{
	for (size_t i = 0; i < GK_ARRAY_SIZE(config_tables); i++)
		if (!strcasecmp(name, config_tables[i].name))
			return efi_str_to_guid(config_tables[i].guid, guid) <
					       0 ?
				       -GK_ERR_INVAL :
				       0;
	return -GK_ERR_NOTFOUND;
}

static const char *our_name(const efi_guid_t *guid)
{
	for (size_t i = 0; i < GK_ARRAY_SIZE(config_tables); i++) {
		efi_guid_t g;

		if (efi_str_to_guid(config_tables[i].guid, &g) >= 0 &&
		    guid_eq(&g, guid))
			return config_tables[i].name;
	}
	return NULL;
}

const char *eft_guid_name(const efi_guid_t *guid, char *buf, size_t size)
{
	const char *name = our_name(guid);
	efi_guid_t copy = *guid;
	char *lib = NULL, *str = NULL;

	if (name) {
		snprintf(buf, size, "%s", name);
		return buf;
	}
	/* libefivar answers with the GUID text when it has no name */
	if (efi_guid_to_name(&copy, &lib) >= 0 && lib &&
	    efi_guid_to_str(guid, &str) >= 0 && str && strcmp(lib, str)) {
		snprintf(buf, size, "%s", lib);
	} else {
		snprintf(buf, size, "%s", "");
	}
	free(lib);
	free(str);
	return buf;
}
