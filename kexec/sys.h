/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one place where kexec makes the system calls that load, unload or
 * jump: kexec_load, kexec_file_load, reboot, and what precedes a jump
 * (sync, interfaces down, shutdown). main() picks a backend once: the
 * live one, or the dry run's, which only says what it would do, so a dry
 * run cannot reach the kernel whatever the options (tests/tools/nokexec).
 */
#ifndef GK_KEXEC_SYS_H
#define GK_KEXEC_SYS_H

#include <stdbool.h>
#include <linux/kexec.h>

#ifndef KEXEC_FILE_UNLOAD
#define KEXEC_FILE_UNLOAD 0x00000001
#endif
#ifndef KEXEC_FILE_ON_CRASH
#define KEXEC_FILE_ON_CRASH 0x00000002
#endif
#ifndef KEXEC_FILE_NO_INITRAMFS
#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#endif

struct kx_sys {
	const char *name; /* "live" or "dry run" */
	/* the system calls: 0, or -1 with errno set */
	long (*kexec_load)(unsigned long entry, unsigned long nseg,
			   struct kexec_segment *segs, unsigned long flags);
	long (*kexec_file_load)(int kernel_fd, int initrd_fd,
				unsigned long cmdline_len, const char *cmdline,
				unsigned long flags);
	long (*reboot_kexec)(void);
	/* exec shutdown -r now; returns only on failure (errno set) */
	int (*shutdown)(void);
	void (*sync)(void);
	void (*ifdown)(void);
	/* /sys/kernel/kexec{,_crash}_loaded: 1, 0, or -1 when unreadable */
	int (*loaded)(bool crash);
};

extern const struct kx_sys kx_sys_live;
extern const struct kx_sys kx_sys_dry;

/*
 * kexec-tools' kexec_loaded(): the number in @path, or -1 when the file
 * is missing or holds none (kexec -S exits with it: 255)
 */
int kx_sys_read_loaded(const char *path);

/*
 * Whether auto mode (-a) retries with kexec_load after kexec_file_load
 * failed with @err: kexec-tools 2.0.32's list (not there, or an image or
 * option the kernel cannot parse), never on a signature or permission
 * refusal, which kexec_load would not lift.
 */
bool kx_file_load_falls_back(int err);

#endif
