// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crashdump.h"
#include "dtb.h"
#include "gather.h"
#include "iomem.h"
#include "place.h"
#include "plan.h"
#include "segcheck.h"
#include "verdict.h"
#include "purgatory/purgatory.h"

/* The purgatory blob, embedded by kexec/purgatory/blob.S. */
extern const uint8_t kx_purgatory_start[], kx_purgatory_end[];

#define SZ_2M 0x200000ull
#define KX_INITRD_MAX (4ull << 30)
#define KX_IDMAP_SIZE 0x10000ull /* the purgatory's page tables */

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* A whole host file, bounded, malloc'd: for --dtb, which gkfdt takes over. */
static int read_host_file(const char *path, uint64_t max, uint8_t **buf,
			  size_t *len, struct gk_err *e)
{
	struct stat st;
	size_t n = 0;
	uint8_t *p;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		return gk_fail(e, gk_errno(err), "%s: %s", path, strerror(err));
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		close(fd);
		return gk_fail(e, -GK_ERR_TOOBIG, "%s: %s", path,
			       S_ISREG(st.st_mode) ? "too large" :
						     "not a regular file");
	}
	p = malloc((size_t)st.st_size + 1);
	while (p && n < (size_t)st.st_size) {
		ssize_t r = read(fd, p + n, (size_t)st.st_size - n);

		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!p || n != (size_t)st.st_size) {
		free(p);
		return gk_fail(e, p ? -GK_ERR_IO : -GK_ERR_NOMEM, "%s: %s",
			       path, p ? "short read" : "out of memory");
	}
	*buf = p;
	*len = n;
	return 0;
}

/* --reuse-cmdline drops BOOT_IMAGE= and, for a crash kernel, crashkernel=. */
static int make_cmdline(const struct sysroot *sr, const struct kx_opts *o,
			char *out, struct gk_err *e)
{
	char *cur = NULL, *tok, *save = NULL;
	size_t len, n = 0;
	int ret = 0;

	out[0] = '\0';
	if (o->reuse_cmdline) {
		ret = sysroot_read_file(sr, "/proc/cmdline", 65536, &cur, &len,
					e);
		if (ret < 0)
			return ret;
		for (tok = strtok_r(cur, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save)) {
			if (!strncmp(tok, "BOOT_IMAGE=", 11) ||
			    (o->crash && !strncmp(tok, "crashkernel=", 12)))
				continue;
			n += (size_t)snprintf(out + n, KX_CMDLINE_MAX - n,
					      "%s%s", n ? " " : "", tok);
			if (n >= KX_CMDLINE_MAX)
				break;
		}
		free(cur);
	}
	if (o->append && n < KX_CMDLINE_MAX)
		n += (size_t)snprintf(out + n, KX_CMDLINE_MAX - n, "%s%s",
				      n ? " " : "", o->append);
	if (n >= KX_CMDLINE_MAX)
		return gk_fail(e, -GK_ERR_TOOBIG,
			       "command line longer than %d bytes",
			       KX_CMDLINE_MAX - 1);
	return 0;
}

/* Segments are checked later (checks_*): their tables come last. */
static int add_seg(struct kx_plan *p, const char *what, uint8_t *buf,
		   size_t bufsz, uint64_t mem, uint64_t memsz)
{
	p->seg[p->nseg++] =
		(struct kx_segment){ .what = what,
				     .buf = buf,
				     .bufsz = bufsz,
				     .mem = mem,
				     .memsz = align_up(memsz, KX_SEG_ALIGN) };
	return 0;
}

/* A segment that is one of the plan's mapped files: never freed. */
static int add_borrowed(struct kx_plan *p, const char *what, uint8_t *buf,
			size_t bufsz, uint64_t mem, uint64_t memsz)
{
	add_seg(p, what, buf, bufsz, mem, memsz);
	p->seg[p->nseg - 1].borrowed = true;
	return 0;
}

/* Does the EFI memreserve list cover every range of @r? */
static bool efi_covers(const struct gk_facts *f, const struct gk_range *r,
		       size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f->mr != GK_MR_OK ||
		    !gk_ranges_covers(f->memreserve, f->nmemreserve, &r[i],
				      NULL))
			return false;
	return n > 0;
}

/*
 * The live LPI tables (gicdiag's facts: registers when readable, else the
 * kernel log): never overwritten, and passed on in the next DTB unless
 * --lpi-reserve says otherwise. Every redistributor with LPIs enabled, the
 * sizes the next kernel touches.
 */
