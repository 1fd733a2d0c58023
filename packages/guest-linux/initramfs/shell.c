/* SPDX-License-Identifier: MIT */
/*
 * hvkit guest-linux initramfs: a tiny built-in shell.
 *
 * Everything runs inside PID 1; there is no fork/exec and no other program
 * in the initramfs. The shell exists to poke at the machine from a test:
 * files under /proc and /sys, the virtio block device, the network (IPv4
 * addresses and UDP datagrams), the clock, the CPU count, and
 * power-off/reboot through the kernel.
 *
 * Input: the console is switched to raw mode and the line editor below
 * echoes characters itself, so a command's echo always appears after the
 * prompt and before the command's output, even when a test types ahead.
 * Backspace (DEL or ^H) erases, ^U erases the line, ^C abandons it, ^D on an
 * empty line ends the input (the shell returns and /init powers off), and
 * ANSI escape sequences (arrow keys) are ignored. CR, LF and CR LF all end a
 * line.
 *
 * Syntax: words separated by blanks; '...' and "..." quote (no expansion),
 * a backslash outside quotes escapes the next character, a word starting
 * with # begins a comment, and `> FILE` / `>> FILE` redirect a command's
 * output. Errors go to fd 2 and are never redirected.
 */
#include "lib.h"
#include <asm/termbits.h>

#define LINE_MAX 256
#define ARGS_MAX 32

/* ---- line input ----------------------------------------------------------- */

static int console_is_tty;

/* Put the console in raw mode (no kernel echo or line editing). */
static void console_setup(void)
{
	struct termios t;

	if (sys_ioctl(0, TCGETS, &t) < 0) {
		console_is_tty = 0; /* not a terminal: read lines, echo nothing */
		return;
	}
	t.c_iflag &= ~(ICRNL | INLCR | IGNCR | IXON);
	t.c_lflag &= ~(ICANON | ECHO | ECHOE | ECHOK | ECHONL | ISIG | IEXTEN);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	sys_ioctl(0, TCSETS, &t);
	console_is_tty = 1;
}

static void echo_str(const char *s)
{
	if (console_is_tty)
		out_str(s);
}

/* What read_line returns at end of input: below every negative errno. */
#define READ_EOF (-4096L)

/*
 * Read one line into `line` (NUL-terminated, without the line ending).
 * Returns its length, READ_EOF at end of input (^D on an empty line, or end
 * of file), or a negative errno if the console cannot be read.
 */
static long read_line(char *line, size_t cap)
{
	static int after_cr; /* swallow the LF of a CR LF pair */
	size_t len = 0;
	int esc = 0; /* 0: normal, 1: after ESC, 2: inside ESC [ ... */

	for (;;) {
		char c;
		ssize_t n;

		out_flush(); /* show the prompt and echoes before blocking */
		n = sys_read(0, &c, 1);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return n;
		if (n == 0) { /* end of file (only when fd 0 is not a tty) */
			if (len == 0)
				return READ_EOF;
			c = '\n';
		}

		if (esc) {
			if (esc == 1 && (c == '[' || c == 'O'))
				esc = 2;
			else if (esc == 2 && ((c >= '0' && c <= '9') || c == ';'))
				; /* parameter bytes */
			else
				esc = 0; /* final byte (or a lone ESC + key): drop it */
			continue;
		}
		if (c == '\n' && after_cr) {
			after_cr = 0;
			continue;
		}
		after_cr = c == '\r';

		switch (c) {
		case '\r':
		case '\n':
			echo_str("\n");
			out_flush(); /* before the command can make the kernel print */
			line[len] = '\0';
			return (long)len;
		case 0x7f: /* DEL, what most terminals send for Backspace */
		case '\b':
			if (len > 0) {
				len--;
				echo_str("\b \b");
			}
			break;
		case 0x15: /* ^U: erase the whole line */
			while (len > 0) {
				len--;
				echo_str("\b \b");
			}
			break;
		case 0x04: /* ^D: end of input on an empty line, else ignored */
			if (len == 0) {
				echo_str("\n");
				out_flush();
				return READ_EOF;
			}
			break;
		case 0x03: /* ^C: abandon the line */
			echo_str("^C\n");
			out_flush();
			line[0] = '\0';
			return 0;
		case 0x1b:
			esc = 1;
			break;
		case '\t':
			c = ' ';
			/* fall through */
		default:
			if (c >= 0x20 && c < 0x7f && len + 1 < cap) {
				line[len++] = c;
				if (console_is_tty)
					out_chr(c);
			}
			break;
		}
	}
}

/* ---- parsing -------------------------------------------------------------- */

struct cmdline {
	int argc;
	char *argv[ARGS_MAX + 1];
	const char *redirect; /* output file, or NULL */
	int append;           /* 1 for >>, 0 for > */
};

