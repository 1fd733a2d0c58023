/* Freestanding runtime for the C guest programs (see lib.h). */
#include "lib.h"

#define UART_BASE 0x10000000UL
#define UART_THR 0
#define UART_RBR 0
#define UART_LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define FINISHER_BASE 0x100000UL

static volatile u8 *const uart = (volatile u8 *)UART_BASE;

void uart_putc(char c) {
  while (!(uart[UART_LSR] & LSR_THRE)) {
  }
  uart[UART_THR] = (u8)c;
}

int uart_getc(void) {
  while (!(uart[UART_LSR] & LSR_DR)) {
  }
  return uart[UART_RBR];
}

void putch(char c) {
  if (c == '\n') uart_putc('\r');
  uart_putc(c);
}

void puts(const char *s) {
  while (*s) putch(*s++);
}

void put_dec(long v) {
  char buf[24];
  int i = 0;
  unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
  if (v < 0) putch('-');
  do {
    buf[i++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  while (i) putch(buf[--i]);
}

void put_hex(u64 v) {
  puts("0x");
  for (int s = 60; s >= 0; s -= 4) putch("0123456789abcdef"[(v >> s) & 15]);
}

void exit(int code) {
  volatile u32 *fin = (volatile u32 *)FINISHER_BASE;
  *fin = code == 0 ? 0x5555u : (0x3333u | ((u32)code << 16));
  for (;;) __asm__ volatile("wfi");
}

void trap_handler(u64 mcause, u64 mepc, u64 mtval) {
  puts("\nunexpected trap: mcause=");
  put_hex(mcause);
  puts(" mepc=");
  put_hex(mepc);
  puts(" mtval=");
  put_hex(mtval);
  putch('\n');
  exit(0xee);
}

void *memset(void *d, int c, size_t n) {
  volatile u8 *p = d;
  while (n--) *p++ = (u8)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  volatile u8 *p = d;
  const u8 *q = s;
  while (n--) *p++ = *q++;
  return d;
}
