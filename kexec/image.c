// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel image readers: whatever the file is (Image, Image.gz, EFI zboot,
 * vmlinux ELF), the result is an Image in memory whose header has been
 * checked, so that placement only ever deals with one thing.
 *
 * Every format is told by its bytes. Every length read from the file is
 * checked against the buffer before use, and every allocation is bounded
 * by the caller's limit (KX_IMAGE_MAX) before it is made, so a truncated
 * file, a lying header or a decompression bomb ends in a one-line error.
 *
 * lzma (a zboot payload of a CONFIG_KERNEL_LZMA kernel: the .lzma
 * "alone" format, as kbuild's lzma -9 writes it) is decoded with liblzma.
 *
 * gzip is decoded with libdeflate rather than zlib: on the Debian arm64
 * kernel (32 MiB Image, gzip -9) it is 2.4 times faster, and the gzip
 * trailer gives the exact output size its whole-buffer API wants.
 */
#include <gelf.h>
#include <libdeflate.h>
#include <libelf.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "image.h"
#include "le.h"

#define SZ_4K 0x1000u
#define SZ_2M 0x200000u

#define IMAGE_HDR_SIZE 64
#define IMAGE_MAGIC 0x644d5241u /* "ARM\x64" at offset 56 */

/* EFI zboot header (drivers/firmware/efi/libstub/zboot-header.S) */
#define ZBOOT_TYPE_OFF 4      /* "zimg" */
#define ZBOOT_PAYLOAD_OFF 8   /* le32: payload offset from the file start */
#define ZBOOT_PAYLOAD_SIZE 12 /* le32: its size, without appended fields */
#define ZBOOT_COMP_OFF 24     /* NUL-terminated compression type */
#define ZBOOT_COMP_END 0x38   /* where LINUX_PE_MAGIC starts */
#define PE_OFFSET_OFF 0x3c    /* le32: offset of the "PE\0\0" header */
#define PE_MACHINE_ARM64 0xaa64

/*
 * A DEFLATE stream cannot expand more than 1032:1 (258 bytes from a
 * 2-bit length/distance pair); a gzip trailer claiming more is a lie.
 */
#define DEFLATE_MAX_RATIO 1032u

/* More PT_LOADs than a vmlinux ever has; bounds the overlap check. */
#define ELF_MAX_LOADS 64

/* One input being decoded: where it came from and what it may grow to. */
struct kx_src {
	const char *name;
	size_t max;
};

static bool has(const uint8_t *b, size_t len, size_t off, const void *magic,
		size_t n)
{
	return off <= len && n <= len - off && !memcmp(b + off, magic, n);
}

const char *kx_format_name(enum kx_format f)
{
	switch (f) {
	case KX_FMT_IMAGE:
		return "Image";
	case KX_FMT_IMAGE_GZ:
		return "Image.gz";
	case KX_FMT_ZBOOT:
		return "EFI zboot";
	case KX_FMT_ELF:
		return "vmlinux ELF";
	case KX_FMT_UKI:
		return "UKI";
	case KX_FMT_ZSTD:
		return "Image.zst";
	}
	return "unknown";
}

void kx_image_free(struct kx_image *img)
{
	if (!img)
		return;
	if (!img->data_borrowed)
		free(img->data);
	if (!img->initrd_borrowed)
		free(img->initrd);
	memset(img, 0, sizeof(*img));
}

/* ---- what the bytes look like, for the refusal message ---- */

static const char *elf_machine_name(unsigned int m)
{
	switch (m) {
	case 3:
		return "i386";
	case 8:
		return "MIPS";
	case 20:
	case 21:
		return "PowerPC";
	case 22:
		return "s390";
	case 40:
		return "32-bit ARM";
	case 62:
		return "x86-64";
	case 183:
		return "arm64";
	case 243:
		return "RISC-V";
	case 258:
		return "LoongArch";
	}
	return NULL;
}

static const char *pe_machine_name(unsigned int m)
{
	switch (m) {
	case 0x14c:
		return "i386";
	case 0x8664:
		return "x86-64";
	case 0x1c0:
	case 0x1c2:
	case 0x1c4:
		return "32-bit ARM";
	case 0xaa64:
		return "arm64";
	case 0x5032:
	case 0x5064:
		return "RISC-V";
	case 0x6264:
		return "LoongArch";
	}
	return NULL;
}

static void describe_elf(const uint8_t *b, size_t len, char *out, size_t n)
{
	bool be = len > EI_DATA && b[EI_DATA] == ELFDATA2MSB;
	const char *bits = len > EI_CLASS && b[EI_CLASS] == ELFCLASS32 ?
				   "a 32-bit ELF file" :
				   "an ELF file";
	unsigned int m;

	if (len < 20) {
		snprintf(out, n, "a truncated ELF file");
		return;
	}
	m = be ? (unsigned int)(b[18] << 8 | b[19]) : gk_le16(b + 18);
	if (elf_machine_name(m))
		snprintf(out, n, "%s for %s%s", bits, elf_machine_name(m),
			 be ? " (big-endian)" : "");
	else
		snprintf(out, n, "%s for machine %u", bits, m);
}

/* "MZ": an EFI application or a DOS program; name the PE machine. */
static void describe_mz(const uint8_t *b, size_t len, char *out, size_t n)
{
	uint32_t pe;
	unsigned int m;

	if (has(b, len, ZBOOT_TYPE_OFF, "zimg", 4)) {
		snprintf(out, n, "an EFI zboot image");
		return;
	}
	pe = len >= PE_OFFSET_OFF + 4 ? gk_le32(b + PE_OFFSET_OFF) : 0;
	if (!pe || !has(b, len, pe, "PE\0\0", 4) || len - pe < 6) {
		snprintf(out, n, "a DOS MZ executable");
		return;
	}
	m = gk_le16(b + pe + 4);
	if (pe_machine_name(m))
		snprintf(out, n, "a PE/EFI executable for %s",
			 pe_machine_name(m));
	else
		snprintf(out, n, "a PE/EFI executable for machine 0x%x", m);
}

static bool looks_like_text(const uint8_t *b, size_t len)
{
	size_t n = len < 512 ? len : 512;

	for (size_t i = 0; i < n; i++)
		if ((b[i] < 0x20 && b[i] != '\t' && b[i] != '\n' &&
		     b[i] != '\r' && b[i] != '\f') ||
		    b[i] == 0x7f)
			return false;
	return n > 0;
}

static const struct {
	size_t off;
	const char *magic;
	size_t len;
	const char *what;
} magics[] = {
	{ 0x202, "HdrS", 4, "an x86 bzImage" },
	{ 0, "\x27\x05\x19\x56", 4, "a U-Boot uImage" },
	{ 0, "070701", 6, "a cpio archive" },
	{ 0, "070702", 6, "a cpio archive" },
	{ 0, "070707", 6, "a cpio archive" },
	{ 0, "\xd0\x0d\xfe\xed", 4, "a device tree blob (or a FIT image)" },
	{ 0, "\x1f\x8b", 2, "gzip data" },
	{ 0, "\x28\xb5\x2f\xfd", 4, "zstd data" },
	{ 0, "\xfd\x37\x7a\x58\x5a", 5, "xz data" },
	{ 0, "BZh", 3, "bzip2 data" },
	{ 0, "\x04\x22\x4d\x18", 4, "lz4 data" },
	{ 0, "\x02\x21\x4c\x18", 4, "lz4 data" },
	{ 0, "\x89LZO", 4, "lzop data" },
	{ 0, "\x5d\x00\x00", 3, "lzma data" },
	{ 0, "ANDROID!", 8, "an Android boot image" },
	{ 0, "!<arch>\n", 8, "an ar archive (a .deb?)" },
	{ 257, "ustar", 5, "a tar archive" },
	{ 0, "PK\x03\x04", 4, "a zip archive" },
	{ 0x24, "\x18\x28\x6f\x01", 4, "a 32-bit ARM zImage" },
	{ 56, "RSC\x05", 4, "a RISC-V Image" },
	{ 56, "ARM\x64", 4, "a truncated arm64 Image" },
};

/**
 * describe - say what a buffer that is no arm64 kernel looks like
 * @b: the bytes
 * @len: how many
 * @out: the phrase, e.g. "an x86 bzImage"
 * @n: room in @out
 */
static void describe(const uint8_t *b, size_t len, char *out, size_t n)
{
	char hex[3 * 8 + 1] = "";

	if (!len) {
		snprintf(out, n, "an empty file");
		return;
	}
	if (has(b, len, 0, ELFMAG, SELFMAG)) {
		describe_elf(b, len, out, n);
		return;
	}
	for (size_t i = 0; i < GK_ARRAY_SIZE(magics); i++) {
		if (has(b, len, magics[i].off, magics[i].magic,
			magics[i].len)) {
			snprintf(out, n, "%s", magics[i].what);
			return;
		}
	}
	if (has(b, len, 0, "MZ", 2)) {
		describe_mz(b, len, out, n);
		return;
	}
	if (looks_like_text(b, len)) {
		snprintf(out, n, "text");
		return;
	}
	for (size_t i = 0; i < len && i < 4; i++)
		snprintf(hex + 2 * i, sizeof(hex) - 2 * i, "%02x", b[i]);
	snprintf(out, n, "unknown magic 0x%s", hex);
}

static int not_a_kernel(struct gk_err *e, const char *label, const uint8_t *b,
			size_t len)
{
	char what[128];

	describe(b, len, what, sizeof(what));
	return gk_fail(e, -GK_ERR_FORMAT,
		       "%s: not an arm64 kernel image (looks like %s)", label,
		       what);
}

/* ---- the Image header ---- */

static uint64_t round_up_2m(uint64_t v)
{
	return (v + SZ_2M - 1) & ~(uint64_t)(SZ_2M - 1);
}

static int check_sizes(const struct kx_src *src, const char *label, size_t size,
		       uint64_t image_size, struct gk_err *e)
{
	if (image_size < size)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: image_size 0x%llx is smaller than the "
			       "Image's 0x%zx bytes",
			       label, (unsigned long long)image_size, size);
	if (image_size > src->max)
		return gk_fail(e, -GK_ERR_TOOBIG,
			       "%s: image_size 0x%llx is over the limit of "
			       "0x%zx bytes",
			       label, (unsigned long long)image_size, src->max);
	return 0;
}

