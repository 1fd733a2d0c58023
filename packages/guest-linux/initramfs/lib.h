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

/* ---- files ---------------------------------------------------------------- */

/* Read up to cap-1 bytes of a file into buf and NUL-terminate it. */
long read_small_file(const char *path, char *buf, size_t cap);
/* Value in kB of a /proc/meminfo line such as "MemTotal", or <0. */
long meminfo_kib(const char *key);

/* ---- the shell ------------------------------------------------------------- */

#define SHELL_PROMPT "~ # "

/* Read commands from fd 0 and run them, forever. */
void shell_run(void);

#endif /* HVKIT_INIT_LIB_H */
