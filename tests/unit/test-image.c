// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel image readers: Images, gzip'd Images, EFI zboot wrappers,
 * vmlinux ELFs and UKIs built byte by byte here, with every malformed
 * case and the "looks like" names of what is not an arm64 kernel; and
 * the descriptors kexec_file_load is given for each (kexec/filefd.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <lzma.h>
#include <zlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "filefd.h"
#include "image.h"
#include "testutil.h"

#define MiB (1u << 20)
#define IMG_LEN 0x3000u	  /* a small Image: header and two pages */
#define IMG_SIZE 0x10000u /* its image_size: BSS after it */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* An Image of @len bytes: the header, then a pattern to check copies by. */
static uint8_t *make_image(size_t len, uint64_t text_offset,
			   uint64_t image_size, uint64_t flags)
{
	uint8_t *b = calloc(1, len);

	assert_non_null(b);
	for (size_t i = 64; i < len; i++)
		b[i] = (uint8_t)(i * 7 + 3);
	memcpy(b, "MZ\x40\xfa", 4); /* code0 of an EFI-stub kernel */
	tu_put64(b + 8, text_offset);
	tu_put64(b + 16, image_size);
	tu_put64(b + 24, flags);
	memcpy(b + 56, "ARM\x64", 4);
	tu_put32(b + 60, 0x40);
	return b;
}

/* gzip with zlib, so that the reader (libdeflate) meets another encoder */
static uint8_t *gz(const uint8_t *in, size_t len, size_t *outlen)
{
	z_stream s = { 0 };
	size_t room = len + len / 10 + 1024;
	uint8_t *out = malloc(room);

	assert_non_null(out);
	assert_int_equal(deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY),
			 Z_OK);
	s.next_in = (uint8_t *)in;
	s.avail_in = (uInt)len;
	s.next_out = out;
	s.avail_out = (uInt)room;
	assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
	*outlen = s.total_out;
	deflateEnd(&s);
	return out;
}

/* zstd frames without a content size, as kbuild's zstd22 (a pipe) writes */
static uint8_t *zst(const uint8_t *in, size_t len, size_t *outlen)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t room = ZSTD_compressBound(len);
	uint8_t *out = malloc(room);

	assert_non_null(out);
	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
	*outlen = ZSTD_compress2(c, out, room, in, len);
	assert_false(ZSTD_isError(*outlen));
	ZSTD_freeCCtx(c);
	return out;
}

/* .lzma ("alone") with an unknown size and an end marker, as lzma -9
 * writes from a pipe */
static uint8_t *lz(const uint8_t *in, size_t len, uint32_t dict, size_t *outlen)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_options_lzma opt;
	size_t room = len + len / 2 + 1024;
	uint8_t *out = malloc(room);

	assert_non_null(out);
	assert_false(lzma_lzma_preset(&opt, 1));
	opt.dict_size = dict;
	assert_int_equal(lzma_alone_encoder(&s, &opt), LZMA_OK);
	s.next_in = in;
	s.avail_in = len;
	s.next_out = out;
	s.avail_out = room;
	assert_int_equal(lzma_code(&s, LZMA_FINISH), LZMA_STREAM_END);
	*outlen = (size_t)s.total_out;
	lzma_end(&s);
	return out;
}

/*
 * An EFI zboot image as zboot-header.S lays it out: "MZ", "zimg", the
 * payload's offset and size, the compression type, the PE header at 0x40;
 * @trailer (0 for none) is appended after the payload, as kbuild does
 * with the decoded size for zstd.
 */
static uint8_t *make_zboot(const char *comp, const uint8_t *payload,
			   size_t plen, uint32_t trailer, uint16_t machine,
			   size_t *outlen)
{
	size_t len = 0x200 + plen + (trailer ? 4 : 0);
	uint8_t *b = calloc(1, len);

	assert_non_null(b);
	memcpy(b, "MZ", 2);
	memcpy(b + 4, "zimg", 4);
	tu_put32(b + 8, 0x200);
	tu_put32(b + 12, (uint32_t)plen);
	memcpy(b + 24, comp, strlen(comp));
	tu_put32(b + 0x38, 0x818223cd); /* LINUX_PE_MAGIC */
	tu_put32(b + 0x3c, 0x40);
	memcpy(b + 0x40, "PE\0\0", 4);
	put16(b + 0x44, machine);
	memcpy(b + 0x200, payload, plen);
	if (trailer)
		tu_put32(b + 0x200 + plen, trailer);
	*outlen = len;
	return b;
}

struct seg {
	uint64_t vaddr, paddr;
	uint64_t filesz, memsz;
	uint32_t type;
};

/*
 * A vmlinux: ELF64 header, program headers, then each segment's p_filesz
 * bytes from 0x1000 on, page after page; their contents are taken from
 * @img at the segment's vaddr offset from the first one, where it has them.
 */
static uint8_t *make_elf(uint16_t type, uint16_t machine, const struct seg *s,
			 size_t n, const uint8_t *img, size_t *outlen)
{
	size_t len = 0x1000, off;
	uint8_t *b;

	for (size_t i = 0; i < n; i++)
		len += (s[i].filesz + 0xfff) & ~(size_t)0xfff;
	b = calloc(1, len);
	assert_non_null(b);
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	put16(b + 16, type);
	put16(b + 18, machine);
	tu_put32(b + 20, EV_CURRENT);
	tu_put64(b + 24, s[0].vaddr); /* e_entry: _text */
	tu_put64(b + 32, 64);	      /* e_phoff */
	put16(b + 52, 64);	      /* e_ehsize */
	put16(b + 54, 56);	      /* e_phentsize */
	put16(b + 56, (uint16_t)n);
	off = 0x1000;
	for (size_t i = 0; i < n; i++) {
		uint8_t *ph = b + 64 + 56 * i;
		uint64_t rel = s[i].vaddr - s[0].vaddr;

		tu_put32(ph, s[i].type);
		tu_put32(ph + 4, PF_R | PF_X);
		tu_put64(ph + 8, off);
		tu_put64(ph + 16, s[i].vaddr);
		tu_put64(ph + 24, s[i].paddr);
		tu_put64(ph + 32, s[i].filesz);
		tu_put64(ph + 40, s[i].memsz);
		tu_put64(ph + 48, 0x10000);
		if (img && rel <= IMG_LEN && s[i].filesz <= IMG_LEN - rel)
			memcpy(b + off, img + rel, s[i].filesz);
		off += (s[i].filesz + 0xfff) & ~(size_t)0xfff;
	}
	*outlen = len;
	return b;
}

