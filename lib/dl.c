// SPDX-License-Identifier: GPL-2.0-or-later
#include <dlfcn.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "sysroot.h"

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

static bool root_has(const struct sysroot *sr, const char *path)
{
	return sysroot_is_live(sr) ||
	       faccessat(sysroot_fd(sr), path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* the sonames as lib/journal.c, lib/kmem.c and lib/arlib.h name them */
void gk_dl_wanted(const struct sysroot *sr, bool archive, const char *out[4])
{
	size_t n = 0;

	if (root_has(sr, "var/log/journal") || root_has(sr, "run/log/journal"))
		out[n++] = "libsystemd.so.0";
	if (root_has(sr, "sys/kernel/btf/vmlinux"))
		out[n++] = "libbpf.so.1";
	if (archive)
		out[n++] = "libarchive.so.13";
	out[n] = NULL;
}
