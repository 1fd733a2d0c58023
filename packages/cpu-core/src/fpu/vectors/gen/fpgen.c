/*
 * Reference-vector generator for the hvkit soft-float (packages/cpu-core/src/fpu).
 *
 * Build for RV64 and run on a RISC-V implementation (gen.sh uses qemu-riscv64, whose
 * softfloat is configured for RISC-V: canonical NaNs, tininess after rounding, RISC-V
 * conversion saturation). Each instruction is executed by inline assembly with a static
 * rounding mode, between clearing fflags and reading it back; operands travel through
 * fmv.{w,d}.x / fmv.x.{w,d} so NaN payloads and signalling bits reach the FPU untouched.
 *
 *   fpgen OUTDIR [SCALE] [SEED]
 *
 * writes one OUTDIR/<fmt>_<op>.txt per operation. A line holds the operands in hex, then
 * one "result:flags" pair per variant: for rounding operations the five modes in the order
 * rne rtz rdn rup rmm, for min/max and the comparisons one pair per instruction. SCALE
 * multiplies the number of random inputs (1 for the committed set); edge cases are
 * always included.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t u64;

/* ------------------------------------------------------------------ instructions */

#define RMS(X, ...) \
  switch (rm) { \
    case 0: X("rne", __VA_ARGS__); break; \
    case 1: X("rtz", __VA_ARGS__); break; \
    case 2: X("rdn", __VA_ARGS__); break; \
    case 3: X("rup", __VA_ARGS__); break; \
    default: X("rmm", __VA_ARGS__); break; \
  }

/* Two FP operands, FP result, rounding mode. */
#define A_FFF(RM, INSN, LD, ST) \
  __asm__ volatile(LD " ft0, %[a]\n\t" LD " ft1, %[b]\n\tcsrw fflags, zero\n\t" INSN \
                      " ft2, ft0, ft1, " RM "\n\tfrflags %[fl]\n\t" ST " %[r], ft2" \
                   : [r] "=r"(r), [fl] "=r"(fl) : [a] "r"(a), [b] "r"(b) : "ft0", "ft1", "ft2")
/* Three FP operands (FMA), FP result, rounding mode. */
#define A_FFFF(RM, INSN, LD, ST) \
  __asm__ volatile(LD " ft0, %[a]\n\t" LD " ft1, %[b]\n\t" LD " ft2, %[c]\n\tcsrw fflags, zero\n\t" INSN \
                      " ft3, ft0, ft1, ft2, " RM "\n\tfrflags %[fl]\n\t" ST " %[r], ft3" \
                   : [r] "=r"(r), [fl] "=r"(fl) : [a] "r"(a), [b] "r"(b), [c] "r"(c) \
                   : "ft0", "ft1", "ft2", "ft3")
/* One FP operand, FP result, rounding mode (sqrt, fcvt.s.d). */
#define A_FF(RM, INSN, LD, ST) \
  __asm__ volatile(LD " ft0, %[a]\n\tcsrw fflags, zero\n\t" INSN " ft2, ft0, " RM "\n\tfrflags %[fl]\n\t" ST \
                      " %[r], ft2" \
                   : [r] "=r"(r), [fl] "=r"(fl) : [a] "r"(a) : "ft0", "ft2")
/* FP operand to integer register, rounding mode. */
#define A_XF(RM, INSN, LD, ST) \
  __asm__ volatile(LD " ft0, %[a]\n\tcsrw fflags, zero\n\t" INSN " %[r], ft0, " RM "\n\tfrflags %[fl]" \
                   : [r] "=r"(r), [fl] "=r"(fl) : [a] "r"(a) : "ft0")
/* Integer operand to FP result, rounding mode. */
#define A_FX(RM, INSN, LD, ST) \
  __asm__ volatile("csrw fflags, zero\n\t" INSN " ft2, %[a], " RM "\n\tfrflags %[fl]\n\t" ST " %[r], ft2" \
                   : [r] "=r"(r), [fl] "=r"(fl) : [a] "r"(a) : "ft2")

#define DEF_RM(NAME, SHAPE, INSN, LD, ST) \
  static u64 NAME(int rm, u64 a, u64 b, u64 c, u64 *flp) { \
    u64 r, fl; \
    (void)a; (void)b; (void)c; \
    RMS(SHAPE, INSN, LD, ST) \
    *flp = fl; \
    return r; \
  }

