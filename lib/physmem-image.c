// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory held in plain files: a snapshot's sparse dev/mem image (offset A
 * is physical address A) with its dev/mem.ranges list, or its dev/mem.d/
 * directory of START-END files. Both become sorted pieces; a read outside
 * every piece is refused like /dev/mem refuses it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "physmem-int.h"

#define PM_MAX_PIECES 65536

static const struct pm_ops pm_image_ops = {
	.kind = "image",
	.read = pm_pieces_read,
};

static const struct pm_ops pm_memdir_ops = {
	.kind = "memdir",
	.read = pm_pieces_read,
};

static int add_piece(struct pm_source *s, size_t *cap, uint64_t start,
		     uint64_t end, int fd, off_t offset, struct gk_err *e)
{
	if (s->npieces == PM_MAX_PIECES)
		return gk_fail(e, -GK_ERR_TOOBIG, "%s: more than %u ranges",
			       s->name, PM_MAX_PIECES);
	if (s->npieces == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct pm_piece *p = realloc(s->pieces, ncap * sizeof(*p));

		if (!p)
			return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		s->pieces = p;
		*cap = ncap;
	}
	s->pieces[s->npieces++] = (struct pm_piece){ .r = { start, end },
						     .fd = fd,
						     .offset = offset };
	return 0;
}

static int piece_cmp(const void *pa, const void *pb)
{
	const struct pm_piece *a = pa, *b = pb;

	if (a->r.start != b->r.start)
		return a->r.start < b->r.start ? -1 : 1;
	return 0;
}

/* Sort; overlapping pieces would make the bytes at an address ambiguous. */
static int sort_pieces(struct pm_source *s, struct gk_err *e)
{
	if (s->npieces > 1)
		qsort(s->pieces, s->npieces, sizeof(*s->pieces), piece_cmp);
	for (size_t i = 1; i < s->npieces; i++)
		if (s->pieces[i].r.start <= s->pieces[i - 1].r.end)
			return gk_fail(
				e, -GK_ERR_FORMAT,
				"%s: ranges overlap at 0x%llx", s->name,
				(unsigned long long)s->pieces[i].r.start);
	return 0;
}

/* "START-END" in /proc/iomem's hex notation, END inclusive. */
static bool parse_range(const char *str, size_t len, uint64_t *start,
			uint64_t *end)
{
	char buf[40], *dash, *p;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, str, len);
	buf[len] = '\0';
	dash = strchr(buf, '-');
	if (!dash || dash == buf || dash - buf > 16 || strlen(dash + 1) > 16 ||
	    !dash[1])
		return false;
	*dash = '\0';
	if (strspn(buf, "0123456789abcdefABCDEF") != strlen(buf) ||
	    strspn(dash + 1, "0123456789abcdefABCDEF") != strlen(dash + 1))
		return false;
	*start = strtoull(buf, &p, 16);
	*end = strtoull(dash + 1, &p, 16);
	return *start <= *end;
}

static int parse_ranges_file(const struct sysroot *sr, struct pm_source *s,
			     off_t size, const char *text, struct gk_err *e)
{
	char name[4096];
	size_t cap = 0;
	unsigned int line = 0;

	sysroot_name(sr, "/dev/mem.ranges", name, sizeof(name));
	for (const char *p = text; *p;) {
		const char *nl = strchrnul(p, '\n');
		uint64_t start, end;
		int ret;

		line++;
		if (nl != p && *p != '#') {
			if (!parse_range(p, (size_t)(nl - p), &start, &end))
				return gk_fail(e, -GK_ERR_FORMAT,
					       "%s:%u: not a START-END range",
					       name, line);
			if (end >= (uint64_t)size)
				return gk_fail(
					e, -GK_ERR_FORMAT,
					"%s:%u: range ends past the end of %s",
					name, line, s->name);
			ret = add_piece(s, &cap, start, end, -1, (off_t)start,
					e);
			if (ret < 0)
				return ret;
		}
		p = *nl ? nl + 1 : nl;
	}
	return sort_pieces(s, e);
}

int pm_image_open(const struct sysroot *sr, struct pm_source *s,
		  struct gk_err *e)
{
	struct stat st;
	size_t cap = 0, len;
	char *text;
	int ret;

