// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Mapping instead of reading: a 30 MiB Image read() into malloc'd memory
 * costs a copy out of the page cache and 30 MiB of fresh pages; mapped,
 * its pages are the page cache's own, and kexec_load(2) copies them once,
 * into the kernel. MAP_POPULATE faults them in here, so that the time is
 * the "open" phase's (kexec -d) and not spread over whoever reads first.
 *
 * A file that shrinks while mapped makes a later access SIGBUS. That is
 * not handled: a kernel or initrd truncated under a running kexec is a
 * broken system already, and the load dies before any system call (the
 * plan is built whole before kexec_load), leaving the old image loaded.
 * Growing is harmless: we take the size fstat gave.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmap.h"

#define READ_CHUNK (1u << 20)

static int fail_errno(struct gk_err *e, int err, const char *path)
{
	return gk_fail(e, gk_errno(err), "%s: %s", path, strerror(err));
}

static int too_large(struct gk_err *e, const char *path)
{
	return gk_fail(e, -GK_ERR_TOOBIG, "%s: too large", path);
}

/* Room for @want bytes past @have in @m->data, bounded by @max + 1. */
static int grow(struct kx_fmap *m, size_t *room, uint64_t max)
{
	size_t next = *room < READ_CHUNK ? READ_CHUNK : *room * 2;
	uint8_t *p;

	/* one byte past @max, so that a file over the limit is seen */
	if (next > max + 1)
		next = (size_t)max + 1;
	p = realloc(m->data, next);
	if (!p)
		return -1;
	m->data = p;
	*room = next;
	return 0;
}

/*
 * A pipe, a /proc file (st_size 0 whatever it holds), a FIFO: read to
 * the end, never more than @max bytes kept.
 */
static int read_whole(int fd, const char *path, uint64_t max, struct kx_fmap *m,
		      struct gk_err *e)
{
	size_t room = 0;
	ssize_t r;

	for (;;) {
		if (m->len == room && grow(m, &room, max) < 0)
			return gk_fail(e, -GK_ERR_NOMEM, "%s: out of memory",
				       path);
		if (m->len == room) /* room is max + 1 and full */
			return too_large(e, path);
		r = read(fd, m->data + m->len, room - m->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail_errno(e, errno, path);
		if (!r)
			break;
		m->len += (size_t)r;
	}
	if (m->len > max)
		return too_large(e, path);
	return 0;
}

static int map_regular(int fd, size_t size, struct kx_fmap *m)
{
	void *p =
		mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);

	if (p == MAP_FAILED)
		return -1;
	m->data = p;
	m->len = m->maplen = size;
	return 0;
}

/* a block device's size, known before reading it */
static bool blk_too_large(int fd, uint64_t max)
{
	uint64_t size;

	return ioctl(fd, BLKGETSIZE64, &size) == 0 && size > max;
}

static int fmap_fd(int fd, const char *path, uint64_t max, struct kx_fmap *m,
		   struct gk_err *e)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return fail_errno(e, errno, path);
	if (S_ISDIR(st.st_mode))
		return gk_fail(e, -GK_ERR_TOOBIG, "%s: not a regular file",
			       path);
	/*
	 * A character device has no end to read to (/dev/zero, a tty): it
	 * would be read for the whole size limit before "too large".
	 */
	if (S_ISCHR(st.st_mode))
		return gk_fail(e, -GK_ERR_INVAL,
			       "%s: a character device, not a file", path);
	if (S_ISBLK(st.st_mode) && blk_too_large(fd, max))
		return too_large(e, path);
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		return too_large(e, path);
	/* empty or unmappable (a file system without mmap): read it */
	if (S_ISREG(st.st_mode) && st.st_size > 0 &&
	    map_regular(fd, (size_t)st.st_size, m) == 0)
		return 0;
	return read_whole(fd, path, max, m, e);
}

int kx_fmap_fd(int fd, const char *name, uint64_t max, struct kx_fmap *m,
	       struct gk_err *e)
{
	int ret;

	memset(m, 0, sizeof(*m));
	ret = fmap_fd(fd, name, max, m, e);
	if (!ret && !m->data)
		m->data = malloc(1); /* an empty file: still a buffer */
	if (!ret && !m->data)
		ret = gk_fail(e, -GK_ERR_NOMEM, "%s: out of memory", name);
	if (ret < 0)
		kx_fmap_close(m);
	return ret;
}

int kx_fmap_open(const char *path, uint64_t max, struct kx_fmap *m,
		 struct gk_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	memset(m, 0, sizeof(*m));
	if (fd < 0)
		return fail_errno(e, errno, path);
	ret = kx_fmap_fd(fd, path, max, m, e);
	close(fd); /* a mapping outlives its descriptor */
	return ret;
}

void kx_fmap_close(struct kx_fmap *m)
{
	if (!m)
		return;
	if (m->maplen)
		munmap(m->data, m->maplen);
	else
		free(m->data);
	memset(m, 0, sizeof(*m));
}

bool kx_fmap_holds(const struct kx_fmap *m, const void *p, size_t len)
{
	const uint8_t *b = p;

	return m->data && b >= m->data && b <= m->data + m->len &&
	       len <= (size_t)(m->data + m->len - b);
}
