// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the kernel image readers. The input is read as a file
 * (any format), then wrapped as the formats that decode to an Image: a
 * gzip stream of it, EFI zboot images with a gzip and a zstd payload of
 * it, and zboot images whose "compressed" payload is the raw input, so
 * that libdeflate's and libzstd's callers see arbitrary bytes too. A
 * wrapped input must load exactly when the input loads as an Image, and
 * to the same Image. The input is also a UKI's .linux, beside an
 * .initrd: what loads alone but a UKI or an ELF loads there too, to the
 * same Image with the same initrd, and a UKI or an ELF there does not.
 */
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include "fuzz.h"
#include "image.h"

/* far below KX_IMAGE_MAX: bombs are refused without touching 512 MiB */
#define FUZZ_MAX (8u << 20)
#define ZB_HDR 0x80

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* What every successful load promises. */
static bool image_ok(const struct kx_image *img)
{
	return img->data && img->size >= 64 && img->size <= img->image_size &&
	       img->image_size <= FUZZ_MAX && img->text_offset < 0x200000 &&
	       !(img->text_offset & 0xfff) && !(img->flags & KX_FLAG_BE) &&
	       !memcmp(img->data + 56, "ARM\x64", 4) &&
	       !img->initrd == !img->initrd_size &&
	       (!img->initrd || img->format == KX_FMT_UKI);
}

/* Load @d; a failure must be well formed and leave nothing behind. */
static bool load(const uint8_t *d, size_t n, struct kx_image *img, int *ret)
{
	struct gk_err e = { 0 };

	*ret = kx_image_load_max(d, n, "fuzz", FUZZ_MAX, img, &e);
	if (*ret < 0)
		return gk_fuzz_failed_well(*ret, &e) && !img->data &&
		       !img->size;
	return image_ok(img);
}

static bool same_image(const struct kx_image *a, const struct kx_image *b)
{
	return a->size == b->size && a->text_offset == b->text_offset &&
	       a->image_size == b->image_size && a->flags == b->flags &&
	       !memcmp(a->data, b->data, a->size);
}

/* Load a wrapping of an input whose own load gave @raw (@raw_ok). */
static bool wrapped(const uint8_t *d, size_t n, enum kx_format f,
		    const struct kx_image *raw, bool raw_ok)
{
	struct kx_image img;
	bool ok;
	int ret;

	if (!d)
		return true; /* out of memory building it: nothing to check */
	ok = load(d, n, &img, &ret);
	if (ok && ret == 0)
		ok = raw_ok && img.format == f && same_image(&img, raw);
	else if (ok)
		ok = !raw_ok;
	kx_image_free(&img);
	return ok;
}

