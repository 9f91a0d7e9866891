// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the ELF core reader (lib/physmem-elf.c: /proc/kcore,
 * vmcores), through libelf as a file: the input is a memfd. A failure
 * comes with a one-line message; a core's pieces are sorted, disjoint and
 * non-empty, and a read at either end of each is served or refused with
 * a one-line message, never past the file.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "physmem-int.h"

static bool pieces_ok(const struct pm_source *s)
{
	bool ok = true;

	for (size_t i = 0; i < s->npieces; i++) {
		const struct pm_piece *p = &s->pieces[i];

		/* every byte of the piece at a file offset off_t can hold */
		ok &= p->r.start <= p->r.end && p->offset >= 0 && p->fd == -1 &&
		      p->r.end - p->r.start <=
			      (uint64_t)(INT64_MAX - p->offset);
		ok &= !i || s->pieces[i - 1].r.end < p->r.start;
	}
	return ok;
}

/* Read a few bytes at @pa: served (> 0, at most asked) or well refused. */
static bool read_ok(struct pm_source *s, uint64_t pa)
{
	struct gk_err e = { 0 };
	uint8_t buf[16];
	ssize_t n = s->ops->read(s, pa, buf, sizeof(buf), &e);

	if (n < 0)
		return gk_fuzz_failed_well((int)n, &e);
	return n > 0 && (size_t)n <= sizeof(buf);
}

static bool check(struct pm_source *s, int ret, const struct gk_err *e)
{
	bool ok = true;

	if (ret < 0)
		return gk_fuzz_failed_well(ret, e);
	if (ret == 0)
		return !s->npieces && !s->ops;
	ok &= ret == 1 && s->ops && pieces_ok(s);
	for (size_t i = 0; ok && i < s->npieces && i < 64; i++)
		ok &= read_ok(s, s->pieces[i].r.start) &&
		      read_ok(s, s->pieces[i].r.end);
	return ok;
}

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct pm_source s = { .name = (char *)"fuzz", .fd = -1 };
	struct gk_err e = { 0 };
	bool ok;
	int ret;

	s.fd = memfd_create("fuzz-elfcore", MFD_CLOEXEC);
	if (s.fd < 0)
		return true; /* not the parser's fault */
	if (write(s.fd, data, size) != (ssize_t)size) {
		close(s.fd);
		return true;
	}
	ret = pm_elf_open(&s, &e);
	ok = check(&s, ret, &e);
	free(s.pieces);
	free(s.blk);
	close(s.fd);
	return ok;
}
