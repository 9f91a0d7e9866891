/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to lib/physmem*.c: the backend interface. */
#ifndef GK_PHYSMEM_INT_H
#define GK_PHYSMEM_INT_H

#include <sys/types.h>

#include "physmem.h"
#include "range.h"

struct pm_source;

struct pm_ops {
	const char *kind;
	/*
	 * Read up to @len bytes at @pa. Returns how many (> 0: a source
	 * may stop early at the end of a captured range), or a negative
	 * GK_ERR_* code with @e set to "NAME: why".
	 */
	ssize_t (*read)(struct pm_source *s, uint64_t pa, void *buf, size_t len,
			struct gk_err *e);
	/* One register of @width bytes; NULL: use read() and decode LE. */
	int (*read_reg)(struct pm_source *s, uint64_t pa, unsigned int width,
			uint64_t *val, struct gk_err *e);
	void (*close)(struct pm_source *s);
};

/* A piece of one file holding physical memory at [r.start, r.end]. */
struct pm_piece {
	struct gk_range r;
	int fd;	      /* -1: the source's own fd */
	off_t offset; /* file offset of r.start */
};

/*
 * Small reads (registers, headers) of a file that does not change under
 * us are served from the last block read: a walk of thousands of
 * redistributors reads four registers of each, all in one page.
 */
#define PM_BLOCK 4096u
#define PM_BLOCK_READ_MAX 64u

struct pm_source {
	const struct pm_ops *ops;
	char *name; /* the file, as shown to the operator */
	int fd;
	struct pm_piece *pieces; /* sorted by start; image, memdir, elf */
	size_t npieces;
	bool cached;	 /* a snapshot's file: small reads use blk */
	uint8_t *blk;	 /* PM_BLOCK bytes, allocated on first use */
	uint64_t blk_pa; /* physical address of blk[0] */
	size_t blk_len;	 /* bytes of blk held, 0 when none */
	/* devmem: the page of the last register read, kept mapped */
	void *map;
	uint64_t map_pa;
	size_t map_len;
};

extern const struct pm_ops pm_devmem_ops;

/* read() of every source made of pieces (image, memdir, ELF) */
ssize_t pm_pieces_read(struct pm_source *s, uint64_t pa, void *buf, size_t len,
		       struct gk_err *e);

/* The piece that holds @pa, or NULL. Pieces must be sorted. */
const struct pm_piece *pm_find_piece(const struct pm_source *s, uint64_t pa);

/* open s->name (set) with the devmem backend; a regular file is bounded */
int pm_devmem_file(struct pm_source *s, struct gk_err *e);
int pm_devmem_open(const struct sysroot *sr, struct pm_source *s,
		   struct gk_err *e);
/*
 * The openers below work on s->fd, set by the caller, which stays owned by
 * the source and is closed with it.
 */
/* @sr NULL: no dev/mem.ranges, the whole file counts as captured */
int pm_image_open(const struct sysroot *sr, struct pm_source *s,
		  struct gk_err *e);
int pm_memdir_open(struct pm_source *s, struct gk_err *e);
/* 1: s->fd is an ELF core and @s is set up; 0: not ELF; < 0: bad ELF */
int pm_elf_open(struct pm_source *s, struct gk_err *e);

#endif