static void expect_fail_max(const uint8_t *buf, size_t len, size_t max,
			    int code, const char *msg)
{
	struct kx_image img;
	struct gk_err e = { 0 };
	int ret = kx_image_load_max(buf, len, "k", max, &img, &e);

	assert_string_equal(e.msg, msg);
	assert_int_equal(ret, code);
	assert_int_equal(e.code, code);
	assert_null(img.data);
	assert_int_equal(img.size, 0);
}

static void expect_fail(const uint8_t *buf, size_t len, int code,
			const char *msg)
{
	expect_fail_max(buf, len, KX_IMAGE_MAX, code, msg);
}

static void test_image(void **state)
{
	uint8_t *b = make_image(IMG_LEN, 0, IMG_SIZE, 0xa);
	struct kx_image img;
	struct gk_err e = { 0 };

	(void)state;
	assert_int_equal(kx_image_load(b, IMG_LEN, "Image", &img, &e), 0);
	assert_int_equal(img.format, KX_FMT_IMAGE);
	assert_string_equal(kx_format_name(img.format), "Image");
	assert_int_equal(img.size, IMG_LEN);
	/* no copy: the Image is the caller's buffer, which stays theirs */
	assert_ptr_equal(img.data, b);
	assert_true(img.data_borrowed);
	assert_true(img.text_offset == 0 && img.image_size == IMG_SIZE);
	assert_int_equal(KX_FLAG_PAGE_SIZE(img.flags), 1);
	assert_true(img.flags & KX_FLAG_PHYS_ANYWHERE);
	assert_string_equal(img.compression, "");
	kx_image_free(&img);
	assert_null(img.data);
	kx_image_free(NULL);

	/* a v4.x kernel: text_offset 0x80000, 64K pages, image_size == size */
	tu_put64(b + 8, 0x80000);
	tu_put64(b + 16, IMG_LEN);
	tu_put64(b + 24, 3 << 1);
	assert_int_equal(kx_image_load(b, IMG_LEN, "Image", &img, &e), 0);
	assert_true(img.text_offset == 0x80000 && img.image_size == IMG_LEN);
	assert_int_equal(KX_FLAG_PAGE_SIZE(img.flags), 3);
	assert_false(img.flags & KX_FLAG_PHYS_ANYWHERE);
	kx_image_free(&img);

	/* before v3.17: no image_size; text_offset of unknown byte order */
	tu_put64(b + 8, 0x0800000000000000ull);
	tu_put64(b + 16, 0);
	tu_put64(b + 24, 0xffff);
	assert_int_equal(kx_image_load(b, IMG_LEN, "Image", &img, &e), 0);
	assert_true(img.text_offset == KX_TEXT_OFFSET_LEGACY);
	assert_true(img.image_size == 4 * MiB && img.flags == 0);
	kx_image_free(&img);
	free(b);
}

static void test_image_bad(void **state)
{
	uint8_t *b = make_image(IMG_LEN, 0, IMG_SIZE, 0xa);

	(void)state;
	expect_fail(b, 60, -GK_ERR_FORMAT,
		    "k: not an arm64 kernel image (looks like a truncated "
		    "arm64 Image)");
	b[59] = 'X';
	expect_fail(b, IMG_LEN, -GK_ERR_FORMAT,
		    "k: not an arm64 kernel image (looks like a DOS MZ "
		    "executable)");
	memset(b, 0xee, 4);
	expect_fail(b, IMG_LEN, -GK_ERR_FORMAT,
		    "k: not an arm64 kernel image (looks like unknown magic "
		    "0xeeeeeeee)");
	free(b);

	b = make_image(IMG_LEN, 0, IMG_SIZE, 0xb);
	expect_fail(b, IMG_LEN, -GK_ERR_FORMAT,
		    "k: big-endian kernel (flags 0xb): only little-endian "
		    "kernels can be loaded");
	tu_put64(b + 24, 0xa);
	tu_put64(b + 16, IMG_LEN - 1);
	expect_fail(b, IMG_LEN, -GK_ERR_FORMAT,
		    "k: image_size 0x2fff is smaller than the Image's 0x3000 "
		    "bytes");
	tu_put64(b + 16, IMG_SIZE);
	tu_put64(b + 8, 2 * MiB);
	expect_fail(b, IMG_LEN, -GK_ERR_FORMAT,
		    "k: text_offset 0x200000 is not a 4 KiB multiple below "
		    "2 MiB");
	tu_put64(b + 8, 0x80800);
	expect_fail(b, IMG_LEN, -GK_ERR_FORMAT,
		    "k: text_offset 0x80800 is not a 4 KiB multiple below "
		    "2 MiB");
	tu_put64(b + 8, 0);
	tu_put64(b + 16, (uint64_t)KX_IMAGE_MAX + 1);
	expect_fail(b, IMG_LEN, -GK_ERR_TOOBIG,
		    "k: image_size 0x20000001 is over the limit of 0x20000000 "
		    "bytes");
	tu_put64(b + 16, IMG_SIZE);
	expect_fail_max(b, IMG_LEN, 0x1000, -GK_ERR_TOOBIG,
			"k: 0x3000 bytes, over the limit of 0x1000");
	/* the legacy size must fit too */
	tu_put64(b + 16, 0);
	expect_fail_max(b, IMG_LEN, 2 * MiB, -GK_ERR_TOOBIG,
			"k: image_size 0x400000 is over the limit of 0x200000 "
			"bytes");
	free(b);
}

static void test_gzip(void **state)
{
	uint8_t *b = make_image(IMG_LEN, 0, IMG_SIZE, 0xa), *z;
	struct kx_image img;
	struct gk_err e = { 0 };
	size_t zlen;

	(void)state;
	z = gz(b, IMG_LEN, &zlen);
	assert_int_equal(kx_image_load(z, zlen, "Image.gz", &img, &e), 0);
	assert_int_equal(img.format, KX_FMT_IMAGE_GZ);
	assert_string_equal(kx_format_name(img.format), "Image.gz");
	assert_string_equal(img.compression, "gzip");
	assert_int_equal(img.size, IMG_LEN);
	assert_memory_equal(img.data, b, IMG_LEN);
	assert_true(img.image_size == IMG_SIZE);
	kx_image_free(&img);
	free(z);

	/* the Image rules apply to what is inside */
	tu_put64(b + 24, 1);
	z = gz(b, IMG_LEN, &zlen);
	expect_fail(z, zlen, -GK_ERR_FORMAT,
		    "k: gzip payload: big-endian kernel (flags 0x1): only "
		    "little-endian kernels can be loaded");
	free(z);
	z = gz((const uint8_t *)"console=ttyAMA0\n", 16, &zlen);
	expect_fail(z, zlen, -GK_ERR_FORMAT,
		    "k: gzip payload: not an arm64 kernel image (looks like "
		    "text)");
	free(z);
	free(b);
}

