/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the unit tests: scratch snapshot directories. */
#ifndef GK_TESTUTIL_H
#define GK_TESTUTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

/* The whole of DIR/REL, NUL-terminated, or NULL; the caller frees it. */
static inline char *tu_slurp(const char *dir, const char *rel, size_t *len)
{
	char path[8192], *buf = NULL;
	size_t size = 0;
	FILE *f, *mem;
	int c;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "r");
	mem = f ? open_memstream(&buf, &size) : NULL;
	while (mem && (c = getc(f)) != EOF)
		putc(c, mem);
	if (f)
		fclose(f);
	if (!mem || fclose(mem)) {
		free(buf);
		return NULL;
	}
	if (len)
		*len = size;
	return buf;
}

static inline int tu_cmp_name(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/*
 * The names in @dir, sorted, joined by spaces ("" when empty): a test
 * compares the whole listing, so a file left behind shows by name.
 */
static inline const char *tu_listing(const char *dir, char *buf, size_t size)
{
	char names[64][256];
	size_t n = 0, used = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	buf[0] = '\0';
	while (d && n < 64 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			snprintf(names[n++], sizeof(names[0]), "%s",
				 de->d_name);
	if (d)
		closedir(d);
	qsort(names, n, sizeof(names[0]), tu_cmp_name);
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 i ? " " : "", names[i]);
	return buf;
}

/* How many file descriptors this process has open: none may leak. */
static inline int tu_open_fds(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n - 1; /* the one opendir() holds */
}

/*
 * Make writes past @max bytes of any file fail (EFBIG), as a full disk
 * would, even for root; the old limit goes back with tu_unlimit_fsize().
 * The caller ignores SIGXFSZ.
 */
static inline void tu_limit_fsize(rlim_t max, struct rlimit *old)
{
	struct rlimit r;

	getrlimit(RLIMIT_FSIZE, old);
	r = *old;
	r.rlim_cur = max;
	setrlimit(RLIMIT_FSIZE, &r);
}

static inline void tu_unlimit_fsize(const struct rlimit *old)
{
	setrlimit(RLIMIT_FSIZE, old);
}

#endif
