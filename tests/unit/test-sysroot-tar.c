// SPDX-License-Identifier: GPL-2.0-or-later
/* Snapshots as archives: unpacked privately, hostile entries refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>

#include "sysroot.h"
#include "testutil.h"

struct ent {
	const char *path;
	mode_t type;
	const char *data; /* file data, or link target */
};

static void make_archive(const char *path, const struct ent *ents, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();

	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		archive_entry_clear(e);
		archive_entry_set_pathname(e, ents[i].path);
		archive_entry_set_filetype(e, ents[i].type);
		archive_entry_set_perm(e, 0644);
		if (ents[i].type == AE_IFLNK)
			archive_entry_set_symlink(e, ents[i].data);
		if (ents[i].type == AE_IFREG)
			archive_entry_set_size(
				e, (la_int64_t)strlen(ents[i].data));
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (ents[i].type == AE_IFREG)
			archive_write_data(a, ents[i].data,
					   strlen(ents[i].data));
	}
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
}

static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n == 0;
}

static void test_good(void **state)
{
	const struct ent ents[] = {
		{ "bundle/", AE_IFDIR, NULL },
		{ "bundle/proc/iomem", AE_IFREG,
		  "40000000-7fffffff : System RAM\n" },
		{ "bundle/proc/link", AE_IFLNK, "/proc/iomem" },
	};
	char *dir = tu_mkdtemp(), *tmp = tu_mkdtemp(), arch[4200], want[4300];
	struct sysroot *sr;
	struct gk_err e;
	size_t len;
	char *buf;

	(void)state;
	setenv("TMPDIR", tmp, 1);
	snprintf(arch, sizeof(arch), "%s/snap.tar.gz", dir);
	make_archive(arch, ents, GK_ARRAY_SIZE(ents));
	assert_int_equal(sysroot_new(arch, 0, &sr, &e), 0);
	/* the single top directory is the root; links stay inside it */
	assert_int_equal(
		sysroot_read_file(sr, "/proc/link", 4096, &buf, &len, &e), 0);
	assert_string_equal(buf, "40000000-7fffffff : System RAM\n");
	free(buf);
	assert_int_equal(sysroot_open(sr, "/proc/none", O_RDONLY, &e),
			 -GK_ERR_NOENT);
	snprintf(want, sizeof(want), "%s:/proc/none: No such file or directory",
		 arch);
	assert_string_equal(e.msg, want);
	assert_false(dir_empty(tmp));
	sysroot_free(sr);
	assert_true(dir_empty(tmp)); /* the unpacked copy is gone */
	unsetenv("TMPDIR");
	tu_rmtree(dir);
	tu_rmtree(tmp);
}

static void expect_refused(const struct ent *ents, size_t n, const char *msg)
{
	char *dir = tu_mkdtemp(), *tmp = tu_mkdtemp(), arch[4200];
	struct sysroot *sr;
	struct gk_err e;

	setenv("TMPDIR", tmp, 1);
	snprintf(arch, sizeof(arch), "%s/bad.tar.gz", dir);
	make_archive(arch, ents, n);
	assert_int_equal(sysroot_new(arch, 0, &sr, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, msg));
	assert_true(dir_empty(tmp)); /* nothing half unpacked stays */
	unsetenv("TMPDIR");
	tu_rmtree(dir);
	tu_rmtree(tmp);
}

static void test_hostile(void **state)
{
	const struct ent dotdot[] = {
		{ "proc/iomem", AE_IFREG, "x" },
		{ "proc/../../escape", AE_IFREG, "x" },
	};
	const struct ent absolute[] = { { "/etc/escape", AE_IFREG, "x" } };
	const struct ent device[] = { { "dev/mem", AE_IFCHR, NULL } };
	const struct ent fifo[] = { { "dev/kmsg", AE_IFIFO, NULL } };
	/* a link first, then a file written "through" it */
	const struct ent through[] = {
		{ "proc", AE_IFLNK, "/tmp" },
		{ "proc/iomem", AE_IFREG, "x" },
	};

	(void)state;
	expect_refused(dotdot, 2, "proc/../../escape: path leaves the archive");
	expect_refused(absolute, 1, "/etc/escape: absolute path");
	expect_refused(device, 1,
		       "dev/mem: not a directory, regular file or symlink");
	expect_refused(fifo, 1, "dev/kmsg: not a directory");
	expect_refused(through, 2, "proc/iomem: ");
}

static void test_not_archive(void **state)
{
	char *dir = tu_mkdtemp(), path[4200];
	struct sysroot *sr;
	struct gk_err e;

	(void)state;
	tu_write(dir, "notes.txt", "just text\n");
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	assert_int_equal(sysroot_new(path, 0, &sr, &e), -GK_ERR_FORMAT);
	assert_non_null(strstr(
		e.msg, "notes.txt: not a directory or a readable archive: "));
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_not_archive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
