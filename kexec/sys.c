// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The live and the dry-run backends of struct kx_sys (sys.h). Nothing
 * else in kexec makes these system calls.
 */
#include <errno.h>
#include <limits.h>
#include <linux/reboot.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys.h"

#define LOADED "/sys/kernel/kexec_loaded"
#define CRASH_LOADED "/sys/kernel/kexec_crash_loaded"

bool kx_file_load_falls_back(int err)
{
	switch (err) {
	case ENOSYS: /* no CONFIG_KEXEC_FILE */
	case EINVAL: /* an image or option the kernel cannot parse */
	case ENOEXEC:
	case ENOTSUP: /* an image kind or signature wrapper it lacks */
		return true;
	default: /* EPERM, EKEYREJECTED, ENOKEY, EBADMSG...: refused */
		return false;
	}
}

int kx_sys_read_loaded(const char *path)
{
	char line[3], *end;
	long v;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	v = strtol(line, &end, 10);
	return end == line || v > INT_MAX || v < INT_MIN ? -1 : (int)v;
}

static int loaded(bool crash)
{
	return kx_sys_read_loaded(crash ? CRASH_LOADED : LOADED);
}

static long live_kexec_load(unsigned long entry, unsigned long nseg,
			    struct kexec_segment *segs, unsigned long flags)
{
	return syscall(SYS_kexec_load, entry, nseg, segs, flags);
}

static long live_kexec_file_load(int kernel_fd, int initrd_fd,
				 unsigned long cmdline_len, const char *cmdline,
				 unsigned long flags)
{
#ifdef SYS_kexec_file_load
	return syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, cmdline_len,
		       cmdline, flags);
#else
	(void)kernel_fd, (void)initrd_fd, (void)cmdline_len, (void)cmdline;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static long live_reboot_kexec(void)
{
	return syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		       LINUX_REBOOT_CMD_KEXEC, NULL);
}

/* kexec-tools' search: a clean shutdown, which systemd turns into kexec */
static int live_shutdown(void)
{
	static const char *const paths[] = { "/sbin/shutdown", "/etc/shutdown",
					     "/bin/shutdown" };
	char *const args[] = { "shutdown", "-r", "now", NULL };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		execv(paths[i], args);
	return -1;
}

static void live_sync(void)
{
	sync();
}

static int down_one(int fd, const char *name)
{
	struct ifreq ifr = { 0 };

	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.ifr_flags &= ~IFF_UP;
	return ioctl(fd, SIOCSIFFLAGS, &ifr);
}

/*
 * As kexec-tools' ifdown(): every interface but lo and aliases (a ':'
 * in the name), shaper devices first (down before the interface they
 * shape); stops at the first failure, named, and the jump goes on.
 */
static void live_ifdown(void)
{
	struct if_nameindex *ifa, *ifp;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ifa = fd < 0 ? NULL : if_nameindex();
	for (int shaper = 1; ifa && shaper >= 0; shaper--)
		for (ifp = ifa; ifp->if_index; ifp++) {
			if ((strncmp(ifp->if_name, "shaper", 6) == 0) !=
				    shaper ||
			    !strcmp(ifp->if_name, "lo") ||
			    strchr(ifp->if_name, ':'))
				continue;
			if (down_one(fd, ifp->if_name) < 0) {
				fprintf(stderr, "kexec: ifdown %s: %s\n",
					ifp->if_name, strerror(errno));
				shaper = -1;
				break;
			}
		}
	if (ifa)
		if_freenameindex(ifa);
	if (fd >= 0)
		close(fd);
}

const struct kx_sys kx_sys_live = {
	.name = "live",
	.kexec_load = live_kexec_load,
	.kexec_file_load = live_kexec_file_load,
	.reboot_kexec = live_reboot_kexec,
	.shutdown = live_shutdown,
	.sync = live_sync,
	.ifdown = live_ifdown,
	.loaded = loaded,
};

/* The dry run: each step said on stderr, none made. */
static void say(const char *what)
{
	fprintf(stderr, "kexec: dry run: would %s\n", what);
}

static long dry_kexec_load(unsigned long entry, unsigned long nseg,
			   struct kexec_segment *segs, unsigned long flags)
{
	(void)entry, (void)nseg, (void)segs;
	say(flags & KEXEC_ON_CRASH ? "kexec_load (crash)" : "kexec_load");
	return 0;
}

static long dry_kexec_file_load(int kernel_fd, int initrd_fd,
				unsigned long cmdline_len, const char *cmdline,
				unsigned long flags)
{
	static const char *const what[] = { "kexec_file_load",
					    "kexec_file_load (unload)",
					    "kexec_file_load (crash)",
					    "kexec_file_load (unload, crash)" };

	(void)kernel_fd, (void)initrd_fd, (void)cmdline_len, (void)cmdline;
	say(what[flags & (KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH)]);
	return 0;
}

static long dry_reboot_kexec(void)
{
	say("reboot(LINUX_REBOOT_CMD_KEXEC)");
	return 0;
}

static int dry_shutdown(void)
{
	say("run shutdown -r now (/sbin, /etc, then /bin)");
	return 0;
}

static void dry_sync(void)
{
	say("sync");
}

static void dry_ifdown(void)
{
	say("take the network interfaces down");
}

/* as if the load had worked: the plan is there, not the kernel's answer */
static int dry_loaded(bool crash)
{
	(void)crash;
	return 1;
}

const struct kx_sys kx_sys_dry = {
	.name = "dry run",
	.kexec_load = dry_kexec_load,
	.kexec_file_load = dry_kexec_file_load,
	.reboot_kexec = dry_reboot_kexec,
	.shutdown = dry_shutdown,
	.sync = dry_sync,
	.ifdown = dry_ifdown,
	.loaded = dry_loaded,
};
