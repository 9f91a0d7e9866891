// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nokexec PROGRAM ARGS...: run PROGRAM under a seccomp filter that kills
 * it (SIGSYS) on kexec_load, kexec_file_load or reboot, the calls a dry
 * run must never make. "nokexec --self-test" makes a reboot call with bad
 * magic (harmless without the filter) to show that the filter kills.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "nokexec: add this architecture's AUDIT_ARCH"
#endif

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS SECCOMP_RET_KILL
#endif

#define NR_OFF offsetof(struct seccomp_data, nr)
#define ARCH_OFF offsetof(struct seccomp_data, arch)
#define KILL_IF(nr)                                      \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)

static int install(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARCH_OFF),
		/* another ABI (x32, compat) could reach them by other numbers */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR_OFF),
		KILL_IF(__NR_kexec_load),
		KILL_IF(__NR_kexec_file_load),
		KILL_IF(__NR_reboot),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]),
				   .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		fprintf(stderr, "nokexec: seccomp: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr,
			"usage: nokexec PROGRAM ARGS... | --self-test\n");
		return 2;
	}
	if (install() < 0)
		return 2;
	if (!strcmp(argv[1], "--self-test")) {
		syscall(SYS_reboot, 0, 0, 0, NULL); /* EINVAL unfiltered */
		return 0;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "nokexec: %s: %s\n", argv[1], strerror(errno));
	return 2;
}