/**
 * image_header - check an Image's header and take its placement facts
 * @src: the input's name and size limit
 * @label: what to call the Image in messages (the file, or its payload)
 * @data: the Image
 * @size: its bytes
 * @img: text_offset, image_size and flags are set
 * @e: failure detail
 *
 * returns: 0 or a negative GK_ERR_* code
 */
static int image_header(const struct kx_src *src, const char *label,
			const uint8_t *data, size_t size, struct kx_image *img,
			struct gk_err *e)
{
	uint64_t text_offset, image_size, flags;

	if (size < IMAGE_HDR_SIZE || gk_le32(data + 56) != IMAGE_MAGIC)
		return not_a_kernel(e, label, data, size);
	if (size > src->max)
		return gk_fail(e, -GK_ERR_TOOBIG,
			       "%s: 0x%zx bytes, over the limit of 0x%zx",
			       label, size, src->max);
	text_offset = gk_le64(data + 8);
	image_size = gk_le64(data + 16);
	flags = gk_le64(data + 24);
	if (!image_size) {
		/*
		 * Before v3.17 the header had neither image_size nor flags,
		 * and text_offset was in the kernel's byte order: booting.rst
		 * says to assume 0x80000. The BSS size is unknown, so keep
		 * 2 MiB past the 2 MiB-rounded file for it.
		 */
		text_offset = KX_TEXT_OFFSET_LEGACY;
		image_size = round_up_2m(size) + SZ_2M;
		flags = 0;
	}
	if (flags & KX_FLAG_BE)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: big-endian kernel (flags 0x%llx): only "
			       "little-endian kernels can be loaded",
			       label, (unsigned long long)flags);
	/* head.S of the kernels that had TEXT_OFFSET enforced the same */
	if (text_offset >= SZ_2M || text_offset % SZ_4K)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: text_offset 0x%llx is not a 4 KiB multiple "
			       "below 2 MiB",
			       label, (unsigned long long)text_offset);
	img->text_offset = text_offset;
	img->image_size = image_size;
	img->flags = flags;
	return check_sizes(src, label, size, image_size, e);
}