static void test_gzip_bad(void **state)
{
	uint8_t *b = make_image(IMG_LEN, 0, IMG_SIZE, 0xa), *z, *big, cut[4096];
	char msg[160];
	size_t zlen;

	(void)state;
	z = gz(b, IMG_LEN, &zlen);
	assert_true(zlen < sizeof(cut));
	expect_fail(z, 10, -GK_ERR_FORMAT,
		    "k: not a gzip stream of deflate data (10 bytes)");
	/* cut short, with the last 4 bytes left looking plausible */
	memcpy(cut, z, zlen / 2);
	tu_put32(cut + zlen / 2 - 4, IMG_LEN);
	expect_fail(cut, zlen / 2, -GK_ERR_FORMAT,
		    "k: corrupt or truncated gzip data");
	z[zlen - 8] ^= 1; /* CRC */
	expect_fail(z, zlen, -GK_ERR_FORMAT,
		    "k: corrupt or truncated gzip data");
	z[zlen - 8] ^= 1;
	tu_put32(z + zlen - 4, IMG_LEN - 1); /* ISIZE one short */
	expect_fail(z, zlen, -GK_ERR_FORMAT,
		    "k: gzip data decodes to more than the 0x2fff bytes its "
		    "trailer says: truncated or corrupt");
	tu_put32(z + zlen - 4, 0x7fffffff); /* more than deflate can say */
	snprintf(msg, sizeof(msg),
		 "k: gzip trailer says 0x7fffffff bytes, more than %zu "
		 "compressed bytes can hold: truncated or corrupt",
		 zlen);
	expect_fail(z, zlen, -GK_ERR_FORMAT, msg);
	/* ISIZE lying high, within what deflate can say: the trailer is
	 * checked after decoding, so the first allocation never leaks */
	tu_put32(z + zlen - 4, IMG_LEN + 1);
	expect_fail(z, zlen, -GK_ERR_FORMAT,
		    "k: corrupt or truncated gzip data");
	tu_put32(z + zlen - 4, 1); /* far too low: no overrun past 1 byte */
	expect_fail(z, zlen, -GK_ERR_FORMAT,
		    "k: gzip data decodes to more than the 0x1 bytes its "
		    "trailer says: truncated or corrupt");
	/* over the limit: refused before anything is allocated */
	tu_put32(z + zlen - 4, IMG_LEN);
	expect_fail_max(z, zlen, IMG_LEN - 1, -GK_ERR_TOOBIG,
			"k: gzip trailer says 0x3000 bytes, over the limit of "
			"0x2fff (or the file is truncated)");
	/* padding after the stream, ending as the trailer did */
	z = realloc(z, zlen + 8);
	tu_put32(z + zlen, 0);
	tu_put32(z + zlen + 4, IMG_LEN);
	expect_fail(z, zlen + 8, -GK_ERR_FORMAT,
		    "k: 8 bytes follow the gzip stream");
	free(z);

	/* a bomb: 4 MiB of zeros in a few KiB, against a 1 MiB limit */
	big = calloc(1, 4 * MiB);
	assert_non_null(big);
	memcpy(big, b, IMG_LEN);
	tu_put64(big + 16, 4 * MiB);
	z = gz(big, 4 * MiB, &zlen);
	assert_true(zlen < 8192);
	expect_fail_max(z, zlen, MiB, -GK_ERR_TOOBIG,
			"k: gzip trailer says 0x400000 bytes, over the limit "
			"of 0x100000 (or the file is truncated)");
	/* and one whose trailer lies low: decoding stops at the buffer */
	tu_put32(z + zlen - 4, IMG_LEN);
	expect_fail_max(z, zlen, MiB, -GK_ERR_FORMAT,
			"k: gzip data decodes to more than the 0x3000 bytes "
			"its trailer says: truncated or corrupt");
	free(z);
	free(big);
	free(b);
}

static void test_gzip_trailing(void **state)
{
	uint8_t *b = make_image(IMG_LEN, 0, IMG_SIZE, 0xa), *z;
	char msg[80];
	size_t zlen;

	(void)state;
	/* two members: the first ends early, the second's ISIZE matches */
	z = gz(b, IMG_LEN, &zlen);
	z = realloc(z, 2 * zlen);
	memcpy(z + zlen, z, zlen);
	tu_put32(z + zlen - 4, IMG_LEN); /* untouched: same ISIZE */
	snprintf(msg, sizeof(msg), "k: %zu bytes follow the gzip stream", zlen);
	expect_fail(z, 2 * zlen, -GK_ERR_FORMAT, msg);
	free(z);
	free(b);
}

static void test_zboot(void **state)
{
	uint8_t *b = make_image(IMG_SIZE, 0, IMG_SIZE, 0xa), *p, *zb;
	struct kx_image img;
	struct gk_err e = { 0 };
	size_t plen, zlen;

	(void)state;
	/* kbuild pads the Image to image_size before compressing it */
	p = gz(b, IMG_SIZE, &plen);
	zb = make_zboot("gzip", p, plen, 0, 0xaa64, &zlen);
	assert_int_equal(kx_image_load(zb, zlen, "vmlinuz.efi", &img, &e), 0);
	assert_int_equal(img.format, KX_FMT_ZBOOT);
	assert_string_equal(kx_format_name(img.format), "EFI zboot");
	assert_string_equal(img.compression, "gzip");
	assert_int_equal(img.size, IMG_SIZE);
	assert_memory_equal(img.data, b, IMG_SIZE);
	kx_image_free(&img);
	free(zb);
	free(p);

	p = zst(b, IMG_SIZE, &plen);
	zb = make_zboot("zstd", p, plen, IMG_SIZE, 0xaa64, &zlen);
	assert_int_equal(kx_image_load(zb, zlen, "vmlinuz.efi", &img, &e), 0);
	assert_string_equal(img.compression, "zstd");
	assert_int_equal(img.size, IMG_SIZE);
	assert_memory_equal(img.data, b, IMG_SIZE);
	kx_image_free(&img);
	free(zb);
	/* v6.1 wrote "zstd22"; no size trailer: the buffer grows */
	zb = make_zboot("zstd22", p, plen, 0, 0xaa64, &zlen);
	assert_int_equal(kx_image_load(zb, zlen, "vmlinuz.efi", &img, &e), 0);
	assert_string_equal(img.compression, "zstd");
	assert_int_equal(img.size, IMG_SIZE);
	assert_memory_equal(img.data, b, IMG_SIZE);
	kx_image_free(&img);
	free(zb);
	free(p);

	/* lzma: the size trailer sizes the buffer, or the buffer grows */
	p = lz(b, IMG_SIZE, 4096, &plen);
	zb = make_zboot("lzma", p, plen, IMG_SIZE, 0xaa64, &zlen);
	assert_int_equal(kx_image_load(zb, zlen, "vmlinuz.efi", &img, &e), 0);
	assert_string_equal(img.compression, "lzma");
	assert_int_equal(img.size, IMG_SIZE);
	assert_memory_equal(img.data, b, IMG_SIZE);
	kx_image_free(&img);
	free(zb);
	zb = make_zboot("lzma", p, plen, 0x100, 0xaa64, &zlen);
	assert_int_equal(kx_image_load(zb, zlen, "vmlinuz.efi", &img, &e), 0);
	assert_int_equal(img.size, IMG_SIZE);
	assert_memory_equal(img.data, b, IMG_SIZE);
	kx_image_free(&img);
	free(zb);
	/* truncated, and a bomb past the limit */
	zb = make_zboot("lzma", p, plen - 8, 0, 0xaa64, &zlen);
	expect_fail(zb, zlen, -GK_ERR_FORMAT,
		    "k: zboot lzma payload: corrupt or truncated lzma data");
	free(zb);
	zb = make_zboot("lzma", p, plen, 0, 0xaa64, &zlen);
	expect_fail_max(zb, zlen, IMG_SIZE / 2, -GK_ERR_TOOBIG,
			"k: zboot lzma payload: lzma data decodes to more than "
			"the limit of 0x8000 bytes");
	free(zb);
	free(p);
	/* a dictionary that needs more memory than the Image may have */
	p = lz(b, IMG_SIZE, 4 * MiB, &plen);
	zb = make_zboot("lzma", p, plen, 0, 0xaa64, &zlen);
	expect_fail_max(zb, zlen, IMG_SIZE, -GK_ERR_TOOBIG,
			"k: zboot lzma payload: lzma dictionary larger than "
			"the limit of 0x10000 bytes");
	free(zb);
	free(p);
	free(b);
}

