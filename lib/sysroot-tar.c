// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A snapshot handed over as an archive (a support bundle, a sos report's
 * tarball): unpacked into a private temporary directory that becomes the
 * root. Only directories, regular files (sparse ones stay sparse) and
 * symbolic links are accepted; a path that is absolute or climbs out with
 * ".." refuses the whole archive. Links are created as they are: the
 * sysroot resolves them inside the root when it reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysroot-int.h"

#ifdef HAVE_LIBARCHIVE
#include "arlib.h"

#define TAR_MAX_BYTES (4ull << 30) /* data actually written */
#define TAR_MAX_ENTRIES 1000000u

struct unpack {
	const struct gk_arlib *ar;
	const char *archive;
	int rootfd;
	unsigned long long bytes;
	struct gk_err *e;
};

static int bad(struct unpack *u, const char *path, const char *what)
{
	if (!path)
		return gk_fail(u->e, -GK_ERR_FORMAT,
			       "%s: not a directory or a readable archive: %s",
			       u->archive, what);
	return gk_fail(u->e, -GK_ERR_FORMAT, "%s: %s: %s", u->archive, path,
		       what);
}

/* "./a/b" -> "a/b"; refuse absolute paths and any ".." component. */
static int clean_path(struct unpack *u, const char *in, char *out, size_t size)
{
	const char *p = in;
	size_t n;

	if (!in || in[0] == '/')
		return bad(u, in ? in : "(no name)",
			   "absolute path in the archive");
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	n = strlen(p);
	while (n && p[n - 1] == '/')
		n--;
	if (n >= size)
		return bad(u, in, "path too long");
	memcpy(out, p, n);
	out[n] = '\0';
	for (char *c = out; *c;) {
		size_t len = strcspn(c, "/");

		if (len == 2 && c[0] == '.' && c[1] == '.')
			return bad(u, in, "path leaves the archive");
		c += len + (c[len] == '/');
	}
	return 0;
}

/* Open the parent directory of @path, creating it, never via a link. */
static int open_parent(struct unpack *u, char *path, const char **leaf)
{
	int fd = dup(u->rootfd);
	char *p = path, *slash;

	while (fd >= 0 && (slash = strchr(p, '/'))) {
		int next;

		*slash = '\0';
		if (mkdirat(fd, p, 0755) < 0 && errno != EEXIST)
			next = -1;
		else
			next = openat(fd, p,
				      O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					      O_CLOEXEC);
		*slash = '/';
		close(fd);
		fd = next;
		p = slash + 1;
	}
	*leaf = p;
	return fd;
}

static int write_data(struct unpack *u, struct archive *a, int fd,
		      const char *path)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = u->ar->read_data_block(a, &buf, &len, &off)) ==
	       ARCHIVE_OK) {
		u->bytes += len;
		if (u->bytes > TAR_MAX_BYTES)
			return bad(u, path, "more data than a snapshot holds");
		/* pwrite at the block's offset keeps sparse holes */
		if (pwrite(fd, buf, len, (off_t)off) != (ssize_t)len)
			return gk_fail(u->e, gk_errno(errno), "%s: %s: %s",
				       u->archive, path, strerror(errno));
	}
	if (r != ARCHIVE_EOF)
		return bad(u, path, u->ar->error_string(a));
	return 0;
}

static int extract_entry(struct unpack *u, struct archive *a,
			 struct archive_entry *ent)
{
	char path[PATH_MAX];
	const char *leaf;
	mode_t type = u->ar->entry_filetype(ent);
	int dfd, fd, ret = 0;

	ret = clean_path(u, u->ar->entry_pathname(ent), path, sizeof(path));
	if (ret < 0 || !path[0])
		return ret;
	if (u->ar->entry_hardlink(ent) ||
	    (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK))
		return bad(u, path, "not a directory, regular file or symlink");
	dfd = open_parent(u, path, &leaf);
	if (dfd < 0)
		return gk_fail(u->e, -GK_ERR_FORMAT, "%s: %s: %s", u->archive,
			       path, strerror(errno));
	if (type == AE_IFDIR) {
		if (mkdirat(dfd, leaf, 0755) < 0 && errno != EEXIST)
			ret = -1;
	} else if (type == AE_IFLNK) {
		if (symlinkat(u->ar->entry_symlink(ent), dfd, leaf) < 0)
			ret = -1;
	} else {
		fd = openat(dfd, leaf,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				    O_CLOEXEC,
			    0644);
		if (fd < 0) {
			ret = -1;
		} else {
			ret = write_data(u, a, fd, path);
			if (ftruncate(fd, (off_t)u->ar->entry_size(ent)) < 0 &&
			    !ret)
				ret = -1;
			close(fd);
		}
	}
	if (ret == -1)
		ret = gk_fail(u->e, -GK_ERR_FORMAT, "%s: %s: %s", u->archive,
			      path, strerror(errno));
	close(dfd);
	return ret;
}

