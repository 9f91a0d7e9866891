// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "facts.h"

const char *gk_src_name(enum gk_src s)
{
	static const char *const names[] = {
		[GK_SRC_NONE] = "none",
		[GK_SRC_REGS] = "registers",
		[GK_SRC_KMEM] = "kernel-memory",
		[GK_SRC_BOOTREC] = "boot-record",
		[GK_SRC_KLOG] = "kernel-log",
		[GK_SRC_JOURNAL] = "journal",
		[GK_SRC_INHERITED] = "inherited-dtb",
	};

	return (unsigned int)s < GK_ARRAY_SIZE(names) ? names[s] : "?";
}

void gk_facts_free(struct gk_facts *f)
{
	free(f->rds);
	free(f->memreserve);
	free(f->dt_memrsv);
	free(f->resmem);
	free(f->crash);
	free(f->ram);
	free(f->conflicts);
	free(f->named);
	for (size_t t = 0; t < GK_ARRAY_SIZE(f->loaded); t++)
		free(f->loaded[t].tables);
	lpilog_free(&f->log);
	memset(f, 0, sizeof(*f));
}
