/* interp: a small register bytecode interpreter (16 64-bit registers, 8-byte
 * instructions, switch dispatch) running two loop-heavy programs each round:
 * Collatz step counts for 1..LIMIT (branchy) and a multiply/xor/shift hash
 * loop of ITERS iterations. REPS rounds with different parameters. Self-check:
 * the same computations in plain C (run before the measured region) give the
 * same results. check = FNV mix of both programs' results of every round. */
#include "bench.h"

#define COLLATZ_LIMIT 1500
#define HASH_ITERS 60000
#define REPS SCALED(10)

enum op { LI, MOV, ADD, XOR, MUL, ADDI, ANDI, SHRI, SHLI, BEQ, BNE, JMP, HALT };

struct ins {
  u8 op, a, b, c;
  int imm;
};

/* r[a] = r[b] op r[c] or r[b] op imm; branches compare r[a] with r[b] and jump to imm. */
static u64 run(const struct ins *code) {
  u64 r[16] = {0};
  const struct ins *pc = code;
  for (;;) {
    const struct ins *i = pc++;
    switch (i->op) {
    case LI: r[i->a] = (u64)(i64)i->imm; break;
    case MOV: r[i->a] = r[i->b]; break;
    case ADD: r[i->a] = r[i->b] + r[i->c]; break;
    case XOR: r[i->a] = r[i->b] ^ r[i->c]; break;
    case MUL: r[i->a] = r[i->b] * r[i->c]; break;
    case ADDI: r[i->a] = r[i->b] + (u64)(i64)i->imm; break;
    case ANDI: r[i->a] = r[i->b] & (u64)(i64)i->imm; break;
    case SHRI: r[i->a] = r[i->b] >> (i->imm & 63); break;
    case SHLI: r[i->a] = r[i->b] << (i->imm & 63); break;
    case BEQ: if (r[i->a] == r[i->b]) pc = code + i->imm; break;
    case BNE: if (r[i->a] != r[i->b]) pc = code + i->imm; break;
    case JMP: pc = code + i->imm; break;
    case HALT: return r[0];
    default: bench_fail("interp", 2);
    }
  }
}

/* r0 = total Collatz steps of n = 1..limit; instruction 2 holds limit + 1. */
static struct ins collatz[] = {
    /*  0 */ {LI, 0, 0, 0, 0},
    /*  1 */ {LI, 1, 0, 0, 1},
    /*  2 */ {LI, 2, 0, 0, 0}, /* limit + 1, patched */
    /*  3 */ {LI, 6, 0, 0, 1},
    /*  4 */ {LI, 15, 0, 0, 0},
    /*  5 */ {MOV, 3, 1, 0, 0},   /* next n: x = n */
    /*  6 */ {BEQ, 3, 6, 0, 17},  /* x == 1: done */
    /*  7 */ {ANDI, 4, 3, 0, 1},
    /*  8 */ {BNE, 4, 15, 0, 12}, /* odd */
    /*  9 */ {SHRI, 3, 3, 0, 1},  /* x /= 2 */
    /* 10 */ {ADDI, 0, 0, 0, 1},
    /* 11 */ {JMP, 0, 0, 0, 6},
    /* 12 */ {ADD, 5, 3, 3, 0},   /* x = 3x + 1 */
    /* 13 */ {ADD, 3, 5, 3, 0},
    /* 14 */ {ADDI, 3, 3, 0, 1},
    /* 15 */ {ADDI, 0, 0, 0, 1},
    /* 16 */ {JMP, 0, 0, 0, 6},
    /* 17 */ {ADDI, 1, 1, 0, 1},  /* n++ */
    /* 18 */ {BNE, 1, 2, 0, 5},
    /* 19 */ {HALT, 0, 0, 0, 0},
};

/* r0 = hash of ITERS LCG steps from seed; instruction 2 holds iters, 3 the seed. */
static struct ins hashloop[] = {
    /*  0 */ {LI, 0, 0, 0, 0},
    /*  1 */ {LI, 1, 0, 0, 0},
    /*  2 */ {LI, 2, 0, 0, 0}, /* iterations, patched */
    /*  3 */ {LI, 3, 0, 0, 0}, /* seed, patched */
    /*  4 */ {LI, 7, 0, 0, 1103515245},
    /*  5 */ {MUL, 3, 3, 7, 0},
    /*  6 */ {ADDI, 3, 3, 0, 12345},
    /*  7 */ {SHRI, 4, 3, 0, 29},
    /*  8 */ {XOR, 0, 0, 4, 0},
    /*  9 */ {SHLI, 5, 0, 0, 7},
    /* 10 */ {XOR, 0, 0, 5, 0},
    /* 11 */ {ADDI, 1, 1, 0, 1},
    /* 12 */ {BNE, 1, 2, 0, 5},
    /* 13 */ {HALT, 0, 0, 0, 0},
};

static u64 native_collatz(u64 limit) {
  u64 steps = 0;
  for (u64 n = 1; n <= limit; n++)
    for (u64 x = n; x != 1; steps++) x = x & 1 ? 3 * x + 1 : x / 2;
  return steps;
}

static u64 native_hash(u64 iters, u64 seed) {
  u64 acc = 0, x = seed;
  for (u64 k = 0; k < iters; k++) {
    x = x * 1103515245 + 12345;
    acc ^= x >> 29;
    acc ^= acc << 7;
  }
  return acc;
}

static u64 want_collatz[REPS], want_hash[REPS];

int main(void) {
  for (int r = 0; r < REPS; r++) {
    want_collatz[r] = native_collatz(COLLATZ_LIMIT + r);
    want_hash[r] = native_hash(HASH_ITERS + r, 1000 + r);
  }

  struct bench_timer t;
  u32 check = CHECK_INIT;
  bench_begin(&t);
  for (int r = 0; r < REPS; r++) {
    collatz[2].imm = COLLATZ_LIMIT + r + 1;
    u64 steps = run(collatz);
    hashloop[2].imm = HASH_ITERS + r;
    hashloop[3].imm = 1000 + r;
    u64 hash = run(hashloop);
    if (steps != want_collatz[r] || hash != want_hash[r]) bench_fail("interp", 1);
    check = mix32(mix32(check, steps), hash);
    BARRIER();
  }
  bench_end(&t, "interp", check);
  return 0;
}