static int unpack_all(struct unpack *u)
{
	struct archive_entry *ent;
	struct archive *a = u->ar->read_new();
	unsigned int n = 0;
	int r, ret = 0;

	if (!a)
		return gk_fail(u->e, -GK_ERR_NOMEM, "out of memory");
	u->ar->read_support_filter_all(a);
	u->ar->read_support_format_tar(a);
	u->ar->read_support_format_gnutar(a);
	u->ar->read_support_format_cpio(a);
	if (u->ar->read_open_filename(a, u->archive, 65536) != ARCHIVE_OK) {
		ret = bad(u, NULL, u->ar->error_string(a));
		goto out;
	}
	while (!ret && (r = u->ar->read_next_header(a, &ent)) != ARCHIVE_EOF) {
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			ret = bad(u, NULL, u->ar->error_string(a));
		else if (++n > TAR_MAX_ENTRIES)
			ret = bad(u, NULL, "too many entries");
		else
			ret = extract_entry(u, a, ent);
	}
out:
	u->ar->read_free(a);
	return ret;
}
#endif

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st, (void)ftw;
	/*
	 * by its type: remove() tries unlink() on a directory first, which
	 * Landlock refuses (no right to remove files there) before EISDIR
	 */
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void sysroot_rmtree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A bundle often wraps the root in one directory ("sosreport-host-x/"):
 * when that is all there is, the root is inside it.
 */
static void descend_single_dir(char *tmp, size_t size)
{
	static const char *const tops[] = { "sys", "proc", "dev" };
	char only[NAME_MAX + 1] = "";
	struct dirent *de;
	int count = 0;
	DIR *d = opendir(tmp);

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		count++;
		snprintf(only, sizeof(only), "%s", de->d_name);
	}
	if (d)
		closedir(d);
	if (count != 1)
		return;
	for (size_t i = 0; i < GK_ARRAY_SIZE(tops); i++)
		if (!strcmp(only, tops[i]))
			return;
	if (strlen(tmp) + strlen(only) + 2 <= size) {
		size_t n = strlen(tmp);
		struct stat st;

		tmp[n] = '/';
		strcpy(tmp + n + 1, only);
		if (lstat(tmp, &st) < 0 || !S_ISDIR(st.st_mode))
			tmp[n] = '\0';
	}
}

int sysroot_unpack(const char *archive, char **tmpdir, char **root,
		   struct gk_err *e)
{
#ifdef HAVE_LIBARCHIVE
	const char *t = getenv("TMPDIR");
	char tmp[PATH_MAX], top[PATH_MAX];
	struct unpack u = { .archive = archive, .e = e };
	struct gk_arlib ar;
	int ret;

	ret = gk_arlib_open(&ar, archive, e);
	if (ret < 0)
		return ret;
	u.ar = &ar;
	snprintf(tmp, sizeof(tmp), "%s/gk-sysroot-XXXXXX",
		 t && *t ? t : "/tmp");
	if (!mkdtemp(tmp)) {
		gk_arlib_close(&ar);
		return gk_fail(e, gk_errno(errno), "%s: %s", tmp,
			       strerror(errno));
	}
	u.rootfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ret = u.rootfd < 0 ? gk_fail(e, gk_errno(errno), "%s: %s", tmp,
				     strerror(errno)) :
			     unpack_all(&u);
	if (u.rootfd >= 0)
		close(u.rootfd);
	gk_arlib_close(&ar);
	if (ret < 0) {
		sysroot_rmtree(tmp); /* never a partial snapshot */
		return ret;
	}
	memcpy(top, tmp, sizeof(top));
	descend_single_dir(top, sizeof(top));
	*tmpdir = strdup(tmp);
	*root = strdup(top);
	if (!*tmpdir || !*root) {
		free(*tmpdir);
		free(*root);
		sysroot_rmtree(tmp);
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	}
	return 0;
#else
	(void)tmpdir, (void)root;
	return gk_fail(
		e, -GK_ERR_FORMAT,
		"%s: not a directory or a readable archive: built without libarchive",
		archive);
#endif
}