int kx_gather_facts(const struct sysroot *sr, struct gk_facts *f,
		    struct gk_err *e)
{
	struct gk_gather_opts go = { .enough = true };
	struct physmem *pm = NULL;
	int ret = physmem_open(sr, 0, &pm, e);

	if (ret >= 0)
		ret = gk_gather(sr, pm, &go, f, e);
	physmem_close(pm);
	return ret;
}

/*
 * This load replaces the loaded image of its kind: what that one reserves
 * (gicdiag's LOADED check) no longer matters, and a rearm after hotplug
 * must not be refused for the very staleness it repairs.
 */
static void forget_replaced(struct gk_facts *f, bool crash)
{
	struct gk_loaded *l = &f->loaded[crash ? GK_KDUMP : GK_KEXEC];

	free(l->tables);
	memset(l, 0, sizeof(*l));
}

/* The tables the facts attribute, for the next DTB's named nodes. */
static int attributed(struct kx_plan *p)
{
	const struct gk_facts *f = &p->facts;
	bool prop = false;

	p->tables = calloc(f->nrds + 1, sizeof(*p->tables));
	if (!p->tables)
		return -GK_ERR_NOMEM;
	for (size_t i = 0; i < f->nrds; i++) {
		const struct gk_rdfact *rd = &f->rds[i];

		if (!rd->lpis)
			continue;
		if (rd->prop && !prop) {
			p->tables[p->ntables++] =
				(struct kx_table){ rd->prop, f->prop_size, -1,
						   f->idbits };
			prop = true;
		}
		if (rd->pend && rd->cpu >= 0)
			p->tables[p->ntables++] =
				(struct kx_table){ rd->pend, f->pend_size,
						   rd->cpu, f->idbits };
	}
	return 0;
}

/*
 * The live LPI tables: every table any evidence source names (registers,
 * kernel memory, the log, the journal, the boot record, the DTB we were
 * given), even a partial or disputed one, is never overwritten, and all
 * are passed on in the next DTB unless --lpi-reserve says otherwise.
 */
static int lpi_tables(const struct sysroot *sr, const struct kx_opts *o,
		      struct kx_plan *p)
{
	struct gk_facts *f = &p->facts;
	struct gk_err e = { 0 };

	if (kx_gather_facts(sr, f, &e) < 0) {
		snprintf(p->lpi_why, sizeof(p->lpi_why), "%s", e.msg);
		return 0; /* no facts: the preflight refuses, saying this */
	}
	/*
	 * A list the firmware has but a read of it failed (not one that is
	 * absent, refused or not captured): what it reserves is unknown, and
	 * whether it covers the tables with it. No facts, as above.
	 */
	if (f->efi && f->mr == GK_MR_UNREADABLE && f->mr_err == -GK_ERR_IO) {
		snprintf(p->lpi_why, sizeof(p->lpi_why),
			 "the EFI memreserve list could not be read: %.400s",
			 f->mr_why);
		gk_facts_free(f);
		return 0;
	}
	p->have_facts = true;
	forget_replaced(f, o->crash);
	/*
	 * Out of memory here is no "no table": the segments would go
	 * anywhere, the tables unreserved. The load fails instead.
	 */
	p->keep = calloc(f->nnamed + 1, sizeof(*p->keep));
	if (!p->keep || attributed(p) < 0)
		return -GK_ERR_NOMEM;
	if (f->nnamed)
		memcpy(p->keep, f->named, f->nnamed * sizeof(*p->keep));
	p->nkeep = f->nnamed;
	p->passed =
		p->nkeep && o->lpi != KX_LPI_NEVER &&
		(o->lpi == KX_LPI_ALWAYS || !efi_covers(f, p->keep, p->nkeep));
	if (!p->nkeep)
		snprintf(p->lpi_why, sizeof(p->lpi_why), "%s",
			 f->evidence == GK_EVID_NONE ?
				 f->regs_why :
				 "no redistributor has LPIs enabled");
	else if (!p->passed)
		snprintf(
			p->lpi_why, sizeof(p->lpi_why), "%s",
			o->lpi == KX_LPI_NEVER ?
				"not passed: --lpi-reserve=never" :
				"not passed: the EFI memreserve list covers them");
	return 0;
}