/*
 * Split `line` into words in place. Returns 0, or -1 after printing why the
 * line cannot be run.
 */
static int parse_line(char *line, struct cmdline *cl)
{
	char *src = line;
	char *dst = line; /* never ahead of src: words only shrink */
	int want_file = 0;

	cl->argc = 0;
	cl->redirect = NULL;
	cl->append = 0;

	for (;;) {
		char *word = dst;
		int quoted = 0;
		char quote = 0;

		while (*src == ' ')
			src++;
		if (*src == '\0' || *src == '#')
			break;

		for (; *src; src++) {
			char c = *src;

			if (quote) {
				if (c == quote) {
					quote = 0;
					continue;
				}
			} else if (c == '\'' || c == '"') {
				quote = c;
				quoted = 1;
				continue;
			} else if (c == ' ') {
				break;
			} else if (c == '\\' && src[1]) {
				c = *++src;
				quoted = 1;
			}
			*dst++ = c;
		}
		if (quote) {
			err_msg("sh", "unterminated quote");
			return -1;
		}
		if (*src)
			src++; /* step over the blank before overwriting it */
		*dst++ = '\0';

		if (want_file) {
			cl->redirect = word;
			want_file = 0;
		} else if (!quoted && word[0] == '>') {
			cl->append = word[1] == '>';
			word += 1 + cl->append;
			if (*word)
				cl->redirect = word;
			else
				want_file = 1;
		} else if (cl->argc == ARGS_MAX) {
			err_msg("sh", "too many arguments");
			return -1;
		} else {
			cl->argv[cl->argc++] = word;
		}
	}
	if (want_file) {
		err_msg("sh", "missing file name after >");
		return -1;
	}
	cl->argv[cl->argc] = NULL;
	return 0;
}

/* ---- shared helpers for commands ---------------------------------------- */

static int usage(const char *text)
{
	err_msg("usage", text);
	return 2;
}

static int parse_number(const char *cmd, const char *s, uint64_t *v)
{
	if (parse_u64(s, v) == 0)
		return 0;
	err_report(cmd, s, -EINVAL);
	return -1;
}

/* Copy everything readable from `fd` to the output. */
static long copy_to_output(int fd)
{
	char buf[512];

	for (;;) {
		ssize_t n = sys_read(fd, buf, sizeof(buf));

		if (n <= 0)
			return n;
		out_mem(buf, (size_t)n);
	}
}

/*
 * Hex dump `count` bytes of `path` from `offset`, in the layout of
 * `hexdump -C`: offset, 16 bytes in two groups of 8, printable ASCII.
 */
static int hex_dump(const char *cmd, const char *path, uint64_t count, uint64_t offset)
{
	unsigned char buf[512];
	uint64_t pos = offset;
	long fd = sys_open(path, O_RDONLY, 0);

	if (fd < 0) {
		err_report(cmd, path, fd);
		return 1;
	}
	if (offset && sys_lseek((int)fd, (off_t)offset, SEEK_SET) < 0) {
		err_report(cmd, "seek", -ESPIPE);
		sys_close((int)fd);
		return 1;
	}
	while (count > 0) {
		size_t want = count < sizeof(buf) ? (size_t)count : sizeof(buf);
		ssize_t n = sys_read((int)fd, buf, want);
		ssize_t line;

		if (n < 0) {
			err_report(cmd, path, n);
			sys_close((int)fd);
			return 1;
		}
		if (n == 0)
			break; /* end of file or device */
		for (line = 0; line < n; line += 16) {
			int i;

			out_hex(pos + (uint64_t)line, 8);
			out_str("  ");
			for (i = 0; i < 16; i++) {
				if (line + i < n) {
					out_hex(buf[line + i], 2);
					out_chr(' ');
				} else {
					out_str("   ");
				}
				if (i == 7)
					out_chr(' ');
			}
			out_str(" |");
			for (i = 0; i < 16 && line + i < n; i++) {
				unsigned char b = buf[line + i];

				out_chr(b >= 0x20 && b < 0x7f ? (char)b : '.');
			}
			out_str("|\n");
		}
		pos += (uint64_t)n;
		count -= (uint64_t)n;
	}
	out_hex(pos, 8);
	out_chr('\n');
	sys_close((int)fd);
	return 0;
}

/* Two decimal digits, zero-padded (for clock fields). */
static void out_2d(unsigned v)
{
	out_chr((char)('0' + v / 10 % 10));
	out_chr((char)('0' + v % 10));
}

/*
 * Print a UTC time like date(1) in the C locale: "Thu Jan  1 00:00:00 UTC 1970".
 * Calendar conversion after Howard Hinnant's civil_from_days().
 */
