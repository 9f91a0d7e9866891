// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the EFI system table: the input is memory at 0 holding
 * the system table; a table that parses has its configuration tables read
 * and named from the same memory, and the rest of the input doubles as an
 * EFI memory map for the virtual-address translation.
 */
#include <stdlib.h>

#include "efitables.h"
#include "fuzz.h"

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct gk_fuzz_mem in = { data, size, 0 };
	struct eft_reader rd = { gk_fuzz_mem_read, &in, gk_fuzz_mem_name, NULL,
				 0 };
	struct eft_memmap map = { data, size, 48 };
	struct eft_table *t = NULL;
	struct eft_systab st;
	struct gk_err e = { 0 };
	char name[128];
	long n;
	int ret;

	ret = eft_systab_parse(data, size, 0, &st, &e);
	if (ret < 0)
		return gk_fuzz_failed_well(ret, &e);
	if (st.nr_tables > EFT_MAX_TABLES)
		return false;
	st.tables_phys = eft_virt_to_phys(&map, st.tables);
	n = eft_tables_read(&rd, &st, &t, &e);
	if (n < 0)
		return gk_fuzz_failed_well((int)n, &e) && !t;
	for (long i = 0; i < n; i++)
		eft_guid_name(&t[i].guid, name, sizeof(name));
	free(t);
	return (uint64_t)n == st.nr_tables;
}