/* Check @data as the Image and hand it to @img, which owns it from now. */
static int take_image(const struct kx_src *src, const char *label,
		      uint8_t *data, size_t size, struct kx_image *img,
		      struct gk_err *e)
{
	int ret = image_header(src, label, data, size, img, e);

	if (ret < 0) {
		free(data);
		return ret;
	}
	img->data = data;
	img->size = size;
	return 0;
}

/* A raw Image is used where it is, in the caller's buffer: no copy. */
static int load_image(const struct kx_src *src, const uint8_t *buf, size_t len,
		      struct kx_image *img, struct gk_err *e)
{
	int ret = image_header(src, src->name, buf, len, img, e);

	if (ret < 0)
		return ret;
	img->format = KX_FMT_IMAGE;
	/* never written through: the plan's segments only read their bytes */
	img->data = (uint8_t *)buf;
	img->size = len;
	img->data_borrowed = true;
	return 0;
}

/* ---- decompression ---- */

/**
 * gunzip - decode one gzip member that fills @in exactly
 * @src: name and output limit
 * @label: what to call the stream in messages
 * @in: the gzip stream
 * @inlen: its bytes
 * @out: the decoded bytes, malloc'd
 * @outlen: how many
 * @e: failure detail
 *
 * libdeflate decodes whole buffers: the trailer's ISIZE (the size modulo
 * 2^32; a kernel is far smaller) sizes the output, after checks that keep
 * a lying trailer from costing a large allocation. A trailer that lies
 * low only makes the decoder stop at the end of the buffer.
 *
 * returns: 0 or a negative GK_ERR_* code
 */
static int gunzip(const struct kx_src *src, const char *label,
		  const uint8_t *in, size_t inlen, uint8_t **out,
		  size_t *outlen, struct gk_err *e)
{
	struct libdeflate_decompressor *d;
	size_t isize, used = 0, got = 0;
	enum libdeflate_result r;
	uint8_t *buf;

	if (inlen < 18 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8)
		return gk_fail(
			e, -GK_ERR_FORMAT,
			"%s: not a gzip stream of deflate data (%zu bytes)",
			label, inlen);
	isize = gk_le32(in + inlen - 4);
	if (isize / DEFLATE_MAX_RATIO > inlen)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: gzip trailer says 0x%zx bytes, more than "
			       "%zu compressed bytes can hold: truncated or "
			       "corrupt",
			       label, isize, inlen);
	if (isize > src->max)
		return gk_fail(e, -GK_ERR_TOOBIG,
			       "%s: gzip trailer says 0x%zx bytes, over the "
			       "limit of 0x%zx (or the file is truncated)",
			       label, isize, src->max);
	buf = malloc(isize ? isize : 1);
	d = libdeflate_alloc_decompressor();
	if (!buf || !d) {
		free(buf);
		libdeflate_free_decompressor(d);
		return gk_fail(e, -GK_ERR_NOMEM,
			       "%s: no memory to decompress 0x%zx bytes", label,
			       isize);
	}
	r = libdeflate_gzip_decompress_ex(d, in, inlen, buf, isize, &used,
					  &got);
	libdeflate_free_decompressor(d);
	if (r == LIBDEFLATE_SUCCESS && used == inlen) {
		*out = buf;
		*outlen = got;
		return 0;
	}
	free(buf);
	if (r == LIBDEFLATE_SUCCESS)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: %zu bytes follow the gzip stream", label,
			       inlen - used);
	if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: gzip data decodes to more than the 0x%zx "
			       "bytes its trailer says: truncated or corrupt",
			       label, isize);
	return gk_fail(e, -GK_ERR_FORMAT, "%s: corrupt or truncated gzip data",
		       label);
}

/* How much room to give zstd first: the frame's size, else a guess. */
static size_t zstd_first_room(const uint8_t *in, size_t inlen, size_t hint,
			      size_t max)
{
	unsigned long long fcs = ZSTD_getFrameContentSize(in, inlen);
	size_t room;

	if (fcs != ZSTD_CONTENTSIZE_UNKNOWN && fcs != ZSTD_CONTENTSIZE_ERROR)
		room = fcs < max ? (size_t)fcs : max;
	else if (hint)
		room = hint < max ? hint : max;
	else
		room = inlen < max / 4 ? inlen * 4 : max;
	return room ? room : 1;
}

/**
 * unzstd - decode the zstd frames that fill @in
 * @src: name and output limit
 * @label: what to call the stream in messages
 * @in: the frames
 * @inlen: their bytes
 * @hint: the expected output size, 0 if unknown (zboot appends it)
 * @out: the decoded bytes, malloc'd
 * @outlen: how many
 * @e: failure detail
 *
 * One-shot decoding into a buffer of the frame's content size; kbuild's
 * zstd22 writes from a pipe and records none, so then the hint or a guess
 * is tried and doubled up to the limit: the work stays within twice the
 * output, and the buffer never exceeds the limit.
 *
 * returns: 0 or a negative GK_ERR_* code
 */
static int unzstd(const struct kx_src *src, const char *label,
		  const uint8_t *in, size_t inlen, size_t hint, uint8_t **out,
		  size_t *outlen, struct gk_err *e)
{
	size_t room = zstd_first_room(in, inlen, hint, src->max), ret;
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	uint8_t *buf = NULL, *p;

	if (!dctx)
		return gk_fail(e, -GK_ERR_NOMEM, "%s: no memory for zstd",
			       label);
	for (;;) {
		p = realloc(buf, room);
		if (!p) {
			ret = 0;
			break;
		}
		buf = p;
		ret = ZSTD_decompressDCtx(dctx, buf, room, in, inlen);
		if (!ZSTD_isError(ret) ||
		    ZSTD_getErrorCode(ret) != ZSTD_error_dstSize_tooSmall ||
		    room == src->max)
			break;
		room = room < src->max / 2 ? room * 2 : src->max;
	}
	ZSTD_freeDCtx(dctx);
	if (p && !ZSTD_isError(ret)) {
		*out = buf;
		*outlen = ret;
		return 0;
	}
	free(buf);
	if (!p)
		return gk_fail(e, -GK_ERR_NOMEM,
			       "%s: no memory to decompress 0x%zx bytes", label,
			       room);
	if (ZSTD_getErrorCode(ret) == ZSTD_error_dstSize_tooSmall)
		return gk_fail(e, -GK_ERR_TOOBIG,
			       "%s: zstd data decodes to more than the limit "
			       "of 0x%zx bytes",
			       label, src->max);
	return gk_fail(e, -GK_ERR_FORMAT,
		       "%s: corrupt or truncated zstd data (%s)", label,
		       ZSTD_getErrorName(ret));
}

