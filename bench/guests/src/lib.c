/* Runtime of the benchmark guests (see bench.h). */
#include "bench.h"

#define UART_BASE 0x10000000UL
#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20
#define FINISHER_BASE 0x100000UL
#define MTIME_BASE (0x2000000UL + 0xbff8)

static volatile u8 *const uart = (volatile u8 *)UART_BASE;

static void uart_putc(char c) {
  while (!(uart[UART_LSR] & LSR_THRE)) {
  }
  uart[UART_THR] = (u8)c;
}

void putch(char c) {
  if (c == '\n') uart_putc('\r');
  uart_putc(c);
}

void puts(const char *s) {
  while (*s) putch(*s++);
}

void put_udec(u64 u) {
  char buf[24];
  int i = 0;
  do {
    buf[i++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  while (i) putch(buf[--i]);
}

void put_hex32(u32 v) {
  puts("0x");
  for (int s = 28; s >= 0; s -= 4) putch("0123456789abcdef"[(v >> s) & 15]);
}

void put_hex(u64 v) {
  puts("0x");
  for (int s = 60; s >= 0; s -= 4) putch("0123456789abcdef"[(v >> s) & 15]);
}

#ifdef SMODE
/* SBI SRST system_reset: shutdown, reason none (pass) or system failure. */
void exit(int code) {
  register u64 a0 __asm__("a0") = 0;
  register u64 a1 __asm__("a1") = code == 0 ? 0 : 1;
  register u64 a6 __asm__("a6") = 0;
  register u64 a7 __asm__("a7") = 0x53525354;
  __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
  for (;;) __asm__ volatile("wfi");
}
#else
void exit(int code) {
  volatile u32 *fin = (volatile u32 *)FINISHER_BASE;
  *fin = code == 0 ? 0x5555u : (0x3333u | ((u32)code << 16));
  for (;;) __asm__ volatile("wfi");
}
#endif

void trap_handler(u64 mcause, u64 mepc, u64 mtval) {
  puts("\nbench: unexpected trap: mcause=");
  put_hex(mcause);
  puts(" mepc=");
  put_hex(mepc);
  puts(" mtval=");
  put_hex(mtval);
  putch('\n');
  exit(0xee);
}

/* mtime as two 32-bit reads (hi, lo, hi again until hi is stable): works on
 * boards that only allow 32-bit CLINT accesses. */
#ifdef SMODE
/* S-mode: the time CSR (the same 10 MHz mtime, through SBI firmware or htimedelta). */
u64 read_mtime(void) {
  u64 t;
  __asm__ volatile("rdtime %0" : "=r"(t)::"memory");
  return t;
}
#else
u64 read_mtime(void) {
  volatile u32 *mtime = (volatile u32 *)MTIME_BASE;
  u32 hi, lo;
  do {
    hi = mtime[1];
    lo = mtime[0];
  } while (mtime[1] != hi);
  return ((u64)hi << 32) | lo;
}
#endif

void bench_begin(struct bench_timer *t) {
  t->ticks0 = read_mtime();
  t->instret0 = read_minstret();
}

void bench_end(struct bench_timer *t, const char *name, u32 check) {
  u64 instret = read_minstret() - t->instret0;
  u64 ticks = read_mtime() - t->ticks0;
  puts("bench: name=");
  puts(name);
  puts(" instret=");
  put_udec(instret);
  puts(" ticks=");
  put_udec(ticks);
  puts(" check=");
  put_hex32(check);
  putch('\n');
}

void bench_fail(const char *name, int code) {
  puts("bench: FAIL name=");
  puts(name);
  puts(" code=");
  put_udec((u64)code);
  putch('\n');
  exit(code);
}

/* GCC may emit calls to these for aggregate initialisation and copies. */
void *memset(void *d, int c, size_t n) {
  u8 *p = d;
  while (n--) *p++ = (u8)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  u8 *p = d;
  const u8 *q = s;
  while (n--) *p++ = *q++;
  return d;
}
