/* sort: quicksort (median of three, insertion sort below 16, recursion on the
 * smaller side) and heapsort of N pseudo-random 64-bit keys, REPS rounds with a
 * new seed each. Self-check: both outputs ascending and equal element by
 * element. check = FNV mix of every round's position-weighted key hash. */
#include "bench.h"

#define N 50000
#define REPS SCALED(10)

static u64 a[N], b[N];

static void insertion_sort(u64 *v, i64 lo, i64 hi) {
  for (i64 i = lo + 1; i <= hi; i++) {
    u64 x = v[i];
    i64 j = i - 1;
    while (j >= lo && v[j] > x) {
      v[j + 1] = v[j];
      j--;
    }
    v[j + 1] = x;
  }
}

static inline void swap(u64 *v, i64 i, i64 j) {
  u64 t = v[i];
  v[i] = v[j];
  v[j] = t;
}

static void quicksort(u64 *v, i64 lo, i64 hi) {
  while (hi - lo >= 16) {
    i64 mid = lo + (hi - lo) / 2;
    if (v[mid] < v[lo]) swap(v, mid, lo);
    if (v[hi] < v[lo]) swap(v, hi, lo);
    if (v[hi] < v[mid]) swap(v, hi, mid);
    u64 pivot = v[mid];
    i64 i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) swap(v, i++, j--);
    }
    if (j - lo < hi - i) {
      quicksort(v, lo, j);
      lo = i;
    } else {
      quicksort(v, i, hi);
      hi = j;
    }
  }
  insertion_sort(v, lo, hi);
}

static void sift_down(u64 *v, i64 root, i64 end) {
  for (;;) {
    i64 child = 2 * root + 1;
    if (child > end) return;
    if (child + 1 <= end && v[child] < v[child + 1]) child++;
    if (v[root] >= v[child]) return;
    swap(v, root, child);
    root = child;
  }
}

static void heapsort(u64 *v, i64 n) {
  for (i64 start = n / 2 - 1; start >= 0; start--) sift_down(v, start, n - 1);
  for (i64 end = n - 1; end > 0; end--) {
    swap(v, 0, end);
    sift_down(v, 0, end - 1);
  }
}

int main(void) {
  struct bench_timer t;
  u32 check = CHECK_INIT;
  bench_begin(&t);
  for (u64 r = 0; r < REPS; r++) {
    u64 seed = 0x5eed0000 + r;
    for (i64 i = 0; i < N; i++) a[i] = b[i] = splitmix64(&seed);
    quicksort(a, 0, N - 1);
    heapsort(b, N);
    u64 h = 0;
    for (i64 i = 0; i < N; i++) {
      if (a[i] != b[i] || (i > 0 && a[i - 1] > a[i])) bench_fail("sort", 1);
      h += a[i] * (u64)(i + 1);
    }
    check = mix32(check, h);
    BARRIER();
  }
  bench_end(&t, "sort", check);
  return 0;
}
