// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kexec_file_load's inputs. The kernel reads the descriptors itself, so
 * what it is given must already be what arm64's image_probe accepts: the
 * flat Image. A raw Image goes as its own file, as kexec-tools' git does
 * after 2.0.32 (IMA appraises the file, with its xattrs); every other
 * format is decoded by kx_image_load() (once: the plan's Image is used
 * when there is a plan) and handed over in a memfd,
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
#include "fmap.h"
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

/*
 * A flat Image has its magic at 56: the kernel takes the file itself.
 * 1 when it is one, 0 when not (or a pipe: no pread), or an error: a
 * failed read is no "not an Image" (the load would differ).
 */
static int raw_image(int fd, const char *name, struct gk_err *e)
{
	uint8_t hdr[IMAGE_MAGIC_OFF + 4];
	ssize_t r = pread(fd, hdr, sizeof(hdr), 0);

	if (r < 0 && errno != ESPIPE)
		return sys_fail(e, "read", name);
	return r == (ssize_t)sizeof(hdr) &&
	       !memcmp(hdr + IMAGE_MAGIC_OFF, "ARM\x64", 4);
}

/*
 * Any other kernel file: its Image into a memfd, and a UKI's .initrd
 * into another one unless --initrd was given (it wins, as in kexec-tools).
 * Only without a plan: a plan has decoded the file already.
 */
static int decoded_fds(const struct kx_opts *o, int fd, int *kfd, int *ifd,
		       struct gk_err *e)
{
	struct kx_fmap m;
	struct kx_image img;
	struct kx_span s;
	int ret;

	kx_span_begin(o->timing, &s);
	ret = kx_fmap_fd(fd, o->kernel, KX_IMAGE_MAX, &m, e);
	kx_span_end(o->timing, &s, KX_T_OPEN);
	if (ret < 0)
		return ret;
	kx_span_begin(o->timing, &s);
	ret = kx_image_load(m.data, m.len, o->kernel, &img, e);
	kx_span_end(o->timing, &s, KX_T_DECOMPRESS);
	if (!ret)
		ret = kx_sealed_memfd("kexec-kernel", img.data,
				      kx_image_file_size(&img), kfd, e);
	if (!ret && !o->initrd && img.initrd)
		ret = kx_sealed_memfd("kexec-initrd", img.initrd,
				      img.initrd_size, ifd, e);
	kx_image_free(&img);
	kx_fmap_close(&m); /* after the image: it may point into @m */
	return ret;
}

static const struct kx_segment *plan_seg(const struct kx_plan *p,
					 const char *what)
{
	for (size_t i = 0; p && i < p->nseg; i++)
		if (p->seg[i].what && !strcmp(p->seg[i].what, what))
			return &p->seg[i];
	return NULL;
}

/*
 * The plan's kernel segment is the Image kx_image_load() made of this
 * file, byte for byte: written to the memfd as it is, so that -s decodes
 * once. A UKI's .initrd likewise from the plan's initrd segment.
 */
static int planned_fds(const struct kx_opts *o, const struct kx_plan *p,
		       const struct kx_segment *k, int *kfd, int *ifd,
		       struct gk_err *e)
{
	const struct kx_segment *rd = plan_seg(p, "initrd");
	const struct kx_image img = { .data = k->buf, .size = k->bufsz };
	int ret;

	ret = kx_sealed_memfd("kexec-kernel", k->buf, kx_image_file_size(&img),
			      kfd, e);
	if (!ret && !o->initrd && p->initrd_from_image && rd)
		ret = kx_sealed_memfd("kexec-initrd", rd->buf, rd->bufsz, ifd,
				      e);
	return ret;
}

static int kernel_fds(const struct kx_opts *o, const struct kx_plan *p,
		      int *kfd, int *ifd, struct gk_err *e)
{
	const struct kx_segment *k = plan_seg(p, "kernel");
	int fd = open(o->kernel, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return gk_fail(e, gk_errno(errno), "%s: %s", o->kernel,
			       strerror(errno));
	/* a pipe has no pread: its raw Image goes in a memfd too */
	ret = raw_image(fd, o->kernel, e);
	if (ret > 0) {
		*kfd = fd;
		return 0;
	}
	if (ret == 0 && k)
		ret = planned_fds(o, p, k, kfd, ifd, e);
	else if (ret == 0)
		ret = decoded_fds(o, fd, kfd, ifd, e);
	close(fd);
	return ret;
}

int kx_file_fds(const struct kx_opts *o, int *kernel_fd, int *initrd_fd,
		struct gk_err *e)
{
	return kx_file_fds_plan(o, NULL, kernel_fd, initrd_fd, e);
}

int kx_file_fds_plan(const struct kx_opts *o, const struct kx_plan *p,
		     int *kernel_fd, int *initrd_fd, struct gk_err *e)
{
	int ret;

	*kernel_fd = *initrd_fd = -1;
	ret = kernel_fds(o, p, kernel_fd, initrd_fd, e);
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
