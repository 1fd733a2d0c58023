/* strsearch: naive and Boyer-Moore-Horspool substring search counting every
 * (overlapping) occurrence of 8 patterns (3..40 bytes, most cut from the text,
 * one built to be absent) in 64 KiB of generated text (words over an 8-letter
 * alphabet), REPS rounds with different patterns. Self-check: both algorithms
 * give the same count and position sum. check = FNV mix of every count and
 * position sum. */
#include "bench.h"

#define TEXT_SIZE 65536
#define NPAT 8
#define REPS SCALED(30)

static u8 text[TEXT_SIZE];
static u8 pat[NPAT][48];
static const int pat_len[NPAT] = {3, 4, 6, 9, 14, 20, 32, 40};

struct found {
  u64 count, possum;
};

static struct found naive(const u8 *t, size_t n, const u8 *p, size_t m) {
  struct found f = {0, 0};
  for (size_t i = 0; i + m <= n; i++) {
    size_t j = 0;
    while (j < m && t[i + j] == p[j]) j++;
    if (j == m) {
      f.count++;
      f.possum += i;
    }
  }
  return f;
}

static struct found horspool(const u8 *t, size_t n, const u8 *p, size_t m) {
  size_t shift[256];
  for (int c = 0; c < 256; c++) shift[c] = m;
  for (size_t j = 0; j + 1 < m; j++) shift[p[j]] = m - 1 - j;
  struct found f = {0, 0};
  size_t i = 0;
  u8 last = p[m - 1];
  while (i + m <= n) {
    u8 c = t[i + m - 1];
    if (c == last) {
      size_t j = 0;
      while (j + 1 < m && t[i + j] == p[j]) j++;
      if (j + 1 == m) {
        f.count++;
        f.possum += i;
      }
    }
    i += shift[c];
  }
  return f;
}

int main(void) {
  u64 seed = 2024;
  for (size_t i = 0; i < TEXT_SIZE;) {
    u64 v = splitmix64(&seed);
    int len = 1 + (int)(v % 7);
    v >>= 3;
    for (int k = 0; k < len && i < TEXT_SIZE; k++, v >>= 3) text[i++] = (u8)('a' + (v & 7));
    if (i < TEXT_SIZE) text[i++] = ' ';
  }

  struct bench_timer t;
  u32 check = CHECK_INIT;
  bench_begin(&t);
  for (u64 r = 0; r < REPS; r++) {
    for (int k = 0; k < NPAT; k++) {
      int m = pat_len[k];
      size_t at = (size_t)(splitmix64(&seed) % (TEXT_SIZE - 64));
      for (int j = 0; j < m; j++) pat[k][j] = text[at + j];
      if (k == NPAT - 1) pat[k][m / 2] = 'z'; /* never in the text */
      struct found a = naive(text, TEXT_SIZE, pat[k], (size_t)m);
      struct found b = horspool(text, TEXT_SIZE, pat[k], (size_t)m);
      if (a.count != b.count || a.possum != b.possum) bench_fail("strsearch", 1);
      if (k == NPAT - 1 ? a.count != 0 : a.count == 0) bench_fail("strsearch", 2);
      check = mix32(mix32(check, a.count), a.possum);
    }
    BARRIER();
  }
  bench_end(&t, "strsearch", check);
  return 0;
}