static void test_zboot_bad(void **state)
{
	uint8_t *b = make_image(IMG_LEN, 0, IMG_SIZE, 0xa), *p, *zb, *big;
	char msg[160];
	size_t plen, zlen;

	(void)state;
	p = gz(b, IMG_LEN, &plen);
	zb = make_zboot("lz4", p, plen, 0, 0xaa64, &zlen);
	expect_fail(zb, zlen, -GK_ERR_FORMAT,
		    "k: EFI zboot payload compressed with \"lz4\": only gzip, "
		    "lzma and zstd are supported");
	memcpy(zb + 24, "\x01gz\"\n", 6);
	expect_fail(zb, zlen, -GK_ERR_FORMAT,
		    "k: EFI zboot payload compressed with "
		    "\"\\x01gz\"\\x0a\": only gzip, lzma and zstd are "
		    "supported");
	memcpy(zb + 24, "gzip\0\0", 6);
	expect_fail(zb, 0x30, -GK_ERR_FORMAT,
		    "k: EFI zboot header truncated at 48 bytes");
	snprintf(msg, sizeof(msg),
		 "k: EFI zboot payload of 0x%zx bytes at 0x200 is not inside "
		 "the 0x%zx-byte file",
		 plen, zlen - 1);
	expect_fail(zb, zlen - 1, -GK_ERR_FORMAT, msg);
	tu_put32(zb + 8, 0x10000);
	snprintf(msg, sizeof(msg),
		 "k: EFI zboot payload of 0x%zx bytes at 0x10000 is not "
		 "inside the 0x%zx-byte file",
		 plen, zlen);
	expect_fail(zb, zlen, -GK_ERR_FORMAT, msg);
	tu_put32(zb + 8, 0x200);
	tu_put32(zb + 12, 0);
	snprintf(msg, sizeof(msg),
		 "k: EFI zboot payload of 0x0 bytes at 0x200 is not inside "
		 "the 0x%zx-byte file",
		 zlen);
	expect_fail(zb, zlen, -GK_ERR_FORMAT, msg);
	tu_put32(zb + 12, (uint32_t)plen);
	zb[zlen - 20] ^= 0x55;
	expect_fail(zb, zlen, -GK_ERR_FORMAT,
		    "k: zboot gzip payload: corrupt or truncated gzip data");
	put16(zb + 0x44, 0x5064);
	expect_fail(zb, zlen, -GK_ERR_FORMAT,
		    "k: EFI zboot image for RISC-V (PE machine 0x5064), not "
		    "arm64");
	put16(zb + 0x44, 0x1234);
	expect_fail(zb, zlen, -GK_ERR_FORMAT,
		    "k: EFI zboot image for another machine (PE machine "
		    "0x1234), not arm64");
	tu_put32(zb + 0x3c, 0x10000);
	expect_fail(zb, zlen, -GK_ERR_FORMAT,
		    "k: EFI zboot image without a PE header (at 0x10000)");
	free(zb);
	free(p);

	/* a payload that is no Image */
	p = gz((const uint8_t *)"\x7f\x45\x4c\x46\x02\x01\x01", 7, &plen);
	zb = make_zboot("gzip", p, plen, 0, 0xaa64, &zlen);
	expect_fail(zb, zlen, -GK_ERR_FORMAT,
		    "k: zboot gzip payload: not an arm64 kernel image (looks "
		    "like a truncated ELF file)");
	free(zb);
	free(p);

	/* zstd: corrupt, truncated, a bomb over a 1 MiB limit */
	p = zst(b, IMG_LEN, &plen);
	zb = make_zboot("zstd", p, plen - 3, 0, 0xaa64, &zlen);
	expect_fail(zb, zlen, -GK_ERR_FORMAT,
		    "k: zboot zstd payload: corrupt or truncated zstd data "
		    "(Src size is incorrect)");
	free(zb);
	free(p);
	big = calloc(1, 4 * MiB);
	assert_non_null(big);
	p = zst(big, 4 * MiB, &plen);
	zb = make_zboot("zstd", p, plen, 4 * MiB, 0xaa64, &zlen);
	expect_fail_max(zb, zlen, MiB, -GK_ERR_TOOBIG,
			"k: zboot zstd payload: zstd data decodes to more than "
			"the limit of 0x100000 bytes");
	free(zb);
	/* a trailer that lies low costs retries, not a wrong result */
	memcpy(big, b, IMG_LEN);
	tu_put64(big + 16, 4 * MiB);
	free(p);
	p = zst(big, 4 * MiB, &plen);
	zb = make_zboot("zstd", p, plen, 16, 0xaa64, &zlen);
	{
		struct kx_image img;
		struct gk_err e = { 0 };

		assert_int_equal(
			kx_image_load_max(zb, zlen, "k", 8 * MiB, &img, &e), 0);
		assert_int_equal(img.size, 4 * MiB);
		kx_image_free(&img);
	}
	free(zb);
	free(p);
	free(big);
	free(b);
}