static uint8_t *gzip_of(const uint8_t *in, size_t len, size_t *outlen)
{
	z_stream s = { 0 };
	size_t room = len + len / 100 + 64;
	uint8_t *out = malloc(room);

	if (!out || deflateInit2(&s, 1, Z_DEFLATED, 16 + MAX_WBITS, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
		free(out);
		return NULL;
	}
	s.next_in = (uint8_t *)in;
	s.avail_in = (uInt)len;
	s.next_out = out;
	s.avail_out = (uInt)room;
	if (deflate(&s, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&s);
		free(out);
		return NULL;
	}
	*outlen = s.total_out;
	deflateEnd(&s);
	return out;
}

static uint8_t *zstd_of(const uint8_t *in, size_t len, size_t *outlen)
{
	size_t room = ZSTD_compressBound(len);
	uint8_t *out = malloc(room);

	if (out) {
		*outlen = ZSTD_compress(out, room, in, len, 1);
		if (!ZSTD_isError(*outlen))
			return out;
	}
	free(out);
	return NULL;
}

/* zboot-header.S's layout, with the le32 size kbuild appends for zstd. */
static uint8_t *zboot_of(const char *comp, const uint8_t *p, size_t plen,
			 size_t *outlen)
{
	uint8_t *b = p ? calloc(1, ZB_HDR + plen + 4) : NULL;

	if (!b)
		return NULL;
	memcpy(b, "MZ", 2);
	memcpy(b + 4, "zimg", 4);
	put32(b + 8, ZB_HDR);
	put32(b + 12, (uint32_t)plen);
	memcpy(b + 24, comp, strlen(comp));
	put32(b + 0x38, 0x818223cd);
	put32(b + 0x3c, 0x40);
	memcpy(b + 0x40, "PE\0\0\x64\xaa", 6);
	memcpy(b + ZB_HDR, p, plen);
	put32(b + ZB_HDR + plen, (uint32_t)plen * 4);
	*outlen = ZB_HDR + plen + 4;
	return b;
}

/* A PE with the input as .linux and "rd" as .initrd, no optional header */
static uint8_t *uki_of(const uint8_t *p, size_t plen, size_t *outlen)
{
	uint8_t *b = plen < UINT32_MAX - 0x400 ? calloc(1, 0x200 + plen + 2) :
						 NULL;
	uint8_t *h;

	if (!b)
		return NULL;
	memcpy(b, "MZ", 2);
	put32(b + 0x3c, 0x40);
	memcpy(b + 0x40, "PE\0\0\x64\xaa\x02", 7);
	h = b + 0x58; /* the section table */
	memcpy(h, ".linux", 6);
	put32(h + 8, (uint32_t)plen);
	put32(h + 16, (uint32_t)plen);
	put32(h + 20, 0x200);
	memcpy(h + 40, ".initrd", 7);
	put32(h + 48, 2);
	put32(h + 56, 2);
	put32(h + 60, 0x200 + (uint32_t)plen);
	memcpy(b + 0x200, p, plen);
	memcpy(b + 0x200 + plen, "rd", 2);
	*outlen = 0x200 + plen + 2;
	return b;
}

static bool uki_wrapping(const uint8_t *d, size_t n, const struct kx_image *raw,
			 int raw_ret)
{
	struct kx_image img;
	size_t ul = 0;
	uint8_t *u = uki_of(d, n, &ul);
	bool ok, nested;
	int ret;

	if (!u)
		return true;
	nested = raw->format == KX_FMT_ELF || raw->format == KX_FMT_UKI;
	ok = load(u, ul, &img, &ret);
	if (ok && raw_ret == 0 && !nested)
		ok = ret == 0 && img.format == KX_FMT_UKI &&
		     img.payload == raw->format && same_image(&img, raw) &&
		     img.initrd_size == 2 && !memcmp(img.initrd, "rd", 2);
	else if (ok && raw_ret == 0)
		ok = ret < 0;
	kx_image_free(&img);
	free(u);
	return ok;
}

/* Wrap the input's gzip and zstd streams, and the input as a payload. */
static bool all_wrappings(const uint8_t *data, size_t size,
			  const struct kx_image *raw, bool raw_ok)
{
	size_t gl = 0, zl = 0, wl = 0;
	uint8_t *gz = gzip_of(data, size, &gl), *zs = zstd_of(data, size, &zl);
	uint8_t *w;
	bool ok;

	ok = wrapped(gz, gl, KX_FMT_IMAGE_GZ, raw, raw_ok);
	w = zboot_of("gzip", gz, gl, &wl);
	ok &= wrapped(w, wl, KX_FMT_ZBOOT, raw, raw_ok);
	free(w);
	w = zboot_of("zstd", zs, zl, &wl);
	ok &= wrapped(w, wl, KX_FMT_ZBOOT, raw, raw_ok);
	free(w);
	free(gz);
	free(zs);
	return ok;
}

static bool raw_payloads(const uint8_t *data, size_t size)
{
	const char *const comp[] = { "gzip", "zstd", "lzma" };
	struct kx_image img;
	size_t wl;
	bool ok = true;
	int ret;

	for (size_t i = 0; i < 3; i++) {
		uint8_t *w = zboot_of(comp[i], data, size, &wl);

		if (!w)
			continue;
		ok &= load(w, wl, &img, &ret) &&
		      (ret < 0 || img.format == KX_FMT_ZBOOT);
		kx_image_free(&img);
		free(w);
	}
	return ok;
}

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct kx_image raw;
	bool ok, raw_ok;
	int ret;

	ok = load(data, size, &raw, &ret);
	raw_ok = ok && ret == 0 && raw.format == KX_FMT_IMAGE;
	ok = ok && all_wrappings(data, size, &raw, raw_ok) &&
	     raw_payloads(data, size) && uki_wrapping(data, size, &raw, ret);
	kx_image_free(&raw);
	return ok;
}
