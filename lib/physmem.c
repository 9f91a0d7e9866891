// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "le.h"
#include "physmem-int.h"

#define PM_MAX_SOURCES 4

struct physmem {
	struct pm_source src[PM_MAX_SOURCES];
	size_t nsrc;
	size_t last; /* the source that served the last read */
	/* why the sources that could not be opened are missing */
	char missing[GK_ERR_MSG_MAX];
	bool recording;
	bool rec_lost;	      /* out of memory while recording */
	struct gk_range *rec; /* what was read while recording */
	size_t nrec, caprec;
	/* reads that failed while recording, or as a snapshot replays them */
	struct pm_refusal *refused;
	size_t nrefused;
};

const struct pm_piece *pm_find_piece(const struct pm_source *s, uint64_t pa)
{
	size_t lo = 0, hi = s->npieces;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pm_piece *p = &s->pieces[mid];

		if (pa < p->r.start)
			hi = mid;
		else if (pa > p->r.end)
			lo = mid + 1;
		else
			return p;
	}
	return NULL;
}

static void note_missing(struct physmem *pm, const char *why)
{
	size_t n = strlen(pm->missing);

	snprintf(pm->missing + n, sizeof(pm->missing) - n, "%s%s",
		 n ? "; " : "", why);
}

static void source_close(struct pm_source *s)
{
	if (s->ops && s->ops->close)
		s->ops->close(s);
	for (size_t i = 0; i < s->npieces; i++)
		if (s->pieces[i].fd >= 0)
			close(s->pieces[i].fd);
	if (s->fd >= 0)
		close(s->fd);
	free(s->pieces);
	free(s->name);
	free(s->blk);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

static struct pm_source *new_source(struct physmem *pm, const char *name)
{
	struct pm_source *s = &pm->src[pm->nsrc];

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->name = strdup(name);
	return s->name ? s : NULL;
}

/* Keep a set-up source, or drop it after a failure. */
static int commit_source(struct physmem *pm, struct pm_source *s, int ret,
			 struct gk_err *why)
{
	if (ret == 0) {
		pm->nsrc++;
		return 0;
	}
	source_close(s);
	if (ret == -GK_ERR_NOMEM)
		return ret;
	note_missing(pm, why->msg);
	return 0;
}

/* Set up one snapshot source from its open file. */
static int snapshot_source(const struct sysroot *sr, struct pm_source *s,
			   bool kcore, struct gk_err *e)
{
	struct stat st;
	int ret;

	if (fstat(s->fd, &st) < 0)
		return gk_fail(e, gk_errno(errno), "%s: %s", s->name,
			       strerror(errno));
	if (S_ISDIR(st.st_mode) && !kcore)
		return pm_memdir_open(s, e);
	/* a device node in a snapshot would read the host's memory */
	if (!S_ISREG(st.st_mode))
		return gk_fail(e, -GK_ERR_FORMAT, "%s: not a regular file",
			       s->name);
	if (!kcore)
		return pm_image_open(sr, s, e);
	ret = pm_elf_open(s, e);
	if (ret == 0)
		return gk_fail(e, -GK_ERR_FORMAT, "%s: not an ELF core file",
			       s->name);
	return ret < 0 ? ret : 0;
}

/* A snapshot's memory files; each is optional, a broken one is fatal. */
static int open_snapshot(struct physmem *pm, const struct sysroot *sr,
			 unsigned int flags, struct gk_err *e)
{
	static const char *const paths[] = { "/dev/mem.d", "/dev/mem",
					     "/proc/kcore" };
	char name[PATH_MAX];

	for (size_t i = 0; i < GK_ARRAY_SIZE(paths); i++) {
		bool kcore = i == 2;
		struct pm_source *s;
		int fd, ret;

		if (kcore && (flags & PHYSMEM_NO_KCORE))
			continue;
		fd = sysroot_open(sr, paths[i], O_RDONLY, NULL);
		if (fd == -GK_ERR_FORMAT) /* a FIFO, a device: not absent */
			return gk_fail(e, fd, "%s: not a regular file",
				       sysroot_name(sr, paths[i], name,
						    sizeof(name)));
		if (fd == -GK_ERR_NOMEM) /* not absent: unknown */
			return gk_fail(e, fd, "out of memory");
		if (fd < 0)
			continue; /* absent: as on a system without it */
		s = new_source(pm,
			       sysroot_name(sr, paths[i], name, sizeof(name)));
		if (!s) {
			close(fd);
			return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		}
		s->fd = fd;
		ret = snapshot_source(sr, s, kcore, e);
		if (ret < 0) {
			source_close(s);
			return ret;
		}
		pm->nsrc++;
	}
	return 0;
}

static void open_live(struct physmem *pm, const struct sysroot *sr,
		      unsigned int flags)
{
	struct pm_source *s;
	struct gk_err why;
	int fd;

	if (!(flags & PHYSMEM_NO_DEVMEM) && (s = new_source(pm, "/dev/mem")))
		commit_source(pm, s, pm_devmem_open(sr, s, &why), &why);
	if (flags & PHYSMEM_NO_KCORE)
		return;
	fd = sysroot_open(sr, "/proc/kcore", O_RDONLY, &why);
	if (fd < 0) {
		note_missing(pm, why.msg);
		return;
	}
	s = new_source(pm, "/proc/kcore");
	if (!s) {
		close(fd);
		return;
	}
	s->fd = fd;
	fd = pm_elf_open(s, &why);
	if (fd == 0)
		gk_fail(&why, -GK_ERR_FORMAT, "/proc/kcore: not an ELF file");
	commit_source(pm, s, fd > 0 ? 0 : -GK_ERR_FORMAT, &why);
}

/* "START-END CODE REASON" per line: refusals the live run met. */
static int load_refusals(struct physmem *pm, const struct sysroot *sr,
			 struct gk_err *e)
{
	char name[PATH_MAX], *text, *line, *save = NULL;
	unsigned int lineno = 0;
	size_t len;
	int ret;

	ret = sysroot_read_file(sr, "/dev/mem.refused", 4u << 20, &text, &len,
				e);
	if (ret == -GK_ERR_NOENT)
		return 0;
	if (ret < 0)
		return ret;
	sysroot_name(sr, "/dev/mem.refused", name, sizeof(name));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long start, end;
		int code, off = 0;
		struct pm_refusal *r;

		lineno++;
		if (sscanf(line, "%llx-%llx %d %n", &start, &end, &code,
			   &off) != 3 ||
		    !off || start > end || code <= 0 || code >= GK_ERR_MAX_) {
			free(text);
			return gk_fail(e, -GK_ERR_FORMAT,
				       "%s:%u: not START-END CODE REASON", name,
				       lineno);
		}
		r = realloc(pm->refused, (pm->nrefused + 1) * sizeof(*r));
		if (!r || !(line = strdup(line + off))) {
			if (r)
				pm->refused = r;
			free(text);
			return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		}
		pm->refused = r;
		pm->refused[pm->nrefused++] = (struct pm_refusal){
			.r = { start, end }, .code = -code, .why = line
		};
	}
	free(text);
	return 0;
}

