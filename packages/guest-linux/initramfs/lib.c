/* SPDX-License-Identifier: MIT */
/*
 * hvkit guest-linux initramfs: output, errors, parsing and extra system calls.
 * See lib.h for the conventions.
 */
#include "lib.h"

/* ---- output ---------------------------------------------------------------- */

/*
 * One small buffer in front of write(2). Every write is a trap into the
 * kernel and, on an emulator, a UART transmit path; batching a line at a
 * time keeps the console fast without making output order surprising:
 * the shell flushes before it waits for input and after every command.
 */
static char out_buf[512];
static size_t out_len;
static int out_fd = 1;

void out_flush(void)
{
	size_t done = 0;

	while (done < out_len) {
		ssize_t n = sys_write(out_fd, out_buf + done, out_len - done);

		if (n <= 0)
			break; /* nowhere to report it; drop the rest */
		done += (size_t)n;
	}
	out_len = 0;
}

int out_redirect(int fd)
{
	int old = out_fd;

	out_flush();
	out_fd = fd;
	return old;
}

void out_mem(const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		size_t room = sizeof(out_buf) - out_len;
		size_t k = n < room ? n : room;

		memcpy(out_buf + out_len, s, k);
		out_len += k;
		s += k;
		n -= k;
		if (out_len == sizeof(out_buf))
			out_flush();
	}
}

void out_str(const char *s)
{
	out_mem(s, strlen(s));
}

void out_chr(char c)
{
	out_mem(&c, 1);
}

void out_u64(uint64_t v)
{
	out_u64w(v, 0);
}

void out_u64w(uint64_t v, int width)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (width-- > n)
		out_chr(' ');
	while (n > 0)
		out_chr(digits[--n]);
}

void out_hex(uint64_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";

	while (digits-- > 0)
		out_chr(hex[(v >> (4 * digits)) & 0xf]);
}

/* ---- errors ----------------------------------------------------------------- */

static const struct {
	int code;
	const char *name;
} err_names[] = {
	{ EPERM, "EPERM" },     { ENOENT, "ENOENT" },   { EINTR, "EINTR" },
	{ EIO, "EIO" },         { ENXIO, "ENXIO" },     { E2BIG, "E2BIG" },
	{ EBADF, "EBADF" },     { EAGAIN, "EAGAIN" },   { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },   { EFAULT, "EFAULT" },   { ENOTBLK, "ENOTBLK" },
	{ EBUSY, "EBUSY" },     { EEXIST, "EEXIST" },   { ENODEV, "ENODEV" },
	{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },   { EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" },   { EMFILE, "EMFILE" },   { ENOTTY, "ENOTTY" },
	{ EFBIG, "EFBIG" },     { ENOSPC, "ENOSPC" },   { ESPIPE, "ESPIPE" },
	{ EROFS, "EROFS" },     { ERANGE, "ERANGE" },   { ENOSYS, "ENOSYS" },
	{ ENOTEMPTY, "ENOTEMPTY" }, { ENAMETOOLONG, "ENAMETOOLONG" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { ENETUNREACH, "ENETUNREACH" },
	{ ENETDOWN, "ENETDOWN" }, { EHOSTUNREACH, "EHOSTUNREACH" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" },
};

const char *err_name(long e)
{
	static char unknown[24];
	size_t i;

	if (e < 0)
		e = -e;
	for (i = 0; i < sizeof(err_names) / sizeof(err_names[0]); i++)
		if (err_names[i].code == e)
			return err_names[i].name;
	strcpy(unknown, "errno ");
	u64toa_r((uint64_t)e, unknown + 6);
	return unknown;
}

static void err_write(const char *s)
{
	sys_write(2, s, strlen(s));
}

void err_msg(const char *who, const char *msg)
{
	out_flush();
	err_write(who);
	err_write(": ");
	err_write(msg);
	err_write("\n");
}

void err_report(const char *who, const char *what, long e)
{
	out_flush();
	err_write(who);
	if (what) {
		err_write(": ");
		err_write(what);
	}
	err_write(": ");
	err_write(err_name(e));
	err_write("\n");
}

/* ---- parsing ------------------------------------------------------------------ */

int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		if (v > (~(uint64_t)0 - d) / base)
			return -1; /* overflow */
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* ---- system calls ---------------------------------------------------------------- */

long hv_uname(struct new_utsname *u)
{
	return my_syscall1(__NR_uname, u);
}

long hv_clock_gettime(int clock, struct timespec *ts)
{
	return my_syscall2(__NR_clock_gettime, clock, ts);
}

long hv_nanosleep(const struct timespec *req)
{
	return my_syscall2(__NR_nanosleep, req, NULL);
}

void hv_sync(void)
{
	my_syscall0(__NR_sync);
}

long hv_getcwd(char *buf, size_t size)
{
	return my_syscall2(__NR_getcwd, buf, size);
}

long hv_nproc(void)
{
	unsigned long mask[4]; /* room for 256 CPUs; the kernel has NR_CPUS=8 */
	long n = my_syscall3(__NR_sched_getaffinity, 0, sizeof(mask), mask);
	long count = 0;
	long i;

	if (n < 0)
		return n;
	/* The kernel returns how many bytes of the mask it filled in. */
	for (i = 0; i < n / (long)sizeof(mask[0]); i++) {
		unsigned long w = mask[i];

		while (w) {
			w &= w - 1;
			count++;
		}
	}
	return count;
}

/* ---- sockets ---------------------------------------------------------------------- */

long hv_socket(int domain, int type, int protocol)
{
	return my_syscall3(__NR_socket, domain, type, protocol);
}

long hv_bind(int fd, const struct sockaddr_in *addr)
{
	return my_syscall3(__NR_bind, fd, addr, sizeof(*addr));
}

long hv_sendto(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	return my_syscall6(__NR_sendto, fd, buf, len, 0, to, sizeof(*to));
}

long hv_recvfrom(int fd, void *buf, size_t len, struct sockaddr_in *from)
{
	int from_len = sizeof(*from); /* socklen_t: the kernel reads and updates it */

	return my_syscall6(__NR_recvfrom, fd, buf, len, 0, from, &from_len);
}

long hv_setsockopt(int fd, int level, int name, const void *value, size_t len)
{
	return my_syscall5(__NR_setsockopt, fd, level, name, value, len);
}

/* ---- files ------------------------------------------------------------------------ */

long read_small_file(const char *path, char *buf, size_t cap)
{
	long fd = sys_open(path, O_RDONLY, 0);
	size_t len = 0;

	if (fd < 0)
		return fd;
	while (len + 1 < cap) {
		ssize_t n = sys_read((int)fd, buf + len, cap - 1 - len);

		if (n < 0) {
			sys_close((int)fd);
			return n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	sys_close((int)fd);
	return (long)len;
}

long meminfo_kib(const char *key)
{
	static char info[2048];
	size_t klen = strlen(key);
	long r = read_small_file("/proc/meminfo", info, sizeof(info));
	const char *p = info;

	if (r < 0)
		return r;
	/* Lines look like "MemTotal:         123456 kB". */
	while (*p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			long v = 0;

			p += klen + 1;
			while (*p == ' ')
				p++;
			while (*p >= '0' && *p <= '9')
				v = v * 10 + (*p++ - '0');
			return v;
		}
		while (*p && *p != '\n')
			p++;
		if (*p == '\n')
			p++;
	}
	return -ENOENT;
}
