/* Freestanding runtime for the benchmark guests: NS16550A UART at 0x10000000
 * (polled, no init), SiFive test finisher at 0x100000, CLINT mtime at
 * 0x200BFF8 (10 MHz), minstret read with csrr in M-mode.
 *
 * Every benchmark does its setup, then
 *     bench_begin(&t);  ...measured work...  bench_end(&t, "name", check);
 * which prints one machine-readable line
 *     bench: name=NAME instret=N ticks=N check=0xXXXXXXXX
 * and returns; main then returns 0 (finisher pass). A self-check failure calls
 * bench_fail(code), which prints "bench: FAIL name=... code=N" and exits with
 * the finisher code N.
 *
 * With -DSMODE (the NAME-s images, linked by link-s.ld) the same program runs in
 * S-mode under SBI: rdtime and rdinstret instead of mtime and minstret, SBI SRST
 * instead of the finisher; the UART is the same.
 *
 * SCALE_DIV (a -D flag) divides each benchmark's repeat count: 1 for the full
 * images, 10 for the -quick images. SCALED(n) is n / SCALE_DIV, at least 1.
 */
#ifndef HVKIT_BENCH_H
#define HVKIT_BENCH_H

#ifndef SCALE_DIV
#define SCALE_DIV 1
#endif
#define SCALED(n) ((n) / SCALE_DIV > 0 ? (n) / SCALE_DIV : 1)

typedef unsigned long size_t;
typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

void putch(char c); /* '\n' is sent as "\r\n" */
void puts(const char *s);
void put_udec(u64 v);
void put_hex32(u32 v); /* "0x" + 8 hex digits */
void put_hex(u64 v);   /* "0x" + 16 hex digits */
__attribute__((noreturn)) void exit(int code);

/* Counters around the measured region. */
struct bench_timer {
  u64 ticks0, instret0;
};
u64 read_mtime(void);
static inline u64 read_minstret(void) {
  u64 v;
#ifdef SMODE
  __asm__ volatile("rdinstret %0" : "=r"(v)::"memory"); /* instret: needs [mh]counteren.IR */
#else
  __asm__ volatile("csrr %0, minstret" : "=r"(v)::"memory");
#endif
  return v;
}
void bench_begin(struct bench_timer *t);
void bench_end(struct bench_timer *t, const char *name, u32 check);
__attribute__((noreturn)) void bench_fail(const char *name, int code);

/* Deterministic pseudo-random numbers (splitmix64). */
static inline u64 splitmix64(u64 *state) {
  u64 z = (*state += 0x9e3779b97f4a7c15UL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
  return z ^ (z >> 31);
}

/* Folds a 64-bit value into a running 32-bit checksum (FNV-1a style over two halves). */
static inline u32 mix32(u32 h, u64 v) {
  h = (h ^ (u32)v) * 16777619u;
  h = (h ^ (u32)(v >> 32)) * 16777619u;
  return h;
}
#define CHECK_INIT 2166136261u

/* Keeps the compiler from merging or hoisting work across repetitions. */
#define BARRIER() __asm__ volatile("" ::: "memory")

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

int main(void);

#endif
