/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel images kexec loads on arm64: the flat Image (its 64-byte header:
 * code0/1, text_offset, image_size, flags, magic "ARM\x64"), a gzip'd
 * Image, an EFI zboot image (vmlinuz.efi: a PE whose "zimg" header names a
 * gzip or zstd payload holding an Image), a vmlinux ELF, and a unified
 * kernel image (UKI: a PE whose ".linux" section holds an Image, raw,
 * gzip'd, zstd'd or zboot, and whose ".initrd" section an initrd). Every
 * format ends as an Image in memory plus what placement needs.
 */
#ifndef GK_KEXEC_IMAGE_H
#define GK_KEXEC_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"

enum kx_format {
	KX_FMT_IMAGE,
	KX_FMT_IMAGE_GZ,
	KX_FMT_ZBOOT,
	KX_FMT_ELF,
	KX_FMT_UKI,
	KX_FMT_ZSTD, /* a zstd'd Image: only inside a UKI's .linux */
};

#define KX_IMAGE_MAX (512u << 20) /* a decompressed kernel, at most */

struct kx_image {
	enum kx_format format;
	uint8_t *data;	      /* the Image, decompressed */
	size_t size;	      /* bytes of @data */
	uint64_t text_offset; /* from the header (ELF: the header that
				 * starts its lowest PT_LOAD) */
	uint64_t image_size; /* memory the kernel needs from its load address */
	uint64_t flags; /* header flags: endianness, page size, placement */
	char compression[8];	/* "", "gzip", "zstd" */
	enum kx_format payload; /* a UKI's .linux: what it held */
	uint8_t *initrd;	/* a UKI's .initrd, or NULL */
	size_t initrd_size;
	/*
	 * What points into the caller's buffer rather than being ours: a raw
	 * Image (or a UKI's raw .linux) and a UKI's .initrd are used where
	 * they are, never copied; kx_image_free() frees neither.
	 */
	bool data_borrowed, initrd_borrowed;
};

/* Image header flags (Documentation/arch/arm64/booting.rst) */
#define KX_FLAG_BE (1ull << 0)
#define KX_FLAG_PAGE_SIZE(f) \
	(((f) >> 1) & 3) /* 0 unspecified, 1 4K, 2 16K, 3 64K */
#define KX_FLAG_PHYS_ANYWHERE (1ull << 3) /* bit 3: placed anywhere in RAM */

/* An Image without image_size (before v3.17) is placed at this offset. */
#define KX_TEXT_OFFSET_LEGACY 0x80000u

/**
 * kx_image_load - read and decode a kernel image
 * @buf: the file's contents
 * @len: its size
 * @name: file name for messages
 * @img: output; free with kx_image_free(). A raw Image's @img->data and
 *	 a UKI's @img->initrd point into @buf (data_borrowed,
 *	 initrd_borrowed): @buf must outlive @img. Only what had to be
 *	 decoded (gzip, zstd, lzma, an ELF's segments laid out) is
 *	 allocated, once, at its final size when the stream says it
 * @e: failure detail: "NAME: what was seen and what is wrong"
 *
 * The format is told by the contents, never by the file name. On success
 * @img->data holds an Image whose header was checked: little-endian,
 * text_offset 4 KiB aligned and below 2 MiB, @img->size <= @img->image_size
 * <= KX_IMAGE_MAX. An Image without image_size (kernels before v3.17) gets
 * text_offset 0x80000 and an image_size of its size rounded up to 2 MiB
 * plus 2 MiB for its BSS.
 *
 * returns: 0, or a negative GK_ERR_* code (-GK_ERR_FORMAT for anything
 * that is none of the formats above, naming what it looks like;
 * -GK_ERR_TOOBIG past KX_IMAGE_MAX, decompression bombs included)
 */
int kx_image_load(const uint8_t *buf, size_t len, const char *name,
		  struct kx_image *img, struct gk_err *e);

/**
 * kx_image_load_max - kx_image_load() with another size bound
 * @max: the most bytes the decoded Image, its image_size or the span of
 *	 an ELF's segments may have (kx_image_load() passes KX_IMAGE_MAX);
 *	 tests and fuzzing pass less so that a bomb is cheap to refuse
 *
 * returns: as kx_image_load()
 */
int kx_image_load_max(const uint8_t *buf, size_t len, const char *name,
		      size_t max, struct kx_image *img, struct gk_err *e);

void kx_image_free(struct kx_image *img);

/**
 * kx_image_file_size - the Image's bytes as a file for kexec_file_load
 * @img: a loaded image
 *
 * kbuild pads a zboot payload with zeros to image_size; a signed Image's
 * certificate table is the end of its file, and the kernel's PE signature
 * check hashes whatever follows it. So an Image with a certificate table
 * (its PE security directory) inside @img->size ends there.
 *
 * returns: the size, at most @img->size
 */
size_t kx_image_file_size(const struct kx_image *img);

const char *kx_format_name(enum kx_format f);

#endif
