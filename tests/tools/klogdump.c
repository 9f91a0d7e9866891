// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klogdump FILE: what lib/klog makes of a kernel log, one message a line,
 * for the tests that compare the forms journalctl prints one journal in.
 *
 * The header says the format, the boot and the count; each message is
 * "PRIO FACILITY USEC TEXT", "-" for what the format lacks, the text
 * escaped as /dev/kmsg escapes it so that a multi-line or binary message
 * stays on one line.
 */
#include <stdio.h>
#include <stdlib.h>

#include "klog.h"

static void put_text(const struct klog_line *l)
{
	for (size_t i = 0; i < l->len; i++) {
		unsigned char c = (unsigned char)l->text[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('\n');
}

static void put_line(const struct klog_line *l)
{
	if (l->prio >= 0)
		printf("%d %d ", l->prio, l->facility);
	else
		printf("- - ");
	if (l->has_time)
		printf("%llu ", (unsigned long long)l->usec);
	else
		printf("- ");
	put_text(l);
}

int main(int argc, char **argv)
{
	struct gk_err e = { 0 };
	struct klog *log;

	if (argc != 2) {
		fprintf(stderr, "usage: klogdump FILE\n");
		return 2;
	}
	if (klog_load(NULL, argv[1], &log, &e) < 0) {
		fprintf(stderr, "klogdump: %s\n", e.msg);
		return 1;
	}
	printf("format %s\nboot %s\nmessages %zu\n",
	       klog_format_name(log->format),
	       log->boot_id[0] ? log->boot_id : "-", log->n);
	for (size_t i = 0; i < log->n; i++)
		put_line(&log->lines[i]);
	klog_free(log);
	return 0;
}