/* lzma_code() into a buffer grown by doubling, never past the limit. */
static lzma_ret lzma_fill(lzma_stream *s, const struct kx_src *src, size_t room,
			  uint8_t **buf, size_t *have)
{
	lzma_ret r;
	uint8_t *p;

	for (;;) {
		p = realloc(*buf, room);
		if (!p)
			return LZMA_MEM_ERROR;
		*buf = p;
		*have = room;
		s->next_out = p + s->total_out;
		s->avail_out = room - (size_t)s->total_out;
		r = lzma_code(s, LZMA_FINISH);
		if (r != LZMA_OK || s->avail_out || room == src->max)
			return r;
		room = room < src->max / 2 ? room * 2 : src->max;
	}
}

/**
 * unlzma - decode the .lzma stream that fills @in
 * @src: name and output limit
 * @label: what to call the stream in messages
 * @in: the stream (13-byte header: properties, dictionary size, size)
 * @inlen: its bytes
 * @hint: the expected output size, 0 if unknown (zboot appends it)
 * @out: the decoded bytes, malloc'd
 * @outlen: how many
 * @e: failure detail
 *
 * The decoder may use no more memory than the output could need (a
 * dictionary larger than the Image is no kernel's), so a lying header
 * costs nothing.
 *
 * returns: 0 or a negative GK_ERR_* code
 */
static int unlzma(const struct kx_src *src, const char *label,
		  const uint8_t *in, size_t inlen, size_t hint, uint8_t **out,
		  size_t *outlen, struct gk_err *e)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t room = hint ? hint : inlen * 4, have = 0;
	uint8_t *buf = NULL;
	lzma_ret r;

	room = room && room < src->max ? room : src->max;
	if (lzma_alone_decoder(&s, (uint64_t)src->max + (1u << 20)) != LZMA_OK)
		return gk_fail(e, -GK_ERR_NOMEM, "%s: no memory for lzma",
			       label);
	s.next_in = in;
	s.avail_in = inlen;
	r = lzma_fill(&s, src, room ? room : 1, &buf, &have);
	*outlen = (size_t)s.total_out;
	lzma_end(&s);
	if (r == LZMA_STREAM_END) {
		*out = buf;
		return 0;
	}
	free(buf);
	if (r == LZMA_MEM_ERROR)
		return gk_fail(e, -GK_ERR_NOMEM,
			       "%s: no memory to decompress 0x%zx bytes", label,
			       have);
	if (r == LZMA_OK && !s.avail_out)
		return gk_fail(e, -GK_ERR_TOOBIG,
			       "%s: lzma data decodes to more than the limit "
			       "of 0x%zx bytes",
			       label, src->max);
	if (r == LZMA_MEMLIMIT_ERROR)
		return gk_fail(e, -GK_ERR_TOOBIG,
			       "%s: lzma dictionary larger than the limit of "
			       "0x%zx bytes",
			       label, src->max);
	return gk_fail(e, -GK_ERR_FORMAT, "%s: corrupt or truncated lzma data",
		       label);
}

static int load_gzip(const struct kx_src *src, const uint8_t *buf, size_t len,
		     struct kx_image *img, struct gk_err *e)
{
	char label[GK_ERR_MSG_MAX / 2];
	uint8_t *data = NULL;
	size_t size = 0;
	int ret;

	ret = gunzip(src, src->name, buf, len, &data, &size, e);
	if (ret < 0)
		return ret;
	snprintf(label, sizeof(label), "%s: gzip payload", src->name);
	img->format = KX_FMT_IMAGE_GZ;
	strcpy(img->compression, "gzip");
	return take_image(src, label, data, size, img, e);
}

static int load_zstd(const struct kx_src *src, const uint8_t *buf, size_t len,
		     struct kx_image *img, struct gk_err *e)
{
	char label[GK_ERR_MSG_MAX / 2];
	uint8_t *data = NULL;
	size_t size = 0;
	int ret;

	ret = unzstd(src, src->name, buf, len, 0, &data, &size, e);
	if (ret < 0)
		return ret;
	snprintf(label, sizeof(label), "%s: zstd payload", src->name);
	img->format = KX_FMT_ZSTD;
	strcpy(img->compression, "zstd");
	return take_image(src, label, data, size, img, e);
}

/* ---- EFI zboot ---- */

/* The compression type, printable whatever the file holds. */
static void zboot_comp(const uint8_t *buf, char *out, size_t n)
{
	size_t j = 0;

	for (size_t i = ZBOOT_COMP_OFF; i < ZBOOT_COMP_END && buf[i]; i++) {
		if (j + 5 > n)
			break;
		if (buf[i] >= 0x20 && buf[i] < 0x7f && buf[i] != '\\')
			out[j++] = (char)buf[i];
		else
			j += (size_t)snprintf(out + j, n - j, "\\x%02x",
					      buf[i]);
	}
	out[j] = '\0';
}

/* The PE header must be there and for arm64: riscv64 and LoongArch use
 * zboot too, and their payload would fail later with a vaguer message. */
