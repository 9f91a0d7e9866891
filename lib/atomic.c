// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"

/*
 * PATH.tmp.PID, created exclusively: a concurrent writer gets its own.
 * Every message names PATH, the file the operator asked for: the
 * temporary name is ours, and it is gone when the message is read.
 */
static int open_tmp(const char *path, mode_t mode, char *tmp, size_t size,
		    FILE **f, struct gk_err *e)
{
	int fd, err;

	if ((size_t)snprintf(tmp, size, "%s.tmp.%d", path, (int)getpid()) >=
	    size)
		return gk_fail(e, -GK_ERR_INVAL, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		goto fail;
	*f = fdopen(fd, "w");
	if (*f)
		return 0;
	err = errno;
	close(fd);
	unlink(tmp);
	errno = err;
fail:
	return gk_fail(e, gk_errno(errno), "%s: %s", path, strerror(errno));
}

/* the content on disk, or the first reason it is not */
static int finish(FILE *f, const char *path, int ret, struct gk_err *e)
{
	if (!ret && ferror(f))
		ret = gk_fail(e, -GK_ERR_IO, "%s: write failed", path);
	if (!ret && (fflush(f) || fsync(fileno(f))))
		ret = gk_fail(e, gk_errno(errno), "%s: %s", path,
			      strerror(errno));
	if (fclose(f) && !ret)
		ret = gk_fail(e, gk_errno(errno), "%s: %s", path,
			      strerror(errno));
	return ret;
}

int gk_atomic_write(const char *path, mode_t mode, gk_fill_fn fill, void *arg,
		    struct gk_err *e)
{
	char tmp[PATH_MAX];
	FILE *f;
	int ret;

	ret = open_tmp(path, mode, tmp, sizeof(tmp), &f, e);
	if (ret < 0)
		return ret;
	gk_err_clear(e);
	ret = fill(f, arg, e);
	if (ret < 0 && ferror(f))
		ret = gk_fail(e, ret, "%s: write failed", path);
	else if (ret < 0 && e && !e->code)
		ret = gk_fail(e, ret, "%s: %s", path, gk_strerror(ret));
	ret = finish(f, path, ret, e);
	if (!ret && rename(tmp, path) < 0)
		ret = gk_fail(e, gk_errno(errno), "%s: %s", path,
			      strerror(errno));
	if (ret)
		unlink(tmp);
	return ret;
}