static void out_date(int64_t t)
{
	static const char weekdays[] = "ThuFriSatSunMonTueWed"; /* day 0 was a Thursday */
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int64_t days = t / 86400;
	int64_t secs = t % 86400;
	int64_t z, era, doe, yoe, doy, mp, y;
	unsigned d, m;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	y = yoe + era * 400 + (m <= 2);

	out_mem(weekdays + 3 * (((days % 7) + 7) % 7), 3);
	out_chr(' ');
	out_mem(months + 3 * (m - 1), 3);
	out_chr(' ');
	out_u64w(d, 2);
	out_chr(' ');
	out_2d((unsigned)(secs / 3600));
	out_chr(':');
	out_2d((unsigned)(secs / 60 % 60));
	out_chr(':');
	out_2d((unsigned)(secs % 60));
	out_str(" UTC ");
	out_u64((uint64_t)y);
	out_chr('\n');
}

/* ---- commands ------------------------------------------------------------ */

static int cmd_help(int argc, char **argv);

static int cmd_echo(int argc, char **argv)
{
	int newline = 1;
	int i = 1;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = 0;
		i = 2;
	}
	for (; i < argc; i++) {
		out_str(argv[i]);
		if (i + 1 < argc)
			out_chr(' ');
	}
	if (newline)
		out_chr('\n');
	return 0;
}

static int cmd_cat(int argc, char **argv)
{
	int status = 0;
	int i;

	if (argc < 2)
		return usage("cat FILE...");
	for (i = 1; i < argc; i++) {
		long fd = sys_open(argv[i], O_RDONLY, 0);
		long r;

		if (fd < 0) {
			err_report("cat", argv[i], fd);
			status = 1;
			continue;
		}
		r = copy_to_output((int)fd);
		if (r < 0) {
			err_report("cat", argv[i], r);
			status = 1;
		}
		sys_close((int)fd);
	}
	return status;
}

/* List one directory, names sorted, with / after directories, @ after links. */
static int list_dir(const char *path)
{
	static char names[16384];
	static const char *sorted[512];
	static char dents[2048];
	size_t used = 0;
	int count = 0;
	int truncated = 0;
	long fd = sys_open(path, O_RDONLY | O_DIRECTORY, 0);
	int i;

	if (fd < 0) {
		err_report("ls", path, fd);
		return 1;
	}
	for (;;) {
		long n = sys_getdents64((int)fd, (struct linux_dirent64 *)dents, sizeof(dents));
		long off;

		if (n < 0) {
			err_report("ls", path, n);
			sys_close((int)fd);
			return 1;
		}
		if (n == 0)
			break;
		for (off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);
			size_t len = strlen(d->d_name);
			char mark = d->d_type == DT_DIR ? '/' : d->d_type == DT_LNK ? '@' : 0;

			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			if (count == (int)(sizeof(sorted) / sizeof(sorted[0])) ||
			    used + len + 2 > sizeof(names)) {
				truncated = 1;
				continue;
			}
			/* Insertion sort: directories here are small. */
			memcpy(names + used, d->d_name, len);
			names[used + len] = mark;
			names[used + len + (mark ? 1 : 0)] = '\0';
			for (i = count; i > 0 && strcmp(sorted[i - 1], names + used) > 0; i--)
				sorted[i] = sorted[i - 1];
			sorted[i] = names + used;
			count++;
			used += len + 2;
		}
	}
	sys_close((int)fd);
	for (i = 0; i < count; i++) {
		out_str(sorted[i]);
		out_chr('\n');
	}
	if (truncated)
		err_msg("ls", "too many entries, list truncated");
	return 0;
}

static int cmd_ls(int argc, char **argv)
{
	int status = 0;
	int i;

	if (argc < 2)
		return list_dir(".");
	for (i = 1; i < argc; i++) {
		if (argc > 2) {
			out_str(argv[i]);
			out_str(":\n");
		}
		status |= list_dir(argv[i]);
	}
	return status;
}

static int cmd_uname(int argc, char **argv)
{
	struct new_utsname u;
	const char *fields = "s";
	const char *f;
	int first = 1;
	long r;

	if (argc > 2 || (argc == 2 && argv[1][0] != '-'))
		return usage("uname [-asnrvm]");
	if (argc == 2)
		fields = strcmp(argv[1], "-a") == 0 ? "snrvm" : argv[1] + 1;
	r = hv_uname(&u);
	if (r < 0) {
		err_report("uname", NULL, r);
		return 1;
	}
	for (f = fields; *f; f++) {
		const char *v;

		switch (*f) {
		case 's': v = u.sysname; break;
		case 'n': v = u.nodename; break;
		case 'r': v = u.release; break;
		case 'v': v = u.version; break;
		case 'm': v = u.machine; break;
		default: return usage("uname [-asnrvm]");
		}
		if (!first)
			out_chr(' ');
		out_str(v);
		first = 0;
	}
	out_chr('\n');
	return 0;
}

