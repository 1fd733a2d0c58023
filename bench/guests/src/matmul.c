/* matmul: 64-bit integer matrix multiply C = A x B (wrapping arithmetic),
 * i-k-j loop order, DIM x DIM, REPS rounds; each round feeds C back into A
 * (A = C ^ round) so rounds cannot be merged. Self-check: one element of the
 * first product recomputed with the naive i-j-k dot product. check = FNV mix
 * of every round's matrix hash. */
#include "bench.h"

#define DIM 96
#define REPS SCALED(30)

static u64 A[DIM][DIM], B[DIM][DIM], C[DIM][DIM];

static void multiply(void) {
  for (int i = 0; i < DIM; i++) {
    for (int j = 0; j < DIM; j++) C[i][j] = 0;
    for (int k = 0; k < DIM; k++) {
      u64 aik = A[i][k];
      for (int j = 0; j < DIM; j++) C[i][j] += aik * B[k][j];
    }
  }
}

int main(void) {
  u64 seed = 7;
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++) {
      A[i][j] = splitmix64(&seed);
      B[i][j] = splitmix64(&seed) >> 7;
    }

  struct bench_timer t;
  u32 check = CHECK_INIT;
  bench_begin(&t);
  for (u64 r = 0; r < REPS; r++) {
    if (r == 0) {
      u64 dot = 0;
      for (int k = 0; k < DIM; k++) dot += A[DIM / 3][k] * B[k][DIM / 2];
      multiply();
      if (C[DIM / 3][DIM / 2] != dot) bench_fail("matmul", 1);
    } else {
      multiply();
    }
    u64 h = 0;
    for (int i = 0; i < DIM; i++)
      for (int j = 0; j < DIM; j++) {
        h = h * 1099511628211UL + C[i][j];
        A[i][j] = C[i][j] ^ r;
      }
    check = mix32(check, h);
    BARRIER();
  }
  bench_end(&t, "matmul", check);
  return 0;
}