struct ctx {
	const struct sysroot *sr;
	const struct kx_opts *o;
	struct kx_plan *p;
	struct kx_free fr;
	struct iomem *io;
	struct kx_image img;
	uint8_t *initrd; /* read, not placed yet */
	size_t initrd_len;
	bool have_initrd, initrd_borrowed;
	pthread_t gather_tid; /* lpi_tables() beside reading the image */
	bool gathering;
	int gather_err;		/* what lpi_tables() returned */
	struct kx_segcheck big; /* the kernel's and initrd's tables */
	bool big_running;
	struct gk_err *e;
};

/* The Image becomes the segment as it is: decoded, or the file's mapping. */
static int place_kernel(struct ctx *c)
{
	uint64_t at;
	uint64_t size = align_up(c->img.image_size, KX_SEG_ALIGN);
	uint8_t *buf = c->img.data; /* the segment takes it: no copy */
	bool borrowed = c->img.data_borrowed;

	/* on failure the image keeps it: the check job may be reading it */
	if (kx_alloc(&c->fr, size, SZ_2M, c->img.text_offset, 0, 0, false,
		     &at) < 0) {
		return gk_fail(
			c->e, -GK_ERR_NOTFOUND,
			"no room for the kernel (%llu bytes at %llu from a 2 MiB boundary)",
			(unsigned long long)size,
			(unsigned long long)c->img.text_offset);
	}
	c->img.data = NULL;
	c->p->kernel = at;
	if (borrowed)
		return add_borrowed(c->p, "kernel", buf, c->img.size, at, size);
	return add_seg(c->p, "kernel", buf, c->img.size, at, size);
}

/*
 * --initrd's file, mapped, else a UKI's .initrd (in the kernel file's
 * mapping when the image borrowed it): never a copy. *@borrowed says
 * whether the plan's files own the bytes.
 */
static int initrd_bytes(struct ctx *c, uint8_t **buf, size_t *len,
			bool *borrowed)
{
	struct kx_fmap *m = &c->p->files[KX_FILE_INITRD];
	struct kx_span s;
	int ret;

	if (c->o->initrd) {
		kx_span_begin(c->o->timing, &s);
		ret = kx_fmap_open(c->o->initrd, KX_INITRD_MAX, m, c->e);
		kx_span_end(c->o->timing, &s, KX_T_OPEN);
		*buf = m->data;
		*len = m->len;
		*borrowed = true;
		return ret;
	}
	*buf = c->img.initrd;
	*len = c->img.initrd_size;
	*borrowed = c->img.initrd_borrowed;
	c->img.initrd = NULL;
	c->p->initrd_from_image = true;
	return 0;
}

/* Read before the fact gathering, so that its check can start. */
static int read_initrd(struct ctx *c)
{
	int ret;

	if (!c->o->initrd && !c->img.initrd)
		return 0;
	ret = initrd_bytes(c, &c->initrd, &c->initrd_len, &c->initrd_borrowed);
	c->have_initrd = !ret;
	return ret;
}

static int place_initrd(struct ctx *c, uint64_t *start, uint64_t *size)
{
	bool borrowed = c->initrd_borrowed;
	uint8_t *buf = c->initrd;
	size_t len = c->initrd_len;
	uint64_t at;

	/* above the kernel, within the 32 GiB the kernel maps (§B2) */
	if (kx_alloc(&c->fr, align_up(len ? len : 1, KX_SEG_ALIGN),
		     KX_SEG_ALIGN, 0, 0, c->p->kernel, false, &at) < 0 ||
	    at + len > c->p->kernel + (32ull << 30)) {
		/* freed by kx_plan_build, after the check job's join */
		return gk_fail(
			c->e, -GK_ERR_NOTFOUND,
			"%s%s: no room for the initrd (%zu bytes) within 32 GiB of the kernel",
			c->o->initrd ? c->o->initrd : c->o->kernel,
			c->o->initrd ? "" : ": UKI .initrd", len);
	}
	*start = at;
	*size = len;
	c->initrd = NULL;
	if (borrowed)
		return add_borrowed(c->p, "initrd", buf, len, at,
				    len ? len : 1);
	return add_seg(c->p, "initrd", buf, len, at, len ? len : 1);
}