static int zboot_machine(const struct kx_src *src, const uint8_t *buf,
			 size_t len, struct gk_err *e)
{
	uint32_t pe = gk_le32(buf + PE_OFFSET_OFF);
	unsigned int m;

	if (!has(buf, len, pe, "PE\0\0", 4) || len - pe < 6)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: EFI zboot image without a PE header (at "
			       "0x%x)",
			       src->name, pe);
	m = gk_le16(buf + pe + 4);
	if (m != PE_MACHINE_ARM64)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: EFI zboot image for %s (PE machine 0x%x), "
			       "not arm64",
			       src->name,
			       pe_machine_name(m) ? pe_machine_name(m) :
						    "another machine",
			       m);
	return 0;
}

/**
 * load_zboot - decode an EFI zboot image (vmlinuz.efi)
 * @src: name and limit
 * @buf: the file: "MZ", "zimg", payload offset and size, compression
 * @len: its bytes
 * @img: the Image
 * @e: failure detail
 *
 * The payload is the Image padded to its image_size, compressed. For
 * zstd and lzma, kbuild appends the decoded size (le32) past the payload
 * size the header gives; it only sizes the first buffer.
 *
 * returns: 0 or a negative GK_ERR_* code
 */
static int load_zboot(const struct kx_src *src, const uint8_t *buf, size_t len,
		      struct kx_image *img, struct gk_err *e)
{
	char comp[64], label[GK_ERR_MSG_MAX / 2];
	uint32_t off, size;
	uint8_t *data = NULL;
	size_t dsize = 0, hint = 0;
	int ret;

	if (len < PE_OFFSET_OFF + 4)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: EFI zboot header truncated at %zu bytes",
			       src->name, len);
	ret = zboot_machine(src, buf, len, e);
	if (ret < 0)
		return ret;
	off = gk_le32(buf + ZBOOT_PAYLOAD_OFF);
	size = gk_le32(buf + ZBOOT_PAYLOAD_SIZE);
	if (!size || off > len || size > len - off)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: EFI zboot payload of 0x%x bytes at 0x%x "
			       "is not inside the 0x%zx-byte file",
			       src->name, size, off, len);
	zboot_comp(buf, comp, sizeof(comp));
	snprintf(label, sizeof(label), "%s: zboot %s payload", src->name, comp);
	if (!strcmp(comp, "gzip")) {
		ret = gunzip(src, label, buf + off, size, &data, &dsize, e);
	} else if (!strcmp(comp, "zstd") || !strcmp(comp, "zstd22")) {
		/* "zstd22" is what v6.1's zboot wrote */
		strcpy(comp, "zstd");
		if (len - off - size >= 4)
			hint = gk_le32(buf + off + size);
		ret = unzstd(src, label, buf + off, size, hint, &data, &dsize,
			     e);
	} else if (!strcmp(comp, "lzma")) {
		if (len - off - size >= 4)
			hint = gk_le32(buf + off + size);
		ret = unlzma(src, label, buf + off, size, hint, &data, &dsize,
			     e);
	} else {
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: EFI zboot payload compressed with \"%s\": "
			       "only gzip, lzma and zstd are supported",
			       src->name, comp);
	}
	if (ret < 0)
		return ret;
	img->format = KX_FMT_ZBOOT;
	strcpy(img->compression, comp);
	return take_image(src, label, data, dsize, img, e);
}

/* ---- vmlinux ELF ---- */

struct elf_span {
	uint64_t base;	   /* lowest segment address */
	uint64_t file_end; /* highest address + p_filesz */
	uint64_t mem_end;  /* highest address + p_memsz */
	bool use_paddr;
};

/* What libelf does not check: a segment's sizes and that the file has it. */
static int elf_check_phdr(const struct kx_src *src, const GElf_Phdr *ph,
			  size_t len, struct gk_err *e)
{
	if (ph->p_filesz > ph->p_memsz)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: PT_LOAD at offset 0x%llx has 0x%llx file "
			       "bytes for 0x%llx in memory",
			       src->name, (unsigned long long)ph->p_offset,
			       (unsigned long long)ph->p_filesz,
			       (unsigned long long)ph->p_memsz);
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: PT_LOAD at offset 0x%llx (0x%llx bytes, "
			       "0x%llx in memory) is not inside the 0x%zx-byte "
			       "file",
			       src->name, (unsigned long long)ph->p_offset,
			       (unsigned long long)ph->p_filesz,
			       (unsigned long long)ph->p_memsz, len);
	return 0;
}

static uint64_t seg_addr(const struct elf_span *s, const GElf_Phdr *ph)
{
	return s->use_paddr ? ph->p_paddr : ph->p_vaddr;
}

/**
 * elf_loads - collect the PT_LOADs of a vmlinux and their span
 * @src: name and limit
 * @elf: the libelf handle
 * @len: the file's size
 * @ph: the PT_LOADs with p_memsz, ELF_MAX_LOADS at most
 * @n: how many
 * @s: their span
 * @e: failure detail
 *
 * Addresses are p_paddr unless every segment has p_paddr 0 (linkers that
 * leave it unset), then p_vaddr. On arm64 the two are equal anyway (the
 * kernel's link-time virtual addresses): only their differences matter,
 * since the Image is placed wherever placement decides.
 *
 * returns: 0 or a negative GK_ERR_* code
 */
static int elf_loads(const struct kx_src *src, Elf *elf, size_t len,
		     GElf_Phdr *ph, size_t *n, struct elf_span *s,
		     struct gk_err *e)
{
	size_t phnum;
	int ret;

	*n = 0;
	s->use_paddr = false;
	if (elf_getphdrnum(elf, &phnum) < 0)
		return gk_fail(e, -GK_ERR_FORMAT, "%s: ELF program headers: %s",
			       src->name, elf_errmsg(-1));
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr p;

		if (!gelf_getphdr(elf, (int)i, &p))
			return gk_fail(e, -GK_ERR_FORMAT,
				       "%s: ELF program header %zu: %s",
				       src->name, i, elf_errmsg(-1));
		if (p.p_type != PT_LOAD || !p.p_memsz)
			continue;
		if (*n == ELF_MAX_LOADS)
			return gk_fail(e, -GK_ERR_FORMAT,
				       "%s: more than %d PT_LOAD segments",
				       src->name, ELF_MAX_LOADS);
		ret = elf_check_phdr(src, &p, len, e);
		if (ret < 0)
			return ret;
		s->use_paddr |= p.p_paddr != 0;
		ph[(*n)++] = p;
	}
	if (!*n)
		return gk_fail(e, -GK_ERR_FORMAT, "%s: ELF without PT_LOAD",
			       src->name);
	return 0;
}

