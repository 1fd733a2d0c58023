/* sieve: Sieve of Eratosthenes over the odd numbers up to LIMIT in a bit array
 * (one bit per odd number, 64-bit words), repeated REPS times with a slightly
 * different limit each time. Self-check: the prime count below 2,000,000 is
 * 148,933. check = FNV mix of every run's count and word hash. */
#include "bench.h"

#define LIMIT 2000000UL
#define REPS SCALED(12)
#define WORDS ((LIMIT / 2) / 64 + 1)

static u64 bits[WORDS]; /* bit k set: 2k+1 is composite */

/* Number of zero bits among the first n bits of `bits` (SWAR popcount, no Zbb). */
static u64 count_zero_bits(u64 n) {
  u64 ones = 0, full = n / 64;
  for (u64 w = 0; w < full; w++) {
    u64 x = bits[w];
    x = x - ((x >> 1) & 0x5555555555555555UL);
    x = (x & 0x3333333333333333UL) + ((x >> 2) & 0x3333333333333333UL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
    ones += (x * 0x0101010101010101UL) >> 56;
  }
  for (u64 k = full * 64; k < n; k++) ones += (bits[k / 64] >> (k % 64)) & 1;
  return n - ones;
}

/* Primes <= limit (limit >= 2). */
static u64 sieve(u64 limit) {
  u64 n = (limit - 1) / 2 + 1; /* odd numbers 1, 3, ..., <= limit */
  for (u64 w = 0; w < n / 64 + 1; w++) bits[w] = 0;
  bits[0] |= 1; /* 1 is not prime */
  for (u64 i = 3; i * i <= limit; i += 2) {
    if (bits[i / 128] >> ((i / 2) % 64) & 1) continue;
    for (u64 j = i * i; j <= limit; j += 2 * i) bits[j / 128] |= 1UL << ((j / 2) % 64);
  }
  return count_zero_bits(n) + 1; /* + the prime 2 */
}

int main(void) {
  struct bench_timer t;
  u32 check = CHECK_INIT;
  bench_begin(&t);
  for (u64 r = 0; r < REPS; r++) {
    u64 count = sieve(LIMIT - r * 1000);
    if (r == 0 && count != 148933) bench_fail("sieve", 1);
    u64 h = 0;
    for (u64 w = 0; w < WORDS; w += 97) h = h * 31 + bits[w];
    check = mix32(mix32(check, count), h);
    BARRIER();
  }
  bench_end(&t, "sieve", check);
  return 0;
}
