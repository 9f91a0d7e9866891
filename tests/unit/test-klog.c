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
#include "lpilog.h"
#include "testutil.h"

#define PEND0 \
	"GICv3: CPU0: using allocated LPI pending table @0x00000000425c0000"
#define PEND1 \
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
	struct gk_err e = { 0 };
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
	static const char text[] = "Booting Linux on physical CPU 0x0\r\n" PEND0
				   "\r\n"
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
	assert_ptr_equal(klog_grep(log, "GICv3: using LPI property table",
				   &pos),
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
	{ "6,1,2,-;ok\nx,2,3,-;bad\n", "t:2: bad priority in kmsg record" },
	{ "6,1,2,-;ok\nGICv3: not a record\n",
	  "t:2: bad priority in kmsg record" },
	{ "6,,2,-;x\n", "t:1: bad sequence number in kmsg record" },
	{ "6,abc,5,-;text\n", "t:1: bad sequence number in kmsg record" },
	{ "6,99999999999999999999,5,-;x\n",
	  "t:1: bad sequence number in kmsg record" },
	{ "6,1\n", "t:1: bad sequence number in kmsg record" },
	{ "6,1,5x,-;text\n", "t:1: bad timestamp in kmsg record" },
	{ "6,1,-5,-;text\n", "t:1: bad timestamp in kmsg record" },
	{ "6,1,5\n", "t:1: bad timestamp in kmsg record" },
	{ "6,1,5,-text\n", "t:1: no ';' after the kmsg record header" },
	{ "2048,1,2,-;x\n", "t:1: bad priority in kmsg record" },
};

