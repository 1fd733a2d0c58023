/* SPDX-License-Identifier: MIT */
/*
 * hvkit guest-linux initramfs: /init, the first user process (PID 1).
 *
 * It sets up the few kernel filesystems the shell relies on, makes sure the
 * console is on fds 0/1/2, prints a one-line banner and then runs the shell
 * (shell.c). When the shell's input ends (^D), it syncs and powers off.
 * PID 1 must never exit: the kernel panics if it does.
 */
#include "lib.h"

/* Mount `fstype` on `dir`, creating the directory first if needed. */
static void mount_fs(const char *fstype, const char *dir)
{
	long r;

	r = sys_mkdir(dir, 0755);
	if (r < 0 && r != -EEXIST) {
		err_report("init: mkdir", dir, r);
		return;
	}
	r = sys_mount(fstype, dir, fstype, 0, NULL);
	if (r < 0 && r != -EBUSY)
		err_report("init: mount", dir, r);
}

/*
 * The kernel opens /dev/console as fds 0, 1 and 2 before starting /init
 * when the initramfs provides that node (ours does). If it did not, open
 * the console ourselves now that devtmpfs is mounted.
 */
static void ensure_console(void)
{
	long fd = sys_dup(0);

	if (fd >= 0) { /* fd 0 is open: the kernel did its part */
		sys_close((int)fd);
		return;
	}
	fd = sys_open("/dev/console", O_RDWR, 0);
	if (fd < 0)
		return; /* nothing we can print to; carry on regardless */
	if (fd != 0)
		sys_dup2((int)fd, 0);
	sys_dup2(0, 1);
	sys_dup2(0, 2);
}

static void print_banner(void)
{
	struct new_utsname u;
	long cpus = hv_nproc();
	long mem = meminfo_kib("MemTotal");

	out_str("\nhvkit guest-linux: ");
	if (hv_uname(&u) == 0) {
		out_str(u.sysname);
		out_chr(' ');
		out_str(u.release);
		out_chr(' ');
		out_str(u.machine);
	}
	if (cpus > 0) {
		out_str(", ");
		out_u64((uint64_t)cpus);
		out_str(cpus == 1 ? " CPU" : " CPUs");
	}
	if (mem > 0) {
		out_str(", ");
		out_u64((uint64_t)mem);
		out_str(" KiB RAM");
	}
	out_str("\nType 'help' for the list of commands.\n");
	out_flush();
}

int main(void)
{
	mount_fs("devtmpfs", "/dev");
	mount_fs("proc", "/proc");
	mount_fs("sysfs", "/sys");
	ensure_console();
	sys_chdir("/");

	print_banner();
	for (;;) {
		struct timespec pause = { .tv_sec = 1, .tv_nsec = 0 };

		/*
		 * End of input (^D on an empty line) logs out, and with no
		 * one left to log in, that means powering off, as `poweroff`
		 * does. The reboot call does not return when it works.
		 */
		if (shell_run() == 0) {
			long r;

			out_flush();
			hv_sync();
			r = sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
				       LINUX_REBOOT_CMD_POWER_OFF, 0);
			err_report("init: poweroff", NULL, r);
		}
		/* Reading the console failed, or power-off did: retry shortly. */
		hv_nanosleep(&pause);
	}
}