static int place_elfcorehdr(struct ctx *c, uint64_t *at, uint64_t *len)
{
	struct kx_crash_info ci = { 0 };
	uint8_t *hdr;
	size_t n;
	int ret;

	/* out of memory: no header that leaves the crash kernel out */
	if (iomem_find(c->io, "Crash kernel", &ci.crash, &ci.ncrash) < 0 ||
	    iomem_find(c->io, "System RAM", &ci.ram, &ci.nram) < 0)
		ret = gk_fail(c->e, -GK_ERR_NOMEM, "out of memory");
	else
		ret = kx_elfcorehdr(c->sr, &ci, &hdr, &n, c->e);
	free(ci.crash);
	free(ci.ram);
	if (ret < 0)
		return ret;
	if (kx_alloc(&c->fr, align_up(n, KX_SEG_ALIGN), KX_SEG_ALIGN, 0, 0, 0,
		     true, at) < 0) {
		free(hdr);
		return gk_fail(
			c->e, -GK_ERR_NOTFOUND,
			"no room for the ELF core header in the crash kernel's memory");
	}
	*len = n;
	return add_seg(c->p, "elfcorehdr", hdr, n, *at, n);
}

static int place_dtb(struct ctx *c, struct kx_dtb_args *a)
{
	struct gk_fdt src;
	uint8_t *blob;
	size_t len;
	uint64_t at;
	int ret;

	if (c->o->dtb) {
		struct kx_span s;
		uint8_t *raw = NULL; /* gcc cannot see read_host_file set it */

		kx_span_begin(c->o->timing, &s);
		ret = read_host_file(c->o->dtb, KX_DTB_MAX * 4ull, &raw, &len,
				     c->e);
		kx_span_end(c->o->timing, &s, KX_T_OPEN);
		if (!ret)
			ret = gk_fdt_from_buf(raw, len, c->o->dtb, &src, c->e);
	} else {
		ret = gk_fdt_load(c->sr, "/sys/firmware/fdt", &src, c->e);
	}
	if (ret < 0)
		return ret;
	ret = kx_dtb_build(&src, a, &blob, &len, c->e);
	gk_fdt_free(&src);
	if (ret < 0)
		return ret;
	/* at most 2 MiB and not across a 2 MiB boundary (§A5) */
	if (kx_alloc(&c->fr, align_up(len, KX_SEG_ALIGN), KX_SEG_ALIGN, 0,
		     SZ_2M, c->p->kernel, false, &at) < 0) {
		free(blob);
		return gk_fail(c->e, -GK_ERR_NOTFOUND,
			       "no room for the device tree");
	}
	c->p->dtb = at;
	return add_seg(c->p, "dtb", blob, len, at, len);
}

/* Bytes of the purgatory's segment after the blob: every CRC table. */
static size_t tables_size(const struct kx_plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nseg; i++)
		n += p->seg[i].nchunks;
	return n * sizeof(uint32_t);
}

static int checks_join(struct ctx *c);

/* The purgatory's per-chunk checks are wanted: kexec_load, without -i. */
static bool checking(const struct ctx *c)
{
	return !c->o->no_checks && !c->o->file_only;
}

/* Every segment's chunk count, known before its table is. */
static void checks_geometry(struct ctx *c)
{
	for (size_t i = 0; checking(c) && i < c->p->nseg; i++) {
		struct kx_segment *s = &c->p->seg[i];

		s->chunk = KX_CHECK_CHUNK;
		s->nchunks = s->bufsz / s->chunk + !!(s->bufsz % s->chunk);
	}
}

/*
 * The blob, then every segment's CRC table (4-byte aligned: the blob's
 * size is a multiple of 8), then the idmap scratch area at the next
 * 64 KiB boundary. The header is filled before the check job is joined:
 * the tables' places depend on the chunk counts only.
 */
static int place_purgatory(struct ctx *c)
{
	size_t blob = (size_t)(kx_purgatory_end - kx_purgatory_start), len;
	uint64_t size, at;
	struct kx_purg_header *h;
	uint8_t *buf;
	int ret;

	checks_geometry(c);
	len = blob + tables_size(c->p);
	size = align_up(len, KX_SEG_ALIGN) + KX_IDMAP_SIZE;
	if (blob < sizeof(*h) || blob % 8)
		return gk_fail(c->e, -GK_ERR_FORMAT, "purgatory: built empty");
	buf = calloc(1, len);
	if (!buf)
		return gk_fail(c->e, -GK_ERR_NOMEM, "out of memory");
	memcpy(buf, kx_purgatory_start, blob);
	h = (struct kx_purg_header *)buf;
	if (h->magic != KX_PURG_MAGIC || h->version != KX_PURG_VERSION ||
	    c->p->nseg > KX_PURG_MAX_SEGMENTS ||
	    kx_alloc(&c->fr, size, KX_SEG_ALIGN, 0, 0, c->p->kernel, false,
		     &at) < 0) {
		free(buf);
		return gk_fail(c->e, -GK_ERR_NOTFOUND,
			       "purgatory: bad blob or no room for it");
	}
	h->kernel_entry = c->p->kernel;
	h->dtb = c->p->dtb;
	h->flags = c->o->no_checks ? KX_PURG_NO_CHECKS : 0;
	h->idmap = at + align_up(len, KX_SEG_ALIGN);
	h->idmap_size = KX_IDMAP_SIZE;
	h->failed_segment = -1;
	kx_purg_fill_segments(h, at + blob, c->p);
	c->p->entry = at + h->entry;
	ret = checks_join(c);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	kx_purg_write_tables(buf + blob, c->p);
	return add_seg(c->p, "purgatory", buf, len, at, size);
}