/* The span of the segments, bounded by the limit before anything is
 * allocated; overlapping segments would make the flat copy ambiguous. */
static int elf_span(const struct kx_src *src, const GElf_Phdr *ph, size_t n,
		    struct elf_span *s, struct gk_err *e)
{
	s->base = UINT64_MAX;
	s->file_end = s->mem_end = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t a = seg_addr(s, &ph[i]);

		if (ph[i].p_memsz > UINT64_MAX - a)
			return gk_fail(e, -GK_ERR_FORMAT,
				       "%s: PT_LOAD at 0x%llx wraps around",
				       src->name, (unsigned long long)a);
		for (size_t j = 0; j < i; j++) {
			uint64_t b = seg_addr(s, &ph[j]);

			if (a < b + ph[j].p_memsz && b < a + ph[i].p_memsz)
				return gk_fail(e, -GK_ERR_FORMAT,
					       "%s: PT_LOADs at 0x%llx and "
					       "0x%llx overlap",
					       src->name, (unsigned long long)b,
					       (unsigned long long)a);
		}
		if (a < s->base)
			s->base = a;
		if (a + ph[i].p_filesz > s->file_end)
			s->file_end = a + ph[i].p_filesz;
		if (a + ph[i].p_memsz > s->mem_end)
			s->mem_end = a + ph[i].p_memsz;
	}
	if (s->mem_end - s->base > src->max)
		return gk_fail(e, -GK_ERR_TOOBIG,
			       "%s: PT_LOADs span 0x%llx bytes, over the limit "
			       "of 0x%zx",
			       src->name,
			       (unsigned long long)(s->mem_end - s->base),
			       src->max);
	if (s->file_end <= s->base)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: PT_LOADs hold no file bytes", src->name);
	return 0;
}

/*
 * libelf quietly counts only the program headers that fit in the file: a
 * truncated vmlinux would then look like one without PT_LOAD.
 */
static int elf_phdrs_inside(const struct kx_src *src, const uint8_t *buf,
			    size_t len, struct gk_err *e)
{
	uint64_t phoff = gk_le64(buf + 32);
	unsigned int entsize = gk_le16(buf + 54), phnum = gk_le16(buf + 56);

	if (!phnum || phnum == PN_XNUM) /* PN_XNUM: libelf reads sh_info */
		return 0;
	if (entsize != sizeof(Elf64_Phdr))
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: ELF program headers of %u bytes, not %zu",
			       src->name, entsize, sizeof(Elf64_Phdr));
	if (phoff > len || (uint64_t)phnum * entsize > len - phoff)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: %u ELF program headers at 0x%llx are not "
			       "inside the 0x%zx-byte file",
			       src->name, phnum, (unsigned long long)phoff,
			       len);
	return 0;
}

/* e_ident and e_machine by hand: an ELF of another kind gets the same
 * "looks like" message as any other file, before libelf is involved. */
static int elf_ident(const struct kx_src *src, const uint8_t *buf, size_t len,
		     struct gk_err *e)
{
	unsigned int type;

	if (len < 20 || buf[EI_CLASS] != ELFCLASS64 ||
	    (buf[EI_DATA] == ELFDATA2MSB ? buf[18] << 8 | buf[19] :
					   gk_le16(buf + 18)) != EM_AARCH64)
		return not_a_kernel(e, src->name, buf, len);
	if (buf[EI_DATA] != ELFDATA2LSB)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: big-endian arm64 ELF: only little-endian "
			       "kernels can be loaded",
			       src->name);
	if (len < sizeof(Elf64_Ehdr))
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: ELF header truncated at %zu bytes",
			       src->name, len);
	/* ET_DYN too: a relocatable arm64 vmlinux is linked with -shared */
	type = gk_le16(buf + 16);
	if (type != ET_EXEC && type != ET_DYN)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: arm64 ELF of type %u, not an executable "
			       "vmlinux",
			       src->name, type);
	return elf_phdrs_inside(src, buf, len, e);
}

/* Lay the segments out flat from the lowest address: Image order. */
static uint8_t *elf_flatten(const uint8_t *buf, const GElf_Phdr *ph, size_t n,
			    const struct elf_span *s)
{
	uint8_t *flat = calloc(1, s->file_end - s->base);

	for (size_t i = 0; flat && i < n; i++)
		memcpy(flat + (seg_addr(s, &ph[i]) - s->base),
		       buf + ph[i].p_offset, ph[i].p_filesz);
	return flat;
}

/**
 * load_elf - turn a vmlinux into the Image objcopy -O binary would make
 * @src: name and limit
 * @buf: the ELF file
 * @len: its bytes
 * @img: the Image
 * @e: failure detail
 *
 * The lowest segment of an arm64 vmlinux starts with the Image header
 * (_text), so the flattened segments are checked as any Image and give
 * text_offset and flags; image_size is the larger of the header's and the
 * segments' span (p_memsz includes the BSS).
 *
 * returns: 0 or a negative GK_ERR_* code
 */
static int load_elf(const struct kx_src *src, const uint8_t *buf, size_t len,
		    struct kx_image *img, struct gk_err *e)
{
	GElf_Phdr ph[ELF_MAX_LOADS];
	struct elf_span s;
	size_t n;
	uint8_t *flat;
	Elf *elf;
	int ret;

	ret = elf_ident(src, buf, len, e);
	if (ret < 0)
		return ret;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return gk_fail(e, -GK_ERR_FORMAT, "%s: libelf: %s", src->name,
			       elf_errmsg(-1));
	/* libelf only reads headers here: it never writes to @buf */
	elf = elf_memory((char *)buf, len);
	if (!elf)
		return gk_fail(e, -GK_ERR_FORMAT, "%s: libelf: %s", src->name,
			       elf_errmsg(-1));
	ret = elf_loads(src, elf, len, ph, &n, &s, e);
	elf_end(elf);
	if (ret < 0)
		return ret;
	ret = elf_span(src, ph, n, &s, e);
	if (ret < 0)
		return ret;
	flat = elf_flatten(buf, ph, n, &s);
	if (!flat)
		return gk_fail(e, -GK_ERR_NOMEM,
			       "%s: no memory for 0x%llx bytes", src->name,
			       (unsigned long long)(s.file_end - s.base));
	img->format = KX_FMT_ELF;
	ret = take_image(src, src->name, flat, s.file_end - s.base, img, e);
	if (ret < 0)
		return ret;
	if (s.mem_end - s.base > img->image_size)
		img->image_size = s.mem_end - s.base;
	return 0;
}