static void test_kmsg_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < GK_ARRAY_SIZE(bad_cases); i++) {
		struct gk_err e = { 0 };
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
	struct gk_err e = { 0 };
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
	struct gk_err e = { 0 };
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
	struct gk_err e = { 0 };
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
	struct gk_err e = { 0 };
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
	struct gk_err e = { 0 };
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
	struct gk_err e = { 0 };
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
	struct gk_err e = { 0 };
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
	struct gk_err e = { 0 };
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
	struct gk_err e = { 0 };
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

/* ---- journalctl -o short-*: the other clocks ------------------------- */

static void test_journal_short_clocks(void **state)
{
	static const char text[] =
		"Thu 2023-11-16 22:13:21 UTC lab kernel: " PEND0 "\n"
		"Thu 2023-11-16 22:13:21.500010 CET lab kernel: full precise\n"
		"2023-11-16T22:13:21+0000 lab kernel: iso\n"
		"2023-11-16T22:13:21+00:00 lab kernel: iso, systemd 257\n"
		"2023-11-16T22:13:21.500010+0100 lab kernel: iso precise\n"
		"2023-11-16T22:13:21.500010Z lab kernel: iso zulu\n"
		"1700172801.500010 lab kernel: unix\n"
		"Nov 16 22:13:21.500010 lab kernel: precise\n"
		"Thu 2023-11-16 22:13:21 UTC kernel: no host name\n"
		"2023-11-16T22:13:21+0000 lab systemd[1]: " PEND1 "\n"
		"1700172801.500010 lab lpi-impostor[42]: " PEND1 "\n";
	struct klog *log = parse_ok(text, sizeof(text) - 1);
	const struct klog_line *l = log->lines;

	(void)state;
	assert_int_equal(log->format, KLOG_JOURNAL);
	assert_string_equal(log->boot_id, "");
	assert_int_equal(log->n, 9);
	expect_line(&l[0], PEND0, false, 0);
	expect_line(&l[1], "full precise", false, 0);
	expect_line(&l[2], "iso", false, 0);
	expect_line(&l[3], "iso, systemd 257", false, 0);
	expect_line(&l[4], "iso precise", false, 0);
	expect_line(&l[5], "iso zulu", false, 0);
	expect_line(&l[6], "unix", false, 0);
	expect_line(&l[7], "precise", false, 0);
	expect_line(&l[8], "no host name", false, 0);
	klog_free(log);
}

/* Each first line alone is enough to tell the format. */
static void test_journal_short_detect(void **state)
{
	static const struct {
		const char *text;
		enum klog_format format;
	} cases[] = {
		{ "Thu 2023-11-16 22:13:21 UTC lab systemd[1]: x\n",
		  KLOG_JOURNAL },
		{ "2023-11-16T22:13:21+00:00 lab systemd[1]: x\n",
		  KLOG_JOURNAL },
		{ "1700172801.500010 lab kernel: x\n", KLOG_JOURNAL },
		/* a number and a colon could be anything */
		{ "1700172801.500010 lab systemd[1]: x\n", KLOG_PLAIN },
		{ "-- Boot 0123 --\n1700172801.500010 lab systemd[1]: x\n",
		  KLOG_JOURNAL },
		{ "[    0.000000                ] lab kernel: x\n",
		  KLOG_JOURNAL_MONOTONIC },
		{ "[    1.000000 <    0.000000 >] lab systemd[1]: x\n",
		  KLOG_JOURNAL_MONOTONIC },
	};

	(void)state;
	for (size_t i = 0; i < GK_ARRAY_SIZE(cases); i++) {
		struct klog *log =
			parse_ok(cases[i].text, strlen(cases[i].text));

		assert_int_equal(log->format, cases[i].format);
		klog_free(log);
	}
}

static void test_journal_short_delta(void **state)
{
	static const char text[] =
		"[    0.000000                ] lab kernel: first\n"
		"[    0.001234 <    0.001234 >] lab kernel: " PEND0 "\n"
		"[    2.000000 <    1.998766 >] lab systemd[1]: " PEND1 "\n"
		"-- Boot 0123456789abcdef0123456789abcdef --\n"
		"[    0.000000 <172799.200958*>] lab kernel: next boot\n"
		"[    0.100000 <    0.100000 >] lab kernel: two\n"
		"                                           lines\n";
	struct klog *log = parse_ok(text, sizeof(text) - 1);
	const struct klog_line *l = log->lines;

	(void)state;
	assert_int_equal(log->format, KLOG_JOURNAL_MONOTONIC);
	assert_int_equal(log->n, 4);
	expect_line(&l[0], "first", true, 0);
	expect_line(&l[1], PEND0, true, 1234);
	expect_line(&l[2], "next boot", true, 0);
	expect_line(&l[3], "two\nlines", true, 100000);
	klog_free(log);
}

static void test_journal_short_crlf(void **state)
{
	static const char text[] =
		"2023-11-16T22:13:21+0000 lab kernel: " PEND0 "\r\n"
		"2023-11-16T22:13:21+0000 lab kernel: two\r\n"
		"                                     lines\r\n";
	struct klog *log = parse_ok(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(log->n, 2);
	expect_line(&log->lines[0], PEND0, false, 0);
	expect_line(&log->lines[1], "two\nlines", false, 0);
	klog_free(log);
}

/* ---- journalctl -o verbose ------------------------------------------- */

#define BOOT_A "0123456789abcdef0123456789abcdef"
#define BOOT_B "fedcba9876543210fedcba9876543210"
#define CURSOR(b, m)                                              \
	" [s=518c139df0c64c76b450ec36e47b718c;i=109;b=" b ";m=" m \
	";t=60a4c53e3e36a;x=81bf0c1ed54c516d]\n"

static const char verbose_log[] =
	"-- Boot " BOOT_A " --\n"
	"Thu 2023-11-16 22:13:21.500010 UTC" CURSOR(
		BOOT_A,
		"16e36a") "    _TRANSPORT=kernel\n"
			  "    PRIORITY=6\n"
			  "    _SOURCE_MONOTONIC_TIMESTAMP=0\n"
			  "    MESSAGE=Booting Linux on physical CPU 0x0\n"
			  "    _BOOT_ID=" BOOT_A "\n"
			  "Thu 2023-11-16 22:13:21.500010 UTC" CURSOR(
				  BOOT_A,
				  "16e36b") "    _TRANSPORT=kernel\n"
					    "    MESSAGE=GICv3: CPU1: using "
					    "allocated LPI pending table "
					    "@0x0000000043500000\n"
					    "-- Boot " BOOT_B " --\n"
					    "Sat 2023-11-18 22:13:21.500010 "
					    "UTC" CURSOR(
						    BOOT_B,
						    "16e36a") "    "
							      "_TRANSPORT="
							      "kernel\n"
							      "    "
							      "SYSLOG_FACILITY="
							      "0\n"
							      "    PRIORITY=4\n"
							      "    "
							      "_SOURCE_"
							      "MONOTONIC_"
							      "TIMESTAMP="
							      "384446\n"
							      "    "
							      "MESSAGE=gic-"
							      "kexec test: a "
							      "message\n"
							      "            "
							      "over two lines\n"
							      "              "
							      "and a third\n"
							      "    "
							      "_KERNEL_"
							      "SUBSYSTEM=cpu\n"
							      "Sat 2023-11-18 "
							      "22:13:21.500010 "
							      "UTC" CURSOR(
								      BOOT_B,
								      "16e36c") "    _TRANSPORT=kernel\n"
										"    MESSAGE=[31B blob data]\n"
										"    _BOOT_ID=" BOOT_B
										"\n"
										"Sat 2023-11-18 22:13:21.500010 UTC" CURSOR(
											BOOT_B,
											"16e36d") "    _TRANSPORT=stdout\n"
												  "    SYSLOG_IDENTIFIER=lpi-impostor\n"
												  "    MESSAGE=" PEND1
												  "\n"
												  "Sat 2023-11-18 22:13:21.500010 UTC" CURSOR(
													  BOOT_B,
													  "16e36e") "    _TRANSPORT=kernel\n"
														    "    MESSAGE=" PEND0
														    "\n"
														    "    _BOOT_ID=" BOOT_B
														    "\n"
														    "    CODE_LINE=[1.2K blob data]\n";

static void test_journal_verbose(void **state)
{
	struct klog *log = parse_ok(verbose_log, sizeof(verbose_log) - 1);
	const struct klog_line *l = log->lines;

	(void)state;
	assert_int_equal(log->format, KLOG_JOURNAL_VERBOSE);
	assert_string_equal(klog_format_name(log->format), "journal-verbose");
	/* the last boot; binary and other programs' messages left out */
	assert_string_equal(log->boot_id, BOOT_B);
	assert_int_equal(log->n, 2);
	/* the kernel's own time rather than the cursor's */
	expect_line(&l[0],
		    "gic-kexec test: a message\nover two lines\n  and a third",
		    true, 384446);
	assert_int_equal(l[0].prio, 4);
	assert_int_equal(l[0].facility, 0);
	assert_int_equal(l[0].line, 17);
	/* the cursor's m= when nothing better is there */
	expect_line(&l[1], PEND0, true, 0x16e36e);
	assert_int_equal(l[1].prio, -1);
	assert_int_equal(l[1].facility, -1);
	klog_free(log);
}

static void test_journal_verbose_one_boot(void **state)
{
	/* the first boot alone: both its messages */
	const char *end = strstr(verbose_log, "-- Boot " BOOT_B);
	struct klog *log = parse_ok(verbose_log, (size_t)(end - verbose_log));

	(void)state;
	assert_string_equal(log->boot_id, BOOT_A);
	assert_int_equal(log->n, 2);
	expect_line(&log->lines[0], "Booting Linux on physical CPU 0x0", true,
		    0);
	assert_int_equal(log->lines[0].prio, 6);
	assert_int_equal(log->lines[0].facility, 0);
	expect_line(&log->lines[1],
		    "GICv3: CPU1: using allocated LPI pending table "
		    "@0x0000000043500000",
		    true, 0x16e36b);
	klog_free(log);
}

/* ---- journalctl -o json, json-pretty, json-seq ------------------------ */

static const char json_log[] =
	"{\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"GICv3: CPU1: using "
	"allocated LPI pending table "
	"@0x0000000043500000\",\"_BOOT_ID\":\"" BOOT_A
	"\",\"__MONOTONIC_TIMESTAMP\":\"1500010\"}\n"
	"{\"__CURSOR\":\"s=1;i=2\",\"MESSAGE\":\"" PEND0
	"\",\"PRIORITY\":\"6\","
	"\"_BOOT_ID\":\"" BOOT_B "\",\"SYSLOG_FACILITY\":\"0\","
	"\"_SOURCE_MONOTONIC_TIMESTAMP\":\"1234\",\"_TRANSPORT\":\"kernel\","
	"\"__MONOTONIC_TIMESTAMP\":\"1500010\"}\n"
	"{\"MESSAGE\":\"" PEND1
	"\",\"_TRANSPORT\":\"stdout\",\"_BOOT_ID\":\"" BOOT_B
	"\",\"SYSLOG_IDENTIFIER\":\"lpi-impostor\"}\n"
	"{\"_BOOT_ID\":\"" BOOT_B
	"\",\"MESSAGE\":\"two\\nlines, \\\"quoted\\\", "
	"\\\\ \\/ \\t\\b\\f\\r caf\\u00e9 \\ud834\\udd1e \\ud800 \\u0000.\","
	"\"_TRANSPORT\":\"kernel\"}\n"
	"{\"MESSAGE\":[103,105,99,10,255,0,1],\"_TRANSPORT\":\"kernel\","
	"\"_BOOT_ID\":\"" BOOT_B "\",\"PRIORITY\":7,\"SYSLOG_FACILITY\":3}\n"
	"{\"MESSAGE\":null,\"_TRANSPORT\":\"kernel\",\"_BOOT_ID\":\"" BOOT_B
	"\"}\n"
	"{\"MESSAGE\":[\"first\",\"second\"],\"_BOOT_ID\":\"" BOOT_B "\","
	"\"X\":{\"nested\":[1,[2,{}],true,false,null,-1.5e3]},\"Y\":[]}\n"
	"{\"MESSAGE\":[[98,105,110],\"text\"],\"_BOOT_ID\":\"" BOOT_B "\","
	"\"PRIORITY\":\"debug\",\"MESSAGE\":\"a second MESSAGE key\"}\n";

static void test_journal_json(void **state)
{
	struct klog *log = parse_ok(json_log, sizeof(json_log) - 1);
	const struct klog_line *l = log->lines;

	(void)state;
	assert_int_equal(log->format, KLOG_JOURNAL_JSON);
	assert_string_equal(klog_format_name(log->format), "journal-json");
	assert_string_equal(log->boot_id, BOOT_B);
	assert_int_equal(log->n, 5);
	expect_line(&l[0], PEND0, true, 1234);
	assert_int_equal(l[0].prio, 6);
	assert_int_equal(l[0].facility, 0);
	assert_int_equal(l[0].line, 2);
	assert_int_equal(l[0].seq, 0);
	/* every escape; a lone surrogate is U+FFFD */
	assert_int_equal(l[1].len, 47);
	assert_memory_equal(l[1].text,
			    "two\nlines, \"quoted\", \\ / \t\b\f\r caf\xc3\xa9 "
			    "\xf0\x9d\x84\x9e \xef\xbf\xbd \0.",
			    48);
	assert_false(l[1].has_time);
	/* binary, as an array of bytes */
	assert_int_equal(l[2].len, 7);
	assert_memory_equal(l[2].text, "gic\n\xff\0\1", 8);
	assert_int_equal(l[2].prio, 7);
	assert_int_equal(l[2].facility, 3);
	/* a field given twice: the first value; no _TRANSPORT: kept */
	expect_line(&l[3], "first", false, 0);
	assert_int_equal(l[3].prio, -1);
	expect_line(&l[4], "bin", false, 0);
	assert_int_equal(l[4].line, 8);
	klog_free(log);
}

static void test_journal_json_pretty_seq(void **state)
{
	static const char pretty[] = "{\r\n"
				     "\t\"__CURSOR\" : \"s=1\",\r\n"
				     "\t\"MESSAGE\" : \"" PEND0 "\",\r\n"
				     "\t\"_TRANSPORT\" : \"kernel\",\r\n"
				     "\t\"_BOOT_ID\" : \"" BOOT_A "\"\r\n"
				     "}\r\n"
				     "{\n"
				     "  \"_BOOT_ID\" : \"" BOOT_A "\",\n"
				     "  \"_TRANSPORT\" : \"kernel\",\n"
				     "  \"MESSAGE\" : \"" PEND1 "\"\n"
				     "}\n";
	static const char seq[] =
		"\x1e{\"MESSAGE\":\"" PEND0 "\",\"_BOOT_ID\":\"" BOOT_A "\"}\n"
		"\x1e{\"MESSAGE\":\"" PEND1 "\",\"_BOOT_ID\":\"" BOOT_A "\"}\n";
	struct klog *log = parse_ok(pretty, sizeof(pretty) - 1);

	(void)state;
	assert_int_equal(log->format, KLOG_JOURNAL_JSON);
	assert_int_equal(log->n, 2);
	expect_line(&log->lines[0], PEND0, false, 0);
	assert_int_equal(log->lines[0].line, 3);
	expect_line(&log->lines[1], PEND1, false, 0);
	assert_int_equal(log->lines[1].line, 10);
	klog_free(log);
	log = parse_ok(seq, sizeof(seq) - 1);
	assert_int_equal(log->format, KLOG_JOURNAL_JSON);
	assert_string_equal(log->boot_id, BOOT_A);
	assert_int_equal(log->n, 2);
	expect_line(&log->lines[1], PEND1, false, 0);
	klog_free(log);
}

/*
 * The last boot counts, wherever its messages are; a message without a
 * boot id goes with the one before it, and when none has one all stay.
 */
static void test_journal_json_boots(void **state)
{
#define J(msg, boot) "{\"MESSAGE\":\"" msg "\"" boot "}\n"
#define B(id) ",\"_BOOT_ID\":\"" id "\""
	static const char interleaved[] = J("a1", B(BOOT_A)) J("b1", B(BOOT_B))
		J("none", "") J("a2", B(BOOT_A)) J("a3", "");
	static const char upper[] =
		J("b1", B("FEDCBA9876543210FEDCBA9876543210"));
	static const char none[] = J("x", "") J("y", "");
	struct klog *log = parse_ok(interleaved, sizeof(interleaved) - 1);

	(void)state;
	assert_string_equal(log->boot_id, BOOT_A);
	assert_int_equal(log->n, 3);
	expect_line(&log->lines[0], "a1", false, 0);
	expect_line(&log->lines[1], "a2", false, 0);
	expect_line(&log->lines[2], "a3", false, 0);
	klog_free(log);
	log = parse_ok(upper, sizeof(upper) - 1);
	assert_string_equal(log->boot_id, BOOT_B);
	klog_free(log);
	log = parse_ok(none, sizeof(none) - 1);
	assert_string_equal(log->boot_id, "");
	assert_int_equal(log->n, 2);
	klog_free(log);
#undef J
#undef B
}

/* ---- journalctl -o export --------------------------------------------- */

/* Export's binary fields: the length as 64-bit little endian. */
#define LE64(n) n "\0\0\0\0\0\0\0"

static const char export_log[] =
	"__CURSOR=s=1;i=2\n"
	"__MONOTONIC_TIMESTAMP=1500010\n"
	"_BOOT_ID=" BOOT_A "\n"
	"_TRANSPORT=kernel\n"
	"MESSAGE=GICv3: CPU1: using allocated LPI pending table "
	"@0x0000000043500000\n"
	"\n"
	"__CURSOR=s=1;i=3\n"
	"__MONOTONIC_TIMESTAMP=1500010\n"
	"_BOOT_ID=" BOOT_B "\n"
	"_TRANSPORT=kernel\n"
	"PRIORITY=6\n"
	"SYSLOG_FACILITY=0\n"
	"_SOURCE_MONOTONIC_TIMESTAMP=1234\n"
	"MESSAGE=" PEND0 "\n"
	"\n"
	"_BOOT_ID=" BOOT_B "\n"
	"MESSAGE\n" LE64("\x0b") "two\nlines\0\xff\n"
				 "_TRANSPORT=kernel\n"
				 "_KERNEL_DEVICE\n" LE64(
					 "\x02") "\n\n\n"
						 "MESSAGE=a second MESSAGE\n"
						 "\n"
						 "\n"
						 "_TRANSPORT=stdout\n"
						 "_BOOT_ID=" BOOT_B "\n"
						 "MESSAGE=" PEND1 "\n"
						 "\n"
						 "_BOOT_ID=" BOOT_B "\n"
						 "_TRANSPORT=kernel\n"
						 "MESSAGE=\n"
						 "\n"
						 "_BOOT_ID=" BOOT_B "\n"
						 "MESSAGE=no _TRANSPORT, no "
						 "blank line at the end\n";

static void test_journal_export(void **state)
{
	struct klog *log = parse_ok(export_log, sizeof(export_log) - 1);
	const struct klog_line *l = log->lines;

	(void)state;
	assert_int_equal(log->format, KLOG_JOURNAL_EXPORT);
	assert_string_equal(klog_format_name(log->format), "journal-export");
	assert_string_equal(log->boot_id, BOOT_B);
	assert_int_equal(log->n, 4);
	expect_line(&l[0], PEND0, true, 1234);
	assert_int_equal(l[0].line, 14);
	assert_int_equal(l[0].prio, 6);
	/* binary: every byte, the NUL and the newline too */
	assert_int_equal(l[1].len, 11);
	assert_memory_equal(l[1].text, "two\nlines\0\xff", 12);
	assert_int_equal(l[1].line, 17);
	expect_line(&l[2], "", false, 0);
	expect_line(&l[3], "no _TRANSPORT, no blank line at the end", false, 0);
	klog_free(log);
}

static void test_journal_export_crlf(void **state)
{
	static const char text[] = "_TRANSPORT=kernel\r\n"
				   "MESSAGE=" PEND0 "\r\n"
				   "\r\n"
				   "_TRANSPORT=kernel\r\n"
				   "MESSAGE\r\n" LE64("\x03") "a\nb\r\n"
							      "\r\n";
	struct klog *log = parse_ok(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(log->format, KLOG_JOURNAL_EXPORT);
	assert_int_equal(log->n, 2);
	expect_line(&log->lines[0], PEND0, false, 0);
	expect_line(&log->lines[1], "a\nb", false, 0);
	klog_free(log);
}

/*
 * What lpilog finds is the last boot's kernel lines: another program's
 * LPI line and the boot before's are gone.
 */
static void test_journal_lpilog(void **state)
{
	static const struct {
		const char *text;
		size_t len;
	} logs[] = {
		{ json_log, sizeof(json_log) - 1 },
		{ export_log, sizeof(export_log) - 1 },
		{ verbose_log, sizeof(verbose_log) - 1 },
	};

	(void)state;
	for (size_t i = 0; i < GK_ARRAY_SIZE(logs); i++) {
		struct klog *log = parse_ok(logs[i].text, logs[i].len);
		const struct lpilog_cpu *c;
		struct lpilog ll;

		assert_int_equal(lpilog_parse(log, &ll, NULL), 0);
		c = lpilog_cpu(&ll, 0);
		assert_non_null(c);
		assert_true(c->has_pend);
		assert_int_equal(c->pend, 0x425c0000);
		assert_null(lpilog_cpu(&ll, 1));
		lpilog_free(&ll);
		klog_free(log);
	}
}

struct bad_journal {
	const char *text;
	size_t len; /* 0: strlen(text) */
	const char *msg;
};

#define JB "{\"_BOOT_ID\":\"" BOOT_A "\",\"MESSAGE\":"

static const struct bad_journal bad_journals[] = {
	/* json, cut at every kind of place */
	{ "{", 0, "t:1: expected a JSON object key" },
	{ "{\"MESS", 0, "t:1: unterminated JSON string" },
	{ "{\"MESSAGE\"", 0, "t:1: expected ':' after a JSON key" },
	{ "{\"MESSAGE\":", 0, "t:1: JSON value missing" },
	{ "{\"MESSAGE\":\"abc", 0, "t:1: unterminated JSON string" },
	{ "{\"MESSAGE\":\"abc\\", 0, "t:1: unterminated JSON string" },
	{ "{\"MESSAGE\":\"\\u12", 0, "t:1: bad \\u escape in a JSON string" },
	{ "{\"MESSAGE\":\"abc\"", 0, "t:1: unterminated JSON object" },
	{ "{\"MESSAGE\":\"abc\",", 0, "t:1: expected a JSON object key" },
	{ "{\"MESSAGE\":[1,2", 0, "t:1: unterminated JSON array" },
	{ "{\"MESSAGE\":[1,", 0, "t:1: bad byte in a JSON array" },
	{ "{\"MESSAGE\":[\"a\",", 0, "t:1: JSON value missing" },
	{ "{\"X\":[1,", 0, "t:1: JSON value missing" },
	{ "{\"X\":tru", 0, "t:1: bad JSON value" },
	{ "{\"X\":-", 0, "t:1: bad JSON value" },
	/* json, wrong */
	{ "{\"MESSAGE\":\"a\"}\n[]\n", 0, "t:2: expected a JSON object" },
	{ "{\"MESSAGE\":\"a\"} {\"MESSAGE\":\"b\"}\n", 0,
	  "t:1: expected a new line after a JSON object" },
	{ "{\"MESSAGE\":\"a\" \"b\"}", 0,
	  "t:1: expected ',' or '}' in a JSON object" },
	{ "{\"MESSAGE\" \"a\"}", 0, "t:1: expected ':' after a JSON key" },
	{ "{,}", 0, "t:1: expected a JSON object key" },
	{ "{\"MESSAGE\":\"a\",}", 0, "t:1: expected a JSON object key" },
	{ "{\"MESSAGE\":\"\\x\"}", 0, "t:1: bad escape in a JSON string" },
	{ "{\"MESSAGE\":\"a\tb\"}", 0,
	  "t:1: control character in a JSON string" },
	{ "{\"MESSAGE\":\"a\nb\"}", 0,
	  "t:1: control character in a JSON string" },
	{ "{\"MESSAGE\":[256]}", 0, "t:1: bad byte in a JSON array" },
	{ "{\"MESSAGE\":[0001]}", 0, "t:1: bad byte in a JSON array" },
	{ "{\"MESSAGE\":[-1]}", 0, "t:1: bad byte in a JSON array" },
	{ "{\"MESSAGE\":[1 2]}", 0,
	  "t:1: expected ',' or ']' in a JSON array" },
	{ "{\"X\":[1 2]}", 0, "t:1: expected ',' or ']' in a JSON array" },
	{ "{\"X\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]"
	  "]]]]]"
	  "]]]]]]]}",
	  0, "t:1: JSON nested too deep" },
	{ "{\"_BOOT_ID\":\"0123\"}", 0, "t:1: bad _BOOT_ID" },
	{ "{\"_BOOT_ID\":\"0123456789abcdef0123456789abcdeg\"}", 0,
	  "t:1: bad _BOOT_ID" },
	{ "{\"_BOOT_ID\":true}", 0, "t:1: bad _BOOT_ID" },
	{ "\n\n{\"__MONOTONIC_TIMESTAMP\":\"12a\"}", 0,
	  "t:3: bad __MONOTONIC_TIMESTAMP" },
	{ "{\n\"_SOURCE_MONOTONIC_TIMESTAMP\":\"99999999999999999999\"}", 0,
	  "t:2: bad _SOURCE_MONOTONIC_TIMESTAMP" },
	{ "{\"MESSAGE\":\"a\"}\n\x1e\x1e{\n\"MESSAGE\":\"\\u\"}", 0,
	  "t:3: bad \\u escape in a JSON string" },
	/* export, cut at every kind of place */
	{ "_TRANSPORT=kernel\nMESSAGE", 0,
	  "t:2: binary field cut short: no length" },
	{ "_TRANSPORT=kernel\nMESSAGE\n", 0,
	  "t:3: binary field cut short: no length" },
	{ "MESSAGE=a\nMESSAGE\n\x05\0\0\0\0\0\0", 25,
	  "t:3: binary field cut short: no length" },
	{ "MESSAGE=a\nMESSAGE\n" LE64("\x05") "abcd", 30,
	  "t:3: binary field length past the end" },
	{ "MESSAGE=a\nMESSAGE\n" LE64("\x05") "abcde", 31,
	  "t:3: no new line after a binary field" },
	{ "MESSAGE=a\nMESSAGE\n" LE64("\x05") "abcdeX\n", 33,
	  "t:3: no new line after a binary field" },
	{ "MESSAGE=a\nMESSAGE\n\xff\xff\xff\xff\xff\xff\xff\xff\n", 0,
	  "t:3: binary field length past the end" },
	{ "MESSAGE=a\nMESSAGE\n\0\0\0\0\0\0\0\x80\n", 27,
	  "t:3: binary field length past the end" },
	/* export, wrong */
	{ "MESSAGE=a\nmessage=b\n", 0,
	  "t:2: bad field name in an export entry" },
	{ "MESSAGE=a\n=b\n", 0, "t:2: bad field name in an export entry" },
	{ "MESSAGE=a\nGICv3: CPU0: x\n", 0,
	  "t:2: bad field name in an export entry" },
	{ "MESSAGE=a\n_BOOT_ID=xyz\n", 0, "t:2: bad _BOOT_ID" },
	{ "MESSAGE=a\n\n__MONOTONIC_TIMESTAMP=-1\n", 0,
	  "t:3: bad __MONOTONIC_TIMESTAMP" },
	{ "MESSAGE=a\n_BOOT_ID\n" LE64("\x01") "x\n", 29, "t:2: bad _BOOT_ID" },
	/* verbose */
	{ "Thu 2023-11-16 22:13:21.500010 UTC" CURSOR(
		  BOOT_A, "1") "    MESSAGE=a\n"
			       "    no equals sign\n",
	  0, "t:3: bad field line in a verbose entry" },
	{ "Thu 2023-11-16 22:13:21.500010 UTC" CURSOR(
		  BOOT_A, "1") "    _BOOT_ID=" BOOT_A "x\n",
	  0, "t:2: bad _BOOT_ID" },
};

static void test_journal_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < GK_ARRAY_SIZE(bad_journals); i++) {
		const struct bad_journal *b = &bad_journals[i];
		size_t len = b->len ? b->len : strlen(b->text);
		struct gk_err e = { 0 };
		struct klog *log = (struct klog *)&e;
		int ret;

		ret = klog_parse(b->text, len, "t", &log, &e);
		if (ret != -GK_ERR_FORMAT || strcmp(e.msg, b->msg))
			print_error("case %zu: %d \"%s\"\n", i, ret, e.msg);
		assert_int_equal(ret, -GK_ERR_FORMAT);
		assert_null(log);
		assert_string_equal(e.msg, b->msg);
	}
}

/*
 * Every prefix of a log is read or refused in one line, never past its
 * end: the copy has nothing after it for a sanitizer to miss.
 */
static void parse_prefixes(const char *text, size_t len)
{
	for (size_t n = 0; n <= len; n++) {
		char *copy = malloc(n ? n : 1);
		struct gk_err e = { 0 };
		struct klog *log;
		int ret;

		assert_non_null(copy);
		memcpy(copy, text, n);
		ret = klog_parse(copy, n, "t", &log, &e);
		if (ret) {
			assert_int_equal(ret, -GK_ERR_FORMAT);
			assert_null(log);
			assert_non_null(strstr(e.msg, "t:"));
			assert_null(strchr(e.msg, '\n'));
		} else {
			for (size_t i = 0; i < log->n; i++)
				assert_int_equal(
					log->lines[i].text[log->lines[i].len],
					'\0');
			klog_free(log);
		}
		free(copy);
	}
}

static void test_journal_truncated(void **state)
{
	(void)state;
	parse_prefixes(json_log, sizeof(json_log) - 1);
	parse_prefixes(export_log, sizeof(export_log) - 1);
	parse_prefixes(verbose_log, sizeof(verbose_log) - 1);
}

static void test_journal_long_message(void **state)
{
	size_t n = KLOG_MAX_LINE + 1;
	char *text = malloc(n + 64);
	struct gk_err e = { 0 };
	struct klog *log;

	(void)state;
	assert_non_null(text);
	memcpy(text, "\n{\"MESSAGE\":\"", 13);
	memset(text + 13, 'a', n);
	memcpy(text + 13 + n, "\"}\n", 3);
	assert_int_equal(klog_parse(text, n + 16, "t", &log, &e),
			 -GK_ERR_FORMAT);
	assert_string_equal(e.msg, "t:2: message longer than 65536 bytes");
	/* exactly KLOG_MAX_LINE bytes are fine */
	memcpy(text + 13 + n - 1, "\"}\n", 3);
	assert_int_equal(klog_parse(text, n + 15, "t", &log, &e), 0);
	assert_int_equal(log->lines[0].len, KLOG_MAX_LINE);
	klog_free(log);
	free(text);
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
		cmocka_unit_test(test_journal_short_clocks),
		cmocka_unit_test(test_journal_short_detect),
		cmocka_unit_test(test_journal_short_delta),
		cmocka_unit_test(test_journal_short_crlf),
		cmocka_unit_test(test_journal_verbose),
		cmocka_unit_test(test_journal_verbose_one_boot),
		cmocka_unit_test(test_journal_json),
		cmocka_unit_test(test_journal_json_pretty_seq),
		cmocka_unit_test(test_journal_json_boots),
		cmocka_unit_test(test_journal_export),
		cmocka_unit_test(test_journal_export_crlf),
		cmocka_unit_test(test_journal_lpilog),
		cmocka_unit_test(test_journal_malformed),
		cmocka_unit_test(test_journal_truncated),
		cmocka_unit_test(test_journal_long_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