/* No rounding mode: min/max (FP result), compares (integer result), classify. */
#define DEF_FFF(NAME, INSN, LD, ST) \
  static u64 NAME(int rm, u64 a, u64 b, u64 c, u64 *flp) { \
    u64 r, fl; \
    (void)rm; (void)c; \
    __asm__ volatile(LD " ft0, %[a]\n\t" LD " ft1, %[b]\n\tcsrw fflags, zero\n\t" INSN \
                        " ft2, ft0, ft1\n\tfrflags %[fl]\n\t" ST " %[r], ft2" \
                     : [r] "=r"(r), [fl] "=r"(fl) : [a] "r"(a), [b] "r"(b) : "ft0", "ft1", "ft2"); \
    *flp = fl; \
    return r; \
  }
#define DEF_XFF(NAME, INSN, LD) \
  static u64 NAME(int rm, u64 a, u64 b, u64 c, u64 *flp) { \
    u64 r, fl; \
    (void)rm; (void)c; \
    __asm__ volatile(LD " ft0, %[a]\n\t" LD " ft1, %[b]\n\tcsrw fflags, zero\n\t" INSN \
                        " %[r], ft0, ft1\n\tfrflags %[fl]" \
                     : [r] "=r"(r), [fl] "=r"(fl) : [a] "r"(a), [b] "r"(b) : "ft0", "ft1"); \
    *flp = fl; \
    return r; \
  }
#define DEF_XF(NAME, INSN, LD) \
  static u64 NAME(int rm, u64 a, u64 b, u64 c, u64 *flp) { \
    u64 r, fl; \
    (void)rm; (void)b; (void)c; \
    __asm__ volatile(LD " ft0, %[a]\n\tcsrw fflags, zero\n\t" INSN " %[r], ft0\n\tfrflags %[fl]" \
                     : [r] "=r"(r), [fl] "=r"(fl) : [a] "r"(a) : "ft0"); \
    *flp = fl; \
    return r; \
  }
/*
 * FCVT.D.S, FCVT.D.W and FCVT.D.WU are exact; binutils 2.40 takes them without an rm operand
 * (it encodes rne), so they run once per call whatever the mode.
 */
#define DEF_FF_EXACT(NAME, INSN, LD, ST) \
  static u64 NAME(int rm, u64 a, u64 b, u64 c, u64 *flp) { \
    u64 r, fl; \
    (void)rm; (void)b; (void)c; \
    __asm__ volatile(LD " ft0, %[a]\n\tcsrw fflags, zero\n\t" INSN " ft2, ft0\n\tfrflags %[fl]\n\t" ST " %[r], ft2" \
                     : [r] "=r"(r), [fl] "=r"(fl) : [a] "r"(a) : "ft0", "ft2"); \
    *flp = fl; \
    return r; \
  }
#define DEF_FX_EXACT(NAME, INSN, LD, ST) \
  static u64 NAME(int rm, u64 a, u64 b, u64 c, u64 *flp) { \
    u64 r, fl; \
    (void)rm; (void)b; (void)c; \
    __asm__ volatile("csrw fflags, zero\n\t" INSN " ft2, %[a]\n\tfrflags %[fl]\n\t" ST " %[r], ft2" \
                     : [r] "=r"(r), [fl] "=r"(fl) : [a] "r"(a) : "ft2"); \
    *flp = fl; \
    return r; \
  }

#define S_LD "fmv.w.x"
#define S_ST "fmv.x.w"
#define D_LD "fmv.d.x"
#define D_ST "fmv.x.d"

DEF_RM(s_add, A_FFF, "fadd.s", S_LD, S_ST)
DEF_RM(s_sub, A_FFF, "fsub.s", S_LD, S_ST)
DEF_RM(s_mul, A_FFF, "fmul.s", S_LD, S_ST)
DEF_RM(s_div, A_FFF, "fdiv.s", S_LD, S_ST)
DEF_RM(s_sqrt, A_FF, "fsqrt.s", S_LD, S_ST)
DEF_RM(s_fmadd, A_FFFF, "fmadd.s", S_LD, S_ST)
DEF_RM(s_fmsub, A_FFFF, "fmsub.s", S_LD, S_ST)
DEF_RM(s_fnmsub, A_FFFF, "fnmsub.s", S_LD, S_ST)
DEF_RM(s_fnmadd, A_FFFF, "fnmadd.s", S_LD, S_ST)
DEF_FFF(s_min, "fmin.s", S_LD, S_ST)
DEF_FFF(s_max, "fmax.s", S_LD, S_ST)
DEF_XFF(s_eq, "feq.s", S_LD)
DEF_XFF(s_lt, "flt.s", S_LD)
DEF_XFF(s_le, "fle.s", S_LD)
DEF_XF(s_class, "fclass.s", S_LD)
DEF_RM(s_cvt_w, A_XF, "fcvt.w.s", S_LD, S_ST)
DEF_RM(s_cvt_wu, A_XF, "fcvt.wu.s", S_LD, S_ST)
DEF_RM(s_cvt_l, A_XF, "fcvt.l.s", S_LD, S_ST)
DEF_RM(s_cvt_lu, A_XF, "fcvt.lu.s", S_LD, S_ST)
DEF_RM(s_from_w, A_FX, "fcvt.s.w", S_LD, S_ST)
DEF_RM(s_from_wu, A_FX, "fcvt.s.wu", S_LD, S_ST)
DEF_RM(s_from_l, A_FX, "fcvt.s.l", S_LD, S_ST)
DEF_RM(s_from_lu, A_FX, "fcvt.s.lu", S_LD, S_ST)
DEF_RM(s_from_d, A_FF, "fcvt.s.d", D_LD, S_ST)

