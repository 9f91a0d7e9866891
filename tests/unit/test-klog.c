// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for lib/klog: the kernel log in its several forms. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "klog.h"
#include "testutil.h"

#define PEND0                                                                  \
	"GICv3: CPU0: using allocated LPI pending table @0x00000000425c0000"
#define PEND1                                                                  \
	"GICv3: CPU1: using reserved LPI pending table @0x0000000042600000"
#define PROP "GICv3: using LPI property table @0x0000000040130000"

/* /dev/kmsg as a snapshot keeps it: records and their dictionaries. */
static const char kmsg_log[] =
	"5,0,0,-;Linux version 6.1.0-13-arm64 "
	"(debian-kernel@lists.debian.org)\n"
	"6,1,0,-;Machine model: linux,dummy-virt\n"
	"6,512,1234,-;GICv3: 256 SPIs implemented\n"
	"6,516,5678,-;" PROP "\n"
	"6,1234,5678,-;" PEND0 "\n"
	" SUBSYSTEM=cpu\n"
	" DEVICE=+cpu:cpu0\n"
	"4,1300,2000000,-;GICv3: CPU1: Booted with LPIs enabled, memory "
	"probably corrupted\n"
	"12,1301,2000001,-;two\\x0alines, a \\x5c and a \\xzz\n"
	"6,1302,2000002,c,caller=T1;" PEND1 "\n";

static struct klog *parse_ok(const char *text, size_t len)
{
	struct gk_err e = {0};
	struct klog *log = NULL;

	assert_int_equal(klog_parse(text, len, "t", &log, &e), 0);
	assert_int_equal(e.code, 0);
	assert_non_null(log);
	return log;
}

static void expect_line(const struct klog_line *l, const char *text,
			bool has_time, uint64_t usec)
{
	assert_string_equal(l->text, text);
	assert_int_equal(l->len, strlen(text));
	assert_int_equal(l->has_time, has_time);
	if (has_time)
		assert_int_equal(l->usec, usec);
}

static void test_kmsg(void **state)
{
	struct klog *log = parse_ok(kmsg_log, sizeof(kmsg_log) - 1);
	const struct klog_line *l = log->lines;

	(void)state;
	assert_int_equal(log->format, KLOG_KMSG);
	assert_string_equal(klog_format_name(log->format), "kmsg");
	/* the dictionary lines are not messages */
	assert_int_equal(log->n, 8);
	expect_line(&l[0],
		    "Linux version 6.1.0-13-arm64 "
		    "(debian-kernel@lists.debian.org)",
		    true, 0);
	assert_int_equal(l[0].prio, 5);
	assert_int_equal(l[0].facility, 0);
	assert_int_equal(l[0].seq, 0);
	expect_line(&l[2], "GICv3: 256 SPIs implemented", true, 1234);
	assert_int_equal(l[2].seq, 512);
	expect_line(&l[4], PEND0, true, 5678);
	assert_int_equal(l[4].seq, 1234);
	assert_int_equal(l[4].prio, 6);
	assert_int_equal(l[4].line, 5);
	/* the line after the dictionary */
	assert_int_equal(l[5].line, 8);
	assert_int_equal(l[5].prio, 4);
	assert_int_equal(l[5].usec, 2000000);
	/* flags with more fields after them */
	expect_line(&l[7], PEND1, true, 2000002);
	assert_int_equal(l[7].seq, 1302);
	klog_free(log);
}

static void test_kmsg_escapes_and_facility(void **state)
{
	struct klog *log = parse_ok(kmsg_log, sizeof(kmsg_log) - 1);
	const struct klog_line *l = &log->lines[6];

	(void)state;
	/* 12 = facility 1 (user) << 3 | level 4 (warning) */
	assert_int_equal(l->prio, 4);
	assert_int_equal(l->facility, 1);
	/* \xNN decoded; a backslash not followed by two hex digits stays */
	expect_line(l, "two\nlines, a \\ and a \\xzz", true, 2000001);
	klog_free(log);
}

