// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"

static int to_stdout(gk_fill_fn fill, void *arg, struct gk_err *e)
{
	int ret = fill(stdout, arg);

	if (ret == 0 && fflush(stdout))
		ret = gk_fail(e, gk_errno(errno), "standard output: %s",
			      strerror(errno));
	return ret;
}

int gk_atomic_write(const char *path, mode_t mode, gk_fill_fn fill, void *arg,
		    struct gk_err *e)
{
	char tmp[PATH_MAX];
	int fd, ret, err = 0;
	FILE *f;

	if (!strcmp(path, "-"))
		return to_stdout(fill, arg, e);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path,
			     (int)getpid()) >= sizeof(tmp))
		return gk_fail(e, -GK_ERR_INVAL, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		err = errno;
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return gk_fail(e, gk_errno(err), "%s: %s", tmp, strerror(err));
	}
	ret = fill(f, arg);
	if (ferror(f) && !ret)
		ret = gk_fail(e, -GK_ERR_IO, "%s: write failed", tmp);
	if (fclose(f) && !ret)
		ret = gk_fail(e, gk_errno(errno), "%s: %s", tmp, strerror(errno));
	if (!ret && rename(tmp, path) < 0)
		ret = gk_fail(e, gk_errno(errno), "%s: %s", path, strerror(errno));
	if (ret)
		unlink(tmp);
	return ret;
}
