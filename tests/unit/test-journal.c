// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/journal: this boot's kernel messages from the systemd
 * journal. The journal files are real: export text made here is turned
 * into a journal file by systemd-journal-remote, journald's own writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal.h"
#include "lpilog.h"
#include "testutil.h"

#define MID "5c1a0e1bd1f34b9e8e2f8a4b0d6c7e21"
#define OLD_BOOT "0b0a0b0a0b0a0b0a0b0a0b0a0b0a0b0a"
#define THIS_BOOT "c0ffee0012344321abcdef0011223344"
/* as /proc/sys/kernel/random/boot_id shows it */
#define THIS_BOOT_UUID "C0FFEE00-1234-4321-abcd-ef0011223344"
#define ABSENT_BOOT "deadbeefdeadbeefdeadbeefdeadbeef"
#define MISSED_ID "e9bf28e6e834481bb6f48f548ad13606"

/* One journal entry to generate. */
struct gen {
	const char *boot;
	const char *transport;
	int64_t src_usec; /* the kernel's time, or -1 */
	int prio;
	int facility; /* -1: none */
	const char *ident;
	const char *msgid;
	const char *msg;
	size_t len; /* 0: strlen(msg) */
};

#define K(boot, usec, text)                                         \
	{                                                           \
		boot, "kernel", usec, 6, 0, "kernel", NULL, text, 0 \
	}

static const struct gen entries[] = {
	/* the old boot: its start was vacuumed */
	K(OLD_BOOT, 5000,
	  "GICv3: CPU0: found redistributor 0 region "
	  "0:0x00000000080a0000"),
	K(OLD_BOOT, 6000,
	  "GICv3: using LPI property table @0x0000000040130000"),
	{ OLD_BOOT, "stdout", -1, 6, 3, "sshd", NULL, "Server listening", 0 },
	/* this boot */
	K(THIS_BOOT, 0,
	  "Booting Linux on physical CPU 0x0000000000 [0x411fd070]"),
	K(THIS_BOOT, 0,
	  "Linux version 6.1.0-13-arm64 "
	  "(debian-kernel@lists.debian.org)"),
	{ THIS_BOOT, "driver", -1, 6, 3, "systemd-journald", NULL,
	  "Journal started", 0 },
	K(THIS_BOOT, 0, "GICv3: 224 SPIs implemented"),
	K(THIS_BOOT, 0,
	  "GICv3: CPU0: found redistributor 0 region "
	  "0:0x00000000080a0000"),
	/* another program repeating an LPI line is not the kernel */
	{ THIS_BOOT, "syslog", -1, 6, 4, "gicwatch", NULL,
	  "GICv3: using LPI property table @0x00000000deadbeef", 0 },
	K(THIS_BOOT, 0, "GICv3: using LPI property table @0x00000000425b0000"),
	K(THIS_BOOT, 0,
	  "GICv3: CPU0: using allocated LPI pending table "
	  "@0x00000000425c0000"),
	{ THIS_BOOT, "driver", -1, 6, 3, "systemd-journald", MISSED_ID,
	  "Missed 12 kernel messages", 0 },
	K(THIS_BOOT, 111439,
	  "GICv3: CPU1: found redistributor 1 region "
	  "0:0x00000000080c0000"),
	K(THIS_BOOT, 111582,
	  "GICv3: CPU1: using allocated LPI pending table "
	  "@0x00000000425d0000"),
	/* binary in the export format: a newline and a control byte */
	{ THIS_BOOT, "kernel", 2000000, 4, 0, "kernel", NULL, "two\nlines\x01",
	  0 },
	/* a program writing to /dev/kmsg: the kernel transport, facility 3 */
	{ THIS_BOOT, "kernel", 2500000, 6, 3, "systemd", NULL,
	  "systemd 252 running in system mode", 0 },
	{ OLD_BOOT, "kernel", 9000000, 6, 0, "kernel", NULL, "late old", 0 },
};

