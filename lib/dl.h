/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A library loaded when a feature needs it, not linked: gicdiag goes into
 * crash kernels' initrds, where every linked library (and what it pulls:
 * libsystemd brings libgcrypt, lz4, zstd, libcap) takes crash kernel
 * memory, for sources (the journal, kernel memory) the crash kernel never
 * reads. Its functions are resolved into a table of pointers.
 */
#ifndef GK_DL_H
#define GK_DL_H

#include <stdbool.h>
#include <stddef.h>

#include "gkerr.h"

/* One function: where its pointer goes in the table, its name(s). */
struct gk_dlsym {
	size_t off;
	const char *name;
	const char *alt; /* an older name, or NULL */
};

#define GK_DLSYM(type, field, name)               \
	{                                         \
		offsetof(type, field), name, NULL \
	}

/**
 * gk_dl_open - load @soname and fill @tab from @syms
 * @pkg: the Debian package that ships @soname, for the message
 * @handle: output; gk_dl_close() it
 *
 * returns: 0, or -GK_ERR_NOTFOUND with a one-line reason in @e
 */
int gk_dl_open(const char *soname, const char *pkg, const struct gk_dlsym *syms,
	       size_t n, void *tab, void **handle, struct gk_err *e);

void gk_dl_close(void *handle);

struct sysroot;

/**
 * gk_dl_wanted - the libraries a run on @sr may load, for a process that
 * confines itself (lib/confine.h: it can map no code afterwards)
 * @archive: a snapshot archive is written (libarchive)
 * @out: filled with sonames, NULL-terminated
 *
 * Live, the journal's and BTF's; of a snapshot, those it holds the files
 * for: each costs milliseconds to load (libarchive ~10), and a replay of
 * a small snapshot takes ten.
 */
void gk_dl_wanted(const struct sysroot *sr, bool archive, const char *out[4]);

#endif