/*
 * The kernel file mapped ("open"), then decoded ("decompress": nothing
 * for a raw Image, whose segment is the mapping itself). A file that was
 * decoded whole is unmapped at once: its pages are not needed any more.
 */
static int read_kernel(struct ctx *c)
{
	struct kx_fmap *m = &c->p->files[KX_FILE_KERNEL];
	struct kx_span s;
	int ret;

	kx_span_begin(c->o->timing, &s);
	ret = kx_fmap_open(c->o->kernel, KX_IMAGE_MAX, m, c->e);
	kx_span_end(c->o->timing, &s, KX_T_OPEN);
	if (ret < 0)
		return ret;
	kx_span_begin(c->o->timing, &s);
	ret = kx_image_load(m->data, m->len, c->o->kernel, &c->img, c->e);
	kx_span_end(c->o->timing, &s, KX_T_DECOMPRESS);
	if (!c->img.data_borrowed && !c->img.initrd_borrowed)
		kx_fmap_close(m);
	if (ret == 0) {
		c->p->format = c->img.format;
		snprintf(c->p->compression, sizeof(c->p->compression), "%s",
			 c->img.compression);
	}
	return ret;
}

/*
 * Start the kernel's and the initrd's checks (most of a load's bytes) on
 * every CPU, to run while this thread gathers the facts and places the
 * segments: their buffers are final, and the checks do not depend on
 * where the segments go.
 */
static int checks_start(struct ctx *c)
{
	const uint8_t *buf[2] = { c->img.data, c->initrd };
	size_t len[2] = { c->img.size, c->initrd_len };
	struct kx_span s;
	int ret;

	if (!checking(c))
		return 0;
	kx_span_begin(c->o->timing, &s);
	ret = kx_segcheck_start(&c->big, buf, len, c->have_initrd ? 2 : 1,
				KX_CHECK_CHUNK, kx_segcheck_cpus(), c->e);
	c->big_running = !ret;
	kx_span_end(c->o->timing, &s, KX_T_DIGEST);
	return ret;
}

/* Give segment @s its table, and its whole CRC for the manifest. */
static void take_table(struct kx_segment *s, struct kx_segcheck_seg *t)
{
	s->crc = t->crc; /* t->nchunks == s->nchunks: the same geometry */
	s->crc32 =
		kx_segcheck_whole(t->crc, t->nchunks, KX_CHECK_CHUNK, s->bufsz);
	t->crc = NULL;
}

/* The small segments' tables (DTB, ELF core header), on this thread. */
static int checks_small(struct ctx *c)
{
	struct kx_segcheck one;

	for (size_t i = 0; i < c->p->nseg; i++) {
		struct kx_segment *s = &c->p->seg[i];
		const uint8_t *buf = s->buf;
		int ret;

		if (s->crc) /* the big job's */
			continue;
		ret = kx_segcheck_start(&one, &buf, &s->bufsz, 1,
					KX_CHECK_CHUNK, 1, c->e);
		if (ret < 0)
			return ret;
		kx_segcheck_finish(&one);
		take_table(s, &one.seg[0]);
	}
	return 0;
}

/*
 * Every segment's table, the big job joined (this thread helps with
 * what is left): kexec -d's digest is the time spent here and starting.
 */
static int checks_join(struct ctx *c)
{
	struct kx_span s;
	int ret;

	if (!checking(c))
		return 0;
	kx_span_begin(c->o->timing, &s);
	kx_segcheck_finish(&c->big);
	c->big_running = false;
	for (size_t i = 0; i < c->p->nseg; i++)
		for (size_t j = 0; j < c->big.nseg; j++)
			if (c->big.seg[j].crc &&
			    c->p->seg[i].buf == c->big.seg[j].buf &&
			    c->p->seg[i].bufsz == c->big.seg[j].len)
				take_table(&c->p->seg[i], &c->big.seg[j]);
	kx_segcheck_free(&c->big);
	ret = checks_small(c);
	kx_span_end(c->o->timing, &s, KX_T_DIGEST);
	return ret;
}

