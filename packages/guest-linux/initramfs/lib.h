/* SPDX-License-Identifier: MIT */
/*
 * hvkit guest-linux initramfs: shared helpers.
 *
 * The init program is built against the kernel's own tools/include/nolibc
 * (from the same linux-source-6.1 tree as the kernel) and the kernel's UAPI
 * headers; there is no libc. nolibc in 6.1 is small, so this file declares
 * the few extra pieces the shell needs: buffered output, error names, number
 * parsing, and wrappers for system calls nolibc 6.1 does not cover yet.
 *
 * Error convention: functions named hv_* (and nolibc's sys_*) return a
 * negative errno value on failure, never -1 with errno set. nolibc keeps one
 * `errno` per translation unit, so relying on it across files would be
 * fragile.
 */
#ifndef HVKIT_INIT_LIB_H
#define HVKIT_INIT_LIB_H

#include <nolibc.h>
#include <asm/socket.h>
#include <linux/in.h>
#include <linux/sockios.h>
#include <linux/utsname.h>

/* ---- output -------------------------------------------------------------- */

/* Buffered writes to the current output fd (1 unless redirected). */
void out_mem(const void *p, size_t n);
void out_str(const char *s);
void out_chr(char c);
void out_u64(uint64_t v);
/* Decimal, right-aligned in a field of `width` characters. */
void out_u64w(uint64_t v, int width);
/* Hexadecimal, zero-padded to `digits` digits, no prefix. */
void out_hex(uint64_t v, int digits);
void out_flush(void);
/* Flush, then send further output to `fd`. Returns the previous fd. */
int out_redirect(int fd);

/*
 * Report an error as "who: what: ENAME" on fd 2 (after flushing normal
 * output so the two stay in order). `what` may be NULL; `e` is a negative
 * errno value.
 */
void err_report(const char *who, const char *what, long e);
/* Print "who: message" on fd 2. */
void err_msg(const char *who, const char *msg);
/* Symbolic name ("ENOENT") for a positive or negative errno value. */
const char *err_name(long e);

/* ---- parsing -------------------------------------------------------------- */

/* Parse a decimal or 0x-prefixed hexadecimal number. Returns 0 on success. */
int parse_u64(const char *s, uint64_t *out);

/* ---- system calls nolibc 6.1 lacks ---------------------------------------- */

long hv_uname(struct new_utsname *u);
long hv_clock_gettime(int clock, struct timespec *ts);
long hv_nanosleep(const struct timespec *req);
void hv_sync(void);
long hv_getcwd(char *buf, size_t size);
/* Number of CPUs this process may run on (sched_getaffinity), or <0. */
long hv_nproc(void);

/* ---- sockets (nolibc 6.1 has none of these) -------------------------------- */

/*
 * The libc-side constants and structures the UAPI headers leave out: the
 * address family and socket type, and struct ifreq (<linux/if.h> needs a
 * libc's <sys/socket.h>, which nolibc does not have). The layout matches the
 * kernel's struct ifreq on a 64-bit target: a 16-byte name, then a 24-byte
 * union (sized by struct ifmap).
 */
#define HV_AF_INET 2
#define HV_SOCK_DGRAM 2
#define HV_IFF_UP 0x1
#define HV_IFNAMSIZ 16

struct hv_ifreq {
	char name[HV_IFNAMSIZ];
	union {
		struct sockaddr_in addr;
		short flags;
		struct {
			unsigned short family;
			unsigned char data[14];
		} hwaddr;
		char pad[24];
	} u;
};

long hv_socket(int domain, int type, int protocol);
long hv_bind(int fd, const struct sockaddr_in *addr);
long hv_sendto(int fd, const void *buf, size_t len, const struct sockaddr_in *to);
/* Receives one datagram; stores the sender in *from. Returns its length or <0. */
long hv_recvfrom(int fd, void *buf, size_t len, struct sockaddr_in *from);
long hv_setsockopt(int fd, int level, int name, const void *value, size_t len);

/* Network byte order (RISC-V Linux is little-endian). */
static inline uint16_t hv_htons(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

static inline uint32_t hv_htonl(uint32_t v)
{
	return (uint32_t)hv_htons((uint16_t)v) << 16 | hv_htons((uint16_t)(v >> 16));
}

/* ---- files ---------------------------------------------------------------- */

/* Read up to cap-1 bytes of a file into buf and NUL-terminate it. */
long read_small_file(const char *path, char *buf, size_t cap);
/* Value in kB of a /proc/meminfo line such as "MemTotal", or <0. */
long meminfo_kib(const char *key);

/* ---- the shell ------------------------------------------------------------- */

#define SHELL_PROMPT "~ # "

/*
 * Read commands from fd 0 and run them. Returns 0 at end of input (^D on an
 * empty line, or end of file), or a negative errno if fd 0 cannot be read.
 */
long shell_run(void);

#endif /* HVKIT_INIT_LIB_H */
