// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /dev/mem, read-only. Every access maps the pages it needs with PROT_READ
 * and unmaps them again, but for the page of the last register read,
 * which stays mapped until a register of another page is read or the
 * source is closed; nothing is ever written. The kernel refuses the
 * mmap() of RAM and of MMIO a driver has claimed (STRICT_DEVMEM,
 * IO_STRICT_DEVMEM), which becomes its own error naming the remedy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "physmem-int.h"

/* Lockdown mode of the root, or NULL when not locked down. */
static const char *lockdown_mode(const struct sysroot *sr)
{
	static const char *const modes[] = { "integrity", "confidentiality" };
	const char *mode = NULL;
	size_t len;
	char *buf;

	if (sysroot_read_file(sr, "/sys/kernel/security/lockdown", 4096, &buf,
			      &len, NULL) < 0)
		return NULL;
	for (size_t i = 0; i < GK_ARRAY_SIZE(modes); i++) {
		char want[32];

		snprintf(want, sizeof(want), "[%s]", modes[i]);
		if (strstr(buf, want))
			mode = modes[i];
	}
	free(buf);
	return mode;
}

int pm_devmem_open(const struct sysroot *sr, struct pm_source *s,
		   struct gk_err *e)
{
	const char *mode;
	int fd;

	fd = sysroot_open(sr, "/dev/mem", O_RDONLY | O_SYNC, e);
	if (fd >= 0) {
		s->fd = fd;
		s->ops = &pm_devmem_ops;
		return 0;
	}
	if (fd != -GK_ERR_ACCESS)
		return fd;
	mode = lockdown_mode(sr);
	if (mode)
		return gk_fail(e, -GK_ERR_LOCKDOWN,
			       "/dev/mem: refused by kernel lockdown (%s)",
			       mode);
	return gk_fail(
		e, -GK_ERR_ACCESS,
		"/dev/mem: permission denied (needs root with CAP_SYS_RAWIO)");
}

int pm_devmem_file(struct pm_source *s, struct gk_err *e)
{
	struct stat st;

	s->ops = &pm_devmem_ops;
	s->fd = open(s->name, O_RDONLY | O_SYNC | O_CLOEXEC);
	if (s->fd < 0 || fstat(s->fd, &st) < 0)
		return gk_fail(e, gk_errno(errno), "%s: %s", s->name,
			       strerror(errno));
	/* past the end of a file, a mapping faults: bound it by a piece */
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		s->pieces = calloc(1, sizeof(*s->pieces));
		if (!s->pieces)
			return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		s->pieces[0] =
			(struct pm_piece){ .r = { 0, (uint64_t)st.st_size - 1 },
					   .fd = -1 };
		s->npieces = 1;
	} else if (S_ISREG(st.st_mode)) {
		s->npieces = 0;
		s->pieces = NULL;
		return gk_fail(e, -GK_ERR_FORMAT, "%s: empty file", s->name);
	}
	return 0;
}

/* For a regular file: is [pa, pa+len) inside it? */
static int check_bounds(const struct pm_source *s, uint64_t pa, size_t len,
			struct gk_err *e)
{
	if (!s->pieces)
		return 0;
	if (pa > s->pieces[0].r.end || len - 1 > s->pieces[0].r.end - pa)
		return gk_fail(e, -GK_ERR_UNMAPPED,
			       "%s: 0x%llx is past the end of the file",
			       s->name, (unsigned long long)pa);
	return 0;
}

static int map_failed(const struct pm_source *s, uint64_t pa, int err,
		      struct gk_err *e)
{
	if (err == EPERM || err == EACCES)
		return gk_fail(
			e, -GK_ERR_STRICT_DEVMEM,
			"%s: mmap at 0x%llx refused: RAM or MMIO claimed by a "
			"driver (STRICT_DEVMEM, IO_STRICT_DEVMEM); booting "
			"with iomem=relaxed allows claimed MMIO",
			s->name, (unsigned long long)pa);
	if (err == EINVAL || err == ENXIO || err == EOVERFLOW)
		return gk_fail(
			e, -GK_ERR_RANGE,
			"%s: 0x%llx is outside the physical address range",
			s->name, (unsigned long long)pa);
	return gk_fail(e, gk_errno(err), "%s: mmap at 0x%llx: %s", s->name,
		       (unsigned long long)pa, strerror(err));
}