static void test_elf(void **state)
{
	uint8_t *b = make_image(IMG_LEN, 0, IMG_SIZE, 0xa), *elf;
	/* text, then data 0x2000 further with BSS: image_size from memsz */
	struct seg s[] = {
		{ 0xffff800008000000ull, 0, 0x2000, 0x2000, PT_LOAD },
		{ 0xffff800008002000ull, 0, 0x1000, 0x20000, PT_LOAD },
		{ 0, 0, 0x10, 0x10, PT_NOTE },
	};
	struct kx_image img;
	struct gk_err e = { 0 };
	size_t len;

	(void)state;
	elf = make_elf(ET_EXEC, EM_AARCH64, s, 3, b, &len);
	assert_int_equal(kx_image_load(elf, len, "vmlinux", &img, &e), 0);
	assert_int_equal(img.format, KX_FMT_ELF);
	assert_string_equal(kx_format_name(img.format), "vmlinux ELF");
	assert_int_equal(img.size, IMG_LEN);
	assert_memory_equal(img.data, b, IMG_LEN);
	assert_true(img.image_size == 0x22000 && img.text_offset == 0);
	kx_image_free(&img);
	free(elf);

	/* relocatable kernels are ET_DYN; p_paddr wins when it is set, and
	 * segments come in any order: the flat copy starts at the lowest */
	s[0].paddr = 0x40200000;
	s[1].paddr = 0x40203000; /* a page gap: zeros */
	tu_put64(b + 8, 0x80000);
	elf = make_elf(ET_DYN, EM_AARCH64, s, 2, b, &len);
	assert_int_equal(kx_image_load(elf, len, "vmlinux", &img, &e), 0);
	assert_int_equal(img.size, 0x4000);
	assert_memory_equal(img.data, b, 0x2000);
	assert_memory_equal(img.data + 0x3000, b + 0x2000, 0x1000);
	assert_true(img.data[0x2000] == 0 && img.data[0x2fff] == 0);
	assert_true(img.image_size == 0x23000 && img.text_offset == 0x80000);
	kx_image_free(&img);
	free(elf);
	free(b);
}

static void test_elf_bad(void **state)
{
	uint8_t *b = make_image(IMG_LEN, 0, IMG_SIZE, 0xa), *elf;
	struct seg s[] = {
		{ 0xffff800008000000ull, 0, 0x2000, 0x2000, PT_LOAD },
		{ 0xffff800008002000ull, 0, 0x1000, 0x20000, PT_LOAD },
	};
	struct seg many[65];
	size_t len;

	(void)state;
	elf = make_elf(ET_EXEC, EM_X86_64, s, 2, b, &len);
	expect_fail(elf, len, -GK_ERR_FORMAT,
		    "k: not an arm64 kernel image (looks like an ELF file for "
		    "x86-64)");
	elf[EI_CLASS] = ELFCLASS32;
	put16(elf + 18, EM_ARM);
	expect_fail(elf, len, -GK_ERR_FORMAT,
		    "k: not an arm64 kernel image (looks like a 32-bit ELF "
		    "file for 32-bit ARM)");
	elf[EI_CLASS] = ELFCLASS64;
	elf[EI_DATA] = ELFDATA2MSB;
	elf[18] = 0;
	elf[19] = EM_AARCH64;
	expect_fail(elf, len, -GK_ERR_FORMAT,
		    "k: big-endian arm64 ELF: only little-endian kernels can "
		    "be loaded");
	free(elf);

	elf = make_elf(ET_REL, EM_AARCH64, s, 2, b, &len);
	expect_fail(elf, len, -GK_ERR_FORMAT,
		    "k: arm64 ELF of type 1, not an executable vmlinux");
	put16(elf + 16, ET_EXEC);
	expect_fail(elf, 40, -GK_ERR_FORMAT,
		    "k: ELF header truncated at 40 bytes");
	expect_fail(elf, 0x3800, -GK_ERR_FORMAT,
		    "k: PT_LOAD at offset 0x3000 (0x1000 bytes, 0x20000 in "
		    "memory) is not inside the 0x3800-byte file");
	expect_fail(elf, 100, -GK_ERR_FORMAT,
		    "k: 2 ELF program headers at 0x40 are not inside the "
		    "0x64-byte file");
	put16(elf + 54, 32);
	expect_fail(elf, len, -GK_ERR_FORMAT,
		    "k: ELF program headers of 32 bytes, not 56");
	free(elf);

	s[1].vaddr -= 0x1000;
	elf = make_elf(ET_EXEC, EM_AARCH64, s, 2, b, &len);
	expect_fail(elf, len, -GK_ERR_FORMAT,
		    "k: PT_LOADs at 0xffff800008000000 and 0xffff800008001000 "
		    "overlap");
	free(elf);
	s[1].vaddr += 0x1000;
	s[1].memsz = 0x100000;
	elf = make_elf(ET_EXEC, EM_AARCH64, s, 2, b, &len);
	expect_fail_max(elf, len, 0x80000, -GK_ERR_TOOBIG,
			"k: PT_LOADs span 0x102000 bytes, over the limit of "
			"0x80000");
	free(elf);
	s[1].memsz = 0x800;
	elf = make_elf(ET_EXEC, EM_AARCH64, s, 2, b, &len);
	expect_fail(elf, len, -GK_ERR_FORMAT,
		    "k: PT_LOAD at offset 0x3000 has 0x1000 file bytes for "
		    "0x800 in memory");
	free(elf);
	s[1].memsz = 0x20000;
	s[1].vaddr = UINT64_MAX - 0x100;
	elf = make_elf(ET_EXEC, EM_AARCH64, s, 2, b, &len);
	expect_fail(elf, len, -GK_ERR_FORMAT,
		    "k: PT_LOAD at 0xfffffffffffffeff wraps around");
	free(elf);

	s[0].type = s[1].type = PT_NOTE;
	elf = make_elf(ET_EXEC, EM_AARCH64, s, 2, b, &len);
	expect_fail(elf, len, -GK_ERR_FORMAT, "k: ELF without PT_LOAD");
	free(elf);

	/* an aarch64 program that is no kernel: no Image header at _text */
	s[0].type = s[1].type = PT_LOAD;
	s[1].vaddr = 0xffff800008002000ull;
	elf = make_elf(ET_EXEC, EM_AARCH64, s, 2, NULL, &len);
	expect_fail(elf, len, -GK_ERR_FORMAT,
		    "k: not an arm64 kernel image (looks like unknown magic "
		    "0x00000000)");
	free(elf);

	for (size_t i = 0; i < GK_ARRAY_SIZE(many); i++)
		many[i] = (struct seg){ 0x1000 * i, 0, 0x10, 0x10, PT_LOAD };
	elf = make_elf(ET_EXEC, EM_AARCH64, many, GK_ARRAY_SIZE(many), NULL,
		       &len);
	expect_fail(elf, len, -GK_ERR_FORMAT,
		    "k: more than 64 PT_LOAD segments");
	free(elf);
	free(b);
}

