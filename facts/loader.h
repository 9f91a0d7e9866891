/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which loader will run the next kexec, and which version: what `kexec -v`
 * says of the kexec on PATH (gic-kexec's, or kexec-tools'), or of
 * kexec-tools' own binary under the names our package diverts it to.
 * Live it runs the binary; a snapshot holds the line it printed in
 * GK_LOADER_FILE (written by --dump), so a replay says the same.
 */
#ifndef GK_LOADER_H
#define GK_LOADER_H

#include <stdbool.h>

#include "facts.h"
#include "rundir.h"
#include "sysroot.h"

struct gk_loader_probe {
	char line[96]; /* "kexec-tools 2.0.25", "" none found */
	char path[64]; /* the binary that said it (live) */
	bool ours;     /* the kexec on PATH is gic-kexec's */
};

/**
 * gk_loader_probe - ask the kexec on PATH (or kexec-tools' when
 * @kexec_tools) for its version
 * returns: 0 (the probe may have found nothing: line is "")
 */
int gk_loader_probe(const struct sysroot *sr, bool kexec_tools,
		    struct gk_loader_probe *out);

/* "2.0.25" from "kexec-tools 2.0.25" into @f->kt_version ("" unknown) */
void gk_loader_version(const struct gk_loader_probe *p, struct gk_facts *f);

#endif
