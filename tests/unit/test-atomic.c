// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/atomic: a file is replaced whole or not at all. Each
 * failure (the writer's, the stream's, the rename's, the directory's)
 * leaves the old file as it was, no temporary file and no descriptor open.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "atomic.h"
#include "testutil.h"

struct job {
	const char *text; /* written first */
	size_t repeat;	  /* that many times */
	int ret;	  /* then returned */
	bool say;	  /* with a reason in @e */
};

static int fill(FILE *out, void *arg, struct gk_err *e)
{
	const struct job *j = arg;

	for (size_t i = 0; i < j->repeat; i++)
		fputs(j->text, out);
	if (j->ret && j->say)
		return gk_fail(e, j->ret, "the writer's own reason");
	return j->ret;
}

struct fixture {
	char *dir;
	char path[4096];
	int fds;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx || !(fx->dir = tu_mkdtemp()))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/metrics.prom", fx->dir);
	if (tu_write(fx->dir, "metrics.prom", "old\n") < 0)
		return -1;
	fx->fds = tu_open_fds();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tu_rmtree(fx->dir);
	free(fx);
	return 0;
}

/* what a failure must leave: the old file alone, as it was */
static void assert_untouched(const struct fixture *fx)
{
	char names[1024], *text = tu_slurp(fx->dir, "metrics.prom", NULL);

	assert_string_equal(tu_listing(fx->dir, names, sizeof(names)),
			    "metrics.prom");
	assert_non_null(text);
	assert_string_equal(text, "old\n");
	free(text);
	assert_int_equal(tu_open_fds(), fx->fds);
}

static void test_replaces(void **state)
{
	struct fixture *fx = *state;
	struct job j = { .text = "gicdiag_verdict 0\n", .repeat = 2 };
	char names[1024], *text;
	struct gk_err e = { 0 };
	struct stat st;
	mode_t old = umask(022);

	assert_int_equal(gk_atomic_write(fx->path, 0640, fill, &j, &e), 0);
	umask(old);
	text = tu_slurp(fx->dir, "metrics.prom", NULL);
	assert_string_equal(text, "gicdiag_verdict 0\ngicdiag_verdict 0\n");
	free(text);
	assert_string_equal(tu_listing(fx->dir, names, sizeof(names)),
			    "metrics.prom");
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(tu_open_fds(), fx->fds);
}

static void test_creates(void **state)
{
	struct fixture *fx = *state;
	struct job j = { .text = "new\n", .repeat = 1 };
	char path[4200], *text;

	snprintf(path, sizeof(path), "%s/boot.json", fx->dir);
	assert_int_equal(gk_atomic_write(path, 0644, fill, &j, NULL), 0);
	text = tu_slurp(fx->dir, "boot.json", NULL);
	assert_string_equal(text, "new\n");
	free(text);
}

/* the writer fails half-way, with its reason: that is what is said */
static void test_writer_fails(void **state)
{
	struct fixture *fx = *state;
	struct job j = { .text = "half\n",
			 .repeat = 1,
			 .ret = -GK_ERR_FORMAT,
			 .say = true };
	struct gk_err e = { 0 };

	assert_int_equal(gk_atomic_write(fx->path, 0644, fill, &j, &e),
			 -GK_ERR_FORMAT);
	assert_int_equal(e.code, -GK_ERR_FORMAT);
	assert_string_equal(e.msg, "the writer's own reason");
	assert_untouched(fx);
}

/* ... without a reason: the file and the code are named */
static void test_writer_fails_silently(void **state)
{
	struct fixture *fx = *state;
	struct job j = { .text = "half\n", .repeat = 1, .ret = -GK_ERR_INVAL };
	struct gk_err e = { 0 };

	assert_int_equal(gk_atomic_write(fx->path, 0644, fill, &j, &e),
			 -GK_ERR_INVAL);
	assert_non_null(strstr(e.msg, fx->path));
	assert_non_null(strstr(e.msg, "invalid argument"));
	assert_untouched(fx);
}

/* the stream fails while the writer writes (a full disk) */
static void test_stream_fails_in_writer(void **state)
{
	struct fixture *fx = *state;
	struct job j = { .text = "gicdiag_findings 1\n", .repeat = 10000 };
	struct gk_err e = { 0 };
	struct rlimit old;
	int ret;

	tu_limit_fsize(64, &old);
	ret = gk_atomic_write(fx->path, 0644, fill, &j, &e);
	tu_unlimit_fsize(&old);
	assert_int_equal(ret, -GK_ERR_IO);
	assert_non_null(strstr(e.msg, "write failed"));
	assert_untouched(fx);
}

/* ... or only when the last of it is flushed */
static void test_stream_fails_at_flush(void **state)
{
	struct fixture *fx = *state;
	struct job j = { .text = "gicdiag_findings 1\n", .repeat = 8 };
	struct gk_err e = { 0 };
	struct rlimit old;
	int ret;

	tu_limit_fsize(64, &old);
	ret = gk_atomic_write(fx->path, 0644, fill, &j, &e);
	tu_unlimit_fsize(&old);
	assert_true(ret < 0);
	assert_non_null(strstr(e.msg, strerror(EFBIG)));
	assert_untouched(fx);
}

/* a directory where the file goes: the rename fails, the temp goes */
static void test_rename_fails(void **state)
{
	struct fixture *fx = *state;
	struct job j = { .text = "new\n", .repeat = 1 };
	char path[4200], names[1024];
	struct gk_err e = { 0 };

	snprintf(path, sizeof(path), "%s/sub", fx->dir);
	assert_int_equal(tu_write(fx->dir, "sub/keep", "x"), 0);
	assert_true(gk_atomic_write(path, 0644, fill, &j, &e) < 0);
	assert_non_null(strstr(e.msg, path));
	assert_string_equal(tu_listing(fx->dir, names, sizeof(names)),
			    "metrics.prom sub");
	assert_string_equal(tu_listing(path, names, sizeof(names)), "keep");
	assert_int_equal(tu_open_fds(), fx->fds);
}

static void test_no_directory(void **state)
{
	struct fixture *fx = *state;
	struct job j = { .text = "new\n", .repeat = 1 };
	char path[4200];
	struct gk_err e = { 0 };

	snprintf(path, sizeof(path), "%s/none/metrics.prom", fx->dir);
	assert_int_equal(gk_atomic_write(path, 0644, fill, &j, &e),
			 -GK_ERR_NOENT);
	/* the operator's name, never our temporary one */
	assert_non_null(strstr(e.msg, "/none/metrics.prom: "));
	assert_null(strstr(e.msg, ".tmp."));
	assert_untouched(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_creates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_writer_fails_silently,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_fails_in_writer,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_fails_at_flush,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_directory, setup,
						teardown),
	};

	signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