/* poweroff and reboot: flush dirty buffers, then ask the kernel. */
static int power(const char *cmd, unsigned int how)
{
	long r;

	out_flush();
	hv_sync();
	r = sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, how, 0);
	/* Only reached if the kernel refused or could not do it. */
	err_report(cmd, NULL, r);
	return 1;
}

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return power("poweroff", LINUX_REBOOT_CMD_POWER_OFF);
}

static int cmd_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return power("reboot", LINUX_REBOOT_CMD_RESTART);
}

static int cmd_sync(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	hv_sync();
	return 0;
}

/* mount                          - list mounts (/proc/mounts)
 * mount [-t TYPE] [-o ro] SRC DIR - mount SRC on DIR (TYPE defaults to ext2)
 */
static int cmd_mount(int argc, char **argv)
{
	const char *type = "ext2";
	unsigned long flags = 0;
	long r;
	int i = 1;

	if (argc == 1) {
		char *cat_argv[] = { "cat", "/proc/mounts", NULL };

		return cmd_cat(2, cat_argv);
	}
	while (i + 1 < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-t") == 0) {
			type = argv[i + 1];
		} else if (strcmp(argv[i], "-o") == 0 && strcmp(argv[i + 1], "ro") == 0) {
			flags |= MS_RDONLY;
		} else if (!(strcmp(argv[i], "-o") == 0 && strcmp(argv[i + 1], "rw") == 0)) {
			break;
		}
		i += 2;
	}
	if (argc - i != 2)
		return usage("mount [-t TYPE] [-o ro|rw] SOURCE DIR");
	r = sys_mount(argv[i], argv[i + 1], type, flags, NULL);
	if (r < 0) {
		err_report("mount", argv[i], r);
		return 1;
	}
	return 0;
}

static int cmd_umount(int argc, char **argv)
{
	long r;

	if (argc != 2)
		return usage("umount DIR");
	r = sys_umount2(argv[1], 0);
	if (r < 0) {
		err_report("umount", argv[1], r);
		return 1;
	}
	return 0;
}

static int cmd_mkdir(int argc, char **argv)
{
	int status = 0;
	int i;

	if (argc < 2)
		return usage("mkdir DIR...");
	for (i = 1; i < argc; i++) {
		long r = sys_mkdir(argv[i], 0755);

		if (r < 0) {
			err_report("mkdir", argv[i], r);
			status = 1;
		}
	}
	return status;
}

static int cmd_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/";
	long r = sys_chdir(dir);

	if (r < 0) {
		err_report("cd", dir, r);
		return 1;
	}
	return 0;
}

static int cmd_pwd(int argc, char **argv)
{
	char buf[256];
	long r = hv_getcwd(buf, sizeof(buf));

	(void)argc;
	(void)argv;
	if (r < 0) {
		err_report("pwd", NULL, r);
		return 1;
	}
	out_str(buf);
	out_chr('\n');
	return 0;
}

/* hd FILE [COUNT [OFFSET]] - hex dump (COUNT defaults to 256 bytes) */
static int cmd_hd(int argc, char **argv)
{
	uint64_t count = 256;
	uint64_t offset = 0;

	if (argc < 2 || argc > 4)
		return usage("hd FILE [COUNT [OFFSET]]");
	if (argc > 2 && parse_number("hd", argv[2], &count) < 0)
		return 1;
	if (argc > 3 && parse_number("hd", argv[3], &offset) < 0)
		return 1;
	return hex_dump("hd", argv[1], count, offset);
}

/* blkread DEV COUNT [OFFSET] - hex dump COUNT bytes of a block device */
static int cmd_blkread(int argc, char **argv)
{
	uint64_t count;
	uint64_t offset = 0;

	if (argc < 3 || argc > 4)
		return usage("blkread DEV COUNT [OFFSET]");
	if (parse_number("blkread", argv[2], &count) < 0)
		return 1;
	if (argc > 3 && parse_number("blkread", argv[3], &offset) < 0)
		return 1;
	return hex_dump("blkread", argv[1], count, offset);
}

/*
 * blkwrite DEV TEXT [OFFSET] - write TEXT's bytes (no terminator) at OFFSET,
 * then fsync so they reach the device before the command returns.
 */