static void test_kmsg_decoded_nul(void **state)
{
	static const char rec[] = "6,1,2,-;a\\x00b\\x7f\n";
	struct klog *log = parse_ok(rec, sizeof(rec) - 1);
	size_t pos = 0;

	(void)state;
	assert_int_equal(log->n, 1);
	assert_int_equal(log->lines[0].len, 4);
	assert_memory_equal(log->lines[0].text, "a\0b\x7f", 5);
	/* the whole message is searched, not just up to the NUL */
	assert_non_null(klog_grep(log, "b\x7f", &pos));
	klog_free(log);
}

static void test_kmsg_no_newline_crlf(void **state)
{
	static const char recs[] = "6,1,2,-;first\r\n 6,7,8,-;dict\r\n"
				   "6,2,3,-;last";
	struct klog *log = parse_ok(recs, sizeof(recs) - 1);

	(void)state;
	assert_int_equal(log->n, 2);
	expect_line(&log->lines[0], "first", true, 2);
	expect_line(&log->lines[1], "last", true, 3);
	klog_free(log);
}

static void test_dmesg(void **state)
{
	/* the first line looks like "HOST IDENT: ..." and is still dmesg */
	static const char text[] =
		"[    0.000000] Machine model: linux,dummy-virt\n"
		"[    0.000000] GICv3: 256 SPIs implemented\n"
		"[    0.001234] " PEND0 "\n"
		"\n"
		"a line without a prefix\n"
		"[12345.678901] " PEND1 "\n"
		"[    1.5] a short fraction\n"
		"[    2.000000]\n"
		"[ 3.1234567] nanoseconds\n";
	struct klog *log = parse_ok(text, sizeof(text) - 1);
	const struct klog_line *l = log->lines;

	(void)state;
	assert_int_equal(log->format, KLOG_DMESG);
	assert_int_equal(log->n, 8);
	expect_line(&l[0], "Machine model: linux,dummy-virt", true, 0);
	assert_int_equal(l[0].prio, -1);
	assert_int_equal(l[0].facility, -1);
	expect_line(&l[2], PEND0, true, 1234);
	expect_line(&l[3], "a line without a prefix", false, 0);
	assert_int_equal(l[3].line, 5);
	expect_line(&l[4], PEND1, true, 12345678901);
	expect_line(&l[5], "a short fraction", true, 1500000);
	expect_line(&l[6], "", true, 2000000);
	expect_line(&l[7], "nanoseconds", true, 3123456);
	klog_free(log);
}

