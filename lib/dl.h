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

/* every library gk_dl_open() may load, NULL-terminated (lib/confine.h) */
extern const char *const gk_dl_sonames[];

#endif
