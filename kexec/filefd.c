// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kexec_file_load's inputs. The kernel reads the descriptors itself, so
 * what it is given must already be what arm64's image_probe accepts: the
 * flat Image. A raw Image goes as its own file, as kexec-tools' git does
 * after 2.0.32 (IMA appraises the file, with its xattrs); every other
 * format is decoded by kx_image_load() and handed over in a memfd,
 * sealed so that nothing can change it between our check and the
 * kernel's read. kexec-tools 2.0.27-2.0.32 wrote temporary files under
 * /tmp instead; a memfd leaves nothing behind and needs no writable /tmp.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filefd.h"
#include "image.h"

#define IMAGE_MAGIC_OFF 56

#define SEALS (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

static int sys_fail(struct gk_err *e, const char *what, const char *name)
{
	int err = errno;

	return gk_fail(e, gk_errno(err), "%s: %s: %s", name, what,
		       strerror(err));
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int kx_sealed_memfd(const char *name, const void *buf, size_t len, int *fd,
		    struct gk_err *e)
{
	int m = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	*fd = -1;
	if (m < 0)
		return sys_fail(e, "memfd_create", name);
	if (write_all(m, buf, len) < 0 || lseek(m, 0, SEEK_SET) < 0 ||
	    fcntl(m, F_ADD_SEALS, SEALS) < 0) {
		int ret = sys_fail(e, "memfd", name);

		close(m);
		return ret;
	}
	*fd = m;
	return 0;
}

/* The whole of @fd (a regular file of at most @max bytes) in memory. */
static int read_all(int fd, const char *name, size_t max, uint8_t **out,
		    size_t *len, struct gk_err *e)
{
	struct stat st;
	size_t n = 0;
	uint8_t *b;

	if (fstat(fd, &st) < 0)
		return sys_fail(e, "stat", name);
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max)
		return gk_fail(e, -GK_ERR_TOOBIG, "%s: %s", name,
			       S_ISREG(st.st_mode) ? "too large" :
						     "not a regular file");
	b = malloc((size_t)st.st_size + 1);
	if (!b)
		return gk_fail(e, -GK_ERR_NOMEM, "%s: no memory", name);
	while (n < (size_t)st.st_size) {
		ssize_t r = pread(fd, b + n, (size_t)st.st_size - n, (off_t)n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(b);
			return r < 0 ? sys_fail(e, "read", name) :
				       gk_fail(e, -GK_ERR_IO,
					       "%s: shorter than its size",
					       name);
		}
		n += (size_t)r;
	}
	*out = b;
	*len = n;
	return 0;
}

/* A flat Image has its magic at 56: the kernel takes the file itself. */
static bool is_raw_image(int fd)
{
	uint8_t hdr[IMAGE_MAGIC_OFF + 4];

	return pread(fd, hdr, sizeof(hdr), 0) == (ssize_t)sizeof(hdr) &&
	       !memcmp(hdr + IMAGE_MAGIC_OFF, "ARM\x64", 4);
}

/*
 * Any other kernel file: its Image into a memfd, and a UKI's .initrd
 * into another one unless --initrd was given (it wins, as in kexec-tools).
 */
static int decoded_fds(const struct kx_opts *o, int fd, int *kfd, int *ifd,
		       struct gk_err *e)
{
	struct kx_image img;
	struct kx_span s;
	uint8_t *raw = NULL;
	size_t len = 0;
	int ret;

	kx_span_begin(o->timing, &s);
	ret = read_all(fd, o->kernel, KX_IMAGE_MAX, &raw, &len, e);
	kx_span_end(o->timing, &s, KX_T_OPEN);
	if (ret < 0)
		return ret;
	kx_span_begin(o->timing, &s);
	ret = kx_image_load(raw, len, o->kernel, &img, e);
	free(raw);
	kx_span_end(o->timing, &s, KX_T_DECOMPRESS);
	if (ret < 0)
		return ret;
	ret = kx_sealed_memfd("kexec-kernel", img.data,
			      kx_image_file_size(&img), kfd, e);
	if (!ret && !o->initrd && img.initrd)
		ret = kx_sealed_memfd("kexec-initrd", img.initrd,
				      img.initrd_size, ifd, e);
	kx_image_free(&img);
	return ret;
}

static int kernel_fds(const struct kx_opts *o, int *kfd, int *ifd,
		      struct gk_err *e)
{
	int fd = open(o->kernel, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return gk_fail(e, gk_errno(errno), "%s: %s", o->kernel,
			       strerror(errno));
	if (is_raw_image(fd)) {
		*kfd = fd;
		return 0;
	}
	ret = decoded_fds(o, fd, kfd, ifd, e);
	close(fd);
	return ret;
}

int kx_file_fds(const struct kx_opts *o, int *kernel_fd, int *initrd_fd,
		struct gk_err *e)
{
	int ret;

	*kernel_fd = *initrd_fd = -1;
	ret = kernel_fds(o, kernel_fd, initrd_fd, e);
	if (!ret && o->initrd) {
		*initrd_fd = open(o->initrd, O_RDONLY | O_CLOEXEC);
		if (*initrd_fd < 0)
			ret = gk_fail(e, gk_errno(errno), "%s: %s", o->initrd,
				      strerror(errno));
	}
	if (ret < 0) {
		if (*kernel_fd >= 0)
			close(*kernel_fd);
		if (*initrd_fd >= 0)
			close(*initrd_fd);
		*kernel_fd = *initrd_fd = -1;
	}
	return ret;
}
