/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to lib/sysroot*.c. */
#ifndef GK_SYSROOT_INT_H
#define GK_SYSROOT_INT_H

#include <dirent.h>

#include "sysroot.h"

/*
 * Unpack @archive into a new temporary directory *@tmpdir (remove it with
 * sysroot_rmtree); *@root is the snapshot root inside it.
 */
int sysroot_unpack(const char *archive, char **tmpdir, char **root,
		   struct gk_err *e);

void sysroot_rmtree(const char *dir);

#endif