int physmem_open(const struct sysroot *sr, unsigned int flags,
		 struct physmem **out, struct gk_err *e)
{
	struct physmem *pm;
	int ret = 0;

	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	if (sysroot_is_live(sr))
		open_live(pm, sr, flags);
	else
		ret = open_snapshot(pm, sr, flags, e);
	if (ret == 0 && !sysroot_is_live(sr))
		ret = load_refusals(pm, sr, e);
	if (ret < 0) {
		physmem_close(pm);
		return ret;
	}
	*out = pm;
	return 0;
}

int physmem_add_file(struct physmem *pm, const char *path, struct gk_err *e)
{
	struct pm_source *s;
	struct stat st;
	int fd, ret;

	if (pm->nsrc == PM_MAX_SOURCES)
		return gk_fail(e, -GK_ERR_TOOBIG, "%s: too many memory sources",
			       path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gk_fail(e, gk_errno(errno), "%s: %s", path,
			       strerror(errno));
	s = new_source(pm, path);
	if (!s) {
		close(fd);
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	}
	s->fd = fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		source_close(s);
		return gk_fail(e, -GK_ERR_FORMAT, "%s: not a regular file",
			       path);
	}
	ret = pm_elf_open(s, e);
	if (ret == 0)
		ret = pm_image_open(NULL, s, e);
	if (ret < 0) {
		source_close(s);
		return ret;
	}
	pm->nsrc++;
	return 0;
}

