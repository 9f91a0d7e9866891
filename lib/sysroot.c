// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sysroot-int.h"

/* Same bound as the kernel's MAXSYMLINKS. */
#define SYSROOT_MAX_LINKS 40

struct sysroot {
	int dirfd; /* snapshot root, -1 when live */
	unsigned int flags;
	char *dir;    /* as given, for messages */
	char *tmpdir; /* an archive's unpacked copy, removed at the end */
};

/* Open @dir, or unpack it first when it is an archive. */
static int open_root(struct sysroot *sr, const char *dir, struct gk_err *e)
{
	struct stat st;
	char *root = NULL;
	int ret;

	if (stat(dir, &st) == 0 && S_ISREG(st.st_mode)) {
		ret = sysroot_unpack(dir, &sr->tmpdir, &root, e);
		if (ret < 0)
			return ret;
	}
	sr->dirfd = open(root ? root : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(root);
	if (sr->dirfd < 0)
		return gk_fail(e, gk_errno(errno), "%s: %s", dir,
			       errno == ENOTDIR ? "not a directory" :
						  strerror(errno));
	return 0;
}

int sysroot_new(const char *dir, unsigned int flags, struct sysroot **out,
		struct gk_err *e)
{
	struct sysroot *sr;
	int ret;

	sr = calloc(1, sizeof(*sr));
	if (!sr)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	sr->dirfd = -1;
	sr->flags = flags;
	if (dir && strcmp(dir, "/") != 0) {
		ret = open_root(sr, dir, e);
		if (ret < 0) {
			sysroot_free(sr);
			return ret;
		}
		/* an archive's files are named "ARCHIVE:/path" */
		if (asprintf(&sr->dir, "%s%s", dir, sr->tmpdir ? ":" : "") <
		    0) {
			sr->dir = NULL;
			sysroot_free(sr);
			return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		}
		/* "snap/" and "snap" name files the same way */
		for (size_t n = strlen(sr->dir); n > 1 && sr->dir[n - 1] == '/';
		     n--)
			sr->dir[n - 1] = '\0';
	}
	*out = sr;
	return 0;
}

void sysroot_free(struct sysroot *sr)
{
	if (!sr)
		return;
	if (sr->dirfd >= 0)
		close(sr->dirfd);
	if (sr->tmpdir)
		sysroot_rmtree(sr->tmpdir);
	free(sr->tmpdir);
	free(sr->dir);
	free(sr);
}

bool sysroot_is_live(const struct sysroot *sr)
{
	return sr->dirfd < 0;
}

const char *sysroot_dir(const struct sysroot *sr)
{
	return sr->dir ? sr->dir : "";
}

const char *sysroot_label(const struct sysroot *sr, char *buf, size_t size)
{
	const char *dir = sysroot_dir(sr);
	size_t n = strlen(dir);

	/* an archive's prefix ends in ':' (see sysroot_new) */
	if (sr->tmpdir && n)
		n--;
	snprintf(buf, size, "%.*s", (int)n, dir);
	return buf;
}

int sysroot_fd(const struct sysroot *sr)
{
	return sr->dirfd;
}

const char *sysroot_scratch(const struct sysroot *sr)
{
	return sr->tmpdir;
}

const char *sysroot_name(const struct sysroot *sr, const char *path, char *buf,
			 size_t size)
{
	snprintf(buf, size, "%s%s", sysroot_dir(sr), path);
	return buf;
}

/* Drop the last component of a root-relative path ("" is the root). */
static void path_pop(char *norm)
{
	char *slash = strrchr(norm, '/');

	if (slash)
		*slash = '\0';
	else
		norm[0] = '\0';
}

/*
 * Take the next component off @rest into @comp. Returns 0 at the end.
 */
static int path_next(char *rest, char *comp, size_t size)
{
	char *p = rest, *end;
	size_t n;

	while (*p == '/')
		p++;
	if (!*p)
		return 0;
	end = strchrnul(p, '/');
	n = (size_t)(end - p);
	if (n >= size)
		return -1;
	memcpy(comp, p, n);
	comp[n] = '\0';
	memmove(rest, end, strlen(end) + 1);
	return 1;
}

/*
 * Resolve @path inside the root by hand, with the semantics of
 * RESOLVE_IN_ROOT: ".." stops at the root, an absolute link target starts
 * again from the root. On success @norm holds a root-relative path made of
 * real directories only, which openat() on the root fd cannot escape.
 */
static int resolve_in_root(int rootfd, const char *path, char *norm)
{
	char rest[PATH_MAX], comp[NAME_MAX + 1], cand[PATH_MAX];
	char target[PATH_MAX];
	struct stat st;
	int links = 0, r;

	if (strlen(path) >= sizeof(rest))
		return ENAMETOOLONG;
	strcpy(rest, path);
	norm[0] = '\0';
	while ((r = path_next(rest, comp, sizeof(comp))) > 0) {
		ssize_t n;

		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			path_pop(norm);
			continue;
		}
		if ((size_t)snprintf(cand, sizeof(cand), "%s%s%s", norm,
				     *norm ? "/" : "", comp) >= sizeof(cand))
			return ENAMETOOLONG;
		if (fstatat(rootfd, cand, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return errno;
		if (!S_ISLNK(st.st_mode)) {
			strcpy(norm, cand);
			continue;
		}
		if (++links > SYSROOT_MAX_LINKS)
			return ELOOP;
		n = readlinkat(rootfd, cand, target, sizeof(target) - 1);
		if (n < 0)
			return errno;
		target[n] = '\0';
		if (target[0] == '/')
			norm[0] = '\0';
		if (strlen(target) + strlen(rest) + 2 > sizeof(rest))
			return ENAMETOOLONG;
		memmove(rest + n + 1, rest, strlen(rest) + 1);
		memcpy(rest, target, (size_t)n);
		rest[n] = '/';
	}
	return r < 0 ? ENAMETOOLONG : 0;
}

static int open_in_root(const struct sysroot *sr, const char *path, int flags)
{
	char norm[PATH_MAX];
	int err;

	if (!(sr->flags & SYSROOT_NO_OPENAT2)) {
		struct open_how how = {
			.flags = (unsigned int)flags,
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		long fd = syscall(SYS_openat2, sr->dirfd, path, &how,
				  sizeof(how));

		if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
			return (int)fd;
	}
	err = resolve_in_root(sr->dirfd, path, norm);
	if (err) {
		errno = err;
		return -1;
	}
	return openat(sr->dirfd, *norm ? norm : ".", flags | O_NOFOLLOW);
}

/*
 * A snapshot holds files and directories only: a FIFO, device or socket
 * there (a hostile or mangled support bundle) would block the open or the
 * read forever, or read a device of this host. Opened without blocking,
 * refused unless regular, then blocking again as asked. A caller that asks
 * for O_NONBLOCK itself checks what it opened (its own message).
 */
static int snapshot_open(const struct sysroot *sr, const char *path, int flags)
{
	struct stat st;
	int fd = open_in_root(sr, path, flags | O_NONBLOCK);

	if (fd < 0 || (flags & O_NONBLOCK))
		return fd;
	if (fstat(fd, &st) < 0) {
		int err = errno; /* its own failure, not "not a file" */

		close(fd);
		errno = err;
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		close(fd);
		errno = ENXIO;
		return -1;
	}
	if (fcntl(fd, F_SETFL, flags) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int sysroot_open(const struct sysroot *sr, const char *path, int flags,
		 struct gk_err *e)
{
	char name[PATH_MAX];
	int fd;

	if (path[0] != '/' || (flags & O_CREAT))
		return gk_fail(e, -GK_ERR_INVAL,
			       "%s: not an absolute path to read", path);
	flags |= O_CLOEXEC;
	if (sysroot_is_live(sr))
		fd = open(path, flags);
	else
		fd = snapshot_open(sr, path + 1, flags);
	if (fd < 0 && errno == ENXIO && !sysroot_is_live(sr))
		return gk_fail(e, -GK_ERR_FORMAT, "%s: not a regular file",
			       sysroot_name(sr, path, name, sizeof(name)));
	if (fd < 0)
		return gk_fail(e, gk_errno(errno), "%s: %s",
			       sysroot_name(sr, path, name, sizeof(name)),
			       strerror(errno));
	return fd;
}

int sysroot_read_file(const struct sysroot *sr, const char *path, size_t max,
		      char **buf, size_t *len, struct gk_err *e)
{
	size_t cap = 4096, n = 0;
	char name[PATH_MAX];
	char *p = NULL;
	int fd, ret = 0;

	fd = sysroot_open(sr, path, O_RDONLY, e);
	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t r;

		if (!p || n + 1 >= cap) {
			char *np;

			if (p)
				cap *= 2;
			np = realloc(p, cap);
			if (!np) {
				ret = gk_fail(e, -GK_ERR_NOMEM,
					      "out of memory");
				goto out;
			}
			p = np;
		}
		r = read(fd, p + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = gk_fail(e, gk_errno(errno), "%s: %s",
				      sysroot_name(sr, path, name,
						   sizeof(name)),
				      strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			ret = gk_fail(
				e, -GK_ERR_TOOBIG, "%s: larger than %zu bytes",
				sysroot_name(sr, path, name, sizeof(name)),
				max);
			goto out;
		}
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	p = NULL;
out:
	free(p);
	close(fd);
	return ret;
}

char *sysroot_unname(const struct sysroot *sr, const char *text)
{
	const char *dir = sysroot_dir(sr), *p = text, *hit;
	size_t n = strlen(dir), len = 0;
	char *out = malloc(strlen(text) + 1);

	if (!out)
		return NULL;
	while (n && (hit = strstr(p, dir))) {
		size_t keep = (size_t)(hit - p) + (hit[n] == '/' ? 0 : n);

		memcpy(out + len, p, keep);
		len += keep;
		p = hit + n;
	}
	strcpy(out + len, p);
	return out;
}