	s->ops = &pm_image_ops;
	s->cached = true; /* a snapshot's or a saved image: it stays still */
	if (fstat(s->fd, &st) < 0)
		return gk_fail(e, gk_errno(errno), "%s: %s", s->name,
			       strerror(errno));
	if (sr) {
		ret = sysroot_read_file(sr, "/dev/mem.ranges", 16u << 20, &text,
					&len, e);
		if (ret == 0) {
			ret = parse_ranges_file(sr, s, st.st_size, text, e);
			free(text);
			return ret;
		}
		if (ret != -GK_ERR_NOENT)
			return ret;
	}
	/* no list: the whole file is captured, so a raw image works */
	if (st.st_size > 0)
		return add_piece(s, &cap, 0, (uint64_t)st.st_size - 1, -1, 0,
				 e);
	return 0;
}

static int memdir_add(struct pm_source *s, int dirfd, const char *fname,
		      size_t *cap, struct gk_err *e)
{
	uint64_t start, end;
	struct stat st;
	int fd, ret;

	if (!parse_range(fname, strlen(fname), &start, &end))
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s/%s: name is not START-END", s->name, fname);
	fd = openat(dirfd, fname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return gk_fail(e, gk_errno(errno), "%s/%s: %s", s->name, fname,
			       strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != end - start + 1) {
		close(fd);
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s/%s: size does not match the range", s->name,
			       fname);
	}
	ret = add_piece(s, cap, start, end, fd, 0, e);
	if (ret < 0)
		close(fd);
	return ret;
}

int pm_memdir_open(struct pm_source *s, struct gk_err *e)
{
	struct dirent *de;
	size_t cap = 0;
	int ret = 0;
	DIR *dir;
	int fd;

	s->ops = &pm_memdir_ops;
	s->cached = true;
	fd = dup(s->fd);
	dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return gk_fail(e, gk_errno(errno), "%s: %s", s->name,
			       strerror(errno));
	}
	while (ret == 0 && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		ret = memdir_add(s, s->fd, de->d_name, &cap, e);
	}
	closedir(dir);
	return ret ? ret : sort_pieces(s, e);
}

/*
 * The block of @p holding @pa into s->blk. Returns false when the file
 * does not give it whole: the caller then reads as without the cache.
 */
static bool fill_block(struct pm_source *s, const struct pm_piece *p,
		       uint64_t pa)
{
	uint64_t start = pa & ~(uint64_t)(PM_BLOCK - 1), end;
	ssize_t n;

	if (start < p->r.start)
		start = p->r.start;
	end = start | (PM_BLOCK - 1);
	if (end > p->r.end)
		end = p->r.end;
	s->blk_len = 0;
	if (!s->blk && !(s->blk = malloc(PM_BLOCK)))
		return false;
	do {
		n = pread(p->fd >= 0 ? p->fd : s->fd, s->blk,
			  (size_t)(end - start + 1),
			  p->offset + (off_t)(start - p->r.start));
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)(end - start + 1))
		return false;
	s->blk_pa = start;
	s->blk_len = (size_t)n;
	return true;
}

/* A small read out of the block cache; 0 when it cannot serve it. */
static size_t from_block(struct pm_source *s, const struct pm_piece *p,
			 uint64_t pa, void *buf, size_t len)
{
	if (!s->cached || len > PM_BLOCK_READ_MAX)
		return 0;
	if ((!s->blk_len || pa < s->blk_pa ||
	     pa - s->blk_pa + len > s->blk_len) &&
	    (!fill_block(s, p, pa) || pa - s->blk_pa + len > s->blk_len))
		return 0;
	memcpy(buf, s->blk + (pa - s->blk_pa), len);
	return len;
}

ssize_t pm_pieces_read(struct pm_source *s, uint64_t pa, void *buf, size_t len,
		       struct gk_err *e)
{
	const struct pm_piece *p = pm_find_piece(s, pa);
	uint64_t avail;
	ssize_t n;

	if (!p)
		return gk_fail(e, -GK_ERR_UNMAPPED, "%s: 0x%llx %s", s->name,
			       (unsigned long long)pa,
			       strcmp(s->ops->kind, "elfcore") ?
				       "not captured" :
				       "is in none of its memory segments");
	avail = p->r.end - pa + 1;
	if (avail < len)
		len = (size_t)avail;
	if (from_block(s, p, pa, buf, len))
		return (ssize_t)len;
	do {
		n = pread(p->fd >= 0 ? p->fd : s->fd, buf, len,
			  p->offset + (off_t)(pa - p->r.start));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return gk_fail(e, gk_errno(errno), "%s: 0x%llx: %s", s->name,
			       (unsigned long long)pa, strerror(errno));
	if (n == 0)
		return gk_fail(e, -GK_ERR_FORMAT, "%s: file ends before 0x%llx",
			       s->name, (unsigned long long)pa);
	return n;
}