static void test_dmesg_raw(void **state)
{
	static const char text[] = "<6>[    0.001234] " PEND0 "\n"
				   "<12>[    0.002000] from user space\n"
				   "<6>no stamp\n";
	struct klog *log = parse_ok(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(log->format, KLOG_DMESG);
	assert_int_equal(log->n, 3);
	expect_line(&log->lines[0], PEND0, true, 1234);
	assert_int_equal(log->lines[0].prio, 6);
	assert_int_equal(log->lines[0].facility, 0);
	assert_int_equal(log->lines[1].prio, 4);
	assert_int_equal(log->lines[1].facility, 1);
	expect_line(&log->lines[2], "no stamp", false, 0);
	klog_free(log);
}

static void test_plain(void **state)
{
	static const char text[] =
		"Booting Linux on physical CPU 0x0\r\n" PEND0 "\r\n"
		"[    5.000000] a stamp after all";
	struct klog *log = parse_ok(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(log->format, KLOG_PLAIN);
	assert_int_equal(log->n, 3);
	expect_line(&log->lines[0], "Booting Linux on physical CPU 0x0", false,
		    0);
	expect_line(&log->lines[1], PEND0, false, 0);
	expect_line(&log->lines[2], "a stamp after all", true, 5000000);
	klog_free(log);
}

static void test_journal_short(void **state)
{
	static const char text[] =
		"-- Logs begin at Mon 2023-11-20 09:00:00 UTC, end at Fri "
		"2023-11-24 10:05:00 UTC. --\n"
		"-- Boot 3c5e1d0f2a4b4c8e9d7f6a5b4c3d2e1f --\n"
		"Nov 24 10:00:00 host kernel: Booting Linux on physical CPU "
		"0x0\n"
		"Nov 24 10:00:00 host kernel: " PEND0 "\n"
		"Nov 24 10:00:01 host systemd[1]: Started Journal Service.\n"
		"                                 and its second line\n"
		"Nov 24 10:00:01 host kernel: first line\n"
		"                               indented second line\n"
		"Nov 24 10:00:02 host kernel:\n"
		"Nov  4 10:00:02 host kernel: syslog day\n"
		"Hint: You are currently not seeing messages from other "
		"users.\n"
		"-- Boot 0123456789abcdef0123456789abcdef --\n"
		"Nov 24 10:05:00.123456 host kernel: " PEND1 "\n";
	struct klog *log = parse_ok(text, sizeof(text) - 1);
	const struct klog_line *l = log->lines;

	(void)state;
	assert_int_equal(log->format, KLOG_JOURNAL);
	assert_int_equal(log->n, 6);
	expect_line(&l[0], "Booting Linux on physical CPU 0x0", false, 0);
	assert_int_equal(l[0].line, 3);
	assert_int_equal(l[0].prio, -1);
	expect_line(&l[1], PEND0, false, 0);
	/* the continuation keeps what it has beyond the text column */
	expect_line(&l[2], "first line\n  indented second line", false, 0);
	assert_int_equal(l[2].line, 7);
	expect_line(&l[3], "", false, 0);
	expect_line(&l[4], "syslog day", false, 0);
	expect_line(&l[5], PEND1, false, 0);
	klog_free(log);
}

static void test_journal_monotonic(void **state)
{
	static const char text[] =
		"-- Boot 3c5e1d0f2a4b4c8e9d7f6a5b4c3d2e1f --\n"
		"[    0.000000] host kernel: Machine model: linux,dummy-virt\n"
		"[    0.001234] host kernel: " PEND0 "\n"
		"[    2.000000] host systemd[1]: Started Journal Service.\n"
		"[    2.100000] host kernel: " PEND1 "\n";
	struct klog *log = parse_ok(text, sizeof(text) - 1);
	const struct klog_line *l = log->lines;

	(void)state;
	assert_int_equal(log->format, KLOG_JOURNAL_MONOTONIC);
	assert_string_equal(klog_format_name(log->format), "journal-monotonic");
	assert_int_equal(log->n, 3);
	expect_line(&l[0], "Machine model: linux,dummy-virt", true, 0);
	expect_line(&l[1], PEND0, true, 1234);
	expect_line(&l[2], PEND1, true, 2100000);
	klog_free(log);
}

static void test_journal_monotonic_no_marker(void **state)
{
	static const char text[] = "[    0.001234] host kernel: " PEND0 "\n";
	struct klog *log = parse_ok(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(log->format, KLOG_JOURNAL_MONOTONIC);
	assert_int_equal(log->n, 1);
	expect_line(&log->lines[0], PEND0, true, 1234);
	klog_free(log);
}

static void test_kern_log(void **state)
{
	/* rsyslog's kern.log: a journal-like prefix, the kernel's stamp */
	static const char text[] =
		"Nov 24 10:00:00 host kernel: [    0.001234] " PEND0 "\n";
	struct klog *log = parse_ok(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(log->format, KLOG_JOURNAL);
	expect_line(&log->lines[0], PEND0, true, 1234);
	klog_free(log);
}

static void test_empty_inputs(void **state)
{
	static const char none[] = "-- No entries --\n";
	struct klog *log;

	(void)state;
	log = parse_ok("", 0);
	assert_int_equal(log->n, 0);
	assert_int_equal(log->format, KLOG_PLAIN);
	klog_free(log);
	log = parse_ok(none, sizeof(none) - 1);
	assert_int_equal(log->n, 0);
	assert_int_equal(log->format, KLOG_JOURNAL);
	klog_free(log);
	log = parse_ok("\n\r\n\n", 4);
	assert_int_equal(log->n, 0);
	klog_free(log);
	klog_free(NULL);
}

static void test_grep(void **state)
{
	struct klog *log = parse_ok(kmsg_log, sizeof(kmsg_log) - 1);
	const struct klog_line *l;
	size_t pos = 0;

	(void)state;
	l = klog_grep(log, "LPI pending table @", &pos);
	assert_ptr_equal(l, &log->lines[4]);
	assert_int_equal(pos, 5);
	l = klog_grep(log, "LPI pending table @", &pos);
	assert_ptr_equal(l, &log->lines[7]);
	assert_int_equal(pos, 8);
	assert_null(klog_grep(log, "LPI pending table @", &pos));
	assert_int_equal(pos, log->n);
	/* from the start again; case matters; an empty needle matches */
	pos = 0;
	assert_null(klog_grep(log, "gicv3", &pos));
	pos = 0;
	assert_ptr_equal(klog_grep(log, "", &pos), &log->lines[0]);
	pos = 3;
	assert_ptr_equal(
		klog_grep(log, "GICv3: using LPI property table", &pos),
		&log->lines[3]);
	/* a match across the decoded newline */
	pos = 0;
	assert_ptr_equal(klog_grep(log, "two\nlines", &pos), &log->lines[6]);
	/* a start past the end */
	pos = 100;
	assert_null(klog_grep(log, "", &pos));
	assert_int_equal(pos, log->n);
	klog_free(log);
}

struct bad_case {
	const char *text;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{"6,1,2,-;ok\nx,2,3,-;bad\n", "t:2: bad priority in kmsg record"},
	{"6,1,2,-;ok\nGICv3: not a record\n",
	 "t:2: bad priority in kmsg record"},
	{"6,,2,-;x\n", "t:1: bad sequence number in kmsg record"},
	{"6,abc,5,-;text\n", "t:1: bad sequence number in kmsg record"},
	{"6,99999999999999999999,5,-;x\n",
	 "t:1: bad sequence number in kmsg record"},
	{"6,1\n", "t:1: bad sequence number in kmsg record"},
	{"6,1,5x,-;text\n", "t:1: bad timestamp in kmsg record"},
	{"6,1,-5,-;text\n", "t:1: bad timestamp in kmsg record"},
	{"6,1,5\n", "t:1: bad timestamp in kmsg record"},
	{"6,1,5,-text\n", "t:1: no ';' after the kmsg record header"},
	{"2048,1,2,-;x\n", "t:1: bad priority in kmsg record"},
};

static void test_kmsg_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < GK_ARRAY_SIZE(bad_cases); i++) {
		struct gk_err e = {0};
		struct klog *log = (struct klog *)&e;

		assert_int_equal(klog_parse(bad_cases[i].text,
					    strlen(bad_cases[i].text), "t",
					    &log, &e),
				 -GK_ERR_FORMAT);
		assert_null(log);
		assert_int_equal(e.code, -GK_ERR_FORMAT);
		assert_string_equal(e.msg, bad_cases[i].msg);
	}
}

static void test_kmsg_prio_bounds(void **state)
{
	static const char text[] = "2047,1,2,-;x\n";
	struct klog *log = parse_ok(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(log->lines[0].prio, 7);
	assert_int_equal(log->lines[0].facility, 255);
	klog_free(log);
}

static void test_long_line(void **state)
{
	size_t len = KLOG_MAX_LINE + 2;
	char *text = malloc(len + 16);
	struct gk_err e = {0};
	struct klog *log;

	(void)state;
	assert_non_null(text);
	memcpy(text, "first\n", 6);
	memset(text + 6, 'a', len);
	/* exactly KLOG_MAX_LINE bytes is fine */
	text[6 + KLOG_MAX_LINE] = '\n';
	assert_int_equal(klog_parse(text, 6 + KLOG_MAX_LINE + 1, "t", &log, &e),
			 0);
	assert_int_equal(log->lines[1].len, KLOG_MAX_LINE);
	klog_free(log);
	/* one more is not */
	text[6 + KLOG_MAX_LINE] = 'a';
	assert_int_equal(klog_parse(text, 6 + KLOG_MAX_LINE + 1, "t", &log, &e),
			 -GK_ERR_FORMAT);
	assert_null(log);
	assert_string_equal(e.msg, "t:2: line longer than 65536 bytes");
	free(text);
}

static void test_too_big(void **state)
{
	size_t len = (size_t)KLOG_MAX_SIZE + 1;
	char *text = malloc(len);
	struct gk_err e = {0};
	struct klog *log;

	(void)state;
	assert_non_null(text);
	assert_int_equal(klog_parse(text, len, "t", &log, &e), -GK_ERR_TOOBIG);
	assert_null(log);
	assert_string_equal(e.msg, "t: larger than 67108864 bytes");
	free(text);
}

/* DIR/dev/kmsg: a regular file holding @text, or a FIFO when NULL. */
static char *make_snapshot(const char *text)
{
	char *dir = tu_mkdtemp(), path[PATH_MAX + 16];

	assert_non_null(dir);
	if (text) {
		assert_int_equal(tu_write(dir, "dev/kmsg", text), 0);
		return dir;
	}
	snprintf(path, sizeof(path), "%s/dev/kmsg", dir);
	assert_int_equal(tu_mkparents(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	return dir;
}

static void test_load_snapshot(void **state)
{
	char *dir;
	struct sysroot *sr;
	struct gk_err e = {0};
	struct klog *log;
	size_t pos = 0;

	(void)state;
	dir = make_snapshot(kmsg_log);
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(klog_load(sr, NULL, &log, &e), 0);
	assert_int_equal(log->format, KLOG_KMSG);
	assert_int_equal(log->n, 8);
	assert_ptr_equal(klog_grep(log, "CPU1: using reserved", &pos),
			 &log->lines[7]);
	klog_free(log);
	sysroot_free(sr);
	tu_rmtree(dir);
}

static void test_load_snapshot_bad(void **state)
{
	char *dir, want[PATH_MAX + 64];
	struct sysroot *sr;
	struct gk_err e = {0};
	struct klog *log;

	(void)state;
	dir = make_snapshot("6,1,2,-;ok\n 6,1,2,-;dict\n6,1,2;no flags\n"
			    "6,x,2,-;bad\n");
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(klog_load(sr, NULL, &log, &e), -GK_ERR_FORMAT);
	assert_null(log);
	snprintf(want, sizeof(want),
		 "%s/dev/kmsg:4: bad sequence number in kmsg record", dir);
	assert_string_equal(e.msg, want);
	sysroot_free(sr);
	tu_rmtree(dir);
}

static void test_load_snapshot_fifo(void **state)
{
	char *dir, want[PATH_MAX + 64];
	struct sysroot *sr;
	struct gk_err e = {0};
	struct klog *log;

	(void)state;
	/* must fail at once rather than wait for a writer */
	dir = make_snapshot(NULL);
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(klog_load(sr, NULL, &log, &e), -GK_ERR_FORMAT);
	assert_null(log);
	snprintf(want, sizeof(want), "%s/dev/kmsg: not a regular file", dir);
	assert_string_equal(e.msg, want);
	sysroot_free(sr);
	tu_rmtree(dir);
}

static void test_load_missing(void **state)
{
	char *dir;
	struct sysroot *sr;
	struct gk_err e = {0};
	struct klog *log;

	(void)state;
	dir = tu_mkdtemp();
	assert_non_null(dir);
	assert_int_equal(sysroot_new(dir, 0, &sr, &e), 0);
	assert_int_equal(klog_load(sr, NULL, &log, &e), -GK_ERR_NOENT);
	assert_null(log);
	assert_non_null(strstr(e.msg, "/dev/kmsg"));
	sysroot_free(sr);
	tu_rmtree(dir);
	assert_int_equal(klog_load(NULL, NULL, &log, &e), -GK_ERR_INVAL);
}

static void test_load_file(void **state)
{
	static const char text[] =
		"-- Boot 3c5e1d0f2a4b4c8e9d7f6a5b4c3d2e1f --\n"
		"Nov 24 10:00:00 host kernel: " PEND0 "\n";
	char *dir = tu_mkdtemp(), path[PATH_MAX + 16];
	struct gk_err e = {0};
	struct klog *log;

	(void)state;
	assert_non_null(dir);
	assert_int_equal(tu_write(dir, "journal.txt", text), 0);
	snprintf(path, sizeof(path), "%s/journal.txt", dir);
	/* a log file needs no system root */
	assert_int_equal(klog_load(NULL, path, &log, &e), 0);
	assert_int_equal(log->format, KLOG_JOURNAL);
	assert_int_equal(log->n, 1);
	expect_line(&log->lines[0], PEND0, false, 0);
	klog_free(log);
	unlink(path);
	assert_int_equal(klog_load(NULL, path, &log, &e), -GK_ERR_NOENT);
	assert_null(log);
	assert_non_null(strstr(e.msg, path));
	tu_rmtree(dir);
}

/* --kmsg <(journalctl -k) hands us a pipe. */
static void test_load_pipe(void **state)
{
	static const char text[] = "[    0.001234] " PEND0 "\n";
	char path[64];
	struct gk_err e = {0};
	struct klog *log;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], text, sizeof(text) - 1),
			 sizeof(text) - 1);
	close(fds[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	assert_int_equal(klog_load(NULL, path, &log, &e), 0);
	assert_int_equal(log->format, KLOG_DMESG);
	assert_int_equal(log->n, 1);
	expect_line(&log->lines[0], PEND0, true, 1234);
	klog_free(log);
	close(fds[0]);
}

/* The live device, where this system lets us read it. */
static void test_load_live(void **state)
{
	struct sysroot *sr;
	struct gk_err e = {0};
	struct klog *log;
	int ret;

	(void)state;
	if (access("/dev/kmsg", R_OK) != 0)
		skip();
	assert_int_equal(sysroot_new(NULL, 0, &sr, &e), 0);
	ret = klog_load(sr, NULL, &log, &e);
	sysroot_free(sr);
	if (ret == -GK_ERR_ACCESS || ret == -GK_ERR_NOENT)
		skip();
	assert_int_equal(ret, 0);
	assert_int_equal(log->format, KLOG_KMSG);
	assert_true(log->n > 0);
	for (size_t i = 0; i < log->n; i++) {
		assert_true(log->lines[i].prio >= 0);
		assert_true(log->lines[i].has_time);
	}
	klog_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kmsg),
		cmocka_unit_test(test_kmsg_escapes_and_facility),
		cmocka_unit_test(test_kmsg_decoded_nul),
		cmocka_unit_test(test_kmsg_no_newline_crlf),
		cmocka_unit_test(test_dmesg),
		cmocka_unit_test(test_dmesg_raw),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_journal_short),
		cmocka_unit_test(test_journal_monotonic),
		cmocka_unit_test(test_journal_monotonic_no_marker),
		cmocka_unit_test(test_kern_log),
		cmocka_unit_test(test_empty_inputs),
		cmocka_unit_test(test_grep),
		cmocka_unit_test(test_kmsg_malformed),
		cmocka_unit_test(test_kmsg_prio_bounds),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_load_snapshot),
		cmocka_unit_test(test_load_snapshot_bad),
		cmocka_unit_test(test_load_snapshot_fifo),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_pipe),
		cmocka_unit_test(test_load_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