/* What this boot's kernel messages are, in order. */
static const struct {
	const char *text;
	uint64_t usec;
	int prio, facility;
} want[] = {
	{ "Booting Linux on physical CPU 0x0000000000 [0x411fd070]", 0, 6, 0 },
	{ "Linux version 6.1.0-13-arm64 (debian-kernel@lists.debian.org)", 0, 6,
	  0 },
	{ "GICv3: 224 SPIs implemented", 0, 6, 0 },
	{ "GICv3: CPU0: found redistributor 0 region 0:0x00000000080a0000", 0,
	  6, 0 },
	{ "GICv3: using LPI property table @0x00000000425b0000", 0, 6, 0 },
	{ "GICv3: CPU0: using allocated LPI pending table @0x00000000425c0000",
	  0, 6, 0 },
	{ "GICv3: CPU1: found redistributor 1 region 0:0x00000000080c0000",
	  111439, 6, 0 },
	{ "GICv3: CPU1: using allocated LPI pending table @0x00000000425d0000",
	  111582, 6, 0 },
	{ "two\nlines\x01", 2000000, 4, 0 },
	{ "systemd 252 running in system mode", 2500000, 6, 3 },
};

/* Shared by the tests: made once by the group setup. */
struct fixture {
	char *dir;
	char journal[PATH_MAX]; /* the journal file journald's tool wrote */
	char *export;		/* the export text it was made from */
	size_t export_len;
};

static bool binary(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20)
			return true;
	return false;
}

static void put_entry(FILE *f, const struct gen *g, unsigned int i)
{
	size_t len = g->len ? g->len : strlen(g->msg);
	bool old = !strcmp(g->boot, OLD_BOOT);
	uint8_t le[8];

	fprintf(f, "__REALTIME_TIMESTAMP=%llu\n",
		(old ? 1700000000000000ull : 1700100000000000ull) + i);
	/* journald reads the early kernel messages when it starts */
	fprintf(f, "__MONOTONIC_TIMESTAMP=%u\n", 1500000 + i);
	fprintf(f, "_BOOT_ID=%s\n_MACHINE_ID=" MID "\n_HOSTNAME=lab\n",
		g->boot);
	fprintf(f, "_TRANSPORT=%s\nPRIORITY=%d\n", g->transport, g->prio);
	if (g->facility >= 0)
		fprintf(f, "SYSLOG_FACILITY=%d\n", g->facility);
	fprintf(f, "SYSLOG_IDENTIFIER=%s\n", g->ident);
	if (g->src_usec >= 0)
		fprintf(f, "_SOURCE_MONOTONIC_TIMESTAMP=%lld\n",
			(long long)g->src_usec);
	if (g->msgid)
		fprintf(f, "MESSAGE_ID=%s\n", g->msgid);
	if (!binary(g->msg, len)) {
		fprintf(f, "MESSAGE=%s\n\n", g->msg);
		return;
	}
	tu_put64(le, len);
	fputs("MESSAGE\n", f);
	fwrite(le, 1, 8, f);
	fwrite(g->msg, 1, len, f);
	fputs("\n\n", f);
}