/* ---- unified kernel images ---- */

struct usec {
	const char *name;
	const void *data;
	size_t len;
};

#define UKI_PE 0x40u  /* "PE\0\0" */
#define UKI_OPT 0xf0u /* SizeOfOptionalHeader of a PE32+ */
#define UKI_TABLE (UKI_PE + 24 + UKI_OPT)
#define UKI_ALIGN 0x200u /* FileAlignment */

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

/*
 * A UKI as ukify or objcopy writes one: an EFI stub's headers, then each
 * section's bytes at a FileAlignment boundary, VirtualSize its length and
 * SizeOfRawData that rounded up. The stub's own code is left out: the
 * reader never looks at it.
 */
static uint8_t *make_uki(const struct usec *s, size_t n, uint16_t machine,
			 size_t *outlen)
{
	size_t len = align_up(UKI_TABLE + 40 * n, UKI_ALIGN), at;
	uint8_t *b;

	for (size_t i = 0; i < n; i++)
		len += align_up(s[i].len, UKI_ALIGN);
	b = calloc(1, len);
	assert_non_null(b);
	memcpy(b, "MZ", 2);
	tu_put32(b + 0x3c, UKI_PE);
	memcpy(b + UKI_PE, "PE\0\0", 4);
	put16(b + UKI_PE + 4, machine);
	put16(b + UKI_PE + 6, (uint16_t)n);
	put16(b + UKI_PE + 20, UKI_OPT);
	put16(b + UKI_PE + 24, 0x20b);
	at = align_up(UKI_TABLE + 40 * n, UKI_ALIGN);
	for (size_t i = 0; i < n; i++) {
		uint8_t *h = b + UKI_TABLE + 40 * i;

		memcpy(h, s[i].name, strlen(s[i].name));
		tu_put32(h + 8, (uint32_t)s[i].len);
		tu_put32(h + 16, (uint32_t)align_up(s[i].len, UKI_ALIGN));
		tu_put32(h + 20, (uint32_t)at);
		memcpy(b + at, s[i].data, s[i].len);
		at += align_up(s[i].len, UKI_ALIGN);
	}
	*outlen = len;
	return b;
}

static uint8_t *uki_hdr(uint8_t *b, size_t i)
{
	return b + UKI_TABLE + 40 * i;
}

static const char initrd[] = "070701 an initrd, as the UKI carries it";
static const char cmdline[] = "root=/dev/vda2 ro";

/* A UKI whose .linux holds @linux: .osrel, .cmdline, .linux, .initrd */
static uint8_t *uki_of(const void *linux_, size_t len, size_t *outlen)
{
	const struct usec s[] = {
		{ ".osrel", "ID=debian\n", 10 },
		{ ".cmdline", cmdline, sizeof(cmdline) },
		{ ".linux", linux_, len },
		{ ".initrd", initrd, sizeof(initrd) },
	};

	return make_uki(s, 4, 0xaa64, outlen);
}

static void expect_uki(const uint8_t *u, size_t ulen, enum kx_format payload,
		       const char *comp, const uint8_t *image, size_t size)
{
	struct kx_image img;
	struct gk_err e = { 0 };

	assert_int_equal(kx_image_load(u, ulen, "uki.efi", &img, &e), 0);
	assert_int_equal(img.format, KX_FMT_UKI);
	assert_string_equal(kx_format_name(img.format), "UKI");
	assert_int_equal(img.payload, payload);
	assert_string_equal(img.compression, comp);
	assert_int_equal(img.size, size);
	assert_memory_equal(img.data, image, size);
	assert_int_equal(img.initrd_size, sizeof(initrd));
	assert_memory_equal(img.initrd, initrd, sizeof(initrd));
	kx_image_free(&img);
}

static void test_uki(void **state)
{
	uint8_t *b = make_image(IMG_SIZE, 0, IMG_SIZE, 0xa), *p, *u, *zb;
	size_t plen, ulen, zlen;

	(void)state;
	u = uki_of(b, IMG_LEN, &ulen);
	expect_uki(u, ulen, KX_FMT_IMAGE, "", b, IMG_LEN);
	free(u);

	p = gz(b, IMG_LEN, &plen);
	u = uki_of(p, plen, &ulen);
	expect_uki(u, ulen, KX_FMT_IMAGE_GZ, "gzip", b, IMG_LEN);
	free(u);
	free(p);

	p = zst(b, IMG_LEN, &plen);
	u = uki_of(p, plen, &ulen);
	expect_uki(u, ulen, KX_FMT_ZSTD, "zstd", b, IMG_LEN);
	free(u);
	free(p);

	p = zst(b, IMG_SIZE, &plen);
	zb = make_zboot("zstd", p, plen, IMG_SIZE, 0xaa64, &zlen);
	u = uki_of(zb, zlen, &ulen);
	expect_uki(u, ulen, KX_FMT_ZBOOT, "zstd", b, IMG_SIZE);
	free(u);
	free(zb);
	free(p);
	free(b);
}

/* No .initrd: none; a bare zstd Image outside a UKI stays refused. */
static void test_uki_no_initrd(void **state)
{
	uint8_t *b = make_image(IMG_LEN, 0, IMG_SIZE, 0xa), *u, *p;
	const struct usec s[] = { { ".linux", b, IMG_LEN } };
	struct kx_image img;
	struct gk_err e = { 0 };
	size_t ulen, plen;

	(void)state;
	u = make_uki(s, 1, 0xaa64, &ulen);
	assert_int_equal(kx_image_load(u, ulen, "uki.efi", &img, &e), 0);
	assert_null(img.initrd);
	assert_int_equal(img.initrd_size, 0);
	kx_image_free(&img);
	free(u);
	p = zst(b, IMG_LEN, &plen);
	expect_fail(p, plen, -GK_ERR_FORMAT,
		    "k: not an arm64 kernel image (looks like zstd data)");
	free(p);
	free(b);
}