/* ---- the entry point ---- */

static int load_uki(const struct kx_src *src, const uint8_t *buf, size_t len,
		    struct kx_image *img, struct gk_err *e);

/*
 * What a file or a UKI's .linux may be. The Image magic first: an Image
 * with an EFI stub starts with "MZ" too, but a zboot image has
 * LINUX_PE_MAGIC where the Image has "ARM\x64". A bare zstd Image is
 * only taken inside a UKI (@in_uki), where systemd's ukify puts one.
 */
static int load_any(const struct kx_src *src, const uint8_t *buf, size_t len,
		    bool in_uki, struct kx_image *img, struct gk_err *e)
{
	if (has(buf, len, 56, "ARM\x64", 4))
		return load_image(src, buf, len, img, e);
	if (has(buf, len, 0, "\x1f\x8b", 2))
		return load_gzip(src, buf, len, img, e);
	if (in_uki && has(buf, len, 0, "\x28\xb5\x2f\xfd", 4))
		return load_zstd(src, buf, len, img, e);
	if (has(buf, len, 0, "MZ", 2) &&
	    has(buf, len, ZBOOT_TYPE_OFF, "zimg", 4))
		return load_zboot(src, buf, len, img, e);
	if (!in_uki && has(buf, len, 0, "MZ", 2))
		return load_uki(src, buf, len, img, e);
	if (!in_uki && has(buf, len, 0, ELFMAG, SELFMAG))
		return load_elf(src, buf, len, img, e);
	return not_a_kernel(e, src->name, buf, len);
}

/* ---- unified kernel images ---- */

/*
 * A UKI (systemd's Unified Kernel Image specification) is an EFI stub
 * with the kernel in ".linux", the initrd in ".initrd", and ".cmdline",
 * ".dtb", ".osrel", ... beside them. kexec takes .linux and .initrd, as
 * kexec-tools does; .cmdline and .dtb are ignored as there (kexec(8)).
 * A section's bytes are its VirtualSize from PointerToRawData, as the
 * stub and kexec-tools read them; kbuild's SizeOfRawData is that rounded
 * up to the file alignment.
 */
#define PE_COFF_SIZE 24	   /* "PE\0\0" and the COFF header */
#define PE_SECTION_SIZE 40 /* one section header */
#define PE_MAX_SECTIONS 96 /* the PE format's own limit */

struct pe_sect {
	char name[9];
	uint32_t vsize; /* VirtualSize: the section's bytes */
	uint32_t rsize; /* SizeOfRawData: its room in the file */
	uint32_t ptr;	/* PointerToRawData */
};

struct pe_file {
	unsigned int machine;
	size_t nsect; /* as the COFF header says */
	size_t table; /* file offset of the section table */
};

/* The COFF header of an "MZ" file, or false when it has none. */
static bool pe_header(const uint8_t *buf, size_t len, struct pe_file *pe)
{
	uint32_t off = len >= PE_OFFSET_OFF + 4 ? gk_le32(buf + PE_OFFSET_OFF) :
						  0;

	if (!off || !has(buf, len, off, "PE\0\0", 4) ||
	    len - off < PE_COFF_SIZE)
		return false;
	pe->machine = gk_le16(buf + off + 4);
	pe->nsect = gk_le16(buf + off + 6);
	pe->table = (size_t)off + PE_COFF_SIZE + gk_le16(buf + off + 20);
	return true;
}

/* Section @i, when its header is inside the file. */
static bool pe_sect_at(const uint8_t *buf, size_t len, const struct pe_file *pe,
		       size_t i, struct pe_sect *s)
{
	size_t at = pe->table + i * PE_SECTION_SIZE;

	if (pe->table > len || at > len || len - at < PE_SECTION_SIZE)
		return false;
	memcpy(s->name, buf + at, 8);
	s->name[8] = '\0';
	s->vsize = gk_le32(buf + at + 8);
	s->rsize = gk_le32(buf + at + 16);
	s->ptr = gk_le32(buf + at + 20);
	return true;
}

/* A UKI is a PE with a .linux section among the headers the file has. */
static bool is_uki(const uint8_t *buf, size_t len, const struct pe_file *pe)
{
	struct pe_sect s;

	for (size_t i = 0; i < pe->nsect && pe_sect_at(buf, len, pe, i, &s);
	     i++)
		if (!strcmp(s.name, ".linux"))
			return true;
	return false;
}

static int uki_table(const struct kx_src *src, size_t len,
		     const struct pe_file *pe, struct gk_err *e)
{
	if (pe->machine != PE_MACHINE_ARM64)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: UKI for %s (PE machine 0x%x), not arm64",
			       src->name,
			       pe_machine_name(pe->machine) ?
				       pe_machine_name(pe->machine) :
				       "another machine",
			       pe->machine);
	if (pe->nsect > PE_MAX_SECTIONS ||
	    pe->table + pe->nsect * PE_SECTION_SIZE > len)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: UKI section table (%zu sections at 0x%zx) "
			       "is not inside the 0x%zx-byte file or has more "
			       "than %d sections",
			       src->name, pe->nsect, pe->table, len,
			       PE_MAX_SECTIONS);
	return 0;
}