static int cmd_blkwrite(int argc, char **argv)
{
	uint64_t offset = 0;
	const char *text;
	size_t len;
	size_t done = 0;
	long fd;
	long r;

	if (argc < 3 || argc > 4)
		return usage("blkwrite DEV TEXT [OFFSET]");
	if (argc > 3 && parse_number("blkwrite", argv[3], &offset) < 0)
		return 1;
	text = argv[2];
	len = strlen(text);

	fd = sys_open(argv[1], O_WRONLY, 0);
	if (fd < 0) {
		err_report("blkwrite", argv[1], fd);
		return 1;
	}
	if (sys_lseek((int)fd, (off_t)offset, SEEK_SET) < 0) {
		err_report("blkwrite", "seek", -EINVAL);
		sys_close((int)fd);
		return 1;
	}
	while (done < len) {
		ssize_t n = sys_write((int)fd, text + done, len - done);

		if (n <= 0) {
			err_report("blkwrite", argv[1], n < 0 ? n : -ENOSPC);
			sys_close((int)fd);
			return 1;
		}
		done += (size_t)n;
	}
	r = sys_fsync((int)fd);
	sys_close((int)fd);
	if (r < 0) {
		err_report("blkwrite", "fsync", r);
		return 1;
	}
	out_str("blkwrite: ");
	out_u64(len);
	out_str(" bytes at offset ");
	out_u64(offset);
	out_chr('\n');
	return 0;
}

/* blksize DEV - size of a block device in bytes */
static int cmd_blksize(int argc, char **argv)
{
	uint64_t size = 0;
	long fd;
	long r;

	if (argc != 2)
		return usage("blksize DEV");
	fd = sys_open(argv[1], O_RDONLY, 0);
	if (fd < 0) {
		err_report("blksize", argv[1], fd);
		return 1;
	}
	r = sys_ioctl((int)fd, BLKGETSIZE64, &size);
	sys_close((int)fd);
	if (r < 0) {
		err_report("blksize", argv[1], r);
		return 1;
	}
	out_u64(size);
	out_chr('\n');
	return 0;
}

/* free - memory summary from /proc/meminfo, in KiB */
static int cmd_free(int argc, char **argv)
{
	long total = meminfo_kib("MemTotal");
	long avail = meminfo_kib("MemAvailable");
	long mfree = meminfo_kib("MemFree");

	(void)argc;
	(void)argv;
	if (total < 0 || mfree < 0) {
		err_report("free", "/proc/meminfo", total < 0 ? total : mfree);
		return 1;
	}
	if (avail < 0)
		avail = mfree;
	out_str("          total       used       free  available\n");
	out_str("Mem:");
	out_u64w((uint64_t)total, 11);
	out_u64w((uint64_t)(total - mfree), 11);
	out_u64w((uint64_t)mfree, 11);
	out_u64w((uint64_t)avail, 11);
	out_chr('\n');
	return 0;
}

/* sleep SECONDS[.FRACTION] */
static int cmd_sleep(int argc, char **argv)
{
	struct timespec ts = { 0, 0 };
	const char *p;
	long scale = 100000000; /* nanoseconds per first fraction digit */
	long r;

	if (argc != 2)
		return usage("sleep SECONDS[.FRACTION]");
	for (p = argv[1]; *p >= '0' && *p <= '9'; p++)
		ts.tv_sec = ts.tv_sec * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			ts.tv_nsec += (*p - '0') * scale;
	if (*p != '\0' || p == argv[1]) {
		err_report("sleep", argv[1], -EINVAL);
		return 1;
	}
	r = hv_nanosleep(&ts);
	if (r < 0) {
		err_report("sleep", NULL, r);
		return 1;
	}
	return 0;
}

/* date [+%s] - wall-clock time (UTC), or seconds since the epoch */
static int cmd_date(int argc, char **argv)
{
	struct timespec ts;
	long r = hv_clock_gettime(CLOCK_REALTIME, &ts);

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "+%s") != 0))
		return usage("date [+%s]");
	if (r < 0) {
		err_report("date", NULL, r);
		return 1;
	}
	if (argc == 2) {
		out_u64((uint64_t)ts.tv_sec);
		out_chr('\n');
	} else {
		out_date(ts.tv_sec);
	}
	return 0;
}

/* nproc - CPUs available to this process */
static int cmd_nproc(int argc, char **argv)
{
	long n = hv_nproc();

	(void)argc;
	(void)argv;
	if (n < 0) {
		err_report("nproc", NULL, n);
		return 1;
	}
	out_u64((uint64_t)n);
	out_chr('\n');
	return 0;
}

/* ---- network ------------------------------------------------------------- */

/* Parse a dotted-quad IPv4 address into network byte order. Returns 0 on success. */
static int parse_ipv4(const char *s, uint32_t *out)
{
	uint32_t addr = 0;
	int part;

	for (part = 0; part < 4; part++) {
		uint32_t v = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 3) {
			v = v * 10 + (uint32_t)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || v > 255 || *s != (part < 3 ? '.' : '\0'))
			return -1;
		if (part < 3)
			s++;
		addr = addr << 8 | v;
	}
	*out = hv_htonl(addr);
	return 0;
}