int physmem_add_devmem(struct physmem *pm, const char *path, struct gk_err *e)
{
	struct pm_source *s;
	int ret;

	if (pm->nsrc == PM_MAX_SOURCES)
		return gk_fail(e, -GK_ERR_TOOBIG, "%s: too many memory sources",
			       path);
	s = new_source(pm, path);
	if (!s)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	ret = pm_devmem_file(s, e);
	if (ret < 0) {
		source_close(s);
		return ret;
	}
	pm->nsrc++;
	return 0;
}

int physmem_devmem_fd(const struct physmem *pm)
{
	for (size_t i = 0; i < pm->nsrc; i++)
		if (pm->src[i].ops == &pm_devmem_ops)
			return pm->src[i].fd;
	return -1;
}

void physmem_close(struct physmem *pm)
{
	if (!pm)
		return;
	for (size_t i = 0; i < pm->nrefused; i++)
		free(pm->refused[i].why);
	free(pm->refused);
	free(pm->rec);
	for (size_t i = 0; i < pm->nsrc; i++)
		source_close(&pm->src[i]);
	free(pm);
}

/* Keep the list short: merge when full (reads repeat and touch). */
static void record(struct physmem *pm, uint64_t pa, size_t len)
{
	if (!pm->recording || !len)
		return;
	if (pm->nrec == pm->caprec)
		pm->nrec = gk_ranges_merge(pm->rec, pm->nrec);
	if (pm->nrec == pm->caprec) {
		size_t cap = pm->caprec ? pm->caprec * 2 : 64;
		struct gk_range *r = realloc(pm->rec, cap * sizeof(*r));

		if (!r) {
			pm->recording = false;
			pm->rec_lost = true;
			return;
		}
		pm->rec = r;
		pm->caprec = cap;
	}
	pm->rec[pm->nrec].start = pa;
	pm->rec[pm->nrec].end = pa + len - 1;
	pm->nrec++;
}

/* Compose the one-line reason of a read that no source could serve. */
/* A refusal a snapshot recorded at @pa, to replay it word for word. */
static const struct pm_refusal *replayed(const struct physmem *pm, uint64_t pa)
{
	for (size_t i = 0; i < pm->nrefused; i++)
		if (pa >= pm->refused[i].r.start && pa <= pm->refused[i].r.end)
			return &pm->refused[i];
	return NULL;
}

static void record_refusal(struct physmem *pm, uint64_t pa, size_t len,
			   int code, const char *why)
{
	struct pm_refusal *r;

	if (!pm->recording || !len || replayed(pm, pa))
		return;
	r = realloc(pm->refused, (pm->nrefused + 1) * sizeof(*r));
	if (!r || !(why = strdup(why))) {
		if (r)
			pm->refused = r;
		pm->rec_lost = true;
		return;
	}
	pm->refused = r;
	r += pm->nrefused++;
	r->r.start = pa;
	r->r.end = pa + len - 1;
	r->code = code;
	r->why = (char *)why;
}

static int read_failed(struct physmem *pm, uint64_t pa, size_t len, int code,
		       const char *why, struct gk_err *e)
{
	const struct pm_refusal *old = replayed(pm, pa);
	char reason[2 * GK_ERR_MSG_MAX + 4];

	if (old) {
		snprintf(reason, sizeof(reason), "%s", old->why);
		code = old->code;
	} else if (!pm->nsrc && !*pm->missing) {
		snprintf(reason, sizeof(reason), "no physical memory source");
		code = -GK_ERR_UNMAPPED;
	} else {
		snprintf(reason, sizeof(reason), "%s%s%s", why,
			 *why && *pm->missing ? "; " : "", pm->missing);
		code = code ? code : -GK_ERR_UNMAPPED;
	}
	record_refusal(pm, pa, len, code, reason);
	return gk_fail(e, code, "cannot read %zu bytes at 0x%llx: %s", len,
		       (unsigned long long)pa, reason);
}

