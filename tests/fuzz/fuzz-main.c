// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Driver of every fuzz target. With -DGK_LIBFUZZER it is the libFuzzer
 * entry point; otherwise a program that replays the files named on its
 * command line (every file of a directory named there), printing TAP, so
 * that make check runs the saved corpus with any compiler.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!gk_fuzz_one(data, size))
		abort(); /* a broken promise is a crash to libFuzzer */
	return 0;
}

#ifndef GK_LIBFUZZER
#define FUZZ_MAX_INPUT (16u << 20)

static int read_input(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	size_t n;

	if (!f)
		return -1;
	p = malloc(FUZZ_MAX_INPUT);
	n = p ? fread(p, 1, FUZZ_MAX_INPUT, f) : 0;
	if (!p || ferror(f)) {
		free(p);
		fclose(f);
		return -1;
	}
	fclose(f);
	*buf = p;
	*len = n;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The inputs: files as named, directories expanded in sorted order. */
static size_t collect(int argc, char **argv, char ***out)
{
	char **list = NULL;
	size_t n = 0;

	for (int i = 1; i < argc; i++) {
		struct dirent *de;
		struct stat st;
		size_t first = n;
		DIR *dir;

		if (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
			list = realloc(list, (n + 1) * sizeof(*list));
			list[n++] = strdup(argv[i]);
			continue;
		}
		dir = opendir(argv[i]);
		while (dir && (de = readdir(dir))) {
			if (de->d_name[0] == '.')
				continue;
			list = realloc(list, (n + 1) * sizeof(*list));
			if (asprintf(&list[n], "%s/%s", argv[i], de->d_name) <
			    0)
				list[n] = NULL;
			n++;
		}
		if (dir)
			closedir(dir);
		if (n - first > 1)
			qsort(list + first, n - first, sizeof(*list), cmp_name);
	}
	*out = list;
	return n;
}

int main(int argc, char **argv)
{
	char **inputs;
	size_t n = collect(argc, argv, &inputs);
	int failed = 0;

	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		uint8_t *buf = NULL;
		size_t len = 0;
		bool ok = inputs[i] && read_input(inputs[i], &buf, &len) == 0 &&
			  gk_fuzz_one(buf, len);

		printf("%s %zu - %s\n", ok ? "ok" : "not ok", i + 1,
		       inputs[i] ? inputs[i] : "?");
		failed += !ok;
		free(buf);
		free(inputs[i]);
	}
	free(inputs);
	return failed ? 1 : 0;
}
#endif
