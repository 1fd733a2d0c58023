/* Minimal freestanding runtime for the C guest programs: NS16550A UART at
 * 0x10000000 (polled, no init), SiFive test finisher at 0x100000. */
#ifndef HVKIT_GUEST_LIB_H
#define HVKIT_GUEST_LIB_H

typedef unsigned long size_t;
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;

void uart_putc(char c);       /* raw byte */
int uart_getc(void);          /* blocks until a byte is received */
void putch(char c);           /* '\n' is sent as "\r\n" */
void puts(const char *s);     /* no newline added */
void put_dec(long v);
void put_hex(u64 v);          /* "0x" + 16 hex digits */
__attribute__((noreturn)) void exit(int code); /* 0 -> 0x5555, n -> 0x3333 | n << 16 */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

int main(u64 hartid, u64 dtb);

#endif
