// SPDX-License-Identifier: GPL-2.0-or-later
#include <dlfcn.h>
#include <string.h>

#include "dl.h"

/* as named in lib/arlib.h, lib/journal.c, lib/kmem.c */
const char *const gk_dl_sonames[] = { "libarchive.so.13", "libsystemd.so.0",
				      "libbpf.so.1", NULL };

int gk_dl_open(const char *soname, const char *pkg, const struct gk_dlsym *syms,
	       size_t n, void *tab, void **handle, struct gk_err *e)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	*handle = NULL;
	if (!h)
		return gk_fail(e, -GK_ERR_NOTFOUND,
			       "%s is not installed (Debian package %s)",
			       soname, pkg);
	for (size_t i = 0; i < n; i++) {
		void *p = dlsym(h, syms[i].name);

		if (!p && syms[i].alt)
			p = dlsym(h, syms[i].alt);
		if (!p) {
			dlclose(h);
			return gk_fail(e, -GK_ERR_NOTFOUND, "%s has no %s",
				       soname, syms[i].name);
		}
		/* POSIX: a data pointer from dlsym() converts to a function */
		memcpy((char *)tab + syms[i].off, &p, sizeof(p));
	}
	*handle = h;
	return 0;
}

void gk_dl_close(void *handle)
{
	if (handle)
		dlclose(handle);
}