DEF_RM(d_add, A_FFF, "fadd.d", D_LD, D_ST)
DEF_RM(d_sub, A_FFF, "fsub.d", D_LD, D_ST)
DEF_RM(d_mul, A_FFF, "fmul.d", D_LD, D_ST)
DEF_RM(d_div, A_FFF, "fdiv.d", D_LD, D_ST)
DEF_RM(d_sqrt, A_FF, "fsqrt.d", D_LD, D_ST)
DEF_RM(d_fmadd, A_FFFF, "fmadd.d", D_LD, D_ST)
DEF_RM(d_fmsub, A_FFFF, "fmsub.d", D_LD, D_ST)
DEF_RM(d_fnmsub, A_FFFF, "fnmsub.d", D_LD, D_ST)
DEF_RM(d_fnmadd, A_FFFF, "fnmadd.d", D_LD, D_ST)
DEF_FFF(d_min, "fmin.d", D_LD, D_ST)
DEF_FFF(d_max, "fmax.d", D_LD, D_ST)
DEF_XFF(d_eq, "feq.d", D_LD)
DEF_XFF(d_lt, "flt.d", D_LD)
DEF_XFF(d_le, "fle.d", D_LD)
DEF_XF(d_class, "fclass.d", D_LD)
DEF_RM(d_cvt_w, A_XF, "fcvt.w.d", D_LD, D_ST)
DEF_RM(d_cvt_wu, A_XF, "fcvt.wu.d", D_LD, D_ST)
DEF_RM(d_cvt_l, A_XF, "fcvt.l.d", D_LD, D_ST)
DEF_RM(d_cvt_lu, A_XF, "fcvt.lu.d", D_LD, D_ST)
DEF_FX_EXACT(d_from_w, "fcvt.d.w", D_LD, D_ST)
DEF_FX_EXACT(d_from_wu, "fcvt.d.wu", D_LD, D_ST)
DEF_RM(d_from_l, A_FX, "fcvt.d.l", D_LD, D_ST)
DEF_RM(d_from_lu, A_FX, "fcvt.d.lu", D_LD, D_ST)
DEF_FF_EXACT(d_from_s, "fcvt.d.s", S_LD, D_ST)

/* ------------------------------------------------------------------ random inputs */

