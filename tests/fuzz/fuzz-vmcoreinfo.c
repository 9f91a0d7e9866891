// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the VMCOREINFO reader (lib/kmem.c, included here for
 * its static parsers). The input is read as a whole note, and as the text
 * of a note wrapped the way the kernel writes it: a failure comes with a
 * one-line message, a success passes arm64's plausibility checks again,
 * and the wrapped note reads exactly as its text does.
 */
#include "../../lib/kmem.c" /* NOLINT: the static parsers under test */
#include "fuzz.h"

#define NOTE_HDR 24

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool parsed_ok(int ret, const struct km_vmci *v, const struct gk_err *e)
{
	if (ret < 0)
		return gk_fuzz_failed_well(ret, e);
	return !ret && !vmci_check(v, NULL) && v->va_bits >= 36 &&
	       v->va_bits <= 52 && v->page_size && v->kimage_voffset;
}

/* @text wrapped as a note reads as @text does */
static bool wrapped_ok(const uint8_t *text, size_t size)
{
	struct km_vmci a = { 0 }, b = { 0 };
	struct gk_err ea = { 0 }, eb = { 0 };
	uint8_t *note = calloc(1, NOTE_HDR + size + 12);
	char *str = strndup((const char *)text, size);
	int ra, rb;
	bool ok;

	if (!note || !str) {
		free(note);
		free(str);
		return true; /* out of memory */
	}
	put32(note, 11);
	put32(note + 4, (uint32_t)size);
	memcpy(note + 12, "VMCOREINFO", 11);
	memcpy(note + NOTE_HDR, text, size);
	ra = vmci_parse_text(str, &a, &ea);
	rb = vmci_parse_note(note, NOTE_HDR + size + 12, &b, &eb);
	ok = parsed_ok(ra, &a, &ea) && ra == rb && !memcmp(&a, &b, sizeof(a)) &&
	     !strcmp(ea.msg, eb.msg);
	free(note);
	free(str);
	return ok;
}

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct km_vmci v = { 0 };
	struct gk_err e = { 0 };
	int ret;

	if (size > KM_MAX_NOTE)
		return true; /* load_vmci refuses it before parsing */
	ret = vmci_parse_note(data, size, &v, &e);
	return parsed_ok(ret, &v, &e) && wrapped_ok(data, size);
}