/* Read what the first willing source has at @pa; returns bytes or error. */
static ssize_t read_some(struct physmem *pm, uint64_t pa, void *buf, size_t len,
			 char *why, size_t whysize, int *code)
{
	size_t used = 0;

	why[0] = '\0';
	*code = 0;
	for (size_t i = 0; i < pm->nsrc; i++) {
		struct gk_err err = { 0 };
		ssize_t n =
			pm->src[i].ops->read(&pm->src[i], pa, buf, len, &err);

		if (n > 0) {
			pm->last = i;
			return n;
		}
		if (!*code)
			*code = (int)n;
		used += (size_t)snprintf(why + used, whysize - used, "%s%s",
					 used ? "; " : "", err.msg);
		if (used >= whysize)
			used = whysize - 1;
	}
	return -1;
}

int physmem_read(struct physmem *pm, uint64_t pa, void *buf, size_t len,
		 struct gk_err *e)
{
	char why[GK_ERR_MSG_MAX];
	uint8_t *p = buf;
	int code;

	if (len > PHYSMEM_MAX_READ || pa + len < pa)
		return gk_fail(e, -GK_ERR_INVAL,
			       "bad read of %zu bytes at 0x%llx", len,
			       (unsigned long long)pa);
	while (len) {
		ssize_t n = read_some(pm, pa, p, len, why, sizeof(why), &code);

		if (n <= 0)
			return read_failed(pm, pa, len, code, why, e);
		record(pm, pa, (size_t)n);
		pa += (uint64_t)n;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int physmem_read_reg(struct physmem *pm, uint64_t pa, unsigned int width,
		     uint64_t *val, struct gk_err *e)
{
	char why[GK_ERR_MSG_MAX];
	uint8_t b[8];
	size_t used = 0;
	int code = 0;

	if ((width != 4 && width != 8) || (pa & (width - 1)))
		return gk_fail(e, -GK_ERR_INVAL,
			       "0x%llx: bad %u-byte register access",
			       (unsigned long long)pa, width);
	why[0] = '\0';
	for (size_t i = 0; i < pm->nsrc; i++) {
		struct pm_source *s = &pm->src[i];
		struct gk_err err = { 0 };
		ssize_t n;

		if (s->ops->read_reg) {
			n = s->ops->read_reg(s, pa, width, val, &err);
			if (!n) {
				record(pm, pa, width);
				return 0;
			}
		} else {
			n = s->ops->read(s, pa, b, width, &err);
			if (n == (ssize_t)width) {
				*val = width == 4 ? gk_le32(b) : gk_le64(b);
				record(pm, pa, width);
				return 0;
			}
			if (n > 0)
				gk_fail(&err, -GK_ERR_UNMAPPED,
					"%s: register 0x%llx only partly held",
					s->name, (unsigned long long)pa);
		}
		if (!code)
			code = n > 0 ? -GK_ERR_UNMAPPED : (int)n;
		used += (size_t)snprintf(why + used, sizeof(why) - used, "%s%s",
					 used ? "; " : "", err.msg);
		if (used >= sizeof(why))
			used = sizeof(why) - 1;
	}
	return read_failed(pm, pa, width, code, why, e);
}

int physmem_record(struct physmem *pm, bool on)
{
	pm->recording = on;
	if (on) {
		pm->nrec = 0;
		pm->rec_lost = false;
	}
	return 0;
}

const struct gk_range *physmem_recorded(struct physmem *pm, size_t *n)
{
	if (pm->rec_lost) {
		*n = 0;
		return NULL;
	}
	pm->nrec = gk_ranges_merge(pm->rec, pm->nrec);
	*n = pm->nrec;
	return pm->rec;
}

const struct pm_refusal *physmem_refused(const struct physmem *pm, size_t *n)
{
	*n = pm->nrefused;
	return pm->refused;
}

const char *physmem_name(const struct physmem *pm)
{
	return pm->nsrc ? pm->src[pm->last].name : "/dev/mem";
}

const char *physmem_sources(const struct physmem *pm, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < pm->nsrc && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s:%s",
					 i ? " " : "", pm->src[i].ops->kind,
					 pm->src[i].name);
	return buf;
}