static void test_uki_bad(void **state)
{
	uint8_t *b = make_image(IMG_LEN, 0, IMG_SIZE, 0xa), *u, *inner;
	struct usec s[] = { { ".linux", b, IMG_LEN },
			    { ".initrd", initrd, sizeof(initrd) } };
	size_t ulen, ilen;

	(void)state;
	u = make_uki(s, 2, 0x8664, &ulen);
	expect_fail(u, ulen, -GK_ERR_FORMAT,
		    "k: UKI for x86-64 (PE machine 0x8664), not arm64");
	free(u);

	u = make_uki(s, 2, 0xaa64, &ulen);
	/* .initrd past the end of the file */
	expect_fail(u, ulen - 0x200, -GK_ERR_FORMAT,
		    "k: UKI section .initrd (0x200 bytes at 0x3200) is not "
		    "inside the 0x3200-byte file");
	/* .initrd over .linux */
	tu_put32(uki_hdr(u, 1) + 20, 0x2000);
	expect_fail(u, ulen, -GK_ERR_FORMAT,
		    "k: UKI sections .linux and .initrd overlap in the file");
	tu_put32(uki_hdr(u, 1) + 20, 0x3200);
	/* an empty .linux */
	tu_put32(uki_hdr(u, 0) + 8, 0);
	expect_fail(u, ulen, -GK_ERR_FORMAT, "k: UKI section .linux is empty");
	/* more bytes than the file holds for it */
	tu_put32(uki_hdr(u, 0) + 8, IMG_LEN + 1);
	expect_fail(u, ulen, -GK_ERR_FORMAT,
		    "k: UKI section .linux has 0x3001 bytes but only 0x3000 "
		    "in the file");
	tu_put32(uki_hdr(u, 0) + 8, IMG_LEN);
	/* absurd section counts */
	put16(u + UKI_PE + 6, 0xffff);
	expect_fail(u, ulen, -GK_ERR_FORMAT,
		    "k: UKI section table (65535 sections at 0x148) is not "
		    "inside the 0x3400-byte file or has more than 96 "
		    "sections");
	put16(u + UKI_PE + 6, 97);
	expect_fail(u, ulen, -GK_ERR_FORMAT,
		    "k: UKI section table (97 sections at 0x148) is not inside "
		    "the 0x3400-byte file or has more than 96 sections");
	put16(u + UKI_PE + 6, 2);
	/* two kernels */
	memcpy(uki_hdr(u, 1), ".linux\0", 8);
	expect_fail(u, ulen, -GK_ERR_FORMAT,
		    "k: UKI has more than one .linux section");
	memcpy(uki_hdr(u, 1), ".initrd", 8);
	/* .linux holds no kernel */
	u[0x200 + 59] = 'X';
	expect_fail(u, ulen, -GK_ERR_FORMAT,
		    "k: UKI .linux: not an arm64 kernel image (looks like a "
		    "DOS MZ executable)");
	free(u);

	/* a UKI inside a UKI: not a kernel */
	inner = make_uki(s, 2, 0xaa64, &ilen);
	s[0] = (struct usec){ ".linux", inner, ilen };
	u = make_uki(s, 2, 0xaa64, &ulen);
	expect_fail(u, ulen, -GK_ERR_FORMAT,
		    "k: UKI .linux: not an arm64 kernel image (looks like a "
		    "PE/EFI executable for arm64)");
	free(u);
	free(inner);

	/* a PE without .linux is what it was before: no kernel */
	s[0] = (struct usec){ ".text", b, IMG_LEN };
	u = make_uki(s, 2, 0xaa64, &ulen);
	expect_fail(u, ulen, -GK_ERR_FORMAT,
		    "k: not an arm64 kernel image (looks like a PE/EFI "
		    "executable for arm64)");
	free(u);
	free(b);
}

/*
 * A signed Image: the PE security directory (optional header + 144 in a
 * PE32+) names the certificate table, the end of the signed file.
 */
static void sign(uint8_t *b, uint32_t at, uint32_t size)
{
	memcpy(b + 0x40, "PE\0\0", 4);
	put16(b + 0x40 + 20, 0xf0);
	put16(b + 0x40 + 24, 0x20b);
	tu_put32(b + 0x40 + 24 + 108, 16);
	tu_put32(b + 0x40 + 24 + 144, at);
	tu_put32(b + 0x40 + 24 + 148, size);
}

static void test_file_size(void **state)
{
	uint8_t *b = make_image(IMG_SIZE, 0, IMG_SIZE, 0xa);
	struct kx_image img = { .data = b, .size = IMG_SIZE };

	(void)state;
	assert_int_equal(kx_image_file_size(&img), IMG_SIZE);
	sign(b, IMG_LEN - 0x100, 0x100);
	assert_int_equal(kx_image_file_size(&img), IMG_LEN);
	/* a table that is not inside the Image cuts nothing */
	sign(b, IMG_SIZE - 0x100, 0x101);
	assert_int_equal(kx_image_file_size(&img), IMG_SIZE);
	sign(b, 0, 0x100);
	assert_int_equal(kx_image_file_size(&img), IMG_SIZE);
	/* nor one in a PE32 header or past NumberOfRvaAndSizes */
	sign(b, IMG_LEN - 0x100, 0x100);
	tu_put32(b + 0x40 + 24 + 108, 4);
	assert_int_equal(kx_image_file_size(&img), IMG_SIZE);
	tu_put32(b + 0x40 + 24 + 108, 16);
	put16(b + 0x40 + 24, 0x10b);
	assert_int_equal(kx_image_file_size(&img), IMG_SIZE);
	free(b);
}

/* ---- kexec_file_load's descriptors ---- */

#define ALL_SEALS (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

struct fdt_ctx {
	char *dir;
	char kernel[4096], initrd[4096];
};

static void put_file(struct fdt_ctx *c, char *path, const char *name,
		     const void *buf, size_t len)
{
	assert_int_equal(tu_pwrite(c->dir, name, buf, len, 0), 0);
	snprintf(path, 4096, "%s/%s", c->dir, name);
}

/* @fd is the file at @path itself, not a copy */
static void same_file(int fd, const char *path)
{
	struct stat a, b;

	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(path, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_dev, b.st_dev);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
}

/* @fd is a sealed memfd holding exactly @len bytes of @want */
static void sealed_with(int fd, const void *want, size_t len)
{
	uint8_t *got = malloc(len + 1);
	struct stat st;

	assert_non_null(got);
	assert_int_equal(fcntl(fd, F_GET_SEALS), ALL_SEALS);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, len);
	assert_int_equal(pread(fd, got, len + 1, 0), len);
	assert_memory_equal(got, want, len);
	/* nothing can change it any more */
	assert_int_equal(pwrite(fd, "x", 1, 0), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(ftruncate(fd, 0), -1);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, 0), -1);
	free(got);
}

static void fds_of(struct fdt_ctx *c, const char *initrd_path, int *kfd,
		   int *ifd)
{
	struct kx_opts o = { .kernel = c->kernel, .initrd = initrd_path };
	struct gk_err e = { 0 };

	assert_int_equal(kx_file_fds(&o, kfd, ifd, &e), 0);
	assert_true(*kfd >= 0);
}