/* Map the pages holding [pa, pa+len); *off is pa's offset in the map. */
static void *map_window(const struct pm_source *s, uint64_t pa, size_t len,
			size_t *maplen, size_t *off, struct gk_err *e)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t base = pa & ~(page - 1);
	void *p;

	if (check_bounds(s, pa, len, e) < 0)
		return NULL;
	*off = (size_t)(pa - base);
	*maplen = (size_t)((*off + len + page - 1) & ~(page - 1));
	if (base > (uint64_t)INT64_MAX) {
		map_failed(s, pa, EOVERFLOW, e);
		return NULL;
	}
	p = mmap(NULL, *maplen, PROT_READ, MAP_SHARED, s->fd, (off_t)base);
	if (p == MAP_FAILED) {
		map_failed(s, pa, errno, e);
		return NULL;
	}
	return p;
}

/*
 * Copy out of a device mapping with naturally aligned loads only: memcpy()
 * may use unaligned or paired accesses that device memory does not take.
 */
static void copy_from_io(uint8_t *dst, const volatile uint8_t *src, size_t len)
{
	while (len) {
		if (!((uintptr_t)src & 7) && len >= 8) {
			uint64_t v = *(const volatile uint64_t *)src;

			memcpy(dst, &v, 8);
			src += 8, dst += 8, len -= 8;
		} else if (!((uintptr_t)src & 3) && len >= 4) {
			uint32_t v = *(const volatile uint32_t *)src;

			memcpy(dst, &v, 4);
			src += 4, dst += 4, len -= 4;
		} else {
			*dst++ = *src++;
			len--;
		}
	}
}

static ssize_t devmem_read(struct pm_source *s, uint64_t pa, void *buf,
			   size_t len, struct gk_err *e)
{
	size_t maplen, off;
	uint8_t *p;

	p = map_window(s, pa, len, &maplen, &off, e);
	if (!p)
		return e ? e->code : -GK_ERR_IO;
	copy_from_io(buf, p + off, len);
	munmap(p, maplen);
	return (ssize_t)len;
}

/*
 * The page of a register, mapped: the last one stays mapped, so that the
 * registers of one frame (a redistributor's four) cost one mmap().
 */
static const uint8_t *reg_page(struct pm_source *s, uint64_t pa,
			       unsigned int width, struct gk_err *e)
{
	size_t maplen, off;
	uint8_t *p;

	if (s->map && pa >= s->map_pa && pa - s->map_pa + width <= s->map_len)
		return (const uint8_t *)s->map + (pa - s->map_pa);
	p = map_window(s, pa, width, &maplen, &off, e);
	if (!p)
		return NULL;
	if (s->map)
		munmap(s->map, s->map_len);
	s->map = p;
	s->map_pa = pa - off;
	s->map_len = maplen;
	return p + off;
}

static int devmem_read_reg(struct pm_source *s, uint64_t pa, unsigned int width,
			   uint64_t *val, struct gk_err *e)
{
	const uint8_t *p;
	struct gk_err err;

	p = reg_page(s, pa, width, &err);
	if (!p) {
		if (e)
			*e = err;
		return err.code;
	}
	if (width == 8)
		*val = *(const volatile uint64_t *)p;
	else
		*val = *(const volatile uint32_t *)p;
	return 0;
}

static void devmem_close(struct pm_source *s)
{
	if (s->map)
		munmap(s->map, s->map_len);
	s->map = NULL;
}

const struct pm_ops pm_devmem_ops = {
	.kind = "devmem",
	.read = devmem_read,
	.read_reg = devmem_read_reg,
	.close = devmem_close,
};
