// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sysroot.h"
#include "testutil.h"

struct fixture {
	char *outside; /* holds the secret the snapshot must not reach */
	char *root;
	unsigned int flags;
};

static int setup(void **state, unsigned int flags)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char secret[4200];

	assert_non_null(f);
	f->outside = tu_mkdtemp();
	assert_non_null(f->outside);
	assert_int_equal(tu_write(f->outside, "secret", "host secret\n"), 0);
	assert_int_equal(tu_write(f->outside, "root/proc/iomem", "inside\n"),
			 0);
	assert_int_equal(asprintf(&f->root, "%s/root/", f->outside) > 0, 1);
	snprintf(secret, sizeof(secret), "%s/secret", f->outside);
	/* every way out a hostile snapshot could try */
	assert_int_equal(tu_symlink(f->root, "abs", secret), 0);
	assert_int_equal(tu_symlink(f->root, "rel", "../secret"), 0);
	assert_int_equal(tu_symlink(f->root, "sys/deep", "../../../../secret"),
			 0);
	assert_int_equal(tu_symlink(f->root, "dirlink", ".."), 0);
	assert_int_equal(tu_symlink(f->root, "good", "/proc/iomem"), 0);
	assert_int_equal(tu_symlink(f->root, "loop1", "loop2"), 0);
	assert_int_equal(tu_symlink(f->root, "loop2", "loop1"), 0);
	f->flags = flags;
	*state = f;
	return 0;
}

static int setup_openat2(void **state)
{
	return setup(state, 0);
}

static int setup_manual(void **state)
{
	return setup(state, SYSROOT_NO_OPENAT2);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->root);
	tu_rmtree(f->outside);
	free(f);
	return 0;
}

static char *read_in(struct fixture *f, const char *path, int *ret)
{
	struct sysroot *sr;
	struct gk_err e;
	size_t len;
	char *buf = NULL;

	assert_int_equal(sysroot_new(f->root, f->flags, &sr, &e), 0);
	*ret = sysroot_read_file(sr, path, 1 << 20, &buf, &len, &e);
	sysroot_free(sr);
	return *ret ? NULL : buf;
}

static void test_reads_inside(void **state)
{
	int ret;
	char *buf = read_in(*state, "/proc/iomem", &ret);

	assert_int_equal(ret, 0);
	assert_string_equal(buf, "inside\n");
	free(buf);
	buf = read_in(*state, "/good", &ret); /* absolute link, in root */
	assert_int_equal(ret, 0);
	assert_string_equal(buf, "inside\n");
	free(buf);
	buf = read_in(*state, "/../../proc/./iomem", &ret);
	assert_int_equal(ret, 0);
	assert_string_equal(buf, "inside\n");
	free(buf);
}

static void test_never_escapes(void **state)
{
	static const char *const ways[] = {
		"/abs",
		"/rel",
		"/sys/deep",
		"/dirlink/secret",
		"/../secret",
		"/proc/../../secret",
		"/dirlink/dirlink/secret",
	};
	int ret;

	for (size_t i = 0; i < GK_ARRAY_SIZE(ways); i++) {
		char *buf = read_in(*state, ways[i], &ret);

		/* each resolves inside the root, where there is no secret */
		assert_null(buf);
		assert_int_equal(ret, -GK_ERR_NOENT);
	}
}

static void test_loop(void **state)
{
	int ret;

	assert_null(read_in(*state, "/loop1", &ret));
	assert_int_equal(ret, -GK_ERR_ESCAPE); /* ELOOP */
}

static void test_messages(void **state)
{
	struct fixture *f = *state;
	struct sysroot *sr;
	struct gk_err e;
	char want[4300];

	assert_int_equal(sysroot_new(f->root, f->flags, &sr, &e), 0);
	assert_false(sysroot_is_live(sr));
	assert_int_equal(sysroot_open(sr, "/proc/cmdline", O_RDONLY, &e),
			 -GK_ERR_NOENT);
	/* the trailing slash of the root is not doubled */
	snprintf(want, sizeof(want),
		 "%sproc/cmdline: No such file or directory", f->root);
	assert_string_equal(e.msg, want);
	assert_int_equal(sysroot_open(sr, "relative", O_RDONLY, &e),
			 -GK_ERR_INVAL);
	assert_int_equal(sysroot_open(sr, "/proc/iomem", O_RDONLY | O_CREAT,
				      &e),
			 -GK_ERR_INVAL);
	sysroot_free(sr);
}

static void test_too_big(void **state)
{
	struct fixture *f = *state;
	struct sysroot *sr;
	struct gk_err e;
	size_t len;
	char *buf;

	assert_int_equal(sysroot_new(f->root, f->flags, &sr, &e), 0);
	assert_int_equal(sysroot_read_file(sr, "/proc/iomem", 3, &buf, &len,
					   &e),
			 -GK_ERR_TOOBIG);
	assert_non_null(strstr(e.msg, "larger than 3 bytes"));
	sysroot_free(sr);
}

static void test_bad_root(void **state)
{
	struct fixture *f = *state;
	struct sysroot *sr;
	struct gk_err e;
	char path[4300];

	/* a plain file is taken for an archive, and is not one */
	snprintf(path, sizeof(path), "%s/secret", f->outside);
	assert_int_equal(sysroot_new(path, 0, &sr, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "not a directory or a readable archive"));
	assert_int_equal(sysroot_new("/nonexistent/snap", 0, &sr, &e),
			 -GK_ERR_NOENT);
}

static void test_live(void **state)
{
	struct sysroot *sr;
	struct gk_err e;
	size_t len;
	char *buf;

	(void)state;
	assert_int_equal(sysroot_new(NULL, 0, &sr, &e), 0);
	assert_true(sysroot_is_live(sr));
	assert_int_equal(sysroot_read_file(sr, "/proc/self/stat", 1 << 16, &buf,
					   &len, &e),
			 0);
	assert_true(len > 0); /* procfs reports st_size 0 */
	free(buf);
	sysroot_free(sr);
}

#define BOTH(t)                                                      \
	cmocka_unit_test_setup_teardown(t, setup_openat2, teardown), \
		cmocka_unit_test_setup_teardown(t, setup_manual, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_reads_inside),
		BOTH(test_never_escapes),
		BOTH(test_loop),
		BOTH(test_messages),
		BOTH(test_too_big),
		BOTH(test_bad_root),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
