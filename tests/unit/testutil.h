/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the unit tests: scratch snapshot directories. */
#ifndef GK_TESTUTIL_H
#define GK_TESTUTIL_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Little-endian stores, to build firmware structures byte by byte. */
static inline void tu_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void tu_put64(uint8_t *p, uint64_t v)
{
	tu_put32(p, (uint32_t)v);
	tu_put32(p + 4, (uint32_t)(v >> 32));
}

/* Make a scratch directory; the caller frees the path. */
static inline char *tu_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (asprintf(&dir, "%s/gk-test-XXXXXX", tmp ? tmp : "/tmp") < 0)
		return NULL;
	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* mkdir -p of the directory part of @path */
static inline int tu_mkparents(const char *path)
{
	char buf[8192];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* Write @len bytes at @offset of DIR/REL, creating directories. */
static inline int tu_pwrite(const char *dir, const char *rel, const void *buf,
			    size_t len, off_t offset)
{
	char path[8192];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (tu_mkparents(path) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return -1;
	n = pwrite(fd, buf, len, offset);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static inline int tu_write(const char *dir, const char *rel, const char *text)
{
	char path[8192];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (tu_mkparents(path) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static inline int tu_symlink(const char *dir, const char *rel,
			     const char *target)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (tu_mkparents(path) < 0)
		return -1;
	return symlink(target, path);
}

static inline int tu_rm_one(const char *path, const struct stat *st, int flag,
			    struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static inline void tu_rmtree(char *dir)
{
	if (dir)
		nftw(dir, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

#endif
