/* demo.elf: the README demo. Prints a banner, the primes below 100 (sieve of
 * Eratosthenes), a 60x24 ASCII Mandelbrot set computed with 64-bit integer
 * fixed-point arithmetic (12 fraction bits, no FP), then "demo: done", and
 * exits through the finisher with 0x5555. Exercises loads/stores, branches,
 * mul/div/rem and UART output; about 0.26 million instructions. */
#include "lib.h"

#define W 60
#define H 24
#define FRAC 12 /* fixed point: value = n / 4096 */
#define MAXIT 32

static void sieve(void) {
  static u8 composite[100];
  int count = 0;
  puts("primes below 100:");
  for (int i = 2; i < 100; i++) {
    if (composite[i]) continue;
    putch(' ');
    put_dec(i);
    count++;
    for (int j = i * i; j < 100; j += i) composite[j] = 1;
  }
  puts("\n(");
  put_dec(count);
  puts(" primes)\n");
}

static void mandelbrot(void) {
  static const char shade[] = " .:-=+*#%@";
  /* x in [-2.2, 0.8), y in [-1.2, 1.2) */
  const long x0 = -(22L << FRAC) / 10, dx = (30L << FRAC) / 10 / W;
  const long y0 = -(12L << FRAC) / 10, dy = (24L << FRAC) / 10 / H;
  for (int row = 0; row < H; row++) {
    long ci = y0 + row * dy;
    for (int col = 0; col < W; col++) {
      long cr = x0 + col * dx, zr = 0, zi = 0;
      int it = 0;
      while (it < MAXIT) {
        long zr2 = (zr * zr) >> FRAC, zi2 = (zi * zi) >> FRAC;
        if (zr2 + zi2 > (4L << FRAC)) break;
        zi = ((2 * zr * zi) >> FRAC) + ci;
        zr = zr2 - zi2 + cr;
        it++;
      }
      putch(it == MAXIT ? '@' : shade[it % 9]);
    }
    putch('\n');
  }
}

int main(u64 hartid, u64 dtb) {
  (void)dtb;
  puts("=== hvkit demo ===\n");
  puts("running on hart ");
  put_dec((long)hartid);
  putch('\n');
  sieve();
  mandelbrot();
  puts("demo: done\n");
  return 0;
}