/* Print an IPv4 address given in network byte order as a dotted quad. */
static void out_ipv4(uint32_t be)
{
	const unsigned char *b = (const unsigned char *)&be;
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			out_chr('.');
		out_u64(b[i]);
	}
}

static void set_sockaddr(struct sockaddr_in *sa, uint32_t addr_be, uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = HV_AF_INET;
	sa->sin_port = hv_htons(port);
	sa->sin_addr.s_addr = addr_be;
}

/* A port number, 1 to 65535; reports a bad one as "cmd: TEXT: EINVAL". */
static int parse_port(const char *cmd, const char *s, uint16_t *port)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0 || v == 0 || v > 65535) {
		err_report(cmd, s, -EINVAL);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

/* A UDP socket for the commands below (also the handle interface ioctls need). */
static long udp_socket(const char *cmd)
{
	long fd = hv_socket(HV_AF_INET, HV_SOCK_DGRAM, 0);

	if (fd < 0)
		err_report(cmd, "socket", fd);
	return fd;
}

/* One interface ioctl on `name`; `ifr` carries the argument and the result. */
static long if_ioctl(int fd, const char *name, unsigned long req, struct hv_ifreq *ifr)
{
	memset(ifr->name, 0, sizeof(ifr->name));
	strncpy(ifr->name, name, sizeof(ifr->name) - 1);
	return sys_ioctl(fd, req, ifr);
}

/* Set or clear IFF_UP on interface `name`. */
static long if_set_up(int fd, const char *name, int up)
{
	struct hv_ifreq ifr;
	long r;

	memset(&ifr, 0, sizeof(ifr));
	r = if_ioctl(fd, name, SIOCGIFFLAGS, &ifr);
	if (r < 0)
		return r;
	if (up)
		ifr.u.flags |= HV_IFF_UP;
	else
		ifr.u.flags &= ~HV_IFF_UP;
	return if_ioctl(fd, name, SIOCSIFFLAGS, &ifr);
}

/* Print one line about interface `name`: state, IPv4 address and mask, MAC. */
static void if_show(int fd, const char *name)
{
	struct hv_ifreq ifr;
	int i;

	out_str(name);
	out_chr(':');
	memset(&ifr, 0, sizeof(ifr));
	if (if_ioctl(fd, name, SIOCGIFFLAGS, &ifr) == 0)
		out_str(ifr.u.flags & HV_IFF_UP ? " UP" : " DOWN");
	memset(&ifr, 0, sizeof(ifr));
	if (if_ioctl(fd, name, SIOCGIFADDR, &ifr) == 0) { /* EADDRNOTAVAIL: none */
		out_str(" inet ");
		out_ipv4(ifr.u.addr.sin_addr.s_addr);
		memset(&ifr, 0, sizeof(ifr));
		if (if_ioctl(fd, name, SIOCGIFNETMASK, &ifr) == 0) {
			out_str(" netmask ");
			out_ipv4(ifr.u.addr.sin_addr.s_addr);
		}
	}
	memset(&ifr, 0, sizeof(ifr));
	if (if_ioctl(fd, name, SIOCGIFHWADDR, &ifr) == 0 && ifr.u.hwaddr.family == 1) {
		out_str(" ether "); /* ARPHRD_ETHER; the loopback has no MAC address */
		for (i = 0; i < 6; i++) {
			if (i)
				out_chr(':');
			out_hex(ifr.u.hwaddr.data[i], 2);
		}
	}
	out_chr('\n');
}

/* List every interface, in the order /sys/class/net gives them. */
static int if_list(int fd)
{
	static char dents[1024];
	long dir = sys_open("/sys/class/net", O_RDONLY | O_DIRECTORY, 0);

	if (dir < 0) {
		err_report("ifconfig", "/sys/class/net", dir);
		return 1;
	}
	for (;;) {
		long n = sys_getdents64((int)dir, (struct linux_dirent64 *)dents, sizeof(dents));
		long off;

		if (n <= 0)
			break;
		for (off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);

			off += d->d_reclen;
			if (d->d_name[0] != '.')
				if_show(fd, d->d_name);
		}
	}
	sys_close((int)dir);
	return 0;
}

/*
 * Give interface `name` the address `addr_s` (and netmask `mask_s`, if not
 * NULL), bring it up, and bring the loopback up too.
 */
