// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for lib/iomem.
 *
 * Built with -DGK_LIBFUZZER and clang -fsanitize=fuzzer, it is a libFuzzer
 * target. Built without, it is a TAP program that replays the files named
 * on its command line (or every file of a directory named there) through
 * the same checks, so that make check runs the saved corpus with any
 * compiler.
 *
 * Besides not crashing, the parser must keep its promises: a failure comes
 * with a one-line message and no tree, and a tree it accepts is well formed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iomem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool check_failure(int ret, const struct iomem *io,
			  const struct gk_err *e)
{
	return ret < 0 && ret > -GK_ERR_MAX_ && !io && e->code == ret &&
	       e->msg[0] && !strchr(e->msg, '\n');
}

/* What the kernel guarantees and the parser checks, node by node. */
static bool check_node(const struct iomem_res *r)
{
	const struct iomem_res *up = r->parent, *next = r->next;

	if (!r->name || r->start > r->end)
		return false;
	if (!up && r->depth)
		return false;
	if (up && (r->depth != up->depth + 1 || r->start < up->start ||
		   r->end > up->end))
		return false;
	if (r->child && r->child->parent != r)
		return false;
	if (next && next->parent != up)
		return false;
	/* siblings are sorted unless the view is zeroed */
	return !next || next->start > r->end ||
	       (!r->start && !r->end && !next->start && !next->end);
}

/*
 * The resource after @r in file order. No recursion: the tree can be a
 * million levels deep.
 */
static const struct iomem_res *walk_next(const struct iomem_res *r)
{
	if (r->child)
		return r->child;
	while (r && !r->next)
		r = r->parent;
	return r ? r->next : NULL;
}

static bool check_tree(const struct iomem *io)
{
	size_t n = 0;

	for (const struct iomem_res *r = iomem_root(io); r; r = walk_next(r)) {
		if (!check_node(r))
			return false;
		n++;
	}
	return n == iomem_count(io);
}

/*
 * Top-level System RAM is in RAM, unless the addresses are hidden; nothing
 * is in RAM when there is none.
 */
static bool check_ram(const struct iomem *io)
{
	bool any = false;

	for (const struct iomem_res *r = iomem_root(io); r; r = r->next) {
		uint64_t len = r->end - r->start + 1;

		if (strcmp(r->name, "System RAM"))
			continue;
		any = true;
		if (len && iomem_in_ram(io, r->start, len) == iomem_zeroed(io))
			return false;
	}
	return any || !iomem_in_ram(io, 0, 1);
}

/* iomem_find() returns every resource of that name, in address order. */
static bool check_find(const struct iomem *io, const char *name)
{
	const struct iomem_res *r = iomem_root(io);
	struct gk_range *found;
	size_t n, k = 0;
	bool ok = true;

	if (iomem_find(io, name, &found, &n))
		return true;	/* out of memory is no bug */
	for (; r && ok; r = walk_next(r)) {
		if (strcmp(r->name, name))
			continue;
		ok = k < n && found[k].start == r->start &&
		     found[k].end == r->end;
		k++;
	}
	for (size_t i = 1; i < n && ok; i++)
		ok = found[i].start >= found[i - 1].start;
	free(found);
	return ok && k == n;
}

static bool fuzz_one(const uint8_t *data, size_t size)
{
	struct gk_err e = { 0 };
	struct iomem *io = NULL;
	bool ok;
	int ret;

	ret = iomem_parse((const char *)data, size, "fuzz", &io, &e);
	if (ret)
		return check_failure(ret, io, &e);
	ok = check_tree(io) && check_ram(io) && check_find(io, "reserved");
	iomem_free(io);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fuzz_one(data, size))
		__builtin_trap();
	return 0;
}

#ifndef GK_LIBFUZZER

/* Bound for a replayed input, as for the largest log we read. */
#define REPLAY_MAX (64u << 20)

struct paths {
	char **v;
	size_t n;
	size_t cap;
};

static int paths_add(struct paths *p, const char *dir, const char *name)
{
	size_t len = strlen(name) + (dir ? strlen(dir) + 1 : 0) + 1;
	char *s;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		char **v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	s = malloc(len);
	if (!s)
		return -1;
	if (dir)
		snprintf(s, len, "%s/%s", dir, name);
	else
		snprintf(s, len, "%s", name);
	p->v[p->n++] = s;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of @dir, sorted so that the TAP numbers stay put. */
static int paths_add_dir(struct paths *p, const char *dir)
{
	size_t first = p->n;
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return -1;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		if (paths_add(p, dir, d->d_name)) {
			closedir(dp);
			return -1;
		}
	}
	closedir(dp);
	qsort(p->v + first, p->n - first, sizeof(*p->v), cmp_str);
	return 0;
}

static int read_input(const char *path, uint8_t **buf, size_t *len)
{
	size_t n = 0, cap = 4096;
	uint8_t *p = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !p)
		goto fail;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			uint8_t *np = NULL;

			if (cap < REPLAY_MAX)
				np = realloc(p, cap * 2);
			if (!np)
				goto fail;
			p = np;
			cap *= 2;
		}
		r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	*buf = p;
	*len = n;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(p);
	return -1;
}

int main(int argc, char **argv)
{
	struct paths p = { 0 };
	int status = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		int ret;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			ret = paths_add_dir(&p, argv[i]);
		else
			ret = paths_add(&p, NULL, argv[i]);
		if (ret) {
			fprintf(stderr, "%s: cannot list %s\n", argv[0],
				argv[i]);
			status = 1;
		}
	}
	printf("1..%zu\n", p.n);
	for (size_t i = 0; i < p.n; i++) {
		uint8_t *buf;
		size_t len;

		if (read_input(p.v[i], &buf, &len)) {
			printf("not ok %zu - %s # cannot read\n", i + 1,
			       p.v[i]);
			status = 1;
		} else if (!fuzz_one(buf, len)) {
			printf("not ok %zu - %s\n", i + 1, p.v[i]);
			status = 1;
			free(buf);
		} else {
			printf("ok %zu - %s\n", i + 1, p.v[i]);
			free(buf);
		}
		free(p.v[i]);
	}
	free(p.v);
	return status;
}

#endif