static char *make_export(size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	for (unsigned int i = 0; i < GK_ARRAY_SIZE(entries); i++)
		put_entry(f, &entries[i], i);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* systemd-journal-remote -o OUT - <IN */
static int journal_remote(const char *in, const char *out)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(in, O_RDONLY), null = open("/dev/null", O_WRONLY);

		if (fd < 0 || null < 0 || dup2(fd, 0) < 0 ||
		    dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(126);
		execl(JOURNAL_REMOTE, "systemd-journal-remote", "-o", out, "-",
		      (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct stat st;

	assert_non_null(fx);
	fx->dir = tu_mkdtemp();
	assert_non_null(fx->dir);
	fx->export = make_export(&fx->export_len);
	assert_int_equal(tu_pwrite(fx->dir, "in.export", fx->export,
				   fx->export_len, 0),
			 0);
	snprintf(fx->journal, sizeof(fx->journal), "%s/system.journal",
		 fx->dir);
	{
		char in[PATH_MAX];

		snprintf(in, sizeof(in), "%s/in.export", fx->dir);
		assert_int_equal(journal_remote(in, fx->journal), 0);
	}
	assert_int_equal(stat(fx->journal, &st), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tu_rmtree(fx->dir);
	free(fx->export);
	free(fx);
	return 0;
}

/* A new snapshot directory SNAP under the fixture's, with the journal at
 * REL (hard-linked: the file is 8 MiB), or none when REL is NULL. */
static char *snapshot(const struct fixture *fx, const char *name,
		      const char *rel)
{
	char *snap, path[PATH_MAX];

	assert_true(asprintf(&snap, "%s/%s", fx->dir, name) > 0);
	assert_int_equal(mkdir(snap, 0755), 0);
	if (rel) {
		snprintf(path, sizeof(path), "%s/%s", snap, rel);
		assert_int_equal(tu_mkparents(path), 0);
		assert_int_equal(link(fx->journal, path), 0);
	}
	return snap;
}

static struct sysroot *open_root(const char *dir, unsigned int flags)
{
	struct sysroot *sr = NULL;

	assert_int_equal(sysroot_new(dir, flags, &sr, NULL), 0);
	return sr;
}

static void expect_this_boot(const struct klog *log)
{
	assert_non_null(log);
	assert_int_equal(log->n, GK_ARRAY_SIZE(want));
	assert_int_equal(log->format, KLOG_JOURNAL_MONOTONIC);
	for (size_t i = 0; i < GK_ARRAY_SIZE(want); i++) {
		const struct klog_line *l = &log->lines[i];

		assert_int_equal(l->len, strlen(want[i].text));
		assert_memory_equal(l->text, want[i].text, l->len + 1);
		assert_true(l->has_time);
		assert_int_equal(l->usec, want[i].usec);
		assert_int_equal(l->prio, want[i].prio);
		assert_int_equal(l->facility, want[i].facility);
	}
}

static void expect_info(const struct gk_journal_info *info, const char *where)
{
	assert_true(info->found);
	assert_true(info->from_start);
	assert_int_equal(info->missed, 12);
	assert_string_equal(info->boot_id, THIS_BOOT);
	assert_string_equal(info->where, where);
	assert_int_equal(info->ngaps, 1);
	/* journald noticed the gap after the sixth kernel message */
	assert_int_equal(info->gaps[0].before, 6);
	assert_int_equal(info->gaps[0].count, 12);
	/* journald's time of the "Missed" entry, the 12th generated */
	assert_true(info->gaps[0].has_time);
	assert_int_equal(info->gaps[0].usec, 1500000 + 11);
	assert_string_equal(info->why,
			    "journald missed 12 kernel messages of this boot: "
			    "the ring buffer overflowed before journald read "
			    "them.");
}

/* Open descriptors: sd-journal must be left none of ours. */
static int count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static void test_files(void **state)
{
	struct fixture *fx = *state;
	char *snap =
		snapshot(fx, "files", "var/log/journal/" MID "/system.journal");
	struct sysroot *sr = open_root(snap, 0);
	struct gk_journal_info info;
	struct gk_err e = { 0 };
	struct klog *log = NULL;
	struct lpilog ll;
	const struct lpilog_cpu *c1;
	int fds = count_fds();

	assert_int_equal(gk_journal_kernel(sr, THIS_BOOT_UUID, &log, &info, &e),
			 0);
	assert_int_equal(count_fds(), fds);
	assert_int_equal(e.code, 0);
	expect_this_boot(log);
	expect_info(&info, "persistent journal /var/log/journal");
	/* what lpilog makes of it */
	assert_int_equal(lpilog_parse(log, &ll, NULL), 0);
	assert_true(ll.has_prop);
	assert_int_equal(ll.prop, 0x425b0000);
	c1 = lpilog_cpu(&ll, 1);
	assert_non_null(c1);
	assert_true(c1->has_pend);
	assert_int_equal(c1->pend, 0x425d0000);
	lpilog_free(&ll);
	klog_free(log);
	sysroot_free(sr);
	free(snap);
}

static void test_volatile(void **state)
{
	struct fixture *fx = *state;
	char *snap = snapshot(fx, "volatile",
			      "run/log/journal/" MID "/system.journal");
	struct sysroot *sr = open_root(snap, SYSROOT_NO_OPENAT2);
	struct gk_journal_info info;
	struct klog *log = NULL;

	assert_int_equal(gk_journal_kernel(sr, THIS_BOOT, &log, &info, NULL),
			 0);
	expect_this_boot(log);
	expect_info(&info, "volatile journal /run/log/journal");
	klog_free(log);
	sysroot_free(sr);
	free(snap);
}

static void test_old_boot(void **state)
{
	struct fixture *fx = *state;
	char *snap = snapshot(fx, "old",
			      "var/log/journal/" MID "/system@1.journal~");
	struct sysroot *sr = open_root(snap, 0);
	struct gk_journal_info info;
	struct klog *log = NULL;

	assert_int_equal(gk_journal_kernel(sr, OLD_BOOT, &log, &info, NULL), 0);
	assert_non_null(log);
	assert_int_equal(log->n, 3);
	assert_string_equal(log->lines[2].text, "late old");
	assert_true(info.found);
	assert_false(info.from_start);
	assert_int_equal(info.missed, 0);
	assert_non_null(strstr(info.why, "begins after the boot's first "
					 "kernel message"));
	assert_null(strchr(info.why, '\n'));
	klog_free(log);
	sysroot_free(sr);
	free(snap);
}

static void test_absent_boot(void **state)
{
	struct fixture *fx = *state;
	char *snap = snapshot(fx, "absent",
			      "var/log/journal/" MID "/system.journal");
	struct sysroot *sr = open_root(snap, 0);
	struct gk_journal_info info;
	struct klog *log = (struct klog *)1;

	assert_int_equal(gk_journal_kernel(sr, ABSENT_BOOT, &log, &info, NULL),
			 0);
	assert_null(log);
	assert_false(info.found);
	assert_string_equal(info.why,
			    "the persistent journal /var/log/journal holds "
			    "other boots but none of boot " ABSENT_BOOT
			    ": its entries were vacuumed (SystemMaxUse=, "
			    "MaxRetentionSec= in journald.conf), or the "
			    "volatile journal was rotated.");
	sysroot_free(sr);
	free(snap);
}

static void test_no_journal(void **state)
{
	struct fixture *fx = *state;
	char *snap = snapshot(fx, "none", NULL);
	struct sysroot *sr;
	struct gk_journal_info info;
	struct klog *log = NULL;

	/* a directory with something else in it is no journal either */
	assert_int_equal(tu_write(snap, "var/log/journal/" MID "/README", "x"),
			 0);
	sr = open_root(snap, 0);
	assert_int_equal(gk_journal_kernel(sr, THIS_BOOT, &log, &info, NULL),
			 0);
	assert_null(log);
	assert_false(info.found);
	assert_non_null(strstr(info.why, "no systemd journal"));
	assert_non_null(strstr(info.why, "Storage=none"));
	sysroot_free(sr);
	free(snap);
}

static void test_symlink_refused(void **state)
{
	static const unsigned int flags[] = { 0, SYSROOT_NO_OPENAT2 };
	struct fixture *fx = *state;

	for (size_t i = 0; i < GK_ARRAY_SIZE(flags); i++) {
		char name[32], *snap;
		struct sysroot *sr;
		struct gk_journal_info info;
		struct gk_err e = { 0 };
		struct klog *log = NULL;

		snprintf(name, sizeof(name), "symlink%zu", i);
		snap = snapshot(fx, name, NULL);
		/* an absolute link to the host's file, outside the root */
		assert_int_equal(tu_symlink(snap,
					    "var/log/journal/" MID
					    "/system.journal",
					    fx->journal),
				 0);
		sr = open_root(snap, flags[i]);
		assert_int_equal(gk_journal_kernel(sr, THIS_BOOT, &log, &info,
						   &e),
				 -GK_ERR_ESCAPE);
		assert_null(log);
		assert_non_null(strstr(e.msg, "/var/log/journal/" MID
					      "/system.journal: a symbolic "
					      "link"));
		assert_null(strchr(e.msg, '\n'));
		sysroot_free(sr);
		free(snap);
	}
}

static void test_export_snapshot(void **state)
{
	struct fixture *fx = *state;
	char *snap = snapshot(fx, "export", NULL);
	struct sysroot *sr;
	struct gk_journal_info info;
	struct klog *log = NULL;

	/* the export wins over journal files, which here are not read */
	assert_int_equal(tu_pwrite(snap, "var/log/journal.export", fx->export,
				   fx->export_len, 0),
			 0);
	assert_int_equal(tu_symlink(snap,
				    "var/log/journal/" MID "/system.journal",
				    fx->journal),
			 0);
	assert_int_equal(tu_write(snap, "proc/sys/kernel/random/boot_id",
				  THIS_BOOT_UUID "\n"),
			 0);
	sr = open_root(snap, 0);
	/* no boot id given: the snapshot's own */
	assert_int_equal(gk_journal_kernel(sr, NULL, &log, &info, NULL), 0);
	expect_this_boot(log);
	expect_info(&info, "journal export /var/log/journal.export");
	klog_free(log);
	sysroot_free(sr);
	free(snap);
}

static void test_export_fifo(void **state)
{
	struct fixture *fx = *state;
	char *snap = snapshot(fx, "fifo", NULL), path[PATH_MAX];
	struct sysroot *sr;
	struct gk_journal_info info;
	struct gk_err e = { 0 };
	struct klog *log = NULL;

	snprintf(path, sizeof(path), "%s/var/log/journal.export", snap);
	assert_int_equal(tu_mkparents(path), 0);
	assert_int_equal(mkfifo(path, 0644), 0);
	sr = open_root(snap, 0);
	assert_int_equal(gk_journal_kernel(sr, THIS_BOOT, &log, &info, &e),
			 -GK_ERR_ESCAPE);
	assert_non_null(strstr(e.msg, "not a regular file"));
	sysroot_free(sr);
	free(snap);
}

static void test_round_trip(void **state)
{
	struct fixture *fx = *state;
	char *snap =
		snapshot(fx, "trip", "var/log/journal/" MID "/system.journal");
	struct sysroot *sr = open_root(snap, 0);
	struct gk_journal_info info, again;
	struct klog *log = NULL, *log2 = NULL;
	struct gk_err e = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(gk_journal_kernel(sr, THIS_BOOT, &log, &info, NULL),
			 0);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(gk_journal_write_export(f, log, &info, &e), 0);
	assert_int_equal(fclose(f), 0);
	/* only the fields gicdiag needs, and nothing of other programs */
	assert_null(strstr(buf, "_HOSTNAME"));
	assert_null(strstr(buf, "deadbeef"));
	assert_non_null(strstr(buf, "MESSAGE_ID=" MISSED_ID "\n"
				    "MESSAGE=Missed 12 kernel messages\n"));
	assert_int_equal(gk_journal_parse_export(buf, len, "x.export",
						 THIS_BOOT_UUID, &log2, &again,
						 &e),
			 0);
	expect_this_boot(log2);
	expect_info(&again, "");
	assert_int_equal(again.gaps[0].usec, info.gaps[0].usec);
	free(buf);
	klog_free(log2);
	klog_free(log);
	sysroot_free(sr);
	free(snap);
}

/* Malformed export text: FORMAT, and one line naming where. */
static void expect_bad(const char *text, size_t len, const char *msg)
{
	struct gk_journal_info info;
	struct gk_err e = { 0 };
	struct klog *log = (struct klog *)1;

	assert_int_equal(gk_journal_parse_export(text, len, "j.export",
						 THIS_BOOT, &log, &info, &e),
			 -GK_ERR_FORMAT);
	assert_null(log);
	assert_int_equal(e.code, -GK_ERR_FORMAT);
	assert_string_equal(e.msg, msg);
}

#define HEAD "_BOOT_ID=" THIS_BOOT "\n_TRANSPORT=kernel\n"

static void test_malformed(void **state)
{
	static const char trunc_len[] = HEAD "MESSAGE\n\x05\x00\x00";
	static const char huge[] = HEAD "MESSAGE\n\x00\x00\x00\x00\x01\x00\x00"
					"\x00hello\n";
	static const char short_data[] = HEAD "MESSAGE\n\x09\x00\x00\x00\x00"
					      "\x00\x00\x00hello\n";
	static const char no_nl[] = HEAD "MESSAGE\n\x02\x00\x00\x00\x00\x00"
					 "\x00\x00hi!\n";
	/* a newline inside binary data counts as a line */
	static const char lines[] = HEAD "MESSAGE\n\x03\x00\x00\x00\x00\x00"
					 "\x00\x00"
					 "a\nb\n\nhello world\n";

	(void)state;
	expect_bad(trunc_len, sizeof(trunc_len) - 1,
		   "j.export:3: MESSAGE: binary field's length truncated");
	expect_bad(HEAD "MESSAGE", sizeof(HEAD "MESSAGE") - 1,
		   "j.export:3: MESSAGE: binary field's length truncated");
	expect_bad(huge, sizeof(huge) - 1,
		   "j.export:3: MESSAGE: binary field of 4294967296 bytes, "
		   "over 65536");
	expect_bad(short_data, sizeof(short_data) - 1,
		   "j.export:3: MESSAGE: binary field truncated: 9 bytes "
		   "announced, 6 there");
	expect_bad(no_nl, sizeof(no_nl) - 1,
		   "j.export:3: MESSAGE: no newline after the binary field");
	expect_bad(lines, sizeof(lines) - 1,
		   "j.export:7: no '=' in \"hello world\"");
	expect_bad(HEAD "message=x\n", sizeof(HEAD "message=x\n") - 1,
		   "j.export:3: bad field name \"message\"");
	expect_bad(HEAD "PRIORITY=high\nMESSAGE=x\n",
		   sizeof(HEAD "PRIORITY=high\nMESSAGE=x\n") - 1,
		   "j.export:3: PRIORITY: \"high\" is not a number up to 7");
}

static void test_malformed_snapshot(void **state)
{
	static const char text[] = "__MONOTONIC_TIMESTAMP=1\n" HEAD
				   "MESSAGE=ok\n\n" HEAD "junk\x01\n";
	struct fixture *fx = *state;
	char *snap = snapshot(fx, "bad", NULL), want_msg[PATH_MAX + 64];
	struct sysroot *sr;
	struct gk_journal_info info;
	struct gk_err e = { 0 };
	struct klog *log = NULL;

	assert_int_equal(tu_write(snap, "var/log/journal.export", text), 0);
	sr = open_root(snap, 0);
	assert_int_equal(gk_journal_kernel(sr, THIS_BOOT, &log, &info, &e),
			 -GK_ERR_FORMAT);
	snprintf(want_msg, sizeof(want_msg),
		 "%s/var/log/journal.export:8: no '=' in \"junk?\"", snap);
	assert_string_equal(e.msg, want_msg);
	sysroot_free(sr);
	free(snap);
}

static void test_boot_id(void **state)
{
	static const char *const bad[] = {
		"",
		"c0ffee",
		THIS_BOOT "0",
		"c0ffee0012344321abcdef001122334g",
		"c0ffee00-12344321abcdef0011223344-",
		THIS_BOOT " ",
	};
	struct gk_journal_info info;
	struct klog *log;

	(void)state;
	for (size_t i = 0; i < GK_ARRAY_SIZE(bad); i++) {
		struct gk_err e = { 0 };

		assert_int_equal(gk_journal_parse_export("", 0, "x", bad[i],
							 &log, &info, &e),
				 -GK_ERR_INVAL);
		assert_non_null(strstr(e.msg, "not 32 hex digits"));
	}
	/* an empty export: no entries at all */
	assert_int_equal(gk_journal_parse_export("", 0, "x", THIS_BOOT "\n",
						 &log, &info, NULL),
			 0);
	assert_null(log);
	assert_false(info.found);
}

/* Live, a boot no journal has: whatever this host keeps, it says why. */
static void test_live_absent(void **state)
{
	struct sysroot *sr = open_root(NULL, 0);
	struct gk_journal_info info;
	struct gk_err e = { 0 };
	struct klog *log = NULL;

	(void)state;
	assert_int_equal(gk_journal_kernel(sr, ABSENT_BOOT, &log, &info, &e),
			 0);
	assert_null(log);
	assert_false(info.found);
	assert_true(strlen(info.why) > 0);
	assert_null(strchr(info.why, '\n'));
	sysroot_free(sr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_volatile),
		cmocka_unit_test(test_old_boot),
		cmocka_unit_test(test_absent_boot),
		cmocka_unit_test(test_no_journal),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_export_snapshot),
		cmocka_unit_test(test_export_fifo),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_malformed_snapshot),
		cmocka_unit_test(test_boot_id),
		cmocka_unit_test(test_live_absent),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