/* Every section inside the file, none overlapping another. */
static int uki_sections(const struct kx_src *src, const uint8_t *buf,
			size_t len, const struct pe_file *pe, struct pe_sect *s,
			struct gk_err *e)
{
	for (size_t i = 0; i < pe->nsect; i++) {
		pe_sect_at(buf, len, pe, i, &s[i]);
		if (s[i].ptr > len || s[i].rsize > len - s[i].ptr)
			return gk_fail(e, -GK_ERR_FORMAT,
				       "%s: UKI section %s (0x%x bytes at "
				       "0x%x) is not inside the 0x%zx-byte "
				       "file",
				       src->name, s[i].name, s[i].rsize,
				       s[i].ptr, len);
		for (size_t j = 0; j < i && s[i].rsize; j++)
			if (s[j].rsize &&
			    s[i].ptr < (uint64_t)s[j].ptr + s[j].rsize &&
			    s[j].ptr < (uint64_t)s[i].ptr + s[i].rsize)
				return gk_fail(e, -GK_ERR_FORMAT,
					       "%s: UKI sections %s and %s "
					       "overlap in the file",
					       src->name, s[j].name, s[i].name);
	}
	return 0;
}

/* The one section called @name, or NULL; a second one is refused. */
static int uki_find(const struct kx_src *src, const struct pe_sect *s, size_t n,
		    const char *name, const struct pe_sect **out,
		    struct gk_err *e)
{
	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s[i].name, name))
			continue;
		if (*out)
			return gk_fail(e, -GK_ERR_FORMAT,
				       "%s: UKI has more than one %s section",
				       src->name, name);
		*out = &s[i];
	}
	if (!*out)
		return 0;
	if (!(*out)->vsize)
		return gk_fail(e, -GK_ERR_FORMAT, "%s: UKI section %s is empty",
			       src->name, name);
	if ((*out)->vsize > (*out)->rsize)
		return gk_fail(e, -GK_ERR_FORMAT,
			       "%s: UKI section %s has 0x%x bytes but only "
			       "0x%x in the file",
			       src->name, name, (*out)->vsize, (*out)->rsize);
	return 0;
}

/* The .linux section decoded as any kernel file but a UKI or an ELF. */
static int uki_linux(const struct kx_src *src, const uint8_t *buf,
		     const struct pe_sect *lx, struct kx_image *img,
		     struct gk_err *e)
{
	char label[GK_ERR_MSG_MAX / 2];
	struct kx_src inner = { label, src->max };
	int ret;

	snprintf(label, sizeof(label), "%s: UKI .linux", src->name);
	ret = load_any(&inner, buf + lx->ptr, lx->vsize, true, img, e);
	if (ret < 0)
		return ret;
	img->payload = img->format;
	img->format = KX_FMT_UKI;
	return 0;
}

/* The .initrd where it is in the file: no copy. */
static void uki_initrd(const uint8_t *buf, const struct pe_sect *rd,
		       struct kx_image *img)
{
	img->initrd = (uint8_t *)(buf + rd->ptr);
	img->initrd_size = rd->vsize;
	img->initrd_borrowed = true;
}

/**
 * load_uki - take the kernel and initrd of a UKI, or name what else an
 * "MZ" file without "zimg" is
 * @src: name and limit
 * @buf: the file
 * @len: its bytes
 * @img: the Image of .linux (format KX_FMT_UKI, payload what .linux held)
 *	 and .initrd, in @buf
 * @e: failure detail
 *
 * returns: 0 or a negative GK_ERR_* code
 */
static int load_uki(const struct kx_src *src, const uint8_t *buf, size_t len,
		    struct kx_image *img, struct gk_err *e)
{
	struct pe_sect s[PE_MAX_SECTIONS];
	const struct pe_sect *lx, *rd;
	struct pe_file pe;
	int ret;

	if (!pe_header(buf, len, &pe) || !is_uki(buf, len, &pe))
		return not_a_kernel(e, src->name, buf, len);
	ret = uki_table(src, len, &pe, e);
	if (!ret)
		ret = uki_sections(src, buf, len, &pe, s, e);
	if (!ret)
		ret = uki_find(src, s, pe.nsect, ".linux", &lx, e);
	if (!ret)
		ret = uki_find(src, s, pe.nsect, ".initrd", &rd, e);
	if (!ret)
		ret = uki_linux(src, buf, lx, img, e);
	if (!ret && rd)
		uki_initrd(buf, rd, img);
	return ret;
}

/* ---- the Image as a file ---- */

#define PE32PLUS_MAGIC 0x20b
#define PE_OPT_NDIRS 108    /* NumberOfRvaAndSizes in a PE32+ header */
#define PE_OPT_SECURITY 144 /* the security directory (index 4) */

size_t kx_image_file_size(const struct kx_image *img)
{
	const uint8_t *b = img->data;
	size_t len = img->size, opt;
	uint32_t off, at, size;

	if (len < PE_OFFSET_OFF + 4 || !has(b, len, 0, "MZ", 2))
		return len;
	off = gk_le32(b + PE_OFFSET_OFF);
	opt = (size_t)off + PE_COFF_SIZE;
	if (!has(b, len, off, "PE\0\0", 4) || opt > len ||
	    len - opt < PE_OPT_SECURITY + 8 ||
	    gk_le16(b + off + 20) < PE_OPT_SECURITY + 8 ||
	    gk_le16(b + opt) != PE32PLUS_MAGIC ||
	    gk_le32(b + opt + PE_OPT_NDIRS) <= 4)
		return len;
	/* the security directory's "address" is a file offset */
	at = gk_le32(b + opt + PE_OPT_SECURITY);
	size = gk_le32(b + opt + PE_OPT_SECURITY + 4);
	if (!at || !size || (uint64_t)at + size > len)
		return len;
	return (size_t)at + size;
}

int kx_image_load_max(const uint8_t *buf, size_t len, const char *name,
		      size_t max, struct kx_image *img, struct gk_err *e)
{
	struct kx_src src = { name ? name : "kernel image", max };
	int ret;

	memset(img, 0, sizeof(*img));
	if (!buf && len)
		return gk_fail(e, -GK_ERR_INVAL, "%s: no buffer", src.name);
	ret = load_any(&src, buf, len, false, img, e);
	if (ret < 0)
		kx_image_free(img);
	return ret;
}

int kx_image_load(const uint8_t *buf, size_t len, const char *name,
		  struct kx_image *img, struct gk_err *e)
{
	return kx_image_load_max(buf, len, name, KX_IMAGE_MAX, img, e);
}