static int if_configure(int fd, const char *name, const char *addr_s, const char *mask_s)
{
	struct hv_ifreq ifr;
	uint32_t addr, mask = 0;
	long r;

	if (parse_ipv4(addr_s, &addr) < 0) {
		err_report("ifconfig", addr_s, -EINVAL);
		return 1;
	}
	if (mask_s && parse_ipv4(mask_s, &mask) < 0) {
		err_report("ifconfig", mask_s, -EINVAL);
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	set_sockaddr(&ifr.u.addr, addr, 0);
	r = if_ioctl(fd, name, SIOCSIFADDR, &ifr);
	if (r == 0 && mask_s) {
		memset(&ifr, 0, sizeof(ifr));
		set_sockaddr(&ifr.u.addr, mask, 0);
		r = if_ioctl(fd, name, SIOCSIFNETMASK, &ifr);
	}
	if (r == 0)
		r = if_set_up(fd, name, 1);
	if (r < 0) {
		err_report("ifconfig", name, r);
		return 1;
	}
	/* The kernel gives lo 127.0.0.1/8 when it comes up. */
	r = if_set_up(fd, "lo", 1);
	if (r < 0)
		err_report("ifconfig", "lo", r);
	return 0;
}

/*
 * ifconfig                      - list interfaces, their state and addresses
 * ifconfig IFACE up|down        - bring an interface up or down
 * ifconfig IFACE ADDR [NETMASK] - set the IPv4 address (and netmask; without
 *                                 it the kernel picks the class default,
 *                                 /8 for 10.x.x.x) and bring IFACE and the
 *                                 loopback up
 */
static int cmd_ifconfig(int argc, char **argv)
{
	int status = 0;
	long fd;
	long r;

	if (argc > 4)
		return usage("ifconfig [IFACE up|down | IFACE ADDR [NETMASK]]");
	fd = udp_socket("ifconfig");
	if (fd < 0)
		return 1;
	if (argc == 1) {
		status = if_list((int)fd);
	} else if (argc == 2) {
		if_show((int)fd, argv[1]);
	} else if (argc == 3 && (strcmp(argv[2], "up") == 0 || strcmp(argv[2], "down") == 0)) {
		r = if_set_up((int)fd, argv[1], argv[2][0] == 'u');
		if (r < 0) {
			err_report("ifconfig", argv[1], r);
			status = 1;
		}
	} else {
		status = if_configure((int)fd, argv[1], argv[2], argc == 4 ? argv[3] : NULL);
	}
	sys_close((int)fd);
	return status;
}

/* udpsend ADDR PORT TEXT - send TEXT (no terminator) as one UDP datagram */
static int cmd_udpsend(int argc, char **argv)
{
	struct sockaddr_in to;
	uint32_t addr;
	uint16_t port;
	size_t len;
	long fd;
	long r;

	if (argc != 4)
		return usage("udpsend ADDR PORT TEXT");
	if (parse_ipv4(argv[1], &addr) < 0) {
		err_report("udpsend", argv[1], -EINVAL);
		return 1;
	}
	if (parse_port("udpsend", argv[2], &port) < 0)
		return 1;
	fd = udp_socket("udpsend");
	if (fd < 0)
		return 1;
	set_sockaddr(&to, addr, port);
	len = strlen(argv[3]);
	r = hv_sendto((int)fd, argv[3], len, &to);
	sys_close((int)fd);
	if (r < 0) {
		err_report("udpsend", argv[1], r);
		return 1;
	}
	out_str("udpsend: ");
	out_u64(len);
	out_str(" bytes to ");
	out_ipv4(addr);
	out_chr(':');
	out_u64(port);
	out_chr('\n');
	return 0;
}

/*
 * udprecv PORT [TIMEOUT_S] - wait for one UDP datagram on PORT (any local
 * address) and print it as "udprecv: FROM-ADDR: TEXT", bytes outside
 * printable ASCII shown as '.'. Fails after TIMEOUT_S seconds (default 10;
 * 0 waits for ever) with "udprecv: timed out".
 */
static int cmd_udprecv(int argc, char **argv)
{
	static unsigned char buf[2048];
	struct sockaddr_in local, from;
	struct timeval timeout = { 10, 0 };
	uint64_t secs;
	uint16_t port;
	long fd;
	long n;
	long i;

	if (argc < 2 || argc > 3)
		return usage("udprecv PORT [TIMEOUT_S]");
	if (parse_port("udprecv", argv[1], &port) < 0)
		return 1;
	if (argc == 3) {
		if (parse_number("udprecv", argv[2], &secs) < 0)
			return 1;
		timeout.tv_sec = (long)secs; /* { 0, 0 } means no timeout */
	}
	fd = udp_socket("udprecv");
	if (fd < 0)
		return 1;
	set_sockaddr(&local, 0, port); /* INADDR_ANY */
	n = hv_bind((int)fd, &local);
	if (n == 0)
		n = hv_setsockopt((int)fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	if (n < 0) {
		err_report("udprecv", argv[1], n);
		sys_close((int)fd);
		return 1;
	}
	do
		n = hv_recvfrom((int)fd, buf, sizeof(buf), &from);
	while (n == -EINTR);
	sys_close((int)fd);
	if (n == -EAGAIN) { /* SO_RCVTIMEO expired */
		err_msg("udprecv", "timed out");
		return 1;
	}
	if (n < 0) {
		err_report("udprecv", NULL, n);
		return 1;
	}
	out_str("udprecv: ");
	out_ipv4(from.sin_addr.s_addr);
	out_str(": ");
	for (i = 0; i < n; i++)
		out_chr(buf[i] >= 0x20 && buf[i] < 0x7f ? (char)buf[i] : '.');
	out_chr('\n');
	return 0;
}

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "help", cmd_help, "help                        this list" },
	{ "echo", cmd_echo, "echo [-n] [WORD...]         print words" },
	{ "cat", cmd_cat, "cat FILE...                 print files" },
	{ "ls", cmd_ls, "ls [DIR...]                 list directories (sorted)" },
	{ "cd", cmd_cd, "cd [DIR]                    change directory" },
	{ "pwd", cmd_pwd, "pwd                         print working directory" },
	{ "mkdir", cmd_mkdir, "mkdir DIR...                make directories" },
	{ "mount", cmd_mount, "mount [-t TYPE] [-o ro] SRC DIR   or no args to list" },
	{ "umount", cmd_umount, "umount DIR                  unmount" },
	{ "sync", cmd_sync, "sync                        flush file system buffers" },
	{ "hd", cmd_hd, "hd FILE [COUNT [OFFSET]]    hex dump a file" },
	{ "blkread", cmd_blkread, "blkread DEV COUNT [OFFSET]  hex dump a block device" },
	{ "blkwrite", cmd_blkwrite, "blkwrite DEV TEXT [OFFSET]  write TEXT to a block device" },
	{ "blksize", cmd_blksize, "blksize DEV                 block device size in bytes" },
	{ "free", cmd_free, "free                        memory in KiB" },
	{ "uname", cmd_uname, "uname [-asnrvm]             system information" },
	{ "nproc", cmd_nproc, "nproc                       number of CPUs" },
	{ "ifconfig", cmd_ifconfig, "ifconfig [IFACE [ADDR [MASK] | up | down]]  network interfaces" },
	{ "udpsend", cmd_udpsend, "udpsend ADDR PORT TEXT      send one UDP datagram" },
	{ "udprecv", cmd_udprecv, "udprecv PORT [TIMEOUT_S]    print the first UDP datagram" },
	{ "date", cmd_date, "date [+%s]                  current time (UTC)" },
	{ "sleep", cmd_sleep, "sleep SECONDS[.FRACTION]    wait" },
	{ "poweroff", cmd_poweroff, "poweroff                    sync and power off" },
	{ "reboot", cmd_reboot, "reboot                      sync and reboot" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int cmd_help(int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < NCOMMANDS; i++) {
		out_str(commands[i].help);
		out_chr('\n');
	}
	out_str("Quote with '...' or \"...\"; redirect output with > FILE or >> FILE.\n");
	return 0;
}

/* ---- main loop ------------------------------------------------------------ */

static void run_line(char *line)
{
	struct cmdline cl;
	const struct command *cmd = NULL;
	long fd = -1;
	int saved = -1;
	size_t i;

	if (parse_line(line, &cl) < 0 || cl.argc == 0)
		return;
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, cl.argv[0]) == 0)
			cmd = &commands[i];
	if (!cmd) {
		static const char suffix[] = ": not found";
		static char what[LINE_MAX + sizeof(suffix)];
		size_t len = strlen(cl.argv[0]); /* < LINE_MAX: it came from the line */

		memcpy(what, cl.argv[0], len);
		memcpy(what + len, suffix, sizeof(suffix));
		err_msg("sh", what);
		return;
	}
	if (cl.redirect) {
		int flags = O_WRONLY | O_CREAT | (cl.append ? O_APPEND : O_TRUNC);

		fd = sys_open(cl.redirect, flags, 0644);
		if (fd < 0) {
			err_report("sh", cl.redirect, fd);
			return;
		}
		saved = out_redirect((int)fd);
	}
	cmd->run(cl.argc, cl.argv);
	if (fd >= 0) {
		out_redirect(saved); /* flushes into the file first */
		sys_close((int)fd);
	}
	out_flush();
}

long shell_run(void)
{
	static char line[LINE_MAX];

	console_setup();
	for (;;) {
		long r;

		out_str(SHELL_PROMPT);
		r = read_line(line, sizeof(line));
		if (r == READ_EOF)
			return 0;
		if (r < 0)
			return r;
		run_line(line);
	}
}