static u64 rs;
static u64 rnd(void) {
  u64 z = (rs += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static u64 rndn(u64 n) { return rnd() % n; }
static long rrange(long lo, long hi) { return lo + (long)rndn((u64)(hi - lo + 1)); }

typedef struct {
  int ebits, fbits, bias;
} fmt_t;
static const fmt_t FS = {8, 23, 127};
static const fmt_t FD = {11, 52, 1023};

static int emax_field(const fmt_t *f) { return (1 << f->ebits) - 1; }
static u64 fmask(const fmt_t *f) { return (1ULL << f->fbits) - 1; }
static u64 sbit(const fmt_t *f) { return 1ULL << (f->ebits + f->fbits); }
static int bexp(const fmt_t *f, u64 x) { return (int)((x >> f->fbits) & (u64)emax_field(f)); }
static u64 mk(const fmt_t *f, int sign, long e, u64 frac) {
  if (e < 0) e = 0;
  if (e > emax_field(f)) e = emax_field(f);
  return (sign ? sbit(f) : 0) | ((u64)e << f->fbits) | (frac & fmask(f));
}

/* Fraction bit patterns in the spirit of TestFloat: uniform, sparse, dense, runs, extremes. */
static u64 rfrac(const fmt_t *f) {
  int bits = f->fbits;
  u64 m = fmask(f);
  switch (rndn(7)) {
    case 0:
    case 1:
      return rnd() & m;
    case 2: {
      u64 v = 0;
      for (int k = 1 + (int)rndn(3); k--;) v |= 1ULL << rndn((u64)bits);
      return v;
    }
    case 3: {
      u64 v = m;
      for (int k = 1 + (int)rndn(3); k--;) v &= ~(1ULL << rndn((u64)bits));
      return v;
    }
    case 4: {
      int lo = (int)rndn((u64)bits), hi = lo + (int)rndn((u64)(bits - lo + 1));
      return (((1ULL << hi) - 1) & ~((1ULL << lo) - 1)) & m;
    }
    case 5: {
      /* Random top bits, then a rounding-critical tail: 100..0, 011..1, 100..01. */
      int cut = (int)rndn((u64)bits);
      u64 top = rnd() & m & ~((1ULL << cut) - 1);
      u64 tails[4] = {cut ? 1ULL << (cut - 1) : 0, cut ? (1ULL << (cut - 1)) - 1 : 0,
                      cut ? (1ULL << (cut - 1)) | 1 : 0, 0};
      return top | (tails[rndn(4)] & m);
    }
    default:
      return rndn(2) ? rndn(4) : m - rndn(4);
  }
}

/* Biased exponent field, weighted toward the interesting regions. */
static long rbexp(const fmt_t *f) {
  int top = emax_field(f);
  switch (rndn(16)) {
    case 0:
    case 1:
      return 0;
    case 2:
      return 1 + (long)rndn(3);
    case 3:
      return top - 1 - (long)rndn(3);
    case 4:
      return top;
    case 5:
    case 6:
    case 7:
    case 8:
      return f->bias - 6 + (long)rndn(13);
    default:
      return (long)rndn((u64)top);
  }
}

#define NSPEC 34
/* Edge values; the first 14 are the ones crossed exhaustively for two- and three-operand ops. */
static u64 special(const fmt_t *f, int i) {
  u64 h = 1ULL << (f->fbits - 1);
  int b = f->bias, t = emax_field(f);
  switch (i) {
    case 0: return mk(f, 0, 0, 0);                  /* +0 */
    case 1: return mk(f, 1, 0, 0);                  /* -0 */
    case 2: return mk(f, 0, 0, 1);                  /* min subnormal */
    case 3: return mk(f, 1, 0, fmask(f));           /* -max subnormal */
    case 4: return mk(f, 0, 1, 0);                  /* min normal */
    case 5: return mk(f, 1, b, 0);                  /* -1 */
    case 6: return mk(f, 0, b, 0);                  /* 1 */
    case 7: return mk(f, 0, b, h);                  /* 1.5 */
    case 8: return mk(f, 1, t - 1, fmask(f));       /* -max */
    case 9: return mk(f, 0, t - 1, fmask(f));       /* max */
    case 10: return mk(f, 0, t, 0);                 /* +inf */
    case 11: return mk(f, 1, t, 0);                 /* -inf */
    case 12: return mk(f, 0, t, h);                 /* canonical qNaN */
    case 13: return mk(f, 0, t, 1);                 /* sNaN */
    case 14: return mk(f, 1, 0, 1);                 /* -min subnormal */
    case 15: return mk(f, 0, 0, fmask(f));          /* max subnormal */
    case 16: return mk(f, 0, 0, h);                 /* mid subnormal */
    case 17: return mk(f, 1, 1, 0);                 /* -min normal */
    case 18: return mk(f, 0, 1, 1);                 /* min normal + ulp */
    case 19: return mk(f, 0, b - 1, 0);             /* 0.5 */
    case 20: return mk(f, 1, b - 1, 0);             /* -0.5 */
    case 21: return mk(f, 0, b + 1, h >> 1);        /* 2.5 */
    case 22: return mk(f, 1, b + 1, h >> 1);        /* -2.5 */
    case 23: return mk(f, 1, b, h);                 /* -1.5 */
    case 24: return mk(f, 0, b, 1);                 /* 1 + ulp */
    case 25: return mk(f, 0, b - 1, fmask(f));      /* 1 - ulp/2 */
    case 26: return mk(f, 0, b + 1, 0);             /* 2 */
    case 27: return mk(f, 0, t - 1, 0);             /* 2^emax */
    case 28: return mk(f, 1, t, h | 0x55);          /* negative qNaN with payload */
    case 29: return mk(f, 0, t, fmask(f));          /* qNaN, all-ones payload */
    case 30: return mk(f, 1, t, h - 1);             /* negative sNaN, full payload */
    case 31: return mk(f, 0, b + f->fbits, 1);      /* 2^p-1 + 2: odd integer at the precision limit */
    case 32: return mk(f, 0, b - f->fbits - 1, 0);  /* 2^-(p): half-ulp of 1 */
    default: return mk(f, 0, b + 1, 0x5a5a5a5a5a5aULL);
  }
}

static u64 rval(const fmt_t *f) {
  if (rndn(20) == 0) return special(f, (int)rndn(NSPEC));
  if (rndn(10) == 0) return rnd() & (sbit(f) | (sbit(f) - 1));
  return mk(f, (int)rndn(2), rbexp(f), rfrac(f));
}

static u64 rfinite(const fmt_t *f) {
  u64 v;
  do v = rval(f);
  while (bexp(f, v) == emax_field(f));
  return v;
}

/* A value whose exponent is near `a`'s (alignment, cancellation). */
static u64 rnear(const fmt_t *f, u64 a) {
  int p = f->fbits + 1;
  long e = bexp(f, a) + rrange(-(p + 4), p + 4);
  if (rndn(3) == 0) e = bexp(f, a) + rrange(-2, 2);
  if (e >= emax_field(f)) e = emax_field(f) - 1;
  u64 frac = rfrac(f);
  if (rndn(2)) frac = (a ^ (rnd() & ((1ULL << rndn((u64)f->fbits + 1)) - 1))) & fmask(f);
  return mk(f, (int)rndn(2), e, frac);
}

/* Two values whose exponents sum (sign +1) or differ (sign -1) near the edges of the range. */
static void redge_pair(const fmt_t *f, int sgn, u64 *a, u64 *b) {
  int p = f->fbits + 1, emin = 1 - f->bias, emax = f->bias;
  long target;
  switch (rndn(3)) {
    case 0: target = rrange(emin - p - 2, emin + 1); break;
    case 1: target = rrange(emax - 1, emax + 1); break;
    default: target = rrange(emin - p - 2, emax + 1); break;
  }
  long lo = emin, hi = emax;
  long ea, eb;
  for (int tries = 0;; tries++) {
    ea = rrange(lo, hi);
    eb = sgn > 0 ? target - ea : ea - target;
    if ((eb >= lo && eb <= hi) || tries > 50) break;
  }
  *a = mk(f, (int)rndn(2), ea + f->bias, rfrac(f));
  *b = mk(f, (int)rndn(2), eb + f->bias, rfrac(f));
}

/* ------------------------------------------------------------------ operations */

typedef u64 (*fn_t)(int rm, u64 a, u64 b, u64 c, u64 *flp);
typedef void (*gen_t)(const fmt_t *f, u64 *in);

typedef struct {
  const char *name;
  const fmt_t *f;   /* operand format for generators */
  int nin;          /* operands */
  int indig;        /* hex digits per operand */
  int outdig;       /* hex digits per result */
  int rounding;     /* 1: five rounding modes per fn */
  int nfn;
  fn_t fn[3];
  gen_t gen;
  int count;        /* random inputs at SCALE 1 */
  int cross;        /* edge values crossed exhaustively (0: each edge value alone) */
} op_t;

static void g_any(const fmt_t *f, u64 *in) {
  in[0] = rval(f);
  in[1] = rval(f);
  in[2] = rval(f);
}

static void g_add(const fmt_t *f, u64 *in) {
  in[0] = rval(f);
  in[1] = rndn(2) ? rnear(f, in[0]) : rval(f);
}

static void g_mul(const fmt_t *f, u64 *in) {
  if (rndn(2)) redge_pair(f, 1, &in[0], &in[1]);
  else g_any(f, in);
}

static void g_div(const fmt_t *f, u64 *in) {
  if (rndn(2)) redge_pair(f, -1, &in[0], &in[1]);
  else g_any(f, in);
  if (rndn(8) == 0) in[1] = mk(f, (int)rndn(2), bexp(f, in[1]), 0); /* exact divisor */
}

static void g_sqrt(const fmt_t *f, u64 *in) {
  in[0] = rval(f);
  if (rndn(5)) in[0] &= ~sbit(f);
  if (rndn(6) == 0) {
    /* An exact square or a neighbour of one. */
    double x;
    u64 bits;
    if (f == &FS) {
      float y = (float)(rnd() % (1u << 12)) * 0x1p-6f;
      y = y * y;
      uint32_t u;
      memcpy(&u, &y, 4);
      bits = u + rrange(-1, 1);
    } else {
      x = (double)(rnd() % (1ULL << 26)) * 0x1p-13;
      x = x * x;
      memcpy(&bits, &x, 8);
      bits += rrange(-1, 1);
    }
    in[0] = bits;
  }
}

static void g_fma(const fmt_t *f, u64 *in) {
  int mode = (int)rndn(10);
  if (mode < 3) {
    g_any(f, in);
    return;
  }
  if (mode < 5) redge_pair(f, 1, &in[0], &in[1]);
  else {
    in[0] = rfinite(f);
    in[1] = rfinite(f);
  }
  if (mode < 8) {
    /* c near -(a*b): heavy cancellation. */
    u64 r;
    if (f == &FS) {
      float fa, fb;
      uint32_t ua = (uint32_t)in[0], ub = (uint32_t)in[1];
      memcpy(&fa, &ua, 4);
      memcpy(&fb, &ub, 4);
      float pr = (float)((double)fa * (double)fb);
      uint32_t u;
      memcpy(&u, &pr, 4);
      r = u;
    } else {
      double fa, fb;
      memcpy(&fa, &in[0], 8);
      memcpy(&fb, &in[1], 8);
      double pr = fa * fb;
      memcpy(&r, &pr, 8);
    }
    if (bexp(f, r) == emax_field(f)) r = rfinite(f);
    r = (r + (u64)rrange(-3, 3)) & (sbit(f) | (sbit(f) - 1));
    if (rndn(4)) r ^= sbit(f);
    in[2] = r;
  } else {
    in[2] = rndn(2) ? rnear(f, in[0]) : rval(f);
  }
}

static void g_cmp(const fmt_t *f, u64 *in) {
  in[0] = rval(f);
  switch (rndn(4)) {
    case 0: in[1] = in[0]; break;
    case 1: in[1] = in[0] ^ sbit(f); break;
    case 2: in[1] = rnear(f, in[0]); break;
    default: in[1] = rval(f); break;
  }
}

/* Float to integer: magnitudes up to a little past 2^width, with half-way fractions. */
static int g_toint_width;
static void g_toint(const fmt_t *f, u64 *in) {
  int w = g_toint_width;
  if (rndn(8) == 0) {
    in[0] = rval(f);
    return;
  }
  long e = rrange(-3, w + 1);
  if (rndn(4) == 0) e = w - 1 + rrange(-1, 1);
  u64 frac = rfrac(f);
  if (rndn(4) == 0 && e >= 0 && e < f->fbits) {
    /* k + 0.5 exactly */
    int lsb = f->fbits - (int)e; /* fraction bit worth 2^0 */
    frac = (frac & ~((1ULL << lsb) - 1)) | (1ULL << (lsb - 1));
  }
  in[0] = mk(f, (int)rndn(2), e + f->bias, frac);
}

/* Integers of random width and bit pattern, for the int-to-float conversions. */
static int g_int_width;
static void g_fromint(const fmt_t *f, u64 *in) {
  (void)f;
  int w = g_int_width;
  int len = 1 + (int)rndn((u64)w);
  u64 v;
  switch (rndn(4)) {
    case 0: v = rnd(); break;
    case 1: {
      int lo = (int)rndn((u64)len);
      v = (len >= 64 ? ~0ULL : (1ULL << len) - 1) & ~((1ULL << lo) - 1);
      break;
    }
    case 2: {
      /* leading one, a tie or near-tie tail below the precision */
      v = (1ULL << (len - 1)) | (rnd() & ((1ULL << (len - 1)) - 1));
      int p = f->fbits + 1;
      if (len > p) {
        int cut = len - p;
        v &= ~((1ULL << cut) - 1);
        v |= (u64)(rndn(2) ? 1ULL << (cut - 1) : (1ULL << (cut - 1)) + rrange(-1, 1)) & ((1ULL << cut) - 1);
      }
      break;
    }
    default: v = rnd(); break;
  }
  if (len < 64) v &= (1ULL << len) - 1;
  if (rndn(2)) v = (u64)(-(int64_t)v);
  if (w == 32) v = (u64)(int64_t)(int32_t)(uint32_t)v; /* operand as the sign-extended register */
  in[0] = v;
}

static void g_d2s(const fmt_t *f, u64 *in) {
  (void)f;
  if (rndn(6) == 0) {
    in[0] = rval(&FD);
    return;
  }
  /* Exponents around the binary32 range, tails around the binary32 rounding point. */
  long e = rndn(3) ? rrange(-150 - 3, -120) : rrange(-126, 129);
  if (rndn(3) == 0) e = rrange(125, 129);
  u64 frac = rfrac(&FD);
  u64 tails[5] = {0, 1ULL << 28, (1ULL << 28) - 1, (1ULL << 28) + 1, frac & ((1ULL << 29) - 1)};
  int shift = 29;
  if (e < -126) shift += (int)(-126 - e); /* subnormal binary32: rounding point moves up */
  if (shift > 52) shift = 52;
  u64 tail = tails[rndn(5)];
  if (shift != 29 && rndn(2)) {
    u64 half = 1ULL << (shift - 1);
    u64 t2[3] = {half, half - 1, half + 1};
    frac = (frac & ~((1ULL << shift) - 1)) | t2[rndn(3)];
  } else {
    frac = (frac & ~((1ULL << 29) - 1)) | tail;
  }
  in[0] = mk(&FD, (int)rndn(2), e + FD.bias, frac);
}

static void g_s2d(const fmt_t *f, u64 *in) { in[0] = rval(f); }

/* Integer edge operands (as sign-extended register values). */
static const u64 int_edges[] = {
    0, 1, 2, 3, 0xffffffffffffffffULL, 0xfffffffffffffffeULL, 0x7fffffff, 0xffffffff80000000ULL,
    0xffffffff80000001ULL, 0xffffff7fULL, 0x1000001, 0x1000003, 0x2000002, 0x2000003, 0x20000000000001ULL,
    0x20000000000003ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 0x8000000000000001ULL,
    0xfffffffffffff800ULL, 0x7ffffffffffffc00ULL, 0x7ffffffffffffe00ULL, 0x7ffffffffffffdffULL,
    0xffffff80ULL, 0xfffffffffffffc00ULL,
};

static void emit(FILE *out, const op_t *op, const u64 *in) {
  for (int i = 0; i < op->nin; i++) {
    u64 v = in[i];
    if (op->indig == 8) v &= 0xffffffffULL;
    fprintf(out, "%0*llx ", op->indig, (unsigned long long)v);
  }
  int nrm = op->rounding ? 5 : 1;
  for (int k = 0; k < op->nfn; k++) {
    for (int rm = 0; rm < nrm; rm++) {
      u64 fl, r = op->fn[k](rm, in[0], in[1], in[2], &fl);
      if (op->outdig == 8) {
        /* 32-bit results: FP ones are NaN-boxed, integer ones sign-extended. */
        u64 hi = r >> 32;
        if (hi != 0xffffffffULL && hi != 0 ) {
          fprintf(stderr, "%s: unexpected upper bits %016llx\n", op->name, (unsigned long long)r);
          exit(1);
        }
        r &= 0xffffffffULL;
      }
      fprintf(out, "%0*llx:%02llx%s", op->outdig, (unsigned long long)r, (unsigned long long)fl,
              (k == op->nfn - 1 && rm == nrm - 1) ? "\n" : " ");
    }
  }
}

static void run(const char *dir, const op_t *op, int scale) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s.txt", dir, op->name);
  FILE *out = fopen(path, "w");
  if (!out) {
    perror(path);
    exit(1);
  }
  fprintf(out, "# %s: %d operand(s), then result:fflags %s\n", op->name, op->nin,
          op->rounding ? "for rne rtz rdn rup rmm" : "per instruction");
  u64 in[3] = {0, 0, 0};
  const fmt_t *f = op->f;
  if (op->gen == g_fromint) {
    for (unsigned i = 0; i < sizeof int_edges / sizeof int_edges[0]; i++) {
      in[0] = int_edges[i];
      if (g_int_width == 32) {
        if (int_edges[i] >> 32 && (int_edges[i] >> 32) != 0xffffffffULL) continue;
        in[0] = (u64)(int64_t)(int32_t)(uint32_t)int_edges[i];
      }
      emit(out, op, in);
    }
  } else if (op->cross && op->nin == 2) {
    for (int i = 0; i < op->cross; i++)
      for (int j = 0; j < op->cross; j++) {
        in[0] = special(f, i);
        in[1] = special(f, j);
        emit(out, op, in);
      }
  } else if (op->cross && op->nin == 3) {
    static const int sub[] = {0, 1, 6, 5, 10, 11, 12, 13, 2};
    int n = op->cross;
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++)
        for (int k = 0; k < n; k++) {
          in[0] = special(f, sub[i]);
          in[1] = special(f, sub[j]);
          in[2] = special(f, sub[k]);
          emit(out, op, in);
        }
  } else if (op->nin == 1) {
    for (int i = 0; i < NSPEC; i++) {
      in[0] = special(f, i);
      emit(out, op, in);
    }
  }
  for (long i = 0; i < (long)op->count * scale; i++) {
    op->gen(f, in);
    emit(out, op, in);
  }
  fclose(out);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s OUTDIR [SCALE] [SEED]\n", argv[0]);
    return 2;
  }
  int scale = argc > 2 ? atoi(argv[2]) : 1;
  rs = argc > 3 ? strtoull(argv[3], 0, 0) : 0x5eed;
  const op_t ops[] = {
      {"f32_add", &FS, 2, 8, 8, 1, 1, {s_add}, g_add, 500, 14},
      {"f32_sub", &FS, 2, 8, 8, 1, 1, {s_sub}, g_add, 400, 14},
      {"f32_mul", &FS, 2, 8, 8, 1, 1, {s_mul}, g_mul, 500, 14},
      {"f32_div", &FS, 2, 8, 8, 1, 1, {s_div}, g_div, 500, 14},
      {"f32_sqrt", &FS, 1, 8, 8, 1, 1, {s_sqrt}, g_sqrt, 600, 0},
      {"f32_fmadd", &FS, 3, 8, 8, 1, 1, {s_fmadd}, g_fma, 500, 9},
      {"f32_fmsub", &FS, 3, 8, 8, 1, 1, {s_fmsub}, g_fma, 250, 7},
      {"f32_fnmsub", &FS, 3, 8, 8, 1, 1, {s_fnmsub}, g_fma, 250, 7},
      {"f32_fnmadd", &FS, 3, 8, 8, 1, 1, {s_fnmadd}, g_fma, 250, 7},
      {"f32_minmax", &FS, 2, 8, 8, 0, 2, {s_min, s_max}, g_cmp, 800, 14},
      {"f32_cmp", &FS, 2, 8, 1, 0, 3, {s_eq, s_lt, s_le}, g_cmp, 800, 14},
      {"f32_class", &FS, 1, 8, 3, 0, 1, {s_class}, g_s2d, 300, 0},
      {"f32_cvt_w", &FS, 1, 8, 8, 1, 1, {s_cvt_w}, g_toint, 450, 0},
      {"f32_cvt_wu", &FS, 1, 8, 8, 1, 1, {s_cvt_wu}, g_toint, 450, 0},
      {"f32_cvt_l", &FS, 1, 8, 16, 1, 1, {s_cvt_l}, g_toint, 300, 0},
      {"f32_cvt_lu", &FS, 1, 8, 16, 1, 1, {s_cvt_lu}, g_toint, 300, 0},
      {"f32_from_w", &FS, 1, 8, 8, 1, 1, {s_from_w}, g_fromint, 300, 0},
      {"f32_from_wu", &FS, 1, 8, 8, 1, 1, {s_from_wu}, g_fromint, 300, 0},
      {"f32_from_l", &FS, 1, 16, 8, 1, 1, {s_from_l}, g_fromint, 300, 0},
      {"f32_from_lu", &FS, 1, 16, 8, 1, 1, {s_from_lu}, g_fromint, 300, 0},
      {"f32_from_f64", &FD, 1, 16, 8, 1, 1, {s_from_d}, g_d2s, 600, 0},
      {"f64_add", &FD, 2, 16, 16, 1, 1, {d_add}, g_add, 350, 14},
      {"f64_sub", &FD, 2, 16, 16, 1, 1, {d_sub}, g_add, 250, 14},
      {"f64_mul", &FD, 2, 16, 16, 1, 1, {d_mul}, g_mul, 350, 14},
      {"f64_div", &FD, 2, 16, 16, 1, 1, {d_div}, g_div, 350, 14},
      {"f64_sqrt", &FD, 1, 16, 16, 1, 1, {d_sqrt}, g_sqrt, 400, 0},
      {"f64_fmadd", &FD, 3, 16, 16, 1, 1, {d_fmadd}, g_fma, 350, 9},
      {"f64_fmsub", &FD, 3, 16, 16, 1, 1, {d_fmsub}, g_fma, 200, 7},
      {"f64_fnmsub", &FD, 3, 16, 16, 1, 1, {d_fnmsub}, g_fma, 200, 7},
      {"f64_fnmadd", &FD, 3, 16, 16, 1, 1, {d_fnmadd}, g_fma, 200, 7},
      {"f64_minmax", &FD, 2, 16, 16, 0, 2, {d_min, d_max}, g_cmp, 600, 14},
      {"f64_cmp", &FD, 2, 16, 1, 0, 3, {d_eq, d_lt, d_le}, g_cmp, 600, 14},
      {"f64_class", &FD, 1, 16, 3, 0, 1, {d_class}, g_s2d, 300, 0},
      {"f64_cvt_w", &FD, 1, 16, 8, 1, 1, {d_cvt_w}, g_toint, 350, 0},
      {"f64_cvt_wu", &FD, 1, 16, 8, 1, 1, {d_cvt_wu}, g_toint, 350, 0},
      {"f64_cvt_l", &FD, 1, 16, 16, 1, 1, {d_cvt_l}, g_toint, 250, 0},
      {"f64_cvt_lu", &FD, 1, 16, 16, 1, 1, {d_cvt_lu}, g_toint, 250, 0},
      {"f64_from_w", &FD, 1, 8, 16, 1, 1, {d_from_w}, g_fromint, 60, 0},
      {"f64_from_wu", &FD, 1, 8, 16, 1, 1, {d_from_wu}, g_fromint, 60, 0},
      {"f64_from_l", &FD, 1, 16, 16, 1, 1, {d_from_l}, g_fromint, 300, 0},
      {"f64_from_lu", &FD, 1, 16, 16, 1, 1, {d_from_lu}, g_fromint, 300, 0},
      {"f64_from_f32", &FS, 1, 8, 16, 0, 1, {d_from_s}, g_s2d, 300, 0},
  };
  for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    const op_t *op = &ops[i];
    const char *n = op->name;
    g_toint_width = strstr(n, "cvt_w") ? 32 : 64;
    g_int_width = (strstr(n, "from_w")) ? 32 : 64;
    run(argv[1], op, scale);
  }
  return 0;
}
