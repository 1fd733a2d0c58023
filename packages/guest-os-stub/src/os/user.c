/* The user-mode tasks of the os-stub: code and constants live in the user region
 * (sections .utext/.urodata, mapped with U); no writable globals. */
#define UTEXT __attribute__((section(".utext"), noinline))

enum { SYS_WRITE = 0, SYS_YIELD = 1, SYS_EXIT = 2, SYS_GETPID = 3 };

UTEXT static long sys(long n, long a0, long a1) {
  register long r0 __asm__("a0") = a0;
  register long r1 __asm__("a1") = a1;
  register long r7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r7) : "memory");
  return r0;
}

UTEXT static unsigned long utime(void) {
  unsigned long t;
  __asm__ volatile("rdtime %0" : "=r"(t));
  return t;
}

/* a0 = pid, a1 = timer ticks to spin per step (a few scheduler quanta). */
UTEXT __attribute__((used)) void user_task(long pid, unsigned long spin) {
  char line[32];
  int ok = sys(SYS_GETPID, 0, 0) == pid;
  for (int step = 0; step < 3; step++) {
    int n = 0;
    line[n++] = 'o'; line[n++] = 's'; line[n++] = '-'; line[n++] = 's'; line[n++] = 't';
    line[n++] = 'u'; line[n++] = 'b'; line[n++] = ':'; line[n++] = ' '; line[n++] = 't';
    line[n++] = 'a'; line[n++] = 's'; line[n++] = 'k'; line[n++] = ' ';
    line[n++] = (char)('0' + pid); line[n++] = ' ';
    line[n++] = 's'; line[n++] = 't'; line[n++] = 'e'; line[n++] = 'p'; line[n++] = ' ';
    line[n++] = (char)('0' + step); line[n++] = '\n';
    if (sys(SYS_WRITE, (long)line, n) != n) ok = 0;
    /* Spin for some time and some work: a board that checks timers only between
     * slices of instructions (hvkit's) must see several ticks during it too. */
    unsigned long start = utime();
    for (unsigned long iter = 0; utime() - start < spin || iter < 100000; iter++) {
    }
    if (step == 1) sys(SYS_YIELD, 0, 0);
  }
  if (sys(SYS_GETPID, 0, 0) != pid) ok = 0;
  sys(SYS_EXIT, ok ? pid : 100 + pid, 0);
  for (;;) {
  }
}