static void test_filefd(void **state)
{
	uint8_t *b = make_image(IMG_SIZE, 0, IMG_SIZE, 0xa), *p, *u, *zb;
	struct fdt_ctx c = { .dir = tu_mkdtemp() };
	size_t plen, ulen, zlen;
	int kfd, ifd;

	(void)state;
	assert_non_null(c.dir);
	/* a raw Image: its own file, no initrd */
	put_file(&c, c.kernel, "Image", b, IMG_LEN);
	fds_of(&c, NULL, &kfd, &ifd);
	same_file(kfd, c.kernel);
	assert_int_equal(ifd, -1);
	close(kfd);

	/* Image.gz: the Image in a sealed memfd; --initrd: its own file */
	p = gz(b, IMG_LEN, &plen);
	put_file(&c, c.kernel, "Image.gz", p, plen);
	put_file(&c, c.initrd, "initrd.img", "an initrd", 9);
	fds_of(&c, c.initrd, &kfd, &ifd);
	sealed_with(kfd, b, IMG_LEN);
	same_file(ifd, c.initrd);
	close(kfd);
	close(ifd);
	free(p);

	/* a zboot of a signed Image, padded: cut at its certificate table */
	sign(b, IMG_LEN - 0x100, 0x100);
	p = gz(b, IMG_SIZE, &plen);
	zb = make_zboot("gzip", p, plen, 0, 0xaa64, &zlen);
	put_file(&c, c.kernel, "vmlinuz.efi", zb, zlen);
	fds_of(&c, NULL, &kfd, &ifd);
	sealed_with(kfd, b, IMG_LEN);
	assert_int_equal(ifd, -1);
	close(kfd);
	free(p);

	/* a UKI: .linux (a zboot) and .initrd in memfds; --initrd wins */
	u = uki_of(zb, zlen, &ulen);
	put_file(&c, c.kernel, "uki.efi", u, ulen);
	fds_of(&c, NULL, &kfd, &ifd);
	sealed_with(kfd, b, IMG_LEN);
	sealed_with(ifd, initrd, sizeof(initrd));
	close(kfd);
	close(ifd);
	fds_of(&c, c.initrd, &kfd, &ifd);
	sealed_with(kfd, b, IMG_LEN);
	same_file(ifd, c.initrd);
	close(kfd);
	close(ifd);
	free(u);
	free(zb);
	free(b);
	tu_rmtree(c.dir);
}

static void fds_fail(const char *kernel, const char *initrd_path,
		     const char *msg)
{
	struct kx_opts o = { .kernel = kernel, .initrd = initrd_path };
	struct gk_err e = { 0 };
	int kfd = 7, ifd = 7, open0 = tu_open_fds();

	assert_true(kx_file_fds(&o, &kfd, &ifd, &e) < 0);
	assert_string_equal(e.msg, msg);
	assert_int_equal(kfd, -1);
	assert_int_equal(ifd, -1);
	assert_int_equal(tu_open_fds(), open0); /* nothing left open */
}

static void test_filefd_bad(void **state)
{
	uint8_t *b = make_image(IMG_LEN, 0, IMG_SIZE, 0xa), *u;
	struct fdt_ctx c = { .dir = tu_mkdtemp() };
	char msg[8192 + 128];
	size_t ulen;

	(void)state;
	assert_non_null(c.dir);
	put_file(&c, c.kernel, "Image", b, IMG_LEN);
	snprintf(c.initrd, sizeof(c.initrd), "%s/none", c.dir);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", c.initrd);
	fds_fail(c.kernel, c.initrd, msg);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", c.initrd);
	fds_fail(c.initrd, NULL, msg);

	u = uki_of(b, IMG_LEN, &ulen);
	tu_put32(uki_hdr(u, 3) + 20, 0x200); /* .initrd over .osrel */
	put_file(&c, c.kernel, "uki.efi", u, ulen);
	snprintf(msg, sizeof(msg),
		 "%s: UKI sections .osrel and .initrd overlap in the file",
		 c.kernel);
	fds_fail(c.kernel, NULL, msg);
	/* the UKI's .initrd memfd is closed when --initrd fails */
	tu_put32(uki_hdr(u, 3) + 20, (uint32_t)ulen - 0x200);
	put_file(&c, c.kernel, "uki2.efi", u, ulen);
	snprintf(c.initrd, sizeof(c.initrd), "%s/none", c.dir);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", c.initrd);
	fds_fail(c.kernel, c.initrd, msg);
	free(u);
	free(b);
	tu_rmtree(c.dir);
}

static void looks_like(const void *buf, size_t len, const char *what)
{
	char msg[256];

	snprintf(msg, sizeof(msg),
		 "k: not an arm64 kernel image (looks like %s)", what);
	expect_fail(buf, len, -GK_ERR_FORMAT, msg);
}

static void test_looks_like(void **state)
{
	uint8_t b[0x400] = { 0 };

	(void)state;
	looks_like(b, 0, "an empty file");
	looks_like("root=/dev/vda1 console=ttyAMA0\n", 31, "text");
	looks_like("070701000000", 12, "a cpio archive");
	looks_like("\x27\x05\x19\x56\x00", 5, "a U-Boot uImage");
	looks_like("\xd0\x0d\xfe\xed\x00", 5,
		   "a device tree blob (or a FIT image)");
	looks_like("\x28\xb5\x2f\xfd\x00", 5, "zstd data");
	looks_like("\xfd\x37\x7a\x58\x5a\0", 6, "xz data");
	looks_like("\x01\x02", 2, "unknown magic 0x0102");

	/* an x86 bzImage starts with MZ too: its setup header wins */
	memcpy(b, "MZ", 2);
	memcpy(b + 0x202, "HdrS", 4);
	looks_like(b, sizeof(b), "an x86 bzImage");
	/* an x86-64 EFI application */
	memset(b + 0x202, 0, 4);
	tu_put32(b + 0x3c, 0x80);
	memcpy(b + 0x80, "PE\0\0", 4);
	put16(b + 0x84, 0x8664);
	looks_like(b, sizeof(b), "a PE/EFI executable for x86-64");
	memset(b, 0, sizeof(b));
	tu_put32(b + 0x24, 0x016f2818);
	looks_like(b, sizeof(b), "a 32-bit ARM zImage");
	memset(b, 0, sizeof(b));
	memcpy(b + 48, "RISCV\0\0\0RSC\x05", 12);
	looks_like(b, sizeof(b), "a RISC-V Image");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image),
		cmocka_unit_test(test_image_bad),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_gzip_bad),
		cmocka_unit_test(test_gzip_trailing),
		cmocka_unit_test(test_zboot),
		cmocka_unit_test(test_zboot_bad),
		cmocka_unit_test(test_elf),
		cmocka_unit_test(test_elf_bad),
		cmocka_unit_test(test_uki),
		cmocka_unit_test(test_uki_no_initrd),
		cmocka_unit_test(test_uki_bad),
		cmocka_unit_test(test_file_size),
		cmocka_unit_test(test_filefd),
		cmocka_unit_test(test_filefd_bad),
		cmocka_unit_test(test_looks_like),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