static void *gather_thread(void *arg)
{
	struct ctx *c = arg;

	c->gather_err = lpi_tables(c->sr, c->o, c->p);
	return NULL;
}

/*
 * The facts do not depend on the image: gather them while the kernel and
 * initrd are mapped and decoded. The thread writes only the plan's facts
 * fields (lpi_tables), which nothing else touches before the join.
 */
static void gather_start(struct ctx *c)
{
	c->gathering = !pthread_create(&c->gather_tid, NULL, gather_thread, c);
}

static void gather_join(struct ctx *c)
{
	if (c->gathering)
		pthread_join(c->gather_tid, NULL);
	else
		c->gather_err = lpi_tables(c->sr, c->o, c->p);
	c->gathering = false;
}

static int plan(struct ctx *c)
{
	struct kx_dtb_args a = { .cmdline = c->p->cmdline,
				 .seed = c->o->seed,
				 .crash = c->o->crash };
	struct kx_span s;
	int ret;

	gather_start(c);
	ret = read_kernel(c);
	if (!ret)
		ret = read_initrd(c);
	if (!ret)
		ret = checks_start(c);
	if (!ret)
		ret = iomem_load(c->sr, &c->io, c->e);
	kx_span_begin(c->o->timing, &s);
	gather_join(c);
	kx_span_end(c->o->timing, &s, KX_T_GATHER);
	if (!ret && c->gather_err < 0)
		ret = gk_fail(c->e, c->gather_err, "the LPI tables: %s",
			      gk_strerror(c->gather_err));
	if (ret < 0)
		return ret;
	ret = kx_free_init(c->io, c->o->crash, c->o->mem_min,
			   c->o->mem_max_set ? c->o->mem_max : UINT64_MAX,
			   c->p->keep, c->p->nkeep, &c->fr, c->e);
	if (!ret)
		ret = place_kernel(c);
	if (!ret && c->have_initrd) {
		a.has_initrd = true;
		ret = place_initrd(c, &a.initrd_start, &a.initrd_size);
	}
	if (!ret && c->o->crash) {
		ret = place_elfcorehdr(c, &a.elfcorehdr, &a.elfcorehdr_size);
		/* without it the crash kernel would take all memory */
		if (!ret &&
		    iomem_find(c->io, "Crash kernel",
			       (struct gk_range **)&a.usable, &a.nusable) < 0)
			ret = gk_fail(c->e, -GK_ERR_NOMEM, "out of memory");
	}
	a.keep = c->p->keep;
	a.nkeep = c->p->passed ? c->p->nkeep : 0;
	a.tables = c->p->tables;
	a.ntables = c->p->passed ? c->p->ntables : 0;
	if (!ret)
		ret = place_dtb(c, &a);
	free((void *)a.usable);
	if (!ret)
		ret = place_purgatory(c); /* joins the checks */
	return ret;
}

int kx_plan_build(const struct sysroot *sr, const struct kx_opts *o,
		  struct kx_plan *p, struct gk_err *e)
{
	struct ctx c = { .sr = sr, .o = o, .p = p, .e = e };
	int ret;

	memset(p, 0, sizeof(*p));
	p->crash = o->crash;
	ret = make_cmdline(sr, o, p->cmdline, e);
	if (!ret)
		ret = plan(&c);
	/* before any buffer it may read is freed or unmapped */
	if (c.big_running)
		kx_segcheck_cancel(&c.big);
	kx_image_free(&c.img);
	if (!c.initrd_borrowed)
		free(c.initrd);
	kx_free_release(&c.fr);
	iomem_free(c.io);
	if (ret < 0)
		kx_plan_free(p);
	return ret;
}

void kx_plan_free(struct kx_plan *p)
{
	for (size_t i = 0; i < p->nseg; i++) {
		if (!p->seg[i].borrowed)
			free(p->seg[i].buf);
		free(p->seg[i].crc);
	}
	for (size_t i = 0; i < KX_NFILES; i++)
		kx_fmap_close(&p->files[i]);
	free(p->keep);
	free(p->tables);
	if (p->have_facts)
		gk_facts_free(&p->facts);
	memset(p, 0, sizeof(*p));
}
