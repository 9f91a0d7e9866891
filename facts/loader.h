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

/* What the running kernel's config says of kexec_file_load. */
struct gk_kconfig {
	char path[96];	/* "/boot/config-6.1.0-28-arm64", "" no release */
	char line[64];	/* its CONFIG_KEXEC_FILE line, "" none */
	int kexec_file; /* 1 built in, 0 not set, -1 unknown */
};

/**
 * gk_kexec_file_probe - whether the running kernel has kexec_file_load:
 * CONFIG_KEXEC_FILE in /boot/config-RELEASE (the release from
 * /proc/sys/kernel/osrelease), where Debian and Fedora install it. A
 * snapshot replays it from that one line (gicdiag --dump copies it).
 *
 * returns: 0 (a missing or unreadable config is "unknown"), or
 * -GK_ERR_NOMEM: then @k says nothing
 */
int gk_kexec_file_probe(const struct sysroot *sr, struct gk_kconfig *k);

/**
 * gk_kt_file_first - whether kexec-tools @version tries kexec_file_load
 * first: -a is its default since 2.0.27 (commit 29fe506, "kexec: make -a
 * the default"); it falls back to kexec_load where the kernel answers
 * ENOSYS (no CONFIG_KEXEC_FILE, every Debian arm64 kernel)
 * @version: "2.0.27"; "" unknown: false
 */
bool gk_kt_file_first(const char *version);

#endif
